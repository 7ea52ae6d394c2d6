"""Early stopping validates on the last dates of the window: never a random split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.matrix import time_ordered_split


def _dates(seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-10-24", "2024-04-14", freq="D")
    # several rows per date, shuffled, like player-games of one night
    return pd.Series(rng.choice(days, size=3000)).sample(frac=1, random_state=seed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_validation_date_is_after_every_training_date(seed: int) -> None:
    dates = _dates(seed)
    split = time_ordered_split(dates, valid_fraction=0.1)
    train = dates.iloc[split.train]
    valid = dates.iloc[split.valid]
    assert train.max() < valid.min()
    assert not set(train.dt.date) & set(valid.dt.date)
    assert len(split.train) + len(split.valid) == len(dates)
    assert split.train_dates[1] < split.valid_dates[0]
    # the validation block is the last ~10% of distinct dates
    distinct = np.sort(dates.unique())
    assert valid.min() == distinct[-len(valid.unique())]
    assert len(valid.unique()) == int(np.ceil(0.1 * len(distinct)))


def test_a_date_never_straddles_the_split() -> None:
    dates = pd.Series(pd.to_datetime(["2024-01-01"] * 5 + ["2024-01-02"] * 5 + ["2024-01-03"]))
    split = time_ordered_split(dates, valid_fraction=0.5, min_valid_dates=1)
    assert set(dates.iloc[split.valid].dt.day) == {2, 3}
    assert set(dates.iloc[split.train].dt.day) == {1}


def test_one_date_cannot_be_split() -> None:
    with pytest.raises(ValueError, match="two distinct dates"):
        time_ordered_split(pd.Series(pd.to_datetime(["2024-01-01"] * 3)))


def test_walk_forward_trains_only_on_earlier_dates() -> None:
    from ml.contract import FeatureContract
    from ml.evaluate import walk_forward

    rng = np.random.default_rng(0)
    dates = pd.to_datetime(
        list(pd.date_range("2023-01-01", periods=60))
        + list(pd.date_range("2023-10-01", periods=60))
    )
    rows = []
    for day in dates:
        for player in range(20):
            form = rng.normal(12, 4)
            rows.append(
                {
                    "player_id": player,
                    "game_id": f"{day:%Y%m%d}{player:02d}",
                    "game_date": day,
                    "season": "2022-23" if day.year == 2023 and day.month < 7 else "2023-24",
                    "feature_version": "v1",
                    "player_name": f"p{player}",
                    "points_avg_last_10": form,
                    "points_avg_season": form + rng.normal(),
                    "actual_points": max(0.0, form + rng.normal(0, 5)),
                }
            )
    frame = pd.DataFrame(rows)
    contract = FeatureContract(("points_avg_last_10", "points_avg_season"), frozenset(), None, "t")
    tiny = {
        "xgboost": {"n_estimators": 10, "early_stopping_rounds": 3},
        "catboost": {"iterations": 10, "od_wait": 3},
    }
    result = walk_forward(frame, contract, "2023-24", "wf", retrain_every_days=20, overrides=tiny)
    meta = result.trained.meta["xgboost"]
    assert meta["training_window"]["end"] < pd.Timestamp("2023-10-01").date()
    assert meta["validation_window"]["start"] > meta["fit_window"]["end"]
    rolling = [f for f in result.folds if f["fold"].startswith("rolling")]
    assert len(rolling) == 3
    for fold in rolling:
        start = pd.Timestamp(fold["fold"].split()[-1]).date()
        assert fold["trained_through"] < start
    assert result.predictions["rolling_pred_mean"].notna().all()
    assert len(result.predictions) == 60 * 20
