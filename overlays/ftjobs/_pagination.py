"""Cursor pages (`after` = the last item's id, `has_more`), iterated across pages on demand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, Protocol, TypeVar


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


class SyncPage(Generic[T]):
    """One page of items; iterating it walks every following page too (one request a page)."""

    def __init__(self, data: list[T], has_more: bool, fetch: Callable[[str], SyncPage[T]]) -> None:
        self.data = data
        self.has_more = has_more
        self._fetch = fetch

    def has_next_page(self) -> bool:
        return self.has_more and bool(self.data)

    def get_next_page(self) -> SyncPage[T]:
        if not self.has_next_page():
            raise StopIteration("no next page")
        return self._fetch(self.data[-1].id)

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data

    def __repr__(self) -> str:
        return f"SyncPage(items={len(self.data)}, has_more={self.has_more})"


class AsyncPage(Generic[T]):
    """One page of items, fetched asynchronously; `async for` walks every following page too."""

    def __init__(self, data: list[T], has_more: bool, fetch: Callable[[str], Awaitable[AsyncPage[T]]]) -> None:
        self.data = data
        self.has_more = has_more
        self._fetch = fetch

    def has_next_page(self) -> bool:
        return self.has_more and bool(self.data)

    async def get_next_page(self) -> AsyncPage[T]:
        if not self.has_next_page():
            raise StopAsyncIteration("no next page")
        return await self._fetch(self.data[-1].id)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __repr__(self) -> str:
        return f"AsyncPage(items={len(self.data)}, has_more={self.has_more})"


class AsyncPaginator(Generic[T]):
    """What async `list` methods return, as in the openai SDK: `await` it for the first page, or
    `async for` over it for every item of every page."""

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._first()
        async for item in page:
            yield item
