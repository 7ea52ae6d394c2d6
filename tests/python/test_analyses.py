"""The analyses of analyses/, compiled by dbt and run on the demo warehouse by the runner.

The demo warehouse (conftest.py) is built without the ML step. To have predictions to rank,
a copy of it is scored the way `make demo` does it, only with smaller models: the ML step's own
training code fits XGBoost and CatBoost on 2023-24 (200 trees instead of up to 3,000), then
`python -m ml score` scores the held-out 2024-25 rows and dbt grades them. Every expected
value below is read back from the warehouse's marts, never typed in.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import DBT, REPO, demo_env, run_in

from pipeline import analyses
from pipeline.analyses import (
    AnalysisError,
    AnalysisResult,
    CompiledAnalysis,
    check_vars,
    format_table,
    parse_vars,
)

MODEL = "mean"  # the average of the two models, the analysis default
FAKE_KEY = "fake-odds-key-for-the-injection-test"
# The two injections of the issue: a query run while compiling, and a secret printed.
CREATE_TABLE = "{{ run_query('create table main.injected as select 1 as x') }}"
READ_SECRET = "{{ env_var('ODDS_API_KEY') }}"
NAMES = {
    "tonights_edges",
    "player_last_10_games",
    "teams_allowing_most_paint_attempts",
    "feature_health_over_season",
}


# --- without a warehouse -------------------------------------------------------------------


def test_the_four_analyses_are_listed_with_their_question() -> None:
    listed = analyses.available()
    assert set(listed) == NAMES
    assert listed["tonights_edges"].startswith("Who has the biggest edge tonight?")


def test_vars_are_key_value_pairs() -> None:
    assert parse_vars(["player=Jalen Brunson", "season = 2024-25"]) == {
        "player": "Jalen Brunson",
        "season": "2024-25",
    }
    with pytest.raises(AnalysisError, match="key=value"):
        parse_vars(["2024-25"])


def test_table_prints_columns_that_never_change_once_above_it() -> None:
    result = AnalysisResult(
        "x",
        "",
        ["game_date", "player_name", "edge", "is_home"],
        [("2025-01-12", "A", -4.8, True), ("2025-01-12", "Bb", 2.25, None)],
    )
    lines = format_table(result).splitlines()
    assert lines[0] == "game_date: 2025-01-12"
    assert lines[2].split() == ["player_name", "edge", "is_home"]
    assert lines[4].split() == ["A", "-4.8", "yes"] and lines[5].split() == ["Bb", "2.25"]
    assert lines[-1] == "(2 rows)"


def test_an_unknown_analysis_is_refused_with_the_known_ones() -> None:
    with pytest.raises(AnalysisError, match=r"known: .*tonights_edges"):
        analyses.compile_analysis("../models/marts/player_game_summary", {})


def test_each_analysis_declares_the_vars_its_docs_page_documents() -> None:
    assert {name: analyses.declared_vars(name) for name in NAMES} == {
        "tonights_edges": {"game_date": "date", "model_name": "text"},
        "player_last_10_games": {"player": "text", "through_date": "date"},
        "teams_allowing_most_paint_attempts": {"season": "text"},
        "feature_health_over_season": {"season": "text", "feature": "text"},
    }


def test_var_values_are_checked_against_their_type() -> None:
    from datetime import date

    assert check_vars(
        "player_last_10_games", {"player": " Royce O'Neale ", "through_date": ""}
    ) == {
        "player": "Royce O'Neale"  # quotes are data; an empty value is the default
    }
    assert check_vars("tonights_edges", {"game_date": "2025-01-10"}) == {
        "game_date": date(2025, 1, 10)
    }
    for bad in ("2025-1-10", "2025-02-30", "yesterday", "2025-01-10; drop table x"):
        with pytest.raises(
            AnalysisError, match=r"^var game_date must be a date written YYYY-MM-DD"
        ):
            check_vars("tonights_edges", {"game_date": bad})
    with pytest.raises(AnalysisError, match=r"has no var 'gamedate' \(its vars: game_date, model"):
        check_vars("tonights_edges", {"gamedate": "2025-01-10"})
    with pytest.raises(AnalysisError, match=r"^var player holds a control character"):
        check_vars("player_last_10_games", {"player": "Jalen\nBrunson"})


@pytest.mark.parametrize("delimiter", ["{{", "}}", "{%", "%}", "{#", "#}"])
def test_a_template_delimiter_in_a_value_is_refused_naming_the_var(delimiter: str) -> None:
    with pytest.raises(AnalysisError, match=r"^var season holds the template delimiter"):
        check_vars("teams_allowing_most_paint_attempts", {"season": f"2018-19 {delimiter} x"})


def test_printed_sql_lists_its_parameters_above_it() -> None:
    from datetime import date

    compiled = CompiledAnalysis(
        "x", "select 1", {"player": "Royce O'Neale", "through_date": date(2025, 1, 5)}, "duckdb"
    )
    lines = compiled.annotated().splitlines()
    assert lines[1:] == [
        '--   $player = "Royce O\'Neale"',
        '--   $through_date = "2025-01-05"',
        "select 1",
    ]
    bigquery = CompiledAnalysis("x", "select 1", {"season": "2024-25"}, "bigquery")
    assert '--   @season = "2024-25"' in bigquery.annotated().splitlines()


def test_queries_run_read_only_with_values_bound_as_data(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create table players as select 'Royce O''Neale' as name")
    hostile = "x'; drop table players; --"
    assert analyses.execute(
        database, "select count(*) from players where name = $n", {"n": hostile}
    ) == (
        ["count_star()"],
        [(0,)],
    )
    assert analyses.execute(
        database, "select name from players where name = $n", {"n": "Royce O'Neale"}
    )[1] == [("Royce O'Neale",)]
    with pytest.raises(AnalysisError, match="read-only"):
        analyses.execute(database, "create table more as select 1 as x", {})
    with pytest.raises(AnalysisError, match="2 statements, not one query"):
        analyses.execute(database, "select 1; drop table players", {})
    with pytest.raises(AnalysisError, match=r"takes the parameter\(s\) \['n'\], was given \[\]"):
        analyses.execute(database, "select $n", {})
    assert _query(database, "select table_name from information_schema.tables") == [("players",)]


# --- on the demo warehouse -----------------------------------------------------------------


def _train_small_walk_forward_models(database: Path, artifacts: Path) -> None:
    """XGBoost and CatBoost fitted by the ML step's own code on 2023-24 only (200 trees, so the
    fixture stays quick), saved as the walk-forward set `ml score` uses for 2024-25."""
    from ml.artifacts import walkforward_set
    from ml.contract import read_contract
    from ml.data import load_store
    from ml.train import save_trained, train_window
    from ml.warehouse import DuckDBWarehouse

    contract = read_contract()
    warehouse = DuckDBWarehouse(str(database))
    try:
        store = load_store(warehouse, contract)
    finally:
        warehouse.close()
    set_name = walkforward_set("2024-25")
    trained = train_window(
        store.loc[store["season"] == "2023-24"],
        contract,
        set_name,
        overrides={"xgboost": {"n_estimators": 200}, "catboost": {"iterations": 200}},
    )
    save_trained(trained, artifacts / set_name)


@pytest.fixture(scope="module")
def scored(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse, scored by `python -m ml score` and graded by dbt."""
    tmp = tmp_path_factory.mktemp("analyses")
    database = tmp / "warehouse.duckdb"
    shutil.copyfile(demo_warehouse, database)
    _train_small_walk_forward_models(database, tmp / "artifacts")
    env = {**demo_env(tmp), "NBA_ML_ARTIFACTS": str(tmp / "artifacts")}
    for args in (
        [sys.executable, "-m", "ml", "score"],
        [
            DBT,
            "build",
            "--select",
            "stg_ml_predictions__player_points_predictions+",
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(tmp / "logs"),
        ],
    ):
        done = subprocess.run(
            args, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    return database


@pytest.fixture(scope="module")
def target(scored: Path) -> Path:
    """The dbt target of the scored warehouse's build, shared by every analysis run of this
    module as the runner's default target/analyses is by every run on a machine: dbt's
    partial parse there serves them all instead of a full parse per run."""
    return scored.parent / "target"


@pytest.fixture
def scored_env(scored: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner's environment in this process as run_in(scored.parent) gives it to the
    command line: dbt re-parses the project when the target it was given changes."""
    env = demo_env(scored.parent)
    for name in ("NBA_DUCKDB_PATH", "DBT_TARGET"):
        monkeypatch.setenv(name, env[name])


@pytest.fixture
def run(scored: Path, target: Path, scored_env: None):
    def run_one(name: str, **dbt_vars: str) -> list[dict[str, object]]:
        result = analyses.run_analysis(name, dbt_vars, scored, target)
        return result.records()

    return run_one


def _query(
    database: Path, sql: str, parameters: dict[str, object] | None = None
) -> list[tuple[object, ...]]:
    # The runner's configuration: this process's dbt may hold the file open read-only.
    with duckdb.connect(str(database), read_only=True, config=analyses.READ_ONLY_CONFIG) as con:
        return con.execute(sql, parameters).fetchall()


def test_tonights_edges_defaults_to_the_latest_night_with_lines(run, scored: Path) -> None:
    rows = run("tonights_edges")
    [(night, with_line)] = _query(
        scored,
        f"""
        select game_date, count(*) from marts.prediction_grades
        where model_name = '{MODEL}' and line is not null
        group by game_date order by game_date desc limit 1
        """,
    )
    assert {r["game_date"] for r in rows} == {night}
    assert {r["date_rule"] for r in rows} == {"latest date with predictions and a line"}
    assert len(rows) == with_line > 20
    edges = [abs(r["edge"]) for r in rows]
    assert edges == sorted(edges, reverse=True)  # biggest edge first
    for r in rows:
        assert r["player_name"] and r["team_abbr"] and r["line"] is not None
        assert r["edge"] == pytest.approx(r["predicted_points"] - r["line"], abs=0.11)
        assert r["recommendation"] in ("OVER", "UNDER", "PASS")
        if r["recommendation"] == "OVER":
            assert r["edge"] >= 2.95
        if r["recommendation"] == "UNDER":
            assert r["edge"] <= -2.95
    # The night was played (the demo scores a held-out season): the result is the box score.
    top = next(r for r in rows if r["actual_points"] is not None)
    [(points,)] = _query(
        scored,
        f"select points from marts.player_game_summary where player_id = {top['player_id']} "
        f"and game_id = '{top['game_id']}'",
    )
    assert top["actual_points"] == points


def test_tonights_edges_for_a_chosen_night(run, scored: Path) -> None:
    rows = run("tonights_edges", game_date="2025-01-10")
    [(expected,)] = _query(
        scored,
        f"select count(*) from marts.prediction_grades where model_name = '{MODEL}' "
        "and line is not null and game_date = '2025-01-10'",
    )
    assert len(rows) == expected > 20
    assert {(str(r["game_date"]), r["date_rule"]) for r in rows} == {
        ("2025-01-10", "var game_date")
    }
    with pytest.raises(AnalysisError, match="YYYY-MM-DD"):
        run("tonights_edges", game_date="2025-1-10")


def test_runner_prints_the_night_it_used(target: Path, scored_env: None, capsys) -> None:
    code = analyses.main(
        ["tonights_edges", "--var", "model_name=xgboost", "--target-path", str(target)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "date_rule: latest date with predictions and a line" in out
    assert "game_date: 2025-01-12" in out  # the last day of the bundled pick'em lines
    assert "model_version: xgboost-" in out
    assert "player_name" in out.splitlines()[out.splitlines().index("") + 1]


def test_player_last_10_games_by_name_and_by_id(run, scored: Path) -> None:
    rows = run("player_last_10_games")  # default: Jayson Tatum
    latest = _query(
        scored,
        "select game_id, points from marts.player_game_summary where player_name = "
        "'Jayson Tatum' order by game_date desc limit 10",
    )
    assert [(r["game_id"], r["points"]) for r in rows] == latest
    by_id = run("player_last_10_games", player=str(rows[0]["player_id"]))
    assert [r["game_id"] for r in by_id] == [r["game_id"] for r in rows]
    for r in rows:
        assert r["home_away"] in ("vs", "@") and r["opponent_team_abbr"] != r["team_abbr"]
        assert r["days_rest"] is None or r["days_rest"] >= 1
        assert r["team_result"] == ("W" if r["team_points"] > r["opponent_points"] else "L")


def test_player_last_10_games_folds_accents_and_shows_the_line(run) -> None:
    rows = run("player_last_10_games", player="luka doncic", through_date="2024-12-31")
    assert len(rows) == 10
    assert {r["player_name"] for r in rows} == {"Luka Dončić"}
    assert all(str(r["game_date"]) <= "2024-12-31" for r in rows)
    with_line = [r for r in rows if r["line"] is not None]
    assert with_line  # the bundled pick'em lines cover 2024-10-22..2025-01-13
    for r in with_line:
        side = "over" if r["points"] > r["line"] else "under" if r["points"] < r["line"] else "push"
        assert r["vs_line"] == side


def test_teams_allowing_most_paint_attempts(run, scored: Path) -> None:
    rows = run("teams_allowing_most_paint_attempts")
    [(season, team_games, paint)] = _query(
        scored,
        """
        select season, count(*), sum(opp_paint_attempts) from marts.team_defense_game_summary
        where has_shot_zones group by season order by season desc limit 1
        """,
    )
    assert {r["season"] for r in rows} == {season}
    assert len(rows) == 30
    assert sum(r["games_with_zones"] for r in rows) == team_games
    assert sum(r["opp_paint_attempts"] for r in rows) == paint
    per_game = [r["opp_paint_attempts_per_game"] for r in rows]
    assert per_game == sorted(per_game, reverse=True)
    assert rows[0]["paint_attempts_allowed_rank"] == 1
    for r in rows:
        assert 0.3 < r["opp_paint_share_of_fga"] < 0.7 and 0.4 < r["opp_paint_fg_pct"] < 0.7
    # A season without play-by-play has no zones: no team is ranked on nothing.
    assert run("teams_allowing_most_paint_attempts", season="2024-25") == []


def test_feature_health_over_season(run, scored: Path) -> None:
    from ml.contract import read_contract

    rows = run("feature_health_over_season")
    features = list(read_contract().features)
    assert {r["season"] for r in rows} == {"2024-25"}
    assert sorted({r["feature_name"] for r in rows}, key=features.index) == features
    months = sorted({r["game_month"] for r in rows})
    assert months[0] == "2024-10" and months[-1] == "2025-04"
    by_key = {(r["feature_name"], r["game_month"]): r for r in rows}
    # Opening month: every player starts cold, so last-10 form is often NULL; later it is not.
    assert by_key[("points_avg_last_10", "2024-10")]["null_rate"] > 0.2
    assert by_key[("points_avg_last_10", "2025-01")]["health"] == "ok"
    # The demo ships no game-lines feed: the game total is NULL everywhere, and says so.
    assert {r["health"] for r in rows if r["feature_name"] == "game_total"} == {"mostly_null"}
    [(total_rows,)] = _query(
        scored, "select count(*) from ml.ml_feature_store where season = '2024-25'"
    )
    assert sum(by_key[("points_avg_last_10", m)]["feature_rows"] for m in months) == total_rows
    only = run("feature_health_over_season", feature="usage_rate_avg_last_10")
    assert {r["feature_name"] for r in only} == {"usage_rate_avg_last_10"}
    assert len(only) == len(months)


def test_runner_runs_from_the_command_line(scored: Path, target: Path) -> None:
    done = run_in(
        scored.parent,
        [
            sys.executable,
            "-m",
            "pipeline.analyses",
            "teams_allowing_most_paint_attempts",
            "--var",
            "season=2018-19",
            "--target-path",
            str(target),
        ],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "season: 2018-19"
    assert "(30 rows)" in done.stdout


# --- hostile and awkward var values on the demo warehouse ----------------------------------


def _tables(database: Path) -> list[tuple[object, ...]]:
    return _query(
        database,
        "select schema_name, table_name, estimated_size from duckdb_tables() order by all",
    )


def test_a_template_in_a_var_runs_nothing_and_names_the_var(
    scored: Path, target: Path, scored_env: None, capsys
) -> None:
    before = _tables(scored)
    code = analyses.main(
        ["player_last_10_games", "--var", f"player={CREATE_TABLE}", "--target-path", str(target)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == (
        "var player holds the template delimiter '{{': var values are data, never templates, "
        "so nothing was compiled or run"
    )
    assert _tables(scored) == before


def test_printing_the_sql_never_renders_a_var(scored: Path, target: Path) -> None:
    """`nba-props analysis ... --sql` with a var that reads the environment: refused, and the
    (fake) key is printed nowhere."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "analysis",
            "player_last_10_games",
            "--sql",
            "--var",
            f"player={READ_SECRET}",
            "--target-path",
            str(target),
        ],
        cwd=REPO,
        env={**demo_env(scored.parent), "ODDS_API_KEY": FAKE_KEY},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1
    assert "var player holds the template delimiter '{{'" in done.stderr
    assert FAKE_KEY not in done.stdout + done.stderr
    assert done.stdout == ""


def test_sql_in_a_var_is_data(run, scored: Path) -> None:
    before = _tables(scored)
    rows = run(
        "player_last_10_games", player="Royce O'Neale'; drop table marts.player_game_summary; --"
    )
    assert rows == []  # no player has that name
    assert _tables(scored) == before


def test_a_name_with_an_apostrophe_finds_the_player(run, scored: Path) -> None:
    for name in ("Royce O'Neale", "De'Aaron Fox"):
        latest = _query(
            scored,
            "select game_id, points from marts.player_game_summary where player_name = $name "
            "order by game_date desc, game_id desc limit 10",
            {"name": name},
        )
        rows = run("player_last_10_games", player=name)
        assert {r["player_name"] for r in rows} == {name}
        assert [(r["game_id"], r["points"]) for r in rows] == latest and len(latest) == 10


def test_printed_sql_holds_the_parameter_not_the_value(
    target: Path, scored_env: None, capsys
) -> None:
    code = analyses.main(
        [
            "player_last_10_games",
            "--sql",
            "--var",
            "player=Royce O'Neale",
            "--target-path",
            str(target),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[1] == '--   $player = "Royce O\'Neale"'
    assert "cast($player as TEXT)" in out
    assert "Neale" not in "\n".join(out.splitlines()[2:])


def test_a_season_var_picks_that_season_once(run) -> None:
    """The chosen season is one row whether it is given or the default (a given season used to
    be repeated once per row of the table it was selected from, multiplying every count)."""
    latest = run("teams_allowing_most_paint_attempts")
    assert run("teams_allowing_most_paint_attempts", season=latest[0]["season"]) == latest
    assert {r["games"] for r in latest} == {82}
    health = run("feature_health_over_season", feature="points_avg_last_10")
    assert (
        run("feature_health_over_season", feature="points_avg_last_10", season="2024-25") == health
    )


def test_dbt_compiles_the_analyses_on_a_read_only_connection(
    scored: Path, target: Path, scored_env: None
) -> None:
    """Even a template of the project's own that ran a query while compiling could not write:
    the runner compiles on the read-only twin of the DuckDB output (profiles/profiles.yml)."""
    from pipeline.dbt import invoke

    before = _tables(scored)
    inline = "{{ run_query('create table main.injected as select 1 as x') }} select 1 as y"
    with contextlib.redirect_stdout(io.StringIO()):
        read_only = analyses.READ_ONLY_TARGETS["duckdb"]
        args = ["show", "--inline", inline, "--target", read_only, "--target-path", str(target)]
        result = invoke([*args, "--quiet"])
    assert not result.success
    assert 'Cannot execute statement of type "CREATE"' in str(result.exception)
    assert "read-only mode" in str(result.exception)
    assert _tables(scored) == before
