"""The Odds API v4 (api.the-odds-api.com): NBA events, then per event the player points props
(`markets=player_points`) and the game lines (`markets=spreads,totals`).

Live odds answer the event object itself; the historical endpoints (`/v4/historical/...` with
`date=`) wrap it as `{"timestamp", "previous_timestamp", "next_timestamp", "data"}`, and the
wrapper's `timestamp` is the snapshot time. Both shapes are landed byte for byte and both
are read by staging (a live snapshot is timed by its fetch).

The API key comes from $ODDS_API_KEY and travels only as the `apiKey` query parameter: it is
never put in a manifest, a request key or a log line (ingest.http redacts it from URLs and
errors). A 204 or an empty body means "no markets yet" and counts as success with nothing
landed. Calls are paced per host by the HttpClient (the API allows 30 a minute).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ingest.http import HttpClient, HttpFetchError
from ingest.landing import Landed, LandingZone, parse_timestamp

log = logging.getLogger(__name__)

SOURCE = "odds_api"
EVENTS = "events"
PLAYER_PROPS = "player_props"
GAME_LINES = "game_lines"
ENTITIES: tuple[str, ...] = (EVENTS, PLAYER_PROPS, GAME_LINES)
MARKETS = {PLAYER_PROPS: "player_points", GAME_LINES: "spreads,totals"}
API_KEY_ENV = "ODDS_API_KEY"
DEFAULT_BASE_URL = "https://api.the-odds-api.com/v4"
SPORT = "basketball_nba"
DEFAULT_REGIONS = "us"
DEFAULT_ODDS_FORMAT = "decimal"
DEFAULT_DELAY = 2.0  # seconds between calls: 30 requests a minute
EVENT_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
HISTORY_KEYS = ("timestamp", "data")


class MissingApiKey(RuntimeError):
    """$ODDS_API_KEY is not set."""


def api_key() -> str:
    key = (os.environ.get(API_KEY_ENV) or "").strip()
    if not key:
        raise MissingApiKey(f"set ${API_KEY_ENV} to your The Odds API key")
    return key


def base_url() -> str:
    return (os.environ.get("ODDS_API_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def validate_event_id(event_id: str) -> str:
    if not isinstance(event_id, str) or not EVENT_ID_PATTERN.match(event_id):
        raise ValueError(f"event id must be 32 hex characters, got {event_id!r}")
    return event_id


def _unwrap(payload: Any) -> tuple[Any, str | None]:
    """(the body, the snapshot problem or None): historical payloads wrap it in `data`."""
    if isinstance(payload, dict) and all(k in payload for k in HISTORY_KEYS):
        try:
            parse_timestamp(str(payload["timestamp"]))
        except ValueError:
            return None, f"history timestamp {payload['timestamp']!r} is not ISO-8601"
        return payload["data"], None
    return payload, None


def _check_event(event: Any, where: str) -> str | None:
    if not isinstance(event, dict):
        return f"{where} is not an object"
    if not EVENT_ID_PATTERN.match(str(event.get("id", ""))):
        return f"{where}.id {event.get('id')!r} is not a 32-hex event id"
    for name in ("commence_time", "home_team", "away_team"):
        if not isinstance(event.get(name), str) or not event[name]:
            return f"{where} lacks {name}"
    return None


def check_events(payload: Any) -> str | None:
    """An events list (live), or the historical wrapper around one."""
    body, problem = _unwrap(payload)
    if problem:
        return problem
    if not isinstance(body, list):
        return "events payload is not a list"
    for i, event in enumerate(body):
        problem = _check_event(event, f"events[{i}]")
        if problem:
            return problem
    return None


def check_event_odds(payload: Any) -> str | None:
    """One event with bookmakers[].markets[].outcomes[] (live), or the historical wrapper."""
    body, problem = _unwrap(payload)
    if problem:
        return problem
    problem = _check_event(body, "event")
    if problem:
        return problem
    bookmakers = body.get("bookmakers")
    if not isinstance(bookmakers, list):
        return "event lacks a bookmakers list"
    for i, book in enumerate(bookmakers):
        if not isinstance(book, dict) or not book.get("key"):
            return f"bookmakers[{i}] lacks a key"
        markets = book.get("markets")
        if not isinstance(markets, list):
            return f"bookmakers[{i}] lacks a markets list"
        for j, market in enumerate(markets):
            if not isinstance(market, dict) or not isinstance(market.get("outcomes"), list):
                return f"bookmakers[{i}].markets[{j}] lacks an outcomes list"
    return None


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _get(
    client: HttpClient, url: str, params: dict[str, str], key: str
) -> tuple[bytes | None, str, Mapping[str, str]]:
    """GET with the key added to the query only; (body or None for 'nothing yet', the
    redacted URL, response headers)."""
    fetched = client.get(url, {**params, "apiKey": key})
    remaining = fetched.headers.get("x-requests-remaining")
    if remaining is not None:
        log.info("The Odds API quota: %s requests remaining", remaining)
    if fetched.status == 204 or not fetched.content.strip():
        return None, fetched.url, fetched.headers
    return fetched.content, fetched.url, fetched.headers


def events_url(at: datetime | None, url_base: str | None = None) -> str:
    root = (url_base or base_url()).rstrip("/")
    prefix = f"{root}/historical" if at is not None else root
    return f"{prefix}/sports/{SPORT}/events"


def event_odds_url(event_id: str, at: datetime | None, url_base: str | None = None) -> str:
    return f"{events_url(at, url_base)}/{validate_event_id(event_id)}/odds"


def fetch_events(
    client: HttpClient,
    zone: LandingZone,
    key: str,
    at: datetime | None = None,
    url_base: str | None = None,
) -> tuple[Landed | None, list[dict[str, Any]]]:
    """The NBA events the API lists now (or at `at`, historical): landed, and parsed."""
    params = {"dateFormat": "iso"}
    if at is not None:
        params["date"] = _stamp(at)
    body, origin, _ = _get(client, events_url(at, url_base), params, key)
    if body is None:
        return None, []
    landed = zone.land(
        SOURCE,
        EVENTS,
        "events" if at is None else f"events_at_{_stamp(at).replace(':', '')}",
        body,
        origin=origin,
        params=params,
        fetched_at=datetime.now(UTC),
    )
    try:
        events, _ = _unwrap(json.loads(body))
    except ValueError:
        events = None
    if not isinstance(events, list):
        log.warning("events payload %s is not a list; nothing to follow", landed.path)
        return landed, []
    return landed, [e for e in events if isinstance(e, dict) and "id" in e]


def fetch_event_odds(
    client: HttpClient,
    zone: LandingZone,
    key: str,
    event_id: str,
    entity: str,
    at: datetime | None = None,
    regions: str = DEFAULT_REGIONS,
    bookmakers: str | None = None,
    url_base: str | None = None,
) -> Landed | None:
    """One event's odds for the entity's markets, landed; None when no markets are up yet."""
    if entity not in MARKETS:
        raise ValueError(f"entity must be one of {sorted(MARKETS)}, got {entity!r}")
    params = {"markets": MARKETS[entity], "oddsFormat": DEFAULT_ODDS_FORMAT, "dateFormat": "iso"}
    if bookmakers:
        params["bookmakers"] = bookmakers
    else:
        params["regions"] = regions
    if at is not None:
        params["date"] = _stamp(at)
    body, origin, _ = _get(client, event_odds_url(event_id, at, url_base), params, key)
    if body is None:
        log.info("%s %s: no markets yet", event_id, MARKETS[entity])
        return None
    landed = zone.land(
        SOURCE,
        entity,
        f"event_{event_id}_{entity}",
        body,
        origin=origin,
        params={"eventId": event_id, **params},
        fetched_at=datetime.now(UTC),
    )
    log.info(
        "%s %s %s -> %s", "landed" if landed.written else "unchanged", event_id, entity, landed.path
    )
    return landed


@dataclass
class SlateReport:
    events: int = 0
    landed: list[Landed] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # event/entity with no markets yet
    failed: list[tuple[str, str]] = field(default_factory=list)  # (event/entity, error)


def fetch_slate(
    client: HttpClient,
    zone: LandingZone,
    entities: Iterable[str] = (PLAYER_PROPS, GAME_LINES),
    at: datetime | None = None,
    hours_ahead: float = 36.0,
    regions: str = DEFAULT_REGIONS,
    bookmakers: str | None = None,
    url_base: str | None = None,
) -> SlateReport:
    """Events first, then each event starting within `hours_ahead` of now (or of `at`):
    its props and/or game lines. An event that fails is recorded and the run goes on."""
    key = api_key()
    wanted = [e for e in entities if e in MARKETS]
    report = SlateReport()
    _, events = fetch_events(client, zone, key, at, url_base)
    clock = at or datetime.now(UTC)
    horizon = clock + timedelta(hours=hours_ahead)
    for event in events:
        try:
            commence = parse_timestamp(str(event.get("commence_time")))
        except ValueError:
            continue
        if commence > horizon:
            continue
        report.events += 1
        for entity in wanted:
            label = f"{event['id']}/{entity}"
            try:
                landed = fetch_event_odds(
                    client, zone, key, event["id"], entity, at, regions, bookmakers, url_base
                )
            except (HttpFetchError, ValueError) as err:
                log.warning("giving up on %s for this run: %s", label, err)
                report.failed.append((label, str(err)))
                continue
            if landed is None:
                report.empty.append(label)
            else:
                report.landed.append(landed)
    return report
