"""Sending: one attempt, retries, and the lost-answer rules — synchronously and asynchronously.

`SyncAPIClient` and `AsyncAPIClient` take the same steps, the second with `await`: one attempt is `_send`;
`_call` retries it with stamina and returns the last answer; a state change (`_transition`) and a create
(`_create`) apply the lost-answer rules of `ftjobs._recovery` to the `Attempts` value the sending step fills in,
and return the answer with the job such a rule found (`Answer`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from ftjobs._auth import redacted
from ftjobs._base_client import Answer, BaseClient, job_path
from ftjobs._config import DEFAULT_LIMITS
from ftjobs._exceptions import APIConnectionError, APITimeoutError, CreateOutcomeUnknownError, FtjobsError
from ftjobs._recovery import (
    CREATED_LOOKUP,
    Attempts,
    now,
    refused_after_lost_answer,
    undecodable,
    unknown_create_message,
)
from ftjobs._response import NO_OPTIONS, Options
from ftjobs._retry import RetryableStatus, backoff, should_retry

logger = logging.getLogger("ftjobs")

MAX_REDIRECTS = 5


def _retrying(max_retries: int) -> Any:
    """stamina's retry loop for one call: `max_retries` retries after the first attempt."""
    import stamina

    from ftjobs._retry import WAIT_INITIAL, WAIT_JITTER, WAIT_MAX

    return stamina.retry_context(
        on=backoff,
        attempts=max_retries + 1,
        timeout=None,
        wait_initial=WAIT_INITIAL,
        wait_max=WAIT_MAX,
        wait_jitter=WAIT_JITTER,
    )


def _log_exchange(request: httpx.Request, response: httpx.Response | None, failure: Exception | None) -> None:
    """One DEBUG entry per attempt: the request line and the answer (or the failure), credentials redacted."""
    if response is None:
        logger.debug("%s %s -> no answer: %s: %s", request.method, request.url, type(failure).__name__, failure)
        return
    logger.debug(
        "%s %s -> %s\n  request headers: %s\n  response headers: %s\n  body: %s",
        request.method,
        request.url,
        response.status_code,
        redacted(request.headers),
        redacted(response.headers),
        response.content[:2000].decode("utf-8", "replace"),
    )


def _no_answer(request: httpx.Request, error: httpx.TransportError) -> APIConnectionError:
    """The typed error for a request that got no answer: `APITimeoutError` when time ran out."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(request)
    reason = str(error) or type(error).__name__
    return APIConnectionError(request, message=f"Connection error: {type(error).__name__}: {reason}"[:300])


def _failed(request: httpx.Request, error: httpx.TransportError, attempts: Attempts) -> None:
    """Record an attempt that got no answer (and log it)."""
    if logger.isEnabledFor(logging.DEBUG):
        _log_exchange(request, None, error)
    attempts.failed(error)


def _judged(request: httpx.Request, response: httpx.Response, transition: bool, attempts: Attempts) -> httpx.Response:
    """An attempt's answer, logged; raises `RetryableStatus` (recorded in `attempts`) when it is worth another."""
    if logger.isEnabledFor(logging.DEBUG):
        _log_exchange(request, response, None)
    if not response.is_success and should_retry(response, transition=transition):
        failure = RetryableStatus(response)
        attempts.failed(failure)
        raise failure
    attempts.last_ambiguous = False
    return response


def _same_origin_redirect(request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
    """The redirect to follow, if the answer is one within the request's origin; credentials never leave it."""
    following = response.next_request
    if following is None:
        return None
    before, after = request.url, following.url
    return following if (before.scheme, before.host, before.port) == (after.scheme, after.host, after.port) else None


class SyncAPIClient(BaseClient[httpx.Client]):
    """Sending, synchronously."""

    def _new_pool(self) -> httpx.Client:
        return httpx.Client(timeout=self._settings.timeout, limits=DEFAULT_LIMITS)

    def _exchange(self, request: httpx.Request) -> httpx.Response:
        """One request: same-origin redirects followed, the body read (an undecodable one left out, saying why)."""
        response = self._http.send(request, auth=self._settings.auth, follow_redirects=False, stream=True)
        for _ in range(MAX_REDIRECTS):
            next_request = _same_origin_redirect(request, response)
            if next_request is None:
                break
            response.close()
            response = self._http.send(next_request, auth=self._settings.auth, follow_redirects=False, stream=True)
        try:
            response.read()
        except httpx.DecodingError as error:
            return undecodable(response, error)
        finally:
            response.close()
        return response

    def _send(self, request: httpx.Request, transition: bool, attempts: Attempts) -> httpx.Response:
        """One attempt; a failure worth another attempt is raised (and recorded in `attempts`)."""
        attempts.sent += 1
        try:
            response = self._exchange(request)
        except httpx.TransportError as error:
            _failed(request, error, attempts)
            raise
        return _judged(request, response, transition, attempts)

    def _call(
        self,
        request: httpx.Request,
        attempts: Attempts,
        *,
        transition: bool = False,
        before_retry: Callable[[], Answer | None] | None = None,
    ) -> httpx.Response | Answer:
        """Send `request` with retries: the last answer (any status), or what `before_retry` found instead.

        `before_retry` runs before a retry that follows an attempt which may have reached the server; an answer
        it returns ends the call (see `_create`).
        """
        try:
            try:
                return self._send(request, transition, attempts)
            except (RetryableStatus, httpx.TransportError) as failure:
                if attempts.budget == 1 or backoff(failure) is False:  # a wait of 0 is an immediate retry
                    raise
                # The first attempt runs outside stamina (most calls need no retry, and building the retry
                # machinery costs more than the rest of the call); its failure is replayed as stamina's
                # first attempt, so that stamina alone decides every wait.
                replay: list[Exception] = [failure]
                for attempt in _retrying(attempts.budget - 1):
                    with attempt:
                        if replay:
                            raise replay.pop() from None
                        if before_retry is not None and attempts.last_ambiguous:
                            found = before_retry()
                            if found is not None:
                                return found
                        return self._send(request, transition, attempts)
        except RetryableStatus as exhausted:
            return exhausted.response
        except httpx.TransportError as error:
            raise _no_answer(request, error) from error
        raise AssertionError("unreachable: stamina either returns an attempt's answer or raises")  # pragma: no cover

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        options: Options = NO_OPTIONS,
    ) -> httpx.Response:
        """A checked answer (2xx, else its typed error raised), retried as configured."""
        request = self._build(method, path, params, body, options)
        answer = self._call(request, Attempts(self._settings.max_retries + 1))
        assert isinstance(answer, httpx.Response)  # noqa: S101 -- no before_retry, so an answer
        return self._check(answer)

    def _once(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, options: Options = NO_OPTIONS
    ) -> httpx.Response:
        """One checked request, never retried (a check inside another call's budget)."""
        request = self._build(method, path, params, None, options.for_check())
        try:
            response = self._exchange(request)
        except httpx.TransportError as error:
            raise _no_answer(request, error) from error
        if logger.isEnabledFor(logging.DEBUG):
            _log_exchange(request, response, None)
        return self._check(response)

    def _transition(self, job_id: str, action: str, options: Options) -> Answer:
        """Pause, resume or cancel; a refusal that a lost answer explains is checked with one read."""
        request = self._build("POST", job_path(job_id, action), None, None, options)
        attempts = Attempts(self._settings.max_retries + 1)
        answer = self._call(request, attempts, transition=True)
        assert isinstance(answer, httpx.Response)  # noqa: S101 -- no before_retry, so an answer
        if not refused_after_lost_answer(attempts, answer):
            return self._check(answer), None
        refusal = self._refusal(answer, action, job_id, attempts)
        try:
            read = self._once("GET", job_path(job_id), options=options)
            job = self._job(read)
        except FtjobsError as failure:
            refusal.add_note(f"Reading job {job_id} to check failed too: {failure}")
            raise refusal from failure
        return read, self._confirmed(refusal, action, job)

    def _create(self, body: dict[str, Any], options: Options) -> Answer:
        """Create; an attempt that may have made a job is looked up before anything is sent again."""
        request = self._build("POST", "/fine_tuning/jobs", None, body, options)
        sent = {**body, **(options.body or {})}
        attempts = Attempts(self._settings.max_retries + 1)
        since = now()
        try:
            answer = self._call(request, attempts, before_retry=lambda: self._created(request, sent, since, options))
        except APIConnectionError:
            found = self._created(request, sent, since, options) if attempts.last_ambiguous else None
            if found is None:
                raise
            return found
        if not isinstance(answer, httpx.Response):
            return answer
        if not answer.is_success and attempts.last_ambiguous:
            found = self._created(request, sent, since, options)
            if found is not None:
                return found
        return self._check(answer), None

    def _created(self, request: httpx.Request, body: dict[str, Any], since: float, options: Options) -> Answer | None:
        """The job an earlier create attempt made, `None` if it made none; raises when that cannot be told."""
        try:
            listed = self._once("GET", "/fine_tuning/jobs", params={"limit": CREATED_LOOKUP}, options=options)
            job = self._found(listed, body, since)
        except (FtjobsError, LookupError) as failure:  # the list failed, or cannot tell
            raise CreateOutcomeUnknownError(unknown_create_message(body, since, str(failure)), request) from failure
        return None if job is None else (listed, job)


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """Sending, asynchronously: the steps of `SyncAPIClient`, awaited."""

    def _new_pool(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self._settings.timeout, limits=DEFAULT_LIMITS)

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        response = await self._http.send(request, auth=self._settings.auth, follow_redirects=False, stream=True)
        for _ in range(MAX_REDIRECTS):
            next_request = _same_origin_redirect(request, response)
            if next_request is None:
                break
            await response.aclose()
            response = await self._http.send(
                next_request, auth=self._settings.auth, follow_redirects=False, stream=True
            )
        try:
            await response.aread()
        except httpx.DecodingError as error:
            return undecodable(response, error)
        finally:
            await response.aclose()
        return response

    async def _send(self, request: httpx.Request, transition: bool, attempts: Attempts) -> httpx.Response:
        attempts.sent += 1
        try:
            response = await self._exchange(request)
        except httpx.TransportError as error:
            _failed(request, error, attempts)
            raise
        return _judged(request, response, transition, attempts)

    async def _call(
        self,
        request: httpx.Request,
        attempts: Attempts,
        *,
        transition: bool = False,
        before_retry: Callable[[], Awaitable[Answer | None]] | None = None,
    ) -> httpx.Response | Answer:
        try:
            try:
                return await self._send(request, transition, attempts)
            except (RetryableStatus, httpx.TransportError) as failure:
                if attempts.budget == 1 or backoff(failure) is False:
                    raise
                replay: list[Exception] = [failure]  # see SyncAPIClient._call
                async for attempt in _retrying(attempts.budget - 1):
                    with attempt:
                        if replay:
                            raise replay.pop() from None
                        if before_retry is not None and attempts.last_ambiguous:
                            found = await before_retry()
                            if found is not None:
                                return found
                        return await self._send(request, transition, attempts)
        except RetryableStatus as exhausted:
            return exhausted.response
        except httpx.TransportError as error:
            raise _no_answer(request, error) from error
        raise AssertionError("unreachable: stamina either returns an attempt's answer or raises")  # pragma: no cover

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        options: Options = NO_OPTIONS,
    ) -> httpx.Response:
        request = self._build(method, path, params, body, options)
        answer = await self._call(request, Attempts(self._settings.max_retries + 1))
        assert isinstance(answer, httpx.Response)  # noqa: S101 -- no before_retry, so an answer
        return self._check(answer)

    async def _once(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, options: Options = NO_OPTIONS
    ) -> httpx.Response:
        request = self._build(method, path, params, None, options.for_check())
        try:
            response = await self._exchange(request)
        except httpx.TransportError as error:
            raise _no_answer(request, error) from error
        if logger.isEnabledFor(logging.DEBUG):
            _log_exchange(request, response, None)
        return self._check(response)

    async def _transition(self, job_id: str, action: str, options: Options) -> Answer:
        request = self._build("POST", job_path(job_id, action), None, None, options)
        attempts = Attempts(self._settings.max_retries + 1)
        answer = await self._call(request, attempts, transition=True)
        assert isinstance(answer, httpx.Response)  # noqa: S101 -- no before_retry, so an answer
        if not refused_after_lost_answer(attempts, answer):
            return self._check(answer), None
        refusal = self._refusal(answer, action, job_id, attempts)
        try:
            read = await self._once("GET", job_path(job_id), options=options)
            job = self._job(read)
        except FtjobsError as failure:
            refusal.add_note(f"Reading job {job_id} to check failed too: {failure}")
            raise refusal from failure
        return read, self._confirmed(refusal, action, job)

    async def _create(self, body: dict[str, Any], options: Options) -> Answer:
        request = self._build("POST", "/fine_tuning/jobs", None, body, options)
        sent = {**body, **(options.body or {})}
        attempts = Attempts(self._settings.max_retries + 1)
        since = now()

        async def created() -> Answer | None:
            return await self._created(request, sent, since, options)

        try:
            answer = await self._call(request, attempts, before_retry=created)
        except APIConnectionError:
            found = await created() if attempts.last_ambiguous else None
            if found is None:
                raise
            return found
        if not isinstance(answer, httpx.Response):
            return answer
        if not answer.is_success and attempts.last_ambiguous:
            found = await created()
            if found is not None:
                return found
        return self._check(answer), None

    async def _created(
        self, request: httpx.Request, body: dict[str, Any], since: float, options: Options
    ) -> Answer | None:
        try:
            listed = await self._once("GET", "/fine_tuning/jobs", params={"limit": CREATED_LOOKUP}, options=options)
            job = self._found(listed, body, since)
        except (FtjobsError, LookupError) as failure:  # the list failed, or cannot tell
            raise CreateOutcomeUnknownError(unknown_create_message(body, since, str(failure)), request) from failure
        return None if job is None else (listed, job)
