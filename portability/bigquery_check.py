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

Analyzer configuration (see bigquery_language_options):
  * LanguageOptions.maximum_features(): every released ZetaSQL feature (about 220), which
    covers what BigQuery supports: QUALIFY, PIVOT/UNPIVOT, GROUP BY ALL, pipe syntax, JSON,
    RANGE, INTERVAL, NUMERIC/BIGNUMERIC, dashes in project names, etc.
  * product_mode = PRODUCT_EXTERNAL: the external (BigQuery) type names, so FLOAT64 exists and
    DOUBLE, INT32, UINT64 and PROTO types do not.
  * minus features BigQuery does not have (UUID, FLOAT32, the extended integer types),
    so DuckDB's ``uuid`` or ``float`` cannot slip through.
  * BigQuery's documented type aliases ZetaSQL lacks (INT, SMALLINT, INTEGER, BIGINT, TINYINT,
    BYTEINT for INT64) are registered as catalog types, removing the analyzer's one known
    false positive. BOOLEAN, DECIMAL and BIGDECIMAL are native.
  * error_message_mode = ERROR_MESSAGE_ONE_LINE, so every error carries ``[at line:col]``.
  Extra model rules BigQuery enforces on CREATE TABLE/VIEW AS and ZetaSQL does not: every
  output column named, no duplicate column names, no trailing semicolon.

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
"""

from __future__ import annotations

import argparse
import contextlib
import graphlib
import json
import os
import re
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TARGET_PATH = Path("target") / "bigquery"  # relative to the project directory
OFFLINE_PROJECT = "offline-check"
DEFAULT_TIMEOUT_S = 180.0  # a compile takes about 10 s; a connection attempt would retry ~600 s
# dbt vars for the offline compile. `incremental: false` makes the incremental marts skip
# is_incremental() (macros/nba/incremental_games.sql), which would need a connection.
COMPILE_VARS: dict[str, Any] = {"incremental": False}
# The second compile: incremental models as an incremental run renders them (their
# `{{ this }}` reads and changed-rows predicates), checked against the first pass's catalog.
INCREMENTAL_VARS: dict[str, Any] = {"incremental": "assume"}
INCREMENTAL_SELECT = "config.materialized:incremental"

# Every raw table the ingest loader writes has this schema (ingest/load.py).
RAW_PAYLOAD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("landed_path", "STRING"),
    ("source", "STRING"),
    ("entity", "STRING"),
    ("origin", "STRING"),
    ("request_key", "STRING"),
    ("fetched_at", "TIMESTAMP"),
    ("sha256", "STRING"),
    ("bytes", "INT64"),
    ("loaded_at", "TIMESTAMP"),
    ("payload", "STRING"),
)

# BigQuery type aliases (cloud.google.com/bigquery/docs/reference/standard-sql/data-types)
# that the ZetaSQL analyzer does not know. BOOLEAN, DECIMAL and BIGDECIMAL it knows.
BIGQUERY_INT64_ALIASES = ("INT", "SMALLINT", "INTEGER", "BIGINT", "TINYINT", "BYTEINT")

# Released ZetaSQL features BigQuery does not have; removing them makes the analyzer reject
# e.g. DuckDB's UUID and FLOAT types instead of accepting ZetaSQL's versions of them.
FEATURES_BIGQUERY_LACKS = ("FEATURE_UUID_TYPE", "FEATURE_EXTENDED_TYPES")
FEATURES_TO_ADD = ("FEATURE_DISABLE_FLOAT32",)

OFFLINE_AUTH_MESSAGE = (
    "offline BigQuery check: dbt tried to authenticate to Google, i.e. something needs a "
    "live connection at compile time (run_query, adapter.get_relation / "
    "get_columns_in_relation, is_incremental(), a statement block...). Keep introspection "
    "out of model bodies or guard it with `execute` and target.type."
)


class CheckError(Exception):
    """The check could not run (compile failed or timed out, manifest missing...)."""


class GoogleSqlError(Exception):
    """The analyzer (or a BigQuery rule it does not enforce) rejected a statement."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


# --------------------------------------------------------------------------------------
# The analyzer
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _wasm_compile_cache() -> Iterator[None]:
    """Turn on wasmtime's on-disk compilation cache while ZetaSQL loads its WebAssembly.

    Compiling the 30 MB module takes about 20 s on two cores; with wasmtime's own cache
    (~/.cache/wasmtime, keyed by module, engine settings and wasmtime version) a later run
    loads it in about 1 s. If the zetasql internals change, this silently does nothing.
    Set PORTABILITY_NO_WASM_CACHE=1 to turn it off. CI can keep ~/.cache/wasmtime between runs.
    """
    try:
        import wasmtime
        from zetasql.core import wasm_client
    except ImportError:
        yield
        return
    original = getattr(wasm_client, "Config", None)
    if (
        not isinstance(original, type)
        or not issubclass(original, wasmtime.Config)
        or os.environ.get("PORTABILITY_NO_WASM_CACHE")
    ):
        yield
        return

    class CachedConfig(original):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            with contextlib.suppress(Exception):
                self.cache = True

    wasm_client.Config = CachedConfig
    try:
        yield
    finally:
        wasm_client.Config = original


def bigquery_language_options() -> Any:
    """ZetaSQL language options approximating GoogleSQL as BigQuery runs it."""
    from zetasql.types import LanguageOptions, NameResolutionMode, ProductMode
    from zetasql.types.proto_model.generated import LanguageFeature

    options = LanguageOptions.maximum_features()
    options.name_resolution_mode = NameResolutionMode.NAME_RESOLUTION_DEFAULT
    options.product_mode = ProductMode.PRODUCT_EXTERNAL
    drop = {LanguageFeature[name] for name in FEATURES_BIGQUERY_LACKS}
    features = [LanguageFeature(f) for f in options.enabled_language_features]
    features = [f for f in features if f not in drop]
    features += [LanguageFeature[name] for name in FEATURES_TO_ADD]
    options.enabled_language_features = features
    return options


@dataclass(frozen=True)
class OutputColumn:
    name: str
    type: Any  # zetasql.types.Type
    type_name: str


_TYPE_NAMES = {"DOUBLE": "FLOAT64", "FLOAT": "FLOAT32"}


def type_name(zetasql_type: Any) -> str:
    """A GoogleSQL spelling of a ZetaSQL Type, for messages."""
    kind = zetasql_type.type_kind.name.removeprefix("TYPE_")
    if kind == "ARRAY":
        return f"ARRAY<{type_name(zetasql_type.array_type.element_type)}>"
    if kind == "STRUCT":
        fields = ", ".join(
            f"{f.field_name} {type_name(f.field_type)}".strip()
            for f in zetasql_type.struct_type.field
        )
        return f"STRUCT<{fields}>"
    if kind == "RANGE":
        return f"RANGE<{type_name(zetasql_type.range_type.element_type)}>"
    return _TYPE_NAMES.get(kind, kind)


_AT = re.compile(r"\s*\[at (\d+):(\d+)\]\s*$")


class GoogleSqlAnalyzer:
    """ZetaSQL with BigQuery settings. One per process: loading the analyzer takes ~1-20 s."""

    def __init__(self) -> None:
        from zetasql.core.local_service import ZetaSqlLocalService
        from zetasql.types import AnalyzerOptions, ErrorMessageMode

        with _wasm_compile_cache():
            self._service = ZetaSqlLocalService.get_instance()
        self.language_options = bigquery_language_options()
        self.options = AnalyzerOptions(
            language_options=self.language_options,
            error_message_mode=ErrorMessageMode.ERROR_MESSAGE_ONE_LINE,
        )
        self._options_proto: Any = None
        self._parameter_options_proto: Any = None
        self._type_cache: dict[str, Any] = {}
        self._types_only_catalog = self.register(self.root_catalog())

    def register(self, simple_catalog: Any) -> int:
        """Register a catalog with the analyzer once; analyzing against its id is much
        faster than sending the catalog (and rebuilding the builtin functions) per query."""
        return self._service.register_catalog(simple_catalog=simple_catalog).registered_id

    def unregister(self, registered_id: int) -> None:
        with contextlib.suppress(Exception):
            self._service.unregister_catalog(registered_id=registered_id)

    def root_catalog(self) -> Any:
        """An empty catalog with the builtin functions and BigQuery's extra type aliases."""
        from zetasql.api import TypeFactory
        from zetasql.types import SimpleCatalog, TypeKind, ZetaSQLBuiltinFunctionOptions

        int64 = TypeFactory.create_simple_type(TypeKind.TYPE_INT64)
        return SimpleCatalog(
            name="bigquery",
            builtin_function_options=ZetaSQLBuiltinFunctionOptions(
                language_options=self.language_options
            ),
            named_type=[
                SimpleCatalog.NamedType(name=alias.lower(), type=int64)
                for alias in BIGQUERY_INT64_ALIASES
            ],
        )

    def analyze(
        self, sql: str, catalog: Catalog | None = None, parameters: bool = False
    ) -> list[OutputColumn]:
        """Analyze one query; return its output columns or raise GoogleSqlError.

        `parameters`: the query may hold @name query parameters (the analyses do, for their
        vars); each is typed from its use, and one used as two types is an error."""
        catalog_id = catalog.registered_id(self) if catalog else self._types_only_catalog
        return self._analyze(sql, catalog_id, parameters)

    def _analyze(self, sql: str, catalog_id: int, parameters: bool = False) -> list[OutputColumn]:
        from zetasql.core.exceptions import ServerError
        from zetasql.types import parse_proto
        from zetasql.wasi._pb2.zetasql.local_service import local_service_pb2

        if self._options_proto is None:
            self._options_proto = self.options.to_proto()
            self.options.allow_undeclared_parameters = True
            self._parameter_options_proto = self.options.to_proto()
            self.options.allow_undeclared_parameters = False
        options = self._parameter_options_proto if parameters else self._options_proto
        request = local_service_pb2.AnalyzeRequest(
            sql_statement=sql, options=options, registered_catalog_id=catalog_id
        )
        try:
            # The service's raw protobuf answer, not its Python model: only the output columns
            # are read, and modelling the whole resolved tree of every statement took about a
            # third of the check's time.
            response = self._service.wasm_client.call_grpc_func(
                "ZetaSqlLocalService_Analyze", request, local_service_pb2.AnalyzeResponse
            )
        except ServerError as exc:
            message = exc.message or str(exc)
            match = _AT.search(message)
            if match:
                raise GoogleSqlError(
                    message[: match.start()], int(match.group(1)), int(match.group(2))
                ) from None
            raise GoogleSqlError(message) from None
        kind = response.resolved_statement.WhichOneof("node")
        if kind != "resolved_query_stmt_node":
            raise GoogleSqlError(f"not a query: {kind}")
        columns = response.resolved_statement.resolved_query_stmt_node.output_column_list
        types = [parse_proto(c.column.type) for c in columns]
        return [OutputColumn(c.name, t, type_name(t)) for c, t in zip(columns, types, strict=True)]

    def parse_type(self, name: str) -> Any:
        """A ZetaSQL Type from a BigQuery type name ('INT64', 'ARRAY<STRING>', 'INTEGER')."""
        key = name.strip().upper()
        if key not in self._type_cache:
            try:
                (column,) = self._analyze(
                    f"select cast(null as {name}) as c", self._types_only_catalog
                )
            except GoogleSqlError as exc:
                raise GoogleSqlError(f"{name!r} is not a BigQuery type ({exc.message})") from None
            self._type_cache[key] = column.type
        return self._type_cache[key]


_ANALYZER: GoogleSqlAnalyzer | None = None
_ANALYZER_LOCK = threading.Lock()


def get_analyzer() -> GoogleSqlAnalyzer:
    global _ANALYZER
    with _ANALYZER_LOCK:
        if _ANALYZER is None:
            _ANALYZER = GoogleSqlAnalyzer()
        return _ANALYZER


class Catalog:
    """Tables the analyzer can see, by BigQuery path: ('offline-check', 'marts', 't') or ('t',).

    Column types are ZetaSQL Types or BigQuery type names ('INT64', 'ARRAY<STRING>').
    """

    def __init__(self) -> None:
        self._tables: dict[tuple[str, ...], list[tuple[str, Any]]] = {}
        self._built: Any = None
        self._registration: tuple[GoogleSqlAnalyzer, int] | None = None

    def add_table(self, path: Sequence[str] | str, columns: Iterable[tuple[str, Any]]) -> None:
        key = (path,) if isinstance(path, str) else tuple(path)
        self._tables[tuple(p.lower() for p in key)] = list(columns)
        self._built = None
        if self._registration is not None:
            analyzer, registered_id = self._registration
            analyzer.unregister(registered_id)
            self._registration = None

    def registered_id(self, analyzer: GoogleSqlAnalyzer) -> int:
        if self._registration is None or self._registration[0] is not analyzer:
            self._registration = (analyzer, analyzer.register(self.to_zetasql(analyzer)))
        return self._registration[1]

    def __contains__(self, path: Sequence[str] | str) -> bool:
        key = (path,) if isinstance(path, str) else tuple(path)
        return tuple(p.lower() for p in key) in self._tables

    def to_zetasql(self, analyzer: GoogleSqlAnalyzer) -> Any:
        if self._built is not None:
            return self._built
        from zetasql.types import SimpleCatalog, SimpleColumn, SimpleTable

        root = analyzer.root_catalog()
        for path, columns in self._tables.items():
            node = root
            for part in path[:-1]:
                child = next((c for c in node.catalog if c.name == part), None)
                if child is None:
                    child = SimpleCatalog(name=part)
                    node.catalog.append(child)
                node = child
            node.table.append(
                SimpleTable(
                    name=path[-1],
                    column=[
                        SimpleColumn(
                            name=name,
                            type=analyzer.parse_type(t) if isinstance(t, str) else t,
                        )
                        for name, t in columns
                    ],
                )
            )
        self._built = root
        return root


def analyze_sql(sql: str, catalog: Catalog | None = None) -> list[OutputColumn]:
    """Analyze one GoogleSQL query against `catalog`; raise GoogleSqlError when invalid."""
    return get_analyzer().analyze(sql, catalog)


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


# --------------------------------------------------------------------------------------
# dbt compile for BigQuery, offline
# --------------------------------------------------------------------------------------


def write_dummy_keyfile(directory: Path, project: str = OFFLINE_PROJECT) -> Path:
    """A well-formed service-account keyfile with a fresh RSA key no Google project knows."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    email = f"offline-check@{project}.iam.gserviceaccount.com"
    info = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": "100000000000000000000",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
        + email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }
    path = directory / "offline-service-account.json"
    path.write_text(json.dumps(info, indent=2))
    path.chmod(0o600)
    return path


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _refuse_google_auth() -> Iterator[None]:
    """Make any OAuth token fetch fail at once (non-retryable) instead of retrying ~600 s."""
    try:
        from google.auth import exceptions as auth_exceptions
        from google.oauth2 import service_account
    except ImportError:
        yield
        return
    original = service_account.Credentials.refresh

    def refuse(self: Any, request: Any) -> None:
        raise auth_exceptions.RefreshError(OFFLINE_AUTH_MESSAGE)

    service_account.Credentials.refresh = refuse
    try:
        yield
    finally:
        service_account.Credentials.refresh = original


@contextlib.contextmanager
def load_each_key_once() -> Iterator[None]:
    """Parse each service-account private key once instead of once per compiled node.

    dbt-bigquery releases its connection after every node, and releasing opens it first: a
    BigQuery client whose credentials load the keyfile's RSA key again (about 40 ms of key
    checks each, some 25 s of a whole-project compile). The offline check's throw-away key
    never changes, so the signer built from it is kept for the rest of the compile."""
    try:
        from google.auth.crypt import _cryptography_rsa
    except ImportError:
        yield
        return
    signer_class = _cryptography_rsa.RSASigner
    original = signer_class.__dict__.get("from_string")
    if not isinstance(original, classmethod):
        yield
        return
    signers: dict[tuple[Any, Any, Any], Any] = {}
    lock = threading.Lock()

    def from_string(cls: Any, key: Any, key_id: Any = None) -> Any:
        cache_key = (cls, key, key_id)
        with lock:
            if cache_key not in signers:
                signers[cache_key] = original.__func__(cls, key, key_id)
            return signers[cache_key]

    signer_class.from_string = classmethod(from_string)
    try:
        yield
    finally:
        signer_class.from_string = original


_COMPILE_THREADS: list[threading.Thread] = []


def _absolute_target(project_dir: Path, target_path: Path | None) -> Path:
    target_path = Path(target_path or project_dir / DEFAULT_TARGET_PATH)
    return target_path if target_path.is_absolute() else project_dir / target_path


def _dbt_offline(args: list[str], project_dir: Path, timeout_s: float, manifest: Any = None) -> Any:
    """`dbt <args> --target bigquery`, in-process with a throw-away keyfile and Google's
    token fetch refused, under a timeout; dbt's result, or CheckError when it failed."""
    command = args[0]
    with tempfile.TemporaryDirectory(prefix="bq-offline-check-") as tmp:
        keyfile = write_dummy_keyfile(Path(tmp))
        env = {
            "DBT_PROFILES_DIR": str(project_dir / "profiles"),
            "DBT_TARGET": "bigquery",
            "BQ_AUTH_METHOD": "service-account",
            "BQ_KEYFILE": str(keyfile),
            "BQ_PROJECT": OFFLINE_PROJECT,
        }
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                from dbt.cli.main import dbtRunner

                outcome["result"] = dbtRunner(manifest=manifest).invoke(args)
            except BaseException as exc:  # reported below, in the calling thread
                outcome["exception"] = exc

        with _environment(env), _refuse_google_auth(), load_each_key_once():
            worker = threading.Thread(target=run, name=f"dbt-{command}-bigquery", daemon=True)
            _COMPILE_THREADS.append(worker)
            worker.start()
            worker.join(timeout_s)
            if worker.is_alive():
                raise CheckError(
                    f"dbt {command} --target bigquery did not finish within {timeout_s:.0f} s. "
                    "Something is probably waiting on Google (a connection retries for about "
                    "600 s): keep run_query/introspection/is_incremental() out of compile."
                )
    if "exception" in outcome:
        raise CheckError(f"dbt {command} --target bigquery crashed: {outcome['exception']!r}")
    result = outcome["result"]
    if not result.success:
        problems = []
        if result.exception is not None:
            problems.append(str(result.exception))
        for node_result in getattr(result.result, "results", None) or []:
            if str(node_result.status) in {"error", "fail", "runtime error"}:
                problems.append(f"{node_result.node.unique_id}: {node_result.message}")
        detail = "\n  ".join(problems) or "no detail (see logs/dbt.log)"
        raise CheckError(f"dbt {command} --target bigquery failed:\n  {detail}")
    return result


def _offline_args(
    command: str, project_dir: Path, target_path: Path, vars: dict[str, Any] | None
) -> list[str]:
    """The arguments every offline dbt step shares: BigQuery target, this project, the vars."""
    return [
        command,
        "--target",
        "bigquery",
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--vars",
        json.dumps(dict(vars or COMPILE_VARS)),
        "--quiet",
    ]


def parse_for_bigquery(
    project_dir: Path = REPO,
    target_path: Path | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    vars: dict[str, Any] | None = None,
) -> Any:
    """Run `dbt parse --target bigquery` offline, in-process; return dbt's parsed Manifest.

    Handed to compile_for_bigquery(manifest=...), it lets several selections or var sets be
    compiled without parsing the project again (dbt re-parses all of it whenever --vars
    differ from its last parse). The vars given here are the ones parsing renders with; the
    compile's own vars are the ones the compiled SQL is rendered with. A ref() that only a
    compile-time var branch reaches is not in a manifest parsed without it, and dbt then
    fails the compile with a message, so nothing is checked against a wrong graph."""
    project_dir = Path(project_dir).resolve()
    args = _offline_args("parse", project_dir, _absolute_target(project_dir, target_path), vars)
    return _dbt_offline(args, project_dir, timeout_s).result


def compile_for_bigquery(
    project_dir: Path = REPO,
    target_path: Path | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    select: str = "resource_type:model resource_type:analysis source:*",
    vars: dict[str, Any] | None = None,
    indirect_selection: str | None = None,
    manifest: Any = None,
) -> Path:
    """Run `dbt compile --target bigquery` offline, in-process; return the manifest path.

    `indirect_selection="empty"` leaves out the data tests attached to the selected nodes.
    `manifest`, from parse_for_bigquery() of the same project, skips dbt's parse; dbt fills
    in the compiled SQL of the selected nodes on it (nodes compiled by an earlier call keep
    theirs)."""
    project_dir = Path(project_dir).resolve()
    target_path = _absolute_target(project_dir, target_path)
    args = _offline_args("compile", project_dir, target_path, vars)
    args += ["--no-populate-cache", "--select", select]
    if indirect_selection:
        args += ["--indirect-selection", indirect_selection]
    _dbt_offline(args, project_dir, timeout_s, manifest)
    manifest_path = target_path / "manifest.json"
    if not manifest_path.is_file():
        raise CheckError(f"dbt compile succeeded but wrote no {manifest_path}")
    return manifest_path


# --------------------------------------------------------------------------------------
# Checking a manifest
# --------------------------------------------------------------------------------------


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


def _snippet(sql: str, line: int | None, column: int | None) -> str:
    if not line:
        return ""
    lines = sql.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    return f"          | {text}\n          | {' ' * max((column or 1) - 1, 0)}^"


def _relation_path(node: dict[str, Any]) -> tuple[str, ...] | None:
    name = node.get("alias") or node.get("identifier") or node.get("name")
    if not node.get("relation_name") or not name:
        return None
    return tuple(p for p in (node.get("database"), node.get("schema"), name) if p)


def _is_raw_payload_source(source: dict[str, Any]) -> bool:
    """Raw tables written by the ingest loader (all share RAW_PAYLOAD_COLUMNS)."""
    raw_names = {name for name, _ in RAW_PAYLOAD_COLUMNS}
    declared = set(source.get("columns") or {})
    loader = str(source.get("loader") or "")
    return loader.startswith("ingest") or (bool(declared) and declared <= raw_names)


def source_columns(source: dict[str, Any]) -> list[tuple[str, str]]:
    """Column names and BigQuery types of a source: YAML data_type, else the raw schema."""
    columns: dict[str, str] = {}
    if _is_raw_payload_source(source):
        columns.update(RAW_PAYLOAD_COLUMNS)
    missing = []
    for name, spec in (source.get("columns") or {}).items():
        data_type = (spec or {}).get("data_type")
        if data_type:
            columns[name] = data_type
        elif name not in columns:
            missing.append(name)
    if missing:
        raise GoogleSqlError(
            "no data_type for column(s) " + ", ".join(missing) + " and not a raw payload "
            "table: add `data_type:` (BigQuery type names) to the source YAML"
        )
    if not columns:
        raise GoogleSqlError("no columns declared: add columns with `data_type:` to the YAML")
    return list(columns.items())


def seed_columns(seed: dict[str, Any]) -> list[tuple[str, str]]:
    """Column names and BigQuery types of a seed: every column documented in its YAML, typed
    by the seed's `column_types` config (BigQuery loads seeds with exactly those types)."""
    types = {k.lower(): v for k, v in (seed.get("config", {}).get("column_types") or {}).items()}
    documented = list(seed.get("columns") or {})
    if not documented:
        raise GoogleSqlError("no columns documented: list them in the seed's YAML")
    untyped = [name for name in documented if name.lower() not in types]
    if untyped:
        raise GoogleSqlError(
            "no column_types entry for column(s) " + ", ".join(untyped) + ": give every seed "
            "column a type valid on both engines (int64, string, float64, date, bool)"
        )
    return [(name, types[name.lower()]) for name in documented]


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
        path = _relation_path(source)
        try:
            columns = source_columns(source)
            if path is None:
                raise GoogleSqlError("source has no relation name")
            for name, type_text in columns:
                try:
                    analyzer.parse_type(type_text)
                except GoogleSqlError as exc:
                    raise GoogleSqlError(f"column {name}: {exc.message}") from None
            catalog.add_table(path, columns)
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
        path = _relation_path(seed)
        try:
            columns = seed_columns(seed)
            if path is None:
                raise GoogleSqlError("seed has no relation name")
            for name, type_text in columns:
                try:
                    analyzer.parse_type(type_text)
                except GoogleSqlError as exc:
                    raise GoogleSqlError(f"column {name}: {exc.message}") from None
            catalog.add_table(path, columns)
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
            path = _relation_path(node)
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


def run(
    project_dir: Path = REPO,
    target_path: Path | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    compile_first: bool = True,
    include_tests: bool = True,
    sqlglot_mode: str = "error",
    manifest: Any = None,
) -> Report:
    """Compile (unless compile_first is False) and check; `manifest` is an optional
    parse_for_bigquery() result the compile starts from instead of parsing."""
    project_dir = Path(project_dir).resolve()
    target = _absolute_target(project_dir, target_path)
    incremental_target = target.with_name(target.name + "-incremental")
    compile_seconds = None
    if compile_first:
        started = time.monotonic()
        if manifest is None:
            manifest = parse_for_bigquery(project_dir, target, timeout_s)
        manifest_path = compile_for_bigquery(project_dir, target, timeout_s, manifest=manifest)
        compiled = json.loads(manifest_path.read_text())
        # The same parse again, the incremental models rendered as an incremental run.
        incremental_path = compile_for_bigquery(
            project_dir,
            incremental_target,
            timeout_s,
            select=INCREMENTAL_SELECT,
            vars=INCREMENTAL_VARS,
            indirect_selection="empty",
            manifest=manifest,
        )
        compile_seconds = time.monotonic() - started
    else:
        manifest_path = target / "manifest.json"
        incremental_path = incremental_target / "manifest.json"
        for path in (manifest_path, incremental_path):
            if not path.is_file():
                raise CheckError(f"{path} does not exist: run without --skip-compile")
        compiled = json.loads(manifest_path.read_text())
    if compiled.get("metadata", {}).get("adapter_type") != "bigquery":
        raise CheckError(f"{manifest_path} was not compiled for BigQuery")
    report = check_manifest(compiled, project_dir, include_tests, sqlglot_mode)
    check_incremental_runs(incremental_path, report, project_dir, sqlglot_mode)
    report.compile_seconds = compile_seconds
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portability.bigquery_check",
        description="Compile the dbt project for BigQuery offline and check every model, "
        "analysis and attached data test is valid GoogleSQL.",
    )
    parser.add_argument("--project-dir", type=Path, default=REPO)
    parser.add_argument(
        "--target-path",
        type=Path,
        default=None,
        help="where dbt writes the BigQuery compile (default: target/bigquery)",
    )
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS")
    parser.add_argument(
        "--skip-compile", action="store_true", help="re-check the existing manifest only"
    )
    parser.add_argument("--models-only", action="store_true", help="skip the data tests")
    parser.add_argument(
        "--sqlglot",
        choices=("error", "warn", "off"),
        default="error",
        help="what a sqlglot BigQuery parse failure does (default: error)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    args = parser.parse_args(argv)
    try:
        report = run(
            project_dir=args.project_dir,
            target_path=args.target_path,
            timeout_s=args.timeout,
            compile_first=not args.skip_compile,
            include_tests=not args.models_only,
            sqlglot_mode=args.sqlglot,
        )
    except CheckError as exc:
        print(f"BigQuery portability check could not run: {exc}", file=sys.stderr)
        return 2
    print(report.format(verbose=args.verbose))
    return 0 if report.ok else 1


if __name__ == "__main__":
    exit_code = main()
    if any(thread.is_alive() for thread in _COMPILE_THREADS):
        # A timed-out dbt compile is still waiting on the network: leave without joining it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exit_code)
    sys.exit(exit_code)
