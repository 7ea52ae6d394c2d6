"""`python -m pipeline run`: the main job, end to end, on the embedded DuckDB target."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.__main__ import main as ingest_main
from ingest.load import duckdb_path
from ml.__main__ import main as ml_main
from pipeline.dbt import run_dbt
from pipeline.summary import print_summary, run_query

log = logging.getLogger("pipeline")
GRADING_SELECTOR = "stg_ml_predictions__player_points_predictions+"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="land the data, load the raw layer, dbt build, and print a summary"
    )
    run.add_argument(
        "--from-shared",
        action="store_true",
        help="land all ten seasons from ../shared/data instead of the bundled demo seasons",
    )
    run.add_argument(
        "--shared-dir", default="../shared/data", help="where the shared data folder is"
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental marts from scratch (needed after their columns change)",
    )
    build = commands.add_parser("build", help="dbt build (extra arguments go to dbt)")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER)
    query = commands.add_parser("query", help="run one SQL query against the DuckDB warehouse")
    query.add_argument("sql", help='e.g. "select * from marts.player_game_summary limit 5"')
    query.add_argument("--max-rows", type=int, default=40)
    return parser


def _timed(timings: dict[str, float], step: str, action: Callable[[], bool]) -> bool:
    started = time.perf_counter()
    ok = action()
    timings[step] = time.perf_counter() - started
    if not ok:
        log.error("step failed: %s", step)
    return ok


def run(from_shared: bool, shared_dir: str, full_refresh: bool = False) -> int:
    timings: dict[str, float] = {}
    land_args = ["shared", "--shared-dir", shared_dir] if from_shared else ["bundled"]
    steps: list[tuple[str, Callable[[], bool]]] = [
        ("ingest (land payloads)", lambda: ingest_main(land_args) == 0),
        ("load (raw layer)", lambda: ingest_main(["load"]) == 0),
        ("dbt build", lambda: run_dbt(["build", *(["--full-refresh"] if full_refresh else [])])),
        # The ML step, then dbt again to grade what it wrote (predictions source and marts).
        ("ml train", lambda: ml_main(["train"]) == 0),
        ("ml evaluate", lambda: ml_main(["evaluate"]) == 0),
        ("ml score", lambda: ml_main(["score"]) == 0),
        ("dbt build (grading)", lambda: run_dbt(["build", "--select", GRADING_SELECTOR])),
        ("ml report", lambda: ml_main(["report"]) == 0),
    ]
    for step, action in steps:
        if not _timed(timings, step, action):
            return 1
    print_summary(Path(duckdb_path()), timings)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = _parser().parse_args(argv)
    if args.command == "run":
        return run(args.from_shared, args.shared_dir, args.full_refresh)
    if args.command == "query":
        run_query(Path(duckdb_path()), args.sql, args.max_rows)
        return 0
    if args.command == "build":
        return 0 if run_dbt(["build", *args.dbt_args]) else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
