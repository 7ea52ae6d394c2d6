"""stats.nba.com `leaguegamelog`: one call returns every player (P) or team (T) game row of a
season, optionally narrowed to a date range. Responses are landed byte for byte."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from ingest.http import HttpClient
from ingest.landing import Landed, LandingZone

log = logging.getLogger(__name__)

SOURCE = "nba_stats"
PLAYER_GAME_LOGS = "player_game_logs"
TEAM_GAME_LOGS = "team_game_logs"
ENTITIES: tuple[str, ...] = (PLAYER_GAME_LOGS, TEAM_GAME_LOGS)
PLAYER_OR_TEAM = {PLAYER_GAME_LOGS: "P", TEAM_GAME_LOGS: "T"}
ENTITY_BY_KIND = {kind: entity for entity, kind in PLAYER_OR_TEAM.items()}

DEFAULT_BASE_URL = "https://stats.nba.com/stats"
ENDPOINT = "leaguegamelog"
REGULAR_SEASON = "Regular Season"
SEASON_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
API_DATE_FORMAT = "%m/%d/%Y"
REQUEST_PARAM_ORDER = (
    "LeagueID",
    "Season",
    "SeasonType",
    "PlayerOrTeam",
    "Direction",
    "Sorter",
    "DateFrom",
    "DateTo",
    "Counter",
)


def base_url() -> str:
    return (os.environ.get("NBA_STATS_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def validate_season(season: str) -> str:
    match = SEASON_PATTERN.match(season)
    if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"season must look like 2024-25, got {season!r}")
    return season


def season_start_year(season: str) -> int:
    return int(validate_season(season)[:4])


def _api_date(day: date | None) -> str:
    return day.strftime(API_DATE_FORMAT) if day is not None else ""


def leaguegamelog_params(
    season: str,
    entity: str,
    date_from: date | None = None,
    date_to: date | None = None,
    season_type: str = REGULAR_SEASON,
) -> dict[str, str]:
    if entity not in PLAYER_OR_TEAM:
        raise ValueError(f"unknown {SOURCE} entity {entity!r}; expected one of {ENTITIES}")
    if date_from and date_to and date_from > date_to:
        raise ValueError(f"date_from {date_from} is after date_to {date_to}")
    return {
        "LeagueID": "00",
        "Season": validate_season(season),
        "SeasonType": season_type,
        "PlayerOrTeam": PLAYER_OR_TEAM[entity],
        "Direction": "ASC",
        "Sorter": "DATE",
        "DateFrom": _api_date(date_from),
        "DateTo": _api_date(date_to),
        "Counter": "0",
    }


def _key_date(api_value: str | None, open_bound: str) -> str:
    if not api_value:
        return open_bound
    return datetime.strptime(api_value, API_DATE_FORMAT).date().isoformat()


def request_key(params: Mapping[str, Any]) -> str:
    """leaguegamelog_<P|T>_<season>_<from>_<to>; open bounds read 'start' / 'end'."""
    key = "_".join(
        [
            ENDPOINT,
            str(params["PlayerOrTeam"]),
            str(params["Season"]),
            _key_date(params.get("DateFrom"), "start"),
            _key_date(params.get("DateTo"), "end"),
        ]
    )
    season_type = str(params.get("SeasonType") or REGULAR_SEASON)
    if season_type != REGULAR_SEASON:
        key += "_" + re.sub(r"[^A-Za-z0-9]", "", season_type)
    return key


def check_leaguegamelog(payload: Any) -> str | None:
    """The loader's gate: staging unnests resultSets[*].headers/rowSet, so those must exist."""
    if not isinstance(payload, dict):
        return "top-level JSON value is not an object"
    result_sets = payload.get("resultSets")
    if not isinstance(result_sets, list) or not result_sets:
        return "missing or empty resultSets"
    for i, result_set in enumerate(result_sets):
        if not isinstance(result_set, dict):
            return f"resultSets[{i}] is not an object"
        headers = result_set.get("headers")
        rows = result_set.get("rowSet")
        if not isinstance(headers, list) or not headers:
            return f"resultSets[{i}] lacks a headers list"
        if not isinstance(rows, list):
            return f"resultSets[{i}] lacks a rowSet list"
        width = len(headers)
        for j, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != width:
                return f"resultSets[{i}].rowSet[{j}] does not have {width} values"
    return None


def fetch_leaguegamelog(
    client: HttpClient,
    zone: LandingZone,
    season: str,
    entity: str,
    date_from: date | None = None,
    date_to: date | None = None,
    url_base: str | None = None,
) -> Landed:
    params = leaguegamelog_params(season, entity, date_from, date_to)
    url = f"{(url_base or base_url()).rstrip('/')}/{ENDPOINT}"
    fetched = client.get(url, params)
    fetched_at = datetime.now(UTC)
    if not fetched.content.lstrip().startswith(b"{"):
        # Landed anyway: the landing zone records what came back; the loader quarantines it.
        log.warning("%s returned a body that does not look like JSON", fetched.url)
    landed = zone.land(
        SOURCE,
        entity,
        request_key(params),
        fetched.content,
        origin=fetched.url,
        params=params,
        fetched_at=fetched_at,
    )
    log.info(
        "%s %s -> %s",
        "landed" if landed.written else "unchanged, already landed",
        request_key(params),
        landed.path,
    )
    return landed


def fetch_range(
    client: HttpClient,
    zone: LandingZone,
    season: str,
    date_from: date | None,
    date_to: date | None,
    entities: Iterable[str] = ENTITIES,
    url_base: str | None = None,
) -> list[Landed]:
    return [
        fetch_leaguegamelog(client, zone, season, entity, date_from, date_to, url_base)
        for entity in entities
    ]


def fetch_season(
    client: HttpClient,
    zone: LandingZone,
    season: str,
    entities: Iterable[str] = ENTITIES,
    url_base: str | None = None,
) -> list[Landed]:
    return fetch_range(client, zone, season, None, None, entities, url_base)
