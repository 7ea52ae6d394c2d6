"""The benchmark's output: a markdown table (paste-ready for docs/benchmark.md) and a JSON file of
every run."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.context import Bench, Figure

# A 1-minute load average above this (per core) means other work shared the machine.
BUSY_LOAD_PER_CORE = 0.5
TARGETS = {
    "build": ("< 60 s", 60.0),
    "inc_build": ("< 10 s", 10.0),
}


def _value(figure: Figure, value: float) -> str:
    if figure.unit == "MiB":
        return f"{value / 2**20:,.0f} MiB"
    if figure.unit == "ms":
        return f"{value:,.1f} ms"
    return f"{value:,.2f} s" if value < 10 else f"{value:,.1f} s"


def _spread(figure: Figure) -> str:
    if len(figure.values) < 2:
        return ""
    return f"{_value(figure, min(figure.values))} to {_value(figure, max(figure.values))}"


def _rss(figure: Figure) -> str:
    if not figure.peak_rss_bytes:
        return ""
    return f"{max(figure.peak_rss_bytes) / 2**20:,.0f} MiB"


def ratios(bench: Bench) -> list[tuple[str, float, str]]:
    f = bench.figures

    def ratio(a: str, b: str) -> float:
        if a in f and b in f and f[b].median:
            return f[a].median / f[b].median
        return math.nan

    rows = [
        (
            "dbt run, models' own execution / direct DuckDB",
            ratio("run_span", "direct"),
            "target within 2x",
        ),
        ("dbt run, model nodes summed / direct DuckDB", ratio("run_models", "direct"), ""),
        ("`dbt run` wall / direct DuckDB", ratio("run", "direct"), "includes start-up + parse"),
        (
            "dbt node / direct, int_player_games_rolled_to_form",
            ratio("run_rolling_node", "direct_rolling"),
            "",
        ),
        (
            "dbt test, data test nodes summed / the same queries in DuckDB",
            ratio("test_tests", "direct_tests"),
            "dbt's cost per test node",
        ),
        ("pandas / DuckDB, six rolling features", ratio("rolling_pandas", "rolling_duckdb"), ""),
    ]
    return [r for r in rows if not math.isnan(r[1])]


def markdown(bench: Bench, machine: dict[str, Any], loads: dict[str, Any]) -> str:
    lines = [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB RAM, "
        f"{machine['os']}; Python {machine['python']}, dbt-core {machine['dbt_core']}, "
        f"dbt-duckdb {machine['dbt_duckdb']}, duckdb {machine['duckdb']}; "
        f"commit {machine['git_commit']}.",
        f"Load average (1 min) at start {loads['start'][0]:.2f}, at end {loads['end'][0]:.2f} "
        "(the end figure includes the benchmark's own processes)"
        + (f" — {loads['warning']}" if loads.get("warning") else "")
        + ".",
        f"Median of {bench.runs} run(s), each step in a fresh process; peak RSS is the largest "
        "resident set of the step's process tree (os.wait4 ru_maxrss).",
        "",
        "| Figure | Median | Range | Peak RSS | Target |",
        "|---|---:|---:|---:|---|",
    ]
    for key, figure in bench.figures.items():
        target = ""
        if key in TARGETS:
            text, limit = TARGETS[key]
            target = f"{text} {'met' if figure.median < limit else 'NOT met'}"
        lines.append(
            f"| {figure.label} | {_value(figure, figure.median)} | {_spread(figure)} | "
            f"{_rss(figure)} | {target} |"
        )
    peak = max(
        (max(f.peak_rss_bytes) for f in bench.figures.values() if f.peak_rss_bytes), default=0
    )
    if peak:
        met = "met" if peak < 4 * 2**30 else "NOT met"
        lines.append(f"| peak memory of any step | {peak / 2**20:,.0f} MiB | | | < 4 GiB {met} |")
    for label, value, note in ratios(bench):
        lines.append(f"| ratio: {label} | {value:.2f}x | | | {note} |")
    facts = fact_lines(bench.facts)
    if facts:
        lines += ["", *facts]
    return "\n".join(lines) + "\n"


def fact_lines(facts: dict[str, Any]) -> list[str]:
    """What the figures were measured on: rows, nodes, the incremental day, pbp volume."""
    out = []
    if "player_games" in facts:
        nodes = ", ".join(f"{n} {kind}" for kind, n in facts.get("dbt_nodes", {}).items())
        out.append(f"- Full build: {facts['player_games']:,} player-games; nodes: {nodes}.")
    if "incremental_day" in facts:
        out.append(
            f"- Incremental: everything through the day before {facts['incremental_day']} "
            f"built, then that day landed ({facts.get('incremental_payloads')} payload(s), "
            f"{facts.get('incremental_day_player_rows')} player rows in the mart after the build)."
        )
    if "train_rows" in facts:
        out.append(f"- ML train: {facts['train_rows']:,} labelled store rows per model.")
    if "score_day" in facts:
        day = facts["score_day"]
        out.append(f"- Scoring: {day['player_games']} player-games of {day['game_date']}.")
    if "rolling_rows" in facts:
        out.append(f"- Rolling features: {facts['rolling_rows']:,} rows, pandas == SQL on all.")
    if "pbp" in facts:
        pbp = facts["pbp"]
        out.append(
            f"- PBP volume: {pbp['real_games']} real games ({pbp['real_events']:,} events) plus "
            f"{pbp['synthetic_games']} synthetic copies (ids 002189xxxx) = "
            f"{facts.get('pbp_raw_events', pbp['total_events']):,} events; field-goal rows in "
            f"staging {facts.get('pbp_real_shots', 0):,} real only, "
            f"{facts.get('pbp_volume_shots', 0):,} with the copies."
        )
    if "bench_seconds" in facts:
        out.append(f"- The whole benchmark took {facts['bench_seconds'] / 60:.1f} min.")
    return out


def write_json(
    path: Path, bench: Bench, machine: dict[str, Any], loads: dict[str, Any], table: str
) -> None:
    data = {
        "machine": machine,
        "load_average": loads,
        "runs": bench.runs,
        "figures": {
            key: {
                "label": f.label,
                "unit": f.unit,
                "median": f.median,
                "values": f.values,
                "peak_rss_bytes": f.peak_rss_bytes,
            }
            for key, f in bench.figures.items()
        },
        "ratios": [{"ratio": r[0], "value": r[1]} for r in ratios(bench)],
        "facts": bench.facts,
        "table_markdown": table,
    }
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
