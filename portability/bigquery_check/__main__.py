"""`python -m portability.bigquery_check` (cli.py)."""

from portability.bigquery_check.cli import exit_with_main

exit_with_main()
