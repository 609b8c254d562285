"""What stood in a newcomer's way in the first hour, each read from what the command prints and how it exits:
bounded waits against a silent server, Ctrl-C that tells the truth after a change was accepted, refusals that
say what to do, and the Makefile's first run that installs only what `make contract` needs."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from ftjobs.testing import JobStore, Timings, live_server
from tests.conftest import ENVIRONMENT, ROOT
from tests.contract.test_outcomes import _silent_server

FTJOBS = str(Path(sys.executable).parent / "ftjobs")


def _run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], float]:
    clean = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT}
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 -- our console script
        [FTJOBS, *args], capture_output=True, text=True, env={**clean, **(env or {})}, timeout=timeout, check=False
    )
    return done, time.monotonic() - started


def test_wait_timeout_bounds_the_wait_against_a_server_that_never_answers() -> None:
    """`ftjobs wait --timeout 3` against a server that accepts and never answers: over in about 3 s, exit 1, one
    line saying no answer came within the wait."""
    with _silent_server() as port:
        done, took = _run(
            "wait", "ftjob-abc", "--until", "paused", "--timeout", "3",
            "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", "k",
        )  # fmt: skip
    assert done.returncode == 1
    assert took < 15  # 3 s of waiting and the interpreter's start; never three times the request timeout
    assert done.stderr.strip().splitlines()[-1] == (
        "ftjobs: job ftjob-abc: no answer from the server within the 3 s wait (--timeout)"
    )
    assert "Traceback" not in done.stderr


def test_request_timeout_bounds_a_read_and_says_so() -> None:
    """`ftjobs status --request-timeout 1` against a silent server: three attempts of 1 s, then one line."""
    with _silent_server() as port:
        done, took = _run(
            "status", "ftjob-abc", "--request-timeout", "1", "--base-url", f"http://127.0.0.1:{port}/v1",
            "--api-key", "k",
        )  # fmt: skip
    assert done.returncode == 1
    assert took < 20
    assert "no answer within 1 s (--request-timeout)" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_ctrl_c_after_create_names_the_job_that_was_created() -> None:
    """Ctrl-C during `create --wait`: the id was printed as soon as it was known, and the last line says the job
    was created and goes on (not "may or may not have reached the server"); exit 130."""
    with live_server(JobStore(timings=Timings(validating_files=600.0, queued=1.0, running=1.0))) as server:
        env = {**{n: v for n, v in os.environ.items() if n not in ENVIRONMENT}}
        env.update(OPENAI_API_KEY=server.api_key, OPENAI_BASE_URL=server.base_url)
        command = [FTJOBS, "create", "--model", "gpt-4o-mini", "--training-file", "file-abc", "--wait"]
        with subprocess.Popen(  # noqa: S603 -- our console script
            [*command, "--until", "running", "--poll-interval", "0.1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        ) as process:  # fmt: skip
            assert process.stderr is not None
            seen, deadline = "", time.monotonic() + 60
            while "waiting for" not in seen and time.monotonic() < deadline:  # the answer came: the wait begins
                if select.select([process.stderr], [], [], 0.5)[0]:
                    seen += process.stderr.readline()
            time.sleep(0.2)
            process.send_signal(signal.SIGINT)
            out, rest = process.communicate(timeout=30)
            err = seen + rest
        (job,) = server.store.list_jobs(limit=10)[0]
    assert process.returncode == 130
    assert f"created {job['id']}; waiting for running" in err
    assert err.strip().splitlines()[-1] == (
        f"ftjobs: interrupted the wait; job {job['id']} was created and goes on: check with `ftjobs status {job['id']}`"
    )
    assert "may or may not" not in err
    assert out == ""


def test_pause_wait_of_a_paused_job_is_done_and_pause_of_a_new_job_says_to_wait() -> None:
    """`pause --wait` of a job already paused: exit 0 with a note; `pause` of a job still validating: exit 1, and
    the line says a job is paused only while running, with the command that waits for it."""
    with live_server(JobStore(timings=Timings(validating_files=600.0, queued=1.0, running=600.0))) as server:
        env = {"OPENAI_API_KEY": server.api_key, "OPENAI_BASE_URL": server.base_url}
        fresh = server.store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"]
        refused, _ = _run("pause", fresh, env=env)
        paused = server.store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"]
        with server.store._lock:
            server.store._records[paused].job["status"] = "paused"
        again, _ = _run("pause", paused, "--wait", env=env)
    assert refused.returncode == 1
    assert f"{fresh} is validating_files: a job can be paused only while running" in refused.stderr
    assert f"ftjobs wait {fresh} --until running" in refused.stderr
    assert again.returncode == 0, again.stderr
    assert again.stdout.split()[:2] == [paused, "paused"]
    assert f"{paused} is already paused; nothing to pause" in again.stderr


def test_a_base_url_from_the_environment_is_named_as_such() -> None:
    """OPENAI_BASE_URL without a scheme: the usage error names OPENAI_BASE_URL, not an option never given."""
    done, _ = _run("list", env={"OPENAI_BASE_URL": "127.0.0.1:8000/v1", "OPENAI_API_KEY": "k"})
    assert done.returncode == 2
    assert "OPENAI_BASE_URL must be an http(s) URL" in done.stderr
    assert "--base-url must" not in done.stderr


def test_an_unwanted_end_is_said_in_words() -> None:
    """A wait that ends in another status names the statuses in words, not as a Python list."""
    with live_server(JobStore(timings=Timings(validating_files=0.0, queued=0.0, running=600.0))) as server:
        job_id = server.store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"]
        server.store.cancel(job_id)
        env = {"OPENAI_API_KEY": server.api_key, "OPENAI_BASE_URL": server.base_url}
        done, _ = _run("wait", job_id, "--until", "running,paused", env=env)
    assert done.returncode == 1
    assert f"job {job_id} ended 'cancelled', not paused or running" in done.stderr
    assert "[" not in done.stderr


def test_statuses_complete_in_the_shell() -> None:
    """Shell completion offers the contract's statuses for --until, after a comma too."""
    env = {"_FTJOBS_COMPLETE": "bash_complete", "COMP_WORDS": "ftjobs wait J --until running,pa", "COMP_CWORD": "4"}
    done, _ = _run(env=env)
    assert "running,paused" in done.stdout
    assert "running,pausing" in done.stdout


def test_make_contract_installs_only_what_it_needs(tmp_path: Path) -> None:
    """On a fresh machine `make contract` installs ftjobs with its server and contract extras (under the dev pins),
    says so first, and leaves the dev tools to `make test`; `make test` adds them."""
    venv = tmp_path / "fresh-venv"
    contract = subprocess.run(  # noqa: S603 -- make, dry run
        ["make", "-n", "contract", f"VENV={venv}"], capture_output=True, text=True, cwd=ROOT, check=True  # noqa: S607
    )  # fmt: skip
    planned = contract.stdout
    assert "installing ftjobs with its server and contract extras" in planned
    assert "-e '.[server,contract]'" in planned
    assert "scripts/pins.py pyproject.toml" in planned
    assert ".[dev]" not in planned
    test = subprocess.run(  # noqa: S603 -- make, dry run
        ["make", "-n", "pytest", f"VENV={venv}"], capture_output=True, text=True, cwd=ROOT, check=True  # noqa: S607
    )  # fmt: skip
    assert "-e '.[dev]'" in test.stdout
