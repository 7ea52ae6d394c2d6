"""The play-by-play volume case: the real landed stats.nba.com play-by-play games copied under
synthetic game ids until the raw layer holds about a season of events.

Synthetic ids are `002189xxxx`: regular season 2018-19 (`00218`) with a game number of 90000 or
more. A regular season has 1,230 games, numbered 00001..01230, so no real game can carry one;
the copies exist only in the benchmark's own work folder and are never presented as games."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.landing import LandingZone
from ingest.sources import nba_stats, nba_stats_pbp

SYNTHETIC_PREFIX = "00218"
SYNTHETIC_FIRST_NUMBER = 90000
# Copy k of game number g becomes 90000 + k * STRIDE + g: distinct for every (k, g) with
# g < STRIDE, and below 100000 for k <= MAX_COPIES.
STRIDE = 1300
MAX_COPIES = 6
REAL_MAX_REGULAR_SEASON_GAME = 1230


def is_synthetic_game_id(game_id: str) -> bool:
    return game_id.startswith(SYNTHETIC_PREFIX) and int(game_id[5:]) >= SYNTHETIC_FIRST_NUMBER


def synthetic_game_id(real_game_id: str, copy: int) -> str:
    """The id copy `copy` (1..MAX_COPIES) of a real 2018-19 regular-season game gets."""
    nba_stats_pbp.validate_game_id(real_game_id)
    if not real_game_id.startswith(SYNTHETIC_PREFIX):
        raise ValueError(f"{real_game_id} is not a 2018-19 regular-season game id")
    number = int(real_game_id[5:])
    if not 1 <= number <= REAL_MAX_REGULAR_SEASON_GAME:
        raise ValueError(f"{real_game_id}: game number {number} outside 1..1230")
    if not 1 <= copy <= MAX_COPIES:
        raise ValueError(f"copy must be 1..{MAX_COPIES}, got {copy}")
    return f"{SYNTHETIC_PREFIX}{SYNTHETIC_FIRST_NUMBER + copy * STRIDE + number:05d}"


def relabel(payload: dict, real_game_id: str, new_game_id: str) -> dict:
    """A deep copy of a playbyplay response whose GAME_ID (parameters and every row) is new."""
    copied = json.loads(json.dumps(payload))
    copied["parameters"]["GameID"] = new_game_id
    for result_set in copied["resultSets"]:
        position = result_set["headers"].index("GAME_ID")
        for row in result_set["rowSet"]:
            if row[position] != real_game_id:
                raise ValueError(f"row of {row[position]} inside the payload of {real_game_id}")
            row[position] = new_game_id
    return copied


@dataclass(frozen=True)
class RealGame:
    game_id: str
    payload: dict
    events: int


def real_games(landing_root: Path) -> Iterator[RealGame]:
    """Every landed stats.nba.com play-by-play payload (the real games), in file order."""
    folder = landing_root / nba_stats.SOURCE / nba_stats_pbp.PLAY_BY_PLAY
    for path in sorted(folder.glob("dt=*/*.json")):
        if path.name.endswith(".manifest.json"):
            continue
        payload = json.loads(path.read_text(encoding="utf-8"))
        game_id = payload["parameters"]["GameID"]
        if is_synthetic_game_id(game_id):
            continue
        events = sum(len(rs["rowSet"]) for rs in payload["resultSets"])
        yield RealGame(game_id, payload, events)


def copies_needed(real_events: int, target_events: int) -> int:
    """Synthetic copies so that real + copies reach target_events."""
    if real_events <= 0:
        raise ValueError("no real play-by-play events landed to copy")
    copies = max(0, math.ceil(target_events / real_events) - 1)
    if copies > MAX_COPIES:
        raise ValueError(f"{target_events} events need {copies} copies, at most {MAX_COPIES}")
    return copies


def land_copies(landing_root: Path, target_events: int) -> dict[str, int]:
    """Land synthetic copies of the real games; returns real/synthetic game and event counts."""
    games = list(real_games(landing_root))
    real_events = sum(g.events for g in games)
    copies = copies_needed(real_events, target_events)
    zone = LandingZone(landing_root)
    for copy in range(1, copies + 1):
        for game in games:
            new_id = synthetic_game_id(game.game_id, copy)
            text = json.dumps(relabel(game.payload, game.game_id, new_id), separators=(",", ":"))
            zone.land(
                nba_stats_pbp.SOURCE,
                nba_stats_pbp.PLAY_BY_PLAY,
                nba_stats_pbp.request_key(new_id),
                text.encode("utf-8"),
                origin=f"synthetic:bench-copy-{copy}-of-{game.game_id}",
                params=nba_stats_pbp.request_params(new_id),
            )
    return {
        "real_games": len(games),
        "real_events": real_events,
        "copies": copies,
        "synthetic_games": copies * len(games),
        "total_events": real_events * (copies + 1),
    }
