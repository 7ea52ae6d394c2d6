"""The bad-input corpus at the loader: every case loaded or quarantined (file, reason, time, a
log line naming the file), the run going on, a non-zero exit only in strict mode; duplicates
landed once; BigDataBall files with extra or missing columns (restricted sample, mutated in
memory, skipped when absent). dbt-level outcomes: test_bad_input_dbt.py."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import bad_input_corpus as corpus
import duckdb
import pytest
from conftest import REPO, SHARED, TEAM_2018_19, Replay, Reply

from ingest import fetch_ranges
from ingest.__main__ import main
from ingest.http import HttpClient, HttpConfig
from ingest.landing import LandingZone
from ingest.load import SET_ASIDE_PREFIX, QuarantineError, load
from ingest.sources import SOURCES, bigdataball, nba_stats, pickem_lines, user_lines

FAST = HttpConfig(timeout=5.0, max_attempts=2, min_delay=0.0, backoff_base=0.01, jitter=0.0)


def query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_case_is_loaded_or_quarantined_and_the_run_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cases = [*corpus.warehouse_cases(), *corpus.dbt_failure_cases(), *corpus.line_feed_cases()]
    zone = LandingZone(tmp_path / "landing")
    landed = {case.name: landed for case, landed in corpus.land_all(zone, cases)}
    db = tmp_path / "db.duckdb"
    before = datetime.now(UTC).replace(tzinfo=None)
    with caplog.at_level("WARNING", logger="ingest.load"):
        result = load(zone=zone, db_path=db)
    after = datetime.now(UTC).replace(tzinfo=None)

    bad = [c for c in cases if c.outcome == corpus.QUARANTINED]
    assert (result.seen, result.quarantined) == (len(cases), len(bad))
    assert result.loaded == len(cases) - len(bad)
    quarantine = {
        path: (reason, sha, at)
        for path, reason, sha, at in query(
            db, "select landed_path, reason, sha256, quarantined_at from raw.load_quarantine"
        )
    }
    assert set(quarantine) == {landed[c.name].path for c in bad}
    for case in bad:
        path = landed[case.name].path
        reason, sha, at = quarantine[path]
        assert case.reason and case.reason in reason, (case.name, reason)
        assert sha == hashlib.sha256(case.data).hexdigest()
        assert before <= at <= after
        assert f"quarantined {path}: {reason}" in caplog.text
    raw = {
        path
        for (path,) in query(
            db,
            "select landed_path from raw.nba_stats__player_game_logs union all "
            "select landed_path from raw.pickem_lines__player_props",
        )
    }
    assert raw == {landed[c.name].path for c in cases if c.outcome != corpus.QUARANTINED}
    inventory = query(db, "select landed_path from raw.landing_inventory")
    assert sorted(p for (p,) in inventory) == sorted(item.path for item in landed.values())


def test_strict_mode_alone_exits_non_zero_and_names_every_quarantined_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = corpus.warehouse_cases()
    zone = LandingZone(tmp_path / "landing")
    landed = {case.name: landed for case, landed in corpus.land_all(zone, cases)}
    bad = [landed[c.name].path for c in cases if c.outcome == corpus.QUARANTINED]
    db = tmp_path / "db.duckdb"
    with pytest.raises(QuarantineError) as caught:
        load(zone=zone, db_path=db, strict=True)
    assert all(path in str(caught.value) for path in bad)
    # Strict mode complains after committing: the good files are loaded, the bad set aside.
    assert query(db, "select count(*) from raw.load_quarantine") == [(len(bad),)]
    args = ["--landing-root", str(zone.root), "load", "--duckdb-path", str(db)]
    capsys.readouterr()
    assert main(args) == 0  # without --strict a run with quarantined files exits 0
    assert f"quarantined 0 (+{len(bad)} from earlier runs)" in capsys.readouterr().out
    assert main([*args, "--strict"]) == 1  # earlier quarantines still count in strict mode


def test_quarantine_listing_names_file_reason_and_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = LandingZone(tmp_path / "landing")
    html = next(c for c in corpus.warehouse_cases() if c.name == "html_error_page")
    path = html.land(zone).path
    db = tmp_path / "db.duckdb"
    load(zone=zone, db_path=db)
    capsys.readouterr()
    args = ["--landing-root", str(zone.root), "quarantine", "--duckdb-path", str(db)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert path in out and "not valid JSON" in out and str(Path(zone.root) / path) in out
    assert "1 quarantined file(s)" in out and "--retry-quarantined" in out
    assert main([*args, "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    item = json.loads(line)
    assert item["landed_path"] == path and item["quarantined_at"].startswith("20")
    assert main([*args, "--source", "odds_api"]) == 0
    assert "0 quarantined file(s)" in capsys.readouterr().out
    empty = tmp_path / "never-loaded.duckdb"
    assert main(["quarantine", "--duckdb-path", str(empty)]) == 0


def test_retry_quarantined_loads_what_a_fixed_loader_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replay after a fix: a gate that was too strict quarantined a good file; once fixed,
    `load --retry-quarantined` loads it and releases its quarantine row, in one transaction."""
    zone = LandingZone(tmp_path / "landing")
    real = corpus.Case(
        "opening_night",
        corpus.day_key("2024-25", corpus.OPENING_NIGHT),
        corpus.opening_night(),
        corpus.FIRST_FETCH,
        corpus.LOADED,
    )
    path = real.land(zone).path
    truncated = corpus.Case(
        "cut", "cut", corpus.truncated(real.data), corpus.FIRST_FETCH, corpus.QUARANTINED
    )
    cut = truncated.land(zone).path
    db = tmp_path / "db.duckdb"
    entities = SOURCES[nba_stats.SOURCE].entities
    fixed = entities[nba_stats.PLAYER_GAME_LOGS]
    buggy = dataclasses.replace(fixed, check_payload=lambda _: "a gate with a bug")
    monkeypatch.setitem(entities, nba_stats.PLAYER_GAME_LOGS, buggy)
    first = load(zone=zone, db_path=db)
    assert first.quarantined == 2
    monkeypatch.setitem(entities, nba_stats.PLAYER_GAME_LOGS, fixed)  # the fix

    again = load(zone=zone, db_path=db)  # a plain re-run leaves quarantined files alone
    assert (again.loaded, again.previously_quarantined) == (0, 2)
    replayed = load(zone=zone, db_path=db, retry_quarantined=True)
    assert (replayed.loaded, replayed.released, replayed.quarantined) == (1, 1, 0)
    assert "released from quarantine 1" in replayed.summary()
    assert query(db, "select landed_path from raw.nba_stats__player_game_logs") == [(path,)]
    # The truncated file is still bad: its quarantine row stays as it was.
    ((kept, reason),) = query(db, "select landed_path, reason from raw.load_quarantine")
    assert kept == cut and reason.startswith("not valid JSON")


def test_identical_payload_lands_once_also_when_fetched_again(
    replay: Replay, tmp_path: Path
) -> None:
    body = corpus.opening_night()
    zone = LandingZone(tmp_path)
    day = corpus.OPENING_NIGHT
    replay.queue(Reply(body=body))
    with HttpClient(FAST) as http:
        first, again = (
            nba_stats.fetch_leaguegamelog(
                http, zone, "2024-25", nba_stats.PLAYER_GAME_LOGS, day, day, f"{replay.url}/stats"
            )
            for _ in range(2)
        )
    assert len(replay.seen) == 2
    assert first.written and not again.written and again.path == first.path
    later = corpus.Case(
        "same", corpus.day_key("2024-25", day), body, datetime(2025, 3, 1, tzinfo=UTC), "loaded"
    )
    assert not later.land(LandingZone(tmp_path)).written  # another day, same bytes: nothing
    assert len(list(LandingZone(tmp_path).iter_payloads())) == 1


def test_html_error_page_answered_with_200_lands_then_is_quarantined(
    replay: Replay, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = corpus.html_error_page(f"{replay.url}/stats/leaguegamelog")
    replay.queue(Reply(body=page, headers={"Content-Type": "text/html"}))
    zone = LandingZone(tmp_path / "landing")
    with caplog.at_level("WARNING"), HttpClient(FAST) as http:
        landed = nba_stats.fetch_leaguegamelog(
            http, zone, "2024-25", nba_stats.PLAYER_GAME_LOGS, date(2024, 10, 23), None,
            f"{replay.url}/stats",
        )  # fmt: skip
    assert (Path(zone.root) / landed.path).read_bytes() == page
    assert "does not look like JSON" in caplog.text
    result = load(zone=zone, db_path=tmp_path / "db.duckdb")
    ((path, reason),) = result.quarantine
    assert path == landed.path and "starts with '<HTML><HEAD> <TITLE>Access Denied" in reason


def test_overtime_payload_is_faithful_to_the_real_leaguegamelog(tmp_path: Path) -> None:
    """The box score reshaped to leaguegamelog agrees with stats.nba.com's own leaguegamelog
    rows of the game (open CSV in ../shared/data): same players and stats, minutes rounded."""
    shared = SHARED / "open" / "AntBap23__Nba-Data-and-Analytics-Engineering-Project"
    csv_path = shared / "data" / "raw" / "player_logs_2016-17.csv"
    if not csv_path.is_file():
        pytest.skip(f"{csv_path} is absent")
    headers, rows = corpus.csv_table(csv_path.read_bytes())
    official = {
        int(row[headers.index("PLAYER_ID")]): dict(zip(headers, row, strict=True))
        for row in rows
        if row[headers.index("GAME_ID")] == corpus.OT_GAME
    }
    document = json.loads(corpus.overtime_game_with_dnp_rows())
    rs = corpus.result_set(document)
    ours = [dict(zip(rs["headers"], row, strict=True)) for row in rs["rowSet"]]
    played = [row for row in ours if row["MIN"] is not None]
    assert {row["PLAYER_ID"] for row in played} == set(official)
    for row in played:
        real = official[row["PLAYER_ID"]]
        for header in ("PTS", "FGM", "FGA", "FG3M", "FG3A", "FTM", "FTA", "REB", "AST", "TOV"):
            assert int(real[header]) == row[header], (row["PLAYER_NAME"], header)
        for header in ("MATCHUP", "WL", "GAME_DATE", "SEASON_ID", "TEAM_ABBREVIATION"):
            assert real[header] == str(row[header]), (row["PLAYER_NAME"], header)
        text = row["MIN"].removeprefix("PT").replace("M", ":").removesuffix(".00S")
        minutes, seconds = (int(x) for x in text.split(":"))
        assert abs(int(real["MIN"]) - (minutes + seconds / 60)) <= 0.5 + 1e-9


# --- BigDataBall: extra or missing columns (restricted sample, mutated in memory) ---------


@pytest.fixture
def bdb_csv() -> bytes:
    data = corpus.restricted_bytes(corpus.RESTRICTED_BIGDATABALL)
    if data is None:
        pytest.skip(f"restricted BigDataBall sample {corpus.RESTRICTED_BIGDATABALL} is absent")
    return data


BDB_NAME = "[2025-06-22]-0042400407-IND@OKC.csv"


def _land_and_load(tmp_path: Path, data: bytes) -> tuple[str, Path]:
    zone = LandingZone(tmp_path / "landing")
    landed = bigdataball.land_file(zone, BDB_NAME, data, origin="test:bigdataball")
    db = tmp_path / "db.duckdb"
    load(zone=zone, db_path=db)
    return landed.path, db


def _rows_by_header(payload: str, headers: list[str]) -> list[list[object]]:
    (rs,) = json.loads(payload)["resultSets"]
    at = [rs["headers"].index(h) for h in headers]
    return [[row[i] for i in at] for row in rs["rowSet"]]


def test_bigdataball_extra_column_loads_and_reads_back_the_same(
    bdb_csv: bytes, tmp_path: Path
) -> None:
    headers, _ = corpus.csv_table(bdb_csv)
    extra = corpus.csv_with_extra_column(bdb_csv, "shot_distance_ft", "shot_distance")
    _, db = _land_and_load(tmp_path / "extra", extra)
    ((payload,),) = query(db, "select payload from raw.bigdataball__play_by_play")
    original = bigdataball.payload_text(bdb_csv)
    assert _rows_by_header(payload, headers) == _rows_by_header(original, headers)
    assert query(db, "select count(*) from raw.load_quarantine") == [(0,)]


@pytest.mark.parametrize(
    ("column", "outcome"),
    [
        ("converted_x", None),  # a column staging does not read
        ("shot_distance", "unexpected payload shape: CSV lacks columns ['shot_distance']"),
    ],
)
def test_bigdataball_missing_column(
    bdb_csv: bytes, tmp_path: Path, column: str, outcome: str | None
) -> None:
    path, db = _land_and_load(tmp_path, corpus.csv_without_column(bdb_csv, column))
    quarantined = query(db, "select landed_path, reason from raw.load_quarantine")
    if outcome is None:
        assert quarantined == []
        assert query(db, "select landed_path from raw.bigdataball__play_by_play") == [(path,)]
    else:
        assert quarantined == [(path, outcome)]


def test_bigdataball_ragged_row_lands_by_name_then_is_quarantined(
    bdb_csv: bytes, tmp_path: Path
) -> None:
    headers, _ = corpus.csv_table(bdb_csv)
    path, db = _land_and_load(tmp_path, corpus.csv_with_ragged_row(bdb_csv, 10))
    assert "/pbp_0042400407." in path
    ((reason,),) = query(db, "select reason from raw.load_quarantine")
    assert reason == f"not valid CSV: line 12: {len(headers) + 1} values for {len(headers)} columns"


def test_retry_quarantined_on_bigquery_releases_by_query_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The BigQuery writer: inventory first, then the release (a DML delete whose paths travel
    as an array parameter), then the raw rows."""
    from test_ingest_bigquery import RecordingClient

    from ingest import load_bigquery as bq
    from ingest.load import INVENTORY_TABLE, QUARANTINE_TABLE

    class Client(RecordingClient):
        def query_and_wait(  # type: ignore[override]
            self, sql: str, location: str, job_config: object = None
        ) -> list[dict[str, str]]:
            if job_config is not None:
                params = job_config.query_parameters  # type: ignore[attr-defined]
                values = [getattr(p, "values", None) or getattr(p, "value", None) for p in params]
                self.queries.append(f"{sql} -- {values}")
                return []
            return super().query_and_wait(sql, location)

    zone = LandingZone(tmp_path / "landing")
    path = (
        corpus.Case(
            "night",
            corpus.day_key("2024-25", corpus.OPENING_NIGHT),
            corpus.opening_night(),
            corpus.FIRST_FETCH,
            corpus.LOADED,
        )
        .land(zone)
        .path
    )
    client = Client(existing={QUARANTINE_TABLE: {path}, INVENTORY_TABLE: {path}})
    result = bq.load_bigquery(zone, project="nba-prod", client=client, retry_quarantined=True)
    assert (result.loaded, result.released) == (1, 1)
    (release,) = [q for q in client.queries if q.startswith("DELETE")]
    assert release == f"{bq.release_sql('nba-prod', 'raw')} -- {[[path]]}"
    assert [job["destination"] for job in client.loads] == [
        "nba-prod.raw.nba_stats__player_game_logs"
    ]
    # Files set aside by hand are asked for by prefix, as a parameter, and never released.
    (asked,) = [q for q in client.queries if "STARTS_WITH" in q]
    assert asked.endswith(f"-- {[SET_ASIDE_PREFIX]}")


def test_quarantine_listing_reads_the_bigquery_dataset_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingest import load_bigquery as bq

    path = "nba_stats/player_game_logs/dt=2025-01-02/k.0123456789ab.json"
    at = datetime(2025, 1, 2, 10, 0, 1, tzinfo=timezone(timedelta(hours=1)))
    queries: list[str] = []

    class Client:
        def query_and_wait(self, sql: str, location: str) -> list[dict[str, object]]:
            queries.append(sql)
            row = {"landed_path": path, "source": "nba_stats", "entity": "player_game_logs"}
            return [{**row, "reason": "not valid JSON", "quarantined_at": at}]

    monkeypatch.setattr(bq, "make_client", lambda project, location: Client())
    monkeypatch.delenv("BQ_PROJECT", raising=False)
    args = ["--landing-root", "gs://bucket/landing", "quarantine", "--target", "bigquery"]
    assert main([*args, "--bq-project", "nba-prod", "--json"]) == 0
    item = json.loads(capsys.readouterr().out)
    assert item["location"] == f"gs://bucket/landing/{path}"
    assert item["quarantined_at"] == "2025-01-02T09:00:01.000000Z"
    assert queries == [
        "SELECT landed_path, source, entity, reason, quarantined_at "
        "FROM `nba-prod.raw.load_quarantine` ORDER BY quarantined_at, landed_path"
    ]
    assert main(args) == 2  # no project: refused


# --- line files failing their checks: landed by name, quarantined by the loader ------------


def test_pickem_files_failing_their_checks_land_by_name_and_are_quarantined(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening night's real pick'em file, and the same file without `line` (named 10_23) and
    with a ragged row (named 10_24): all three land by their names' dates; the loader
    quarantines the two bad ones with the check's reason. A file whose name gives no date is
    still refused outright (exit 2) and never lands."""
    good = corpus.bundled_line_file(corpus.OPENING_NIGHT)
    folder = tmp_path / "lines"
    folder.mkdir()
    (folder / "10_22_2024.csv").write_bytes(good)
    (folder / "10_23_2024.csv").write_bytes(corpus.csv_without_column(good, "line"))
    (folder / "10_24_2024.csv").write_bytes(corpus.csv_with_ragged_row(good, 2))
    root = tmp_path / "landing"
    args = ["--landing-root", str(root), "pickem-lines", str(folder)]
    assert main(args) == 1  # landed, but two will be quarantined
    out = capsys.readouterr().out
    assert "3 files (3 new), 2 failing the loader's checks, 0 refused" in out
    assert "10_23_2024.csv: unexpected payload shape: CSV lacks columns ['line']" in out
    zone = LandingZone(root)
    landed = {p.request_key: p.path for p in zone.iter_payloads(pickem_lines.SOURCE)}
    assert sorted(landed) == ["lines_2024-10-22", "lines_2024-10-23", "lines_2024-10-24"]
    assert zone.read(landed["lines_2024-10-24"]) == corpus.csv_with_ragged_row(good, 2)

    (folder / "latest.csv").write_bytes(good)
    assert main(args) == 2  # a name that gives no date: refused, nothing landed for it
    assert "refused: latest.csv" in capsys.readouterr().out
    assert len(list(zone.iter_payloads(pickem_lines.SOURCE))) == 3

    db = tmp_path / "db.duckdb"
    result = load(zone=zone, db_path=db)
    assert (result.loaded, result.quarantined) == (1, 2)
    reasons = dict(query(db, "select landed_path, reason from raw.load_quarantine"))
    assert reasons[landed["lines_2024-10-23"]] == (
        "unexpected payload shape: CSV lacks columns ['line']"
    )
    assert reasons[landed["lines_2024-10-24"]].startswith("not valid CSV: line 4:")
    inventory = {p for (p,) in query(db, "select landed_path from raw.landing_inventory")}
    assert inventory == set(landed.values())
    with pytest.raises(QuarantineError):
        load(zone=zone, db_path=db, strict=True)


def test_user_lines_failing_their_checks_land_and_are_quarantined_with_line_numbers(
    tmp_path: Path,
) -> None:
    """Real PrizePicks lines of 2024-10-22 the way a user keeps them, one with an unreadable
    date and a team name instead of a code: landed unchanged under the file's name, exit 1,
    quarantined by the loader with the same line-numbered reasons import-lines prints."""
    bad = (
        b"game_date,player_name,team_abbr,line\n"
        b"10/22/2024,Jayson Tatum,BOS,26.5\n"
        b"2024-10-22,Jalen Brunson,New York,27.5\n"
    )
    source = tmp_path / "my_lines.csv"
    source.write_bytes(bad)
    root = tmp_path / "landing"
    assert main(["--landing-root", str(root), "import-lines", str(source)]) == 1
    zone = LandingZone(root)
    (landed,) = zone.iter_payloads(user_lines.SOURCE, user_lines.PLAYER_POINTS)
    assert landed.request_key == "import_my_lines" and zone.read(landed.path) == bad
    assert main(["--landing-root", str(root), "import-lines", str(tmp_path / "absent.csv")]) == 2

    db = tmp_path / "db.duckdb"
    result = load(zone=zone, db_path=db)
    assert (result.loaded, result.quarantined) == (0, 1)
    ((path, reason),) = query(db, "select landed_path, reason from raw.load_quarantine")
    assert path == landed.path
    assert reason.startswith("unexpected payload shape: line 2: game_date '10/22/2024'")
    assert "line 3: team_abbr 'New York' is not a team code" in reason
    assert query(db, "select landed_path from raw.landing_inventory") == [(landed.path,)]


# --- payloads that JSON parsers cannot read, or read differently ---------------------------

DEEP = 100_000  # nesting levels: far past Python's recursion limit, a few hundred KB of text


def test_json_nested_deeper_than_the_parser_allows_is_quarantined_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening night re-scraped wrapped in 100,000 arrays, and 2024-12-27 re-scraped with one
    PTS value (its real one) nested as deep: JSON Python's recursive parser cannot follow.
    Each is quarantined saying so; the real nights in the same batch load; runs after it go
    on too (until now the RecursionError stopped this and every later load)."""
    real = corpus.opening_night()
    nights = corpus.bundled_nights(corpus.TRADE_NIGHTS)
    first, second = corpus.TRADE_NIGHTS
    later = corpus.FIRST_FETCH + timedelta(days=1)
    cases = {
        "opening_night": corpus.Case(
            "opening_night",
            corpus.day_key("2024-25", corpus.OPENING_NIGHT),
            real,
            corpus.FIRST_FETCH,
            corpus.LOADED,
        ),
        "wrapped": corpus.Case(
            "wrapped_in_arrays",
            corpus.day_key("2024-25", corpus.OPENING_NIGHT),
            corpus.nested_in_arrays(real, DEEP),
            later,
            corpus.QUARANTINED,
        ),
        "first_night": corpus.Case(
            "first_night",
            corpus.day_key("2024-25", first),
            nights[first],
            corpus.FIRST_FETCH,
            corpus.LOADED,
        ),
        "value_nested": corpus.Case(
            "value_nested",
            corpus.day_key("2024-25", first),
            corpus.with_value_nested(nights[first], 0, "PTS", DEEP),
            later,
            corpus.QUARANTINED,
        ),
        "second_night": corpus.Case(
            "second_night", corpus.day_key("2024-25", second), nights[second], later, corpus.LOADED
        ),
    }
    zone = LandingZone(tmp_path / "landing")
    paths = {name: case.land(zone).path for name, case in cases.items()}
    db = tmp_path / "db.duckdb"
    args = ["--landing-root", str(zone.root), "load", "--duckdb-path", str(db)]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == (
        "landed files seen 5, loaded 3, skipped 0, quarantined 2"
    )

    too_deep = "not valid JSON (nested deeper than Python's parser allows); starts with "
    wrapped, value_nested = cases["wrapped"].data, cases["value_nested"].data
    quarantine = query(db, "select landed_path, sha256, reason from raw.load_quarantine")
    assert {path: (sha, reason) for path, sha, reason in quarantine} == {
        paths["wrapped"]: (hashlib.sha256(wrapped).hexdigest(), too_deep + repr("[" * 60)),
        paths["value_nested"]: (
            hashlib.sha256(value_nested).hexdigest(),
            too_deep + repr(value_nested[:60].decode()),
        ),
    }
    assert {p for (p,) in query(db, "select landed_path from raw.nba_stats__player_game_logs")} == {
        paths["opening_night"],
        paths["first_night"],
        paths["second_night"],
    }
    assert {p for (p,) in query(db, "select landed_path from raw.landing_inventory")} == set(
        paths.values()
    )
    assert main(args) == 0  # and the next run is not stopped by them either
    assert "quarantined 0 (+2 from earlier runs)" in capsys.readouterr().out


def test_a_key_named_twice_is_quarantined_naming_the_key_and_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening night re-scraped with `resultSets` named twice, an empty result set first and
    the real one after; and with `rowSet` named twice inside the result set, likewise. Python
    (the loader's check) reads the last, DuckDB (staging) the first: the file used to load and
    then show no rows. Both are quarantined naming the key; the real payload loads."""
    real = corpus.opening_night()
    empty = json.loads(corpus.with_empty_rowset(real))["resultSets"]
    top = corpus.with_duplicate_key_first(real, "resultSets", empty)
    nested = corpus.with_rowset_named_twice(real)
    for ambiguous in (top, nested):  # what makes them ambiguous, shown on the bytes
        assert len(corpus.result_set(json.loads(ambiguous))["rowSet"]) == 42
        with duckdb.connect() as con:
            rows = con.execute(
                "select json_array_length(?, '$.resultSets[0].rowSet')", [ambiguous.decode()]
            ).fetchone()
        assert rows == (0,)
    key = corpus.day_key("2024-25", corpus.OPENING_NIGHT)
    at = corpus.FIRST_FETCH
    cases = {
        "real": corpus.Case("real", key, real, at, corpus.LOADED),
        "top": corpus.Case("top", key, top, at + timedelta(hours=1), corpus.QUARANTINED),
        "nested": corpus.Case("nested", key, nested, at + timedelta(hours=2), corpus.QUARANTINED),
    }
    zone = LandingZone(tmp_path / "landing")
    paths = {name: case.land(zone).path for name, case in cases.items()}
    db = tmp_path / "db.duckdb"
    assert main(["--landing-root", str(zone.root), "load", "--duckdb-path", str(db)]) == 0
    assert "loaded 1, skipped 0, quarantined 2" in capsys.readouterr().out
    disagree = " (JSON parsers disagree on which value counts)"
    assert dict(query(db, "select landed_path, reason from raw.load_quarantine")) == {
        paths["top"]: "ambiguous JSON: duplicate key 'resultSets' in the top-level object"
        + disagree,
        paths["nested"]: "ambiguous JSON: duplicate key 'rowSet' in resultSets[0]" + disagree,
    }
    assert query(db, "select landed_path from raw.nba_stats__player_game_logs") == [
        (paths["real"],)
    ]


# --- entries under the landing root that are not payloads ---------------------------------


def _load_cli(root: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`ingest load` in a process of its own, with a timeout: a run that would hang (a FIFO
    opened for reading waits for a writer forever) fails the test instead of stalling it."""
    command = ["-m", "ingest", "--landing-root", str(root), "load", "--duckdb-path", str(db)]
    return subprocess.run(
        [sys.executable, *command, *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


OFF_LAYOUT = (
    "not a landed payload: off the layout "
    "<source>/<entity>/dt=YYYY-MM-DD/<request_key>.<sha256[:12]>.json|csv; not read"
)
FIFO_REASON = "not a regular file: a named pipe (FIFO), not opened"


def test_every_entry_under_the_landing_root_ends_loaded_or_quarantined(tmp_path: Path) -> None:
    """Beside two real landed nights: files named off the layout (a note, a real payload
    copied in without its day folder or manifest, one in a folder no source uses, a hidden
    file, a name that is not UTF-8), symbolic links (dangling; to a real file outside the root;
    a source's folder linked to another landing zone), a FIFO where a payload would be, and a
    payload landed under a misspelt source. Each is inventoried and quarantined with why,
    never opened (the FIFO would hang the run, the links lead out of the root); the two nights
    load. The zone's own files are none of these: manifests (an orphan too), a retry list and
    a write in progress are neither inventoried nor quarantined."""
    root = tmp_path / "landing"
    zone = LandingZone(root)
    nights = corpus.bundled_nights(corpus.TRADE_NIGHTS)
    first, second = corpus.TRADE_NIGHTS
    at = corpus.FIRST_FETCH
    real = corpus.opening_night()
    opening = corpus.Case(
        "opening", corpus.day_key("2024-25", corpus.OPENING_NIGHT), real, at, corpus.LOADED
    ).land(zone)
    night = corpus.Case(
        "night", corpus.day_key("2024-25", first), nights[first], at, corpus.LOADED
    ).land(zone)
    misspelt = dataclasses.replace(
        corpus.Case("misspelt", corpus.day_key("2024-25", first), nights[first], at, "q"),
        source="nba_stat",
    ).land(zone)

    # The zone's own bookkeeping: manifests, one an orphan (a crash after the manifest was
    # written: the opening night's empty re-scrape), a retry list as `ingest fetch` writes it,
    # and a write in progress.
    rescrape = corpus.with_empty_rowset(real)
    opening_key = corpus.day_key("2024-25", corpus.OPENING_NIGHT)
    orphan = corpus.Case("orphan", opening_key, rescrape, at + timedelta(days=2), "-").land(zone)
    (root / orphan.path).unlink()
    # ... and the second trade night's manifest, beside a FIFO where its payload would be.
    vouched = corpus.Case("vouched", corpus.day_key("2024-25", second), nights[second], at, "-")
    fifo = vouched.land(zone).path
    (root / fifo).unlink()
    failed = fetch_ranges.FailedRequest(
        fetch_ranges.RangeRequest(
            nba_stats.PLAYER_GAME_LOGS, "2024-25", corpus.OPENING_NIGHT, corpus.OPENING_NIGHT
        ),
        "https://stats.nba.com/stats/leaguegamelog",
        503,
        "503 Service Unavailable",
    )
    retry_list = fetch_ranges.save_retry_list(zone, [failed], now=at)
    day = root / Path(night.path).parent
    in_progress = day / f".{Path(night.path).name}.{uuid.uuid4().hex}.tmp"
    in_progress.write_bytes(nights[first][: len(nights[first]) // 2])

    # Strays.
    outside = tmp_path / "elsewhere"
    other = LandingZone(outside)
    team = other.land(
        "nba_stats", "team_game_logs", "leaguegamelog_T", TEAM_2018_19.read_bytes(), "test"
    )
    players = root / "nba_stats" / "player_game_logs"
    strays: dict[str, tuple[str, str, str]] = {}  # landed_path -> (source, entity, reason)

    def stray(path: str, source: str, entity: str, reason: str) -> Path:
        strays[path] = (source, entity, reason)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        return root / path

    stray("notes.txt", "_unknown", "_unknown", OFF_LAYOUT).write_bytes(
        b"re-scrape opening night after the stat correction\n"
    )
    copied = f"nba_stats/player_game_logs/{Path(opening.path).name}"
    stray(copied, "nba_stats", "player_game_logs", OFF_LAYOUT).write_bytes(real)
    stray("downloads/leaguegamelog.json", "downloads", "_unknown", OFF_LAYOUT).write_bytes(real)
    hidden = f"{Path(opening.path).parent}/.DS_Store"
    stray(hidden, "nba_stats", "player_game_logs", f"hidden name; {OFF_LAYOUT}").write_bytes(b"")
    dangling = f"nba_stats/player_game_logs/dt=2025-01-04/{Path(fifo).name}"
    link = "not a regular file: a symbolic link to {!r}, not followed"
    stray(dangling, "nba_stats", "player_game_logs", link.format("gone.json")).symlink_to(
        "gone.json"
    )
    target = str(outside / team.path)
    leads_out = f"nba_stats/team_game_logs_copy/dt=2025-01-02/{Path(team.path).name}"
    stray(leads_out, "nba_stats", "team_game_logs_copy", link.format(target)).symlink_to(target)
    folder_target = str(outside / "nba_stats" / "team_game_logs")
    stray("nba_stats/team_game_logs", "nba_stats", "_unknown", link.format(folder_target))
    (root / "nba_stats" / "team_game_logs").symlink_to(folder_target, target_is_directory=True)
    os.mkfifo(stray(fifo, "nba_stats", "player_game_logs", FIFO_REASON))
    not_utf8 = "nba_stats/\\xff.json"
    stray(not_utf8, "nba_stats", "_unknown", "name is not valid UTF-8; not read")
    (players.parent / os.fsdecode(b"\xff.json")).write_bytes(real)

    db = tmp_path / "db.duckdb"
    done = _load_cli(root, db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "landed files seen 12, loaded 2, skipped 0, quarantined 10"

    quarantine = query(
        db, "select landed_path, source, entity, sha256, reason from raw.load_quarantine"
    )
    misspelt_sha = hashlib.sha256(nights[first]).hexdigest()
    assert {row[0]: row[1:] for row in quarantine} == {
        **{path: (s, e, "", reason) for path, (s, e, reason) in strays.items()},
        misspelt.path: (
            "nba_stat",
            "player_game_logs",
            misspelt_sha,
            "unknown source/entity nba_stat/player_game_logs",
        ),
    }
    inventory = query(
        db,
        "select landed_path, source, entity, request_key, sha256_prefix from raw.landing_inventory",
    )
    landed = {
        item.path: (item.path.split("/")[0], item.path.split("/")[1], key, item.sha256[:12])
        for item, key in (
            (opening, corpus.day_key("2024-25", corpus.OPENING_NIGHT)),
            (night, corpus.day_key("2024-25", first)),
            (misspelt, corpus.day_key("2024-25", first)),
        )
    }
    assert {row[0]: row[1:] for row in inventory} == {
        **landed,
        **{path: (s, e, "", "") for path, (s, e, _) in strays.items()},
    }
    held = {row[0] for row in inventory}
    assert retry_list not in held and not any(p.endswith(".manifest.json") for p in held)
    assert not any(p.endswith(".tmp") for p in held)
    assert query(
        db, "select landed_path from raw.nba_stats__player_game_logs order by 1"
    ) == sorted([(opening.path,), (night.path,)])
    assert query(db, "select count(*) from raw.nba_stats__team_game_logs") == [(0,)]

    again = _load_cli(root, db)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (
        "landed files seen 12, loaded 0, skipped 12, quarantined 0 (+10 from earlier runs)"
    )
    assert _load_cli(root, db, "--strict").returncode == 1


def test_a_bare_nan_or_infinity_is_quarantined_not_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening night re-scraped with Josh Hart's PTS written as a bare NaN (a scraper that
    serialised a float NaN) and, in a second re-scrape, his PLUS_MINUS as Infinity. Python's
    json and DuckDB read both; RFC 8259 and BigQuery do not. Quarantined, naming the token."""
    real = corpus.opening_night()
    key = corpus.day_key("2024-25", corpus.OPENING_NIGHT)
    at = corpus.FIRST_FETCH
    nan = corpus.with_values(real, {corpus.HART: {"PTS": float("nan")}})
    inf = corpus.with_values(real, {corpus.HART: {"PLUS_MINUS": float("inf")}})
    assert b",NaN," in nan and b",Infinity" in inf
    cases = {
        "real": corpus.Case("real", key, real, at, corpus.LOADED),
        "nan": corpus.Case("nan", key, nan, at + timedelta(hours=1), corpus.QUARANTINED),
        "inf": corpus.Case("inf", key, inf, at + timedelta(hours=2), corpus.QUARANTINED),
    }
    zone = LandingZone(tmp_path / "landing")
    paths = {name: case.land(zone).path for name, case in cases.items()}
    db = tmp_path / "db.duckdb"
    assert main(["--landing-root", str(zone.root), "load", "--duckdb-path", str(db)]) == 0
    assert "loaded 1, skipped 0, quarantined 2" in capsys.readouterr().out
    reasons = dict(query(db, "select landed_path, reason from raw.load_quarantine"))
    assert set(reasons) == {paths["nan"], paths["inf"]}
    assert reasons[paths["nan"]].startswith("not valid JSON (a bare NaN, which is not a JSON value")
    assert reasons[paths["inf"]].startswith("not valid JSON (a bare Infinity, which is not a JSON")
