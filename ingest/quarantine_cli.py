"""`python -m ingest quarantine`: list the landed files the loader set aside, and why;
`python -m ingest set-aside PATH --reason TEXT`: set a loaded file aside by hand.

Each line of `quarantine` names the file (its landing-root path and where it lives), its source
and entity, when it was quarantined and the reason. Nothing is changed: to replay files after a
fix, run `python -m ingest load --retry-quarantined` (a fixed loader decides them again) or land
a corrected re-fetch, which loads as a new file. `set-aside` is ingest/set_aside.py.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.landing import LandingZone
from ingest.load import QUARANTINE_TABLE, _ident, duckdb_path, raw_schema
from ingest.set_aside import set_aside_bigquery, set_aside_duckdb

log = logging.getLogger("ingest")
COMMANDS = ("quarantine", "set-aside")
TARGETS = ("duckdb", "bigquery")


@dataclass(frozen=True)
class Quarantined:
    landed_path: str
    source: str
    entity: str
    reason: str
    quarantined_at: str  # ISO-8601 UTC
    location: str  # where the file is: a local path or a gs:// URI


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("quarantine", help="list quarantined landed files and their reasons")
    p.add_argument("--target", choices=TARGETS, default=None, help="default: $DBT_TARGET")
    p.add_argument("--duckdb-path", default=None, help="default: $NBA_DUCKDB_PATH")
    p.add_argument("--schema", default=None, help="default: $NBA_RAW_SCHEMA or raw")
    p.add_argument("--bq-project", default=None, help="default: $BQ_PROJECT")
    p.add_argument("--bq-location", default=None, help="default: $BQ_LOCATION or US")
    p.add_argument("--source", default=None, help="only this source")
    p.add_argument("--entity", default=None, help="only this entity")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser(
        "set-aside",
        help="set loaded files aside: raw and parsed rows removed, decision in the quarantine",
    )
    p.add_argument("paths", nargs="+", metavar="LANDED_PATH", help="as the ledger lists it")
    p.add_argument("--reason", required=True, help="why (recorded in raw.load_quarantine)")
    p.add_argument("--target", choices=TARGETS, default=None, help="default: $DBT_TARGET")
    p.add_argument("--duckdb-path", default=None, help="default: $NBA_DUCKDB_PATH")
    p.add_argument("--schema", default=None, help="default: $NBA_RAW_SCHEMA or raw")
    p.add_argument("--bq-project", default=None, help="default: $BQ_PROJECT")
    p.add_argument("--bq-location", default=None, help="default: $BQ_LOCATION or US")


def _select(schema_table: str) -> str:
    return (
        "SELECT landed_path, source, entity, reason, quarantined_at "
        f"FROM {schema_table} ORDER BY quarantined_at, landed_path"
    )


def _iso(moment: datetime) -> str:
    """DuckDB hands back naive UTC, BigQuery aware datetimes: both as ISO-8601 UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_duckdb(db_path: str, schema: str) -> list[tuple[str, str, str, str, datetime]]:
    """The quarantine rows; none when the warehouse or the table does not exist yet."""
    if not Path(db_path).exists():
        return []
    with duckdb.connect(db_path, read_only=True) as con:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?",
            [schema, QUARANTINE_TABLE],
        ).fetchone()
        if not exists or not exists[0]:
            return []
        sql = _select(f"{_ident(schema)}.{_ident(QUARANTINE_TABLE)}")
        return [tuple(row) for row in con.execute(sql).fetchall()]  # type: ignore[misc]


def from_bigquery(
    project: str, dataset: str, location: str
) -> list[tuple[str, str, str, str, datetime]]:
    from ingest import load_bigquery as bq

    client = bq.make_client(project, location)
    rows = client.query_and_wait(
        _select(f"`{bq.table_id(project, dataset, QUARANTINE_TABLE)}`"), location=location
    )
    return [
        (r["landed_path"], r["source"], r["entity"], r["reason"], r["quarantined_at"]) for r in rows
    ]


def listing(
    rows: Sequence[tuple[str, str, str, str, datetime]],
    zone: LandingZone,
    source: str | None = None,
    entity: str | None = None,
) -> list[Quarantined]:
    return [
        Quarantined(path, src, ent, reason, _iso(at), zone.storage.uri(path))
        for path, src, ent, reason, at in rows
        if (source is None or src == source) and (entity is None or ent == entity)
    ]


def set_aside(args: argparse.Namespace) -> int:
    target = args.target or os.environ.get("DBT_TARGET") or "duckdb"
    schema = args.schema or raw_schema()
    try:
        if target == "bigquery":
            from ingest import load_bigquery as bq

            project = args.bq_project or os.environ.get("BQ_PROJECT")
            if not project:
                log.error("the bigquery target needs a project: set BQ_PROJECT or --bq-project")
                return 2
            location = args.bq_location or os.environ.get("BQ_LOCATION") or "US"
            client = bq.make_client(project, location)
            done = set_aside_bigquery(client, project, schema, location, args.paths, args.reason)
        elif target == "duckdb":
            done = set_aside_duckdb(
                args.duckdb_path or duckdb_path(), schema, args.paths, args.reason
            )
        else:
            log.error("unknown target %r (from $DBT_TARGET?): use one of %s", target, TARGETS)
            return 2
    except ValueError as err:  # SetAsideError, or a name that is not an identifier
        log.error("%s", err)
        return 2
    for item in done:
        rows = f"{item.parsed_rows} parsed row(s) removed, " if item.parsed_rows >= 0 else ""
        print(
            f"set aside {item.landed_path} ({item.raw_table}): {rows}"
            f"{len(item.games)} game(s) to rebuild"
        )
    print("next: nba-props build (or dbt build) serves what is left")
    return 0


def run(args: argparse.Namespace, zone: LandingZone) -> int:
    if args.command == "set-aside":
        return set_aside(args)
    target = args.target or os.environ.get("DBT_TARGET") or "duckdb"
    schema = args.schema or raw_schema()
    try:
        _ident(schema)  # a schema that is not a plain identifier never reaches any SQL
        if target == "bigquery":
            project = args.bq_project or os.environ.get("BQ_PROJECT")
            if not project:
                log.error("the bigquery target needs a project: set BQ_PROJECT or --bq-project")
                return 2
            location = args.bq_location or os.environ.get("BQ_LOCATION") or "US"
            rows = from_bigquery(project, schema, location)
        elif target == "duckdb":
            rows = from_duckdb(args.duckdb_path or duckdb_path(), schema)
        else:
            log.error("unknown target %r (from $DBT_TARGET?): use one of %s", target, TARGETS)
            return 2
    except ValueError as err:
        log.error("%s", err)
        return 2
    found = listing(rows, zone, args.source, args.entity)
    for item in found:
        if args.json:
            print(json.dumps(asdict(item), ensure_ascii=False))
        else:
            print(f"{item.quarantined_at}  {item.landed_path}")
            print(f"    reason: {item.reason}\n    file:   {item.location}")
    if not args.json:
        print(
            f"{len(found)} quarantined file(s) in {schema}.{QUARANTINE_TABLE}"
            + ("; replay after a fix: python -m ingest load --retry-quarantined" if found else "")
        )
    return 0
