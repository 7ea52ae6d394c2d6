"""`python -m pipeline.analyses NAME [--var key=value ...]`: run one analysis of analyses/.

The analysis is compiled by dbt (`dbt compile --select NAME`, so refs and the cross-database
macros resolve exactly as in the models), then run on the DuckDB warehouse (`NBA_DUCKDB_PATH`)
on a read-only connection and printed as a table. Columns that hold one value on every row (the
night, the season, the player) are printed once above the table. `--sql` prints the compiled
SQL instead of running it; with DBT_TARGET=bigquery that is the query for BigQuery.

Var values are data, never SQL or templates: each is checked against the type its analysis
declares (`analysis_text_var` / `analysis_date_var` in the SQL file), dbt is told only which
vars were given (it renders a `--vars` value as a Jinja template, which could run queries or
read the environment), and the values are bound as query parameters when the query runs.
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
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
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
# The vars an analysis takes and their types, read from its macro calls
# (`analysis_text_var('player', ...)`): the SQL file is the one place they are declared.
VAR_CALL = re.compile(r"""analysis_(text|date)_var\(\s*['"]([a-z][a-z0-9_]*)['"]""")
# The dbt var (a list) naming the vars the runner binds: macros/analysis_vars.sql.
BOUND_VARS = "analysis_params"
# A value holding one of these is a template, not a value. It would only be data here, but
# refusing it with its var's name says plainly why nothing ran.
TEMPLATE_DELIMITERS = ("{{", "}}", "{%", "%}", "{#", "#}")
MAX_VALUE_LENGTH = 200
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# The read-only twin of each DuckDB output of profiles/profiles.yml: dbt compiles on it, so
# nothing dbt might run while compiling can write to the warehouse.
READ_ONLY_TARGETS = {"duckdb": "duckdb_read_only"}
# The twin's configuration, so this process can open the file next to a dbt that holds it.
READ_ONLY_CONFIG = {"access_mode": "READ_ONLY"}


class AnalysisError(RuntimeError):
    """The analysis does not exist, a var is not valid, it does not compile, or it failed."""


@dataclass(frozen=True)
class CompiledAnalysis:
    name: str
    sql: str
    # Var name -> checked value (str or date), bound as a query parameter when the SQL runs.
    parameters: dict[str, object]
    dialect: str  # duckdb or bigquery

    def annotated(self) -> str:
        """The SQL with its parameter values in a comment above it (for --sql)."""
        if not self.parameters:
            return self.sql
        sigil = "@" if self.dialect == "bigquery" else "$"
        lines = [
            "-- query parameters, bound by `nba-props analysis` (bind them to run it elsewhere):"
        ]
        for key, value in sorted(self.parameters.items()):
            text = value.isoformat() if isinstance(value, date) else str(value)
            lines.append(f"--   {sigil}{key} = {json.dumps(text, ensure_ascii=False)}")
        return "\n".join(lines) + "\n" + self.sql


@dataclass(frozen=True)
class AnalysisResult:
    name: str
    sql: str
    columns: list[str]
    rows: list[tuple[object, ...]]
    parameters: dict[str, object] = field(default_factory=dict)

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


def _analysis_file(name: str) -> Path:
    path = ANALYSES_DIR / f"{name}.sql"
    if not NAME.match(name) or not path.is_file():
        known = ", ".join(available()) or "none"
        raise AnalysisError(f"no analysis {name!r} in {ANALYSES_DIR} (known: {known})")
    return path


def declared_vars(name: str) -> dict[str, str]:
    """Var name -> type (`text` or `date`) of analyses/NAME.sql, from its macro calls."""
    found = VAR_CALL.findall(_analysis_file(name).read_text())
    return {var: kind for kind, var in found}


def parse_vars(pairs: Sequence[str]) -> dict[str, str]:
    """['player=Jalen Brunson', 'season=2024-25'] -> {'player': 'Jalen Brunson', ...}."""
    parsed = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AnalysisError(f"--var takes key=value, got {pair!r}")
        parsed[key.strip()] = value.strip()
    return parsed


def check_vars(name: str, values: Mapping[str, str]) -> dict[str, object]:
    """The values of the vars given to analysis NAME, checked against their declared types:
    a text var is a str, a date var a date. An empty value means the analysis default."""
    declared = declared_vars(name)
    checked: dict[str, object] = {}
    for key, raw in values.items():
        if key not in declared:
            takes = ", ".join(declared) or "none"
            raise AnalysisError(f"{name} has no var {key!r} (its vars: {takes})")
        value = str(raw).strip()
        if value:
            checked[key] = _checked_value(key, declared[key], value)
    return checked


def _checked_value(key: str, kind: str, value: str) -> object:
    delimiter = next((d for d in TEMPLATE_DELIMITERS if d in value), None)
    if delimiter is not None:
        raise AnalysisError(
            f"var {key} holds the template delimiter {delimiter!r}: var values are data, "
            "never templates, so nothing was compiled or run"
        )
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise AnalysisError(f"var {key} holds a control character (a newline, a tab, ...)")
    if len(value) > MAX_VALUE_LENGTH:
        raise AnalysisError(f"var {key} is longer than {MAX_VALUE_LENGTH} characters")
    if kind == "date":
        try:
            if not DATE.match(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise AnalysisError(
                f"var {key} must be a date written YYYY-MM-DD, got {value!r}"
            ) from None
    return value


def _dbt_target() -> str:
    return os.environ.get("DBT_TARGET") or "duckdb"


def compile_analysis(
    name: str,
    values: Mapping[str, str],
    target_path: Path = DEFAULT_TARGET_PATH,
    database: Path | None = None,
) -> CompiledAnalysis:
    """Check the var values, compile analyses/NAME.sql with dbt for the current target.

    dbt learns which vars were given, never their values: the SQL holds a query parameter
    where each value goes. On DuckDB the compiled relations name the warehouse file
    (`"nba_props"."marts"...`), so `database`, when given, is the file the SQL will run on."""
    parameters = check_vars(name, values)  # refuses an unknown analysis too
    target = _dbt_target()
    compiled = target_path / "compiled" / PROJECT_NAME / "analyses" / f"{name}.sql"
    compiled.unlink(missing_ok=True)
    common = ["--target-path", str(target_path), "--quiet"]
    if target in READ_ONLY_TARGETS:
        common += ["--target", READ_ONLY_TARGETS[target]]
    # dbt re-parses the whole project (~8 s) whenever --vars differ from its last parse. The
    # analyses read their vars only when compiled, so the project is parsed without vars
    # (kept in target_path's partial_parse.msgpack, which dbt checks against the files,
    # profile and env vars: under a second when nothing changed) and the compile is handed
    # that manifest with this run's vars. A ref() that only a var branch reaches would not be
    # in the parsed manifest; dbt then refuses to compile instead of guessing.
    bound = json.dumps({BOUND_VARS: sorted(parameters)})
    select = ["--select", name, "--vars", bound, "--no-populate-cache"]
    # dbt prints the compiled SQL; keep it (and its logs) unless something went wrong.
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), _duckdb_path(database):
        parsed = _dbt(["parse", *common])
        ok = parsed.success and _dbt(["compile", *select, *common], parsed.result).success
    if not ok or not compiled.is_file():
        raise AnalysisError(f"dbt could not compile {name}:\n{captured.getvalue().strip()}")
    dialect = "bigquery" if target == "bigquery" else "duckdb"
    return CompiledAnalysis(name, compiled.read_text(), parameters, dialect)


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


def execute(
    database: Path, sql: str, parameters: Mapping[str, object], label: str = "the query"
) -> tuple[list[str], list[tuple[object, ...]]]:
    """Run one query on a read-only connection to `database`, binding `parameters` by name
    ($name in the SQL); return its column names and rows."""
    try:
        con = duckdb.connect(str(database), read_only=True, config=READ_ONLY_CONFIG)
    except duckdb.Error as exc:
        raise AnalysisError(f"cannot open {database} read-only: {exc}") from exc
    try:
        statements = con.extract_statements(sql)
        if len(statements) != 1:
            raise AnalysisError(f"{label} is {len(statements)} statements, not one query")
        wanted = set(statements[0].named_parameters)
        missing, unused = wanted - parameters.keys(), parameters.keys() - wanted
        if missing or unused:
            raise AnalysisError(
                f"{label} takes the parameter(s) {sorted(wanted)}, was given {sorted(parameters)}"
            )
        cursor = con.execute(sql, {key: parameters[key] for key in wanted})
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise AnalysisError(f"{label} failed on {database}: {exc}") from exc
    finally:
        con.close()
    return columns, rows


def run_analysis(
    name: str,
    values: Mapping[str, str],
    database: Path,
    target_path: Path = DEFAULT_TARGET_PATH,
) -> AnalysisResult:
    """Compile the analysis and run it on the DuckDB warehouse at `database`, read-only."""
    if _dbt_target() == "bigquery":
        raise AnalysisError(
            "the runner runs analyses on DuckDB only; with DBT_TARGET=bigquery, --sql prints "
            "the query and its parameters"
        )
    if not database.is_file():
        raise AnalysisError(f"no DuckDB warehouse at {database}: run `make demo` first")
    compiled = compile_analysis(name, values, target_path, database)
    columns, rows = execute(database, compiled.sql, compiled.parameters, name)
    return AnalysisResult(name, compiled.sql, columns, rows, compiled.parameters)


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
        help="a var of the analysis, e.g. --var player='Jalen Brunson' (repeatable); checked "
        "against its type and bound as a query parameter, never pasted into SQL",
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
        values = parse_vars(args.var)
        if args.sql:
            print(compile_analysis(args.name, values, args.target_path).annotated())
            return 0
        result = run_analysis(args.name, values, Path(duckdb_path()), args.target_path)
    except AnalysisError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(format_table(result, args.max_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
