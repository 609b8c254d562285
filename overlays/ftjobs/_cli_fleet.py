"""`ftjobs pause|resume|cancel --all [FILTERS]` and `ftjobs resume --journal FILE`: every job that matches.

The plan (count and table) comes first; on a terminal the command asks before acting (unless `--yes`); without
one it refuses unless `--yes` or `--dry-run`. Progress goes to stderr (a bar on a terminal, a line per job
otherwise), the summary to stdout. Every run that acts writes a journal (`--journal`, else a timestamped file
in the current folder), named in the summary: re-running the same command with it continues where a stopped
run ended, and `ftjobs resume --journal FILE` resumes exactly the jobs that run paused.

Exit codes: 0 every selected job changed, already there or skipped; 1 any failed; 2 usage or refusal (nothing
changed); 130 Ctrl-C (the journal intact; the summary says what was done and how to go on).
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ftjobs._cli_common import CommandSession, Declined, Interrupted, complete_statuses, metadata_pairs, statuses, when

if TYPE_CHECKING:
    from ftjobs.fleet import Action, FleetReport, Outcome, Plan
    from ftjobs.fleet._journal import Journal

F = TypeVar("F", bound=Callable[..., Any])
SHOWN_BEFORE_ASKING = 20  # rows of the plan shown before the question (all of them with --dry-run)


def _time(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    from ftjobs.fleet import parse_time

    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as wrong:
        raise click.BadParameter(str(wrong)) from None


FLEET_OPTIONS = [
    click.option("--all", "all_", is_flag=True, help="Every job that matches the filters below (a fleet run)."),
    click.option(
        "--status",
        "status_",
        shell_complete=complete_statuses,
        help="With --all: statuses, comma-separated (default: running for pause, paused for resume, every "
        "status not ended for cancel).",
    ),
    click.option("--model", help="With --all: the base model (its dated snapshots too)."),
    click.option("--suffix", help="With --all: the job's suffix (user_provided_suffix, or in fine_tuned_model)."),
    click.option(
        "--metadata",
        multiple=True,
        callback=metadata_pairs,
        metavar="KEY=VALUE",
        help="With --all: a metadata pair (repeatable; all must match; checked by ftjobs).",
    ),
    click.option("--created-after", callback=_time, metavar="TIME", help="ISO 8601 date or time (UTC), or Unix s."),
    click.option("--created-before", callback=_time, metavar="TIME", help="ISO 8601 date or time (UTC), or Unix s."),
    click.option("--max-jobs", type=click.IntRange(min=0), help="Refuse (exit 2) if more jobs would be changed."),
    click.option("--dry-run", is_flag=True, help="Show the plan; change nothing."),
    click.option("-y", "--yes", is_flag=True, help="Act without asking."),
    click.option(
        "--concurrency",
        type=click.IntRange(1, 64),
        default=4,
        show_default=True,
        help="Requests in flight at most (one per job at a time).",
    ),
    click.option(
        "--journal",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The run's journal (JSONL); default: ftjobs-ACTION-TIME.jsonl here. resume --journal FILE alone: "
        "resume exactly the jobs FILE's runs paused.",
    ),
]


def with_fleet_options(function: F) -> F:
    for option in reversed(FLEET_OPTIONS):
        function = option(function)
    return function


@dataclass(frozen=True)
class FleetOptions:
    """What the fleet options said."""

    all_: bool
    status_: str | None
    model: str | None
    suffix: str | None
    metadata: dict[str, str] | None
    created_after: float | None
    created_before: float | None
    max_jobs: int | None
    dry_run: bool
    yes: bool
    concurrency: int
    journal: Path | None

    @property
    def from_journal(self) -> bool:
        return self.journal is not None and not self.all_

    def filters_given(self) -> list[str]:
        given = {
            "--status": self.status_,
            "--model": self.model,
            "--suffix": self.suffix,
            "--metadata": self.metadata,
            "--created-after": self.created_after,
            "--created-before": self.created_before,
        }
        return [name for name, value in given.items() if value is not None]

    def fleet_only_given(self) -> list[str]:
        flags = {"--max-jobs": self.max_jobs is not None, "--dry-run": self.dry_run, "--yes": self.yes}
        flags["--concurrency"] = click.get_current_context().get_parameter_source("concurrency") not in (
            None,
            click.core.ParameterSource.DEFAULT,
        )
        return self.filters_given() + [name for name, given in flags.items() if given]


def is_fleet(action: str, job_id: str | None, wait_: bool, options: FleetOptions) -> bool:
    """Whether the command is a fleet run; a usage error for a mix that means neither."""
    if options.all_ or (action == "resume" and options.from_journal):
        if job_id is not None:
            raise click.UsageError(f"give a JOB_ID or --all, not both (got {job_id!r} and --all)")
        if wait_:
            raise click.UsageError("--wait is for one job; a fleet run reports each job's answer")
        if options.from_journal and options.filters_given():
            raise click.UsageError(
                f"resume --journal resumes exactly the jobs the journal paused; {', '.join(options.filters_given())} "
                "would change that (use --all with filters instead)"
            )
        return True
    if job_id is None:
        more = "; or --journal FILE to resume what a fleet run paused" if action == "resume" else ""
        raise click.UsageError(f"give a JOB_ID, or --all with filters for every job that matches{more}")
    stray = options.fleet_only_given() + (["--journal"] if options.journal is not None else [])
    if stray:
        raise click.UsageError(f"{', '.join(stray)} only with --all (a fleet run); {job_id} is one job")
    return False


def run(session: CommandSession, action: str, options: FleetOptions) -> None:
    """Plan, show, ask, act, summarise (see the module's docstring)."""
    from ftjobs import fleet

    journal_path = options.journal
    if journal_path is None and not options.dry_run:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        journal_path = Path(f"ftjobs-{action}-{stamp}.jsonl")
    journal = fleet_journal(session, journal_path)
    try:
        if options.from_journal and journal is not None:
            plan = fleet.plan_from_journal(
                session.client, journal, concurrency=options.concurrency, max_jobs=options.max_jobs
            )
        else:
            selection = fleet.Selection(
                statuses(options.status_) if options.status_ else frozenset(),
                options.model,
                options.suffix,
                options.metadata or {},
                options.created_after,
                options.created_before,
            )
            plan = fleet.plan(session.client, _action(action), selection, journal=journal, max_jobs=options.max_jobs)
    except KeyboardInterrupt:
        raise Interrupted("interrupted while listing jobs; no job was changed") from None
    except fleet.TooManyJobs as refused:
        raise Declined(f"{refused}; nothing was changed (raise --max-jobs, or narrow the filters)") from None
    _show_plan(session, plan, options)
    if not plan.jobs:
        _finish(session, fleet.FleetReport(action, plan.outcomes, dry_run=options.dry_run), options, options.journal)
        return
    if options.dry_run:
        planned = [
            fleet.Outcome(job_id, action, "planned", str(job.get("status"))) for job_id, job in plan.jobs.items()
        ]
        _finish(session, fleet.FleetReport(action, planned + plan.outcomes, dry_run=True), options, None)
        return
    _confirm(action, plan, options)
    progress = _Progress(session, len(plan.jobs))
    try:
        with progress:
            report = fleet.execute(session.client, plan, concurrency=options.concurrency, on_outcome=progress.done)
    except fleet.FleetInterrupted as stopped:
        _finish(session, stopped.report, options, journal_path)
        raise Interrupted(_continue_hint(stopped.report, options, journal_path)) from None
    _finish(session, report, options, journal_path)
    if report.failed:
        sys.exit(1)


def fleet_journal(session: CommandSession, path: Path | None) -> Journal | None:
    from ftjobs.fleet._journal import Journal

    return Journal.open(path, session.client._settings.base_url) if path is not None else None


def _action(name: str) -> Action:
    if name not in ("pause", "resume", "cancel"):
        raise ValueError(f"not a fleet action: {name!r}")
    return name  # type: ignore[return-value]


def _show_plan(session: CommandSession, plan: Plan, options: FleetOptions) -> None:
    """The count and a table (stderr when --json: stdout then holds only the JSON)."""
    err = session.as_json
    source = "the journal named" if options.from_journal else "listed"
    already = sum(1 for outcome in plan.outcomes if outcome.result == "already")
    extra = f"; {already} already done by an earlier run of this journal" if already else ""
    click.echo(f"{plan.listed} jobs {source}; {len(plan.jobs)} to {plan.action}{extra}", err=err)
    if not plan.jobs:
        return
    rows = list(plan.jobs.items())
    shown = rows if options.dry_run else rows[:SHOWN_BEFORE_ASKING]
    width = max(len(job_id) for job_id, _ in shown)
    click.echo(f"  {'ID':<{width}}  {'STATUS':<10}  {'MODEL':<28}  CREATED", err=err)
    for job_id, job in shown:
        status, model = str(job.get("status")), str(job.get("model"))
        click.echo(f"  {job_id:<{width}}  {status:<10}  {model:<28}  {when(job.get('created_at'))}", err=err)
    if len(shown) < len(rows):
        click.echo(f"  … and {len(rows) - len(shown)} more (--dry-run lists every one)", err=err)


def _confirm(action: str, plan: Plan, options: FleetOptions) -> None:
    count = len(plan.jobs)
    if options.yes:
        return
    if not sys.stdin.isatty():
        raise Declined(
            f"refusing to {action} {count} jobs without --yes: there is no terminal to ask on "
            "(--dry-run shows the plan); nothing was changed"
        )
    try:
        agreed = click.confirm(f"{action} these {count} jobs?", default=False, err=True)
    except click.Abort:
        agreed = False
    if not agreed:
        raise Declined("not confirmed; nothing was changed")


class _Progress:
    """A bar on a terminal (rich, on stderr), a line per job otherwise; safe to call from worker threads."""

    def __init__(self, session: CommandSession, total: int) -> None:
        self.quiet = session.as_json
        self.bar: Any = None
        if not self.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("jobs", total=total)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def done(self, outcome: Outcome) -> None:
        """Called from the workers as each job finishes."""
        if self.bar is not None:
            self.bar.advance(self.task)
        elif not self.quiet:
            # One write per line, straight to the stream: click.echo's per-call work, under sixteen threads,
            # cost a tenth of a 1,000-job run.
            sys.stderr.write(_job_line(outcome) + "\n")
            sys.stderr.flush()


def _job_line(outcome: Outcome) -> str:
    after = f" → {outcome.status_after}" if outcome.status_after else ""
    error = f": {outcome.error}" if outcome.error else ""
    return f"{outcome.id}  {outcome.status_before or '?'}{after}  {outcome.result}{error}"


def _finish(session: CommandSession, report: FleetReport, options: FleetOptions, journal: Path | None) -> None:
    """The summary on stdout (one JSON object with --json)."""
    report.journal = journal
    if session.as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    if report.dry_run:
        click.echo(f"dry run: nothing was changed ({len(report.outcomes)} jobs shown)")
        return
    counts = report.counts()
    skipped = ", ".join(f"{n} {status}" for status, n in sorted(report.skipped_by_status().items()))
    parts = [
        f"{counts['changed']} changed",
        f"{counts['already']} already there",
        f"{counts['skipped']} skipped" + (f" ({skipped})" if skipped else ""),
        f"{counts['failed']} failed",
    ]
    if counts["not started"]:
        parts.append(f"{counts['not started']} not started")
    click.echo(f"{report.action}: " + ", ".join(parts))
    for outcome in report.failed:
        click.echo(f"  failed  {outcome.id}: {outcome.error}")
    if journal is not None:
        click.echo(f"journal: {journal}")
        if report.action == "pause" and counts["changed"]:
            click.echo(f"  resume exactly these later: ftjobs resume --journal {shlex.quote(str(journal))}")


def _continue_hint(report: FleetReport, options: FleetOptions, journal: Path | None) -> str:
    counts = report.counts()
    if options.journal is not None:
        how = "run the same command again"
    else:
        how = f"run the same command with --journal {shlex.quote(str(journal))}"
    return (
        f"interrupted: {counts['changed']} changed, {counts['not started']} not started; the journal holds each "
        f"job's outcome; to go on, {how} (jobs already done are left alone)"
    )
