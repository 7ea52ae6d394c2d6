"""Bad values inside loadable payloads: held back by staging, named by a test, recoverable.

A re-scrape of opening night (2024-10-22) arrives with values a broken scraper writes: Josh
Hart's PTS as 'abc', Karl-Anthony Towns's FG3M as '1.5', Jalen Brunson listed twice with
different numbers, Jrue Holiday's game dated ten years early; and the night's pick'em file
with one line 'abc'. The loader takes both (they are well-formed JSON and CSV). Then

- `dbt build` does not crash: it runs every node, the rest of the data builds (the first
  fetch serves those players, the night of 2024-12-27 is untouched), and exactly the two
  held-back-rows tests fail, one per staging model, while ops.held_back_rows names each row,
  its problem and its file;
- a corrected re-scrape (the same rows answered to a wider date range, fetched later) and a
  re-landed pick'em file make the build green again without hand work;
- or `ingest set-aside` on the two files, then a build, gives marts equal to a warehouse that
  never saw them, the ledger recording the decision, and no later load bringing them back.

The cases are listed in tests/fixtures/bad_input/README.md.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import bad_input_corpus as corpus
import duckdb
import pytest
from test_bad_input_dbt import dbt, ingest

from ingest.landing import LandingZone
from ingest.sources import nba_stats, pickem_lines

pytestmark = pytest.mark.slow

SELECT = [
    "+player_game_summary",
    "+team_offense_game_summary",
    "+team_defense_game_summary",
    "+player_points_lines_unmatched",
    "+held_back_rows",
    "+load_ledger",
]
HOLIDAY = 201950
PLAYER_TEST = "no_unreplaced_held_back_rows__stg_nba_stats__player_game_logs"
LINES_TEST = "no_unreplaced_held_back_rows__stg_pickem_lines__player_points"
HOUR = timedelta(hours=1)
# As plain `dbt build` runs them: one node per test, the nightly's per-model bundles left out.
ONE_NODE_PER_TEST = ("--exclude", "test_name:declared_data_tests_pass")
MARTS = ("player_game_summary", "team_offense_game_summary", "team_defense_game_summary")


@dataclass(frozen=True)
class Night:
    root: Path
    paths: dict[str, str]  # what -> landed path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.root / "warehouse.duckdb"), read_only=True) as con:
            return con.execute(sql).fetchall()


def _land(root: Path, what: str, data: bytes, hours: int, kind: str = "player") -> str:
    zone = LandingZone(root / "landing")
    at = corpus.FIRST_FETCH + hours * HOUR
    if kind == "lines":
        landed = zone.land(
            pickem_lines.SOURCE,
            pickem_lines.PLAYER_PROPS,
            pickem_lines.request_key(corpus.OPENING_NIGHT),
            data,
            origin=f"test:bad_values/{what}",
            fetched_at=at,
            extension="csv",
        )
    else:
        key = corpus.day_key("2024-25", corpus.OPENING_NIGHT)
        if kind == "range":
            key = corpus.day_key("2024-25", date(2024, 10, 21), corpus.OPENING_NIGHT)
        elif kind == "other_night":
            key = corpus.day_key("2024-25", corpus.TRADE_NIGHTS[0])
        origin = f"test:bad_values/{what}"
        landed = zone.land(nba_stats.SOURCE, corpus.PLAYERS, key, data, origin, fetched_at=at)
    assert landed.written, what
    return landed.path


def _real_files(root: Path) -> dict[str, str]:
    """The night as it should be: opening night's log and pick'em file, and 2024-12-27."""
    real = corpus.opening_night()
    other = corpus.bundled_nights((corpus.TRADE_NIGHTS[0],))[corpus.TRADE_NIGHTS[0]]
    return {
        "opening": _land(root, "opening", real, 0),
        "other_night": _land(root, "other_night", other, 0, "other_night"),
    }


def _bad_files(root: Path) -> dict[str, str]:
    bad_log = corpus.with_player_listed_twice(
        corpus.with_values(
            corpus.opening_night(),
            {
                corpus.HART: {"PTS": "abc"},
                corpus.TOWNS: {"FG3M": "1.5"},
                HOLIDAY: {"GAME_DATE": "2014-10-22"},
            },
        ),
        corpus.BRUNSON,
    )
    bad_lines = corpus.with_line_value(
        corpus.bundled_line_file(corpus.OPENING_NIGHT), "PrizePicks", "Jalen Brunson", "Over", "abc"
    )
    return {
        "bad_log": _land(root, "bad_log", bad_log, 1),
        "bad_lines": _land(root, "bad_lines", bad_lines, 1, "lines"),
    }


def _build(root: Path, *extra: str) -> tuple[int, str]:
    loaded = ingest(root, "load")
    assert loaded.returncode == 0, loaded.stderr
    built = dbt(root, "build", SELECT, *ONE_NODE_PER_TEST, *extra)
    return built.returncode, built.stdout


def failing(log: str) -> set[str]:
    return set(re.findall(r"Failure in test (\S+)", log))


def marts(night: Night) -> dict[str, list[tuple]]:
    """Every mart row but the fetch-time watermark, sorted."""
    found = {}
    for mart in MARTS:
        rows = night.query(f"select * exclude (source_fetched_at) from marts.{mart}")
        found[mart] = sorted(rows, key=repr)
    return found


@dataclass(frozen=True)
class Clean:
    """What the warehouse that never saw a bad file holds: real log, real pick'em file, the
    other night."""

    marts: dict[str, list[tuple]]
    pickem_rows: list[tuple]


@dataclass(frozen=True)
class Bad:
    night: Night
    code: int
    log: str
    backup: Path  # the warehouse and landing just after the bad build, for restore()


# Every case builds in this one folder, emptied or restored between cases: the warehouse
# path is part of dbt's saved parse, so one path lets each dbt run after the first reuse it
# (a full parse costs about 8 s a run).
@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad_values")


def fresh(root: Path) -> Path:
    """The workspace with no landing zone and no warehouse (dbt's target folder stays)."""
    for name in ("landing", "warehouse.duckdb", "warehouse.duckdb.wal"):
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    return root


@pytest.fixture(scope="module")
def clean(workspace: Path) -> Clean:
    root = fresh(workspace)
    paths = _real_files(root)
    line_file = corpus.bundled_line_file(corpus.OPENING_NIGHT)
    paths["lines"] = _land(root, "lines", line_file, 0, "lines")
    code, log = _build(root)
    assert code == 0, log[-4000:]
    night = Night(root, paths)
    pickem = night.query("select count(*) from staging.stg_pickem_lines__player_points")
    return Clean(marts(night), pickem)


@pytest.fixture(scope="module")
def bad(workspace: Path, clean: Clean, tmp_path_factory: pytest.TempPathFactory) -> Bad:
    root = fresh(workspace)
    paths = _real_files(root)
    paths.update(_bad_files(root))
    code, log = _build(root)
    backup = tmp_path_factory.mktemp("bad_night_backup")
    for name in ("landing", "warehouse.duckdb"):
        (shutil.copytree if (root / name).is_dir() else shutil.copy2)(root / name, backup / name)
    return Bad(Night(root, paths), code, log, backup)


def restore(bad: Bad) -> Night:
    """The workspace as the bad build left it."""
    root = fresh(bad.night.root)
    for name in ("landing", "warehouse.duckdb"):
        source = bad.backup / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    return Night(root, dict(bad.night.paths))


def test_bad_values_are_held_back_and_named_not_a_crashed_build(bad: Bad) -> None:
    night, code, log = restore(bad), bad.code, bad.log
    assert code == 1
    assert failing(log) == {PLAYER_TEST, LINES_TEST}
    assert "Runtime Error" not in log and re.search(r"Done\. PASS=\d+ WARN=0 ERROR=2 SKIP=0", log)
    held = night.query(
        "select staging_model, landed_path, record_key, row_problem, is_replaced "
        "from ops.held_back_rows"
    )
    log_path, lines_path = night.paths["bad_log"], night.paths["bad_lines"]
    game = "0022400061"  # NYK @ BOS
    assert sorted(held) == sorted(
        [
            (
                "stg_nba_stats__player_game_logs",
                log_path,
                f"game {game} player {corpus.HART}",
                "pts unreadable: abc; points missing",
                False,
            ),
            (
                "stg_nba_stats__player_game_logs",
                log_path,
                f"game {game} player {corpus.TOWNS}",
                "fg3m unreadable: 1.5; three_pt_makes missing",
                False,
            ),
            *[
                (
                    "stg_nba_stats__player_game_logs",
                    log_path,
                    f"game {game} player {corpus.BRUNSON}",
                    "listed 2 times in the payload with different numbers",
                    False,
                )
            ]
            * 2,
            (
                "stg_nba_stats__player_game_logs",
                log_path,
                f"game {game} player {HOLIDAY}",
                "game_date outside its season",
                False,
            ),
            (
                "stg_pickem_lines__player_points",
                lines_path,
                "file lines_2024-10-22 PrizePicks Jalen Brunson Over",
                "line unreadable: abc",
                False,
            ),
        ]
    )


def test_a_failing_build_names_the_held_back_files_and_what_to_do(bad: Bad) -> None:
    from pipeline.summary import held_back_digest

    night = restore(bad)
    lines = held_back_digest(night.root / "warehouse.duckdb")
    assert lines[0] == "6 row(s) held back by staging and not replaced (ops.held_back_rows):"
    log_path, lines_path = night.paths["bad_log"], night.paths["bad_lines"]
    assert (
        f"  stg_nba_stats__player_game_logs  {log_path}  game 0022400061 player {corpus.HART}: "
        "pts unreadable: abc; points missing"
    ) in lines
    assert lines[-1].startswith(
        f"Fetch them again (a later readable fetch replaces them), or set the file(s) aside: "
        f"nba-props set-aside {' '.join(sorted([log_path, lines_path]))} --reason"
    )


def test_the_rest_of_the_night_builds_from_what_is_readable(bad: Bad, clean: Clean) -> None:
    night = restore(bad)
    # The held-back players are served by the first fetch, every other player by the
    # re-scrape, so the player and team marts hold what the clean warehouse holds.
    assert marts(night) == clean.marts
    served = dict(
        night.query(
            "select player_id, source_landed_path from staging.stg_nba_stats__player_game_logs "
            "where game_date = '2024-10-22'"
        )
    )
    assert len(served) == 42
    for player in (corpus.HART, corpus.TOWNS, corpus.BRUNSON, HOLIDAY):
        assert served.pop(player) == night.paths["opening"]
    assert set(served.values()) == {night.paths["bad_log"]}
    # Brunson's Over line is held back; the file's other lines are served.
    lines = night.query(
        "select book_key, over_line, under_line from staging.stg_pickem_lines__player_points "
        "where player_name = 'Jalen Brunson'"
    )
    assert ("prizepicks", None, 27.5) in lines
    total = night.query("select count(*) from staging.stg_pickem_lines__player_points")
    assert total == clean.pickem_rows


def test_a_corrected_rescrape_wins_without_hand_work(bad: Bad, clean: Clean) -> None:
    night = restore(bad)
    opening = corpus.opening_night()
    night.paths["rescrape"] = _land(
        night.root, "rescrape", corpus.as_range(opening, date(2024, 10, 21)), 2, "range"
    )
    # The app's file fetched again, as it should be: the latest landing of a file wins.
    line_file = corpus.bundled_line_file(corpus.OPENING_NIGHT)
    night.paths["lines_again"] = _land(night.root, "lines_again", line_file, 2, "lines")
    code, log = _build(night.root)
    assert code == 0, failing(log)
    replaced = night.query(
        "select distinct replaced_by_landed_path, is_replaced from ops.held_back_rows"
    )
    assert sorted(replaced) == sorted(
        [(night.paths["rescrape"], True), (night.paths["lines_again"], True)]
    )
    assert marts(night) == clean.marts


def test_set_aside_returns_the_warehouse_to_one_that_never_saw_the_files(
    bad: Bad, clean: Clean
) -> None:
    night = restore(bad)
    bad_paths = [night.paths["bad_log"], night.paths["bad_lines"]]
    landed_bytes = {p: (night.root / "landing" / p).read_bytes() for p in bad_paths}
    # A prediction the ML step wrote for one of the games: its own table, never touched.
    prediction = (
        "mean_v1_test",
        "mean",
        corpus.BRUNSON,
        "0022400061",
        31.0,
        27.5,
        3.5,
        "OVER",
        3.0,
    )
    with duckdb.connect(str(night.root / "warehouse.duckdb")) as con:
        con.execute(
            "insert into predictions.player_points_predictions (model_version, model_name, "
            "player_id, game_id, game_date, predicted_points, line, edge, recommendation, "
            "min_edge, scoring_mode, created_at) values (?, ?, ?, ?, date '2024-10-22', ?, ?, "
            "?, ?, ?, 'upcoming', now())",
            list(prediction),
        )
    done = ingest(night.root, "set-aside", *bad_paths, "--reason", "values a scraper broke")
    assert done.returncode == 0, done.stderr
    assert f"set aside {bad_paths[0]} (nba_stats__player_game_logs)" in done.stdout
    # Neither a load nor a replay of the quarantine brings them back.
    for args in (["load"], ["load", "--retry-quarantined"]):
        again = ingest(night.root, *args)
        assert again.returncode == 0 and "loaded 0," in again.stdout, again.stdout
    code, log = _build(night.root)
    assert code == 0, failing(log)
    assert night.query("select count(*) from ops.held_back_rows") == [(0,)]
    assert marts(night) == clean.marts
    ledger = night.query(
        "select landed_path, outcome, quarantine_reason from ops.load_ledger_files "
        "where outcome <> 'loaded'"
    )
    assert sorted(ledger) == sorted(
        (p, "quarantined", "set aside by hand: values a scraper broke") for p in bad_paths
    )
    kept = night.query(
        "select model_version, model_name, player_id, game_id, predicted_points, line, edge, "
        "recommendation, min_edge from predictions.player_points_predictions"
    )
    assert kept == [prediction]
    # The landed bytes are untouched.
    assert {p: (night.root / "landing" / p).read_bytes() for p in bad_paths} == landed_bytes
    # Setting aside twice says why it cannot.
    twice = ingest(night.root, "set-aside", bad_paths[0], "--reason", "again")
    assert twice.returncode == 2 and "quarantined already" in twice.stderr


def test_a_fetch_stamped_in_the_future_is_quarantined(workspace: Path) -> None:
    tmp_path = fresh(workspace)
    from datetime import UTC, datetime

    zone = LandingZone(tmp_path / "landing")
    ahead = datetime.now(UTC) + timedelta(days=1)
    landed = zone.land(
        nba_stats.SOURCE,
        corpus.PLAYERS,
        corpus.day_key("2024-25", corpus.OPENING_NIGHT),
        corpus.opening_night(),
        origin="test:bad_values/clock_skew",
        fetched_at=ahead,
    )
    loaded = ingest(tmp_path, "load")
    assert loaded.returncode == 0
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select landed_path, reason from raw.load_quarantine").fetchall()
    [(path, reason)] = rows
    assert path == landed.path
    assert "is after the loader's clock" in reason and "would win over every later fetch" in reason


def test_predictions_whose_edge_or_pick_disagree_with_their_numbers_fail_by_name(
    workspace: Path,
) -> None:
    """Rows as `ml score` writes them for opening night (Jalen Brunson at PrizePicks' 27.5,
    Josh Hart at 12.5 on 2024-10-22), then one edited so its edge is not predicted - line and
    one whose OVER has an edge below the threshold: graded as written until now."""
    tmp_path = fresh(workspace)
    model = ["stg_ml_predictions__player_points_predictions"]
    built = dbt(tmp_path, "build", model, "--exclude-resource-type", "test", "unit_test")
    assert built.returncode == 0, built.stdout[-3000:]
    rows = [
        # model_version, player, predicted, line, edge, recommendation
        ("mean_v1_test", corpus.BRUNSON, 31.0, 27.5, 3.5, "OVER"),  # as written: right
        ("mean_v1_test", corpus.HART, 12.0, 12.5, 4.5, "OVER"),  # edge is -0.5, not 4.5
        ("mean_v2_test", corpus.HART, 14.0, 12.5, 1.5, "OVER"),  # below the 3-point threshold
    ]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        for version, player, predicted, line, edge, pick in rows:
            con.execute(
                "insert into predictions.player_points_predictions (model_version, model_name, "
                "player_id, game_id, game_date, predicted_points, line, edge, recommendation, "
                "min_edge, scoring_mode, created_at) values (?, 'mean', ?, '0022400061', "
                "date '2024-10-22', ?, ?, ?, ?, 3.0, 'upcoming', now())",
                [version, player, predicted, line, edge, pick],
            )
    tested = dbt(tmp_path, "build", model, *ONE_NODE_PER_TEST)
    assert tested.returncode == 1
    assert failing(tested.stdout) == {
        "stg_ml_predictions_edge_is_prediction_minus_line",
        "stg_ml_predictions_recommendation_follows_the_edge",
    }
    assert "Got 1 result" in tested.stdout


def test_a_play_by_play_refetch_with_an_unreadable_shot_is_held_back_whole(
    workspace: Path,
) -> None:
    """The real cdn play-by-play of 0022000001 (GSW @ BKN, 2020-12-22), then a re-fetch in
    which one field goal's period reads 'x'. A game's shots come whole from one fetch, so the
    whole re-fetch is held back and the first fetch's 191 shots are served; one test names it."""
    tmp_path = fresh(workspace)
    import gzip
    import json

    from ingest.sources import nba_cdn

    real = gzip.decompress(
        (corpus.REPO / "tests/fixtures/nba_cdn/playbyplay_0022000001.json.gz").read_bytes()
    )
    document = json.loads(real)
    [first_shot] = [a for a in document["game"]["actions"] if a["actionType"] in ("2pt", "3pt")][:1]
    first_shot["period"] = "x"
    zone = LandingZone(tmp_path / "landing")
    paths = []
    for hours, data in ((0, real), (1, corpus.dump(document))):
        landed = zone.land(
            nba_cdn.SOURCE,
            nba_cdn.PLAY_BY_PLAY,
            nba_cdn.request_key("0022000001"),
            data,
            origin="test:bad_values/cdn",
            fetched_at=corpus.FIRST_FETCH + hours * HOUR,
        )
        paths.append(landed.path)
    loaded = ingest(tmp_path, "load")
    assert loaded.returncode == 0
    built = dbt(tmp_path, "build", ["+held_back_rows"], *ONE_NODE_PER_TEST)
    assert built.returncode == 1
    assert failing(built.stdout) == {"no_unreplaced_held_back_rows__stg_nba_cdn__shots"}
    night = Night(tmp_path, {})
    served = night.query(
        "select source_landed_path, count(*) from staging.stg_nba_cdn__shots group by 1"
    )
    assert served == [(paths[0], 191)]
    held = night.query("select landed_path, record_key, row_problem from ops.held_back_rows")
    event = first_shot["actionNumber"]
    assert held == [
        (paths[1], f"game 0022000001 event {event}", "period unreadable: x; period missing")
    ]


def test_an_odds_snapshot_with_an_unreadable_line_is_held_back_and_named(
    workspace: Path,
) -> None:
    """The Odds API's real historical player-points snapshot of MEM @ NOP (2025-03-09), then a
    later snapshot of the same event in which FanDuel's first line (Jaylen Wells, Over 11.5)
    reads 'abc'. The outcome is held back; every other line of the later snapshot is served."""
    import json

    from ingest.sources import odds_api

    path = corpus.RESTRICTED / "oddsa_player_props_his" / "raw_d894c998.json"
    if not path.is_file():
        pytest.skip(f"restricted sample {path} is absent (only the project workspace has it)")
    real = path.read_bytes()
    document = json.loads(real)
    event = document["data"]["id"]
    outcome = document["data"]["bookmakers"][0]["markets"][0]["outcomes"][0]
    outcome["point"] = "abc"
    tmp_path = fresh(workspace)
    zone = LandingZone(tmp_path / "landing")
    key = f"event_{event}_{odds_api.PLAYER_PROPS}"
    paths = [
        zone.land(
            odds_api.SOURCE,
            odds_api.PLAYER_PROPS,
            key,
            data,
            origin="test:bad_values/odds",
            fetched_at=corpus.FIRST_FETCH + hours * HOUR,
        ).path
        for hours, data in ((0, real), (1, corpus.dump(document)))
    ]
    assert ingest(tmp_path, "load").returncode == 0
    selected = ["+held_back_rows", "stg_odds_api__player_points"]
    built = dbt(tmp_path, "build", selected, *ONE_NODE_PER_TEST)
    assert built.returncode == 1
    assert failing(built.stdout) == {"no_unreplaced_held_back_rows__stg_odds_api__player_points"}
    night = Night(tmp_path, {})
    held = night.query("select landed_path, row_problem, is_replaced from ops.held_back_rows")
    assert held == [(paths[1], "point unreadable: abc; point missing", False)]
    per_file = dict(
        night.query(
            "select source_landed_path, count(*) from staging.stg_odds_api__player_points "
            "group by source_landed_path"
        )
    )
    # The later snapshot is served (latest snapshot per book and player), the held-back
    # outcome left out: Wells's FanDuel line stands on its Under.
    assert set(per_file) == {paths[1]}
    wells = night.query(
        "select over_line, under_line from staging.stg_odds_api__player_points "
        "where book_key = 'fanduel' and player_name = 'Jaylen Wells'"
    )
    assert wells == [(None, 11.5)]


def test_set_aside_touches_only_the_schemas_dbt_builds() -> None:
    import yaml

    from ingest.set_aside import BUILT_SCHEMAS

    project = yaml.safe_load((corpus.REPO / "dbt_project.yml").read_text())

    def schemas(node: object) -> set[str]:
        if not isinstance(node, dict):
            return set()
        found = {str(node["+schema"])} if "+schema" in node else set()
        for value in node.values():
            found |= schemas(value)
        return found

    assert set(BUILT_SCHEMAS) == schemas(project["models"])


def test_set_aside_on_bigquery_is_one_transaction_per_file() -> None:
    """The BigQuery path, against a client that answers as a warehouse holding opening night's
    re-scrape would: the statements of the script and the values they are given."""
    from datetime import UTC, datetime

    from ingest.set_aside import set_aside_bigquery

    path = "nba_stats/player_game_logs/dt=2025-01-02/leaguegamelog_P_2024-25.f6002d27b4f0.json"

    class Client:
        def __init__(self) -> None:
            self.calls: list[tuple[str, dict[str, object]]] = []

        def query_and_wait(self, sql: str, location: str, job_config: object = None) -> list:
            params = {
                p.name: getattr(p, "values", None) or getattr(p, "value", None)
                for p in getattr(job_config, "query_parameters", [])
            }
            self.calls.append((sql, params))
            if "INFORMATION_SCHEMA" in sql:
                dataset = sql.split("`nba-prod.")[1].split(".")[0]
                return {
                    "staging": [
                        {"table_name": "base_nba_stats__player_game_logs", "column_name": c}
                        for c in ("source_landed_path", "game_id")
                    ],
                    "marts": [{"table_name": "player_game_summary", "column_name": "game_id"}],
                }.get(dataset, [])
            if sql.startswith("SELECT 'nba_stats__player_game_logs' AS raw_table"):
                return [
                    {
                        "raw_table": "nba_stats__player_game_logs",
                        "source": "nba_stats",
                        "entity": "player_game_logs",
                        "sha256": "f6002d27b4f0",
                    }
                ]
            if "AS game_id" in sql:
                return [{"game_id": "0022400061"}, {"game_id": "0022400062"}]
            return []

    client = Client()
    at = datetime(2025, 1, 3, 12, tzinfo=UTC)
    [done] = set_aside_bigquery(client, "nba-prod", "raw", "US", [path], "PTS abc", now=at)
    assert done.games == ("0022400061", "0022400062")
    script, params = client.calls[-1]
    assert script.splitlines() == [
        "BEGIN TRANSACTION;",
        "DELETE FROM `nba-prod.staging.base_nba_stats__player_game_logs` "
        "WHERE source_landed_path = @path;",
        "DELETE FROM `nba-prod.marts.player_game_summary` "
        "WHERE CAST(game_id AS STRING) IN UNNEST(@games);",
        "DELETE FROM `nba-prod.raw.nba_stats__player_game_logs` WHERE landed_path = @path;",
        "INSERT INTO `nba-prod.raw.load_quarantine` (landed_path, source, entity, sha256, "
        "reason, quarantined_at) VALUES (@path, @source, @entity, @sha256, @reason, @at);",
        "COMMIT TRANSACTION;",
    ]
    assert params == {
        "path": path,
        "games": ["0022400061", "0022400062"],
        "source": "nba_stats",
        "entity": "player_game_logs",
        "sha256": "f6002d27b4f0",
        "reason": "set aside by hand: PTS abc",
        "at": at,
    }
