"""The BigQuery raw-layer writer without a network: schema, table definition, job config and
NDJSON rows are pure; the writer's calls are checked against a recording stand-in client.

No test here may build a real bigquery.Client (it would look for credentials and then retry
against the network for minutes): the autouse guard turns any attempt into a failure.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import PLAYER_2024_10_22, REPO, TEAM_2018_19
from google.api_core.exceptions import NotFound
from google.cloud import bigquery

import ingest.load_bigquery as bq
from ingest.__main__ import main
from ingest.landing import LandingZone
from ingest.load import INVENTORY_TABLE, QUARANTINE_TABLE, RawRow, known_tables, load

PLAYER_KEY = "leaguegamelog_P_2024-25_2024-10-22_2024-10-22"
TEAM_KEY = "leaguegamelog_T_2018-19_start_end"
FETCHED = datetime(2024, 10, 23, 9, 15, 30, 123456, tzinfo=UTC)
PLAYER_TABLE = "nba_stats__player_game_logs"
TEAM_TABLE = "nba_stats__team_game_logs"
EXPECTED_RAW_SCHEMA = [
    ("landed_path", "STRING"),
    ("source", "STRING"),
    ("entity", "STRING"),
    ("origin", "STRING"),
    ("request_key", "STRING"),
    ("fetched_at", "TIMESTAMP"),
    ("sha256", "STRING"),
    ("bytes", "INT64"),
    ("loaded_at", "TIMESTAMP"),
    ("payload", "STRING"),
]


@pytest.fixture(autouse=True)
def _no_bigquery_client(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a test tried to construct a real bigquery.Client")

    monkeypatch.setattr(bigquery.Client, "__init__", refuse)
    for name in ("DBT_TARGET", "BQ_PROJECT", "BQ_LOCATION", "NBA_RAW_SCHEMA"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Job:
    job_id: str
    output_rows: int

    def result(self, timeout: float | None = None) -> Job:
        return self


@dataclass
class RecordingClient:
    """Answers the five calls BigQueryWriter makes, from `existing`; records each of them."""

    existing: dict[str, set[str]] = field(default_factory=dict)
    dataset_exists: bool = False
    datasets: list[bigquery.Dataset] = field(default_factory=list)
    tables: list[bigquery.Table] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    loads: list[dict[str, Any]] = field(default_factory=list)

    def get_dataset(self, reference: bigquery.DatasetReference) -> bigquery.Dataset:
        if not self.dataset_exists:
            raise NotFound("dataset")
        return bigquery.Dataset(reference)

    def create_dataset(self, dataset: bigquery.Dataset, exists_ok: bool) -> bigquery.Dataset:
        self.datasets.append(dataset)
        return dataset

    def create_table(self, table: bigquery.Table, exists_ok: bool) -> bigquery.Table:
        assert exists_ok
        self.tables.append(table)
        return table

    def query_and_wait(self, sql: str, location: str) -> list[dict[str, str]]:
        self.queries.append(sql)
        table = sql.rsplit(".", 1)[1].strip("`")
        return [{"landed_path": path} for path in sorted(self.existing.get(table, ()))]

    def load_table_from_file(self, file_obj: io.IOBase, destination: str, **kwargs: Any) -> Job:
        if kwargs.get("rewind"):
            file_obj.seek(0)
        data = file_obj.read()
        self.loads.append({"destination": destination, "data": data, **kwargs})
        return Job(f"{kwargs.get('job_id_prefix')}1", data.count(b"\n"))


def _land(zone: LandingZone) -> dict[str, str]:
    paths = {
        "player": zone.land(
            "nba_stats",
            "player_game_logs",
            PLAYER_KEY,
            PLAYER_2024_10_22.read_bytes(),
            origin="file:tests/fixtures",
            fetched_at=FETCHED,
        ).path,
        "team": zone.land(
            "nba_stats",
            "team_game_logs",
            TEAM_KEY,
            TEAM_2018_19.read_bytes(),
            origin="file:tests/fixtures",
            fetched_at=FETCHED,
        ).path,
        "bad": zone.land(
            "nba_stats", "player_game_logs", "html", b"<html>busy</html>", origin="test"
        ).path,
    }
    return paths


def _row(payload: str = '{"resultSets": []}') -> RawRow:
    return RawRow(
        landed_path="nba_stats/player_game_logs/dt=2024-10-23/k.0123456789ab.json",
        source="nba_stats",
        entity="player_game_logs",
        origin="https://stats.nba.com/stats/leaguegamelog?Season=2024-25",
        request_key="k",
        fetched_at=FETCHED,
        sha256="0123456789ab" + "0" * 52,
        bytes=len(payload.encode()),
        loaded_at=datetime(2024, 10, 24, 1, 2, 3, tzinfo=UTC),
        payload=payload,
    )


def test_schema_matches_the_raw_contract() -> None:
    assert [(f.name, f.field_type, f.mode) for f in bq.RAW_SCHEMA] == [
        (name, kind, "REQUIRED") for name, kind in EXPECTED_RAW_SCHEMA
    ]
    assert [(f.name, f.field_type) for f in bq.QUARANTINE_SCHEMA] == [
        ("landed_path", "STRING"),
        ("source", "STRING"),
        ("entity", "STRING"),
        ("sha256", "STRING"),
        ("reason", "STRING"),
        ("quarantined_at", "TIMESTAMP"),
    ]


def test_raw_tables_are_partitioned_by_fetch_day_and_clustered_by_request() -> None:
    table = bq.table_definition("nba-prod", "raw", PLAYER_TABLE)
    assert table.table_id == PLAYER_TABLE and table.dataset_id == "raw"
    assert table.project == "nba-prod"
    assert table.time_partitioning.type_ == "DAY"
    assert table.time_partitioning.field == "fetched_at"
    assert table.clustering_fields == ["request_key"]
    assert table.schema == bq.RAW_SCHEMA
    quarantine = bq.table_definition("nba-prod", "raw", QUARANTINE_TABLE)
    assert quarantine.schema == bq.QUARANTINE_SCHEMA
    assert quarantine.time_partitioning is None and quarantine.clustering_fields is None


@pytest.mark.parametrize(
    ("project", "dataset", "table"),
    [("Bad Project", "raw", "t"), ("p-1", "raw`; DROP", "t"), ("p-1", "raw", "a.b")],
)
def test_names_that_could_break_out_of_a_query_are_refused(
    project: str, dataset: str, table: str
) -> None:
    with pytest.raises(ValueError):
        bq.existing_paths_sql(project, dataset, table)


def test_load_job_config_appends_ndjson_with_an_explicit_schema() -> None:
    raw = bq.load_job_config(TEAM_TABLE).to_api_repr()["load"]
    assert raw["sourceFormat"] == "NEWLINE_DELIMITED_JSON"
    assert raw["writeDisposition"] == "WRITE_APPEND"
    assert raw["createDisposition"] == "CREATE_NEVER"
    assert raw["maxBadRecords"] == 0 and raw["ignoreUnknownValues"] is False
    assert [(f["name"], f["type"]) for f in raw["schema"]["fields"]] == EXPECTED_RAW_SCHEMA
    quarantine = bq.load_job_config(QUARANTINE_TABLE).to_api_repr()["load"]
    assert [f["name"] for f in quarantine["schema"]["fields"]][-2:] == ["reason", "quarantined_at"]
    assert bq.existing_paths_sql("nba-prod", "raw", TEAM_TABLE) == (
        f"SELECT landed_path FROM `nba-prod.raw.{TEAM_TABLE}`"
    )


def test_ndjson_keeps_a_pretty_payload_as_one_exact_string_per_line() -> None:
    pretty = json.dumps(
        {"resultSets": [{"name": "Vučević", "rowSet": [[1]]}]}, indent=2, ensure_ascii=False
    )
    lines = list(bq.ndjson_lines([_row(pretty), _row()]))
    assert len(lines) == 2
    assert all(line.endswith(b"\n") and line.count(b"\n") == 1 for line in lines)
    first = json.loads(lines[0])
    assert list(first) == [name for name, _ in EXPECTED_RAW_SCHEMA]
    assert first["payload"] == pretty
    assert first["fetched_at"] == "2024-10-23T09:15:30.123456Z"
    assert first["loaded_at"] == "2024-10-24T01:02:03.000000Z"
    assert first["bytes"] == len(pretty.encode()) and isinstance(first["bytes"], int)
    assert "Vučević".encode() in lines[0]  # UTF-8 as is, not \u escapes
    naive = RawRow(**{**_row().__dict__, "fetched_at": FETCHED.replace(tzinfo=None)})
    with pytest.raises(ValueError, match="timezone-aware"):
        list(bq.ndjson_lines([naive]))


def test_writer_skips_loaded_paths_and_appends_the_same_rows_duckdb_gets(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    paths = _land(zone)
    client = RecordingClient(existing={TEAM_TABLE: {paths["team"]}})

    result = bq.load_bigquery(zone, project="nba-prod", location="EU", client=client)
    assert (result.seen, result.loaded, result.skipped, result.quarantined) == (3, 1, 1, 1)
    assert [(d.dataset_id, d.location) for d in client.datasets] == [("raw", "EU")]
    every_table = [*known_tables(), QUARANTINE_TABLE, INVENTORY_TABLE]
    assert {PLAYER_TABLE, TEAM_TABLE} <= set(every_table)
    assert sorted(t.table_id for t in client.tables) == sorted(every_table)
    # One query per table for the landed paths already there, nothing else.
    assert sorted(client.queries) == sorted(
        bq.existing_paths_sql("nba-prod", "raw", t) for t in every_table
    )
    assert [job["destination"] for job in client.loads] == [
        f"nba-prod.raw.{INVENTORY_TABLE}",
        f"nba-prod.raw.{PLAYER_TABLE}",
        f"nba-prod.raw.{QUARANTINE_TABLE}",
    ]
    inventory_job, player_job, quarantine_job = client.loads
    # Every landed file listed is inventoried once, the already-loaded one included.
    inventoried = [json.loads(line)["landed_path"] for line in inventory_job["data"].splitlines()]
    assert sorted(inventoried) == sorted(paths.values())
    assert player_job["location"] == "EU"
    assert player_job["job_config"].to_api_repr() == bq.load_job_config(PLAYER_TABLE).to_api_repr()
    (player,) = [json.loads(line) for line in player_job["data"].splitlines()]
    (quarantined,) = [json.loads(line) for line in quarantine_job["data"].splitlines()]
    assert quarantined["landed_path"] == paths["bad"] and "not valid JSON" in quarantined["reason"]

    # The DuckDB writer, fed the same landing, holds the same row.
    db = tmp_path / "db.duckdb"
    load(zone=zone, db_path=db)
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(f"SELECT * FROM raw.{PLAYER_TABLE}")
        names = [d[0] for d in cursor.description]
        duck = dict(zip(names, cursor.fetchone(), strict=True))
    for name in ("fetched_at", "loaded_at"):
        duck[name] = duck[name].strftime(bq.TIMESTAMP_FORMAT)
    duck["loaded_at"] = player["loaded_at"]  # the two loads ran at different moments
    assert player == duck
    assert player["payload"].encode() == PLAYER_2024_10_22.read_bytes()

    # A second run with everything present loads nothing and starts no job.
    client.existing = {
        PLAYER_TABLE: {paths["player"]},
        TEAM_TABLE: {paths["team"]},
        QUARANTINE_TABLE: {paths["bad"]},
        INVENTORY_TABLE: set(paths.values()),
    }
    client.dataset_exists, client.loads = True, []
    again = bq.load_bigquery(zone, project="nba-prod", client=client)
    assert (again.loaded, again.skipped, again.previously_quarantined) == (0, 3, 1)
    assert client.loads == []


def test_cli_target_comes_from_the_flag_or_dbt_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone = LandingZone(tmp_path / "landing")
    _land(zone)
    clients: list[tuple[str, str]] = []
    recording = RecordingClient()

    def fake_client(project: str, location: str) -> RecordingClient:
        clients.append((project, location))
        return recording

    monkeypatch.setattr(bq, "make_client", fake_client)
    base = ["--landing-root", str(zone.root), "load"]

    # No project: refused before any client exists.
    assert main([*base, "--target", "bigquery"]) == 2
    assert clients == []

    monkeypatch.setenv("DBT_TARGET", "bigquery")
    monkeypatch.setenv("BQ_PROJECT", "nba-prod")
    monkeypatch.setenv("BQ_LOCATION", "europe-west1")
    monkeypatch.setenv("NBA_RAW_SCHEMA", "raw_prod")
    assert main(base) == 0
    assert clients == [("nba-prod", "europe-west1")]
    assert {job["destination"] for job in recording.loads} == {
        f"nba-prod.raw_prod.{PLAYER_TABLE}",
        f"nba-prod.raw_prod.{TEAM_TABLE}",
        f"nba-prod.raw_prod.{QUARANTINE_TABLE}",
        f"nba-prod.raw_prod.{INVENTORY_TABLE}",
    }

    db = tmp_path / "flag.duckdb"
    assert main([*base, "--target", "duckdb", "--duckdb-path", str(db)]) == 0
    assert db.exists() and len(clients) == 1

    monkeypatch.setenv("DBT_TARGET", "prod")
    assert main(base) == 2


def test_make_client_follows_the_dbt_profile_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    class Client:
        def __init__(self, **kwargs: Any) -> None:
            calls.append(("adc", kwargs))

        @classmethod
        def from_service_account_json(cls, path: str, **kwargs: Any) -> None:
            calls.append((path, kwargs))

    monkeypatch.setattr(bq.bigquery, "Client", Client)
    bq.make_client("nba-prod", "US")
    monkeypatch.setenv("BQ_AUTH_METHOD", "service-account")
    monkeypatch.setenv("BQ_KEYFILE", "/secrets/key.json")
    bq.make_client("nba-prod", "US")
    assert calls == [
        ("adc", {"project": "nba-prod", "location": "US"}),
        ("/secrets/key.json", {"project": "nba-prod", "location": "US"}),
    ]


def test_the_default_duckdb_load_never_imports_the_bigquery_library(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    _land(zone)
    script = (
        "import sys\n"
        "from ingest.__main__ import main\n"
        f"code = main(['--landing-root', {str(zone.root)!r}, 'load',"
        f" '--duckdb-path', {str(tmp_path / 'db.duckdb')!r}])\n"
        "assert code == 0, code\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('google.cloud.bigquery'))\n"
        "assert not loaded, loaded\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DBT_TARGET"}
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


def test_strays_reach_bigquery_with_every_required_column_filled(tmp_path: Path) -> None:
    """An entry that is not a payload (a link where the real player payload should be, a
    copy of it off the layout) has no request key, hash prefix or read bytes: its inventory
    and quarantine rows carry '' there, never NULL, which BigQuery's REQUIRED columns refuse.
    The landed team payload loads beside them."""
    zone = LandingZone(tmp_path / "landing")
    team = zone.land(
        "nba_stats", "team_game_logs", TEAM_KEY, TEAM_2018_19.read_bytes(), origin="t"
    ).path
    day = tmp_path / "landing" / "nba_stats" / "player_game_logs" / "dt=2024-10-23"
    day.mkdir(parents=True)
    link = day / f"{PLAYER_KEY}.929fcc435406.json"
    link.symlink_to(PLAYER_2024_10_22)
    (day.parent / "copy.json").write_bytes(PLAYER_2024_10_22.read_bytes())
    client = RecordingClient()

    result = bq.load_bigquery(zone, project="nba-prod", client=client)
    assert (result.seen, result.loaded, result.quarantined) == (3, 1, 2)
    jobs = {job["destination"]: job for job in client.loads}
    inventory = [
        json.loads(line) for line in jobs[f"nba-prod.raw.{INVENTORY_TABLE}"]["data"].splitlines()
    ]
    quarantine = [
        json.loads(line) for line in jobs[f"nba-prod.raw.{QUARANTINE_TABLE}"]["data"].splitlines()
    ]
    stray_paths = {
        link.relative_to(tmp_path / "landing").as_posix(),
        "nba_stats/player_game_logs/copy.json",
    }
    for rows, columns in ((inventory, bq.INVENTORY_SCHEMA), (quarantine, bq.QUARANTINE_SCHEMA)):
        for row in rows:
            assert [f.name for f in columns] == list(row)
            assert all(row[f.name] is not None for f in columns if f.mode == "REQUIRED"), row
    assert {row["landed_path"] for row in inventory} == {team, *stray_paths}
    assert {
        row["landed_path"]: (row["request_key"], row["sha256_prefix"])
        for row in inventory
        if row["landed_path"] in stray_paths
    } == dict.fromkeys(stray_paths, ("", ""))
    assert {row["landed_path"]: row["sha256"] for row in quarantine} == dict.fromkeys(
        stray_paths, ""
    )
    assert list(jobs) == [
        f"nba-prod.raw.{INVENTORY_TABLE}",
        f"nba-prod.raw.{TEAM_TABLE}",
        f"nba-prod.raw.{QUARANTINE_TABLE}",
    ]
