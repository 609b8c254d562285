"""A fleet run stopped half-way — killed outright, or by Ctrl-C — loses nothing, and its re-run sends no second
request to any job. The command runs as its own process, the server in this one (so it keeps counting)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ENVIRONMENT
from tests.fleet.server import KEY, FleetServer, mixed_jobs, running
from tests.processes import process_group

BIN = Path(sys.executable).parent
PAUSE_ALL = ["pause", "--all", "--yes", "--concurrency", "2"]


@pytest.fixture
def slow_server() -> Iterator[tuple[FleetServer, dict[str, str]]]:
    """180 jobs (80 of them running); each answer takes 50 ms, so a run takes seconds; and the environment for
    a command that talks to it."""
    server = FleetServer(mixed_jobs(180), latency=0.05)
    with running(server) as url:
        env = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT}
        env.update(OPENAI_BASE_URL=url, OPENAI_API_KEY=KEY)
        yield server, env


def _lines(journal: Path) -> list[dict[str, object]]:
    text = journal.read_text(encoding="utf-8") if journal.exists() else ""
    return [json.loads(row) for row in text.split("\n") if row.strip() and row.endswith("}")]


def _wait_for_changes(journal: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while sum(1 for line in _lines(journal) if line["result"] == "changed") < count:
        assert process.poll() is None, "the run ended before it was stopped"
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.05)


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our own command
        [str(BIN / "ftjobs"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_killed_half_way_then_rerun_sends_no_second_request(
    slow_server: tuple[FleetServer, dict[str, str]], tmp_path: Path
) -> None:
    """SIGKILL after 20 jobs are recorded changed; the same command with the same journal then pauses the rest,
    and no job ever got a second request (the requests in flight when it died are found to have taken effect)."""
    server, env = slow_server
    running_jobs = {job_id for job_id, job in server.jobs.items() if job["status"] == "running"}
    journal = tmp_path / "pause.jsonl"
    with (
        (tmp_path / "first.log").open("w") as log,
        process_group(
            [str(BIN / "ftjobs"), *PAUSE_ALL, "--journal", str(journal)], cwd=tmp_path, output=log, env=env
        ) as first,
    ):
        _wait_for_changes(journal, 20, first)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    assert len(server.transitions) < len(running_jobs)  # it really stopped half-way

    again = _run([*PAUSE_ALL, "--journal", str(journal)], env, tmp_path)

    assert again.returncode == 0, again.stdout + again.stderr
    assert set(server.transitions) == running_jobs
    assert set(server.transitions.values()) == {1}
    assert all(server.status(job_id) == "paused" for job_id in running_jobs)
    resumed = _run(["resume", "--journal", str(journal), "--yes"], env, tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resume: {len(running_jobs)} changed" in resumed.stdout  # the killed run's pauses are in the journal


def test_ctrl_c_stops_sending_and_says_how_to_go_on(
    slow_server: tuple[FleetServer, dict[str, str]], tmp_path: Path
) -> None:
    """Ctrl-C: exit 130, no request after it except those in flight, the summary and how to continue; the
    journal is whole (every line JSON), and continuing finishes the job with one request per job."""
    server, env = slow_server
    running_jobs = {job_id for job_id, job in server.jobs.items() if job["status"] == "running"}
    journal = tmp_path / "pause.jsonl"
    with (
        (tmp_path / "first.log").open("w") as log,
        process_group(
            [str(BIN / "ftjobs"), *PAUSE_ALL, "--journal", str(journal)], cwd=tmp_path, output=log, env=env
        ) as first,
    ):
        _wait_for_changes(journal, 10, first)
        first.send_signal(signal.SIGINT)
        assert first.wait(60) == 130
    output = (tmp_path / "first.log").read_text()
    assert "not started" in output
    assert "to go on, run the same command again" in output
    assert "Traceback" not in output
    rows = journal.read_text(encoding="utf-8").splitlines()
    assert all(isinstance(json.loads(row), dict) for row in rows)
    sent = len(server.transitions)
    assert sent < len(running_jobs)
    time.sleep(0.5)
    assert len(server.transitions) == sent  # nothing went on after the exit

    again = _run([*PAUSE_ALL, "--journal", str(journal)], env, tmp_path)

    assert again.returncode == 0, again.stderr
    assert set(server.transitions) == running_jobs
    assert set(server.transitions.values()) == {1}
