"""Player points lines a user already has, imported from a plain CSV file (UTF-8, header row).

Columns (any order; others are kept in raw and ignored):
  game_date      required  the game's US Eastern date, YYYY-MM-DD (the NBA.com game date)
  player_name    required  as the book writes it; matched to NBA.com ids like every feed
  team_abbr      required  the player's team, NBA.com code (BOS, LAL, ...)
  line           required  the points line, a number (e.g. 24.5)
  opponent_abbr  optional  NBA.com code; checked against the game when given
  book           optional  book key as The Odds API spells it (draftkings, fanduel, ...);
                           empty means `user_csv`, ranked after every known book
  snapshot_at    optional  when the line was seen, ISO-8601 with a zone (2025-01-10T22:00:00Z).
                           Empty means the import time: a line imported after its game
                           started is then treated as seen after tip-off and never used
  player_id      optional  NBA.com person id; when given it is used instead of the name match

The file is landed byte for byte as .csv, keyed by its file name (request_key), and checked:
required columns present, every date, number and time readable. A file failing the checks is
landed all the same, so the loader quarantines it with the reason (the same checks are the
loader's gate) and the ledger shows it; `import-lines` reports it and exits 1.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

from ingest.csv_payload import check_result_set, csv_rows, result_set_json
from ingest.landing import Landed, LandingZone, parse_timestamp
from ingest.payload_check import payload_problem

SOURCE = "user_lines"
PLAYER_POINTS = "player_points"
ENTITIES: tuple[str, ...] = (PLAYER_POINTS,)
RESULT_SET = "UserPointsLines"
REQUIRED_HEADERS: tuple[str, ...] = ("game_date", "player_name", "team_abbr", "line")
OPTIONAL_HEADERS: tuple[str, ...] = ("opponent_abbr", "book", "snapshot_at", "player_id")
TEAM_CODE = re.compile(r"^[A-Z]{2,4}$")
SAFE_KEY = re.compile(r"[^A-Za-z0-9_.-]+")


def payload_text(data: bytes) -> str:
    return result_set_json(data, RESULT_SET)


def check_payload(payload: Any) -> str | None:
    """The loader's gate: the result set's shape, then every row usable (as `validate`)."""
    problem = check_result_set(payload, RESULT_SET, REQUIRED_HEADERS)
    if problem is not None:
        return problem
    result_set = payload["resultSets"][0]
    headers = [str(h) for h in result_set["headers"]]
    rows: list[list[str]] = []
    for i, row in enumerate(result_set["rowSet"]):
        if not isinstance(row, list) or len(row) != len(headers):
            return f"rowSet[{i}] does not have {len(headers)} values"
        rows.append(["" if cell is None else str(cell) for cell in row])
    return _summary(_problems(headers, rows))


def _summary(problems: list[str]) -> str | None:
    if not problems:
        return None
    shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
    return "; ".join(shown)


def _problems(headers: list[str], rows: list[list[str]]) -> list[str]:
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if missing:
        return [f"missing required column(s) {missing}; columns are {headers}"]
    if not rows:
        return ["no rows"]
    at = {h: i for i, h in enumerate(headers)}
    problems: list[str] = []

    def cell(row: list[str], name: str) -> str:
        return row[at[name]].strip() if name in at else ""

    for line_no, row in enumerate(rows, start=2):
        try:
            date.fromisoformat(cell(row, "game_date"))
        except ValueError:
            problems.append(
                f"line {line_no}: game_date {cell(row, 'game_date')!r} is not YYYY-MM-DD"
            )
        if not cell(row, "player_name"):
            problems.append(f"line {line_no}: player_name is empty")
        for name in ("team_abbr", "opponent_abbr"):
            value = cell(row, name)
            if (value or name == "team_abbr") and not TEAM_CODE.match(value):
                problems.append(f"line {line_no}: {name} {value!r} is not a team code like BOS")
        try:
            line = float(cell(row, "line"))
            if not 0 < line < 100:
                problems.append(f"line {line_no}: line {line} is not a points line")
        except ValueError:
            problems.append(f"line {line_no}: line {cell(row, 'line')!r} is not a number")
        snapshot = cell(row, "snapshot_at")
        if snapshot:
            if not re.search(r"(Z|[+-]\d{2}:?\d{2})$", snapshot):
                problems.append(f"line {line_no}: snapshot_at {snapshot!r} has no time zone")
            else:
                try:
                    parse_timestamp(snapshot)
                except ValueError:
                    problems.append(f"line {line_no}: snapshot_at {snapshot!r} is not ISO-8601")
        player_id = cell(row, "player_id")
        if player_id and not player_id.isdigit():
            problems.append(f"line {line_no}: player_id {player_id!r} is not a number")
    return problems


def validate(data: bytes) -> None:
    """ValueError listing (up to 20 of) the problems that would make rows unusable."""
    headers, rows = csv_rows(data.decode("utf-8"))
    summary = _summary(_problems(headers, rows))
    if summary:
        raise ValueError(summary)


def content_problem(data: bytes) -> str | None:
    """What the loader will quarantine the file for (its own wording), or None."""
    return payload_problem(data, payload_text, check_payload, "csv")[0]


def request_key(file_name: str) -> str:
    """`import_<stem>` for a plain `<stem>.csv`; a name the key cannot spell as it is (spaces,
    other characters, another extension) gets 8 hex digits of the name's hash as well, so
    `my lines.csv` and `my_lines.csv` stay two imports instead of replacing each other."""
    stem = SAFE_KEY.sub("_", Path(file_name).stem).strip("._-") or "lines"
    if file_name == f"{stem}.csv":
        return f"import_{stem}"
    digest = hashlib.sha256(file_name.encode("utf-8")).hexdigest()[:8]
    return f"import_{stem}_{digest}"


def import_file(zone: LandingZone, path: str | Path) -> tuple[Landed, str | None]:
    """Lands the file's bytes unchanged; (landed, the reason the loader will quarantine it
    for, or None). OSError when the file cannot be read: nothing is landed."""
    source = Path(path)
    data = source.read_bytes()
    landed = zone.land(
        SOURCE,
        PLAYER_POINTS,
        request_key(source.name),
        data,
        origin=f"file:{source.resolve()}",
        params={"file_name": source.name},
        extension="csv",
    )
    return landed, content_problem(data)
