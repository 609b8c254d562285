"""A local stand-in for the fine-tuning jobs API: the reference server.

- `JobStore`: the jobs and the fragment's state machine, on an injectable `Clock` (`ManualClock` for tests),
  with `Timings` for how long each phase lasts.
- `create_app(store, api_keys=...)`: the server as an ASGI app (Starlette), for in-process use with
  `httpx.ASGITransport`.
- `live_server(...)`: the server on a loopback port in a background thread, yielding a `LiveServer`;
  `serve_app(app)` does the same for any ASGI app (a variant of the server, say).
- The pytest fixture `ftjobs_server` (see `ftjobs.pytest_plugin`).

Needs the `server` extra: `pip install 'ftjobs[server]'`.
"""

from ftjobs.testing._app import create_app
from ftjobs.testing._live import LiveServer, contract_server, free_port, live_server, serve_app
from ftjobs.testing._store import (
    Clock,
    JobNotFound,
    JobStore,
    ManualClock,
    Timings,
    TransitionForbidden,
)

__all__ = [
    "Clock",
    "JobNotFound",
    "JobStore",
    "LiveServer",
    "ManualClock",
    "Timings",
    "TransitionForbidden",
    "contract_server",
    "create_app",
    "free_port",
    "live_server",
    "serve_app",
]
