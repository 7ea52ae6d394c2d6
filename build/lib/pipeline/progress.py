"""Progress bars and log output for the command line, shared by ingest, load, dbt and ml.

Bars (tqdm) go to stderr and only when stderr is a terminal, so CI logs and pipes stay clean;
`--no-progress` or NBA_NO_PROGRESS=1 turn them off everywhere. Log lines are routed through
tqdm.write while bars are on, so a log line never tears a bar in half.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_enabled: bool | None = None  # None: decide from the terminal and the environment


def set_enabled(enabled: bool | None) -> None:
    """True/False force bars on/off; None goes back to the automatic choice."""
    global _enabled
    _enabled = enabled


def enabled() -> bool:
    if _enabled is not None:
        return _enabled
    if os.environ.get("NBA_NO_PROGRESS", "") not in ("", "0"):
        return False
    return sys.stderr.isatty()


def bar(
    iterable: Iterable[T] | None = None,
    desc: str = "",
    total: int | None = None,
    unit: str = "it",
) -> tqdm:  # type: ignore[type-arg]
    """A tqdm bar on stderr that is a silent pass-through when bars are off."""
    on = enabled()
    # tqdm hides every bar on a terminal that reports a 0x0 size (some pseudo-terminals,
    # `script`): give those a plain 80x24.
    sized = on and _terminal_size() != (0, 0)
    return tqdm(
        iterable,
        desc=desc,
        total=total,
        unit=unit,
        file=sys.stderr,
        disable=not on,
        leave=False,
        dynamic_ncols=sized,
        ncols=None if sized else 80,
        nrows=None if sized else 24,
    )


def _terminal_size() -> tuple[int, int]:
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        return (0, 0)
    return (size.columns, size.lines)


def track(
    iterable: Iterable[T], desc: str, total: int | None = None, unit: str = "it"
) -> Iterator[T]:
    """Iterate with a bar; the bar closes when the loop ends or breaks."""
    with bar(iterable, desc=desc, total=total, unit=unit) as progress:
        yield from progress


class _TqdmHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes records with tqdm.write, which clears and redraws any open bar around them."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:  # the logging module's own contract for handlers
            self.handleError(record)


def configure_logging(verbosity: int = 0) -> None:
    """verbosity: -1 quiet (warnings and errors only), 0 INFO, 1 DEBUG. Timestamps always."""
    level = logging.DEBUG if verbosity > 0 else logging.WARNING if verbosity < 0 else logging.INFO
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _TqdmHandler):
            root.removeHandler(handler)
    handler = _TqdmHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
