"""What every resource uses: walking cursor pages, and their query parameters."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from ftjobs._base_client import ModelT
from ftjobs._config import NotGiven
from ftjobs._pagination import AsyncPage, AsyncPaginator, SyncPage
from ftjobs._response import Options, respond

if TYPE_CHECKING:
    from ftjobs._sending import AsyncAPIClient, SyncAPIClient


def sync_pages(client: SyncAPIClient, path: str, model: type[ModelT], params: dict[str, Any], first: Options) -> Any:
    """The first page at `path` (or its raw answer); each page fetches the next with `after`."""
    following = first.unraw()

    def fetch(cursor: str | None, call: Options) -> Any:
        response = client._request("GET", path, params={**params, "after": cursor}, options=call)

        def page(answer: Any) -> SyncPage[ModelT]:
            items, has_more, extra = client._items(answer, model)
            return SyncPage(items, has_more, lambda after: fetch(after, following), extra)

        return respond(response, page, call)

    return fetch(params.pop("after", None), first)


def async_pages(
    client: AsyncAPIClient, path: str, model: type[ModelT], params: dict[str, Any], first: Options
) -> AsyncPaginator[ModelT]:
    """`await` it for the first page (or its raw answer), `async for` over every item."""
    following = first.unraw()
    after = params.pop("after", None)

    async def fetch(cursor: str | None, call: Options) -> Any:
        response = await client._request("GET", path, params={**params, "after": cursor}, options=call)

        def page(answer: Any) -> AsyncPage[ModelT]:
            items, has_more, extra = client._items(answer, model)
            return AsyncPage(items, has_more, lambda after: fetch(after, following), extra)

        return respond(response, page, call)

    def first_page() -> Awaitable[AsyncPage[ModelT]]:
        return fetch(after, first)

    return AsyncPaginator(first_page)


def page_params(after: str | NotGiven | None, limit: int | NotGiven | None) -> dict[str, Any]:
    """A list call's cursor and page size as query parameters; `None` (left out) when not given."""
    return {
        name: None if isinstance(value, NotGiven) else value for name, value in (("after", after), ("limit", limit))
    }
