"""Copy landed payloads into the warehouse raw layer, one table per source and entity.

Payloads are stored as the exact JSON text: parsing belongs to dbt staging. The loader only vets
each file (manifest present and matching, UTF-8 JSON, the shape staging unnests) and sets aside
anything else in raw.load_quarantine so one bad file never blocks the rest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ingest.landing import LandedFile, LandingZone, parse_timestamp
from ingest.sources import SOURCES, SourceSpec

log = logging.getLogger(__name__)

DEFAULT_DUCKDB_PATH = "warehouse/nba_props.duckdb"
DEFAULT_RAW_SCHEMA = "raw"
QUARANTINE_TABLE = "load_quarantine"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

RAW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("landed_path", "VARCHAR"),
    ("source", "VARCHAR"),
    ("entity", "VARCHAR"),
    ("origin", "VARCHAR"),
    ("request_key", "VARCHAR"),
    ("fetched_at", "TIMESTAMP"),
    ("sha256", "VARCHAR"),
    ("bytes", "BIGINT"),
    ("loaded_at", "TIMESTAMP"),
    ("payload", "VARCHAR"),
)
QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("landed_path", "VARCHAR"),
    ("source", "VARCHAR"),
    ("entity", "VARCHAR"),
    ("sha256", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("quarantined_at", "TIMESTAMP"),
)
ARROW_TYPES = {"VARCHAR": pa.string(), "TIMESTAMP": pa.timestamp("us"), "BIGINT": pa.int64()}


def duckdb_path() -> str:
    return os.environ.get("NBA_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH


def raw_schema() -> str:
    return os.environ.get("NBA_RAW_SCHEMA") or DEFAULT_RAW_SCHEMA


def table_name(source: str, entity: str) -> str:
    return f"{source}__{entity}"


def _ident(name: str) -> str:
    if not IDENTIFIER.match(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return f'"{name}"'


class QuarantineError(RuntimeError):
    """Strict mode: some landed files could not be loaded (they are listed in the message)."""


@dataclass
class LoadResult:
    seen: int = 0
    loaded: int = 0
    skipped: int = 0  # loaded or quarantined by an earlier run
    quarantined: int = 0  # quarantined by this run
    previously_quarantined: int = 0  # seen now, set aside by an earlier run
    loaded_by_table: dict[str, int] = field(default_factory=dict)
    quarantine: list[tuple[str, str]] = field(default_factory=list)  # (landed_path, reason)

    def summary(self) -> str:
        return (
            f"landed files seen {self.seen}, loaded {self.loaded}, skipped {self.skipped}, "
            f"quarantined {self.quarantined}"
            + (
                f" (+{self.previously_quarantined} from earlier runs)"
                if self.previously_quarantined
                else ""
            )
        )


def ensure_tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """Every known table exists even with nothing landed, so dbt sources always resolve."""
    created: list[str] = []
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")
    raw_cols = ", ".join(f"{name} {kind}" for name, kind in RAW_COLUMNS)
    for spec in SOURCES.values():
        for entity in spec.entities:
            table = table_name(spec.name, entity)
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {_ident(schema)}.{_ident(table)} "
                f"({raw_cols}, PRIMARY KEY (landed_path))"
            )
            created.append(f"{schema}.{table}")
    quarantine_cols = ", ".join(f"{name} {kind}" for name, kind in QUARANTINE_COLUMNS)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {_ident(schema)}.{_ident(QUARANTINE_TABLE)} "
        f"({quarantine_cols}, PRIMARY KEY (landed_path))"
    )
    return created


def _paths_in(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(f"SELECT landed_path FROM {_ident(schema)}.{_ident(table)}").fetchall()
    return {row[0] for row in rows}


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _snippet(data: bytes) -> str:
    head = data[:60].decode("utf-8", errors="replace").replace("\n", " ").strip()
    return repr(head)


def vet(
    landed: LandedFile, data: bytes, manifest: dict[str, Any] | None, spec: SourceSpec
) -> tuple[str | None, str | None, datetime | None]:
    """Returns (reason, payload_text, fetched_at); reason is None when the file is loadable."""
    sha = hashlib.sha256(data).hexdigest()
    if manifest is None:
        return "manifest missing", None, None
    expected = {
        "sha256": sha,
        "landed_path": landed.path,
        "source": landed.source,
        "entity": landed.entity,
        "request_key": landed.request_key,
        "bytes": len(data),
    }
    for name, value in expected.items():
        if manifest.get(name) != value:
            return (
                f"manifest mismatch: {name} is {manifest.get(name)!r}, file has {value!r}",
                None,
                None,
            )
    if sha[: len(landed.sha_prefix)] != landed.sha_prefix:
        return f"file name says sha256 {landed.sha_prefix}..., content hashes to {sha}", None, None
    try:
        fetched_at = parse_timestamp(str(manifest["fetched_at"]))
    except (KeyError, ValueError) as err:
        return f"manifest fetched_at unreadable: {err}", None, None
    entity = spec.entities[landed.entity]
    try:
        # JSON payloads as they came; CSV sources (BigDataBall) converted to JSON rows here.
        text = entity.payload_text(data)
    except UnicodeDecodeError as err:
        return f"not valid UTF-8: {err}", None, None
    except ValueError as err:
        return f"not valid {entity.file_format.upper()}: {err}", None, None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        return f"not valid JSON ({err}); starts with {_snippet(data)}", None, None
    problem = entity.check_payload(document)
    if problem is not None:
        return f"unexpected payload shape: {problem}", None, None
    return None, text, fetched_at


def _read_manifest(zone: LandingZone, path: str) -> dict[str, Any] | str | None:
    try:
        manifest = zone.read_manifest(path)
    except (ValueError, UnicodeDecodeError) as err:
        return f"manifest unreadable: {err}"
    if manifest is not None and not isinstance(manifest, dict):
        return "manifest unreadable: not a JSON object"
    return manifest


def _examine(
    zone: LandingZone, landed: LandedFile, now: datetime
) -> tuple[tuple[Any, ...] | None, str | None]:
    """A raw-table row for a loadable file, else None and the reason it is set aside."""
    spec = SOURCES.get(landed.source)
    if spec is None or landed.entity not in spec.entities:
        return None, f"unknown source/entity {landed.source}/{landed.entity}"
    manifest = _read_manifest(zone, landed.path)
    if isinstance(manifest, str):
        return None, manifest
    data = zone.read(landed.path)
    reason, text, fetched_at = vet(landed, data, manifest, spec)
    if reason is not None or manifest is None or fetched_at is None:
        return None, reason
    row = (
        landed.path,
        landed.source,
        landed.entity,
        str(manifest.get("origin", "")),
        landed.request_key,
        _naive_utc(fetched_at),
        manifest["sha256"],
        len(data),
        now,
        text,
    )
    return row, None


def _arrow(columns: tuple[tuple[str, str], ...], rows: list[tuple[Any, ...]]) -> pa.Table:
    arrays = {
        name: pa.array([row[i] for row in rows], type=ARROW_TYPES[kind])
        for i, (name, kind) in enumerate(columns)
    }
    return pa.table(arrays)


def _insert(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    columns: tuple[tuple[str, str], ...],
    rows: list[tuple[Any, ...]],
) -> None:
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    # One Arrow batch per table: row-by-row executemany is orders of magnitude slower here.
    con.register("incoming_batch", _arrow(columns, rows))
    try:
        con.execute(
            f"INSERT INTO {_ident(schema)}.{_ident(table)} ({names}) "
            f"SELECT {names} FROM incoming_batch"
        )
    finally:
        con.unregister("incoming_batch")


def load(
    landing_root: str | os.PathLike[str] | None = None,
    db_path: str | os.PathLike[str] | None = None,
    schema: str | None = None,
    strict: bool = False,
    zone: LandingZone | None = None,
) -> LoadResult:
    zone = zone or LandingZone(landing_root)
    schema = schema or raw_schema()
    target = Path(db_path or duckdb_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    result = LoadResult()
    now = _naive_utc(datetime.now(UTC))

    con = duckdb.connect(str(target))
    try:
        ensure_tables(con, schema)
        loaded_before: set[str] = set()
        for spec in SOURCES.values():
            for entity in spec.entities:
                loaded_before |= _paths_in(con, schema, table_name(spec.name, entity))
        quarantined_before = _paths_in(con, schema, QUARANTINE_TABLE)

        raw_rows: dict[str, list[tuple[Any, ...]]] = {}
        quarantine_rows: list[tuple[Any, ...]] = []
        for landed in zone.iter_payloads():
            result.seen += 1
            if landed.path in loaded_before or landed.path in quarantined_before:
                result.skipped += 1
                result.previously_quarantined += landed.path in quarantined_before
                continue
            row, reason = _examine(zone, landed, now)
            if row is None:
                log.warning("quarantined %s: %s", landed.path, reason)
                sha = hashlib.sha256(zone.read(landed.path)).hexdigest()
                quarantine_rows.append(
                    (landed.path, landed.source, landed.entity, sha, reason, now)
                )
                result.quarantine.append((landed.path, str(reason)))
                continue
            raw_rows.setdefault(table_name(landed.source, landed.entity), []).append(row)

        con.execute("BEGIN TRANSACTION")
        for table, rows in raw_rows.items():
            _insert(con, schema, table, RAW_COLUMNS, rows)
            result.loaded_by_table[f"{schema}.{table}"] = len(rows)
            log.info("loaded %d payloads into %s.%s", len(rows), schema, table)
        _insert(con, schema, QUARANTINE_TABLE, QUARANTINE_COLUMNS, quarantine_rows)
        con.execute("COMMIT")
    finally:
        con.close()

    result.loaded = sum(result.loaded_by_table.values())
    result.quarantined = len(quarantine_rows)
    log.info("%s (landing %s -> %s)", result.summary(), zone.root, target)
    if strict and (result.quarantined or result.previously_quarantined):
        listed = "; ".join(f"{path}: {reason}" for path, reason in result.quarantine)
        raise QuarantineError(
            f"strict load: {result.quarantined} file(s) quarantined in this run, "
            f"{result.previously_quarantined} earlier (see {schema}.{QUARANTINE_TABLE}). {listed}"
        )
    return result
