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

from ingest.http import HttpClient, HttpFetchError, redact
from ingest.landing import RETRY_FOLDER, Landed, LandingZone, format_timestamp, parse_timestamp
from pipeline.progress import track

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


@dataclass(frozen=True)
class OddsRequest:
    """One event's odds for one entity (and, historical, at one time): what a retry list holds."""

    event_id: str
    entity: str
    at: datetime | None = None
    regions: str = DEFAULT_REGIONS
    bookmakers: str | None = None

    def __post_init__(self) -> None:
        # Validated before anything is sent or written (a retry list is input too).
        validate_event_id(self.event_id)
        if self.entity not in MARKETS:
            raise ValueError(f"entity must be one of {sorted(MARKETS)}, got {self.entity!r}")

    @property
    def label(self) -> str:
        return f"{self.event_id}/{self.entity}"

    def as_json(self) -> dict[str, str | None]:
        item: dict[str, str | None] = {
            "event_id": self.event_id,
            "markets": MARKETS[self.entity],
            "at": _stamp(self.at) if self.at is not None else None,
        }
        if self.bookmakers:
            item["bookmakers"] = self.bookmakers
        else:
            item["regions"] = self.regions
        return item

    @classmethod
    def from_json(cls, entity: str, item: Any) -> OddsRequest:
        if not isinstance(item, dict):
            raise ValueError(f"retry list entry is not an object: {item!r}")
        if entity not in MARKETS:
            raise ValueError(f"entity must be one of {sorted(MARKETS)}, got {entity!r}")
        if item.get("markets") != MARKETS[entity]:
            raise ValueError(f"retry list entry markets {item.get('markets')!r} are not {entity}")
        at = parse_timestamp(str(item["at"])) if item.get("at") else None
        bookmakers = item.get("bookmakers")
        regions = item.get("regions") or DEFAULT_REGIONS
        for name, value in (("bookmakers", bookmakers), ("regions", regions)):
            if value is not None and not re.match(r"^[a-z0-9_,]+$", str(value)):
                raise ValueError(f"retry list entry {name} {value!r} is not a list of keys")
        return cls(str(item.get("event_id")), entity, at, str(regions), bookmakers or None)


@dataclass(frozen=True)
class FailedOdds:
    request: OddsRequest
    last_status: int | None
    error: str  # redacted: never the key


@dataclass
class SlateReport:
    events: int = 0
    landed: list[Landed] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # event/entity with no markets yet
    failed: list[tuple[str, str]] = field(default_factory=list)  # (event/entity, error)
    retryable: list[FailedOdds] = field(default_factory=list)  # HTTP failures, to fetch again
    retry_lists: list[str] = field(default_factory=list)  # landing-root-relative keys


def _fetch_one(
    client: HttpClient,
    zone: LandingZone,
    key: str,
    request: OddsRequest,
    report: SlateReport,
    url_base: str | None,
) -> None:
    try:
        landed = fetch_event_odds(
            client,
            zone,
            key,
            request.event_id,
            request.entity,
            request.at,
            request.regions,
            request.bookmakers,
            url_base,
        )
    except HttpFetchError as err:
        error = redact(str(err)).replace(key, "REDACTED")
        log.warning("giving up on %s for this run: %s", request.label, error)
        report.failed.append((request.label, error))
        report.retryable.append(FailedOdds(request, err.last_status, error))
        return
    except ValueError as err:
        log.warning("giving up on %s for this run: %s", request.label, err)
        report.failed.append((request.label, str(err)))
        return
    if landed is None:
        report.empty.append(request.label)
    else:
        report.landed.append(landed)


def fetch_slate(
    client: HttpClient,
    zone: LandingZone,
    entities: Iterable[str] = (PLAYER_PROPS, GAME_LINES),
    at: datetime | None = None,
    hours_ahead: float = 36.0,
    regions: str = DEFAULT_REGIONS,
    bookmakers: str | None = None,
    url_base: str | None = None,
    write_retry_list: bool = True,
) -> SlateReport:
    """Events first, then each event starting within `hours_ahead` of now (or of `at`):
    its props and/or game lines. An event that fails is recorded and the run goes on; the
    requests that failed over HTTP are written to retry lists."""
    key = api_key()
    wanted = [e for e in entities if e in MARKETS]
    report = SlateReport()
    _, listed = fetch_events(client, zone, key, at, url_base)
    # Each odds request spends quota: an event the list names twice is followed once.
    first_seen: dict[str, dict[str, Any]] = {}
    for event in listed:
        first_seen.setdefault(str(event["id"]), event)
    events = list(first_seen.values())
    if len(events) < len(listed):
        log.warning(
            "dropped %d duplicate event id(s) from the events list", len(listed) - len(events)
        )
    clock = at or datetime.now(UTC)
    horizon = clock + timedelta(hours=hours_ahead)
    for event in track(events, "fetch odds", unit="event"):
        try:
            commence = parse_timestamp(str(event.get("commence_time")))
        except ValueError:
            continue
        if commence > horizon:
            continue
        report.events += 1
        for entity in wanted:
            try:
                request = OddsRequest(str(event["id"]), entity, at, regions, bookmakers)
            except ValueError as err:
                label = f"{event['id']}/{entity}"
                log.warning("giving up on %s for this run: %s", label, err)
                report.failed.append((label, str(err)))
                continue
            _fetch_one(client, zone, key, request, report, url_base)
    if report.retryable and write_retry_list:
        report.retry_lists = save_retry_lists(zone, report.retryable)
    return report


def fetch_requests(
    client: HttpClient,
    zone: LandingZone,
    requests: Iterable[OddsRequest],
    url_base: str | None = None,
    write_retry_list: bool = True,
) -> SlateReport:
    """Exactly these event odds requests (a retry list), without the events list."""
    key = api_key()
    report = SlateReport()
    given = list(requests)
    wanted = list(dict.fromkeys(given))
    if len(wanted) < len(given):
        log.warning("dropped %d duplicate odds request(s)", len(given) - len(wanted))
    report.events = len({r.event_id for r in wanted})
    for request in track(wanted, "fetch odds", unit="request"):
        _fetch_one(client, zone, key, request, report, url_base)
    if report.retryable and write_retry_list:
        report.retry_lists = save_retry_lists(zone, report.retryable)
    return report


def save_retry_lists(
    zone: LandingZone, failed: list[FailedOdds], now: datetime | None = None
) -> list[str]:
    """One retry list per entity under <landing root>/_retry/odds_api/<entity>/ (atomically,
    like every landing write); returns their storage keys."""
    moment = now or datetime.now(UTC)
    stamp = format_timestamp(moment).replace(":", "").replace(".", "")
    keys: list[str] = []
    for entity in MARKETS:
        mine = [f for f in failed if f.request.entity == entity]
        if not mine:
            continue
        key = f"{RETRY_FOLDER}/{SOURCE}/{entity}/retry_{stamp}.json"
        body = {
            "source": SOURCE,
            "entity": entity,
            "written_at": format_timestamp(moment),
            "requests": [f.request.as_json() for f in mine],
            "failures": [
                {**f.request.as_json(), "last_status": f.last_status, "error": f.error}
                for f in mine
            ],
        }
        zone.storage.write_atomic(key, (json.dumps(body, indent=2) + "\n").encode())
        log.warning(
            "%d %s request(s) failed; retry list %s", len(mine), entity, zone.storage.uri(key)
        )
        keys.append(key)
    return keys


def read_retry_list(path: str | os.PathLike[str]) -> list[OddsRequest]:
    with open(path, encoding="utf-8") as handle:
        body = json.load(handle)
    if not isinstance(body, dict) or body.get("source") != SOURCE:
        raise ValueError(f"{path}: not an {SOURCE} retry list")
    entity = str(body.get("entity"))
    items = body.get("requests")
    if not isinstance(items, list):
        raise ValueError(f"{path}: no requests list")
    return [OddsRequest.from_json(entity, item) for item in items]
