"""The fleet benchmark's server, in its own process: the fleet tests' server holding JOBS running jobs, each
answer taking 10 ms (as a real server's does), and `GET /_bench/stats` for what it counted.

`python bench/fleet_server.py PORT JOBS`
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fleet.server import FleetServer, job

LATENCY = 0.010


def main() -> None:
    port, count = int(sys.argv[1]), int(sys.argv[2])
    jobs = {made["id"]: made for made in (job(number, "running") for number in range(count))}
    server = FleetServer(jobs, latency=LATENCY)
    app = server.app()

    async def stats(request: Request) -> JSONResponse:
        paused = sum(1 for made in server.jobs.values() if made["status"] == "paused")
        most = max(server.transitions.values(), default=0)
        return JSONResponse({"peak": server.peak, "paused": paused, "most_requests_per_job": most})

    app.router.routes.append(Route("/_bench/stats", stats))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off", backlog=4096)


if __name__ == "__main__":
    main()
