"""Building variants of the reference server: ASGI wrappers that rewrite requests or answers, and the
`Variant` record the suite's tests run over (see `broken.py` and `conforming.py`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ftjobs.testing import JobStore, Timings, create_app

KEY = "sk-ftjobs-variant"
TIMINGS = Timings(validating_files=0.2, queued=0.2, running=120.0)
Rewrite = Callable[[Scope, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


def rewriting(app: ASGIApp, rewrite: Rewrite) -> ASGIApp:
    """Wrap `app` so that every answer passes through `rewrite(scope, status, headers, body)`."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
            status, headers, body = rewrite(scope, start["status"], headers, b"".join(chunks))
            headers["content-length"] = str(len(body))
            raw = [(k.encode(), v.encode()) for k, v in headers.items()]
            await send({"type": "http.response.start", "status": status, "headers": raw})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped


def requests_rewritten(app: ASGIApp, change: Callable[[Scope], Scope]) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        await app(change(scope) if scope["type"] == "http" else scope, receive, send)

    return wrapped


def json_rewrite(change: Callable[[Any], Any]) -> Rewrite:
    def rewrite(scope: Scope, status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            value = json.loads(body)
        except ValueError:
            return status, headers, body
        return status, headers, json.dumps(change(value)).encode()

    return rewrite


def for_jobs(change: Callable[[dict[str, Any]], None]) -> Callable[[Any], Any]:
    """Apply `change` to every job object in a body (a job, or a page of jobs)."""

    def apply(value: Any) -> Any:
        items = value.get("data", [value]) if isinstance(value, dict) else []
        for item in items:
            if isinstance(item, dict) and item.get("object") == "fine_tuning.job":
                change(item)
        return value

    return apply


@dataclass(frozen=True)
class Variant:
    """A server variant, and for a broken one the reasons the suite must give (any one of them is enough)."""

    name: str
    build: Callable[[], ASGIApp]
    reasons: frozenset[str] = frozenset()
    options: tuple[tuple[str, Any], ...] = ()  # ContractOptions fields the run needs (a known file, api-key auth)


def store_variant(store: type[JobStore], timings: Timings = TIMINGS) -> Callable[[], ASGIApp]:
    return lambda: create_app(store(timings=timings), api_keys=[KEY])


def app_variant(wrap: Callable[[ASGIApp], ASGIApp], timings: Timings = TIMINGS) -> Callable[[], ASGIApp]:
    return lambda: wrap(create_app(JobStore(timings=timings), api_keys=[KEY]))
