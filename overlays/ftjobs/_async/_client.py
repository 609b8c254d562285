"""The clients: what each carries (`fine_tuning`), closing, the Azure client, and the default HTTP client.

Configuration is resolved by `ftjobs._config`; the constructor, `with_options`, building requests and reading
answers are `ftjobs._base_client`'s; sending is `ftjobs._async._sending`'s.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar, Self, TypeVar

import httpx

from ftjobs._async._sending import AsyncAPIClient
from ftjobs._async.fine_tuning import (
    AsyncFineTuning,
    AsyncFineTuningWithRawResponse,
    AsyncFineTuningWithStreamingResponse,
)
from ftjobs._config import DEFAULT_LIMITS, DEFAULT_TIMEOUT
from ftjobs._custom import RequestOptions, cast_answer, custom_options

T = TypeVar("T")


class AsyncClient(AsyncAPIClient):
    """A client for the fine-tuning jobs API (OpenAI or Azure OpenAI). Use it as a context manager.

    Credentials: `api_key`, else `OPENAI_API_KEY` (bearer). Azure: `azure_endpoint` (or `AZURE_OPENAI_ENDPOINT`
    when no OpenAI key is set) with `api_key` or `AZURE_OPENAI_API_KEY` (sent as `api-key`), `azure_ad_token`, or
    `azure_ad_token_provider` (a callable returning an Entra ID token, asked for every attempt; with the async
    client it may be async). `organization` and `project` (or `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`) are sent as
    `OpenAI-Organization`/`OpenAI-Project`.
    """

    @cached_property
    def fine_tuning(self) -> AsyncFineTuning:
        """`client.fine_tuning.jobs…`."""
        return AsyncFineTuning(self)

    @cached_property
    def with_raw_response(self) -> AsyncClientWithRawResponse:
        """`client.with_raw_response.fine_tuning.jobs…`: each method answers its raw `APIResponse`."""
        return AsyncClientWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncClientWithStreamingResponse:
        """`client.with_streaming_response.fine_tuning.jobs…`: each method a context manager around its answer."""
        return AsyncClientWithStreamingResponse(self)

    # -- routes ftjobs has no method for, as the SDK's `client.get/post(path, cast_to=…)` (see ftjobs._custom) --

    async def get(self, path: str, *, cast_to: type[T], options: RequestOptions | None = None) -> T:
        """`GET path` (under the base URL) with this client's credentials, retries and typed errors."""
        return await self._custom("GET", path, cast_to, None, options)

    async def post(
        self, path: str, *, cast_to: type[T], body: object | None = None, options: RequestOptions | None = None
    ) -> T:
        """`POST path` with a JSON `body`, as `get`."""
        return await self._custom("POST", path, cast_to, body, options)

    async def patch(
        self, path: str, *, cast_to: type[T], body: object | None = None, options: RequestOptions | None = None
    ) -> T:
        return await self._custom("PATCH", path, cast_to, body, options)

    async def put(
        self, path: str, *, cast_to: type[T], body: object | None = None, options: RequestOptions | None = None
    ) -> T:
        return await self._custom("PUT", path, cast_to, body, options)

    async def delete(
        self, path: str, *, cast_to: type[T], body: object | None = None, options: RequestOptions | None = None
    ) -> T:
        return await self._custom("DELETE", path, cast_to, body, options)

    async def _custom(
        self, method: str, path: str, cast_to: type[T], body: object, options: RequestOptions | None
    ) -> T:
        client = self
        if options and "max_retries" in options:
            client = self.with_options(max_retries=options["max_retries"])
        response = await client._request(method, path, body=body, options=custom_options(options))
        return cast_answer(response, cast_to)

    async def close(self) -> None:
        """Close the connections: those of the HTTP client ftjobs made, or of a `Default…Client` handed to it; an
        `httpx` client of the caller's own stays open (it may be shared)."""
        self._closed = True
        if self._owns_http and self._http_client is not None:
            await self._http_client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class AsyncClientWithRawResponse:
    """`client.with_raw_response` (the SDK's `OpenAIWithRawResponse`)."""

    def __init__(self, client: AsyncClient) -> None:
        self.fine_tuning = AsyncFineTuningWithRawResponse(client.fine_tuning)


class AsyncClientWithStreamingResponse:
    """`client.with_streaming_response` (the SDK's `OpenAIWithStreamedResponse`)."""

    def __init__(self, client: AsyncClient) -> None:
        self.fine_tuning = AsyncFineTuningWithStreamingResponse(client.fine_tuning)


class AsyncAzureOpenAI(AsyncClient):
    """The client for Azure OpenAI, as the SDK's `AzureOpenAI` is built: the same keywords, always Azure.

    `azure_endpoint` (or `AZURE_OPENAI_ENDPOINT`); one of `api_key` (or `AZURE_OPENAI_API_KEY`, sent as `api-key`),
    `azure_ad_token` (or `AZURE_OPENAI_AD_TOKEN`) or `azure_ad_token_provider`; `api_version` (or
    `OPENAI_API_VERSION`). A dated version (`2024-10-21`) talks to `{endpoint}/openai/fine_tuning/jobs?api-version=…`;
    `v1`, `preview` or none to `{endpoint}/openai/v1`. `base_url` and `azure_endpoint` are mutually exclusive.
    """

    _azure = True


class DefaultAsyncHttpxClient(httpx.AsyncClient):
    """An httpx client with ftjobs' defaults (timeout, pool limits), to configure and pass as `http_client=`.

    Made to be handed over (`http_client=DefaultAsyncHttpxClient(proxy=…)`, as the SDK's README shows it): the
    client it is given to closes it, where a plain `httpx.AsyncClient` of the caller's own stays open.
    """

    closes_with_client: ClassVar[bool] = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("limits", DEFAULT_LIMITS)
        super().__init__(**kwargs)
