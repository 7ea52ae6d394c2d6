"""What each `nba-props` command does, on top of the ingest, ml and dbt functions it reuses."""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from ingest import __main__ as ingest_cli
from ingest.landing import LandingZone
from ingest.load import duckdb_path
from ml import __main__ as ml_cli
from pipeline import dryrun, progress
from pipeline.dbt import run_dbt
from pipeline.summary import held_back_digest, print_summary, run_query

log = logging.getLogger("pipeline")

GRADING_SELECTOR = "stg_ml_predictions__player_points_predictions+"
ML_COMMANDS = ("train", "evaluate", "score", "report")


def run_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Dispatch a parsed `nba-props` command line; returns the command's own exit code."""
    dry_run = bool(getattr(args, "dry_run", False))
    root: str | None = getattr(args, "landing_root", None)
    if args.step == "run":
        return run(args, root, dry_run)
    if args.step == "ingest":
        return ingest(args, root, dry_run)
    if args.step == "load":
        return load(args, root, dry_run)
    if args.step == "build":
        return build(args, extra, dry_run)
    if args.step in ML_COMMANDS:
        args.command = args.step
        if dry_run:
            dryrun.plan_ml(
                args.step,
                getattr(args, "season", ml_cli.DEFAULT_SEASON),
                getattr(args, "through", None),
                getattr(args, "out", None),
            )
            return 0
        return ml_cli.dispatch(args)
    if args.step == "query":
        # Read-only whatever the flags: a dry run may as well answer.
        run_query(Path(duckdb_path()), args.sql, args.max_rows)
        return 0
    if args.step == "set-aside" and dry_run:
        dryrun.say(
            f"would set aside {', '.join(args.paths)} in {args.duckdb_path or duckdb_path()}: "
            "delete the raw row, the parsed rows and the built rows of the games each fed, "
            f"and record 'set aside by hand: {args.reason}' in the quarantine"
        )
        return 0
    if args.step in ("quarantine", "set-aside"):
        args.command = args.step
        return ingest_cli.dispatch(args, LandingZone(root))
    raise ValueError(f"unknown command {args.step!r}")


def ingest(args: argparse.Namespace, root: str | None, dry_run: bool) -> int:
    if not dry_run:
        zone = LandingZone(root)
        log.info("ingest %s -> landing zone %s", args.command, zone.root)
        return ingest_cli.dispatch(args, zone)
    if args.command in dryrun.NETWORK_COMMANDS:
        return dryrun.plan_network(args, LandingZone(root))
    if args.command == "build-bundle":
        dryrun.say(f"would rewrite the bundle under {args.bundle_dir} from {args.shared_dir}")
        return 0
    zone, storage = dryrun.recording_zone(root)
    code = ingest_cli.dispatch(args, zone)
    dryrun.report_landing(zone, storage)
    return code


def load(args: argparse.Namespace, root: str | None, dry_run: bool) -> int:
    args.command = "load"
    zone = LandingZone(root)
    if not dry_run:
        return ingest_cli.dispatch(args, zone)
    try:
        target = ingest_cli.load_target(args.target)
    except ValueError as err:
        log.error("%s", err)
        return 2
    if target != "duckdb":
        log.error("load --dry-run reads the DuckDB warehouse only (target %s)", target)
        return 2
    dryrun.plan_load(zone, args.duckdb_path, args.schema, args.retry_quarantined)
    return 0


# The per-model test bundles run in the nightly selection only (selectors.yml); dbt's default
# selector leaves them out, but an explicit --select would bring them back beside the very
# tests they bundle.
NIGHTLY_ONLY = "test_name:declared_data_tests_pass"
NIGHTLY = ("--selector", "nightly")
# The nightly's log file at info, not dbt's default debug: the debug file log writes every
# statement of every node (~23,000 lines, 1 MB a night), which costs the run about 0.4 s
# of dbt's GIL-bound Python, and the SQL each node ran is in target/run/ anyway.
# `nba-props -v build --nightly` keeps the debug file log.
NIGHTLY_LOG = ("--log-level-file", "info")


def _selection(args: argparse.Namespace) -> list[str]:
    if getattr(args, "nightly", False):
        return list(NIGHTLY)
    selection: list[str] = []
    if args.select:
        selection += ["--select", *args.select]
        selection += ["--exclude", *(args.exclude or []), NIGHTLY_ONLY]
    elif args.exclude:
        selection += ["--exclude", *args.exclude]
    return selection


def build(args: argparse.Namespace, extra: list[str], dry_run: bool) -> int:
    passthrough = extra[1:] if extra[:1] == ["--"] else extra
    if args.nightly and args.exclude:
        # dbt ignores --exclude next to --selector; say so rather than build more than asked.
        log.error("--nightly is a fixed selection (selectors.yml); it takes no --exclude")
        return 2
    if dry_run:
        if passthrough:
            log.warning("dbt options %s are not applied to the dry-run listing", passthrough)
        return 0 if dryrun.plan_dbt(_selection(args)) else 1
    full_refresh = ["--full-refresh"] if args.full_refresh else []
    quiet_log = list(NIGHTLY_LOG) if args.nightly and not getattr(args, "verbose", False) else []
    dbt_args = ["build", *_selection(args), *quiet_log, *full_refresh, *passthrough]
    return _dbt(dbt_args)


# --- run: every step in order -----------------------------------------------------------


def _land_args(args: argparse.Namespace) -> list[str] | None:
    land = ["shared", "--shared-dir", args.shared_dir] if args.from_shared else ["bundled"]
    if args.seasons:
        land += ["--seasons", *args.seasons]
    if args.through:
        if args.from_shared:
            return None
        land += ["--through", args.through.isoformat()]
    return land


def _dbt(dbt_args: list[str]) -> int:
    """dbt, then, when it failed, the held-back rows behind a failing test, by file."""
    if run_dbt(dbt_args):
        return 0
    if (os.environ.get("DBT_TARGET") or "duckdb") == "duckdb":
        for line in held_back_digest(Path(duckdb_path())):
            print(line)
    return 1


def run(args: argparse.Namespace, root: str | None, dry_run: bool) -> int:
    land = _land_args(args)
    if land is None:
        log.error("--through replays the bundled seasons; it does not combine with --from-shared")
        return 2
    through = args.through.isoformat() if args.through else None
    if dry_run:
        return _plan_run(land, root, args.season, through)
    root_args = ["--landing-root", root] if root else []
    season = ["--season", args.season]
    build_args = ["build", *(["--full-refresh"] if args.full_refresh else [])]
    steps: list[tuple[str, Callable[[], int]]] = [
        ("ingest (land payloads)", lambda: ingest_cli.main([*root_args, *land])),
        ("load (raw layer)", lambda: ingest_cli.main([*root_args, "load"])),
        ("dbt build", lambda: _dbt(build_args)),
        # The ML step, then dbt again to grade what it wrote (predictions source and marts).
        ("ml train", lambda: ml_cli.main(["train", *(["--through", through] if through else [])])),
        ("ml evaluate", lambda: ml_cli.main(["evaluate", *season])),
        ("ml score", lambda: ml_cli.main(["score", *season])),
        ("dbt build (grading)", lambda: _dbt(["build", "--select", GRADING_SELECTOR])),
        ("ml report", lambda: ml_cli.main(["report", *season])),
    ]
    timings: dict[str, float] = {}
    with progress.bar(desc="nba-props run", total=len(steps), unit="step") as steps_bar:
        for step, action in steps:
            log.info("step: %s", step)
            started = time.perf_counter()
            code = action()
            timings[step] = time.perf_counter() - started
            steps_bar.update(1)
            if code != 0:
                log.error("step failed: %s (exit code %d)", step, code)
                return code
    print_summary(Path(duckdb_path()), timings)
    return 0


def _plan_run(land: list[str], root: str | None, season: str, through: str | None) -> int:
    dryrun.say(f"1. ingest {' '.join(land)}")
    zone, storage = dryrun.recording_zone(root)
    land_args = ingest_cli._parser().parse_args(land)
    code = ingest_cli.dispatch(land_args, zone)
    if code != 0:
        return code
    pending = dryrun.report_landing(zone, storage)
    dryrun.say("2. load")
    dryrun.plan_load(LandingZone(root), pending=pending)
    dryrun.say("3. dbt build")
    if not dryrun.plan_dbt([]):
        return 1
    dryrun.say("4-6. train, evaluate, score")
    dryrun.plan_ml("train", season, through)
    dryrun.plan_ml("evaluate", season)
    dryrun.plan_ml("score", season)
    dryrun.say(f"7. dbt build --select {GRADING_SELECTOR} (grades the predictions)")
    dryrun.say("8. report")
    dryrun.plan_ml("report", season, out=ml_cli.DEFAULT_REPORT)
    return 0
