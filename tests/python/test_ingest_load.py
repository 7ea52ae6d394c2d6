"""Loading landed payloads into the DuckDB raw layer: exact text, idempotency, quarantine."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import PLAYER_2024_10_22, REPO, TEAM_2018_19

from ingest.__main__ import main
from ingest.landing import LandedFile, LandingZone
from ingest.load import RAW_COLUMNS as LOADER_RAW_COLUMNS
from ingest.load import QuarantineError, QuarantineRow, RawRow, decide, load

PLAYER_KEY = "leaguegamelog_P_2024-25_2024-10-22_2024-10-22"
TEAM_KEY = "leaguegamelog_T_2018-19_start_end"
RAW_COLUMNS = [
    ("landed_path", "VARCHAR"),
    ("source", "VARCHAR"),
    ("entity", "VARCHAR"),
    ("origin", "VARCHAR"),
    ("request_key", "VARCHAR"),
    ("fetched_at", "TIMESTAMP"),
    ("sha256", "VARCHAR"),
    ("bytes", "BIGINT"),
    ("loaded_at", "TIMESTAMP"),
    ("payload", "VARCHAR"),
]
FETCHED = datetime(2024, 10, 23, 9, 15, 30, 123456, tzinfo=UTC)


def land_real(zone: LandingZone) -> None:
    zone.land(
        "nba_stats",
        "player_game_logs",
        PLAYER_KEY,
        PLAYER_2024_10_22.read_bytes(),
        origin="file:tests/fixtures",
        fetched_at=FETCHED,
    )
    zone.land(
        "nba_stats",
        "team_game_logs",
        TEAM_KEY,
        TEAM_2018_19.read_bytes(),
        origin="file:tests/fixtures",
        fetched_at=FETCHED,
    )


def land_bad(zone: LandingZone, key: str, data: bytes) -> str:
    return zone.land("nba_stats", "player_game_logs", key, data, origin="test").path


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_tables_exist_with_exact_columns_when_nothing_is_landed(tmp_path: Path) -> None:
    db = tmp_path / "wh" / "nested" / "db.duckdb"
    result = load(landing_root=tmp_path / "missing", db_path=db)
    assert (result.seen, result.loaded, result.quarantined) == (0, 0, 0)
    for table in ("nba_stats__player_game_logs", "nba_stats__team_game_logs"):
        columns = query(
            db,
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_schema = 'raw' AND table_name = '{table}' ORDER BY ordinal_position",
        )
        assert columns == RAW_COLUMNS
    quarantine = query(
        db,
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' "
        "AND table_name = 'load_quarantine' ORDER BY ordinal_position",
    )
    assert [c[0] for c in quarantine] == [
        "landed_path",
        "source",
        "entity",
        "sha256",
        "reason",
        "quarantined_at",
    ]


def test_loads_exact_payload_text_and_is_idempotent(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    land_real(zone)
    db = tmp_path / "db.duckdb"

    first = load(zone=zone, db_path=db)
    assert (first.seen, first.loaded, first.skipped, first.quarantined) == (2, 2, 0, 0)
    ((path, origin, key, fetched_at, sha, size, payload),) = query(
        db,
        "SELECT landed_path, origin, request_key, fetched_at, sha256, bytes, payload "
        "FROM raw.nba_stats__team_game_logs",
    )
    manifest = zone.read_manifest(path)
    assert manifest is not None
    assert payload.encode("utf-8") == TEAM_2018_19.read_bytes()
    assert (origin, key, sha, size) == (
        "file:tests/fixtures",
        TEAM_KEY,
        manifest["sha256"],
        TEAM_2018_19.stat().st_size,
    )
    assert fetched_at == FETCHED.replace(tzinfo=None)
    # DuckDB's own JSON functions read what staging will read.
    ((rows,),) = query(
        db,
        "SELECT json_array_length(payload, '$.resultSets[0].rowSet') "
        "FROM raw.nba_stats__player_game_logs",
    )
    assert rows == 42

    again = load(zone=zone, db_path=db)
    assert (again.seen, again.loaded, again.skipped, again.quarantined) == (2, 0, 2, 0)
    assert query(db, "SELECT count(*) FROM raw.nba_stats__team_game_logs") == [(1,)]


def test_bad_files_are_quarantined_with_reasons_and_the_run_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    zone = LandingZone(tmp_path / "landing")
    land_real(zone)
    good = PLAYER_2024_10_22.read_bytes()
    truncated = land_bad(zone, "truncated", good[: len(good) // 2])
    html = land_bad(zone, "html_error", b"<!DOCTYPE html><html><body>Access Denied</body></html>")
    shapeless = land_bad(zone, "no_result_sets", b'{"resource": "leaguegamelog"}')
    ragged = land_bad(
        zone,
        "ragged",
        b'{"resultSets": [{"name": "x", "headers": ["A", "B"], "rowSet": [[1, 2], [3]]}]}',
    )
    not_utf8 = land_bad(zone, "utf16", '{"name": "Vu\u010devi\u0107"}'.encode("utf-16"))
    tampered = land_bad(zone, "tampered", good)
    (Path(zone.root) / tampered).write_bytes(good.replace(b"Counter", b"Countr"))
    orphan = land_bad(zone, "orphan", good.replace(b"Counter", b"Cnt"))
    os.remove(Path(zone.root) / (orphan.removesuffix(".json") + ".manifest.json"))

    db = tmp_path / "db.duckdb"
    with caplog.at_level("WARNING"):
        result = load(zone=zone, db_path=db)
    assert (result.seen, result.loaded, result.quarantined) == (9, 2, 7)
    reasons = dict(query(db, "SELECT landed_path, reason FROM raw.load_quarantine"))
    assert "not valid JSON" in reasons[truncated]
    assert "not valid JSON" in reasons[html] and "<!DOCTYPE html>" in reasons[html]
    assert "resultSets" in reasons[shapeless]
    assert "rowSet[1]" in reasons[ragged]
    assert "not valid UTF-8" in reasons[not_utf8]
    assert "sha256" in reasons[tampered]
    assert reasons[orphan] == "manifest missing"
    for path in reasons:
        assert f"quarantined {path}" in caplog.text

    again = load(zone=zone, db_path=db)
    assert (again.loaded, again.quarantined, again.skipped) == (0, 0, 9)
    assert again.previously_quarantined == 7


def test_strict_mode_raises_and_the_cli_exits_non_zero(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    land_real(zone)
    land_bad(zone, "truncated", b'{"resultSets": [')
    db = tmp_path / "db.duckdb"
    with pytest.raises(QuarantineError, match="truncated"):
        load(zone=zone, db_path=db, strict=True)
    # The good files were still committed before strict mode complained.
    assert query(db, "SELECT count(*) FROM raw.nba_stats__player_game_logs") == [(1,)]
    args = ["--landing-root", str(zone.root), "load", "--duckdb-path", str(db), "--strict"]
    assert main(args) == 1
    assert main(args[:-1]) == 0


def test_cli_load_reads_env_paths_in_a_subprocess(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    land_real(zone)
    land_bad(zone, "truncated", b"{")
    env = {
        **os.environ,
        "NBA_LANDING_ROOT": str(zone.root),
        "NBA_DUCKDB_PATH": str(tmp_path / "wh" / "env.duckdb"),
        "NBA_RAW_SCHEMA": "raw_test",
    }
    run = subprocess.run(
        [sys.executable, "-m", "ingest", "load", "--strict"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "quarantined" in run.stderr and "truncated" in run.stderr
    db = tmp_path / "wh" / "env.duckdb"
    assert query(db, "SELECT count(*) FROM raw_test.nba_stats__team_game_logs") == [(1,)]
    assert query(db, "SELECT count(*) FROM raw_test.load_quarantine") == [(1,)]


def test_manifest_round_trip_matches_raw_row(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    land_real(zone)
    db = tmp_path / "db.duckdb"
    load(zone=zone, db_path=db)
    for path, source, entity, key in query(
        db,
        "SELECT landed_path, source, entity, request_key FROM raw.nba_stats__player_game_logs "
        "UNION ALL SELECT landed_path, source, entity, request_key "
        "FROM raw.nba_stats__team_game_logs",
    ):
        manifest_file = Path(zone.root) / (path.removesuffix(".json") + ".manifest.json")
        manifest = json.loads(manifest_file.read_text())
        assert (manifest["source"], manifest["entity"], manifest["request_key"]) == (
            source,
            entity,
            key,
        )


def test_decide_is_the_one_load_or_quarantine_decision(tmp_path: Path) -> None:
    """Both writers (DuckDB here, BigQuery in load_bigquery) take rows from decide() only."""
    zone = LandingZone(tmp_path / "landing")
    land_real(zone)
    now = datetime(2024, 10, 24, 6, tzinfo=UTC)
    (player,) = zone.iter_payloads("nba_stats", "player_game_logs")
    data = zone.read(player.path)
    manifest = zone.read_manifest(player.path)

    row = decide(player, data, manifest, now)
    assert isinstance(row, RawRow)
    assert [f.name for f in dataclasses.fields(RawRow)] == [name for name, _ in LOADER_RAW_COLUMNS]
    assert (row.table, row.request_key, row.origin) == (
        "nba_stats__player_game_logs",
        PLAYER_KEY,
        "file:tests/fixtures",
    )
    assert (row.fetched_at, row.loaded_at, row.bytes) == (FETCHED, now, len(data))
    assert row.payload.encode("utf-8") == data

    stranger = LandedFile(player.path, "nba_stats", "box_scores", PLAYER_KEY, player.sha_prefix)
    tampered = data.replace(b"Counter", b"Countr")
    cases = [
        (player, data, None, "manifest missing"),
        (player, data, "manifest unreadable: not a JSON object", "manifest unreadable"),
        (stranger, data, manifest, "unknown source/entity nba_stats/box_scores"),
        (player, tampered, manifest, "manifest mismatch: sha256"),
    ]
    for landed, body, sidecar, reason in cases:
        set_aside = decide(landed, body, sidecar, now)
        assert isinstance(set_aside, QuarantineRow), reason
        assert set_aside.reason.startswith(reason)
        assert set_aside.sha256 == hashlib.sha256(body).hexdigest()
        assert (set_aside.landed_path, set_aside.quarantined_at) == (player.path, now)
