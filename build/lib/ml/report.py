"""One self-contained HTML report of the walk-forward evaluation (charts embedded as PNG).

Everything is drawn from what `python -m ml evaluate` saved (evaluation.json, the test-season
predictions with their lines, the two models' JSON), so the report shows exactly the rows the
metrics describe and never retrains.
"""

from __future__ import annotations

import base64
import html
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers or in CI

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ml.data import LABEL
from ml.evaluate import PREDICTORS, TIERS
from ml.metrics import BREAK_EVEN
from ml.models import MODEL_NAMES
from ml.tables import LABELS

COLOURS = {
    "xgboost": "#1f77b4",
    "catboost": "#ff7f0e",
    "mean": "#2ca02c",
    "last_10_avg": "#7f7f7f",
    "season_avg": "#bcbd22",
    "line": "#d62728",
}
TIER_ORDER = [name for _, name in TIERS]
CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em} h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#666;margin-top:0} .note{color:#555;font-size:.92em}
.alarm{background:#fde2e2;border:1px solid #d62728;padding:.6em 1em}
.ok{background:#e6f4ea;border:1px solid #2ca02c;padding:.6em 1em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right} th{background:#f5f5f5}
td:first-child,th:first-child{text-align:left} img{max-width:100%}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1em}
"""


def _png(figure: plt.Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="" src="data:image/png;base64,{encoded}">'


def _population(predictions: pd.DataFrame) -> pd.DataFrame:
    return predictions.loc[predictions["points_avg_last_10"].notna()]


def predicted_vs_actual(played: pd.DataFrame) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(5.4, 5))
    actual = played[LABEL].to_numpy(dtype=float)
    predicted = played["pred_mean"].to_numpy(dtype=float)
    top = float(np.percentile(actual, 99.9))
    hexes = ax.hexbin(predicted, actual, gridsize=40, bins="log", cmap="Greens", mincnt=1)
    ax.plot([0, top], [0, top], color="#444", lw=1, ls="--", label="predicted = actual")
    ax.set(xlim=(0, top), ylim=(0, top), xlabel="predicted points (mean of the two models)")
    ax.set_ylabel("actual points")
    ax.set_title(f"Predicted vs actual, {len(played):,} player-games")
    fig.colorbar(hexes, ax=ax, label="player-games (log)")
    ax.legend(loc="upper left")
    return fig


def mae_by_tier(played: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    columns = {name: f"pred_{name}" for name in PREDICTORS}
    columns |= {"last_10_avg": "points_avg_last_10", "season_avg": "points_avg_season"}
    rows = []
    for tier in TIER_ORDER:
        group = played.loc[played["tier"] == tier]
        if group.empty:
            continue
        record: dict[str, Any] = {"tier": tier, "rows": len(group)}
        for key, column in columns.items():
            record[key] = float(np.mean(np.abs(group[column] - group[LABEL])))
        rows.append(record)
    table = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    width = 0.8 / len(columns)
    x = np.arange(len(table))
    for i, key in enumerate(columns):
        ax.bar(x + i * width, table[key], width, label=LABELS[key], color=COLOURS[key])
    ax.set_xticks(x + width * (len(columns) - 1) / 2)
    ax.set_xticklabels(
        [f"{t}\n(n={n:,})" for t, n in zip(table["tier"], table["rows"], strict=True)]
    )
    ax.set_ylabel("MAE (points)")
    ax.set_title("MAE by player tier (season average before the game)")
    ax.legend(fontsize=8, ncol=2)
    return fig, table


def hit_rate_chart(summary: dict[str, Any]) -> plt.Figure | None:
    by_predictor = summary["hit_rates"]["by_predictor"]
    if summary["populations"]["with_line"]["rows"] == 0:
        return None
    keys = [k for k in (*MODEL_NAMES, "mean", "last_10_avg") if k in by_predictor]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    thresholds = [row["min_edge"] for row in by_predictor[keys[0]]]
    x = np.arange(len(thresholds))
    width = 0.8 / len(keys)
    for i, key in enumerate(keys):
        rows = by_predictor[key]
        rate = np.array([r["hit_rate"] if r["hit_rate"] is not None else np.nan for r in rows])
        low = np.array([r["ci_low"] if r["ci_low"] is not None else np.nan for r in rows])
        high = np.array([r["ci_high"] if r["ci_high"] is not None else np.nan for r in rows])
        positions = x + i * width
        ax.errorbar(
            positions,
            rate,
            yerr=[rate - low, high - rate],
            fmt="o",
            capsize=3,
            color=COLOURS[key],
            label=LABELS[key],
        )
        for position, r in zip(positions, rows, strict=True):
            ax.annotate(
                f"{r['wins'] + r['losses']}",
                (position, 0.305),
                ha="center",
                fontsize=7,
                color=COLOURS[key],
            )
    ax.axhline(BREAK_EVEN, color="#d62728", ls="--", lw=1, label="break-even at -110 (52.38%)")
    ax.axhline(0.5, color="#999", lw=0.8)
    ax.set_xticks(x + width * (len(keys) - 1) / 2)
    ax.set_xticklabels([f"|edge| ≥ {t:g}" for t in thresholds])
    ax.set_ylim(0.3, 0.75)
    ax.set_ylabel("hit rate (pushes excluded), 95% Wilson CI")
    ax.set_title("OVER/UNDER hit rate by edge (numbers at the bottom: decided picks)")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def calibration(played: pd.DataFrame) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(5.4, 5))
    deciles = pd.qcut(played["pred_mean"], 10, duplicates="drop")
    groups = played.groupby(deciles, observed=True)
    predicted = groups["pred_mean"].mean()
    ax.plot(predicted, groups[LABEL].mean(), "o-", color=COLOURS["mean"], label="mean actual")
    ax.plot(predicted, groups[LABEL].median(), "s--", color="#555", label="median actual")
    top = float(max(predicted.max(), groups[LABEL].mean().max())) + 2
    ax.plot([0, top], [0, top], color="#999", lw=1, label="perfect calibration")
    ax.set(xlim=(0, top), ylim=(0, top), xlabel="mean prediction in the decile")
    ax.set_ylabel("actual points")
    ax.set_title("Calibration by prediction decile")
    ax.legend(loc="upper left")
    return fig


def importance_chart(metas: dict[str, dict[str, Any]]) -> plt.Figure:
    features = metas[MODEL_NAMES[0]]["features"]
    shares = pd.DataFrame({name: metas[name]["importance"] for name in MODEL_NAMES})
    shares = shares.loc[features]
    order = shares.mean(axis=1).sort_values().index
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * len(order) + 1.2))
    y = np.arange(len(order))
    height = 0.4
    for i, name in enumerate(MODEL_NAMES):
        ax.barh(
            y + i * height, shares.loc[order, name], height, color=COLOURS[name], label=LABELS[name]
        )
    ax.set_yticks(y + height / 2)
    ax.set_yticklabels(order, fontsize=8)
    ax.set_xlabel("share of importance (XGBoost: total gain; CatBoost: prediction value change)")
    ax.set_title("Feature importance")
    ax.legend(loc="lower right")
    return fig


def _html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, na_rep="-", float_format=lambda v: f"{v:.2f}")


def _error_frame(summary: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for key, label in LABELS.items():
        played = summary["errors"]["all_played"].get(key, {})
        lined = summary["errors"]["with_line"].get(key, {})
        if not played and not lined:
            continue
        rows.append(
            {
                "predictor": label,
                "MAE (all played)": played.get("mae"),
                "RMSE (all played)": played.get("rmse"),
                "bias (all played)": played.get("bias"),
                "MAE (with line)": lined.get("mae"),
                "RMSE (with line)": lined.get("rmse"),
            }
        )
    return pd.DataFrame(rows)


def _hit_frame(summary: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for key, entries in summary["hit_rates"]["by_predictor"].items():
        for r in entries:
            rows.append(
                {
                    "predictor": LABELS.get(key, key),
                    "|edge|": f"≥ {r['min_edge']:g}",
                    "picks": r["picks"],
                    "pushes": r["pushes"],
                    "wins": r["wins"],
                    "losses": r["losses"],
                    "hit rate %": None if r["hit_rate"] is None else 100 * r["hit_rate"],
                    "95% CI %": "-"
                    if r["ci_low"] is None
                    else f"{100 * r['ci_low']:.1f}-{100 * r['ci_high']:.1f}",
                }
            )
    return pd.DataFrame(rows)


def headline(summary: dict[str, Any]) -> str:
    """The result in two sentences, populations included."""
    played = summary["errors"]["all_played"]
    text = (
        f"On all {summary['populations']['all_played']['rows']:,} player-games with a prior "
        f"game, the mean of the two models misses by {played['mean']['mae']:.2f} points (MAE) "
        f"against {played['last_10_avg']['mae']:.2f} for a last-10 average."
    )
    lined = summary["errors"]["with_line"]
    if "line" not in lined:
        return text + " No line population yet, so no comparison with the line."
    at_three = next(r for r in summary["hit_rates"]["by_predictor"]["mean"] if r["min_edge"] == 3.0)
    rate = at_three["hit_rate"]
    return text + (
        f" On the {summary['populations']['with_line']['rows']:,} with a line it misses by "
        f"{lined['mean']['mae']:.2f}, the line by {lined['line']['mae']:.2f}; picks with "
        f"|edge| ≥ 3 hit {'-' if rate is None else f'{100 * rate:.1f}%'} "
        f"({at_three['wins'] + at_three['losses']} decided) against 52.38% needed at -110."
    )


def build_html(set_dir: Path) -> str:
    evaluation = json.loads((set_dir / "evaluation.json").read_text())
    metas = {n: json.loads((set_dir / f"{n}.json").read_text()) for n in MODEL_NAMES}
    predictions = pd.read_parquet(set_dir / "test_predictions.parquet")
    summary = evaluation["static"]
    played = _population(predictions)
    populations = summary["populations"]
    leakage = evaluation["leakage"]
    window = evaluation["training_window"]
    season = evaluation["test_season"]
    esc = html.escape
    if leakage["alarm"]:
        verdict = (
            '<div class="alarm"><b>Leakage alarm.</b> These numbers are not to be reported '
            "before investigation:<ul>"
            + "".join(f"<li>{esc(a)}</li>" for a in leakage["alarms"])
            + "</ul></div>"
        )
    else:
        verdict = (
            '<div class="ok"><b>Leakage checks passed</b> (a pre-game model that beats the line '
            "by a wide margin would raise an alarm here instead):<ul>"
            + "".join(
                f"<li>{esc(k.replace('_', ' '))}: {esc(json.dumps(v, default=str))}</li>"
                for k, v in leakage["checks"].items()
            )
            + "</ul></div>"
        )
    tier_fig, _ = mae_by_tier(played)
    hits = hit_rate_chart(summary)
    lined = populations["with_line"]
    if hits is None:
        hit_block = (
            f'<p class="alarm">No line population: {esc(lined["line_source"])}. Hit rates '
            "and the line's own MAE appear once the context mart with lines is built.</p>"
        )
    else:
        hit_block = _png(hits) + _html_table(_hit_frame(summary))
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Points model report, {esc(season)}</title><style>{CSS}</style></head><body>",
        f"<h1>Player points: XGBoost and CatBoost, walk-forward on {esc(season)}</h1>",
        f'<p class="sub">Trained on {esc(", ".join(window["seasons"]))} '
        f"({window['start']}..{window['end']}), tested on every {esc(season)} game; "
        f"generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>",
        f"<p><b>{esc(headline(summary))}</b></p>",
        verdict,
        "<h2>Who the numbers are about</h2><ul>",
        f"<li><b>All played</b>: {esc(populations['all_played']['definition'])}: "
        f"<b>{populations['all_played']['rows']:,}</b> player-games "
        f"({populations['all_played']['excluded_no_prior_game']:,} first games left out).</li>",
        f"<li><b>With a line</b>: {esc(lined['definition'])}: <b>{lined['rows']:,}</b> "
        f"player-games. Lines: {esc(lined['line_source'])}. Pick'em lines (PrizePicks/Underdog)"
        ", not -110 prices, so 52.38% is a reference bar, not the real break-even.</li></ul>",
        "<h2>Errors</h2>",
        _html_table(_error_frame(summary)),
        '<p class="note">Both models minimise absolute error, so they predict a median: '
        "a negative bias (predicting below the mean) is expected with right-skewed points.</p>",
        '<div class="grid">',
        _png(predicted_vs_actual(played)),
        _png(calibration(played)),
        "</div>",
        "<h2>MAE by player tier</h2>",
        _png(tier_fig),
        "<h2>Hit rate by edge against the line</h2>",
        hit_block,
        "<h2>What the models use</h2>",
        _png(importance_chart(metas)),
        "<h2>Models</h2><ul>",
        *[
            f"<li>{esc(m['model_version'])}: best iteration {m['best_iteration']}, "
            f"validation MAE {m['metrics']['validation']['mae']} on "
            f"{m['rows']['validation']:,} rows ({m['validation_window']['start']}.."
            f"{m['validation_window']['end']}), {len(m['features'])} features "
            f"(feature_version {esc(str(m['feature_version']))}).</li>"
            for m in metas.values()
        ],
        "</ul>",
        f'<p class="note">{esc(metas[MODEL_NAMES[0]]["missing_value_policy"])}. '
        "Reproduce: <code>python -m ml evaluate &amp;&amp; python -m ml report</code>.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(set_dir: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_html(set_dir), encoding="utf-8")
    return out
