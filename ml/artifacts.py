"""Saved models: one file per model with a JSON beside it, and the feature-list guard.

Layout: <artifacts root>/<set name>/<model>.{ubj,cbm} + <model>.json. The root is
ml/artifacts/ (gitignored) unless NBA_ML_ARTIFACTS says otherwise. Sets: `production`
(trained on every labelled row, used for unplayed games) and `walkforward-<season>` (trained
on the seasons before it, used for the held-out evaluation and the demo scoring). The JSON
records the model file's SHA-256, so a file cut short (a full disk, an interrupted copy) is
refused by name, with the command that writes it again, before a library tries to parse it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml.contract import REPO, FeatureContract
from ml.models import FILE_SUFFIX, FittedModel, load_model

DEFAULT_ROOT = REPO / "ml" / "artifacts"
PRODUCTION_SET = "production"


def artifacts_root() -> Path:
    return Path(os.environ.get("NBA_ML_ARTIFACTS") or DEFAULT_ROOT)


def walkforward_set(season: str) -> str:
    return f"walkforward-{season}"


class FeatureMismatchError(RuntimeError):
    """A saved model's feature list is not the store's current one: scoring is refused."""


class ArtifactError(RuntimeError):
    """A saved model's file or JSON is missing, cut short or unreadable: retrain it."""


def retrain_command(set_dir: Path) -> str:
    """The command that writes the model set `set_dir` again."""
    if set_dir.name.startswith("walkforward-"):
        return f"nba-props evaluate --season {set_dir.name.removeprefix('walkforward-')}"
    return "nba-props train"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_feature_list(
    model_features: list[str] | tuple[str, ...], contract: FeatureContract, label: str
) -> None:
    """Refuse a model trained on any other list: other names, other order, other count."""
    if tuple(model_features) == contract.features:
        return
    missing = [f for f in contract.features if f not in model_features]
    extra = [f for f in model_features if f not in contract.features]
    details = []
    if missing:
        details.append(f"the store has {missing} which the model never saw")
    if extra:
        details.append(f"the model expects {extra} which the store no longer has")
    if not missing and not extra:
        details.append("same names in a different order")
    raise FeatureMismatchError(
        f"{label} was trained on {len(model_features)} features, the store "
        f"({contract.source}) lists {len(contract.features)}: "
        + "; ".join(details)
        + ". Retrain it (`python -m ml train` / `python -m ml evaluate`) before scoring."
    )


def dbt_manifest_info(store_model: str = "ml_feature_store") -> dict[str, Any]:
    """Hash of dbt's manifest and the store model's checksum, when a manifest is around."""
    target = Path(os.environ.get("DBT_TARGET_PATH") or REPO / "target")
    manifest = target / "manifest.json"
    if not manifest.is_file():
        return {"manifest_path": str(manifest), "manifest_sha256": None}
    raw = manifest.read_bytes()
    info: dict[str, Any] = {
        "manifest_path": str(manifest),
        "manifest_sha256": hashlib.sha256(raw).hexdigest(),
    }
    nodes = json.loads(raw).get("nodes", {})
    for node in nodes.values():
        if node.get("resource_type") == "model" and node.get("name") == store_model:
            info["feature_store_checksum"] = (node.get("checksum") or {}).get("checksum")
    return info


def version_digest(payload: dict[str, Any]) -> str:
    """Same features, parameters, window and rows give the same version (idempotent scoring)."""
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass
class SavedModel:
    model: FittedModel
    meta: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.meta["model_version"])


def save_model(set_dir: Path, model: FittedModel, meta: dict[str, Any]) -> Path:
    set_dir.mkdir(parents=True, exist_ok=True)
    model_path = set_dir / f"{model.name}{FILE_SUFFIX[model.name]}"
    model.save(model_path)
    meta = {**meta, "model_file": model_path.name, "model_sha256": file_sha256(model_path)}
    meta_path = set_dir / f"{model.name}.json"
    meta_path.write_text(json.dumps(meta, indent=2, default=str) + "\n")
    return meta_path


def load_saved_model(set_dir: Path, name: str, contract: FeatureContract) -> SavedModel:
    """Load one model, refusing it (FeatureMismatchError) unless its features are the store's,
    and (ArtifactError) when its JSON or model file is missing, cut short or unreadable."""
    retrain = f"retrain with `{retrain_command(set_dir)}`"
    meta_path = set_dir / f"{name}.json"
    if not meta_path.is_file():
        raise ArtifactError(f"no saved {name} model in {set_dir} ({meta_path.name}): {retrain}")
    try:
        meta = json.loads(meta_path.read_text())
        features, model_file = list(meta["features"]), str(meta["model_file"])
    except (ValueError, KeyError, TypeError) as exc:
        reason = f"no {exc}" if isinstance(exc, KeyError) else type(exc).__name__
        raise ArtifactError(
            f"{meta_path} is not a complete model description ({reason}): it was cut short "
            f"or edited; {retrain}"
        ) from exc
    check_feature_list(features, contract, f"{name} model {meta.get('model_version')}")
    model_path = set_dir / model_file
    if not model_path.is_file():
        raise ArtifactError(
            f"{model_path} is missing (its JSON {meta_path.name} names it); {retrain}"
        )
    recorded = meta.get("model_sha256")  # absent from models saved before it was recorded
    if recorded and file_sha256(model_path) != recorded:
        raise ArtifactError(
            f"{model_path} ({model_path.stat().st_size:,} bytes) is not the file its JSON "
            f"describes (another SHA-256): it was cut short or replaced; {retrain}"
        )
    try:
        model = load_model(name, model_path, meta.get("params"))
    except Exception as exc:  # each library raises its own type, with a C++ trace inside
        raise ArtifactError(
            f"{model_path} cannot be read as a {name} model (damaged or cut short); {retrain}"
        ) from exc
    return SavedModel(model, meta)
