"""Shared fixtures: repo paths, the shared-data location, a loopback replay server, and the
demo warehouse (the bundled seasons landed, loaded and built by `dbt build`) built once per
session for every test that reads it."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "nba_stats"
TEAM_2018_19 = FIXTURES / "stats_leaguegamelog_nba_2018_19_Regular_Season.json"
PLAYER_2024_10_22 = FIXTURES / "leaguegamelog_P_2024-25_2024-10-22_2024-10-22.json"
SHARED = Path(os.environ.get("NBA_SHARED_DATA", REPO.parent / "shared" / "data"))
DBT = str(Path(sys.executable).with_name("dbt"))


def demo_env(tmp: Path) -> dict[str, str]:
    """Environment of a warehouse of its own under `tmp` (landing, DuckDB file, dbt target)."""
    env = dict(os.environ)
    env.update(
        NBA_LANDING_ROOT=str(tmp / "landing"),
        NBA_DUCKDB_PATH=str(tmp / "warehouse.duckdb"),
        DBT_PROFILES_DIR=str(REPO / "profiles"),
        DBT_TARGET="duckdb",
    )
    return env


def run_in(tmp: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=REPO, env=demo_env(tmp), capture_output=True, text=True, timeout=600, check=False
    )


def dbt_build_in(tmp: Path) -> subprocess.CompletedProcess[str]:
    """`dbt build` of the whole project on the warehouse under `tmp`, with its own target."""
    return run_in(
        tmp,
        [
            DBT,
            "build",
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(tmp / "logs"),
            "--no-partial-parse",
        ],
    )


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`ingest bundled`, `ingest load` and `dbt build` on the bundled seasons, once per session.

    Tests that change the warehouse work on a copy of the file."""
    tmp = tmp_path_factory.mktemp("e2e")
    for step in (["bundled"], ["load"]):
        done = run_in(tmp, [sys.executable, "-m", "ingest", *step])
        assert done.returncode == 0, done.stderr + done.stdout
    done = dbt_build_in(tmp)
    assert done.returncode == 0, done.stdout[-5000:]
    return tmp / "warehouse.duckdb"


def start_from_demo_parse(demo_warehouse: Path, target: Path) -> Path:
    """Give a dbt run on the demo warehouse (run_in(demo_warehouse.parent)) the parse of the
    build that made it: the same project, profile and warehouse path, so dbt's partial parse
    takes it instead of parsing the whole project again (~8 s). dbt itself checks the saved
    parse against the files, profile, vars and env vars, and parses in full if any differ."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo_warehouse.parent / "target" / "partial_parse.msgpack", target)
    return target


def write_small_store(
    database: Path,
    features: Sequence[str],
    rows: int = 60,
    season: str = "2024-25",
    text_feature: str | None = None,
) -> None:
    """A small real-shaped feature store in a DuckDB file: ml.ml_feature_store (keys, date,
    season, feature_version, every feature as DOUBLE) and marts.player_game_summary (the
    labels), `rows` played player-games on as many dates. `text_feature`, when given, is a
    VARCHAR column instead, holding 'n/a' on some rows (a store older than its YAML)."""
    import duckdb

    values = {f: f"cast(i % {k + 7} as double) + 0.5" for k, f in enumerate(features)}
    if text_feature is not None:
        values[text_feature] = "case when i % 4 = 0 then 'n/a' else cast(i % 9 as varchar) end"
    select = ", ".join(f"{expr} as {name}" for name, expr in values.items())
    with duckdb.connect(str(database)) as con:
        con.execute("create schema if not exists ml")
        con.execute("create schema if not exists marts")
        con.execute(
            f"""
            create table ml.ml_feature_store as
            select
                cast(1000 + i % 5 as bigint) as player_id,
                lpad(cast(i as varchar), 10, '0') as game_id,
                date '2024-10-22' + cast(i as integer) as game_date,
                '{season}' as season,
                'v1' as feature_version,
                {select}
            from range({rows}) as r(i)
            """
        )
        con.execute(
            """
            create table marts.player_game_summary as
            select
                player_id, game_id, cast(10 + player_id % 7 as integer) as points,
                30.0 as minutes, 'Player ' || player_id as player_name
            from ml.ml_feature_store
            """
        )


def shared_or_skip() -> Path:
    if not (SHARED / "open").is_dir():
        pytest.skip(f"shared data folder {SHARED} is absent (only the project workspace has it)")
    return SHARED


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Landing roots in tests are throwaway; fsync per file only slows the suite down."""
    monkeypatch.setenv("NBA_LANDING_FSYNC", "0")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Connection reset: send this many bytes of the body (after a full header block that
    # announces all of it), then close the socket with a TCP RST. 0 resets before any byte.
    reset_after: int | None = None
    # Send the body one byte at a time, this many seconds apart (a server that never stalls
    # long enough for a read timeout, yet never finishes).
    drip: float = 0.0
    # False: no Content-Length; the body ends when the server closes the connection.
    content_length: bool = True


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


class Replay:
    """Serves queued replies in order (then the last one forever) and records every request."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.default = Reply()
        self.seen: list[Seen] = []
        self.url = ""
        self._lock = threading.Lock()

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def next_reply(self) -> Reply:
        with self._lock:
            if self.replies:
                reply = self.replies.pop(0)
                self.default = reply if not self.replies else self.default
                return reply
            return self.default


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            replay.seen.append(
                Seen(
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    at=time.monotonic(),
                )
            )
            reply = replay.next_reply()
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                if reply.content_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.reset_after is not None:
                    self._reset(reply.body[: reply.reset_after])
                    return
                if reply.drip:
                    self._drip(reply.body, reply.drip)
                    return
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests); nothing to answer

        def _drip(self, body: bytes, every: float) -> None:
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(every)

        def _reset(self, partial: bytes) -> None:
            self.wfile.write(partial)
            self.wfile.flush()
            # Linger on, timeout 0: close() sends RST instead of FIN, as a dropped link does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def replay() -> Iterator[Replay]:
    state = Replay()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
