"""Evaluation populations and the leakage alarm: a model that beats the line by a wide margin
is an alarm, not a result."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.contract import FeatureContract
from ml.data import Lines
from ml.evaluate import leakage_checks, summarise


def _predictions(leaky: bool) -> tuple[pd.DataFrame, Lines]:
    rng = np.random.default_rng(0)
    n = 2000
    actual = rng.poisson(12, n).astype(float)
    last10 = actual + rng.normal(0, 6, n)
    last10[:50] = np.nan  # first games of the season: outside population (a)
    # An honest model is about as good as form; a leaky one "knows" the game it predicts.
    honest_base = np.where(np.isnan(last10), 12.0, last10)
    base = actual if leaky else honest_base
    noise = 0.5 if leaky else 1.0
    frame = pd.DataFrame(
        {
            "player_id": np.arange(n),
            "game_id": [f"g{i}" for i in range(n)],
            "game_date": pd.Timestamp("2024-11-01"),
            "season": "2024-25",
            "actual_points": actual,
            "points_avg_last_10": last10,
            "points_avg_season": last10,
            "pred_xgboost": base + rng.normal(0, noise, n),
            "pred_catboost": base + rng.normal(0, noise, n),
        }
    )
    frame["pred_mean"] = (frame["pred_xgboost"] + frame["pred_catboost"]) / 2
    lined = frame.iloc[::4]  # a quarter of the rows have a line, better than form
    lines = Lines(
        pd.DataFrame(
            {
                "player_id": lined["player_id"],
                "game_id": lined["game_id"],
                "line": lined["actual_points"] + rng.normal(0, 5, len(lined)).round() + 0.5,
                "opening_line": np.nan,
            }
        ),
        "test lines",
    )
    return frame, lines


def _store(predictions: pd.DataFrame) -> pd.DataFrame:
    history = predictions.assign(season="2023-24", game_date=pd.Timestamp("2024-03-01"))
    return pd.concat([history, predictions], ignore_index=True)


def test_populations_are_counted_and_the_line_is_compared_on_the_same_rows() -> None:
    predictions, lines = _predictions(leaky=False)
    summary = summarise(predictions, lines)
    assert summary["populations"]["all_played"]["rows"] == 1950
    assert summary["populations"]["all_played"]["excluded_no_prior_game"] == 50
    with_line = summary["populations"]["with_line"]
    assert with_line["rows"] == 500 - 13  # every 4th row, minus those without a prior game
    assert with_line["line_rows_without_prior_game"] == 13
    assert {r["n"] for r in summary["errors"]["with_line"].values()} == {with_line["rows"]}


def test_a_model_far_better_than_the_line_raises_the_alarm() -> None:
    contract = FeatureContract(("points_avg_last_10",), frozenset(), None, "t")
    honest, lines = _predictions(leaky=False)
    summary = summarise(honest, lines)
    store = _store(honest)
    checks = leakage_checks(
        store, store.loc[store["season"] == "2024-25"], summary, contract, "2024-25"
    )
    assert not checks["alarm"], checks["alarms"]

    leaky, lines = _predictions(leaky=True)
    summary = summarise(leaky, lines)
    store = _store(leaky)
    checks = leakage_checks(
        store, store.loc[store["season"] == "2024-25"], summary, contract, "2024-25"
    )
    assert checks["alarm"]
    assert any("too good to be pre-game" in a for a in checks["alarms"])
