"""The scenarios' connection to the server: requests, expectations on answers, and waiting on a job.

Waiting polls adaptively (quickly at first, then every `poll_interval`) within a bound, and reports the
true elapsed time. A job that passes through a status between two polls is caught by its events and its
final status: a job cannot succeed without having run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ftjobs._spec import DATED, V1, Dialect, schema_validator
from ftjobs._statuses import PRE_RUNNING, TERMINAL
from ftjobs.contract._common import CouldNotTest, Exchange, PropertyResult, json_or_none
from ftjobs.contract._guard import Guard, usable_id

REFUSALS = frozenset({400, 409})
FIRST_POLL = 0.05
UNANSWERED_LIMIT = 3  # requests without an answer before the run stops
PROGRESS_EVERY = 10.0  # on a pipe, a line at least this often while waiting


class Stop(Exception):
    """A scenario cannot go on: its finding is already recorded."""


class Lost(Exception):
    """A scenario lost its precondition through no proven fault of the server (the job ended first, say)."""


def schema_errors(name: str, body: Any, dialect: Dialect = V1) -> list[str]:
    """Where `body` departs from the dialect's schema `name`, one line each."""
    errors = schema_validator(name, dialect).iter_errors(body)
    return [f"{'/' + '/'.join(map(str, e.instance_path))}: {e.message}" for e in errors]


@dataclass
class Session:
    """A live server, the credentials, and (through the guard its client sends by) the jobs this run created."""

    base_url: str
    headers: dict[str, str]  # every header a request carries: the credentials and --header ones
    auth_header: dict[str, str]  # the credentials alone
    http: httpx.Client  # sends through the run's GuardedTransport
    guard: Guard
    wait_timeout: float
    poll_interval: float
    deadline: float  # time.monotonic() by which the whole run must end
    progress: Callable[[str], None] = lambda line: None
    dialect: Dialect = V1  # the fragment answers are judged by (Azure's dated one for a dated --api-version)
    paused_by_us: str | None = None  # a --pause-job job, resumed on every way out
    left_paused: str | None = None  # that job, when the clean-up could not resume it
    last: Exchange | None = None  # the latest exchange: what a finding about a later read shows
    unanswered: int = 0  # requests that got no answer so far
    last_sent: float = 0.0  # time.monotonic() when the latest request was sent
    created_at: dict[str, float] = field(default_factory=dict)  # scenario creates: when each answered
    _pre_running: dict[str, float] = field(default_factory=dict)  # job → latest age at which it read pre-running
    _start_bounds: dict[str, float] = field(default_factory=dict)  # job → it started no sooner than this age

    def earliest_start(self) -> float | None:
        """The soonest after its create that a job of this server was still not running, among jobs later
        seen running: no job of this server is known to have started sooner (None before any job ran)."""
        return min(self._start_bounds.values(), default=None)

    @property
    def created(self) -> list[str]:
        """The jobs this run's creates made (schemathesis' and the scenarios'), as the guard saw them answered."""
        return list(self.guard.own)

    def call(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Exchange:
        self.check_time()
        request = self.http.build_request(
            method, self.base_url + path, headers=self.headers if headers is None else headers, **kwargs
        )
        self.last_sent = time.monotonic()
        try:
            response = self.http.send(request)
            response.read()
        except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout):
            timeout = self.http.timeout.read
            self.last = Exchange(request, None, f"no answer within {timeout:g} s (--request-timeout)", timed_out=True)
        except httpx.ConnectTimeout:
            self.last = Exchange(request, None, f"no connection within {self.http.timeout.connect:g} s")
        except httpx.HTTPError as error:
            self.last = Exchange(request, None, f"{type(error).__name__}: {error}")
        else:
            self.last = Exchange(request, response)
        return self.last

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise CouldNotTest("the overall time limit (--max-time) was reached before the run could finish")

    # -- answers -------------------------------------------------------------------------------

    def expect_json(self, result: PropertyResult, exchange: Exchange) -> bool:
        response = exchange.response
        if response is None:
            # One request left unanswered stops its scenario; a third means the server is gone: stop the run.
            self.unanswered += 1
            where = f"{exchange.request.method} {exchange.request.url.path}: {exchange.failure}"
            raise CouldNotTest(where, exchange, fatal=self.unanswered >= UNANSWERED_LIMIT)
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            result.fail(f"answered {media or 'no content type'}, not application/json", exchange)
            return False
        return True

    def expect_job(
        self, result: PropertyResult, exchange: Exchange, job_id: str | None, *, status: int = 200
    ) -> dict[str, Any]:
        """An answer with a job and `status` (the path's job, when an id is given); else a finding and `Stop`."""
        if not self.expect_json(result, exchange):
            raise Stop
        assert exchange.response is not None  # noqa: S101 -- expect_json checked it
        body = json_or_none(exchange.response.content)
        if exchange.response.status_code != status:
            result.fail(f"expected {status} with the job, got {exchange.response.status_code}", exchange)
            raise Stop
        problems = self.schema_errors("FineTuningJob", body)
        if problems:
            result.fail("the job does not match the schema: " + "; ".join(problems[:5]), exchange)
            raise Stop
        if job_id is not None and body["id"] != job_id:
            result.fail(f"asked about job {job_id!r}, answered job {body['id']!r}", exchange)
            raise Stop
        job: dict[str, Any] = body
        return job

    def expect_refusal(self, result: PropertyResult, exchange: Exchange, statuses: frozenset[int], why: str) -> bool:
        """An answer with one of `statuses` and the error envelope; else a finding."""
        if not self.expect_json(result, exchange):
            return False
        assert exchange.response is not None  # noqa: S101 -- expect_json checked it
        status = exchange.response.status_code
        if status not in statuses:
            wanted = " or ".join(map(str, sorted(statuses)))
            result.fail(f"{why}: expected {wanted}, got {status}", exchange)
            return False
        problems = self.schema_errors("ErrorResponse", json_or_none(exchange.response.content))
        if problems:
            result.fail("the error body is not the envelope: " + "; ".join(problems[:3]), exchange)
            return False
        return True

    def schema_errors(self, name: str, body: Any) -> list[str]:
        """Where `body` departs from the schema `name` of the run's dialect."""
        return schema_errors(name, body, self.dialect)

    def read(self, result: PropertyResult, job_id: str) -> dict[str, Any]:
        job = self.expect_job(result, self.call("GET", f"/fine_tuning/jobs/{job_id}"), job_id)
        if job_id in self.created_at:
            age = self.last_sent - self.created_at[job_id]
            if job["status"] in PRE_RUNNING:
                self._pre_running[job_id] = age
            elif job["status"] == "running" and job_id in self._pre_running:
                self._start_bounds.setdefault(job_id, self._pre_running[job_id])
        return job

    def statuses_in_events(self, job_id: str, after: str | None) -> set[str]:
        """The statuses the job's events (`data.status`, where a server sends it) name, newer than the newest
        event naming `after` (all of them when `after` is None or never named). Server clocks play no part."""
        exchange = self.call("GET", f"/fine_tuning/jobs/{job_id}/events", params={"limit": "100"})
        body = exchange.body()
        events = body.get("data") if isinstance(body, dict) else None
        seen: set[str] = set()
        for event in events if isinstance(events, list) else []:  # newest first
            data = event.get("data") if isinstance(event, dict) else None
            status = data.get("status") if isinstance(data, dict) else None
            if not isinstance(status, str):
                continue
            if after is not None and status == after:
                break
            seen.add(status)
        return seen

    def wait_for(
        self, result: PropertyResult, job_id: str, wanted: frozenset[str], *, after: str | None = None
    ) -> dict[str, Any]:
        """Poll until the job's status is in `wanted`; the last job read.

        When the job ends first, `wanted` may still have been reached between polls: a `succeeded` job ran,
        and events carrying `data.status` (newer than the last event naming `after`) tell the rest; then the
        ended job is returned.
        Otherwise an ended job raises `Lost`; the bound reached raises `CouldNotTest`.
        """
        started = time.monotonic()
        delay = min(FIRST_POLL, self.poll_interval)
        said = started
        while True:
            job = self.read(result, job_id)
            status = job["status"]
            if status in wanted:
                return job
            elapsed = time.monotonic() - started
            if time.monotonic() - said >= PROGRESS_EVERY:
                said = time.monotonic()
                self.progress(
                    f"  waiting for {job_id} to reach {'/'.join(sorted(wanted))}: {status!r} after {elapsed:.0f} s"
                )
            if status in TERMINAL:
                if (status == "succeeded" and "running" in wanted) or wanted & self.statuses_in_events(job_id, after):
                    return job
                raise Lost(f"job {job_id} ended {status!r} after {elapsed:.1f} s, before reaching {sorted(wanted)}")
            if elapsed > self.wait_timeout:
                raise CouldNotTest(
                    f"job {job_id} did not reach {sorted(wanted)} within the wait bound of {self.wait_timeout:g} s "
                    f"(still {status!r} after {elapsed:.1f} s); raise --wait-timeout for a slow server",
                    fatal=False,
                )
            time.sleep(min(delay, max(0.0, self.deadline - time.monotonic())))
            delay = min(delay * 1.5, self.poll_interval)

    def create(self, result: PropertyResult, model: str, training_file: str) -> str:
        """Create a job and remember it for cancelling; a refusal means the run cannot test what needs one."""
        body = {"model": model, "training_file": training_file, "suffix": "ftjobs-contract"}
        exchange = self.call("POST", "/fine_tuning/jobs", json=body)  # the guard records the job it made
        answer = exchange.body()
        if isinstance(answer, dict) and isinstance(answer.get("id"), str):
            self.created_at[answer["id"]] = time.monotonic()
        if exchange.status in (400, 404, 422):
            raise CouldNotTest(
                f"the server refused to create a job ({exchange.status}) with --model {model} and --training-file "
                f"{training_file}: name a training file the server knows, or test an existing job with "
                "--pause-job, or run --safe",
                exchange,
                fatal=False,
            )
        created = 201 if self.dialect == DATED else 200  # Azure's dated create answers 201 and `Location`
        job_id = self.expect_job(result, exchange, None, status=created)["id"]
        if not usable_id(job_id):
            result.fail(f"the created job's id {job_id!r} cannot name it in a path", exchange)
            raise Stop
        return str(job_id)
