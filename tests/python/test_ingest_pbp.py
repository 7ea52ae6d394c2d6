"""Play-by-play ingest: the NBA.com cdn loader against a loopback server replaying a real
recorded game, the BigDataBall CSV loader, the bundled stats.nba.com play-by-play, and the raw
loader's per-entity shape checks."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SHARED, Replay, Reply, shared_or_skip

from ingest import bundled
from ingest.__main__ import main
from ingest.http import HttpClient, HttpConfig
from ingest.landing import LandingZone, parse_payload_key
from ingest.load import load
from ingest.reconstruct_pbp import read_pbp_csv
from ingest.sources import bigdataball, nba_cdn, nba_stats_pbp

CDN_FIXTURE = REPO / "tests" / "fixtures" / "nba_cdn" / "playbyplay_0022000001.json.gz"
CDN_GAME = "0022000001"
FAST = {"min_delay": 0.0, "backoff_base": 0.01, "backoff_max": 0.05, "jitter": 0.01}
RESTRICTED_BDB = SHARED / "restricted" / "nba-stats-scraper-samples" / "bigdataball_pbp"
# The header line exactly as BigDataBall writes it.
BDB_HEADER_LINE = (
    "game_id,data_set,date,a1,a2,a3,a4,a5,h1,h2,h3,h4,h5,period,away_score,home_score,"
    "remaining_time,elapsed,play_length,play_id,team,event_type,assist,away,home,block,entered,"
    "left,num,opponent,outof,player,points,possession,reason,result,steal,type,shot_distance,"
    "original_x,original_y,converted_x,converted_y,description"
)
BDB_HEADER = BDB_HEADER_LINE.split(",")


def cdn_bytes() -> bytes:
    return gzip.decompress(CDN_FIXTURE.read_bytes())


def client(**overrides: float) -> HttpClient:
    return HttpClient(HttpConfig(**{"timeout": 5.0, "max_attempts": 3, **FAST, **overrides}))


def bdb_layout_csv_from_cdn(game: dict) -> bytes:
    """NOT a BigDataBall file: the open cdn game's real field goals written in BigDataBall's
    44-column layout (names as the cdn spells them), so the CSV path is tested without the
    restricted sample. Columns the cdn cannot fill stay empty."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=BDB_HEADER, lineterminator="\n")
    writer.writeheader()
    for action in game["actions"]:
        if action.get("isFieldGoal") != 1:
            continue
        minutes, seconds = action["clock"][2:-1].split("M")
        writer.writerow(
            {
                "game_id": str(int(game["gameId"])),
                "period": action["period"],
                "remaining_time": f"0:{int(minutes):02d}:{int(float(seconds)):02d}",
                "play_id": action["actionNumber"],
                "team": action["teamTricode"],
                "event_type": "shot" if action["shotResult"] == "Made" else "miss",
                "player": action["playerNameI"],
                "assist": action.get("assistPlayerNameInitial", ""),
                "block": action.get("blockPlayerName", ""),
                "result": action["shotResult"].lower(),
                "type": f"{action['actionType']} {action['subType']}".lower(),
                "shot_distance": action["shotDistance"],
                "original_x": action["xLegacy"],
                "original_y": action["yLegacy"],
                "description": action["description"],
            }
        )
    return out.getvalue().encode("utf-8")


# --- NBA.com cdn liveData --------------------------------------------------------------------


def test_cdn_fetch_requests_the_game_url_and_lands_exact_bytes(
    replay: Replay, tmp_path: Path
) -> None:
    body = cdn_bytes()
    replay.queue(Reply(body=body))
    zone = LandingZone(tmp_path)
    with client() as http:
        report = nba_cdn.fetch_games(http, zone, [CDN_GAME], url_base=replay.url)
    (seen,) = replay.seen
    assert seen.path == f"/playbyplay/playbyplay_{CDN_GAME}.json"
    assert "Chrome/" in seen.headers["user-agent"]
    (landed,) = report.landed
    assert report.failed == [] and report.retry_list is None
    assert (tmp_path / landed.path).read_bytes() == body
    manifest = json.loads((tmp_path / landed.manifest_path).read_text())
    assert manifest["source"] == "nba_cdn" and manifest["entity"] == "play_by_play"
    assert manifest["request_key"] == f"playbyplay_{CDN_GAME}"
    assert manifest["sha256"] == hashlib.sha256(body).hexdigest()
    assert nba_cdn.play_by_play_url(CDN_GAME) == (
        "https://cdn.nba.com/static/json/liveData/playbyplay/playbyplay_0022000001.json"
    )


def test_cdn_game_named_twice_is_fetched_once(
    replay: Replay, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    replay.queue(Reply(body=cdn_bytes()))
    with caplog.at_level(logging.INFO), client() as http:
        report = nba_cdn.fetch_games(
            http, LandingZone(tmp_path), [CDN_GAME, CDN_GAME], url_base=replay.url
        )
    assert len(replay.seen) == 1 and len(report.landed) == 1
    assert "dropped 1 duplicate game id(s)" in caplog.text


def test_cdn_bad_game_ids_fail_before_any_request(replay: Replay, tmp_path: Path) -> None:
    for bad in ("22000001", "0022000001 ", "../0022000001", "0092000001", "00220000011"):
        with client() as http, pytest.raises(ValueError, match="10 digits"):
            nba_cdn.fetch_games(http, LandingZone(tmp_path), [CDN_GAME, bad], url_base=replay.url)
    assert replay.seen == []


def test_cdn_403_throttling_is_retried_with_backoff_then_lands(
    replay: Replay, tmp_path: Path
) -> None:
    replay.queue(Reply(status=403, body=b"<Error>AccessDenied</Error>"), Reply(body=cdn_bytes()))
    with client() as http:
        report = nba_cdn.fetch_games(http, LandingZone(tmp_path), [CDN_GAME], url_base=replay.url)
    assert len(replay.seen) == 2 and len(report.landed) == 1 and report.failed == []


def test_cdn_game_that_keeps_failing_goes_to_the_retry_list_and_the_run_goes_on(
    replay: Replay, tmp_path: Path
) -> None:
    # First game: 403 on every attempt (3); second game: served.
    replay.queue(*[Reply(status=403, body=b"denied")] * 3, Reply(body=cdn_bytes()))
    zone = LandingZone(tmp_path)
    with client() as http:
        report = nba_cdn.fetch_games(http, zone, ["0022000002", CDN_GAME], url_base=replay.url)
    assert [p.path for p in replay.seen][-1] == f"/playbyplay/playbyplay_{CDN_GAME}.json"
    assert len(report.landed) == 1 and report.failed_game_ids == ["0022000002"]
    assert report.failed[0].last_status == 403
    assert report.retry_list is not None
    retry = tmp_path / report.retry_list
    assert json.loads(retry.read_text())["game_ids"] == ["0022000002"]
    assert nba_cdn.read_game_ids_file(retry) == ["0022000002"]
    # The retry list sits in the landing root but is never taken for a payload.
    assert [f.request_key for f in zone.iter_payloads()] == [f"playbyplay_{CDN_GAME}"]
    assert parse_payload_key(report.retry_list) is None


def test_cdn_games_are_paced_by_the_polite_delay(replay: Replay, tmp_path: Path) -> None:
    replay.queue(Reply(body=cdn_bytes()))
    with client(min_delay=0.3) as http:
        nba_cdn.fetch_games(
            http, LandingZone(tmp_path), [CDN_GAME, "0022000002"], url_base=replay.url
        )
    first, second = replay.seen
    assert second.at - first.at >= 0.29


def test_cli_fetch_pbp_reports_failures_with_exit_code_and_retry_list(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for name, value in {"NBA_HTTP_MAX_ATTEMPTS": "2", "NBA_HTTP_BACKOFF_BASE": "0.01"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NBA_HTTP_JITTER", "0")
    replay.queue(Reply(body=cdn_bytes()), *[Reply(status=403, body=b"denied")] * 2)
    root = str(tmp_path / "landing")
    args = ["--landing-root", root, "fetch-pbp", "--delay", "0", "--base-url", replay.url]
    assert main([*args, "--games", CDN_GAME, "0022000099"]) == 3
    out = capsys.readouterr().out
    assert "1 landed, 1 failed" in out and "retry list" in out and "0022000099" in out
    (retry,) = (tmp_path / "landing" / "_retry").rglob("*.json")
    replay.queue(Reply(body=cdn_bytes()))
    assert main([*args, "--games-file", str(retry)]) == 0
    assert main([*args, "--games", "abc"]) == 2


def test_cdn_payload_loads_raw_and_a_truncated_one_is_quarantined(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    body = cdn_bytes()
    zone.land("nba_cdn", "play_by_play", f"playbyplay_{CDN_GAME}", body, origin="test")
    zone.land("nba_cdn", "play_by_play", "playbyplay_0022000002", body[:5000], origin="test")
    no_actions = json.dumps({"meta": {}, "game": {"gameId": "0022000003", "actions": []}})
    zone.land("nba_cdn", "play_by_play", "playbyplay_0022000003", no_actions.encode(), origin="t")
    result = load(zone=zone, db_path=tmp_path / "db.duckdb")
    assert result.loaded_by_table == {"raw.nba_cdn__play_by_play": 1}
    reasons = sorted(reason for _, reason in result.quarantine)
    assert reasons[0].startswith("not valid JSON")
    assert reasons[1] == "unexpected payload shape: missing or empty game.actions"
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        (payload,) = con.execute("select payload from raw.nba_cdn__play_by_play").fetchone()
    assert payload.encode() == body


# --- BigDataBall CSV ---------------------------------------------------------------------------


def test_bigdataball_folder_lands_csv_unchanged_and_loads_rows_as_json(tmp_path: Path) -> None:
    game = json.loads(cdn_bytes())["game"]
    data = bdb_layout_csv_from_cdn(game)
    folder = tmp_path / "bdb"
    folder.mkdir()
    (folder / "[2020-12-22]-0022000001-GSW@BKN.csv").write_bytes(data)
    (folder / "notes.txt").write_text("not a csv")
    zone = LandingZone(tmp_path / "landing")
    report = bigdataball.land_folder(zone, folder)
    (landed,) = report.landed
    assert report.rejected == []
    assert landed.path.endswith(".csv") and "/pbp_0022000001." in landed.path
    assert (tmp_path / "landing" / landed.path).read_bytes() == data
    assert bigdataball.land_folder(zone, folder).landed[0].written is False

    result = load(zone=zone, db_path=tmp_path / "db.duckdb")
    assert result.loaded_by_table == {"raw.bigdataball__play_by_play": 1}
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        payload, sha, size = con.execute(
            "select payload, sha256, bytes from raw.bigdataball__play_by_play"
        ).fetchone()
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    (result_set,) = json.loads(payload)["resultSets"]
    assert result_set["headers"] == BDB_HEADER
    shots = sum(1 for a in game["actions"] if a.get("isFieldGoal") == 1)
    assert len(result_set["rowSet"]) == shots == 191
    first = dict(zip(BDB_HEADER, result_set["rowSet"][0], strict=True))
    assert first["game_id"] == "22000001" and first["a1"] is None and first["period"] == "1"


def test_bigdataball_game_id_comes_from_name_or_rows_and_must_agree(tmp_path: Path) -> None:
    data = bdb_layout_csv_from_cdn(json.loads(cdn_bytes())["game"])
    assert bigdataball.game_id_of("raw_746cfbef.csv", data) == "0022000001"
    assert bigdataball.game_id_of("[2020-12-22]-0022000001-GSW@BKN.csv", data) == "0022000001"
    with pytest.raises(ValueError, match="name says 0022000002"):
        bigdataball.game_id_of("[2020-12-23]-0022000002-X@Y.csv", data)
    folder = tmp_path / "bdb"
    folder.mkdir()
    (folder / "broken.csv").write_bytes(b"game_id,period\n1,2,3\n")
    report = bigdataball.land_folder(LandingZone(tmp_path / "landing"), folder)
    assert report.landed == [] and "3 values for 2 columns" in report.rejected[0][1]


def test_bigdataball_csv_that_is_not_csv_is_quarantined(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    zone.land(
        "bigdataball", "play_by_play", "pbp_0042400407", b"a,b\n1\n", origin="t", extension="csv"
    )
    zone.land(
        "bigdataball",
        "play_by_play",
        "pbp_0042400408",
        b"game_id,period\n42400408,1\n",
        origin="t",
        extension="csv",
    )
    result = load(zone=zone, db_path=tmp_path / "db.duckdb")
    assert result.loaded == 0
    reasons = sorted(reason for _, reason in result.quarantine)
    assert reasons[0] == "not valid CSV: line 2: 1 values for 2 columns"
    assert reasons[1].startswith("unexpected payload shape: CSV lacks columns ['date'")


def test_restricted_bigdataball_sample_lands_and_loads(tmp_path: Path) -> None:
    if not RESTRICTED_BDB.is_dir():
        pytest.skip(f"restricted BigDataBall sample {RESTRICTED_BDB} is absent")
    zone = LandingZone(tmp_path / "landing")
    report = bigdataball.land_folder(zone, RESTRICTED_BDB)
    assert [landed.path.split("/")[-1][:15] for landed in report.landed] == ["pbp_0042400407."]
    result = load(zone=zone, db_path=tmp_path / "db.duckdb")
    assert result.loaded_by_table == {"raw.bigdataball__play_by_play": 1}


# --- stats.nba.com play-by-play, bundled ------------------------------------------------------


def test_bundled_play_by_play_is_329_whole_games_in_the_api_shape() -> None:
    path = bundled.bundle_path(REPO / "data" / "bundled", "play_by_play", "2018-19")
    entries = list(bundled.read_bundle_file(path, "play_by_play", "2018-19"))
    assert len(entries) == 329
    events = 0
    for entry in entries:
        document = json.loads(entry.payload_text)
        assert nba_stats_pbp.check_play_by_play(document) is None
        game_id = entry.params["GameID"]
        assert entry.request_key == f"playbyplay_{game_id}"
        assert document["parameters"] == {"GameID": game_id, "StartPeriod": 0, "EndPeriod": 10}
        (result_set,) = document["resultSets"]
        events += len(result_set["rowSet"])
        assert "2018-10-16" <= str(entry.game_date) <= "2018-11-30"
    assert events == 157_773


def test_bundled_play_by_play_matches_the_source_csv() -> None:
    shared = shared_or_skip()
    path = bundled.bundle_path(REPO / "data" / "bundled", "play_by_play", "2018-19")
    entry = next(bundled.read_bundle_file(path, "play_by_play", "2018-19"))
    game_id, headers, rows = read_pbp_csv(
        shared / bundled.PBP_CSV_DIRS["2018-19"] / "0021800001.csv"
    )
    (result_set,) = json.loads(entry.payload_text)["resultSets"]
    assert (result_set["headers"], result_set["rowSet"]) == (headers, rows)
    assert rows[2] == [game_id, 7, 2, 1, 1, "8:03 PM", "11:40", None, None,
                       "MISS Covington 27' 3PT Jump Shot", None, None]  # fmt: skip


def test_bundled_through_filters_play_by_play_by_game_date(tmp_path: Path) -> None:
    from datetime import date

    zone = LandingZone(tmp_path)
    summary = bundled.land_bundled(
        seasons=["2018-19"], bundle_dir=REPO / "data" / "bundled", zone=zone,
        through=date(2018, 10, 17),
    )  # fmt: skip
    pbp = list(zone.iter_payloads("nba_stats", "play_by_play"))
    # 2 games on opening night, 11 the next: game ids 0021800001..0021800013.
    assert [p.request_key for p in pbp] == [f"playbyplay_{21800000 + i:010d}" for i in range(1, 14)]
    assert summary.written == 2 + 1 + 13  # two player-log nights, the team season, 13 games
