"""dbt's models and data tests without dbt: the compiled SQL of every model, in DAG order, run
with the duckdb Python API as `create or replace table|view <relation> as <compiled select>`,
then every data test's compiled query, counting its failing rows as `dbt test` does.

It runs on a copy of a warehouse dbt already built (same file name, so the compiled relation
names resolve), replacing every model in order, so each statement reads freshly rebuilt
upstream relations exactly as in `dbt run`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from bench.dbt_results import models_in_dag_order, read_manifest


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


def test_sql_path(node: dict[str, Any], target_dir: Path) -> Path:
    """A test's compiled query under `target_dir`, whatever target path dbt compiled it to."""
    compiled_path = node.get("compiled_path") or ""
    if "/compiled/" not in compiled_path:
        raise FileNotFoundError(f"no compiled SQL recorded for {node['unique_id']}")
    return target_dir / "compiled" / compiled_path.split("/compiled/", 1)[1]


def run_direct_tests(db_path: Path, target_dir: Path) -> DirectTimes:
    """Every data test's compiled query, timed; a failing test is an error (the warehouse
    was built and tested by dbt, so every test passed there). Only tests that build compiled
    are run (test_bench checks they are exactly the ones in its run_results)."""
    manifest = read_manifest(target_dir)
    # The tests that build compiled (and ran): not the nightly-only bundles it left out.
    tests = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("compiled_path")
    ]
    times = DirectTimes()
    failing: list[str] = []
    con = duckdb.connect(str(db_path), read_only=True)
    con.execute("set enable_progress_bar = false")
    try:
        for node in sorted(tests, key=lambda n: n["unique_id"]):
            sql = test_sql_path(node, target_dir).read_text(encoding="utf-8")
            started = time.perf_counter()
            row = con.execute(f"select count(*) from (\n{sql}\n) as test_rows").fetchone()
            times.per_model[node["unique_id"]] = time.perf_counter() - started
            if row is None or row[0] != 0:
                failing.append(f"{node['unique_id']} ({row[0] if row else '?'} rows)")
    finally:
        con.close()
    if failing:
        raise AssertionError("tests fail when run directly: " + ", ".join(failing))
    return times
