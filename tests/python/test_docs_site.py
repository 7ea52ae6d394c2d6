"""The docs site, checked as a person would see it.

`dbt docs generate --static` runs on the demo warehouse (so the catalog has every column and
its type), then Debian's Chromium (`make test` installs it) opens the one-file site headless,
through Playwright: the player_game_summary page must show its column descriptions (the
usage-rate definition, written once as a doc block) and its upstream and downstream models,
and the lineage graph must draw them, exposures included. Screenshots land in the test's tmp
directory. The same manifest and catalog check that every mart and feature column has a
description, and that each stat definition is written once and reused through doc().
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import DBT, REPO, run_in, start_from_demo_parse

pytestmark = pytest.mark.slow

PROJECT = "nba_props_warehouse"
MART = f"model.{PROJECT}.player_game_summary"
STORE = f"model.{PROJECT}.ml_feature_store"
USAGE_TEXT = "Share of the team's plays a player used while on the floor"
USAGE_FORMULA = "100 \u00d7 (FGA + 0.44 \u00d7 FTA + TOV)"  # x is the multiplication sign
# Stat definitions that must be written once (a {% docs %} block) and reused everywhere.
STAT_BLOCKS = (
    "usage_rate",
    "ts_pct",
    "efg_pct",
    "pace",
    "possessions",
    "offensive_rating",
    "defensive_rating",
    "minutes",
    "shot_zones",
    "shot_zone_paint",
    "shot_zone_mid_range",
    "shot_zone_three",
    "context_days_rest",
)


def chromium() -> str:
    """Debian's Chromium; `make test` installs it, so its absence is a failure, not a skip."""
    path = os.environ.get("NBA_CHROMIUM") or shutil.which("chromium")
    assert path, (
        "Chromium is missing: `make test` installs Debian's package "
        "(apt-get install --no-install-recommends chromium), or set NBA_CHROMIUM"
    )
    return path


@pytest.fixture(scope="module")
def docs_target(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = start_from_demo_parse(demo_warehouse, tmp_path_factory.mktemp("docs") / "target")
    done = run_in(
        demo_warehouse.parent,
        [
            DBT,
            "docs",
            "generate",
            "--static",
            "--target-path",
            str(target),
            "--log-path",
            str(target.parent / "logs"),
        ],
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert (target / "static_index.html").is_file()
    return target


def _artifacts(target: Path) -> tuple[dict, dict]:
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    return manifest, catalog


def test_every_mart_and_feature_column_has_a_description(docs_target: Path) -> None:
    manifest, catalog = _artifacts(docs_target)
    checked, missing = [], []
    for uid, node in manifest["nodes"].items():
        path = node.get("original_file_path", "")
        if node["resource_type"] != "model":
            continue
        if not (path.startswith("models/marts/") or uid == STORE):
            continue
        checked.append(node["name"])
        if not node["description"].strip():
            missing.append(f"{node['name']} (model)")
        described = {k.lower(): v["description"].strip() for k, v in node["columns"].items()}
        # The catalog lists the columns the built table really has.
        for column in catalog["nodes"][uid]["columns"]:
            if not described.get(column.lower()):
                missing.append(f"{node['name']}.{column}")
    assert "player_game_summary" in checked and "ml_feature_store" in checked
    assert len(checked) >= 15
    assert not missing, f"columns without a description: {missing}"


def _doc_blocks() -> dict[str, str]:
    blocks = {}
    for md in (REPO / "models").rglob("*.md"):
        for name, body in re.findall(
            r"\{%\s*docs\s+(\w+)\s*%\}(.*?)\{%\s*enddocs\s*%\}", md.read_text(), re.DOTALL
        ):
            assert name not in blocks, f"doc block {name} is defined twice"
            blocks[name] = " ".join(body.split())
    return blocks


def test_stat_definitions_are_written_once_and_reused() -> None:
    blocks = _doc_blocks()
    yaml_text = " ".join(" ".join(p.read_text().split()) for p in (REPO / "models").rglob("*.yml"))
    for name in STAT_BLOCKS:
        assert name in blocks, f"no {{% docs {name} %}} block"
        # The block's first sentence never appears spelled out in a YAML description.
        first = blocks[name].split(". ")[0][:60]
        assert first not in yaml_text, f"the {name} definition is repeated in a YAML file"
        assert yaml_text.count(f"doc('{name}')") >= 2, f"{name} is not reused via doc()"


def test_stat_columns_use_the_doc_blocks(docs_target: Path) -> None:
    manifest, _ = _artifacts(docs_target)
    nodes = manifest["nodes"]

    def blocks_of(uid: str, column: str) -> list[str]:
        return nodes[uid]["columns"][column]["doc_blocks"]

    assert blocks_of(MART, "usage_rate") == [f"doc.{PROJECT}.usage_rate"]
    assert f"doc.{PROJECT}.usage_rate" in blocks_of(STORE, "usage_rate_avg_last_10")
    assert f"doc.{PROJECT}.ts_pct" in blocks_of(STORE, "ts_pct_last_10")
    assert f"doc.{PROJECT}.pace" in blocks_of(STORE, "team_pace_last_10")
    assert f"doc.{PROJECT}.defensive_rating" in blocks_of(
        STORE, "opponent_defensive_rating_last_15"
    )
    assert f"doc.{PROJECT}.shot_zone_paint" in blocks_of(MART, "paint_attempts")
    assert USAGE_TEXT in nodes[STORE]["columns"]["usage_rate_avg_last_10"]["description"]


def test_exposures_depend_on_the_models_they_read(docs_target: Path) -> None:
    manifest, _ = _artifacts(docs_target)
    exposures = manifest["exposures"]
    ml_step = exposures[f"exposure.{PROJECT}.ml_points_model"]
    assert ml_step["type"] == "ml" and ml_step["owner"]["name"] and ml_step["maturity"]
    assert STORE in ml_step["depends_on"]["nodes"]
    report = exposures[f"exposure.{PROJECT}.ml_report"]
    assert report["meta"]["path"] == "reports/ml_report.html"
    analyses = exposures[f"exposure.{PROJECT}.analyst_queries"]
    assert f"model.{PROJECT}.prediction_grades" in analyses["depends_on"]["nodes"]
    # Every analysis reads only what the exposure declares.
    declared = set(analyses["depends_on"]["nodes"])
    for node in manifest["nodes"].values():
        if node["resource_type"] == "analysis":
            assert set(node["depends_on"]["nodes"]) <= declared, node["name"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def _open(browser, target: Path, fragment: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    page.goto((target / "static_index.html").as_uri() + fragment)
    return page


def test_model_page_shows_column_descriptions_and_lineage(
    browser, docs_target: Path, tmp_path: Path
) -> None:
    page = _open(browser, docs_target, f"#!/model/{MART}")
    try:
        page.get_by_text("Depends On", exact=True).first.wait_for()
        # The columns table lists every column with its type from the catalog.
        columns = page.locator(".table-responsive").first
        assert "usage_rate" in columns.inner_text()
        # A person clicks the usage_rate row and reads its definition in full.
        row = page.locator("tr", has=page.get_by_text("usage_rate", exact=True)).first
        row.click()
        details = page.get_by_text(USAGE_TEXT).last
        details.wait_for(state="visible")
        body = page.inner_text("body")
        assert USAGE_FORMULA in body
        page.screenshot(path=str(tmp_path / "player_game_summary.png"), full_page=False)
        details.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "usage_rate.png"))
        # Lineage as the page lists it: upstream under "Depends On", downstream under
        # "Referenced By".
        referenced = body.split("Referenced By")[-1].split("Depends On")[0]
        depends = body.split("Depends On")[-1].split("Code")[0]
        for upstream in ("stg_nba_stats__player_game_logs", "int_team_game_box_scores_unified"):
            assert upstream in depends
        for downstream in ("prediction_grades", "int_player_games_rolled_to_form"):
            assert downstream in referenced
        assert "prediction_grades" not in depends
    finally:
        page.close()


def test_lineage_graph_draws_the_models_around_the_mart(
    browser, docs_target: Path, tmp_path: Path
) -> None:
    from PIL import Image

    page = _open(browser, docs_target, f"#!/model/{MART}?g_v=1&g_i=%2Bplayer_game_summary%2B")
    try:
        # The graph is one cytoscape canvas; cytoscape keeps its instance on the container.
        page.wait_for_function(
            "() => { const c = document.getElementById('cy');"
            " return c && c._cyreg && c._cyreg.cy.nodes(':visible').length > 0; }"
        )
        page.wait_for_timeout(1500)  # let the layout settle before the screenshot
        shown = set(
            page.evaluate(
                "() => document.getElementById('cy')._cyreg.cy.nodes(':visible').map(n => n.id())"
            )
        )
        shot = tmp_path / "lineage_graph.png"
        page.locator("#cy").screenshot(path=str(shot))
    finally:
        page.close()
    expected = {
        MART,
        f"model.{PROJECT}.stg_nba_stats__player_game_logs",
        f"source.{PROJECT}.nba_stats.player_game_logs",
        STORE,
        f"model.{PROJECT}.prediction_grades",
        f"exposure.{PROJECT}.ml_points_model",
        f"exposure.{PROJECT}.ml_report",
    }
    assert expected <= shown, expected - shown
    # +player_game_summary+ is its ancestors and descendants only: the odds feed is neither.
    assert f"model.{PROJECT}.stg_odds_api__game_lines" not in shown
    # And the canvas is really painted: nodes and edges, not one flat background.
    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert image.size[0] > 600 and len(colours) > 50
