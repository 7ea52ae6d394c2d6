"""The main job on real data: land the bundled seasons, load the raw layer, `dbt build`.

Also shows the gate working: a re-scraped payload that renames a field, or carries a
corrupted value, is held back by staging and makes `dbt build` fail naming the test, while
everything else builds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import duckdb
import pytest
from conftest import DBT, dbt_build_in, run_in

from ingest import bundled
from ingest.landing import LandingZone
from ingest.sources import nba_stats

# Player rows per bundled season, as counted in the source CSVs.
BUNDLED_PLAYER_ROWS = {"2018-19": 26101, "2023-24": 26401, "2024-25": 26306}

pytestmark = pytest.mark.slow


def _run(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    return run_in(tmp, args)


def _dbt_build(tmp: Path) -> subprocess.CompletedProcess[str]:
    return dbt_build_in(tmp)


def _ingest(args: list[str], tmp: Path) -> None:
    done = _run([sys.executable, "-m", "ingest", *args], tmp)
    assert done.returncode == 0, done.stderr + done.stdout


@pytest.fixture(scope="module")
def built_warehouse(demo_warehouse: Path) -> Path:
    """The bundled seasons landed, loaded and built once per session (conftest.py)."""
    return demo_warehouse


def test_marts_hold_every_bundled_player_game(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        rows = dict(
            con.execute(
                "select season, count(*) from marts.player_game_summary group by season"
            ).fetchall()
        )
    assert rows == BUNDLED_PLAYER_ROWS


def test_team_marts_have_both_teams_one_winner_and_a_source_per_game(
    built_warehouse: Path,
) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        per_season = con.execute(
            """
            select season, count(*) as team_games, count(distinct game_id) as games,
                   sum(case when is_win then 1 else 0 end) as wins,
                   min(team_stats_source) as min_source, max(team_stats_source) as max_source
            from marts.team_offense_game_summary group by season order by season
            """
        ).fetchall()
    assert [(s, tg, g, w) for s, tg, g, w, _, _ in per_season] == [
        ("2018-19", 2460, 1230, 1230),
        ("2023-24", 2460, 1230, 1230),
        ("2024-25", 2460, 1230, 1230),
    ]
    sources = {season: (lo, hi) for season, *_, lo, hi in per_season}
    # 2018-19 ships the official team log; the other seasons fall back to summed players.
    assert sources["2018-19"] == ("nba_stats_team_log", "nba_stats_team_log")
    assert sources["2024-25"] == ("summed_player_logs", "summed_player_logs")


def test_bundled_play_by_play_gives_the_marts_shot_zones(built_warehouse: Path) -> None:
    """The 329 bundled 2018-19 games (2018-10-16..11-30) carry zones from NBA.com play-by-play;
    every other game says it has none. Team zone attempts equal FGA in every covered game."""
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        players = con.execute(
            """
            select season, shot_zone_source, count(*), count(distinct game_id),
                   sum(case when has_shot_zones then paint_attempts + mid_range_attempts
                       + three_attempts end),
                   sum(case when has_shot_zones then fg_attempts end)
            from marts.player_game_summary group by 1, 2 order by 1, 2
            """
        ).fetchall()
        teams = con.execute(
            """
            select count(*), sum(case when paint_attempts + mid_range_attempts + three_attempts
                                      = fg_attempts then 1 else 0 end)
            from marts.team_offense_game_summary where has_shot_zones
            """
        ).fetchone()
        (report,) = con.execute(
            "select attribution_rate from intermediate.int_shot_zone_reconciliation"
        ).fetchall()
    assert [(s, src, games) for s, src, _, games, _, _ in players] == [
        ("2018-19", "nbac_pbp", 329),
        ("2018-19", "none", 901),
        ("2023-24", "none", 1230),
        ("2024-25", "none", 1230),
    ]
    (_, _, covered, _, zone_attempts, fga) = players[0]
    assert covered == 7062 and zone_attempts / fga > 0.99
    assert teams == (658, 658)
    assert report[0] > 0.99


def test_reloading_the_same_landing_changes_nothing(built_warehouse: Path) -> None:
    tmp = built_warehouse.parent
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        before = con.execute("select count(*) from raw.nba_stats__player_game_logs").fetchone()
    _ingest(["bundled"], tmp)
    _ingest(["load"], tmp)
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        after = con.execute("select count(*) from raw.nba_stats__player_game_logs").fetchone()
    assert before == after


def _first_payloads(season: str, count: int) -> list[bundled.BundleEntry]:
    [(entity, _, path)] = [
        f for f in bundled.bundle_files(seasons=[season]) if f[0] == nba_stats.PLAYER_GAME_LOGS
    ]
    return list(islice(bundled.read_bundle_file(path, entity, season), count))


def test_corrupted_rescrape_is_held_back_and_fails_dbt_build_by_name(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    entries = _first_payloads("2024-25", 3)
    first_fetch = datetime(2025, 1, 1, tzinfo=UTC)
    for entry in entries:
        zone.land(
            nba_stats.SOURCE,
            entry.entity,
            entry.request_key,
            entry.payload_text.encode(),
            origin="test:bundled",
            params=entry.params,
            fetched_at=first_fetch,
        )

    # A later re-scrape of the first date in which the API renamed MIN (the field-format
    # change that cost the original system two months of minutes) ...
    renamed = json.loads(entries[0].payload_text)
    headers = renamed["resultSets"][0]["headers"]
    headers[headers.index("MIN")] = "MINUTES"
    # ... and one of the second date in which a points value was corrupted.
    corrupted = json.loads(entries[1].payload_text)
    result_set = corrupted["resultSets"][0]
    pts = result_set["headers"].index("PTS")
    result_set["rowSet"][0][pts] += 10
    for entry, payload in ((entries[0], renamed), (entries[1], corrupted)):
        zone.land(
            nba_stats.SOURCE,
            entry.entity,
            entry.request_key,
            json.dumps(payload).encode(),
            origin="test:rescrape",
            params=entry.params,
            fetched_at=first_fetch + timedelta(days=1),
        )

    _ingest(["load"], tmp_path)
    done = _dbt_build(tmp_path)
    assert done.returncode != 0
    # Both re-scrapes' bad rows are held back (the first fetch serves those player-games) and
    # one test names them; every other node runs, none is skipped.
    failed = {
        line.split("Failure in test ")[1].split()[0]
        for line in done.stdout.splitlines()
        if "Failure in test " in line
    }
    assert "no_unreplaced_held_back_rows__stg_nba_stats__player_game_logs" in failed
    # Three nights cannot meet the feature store's season-level null-rate bounds (no player has
    # 15 earlier games yet); those fail with or without the re-scrapes. Nothing else does.
    others = failed - {"no_unreplaced_held_back_rows__stg_nba_stats__player_game_logs"}
    assert all(name.startswith("ml_feature_store_") for name in others), others
    assert all(name.endswith("_null_rate_per_season") for name in others), others
    # What is skipped sits downstream of those null-rate failures (the feature store's
    # health report and its exposure), never of the held-back rows.
    skipped = re.findall(r"SKIP (?:relation|test|exposure) (\S+)", done.stdout)
    assert skipped and all(
        "feature_health" in name or name == "analyst_queries" for name in skipped
    )
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        held = con.execute(
            "select row_problem, count(*) from ops.held_back_rows group by row_problem"
        ).fetchall()
        served = con.execute(
            "select count(*) from staging.stg_nba_stats__player_game_logs "
            "where source_fetched_at = ?",
            [first_fetch.replace(tzinfo=None)],
        ).fetchone()
    renamed_rows = len(renamed["resultSets"][0]["rowSet"])
    assert sorted(held) == sorted(
        [
            ("minutes missing", renamed_rows),
            ("points not 2 * twos + 3 * threes + free throws", 1),
        ]
    )
    untouched_rows = len(json.loads(entries[2].payload_text)["resultSets"][0]["rowSet"])
    assert served == (renamed_rows + 1 + untouched_rows,)


def test_feature_gate_fails_on_leakage_null_breach_and_constant_feature(
    built_warehouse: Path, tmp_path: Path
) -> None:
    """Tamper with a copy of the built feature store the three ways the original system
    shipped bad features, and check `dbt test` names each breach."""
    tampered = tmp_path / "warehouse.duckdb"
    tampered.write_bytes(built_warehouse.read_bytes())
    with duckdb.connect(str(tampered)) as con:
        # The original's leak: last-5 average including the game being predicted.
        con.execute(
            """
            update ml.ml_feature_store as store
            set points_avg_last_5 = (store.points_avg_last_5 * 4 + pgs.points) / 5,
                last_source_game_date = store.game_date
            from marts.player_game_summary as pgs
            where pgs.player_id = store.player_id and pgs.game_id = store.game_id
              and store.games_played_season_before >= 5
            """
        )
        # "usage 100% NULL" for one season.
        con.execute(
            "update ml.ml_feature_store set usage_rate_avg_last_10 = null where season = '2023-24'"
        )
        # "everyone 0.5".
        con.execute("update ml.ml_feature_store set team_win_pct_season = 0.5")
    done = _run(
        [
            DBT,
            "test",
            "--select",
            "ml_feature_store",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        tmp_path,
    )
    assert done.returncode != 0
    for breach in (
        "ml_feature_store_features_predate_the_game",
        "assert_feature_store_matches_brute_force_recompute",
        "ml_feature_store_usage_rate_avg_last_10_null_rate_per_season",
        "ml_feature_store_team_win_pct_season_varies_every_season",
    ):
        assert f"Failure in test {breach}" in done.stdout, breach


def test_bench_pandas_rolling_features_equal_the_dbt_model(built_warehouse: Path) -> None:
    """The benchmark's pandas version of six form features (bench/rolling.py) gives
    the numbers of the dbt model it is compared with, on every bundled player-game."""
    from bench import rolling

    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        games = rolling.read_games(con)
        columns = ", ".join([*rolling.KEYS, *rolling.FEATURES])
        from_model = con.execute(f"select {columns} from {rolling.MODEL_TABLE}").df()
    finally:
        con.close()
    assert len(games) == sum(BUNDLED_PLAYER_ROWS.values())
    assert rolling.compare(rolling.pandas_features(games), from_model) == []
