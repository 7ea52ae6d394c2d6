"""The benchmark's cases. Each runs its timed steps `bench.runs` times in fresh subprocesses;
what a case needs from an earlier one (the landing zone, the built warehouse) is prepared
once, untimed, when that earlier case was not selected."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta

import duckdb

from bench import landing, pbp_volume
from bench.context import Bench, db_size
from bench.proc import python_args
from bench.worker import parse_result
from pipeline.commands import NIGHTLY, NIGHTLY_LOG, NIGHTLY_ONLY

log = logging.getLogger(__name__)

ROLLING_MODEL = "int_player_games_rolled_to_form"
# The feature store and the form models it reads (models/intermediate/features), without
# feature_health: the upstream of ml_feature_store in either folder.
FEATURE_SELECTOR = (
    "+ml_feature_store,path:models/ml +ml_feature_store,path:models/intermediate/features"
)
SHOT_ZONE_MODELS = (
    "base_nba_stats__play_by_play_shots",
    "stg_nba_stats__play_by_play_shots",
    "int_shot_attempts",
    "int_shot_zone_game_sources",
    "int_player_game_shot_zones",
    "int_team_game_shot_zones",
    "int_shot_zone_reconciliation",
    "player_shot_zone_analysis",
    "team_defense_zone_analysis",
)
PBP_TARGET_EVENTS = 600_000
MODEL_NAMES = ("xgboost", "catboost")


def _count(bench: Bench, sql: str) -> int:
    con = duckdb.connect(str(bench.active_db), read_only=True)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


# --- ingest + load -------------------------------------------------------------------------


def _land_and_load(bench: Bench, timed: bool) -> None:
    root = bench.landing("full")
    shutil.rmtree(root, ignore_errors=True)
    bench.fresh_active()
    land = bench.step(python_args("-m", "ingest", "shared", "--shared-dir", str(bench.shared_dir)))
    load = bench.step(python_args("-m", "ingest", "load"))
    if timed:
        bench.record("land", "ingest: land ten seasons (2,490 payloads)", land.seconds, land)
        bench.record("load", "ingest: load the raw layer", load.seconds, load)
    bench.save_active("raw")


def case_land(bench: Bench) -> None:
    for _ in range(bench.runs):
        _land_and_load(bench, timed=True)


def ensure_raw(bench: Bench) -> None:
    if not bench.saved_db("raw").exists():
        _land_and_load(bench, timed=False)


# --- the full dbt build ----------------------------------------------------------------------


def _full_build(bench: Bench, timed: bool) -> None:
    bench.activate("raw")
    shutil.rmtree(bench.target_dir, ignore_errors=True)
    parse, _ = bench.dbt("parse", "--no-partial-parse")
    build, times = bench.dbt("build")
    assert times is not None
    bench.facts["dbt_nodes"] = dict(times.counts)
    bench.facts["duckdb_file_bytes"] = db_size(bench.active_db)
    bench.facts["player_games"] = _count(bench, "select count(*) from marts.player_game_summary")
    bench.save_active("built")
    # The compiled SQL of this full build is what the direct-DuckDB case replays.
    shutil.rmtree(bench.work_dir / "target-full", ignore_errors=True)
    shutil.copytree(bench.target_dir, bench.work_dir / "target-full")
    if not timed:
        return
    bench.record("parse", "dbt start-up + full parse (`dbt parse`, cold)", parse.seconds, parse)
    bench.record("build", "dbt build, ten seasons, models + tests (wall)", build.seconds, build)
    bench.record("build_models", "  model nodes, summed", times.total("models"))
    bench.record("build_tests", "  data test nodes, summed", times.total("tests"))
    bench.record("build_unit_tests", "  unit test nodes, summed", times.total("unit_tests"))
    bench.record("build_rolling_node", f"  {ROLLING_MODEL} node", times.per_node[_uid()])
    bench.record(
        "db_size", "DuckDB file after the build", bench.facts["duckdb_file_bytes"], unit="MiB"
    )


def _uid(model: str = ROLLING_MODEL) -> str:
    return f"model.nba_props_warehouse.{model}"


def _split_build(bench: Bench) -> None:
    """`dbt run` and `dbt test` apart, on a fresh copy of the raw layer (seeds first)."""
    bench.activate("raw")
    bench.dbt("seed")
    run, run_times = bench.dbt("run")
    test, test_times = bench.dbt("test")
    assert run_times is not None and test_times is not None
    bench.record("run", "dbt run, ten seasons (wall)", run.seconds, run)
    bench.record(
        "run_span",
        "  models' own execution (first model start to last model end)",
        run_times.span("models"),
    )
    bench.record("run_models", "  model nodes, summed", run_times.total("models"))
    bench.record("run_rolling_node", f"  {ROLLING_MODEL} node", run_times.per_node[_uid()])
    bench.record("test", "dbt test, ten seasons (wall)", test.seconds, test)
    bench.record("test_tests", "  data test nodes, summed", test_times.total("tests"))
    bench.record("test_unit_tests", "  unit test nodes, summed", test_times.total("unit_tests"))


def case_dbt(bench: Bench) -> None:
    ensure_raw(bench)
    for _ in range(bench.runs):
        _full_build(bench, timed=True)
    for _ in range(bench.runs):
        _split_build(bench)


def ensure_built(bench: Bench) -> None:
    ensure_raw(bench)
    if not bench.saved_db("built").exists():
        _full_build(bench, timed=False)


# --- one more game day -----------------------------------------------------------------------


def case_incremental(bench: Bench) -> None:
    day = landing.last_game_day(bench.shared_dir)
    root = bench.landing("incremental")
    shutil.rmtree(root, ignore_errors=True)
    landing.land_shared_through(root, bench.shared_dir, day - timedelta(days=1))
    landed_before = landing.landed_files(root)
    bench.fresh_active()
    bench.step(python_args("-m", "ingest", "load"), landing="incremental")
    bench.dbt("build", landing="incremental")
    bench.save_active("before-last-day")
    new = landing.land_shared_through(root, bench.shared_dir, day)
    landing.copy_files(root, landing.landed_files(root) - landed_before, bench.landing("day-only"))
    bench.facts["incremental_day"] = day.isoformat()
    bench.facts["incremental_payloads"] = new
    for _ in range(bench.runs):
        bench.activate("before-last-day")
        load = bench.step(python_args("-m", "ingest", "load"), landing="incremental")
        build, times = bench.dbt("build", *NIGHTLY, *NIGHTLY_LOG, landing="incremental")
        assert times is not None
        rows = _count(
            bench, f"select count(*) from marts.player_game_summary where game_date = '{day}'"
        )
        if rows == 0:
            raise AssertionError(f"the incremental build has no player rows for {day}")
        bench.facts["incremental_day_player_rows"] = rows
        bench.facts["incremental_nodes"] = dict(times.counts)
        bench.record("inc_load", f"one game day ({day}): load its payloads", load.seconds, load)
        bench.record("inc_build", "  nba-props build --nightly (wall)", build.seconds, build)
        bench.record(
            "inc_startup",
            "    dbt start-up, parse, artifacts (wall minus dbt's elapsed)",
            build.seconds - times.elapsed,
        )
        bench.record("inc_models_span", "    models' span", times.span("models"))
        bench.record("inc_models", "    model nodes, summed", times.total("models"))
        bench.record("inc_tests_span", "    data tests' span", times.span("tests"))
        bench.record("inc_tests", "    data test nodes, summed", times.total("tests"))
        bench.record(
            "inc_ms_per_test",
            "    per data test node (summed / count)",
            times.ms_per_node("tests"),
            unit="ms",
        )
    _nightly_fixed_cost(bench)


def _nightly_fixed_cost(bench: Bench) -> None:
    """The same nightly selection on a warehouse holding that one day's payloads and nothing
    else: every node still runs, on next to no data, so what is left is dbt's own cost of
    the selection (start-up, parse, every node's compile and materialization)."""
    bench.fresh_active()
    bench.step(python_args("-m", "ingest", "load"), landing="day-only")
    bench.dbt("build", *NIGHTLY, *NIGHTLY_LOG, landing="day-only")
    bench.save_active("day-only")
    for _ in range(bench.runs):
        bench.activate("day-only")
        build, times = bench.dbt("build", *NIGHTLY, *NIGHTLY_LOG, landing="day-only")
        assert times is not None
        bench.record(
            "floor_build",
            "  the same selection, warehouse holding only that day (dbt's fixed cost, wall)",
            build.seconds,
            build,
        )
        bench.record(
            "floor_startup", "    dbt start-up, parse, artifacts", build.seconds - times.elapsed
        )
        bench.record("floor_elapsed", "    dbt's elapsed (nodes)", times.elapsed)
        for kind, label in (("models", "model"), ("tests", "data test")):
            bench.record(
                f"floor_ms_per_{kind}",
                f"    per {label} node (summed / count)",
                times.ms_per_node(kind),
                unit="ms",
            )


# --- feature store, ML --------------------------------------------------------------------


def case_features(bench: Bench) -> None:
    ensure_built(bench)
    for _ in range(bench.runs):
        bench.activate("built")
        build, times = bench.dbt(
            # As `nba-props build --select`: the individual tests, as the full build runs them.
            "build",
            "--select",
            FEATURE_SELECTOR,
            "--exclude",
            NIGHTLY_ONLY,
        )
        assert times is not None
        bench.facts["feature_store_nodes"] = dict(times.counts)
        bench.record(
            "features", "feature store alone: dbt build of ml models (wall)", build.seconds, build
        )
        bench.record("features_models", "  model nodes, summed", times.total("models"))


def _train(bench: Bench, model: str, timed: bool) -> None:
    step = bench.step(python_args("-m", "bench.worker", "train", "--model", model))
    result = parse_result(step.output)
    bench.facts["train_rows"] = result["rows"]
    bench.facts["trained"] = sorted({*bench.facts.get("trained", []), model})
    if timed:
        bench.record(f"train_{model}", f"ML train {model} (process wall)", step.seconds, step)
        bench.record(f"train_{model}_fit", "  fit + save alone", result["train_seconds"])


def case_ml(bench: Bench) -> None:
    ensure_built(bench)
    bench.activate("built")
    for _ in range(bench.runs):
        for model in MODEL_NAMES:
            _train(bench, model, timed=True)


def case_score(bench: Bench) -> None:
    ensure_built(bench)
    bench.activate("built")
    if set(bench.facts.get("trained", [])) != set(MODEL_NAMES):
        for model in MODEL_NAMES:
            _train(bench, model, timed=False)
    for _ in range(bench.runs):
        step = bench.step(python_args("-m", "bench.worker", "score-day"))
        result = parse_result(step.output)
        bench.facts["score_day"] = result
        bench.record("score", "ML score one day, both models (process wall)", step.seconds, step)
        bench.record("score_inner", "  read store + predict + write", result["score_seconds"])


# --- dbt against DuckDB itself, and against pandas ------------------------------------------


def case_direct(bench: Bench) -> None:
    ensure_built(bench)
    copy = bench.work_dir / "direct" / bench.active_db.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    target = bench.work_dir / "target-full"
    for _ in range(bench.runs):
        shutil.copyfile(bench.saved_db("built"), copy)
        step = bench.step(
            python_args("-m", "bench.worker", "direct", "--db", str(copy), "--target", str(target))
        )
        result = parse_result(step.output)
        bench.facts["direct_models"] = result["models"]
        bench.record("direct", "direct DuckDB: every model's compiled SQL", result["seconds"], step)
        bench.record("direct_rolling", f"  {ROLLING_MODEL} alone", result["per_model"][_uid()])
        tests = parse_result(
            bench.step(
                python_args(
                    "-m",
                    "bench.worker",
                    "direct-tests",
                    "--db",
                    str(copy),
                    "--target",
                    str(target),
                )
            ).output
        )
        bench.facts["direct_tests"] = tests["tests"]
        bench.record(
            "direct_tests", "direct DuckDB: every data test's compiled query", tests["seconds"]
        )


def case_rolling(bench: Bench) -> None:
    ensure_built(bench)
    copy = bench.work_dir / "rolling" / bench.active_db.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(bench.runs):
        shutil.copyfile(bench.saved_db("built"), copy)
        step = bench.step(python_args("-m", "bench.worker", "rolling", "--db", str(copy)))
        result = parse_result(step.output)
        bench.facts["rolling_rows"] = result["rows"]
        bench.record(
            "rolling_duckdb", "six rolling features: DuckDB SQL", result["duckdb_seconds"], step
        )
        bench.record(
            "rolling_pandas",
            "six rolling features: pandas (equal on every row)",
            result["pandas_seconds"],
        )


# --- play-by-play volume ----------------------------------------------------------------------


def case_pbp(bench: Bench) -> None:
    ensure_built(bench)
    root = bench.landing("pbp")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bench.landing("full"), root)
    bench.facts["pbp"] = pbp_volume.land_copies(root, PBP_TARGET_EVENTS)
    bench.activate("built")
    load = bench.step(python_args("-m", "ingest", "load"), landing="pbp")
    bench.record("pbp_load", "pbp volume: load the synthetic copies", load.seconds, load)
    bench.facts["pbp_raw_events"] = _count(
        bench,
        "select sum(json_array_length(payload, '$.resultSets[0].rowSet')) "
        "from raw.nba_stats__play_by_play",
    )
    bench.save_active("pbp")
    for saved, key, label in (
        ("built", "pbp_real", "shot zones, real play-by-play only: dbt run (wall)"),
        ("pbp", "pbp_volume", "shot zones, ~600k events: dbt run (wall)"),
    ):
        for _ in range(bench.runs):
            bench.activate(saved)
            run, times = bench.dbt("run", "--select", *SHOT_ZONE_MODELS, landing="pbp")
            assert times is not None
            bench.record(key, label, run.seconds, run)
            bench.record(f"{key}_models", "  model nodes, summed", times.total("models"))
        bench.facts[f"{key}_shots"] = _count(
            bench, "select count(*) from staging.stg_nba_stats__play_by_play_shots"
        )


CASES = {
    "land": case_land,
    "dbt": case_dbt,
    "incremental": case_incremental,
    "features": case_features,
    "ml": case_ml,
    "score": case_score,
    "direct": case_direct,
    "rolling": case_rolling,
    "pbp": case_pbp,
}
