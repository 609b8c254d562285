"""Running the reference server for real: uvicorn on a loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from ftjobs.testing._app import create_app
from ftjobs.testing._store import JobStore, Timings


@dataclass(frozen=True)
class LiveServer:
    """A running reference server: where it listens, the key it accepts, and its jobs."""

    host: str
    port: int
    api_key: str
    store: JobStore

    @property
    def base_url(self) -> str:
        """OpenAI-style base URL: `http://host:port/v1`."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def azure_base_url(self) -> str:
        """Azure-style base URL: `http://host:port/openai/v1`."""
        return f"http://{self.host}:{self.port}/openai/v1"

    @property
    def azure_dated_base_url(self) -> str:
        """Azure's dated data plane: `http://host:port/openai` (every request needs `?api-version=2024-10-21`)."""
        return f"http://{self.host}:{self.port}/openai"

    @property
    def azure_endpoint(self) -> str:
        """What `AZURE_OPENAI_ENDPOINT` (or `azure_endpoint=`) would hold for this server: a dated `api_version`
        talks to `azure_dated_base_url`, `v1`/`preview`/none to `azure_base_url`."""
        return f"http://{self.host}:{self.port}"

    def __repr__(self) -> str:
        return f"LiveServer(base_url={self.base_url!r}, jobs={len(self.store)})"


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on at `host` just now: for a server started elsewhere that must be given its port
    (a subprocess, npx, mitmproxy); `serve_app` and `live_server` pick their own."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_app(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[int]:
    """Serve any ASGI app with uvicorn on `host:port` in a background thread; yields the bound port."""
    config = uvicorn.Config(app, host=host, port=port, log_level="error", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ftjobs-reference-server", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the server did not start on {host}:{port}")
        thread.join(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def live_server(
    store: JobStore | None = None,
    *,
    api_key: str = "sk-ftjobs-test",
    extra_api_keys: Iterable[str] = (),
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[LiveServer]:
    """Serve the reference server on `host:port` (port 0: any free port) until the block ends."""
    jobs = store if store is not None else JobStore()
    app = create_app(jobs, api_keys=[api_key, *extra_api_keys])
    with serve_app(app, host=host, port=port) as bound_port:
        yield LiveServer(host=host, port=bound_port, api_key=api_key, store=jobs)


@contextmanager
def contract_server(
    *, api_key: str | None = None, azure_style: bool = False, dated: bool = False
) -> Iterator[tuple[str, str]]:
    """The reference server as the contract suite's default target: jobs run after 0.4 s and train for two
    minutes. Yields its base URL (`/v1`; `azure_style`: `/openai/v1`; `dated`: Azure's dated routes, `/openai`)
    and the key it accepts."""
    import secrets

    key = api_key or "sk-ftjobs-contract-" + secrets.token_hex(8)
    store = JobStore(timings=Timings(validating_files=0.2, queued=0.2, running=120.0))
    with live_server(store, api_key=key) as server:
        if dated:
            yield server.azure_dated_base_url, key
        else:
            yield (server.azure_base_url if azure_style else server.base_url), key
