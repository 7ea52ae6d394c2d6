"""Security basics: ids that become file paths are validated in every loader (no path
traversal), the Odds API key comes only from the environment and is never logged, stored or
shown in an error, and SQL is built only from validated identifiers."""

from __future__ import annotations

import base64
import csv
import io
import json
import logging
import os
import socket
import threading
import traceback
from datetime import UTC, datetime
from pathlib import Path

import bad_input_corpus as corpus
import duckdb
import pytest
from conftest import PLAYER_2024_10_22, Replay, Reply

from ingest import fetch_ranges
from ingest.__main__ import _parser, main
from ingest.http import HttpClient, HttpConfig, HttpFetchError, redact
from ingest.landing import LandingZone, validate_name
from ingest.load import IDENTIFIER, _ident, known_tables, load
from ingest.load_bigquery import release_sql, table_id
from ingest.sources import (
    bigdataball,
    nba_cdn,
    nba_schedule,
    nba_stats,
    nba_stats_pbp,
    odds_api,
    pickem_lines,
    user_lines,
)
from ingest.storage import LocalStorage

FAKE_KEY = "test-key-not-real"
HOSTILE = [
    "../../etc/passwd",
    "..",
    "0022400500/../../x",
    "/etc/passwd",
    "0022400500\x00",
    "%2e%2e%2f",
    "00224005OO",
    "",
]
# Of those, the ones that are not even a safe file name (00224005OO is one, just not an id).
UNSAFE_NAMES = [h for h in HOSTILE if h != "00224005OO"]
FAST = {"timeout": 2.0, "max_attempts": 2, "min_delay": 0.0, "backoff_base": 0.01, "jitter": 0.0}


# --- ids in file paths ------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize(
    "make_key",
    [
        nba_cdn.request_key,
        nba_cdn.play_by_play_url,
        nba_stats_pbp.request_key,
        odds_api.validate_event_id,
        lambda value: odds_api.event_odds_url(value, None, "http://127.0.0.1"),
        lambda value: nba_stats.leaguegamelog_params(value, nba_stats.PLAYER_GAME_LOGS),
        lambda value: nba_stats.leaguegamelog_params("2024-25", value),
        lambda value: pickem_lines.file_date(value),
        lambda value: fetch_ranges.RangeRequest(value, "2024-25"),
    ],
    ids=[
        "cdn_key",
        "cdn_url",
        "stats_pbp_key",
        "odds_event_id",
        "odds_url",
        "season",
        "entity",
        "pickem_name",
        "retry_entry",
    ],
)
def test_every_id_that_reaches_a_path_or_url_is_validated(make_key: object, hostile: str) -> None:
    with pytest.raises(ValueError):
        make_key(hostile)  # type: ignore[operator]


@pytest.mark.parametrize("hostile", UNSAFE_NAMES)
def test_names_derived_from_files_or_payloads_stay_inside_the_landing_zone(
    hostile: str, tmp_path: Path
) -> None:
    # User line files and the schedule derive their key from a name or a payload: whatever
    # comes in, what comes out is a safe name.
    for key in (
        user_lines.request_key(f"{hostile}.csv"),
        nba_schedule.request_key(json.dumps({"leagueSchedule": {"seasonYear": hostile}}).encode()),
    ):
        assert validate_name("request_key", key) == key
    # And the landing zone itself refuses any unsafe part, whoever calls it.
    zone = LandingZone(tmp_path / "landing")
    for parts in ((hostile, "e", "k"), ("s", hostile, "k"), ("s", "e", hostile)):
        with pytest.raises(ValueError):
            zone.land(*parts, b"{}", origin="test")
    with pytest.raises(ValueError):
        LocalStorage(tmp_path / "landing").write_atomic(f"x/{hostile}/../../../y", b"{}")
    assert not (tmp_path / "y").exists()


def test_a_bigdataball_file_name_never_becomes_a_path(tmp_path: Path) -> None:
    """The game id comes from the name or the rows and must be an NBA id; the name itself
    only travels in the manifest."""
    zone = LandingZone(tmp_path / "landing")
    rows = "game_id,period\n42400407,1\n"
    landed = bigdataball.land_file(
        zone, "../../[2025-06-22]-0042400407-IND@OKC.csv", rows.encode(), "t"
    )
    assert landed.path.startswith("bigdataball/play_by_play/dt=")
    assert "/pbp_0042400407." in landed.path
    with pytest.raises(ValueError, match="no NBA game id"):
        bigdataball.land_file(zone, "../../evil.csv", b"period\n1\n", "t")


def test_hostile_event_ids_in_an_events_payload_are_refused_and_the_slate_goes_on(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Event ids come from the API's own payload; one that is not 32 hex digits never reaches a
    URL or a landed path. The events are real: opening night's two games, as the pick'em file
    (real The Odds API export) names them."""
    monkeypatch.setenv(odds_api.API_KEY_ENV, FAKE_KEY)
    events = real_events()
    hostile = {**events[0], "id": "../../../../tmp/owned"}
    replay.queue(Reply(body=json.dumps([hostile, events[1]]).encode()), Reply(status=204, body=b""))
    with HttpClient(HttpConfig(**FAST)) as http:
        report = odds_api.fetch_slate(
            http,
            LandingZone(tmp_path / "landing"),
            [odds_api.PLAYER_PROPS],
            at=datetime(2024, 10, 22, 20, tzinfo=UTC),
            url_base=f"{replay.url}/v4",
        )
    assert [label.rsplit("/", 1)[0] for label, _ in report.failed] == [hostile["id"]]
    assert [seen.path.rsplit("/", 2)[1] for seen in replay.seen[1:]] == [events[1]["id"]]
    assert not any("owned" in str(p) for p in tmp_path.rglob("*"))


def real_events() -> list[dict[str, str]]:
    """Opening night's two games as The Odds API events list names them: id, commence time
    and teams from the real pick'em export of 2024-10-22."""
    rows = csv.DictReader(io.StringIO(corpus.bundled_line_file(corpus.OPENING_NIGHT).decode()))
    events: dict[str, dict[str, str]] = {}
    for row in rows:
        events.setdefault(
            row["game_id"],
            {
                "id": row["game_id"],
                "sport_key": odds_api.SPORT,
                "commence_time": row["commence_time"],
                "home_team": row["home_team"],
                "away_team": row["away_team"],
            },
        )
    return sorted(events.values(), key=lambda e: e["commence_time"])


# --- the API key ------------------------------------------------------------------------


def test_the_api_key_has_no_command_line_flag() -> None:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    fetch_odds = sub.choices["fetch-odds"]  # type: ignore[attr-defined]
    assert not [o for a in fetch_odds._actions for o in a.option_strings if "key" in o.lower()]


def test_the_odds_api_key_is_sent_but_never_logged_stored_or_shown(
    replay: Replay,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(odds_api.API_KEY_ENV, FAKE_KEY)
    monkeypatch.setenv("NBA_HTTP_MIN_DELAY", "0")
    monkeypatch.setenv("NBA_HTTP_BACKOFF_BASE", "0.01")
    monkeypatch.setenv("NBA_HTTP_JITTER", "0")
    monkeypatch.setenv("NBA_HTTP_MAX_ATTEMPTS", "2")
    events = real_events()
    # Events answer; the first game's props fail twice with 500 (retried, then given up), the
    # second game's answer 401 (not retried).
    replay.queue(
        Reply(body=json.dumps(events).encode()),
        Reply(status=500, body=b"oops"),
        Reply(status=500, body=b"oops"),
        Reply(status=401, body=b'{"message": "API key not valid"}'),
    )
    root = tmp_path / "landing"
    args = ["-v", "--landing-root", str(root), "fetch-odds", "--markets", "player_points"]
    args += ["--at", "2024-10-22T20:00:00Z", "--base-url", f"{replay.url}/v4"]
    with caplog.at_level(logging.DEBUG):
        code = main(args)
    assert code == 3  # some events failed
    assert all(seen.query["apiKey"] == [FAKE_KEY] for seen in replay.seen)  # sent, from $ENV
    out = capsys.readouterr()
    shown = caplog.text + out.out + out.err
    assert "apiKey=REDACTED" in shown and "last status 500" in shown and "401" in shown
    assert FAKE_KEY not in shown
    for path in root.rglob("*"):
        if path.is_file():
            assert FAKE_KEY.encode() not in path.read_bytes(), path


def test_a_transport_error_never_carries_the_key_in_its_text_or_its_chain() -> None:
    """requests puts the whole URL, query string included, into ConnectionError messages."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v4/sports/basketball_nba/events"
    with HttpClient(HttpConfig(**FAST)) as http, pytest.raises(HttpFetchError) as caught:
        http.get(url, {"apiKey": FAKE_KEY})
    printed = "".join(traceback.format_exception(caught.value))
    assert "ConnectionError" in printed and "apiKey=REDACTED" in printed
    assert FAKE_KEY not in printed and FAKE_KEY not in repr(caught.value)


# --- credentials written in a base URL ------------------------------------------------------

URL_USER, URL_PASSWORD = "scraper", "pw-not-real-42"


def test_redact_strips_userinfo_from_urls_as_well_as_secret_params() -> None:
    url = f"https://{URL_USER}:{URL_PASSWORD}@stats.nba.com:8443/stats/x?apiKey={FAKE_KEY}#top"
    assert redact(url) == "https://stats.nba.com:8443/stats/x?apiKey=REDACTED#top"
    assert redact(f"GET http://{URL_PASSWORD}@h/x failed") == "GET http://h/x failed"
    assert redact("https://u:p@ss@h/x") == "https://h/x"  # the host is after the last @
    # An @ past the host, or outside a URL, is not userinfo.
    assert redact("https://h/@me?q=a@b") == "https://h/@me?q=a@b"
    assert redact("mail scraper@nba.com") == "mail scraper@nba.com"


def test_credentials_in_a_base_url_are_sent_but_never_logged_stored_or_shown(
    replay: Replay, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """requests turns user:password@ in a URL into Basic auth, and used to leave them in the
    URL it reports, which loaders record as the manifest's origin."""
    with_credentials = replay.url.replace("://", f"://{URL_USER}:{URL_PASSWORD}@")
    body = PLAYER_2024_10_22.read_bytes()
    # A 503 (retried, so logged), a same-host redirect, then the answer.
    replay.queue(
        Reply(status=503, body=b""),
        Reply(status=302, headers={"Location": "/stats/moved/leaguegamelog"}),
        Reply(body=body),
    )
    root = tmp_path / "landing"
    with (
        caplog.at_level(logging.DEBUG),
        HttpClient(HttpConfig(**{**FAST, "max_attempts": 3})) as http,
    ):
        landed = nba_stats.fetch_leaguegamelog(
            http,
            LandingZone(root),
            "2024-25",
            nba_stats.PLAYER_GAME_LOGS,
            url_base=f"{with_credentials}/stats",
        )
    basic = "Basic " + base64.b64encode(f"{URL_USER}:{URL_PASSWORD}".encode()).decode()
    assert [seen.headers.get("authorization") for seen in replay.seen] == [basic] * 3
    assert (root / landed.path).read_bytes() == body
    manifest = json.loads((root / landed.manifest_path).read_text())
    assert manifest["origin"] == f"{replay.url}/stats/moved/leaguegamelog"
    assert "redirected (302)" in caplog.text and "retrying" in caplog.text
    for path in (p for p in root.rglob("*") if p.is_file()):
        assert URL_PASSWORD.encode() not in path.read_bytes(), path
    assert URL_PASSWORD not in caplog.text and f"{URL_USER}:" not in caplog.text

    replay.queue(Reply(status=503, body=b""))
    with HttpClient(HttpConfig(**FAST)) as http, pytest.raises(HttpFetchError) as caught:
        http.get(f"{with_credentials}/stats/leaguegamelog")
    assert caught.value.url == f"{replay.url}/stats/leaguegamelog"
    printed = "".join(traceback.format_exception(caught.value)) + repr(caught.value)
    assert "last status 503" in printed and URL_PASSWORD not in printed


def test_a_transport_error_never_carries_url_credentials_in_its_text_or_its_chain() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://{URL_USER}:{URL_PASSWORD}@127.0.0.1:{port}/stats/leaguegamelog"
    with HttpClient(HttpConfig(**FAST)) as http, pytest.raises(HttpFetchError) as caught:
        http.get(url)
    printed = "".join(traceback.format_exception(caught.value)) + repr(caught.value)
    assert "ConnectionError" in printed and f"127.0.0.1:{port}/stats/leaguegamelog" in printed
    assert URL_PASSWORD not in printed and f"{URL_USER}:" not in printed


# --- SQL from validated identifiers only ----------------------------------------------------


@pytest.mark.parametrize(
    "name", ['raw"; DROP TABLE raw.x; --', "raw.x", "raw x", "räw", "1raw", "raw;"]
)
def test_identifiers_that_could_break_out_of_sql_are_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        _ident(name)
    db = tmp_path / "db.duckdb"
    with pytest.raises(ValueError):
        load(landing_root=tmp_path / "landing", db_path=db, schema=name)
    assert not db.exists()  # refused before the warehouse is even opened
    with pytest.raises(ValueError):
        table_id("nba-prod", name, "load_quarantine")


def test_cli_refuses_an_unsafe_schema_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "db.duckdb"
    base = ["--landing-root", str(tmp_path / "landing")]
    monkeypatch.setenv("NBA_RAW_SCHEMA", "raw; drop table raw.load_quarantine")
    assert main([*base, "load", "--duckdb-path", str(db)]) == 2
    assert "not a safe SQL identifier" in caplog.text
    load(landing_root=tmp_path / "landing", db_path=db, schema="raw")
    assert main([*base, "quarantine", "--duckdb-path", str(db)]) == 2


def test_every_table_and_schema_name_the_loader_uses_is_a_plain_identifier() -> None:
    for name in [*known_tables(), "load_quarantine", "landing_inventory", "raw"]:
        assert IDENTIFIER.match(name), name
    # Values (landed paths) always travel as query parameters, never in the SQL text.
    assert "@paths" in release_sql("nba-prod", "raw") and "'" not in release_sql("nba-prod", "raw")


def test_duckdb_values_are_parameters_even_when_they_look_like_sql(tmp_path: Path) -> None:
    """A landed path is validated at landing; the loader still never pastes values into SQL."""
    zone = LandingZone(tmp_path / "landing")
    zone.land("nba_stats", "player_game_logs", "x--y", b"{", origin="o'); drop table x; --")
    db = tmp_path / "db.duckdb"
    result = load(zone=zone, db_path=db)
    assert result.quarantined == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.load_quarantine").fetchone() == (1,)


def test_links_under_the_landing_root_are_never_followed_and_nothing_outside_is_read(
    tmp_path: Path,
) -> None:
    """The real opening-night payload and its manifest landed in another zone outside the
    root, reached from inside it three ways: both files linked into a day folder, a day
    folder linked, a source folder linked; and a link to a FIFO outside. The loader reads
    none of it: each link is quarantined as a link (sha256 empty: never read), nothing reaches
    a raw table, and read_regular() refuses every path through a link without blocking."""
    outside = LandingZone(tmp_path / "outside")
    landed = corpus.Case(
        "opening",
        corpus.day_key("2024-25", corpus.OPENING_NIGHT),
        corpus.opening_night(),
        corpus.FIRST_FETCH,
        corpus.LOADED,
    ).land(outside)
    far = Path(outside.root)
    root = tmp_path / "landing"
    name = Path(landed.path).name
    manifest = Path(landed.manifest_path).name
    day = root / "nba_stats" / "player_game_logs" / "dt=2024-10-23"
    day.mkdir(parents=True)
    (day / name).symlink_to(far / landed.path)
    (day / manifest).symlink_to(far / landed.manifest_path)
    (day.parent / "dt=2025-01-02").symlink_to(far / Path(landed.path).parent)
    (root / "nba_cdn").symlink_to(far / "nba_stats")
    os.mkfifo(tmp_path / "pipe")
    pipe = f"leaguegamelog_P_pipe.{landed.sha256[:12]}.json"
    (day / pipe).symlink_to(tmp_path / "pipe")

    db = tmp_path / "db.duckdb"
    results = []
    loader = threading.Thread(
        target=lambda: results.append(load(zone=LandingZone(root), db_path=db)), daemon=True
    )
    loader.start()
    loader.join(timeout=60)
    assert not loader.is_alive(), "the loader followed the link and waits on the FIFO"
    (result,) = results
    assert (result.seen, result.loaded, result.quarantined) == (5, 0, 5)
    with duckdb.connect(str(db), read_only=True) as con:
        quarantine = con.execute("select landed_path, sha256, reason from raw.load_quarantine")
        rows = {path: (sha, reason) for path, sha, reason in quarantine.fetchall()}
        raw = con.execute("select count(*) from raw.nba_stats__player_game_logs").fetchone()
    links = {
        f"nba_stats/player_game_logs/dt=2024-10-23/{name}": far / landed.path,
        f"nba_stats/player_game_logs/dt=2024-10-23/{manifest}": far / landed.manifest_path,
        "nba_stats/player_game_logs/dt=2025-01-02": far / Path(landed.path).parent,
        "nba_cdn": far / "nba_stats",
        f"nba_stats/player_game_logs/dt=2024-10-23/{pipe}": tmp_path / "pipe",
    }
    assert rows == {
        path: ("", f"not a regular file: a symbolic link to {str(target)!r}, not followed")
        for path, target in links.items()
    }
    assert raw == (0,)

    from ingest.storage import NotRegularFile

    storage = LocalStorage(root)
    refused: dict[str, str] = {}

    def read_all() -> None:
        for key in [
            *links,
            f"nba_stats/player_game_logs/dt=2025-01-02/{name}",
            f"nba_cdn/player_game_logs/dt=2025-01-02/{name}",
        ]:
            with pytest.raises(NotRegularFile) as caught:
                storage.read_regular(key)
            refused[key] = str(caught.value)

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert not reader.is_alive(), "read_regular() opened the FIFO and waits for a writer"
    assert refused[f"nba_stats/player_game_logs/dt=2024-10-23/{name}"] == (
        f"nba_stats/player_game_logs/dt=2024-10-23/{name} is a symbolic link, "
        "not a regular file: not read"
    )
    assert refused[f"nba_cdn/player_game_logs/dt=2025-01-02/{name}"] == (
        "nba_cdn is a symbolic link, not a folder: not read"
    )
    assert refused[f"nba_stats/player_game_logs/dt=2025-01-02/{name}"] == (
        "nba_stats/player_game_logs/dt=2025-01-02 is a symbolic link, not a folder: not read"
    )
    assert len(refused) == 7
    # Other callers' plain read() is unchanged (pick'em and BigDataBall input folders).
    assert storage.read(f"nba_stats/player_game_logs/dt=2024-10-23/{name}") == (
        corpus.opening_night()
    )
