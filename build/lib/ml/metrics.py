"""Error and pick metrics. Every result carries its row count; a number without its population
means nothing (an average already scores ~4.7 MAE on all players, ~5.5 on prop-listed ones)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# A -110 price risks 110 to win 100: the hit rate that breaks even is 110 / 210.
BREAK_EVEN = 110 / 210
EDGE_THRESHOLDS: tuple[float, ...] = (1.0, 2.0, 3.0, 5.0)


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(actual - predicted)))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))


def errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    if len(actual) == 0:
        return {"n": 0, "mae": None, "rmse": None, "bias": None}
    return {
        "n": len(actual),
        "mae": round(mae(actual, predicted), 4),
        "rmse": round(rmse(actual, predicted), 4),
        # mean(predicted - actual): negative means the predictor runs low
        "bias": round(float(np.mean(predicted - actual)), 4),
    }


def wilson_interval(wins: int, n: int, z: float = 1.96) -> tuple[float | None, float | None]:
    """95% Wilson score interval of a hit rate; honest at small n, unlike p +/- 2 SE."""
    if n == 0:
        return None, None
    p = wins / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return centre - half, centre + half


def _record(wins: int, losses: int) -> dict[str, Any]:
    n = wins + losses
    low, high = wilson_interval(wins, n)
    return {
        "wins": wins,
        "losses": losses,
        "hit_rate": round(wins / n, 4) if n else None,
        "ci_low": round(low, 4) if low is not None else None,
        "ci_high": round(high, 4) if high is not None else None,
    }


def hit_rates(
    actual: np.ndarray,
    line: np.ndarray,
    predicted: np.ndarray,
    thresholds: tuple[float, ...] = EDGE_THRESHOLDS,
) -> list[dict[str, Any]]:
    """OVER/UNDER picks by edge = predicted - line, for |edge| >= each threshold.

    The pick is OVER when the edge is positive, UNDER when negative. A push (actual == line)
    is no decision: counted, but not in the hit rate."""
    edge = predicted - line
    rows = []
    for threshold in thresholds:
        picked = (np.abs(edge) >= threshold) & (edge != 0)
        push = picked & (actual == line)
        decided = picked & ~push
        over = decided & (edge > 0)
        under = decided & (edge < 0)
        over_wins = int(np.sum(over & (actual > line)))
        under_wins = int(np.sum(under & (actual < line)))
        row = {
            "min_edge": threshold,
            "picks": int(picked.sum()),
            "pushes": int(push.sum()),
            **_record(over_wins + under_wins, int(decided.sum()) - over_wins - under_wins),
            "over": _record(over_wins, int(over.sum()) - over_wins),
            "under": _record(under_wins, int(under.sum()) - under_wins),
        }
        row["beats_break_even"] = row["ci_low"] is not None and row["ci_low"] > BREAK_EVEN
        rows.append(row)
    return rows
