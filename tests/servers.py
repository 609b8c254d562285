"""A reference server whose clock moves only with requests: what a job shows depends on how many requests came
before, never on how fast a (busy) machine ran the client. Drive time; do not race it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.types import Receive, Scope, Send

from ftjobs.testing import JobStore, LiveServer, ManualClock, Timings, create_app, serve_app

KEY = "sk-ftjobs-test"


@contextmanager
def request_driven_server(step: float, timings: Timings) -> Iterator[LiveServer]:
    """The reference server with `timings`, its clock moved on `step` simulated seconds by every request."""
    clock = ManualClock()
    store = JobStore(clock=clock, timings=timings)
    app = create_app(store, api_keys=[KEY])

    async def advancing(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            clock.advance(step)
        await app(scope, receive, send)

    with serve_app(advancing) as port:
        yield LiveServer(host="127.0.0.1", port=port, api_key=KEY, store=store)
