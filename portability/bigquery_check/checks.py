"""Walking a compiled manifest: sources and seeds into the catalog, models in DAG order
(each that passes registered for the next), then the analyses, the data tests and the
incremental runs, each analyzed and parsed by sqlglot as a second opinion.

Extra model rules BigQuery enforces on CREATE TABLE/VIEW AS and ZetaSQL does not: every
output column named, no duplicate column names, no trailing semicolon.
"""

from __future__ import annotations

import contextlib
import graphlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from portability.bigquery_check.analyzer import GoogleSqlAnalyzer, OutputColumn, get_analyzer
from portability.bigquery_check.catalog import Catalog, relation_path, seed_columns, source_columns
from portability.bigquery_check.errors import CheckError, GoogleSqlError
from portability.bigquery_check.offline_dbt import REPO
from portability.bigquery_check.report import NodeResult, Report


def check_model_shape(sql: str, columns: Sequence[OutputColumn]) -> None:
    """BigQuery rules for CREATE TABLE/VIEW ... AS that the analyzer does not apply."""
    if sql.rstrip().endswith(";"):
        raise GoogleSqlError(
            "ends with ';': dbt wraps the model in CREATE ... AS ( ... ), where it is an error"
        )
    anonymous = [str(i) for i, c in enumerate(columns, 1) if c.name.startswith("$")]
    if anonymous:
        raise GoogleSqlError(
            "output column(s) at position " + ", ".join(anonymous) + " have no name; "
            "BigQuery tables and views need every column named (add `as <name>`)"
        )
    seen: dict[str, str] = {}
    duplicates = []
    for c in columns:
        if c.name.lower() in seen:
            duplicates.append(c.name)
        seen.setdefault(c.name.lower(), c.name)
    if duplicates:
        raise GoogleSqlError(
            "duplicate output column name(s) " + ", ".join(sorted(set(duplicates))) + "; "
            "BigQuery rejects duplicate column names in a table or view"
        )


def sqlglot_error(sql: str) -> str | None:
    """sqlglot's BigQuery-dialect parse: None when it parses as exactly one statement."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        statements = [s for s in sqlglot.parse(sql, read="bigquery") if s is not None]
    except SqlglotError as exc:
        return str(exc).splitlines()[0]
    if len(statements) != 1:
        return f"expected one statement, parsed {len(statements)}"
    return None


def check_manifest(
    manifest: dict[str, Any] | Path,
    project_dir: Path = REPO,
    include_tests: bool = True,
    sqlglot_mode: str = "error",
    analyzer: GoogleSqlAnalyzer | None = None,
) -> Report:
    """Analyze every compiled model (DAG order), analysis and data test of a dbt manifest."""
    if not isinstance(manifest, dict):
        manifest = json.loads(Path(manifest).read_text())
    analyzer = analyzer or get_analyzer()
    started = time.monotonic()
    project_dir = Path(project_dir)
    catalog = Catalog()
    results: dict[str, NodeResult] = {}
    report = Report(results=[])

    for uid, source in sorted(manifest.get("sources", {}).items()):
        result = NodeResult(uid, "source", source.get("original_file_path", ""), "ok")
        try:
            _add_typed_table(catalog, analyzer, "source", source, source_columns(source))
        except GoogleSqlError as exc:
            result.status, result.tool, result.message = "error", "catalog", exc.message
            result.path = f"{result.path} (source {source.get('source_name')}.{source['name']})"
            report.results.append(result)
        results[uid] = result

    nodes = manifest.get("nodes", {})
    for uid, seed in sorted(nodes.items()):
        if seed.get("resource_type") != "seed":
            continue
        result = NodeResult(uid, "seed", seed.get("original_file_path", ""), "ok")
        try:
            _add_typed_table(catalog, analyzer, "seed", seed, seed_columns(seed))
        except GoogleSqlError as exc:
            result.status, result.tool, result.message = "error", "catalog", exc.message
            report.results.append(result)
        results[uid] = result

    models = {uid: n for uid, n in nodes.items() if n.get("resource_type") == "model"}
    graph = {
        uid: [d for d in n.get("depends_on", {}).get("nodes", []) if d in models]
        for uid, n in models.items()
    }
    # One generation of the DAG at a time (the order static_order() gives): every model of a
    # generation reads only earlier ones, so the catalog is sent to the analyzer once per
    # generation instead of once per model.
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    while sorter.is_active():
        generation = sorter.get_ready()
        passed = []
        for uid in generation:
            node = models[uid]
            result = _check_node(node, analyzer, catalog, results, project_dir)
            if result.ok:
                result = _apply_sqlglot(node, result, sqlglot_mode, report)
            if result.ok:
                passed.append((node, result))
            results[uid] = result
            report.results.append(result)
        for node, result in passed:
            path = relation_path(node)
            if path is not None and node.get("config", {}).get("materialized") != "ephemeral":
                catalog.add_table(path, [(c.name, c.type) for c in result.columns])
        sorter.done(*generation)

    # Analyses (analyses/*.sql) are queries people run, not relations: no model-shape rules,
    # nothing registered, but the same analyzer and catalog, and their vars are @parameters.
    for _, node in sorted(nodes.items()):
        if node.get("resource_type") != "analysis":
            continue
        result = _check_node(node, analyzer, catalog, results, project_dir, parameters=True)
        if result.ok:
            result = _apply_sqlglot(node, result, sqlglot_mode, report)
        report.results.append(result)

    if include_tests:
        for _, node in sorted(nodes.items()):
            if node.get("resource_type") != "test":
                continue
            if not node.get("compiled_code"):
                report.not_compiled_tests += 1
                continue
            result = _check_node(node, analyzer, catalog, results, project_dir)
            if result.ok:
                result = _apply_sqlglot(node, result, sqlglot_mode, report)
            result.columns = []
            report.results.append(result)

    report.analysis_seconds = time.monotonic() - started
    report.catalog, report.by_id = catalog, results
    return report


def _add_typed_table(
    catalog: Catalog,
    analyzer: GoogleSqlAnalyzer,
    kind: str,
    node: dict[str, Any],
    columns: list[tuple[str, str]],
) -> None:
    """Register a source or seed once each of its column types is a BigQuery type."""
    path = relation_path(node)
    if path is None:
        raise GoogleSqlError(f"{kind} has no relation name")
    for name, type_text in columns:
        try:
            analyzer.parse_type(type_text)
        except GoogleSqlError as exc:
            raise GoogleSqlError(f"column {name}: {exc.message}") from None
    catalog.add_table(path, columns)


def check_incremental_runs(
    manifest: dict[str, Any] | Path,
    report: Report,
    project_dir: Path = REPO,
    sqlglot_mode: str = "error",
    analyzer: GoogleSqlAnalyzer | None = None,
) -> Report:
    """Analyse the incremental models of a manifest compiled with INCREMENTAL_VARS against
    the catalog `report`'s model pass built (their own tables included, for `{{ this }}`);
    the results join `report` as resource type `incremental`."""
    if not isinstance(manifest, dict):
        manifest = json.loads(Path(manifest).read_text())
    if report.catalog is None:
        raise CheckError("the incremental pass needs the model pass's catalog")
    analyzer = analyzer or get_analyzer()
    started = time.monotonic()
    for _, node in sorted(manifest.get("nodes", {}).items()):
        if node.get("resource_type") != "model":
            continue
        if node.get("config", {}).get("materialized") != "incremental":
            continue
        result = _check_node(node, analyzer, report.catalog, report.by_id, Path(project_dir))
        if result.ok:
            result = _apply_sqlglot(node, result, sqlglot_mode, report)
        result.resource_type = "incremental"
        result.path = f"{result.path} (incremental run)"
        result.columns = []
        report.results.append(result)
    report.analysis_seconds += time.monotonic() - started
    return report


def _compiled_file(node: dict[str, Any], project_dir: Path) -> str:
    compiled = node.get("compiled_path")
    if not compiled:
        return ""
    path = project_dir / compiled  # an absolute compiled_path stays as it is
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(project_dir.resolve()))
    return str(path)


def _check_node(
    node: dict[str, Any],
    analyzer: GoogleSqlAnalyzer,
    catalog: Catalog,
    results: dict[str, NodeResult],
    project_dir: Path,
    parameters: bool = False,
) -> NodeResult:
    uid = node["unique_id"]
    resource_type = node["resource_type"]
    result = NodeResult(
        uid,
        resource_type,
        node.get("original_file_path", uid),
        "ok",
        compiled_path=_compiled_file(node, project_dir),
    )
    if resource_type == "test" and node.get("original_file_path", "").endswith((".yml", ".yaml")):
        result.path = f"{node['original_file_path']} ({node['name']})"
    sql = node.get("compiled_code")
    if not sql:
        result.status, result.tool = "error", "dbt"
        result.message = "no compiled SQL in the manifest (not selected, or compile failed)"
        return result
    for dep in node.get("depends_on", {}).get("nodes", []):
        upstream = results.get(dep)
        if upstream is None:
            if dep.startswith(("model.", "source.")):
                continue  # not in the manifest section we track; the analyzer will say
            result.status, result.tool = "error", "catalog"
            result.message = (
                f"depends on {dep}, a {dep.split('.')[0]} this check cannot type yet "
                "(only sources and models are registered)"
            )
            return result
        if not upstream.ok:
            result.status, result.tool = "blocked", "upstream"
            result.message = f"not analyzed: {dep} failed ({upstream.message})"
            return result
    try:
        result.columns = analyzer.analyze(sql, catalog, parameters)
        if resource_type == "model":
            check_model_shape(sql, result.columns)
    except GoogleSqlError as exc:
        result.status = "error"
        result.tool = "bigquery-rule" if result.columns else "zetasql"
        result.message, result.line, result.column = exc.message, exc.line, exc.column
        result.snippet = _snippet(sql, exc.line, exc.column)
    return result


def _apply_sqlglot(
    node: dict[str, Any], result: NodeResult, mode: str, report: Report
) -> NodeResult:
    if mode == "off":
        return result
    problem = sqlglot_error(node["compiled_code"])
    if problem is None:
        return result
    if mode == "warn":
        report.warnings.append(f"sqlglot (bigquery) cannot parse {result.path}: {problem}")
        return result
    result.status, result.tool, result.message = "error", "sqlglot", problem
    return result


def _snippet(sql: str, line: int | None, column: int | None) -> str:
    if not line:
        return ""
    lines = sql.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    return f"          | {text}\n          | {' ' * max((column or 1) - 1, 0)}^"
