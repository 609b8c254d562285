"""Credentials as `httpx.Auth`: applied to every attempt, and never shown in a repr."""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator

import httpx

from ftjobs._exceptions import MissingCredentialsError

TokenProvider = Callable[[], str | Awaitable[str]]


class KeyAuth(httpx.Auth):
    """A fixed key: `Authorization: Bearer <key>` (OpenAI, Azure v1) or `api-key: <key>` (Azure)."""

    def __init__(self, key: str, *, header: str = "authorization") -> None:
        if not key:
            raise MissingCredentialsError("the API key is empty")
        self._header = header
        self._key = key
        self._value = key if header == "api-key" else f"Bearer {key}"

    def scrub(self, text: str) -> str:
        """`text` with this key removed (a server may echo it back in a message)."""
        return text.replace(self._key, REDACTED)

    def with_key(self, key: str) -> KeyAuth:
        """The same scheme with another key."""
        return KeyAuth(key, header=self._header)

    @property
    def scheme(self) -> str:
        return "api-key" if self._header == "api-key" else "bearer"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # A header of this name from `default_headers`/`extra_headers` wins, as in the SDK: gateways and
        # proxies take their own `Authorization` that way.
        if self._header not in request.headers:
            request.headers[self._header] = self._value
        yield request

    @property
    def key(self) -> str:
        return self._key

    def __repr__(self) -> str:
        return f"KeyAuth(scheme={self.scheme!r}, key=<redacted>)"


class TokenAuth(httpx.Auth):
    """A bearer token from a provider (e.g. Microsoft Entra ID), asked afresh for every attempt."""

    scheme = "bearer (token provider)"

    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider

    def _header(self, token: object) -> str:
        if not isinstance(token, str) or not token:
            raise MissingCredentialsError("the token provider returned no token")
        return f"Bearer {token}"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._provider()
        if inspect.isawaitable(token):
            raise TypeError("an async token provider needs ftjobs.AsyncClient")
        request.headers["authorization"] = self._header(token)
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._provider()
        if inspect.isawaitable(token):
            token = await token
        request.headers["authorization"] = self._header(token)
        yield request

    def __repr__(self) -> str:
        return "TokenAuth(provider=<callable>)"


SECRET_HEADERS = frozenset({"authorization", "api-key", "proxy-authorization", "cookie"})
REDACTED = "<redacted>"


def redacted(headers: httpx.Headers) -> dict[str, str]:
    """Headers for a log line, credentials replaced."""
    return {name: REDACTED if name.lower() in SECRET_HEADERS else value for name, value in headers.items()}
