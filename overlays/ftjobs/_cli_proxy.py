"""`ftjobs proxy`: a checking reverse proxy in front of a fine-tuning jobs server."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from ftjobs._cli_common import listening_socket, missing_extra
from ftjobs.contract._options import DEFAULTS

EPILOG = """\b
Exit codes, when Ctrl-C stops it (the reports are written first):
  0    every fine-tuning exchange that passed kept the contract
  1    a violation passed (each was printed as it happened)
  2    no fine-tuning exchange passed, or it could not listen
"""


@click.command(epilog=EPILOG)
@click.option("--upstream", required=True, help="The server to forward to, e.g. https://staging.example.com.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0: any free port.")
@click.option(
    "--record",
    "record_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append each exchange to this exchange log (redacted) for `ftjobs contract --traffic`.",
)
@click.option("--sole-client", is_flag=True, help="Every request to these jobs passes through the proxy.")
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULTS["report_dir"],
    show_default=True,
    help="Where the reports go when it stops.",
)
def proxy(upstream: str, host: str, port: int, record_to: Path | None, sole_client: bool, report_dir: Path) -> None:
    """Forward every request to --upstream unchanged, check each exchange as it passes; Ctrl-C stops."""
    try:
        import uvicorn
    except ImportError as missing:
        missing_extra(missing, "server", "proxy")
    from ftjobs.traffic import Passive
    from ftjobs.traffic._proxy import CheckingProxy

    if not upstream.startswith(("http://", "https://")):
        raise click.BadParameter("expected an http:// or https:// URL", param_hint="--upstream")
    passive = Passive(sole_client, report_dir=report_dir, on_violation=lambda line: click.echo(line, err=True))
    app = CheckingProxy(upstream, passive, record_to)
    listener, shown = listening_socket(host, port)
    click.echo(f"ftjobs proxy on http://{shown}:{listener.getsockname()[1]} → {upstream} (Ctrl-C stops)")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[listener])
    report = passive.report()
    try:
        report.write()
    except (ValueError, OSError) as error:
        click.echo(f"ftjobs proxy: the reports could not be written: {error}", err=True)
    click.echo(report.summary())
    sys.exit(report.exit_code)
