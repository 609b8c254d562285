"""`…with_streaming_response.<method>(...)`: the SDK's streamed raw answers, as context managers.

The request is made when the block is entered; inside it, the answer's headers, status and `parse()`, and its
body through `read()`, `text()`, `json()`, `iter_bytes()`, `iter_text()`, `iter_lines()` (awaited, and
`async for`, on the async client). ftjobs reads every body whole (a job is a few kilobytes), so the iterators
walk a body already read; leaving the block releases it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx

from ftjobs._response import APIResponse, mark_raw

R = TypeVar("R")
P = ParamSpec("P")


class _Streamed(Generic[R]):
    """What both streamed responses share: the answer's status and headers, its request, `retries_taken`."""

    def __init__(self, raw: APIResponse[R]) -> None:
        self._raw = raw

    @property
    def http_response(self) -> httpx.Response:
        return self._raw.http_response

    @property
    def headers(self) -> httpx.Headers:
        return self._raw.headers

    @property
    def status_code(self) -> int:
        return self._raw.status_code

    @property
    def request_id(self) -> str | None:
        return self._raw.request_id

    @property
    def url(self) -> httpx.URL:
        return self._raw.url

    @property
    def method(self) -> str:
        return self._raw.method

    @property
    def retries_taken(self) -> int:
        return self._raw.retries_taken

    @property
    def is_closed(self) -> bool:
        return self._raw.is_closed

    def _chunks(self, chunk_size: int | None) -> Iterator[bytes]:
        content = self._raw.content
        size = chunk_size or len(content) or 1
        return (content[start : start + size] for start in range(0, len(content), size))

    def _text_chunks(self, chunk_size: int | None) -> Iterator[str]:
        text = self._raw.text
        size = chunk_size or len(text) or 1
        return (text[start : start + size] for start in range(0, len(text), size))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.method} {self.url.path}>"


class StreamedAPIResponse(_Streamed[R]):
    """The SDK's `APIResponse` of `with_streaming_response`: `parse()`, `read()`, `text()`, `json()`, iterators."""

    def parse(self) -> R:
        return self._raw.parse()

    def read(self) -> bytes:
        return self._raw.content

    def text(self) -> str:
        return self._raw.text

    def json(self) -> Any:
        return json.loads(self._raw.content)

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield from self._chunks(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        yield from self._text_chunks(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        yield from self._raw.text.splitlines()

    def close(self) -> None:
        self._raw.http_response.close()


class AsyncStreamedAPIResponse(_Streamed[R]):
    """The async one (the SDK's `AsyncAPIResponse`): the same, awaited."""

    async def parse(self) -> R:
        return self._raw.parse()

    async def read(self) -> bytes:
        return self._raw.content

    async def text(self) -> str:
        return self._raw.text

    async def json(self) -> Any:
        return json.loads(self._raw.content)

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        for chunk in self._chunks(chunk_size):
            yield chunk

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        for chunk in self._text_chunks(chunk_size):
            yield chunk

    async def iter_lines(self) -> AsyncIterator[str]:
        for line in self._raw.text.splitlines():
            yield line

    async def close(self) -> None:
        await self._raw.http_response.aclose()


class ResponseContextManager(Generic[R]):
    """`with …with_streaming_response.<method>(...) as response:` — the request is made on entering."""

    def __init__(self, call: Callable[[], APIResponse[R]]) -> None:
        self._call = call
        self._response: StreamedAPIResponse[R] | None = None

    def __enter__(self) -> StreamedAPIResponse[R]:
        self._response = StreamedAPIResponse(self._call())
        return self._response

    def __exit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[R]):
    """`async with …with_streaming_response.<method>(...) as response:` — the request is made on entering."""

    def __init__(self, call: Callable[[], Awaitable[APIResponse[R]]]) -> None:
        self._call = call
        self._response: AsyncStreamedAPIResponse[R] | None = None

    async def __aenter__(self) -> AsyncStreamedAPIResponse[R]:
        self._response = AsyncStreamedAPIResponse(await self._call())
        return self._response

    async def __aexit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._response is not None:
            await self._response.close()


def to_streamed_response_wrapper(method: Callable[P, R]) -> Callable[P, ResponseContextManager[R]]:
    """`method`, answering a context manager around its streamed answer instead of its result."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[R]:
        mark_raw(kwargs)
        return ResponseContextManager(lambda: cast(APIResponse[R], method(*args, **kwargs)))

    return wrapped


def async_to_streamed_response_wrapper(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContextManager[R]]:
    """`method` (awaited on entering), answering an async context manager around its streamed answer."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncResponseContextManager[R]:
        mark_raw(kwargs)

        async def call() -> APIResponse[R]:
            return cast(APIResponse[R], await method(*args, **kwargs))

        return AsyncResponseContextManager(call)

    return wrapped
