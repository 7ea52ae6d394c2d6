"""The benchmark's pieces (bench/, outside the installed package), on real bundled data and
without timing anything: the pandas rolling features equal the SQL ones, the play-by-play volume
copies get unique synthetic ids that no real game can have, the direct-DuckDB test runner agrees
with dbt, and the CLI refuses unknown cases."""

from __future__ import annotations

import json
import shutil
from datetime import date
from itertools import islice
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bench import cli, direct, landing, pbp_volume, rolling
from bench.dbt_results import models_in_dag_order, read_run_results
from ingest import bundled
from ingest.landing import LandingZone
from ingest.sources import nba_stats, nba_stats_pbp

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "data" / "bundled"


def _bundled_player_rows(season: str, payloads: int) -> pd.DataFrame:
    """Real player-game rows from the first `payloads` nights of a bundled season."""
    path = bundled.bundle_path(BUNDLE, nba_stats.PLAYER_GAME_LOGS, season)
    rows = []
    for entry in islice(
        bundled.read_bundle_file(path, nba_stats.PLAYER_GAME_LOGS, season), payloads
    ):
        result = json.loads(entry.payload_text)["resultSets"][0]
        at = {h: i for i, h in enumerate(result["headers"])}
        for row in result["rowSet"]:
            rows.append(
                {
                    "player_id": row[at["PLAYER_ID"]],
                    "game_id": row[at["GAME_ID"]],
                    "season": season,
                    "game_date": pd.Timestamp(row[at["GAME_DATE"]]),
                    "points": row[at["PTS"]],
                    "minutes": row[at["MIN"]],
                }
            )
    return pd.DataFrame(rows)


def test_pandas_rolling_features_equal_the_sql_windows_on_real_rows() -> None:
    games = _bundled_player_rows("2024-25", payloads=40)
    assert len(games) > 5000
    con = duckdb.connect()
    con.register("games_frame", games)
    con.execute("create table games as select * from games_frame")
    from_sql = con.execute(rolling.features_sql("games")).df()
    from_pandas = rolling.pandas_features(rolling.read_games(con, "games"))
    assert len(from_pandas) == len(from_sql) == len(games)
    assert rolling.compare(from_pandas, from_sql) == []
    # Players with several games have real windows: not all NULL, not all equal to one game.
    assert from_pandas["points_std_last_10"].notna().sum() > 1000
    assert (from_pandas["points_avg_last_10"] != from_pandas["points_avg_last_3"]).any()


def test_compare_reports_a_changed_value_and_a_missing_row() -> None:
    games = _bundled_player_rows("2024-25", payloads=5)
    features = rolling.pandas_features(games)
    changed = features.copy()
    changed.loc[0, "points_avg_last_5"] += 0.5
    assert rolling.compare(features, changed) == ["points_avg_last_5: 1 rows differ"]
    # A row on one side only is reported first (its features then differ from NULL too).
    assert rolling.compare(features, features.iloc[1:])[0] == "1 rows on one side only"


def _land_real_pbp(root: Path, games: int) -> list[str]:
    path = bundled.bundle_path(BUNDLE, nba_stats_pbp.PLAY_BY_PLAY, "2018-19")
    zone = LandingZone(root)
    ids = []
    for entry in islice(
        bundled.read_bundle_file(path, nba_stats_pbp.PLAY_BY_PLAY, "2018-19"), games
    ):
        zone.land(
            nba_stats.SOURCE,
            nba_stats_pbp.PLAY_BY_PLAY,
            entry.request_key,
            entry.payload_text.encode("utf-8"),
            origin="test",
            params=entry.params,
        )
        ids.append(entry.params["GameID"])
    return ids


def test_pbp_copies_get_unique_synthetic_ids_and_keep_every_event(tmp_path: Path) -> None:
    real_ids = _land_real_pbp(tmp_path, games=4)
    real = {g.game_id: g for g in pbp_volume.real_games(tmp_path)}
    real_events = sum(g.events for g in real.values())
    summary = pbp_volume.land_copies(tmp_path, target_events=3 * real_events)
    assert summary["copies"] == 2
    assert summary["total_events"] == 3 * real_events

    folder = tmp_path / nba_stats.SOURCE / nba_stats_pbp.PLAY_BY_PLAY
    payloads = [
        json.loads(p.read_text())
        for p in folder.glob("dt=*/*.json")
        if not p.name.endswith(".manifest.json")
    ]
    ids = [p["parameters"]["GameID"] for p in payloads]
    assert len(ids) == len(set(ids)) == 12
    synthetic = [i for i in ids if pbp_volume.is_synthetic_game_id(i)]
    assert len(synthetic) == 8
    assert not set(synthetic) & set(real_ids)
    assert not any(pbp_volume.is_synthetic_game_id(i) for i in real_ids)
    real_events_by_content = {_events_without_id(g.payload): g.game_id for g in real.values()}
    for payload in payloads:
        game_id = payload["parameters"]["GameID"]
        nba_stats_pbp.validate_game_id(game_id)
        assert {row[0] for row in payload["resultSets"][0]["rowSet"]} == {game_id}
        # Every payload, copy or not, holds exactly the events of one real game.
        assert _events_without_id(payload) in real_events_by_content


def _events_without_id(payload: dict) -> str:
    return json.dumps([row[1:] for row in payload["resultSets"][0]["rowSet"]])


def test_synthetic_ids_are_outside_every_real_regular_season_number() -> None:
    ids = {
        pbp_volume.synthetic_game_id(f"00218{number:05d}", copy)
        for copy in range(1, pbp_volume.MAX_COPIES + 1)
        for number in range(1, pbp_volume.REAL_MAX_REGULAR_SEASON_GAME + 1)
    }
    assert len(ids) == pbp_volume.MAX_COPIES * pbp_volume.REAL_MAX_REGULAR_SEASON_GAME
    numbers = {int(i[5:]) for i in ids}
    assert min(numbers) > pbp_volume.REAL_MAX_REGULAR_SEASON_GAME
    assert max(numbers) <= 99999
    with pytest.raises(ValueError):
        pbp_volume.synthetic_game_id("0021800001", pbp_volume.MAX_COPIES + 1)
    with pytest.raises(ValueError):
        pbp_volume.synthetic_game_id("0022400001", 1)


def test_cli_case_selection() -> None:
    assert cli.selected_cases("pbp,land", skip_pbp=False) == ["land", "pbp"]
    assert "pbp" not in cli.selected_cases(None, skip_pbp=True)
    with pytest.raises(ValueError):
        cli.selected_cases("land,nope", skip_pbp=False)
    assert cli.main(["--only", "nope"]) == 2


def test_dag_order_puts_every_model_after_its_refs() -> None:
    def node(name: str, *deps: str) -> dict:
        return {
            "resource_type": "model",
            "package_name": "p",
            "name": name,
            "unique_id": f"model.p.{name}",
            "depends_on": {"nodes": [f"model.p.{d}" for d in deps]},
        }

    manifest = {
        "metadata": {"project_name": "p"},
        "nodes": {n["unique_id"]: n for n in (node("c", "b", "a"), node("b", "a"), node("a"))},
    }
    assert [n["name"] for n in models_in_dag_order(manifest)] == ["a", "b", "c"]


def test_run_results_skip_exposures_and_count_only_real_failures(tmp_path: Path) -> None:
    """dbt build reports exposures as `no-op`: neither a failure nor a timed node."""
    results = [
        {"unique_id": "model.p.a", "status": "success", "execution_time": 1.5, "timing": []},
        {"unique_id": "test.p.t1", "status": "pass", "execution_time": 0.25, "timing": []},
        {"unique_id": "test.p.t2", "status": "fail", "execution_time": 0.5, "timing": []},
        {"unique_id": "exposure.p.report", "status": "no-op", "execution_time": 0, "timing": []},
    ]
    (tmp_path / "run_results.json").write_text(
        json.dumps({"elapsed_time": 3.0, "results": results})
    )
    times = read_run_results(tmp_path)
    assert times.failures == ["test.p.t2: fail"]
    assert "exposure.p.report" not in times.per_node
    assert sum(times.counts.values()) == 3


def test_direct_tests_run_every_compiled_data_test_and_catch_a_failure(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    """The direct-DuckDB test runner counts what dbt counted and is not a check that always
    passes: a NULL put into a tested column makes the not_null test on it fail by name."""
    target = demo_warehouse.parent / "target"
    db = tmp_path / demo_warehouse.name  # same file name: compiled relation names resolve
    shutil.copyfile(demo_warehouse, db)
    times = direct.run_direct_tests(db, target)
    dbt_tests = {uid for uid in read_run_results(target).per_node if uid.startswith("test.")}
    assert set(times.per_model) == dbt_tests

    with duckdb.connect(str(db)) as con:
        con.execute(
            "update marts.player_game_summary set points = null "
            "where game_id = (select min(game_id) from marts.player_game_summary)"
        )
    with pytest.raises(AssertionError, match=r"not_null_player_game_summary_points"):
        direct.run_direct_tests(db, target)


def test_day_only_landing_holds_exactly_the_new_days_payloads(tmp_path: Path) -> None:
    """The fixed-cost figure runs the nightly on the last day's payloads alone: the copy must
    be what landing that day added (payloads and their manifests), nothing earlier."""
    root, day_only = tmp_path / "landing", tmp_path / "day-only"
    day = date(2025, 4, 13)
    bundled.land_bundled(root, seasons=["2024-25"], through=date(2025, 4, 12))
    before = landing.landed_files(root)
    bundled.land_bundled(root, seasons=["2024-25"], through=day)
    added = landing.landed_files(root) - before
    landing.copy_files(root, added, day_only)

    assert landing.landed_files(day_only) == added
    payloads = [p for p in added if not p.name.endswith(".manifest.json")]
    assert payloads and len(added) == 2 * len(payloads)  # each payload with its manifest
    assert all(day.isoformat() in p.name for p in payloads), sorted(map(str, payloads))
