"""Prove that the generic data-quality tests in tests/dbt/generic can pass AND fail.

A check that cannot fail is a defect, so every generic test is declared in the fixture
project tests/python/generic_tests_project twice or more: on seed data where it must pass
(node name ``pass__...``), where it must fail (``fail__...``, with the exact number of
failing rows in ``meta.expected_failures``), and, for argument validation, where it must
stop at compile time (``error__...``). The fixture project loads the real macros through
its macro-paths, so nothing here is a copy.

One ``dbt build`` on a temporary DuckDB file runs every case (module-scoped fixture,
in-process through dbtRunner); a ``dbt compile`` for BigQuery with a dummy keyfile checks
that the same YAML compiles to BigQuery SQL with the dispatched regex function.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from dbt.cli.main import dbtRunner

from portability.bigquery_check import load_each_key_once

HERE = Path(__file__).resolve().parent
PROJECT_DIR = HERE / "generic_tests_project"
GENERIC_TESTS_DIR = HERE.parent / "dbt" / "generic"
OUTCOMES = ("pass", "fail", "error")
ERROR_CASE_TAG = "compile_error_case"


def _declared_case_names() -> list[str]:
    """Every pass__/fail__/error__ test name declared in the fixture YAML."""
    names: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            name = node.get("name")
            if isinstance(name, str) and name.split("__", 1)[0] in OUTCOMES:
                names.append(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((PROJECT_DIR / "seeds").glob("*.yml")):
        walk(yaml.safe_load(path.read_text()))
    return names


def _generic_test_names() -> list[str]:
    """The names of the `{% test name(...) %}` blocks in tests/dbt/generic."""
    pattern = re.compile(r"{%-?\s*test\s+(\w+)\s*\(")
    return sorted(
        name
        for path in GENERIC_TESTS_DIR.glob("*.sql")
        for name in pattern.findall(path.read_text())
    )


CASE_NAMES = _declared_case_names()


def _dbt(args: list[str], target_dir: Path, target: str) -> object:
    return dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target",
            target,
            "--target-path",
            str(target_dir / "target"),
            "--log-path",
            str(target_dir / "logs"),
            "--threads",
            "4",
            "--quiet",
        ]
    )


@pytest.fixture(scope="module")
def dbt_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the fixture profile at temporary files; leave the fixture project clean."""
    tmp = tmp_path_factory.mktemp("generic_dbt_tests")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GENERIC_TESTS_DUCKDB_PATH", str(tmp / "fixture.duckdb"))
        mp.setenv("GENERIC_TESTS_BQ_KEYFILE", str(_write_dummy_keyfile(tmp)))
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        yield tmp


@pytest.fixture(scope="module")
def build_results(dbt_env: Path) -> dict[str, object]:
    """`dbt build` of the fixture project on DuckDB: seed results and test results by name."""
    run = _dbt(["build"], dbt_env / "duckdb", "duckdb")
    assert run.result is not None, f"dbt build did not run: {run.exception}"
    results = {result.node.name: result for result in run.result.results}
    seeds = [r for r in results.values() if r.node.resource_type == "seed"]
    assert seeds and all(r.status == "success" for r in seeds), [
        (r.node.name, r.status, r.message) for r in seeds
    ]
    return {name: r for name, r in results.items() if r.node.resource_type == "test"}


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_outcome(name: str, build_results: dict[str, object]) -> None:
    result = build_results[name]
    expected = name.split("__", 1)[0]
    assert result.status == expected, f"{name}: {result.status}: {result.message}"
    if expected == "fail":
        expected_failures = result.node.config.meta.get("expected_failures")
        assert expected_failures is not None, f"{name}: set meta.expected_failures"
        assert result.failures == expected_failures, (
            f"{name}: {result.failures} failing rows, expected {expected_failures}"
        )
    if expected == "error":
        assert "Compilation Error" in result.message
        assert ERROR_CASE_TAG in result.node.tags, f"{name}: tag it {ERROR_CASE_TAG}"


# The dbt-expectations / dbt_utils names re-implemented here, plus our own null-rate test.
REQUIRED_GENERIC_TESTS = (
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_distinct_values_to_equal_set",
    "expect_column_pair_values_A_to_be_greater_than_B",
    "expect_table_row_count_to_be_between",
    "expect_table_row_count_to_equal_other_table",
    "expect_column_mean_to_be_between",
    "expect_column_stdev_to_be_between",
    "expect_column_sum_to_be_between",
    "expect_column_min_to_be_between",
    "expect_column_max_to_be_between",
    "expect_column_values_to_match_regex",
    "expect_multicolumn_sum_to_equal",
    "expect_column_pair_values_to_be_equal",
    "expect_column_values_to_be_increasing",
    "expression_is_true",
    "expect_column_null_rate_to_be_at_most",
)


def test_every_generic_test_is_proven_both_ways(build_results: dict[str, object]) -> None:
    """Each generic test in tests/dbt/generic has at least one passing and one failing case."""
    generic_tests = _generic_test_names()
    assert set(REQUIRED_GENERIC_TESTS) <= set(generic_tests), generic_tests
    outcomes: dict[str, set[str]] = {name: set() for name in generic_tests}
    for name, result in build_results.items():
        outcomes.setdefault(result.node.test_metadata.name, set()).add(name.split("__", 1)[0])
    missing = {
        test: sorted({"pass", "fail"} - seen)
        for test, seen in outcomes.items()
        if not {"pass", "fail"} <= seen
    }
    assert not missing, f"generic tests without a pass and a fail case: {missing}"
    assert set(outcomes) == set(generic_tests), "a case uses a test not defined here"
    assert sorted(build_results) == sorted(CASE_NAMES)


# The NULL rules that differ between tests, pinned here so that editing the fixture YAML
# cannot silently drop them: name -> (status, failing rows).
NULL_SEMANTICS = {
    # in_set: NULL matches no member, so it fails (unlike accepted_values)
    "fail__in_set__null_fails": ("fail", 1),
    "pass__in_set__row_condition_excludes_the_null": ("pass", 0),
    "fail__distinct_equal_set__null_distinct_value_fails": ("fail", 1),
    # not_in_set, between, pair comparisons, regex, increasing: NULL passes
    "pass__not_in_set__null_passes": ("pass", 0),
    "pass__between__null_passes": ("pass", 0),
    "pass__a_gt_b__or_equal_and_nulls_pass": ("pass", 0),
    "pass__pair_equal__nulls_pass": ("pass", 0),
    "pass__regex__nulls_pass": ("pass", 0),
    "pass__increasing__first_rows_and_nulls_pass": ("pass", 0),
    "pass__expression_is_true__nulls_pass": ("pass", 0),
    # uniqueness: NULLs ignored, but partly-NULL key tuples are compared
    "pass__unique__repeated_nulls_are_ignored": ("pass", 0),
    "pass__compound_unique__all_null_tuples_are_skipped": ("pass", 0),
    "fail__compound_unique__partly_null_duplicates_fail": ("fail", 1),
    "pass__compound_unique__any_value_is_missing_skips_partly_null": ("pass", 0),
    # aggregates: an all-NULL input gives a NULL aggregate, which passes
    "pass__mean__all_null_input_passes": ("pass", 0),
    "pass__stdev__single_value_is_null_and_passes": ("pass", 0),
    # null rate: a rate equal to the threshold passes, above it fails, per group too
    "pass__null_rate__equal_to_threshold_passes": ("pass", 0),
    "fail__null_rate__above_threshold": ("fail", 1),
    "fail__null_rate__one_season_above_threshold": ("fail", 1),
    "pass__null_rate__zero_rows_cannot_fail": ("pass", 0),
    # row_condition is applied before evaluation (here: before lag())
    "pass__increasing__row_condition_applies_before_lag": ("pass", 0),
}


@pytest.mark.parametrize("name", sorted(NULL_SEMANTICS))
def test_null_semantics(name: str, build_results: dict[str, object]) -> None:
    status, failures = NULL_SEMANTICS[name]
    result = build_results[name]
    assert (result.status, result.failures) == (status, failures), result.message


def _write_dummy_keyfile(directory: Path) -> Path:
    """A well-formed service-account keyfile with a throwaway key: enough to compile."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = directory / "dummy-service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "generic-tests-offline",
                "private_key_id": "0" * 40,
                "private_key": pem,
                "client_email": "offline@generic-tests-offline.iam.gserviceaccount.com",
                "client_id": "0",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


@pytest.fixture(scope="module")
def bigquery_compiled(dbt_env: Path) -> dict[str, str]:
    """Compiled BigQuery SQL of every case except the compile-error ones, by name.

    `--no-populate-cache` keeps dbt from connecting; nothing here needs the network.
    """
    # dbt-bigquery loads the keyfile's key again for every node it compiles; load it once.
    with load_each_key_once():
        run = _dbt(
            ["compile", "--no-populate-cache", "--exclude", f"tag:{ERROR_CASE_TAG}"],
            dbt_env / "bigquery",
            "bigquery",
        )
    assert run.success, f"BigQuery compile failed: {run.exception}"
    return {
        r.node.name: r.node.compiled_code
        for r in run.result.results
        if r.node.resource_type == "test"
    }


def test_same_yaml_compiles_for_bigquery(bigquery_compiled: dict[str, str]) -> None:
    expected = {name for name in CASE_NAMES if not name.startswith("error__")}
    assert set(bigquery_compiled) == expected
    for name, sql in bigquery_compiled.items():
        assert "::" not in sql, f"{name}: Postgres/DuckDB cast in BigQuery SQL"
        assert "regexp_matches" not in sql, name
        assert "`generic-tests-offline`.`generic_tests`." in sql, name


def test_regex_dispatches_per_adapter(
    bigquery_compiled: dict[str, str], build_results: dict[str, object]
) -> None:
    regex_cases = [name for name in CASE_NAMES if "__regex__" in name and "error" not in name]
    assert regex_cases
    for name in regex_cases:
        assert "regexp_contains(label, r'" in bigquery_compiled[name], name
        assert "regexp_matches(label, '" in build_results[name].node.compiled_code, name
    # The same pattern text reaches both engines; a quote is escaped per dialect.
    assert r"r'^[^\']+$'" in bigquery_compiled["pass__regex__quote_in_pattern"]
    duckdb_sql = build_results["pass__regex__quote_in_pattern"].node.compiled_code
    assert "'^[^'']+$'" in duckdb_sql
    assert r"r'(?i)^[XY]-\d$'" in bigquery_compiled["pass__regex__flag_i_is_case_insensitive"]
