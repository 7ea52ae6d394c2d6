"""The one HTTP core every loader uses: browser-like session, bounded retries, polite pacing."""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
)

log = logging.getLogger(__name__)

# stats.nba.com answers throttled clients with 403 as often as with 429, so 403 is retryable here.
RETRY_STATUSES = frozenset({403, 429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
# Transport failures worth another attempt: refused or dropped connections, timeouts, and a
# connection reset or cut short mid-body (requests raises ChunkedEncodingError for those, not
# ConnectionError, even without chunked encoding), or a body that fails to decompress.
RETRY_EXCEPTIONS: tuple[type[Exception], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

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
}


# Query parameters that carry credentials (The Odds API takes its key as ?apiKey=). Their values
# never reach a log line, an error message or Fetched.url (which loaders record as the origin).
SECRET_PARAMS = ("apiKey", "api_key", "key", "token", "access_token")
REDACTED = "REDACTED"
_SECRET_VALUE = re.compile(r"(?i)(?<![A-Za-z0-9_])(" + "|".join(SECRET_PARAMS) + r")=[^&#\s'\"]*")


def redact(text: str) -> str:
    """Text (a URL, an exception message) with every secret query parameter's value replaced."""
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

    @classmethod
    def from_env(cls, **overrides: Any) -> HttpConfig:
        values: dict[str, Any] = {
            "timeout": _env_float("NBA_HTTP_TIMEOUT", cls.timeout),
            "max_attempts": _env_int("NBA_HTTP_MAX_ATTEMPTS", cls.max_attempts),
            "backoff_base": _env_float("NBA_HTTP_BACKOFF_BASE", cls.backoff_base),
            "backoff_max": _env_float("NBA_HTTP_BACKOFF_MAX", cls.backoff_max),
            "jitter": _env_float("NBA_HTTP_JITTER", cls.jitter),
            "min_delay": _env_float("NBA_HTTP_MIN_DELAY", cls.min_delay),
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


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content: bytes
    headers: dict[str, str]


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

    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            last = self._last_call.get(host)
            now = time.monotonic()
            wait = 0.0 if last is None else self.config.min_delay - (now - last)
            if wait > 0:
                time.sleep(wait)
            self._last_call[host] = time.monotonic()

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

    def _attempt(self, url: str, params: dict[str, str] | None) -> requests.Response:
        self._pace(url)
        response = self.session.get(url, params=params, timeout=self.config.timeout)
        if response.status_code in RETRY_STATUSES:
            raise _RetryableStatus(response)
        return response

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
            response = retrying(self._attempt, url, params)
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
        log.info("GET %s -> %d (%d bytes)", shown_url, response.status_code, len(response.content))
        return Fetched(
            url=shown_url,
            status=response.status_code,
            content=response.content,
            headers=dict(response.headers),
        )
