"""The ten-season benchmark (issue #10): `python -m pipeline.bench` or `nba-props bench`.

Every case runs its steps in fresh subprocesses (so dbt's and Python's start-up count), repeats
them `--runs` times, and reports medians; see docs/benchmark.md."""
