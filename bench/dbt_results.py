"""Read dbt's run_results.json and manifest.json: node timings summed by kind."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# run_results' unique_id prefix -> the kind reported.
KINDS = {"model": "models", "test": "tests", "unit_test": "unit_tests", "seed": "seeds"}


@dataclass
class NodeTimes:
    """Seconds of node execution summed per kind, plus node counts and dbt's own elapsed."""

    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    per_node: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0
    failures: list[str] = field(default_factory=list)
    # kind -> (first node start, last node end): the wall span of that kind's nodes, without
    # dbt's start-up, parse, hooks and artifact writing.
    bounds: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)

    def total(self, kind: str) -> float:
        return self.seconds.get(kind, 0.0)

    def ms_per_node(self, kind: str) -> float:
        """That kind's summed node time over its node count, in milliseconds."""
        return 1000 * self.total(kind) / max(self.counts.get(kind, 0), 1)

    def span(self, kind: str) -> float:
        if kind not in self.bounds:
            return 0.0
        first, last = self.bounds[kind]
        return (last - first).total_seconds()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _widen(times: NodeTimes, kind: str, timing: list[dict[str, Any]]) -> None:
    stamps = [
        (_moment(t["started_at"]), _moment(t["completed_at"]))
        for t in timing
        if t.get("started_at") and t.get("completed_at")
    ]
    if not stamps:
        return
    first = min(s for s, _ in stamps)
    last = max(e for _, e in stamps)
    if kind in times.bounds:
        first = min(first, times.bounds[kind][0])
        last = max(last, times.bounds[kind][1])
    times.bounds[kind] = (first, last)


# What dbt writes for a node that did not do its job ("warn" still built or passed).
FAILED_STATUSES = frozenset({"error", "fail", "skipped", "runtime error"})


def read_run_results(target_dir: Path) -> NodeTimes:
    data = json.loads((target_dir / "run_results.json").read_text())
    times = NodeTimes(elapsed=float(data.get("elapsed_time") or 0.0))
    for result in data["results"]:
        uid: str = result["unique_id"]
        if uid.startswith("exposure."):
            continue  # dbt build lists exposures as no-op nodes: no work, nothing to time
        kind = KINDS.get(uid.split(".", 1)[0], "other")
        seconds = float(result.get("execution_time") or 0.0)
        times.seconds[kind] = times.seconds.get(kind, 0.0) + seconds
        times.counts[kind] = times.counts.get(kind, 0) + 1
        times.per_node[uid] = seconds
        _widen(times, kind, result.get("timing") or [])
        if result.get("status") in FAILED_STATUSES:
            times.failures.append(f"{uid}: {result.get('status')}")
    return times


def read_manifest(target_dir: Path) -> dict[str, Any]:
    return json.loads((target_dir / "manifest.json").read_text())


def models_in_dag_order(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Enabled model nodes of the root project, every model after the models it refs."""
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["package_name"] == manifest["metadata"].get("project_name", node["package_name"])
    }
    ordered: list[dict[str, Any]] = []
    done: set[str] = set()

    def visit(uid: str, path: tuple[str, ...]) -> None:
        if uid in done:
            return
        if uid in path:
            raise ValueError(f"cycle through {uid}")
        for dep in nodes[uid]["depends_on"]["nodes"]:
            if dep in nodes:
                visit(dep, (*path, uid))
        done.add(uid)
        ordered.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid, ())
    return ordered
