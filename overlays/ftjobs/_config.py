"""A client's configuration, resolved once from its arguments and the environment.

Where a key goes is decided by the host the user named (README's decision table): an argument first
(`azure_endpoint` → Azure with `api-key`; `base_url` → bearer, as given), else the environment
(`OPENAI_BASE_URL` or `OPENAI_API_KEY` name OpenAI; otherwise `AZURE_OPENAI_ENDPOINT` names Azure), else
api.openai.com. Azure's dated API versions (`2024-10-21`) talk to the dated routes under `{endpoint}/openai`;
`v1`, `preview` or none to `{endpoint}/openai/v1`. Headers and query parameters every request carries
(organization, project, `api-version`, `default_headers`, `default_query`) are settled here too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

import httpx

from ftjobs._auth import KeyAuth, TokenAuth, TokenProvider
from ftjobs._exceptions import MissingCredentialsError
from ftjobs._version import __version__

OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
# The openai SDK's pool limits: enough connections for a fan-out of a thousand calls without churn.
DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
# Azure's dated data-plane versions (`2024-10-21`, `2025-04-01-preview`); anything else is the v1 API.
DATED_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-preview)?")
# Where the environment holds a key (the SDK's names): OpenAI's, and Azure's (sent as `api-key`).
OPENAI_KEY_ENV = "OPENAI_API_KEY"
AZURE_KEY_ENV = "AZURE_OPENAI_API_KEY"


def environment_key(*, azure: bool, env: Mapping[str, str] | None = None) -> str | None:
    """The key the environment holds for Azure (`AZURE_OPENAI_API_KEY`) or OpenAI (`OPENAI_API_KEY`), if any."""
    return (os.environ if env is None else env).get(AZURE_KEY_ENV if azure else OPENAI_KEY_ENV) or None


class NotGiven:
    """The default of optional arguments: leave the field (or setting) out; `None` means null (or none)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


class Omit:
    """A header value that removes the header (`extra_headers={"OpenAI-Organization": Omit()}`), as in the SDK."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "omit"


omit: Final = Omit()
Timeout = float | httpx.Timeout | None
ApiKey = str | Callable[[], str]


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of a client (credentials live only in `auth`)."""

    base_url: str
    auth: httpx.Auth
    max_retries: int
    strict: bool
    headers: Mapping[str, str]
    query: Mapping[str, object]  # `api-version` and `default_query`, sent with every request
    timeout: httpx.Timeout
    # The SDK's admin key (`admin_api_key=`, `OPENAI_ADMIN_KEY`): kept for the SDK's code that passes it, never
    # sent (no fine-tuning route takes it) and never shown.
    admin_api_key: str | None = field(default=None, repr=False)


def timeout_of(value: Timeout) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def copied_auth(
    auth: httpx.Auth, api_key: str | None, azure_ad_token: str | None, provider: TokenProvider | None
) -> httpx.Auth:
    """A copy's credentials: the one given (a key in the scheme the client uses, a token, a provider), else the
    client's own. More than one given is a `ValueError`, as in the constructor."""
    token_auth = _token_auth(api_key, azure_ad_token, provider)
    if token_auth is not None:
        return token_auth
    if api_key:
        return auth.with_key(api_key) if isinstance(auth, KeyAuth) else KeyAuth(api_key)
    return auth


def routes_for(base_url: str, api_version: str) -> str:
    """An Azure base URL moved to the routes `api_version` uses: a dated one to `{endpoint}/openai`, any other to
    `{endpoint}/openai/v1`. Any other base URL is left as it is."""
    dated = DATED_VERSION.fullmatch(api_version) is not None
    if dated and base_url.endswith("/openai/v1"):
        return base_url.removesuffix("/v1")
    if not dated and base_url.endswith("/openai"):
        return base_url + "/v1"
    return base_url


def check_max_retries(value: object) -> None:
    """`max_retries` is a whole number of 0 or more: `TypeError` for anything else (None, 2.5, "2"), as in the
    SDK, `ValueError` for a negative one."""
    if value is None:
        raise TypeError("max_retries cannot be None: use 0 to disable retries")
    if not isinstance(value, int):
        raise TypeError(f"max_retries must be a non-negative integer, not {type(value).__name__}")
    if value < 0:
        raise ValueError("max_retries must be a non-negative integer")


def settings(
    *,
    api_key: ApiKey | None,
    organization: str | None,
    project: str | None,
    base_url: str | httpx.URL | None,
    azure_endpoint: str | None,
    azure_ad_token: str | None,
    azure_ad_token_provider: TokenProvider | None,
    api_version: str | None,
    timeout: Timeout | NotGiven,
    http_timeout: httpx.Timeout | None,
    max_retries: int,
    strict: bool,
    default_headers: Mapping[str, str] | None,
    default_query: Mapping[str, object] | None,
    force_azure: bool = False,
    admin_api_key: str | None = None,
) -> Settings:
    """Resolve a client's arguments and the environment (`http_timeout`: that of an injected HTTP client)."""
    env = os.environ
    if force_azure and base_url is not None and azure_endpoint is not None:
        raise ValueError("base_url and azure_endpoint are mutually exclusive")
    check_max_retries(max_retries)
    azure = force_azure or _is_azure(base_url, azure_endpoint, env)
    if azure:
        if callable(api_key):
            raise TypeError("Azure takes a key string; for tokens from a callable use azure_ad_token_provider=")
        resolved, api_version = azure_url(base_url, azure_endpoint, api_version, env)
        auth = _azure_auth(api_key, azure_ad_token, azure_ad_token_provider, env)
    else:
        resolved = str(base_url or env.get("OPENAI_BASE_URL") or OPENAI_BASE_URL)
        auth = _openai_auth(api_key, azure_ad_token_provider, env)
    headers = {"user-agent": f"ftjobs/{__version__}", "accept": "application/json"}
    organization = organization if organization is not None else env.get("OPENAI_ORG_ID")
    project = project if project is not None else env.get("OPENAI_PROJECT_ID")
    if organization:
        headers["OpenAI-Organization"] = organization
    if project:
        headers["OpenAI-Project"] = project
    headers.update(default_headers or {})
    query = dict(default_query or {})
    if api_version is not None:
        query["api-version"] = api_version
    if isinstance(timeout, NotGiven):
        chosen = http_timeout if http_timeout is not None else DEFAULT_TIMEOUT
    else:
        chosen = timeout_of(timeout)
    admin = admin_api_key if admin_api_key is not None else env.get("OPENAI_ADMIN_KEY")
    return Settings(resolved.rstrip("/"), auth, max_retries, strict, headers, query, chosen, admin)


def _is_azure(base_url: str | httpx.URL | None, azure_endpoint: str | None, env: Mapping[str, str]) -> bool:
    """Whether the client talks to Azure (`api-key` header): the host the user named wins, arguments first.

    A key alone names no host, so an `api_key=` never goes to api.openai.com while only Azure is configured.
    """
    if azure_endpoint:
        return True
    if base_url is not None:
        return False
    if env.get("OPENAI_BASE_URL") or environment_key(azure=False, env=env):
        return False
    return bool(env.get("AZURE_OPENAI_ENDPOINT"))


def azure_url(
    base_url: str | httpx.URL | None, azure_endpoint: str | None, api_version: str | None, env: Mapping[str, str]
) -> tuple[str, str | None]:
    """The base URL and the `api-version` to send: dated versions use Azure's dated routes."""
    if api_version is None:
        api_version = env.get("OPENAI_API_VERSION") or None
    if base_url is not None:
        return str(base_url), api_version
    endpoint = azure_endpoint or env.get("AZURE_OPENAI_ENDPOINT")
    if not endpoint:
        raise MissingCredentialsError(
            "No Azure endpoint: pass azure_endpoint= (or base_url=), or set AZURE_OPENAI_ENDPOINT."
        )
    endpoint = endpoint.rstrip("/")
    if endpoint.endswith("/openai/v1"):  # an endpoint given as the v1 base URL
        return endpoint, api_version
    if api_version is not None and DATED_VERSION.fullmatch(api_version):
        return endpoint + "/openai", api_version
    return endpoint + "/openai/v1", api_version


def _azure_auth(
    api_key: str | None,
    azure_ad_token: str | None,
    azure_ad_token_provider: TokenProvider | None,
    env: Mapping[str, str],
) -> httpx.Auth:
    token_auth = _token_auth(api_key, azure_ad_token, azure_ad_token_provider)
    if token_auth is not None:
        return token_auth
    key = api_key or environment_key(azure=True, env=env)
    if key:
        return KeyAuth(key, header="api-key")
    token = env.get("AZURE_OPENAI_AD_TOKEN")
    if token:
        return KeyAuth(token)
    raise MissingCredentialsError(
        "No Azure credentials: pass api_key=, azure_ad_token= or azure_ad_token_provider=, "
        "or set AZURE_OPENAI_API_KEY (with AZURE_OPENAI_ENDPOINT)."
    )


def _token_auth(api_key: str | None, azure_ad_token: str | None, provider: TokenProvider | None) -> httpx.Auth | None:
    """The Entra ID credential given (a provider, else a token), `None` when only a key or nothing is; more than
    one credential given is a `ValueError`."""
    given = [name for name, value in (("api_key", api_key), ("azure_ad_token", azure_ad_token)) if value]
    if provider is not None:
        given.append("azure_ad_token_provider")
    if len(given) > 1:
        raise ValueError(f"pass only one of api_key, azure_ad_token and azure_ad_token_provider (got {given})")
    if provider is not None:
        return TokenAuth(provider)
    return KeyAuth(azure_ad_token) if azure_ad_token else None


def _openai_auth(api_key: ApiKey | None, provider: TokenProvider | None, env: Mapping[str, str]) -> httpx.Auth:
    if provider is not None:
        return TokenAuth(provider)
    if callable(api_key):  # the SDK's key provider: asked for a key on every attempt
        return TokenAuth(api_key)
    key = api_key or environment_key(azure=False, env=env)
    if not key:
        raise MissingCredentialsError(
            "No credentials: pass api_key=, or set OPENAI_API_KEY (OpenAI) or "
            "AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT (Azure OpenAI)."
        )
    return KeyAuth(key)
