"""Score store rows with saved models and write them to predictions.player_points_predictions.

Which rows: the store's unplayed rows (no label yet) with the production model when there
are any. The bundled warehouse has none (every store row is a played game), so for the demo
the held-out season is scored by the walk-forward model, which never saw it. `scoring_mode`
on every row, and the command's output, say which of the two happened.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from ml.artifacts import (
    PRODUCTION_SET,
    SavedModel,
    artifacts_root,
    load_saved_model,
    walkforward_set,
)
from ml.contract import FeatureContract
from ml.data import LABEL, StoreError, attach_lines, load_lines, load_store, store_feature_version
from ml.evaluate import MEAN_MODEL
from ml.matrix import feature_matrix
from ml.models import MODEL_NAMES
from ml.predictions import recommend, table_spec, write_predictions
from ml.warehouse import Warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoreResult:
    mode: str
    model_set: str
    rows_scored: int
    rows_written: int
    table: str
    versions: dict[str, str]
    recommendations: dict[str, int]
    line_note: str


@dataclass(frozen=True)
class ScoredRows:
    rows_scored: int
    predictions: pd.DataFrame  # long format, as written
    versions: dict[str, str]
    rows_written: int
    line_note: str


def _mean_version(models: dict[str, SavedModel]) -> str:
    joined = "+".join(models[n].version for n in sorted(models))
    return f"{MEAN_MODEL}-{hashlib.sha256(joined.encode()).hexdigest()[:8]}"


def prediction_rows(
    rows: pd.DataFrame,
    predictions: dict[str, np.ndarray],
    versions: dict[str, str],
    mode: str,
    min_edge: float,
) -> pd.DataFrame:
    """Long format: one row per model and player-game, with edge and recommendation."""
    created_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    line = rows["line"].to_numpy(dtype=np.float64)
    # A player's first game of the season has no form features: the prediction rests on team
    # context alone, so it is written (and graded for MAE) but never recommended.
    if "has_player_history" in rows:
        cold_start = ~rows["has_player_history"].to_numpy(dtype=bool, na_value=False)
    else:
        cold_start = np.zeros(len(rows), dtype=bool)
    parts = []
    for name, predicted in predictions.items():
        edge = predicted - line
        recommendation = recommend(edge, min_edge)
        recommendation[cold_start & (recommendation != "NO_LINE")] = "PASS"
        parts.append(
            pd.DataFrame(
                {
                    "model_version": versions[name],
                    "player_id": rows["player_id"].to_numpy(dtype=np.int64),
                    "game_id": rows["game_id"].astype(str).to_numpy(),
                    "game_date": pd.to_datetime(rows["game_date"]).dt.date.to_numpy(),
                    "model_name": name,
                    "predicted_points": predicted,
                    "line": line,
                    "edge": edge,
                    "recommendation": recommendation,
                    "min_edge": float(min_edge),
                    "scoring_mode": mode,
                    "created_at": created_at,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def score(
    warehouse: Warehouse, contract: FeatureContract, season: str, min_edge: float
) -> ScoreResult:
    frame = load_store(warehouse, contract)
    # Unplayed = scheduled and not yet final. A missing label alone is not enough: the store
    # keeps past rows of players who sat out (DNP), which have no points either.
    if "game_status" in frame:
        unplayed = frame.loc[frame["game_status"].eq("scheduled") & frame[LABEL].isna()]
    else:
        unplayed = frame.loc[frame[LABEL].isna()]
    if len(unplayed):
        rows, set_name, mode = unplayed, PRODUCTION_SET, "upcoming"
    else:
        set_name, mode = walkforward_set(season), f"demo_holdout_{season}"
        rows = frame.loc[frame["season"] == season]
        if rows.empty:
            raise StoreError(f"no unplayed rows and no {season} rows to score")
        log.warning(
            "the store has no unplayed rows: demo mode, scoring the held-out %s rows with the "
            "walk-forward model trained on earlier seasons",
            season,
        )
    models = load_models(set_name, contract)
    version = store_feature_version(rows, contract)
    for saved in models.values():
        if saved.meta["feature_version"] != version:
            raise StoreError(
                f"{saved.version} was trained on feature_version {saved.meta['feature_version']}"
                f", the store rows are {version}: retrain before scoring"
            )
    scored = score_rows(warehouse, contract, rows, models, mode, min_edge)
    spec = table_spec(warehouse.kind)
    out = scored.predictions
    counts = out.loc[out["model_name"] == MEAN_MODEL, "recommendation"].value_counts()
    return ScoreResult(
        mode=mode,
        model_set=set_name,
        rows_scored=scored.rows_scored,
        rows_written=scored.rows_written,
        table=warehouse.relation(spec.schema, spec.table),
        versions=scored.versions,
        recommendations={k: int(v) for k, v in counts.items()},
        line_note=scored.line_note,
    )


def load_models(set_name: str, contract: FeatureContract) -> dict[str, SavedModel]:
    """Every model of one saved set (PRODUCTION_SET or a walk-forward set), by name."""
    set_dir = artifacts_root() / set_name
    # load_saved_model refuses any model whose feature list differs from the YAML's.
    return {name: load_saved_model(set_dir, name, contract) for name in MODEL_NAMES}


def score_rows(
    warehouse: Warehouse,
    contract: FeatureContract,
    rows: pd.DataFrame,
    models: dict[str, SavedModel],
    mode: str,
    min_edge: float,
) -> ScoredRows:
    """Attach the lines to `rows`, predict them with each model and the models' mean, and
    write the long rows to the predictions table: the work of `score` once the rows and
    models are chosen (the benchmark times this same call on one game day)."""
    lines = load_lines(warehouse)
    rows = attach_lines(rows.reset_index(drop=True), lines)
    matrix = feature_matrix(rows, contract)
    predictions = {name: saved.model.predict(matrix) for name, saved in models.items()}
    predictions[MEAN_MODEL] = np.mean([predictions[n] for n in MODEL_NAMES], axis=0)
    versions = {name: saved.version for name, saved in models.items()}
    versions[MEAN_MODEL] = _mean_version(models)
    out = prediction_rows(rows, predictions, versions, mode, min_edge)
    written = write_predictions(warehouse, out)
    return ScoredRows(
        rows_scored=len(rows),
        predictions=out,
        versions=versions,
        rows_written=written,
        line_note=lines.note,
    )
