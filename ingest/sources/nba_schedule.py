"""NBA.com season schedule, `scheduleLeagueV2` from the cdn's static data: every game of a
season (preseason to the Finals) with its game id, dates, tip-off time in UTC, home and away
team, status (1 scheduled, 2 live, 3 final), scores once played and `postponedStatus`.
The same document is served as `scheduleLeagueV2_1.json` (primary) and `scheduleLeagueV2.json`
(backup) under cdn.nba.com/static/json/staticData/; stats.nba.com `scheduleleaguev2int`
answers the same shape. Responses are landed byte for byte; staging reads one row per game.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ingest.http import HttpClient, HttpFetchError, redact
from ingest.landing import Landed, LandingZone

log = logging.getLogger(__name__)

SOURCE = "nba_schedule"
LEAGUE_SCHEDULE = "league_schedule"
ENTITIES: tuple[str, ...] = (LEAGUE_SCHEDULE,)
DEFAULT_URLS: tuple[str, ...] = (
    "https://cdn.nba.com/static/json/staticData/scheduleLeagueV2_1.json",
    "https://cdn.nba.com/static/json/staticData/scheduleLeagueV2.json",
)
GAME_ID_PATTERN = re.compile(r"^00[1-6]\d{7}$")
SEASON_YEAR_PATTERN = re.compile(r"^\d{4}-\d{2}$")


def schedule_urls() -> tuple[str, ...]:
    """$NBA_SCHEDULE_URL (one URL) overrides the cdn primary and backup."""
    override = os.environ.get("NBA_SCHEDULE_URL")
    return (override,) if override else DEFAULT_URLS


def check_schedule(payload: Any) -> str | None:
    """The loader's gate: staging unnests leagueSchedule.gameDates[].games[] and reads the
    game id and both teams' codes, so those must be there."""
    if not isinstance(payload, dict):
        return "top-level JSON value is not an object"
    schedule = payload.get("leagueSchedule")
    if not isinstance(schedule, dict):
        return "missing leagueSchedule object"
    game_dates = schedule.get("gameDates")
    if not isinstance(game_dates, list) or not game_dates:
        return "missing or empty leagueSchedule.gameDates"
    for i, game_date in enumerate(game_dates):
        games = game_date.get("games") if isinstance(game_date, dict) else None
        if not isinstance(games, list):
            return f"gameDates[{i}] lacks a games list"
        for j, game in enumerate(games):
            where = f"gameDates[{i}].games[{j}]"
            if not isinstance(game, dict):
                return f"{where} is not an object"
            if not GAME_ID_PATTERN.match(str(game.get("gameId", ""))):
                return f"{where}.gameId {game.get('gameId')!r} is not a 10-digit game id"
            for side in ("homeTeam", "awayTeam"):
                team = game.get(side)
                if not isinstance(team, dict) or not team.get("teamTricode"):
                    return f"{where}.{side} lacks teamTricode"
    return None


def request_key(body: bytes) -> str:
    """scheduleLeagueV2_<season> from the payload's seasonYear, or scheduleLeagueV2 when the
    body does not say (it still lands; the loader decides whether it is usable)."""
    try:
        season = json.loads(body)["leagueSchedule"]["seasonYear"]
    except (ValueError, KeyError, TypeError):
        return "scheduleLeagueV2"
    if isinstance(season, str) and SEASON_YEAR_PATTERN.match(season):
        return f"scheduleLeagueV2_{season}"
    return "scheduleLeagueV2"


def fetch_schedule(
    client: HttpClient, zone: LandingZone, urls: Sequence[str] | None = None
) -> Landed:
    """GET the schedule from the first URL that answers (primary, then backup) and land it."""
    candidates = tuple(urls or schedule_urls())
    last_error: HttpFetchError | None = None
    for url in candidates:
        try:
            fetched = client.get(url)
        except HttpFetchError as err:
            log.warning("schedule not available from %s: %s", redact(url), err)
            last_error = err
            continue
        landed = zone.land(
            SOURCE,
            LEAGUE_SCHEDULE,
            request_key(fetched.content),
            fetched.content,
            origin=fetched.url,
            params={},
            fetched_at=datetime.now(UTC),
        )
        log.info("%s schedule -> %s", "landed" if landed.written else "unchanged", landed.path)
        return landed
    assert last_error is not None
    raise last_error
