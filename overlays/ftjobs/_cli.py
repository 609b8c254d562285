"""The `ftjobs` command line. Each command imports what it needs when it runs."""

from __future__ import annotations

import contextlib

import click

from ftjobs._cli_common import SHARED_OPTIONS_HELP, listening_socket, missing_extra
from ftjobs._cli_contract import contract
from ftjobs._cli_jobs import register
from ftjobs._cli_proxy import proxy

DEFAULT_TEST_KEY = "sk-ftjobs-test"


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=SHARED_OPTIONS_HELP)
@click.version_option(package_name="ftjobs", prog_name="ftjobs")
@click.option(
    "--record",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Append every exchange the command makes to FILE (ftjobs' exchange log, redacted; env FTJOBS_RECORD); "
    "`ftjobs contract --traffic FILE` checks it.",
)
def main(record: str | None) -> None:
    """ftjobs: create, pause, resume and watch fine-tuning jobs; serve and test the fine-tuning jobs API.

    Exit codes: 0 done; 1 a call failed or the job ended as not wanted; 2 a usage error; 130 Ctrl-C.
    `ftjobs contract` has its own (see `ftjobs contract --help`).
    """
    if record is not None:
        from ftjobs._record import record_exchanges

        record_exchanges(record)


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
    except ImportError as missing:
        missing_extra(missing, "server", "serve")
    listener, shown = listening_socket(host, port)
    bound = listener.getsockname()[1]
    store = JobStore(timings=Timings.from_step(step_seconds))
    app = create_app(store, api_keys=[api_key])
    click.echo(f"ftjobs reference server on http://{shown}:{bound}")
    click.echo(f"  OpenAI-style base URL: http://{shown}:{bound}/v1")
    click.echo(f"  Azure-style base URL:  http://{shown}:{bound}/openai/v1")
    click.echo(f"  Azure endpoint:        http://{shown}:{bound} (a dated api_version uses /openai?api-version=…)")
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


register(main)
main.add_command(contract)
main.add_command(proxy)
