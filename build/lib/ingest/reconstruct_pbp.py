"""Rebuild stats.nba.com `playbyplay` responses from CSV exports of them (one file per game,
the response's PlayByPlay headers as columns), as a per-game fetch would have returned them."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ingest.reconstruct import Payload
from ingest.sources import nba_stats_pbp

# The API sends these as numbers; every other PlayByPlay column is text or null.
INTEGER_COLUMNS = frozenset({"EVENTNUM", "EVENTMSGTYPE", "EVENTMSGACTIONTYPE", "PERIOD"})


def typed_value(column: str, text: str) -> str | int | None:
    if text == "":
        return None
    if column in INTEGER_COLUMNS:
        return int(text)
    return text


def playbyplay_text(game_id: str, headers: list[str], rows: list[list[Any]]) -> str:
    payload = {
        "resource": nba_stats_pbp.ENDPOINT,
        "parameters": {"GameID": game_id, "StartPeriod": 0, "EndPeriod": 10},
        "resultSets": [{"name": nba_stats_pbp.RESULT_SET, "headers": headers, "rowSet": rows}],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def read_pbp_csv(path: Path) -> tuple[str, list[str], list[list[Any]]]:
    """(game id, headers, typed rows in file order); the game id must match the file name."""
    game_id = nba_stats_pbp.validate_game_id(path.stem)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        headers = next(reader)
        missing = [h for h in nba_stats_pbp.REQUIRED_HEADERS if h not in headers]
        if missing:
            raise ValueError(f"{path}: no {missing} column(s)")
        at = headers.index("GAME_ID")
        rows: list[list[Any]] = []
        for line_no, record in enumerate(reader, start=2):
            if len(record) != len(headers):
                raise ValueError(f"{path}:{line_no}: {len(record)} values for {len(headers)}")
            if record[at] != game_id:
                raise ValueError(f"{path}:{line_no}: GAME_ID {record[at]!r} != file {game_id}")
            rows.append([typed_value(h, v) for h, v in zip(headers, record, strict=True)])
    if not rows:
        raise ValueError(f"{path}: no events")
    return game_id, headers, rows


def playbyplay_payloads(
    folder: Path, origin: str, game_dates: Mapping[str, str]
) -> Iterator[tuple[Payload, str]]:
    """(payload, game date) per `<GAME_ID>.csv` in folder, in game id order. Every game must
    have a date in game_dates (from the season's game logs), or the folder is not that season."""
    for path in sorted(folder.glob("*.csv")):
        game_id, headers, rows = read_pbp_csv(path)
        if game_id not in game_dates:
            raise ValueError(f"{path}: game {game_id} is not in the season's game logs")
        yield (
            Payload(
                entity=nba_stats_pbp.PLAY_BY_PLAY,
                request_key=nba_stats_pbp.request_key(game_id),
                params=nba_stats_pbp.request_params(game_id),
                origin=f"{origin}/{path.name}",
                text=playbyplay_text(game_id, headers, rows),
            ),
            game_dates[game_id],
        )


def game_dates_from_log_csv(path: Path) -> dict[str, str]:
    """GAME_ID -> GAME_DATE from a leaguegamelog CSV export."""
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["GAME_ID"]: row["GAME_DATE"] for row in csv.DictReader(fh)}
