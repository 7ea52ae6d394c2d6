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
