"""Landing for the benchmark's one-day incremental: the ten shared seasons up to a game date,
then the next day. The payloads are exactly those `ingest shared` lands."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ingest import bundled


def land_shared_through(root: Path, shared_dir: Path, through: date | None) -> int:
    """Land what `ingest shared` lands, leaving out game days after `through` (and their
    line files, by the replay rule of `ingest bundled --through`). Returns how many payloads
    were written; already-landed ones are skipped."""
    summary = bundled.land_from_shared(root, shared_dir, through=through)
    if summary is None:
        raise FileNotFoundError(f"no shared data at {shared_dir}")
    return summary.written


def last_game_day(shared_dir: Path, season: str = bundled.SHARED_SEASONS[-1]) -> date:
    """The season's last game day in the shared player logs."""
    days = (
        bundled.payload_day(p.params)
        for p in bundled.player_payloads(shared_dir, season, bundled.SHARED_LABEL)
    )
    return max(day for day in days if day is not None)


def landed_files(root: Path) -> set[Path]:
    """Every file under a landing root, relative to it."""
    return {path.relative_to(root) for path in root.rglob("*") if path.is_file()}


def copy_files(root: Path, files: Iterable[Path], to: Path) -> None:
    """Copy landed files (relative to `root`) to the same places under a fresh `to`."""
    shutil.rmtree(to, ignore_errors=True)
    for relative in files:
        (to / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, to / relative)
