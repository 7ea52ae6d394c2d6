"""One missing-value policy: NULL reaches XGBoost and CatBoost as NaN, in identical matrices."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ml.contract import FeatureContract
from ml.matrix import feature_matrix
from ml.models import MODEL_NAMES, fit_models

ML_PACKAGE = Path(__file__).resolve().parents[2] / "ml"
TINY = {
    "xgboost": {"n_estimators": 20, "early_stopping_rounds": 5},
    "catboost": {"iterations": 20, "od_wait": 5},
}


def _contract() -> FeatureContract:
    return FeatureContract(("f_a", "f_b", "f_c"), frozenset({"f_a"}), "v1", "test")


def _frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            # reversed column order on purpose: the matrix must follow the contract, not this
            "f_c": rng.normal(size=n),
            "f_b": pd.array(rng.normal(size=n), dtype="Float64"),  # nullable dtype (pd.NA)
            "f_a": rng.normal(10, 3, size=n),
        }
    )
    frame.loc[frame.index % 7 == 0, "f_a"] = np.nan
    frame.loc[frame.index % 5 == 0, "f_b"] = pd.NA
    frame.loc[:30, "f_c"] = None
    frame["y"] = 2 * frame["f_a"].fillna(0).to_numpy() + rng.normal(size=n)  # label only
    return frame


def test_matrix_follows_the_contract_and_keeps_every_null_as_nan() -> None:
    frame = _frame()
    matrix = feature_matrix(frame, _contract())
    assert matrix.dtype == np.float64
    expected_nan = frame[["f_a", "f_b", "f_c"]].isna().to_numpy()
    assert (np.isnan(matrix) == expected_nan).all()
    present = ~expected_nan
    values = frame[["f_a", "f_b", "f_c"]].astype("float64").to_numpy()
    assert np.array_equal(matrix[present], values[present])


def test_matrix_refuses_rows_without_a_contract_feature() -> None:
    with pytest.raises(KeyError, match="f_c"):
        feature_matrix(_frame().drop(columns="f_c"), _contract())


def test_both_models_receive_the_identical_matrix_with_nan(monkeypatch: pytest.MonkeyPatch) -> None:
    import catboost
    import xgboost

    seen: dict[str, list[Any]] = {}

    def spy(name: str, original: Any) -> Any:
        def fit(self: Any, x: Any, y: Any, *args: Any, **kwargs: Any) -> Any:
            eval_set = kwargs.get("eval_set")
            x_valid = eval_set[0][0] if isinstance(eval_set, list) else eval_set[0]
            seen[name] = [np.array(x, copy=True), np.array(x_valid, copy=True)]
            return original(self, x, y, *args, **kwargs)

        return fit

    monkeypatch.setattr(xgboost.XGBRegressor, "fit", spy("xgboost", xgboost.XGBRegressor.fit))
    monkeypatch.setattr(
        catboost.CatBoostRegressor, "fit", spy("catboost", catboost.CatBoostRegressor.fit)
    )
    frame = _frame()
    matrix = feature_matrix(frame, _contract())
    y = frame["y"].to_numpy()
    models = fit_models(matrix[:300], y[:300], matrix[300:], y[300:], overrides=TINY)
    assert set(models) == set(MODEL_NAMES) == set(seen)
    xgb_train, xgb_valid = seen["xgboost"]
    cat_train, cat_valid = seen["catboost"]
    assert np.array_equal(xgb_train, cat_train, equal_nan=True)
    assert np.array_equal(xgb_valid, cat_valid, equal_nan=True)
    assert np.array_equal(xgb_train, matrix[:300], equal_nan=True)
    assert np.isnan(xgb_train).sum() == np.isnan(matrix[:300]).sum() > 0
    # and both models predict rows that are entirely NaN without complaint
    blank = np.full((2, 3), np.nan)
    for model in models.values():
        assert np.isfinite(model.predict(blank)).all()


def test_no_imputation_anywhere_in_the_ml_package() -> None:
    forbidden = re.compile(r"fillna\(|SimpleImputer|IterativeImputer|KNNImputer|\.interpolate\(")
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(ML_PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if forbidden.search(line)
    ]
    assert offenders == []
