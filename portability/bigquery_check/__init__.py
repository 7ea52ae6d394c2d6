"""Offline BigQuery portability check: every dbt model and analysis must be valid GoogleSQL.

Run it with ``python -m portability.bigquery_check`` (no network, no Google account).

What it does
  1. Writes a throw-away service-account keyfile (a freshly generated RSA key that no Google
     project knows) to a temporary directory and runs, in-process through ``dbtRunner``,
     ``dbt compile --target bigquery --no-populate-cache --target-path target/bigquery
     -s "resource_type:model resource_type:analysis source:*"`` with the environment
     profiles/profiles.yml reads
     (DBT_TARGET=bigquery, BQ_AUTH_METHOD=service-account, BQ_KEYFILE, BQ_PROJECT=offline-check)
     and ``--vars '{"incremental": false}'`` (the incremental marts then compile their full
     build instead of calling is_incremental(), which needs a connection).
     Compilation renders every macro with its ``bigquery__`` implementation. dbt's indirect
     selection also compiles the data tests attached to the models and sources.
     Nothing may reach Google: an attempt to fetch an OAuth token (which run_query,
     introspection or is_incremental() would make, and which otherwise retries for about
     600 s) fails at once with a message, and the whole compile runs under a timeout.
  2. Reads target/bigquery/manifest.json: each model's compiled SQL, relation and
     dependencies, and the sources. Source column types come from the source YAML
     ``data_type`` when given; raw tables landed by the ingest loader fall back to the raw
     layer's fixed schema (RAW_PAYLOAD_COLUMNS).
  3. Analyzes each model with Google's ZetaSQL analyzer (PyPI ``zetasql``, run in
     WebAssembly) in DAG order. A model that passes is registered in the catalog under its
     BigQuery name (`offline-check`.`marts`.`player_game_summary`) with the column names and
     types the analyzer resolved, so downstream models are checked against real upstream
     schemas: unknown columns, type errors and functions BigQuery lacks are all reported.
     The compiled analyses (analyses/*.sql, with their default vars) and data tests are
     then analyzed against the same catalog.
  4. Parses each statement with sqlglot's BigQuery dialect as a second opinion.
  5. Prints one line per model and analysis (and per failing data test), a total, and exits
     non-zero on any failure.

The analyzer's configuration is described in analyzer.py, the extra model rules BigQuery
enforces and ZetaSQL does not in checks.py.

What this check cannot catch
  * Runtime-only errors: bad casts of data (CAST, not SAFE_CAST, of a non-numeric string),
    division by zero, array subscripts out of range (OFFSET, not SAFE_OFFSET), regex or JSON
    paths that only fail on particular values, "Scalar subquery produced more than one
    element", resource or quota limits.
  * Semantics that differ while the SQL is valid on both engines: integer division
    (``/`` always returns FLOAT64 in BigQuery), rounding (ROUND half away from zero vs
    DuckDB's), NULL ordering defaults, string collation and case sensitivity, regex engine
    differences (RE2 on BigQuery: no look-arounds or backreferences; a pattern is only checked
    when it is a constant the analyzer can see, and not even then for every RE2 rule), JSON
    path semantics and lax/strict handling (json_value vs json_extract_string on missing
    keys, numbers, nulls), timestamp time zones, floating-point aggregation order.
  * Whether the DuckDB branch and the BigQuery branch of a cross-db macro mean the same thing:
    only the BigQuery rendering is checked here; the dbt unit and data tests check DuckDB.
  * Function-set drift: ZetaSQL's builtin list is close to but not identical to BigQuery's.
    A function ZetaSQL knows but BigQuery does not (or not yet, or only in another region or
    edition) passes here; a BigQuery-only function ZetaSQL lacks (some ML., AI., geography or
    newer functions) fails here and would need a custom function in the catalog.
  * Anything about the tables themselves: partitioning and clustering config, OPTIONS,
    column descriptions, policy tags, permissions, dataset location, whether the raw tables
    in BigQuery really have the declared schema, and cost/performance (full scans,
    cross-joins that explode, unpartitioned filters).
  * Model features compiled differently at run time: is_incremental() branches (compile sees
    the full-refresh branch), dbt-generated DDL/MERGE wrappers, Python models, snapshots,
    unit tests (they need a connection on BigQuery). Seeds are registered from their YAML: the
    documented columns typed by `column_types`; a seed without them fails the check.
  * Data tests are checked only when dbt compiled them: the selection
    ``resource_type:model source:*`` picks up, by indirect selection, every test on a
    model or a source, but not a test on a seed or snapshot.

Where things are (each module imports only the ones listed after it):
  cli          `python -m` (__main__.py): run() compiles and checks, main() parses arguments
  checks       the manifest walk: sources, seeds, models in DAG order, analyses, data tests,
               incremental runs; the model-shape rules and the sqlglot second opinion
  report       NodeResult, Report and the printed table and total line
  catalog      Catalog, and source and seed column types from the manifest
  offline_dbt  the throw-away key, the auth refusal, dbt parse/compile in-process
  analyzer     ZetaSQL as BigQuery: the WASM cache, the analyze call, its error mapping
  errors       CheckError, GoogleSqlError
"""

from portability.bigquery_check.analyzer import (
    BIGQUERY_INT64_ALIASES,
    FEATURES_BIGQUERY_LACKS,
    FEATURES_TO_ADD,
    GoogleSqlAnalyzer,
    OutputColumn,
    analyze_sql,
    bigquery_language_options,
    get_analyzer,
    type_name,
)
from portability.bigquery_check.catalog import (
    RAW_PAYLOAD_COLUMNS,
    Catalog,
    seed_columns,
    source_columns,
)
from portability.bigquery_check.checks import (
    check_incremental_runs,
    check_manifest,
    check_model_shape,
    sqlglot_error,
)
from portability.bigquery_check.cli import main, run
from portability.bigquery_check.errors import CheckError, GoogleSqlError
from portability.bigquery_check.offline_dbt import (
    COMPILE_VARS,
    DEFAULT_TARGET_PATH,
    DEFAULT_TIMEOUT_S,
    INCREMENTAL_SELECT,
    INCREMENTAL_VARS,
    OFFLINE_AUTH_MESSAGE,
    OFFLINE_PROJECT,
    REPO,
    compile_for_bigquery,
    load_each_key_once,
    parse_for_bigquery,
    write_dummy_keyfile,
)
from portability.bigquery_check.report import NodeResult, Report

# The names the single-module bigquery_check.py had, so `from portability import
# bigquery_check as bq` and `from portability.bigquery_check import ...` keep working.
__all__ = [
    "BIGQUERY_INT64_ALIASES",
    "COMPILE_VARS",
    "DEFAULT_TARGET_PATH",
    "DEFAULT_TIMEOUT_S",
    "FEATURES_BIGQUERY_LACKS",
    "FEATURES_TO_ADD",
    "INCREMENTAL_SELECT",
    "INCREMENTAL_VARS",
    "OFFLINE_AUTH_MESSAGE",
    "OFFLINE_PROJECT",
    "RAW_PAYLOAD_COLUMNS",
    "REPO",
    "Catalog",
    "CheckError",
    "GoogleSqlAnalyzer",
    "GoogleSqlError",
    "NodeResult",
    "OutputColumn",
    "Report",
    "analyze_sql",
    "bigquery_language_options",
    "check_incremental_runs",
    "check_manifest",
    "check_model_shape",
    "compile_for_bigquery",
    "get_analyzer",
    "load_each_key_once",
    "main",
    "parse_for_bigquery",
    "run",
    "seed_columns",
    "source_columns",
    "sqlglot_error",
    "type_name",
    "write_dummy_keyfile",
]
