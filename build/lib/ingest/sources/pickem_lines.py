"""Pick'em (DFS) player lines: daily CSV files named `MM_DD_YYYY.csv`, as exported from The Odds
API's `us_dfs` region by github.com/spon7ge/NBA-Prop-Predictor (PrizePicks and Underdog;
points, rebounds and assists). Columns: market, bookmaker, player, side, line, price,
home_team, away_team, game_id (The Odds API event id), commence_time (UTC).

The files record no capture time. What they do tell: every game in a file tips off at or
after 00:00 UTC of the file's date, so the file was captured on that UTC date at the
earliest; staging uses that instant as the snapshot time (a lower bound, flagged as
date-precision). Files are landed byte for byte as .csv; the loader stores their rows as JSON.

A file whose name is not `MM_DD_YYYY.csv` is refused (nothing is guessed from it). A well-named
file whose content fails the loader's checks (not UTF-8, a ragged row, missing columns, no
rows) is still landed unchanged, keyed by its name's date, so the loader quarantines it with
the reason and the ledger shows it; the command reports it and exits non-zero.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ingest.csv_payload import check_result_set, result_set_json
from ingest.landing import Landed, LandingZone
from ingest.payload_check import payload_problem
from ingest.storage import open_storage

log = logging.getLogger(__name__)

SOURCE = "pickem_lines"
PLAYER_PROPS = "player_props"
ENTITIES: tuple[str, ...] = (PLAYER_PROPS,)
RESULT_SET = "PickemLines"
REQUIRED_HEADERS: tuple[str, ...] = (
    "market",
    "bookmaker",
    "player",
    "side",
    "line",
    "price",
    "home_team",
    "away_team",
    "game_id",
    "commence_time",
)
FILE_NAME = re.compile(r"^(?P<month>\d{2})_(?P<day>\d{2})_(?P<year>\d{4})\.csv$")


def payload_text(data: bytes) -> str:
    return result_set_json(data, RESULT_SET)


def check_payload(payload: Any) -> str | None:
    return check_result_set(payload, RESULT_SET, REQUIRED_HEADERS)


def content_problem(data: bytes) -> str | None:
    """What the loader will quarantine the file for (its own wording), or None."""
    return payload_problem(data, payload_text, check_payload, "csv")[0]


def file_date(file_name: str) -> date:
    """The date in a `MM_DD_YYYY.csv` name; ValueError for any other name."""
    match = FILE_NAME.match(file_name)
    if match is None:
        raise ValueError(f"{file_name}: not a MM_DD_YYYY.csv pick'em line file")
    return date(int(match["year"]), int(match["month"]), int(match["day"]))


def request_key(day: date) -> str:
    """lines_<YYYY-MM-DD>; staging reads the file date back from it."""
    return f"lines_{day.isoformat()}"


def land_file(zone: LandingZone, file_name: str, data: bytes, origin: str) -> Landed:
    """Lands the bytes unchanged when the name is a MM_DD_YYYY.csv (ValueError otherwise),
    whatever the content: the loader vets it (see content_problem)."""
    day = file_date(file_name)
    return zone.land(
        SOURCE,
        PLAYER_PROPS,
        request_key(day),
        data,
        origin=origin,
        params={"file_name": file_name, "file_date": day.isoformat()},
        extension="csv",
    )


@dataclass
class FolderReport:
    landed: list[Landed] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, reason): not landed
    # (file, reason): landed, and the loader will quarantine it for that reason
    failing: list[tuple[str, str]] = field(default_factory=list)


def land_folder(zone: LandingZone, folder: str | os.PathLike[str]) -> FolderReport:
    """Land every MM_DD_YYYY.csv under a folder (or gs:// prefix), bytes unchanged; other
    files are reported, never guessed at. Well-named files failing the content checks are
    landed too, and listed in `failing`."""
    storage = open_storage(folder)
    report = FolderReport()
    for key in sorted(storage.list("")):
        name = key.rsplit("/", 1)[-1]
        if not name.lower().endswith(".csv"):
            continue
        data = storage.read(key)
        try:
            landed = land_file(zone, name, data, origin=f"file:{storage.uri(key)}")
        except ValueError as err:
            log.warning("not landing %s: %s", key, err)
            report.rejected.append((key, str(err)))
            continue
        report.landed.append(landed)
        problem = content_problem(data)
        if problem is not None:
            log.warning("landed %s, the loader will quarantine it: %s", key, problem)
            report.failing.append((key, problem))
    return report
