"""The bad-input corpus through `ingest load` and `dbt build` on a tiny warehouse.

One warehouse holds every case that must build green: a corrected re-scrape, a duplicate
payload, an empty re-scrape, truncated / HTML / empty / reshaped files, an overtime game with
DNP rows and three minutes encodings, a traded player, an unknown player in a line feed and a
postponed game. The module builds it once (about a dozen landed files, only the models those
need), then checks what staging, the marts, the context models, the quarantine and the load
ledger show. Cases that must fail a dbt test (a renamed or a dropped field) and the ledger's
own failure break it for one test and restore it after. A second identical ingest + load +
build changes nothing. The cases are listed in tests/fixtures/bad_input/README.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import bad_input_corpus as corpus
import duckdb
import pytest
from conftest import REPO

from ingest.landing import Landed, LandingZone
from ingest.load import known_tables

DBT = str(Path(sys.executable).with_name("dbt"))
# Only what the cases reach: the player/team chain, the line matching (with the schedule spine
# and its seeds) and the ledger. Data tests whose parents are all selected run too.
TINY_SELECT = [
    "+player_game_summary",
    "+team_offense_game_summary",
    "+team_defense_game_summary",
    "+player_points_lines_unmatched",
    "+load_ledger",  # with load_ledger_files and its staging views (staging/raw_layer)
]
LEDGER_TESTS = [
    "load_ledger_landed_equals_loaded_plus_quarantined",
    "load_ledger_files_every_landed_file_is_loaded_or_quarantined",
]
SNAPSHOT_SCHEMAS = ("raw", "staging", "intermediate", "marts", "ops")

pytestmark = pytest.mark.slow


@dataclass
class Warehouse:
    root: Path
    cases: list[corpus.Case]
    landed: dict[str, Landed]  # case name -> landing
    load_log: str
    build_log: str
    started: datetime

    @property
    def db(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    def path(self, name: str) -> str:
        return self.landed[name].path

    def query(self, sql: str, params: list[object] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    @property
    def target(self) -> Path:
        """One dbt target folder for every run here, so runs after the first parse partially."""
        return self.root.parent / f"{self.root.name}_target"


@contextmanager
def scratch(w: Warehouse, backup: Path) -> Iterator[Warehouse]:
    """Break the warehouse for one test, then put it back as it was. The paths stay the same
    (dbt parses everything again when the profile's warehouse path changes)."""
    shutil.copytree(w.landing, backup / "landing")
    shutil.copy2(w.db, backup / "warehouse.duckdb")
    try:
        yield w
    finally:
        shutil.rmtree(w.landing)
        shutil.copytree(backup / "landing", w.landing)
        shutil.copy2(backup / "warehouse.duckdb", w.db)


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NBA_RAW_SCHEMA", None)
    env.update(
        NBA_LANDING_ROOT=str(root / "landing"),
        NBA_DUCKDB_PATH=str(root / "warehouse.duckdb"),
        DBT_PROFILES_DIR=str(REPO / "profiles"),
        DBT_TARGET="duckdb",
        NBA_LANDING_FSYNC="0",
    )
    return env


def run(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=REPO, env=_env(root), capture_output=True, text=True, timeout=600, check=False
    )


def ingest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "ingest", *args], root)


def dbt(
    w: Warehouse | Path, command: str, select: list[str], *extra: str
) -> subprocess.CompletedProcess[str]:
    root = w.root if isinstance(w, Warehouse) else w
    return run(
        [
            DBT,
            command,
            "--select",
            *select,
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
            *extra,
            "--threads",
            "4",
            "--target-path",
            str(root.parent / f"{root.name}_target"),
            "--log-path",
            str(root.parent / f"{root.name}_logs"),
        ],
        root,
    )


def all_cases() -> list[corpus.Case]:
    return [
        *corpus.warehouse_cases(),
        *corpus.line_feed_cases(),
        *corpus.postponed_game_cases(),
    ]


def land(root: Path, cases: list[corpus.Case]) -> dict[str, Landed]:
    zone = LandingZone(root / "landing")
    return {case.name: landed for case, landed in corpus.land_all(zone, cases)}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    root = tmp_path_factory.mktemp("bad_input")
    cases = all_cases()
    started = datetime.now(UTC).replace(tzinfo=None)
    landed = land(root, cases)
    loaded = ingest(root, "load")
    assert loaded.returncode == 0, loaded.stderr
    built = dbt(root, "build", TINY_SELECT)
    assert built.returncode == 0, built.stdout[-6000:]
    yield Warehouse(root, cases, landed, loaded.stderr + loaded.stdout, built.stdout, started)


def cases_with(w: Warehouse, outcome: str) -> list[corpus.Case]:
    return [case for case in w.cases if case.outcome == outcome]


# --- loaded or quarantined -----------------------------------------------------------------


def test_every_bad_file_is_quarantined_with_file_reason_time_and_a_log_line(
    tiny: Warehouse,
) -> None:
    rows = {
        path: (reason, at)
        for path, reason, at in tiny.query(
            "select landed_path, reason, quarantined_at from raw.load_quarantine"
        )
    }
    expected = cases_with(tiny, corpus.QUARANTINED)
    assert sorted(rows) == sorted(tiny.path(case.name) for case in expected)
    finished = datetime.now(UTC).replace(tzinfo=None)
    for case in expected:
        reason, at = rows[tiny.path(case.name)]
        assert case.reason and case.reason in reason, (case.name, reason)
        assert tiny.started <= at <= finished
        assert f"quarantined {tiny.path(case.name)}: " in tiny.load_log, case.name
    # The run went on: every loadable file is in its raw table, and no test failed (the one
    # warning is the empty re-scrape, below).
    assert " ERROR=0 " in tiny.build_log


def test_the_ledger_balances_per_source_and_entity(tiny: Warehouse) -> None:
    expected: dict[tuple[str, str], list[int]] = {}
    for case in tiny.cases:
        counts = expected.setdefault((case.source, case.entity), [0, 0, 0])
        counts[0] += 1
        counts[1 if case.outcome == corpus.LOADED else 2] += 1
    ledger = {
        (source, entity): [landed, loaded, quarantined, unexplained]
        for source, entity, landed, loaded, quarantined, unexplained in tiny.query(
            "select source, entity, landed_files, loaded_files, quarantined_files, "
            "unexplained_files from ops.load_ledger"
        )
    }
    assert ledger == {key: [*counts, 0] for key, counts in expected.items()}
    outcomes = dict(tiny.query("select landed_path, outcome from ops.load_ledger_files"))
    assert outcomes == {
        tiny.path(case.name): "loaded" if case.outcome == corpus.LOADED else "quarantined"
        for case in tiny.cases
    }
    for test in LEDGER_TESTS:
        assert f"PASS {test}" in tiny.build_log


def test_the_ledger_reads_every_raw_table_the_loader_writes(tiny: Warehouse) -> None:
    manifest = json.loads((tiny.target / "manifest.json").read_text())
    nodes = manifest["nodes"]
    ledger = nodes["model.nba_props_warehouse.load_ledger_files"]["depends_on"]["nodes"]
    # The ledger reads the raw layer through its own staging models (staging/raw_layer) for
    # the files, and the base models that parse each file on its own for their rows.
    files = [n for n in ledger if n.startswith("model.nba_props_warehouse.stg_raw_layer__")]
    rows = {n.rsplit(".", 1)[1] for n in ledger if n not in files}
    assert rows == {
        "base_nba_stats__player_game_logs",
        "base_nba_stats__team_game_logs",
        "base_nba_stats__play_by_play_shots",
        "base_nba_cdn__shots",
        "base_bigdataball__shots",
        "base_nba_schedule__games",
        "base_pickem_lines__player_props",
        "base_odds_api__market_outcomes",
    }
    read = {
        source.rsplit(".", 1)[1]
        for model in files
        for source in nodes[model]["depends_on"]["nodes"]
        if source.startswith("source.nba_props_warehouse.raw_layer.")
    }
    assert read == {*known_tables(), "landing_inventory", "load_quarantine"}


# --- what staging and the marts show ------------------------------------------------------


def test_corrected_rescrape_wins_without_duplicates(tiny: Warehouse) -> None:
    rows = tiny.query(
        "select player_id, points, fg_makes, fg_attempts, source_landed_path "
        "from staging.stg_nba_stats__player_game_logs where game_date = '2024-10-22'"
    )
    assert len(rows) == 42 == len({r[0] for r in rows})
    by_player = {r[0]: r[1:] for r in rows}
    # The real box score (Towns 12 on 5-of-9, Hart 12 on 4-of-6), not the first fetch's.
    assert by_player[corpus.TOWNS][:3] == (12, 5, 9)
    assert by_player[corpus.HART][:3] == (12, 4, 6)
    # The latest fetch that holds the rows: the duplicate range payload, an hour after the
    # correction (same rows). The later empty re-scrape took nothing away.
    assert {r[4] for r in rows} == {tiny.path("duplicate_range_payload")}
    marts = tiny.query(
        "select player_id, points from marts.player_game_summary "
        "where player_id in (?, ?) and game_date = '2024-10-22'",
        [corpus.TOWNS, corpus.HART],
    )
    assert sorted(marts) == sorted([(corpus.TOWNS, 12), (corpus.HART, 12)])
    loaded = tiny.query(
        "select count(*) from raw.nba_stats__player_game_logs where request_key = ?",
        [corpus.day_key("2024-25", corpus.OPENING_NIGHT)],
    )
    assert loaded == [(3,)]  # first fetch, correction, empty re-scrape: all kept in raw


def test_the_ledger_counts_rows_and_names_a_loaded_file_that_parsed_to_none(
    tiny: Warehouse,
) -> None:
    rows = dict(
        tiny.query(
            "select landed_path, parsed_rows from ops.load_ledger_files "
            "where source = 'nba_stats' and entity = 'player_game_logs' and outcome = 'loaded'"
        )
    )
    assert rows[tiny.path("empty_rowset_rescrape")] == 0
    assert rows[tiny.path("wrong_first_fetch")] == 42
    # Quarantined files parsed nothing and say so with NULL, not 0.
    quarantined = tiny.query(
        "select count(*) from ops.load_ledger_files "
        "where outcome = 'quarantined' and parsed_rows is not null"
    )
    assert quarantined == [(0,)]
    assert "WARN 1 load_ledger_files_loaded_files_parse_to_rows" in tiny.build_log
    ledger = tiny.query(
        "select loaded_files_without_rows from ops.load_ledger "
        "where source = 'nba_stats' and entity = 'player_game_logs'"
    )
    assert ledger == [(1,)]


def test_overtime_game_dnp_rows_and_every_minutes_encoding(tiny: Warehouse) -> None:
    staged = {
        player: (team, minutes, points)
        for player, team, minutes, points in tiny.query(
            "select player_id, team_abbr, minutes, points "
            "from staging.stg_nba_stats__player_game_logs where game_id = ?",
            [corpus.OT_GAME],
        )
    }
    box = corpus.boxscore_players()
    assert set(staged) == {p["PLAYER_ID"] for p in box}  # the 19 who played
    assert not set(staged) & {pid for pid, _, _ in corpus.dnp_players()}  # 11 DNP rows dropped
    for player in box:
        minutes, seconds = (int(x) for x in player["MIN"].split(":"))
        _, parsed, points = staged[player["PLAYER_ID"]]
        # WAS sent MM:SS, OKC the cdn's PT..M..S form: both exact to the second.
        assert parsed == pytest.approx(minutes + seconds / 60, abs=1e-9), player["PLAYER_NAME"]
        assert points == player["PTS"]
    teams = {
        abbr: (points, is_win, overtime, team_minutes, pace, poss, opp_poss)
        for abbr, points, is_win, overtime, team_minutes, pace, poss, opp_poss in tiny.query(
            "select o.team_abbr, o.points, o.is_win, o.overtime_periods, o.team_minutes, o.pace, "
            "o.possessions, d.possessions from marts.team_offense_game_summary o "
            "join marts.team_offense_game_summary d "
            "on d.game_id = o.game_id and d.team_id <> o.team_id where o.game_id = ?",
            [corpus.OT_GAME],
        )
    }
    assert {abbr: t[:4] for abbr, t in teams.items()} == {
        "WAS": (115, False, 1, 265),
        "OKC": (126, True, 1, 265),
    }
    for _, _, _, team_minutes, pace, poss, opp_poss in teams.values():
        # Overtime-adjusted: 48 * mean possessions / (265 / 5), not / 48.
        mean_possessions = (float(poss) + float(opp_poss)) / 2
        assert float(pace) == pytest.approx(48 * mean_possessions / (team_minutes / 5), abs=0.01)
    marts = tiny.query(
        "select count(*), sum(points) from marts.player_game_summary where game_id = ?",
        [corpus.OT_GAME],
    )
    assert marts == [(19, 241)]


def test_traded_player_keeps_each_game_with_the_team_he_played_for(tiny: Warehouse) -> None:
    rows = tiny.query(
        "select cast(game_date as varchar), team_abbr, opponent_team_abbr "
        "from marts.player_game_summary where player_id = ? and game_date in (?, ?) "
        "order by game_date",
        [corpus.FINNEY_SMITH, *corpus.TRADE_NIGHTS],
    )
    assert [(day, team) for day, team, _ in rows] == [("2024-12-27", "BKN"), ("2024-12-31", "LAL")]
    for day, team, opponent in rows:
        (other,) = tiny.query(
            "select t.team_abbr from marts.team_offense_game_summary t "
            "join marts.player_game_summary p on p.game_id = t.game_id "
            "where p.player_id = ? and cast(p.game_date as varchar) = ? and t.team_abbr <> ?",
            [corpus.FINNEY_SMITH, day, team],
        )
        assert other == (opponent,)


def test_unknown_player_in_a_line_feed_is_kept_unmatched_never_guessed(tiny: Warehouse) -> None:
    lines = tiny.query(
        "select player_name, book_key, player_id, match_status, is_matched "
        "from intermediate.int_player_points_lines where player_name like '%Brunson'"
    )
    by_name = {(name, book): rest for name, book, *rest in lines}
    assert by_name[(corpus.UNKNOWN_LINE_NAME, "underdog")] == [
        None,
        "no_player_with_this_name",
        False,
    ]
    assert by_name[("Jalen Brunson", "prizepicks")] == [corpus.BRUNSON, "name_in_game_teams", True]
    unmatched = tiny.query(
        "select player_name, match_status from marts.player_points_lines_unmatched "
        "where player_name = ?",
        [corpus.UNKNOWN_LINE_NAME],
    )
    assert unmatched == [(corpus.UNKNOWN_LINE_NAME, "no_player_with_this_name")]


def test_postponed_game_is_listed_on_its_first_date_and_played_on_its_new_one(
    tiny: Warehouse,
) -> None:
    games = {
        key: (status, played, game_id)
        for key, status, played, game_id in tiny.query(
            "select game_key, status, is_played, game_id from marts.game_schedule "
            "where game_key like '%_HOU_ATL'"
        )
    }
    # The line feed listed it for the 11th; no box score exists for that date, and it is never
    # taken for a played game there. The logs hold it on the 28th.
    assert games["20250111_HOU_ATL"][:2] == ("not_in_logs", False)
    assert games["20250128_HOU_ATL"] == ("final", True, corpus.POSTPONED_GAME)
    logs = tiny.query(
        "select cast(game_date as varchar), count(*) from marts.player_game_summary "
        "where game_id = ? group by 1",
        [corpus.POSTPONED_GAME],
    )
    assert [day for day, _ in logs] == ["2025-01-28"]
    lines = tiny.query(
        "select count(*), count(distinct game_key) from intermediate.int_player_points_lines "
        "where home_team_abbr = 'ATL' and away_team_abbr = 'HOU'"
    )
    assert lines[0][0] > 0 and lines[0][1] == 1  # all on the postponed listing, none on the 28th
    if not corpus.RESTRICTED_SCHEDULE.is_file():
        pytest.skip(f"restricted schedule {corpus.RESTRICTED_SCHEDULE} is absent")
    scheduled = tiny.query(
        "select cast(game_date as varchar), status, is_postponed "
        "from staging.stg_nba_schedule__games where game_id = ?",
        [corpus.POSTPONED_GAME],
    )
    # NBA.com's final capture: the game once, on its new date, final.
    assert scheduled == [("2025-01-28", "final", False)]
    assert games["20250128_HOU_ATL"] == ("final", True, corpus.POSTPONED_GAME)


# --- re-runs --------------------------------------------------------------------------------


def snapshot(db: Path) -> dict[str, str]:
    """Row count and a content hash of every table and view the build wrote."""
    found: dict[str, str] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {SNAPSHOT_SCHEMAS} order by 1, 2"
        ).fetchall()
        for schema, name in relations:
            rows = con.execute(f'select * from "{schema}"."{name}" order by all').fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            found[f"{schema}.{name}"] = f"{len(rows)} rows {digest[:16]}"
    return found


def test_running_ingest_load_and_build_again_changes_nothing(tiny: Warehouse) -> None:
    before = snapshot(tiny.db)
    again = land(tiny.root, tiny.cases)
    assert not any(landed.written for landed in again.values())
    loaded = ingest(tiny.root, "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 0, skipped" in loaded.stdout and "quarantined 0" in loaded.stdout
    # Every seed and model of the selection again; the data tests, which write nothing, ran on
    # this same data in the first build.
    built = dbt(tiny, "build", TINY_SELECT, "--exclude-resource-type", "test", "unit_test")
    assert built.returncode == 0, built.stdout[-4000:]
    assert snapshot(tiny.db) == before


def failed_tests(stdout: str) -> set[str]:
    return {
        line.split("Failure in test ", 1)[1].split(" ")[0]
        for line in stdout.splitlines()
        if "Failure in test " in line
    }


def test_renamed_or_missing_field_is_held_back_and_fails_the_named_dbt_test(
    tiny: Warehouse, tmp_path: Path
) -> None:
    failing = corpus.dbt_failure_cases()
    with scratch(tiny, tmp_path) as w:
        landed = land(w.root, failing)
        loaded = ingest(w.root, "load")
        assert loaded.returncode == 0 and "quarantined 0" in loaded.stdout  # whole shape: loaded
        built = dbt(
            w,
            "build",
            [*TINY_SELECT, "+held_back_rows"],
            "--exclude",
            "test_name:declared_data_tests_pass",
        )
        assert built.returncode != 0
        # Only the held-back rows' test fails: the rest of the data builds and tests.
        assert failed_tests(built.stdout) == {
            "no_unreplaced_held_back_rows__stg_nba_stats__player_game_logs"
        }
        assert " SKIP=0 " in built.stdout
        for case in failing:
            path = landed[case.name].path
            problems = w.query(
                "select distinct row_problem from ops.held_back_rows where landed_path = ?", [path]
            )
            rows = json.loads(case.data)["resultSets"][0]["rowSet"]
            held = w.query("select count(*) from ops.held_back_rows where landed_path = ?", [path])
            assert problems == [(case.reason,)] and held == [(len(rows),)], case.name


def test_a_file_neither_loaded_nor_quarantined_fails_the_ledger_until_reloaded(
    tiny: Warehouse, tmp_path: Path
) -> None:
    with scratch(tiny, tmp_path) as w:
        lost = w.path("traded_player_2024-12-27")
        with duckdb.connect(str(w.db)) as con:  # a raw row deleted by hand, or a lost load job
            con.execute("delete from raw.nba_stats__player_game_logs where landed_path = ?", [lost])
        tested = dbt(w, "test", ["load_ledger", "load_ledger_files"])
        assert tested.returncode != 0
        assert set(LEDGER_TESTS) <= failed_tests(tested.stdout)
        odd = "select landed_path from ops.load_ledger_files where outcome = 'unaccounted'"
        assert w.query(odd) == [(lost,)]

        # The next load decides the file again, and the ledger (live views) balances.
        reloaded = ingest(w.root, "load")
        assert reloaded.returncode == 0 and "loaded 1," in reloaded.stdout
        assert w.query(odd) == []
        balanced = "landed_files = loaded_files + quarantined_files"
        assert w.query(f"select count(*) from ops.load_ledger where not ({balanced})") == [(0,)]
