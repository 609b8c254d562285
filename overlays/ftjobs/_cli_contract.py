"""`ftjobs contract`: the contract suite from a terminal or a CI job."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

import click

from ftjobs._cli_common import missing_extra
from ftjobs._config import DATED_VERSION
from ftjobs.contract._options import DEFAULTS, ContractOptions, contract_key

EPILOG = """\b
Exit codes (the outcome):
  0    conforms: every property the mode asks for passed
  1    does not conform: a property failed (the server broke the contract)
  2    could not test: a usage error, a bad URL, an unreachable or unresponsive server,
       refused credentials, a missing extra, schemathesis refusing its arguments,
       --max-time reached, or a precondition the server never reached in time
  130  interrupted (Ctrl-C): created jobs were cancelled first

\b
With --traffic FILE, nothing is sent: the recorded exchanges (HAR, VCR.py cassette or ftjobs'
exchange log) are checked; --base-url then only selects which exchanges are the server's.
  0    every fine-tuning exchange keeps the contract
  1    a violation (each with its place in the file, a curl line and the rule)
  2    nothing could be checked: no fine-tuning exchanges, or a file that cannot be read
"""


def _header(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[tuple[str, str]]:
    headers = []
    for value in values:
        name, colon, content = value.partition(":")
        if not colon or not name.strip():
            raise click.BadParameter(f"expected NAME:VALUE, got {value.split(':')[0][:40]!r}…")
        headers.append((name.strip(), content.strip()))
    return headers


@click.command(epilog=EPILOG)
@click.option(
    "--base-url",
    envvar="FTJOBS_CONTRACT_BASE_URL",
    help="The server to test, e.g. https://api.openai.com/v1. Default: the embedded reference server.",
)
@click.option(
    "--api-key",
    envvar="FTJOBS_CONTRACT_API_KEY",
    help="The key to test with (env FTJOBS_CONTRACT_API_KEY; else OPENAI_API_KEY or AZURE_OPENAI_API_KEY).",
)
@click.option(
    "--auth",
    type=click.Choice(["bearer", "api-key"]),
    default=DEFAULTS["auth"],
    show_default=True,
    help="How the key is sent.",
)
@click.option(
    "--safe",
    is_flag=True,
    help="For production servers: creates nothing; reads, negative probes, and --pause-job if given.",
)
@click.option("--job-id", "job_ids", multiple=True, help="A job to read (repeatable); useful with --safe.")
@click.option(
    "--pause-job",
    metavar="JOB_ID",
    help="A running job of yours to pause, check and resume (never cancelled; left running on every path).",
)
@click.option(
    "--model", default=DEFAULTS["model"], show_default=True, help="Base model of the jobs a full run creates."
)
@click.option(
    "--training-file",
    default=DEFAULTS["training_file"],
    show_default=True,
    help="Training file (an uploaded JSONL file id on a real server) of the jobs a full run creates.",
)
@click.option(
    "--header",
    "headers",
    multiple=True,
    callback=_header,
    metavar="NAME:VALUE",
    help="A header for every request (repeatable), e.g. OpenAI-Project:proj_…; values are redacted in reports.",
)
@click.option(
    "--seed", type=int, default=DEFAULTS["seed"], show_default=True, help="Random seed; the same seed repeats the run."
)
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=DEFAULTS["max_examples"],
    show_default=True,
    help="Cases per operation and phase.",
)
@click.option(
    "--stateful-steps",
    type=click.IntRange(min=2),
    default=DEFAULTS["stateful_steps"],
    show_default=True,
    help="Steps per stateful scenario.",
)
@click.option(
    "--wait-timeout",
    type=click.FloatRange(min=0.0),
    default=DEFAULTS["wait_timeout"],
    show_default=True,
    help="How long to wait for a job to run or pause; past it: outcome 2.",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0.01),
    default=DEFAULTS["poll_interval"],
    show_default=True,
    help="Longest pause between reads while waiting (reads start faster).",
)
@click.option(
    "--still-seconds",
    type=click.FloatRange(min=0.0),
    default=DEFAULTS["still_seconds"],
    show_default=True,
    help="How long a paused job is watched standing still.",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULTS["request_timeout"],
    show_default=True,
    help="Seconds per request.",
)
@click.option(
    "--max-time", type=click.FloatRange(min=1.0), help="Bound on the whole run, in seconds; past it: outcome 2."
)
@click.option("--rate-limit", help="Requests per period for schemathesis, e.g. 100/m.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=DEFAULTS["workers"],
    show_default=True,
    help="Concurrent schemathesis workers.",
)
@click.option(
    "--exclude-check", "exclude_checks", multiple=True, help="A schemathesis check to leave out (repeatable)."
)
@click.option(
    "--api-version",
    metavar="VERSION",
    help="Azure `api-version` for every request (schemathesis' too): v1, preview, or a dated version such as "
    "2025-04-01-preview, which judges by Azure's dated dialect (base URL …/openai). With the embedded server: "
    "its Azure routes.",
)
@click.option(
    "--traffic",
    "traffic",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Check recorded traffic instead of sending requests (repeatable; the files as one recording, in order).",
)
@click.option(
    "--sole-client",
    is_flag=True,
    help="With --traffic: the recording holds every request made to its jobs, so the state rules count too.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULTS["report_dir"],
    show_default=True,
    help="Where the reports go (relative to the current folder); an earlier run's reports are replaced.",
)
def contract(base_url: str | None, api_key: str | None, auth: str, **given: Any) -> None:
    """Test a fine-tuning jobs server against the contract. Exit 0 conforms, 1 does not, 2 could not test."""
    traffic, sole_client = given.pop("traffic"), given.pop("sole_client")
    if traffic:
        _check_traffic(list(traffic), sole_client, base_url, given["report_dir"])
    if sole_client:
        raise click.UsageError("--sole-client applies to --traffic only")
    try:
        from ftjobs.contract import ContractInterrupted, interrupted_note, run_contract

        if importlib.util.find_spec("schemathesis") is None:  # it runs in a subprocess: ask before that
            raise ModuleNotFoundError("No module named 'schemathesis'", name="schemathesis")
    except ImportError as missing:
        missing_extra(missing, "contract", "contract")
    lists: dict[str, Any] = {name: list(given.pop(name)) for name in ("job_ids", "exclude_checks")}  # not tuples
    with contextlib.ExitStack() as stack:
        if base_url is None:
            base_url, api_key = stack.enter_context(_embedded_server(api_key, auth, given["api_version"]))
            given.update(
                target="the embedded reference server",
                poll_interval=min(given["poll_interval"], 0.05),
                still_seconds=min(given["still_seconds"], 1.0),
            )
        else:
            api_key = contract_key(api_key, auth)
            if not api_key:
                raise click.UsageError(
                    "--api-key is needed to test a server (or FTJOBS_CONTRACT_API_KEY / OPENAI_API_KEY)"
                )
        options = ContractOptions(base_url=base_url, api_key=api_key, auth=auth, **given, **lists)
        try:
            report = run_contract(options, echo=click.echo)
        except ValueError as unusable:
            raise click.UsageError(str(unusable)) from None
        except ContractInterrupted as interrupted:
            click.echo(f"ftjobs contract: interrupted; {interrupted_note(interrupted.report)}", err=True)
            sys.exit(130)
    click.echo(report.summary())
    sys.exit(int(report.outcome))


def _check_traffic(paths: list[Path], sole_client: bool, base_url: str | None, report_dir: Path) -> None:
    from ftjobs.traffic import check_traffic

    try:
        report = check_traffic(paths, sole_client=sole_client, base_url=base_url, report_dir=report_dir)
    except ValueError as unusable:  # the report folder is another run's
        raise click.UsageError(str(unusable)) from None
    except OSError as error:
        raise click.ClickException(f"cannot write the reports to {report_dir}: {error.strerror or error}") from None
    click.echo(report.summary())
    sys.exit(report.exit_code)


def _embedded_server(
    api_key: str | None, auth: str, api_version: str | None
) -> contextlib.AbstractContextManager[tuple[str, str]]:
    """No server named: the reference server (it lives in ftjobs.testing; the suite does not know it), under the
    base the `api-version` belongs to (a dated one: Azure's dated routes; `v1`/`preview`: Azure's v1 API)."""
    try:
        from ftjobs.testing import contract_server
    except ImportError as missing:
        missing_extra(missing, "server", "contract", instead="test a server of yours: ftjobs contract --base-url URL")
    dated = api_version is not None and DATED_VERSION.fullmatch(api_version) is not None
    return contract_server(api_key=api_key, azure_style=auth == "api-key" or api_version is not None, dated=dated)
