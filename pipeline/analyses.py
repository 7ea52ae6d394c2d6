"""`python -m pipeline.analyses NAME [--var key=value ...]`: run one analysis of analyses/.

The analysis is compiled by dbt (`dbt compile --select NAME --vars ...`, so refs, vars and the
cross-database macros resolve exactly as in the models), then run on the DuckDB warehouse
(`NBA_DUCKDB_PATH`) and printed as a table. Columns that hold one value on every row (the
night, the season, the player) are printed once above the table. `--sql` prints the compiled
SQL instead of running it; with DBT_TARGET=bigquery that is the query to paste into BigQuery.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pipeline.dbt import PROJECT_DIR, invoke

log = logging.getLogger(__name__)

ANALYSES_DIR = PROJECT_DIR / "analyses"
PROJECT_NAME = "nba_props_warehouse"
# Its own target path, so compiling an analysis never replaces the manifest of `make demo`.
DEFAULT_TARGET_PATH = PROJECT_DIR / "target" / "analyses"
NAME = re.compile(r"^[a-z0-9_]+$")


class AnalysisError(RuntimeError):
    """The analysis does not exist, does not compile, or its query failed."""


@dataclass(frozen=True)
class AnalysisResult:
    name: str
    sql: str
    columns: list[str]
    rows: list[tuple[object, ...]]

    def records(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def available() -> dict[str, str]:
    """Analysis name -> the first sentence of its header comment."""
    found = {}
    for path in sorted(ANALYSES_DIR.glob("*.sql")):
        header = re.match(r"\s*\{#-?(.*?)-?#\}", path.read_text(), re.DOTALL)
        text = " ".join(header.group(1).split()) if header else ""
        found[path.stem] = text.split(". ")[0].rstrip(".") if text else ""
    return found


def parse_vars(pairs: Sequence[str]) -> dict[str, str]:
    """['player=Jalen Brunson', 'season=2024-25'] -> a dict for dbt's --vars."""
    parsed = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AnalysisError(f"--var takes key=value, got {pair!r}")
        parsed[key.strip()] = value.strip()
    return parsed


def compile_analysis(
    name: str,
    dbt_vars: dict[str, str],
    target_path: Path = DEFAULT_TARGET_PATH,
    database: Path | None = None,
) -> str:
    """Compile analyses/NAME.sql with dbt for the current target; return its SQL.

    On DuckDB the compiled relations name the warehouse file (`"nba_props"."marts"...`), so
    `database`, when given, is the file the SQL will run on."""
    if not NAME.match(name) or not (ANALYSES_DIR / f"{name}.sql").is_file():
        known = ", ".join(available()) or "none"
        raise AnalysisError(f"no analysis {name!r} in {ANALYSES_DIR} (known: {known})")
    compiled = target_path / "compiled" / PROJECT_NAME / "analyses" / f"{name}.sql"
    compiled.unlink(missing_ok=True)
    common = ["--target-path", str(target_path), "--quiet"]
    # dbt re-parses the whole project (~8 s) whenever --vars differ from its last parse. The
    # analyses read their vars only when compiled, so the project is parsed without vars
    # (kept in target_path's partial_parse.msgpack, which dbt checks against the files,
    # profile and env vars: under a second when nothing changed) and the compile is handed
    # that manifest with this run's vars. A ref() that only a var branch reaches would not be
    # in the parsed manifest; dbt then refuses to compile instead of guessing.
    select = ["--select", name, "--vars", json.dumps(dbt_vars), "--no-populate-cache"]
    # dbt prints the compiled SQL; keep it (and its logs) unless something went wrong.
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), _duckdb_path(database):
        parsed = _dbt(["parse", *common])
        ok = parsed.success and _dbt(["compile", *select, *common], parsed.result).success
    if not ok or not compiled.is_file():
        raise AnalysisError(f"dbt could not compile {name}:\n{captured.getvalue().strip()}")
    return compiled.read_text()


def _dbt(args: Sequence[str], manifest: Any = None) -> Any:
    log.info("dbt %s (project %s)", " ".join(args), PROJECT_DIR)
    return invoke(args, manifest=manifest)


@contextlib.contextmanager
def _duckdb_path(database: Path | None) -> Iterator[None]:
    saved = os.environ.get("NBA_DUCKDB_PATH")
    if database is not None:
        os.environ["NBA_DUCKDB_PATH"] = str(database)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("NBA_DUCKDB_PATH", None)
        else:
            os.environ["NBA_DUCKDB_PATH"] = saved


def run_analysis(
    name: str,
    dbt_vars: dict[str, str],
    database: Path,
    target_path: Path = DEFAULT_TARGET_PATH,
) -> AnalysisResult:
    """Compile the analysis and run it on the DuckDB warehouse at `database`."""
    if not database.is_file():
        raise AnalysisError(f"no DuckDB warehouse at {database}: run `make demo` first")
    sql = compile_analysis(name, dbt_vars, target_path, database)
    # Read-only, unless this process's dbt still holds the file (DuckDB then refuses a
    # connection with another configuration).
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.ConnectionException:
        con = duckdb.connect(str(database))
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise AnalysisError(f"{name} failed on {database}: {exc}") from exc
    finally:
        con.close()
    return AnalysisResult(name, sql, columns, rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | Decimal):
        return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def format_table(result: AnalysisResult, max_rows: int = 50) -> str:
    """A plain-text table; columns with one value on every row go above it, once."""
    columns, rows = result.columns, result.rows
    if not rows:
        return f"{result.name}: no rows"
    constant = (
        [i for i, _ in enumerate(columns) if len({row[i] for row in rows}) == 1]
        if len(rows) > 1
        else []
    )
    lines = [f"{columns[i]}: {_cell(rows[0][i])}" for i in constant]
    shown = [i for i in range(len(columns)) if i not in constant]
    cells = [[_cell(row[i]) for i in shown] for row in rows[:max_rows]]
    widths = [max([len(columns[i])] + [len(row[k]) for row in cells]) for k, i in enumerate(shown)]
    numeric = [
        all(isinstance(row[i], int | float | Decimal) or row[i] is None for row in rows)
        for i in shown
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    lines += ["", line([columns[i] for i in shown]), line(["-" * w for w in widths])]
    lines += [line(row) for row in cells]
    more = len(rows) - len(cells)
    lines.append(f"({len(rows)} rows" + (f", first {len(cells)} shown)" if more else ")"))
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nba-props analysis",
        description="Compile one analysis of analyses/ with dbt and run it on the DuckDB "
        "warehouse.",
    )
    parser.add_argument("name", nargs="?", help="analysis name (file name without .sql)")
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a dbt var of the analysis, e.g. --var player='Jalen Brunson' (repeatable)",
    )
    parser.add_argument("--list", action="store_true", help="list the analyses and exit")
    parser.add_argument(
        "--sql", action="store_true", help="print the compiled SQL instead of running it"
    )
    parser.add_argument("--max-rows", type=int, default=50)
    parser.add_argument("--target-path", type=Path, default=DEFAULT_TARGET_PATH)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list or not args.name:
        for name, summary in available().items():
            print(f"{name:<38} {summary}")
        return 0 if args.list else 2
    from ingest.load import duckdb_path

    try:
        dbt_vars = parse_vars(args.var)
        if args.sql:
            print(compile_analysis(args.name, dbt_vars, args.target_path))
            return 0
        result = run_analysis(args.name, dbt_vars, Path(duckdb_path()), args.target_path)
    except AnalysisError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(format_table(result, args.max_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
