"""BigDataBall play-by-play: one CSV file per game, delivered to a folder (or bucket), named like
`[2025-06-22]-0042400407-IND@OKC.csv`. Each file is landed unchanged, as a `.csv` payload.

The raw layer stores payloads as JSON text, because staging parses them with JSON functions
that exist on both DuckDB and BigQuery; neither can parse CSV held in a column (BigQuery has no
CSV function at all, and descriptions contain quoted commas, so splitting on ',' is wrong). So
the loader converts the landed CSV, losslessly, into the shape staging already reads for
stats.nba.com: `{"resultSets": [{"name": "BigDataBallPlayByPlay", "headers": [...],
"rowSet": [[...], ...]}]}`, every value the CSV cell's text and an empty cell null. The landed
file keeps the original bytes; raw.sha256 and raw.bytes describe those bytes.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

from ingest.csv_payload import check_result_set, csv_rows, result_set_json
from ingest.landing import Landed, LandingZone
from ingest.storage import open_storage

log = logging.getLogger(__name__)

SOURCE = "bigdataball"
PLAY_BY_PLAY = "play_by_play"
ENTITIES: tuple[str, ...] = (PLAY_BY_PLAY,)
RESULT_SET = "BigDataBallPlayByPlay"
FILE_GAME_ID = re.compile(r"(?<!\d)(00[1-5]\d{7})(?!\d)")
CSV_GAME_ID = re.compile(r"^\d{1,10}$")
# The columns staging reads; BigDataBall sends 44 (lineups, scores, clocks, shot geometry).
REQUIRED_HEADERS = (
    "game_id",
    "date",
    "period",
    "remaining_time",
    "play_id",
    "team",
    "event_type",
    "player",
    "assist",
    "block",
    "result",
    "type",
    "shot_distance",
    "original_x",
    "original_y",
)


def payload_text(data: bytes) -> str:
    """Landed CSV bytes -> the JSON text the raw layer stores (see the module docstring)."""
    return result_set_json(data, RESULT_SET, strip_headers=False)


def check_play_by_play(payload: Any) -> str | None:
    return check_result_set(payload, RESULT_SET, REQUIRED_HEADERS)


def game_id_of(file_name: str, data: bytes) -> str:
    """The NBA game id, from the file name and the CSV's game_id column (BigDataBall drops the
    leading zeros: 42400407 is 0042400407). Both must agree when both are there. A file whose
    rows cannot be read (not UTF-8, a row of the wrong width) still lands when its name gives
    the id, so the loader quarantines it with the reason instead of it being skipped here."""
    try:
        headers, rows = csv_rows(data.decode("utf-8"), strip_headers=False)
    except (ValueError, UnicodeDecodeError):
        named = FILE_GAME_ID.search(file_name)
        if named is None:
            raise
        return named[1]
    at = headers.index("game_id") if "game_id" in headers else None
    in_csv = {row[at] for row in rows} if at is not None else set()
    if len(in_csv) > 1:
        raise ValueError(f"{file_name}: several game ids in one file: {sorted(in_csv)}")
    from_csv = None
    if in_csv:
        (value,) = in_csv
        if not CSV_GAME_ID.match(value):
            raise ValueError(f"{file_name}: game_id {value!r} is not a number")
        from_csv = value.zfill(10)
    match = FILE_GAME_ID.search(file_name)
    from_name = match[1] if match else None
    if from_name and from_csv and from_name != from_csv:
        raise ValueError(f"{file_name}: name says {from_name}, rows say {from_csv}")
    game_id = from_name or from_csv
    if game_id is None or not FILE_GAME_ID.fullmatch(game_id):
        raise ValueError(f"{file_name}: no NBA game id in the name or the rows")
    return game_id


def request_key(game_id: str) -> str:
    return f"pbp_{game_id}"


@dataclass
class FolderReport:
    landed: list[Landed] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


def land_file(zone: LandingZone, file_name: str, data: bytes, origin: str) -> Landed:
    game_id = game_id_of(file_name, data)
    return zone.land(
        SOURCE,
        PLAY_BY_PLAY,
        request_key(game_id),
        data,
        origin=origin,
        params={"file_name": file_name, "game_id": game_id},
        extension="csv",
    )


def land_folder(zone: LandingZone, folder: str | os.PathLike[str]) -> FolderReport:
    """Land every *.csv under folder (a local path or gs://bucket/prefix), bytes unchanged.
    A file whose game id cannot be established is reported and skipped, never guessed."""
    storage = open_storage(folder)
    report = FolderReport()
    for key in storage.list(""):
        if not key.lower().endswith(".csv"):
            continue
        data = storage.read(key)
        name = key.rsplit("/", 1)[-1]
        try:
            landed = land_file(zone, name, data, origin=f"file:{storage.uri(key)}")
        except (ValueError, UnicodeDecodeError) as err:
            log.warning("not landing %s: %s", key, err)
            report.rejected.append((key, str(err)))
            continue
        log.info("%s %s -> %s", "landed" if landed.written else "unchanged", key, landed.path)
        report.landed.append(landed)
    return report
