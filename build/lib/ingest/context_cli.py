"""The pre-game context commands of `python -m ingest`:

fetch-schedule  NBA.com scheduleLeagueV2 from the cdn (primary, then backup URL)
fetch-odds      The Odds API: events, then player points props and/or game lines per event
                (API key from $ODDS_API_KEY; --at for the historical endpoints). Event odds
                that still fail are written to a retry list and the exit code is 3;
                --retry-file <it> fetches exactly those again
pickem-lines    land a folder (or gs:// prefix) of MM_DD_YYYY.csv pick'em line files
import-lines    land a CSV of points lines you already have (columns: ingest/sources/user_lines.py)
"""

from __future__ import annotations

import argparse
import logging
import os

from ingest.http import HttpClient, HttpConfig, HttpFetchError
from ingest.landing import LandingZone, parse_timestamp
from ingest.sources import nba_schedule, odds_api, pickem_lines, user_lines

log = logging.getLogger("ingest")
COMMANDS = ("fetch-schedule", "fetch-odds", "pickem-lines", "import-lines")
EXIT_SOME_EVENTS_FAILED = 3


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("fetch-schedule", help="fetch the NBA.com season schedule and land it")
    p.add_argument("--url", default=None, help="default: $NBA_SCHEDULE_URL or the cdn URLs")

    p = sub.add_parser("fetch-odds", help="fetch The Odds API props / game lines and land them")
    p.add_argument(
        "--markets",
        nargs="+",
        choices=("player_points", "game_lines"),
        default=["player_points", "game_lines"],
    )
    p.add_argument("--at", default=None, help="ISO-8601 UTC time: use the historical endpoints")
    p.add_argument("--hours-ahead", type=float, default=36.0, help="events starting within")
    p.add_argument("--regions", default=odds_api.DEFAULT_REGIONS)
    p.add_argument("--bookmakers", default=None, help="comma-separated keys (overrides regions)")
    p.add_argument("--base-url", default=None, help="default: $ODDS_API_BASE_URL or the API")
    p.add_argument(
        "--retry-file", default=None, help="a retry list from an earlier run: fetch what failed"
    )

    p = sub.add_parser("pickem-lines", help="land a folder of MM_DD_YYYY.csv pick'em line files")
    p.add_argument("folder")

    p = sub.add_parser("import-lines", help="land a CSV of player points lines you already have")
    p.add_argument("files", nargs="+", metavar="CSV")


def run(args: argparse.Namespace, zone: LandingZone) -> int:
    if args.command == "fetch-schedule":
        try:
            with HttpClient(HttpConfig.from_env()) as client:
                landed = nba_schedule.fetch_schedule(client, zone, [args.url] if args.url else None)
        except HttpFetchError as err:
            log.error("%s", err)
            return 1
        print(f"schedule: {landed.path} ({'new' if landed.written else 'unchanged'})")
        return 0
    if args.command == "fetch-odds":
        return _fetch_odds(args, zone)
    if args.command == "pickem-lines":
        # 2: a file refused (its name gives no date); 1: landed, but the loader will
        # quarantine it (its content fails the checks); 0: all landed and loadable.
        report = pickem_lines.land_folder(zone, args.folder)
        written = sum(landed.written for landed in report.landed)
        print(
            f"pick'em lines: {len(report.landed)} files ({written} new), "
            f"{len(report.failing)} failing the loader's checks, {len(report.rejected)} refused"
        )
        for key, reason in report.failing:
            print(f"  landed, will be quarantined: {key}: {reason}")
        for key, reason in report.rejected:
            print(f"  refused: {key}: {reason}")
        return 2 if report.rejected else 1 if report.failing else 0
    if args.command == "import-lines":
        status = 0
        for path in args.files:
            try:
                landed, problem = user_lines.import_file(zone, path)
            except (OSError, ValueError) as err:
                log.error("not imported %s: %s", path, err)
                status = 2
                continue
            print(f"{path} -> {landed.path} ({'new' if landed.written else 'unchanged'})")
            if problem is not None:
                log.error("landed %s, the loader will quarantine it: %s", path, problem)
                status = max(status, 1)
        return status
    raise ValueError(f"not a context command: {args.command}")


def _fetch_odds(args: argparse.Namespace, zone: LandingZone) -> int:
    entities = [
        odds_api.PLAYER_PROPS if market == "player_points" else odds_api.GAME_LINES
        for market in args.markets
    ]
    try:
        at = parse_timestamp(args.at) if args.at else None
    except ValueError as err:
        log.error("--at: %s", err)
        return 2
    retry: list[odds_api.OddsRequest] | None = None
    if args.retry_file:
        try:
            retry = odds_api.read_retry_list(args.retry_file)
        except (OSError, ValueError, KeyError) as err:
            log.error("--retry-file: %s", err)
            return 2
    delay = float(os.environ.get("NBA_HTTP_MIN_DELAY") or odds_api.DEFAULT_DELAY)
    try:
        with HttpClient(HttpConfig.from_env(min_delay=delay)) as client:
            if retry is not None:
                report = odds_api.fetch_requests(client, zone, retry, url_base=args.base_url)
            else:
                report = odds_api.fetch_slate(
                    client,
                    zone,
                    entities,
                    at=at,
                    hours_ahead=args.hours_ahead,
                    regions=args.regions,
                    bookmakers=args.bookmakers,
                    url_base=args.base_url,
                )
    except odds_api.MissingApiKey as err:
        log.error("%s", err)
        return 2
    except HttpFetchError as err:
        log.error("%s", err)
        return 1
    print(
        f"odds api: {report.events} events, {len(report.landed)} payloads landed, "
        f"{len(report.empty)} without markets yet, {len(report.failed)} failed"
        + "".join(f"; retry list {zone.storage.uri(key)}" for key in report.retry_lists)
    )
    for label, error in report.failed:
        print(f"  {label}: {error}")
    return EXIT_SOME_EVENTS_FAILED if report.failed else 0
