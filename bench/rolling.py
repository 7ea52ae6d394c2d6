"""Six rolling form features three ways over the same player-game rows: the SQL of
int_player_games_rolled_to_form (windows ending at the current game, by player and season, in
(game_date, game_id) order), the same SQL alone in DuckDB, and pandas as the original system
computed them (groupby player, rolling over the sorted games).

The original shifted by one game (`shift(1).rolling(n)`) so a row saw only earlier games; here
the windows end at the current game, as the dbt model's do, and the feature store takes the
latest row before the game date, which is that shift. Both sides compute the same numbers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

SOURCE_TABLE = "marts.player_game_summary"
MODEL_TABLE = "intermediate.int_player_games_rolled_to_form"
KEYS = ["player_id", "game_id"]
# feature -> (input column, aggregate, window in games; None = season to date)
FEATURES: dict[str, tuple[str, str, int | None]] = {
    "points_avg_last_3": ("points", "mean", 3),
    "points_avg_last_5": ("points", "mean", 5),
    "points_avg_last_10": ("points", "mean", 10),
    "points_avg_season": ("points", "mean", None),
    "points_std_last_10": ("points", "std", 10),
    "minutes_avg_last_10": ("minutes", "mean", 10),
}
_SQL_AGG = {"mean": "avg", "std": "stddev_samp"}


def _frame(n: int | None) -> str:
    start = "unbounded preceding" if n is None else f"{n - 1} preceding"
    return (
        "partition by player_id, season order by game_date, game_id "
        f"rows between {start} and current row"
    )


def features_sql(source: str = SOURCE_TABLE) -> str:
    columns = ",\n    ".join(
        f"{_SQL_AGG[agg]}({column}) over ({_frame(n)}) as {name}"
        for name, (column, agg, n) in FEATURES.items()
    )
    return f"select player_id, game_id,\n    {columns}\nfrom {source}"


def read_games(con: duckdb.DuckDBPyConnection, source: str = SOURCE_TABLE) -> pd.DataFrame:
    return con.execute(
        f"select player_id, game_id, season, game_date, points, minutes from {source}"
    ).df()


def pandas_features(games: pd.DataFrame) -> pd.DataFrame:
    """The features with pandas: sort, group by player and season, rolling windows."""
    ordered = games.sort_values(["player_id", "season", "game_date", "game_id"], kind="stable")
    ordered = ordered.reset_index(drop=True)
    grouped = ordered.groupby(["player_id", "season"], sort=False)
    out = ordered[KEYS].copy()
    for name, (column, agg, n) in FEATURES.items():
        series = grouped[column]
        window = series.expanding(min_periods=1) if n is None else series.rolling(n, min_periods=1)
        values = window.std(ddof=1) if agg == "std" else window.mean()
        out[name] = values.reset_index(level=[0, 1], drop=True).to_numpy()
    return out


def compare(left: pd.DataFrame, right: pd.DataFrame, tolerance: float = 1e-9) -> list[str]:
    """Differences between two feature frames keyed by (player_id, game_id): missing rows, or
    values that differ beyond `tolerance` (relative), NULL matching only NULL."""
    merged = left.merge(right, on=KEYS, how="outer", suffixes=("_l", "_r"), indicator=True)
    problems = []
    unmatched = int((merged["_merge"] != "both").sum())
    if unmatched:
        problems.append(f"{unmatched} rows on one side only")
    for name in FEATURES:
        a = merged[f"{name}_l"].to_numpy(dtype=np.float64)
        b = merged[f"{name}_r"].to_numpy(dtype=np.float64)
        both_nan = np.isnan(a) & np.isnan(b)
        close = np.isclose(a, b, rtol=tolerance, atol=tolerance) | both_nan
        bad = int((~close).sum())
        if bad:
            problems.append(f"{name}: {bad} rows differ")
    return problems


@dataclass(frozen=True)
class RollingTimes:
    rows: int
    duckdb_seconds: float
    pandas_seconds: float
    problems: list[str]

    @property
    def ratio(self) -> float:
        return self.pandas_seconds / self.duckdb_seconds if self.duckdb_seconds else math.nan


def time_both(con: duckdb.DuckDBPyConnection) -> RollingTimes:
    """Time the six windows in DuckDB (a table written from the mart) and in pandas (from the
    mart's rows already in memory); check both against each other and against the dbt model."""
    games = read_games(con)
    started = time.perf_counter()
    con.execute(f"create or replace temp table bench_rolling as {features_sql()}")
    duckdb_seconds = time.perf_counter() - started
    started = time.perf_counter()
    from_pandas = pandas_features(games)
    pandas_seconds = time.perf_counter() - started
    from_sql = con.execute("select * from bench_rolling").df()
    from_model = con.execute(f"select {', '.join([*KEYS, *FEATURES])} from {MODEL_TABLE}").df()
    problems = [f"pandas vs SQL: {p}" for p in compare(from_pandas, from_sql)]
    problems += [f"pandas vs {MODEL_TABLE}: {p}" for p in compare(from_pandas, from_model)]
    return RollingTimes(len(games), duckdb_seconds, pandas_seconds, problems)
