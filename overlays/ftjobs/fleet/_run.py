"""Executing a fleet plan: at most N requests in flight, one per job at a time, each job's steps in the journal,
Ctrl-C honoured between requests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from typing import TYPE_CHECKING

from ftjobs._auth import KeyAuth
from ftjobs._exceptions import APIError, APIStatusError, FtjobsError, RateLimitError
from ftjobs._interrupts import ctrl_c_delivered
from ftjobs._statuses import REACHED
from ftjobs.fleet._journal import RESULTS, JournalError
from ftjobs.fleet._plan import STOPPED_RUN, FleetReport, Outcome, Plan, _patiently

if TYPE_CHECKING:
    from ftjobs._client import Client
    from ftjobs._models import FineTuningJob


class FleetInterrupted(FtjobsError):
    """Ctrl-C stopped a run; `report` holds what was done (the journal holds it too)."""

    def __init__(self, report: FleetReport) -> None:
        super().__init__("interrupted")
        self.report = report


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
        return _patiently(lambda: call(job_id), self.stop)

    def finish(self, outcome: Outcome) -> None:
        # `not started` is no step of the job: its `sending` line (if any) lets a re-run settle it.
        if self.book is not None and outcome.result in RESULTS:
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
    """Wait for every future, in waits of at most 0.2 s (so that Ctrl-C reaches this thread); re-raise what a task
    raised, unless `quietly` (the run is stopping anyway). A future cancelled before it ran counts as settled.

    Each wait watches every pending future until the first exception (not the first completion): waiting afresh
    after each completion would cost time in the number of jobs squared, all of it under the futures' locks."""
    pending = set(futures)
    while pending:
        done, pending = wait_for(pending, timeout=0.2, return_when=FIRST_EXCEPTION)
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
