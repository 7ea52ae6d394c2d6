"""Pick'em line files in the offline demo: the 84 daily files of 2024-25 (2024-10-22 ..
2025-01-13) from github.com/spon7ge/NBA-Prop-Predictor (MIT), shipped whole and unchanged in
data/bundled/pickem_lines/player_props/2024-25.jsonl.gz (one JSON line per file: request
key, origin, params, file date and the CSV text) and landed by `python -m ingest bundled`.

With `--through D` (replaying a season night by night) the files dated up to D + 2 land: the
replay stands just before the games of D + 1 tip off, and a file dated D + 2 was captured from
00:00 UTC of that date on, i.e. from 7-8 pm US Eastern on D + 1, when that night's lines are
up. The games those files list that have not been played yet are the "tonight" rows of the
context marts; the same pre-tip rule as for history keeps out what tipped before a capture.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ingest.landing import Landed, LandingZone
from ingest.sources import pickem_lines

log = logging.getLogger(__name__)

PICKEM_DIR = "open/spon7ge__NBA-Prop-Predictor/CSV_FILES/HISTORICAL_ODDS"
PICKEM_SEASON = "2024-25"
SHARED_LABEL = "../shared/data"


def bundle_path(bundle_dir: str | os.PathLike[str]) -> Path:
    return (
        Path(bundle_dir)
        / pickem_lines.SOURCE
        / pickem_lines.PLAYER_PROPS
        / f"{PICKEM_SEASON}.jsonl.gz"
    )


@dataclass(frozen=True)
class LineFile:
    file_name: str
    file_date: date
    origin: str
    text: str


def shared_files(shared_dir: str | os.PathLike[str], label: str = SHARED_LABEL) -> list[LineFile]:
    folder = Path(shared_dir) / PICKEM_DIR
    files = []
    for path in sorted(folder.glob("*.csv")):
        day = pickem_lines.file_date(path.name)
        text = path.read_bytes().decode("utf-8")
        files.append(LineFile(path.name, day, f"file:{label}/{PICKEM_DIR}/{path.name}", text))
    return sorted(files, key=lambda f: f.file_date)


def build_lines_bundle(
    shared_dir: str | os.PathLike[str], bundle_dir: str | os.PathLike[str]
) -> Path | None:
    """Write the bundle from ../shared/data; None (after saying why) when the files are absent."""
    files = shared_files(shared_dir)
    if not files:
        log.warning("no pick'em line files under %s/%s; bundle not rebuilt", shared_dir, PICKEM_DIR)
        return None
    target = bundle_path(bundle_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    # mtime=0 and no file name in the gzip header: the same inputs give the same bytes.
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        for f in files:
            line = {
                "request_key": pickem_lines.request_key(f.file_date),
                "origin": f.origin,
                "params": {"file_name": f.file_name, "file_date": f.file_date.isoformat()},
                "file_date": f.file_date.isoformat(),
                "payload_text": f.text,
            }
            gz.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
    os.replace(tmp, target)
    log.info("wrote %s: %d line files, %d bytes", target, len(files), target.stat().st_size)
    return target


def read_lines_bundle(path: Path) -> Iterator[dict[str, object]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _last_line_day(through: date | None) -> date | None:
    """The last line-file date a replay up to `through` lands (D + 2: module docstring)."""
    return through + timedelta(days=2) if through is not None else None


def land_bundled_lines(
    zone: LandingZone,
    bundle_dir: str | os.PathLike[str],
    seasons: Iterable[str] | None = None,
    through: date | None = None,
) -> list[Landed]:
    """Land the shipped line files (those dated up to `through` + 2 days when given)."""
    if seasons is not None and PICKEM_SEASON not in set(seasons):
        return []
    path = bundle_path(bundle_dir)
    if not path.is_file():
        log.warning("no bundled pick'em lines at %s", path)
        return []
    last_day = _last_line_day(through)
    landed: list[Landed] = []
    for record in read_lines_bundle(path):
        day = date.fromisoformat(str(record["file_date"]))
        if last_day is not None and day > last_day:
            continue
        text = str(record["payload_text"])
        landed.append(
            zone.land(
                pickem_lines.SOURCE,
                pickem_lines.PLAYER_PROPS,
                str(record["request_key"]),
                text.encode("utf-8"),
                origin=f"bundled:{path.as_posix()}#{record['request_key']}",
                params=dict(record["params"]),  # type: ignore[call-overload]
                extension="csv",
            )
        )
    written = sum(item.written for item in landed)
    log.info("read %s: %d new line files, %d already landed", path, written, len(landed) - written)
    return landed


def land_shared_lines(
    zone: LandingZone, shared_dir: str | os.PathLike[str], through: date | None = None
) -> list[Landed]:
    """The same files straight from ../shared/data (the full backfill), dated up to
    `through` + 2 days when given, as land_bundled_lines."""
    last_day = _last_line_day(through)
    landed = [
        zone.land(
            pickem_lines.SOURCE,
            pickem_lines.PLAYER_PROPS,
            pickem_lines.request_key(f.file_date),
            f.text.encode("utf-8"),
            origin=f.origin,
            params={"file_name": f.file_name, "file_date": f.file_date.isoformat()},
            extension="csv",
        )
        for f in shared_files(shared_dir)
        if last_day is None or f.file_date <= last_day
    ]
    if landed:
        log.info("pick'em lines from %s: %d files", shared_dir, len(landed))
    return landed
