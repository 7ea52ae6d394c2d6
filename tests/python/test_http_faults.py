"""HTTP faults against the loopback replay server, with real recorded payloads as the good
answers: 403 throttling, 429 with Retry-After (and a cap on it), 500s with growing backoff,
timeouts, a connection reset mid-response; retries always bounded, failed requests written to a
retry list that a later run replays, and never a partial file in the landing zone."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import PLAYER_2024_10_22, TEAM_2018_19, Replay, Reply

from ingest import fetch_ranges
from ingest.__main__ import main
from ingest.http import HttpClient, HttpConfig, HttpFetchError
from ingest.landing import LandingZone, parse_payload_key
from ingest.load import load
from ingest.sources import nba_cdn, nba_stats

FAST = {"min_delay": 0.0, "backoff_base": 0.01, "backoff_max": 0.05, "jitter": 0.0}


def client(**overrides: float) -> HttpClient:
    return HttpClient(HttpConfig(**{"timeout": 5.0, "max_attempts": 4, **FAST, **overrides}))


def every_file(root: Path) -> list[str]:
    """Everything under root, hidden temp files included."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def fetch_day(http: HttpClient, root: Path, url: str) -> str:
    """Fetch and land the 2024-10-22 player log; returns the landed path."""
    day = date(2024, 10, 22)
    zone = LandingZone(root)
    entity = nba_stats.PLAYER_GAME_LOGS
    return nba_stats.fetch_leaguegamelog(
        http, zone, "2024-25", entity, day, day, url_base=f"{url}/stats"
    ).path


def test_connection_reset_mid_body_is_retried_and_only_the_whole_body_lands(
    replay: Replay, tmp_path: Path
) -> None:
    body = PLAYER_2024_10_22.read_bytes()
    replay.queue(Reply(body=body, reset_after=len(body) // 3), Reply(body=body))
    with client() as http:
        path = fetch_day(http, tmp_path, replay.url)
    assert len(replay.seen) == 2
    assert (tmp_path / path).read_bytes() == body
    assert every_file(tmp_path) == sorted([path, path.removesuffix(".json") + ".manifest.json"])


def test_connection_reset_every_time_gives_up_after_bounded_attempts_landing_nothing(
    replay: Replay, tmp_path: Path
) -> None:
    body = PLAYER_2024_10_22.read_bytes()
    replay.queue(Reply(body=body, reset_after=1000))
    with client(max_attempts=3) as http, pytest.raises(HttpFetchError) as caught:
        fetch_day(http, tmp_path, replay.url)
    assert len(replay.seen) == 3 and caught.value.attempts == 3
    assert caught.value.last_status is None
    assert "ChunkedEncodingError" in str(caught.value) and "reset" in str(caught.value)
    assert every_file(tmp_path) == []


def test_500s_back_off_exponentially_then_succeed(replay: Replay) -> None:
    body = TEAM_2018_19.read_bytes()
    replay.queue(Reply(status=500, body=b"oops"), Reply(status=500, body=b"oops"), Reply(body=body))
    with client(backoff_base=0.15, backoff_max=5.0) as http:
        fetched = http.get(f"{replay.url}/stats/leaguegamelog")
    assert fetched.content == body
    first, second = (b.at - a.at for a, b in zip(replay.seen, replay.seen[1:], strict=False))
    assert 0.14 <= first < 0.6 and 0.29 <= second < 1.0  # 0.15 s, then 0.30 s
    assert second > first


def test_403_throttling_that_never_lifts_is_bounded(replay: Replay) -> None:
    replay.queue(Reply(status=403, body=b"<html>Access Denied</html>"))
    with client(max_attempts=3) as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"{replay.url}/stats/leaguegamelog")
    assert (len(replay.seen), caught.value.attempts, caught.value.last_status) == (3, 3, 403)


def test_retry_after_beyond_the_cap_is_not_waited_out(replay: Replay) -> None:
    """A server asking for an hour of silence gets retry_after_max, not an hour."""
    body = PLAYER_2024_10_22.read_bytes()
    replay.queue(Reply(status=429, headers={"Retry-After": "3600"}), Reply(body=body))
    with client(retry_after_max=0.3) as http:
        assert http.get(f"{replay.url}/x").content == body
    gap = replay.seen[1].at - replay.seen[0].at
    assert 0.25 <= gap < 1.5


def test_failed_ranges_go_to_a_retry_list_the_next_run_replays(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "NBA_HTTP_MIN_DELAY": "0",
        "NBA_HTTP_BACKOFF_BASE": "0.01",
        "NBA_HTTP_JITTER": "0",
        "NBA_HTTP_MAX_ATTEMPTS": "2",
    }.items():
        monkeypatch.setenv(name, value)
    root = tmp_path / "landing"
    # The player range answers; the team range gets a 500 on both attempts, so only the
    # player range lands and the team range goes to the retry list.
    replay.queue(
        Reply(body=PLAYER_2024_10_22.read_bytes()),
        Reply(status=500, body=b"oops"),
        Reply(status=500, body=b"oops"),
    )
    args = ["--landing-root", str(root), "fetch", "--season", "2024-25"]
    dates = ["--date-from", "2024-10-22", "--date-to", "2024-10-22"]
    assert main([*args, *dates, "--base-url", f"{replay.url}/stats"]) == 3
    (retry,) = (root / "_retry").rglob("*.json")
    assert retry.parent == root / "_retry" / "nba_stats" / "leaguegamelog"
    listed = json.loads(retry.read_text())
    assert listed["requests"] == [
        {
            "entity": "team_game_logs",
            "season": "2024-25",
            "date_from": "2024-10-22",
            "date_to": "2024-10-22",
        }
    ]
    (failure,) = listed["failures"]
    assert failure["last_status"] == 500 and "PlayerOrTeam=T" in failure["url"]
    # The same shape as the cdn play-by-play retry lists.
    assert {"source", "entity", "written_at", "failures"} <= set(listed)
    cdn_key = nba_cdn.save_retry_list(
        LandingZone(root), [nba_cdn.FailedGame("0022400500", "u", 403, "e")]
    )
    assert set(json.loads((root / cdn_key).read_text())) - set(listed) == {"game_ids"}
    # Nothing landed for the failed range; the retry lists are never taken for payloads.
    landed = [key for key in every_file(root) if parse_payload_key(key)]
    assert [parse_payload_key(k).entity for k in landed] == ["player_game_logs"]  # type: ignore[union-attr]

    replay.queue(Reply(body=TEAM_2018_19.read_bytes()))
    retry_args = ["--landing-root", str(root), "fetch", "--retry-file", str(retry)]
    assert main([*retry_args, "--base-url", f"{replay.url}/stats"]) == 0
    assert replay.seen[-1].query["PlayerOrTeam"] == ["T"]
    assert replay.seen[-1].query["DateFrom"] == ["10/22/2024"]
    result = load(zone=LandingZone(root), db_path=tmp_path / "db.duckdb")
    assert (result.seen, result.loaded, result.quarantined) == (2, 2, 0)


def test_retry_lists_are_validated_before_any_request(replay: Replay, tmp_path: Path) -> None:
    bad = tmp_path / "retry.json"
    bad.write_text(
        json.dumps(
            {"source": "nba_stats", "requests": [{"entity": "../../etc", "season": "2024-25"}]}
        )
    )
    with pytest.raises(ValueError, match="unknown nba_stats entity"):
        fetch_ranges.read_retry_list(bad)
    args = ["--landing-root", str(tmp_path / "landing"), "fetch", "--retry-file", str(bad)]
    assert main([*args, "--base-url", f"{replay.url}/stats"]) == 2
    assert replay.seen == [] and not (tmp_path / "landing").exists()
