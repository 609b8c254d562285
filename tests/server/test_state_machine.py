"""A hypothesis state machine drives the reference server over HTTP against a model of the fragment's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule
from starlette.testclient import TestClient

from ftjobs.testing import JobStore, ManualClock, Timings, create_app
from tests.server.conftest import KEY, response_errors

TIMINGS = Timings(validating_files=1.0, queued=1.0, running=10.0)
ALLOWED = {
    "pause": ({"running"}, "paused"),
    "resume": ({"paused"}, "queued"),
    "cancel": ({"validating_files", "queued", "running", "paused"}, "cancelled"),
}
NEXT = {"validating_files": ("queued", TIMINGS.validating_files), "queued": ("running", TIMINGS.queued)}


@dataclass
class ModelJob:
    """What the fragment says a job should be: its status, time spent in it, training left, history."""

    status: str = "validating_files"
    elapsed: float = 0.0
    training_left: float = TIMINGS.running
    history: list[str] = field(default_factory=lambda: ["validating_files"])

    def advance(self, seconds: float) -> None:
        while seconds > 0:
            if self.status in NEXT:
                target, duration = NEXT[self.status]
                need = duration - self.elapsed
            elif self.status == "running":
                target, need = "succeeded", self.training_left
            else:
                return
            if seconds >= need:
                seconds -= need
                if self.status == "running":
                    self.training_left = 0.0
                self.enter(target)
            else:
                self.elapsed += seconds
                if self.status == "running":
                    self.training_left -= seconds
                return

    def enter(self, status: str) -> None:
        self.status = status
        self.elapsed = 0.0
        self.history.append(status)


class ReferenceServerMachine(RuleBasedStateMachine):
    """Random creates, clock moves and transitions; every answer checked against the model."""

    jobs = Bundle("jobs")

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock()
        self.store = JobStore(clock=self.clock, timings=TIMINGS)
        self.http = TestClient(create_app(self.store, api_keys=[KEY]), base_url="http://reference/v1")
        self.http.headers["Authorization"] = f"Bearer {KEY}"
        self.model: dict[str, ModelJob] = {}

    def call(self, method: str, path: str, operation: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        assert response_errors(operation, response) == []
        assert response.headers["content-type"] == "application/json"
        return response

    @rule(target=jobs, model_name=st.sampled_from(["gpt-4o-mini", "gpt-4.1-nano"]))
    def create(self, model_name: str) -> str:
        body = {"model": model_name, "training_file": "file-train"}
        job = self.call("POST", "/fine_tuning/jobs", "createFineTuningJob", json=body).json()
        assert job["status"] == "validating_files"
        self.model[job["id"]] = ModelJob()
        return str(job["id"])

    @rule(seconds=st.sampled_from([0.5, 1.0, 3.0, 10.0]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        for job in self.model.values():
            job.advance(seconds)

    @rule(operation=st.sampled_from(sorted(ALLOWED)))
    def transition_every_job(self, operation: str) -> None:
        """One operation on every job at once: many (status, operation) pairs a step."""
        for job_id in list(self.model):
            self.transition(job_id, operation)

    @rule(job_id=jobs, operation=st.sampled_from(sorted(ALLOWED)))
    def transition(self, job_id: str, operation: str) -> None:
        job = self.model[job_id]
        operation_id = f"{operation}FineTuningJob"
        response = self.call("POST", f"/fine_tuning/jobs/{job_id}/{operation}", operation_id)
        allowed, target = ALLOWED[operation]
        if job.status in allowed:
            assert response.status_code == 200
            assert response.json()["id"] == job_id
            assert response.json()["status"] == target
            job.enter(target)
        else:
            assert response.status_code == 400
            assert response.json()["error"]["code"] == "invalid_job_status"

    @rule(job_id=jobs)
    def retrieve(self, job_id: str) -> None:
        response = self.call("GET", f"/fine_tuning/jobs/{job_id}", "retrieveFineTuningJob")
        assert response.status_code == 200
        assert response.json()["status"] == self.model[job_id].status

    @rule(job_id=consumes(jobs))
    def fail(self, job_id: str) -> None:
        job = self.model[job_id]
        if job.status in {"succeeded", "failed", "cancelled"}:
            return
        failed = self.store.fail(job_id, code="boom", message="made to fail")
        assert failed["error"] == {"code": "boom", "message": "made to fail", "param": None}
        job.enter("failed")

    @rule(job_id=st.text(alphabet="abcdefXYZ-_019é", min_size=1, max_size=40).map(lambda s: "ftjob-" + s))
    def unknown_id(self, job_id: str) -> None:
        response = self.call("POST", f"/fine_tuning/jobs/{job_id}/pause", "pauseFineTuningJob")
        assert response.status_code == 404

    @invariant()
    def statuses_and_event_logs_match(self) -> None:
        for job_id, job in self.model.items():
            assert self.store.retrieve(job_id)["status"] == job.status
            events, _ = self.store.list_events(job_id, limit=1000)
            told = [event["data"]["status"] for event in reversed(events) if "status" in event["data"]]
            assert told == job.history


ReferenceServerMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestReferenceServer = ReferenceServerMachine.TestCase


class _ScriptedClock(ManualClock):
    """A clock that moves on by `step` seconds every time it is read: two readings in one operation disagree."""

    def __init__(self, step: float) -> None:
        super().__init__()
        self.step = step

    def now(self) -> float:
        reading = super().now()
        self.advance(self.step)
        return reading


def test_a_transition_reads_the_clock_once() -> None:
    """Pause decides and acts at one clock reading: a job still running at it is paused at it, not after its end."""
    clock = _ScriptedClock(step=0.0)
    start = clock.now()
    store = JobStore(clock=clock, timings=Timings(validating_files=0.0, queued=0.0, running=10.0))
    job_id = store.create({"model": "m", "training_file": "f"})["id"]
    clock.advance(9.5)
    clock.step = 1.0  # this reading says 9.5 s (running), the next one 10.5 s (past the end of training)
    assert store.pause(job_id)["status"] == "paused"
    paused = [event for event in store.list_events(job_id, limit=100)[0] if event["data"].get("status") == "paused"]
    assert [event["created_at"] for event in paused] == [int(start + 9.5)]
    assert store.retrieve(job_id)["status"] == "paused"


def test_fail_counts_the_running_stretch_as_cancel_does() -> None:
    """fail() of a running job records the tokens trained so far, like cancel."""
    results = {}
    for end in ("fail", "cancel"):
        clock = ManualClock()
        store = JobStore(clock=clock, timings=Timings(validating_files=0.0, queued=0.0, running=10.0))
        job_id = store.create({"model": "m", "training_file": "f"})["id"]
        clock.advance(5.0)
        results[end] = getattr(store, end)(job_id)["trained_tokens"]
    assert results["fail"] == results["cancel"] > 0
