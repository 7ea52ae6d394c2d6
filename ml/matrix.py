"""The model matrix and the time-ordered validation split.

One missing-value policy for both models: a NULL feature is NaN in the matrix and reaches
XGBoost and CatBoost as NaN, each using its native missing-value handling. There is no
imputation and no per-model default anywhere in this package (the original filled 0 for one
model and 10.0 for the other, and that disagreement cost it weeks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from numbers import Real

import numpy as np
import pandas as pd

from ml.contract import FeatureContract, is_numeric_type


def feature_matrix(
    frame: pd.DataFrame, contract: FeatureContract, where: str = "the rows for the models"
) -> np.ndarray:
    """float64 matrix with the contract's columns in the contract's order; NULL stays NaN.

    A feature column that is not numeric stops here (FeatureTypeError, naming it), before
    the conversion or a library could fail on it without saying which column it was."""
    missing = [f for f in contract.features if f not in frame.columns]
    if missing:
        raise KeyError(f"rows lack contract feature(s) {missing}")
    contract.check_types(frame_types(frame, contract.features), where)
    # to_numpy(na_value=nan) only changes how a missing value is spelled (pd.NA from a
    # nullable dtype becomes NaN); it never substitutes a number.
    return frame.loc[:, list(contract.features)].to_numpy(dtype=np.float64, na_value=np.nan)


@dataclass(frozen=True)
class TimeSplit:
    """Row positions for training and early-stopping validation, split by game date."""

    train: np.ndarray
    valid: np.ndarray
    train_dates: tuple[date, date]
    valid_dates: tuple[date, date]


def time_ordered_split(
    dates: pd.Series, valid_fraction: float = 0.1, min_valid_dates: int = 7
) -> TimeSplit:
    """Validate on the last dates of the window: every validation date is after every
    training date, and one date never straddles both sides (never a random split)."""
    days = pd.to_datetime(dates).dt.normalize()
    distinct = np.sort(days.unique())
    if len(distinct) < 2:
        raise ValueError("a time-ordered split needs at least two distinct dates")
    n_valid = max(min_valid_dates, math.ceil(valid_fraction * len(distinct)))
    n_valid = min(n_valid, len(distinct) - 1)
    first_valid = distinct[-n_valid]
    is_valid = (days >= first_valid).to_numpy()
    train = np.flatnonzero(~is_valid)
    valid = np.flatnonzero(is_valid)
    train_days = days.iloc[train]
    valid_days = days.iloc[valid]
    assert train_days.max() < valid_days.min(), "validation must come after training"
    return TimeSplit(
        train=train,
        valid=valid,
        train_dates=(train_days.min().date(), train_days.max().date()),
        valid_dates=(valid_days.min().date(), valid_days.max().date()),
    )


def frame_types(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, str]:
    """Column -> its pandas dtype, with an example value when it is not numeric. An object
    column holding only numbers (BigQuery NUMERIC arrives as Decimal objects) is float64."""
    found = {}
    for column in columns:
        series = frame[column]
        found[column] = str(series.dtype)
        if is_numeric_type(found[column]):
            continue
        values = series.dropna()
        if series.dtype == object and values.map(lambda v: isinstance(v, Real | Decimal)).all():
            found[column] = "float64"
        elif len(values):
            found[column] += f" (values such as {values.iloc[0]!r})"
    return found
