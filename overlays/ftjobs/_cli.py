"""The `ftjobs` command line. Each command imports what it needs when it runs."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path

import click

DEFAULT_TEST_KEY = "sk-ftjobs-test"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ftjobs")
def main() -> None:
    """ftjobs: pause, resume and watch fine-tuning jobs; serve and test the fine-tuning jobs API."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0: any free port.")
@click.option(
    "--api-key",
    envvar="FTJOBS_SERVE_API_KEY",
    default=DEFAULT_TEST_KEY,
    show_default=True,
    help="The key clients must send (Bearer or api-key header). Env: FTJOBS_SERVE_API_KEY.",
)
@click.option(
    "--step-seconds",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.0),
    help="Simulated time: validation and queueing last one step each, training ten.",
)
def serve(host: str, port: int, api_key: str, step_seconds: float) -> None:
    """Run the reference fine-tuning jobs server until Ctrl-C."""
    try:
        import uvicorn

        from ftjobs.testing import JobStore, Timings, create_app
    except ImportError as missing:  # pragma: no cover - depends on the installed extras
        raise click.ClickException(f"{missing}. Install the server extra: pip install 'ftjobs[server]'") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    store = JobStore(timings=Timings.from_step(step_seconds))
    app = create_app(store, api_keys=[api_key])
    click.echo(f"ftjobs reference server on http://{shown}:{bound}")
    click.echo(f"  OpenAI-style base URL: http://{shown}:{bound}/v1")
    click.echo(f"  Azure-style base URL:  http://{shown}:{bound}/openai/v1")
    key_note = f"the default test key {DEFAULT_TEST_KEY}" if api_key == DEFAULT_TEST_KEY else "the key given"
    click.echo(f"  Auth: Authorization: Bearer <key> or api-key: <key>, with {key_note}")
    click.echo(
        f"  A job runs {2 * step_seconds:g}s after creation and trains for {10 * step_seconds:g}s. Ctrl-C stops."
    )
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    # uvicorn shuts down gracefully on SIGINT, then re-raises it: that is the normal way out.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[listener])
    click.echo("stopped")


@main.command()
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
    help="For production servers: no creates, no state changes; reads of --job-id and negative probes only.",
)
@click.option("--job-id", "job_ids", multiple=True, help="A job to read (repeatable); useful with --safe.")
@click.option("--model", default="gpt-4o-mini", show_default=True, help="Base model of the jobs a full run creates.")
@click.option(
    "--training-file",
    default="file-ftjobs-contract",
    show_default=True,
    help="Training file (an uploaded JSONL file id on a real server) of the jobs a full run creates.",
)
@click.option(
    "--seed", type=int, default=20261125, show_default=True, help="Random seed; the same seed repeats the run."
)
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=15,
    show_default=True,
    help="Test cases per operation and phase.",
)
@click.option(
    "--stateful-steps", type=click.IntRange(min=1), default=10, show_default=True, help="Steps per stateful scenario."
)
@click.option(
    "--wait-timeout",
    type=click.FloatRange(min=0.0),
    default=300.0,
    show_default=True,
    help="How long to wait for a job to run or pause.",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0.0),
    default=2.0,
    show_default=True,
    help="Seconds between reads while waiting.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Where JUnit XML and the summary go.",
)
def contract(
    base_url: str | None,
    api_key: str | None,
    auth: str,
    safe: bool,
    job_ids: tuple[str, ...],
    model: str,
    training_file: str,
    seed: int,
    max_examples: int,
    stateful_steps: int,
    wait_timeout: float,
    poll_interval: float,
    report_dir: Path,
) -> None:
    """Test a fine-tuning jobs server against the contract; exit 0 if and only if it conforms."""
    try:
        from ftjobs.contract import ContractOptions, run_contract
    except ImportError as missing:  # pragma: no cover - depends on the installed extras
        raise click.ClickException(
            f"{missing}. Install the contract extra: pip install 'ftjobs[contract,server]'"
        ) from None
    if base_url is not None and api_key is None:
        api_key = os.environ.get("AZURE_OPENAI_API_KEY" if auth == "api-key" else "OPENAI_API_KEY")
        if not api_key:
            raise click.UsageError("--api-key is needed to test a server (or FTJOBS_CONTRACT_API_KEY / OPENAI_API_KEY)")
    with contextlib.ExitStack() as stack:
        if base_url is None:
            # No server named: start the reference server (it lives in ftjobs.testing; the suite does not know it).
            from ftjobs.testing import contract_server

            base_url, api_key = stack.enter_context(contract_server(api_key=api_key, azure_style=auth == "api-key"))
            poll_interval = min(poll_interval, 0.05)
        assert api_key is not None  # noqa: S101 -- given, found in the environment, or the server's own
        options = ContractOptions(
            base_url=base_url,
            api_key=api_key,
            auth=auth,
            safe=safe,
            job_ids=list(job_ids),
            model=model,
            training_file=training_file,
            seed=seed,
            max_examples=max_examples,
            stateful_steps=stateful_steps,
            wait_timeout=wait_timeout,
            poll_interval=poll_interval,
            report_dir=report_dir,
        )
        report = run_contract(options, echo=click.echo)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


def _register_job_commands() -> None:
    from ftjobs._cli_jobs import register

    register(main)


_register_job_commands()
