"""The base client: building requests (configuration and request options, once), reading answers, and sending.

Requests are built here rather than through the generated `api/` modules, which parse every 2xx answer with
`from_dict` (raising `KeyError`/`TypeError` from generated code on the deviations real servers send) and leave
`.`/`..` ids unencoded (httpx then normalises them out of the path). The generated models and the fragment's
schemas do the reading, through `ftjobs._parse`.

Sending (`SyncAPIClient`, `AsyncAPIClient`, the same steps with `await`): one attempt is `_send`; `_call` retries
it with stamina and returns the last answer; a state change (`_transition`) and a create (`_create`) apply the
lost-answer rules of `ftjobs._recovery` to the `Attempts` value the sending step fills in.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import quote

import httpx

from ftjobs._auth import KeyAuth, redacted
from ftjobs._config import DEFAULT_LIMITS, NotGiven, Settings, Timeout, timeout_of
from ftjobs._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    CreateOutcomeUnknownError,
    FtjobsError,
    decode_body,
    status_error,
)
from ftjobs._parse import DeviationError, deviations, parse
from ftjobs._recovery import (
    CREATED_LOOKUP,
    UNDECODABLE,
    Attempts,
    created_job,
    now,
    reached,
    refused_after_lost_answer,
    undecodable,
    unknown_create_message,
)
from ftjobs._response import NO_OPTIONS, Options, respond
from ftjobs._retry import RetryableStatus, backoff, should_retry

if TYPE_CHECKING:
    # The models load on the first answer, not on import: `import ftjobs` + a client stays light.
    from ftjobs._models import FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent

logger = logging.getLogger("ftjobs")

ModelT = TypeVar("ModelT", "FineTuningJob", "FineTuningJobEvent", "FineTuningJobCheckpoint")
MAX_REDIRECTS = 5
_CREATING = threading.Lock()  # held while a client creates its connection pool
# A call's answer: the HTTP response, and the job when a lost-answer rule found it instead of reading it.
Answer = tuple[httpx.Response, "FineTuningJob | None"]


def job_model() -> type[FineTuningJob]:
    from ftjobs._models import FineTuningJob

    return FineTuningJob


def event_model() -> type[FineTuningJobEvent]:
    from ftjobs._models import FineTuningJobEvent

    return FineTuningJobEvent


def checkpoint_model() -> type[FineTuningJobCheckpoint]:
    from ftjobs._models import FineTuningJobCheckpoint

    return FineTuningJobCheckpoint


def job_path(job_id: str, action: str = "") -> str:
    """`/fine_tuning/jobs/{id}[/action]` with the id as one opaque path segment."""
    if not isinstance(job_id, str):
        raise TypeError(f"a job id is a string, not {type(job_id).__name__}")
    if not job_id:
        raise ValueError("expected a non-empty job id")
    segment = quote(job_id, safe="")
    if segment in (".", ".."):
        segment = segment.replace(".", "%2E")  # otherwise removed as a dot segment
    return f"/fine_tuning/jobs/{segment}" + (f"/{action}" if action else "")


class BaseClient:
    """What the sync and async clients share: configuration, building requests, reading answers."""

    _settings: Settings
    _owns_http: bool
    # The connection pool, created on the first request (an SSL context costs ~15 ms that `import ftjobs` +
    # a client need not pay) or given by the caller.
    _http_client: httpx.Client | httpx.AsyncClient | None

    @property
    def _http(self) -> httpx.Client | httpx.AsyncClient:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def strict(self) -> bool:
        return self._settings.strict

    @property
    def max_retries(self) -> int:
        return self._settings.max_retries

    @property
    def timeout(self) -> httpx.Timeout:
        return self._settings.timeout

    @property
    def organization(self) -> str | None:
        """The `OpenAI-Organization` header sent (`organization=` or `OPENAI_ORG_ID`), if any."""
        return self._settings.headers.get("OpenAI-Organization")

    @property
    def project(self) -> str | None:
        """The `OpenAI-Project` header sent (`project=` or `OPENAI_PROJECT_ID`), if any."""
        return self._settings.headers.get("OpenAI-Project")

    def _copy(
        self,
        *,
        api_key: str | None,
        organization: str | None,
        project: str | None,
        base_url: str | httpx.URL | None,
        timeout: Timeout | NotGiven,
        max_retries: int | None,
        default_headers: Mapping[str, str] | None,
        set_default_headers: Mapping[str, str] | None,
        default_query: Mapping[str, object] | None,
        set_default_query: Mapping[str, object] | None,
        http_client: httpx.Client | httpx.AsyncClient | None,
    ) -> Self:
        """A copy with some settings changed, sharing the connection pool (see `Client.with_options`)."""
        if default_headers is not None and set_default_headers is not None:
            raise ValueError("pass default_headers= or set_default_headers=, not both")
        if default_query is not None and set_default_query is not None:
            raise ValueError("pass default_query= or set_default_query=, not both")
        if max_retries is not None and max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        old = self._settings
        headers = dict(set_default_headers) if set_default_headers is not None else {**old.headers}
        headers.update(default_headers or {})
        for name, value in (("OpenAI-Organization", organization), ("OpenAI-Project", project)):
            if value is not None:
                headers[name] = value
        query = dict(set_default_query) if set_default_query is not None else {**old.query}
        query.update(default_query or {})
        if set_default_query is not None and "api-version" in old.query:
            query.setdefault("api-version", old.query["api-version"])
        auth = old.auth
        if api_key is not None:
            auth = auth.with_key(api_key) if isinstance(auth, KeyAuth) else KeyAuth(api_key)
        clone = copy.copy(self)
        clone._settings = Settings(
            base_url=str(base_url).rstrip("/") if base_url is not None else old.base_url,
            auth=auth,
            max_retries=old.max_retries if max_retries is None else max_retries,
            strict=old.strict,
            headers=headers,
            query=query,
            timeout=old.timeout if isinstance(timeout, NotGiven) else timeout_of(timeout),
        )
        clone._http_client = http_client if http_client is not None else self._http  # the same pool
        clone._owns_http = False  # the pool belongs to the client it was copied from (or to the caller)
        clone._attach()
        return clone

    def _attach(self) -> None:
        """Create the resources (`fine_tuning`), bound to this client."""
        raise NotImplementedError

    def _build(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, options: Options = NO_OPTIONS
    ) -> httpx.Request:
        settings, http = self._settings, self._http
        query: dict[str, Any] = {**settings.query} if settings.query else {}
        if params:
            query.update((key, value) for key, value in params.items() if value is not None)
        headers = settings.headers
        timeout = settings.timeout
        if options is not NO_OPTIONS:
            query.update(options.query or {})
            if options.body:
                body = {**(body or {}), **options.body}
            if options.headers:
                headers = {**headers, **options.headers}
            if not isinstance(options.timeout, NotGiven):
                timeout = timeout_of(options.timeout)
        url = settings.base_url + path
        if http.cookies or http.params or str(http.base_url):
            return http.build_request(method, url, params=query or None, json=body, headers=headers, timeout=timeout)
        # Nothing of the HTTP client's to merge but its headers: build the request directly, as build_request
        # would (which costs a third of the call: it re-parses and joins URLs, copies cookies).
        merged = http.headers.copy()
        merged.update(headers)
        return httpx.Request(
            method, url, params=query or None, json=body, headers=merged, extensions={"timeout": timeout.as_dict()}
        )

    def _check(self, response: httpx.Response) -> httpx.Response:
        """The answer itself when 2xx; otherwise its typed error, raised."""
        if response.is_success:
            return response
        if response.is_redirect:
            location = response.headers.get("location", "")
            raise APIStatusError(
                f"HTTP {response.status_code} redirect to {location[:200]!r} not followed: "
                "ftjobs follows redirects only within the configured origin, so credentials never leave it",
                response=response,
                body=decode_body(response),
            )
        raise status_error(response)

    def _json(self, response: httpx.Response) -> Any:
        body = decode_body(response)
        media = response.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        if body is None or isinstance(body, str) or not (media == "application/json" or media.endswith("+json")):
            why = response.extensions.get(UNDECODABLE)
            raise APIResponseValidationError(
                f"the body could not be decoded ({why})"
                if why
                else f"expected a JSON body, got {media or 'no content type'} ({len(response.content)} bytes)",
                response=response,
                body=body,
            )
        return body

    def _model(self, response: httpx.Response, model: type[ModelT]) -> ModelT:
        return self._read(response, model, self._json(response), "")

    def _job(self, response: httpx.Response) -> FineTuningJob:
        return self._model(response, job_model())

    def _job_result(self, answer: Answer, options: Options) -> Any:
        """The job of a call (or its raw answer): the one a lost-answer rule found, else the one answered."""
        response, found = answer
        if found is not None:
            return respond(response, lambda _: found, options)
        return respond(response, self._job, options)

    def _read(self, response: httpx.Response, model: type[ModelT], body: Any, where: str) -> ModelT:
        try:
            result = parse(model, model.__name__, body, strict=self._settings.strict, where=where)
        except RecursionError:
            raise APIResponseValidationError(
                "the answer is nested too deeply to read", response=response, body=None
            ) from None
        except DeviationError as error:
            listing = "; ".join(map(str, error.deviations))
            raise APIResponseValidationError(
                f"the answer deviates from the contract: {listing}",
                response=response,
                body=body,
                deviations=error.deviations,
            ) from None
        found = deviations(result)
        if found:
            logger.warning(
                "%s %s: the answer deviates from the contract: %s",
                response.request.method,
                response.request.url.path,
                "; ".join(map(str, found)),
            )
        return result

    def _items(self, response: httpx.Response, model: type[ModelT]) -> tuple[list[ModelT], bool, dict[str, Any]]:
        """A list answer's items, its `has_more`, and its other fields (`object`, …)."""
        body = self._json(response)
        if not isinstance(body, dict):
            raise APIResponseValidationError("expected a list object", response=response, body=body)
        data: Any = body.get("data")
        has_more: Any = body.get("has_more")
        problems = [
            *([] if isinstance(data, list) else ["/data: expected an array"]),
            *([] if isinstance(has_more, bool) else ["/has_more: expected a boolean"]),
        ]
        if problems:
            if self._settings.strict or not isinstance(data, list):
                raise APIResponseValidationError("; ".join(problems), response=response, body=body)
            logger.warning("%s: the list answer deviates from the contract: %s", response.request.url.path, problems)
        items = [self._read(response, model, item, f"/data/{index}") for index, item in enumerate(data)]
        extra = {key: value for key, value in body.items() if key not in ("data", "has_more")}
        return items, bool(has_more), extra

    def _refusal(self, response: httpx.Response, action: str, job_id: str, attempts: Attempts) -> APIStatusError:
        """The typed refusal, noting that an earlier attempt may have made the transition."""
        refusal = status_error(response)
        refusal.add_note(
            f"An earlier attempt to {action} job {job_id} failed in a way that may have reached the server, "
            f"so the job may have been {action}d already; {attempts.sent} of {attempts.budget} attempts were used."
        )
        if attempts.left <= 0:
            refusal.add_note(f"No attempt was left to check: retrieve job {job_id} to see its status.")
            raise refusal
        return refusal

    @staticmethod
    def _confirmed(refusal: APIStatusError, action: str, job: FineTuningJob) -> FineTuningJob:
        """The job when it shows the transition's status (its answer was lost); else the refusal, raised."""
        if reached(action, job):
            logger.info("%s of %s: an earlier attempt succeeded; its answer was lost", action, job.id)
            return job
        refusal.add_note(f"A read shows the job {job.status!r}: the earlier attempt did not {action} it.")
        raise refusal

    def _found(self, listed: httpx.Response, body: dict[str, Any], since: float) -> FineTuningJob | None:
        jobs, has_more, _ = self._items(listed, job_model())
        job = created_job(jobs, has_more, body, since)
        if job is not None:
            logger.info("create: an earlier attempt made job %s; its answer was lost", job.id)
        return job

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self._settings.auth!r}, strict={self.strict})"


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


def _connection_error(request: httpx.Request, error: httpx.TransportError) -> APIConnectionError:
    reason = str(error) or type(error).__name__
    return APIConnectionError(request, message=f"Connection error: {type(error).__name__}: {reason}"[:300])


def _same_origin_redirect(request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
    """The redirect to follow, if the answer is one within the request's origin; credentials never leave it."""
    following = response.next_request
    if following is None:
        return None
    before, after = request.url, following.url
    return following if (before.scheme, before.host, before.port) == (after.scheme, after.host, after.port) else None


def _unchecked_options(options: Options) -> Options:
    """The options for a check read inside another call: its headers and query, no body, never raw."""
    if options is NO_OPTIONS:
        return options
    return Options(options.headers, options.query, None, options.timeout)


class SyncAPIClient(BaseClient):
    """Sending, synchronously."""

    _http_client: httpx.Client | None

    @property
    def _http(self) -> httpx.Client:
        http = self._http_client
        if http is None:
            with _CREATING:
                http = self._http_client
                if http is None:
                    http = self._http_client = httpx.Client(timeout=self._settings.timeout, limits=DEFAULT_LIMITS)
        return http

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
        debug = logger.isEnabledFor(logging.DEBUG)
        try:
            response = self._exchange(request)
        except httpx.TransportError as error:
            if debug:
                _log_exchange(request, None, error)
            attempts.failed(error)
            raise
        if debug:
            _log_exchange(request, response, None)
        if not response.is_success and should_retry(response, transition=transition):
            failure = RetryableStatus(response)
            attempts.failed(failure)
            raise failure
        attempts.last_ambiguous = False
        return response

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
        except httpx.TimeoutException as error:
            raise APITimeoutError(request) from error
        except httpx.TransportError as error:
            raise _connection_error(request, error) from error
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
        request = self._build(method, path, params, None, _unchecked_options(options))
        try:
            response = self._exchange(request)
        except httpx.TimeoutException as error:
            raise APITimeoutError(request) from error
        except httpx.TransportError as error:
            raise _connection_error(request, error) from error
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


class AsyncAPIClient(BaseClient):
    """Sending, asynchronously: the steps of `SyncAPIClient`, awaited."""

    _http_client: httpx.AsyncClient | None

    @property
    def _http(self) -> httpx.AsyncClient:
        http = self._http_client
        if http is None:
            with _CREATING:
                http = self._http_client
                if http is None:
                    http = self._http_client = httpx.AsyncClient(timeout=self._settings.timeout, limits=DEFAULT_LIMITS)
        return http

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
        debug = logger.isEnabledFor(logging.DEBUG)
        try:
            response = await self._exchange(request)
        except httpx.TransportError as error:
            if debug:
                _log_exchange(request, None, error)
            attempts.failed(error)
            raise
        if debug:
            _log_exchange(request, response, None)
        if not response.is_success and should_retry(response, transition=transition):
            failure = RetryableStatus(response)
            attempts.failed(failure)
            raise failure
        attempts.last_ambiguous = False
        return response

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
        except httpx.TimeoutException as error:
            raise APITimeoutError(request) from error
        except httpx.TransportError as error:
            raise _connection_error(request, error) from error
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
        request = self._build(method, path, params, None, _unchecked_options(options))
        try:
            response = await self._exchange(request)
        except httpx.TimeoutException as error:
            raise APITimeoutError(request) from error
        except httpx.TransportError as error:
            raise _connection_error(request, error) from error
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
