"""When and how long to wait before trying a request again.

Retried: connection errors and timeouts, 408, 429, 500 and above, and 409 except on pause, resume and
cancel (where the fragment uses 409 for a transition the status forbids). A server's `x-should-retry`
overrides that list; an answer asking for a wait longer than 120 s is not retried at all (the openai SDK's
rule: the caller decides). The wait honours `retry-after-ms`, then `retry-after` (seconds or an HTTP date),
up to 120 s; otherwise it backs off exponentially with jitter (stamina: 0.5 s doubling to 8 s, plus up to
0.25 s).
"""

from __future__ import annotations

import email.utils
import math
import time
from typing import Any

import httpx

MAX_RETRY_AFTER = 120.0
WAIT_INITIAL = 0.5
WAIT_MAX = 8.0
WAIT_JITTER = 0.25


class RetryableStatus(Exception):
    """Raised inside a retry attempt for an answer worth another try."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def should_retry(response: httpx.Response, *, transition: bool) -> bool:
    """Whether this answer is worth another attempt."""
    asked = asked_wait(response.headers)
    if asked is not None and asked > MAX_RETRY_AFTER:
        return False
    verdict = str(response.headers.get("x-should-retry", "")).strip().lower()
    if verdict in ("true", "false"):
        return verdict == "true"
    status = response.status_code
    if status == 409:
        return not transition
    return status in (408, 429) or status >= 500


def retry_after(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, if it asks for 0 to 120 s; `None` otherwise."""
    wait = asked_wait(headers, now=now)
    if wait is None or not 0 <= wait <= MAX_RETRY_AFTER:
        return None
    return wait


def asked_wait(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """The wait the server names (`retry-after-ms`, then `retry-after` in seconds or as an HTTP date); a number
    too large for a float is read as infinite, as the SDK does; `None` when it names none that can be read."""
    wait: float | None = None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        wait = _number(raw_ms)
        wait = wait / 1000 if wait is not None else None
    if wait is None:
        raw = headers.get("retry-after")
        if raw is not None:
            wait = _number(raw)
            if wait is None:
                try:
                    when = email.utils.parsedate_to_datetime(raw)
                except (TypeError, ValueError, IndexError):
                    return None
                wait = when.timestamp() - (time.time() if now is None else now)
    return wait


def backoff(exception: Exception) -> bool | float:
    """stamina's hook: retry (with the server's wait, when it names one) or give up."""
    if isinstance(exception, RetryableStatus):
        wait = retry_after(exception.response.headers)
        return True if wait is None else wait
    return isinstance(exception, httpx.TransportError)


def ambiguous(exception: Exception) -> bool:
    """Whether the failed attempt may have reached the server (so its effect may have happened)."""
    if isinstance(exception, RetryableStatus):
        return exception.response.status_code >= 500
    unsent = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
    return isinstance(exception, httpx.TransportError) and not isinstance(exception, unsent)


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    if value == math.inf and raw.strip().lower() not in ("inf", "+inf", "infinity", "+infinity"):
        return value  # a number that overflows (`1e999`): a wait too long, not a malformed one
    return value if math.isfinite(value) else None


def retrying(max_retries: int) -> Any:
    """stamina's retry loop for one call: `max_retries` retries after the first attempt, waits by `backoff`."""
    import stamina  # on the first retry, not on import: most calls need none

    return stamina.retry_context(
        on=backoff,
        attempts=max_retries + 1,
        timeout=None,
        wait_initial=WAIT_INITIAL,
        wait_max=WAIT_MAX,
        wait_jitter=WAIT_JITTER,
    )
