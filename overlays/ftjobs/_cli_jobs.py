"""`ftjobs pause|resume|cancel|status|list|events|wait`: the client from a terminal.

Exit codes: 0 done; 1 a call failed, or the job ended (or timed out) in a status that was not wanted;
2 a usage error (bad arguments, no credentials). Errors are one line on stderr, with the request id.
`--json` prints what the server sent, exactly; `--verbose` logs each HTTP exchange, credentials redacted.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    import httpx

    from ftjobs import Client, FineTuningJob

F = TypeVar("F", bound=Callable[..., Any])


class Session:
    """One command's client, plus the raw answers it received (for `--json`)."""

    def __init__(self, client: Client, answers: list[httpx.Response], as_json: bool) -> None:
        self.client = client
        self.answers = answers
        self.as_json = as_json

    def raw(self) -> Any:
        """The last answer's JSON, exactly as the server sent it."""
        return json.loads(self.answers[-1].content)

    def raw_items(self) -> list[Any]:
        """The `data` items of every list answer received, in order."""
        items: list[Any] = []
        for answer in self.answers:
            body = json.loads(answer.content)
            if isinstance(body, dict) and isinstance(body.get("data"), list):
                items += body["data"]
        return items


def api_command(function: F) -> F:
    """Add the connection options to a command, and turn ftjobs errors into one line and an exit code."""
    options = [
        click.option("--base-url", envvar="OPENAI_BASE_URL", help="API base URL (env OPENAI_BASE_URL)."),
        click.option(
            "--api-key",
            help="API key; else OPENAI_API_KEY or AZURE_OPENAI_API_KEY, else a prompt on a terminal (never echoed).",
        ),
        click.option(
            "--azure-endpoint",
            envvar="AZURE_OPENAI_ENDPOINT",
            help="Azure OpenAI endpoint (env AZURE_OPENAI_ENDPOINT).",
        ),
        click.option("--api-version", help="Azure `api-version` query parameter (v1 or preview)."),
        click.option("--json", "as_json", is_flag=True, help="Print the server's JSON exactly as received."),
        click.option("-v", "--verbose", is_flag=True, help="Log every HTTP exchange to stderr (credentials redacted)."),
    ]

    @wraps(function)
    def run(**kwargs: Any) -> None:
        from ftjobs import APIError, FtjobsError, JobWaitError

        verbose = kwargs.pop("verbose")
        as_json = kwargs["as_json"]
        if not verbose:
            from stamina.instrumentation import set_on_retry_hooks

            set_on_retry_hooks([])  # stamina would log each retry on stderr; only --verbose shows them
        if verbose:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(message)s"))
            logging.getLogger("ftjobs").addHandler(handler)
            logging.getLogger("ftjobs").setLevel(logging.DEBUG)
        try:
            with _session(
                kwargs.pop("base_url"),
                kwargs.pop("api_key"),
                kwargs.pop("azure_endpoint"),
                kwargs.pop("api_version"),
                kwargs.pop("as_json"),
            ) as session:
                function(session, **kwargs)
        except JobWaitError as ended:
            if ended.job is not None and as_json:
                click.echo(ended.job.to_dict() and json.dumps(ended.job.to_dict(), indent=2))
            click.echo(f"ftjobs: {ended}", err=True)
            sys.exit(1)
        except APIError as failed:
            where = f" (request id {failed.request_id})" if failed.request_id else ""
            status = f"{failed.status_code} " if failed.status_code else ""
            click.echo(f"ftjobs: {status}{failed.message}{where}", err=True)
            sys.exit(1)
        except (FtjobsError, ValueError) as misconfigured:  # no credentials, an empty job id
            click.echo(f"ftjobs: {misconfigured}", err=True)
            sys.exit(2)

    for option in reversed(options):
        run = option(run)
    return run  # type: ignore[return-value]


@contextmanager
def _session(
    base_url: str | None, api_key: str | None, azure_endpoint: str | None, api_version: str | None, as_json: bool
) -> Iterator[Session]:
    import httpx

    from ftjobs import Client

    azure = bool(azure_endpoint) and not base_url
    if api_key is None:
        api_key = os.environ.get("AZURE_OPENAI_API_KEY" if azure else "OPENAI_API_KEY") or os.environ.get(
            "OPENAI_API_KEY"
        )
    if not api_key:
        if not _interactive():
            raise click.UsageError("no API key: pass --api-key or set OPENAI_API_KEY (Azure: AZURE_OPENAI_API_KEY)")
        api_key = click.prompt("API key", hide_input=True)
    answers: list[httpx.Response] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        if response.is_success:
            answers.append(response)

    http = httpx.Client(timeout=httpx.Timeout(600.0, connect=5.0), event_hooks={"response": [keep]})
    with (
        http,
        Client(
            api_key=api_key,
            base_url=base_url,
            azure_endpoint=azure_endpoint if azure else None,
            api_version=api_version,
            http_client=http,
        ) as client,
    ):
        yield Session(client, answers, as_json)


def _interactive() -> bool:
    """Whether a person can be asked for the key."""
    return sys.stdin.isatty()


# -- output -------------------------------------------------------------------------------------------


def _when(seconds: object) -> str:
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "-"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _line(job: FineTuningJob) -> str:
    return f"{job.id}  {job.status}  {job.model}  created {_when(job.created_at)}"


def _details(job: FineTuningJob) -> str:
    from ftjobs import deviations

    rows = [
        ("id", job.id),
        ("status", job.status),
        ("model", job.model),
        ("created", _when(job.created_at)),
        ("finished", _when(job.finished_at)),
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


def _show(session: Session, job: FineTuningJob, render: Callable[[FineTuningJob], str] = _line) -> None:
    if session.as_json:
        click.echo(json.dumps(session.raw(), indent=2))
    else:
        click.echo(render(job))


def _statuses(value: str) -> frozenset[str]:
    wanted = frozenset(part.strip() for part in value.split(",") if part.strip())
    if not wanted:
        raise click.BadParameter("name at least one status, e.g. paused,running")
    return wanted


class _Elapsed:
    """A status line whose elapsed time is computed when drawn (so the spinner keeps it current)."""

    def __init__(self, job_id: str, until: frozenset[str]) -> None:
        self.job_id = job_id
        self.until = ", ".join(sorted(until))
        self.status = "…"
        self.started = time.monotonic()

    def __rich__(self) -> str:
        return f"{self.job_id}  {self.status}  waiting for {self.until}  {time.monotonic() - self.started:.0f}s"


def _wait(session: Session, job_id: str, until: frozenset[str], timeout: float, poll_interval: float) -> FineTuningJob:
    """Wait with a live status line on a terminal, or a plain line per change when piped."""
    line = _Elapsed(job_id, until)
    if session.as_json or not sys.stderr.isatty():

        def report(job: FineTuningJob) -> None:
            line.status = str(job.status)
            if not session.as_json:
                click.echo(f"{job.id}  {job.status}  ({time.monotonic() - line.started:.1f}s)", err=True)

        return session.client.fine_tuning.jobs.wait(
            job_id, until=until, timeout=timeout, poll_interval=poll_interval, on_update=report
        )
    from rich.console import Console

    console = Console(stderr=True)
    with console.status(line, spinner="dots"):

        def update(job: FineTuningJob) -> None:
            line.status = str(job.status)

        job = session.client.fine_tuning.jobs.wait(
            job_id, until=until, timeout=timeout, poll_interval=poll_interval, on_update=update
        )
    console.print(f"{job.id}  {job.status}  after {time.monotonic() - line.started:.0f}s")
    return job


wait_options = [
    click.option(
        "--timeout", type=click.FloatRange(min=0.0), default=3600.0, show_default=True, help="Seconds to wait at most."
    ),
    click.option(
        "--poll-interval", type=click.FloatRange(min=0.0), default=5.0, show_default=True, help="Seconds between polls."
    ),
]


def with_wait_options(function: F) -> F:
    for option in reversed(wait_options):
        function = option(function)
    return function


# -- commands -----------------------------------------------------------------------------------------


def register(main: click.Group) -> None:
    """Add the job commands to the `ftjobs` group."""

    @main.command()
    @click.argument("job_id")
    @click.option("--wait", "wait_", is_flag=True, help="Then wait until the job is paused.")
    @with_wait_options
    @api_command
    def pause(session: Session, job_id: str, wait_: bool, timeout: float, poll_interval: float) -> None:
        """Pause a running job."""
        job = session.client.fine_tuning.jobs.pause(job_id)
        if wait_ and job.status != "paused":
            job = _wait(session, job_id, frozenset({"paused"}), timeout, poll_interval)
        _show(session, job)

    @main.command()
    @click.argument("job_id")
    @click.option("--wait", "wait_", is_flag=True, help="Then wait until the job is running again.")
    @with_wait_options
    @api_command
    def resume(session: Session, job_id: str, wait_: bool, timeout: float, poll_interval: float) -> None:
        """Resume a paused job."""
        job = session.client.fine_tuning.jobs.resume(job_id)
        if wait_ and job.status != "running":
            job = _wait(session, job_id, frozenset({"running"}), timeout, poll_interval)
        _show(session, job)

    @main.command()
    @click.argument("job_id")
    @api_command
    def cancel(session: Session, job_id: str) -> None:
        """Cancel a job that has not ended (paused ones included)."""
        _show(session, session.client.fine_tuning.jobs.cancel(job_id))

    @main.command()
    @click.argument("job_id")
    @api_command
    def status(session: Session, job_id: str) -> None:
        """Show a job."""
        _show(session, session.client.fine_tuning.jobs.retrieve(job_id), _details)

    @main.command(name="list")
    @click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many jobs to show.")
    @click.option("--status", "status_", help="Only jobs in this status (or these, comma-separated).")
    @api_command
    def list_jobs(session: Session, limit: int, status_: str | None) -> None:
        """List jobs, newest first."""
        wanted = _statuses(status_) if status_ else None
        shown: list[FineTuningJob] = []
        raw: list[Any] = []
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
            click.echo(f"{job.id:<{width}}  {job.status!s:<16}  {job.model:<28}  {_when(job.created_at)}")

    @main.command()
    @click.argument("job_id")
    @click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many events to show.")
    @api_command
    def events(session: Session, job_id: str, limit: int) -> None:
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
            click.echo(f"{_when(event.created_at)}  {event.level:<5}  {event.message}")

    @main.command()
    @click.argument("job_id")
    @click.option("--until", "until", required=True, help="Wanted statuses, comma-separated (e.g. paused,running).")
    @with_wait_options
    @api_command
    def wait(session: Session, job_id: str, until: str, timeout: float, poll_interval: float) -> None:
        """Wait until the job reaches one of the wanted statuses (exit 1 if it ends otherwise)."""
        job = _wait(session, job_id, _statuses(until), timeout, poll_interval)
        _show(session, job)
