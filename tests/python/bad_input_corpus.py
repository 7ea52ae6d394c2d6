"""The bad-input corpus (issue 8), generated at test time from real payloads.

Nothing here invents a stat, a player or a game. Every case starts from a real payload shipped
in the repository and is mutated the way its failure mode describes (cut short, renamed, a value
moved to the wrong player, re-encoded, emptied, duplicated). tests/fixtures/bad_input/README.md
lists the cases, how each is made and the outcome the tests assert.

Real inputs:
  * tests/fixtures/nba_stats/leaguegamelog_P_2024-25_2024-10-22_2024-10-22.json: the player
    leaguegamelog of 2024-10-22 (NYK @ BOS, MIN @ LAL; 42 rows, minutes as plain numbers).
  * data/bundled/nba_stats/player_game_logs/2024-25.jsonl.gz: the nights of 2024-12-27 and
    2024-12-31, either side of the trade that sent Dorian Finney-Smith from BKN to LAL.
  * tests/fixtures/bad_input/stats_boxscore_0021600270.json and data_0021600270.json (MIT,
    pbpstats): WAS 115 @ OKC 126 on 2016-11-30, an overtime game; the stats.nba.com box score
    (minutes as MM:SS) and the data.nba.com game detail, which also lists the eleven players
    who did not play, with COMMENT "DNP - Coach's Decision".
  * restricted (read at test time, never copied; tests skip without it): the BigDataBall CSV
    of 0042400407 and the NBA.com 2024-25 schedule.
"""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import PLAYER_2024_10_22, REPO, SHARED

from ingest import bundled, bundled_lines
from ingest.landing import Landed, LandingZone
from ingest.sources import nba_schedule, nba_stats, pickem_lines

BAD_INPUT = REPO / "tests" / "fixtures" / "bad_input"
BOXSCORE_0021600270 = BAD_INPUT / "stats_boxscore_0021600270.json"
GAME_DETAIL_0021600270 = BAD_INPUT / "data_0021600270.json"
RESTRICTED = SHARED / "restricted" / "nba-stats-scraper-samples"
RESTRICTED_BIGDATABALL = RESTRICTED / "bigdataball_pbp" / "raw_746cfbef.csv"
RESTRICTED_SCHEDULE = RESTRICTED / "nbac_schedule_api" / "raw_80cb1fd6.json.gz"

SOURCE = nba_stats.SOURCE
PLAYERS = nba_stats.PLAYER_GAME_LOGS
OPENING_NIGHT = date(2024, 10, 22)
TRADE_NIGHTS = (date(2024, 12, 27), date(2024, 12, 31))
# HOU at ATL was listed for 2025-01-11 (the pick'em file of that date has its lines), postponed
# for weather and played on 2025-01-28 as 0022400532.
POSTPONED_NIGHT, REPLAYED_NIGHT = date(2025, 1, 11), date(2025, 1, 28)
POSTPONED_GAME = "0022400532"
FIRST_FETCH = datetime(2025, 1, 2, 9, 0, tzinfo=UTC)

# Case outcomes.
LOADED = "loaded"
QUARANTINED = "quarantined"
FAILS_DBT_TEST = "loaded; fails a named dbt test"

# The real values a corrected re-scrape puts back: on 2024-10-22 the first fetch credits one
# of Karl-Anthony Towns's made two-pointers to his teammate Josh Hart.
TOWNS, HART = 1626157, 1628404
# Traded on 2024-12-29: BKN on 2024-12-27, LAL on 2024-12-31.
FINNEY_SMITH = 1627827
BRUNSON = 1628973
UNKNOWN_LINE_NAME = "J. Brunson"
OT_GAME = "0021600270"


def day_key(season: str, day: date, last_day: date | None = None) -> str:
    return nba_stats.request_key(
        nba_stats.leaguegamelog_params(season, PLAYERS, date_from=day, date_to=last_day or day)
    )


def dump(document: Any) -> bytes:
    """Compact JSON, as stats.nba.com sends it."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def result_set(document: dict[str, Any]) -> dict[str, Any]:
    (rs,) = document["resultSets"]
    return rs


# --- real payloads ------------------------------------------------------------------------


def opening_night() -> bytes:
    return PLAYER_2024_10_22.read_bytes()


def bundled_nights(days: tuple[date, ...]) -> dict[date, bytes]:
    """The bundled 2024-25 player leaguegamelog payloads of the given nights, as landed."""
    [(entity, _, path)] = [
        f
        for f in bundled.bundle_files(REPO / bundled.DEFAULT_BUNDLE_DIR, seasons=["2024-25"])
        if f[0] == nba_stats.PLAYER_GAME_LOGS
    ]
    wanted = {day_key("2024-25", day): day for day in days}
    found: dict[date, bytes] = {}
    for entry in bundled.read_bundle_file(path, entity, "2024-25"):
        if entry.request_key in wanted:
            found[wanted[entry.request_key]] = entry.payload_text.encode("utf-8")
    assert set(found) == set(days), f"bundle lacks {set(days) - set(found)}"
    return found


def bundled_line_file(day: date) -> bytes:
    """The pick'em line file of a date, as shipped in data/bundled (bytes unchanged)."""
    key = pickem_lines.request_key(day)
    for record in bundled_lines.read_lines_bundle(bundled_lines.bundle_path(REPO / "data/bundled")):
        if record["request_key"] == key:
            return str(record["payload_text"]).encode("utf-8")
    raise LookupError(f"no bundled pick'em file {key}")


# --- mutations ----------------------------------------------------------------------------


def truncated(data: bytes) -> bytes:
    """A body cut off half way (a dropped connection saved anyway)."""
    return data[: len(data) // 2]


def html_error_page(url: str) -> bytes:
    """What a CDN edge answers a blocked client, with status 200 in the worst case."""
    return (
        "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n"
        f'You don\'t have permission to access "{url}" on this server.<P>\n'
        "</BODY>\n</HTML>\n"
    ).encode()


def with_empty_rowset(data: bytes) -> bytes:
    """The same request answered with no rows (what the API sends for a night without games,
    and sometimes for a night with games while it is being updated)."""
    document = json.loads(data)
    result_set(document)["rowSet"] = []
    return dump(document)


def with_renamed_header(data: bytes, old: str, new: str) -> bytes:
    """A field renamed by the API (the original system lost two months of minutes to one)."""
    document = json.loads(data)
    headers = result_set(document)["headers"]
    headers[headers.index(old)] = new
    return dump(document)


def without_column(data: bytes, header: str) -> bytes:
    """A field dropped by the API: header and every row's value gone, the shape still whole."""
    document = json.loads(data)
    rs = result_set(document)
    at = rs["headers"].index(header)
    rs["headers"].pop(at)
    for row in rs["rowSet"]:
        row.pop(at)
    return dump(document)


def with_short_row(data: bytes, row: int, header: str) -> bytes:
    """One row missing one value: the row no longer lines up with the headers."""
    document = json.loads(data)
    rs = result_set(document)
    rs["rowSet"][row].pop(rs["headers"].index(header))
    return dump(document)


def with_top_level_renamed(data: bytes, old: str, new: str) -> bytes:
    document = json.loads(data)
    document[new] = document.pop(old)
    return dump(document)


def as_range(data: bytes, date_from: date) -> bytes:
    """The same rows as answered to a wider date range (a backfill overlapping a nightly
    fetch): only the request parameters echoed in the payload differ."""
    document = json.loads(data)
    document["parameters"]["DateFrom"] = date_from.strftime(nba_stats.API_DATE_FORMAT)
    return dump(document)


def _pct(makes: int, attempts: int) -> float | None:
    return round(makes / attempts, 3) if attempts else None


def with_basket_credited_to(data: bytes, scorer: int, credited: int) -> bytes:
    """One made two-pointer of `scorer` credited to teammate `credited` instead: the kind of
    error an official stat correction fixes. Team totals and every box-score identity hold."""
    document = json.loads(data)
    rs = result_set(document)
    at = {h: i for i, h in enumerate(rs["headers"])}
    rows = {row[at["PLAYER_ID"]]: row for row in rs["rowSet"]}
    for player, step in ((scorer, -1), (credited, +1)):
        row = rows[player]
        row[at["FGM"]] += step
        row[at["FGA"]] += step
        row[at["PTS"]] += 2 * step
        row[at["FG_PCT"]] = _pct(row[at["FGM"]], row[at["FGA"]])
    return dump(document)


def with_values(data: bytes, changes: dict[int, dict[str, Any]]) -> bytes:
    """Cells replaced as a broken scraper writes them (a number sent as 'abc', a game date
    shifted by years): {player id: {header: value}}, every other byte of the rows unchanged."""
    document = json.loads(data)
    rs = result_set(document)
    at = {h: i for i, h in enumerate(rs["headers"])}
    rows = {row[at["PLAYER_ID"]]: row for row in rs["rowSet"]}
    for player, values in changes.items():
        for header, value in values.items():
            rows[player][at[header]] = value
    return dump(document)


def with_player_listed_twice(data: bytes, player: int) -> bytes:
    """The player's row listed a second time with one more made two-pointer (as a scraper
    merging two pages of a response would): each row is internally consistent, so only the
    repeat gives it away."""
    document = json.loads(data)
    rs = result_set(document)
    at = {h: i for i, h in enumerate(rs["headers"])}
    [row] = [r for r in rs["rowSet"] if r[at["PLAYER_ID"]] == player]
    again = list(row)
    again[at["FGM"]] += 1
    again[at["FGA"]] += 1
    again[at["PTS"]] += 2
    again[at["FG_PCT"]] = _pct(again[at["FGM"]], again[at["FGA"]])
    rs["rowSet"].append(again)
    return dump(document)


def with_line_value(data: bytes, book: str, player: str, side: str, value: str) -> bytes:
    """One book's points line for a player and side written as `value` (e.g. 'abc')."""
    headers, rows = csv_table(data)
    at = {h: i for i, h in enumerate(headers)}
    hits = [
        r
        for r in rows
        if (r[at["market"]], r[at["bookmaker"]], r[at["player"]], r[at["side"]])
        == ("player_points", book, player, side)
    ]
    assert len(hits) == 1, f"want one {book} {player} {side} points line, found {len(hits)}"
    hits[0][at["line"]] = value
    return csv_bytes(headers, rows)


def with_line_player_renamed(data: bytes, book: str, player: str, spelled: str) -> bytes:
    """One book's points lines for a player under a spelling no other feed, log or alias uses
    (an initial for the first name), every other byte unchanged."""
    prefix = f"player_points,{book},{player},"
    lines = data.decode("utf-8").splitlines(keepends=True)
    renamed = [
        f"player_points,{book},{spelled},{line[len(prefix) :]}" if line.startswith(prefix) else line
        for line in lines
    ]
    assert renamed != lines, f"no {book} points line for {player}"
    return "".join(renamed).encode("utf-8")


def nested_in_arrays(data: bytes, depth: int) -> bytes:
    """The whole payload wrapped in `depth` arrays, `[[[...]]]`: still JSON, but nested past
    what a recursive parser (Python's, at about a thousand levels) can follow."""
    return b"[" * depth + data + b"]" * depth


def with_value_nested(data: bytes, row: int, header: str, depth: int) -> bytes:
    """One value of one row, its real value, wrapped in `depth` arrays; every other byte as
    dump() writes it. Spliced in as text: no JSON library can write it that deep."""
    document = json.loads(data)
    rs = result_set(document)
    at = rs["headers"].index(header)
    value = rs["rowSet"][row][at]
    placeholder = "nested value placeholder"
    rs["rowSet"][row][at] = placeholder
    nested = b"[" * depth + json.dumps(value).encode() + b"]" * depth
    return dump(document).replace(json.dumps(placeholder).encode(), nested, 1)


def with_duplicate_key_first(data: bytes, key: str, value: Any) -> bytes:
    """The payload naming a top-level key twice: `value` first, then the real one, unchanged.
    Python's json keeps the last, DuckDB's JSON functions the first."""
    text = data.decode("utf-8")
    assert text.startswith("{"), "not a JSON object"
    return ("{" + json.dumps(key) + ":" + dump(value).decode("utf-8") + "," + text[1:]).encode()


def with_rowset_named_twice(data: bytes) -> bytes:
    """The result set naming `rowSet` twice: an empty one first, then the real rows."""
    assert data.count(b'"rowSet":[') == 1
    return data.replace(b'"rowSet":[', b'"rowSet":[],"rowSet":[', 1)


def mmss_to_iso(value: str) -> str:
    """'41:07' -> 'PT41M07.00S', the cdn liveData encoding of the same duration."""
    minutes, seconds = value.split(":")
    return f"PT{int(minutes)}M{int(seconds):02d}.00S"


# --- the overtime game with DNP rows -------------------------------------------------------

# The player leaguegamelog headers, in the API's order (as in the opening-night fixture).
LEAGUEGAMELOG_HEADERS: list[str] = json.loads(PLAYER_2024_10_22.read_bytes())["resultSets"][0][
    "headers"
]
BOX_TO_LOG = {"TOV": "TO"}  # leaguegamelog header -> boxscoretraditionalv2 header
COUNTING = LEAGUEGAMELOG_HEADERS[LEAGUEGAMELOG_HEADERS.index("PTS") :]


def overtime_game_with_dnp_rows(okc_minutes: Callable[[str], str] = mmss_to_iso) -> bytes:
    """WAS @ OKC, 2016-11-30 (0021600270, one overtime), as a player leaguegamelog payload in
    the box-score shape: one row per player of both teams, the 19 who played with their real
    box score and the 11 who did not with COMMENT "DNP - Coach's Decision" and no minutes or
    stats. Minutes stay MM:SS for WAS (as the box score sends them) and are re-encoded for OKC
    by okc_minutes (default: the cdn's PT41M07.00S form), so one game carries both encodings.

    Game-level columns come from the same two files: the date and which team was away from the
    game detail, W/L from the team points, TEAM_NAME from the box score's team rows."""
    box = json.loads(BOXSCORE_0021600270.read_text())
    detail = json.loads(GAME_DETAIL_0021600270.read_text())["g"]
    sets = {rs["name"]: rs for rs in box["resultSets"]}
    teams = {
        row[3]: dict(zip(sets["TeamStats"]["headers"], row, strict=True))
        for row in sets["TeamStats"]["rowSet"]
    }
    away, home = detail["vls"]["ta"], detail["hls"]["ta"]
    matchup = {away: f"{away} @ {home}", home: f"{home} vs. {away}"}
    points = {abbr: team["PTS"] for abbr, team in teams.items()}
    win_loss = {away: "W" if points[away] > points[home] else "L"}
    win_loss[home] = "L" if win_loss[away] == "W" else "W"
    season_id = OT_GAME[2] + "20" + OT_GAME[3:5]  # season type digit + start year: '22016'

    def base(abbr: str, player_id: int, name: str) -> dict[str, Any]:
        team = teams[abbr]
        return {
            "SEASON_ID": season_id,
            "PLAYER_ID": player_id,
            "PLAYER_NAME": name,
            "TEAM_ID": team["TEAM_ID"],
            "TEAM_ABBREVIATION": abbr,
            "TEAM_NAME": f"{team['TEAM_CITY']} {team['TEAM_NAME']}",
            "GAME_ID": OT_GAME,
            "GAME_DATE": detail["gdte"],
            "MATCHUP": matchup[abbr],
            "WL": win_loss[abbr],
        }

    rows: list[list[Any]] = []
    player_headers = sets["PlayerStats"]["headers"]
    for values in sets["PlayerStats"]["rowSet"]:
        played = dict(zip(player_headers, values, strict=True))
        abbr = played["TEAM_ABBREVIATION"]
        row = base(abbr, played["PLAYER_ID"], played["PLAYER_NAME"])
        minutes = played["MIN"]
        row["MIN"] = minutes if abbr == away else okc_minutes(minutes)
        for header in COUNTING:
            row[header] = played[BOX_TO_LOG.get(header, header)]
        row["COMMENT"] = played["COMMENT"]
        rows.append([row[h] for h in (*LEAGUEGAMELOG_HEADERS, "COMMENT")])
    for side in ("vls", "hls"):
        abbr = detail[side]["ta"]
        for player in detail[side]["pstsg"]:
            if not str(player.get("memo", "")).startswith("DNP"):
                continue
            row = base(abbr, player["pid"], f"{player['fn']} {player['ln']}")
            row.update(dict.fromkeys(["MIN", *COUNTING]))
            row["COMMENT"] = player["memo"]
            rows.append([row[h] for h in (*LEAGUEGAMELOG_HEADERS, "COMMENT")])
    document = {
        "resource": "leaguegamelog",
        "parameters": {
            "LeagueID": "00",
            "Season": "2016-17",
            "SeasonType": "Regular Season",
            "PlayerOrTeam": "P",
            "DateFrom": "11/30/2016",
            "DateTo": "11/30/2016",
        },
        "resultSets": [
            {
                "name": "LeagueGameLog",
                "headers": [*LEAGUEGAMELOG_HEADERS, "COMMENT"],
                "rowSet": rows,
            }
        ],
    }
    return dump(document)


def boxscore_players() -> list[dict[str, Any]]:
    """The real box-score rows of 0021600270 (the 19 who played), by header."""
    rs = json.loads(BOXSCORE_0021600270.read_text())["resultSets"][0]
    return [dict(zip(rs["headers"], row, strict=True)) for row in rs["rowSet"]]


def dnp_players() -> list[tuple[int, str, str]]:
    """(player id, team, memo) of everyone the game detail lists as did-not-play."""
    detail = json.loads(GAME_DETAIL_0021600270.read_text())["g"]
    return [
        (p["pid"], detail[side]["ta"], p["memo"])
        for side in ("vls", "hls")
        for p in detail[side]["pstsg"]
        if str(p.get("memo", "")).startswith("DNP")
    ]


# --- BigDataBall CSV mutations (restricted file, mutated in memory) -------------------------


def csv_table(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def csv_bytes(headers: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def csv_with_extra_column(data: bytes, name: str, source_column: str) -> bytes:
    """A column BigDataBall added: a copy of an existing one under a new name, at the end."""
    headers, rows = csv_table(data)
    at = headers.index(source_column)
    return csv_bytes([*headers, name], [[*row, row[at]] for row in rows])


def csv_without_column(data: bytes, name: str) -> bytes:
    headers, rows = csv_table(data)
    at = headers.index(name)
    return csv_bytes(
        [h for i, h in enumerate(headers) if i != at],
        [[v for i, v in enumerate(row) if i != at] for row in rows],
    )


def csv_with_ragged_row(data: bytes, row: int) -> bytes:
    """One row with a value too many (an unquoted comma in a description)."""
    headers, rows = csv_table(data)
    rows = copy.deepcopy(rows)
    rows[row].append("")
    return csv_bytes(headers, rows)


# --- the corpus -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One landed file of the corpus and the outcome the tests assert for it."""

    name: str
    request_key: str
    data: bytes
    fetched_at: datetime
    outcome: str
    reason: str | None = None  # a substring of the quarantine reason
    source: str = SOURCE
    entity: str = PLAYERS
    extension: str = "json"
    params: dict[str, str] = field(default_factory=dict)

    def land(self, zone: LandingZone) -> Landed:
        return zone.land(
            self.source,
            self.entity,
            self.request_key,
            self.data,
            origin=f"test:bad_input/{self.name}",
            params=self.params,
            fetched_at=self.fetched_at,
            extension=self.extension,
        )


def warehouse_cases() -> list[Case]:
    """The leaguegamelog cases that go into the tiny warehouse together: after `ingest load`
    and `dbt build` every dbt test passes, the bad files sit in the quarantine and the ledger
    balances. Fetch times order the re-scrapes (a later fetch wins)."""
    real = opening_night()
    nights = bundled_nights(TRADE_NIGHTS)
    opening_key = day_key("2024-25", OPENING_NIGHT)
    at = FIRST_FETCH
    hour = timedelta(hours=1)
    ot_key = day_key("2016-17", date(2016, 11, 30))
    return [
        # The first fetch of opening night credits one of Towns's baskets to Hart ...
        Case(
            "wrong_first_fetch",
            opening_key,
            with_basket_credited_to(real, TOWNS, HART),
            at,
            LOADED,
        ),
        # ... the re-scrape a day later carries the corrected (real) box score and wins.
        Case("corrected_rescrape", opening_key, real, at + timedelta(days=1), LOADED),
        # The same rows again, answered to a wider range request: loaded, no duplicate rows.
        Case(
            "duplicate_range_payload",
            day_key("2024-25", OPENING_NIGHT - timedelta(days=1), OPENING_NIGHT),
            as_range(real, OPENING_NIGHT - timedelta(days=1)),
            at + timedelta(days=1, hours=1),
            LOADED,
        ),
        # A later re-scrape that came back empty: loaded, and it erases nothing.
        Case(
            "empty_rowset_rescrape",
            opening_key,
            with_empty_rowset(real),
            at + timedelta(days=2),
            LOADED,
        ),
        # A re-scrape cut off half way: quarantined, the earlier rows stay.
        Case(
            "truncated_json",
            opening_key,
            truncated(real),
            at + timedelta(days=3),
            QUARANTINED,
            "not valid JSON",
        ),
        Case(
            "html_error_page",
            day_key("2024-25", date(2024, 10, 23)),
            html_error_page("https://stats.nba.com/stats/leaguegamelog?DateFrom=10/23/2024"),
            at + hour,
            QUARANTINED,
            "starts with '<HTML><HEAD> <TITLE>Access Denied",
        ),
        Case(
            "empty_file",
            day_key("2024-25", date(2024, 10, 24)),
            b"",
            at + hour,
            QUARANTINED,
            "not valid JSON",
        ),
        Case(
            "renamed_top_level_field",
            opening_key,
            with_top_level_renamed(real, "resultSets", "resultSet"),
            at + timedelta(days=3, hours=2),
            QUARANTINED,
            "missing or empty resultSets",
        ),
        Case(
            "row_missing_a_value",
            opening_key,
            with_short_row(real, 3, "PLUS_MINUS"),
            at + timedelta(days=3, hours=1),
            QUARANTINED,
            "rowSet[3] does not have 30 values",
        ),
        # Overtime, DNP rows and two minutes encodings in one real game.
        Case(
            "overtime_dnp_mmss_and_iso_minutes", ot_key, overtime_game_with_dnp_rows(), at, LOADED
        ),
        # The two nights either side of a trade.
        *(
            Case(
                f"traded_player_{night.isoformat()}",
                day_key("2024-25", night),
                nights[night],
                at,
                LOADED,
            )
            for night in TRADE_NIGHTS
        ),
    ]


def dbt_failure_cases() -> list[Case]:
    """Re-scrapes that load (their shape is whole), whose rows staging then holds back: the
    reason is the row problem ops.held_back_rows gives every row of the file."""
    real = opening_night()
    key = day_key("2024-25", OPENING_NIGHT)
    later = FIRST_FETCH + timedelta(days=10)
    return [
        Case(
            "renamed_field_MIN_to_MINUTES",
            key,
            with_renamed_header(real, "MIN", "MINUTES"),
            later,
            FAILS_DBT_TEST,
            "minutes missing",
        ),
        Case(
            "missing_field_PTS",
            day_key("2024-25", TRADE_NIGHTS[0]),
            without_column(bundled_nights(TRADE_NIGHTS[:1])[TRADE_NIGHTS[0]], "PTS"),
            later,
            FAILS_DBT_TEST,
            "points missing",
        ),
    ]


def line_feed_cases() -> list[Case]:
    """Opening night's pick'em lines with one book writing Jalen Brunson as 'J. Brunson'."""
    renamed = with_line_player_renamed(
        bundled_line_file(OPENING_NIGHT), "Underdog", "Jalen Brunson", UNKNOWN_LINE_NAME
    )
    return [
        Case(
            "unknown_player_in_line_feed",
            pickem_lines.request_key(OPENING_NIGHT),
            renamed,
            FIRST_FETCH,
            LOADED,
            source=pickem_lines.SOURCE,
            entity=pickem_lines.PLAYER_PROPS,
            extension="csv",
        )
    ]


def postponed_game_cases() -> list[Case]:
    """HOU at ATL, postponed on 2025-01-11 and played on 2025-01-28: the pick'em file listing
    it on the 11th and the player logs of both nights, all real and unchanged; plus the NBA.com
    schedule (restricted, read at run time) when it is there."""
    nights = bundled_nights((POSTPONED_NIGHT, REPLAYED_NIGHT))
    cases = [
        Case(
            "postponed_game_line_file",
            pickem_lines.request_key(POSTPONED_NIGHT),
            bundled_line_file(POSTPONED_NIGHT),
            FIRST_FETCH,
            LOADED,
            source=pickem_lines.SOURCE,
            entity=pickem_lines.PLAYER_PROPS,
            extension="csv",
        ),
        *(
            Case(
                f"postponed_game_night_{night.isoformat()}",
                day_key("2024-25", night),
                data,
                FIRST_FETCH,
                LOADED,
            )
            for night, data in nights.items()
        ),
    ]
    schedule = restricted_bytes(RESTRICTED_SCHEDULE)
    if schedule is not None:
        body = gzip.decompress(schedule)
        cases.append(
            Case(
                "postponed_game_schedule",
                nba_schedule.request_key(body),
                body,
                FIRST_FETCH,
                LOADED,
                source=nba_schedule.SOURCE,
                entity=nba_schedule.LEAGUE_SCHEDULE,
            )
        )
    return cases


def land_all(zone: LandingZone, cases: list[Case]) -> Iterator[tuple[Case, Landed]]:
    for case in cases:
        yield case, case.land(zone)


def restricted_bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None
