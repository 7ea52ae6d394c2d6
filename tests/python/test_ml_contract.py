"""The feature contract is read from the dbt YAML, in meta.feature_order, never hard-coded, and
rows that hand a feature column of another type than the YAML declares are refused by name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import write_small_store

from ml import __main__ as ml_cli
from ml.contract import (
    DEFAULT_CONTRACT_YAML,
    ContractError,
    FeatureTypeError,
    parse_contract,
    read_contract,
)
from ml.data import load_store
from ml.matrix import feature_matrix
from ml.warehouse import DuckDBWarehouse
from pipeline import cli

DOUBLE = "{{ 'float64' if target.type == 'bigquery' else 'double' }}"


def _doc(columns: list[dict], model_meta: dict | None = None) -> dict:
    model = {"name": "ml_feature_store", "columns": columns}
    if model_meta:
        model["config"] = {"meta": model_meta}
    return {"models": [{"name": "other", "columns": []}, model]}


def _feature(name: str, order: int, required: bool = False, data_type: str = DOUBLE) -> dict:
    meta = {"feature": True, "feature_order": order, "required": required}
    return {"name": name, "data_type": data_type, "meta": meta}


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
    columns = [
        {
            "name": "x",
            "data_type": "double",
            "config": {"meta": {"feature": True, "feature_order": 1}},
        }
    ]
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
        ([{"name": "a", "meta": {"feature": True, "feature_order": 1}}], "a has no data_type"),
        ([_feature("a", 1, data_type="varchar")], "a is declared varchar on duckdb"),
        (
            [
                _feature(
                    "a", 1, data_type="{{ 'string' if target.type == 'bigquery' else 'double' }}"
                )
            ],
            "a is declared string on bigquery",
        ),
    ],
)
def test_ambiguous_contracts_are_refused(columns: list[dict], message: str) -> None:
    with pytest.raises(ContractError, match=message):
        parse_contract(_doc(columns), "t")


def test_missing_yaml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="not found"):
        read_contract(tmp_path / "nope.yml")


# --- the declared types, enforced on the rows ----------------------------------------------


def test_every_feature_of_the_real_yaml_is_declared_numeric() -> None:
    contract = read_contract()
    assert set(contract.data_types) == set(contract.features)
    assert {contract.declared_type(f) for f in contract.features} == {
        "double (float64 on BigQuery)"
    }


def test_a_store_column_of_the_wrong_type_is_named_before_any_library_sees_it(
    tmp_path: Path,
) -> None:
    contract = read_contract()
    database = tmp_path / "warehouse.duckdb"
    write_small_store(database, contract.features, text_feature="usage_rate_avg_last_5")
    warehouse = DuckDBWarehouse(str(database))
    try:
        with pytest.raises(FeatureTypeError) as caught:
            load_store(warehouse, contract)
    finally:
        warehouse.close()
    assert str(caught.value) == (
        "ml.ml_feature_store: feature column of the wrong type: usage_rate_avg_last_5 is "
        "VARCHAR, the contract (models/ml/_ml__models.yml) declares double (float64 on "
        "BigQuery). Rebuild it from the YAML: `nba-props build --select ml_feature_store`"
    )


def _numeric_frame(contract, rows: int = 8) -> pd.DataFrame:
    return pd.DataFrame(
        {f: np.arange(rows, dtype=np.float64) + k for k, f in enumerate(contract.features)}
    )


@pytest.mark.parametrize(
    "values",
    [
        ["12.5", "n/a"] * 4,  # text, even when some of it reads as numbers
        pd.Series(["12.5"] * 8, dtype=object),
        pd.to_datetime(["2025-01-10"] * 8),
    ],
)
def test_rows_to_score_with_a_feature_of_the_wrong_type_are_refused_by_name(values) -> None:
    contract = read_contract()
    frame = _numeric_frame(contract)
    frame["minutes_avg_last_10"] = values
    found = f"{frame['minutes_avg_last_10'].dtype} (values such as {frame.iloc[0, 5]!r})"
    with pytest.raises(FeatureTypeError) as caught:
        feature_matrix(frame, contract)
    assert str(caught.value) == (
        "the rows for the models: feature column of the wrong type: minutes_avg_last_10 is "
        f"{found}, the contract (models/ml/_ml__models.yml) declares double (float64 on BigQuery)"
    )


def test_numbers_of_any_numeric_dtype_still_make_the_matrix() -> None:
    contract = read_contract()
    frame = _numeric_frame(contract)
    frame["points_avg_last_5"] = pd.array([1, None, 3, 4, 5, 6, 7, 8], dtype="Int64")
    frame["points_avg_last_10"] = [Decimal("1.5"), None] * 4  # BigQuery NUMERIC
    frame["points_avg_season"] = [True, False] * 4
    matrix = feature_matrix(frame, contract)
    assert matrix.dtype == np.float64 and np.isnan(matrix[1, 0]) and matrix[0, 1] == 1.5


def test_training_on_a_store_of_the_wrong_type_stops_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m ml train` and `nba-props train`: exit 1, one line naming the column, the
    declared type and the type found; no traceback, no model written."""
    contract = read_contract()
    database = tmp_path / "warehouse.duckdb"
    write_small_store(database, contract.features, text_feature="usage_rate_avg_last_5")
    monkeypatch.setenv("NBA_DUCKDB_PATH", str(database))
    monkeypatch.setenv("NBA_ML_ARTIFACTS", str(tmp_path / "artifacts"))
    monkeypatch.setenv("DBT_TARGET", "duckdb")
    expected = "usage_rate_avg_last_5 is VARCHAR, the contract (models/ml/_ml__models.yml) declares"

    assert ml_cli.main(["train"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("train failed: ml.ml_feature_store: feature column of the wrong type: ")
    assert expected in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err

    assert cli.main(["-q", "train"]) == 1
    err = capsys.readouterr().err
    assert "train failed: FeatureTypeError: ml.ml_feature_store: feature column" in err
    assert expected in err and "Traceback" not in err
    assert not (tmp_path / "artifacts").exists()
    with duckdb.connect(str(database), read_only=True) as con:  # the store is as it was
        assert con.execute("select count(*) from ml.ml_feature_store").fetchone() == (60,)
