"""`--dry-run`: say what each step would read and write, and change nothing.

Landing runs the real code against a storage that records writes instead of making them, so
the counts are the ones a real run would produce. Loading runs the loader's own decision
(ingest.load.plan) against a read-only view of the warehouse. Network sources list the
requests they would send and send none. dbt lists its selected nodes with `dbt ls`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import fetch_ranges, pbp_cli
from ingest.http import redact
from ingest.landing import LandingZone, parse_payload_key
from ingest.load import (
    INVENTORY_TABLE,
    QUARANTINE_TABLE,
    LoadResult,
    _ident,
    duckdb_path,
    known_tables,
    plan,
    raw_schema,
)
from ingest.sources import nba_cdn, nba_schedule, nba_stats, odds_api
from ingest.storage import Entry, Storage, open_storage

log = logging.getLogger("pipeline.dry_run")
NETWORK_COMMANDS = ("fetch", "fetch-pbp", "fetch-schedule", "fetch-odds")
BUILT_KINDS = ("model", "seed", "snapshot", "test", "unit_test")


def say(line: str) -> None:
    """Dry-run output is the result of the command, so it goes to stdout (not the log)."""
    print(f"[dry-run] {line}")


class RecordingStorage:
    """Reads from the real landing zone; writes are recorded (key -> bytes), never made."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.planned: dict[str, int] = {}

    def write_atomic(self, key: str, data: bytes) -> None:
        self.planned[key] = len(data)

    def exists(self, key: str) -> bool:
        return key in self.planned or self.inner.exists(key)

    def list(self, prefix: str) -> Iterator[str]:
        return self.inner.list(prefix)

    def entries(self, prefix: str) -> Iterator[Entry]:
        return self.inner.entries(prefix)

    def read(self, key: str) -> bytes:
        return self.inner.read(key)

    def read_regular(self, key: str) -> bytes:
        return self.inner.read_regular(key)

    def uri(self, key: str) -> str:
        return self.inner.uri(key)


def recording_zone(root: str | None) -> tuple[LandingZone, RecordingStorage]:
    zone = LandingZone(root)
    storage = RecordingStorage(open_storage(zone.root))
    return LandingZone(zone.root, storage=storage), storage


def report_landing(zone: LandingZone, storage: RecordingStorage) -> Counter[str]:
    """Prints the payloads a real run would have written, per source/entity; returns them."""
    per_entity: Counter[str] = Counter()
    size: Counter[str] = Counter()
    other: list[str] = []
    for key, n in storage.planned.items():
        landed = parse_payload_key(key)
        if landed is None:
            if not key.endswith(".manifest.json"):
                other.append(key)
            continue
        per_entity[f"{landed.source}/{landed.entity}"] += 1
        size[f"{landed.source}/{landed.entity}"] += n
    say(f"landing zone {zone.root}: {sum(per_entity.values())} new payload(s) would be written")
    for name, count in sorted(per_entity.items()):
        say(f"  {name:<40} {count:>6} payloads + manifests, {size[name]:>12,} bytes")
    for key in other:
        say(f"  also {storage.uri(key)}")
    return per_entity


def plan_network(args: argparse.Namespace, zone: LandingZone) -> int:
    """The requests a live fetch would send; none are sent. 2 when the arguments are unusable."""
    if args.command == "fetch":
        wanted = fetch_ranges.requests_or_none(args)
        if wanted is None:
            return 2
        base = redact((args.base_url or nba_stats.base_url()).rstrip("/"))
        unique = list(dict.fromkeys(wanted))  # as the fetch sends them: each once
        say(f"would send {len(unique)} request(s) to {base}/{nba_stats.ENDPOINT}:")
        for request in unique:
            say(f"  {request.label} -> {zone.root}/{nba_stats.SOURCE}/{request.entity}/")
    elif args.command == "fetch-pbp":
        games = pbp_cli.game_ids_or_none(args)
        if games is None:
            return 2
        games = list(dict.fromkeys(games))  # as the fetch sends them: each once
        base = redact(args.base_url or nba_cdn.base_url())
        say(f"would fetch {len(games)} game(s) from {base}:")
        say(f"  {' '.join(games)} -> {zone.root}/{nba_cdn.SOURCE}/")
    elif args.command == "fetch-schedule":
        urls = [redact(u) for u in ([args.url] if args.url else nba_schedule.schedule_urls())]
        say(f"would GET the first of {urls} that answers")
        say(f"  -> {zone.root}/{nba_schedule.SOURCE}/{nba_schedule.LEAGUE_SCHEDULE}/")
    elif args.command == "fetch-odds":
        base = redact(args.base_url or odds_api.base_url())
        source = f"retry list {args.retry_file}" if args.retry_file else "the events endpoint"
        say(f"would list events from {source} at {base}, then fetch {args.markets} per event")
        say(f"  ({'historical at ' + args.at if args.at else 'live'}; events are only known at run")
        say(f"  time, so none are listed here) -> {zone.root}/{odds_api.SOURCE}/")
    return 0


# --- load --------------------------------------------------------------------------------


def _held(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    if not _held_table(con, schema, table):
        return set()
    rows = con.execute(f"select landed_path from {_ident(schema)}.{_ident(table)}").fetchall()
    return {row[0] for row in rows}


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """The loader logs each decision as if made; in a dry run the printed plan says it."""
    logger = logging.getLogger(logger_name)
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(before)


def plan_load(
    zone: LandingZone,
    db_path: str | None = None,
    schema: str | None = None,
    retry_quarantined: bool = False,
    pending: Counter[str] | None = None,
) -> LoadResult:
    """What `load` would append to the DuckDB raw layer; reads the warehouse read-only.

    pending: payloads an earlier dry-run step would have landed (not on disk, so not decided)."""
    path = db_path or duckdb_path()
    schema = schema or raw_schema()
    _ident(schema)
    loaded: set[str] = set()
    quarantined: set[str] = set()
    inventoried: set[str] = set()
    if Path(path).exists():
        with duckdb.connect(path, read_only=True) as con:
            for table in known_tables():
                loaded |= _held(con, schema, table)
            quarantined = _held(con, schema, QUARANTINE_TABLE)
            inventoried = _held(con, schema, INVENTORY_TABLE)
    result = LoadResult()
    with _quiet("ingest.load"):
        batch = plan(
            zone,
            loaded,
            quarantined,
            datetime.now(UTC),
            result,
            inventoried_before=inventoried,
            retry_quarantined=retry_quarantined,
        )
    where = path if Path(path).exists() else f"{path} (does not exist yet: would be created)"
    say(f"read landing zone {zone.root}: {result.seen} landed file(s)")
    say(f"  {result.skipped} of them already loaded or quarantined in {where}")
    for table, rows in sorted(batch.raw.items()):
        say(f"  would append {len(rows):>6} row(s) to {schema}.{table}")
    for row in batch.quarantine:
        say(f"  would quarantine {row.landed_path}: {row.reason}")
    if batch.released:
        say(f"  would release {len(batch.released)} file(s) from {schema}.{QUARANTINE_TABLE}")
    say(f"  would inventory {len(batch.inventory)} file(s) in {schema}.{INVENTORY_TABLE}")
    for name, count in sorted((pending or Counter()).items()):
        say(f"  plus {count} payload(s) of {name} that the ingest step would land first")
    return result


# --- dbt and ml --------------------------------------------------------------------------


def plan_dbt(selection: Sequence[str]) -> bool:
    from pipeline.dbt import list_nodes

    listed = list_nodes(selection)
    if not listed.ok:
        log.error("dbt ls failed: %s", listed.error)
        return False
    # `dbt ls` also lists sources, exposures and the like, which `build` does not run.
    built = [(kind, unique_id) for kind, unique_id in listed.nodes if kind in BUILT_KINDS]
    counts = Counter(kind for kind, _ in built)
    target = os.environ.get("DBT_TARGET", "duckdb")
    warehouse = duckdb_path() if target == "duckdb" else f"BigQuery ({target})"
    say(
        f"{' '.join(['dbt build', *selection])}: {len(built)} node(s) into {warehouse}: "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    )
    for kind, unique_id in built:
        if kind in ("model", "seed", "snapshot"):
            say(f"  {kind:<8} {unique_id}")
    return True


def _store_rows(through: str | None = None) -> str:
    from ml.data import STORE

    path = duckdb_path()
    if os.environ.get("DBT_TARGET", "duckdb") != "duckdb":
        return "the BigQuery feature store (not counted in a dry run)"
    relation = f"{STORE[0]}.{STORE[1]}"
    if not Path(path).exists():
        return f"{relation} in {path} (does not exist yet: `build` first)"
    with duckdb.connect(path, read_only=True) as con:
        if not _held_table(con, *STORE):
            return f"{relation} in {path} (not built yet)"
        where = " where game_date <= ?" if through else ""
        row = con.execute(
            f"select count(*), min(game_date), max(game_date) from {relation}{where}",
            [through] if through else [],
        ).fetchone()
    count, first, last = row if row else (0, None, None)
    return f"{relation} in {path}: {count:,} rows, {first}..{last}"


def _held_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def _model_files(set_dir: Path) -> str:
    from ml.models import FILE_SUFFIX, MODEL_NAMES

    return ", ".join(f"{set_dir / name}{FILE_SUFFIX[name]} (+ .json)" for name in MODEL_NAMES)


def plan_ml(command: str, season: str, through: str | None = None, out: Path | None = None) -> None:
    from ml.artifacts import PRODUCTION_SET, artifacts_root, walkforward_set

    root = artifacts_root()
    if command == "train":
        say(f"ml train: read {_store_rows(through)}")
        say(f"  would write {_model_files(root / PRODUCTION_SET)}")
    elif command == "evaluate":
        set_dir = root / walkforward_set(season)
        say(f"ml evaluate {season}: read {_store_rows()} and the points lines")
        say(f"  would write {_model_files(set_dir)}")
        say(f"  and {set_dir / 'evaluation.json'}, {set_dir / 'test_predictions.parquet'}")
    elif command == "score":
        from ml.predictions import table_spec

        target = os.environ.get("DBT_TARGET", "duckdb")
        spec = table_spec("bigquery" if target == "bigquery" else "duckdb")
        say(f"ml score: read {_store_rows()}")
        say(
            f"  with the models in {root / PRODUCTION_SET} (unplayed games) or, when there are"
            f" none, {root / walkforward_set(season)} (demo hold-out {season})"
        )
        say(f"  would replace rows of {spec.schema}.{spec.table} (model_version, player, game)")
    elif command == "report":
        say(f"ml report: read {root / walkforward_set(season)}; would write {out}")
