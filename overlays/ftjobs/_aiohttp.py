"""`DefaultAioHttpClient`: the SDK's async client on aiohttp's transport, for `AsyncOpenAI(http_client=…)`.

As in the SDK, the class always exists; without the transport installed (`pip install 'ftjobs[aiohttp]'`, which
brings `httpx-aiohttp`), building it raises `RuntimeError` saying what to install. `import ftjobs` does not load
this module (aiohttp takes a tenth of a second to import): the name is resolved on first use.
"""

from __future__ import annotations

from typing import Any

import httpx

from ftjobs._config import DEFAULT_LIMITS, DEFAULT_TIMEOUT

try:
    from httpx_aiohttp import HttpxAiohttpClient
except ImportError:  # the extra is not installed

    class DefaultAioHttpClient(httpx.AsyncClient):
        """Not available: building it says what to install."""

        def __init__(self, **kwargs: Any) -> None:
            raise RuntimeError(
                "To use the aiohttp client, install its transport: pip install 'ftjobs[aiohttp]' (httpx-aiohttp)"
            )

else:

    class DefaultAioHttpClient(HttpxAiohttpClient):  # type: ignore[no-redef]
        """An `httpx.AsyncClient` whose transport is aiohttp's, with ftjobs' defaults (timeout, pool limits);
        closed by the client it is handed to, as `DefaultAsyncHttpxClient`."""

        closes_with_client = True

        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
            kwargs.setdefault("limits", DEFAULT_LIMITS)
            super().__init__(**kwargs)
