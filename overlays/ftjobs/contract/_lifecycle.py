"""What pause must *do*: scenarios that move jobs through their lifecycle on a live server.

- `lifecycle`: a created job through running → paused → resumed → running → paused → cancelled, with the
  refusals in between; tried again with a fresh job when the job ends before it could be paused. Under an
  `api-version` with no pause route (Azure's 2024-10-21): running → cancelled, and a second cancel refused.
- `pause_before_running`: a job that has not started refuses pause and stays as it was.
- `pause_existing`: a running job given by id is paused, checked, resumed, and never left paused.

No false positive: a refusal that a job's own progress explains (it ended meanwhile) is a lost precondition,
not a finding; statuses in between (`pending`, `pausing`, `resuming`) are waited through.
"""

from __future__ import annotations

import time
from typing import Any

from ftjobs._statuses import PRE_RUNNING, REACHED, TERMINAL
from ftjobs.contract._common import CouldNotTest, Exchange, PropertyResult
from ftjobs.contract._guard import usable_id
from ftjobs.contract._properties import Properties
from ftjobs.contract._session import REFUSALS, Lost, Session, Stop

PAUSED = REACHED["pause"]
RESUMED = REACHED["resume"] | {"pending"}  # a resumed job may show Azure's `pending` (deviation 2)
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
WITHOUT_PAUSE = ("create_reaches_running", "cancel_persisted", "ended_job_refuses")


def lifecycle(
    session: Session, props: Properties, model: str, training_file: str, still_seconds: float, *, pause: bool = True
) -> None:
    """The whole lifecycle on a created job (`pause=False`: the part a version without pause has); a lost
    precondition is tried again with a fresh job."""
    reason = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            if pause:
                _lifecycle_once(session, props, model, training_file, still_seconds)
            else:
                _cancel_of_running(session, props, model, training_file)
            return
        except Lost as lost:
            reason = str(lost)
            session.progress(
                f"  attempt {attempt}: {reason}; {'again with a fresh job' if attempt < ATTEMPTS else 'giving up'}"
            )
    for name in LIFECYCLE if pause else WITHOUT_PAUSE:
        props[name].skip(f"precondition lost {ATTEMPTS} times ({reason})", inconclusive=True)


def _running_job(session: Session, props: Properties, model: str, training_file: str) -> str:
    """A created job, once it reads running (`create_reaches_running`)."""
    start = props["create_reaches_running"]
    job_id = session.create(start, model, training_file)
    job = session.wait_for(start, job_id, frozenset({"running"}))
    start.checked = True
    if job["status"] != "running":
        raise Lost(f"job {job_id} ran and ended between two reads")
    return job_id


def _lifecycle_once(session: Session, props: Properties, model: str, training_file: str, still_seconds: float) -> None:
    job_id = _running_job(session, props, model, training_file)
    _resume_of_running(session, props["resume_of_running_refused"], job_id)
    pause_and_resume(session, props, job_id, still_seconds)
    _cancel_from_paused(session, props, job_id)


def _resume_of_running(session: Session, result: PropertyResult, job_id: str) -> None:
    exchange = session.call("POST", f"/fine_tuning/jobs/{job_id}/resume")
    if exchange.status == 200:
        result.fail("resume of a running job was accepted", exchange)
        raise Stop
    if session.expect_refusal(result, exchange, REFUSALS, "resume of a running job"):
        after = session.read(result, job_id)["status"]
        if after not in ("running", "succeeded", "failed"):
            result.fail(f"the refused resume changed the job: now {after!r}", session.last)
    result.checked = True


def _refused_while_running(
    session: Session, result: PropertyResult, exchange: Exchange, job_id: str, action: str
) -> None:
    """`action` of a job believed running was refused: a lost precondition when the job has ended meanwhile,
    else a failure of `result` (nothing when it was not refused)."""
    if exchange.status not in REFUSALS:
        return
    now = session.read(result, job_id)["status"]
    if now in TERMINAL:
        raise Lost(f"job {job_id} ended ({now!r}) before the {action} arrived")
    result.fail(f"{action} of a running job was refused (the job is {now!r})", exchange)
    raise Stop


def _pause(session: Session, result: PropertyResult, job_id: str) -> dict[str, Any]:
    """Pause a job believed running; a refusal explained by the job having ended is a lost precondition."""
    exchange = session.call("POST", f"/fine_tuning/jobs/{job_id}/pause")
    _refused_while_running(session, result, exchange, job_id, "pause")
    if exchange.status is not None and exchange.status >= 500:
        failed = exchange
        now = session.read(result, job_id)["status"]
        acted = f"; yet the job is now {now!r}: the pause acted behind the error" if now in PAUSED else ""
        result.fail(f"pause of a running job answered {exchange.status}{acted}", failed)
        raise Stop
    job = session.expect_job(result, exchange, job_id)
    if job["status"] not in PAUSED:
        result.fail(f"pause answered status {job['status']!r}, not paused or pausing", exchange)
        raise Stop
    return job


def pause_and_resume(session: Session, props: Properties, job_id: str, still_seconds: float) -> None:
    """Pause a running job, check it stays paused, pause it again, resume it, and see it run again."""
    pause = props["pause_pauses"]
    answered = _pause(session, pause, job_id)["status"]
    if answered == "paused":  # said done: the very next read agrees
        job = session.read(pause, job_id)
        if job["status"] != "paused":
            pause.fail(f"pause answered paused, but the job reads back {job['status']!r}", session.last)
            raise Stop
    else:  # `pausing`: it gets there within the wait bound
        job = session.wait_for(pause, job_id, frozenset({"paused"}), after="running")
        if job["status"] != "paused":
            pause.fail(f"pause answered pausing, but the job went on to {job['status']!r}", session.last)
            raise Stop
    pause.checked = True

    _stands_still(session, props["paused_stands_still"], job, still_seconds)
    _pause_of_paused(session, props["pause_of_paused"], job_id)

    answer, resume = props["resume_not_terminal"], props["resume_runs_on"]
    exchange = session.call("POST", f"/fine_tuning/jobs/{job_id}/resume")
    resumed = session.expect_job(resume, exchange, job_id)
    if resumed["status"] in TERMINAL:
        answer.fail(f"resume answered the terminal status {resumed['status']!r}", exchange)
    answer.checked = True
    if resumed["status"] not in RESUMED | TERMINAL:
        resume.fail(f"resume answered status {resumed['status']!r}, not queued, running or resuming", exchange)
        raise Stop
    _leaves_paused(session, resume, job_id, still_seconds)
    session.wait_for(resume, job_id, frozenset({"running"}), after="paused")
    resume.checked = True


def _stands_still(session: Session, result: PropertyResult, paused: dict[str, Any], still_seconds: float) -> None:
    """Read the paused job for `still_seconds`: it stays paused, trains nothing, and does not end."""
    job_id = paused["id"]
    until = time.monotonic() + still_seconds
    while True:
        job = session.read(result, job_id)
        if job["status"] != "paused":
            result.fail(f"a paused job moved on by itself to {job['status']!r} (no resume was sent)", session.last)
            raise Stop
        if job.get("trained_tokens") != paused.get("trained_tokens"):
            result.fail(
                f"a paused job went on training: trained_tokens {paused.get('trained_tokens')} → "
                f"{job.get('trained_tokens')}",
                session.last,
            )
            raise Stop
        if time.monotonic() >= until:
            break
        time.sleep(min(session.poll_interval, max(0.0, until - time.monotonic())))
    result.checked = True


def _pause_of_paused(session: Session, result: PropertyResult, job_id: str) -> None:
    exchange = session.call("POST", f"/fine_tuning/jobs/{job_id}/pause")
    if exchange.status == 200:
        if session.expect_job(result, exchange, job_id)["status"] != "paused":
            result.fail("a second pause answered a status other than paused", exchange)
    else:
        session.expect_refusal(result, exchange, REFUSALS, "pause of a paused job")
    if session.read(result, job_id)["status"] != "paused":
        result.fail("after a second pause the job is no longer paused", session.last)
    result.checked = True


def _leaves_paused(session: Session, result: PropertyResult, job_id: str, still_seconds: float) -> None:
    """After a resume that answered, the job leaves `paused` (within `still_seconds`)."""
    until = time.monotonic() + still_seconds
    while session.read(result, job_id)["status"] == "paused":
        if time.monotonic() >= until:
            result.fail(f"the resumed job is still paused {still_seconds:g} s after resume answered", session.last)
            raise Stop
        time.sleep(min(session.poll_interval, 0.5))


def _cancel_from_paused(session: Session, props: Properties, job_id: str) -> None:
    cancel, persisted, ended = props["cancel_from_paused"], props["cancel_persisted"], props["ended_job_refuses"]
    _pause(session, cancel, job_id)
    session.wait_for(cancel, job_id, frozenset({"paused"}), after="running")
    exchange = session.call("POST", f"/fine_tuning/jobs/{job_id}/cancel")
    job = session.expect_job(cancel, exchange, job_id)
    if job["status"] != "cancelled":
        cancel.fail(f"cancel of a paused job answered {job['status']!r}", exchange)
        raise Stop
    cancel.checked = True
    _stays_cancelled(session, persisted, ended, job_id, ("pause", "resume", "cancel"))


def _cancel_of_running(session: Session, props: Properties, model: str, training_file: str) -> None:
    """Under a version with no pause route: a running job's cancel answers it cancelled, and it stays so."""
    persisted, ended = props["cancel_persisted"], props["ended_job_refuses"]
    job_id = _running_job(session, props, model, training_file)
    exchange = session.call("POST", f"/fine_tuning/jobs/{job_id}/cancel")
    _refused_while_running(session, persisted, exchange, job_id, "cancel")
    job = session.expect_job(persisted, exchange, job_id)
    if job["status"] != "cancelled":
        persisted.fail(f"cancel of a running job answered {job['status']!r}", exchange)
        raise Stop
    _stays_cancelled(session, persisted, ended, job_id, ("cancel",))


def _stays_cancelled(
    session: Session, persisted: PropertyResult, ended: PropertyResult, job_id: str, actions: tuple[str, ...]
) -> None:
    """A job whose cancel answered cancelled reads back cancelled, and refuses each of `actions`, unchanged."""
    now = session.read(persisted, job_id)["status"]
    if now != "cancelled":
        persisted.fail(f"cancel answered cancelled, but the job reads back {now!r}", session.last)
        raise Stop
    persisted.checked = True
    for action in actions:
        session.expect_refusal(
            ended,
            session.call("POST", f"/fine_tuning/jobs/{job_id}/{action}"),
            REFUSALS,
            f"{action} of a cancelled job",
        )
    if session.read(ended, job_id)["status"] != "cancelled":
        ended.fail("a refused transition changed a cancelled job", session.last)
    ended.checked = True


def pause_before_running(session: Session, props: Properties, model: str, training_file: str) -> None:
    """Pause of a job that has not started running is refused and changes nothing.

    An accepted pause is right only if the job started running between the read before it and the pause.
    Evidence that it did not, in order: the job's events (where they carry `data.status`); else timing: the
    pause was sent sooner after the create than half the time this server kept any of this run's jobs from
    running (measured on the lifecycle's jobs), and that held for every one of `ATTEMPTS` fresh jobs. A job
    that starts at the moment its pause arrives, by chance, fails none of these; only a server that pauses
    jobs before they run, every time, well before it ever starts one, is failed.
    """
    result = props["pause_before_running_refused"]
    evidence: list[str] = []
    accepted = None
    for _ in range(ATTEMPTS):
        job_id = session.create(result, model, training_file)
        before = session.read(result, job_id)["status"]
        if before not in PRE_RUNNING:
            result.skip("the server started the job before it could be paused: there is nothing to refuse")
            return
        exchange = session.call("POST", f"/fine_tuning/jobs/{job_id}/pause")
        sent_after = session.last_sent - session.created_at.get(job_id, session.last_sent)
        if exchange.status in REFUSALS:
            if session.expect_refusal(result, exchange, REFUSALS, f"pause of a {before!r} job"):
                after = session.read(result, job_id)["status"]
                if after in PAUSED:
                    result.fail(f"the refused pause paused the job anyway (now {after!r})", exchange)
            result.checked = True
            return
        if exchange.status != 200:
            session.expect_refusal(result, exchange, REFUSALS, f"pause of a {before!r} job")
            result.checked = True
            return
        seen = session.statuses_in_events(job_id, None)
        if seen and "running" not in seen:
            result.fail(f"pause of a {before!r} job was accepted; its events show it never ran", exchange)
            result.checked = True
            return
        earliest = session.earliest_start()
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


def check_pause_job(session: Session, job_id: str) -> None:
    """In the preflight, before anything else runs: the `--pause-job` job exists and is running."""
    if not usable_id(job_id):
        raise CouldNotTest(f"--pause-job {job_id!r} cannot name a job in a path")
    exchange = session.call("GET", f"/fine_tuning/jobs/{job_id}")
    body = exchange.body()
    status = body.get("status") if isinstance(body, dict) else None
    if exchange.status != 200 or status != "running":
        got = f"its status is {status!r}" if exchange.status == 200 else f"reading it answered {exchange.status}"
        raise CouldNotTest(f"--pause-job {job_id} must name a running job; {got}", exchange)


def pause_existing(session: Session, props: Properties, job_id: str, still_seconds: float) -> None:
    """`--pause-job`: pause a running job of the user's, check pause and resume, and never leave it paused."""
    status = session.call("GET", f"/fine_tuning/jobs/{job_id}").body()
    status = status.get("status") if isinstance(status, dict) else None
    if status != "running":
        raise Lost(f"--pause-job {job_id} is no longer running (now {status!r}); it was left as it is")
    session.paused_by_us = job_id
    try:
        pause_and_resume(session, props, job_id, still_seconds)
    except Lost as lost:
        for name in PAUSING:
            props[name].skip(f"precondition lost ({lost})", inconclusive=True)
