"""`ftjobs create|pause|resume|cancel|status|list|events|checkpoints|wait`: the client from a terminal.

Errors are one line on stderr, with the request id; `--json` prints what the server sent, exactly; `--verbose`
logs each HTTP exchange and retry, credentials redacted. Exit codes: see `ftjobs._cli_common`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from ftjobs._cli_common import (
    CommandSession,
    Refused,
    api_command,
    complete_statuses,
    line,
    metadata_pairs,
    show,
    statuses,
    wait,
    waiting_after,
    when,
    with_wait_options,
)
from ftjobs._cli_fleet import FleetOptions, is_fleet, with_fleet_options
from ftjobs._cli_fleet import run as run_fleet
from ftjobs._statuses import PRE_RUNNING

if TYPE_CHECKING:
    from ftjobs import FineTuningJob


def _details(job: FineTuningJob) -> str:
    from ftjobs import deviations

    rows = [
        ("id", job.id),
        ("status", job.status),
        ("model", job.model),
        ("created", when(job.created_at)),
        ("finished", when(job.finished_at)),
        ("fine-tuned model", job.fine_tuned_model or "-"),
        ("trained tokens", job.trained_tokens if job.trained_tokens is not None else "-"),
        ("training file", job.training_file),
    ]
    error = job.error
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        rows.append(("error", message))
    rows += [("deviation", str(found)) for found in deviations(job)]
    return "\n".join(f"{name:>16}  {value}" for name, value in rows)


def _number(value: str, kind: type[int] | type[float]) -> int | float | str:
    if value == "auto":
        return value
    try:
        return kind(value)
    except ValueError:
        raise click.BadParameter(f"expected a number or auto, got {value!r}") from None


def _transition(session: CommandSession, job_id: str, action: str, goal: frozenset[str] | None) -> FineTuningJob:
    """Pause or resume. Refused because the job is already where `goal` (with --wait) wants it: that job, and a
    note; refused because a pause came before the job runs: the refusal, with what to do instead."""
    from ftjobs import BadRequestError, ConflictError

    jobs = session.client.fine_tuning.jobs
    try:
        return jobs.pause(job_id) if action == "pause" else jobs.resume(job_id)
    except (BadRequestError, ConflictError) as refused:
        job = jobs.retrieve(job_id)
        if goal is not None and job.status in goal:
            click.echo(f"ftjobs: {job_id} is already {job.status}; nothing to {action}", err=True)
            return job
        if action == "pause" and job.status in PRE_RUNNING:
            raise Refused(
                f"{refused.status_code} {refused.message} — {job_id} is {job.status}: a job can be paused only "
                f"while running (wait for it: ftjobs wait {job_id} --until running)"
            ) from None
        raise


@click.command()
@click.option("--model", required=True, help="The base model, e.g. gpt-4o-mini.")
@click.option("--training-file", required=True, help="The id of an uploaded JSONL training file.")
@click.option("--validation-file", help="The id of an uploaded JSONL validation file.")
@click.option("--suffix", help="Up to 64 characters added to the fine-tuned model's name.")
@click.option("--seed", type=int, help="Seed for reproducible training.")
@click.option("--n-epochs", help="Epochs (1-50) or auto.")
@click.option("--batch-size", help="Batch size (1-256) or auto.")
@click.option("--learning-rate-multiplier", help="Learning-rate multiplier (> 0) or auto.")
@click.option(
    "--method",
    type=click.Choice(["supervised", "dpo", "reinforcement"]),
    default="supervised",
    show_default=True,
    help="Fine-tuning method (reinforcement needs a grader: use the library).",
)
@click.option("--metadata", multiple=True, callback=metadata_pairs, metavar="KEY=VALUE", help="Repeatable.")
@click.option(
    "--training-type",
    help="Azure: the training's deployment type (`trainingType`: Standard, GlobalStandard, Developer).",
)
@click.option("--wait", "wait_", is_flag=True, help="Then wait until the job reaches --until.")
@click.option(
    "--until",
    default="succeeded",
    show_default=True,
    shell_complete=complete_statuses,
    help="With --wait: statuses, comma-separated.",
)
@with_wait_options
@api_command("create")
def create(
    session: CommandSession,
    model: str,
    training_file: str,
    validation_file: str | None,
    suffix: str | None,
    seed: int | None,
    n_epochs: str | None,
    batch_size: str | None,
    learning_rate_multiplier: str | None,
    method: str,
    metadata: dict[str, str] | None,
    training_type: str | None,
    wait_: bool,
    until: str,
    timeout: float,
    poll_interval: float,
) -> None:
    """Create a fine-tuning job."""
    wanted = statuses(until) if wait_ else None
    hyperparameters: dict[str, Any] = {}
    for name, value, kind in (
        ("n_epochs", n_epochs, int),
        ("batch_size", batch_size, int),
        ("learning_rate_multiplier", learning_rate_multiplier, float),
    ):
        if value is not None:
            hyperparameters[name] = _number(value, kind)
    if method == "reinforcement":
        raise click.UsageError("a reinforcement job needs a grader: create it with the library")
    arguments: dict[str, Any] = {"method": {"type": method, method: {"hyperparameters": hyperparameters}}}
    given: dict[str, object] = {"validation_file": validation_file, "suffix": suffix, "seed": seed}
    arguments.update({name: value for name, value in given.items() if value is not None})
    if metadata:
        arguments["metadata"] = metadata
    if training_type:
        arguments["extra_body"] = {"trainingType": training_type}  # Azure's field; OpenAI's API has none
    job = session.client.fine_tuning.jobs.create(model=model, training_file=training_file, **arguments)
    if wanted is not None and job.status not in wanted:
        click.echo(f"created {job.id}; waiting for {', '.join(sorted(wanted))}", err=True)
        with waiting_after(job.id, f"job {job.id} was created and goes on"):
            job = wait(session, job.id, wanted, timeout, poll_interval)
    show(session, job, line)


@click.command()
@click.argument("job_id", required=False)
@click.option("--wait", "wait_", is_flag=True, help="Then wait until the job is paused.")
@with_wait_options
@with_fleet_options
@api_command("pause")
def pause(
    session: CommandSession, job_id: str | None, wait_: bool, timeout: float, poll_interval: float, **fleet: Any
) -> None:
    """Pause a running job; with --all, every job that matches."""
    options = FleetOptions(**fleet)
    if is_fleet("pause", job_id, wait_, options):
        run_fleet(session, "pause", options)
        return
    assert job_id is not None  # noqa: S101 (is_fleet refuses a command with neither)
    job = _transition(session, job_id, "pause", frozenset({"paused"}) if wait_ else None)
    if wait_ and job.status != "paused":
        with waiting_after(job_id, f"the pause of {job_id} was accepted"):
            job = wait(session, job_id, frozenset({"paused"}), timeout, poll_interval)
    show(session, job, line)


@click.command()
@click.argument("job_id", required=False)
@click.option("--wait", "wait_", is_flag=True, help="Then wait until the job is running again.")
@with_wait_options
@with_fleet_options
@api_command("resume")
def resume(
    session: CommandSession, job_id: str | None, wait_: bool, timeout: float, poll_interval: float, **fleet: Any
) -> None:
    """Resume a paused job; with --all, every one that matches; with --journal FILE, those a run paused."""
    options = FleetOptions(**fleet)
    if is_fleet("resume", job_id, wait_, options):
        run_fleet(session, "resume", options)
        return
    assert job_id is not None  # noqa: S101 (is_fleet refuses a command with neither)
    job = _transition(session, job_id, "resume", frozenset({"running"}) if wait_ else None)
    if wait_ and job.status != "running":
        with waiting_after(job_id, f"the resume of {job_id} was accepted"):
            job = wait(session, job_id, frozenset({"running"}), timeout, poll_interval)
    show(session, job, line)


@click.command()
@click.argument("job_id", required=False)
@with_fleet_options
@api_command("cancel")
def cancel(session: CommandSession, job_id: str | None, **fleet: Any) -> None:
    """Cancel a job that has not ended (paused ones included); with --all, every one that matches."""
    options = FleetOptions(**fleet)
    if is_fleet("cancel", job_id, False, options):
        run_fleet(session, "cancel", options)
        return
    assert job_id is not None  # noqa: S101 (is_fleet refuses a command with neither)
    show(session, session.client.fine_tuning.jobs.cancel(job_id), line)


@click.command()
@click.argument("job_id")
@api_command("read")
def status(session: CommandSession, job_id: str) -> None:
    """Show a job."""
    show(session, session.client.fine_tuning.jobs.retrieve(job_id), _details)


@click.command(name="list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many jobs to show.")
@click.option(
    "--status",
    "status_",
    shell_complete=complete_statuses,
    help="Only jobs in this status (or these, comma-separated).",
)
@api_command("read")
def list_jobs(session: CommandSession, limit: int, status_: str | None) -> None:
    """List jobs, newest first."""
    wanted = statuses(status_) if status_ else None
    shown: list[FineTuningJob] = []
    for job in session.client.fine_tuning.jobs.list(limit=min(limit, 100)):
        if wanted is None or job.status in wanted:
            shown.append(job)
        if len(shown) == limit:
            break
    if session.as_json:
        ids = {job.id for job in shown}
        raw = [item for item in session.raw_items() if isinstance(item, dict) and item.get("id") in ids]
        click.echo(json.dumps(raw, indent=2))
        return
    if not shown:
        click.echo("no jobs")
        return
    width = max(len(job.id) for job in shown)
    click.echo(f"{'ID':<{width}}  {'STATUS':<16}  {'MODEL':<28}  CREATED")
    for job in shown:
        click.echo(f"{job.id:<{width}}  {job.status!s:<16}  {job.model:<28}  {when(job.created_at)}")


@click.command()
@click.argument("job_id")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many events to show.")
@api_command("read")
def events(session: CommandSession, job_id: str, limit: int) -> None:
    """Show a job's events, newest first."""
    found = []
    for event in session.client.fine_tuning.jobs.list_events(job_id, limit=min(limit, 100)):
        found.append(event)
        if len(found) == limit:
            break
    if session.as_json:
        click.echo(json.dumps(session.raw_items()[:limit], indent=2))
        return
    for event in found:
        click.echo(f"{when(event.created_at)}  {event.level:<5}  {event.message}")


@click.command()
@click.argument("job_id")
@click.option(
    "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many checkpoints to show."
)
@api_command("read")
def checkpoints(session: CommandSession, job_id: str, limit: int) -> None:
    """Show a job's checkpoints, newest first."""
    found = []
    for checkpoint in session.client.fine_tuning.jobs.checkpoints.list(job_id, limit=min(limit, 100)):
        found.append(checkpoint)
        if len(found) == limit:
            break
    if session.as_json:
        click.echo(json.dumps(session.raw_items()[:limit], indent=2))
        return
    if not found:
        click.echo("no checkpoints")
        return
    for checkpoint in found:
        loss = getattr(checkpoint.metrics, "train_loss", None)
        shown = f"  train loss {loss:g}" if isinstance(loss, int | float) else ""
        click.echo(f"step {checkpoint.step_number:>5}  {checkpoint.fine_tuned_model_checkpoint}{shown}")


@click.command(name="wait")
@click.argument("job_id")
@click.option(
    "--until",
    "until",
    required=True,
    shell_complete=complete_statuses,
    help="Wanted statuses, comma-separated (e.g. paused,running).",
)
@with_wait_options
@api_command("read")
def wait_command(session: CommandSession, job_id: str, until: str, timeout: float, poll_interval: float) -> None:
    """Wait until the job reaches a wanted status.

    Exit 1 if it ends in another status first, or when --timeout passes.
    """
    job = wait(session, job_id, statuses(until), timeout, poll_interval)
    show(session, job, line)


def register(main: click.Group) -> None:
    """Add the job commands to the `ftjobs` group."""
    for command in (create, pause, resume, cancel, status, list_jobs, events, checkpoints, wait_command):
        main.add_command(command)
