"""The base client: building requests (configuration and request options, once) and reading answers.

Requests are built here rather than through the generated `api/` modules, which parse every 2xx answer with
`from_dict` (raising `KeyError`/`TypeError` from generated code on the deviations real servers send) and leave
`.`/`..` ids unencoded (httpx then normalises them out of the path). The generated models and the fragment's
schemas do the reading, through `ftjobs._parse`. Sending and retrying live in `ftjobs._async._sending`
(and its generated twin, `ftjobs._sync._sending`).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast
from urllib.parse import quote

import httpx

from ftjobs._auth import KeyAuth, TokenProvider
from ftjobs._azure import dialect_of
from ftjobs._config import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    NOT_GIVEN,
    ApiKey,
    NotGiven,
    Settings,
    Timeout,
    azure_url,
    check_max_retries,
    copied_auth,
    routes_for,
    settings,
    timeout_of,
)
from ftjobs._exceptions import (
    APIResponseValidationError,
    APIStatusError,
    decode_body,
    status_error,
)
from ftjobs._exchange import NO_REDIRECTS
from ftjobs._parse import DeviationError, deviations, parse
from ftjobs._recovery import UNDECODABLE, Answer
from ftjobs._response import NO_OPTIONS, Options, respond
from ftjobs._spec import Dialect

if TYPE_CHECKING:
    # The models load on the first answer, not on import: `import ftjobs` + a client stays light.
    from ftjobs._models import FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent

logger = logging.getLogger("ftjobs")

ModelT = TypeVar("ModelT", "FineTuningJob", "FineTuningJobEvent", "FineTuningJobCheckpoint")
_CREATING = threading.Lock()  # held while a client creates its connection pool


# The models load on the first answer read, not on `import ftjobs`: importing them costs about 110 ms of a
# 300 ms cold start (measured 2026-12-01; make bench's cold-start row), so the classes are reached through these.
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
        raise ValueError(f"Expected a non-empty value for `fine_tuning_job_id` but received {job_id!r}")
    segment = quote(job_id, safe="")
    if segment in (".", ".."):
        segment = segment.replace(".", "%2E")  # otherwise removed as a dot segment
    return f"/fine_tuning/jobs/{segment}" + (f"/{action}" if action else "")


NO_TIMEOUT = httpx.Timeout(None)
NO_CREDENTIALS = "ftjobs.no_credentials"  # a request's extension: send it without the client's credentials
CREDENTIAL_HEADERS = frozenset({"authorization", "api-key"})


def _copied_base_url(
    old: Settings, base_url: str | httpx.URL | None, azure_endpoint: str | None, api_version: str | None
) -> str:
    """A copy's base URL: the one given, another Azure resource's (on the routes of the copy's `api-version`), or
    the client's own; moved to the routes a new `api_version` uses."""
    if base_url is not None and azure_endpoint is not None:
        raise ValueError("base_url and azure_endpoint are mutually exclusive")
    resolved = str(base_url).rstrip("/") if base_url is not None else old.base_url
    if azure_endpoint is not None:
        version = api_version or old.query.get("api-version")
        resolved = azure_url(None, azure_endpoint, version if isinstance(version, str) else None, {})[0]
    return routes_for(resolved, api_version) if api_version is not None else resolved


HttpT = TypeVar("HttpT", bound=httpx.Client | httpx.AsyncClient)


class BaseClient(Generic[HttpT]):
    """What the sync and async clients share: configuration, copies, building requests, reading answers."""

    _settings: Settings
    _owns_http: bool
    _closed: bool  # close() ran
    _azure: ClassVar[bool] = False  # always the Azure rows of the decision table (`AzureOpenAI`)
    # The connection pool, created on the first request (an SSL context costs ~15 ms that `import ftjobs` +
    # a client need not pay) or given by the caller; `_pool_class` is httpx's sync or async client.
    _http_client: HttpT | None
    _pool_class: Callable[..., HttpT]

    def __init__(
        self,
        *,
        api_key: ApiKey | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        azure_endpoint: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: TokenProvider | None = None,
        api_version: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: HttpT | None = None,
        strict: bool = False,
        admin_api_key: str | None = None,
        _strict_response_validation: bool | None = None,
    ) -> None:
        pool_class = cast(type, self._pool_class)  # httpx.Client or httpx.AsyncClient
        if http_client is not None and not isinstance(http_client, pool_class):
            raise TypeError(
                f"Invalid `http_client` argument; expected an instance of `httpx.{pool_class.__name__}`, "
                f"not {type(http_client).__name__}"
            )
        resolved = settings(
            api_key=api_key,
            organization=organization,
            project=project,
            base_url=base_url,
            azure_endpoint=azure_endpoint,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=azure_ad_token_provider,
            api_version=api_version,
            timeout=timeout,
            http_timeout=http_client.timeout if http_client is not None else None,
            max_retries=max_retries,
            strict=strict if _strict_response_validation is None else _strict_response_validation,
            default_headers=default_headers,
            default_query=default_query,
            force_azure=self._azure,
            admin_api_key=admin_api_key,
        )
        handed_over = getattr(type(http_client), "closes_with_client", False) is True  # a Default…Client
        self._start(resolved, http_client, owns_http=http_client is None or handed_over)

    def _start(self, resolved: Settings, http_client: HttpT | None, *, owns_http: bool) -> None:
        self._closed = False
        self._settings = resolved
        self._owns_http = owns_http
        self._http_client = http_client  # else created on the first request

    @property
    def _http(self) -> HttpT:
        """The connection pool, made on first use (or the one given)."""
        http = self._http_client
        if http is None:
            with _CREATING:
                http = self._http_client
                if http is None:
                    http = self._http_client = self._pool_class(timeout=self._settings.timeout, limits=DEFAULT_LIMITS)
        return http

    @property
    def base_url(self) -> httpx.URL:
        """The base URL, as the SDK gives it: an `httpx.URL` ending in `/` (`https://api.openai.com/v1/`)."""
        return httpx.URL(self._settings.base_url + "/")

    @base_url.setter
    def base_url(self, url: str | httpx.URL) -> None:
        """Point this client at another base URL (as the SDK allows); its copies keep theirs."""
        self._settings = dataclasses.replace(self._settings, base_url=str(url).rstrip("/"))

    @property
    def strict(self) -> bool:
        return self._settings.strict

    @property
    def _dialect(self) -> Dialect:
        """Which fragment judges the answers: Azure's dated one on the dated routes, else v1's."""
        return dialect_of(self._settings)

    @property
    def max_retries(self) -> int:
        return self._settings.max_retries

    @property
    def api_key(self) -> str | None:
        """The key sent (`api_key=` or the environment's), `None` for a token provider. Never in a repr."""
        auth = self._settings.auth
        return auth.key if isinstance(auth, KeyAuth) else None

    @property
    def admin_api_key(self) -> str | None:
        """The SDK's admin key, if one was given (`admin_api_key=`, `OPENAI_ADMIN_KEY`): kept, never sent."""
        return self._settings.admin_api_key

    @property
    def default_headers(self) -> dict[str, str]:
        """The headers every request carries (organization, project, `default_headers`), credentials aside."""
        return dict(self._settings.headers)

    def is_closed(self) -> bool:
        """Whether `close()` ran (or the `with` block ended), or the connection pool was closed."""
        return self._closed or (self._http_client is not None and self._http_client.is_closed)

    @property
    def timeout(self) -> httpx.Timeout | None:
        """The timeout of every request; `None` when there is none at all (`timeout=None`), as in the SDK."""
        timeout = self._settings.timeout
        return None if timeout == NO_TIMEOUT else timeout

    @property
    def organization(self) -> str | None:
        """The `OpenAI-Organization` header sent (`organization=` or `OPENAI_ORG_ID`), if any."""
        return self._settings.headers.get("OpenAI-Organization")

    @property
    def project(self) -> str | None:
        """The `OpenAI-Project` header sent (`project=` or `OPENAI_PROJECT_ID`), if any."""
        return self._settings.headers.get("OpenAI-Project")

    def with_options(
        self,
        *,
        api_key: str | None = None,
        admin_api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        azure_endpoint: str | None = None,
        strict: bool | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        http_client: HttpT | None = None,
        api_version: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: TokenProvider | None = None,
    ) -> Self:
        """A copy with these settings changed, sharing this client's connection pool (closing it closes nothing).

        `default_headers`/`default_query` are merged into this client's; `set_default_headers`/`set_default_query`
        replace them. Azure's `api_version` (a dated one moves the copy to the dated routes, `v1`/`preview` to
        `/openai/v1`), `azure_ad_token` and `azure_ad_token_provider` as in the SDK's `AzureOpenAI.copy`.
        """
        if default_headers is not None and set_default_headers is not None:
            raise ValueError("The `default_headers` and `set_default_headers` arguments are mutually exclusive")
        if default_query is not None and set_default_query is not None:
            raise ValueError("The `default_query` and `set_default_query` arguments are mutually exclusive")
        if not isinstance(max_retries, NotGiven):
            check_max_retries(max_retries)
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
        resolved = _copied_base_url(old, base_url, azure_endpoint, api_version)
        if api_version is not None:
            query["api-version"] = api_version
        changed = Settings(
            base_url=resolved,
            auth=copied_auth(old.auth, api_key, azure_ad_token, azure_ad_token_provider),
            max_retries=old.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            strict=old.strict if strict is None else strict,
            headers=headers,
            query=query,
            timeout=old.timeout if isinstance(timeout, NotGiven) else timeout_of(timeout),
            admin_api_key=admin_api_key if admin_api_key is not None else old.admin_api_key,
        )
        clone = object.__new__(type(self))  # its resources are made on first use, bound to the clone
        # The same pool: it belongs to the client it was copied from (or to the caller), never to the copy.
        clone._start(changed, http_client if http_client is not None else self._http, owns_http=False)
        return clone

    copy = with_options

    def _build(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, options: Options = NO_OPTIONS
    ) -> httpx.Request:
        config, http = self._settings, self._http
        query: dict[str, Any] = {**config.query} if config.query else {}
        if params:
            query.update((key, value) for key, value in params.items() if value is not None)
        headers = config.headers
        timeout = config.timeout
        no_credentials = False
        if options is not NO_OPTIONS:
            query.update(options.query or {})
            if options.body:
                body = {**(body or {}), **options.body}
            if options.headers:  # by name, whatever its case (`AUTHORIZATION` replaces `authorization`)
                merged = httpx.Headers(headers)
                for name, value in options.headers.items():
                    if isinstance(value, str):
                        merged[name] = value
                    else:  # Omit() drops it; a credential header dropped sends no credentials at all
                        merged.pop(name, None)
                        no_credentials = no_credentials or name.lower() in CREDENTIAL_HEADERS
                headers = merged
            if not isinstance(options.timeout, NotGiven):
                timeout = timeout_of(options.timeout)
        url = config.base_url + path
        request = http.build_request(method, url, params=query or None, json=body, headers=headers, timeout=timeout)
        if not options.follow_redirects:
            request.extensions[NO_REDIRECTS] = True
        if no_credentials:
            request.extensions[NO_CREDENTIALS] = True
        return request

    def _auth(self, request: httpx.Request) -> httpx.Auth | None:
        """The credentials for `request`: none when its `extra_headers` gave `Authorization` (or `api-key`) as
        `Omit()`, as the SDK leaves the header out then."""
        return None if request.extensions.get(NO_CREDENTIALS) else self._settings.auth

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
        """The answer's JSON. JSON sent under another content type is read, as the SDK reads it, with a warning
        (a deviation from the contract); strict mode refuses it."""
        body = decode_body(response)
        media = response.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        json_media = media == "application/json" or media.endswith("+json")
        if body is None or isinstance(body, str) or (not json_media and self._settings.strict):
            why = response.extensions.get(UNDECODABLE)
            raise APIResponseValidationError(
                f"the body could not be decoded ({why})"
                if why
                else f"expected a JSON body, got {media or 'no content type'} ({len(response.content)} bytes)",
                response=response,
                body=body,
            )
        if not json_media:
            logger.warning(
                "%s %s: the answer deviates from the contract: JSON sent as %s",
                response.request.method,
                response.request.url.path,
                media or "no content type",
            )
        return body

    def _model(self, response: httpx.Response, model: type[ModelT]) -> ModelT:
        return self._read(response, model, self._json(response), "")

    def _job(self, response: httpx.Response) -> FineTuningJob:
        return self._model(response, job_model())

    def _job_result(self, answer: Answer, options: Options) -> FineTuningJob:
        """The job of a call (or its raw answer): the one a lost-answer rule found, else the one answered."""
        response, found = answer
        if found is not None:
            return respond(response, lambda _: found, options)
        return respond(response, self._job, options)

    def _read(self, response: httpx.Response, model: type[ModelT], body: Any, where: str) -> ModelT:
        try:
            result = parse(
                model, model.__name__, body, strict=self._settings.strict, where=where, dialect=self._dialect
            )
            from ftjobs._models import dress  # loaded with the models, on the first answer

            dress(result)  # the objects it holds read, dump and print as the SDK's too
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

    def __repr__(self) -> str:
        config = self._settings
        return f"{type(self).__name__}(base_url={config.base_url!r}, auth={config.auth!r}, strict={self.strict})"
