"""`python -m portability.bigquery_check`: compile offline, check, print the report, exit
0 (pass), 1 (a node failed, or no model was checked) or 2 (the check could not run)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from portability.bigquery_check.checks import check_incremental_runs, check_manifest
from portability.bigquery_check.errors import CheckError
from portability.bigquery_check.offline_dbt import (
    COMPILE_THREADS,
    DEFAULT_TIMEOUT_S,
    INCREMENTAL_SELECT,
    INCREMENTAL_VARS,
    REPO,
    absolute_target,
    compile_for_bigquery,
    parse_for_bigquery,
)
from portability.bigquery_check.report import Report


def run(
    project_dir: Path = REPO,
    target_path: Path | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    compile_first: bool = True,
    include_tests: bool = True,
    sqlglot_mode: str = "error",
    manifest: Any = None,
) -> Report:
    """Compile (unless compile_first is False) and check; `manifest` is an optional
    parse_for_bigquery() result the compile starts from instead of parsing."""
    project_dir = Path(project_dir).resolve()
    target = absolute_target(project_dir, target_path)
    incremental_target = target.with_name(target.name + "-incremental")
    compile_seconds = None
    if compile_first:
        started = time.monotonic()
        if manifest is None:
            manifest = parse_for_bigquery(project_dir, target, timeout_s)
        manifest_path = compile_for_bigquery(project_dir, target, timeout_s, manifest=manifest)
        compiled = json.loads(manifest_path.read_text())
        # The same parse again, the incremental models rendered as an incremental run.
        incremental_path = compile_for_bigquery(
            project_dir,
            incremental_target,
            timeout_s,
            select=INCREMENTAL_SELECT,
            vars=INCREMENTAL_VARS,
            indirect_selection="empty",
            manifest=manifest,
        )
        compile_seconds = time.monotonic() - started
    else:
        manifest_path = target / "manifest.json"
        incremental_path = incremental_target / "manifest.json"
        for path in (manifest_path, incremental_path):
            if not path.is_file():
                raise CheckError(f"{path} does not exist: run without --skip-compile")
        compiled = json.loads(manifest_path.read_text())
    if compiled.get("metadata", {}).get("adapter_type") != "bigquery":
        raise CheckError(f"{manifest_path} was not compiled for BigQuery")
    report = check_manifest(compiled, project_dir, include_tests, sqlglot_mode)
    check_incremental_runs(incremental_path, report, project_dir, sqlglot_mode)
    report.compile_seconds = compile_seconds
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portability.bigquery_check",
        description="Compile the dbt project for BigQuery offline and check every model, "
        "analysis and attached data test is valid GoogleSQL.",
    )
    parser.add_argument("--project-dir", type=Path, default=REPO)
    parser.add_argument(
        "--target-path",
        type=Path,
        default=None,
        help="where dbt writes the BigQuery compile (default: target/bigquery)",
    )
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS")
    parser.add_argument(
        "--skip-compile", action="store_true", help="re-check the existing manifest only"
    )
    parser.add_argument("--models-only", action="store_true", help="skip the data tests")
    parser.add_argument(
        "--sqlglot",
        choices=("error", "warn", "off"),
        default="error",
        help="what a sqlglot BigQuery parse failure does (default: error)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    args = parser.parse_args(argv)
    try:
        report = run(
            project_dir=args.project_dir,
            target_path=args.target_path,
            timeout_s=args.timeout,
            compile_first=not args.skip_compile,
            include_tests=not args.models_only,
            sqlglot_mode=args.sqlglot,
        )
    except CheckError as exc:
        print(f"BigQuery portability check could not run: {exc}", file=sys.stderr)
        return 2
    print(report.format(verbose=args.verbose))
    return 0 if report.ok else 1


def exit_with_main(argv: Sequence[str] | None = None) -> NoReturn:
    """main(), then exit with its code."""
    exit_code = main(argv)
    if any(thread.is_alive() for thread in COMPILE_THREADS):
        # A timed-out dbt compile is still waiting on the network: leave without joining it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exit_code)
    sys.exit(exit_code)
