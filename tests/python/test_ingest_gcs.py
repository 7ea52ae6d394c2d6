"""Landing on and loading from gs:// roots, against a real GCS JSON API emulator on loopback.

The emulator (PyPI gcp-storage-emulator) runs in this process on an ephemeral port; the code
under test reaches it over HTTP through google-cloud-storage, as it would reach GCS. The
emulator lacks two GCS behaviours we rely on, so the fixture adds them to its request routing
(nothing else is patched):
- ifGenerationMatch=0 on uploads: it overwrites; GCS answers 412 when the object exists.
- maxResults/pageToken on listing: it returns everything in one page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import PLAYER_2024_10_22, REPO, TEAM_2018_19
from gcp_storage_emulator import server as emulator_server
from gcp_storage_emulator.exceptions import NotFound as EmulatorNotFound
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

import ingest.gcs
from ingest.gcs import GCSStorage, parse_gs_root
from ingest.landing import LandingZone
from ingest.storage import open_storage

PLAYER_KEY = "leaguegamelog_P_2024-25_2024-10-22_2024-10-22"
TEAM_KEY = "leaguegamelog_T_2018-19_start_end"
FETCHED = datetime(2024, 10, 23, 9, 15, 30, 123456, tzinfo=UTC)
PREFIX = "landing/v1"


@dataclass
class Emulator:
    host: str
    list_pages: list[str | None] = field(default_factory=list)  # pageToken of each list call
    precondition_failures: int = 0


def _fill_gaps(state: Emulator, patch: pytest.MonkeyPatch) -> None:
    def with_preconditions(original: Callable[..., Any]) -> Callable[..., Any]:
        def insert(request: Any, response: Any, storage: Any, *args: Any, **kwargs: Any) -> Any:
            if request.query.get("ifGenerationMatch") == ["0"]:
                name = (request.query.get("name") or [None])[0]
                if name is None and isinstance(request.data, dict):
                    name = (request.data.get("meta") or request.data).get("name")
                try:
                    storage.get_file_obj(request.params["bucket_name"], name)
                except EmulatorNotFound:
                    pass
                else:
                    state.precondition_failures += 1
                    response.status = HTTPStatus.PRECONDITION_FAILED
                    response.json({"error": {"code": 412, "message": "Precondition Failed"}})
                    return None
            return original(request, response, storage, *args, **kwargs)

        return insert

    def with_pages(original: Callable[..., Any]) -> Callable[..., Any]:
        def ls(request: Any, response: Any, storage: Any, *args: Any, **kwargs: Any) -> Any:
            token = (request.query.get("pageToken") or [None])[0]
            size = int((request.query.get("maxResults") or ["0"])[0])
            state.list_pages.append(token)
            send = response.json

            def paged(body: dict[str, Any]) -> None:
                items = body.get("items") or []
                start = int(token or 0)
                if size and start + size < len(items):
                    body["nextPageToken"] = str(start + size)
                body["items"] = items[start : start + size] if size else items[start:]
                send(body)

            response.json = paged
            return original(request, response, storage, *args, **kwargs)

        return ls

    for _, methods in emulator_server.HANDLERS:
        if methods.get("POST") is emulator_server.objects.insert:
            patch.setitem(methods, "POST", with_preconditions(methods["POST"]))
        if methods.get("GET") is emulator_server.objects.ls:
            patch.setitem(methods, "GET", with_pages(methods["GET"]))


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with pytest.MonkeyPatch.context() as patch:
        server = emulator_server.create_server("127.0.0.1", 0, in_memory=True)
        server.start()
        # Port 0 lets the OS pick a free port; the package keeps the bound socket privately.
        port = server._api._httpd.server_address[1]
        state = Emulator(host=f"http://127.0.0.1:{port}")
        _fill_gaps(state, patch)
        try:
            yield state
        finally:
            server.stop()


@dataclass
class Bucket:
    name: str
    client: storage.Client
    emulator: Emulator

    @property
    def root(self) -> str:
        return f"gs://{self.name}/{PREFIX}"

    def names(self) -> list[str]:
        return sorted(b.name for b in self.client.list_blobs(self.name))

    def get(self, name: str) -> bytes:
        return self.client.bucket(self.name).blob(name).download_as_bytes()

    def put(self, name: str, data: bytes) -> None:
        self.client.bucket(self.name).blob(name).upload_from_string(data)


@pytest.fixture
def bucket(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.host)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "test-project")
    client = storage.Client(project="test-project", credentials=AnonymousCredentials())
    name = f"landing-{uuid.uuid4().hex[:12]}"
    client.create_bucket(name)
    emulator.list_pages.clear()
    return Bucket(name, client, emulator)


def land_player(zone: LandingZone, data: bytes | None = None, when: datetime = FETCHED):
    return zone.land(
        "nba_stats",
        "player_game_logs",
        PLAYER_KEY,
        PLAYER_2024_10_22.read_bytes() if data is None else data,
        origin="file:tests/fixtures",
        params={"Season": "2024-25", "PlayerOrTeam": "P"},
        fetched_at=when,
    )


def land_team(zone: LandingZone) -> None:
    zone.land(
        "nba_stats",
        "team_game_logs",
        TEAM_KEY,
        TEAM_2018_19.read_bytes(),
        origin="file:tests/fixtures",
        fetched_at=FETCHED,
    )


def test_open_storage_maps_gs_roots_without_touching_the_network() -> None:
    storage_ = open_storage("gs://nba-landing/prod/v1/")
    assert isinstance(storage_, GCSStorage)
    assert (storage_.bucket_name, storage_.prefix) == ("nba-landing", "prod/v1")
    assert storage_._client is None  # built on first use
    assert storage_.uri("a/b.json") == "gs://nba-landing/prod/v1/a/b.json"
    assert parse_gs_root("gs://nba-landing") == ("nba-landing", "")
    for bad in ("gs://", "gs://Bad_Bucket/x", "gs://b/x", "gs://nba-landing/../up", "s3://x/y"):
        with pytest.raises(ValueError):
            parse_gs_root(bad)


def test_lands_exact_bytes_and_manifest_on_the_bucket(bucket: Bucket) -> None:
    zone = LandingZone(bucket.root)
    data = PLAYER_2024_10_22.read_bytes()
    landed = land_player(zone, data)
    assert landed.written
    assert bucket.names() == sorted([f"{PREFIX}/{landed.path}", f"{PREFIX}/{landed.manifest_path}"])
    assert bucket.get(f"{PREFIX}/{landed.path}") == data
    blob = bucket.client.bucket(bucket.name).get_blob(f"{PREFIX}/{landed.path}")
    assert blob is not None and blob.content_type == "application/json"
    manifest = json.loads(bucket.get(f"{PREFIX}/{landed.manifest_path}"))
    assert manifest == {
        "source": "nba_stats",
        "entity": "player_game_logs",
        "request_key": PLAYER_KEY,
        "origin": "file:tests/fixtures",
        "params": {"Season": "2024-25", "PlayerOrTeam": "P"},
        "fetched_at": "2024-10-23T09:15:30.123456Z",
        "sha256": landed.sha256,
        "bytes": len(data),
        "landed_path": landed.path,
    }
    # The same layout a local root gets, and readable back through the zone.
    assert landed.path.startswith("nba_stats/player_game_logs/dt=2024-10-23/")
    assert zone.read(landed.path) == data
    assert zone.read_manifest(landed.path) == manifest
    assert zone.storage.uri(landed.path) == f"{bucket.root}/{landed.path}"


def test_listing_is_by_whole_prefix_segments_and_follows_pages(
    bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone = LandingZone(bucket.root)
    player = land_player(zone)
    land_team(zone)
    # Neighbours the listing must not pick up: a sibling prefix, another root, a dot-name and
    # a folder placeholder as the console creates them.
    bucket.put(f"{PREFIX}x/nba_stats/player_game_logs/dt=2024-10-23/a.0123456789ab.json", b"{}")
    bucket.put("elsewhere/nba_stats/player_game_logs/dt=2024-10-23/b.0123456789ab.json", b"{}")
    bucket.put(f"{PREFIX}/nba_stats/player_game_logs/dt=2024-10-23/.c.json.tmp", b"{")
    bucket.put(f"{PREFIX}/nba_stats/player_game_logs/", b"")

    monkeypatch.setattr(ingest.gcs, "LIST_PAGE_SIZE", 2)
    bucket.emulator.list_pages.clear()
    assert sorted(f.request_key for f in zone.iter_payloads()) == [PLAYER_KEY, TEAM_KEY]
    assert len(bucket.emulator.list_pages) >= 3  # 4 keys, 2 per page: every page was fetched
    assert [f.path for f in zone.iter_payloads("nba_stats", "player_game_logs")] == [player.path]
    assert sorted(zone.storage.list("nba_stats")) == sorted(
        k.removeprefix(f"{PREFIX}/")
        for k in bucket.names()
        if k.startswith(f"{PREFIX}/") and not k.endswith("/") and "/." not in k
    )
    assert list(zone.storage.list("nba_stats/player")) == []
    assert list(zone.storage.list("no_such_source")) == []


def test_same_bytes_again_write_nothing_and_return_the_first_path(bucket: Bucket) -> None:
    first = land_player(LandingZone(bucket.root), when=FETCHED)
    blob_name = f"{PREFIX}/{first.path}"
    generation = bucket.client.bucket(bucket.name).get_blob(blob_name).generation
    names = bucket.names()
    # A new zone, as a later run builds, on another day: still the first file.
    again = land_player(LandingZone(bucket.root), when=datetime(2024, 10, 25, tzinfo=UTC))
    assert first.written and not again.written
    assert (again.path, again.sha256) == (first.path, first.sha256)
    assert bucket.names() == names
    assert bucket.client.bucket(bucket.name).get_blob(blob_name).generation == generation


def test_corrected_payload_lands_as_a_second_object(bucket: Bucket) -> None:
    zone = LandingZone(bucket.root)
    data = PLAYER_2024_10_22.read_bytes()
    corrected = data.replace(b'"Counter":0', b'"Counter":1')
    assert corrected != data
    first = land_player(zone, data)
    second = land_player(zone, corrected)
    assert second.written and second.path != first.path
    assert [f.path for f in zone.iter_payloads()] == sorted([first.path, second.path])
    assert bucket.get(f"{PREFIX}/{first.path}") == data
    assert bucket.get(f"{PREFIX}/{second.path}") == corrected


@pytest.mark.parametrize(
    ("source", "entity", "key"),
    [
        ("nba_stats", "player_game_logs", "../../escape"),
        ("nba_stats", "player_game_logs", "a/b"),
        ("..", "player_game_logs", PLAYER_KEY),
        ("nba_stats", "x/../y", PLAYER_KEY),
        ("nba_stats", "player_game_logs", ".hidden"),
    ],
)
def test_path_traversal_names_are_rejected(
    bucket: Bucket, source: str, entity: str, key: str
) -> None:
    zone = LandingZone(bucket.root)
    with pytest.raises(ValueError, match="invalid"):
        zone.land(source, entity, key, b"{}", origin="file:x")
    for raw_key in ("../x.json", "/abs.json", "a/../../x.json"):
        with pytest.raises(ValueError):
            zone.storage.write_atomic(raw_key, b"{}")
    assert bucket.names() == []


def test_an_existing_object_is_never_replaced(bucket: Bucket) -> None:
    gcs = GCSStorage(bucket.root)
    gcs.write_atomic("k/a.json", b'{"v": 1}')
    failures = bucket.emulator.precondition_failures
    gcs.write_atomic("k/a.json", b'{"v": 1}')  # a retried or concurrent identical write
    with pytest.raises(FileExistsError, match="different content"):
        gcs.write_atomic("k/a.json", b'{"v": 2}')
    assert bucket.emulator.precondition_failures == failures + 2
    assert gcs.read("k/a.json") == b'{"v": 1}'
    assert gcs.exists("k/a.json") and not gcs.exists("k/b.json")
    gcs.write_atomic("k/c.csv", b"a,b\n1,2\n")  # BigDataBall files land as CSV
    assert bucket.client.bucket(bucket.name).get_blob(f"{PREFIX}/k/c.csv").content_type == (
        "text/csv"
    )
    with pytest.raises(FileNotFoundError):
        gcs.read("k/b.json")


def test_concurrent_run_landing_the_same_bytes_keeps_the_first_manifest(bucket: Bucket) -> None:
    late = LandingZone(bucket.root)
    # Its first landing lists the entity, so its index predates the other run's file.
    late.land("nba_stats", "player_game_logs", "other", b"{}", origin="test")
    early = land_player(LandingZone(bucket.root), when=FETCHED)
    failures = bucket.emulator.precondition_failures
    racing = land_player(late, when=FETCHED.replace(hour=11))
    assert not racing.written and racing.path == early.path
    assert bucket.emulator.precondition_failures == failures + 2  # manifest, then payload
    manifest = json.loads(bucket.get(f"{PREFIX}/{early.manifest_path}"))
    assert manifest["fetched_at"] == "2024-10-23T09:15:30.123456Z"


def _raw_rows(db: Path, schema: str = "raw") -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {
            "nba_stats__player_game_logs": "* EXCLUDE (loaded_at)",
            "nba_stats__team_game_logs": "* EXCLUDE (loaded_at)",
            "load_quarantine": "* EXCLUDE (quarantined_at)",
        }
        return {
            table: con.execute(
                f"SELECT {cols} FROM {schema}.{table} ORDER BY landed_path"
            ).fetchall()
            for table, cols in tables.items()
        }


def _land_all(zone: LandingZone) -> None:
    land_player(zone)
    land_team(zone)
    zone.land("nba_stats", "player_game_logs", "truncated", b'{"resultSets": [', origin="test")


def test_cli_load_from_gs_matches_a_local_landing(bucket: Bucket, tmp_path: Path) -> None:
    local = LandingZone(tmp_path / "landing")
    remote = LandingZone(bucket.root)
    _land_all(local)
    _land_all(remote)
    local_db, remote_db = tmp_path / "local.duckdb", tmp_path / "gcs.duckdb"
    from ingest.load import load

    load(zone=local, db_path=local_db)

    env = {
        **os.environ,
        "NBA_LANDING_ROOT": bucket.root,
        "NBA_DUCKDB_PATH": str(remote_db),
        "STORAGE_EMULATOR_HOST": bucket.emulator.host,
        "GOOGLE_CLOUD_PROJECT": "test-project",
    }
    env.pop("DBT_TARGET", None)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ingest", "load"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    first = run()
    assert first.returncode == 0, first.stderr
    assert "loaded 2, skipped 0, quarantined 1" in first.stdout
    rows = _raw_rows(remote_db)
    assert rows == _raw_rows(local_db)
    assert len(rows["nba_stats__player_game_logs"]) == len(rows["nba_stats__team_game_logs"]) == 1
    (player,) = rows["nba_stats__player_game_logs"]
    assert player[-1].encode() == PLAYER_2024_10_22.read_bytes()

    again = run()
    assert again.returncode == 0, again.stderr
    assert "loaded 0, skipped 3, quarantined 0 (+1 from earlier runs)" in again.stdout
    assert _raw_rows(remote_db) == rows


def test_objects_named_off_the_layout_are_quarantined_not_skipped(
    bucket: Bucket, tmp_path: Path
) -> None:
    """A bucket has no links or FIFOs, but objects named off the layout: a note, the real
    player payload uploaded without its day folder or manifest, one under a folder no source
    uses, a hidden name, an empty path segment. Each is inventoried and quarantined, never
    read; the landed payload loads; a console folder placeholder and a write's temp name are
    not entries of ours."""
    from ingest.load import load

    zone = LandingZone(bucket.root)
    player = land_player(zone)
    data = PLAYER_2024_10_22.read_bytes()
    name = player.path.rsplit("/", 1)[1]
    off = (
        "not a landed payload: off the layout "
        "<source>/<entity>/dt=YYYY-MM-DD/<request_key>.<sha256[:12]>.json|csv; not read"
    )
    strays = {
        "notes.txt": ("_unknown", "_unknown", off),
        f"nba_stats/player_game_logs/{name}": ("nba_stats", "player_game_logs", off),
        "downloads/leaguegamelog.json": ("downloads", "_unknown", off),
        "nba_stats/.hidden.json": ("nba_stats", "_unknown", f"hidden name; {off}"),
        f"nba_stats//dt=2024-10-23/{name}": ("nba_stats", "", off),
    }
    for key in strays:
        bucket.put(f"{PREFIX}/{key}", data)
    bucket.put(f"{PREFIX}/nba_stats/player_game_logs/", b"")
    bucket.put(f"{PREFIX}/nba_stats/player_game_logs/dt=2024-10-23/.c.json.tmp", b"{")

    db = tmp_path / "gcs.duckdb"
    result = load(zone=zone, db_path=db)
    assert (result.seen, result.loaded, result.quarantined) == (6, 1, 5)
    with duckdb.connect(str(db), read_only=True) as con:
        quarantine = con.execute(
            "SELECT landed_path, source, entity, sha256, reason FROM raw.load_quarantine"
        ).fetchall()
        inventory = con.execute("SELECT landed_path FROM raw.landing_inventory").fetchall()
        loaded = con.execute("SELECT landed_path FROM raw.nba_stats__player_game_logs").fetchall()
    assert {row[0]: row[1:] for row in quarantine} == {
        key: (source, entity, "", reason) for key, (source, entity, reason) in strays.items()
    }
    assert sorted(p for (p,) in inventory) == sorted([player.path, *strays])
    assert loaded == [(player.path,)]
