"""Storage on a Google Cloud Storage bucket, for landing roots of the form gs://bucket/prefix.

Same keys, layout and guarantees as LocalStorage, so LandingZone and the loader do not know
which one they talk to.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from google.api_core.exceptions import NotFound, PreconditionFailed
from google.cloud.storage.retry import DEFAULT_RETRY

from ingest.storage import FILE, Entry, check_key

if TYPE_CHECKING:
    from google.cloud import storage

log = logging.getLogger(__name__)

# cloud.google.com/storage/docs/buckets#naming, without the dotted (domain) form's extra rules.
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")
LIST_PAGE_SIZE = 1000  # the API maximum: fewest round trips on a full backfill
CONTENT_TYPES = {"json": "application/json", "csv": "text/csv"}


def parse_gs_root(root: str) -> tuple[str, str]:
    """'gs://bucket/some/prefix/' -> ('bucket', 'some/prefix'); the prefix may be empty."""
    if not root.startswith("gs://"):
        raise ValueError(f"not a gs:// root: {root!r}")
    bucket, _, prefix = root[len("gs://") :].partition("/")
    if not BUCKET_NAME.match(bucket):
        raise ValueError(f"invalid bucket name in landing root {root!r}")
    prefix = prefix.strip("/")
    if prefix:
        check_key(prefix)
    return bucket, prefix


def make_client() -> storage.Client:
    from google.cloud import storage

    if os.environ.get("STORAGE_EMULATOR_HOST"):
        # The emulator accepts any request; real credentials would only be sent to it needlessly.
        from google.auth.credentials import AnonymousCredentials

        project = os.environ.get("GOOGLE_CLOUD_PROJECT") or "local"
        log.debug("GCS client for the storage emulator (project %s)", project)
        return storage.Client(project=project, credentials=AnonymousCredentials())
    return storage.Client()


class GCSStorage:
    def __init__(self, root: str, client: storage.Client | None = None) -> None:
        self.bucket_name, self.prefix = parse_gs_root(root)
        self._client = client

    @property
    def client(self) -> storage.Client:
        # Built on first use: opening a landing root must not need credentials or network.
        if self._client is None:
            self._client = make_client()
        return self._client

    def _name(self, key: str) -> str:
        rel = check_key(key).as_posix()
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def _blob(self, key: str) -> storage.Blob:
        return self.client.bucket(self.bucket_name).blob(self._name(key))

    def write_atomic(self, key: str, data: bytes) -> None:
        blob = self._blob(key)
        # A GCS object becomes visible only once its upload completes, so unlike LocalStorage
        # there is no temp name to rename. if_generation_match=0 means "create, never replace":
        # a concurrent writer (or our own retried request that did succeed) cannot overwrite.
        try:
            blob.upload_from_string(
                data,
                content_type=CONTENT_TYPES.get(key.rpartition(".")[2], "application/octet-stream"),
                if_generation_match=0,
                retry=DEFAULT_RETRY,
            )
        except PreconditionFailed:
            existing = blob.download_as_bytes(retry=DEFAULT_RETRY)
            if existing != data:
                raise FileExistsError(
                    f"{self.uri(key)} already exists with different content; not overwritten"
                ) from None
            log.debug("%s already there with identical bytes", self.uri(key))

    def exists(self, key: str) -> bool:
        return self._blob(key).exists(retry=DEFAULT_RETRY)

    def _names(self, prefix: str) -> Iterator[str]:
        rel = prefix.strip("/")
        if rel:
            check_key(rel)
        # A trailing '/' keeps the match on whole path segments, as a folder walk would:
        # 'nba_stats/player' must not pick up 'nba_stats/player_game_logs/...'.
        parts = [p for p in (self.prefix, rel) if p]
        full = "/".join(parts) + "/" if parts else ""
        strip = len(self.prefix) + 1 if self.prefix else 0
        blobs = self.client.list_blobs(
            self.bucket_name,
            prefix=full or None,
            page_size=LIST_PAGE_SIZE,
            fields="items(name),nextPageToken",
            retry=DEFAULT_RETRY,
        )
        for blob in blobs:
            key = blob.name[strip:]
            # Folder placeholders (as the console creates them) are not objects of ours.
            if not key.endswith("/"):
                yield key

    def list(self, prefix: str) -> Iterator[str]:
        for key in self._names(prefix):
            # Skip dot-names, which LocalStorage never yields either.
            if not any(part.startswith(".") for part in key.split("/")):
                yield key

    def entries(self, prefix: str) -> Iterator[Entry]:
        # An object has no links, pipes or devices: every one is a regular file.
        for key in self._names(prefix):
            yield Entry(key, FILE)

    def read(self, key: str) -> bytes:
        try:
            return self._blob(key).download_as_bytes(retry=DEFAULT_RETRY)
        except NotFound:
            raise FileNotFoundError(self.uri(key)) from None

    def read_regular(self, key: str) -> bytes:
        return self.read(key)

    def uri(self, key: str) -> str:
        return f"gs://{self.bucket_name}/{self._name(key)}"
