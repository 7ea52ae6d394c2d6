"""The append-only landing zone: raw response bytes plus a sidecar manifest, never rewritten.

Layout: <root>/<source>/<entity>/dt=YYYY-MM-DD/<request_key>.<sha256[:12]>.json
        and <request_key>.<sha256[:12]>.manifest.json beside it. Sources that deliver files
        in another format (BigDataBall CSV) land them as .csv, bytes equally unchanged.

Besides payloads, the root legitimately holds the zone's own bookkeeping, which is never a
payload: the manifests (an orphan too: the manifest is written first, so a crash can leave one
without its payload), the fetchers' retry lists (_retry/<source>/<entity>/retry_<time>.json)
and writes in progress (.<name>.<random>.tmp, renamed or removed when the write ends). Anything
else is a stray: a name off the layout, a hidden name, or an entry that is not a regular file
(a symbolic link, dangling or not, a FIFO, a socket, a device). iter_entries() reports strays
so the loader quarantines them with the reason; it never opens or follows one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest.storage import FILE, NOT_REGULAR, Storage, open_storage

log = logging.getLogger(__name__)

DEFAULT_ROOT = "landing"
SAFE_NAME = re.compile(r"^[A-Za-z0-9_.=-]+$")
PAYLOAD_NAME = re.compile(
    r"^(?P<request_key>[A-Za-z0-9_.=-]+)\.(?P<sha>[0-9a-f]{12})\.(?P<extension>json|csv)$"
)
PAYLOAD_EXTENSIONS = ("json", "csv")
MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_NAME = re.compile(r"^[A-Za-z0-9_.=-]+\.[0-9a-f]{12}\.manifest\.json$")
SHA_PREFIX_LEN = 12
RETRY_FOLDER = "_retry"  # beside the sources: the fetchers' retry lists, never loaded
RETRY_NAME = re.compile(r"^retry_[A-Za-z0-9_.=-]+\.json$")
UNKNOWN = "_unknown"  # a stray's source or entity when it sits in no such folder
OFF_LAYOUT = (
    "not a landed payload: off the layout "
    "<source>/<entity>/dt=YYYY-MM-DD/<request_key>.<sha256[:12]>.json|csv; not read"
)


def default_root() -> str:
    return os.environ.get("NBA_LANDING_ROOT") or DEFAULT_ROOT


def validate_name(kind: str, value: str) -> str:
    """Names become path segments, so anything that could climb out of the root is refused."""
    if not isinstance(value, str) or not SAFE_NAME.match(value):
        raise ValueError(f"invalid {kind} {value!r}: only letters, digits and _ . = - allowed")
    if ".." in value or value.startswith("."):
        raise ValueError(f"invalid {kind} {value!r}: must not start with '.' or contain '..'")
    return value


def format_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """ISO-8601 in, aware UTC datetime out (a naive value is taken to be UTC already)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def manifest_key(payload_key: str) -> str:
    stem, _, extension = payload_key.rpartition(".")
    if extension not in PAYLOAD_EXTENSIONS or payload_key.endswith(MANIFEST_SUFFIX):
        raise ValueError(f"not a payload key: {payload_key}")
    return stem + MANIFEST_SUFFIX


@dataclass(frozen=True)
class Landed:
    path: str  # relative to the landing root
    manifest_path: str
    sha256: str
    bytes: int
    written: bool  # False when identical bytes were already landed for this request_key


@dataclass(frozen=True)
class LandedFile:
    path: str
    source: str
    entity: str
    request_key: str
    sha_prefix: str


@dataclass(frozen=True)
class Stray:
    """An entry under the landing root that is neither a payload nor the zone's bookkeeping.
    source and entity are the first two folders it sits in (UNKNOWN where there is none)."""

    path: str
    source: str
    entity: str
    reason: str


def parse_payload_key(key: str) -> LandedFile | None:
    parts = key.split("/")
    if len(parts) != 4 or not parts[2].startswith("dt="):
        return None
    match = PAYLOAD_NAME.match(parts[3])
    if match is None:
        return None
    return LandedFile(
        path=key,
        source=parts[0],
        entity=parts[1],
        request_key=match["request_key"],
        sha_prefix=match["sha"],
    )


def is_bookkeeping(key: str) -> bool:
    """A manifest in a payload folder, a retry list, or a write in progress (module docstring)."""
    parts = key.split("/")
    name = parts[-1]
    if name.startswith(".") and name.endswith(".tmp"):
        return True
    if len(parts) != 4:
        return False
    if parts[0] == RETRY_FOLDER:
        return RETRY_NAME.match(name) is not None
    return parts[2].startswith("dt=") and MANIFEST_NAME.match(name) is not None


def _printable(key: str) -> str:
    """A local name that is not UTF-8 (os gives it as surrogates) as text a warehouse takes."""
    return key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def stray(key: str, reason: str) -> Stray:
    path = _printable(key)
    folders = path.split("/")[:-1]
    source = folders[0] if folders else UNKNOWN
    entity = folders[1] if len(folders) > 1 else UNKNOWN
    return Stray(path, source, entity, reason)


def classify(key: str, kind: str, detail: str = "") -> LandedFile | Stray | None:
    """One listed entry: a payload, a stray (with the reason), or None for bookkeeping."""
    if kind != FILE:
        if kind == "symlink":
            return stray(key, f"not a regular file: a symbolic link to {detail!r}, not followed")
        if kind == "unlistable_folder":
            return stray(key, f"a folder that cannot be listed ({detail}): its entries unseen")
        return stray(key, f"not a regular file: {NOT_REGULAR[kind]}, not opened")
    if _printable(key) != key:
        return stray(key, "name is not valid UTF-8; not read")
    parts = key.split("/")
    if any(part.startswith(".") for part in parts):
        return None if is_bookkeeping(key) else stray(key, f"hidden name; {OFF_LAYOUT}")
    landed = parse_payload_key(key) if all(parts) else None  # a bucket allows 'a//b'
    if landed is not None:
        return landed
    return None if is_bookkeeping(key) else stray(key, OFF_LAYOUT)


class LandingZone:
    def __init__(self, root: str | os.PathLike[str] | None = None, storage: Storage | None = None):
        self.root = os.fspath(root) if root is not None else default_root()
        self.storage = storage if storage is not None else open_storage(self.root)
        # (source, entity) -> {(request_key, sha_prefix): path}; built once per entity because a
        # full backfill lands thousands of files and re-listing per write would be quadratic.
        self._index: dict[tuple[str, str], dict[tuple[str, str], str]] = {}

    def _entity_index(self, source: str, entity: str) -> dict[tuple[str, str], str]:
        cache_key = (source, entity)
        if cache_key not in self._index:
            found: dict[tuple[str, str], str] = {}
            for landed in self.iter_payloads(source, entity):
                found.setdefault((landed.request_key, landed.sha_prefix), landed.path)
            self._index[cache_key] = found
        return self._index[cache_key]

    def iter_payloads(
        self, source: str | None = None, entity: str | None = None
    ) -> Iterator[LandedFile]:
        prefix = ""
        if source is not None:
            prefix = validate_name("source", source)
            if entity is not None:
                prefix += "/" + validate_name("entity", entity)
        for key in self.storage.list(prefix):
            landed = parse_payload_key(key)
            if landed is not None:
                yield landed

    def iter_entries(self) -> Iterator[LandedFile | Stray]:
        """Every entry under the root but the zone's bookkeeping: the payloads iter_payloads()
        yields (when they are regular files) and, for the loader to quarantine, the strays."""
        for entry in self.storage.entries(""):
            item = classify(entry.key, entry.kind, entry.detail)
            if item is not None:
                yield item

    def land(
        self,
        source: str,
        entity: str,
        request_key: str,
        data: bytes,
        origin: str,
        params: Mapping[str, Any] | None = None,
        fetched_at: datetime | None = None,
        extension: str = "json",
    ) -> Landed:
        if extension not in PAYLOAD_EXTENSIONS:
            raise ValueError(f"payload extension must be one of {PAYLOAD_EXTENSIONS}")
        validate_name("source", source)
        validate_name("entity", entity)
        validate_name("request_key", request_key)
        if not isinstance(data, bytes | bytearray):
            raise TypeError("landing takes the raw response bytes")
        data = bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        index = self._entity_index(source, entity)
        existing = index.get((request_key, sha[:SHA_PREFIX_LEN]))
        if existing is not None:
            log.debug("already landed %s (sha256 %s), not writing again", existing, sha[:12])
            return Landed(existing, manifest_key(existing), sha, len(data), written=False)

        fetched = fetched_at or datetime.now(UTC)
        fetched_text = format_timestamp(fetched)
        dt = fetched.astimezone(UTC).date().isoformat()
        path = f"{source}/{entity}/dt={dt}/{request_key}.{sha[:SHA_PREFIX_LEN]}.{extension}"
        manifest = {
            "source": source,
            "entity": entity,
            "request_key": request_key,
            "origin": origin,
            "params": dict(params or {}),
            "fetched_at": fetched_text,
            "sha256": sha,
            "bytes": len(data),
            "landed_path": path,
        }
        manifest_path = manifest_key(path)
        # Manifest first: a payload is never visible without the manifest that vouches for it.
        try:
            self.storage.write_atomic(
                manifest_path,
                (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode(),
            )
        except FileExistsError:
            # Another run landed the same bytes under the same path since our index was built
            # (same day, other fetched_at). Its manifest vouches for them; keep it, never rewrite.
            theirs = self.read_manifest(path)
            if theirs is None or theirs.get("sha256") != sha:
                raise
            self.storage.write_atomic(path, data)
            index[(request_key, sha[:SHA_PREFIX_LEN])] = path
            log.debug("%s was landed concurrently by another run", path)
            return Landed(path, manifest_path, sha, len(data), written=False)
        self.storage.write_atomic(path, data)
        index[(request_key, sha[:SHA_PREFIX_LEN])] = path
        log.debug("landed %s (%d bytes) from %s", path, len(data), origin)
        return Landed(path, manifest_path, sha, len(data), written=True)

    def read(self, path: str) -> bytes:
        return self.storage.read(path)

    def read_landed(self, path: str) -> bytes:
        """The loader's read: a regular file only, never through a link (Storage.read_regular)."""
        return self.storage.read_regular(path)

    def read_manifest(self, payload_path: str) -> dict[str, Any] | None:
        # Read and catch rather than exists() then read(): one request per file on a bucket.
        # Read as the loader reads payloads: a manifest that is a link or a FIFO is refused.
        try:
            raw = self.storage.read_regular(manifest_key(payload_path))
        except FileNotFoundError:
            return None
        return json.loads(raw)
