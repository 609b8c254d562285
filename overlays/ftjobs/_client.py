"""The clients: `Client`/`AsyncClient` (alias `OpenAI`/`AsyncOpenAI`) and `AzureOpenAI`/`AsyncAzureOpenAI`.

They take the openai SDK's constructor keywords and environment variables; what they resolve to is decided in
`ftjobs._config`, how requests are built and sent in `ftjobs._base_client`, the API's methods live in
`ftjobs._resources`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import httpx

from ftjobs._auth import TokenProvider
from ftjobs._base_client import job_path
from ftjobs._config import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    ApiKey,
    NotGiven,
    Settings,
    Timeout,
    settings,
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
        http_client: httpx.Client | None = None,
        strict: bool = False,
    ) -> None:
        self._start(
            settings(
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
                strict=strict,
                default_headers=default_headers,
                default_query=default_query,
            ),
            http_client,
        )

    def _start(self, resolved: Settings, http_client: httpx.Client | None) -> None:
        self._settings = resolved
        self._owns_http = http_client is None
        self._http_client = http_client  # else created on the first request
        self._attach()

    def _attach(self) -> None:
        self.fine_tuning = FineTuning(self)

    def with_options(
        self,
        *,
        api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
    ) -> Self:
        """A copy with these settings changed, sharing this client's connection pool (closing it closes nothing).

        `default_headers`/`default_query` are merged into this client's; `set_default_headers`/`set_default_query`
        replace them.
        """
        return self._copy(
            api_key=api_key,
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            set_default_headers=set_default_headers,
            default_query=default_query,
            set_default_query=set_default_query,
            http_client=http_client,
        )

    copy = with_options

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
        http_client: httpx.AsyncClient | None = None,
        strict: bool = False,
    ) -> None:
        self._start(
            settings(
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
                strict=strict,
                default_headers=default_headers,
                default_query=default_query,
            ),
            http_client,
        )

    def _start(self, resolved: Settings, http_client: httpx.AsyncClient | None) -> None:
        self._settings = resolved
        self._owns_http = http_client is None
        self._http_client = http_client  # else created on the first request
        self._attach()

    def _attach(self) -> None:
        self.fine_tuning = AsyncFineTuning(self)

    def with_options(
        self,
        *,
        api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> Self:
        """A copy with these settings changed, sharing this client's connection pool (see `Client.with_options`)."""
        return self._copy(
            api_key=api_key,
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            set_default_headers=set_default_headers,
            default_query=default_query,
            set_default_query=set_default_query,
            http_client=http_client,
        )

    copy = with_options

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


def _azure_settings(
    *,
    api_version: str | None,
    azure_endpoint: str | None,
    api_key: str | None,
    azure_ad_token: str | None,
    azure_ad_token_provider: TokenProvider | None,
    organization: str | None,
    project: str | None,
    base_url: str | None,
    timeout: Timeout | NotGiven,
    http_timeout: httpx.Timeout | None,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
    default_query: Mapping[str, object] | None,
    strict: bool,
) -> Settings:
    if base_url is not None and azure_endpoint is not None:
        raise ValueError("base_url and azure_endpoint are mutually exclusive")
    return settings(
        api_key=api_key,
        organization=organization,
        project=project,
        base_url=base_url,
        azure_endpoint=azure_endpoint,
        azure_ad_token=azure_ad_token,
        azure_ad_token_provider=azure_ad_token_provider,
        api_version=api_version,
        timeout=timeout,
        http_timeout=http_timeout,
        max_retries=max_retries,
        strict=strict,
        default_headers=default_headers,
        default_query=default_query,
        force_azure=True,
    )


class AzureOpenAI(Client):
    """The client for Azure OpenAI, as the SDK's `AzureOpenAI` is built.

    `azure_endpoint` (or `AZURE_OPENAI_ENDPOINT`); one of `api_key` (or `AZURE_OPENAI_API_KEY`, sent as `api-key`),
    `azure_ad_token` (or `AZURE_OPENAI_AD_TOKEN`) or `azure_ad_token_provider`; `api_version` (or
    `OPENAI_API_VERSION`). A dated version (`2024-10-21`) talks to `{endpoint}/openai/fine_tuning/jobs?api-version=…`;
    `v1`, `preview` or none to `{endpoint}/openai/v1`.
    """

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
        http_client: httpx.Client | None = None,
        strict: bool = False,
    ) -> None:
        resolved = _azure_settings(
            api_version=api_version,
            azure_endpoint=azure_endpoint,
            api_key=api_key,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=azure_ad_token_provider,
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=timeout,
            http_timeout=http_client.timeout if http_client is not None else None,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            strict=strict,
        )
        self._start(resolved, http_client)


class AsyncAzureOpenAI(AsyncClient):
    """The asynchronous client for Azure OpenAI (see `AzureOpenAI`); `azure_ad_token_provider` may be async."""

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
        http_client: httpx.AsyncClient | None = None,
        strict: bool = False,
    ) -> None:
        resolved = _azure_settings(
            api_version=api_version,
            azure_endpoint=azure_endpoint,
            api_key=api_key,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=azure_ad_token_provider,
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=timeout,
            http_timeout=http_client.timeout if http_client is not None else None,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            strict=strict,
        )
        self._start(resolved, http_client)
