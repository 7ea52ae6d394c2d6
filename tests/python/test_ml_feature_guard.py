"""Scoring refuses a model whose feature list differs from the store's (the YAML's)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ml.artifacts import (
    FeatureMismatchError,
    check_feature_list,
    load_saved_model,
    save_model,
)
from ml.contract import FeatureContract
from ml.models import fit_models

TINY = {
    "xgboost": {"n_estimators": 10, "early_stopping_rounds": 3},
    "catboost": {"iterations": 10, "od_wait": 3},
}


def _contract(*features: str) -> FeatureContract:
    return FeatureContract(tuple(features), frozenset(), "v1", "test")


def test_same_list_passes() -> None:
    check_feature_list(["a", "b"], _contract("a", "b"), "m")


@pytest.mark.parametrize(
    ("trained_on", "message"),
    [
        (["b", "a"], "different order"),
        (["a"], r"the store has \['b'\] which the model never saw"),
        (["a", "b", "c"], r"the model expects \['c'\]"),
    ],
)
def test_any_difference_is_refused_with_a_clear_message(
    trained_on: list[str], message: str
) -> None:
    with pytest.raises(FeatureMismatchError, match=message):
        check_feature_list(trained_on, _contract("a", "b"), "xgboost model v")


def test_saved_models_are_refused_when_the_yaml_gained_a_feature(tmp_path: Path) -> None:
    old = _contract("a", "b")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    y = x[:, 0] * 3 + rng.normal(size=200)
    models = fit_models(x[:150], y[:150], x[150:], y[150:], overrides=TINY)
    for name, model in models.items():
        save_model(tmp_path, model, {"model_version": f"{name}-test", **old.to_json()})
        loaded = load_saved_model(tmp_path, name, old)  # same list: accepted, same predictions
        assert np.allclose(loaded.model.predict(x[:5]), model.predict(x[:5]))
        with pytest.raises(FeatureMismatchError, match=r"[Rr]etrain"):
            load_saved_model(tmp_path, name, _contract("a", "b", "rest_days"))
