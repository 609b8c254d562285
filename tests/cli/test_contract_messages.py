"""What `ftjobs contract` says when it cannot test, read from the raw console stream of the command as people run
it: the true cause in one place, nothing claimed that did not happen."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from ftjobs.testing import JobStore, Timings, create_app, serve_app
from tests.cli.test_contract_command import FTJOBS, _ftjobs
from tests.contract.asgi import KEY
from tests.contract.test_outcomes import _silent_server


def _stream(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


async def _plain_web_server(scope: Scope, receive: Receive, send: Send) -> None:
    """An ordinary web site: every path is an HTML 404 page."""
    page = "<!doctype html><html><head><title>Welcome to nginx!</title></head><body>Not here</body></html>"
    await HTMLResponse(page, status_code=404)(scope, receive, send)


def test_a_plain_web_server_is_named_by_its_page_title(tmp_path: Path) -> None:
    """404 with an HTML page at a base ending in /v1: what was found, no hint to add the /v1 it already has."""
    with serve_app(_plain_web_server) as port:
        result = _ftjobs("contract", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", "k", cwd=tmp_path)
    stream = _stream(result)
    assert result.returncode == 2
    assert "answered 404 with an HTML page titled 'Welcome to nginx!', not a list of jobs" in stream
    assert "usually ends in /v1" not in stream
    assert "<body>" not in stream  # the page is named, not dumped


def test_a_failed_preflight_says_its_reason_once_and_names_only_what_it_wrote(tmp_path: Path) -> None:
    """No line per property, no schemathesis report named, no --seed to reproduce what never ran."""
    with serve_app(_plain_web_server) as port:
        result = _ftjobs("contract", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", "k", cwd=tmp_path)
    stream = _stream(result)
    assert stream.count("Welcome to nginx!") == 2  # the reason, and the exchange that shows it
    assert "pause_pauses" not in stream
    assert "--seed" not in stream
    assert "junit.xml, semantics" not in stream
    assert "schemathesis.json" not in stream
    assert "(semantics-junit.xml, contract-summary.json, contract-summary.md)" in stream


def test_a_server_that_never_answers_was_reached_and_is_said_to_be_silent(tmp_path: Path) -> None:
    """Connections accepted, no answer: 'no answer within N s (--request-timeout)', not 'could not be reached'."""
    with _silent_server() as port:
        result = _ftjobs(
            "contract", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", "k", "--request-timeout", "1",
            cwd=tmp_path,
        )  # fmt: skip
    stream = _stream(result)
    assert result.returncode == 2
    assert "no answer within 1 s (--request-timeout)" in stream
    assert "could not be reached" not in stream


def test_pause_job_is_checked_in_the_preflight_before_anything_runs(tmp_path: Path) -> None:
    """A --pause-job job that is not running: exit 2 at once, before schemathesis; the job untouched."""
    store = JobStore(timings=Timings(0.0, 0.0, 600.0))
    job_id = store.create({"model": "gpt-4o-mini", "training_file": "file-mine"})["id"]
    store.retrieve(job_id)
    store.pause(job_id)
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        result = _ftjobs(
            "contract", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", KEY, "--pause-job", job_id,
            cwd=tmp_path,
        )  # fmt: skip
    stream = _stream(result)
    assert result.returncode == 2
    assert f"--pause-job {job_id} must name a running job; its status is 'paused'" in stream
    assert "schemathesis:" not in stream
    assert f"target: http://127.0.0.1:{port}/v1" in stream
    assert store.retrieve(job_id)["status"] == "paused"
    assert len(store) == 1


def test_the_embedded_server_is_named_as_the_target(tmp_path: Path) -> None:
    """Without --base-url the console and contract-summary.md say the target is the embedded reference server."""
    result = _ftjobs("contract", "--safe", "--max-examples", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "target: the embedded reference server at http://127.0.0.1:" in result.stdout
    markdown = (tmp_path / "reports" / "contract-summary.md").read_text()
    assert "the embedded reference server at http://127.0.0.1:" in markdown
    assert "safe run" in markdown


def test_ctrl_c_of_a_safe_pause_job_run_says_what_it_did(tmp_path: Path) -> None:
    """Ctrl-C in a --safe --pause-job run: it created nothing and says so; the job is running again; exit 130, and
    contract-summary.json says 130 too."""
    store = JobStore(timings=Timings(0.0, 0.0, 600.0))
    job_id = store.create({"model": "gpt-4o-mini", "training_file": "file-mine"})["id"]
    store.retrieve(job_id)
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        command = [FTJOBS, "contract", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", KEY, "--safe"]
        command += ["--pause-job", job_id, "--still-seconds", "30", "--poll-interval", "0.05", "--max-examples", "1"]
        with subprocess.Popen(  # noqa: S603 -- our console script
            command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as process:
            deadline = time.monotonic() + 120
            while store.retrieve(job_id)["status"] != "paused" and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "this run created no job" in err
    assert f"{job_id} is running again" in err
    assert "were cancelled" not in out + err
    assert store.retrieve(job_id)["status"] == "running"
    summary = json.loads((tmp_path / "reports" / "contract-summary.json").read_text())
    assert summary["exit_code"] == 130
    assert summary["interrupted"] is True
