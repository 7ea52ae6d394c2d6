"""`python -m bench.worker <task>`: the benchmark steps that are Python, each run in
its own process by the benchmark. The last output line is `BENCH_RESULT <json>`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULT_PREFIX = "BENCH_RESULT "


def _emit(result: dict[str, Any]) -> None:
    print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)


def parse_result(output: str) -> dict[str, Any]:
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise ValueError("the worker printed no BENCH_RESULT line")


def train(model: str) -> dict[str, Any]:
    """Fit one model on every labelled store row (as `python -m ml train`) and save it."""
    from ml.artifacts import PRODUCTION_SET, artifacts_root
    from ml.contract import read_contract
    from ml.data import load_store
    from ml.train import save_trained, train_window
    from ml.warehouse import connect

    contract = read_contract()
    started = time.perf_counter()
    warehouse = connect()
    try:
        frame = load_store(warehouse, contract)
    finally:
        warehouse.close()
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    trained = train_window(frame, contract, PRODUCTION_SET, names=[model])
    save_trained(trained, artifacts_root() / PRODUCTION_SET)
    return {
        "model": model,
        "rows": trained.meta[model]["rows"]["labelled"],
        "read_seconds": read_seconds,
        "train_seconds": time.perf_counter() - started,
    }


def score_day() -> dict[str, Any]:
    """Score the store's last game day with the saved production models (both, and their
    mean) and write the rows to the predictions table: ml.score's own `score_rows`, the
    step `ml score` runs once it has chosen its rows."""
    from ml.artifacts import PRODUCTION_SET
    from ml.contract import read_contract
    from ml.data import load_store
    from ml.predictions import DEFAULT_MIN_EDGE
    from ml.score import load_models, score_rows
    from ml.warehouse import connect

    contract = read_contract()
    started = time.perf_counter()
    warehouse = connect()
    try:
        frame = load_store(warehouse, contract)
        day = frame["game_date"].max()
        rows = frame.loc[frame["game_date"] == day]
        models = load_models(PRODUCTION_SET, contract)
        scored = score_rows(warehouse, contract, rows, models, "bench_one_day", DEFAULT_MIN_EDGE)
    finally:
        warehouse.close()
    return {
        "game_date": day.date().isoformat(),
        "player_games": scored.rows_scored,
        "rows_written": scored.rows_written,
        "score_seconds": time.perf_counter() - started,
    }


def direct(db: Path, target: Path, models: list[str] | None) -> dict[str, Any]:
    from bench.direct import run_direct

    times = run_direct(db, target, set(models) if models else None)
    return {"seconds": times.total, "models": len(times.per_model), "per_model": times.per_model}


def direct_tests(db: Path, target: Path) -> dict[str, Any]:
    from bench.direct import run_direct_tests

    times = run_direct_tests(db, target)
    return {"seconds": times.total, "tests": len(times.per_model)}


def rolling(db: Path) -> dict[str, Any]:
    import duckdb

    from bench.rolling import time_both

    con = duckdb.connect(str(db))
    try:
        times = time_both(con)
    finally:
        con.close()
    if times.problems:
        raise AssertionError("pandas and SQL rolling features differ: " + "; ".join(times.problems))
    return {
        "rows": times.rows,
        "duckdb_seconds": times.duckdb_seconds,
        "pandas_seconds": times.pandas_seconds,
        "pandas_equals_sql": True,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    sub = parser.add_subparsers(dest="task", required=True)
    p = sub.add_parser("train")
    p.add_argument("--model", required=True)
    sub.add_parser("score-day")
    p = sub.add_parser("direct")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--target", type=Path, required=True)
    p.add_argument("--models", nargs="*")
    p = sub.add_parser("direct-tests")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--target", type=Path, required=True)
    p = sub.add_parser("rolling")
    p.add_argument("--db", type=Path, required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.task == "train":
        result = train(args.model)
    elif args.task == "score-day":
        result = score_day()
    elif args.task == "direct":
        result = direct(args.db, args.target, args.models)
    elif args.task == "direct-tests":
        result = direct_tests(args.db, args.target)
    else:
        result = rolling(args.db)
    _emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
