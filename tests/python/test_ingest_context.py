"""Pre-game context loaders: NBA.com schedule, The Odds API (props and game lines), pick'em line
files, a user's own lines CSV, and the bundled pick'em files.

The real schedule and Odds API payloads are restricted (no licence to redistribute), so the
tests that replay them read ../shared/data/restricted at run time and skip when it is absent.
The pick'em files are MIT and ship in data/bundled.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from datetime import date
from pathlib import Path

import bad_input_corpus as corpus
import pytest
from conftest import REPO, SHARED, Replay, Reply

from ingest import bundled_lines
from ingest.__main__ import main
from ingest.csv_payload import csv_rows
from ingest.http import HttpClient, HttpConfig, redact
from ingest.landing import LandingZone, parse_timestamp
from ingest.load import load
from ingest.sources import nba_schedule, odds_api, pickem_lines, user_lines

RESTRICTED = SHARED / "restricted" / "nba-stats-scraper-samples"
SECRET = "0123456789abcdef0123456789abcdef"
FAST = {"min_delay": 0.0, "backoff_base": 0.01, "backoff_max": 0.05, "jitter": 0.01}
BUNDLE = REPO / "data" / "bundled"


def restricted_or_skip(relative: str) -> bytes:
    path = RESTRICTED / relative
    if not path.is_file():
        pytest.skip(f"restricted sample {path} is absent (only the project workspace has it)")
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def client() -> HttpClient:
    return HttpClient(HttpConfig(**{"timeout": 5.0, "max_attempts": 3, **FAST}))


# --- The Odds API ------------------------------------------------------------------------


def test_redact_hides_key_values_in_urls_and_messages() -> None:
    url = f"https://api.the-odds-api.com/v4/sports/x/events?apiKey={SECRET}&regions=us"
    assert (
        redact(url) == "https://api.the-odds-api.com/v4/sports/x/events?apiKey=REDACTED&regions=us"
    )
    message = f"Max retries exceeded with url: /v4/x?markets=a&apiKey={SECRET} (Caused by ...)"
    assert SECRET not in redact(message)
    assert redact("monkey=1&keys=2") == "monkey=1&keys=2"


def test_historical_props_land_exact_bytes_and_never_the_key(
    replay: Replay,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = restricted_or_skip("oddsa_events_his/raw_aaf97612.json")
    props = restricted_or_skip("oddsa_player_props_his/raw_d894c998.json")
    monkeypatch.setenv(odds_api.API_KEY_ENV, SECRET)
    # The events list, the MEM@NOP props, then "no markets yet" for every other event.
    replay.queue(Reply(body=events), Reply(body=props), Reply(status=204, body=b""))
    zone = LandingZone(tmp_path)
    at = parse_timestamp("2025-03-09T23:55:38Z")
    with caplog.at_level(logging.DEBUG), client() as http:
        report = odds_api.fetch_slate(
            http, zone, [odds_api.PLAYER_PROPS], at=at, hours_ahead=0.5, url_base=f"{replay.url}/v4"
        )

    assert replay.seen[0].path == "/v4/historical/sports/basketball_nba/events"
    assert replay.seen[0].query["date"] == ["2025-03-09T23:55:38Z"]
    props_call = replay.seen[1]
    assert props_call.path == (
        "/v4/historical/sports/basketball_nba/events/242c77a8d5890e18bab91773ad32fcb5/odds"
    )
    assert props_call.query["markets"] == ["player_points"]
    assert props_call.query["apiKey"] == [SECRET]  # sent to the API, and nowhere else
    assert report.events == len(replay.seen) - 1 and report.events >= 2
    assert [landed.written for landed in report.landed] == [True]
    assert len(report.empty) == report.events - 1 and not report.failed

    (props_file,) = zone.iter_payloads(odds_api.SOURCE, odds_api.PLAYER_PROPS)
    assert zone.read(props_file.path) == props
    assert props_file.request_key == "event_242c77a8d5890e18bab91773ad32fcb5_player_props"
    for landed in zone.iter_payloads():
        manifest = zone.read_manifest(landed.path)
        assert manifest is not None and "apiKey" not in manifest["params"]
        assert "apiKey=REDACTED" in manifest["origin"]
        assert SECRET not in json.dumps(manifest)
    assert SECRET not in caplog.text

    # The warehouse outside the landing root: anything under it is a landed file or a stray.
    result = load(landing_root=tmp_path, db_path=tmp_path.with_name(f"{tmp_path.name}.duckdb"))
    assert result.quarantined == 0
    assert result.loaded_by_table == {"raw.odds_api__events": 1, "raw.odds_api__player_props": 1}


@pytest.mark.parametrize(
    "relative",
    [
        "oddsa_player_props_his/raw_4fd911e4.json",
        "oddsa_player_props_his/raw_d894c998.json",
        "oddsa_game_lines_his/raw_b722994c.json",
    ],
)
def test_real_event_odds_pass_the_loader_gate(relative: str) -> None:
    assert odds_api.check_event_odds(json.loads(restricted_or_skip(relative))) is None


def test_events_gate_and_odds_gate_refuse_wrong_shapes() -> None:
    assert odds_api.check_event_odds([]) == "event is not an object"
    assert "bookmakers" in str(
        odds_api.check_event_odds(
            {"id": "0" * 32, "commence_time": "x", "home_team": "a", "away_team": "b"}
        )
    )
    assert odds_api.check_events({"message": "Invalid API key"}) == "events payload is not a list"
    with pytest.raises(ValueError):
        odds_api.validate_event_id("../etc")


def test_fetch_odds_without_a_key_stops_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replay: Replay
) -> None:
    monkeypatch.delenv(odds_api.API_KEY_ENV, raising=False)
    code = main(["--landing-root", str(tmp_path), "fetch-odds", "--base-url", f"{replay.url}/v4"])
    assert code == 2 and replay.seen == []


# --- NBA.com schedule --------------------------------------------------------------------


def opening_night_odds() -> tuple[list[dict[str, object]], dict[str, bytes]]:
    """Opening night's two games as The Odds API lists them, and each game's player points
    odds, all from the real pick'em export of 2024-10-22 (a The Odds API `us_dfs` export)."""
    headers, rows = csv_rows(corpus.bundled_line_file(corpus.OPENING_NIGHT).decode("utf-8"))
    events: dict[str, dict[str, object]] = {}
    books: dict[str, dict[str, list[dict[str, object]]]] = {}
    for row in (dict(zip(headers, r, strict=True)) for r in rows):
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
        if row["market"] == "player_points":
            books.setdefault(row["game_id"], {}).setdefault(row["bookmaker"], []).append(
                {
                    "name": row["side"],
                    "description": row["player"],
                    "point": float(row["line"]),
                    "price": float(row["price"]),
                }
            )
    listed = sorted(events.values(), key=lambda e: str(e["commence_time"]))
    odds = {
        str(event["id"]): json.dumps(
            {
                **event,
                "bookmakers": [
                    {"key": book, "markets": [{"key": "player_points", "outcomes": outcomes}]}
                    for book, outcomes in books.get(str(event["id"]), {}).items()
                ],
            }
        ).encode()
        for event in listed
    }
    return listed, odds


def test_failed_event_odds_go_to_a_retry_list_that_fetches_exactly_them_again(
    replay: Replay,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    listed, odds = opening_night_odds()
    events = listed[:2]  # opening night: NYK at BOS, then MIN at LAL
    first, second = (str(e["id"]) for e in events)
    assert odds_api.check_event_odds(json.loads(odds[first])) is None
    monkeypatch.setenv(odds_api.API_KEY_ENV, SECRET)
    for name, value in (("MIN_DELAY", "0"), ("BACKOFF_BASE", "0.01"), ("JITTER", "0")):
        monkeypatch.setenv(f"NBA_HTTP_{name}", value)
    monkeypatch.setenv("NBA_HTTP_MAX_ATTEMPTS", "2")
    # The events list, the first game's props, then a 500 for the second game, every attempt.
    replay.queue(
        Reply(body=json.dumps(events).encode()),
        Reply(body=odds[first]),
        Reply(status=500, body=b'{"message": "internal error"}'),
    )
    root = tmp_path / "landing"
    at = "2024-10-22T20:00:00Z"
    base = ["--landing-root", str(root), "fetch-odds", "--base-url", f"{replay.url}/v4"]
    assert main([*base, "--markets", "player_points", "--at", at]) == 3
    assert "retry list" in capsys.readouterr().out

    (retry_file,) = (root / "_retry" / odds_api.SOURCE / odds_api.PLAYER_PROPS).glob("retry_*.json")
    text = retry_file.read_text(encoding="utf-8")
    assert SECRET not in text
    body = json.loads(text)
    assert (body["source"], body["entity"]) == (odds_api.SOURCE, odds_api.PLAYER_PROPS)
    assert parse_timestamp(body["written_at"])
    assert body["requests"] == [
        {"event_id": second, "markets": "player_points", "at": at, "regions": "us"}
    ]
    (failure,) = body["failures"]
    assert failure["event_id"] == second and failure["last_status"] == 500
    assert "500" in failure["error"] and "apiKey=REDACTED" in failure["error"]
    zone = LandingZone(root)
    assert [p.request_key for p in zone.iter_payloads(odds_api.SOURCE, odds_api.PLAYER_PROPS)] == [
        f"event_{first}_player_props"
    ]

    # Replay: exactly the second game's props, at the same time, and nothing else.
    seen = len(replay.seen)
    replay.queue(Reply(body=odds[second]))
    assert main([*base, "--retry-file", str(retry_file)]) == 0
    (call,) = replay.seen[seen:]
    assert call.path == f"/v4/historical/sports/basketball_nba/events/{second}/odds"
    assert call.query["date"] == [at] and call.query["markets"] == ["player_points"]
    assert call.query["apiKey"] == [SECRET]
    assert sorted(
        p.request_key for p in zone.iter_payloads(odds_api.SOURCE, odds_api.PLAYER_PROPS)
    ) == sorted(f"event_{e}_player_props" for e in (first, second))
    result = load(landing_root=root, db_path=tmp_path / "db.duckdb")
    assert result.quarantined == 0
    assert result.loaded_by_table["raw.odds_api__player_props"] == 2
    # The retry list lies outside every source: the loader never reads it.
    assert result.seen == 3


def test_a_tampered_odds_retry_list_is_refused_before_any_request(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(odds_api.API_KEY_ENV, SECRET)
    retry = tmp_path / "retry.json"
    retry.write_text(
        json.dumps(
            {
                "source": odds_api.SOURCE,
                "entity": odds_api.PLAYER_PROPS,
                "requests": [{"event_id": "../../etc", "markets": "player_points"}],
            }
        ),
        encoding="utf-8",
    )
    args = ["--landing-root", str(tmp_path / "landing"), "fetch-odds"]
    assert main([*args, "--base-url", f"{replay.url}/v4", "--retry-file", str(retry)]) == 2
    assert replay.seen == []


def test_an_event_listed_twice_is_fetched_once(
    replay: Replay,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every odds request spends API quota: an events list naming one event twice (opening
    night's first game repeated) sends one odds request per distinct event."""
    listed, odds = opening_night_odds()
    first, second = (str(e["id"]) for e in listed[:2])
    monkeypatch.setenv(odds_api.API_KEY_ENV, SECRET)
    replay.queue(
        Reply(body=json.dumps([listed[0], listed[1], listed[0]]).encode()),
        Reply(body=odds[first]),
        Reply(body=odds[second]),
    )
    zone = LandingZone(tmp_path / "landing")
    with caplog.at_level(logging.INFO), client() as http:
        report = odds_api.fetch_slate(
            http,
            zone,
            [odds_api.PLAYER_PROPS],
            at=parse_timestamp("2024-10-22T20:00:00Z"),
            url_base=f"{replay.url}/v4",
        )
    events_path = "/v4/historical/sports/basketball_nba/events"
    assert [seen.path for seen in replay.seen] == [
        events_path,
        f"{events_path}/{first}/odds",
        f"{events_path}/{second}/odds",
    ]
    assert report.events == 2 and len(report.landed) == 2 and report.failed == []
    assert "dropped 1 duplicate event id(s)" in caplog.text


def test_schedule_falls_back_to_the_backup_url_and_lands_exact_bytes(
    replay: Replay, tmp_path: Path
) -> None:
    body = restricted_or_skip("nbac_schedule_api/raw_80cb1fd6.json.gz")
    assert nba_schedule.check_schedule(json.loads(body)) is None
    replay.queue(Reply(status=404, body=b"<html>not found</html>"), Reply(body=body))
    zone = LandingZone(tmp_path)
    with client() as http:
        landed = nba_schedule.fetch_schedule(
            http, zone, [f"{replay.url}/primary.json", f"{replay.url}/backup.json"]
        )
    assert [seen.path for seen in replay.seen] == ["/primary.json", "/backup.json"]
    assert zone.read(landed.path) == body
    assert landed.path.startswith("nba_schedule/league_schedule/dt=")
    assert "/scheduleLeagueV2_2024-25." in landed.path


def test_schedule_gate_names_what_is_missing() -> None:
    assert nba_schedule.check_schedule({"leagueSchedule": {}}) == (
        "missing or empty leagueSchedule.gameDates"
    )
    game = {"gameId": "0022400561", "homeTeam": {"teamTricode": "PHI"}, "awayTeam": {}}
    problem = nba_schedule.check_schedule({"leagueSchedule": {"gameDates": [{"games": [game]}]}})
    assert problem == "gameDates[0].games[0].awayTeam lacks teamTricode"
    assert nba_schedule.request_key(b"not json") == "scheduleLeagueV2"


# --- pick'em line files ------------------------------------------------------------------


def test_bundled_pickem_files_are_the_upstream_files_unchanged() -> None:
    folder = SHARED / bundled_lines.PICKEM_DIR
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    records = list(bundled_lines.read_lines_bundle(bundled_lines.bundle_path(BUNDLE)))
    assert len(records) == 84
    for record in records:
        name = record["params"]["file_name"]  # type: ignore[index]
        assert str(record["payload_text"]).encode() == (folder / str(name)).read_bytes()


def test_through_lands_the_line_files_up_to_the_next_evening(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    landed = bundled_lines.land_bundled_lines(zone, BUNDLE, through=date(2024, 10, 23))
    assert sorted(item.path.split("/")[-1].split(".")[0] for item in landed) == [
        "lines_2024-10-22",
        "lines_2024-10-23",
        "lines_2024-10-24",
        "lines_2024-10-25",
    ]
    assert all(item.path.endswith(".csv") for item in landed)
    assert bundled_lines.land_bundled_lines(zone, BUNDLE, seasons=["2018-19"]) == []


def test_pickem_folder_lands_named_files_and_refuses_others(tmp_path: Path) -> None:
    folder = tmp_path / "lines"
    folder.mkdir()
    record = next(bundled_lines.read_lines_bundle(bundled_lines.bundle_path(BUNDLE)))
    (folder / "10_22_2024.csv").write_text(str(record["payload_text"]), encoding="utf-8")
    (folder / "latest.csv").write_text(str(record["payload_text"]), encoding="utf-8")
    zone = LandingZone(tmp_path / "landing")
    report = pickem_lines.land_folder(zone, folder)
    assert [item.path.split("/")[-1].split(".")[0] for item in report.landed] == [
        "lines_2024-10-22"
    ]
    assert [key for key, _ in report.rejected] == ["latest.csv"] and report.failing == []
    payload = json.loads(pickem_lines.payload_text(zone.read(report.landed[0].path)))
    assert pickem_lines.check_payload(payload) is None
    headers, rows = csv_rows(str(record["payload_text"]))
    assert payload["resultSets"][0]["headers"] == headers
    assert len(payload["resultSets"][0]["rowSet"]) == len(rows)


# --- a user's own lines ------------------------------------------------------------------

# Real lines (PrizePicks, 2024-10-22 file), written the way a user would keep them.
USER_CSV = (
    "game_date,player_name,team_abbr,opponent_abbr,line,book,snapshot_at\n"
    "2024-10-22,Jayson Tatum,BOS,NYK,26.5,prizepicks,2024-10-22T00:00:00Z\n"
    "2024-10-22,Jalen Brunson,NYK,BOS,27.5,prizepicks,\n"
)


def test_import_lines_lands_a_valid_file(tmp_path: Path) -> None:
    source = tmp_path / "my lines.csv"
    source.write_text(USER_CSV, encoding="utf-8")
    root = tmp_path / "landing"
    assert main(["--landing-root", str(root), "import-lines", str(source)]) == 0
    (landed,) = LandingZone(root).iter_payloads(user_lines.SOURCE, user_lines.PLAYER_POINTS)
    digest = hashlib.sha256(b"my lines.csv").hexdigest()[:8]
    assert landed.request_key == f"import_my_lines_{digest}"
    assert landed.path.endswith(".csv")
    result = load(landing_root=root, db_path=tmp_path / "db.duckdb")
    assert result.loaded_by_table == {"raw.user_lines__player_points": 1}


def test_file_names_that_sanitise_alike_stay_two_imports(tmp_path: Path) -> None:
    """`my lines.csv` and `my_lines.csv` (and `my_lines.txt`) once shared the key
    `import_my_lines`, so each import replaced the other in staging without a word."""
    root = tmp_path / "landing"
    names = ["my lines.csv", "my_lines.csv", "my_lines.txt", "my-lines.csv"]
    halves = USER_CSV.splitlines(keepends=True)
    for i, name in enumerate(names):
        source = tmp_path / name
        # Each file its own real line, so every import has other bytes.
        source.write_text(halves[0] + halves[1 + i % 2], encoding="utf-8")
        assert main(["--landing-root", str(root), "import-lines", str(source)]) == 0
    keys = [
        p.request_key
        for p in LandingZone(root).iter_payloads(user_lines.SOURCE, user_lines.PLAYER_POINTS)
    ]
    assert len(keys) == len(set(keys)) == len(names)
    assert user_lines.request_key("my_lines.csv") == "import_my_lines"
    assert user_lines.request_key("my-lines.csv") == "import_my-lines"
    # The same name imported again is the same import (the later one wins in staging).
    assert user_lines.request_key("my lines.csv") == user_lines.request_key("my lines.csv")


def test_import_lines_lands_unusable_rows_for_the_loader_with_line_numbers(
    tmp_path: Path,
) -> None:
    bad = (
        "game_date,player_name,team_abbr,line,snapshot_at\n"
        "10/22/2024,Jayson Tatum,BOS,26.5,\n"
        "2024-10-22,,Boston,over,2024-10-22 18:00\n"
    )
    with pytest.raises(ValueError) as err:
        user_lines.validate(bad.encode())
    message = str(err.value)
    for expected in (
        "line 2: game_date '10/22/2024'",
        "line 3: player_name is empty",
        "line 3: team_abbr 'Boston'",
        "line 3: line 'over' is not a number",
        "line 3: snapshot_at '2024-10-22 18:00' has no time zone",
    ):
        assert expected in message
    # The loader's gate runs the same checks on the stored rows, with the same words.
    assert user_lines.content_problem(bad.encode()) == f"unexpected payload shape: {message}"
    with pytest.raises(ValueError, match="missing required column"):
        user_lines.validate(b"player,line\nJayson Tatum,26.5\n")
    source = tmp_path / "bad.csv"
    source.write_text(bad, encoding="utf-8")
    root = tmp_path / "landing"
    # Landed unchanged (the loader quarantines it), and the exit code says something is wrong.
    assert main(["--landing-root", str(root), "import-lines", str(source)]) == 1
    (landed,) = LandingZone(root).iter_payloads(user_lines.SOURCE, user_lines.PLAYER_POINTS)
    assert LandingZone(root).read(landed.path) == bad.encode()
