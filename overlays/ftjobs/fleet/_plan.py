"""A fleet operation's plan: every page listed, the jobs selected, and those an earlier run of the journal already
settled; the outcome of each job and the report of a run."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ftjobs._exceptions import (
    APIStatusError,
    BadRequestError,
    FtjobsError,
    RateLimitError,
    UnprocessableEntityError,
)
from ftjobs._retry import retry_after
from ftjobs._statuses import REACHED
from ftjobs.fleet._journal import Journal
from ftjobs.fleet._selection import Action, Selection
from ftjobs_api.types import Unset

if TYPE_CHECKING:
    from ftjobs._client import Client
    from ftjobs._models import FineTuningJob

Result = Literal["changed", "already", "skipped", "failed", "not started", "planned"]
PAGE_SIZE = 100
RATE_LIMITED_ROUNDS = 8  # after the client's retries, a job answered 429 is asked again this often
STOPPED_RUN = "the request of a run that stopped before recording its answer took effect"


class TooManyJobs(FtjobsError):
    """More jobs would be changed than `max_jobs` allows; nothing was changed."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one job."""

    id: str
    action: str
    result: Result
    status_before: str | None = None
    status_after: str | None = None
    error: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if value is not None}


@dataclass
class Plan:
    """The jobs an operation will act on (`jobs`: id → the job as the server showed it), and those it leaves
    alone with the reason (`outcomes`: done by an earlier run of the journal, or no longer paused)."""

    action: Action
    selection: Selection
    jobs: dict[str, dict[str, Any]]
    outcomes: list[Outcome]
    listed: int  # jobs the server listed (or the journal named)
    journal: Journal | None = None


@dataclass
class FleetReport:
    """The outcome of every job a plan held, in the order they finished; `interrupted` after Ctrl-C."""

    action: str
    outcomes: list[Outcome]
    journal: Path | None = None
    interrupted: bool = False
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        found = Counter(outcome.result for outcome in self.outcomes)
        return {name: found.get(name, 0) for name in ("changed", "already", "skipped", "failed", "not started")}

    def skipped_by_status(self) -> dict[str, int]:
        return dict(Counter(outcome.status_after or "gone" for outcome in self.outcomes if outcome.result == "skipped"))

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.result == "failed"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "dry_run": self.dry_run,
            "interrupted": self.interrupted,
            "journal": str(self.journal) if self.journal else None,
            "counts": self.counts() if not self.dry_run else {"planned": len(self.outcomes)},
            "skipped_by_status": self.skipped_by_status(),
            "jobs": [outcome.to_dict() for outcome in self.outcomes],
        }


def _open(client: Client, journal: str | Path | Journal | None) -> Journal | None:
    if journal is None or isinstance(journal, Journal):
        return journal
    return Journal.open(journal, client._settings.base_url)


def plan(
    client: Client,
    action: Action,
    selection: Selection | None = None,
    *,
    journal: str | Path | Journal | None = None,
    max_jobs: int | None = None,
) -> Plan:
    """List every page and select the jobs `action` is for; jobs the journal shows done are left out.

    Raises `TooManyJobs` when more than `max_jobs` would be changed, `JournalError` for a journal that cannot be
    read or belongs to another server. Sends no state-changing request.
    """
    chosen = (selection or Selection()).for_action(action)
    book = _open(client, journal)
    before = book.last(action) if book is not None else {}
    jobs: dict[str, dict[str, Any]] = {}
    outcomes: list[Outcome] = []
    seen: set[str] = set()
    for job in _every_job(client, chosen.metadata):
        raw = _summary(job)
        job_id, status = raw.get("id"), raw.get("status")
        if not isinstance(job_id, str) or job_id in seen:
            continue  # a job listed twice (pages shifted under new jobs) is one job
        seen.add(job_id)
        earlier = before.get(job_id)
        done = _done_before(action, job_id, earlier, status)
        if done is not None:
            outcomes.append(done)
        elif chosen.matches(raw):
            jobs[job_id] = raw
    if max_jobs is not None and len(jobs) > max_jobs:
        raise TooManyJobs(f"{len(jobs)} jobs would be {_done(action)}, more than the {max_jobs} allowed")
    return Plan(action, chosen, jobs, outcomes, len(seen), book)


def _every_job(client: Client, metadata: Mapping[str, str]) -> Iterator[FineTuningJob]:
    """Every job the server lists, page by page; each page asked again while it answers 429.

    A metadata selection is sent as OpenAI's list filter (`metadata[k]=v`), so that a big account lists only
    the jobs it may select; the selection still checks every listed job itself (a server may ignore the filter),
    and a server that refuses the filter (400, 422) is listed without it."""
    page = None
    if metadata:
        with contextlib.suppress(BadRequestError, UnprocessableEntityError):  # then listed without the filter
            page = _patiently(lambda: client.fine_tuning.jobs.list(limit=PAGE_SIZE, metadata=dict(metadata)))
    if page is None:
        page = _patiently(lambda: client.fine_tuning.jobs.list(limit=PAGE_SIZE))
    yield from page.data
    while page.has_next_page():
        page = _patiently(page.get_next_page)
        yield from page.data


SUMMARY_FIELDS = ("id", "status", "model", "created_at", "user_provided_suffix", "fine_tuned_model")


def _summary(job: FineTuningJob) -> dict[str, Any]:
    """What a selection and a plan read of a job, as the server sent it: a few fields, read directly (a whole
    `to_dict()` per listed job cost more than the listing itself)."""
    found: dict[str, Any] = {}
    for name in SUMMARY_FIELDS:
        value = getattr(job, name, None)
        if not isinstance(value, Unset):
            found[name] = value
    metadata = getattr(job, "metadata", None)
    as_dict = getattr(metadata, "to_dict", None)
    found["metadata"] = as_dict() if callable(as_dict) else metadata
    return found


def _done_before(action: str, job_id: str, earlier: str | None, status: object) -> Outcome | None:
    """`already` for a job the journal records as changed by `action`, or as being sent by a run that stopped
    before recording the answer while the job now shows the transition's status (it took effect; recorded when
    the plan runs). `None`: nothing earlier settles this job."""
    if earlier == "changed":
        return Outcome(job_id, action, "already", status_after=str(status))
    if earlier == "sending" and status in REACHED[action]:
        return Outcome(job_id, action, "already", status_after=str(status), note=STOPPED_RUN)
    return None


def plan_from_journal(
    client: Client, journal: str | Path | Journal, *, concurrency: int = 4, max_jobs: int | None = None
) -> Plan:
    """Resume exactly the jobs `journal` records as paused by its runs: each is read, and only those still
    paused are planned; the others are `skipped` with the status they show. Sends no state-changing request."""
    book = journal if isinstance(journal, Journal) else Journal.open(journal, client._settings.base_url)
    held = book.paused_here()
    before = book.last("resume")
    jobs: dict[str, dict[str, Any]] = {}
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def read(job_id: str) -> None:
        try:
            raw = _summary(_patiently(lambda: client.fine_tuning.jobs.retrieve(job_id)))
        except APIStatusError as refused:
            if refused.status_code != 404:
                raise
            with lock:
                outcomes.append(Outcome(job_id, "resume", "skipped", "paused", "gone"))
            return
        done = _done_before("resume", job_id, before.get(job_id), raw.get("status"))
        with lock:
            if done is not None:
                outcomes.append(done)
            elif raw.get("status") == "paused":
                jobs[job_id] = raw
            else:
                outcomes.append(Outcome(job_id, "resume", "skipped", "paused", str(raw.get("status"))))

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="ftjobs-fleet-read") as pool:
        for future in [pool.submit(read, job_id) for job_id in held]:
            future.result()
    ordered = {job_id: jobs[job_id] for job_id in held if job_id in jobs}
    if max_jobs is not None and len(ordered) > max_jobs:
        raise TooManyJobs(f"{len(ordered)} jobs would be resumed, more than the {max_jobs} allowed")
    return Plan("resume", Selection(frozenset({"paused"})), ordered, outcomes, len(held), book)


T = TypeVar("T")


NEVER = threading.Event()  # a stop that never comes: for the reads before a run


def _patiently(call: Callable[[], T], stop: threading.Event = NEVER) -> T:
    """`call()`, asked again while the server answers 429 after the client's own retries (a 429 did not reach
    the job): up to `RATE_LIMITED_ROUNDS` more times, waiting as the server asks (else 1, 2, 4 … s, at most 30),
    until `stop` is set."""
    round_ = 0
    while True:
        try:
            return call()
        except RateLimitError as limited:
            wait = retry_after(limited.response.headers)
            if round_ == RATE_LIMITED_ROUNDS or stop.wait(min(2.0**round_, 30.0) if wait is None else wait):
                raise
            round_ += 1


def _done(action: str) -> str:
    return {"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[action]
