"""Running the contract suite: preflight, schemathesis, the semantic scenarios, cleanup, and the reports.

The outcome is one of three (see `Outcome`): a verdict on the server only when something was tested to
the end, `COULD_NOT_TEST` with the reason otherwise. Jobs the run created are cancelled on every way out,
and a `--pause-job` job is never left paused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ftjobs._interrupts import CtrlC, ctrl_c_delivered
from ftjobs.contract import _lifecycle, _probes, _reports
from ftjobs.contract._common import (
    CONSOLE_LIMIT,
    CouldNotTest,
    Exchange,
    Outcome,
    PropertyResult,
    Redactor,
    credential_header,
)
from ftjobs.contract._guard import Guard, GuardedTransport, GuardProxy
from ftjobs.contract._properties import Properties
from ftjobs.contract._schemathesis import SchemathesisResult, run_schemathesis
from ftjobs.contract._session import TERMINAL, Lost, Session, Stop

PHASES = ("examples", "coverage", "fuzzing", "stateful")


@dataclass
class ContractOptions:
    """What to test (a server's base URL and key) and how hard."""

    base_url: str
    api_key: str
    auth: str = "bearer"  # or "api-key"
    safe: bool = False
    job_ids: list[str] = field(default_factory=list)
    pause_job: str | None = None  # a running job to pause and resume (the only state change with `safe`)
    model: str = "gpt-4o-mini"
    training_file: str = "file-ftjobs-contract"  # on a real server: an uploaded JSONL file the scenarios train on
    seed: int = 20261125
    max_examples: int = 15
    stateful_steps: int = 10
    phases: tuple[str, ...] = PHASES
    report_dir: Path = Path("reports")
    wait_timeout: float = 300.0
    poll_interval: float = 2.0
    still_seconds: float = 3.0  # how long a paused job is watched standing still
    request_timeout: float = 30.0
    max_time: float | None = None  # the whole run's bound, in seconds
    headers: list[tuple[str, str]] = field(default_factory=list)  # sent with every request; values are secret
    rate_limit: str | None = None  # schemathesis' form, e.g. "100/m"
    workers: int = 1
    exclude_checks: list[str] = field(default_factory=list)
    target: str | None = None  # what the console calls the server, e.g. "the embedded reference server"

    def validate(self) -> None:
        """Raise `ValueError` for options no run can use."""
        url = httpx.URL(self.base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(
                f"--base-url must be an http(s) URL with a host, e.g. https://api.openai.com/v1 (got {self.base_url!r})"
            )
        if not self.api_key:
            raise ValueError(
                "an API key is needed to test a server: --api-key, or OPENAI_API_KEY / AZURE_OPENAI_API_KEY"
            )
        if self.auth not in ("bearer", "api-key"):
            raise ValueError("auth is 'bearer' or 'api-key'")
        if self.max_examples < 1 or self.stateful_steps < 2 or self.workers < 1:
            raise ValueError("--max-examples and --workers must be at least 1, --stateful-steps at least 2")
        for name, _ in self.headers:
            if not name or any(c in name for c in ":\r\n "):
                raise ValueError(f"--header takes NAME:VALUE (got the name {name!r})")


def target_of(options: ContractOptions) -> str:
    """The server under test, as the console and the reports name it."""
    return f"{options.target} at {options.base_url}" if options.target else options.base_url


@dataclass
class ContractReport:
    """The outcome, why, every semantic property, what schemathesis found, and where the reports are."""

    options: ContractOptions
    base_url: str
    outcome: Outcome
    reason: str | None
    properties: list[PropertyResult]
    schemathesis: SchemathesisResult | None
    seconds: float
    warnings: list[str] = field(default_factory=list)
    left_running: list[str] = field(default_factory=list)
    blocker: Exchange | None = None  # the exchange that made the run stop
    redact: Redactor = field(default_factory=lambda: Redactor([]), repr=False)  # applied to every rendering
    ran: bool = True  # False: the preflight stopped the run, nothing was tested
    interrupted: bool = False  # Ctrl-C stopped the run (the command exits 130)
    created: list[str] = field(default_factory=list)  # the jobs this run made (all cancelled unless left_running)
    touched_pause_job: bool = False  # the scenarios paused the --pause-job job (and resumed it unless left_paused)
    left_paused: str | None = None  # the --pause-job job, when it could not be resumed

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else int(self.outcome)

    @property
    def target(self) -> str:
        return target_of(self.options)

    @property
    def mode(self) -> str:
        kind = "safe" if self.options.safe else "full"
        return kind + (f" run, pausing {self.options.pause_job}" if self.options.pause_job else " run")

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.CONFORMS

    @property
    def cases(self) -> int | None:
        return None if self.schemathesis is None else self.schemathesis.cases

    @property
    def broken(self) -> set[str]:
        """Every reason the server failed: schemathesis' failure titles and the names of failed properties."""
        titles = set(self.schemathesis.failures) if self.schemathesis else set()
        return titles | {result.name for result in self.properties if result.status == "failed"}

    def summary(self, limit: int | None = CONSOLE_LIMIT) -> str:
        """The console summary: a line per property, each ✗ with its curl line; bodies cut to `limit`.

        When the preflight stopped the run, only the reason: nothing ran, so no property, report or seed is named.
        """
        options = self.options
        lines = [f"ftjobs contract suite against {self.target} (seed {options.seed}, {self.mode})"]
        if self.ran:
            lines.append(
                f"schema, status codes, content types, headers, auth and data checks (schemathesis): {self._st()}"
            )
            lines.append("semantics:")
            for result in self.properties:
                note = f" (skipped: {result.skipped or 'not reached'})" if result.status == "skipped" else ""
                lines.append(f"  {_reports.MARK[result.status]} {result.name}: {result.says}{note}")
                lines += ["    " + line for finding in result.findings for line in finding.describe(limit).splitlines()]
        lines += [f"warning: {warning}" for warning in self.warnings]
        if self.left_running:
            lines.append("LEFT RUNNING (cancel them yourself): " + ", ".join(self.left_running))
        lines.append(f"reports: {options.report_dir}/ ({', '.join(_reports.written(options.report_dir))})")
        if self.ran:
            lines.append(f"reproduce: run again with --seed {options.seed} against the same server")
        if self.reason:
            lines.append(f"reason: {self.reason}")
            if self.blocker is not None:
                lines += self.blocker.describe(limit).splitlines()
        lines.append(f"{self.outcome.verdict} (exit {self.exit_code}; {self.seconds:.1f} s)")
        return self.redact("\n".join(lines))

    def _st(self) -> str:
        if self.schemathesis is None:
            return "not run"
        if self.schemathesis.ok:
            return f"passed ({self.schemathesis.cases} cases)"
        if not self.schemathesis.failures:
            return f"did not finish: {self.schemathesis.incomplete}"
        found = "FAILED: " + "; ".join(sorted(set(self.schemathesis.failures))) + " (details above and in the reports)"
        return found + (
            f"; it did not finish either: {self.schemathesis.incomplete}" if self.schemathesis.incomplete else ""
        )

    def markdown(self) -> str:
        """A table of properties for a CI step summary; each ✗ with its curl line."""
        lines = [
            f"### ftjobs contract: {self.outcome.verdict}",
            "",
            f"Server {self.target}, {self.mode}, seed {self.options.seed}, {self.seconds:.1f} s. "
            f"Schemathesis: {self._st()}.",
            "",
        ]
        if self.reason:
            lines += [f"**Reason:** {self.reason}", ""]
        lines += ["| property | result | says |", "|---|---|---|"]
        for result in self.properties:
            shown = {"passed": "✓", "failed": "✗", "skipped": f"skipped: {result.skipped or 'not reached'}"}
            lines.append(f"| `{result.name}` | {shown[result.status]} | {result.says} |")
        failures = [finding for result in self.properties for finding in result.findings]
        if failures:
            lines += ["", "#### Failures", ""]
            for finding in failures:
                lines += [f"- **{finding.prop}**: {finding.message}"]
                if finding.exchange is not None:
                    lines += ["", "  ```", *("  " + line for line in finding.exchange.describe().splitlines()), "  ```"]
        lines += [f"- warning: {warning}" for warning in self.warnings]
        return self.redact("\n".join(lines) + "\n")


def _fragment_examples(p: Properties) -> None:
    from ftjobs._spec import load_spec
    from ftjobs.contract._examples import example_errors

    result = p["fragment_examples_valid"]
    for problem in example_errors(load_spec()):
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

    base = httpx.URL(options.base_url)
    guard = Guard(base.raw_path.decode("ascii").partition("?")[0])
    if options.pause_job is not None:
        guard.named[options.pause_job] = frozenset({"pause", "resume"})
    guard.seen.update(options.job_ids)
    p = Properties.fresh()
    p.mode_skips(safe=options.safe, pause_job=options.pause_job, job_ids=options.job_ids)
    run = _Run()
    with ctrl_c_delivered() as ctrl_c, _reports.claimed(options.report_dir), httpx.HTTPTransport() as wire:
        scenarios_door = GuardedTransport(guard, wire, trusted=True)
        schemathesis_door = GuardedTransport(guard, wire, trusted=False)
        auth_header = dict([credential_header(options.auth, options.api_key)])
        with (
            httpx.Client(timeout=options.request_timeout, transport=scenarios_door) as http,
            GuardProxy(schemathesis_door, base.copy_with(raw_path=b"/"), options.request_timeout) as proxy,
        ):
            session = Session(
                options.base_url,
                {**dict(options.headers), **auth_header},
                auth_header,
                http,
                guard,
                options.wait_timeout,
                options.poll_interval,
                deadline,
                progress=say,
            )
            try:
                _fragment_examples(p)
                say(
                    f"target: {options.target} at {options.base_url}"
                    if options.target
                    else f"target: {options.base_url}"
                )
                say(
                    "preflight: reachability, credentials, a list of jobs"
                    + (", the --pause-job job" * bool(options.pause_job))
                )
                _probes.preflight(session, p)
                if options.pause_job is not None:
                    _lifecycle.check_pause_job(session, options.pause_job)
                run.ran = True
                if options.phases:
                    say(f"schemathesis: every operation; phases {', '.join(options.phases)}")
                    url = proxy.origin + guard.base_path
                    run.schemathesis = run_schemathesis(options, url, redact, say, deadline, lambda: proxy.unanswered)
                _scenarios(session, p, options)
            except CouldNotTest as stopped:
                run.outcome, run.reason = Outcome.COULD_NOT_TEST, stopped.reason
                run.blocker = stopped.exchange
                p.not_reached(stopped.reason)
            except KeyboardInterrupt as interrupt:
                ctrl_c.acknowledge()
                run.interrupted = interrupt
                run.outcome, run.reason = Outcome.COULD_NOT_TEST, "interrupted (Ctrl-C)"
                p.not_reached("interrupted (Ctrl-C)")
            finally:
                run.left = _clean_up(session, say, ctrl_c)
                run.touched_pause_job, run.left_paused = session.paused_by_us is not None, session.left_paused
        report = _report(options, run, p, guard, time.monotonic() - started, redact)
        _reports.write(report, redact)
    if run.interrupted is not None:
        raise ContractInterrupted(report) from run.interrupted
    return report


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
    options: ContractOptions, run: _Run, p: Properties, guard: Guard, seconds: float, redact: Redactor
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
    verdict, why = _verdict(p, schemathesis)
    if outcome is None or (verdict is Outcome.DOES_NOT_CONFORM and run.interrupted is None and run.ran):
        # A failure outranks whatever stopped the run afterwards: the server broke the contract.
        reason = why if outcome is None else f"the run stopped early too: {reason}"
        outcome = verdict
    return ContractReport(
        options,
        options.base_url,
        outcome,
        reason,
        list(p),
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


def _scenarios(s: Session, p: Properties, options: ContractOptions) -> None:
    """Each scenario in turn; one that cannot go on leaves its own properties skipped, and the others run."""
    given = [*options.job_ids, *filter(None, [options.pause_job])]
    pausing = _lifecycle.PAUSING
    steps: list[tuple[str, tuple[str, ...], Callable[[], None]]] = [
        ("unknown ids", ("unknown_id_404",), lambda: _probes.unknown_ids(s, p)),
        (
            "missing and wrong credentials",
            ("missing_credentials_401", "wrong_credentials_401"),
            lambda: _probes.bad_credentials(s, p),
        ),
        ("malformed input", ("malformed_input_400",), lambda: _probes.malformed_input(s, p)),
    ]
    if options.pause_job is not None:
        job = options.pause_job
        steps.append(
            (f"pause and resume of {job}", pausing, lambda: _lifecycle.pause_existing(s, p, job, options.still_seconds))
        )
    if not options.safe:
        model, training_file = options.model, options.training_file
        steps += [
            (
                "lifecycle of a created job",
                _lifecycle.LIFECYCLE,
                lambda: _lifecycle.lifecycle(s, p, model, training_file, options.still_seconds),
            ),
            (
                "pause before running",
                ("pause_before_running_refused",),
                lambda: _lifecycle.pause_before_running(s, p, model, training_file),
            ),
        ]
    steps.append(("reads of jobs", ("reads_name_the_job",), lambda: _probes.reads_of(s, p, given or s.created[-1:])))
    paging = ("list_limit_respected", "list_has_more", "list_after_continues")
    steps.append(("pagination", paging, lambda: _probes.paging(s, p, _events_job(s, options))))
    for title, names, step in steps:
        s.progress(f"scenario: {title}")
        try:
            _timed(step, [p[name] for name in names])
        except Stop:
            for name in names:
                p[name].skip("not reached: an earlier property of the same scenario failed")
        except (Lost, CouldNotTest) as stuck:
            if isinstance(stuck, CouldNotTest) and stuck.fatal:
                raise
            reason = stuck.reason if isinstance(stuck, CouldNotTest) else str(stuck)
            s.progress(f"  could not test: {reason}")
            for name in names:
                p[name].skip(f"not reached: {reason}", inconclusive=True)


def _timed(step: Callable[[], None], results: list[PropertyResult]) -> None:
    """Run a scenario; its time goes to each of its properties (for the JUnit report), however it ends."""
    started = time.monotonic()
    try:
        step()
    finally:
        for result in results:
            result.seconds += time.monotonic() - started


def _events_job(s: Session, options: ContractOptions) -> str | None:
    """A job with events to page through: one the scenarios created, else one given."""
    candidates = [*s.created[-1:], *filter(None, [options.pause_job]), *options.job_ids]
    return candidates[0] if candidates else None


def _verdict(p: Properties, schemathesis: SchemathesisResult | None) -> tuple[Outcome, str | None]:
    failed = [result.name for result in p if result.status == "failed"]
    if failed or (schemathesis is not None and schemathesis.failures):
        return Outcome.DOES_NOT_CONFORM, None
    if schemathesis is not None and schemathesis.incomplete:
        return Outcome.COULD_NOT_TEST, f"schemathesis did not finish: {schemathesis.incomplete}"
    reasons: dict[str, list[str]] = {}
    for result in p:
        if result.status == "skipped" and result.inconclusive:
            reasons.setdefault(result.skipped or "not reached", []).append(result.name)
    if reasons:
        return Outcome.COULD_NOT_TEST, "; ".join(
            f"{', '.join(names)}: {reason.removeprefix('not reached: ')}" for reason, names in reasons.items()
        )
    return Outcome.CONFORMS, None


def _clean_up(s: Session, say: Callable[[str], None], ctrl_c: CtrlC) -> list[str]:
    """Cancel every job the run created and resume a `--pause-job` job; what could not be, returned and said.

    A Ctrl-C during the clean-up stops it: the jobs not yet handled are listed and returned.
    """
    pending = s.created  # the guard records only ids that can name a job
    left: list[str] = []
    s.deadline = float("inf")  # the clean-up runs whatever the time limit
    try:
        if s.paused_by_us is not None and not _resume_given(s, s.paused_by_us, say):
            s.left_paused = s.paused_by_us
        if pending:
            say(f"clean-up: cancelling the {len(pending)} job(s) this run created")
        while pending:
            job_id = pending[0]
            if not _cancelled(s, job_id):
                left.append(job_id)
            pending.pop(0)
    except KeyboardInterrupt:
        ctrl_c.acknowledge()
        left += pending
        say("clean-up interrupted: these jobs may still be running: " + ", ".join(left))
    if left:
        say("could not cancel: " + ", ".join(left))
    return left


def _cancelled(s: Session, job_id: str) -> bool:
    exchange = s.call("POST", f"/fine_tuning/jobs/{job_id}/cancel")
    if exchange.status == 200:
        return True
    read = s.call("GET", f"/fine_tuning/jobs/{job_id}")
    body: Any = read.body()
    return read.status == 404 or (isinstance(body, dict) and body.get("status") in TERMINAL)


def _resume_given(s: Session, job_id: str, say: Callable[[str], None]) -> bool:
    """Put a `--pause-job` job back to running if this run left it paused; False (and said loudly) if that fails."""
    for _ in range(3):
        read = s.call("GET", f"/fine_tuning/jobs/{job_id}")
        body: Any = read.body()
        status = body.get("status") if read.status == 200 and isinstance(body, dict) else None
        if status not in ("paused", "pausing"):
            return True
        if status == "paused" and s.call("POST", f"/fine_tuning/jobs/{job_id}/resume").status == 200:
            say(f"clean-up: resumed {job_id}")
            return True
        time.sleep(1.0)
    say(f"!!! JOB {job_id} IS LEFT PAUSED: resume it yourself (ftjobs resume {job_id}) !!!")
    return False
