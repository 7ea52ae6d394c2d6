"""Copy landed payloads into the warehouse raw layer, one table per source and entity.

Payloads are stored as the exact JSON text: parsing belongs to dbt staging. The loader only vets
each file (manifest present and matching, UTF-8 JSON, the shape staging unnests) and sets aside
anything else in raw.load_quarantine so one bad file never blocks the rest.

The decision (load or quarantine, and why) is made once, in decide(); a RawWriter only creates
tables, reports which landed paths it already holds, and appends rows. DuckDB's writer is here;
BigQuery's is in ingest/load_bigquery.py.

Every landed file the loader lists is also recorded, once, in raw.landing_inventory (path, source,
entity, request key, the sha256 prefix its name carries, when it was first seen). The dbt ledger
(models/marts/ops) checks that each inventoried file is in exactly one raw table or in the
quarantine, so a file that was seen but neither loaded nor set aside fails a named test.

The loader lists every entry under the landing root (LandingZone.iter_entries), not only the
well-named payloads: a stray (a name off the layout, a link, a FIFO, ...; ingest/landing.py)
is inventoried and quarantined with the reason, and never opened. Its request key and hash
prefix are '' (its name carries none), its sha256 '' (it is not read). Whatever goes wrong
while one file is read or decided becomes that file's quarantine reason: the batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from ingest.landing import LandedFile, LandingZone, Stray, parse_timestamp
from ingest.payload_check import payload_problem
from ingest.sources import SOURCES, SourceSpec
from pipeline.progress import track

log = logging.getLogger(__name__)

DEFAULT_DUCKDB_PATH = "warehouse/nba_props.duckdb"
DEFAULT_RAW_SCHEMA = "raw"
QUARANTINE_TABLE = "load_quarantine"
INVENTORY_TABLE = "landing_inventory"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A quarantine row written by `ingest set-aside` (a person's decision, not the loader's):
# `load --retry-quarantined` never releases it.
SET_ASIDE_PREFIX = "set aside by hand: "
# How far ahead of the loader's clock a manifest's fetched_at may be. Staging serves the
# latest fetch, so a fetch stamped in the future (a scraper's clock running ahead) would win
# over every later, correct fetch for as long as the skew lasts; and it would lift the
# incremental marts' watermark past every later fetch.
FUTURE_FETCH_TOLERANCE = timedelta(minutes=10)

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
INVENTORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("landed_path", "VARCHAR"),
    ("source", "VARCHAR"),
    ("entity", "VARCHAR"),
    ("request_key", "VARCHAR"),
    ("sha256_prefix", "VARCHAR"),
    ("first_seen_at", "TIMESTAMP"),
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


class WarehouseWriteError(RuntimeError):
    """The raw layer could not be written (a full disk, say): the warehouse, the table and the
    original error, which the rollback is never allowed to hide. Nothing of the batch stays."""


@dataclass
class LoadResult:
    seen: int = 0
    loaded: int = 0
    skipped: int = 0  # loaded or quarantined by an earlier run
    quarantined: int = 0  # quarantined by this run
    previously_quarantined: int = 0  # seen now, set aside by an earlier run
    released: int = 0  # quarantined earlier, loadable now (--retry-quarantined)
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
            + (f", released from quarantine {self.released}" if self.released else "")
        )


def known_tables() -> list[str]:
    """Every raw table, whether or not anything has landed for it, so dbt sources resolve."""
    return [table_name(spec.name, entity) for spec in SOURCES.values() for entity in spec.entities]


@dataclass(frozen=True)
class RawRow:
    """One loadable landed file; fields in RAW_COLUMNS order. Timestamps are aware UTC."""

    landed_path: str
    source: str
    entity: str
    origin: str
    request_key: str
    fetched_at: datetime
    sha256: str
    bytes: int
    loaded_at: datetime
    payload: str

    @property
    def table(self) -> str:
        return table_name(self.source, self.entity)


@dataclass(frozen=True)
class QuarantineRow:
    """One landed file set aside, and why; fields in QUARANTINE_COLUMNS order."""

    landed_path: str
    source: str
    entity: str
    sha256: str
    reason: str
    quarantined_at: datetime


@dataclass(frozen=True)
class InventoryRow:
    """One landed file as the loader first listed it; fields in INVENTORY_COLUMNS order."""

    landed_path: str
    source: str
    entity: str
    request_key: str
    sha256_prefix: str
    first_seen_at: datetime


@dataclass
class Batch:
    raw: dict[str, list[RawRow]] = field(default_factory=dict)  # table -> rows
    quarantine: list[QuarantineRow] = field(default_factory=list)
    inventory: list[InventoryRow] = field(default_factory=list)
    # Quarantined earlier and loadable now: their quarantine rows go as their raw rows arrive.
    released: list[str] = field(default_factory=list)


class RawWriter(Protocol):
    """A warehouse the raw layer is written to. Thin on purpose: no vetting happens here."""

    schema: str

    def ensure_tables(self, tables: Sequence[str]) -> None:
        """Create the schema, the raw tables named, the quarantine and inventory tables if
        missing."""
        ...

    def landed_paths(self, table: str) -> set[str]: ...

    def set_aside_paths(self) -> set[str]:
        """Quarantined files that a person set aside (`ingest set-aside`)."""
        ...

    def write(self, batch: Batch) -> None:
        """Append every row of the batch (all-or-nothing where the warehouse allows)."""
        ...

    def describe(self) -> str: ...


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def vet(
    landed: LandedFile,
    data: bytes,
    manifest: dict[str, Any] | None,
    spec: SourceSpec,
    now: datetime | None = None,
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
    if now is not None and fetched_at > now + FUTURE_FETCH_TOLERANCE:
        return (
            f"manifest fetched_at {manifest['fetched_at']} is after the loader's clock "
            f"({now.strftime('%Y-%m-%dT%H:%M:%SZ')}): a fetch stamped in the future would win "
            "over every later fetch; re-land it with the right time",
            None,
            None,
        )
    entity = spec.entities[landed.entity]
    problem, text = payload_problem(
        data, entity.payload_text, entity.check_payload, entity.file_format
    )
    if problem is not None:
        return problem, None, None
    return None, text, fetched_at


def decide(
    landed: LandedFile, data: bytes, manifest: dict[str, Any] | str | None, now: datetime
) -> RawRow | QuarantineRow:
    """Load or quarantine, with the reason: the one decision every writer shares.

    manifest is the parsed sidecar, None when it is missing, or a string saying why it could
    not be read. now is an aware UTC time stamped on the row.
    """
    sha = hashlib.sha256(data).hexdigest()

    def quarantined(reason: str) -> QuarantineRow:
        return QuarantineRow(landed.path, landed.source, landed.entity, sha, reason, now)

    spec = SOURCES.get(landed.source)
    if spec is None or landed.entity not in spec.entities:
        return quarantined(f"unknown source/entity {landed.source}/{landed.entity}")
    if isinstance(manifest, str):
        return quarantined(manifest)
    reason, text, fetched_at = vet(landed, data, manifest, spec, now)
    if reason is not None or manifest is None or text is None or fetched_at is None:
        return quarantined(reason or "not loadable")
    return RawRow(
        landed_path=landed.path,
        source=landed.source,
        entity=landed.entity,
        origin=str(manifest.get("origin", "")),
        request_key=landed.request_key,
        fetched_at=fetched_at,
        sha256=sha,
        bytes=len(data),
        loaded_at=now,
        payload=text,
    )


def _read_manifest(zone: LandingZone, path: str) -> dict[str, Any] | str | None:
    try:
        manifest = zone.read_manifest(path)
    except (ValueError, UnicodeDecodeError) as err:
        return f"manifest unreadable: {err}"
    except (OSError, RecursionError) as err:  # a link, a FIFO, a read error; missing is None
        return f"manifest unreadable: {_describe(err)}"
    if manifest is not None and not isinstance(manifest, dict):
        return "manifest unreadable: not a JSON object"
    return manifest


def _describe(err: BaseException) -> str:
    text = str(err)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def examine(zone: LandingZone, entry: LandedFile | Stray, now: datetime) -> RawRow | QuarantineRow:
    """decide() on one listed entry. A stray is quarantined unread with the landing zone's
    reason; a file that cannot be read, or whose decision fails in a way decide() did not
    foresee, is quarantined naming the error: one file's failure is never the batch's."""
    if isinstance(entry, Stray):
        return QuarantineRow(entry.path, entry.source, entry.entity, "", entry.reason, now)
    try:
        data = zone.read_landed(entry.path)
    except Exception as err:
        reason = f"could not be read: {_describe(err)}"
        return QuarantineRow(entry.path, entry.source, entry.entity, "", reason, now)
    try:
        return decide(entry, data, _read_manifest(zone, entry.path), now)
    except Exception as err:  # anything at all: this file's quarantine reason, never a crash
        reason = f"could not be decided: {_describe(err)}"
        sha = hashlib.sha256(data).hexdigest()
        return QuarantineRow(entry.path, entry.source, entry.entity, sha, reason, now)


def inventory_row(entry: LandedFile | Stray, now: datetime) -> InventoryRow:
    if isinstance(entry, Stray):
        return InventoryRow(entry.path, entry.source, entry.entity, "", "", now)
    return InventoryRow(
        entry.path, entry.source, entry.entity, entry.request_key, entry.sha_prefix, now
    )


def plan(
    zone: LandingZone,
    loaded_before: set[str],
    quarantined_before: set[str],
    now: datetime,
    result: LoadResult,
    inventoried_before: set[str] | None = None,
    retry_quarantined: bool = False,
    set_aside: set[str] | None = None,
) -> Batch:
    """Decide every landed file not yet in the warehouse; counts go into result.

    Every listed entry (payloads and strays) not inventoried yet gets an inventory row,
    whatever the decision. With retry_quarantined, files quarantined by earlier runs are decided
    again: those loadable now are loaded and their quarantine rows released; the others stay
    quarantined as they were. Files set aside by hand (set_aside) are never decided again.
    """
    batch = Batch()
    listed = list(zone.iter_entries())
    for landed in track(listed, "load raw layer", unit="file"):
        result.seen += 1
        if inventoried_before is not None and landed.path not in inventoried_before:
            batch.inventory.append(inventory_row(landed, now))
        retry = (
            retry_quarantined
            and landed.path in quarantined_before
            and landed.path not in (set_aside or set())
        )
        if landed.path in loaded_before or (landed.path in quarantined_before and not retry):
            result.skipped += 1
            result.previously_quarantined += landed.path in quarantined_before
            continue
        row = examine(zone, landed, now)
        if isinstance(row, QuarantineRow):
            if retry:
                log.warning("still quarantined %s: %s", row.landed_path, row.reason)
                result.skipped += 1
                result.previously_quarantined += 1
                continue
            log.warning("quarantined %s: %s", row.landed_path, row.reason)
            batch.quarantine.append(row)
            result.quarantine.append((row.landed_path, row.reason))
        else:
            if retry:
                log.info("released %s from quarantine: it loads now", row.landed_path)
                batch.released.append(row.landed_path)
            batch.raw.setdefault(row.table, []).append(row)
    return batch


def load_into(
    writer: RawWriter, zone: LandingZone, strict: bool = False, retry_quarantined: bool = False
) -> LoadResult:
    """Append every landed file the writer does not hold yet, as a raw row or a quarantine row,
    and inventory every landed file listed. retry_quarantined: decide quarantined files again."""
    result = LoadResult()
    tables = known_tables()
    writer.ensure_tables(tables)
    loaded_before: set[str] = set()
    for table in tables:
        loaded_before |= writer.landed_paths(table)
    quarantined_before = writer.landed_paths(QUARANTINE_TABLE)
    inventoried_before = writer.landed_paths(INVENTORY_TABLE)

    batch = plan(
        zone,
        loaded_before,
        quarantined_before,
        datetime.now(UTC),
        result,
        inventoried_before=inventoried_before,
        retry_quarantined=retry_quarantined,
        set_aside=writer.set_aside_paths() if retry_quarantined else set(),
    )
    writer.write(batch)
    for table, rows in batch.raw.items():
        result.loaded_by_table[f"{writer.schema}.{table}"] = len(rows)
        log.info("loaded %d payloads into %s.%s", len(rows), writer.schema, table)
    result.loaded = sum(result.loaded_by_table.values())
    result.quarantined = len(batch.quarantine)
    result.released = len(batch.released)

    log.info("%s (landing %s -> %s)", result.summary(), zone.root, writer.describe())
    if strict and (result.quarantined or result.previously_quarantined):
        listed = "; ".join(f"{path}: {reason}" for path, reason in result.quarantine)
        raise QuarantineError(
            f"strict load: {result.quarantined} file(s) quarantined in this run, "
            f"{result.previously_quarantined} earlier "
            f"(see {writer.schema}.{QUARANTINE_TABLE}). {listed}"
        )
    return result


def _arrow(
    columns: tuple[tuple[str, str], ...], rows: Iterable[RawRow | QuarantineRow | InventoryRow]
) -> pa.Table:
    tuples = [
        tuple(_naive_utc(v) if isinstance(v, datetime) else v for v in astuple(row)) for row in rows
    ]
    arrays = {
        name: pa.array([row[i] for row in tuples], type=ARROW_TYPES[kind])
        for i, (name, kind) in enumerate(columns)
    }
    return pa.table(arrays)


class DuckDBWriter:
    """The embedded default target. DuckDB TIMESTAMP has no zone: values are stored as UTC."""

    def __init__(self, db_path: str | os.PathLike[str], schema: str) -> None:
        _ident(schema)  # refuse a name that is not a plain identifier before touching anything
        self.path = Path(db_path)
        self.schema = schema
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))

    def __enter__(self) -> DuckDBWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.con.close()

    def describe(self) -> str:
        return str(self.path)

    def ensure_tables(self, tables: Sequence[str]) -> None:
        schema = _ident(self.schema)
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        raw_cols = ", ".join(f"{name} {kind}" for name, kind in RAW_COLUMNS)
        for table in tables:
            self.con.execute(
                f"CREATE TABLE IF NOT EXISTS {schema}.{_ident(table)} "
                f"({raw_cols}, PRIMARY KEY (landed_path))"
            )
        for table, columns in (
            (QUARANTINE_TABLE, QUARANTINE_COLUMNS),
            (INVENTORY_TABLE, INVENTORY_COLUMNS),
        ):
            cols = ", ".join(f"{name} {kind}" for name, kind in columns)
            self.con.execute(
                f"CREATE TABLE IF NOT EXISTS {schema}.{_ident(table)} "
                f"({cols}, PRIMARY KEY (landed_path))"
            )

    def landed_paths(self, table: str) -> set[str]:
        rows = self.con.execute(
            f"SELECT landed_path FROM {_ident(self.schema)}.{_ident(table)}"
        ).fetchall()
        return {row[0] for row in rows}

    def set_aside_paths(self) -> set[str]:
        rows = self.con.execute(
            f"SELECT landed_path FROM {_ident(self.schema)}.{_ident(QUARANTINE_TABLE)} "
            "WHERE starts_with(reason, ?)",
            [SET_ASIDE_PREFIX],
        ).fetchall()
        return {row[0] for row in rows}

    def _insert(
        self,
        table: str,
        columns: tuple[tuple[str, str], ...],
        rows: Sequence[RawRow | QuarantineRow | InventoryRow],
    ) -> None:
        if not rows:
            return
        names = ", ".join(name for name, _ in columns)
        # One Arrow batch per table: row-by-row executemany is orders of magnitude slower here.
        self.con.register("incoming_batch", _arrow(columns, rows))
        try:
            self.con.execute(
                f"INSERT INTO {_ident(self.schema)}.{_ident(table)} ({names}) "
                f"SELECT {names} FROM incoming_batch"
            )
        finally:
            self.con.unregister("incoming_batch")

    def write(self, batch: Batch) -> None:
        schema = self.schema
        writing = f"{schema}.{INVENTORY_TABLE}"
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._insert(INVENTORY_TABLE, INVENTORY_COLUMNS, batch.inventory)
            if batch.released:
                writing = f"{schema}.{QUARANTINE_TABLE} (releasing replayed files)"
                self.con.executemany(
                    f"DELETE FROM {_ident(schema)}.{_ident(QUARANTINE_TABLE)} "
                    "WHERE landed_path = ?",
                    [[path] for path in batch.released],
                )
            for table, rows in batch.raw.items():
                writing = f"{schema}.{table}"
                self._insert(table, RAW_COLUMNS, rows)
            writing = f"{schema}.{QUARANTINE_TABLE}"
            self._insert(QUARANTINE_TABLE, QUARANTINE_COLUMNS, batch.quarantine)
            writing = "the commit"
            self.con.execute("COMMIT")
        except Exception as err:
            self._rollback()
            raise WarehouseWriteError(
                f"could not write {self.path} ({writing}): {_describe(err)}; "
                "the load was rolled back"
            ) from err
        except BaseException:  # an interrupt: rolled back too, and left to propagate as it is
            self._rollback()
            raise

    def _rollback(self) -> None:
        # A failed COMMIT (a full disk, say) has already ended the transaction, and DuckDB
        # then refuses ROLLBACK with "no transaction is active": that must not replace the
        # error that says what went wrong, so it is logged and dropped.
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error as err:
            log.debug("rollback after a failed write: %s", err)


def load(
    landing_root: str | os.PathLike[str] | None = None,
    db_path: str | os.PathLike[str] | None = None,
    schema: str | None = None,
    strict: bool = False,
    zone: LandingZone | None = None,
    retry_quarantined: bool = False,
) -> LoadResult:
    """Load into DuckDB (the default target)."""
    zone = zone or LandingZone(landing_root)
    with DuckDBWriter(db_path or duckdb_path(), schema or raw_schema()) as writer:
        return load_into(writer, zone, strict=strict, retry_quarantined=retry_quarantined)
