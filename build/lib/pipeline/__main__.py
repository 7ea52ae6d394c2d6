"""`python -m pipeline ...` is the `nba-props` command line (pipeline/cli.py)."""

from __future__ import annotations

import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main())
