"""The benchmark's state: its work folder, the environment every step runs with, and the raw
measurements of every run of every figure."""

from __future__ import annotations

import os
import shutil
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.dbt_results import NodeTimes, read_run_results
from bench.proc import REPO, StepResult, dbt_executable, run_step

DB_NAME = "wh.duckdb"


@dataclass
class Figure:
    """One reported figure: its value per run (seconds unless `unit` says otherwise)."""

    label: str
    unit: str = "s"
    values: list[float] = field(default_factory=list)
    peak_rss_bytes: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")


@dataclass
class Bench:
    work_dir: Path
    shared_dir: Path
    runs: int
    figures: dict[str, Figure] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    # --- folders ------------------------------------------------------------------------

    @property
    def log_file(self) -> Path:
        return self.work_dir / "bench.log"

    @property
    def active_db(self) -> Path:
        """The one warehouse path every dbt step uses, so dbt's partial parse stays valid
        (the profile renders the path); each step copies the warehouse it needs here."""
        return self.work_dir / "active" / DB_NAME

    @property
    def target_dir(self) -> Path:
        return self.work_dir / "target"

    def saved_db(self, name: str) -> Path:
        return self.work_dir / "saved" / f"{name}.duckdb"

    def landing(self, name: str) -> Path:
        return self.work_dir / "landing" / name

    def activate(self, saved: str) -> None:
        """Copy a saved warehouse to the active path (its WAL too, if any)."""
        self.active_db.parent.mkdir(parents=True, exist_ok=True)
        _remove_db(self.active_db)
        shutil.copyfile(self.saved_db(saved), self.active_db)

    def save_active(self, name: str) -> Path:
        target = self.saved_db(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_db(target)
        shutil.copyfile(self.active_db, target)
        return target

    def fresh_active(self) -> None:
        self.active_db.parent.mkdir(parents=True, exist_ok=True)
        _remove_db(self.active_db)

    # --- steps --------------------------------------------------------------------------

    def env(self, landing: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            NBA_LANDING_ROOT=str(self.landing(landing)),
            NBA_DUCKDB_PATH=str(self.active_db),
            NBA_ML_ARTIFACTS=str(self.work_dir / "artifacts"),
            DBT_PROFILES_DIR=str(REPO / "profiles"),
            DBT_TARGET="duckdb",
            NBA_LANDING_FSYNC="0",
        )
        return env

    def step(self, args: Sequence[str], landing: str = "full") -> StepResult:
        return run_step(args, self.env(landing), self.log_file)

    def dbt(self, *args: str, landing: str = "full") -> tuple[StepResult, NodeTimes | None]:
        """`dbt <args>` with the bench's target and log folders; run_results when written."""
        results = self.target_dir / "run_results.json"
        results.unlink(missing_ok=True)
        step = self.step(
            [
                dbt_executable(),
                *args,
                "--target-path",
                str(self.target_dir),
                "--log-path",
                str(self.work_dir / "dbt-logs"),
            ],
            landing,
        )
        times = read_run_results(self.target_dir) if results.exists() else None
        if times is not None and times.failures:
            raise RuntimeError(f"dbt {args[0]} had failures: {times.failures[:5]}")
        return step, times

    # --- recording ----------------------------------------------------------------------

    def record(
        self, key: str, label: str, value: float, step: StepResult | None = None, **kw: Any
    ) -> None:
        figure = self.figures.setdefault(key, Figure(label, **kw))
        figure.values.append(value)
        if step is not None:
            figure.peak_rss_bytes.append(step.max_rss_bytes)


def _remove_db(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def db_size(path: Path) -> int:
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
