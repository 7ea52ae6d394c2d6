"""HTTP faults against the loopback replay server, with real recorded payloads as the good
answers: 403 throttling, 429 with Retry-After (and a cap on it), 500s with growing backoff,
timeouts, a connection reset mid-response; retries always bounded, failed requests written to a
retry list that a later run replays, and never a partial file in the landing zone. And the
bounds on one request: a deadline per attempt (a server dripping bytes), a cap on the body (on
the wire and inflated: a gzip bomb), and which redirects are followed."""

from __future__ import annotations

import gzip
import io
import json
import re
import time
import tracemalloc
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAYER_2024_10_22, TEAM_2018_19, Replay, Reply

from ingest import fetch_ranges
from ingest.__main__ import main
from ingest.http import HttpClient, HttpConfig, HttpFetchError, redirect_allowed
from ingest.landing import LandingZone, parse_payload_key
from ingest.load import load
from ingest.sources import nba_cdn, nba_stats

FAST = {"min_delay": 0.0, "backoff_base": 0.01, "backoff_max": 0.05, "jitter": 0.0}
MIB = 1024 * 1024


def client(**overrides: Any) -> HttpClient:
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


# --- bounds: a deadline per attempt, a cap on the body, a redirect policy -------------------


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_server_dripping_bytes_under_the_read_timeout_is_cut_off_by_the_deadline(
    replay: Replay, tmp_path: Path, encoding: str
) -> None:
    """A byte every 0.25 s never trips a 2 s read timeout; the 1 s deadline per attempt ends
    each attempt, the attempt is retried as a timeout would be, and nothing lands. Gzip too:
    its first bytes inflate to nothing, and reading must not wait for them to."""
    body = PLAYER_2024_10_22.read_bytes()[:24]  # 6 s of dripping: would land without a deadline
    headers = {"Content-Encoding": "gzip"} if encoding == "gzip" else {}
    sent = gzip_of(body) if encoding == "gzip" else body
    replay.queue(Reply(body=sent, headers=headers, drip=0.25))
    started = time.monotonic()
    with (
        client(timeout=2.0, deadline=1.0, max_attempts=2) as http,
        pytest.raises(HttpFetchError) as caught,
    ):
        fetch_day(http, tmp_path, replay.url)
    elapsed = time.monotonic() - started
    assert len(replay.seen) == 2 and caught.value.attempts == 2
    assert caught.value.last_status is None
    assert "DeadlineExceeded" in str(caught.value)
    assert "1.0 s deadline" in str(caught.value) and "NBA_HTTP_DEADLINE" in str(caught.value)
    assert elapsed < 3.5  # two 1 s attempts (each overshooting by at most a byte), not 6 s
    assert every_file(tmp_path) == []


def test_a_slow_body_inside_the_deadline_still_lands(replay: Replay) -> None:
    body = PLAYER_2024_10_22.read_bytes()[:4]
    replay.queue(Reply(body=body, drip=0.1))
    with client(timeout=2.0, deadline=2.0) as http:
        assert http.get(f"{replay.url}/stats/leaguegamelog").content == body
    assert len(replay.seen) == 1


def gzip_of(*parts: bytes) -> bytes:
    """gzip of the parts in sequence, compressed piece by piece (no copy of the whole)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as packed:
        for part in parts:
            packed.write(part)
    return out.getvalue()


def test_a_gzip_bomb_is_refused_while_inflating_with_memory_bounded(
    replay: Replay, tmp_path: Path
) -> None:
    """The real player log followed by 32 MiB of JSON whitespace (still valid JSON): ~60 KB on
    the wire, 32 MiB inflated. Reading stops just past the 1 MiB cap; not retried."""
    payload = PLAYER_2024_10_22.read_bytes()
    bomb = gzip_of(payload, *[b" " * MIB] * 32)
    assert len(bomb) < 100_000
    replay.queue(Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        with client(max_bytes=MIB) as http, pytest.raises(HttpFetchError) as caught:
            fetch_day(http, tmp_path, replay.url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    err = caught.value
    assert (len(replay.seen), err.attempts, err.last_status) == (1, 1, 200)
    message = str(err)
    assert f"inflated body passed the {MIB}-byte cap" in message
    assert "HttpConfig.max_bytes / NBA_HTTP_MAX_BYTES" in message
    stopped_at = int(re.search(r"stopped after (\d+) bytes", message).group(1))  # type: ignore[union-attr]
    assert MIB < stopped_at <= MIB + 64 * 1024
    assert peak < 8 * MIB, peak  # never the 32 MiB body
    assert every_file(tmp_path) == []


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip_of),
        ("gzip", lambda body: gzip_of(body[:1000]) + gzip_of(body[1000:])),  # two members
        ("x-gzip", gzip_of),
        ("deflate", zlib.compress),
        ("deflate", raw_deflate),  # what some servers send as deflate
        ("gzip, gzip", lambda body: gzip_of(gzip_of(body))),
    ],
    ids=["gzip", "gzip-members", "x-gzip", "deflate", "raw-deflate", "chained"],
)
def test_an_encoded_real_payload_under_the_cap_lands_inflated(
    replay: Replay, encoding: str, encode: Any
) -> None:
    """The body is inflated piece by piece by the client itself now: what requests undid, it
    undoes, to the same bytes."""
    body = TEAM_2018_19.read_bytes()
    replay.queue(Reply(body=encode(body), headers={"Content-Encoding": encoding}))
    with client(max_bytes=len(body)) as http:
        fetched = http.get(f"{replay.url}/stats/leaguegamelog")
    assert fetched.content == body
    assert replay.seen[0].headers["accept-encoding"] == "gzip, deflate"


def test_a_body_that_does_not_inflate_is_retried_then_reported(replay: Replay) -> None:
    body = gzip_of(TEAM_2018_19.read_bytes())
    broken = body[:10] + bytes(b ^ 0xFF for b in body[10:200]) + body[200:]
    replay.queue(Reply(body=broken, headers={"Content-Encoding": "gzip"}))
    with client(max_attempts=2) as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"{replay.url}/stats/leaguegamelog")
    assert (len(replay.seen), caught.value.attempts) == (2, 2)
    assert "ContentDecodingError" in str(caught.value)


def test_a_content_length_over_the_cap_is_refused_before_the_body_is_read(
    replay: Replay,
) -> None:
    body = TEAM_2018_19.read_bytes()
    replay.queue(Reply(body=body))
    with client(max_bytes=100_000) as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"{replay.url}/stats/leaguegamelog")
    assert (len(replay.seen), caught.value.attempts, caught.value.last_status) == (1, 1, 200)
    assert f"Content-Length {len(body)} exceeds the 100000-byte cap" in str(caught.value)
    assert "NBA_HTTP_MAX_BYTES" in str(caught.value)


def test_a_body_without_content_length_is_capped_while_it_is_read(replay: Replay) -> None:
    replay.queue(Reply(body=TEAM_2018_19.read_bytes(), content_length=False))
    with client(max_bytes=100_000) as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"{replay.url}/stats/leaguegamelog")
    assert (len(replay.seen), caught.value.attempts) == (1, 1)
    message = str(caught.value)
    assert "passed the 100000-byte cap" in message
    stopped_at = int(re.search(r"stopped after (\d+) bytes", message).group(1))  # type: ignore[union-attr]
    assert 100_000 < stopped_at <= 100_000 + 64 * 1024


def test_a_body_without_content_length_under_the_cap_lands_whole(replay: Replay) -> None:
    body = TEAM_2018_19.read_bytes()
    replay.queue(Reply(body=body, content_length=False))
    with client() as http:
        assert http.get(f"{replay.url}/stats/leaguegamelog").content == body


def test_a_same_host_redirect_is_followed_and_each_hop_is_paced(replay: Replay) -> None:
    body = PLAYER_2024_10_22.read_bytes()
    replay.queue(Reply(status=302, headers={"Location": "/stats/moved"}), Reply(body=body))
    with client(min_delay=0.3) as http:
        fetched = http.get(f"{replay.url}/stats/leaguegamelog", {"Season": "2024-25"})
    assert fetched.content == body and fetched.url == f"{replay.url}/stats/moved"
    assert [seen.path for seen in replay.seen] == ["/stats/leaguegamelog", "/stats/moved"]
    assert replay.seen[1].at - replay.seen[0].at >= 0.25


def test_a_redirect_to_another_host_is_refused_naming_both_hosts(
    replay: Replay, tmp_path: Path
) -> None:
    port = replay.url.rsplit(":", 1)[1]
    elsewhere = f"http://localhost:{port}/stats/leaguegamelog"
    replay.queue(Reply(status=302, headers={"Location": elsewhere}))
    with client() as http, pytest.raises(HttpFetchError) as caught:
        fetch_day(http, tmp_path, replay.url)
    err = caught.value
    assert (len(replay.seen), err.attempts, err.last_status) == (1, 1, 302)
    assert f"redirect from 127.0.0.1:{port} to localhost:{port} refused" in str(err)
    assert "allowed_redirect_hosts" in str(err)
    assert every_file(tmp_path) == []


def test_a_redirect_to_an_allowed_host_is_followed(replay: Replay, tmp_path: Path) -> None:
    port = replay.url.rsplit(":", 1)[1]
    body = PLAYER_2024_10_22.read_bytes()
    replay.queue(
        Reply(status=307, headers={"Location": f"http://localhost:{port}/cdn/leaguegamelog"}),
        Reply(body=body),
    )
    with client(allowed_redirect_hosts=("localhost",)) as http:
        path = fetch_day(http, tmp_path, replay.url)
    assert [seen.path for seen in replay.seen] == ["/stats/leaguegamelog", "/cdn/leaguegamelog"]
    assert (tmp_path / path).read_bytes() == body
    manifest = json.loads((tmp_path / (path.removesuffix(".json") + ".manifest.json")).read_text())
    assert manifest["origin"] == f"http://localhost:{port}/cdn/leaguegamelog"


def test_redirects_are_bounded(replay: Replay) -> None:
    replay.queue(Reply(status=301, headers={"Location": "/stats/again"}))
    with client(max_redirects=2) as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"{replay.url}/stats/leaguegamelog")
    assert (len(replay.seen), caught.value.attempts, caught.value.last_status) == (3, 1, 301)
    assert "more than 2 redirects" in str(caught.value)


@pytest.mark.parametrize(
    ("source", "target", "followed"),
    [
        ("http://stats.nba.com/a", "https://stats.nba.com/b", True),  # upgrade, same host
        ("https://stats.nba.com/a", "https://stats.nba.com:443/b", True),
        ("https://stats.nba.com/a", "http://stats.nba.com/b", False),  # downgrade
        ("http://stats.nba.com:8080/a", "https://stats.nba.com/b", False),  # another port
        ("https://stats.nba.com/a", "https://cdn.nba.com/b", False),
        ("https://stats.nba.com/a", "https://user:pw@stats.nba.com/b", True),
        ("https://stats.nba.com/a", "ftp://stats.nba.com/b", False),
    ],
)
def test_redirect_policy(source: str, target: str, followed: bool) -> None:
    assert redirect_allowed(source, target, ()) is followed
    assert redirect_allowed(source, "https://cdn.nba.com/x", ("cdn.nba.com",)) is True
