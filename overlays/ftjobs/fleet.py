"""Fleet operations: pause, resume or cancel every job that matches, a bounded number at a time, with a journal.

    from ftjobs import Client, fleet

    with Client() as client:
        plan = fleet.plan(client, "pause", fleet.Selection(metadata={"team": "search"}), journal="pause.jsonl")
        report = fleet.execute(client, plan, concurrency=8)   # report.counts(), report.outcomes
        ...
        plan = fleet.plan_from_journal(client, "pause.jsonl") # exactly the jobs that run paused, if still paused
        fleet.execute(client, plan)

The rules, for every job:
- At most one state-changing request at a time, and none for a job the journal already records as changed by
  this action. The `sending` line is flushed before the request leaves; a later run that finds it without an
  outcome reads the job's listed status: the transition's status means the earlier request took effect
  (recorded `changed`, nothing sent); the status selected means it did not (sent once now).
- A refusal (400, 404, 409) is followed by one read: a job whose status left the selection (it ended, or someone
  else paused it) is `skipped` with that status, not failed.
- Everything else the client's own retries cover (429 with `retry-after`, connection errors, 5xx; a lost answer is
  confirmed by a read). A 429 never reached the job, so after those retries it is asked again, waiting as the
  server says, up to `RATE_LIMITED_ROUNDS` times. What still fails is `failed`, with the error in one line,
  credentials removed.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ftjobs._auth import KeyAuth
from ftjobs._exceptions import APIError, APIStatusError, FtjobsError, RateLimitError
from ftjobs._interrupts import ctrl_c_delivered
from ftjobs._journal import Journal, JournalError
from ftjobs._recovery import REACHED
from ftjobs._retry import retry_after
from ftjobs._wait import TERMINAL_STATUSES

if TYPE_CHECKING:
    from ftjobs._client import Client
    from ftjobs._models import FineTuningJob

__all__ = [
    "Action",
    "FleetInterrupted",
    "FleetReport",
    "JournalError",
    "Outcome",
    "Plan",
    "Selection",
    "TooManyJobs",
    "default_statuses",
    "execute",
    "parse_time",
    "plan",
    "plan_from_journal",
]

Action = Literal["pause", "resume", "cancel"]
Result = Literal["changed", "already", "skipped", "failed", "not started", "planned"]
PAGE_SIZE = 100
RATE_LIMITED_ROUNDS = 8  # after the client's retries, a job answered 429 is asked again this often
STOPPED_RUN = "the request of a run that stopped before recording its answer took effect"
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")  # a dated snapshot of a model alias: gpt-4o-mini-2024-07-18


class TooManyJobs(FtjobsError):
    """More jobs would be changed than `max_jobs` allows; nothing was changed."""


class FleetInterrupted(FtjobsError):
    """Ctrl-C stopped a run; `report` holds what was done (the journal holds it too)."""

    def __init__(self, report: FleetReport) -> None:
        super().__init__("interrupted")
        self.report = report


def default_statuses(action: str) -> frozenset[str]:
    """Running for pause, paused for resume, every status that has not ended for cancel."""
    from ftjobs._spec import known_statuses

    return {
        "pause": frozenset({"running"}),
        "resume": frozenset({"paused"}),
        "cancel": frozenset(known_statuses()) - TERMINAL_STATUSES,
    }[action]


def parse_time(value: str) -> float:
    """Unix seconds, or an ISO 8601 date or time (UTC unless it says otherwise); `ValueError` otherwise."""
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected an ISO 8601 date or time, or Unix seconds, got {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True)
class Selection:
    """Which jobs an operation is for. Every filter is applied here, whatever the server does with list filters."""

    statuses: frozenset[str] = frozenset()  # empty: the action's default (`default_statuses`)
    model: str | None = None  # the base model, or its dated snapshot
    suffix: str | None = None  # the job's `user_provided_suffix`, or the suffix in `fine_tuned_model`
    metadata: Mapping[str, str] = field(default_factory=dict)  # every pair must match
    created_after: float | None = None  # Unix seconds, exclusive
    created_before: float | None = None  # Unix seconds, exclusive

    def for_action(self, action: str) -> Selection:
        """This selection with the action's default statuses filled in."""
        if self.statuses:
            return self
        return Selection(
            default_statuses(action),
            self.model,
            self.suffix,
            dict(self.metadata),
            self.created_after,
            self.created_before,
        )

    def matches(self, job: Mapping[str, Any]) -> bool:
        """Whether a job (as the server sent it) is selected."""
        if job.get("status") not in self.statuses:
            return False
        model = job.get("model")
        if self.model is not None and not (
            model == self.model or (isinstance(model, str) and _DATED.sub("", model) == self.model)
        ):
            return False
        if self.suffix is not None and self.suffix not in _suffixes(job):
            return False
        metadata = job.get("metadata")
        if self.metadata and not (
            isinstance(metadata, dict) and all(metadata.get(key) == value for key, value in self.metadata.items())
        ):
            return False
        created = job.get("created_at")
        if self.created_after is None and self.created_before is None:
            return True
        if not isinstance(created, int | float) or isinstance(created, bool):
            return False  # a job without a creation time matches no time filter
        after = self.created_after if self.created_after is not None else float("-inf")
        before = self.created_before if self.created_before is not None else float("inf")
        return after < created < before


def _suffixes(job: Mapping[str, Any]) -> set[str]:
    """The suffixes a job carries: `user_provided_suffix`, and the one inside `fine_tuned_model` — OpenAI's
    `ft:BASE:ORG:SUFFIX:ID` and Azure's `BASE.ft-HEX-SUFFIX`."""
    found = {job["user_provided_suffix"]} if isinstance(job.get("user_provided_suffix"), str) else set()
    name = job.get("fine_tuned_model")
    if isinstance(name, str):
        parts = name.split(":")
        if len(parts) >= 5 and parts[0] == "ft":
            found.add(parts[3])
        azure = re.search(r"\.ft-[0-9a-f]+-(.+)$", name)
        if azure:
            found.add(azure.group(1))
    return found


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
    return Journal.open(journal, client.base_url)


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
    for job in client.fine_tuning.jobs.list(limit=PAGE_SIZE):
        raw = job.to_dict()
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
    book = journal if isinstance(journal, Journal) else Journal.open(journal, client.base_url)
    held = book.paused_here()
    before = book.last("resume")
    jobs: dict[str, dict[str, Any]] = {}
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def read(job_id: str) -> None:
        try:
            raw = client.fine_tuning.jobs.retrieve(job_id).to_dict()
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


def execute(
    client: Client,
    plan: Plan,
    *,
    concurrency: int = 4,
    on_outcome: Callable[[Outcome], object] | None = None,
) -> FleetReport:
    """Act on every job of `plan`, at most `concurrency` requests in flight, each job's lines in the journal.

    `on_outcome` is called (from a worker thread) as each job finishes. Ctrl-C: no new request is sent, those in
    flight are answered and recorded, then `FleetInterrupted` carries the report (jobs never sent: `not started`).
    """
    if concurrency < 1:
        raise ValueError("concurrency must be 1 or more")
    return _Run(client, plan, on_outcome).run(concurrency)


class _Run:
    """One execution of a plan: the workers' shared state (outcomes, the stop flag, the journal)."""

    def __init__(self, client: Client, plan: Plan, on_outcome: Callable[[Outcome], object] | None) -> None:
        self.client, self.plan, self.on_outcome = client, plan, on_outcome
        self.book = plan.journal
        self.scrub = _scrubber(client)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.report = FleetReport(plan.action, list(plan.outcomes), self.book.path if self.book else None)

    def run(self, concurrency: int) -> FleetReport:
        for confirmed in self.plan.outcomes:
            if confirmed.note == STOPPED_RUN and self.book is not None:
                self.book.write(confirmed.action, confirmed.id, "changed", status_after=confirmed.status_after)
        pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="ftjobs-fleet")
        futures = [pool.submit(self.act, job_id, str(job.get("status"))) for job_id, job in self.plan.jobs.items()]
        with ctrl_c_delivered() as ctrl_c:
            try:
                _settle(futures)
            except (KeyboardInterrupt, JournalError) as stopped:
                ctrl_c.acknowledge()
                self.stop.set()  # nothing new is sent; what is in flight is answered and recorded
                pool.shutdown(wait=False, cancel_futures=True)
                _settle(futures, quietly=True)  # a second Ctrl-C ends this wait (the journal says `sending`)
                self.not_started()
                if isinstance(stopped, JournalError):
                    raise
                self.report.interrupted = True
                raise FleetInterrupted(self.report) from None
            finally:
                pool.shutdown(wait=False)
                if self.book is not None:
                    self.book.close()
        return self.report

    def act(self, job_id: str, listed: str) -> None:
        """A worker's job: the `sending` line, the request, its outcome."""
        if self.stop.is_set():
            return
        if self.book is not None:
            self.book.write(self.plan.action, job_id, "sending", status_before=listed)
        self.finish(self.transition(job_id, listed))

    def transition(self, job_id: str, listed: str) -> Outcome:
        """One job's request, and what it came to."""
        action = self.plan.action
        jobs = self.client.fine_tuning.jobs
        call = {"pause": jobs.pause, "resume": jobs.resume, "cancel": jobs.cancel}[action]
        try:
            job = self.patiently(call, job_id)
        except RateLimitError as limited:
            if self.stop.is_set():  # stopped while the server asked to wait: the job was not reached
                return Outcome(job_id, action, "not started", listed)
            return Outcome(job_id, action, "failed", listed, error=_one_line(limited, self.scrub))
        except APIStatusError as refused:
            if refused.status_code not in (400, 404, 409):
                return Outcome(job_id, action, "failed", listed, error=_one_line(refused, self.scrub))
            return self.after_refusal(job_id, listed, refused)
        except APIError as failed:
            return Outcome(job_id, action, "failed", listed, error=_one_line(failed, self.scrub))
        status = str(job.status)
        if status not in REACHED[action]:
            error = f"answered 200 with status {status!r}, not one of {', '.join(sorted(REACHED[action]))}"
            return Outcome(job_id, action, "failed", listed, status, error)
        return Outcome(job_id, action, "changed", listed, status)

    def after_refusal(self, job_id: str, listed: str, refused: APIStatusError) -> Outcome:
        """A refused transition: skipped if the job's status left the selection since it was listed (or the job
        is gone), else failed."""
        action = self.plan.action
        if refused.status_code == 404:
            return Outcome(job_id, action, "skipped", listed, "gone", _one_line(refused, self.scrub))
        try:
            status = str(self.patiently(self.client.fine_tuning.jobs.retrieve, job_id).status)
        except APIError as unread:
            why = f"{_one_line(refused, self.scrub)}; reading the job then failed: {_one_line(unread, self.scrub)}"
            return Outcome(job_id, action, "failed", listed, error=why)
        if status not in self.plan.selection.statuses:
            return Outcome(job_id, action, "skipped", listed, status)
        return Outcome(job_id, action, "failed", listed, status, _one_line(refused, self.scrub))

    def patiently(self, call: Callable[[str], FineTuningJob], job_id: str) -> FineTuningJob:
        """`call(job_id)`, asked again while the server answers 429 after the client's own retries (a 429 did
        not reach the job): up to `RATE_LIMITED_ROUNDS` more times, waiting as it asks, until the run stops."""
        round_ = 0
        while True:
            try:
                return call(job_id)
            except RateLimitError as limited:
                wait = retry_after(limited.response.headers)
                if round_ == RATE_LIMITED_ROUNDS or self.stop.wait(min(2.0**round_, 30.0) if wait is None else wait):
                    raise
                round_ += 1

    def finish(self, outcome: Outcome) -> None:
        if self.book is not None:
            details = {"status_before": outcome.status_before, "status_after": outcome.status_after}
            self.book.write(outcome.action, outcome.id, outcome.result, **details, error=outcome.error)
        with self.lock:
            self.report.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    def not_started(self) -> None:
        with self.lock:
            done = {outcome.id for outcome in self.report.outcomes}
            self.report.outcomes.extend(
                Outcome(job_id, self.plan.action, "not started", str(job.get("status")))
                for job_id, job in self.plan.jobs.items()
                if job_id not in done
            )


def _settle(futures: list[Future[None]], *, quietly: bool = False) -> None:
    """Wait for every future in short waits (so that Ctrl-C reaches this thread); re-raise what a task raised,
    unless `quietly` (the run is stopping anyway). A future cancelled before it ran counts as settled."""
    pending = set(futures)
    while pending:
        done, pending = wait_for(pending, timeout=0.2, return_when=FIRST_COMPLETED)
        pending = {future for future in pending if not future.cancelled()}  # never notified: no worker took it
        for future in done:
            error = None if future.cancelled() else future.exception()
            if error is not None and not quietly:
                raise error


def _scrubber(client: Client) -> Callable[[str], str]:
    """What removes the client's key from a message (a server may echo it back)."""
    auth = client._settings.auth
    return auth.scrub if isinstance(auth, KeyAuth) else str


def _one_line(error: APIError, scrub: Callable[[str], str]) -> str:
    status = f"{error.status_code} " if isinstance(error, APIStatusError) else ""
    return scrub(f"{status}{' '.join(str(error.message).split())}")[:300]


def _done(action: str) -> str:
    return {"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[action]
