"""Record the traffic that tests/traffic checks, with tools nobody here wrote: mitmproxy and vcrpy.

    python scripts/record_traffic.py --mitmdump /path/to/mitmdump   # mitmproxy in a venv of its own

The official SDK runs `tests/traffic/program.py` against the reference server through mitmproxy (a reverse proxy
in front of the server; its `hardump` option writes the HAR) and inside a vcrpy cassette; the two files go to
tests/traffic/data/ as the tools wrote them (the tests check them). With `--broken-dir DIR`, it also records a
HAR through mitmproxy for each broken variant whose defect shows in a client's traffic (`make bench` uses them;
the tests record the broken variants' traffic themselves, with vcrpy). mitmproxy is not a dependency of ftjobs
(it pins its own versions of half the ecosystem): `python -m venv /tmp/mitm && /tmp/mitm/bin/pip install mitmproxy`.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import vcr  # noqa: E402
from starlette.types import ASGIApp  # noqa: E402

from ftjobs.testing import JobStore, create_app, free_port, serve_app  # noqa: E402
from tests.contract.asgi import KEY, TIMINGS  # noqa: E402
from tests.traffic.program import client_for, lifecycle  # noqa: E402
from tests.traffic.variants import SHOWN  # noqa: E402

DATA = ROOT / "tests" / "traffic" / "data"


def through_mitmproxy(mitmdump: str, app: ASGIApp, options: dict[str, Any], har: Path, still: float) -> None:
    """`app` behind mitmproxy (a reverse proxy writing `har`) while the official SDK runs the program, reaching it
    as `options` say (a variant's: `api_version`, `auth`)."""
    with serve_app(app) as port:
        listen = free_port()
        process = subprocess.Popen(  # noqa: S603 (the mitmdump the user named)
            [
                mitmdump,
                "-q",
                "--mode",
                f"reverse:http://127.0.0.1:{port}",
                "-p",
                str(listen),
                "--set",
                f"hardump={har}",
            ],
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", listen)) == 0:
                        break
                time.sleep(0.1)
            client = client_for(options, listen, KEY)
            lifecycle(client, still=still)
            client.close()
        finally:
            os.killpg(process.pid, signal.SIGINT)  # mitmdump writes the HAR as it stops
            process.wait(30)


def reference() -> ASGIApp:
    return create_app(JobStore(timings=TIMINGS), api_keys=[KEY])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mitmdump", default="mitmdump", help="mitmproxy's mitmdump")
    parser.add_argument("--broken-dir", type=Path, help="also record each broken variant's HAR here")
    arguments = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    through_mitmproxy(arguments.mitmdump, reference(), {}, DATA / "mitmproxy-reference.har", 0.2)
    cassette = DATA / "vcrpy-reference.yaml"
    cassette.unlink(missing_ok=True)
    with serve_app(reference()) as port:
        client = client_for({}, port, KEY)
        with vcr.VCR(record_mode="all").use_cassette(str(cassette)):
            lifecycle(client)
        client.close()
    print(f"wrote 2 files to {DATA.relative_to(ROOT)}")
    if arguments.broken_dir is not None:
        arguments.broken_dir.mkdir(parents=True, exist_ok=True)
        for shown in SHOWN:
            har = arguments.broken_dir / f"mitmproxy-{shown.slug}.har"
            through_mitmproxy(arguments.mitmdump, shown.variant.build(), dict(shown.variant.options), har, shown.still)
        print(f"wrote {len(SHOWN)} files to {arguments.broken_dir}")


if __name__ == "__main__":
    main()
