"""Rebuild the leaguegamelog responses a nightly fetch would have returned, from CSV exports of
those same responses. Each payload holds one game date, as a DateFrom=DateTo=<date> call does."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ingest.sources import nba_stats

# Every other leaguegamelog column is an integer count, or a float when it ends in _PCT.
STRING_COLUMNS = frozenset(
    {
        "SEASON_ID",
        "PLAYER_NAME",
        "TEAM_ABBREVIATION",
        "TEAM_NAME",
        "GAME_ID",
        "GAME_DATE",
        "MATCHUP",
        "WL",
    }
)
# Added by the exporting project; the API never returns it.
NON_API_COLUMNS = frozenset({"SEASON_LABEL"})
GAME_ID_PATTERN = re.compile(r"^\d{10}$")
GAME_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The order stats.nba.com echoes its parameters in (as in the recorded pbpstats response).
ECHO_ORDER = (
    "LeagueID",
    "Season",
    "SeasonType",
    "PlayerOrTeam",
    "Counter",
    "Sorter",
    "Direction",
    "DateFrom",
    "DateTo",
)


@dataclass(frozen=True)
class Payload:
    entity: str
    request_key: str
    params: dict[str, str]
    origin: str
    text: str  # the exact JSON text; its UTF-8 bytes are what gets landed

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


def typed_value(column: str, text: str) -> str | int | float | None:
    if text == "":
        return None
    if column in STRING_COLUMNS:
        return text
    if column.endswith("_PCT"):
        return float(text)
    return int(text)


def echo_parameters(params: Mapping[str, str]) -> dict[str, Any]:
    """The 'parameters' block the API sends back: Counter as a number, empty dates as null."""
    echoed: dict[str, Any] = {}
    for name in ECHO_ORDER:
        value = params[name]
        if name == "Counter":
            echoed[name] = int(value)
        elif name in ("DateFrom", "DateTo"):
            echoed[name] = value or None
        else:
            echoed[name] = value
    return echoed


def request_params_from_echo(parameters: Mapping[str, Any]) -> dict[str, str]:
    """Inverse of echo_parameters: the request a recorded response answered."""
    params = {
        name: "" if parameters.get(name) is None else str(parameters[name]) for name in ECHO_ORDER
    }
    return {name: params[name] for name in nba_stats.REQUEST_PARAM_ORDER}


def leaguegamelog_text(params: Mapping[str, str], headers: list[str], rows: list[list[Any]]) -> str:
    payload = {
        "resource": nba_stats.ENDPOINT,
        "parameters": echo_parameters(params),
        "resultSets": [{"name": "LeagueGameLog", "headers": headers, "rowSet": rows}],
    }
    # Compact separators and raw UTF-8 names, as stats.nba.com serves them.
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def read_log_csv(path: Path, season: str) -> tuple[list[str], list[list[Any]]]:
    """Typed rows in file order, with the API's column order and non-API columns dropped."""
    season_id = f"2{nba_stats.season_start_year(season)}"
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        columns = next(reader)
        keep = [i for i, name in enumerate(columns) if name not in NON_API_COLUMNS]
        headers = [columns[i] for i in keep]
        for required in ("SEASON_ID", "GAME_ID", "GAME_DATE"):
            if required not in headers:
                raise ValueError(f"{path}: no {required} column")
        label_at = columns.index("SEASON_LABEL") if "SEASON_LABEL" in columns else None
        rows: list[list[Any]] = []
        for line_no, record in enumerate(reader, start=2):
            if len(record) != len(columns):
                raise ValueError(
                    f"{path}:{line_no}: {len(record)} values for {len(columns)} columns"
                )
            if label_at is not None and record[label_at] != season:
                raise ValueError(f"{path}:{line_no}: SEASON_LABEL {record[label_at]} != {season}")
            row = [typed_value(columns[i], record[i]) for i in keep]
            rows.append(row)
    at = {name: i for i, name in enumerate(headers)}
    for line_no, row in enumerate(rows, start=2):
        if row[at["SEASON_ID"]] != season_id:
            raise ValueError(f"{path}:{line_no}: SEASON_ID {row[at['SEASON_ID']]} != {season_id}")
        if not GAME_ID_PATTERN.match(str(row[at["GAME_ID"]])):
            raise ValueError(f"{path}:{line_no}: GAME_ID {row[at['GAME_ID']]!r} is not 10 digits")
        if not GAME_DATE_PATTERN.match(str(row[at["GAME_DATE"]])):
            raise ValueError(f"{path}:{line_no}: GAME_DATE {row[at['GAME_DATE']]!r}")
    return headers, rows


def daily_payloads(path: Path, season: str, entity: str, origin: str) -> Iterator[Payload]:
    """One payload per game date, dates ascending, rows of a date in file order."""
    headers, rows = read_log_csv(path, season)
    date_at = headers.index("GAME_DATE")
    by_date: dict[str, list[list[Any]]] = {}
    for row in rows:
        by_date.setdefault(row[date_at], []).append(row)
    for day_text in sorted(by_date):
        day = date.fromisoformat(day_text)
        params = nba_stats.leaguegamelog_params(season, entity, day, day)
        yield Payload(
            entity=entity,
            request_key=nba_stats.request_key(params),
            params=params,
            origin=f"{origin}#GAME_DATE={day_text}",
            text=leaguegamelog_text(params, headers, by_date[day_text]),
        )


def recorded_payload(path: Path, origin: str) -> Payload:
    """A response recorded whole from the API: kept as its exact text, keyed by what it echoes."""
    text = path.read_bytes().decode("utf-8")
    document = json.loads(text)
    params = request_params_from_echo(document["parameters"])
    entity = nba_stats.ENTITY_BY_KIND[params["PlayerOrTeam"]]
    return Payload(
        entity=entity,
        request_key=nba_stats.request_key(params),
        params=params,
        origin=origin,
        text=text,
    )
