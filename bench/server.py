"""The reference server for the fan-out benchmark, in its own process, counting TCP connections.

`python bench/server.py PORT` serves jobs that run at once and never finish; `GET /_bench/connections`
answers how many distinct client connections (host, port) have reached it since `GET /_bench/reset`.
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from ftjobs.testing import JobStore, Timings, create_app

KEY = "sk-bench"


def main() -> None:
    port = int(sys.argv[1])
    api = create_app(JobStore(timings=Timings(validating_files=0.0, queued=0.0, running=1e9)), api_keys=[KEY])
    seen: set[Any] = set()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if scope["path"] == "/_bench/reset":
                seen.clear()
            seen.add(tuple(scope.get("client") or ()))
            if scope["path"].startswith("/_bench/"):
                body = str(len(seen)).encode()
                await send(
                    {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
                )
                await send({"type": "http.response.body", "body": body})
                return
        await api(scope, receive, send)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off", backlog=4096)


if __name__ == "__main__":
    main()
