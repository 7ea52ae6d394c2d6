"""XGBoost and CatBoost point regressors: one fitting interface, one matrix for both.

Both minimise absolute error: the median is what an over/under pick needs (half the outcomes
fall on each side of it) and MAE is the headline metric. Both stop early on a later stretch of
dates than they were fitted on (ml/matrix.py), and both take NaN as missing natively.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.progress import track

MODEL_NAMES: tuple[str, ...] = ("xgboost", "catboost")
THREADS = 2

XGBOOST_PARAMS: dict[str, Any] = {
    "tree_method": "hist",
    "objective": "reg:absoluteerror",
    "eval_metric": "mae",
    "learning_rate": 0.05,
    "max_depth": 6,
    "min_child_weight": 10,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "reg_lambda": 5.0,
    "n_estimators": 3000,
    "early_stopping_rounds": 100,
    "n_jobs": THREADS,
    "random_state": 0,
}

CATBOOST_PARAMS: dict[str, Any] = {
    "loss_function": "MAE",
    "eval_metric": "MAE",
    "iterations": 3000,
    "learning_rate": 0.08,
    "depth": 6,
    "l2_leaf_reg": 3.0,
    "od_type": "Iter",
    "od_wait": 100,
    "thread_count": THREADS,
    "random_seed": 0,
    "allow_writing_files": False,
    "verbose": False,
}

FILE_SUFFIX = {"xgboost": ".ubj", "catboost": ".cbm"}


@dataclass
class FittedModel:
    name: str
    estimator: Any
    params: dict[str, Any]

    @property
    def best_iteration(self) -> int | None:
        if self.name == "xgboost":
            value = getattr(self.estimator, "best_iteration", None)
        else:
            value = self.estimator.get_best_iteration()
        return int(value) if value is not None else None

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        # Points cannot be negative; a leaf can still push a bench player slightly below 0.
        return np.maximum(np.asarray(self.estimator.predict(matrix), dtype=np.float64), 0.0)

    def importance(self, features: Sequence[str]) -> dict[str, float]:
        """Share of the model's importance per feature, summing to 1 (gain / loss change)."""
        if self.name == "xgboost":
            scores = self.estimator.get_booster().get_score(importance_type="total_gain")
            raw = np.array([scores.get(f"f{i}", 0.0) for i in range(len(features))])
        else:
            raw = np.asarray(self.estimator.get_feature_importance(), dtype=np.float64)
        total = raw.sum()
        shares = raw / total if total > 0 else raw
        return {f: float(s) for f, s in zip(features, shares, strict=True)}

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.estimator.save_model(str(path))
        return path


Trainer = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Mapping[str, Any]], FittedModel]


def fit_xgboost(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_valid: np.ndarray,
    y_valid: np.ndarray,
    overrides: Mapping[str, Any],
) -> FittedModel:
    from xgboost import XGBRegressor

    params = {**XGBOOST_PARAMS, **overrides}
    # missing=nan is XGBoost's default; spelled out because the policy matters here.
    model = XGBRegressor(missing=np.nan, **params)
    model.fit(x_train, y_train, eval_set=[(x_valid, y_valid)], verbose=False)
    return FittedModel("xgboost", model, params)


def fit_catboost(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_valid: np.ndarray,
    y_valid: np.ndarray,
    overrides: Mapping[str, Any],
) -> FittedModel:
    from catboost import CatBoostRegressor

    params = {**CATBOOST_PARAMS, **overrides}
    model = CatBoostRegressor(**params)
    model.fit(x_train, y_train, eval_set=(x_valid, y_valid), use_best_model=True)
    return FittedModel("catboost", model, params)


TRAINERS: dict[str, Trainer] = {"xgboost": fit_xgboost, "catboost": fit_catboost}


def fit_models(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_valid: np.ndarray,
    y_valid: np.ndarray,
    names: Sequence[str] = MODEL_NAMES,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, FittedModel]:
    """Fit every named model on the very same arrays (the missing-value parity guarantee)."""
    overrides = overrides or {}
    return {
        name: TRAINERS[name](x_train, y_train, x_valid, y_valid, overrides.get(name, {}))
        for name in track(names, "train models", unit="model")
    }


def load_model(name: str, path: Path, params: dict[str, Any] | None = None) -> FittedModel:
    if name == "xgboost":
        from xgboost import XGBRegressor

        estimator: Any = XGBRegressor()
        estimator.load_model(str(path))
    elif name == "catboost":
        from catboost import CatBoostRegressor

        estimator = CatBoostRegressor()
        estimator.load_model(str(path))
    else:
        raise ValueError(f"unknown model {name!r}")
    return FittedModel(name, estimator, params or {})


def library_versions() -> dict[str, str]:
    import platform

    import catboost
    import pandas
    import sklearn
    import xgboost

    return {
        "python": platform.python_version(),
        "xgboost": xgboost.__version__,
        "catboost": catboost.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
    }
