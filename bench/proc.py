"""Run one step in a fresh subprocess: wall time, exit status, peak memory, output.

Peak memory is the `ru_maxrss` that `os.wait4` returns for the reaped child: Linux reports the
largest resident set of the child and of every descendant it waited for (dbt's threads live in
its own process, so that is the whole step)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class StepResult:
    args: list[str]
    seconds: float
    returncode: int
    max_rss_bytes: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class StepFailed(RuntimeError):
    def __init__(self, result: StepResult) -> None:
        tail = result.output[-3000:]
        super().__init__(f"{' '.join(result.args)} exited {result.returncode}:\n{tail}")
        self.result = result


def python_args(*module_args: str) -> list[str]:
    return [sys.executable, *module_args]


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's venv), else whatever is on PATH."""
    local = Path(sys.executable).with_name("dbt")
    return str(local) if local.exists() else "dbt"


def run_step(
    args: Sequence[str], env: Mapping[str, str], log_file: Path, check: bool = True
) -> StepResult:
    """Run `args` from the repo root with `env`; output goes to `log_file` (appended)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "a+", encoding="utf-8") as log:
        log.write(f"\n$ {' '.join(args)}\n")
        log.flush()
        start = log.tell()
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(args), cwd=REPO, env=dict(env), stdout=log, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(start)
        output = log.read()
    # ru_maxrss is in KiB on Linux.
    result = StepResult(list(args), seconds, proc.returncode, usage.ru_maxrss * 1024, output)
    if check and not result.ok:
        raise StepFailed(result)
    return result
