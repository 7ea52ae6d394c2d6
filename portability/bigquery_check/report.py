"""The result of each checked node, and the report: one line per node, then the total."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portability.bigquery_check.analyzer import OutputColumn


@dataclass
class NodeResult:
    unique_id: str
    resource_type: str  # model, analysis, test, source, seed
    path: str  # original file path (sources: the YAML)
    status: str  # ok, error, blocked
    message: str = ""
    tool: str = ""  # zetasql, sqlglot, bigquery-rule, catalog
    compiled_path: str = ""
    line: int | None = None
    column: int | None = None
    snippet: str = ""
    columns: list[OutputColumn] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Report:
    results: list[NodeResult]
    warnings: list[str] = field(default_factory=list)
    not_compiled_tests: int = 0
    compile_seconds: float | None = None
    analysis_seconds: float = 0.0
    # What the model pass typed, for the incremental pass to analyse against.
    catalog: Any = None
    by_id: dict[str, NodeResult] = field(default_factory=dict)

    def of(self, resource_type: str) -> list[NodeResult]:
        return [r for r in self.results if r.resource_type == resource_type]

    @property
    def failures(self) -> list[NodeResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failures and bool(self.of("model"))

    def format(self, verbose: bool = False) -> str:
        lines = []
        for result in self.results:
            if result.resource_type == "test" and result.ok and not verbose:
                continue
            lines.append(_format_result(result))
        lines += [f"warning: {w}" for w in self.warnings]
        models, tests = self.of("model"), self.of("test")
        analyses, incremental = self.of("analysis"), self.of("incremental")
        bad_models = sum(not r.ok for r in models)
        bad_tests = sum(not r.ok for r in tests)
        bad_analyses = sum(not r.ok for r in analyses)
        bad_sources = sum(not r.ok for r in self.of("source") + self.of("seed"))
        total = f"BigQuery portability: {len(models) - bad_models}/{len(models)} models ok"
        if incremental:
            bad_incremental = sum(not r.ok for r in incremental)
            total += (
                f", {len(incremental) - bad_incremental}/{len(incremental)} incremental runs ok"
            )
        if analyses:
            total += f", {len(analyses) - bad_analyses}/{len(analyses)} analyses ok"
        if tests or self.not_compiled_tests:
            total += f", {len(tests) - bad_tests}/{len(tests)} data tests ok"
        else:
            total += ", data tests not checked"
        if self.not_compiled_tests:
            total += f" ({self.not_compiled_tests} not compiled, not checked)"
        if bad_sources:
            total += f", {bad_sources} source(s) or seed(s) could not be typed"
        timing = f"analysis {self.analysis_seconds:.1f} s"
        if self.compile_seconds is not None:
            timing = f"compile {self.compile_seconds:.1f} s, " + timing
        lines.append(f"{total} [{timing}] -> {'PASS' if self.ok else 'FAIL'}")
        return "\n".join(lines)


def _format_result(result: NodeResult) -> str:
    label = {"ok": "ok", "error": "ERROR", "blocked": "BLOCKED"}[result.status]
    line = f"{label:<8}{result.resource_type:<12}{result.path}"
    if result.ok:
        if result.columns:
            line += f"  ({len(result.columns)} columns)"
        return line
    where = result.compiled_path or result.path
    if result.line:
        where += f":{result.line}:{result.column}"
    line += f"\n        {result.tool}: {result.message}\n        at {where}"
    if result.snippet:
        line += "\n" + result.snippet
    return line
