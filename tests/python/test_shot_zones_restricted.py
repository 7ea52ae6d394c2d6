"""The shot-zone parsers on the restricted real captures, end to end: land, load, dbt, compare.

Two NBA.com cdn play-by-play payloads (0022400500, 0022400561) and one BigDataBall CSV
(0042400407, 2025 Finals game 7) go through the real ingest and dbt models. The counts are then
compared with numbers computed straight from the files and with box scores from other sources:
- NBA.com's box score for 0022400561;
- Ball Don't Lie's player box for 0042400407;
- the cdn's own `area` label for every cdn shot.

The files are read from ../shared/data/restricted at test time and never copied; the test
skips when they are absent (a clone of the repository does not have them).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SHARED

from ingest.landing import LandingZone
from ingest.load import load
from ingest.sources import bigdataball

SAMPLES = SHARED / "restricted" / "nba-stats-scraper-samples"
CDN = {
    "0022400500": SAMPLES / "nbac_play_by_play" / "raw_14ecf360.json.gz",
    "0022400561": SAMPLES / "nbac_play_by_play" / "raw_416e8d5c.json.gz",
}
BDB_DIR = SAMPLES / "bigdataball_pbp"
NBA_BOX_0022400561 = SAMPLES / "nbac_team_boxscore" / "raw_12f99055.json"
BDL_BOX_0042400407 = SAMPLES / "bdl_player_box_scores" / "raw_1db4c01e.json"
DBT = str(Path(sys.executable).with_name("dbt"))
CDN_AREA = {
    "Restricted Area": "restricted_area",
    "In The Paint (Non-RA)": "paint_non_ra",
    "Mid-Range": "mid_range",
    "Left Corner 3": "corner_three",
    "Right Corner 3": "corner_three",
    "Above the Break 3": "above_break_three",
    "Backcourt": "above_break_three",
}

pytestmark = pytest.mark.slow


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    if not SAMPLES.is_dir():
        pytest.skip(
            f"restricted samples {SAMPLES} are absent (only the project workspace has them)"
        )
    tmp = tmp_path_factory.mktemp("restricted_pbp")
    zone = LandingZone(tmp / "landing")
    for game_id, path in CDN.items():
        zone.land(
            "nba_cdn",
            "play_by_play",
            f"playbyplay_{game_id}",
            gzip.decompress(path.read_bytes()),
            origin=f"file:{path}",
        )
    assert len(bigdataball.land_folder(zone, BDB_DIR).landed) == 1
    db = tmp / "warehouse.duckdb"
    result = load(zone=zone, db_path=db)
    assert result.quarantined == 0
    env = dict(
        os.environ,
        NBA_DUCKDB_PATH=str(db),
        DBT_PROFILES_DIR=str(REPO / "profiles"),
        DBT_TARGET="duckdb",
    )
    done = subprocess.run(
        [DBT, "run", "-s", "+int_shot_attempts", "--target-path", str(tmp / "target"),
         "--log-path", str(tmp / "logs")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    return duckdb.connect(str(db), read_only=True)


def _cdn_actions(game_id: str) -> list[dict]:
    return json.loads(gzip.decompress(CDN[game_id].read_bytes()))["game"]["actions"]


def test_every_shot_in_the_files_is_parsed(warehouse: duckdb.DuckDBPyConnection) -> None:
    parsed = dict(
        warehouse.execute(
            "select shot_feed || ' ' || game_id, count(*) from intermediate.int_shot_attempts "
            "group by 1"
        ).fetchall()
    )
    with open(next(BDB_DIR.glob("*.csv")), newline="") as fh:
        bdb_shots = sum(1 for row in csv.DictReader(fh) if row["event_type"] in ("shot", "miss"))
    expected = {
        f"nba_cdn {g}": sum(a.get("isFieldGoal") == 1 for a in _cdn_actions(g)) for g in CDN
    }
    expected["bigdataball 0042400407"] = bdb_shots
    print(f"\nshots parsed per feed and game: {parsed}")
    assert (
        parsed
        == expected
        == {
            "nba_cdn 0022400500": 181,
            "nba_cdn 0022400561": 178,
            "bigdataball 0042400407": 157,
        }
    )
    (no_zone,) = warehouse.execute(
        "select count(*) from intermediate.int_shot_attempts where shot_zone is null "
        "or shot_zone_basis <> 'coordinates'"
    ).fetchone()
    assert no_zone == 0  # both feeds locate every shot


def test_cdn_zones_reconcile_with_the_nba_box_score(warehouse: duckdb.DuckDBPyConnection) -> None:
    box = json.loads(NBA_BOX_0022400561.read_text())
    (players,) = [rs for rs in box["resultSets"] if rs["name"] == "PlayerStats"]
    at = {h: i for i, h in enumerate(players["headers"])}
    expected = {
        row[at["PLAYER_ID"]]: (row[at["FGA"]], row[at["FG3A"]])
        for row in players["rowSet"]
        if row[at["FGA"]] is not None
    }
    rows = warehouse.execute(
        """
        select player_id, count(*) as fga,
               sum(case when shot_zone_coarse = 'three' then 1 else 0 end) as three_zone,
               sum(case when shot_zone_coarse in ('paint', 'mid_range', 'three') then 1 else 0 end)
        from intermediate.int_shot_attempts
        where game_id = '0022400561'
        group by player_id
        """
    ).fetchall()
    zones = {pid: (fga, three) for pid, fga, three, _ in rows}
    assert all(zoned == fga for _, fga, _, zoned in rows)
    shooters = {pid: counts for pid, counts in expected.items() if counts[0] > 0}
    mismatched = {pid for pid in shooters if zones.get(pid) != shooters[pid]}
    print(
        f"\n0022400561 cdn vs NBA box: {len(shooters)} players with FGA, "
        f"{len(mismatched)} mismatched on FGA or 3PA"
    )
    assert set(zones) == set(shooters) and not mismatched


def test_bigdataball_zones_reconcile_with_the_bdl_box_score(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    box = json.loads(BDL_BOX_0042400407.read_text())["data"]
    expected = {
        _name_key(f"{r['player']['first_name']} {r['player']['last_name']}"): (r["fga"], r["fg3a"])
        for r in box
        if r["fga"]
    }
    rows = warehouse.execute(
        """
        select shooter_text, count(*),
               sum(case when shot_zone_coarse = 'three' then 1 else 0 end)
        from intermediate.int_shot_attempts
        where shot_feed = 'bigdataball'
        group by shooter_text
        """
    ).fetchall()
    zones = {_name_key(name): (fga, three) for name, fga, three in rows}
    mismatched = {name for name in expected if zones.get(name) != expected[name]}
    print(
        f"\n0042400407 BigDataBall vs BDL box: {len(expected)} players with FGA, "
        f"{len(mismatched)} mismatched on FGA or 3PA {sorted(mismatched)}"
    )
    assert set(zones) == set(expected) and not mismatched


def test_our_zones_agree_with_the_cdn_area_label(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        """
        select shots.shot_zone, cdn.nba_area
        from intermediate.int_shot_attempts as shots
        join staging.stg_nba_cdn__shots as cdn
            on shots.game_id = cdn.game_id and shots.event_num = cdn.action_number
        where shots.shot_feed = 'nba_cdn'
        """
    ).fetchall()
    pairs = Counter((ours, CDN_AREA[area]) for ours, area in rows)
    agree = sum(n for (ours, theirs), n in pairs.items() if ours == theirs) / len(rows)
    print(f"\ncdn shots {len(rows)}: our fine zone = NBA.com area on {agree:.1%}")
    print({f"{a}->{b}": n for (a, b), n in pairs.items() if a != b})
    assert len(rows) == 359 and agree >= 0.95
