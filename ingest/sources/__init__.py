"""Registry of sources: which entities each one lands and how the loader vets a payload."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.sources import nba_stats


@dataclass(frozen=True)
class SourceSpec:
    name: str
    entities: tuple[str, ...]
    # Returns None when the decoded payload has the shape staging expects, else the reason.
    check_payload: Callable[[Any], str | None]


SOURCES: dict[str, SourceSpec] = {
    nba_stats.SOURCE: SourceSpec(
        name=nba_stats.SOURCE,
        entities=nba_stats.ENTITIES,
        check_payload=nba_stats.check_leaguegamelog,
    ),
}
