"""Walking cursor pages: the first page at a path, each page fetching the next with `after`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ftjobs._base_client import ModelT
from ftjobs._pagination import AsyncPage, AsyncPaginator, async_paginator
from ftjobs._response import Options, respond

if TYPE_CHECKING:
    from ftjobs._async._sending import AsyncAPIClient


def async_pages(
    client: AsyncAPIClient, path: str, model: type[ModelT], params: dict[str, Any], first: Options
) -> AsyncPaginator[ModelT]:
    """What `list` answers: the first page at `path` (or its raw answer), the next ones fetched on demand."""
    following = first.unraw()
    after = params.pop("after", None)

    async def fetch(cursor: str | None, call: Options) -> AsyncPage[ModelT]:
        response = await client._request("GET", path, params={**params, "after": cursor}, options=call)
        return respond(response, page, call)

    def page(response: httpx.Response) -> AsyncPage[ModelT]:
        items, has_more, extra = client._items(response, model)
        return AsyncPage(items, has_more, lambda cursor: fetch(cursor, following), extra)

    return async_paginator(lambda: fetch(after, first))
