"""One attempt's pieces that do not depend on sync or async: redirects, the DEBUG log, judging an answer.

The sending loops (`ftjobs._async._sending` and its generated twin) call these around each attempt.
"""

from __future__ import annotations

import logging
import socket
import ssl

import httpx

from ftjobs._auth import redacted
from ftjobs._exceptions import APIConnectionError, APITimeoutError, FtjobsError
from ftjobs._record import record
from ftjobs._recovery import Attempts
from ftjobs._response import RETRIES_TAKEN
from ftjobs._retry import RetryableStatus, should_retry

logger = logging.getLogger("ftjobs")

MAX_REDIRECTS = 5


NO_REDIRECTS = "ftjobs.no_redirects"  # a request's extension: follow no redirect (`follow_redirects=False`)


def same_origin_redirect(request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
    """The redirect to follow, if the answer is one within the request's origin; credentials never leave it."""
    following = response.next_request
    if following is None or request.extensions.get(NO_REDIRECTS):
        return None
    before, after = request.url, following.url
    return following if (before.scheme, before.host, before.port) == (after.scheme, after.host, after.port) else None


def log_exchange(request: httpx.Request, response: httpx.Response | None, failure: Exception | None) -> None:
    """One DEBUG entry per attempt: the request line and the answer's status, headers and size (or the failure),
    credentials redacted. Bodies are never logged: a server may echo a secret in one (the SDK logs none).
    When recording is on (`ftjobs._record`), the exchange also goes to the exchange log, bodies included."""
    record(request, response, failure)
    if not logger.isEnabledFor(logging.DEBUG):
        return
    if response is None:
        logger.debug("%s %s -> no answer: %s: %s", request.method, request.url, type(failure).__name__, failure)
        return
    logger.debug(
        "%s %s -> %s\n  request headers: %s\n  response headers: %s\n  body: %d bytes (not logged)",
        request.method,
        request.url,
        response.status_code,
        redacted(request.headers),
        redacted(response.headers),
        len(response.content),
    )


NETWORK_FAILURES = (ssl.SSLError, ConnectionError, socket.gaierror, socket.herror, TimeoutError, EOFError)


def as_transport_error(error: Exception) -> Exception:
    """`error` as the sending loop sees it: httpx's own errors and ftjobs' as they are; a failure of the network
    below httpx (`ssl.SSLError`, a reset or refused connection, a failed name lookup, a socket timeout, an
    `EOFError`, anyio's stream errors), which a custom transport may let through, as an `httpx.TransportError`;
    anything else as it is, never retried — a bare `OSError` or a `FileNotFoundError` is the application's own
    failure, as the SDK sees it."""
    if isinstance(error, httpx.HTTPError | FtjobsError):
        return error
    below = isinstance(error, NETWORK_FAILURES) or type(error).__module__.split(".")[0] in ("anyio", "h11", "h2")
    if not below:
        return error
    return httpx.TransportError(f"{type(error).__name__}: {error}")


def cause_of(error: httpx.TransportError) -> BaseException:
    """What a request that got no answer is raised from: the transport's own exception when `as_transport_error`
    wrapped it (`ssl.SSLError`, as the SDK's `APIConnectionError.__cause__`), else `error`."""
    if type(error) is httpx.TransportError and error.__cause__ is not None:
        return error.__cause__
    return error


def no_answer(request: httpx.Request, error: httpx.TransportError) -> APIConnectionError:
    """The typed error for a request that got no answer: `APITimeoutError` when time ran out."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(request)
    reason = str(error) or type(error).__name__
    return APIConnectionError(request, message=f"Connection error: {type(error).__name__}: {reason}"[:300])


def failed(request: httpx.Request, error: httpx.TransportError, attempts: Attempts) -> None:
    """Record an attempt that got no answer (and log it)."""
    log_exchange(request, None, error)
    attempts.failed(error)


def judged(request: httpx.Request, response: httpx.Response, transition: bool, attempts: Attempts) -> httpx.Response:
    """An attempt's answer, logged; raises `RetryableStatus` (recorded in `attempts`) when it is worth another.

    stamina retries on exceptions, so an answer worth another attempt travels to it as one.
    """
    log_exchange(request, response, None)
    response.extensions = {**response.extensions, RETRIES_TAKEN: attempts.sent - 1}  # the raw answer's count
    if not response.is_success and should_retry(response, transition=transition):
        failure = RetryableStatus(response)
        attempts.failed(failure)
        raise failure
    attempts.last_ambiguous = False
    return response
