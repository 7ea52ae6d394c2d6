"""Where landed bytes live. The landing zone and the loader talk only to this interface, so the
bucket-backed implementation (gs:// roots, ingest/gcs.py) slots in without either changing."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Protocol


class Storage(Protocol):
    """Keys are '/'-separated paths relative to the storage root."""

    def write_atomic(self, key: str, data: bytes) -> None:
        """Readers see all of data or nothing. Raises FileExistsError instead of replacing an
        existing key with different bytes where the backend can tell (GCS can, local cannot)."""
        ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> Iterator[str]: ...

    def read(self, key: str) -> bytes: ...

    def uri(self, key: str) -> str: ...


def check_key(key: str) -> PurePosixPath:
    path = PurePosixPath(key)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"storage key must be a relative path without '..': {key!r}")
    return path


class LocalStorage:
    def __init__(self, root: str | os.PathLike[str], fsync: bool = True) -> None:
        self.root = Path(root)
        # fsync costs milliseconds per file; throwaway landing roots (tests) may skip it.
        self.fsync = fsync

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).parts)

    def write_atomic(self, key: str, data: bytes) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Same folder as the target so the rename never crosses a filesystem; the leading dot
        # keeps list() from ever yielding a half-written file.
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                if self.fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix) if prefix.strip("/") else self.root
        if not base.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel_dir = Path(dirpath).relative_to(self.root).as_posix()
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                yield name if rel_dir == "." else f"{rel_dir}/{name}"

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def uri(self, key: str) -> str:
        return str(self._path(key))


def open_storage(root: str | os.PathLike[str]) -> Storage:
    text = os.fspath(root)
    if text.startswith("gs://"):
        # Imported here so local runs never pay for loading the Google client libraries.
        from ingest.gcs import GCSStorage

        return GCSStorage(text)
    return LocalStorage(text, fsync=os.environ.get("NBA_LANDING_FSYNC", "1") != "0")
