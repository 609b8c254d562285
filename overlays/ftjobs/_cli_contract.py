"""`ftjobs contract`: the contract suite from a terminal or a CI job."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from pathlib import Path

import click

EPILOG = """\b
Exit codes (the outcome):
  0    conforms: every property the mode asks for passed
  1    does not conform: a property failed (the server broke the contract)
  2    could not test: a usage error, a bad URL, an unreachable or unresponsive server,
       refused credentials, a missing extra, schemathesis refusing its arguments,
       --max-time reached, or a precondition the server never reached in time
  130  interrupted (Ctrl-C): created jobs were cancelled first
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
    "--auth", type=click.Choice(["bearer", "api-key"]), default="bearer", show_default=True, help="How the key is sent."
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
@click.option("--model", default="gpt-4o-mini", show_default=True, help="Base model of the jobs a full run creates.")
@click.option(
    "--training-file",
    default="file-ftjobs-contract",
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
    "--seed", type=int, default=20261125, show_default=True, help="Random seed; the same seed repeats the run."
)
@click.option(
    "--max-examples", type=click.IntRange(min=1), default=15, show_default=True, help="Cases per operation and phase."
)
@click.option(
    "--stateful-steps", type=click.IntRange(min=2), default=10, show_default=True, help="Steps per stateful scenario."
)
@click.option(
    "--wait-timeout",
    type=click.FloatRange(min=0.0),
    default=300.0,
    show_default=True,
    help="How long to wait for a job to run or pause; past it: outcome 2.",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0.01),
    default=2.0,
    show_default=True,
    help="Longest pause between reads while waiting (reads start faster).",
)
@click.option(
    "--still-seconds",
    type=click.FloatRange(min=0.0),
    default=3.0,
    show_default=True,
    help="How long a paused job is watched standing still.",
)
@click.option(
    "--request-timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True, help="Seconds per request."
)
@click.option(
    "--max-time", type=click.FloatRange(min=1.0), help="Bound on the whole run, in seconds; past it: outcome 2."
)
@click.option("--rate-limit", help="Requests per period for schemathesis, e.g. 100/m.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Concurrent schemathesis workers."
)
@click.option(
    "--exclude-check", "exclude_checks", multiple=True, help="A schemathesis check to leave out (repeatable)."
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Where the reports go (relative to the current folder); an earlier run's reports are replaced.",
)
def contract(
    base_url: str | None,
    api_key: str | None,
    auth: str,
    safe: bool,
    job_ids: tuple[str, ...],
    pause_job: str | None,
    model: str,
    training_file: str,
    headers: list[tuple[str, str]],
    seed: int,
    max_examples: int,
    stateful_steps: int,
    wait_timeout: float,
    poll_interval: float,
    still_seconds: float,
    request_timeout: float,
    max_time: float | None,
    rate_limit: str | None,
    workers: int,
    exclude_checks: tuple[str, ...],
    report_dir: Path,
) -> None:
    """Test a fine-tuning jobs server against the contract. Exit 0 conforms, 1 does not, 2 could not test."""
    from ftjobs._cli import missing_extra

    try:
        from ftjobs.contract import ContractInterrupted, ContractOptions, interrupted_note, run_contract

        if importlib.util.find_spec("schemathesis") is None:  # it runs in a subprocess: ask before that
            raise ModuleNotFoundError("No module named 'schemathesis'", name="schemathesis")
    except ImportError as missing:
        missing_extra(missing, "contract", "contract")
    if base_url is not None and api_key is None:
        api_key = os.environ.get("AZURE_OPENAI_API_KEY" if auth == "api-key" else "OPENAI_API_KEY")
        if not api_key:
            raise click.UsageError("--api-key is needed to test a server (or FTJOBS_CONTRACT_API_KEY / OPENAI_API_KEY)")
    target = None
    with contextlib.ExitStack() as stack:
        if base_url is None:
            target = "the embedded reference server"
            # No server named: start the reference server (it lives in ftjobs.testing; the suite does not know it).
            try:
                from ftjobs.testing import contract_server
            except ImportError as missing:
                missing_extra(
                    missing, "server", "contract", instead="test a server of yours: ftjobs contract --base-url URL"
                )
            base_url, api_key = stack.enter_context(contract_server(api_key=api_key, azure_style=auth == "api-key"))
            poll_interval = min(poll_interval, 0.05)
            still_seconds = min(still_seconds, 1.0)
        assert api_key is not None  # noqa: S101 -- given, found in the environment, or the server's own
        options = ContractOptions(
            base_url=base_url,
            api_key=api_key,
            auth=auth,
            safe=safe,
            job_ids=list(job_ids),
            pause_job=pause_job,
            model=model,
            training_file=training_file,
            headers=headers,
            seed=seed,
            max_examples=max_examples,
            stateful_steps=stateful_steps,
            wait_timeout=wait_timeout,
            poll_interval=poll_interval,
            still_seconds=still_seconds,
            request_timeout=request_timeout,
            max_time=max_time,
            rate_limit=rate_limit,
            workers=workers,
            exclude_checks=list(exclude_checks),
            report_dir=report_dir,
            target=target,
        )
        try:
            report = run_contract(options, echo=click.echo)
        except ValueError as unusable:
            raise click.UsageError(str(unusable)) from None
        except ContractInterrupted as interrupted:
            click.echo(f"ftjobs contract: interrupted; {interrupted_note(interrupted.report)}", err=True)
            sys.exit(130)
    click.echo(report.summary())
    sys.exit(int(report.outcome))
