"""The offline BigQuery check: the real project is valid GoogleSQL, DuckDB-only SQL is not."""

from __future__ import annotations

import json
import re

import pytest

from portability import bigquery_check as bq


@pytest.fixture(scope="module")
def catalog() -> bq.Catalog:
    catalog = bq.Catalog()
    catalog.add_table("t", [("x", "INT64"), ("payload", "STRING")])
    catalog.add_table(("offline-check", "raw", "events"), bq.RAW_PAYLOAD_COLUMNS)
    return catalog


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory):
    """The project parsed for BigQuery once: each compile below starts from it, as a
    second `dbt compile` with other --vars would otherwise parse the whole project again."""
    return bq.parse_for_bigquery(target_path=tmp_path_factory.mktemp("bigquery-parse"))


def test_every_model_compiles_for_bigquery_and_is_valid_googlesql(parsed, tmp_path):
    report = bq.run(target_path=tmp_path / "bigquery", manifest=parsed)
    assert report.ok, report.format()
    models = {result.path for result in report.of("model")}
    assert "models/marts/player_game_summary.sql" in models
    assert all(result.columns for result in report.of("model"))
    assert report.of("test"), "the data tests attached to the models were not analyzed"
    analyses = {result.path for result in report.of("analysis")}
    assert analyses == {
        "analyses/tonights_edges.sql",
        "analyses/player_last_10_games.sql",
        "analyses/teams_allowing_most_paint_attempts.sql",
        "analyses/feature_health_over_season.sql",
    }
    assert "4/4 analyses ok" in report.format().splitlines()[-1]
    # The incremental models again, as an incremental run renders them ({{ this }} reads,
    # only new payloads / changed games), analysed against the tables the model pass typed.
    incremental = {result.path for result in report.of("incremental")}
    assert incremental == {
        f"models/{path}.sql (incremental run)"
        for path in (
            "staging/nba_stats/base/base_nba_stats__player_game_logs",
            "staging/nba_stats/base/base_nba_stats__team_game_logs",
            "staging/nba_stats/base/base_nba_stats__play_by_play_shots",
            "staging/pickem_lines/base/base_pickem_lines__player_props",
            "marts/player_game_summary",
            "marts/team_offense_game_summary",
            "marts/team_defense_game_summary",
        )
    }
    compiled = json.loads(
        (tmp_path / "bigquery-incremental" / "manifest.json").read_text(encoding="utf-8")
    )
    summary = compiled["nodes"]["model.nba_props_warehouse.player_game_summary"]
    assert "select max(source_fetched_at) from" in summary["compiled_code"]


def test_analyses_compile_to_googlesql_with_their_vars_set(parsed, tmp_path):
    """The var branches (a chosen night, a player, a date bound, one feature) too: the runner
    names the vars it binds, and each is an @parameter of the type its analysis declares."""
    manifest = bq.compile_for_bigquery(
        target_path=tmp_path / "bigquery",
        manifest=parsed,
        vars={
            **bq.COMPILE_VARS,
            "analysis_params": [
                "game_date",
                "model_name",
                "player",
                "through_date",
                "season",
                "feature",
            ],
        },
        indirect_selection="empty",
    )
    report = bq.check_manifest(manifest, include_tests=False)
    assert report.ok, report.format()
    compiled = {r.path: r for r in report.of("analysis")}
    assert len(compiled) == 4 and all(r.columns for r in compiled.values())
    nodes = json.loads(manifest.read_text())["nodes"]
    sql = {
        n["name"]: n["compiled_code"] for n in nodes.values() if n["resource_type"] == "analysis"
    }
    assert "cast(@game_date as date)" in sql["tonights_edges"]
    assert "model_name = cast(@model_name as string)" in sql["tonights_edges"]
    assert "player_id as string) = cast(@player as string)" in sql["player_last_10_games"]
    assert "player_games.game_date <= cast(@through_date as date)" in sql["player_last_10_games"]
    assert "current_date('America/New_York')" in sql["tonights_edges"]
    # A value handed to dbt itself would be rendered as a template: the analyses refuse it.
    with pytest.raises(bq.CheckError, match="var player of the analyses is a query parameter"):
        bq.compile_for_bigquery(
            target_path=tmp_path / "bigquery-direct",
            manifest=parsed,
            select="player_last_10_games",
            vars={**bq.COMPILE_VARS, "player": "Jalen Brunson"},
            indirect_selection="empty",
        )


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("select 1::int", 'Syntax error: Expected end of input but got ":"'),
        ("select cast(1 as double)", "Type not found: double"),
        ("select cast(x as float) from t", "Type not found: float"),
        ("select cast(x as uuid) from t", "Type not found: uuid"),
        ("select list_position([1], 1)", "Function not found: list_position"),
        ("select regexp_matches('a', 'a')", "Function not found: regexp_matches"),
        ("select json_extract_string(payload, '$.a') from t", "Function not found"),
        ("select * from read_json_auto('x.json')", "Table-valued function not found"),
        ("select y from t", "Unrecognized name: y"),
        ("select landed_path, nope from `offline-check`.`raw`.events", "Unrecognized name"),
        ("select x from `offline-check`.marts.missing", "Table not found"),
    ],
)
def test_duckdb_only_sql_is_rejected(catalog, sql, error):
    with pytest.raises(bq.GoogleSqlError, match=re.escape(error)) as caught:
        bq.analyze_sql(sql, catalog)
    assert caught.value.line == 1 and caught.value.column


@pytest.mark.parametrize(
    "sql",
    [
        "select element, element_offset + 1 as position"
        " from t cross join unnest(json_query_array(t.payload, '$.rows')) as element"
        " with offset as element_offset",
        "select safe_cast(payload as INT64) as n, cast(x as INTEGER) as i from t",
        "select regexp_contains(payload, r'^[0-9]+$') as numeric_text from t",
        "select * from t where x > 1",
        "select json_value_array(payload, '$')[safe_ordinal(2)] as second from t",
        "with parsed as (with inner_cte as (select x from t) select x from inner_cte)"
        " select x from parsed",
        "select landed_path, fetched_at from `offline-check`.`raw`.`events`",
    ],
)
def test_googlesql_is_accepted(catalog, sql):
    assert bq.analyze_sql(sql, catalog)


def test_manifest_check_registers_models_in_dag_order_and_blocks_downstream():
    def model(name, sql, *deps, materialized="table"):
        return {
            "unique_id": f"model.p.{name}",
            "resource_type": "model",
            "name": name,
            "original_file_path": f"models/{name}.sql",
            "compiled_code": sql,
            "depends_on": {"nodes": list(deps)},
            "database": "offline-check",
            "schema": "marts",
            "alias": name,
            "relation_name": f"`offline-check`.`marts`.`{name}`",
            "config": {"materialized": materialized},
        }

    raw = "`offline-check`.`raw`.`events`"
    source = {
        "unique_id": "source.p.nba.events",
        "source_name": "nba",
        "name": "events",
        "original_file_path": "models/sources.yml",
        "database": "offline-check",
        "schema": "raw",
        "identifier": "events",
        "relation_name": raw,
        "loader": "ingest/load.py",
        "columns": {"payload": {"data_type": None}, "extra": {"data_type": "array<int64>"}},
    }
    nodes = [
        # listed downstream-first: the check must order them itself
        model(
            "uses_good", "select n + 1 as m, extra from `offline-check`.marts.good", "model.p.good"
        ),
        model("good", f"select bytes as n, extra from {raw}", source["unique_id"]),
        model("duck", f"select bytes::int as n from {raw}", source["unique_id"]),
        model("after_duck", "select n from `offline-check`.marts.duck", "model.p.duck"),
        model("unnamed", f"select bytes + 1 from {raw}", source["unique_id"]),
        model("dupes", f"select bytes, bytes as BYTES from {raw}", source["unique_id"]),
    ]
    manifest = {
        "sources": {source["unique_id"]: source},
        "nodes": {n["unique_id"]: n for n in nodes},
    }

    report = bq.check_manifest(manifest)

    status = {r.unique_id.split(".")[-1]: r for r in report.of("model")}
    assert status["good"].ok and status["uses_good"].ok
    assert [c.type_name for c in status["uses_good"].columns] == ["INT64", "ARRAY<INT64>"]
    assert status["duck"].status == "error" and status["duck"].tool == "zetasql"
    assert (status["duck"].line, status["duck"].column) == (1, 13)
    assert status["after_duck"].status == "blocked"
    assert "no name" in status["unnamed"].message
    assert "duplicate" in status["dupes"].message
    assert not report.ok
    assert "FAIL" in report.format().splitlines()[-1]


def test_duckdb_only_sql_in_an_incremental_branch_fails_the_incremental_pass(catalog):
    """What only an incremental run renders is checked too: a `::` cast there fails."""

    def manifest(sql: str) -> dict:
        return {
            "nodes": {
                "model.p.m": {
                    "unique_id": "model.p.m",
                    "resource_type": "model",
                    "original_file_path": "models/m.sql",
                    "config": {"materialized": "incremental"},
                    "depends_on": {"nodes": []},
                    "compiled_code": sql,
                }
            }
        }

    good = bq.Report(results=[], catalog=catalog)
    bq.check_incremental_runs(manifest("select cast(x as string) as y from t"), good)
    assert [r.status for r in good.of("incremental")] == ["ok"]
    bad = bq.Report(results=[], catalog=catalog)
    bq.check_incremental_runs(manifest("select x::string as y from t"), bad)
    assert [r.status for r in bad.of("incremental")] == ["error"]
    assert "incremental runs ok" in bad.format().splitlines()[-1] and not bad.ok
