"""stats.nba.com play-by-play (`playbyplay` / `playbyplayv2`): one response per game,
`resultSets[name=PlayByPlay]` with one row per event. v1 carries descriptions only; v2 adds
PLAYER1_ID..PLAYER3_ID and their teams. Staging reads either by header name."""

from __future__ import annotations

import re
from typing import Any

from ingest.sources import nba_stats

SOURCE = nba_stats.SOURCE
PLAY_BY_PLAY = "play_by_play"
ENDPOINT = "playbyplay"
RESULT_SET = "PlayByPlay"
GAME_ID_PATTERN = re.compile(r"^00[1-5]\d{7}$")
# What staging needs from either version; v2's player columns are optional.
REQUIRED_HEADERS = (
    "GAME_ID",
    "EVENTNUM",
    "EVENTMSGTYPE",
    "EVENTMSGACTIONTYPE",
    "PERIOD",
    "PCTIMESTRING",
    "HOMEDESCRIPTION",
    "VISITORDESCRIPTION",
)


def validate_game_id(game_id: str) -> str:
    if not isinstance(game_id, str) or not GAME_ID_PATTERN.match(game_id):
        raise ValueError(f"game id must be 10 digits like 0022400500, got {game_id!r}")
    return game_id


def request_params(game_id: str) -> dict[str, str]:
    return {"GameID": validate_game_id(game_id), "StartPeriod": "0", "EndPeriod": "10"}


def request_key(game_id: str) -> str:
    return f"{ENDPOINT}_{validate_game_id(game_id)}"


def check_play_by_play(payload: Any) -> str | None:
    """The loader's gate: the generic resultSets shape, plus a PlayByPlay set with the headers
    staging reads."""
    problem = nba_stats.check_leaguegamelog(payload)
    if problem is not None:
        return problem
    sets = [rs for rs in payload["resultSets"] if rs.get("name") == RESULT_SET]
    if len(sets) != 1:
        return f"expected one {RESULT_SET} result set, found {len(sets)}"
    missing = [h for h in REQUIRED_HEADERS if h not in sets[0]["headers"]]
    if missing:
        return f"{RESULT_SET} lacks headers {missing}"
    return None
