"""Read the feature store with its labels, and the pre-game lines, from the warehouse.

Labels are `marts.player_game_summary.points` joined on (player_id, game_id). A store row with
no label is a game not yet played (or a player who did not appear); training drops it, scoring
uses it. Nothing is filled here: NULL arrives in pandas as NaN and stays NaN.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from ml.contract import FeatureContract
from ml.warehouse import Warehouse

log = logging.getLogger(__name__)

STORE = ("ml", "ml_feature_store")
SUMMARY = ("marts", "player_game_summary")
# Pre-game context mart (player x game) that carries the prop line; built by a colleague and
# absent from older warehouses, which then simply have no line population.
CONTEXT = ("marts", "upcoming_player_game_context")
KEYS = ("player_id", "game_id")
# The mart is still settling its names; the first column present wins.
CURRENT_LINE_COLUMNS = ("current_line", "current_points_line")
OPENING_LINE_COLUMNS = ("opening_line", "opening_points_line")
ROW_COLUMNS = ("player_id", "game_id", "game_date", "season", "feature_version")
LABEL = "actual_points"


class StoreError(RuntimeError):
    """The feature store is missing, or older than its YAML."""


def load_store(warehouse: Warehouse, contract: FeatureContract) -> pd.DataFrame:
    """Every store row with its feature columns in contract order, the label and a name."""
    types = warehouse.column_types(*STORE)
    if types is None:
        raise StoreError(f"{warehouse.relation(*STORE)} does not exist: run `dbt build` first")
    columns = list(types)
    missing = [f for f in contract.features if f not in columns]
    if missing:
        raise StoreError(
            f"{warehouse.relation(*STORE)} lacks contract feature(s) {missing}: the YAML "
            f"({contract.source}) is newer than the table; run `dbt build`"
        )
    contract.check_types(
        types,
        warehouse.relation(*STORE),
        fix="Rebuild it from the YAML: `nba-props build --select ml_feature_store`",
    )
    # Bookkeeping columns of the store, read when present (never model inputs).
    optional = [
        c for c in ("last_source_game_date", "has_player_history", "game_status") if c in columns
    ]
    select = ",\n        ".join(
        [f"f.{c}" for c in (*ROW_COLUMNS, *optional)]
        + [f"f.{c}" for c in contract.features]
        + [f"p.points as {LABEL}", "p.minutes as actual_minutes", "p.player_name"]
    )
    sql = f"""
    select
        {select}
    from {warehouse.relation(*STORE)} as f
    left join {warehouse.relation(*SUMMARY)} as p
        on f.player_id = p.player_id and f.game_id = p.game_id
    order by f.game_date, f.game_id, f.player_id
    """
    frame = warehouse.query(sql)
    frame["game_date"] = pd.to_datetime(frame["game_date"])
    if "last_source_game_date" in frame:
        frame["last_source_game_date"] = pd.to_datetime(frame["last_source_game_date"])
    log.info("store: %d rows, %d with a label", len(frame), frame[LABEL].notna().sum())
    return frame


def store_feature_version(frame: pd.DataFrame, contract: FeatureContract) -> str:
    """The one feature_version of these rows; refuses a mix, or one the YAML contradicts."""
    versions = sorted(frame["feature_version"].dropna().astype(str).unique())
    if len(versions) != 1:
        raise StoreError(f"expected one feature_version in the store rows, found {versions}")
    (version,) = versions
    if contract.feature_version is not None and contract.feature_version != version:
        raise StoreError(
            f"the store says feature_version {version!r}, the YAML {contract.feature_version!r}"
        )
    return version


@dataclass(frozen=True)
class Lines:
    """Pre-game points lines per (player_id, game_id); `note` says where they came from."""

    frame: pd.DataFrame
    note: str

    @property
    def available(self) -> bool:
        return not self.frame.empty


def _no_lines(note: str) -> Lines:
    log.warning("no line population: %s", note)
    empty = pd.DataFrame(
        {
            "player_id": pd.Series(dtype="int64"),
            "game_id": pd.Series(dtype="object"),
            "line": pd.Series(dtype="float64"),
            "opening_line": pd.Series(dtype="float64"),
        }
    )
    return Lines(empty, note)


def load_lines(warehouse: Warehouse) -> Lines:
    """`current_line` from the context mart, or an empty population saying why."""
    relation = warehouse.relation(*CONTEXT)
    columns = warehouse.columns(*CONTEXT)
    if columns is None:
        return _no_lines(f"{relation} does not exist in this warehouse yet")
    current = next((c for c in CURRENT_LINE_COLUMNS if c in columns), None)
    needed = [c for c in KEYS if c not in columns] + ([] if current else ["current_line"])
    if needed:
        return _no_lines(f"{relation} has no column(s) {needed} yet")
    opening = next((c for c in OPENING_LINE_COLUMNS if c in columns), "cast(null as double)")
    has_line = "and has_line" if "has_line" in columns else ""
    frame = warehouse.query(
        f"""
        select player_id, game_id, {current} as line, {opening} as opening_line
        from {relation}
        where {current} is not null and game_id is not null {has_line}
        """
    )
    duplicated = frame.duplicated(list(KEYS), keep=False)
    note = f"{relation}.{current}: {len(frame)} player-games with a line"
    if duplicated.any():
        # Two lines for one player-game: no way to tell which was live, so neither is used.
        note += f"; {int(duplicated.sum())} rows dropped (more than one line per player-game)"
        frame = frame.loc[~duplicated]
    return Lines(frame.reset_index(drop=True), note)


def attach_lines(frame: pd.DataFrame, lines: Lines) -> pd.DataFrame:
    """Left-join `line` (and `opening_line`) onto store rows; NaN where there is none."""
    out = frame.drop(columns=["line", "opening_line"], errors="ignore")
    right = lines.frame.astype({"player_id": "int64", "game_id": "object"})
    out = out.merge(right, on=list(KEYS), how="left", validate="one_to_one")
    return out
