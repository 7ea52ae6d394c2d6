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


# --- a failed write says why --------------------------------------------------------------


class FullDisk:
    """A DuckDB connection whose disk fills up at one statement. At COMMIT it does what DuckDB
    does when the commit cannot be written: the transaction ends (rolled back), then the error
    is raised, so a ROLLBACK after it fails with "no transaction is active"."""

    def __init__(self, con: duckdb.DuckDBPyConnection, at: str) -> None:
        self.con = con
        self.at = at

    def execute(self, sql: str, *args: object) -> object:
        if sql.startswith(self.at):
            if sql == "COMMIT":
                self.con.execute("ROLLBACK")
            raise duckdb.IOException(
                'Could not write file "db.duckdb.wal": No space left on device'
            )
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self.con, name)


@pytest.mark.parametrize(
    ("at", "writing"),
    [
        ("COMMIT", "the commit"),
        ('INSERT INTO "raw"."nba_stats__team_game_logs"', "raw.nba_stats__team_game_logs"),
    ],
    ids=["commit", "insert"],
)
def test_a_failed_write_names_the_cause_never_cannot_rollback(
    tmp_path: Path, at: str, writing: str
) -> None:
    from ingest.load import DuckDBWriter, WarehouseWriteError, load_into

    zone = LandingZone(tmp_path / "landing")
    land_real(zone)
    db = tmp_path / "db.duckdb"
    with DuckDBWriter(db, "raw") as writer:
        writer.con = FullDisk(writer.con, at)  # type: ignore[assignment]
        with pytest.raises(WarehouseWriteError) as caught:
            load_into(writer, zone)
        writer.con = writer.con.con  # type: ignore[attr-defined]
    message = str(caught.value)
    assert message == (
        f"could not write {db} ({writing}): IOException: Could not write file "
        '"db.duckdb.wal": No space left on device; the load was rolled back'
    )
    assert "cannot rollback" not in message
    assert isinstance(caught.value.__cause__, duckdb.IOException)
    # Nothing of the batch stayed, and the next load, with room on the disk, loads it all.
    assert query(db, "SELECT count(*) FROM raw.landing_inventory") == [(0,)]
    assert load(zone=zone, db_path=db).loaded == 2


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_ingest_load_on_a_full_disk_exits_1_with_the_cause_in_one_line(tmp_path: Path) -> None:
    """A real write failure: `ingest load` in a process whose file size limit (RLIMIT_FSIZE)
    is the size of the warehouse file already there, so writing the batch's WAL fails in
    DuckDB as on a full disk. One line names the warehouse, the cause and that nothing was
    kept; no traceback, no "cannot rollback"; exit 1. With the limit gone it loads."""
    zone = LandingZone(tmp_path / "landing")
    db = tmp_path / "db.duckdb"
    assert main(["--landing-root", str(zone.root), "load", "--duckdb-path", str(db)]) == 0
    land_real(zone)
    limit = db.stat().st_size
    assert limit < TEAM_2018_19.stat().st_size  # the batch cannot fit under the limit
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"  # fail the write, not the process
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from ingest.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    args = ["--landing-root", str(zone.root), "load", "--duckdb-path", str(db)]
    run = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    (line,) = run.stderr.splitlines()
    assert f"ERROR ingest: could not write {db} (the commit): " in line
    assert f'Could not write file "{db}.wal": File too large' in line
    assert line.endswith("; the load was rolled back")
    assert "cannot rollback" not in run.stderr and run.stdout == ""
    assert query(db, "SELECT count(*) FROM raw.landing_inventory") == [(0,)]
    assert load(zone=zone, db_path=db).loaded == 2


# --- one file's failure is that file's quarantine, never the batch's ----------------------


def _broken_gate(error: BaseException) -> object:
    """A player-log gate with a bug: it raises instead of returning a reason."""

    def check(payload: object) -> str | None:
        raise error

    return check


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("read", "could not be read: OSError: [Errno 5] Input/output error"),
        ("gate", "could not be decided: KeyError: 'resultSets'"),
        ("memory", "could not be decided: MemoryError"),
        ("manifest", "manifest unreadable: OSError: [Errno 5] Input/output error"),
    ],
    ids=["read", "gate", "memory", "manifest"],
)
def test_any_failure_deciding_one_file_quarantines_it_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str, reason: str
) -> None:
    """The real player and team payloads; the player file fails in a way decide() does not
    foresee (its disk read errors, its gate raises, memory runs out, its manifest cannot be
    read). It is quarantined naming the exception; the team file loads; `ingest load` exits 0."""
    from ingest.sources import SOURCES
    from ingest.storage import LocalStorage

    zone = LandingZone(tmp_path / "landing")
    land_real(zone)
    (player,) = zone.iter_payloads("nba_stats", "player_game_logs")
    if fault in ("read", "manifest"):
        manifest = player.path.removesuffix(".json") + ".manifest.json"
        broken = player.path if fault == "read" else manifest
        read_regular = LocalStorage.read_regular

        def failing_read(self: LocalStorage, key: str) -> bytes:
            if key == broken:
                raise OSError(5, "Input/output error")
            return read_regular(self, key)

        monkeypatch.setattr(LocalStorage, "read_regular", failing_read)
    else:
        entities = SOURCES["nba_stats"].entities
        error = KeyError("resultSets") if fault == "gate" else MemoryError()
        spec = dataclasses.replace(entities["player_game_logs"], check_payload=_broken_gate(error))
        monkeypatch.setitem(entities, "player_game_logs", spec)
    db = tmp_path / "db.duckdb"
    assert main(["--landing-root", str(zone.root), "load", "--duckdb-path", str(db)]) == 0
    sha = "" if fault == "read" else hashlib.sha256(PLAYER_2024_10_22.read_bytes()).hexdigest()
    assert query(db, "SELECT landed_path, sha256, reason FROM raw.load_quarantine") == [
        (player.path, sha, reason)
    ]
    assert query(db, "SELECT request_key FROM raw.nba_stats__team_game_logs") == [(TEAM_KEY,)]
    assert query(db, "SELECT count(*) FROM raw.landing_inventory") == [(2,)]
