"""The play-by-play commands of `python -m ingest`:

fetch-pbp    NBA.com cdn liveData play-by-play for given games (politely paced, retried; the
             games that still fail are written to a retry list and the exit code is 3)
bigdataball  land every BigDataBall CSV in a folder or gs:// prefix, bytes unchanged
"""

from __future__ import annotations

import argparse
import logging
import os

from ingest.http import HttpClient, HttpConfig
from ingest.landing import LandingZone
from ingest.sources import bigdataball, nba_cdn

log = logging.getLogger("ingest")
COMMANDS = ("fetch-pbp", "bigdataball")
EXIT_SOME_GAMES_FAILED = 3


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("fetch-pbp", help="fetch NBA.com cdn live play-by-play for games")
    p.add_argument("--games", nargs="*", default=[], metavar="GAME_ID", help="e.g. 0022400500")
    p.add_argument(
        "--games-file", help="a retry list written by an earlier run, or one game id per line"
    )
    p.add_argument(
        "--delay",
        type=float,
        default=None,
        help=f"seconds between games (default: $NBA_HTTP_MIN_DELAY or {nba_cdn.DEFAULT_DELAY})",
    )
    p.add_argument("--base-url", default=None, help="default: $NBA_CDN_BASE_URL or cdn.nba.com")

    p = sub.add_parser("bigdataball", help="land BigDataBall play-by-play CSV files")
    p.add_argument("folder", help="a folder or gs://bucket/prefix holding <game>.csv files")


def _game_ids(args: argparse.Namespace) -> list[str]:
    ids = list(args.games)
    if args.games_file:
        ids += nba_cdn.read_game_ids_file(args.games_file)
    return [nba_cdn.validate_game_id(g) for g in ids]


def game_ids_or_none(args: argparse.Namespace) -> list[str] | None:
    """The games the arguments name; None, after saying why, when they name none or a bad id
    (the live fetch and its dry run share this)."""
    try:
        games = _game_ids(args)
    except ValueError as err:
        log.error("%s", err)
        return None
    if not games:
        log.error("no games: pass --games and/or --games-file")
        return None
    return games


def run(args: argparse.Namespace, zone: LandingZone) -> int:
    if args.command == "fetch-pbp":
        games = game_ids_or_none(args)
        if games is None:
            return 2
        delay = args.delay
        if delay is None:
            from_env = os.environ.get("NBA_HTTP_MIN_DELAY")
            delay = float(from_env) if from_env else nba_cdn.DEFAULT_DELAY
        with HttpClient(HttpConfig.from_env(min_delay=delay)) as client:
            report = nba_cdn.fetch_games(client, zone, games, args.base_url)
        print(
            f"cdn play-by-play: {len(report.landed)} landed, {len(report.failed)} failed"
            + (f"; retry list {zone.storage.uri(report.retry_list)}" if report.retry_list else "")
        )
        for failed in report.failed:
            print(f"  {failed.game_id}: {failed.error}")
        return EXIT_SOME_GAMES_FAILED if report.failed else 0
    if args.command == "bigdataball":
        folder_report = bigdataball.land_folder(zone, args.folder)
        written = sum(landed.written for landed in folder_report.landed)
        print(
            f"bigdataball: {len(folder_report.landed)} files ({written} new), "
            f"{len(folder_report.rejected)} rejected"
        )
        for key, reason in folder_report.rejected:
            print(f"  {key}: {reason}")
        return 1 if folder_report.rejected else 0
    raise ValueError(f"not a play-by-play command: {args.command}")
