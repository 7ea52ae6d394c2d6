"""Connections to the warehouse: DuckDB by default, BigQuery when DBT_TARGET=bigquery.

The same environment variables as profiles/profiles.yml, so `ml` reads what dbt built. The
BigQuery class is a thin seam over google-cloud-bigquery; nothing constructs it offline.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any, Protocol

import duckdb
import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_DUCKDB_PATH = "warehouse/nba_props.duckdb"


class Warehouse(Protocol):
    kind: str

    def relation(self, schema: str, table: str) -> str: ...

    def query(self, sql: str) -> pd.DataFrame: ...

    def execute(self, sql: str) -> None: ...

    def columns(self, schema: str, table: str) -> list[str] | None:
        """Column names of a table, or None when it does not exist."""
        ...

    def column_types(self, schema: str, table: str) -> dict[str, str] | None:
        """Column name -> type as the engine spells it (DOUBLE, FLOAT64), or None when the
        table does not exist."""
        ...

    def replace_rows(
        self, frame: pd.DataFrame, schema: str, table: str, keys: Sequence[str]
    ) -> int:
        """Delete the rows whose keys are in `frame`, insert `frame`; one transaction."""
        ...

    def close(self) -> None: ...


def _replace_statements(
    target: str, incoming: str, keys: Sequence[str], columns: Sequence[str]
) -> list[str]:
    # Delete-then-insert by key rather than MERGE: identical SQL on both engines, and a
    # re-run of the same model version overwrites its rows instead of appending.
    match = " and ".join(f"t.{k} = s.{k}" for k in keys)
    names = ", ".join(columns)
    return [
        f"delete from {target} as t where exists (select 1 from {incoming} as s where {match})",
        f"insert into {target} ({names}) select {names} from {incoming}",
    ]


class DuckDBWarehouse:
    kind = "duckdb"

    def __init__(self, path: str) -> None:
        self.path = path
        # Default configuration on purpose: dbt may hold the file open in this process, and
        # DuckDB refuses a second connection with a different configuration (read_only...).
        self.con = duckdb.connect(path)

    def relation(self, schema: str, table: str) -> str:
        return f"{schema}.{table}"

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def columns(self, schema: str, table: str) -> list[str] | None:
        rows = self.con.execute(
            """
            select column_name from information_schema.columns
            where table_catalog = current_database() and table_schema = ? and table_name = ?
            order by ordinal_position
            """,
            [schema, table],
        ).fetchall()
        return [r[0] for r in rows] or None

    def column_types(self, schema: str, table: str) -> dict[str, str] | None:
        rows = self.con.execute(
            """
            select column_name, data_type from information_schema.columns
            where table_catalog = current_database() and table_schema = ? and table_name = ?
            order by ordinal_position
            """,
            [schema, table],
        ).fetchall()
        return {name: kind for name, kind in rows} or None

    def replace_rows(
        self, frame: pd.DataFrame, schema: str, table: str, keys: Sequence[str]
    ) -> int:
        self.con.register("ml_incoming_rows", frame)
        try:
            self.con.execute("begin transaction")
            for sql in _replace_statements(
                self.relation(schema, table), "ml_incoming_rows", keys, list(frame.columns)
            ):
                self.con.execute(sql)
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise
        finally:
            self.con.unregister("ml_incoming_rows")
        return len(frame)

    def close(self) -> None:
        self.con.close()


class BigQueryWarehouse:  # pragma: no cover - needs a Google project; kept deliberately thin
    kind = "bigquery"

    def __init__(self, client: Any, project: str) -> None:
        self.client = client
        self.project = project

    @classmethod
    def from_env(cls) -> BigQueryWarehouse:
        from google.cloud import bigquery

        project = os.environ.get("BQ_PROJECT")
        if not project:
            raise ValueError("DBT_TARGET=bigquery needs BQ_PROJECT")
        location = os.environ.get("BQ_LOCATION", "US")
        keyfile = os.environ.get("BQ_KEYFILE")
        if keyfile and os.environ.get("BQ_AUTH_METHOD") == "service-account":
            client = bigquery.Client.from_service_account_json(
                keyfile, project=project, location=location
            )
        else:
            client = bigquery.Client(project=project, location=location)
        return cls(client, project)

    def relation(self, schema: str, table: str) -> str:
        return f"`{self.project}.{schema}.{table}`"

    def query(self, sql: str) -> pd.DataFrame:
        return self.client.query(sql).to_dataframe()

    def execute(self, sql: str) -> None:
        self.client.query(sql).result()

    def columns(self, schema: str, table: str) -> list[str] | None:
        from google.api_core.exceptions import NotFound

        try:
            return [
                f.name for f in self.client.get_table(f"{self.project}.{schema}.{table}").schema
            ]
        except NotFound:
            return None

    def column_types(self, schema: str, table: str) -> dict[str, str] | None:
        from google.api_core.exceptions import NotFound

        try:
            table_ref = self.client.get_table(f"{self.project}.{schema}.{table}")
        except NotFound:
            return None
        return {f.name: f.field_type for f in table_ref.schema}

    def replace_rows(
        self, frame: pd.DataFrame, schema: str, table: str, keys: Sequence[str]
    ) -> int:
        from google.cloud import bigquery

        incoming = f"{self.project}.{schema}._{table}_incoming"
        # The target's own schema, so naive UTC datetimes load as TIMESTAMP (not DATETIME).
        target_schema = self.client.get_table(f"{self.project}.{schema}.{table}").schema
        config = bigquery.LoadJobConfig(write_disposition="WRITE_TRUNCATE", schema=target_schema)
        self.client.load_table_from_dataframe(frame, incoming, job_config=config).result()
        statements = _replace_statements(
            self.relation(schema, table), f"`{incoming}`", keys, list(frame.columns)
        )
        script = "begin transaction;\n" + ";\n".join(statements) + ";\ncommit transaction;"
        self.client.query(script).result()
        self.client.delete_table(incoming, not_found_ok=True)
        return len(frame)

    def close(self) -> None:
        self.client.close()


def connect() -> Warehouse:
    """The warehouse dbt builds: DBT_TARGET=bigquery selects BigQuery, anything else DuckDB."""
    if os.environ.get("DBT_TARGET", "duckdb") == "bigquery":
        return BigQueryWarehouse.from_env()
    path = os.environ.get("NBA_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH
    log.info("warehouse: DuckDB %s", path)
    return DuckDBWarehouse(path)
