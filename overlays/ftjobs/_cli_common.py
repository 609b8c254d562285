"""What the job commands share: the connection options and the session, errors as one line with an exit code,
Ctrl-C, statuses checked against the contract, and waiting with a live line that rides out outages.

Exit codes: 0 done; 1 a call failed, or the job ended (or timed out) in a status that was not wanted;
2 a usage error (bad arguments, an unknown status, no credentials); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import difflib
import json
import logging
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ftjobs._config import environment_key
from ftjobs._spec import known_statuses

if TYPE_CHECKING:
    import httpx

    from ftjobs import APIError, Client, FineTuningJob

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_REQUEST_TIMEOUT = 20.0  # seconds a person waits for one answer before the command says so
SHARED_OPTIONS_HELP = """\b
Every job command also takes:
  --base-url URL        API base URL (env OPENAI_BASE_URL), e.g. http://127.0.0.1:8000/v1
  --api-key KEY         else OPENAI_API_KEY / AZURE_OPENAI_API_KEY, else a prompt
  --azure-endpoint URL  Azure OpenAI endpoint (env AZURE_OPENAI_ENDPOINT)
  --api-version V       Azure api-version: v1, preview, or dated (2025-04-01-preview)
  --request-timeout S   seconds to wait for each answer (default 20; env FTJOBS_REQUEST_TIMEOUT)
  --json                print what the server sent (a list: its items), not the table
  -v, --verbose         log each HTTP exchange and each retry to stderr
"""


class CommandSession:
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


class Interrupted(Exception):
    """What a Ctrl-C interrupted, in words (`the job was not changed`, or what to check)."""


class Refused(Exception):
    """The server refused what the command asked, in one line that says what to do instead (exit 1)."""


class Declined(Exception):
    """The command declined to act (too many jobs, no confirmation), in one line; nothing was changed (exit 2)."""


@contextmanager
def waiting_after(job_id: str, done: str) -> Iterator[None]:
    """A wait that follows a change the server accepted: Ctrl-C then says what is true (`done`), not "may or may
    not have reached the server"."""
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted the wait; {done}: check with `ftjobs status {job_id}`") from None


def _connection_options() -> list[Callable[[F], F]]:
    """The options every job command takes: where the server is, how to authenticate, how to answer."""
    return [
        click.option("--base-url", envvar="OPENAI_BASE_URL", help="API base URL (env OPENAI_BASE_URL)."),
        click.option(
            "--api-key",
            help="API key; else OPENAI_API_KEY or AZURE_OPENAI_API_KEY, else a prompt on a terminal.",
        ),
        click.option(
            "--azure-endpoint",
            envvar="AZURE_OPENAI_ENDPOINT",
            help="Azure OpenAI endpoint (env AZURE_OPENAI_ENDPOINT).",
        ),
        click.option(
            "--api-version",
            help="Azure `api-version`: v1, preview, or a dated version such as 2025-04-01-preview.",
        ),
        click.option(
            "--request-timeout",
            type=click.FloatRange(min=0.1),
            default=DEFAULT_REQUEST_TIMEOUT,
            show_default=True,
            envvar="FTJOBS_REQUEST_TIMEOUT",
            help="Seconds to wait for each answer (a failed attempt is retried twice).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print what the server sent (a list: its items) as JSON."),
        click.option("-v", "--verbose", is_flag=True, help="Log each HTTP exchange and retry to stderr."),
    ]


def _ended(error: BaseException, action: str, job_id: str | None, as_json: bool, base_url: str | None) -> int:
    """Say in one line on stderr why a command ended early; its exit code (1 refused, 2 misused, 130 Ctrl-C)."""
    from ftjobs import APIError, JobWaitError

    code, message = 2, str(error)  # Declined, no credentials, an empty job id
    if isinstance(error, Refused):
        code = 1
    elif isinstance(error, Interrupted):
        code = 130
    elif isinstance(error, KeyboardInterrupt):
        command = click.get_current_context().info_name or "ftjobs"
        what = f"{command} of {job_id}" if job_id else command
        code, message = 130, f"interrupted {what}; no job was changed"
        if action != "read":
            message = (
                f"interrupted {what}; the {action} may or may not have reached the server: "
                f"check with `ftjobs status {job_id or 'JOB_ID'}`"
            )
    elif isinstance(error, JobWaitError):
        if error.job is not None and as_json:
            click.echo(json.dumps(error.job.to_dict(), indent=2))
        code = 1
    elif isinstance(error, APIError):
        code, message = 1, one_line(error, base_url)
    click.echo(f"ftjobs: {message}", err=True)
    return code


def api_command(action: str) -> Callable[[F], F]:
    """Add the connection options to a command; turn ftjobs errors into one line and an exit code.

    `action` says what Ctrl-C interrupts: "read" (nothing changed) or a state change (check the job).
    """

    def decorate(function: F) -> F:
        @wraps(function)
        def run(**kwargs: Any) -> None:
            from ftjobs import FtjobsError

            _logging(kwargs.pop("verbose"))
            as_json = kwargs.pop("as_json")
            base_url = kwargs.pop("base_url")
            connection = (kwargs.pop("api_key"), kwargs.pop("azure_endpoint"), kwargs.pop("api_version"))
            try:
                with _session(base_url, *connection, as_json, kwargs.pop("request_timeout")) as session:
                    function(session, **kwargs)
            except (Refused, Declined, Interrupted, KeyboardInterrupt, FtjobsError, ValueError) as error:
                sys.exit(_ended(error, action, kwargs.get("job_id"), as_json, base_url))

        for option in reversed(_connection_options()):
            run = option(run)
        return run  # type: ignore[return-value]

    return decorate


def _logging(verbose: bool) -> None:
    """-v: each exchange once (the client's DEBUG lines), each retry once with its attempt, wait and cause."""
    from stamina.instrumentation import RetryDetails, set_on_retry_hooks

    logger = logging.getLogger("ftjobs")
    if not verbose:
        set_on_retry_hooks([])  # stamina would log each retry on stderr; only --verbose shows them
        return

    def retried(details: RetryDetails) -> None:
        cause = details.caused_by
        shown = f"HTTP {cause.response.status_code}" if hasattr(cause, "response") else type(cause).__name__
        logger.info("retry %d in %.1f s after %s", details.retry_num, details.wait_for, shown)

    set_on_retry_hooks([retried])
    if not any(getattr(handler, "ftjobs_cli", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.ftjobs_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False


def one_line(error: APIError, base_url: str | None) -> str:
    """An API error as one line: status, message, request id; the URL and reason for connection failures."""
    from ftjobs import APIConnectionError, NotFoundError

    if isinstance(error, APIConnectionError):
        return f"cannot reach {error.request.url.copy_with(query=None)}: {_reason(error)}"
    status = f"{error.status_code} " if error.status_code else ""
    where = f" (request id {error.request_id})" if error.request_id else ""
    message = " ".join(str(error.message).split())[:300]
    hint = ""
    if isinstance(error, NotFoundError) and error.code is None:
        path = error.request.url.path
        if "/v1/" not in path:
            hint = " — the base URL usually ends in /v1 (OpenAI) or /openai/v1 (Azure)"
    notes = "".join(f" — {' '.join(note.split())}" for note in getattr(error, "__notes__", []))
    return f"{status}{message}{where}{hint}{notes}"


def _reason(error: APIError) -> str:
    from ftjobs import APITimeoutError

    cause = error.__cause__
    text = f"{type(cause).__name__}: {cause}" if cause is not None else error.message
    lowered = text.lower()
    if isinstance(error, APITimeoutError) or "timeout" in lowered:
        read = (error.request.extensions.get("timeout") or {}).get("read")
        return f"no answer within {read:g} s (--request-timeout)" if read else "no answer in time (timeout)"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "name resolution" in lowered:
        return "the host name could not be resolved"
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        return f"TLS failed ({' '.join(str(cause).split())[:120]})"
    if "refused" in lowered:
        return "connection refused (is the server running?)"
    return " ".join(text.split())[:200]


@contextmanager
def _session(
    base_url: str | None,
    api_key: str | None,
    azure_endpoint: str | None,
    api_version: str | None,
    as_json: bool,
    request_timeout: float = 20.0,
) -> Iterator[CommandSession]:
    import httpx

    from ftjobs import Client

    for name, env, url in (
        ("base_url", "OPENAI_BASE_URL", base_url),
        ("azure_endpoint", "AZURE_OPENAI_ENDPOINT", azure_endpoint),
    ):
        if url is not None and (httpx.URL(url).scheme not in ("http", "https") or not httpx.URL(url).host):
            raise click.UsageError(
                f"{_given_as(name, env)} must be an http(s) URL, e.g. http://127.0.0.1:8000/v1 (got {url!r})"
            )
    azure = bool(azure_endpoint) and not base_url
    if api_key is None:
        api_key = environment_key(azure=azure) or environment_key(azure=False)
    if not api_key:
        if not _interactive():
            raise click.UsageError("no API key: pass --api-key or set OPENAI_API_KEY (Azure: AZURE_OPENAI_API_KEY)")
        api_key = click.prompt("API key", hide_input=True)
    answers: list[httpx.Response] = []

    def keep(response: httpx.Response) -> None:
        # Kept unread: the client reads (and decodes) each body itself, turning an undecodable one into an error.
        if response.is_success:
            answers.append(response)

    timeout = httpx.Timeout(request_timeout, connect=min(5.0, request_timeout))
    # Only --json prints what the server sent; without it nothing is kept (a fleet run makes thousands of answers).
    http = httpx.Client(timeout=timeout, event_hooks={"response": [keep] if as_json else []})
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
        yield CommandSession(client, answers, as_json)


def _given_as(parameter: str, env: str) -> str:
    """How the user gave an option's value: the environment variable's name, or the option's."""
    from click.core import ParameterSource

    context = click.get_current_context(silent=True)
    source = context.get_parameter_source(parameter) if context is not None else None
    return env if source is ParameterSource.ENVIRONMENT else "--" + parameter.replace("_", "-")


def _interactive() -> bool:
    """Whether a person can be asked for the key."""
    return sys.stdin.isatty()


def metadata_pairs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str] | None:
    """`--metadata KEY=VALUE` (repeatable) as a dict; `None` when none was given."""
    pairs = {}
    for value in values:
        key, equals, content = value.partition("=")
        if not equals or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {value!r}")
        pairs[key] = content
    return pairs or None


# -- statuses -----------------------------------------------------------------------------------------


def complete_statuses(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of a comma-separated status list: the contract's statuses that fit the last item."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [prefix + status for status in known_statuses() if status.startswith(last.lower())]


def statuses(value: str) -> frozenset[str]:
    """Comma-separated statuses, any case, each one the contract names; else a usage error with the closest."""
    wanted = frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    if not wanted:
        raise click.BadParameter("name at least one status, e.g. paused,running")
    known = known_statuses()
    for status in sorted(wanted - set(known)):
        close = difflib.get_close_matches(status, known, n=1)
        suggestion = f" Did you mean {close[0]!r}?" if close else ""
        raise click.BadParameter(f"unknown status {status!r}.{suggestion} Known: {', '.join(known)}.")
    return wanted


# -- output -------------------------------------------------------------------------------------------


def when(seconds: object) -> str:
    """Unix seconds as a UTC date; a value no date can show (out of range, not a number) as it is."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "-"
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return f"{seconds} (Unix seconds)"


def show(session: CommandSession, job: FineTuningJob, render: Callable[[FineTuningJob], str]) -> None:
    if session.as_json:
        click.echo(json.dumps(session.raw(), indent=2))
    else:
        click.echo(render(job))


def line(job: FineTuningJob) -> str:
    return f"{job.id}  {job.status}  {job.model}  created {when(job.created_at)}"


# -- waiting ------------------------------------------------------------------------------------------


class _Elapsed:
    """A status line whose elapsed time is computed when drawn (so the spinner keeps it current).

    Drawn as one unpadded line: a line padded to the terminal's width would put the cursor at its last column,
    where the terminal's `^C` echo wraps, and the clean-up would then erase the wrong row.
    """

    def __init__(self, job_id: str, until: frozenset[str]) -> None:
        self.job_id = job_id
        self.until = ", ".join(sorted(until))
        self.status = "…"
        self.started = time.monotonic()
        self.outage = ""
        self.spinner: Any = None  # a rich Spinner, made when the line is first drawn on a terminal

    def __str__(self) -> str:
        note = f"  ({self.outage})" if self.outage else ""
        return f"{self.job_id}  {self.status}  waiting for {self.until}  {time.monotonic() - self.started:.0f}s{note}"

    def __rich__(self) -> Any:
        from rich.spinner import Spinner
        from rich.text import Text

        if self.spinner is None:
            self.spinner = Spinner("dots")
        frame = self.spinner.render(time.monotonic())
        return Text.assemble(frame, " ", str(self), no_wrap=True, overflow="ellipsis")


@contextmanager
def _ctrl_c_not_echoed() -> Iterator[None]:
    """While a live line is shown, the terminal does not echo `^C` (which would move the cursor off the line)."""
    try:
        import termios

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError, AttributeError):
        yield
        return
    quiet = list(saved)
    quiet[3] &= ~termios.ECHOCTL
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


def wait(
    session: CommandSession, job_id: str, until: frozenset[str], timeout: float, poll_interval: float
) -> FineTuningJob:
    """Wait with a live status line on a terminal, or a plain line per change when piped; outages are ridden out
    (a notice when one starts and when it ends)."""
    from ftjobs._interrupts import ctrl_c_delivered

    with ctrl_c_delivered():  # the KeyboardInterrupt ends the block: nothing to acknowledge
        return _wait(session, job_id, until, timeout, poll_interval)


def _wait(
    session: CommandSession, job_id: str, until: frozenset[str], timeout: float, poll_interval: float
) -> FineTuningJob:
    status_line = _Elapsed(job_id, until)

    def outage(error: Exception | None) -> None:
        if error is None:
            status_line.outage = ""
            click.echo(f"{job_id}: the server answers again", err=True)
        else:
            status_line.outage = "server unreachable, retrying"
            click.echo(f"{job_id}: {_outage(error)}; still waiting (until --timeout)", err=True)

    if session.as_json or not sys.stderr.isatty():

        def report(job: FineTuningJob) -> None:
            status_line.status = str(job.status)
            if not session.as_json:
                click.echo(f"{job.id}  {job.status}  ({time.monotonic() - status_line.started:.1f}s)", err=True)

        return session.client.fine_tuning.jobs.wait(
            job_id, until=until, timeout=timeout, poll_interval=poll_interval, on_update=report, on_outage=outage
        )
    from rich.console import Console
    from rich.live import Live

    console = Console(stderr=True)
    # transient: cleared on every way out, Ctrl-C included
    with _ctrl_c_not_echoed(), Live(status_line, console=console, transient=True, refresh_per_second=12.5):

        def update(job: FineTuningJob) -> None:
            status_line.status = str(job.status)

        job = session.client.fine_tuning.jobs.wait(
            job_id, until=until, timeout=timeout, poll_interval=poll_interval, on_update=update, on_outage=outage
        )
    console.print(f"{job.id}  {job.status}  after {time.monotonic() - status_line.started:.0f}s")
    return job


def _outage(error: Exception) -> str:
    from ftjobs import APIError

    return f"server unavailable ({one_line(error, None)})" if isinstance(error, APIError) else str(error)


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


def missing_extra(missing: ImportError, extra: str, command: str, *, instead: str = "") -> NoReturn:
    """One line saying which `pip install` brings what `command` needs (and what to do `instead`); exit 2.

    ftjobs is installed from a checkout (no package index holds it), so the line names that checkout when this
    installation came from one, and a placeholder otherwise.
    """
    root = Path(__file__).resolve().parents[2]
    source = str(root) if (root / "pyproject.toml").is_file() else "/path/to/your/ftjobs-checkout"
    also = f"; or {instead}" if instead else ""
    click.echo(
        f"ftjobs {command}: {missing.name or missing} is not installed; it comes with ftjobs' {extra} extra: "
        f"pip install '{source}[{extra}]'{also}",
        err=True,
    )
    sys.exit(2)


def listening_socket(host: str, port: int) -> tuple[socket.socket, str]:
    """A TCP socket bound to `host:port` and listening, and the host as a URL shows it; a one-line error when the
    address cannot be had. It listens before the caller prints its address: a client started on seeing that is
    queued, never refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they are TCP;
    # without it every answer waits ~40 ms for a delayed ACK.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listener.listen(2048)
    return listener, f"[{host}]" if family == socket.AF_INET6 else host
