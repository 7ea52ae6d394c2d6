"""The append-only landing zone: layout, manifests, idempotency, atomicity, safe names."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import PLAYER_2024_10_22

from ingest.landing import LandingZone, default_root, validate_name
from ingest.storage import LocalStorage, open_storage

KEY = "leaguegamelog_P_2024-25_2024-10-22_2024-10-22"
PARAMS = {"Season": "2024-25", "PlayerOrTeam": "P"}


def land(zone: LandingZone, data: bytes, when: datetime | None = None, key: str = KEY):
    return zone.land(
        "nba_stats", "player_game_logs", key, data, origin="file:x", params=PARAMS, fetched_at=when
    )


def payload_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json") if not p.name.endswith(".manifest.json"))


def test_layout_manifest_and_exact_bytes(tmp_path: Path) -> None:
    data = PLAYER_2024_10_22.read_bytes()
    # A late fetch on the US east coast is already the next day in UTC: dt follows UTC.
    when = datetime(2024, 10, 22, 23, 30, tzinfo=timezone(timedelta(hours=-4)))
    landed = land(LandingZone(tmp_path), data, when)
    sha = hashlib.sha256(data).hexdigest()
    assert landed.written
    assert landed.path == f"nba_stats/player_game_logs/dt=2024-10-23/{KEY}.{sha[:12]}.json"
    assert landed.manifest_path == landed.path.removesuffix(".json") + ".manifest.json"
    assert (tmp_path / landed.path).read_bytes() == data
    manifest = json.loads((tmp_path / landed.manifest_path).read_text())
    assert manifest == {
        "source": "nba_stats",
        "entity": "player_game_logs",
        "request_key": KEY,
        "origin": "file:x",
        "params": PARAMS,
        "fetched_at": "2024-10-23T03:30:00.000000Z",
        "sha256": sha,
        "bytes": len(data),
        "landed_path": landed.path,
    }


def test_same_bytes_twice_land_once_even_on_another_day(tmp_path: Path) -> None:
    data = PLAYER_2024_10_22.read_bytes()
    first = land(LandingZone(tmp_path), data, datetime(2024, 10, 23, tzinfo=UTC))
    # A new zone object, as a later run would build, must see the earlier file too.
    again = land(LandingZone(tmp_path), data, datetime(2024, 10, 25, tzinfo=UTC))
    assert first.written and not again.written
    assert again.path == first.path
    assert payload_files(tmp_path) == [tmp_path / first.path]


def test_corrected_payload_lands_beside_the_first(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    data = PLAYER_2024_10_22.read_bytes()
    corrected = data.replace(b'"Counter":0', b'"Counter":1')
    assert corrected != data
    first = land(zone, data)
    second = land(zone, corrected)
    assert first.written and second.written and first.path != second.path
    assert len(payload_files(tmp_path)) == 2
    assert (tmp_path / second.path).read_bytes() == corrected


@pytest.mark.parametrize(
    ("source", "entity", "key"),
    [
        ("nba_stats", "player_game_logs", "../../etc/passwd"),
        ("nba_stats", "player_game_logs", "a/b"),
        ("nba_stats", "player_game_logs", "a..b"),
        ("nba_stats", "player_game_logs", ".hidden"),
        ("nba_stats", "player_game_logs", ""),
        ("..", "player_game_logs", KEY),
        ("nba_stats", "x/../y", KEY),
        ("nba stats", "player_game_logs", KEY),
        ("nba_stats", "player_game_logs", "key\\with\\backslash"),
    ],
)
def test_unsafe_names_are_rejected(tmp_path: Path, source: str, entity: str, key: str) -> None:
    zone = LandingZone(tmp_path / "root")
    with pytest.raises(ValueError, match="invalid"):
        zone.land(source, entity, key, b"{}", origin="file:x")
    assert not (tmp_path / "root").exists() or list((tmp_path / "root").rglob("*")) == []


def test_storage_refuses_keys_that_climb_out(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    for key in ("../x.json", "/abs.json", "a/../../x.json"):
        with pytest.raises(ValueError):
            storage.write_atomic(key, b"{}")


def test_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        land(LandingZone(tmp_path), PLAYER_2024_10_22.read_bytes())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_listing_skips_temp_files(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    landed = land(zone, PLAYER_2024_10_22.read_bytes())
    folder = (tmp_path / landed.path).parent
    (folder / f".{KEY}.abcdefabcdef.json.123.tmp").write_bytes(b"{partial")
    assert [f.path for f in zone.iter_payloads()] == [landed.path]
    assert [f.request_key for f in zone.iter_payloads("nba_stats", "player_game_logs")] == [KEY]


def test_root_defaults_and_gcs_seam(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NBA_LANDING_ROOT", raising=False)
    assert default_root() == "landing"
    monkeypatch.setenv("NBA_LANDING_ROOT", str(tmp_path))
    assert LandingZone().root == str(tmp_path)
    # gs:// roots get the bucket implementation (exercised against the emulator in
    # test_ingest_gcs.py); opening one needs neither credentials nor network.
    gcs = open_storage("gs://bucket/landing")
    assert type(gcs).__name__ == "GCSStorage" and gcs.uri("a.json") == "gs://bucket/landing/a.json"


def test_validate_name_accepts_the_documented_alphabet() -> None:
    assert validate_name("request_key", "leaguegamelog_T_2018-19_start_end") == (
        "leaguegamelog_T_2018-19_start_end"
    )
    assert validate_name("request_key", "season=2024-25.v2")


def test_durable_writes_are_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBA_LANDING_FSYNC")
    storage = open_storage(tmp_path)
    assert isinstance(storage, LocalStorage) and storage.fsync
    landed = land(LandingZone(tmp_path, storage=storage), PLAYER_2024_10_22.read_bytes())
    assert (tmp_path / landed.path).read_bytes() == PLAYER_2024_10_22.read_bytes()


SHA = "929fcc435406"  # the opening-night payload's sha256 prefix: a name, never read here
DAY = f"nba_stats/player_game_logs/dt=2024-10-22/{KEY}.{SHA}"
OFF = (
    "not a landed payload: off the layout "
    "<source>/<entity>/dt=YYYY-MM-DD/<request_key>.<sha256[:12]>.json|csv; not read"
)


HIDDEN = f"hidden name; {OFF}"
FIFO = "not a regular file: a named pipe (FIFO), not opened"
DAY_FOLDER = ("nba_stats", "player_game_logs")


@pytest.mark.parametrize(
    ("key", "kind", "outcome"),
    [
        (f"{DAY}.json", "file", "payload"),
        (f"bigdataball/play_by_play/dt=2025-06-23/pbp_0042400407.{SHA}.csv", "file", "payload"),
        (f"{DAY}.manifest.json", "file", None),  # beside its payload, or an orphan
        ("_retry/odds_api/player_props/retry_2024-10-22T200000000000Z.json", "file", None),
        (
            f"nba_stats/player_game_logs/dt=2024-10-22/.{KEY}.{SHA}.json.{'a' * 32}.tmp",
            "file",
            None,
        ),
        ("notes.txt", "file", ("_unknown", "_unknown", OFF)),
        (f"nba_stats/player_game_logs/{KEY}.{SHA}.json", "file", (*DAY_FOLDER, OFF)),
        (f"{DAY}.manifest.json.bak", "file", (*DAY_FOLDER, OFF)),
        ("_retry/odds_api/player_props/notes.txt", "file", ("_retry", "odds_api", OFF)),
        (f"nba_stats/{KEY}.{SHA}.manifest.json", "file", ("nba_stats", "_unknown", OFF)),
        ("nba_stats/.DS_Store", "file", ("nba_stats", "_unknown", HIDDEN)),
        (
            f"nba_stats/player_game_logs/dt=2024-10-22/.{KEY}.{SHA}.json",
            "file",
            (*DAY_FOLDER, HIDDEN),
        ),
        (
            f"{DAY}.json",
            "symlink",
            (*DAY_FOLDER, "not a regular file: a symbolic link to '/etc/passwd', not followed"),
        ),
        (f"{DAY}.json", "fifo", (*DAY_FOLDER, FIFO)),
        (f"{DAY}.manifest.json", "fifo", (*DAY_FOLDER, FIFO)),
        (f"{DAY}.json", "socket", (*DAY_FOLDER, "not a regular file: a socket, not opened")),
        (
            "nba_stats/dev",
            "char_device",
            ("nba_stats", "_unknown", "not a regular file: a character device, not opened"),
        ),
        (
            "nba_stats/\udcff.json",
            "file",
            ("nba_stats", "_unknown", "name is not valid UTF-8; not read"),
        ),
    ],
)
def test_every_entry_is_a_payload_the_zone_s_own_or_a_stray_with_a_reason(
    key: str, kind: str, outcome: object
) -> None:
    from ingest.landing import LandedFile, Stray, classify

    item = classify(key, kind, "/etc/passwd" if kind == "symlink" else "")
    if outcome == "payload":
        assert isinstance(item, LandedFile) and item.path == key
    elif outcome is None:
        assert item is None
    else:
        source, entity, reason = outcome  # type: ignore[misc]
        printable = key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        assert item == Stray(printable, source, entity, reason)


def test_iter_entries_lists_strays_that_iter_payloads_never_yields(tmp_path: Path) -> None:
    """iter_payloads() keeps yielding what it always did (well-named files, dot-names left
    out); iter_entries() adds the strays and leaves the zone's own files out, and reading a
    FIFO the way the loader reads is refused at once instead of waiting for a writer."""
    from ingest.landing import Stray
    from ingest.storage import NotRegularFile

    zone = LandingZone(tmp_path)
    landed = land(zone, PLAYER_2024_10_22.read_bytes())
    folder = (tmp_path / landed.path).parent
    (folder / f".{KEY}.abcdefabcdef.json.123.tmp").write_bytes(b"{partial")
    fifo = folder / f"{KEY}.{'0' * 12}.json"
    os.mkfifo(fifo)
    (tmp_path / "notes.txt").write_text("re-scrape after the stat correction\n")
    fifo_key = fifo.relative_to(tmp_path).as_posix()
    assert [f.path for f in zone.iter_payloads()] == [fifo_key, landed.path]
    assert list(zone.iter_entries()) == [
        Stray("notes.txt", "_unknown", "_unknown", OFF),
        Stray(fifo_key, *DAY_FOLDER, FIFO),
        list(zone.iter_payloads())[1],
    ]
    with pytest.raises(NotRegularFile, match="is a named pipe"):
        zone.read_landed(fifo_key)
    assert zone.read_landed(landed.path) == PLAYER_2024_10_22.read_bytes()
