"""Walk-forward evaluation: fit on the seasons before the test season, predict the test season.

Populations, stated with every number:
  (a) all_played: test-season player-games of players who played, with a prior game this
      season (non-NULL last-10 average), so both baselines exist on every row;
  (b) with_line: the rows of (a) that had a pre-game points line, where the line's own MAE is
      the bar. Lines are pick'em (PrizePicks/Underdog) lines, not -110 prices, so the 52.38%
      break-even is a reference, not the real price.
A model that beats the line by a wide margin is treated as a leakage alarm (see leakage_checks).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from ml.contract import FeatureContract
from ml.data import LABEL, Lines, attach_lines
from ml.matrix import feature_matrix
from ml.metrics import BREAK_EVEN, EDGE_THRESHOLDS, errors, hit_rates
from ml.models import MODEL_NAMES
from ml.train import Trained, train_window
from pipeline import progress

log = logging.getLogger(__name__)

MEAN_MODEL = "mean"  # the average of the two models' predictions
PREDICTORS = (*MODEL_NAMES, MEAN_MODEL)
BASELINES = {"last_10_avg": "points_avg_last_10", "season_avg": "points_avg_season"}
# Leakage alarms. The data README measured, on prop-listed players, the line at ~5.1 MAE and
# a last-10 average at ~5.5; a pre-game model below ~4.5 there is almost surely leaking.
LINE_POPULATION_FLOOR_MAE = 4.5
MAX_MAE_BELOW_LINE = 0.25
MAX_GAIN_OVER_LAST_10 = 0.15
MAX_FEATURE_TARGET_CORR = 0.9
# Player tiers by season average before the game (the original's governance tiers).
TIERS = ((25.0, "star 25+"), (15.0, "starter 15-25"), (5.0, "role 5-15"), (0.0, "bench <5"))


def player_tier(season_avg: pd.Series) -> pd.Series:
    tier = pd.Series("no history", index=season_avg.index, dtype="object")
    for floor, name in reversed(TIERS):
        tier = tier.mask(season_avg >= floor, name)
    return tier


@dataclass
class WalkForward:
    predictions: pd.DataFrame  # one row per test-season store row
    trained: Trained  # the static model (seasons before the test season)
    folds: list[dict[str, Any]] = field(default_factory=list)


def _predict_all(trained: Trained, rows: pd.DataFrame, contract: FeatureContract) -> pd.DataFrame:
    matrix = feature_matrix(rows, contract)
    out = pd.DataFrame(index=rows.index)
    for name, model in trained.models.items():
        out[f"pred_{name}"] = model.predict(matrix)
    out[f"pred_{MEAN_MODEL}"] = out[[f"pred_{n}" for n in trained.models]].mean(axis=1)
    return out


def _frame_for_test(test: pd.DataFrame, preds: pd.DataFrame) -> pd.DataFrame:
    keep = [
        "player_id",
        "game_id",
        "game_date",
        "season",
        "player_name",
        LABEL,
        *BASELINES.values(),
        *[c for c in ("last_source_game_date",) if c in test.columns],
    ]
    out = test[keep].join(preds)
    out["tier"] = player_tier(out["points_avg_season"])
    return out


def walk_forward(
    frame: pd.DataFrame,
    contract: FeatureContract,
    test_season: str,
    set_name: str,
    retrain_every_days: int | None = None,
    window_days: int | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> WalkForward:
    """Static fit on seasons before `test_season`; optionally also a rolling refit every N days
    (expanding, or the last `window_days` days), each fold trained only on earlier dates."""
    labelled = frame.loc[frame[LABEL].notna()]
    history = labelled.loc[labelled["season"] < test_season]
    test = labelled.loc[labelled["season"] == test_season]
    if history.empty or test.empty:
        raise ValueError(f"need labelled rows before and in {test_season}")
    started = time.perf_counter()
    trained = train_window(history, contract, set_name, overrides=overrides)
    predictions = _frame_for_test(test, _predict_all(trained, test, contract))
    predictions["trained_through"] = history["game_date"].max()
    folds = [
        {
            "fold": "static",
            "trained_through": history["game_date"].max().date(),
            "rows": len(test),
            "seconds": round(time.perf_counter() - started, 1),
        }
    ]
    if retrain_every_days:
        rolling = _rolling(labelled, test, contract, retrain_every_days, window_days, overrides)
        predictions = predictions.join(rolling[0])
        folds += rolling[1]
    return WalkForward(predictions, trained, folds)


def _rolling(
    labelled: pd.DataFrame,
    test: pd.DataFrame,
    contract: FeatureContract,
    every_days: int,
    window_days: int | None,
    overrides: Mapping[str, Mapping[str, Any]] | None,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    start = test["game_date"].min()
    end = test["game_date"].max()
    parts: list[pd.DataFrame] = []
    folds: list[dict[str, Any]] = []
    block_start = start
    blocks = (end - start).days // every_days + 1
    with progress.bar(desc="rolling refits", total=blocks, unit="fold") as folds_bar:
        while block_start <= end:
            folds_bar.update(1)
            block_end = block_start + timedelta(days=every_days)
            block = test.loc[(test["game_date"] >= block_start) & (test["game_date"] < block_end)]
            if not block.empty:
                past = labelled.loc[labelled["game_date"] < block_start]
                if window_days:
                    past = past.loc[past["game_date"] >= block_start - timedelta(days=window_days)]
                t0 = time.perf_counter()
                fold = train_window(past, contract, "rolling", overrides=overrides)
                preds = _predict_all(fold, block, contract).add_prefix("rolling_")
                parts.append(preds)
                folds.append(
                    {
                        "fold": f"rolling {block_start.date()}",
                        "trained_through": past["game_date"].max().date(),
                        "train_rows": len(past),
                        "rows": len(block),
                        "seconds": round(time.perf_counter() - t0, 1),
                    }
                )
                log.info("rolling fold %s: %d rows", block_start.date(), len(block))
            block_start = block_end
    return pd.concat(parts), folds


def _error_rows(rows: pd.DataFrame, predictors: Mapping[str, str]) -> dict[str, Any]:
    actual = rows[LABEL].to_numpy(dtype=np.float64)
    return {
        label: errors(actual, rows[column].to_numpy(dtype=np.float64))
        for label, column in predictors.items()
    }


def predictor_columns(predictions: pd.DataFrame, prefix: str = "pred_") -> dict[str, str]:
    models = {name: f"{prefix}{name}" for name in PREDICTORS if f"{prefix}{name}" in predictions}
    return {**models, **BASELINES}


def summarise(predictions: pd.DataFrame, lines: Lines, prefix: str = "pred_") -> dict[str, Any]:
    """Errors on both populations, the line's own MAE, and hit rates by edge bucket."""
    with_lines = attach_lines(predictions, lines)
    played = with_lines.loc[with_lines["points_avg_last_10"].notna()]
    lined = played.loc[played["line"].notna()]
    columns = predictor_columns(predictions, prefix)
    line_rows_total = len(lines.frame)
    line_rows_in_store = int(with_lines["line"].notna().sum())
    result: dict[str, Any] = {
        "populations": {
            "all_played": {
                "definition": "test-season player-games of players who played, with a prior "
                "game this season (non-NULL last-10 average)",
                "rows": len(played),
                "excluded_no_prior_game": int(len(with_lines) - len(played)),
            },
            "with_line": {
                "definition": "rows of all_played that had a pre-game points line",
                "rows": len(lined),
                "line_source": lines.note,
                "line_rows_total": line_rows_total,
                "line_rows_player_did_not_play_or_unmatched": line_rows_total - line_rows_in_store,
                "line_rows_without_prior_game": line_rows_in_store - len(lined),
            },
        },
        "errors": {"all_played": _error_rows(played, columns)},
    }
    line_errors = _error_rows(lined, columns)
    if len(lined):
        line_errors["line"] = errors(
            lined[LABEL].to_numpy(dtype=np.float64), lined["line"].to_numpy(dtype=np.float64)
        )
    result["errors"]["with_line"] = line_errors
    result["hit_rates"] = {
        "break_even": round(BREAK_EVEN, 4),
        "rule": "OVER if predicted > line, UNDER if below; picks with |edge| >= min_edge; "
        "pushes (actual == line) counted but excluded from the hit rate",
        "by_predictor": {
            label: hit_rates(
                lined[LABEL].to_numpy(dtype=np.float64),
                lined["line"].to_numpy(dtype=np.float64),
                lined[column].to_numpy(dtype=np.float64),
                EDGE_THRESHOLDS,
            )
            for label, column in columns.items()
        },
    }
    return result


def leakage_checks(
    frame: pd.DataFrame,
    predictions: pd.DataFrame,
    summary: dict[str, Any],
    contract: FeatureContract,
    test_season: str,
) -> dict[str, Any]:
    """Cheap checks that would catch a store or a split that leaks the target game."""
    alarms: list[str] = []
    checks: dict[str, Any] = {}
    if "last_source_game_date" in frame:
        late = int((frame["last_source_game_date"] >= frame["game_date"]).sum())
        checks["rows_with_source_on_or_after_game_date"] = late
        if late:
            alarms.append(f"{late} store rows use data from the game date or later")
    history = frame.loc[frame["season"] < test_season]
    checks["train_end"] = history["game_date"].max().date()
    checks["test_start"] = predictions["game_date"].min().date()
    if checks["train_end"] >= checks["test_start"]:
        alarms.append("training window overlaps the test season")
    played = predictions.loc[predictions["points_avg_last_10"].notna()]
    corr = {
        f: float(abs(played[LABEL].corr(frame.loc[played.index, f])))
        for f in contract.features
        if frame.loc[played.index, f].notna().sum() > 100
    }
    top = max(corr, key=lambda f: corr[f])
    checks["max_abs_feature_target_correlation"] = {"feature": top, "r": round(corr[top], 3)}
    if corr[top] > MAX_FEATURE_TARGET_CORR:
        alarms.append(f"{top} correlates {corr[top]:.2f} with the points it should predict")
    played_errors = summary["errors"]["all_played"]
    base = played_errors["last_10_avg"]["mae"]
    for model in PREDICTORS:
        if model not in played_errors:
            continue
        gain = 1 - played_errors[model]["mae"] / base
        checks[f"{model}_mae_gain_over_last_10_all_played"] = round(gain, 4)
        if gain > MAX_GAIN_OVER_LAST_10:
            alarms.append(f"{model} beats the last-10 average by {gain:.0%} on all players")
    lined = summary["errors"]["with_line"]
    if "line" in lined:
        for model in PREDICTORS:
            if model not in lined:
                continue
            gap = lined["line"]["mae"] - lined[model]["mae"]
            checks[f"{model}_mae_below_line"] = round(gap, 4)
            if gap > MAX_MAE_BELOW_LINE or lined[model]["mae"] < LINE_POPULATION_FLOOR_MAE:
                alarms.append(
                    f"{model} MAE {lined[model]['mae']:.2f} vs the line's "
                    f"{lined['line']['mae']:.2f} on the same rows: too good to be pre-game"
                )
    else:
        checks["line_comparison"] = "not run: no line population"
    return {"alarm": bool(alarms), "alarms": alarms, "checks": checks}
