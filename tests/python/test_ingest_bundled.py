"""The shipped bundle: decodes, matches its source CSVs, obeys the points identity, and lands."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import logging
from collections import Counter
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest
from conftest import PLAYER_2024_10_22, REPO, TEAM_2018_19, shared_or_skip

from ingest import bundled
from ingest.__main__ import main
from ingest.landing import LandingZone
from ingest.load import load
from ingest.reconstruct import typed_value
from ingest.sources import nba_stats

BUNDLE = REPO / "data" / "bundled"
PLAYER_ROWS = {"2018-19": 26101, "2023-24": 26401, "2024-25": 26306}
PLAYER_DATES = {"2018-19": 168, "2023-24": 160, "2024-25": 163}


@cache
def entries(entity: str, season: str) -> list[bundled.BundleEntry]:
    path = bundled.bundle_path(BUNDLE, entity, season)
    return list(bundled.read_bundle_file(path, entity, season))


def rows_of(entry: bundled.BundleEntry) -> tuple[list[str], list[list]]:
    (result_set,) = json.loads(entry.payload_text)["resultSets"]
    return result_set["headers"], result_set["rowSet"]


def test_bundle_holds_exactly_the_demo_files() -> None:
    found = [(e, s) for e, s, _ in bundled.bundle_files(BUNDLE)]
    assert found == [
        ("player_game_logs", "2018-19"),
        ("player_game_logs", "2023-24"),
        ("player_game_logs", "2024-25"),
        ("team_game_logs", "2018-19"),
        ("play_by_play", "2018-19"),
    ]
    assert (BUNDLE / "ATTRIBUTION.md").is_file()


@pytest.mark.parametrize("season", sorted(PLAYER_ROWS))
def test_player_bundle_decodes_one_payload_per_date(season: str) -> None:
    payloads = entries(nba_stats.PLAYER_GAME_LOGS, season)
    assert len(payloads) == PLAYER_DATES[season]
    total = 0
    for entry in payloads:
        document = json.loads(entry.payload_text)
        assert nba_stats.check_leaguegamelog(document) is None
        assert entry.request_key == nba_stats.request_key(entry.params)
        assert document["resource"] == "leaguegamelog"
        assert document["parameters"]["PlayerOrTeam"] == "P"
        assert document["parameters"]["Counter"] == 0
        headers, rows = rows_of(entry)
        assert "SEASON_LABEL" not in headers and headers[:3] == [
            "SEASON_ID",
            "PLAYER_ID",
            "PLAYER_NAME",
        ]
        day = datetime.strptime(entry.params["DateFrom"], "%m/%d/%Y").date().isoformat()
        assert entry.params["DateTo"] == entry.params["DateFrom"]
        assert entry.request_key.endswith(f"_{day}_{day}")
        at = {h: i for i, h in enumerate(headers)}
        for row in rows:
            assert row[at["GAME_DATE"]] == day
            assert isinstance(row[at["GAME_ID"]], str) and len(row[at["GAME_ID"]]) == 10
            assert row[at["SEASON_ID"]] == f"2{season[:4]}"
            assert isinstance(row[at["PLAYER_ID"]], int) and isinstance(row[at["PTS"]], int)
            assert row[at["FG_PCT"]] is None or isinstance(row[at["FG_PCT"]], float)
        total += len(rows)
    assert total == PLAYER_ROWS[season]


@pytest.mark.parametrize("season", sorted(PLAYER_ROWS))
def test_points_identity_holds_on_every_bundled_row(season: str) -> None:
    for entry in entries(nba_stats.PLAYER_GAME_LOGS, season):
        headers, rows = rows_of(entry)
        at = {h: i for i, h in enumerate(headers)}
        for row in rows:
            fgm, fg3m, ftm = row[at["FGM"]], row[at["FG3M"]], row[at["FTM"]]
            assert row[at["PTS"]] == 2 * (fgm - fg3m) + 3 * fg3m + ftm, row


def test_team_bundle_is_the_recorded_response_unchanged() -> None:
    (entry,) = entries(nba_stats.TEAM_GAME_LOGS, "2018-19")
    data = entry.payload_text.encode("utf-8")
    assert data == TEAM_2018_19.read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "2e9af4d17501ebce00fbb41b06899bb6c4ad6721594cade6ccfb2b22e0895acc"
    )
    assert entry.request_key == "leaguegamelog_T_2018-19_start_end"
    headers, rows = rows_of(entry)
    assert len(rows) == 2460 and headers[-1] == "VIDEO_AVAILABLE"
    at = {h: i for i, h in enumerate(headers)}
    for row in rows:
        fgm, fg3m, ftm = row[at["FGM"]], row[at["FG3M"]], row[at["FTM"]]
        assert row[at["PTS"]] == 2 * (fgm - fg3m) + 3 * fg3m + ftm


def test_player_fixture_is_a_trimmed_bundle_day() -> None:
    (entry,) = [
        e
        for e in entries(nba_stats.PLAYER_GAME_LOGS, "2024-25")
        if e.request_key == "leaguegamelog_P_2024-25_2024-10-22_2024-10-22"
    ]
    assert entry.payload_text.encode("utf-8") == PLAYER_2024_10_22.read_bytes()


def test_bundle_files_are_lean_and_reproducible_gzip() -> None:
    for entity, _, path in bundled.bundle_files(BUNDLE):
        # 329 whole games of play-by-play (157,773 events) gzip to 2.6 MB, the raw CSVs to 2.4.
        budget = 3_000_000 if entity == "play_by_play" else 1_000_000
        assert path.stat().st_size < budget
        header = path.read_bytes()[:10]
        assert header[:3] == b"\x1f\x8b\x08" and header[4:8] == b"\0\0\0\0"  # mtime 0


@pytest.mark.parametrize("season", sorted(PLAYER_ROWS))
def test_bundle_row_counts_match_the_source_csvs(season: str) -> None:
    shared = shared_or_skip()
    with open(shared / bundled.PLAYER_CSV.format(season=season), newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert len(csv_rows) == PLAYER_ROWS[season]
    per_date = Counter(r["GAME_DATE"] for r in csv_rows)
    bundled_per_date = {
        date.fromisoformat(rows_of(e)[1][0][7]).isoformat(): len(rows_of(e)[1])
        for e in entries(nba_stats.PLAYER_GAME_LOGS, season)
    }
    assert bundled_per_date == dict(per_date)


def test_rebuilding_from_shared_gives_identical_bytes(tmp_path: Path) -> None:
    shared = shared_or_skip()
    written = bundled.build_bundle(shared, tmp_path)
    for path in written:
        committed = BUNDLE / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), path


def test_typed_values_follow_the_api() -> None:
    assert typed_value("GAME_ID", "0022400110") == "0022400110"
    assert typed_value("SEASON_ID", "22024") == "22024"
    assert typed_value("FG_PCT", "0.5") == 0.5
    assert typed_value("FT_PCT", "") is None
    assert typed_value("PLUS_MINUS", "-5") == -5
    with pytest.raises(ValueError):
        typed_value("PTS", "12.0")


def test_land_bundled_lands_every_payload_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    zone = LandingZone(tmp_path / "landing")
    summary = bundled.land_bundled(seasons=["2024-25", "2018-19"], zone=zone)
    # + the 84 pick'em line files of 2024-25 (ingest/bundled_lines.py)
    assert (summary.written, summary.unchanged) == (163 + 168 + 1 + 329 + 84, 0)
    team = [f for f in zone.iter_payloads("nba_stats", "team_game_logs")]
    assert len(team) == 1
    manifest = zone.read_manifest(team[0].path)
    assert manifest is not None
    assert manifest["origin"] == (
        "bundled:data/bundled/nba_stats/team_game_logs/2018-19.jsonl.gz"
        "#leaguegamelog_T_2018-19_start_end"
    )
    assert zone.read(team[0].path) == TEAM_2018_19.read_bytes()

    again = bundled.land_bundled(seasons=["2024-25", "2018-19"], zone=zone)
    assert (again.written, again.unchanged) == (0, 745)


def test_cli_bundled_then_load_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    root, db = str(tmp_path / "landing"), str(tmp_path / "db.duckdb")
    assert main(["--landing-root", root, "bundled"]) == 0
    result = load(landing_root=root, db_path=db)
    assert (result.seen, result.loaded, result.quarantined) == (905, 905, 0)
    assert result.loaded_by_table == {
        "raw.nba_stats__player_game_logs": 491,
        "raw.nba_stats__team_game_logs": 1,
        "raw.nba_stats__play_by_play": 329,
        "raw.pickem_lines__player_props": 84,
    }


def test_land_from_shared_skips_clearly_when_absent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert bundled.land_from_shared(tmp_path / "landing", tmp_path / "no-shared") is None
    assert "skipping the shared backfill" in caplog.text and "no-shared" in caplog.text
    assert not (tmp_path / "landing").exists()
    assert main(["--landing-root", str(tmp_path / "l"), "shared", "--shared-dir", "nowhere"]) == 0


def test_land_from_shared_reconstructs_team_logs_and_matches_the_bundle(tmp_path: Path) -> None:
    shared = shared_or_skip()
    zone = LandingZone(tmp_path / "landing")
    summary = bundled.land_from_shared(shared_dir=shared, seasons=["2017-18"], zone=zone)
    assert summary is not None and summary.written == 168 + 168
    team = list(zone.iter_payloads("nba_stats", "team_game_logs"))
    assert len(team) == 168
    rows = 0
    for landed in team:
        result_set = json.loads(zone.read(landed.path))["resultSets"][0]
        assert result_set["headers"][-1] == "VIDEO_AVAILABLE"
        rows += len(result_set["rowSet"])
    assert rows == 2460

    # The same season from the bundle and from shared/ is the same bytes: nothing new lands.
    from_shared = bundled.land_from_shared(shared_dir=shared, seasons=["2024-25"], zone=zone)
    assert from_shared is not None and from_shared.written == 163 + 84  # + pick'em line files
    from_bundle = bundled.land_bundled(seasons=["2024-25"], bundle_dir=BUNDLE, zone=zone)
    assert (from_bundle.written, from_bundle.unchanged) == (0, 163 + 84)


def test_shared_backfill_through_a_night_lands_what_the_bundled_replay_lands(
    tmp_path: Path,
) -> None:
    """`through` means the same from ../shared/data as from the bundle: the daily payloads up
    to that game date and the line files up to two days later, byte for byte."""
    shared = shared_or_skip()
    night = date(2024, 11, 15)
    zone = LandingZone(tmp_path / "landing")
    from_shared = bundled.land_from_shared(
        shared_dir=shared, seasons=["2024-25"], zone=zone, through=night
    )
    assert from_shared is not None and 0 < from_shared.written < 163 + 84
    days = [
        bundled.payload_day(json.loads(zone.read(landed.path))["parameters"])
        for landed in zone.iter_payloads("nba_stats", "player_game_logs")
    ]
    assert max(d for d in days if d is not None) == night
    from_bundle = bundled.land_bundled(
        seasons=["2024-25"], bundle_dir=BUNDLE, zone=zone, through=night
    )
    assert (from_bundle.written, from_bundle.unchanged) == (0, from_shared.written)


def test_bundle_lines_have_exactly_the_documented_keys() -> None:
    path = bundled.bundle_path(BUNDLE, nba_stats.PLAYER_GAME_LOGS, "2024-25")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        first = json.loads(fh.readline())
    assert list(first) == ["request_key", "origin", "params", "payload_text"]
    assert first["origin"].startswith(
        "file:../shared/data/open/AntBap23__Nba-Data-and-Analytics-Engineering-Project/"
    )


def test_cli_bundled_outside_the_repo_fails_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.ERROR):
        assert main(["--landing-root", "landing", "bundled"]) == 1
    assert "no bundled payloads under data/bundled" in caplog.text
