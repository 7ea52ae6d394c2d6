"""Where landed bytes live. The landing zone and the loader talk only to this interface, so the
bucket-backed implementation (gs:// roots, ingest/gcs.py) slots in without either changing."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

# What an entry is, when it is not a regular file; a bucket object is always a regular file.
FILE = "file"
NOT_REGULAR = {
    "symlink": "a symbolic link",
    "fifo": "a named pipe (FIFO)",
    "socket": "a socket",
    "block_device": "a block device",
    "char_device": "a character device",
    "unlistable_folder": "a folder that cannot be listed",
    "other": "neither a regular file nor a folder",
}


@dataclass(frozen=True)
class Entry:
    """One name under the storage root, as listed: what it is, never what it points to."""

    key: str
    kind: str  # FILE, or a key of NOT_REGULAR
    detail: str = ""  # a symbolic link's target, or why a folder cannot be listed


class NotRegularFile(OSError):
    """read_regular() refused a key: it is not a regular file reached without a link."""


class Storage(Protocol):
    """Keys are '/'-separated paths relative to the storage root."""

    def write_atomic(self, key: str, data: bytes) -> None:
        """Readers see all of data or nothing. Raises FileExistsError instead of replacing an
        existing key with different bytes where the backend can tell (GCS can, local cannot)."""
        ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> Iterator[str]: ...

    def entries(self, prefix: str) -> Iterator[Entry]:
        """Every entry under prefix, dot-names included, with its kind; links are listed as
        links, never followed. list() stays the plain listing other callers rely on."""
        ...

    def read(self, key: str) -> bytes: ...

    def read_regular(self, key: str) -> bytes:
        """read(), but only a regular file reached without following a link; anything else
        raises NotRegularFile, and a FIFO or device is never opened. The loader reads this way."""
        ...

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

    def entries(self, prefix: str) -> Iterator[Entry]:
        base = self._path(prefix) if prefix.strip("/") else self.root
        if not base.is_dir():
            return
        # A folder's entries in name order, then its subfolders', as list() walks them. A
        # stack, not recursion: however deep the folders go, listing them cannot overflow.
        pending = [base]
        while pending:
            folder = pending.pop()
            rel = folder.relative_to(self.root).as_posix()
            try:
                with os.scandir(folder) as scan:
                    found = sorted(scan, key=lambda item: item.name)
            except OSError as err:
                if folder == base:
                    raise  # the root (or prefix) itself: nothing of this listing can be trusted
                yield Entry(rel, "unlistable_folder", f"{type(err).__name__}: {err.strerror}")
                continue
            subfolders = []
            for item in found:
                key = item.name if rel == "." else f"{rel}/{item.name}"
                try:
                    if item.is_dir(follow_symlinks=False):
                        subfolders.append(Path(item.path))
                        continue
                    kind = _kind(item.stat(follow_symlinks=False).st_mode)
                    detail = os.readlink(item.path) if kind == "symlink" else ""
                except FileNotFoundError:
                    continue  # removed since the folder was listed: no longer an entry
                yield Entry(key, kind, detail)
            pending.extend(reversed(subfolders))

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def read_regular(self, key: str) -> bytes:
        parts = check_key(key).parts
        # Folder by folder from the root, each opened without following a link, so a link
        # anywhere under the root (to a file or a folder, inside or outside it) is refused.
        folder = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for i, part in enumerate(parts):
                mode = os.stat(part, dir_fd=folder, follow_symlinks=False).st_mode
                last = i == len(parts) - 1
                if not (stat.S_ISREG(mode) if last else stat.S_ISDIR(mode)):
                    raise NotRegularFile(
                        f"{'/'.join(parts[: i + 1])} is {_what(mode)}, not a "
                        f"{'regular file' if last else 'folder'}: not read"
                    )
                # O_NONBLOCK: should a FIFO replace the file after the check, opening it
                # returns at once instead of waiting for a writer; fstat then refuses it.
                flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_NONBLOCK if last else os.O_DIRECTORY)
                opened = os.open(part, flags, dir_fd=folder)
                os.close(folder)
                folder = opened
            if not stat.S_ISREG(os.fstat(folder).st_mode):
                raise NotRegularFile(f"{key} was replaced by something else after it was checked")
            os.set_blocking(folder, True)
            with os.fdopen(folder, "rb", closefd=False) as fh:
                return fh.read()
        finally:
            os.close(folder)

    def uri(self, key: str) -> str:
        return str(self._path(key))


def _kind(mode: int) -> str:
    for kind, test in (
        (FILE, stat.S_ISREG),
        ("symlink", stat.S_ISLNK),
        ("fifo", stat.S_ISFIFO),
        ("socket", stat.S_ISSOCK),
        ("block_device", stat.S_ISBLK),
        ("char_device", stat.S_ISCHR),
    ):
        if test(mode):
            return kind
    return "other"


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    kind = _kind(mode)
    return "a regular file" if kind == FILE else NOT_REGULAR[kind]


def open_storage(root: str | os.PathLike[str]) -> Storage:
    text = os.fspath(root)
    if text.startswith("gs://"):
        # Imported here so local runs never pay for loading the Google client libraries.
        from ingest.gcs import GCSStorage

        return GCSStorage(text)
    return LocalStorage(text, fsync=os.environ.get("NBA_LANDING_FSYNC", "1") != "0")
