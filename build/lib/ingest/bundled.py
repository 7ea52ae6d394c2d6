"""Offline demo data: real leaguegamelog and play-by-play payloads shipped in data/bundled, and
the same reconstruction run straight from ../shared/data for the full ten-season backfill."""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ingest import bundled_lines
from ingest.landing import Landed, LandingZone
from ingest.reconstruct import Payload, daily_payloads, recorded_payload
from ingest.reconstruct_pbp import game_dates_from_log_csv, playbyplay_payloads
from ingest.sources import nba_stats, nba_stats_pbp
from pipeline.progress import track

log = logging.getLogger(__name__)

DEFAULT_BUNDLE_DIR = "data/bundled"
DEFAULT_SHARED_DIR = "../shared/data"
# How the builder names upstream files in the committed bundle, whatever folder it ran from,
# so rebuilding on another machine yields identical bytes.
SHARED_LABEL = "../shared/data"

PLAYER_CSV = (
    "open/AntBap23__Nba-Data-and-Analytics-Engineering-Project/data/raw/player_logs_{season}.csv"
)
TEAM_CSV = "open/ryanvmenezes__lawlers-law/data/logs/log-{end_year}.csv"
PBPSTATS_TEAM_JSON = (
    "open/dblackrun__pbpstats/tests/data/schedule/"
    "stats_leaguegamelog_nba_2018_19_Regular_Season.json"
)

SHARED_SEASONS: tuple[str, ...] = tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(2015, 2025))
BUNDLED_PLAYER_SEASONS: tuple[str, ...] = ("2018-19", "2023-24", "2024-25")
# Official team logs: the recorded whole-season response where one exists, else the per-date
# reconstruction from the lawlers-law export.
RECORDED_TEAM_SEASONS = {"2018-19": PBPSTATS_TEAM_JSON}
CSV_TEAM_SEASONS: tuple[str, ...] = ("2015-16", "2016-17", "2017-18")
# stats.nba.com play-by-play (v1 headers) for the 329 games of 2018-10-16..2018-11-30.
PBP_CSV_DIRS = {"2018-19": "open/ryanvmenezes__lawlers-law/data/playbyplay/2019"}
# Everything shipped is stats.nba.com (source nba_stats); one folder per entity.
BUNDLED_ENTITIES: tuple[str, ...] = (*nba_stats.ENTITIES, nba_stats_pbp.PLAY_BY_PLAY)


@dataclass
class LandSummary:
    written: int = 0
    unchanged: int = 0
    files: list[str] = field(default_factory=list)

    def add(self, other: LandSummary) -> None:
        self.written += other.written
        self.unchanged += other.unchanged
        self.files.extend(other.files)


def _end_year(season: str) -> int:
    return nba_stats.season_start_year(season) + 1


def _player_csv(season: str) -> str:
    return PLAYER_CSV.format(season=season)


def _team_csv(season: str) -> str:
    return TEAM_CSV.format(end_year=_end_year(season))


def player_payloads(shared_dir: Path, season: str, label: str) -> Iterator[Payload]:
    rel = _player_csv(season)
    return daily_payloads(
        shared_dir / rel, season, nba_stats.PLAYER_GAME_LOGS, f"file:{label}/{rel}"
    )


def team_payloads(shared_dir: Path, season: str, label: str) -> Iterator[Payload]:
    if season in RECORDED_TEAM_SEASONS:
        rel = RECORDED_TEAM_SEASONS[season]
        yield recorded_payload(shared_dir / rel, f"file:{label}/{rel}")
    elif season in CSV_TEAM_SEASONS:
        rel = _team_csv(season)
        yield from daily_payloads(
            shared_dir / rel, season, nba_stats.TEAM_GAME_LOGS, f"file:{label}/{rel}"
        )


def pbp_payloads(shared_dir: Path, season: str, label: str) -> Iterator[tuple[Payload, str]]:
    """(payload, game date): play-by-play per game, dated from the season's player logs."""
    if season not in PBP_CSV_DIRS:
        return iter(())
    rel = PBP_CSV_DIRS[season]
    dates = game_dates_from_log_csv(shared_dir / _player_csv(season))
    return playbyplay_payloads(shared_dir / rel, f"file:{label}/{rel}", dates)


def _require_shared(shared_dir: Path) -> None:
    if not (shared_dir / "open").is_dir():
        raise FileNotFoundError(
            f"shared data folder {shared_dir} not found (expected {shared_dir}/open/...); "
            "it sits beside the repo as ../shared/data in the project workspace"
        )


# --- the committed bundle ---------------------------------------------------------------


def bundle_path(bundle_dir: Path, entity: str, season: str) -> Path:
    return bundle_dir / nba_stats.SOURCE / entity / f"{season}.jsonl.gz"


def _bundle_line(payload: Payload, game_date: str | None = None) -> str:
    line = {
        "request_key": payload.request_key,
        "origin": payload.origin,
        "params": payload.params,
        "payload_text": payload.text,
    }
    if game_date is not None:
        # Per-game payloads carry no date in their request; `--through` replays by this.
        line["game_date"] = game_date
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_bundle_file(
    path: Path, payloads: Iterable[Payload], game_dates: Mapping[str, str] | None = None
) -> int:
    """game_dates: request_key -> game date, for per-game payloads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    # mtime=0 and no embedded file name: rebuilding from the same inputs gives the same bytes.
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        for payload in payloads:
            game_date = game_dates.get(payload.request_key) if game_dates else None
            gz.write(_bundle_line(payload, game_date).encode("utf-8"))
            count += 1
    os.replace(tmp, path)
    return count


def build_bundle(
    shared_dir: str | os.PathLike[str] = DEFAULT_SHARED_DIR,
    bundle_dir: str | os.PathLike[str] = DEFAULT_BUNDLE_DIR,
    player_seasons: Iterable[str] = BUNDLED_PLAYER_SEASONS,
) -> list[Path]:
    shared, out = Path(shared_dir), Path(bundle_dir)
    _require_shared(shared)
    written: list[Path] = []
    jobs = [(nba_stats.PLAYER_GAME_LOGS, s, player_payloads) for s in player_seasons]
    jobs += [(nba_stats.TEAM_GAME_LOGS, s, team_payloads) for s in RECORDED_TEAM_SEASONS]
    for entity, season, make in jobs:
        target = bundle_path(out, entity, season)
        count = write_bundle_file(target, make(shared, season, SHARED_LABEL))
        log.info("wrote %s: %d payloads, %d bytes", target, count, target.stat().st_size)
        written.append(target)
    for season in PBP_CSV_DIRS:
        target = bundle_path(out, nba_stats_pbp.PLAY_BY_PLAY, season)
        pairs = list(pbp_payloads(shared, season, SHARED_LABEL))
        dates = {payload.request_key: day for payload, day in pairs}
        count = write_bundle_file(target, (payload for payload, _ in pairs), dates)
        log.info("wrote %s: %d payloads, %d bytes", target, count, target.stat().st_size)
        written.append(target)
    lines = bundled_lines.build_lines_bundle(shared, out)
    if lines is not None:
        written.append(lines)
    return written


@dataclass(frozen=True)
class BundleEntry:
    entity: str
    season: str
    bundle_file: Path
    request_key: str
    origin: str
    params: dict[str, str]
    payload_text: str
    game_date: str | None = None


def bundle_files(
    bundle_dir: str | os.PathLike[str] = DEFAULT_BUNDLE_DIR, seasons: Iterable[str] | None = None
) -> list[tuple[str, str, Path]]:
    wanted = set(seasons) if seasons is not None else None
    found: list[tuple[str, str, Path]] = []
    for entity in BUNDLED_ENTITIES:
        folder = Path(bundle_dir) / nba_stats.SOURCE / entity
        for path in sorted(folder.glob("*.jsonl.gz")):
            season = path.name.removesuffix(".jsonl.gz")
            if wanted is None or season in wanted:
                found.append((entity, season, path))
    return found


def read_bundle_file(path: Path, entity: str, season: str) -> Iterator[BundleEntry]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            yield BundleEntry(
                entity=entity,
                season=season,
                bundle_file=path,
                request_key=record["request_key"],
                origin=record["origin"],
                params=record["params"],
                payload_text=record["payload_text"],
                game_date=record.get("game_date"),
            )


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def payload_day(params: Mapping[str, str], game_date: str | None = None) -> date | None:
    """The game date a payload holds: a per-game payload's own date, else a daily
    leaguegamelog's DateTo; None for whole-season payloads, which hold no single day."""
    if game_date is not None:
        return date.fromisoformat(game_date)
    date_to = params.get("DateTo")
    if not date_to:
        return None
    return datetime.strptime(date_to, nba_stats.API_DATE_FORMAT).date()


def _after(day: date | None, through: date | None) -> bool:
    """Left out of a replay up to `through` (whole-season payloads always land)."""
    return through is not None and day is not None and day > through


def land_bundled(
    root: str | os.PathLike[str] | None = None,
    seasons: Iterable[str] | None = None,
    bundle_dir: str | os.PathLike[str] = DEFAULT_BUNDLE_DIR,
    zone: LandingZone | None = None,
    through: date | None = None,
) -> LandSummary:
    """Land the shipped payloads; with `through`, only the daily ones up to that game date,
    which replays a season night by night (whole-season payloads always land whole)."""
    zone = zone or LandingZone(root)
    files = bundle_files(bundle_dir, seasons)
    if not files:
        raise FileNotFoundError(f"no bundled payloads under {bundle_dir} for seasons {seasons}")
    total = LandSummary()
    for entity, season, path in track(files, "land bundled", unit="file"):
        part = LandSummary()
        shown = _display_path(path)
        for entry in read_bundle_file(path, entity, season):
            if _after(payload_day(entry.params, entry.game_date), through):
                continue
            landed = zone.land(
                nba_stats.SOURCE,
                entity,
                entry.request_key,
                entry.payload_text.encode("utf-8"),
                origin=f"bundled:{shown}#{entry.request_key}",
                params=entry.params,
            )
            part.written += landed.written
            part.unchanged += not landed.written
            part.files.append(landed.path)
        log.info(
            "read %s: %d new payloads, %d already landed",
            shown,
            part.written,
            part.unchanged,
        )
        total.add(part)
    total.add(_summary(bundled_lines.land_bundled_lines(zone, bundle_dir, seasons, through)))
    return total


def _summary(landed: Iterable[Landed]) -> LandSummary:
    part = LandSummary()
    for item in landed:
        part.written += item.written
        part.unchanged += not item.written
        part.files.append(item.path)
    return part


# --- the full-scale backfill straight from ../shared/data -------------------------------------


def land_from_shared(
    root: str | os.PathLike[str] | None = None,
    shared_dir: str | os.PathLike[str] = DEFAULT_SHARED_DIR,
    seasons: Iterable[str] | None = None,
    zone: LandingZone | None = None,
    through: date | None = None,
) -> LandSummary | None:
    """Returns None, after saying why, when the shared folder is not there. With `through`,
    as land_bundled: only the daily payloads up to that game date (and their line files)."""
    shared = Path(shared_dir)
    try:
        _require_shared(shared)
    except FileNotFoundError as err:
        log.warning("skipping the shared backfill: %s", err)
        return None
    zone = zone or LandingZone(root)
    label = _display_path(shared)
    total = LandSummary()
    wanted = list(seasons or SHARED_SEASONS)
    for season in track(wanted, "land shared", unit="season"):
        for entity, dated in (
            (
                nba_stats.PLAYER_GAME_LOGS,
                ((p, None) for p in player_payloads(shared, season, label)),
            ),
            (nba_stats.TEAM_GAME_LOGS, ((p, None) for p in team_payloads(shared, season, label))),
            (nba_stats_pbp.PLAY_BY_PLAY, pbp_payloads(shared, season, label)),
        ):
            part = LandSummary()
            for payload, game_date in dated:
                if _after(payload_day(payload.params, game_date), through):
                    continue
                landed = zone.land(
                    nba_stats.SOURCE,
                    entity,
                    payload.request_key,
                    payload.data,
                    origin=payload.origin,
                    params=payload.params,
                )
                part.written += landed.written
                part.unchanged += not landed.written
                part.files.append(landed.path)
            if part.files:
                log.info(
                    "%s %s: %d new payloads, %d already landed",
                    entity,
                    season,
                    part.written,
                    part.unchanged,
                )
            total.add(part)
    if seasons is None or bundled_lines.PICKEM_SEASON in set(seasons):
        total.add(_summary(bundled_lines.land_shared_lines(zone, shared, through)))
    return total
