"""Running the contract suite: preflight, schemathesis, the semantic scenarios, cleanup, and the reports.

The outcome is one of three (see `Outcome`): a verdict on the server only when something was tested to
the end, `COULD_NOT_TEST` with the reason otherwise. Jobs the run created are cancelled on every way out,
and a `--pause-job` job is never left paused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ftjobs._interrupts import CtrlC, ctrl_c_delivered
from ftjobs._statuses import TERMINAL
from ftjobs.contract import _lifecycle, _probes, _reports
from ftjobs.contract._common import (
    CouldNotTest,
    Exchange,
    Outcome,
    PropertyResult,
    Redactor,
    credential_header,
)
from ftjobs.contract._guard import Guard, GuardedTransport, GuardProxy
from ftjobs.contract._har import FILE as HAR_FILE
from ftjobs.contract._options import ContractOptions
from ftjobs.contract._properties import Properties
from ftjobs.contract._reports import ContractReport
from ftjobs.contract._schemathesis import SchemathesisResult, run_schemathesis
from ftjobs.contract._session import Lost, Session, Stop

Step = tuple[str, tuple[str, ...], Callable[[], None]]  # a scenario: its title, its properties, the run


def _fragment_examples(props: Properties, options: ContractOptions) -> None:
    from ftjobs._spec import load_spec
    from ftjobs.contract._examples import example_errors

    result = props["fragment_examples_valid"]
    for problem in example_errors(load_spec(options.dialect)):
        result.fail(problem)
    result.checked = True


def run_contract(options: ContractOptions, *, echo: Callable[[str], None] = print) -> ContractReport:
    """Run the whole suite and write the reports; `echo` receives progress and schemathesis' output, redacted.

    Every request goes through one `Guard` (see `_guard`): only jobs this run created are changed, and a
    `--pause-job` job only paused and resumed by the scenarios. Raises `ValueError` for unusable options or a
    report folder another run is writing to. Ctrl-C cancels the jobs the run made, puts a `--pause-job` job
    back to running, writes the reports, and raises `ContractInterrupted` (a `KeyboardInterrupt`).
    """
    options.validate()
    options.base_url = options.base_url.rstrip("/")
    options.report_dir = options.report_dir.resolve()
    started = time.monotonic()
    deadline = started + (options.max_time if options.max_time is not None else float("inf"))
    redact = Redactor([options.api_key, *(value for _, value in options.headers)])

    def say(line: str) -> None:
        echo(redact(line))

    guard = _guard_for(options)
    props = Properties.fresh()
    props.mode_skips(safe=options.safe, pause_job=options.pause_job, job_ids=options.job_ids)
    if not options.has_pause:
        _without_pause(props, options.api_version)
    run = _Run()
    origin = httpx.URL(options.base_url).copy_with(raw_path=b"/")
    with ctrl_c_delivered() as ctrl_c, _reports.claimed(options.report_dir), httpx.HTTPTransport() as wire:
        with (
            httpx.Client(
                timeout=options.request_timeout, transport=GuardedTransport(guard, wire, trusted=True)
            ) as http,
            GuardProxy(GuardedTransport(guard, wire, trusted=False), origin, options.request_timeout) as proxy,
        ):
            session = _session(options, http, guard, deadline, say)

            def schemathesis() -> SchemathesisResult:
                url = proxy.origin + guard.base_path
                return run_schemathesis(options, url, redact, say, deadline, lambda: proxy.unanswered)

            try:
                _test(session, props, options, run, schemathesis, say)
            except CouldNotTest as stopped:
                run.outcome, run.reason = Outcome.COULD_NOT_TEST, stopped.reason
                run.blocker = stopped.exchange
                props.not_reached(stopped.reason)
            except KeyboardInterrupt as interrupt:
                ctrl_c.acknowledge()
                run.interrupted = interrupt
                run.outcome, run.reason = Outcome.COULD_NOT_TEST, "interrupted (Ctrl-C)"
                props.not_reached("interrupted (Ctrl-C)")
            finally:
                run.left = _clean_up(session, say, ctrl_c)
                run.touched_pause_job, run.left_paused = session.paused_by_us is not None, session.left_paused
        report = _report(options, run, props, guard, time.monotonic() - started, redact)
        if report.ran:  # a run the preflight stopped has tested nothing: no traffic to re-check
            guard.har.write(options.report_dir / HAR_FILE)
        _reports.write(report, redact)
    if run.interrupted is not None:
        raise ContractInterrupted(report) from run.interrupted
    return report


def _without_pause(props: Properties, version: str | None) -> None:
    """Under a version with no pause route: what needs one skipped with that reason, `ended_job_refuses` narrowed
    to the cancel it can still send."""
    for name in (*_lifecycle.LIFECYCLE, *_lifecycle.PAUSING, "pause_before_running_refused"):
        if name not in _lifecycle.WITHOUT_PAUSE:
            props[name].skip(f"api-version {version} has no pause or resume route")
    props["ended_job_refuses"].says = (
        f"cancel of a cancelled job answers 400/409; it stays cancelled (api-version {version} has no pause or "
        "resume route)"
    )


def _guard_for(options: ContractOptions) -> Guard:
    """The run's guard: below the base path, only the jobs it creates change; a --pause-job job only pauses and
    resumes; the --job-id jobs may be read."""
    guard = Guard(httpx.URL(options.base_url).raw_path.decode("ascii").partition("?")[0])
    guard.api_version = options.api_version
    if options.pause_job is not None:
        guard.named[options.pause_job] = frozenset({"pause", "resume"})
    guard.seen.update(options.job_ids)
    return guard


def _session(
    options: ContractOptions, http: httpx.Client, guard: Guard, deadline: float, say: Callable[[str], None]
) -> Session:
    """The scenarios' session: every request with the configured headers and the credential."""
    auth_header = dict([credential_header(options.auth, options.api_key)])
    headers = {**dict(options.headers), **auth_header}
    return Session(
        options.base_url,
        headers,
        auth_header,
        http,
        guard,
        options.wait_timeout,
        options.poll_interval,
        deadline,
        progress=say,
        dialect=options.dialect,
    )


def _test(
    session: Session,
    props: Properties,
    options: ContractOptions,
    run: _Run,
    schemathesis: Callable[[], SchemathesisResult],
    say: Callable[[str], None],
) -> None:
    """What a run tests, in order: the fragment's examples, the preflight, schemathesis, the scenarios."""
    _fragment_examples(props, options)
    say(f"target: {options.target} at {options.base_url}" if options.target else f"target: {options.base_url}")
    say("preflight: reachability, credentials, a list of jobs" + (", the --pause-job job" * bool(options.pause_job)))
    _probes.preflight(session, props)
    if options.pause_job is not None:
        _lifecycle.check_pause_job(session, options.pause_job)
    run.ran = True
    if options.phases:
        say(f"schemathesis: every operation; phases {', '.join(options.phases)}")
        run.schemathesis = schemathesis()
    _scenarios(session, props, options)


class ContractInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the run; `report` says what was done (the jobs cancelled, a job resumed)."""

    def __init__(self, report: ContractReport) -> None:
        super().__init__("interrupted")
        self.report = report


def interrupted_note(report: ContractReport) -> str:
    """What an interrupted run did about the jobs, in one line: true to what it created and changed."""
    parts = []
    if report.created:
        cancelled = [job for job in report.created if job not in report.left_running]
        parts.append(f"the {len(cancelled)} job(s) this run created were cancelled" if cancelled else "")
    else:
        parts.append("this run created no job")
    if report.left_running:
        parts.append("these may still be running: " + ", ".join(report.left_running))
    if report.options.pause_job:
        job = report.options.pause_job
        if report.left_paused:
            parts.append(f"{job} IS LEFT PAUSED: resume it yourself (ftjobs resume {job})")
        else:
            parts.append(f"{job} is running again" if report.touched_pause_job else f"{job} was not touched")
    return "; ".join(part for part in parts if part)


@dataclass
class _Run:
    """What happened on the way, gathered for the report."""

    ran: bool = False  # past the preflight
    schemathesis: SchemathesisResult | None = None
    outcome: Outcome | None = None
    reason: str | None = None
    blocker: Exchange | None = None
    interrupted: BaseException | None = None
    left: list[str] = field(default_factory=list)
    touched_pause_job: bool = False
    left_paused: str | None = None


def _report(
    options: ContractOptions, run: _Run, props: Properties, guard: Guard, seconds: float, redact: Redactor
) -> ContractReport:
    schemathesis = run.schemathesis
    warnings = list(schemathesis.warnings) if schemathesis is not None else []
    if guard.redirected:
        warnings.append(
            f"{guard.redirected} state-changing request(s) named a job this run did not create; "
            "each was sent to an id no server holds instead, so no job of anyone else was changed"
        )
    if guard.unanswered_creates:
        warnings.append(
            f"{guard.unanswered_creates} create(s) got no answer: a job they may have made is unknown to this run "
            "and was not cancelled; check with `ftjobs list`"
        )
    if guard.unusable_ids:
        warnings.append("creates answered ids that cannot name a job (not cancelled): " + ", ".join(guard.unusable_ids))
    outcome, reason = run.outcome, run.reason
    verdict, why = _verdict(props, schemathesis)
    if outcome is None or (verdict is Outcome.DOES_NOT_CONFORM and run.interrupted is None and run.ran):
        # A failure outranks whatever stopped the run afterwards: the server broke the contract.
        reason = why if outcome is None else f"the run stopped early too: {reason}"
        outcome = verdict
    return ContractReport(
        options,
        options.base_url,
        outcome,
        reason,
        list(props),
        schemathesis,
        seconds,
        warnings,
        run.left,
        run.blocker,
        redact,
        ran=run.ran,
        interrupted=run.interrupted is not None,
        created=list(guard.own),
        touched_pause_job=run.touched_pause_job,
        left_paused=run.left_paused,
    )


def _scenarios(session: Session, props: Properties, options: ContractOptions) -> None:
    """Each scenario in turn; one that cannot go on leaves its own properties skipped, and the others run."""
    given = [*options.job_ids, *filter(None, [options.pause_job])]
    safe = options.safe
    credentials = ("missing_credentials_401", "wrong_credentials_401")
    steps: list[Step] = [
        ("unknown ids", ("unknown_id_404",), lambda: _probes.unknown_ids(session, props)),
        ("missing and wrong credentials", credentials, lambda: _probes.bad_credentials(session, props, safe=safe)),
        ("malformed input", ("malformed_input_400",), lambda: _probes.malformed_input(session, props, safe=safe)),
    ]
    steps += _job_steps(session, props, options)
    steps.append(
        (
            "reads of jobs",
            ("reads_name_the_job",),
            lambda: _probes.reads_of(session, props, given or session.created[-1:]),
        )
    )
    paging = ("list_limit_respected", "list_has_more", "list_after_continues")
    steps.append(("pagination", paging, lambda: _probes.paging(session, props, _events_job(session, options))))
    for title, names, step in steps:
        session.progress(f"scenario: {title}")
        try:
            _timed(step, [props[name] for name in names])
        except Stop:
            for name in names:
                props[name].skip("not reached: an earlier property of the same scenario failed")
        except (Lost, CouldNotTest) as stuck:
            if isinstance(stuck, CouldNotTest) and stuck.fatal:
                raise
            reason = stuck.reason if isinstance(stuck, CouldNotTest) else str(stuck)
            session.progress(f"  could not test: {reason}")
            for name in names:
                props[name].skip(f"not reached: {reason}", inconclusive=True)


def _job_steps(session: Session, props: Properties, options: ContractOptions) -> list[Step]:
    """The scenarios that change jobs: a `--pause-job` job's, and (unless safe) the created jobs' lifecycle; under
    an `api-version` with no pause route, only the created jobs' cancel."""
    model, training_file = options.model, options.training_file
    if not options.has_pause:
        if options.safe:
            return []
        return [
            (
                "lifecycle of a created job, without pause",
                _lifecycle.WITHOUT_PAUSE,
                lambda: _lifecycle.lifecycle(session, props, model, training_file, 0, pause=False),
            )
        ]
    steps: list[Step] = []
    if options.pause_job is not None:
        job = options.pause_job
        steps.append(
            (
                f"pause and resume of {job}",
                _lifecycle.PAUSING,
                lambda: _lifecycle.pause_existing(session, props, job, options.still_seconds),
            )
        )
    if not options.safe:
        steps += [
            (
                "lifecycle of a created job",
                _lifecycle.LIFECYCLE,
                lambda: _lifecycle.lifecycle(session, props, model, training_file, options.still_seconds),
            ),
            (
                "pause before running",
                ("pause_before_running_refused",),
                lambda: _lifecycle.pause_before_running(session, props, model, training_file),
            ),
        ]
    return steps


def _timed(step: Callable[[], None], results: list[PropertyResult]) -> None:
    """Run a scenario; its time goes to each of its properties (for the JUnit report), however it ends."""
    started = time.monotonic()
    try:
        step()
    finally:
        for result in results:
            result.seconds += time.monotonic() - started


def _events_job(session: Session, options: ContractOptions) -> str | None:
    """A job with events to page through: one the scenarios created, else one given."""
    candidates = [*session.created[-1:], *filter(None, [options.pause_job]), *options.job_ids]
    return candidates[0] if candidates else None


def _verdict(props: Properties, schemathesis: SchemathesisResult | None) -> tuple[Outcome, str | None]:
    failed = [result.name for result in props if result.status == "failed"]
    if failed or (schemathesis is not None and schemathesis.failures):
        return Outcome.DOES_NOT_CONFORM, None
    if schemathesis is not None and schemathesis.incomplete:
        return Outcome.COULD_NOT_TEST, f"schemathesis did not finish: {schemathesis.incomplete}"
    reasons: dict[str, list[str]] = {}
    for result in props:
        if result.status == "skipped" and result.inconclusive:
            reasons.setdefault(result.skipped or "not reached", []).append(result.name)
    if reasons:
        return Outcome.COULD_NOT_TEST, "; ".join(
            f"{', '.join(names)}: {reason.removeprefix('not reached: ')}" for reason, names in reasons.items()
        )
    return Outcome.CONFORMS, None


def _clean_up(session: Session, say: Callable[[str], None], ctrl_c: CtrlC) -> list[str]:
    """Cancel every job the run created and resume a `--pause-job` job; what could not be, returned and said.

    A Ctrl-C during the clean-up stops it: the jobs not yet handled are listed and returned.
    """
    pending = session.created  # the guard records only ids that can name a job
    left: list[str] = []
    session.deadline = float("inf")  # the clean-up runs whatever the time limit
    try:
        if session.paused_by_us is not None and not _resume_given(session, session.paused_by_us, say):
            session.left_paused = session.paused_by_us
        if pending:
            say(f"clean-up: cancelling the {len(pending)} job(s) this run created")
        while pending:
            job_id = pending[0]
            if not _cancelled(session, job_id):
                left.append(job_id)
            pending.pop(0)
    except KeyboardInterrupt:
        ctrl_c.acknowledge()
        left += pending
        say("clean-up interrupted: these jobs may still be running: " + ", ".join(left))
    if left:
        say("could not cancel: " + ", ".join(left))
    return left


def _cancelled(session: Session, job_id: str) -> bool:
    exchange = session.call("POST", f"/fine_tuning/jobs/{job_id}/cancel")
    if exchange.status == 200:
        return True
    read = session.call("GET", f"/fine_tuning/jobs/{job_id}")
    body: Any = read.body()
    return read.status == 404 or (isinstance(body, dict) and body.get("status") in TERMINAL)


def _resume_given(session: Session, job_id: str, say: Callable[[str], None]) -> bool:
    """Put a `--pause-job` job back to running if this run left it paused; False (and said loudly) if that fails."""
    for _ in range(3):
        read = session.call("GET", f"/fine_tuning/jobs/{job_id}")
        body: Any = read.body()
        status = body.get("status") if read.status == 200 and isinstance(body, dict) else None
        if status not in ("paused", "pausing"):
            return True
        if status == "paused" and session.call("POST", f"/fine_tuning/jobs/{job_id}/resume").status == 200:
            say(f"clean-up: resumed {job_id}")
            return True
        time.sleep(1.0)
    say(f"!!! JOB {job_id} IS LEFT PAUSED: resume it yourself (ftjobs resume {job_id}) !!!")
    return False
