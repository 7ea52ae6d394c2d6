"""The feature contract: the ordered feature list of `ml_feature_store`, read from its dbt YAML.

The YAML is the only place the list lives. Columns with `meta.feature: true` are model inputs,
ordered by `meta.feature_order`; `meta.required` marks the ones the store counts in
`missing_required_features`; `data_type` (dbt enforces it on the store) is their type, which
must be numeric: every feature reaches the models as a float. Colleagues add features by
editing that YAML, so nothing here names a feature. Rows that hand a feature column of another
type (a store built before a change, a table edited by hand) are refused by `check_types`
with the column, the declared type and the type found, before any library sees them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONTRACT_YAML = REPO / "models" / "ml" / "_ml__models.yml"
DEFAULT_DBT_PROJECT = REPO / "dbt_project.yml"
STORE_MODEL = "ml_feature_store"
# Feature names end up inside SQL select lists; anything else is refused rather than quoted.
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The targets a data_type may be rendered for (`{{ 'float64' if target.type == 'bigquery'
# else 'double' }}`), and the type names that load into a float matrix as DuckDB, BigQuery
# and pandas spell them.
TARGET_TYPES = ("duckdb", "bigquery")
NUMERIC_TYPES = frozenset(
    {"float", "float16", "float32", "float64", "double", "real", "numeric", "bignumeric"}
    | {"decimal", "bigdecimal", "int", "integer", "bigint", "smallint", "tinyint", "hugeint"}
    | {f"{sign}int{bits}" for sign in ("", "u") for bits in (8, 16, 32, 64, 128)}
    | {"ubigint", "uinteger", "usmallint", "utinyint", "uhugeint", "bool", "boolean"}
)


class ContractError(ValueError):
    """The YAML does not describe a usable, unambiguous feature list."""


class FeatureTypeError(TypeError):
    """Rows hand the models a feature column of a type the contract does not declare."""


def is_numeric_type(type_name: str) -> bool:
    """'DOUBLE', 'FLOAT64', 'DECIMAL(18,3)', 'Int64' (pandas): True; 'VARCHAR', 'object': False."""
    base = re.split(r"[\s(<\[]", type_name.strip().lower(), maxsplit=1)[0]
    return base in NUMERIC_TYPES


def render_type(data_type: str, target_type: str) -> str:
    """A YAML data_type for one target: dbt renders it with `target` in scope."""
    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(data_type)
    return template.render(target={"type": target_type}).strip()


@dataclass(frozen=True)
class FeatureContract:
    features: tuple[str, ...]
    required: frozenset[str]
    feature_version: str | None
    source: str
    # Feature -> its data_type as the YAML writes it (maybe a template); every one numeric.
    data_types: Mapping[str, str] = field(default_factory=dict, compare=False)

    def declared_type(self, feature: str) -> str:
        """'double (float64 on BigQuery)', or 'a number' for a contract built without types."""
        declared = self.data_types.get(feature)
        if declared is None:
            return "a number"
        on_duckdb, on_bigquery = (render_type(declared, t) for t in TARGET_TYPES)
        return on_duckdb if on_duckdb == on_bigquery else f"{on_duckdb} ({on_bigquery} on BigQuery)"

    def check_types(self, found: Mapping[str, str], where: str, fix: str = "") -> None:
        """Refuse rows whose feature columns are not numeric. `found`: column -> its type as
        the rows' source spells it (the warehouse: VARCHAR, FLOAT64; pandas: object, float64);
        the message names each such column, the type the YAML declares and the type found."""
        wrong = [f for f in self.features if f in found and not is_numeric_type(found[f])]
        if not wrong:
            return
        details = "; ".join(
            f"{f} is {found[f]}, the contract ({self.source}) declares {self.declared_type(f)}"
            for f in wrong
        )
        noun = "column" if len(wrong) == 1 else "columns"
        raise FeatureTypeError(
            f"{where}: feature {noun} of the wrong type: {details}" + (f". {fix}" if fix else "")
        )

    @property
    def fingerprint(self) -> str:
        """Short hash of the ordered list: equal lists, equal fingerprints."""
        return hashlib.sha256("\n".join(self.features).encode()).hexdigest()[:12]

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "required_features": [f for f in self.features if f in self.required],
            "feature_version": self.feature_version,
            "feature_fingerprint": self.fingerprint,
            "contract_source": self.source,
        }


def _meta(column: Mapping[str, Any]) -> Mapping[str, Any]:
    # dbt accepts meta at the column root or under config (newer style); read both.
    meta = dict(column.get("meta") or {})
    meta.update((column.get("config") or {}).get("meta") or {})
    return meta


def _version_from_model(model: Mapping[str, Any]) -> str | None:
    meta = dict(model.get("meta") or {})
    meta.update((model.get("config") or {}).get("meta") or {})
    value = meta.get("feature_version")
    return str(value) if value is not None else None


def _version_from_project(dbt_project: Path) -> str | None:
    if not dbt_project.is_file():
        return None
    project = yaml.safe_load(dbt_project.read_text()) or {}
    value = (project.get("vars") or {}).get("feature_version")
    return str(value) if value is not None else None


def parse_contract(
    document: Mapping[str, Any],
    source: str,
    model_name: str = STORE_MODEL,
    project_feature_version: str | None = None,
) -> FeatureContract:
    models = [m for m in document.get("models") or [] if m.get("name") == model_name]
    if len(models) != 1:
        raise ContractError(f"{source}: expected one model named {model_name}, found {len(models)}")
    (model,) = models
    ordered: list[tuple[int, str]] = []
    required: set[str] = set()
    data_types: dict[str, str] = {}
    for column in model.get("columns") or []:
        meta = _meta(column)
        if not meta.get("feature"):
            continue
        name = str(column.get("name"))
        if not IDENTIFIER.match(name):
            raise ContractError(f"{source}: feature name {name!r} is not a plain identifier")
        order = meta.get("feature_order")
        if not isinstance(order, int) or isinstance(order, bool):
            raise ContractError(f"{source}: feature {name} has no integer meta.feature_order")
        data_types[name] = _numeric_data_type(column, name, source)
        ordered.append((order, name))
        if meta.get("required"):
            required.add(name)
    if not ordered:
        raise ContractError(f"{source}: {model_name} has no column with meta.feature: true")
    orders = [o for o, _ in ordered]
    names = [n for _, n in ordered]
    if len(set(orders)) != len(orders):
        dupes = sorted({o for o in orders if orders.count(o) > 1})
        raise ContractError(f"{source}: feature_order values repeat: {dupes}")
    if len(set(names)) != len(names):
        raise ContractError(f"{source}: a feature column is listed twice")
    # The model's own meta wins; otherwise the dbt var the SQL reads. When neither is set the
    # store's feature_version column is the authority (checked when data is read).
    version = _version_from_model(model) or project_feature_version
    return FeatureContract(
        features=tuple(name for _, name in sorted(ordered)),
        required=frozenset(required),
        feature_version=version,
        source=source,
        data_types=data_types,
    )


def _numeric_data_type(column: Mapping[str, Any], name: str, source: str) -> str:
    declared = column.get("data_type")
    if not declared:
        raise ContractError(
            f"{source}: feature {name} has no data_type (the store's contract is enforced, so "
            "every column declares one)"
        )
    for target_type in TARGET_TYPES:
        try:
            rendered = render_type(str(declared), target_type)
        except jinja2.TemplateError as exc:
            raise ContractError(
                f"{source}: feature {name}: data_type {declared!r}: {exc}"
            ) from None
        if not is_numeric_type(rendered):
            raise ContractError(
                f"{source}: feature {name} is declared {rendered} on {target_type}; the models "
                "read every feature as a float, so it must be a numeric type"
            )
    return str(declared)


def read_contract(
    path: Path = DEFAULT_CONTRACT_YAML,
    model_name: str = STORE_MODEL,
    dbt_project: Path = DEFAULT_DBT_PROJECT,
) -> FeatureContract:
    """The ordered feature list (and required flags, feature version) from the dbt YAML."""
    if not path.is_file():
        raise ContractError(f"feature contract YAML not found: {path}")
    document = yaml.safe_load(path.read_text()) or {}
    return parse_contract(
        document,
        source=str(path.relative_to(REPO) if path.is_relative_to(REPO) else path),
        model_name=model_name,
        project_feature_version=_version_from_project(dbt_project),
    )
