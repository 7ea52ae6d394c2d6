"""Run dbt in-process with the project's profiles, so one Python process drives the job."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import progress

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent


class _NodeProgress:
    """A dbtRunner callback: one bar step per finished node, sized by dbt's own node count."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar: Any = None
        self.statuses: Counter[str] = Counter()

    def __call__(self, event: Any) -> None:
        name = event.info.name
        if name == "ConcurrencyLine":
            self.close()
            self.bar = progress.bar(desc=self.desc, total=event.data.node_count, unit="node")
        elif name == "LogStartLine" and self.bar is not None:
            # "N of TOTAL": dbt's own count, which includes the unit tests node_count leaves out.
            if event.data.total > (self.bar.total or 0):
                self.bar.total = event.data.total
                self.bar.refresh()
        elif name == "NodeFinished":
            status = event.data.run_result.status or "done"
            self.statuses[status] += 1
            if self.bar is not None:
                self.bar.set_postfix_str(event.data.node_info.node_name, refresh=False)
                self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def invoke(
    args: Sequence[str],
    callbacks: Sequence[Callable[[Any], None]] = (),
    manifest: Any = None,
) -> Any:
    """`dbt <args>` in-process on this project; from `manifest` when given (no parse)."""
    # Imported lazily: dbt's import costs about a second and most commands don't need it.
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR / "profiles"))
    runner = dbtRunner(manifest=manifest, callbacks=list(callbacks))
    return runner.invoke([*args, "--project-dir", str(PROJECT_DIR)])


def run_dbt(args: Sequence[str]) -> bool:
    """Invoke `dbt <args>` against this project; True when every node succeeded."""
    log.info("dbt %s (project %s)", " ".join(args), PROJECT_DIR)
    tracker = _NodeProgress(f"dbt {args[0]}" if args else "dbt")
    # With a bar on the terminal, dbt's line per node would tear it: dbt then prints only
    # errors (failing nodes and tests still show), and the bar and the summary log replace it.
    quiet = ["--quiet"] if progress.enabled() and "--quiet" not in args else []
    try:
        result = invoke([*args, *quiet], [tracker])
    finally:
        tracker.close()
    if tracker.statuses:
        log.info(
            "dbt %s: %d nodes (%s)",
            args[0],
            sum(tracker.statuses.values()),
            ", ".join(f"{n} {s}" for s, n in sorted(tracker.statuses.items())),
        )
    if result.exception is not None:
        log.error("dbt %s raised: %s", args[0], result.exception)
        return False
    return bool(result.success)


@dataclass
class NodeList:
    ok: bool
    nodes: list[tuple[str, str]] = field(default_factory=list)  # (resource_type, unique_id)
    error: str | None = None


def list_nodes(selection: Sequence[str]) -> NodeList:
    """What `dbt build <selection>` would run, from `dbt ls`, without touching the warehouse.

    dbt parses the project into a throwaway target and log folder, so the project's own
    target/ and logs/ are not written either."""
    with tempfile.TemporaryDirectory(prefix="nba-props-dry-run-") as scratch:
        args = [
            "ls",
            *selection,
            "--resource-type",
            "all",
            "--output",
            "json",
            "--output-keys",
            "resource_type unique_id",
            "--target-path",
            str(Path(scratch) / "target"),
            "--log-path",
            str(Path(scratch) / "logs"),
            "--log-level",
            "none",
        ]
        log.info("dbt %s", " ".join(args[: 1 + len(selection)]))
        result = invoke(args)
    if result.exception is not None or not result.success:
        return NodeList(False, error=str(result.exception or "dbt ls failed"))
    nodes = []
    for line in result.result or []:
        item = json.loads(line)
        nodes.append((str(item["resource_type"]), str(item["unique_id"])))
    return NodeList(True, nodes)
