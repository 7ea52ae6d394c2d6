"""The tables the analyzer sees: sources and seeds typed from the manifest (YAML
`data_type`, the raw layer's fixed schema, seed `column_types`), and the models that passed,
with the columns the analyzer resolved."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from portability.bigquery_check.analyzer import GoogleSqlAnalyzer
from portability.bigquery_check.errors import GoogleSqlError

# Every raw table the ingest loader writes has this schema (ingest/load.py).
RAW_PAYLOAD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("landed_path", "STRING"),
    ("source", "STRING"),
    ("entity", "STRING"),
    ("origin", "STRING"),
    ("request_key", "STRING"),
    ("fetched_at", "TIMESTAMP"),
    ("sha256", "STRING"),
    ("bytes", "INT64"),
    ("loaded_at", "TIMESTAMP"),
    ("payload", "STRING"),
)


class Catalog:
    """Tables the analyzer can see, by BigQuery path: ('offline-check', 'marts', 't') or ('t',).

    Column types are ZetaSQL Types or BigQuery type names ('INT64', 'ARRAY<STRING>').
    """

    def __init__(self) -> None:
        self._tables: dict[tuple[str, ...], list[tuple[str, Any]]] = {}
        self._built: Any = None
        self._registration: tuple[GoogleSqlAnalyzer, int] | None = None

    def add_table(self, path: Sequence[str] | str, columns: Iterable[tuple[str, Any]]) -> None:
        key = (path,) if isinstance(path, str) else tuple(path)
        self._tables[tuple(p.lower() for p in key)] = list(columns)
        self._built = None
        if self._registration is not None:
            analyzer, registered_id = self._registration
            analyzer.unregister(registered_id)
            self._registration = None

    def registered_id(self, analyzer: GoogleSqlAnalyzer) -> int:
        if self._registration is None or self._registration[0] is not analyzer:
            self._registration = (analyzer, analyzer.register(self.to_zetasql(analyzer)))
        return self._registration[1]

    def __contains__(self, path: Sequence[str] | str) -> bool:
        key = (path,) if isinstance(path, str) else tuple(path)
        return tuple(p.lower() for p in key) in self._tables

    def to_zetasql(self, analyzer: GoogleSqlAnalyzer) -> Any:
        if self._built is not None:
            return self._built
        from zetasql.types import SimpleCatalog, SimpleColumn, SimpleTable

        root = analyzer.root_catalog()
        for path, columns in self._tables.items():
            node = root
            for part in path[:-1]:
                child = next((c for c in node.catalog if c.name == part), None)
                if child is None:
                    child = SimpleCatalog(name=part)
                    node.catalog.append(child)
                node = child
            node.table.append(
                SimpleTable(
                    name=path[-1],
                    column=[
                        SimpleColumn(
                            name=name,
                            type=analyzer.parse_type(t) if isinstance(t, str) else t,
                        )
                        for name, t in columns
                    ],
                )
            )
        self._built = root
        return root


def relation_path(node: dict[str, Any]) -> tuple[str, ...] | None:
    name = node.get("alias") or node.get("identifier") or node.get("name")
    if not node.get("relation_name") or not name:
        return None
    return tuple(p for p in (node.get("database"), node.get("schema"), name) if p)


def _is_raw_payload_source(source: dict[str, Any]) -> bool:
    """Raw tables written by the ingest loader (all share RAW_PAYLOAD_COLUMNS)."""
    raw_names = {name for name, _ in RAW_PAYLOAD_COLUMNS}
    declared = set(source.get("columns") or {})
    loader = str(source.get("loader") or "")
    return loader.startswith("ingest") or (bool(declared) and declared <= raw_names)


def source_columns(source: dict[str, Any]) -> list[tuple[str, str]]:
    """Column names and BigQuery types of a source: YAML data_type, else the raw schema."""
    columns: dict[str, str] = {}
    if _is_raw_payload_source(source):
        columns.update(RAW_PAYLOAD_COLUMNS)
    missing = []
    for name, spec in (source.get("columns") or {}).items():
        data_type = (spec or {}).get("data_type")
        if data_type:
            columns[name] = data_type
        elif name not in columns:
            missing.append(name)
    if missing:
        raise GoogleSqlError(
            "no data_type for column(s) " + ", ".join(missing) + " and not a raw payload "
            "table: add `data_type:` (BigQuery type names) to the source YAML"
        )
    if not columns:
        raise GoogleSqlError("no columns declared: add columns with `data_type:` to the YAML")
    return list(columns.items())


def seed_columns(seed: dict[str, Any]) -> list[tuple[str, str]]:
    """Column names and BigQuery types of a seed: every column documented in its YAML, typed
    by the seed's `column_types` config (BigQuery loads seeds with exactly those types)."""
    types = {k.lower(): v for k, v in (seed.get("config", {}).get("column_types") or {}).items()}
    documented = list(seed.get("columns") or {})
    if not documented:
        raise GoogleSqlError("no columns documented: list them in the seed's YAML")
    untyped = [name for name in documented if name.lower() not in types]
    if untyped:
        raise GoogleSqlError(
            "no column_types entry for column(s) " + ", ".join(untyped) + ": give every seed "
            "column a type valid on both engines (int64, string, float64, date, bool)"
        )
    return [(name, types[name.lower()]) for name in documented]
