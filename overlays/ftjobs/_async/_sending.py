"""Sending: one attempt, retries, and the lost-answer flows of pause, resume, cancel and create.

One attempt is `_send`; `_call` retries it with stamina and answers the last response (or, for a create, the job
an earlier attempt made); `_transition` and `_create` apply the lost-answer rules of `ftjobs._recovery` to the
`Attempts` the sending steps fill in. Building requests and reading answers is `ftjobs._base_client`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ftjobs._azure import TRAINING_TYPE_NOTE, check_route, needs_training_type
from ftjobs._base_client import BaseClient, job_model, job_path
from ftjobs._exceptions import APIConnectionError, BadRequestError, CreateOutcomeUnknownError, FtjobsError
from ftjobs._exchange import (
    MAX_REDIRECTS,
    as_transport_error,
    cause_of,
    failed,
    judged,
    log_exchange,
    no_answer,
    same_origin_redirect,
)
from ftjobs._recovery import (
    CREATED_LOOKUP,
    Answer,
    AsyncLookup,
    Attempts,
    confirmed,
    created_job,
    lost_answer_refusal,
    now,
    refused_after_lost_answer,
    undecodable,
    unknown_create_message,
)
from ftjobs._response import NO_OPTIONS, Options
from ftjobs._retry import RetryableStatus, backoff, retrying


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """Sending requests: retries, redirects within the origin, and answers that went missing."""

    _pool_class = httpx.AsyncClient

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        """One request: same-origin redirects followed, the body read (an undecodable one left out, saying why).

        What a transport raises outside httpx's own errors (`ssl.SSLError`, anyio's `EndOfStream`, …) is raised
        as an `httpx.TransportError`, so that it is retried and typed like any connection failure.
        """
        try:
            response = await self._http.send(request, auth=self._auth(request), follow_redirects=False, stream=True)
            for _ in range(MAX_REDIRECTS):
                next_request = same_origin_redirect(request, response)
                if next_request is None:
                    break
                await response.aclose()
                response = await self._http.send(
                    next_request, auth=self._auth(request), follow_redirects=False, stream=True
                )
            try:
                await response.aread()
            except httpx.DecodingError as error:
                return undecodable(response, error)
            finally:
                await response.aclose()
        except Exception as error:
            wrapped = as_transport_error(error)
            if wrapped is error:
                raise
            raise wrapped from error
        return response

    async def _send(self, request: httpx.Request, transition: bool, attempts: Attempts) -> httpx.Response:
        """One attempt; a failure worth another attempt is raised (and recorded in `attempts`)."""
        attempts.sent += 1
        try:
            response = await self._exchange(request)
        except httpx.TransportError as error:
            failed(request, error, attempts)
            raise
        return judged(request, response, transition, attempts)

    async def _call(
        self, request: httpx.Request, attempts: Attempts, *, transition: bool = False, lookup: AsyncLookup | None = None
    ) -> Answer:
        """Send `request` with retries: the last answer (any status), or what `lookup` found instead.

        `lookup` runs before a retry that follows an attempt which may have reached the server; an answer it
        returns ends the call (see `_create`).
        """
        try:
            try:
                return await self._send(request, transition, attempts), None
            except (RetryableStatus, httpx.TransportError) as failure:
                if attempts.budget == 1 or backoff(failure) is False:  # a wait of 0 is an immediate retry
                    raise
                # The first attempt runs outside stamina (most calls need no retry, and building the retry
                # machinery costs more than the rest of the call); its failure is replayed as stamina's
                # first attempt, so that stamina alone decides every wait.
                replay: list[Exception] = [failure]
                async for attempt in retrying(attempts.budget - 1):
                    with attempt:
                        if replay:
                            raise replay.pop() from None
                        if lookup is not None and attempts.last_ambiguous:
                            found = await lookup()
                            if found is not None:
                                return found
                        return await self._send(request, transition, attempts), None
        except RetryableStatus as exhausted:
            return exhausted.response, None
        except httpx.TransportError as error:
            raise no_answer(request, error) from cause_of(error)
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
        """A checked answer (2xx, else its typed error raised), retried as configured."""
        request = self._build(method, path, params, body, options)
        response, _ = await self._call(request, Attempts(self._settings.max_retries + 1))
        return self._check(response)

    async def _once(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, options: Options = NO_OPTIONS
    ) -> httpx.Response:
        """One checked request, never retried (a check inside another call's budget, or one poll of a wait)."""
        request = self._build(method, path, params, None, options.for_check())
        try:
            response = await self._exchange(request)
        except httpx.TransportError as error:
            raise no_answer(request, error) from cause_of(error)
        log_exchange(request, response, None)
        return self._check(response)

    async def _transition(self, job_id: str, action: str, options: Options) -> Answer:
        """Pause, resume or cancel; a refusal that a lost answer explains is checked with one read."""
        check_route(self._settings, action)
        request = self._build("POST", job_path(job_id, action), None, None, options)
        attempts = Attempts(self._settings.max_retries + 1)
        response, _ = await self._call(request, attempts, transition=True)
        if not refused_after_lost_answer(attempts, response):
            return self._check(response), None
        refusal = lost_answer_refusal(response, action, job_id, attempts)
        try:
            read = await self._once("GET", job_path(job_id), options=options)
            job = self._job(read)
        except FtjobsError as failure:
            refusal.add_note(f"Reading job {job_id} to check failed too: {failure}")
            raise refusal from failure
        return read, confirmed(refusal, action, job)

    async def _create(self, body: dict[str, Any], options: Options) -> Answer:
        """Create; an attempt that may have made a job is looked up before anything is sent again."""
        request = self._build("POST", "/fine_tuning/jobs", None, body, options)
        sent = {**body, **(options.body or {})}
        attempts = Attempts(self._settings.max_retries + 1)
        since = now()

        async def lookup() -> Answer | None:
            return await self._created(request, sent, since, options)

        try:
            answer = await self._call(request, attempts, lookup=lookup)
        except APIConnectionError:
            found = await lookup() if attempts.last_ambiguous else None
            if found is None:
                raise
            return found
        response, job = answer
        if job is not None:  # found by `lookup` before a retry
            return answer
        if not response.is_success and attempts.last_ambiguous:
            found = await lookup()
            if found is not None:
                return found
        try:
            return self._check(response), None
        except BadRequestError as refused:
            if needs_training_type(self._settings, sent):
                refused.add_note(TRAINING_TYPE_NOTE)
            raise

    async def _created(
        self, request: httpx.Request, body: dict[str, Any], since: float, options: Options
    ) -> Answer | None:
        """The job an earlier create attempt made, `None` if it made none; raises when that cannot be told."""
        try:
            listed = await self._once("GET", "/fine_tuning/jobs", params={"limit": CREATED_LOOKUP}, options=options)
            jobs, has_more, _ = self._items(listed, job_model())
            job = created_job(jobs, has_more, body, since)
        except (FtjobsError, LookupError) as failure:  # the list failed, or cannot tell
            raise CreateOutcomeUnknownError(unknown_create_message(body, since, str(failure)), request) from failure
        return None if job is None else (listed, job)
