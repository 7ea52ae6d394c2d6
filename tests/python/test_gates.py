"""The CI gates can fail: sqlfluff on badly written SQL, dbt-bouncer on broken metadata.

`make gates` runs them on the real project; these tests show each one rejects what it is meant
to reject (and passes what it should), on a temp copy of the project or of its manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REPO

BIN = Path(sys.executable).parent
PROJECT = "nba_props_warehouse"
PROJECT_FILES = [
    "dbt_project.yml",
    ".sqlfluff",
    "profiles",
    "macros",
    "models",
    "seeds",
    "tests/dbt",
]

GOOD_SQL = """\
with

games as (
    select * from {{ ref('stg_nba_stats__team_game_logs') }}
)

select
    game_id,
    cast(team_id as {{ dbt.type_string() }}) as team_key,
    count(*) as team_rows
from games
group by game_id, team_id
"""

# One mistake per line, each against a rule the project's .sqlfluff enforces.
BAD_SQL = """\
SELECT
    logs.game_id
    , logs.team_id::varchar tid
from {{ ref('stg_nba_stats__team_game_logs') }} as logs
join {{ ref('stg_nba_stats__player_game_logs') }} as players
    on logs.game_id = players.game_id
"""


def _copy_project(dest: Path) -> Path:
    for name in PROJECT_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(tmp_path / "project" / "profiles"),
        NBA_DUCKDB_PATH=str(tmp_path / "lint.duckdb"),
        DBT_TARGET_PATH=str(tmp_path / "target"),
    )
    return env


def test_sqlfluff_passes_house_style_and_fails_each_broken_rule(tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "project")
    folder = project / "models" / "marts"
    (folder / "gate_good.sql").write_text(GOOD_SQL)
    (folder / "gate_bad.sql").write_text(BAD_SQL)
    # A model that does not compile is an error, not a silently skipped file.
    (folder / "gate_uncompilable.sql").write_text("select {{ no_such_macro() }} as x\n")
    run = subprocess.run(
        [BIN / "sqlfluff", "lint", "--format", "json", "models/marts/gate_good.sql",
         "models/marts/gate_bad.sql", "models/marts/gate_uncompilable.sql"],
        cwd=project, env=_env(tmp_path), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    found = {Path(f["filepath"]).name: f["violations"] for f in json.loads(run.stdout)}
    assert found["gate_good.sql"] == []
    codes = {violation["code"] for violation in found["gate_bad.sql"]}
    expected = {
        "CP01",  # SELECT: keywords are lowercase
        "LT04",  # leading comma: commas trail
        "CV11",  # `::` cast: cast(... as ...) is the portable form
        "AL02",  # implicit column alias: explicit `as`
        "AM05",  # bare join: say `inner join`
    }
    assert expected <= codes, codes
    (uncompilable,) = found["gate_uncompilable.sql"]
    assert uncompilable["code"] == "TMP" and "no_such_macro" in uncompilable["description"]


# --- dbt-bouncer on the manifest -----------------------------------------------------------


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    target = tmp_path_factory.mktemp("parse")
    env = dict(os.environ, DBT_PROFILES_DIR=str(REPO / "profiles"))
    run = subprocess.run(
        [BIN / "dbt", "parse", "--project-dir", REPO, "--target-path", target],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((target / "manifest.json").read_text())


def _bouncer(tmp_path: Path, manifest: dict) -> tuple[int, list[str], str]:
    """Run the project's dbt-bouncer.yml on `manifest`: exit code, failed check ids, output."""
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    (artifacts / "manifest.json").write_text(json.dumps(manifest))
    config = yaml.safe_load((REPO / "dbt-bouncer.yml").read_text())
    config["dbt_artifacts_dir"] = str(artifacts)
    config_file = tmp_path / "dbt-bouncer.yml"
    config_file.write_text(yaml.safe_dump(config))
    report = tmp_path / "report.json"
    run = subprocess.run(
        [BIN / "dbt-bouncer", "run", "--config-file", config_file, "--output-format", "json",
         "--output-file", report, "--output-only-failures"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    failed = [result["check_run_id"] for result in json.loads(report.read_text())]
    return run.returncode, failed, run.stdout + run.stderr


def _model(manifest: dict, name: str) -> dict:
    return manifest["nodes"][f"model.{PROJECT}.{name}"]


def _strip_description(manifest: dict) -> None:
    _model(manifest, "player_game_summary")["description"] = ""


def _mart_reads_a_source(manifest: dict) -> None:
    node = _model(manifest, "player_game_summary")
    node["depends_on"]["nodes"].append(f"source.{PROJECT}.nba_stats.player_game_logs")


def _ml_model_reads_a_source(manifest: dict) -> None:
    node = _model(manifest, "ml_feature_store")
    node["depends_on"]["nodes"].append(f"source.{PROJECT}.nba_stats.player_game_logs")


def _staging_reads_a_model(manifest: dict) -> None:
    node = _model(manifest, "stg_nba_stats__player_game_logs")
    node["depends_on"]["nodes"].append(f"model.{PROJECT}.stg_nba_stats__team_game_logs")


def _drop_grain_tests(manifest: dict) -> None:
    model_id = f"model.{PROJECT}.player_game_summary"
    grain = {"unique", "expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}
    for test_id in [
        key
        for key, node in manifest["nodes"].items()
        if node["resource_type"] == "test"
        and node.get("attached_node") == model_id
        and (node.get("test_metadata") or {}).get("name") in grain
    ]:
        del manifest["nodes"][test_id]


def _undocumented_column(manifest: dict) -> None:
    columns = _model(manifest, "player_game_summary")["columns"]
    columns[next(iter(columns))]["description"] = ""


def _badly_named_staging_model(manifest: dict) -> None:
    _model(manifest, "stg_nba_stats__player_game_logs")["name"] = "nba_stats_player_game_logs"


def test_bouncer_passes_the_project_as_it_is(tmp_path: Path, manifest: dict) -> None:
    code, failed, output = _bouncer(tmp_path, manifest)
    assert (code, failed) == (0, []), output


@pytest.mark.parametrize(
    ("break_it", "check", "culprit"),
    [
        (_strip_description, "check_model_description_populated", "player_game_summary"),
        (_mart_reads_a_source, "check_lineage_source_cannot_be_used", "player_game_summary"),
        (
            _ml_model_reads_a_source,
            "check_lineage_source_cannot_be_used",
            "ml_feature_store",
        ),
        (
            _staging_reads_a_model,
            "check_lineage_permitted_upstream_models",
            "stg_nba_stats__player_game_logs",
        ),
        (_drop_grain_tests, "check_model_has_unique_test", "player_game_summary"),
        (_undocumented_column, "check_model_column_description_populated", "player_game_summary"),
        (_badly_named_staging_model, "check_model_names", "stg_nba_stats__player_game_logs"),
    ],
)
def test_bouncer_fails_on_broken_metadata(
    tmp_path: Path,
    manifest: dict,
    break_it: Callable[[dict], None],
    check: str,
    culprit: str,
) -> None:
    broken = json.loads(json.dumps(manifest))
    break_it(broken)
    code, failed, output = _bouncer(tmp_path, broken)
    assert code == 1, output
    # check_run_id is `<check name>:<index in the config>:<resource name>`
    assert (check, culprit) in [(i.split(":")[0], i.split(":")[-1]) for i in failed], failed
