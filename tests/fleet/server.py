"""The fleet tests' own server: many jobs, list filters ignored, 429s injected, jobs that change under the caller.

It counts what a fleet run must get right: each state-changing request that reached a job (`transitions`), the
most such requests in flight at once (`peak`), and any job that got two at the same time (`overlaps`). A request
refused with an injected 429 never reaches a job, so it is counted apart (`throttled`).
"""

from __future__ import annotations

import asyncio
import copy
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ftjobs._spec import load_spec
from ftjobs.testing import serve_app

KEY = "sk-fleet-test-key-0123456789"
ALLOWED = {"pause": {"running"}, "resume": {"paused"}, "cancel": {"validating_files", "queued", "running", "paused"}}
GOAL = {"pause": "paused", "resume": "running", "cancel": "cancelled"}


def job(number: int, status: str, *, team: str = "search", model: str = "gpt-4o-mini-2024-07-18") -> dict[str, Any]:
    """A job as the fragment shapes it: number 0 is the oldest."""
    body: dict[str, Any] = copy.deepcopy(load_spec()["components"]["examples"]["JobPaused"]["value"])
    body.update(
        id=f"ftjob-fleet{number:05d}",
        status=status,
        model=model,
        created_at=1_760_000_000 + number * 60,
        metadata={"team": team},
        user_provided_suffix=f"{team}-model",
    )
    return body


@dataclass
class FleetServer:
    """The jobs (newest last in `jobs`), what to do to the caller, and what the caller did."""

    jobs: dict[str, dict[str, Any]]
    throttle_every: int = 0  # every n-th request answers 429 (retry-after-ms 20); 0: never
    latency: float = 0.0  # seconds each answer takes (asyncio: many answers can take it at once)
    end_when_listed: set[str] = field(default_factory=set)  # these end (succeeded) right after a page lists them
    pause_when_listed: set[str] = field(default_factory=set)  # ... are paused by someone else
    echo_key: bool = False  # refusals quote the request's Authorization header back
    refuse: set[str] = field(default_factory=set)  # transitions of these jobs are refused, whatever their status
    hold_first: int = 0  # the first n transitions wait (up to 20 s) until n are in flight together
    transitions: Counter[str] = field(default_factory=Counter)
    actions: list[tuple[str, str]] = field(default_factory=list)
    throttled: int = 0
    peak: int = 0
    overlaps: list[str] = field(default_factory=list)
    requests: int = 0
    _in_flight: int = 0
    _arrived: int = 0
    _released: bool = False
    _busy: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        routes = [
            Route("/v1/fine_tuning/jobs", self._list, methods=["GET"]),
            Route("/v1/fine_tuning/jobs/{job_id}", self._retrieve, methods=["GET"]),
            Route("/v1/fine_tuning/jobs/{job_id}/{action}", self._transition, methods=["POST"]),
        ]
        return Starlette(routes=routes)

    def status(self, job_id: str) -> str:
        return str(self.jobs[job_id]["status"])

    async def _gate(self, request: Request, *, slow: bool = True) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return _error(401, "Incorrect API key provided.", "invalid_api_key")
        with self._lock:
            self.requests += 1
            throttle = self.throttle_every and self.requests % self.throttle_every == 0
            if throttle:
                self.throttled += 1
        if throttle:
            response = _error(429, "Rate limit reached for requests.", "rate_limit_exceeded")
            response.headers["retry-after-ms"] = "20"
            return response
        if self.latency and slow:
            await asyncio.sleep(self.latency)
        return None

    async def _list(self, request: Request) -> Response:
        refused = await self._gate(request)
        if refused is not None:
            return refused
        limit = int(request.query_params.get("limit", "20"))
        after = request.query_params.get("after")
        with self._lock:
            newest_first = list(reversed(self.jobs))
            start = newest_first.index(after) + 1 if after in self.jobs else 0
            page = newest_first[start : start + limit]
            has_more = start + limit < len(newest_first)
            body = _json({"object": "list", "data": [self.jobs[job_id] for job_id in page], "has_more": has_more})
            for job_id in page:  # the caller's list is now out of date
                if job_id in self.end_when_listed:
                    self.jobs[job_id]["status"] = "succeeded"
                if job_id in self.pause_when_listed:
                    self.jobs[job_id]["status"] = "paused"
        return Response(body, media_type="application/json")

    async def _retrieve(self, request: Request) -> Response:
        refused = await self._gate(request)
        if refused is not None:
            return refused
        found = self.jobs.get(request.path_params["job_id"])
        if found is None:
            return _error(404, "No such job.", "not_found")
        return JSONResponse(found)

    async def _transition(self, request: Request) -> Response:
        refused = await self._gate(request, slow=False)  # the latency comes below, with the request in flight
        if refused is not None:
            return refused
        job_id, action = request.path_params["job_id"], request.path_params["action"]
        if action not in GOAL:
            return _error(404, "No such route.", "not_found")
        with self._lock:
            if job_id in self._busy:
                self.overlaps.append(job_id)
            self._busy.add(job_id)
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
        try:
            await self._held()
            if self.latency:
                await asyncio.sleep(self.latency)  # the work, while others may be in flight
            with self._lock:
                found = self.jobs.get(job_id)
                if found is None:
                    return _error(404, "No such job.", "not_found")
                self.transitions[job_id] += 1
                self.actions.append((job_id, action))
                if found["status"] not in ALLOWED[action] or job_id in self.refuse:
                    echoed = f" (you sent {request.headers.get('authorization')})" if self.echo_key else ""
                    return _error(400, f"Job is {found['status']}; cannot {action}.{echoed}", "invalid_job_status")
                found["status"] = GOAL[action]
                return JSONResponse(found)  # rendered here, under the lock
        finally:
            with self._lock:
                self._in_flight -= 1
                self._busy.discard(job_id)

    async def _held(self) -> None:
        with self._lock:
            self._arrived += 1
            held = self._arrived <= self.hold_first
        for _ in range(2000 if held else 0):
            with self._lock:
                # Once they were all in flight together, every held one goes on (the first to finish lowers the
                # count again).
                self._released = self._released or self._in_flight >= self.hold_first
                if self._released:
                    return
            await asyncio.sleep(0.01)


def _json(value: Any) -> bytes:
    """The body as the answer carries it (rendered at once, so later changes to the jobs do not show)."""
    return json.dumps(value, separators=(",", ":")).encode()


def _error(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}, status
    )


def mixed_jobs(count: int) -> dict[str, dict[str, Any]]:
    """`count` jobs: statuses in a fixed rotation, three teams, two base models."""
    rotation = ["running", "running", "paused", "succeeded", "queued", "running", "failed", "cancelled", "running"]
    teams = ["search", "ads", "search", "ranking"]
    jobs = {}
    for number in range(count):
        model = "gpt-4o-mini-2024-07-18" if number % 5 else "gpt-4.1-2025-04-14"
        made = job(number, rotation[number % len(rotation)], team=teams[number % len(teams)], model=model)
        jobs[made["id"]] = made
    return jobs


@contextmanager
def running(server: FleetServer) -> Iterator[str]:
    """Serve `server` on loopback; yields its base URL."""
    with serve_app(server.app()) as port:
        yield f"http://127.0.0.1:{port}/v1"
