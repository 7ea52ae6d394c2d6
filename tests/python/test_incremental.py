"""Incremental models: one more game night parses only that night's payloads and rebuilds only
that night's games, and the result is identical to a full rebuild."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import DBT, REPO, demo_env

SEASON = "2024-25"
LAST_NIGHT = date(2025, 4, 13)  # the last night of the 2024-25 regular season
MARTS = {
    "player_game_summary": ["game_id", "player_id"],
    "team_offense_game_summary": ["game_id", "team_id"],
    "team_defense_game_summary": ["game_id", "defending_team_id"],
}

# Parsed once per landed payload (staging/nba_stats/base), and the staging tables above them.
BASE_TABLES = ["base_nba_stats__player_game_logs", "base_nba_stats__team_game_logs"]
STAGING_TABLES = ["stg_nba_stats__player_game_logs", "stg_nba_stats__team_game_logs"]

pytestmark = pytest.mark.slow


def _run(args: list[str], tmp: Path) -> str:
    env = {**demo_env(tmp), "NBA_LANDING_FSYNC": "0"}
    done = subprocess.run(
        args, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done.stdout


def _land_and_load(tmp: Path, through: date) -> None:
    _run(
        [sys.executable, "-m", "ingest", "bundled", "--seasons", SEASON, "--through", str(through)],
        tmp,
    )
    _run([sys.executable, "-m", "ingest", "load"], tmp)


def _dbt_run(tmp: Path, *extra: str) -> None:
    _run(
        [DBT, "run", "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), *extra],
        tmp,
    )


def test_one_new_night_rebuilds_only_its_games(tmp_path: Path) -> None:
    _land_and_load(tmp_path, LAST_NIGHT.replace(day=12))
    # `dbt run` builds no seeds; the context models read seeds/ (teams, aliases, book priority).
    _run(
        [
            DBT,
            "seed",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        tmp_path,
    )
    _dbt_run(tmp_path)
    db = str(tmp_path / "warehouse.duckdb")
    with duckdb.connect(db) as con:
        before = {
            mart: con.execute(f"select max(source_fetched_at) from marts.{mart}").fetchone()[0]
            for mart in MARTS
        }
        con.execute(
            "create table main.player_rows_before as select * from marts.player_game_summary"
        )
        for table in BASE_TABLES:
            con.execute(f"create table main.{table}_before as select * from staging.{table}")

    _land_and_load(tmp_path, LAST_NIGHT)
    # The nightly run: everything upstream of the marts (staging tables included) refreshes,
    # and the incremental marts merge only the changed games.
    _dbt_run(tmp_path)

    with duckdb.connect(db) as con:
        new_night_player_rows = con.execute(
            "select count(*) from staging.stg_nba_stats__player_game_logs where game_date = ?",
            [LAST_NIGHT],
        ).fetchone()[0]
        for mart in MARTS:
            rebuilt = con.execute(
                f"select count(*), min(game_date), max(game_date) from marts.{mart} "
                "where source_fetched_at > ?",
                [before[mart]],
            ).fetchone()
            print(f"{mart}: {rebuilt[0]} rows rebuilt ({rebuilt[1]}..{rebuilt[2]})")
            assert rebuilt[0] > 0
            assert rebuilt[1] == rebuilt[2] == LAST_NIGHT
        rebuilt_players = con.execute(
            "select count(*) from marts.player_game_summary where source_fetched_at > ?",
            [before["player_game_summary"]],
        ).fetchone()[0]
        assert rebuilt_players == new_night_player_rows
        # Earlier rows are untouched, byte for byte.
        changed_old_rows = con.execute(
            "select count(*) from (select * from main.player_rows_before "
            "except select * from marts.player_game_summary)"
        ).fetchone()[0]
        assert changed_old_rows == 0
        # The base tables kept every row parsed before and added only the new night's payload.
        for table in BASE_TABLES:
            lost = con.execute(
                f"select count(*) from (select * from main.{table}_before "
                f"except all select * from staging.{table})"
            ).fetchone()[0]
            added_other_days = con.execute(
                f"select count(*) from staging.{table} "
                f"where source_landed_path not in "
                f"(select source_landed_path from main.{table}_before) and game_date <> ?",
                [LAST_NIGHT],
            ).fetchone()[0]
            assert lost == 0, f"{table} changed rows parsed before"
            assert added_other_days == 0, f"{table} re-parsed payloads of earlier nights"
        assert (
            con.execute(
                "select count(*) from staging.base_nba_stats__player_game_logs where game_date = ?",
                [LAST_NIGHT],
            ).fetchone()[0]
            == new_night_player_rows
        )
        incremental = {
            mart: con.execute(
                f"select * exclude (source_fetched_at) from marts.{mart} order by all"
            ).fetchall()
            for mart in MARTS
        }
        staged = {
            table: con.execute(f"select * from staging.{table} order by all").fetchall()
            for table in BASE_TABLES + STAGING_TABLES
        }

    _dbt_run(tmp_path, "--full-refresh")
    with duckdb.connect(db) as con:
        for mart in MARTS:
            full = con.execute(
                f"select * exclude (source_fetched_at) from marts.{mart} order by all"
            ).fetchall()
            assert full == incremental[mart], f"{mart} differs between incremental and full builds"
        for table in BASE_TABLES + STAGING_TABLES:
            full = con.execute(f"select * from staging.{table} order by all").fetchall()
            assert full == staged[table], f"{table} differs between incremental and full builds"

    # A mart built by an older version of the project, without the watermark column: the run
    # stops with what to do, not the warehouse's "column not found".
    with duckdb.connect(db) as con:
        con.execute("alter table marts.team_offense_game_summary drop column source_fetched_at")
    done = subprocess.run(
        [DBT, "run", "--select", "team_offense_game_summary", "--target-path",
         str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=REPO, env={**demo_env(tmp_path), "NBA_LANDING_FSYNC": "0"},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "has no source_fetched_at column" in done.stdout, done.stdout[-3000:]
    assert "nba-props build --full-refresh" in done.stdout


def test_pickem_files_are_parsed_once_and_the_latest_landing_wins(tmp_path: Path) -> None:
    """The real opening-night pick'em file, then the same file name landed again with only its
    first ten points rows (a re-capture that lost lines): the second night parses only the new
    landing, which replaces the first in staging, and both tables equal a full rebuild."""
    import bad_input_corpus as corpus

    folder = tmp_path / "lines"
    folder.mkdir()
    good = corpus.bundled_line_file(corpus.OPENING_NIGHT)
    (folder / "10_22_2024.csv").write_bytes(good)
    # The base model and its staging model (its other children, the ops models, also read
    # the models of other sources, not built here).
    select = ["--select", "base_pickem_lines__player_props", "stg_pickem_lines__player_points"]
    rows_sql = "select count(*) from staging.stg_pickem_lines__player_points"
    base_sql = "select * from staging.base_pickem_lines__player_props order by all"

    def night() -> None:
        _run([sys.executable, "-m", "ingest", "pickem-lines", str(folder)], tmp_path)
        _run([sys.executable, "-m", "ingest", "load"], tmp_path)
        _dbt_run(tmp_path, *select)

    night()
    db = str(tmp_path / "warehouse.duckdb")
    with duckdb.connect(db) as con:
        (first_rows,) = con.execute(rows_sql).fetchone()
        con.execute(
            "create table main.base_before as select * from staging.base_pickem_lines__player_props"
        )

    header, *rows = good.splitlines(keepends=True)
    points_rows = [row for row in rows if row.startswith(b"player_points,")][:10]
    (folder / "10_22_2024.csv").write_bytes(header + b"".join(points_rows))
    night()
    with duckdb.connect(db) as con:
        (second_rows,) = con.execute(rows_sql).fetchone()
        (stale,) = con.execute(
            "select count(*) from staging.stg_pickem_lines__player_points "
            "where source_landed_path in (select source_landed_path from main.base_before)"
        ).fetchone()
        (lost,) = con.execute(
            "select count(*) from (select * from main.base_before "
            "except all select * from staging.base_pickem_lines__player_props)"
        ).fetchone()
        (added,) = con.execute(
            "select count(*) from staging.base_pickem_lines__player_props where "
            "source_landed_path not in (select source_landed_path from main.base_before)"
        ).fetchone()
        incremental = con.execute(base_sql).fetchall()
        staged = con.execute(
            "select * from staging.stg_pickem_lines__player_points order by all"
        ).fetchall()
    assert 0 < second_rows < first_rows
    assert stale == 0  # the first landing's lines are replaced, not kept beside the new ones
    assert lost == 0  # rows parsed before are kept as they were
    assert added == 10  # the second night parsed the new landing's ten rows and nothing else

    _dbt_run(tmp_path, *select, "--full-refresh")
    with duckdb.connect(db) as con:
        assert con.execute(base_sql).fetchall() == incremental
        assert (
            con.execute(
                "select * from staging.stg_pickem_lines__player_points order by all"
            ).fetchall()
            == staged
        )
