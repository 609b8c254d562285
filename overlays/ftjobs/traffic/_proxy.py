"""`ftjobs proxy`: a reverse proxy that forwards every exchange unchanged and checks each as it passes.

Requests go to the upstream as they came (method, path below the upstream's base, query, headers but the
hop-by-hop ones, body); answers come back as the upstream sent them (status, headers, the raw bytes, streamed as
they arrive: nothing is decompressed or re-encoded on the way). A copy of each answer is kept until it ends, then
the exchange is checked (`Passive`) and, with `--record`, appended to the exchange log, redacted.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ftjobs._record import entry
from ftjobs.contract._guard import HOP_BY_HOP
from ftjobs.traffic._check import Passive
from ftjobs.traffic._records import Recorded, decoded_body

Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


@dataclass
class CheckingProxy:
    """The ASGI app: forwards to `upstream`, feeds `passive`, appends to `record` (an NDJSON path) if given."""

    upstream: str
    passive: Passive
    record: Path | None = None
    timeout: float = 600.0

    def __post_init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._count = 0

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        await self._forward(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False)
        return self._client

    async def _forward(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope.get("query_string", b"").decode("latin-1")
        url = self.upstream.rstrip("/") + scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        url += f"?{query}" if query else ""
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in scope["headers"]
            if name.decode("latin-1").lower() not in HOP_BY_HOP
        ]
        started = time.time()
        request = self.client().build_request(scope["method"], url, headers=headers, content=bytes(body))
        try:
            response = await self.client().send(request, stream=True)
        except httpx.HTTPError as error:
            await _bad_gateway(send, f"ftjobs proxy: the upstream gave no answer ({type(error).__name__})")
            self._done(scope["method"], url, headers, bytes(body), None, [], b"", started)
            return
        answer_headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in HOP_BY_HOP]
        raw = bytearray()
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer_headers],
                }
            )
            async for chunk in response.aiter_raw():
                raw += chunk
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await response.aclose()
        status = response.status_code
        self._done(scope["method"], url, headers, bytes(body), status, answer_headers, bytes(raw), started)

    def _done(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes,
        status: int | None,
        answer_headers: list[tuple[str, str]],
        raw: bytes,
        started: float,
    ) -> None:
        self._count += 1
        recorded = Recorded(
            f"exchange {self._count}",
            method,
            url,
            headers,
            body,
            status,
            answer_headers,
            _decoded(raw, answer_headers),
            None,
            started,
            time.time(),
        )
        self.passive.feed(recorded)
        if self.record is not None:
            with open(self.record, "a", encoding="utf-8") as file:
                file.write(json.dumps(log_line(recorded), ensure_ascii=False) + "\n")


def log_line(record: Recorded) -> dict[str, Any]:
    """A recorded exchange as a line of ftjobs' exchange log, every secret replaced."""
    started = record.started or time.time()
    return entry(
        record.method,
        record.url,
        record.request_headers,
        record.request_body,
        record.status,
        record.response_headers,
        record.response_body,
        started=started,
        seconds=(record.ended or started) - started,
    )


def _decoded(raw: bytes, headers: list[tuple[str, str]]) -> bytes:
    """The answer as the client reads it (for the check only; what was forwarded is `raw`): an encoding that does
    not decode is checked as it came."""
    try:
        return decoded_body(raw, headers)
    except (OSError, EOFError, ValueError, zlib.error, ImportError):
        return raw


async def _bad_gateway(send: Send, message: str) -> None:
    body = json.dumps({"error": {"message": message, "type": "proxy_error", "param": None, "code": None}}).encode()
    await send({"type": "http.response.start", "status": 502, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
