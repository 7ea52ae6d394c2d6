"""The one HTTP core every loader uses: browser-like session, bounded retries, polite pacing,
and bounds on each request: a deadline per attempt, a cap on the body, a redirect policy."""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import requests
from requests.utils import get_auth_from_url
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
)
from urllib3.exceptions import ProtocolError, ReadTimeoutError
from urllib3.response import ContentDecoder, DeflateDecoder, GzipDecoder, MultiDecoder

log = logging.getLogger(__name__)

# stats.nba.com answers throttled clients with 403 as often as with 429, so 403 is retryable here.
RETRY_STATUSES = frozenset({403, 429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})


class DeadlineExceeded(Exception):
    """An attempt outlived HttpConfig.deadline: retried as a timeout is."""


# Transport failures worth another attempt: refused or dropped connections, timeouts (the
# socket's, or the attempt's deadline), and a connection reset or cut short mid-body (requests
# raises ChunkedEncodingError for those, not ConnectionError, even without chunked encoding),
# or a body that fails to decompress.
RETRY_EXCEPTIONS: tuple[type[Exception], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    DeadlineExceeded,
)
# The body is read one socket read of at most this much at a time and inflated this much at a
# time, so the deadline and the size cap are checked between pieces this small.
CHUNK_BYTES = 64 * 1024
# The encodings the client undoes itself, piece by piece; asked for explicitly so that
# installing brotli or zstandard never changes what servers send.
ACCEPT_ENCODING = ("gzip", "deflate")

# stats.nba.com drops or stalls requests that do not look like the nba.com web app calling it.
BROWSER_HEADERS: dict[str, str] = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    ),
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "en-US,en;q=0.9",
    "Origin": "https://www.nba.com",
    "Referer": "https://www.nba.com/",
    "sec-ch-ua": '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
    "sec-ch-ua-mobile": "?0",
    "sec-ch-ua-platform": '"Windows"',
    "Sec-Fetch-Dest": "empty",
    "Sec-Fetch-Mode": "cors",
    "Sec-Fetch-Site": "same-site",
    "Connection": "keep-alive",
    "Accept-Encoding": ", ".join(ACCEPT_ENCODING),
}


# Query parameters that carry credentials (The Odds API takes its key as ?apiKey=). Their values
# never reach a log line, an error message or Fetched.url (which loaders record as the origin).
SECRET_PARAMS = ("apiKey", "api_key", "key", "token", "access_token")
REDACTED = "REDACTED"
_SECRET_VALUE = re.compile(r"(?i)(?<![A-Za-z0-9_])(" + "|".join(SECRET_PARAMS) + r")=[^&#\s'\"]*")
# user:password@ in a URL (requests sends it as Basic auth): everything between the scheme and
# the last @ before the path. Greedy, as urlsplit takes the host after the last @.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s'\"]*@")


def redact(text: str) -> str:
    """Text (a URL, an exception message) without the userinfo of any URL in it and with every
    secret query parameter's value replaced."""
    text = _USERINFO.sub(r"\1", text)
    return _SECRET_VALUE.sub(lambda m: f"{m.group(1)}={REDACTED}", text)


class _RedactSecrets(logging.Filter):
    """urllib3 logs every request line, query string included, at DEBUG (`ingest -v`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactSecrets())


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _env_hosts(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return tuple(host.strip().lower() for host in raw.split(",") if host.strip())


# Unset, the deadline of one attempt is this many times the socket timeout.
DEADLINE_FACTOR = 3.0
# The biggest real payloads (a season of leaguegamelog or one game's play-by-play) are a few
# MB to a few tens of MB; the cap is there for bodies no real answer has, not to trim them.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class HttpConfig:
    timeout: float = 20.0
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    jitter: float = 1.0
    # A server asking for minutes of silence is better handled by the next scheduled run.
    retry_after_max: float = 120.0
    min_delay: float = 1.0
    headers: dict[str, str] = field(default_factory=lambda: dict(BROWSER_HEADERS))
    # Wall clock of one attempt, redirects and body included (pacing waits excluded). `timeout`
    # bounds each socket read only, so a server dripping a byte at a time never trips it.
    # None: DEADLINE_FACTOR times the timeout.
    deadline: float | None = None
    # Cap on a body, on the bytes on the wire and on the bytes once inflated (a gzip bomb).
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    # Hosts other than the request's own that a redirect may lead to; any other is refused.
    allowed_redirect_hosts: tuple[str, ...] = ()

    @property
    def attempt_deadline(self) -> float:
        return self.deadline if self.deadline is not None else DEADLINE_FACTOR * self.timeout

    @classmethod
    def from_env(cls, **overrides: Any) -> HttpConfig:
        values: dict[str, Any] = {
            "timeout": _env_float("NBA_HTTP_TIMEOUT", cls.timeout),
            "max_attempts": _env_int("NBA_HTTP_MAX_ATTEMPTS", cls.max_attempts),
            "backoff_base": _env_float("NBA_HTTP_BACKOFF_BASE", cls.backoff_base),
            "backoff_max": _env_float("NBA_HTTP_BACKOFF_MAX", cls.backoff_max),
            "jitter": _env_float("NBA_HTTP_JITTER", cls.jitter),
            "min_delay": _env_float("NBA_HTTP_MIN_DELAY", cls.min_delay),
            "deadline": _env_float("NBA_HTTP_DEADLINE", 0.0) or None,
            "max_bytes": _env_int("NBA_HTTP_MAX_BYTES", cls.max_bytes),
            "allowed_redirect_hosts": _env_hosts(
                "NBA_HTTP_ALLOWED_REDIRECT_HOSTS", cls.allowed_redirect_hosts
            ),
        }
        values.update(overrides)
        return cls(**values)


class HttpFetchError(RuntimeError):
    """The request failed for good: names the URL, the attempts made and the last status seen."""

    def __init__(
        self, url: str, attempts: int, last_status: int | None, detail: str | None = None
    ) -> None:
        self.url = url
        self.attempts = attempts
        self.last_status = last_status
        status = f"last status {last_status}" if last_status is not None else "no HTTP status"
        message = f"GET {url} failed after {attempts} attempt(s); {status}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class RedactedError(RuntimeError):
    """Stands in for a transport exception whose text carried a secret (requests puts the full
    URL, query string included, into ConnectionError messages), so a printed traceback never
    shows the key through the exception chain."""


def _safe_cause(exc: BaseException | None) -> BaseException | None:
    if exc is None:
        return None
    text = f"{type(exc).__name__}: {exc}"
    return exc if redact(text) == text else RedactedError(redact(text))


class _RetryableStatus(Exception):
    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


_CAP = "(HttpConfig.max_bytes / NBA_HTTP_MAX_BYTES, configurable)"


class _Refused(Exception):
    """An answer no attempt will make acceptable (a body over the cap, a redirect off the
    host): not retried."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content: bytes
    headers: dict[str, str]


def _authority(parts: SplitResult) -> str:
    """host[:port] of a URL, never its userinfo."""
    host = parts.hostname or ""
    return f"{host}:{parts.port}" if parts.port is not None else host


def _port(parts: SplitResult) -> int | None:
    return parts.port if parts.port is not None else {"http": 80, "https": 443}.get(parts.scheme)


def redirect_allowed(source: str, target: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Followed: the same scheme, host and port; http to https on the same host (default
    ports); or a host listed in allowed_hosts. Refused: everything else, https to http too."""
    a, b = urlsplit(source), urlsplit(target)
    if b.scheme not in ("http", "https") or not b.hostname:
        return False
    if b.hostname in {h.lower() for h in allowed_hosts}:
        return True
    if a.hostname != b.hostname:
        return False
    if a.scheme == b.scheme:
        return _port(a) == _port(b)
    return (a.scheme, _port(a), b.scheme, _port(b)) == ("http", 80, "https", 443)


def _decoder(content_encoding: str) -> ContentDecoder | None:
    """urllib3's decoder for a gzip or deflate body (chained too), as requests would use; None
    for any other encoding, which passes through as it does in urllib3."""
    codings = [c.strip() for c in content_encoding.lower().split(",") if c.strip()]
    if not codings or any(c not in ("gzip", "x-gzip", "deflate") for c in codings):
        return None
    if len(codings) > 1:
        return MultiDecoder(",".join(codings))
    return DeflateDecoder() if codings[0] == "deflate" else GzipDecoder()


def _inflated(decoder: ContentDecoder | None, data: bytes) -> Iterator[bytes]:
    """data inflated CHUNK_BYTES at a time: a few bytes of gzip can stand for megabytes."""
    if decoder is None:
        yield data
        return
    piece = decoder.decompress(data, CHUNK_BYTES)
    while piece:
        yield piece
        piece = decoder.decompress(b"", CHUNK_BYTES) if decoder.has_unconsumed_tail else b""


def _retry_after_seconds(response: requests.Response) -> float | None:
    if response.status_code not in RETRY_AFTER_STATUSES:
        return None
    raw = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        # The HTTP-date form is legal but stats.nba.com never sends it; plain backoff covers it.
        return None


class HttpClient:
    def __init__(self, config: HttpConfig | None = None) -> None:
        self.config = config or HttpConfig.from_env()
        self.session = requests.Session()
        self.session.headers.update(self.config.headers)
        self._last_call: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pace(self, url: str) -> float:
        """Waits out the polite delay for the URL's host; returns the seconds waited."""
        host = _authority(urlsplit(url))
        with self._lock:
            last = self._last_call.get(host)
            now = time.monotonic()
            wait = 0.0 if last is None else self.config.min_delay - (now - last)
            if wait > 0:
                time.sleep(wait)
            self._last_call[host] = time.monotonic()
        return max(wait, 0.0)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatus):
            retry_after = _retry_after_seconds(exc.response)
            if retry_after is not None:
                return min(retry_after, self.config.retry_after_max)
        cfg = self.config
        backoff = min(cfg.backoff_max, cfg.backoff_base * 2 ** (state.attempt_number - 1))
        return backoff + random.uniform(0, cfg.jitter)

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        sleep = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "retrying %s after %s (attempt %d of %d), sleeping %.2fs",
            redact(str(state.args[0])) if state.args else "?",
            redact(str(exc)),
            state.attempt_number,
            self.config.max_attempts,
            sleep,
        )

    def _attempt(self, url: str, params: dict[str, str] | None) -> tuple[requests.Response, bytes]:
        """One attempt: the request, the redirects it is allowed to follow (each paced), and
        the body of the last answer, all inside the attempt's deadline."""
        cfg = self.config
        # requests sends user:password@ in the URL as Basic auth, and keeps it for a redirect
        # on the same host; hops here are requests of their own, so they carry it explicitly.
        credentials = get_auth_from_url(url)
        origin = urlsplit(url)
        hop, hop_params = url, params
        deadline_at = time.monotonic() + cfg.attempt_deadline
        for hops in range(cfg.max_redirects + 1):
            deadline_at += self._pace(hop)
            same_host = urlsplit(hop).hostname == origin.hostname
            response = self.session.get(
                hop,
                params=hop_params,
                timeout=cfg.timeout,
                stream=True,
                allow_redirects=False,
                auth=credentials if hops and same_host and any(credentials) else None,
            )
            self._check_deadline(deadline_at, response)
            if response.status_code in RETRY_STATUSES:
                response.close()
                raise _RetryableStatus(response)
            target = self.session.get_redirect_target(response)
            if not target:
                break
            response.close()
            following = urljoin(response.url, target)
            allowed = cfg.allowed_redirect_hosts
            # The host of this hop or of the request itself (back from an allowed other host).
            if not any(redirect_allowed(s, following, allowed) for s in (response.url, url)):
                source, dest = _authority(urlsplit(response.url)), _authority(urlsplit(following))
                raise _Refused(
                    response.status_code,
                    f"redirect from {source} to {dest} refused: another host (add "
                    f"{urlsplit(following).hostname} to allowed_redirect_hosts / "
                    "NBA_HTTP_ALLOWED_REDIRECT_HOSTS to follow it)",
                )
            log.info(
                "GET %s redirected (%d) to %s",
                redact(response.url),
                response.status_code,
                redact(following),
            )
            hop, hop_params = following, None
        else:
            raise _Refused(response.status_code, f"more than {cfg.max_redirects} redirects")
        if response.status_code >= 400:
            response.close()
            return response, b""
        return response, self._read_body(response, deadline_at)

    def _check_deadline(self, deadline_at: float, response: requests.Response) -> None:
        if time.monotonic() > deadline_at:
            response.close()
            raise DeadlineExceeded(
                f"no complete answer within the {self.config.attempt_deadline} s deadline "
                "(HttpConfig.deadline / NBA_HTTP_DEADLINE)"
            )

    def _read_body(self, response: requests.Response, deadline_at: float) -> bytes:
        """The body, inflated, read piece by piece: stopped at the deadline, or as soon as the
        bytes on the wire or the inflated bytes pass max_bytes, so memory stays bounded."""
        cap = self.config.max_bytes
        length = response.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) > cap:
            response.close()
            raise _Refused(
                response.status_code, f"Content-Length {length} exceeds the {cap}-byte cap {_CAP}"
            )
        decoder = _decoder(response.headers.get("Content-Encoding", ""))
        raw, body = response.raw, bytearray()

        def over(what: str, seen: int) -> _Refused:
            detail = f"{what} passed the {cap}-byte cap {_CAP}; stopped after {seen} bytes"
            return _Refused(response.status_code, detail)

        try:
            # read1: one socket read (read(n) waits for n bytes, however slowly they drip),
            # inflated here, not by urllib3, whose read1 reads on until the inflater has output.
            while data := raw.read1(CHUNK_BYTES, decode_content=False):
                if raw.tell() > cap:
                    raise over("body on the wire", raw.tell())
                for piece in _inflated(decoder, data):
                    body += piece
                    if len(body) > cap:
                        raise over("inflated body", len(body))
                self._check_deadline(deadline_at, response)
            body += decoder.flush() if decoder is not None else b""
            if len(body) > cap:
                raise over("inflated body", len(body))
        # The translations requests' iter_content makes, so the retry rules stay the same.
        except ProtocolError as err:
            raise requests.exceptions.ChunkedEncodingError(err) from err
        except zlib.error as err:
            raise requests.exceptions.ContentDecodingError(err) from err
        except ReadTimeoutError as err:
            raise requests.ConnectionError(err) from err
        finally:
            response.close()
        return bytes(body)

    def get(self, url: str, params: dict[str, str] | None = None) -> Fetched:
        """GET with retries; the body comes back exactly as received (after transfer decoding)."""
        retrying = Retrying(
            retry=retry_if_exception_type((_RetryableStatus, *RETRY_EXCEPTIONS)),
            stop=stop_after_attempt(self.config.max_attempts),
            wait=self._wait,
            before_sleep=self._log_retry,
            reraise=False,
        )
        full_url = requests.Request("GET", url, params=params).prepare().url or url
        try:
            response, content = retrying(self._attempt, url, params)
        except _Refused as err:
            attempts = retrying.statistics.get("attempt_number", 1)
            raise HttpFetchError(redact(full_url), attempts, err.status, redact(str(err))) from None
        except RetryError as err:
            last = err.last_attempt.exception()
            status = last.response.status_code if isinstance(last, _RetryableStatus) else None
            detail = None if status is not None else redact(f"{type(last).__name__}: {last}")
            attempts = err.last_attempt.attempt_number
            raise HttpFetchError(redact(full_url), attempts, status, detail) from _safe_cause(last)
        except requests.RequestException as err:
            # Not worth retrying (an invalid URL, too many redirects): still one error type for
            # callers to collect, and still no secret in its text or its cause.
            attempts = retrying.statistics.get("attempt_number", 1)
            detail = redact(f"{type(err).__name__}: {err}")
            raise HttpFetchError(redact(full_url), attempts, None, detail) from _safe_cause(err)
        if response.status_code >= 400:
            attempts = retrying.statistics.get("attempt_number", 1)
            raise HttpFetchError(
                redact(response.url), attempts, response.status_code, "status is not retryable"
            )
        shown_url = redact(response.url)
        log.info("GET %s -> %d (%d bytes)", shown_url, response.status_code, len(content))
        return Fetched(
            url=shown_url,
            status=response.status_code,
            content=content,
            headers=dict(response.headers),
        )
