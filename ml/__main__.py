"""python -m ml {train,evaluate,score,report}: run from the repo root, like dbt.

Reads the warehouse dbt built (DuckDB at $NBA_DUCKDB_PATH, or BigQuery with DBT_TARGET=bigquery)
and saves models under $NBA_ML_ARTIFACTS (default ml/artifacts/).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ml.artifacts import (
    PRODUCTION_SET,
    ArtifactError,
    FeatureMismatchError,
    artifacts_root,
    walkforward_set,
)
from ml.contract import ContractError, FeatureTypeError, read_contract
from ml.data import StoreError, attach_lines, load_lines, load_store
from ml.predictions import DEFAULT_MIN_EDGE
from ml.warehouse import connect

log = logging.getLogger("ml")
DEFAULT_SEASON = "2024-25"
DEFAULT_REPORT = Path("reports") / "ml_report.html"
EVALUATION_FILE = "evaluation.json"
TEST_PREDICTIONS_FILE = "test_predictions.parquet"
# Errors whose message says what is wrong and what to run: printed as one line, exit 1.
# Anything else is a bug, and keeps its traceback.
STOPPING_ERRORS = (ContractError, FeatureTypeError, StoreError, FeatureMismatchError, ArtifactError)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ml", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    add_commands(sub)
    return parser


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """train, evaluate, score and report; `nba-props` reuses them."""
    p = sub.add_parser("train", help="fit XGBoost and CatBoost on every labelled store row")
    p.add_argument("--through", help="only rows up to this game date (YYYY-MM-DD)")
    p = sub.add_parser("evaluate", help="walk-forward: fit on earlier seasons, test on one")
    p.add_argument("--season", default=DEFAULT_SEASON, help="test season (default %(default)s)")
    p.add_argument("--retrain-every", type=int, metavar="DAYS", help="also refit every N days")
    p.add_argument("--window-days", type=int, help="rolling refits use only the last N days")
    p.add_argument(
        "--no-fail-on-alarm",
        action="store_true",
        help="exit 0 even when a leakage check fires (the alarm is still written)",
    )
    p = sub.add_parser("score", help="write predictions to predictions.player_points_predictions")
    p.add_argument("--season", default=DEFAULT_SEASON, help="held-out season for demo scoring")
    p.add_argument("--min-edge", type=float, default=DEFAULT_MIN_EDGE, help="OVER/UNDER threshold")
    p = sub.add_parser("report", help="write the HTML report")
    p.add_argument("--season", default=DEFAULT_SEASON)
    p.add_argument("--out", type=Path, default=DEFAULT_REPORT)


def cmd_train(through: str | None) -> int:
    from ml.train import save_trained, train_window

    contract = read_contract()
    warehouse = connect()
    try:
        frame = load_store(warehouse, contract)
    finally:
        warehouse.close()
    log.info("read %d feature-store rows", len(frame))
    if through:
        frame = frame.loc[frame["game_date"] <= through]
        log.info("kept %d rows through %s", len(frame), through)
    trained = train_window(frame, contract, PRODUCTION_SET)
    paths = save_trained(trained, artifacts_root() / PRODUCTION_SET)
    log.info("wrote %d model files to %s", len(paths), artifacts_root() / PRODUCTION_SET)
    for name, meta in trained.meta.items():
        window = meta["training_window"]
        print(
            f"{meta['model_version']}: {meta['rows']['labelled']:,} rows "
            f"{window['start']}..{window['end']}, validation MAE "
            f"{meta['metrics']['validation']['mae']:.3f} ({name})"
        )
    print("saved:", ", ".join(str(p) for p in paths))
    return 0


def cmd_evaluate(
    season: str, retrain_every: int | None, window_days: int | None, fail_on_alarm: bool
) -> int:
    from ml.evaluate import leakage_checks, summarise, walk_forward
    from ml.tables import error_table, hit_rate_table, populations_text
    from ml.train import save_trained

    contract = read_contract()
    warehouse = connect()
    try:
        frame = load_store(warehouse, contract)
        lines = load_lines(warehouse)
    finally:
        warehouse.close()
    log.info("read %d feature-store rows and %d line rows", len(frame), len(lines.frame))
    set_name = walkforward_set(season)
    result = walk_forward(frame, contract, season, set_name, retrain_every, window_days)
    set_dir = artifacts_root() / set_name
    save_trained(result.trained, set_dir)
    summary = summarise(result.predictions, lines)
    evaluation = {
        "test_season": season,
        "model_versions": {n: m["model_version"] for n, m in result.trained.meta.items()},
        "training_window": next(iter(result.trained.meta.values()))["training_window"],
        "folds": result.folds,
        "static": summary,
        "leakage": leakage_checks(frame, result.predictions, summary, contract, season),
    }
    if retrain_every:
        evaluation["rolling"] = {
            "retrain_every_days": retrain_every,
            "window_days": window_days,
            **summarise(result.predictions, lines, prefix="rolling_pred_"),
        }
    (set_dir / EVALUATION_FILE).write_text(json.dumps(evaluation, indent=2, default=str) + "\n")
    # Saved with their lines so the report draws from exactly the rows summarised here.
    attach_lines(result.predictions, lines).to_parquet(set_dir / TEST_PREDICTIONS_FILE)
    log.info(
        "wrote models, %s and %s (%d test rows) to %s",
        EVALUATION_FILE,
        TEST_PREDICTIONS_FILE,
        len(result.predictions),
        set_dir,
    )
    print(f"\nWalk-forward {season}: trained on {evaluation['training_window']['seasons']}")
    print(populations_text(summary))
    print()
    print(error_table(summary))
    print()
    if summary["populations"]["with_line"]["rows"]:
        print(hit_rate_table(summary, ("xgboost", "catboost", "mean")))
    else:
        print("No line population, so no line MAE and no hit rates: " + lines.note)
    if retrain_every:
        print(f"\nRolling refit every {retrain_every} days:")
        print(error_table(evaluation["rolling"]))
    print(f"\nmetrics: {set_dir / EVALUATION_FILE}")
    leakage = evaluation["leakage"]
    if leakage["alarm"]:
        print("\nLEAKAGE ALARM, do not report these numbers before investigating:")
        for alarm in leakage["alarms"]:
            print("  -", alarm)
        return 3 if fail_on_alarm else 0
    print("leakage checks: no alarm", json.dumps(leakage["checks"], default=str))
    return 0


def cmd_score(season: str, min_edge: float) -> int:
    from ml.score import score

    contract = read_contract()
    warehouse = connect()
    try:
        result = score(warehouse, contract, season, min_edge)
    finally:
        warehouse.close()
    log.info(
        "read model set %s; wrote %d prediction rows to %s",
        result.model_set,
        result.rows_written,
        result.table,
    )
    print(f"scoring mode: {result.mode} (model set {result.model_set})")
    print(f"{result.rows_scored:,} player-games x {len(result.versions)} models -> {result.table}")
    print(f"lines: {result.line_note}")
    print(f"recommendations (mean model, |edge| >= {min_edge:g}): {result.recommendations}")
    for name, version in result.versions.items():
        print(f"  {name}: {version}")
    return 0


def cmd_report(season: str, out: Path) -> int:
    from ml.report import write_report

    source = artifacts_root() / walkforward_set(season)
    path = write_report(source, out)
    log.info("read %s; wrote %s", source, path)
    print(f"report: {path.resolve()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = _parser().parse_args(argv)
    try:
        return dispatch(args)
    except STOPPING_ERRORS as exc:
        log.debug("%s failed", args.command, exc_info=True)
        print(f"{args.command} failed: {exc}", file=sys.stderr)
        return 1


def dispatch(args: argparse.Namespace) -> int:
    """Run the parsed ml command `args.command`; returns its exit code."""
    started = time.perf_counter()
    if args.command == "train":
        code = cmd_train(args.through)
    elif args.command == "evaluate":
        code = cmd_evaluate(
            args.season, args.retrain_every, args.window_days, not args.no_fail_on_alarm
        )
    elif args.command == "score":
        code = cmd_score(args.season, args.min_edge)
    else:
        code = cmd_report(args.season, args.out)
    log.info("ml %s finished in %.1f s", args.command, time.perf_counter() - started)
    return code


if __name__ == "__main__":
    sys.exit(main())
