"""Set a loaded file aside by hand: `python -m ingest set-aside <landed path> --reason TEXT`.

For a file that loaded but should not have (a re-scrape with wrong numbers that passed every
check, a payload whose rows staging holds back until someone acts). In one transaction:

- its raw row is deleted, and a quarantine row records the decision: the reason, prefixed
  `set aside by hand:`, and when. The ledger (ops.load_ledger_files) then shows the file as
  quarantined with that reason, and neither `load` nor `load --retry-quarantined` loads it
  again. The landed bytes and their manifest are not touched.
- its parsed rows leave every table dbt built that records where a row came from
  (`source_landed_path`: the incremental base models that parse each payload once), so the
  next build cannot serve them.
- the rows of every game it fed leave every other table dbt built with a `game_id`, so the
  incremental marts rebuild those games whole from what is left (changed_games_predicate
  rebuilds any game the mart lacks).

After it, `nba-props build` (or `dbt build`) gives the warehouse a build that never saw the
file: the previous fetch of its games is served again, or a corrected re-scrape once landed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.load import (
    QUARANTINE_COLUMNS,
    SET_ASIDE_PREFIX,
    _ident,
    known_tables,
)

log = logging.getLogger(__name__)


class SetAsideError(ValueError):
    """The file cannot be set aside (not in the warehouse, already set aside, no reason)."""


@dataclass(frozen=True)
class SetAside:
    landed_path: str
    raw_table: str
    reason: str
    games: tuple[str, ...]  # game ids whose rows were removed from the built tables
    parsed_rows: int  # rows removed from tables that record their source file
    built_rows: int  # rows of those games removed from the other built tables


def _built_tables(
    con: duckdb.DuckDBPyConnection, raw_schema: str
) -> dict[tuple[str, str], set[str]]:
    """Every table (not view) of the warehouse outside the raw layer, with its columns."""
    rows = con.execute(
        "select c.table_schema, c.table_name, c.column_name "
        "from information_schema.columns as c "
        "join information_schema.tables as t "
        "  on c.table_catalog = t.table_catalog and c.table_schema = t.table_schema "
        "  and c.table_name = t.table_name "
        "where t.table_type = 'BASE TABLE' and c.table_schema <> ? "
        "  and c.table_catalog = current_database()",
        [raw_schema],
    ).fetchall()
    tables: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in rows:
        tables.setdefault((schema, table), set()).add(column.lower())
    return tables


def _find_raw_row(
    con: duckdb.DuckDBPyConnection, raw_schema: str, path: str
) -> tuple[str, str, str, str] | None:
    """(raw table, source, entity, sha256) of the loaded file, or None."""
    existing = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_catalog = current_database()",
            [raw_schema],
        ).fetchall()
    }
    for table in known_tables():
        if table not in existing:
            continue
        row = con.execute(
            f"select source, entity, sha256 from {_ident(raw_schema)}.{_ident(table)} "
            "where landed_path = ?",
            [path],
        ).fetchone()
        if row is not None:
            return table, row[0], row[1], row[2]
    return None


def set_aside_duckdb(
    db_path: str | Path,
    raw_schema: str,
    paths: Sequence[str],
    reason: str,
    now: datetime | None = None,
) -> list[SetAside]:
    """Set the loaded files aside in one transaction (all or none)."""
    if not reason.strip():
        raise SetAsideError("say why the file is set aside: --reason TEXT")
    if not Path(db_path).exists():
        raise SetAsideError(f"no warehouse at {db_path}: nothing has been loaded there")
    _ident(raw_schema)
    now = now or datetime.now(UTC)
    done: list[SetAside] = []
    with duckdb.connect(str(db_path)) as con:
        quarantine = f"{_ident(raw_schema)}.{_ident('load_quarantine')}"
        built = _built_tables(con, raw_schema)
        con.execute("begin transaction")
        try:
            for path in dict.fromkeys(paths):
                done.append(_set_aside_one(con, raw_schema, quarantine, built, path, reason, now))
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return done


def _set_aside_one(
    con: duckdb.DuckDBPyConnection,
    raw_schema: str,
    quarantine: str,
    built: dict[tuple[str, str], set[str]],
    path: str,
    reason: str,
    now: datetime,
) -> SetAside:
    found = _find_raw_row(con, raw_schema, path)
    if found is None:
        held = con.execute(f"select reason from {quarantine} where landed_path = ?", [path])
        row = held.fetchone()
        if row is not None:
            raise SetAsideError(f"{path} is not loaded: it is quarantined already ({row[0]})")
        raise SetAsideError(
            f"{path} is not a loaded file of this warehouse (give the landed path as "
            "`python -m ingest quarantine` and ops.load_ledger_files show it)"
        )
    table, source, entity, sha = found
    games: set[str] = set()
    for (schema, name), columns in built.items():
        if {"source_landed_path", "game_id"} <= columns:
            games |= {
                str(g)
                for (g,) in con.execute(
                    f"select distinct game_id from {_ident(schema)}.{_ident(name)} "
                    "where source_landed_path = ? and game_id is not null",
                    [path],
                ).fetchall()
            }
    parsed_rows = built_rows = 0
    for (schema, name), columns in built.items():
        relation = f"{_ident(schema)}.{_ident(name)}"
        if "source_landed_path" in columns:
            parsed_rows += _delete(
                con, f"delete from {relation} where source_landed_path = ?", [path]
            )
        elif "game_id" in columns and games:
            built_rows += _delete(
                con,
                f"delete from {relation} where cast(game_id as varchar) in "
                f"(select unnest(?::varchar[]))",
                [sorted(games)],
            )
    con.execute(f"delete from {_ident(raw_schema)}.{_ident(table)} where landed_path = ?", [path])
    names = ", ".join(name for name, _ in QUARANTINE_COLUMNS)
    con.execute(
        f"insert into {quarantine} ({names}) values (?, ?, ?, ?, ?, ?)",
        [path, source, entity, sha, f"{SET_ASIDE_PREFIX}{reason.strip()}", _naive_utc(now)],
    )
    log.info(
        "set aside %s (%s): %d parsed rows and %d built rows of %d game(s) removed",
        path,
        table,
        parsed_rows,
        built_rows,
        len(games),
    )
    return SetAside(path, table, reason.strip(), tuple(sorted(games)), parsed_rows, built_rows)


def _delete(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
