"""dbt's models without dbt: the compiled SQL of every model, in DAG order, run with the
duckdb Python API as `create or replace table|view <relation> as <compiled select>`.

It runs on a copy of a warehouse dbt already built (same file name, so the compiled relation
names resolve), replacing every model in order, so each statement reads freshly rebuilt
upstream relations exactly as in `dbt run`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipeline.bench.dbt_results import models_in_dag_order, read_manifest


@dataclass
class DirectTimes:
    per_model: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.per_model.values())


def statement(node: dict[str, Any], compiled_sql: str) -> str:
    kind = "view" if node["config"]["materialized"] == "view" else "table"
    return f"create or replace {kind} {node['relation_name']} as (\n{compiled_sql}\n)"


def compiled_sql(node: dict[str, Any], target_dir: Path) -> str:
    """The model's compiled SELECT under `target_dir` (which may be a copy of dbt's target)."""
    path = target_dir / "compiled" / node["package_name"] / node["original_file_path"]
    if not path.exists():
        raise FileNotFoundError(f"no compiled SQL for {node['unique_id']} at {path}")
    return path.read_text(encoding="utf-8")


def run_direct(db_path: Path, target_dir: Path, only: set[str] | None = None) -> DirectTimes:
    """Run the models (all, or the names in `only`) and time each statement."""
    manifest = read_manifest(target_dir)
    nodes = [n for n in models_in_dag_order(manifest) if only is None or n["name"] in only]
    if only is not None and len(nodes) != len(only):
        missing = only - {n["name"] for n in nodes}
        raise KeyError(f"models not in the manifest: {sorted(missing)}")
    times = DirectTimes()
    con = duckdb.connect(str(db_path))
    con.execute("set enable_progress_bar = false")
    try:
        for node in nodes:
            sql = statement(node, compiled_sql(node, target_dir))
            started = time.perf_counter()
            con.execute(sql)
            times.per_model[node["unique_id"]] = time.perf_counter() - started
    finally:
        con.close()
    return times
