"""`nba-props`: help for every command, exit codes 0/1/2/130, dry runs that change nothing,
timestamped logs of what was read and written, and progress bars only on a terminal."""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.landing import LandingZone
from pipeline import cli, commands, progress

REPO = Path(__file__).resolve().parents[2]

COMMANDS = (
    "run",
    "ingest",
    "load",
    "build",
    "train",
    "evaluate",
    "score",
    "report",
    "query",
    "quarantine",
)
INGEST_SOURCES = (
    "bundled",
    "shared",
    "fetch",
    "fetch-pbp",
    "fetch-schedule",
    "fetch-odds",
    "bigdataball",
    "pickem-lines",
    "import-lines",
)
# Opening week of 2024-25 in the shipped bundle: a handful of payloads, lands in a second.
SMALL = ["--seasons", "2024-25", "--through", "2024-10-24"]
TIMESTAMPED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (INFO|WARNING|ERROR) ", re.M)


@pytest.fixture(autouse=True)
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """Own landing zone, warehouse and artifacts; logging and bars put back afterwards."""
    found = {
        "landing": tmp_path / "landing",
        "warehouse": tmp_path / "wh" / "nba.duckdb",
        "artifacts": tmp_path / "artifacts",
    }
    monkeypatch.setenv("NBA_LANDING_ROOT", str(found["landing"]))
    monkeypatch.setenv("NBA_DUCKDB_PATH", str(found["warehouse"]))
    monkeypatch.setenv("NBA_ML_ARTIFACTS", str(found["artifacts"]))
    monkeypatch.delenv("DBT_TARGET", raising=False)
    monkeypatch.delenv("NBA_NO_PROGRESS", raising=False)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield found
    root.handlers[:] = handlers
    root.setLevel(level)
    progress.set_enabled(None)


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under folder (hidden ones too): size and sha256."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def dry_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("[dry-run]")]


# --- help --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: nba-props {command}")
    summary, _, _ = cli.HELP[command]
    assert summary in " ".join(out.split())
    assert "--dry-run" in out
    assert "examples:\n  nba-props " in out
    assert "exit codes:\n  0    success" in out and "130  interrupted" in out


@pytest.mark.parametrize("source", INGEST_SOURCES)
def test_every_ingest_source_explains_itself(
    source: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ingest", source, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: nba-props ingest {source}")
    assert cli.SOURCES[source].split("\n")[0] in out
    assert "--landing-root" in out and "--dry-run" in out and "exit codes:" in out


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in (*COMMANDS, *cli.FORWARDED):
        assert re.search(rf"^    {command} ", out, re.M), command
    assert "2    usage error" in out


def test_console_script_is_declared() -> None:
    pyproject = (Path(cli.__file__).parents[1] / "pyproject.toml").read_text()
    assert 'nba-props = "pipeline.cli:console"' in pyproject


# --- exit codes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["no-such-command"],
        ["train", "--no-such-option"],
        ["ingest", "bundled", "--through", "24-10-2024"],
        ["ingest", "fetch"],  # nothing to fetch
        ["ingest", "fetch", "--dry-run"],
        ["load", "--threads", "2"],  # dbt options are for build only
        ["build", "--nightly", "--select", "player_game_summary"],  # a selection or nightly
        ["build", "--nightly", "--exclude", "player_game_summary"],
        ["run", "--from-shared", "--through", "2024-11-01"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    assert "error" in capsys.readouterr().err.lower()


def test_land_and_load_exit_0_and_log_what_they_read_and_wrote(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ingest", "bundled", *SMALL]) == 0
    err = capsys.readouterr().err
    landed = list(LandingZone(paths["landing"]).iter_payloads())
    assert landed
    assert TIMESTAMPED.search(err)
    assert "read data/bundled/nba_stats/player_game_logs/2024-25.jsonl.gz" in err
    assert f"landing {paths['landing']}: {len(landed)} new payloads" in err

    assert cli.main(["load"]) == 0
    captured = capsys.readouterr()
    assert f"loaded {len(landed)}" in captured.out
    assert f"-> {paths['warehouse']}" in captured.err
    with duckdb.connect(str(paths["warehouse"]), read_only=True) as con:
        (rows,) = con.execute("select count(*) from raw.landing_inventory").fetchone() or (0,)
    assert rows == len(landed)


def test_quiet_keeps_info_out_and_verbose_lets_debug_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["-q", "ingest", "bundled", *SMALL]) == 0
    assert capsys.readouterr().err == ""
    assert cli.main(["ingest", "bundled", *SMALL, "-v"]) == 0
    err = capsys.readouterr().err
    assert " DEBUG ingest.landing: already landed " in err


def test_strict_load_with_a_quarantined_file_exits_1(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    LandingZone(paths["landing"]).land(
        "nba_stats", "player_game_logs", "truncated", b'{"resultSets": [', origin="test"
    )
    assert cli.main(["load", "--strict"]) == 1
    assert "strict load: 1 file(s) quarantined" in capsys.readouterr().err
    assert cli.main(["load"]) == 0  # not strict: the file stays set aside, the job goes on


def test_training_without_a_feature_store_exits_1(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    paths["warehouse"].parent.mkdir(parents=True)
    duckdb.connect(str(paths["warehouse"])).close()
    assert cli.main(["train"]) == 1
    assert "train failed: StoreError: ml.ml_feature_store does not exist" in (
        capsys.readouterr().err
    )
    assert not paths["artifacts"].exists()


def test_module_exit_codes_other_than_0_and_2_are_reported_as_1() -> None:
    assert [cli.normalise(code, "x") for code in (0, 1, 2, 3, 130)] == [0, 1, 2, 1, 130]


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "run_command", interrupted)
    assert cli.main(["load"]) == 130


def test_bench_and_analysis_get_the_rest_of_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    fake = types.ModuleType("fake_bench_cli")
    fake.main = lambda argv: seen.append(argv) or 4  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_bench_cli", fake)
    monkeypatch.setitem(cli.FORWARDED, "bench", ("fake_bench_cli", "test"))
    assert cli.main(["-q", "bench", "--help", "--seasons", "2024-25"]) == 1  # 4 -> failed
    assert seen == [["--help", "--seasons", "2024-25"]]


def test_a_missing_forwarded_module_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(cli.FORWARDED, "analysis", ("pipeline.no_such_module", "test"))
    assert cli.main(["analysis", "--out", "x"]) == 1
    assert "`nba-props analysis` needs pipeline.no_such_module" in capsys.readouterr().err


def test_bench_outside_a_checkout_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As from an installed wheel: no bench/ beside the imported `pipeline`."""
    monkeypatch.setattr(cli, "CHECKOUT", tmp_path)
    monkeypatch.setitem(cli.FORWARDED, "bench", ("no_such_bench_pkg.cli", "test"))
    assert cli.main(["bench", "--help"]) == 1
    err = capsys.readouterr().err
    assert "`nba-props bench` runs from a checkout of the repository" in err
    assert "no_such_bench_pkg/ is not part of the installed package" in err


def test_bench_is_found_beside_pipeline_in_a_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A console script has no repository on sys.path; the checkout holding `pipeline` does."""
    package = tmp_path / "checkout_bench_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text("def main(argv):\n    return 0 if argv == ['--x'] else 4\n")
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".", str(tmp_path))])
    monkeypatch.setattr(cli, "CHECKOUT", tmp_path)
    monkeypatch.setitem(cli.FORWARDED, "bench", ("checkout_bench_pkg.cli", "test"))
    try:
        assert cli.main(["bench", "--x"]) == 0
    finally:
        for name in ("checkout_bench_pkg", "checkout_bench_pkg.cli"):
            sys.modules.pop(name, None)


def test_the_real_bench_is_the_checkout_folder() -> None:
    assert cli.CHECKOUT == REPO
    assert (REPO / "bench" / "cli.py").is_file()
    assert not (REPO / "pipeline" / "bench").exists()


# --- dry runs ----------------------------------------------------------------------------


def test_ingest_dry_run_lands_nothing_and_counts_what_a_real_run_lands(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--dry-run", "ingest", "bundled", *SMALL]) == 0
    planned = dry_lines(capsys.readouterr().out)
    assert not paths["landing"].exists()
    match = re.search(r"(\d+) new payload\(s\) would be written", planned[0])
    assert match and int(match[1]) > 0

    assert cli.main(["ingest", "bundled", *SMALL]) == 0
    landed = list(LandingZone(paths["landing"]).iter_payloads())
    assert len(landed) == int(match[1])

    before = snapshot(paths["landing"])
    assert cli.main(["ingest", "bundled", *SMALL, "--dry-run"]) == 0
    assert "0 new payload(s) would be written" in capsys.readouterr().out
    assert snapshot(paths["landing"]) == before


def test_load_dry_run_leaves_the_warehouse_as_it_was(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ingest", "bundled", *SMALL]) == 0
    capsys.readouterr()
    assert cli.main(["load", "--dry-run"]) == 0
    planned = "\n".join(dry_lines(capsys.readouterr().out))
    assert not paths["warehouse"].exists()
    assert "does not exist yet" in planned
    match = re.search(r"would append +(\d+) row\(s\) to raw.nba_stats__player_game_logs", planned)
    assert match

    assert cli.main(["load"]) == 0
    with duckdb.connect(str(paths["warehouse"]), read_only=True) as con:
        (rows,) = con.execute("select count(*) from raw.nba_stats__player_game_logs").fetchone()
    assert rows == int(match[1])

    LandingZone(paths["landing"]).land(
        "nba_stats", "player_game_logs", "truncated", b"{", origin="test"
    )
    before = snapshot(paths["warehouse"].parent)
    assert cli.main(["--dry-run", "load", "--strict"]) == 0
    planned = "\n".join(dry_lines(capsys.readouterr().out))
    assert "would quarantine nba_stats/player_game_logs/" in planned
    assert "would append" not in planned
    assert snapshot(paths["warehouse"].parent) == before


def test_ml_dry_runs_name_their_destinations_and_write_nothing(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("train", "evaluate", "score", "report"):
        assert cli.main([command, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert str(paths["artifacts"] / "production" / "xgboost.ubj") in out
    assert str(paths["artifacts"] / "walkforward-2024-25" / "evaluation.json") in out
    assert "predictions.player_points_predictions" in out
    assert not paths["artifacts"].exists() and not paths["warehouse"].exists()


def test_network_dry_runs_send_nothing(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # An unroutable base URL: a request, if one were sent, would fail and exit 1. Its
    # credentials are not printed.
    argv = ["ingest", "fetch", "--seasons", "2024-25", "--from", "2024-11-01", "--to", "2024-11-02"]
    assert cli.main([*argv, "--base-url", "http://u:pw-42@127.0.0.1:9", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would send 2 request(s) to http://127.0.0.1:9/leaguegamelog" in out
    assert "leaguegamelog_P_2024-25_2024-11-01_2024-11-02" in out and "pw-42" not in out
    games = ["--games", "0022400500", "0022400500"]  # named twice, fetched once
    assert cli.main(["ingest", "fetch-pbp", *games, "--dry-run"]) == 0
    assert "would fetch 1 game(s)" in capsys.readouterr().out
    assert not paths["landing"].exists()


def test_run_dry_run_changes_nothing_and_lists_the_dbt_nodes(
    tmp_path: Path, paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The one test here that starts dbt (`dbt ls` into a throwaway target folder)."""
    assert cli.main(["ingest", "bundled", *SMALL]) == 0
    assert cli.main(["load"]) == 0
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert cli.main(["run", "--dry-run", "--seasons", "2024-25", "--through", "2024-10-30"]) == 0
    out = "\n".join(dry_lines(capsys.readouterr().out))
    assert snapshot(tmp_path) == before
    planned = re.search(r"landing zone .*: (\d+) new payload\(s\)", out)
    assert planned and int(planned[1]) > 0  # the nights after the 24th are not landed yet
    assert "model.nba_props_warehouse.player_game_summary" in out
    assert re.search(r"dbt build: \d+ node\(s\) into .*\d+ model", out)
    assert str(paths["artifacts"] / "production") in out


def test_nightly_build_is_every_model_and_seed_without_unit_tests(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    def counts(argv: list[str]) -> dict[str, int]:
        assert cli.main(argv) == 0
        out = capsys.readouterr().out
        planned = re.search(r"\d+ node\(s\) into [^:]+: (.+)", out)
        assert planned, out
        return {kind: int(n) for n, kind in re.findall(r"(\d+) (\w+)", planned[1])}

    nightly = counts(["build", "--nightly", "--dry-run"])
    models = len(list((REPO / "models").rglob("*.sql")))
    seeds = len(list((REPO / "seeds").glob("*.csv")))
    assert (nightly["model"], nightly["seed"]) == (models, seeds)
    assert "unit_test" not in nightly
    # Each model's data tests as one node (test_nightly_tests.py checks none is lost).
    assert 0 < nightly["test"] < 2 * models


# --- progress bars -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terminal", "flags", "bars"),
    [(True, [], True), (True, ["--no-progress"], False), (False, [], False)],
)
def test_progress_bars_only_on_a_terminal_and_never_with_no_progress(
    terminal: bool,
    flags: list[str],
    bars: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    assert cli.main([*flags, "ingest", "bundled", *SMALL]) == 0
    err = capsys.readouterr().err
    assert ("land bundled:" in err) is bars
    assert TIMESTAMPED.search(err)  # the log lines are there either way


def test_the_dbt_bar_steps_once_per_finished_node_out_of_dbts_own_total() -> None:
    """Fed dbt's own event messages, as dbtRunner hands them to its callbacks."""
    from dbt.events.types import ConcurrencyLine, LogStartLine, NodeFinished
    from dbt_common.events.base_types import msg_from_base_event

    from pipeline.dbt import _NodeProgress

    progress.set_enabled(True)
    tracker = _NodeProgress("dbt build")
    # node_count leaves the unit tests out; "N of TOTAL" counts them.
    tracker(msg_from_base_event(ConcurrencyLine(num_threads=1, target_name="t", node_count=2)))
    assert tracker.bar.total == 2
    tracker(msg_from_base_event(LogStartLine(description="unit test", index=1, total=3)))
    for status in ("success", "pass", "fail"):
        node = NodeFinished(node_info={"node_name": "m"}, run_result={"status": status})
        tracker(msg_from_base_event(node))
    assert (tracker.bar.total, tracker.bar.n) == (3, 3)
    assert tracker.statuses == {"success": 1, "pass": 1, "fail": 1}
    tracker.close()
    assert tracker.bar is None


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["build", "--nightly"], ["build", "--selector", "nightly", "--log-level-file", "info"]),
        (["-v", "build", "--nightly"], ["build", "--selector", "nightly"]),
        (["build", "--select", "player_game_summary"], None),
    ],
)
def test_nightly_build_logs_to_file_at_info_unless_verbose(
    argv: list[str], expected: list[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(commands, "run_dbt", lambda args: calls.append(list(args)) or True)
    assert cli.main(argv) == 0
    if expected is None:
        assert "--log-level-file" not in calls[0]
    else:
        assert calls == [expected]
