"""What pause must *do*: scenarios that move jobs through their lifecycle on a live server.

- `lifecycle`: a created job through running → paused → resumed → running → paused → cancelled, with the
  refusals in between; tried again with a fresh job when the job ends before it could be paused.
- `pause_before_running`: a job that has not started refuses pause and stays as it was.
- `pause_existing`: a running job given by id is paused, checked, resumed, and never left paused.

No false positive: a refusal that a job's own progress explains (it ended meanwhile) is a lost precondition,
not a finding; statuses in between (`pending`, `pausing`, `resuming`) are waited through.
"""

from __future__ import annotations

import time
from typing import Any

from ftjobs.contract._common import CouldNotTest, PropertyResult
from ftjobs.contract._guard import usable_id
from ftjobs.contract._properties import Properties
from ftjobs.contract._session import PRE_RUNNING, REFUSALS, TERMINAL, Lost, Session, Stop

PAUSED = frozenset({"paused", "pausing"})
RESUMED = frozenset({"queued", "running", "resuming", "pending"})
ATTEMPTS = 3
PAUSING = ("pause_pauses", "paused_stands_still", "pause_of_paused", "resume_not_terminal", "resume_runs_on")
LIFECYCLE = (
    "create_reaches_running",
    "resume_of_running_refused",
    "pause_pauses",
    "paused_stands_still",
    "pause_of_paused",
    "resume_not_terminal",
    "resume_runs_on",
    "cancel_from_paused",
    "cancel_persisted",
    "ended_job_refuses",
)


def lifecycle(s: Session, p: Properties, model: str, training_file: str, still_seconds: float) -> None:
    """The whole lifecycle on a created job; a lost precondition is tried again with a fresh job."""
    reason = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _lifecycle_once(s, p, model, training_file, still_seconds)
            return
        except Lost as lost:
            reason = str(lost)
            s.progress(
                f"  attempt {attempt}: {reason}; {'again with a fresh job' if attempt < ATTEMPTS else 'giving up'}"
            )
    for name in LIFECYCLE:
        p[name].skip(f"precondition lost {ATTEMPTS} times ({reason})", inconclusive=True)


def _lifecycle_once(s: Session, p: Properties, model: str, training_file: str, still_seconds: float) -> None:
    start = p["create_reaches_running"]
    job_id = s.create(start, model, training_file)
    job = s.wait_for(start, job_id, frozenset({"running"}))
    start.checked = True
    if job["status"] != "running":
        raise Lost(f"job {job_id} ran and ended between two reads")
    _resume_of_running(s, p["resume_of_running_refused"], job_id)
    pause_and_resume(s, p, job_id, still_seconds)
    _cancel_from_paused(s, p, job_id)


def _resume_of_running(s: Session, result: PropertyResult, job_id: str) -> None:
    exchange = s.call("POST", f"/fine_tuning/jobs/{job_id}/resume")
    if exchange.status == 200:
        result.fail("resume of a running job was accepted", exchange)
        raise Stop
    if s.expect_refusal(result, exchange, REFUSALS, "resume of a running job"):
        after = s.read(result, job_id)["status"]
        if after not in ("running", "succeeded", "failed"):
            result.fail(f"the refused resume changed the job: now {after!r}", s.last)
    result.checked = True


def _pause(s: Session, result: PropertyResult, job_id: str) -> dict[str, Any]:
    """Pause a job believed running; a refusal explained by the job having ended is a lost precondition."""
    exchange = s.call("POST", f"/fine_tuning/jobs/{job_id}/pause")
    if exchange.status in REFUSALS:
        now = s.read(result, job_id)["status"]
        if now in TERMINAL:
            raise Lost(f"job {job_id} ended ({now!r}) before the pause arrived")
        result.fail(f"pause of a running job was refused (the job is {now!r})", exchange)
        raise Stop
    if exchange.status is not None and exchange.status >= 500:
        failed = exchange
        now = s.read(result, job_id)["status"]
        acted = f"; yet the job is now {now!r}: the pause acted behind the error" if now in PAUSED else ""
        result.fail(f"pause of a running job answered {exchange.status}{acted}", failed)
        raise Stop
    job = s.expect_job(result, exchange, job_id)
    if job["status"] not in PAUSED:
        result.fail(f"pause answered status {job['status']!r}, not paused or pausing", exchange)
        raise Stop
    return job


def pause_and_resume(s: Session, p: Properties, job_id: str, still_seconds: float) -> None:
    """Pause a running job, check it stays paused, pause it again, resume it, and see it run again."""
    pause = p["pause_pauses"]
    answered = _pause(s, pause, job_id)["status"]
    if answered == "paused":  # said done: the very next read agrees
        job = s.read(pause, job_id)
        if job["status"] != "paused":
            pause.fail(f"pause answered paused, but the job reads back {job['status']!r}", s.last)
            raise Stop
    else:  # `pausing`: it gets there within the wait bound
        job = s.wait_for(pause, job_id, frozenset({"paused"}), after="running")
        if job["status"] != "paused":
            pause.fail(f"pause answered pausing, but the job went on to {job['status']!r}", s.last)
            raise Stop
    pause.checked = True

    _stands_still(s, p["paused_stands_still"], job, still_seconds)
    _pause_of_paused(s, p["pause_of_paused"], job_id)

    answer, resume = p["resume_not_terminal"], p["resume_runs_on"]
    exchange = s.call("POST", f"/fine_tuning/jobs/{job_id}/resume")
    resumed = s.expect_job(resume, exchange, job_id)
    if resumed["status"] in TERMINAL:
        answer.fail(f"resume answered the terminal status {resumed['status']!r}", exchange)
    answer.checked = True
    if resumed["status"] not in RESUMED | TERMINAL:
        resume.fail(f"resume answered status {resumed['status']!r}, not queued, running or resuming", exchange)
        raise Stop
    _leaves_paused(s, resume, job_id, still_seconds)
    s.wait_for(resume, job_id, frozenset({"running"}), after="paused")
    resume.checked = True


def _stands_still(s: Session, result: PropertyResult, paused: dict[str, Any], still_seconds: float) -> None:
    """Read the paused job for `still_seconds`: it stays paused, trains nothing, and does not end."""
    job_id = paused["id"]
    until = time.monotonic() + still_seconds
    while True:
        job = s.read(result, job_id)
        if job["status"] != "paused":
            result.fail(f"a paused job moved on by itself to {job['status']!r} (no resume was sent)", s.last)
            raise Stop
        if job.get("trained_tokens") != paused.get("trained_tokens"):
            result.fail(
                f"a paused job went on training: trained_tokens {paused.get('trained_tokens')} → "
                f"{job.get('trained_tokens')}",
                s.last,
            )
            raise Stop
        if time.monotonic() >= until:
            break
        time.sleep(min(s.poll_interval, max(0.0, until - time.monotonic())))
    result.checked = True


def _pause_of_paused(s: Session, result: PropertyResult, job_id: str) -> None:
    exchange = s.call("POST", f"/fine_tuning/jobs/{job_id}/pause")
    if exchange.status == 200:
        if s.expect_job(result, exchange, job_id)["status"] != "paused":
            result.fail("a second pause answered a status other than paused", exchange)
    else:
        s.expect_refusal(result, exchange, REFUSALS, "pause of a paused job")
    if s.read(result, job_id)["status"] != "paused":
        result.fail("after a second pause the job is no longer paused", s.last)
    result.checked = True


def _leaves_paused(s: Session, result: PropertyResult, job_id: str, still_seconds: float) -> None:
    """After a resume that answered, the job leaves `paused` (within `still_seconds`)."""
    until = time.monotonic() + still_seconds
    while s.read(result, job_id)["status"] == "paused":
        if time.monotonic() >= until:
            result.fail(f"the resumed job is still paused {still_seconds:g} s after resume answered", s.last)
            raise Stop
        time.sleep(min(s.poll_interval, 0.5))


def _cancel_from_paused(s: Session, p: Properties, job_id: str) -> None:
    cancel, persisted, ended = p["cancel_from_paused"], p["cancel_persisted"], p["ended_job_refuses"]
    _pause(s, cancel, job_id)
    s.wait_for(cancel, job_id, frozenset({"paused"}), after="running")
    exchange = s.call("POST", f"/fine_tuning/jobs/{job_id}/cancel")
    job = s.expect_job(cancel, exchange, job_id)
    if job["status"] != "cancelled":
        cancel.fail(f"cancel of a paused job answered {job['status']!r}", exchange)
        raise Stop
    cancel.checked = True
    now = s.read(persisted, job_id)["status"]
    if now != "cancelled":
        persisted.fail(f"cancel answered cancelled, but the job reads back {now!r}", s.last)
        raise Stop
    persisted.checked = True
    for action in ("pause", "resume", "cancel"):
        s.expect_refusal(
            ended, s.call("POST", f"/fine_tuning/jobs/{job_id}/{action}"), REFUSALS, f"{action} of a cancelled job"
        )
    if s.read(ended, job_id)["status"] != "cancelled":
        ended.fail("a refused transition changed a cancelled job", s.last)
    ended.checked = True


def pause_before_running(s: Session, p: Properties, model: str, training_file: str) -> None:
    """Pause of a job that has not started running is refused and changes nothing.

    An accepted pause is right only if the job started running between the read before it and the pause.
    Evidence that it did not, in order: the job's events (where they carry `data.status`); else timing: the
    pause was sent sooner after the create than half the time this server kept any of this run's jobs from
    running (measured on the lifecycle's jobs), and that held for every one of `ATTEMPTS` fresh jobs. A job
    that starts at the moment its pause arrives, by chance, fails none of these; only a server that pauses
    jobs before they run, every time, well before it ever starts one, is failed.
    """
    result = p["pause_before_running_refused"]
    evidence: list[str] = []
    accepted = None
    for _ in range(ATTEMPTS):
        job_id = s.create(result, model, training_file)
        before = s.read(result, job_id)["status"]
        if before not in PRE_RUNNING:
            result.skip("the server started the job before it could be paused: there is nothing to refuse")
            return
        exchange = s.call("POST", f"/fine_tuning/jobs/{job_id}/pause")
        sent_after = s.last_sent - s.created_at.get(job_id, s.last_sent)
        if exchange.status in REFUSALS:
            if s.expect_refusal(result, exchange, REFUSALS, f"pause of a {before!r} job"):
                after = s.read(result, job_id)["status"]
                if after in PAUSED:
                    result.fail(f"the refused pause paused the job anyway (now {after!r})", exchange)
            result.checked = True
            return
        if exchange.status != 200:
            s.expect_refusal(result, exchange, REFUSALS, f"pause of a {before!r} job")
            result.checked = True
            return
        seen = s.statuses_in_events(job_id, None)
        if seen and "running" not in seen:
            result.fail(f"pause of a {before!r} job was accepted; its events show it never ran", exchange)
            result.checked = True
            return
        earliest = s.earliest_start()
        if not seen and earliest is not None and sent_after < earliest / 2:
            accepted = exchange
            evidence.append(f"{job_id} read {before!r}, paused {sent_after * 1000:.0f} ms after its create")
    if accepted is not None and len(evidence) == ATTEMPTS:
        result.fail(
            f"pause of a job not yet running was accepted {ATTEMPTS} times out of {ATTEMPTS} ("
            + "; ".join(evidence)
            + f"), while no job of this server started running sooner than {earliest or 0:.2f} s after its create",
            accepted,
        )
        result.checked = True
        return
    result.skip(
        f"{ATTEMPTS} pauses of jobs just read not running were accepted, and neither their events nor this "
        "server's timing tell whether they had started by then",
        inconclusive=True,
    )


def check_pause_job(s: Session, job_id: str) -> None:
    """In the preflight, before anything else runs: the `--pause-job` job exists and is running."""
    if not usable_id(job_id):
        raise CouldNotTest(f"--pause-job {job_id!r} cannot name a job in a path")
    exchange = s.call("GET", f"/fine_tuning/jobs/{job_id}")
    body = exchange.body()
    status = body.get("status") if isinstance(body, dict) else None
    if exchange.status != 200 or status != "running":
        got = f"its status is {status!r}" if exchange.status == 200 else f"reading it answered {exchange.status}"
        raise CouldNotTest(f"--pause-job {job_id} must name a running job; {got}", exchange)


def pause_existing(s: Session, p: Properties, job_id: str, still_seconds: float) -> None:
    """`--pause-job`: pause a running job of the user's, check pause and resume, and never leave it paused."""
    status = s.call("GET", f"/fine_tuning/jobs/{job_id}").body()
    status = status.get("status") if isinstance(status, dict) else None
    if status != "running":
        raise Lost(f"--pause-job {job_id} is no longer running (now {status!r}); it was left as it is")
    s.paused_by_us = job_id
    try:
        pause_and_resume(s, p, job_id, still_seconds)
    except Lost as lost:
        for name in PAUSING:
            p[name].skip(f"precondition lost ({lost})", inconclusive=True)
