"""Set a loaded file aside by hand: `python -m ingest set-aside <landed path> --reason TEXT`.

For a file that loaded but should not have (a re-scrape with wrong numbers that passed every
check, a payload whose rows staging holds back until someone acts). For each file, in one
transaction:

- its raw row is deleted, and a quarantine row records the decision: the reason, prefixed
  `set aside by hand:`, and when. The ledger (ops.load_ledger_files) then shows the file as
  quarantined with that reason, and neither `load` nor `load --retry-quarantined` loads it
  again. The landed bytes and their manifest are not touched.
- its parsed rows leave every table dbt built that records where a row came from
  (`source_landed_path`: the base models that parse each payload once), so the next build
  cannot serve them.
- the rows of every game it fed leave every other table dbt built with a `game_id`, so the
  incremental marts rebuild those games whole from what is left (changed_games_predicate
  rebuilds any game the mart lacks).

Only the schemas dbt builds are touched (BUILT_SCHEMAS; never the raw layer beyond the file's
own row, never the predictions the ML step wrote). After it, `nba-props build` (or
`dbt build`) gives the warehouse a build that never saw the file: the previous fetch of its
games is served again, or a corrected re-scrape once landed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest.load import (
    QUARANTINE_COLUMNS,
    QUARANTINE_TABLE,
    SET_ASIDE_PREFIX,
    _ident,
    known_tables,
)

log = logging.getLogger(__name__)

# The schemas (BigQuery datasets) dbt builds tables in: dbt_project.yml's +schema values
# (test_bad_values.py keeps the two in step). ops holds views only; predictions is the ML
# step's own table and is never touched.
BUILT_SCHEMAS: tuple[str, ...] = ("staging", "intermediate", "marts", "ml")
PATH_COLUMN = "source_landed_path"
GAME_COLUMN = "game_id"


class SetAsideError(ValueError):
    """The file cannot be set aside (not in the warehouse, already set aside, no reason)."""


@dataclass(frozen=True)
class SetAside:
    landed_path: str
    raw_table: str
    reason: str
    games: tuple[str, ...]  # game ids whose rows were removed from the built tables
    parsed_rows: int  # rows removed from tables that record their source file (-1: unknown)
    built_rows: int  # rows of those games removed from the other built tables (-1: unknown)


@dataclass(frozen=True)
class BuiltTables:
    """The built tables a set-aside edits: by the file's path, and by the games it fed."""

    by_path: tuple[tuple[str, str], ...]  # (schema, table) with source_landed_path
    with_games: tuple[tuple[str, str], ...]  # by_path tables that also have game_id
    by_game: tuple[tuple[str, str], ...]  # the others with game_id

    @classmethod
    def from_columns(cls, columns: dict[tuple[str, str], set[str]]) -> BuiltTables:
        by_path = sorted(t for t, cols in columns.items() if PATH_COLUMN in cols)
        return cls(
            by_path=tuple(by_path),
            with_games=tuple(t for t in by_path if GAME_COLUMN in columns[t]),
            by_game=tuple(
                sorted(
                    t
                    for t, cols in columns.items()
                    if GAME_COLUMN in cols and PATH_COLUMN not in cols
                )
            ),
        )


def _check_reason(reason: str) -> str:
    if not reason.strip():
        raise SetAsideError("say why the file is set aside: --reason TEXT")
    return f"{SET_ASIDE_PREFIX}{reason.strip()}"


def _not_loaded(path: str, quarantine_reason: str | None) -> SetAsideError:
    if quarantine_reason is not None:
        return SetAsideError(
            f"{path} is not loaded: it is quarantined already ({quarantine_reason})"
        )
    return SetAsideError(
        f"{path} is not a loaded file of this warehouse (give the landed path as "
        "`python -m ingest quarantine` and ops.load_ledger_files show it)"
    )


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


# --- DuckDB ---------------------------------------------------------------------------------


def _duckdb_built_tables(con: duckdb.DuckDBPyConnection) -> BuiltTables:
    rows = con.execute(
        "select c.table_schema, c.table_name, lower(c.column_name) "
        "from information_schema.columns as c "
        "inner join information_schema.tables as t "
        "  on c.table_catalog = t.table_catalog and c.table_schema = t.table_schema "
        "  and c.table_name = t.table_name "
        "where t.table_type = 'BASE TABLE' and c.table_catalog = current_database() "
        "  and c.table_schema in (select unnest(?::varchar[]))",
        [list(BUILT_SCHEMAS)],
    ).fetchall()
    columns: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in rows:
        columns.setdefault((schema, table), set()).add(column)
    return BuiltTables.from_columns(columns)


def _duckdb_raw_row(
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


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> int:
    row = con.execute(sql, params).fetchone()  # DuckDB answers a DELETE with its row count
    return int(row[0]) if row else 0


def set_aside_duckdb(
    db_path: str | Path,
    raw_schema: str,
    paths: Sequence[str],
    reason: str,
    now: datetime | None = None,
) -> list[SetAside]:
    """Set the loaded files aside in one transaction (all or none)."""
    recorded = _check_reason(reason)
    if not Path(db_path).exists():
        raise SetAsideError(f"no warehouse at {db_path}: nothing has been loaded there")
    _ident(raw_schema)
    now = now or datetime.now(UTC)
    done: list[SetAside] = []
    with duckdb.connect(str(db_path)) as con:
        built = _duckdb_built_tables(con)
        con.execute("begin transaction")
        try:
            for path in dict.fromkeys(paths):
                done.append(_duckdb_one(con, raw_schema, built, path, recorded, now))
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return done


def _duckdb_one(
    con: duckdb.DuckDBPyConnection,
    raw_schema: str,
    built: BuiltTables,
    path: str,
    recorded: str,
    now: datetime,
) -> SetAside:
    quarantine = f"{_ident(raw_schema)}.{_ident(QUARANTINE_TABLE)}"
    found = _duckdb_raw_row(con, raw_schema, path)
    if found is None:
        held = con.execute(f"select reason from {quarantine} where landed_path = ?", [path])
        row = held.fetchone()
        raise _not_loaded(path, row[0] if row else None)
    table, source, entity, sha = found
    games: set[str] = set()
    for schema, name in built.with_games:
        games |= {
            str(game)
            for (game,) in con.execute(
                f"select distinct {GAME_COLUMN} from {_ident(schema)}.{_ident(name)} "
                f"where {PATH_COLUMN} = ? and {GAME_COLUMN} is not null",
                [path],
            ).fetchall()
        }
    parsed = sum(
        _count(con, f"delete from {_ident(s)}.{_ident(t)} where {PATH_COLUMN} = ?", [path])
        for s, t in built.by_path
    )
    built_rows = 0
    if games:
        built_rows = sum(
            _count(
                con,
                f"delete from {_ident(s)}.{_ident(t)} "
                f"where cast({GAME_COLUMN} as varchar) in (select unnest(?::varchar[]))",
                [sorted(games)],
            )
            for s, t in built.by_game
        )
    con.execute(f"delete from {_ident(raw_schema)}.{_ident(table)} where landed_path = ?", [path])
    names = ", ".join(name for name, _ in QUARANTINE_COLUMNS)
    con.execute(
        f"insert into {quarantine} ({names}) values (?, ?, ?, ?, ?, ?)",
        [path, source, entity, sha, recorded, _naive_utc(now)],
    )
    log.info(
        "set aside %s (%s): %d parsed rows and %d built rows of %d game(s) removed",
        path,
        table,
        parsed,
        built_rows,
        len(games),
    )
    return SetAside(path, table, recorded, tuple(sorted(games)), parsed, built_rows)


# --- BigQuery -------------------------------------------------------------------------------


def _bq_built_tables(client: Any, project: str, location: str) -> BuiltTables:
    from google.api_core.exceptions import NotFound

    from ingest import load_bigquery as bq

    columns: dict[tuple[str, str], set[str]] = {}
    for dataset in BUILT_SCHEMAS:
        prefix = f"`{bq.table_id(project, dataset, 'INFORMATION_SCHEMA')}"
        sql = (
            f"SELECT c.table_name, LOWER(c.column_name) AS column_name "
            f"FROM {prefix}.COLUMNS` AS c "
            f"INNER JOIN {prefix}.TABLES` AS t ON c.table_name = t.table_name "
            f"WHERE t.table_type = 'BASE TABLE' "
            f"AND LOWER(c.column_name) IN ('{PATH_COLUMN}', '{GAME_COLUMN}')"
        )
        try:
            rows = client.query_and_wait(sql, location=location)
        except NotFound:  # a dataset dbt has not built yet
            continue
        for row in rows:
            columns.setdefault((dataset, row["table_name"]), set()).add(row["column_name"])
    return BuiltTables.from_columns(columns)


def set_aside_bigquery(
    client: Any,
    project: str,
    raw_dataset: str,
    location: str,
    paths: Sequence[str],
    reason: str,
    now: datetime | None = None,
) -> list[SetAside]:
    """Set the loaded files aside, each in one multi-statement transaction (BigQuery's
    transactions are per script, so a file set aside stays set aside if a later one fails)."""
    from google.cloud import bigquery

    from ingest import load_bigquery as bq

    recorded = _check_reason(reason)
    now = now or datetime.now(UTC)
    built = _bq_built_tables(client, project, location)

    def table(dataset: str, name: str) -> str:
        return f"`{bq.table_id(project, dataset, name)}`"

    def query(sql: str, **params: Any) -> list[Any]:
        config = bigquery.QueryJobConfig(
            query_parameters=[
                bigquery.ArrayQueryParameter(name, "STRING", value)
                if isinstance(value, list)
                else bigquery.ScalarQueryParameter(
                    name, "TIMESTAMP" if isinstance(value, datetime) else "STRING", value
                )
                for name, value in params.items()
            ]
        )
        return list(client.query_and_wait(sql, job_config=config, location=location))

    done: list[SetAside] = []
    for path in dict.fromkeys(paths):
        lookup = " UNION ALL ".join(
            f"SELECT '{name}' AS raw_table, source, entity, sha256 "
            f"FROM {table(raw_dataset, name)} WHERE landed_path = @path"
            for name in known_tables()
        )
        found = query(lookup, path=path)
        if not found:
            held = query(
                f"SELECT reason FROM {table(raw_dataset, QUARANTINE_TABLE)} "
                "WHERE landed_path = @path",
                path=path,
            )
            raise _not_loaded(path, held[0]["reason"] if held else None)
        raw = found[0]
        games: list[str] = []
        if built.with_games:
            fed = " UNION DISTINCT ".join(
                f"SELECT CAST({GAME_COLUMN} AS STRING) AS game_id FROM {table(*t)} "
                f"WHERE {PATH_COLUMN} = @path AND {GAME_COLUMN} IS NOT NULL"
                for t in built.with_games
            )
            games = sorted(row["game_id"] for row in query(fed, path=path))
        statements = [f"DELETE FROM {table(*t)} WHERE {PATH_COLUMN} = @path" for t in built.by_path]
        if games:
            statements += [
                f"DELETE FROM {table(*t)} WHERE CAST({GAME_COLUMN} AS STRING) IN UNNEST(@games)"
                for t in built.by_game
            ]
        names = ", ".join(name for name, _ in QUARANTINE_COLUMNS)
        statements += [
            f"DELETE FROM {table(raw_dataset, raw['raw_table'])} WHERE landed_path = @path",
            f"INSERT INTO {table(raw_dataset, QUARANTINE_TABLE)} ({names}) "
            "VALUES (@path, @source, @entity, @sha256, @reason, @at)",
        ]
        script = ";\n".join(["BEGIN TRANSACTION", *statements, "COMMIT TRANSACTION"]) + ";"
        query(
            script,
            path=path,
            games=games,
            source=raw["source"],
            entity=raw["entity"],
            sha256=raw["sha256"],
            reason=recorded,
            at=now.astimezone(UTC),
        )
        log.info("set aside %s (%s): %d game(s) to rebuild", path, raw["raw_table"], len(games))
        done.append(SetAside(path, raw["raw_table"], recorded, tuple(games), -1, -1))
    return done
