"""Prediction rows: recommendation rule, table from the source YAML, idempotent writes,
hit-rate arithmetic, and the defensive read of the (possibly absent) line mart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.data import load_lines
from ml.metrics import BREAK_EVEN, hit_rates, wilson_interval
from ml.predictions import ensure_table, recommend, table_spec, write_predictions
from ml.score import prediction_rows
from ml.warehouse import DuckDBWarehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> DuckDBWarehouse:
    wh = DuckDBWarehouse(str(tmp_path / "wh.duckdb"))
    yield wh
    wh.close()


def test_recommendation_rule_at_the_threshold() -> None:
    edge = np.array([3.0, 2.99, -3.0, -2.99, 0.0, np.nan, 7.5])
    assert recommend(edge, 3.0).tolist() == [
        "OVER",
        "PASS",
        "UNDER",
        "PASS",
        "PASS",
        "NO_LINE",
        "OVER",
    ]


def test_table_comes_from_the_source_yaml_for_each_target() -> None:
    duck = table_spec("duckdb")
    bq = table_spec("bigquery")
    assert (duck.schema, duck.table) == ("predictions", "player_points_predictions")
    assert duck.names == bq.names
    assert dict(duck.columns)["predicted_points"] == "double"
    assert dict(bq.columns)["predicted_points"] == "float64"
    assert {
        "player_id",
        "game_id",
        "model_name",
        "model_version",
        "recommendation",
        "created_at",
        "line",
        "edge",
    } <= set(duck.names)


def _rows(predicted: list[float], version: str = "xgboost-v1-test") -> pd.DataFrame:
    # Real 2024-25 player-games (Jalen Brunson, Jayson Tatum on opening night, 0022400061)
    store = pd.DataFrame(
        {
            "player_id": [1628973, 1628369],
            "game_id": ["0022400061", "0022400061"],
            "game_date": pd.to_datetime(["2024-10-22", "2024-10-22"]),
            "line": [26.5, np.nan],
        }
    )
    return prediction_rows(
        store, {"xgboost": np.array(predicted)}, {"xgboost": version}, "demo_holdout_2024-25", 3.0
    )


def test_writes_replace_by_model_version_player_and_game(warehouse: DuckDBWarehouse) -> None:
    ensure_table(warehouse)
    assert (
        warehouse.query("select count(*) as n from predictions.player_points_predictions")[
            "n"
        ].item()
        == 0
    )
    write_predictions(warehouse, _rows([30.0, 27.0]))
    write_predictions(warehouse, _rows([20.0, 27.0]))  # same version: replaced, not appended
    write_predictions(warehouse, _rows([25.0, 27.0], "xgboost-v1-other"))  # new version: added
    table = warehouse.query(
        "select model_version, player_id, predicted_points, line, edge, recommendation "
        "from predictions.player_points_predictions order by model_version, player_id"
    )
    assert len(table) == 4
    latest = table.loc[table["model_version"] == "xgboost-v1-test"].set_index("player_id")
    assert latest.loc[1628973, "predicted_points"] == 20.0
    assert latest.loc[1628973, "recommendation"] == "UNDER"
    assert latest.loc[1628973, "edge"] == pytest.approx(-6.5)
    assert latest.loc[1628369, "recommendation"] == "NO_LINE"
    assert np.isnan(latest.loc[1628369, "edge"])


def test_a_table_with_other_columns_is_refused(warehouse: DuckDBWarehouse) -> None:
    warehouse.execute("create schema predictions")
    warehouse.execute("create table predictions.player_points_predictions (player_id bigint)")
    with pytest.raises(RuntimeError, match="source YAML declares"):
        ensure_table(warehouse)


def test_hit_rates_exclude_pushes_and_count_both_sides() -> None:
    actual = np.array([30, 20, 25, 10, 26, 18])
    line = np.array([25.5, 25.5, 25.0, 12.5, 26.0, 20.5])
    predicted = np.array([28.0, 27.0, 27.0, 14.0, 20.0, 10.0])
    # edges: +2.5 win, +1.5 loss, +2.0 push, +1.5 loss, -6.0 push, -10.5 win
    rows = {r["min_edge"]: r for r in hit_rates(actual, line, predicted, (1.0, 2.0, 5.0))}
    assert rows[1.0]["picks"] == 6
    assert rows[1.0]["pushes"] == 2  # 25 vs 25.0 and 26 vs 26.0
    assert (rows[1.0]["wins"], rows[1.0]["losses"]) == (2, 2)
    assert rows[1.0]["over"]["wins"] + rows[1.0]["over"]["losses"] == 3
    assert (rows[5.0]["picks"], rows[5.0]["pushes"], rows[5.0]["wins"]) == (2, 1, 1)


def test_wilson_interval_and_break_even() -> None:
    assert round(BREAK_EVEN, 4) == 0.5238
    low, high = wilson_interval(55, 100)
    assert (round(low, 3), round(high, 3)) == (0.452, 0.644)
    assert wilson_interval(0, 0) == (None, None)


def test_line_population_is_empty_when_the_context_mart_is_missing(
    warehouse: DuckDBWarehouse,
) -> None:
    lines = load_lines(warehouse)
    assert not lines.available and "does not exist" in lines.note
    warehouse.execute("create schema marts")
    warehouse.execute(
        "create table marts.upcoming_player_game_context (player_id bigint, game_id varchar)"
    )
    lines = load_lines(warehouse)
    assert not lines.available and "current_line" in lines.note
    warehouse.execute(
        "alter table marts.upcoming_player_game_context add column current_line double"
    )
    warehouse.execute("alter table marts.upcoming_player_game_context add column has_line boolean")
    warehouse.execute(
        "insert into marts.upcoming_player_game_context values "
        "(1628973, '0022400061', 26.5, true), (1628369, '0022400061', null, false)"
    )
    lines = load_lines(warehouse)
    assert lines.frame[["player_id", "line"]].values.tolist() == [[1628973, 26.5]]
    assert lines.frame["opening_line"].isna().all()


def test_cold_start_rows_are_never_recommended() -> None:
    store = pd.DataFrame(
        {
            # Jaxson Hayes and Gabe Vincent, LAL opening night 2024-10-22 (0022400062): real
            # lines of 4.5 and 3.5, and no earlier game that season
            "player_id": [1629637, 1629216, 1628973],
            "game_id": ["0022400062", "0022400062", "0022400061"],
            "game_date": pd.to_datetime(["2024-10-22"] * 3),
            "line": [4.5, 3.5, np.nan],
            "has_player_history": [False, True, False],
        }
    )
    rows = prediction_rows(store, {"mean": np.array([8.0, 8.0, 20.0])}, {"mean": "m"}, "demo", 3.0)
    assert rows["recommendation"].tolist() == ["PASS", "OVER", "NO_LINE"]


def test_line_column_may_be_named_current_points_line(warehouse: DuckDBWarehouse) -> None:
    warehouse.execute("create schema marts")
    warehouse.execute(
        "create table marts.upcoming_player_game_context as select 1628973 as player_id, "
        "'0022400061' as game_id, 26.5 as current_points_line, 25.5 as opening_points_line, "
        "true as has_line"
    )
    lines = load_lines(warehouse)
    assert lines.frame[["line", "opening_line"]].values.tolist() == [[26.5, 25.5]]
    assert "current_points_line" in lines.note
