"""Registry of sources: which entities each one lands and how the loader vets a payload."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.sources import (
    bigdataball,
    nba_cdn,
    nba_schedule,
    nba_stats,
    nba_stats_pbp,
    odds_api,
    pickem_lines,
    user_lines,
)


def utf8_text(data: bytes) -> str:
    return data.decode("utf-8")


@dataclass(frozen=True)
class EntitySpec:
    # Returns None when the decoded payload has the shape staging expects, else the reason.
    check_payload: Callable[[Any], str | None]
    # Landed bytes -> the JSON text stored in raw.payload. JSON payloads are stored as they
    # came; a CSV source converts its rows to JSON here (ValueError when it cannot).
    payload_text: Callable[[bytes], str] = utf8_text
    file_format: str = "json"


@dataclass(frozen=True)
class SourceSpec:
    name: str
    entities: dict[str, EntitySpec]


SOURCES: dict[str, SourceSpec] = {
    nba_stats.SOURCE: SourceSpec(
        name=nba_stats.SOURCE,
        entities={
            **{entity: EntitySpec(nba_stats.check_leaguegamelog) for entity in nba_stats.ENTITIES},
            nba_stats_pbp.PLAY_BY_PLAY: EntitySpec(nba_stats_pbp.check_play_by_play),
        },
    ),
    nba_cdn.SOURCE: SourceSpec(
        name=nba_cdn.SOURCE,
        entities={nba_cdn.PLAY_BY_PLAY: EntitySpec(nba_cdn.check_live_play_by_play)},
    ),
    bigdataball.SOURCE: SourceSpec(
        name=bigdataball.SOURCE,
        entities={
            bigdataball.PLAY_BY_PLAY: EntitySpec(
                bigdataball.check_play_by_play, bigdataball.payload_text, "csv"
            )
        },
    ),
    # Pre-game context: schedule, player points lines (three feeds) and game lines.
    nba_schedule.SOURCE: SourceSpec(
        name=nba_schedule.SOURCE,
        entities={nba_schedule.LEAGUE_SCHEDULE: EntitySpec(nba_schedule.check_schedule)},
    ),
    odds_api.SOURCE: SourceSpec(
        name=odds_api.SOURCE,
        entities={
            odds_api.EVENTS: EntitySpec(odds_api.check_events),
            odds_api.PLAYER_PROPS: EntitySpec(odds_api.check_event_odds),
            odds_api.GAME_LINES: EntitySpec(odds_api.check_event_odds),
        },
    ),
    pickem_lines.SOURCE: SourceSpec(
        name=pickem_lines.SOURCE,
        entities={
            pickem_lines.PLAYER_PROPS: EntitySpec(
                pickem_lines.check_payload, pickem_lines.payload_text, "csv"
            )
        },
    ),
    user_lines.SOURCE: SourceSpec(
        name=user_lines.SOURCE,
        entities={
            user_lines.PLAYER_POINTS: EntitySpec(
                user_lines.check_payload, user_lines.payload_text, "csv"
            )
        },
    ),
}
