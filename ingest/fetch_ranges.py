"""`python -m ingest fetch`: stats.nba.com leaguegamelog by season and date range, per entity.

Each (entity, season, date range) is one request. A request that still fails after the HTTP
client's bounded retries is recorded and the others go on; the failures are written to a retry
list in the landing root, `_retry/nba_stats/leaguegamelog/retry_<time>.json` (the same place and
shape as the cdn play-by-play retry lists: source, entity, written_at, what to fetch again and
why each failed), and the command exits 3. `python -m ingest fetch --retry-file <it>` fetches
exactly those requests again. Nothing is landed for a failed request: the landing zone only
ever receives complete response bodies, written to a temporary name and renamed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ingest.http import HttpClient, HttpConfig, HttpFetchError
from ingest.landing import RETRY_FOLDER, Landed, LandingZone, format_timestamp
from ingest.sources import nba_stats
from pipeline.progress import track

log = logging.getLogger(__name__)

RETRY_ENTITY = nba_stats.ENDPOINT  # one list per run, for both entities
EXIT_SOME_REQUESTS_FAILED = 3  # as fetch-pbp and fetch-odds


@dataclass(frozen=True)
class RangeRequest:
    entity: str
    season: str
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        # Validates season, entity and date order before anything is sent or written.
        nba_stats.leaguegamelog_params(self.season, self.entity, self.date_from, self.date_to)

    @property
    def label(self) -> str:
        params = nba_stats.leaguegamelog_params(
            self.season, self.entity, self.date_from, self.date_to
        )
        return nba_stats.request_key(params)

    def as_json(self) -> dict[str, str | None]:
        return {
            "entity": self.entity,
            "season": self.season,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_json(cls, item: Any) -> RangeRequest:
        if not isinstance(item, dict):
            raise ValueError(f"retry list entry is not an object: {item!r}")

        def day(name: str) -> date | None:
            value = item.get(name)
            return date.fromisoformat(value) if value else None

        entity, season = str(item.get("entity")), str(item.get("season"))
        return cls(entity, season, day("date_from"), day("date_to"))


@dataclass(frozen=True)
class FailedRequest:
    request: RangeRequest
    url: str
    last_status: int | None
    error: str


@dataclass
class RangeReport:
    landed: list[Landed] = field(default_factory=list)
    failed: list[FailedRequest] = field(default_factory=list)
    retry_list: str | None = None  # landing-root-relative key of the retry list, if written


def fetch_requests(
    client: HttpClient,
    zone: LandingZone,
    requests: Iterable[RangeRequest],
    url_base: str | None = None,
    write_retry_list: bool = True,
) -> RangeReport:
    """Fetch and land each request in turn; a request that fails for good is recorded and the
    run goes on with the next."""
    report = RangeReport()
    given = list(requests)
    unique = list(dict.fromkeys(given))
    if len(unique) < len(given):
        log.warning("dropped %d duplicate request(s)", len(given) - len(unique))
    for request in track(unique, "fetch leaguegamelog", unit="request"):
        try:
            landed = nba_stats.fetch_leaguegamelog(
                client,
                zone,
                request.season,
                request.entity,
                request.date_from,
                request.date_to,
                url_base,
            )
        except HttpFetchError as err:
            log.warning("giving up on %s for this run: %s", request.label, err)
            report.failed.append(FailedRequest(request, err.url, err.last_status, str(err)))
            continue
        report.landed.append(landed)
    if report.failed and write_retry_list:
        report.retry_list = save_retry_list(zone, report.failed)
    return report


def save_retry_list(
    zone: LandingZone, failed: list[FailedRequest], now: datetime | None = None
) -> str:
    """Writes the requests to fetch again under <landing root>/_retry/nba_stats/leaguegamelog/
    (atomically, like every landing write) and returns its storage key."""
    moment = now or datetime.now(UTC)
    stamp = format_timestamp(moment).replace(":", "").replace(".", "")
    key = f"{RETRY_FOLDER}/{nba_stats.SOURCE}/{RETRY_ENTITY}/retry_{stamp}.json"
    body = {
        "source": nba_stats.SOURCE,
        "entity": RETRY_ENTITY,
        "written_at": format_timestamp(moment),
        "requests": [f.request.as_json() for f in failed],
        "failures": [
            {**f.request.as_json(), **{k: v for k, v in asdict(f).items() if k != "request"}}
            for f in failed
        ],
    }
    zone.storage.write_atomic(key, (json.dumps(body, indent=2) + "\n").encode())
    log.warning("%d request(s) failed; retry list %s", len(failed), zone.storage.uri(key))
    return key


def read_retry_list(path: str | os.PathLike[str]) -> list[RangeRequest]:
    body = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(body, dict) or body.get("source") != nba_stats.SOURCE:
        raise ValueError(f"{path}: not a leaguegamelog retry list")
    items = body.get("requests")
    if not isinstance(items, list):
        raise ValueError(f"{path}: no requests list")
    return [RangeRequest.from_json(item) for item in items]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--season",
        "--seasons",
        dest="season",
        nargs="+",
        metavar="SEASON",
        help="e.g. 2024-25 (one or more; required unless --retry-file)",
    )
    p.add_argument(
        "--date-from", "--from", dest="date_from", type=date.fromisoformat, help="YYYY-MM-DD"
    )
    p.add_argument("--date-to", "--to", dest="date_to", type=date.fromisoformat, help="YYYY-MM-DD")
    p.add_argument("--entity", choices=nba_stats.ENTITIES, help="default: both")
    p.add_argument("--base-url", default=None, help="default: $NBA_STATS_BASE_URL or stats.nba.com")
    p.add_argument("--retry-file", help="a retry list from an earlier fetch: fetch what failed")


def _requests(args: argparse.Namespace) -> list[RangeRequest]:
    wanted: list[RangeRequest] = []
    if args.retry_file:
        wanted += read_retry_list(args.retry_file)
    if args.season:
        entities = [args.entity] if args.entity else list(nba_stats.ENTITIES)
        wanted += [
            RangeRequest(e, season, args.date_from, args.date_to)
            for season in args.season
            for e in entities
        ]
    return wanted


def requests_or_none(args: argparse.Namespace) -> list[RangeRequest] | None:
    """The requests the arguments ask for; None, after saying why, when they ask for none or
    cannot be read (the live fetch and its dry run share this)."""
    try:
        wanted = _requests(args)
    except (OSError, ValueError) as err:
        log.error("%s", err)
        return None
    if not wanted:
        log.error("nothing to fetch: pass --season (and dates) and/or --retry-file")
        return None
    return wanted


def run(args: argparse.Namespace, zone: LandingZone) -> int:
    wanted = requests_or_none(args)
    if wanted is None:
        return 2
    with HttpClient(HttpConfig.from_env()) as client:
        report = fetch_requests(client, zone, wanted, args.base_url)
    print(
        f"leaguegamelog: {len(report.landed)} landed, {len(report.failed)} failed"
        + (f"; retry list {zone.storage.uri(report.retry_list)}" if report.retry_list else "")
    )
    for failed in report.failed:
        print(f"  {failed.request.label}: {failed.error}")
    return EXIT_SOME_REQUESTS_FAILED if report.failed else 0
