"""Landing for the benchmark's one-day incremental: the ten shared seasons up to a game date,
then the next day. The payloads are exactly those `ingest shared` lands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from ingest import bundled, bundled_lines
from ingest.landing import LandingZone
from ingest.reconstruct import Payload
from ingest.sources import nba_stats, pickem_lines


def payload_date(payload: Payload) -> date | None:
    """The game date a daily leaguegamelog payload holds (DateTo); None for whole-season ones."""
    date_to = payload.params.get("DateTo")
    if not date_to:
        return None
    return datetime.strptime(date_to, nba_stats.API_DATE_FORMAT).date()


def _dated_payloads(shared: Path) -> Iterator[tuple[Payload, date | None]]:
    label = bundled.SHARED_LABEL
    for season in bundled.SHARED_SEASONS:
        for payload in bundled.player_payloads(shared, season, label):
            yield payload, payload_date(payload)
        for payload in bundled.team_payloads(shared, season, label):
            yield payload, payload_date(payload)
        for payload, game_date in bundled.pbp_payloads(shared, season, label):
            yield payload, date.fromisoformat(game_date)


def land_shared_through(root: Path, shared_dir: Path, through: date | None) -> int:
    """Land what `ingest shared` lands, leaving out game days (and pick'em line files) after
    `through`. Returns how many payloads were written; already-landed ones are skipped."""
    zone = LandingZone(root)
    written = 0
    for payload, day in _dated_payloads(shared_dir):
        if through is not None and day is not None and day > through:
            continue
        written += zone.land(
            nba_stats.SOURCE,
            payload.entity,
            payload.request_key,
            payload.data,
            origin=payload.origin,
            params=payload.params,
        ).written
    for line_file in bundled_lines.shared_files(shared_dir):
        if through is not None and line_file.file_date > through:
            continue
        written += zone.land(
            pickem_lines.SOURCE,
            pickem_lines.PLAYER_PROPS,
            pickem_lines.request_key(line_file.file_date),
            line_file.text.encode("utf-8"),
            origin=line_file.origin,
            params={"file_name": line_file.file_name, "file_date": line_file.file_date.isoformat()},
            extension="csv",
        ).written
    return written


def last_game_day(shared_dir: Path, season: str = bundled.SHARED_SEASONS[-1]) -> date:
    """The season's last game day in the shared player logs."""
    days = (
        payload_date(p) for p in bundled.player_payloads(shared_dir, season, bundled.SHARED_LABEL)
    )
    return max(day for day in days if day is not None)
