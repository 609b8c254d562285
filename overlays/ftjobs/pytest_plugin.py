"""pytest fixtures for users' own tests, registered by installing ftjobs (entry point `pytest11`).

- `ftjobs_server`: a reference server on a loopback port, fresh for each test, with fast timings
  (a job runs after 0.1 s and trains for 2 s); its `store` lets a test inspect or fail jobs. It serves three
  base URLs, one store behind them all:
  - `ftjobs_server.base_url` — `http://127.0.0.1:PORT/v1`, OpenAI's shape (`OpenAI(base_url=…)`);
  - `ftjobs_server.azure_base_url` — `…/openai/v1`, Azure's v1 API (`api-version` optional: `v1`, `preview`);
  - `ftjobs_server.azure_dated_base_url` — `…/openai`, Azure's dated routes, a dated `api-version` required:
    `AzureOpenAI(azure_endpoint=ftjobs_server.azure_endpoint, api_version="2025-04-01-preview", api_key=…)`,
    from the openai SDK or from ftjobs, talks to it (under `2024-10-21`, as on Azure, pause and resume are 404).
- `ftjobs_client`: an `ftjobs.Client` for that server (no retries, so failures show at once).

Every pytest run in an environment that has ftjobs imports this module (that is what a `pytest11` entry point
does), with or without the `server` extra: so it imports nothing but pytest here. The server's dependencies
load only when a test asks for the fixture, and a missing one fails that test alone, naming the install.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ftjobs import Client
    from ftjobs.testing._live import LiveServer


SERVER_EXTRA = (
    "the ftjobs_server fixture needs the reference server's dependencies ({missing}): install ftjobs with its "
    "server extra, e.g. pip install '/path/to/ftjobs-checkout[server]' (or pip install starlette uvicorn)"
)


@pytest.fixture
def ftjobs_server() -> Iterator[LiveServer]:
    """A live reference server on 127.0.0.1 (see `ftjobs.testing.LiveServer`)."""
    try:
        from ftjobs.testing import JobStore, Timings, live_server
    except ImportError as missing:
        pytest.fail(SERVER_EXTRA.format(missing=missing.name or missing), pytrace=False)

    with live_server(JobStore(timings=Timings(validating_files=0.05, queued=0.05, running=2.0))) as server:
        yield server


@pytest.fixture
def ftjobs_client(ftjobs_server: LiveServer) -> Iterator[Client]:
    """An `ftjobs.Client` talking to `ftjobs_server`."""
    from ftjobs import Client

    with Client(base_url=ftjobs_server.base_url, api_key=ftjobs_server.api_key, max_retries=0) as client:
        yield client
