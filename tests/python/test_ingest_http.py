"""The HTTP core and the nba_stats loader, replaying real recorded payloads over loopback."""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import PLAYER_2024_10_22, TEAM_2018_19, Replay, Reply

from ingest import fetch_ranges
from ingest.__main__ import main
from ingest.http import HttpClient, HttpConfig, HttpFetchError
from ingest.landing import LandingZone, parse_timestamp
from ingest.sources import nba_stats

FAST = {"min_delay": 0.0, "backoff_base": 0.01, "backoff_max": 0.05, "jitter": 0.01}


def client(**overrides: float) -> HttpClient:
    return HttpClient(HttpConfig(**{"timeout": 5.0, "max_attempts": 4, **FAST, **overrides}))


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_season_fetch_sends_the_leaguegamelog_request_and_lands_exact_bytes(
    replay: Replay, tmp_path: Path
) -> None:
    body = TEAM_2018_19.read_bytes()
    replay.queue(Reply(body=body))
    zone = LandingZone(tmp_path)
    with client() as http:
        landed = nba_stats.fetch_leaguegamelog(
            http, zone, "2018-19", nba_stats.TEAM_GAME_LOGS, url_base=f"{replay.url}/stats"
        )

    (seen,) = replay.seen
    assert seen.path == "/stats/leaguegamelog"
    assert {k: v[0] for k, v in seen.query.items()} == {
        "LeagueID": "00",
        "Season": "2018-19",
        "SeasonType": "Regular Season",
        "PlayerOrTeam": "T",
        "Direction": "ASC",
        "Sorter": "DATE",
        "DateFrom": "",
        "DateTo": "",
        "Counter": "0",
    }
    assert "Chrome/" in seen.headers["user-agent"]
    assert seen.headers["origin"] == "https://www.nba.com"
    assert seen.headers["referer"] == "https://www.nba.com/"
    assert seen.headers["accept-language"].startswith("en-US")
    assert "application/json" in seen.headers["accept"]
    assert "Chromium" in seen.headers["sec-ch-ua"]
    assert seen.headers["sec-ch-ua-mobile"] == "?0"

    assert landed.written
    assert (tmp_path / landed.path).read_bytes() == body
    manifest = json.loads((tmp_path / landed.manifest_path).read_text())
    sha = hashlib.sha256(body).hexdigest()
    fetched_at = parse_timestamp(manifest["fetched_at"])
    assert manifest["source"] == "nba_stats"
    assert manifest["entity"] == "team_game_logs"
    assert manifest["request_key"] == "leaguegamelog_T_2018-19_start_end"
    assert manifest["origin"].startswith(f"{replay.url}/stats/leaguegamelog?LeagueID=00&")
    assert "PlayerOrTeam=T" in manifest["origin"]
    assert manifest["params"]["Season"] == "2018-19"
    assert manifest["sha256"] == sha
    assert manifest["bytes"] == len(body)
    assert manifest["landed_path"] == landed.path
    assert landed.path == (
        f"nba_stats/team_game_logs/dt={fetched_at.date().isoformat()}/"
        f"leaguegamelog_T_2018-19_start_end.{sha[:12]}.json"
    )


def test_date_range_fetch_uses_api_dates_and_a_dated_request_key(
    replay: Replay, tmp_path: Path
) -> None:
    body = PLAYER_2024_10_22.read_bytes()
    replay.queue(Reply(body=body))
    day = date(2024, 10, 22)
    with client() as http:
        (landed,) = nba_stats.fetch_range(
            http,
            LandingZone(tmp_path),
            "2024-25",
            day,
            day,
            [nba_stats.PLAYER_GAME_LOGS],
            url_base=f"{replay.url}/stats",
        )
    query = replay.seen[0].query
    assert query["DateFrom"] == ["10/22/2024"] and query["DateTo"] == ["10/22/2024"]
    assert query["PlayerOrTeam"] == ["P"]
    assert "/leaguegamelog_P_2024-25_2024-10-22_2024-10-22." in landed.path
    assert (tmp_path / landed.path).read_bytes() == body


def test_base_url_comes_from_the_environment(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBA_STATS_BASE_URL", f"{replay.url}/stats/")
    replay.queue(Reply(body=PLAYER_2024_10_22.read_bytes()))
    with client() as http:
        nba_stats.fetch_season(http, LandingZone(tmp_path), "2024-25", [nba_stats.PLAYER_GAME_LOGS])
    assert replay.seen[0].path == "/stats/leaguegamelog"


def test_429_with_retry_after_is_honoured_then_succeeds(replay: Replay) -> None:
    body = PLAYER_2024_10_22.read_bytes()
    replay.queue(
        Reply(status=429, body=b"slow down", headers={"Retry-After": "1"}), Reply(body=body)
    )
    with client() as http:
        fetched = http.get(f"{replay.url}/stats/leaguegamelog", {"Season": "2024-25"})
    assert fetched.content == body
    assert len(replay.seen) == 2
    gap = replay.seen[1].at - replay.seen[0].at
    assert 0.9 <= gap < 3.0


def test_403_and_503_are_retried_then_succeed(replay: Replay) -> None:
    body = TEAM_2018_19.read_bytes()
    replay.queue(Reply(status=403, body=b"denied"), Reply(status=503, body=b""), Reply(body=body))
    with client() as http:
        fetched = http.get(f"{replay.url}/stats/leaguegamelog")
    assert fetched.status == 200 and fetched.content == body
    assert len(replay.seen) == 3


def test_gives_up_after_max_attempts_naming_url_and_status(replay: Replay, tmp_path: Path) -> None:
    replay.queue(Reply(status=503, body=b"<html>Service Unavailable</html>"))
    zone = LandingZone(tmp_path)
    with client(max_attempts=3) as http, pytest.raises(HttpFetchError) as caught:
        nba_stats.fetch_leaguegamelog(
            http, zone, "2024-25", nba_stats.PLAYER_GAME_LOGS, url_base=f"{replay.url}/stats"
        )
    err = caught.value
    assert len(replay.seen) == 3
    assert err.attempts == 3 and err.last_status == 503
    assert f"{replay.url}/stats/leaguegamelog?LeagueID=00" in str(err)
    assert "after 3 attempt(s); last status 503" in str(err)
    # Nothing, not even a temp file, reaches the landing zone when the fetch fails.
    assert files_under(tmp_path) == []


def test_non_retryable_status_fails_at_once(replay: Replay) -> None:
    replay.queue(Reply(status=404, body=b"not found"))
    with client() as http, pytest.raises(HttpFetchError, match="last status 404"):
        http.get(f"{replay.url}/stats/nope")
    assert len(replay.seen) == 1


def test_read_timeout_is_retried_then_reported(replay: Replay) -> None:
    replay.queue(Reply(body=b"{}", delay=1.5))
    started = time.monotonic()
    with client(timeout=0.2, max_attempts=2) as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"{replay.url}/stats/leaguegamelog")
    elapsed = time.monotonic() - started
    assert len(replay.seen) == 2
    assert caught.value.last_status is None
    assert "Timeout" in str(caught.value)
    assert elapsed < 1.4  # two 0.2 s timeouts and a tiny backoff, never the full 1.5 s sleep


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port was free a moment ago and nothing listens on it now.
    with client(max_attempts=2) as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"http://127.0.0.1:{port}/stats/leaguegamelog")
    assert caught.value.attempts == 2
    assert "ConnectionError" in str(caught.value)


def test_polite_delay_spaces_calls_to_the_same_host(replay: Replay) -> None:
    replay.queue(Reply(body=b"{}"))
    with client(min_delay=0.3) as http:
        http.get(f"{replay.url}/a")
        http.get(f"{replay.url}/b")
        http.get(f"{replay.url}/c")
    gaps = [b.at - a.at for a, b in zip(replay.seen, replay.seen[1:], strict=False)]
    assert all(gap >= 0.25 for gap in gaps), gaps


def test_config_reads_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBA_HTTP_TIMEOUT", "7.5")
    monkeypatch.setenv("NBA_HTTP_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("NBA_HTTP_MIN_DELAY", "0")
    config = HttpConfig.from_env(jitter=0.0)
    assert (config.timeout, config.max_attempts, config.min_delay, config.jitter) == (
        7.5,
        2,
        0.0,
        0.0,
    )
    assert HttpConfig().timeout == 20.0 and HttpConfig().min_delay == 1.0


def test_a_range_asked_for_twice_is_requested_once(
    replay: Replay, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    replay.queue(Reply(body=PLAYER_2024_10_22.read_bytes()))
    day = date(2024, 10, 22)
    request = fetch_ranges.RangeRequest(nba_stats.PLAYER_GAME_LOGS, "2024-25", day, day)
    with caplog.at_level(logging.INFO), client() as http:
        report = fetch_ranges.fetch_requests(
            http, LandingZone(tmp_path), [request, request], url_base=f"{replay.url}/stats"
        )
    assert len(replay.seen) == 1 and len(report.landed) == 1
    assert "dropped 1 duplicate request(s)" in caplog.text


def test_bounds_read_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBA_HTTP_DEADLINE", "12.5")
    monkeypatch.setenv("NBA_HTTP_MAX_BYTES", "1000")
    monkeypatch.setenv("NBA_HTTP_ALLOWED_REDIRECT_HOSTS", "cdn.nba.com, Stats.NBA.com,")
    config = HttpConfig.from_env()
    assert (config.attempt_deadline, config.max_bytes) == (12.5, 1000)
    assert config.allowed_redirect_hosts == ("cdn.nba.com", "stats.nba.com")
    # Unset, the deadline follows the timeout: three socket-read timeouts' worth per attempt.
    assert (
        HttpConfig().attempt_deadline == 60.0 and HttpConfig(timeout=5.0).attempt_deadline == 15.0
    )
    assert HttpConfig().max_bytes == 64 * 1024 * 1024 and HttpConfig().max_redirects == 5
    assert HttpConfig().allowed_redirect_hosts == ()


def test_attempt_count_includes_retries_before_a_final_client_error(replay: Replay) -> None:
    replay.queue(Reply(status=503, body=b""), Reply(status=400, body=b"bad season"))
    with client() as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"{replay.url}/stats/leaguegamelog")
    assert (caught.value.attempts, caught.value.last_status) == (2, 400)


def test_cli_fetch_lands_both_entities_and_reports_failure(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBA_HTTP_MIN_DELAY", "0")
    monkeypatch.setenv("NBA_HTTP_BACKOFF_BASE", "0.01")
    monkeypatch.setenv("NBA_HTTP_JITTER", "0")
    monkeypatch.setenv("NBA_HTTP_MAX_ATTEMPTS", "2")
    replay.queue(Reply(body=PLAYER_2024_10_22.read_bytes()), Reply(body=TEAM_2018_19.read_bytes()))
    root = tmp_path / "landing"
    base = ["--landing-root", str(root), "fetch", "--season", "2024-25"]
    dates = ["--date-from", "2024-10-22", "--date-to", "2024-10-22"]
    assert main([*base, *dates, "--base-url", f"{replay.url}/stats"]) == 0
    kinds = [seen.query["PlayerOrTeam"][0] for seen in replay.seen]
    assert kinds == ["P", "T"]
    landed = sorted(
        p.relative_to(root).parts[1] for p in root.rglob("leaguegamelog_*[0-9a-f].json")
    )
    assert landed == ["player_game_logs", "team_game_logs"]

    replay.queue(Reply(status=500, body=b"oops"))
    # 3, as fetch-pbp and fetch-odds: some requests failed and are on a retry list.
    assert main([*base, "--entity", "team_game_logs", "--base-url", f"{replay.url}/stats"]) == 3
