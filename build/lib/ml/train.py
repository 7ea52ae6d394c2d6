"""Fit both models on a window of labelled store rows and describe them for their JSON."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.artifacts import dbt_manifest_info, save_model, version_digest
from ml.contract import FeatureContract
from ml.data import LABEL, store_feature_version
from ml.matrix import feature_matrix, time_ordered_split
from ml.metrics import errors
from ml.models import MODEL_NAMES, FittedModel, fit_models, library_versions

log = logging.getLogger(__name__)

MISSING_VALUE_POLICY = (
    "NULL features reach both models as NaN (XGBoost learns a default branch per split, "
    "CatBoost nan_mode=Min); no imputation, no per-model default"
)


@dataclass
class Trained:
    models: dict[str, FittedModel]
    meta: dict[str, dict[str, Any]]


def train_window(
    rows: pd.DataFrame,
    contract: FeatureContract,
    set_name: str,
    names: Sequence[str] = MODEL_NAMES,
    valid_fraction: float = 0.1,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Trained:
    """Fit every model on the labelled `rows`, stopping early on their last dates."""
    labelled = rows.loc[rows[LABEL].notna()].sort_values(["game_date", "game_id", "player_id"])
    labelled = labelled.reset_index(drop=True)
    if labelled.empty:
        raise ValueError("no labelled rows to train on")
    feature_version = store_feature_version(labelled, contract)
    split = time_ordered_split(labelled["game_date"], valid_fraction=valid_fraction)
    matrix = feature_matrix(labelled, contract)
    target = labelled[LABEL].to_numpy(dtype=np.float64)
    started = time.perf_counter()
    models = fit_models(
        matrix[split.train],
        target[split.train],
        matrix[split.valid],
        target[split.valid],
        names=names,
        overrides=overrides,
    )
    seconds = time.perf_counter() - started
    window = {
        "start": labelled["game_date"].min().date(),
        "end": labelled["game_date"].max().date(),
        "seasons": sorted(labelled["season"].unique().tolist()),
    }
    common = {
        "set": set_name,
        **contract.to_json(),
        "feature_version": feature_version,
        "training_window": window,
        "fit_window": {"start": split.train_dates[0], "end": split.train_dates[1]},
        "validation_window": {
            "start": split.valid_dates[0],
            "end": split.valid_dates[1],
            "rule": f"last {valid_fraction:.0%} of the window's game dates (early stopping)",
        },
        "rows": {
            "fit": len(split.train),
            "validation": len(split.valid),
            "labelled": len(labelled),
            "unlabelled_excluded": int(rows[LABEL].isna().sum()),
        },
        "missing_value_policy": MISSING_VALUE_POLICY,
        "libraries": library_versions(),
        "dbt": dbt_manifest_info(),
    }
    meta: dict[str, dict[str, Any]] = {}
    for name, model in models.items():
        fit_pred = model.predict(matrix[split.train])
        valid_pred = model.predict(matrix[split.valid])
        digest = version_digest(
            {
                "model": name,
                "features": contract.features,
                "feature_version": feature_version,
                "params": model.params,
                "window": window,
                "rows": len(labelled),
            }
        )
        meta[name] = {
            "model_name": name,
            "model_version": f"{name}-{feature_version}-{window['end']:%Y%m%d}-{digest}",
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **common,
            "params": model.params,
            "best_iteration": model.best_iteration,
            "metrics": {
                "fit": errors(target[split.train], fit_pred),
                "validation": errors(target[split.valid], valid_pred),
            },
            "importance": model.importance(contract.features),
            "fit_seconds_both_models": round(seconds, 1),
        }
        log.info(
            "%s: best iteration %s, validation MAE %.3f on %d rows (%s..%s)",
            name,
            model.best_iteration,
            meta[name]["metrics"]["validation"]["mae"],
            len(split.valid),
            split.valid_dates[0],
            split.valid_dates[1],
        )
    return Trained(models, meta)


def save_trained(trained: Trained, set_dir: Path) -> list[Path]:
    return [
        save_model(set_dir, model, trained.meta[name]) for name, model in trained.models.items()
    ]
