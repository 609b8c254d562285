"""The command line as a newcomer meets it: create and checkpoints, statuses in any case, errors that name what
is needed, -v that logs once, waits that ride out an outage, help that shows the shared options."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from ftjobs.testing import JobStore, LiveServer, Timings, create_app, serve_app
from tests.cli.conftest import environment_server
from tests.conftest import ROOT, invoke
from tests.strategies import validator


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """A reference server whose jobs run at once and train for ten seconds; the environment points at it."""
    with environment_server(monkeypatch, Timings(validating_files=0.05, queued=0.05, running=10.0)) as live:
        yield live


def test_create_on_azure_sends_the_training_type(server: LiveServer) -> None:
    """`create --training-type` sends Azure's `trainingType`, which the server's Azure routes take."""
    made = invoke(
        "create",
        "--model",
        "gpt-4o-mini",
        "--training-file",
        "file-abc",
        "--training-type",
        "Standard",
        "--base-url",
        server.azure_base_url,
        "--json",
    )
    assert made.exit_code == 0, made.output
    assert validator("FineTuningJob").is_valid(json.loads(made.stdout))
    refused = invoke("create", "--model", "gpt-4o-mini", "--training-file", "f", "--training-type", "Standard")
    assert refused.exit_code == 1  # OpenAI's routes do not know it
    assert "trainingType" in refused.stderr


def test_create_then_checkpoints(server: LiveServer) -> None:
    """`create` makes a job from options (hyperparameters, metadata) and can wait; `checkpoints` lists them."""
    made = invoke(
        "create",
        "--model",
        "gpt-4o-mini",
        "--training-file",
        "file-abc",
        "--suffix",
        "mine",
        "--n-epochs",
        "2",
        "--batch-size",
        "auto",
        "--metadata",
        "team=search",
        "--json",
    )
    assert made.exit_code == 0, made.output
    job = json.loads(made.stdout)
    assert validator("FineTuningJob").is_valid(job)
    assert job["metadata"] == {"team": "search"}
    assert job["method"]["supervised"]["hyperparameters"]["n_epochs"] == 2
    waited = invoke(
        "create",
        "--model",
        "gpt-4o-mini",
        "--training-file",
        "file-abc",
        "--wait",
        "--until",
        "RUNNING",
        "--poll-interval",
        "0.05",
    )
    assert waited.exit_code == 0, waited.output
    assert waited.stdout.split()[1] == "running"
    time.sleep(5.5)  # a checkpoint per epoch: 2 epochs in 10 s
    shown = invoke("checkpoints", job["id"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("step ")
    assert "ckpt-step-" in shown.stdout
    raw = json.loads(invoke("checkpoints", job["id"], "--json").stdout)
    assert all(validator("FineTuningJobCheckpoint").is_valid(item) for item in raw)
    fresh = invoke("create", "--model", "gpt-4o-mini", "--training-file", "file-abc").stdout.split()[0]
    assert invoke("checkpoints", fresh).stdout == "no checkpoints\n"


def test_statuses_in_any_case_are_normalised(server: LiveServer) -> None:
    """`--status Running` and `--until PAUSED` mean running and paused."""
    job_id = invoke(
        "create",
        "--model",
        "gpt-4o-mini",
        "--training-file",
        "file-abc",
        "--wait",
        "--until",
        "running",
        "--poll-interval",
        "0.05",
    ).stdout.split()[0]
    assert job_id in invoke("list", "--status", "Running").stdout
    server.store.pause(job_id)
    assert invoke("wait", job_id, "--until", "PAUSED").stdout.split()[1] == "paused"


def test_base_url_without_v1_gets_a_hint(server: LiveServer) -> None:
    """A 404 for a path the server does not know, on a base URL without /v1: the hint says where to look."""
    result = invoke("status", "ftjob-abc", "--base-url", server.base_url.removesuffix("/v1"))
    assert result.exit_code == 1
    assert "404 Unknown path." in result.stderr
    assert "the base URL usually ends in /v1" in result.stderr


async def _html_502(scope: Scope, receive: Receive, send: Send) -> None:
    page = b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n"
    page += b"<hr><center>nginx</center>\n" * 8 + b"</body>\n</html>\n"
    await send({"type": "http.response.start", "status": 502, "headers": [(b"content-type", b"text/html")]})
    await send({"type": "http.response.body", "body": page})


def test_an_html_error_page_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy's HTML page: one line with the status and the page's title."""
    with serve_app(_html_502) as port:
        result = invoke("status", "ftjob-abc", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", "k")
    assert result.exit_code == 1
    assert result.stderr == "ftjobs: 502 HTTP 502 Bad Gateway: 502 Bad Gateway\n"


class _Flaky:
    """An ASGI wrapper that answers 503 while `down` is set, and to its first `failures` requests; `then` runs
    once those are used up, before the next request is served."""

    def __init__(self, app: Any, failures: int = 0, then: Callable[[], object] | None = None) -> None:
        self.app, self.down, self.failures, self.then = app, threading.Event(), failures, then

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        failing = self.failures > 0
        self.failures -= failing
        then = None if failing else self.then
        if then is not None:
            self.then = None
            then()
        if scope["type"] == "http" and (self.down.is_set() or failing):
            await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"down for maintenance"})
            return
        await self.app(scope, receive, send)


def test_verbose_logs_each_exchange_and_retry_once() -> None:
    """-v: one line per HTTP exchange, one per retry with its attempt, wait and cause."""
    store = JobStore()
    job_id = store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"]
    flaky = _Flaky(create_app(store, api_keys=["k"]), failures=2)  # counted, not timed: a busy machine is slow
    with serve_app(flaky) as port:
        command = [
            str(Path(sys.executable).parent / "ftjobs"),
            "status",
            job_id,
            "-v",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--api-key",
            "k",
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    exchanges = [line for line in result.stderr.splitlines() if line.startswith("GET ")]
    retries = [line for line in result.stderr.splitlines() if line.startswith("retry ")]
    assert len(exchanges) == len(retries) + 1 == 3
    assert exchanges[-1].endswith("-> 200")
    assert all(line.endswith("-> 503") for line in exchanges[:-1])
    assert retries
    assert retries[0].startswith("retry 1 in ")
    assert retries[0].endswith("after HTTP 503")


def test_wait_rides_out_an_outage() -> None:
    """5xx for a while during a wait: one notice when it starts, one when it ends, and the wait goes on."""
    store = JobStore(timings=Timings(validating_files=0.0, queued=0.0, running=600.0))
    job_id = store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"]
    store.retrieve(job_id)  # running
    # Counted, not timed (a busy machine is slow): five polls fail, then the job is paused and the server is back.
    flaky = _Flaky(create_app(store, api_keys=["k"]), failures=5, then=lambda: store.pause(job_id))
    with serve_app(flaky) as port:
        result = invoke(
            "wait",
            job_id,
            "--until",
            "paused",
            "--poll-interval",
            "0.1",
            "--timeout",
            "60",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--api-key",
            "k",
        )
    assert result.exit_code == 0, result.output
    assert result.stderr.count("server unavailable") == 1
    assert result.stderr.count("the server answers again") == 1
    assert result.stdout.split()[1] == "paused"


def test_wait_gives_up_at_its_timeout_during_an_outage() -> None:
    """An outage longer than --timeout: exit 1 when the timeout passes, saying so."""
    flaky = _Flaky(create_app(JobStore(), api_keys=["k"]))
    flaky.down.set()
    with serve_app(flaky) as port:
        result = invoke(
            "wait",
            "ftjob-abc",
            "--until",
            "paused",
            "--poll-interval",
            "0.1",
            "--timeout",
            "1",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--api-key",
            "k",
        )
    assert result.exit_code == 1
    assert "no answer from the server within the 1 s wait (--timeout)" in result.stderr


@pytest.mark.parametrize(("module", "command"), [("uvicorn", ["serve"]), ("schemathesis", ["contract"])])
def test_missing_extras_are_one_line(module: str, command: list[str]) -> None:
    """Without the server or contract extra: one line naming the pip command, exit 2."""
    code = f"import sys; sys.modules[{module!r}] = None; from ftjobs._cli import main; main()"
    result = subprocess.run(  # noqa: S603 -- our interpreter
        [sys.executable, "-c", code, *command], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"pip install '{ROOT}[" in result.stderr  # the checkout it came from: no package index holds ftjobs


def test_help_shows_shared_options_and_version() -> None:
    """`ftjobs --help` lists the options every job command takes; `--version` answers."""
    shown = invoke("--help").stdout
    for option in ("--base-url", "--api-key", "--json", "-v, --verbose", "create", "checkpoints"):
        assert option in shown
    assert invoke("--version").stdout.startswith("ftjobs, version ")
