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

from ftjobs.contract import _lifecycle, _probes, _reports
from ftjobs.contract._common import (
    CONSOLE_LIMIT,
    CouldNotTest,
    Outcome,
    PropertyResult,
    Redactor,
    credential_header,
    cut,
)
from ftjobs.contract._properties import Properties
from ftjobs.contract._schemathesis import SchemathesisResult, recorded_creates, run_schemathesis
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
    blocker: str | None = None  # the exchange that made the run stop, described
    redact: Redactor = field(default_factory=lambda: Redactor([]), repr=False)  # applied to every rendering

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
        """The console summary: a line per property, each ✗ with its curl line; bodies cut to `limit`."""
        options = self.options
        kind = "safe" if options.safe else "full"
        extra = f", pausing {options.pause_job}" if options.pause_job else ""
        lines = [f"ftjobs contract suite against {self.base_url} (seed {options.seed}, {kind} run{extra})"]
        lines.append(f"schema, status codes, content types, headers, auth and data checks (schemathesis): {self._st()}")
        lines.append("semantics:")
        for result in self.properties:
            note = f" (skipped: {result.skipped or 'not reached'})" if result.status == "skipped" else ""
            lines.append(f"  {_reports.MARK[result.status]} {result.name}: {result.says}{note}")
            lines += ["    " + line for finding in result.findings for line in finding.describe(limit).splitlines()]
        lines += [f"warning: {warning}" for warning in self.warnings]
        if self.left_running:
            lines.append("LEFT RUNNING (cancel them yourself): " + ", ".join(self.left_running))
        lines.append(
            f"reports: {options.report_dir}/ (junit.xml, semantics-junit.xml, schemathesis.json, "
            "contract-summary.json, contract-summary.md)"
        )
        lines.append(f"reproduce: run again with --seed {options.seed} against the same server")
        if self.reason:
            lines.append(f"reason: {self.reason}")
            if self.blocker:
                lines += [line if limit is None else cut(line, limit) for line in self.blocker.splitlines()]
        lines.append(f"{self.outcome.verdict} (exit {int(self.outcome)}; {self.seconds:.1f} s)")
        return self.redact("\n".join(lines))

    def _st(self) -> str:
        if self.schemathesis is None:
            return "not run"
        if self.schemathesis.ok:
            return f"passed ({self.schemathesis.cases} cases)"
        return "FAILED: " + "; ".join(sorted(set(self.schemathesis.failures))) + " (details above and in the reports)"

    def markdown(self) -> str:
        """A table of properties for a CI step summary; each ✗ with its curl line."""
        lines = [
            f"### ftjobs contract: {self.outcome.verdict}",
            "",
            f"Server `{self.base_url}`, seed {self.options.seed}, {self.seconds:.1f} s. Schemathesis: {self._st()}.",
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

    Raises `ValueError` for unusable options. Ctrl-C (`KeyboardInterrupt`) cancels the jobs the run made, puts
    a `--pause-job` job back to running, writes the reports, and is raised again.
    """
    options.validate()
    options.base_url = options.base_url.rstrip("/")
    options.report_dir = options.report_dir.resolve()
    started = time.monotonic()
    deadline = started + (options.max_time if options.max_time is not None else float("inf"))
    redact = Redactor([options.api_key, *(value for _, value in options.headers)])

    def say(line: str) -> None:
        echo(redact(line))

    _reports.prepare(options.report_dir)
    p = Properties.fresh()
    p.mode_skips(safe=options.safe, pause_job=options.pause_job, job_ids=options.job_ids)
    outcome_reason: tuple[Outcome | None, str | None] = (None, None)
    schemathesis: SchemathesisResult | None = None
    blocker: str | None = None
    interrupted: BaseException | None = None
    auth_header = dict([credential_header(options.auth, options.api_key)])
    headers = {**dict(options.headers), **auth_header}
    with httpx.Client(timeout=options.request_timeout) as http:
        session = Session(
            options.base_url,
            headers,
            auth_header,
            http,
            options.wait_timeout,
            options.poll_interval,
            deadline,
            progress=say,
            created=[],
        )
        try:
            _fragment_examples(p)
            say("preflight: reachability, credentials, a list of jobs")
            _probes.preflight(session, p)
            if options.phases:
                say(f"schemathesis: every operation; phases {', '.join(options.phases)}")
                schemathesis = run_schemathesis(options, redact, say, deadline)
                session.created += schemathesis.created
            _scenarios(session, p, options)
        except CouldNotTest as stopped:
            outcome_reason = (Outcome.COULD_NOT_TEST, stopped.reason)
            blocker = stopped.exchange.describe() if stopped.exchange is not None else None
            p.not_reached(stopped.reason)
        except KeyboardInterrupt as interrupt:
            interrupted = interrupt
            outcome_reason = (Outcome.COULD_NOT_TEST, "interrupted (Ctrl-C)")
            p.not_reached("interrupted (Ctrl-C)")
        finally:
            session.created += recorded_creates(options.report_dir)  # stopped mid-run: what it made so far
            left = _clean_up(session, say)
    outcome, reason = outcome_reason
    warnings = schemathesis.warnings if schemathesis is not None else []
    verdict, why = _verdict(p, schemathesis)
    if outcome is None or (verdict is Outcome.DOES_NOT_CONFORM and interrupted is None):
        # A failure outranks whatever stopped the run afterwards: the server broke the contract.
        reason = why if outcome is None else f"the run stopped early too: {reason}"
        outcome = verdict
    report = ContractReport(
        options,
        options.base_url,
        outcome,
        reason,
        list(p),
        schemathesis,
        time.monotonic() - started,
        warnings,
        left,
        blocker,
        redact,
    )
    _reports.write(report, redact)
    if interrupted is not None:
        raise interrupted
    return report


def _scenarios(s: Session, p: Properties, options: ContractOptions) -> None:
    """Each scenario in turn; one that cannot go on leaves its own properties skipped, and the others run."""
    given = [*options.job_ids, *filter(None, [options.pause_job])]
    pausing = ("pause_pauses", "paused_stands_still", "pause_of_paused", "resume_not_terminal", "resume_runs_on")
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
            step()
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


def _events_job(s: Session, options: ContractOptions) -> str | None:
    """A job with events to page through: one the scenarios created, else one given."""
    candidates = [*s.created[-1:], *filter(None, [options.pause_job]), *options.job_ids]
    return candidates[0] if candidates else None


def _verdict(p: Properties, schemathesis: SchemathesisResult | None) -> tuple[Outcome, str | None]:
    failed = [result.name for result in p if result.status == "failed"]
    if failed or (schemathesis is not None and not schemathesis.ok):
        return Outcome.DOES_NOT_CONFORM, None
    inconclusive = [result.name for result in p if result.status == "skipped" and result.inconclusive]
    if inconclusive:
        return Outcome.COULD_NOT_TEST, "a precondition was lost for: " + ", ".join(inconclusive)
    return Outcome.CONFORMS, None


def _clean_up(s: Session, say: Callable[[str], None]) -> list[str]:
    """Cancel every job the run created and resume a `--pause-job` job; what could not be, returned and said.

    A Ctrl-C during the clean-up stops it: the jobs not yet handled are listed and returned.
    """
    pending = list(dict.fromkeys(s.created))
    left: list[str] = []
    s.deadline = float("inf")  # the clean-up runs whatever the time limit
    try:
        if s.paused_by_us is not None:
            _resume_given(s, s.paused_by_us, say)
        if pending:
            say(f"clean-up: cancelling the {len(pending)} job(s) this run created")
        while pending:
            job_id = pending[0]
            if not _cancelled(s, job_id):
                left.append(job_id)
            pending.pop(0)
    except KeyboardInterrupt:
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


def _resume_given(s: Session, job_id: str, say: Callable[[str], None]) -> None:
    """Put a `--pause-job` job back to running if this run left it paused; say so loudly if that fails."""
    for _ in range(3):
        read = s.call("GET", f"/fine_tuning/jobs/{job_id}")
        body: Any = read.body()
        status = body.get("status") if read.status == 200 and isinstance(body, dict) else None
        if status not in ("paused", "pausing"):
            return
        if status == "paused" and s.call("POST", f"/fine_tuning/jobs/{job_id}/resume").status == 200:
            say(f"clean-up: resumed {job_id}")
            return
        time.sleep(1.0)
    say(f"!!! JOB {job_id} IS LEFT PAUSED: resume it yourself (ftjobs resume {job_id}) !!!")
