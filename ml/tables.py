"""The evaluation summary as Markdown tables (printed by the CLI, pasted in docs/ml.md)."""

from __future__ import annotations

from typing import Any

LABELS = {
    "xgboost": "XGBoost",
    "catboost": "CatBoost",
    "mean": "mean of the two",
    "last_10_avg": "last-10 average",
    "season_avg": "season average",
    "line": "the line itself",
}


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def error_table(summary: dict[str, Any]) -> str:
    errors = summary["errors"]
    populations = summary["populations"]
    head = (
        f"| predictor | MAE, all played (n={populations['all_played']['rows']:,}) | RMSE, "
        f"all played | MAE, with a line (n={populations['with_line']['rows']:,}) "
        "| RMSE, with a line |"
    )
    lines = [head, "|---|---:|---:|---:|---:|"]
    for key, label in LABELS.items():
        played = errors["all_played"].get(key, {})
        lined = errors["with_line"].get(key, {})
        if not played and not lined:
            continue
        lines.append(
            f"| {label} | {_num(played.get('mae'))} | {_num(played.get('rmse'))} "
            f"| {_num(lined.get('mae'))} | {_num(lined.get('rmse'))} |"
        )
    return "\n".join(lines)


def hit_rate_table(summary: dict[str, Any], predictors: tuple[str, ...] = ("mean",)) -> str:
    rates = summary["hit_rates"]
    lines = [
        "| predictor | edge | picks | pushes | wins-losses | hit rate | 95% CI | OVER | UNDER |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for key in predictors:
        for row in rates["by_predictor"].get(key, []):
            over, under = row["over"], row["under"]
            lines.append(
                f"| {LABELS.get(key, key)} | ≥{row['min_edge']:g} | {row['picks']:,} "
                f"| {row['pushes']} | {row['wins']}-{row['losses']} | {_pct(row['hit_rate'])} "
                f"| {_pct(row['ci_low'])}-{_pct(row['ci_high'])} "
                f"| {_pct(over['hit_rate'])} ({over['wins'] + over['losses']}) "
                f"| {_pct(under['hit_rate'])} ({under['wins'] + under['losses']}) |"
            )
    return "\n".join(lines)


def populations_text(summary: dict[str, Any]) -> str:
    played = summary["populations"]["all_played"]
    lined = summary["populations"]["with_line"]
    return (
        f"- all played: {played['definition']}; {played['rows']:,} rows "
        f"({played['excluded_no_prior_game']:,} first games of a season left out).\n"
        f"- with a line: {lined['definition']}; {lined['rows']:,} rows. Lines: "
        f"{lined['line_source']}; {lined['line_rows_player_did_not_play_or_unmatched']:,} line "
        f"rows had no played game (DNP, or no store row), "
        f"{lined['line_rows_without_prior_game']:,} were a player's first game of the season."
    )
