"""Pre-game context end to end on real data (about 50 s on an idle two-core machine).

1. Tonight by replay: land the bundled 2024-25 season `--through 2025-01-10` (logs up to that
   night, pick'em files up to the next day), build, and read the 2025-01-11 games as tonight's:
   scheduled, with players and lines, every value from games before the 11th. Then replay
   one more night: the same player-games come back as history rows with the same population
   and the same rest and load values (the same SQL made both).
2. The restricted NBA.com schedule and Odds API captures (skipped when absent): parsed one row
   per game; book spellings matched to NBA.com ids; their snapshots, all taken after tip-off,
   never become a line.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import DBT, REPO, SHARED, demo_env

from ingest.landing import LandingZone
from portability.bigquery_check import GoogleSqlError, seed_columns

RESTRICTED = SHARED / "restricted" / "nba-stats-scraper-samples"
CONTEXT_MODELS = (
    "+upcoming_player_game_context +player_points_line_match_rate +player_points_lines_unmatched"
)
CONTEXT_TESTS = "path:models/marts/context path:models/intermediate/context"
# Columns that must not change when tonight's row becomes a history row.
SAME_AS_HISTORY = (
    "team_abbr",
    "opponent_team_abbr",
    "is_home",
    "days_rest",
    "games_last_7_days",
    "games_last_14_days",
    "minutes_last_7_days",
    "minutes_last_14_days",
    "team_days_rest",
    "opponent_days_rest",
    "last_source_game_date",
)


def _run(args: list[str], tmp: Path) -> None:
    done = subprocess.run(
        args, cwd=REPO, env=demo_env(tmp), capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]


def _dbt_run(tmp: Path, select: str, test: str | None = None) -> None:
    """Build the selection (seeds and models, no tests), then the data tests of `test`, only
    those whose every parent is selected: tests on marts not built here would fail."""
    paths = ["--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    _run(
        [
            DBT,
            "build",
            "--select",
            select,
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
            *paths,
        ],
        tmp,
    )
    if test:
        _run(
            [
                DBT,
                "test",
                "--select",
                test,
                "--exclude",
                "test_type:unit",
                "--indirect-selection",
                "cautious",
                *paths,
            ],
            tmp,
        )


def _query(tmp: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_seed_columns_come_from_the_yaml_types() -> None:
    seed = {
        "config": {"column_types": {"team_id": "int64", "TEAM_ABBR": "string"}},
        "columns": {"team_id": {}, "team_abbr": {}},
    }
    assert seed_columns(seed) == [("team_id", "int64"), ("team_abbr", "string")]
    with pytest.raises(GoogleSqlError, match="no column_types entry for column"):
        seed_columns({"config": {}, "columns": {"team_id": {}}})


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("context")
    ingest = [sys.executable, "-m", "ingest"]
    _run([*ingest, "bundled", "--seasons", "2024-25", "--through", "2025-01-10"], tmp)
    _run([*ingest, "load"], tmp)
    _dbt_run(tmp, CONTEXT_MODELS, CONTEXT_TESTS)
    return tmp


def test_tonight_rows_are_the_next_game_day_with_lines(replayed: Path) -> None:
    schedule = _query(
        replayed,
        "select game_date, status, game_source, count(*) from marts.game_schedule "
        "where is_upcoming group by all",
    )
    # The 2025-01-11 slate is known only from the pick'em files (no schedule in the demo).
    assert [(str(d), s, src) for d, s, src, _ in schedule] == [
        ("2025-01-11", "scheduled", "line_feeds")
    ]
    assert schedule[0][3] >= 5
    tonight = _query(
        replayed,
        "select count(*), count(distinct game_key), sum(case when has_line then 1 else 0 end), "
        "max(last_source_game_date), min(current_line_snapshot_at), max(current_line_snapshot_at) "
        "from marts.upcoming_player_game_context where game_status = 'scheduled'",
    )
    rows, games, with_line, last_source, first_snapshot, last_snapshot = tonight[0]
    assert games == schedule[0][3]
    assert rows > 20 * games and with_line > 10 * games
    assert str(last_source) <= "2025-01-10"
    # Files up to 2025-01-12 (captured from 7 pm US Eastern on the 11th) and none later.
    assert str(first_snapshot) >= "2025-01-10" and str(last_snapshot) == "2025-01-12 00:00:00"
    history = _query(
        replayed,
        "select min(game_date), max(game_date), count(*) from marts.upcoming_player_game_context "
        "where game_status = 'final'",
    )
    assert str(history[0][1]) == "2025-01-10"


def test_tonight_lines_answer_who_had_a_line_and_how_it_moved(replayed: Path) -> None:
    moved = _query(
        replayed,
        "select player_name, current_points_line, opening_points_line, line_movement, "
        "current_line_book, line_book_count from marts.upcoming_player_game_context "
        "where game_status = 'scheduled' and has_line order by abs(line_movement) desc, "
        "player_name",
    )
    assert moved
    for _, current, opening, movement, book, books in moved:
        assert movement == current - opening
        assert book in ("prizepicks", "underdog") and books in (1, 2)
    rate = _query(
        replayed,
        "select line_row_match_rate, player_game_match_rate from "
        "marts.player_points_line_match_rate where feed = 'all'",
    )
    assert rate and rate[0][0] >= 0.95 and rate[0][1] >= 0.95


def test_next_night_turns_tonight_into_the_same_history_rows(replayed: Path) -> None:
    columns = ", ".join(SAME_AS_HISTORY)
    select = (
        f"select player_id, game_key, {columns} from marts.upcoming_player_game_context "
        "where game_date = '2025-01-11' order by player_id, game_key"
    )
    tonight = _query(replayed, select)
    _run(
        [
            sys.executable,
            "-m",
            "ingest",
            "bundled",
            "--seasons",
            "2024-25",
            "--through",
            "2025-01-11",
        ],
        replayed,
    )
    _run([sys.executable, "-m", "ingest", "load"], replayed)
    _dbt_run(replayed, CONTEXT_MODELS)
    statuses = _query(
        replayed,
        "select distinct game_status from marts.upcoming_player_game_context "
        "where game_date = '2025-01-11'",
    )
    assert statuses == [("final",)]
    history = _query(replayed, select)
    # HOU at ATL was postponed (weather): tonight it was on the slate, history has no box score.
    postponed = [row for row in tonight if row[1] == "20250111_HOU_ATL"]
    assert postponed and not [row for row in history if row[1] == "20250111_HOU_ATL"]
    assert [row for row in tonight if row[1] != "20250111_HOU_ATL"] == history


# --- restricted captures -----------------------------------------------------------------


def _restricted(relative: str) -> bytes:
    path = RESTRICTED / relative
    if not path.is_file():
        pytest.skip(f"restricted sample {path} is absent (only the project workspace has it)")
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def test_restricted_schedule_and_odds_captures(tmp_path: Path) -> None:
    schedule = _restricted("nbac_schedule_api/raw_80cb1fd6.json.gz")
    preseason = _restricted("nbac_schedule_cdn/raw_68953816.json")
    props = [
        _restricted(f"oddsa_player_props_his/raw_{name}.json") for name in ("4fd911e4", "d894c998")
    ]
    game_lines = _restricted("oddsa_game_lines_his/raw_b722994c.json")
    zone = LandingZone(tmp_path / "landing")
    zone.land("nba_schedule", "league_schedule", "scheduleLeagueV2_2024-25", schedule, "test")
    zone.land("nba_schedule", "league_schedule", "scheduleLeagueV2_2025-26", preseason, "test")
    for body in props:
        key = "event_242c77a8d5890e18bab91773ad32fcb5_player_props"
        zone.land("odds_api", "player_props", key, body, "test")
    zone.land(
        "odds_api",
        "game_lines",
        "event_cd0bc7d0c238f4446ce1c03d0cea7ec4_game_lines",
        game_lines,
        "test",
    )
    _run(
        [
            sys.executable,
            "-m",
            "ingest",
            "bundled",
            "--seasons",
            "2024-25",
            "--through",
            "2025-03-10",
        ],
        tmp_path,
    )
    _run([sys.executable, "-m", "ingest", "load", "--strict"], tmp_path)
    _dbt_run(
        tmp_path,
        "stg_nba_schedule__games +int_player_points_lines_selected +int_game_lines_selected",
    )

    by_type = dict(
        _query(
            tmp_path,
            "select season_type, count(*) from staging.stg_nba_schedule__games "
            "where season = '2024-25' group by 1",
        )
    )
    assert by_type == {
        "Regular Season": 1230,
        "Playoffs": 84,
        "Pre Season": 73,
        "PlayIn": 6,
        "All Star": 6,
        "NBA Cup Final": 1,
    }
    (game,) = _query(
        tmp_path,
        "select game_date, tip_off_at, home_team_abbr, away_team_abbr, status, home_score, "
        "away_score from staging.stg_nba_schedule__games where game_id = '0022400561'",
    )
    assert [str(v) for v in game] == [
        "2025-01-15",
        "2025-01-16 00:00:00",
        "PHI",
        "NYK",
        "final",
        "119",
        "125",
    ]
    (scheduled,) = _query(
        tmp_path,
        "select count(*), min(status), max(status) from staging.stg_nba_schedule__games "
        "where season = '2025-26'",
    )
    assert scheduled == (13, "scheduled", "scheduled")

    # MEM at NOP, 2025-03-09: four books, book spellings matched to the NBA.com players.
    matched = dict(
        _query(
            tmp_path,
            "select player_name, player_id from intermediate.int_player_points_lines "
            "where feed = 'odds_api' and player_name in "
            "('Bruce Brown Jr', 'G.G. Jackson', 'Scotty Pippen Jr')",
        )
    )
    assert matched == {
        "Bruce Brown Jr": 1628971,
        "G.G. Jackson": 1641713,
        "Scotty Pippen Jr": 1630590,
    }
    (counts,) = _query(
        tmp_path,
        "select count(*), sum(case when is_matched then 1 else 0 end), count(distinct book_key) "
        "from intermediate.int_player_points_lines where feed = 'odds_api'",
    )
    assert counts[0] == counts[1] and counts[2] == 4
    # Snapshot 23:50:38 UTC, tip-off 23:00 (schedule) / 23:11 (the API's actual): in-game
    # lines, so no player gets a line from them, and every row is counted as excluded.
    (selected,) = _query(
        tmp_path,
        "select count(*), sum(case when has_line then 1 else 0 end), "
        "sum(snapshots_excluded_after_tip_off), min(tip_off_bound_at) "
        "from intermediate.int_player_points_lines_selected where game_key = '20250309_MEM_NOP'",
    )
    assert selected[0] > 10 and selected[1] == 0 and selected[2] == counts[0]
    assert str(selected[3]) == "2025-03-09 23:00:00"
    # ATL at GSW game lines: snapshot 03:55:40, commence 03:20:30 -> no game line.
    assert _query(tmp_path, "select count(*) from intermediate.int_game_lines_selected") == [(0,)]
    assert _query(tmp_path, "select count(*) from staging.stg_odds_api__game_lines") == [(2,)]
