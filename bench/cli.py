"""`python -m bench` / `nba-props bench`: the ten-season benchmark (docs/benchmark.md).

Runs each case --runs times on the real seasons in ../shared/data, in its own work folder (never
the user's warehouse), prints a markdown table of medians and writes every run to JSON."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench import cases
from bench.context import Bench
from bench.machine import load_average, machine_info
from bench.proc import StepFailed
from bench.report import BUSY_LOAD_PER_CORE, markdown, write_json

log = logging.getLogger("bench")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nba-props bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median reported)")
    parser.add_argument("--shared-dir", default="../shared/data", help="the ten real seasons")
    parser.add_argument(
        "--work-dir",
        default=None,
        help="scratch folder for landing, warehouses, dbt target (default: a new temporary folder)",
    )
    parser.add_argument(
        "--only",
        default=None,
        help=f"comma-separated cases to run (default all): {','.join(cases.CASES)}",
    )
    parser.add_argument("--skip-pbp", action="store_true", help="leave out the pbp volume case")
    parser.add_argument(
        "--json", default=None, help="raw runs file (default <work-dir>/bench.json)"
    )
    return parser


def selected_cases(only: str | None, skip_pbp: bool) -> list[str]:
    names = list(cases.CASES) if not only else [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in cases.CASES]
    if unknown:
        raise ValueError(f"unknown case(s) {unknown}; choose from {list(cases.CASES)}")
    if skip_pbp:
        names = [n for n in names if n != "pbp"]
    # Always in the canonical order: later cases reuse what earlier ones built.
    return [n for n in cases.CASES if n in names]


def _loads(start: tuple[float, ...], end: tuple[float, ...]) -> dict[str, object]:
    cores = os.cpu_count() or 1
    loads: dict[str, object] = {"start": list(start), "end": list(end)}
    # Only the load before the first case tells about other work: the end figure includes
    # the benchmark's own two-threaded dbt and training processes.
    if start[0] / cores > BUSY_LOAD_PER_CORE:
        loads["warning"] = (
            f"the machine was busy before the run (load {start[0]:.1f} on {cores} cores): "
            "figures are slower than on a quiet machine"
        )
    return loads


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = _parser().parse_args(argv)
    try:
        names = selected_cases(args.only, args.skip_pbp)
    except ValueError as err:
        log.error("%s", err)
        return 2
    if args.runs < 1:
        log.error("--runs must be at least 1")
        return 2
    shared = Path(args.shared_dir).resolve()
    if not (shared / "open").is_dir():
        log.error("no ten-season data under %s (expected %s/open)", shared, shared)
        return 1
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="nba-bench-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work_dir=work, shared_dir=shared, runs=args.runs)
    machine = machine_info()
    start_load = load_average()
    log.info("work folder %s; cases %s; %d run(s); log %s", work, names, args.runs, bench.log_file)
    started = time.perf_counter()
    failed = []
    for name in names:
        case_started = time.perf_counter()
        log.info("case %s ...", name)
        try:
            cases.CASES[name](bench)
        except (StepFailed, RuntimeError, AssertionError, KeyError, ValueError) as err:
            # Reported, and the exit status says so; the other cases still run.
            log.error("case %s failed: %s (full output in %s)", name, err, bench.log_file)
            failed.append(name)
            continue
        log.info("case %s done in %.0f s", name, time.perf_counter() - case_started)
    bench.facts["failed_cases"] = failed
    loads = _loads(start_load, load_average())
    bench.facts["bench_seconds"] = round(time.perf_counter() - started, 1)
    table = markdown(bench, machine, loads)
    json_path = Path(args.json) if args.json else work / "bench.json"
    write_json(json_path, bench, machine, loads, table)
    print(table)
    print(f"raw runs: {json_path}")
    if failed:
        print(f"FAILED cases (not in the table): {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
