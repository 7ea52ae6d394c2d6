"""The feature contract is read from the dbt YAML, in meta.feature_order, never hard-coded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ml.contract import DEFAULT_CONTRACT_YAML, ContractError, parse_contract, read_contract


def _doc(columns: list[dict], model_meta: dict | None = None) -> dict:
    model = {"name": "ml_feature_store", "columns": columns}
    if model_meta:
        model["config"] = {"meta": model_meta}
    return {"models": [{"name": "other", "columns": []}, model]}


def _feature(name: str, order: int, required: bool = False) -> dict:
    return {"name": name, "meta": {"feature": True, "feature_order": order, "required": required}}


def test_real_yaml_lists_the_meta_feature_columns_in_feature_order() -> None:
    contract = read_contract()
    document = yaml.safe_load(DEFAULT_CONTRACT_YAML.read_text())
    (store,) = [m for m in document["models"] if m["name"] == "ml_feature_store"]
    flagged = [c for c in store["columns"] if (c.get("meta") or {}).get("feature")]
    expected = [c["name"] for c in sorted(flagged, key=lambda c: c["meta"]["feature_order"])]
    assert list(contract.features) == expected
    assert contract.required == {c["name"] for c in flagged if c["meta"].get("required")}
    assert contract.required <= set(contract.features)
    # keys and bookkeeping columns are not model inputs
    assert not {"player_id", "game_id", "game_date", "feature_version"} & set(contract.features)


def test_order_comes_from_feature_order_not_from_yaml_position() -> None:
    contract = parse_contract(
        _doc([_feature("b", 2), {"name": "key"}, _feature("c", 10, True), _feature("a", 1)]),
        source="test",
    )
    assert contract.features == ("a", "b", "c")
    assert contract.required == {"c"}


def test_config_meta_style_and_model_feature_version() -> None:
    columns = [{"name": "x", "config": {"meta": {"feature": True, "feature_order": 1}}}]
    contract = parse_contract(
        _doc(columns, {"feature_version": "v7"}), source="t", project_feature_version="v1"
    )
    assert contract.features == ("x",)
    assert contract.feature_version == "v7"
    assert parse_contract(_doc(columns), "t", project_feature_version="v1").feature_version == "v1"
    assert parse_contract(_doc(columns), "t").feature_version is None


def test_fingerprint_changes_with_order() -> None:
    one = parse_contract(_doc([_feature("a", 1), _feature("b", 2)]), "t")
    two = parse_contract(_doc([_feature("a", 2), _feature("b", 1)]), "t")
    assert one.fingerprint != two.fingerprint


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ([_feature("a", 1), _feature("b", 1)], "repeat"),
        ([{"name": "a", "meta": {"feature": True}}], "feature_order"),
        ([_feature("a; drop table x", 1)], "identifier"),
        ([{"name": "a"}], "no column"),
    ],
)
def test_ambiguous_contracts_are_refused(columns: list[dict], message: str) -> None:
    with pytest.raises(ContractError, match=message):
        parse_contract(_doc(columns), "t")


def test_missing_yaml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="not found"):
        read_contract(tmp_path / "nope.yml")
