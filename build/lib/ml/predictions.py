"""The predictions table: its columns come from the dbt source YAML, the one definition.

dbt creates the table in `on-run-start` (macros/ml/create_ml_predictions_table.sql) and this
module creates it too when scoring runs first, both from
models/staging/ml_predictions/_ml_predictions__sources.yml. Writes replace rows by
(model_version, player_id, game_id), so scoring the same model twice changes nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
import yaml

from ml.contract import REPO
from ml.warehouse import Warehouse

SOURCE_YAML = REPO / "models" / "staging" / "ml_predictions" / "_ml_predictions__sources.yml"
SOURCE_NAME = "ml_predictions"
TABLE_NAME = "player_points_predictions"
KEYS = ("model_version", "player_id", "game_id")
# The recommendation threshold, in points of edge = predicted - line. 3 is the threshold the
# original's later production models used (|edge| >= 3). Our walk-forward table shows no
# bucket clearly above break-even, so treat a recommendation as a label, not advice.
DEFAULT_MIN_EDGE = 3.0
RECOMMENDATIONS = ("OVER", "UNDER", "PASS", "NO_LINE")


@dataclass(frozen=True)
class TableSpec:
    schema: str
    table: str
    columns: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]


def _render(text: str, target_type: str) -> str:
    # The YAML uses two dbt context members: env_var() for the schema, target.type for types.
    def env_var(name: str, default: str | None = None) -> str:
        value = os.environ.get(name, default)
        if value is None:
            raise KeyError(f"env var {name} is not set and has no default")
        return value

    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text)
    return template.render(env_var=env_var, target={"type": target_type}).strip()


def table_spec(target_type: str, path: Path = SOURCE_YAML) -> TableSpec:
    document = yaml.safe_load(path.read_text())
    (source,) = [s for s in document["sources"] if s["name"] == SOURCE_NAME]
    (table,) = [t for t in source["tables"] if t["name"] == TABLE_NAME]
    columns = tuple(
        (c["name"], _render(str(c["data_type"]), target_type)) for c in table["columns"]
    )
    return TableSpec(
        schema=_render(source["schema"], target_type),
        table=table.get("identifier", table["name"]),
        columns=columns,
    )


def ensure_table(warehouse: Warehouse) -> TableSpec:
    """Create the schema and the empty table if missing; refuse a table with other columns."""
    spec = table_spec(warehouse.kind)
    warehouse.execute(f"create schema if not exists {spec.schema}")
    body = ",\n    ".join(f"{name} {kind}" for name, kind in spec.columns)
    warehouse.execute(
        f"create table if not exists {warehouse.relation(spec.schema, spec.table)} (\n    {body}\n)"
    )
    existing = warehouse.columns(spec.schema, spec.table) or []
    if [c.lower() for c in existing] != [c.lower() for c in spec.names]:
        raise RuntimeError(
            f"{warehouse.relation(spec.schema, spec.table)} has columns {existing}, the source "
            f"YAML declares {spec.names}: migrate or drop the table"
        )
    return spec


def recommend(edge: np.ndarray, min_edge: float) -> np.ndarray:
    """OVER if edge >= min_edge, UNDER if edge <= -min_edge, PASS between, NO_LINE if NaN."""
    return np.select(
        [np.isnan(edge), edge >= min_edge, edge <= -min_edge],
        ["NO_LINE", "OVER", "UNDER"],
        default="PASS",
    )


def write_predictions(warehouse: Warehouse, rows: pd.DataFrame) -> int:
    """Replace these (model_version, player_id, game_id) rows; returns rows written."""
    spec = ensure_table(warehouse)
    missing = [c for c in spec.names if c not in rows.columns]
    if missing:
        raise ValueError(f"prediction rows lack column(s) {missing}")
    if rows.duplicated(list(KEYS)).any():
        raise ValueError("prediction rows repeat a (model_version, player_id, game_id) key")
    return warehouse.replace_rows(rows[spec.names], spec.schema, spec.table, KEYS)
