"""NBA.com cdn liveData play-by-play: one JSON document per game,
`cdn.nba.com/static/json/liveData/playbyplay/playbyplay_<gameId>.json`, with `game.actions[]`
(actionType '2pt'/'3pt', shotResult, shotDistance in feet, x/y, xLegacy/yLegacy, personId,
assistPersonId, blockPersonId, qualifiers). Responses are landed byte for byte.

The cdn answers rapid callers with 403, and a game that is not published yet with 403 too, so
games are fetched one at a time with a polite delay (the HttpClient's per-host pacing), 403s
are retried with backoff, and games that still fail are collected into a retry list instead of
stopping the run.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.http import HttpClient, HttpFetchError
from ingest.landing import RETRY_FOLDER, Landed, LandingZone, format_timestamp
from pipeline.progress import track

log = logging.getLogger(__name__)

SOURCE = "nba_cdn"
PLAY_BY_PLAY = "play_by_play"
ENTITIES: tuple[str, ...] = (PLAY_BY_PLAY,)
DEFAULT_BASE_URL = "https://cdn.nba.com/static/json/liveData"
# Regular season, playoffs, play-in, preseason, all-star: 00 + type digit + yy + 5 digits.
GAME_ID_PATTERN = re.compile(r"^00[1-5]\d{7}$")
DEFAULT_DELAY = 2.0  # seconds between two games; the cdn throttles rapid callers with 403


def base_url() -> str:
    return (os.environ.get("NBA_CDN_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def validate_game_id(game_id: str) -> str:
    if not isinstance(game_id, str) or not GAME_ID_PATTERN.match(game_id):
        raise ValueError(f"game id must be 10 digits like 0022400500, got {game_id!r}")
    return game_id


def play_by_play_url(game_id: str, url_base: str | None = None) -> str:
    root = (url_base or base_url()).rstrip("/")
    return f"{root}/playbyplay/playbyplay_{validate_game_id(game_id)}.json"


def request_key(game_id: str) -> str:
    return f"playbyplay_{validate_game_id(game_id)}"


def check_live_play_by_play(payload: Any) -> str | None:
    """The loader's gate: staging unnests game.actions[] and keys rows by game.gameId."""
    if not isinstance(payload, dict):
        return "top-level JSON value is not an object"
    game = payload.get("game")
    if not isinstance(game, dict):
        return "missing game object"
    game_id = game.get("gameId")
    if not isinstance(game_id, str) or not GAME_ID_PATTERN.match(game_id):
        return f"game.gameId {game_id!r} is not a 10-digit game id"
    actions = game.get("actions")
    if not isinstance(actions, list) or not actions:
        return "missing or empty game.actions"
    for i, action in enumerate(actions):
        if not isinstance(action, dict) or "actionType" not in action:
            return f"game.actions[{i}] is not an action object"
    return None


@dataclass(frozen=True)
class FailedGame:
    game_id: str
    url: str
    last_status: int | None
    error: str


@dataclass
class FetchReport:
    landed: list[Landed] = field(default_factory=list)
    failed: list[FailedGame] = field(default_factory=list)
    retry_list: str | None = None  # landing-root-relative key of the retry list, if written

    @property
    def failed_game_ids(self) -> list[str]:
        return [f.game_id for f in self.failed]


def fetch_play_by_play(
    client: HttpClient, zone: LandingZone, game_id: str, url_base: str | None = None
) -> Landed:
    url = play_by_play_url(game_id, url_base)
    fetched = client.get(url)
    fetched_at = datetime.now(UTC)
    if not fetched.content.lstrip().startswith(b"{"):
        # Landed anyway: the landing zone records what came back; the loader quarantines it.
        log.warning("%s returned a body that does not look like JSON", fetched.url)
    landed = zone.land(
        SOURCE,
        PLAY_BY_PLAY,
        request_key(game_id),
        fetched.content,
        origin=fetched.url,
        params={"gameId": game_id},
        fetched_at=fetched_at,
    )
    log.info(
        "%s %s -> %s",
        "landed" if landed.written else "unchanged, already landed",
        game_id,
        landed.path,
    )
    return landed


def fetch_games(
    client: HttpClient,
    zone: LandingZone,
    game_ids: Iterable[str],
    url_base: str | None = None,
    write_retry_list: bool = True,
) -> FetchReport:
    """Fetch each game in turn (the client paces calls to the host); a game that still fails
    after the client's retries is recorded and the run goes on. Ids are validated up front so a
    typo fails before any request is sent."""
    given = [validate_game_id(g) for g in game_ids]
    games = list(dict.fromkeys(given))
    if len(games) < len(given):
        log.warning("dropped %d duplicate game id(s)", len(given) - len(games))
    report = FetchReport()
    for game_id in track(games, "fetch play-by-play", unit="game"):
        try:
            report.landed.append(fetch_play_by_play(client, zone, game_id, url_base))
        except HttpFetchError as err:
            log.warning("giving up on %s for this run: %s", game_id, err)
            report.failed.append(FailedGame(game_id, err.url, err.last_status, str(err)))
    if report.failed and write_retry_list:
        report.retry_list = save_retry_list(zone, report.failed)
    return report


def save_retry_list(
    zone: LandingZone, failed: list[FailedGame], now: datetime | None = None
) -> str:
    """Writes the games to fetch again as JSON under <landing root>/_retry/nba_cdn/play_by_play/;
    `python -m ingest fetch-pbp --games-file <it>` retries them. Returns its storage key."""
    moment = now or datetime.now(UTC)
    stamp = format_timestamp(moment).replace(":", "").replace(".", "")
    key = f"{RETRY_FOLDER}/{SOURCE}/{PLAY_BY_PLAY}/retry_{stamp}.json"
    body = {
        "source": SOURCE,
        "entity": PLAY_BY_PLAY,
        "written_at": format_timestamp(moment),
        "game_ids": [f.game_id for f in failed],
        "failures": [f.__dict__ for f in failed],
    }
    zone.storage.write_atomic(key, (json.dumps(body, indent=2) + "\n").encode())
    log.warning("%d game(s) failed; retry list %s", len(failed), zone.storage.uri(key))
    return key


def read_game_ids_file(path: str | os.PathLike[str]) -> list[str]:
    """Game ids from a retry list (JSON with `game_ids`) or a text file, one id per line."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        return [validate_game_id(g) for g in json.loads(text)["game_ids"]]
    ids = [line.strip() for line in text.splitlines()]
    return [validate_game_id(g) for g in ids if g and not g.startswith("#")]
