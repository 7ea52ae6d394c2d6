"""Google's ZetaSQL analyzer set up as BigQuery: load it once (its WebAssembly
compiled through wasmtime's cache), analyze a query, map its errors to GoogleSqlError.

Configuration (bigquery_language_options and GoogleSqlAnalyzer):
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
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from portability.bigquery_check.errors import GoogleSqlError

# BigQuery type aliases (cloud.google.com/bigquery/docs/reference/standard-sql/data-types)
# that the ZetaSQL analyzer does not know. BOOLEAN, DECIMAL and BIGDECIMAL it knows.
BIGQUERY_INT64_ALIASES = ("INT", "SMALLINT", "INTEGER", "BIGINT", "TINYINT", "BYTEINT")

# Released ZetaSQL features BigQuery does not have; removing them makes the analyzer reject
# e.g. DuckDB's UUID and FLOAT types instead of accepting ZetaSQL's versions of them.
FEATURES_BIGQUERY_LACKS = ("FEATURE_UUID_TYPE", "FEATURE_EXTENDED_TYPES")
FEATURES_TO_ADD = ("FEATURE_DISABLE_FLOAT32",)


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


class RegisteredCatalog(Protocol):
    """What analyze() needs of a catalog (catalog.Catalog): its id with this analyzer."""

    def registered_id(self, analyzer: GoogleSqlAnalyzer) -> int: ...


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
        self, sql: str, catalog: RegisteredCatalog | None = None, parameters: bool = False
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


def analyze_sql(sql: str, catalog: RegisteredCatalog | None = None) -> list[OutputColumn]:
    """Analyze one GoogleSQL query against `catalog`; raise GoogleSqlError when invalid."""
    return get_analyzer().analyze(sql, catalog)
