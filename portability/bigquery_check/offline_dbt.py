"""dbt parse and compile for the BigQuery target with no network and no Google account:
a throw-away service-account key, Google's token fetch refused, each key parsed once, and
every step in-process under a timeout, with the arguments and vars they all share."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from portability.bigquery_check.errors import CheckError

REPO = Path(__file__).resolve().parents[2]
DEFAULT_TARGET_PATH = Path("target") / "bigquery"  # relative to the project directory
OFFLINE_PROJECT = "offline-check"
DEFAULT_TIMEOUT_S = 180.0  # a compile takes about 10 s; a connection attempt would retry ~600 s
# dbt vars for the offline compile. `incremental: false` makes the incremental marts skip
# is_incremental() (macros/nba/incremental_games.sql), which would need a connection.
COMPILE_VARS: dict[str, Any] = {"incremental": False}
# The second compile: incremental models as an incremental run renders them (their
# `{{ this }}` reads and changed-rows predicates), checked against the first pass's catalog.
INCREMENTAL_VARS: dict[str, Any] = {"incremental": "assume"}
INCREMENTAL_SELECT = "config.materialized:incremental"

OFFLINE_AUTH_MESSAGE = (
    "offline BigQuery check: dbt tried to authenticate to Google, i.e. something needs a "
    "live connection at compile time (run_query, adapter.get_relation / "
    "get_columns_in_relation, is_incremental(), a statement block...). Keep introspection "
    "out of model bodies or guard it with `execute` and target.type."
)


def write_dummy_keyfile(directory: Path, project: str = OFFLINE_PROJECT) -> Path:
    """A well-formed service-account keyfile with a fresh RSA key no Google project knows."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    email = f"offline-check@{project}.iam.gserviceaccount.com"
    info = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": "100000000000000000000",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
        + email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }
    path = directory / "offline-service-account.json"
    path.write_text(json.dumps(info, indent=2))
    path.chmod(0o600)
    return path


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _refuse_google_auth() -> Iterator[None]:
    """Make any OAuth token fetch fail at once (non-retryable) instead of retrying ~600 s."""
    try:
        from google.auth import exceptions as auth_exceptions
        from google.oauth2 import service_account
    except ImportError:
        yield
        return
    original = service_account.Credentials.refresh

    def refuse(self: Any, request: Any) -> None:
        raise auth_exceptions.RefreshError(OFFLINE_AUTH_MESSAGE)

    service_account.Credentials.refresh = refuse
    try:
        yield
    finally:
        service_account.Credentials.refresh = original


@contextlib.contextmanager
def load_each_key_once() -> Iterator[None]:
    """Parse each service-account private key once instead of once per compiled node.

    dbt-bigquery releases its connection after every node, and releasing opens it first: a
    BigQuery client whose credentials load the keyfile's RSA key again (about 40 ms of key
    checks each, some 25 s of a whole-project compile). The offline check's throw-away key
    never changes, so the signer built from it is kept for the rest of the compile."""
    try:
        from google.auth.crypt import _cryptography_rsa
    except ImportError:
        yield
        return
    signer_class = _cryptography_rsa.RSASigner
    original = signer_class.__dict__.get("from_string")
    if not isinstance(original, classmethod):
        yield
        return
    signers: dict[tuple[Any, Any, Any], Any] = {}
    lock = threading.Lock()

    def from_string(cls: Any, key: Any, key_id: Any = None) -> Any:
        cache_key = (cls, key, key_id)
        with lock:
            if cache_key not in signers:
                signers[cache_key] = original.__func__(cls, key, key_id)
            return signers[cache_key]

    signer_class.from_string = classmethod(from_string)
    try:
        yield
    finally:
        signer_class.from_string = original


COMPILE_THREADS: list[threading.Thread] = []


def absolute_target(project_dir: Path, target_path: Path | None) -> Path:
    target_path = Path(target_path or project_dir / DEFAULT_TARGET_PATH)
    return target_path if target_path.is_absolute() else project_dir / target_path


def _dbt_offline(args: list[str], project_dir: Path, timeout_s: float, manifest: Any = None) -> Any:
    """`dbt <args> --target bigquery`, in-process with a throw-away keyfile and Google's
    token fetch refused, under a timeout; dbt's result, or CheckError when it failed."""
    command = args[0]
    with tempfile.TemporaryDirectory(prefix="bq-offline-check-") as tmp:
        keyfile = write_dummy_keyfile(Path(tmp))
        env = {
            "DBT_PROFILES_DIR": str(project_dir / "profiles"),
            "DBT_TARGET": "bigquery",
            "BQ_AUTH_METHOD": "service-account",
            "BQ_KEYFILE": str(keyfile),
            "BQ_PROJECT": OFFLINE_PROJECT,
        }
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                from dbt.cli.main import dbtRunner

                outcome["result"] = dbtRunner(manifest=manifest).invoke(args)
            except BaseException as exc:  # reported below, in the calling thread
                outcome["exception"] = exc

        with _environment(env), _refuse_google_auth(), load_each_key_once():
            worker = threading.Thread(target=run, name=f"dbt-{command}-bigquery", daemon=True)
            COMPILE_THREADS.append(worker)
            worker.start()
            worker.join(timeout_s)
            if worker.is_alive():
                raise CheckError(
                    f"dbt {command} --target bigquery did not finish within {timeout_s:.0f} s. "
                    "Something is probably waiting on Google (a connection retries for about "
                    "600 s): keep run_query/introspection/is_incremental() out of compile."
                )
    if "exception" in outcome:
        raise CheckError(f"dbt {command} --target bigquery crashed: {outcome['exception']!r}")
    result = outcome["result"]
    if not result.success:
        problems = []
        if result.exception is not None:
            problems.append(str(result.exception))
        for node_result in getattr(result.result, "results", None) or []:
            if str(node_result.status) in {"error", "fail", "runtime error"}:
                problems.append(f"{node_result.node.unique_id}: {node_result.message}")
        detail = "\n  ".join(problems) or "no detail (see logs/dbt.log)"
        raise CheckError(f"dbt {command} --target bigquery failed:\n  {detail}")
    return result


def _offline_args(
    command: str, project_dir: Path, target_path: Path, vars: dict[str, Any] | None
) -> list[str]:
    """The arguments every offline dbt step shares: BigQuery target, this project, the vars."""
    return [
        command,
        "--target",
        "bigquery",
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--vars",
        json.dumps(dict(vars or COMPILE_VARS)),
        "--quiet",
    ]


def parse_for_bigquery(
    project_dir: Path = REPO,
    target_path: Path | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    vars: dict[str, Any] | None = None,
) -> Any:
    """Run `dbt parse --target bigquery` offline, in-process; return dbt's parsed Manifest.

    Handed to compile_for_bigquery(manifest=...), it lets several selections or var sets be
    compiled without parsing the project again (dbt re-parses all of it whenever --vars
    differ from its last parse). The vars given here are the ones parsing renders with; the
    compile's own vars are the ones the compiled SQL is rendered with. A ref() that only a
    compile-time var branch reaches is not in a manifest parsed without it, and dbt then
    fails the compile with a message, so nothing is checked against a wrong graph."""
    project_dir = Path(project_dir).resolve()
    args = _offline_args("parse", project_dir, absolute_target(project_dir, target_path), vars)
    return _dbt_offline(args, project_dir, timeout_s).result


def compile_for_bigquery(
    project_dir: Path = REPO,
    target_path: Path | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    select: str = "resource_type:model resource_type:analysis source:*",
    vars: dict[str, Any] | None = None,
    indirect_selection: str | None = None,
    manifest: Any = None,
) -> Path:
    """Run `dbt compile --target bigquery` offline, in-process; return the manifest path.

    `indirect_selection="empty"` leaves out the data tests attached to the selected nodes.
    `manifest`, from parse_for_bigquery() of the same project, skips dbt's parse; dbt fills
    in the compiled SQL of the selected nodes on it (nodes compiled by an earlier call keep
    theirs)."""
    project_dir = Path(project_dir).resolve()
    target_path = absolute_target(project_dir, target_path)
    args = _offline_args("compile", project_dir, target_path, vars)
    args += ["--no-populate-cache", "--select", select]
    if indirect_selection:
        args += ["--indirect-selection", indirect_selection]
    _dbt_offline(args, project_dir, timeout_s, manifest)
    manifest_path = target_path / "manifest.json"
    if not manifest_path.is_file():
        raise CheckError(f"dbt compile succeeded but wrote no {manifest_path}")
    return manifest_path
