"""Run dbt in-process with the project's profiles, so one Python process drives the job."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_dbt(args: Sequence[str]) -> bool:
    """Invoke `dbt <args>` against this project; True when every node succeeded."""
    # Imported lazily: dbt's import costs about a second and most commands don't need it.
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR / "profiles"))
    full_args = [*args, "--project-dir", str(PROJECT_DIR)]
    log.info("dbt %s", " ".join(args))
    result = dbtRunner().invoke(full_args)
    if result.exception is not None:
        log.error("dbt %s raised: %s", args[0], result.exception)
        return False
    return bool(result.success)
