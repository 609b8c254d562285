"""The clients: `Client`/`AsyncClient` (alias `OpenAI`/`AsyncOpenAI`) and `AzureOpenAI`/`AsyncAzureOpenAI`.

They take the openai SDK's constructor keywords and environment variables. What those resolve to is decided in
`ftjobs._config`; the constructor, `with_options` and request building are `ftjobs._base_client`'s, sending is
`ftjobs._sending`'s, and the API's methods live in `ftjobs._resources`. This module adds what differs: the
resources each client carries, closing, and Azure's constructor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import httpx

from ftjobs._auth import TokenProvider
from ftjobs._base_client import BaseClient, HttpT, job_path
from ftjobs._config import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    NotGiven,
    Timeout,
)
from ftjobs._resources.fine_tuning import AsyncFineTuning, FineTuning
from ftjobs._sending import AsyncAPIClient, SyncAPIClient

__all__ = [
    "NOT_GIVEN",
    "AsyncAzureOpenAI",
    "AsyncClient",
    "AzureOpenAI",
    "Client",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "NotGiven",
    "job_path",
]


class Client(SyncAPIClient):
    """A client for the fine-tuning jobs API (OpenAI or Azure OpenAI). Use it as a context manager.

    Credentials: `api_key`, else `OPENAI_API_KEY` (bearer). Azure: `azure_endpoint` (or `AZURE_OPENAI_ENDPOINT`
    when no OpenAI key is set) with `api_key` or `AZURE_OPENAI_API_KEY` (sent as `api-key`), `azure_ad_token`, or
    `azure_ad_token_provider` (a callable returning an Entra ID token, asked for every attempt). `organization`
    and `project` (or `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`) are sent as `OpenAI-Organization`/`OpenAI-Project`.
    """

    def _attach(self) -> None:
        self.fine_tuning = FineTuning(self)

    def close(self) -> None:
        """Close the connections (only those of an HTTP client that ftjobs created)."""
        if self._owns_http and self._http_client is not None:
            self._http_client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(AsyncAPIClient):
    """The asynchronous client: the same configuration as `Client`; `azure_ad_token_provider` may be async."""

    def _attach(self) -> None:
        self.fine_tuning = AsyncFineTuning(self)

    async def close(self) -> None:
        """Close the connections (only those of an HTTP client that ftjobs created)."""
        if self._owns_http and self._http_client is not None:
            await self._http_client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


# The openai SDK's names: one implementation.
OpenAI = Client
AsyncOpenAI = AsyncClient


class DefaultHttpxClient(httpx.Client):
    """An `httpx.Client` with ftjobs' defaults (timeout, pool limits), to configure and pass as `http_client=`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("limits", DEFAULT_LIMITS)
        super().__init__(**kwargs)


class DefaultAsyncHttpxClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` with ftjobs' defaults, to configure and pass as `http_client=`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("limits", DEFAULT_LIMITS)
        super().__init__(**kwargs)


class _Azure(BaseClient[HttpT]):
    """The constructor of the SDK's `AzureOpenAI` classes: Azure's keywords, always the Azure rows."""

    _azure = True

    def __init__(
        self,
        *,
        api_version: str | None = None,
        azure_endpoint: str | None = None,
        api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: TokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: HttpT | None = None,
        strict: bool = False,
    ) -> None:
        if base_url is not None and azure_endpoint is not None:
            raise ValueError("base_url and azure_endpoint are mutually exclusive")
        super().__init__(
            api_key=api_key,
            organization=organization,
            project=project,
            base_url=base_url,
            azure_endpoint=azure_endpoint,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=azure_ad_token_provider,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            strict=strict,
        )


class AzureOpenAI(_Azure[httpx.Client], Client):
    """The client for Azure OpenAI, as the SDK's `AzureOpenAI` is built.

    `azure_endpoint` (or `AZURE_OPENAI_ENDPOINT`); one of `api_key` (or `AZURE_OPENAI_API_KEY`, sent as `api-key`),
    `azure_ad_token` (or `AZURE_OPENAI_AD_TOKEN`) or `azure_ad_token_provider`; `api_version` (or
    `OPENAI_API_VERSION`). A dated version (`2024-10-21`) talks to `{endpoint}/openai/fine_tuning/jobs?api-version=…`;
    `v1`, `preview` or none to `{endpoint}/openai/v1`.
    """


class AsyncAzureOpenAI(_Azure[httpx.AsyncClient], AsyncClient):
    """The asynchronous client for Azure OpenAI (see `AzureOpenAI`); `azure_ad_token_provider` may be async."""
