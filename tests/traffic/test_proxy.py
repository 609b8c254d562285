"""`ftjobs proxy` in front of server variants, driven by the official SDK: answers pass unchanged, violations are
printed as they happen, Ctrl-C writes the reports and exits by what passed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import openai

from ftjobs.testing import free_port, serve_app
from tests.contract.asgi import KEY
from tests.contract.broken import BROKEN
from tests.contract.conforming import CONFORMING
from tests.processes import process_group
from tests.traffic.program import lifecycle

FTJOBS = str(Path(sys.executable).with_name("ftjobs"))


@contextmanager
def proxied(upstream_port: int, tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str], Path]]:
    port = free_port()
    output = tmp_path / "proxy-output.txt"
    command = [FTJOBS, "proxy", "--upstream", f"http://127.0.0.1:{upstream_port}", "--port", str(port)]
    command += ["--record", str(tmp_path / "log.ndjson"), "--sole-client", "--report-dir", str(tmp_path / "reports")]
    with open(output, "w", encoding="utf-8") as sink, process_group(command, cwd=tmp_path, output=sink) as process:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield port, process, output


def _stop(process: subprocess.Popen[str]) -> int:
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
    return process.wait(20)


def test_a_conforming_server_passes_unchanged_and_conforms(tmp_path: Path) -> None:
    """Every answer reaches the client byte for byte as the server sent it; Ctrl-C: exit 0, reports written,
    the recorded log re-checks, no key in it."""
    with serve_app(CONFORMING[0].build()) as upstream, proxied(upstream, tmp_path) as (port, process, output):
        direct = httpx.get(
            f"http://127.0.0.1:{upstream}/v1/fine_tuning/jobs?limit=3", headers={"Authorization": f"Bearer {KEY}"}
        )
        through = httpx.get(
            f"http://127.0.0.1:{port}/v1/fine_tuning/jobs?limit=3", headers={"Authorization": f"Bearer {KEY}"}
        )
        assert (through.status_code, through.content) == (direct.status_code, direct.content)
        assert through.headers["content-type"] == direct.headers["content-type"]
        missing = httpx.get(
            f"http://127.0.0.1:{port}/v1/fine_tuning/jobs/nope", headers={"Authorization": f"Bearer {KEY}"}
        )
        assert missing.status_code == 404
        assert missing.json()["error"]["param"] == "fine_tuning_job_id"
        lifecycle(openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=0))
        code = _stop(process)
    text = output.read_text(encoding="utf-8")
    assert code == 0, text
    assert "CONFORMS" in text
    summary = json.loads((tmp_path / "reports" / "contract-summary.json").read_text(encoding="utf-8"))
    assert summary["outcome"] == "conforms"
    assert summary["checked"] >= 30
    log = (tmp_path / "log.ndjson").read_bytes()
    assert KEY.encode() not in log
    assert len(log.splitlines()) == summary["exchanges"]


def test_a_violation_is_printed_as_it_passes_and_the_exit_is_1(tmp_path: Path) -> None:
    """Against "resume answers succeeded": the line appears while the proxy still runs; Ctrl-C exits 1."""
    broken = next(variant for variant in BROKEN if variant.name == "resume answers succeeded")
    with serve_app(broken.build()) as upstream, proxied(upstream, tmp_path) as (port, process, output):
        lifecycle(openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=0))
        deadline = time.monotonic() + 10
        while "transitions_answer_their_status" not in output.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, output.read_text(encoding="utf-8")
            time.sleep(0.05)
        assert process.poll() is None  # printed while it runs
        code = _stop(process)
    text = output.read_text(encoding="utf-8")
    assert code == 1, text
    assert "DOES NOT CONFORM" in text
    assert "Traceback" not in text
