"""Scoring refuses a model whose feature list differs from the store's (the YAML's), and a
saved model whose file or JSON was cut short, naming the file and the command to retrain."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import write_small_store

from ml import __main__ as ml_cli
from ml.artifacts import (
    ArtifactError,
    FeatureMismatchError,
    check_feature_list,
    load_saved_model,
    save_model,
    walkforward_set,
)
from ml.contract import FeatureContract, read_contract
from ml.models import FILE_SUFFIX, MODEL_NAMES, fit_models
from pipeline import cli

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


def _save_tiny_models(set_dir: Path, contract: FeatureContract) -> None:
    """Both models, fitted in a second on random rows of the contract's width, saved as
    training saves them (model file + JSON with its checksum)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(contract.features)))
    y = x[:, 0] * 3 + rng.normal(size=200)
    models = fit_models(x[:150], y[:150], x[150:], y[150:], overrides=TINY)
    for name, model in models.items():
        meta = {"model_version": f"{name}-test", "feature_version": "v1", **contract.to_json()}
        save_model(set_dir, model, meta)


def _cut_in_half(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_a_truncated_model_file_is_named_with_the_command_to_retrain(
    tmp_path: Path, name: str
) -> None:
    contract = _contract("a", "b")
    set_dir = tmp_path / "production"
    _save_tiny_models(set_dir, contract)
    model_file = set_dir / f"{name}{FILE_SUFFIX[name]}"
    _cut_in_half(model_file)
    with pytest.raises(ArtifactError) as caught:
        load_saved_model(set_dir, name, contract)
    assert str(caught.value) == (
        f"{model_file} ({model_file.stat().st_size:,} bytes) is not the file its JSON describes "
        "(another SHA-256): it was cut short or replaced; retrain with `nba-props train`"
    )


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_a_truncated_model_saved_without_a_checksum_is_still_named(
    tmp_path: Path, name: str
) -> None:
    """Models saved before the JSON recorded the checksum: the library's own refusal is
    turned into the same kind of message."""
    contract = _contract("a", "b")
    set_dir = tmp_path / walkforward_set("2024-25")
    _save_tiny_models(set_dir, contract)
    meta_path = set_dir / f"{name}.json"
    meta = json.loads(meta_path.read_text())
    del meta["model_sha256"]
    meta_path.write_text(json.dumps(meta))
    model_file = set_dir / f"{name}{FILE_SUFFIX[name]}"
    _cut_in_half(model_file)
    with pytest.raises(ArtifactError) as caught:
        load_saved_model(set_dir, name, contract)
    assert str(caught.value) == (
        f"{model_file} cannot be read as a {name} model (damaged or cut short); retrain with "
        "`nba-props evaluate --season 2024-25`"
    )


def test_a_truncated_or_missing_model_json_is_named(tmp_path: Path) -> None:
    contract = _contract("a", "b")
    set_dir = tmp_path / "production"
    _save_tiny_models(set_dir, contract)
    meta_path = set_dir / "xgboost.json"
    _cut_in_half(meta_path)
    with pytest.raises(ArtifactError) as caught:
        load_saved_model(set_dir, "xgboost", contract)
    assert str(caught.value) == (
        f"{meta_path} is not a complete model description (JSONDecodeError): it was cut short "
        "or edited; retrain with `nba-props train`"
    )
    meta_path.unlink()
    with pytest.raises(ArtifactError, match=r"no saved xgboost model in .*retrain with `nba-pro"):
        load_saved_model(set_dir, "xgboost", contract)


def test_scoring_with_a_truncated_model_stops_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m ml score` and `nba-props score` on a real-shaped store whose walk-forward
    XGBoost file was cut in half: exit 1, one line naming the file and the retrain command."""
    contract = read_contract()
    database = tmp_path / "warehouse.duckdb"
    write_small_store(database, contract.features)
    set_dir = tmp_path / "artifacts" / walkforward_set("2024-25")
    _save_tiny_models(set_dir, contract)
    model_file = set_dir / "xgboost.ubj"
    _cut_in_half(model_file)
    monkeypatch.setenv("NBA_DUCKDB_PATH", str(database))
    monkeypatch.setenv("NBA_ML_ARTIFACTS", str(tmp_path / "artifacts"))
    monkeypatch.setenv("DBT_TARGET", "duckdb")
    expected = (
        f"{model_file} ({model_file.stat().st_size:,} bytes) is not the file its JSON describes "
        "(another SHA-256): it was cut short or replaced; retrain with "
        "`nba-props evaluate --season 2024-25`"
    )

    assert ml_cli.main(["score"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"score failed: {expected}"
    assert "Traceback" not in err

    assert cli.main(["-q", "score"]) == 1
    err = capsys.readouterr().err
    assert f"score failed: ArtifactError: {expected} (-v for the traceback)" in err
    assert "Traceback" not in err
