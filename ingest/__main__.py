"""python -m ingest {bundled,shared,fetch,fetch-pbp,bigdataball,fetch-schedule,fetch-odds,
pickem-lines,import-lines,load,quarantine,build-bundle}; run from the repo root."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ingest import bundled, context_cli, fetch_ranges, pbp_cli, quarantine_cli
from ingest.landing import LandingZone, default_root
from ingest.load import QuarantineError, WarehouseWriteError, load

log = logging.getLogger("ingest")
TARGETS = ("duckdb", "bigquery")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument(
        "--landing-root",
        default=None,
        help=f"landing zone root (default: $NBA_LANDING_ROOT or {default_root()!r})",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    add_commands(sub)
    return parser


LOAD_HELP = "load landed payloads into the raw layer (DuckDB or BigQuery)"


def add_commands(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    with_load_and_quarantine: bool = True,
) -> None:
    """Every ingest command. `nba-props ingest` reuses them without load and quarantine, which
    it has as commands of their own (load through add_load_arguments)."""
    p = sub.add_parser("bundled", help="land the payloads shipped in data/bundled")
    p.add_argument("--seasons", nargs="+", metavar="SEASON", help="e.g. 2023-24 2024-25")
    p.add_argument("--bundle-dir", default=bundled.DEFAULT_BUNDLE_DIR)
    p.add_argument(
        "--through",
        type=date.fromisoformat,
        help="only daily payloads up to this game date (YYYY-MM-DD): replay a season by night",
    )

    p = sub.add_parser("shared", help="land all ten seasons straight from ../shared/data")
    p.add_argument("--shared-dir", default=bundled.DEFAULT_SHARED_DIR)
    p.add_argument("--seasons", nargs="+", metavar="SEASON")

    p = sub.add_parser("fetch", help="fetch leaguegamelog live from stats.nba.com and land it")
    fetch_ranges.add_arguments(p)

    if with_load_and_quarantine:
        p = sub.add_parser("load", help=LOAD_HELP)
        add_load_arguments(p)
        quarantine_cli.add_parsers(sub)

    p = sub.add_parser("build-bundle", help="regenerate data/bundled from ../shared/data")
    p.add_argument("--shared-dir", default=bundled.DEFAULT_SHARED_DIR)
    p.add_argument("--bundle-dir", default=bundled.DEFAULT_BUNDLE_DIR)

    pbp_cli.add_parsers(sub)
    context_cli.add_parsers(sub)


def add_load_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--target",
        choices=TARGETS,
        default=None,
        help="warehouse to write (default: $DBT_TARGET, else duckdb)",
    )
    p.add_argument("--duckdb-path", default=None, help="default: $NBA_DUCKDB_PATH")
    p.add_argument(
        "--schema", default=None, help="schema / BigQuery dataset (default: $NBA_RAW_SCHEMA or raw)"
    )
    p.add_argument("--bq-project", default=None, help="BigQuery project (default: $BQ_PROJECT)")
    p.add_argument(
        "--bq-location", default=None, help="BigQuery location (default: $BQ_LOCATION or US)"
    )
    p.add_argument("--strict", action="store_true", help="exit non-zero if anything is quarantined")
    p.add_argument(
        "--retry-quarantined",
        action="store_true",
        help="decide quarantined files again (after a loader fix): load the ones that pass now",
    )


def _report(summary: bundled.LandSummary, zone: LandingZone) -> None:
    log.info(
        "landing %s: %d new payloads, %d already there",
        zone.root,
        summary.written,
        summary.unchanged,
    )


def load_target(flag: str | None) -> str:
    """--target, else $DBT_TARGET so the loader writes where dbt will read, else duckdb."""
    target = flag or os.environ.get("DBT_TARGET") or "duckdb"
    if target not in TARGETS:
        raise ValueError(
            f"unknown load target {target!r} (from $DBT_TARGET?): use one of {TARGETS}"
        )
    return target


def _load(args: argparse.Namespace, zone: LandingZone) -> int:
    try:
        target = load_target(args.target)
    except ValueError as err:
        log.error("%s", err)
        return 2
    try:
        if target == "bigquery":
            project = args.bq_project or os.environ.get("BQ_PROJECT")
            if not project:
                log.error("the bigquery target needs a project: set BQ_PROJECT or --bq-project")
                return 2
            # Imported only here: the DuckDB path never loads the BigQuery client library.
            from ingest.load_bigquery import load_bigquery

            result = load_bigquery(
                zone,
                project=project,
                dataset=args.schema,
                location=args.bq_location,
                strict=args.strict,
                retry_quarantined=args.retry_quarantined,
            )
        else:
            result = load(
                db_path=args.duckdb_path,
                schema=args.schema,
                strict=args.strict,
                zone=zone,
                retry_quarantined=args.retry_quarantined,
            )
    except (QuarantineError, WarehouseWriteError) as err:
        log.error("%s", err)
        return 1
    except ValueError as err:
        # A schema, dataset or project name that is not a plain identifier: refused before
        # any SQL is built from it.
        log.error("%s", err)
        return 2
    print(result.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except FileNotFoundError as err:
        # Usually run from the wrong folder: relative defaults resolve against the repo root.
        log.error("%s (working directory: %s)", err, Path.cwd())
        return 1


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return dispatch(args, LandingZone(args.landing_root))


def dispatch(args: argparse.Namespace, zone: LandingZone) -> int:
    """Run the parsed ingest command `args.command` against `zone`; returns the exit code."""
    if args.command == "bundled":
        _report(
            bundled.land_bundled(
                seasons=args.seasons, bundle_dir=args.bundle_dir, zone=zone, through=args.through
            ),
            zone,
        )
    elif args.command == "shared":
        summary = bundled.land_from_shared(
            shared_dir=args.shared_dir, seasons=args.seasons, zone=zone
        )
        if summary is not None:
            _report(summary, zone)
    elif args.command == "fetch":
        return fetch_ranges.run(args, zone)
    elif args.command in pbp_cli.COMMANDS:
        return pbp_cli.run(args, zone)
    elif args.command in context_cli.COMMANDS:
        return context_cli.run(args, zone)
    elif args.command in quarantine_cli.COMMANDS:
        return quarantine_cli.run(args, zone)
    elif args.command == "load":
        return _load(args, zone)
    elif args.command == "build-bundle":
        for path in bundled.build_bundle(args.shared_dir, args.bundle_dir):
            print(f"{path} {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
