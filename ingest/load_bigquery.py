"""The raw layer on BigQuery (production): the same tables and rows as the DuckDB raw layer.

Landed files reach BigQuery through load jobs, not external tables over the bucket: a raw row
keeps the whole payload as one JSON-text cell beside manifest columns, which an external table
over the landed JSON documents cannot express (it would parse them). The loader reads the
landing zone through the Storage interface, vets each file with the shared decide(), and
appends newline-delimited JSON rows with an explicit schema, one WRITE_APPEND job per table.

Everything but BigQueryWriter and make_client is pure, so it is tested without a network.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import fields
from datetime import UTC, datetime

from google.api_core.exceptions import NotFound
from google.cloud import bigquery

from ingest.landing import LandingZone
from ingest.load import (
    IDENTIFIER,
    INVENTORY_COLUMNS,
    INVENTORY_TABLE,
    QUARANTINE_COLUMNS,
    QUARANTINE_TABLE,
    RAW_COLUMNS,
    SET_ASIDE_PREFIX,
    Batch,
    InventoryRow,
    LoadResult,
    QuarantineRow,
    RawRow,
    load_into,
    raw_schema,
)

log = logging.getLogger(__name__)

DEFAULT_LOCATION = "US"  # the dbt profile's default too, so both land in the same region
PROJECT_ID = re.compile(r"^[a-z0-9][a-z0-9.:-]*[a-z0-9]$")
BQ_TYPES = {"VARCHAR": "STRING", "TIMESTAMP": "TIMESTAMP", "BIGINT": "INT64"}
# BigQuery's canonical timestamp text, also what its own client sends for TIMESTAMP values.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
SPOOL_BYTES = 64 * 1024 * 1024  # NDJSON beyond this goes to a temp file, not memory
JOB_TIMEOUT_S = 900.0


def bq_project() -> str | None:
    return os.environ.get("BQ_PROJECT") or None


def bq_location() -> str:
    return os.environ.get("BQ_LOCATION") or DEFAULT_LOCATION


def schema_fields(columns: tuple[tuple[str, str], ...]) -> list[bigquery.SchemaField]:
    # REQUIRED throughout: the loader fills every column, and BigQuery then enforces it.
    return [bigquery.SchemaField(name, BQ_TYPES[kind], mode="REQUIRED") for name, kind in columns]


RAW_SCHEMA = schema_fields(RAW_COLUMNS)
QUARANTINE_SCHEMA = schema_fields(QUARANTINE_COLUMNS)
INVENTORY_SCHEMA = schema_fields(INVENTORY_COLUMNS)
# Tables with their own schema; every other table the loader writes is a raw payload table.
OPS_SCHEMAS = {QUARANTINE_TABLE: QUARANTINE_SCHEMA, INVENTORY_TABLE: INVENTORY_SCHEMA}


def table_id(project: str, dataset: str, table: str) -> str:
    if not PROJECT_ID.match(project):
        raise ValueError(f"not a BigQuery project id: {project!r}")
    for name in (dataset, table):
        if not IDENTIFIER.match(name):
            raise ValueError(f"not a safe BigQuery identifier: {name!r}")
    return f"{project}.{dataset}.{table}"


def table_definition(project: str, dataset: str, table: str) -> bigquery.Table:
    """The table as created when missing; the quarantine and inventory tables are small and left
    unpartitioned."""
    if table in OPS_SCHEMAS:
        return bigquery.Table(table_id(project, dataset, table), schema=OPS_SCHEMAS[table])
    definition = bigquery.Table(table_id(project, dataset, table), schema=RAW_SCHEMA)
    # DAY partitioning on a TIMESTAMP column is partitioning by DATE(fetched_at): staging
    # filters on fetch time, and clustering keeps one request's re-fetches together.
    definition.time_partitioning = bigquery.TimePartitioning(
        type_=bigquery.TimePartitioningType.DAY, field="fetched_at"
    )
    definition.clustering_fields = ["request_key"]
    return definition


def load_job_config(table: str) -> bigquery.LoadJobConfig:
    return bigquery.LoadJobConfig(
        schema=OPS_SCHEMAS.get(table, RAW_SCHEMA),
        source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
        write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
        # ensure_tables made every table with its partitioning; a job that created one itself
        # would silently make it unpartitioned, so a missing table must fail instead.
        create_disposition=bigquery.CreateDisposition.CREATE_NEVER,
        ignore_unknown_values=False,
        max_bad_records=0,
    )


def existing_paths_sql(project: str, dataset: str, table: str) -> str:
    return f"SELECT landed_path FROM `{table_id(project, dataset, table)}`"


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("raw-layer timestamps must be timezone-aware")
        return value.astimezone(UTC).strftime(TIMESTAMP_FORMAT)
    return value


def release_sql(project: str, dataset: str) -> str:
    """Deletes the quarantine rows of files that load now (`--retry-quarantined`)."""
    return (
        f"DELETE FROM `{table_id(project, dataset, QUARANTINE_TABLE)}` "
        "WHERE landed_path IN UNNEST(@paths)"
    )


def row_json(row: RawRow | QuarantineRow | InventoryRow) -> dict[str, object]:
    return {f.name: _json_value(getattr(row, f.name)) for f in fields(row)}


def ndjson_lines(rows: Iterable[RawRow | QuarantineRow | InventoryRow]) -> Iterator[bytes]:
    """One compact UTF-8 JSON object per line; the payload travels as an escaped string."""
    for row in rows:
        text = json.dumps(row_json(row), ensure_ascii=False, separators=(",", ":"))
        yield text.encode("utf-8") + b"\n"


def make_client(project: str, location: str) -> bigquery.Client:
    """Authenticates the way the dbt profile does, so loader and dbt act as the same identity."""
    keyfile = os.environ.get("BQ_KEYFILE")
    if keyfile and os.environ.get("BQ_AUTH_METHOD") == "service-account":
        return bigquery.Client.from_service_account_json(
            keyfile, project=project, location=location
        )
    return bigquery.Client(project=project, location=location)


class BigQueryWriter:
    def __init__(self, client: bigquery.Client, project: str, dataset: str, location: str) -> None:
        table_id(project, dataset, QUARANTINE_TABLE)  # fail on bad names before any request
        self.client = client
        self.project = project
        self.schema = dataset
        self.location = location

    def describe(self) -> str:
        return f"bigquery {self.project}.{self.schema} ({self.location})"

    def ensure_tables(self, tables: Iterable[str]) -> None:
        reference = bigquery.DatasetReference(self.project, self.schema)
        try:
            self.client.get_dataset(reference)
        except NotFound:
            dataset = bigquery.Dataset(reference)
            dataset.location = self.location
            self.client.create_dataset(dataset, exists_ok=True)
        for table in [*tables, QUARANTINE_TABLE, INVENTORY_TABLE]:
            self.client.create_table(
                table_definition(self.project, self.schema, table), exists_ok=True
            )

    def landed_paths(self, table: str) -> set[str]:
        rows = self.client.query_and_wait(
            existing_paths_sql(self.project, self.schema, table), location=self.location
        )
        return {row["landed_path"] for row in rows}

    def set_aside_paths(self) -> set[str]:
        config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter("prefix", "STRING", SET_ASIDE_PREFIX)]
        )
        rows = self.client.query_and_wait(
            f"SELECT landed_path FROM `{table_id(self.project, self.schema, QUARANTINE_TABLE)}` "
            "WHERE STARTS_WITH(reason, @prefix)",
            job_config=config,
            location=self.location,
        )
        return {row["landed_path"] for row in rows}

    def _append(self, table: str, rows: Iterable[RawRow | QuarantineRow | InventoryRow]) -> None:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            for line in ndjson_lines(rows):
                spool.write(line)
            if not spool.tell():
                return
            job = self.client.load_table_from_file(
                spool,
                table_id(self.project, self.schema, table),
                rewind=True,
                job_config=load_job_config(table),
                job_id_prefix=f"ingest_{table}_",
                location=self.location,
            )
            job.result(timeout=JOB_TIMEOUT_S)
            log.info("load job %s appended %s rows to %s", job.job_id, job.output_rows, table)

    def _release(self, paths: list[str]) -> None:
        config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ArrayQueryParameter("paths", "STRING", paths)]
        )
        self.client.query_and_wait(
            release_sql(self.project, self.schema), location=self.location, job_config=config
        )

    def write(self, batch: Batch) -> None:
        # One atomic job per table. A crash between jobs is safe: the next run skips every
        # landed_path already present and loads the rest. The inventory goes first, so files
        # a crash left neither loaded nor quarantined show in the load ledger until then.
        self._append(INVENTORY_TABLE, batch.inventory)
        if batch.released:
            self._release(batch.released)
        for table, rows in batch.raw.items():
            self._append(table, rows)
        self._append(QUARANTINE_TABLE, batch.quarantine)


def load_bigquery(
    zone: LandingZone,
    project: str | None = None,
    dataset: str | None = None,
    location: str | None = None,
    strict: bool = False,
    client: bigquery.Client | None = None,
    retry_quarantined: bool = False,
) -> LoadResult:
    project = project or bq_project()
    if not project:
        raise ValueError("the bigquery target needs a project: set BQ_PROJECT or --bq-project")
    dataset = dataset or raw_schema()
    location = location or bq_location()
    writer = BigQueryWriter(client or make_client(project, location), project, dataset, location)
    return load_into(writer, zone, strict=strict, retry_quarantined=retry_quarantined)
