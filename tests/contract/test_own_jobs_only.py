"""The suite changes only what it created: on a server that already holds jobs in every status, a full run, a
full `--pause-job` run and a `--safe --pause-job` run send not one state-changing request to a job they did not
create (the server counts what reached it), and leave each such job exactly as it was."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from ftjobs.contract import ContractOptions, Outcome, run_contract
from ftjobs.contract._guard import Guard
from ftjobs.testing import JobStore, Timings, create_app, serve_app
from tests.contract.asgi import KEY

pytestmark = pytest.mark.usefixtures("embedded_only")
STATUSES = ("validating_files", "queued", "running", "paused", "succeeded", "failed", "cancelled")
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class Frozen(JobStore):
    """A store whose preloaded jobs stand still (only a request can change them); the suite's jobs move on, and so
    does the job given to --pause-job, which must run again after its resume."""

    frozen: frozenset[str] = frozenset()

    def _advance(self, record: Any, now: float) -> None:
        if record.job["id"] not in self.frozen:
            super()._advance(record, now)


@dataclass
class Account:
    """The user's jobs, one per status (and a second running one to pause), and every request that reached them."""

    store: Frozen
    jobs: dict[str, str]  # id → status
    pause_job: str
    requests: collections.Counter[tuple[str, str, str]] = field(
        default_factory=collections.Counter
    )  # method, job, path

    def counting(self, app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                for job_id in self.jobs:
                    if job_id in scope["path"]:
                        self.requests[(scope["method"], job_id, scope["path"])] += 1
            await app(scope, receive, send)

        return wrapped

    def changes(self, job_id: str) -> list[str]:
        """Every request to `job_id` that could change it, as `METHOD path`."""
        return sorted(
            f"{method} {path}"
            for (method, job, path), n in self.requests.items()
            for _ in range(n)
            if job == job_id and method not in READS
        )

    def snapshot(self) -> dict[str, tuple[str, list[dict[str, Any]]]]:
        return {
            job_id: (self.store.retrieve(job_id)["status"], self.store.list_events(job_id, limit=100)[0])
            for job_id in self.jobs
        }


@pytest.fixture
def account() -> Account:
    store = Frozen(timings=Timings(0.1, 0.1, 600.0))
    jobs: dict[str, str] = {}
    for status in (*STATUSES, "running"):
        job_id = store.create({"model": "gpt-4o-mini", "training_file": "file-users-own", "suffix": "theirs"})["id"]
        with store._lock:
            store._records[job_id].job["status"] = status
        jobs[job_id] = status
    pause_job = next(job_id for job_id, status in reversed(jobs.items()) if status == "running")
    store.frozen = frozenset(jobs) - {pause_job}  # it must run on after its resume
    return Account(store, jobs, pause_job)


@pytest.mark.parametrize(
    ("safe", "pause"), [(False, False), (False, True), (True, True)], ids=["full", "full-pause-job", "safe-pause-job"]
)
def test_jobs_the_run_did_not_create_are_left_as_they_were(
    account: Account, tmp_path: Path, safe: bool, pause: bool
) -> None:
    """Not one pause, resume or cancel reaches a job of the user's; the --pause-job job is paused, resumed, running."""
    before = account.snapshot()
    app = account.counting(create_app(account.store, api_keys=[KEY]))
    with serve_app(app) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1",
            KEY,
            safe=safe,
            pause_job=account.pause_job if pause else None,
            max_examples=5,
            stateful_steps=5,
            poll_interval=0.05,
            still_seconds=0.3,
            report_dir=tmp_path,
        )
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    after = account.snapshot()
    for job_id in account.jobs:
        if pause and job_id == account.pause_job:
            allowed = {f"POST /v1/fine_tuning/jobs/{job_id}/{action}" for action in ("pause", "resume")}
            assert account.changes(job_id)
            assert set(account.changes(job_id)) <= allowed
            assert after[job_id][0] == "running"
            continue
        assert account.changes(job_id) == [], f"{account.jobs[job_id]} job {job_id} got {account.changes(job_id)}"
        assert after[job_id] == before[job_id]
    created = [job for job in account.store.list_jobs(limit=1000)[0] if job["id"] not in account.jobs]
    assert {job["status"] for job in created} <= {"cancelled", "failed", "succeeded"}
    assert len(created) == (0 if safe else len(report.created))


def test_guard_replaces_other_jobs_ids_in_state_changing_requests() -> None:
    """Only own jobs (and named ones, for the named actions, on the trusted door) keep their id; reads keep theirs."""
    import httpx

    guard = Guard("/v1", named={"ftjob-named": frozenset({"pause", "resume"})})
    guard.learn(200, {"id": "ftjob-own"})
    guard.record(b'{"object": "list", "data": [{"id": "ftjob-theirs", "status": "running"}]}', None)  # a list answer
    url = "http://h/v1/fine_tuning/jobs/{}/{}"

    def kept(method: str, job_id: str, action: str, *, trusted: bool = False) -> bool:
        sent = guard.admit(method, httpx.URL(url.format(job_id, action)), trusted=trusted)
        return f"/jobs/{job_id}/" in sent.path

    assert kept("POST", "ftjob-own", "cancel")
    assert not kept("POST", "ftjob-theirs", "cancel")
    assert not kept("DELETE", "ftjob-theirs", "")
    assert not kept("PUT", "ftjob-theirs", "events")
    assert kept("GET", "ftjob-theirs", "events")
    assert kept("POST", "ftjob-named", "pause", trusted=True)
    assert not kept("POST", "ftjob-named", "pause")  # schemathesis' door
    assert not kept("POST", "ftjob-named", "cancel", trusted=True)
    assert kept("POST", "0", "pause")  # an id nobody answered (schemathesis' fuzzing): no job of anyone's
    assert kept("POST", "running", "pause")  # a status, not an id: never held under an id key, so kept …
    guard.record(b"<html>ftjob-in-a-page</html>", "/v1/fine_tuning/jobs/ftjob-located")
    assert not kept("POST", "ftjob-located", "cancel")  # … and a Location header counts as seen
    assert not kept("POST", "x%2F..%2Fftjob-own-or-not", "cancel")  # an encoded slash: a decoding server reroutes it
    merged = guard.admit("POST", httpx.URL("http://h/v1//fine_tuning/jobs/ftjob-theirs/cancel"), trusted=True)
    assert "ftjob-theirs" not in merged.path  # doubled slashes, which a server may merge, do not hide an id
    empty = guard.admit("GET", httpx.URL("http://h/v1/fine_tuning/jobs//events"), trusted=True)
    assert "/jobs//" not in empty.path
    assert guard.redirected == 8  # the eight refused above; the empty id is replaced but is nobody's job
