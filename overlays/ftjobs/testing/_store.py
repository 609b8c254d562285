"""The reference server's jobs: the fragment's state machine, driven by simulated time.

Nothing here knows HTTP. A `JobStore` holds jobs as JSON-ready dicts, each shaped like the fragment's
`FineTuningJob`, and moves them along `validating_files → queued → running → succeeded` as its clock
advances. Time is read lazily: every read or write first brings the job up to the clock's present,
so a `ManualClock` makes every test deterministic. A lock serialises all access, so concurrent
pause, resume and cancel calls leave a legal status and an event log that tells the same story.
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ftjobs._parse import integral
from ftjobs._statuses import TERMINAL

Status = Literal["validating_files", "queued", "running", "paused", "succeeded", "failed", "cancelled"]
# Which status each state-changing operation needs, and the status it leads to.
TRANSITIONS: dict[str, tuple[frozenset[str], Status]] = {
    "pause": (frozenset({"running"}), "paused"),
    "resume": (frozenset({"paused"}), "queued"),
    "cancel": (frozenset({"validating_files", "queued", "running", "paused"}), "cancelled"),
}
TOKENS_PER_STEP = 2048
STEPS_PER_EPOCH = 10
AUTO_RESOLVED = {"batch_size": 1, "learning_rate_multiplier": 1.8, "n_epochs": 3}
_ALPHABET = string.ascii_letters + string.digits


class Clock:
    """Wall-clock time in Unix seconds."""

    def now(self) -> float:
        return time.time()


class ManualClock(Clock):
    """A clock that moves only when told to: deterministic time for tests."""

    def __init__(self, start: float = 1_760_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` (not backwards)."""
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        with self._lock:
            self._now += seconds


@dataclass(frozen=True)
class Timings:
    """How long each phase of a job lasts, in (simulated) seconds."""

    validating_files: float = 1.0
    queued: float = 1.0
    running: float = 10.0

    @classmethod
    def from_step(cls, step_seconds: float) -> Timings:
        """Validation and queueing last one step each; training lasts ten."""
        return cls(validating_files=step_seconds, queued=step_seconds, running=10 * step_seconds)


class JobNotFound(LookupError):
    """No job has this id."""

    def __init__(self, job_id: str) -> None:
        super().__init__(job_id)
        self.job_id = job_id


class TransitionForbidden(Exception):
    """The job's status forbids the operation; the job is unchanged."""

    def __init__(self, job_id: str, operation: str, status: str) -> None:
        done = {"pause": "paused", "resume": "resumed", "cancel": "cancelled", "fail": "failed"}[operation]
        super().__init__(f"Fine-tuning job {job_id} is '{status}'; it cannot be {done} from that status.")
        self.job_id = job_id
        self.operation = operation
        self.status = status


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(24))


@dataclass
class _Record:
    """A job plus the bookkeeping that drives it (not part of the job's JSON)."""

    job: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    checkpoints: list[dict[str, Any]] = field(default_factory=list)
    since: float = 0.0  # when the current status began (simulated seconds)
    trained: float = 0.0  # seconds of training done before the current running stretch
    resumed: bool = False  # resumed at least once: `queued` is then a job queued again
    fail_with: dict[str, Any] | None = None  # an error the job will fail with when validation ends


class JobStore:
    """Fine-tuning jobs and their state machine (thread-safe)."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        timings: Timings | None = None,
        organization_id: str = "org-ftjobs",
        failing_training_files: Mapping[str, str] | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.timings = timings or Timings()
        self.organization_id = organization_id
        # training file id → error message: jobs on these files fail when validation ends.
        self.failing_training_files = dict(failing_training_files or {})
        self._records: dict[str, _Record] = {}
        self._order: list[str] = []  # creation order, oldest first
        self._lock = threading.RLock()

    # -- operations ---------------------------------------------------------------------------

    def create(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """Create a job from a request body that already validates against the fragment."""
        now = self.clock.now()
        request = integral(dict(request), "CreateFineTuningJobRequest")
        method = copy.deepcopy(request.get("method") or {"type": "supervised", "supervised": {}})
        if method["type"] == "supervised":
            supervised = method.setdefault("supervised", {})
            given = supervised.get("hyperparameters") or request.get("hyperparameters") or {}
            supervised["hyperparameters"] = _with_auto(given)
            hyperparameters: dict[str, Any] | None = dict(supervised["hyperparameters"])
        else:
            hyperparameters = None
        seed = request.get("seed")
        job: dict[str, Any] = {
            "object": "fine_tuning.job",
            "id": new_id("ftjob-"),
            "model": request["model"],
            "created_at": int(now),
            "error": None,
            "fine_tuned_model": None,
            "finished_at": None,
            "hyperparameters": hyperparameters,
            "organization_id": self.organization_id,
            "result_files": [],
            "seed": int(seed) if seed is not None else secrets.randbelow(2**31),
            "status": "validating_files",
            "trained_tokens": None,
            "training_file": request["training_file"],
            "validation_file": request.get("validation_file"),
            "integrations": copy.deepcopy(request.get("integrations")),
            "estimated_finish": None,
            "method": method,
            "metadata": copy.deepcopy(request.get("metadata")),
            "user_provided_suffix": request.get("suffix"),
        }
        record = _Record(job=job, since=now)
        failure = self.failing_training_files.get(job["training_file"])
        if failure is not None:
            record.fail_with = {"code": "invalid_training_file", "message": failure, "param": "training_file"}
        with self._lock:
            self._records[job["id"]] = record
            self._order.append(job["id"])
            self._event(record, now, f"Created fine-tuning job: {job['id']}", data={"status": job["status"]})
            self._event(record, now, "Validating training file: " + job["training_file"])
            return copy.deepcopy(job)

    def retrieve(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._current(job_id).job)

    def pause(self, job_id: str) -> dict[str, Any]:
        return self._transition(job_id, "pause")

    def resume(self, job_id: str) -> dict[str, Any]:
        return self._transition(job_id, "resume")

    def cancel(self, job_id: str) -> dict[str, Any]:
        return self._transition(job_id, "cancel")

    def fail(self, job_id: str, *, code: str = "server_error", message: str = "The job failed.") -> dict[str, Any]:
        """Make a non-terminal job fail now, with this error (for users' tests of failure paths)."""
        with self._lock:
            now = self.clock.now()  # one reading: the job is brought to it, and fails at it
            record = self._current(job_id, now)
            if record.job["status"] in TERMINAL:
                raise TransitionForbidden(job_id, "fail", record.job["status"])
            if record.job["status"] == "running":
                record.trained += now - record.since  # the running stretch counts, as on cancel
            self._finish(record, "failed", now, error={"code": code, "message": message, "param": None})
            return copy.deepcopy(record.job)

    def list_jobs(
        self, *, after: str | None = None, limit: int = 20, metadata: MetadataFilter = None
    ) -> tuple[list[dict[str, Any]], bool]:
        """A page of jobs, newest first, after the job `after` (an unknown cursor gives an empty page).

        `metadata`, as OpenAI documents the filter: a dict keeps the jobs whose metadata holds every pair of it
        (an empty dict keeps all), `NULL_METADATA` those whose metadata is null or absent; the cursor is a
        position in the whole list, so a page after a job the filter leaves out goes on from there."""
        with self._lock:
            newest_first = list(reversed(self._order))
            if after is not None and after not in newest_first:
                return [], False
            start = newest_first.index(after) + 1 if after is not None else 0
            kept = [job_id for job_id in newest_first[start:] if _kept(self._records[job_id].job, metadata)]
            return [copy.deepcopy(self._current(job_id).job) for job_id in kept[:limit]], len(kept) > limit

    def list_events(
        self, job_id: str, *, after: str | None = None, limit: int = 20
    ) -> tuple[list[dict[str, Any]], bool]:
        """A page of the job's events, newest first."""
        with self._lock:
            events = list(reversed(self._current(job_id).events))
            return _page_of(events, after, limit)

    def list_checkpoints(
        self, job_id: str, *, after: str | None = None, limit: int = 10
    ) -> tuple[list[dict[str, Any]], bool]:
        """A page of the job's checkpoints, newest first."""
        with self._lock:
            checkpoints = list(reversed(self._current(job_id).checkpoints))
            return _page_of(checkpoints, after, limit)

    def was_resumed(self, job_id: str) -> bool:
        """Whether the job has been resumed (so that `queued` means queued again, not yet to start)."""
        with self._lock:
            record = self._records.get(job_id)
            return record is not None and record.resumed

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    # -- state machine ------------------------------------------------------------------------

    def _transition(self, job_id: str, operation: str) -> dict[str, Any]:
        allowed, target = TRANSITIONS[operation]
        with self._lock:
            now = self.clock.now()  # one reading: the job is brought to it, and the decision made at it
            record = self._current(job_id, now)
            job = record.job
            if job["status"] not in allowed:
                raise TransitionForbidden(job_id, operation, job["status"])
            if operation == "cancel":
                if job["status"] == "running":
                    record.trained += now - record.since
                self._finish(record, "cancelled", now)
            elif operation == "pause":
                record.trained += now - record.since
                self._set_status(record, "paused", now, "Fine-tuning job paused")
                job["estimated_finish"] = None
            else:
                record.resumed = True
                self._set_status(record, target, now, "Fine-tuning job resumed")
            return copy.deepcopy(job)

    def _current(self, job_id: str, now: float | None = None) -> _Record:
        """The job's record, brought up to `now` (the clock's present by default; caller holds the lock)."""
        record = self._records.get(job_id)
        if record is None:
            raise JobNotFound(job_id)
        self._advance(record, self.clock.now() if now is None else now)
        return record

    def _advance(self, record: _Record, now: float) -> None:
        """Apply every timed transition due by `now`; paused and terminal jobs stay put."""
        job = record.job
        while True:
            status = job["status"]
            if status == "validating_files" and now >= record.since + self.timings.validating_files:
                at = record.since + self.timings.validating_files
                if record.fail_with is not None:
                    self._finish(record, "failed", at, error=record.fail_with)
                    return
                self._set_status(record, "queued", at, "Files validated, moving job to queued state")
            elif status == "queued" and now >= record.since + self.timings.queued:
                at = record.since + self.timings.queued
                self._set_status(record, "running", at, "Fine-tuning job started")
                self._resolve_auto(job)
            elif status == "running":
                self._checkpoints_until(record, min(now, self._finish_time(record)))
                if now >= self._finish_time(record):
                    at = self._finish_time(record)
                    record.trained = self.timings.running
                    self._finish(record, "succeeded", at)
                    return
                job["estimated_finish"] = int(self._finish_time(record))
                return
            else:
                return

    def _finish_time(self, record: _Record) -> float:
        return record.since + self.timings.running - record.trained

    def _checkpoints_until(self, record: _Record, now: float) -> None:
        """Write the checkpoints (one an epoch) and metrics events that training has reached by `now`."""
        job = record.job
        epochs = _epochs(job)
        trained = record.trained + (now - record.since)
        reached = min(epochs, int(trained * epochs / self.timings.running + 1e-9)) if self.timings.running else epochs
        for epoch in range(len(record.checkpoints) + 1, reached + 1):
            at = record.since + epoch * self.timings.running / epochs - record.trained
            step = epoch * STEPS_PER_EPOCH
            loss = round(2.0 / (1 + epoch), 4)
            suffix = job.get("user_provided_suffix") or "ftjobs"
            record.checkpoints.append(
                {
                    "object": "fine_tuning.job.checkpoint",
                    "id": new_id("ftckpt_"),
                    "created_at": int(at),
                    "fine_tuned_model_checkpoint": f"ft:{job['model']}:{self.organization_id}:{suffix}:"
                    f"{job['id'][-8:]}:ckpt-step-{step}",
                    "fine_tuning_job_id": job["id"],
                    "metrics": {"step": float(step), "train_loss": loss, "train_mean_token_accuracy": 1 - loss / 4},
                    "step_number": step,
                }
            )
            self._event(
                record,
                at,
                f"Step {step}/{epochs * STEPS_PER_EPOCH}: training loss={loss}",
                kind="metrics",
                data={"step": step, "train_loss": loss},
            )

    def _finish(self, record: _Record, status: Status, at: float, *, error: dict[str, Any] | None = None) -> None:
        job = record.job
        job["finished_at"] = int(at)
        job["estimated_finish"] = None
        steps_done = (
            int(record.trained / self.timings.running * _epochs(job) * STEPS_PER_EPOCH) if (self.timings.running) else 0
        )
        job["trained_tokens"] = steps_done * TOKENS_PER_STEP
        if status == "succeeded":
            suffix = job.get("user_provided_suffix") or "ftjobs"
            job["fine_tuned_model"] = f"ft:{job['model']}:{self.organization_id}:{suffix}:{job['id'][-8:]}"
            job["result_files"] = [new_id("file-")]
            message = "The job has successfully completed"
        elif status == "failed":
            job["error"] = error
            message = f"Fine-tuning job failed: {error['message'] if error else 'unknown error'}"
        else:
            message = "Fine-tuning job cancelled"
        self._set_status(record, status, at, message, level="error" if status == "failed" else "info")

    def _set_status(self, record: _Record, status: Status, at: float, message: str, *, level: str = "info") -> None:
        record.job["status"] = status
        record.since = at
        self._event(record, at, message, level=level, data={"status": status})

    def _resolve_auto(self, job: dict[str, Any]) -> None:
        """Training starts: `auto` hyperparameters become the values the service chose."""
        for holder in (job.get("hyperparameters"), job["method"].get("supervised", {}).get("hyperparameters")):
            if holder:
                for name, chosen in AUTO_RESOLVED.items():
                    if holder.get(name) in ("auto", None):
                        holder[name] = chosen

    @staticmethod
    def _event(
        record: _Record,
        at: float,
        message: str,
        *,
        level: str = "info",
        kind: str = "message",
        data: dict[str, Any] | None = None,
    ) -> None:
        record.events.append(
            {
                "object": "fine_tuning.job.event",
                "id": new_id("ftevent-"),
                "created_at": int(at),
                "level": level,
                "message": message,
                "type": kind,
                "data": data or {},
            }
        )


def _with_auto(given: Mapping[str, Any]) -> dict[str, Any]:
    """The shared hyperparameters, `auto` where not given."""
    return {name: given.get(name, "auto") for name in ("batch_size", "learning_rate_multiplier", "n_epochs")}


def _epochs(job: Mapping[str, Any]) -> int:
    hyperparameters = job.get("hyperparameters") or {}
    n_epochs = hyperparameters.get("n_epochs")
    return int(n_epochs) if isinstance(n_epochs, int | float) else int(AUTO_RESOLVED["n_epochs"])


NULL_METADATA: Final = "null"  # `metadata=null`: the jobs with no metadata
MetadataFilter = dict[str, str] | Literal["null"] | None


def _kept(job: dict[str, Any], metadata: MetadataFilter) -> bool:
    if metadata is None:
        return True
    held = job.get("metadata")
    if metadata == NULL_METADATA:
        return held is None
    return isinstance(held, dict) and all(held.get(key) == value for key, value in metadata.items())


def _page(ids: list[str], after: str | None, limit: int) -> tuple[list[str], bool]:
    start = 0
    if after is not None:
        if after not in ids:
            return [], False
        start = ids.index(after) + 1
    page = ids[start : start + limit]
    return page, start + limit < len(ids)


def _page_of(items: list[dict[str, Any]], after: str | None, limit: int) -> tuple[list[dict[str, Any]], bool]:
    by_id = {item["id"]: item for item in items}
    page, more = _page([item["id"] for item in items], after, limit)
    return [copy.deepcopy(by_id[item_id]) for item_id in page], more
