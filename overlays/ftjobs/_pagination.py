"""Cursor pages (`after` = the last item's id, `has_more`), with the openai SDK's page surface.

`data`, `has_more`, `has_next_page()`, `next_page_info()`, `get_next_page()`, `iter_pages()`; iterating a page
walks every item of every following page (one request a page); `model_dump()`, `model_dump_json()`, `to_dict()`
and `to_json()` write the page as the server sent it (`data`, `has_more`, then its other fields, e.g. `object`).
Async: `async for` over items, awaited `get_next_page()`, and `AsyncPaginator` (what async `list` returns).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping, Set
from typing import Any, Generic, Protocol, TypeVar


class _Item(Protocol):
    @property
    def id(self) -> str: ...

    def model_dump(self, *, exclude_unset: bool = ..., exclude_none: bool = ...) -> dict[str, Any]: ...


T = TypeVar("T", bound=_Item)


class PageInfo:
    """Where the next page starts: the query parameters that ask for it (the SDK's `PageInfo`)."""

    __slots__ = ("params",)

    def __init__(self, *, params: Mapping[str, str]) -> None:
        self.params = params

    def __repr__(self) -> str:
        return f"PageInfo(params={dict(self.params)!r})"


class _Page(Generic[T]):
    data: list[T]
    has_more: bool
    _extra: dict[str, Any]

    def has_next_page(self) -> bool:
        return self.has_more and bool(self.data)

    def next_page_info(self) -> PageInfo | None:
        """The cursor after this page's last item (`None` for an empty page), as the SDK's: `has_next_page()`
        tells whether a page follows."""
        return PageInfo(params={"after": self.data[-1].id}) if self.data else None

    def _no_next_page(self) -> RuntimeError:
        return RuntimeError("No next page expected; check `.has_next_page()` before calling `.get_next_page()`.")

    def model_dump(
        self,
        *,
        mode: str = "python",
        include: Set[str] | None = None,
        exclude: Set[str] | None = None,
        exclude_unset: bool = False,
        exclude_none: bool = False,
        **_: Any,
    ) -> dict[str, Any]:
        items = [item.model_dump(exclude_unset=exclude_unset, exclude_none=exclude_none) for item in self.data]
        dumped: dict[str, Any] = {"data": items, "has_more": self.has_more, **self._extra}
        if include is not None:
            dumped = {key: value for key, value in dumped.items() if key in include}
        return {key: value for key, value in dumped.items() if exclude is None or key not in exclude}

    def model_dump_json(self, *, indent: int | None = None, exclude_unset: bool = False, **_: Any) -> str:
        from ftjobs._models import dumps

        return dumps(self.model_dump(exclude_unset=exclude_unset), indent)

    def to_dict(self, *, exclude_unset: bool = True, **_: Any) -> dict[str, Any]:
        return self.model_dump(exclude_unset=exclude_unset)

    def to_json(self, *, indent: int | None = 2, exclude_unset: bool = True, **_: Any) -> str:
        return self.model_dump_json(indent=indent, exclude_unset=exclude_unset)

    def __getattr__(self, name: str) -> Any:
        """The page's other fields (`page.object`), as the SDK keeps them."""
        extra = self.__dict__.get("_extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(items={len(self.data)}, has_more={self.has_more})"


class SyncPage(_Page[T]):
    """One page of items; iterating it walks every following page too (one request a page)."""

    def __init__(
        self, data: list[T], has_more: bool, fetch: Callable[[str], SyncPage[T]], extra: dict[str, Any] | None = None
    ) -> None:
        self.data = data
        self.has_more = has_more
        self._fetch = fetch
        self._extra = extra or {}

    def get_next_page(self) -> SyncPage[T]:
        if not self.has_next_page():
            raise self._no_next_page()
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


class AsyncPage(_Page[T]):
    """One page of items, fetched asynchronously; `async for` walks every following page too."""

    def __init__(
        self,
        data: list[T],
        has_more: bool,
        fetch: Callable[[str], Awaitable[AsyncPage[T]]],
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.data = data
        self.has_more = has_more
        self._fetch = fetch
        self._extra = extra or {}

    async def get_next_page(self) -> AsyncPage[T]:
        if not self.has_next_page():
            raise self._no_next_page()
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


def async_paginator(first: Callable[[], Awaitable[AsyncPage[T]]]) -> AsyncPaginator[T]:
    """What an async `list` answers: the first page when awaited."""
    return AsyncPaginator(first)


def sync_paginator(first: Callable[[], SyncPage[T]]) -> SyncPage[T]:
    """What a sync `list` answers (the generated twin of `async_paginator`): the first page, fetched now."""
    return first()


# What `list` answers, by the name the async source uses (`AsyncPaginator`) made sync.
SyncPaginator = SyncPage

# The openai SDK's names for these pages.
SyncCursorPage = SyncPage
AsyncCursorPage = AsyncPage
