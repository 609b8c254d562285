"""`Client` and `AsyncClient`: the openai call shape over the generated models.

Requests are built here rather than through the generated `api/` modules, which parse every 2xx answer
with `from_dict` (raising `KeyError`/`TypeError` from generated code on the deviations real servers send)
and leave `.`/`..` ids unencoded (httpx then normalises them out of the path). The generated models and
the fragment's schemas do the reading, through `ftjobs._parse`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import quote

import httpx

from ftjobs._auth import KeyAuth, TokenAuth, TokenProvider, redacted
from ftjobs._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    CreateOutcomeUnknownError,
    FtjobsError,
    InternalServerError,
    JobEndedError,
    JobWaitTimeout,
    MissingCredentialsError,
    RateLimitError,
    decode_body,
    status_error,
)
from ftjobs._pagination import AsyncPage, AsyncPaginator, SyncPage
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
from ftjobs._retry import RetryableStatus, backoff, should_retry
from ftjobs._version import __version__

if TYPE_CHECKING:
    # The generated models load on the first answer, not on import: `import ftjobs` + a client stays light.
    from ftjobs_api.models import (
        FineTuneMethod,
        FineTuningIntegration,
        FineTuningJob,
        FineTuningJobCheckpoint,
        FineTuningJobEvent,
        Hyperparameters,
    )

logger = logging.getLogger("ftjobs")

OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})

ModelT = TypeVar("ModelT", "FineTuningJob", "FineTuningJobEvent", "FineTuningJobCheckpoint")


class NotGiven:
    """The default of optional `create` arguments: leave the field out of the request (`None` sends null)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


def _job_model() -> type[FineTuningJob]:
    from ftjobs_api.models import FineTuningJob

    return FineTuningJob


def _event_model() -> type[FineTuningJobEvent]:
    from ftjobs_api.models import FineTuningJobEvent

    return FineTuningJobEvent


def _checkpoint_model() -> type[FineTuningJobCheckpoint]:
    from ftjobs_api.models import FineTuningJobCheckpoint

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


@dataclass(frozen=True)
class _Settings:
    """The resolved configuration of a client (credentials live only in `auth`)."""

    base_url: str
    auth: httpx.Auth
    api_version: str | None
    max_retries: int
    strict: bool
    headers: Mapping[str, str]


def _settings(
    *,
    api_key: str | None,
    base_url: str | httpx.URL | None,
    azure_endpoint: str | None,
    azure_ad_token_provider: TokenProvider | None,
    api_version: str | None,
    max_retries: int,
    strict: bool,
    default_headers: Mapping[str, str] | None,
) -> _Settings:
    env = os.environ
    if max_retries < 0:
        raise ValueError("max_retries must be 0 or more")
    azure = _is_azure(base_url, azure_endpoint, env)
    auth: httpx.Auth
    if azure:
        resolved = str(base_url) if base_url is not None else str(azure_endpoint or env["AZURE_OPENAI_ENDPOINT"])
        if base_url is None:
            resolved = resolved.rstrip("/") + "/openai/v1"
        if azure_ad_token_provider is not None:
            auth = TokenAuth(azure_ad_token_provider)
        else:
            key = api_key or env.get("AZURE_OPENAI_API_KEY")
            if not key:
                raise MissingCredentialsError(
                    "No Azure credentials: pass api_key= or azure_ad_token_provider=, "
                    "or set AZURE_OPENAI_API_KEY (with AZURE_OPENAI_ENDPOINT)."
                )
            auth = KeyAuth(key, header="api-key")
    else:
        resolved = str(base_url or env.get("OPENAI_BASE_URL") or OPENAI_BASE_URL)
        if azure_ad_token_provider is not None:
            auth = TokenAuth(azure_ad_token_provider)
        else:
            key = api_key or env.get("OPENAI_API_KEY")
            if not key:
                raise MissingCredentialsError(
                    "No credentials: pass api_key=, or set OPENAI_API_KEY (OpenAI) or "
                    "AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT (Azure OpenAI)."
                )
            auth = KeyAuth(key)
    headers = {"user-agent": f"ftjobs/{__version__}", "accept": "application/json", **(default_headers or {})}
    return _Settings(resolved.rstrip("/"), auth, api_version, max_retries, strict, headers)


def _is_azure(base_url: str | httpx.URL | None, azure_endpoint: str | None, env: Mapping[str, str]) -> bool:
    """Whether the client talks to Azure (`api-key` header): the host the user named wins, arguments first.

    An argument that names a host decides (`azure_endpoint`: Azure, at `base_url` when that is given too;
    `base_url` alone: bearer, as given). Else the
    environment: `OPENAI_BASE_URL` or `OPENAI_API_KEY` name OpenAI; otherwise `AZURE_OPENAI_ENDPOINT` names
    Azure. A key alone names no host, so an `api_key=` never goes to api.openai.com while only Azure is
    configured. See README's decision table.
    """
    if azure_endpoint:
        return True
    if base_url is not None:
        return False
    if env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_KEY"):
        return False
    return bool(env.get("AZURE_OPENAI_ENDPOINT"))


class _Base:
    """What the sync and async clients share: configuration, building requests, reading answers."""

    _settings: _Settings
    _owns_http: bool

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def strict(self) -> bool:
        return self._settings.strict

    def _build(
        self,
        http: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Any,
    ) -> httpx.Request:
        query = {k: v for k, v in (params or {}).items() if v is not None}
        if self._settings.api_version is not None:
            query["api-version"] = self._settings.api_version
        url = self._settings.base_url + path
        if http.cookies or http.params or str(http.base_url):
            request = http.build_request(method, url, params=query or None, json=body, headers=self._settings.headers)
        else:
            # Nothing of the HTTP client's to merge but its headers: build the request directly, as
            # build_request would (which costs a third of the call: it re-parses and joins URLs, copies cookies).
            headers = http.headers.copy()
            headers.update(self._settings.headers)
            request = httpx.Request(
                method,
                url,
                params=query or None,
                json=body,
                headers=headers,
                extensions={"timeout": http.timeout.as_dict()},
            )
        return request

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

    def _items(self, response: httpx.Response, model: type[ModelT]) -> tuple[list[ModelT], bool]:
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
        return items, bool(has_more)

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

    def _found(
        self, listed: httpx.Response, body: dict[str, Any], since: float, request: httpx.Request
    ) -> FineTuningJob | None:
        jobs, has_more = self._items(listed, _job_model())
        job = created_job(jobs, has_more, body, since)
        if job is not None:
            logger.info("create: an earlier attempt made job %s; its answer was lost", job.id)
        return job

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self._settings.auth!r}, strict={self.strict})"


def _create_body(
    model: str,
    training_file: str,
    hyperparameters: Hyperparameters | Mapping[str, Any] | NotGiven,
    integrations: Iterable[FineTuningIntegration | Mapping[str, Any]] | NotGiven | None,
    metadata: Mapping[str, str] | NotGiven | None,
    method: FineTuneMethod | Mapping[str, Any] | NotGiven,
    seed: int | NotGiven | None,
    suffix: str | NotGiven | None,
    validation_file: str | NotGiven | None,
) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return value.to_dict() if hasattr(value, "to_dict") else value

    body: dict[str, Any] = {"model": model, "training_file": training_file}
    optional = {
        "hyperparameters": plain(hyperparameters),
        "integrations": integrations
        if integrations is None or isinstance(integrations, NotGiven)
        else [plain(item) for item in integrations],
        "metadata": metadata if metadata is None or isinstance(metadata, NotGiven) else dict(metadata),
        "method": plain(method),
        "seed": seed,
        "suffix": suffix,
        "validation_file": validation_file,
    }
    body.update({name: value for name, value in optional.items() if not isinstance(value, NotGiven)})
    return body


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


# The openai SDK's pool limits: enough connections for a fan-out of a thousand calls without churn.
DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)


MAX_REDIRECTS = 5


def _same_origin_redirect(request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
    """The redirect to follow, if the answer is one within the request's origin; credentials never leave it."""
    following = response.next_request
    if following is None:
        return None
    before, after = request.url, following.url
    return following if (before.scheme, before.host, before.port) == (after.scheme, after.host, after.port) else None


class _Waiter:
    """The decisions of `jobs.wait`, shared by the sync and async loops: done, wait this long, or give up."""

    def __init__(
        self,
        job_id: str,
        until: Iterable[str] | str,
        timeout: float,
        poll_interval: float,
        on_update: Callable[[FineTuningJob], object] | None,
        on_outage: Callable[[Exception | None], object] | None = None,
    ) -> None:
        self.wanted = frozenset([until] if isinstance(until, str) else until)
        if not self.wanted or not all(isinstance(status, str) and status for status in self.wanted):
            raise ValueError("until= needs at least one status")
        self.job_id, self.timeout, self.poll_interval, self.on_update = job_id, timeout, poll_interval, on_update
        self.deadline = time.monotonic() + timeout
        self.last: str | None = None
        self.on_outage = on_outage
        self.down: Exception | None = None  # the failure that started the current outage

    def unreachable(self, error: Exception) -> float:
        """The server failed to answer (after the call's retries): the seconds until the next poll, or raise."""
        if self.down is None:
            self.down = error
            logger.warning("wait for %s: the server does not answer (%s); still waiting", self.job_id, error)
            if self.on_outage is not None:
                self.on_outage(error)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise JobWaitTimeout(
                f"job {self.job_id}: the server did not answer for the rest of the {self.timeout:g} s wait", None
            ) from error
        return min(self.poll_interval or 1.0, remaining)

    def reachable(self) -> None:
        if self.down is not None:
            self.down = None
            logger.warning("wait for %s: the server answers again", self.job_id)
            if self.on_outage is not None:
                self.on_outage(None)

    def observe(self, job: FineTuningJob, response: httpx.Response) -> float | None:
        """`None` when the job is in a wanted status; else the seconds until the next poll. Raises when done waiting."""
        if self.on_update is not None and job.status != self.last:
            self.on_update(job)
        self.last = job.status
        if job.status in self.wanted:
            return None
        if job.status in TERMINAL_STATUSES:
            raise JobEndedError(f"job {self.job_id} ended {job.status!r}, not {sorted(self.wanted)}", job)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise JobWaitTimeout(f"job {self.job_id} still {job.status!r} after {self.timeout:g} s", job)
        return min(self._poll_after(response), remaining)

    def _poll_after(self, response: httpx.Response) -> float:
        raw = response.headers.get("openai-poll-after-ms")
        try:
            return max(0.0, float(raw) / 1000) if raw is not None else self.poll_interval
        except ValueError:
            return self.poll_interval


# -- sync -------------------------------------------------------------------------------------------


class Client(_Base):
    """A client for the fine-tuning jobs API (OpenAI or Azure OpenAI v1). Use it as a context manager.

    Credentials: `api_key`, else `OPENAI_API_KEY` (bearer). Azure: `azure_endpoint` (or `AZURE_OPENAI_ENDPOINT`
    when no OpenAI key is set) with `api_key` or `AZURE_OPENAI_API_KEY` (sent as `api-key`), or
    `azure_ad_token_provider` (a callable returning an Entra ID token, asked for every attempt).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        azure_endpoint: str | None = None,
        azure_ad_token_provider: TokenProvider | None = None,
        api_version: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        strict: bool = False,
    ) -> None:
        self._settings = _settings(
            api_key=api_key,
            base_url=base_url,
            azure_endpoint=azure_endpoint,
            azure_ad_token_provider=azure_ad_token_provider,
            api_version=api_version,
            max_retries=max_retries,
            strict=strict,
            default_headers=default_headers,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client(timeout=timeout, limits=DEFAULT_LIMITS)
        self.fine_tuning = FineTuning(self)

    def close(self) -> None:
        """Close the connections (only those of an HTTP client that ftjobs created)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

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
        before_retry: Callable[[], FineTuningJob | None] | None = None,
    ) -> httpx.Response | FineTuningJob:
        """Send `request` with retries: the last answer (any status), or what `before_retry` found instead.

        `before_retry` runs before a retry that follows an attempt which may have reached the server; a job
        it returns ends the call (see `Jobs.create`).
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
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> httpx.Response:
        """A checked answer (2xx, else its typed error raised), retried as configured."""
        request = self._build(self._http, method, path, params, body)
        answer = self._call(request, Attempts(self._settings.max_retries + 1))
        assert isinstance(answer, httpx.Response)  # noqa: S101 -- no before_retry, so an answer
        return self._check(answer)

    def _once(self, method: str, path: str, *, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """One checked request, never retried (a check inside another call's budget)."""
        request = self._build(self._http, method, path, params, None)
        try:
            response = self._exchange(request)
        except httpx.TimeoutException as error:
            raise APITimeoutError(request) from error
        except httpx.TransportError as error:
            raise _connection_error(request, error) from error
        if logger.isEnabledFor(logging.DEBUG):
            _log_exchange(request, response, None)
        return self._check(response)

    def _transition(self, job_id: str, action: str) -> FineTuningJob:
        request = self._build(self._http, "POST", job_path(job_id, action), None, None)
        attempts = Attempts(self._settings.max_retries + 1)
        answer = self._call(request, attempts, transition=True)
        assert isinstance(answer, httpx.Response)  # noqa: S101 -- no before_retry, so an answer
        if not refused_after_lost_answer(attempts, answer):
            return self._model(self._check(answer), _job_model())
        refusal = self._refusal(answer, action, job_id, attempts)
        try:
            job = self._model(self._once("GET", job_path(job_id)), _job_model())
        except FtjobsError as failure:
            refusal.add_note(f"Reading job {job_id} to check failed too: {failure}")
            raise refusal from failure
        return self._confirmed(refusal, action, job)

    def _create(self, body: dict[str, Any]) -> FineTuningJob:
        request = self._build(self._http, "POST", "/fine_tuning/jobs", None, body)
        attempts = Attempts(self._settings.max_retries + 1)
        since = now()
        try:
            answer = self._call(request, attempts, before_retry=lambda: self._created(request, body, since))
        except APIConnectionError:
            found = self._created(request, body, since) if attempts.last_ambiguous else None
            if found is None:
                raise
            return found
        if not isinstance(answer, httpx.Response):
            return answer
        if not answer.is_success and attempts.last_ambiguous:
            found = self._created(request, body, since)
            if found is not None:
                return found
        return self._model(self._check(answer), _job_model())

    def _created(self, request: httpx.Request, body: dict[str, Any], since: float) -> FineTuningJob | None:
        """The job an earlier create attempt made, `None` if it made none; raises when that cannot be told."""
        try:
            listed = self._once("GET", "/fine_tuning/jobs", params={"limit": CREATED_LOOKUP})
            return self._found(listed, body, since, request)
        except (FtjobsError, LookupError) as failure:  # the list failed, or cannot tell
            raise CreateOutcomeUnknownError(unknown_create_message(body, since, str(failure)), request) from failure


class FineTuning:
    """`client.fine_tuning`."""

    def __init__(self, client: Client) -> None:
        self.jobs = Jobs(client)


class Jobs:
    """`client.fine_tuning.jobs`: create, list, retrieve, pause, resume, cancel, list_events, wait."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self.checkpoints = Checkpoints(client)

    def create(
        self,
        *,
        model: str,
        training_file: str,
        hyperparameters: Hyperparameters | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        integrations: Iterable[FineTuningIntegration | Mapping[str, Any]] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        method: FineTuneMethod | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        seed: int | NotGiven | None = NOT_GIVEN,
        suffix: str | NotGiven | None = NOT_GIVEN,
        validation_file: str | NotGiven | None = NOT_GIVEN,
    ) -> FineTuningJob:
        """Create a job (`POST /fine_tuning/jobs`)."""
        body = _create_body(
            model, training_file, hyperparameters, integrations, metadata, method, seed, suffix, validation_file
        )
        return self._client._create(body)

    def retrieve(self, job_id: str) -> FineTuningJob:
        """The job (`GET /fine_tuning/jobs/{id}`)."""
        return self._client._model(self._client._request("GET", job_path(job_id)), _job_model())

    def pause(self, job_id: str) -> FineTuningJob:
        """Pause a running job; answers it `paused` (`POST …/pause`, no body)."""
        return self._transition(job_id, "pause")

    def resume(self, job_id: str) -> FineTuningJob:
        """Resume a paused job; answers it `queued` or `running` (`POST …/resume`, no body)."""
        return self._transition(job_id, "resume")

    def cancel(self, job_id: str) -> FineTuningJob:
        """Cancel a job that has not ended, paused ones included (`POST …/cancel`, no body)."""
        return self._transition(job_id, "cancel")

    def _transition(self, job_id: str, action: str) -> FineTuningJob:
        return self._client._transition(job_id, action)

    def list(self, *, after: str | None = None, limit: int | None = None) -> SyncPage[FineTuningJob]:
        """A page of jobs, newest first; iterating it walks every page."""

        def fetch(cursor: str | None) -> SyncPage[FineTuningJob]:
            response = self._client._request("GET", "/fine_tuning/jobs", params={"after": cursor, "limit": limit})
            items, has_more = self._client._items(response, _job_model())
            return SyncPage(items, has_more, fetch)

        return fetch(after)

    def list_events(
        self, job_id: str, *, after: str | None = None, limit: int | None = None
    ) -> SyncPage[FineTuningJobEvent]:
        """A page of the job's events, newest first; iterating it walks every page."""
        path = job_path(job_id, "events")

        def fetch(cursor: str | None) -> SyncPage[FineTuningJobEvent]:
            response = self._client._request("GET", path, params={"after": cursor, "limit": limit})
            items, has_more = self._client._items(response, _event_model())
            return SyncPage(items, has_more, fetch)

        return fetch(after)

    def wait(
        self,
        job_id: str,
        *,
        until: Iterable[str] | str = ("succeeded",),
        timeout: float = 3600.0,
        poll_interval: float = 5.0,
        on_update: Callable[[FineTuningJob], object] | None = None,
        on_outage: Callable[[Exception | None], object] | None = None,
    ) -> FineTuningJob:
        """Poll the job until its status is one of `until`; returns that job.

        Waits `poll_interval` seconds between polls, or what the server's `openai-poll-after-ms` says.
        `on_update(job)` is called whenever the status changes (and for the first poll). An outage —
        connection errors, timeouts, 429 and 5xx that outlast the call's retries — is waited out until
        `timeout`; `on_outage(error)` is called when one starts, `on_outage(None)` when it ends. Raises
        `JobEndedError` as soon as the job ends in a status not wanted, `JobWaitTimeout` after `timeout`.
        """
        waiter = _Waiter(job_id, until, timeout, poll_interval, on_update, on_outage)
        while True:
            try:
                response = self._client._request("GET", job_path(job_id))
            except (APIConnectionError, InternalServerError, RateLimitError) as error:
                time.sleep(waiter.unreachable(error))
                continue
            waiter.reachable()
            job = self._client._model(response, _job_model())
            delay = waiter.observe(job, response)
            if delay is None:
                return job
            time.sleep(delay)


class Checkpoints:
    """`client.fine_tuning.jobs.checkpoints`."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(
        self, job_id: str, *, after: str | None = None, limit: int | None = None
    ) -> SyncPage[FineTuningJobCheckpoint]:
        """A page of the job's checkpoints, newest first; iterating it walks every page."""
        path = job_path(job_id, "checkpoints")

        def fetch(cursor: str | None) -> SyncPage[FineTuningJobCheckpoint]:
            response = self._client._request("GET", path, params={"after": cursor, "limit": limit})
            items, has_more = self._client._items(response, _checkpoint_model())
            return SyncPage(items, has_more, fetch)

        return fetch(after)


# -- async ------------------------------------------------------------------------------------------


class AsyncClient(_Base):
    """The asynchronous client: the same configuration as `Client`; `azure_ad_token_provider` may be async."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        azure_endpoint: str | None = None,
        azure_ad_token_provider: TokenProvider | None = None,
        api_version: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        strict: bool = False,
    ) -> None:
        self._settings = _settings(
            api_key=api_key,
            base_url=base_url,
            azure_endpoint=azure_endpoint,
            azure_ad_token_provider=azure_ad_token_provider,
            api_version=api_version,
            max_retries=max_retries,
            strict=strict,
            default_headers=default_headers,
        )
        self._owns_http = http_client is None
        self._http = (
            http_client if http_client is not None else httpx.AsyncClient(timeout=timeout, limits=DEFAULT_LIMITS)
        )
        self.fine_tuning = AsyncFineTuning(self)

    async def close(self) -> None:
        """Close the connections (only those of an HTTP client that ftjobs created)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        """One request: same-origin redirects followed, the body read (see `Client._exchange`)."""
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
        before_retry: Callable[[], Awaitable[FineTuningJob | None]] | None = None,
    ) -> httpx.Response | FineTuningJob:
        """See `Client._call`."""
        try:
            try:
                return await self._send(request, transition, attempts)
            except (RetryableStatus, httpx.TransportError) as failure:
                if attempts.budget == 1 or backoff(failure) is False:
                    raise
                replay: list[Exception] = [failure]  # see Client._call
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
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> httpx.Response:
        request = self._build(self._http, method, path, params, body)
        answer = await self._call(request, Attempts(self._settings.max_retries + 1))
        assert isinstance(answer, httpx.Response)  # noqa: S101 -- no before_retry, so an answer
        return self._check(answer)

    async def _once(self, method: str, path: str, *, params: Mapping[str, Any] | None = None) -> httpx.Response:
        request = self._build(self._http, method, path, params, None)
        try:
            response = await self._exchange(request)
        except httpx.TimeoutException as error:
            raise APITimeoutError(request) from error
        except httpx.TransportError as error:
            raise _connection_error(request, error) from error
        if logger.isEnabledFor(logging.DEBUG):
            _log_exchange(request, response, None)
        return self._check(response)

    async def _transition(self, job_id: str, action: str) -> FineTuningJob:
        request = self._build(self._http, "POST", job_path(job_id, action), None, None)
        attempts = Attempts(self._settings.max_retries + 1)
        answer = await self._call(request, attempts, transition=True)
        assert isinstance(answer, httpx.Response)  # noqa: S101 -- no before_retry, so an answer
        if not refused_after_lost_answer(attempts, answer):
            return self._model(self._check(answer), _job_model())
        refusal = self._refusal(answer, action, job_id, attempts)
        try:
            job = self._model(await self._once("GET", job_path(job_id)), _job_model())
        except FtjobsError as failure:
            refusal.add_note(f"Reading job {job_id} to check failed too: {failure}")
            raise refusal from failure
        return self._confirmed(refusal, action, job)

    async def _create(self, body: dict[str, Any]) -> FineTuningJob:
        request = self._build(self._http, "POST", "/fine_tuning/jobs", None, body)
        attempts = Attempts(self._settings.max_retries + 1)
        since = now()

        async def created() -> FineTuningJob | None:
            return await self._created(request, body, since)

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
        return self._model(self._check(answer), _job_model())

    async def _created(self, request: httpx.Request, body: dict[str, Any], since: float) -> FineTuningJob | None:
        try:
            listed = await self._once("GET", "/fine_tuning/jobs", params={"limit": CREATED_LOOKUP})
            return self._found(listed, body, since, request)
        except (FtjobsError, LookupError) as failure:  # the list failed, or cannot tell
            raise CreateOutcomeUnknownError(unknown_create_message(body, since, str(failure)), request) from failure


class AsyncFineTuning:
    """`client.fine_tuning` (async)."""

    def __init__(self, client: AsyncClient) -> None:
        self.jobs = AsyncJobs(client)


class AsyncJobs:
    """`client.fine_tuning.jobs` (async): the same operations as `Jobs`, awaited."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self.checkpoints = AsyncCheckpoints(client)

    async def create(
        self,
        *,
        model: str,
        training_file: str,
        hyperparameters: Hyperparameters | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        integrations: Iterable[FineTuningIntegration | Mapping[str, Any]] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        method: FineTuneMethod | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        seed: int | NotGiven | None = NOT_GIVEN,
        suffix: str | NotGiven | None = NOT_GIVEN,
        validation_file: str | NotGiven | None = NOT_GIVEN,
    ) -> FineTuningJob:
        """Create a job (`POST /fine_tuning/jobs`)."""
        body = _create_body(
            model, training_file, hyperparameters, integrations, metadata, method, seed, suffix, validation_file
        )
        return await self._client._create(body)

    async def retrieve(self, job_id: str) -> FineTuningJob:
        """The job (`GET /fine_tuning/jobs/{id}`)."""
        return self._client._model(await self._client._request("GET", job_path(job_id)), _job_model())

    async def pause(self, job_id: str) -> FineTuningJob:
        """Pause a running job; answers it `paused`."""
        return await self._transition(job_id, "pause")

    async def resume(self, job_id: str) -> FineTuningJob:
        """Resume a paused job; answers it `queued` or `running`."""
        return await self._transition(job_id, "resume")

    async def cancel(self, job_id: str) -> FineTuningJob:
        """Cancel a job that has not ended, paused ones included."""
        return await self._transition(job_id, "cancel")

    async def _transition(self, job_id: str, action: str) -> FineTuningJob:
        return await self._client._transition(job_id, action)

    def list(self, *, after: str | None = None, limit: int | None = None) -> AsyncPaginator[FineTuningJob]:
        """`await` it for the first page of jobs, or `async for` over every job."""
        return AsyncPaginator(self._pager("/fine_tuning/jobs", _job_model(), after, limit))

    def list_events(
        self, job_id: str, *, after: str | None = None, limit: int | None = None
    ) -> AsyncPaginator[FineTuningJobEvent]:
        """`await` it for the first page of the job's events, or `async for` over every event."""
        return AsyncPaginator(self._pager(job_path(job_id, "events"), _event_model(), after, limit))

    def _pager(
        self, path: str, model: type[ModelT], after: str | None, limit: int | None
    ) -> Callable[[], Awaitable[AsyncPage[ModelT]]]:
        return _async_pager(self._client, path, model, after, limit)

    async def wait(
        self,
        job_id: str,
        *,
        until: Iterable[str] | str = ("succeeded",),
        timeout: float = 3600.0,
        poll_interval: float = 5.0,
        on_update: Callable[[FineTuningJob], object] | None = None,
        on_outage: Callable[[Exception | None], object] | None = None,
    ) -> FineTuningJob:
        """Poll the job until its status is one of `until` (see `Jobs.wait`)."""
        import asyncio

        waiter = _Waiter(job_id, until, timeout, poll_interval, on_update, on_outage)
        while True:
            try:
                response = await self._client._request("GET", job_path(job_id))
            except (APIConnectionError, InternalServerError, RateLimitError) as error:
                await asyncio.sleep(waiter.unreachable(error))
                continue
            waiter.reachable()
            job = self._client._model(response, _job_model())
            delay = waiter.observe(job, response)
            if delay is None:
                return job
            await asyncio.sleep(delay)


class AsyncCheckpoints:
    """`client.fine_tuning.jobs.checkpoints` (async)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    def list(
        self, job_id: str, *, after: str | None = None, limit: int | None = None
    ) -> AsyncPaginator[FineTuningJobCheckpoint]:
        """`await` it for the first page of the job's checkpoints, or `async for` over every one."""
        path = job_path(job_id, "checkpoints")
        return AsyncPaginator(_async_pager(self._client, path, _checkpoint_model(), after, limit))


def _async_pager(
    client: AsyncClient, path: str, model: type[ModelT], after: str | None, limit: int | None
) -> Callable[[], Awaitable[AsyncPage[ModelT]]]:
    async def fetch(cursor: str | None) -> AsyncPage[ModelT]:
        response = await client._request("GET", path, params={"after": cursor, "limit": limit})
        items, has_more = client._items(response, model)
        return AsyncPage(items, has_more, fetch)

    return lambda: fetch(after)
