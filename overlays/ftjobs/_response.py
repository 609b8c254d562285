"""Per-call request options and raw answers, as the openai SDK spells them.

Every API method takes `extra_headers`, `extra_query`, `extra_body` and `timeout`; `…with_raw_response.<method>`
returns an `APIResponse` (the SDK's `LegacyAPIResponse`): the HTTP answer, and `.parse()` for the result. The
wrapper asks for the raw answer the way the SDK does, with a marker header that never leaves the process.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, ParamSpec, TypeVar, cast

import httpx

from ftjobs._config import NOT_GIVEN, NotGiven, Omit, Timeout

R = TypeVar("R")
P = ParamSpec("P")
RAW_RESPONSE_HEADER = "X-Ftjobs-Raw-Response"
RETRIES_TAKEN = "ftjobs.retries_taken"  # set on an answer's extensions by the sending loop


@dataclass(slots=True)
class Options:
    """The request options of one call (what the SDK calls `extra_headers`, `extra_query`, …)."""

    headers: Mapping[str, str | Omit] | None = None
    query: Mapping[str, object] | None = None
    body: Mapping[str, object] | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN
    raw: bool = False
    follow_redirects: bool = True  # same-origin redirects (a custom request's `options={"follow_redirects": …}`)

    def unraw(self) -> Options:
        """These options for the calls that follow a raw one (the next pages)."""
        return Options(self.headers, self.query, self.body, self.timeout) if self.raw else self

    def for_check(self) -> Options:
        """These options for a check read inside the call: its headers, query and timeout; no body, never raw."""
        if self.body is None and not self.raw:
            return self
        return Options(self.headers, self.query, None, self.timeout)


NO_OPTIONS: Final = Options()


def options(
    extra_headers: Mapping[str, str | Omit] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: Mapping[str, object] | None,
    timeout: Timeout | NotGiven,
) -> Options:
    """The options of a call; `NO_OPTIONS` (nothing to merge) in the common case."""
    if extra_headers is None and extra_query is None and extra_body is None and isinstance(timeout, NotGiven):
        return NO_OPTIONS
    raw = False
    if extra_headers is not None and RAW_RESPONSE_HEADER in extra_headers:
        raw = True
        extra_headers = {name: value for name, value in extra_headers.items() if name != RAW_RESPONSE_HEADER}
    return Options(extra_headers or None, extra_query, extra_body, timeout, raw)


class APIResponse(Generic[R]):
    """The raw answer to one call: status, headers and body as they came, and `parse()` for the result."""

    def __init__(self, http_response: httpx.Response, parse: Callable[[], R]) -> None:
        self.http_response = http_response
        self._parse = parse
        self._parsed: list[R] = []

    def parse(self) -> R:
        """The call's result (a job, a page, …), read once."""
        if not self._parsed:
            self._parsed.append(self._parse())
        return self._parsed[0]

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def request_id(self) -> str | None:
        from ftjobs._exceptions import request_id_of

        return request_id_of(self.http_response)

    @property
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    @property
    def elapsed(self) -> Any:
        return self.http_response.elapsed

    @property
    def is_closed(self) -> bool:
        """Whether the answer's connection was released (always, once ftjobs has read the body)."""
        return self.http_response.is_closed

    @property
    def retries_taken(self) -> int:
        """How many retries the call took before this answer (0: the first attempt answered)."""
        taken = self.http_response.extensions.get(RETRIES_TAKEN, 0)
        return taken if isinstance(taken, int) else 0

    def json(self) -> Any:
        return json.loads(self.http_response.content)

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code} {self.http_response.reason_phrase}] {self.method} {self.url.path}>"


def respond(response: httpx.Response, parse: Callable[[httpx.Response], R], options: Options) -> R:
    """The call's result, or its raw answer when the call was made through `with_raw_response`.

    Typed as the result: only the raw wrappers below ask for the raw answer, and they retype the method.
    """
    if options.raw:
        return cast(R, APIResponse(response, lambda: parse(response)))
    return parse(response)


def mark_raw(kwargs: dict[str, Any]) -> None:
    """Ask a method for its raw answer (the marker header never leaves the process)."""
    kwargs["extra_headers"] = {**(kwargs.get("extra_headers") or {}), RAW_RESPONSE_HEADER: "true"}


def to_raw_response_wrapper(method: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """`method`, answering its raw `APIResponse` instead of its result."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        mark_raw(kwargs)
        return cast(APIResponse[R], method(*args, **kwargs))

    return wrapped


def async_to_raw_response_wrapper(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[APIResponse[R]]]:
    """`method` (awaited), answering its raw `APIResponse` instead of its result."""

    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        mark_raw(kwargs)
        return cast(APIResponse[R], await method(*args, **kwargs))

    return wrapped
