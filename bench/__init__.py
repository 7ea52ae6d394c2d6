"""The ten-season benchmark (issue #10): `python -m bench` or `nba-props bench`.

It lives beside the packages, not in them: the wheel leaves it out, so it runs from a checkout.
Every case runs its steps in fresh subprocesses (so dbt's and Python's start-up count), repeats
them `--runs` times, and reports medians; see docs/benchmark.md."""
