"""The nightly selection runs every data test exactly once: folded into its model's
declared_data_tests_pass (one query per model, seed or source) or as its own node, and a
folded test that fails makes the bundle fail with the test's name."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import DBT, run_in

pytestmark = pytest.mark.slow

BUNDLE = "declared_data_tests_pass"


def _dbt(tmp: Path, *args: str) -> str:
    done = run_in(
        tmp, [DBT, *args, "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return done.stdout


def _names(stdout: str) -> set[str]:
    return {line.strip() for line in stdout.splitlines() if line.strip()}


@pytest.fixture(scope="module")
def nightly(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse with the declared_data_tests_pass tests compiled."""
    tmp = tmp_path_factory.mktemp("nightly")
    shutil.copyfile(demo_warehouse, tmp / "warehouse.duckdb")
    _dbt(tmp, "compile", "--select", f"test_name:{BUNDLE}", "-q")
    shutil.copyfile(tmp / "target" / "manifest.json", tmp / "compiled_manifest.json")
    return tmp


def _bundles(tmp: Path) -> dict[str, str]:
    """Name -> compiled SQL of every declared_data_tests_pass test (long names get hashed
    file names, so the manifest is read rather than the compiled folder)."""
    manifest = json.loads((tmp / "compiled_manifest.json").read_text(encoding="utf-8"))
    return {
        node["name"]: node["compiled_code"]
        for node in manifest["nodes"].values()
        if (node.get("test_metadata") or {}).get("name") == BUNDLE
    }


def _folded(sql: str) -> list[str]:
    return re.findall(r"'([^']+)' as test_name", sql)


def test_every_data_test_runs_exactly_once_at_night(nightly: Path) -> None:
    every_test = _names(_dbt(nightly, "ls", "--resource-type", "test", "--output", "name", "-q"))
    nightly_nodes = _names(
        _dbt(
            nightly,
            "ls",
            "--selector",
            "nightly",
            "--resource-type",
            "test",
            "--output",
            "name",
            "-q",
        )
    )
    bundles = _bundles(nightly)
    assert bundles and set(bundles) <= nightly_nodes

    folded: list[str] = []
    for sql in bundles.values():
        folded += _folded(sql)
    own_nodes = {name for name in nightly_nodes if BUNDLE not in name}

    # The default selection (plain `dbt build`, `make test`) runs them one by one instead.
    assert not any(BUNDLE in name for name in every_test)
    assert len(folded) == len(set(folded)), "a test is folded into two bundles"
    assert not set(folded) & own_nodes, "a test runs both folded and as its own node"
    assert set(folded) | own_nodes == every_test, "not run at night: " + ", ".join(
        sorted(every_test - set(folded) - own_nodes)
    )
    # Far fewer nodes: the point of folding (dbt's cost is per node).
    assert len(nightly_nodes) * 5 < len(every_test)


def test_a_failing_folded_test_fails_its_bundle_by_name(nightly: Path, tmp_path: Path) -> None:
    broken = tmp_path / "warehouse.duckdb"
    shutil.copyfile(nightly / "warehouse.duckdb", broken)
    with duckdb.connect(str(broken)) as con:
        con.execute(
            "update marts.player_game_summary set points = null "
            "where game_id = (select min(game_id) from marts.player_game_summary)"
        )
        bundle = _bundles(nightly)[f"{BUNDLE}_player_game_summary_"]
        failing = con.execute(bundle).fetchall()
    assert [name for name, _ in failing] == ["not_null_player_game_summary_points"]
    assert failing[0][1] > 0

    shutil.copytree(nightly / "target", tmp_path / "target")
    done = run_in(
        tmp_path,
        [
            DBT,
            "test",
            "--select",
            f"test_name:{BUNDLE},player_game_summary",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
    )
    assert done.returncode == 1, done.stdout[-3000:]
    assert re.search(rf"FAIL 1 {BUNDLE}_player_game_summary_", done.stdout), done.stdout[-3000:]
