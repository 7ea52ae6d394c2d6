"""nba-props: one command line for the whole warehouse (the same as `python -m pipeline`).

Land scraped payloads (ingest), copy them into the raw layer (load), build the dbt project
(build), fit, evaluate and apply the models (train, evaluate, score), write the HTML report
(report), or do it all in order (run). Every step logs what it read and wrote; --dry-run
prints that without doing it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType

from pipeline import progress

log = logging.getLogger("pipeline")

PROG = "nba-props"
GRADING_SELECTOR = "stg_ml_predictions__player_points_predictions+"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_CODES = """\
exit codes:
  0    success
  1    the job failed: a dbt error or failing test, files quarantined under --strict, a
       fetch with requests that still failed (retry list written), a training/scoring error
  2    usage error: an unknown option, a bad date or season, missing required arguments
  130  interrupted (Ctrl-C)"""
# Commands that live on other modules and take the rest of the command line as it is.
FORWARDED = {
    "bench": ("bench.cli", "the benchmark: timings of the pipeline steps"),
    "analysis": ("pipeline.analyses", "run one of the analyses/ queries and print its result"),
}
ROOT_OPTIONS_WITH_VALUE = ("--landing-root",)
# The repository root when `pipeline` is imported from a checkout (editable install or
# `python -m pipeline`); in an installed wheel it is site-packages, which holds no bench/.
CHECKOUT = Path(__file__).resolve().parents[1]

HELP: dict[str, tuple[str, str, str]] = {
    # command: (one-line help, what it reads and writes, examples)
    "run": (
        "the main job: ingest, load, dbt build, train, evaluate, score, grade, report",
        "Reads the bundled seasons in data/bundled (or ../shared/data with --from-shared);\n"
        "writes the landing zone ($NBA_LANDING_ROOT), the DuckDB warehouse ($NBA_DUCKDB_PATH),\n"
        "the models ($NBA_ML_ARTIFACTS), predictions.player_points_predictions and\n"
        "reports/ml_report.html; prints rows per mart and step timings.",
        "nba-props run\n  nba-props run --seasons 2023-24 2024-25\n"
        "  nba-props run --through 2024-11-15      # replay the bundled seasons up to a night\n"
        "  nba-props run --from-shared             # all ten seasons from ../shared/data\n"
        "  nba-props --dry-run run",
    ),
    "ingest": (
        "land payloads from the bundled data, ../shared/data or live sources",
        "Writes raw response bytes plus a manifest per payload under the landing zone\n"
        "(<root>/<source>/<entity>/dt=<day>/...); payloads already landed are not written again.\n"
        "Sources: bundled, shared (local, offline); fetch, fetch-pbp, fetch-schedule,\n"
        "fetch-odds (network); bigdataball, pickem-lines, import-lines (your files).\n"
        "`nba-props ingest <source> --help` explains each source's options.",
        "nba-props ingest bundled --seasons 2024-25 --through 2024-11-15\n"
        "  nba-props ingest shared --seasons 2016-17 2017-18\n"
        "  nba-props ingest fetch --seasons 2024-25 --from 2024-11-01 --to 2024-11-07\n"
        "  nba-props ingest fetch-pbp --games 0022400500\n"
        "  nba-props ingest bundled --dry-run",
    ),
    "load": (
        "copy landed payloads into the warehouse raw layer (DuckDB or BigQuery)",
        "Reads every landed file not loaded yet; writes one raw.<source>__<entity> row per\n"
        "file, sets bad files aside in raw.load_quarantine and lists every file it saw in\n"
        "raw.landing_inventory. --dry-run shows the decisions (DuckDB target only).",
        "nba-props load\n  nba-props load --strict          # exit 1 if anything is quarantined\n"
        "  nba-props load --dry-run",
    ),
    "build": (
        "dbt build: staging, marts, feature store and their tests",
        "Reads the raw layer; writes every selected dbt model into the warehouse and runs\n"
        "its tests. Options dbt knows that are not listed here go to dbt unchanged.\n"
        "--dry-run lists the selected nodes (dbt ls) and touches neither the warehouse\n"
        "nor target/.",
        "nba-props build\n  nba-props build --nightly\n"
        "  nba-props build --select +player_game_summary --full-refresh\n"
        "  nba-props build --select marts --threads 2\n"
        "  nba-props build --select ml_feature_store+ --dry-run",
    ),
    "train": (
        "fit XGBoost and CatBoost on every labelled feature-store row",
        "Reads ml.ml_feature_store and marts.player_game_summary; writes the production models\n"
        "under $NBA_ML_ARTIFACTS/production (a model file and a JSON description each).",
        "nba-props train\n  nba-props train --through 2024-12-31\n  nba-props train --dry-run",
    ),
    "evaluate": (
        "walk-forward evaluation: fit on earlier seasons, test on one",
        "Reads the feature store and the points lines; writes the walk-forward models,\n"
        "evaluation.json and test_predictions.parquet under\n"
        "$NBA_ML_ARTIFACTS/walkforward-<season>. A leakage alarm fails the command.",
        "nba-props evaluate --season 2024-25\n  nba-props evaluate --retrain-every 14",
    ),
    "score": (
        "write predictions to predictions.player_points_predictions",
        "Reads the feature store, the saved models and the points lines; replaces the\n"
        "prediction rows of these model versions. Unplayed games use the production models;\n"
        "when there are none, the held-out --season is scored with its walk-forward models.",
        "nba-props score\n  nba-props score --season 2024-25 --min-edge 2\n"
        "  nba-props score --dry-run",
    ),
    "report": (
        "write the HTML report of the walk-forward evaluation",
        "Reads $NBA_ML_ARTIFACTS/walkforward-<season>; writes --out (reports/ml_report.html).",
        "nba-props report\n  nba-props report --season 2024-25 --out /tmp/report.html",
    ),
    "query": (
        "run one SQL query against the DuckDB warehouse (read-only)",
        "Reads $NBA_DUCKDB_PATH; writes nothing.",
        'nba-props query "select * from marts.player_game_summary limit 5"',
    ),
    "quarantine": (
        "list the landed files the loader set aside, and why",
        "Reads raw.load_quarantine; writes nothing. Replay after a fix with\n"
        "`nba-props load --retry-quarantined`.",
        "nba-props quarantine\n  nba-props quarantine --source pickem --json",
    ),
    "set-aside": (
        "set loaded files aside by hand: raw and parsed rows removed, the decision recorded",
        "Writes raw.load_quarantine (reason `set aside by hand: ...`), deletes the file's raw\n"
        "row, its parsed rows and the built rows of the games it fed; the landed bytes stay.\n"
        "Then `nba-props build` serves what is left. `load --retry-quarantined` never loads it.",
        "nba-props set-aside nba_stats/player_game_logs/dt=2024-10-23/<file>.json \\\n"
        "      --reason 'PTS abc in a re-scrape'",
    ),
}


# ingest source: what it reads (every source writes payloads + manifests to the landing zone)
SOURCES: dict[str, str] = {
    "bundled": "Reads data/bundled (real seasons shipped in the repo, offline). --through\n"
    "replays them night by night: only daily payloads up to that game date.",
    "shared": "Reads ../shared/data (ten seasons, offline); --seasons picks some.",
    "fetch": "Sends one stats.nba.com leaguegamelog request per season, entity and date range\n"
    "(--from/--to); failed requests go to a retry list under <landing root>/_retry.",
    "fetch-pbp": "Sends one cdn.nba.com liveData play-by-play request per game (paced).",
    "fetch-schedule": "Sends one request for the NBA.com season schedule (primary, then backup).",
    "fetch-odds": "Sends The Odds API requests: the events, then each event's markets\n"
    "($ODDS_API_KEY).",
    "bigdataball": "Reads every BigDataBall <game>.csv in a folder or gs:// prefix.",
    "pickem-lines": "Reads a folder (or gs:// prefix) of MM_DD_YYYY.csv pick'em line files.",
    "import-lines": "Reads CSV files of points lines you already have.",
    "build-bundle": "Reads ../shared/data; rewrites data/bundled (maintainers only; not a\n"
    "landing step).",
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the hand-wrapped descriptions and epilogs, and shows defaults' metavars."""


def _common() -> argparse.ArgumentParser:
    """Options accepted before or after the command (SUPPRESS: a later one never resets)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--dry-run",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print what would be read and written, change nothing",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug logging"
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="only warnings and errors (and no progress bars)",
    )
    common.add_argument(
        "--no-progress",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress bars (they are already off when stderr is not a terminal)",
    )
    return common


def _landing() -> argparse.ArgumentParser:
    landing = argparse.ArgumentParser(add_help=False)
    landing.add_argument(
        "--landing-root",
        default=argparse.SUPPRESS,
        help="landing zone root, a folder or gs://bucket/prefix (default: $NBA_LANDING_ROOT "
        "or landing)",
    )
    return landing


def _epilog(command: str) -> str:
    _, _, examples = HELP[command]
    return f"examples:\n  {examples}\n\n{EXIT_CODES}"


def _add(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    command: str,
    *parents: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    summary, details, _ = HELP[command]
    return sub.add_parser(  # type: ignore[no-any-return]
        command,
        help=summary,
        description=f"{summary}.\n\n{details}",
        epilog=_epilog(command),
        formatter_class=_Formatter,
        parents=list(parents),
    )


def _describe(
    parser: argparse.ArgumentParser, command: str, *parents: argparse.ArgumentParser
) -> None:
    """Give a parser another module built the same description, epilog and common options."""
    summary, details, _ = HELP[command]
    parser.description = f"{summary}.\n\n{details}"
    parser.epilog = _epilog(command)
    parser.formatter_class = _Formatter
    for parent in parents:
        _copy_options(parent, parser)


def _copy_options(source: argparse.ArgumentParser, target: argparse.ArgumentParser) -> None:
    taken = set(target._option_string_actions)
    for action in source._actions:
        if not set(action.option_strings) & taken:
            target._add_action(action)


def build_parser() -> argparse.ArgumentParser:
    from ingest import __main__ as ingest_cli
    from ingest import quarantine_cli
    from ml import __main__ as ml_cli

    common, landing = _common(), _landing()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=__doc__,
        epilog="`nba-props <command> --help` explains each command.\n\n" + EXIT_CODES,
        formatter_class=_Formatter,
        parents=[common, landing],
    )
    sub = parser.add_subparsers(dest="step", required=True, metavar="<command>")

    p = _add(sub, "run", common, landing)
    p.add_argument(
        "--from-shared",
        action="store_true",
        help="land all ten seasons from ../shared/data instead of the bundled demo seasons",
    )
    p.add_argument("--shared-dir", default="../shared/data", help="where the shared data is")
    p.add_argument("--seasons", nargs="+", metavar="SEASON", help="only these, e.g. 2024-25")
    p.add_argument(
        "--through",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="land and train on games up to this date (bundled seasons only)",
    )
    p.add_argument(
        "--season",
        default=ml_cli.DEFAULT_SEASON,
        help="held-out season to evaluate, score and report (default %(default)s)",
    )
    p.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental marts from scratch (needed after their columns change)",
    )

    p = _add(sub, "ingest", common, landing)
    sources = p.add_subparsers(dest="command", required=True, metavar="<source>")
    ingest_cli.add_commands(sources, with_load_and_quarantine=False)
    for name, source_parser in sources.choices.items():
        source_parser.formatter_class = _Formatter
        source_parser.description = (
            f"{SOURCES[name]}\nWrites each payload and its manifest under the landing zone;"
            "\n--dry-run lists what would be landed (network sources: the requests) instead."
        )
        source_parser.epilog = EXIT_CODES
        source_parser.prog = f"{PROG} ingest {name}"
        _copy_options(common, source_parser)
        _copy_options(landing, source_parser)

    p = _add(sub, "load", common, landing)
    ingest_cli.add_load_arguments(p)

    p = _add(sub, "build", common)
    chosen = p.add_mutually_exclusive_group()
    chosen.add_argument("-s", "--select", nargs="+", metavar="SELECTOR", help="dbt node selection")
    chosen.add_argument(
        "--nightly",
        action="store_true",
        help="the nightly job: selectors.yml `nightly` (every seed, model and data test; "
        "no unit tests)",
    )
    p.add_argument("--exclude", nargs="+", metavar="SELECTOR", help="dbt nodes to leave out")
    p.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models from scratch"
    )

    ml_cli.add_commands(sub)
    for name in ("train", "evaluate", "score", "report"):
        _describe(sub.choices[name], name, common)

    p = _add(sub, "query", common)
    p.add_argument("sql", help='e.g. "select * from marts.player_game_summary limit 5"')
    p.add_argument("--max-rows", type=int, default=40)

    quarantine_cli.add_parsers(sub)
    _describe(sub.choices["quarantine"], "quarantine", common, landing)
    _describe(sub.choices["set-aside"], "set-aside", common, landing)

    for name, (_, summary) in FORWARDED.items():
        sub.add_parser(
            name,
            help=f"{summary} (`nba-props {name} --help`: its own options)",
            add_help=False,
        )
    return parser


def _split_forwarded(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """`nba-props [options] bench ARGS...`: ARGS belong to the forwarded command, untouched."""
    skip = False
    for i, token in enumerate(argv):
        if skip:
            skip = False
        elif token in ROOT_OPTIONS_WITH_VALUE:
            skip = True
        elif not token.startswith("-"):
            if token in FORWARDED:
                return argv[: i + 1], argv[i + 1 :]
            return argv, None
    return argv, None


def _import_forwarded(module_name: str) -> ModuleType:
    """Import a forwarded command's module; a checkout's top-level folder (bench/) counts too.

    The benchmark is not in the installed package, and a console script does not have the
    repository on sys.path, so when `pipeline` is imported from a checkout that holds the
    folder, the checkout is added to the path (at the end: it shadows nothing installed)."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        top = module_name.partition(".")[0]
        if err.name != top or not (CHECKOUT / top / "__init__.py").is_file():
            raise
    sys.path.append(str(CHECKOUT))
    return importlib.import_module(module_name)


def _forward(name: str, argv: list[str]) -> int:
    module_name, _ = FORWARDED[name]
    top = module_name.partition(".")[0]
    try:
        module = _import_forwarded(module_name)
    except ImportError as err:
        if isinstance(err, ModuleNotFoundError) and err.name == top:
            log.error(
                "`nba-props %s` runs from a checkout of the repository: %s/ is not part of "
                "the installed package",
                name,
                top,
            )
        else:
            log.error(
                "`nba-props %s` needs %s, which is not installed in this checkout (%s)",
                name,
                module_name,
                err,
            )
        return EXIT_FAILED
    entry: Callable[[list[str]], int] = module.main
    return int(entry(argv) or 0)


def normalise(code: int, step: str) -> int:
    """The modules' own codes (3: some requests failed, leakage alarm) become 1 here."""
    if code in (EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED):
        return code
    if code != EXIT_FAILED:
        log.info("%s exited %d: reported as %d (the job failed)", step, code, EXIT_FAILED)
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    head, forwarded = _split_forwarded(argv)
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(head)
    except SystemExit as stop:  # --help (0) or a usage error (2)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    if extra and args.step != "build":
        # parse_known_args only so `build` can hand dbt its own options; nobody else has any.
        print(f"{PROG}: error: unrecognized arguments: {' '.join(extra)}", file=sys.stderr)
        return EXIT_USAGE
    verbose, quiet = getattr(args, "verbose", False), getattr(args, "quiet", False)
    progress.configure_logging(1 if verbose else -1 if quiet else 0)
    progress.set_enabled(False if quiet or getattr(args, "no_progress", False) else None)
    started = time.perf_counter()
    try:
        if forwarded is not None:
            code = _forward(args.step, forwarded)
        else:
            from pipeline.commands import run_command

            code = run_command(args, extra)
    except KeyboardInterrupt:
        log.error("interrupted")
        return EXIT_INTERRUPTED
    except Exception as err:
        log.debug("%s failed", args.step, exc_info=True)
        log.error("%s failed: %s: %s (-v for the traceback)", args.step, type(err).__name__, err)
        return EXIT_FAILED
    code = normalise(code, args.step)
    log.info("%s finished in %.1f s, exit code %d", args.step, time.perf_counter() - started, code)
    return code


def console() -> None:
    """The `nba-props` console script."""
    sys.exit(main())
