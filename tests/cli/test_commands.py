"""The `ftjobs` job commands against the reference server over loopback, for people and for scripts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from ftjobs._cli import main
from ftjobs.testing import JobStore, LiveServer, ManualClock, Timings, live_server
from tests.cli.conftest import environment_server
from tests.conftest import invoke
from tests.strategies import validator


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """A reference server whose jobs run after 0.1 s and train for a minute; the environment points at it."""
    with environment_server(monkeypatch, Timings(validating_files=0.05, queued=0.05, running=60.0)) as live:
        yield live


def running_job(server: LiveServer) -> str:
    job_id = str(server.store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"])
    deadline = time.monotonic() + 5
    while server.store.retrieve(job_id)["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return job_id


def test_pause_resume_cancel_for_people(server: LiveServer) -> None:
    """pause, resume, cancel and status print a readable line or block, and exit 0."""
    job_id = running_job(server)
    paused = invoke("pause", job_id)
    assert paused.exit_code == 0
    assert paused.stdout.split()[:2] == [job_id, "paused"]
    assert invoke("resume", job_id).stdout.split()[1] == "queued"
    shown = invoke("status", job_id)
    assert "status  " in shown.stdout
    assert job_id in shown.stdout
    assert invoke("cancel", job_id).stdout.split()[1] == "cancelled"


@pytest.mark.parametrize(
    "command",
    [["pause"], ["resume"], ["cancel"], ["status"]],
)
def test_json_output_is_the_servers_job(monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    """`--json` prints the job exactly as the server sent it, valid against the fragment (time stands still,
    so the job the server holds afterwards is the one it answered)."""
    clock = ManualClock()
    timings = Timings(validating_files=1.0, queued=1.0, running=60.0)
    with environment_server(monkeypatch, timings, clock) as server:
        job_id = str(server.store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"])
        clock.advance(2.5)
        if command == ["resume"]:
            server.store.pause(job_id)
        result = invoke(*command, job_id, "--json")
        assert result.exit_code == 0, result.stderr
        printed = json.loads(result.stdout)
        assert validator("FineTuningJob").is_valid(printed)
        wanted = {"pause": "paused", "resume": "queued", "cancel": "cancelled", "status": "running"}[command[0]]
        assert printed["status"] == wanted
        assert printed == server.store.retrieve(job_id)


def test_list_and_events_both_ways(server: LiveServer) -> None:
    """list (with --status and --limit) and events print tables, or the server's objects with --json."""
    jobs = [running_job(server) for _ in range(3)]
    server.store.pause(jobs[1])
    table = invoke("list", "--limit", "2")
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == ["ID", "STATUS", "MODEL", "CREATED"]
    assert [line.split()[0] for line in table.stdout.splitlines()[1:]] == [jobs[2], jobs[1]]
    paused = json.loads(invoke("list", "--status", "paused", "--json").stdout)
    assert [job["id"] for job in paused] == [jobs[1]]
    assert all(validator("FineTuningJob").is_valid(job) for job in paused)
    events = invoke("events", jobs[1], "--limit", "3")
    assert "Fine-tuning job paused" in events.stdout.splitlines()[0]
    raw_events = json.loads(invoke("events", jobs[1], "--json").stdout)
    assert all(validator("FineTuningJobEvent").is_valid(event) for event in raw_events)


class PausedOnSecondLook(JobStore):
    """A store whose running job gets paused (by "someone else") right after it has been looked at once."""

    looks = 0

    def retrieve(self, job_id: str) -> dict[str, Any]:
        job = super().retrieve(job_id)
        self.looks += 1
        if self.looks == 2 and job["status"] == "running":
            self.pause(job_id)
        return job


def test_waiting_through_a_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """`wait --until paused` returns once another client pauses the job, printing each status change."""
    store = PausedOnSecondLook(timings=Timings(validating_files=0.0, queued=0.0, running=60.0))
    with live_server(store) as live:
        monkeypatch.setenv("OPENAI_API_KEY", live.api_key)
        monkeypatch.setenv("OPENAI_BASE_URL", live.base_url)
        job_id = str(store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"])
        result = invoke("wait", job_id, "--until", "paused", "--poll-interval", "0.05", "--timeout", "10")
    assert result.exit_code == 0
    assert [line.split()[1] for line in result.stderr.splitlines()] == ["running", "paused"]
    assert result.stdout.split()[:2] == [job_id, "paused"]


def test_pause_with_wait(server: LiveServer) -> None:
    """`pause --wait` and `resume --wait` end in paused and running."""
    job_id = running_job(server)
    assert invoke("pause", job_id, "--wait", "--poll-interval", "0.05").stdout.split()[1] == "paused"
    assert invoke("resume", job_id, "--wait", "--poll-interval", "0.05").stdout.split()[1] == "running"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["status", "ftjob-nope"], 1, "404 Fine-tuning job 'ftjob-nope' not found. (request id req_"),
        (["pause", "ftjob-nope", "--api-key", "sk-wrong"], 1, "401 Incorrect API key provided. (request id req_"),
        (
            ["status", "ftjob-nope", "--base-url", "http://127.0.0.1:9/v1"],
            1,
            "cannot reach http://127.0.0.1:9/v1/fine_tuning/jobs/ftjob-nope: connection refused",
        ),
        (["status", "ftjob-nope", "--base-url", "127.0.0.1:9/v1"], 2, "--base-url must be an http(s) URL"),
        (["list", "--status", "bogus"], 2, "unknown status 'bogus'. Known: pending, validating_files"),
        (["wait", "x", "--until", "pasued"], 2, "unknown status 'pasued'. Did you mean 'paused'?"),
        (["status", ""], 2, "non-empty value"),
        (["wait", "x"], 2, "Missing option '--until'"),
        (["list", "--limit", "0"], 2, "Invalid value for '--limit'"),
    ],
)
def test_errors_are_one_line_with_an_exit_code(server: LiveServer, args: list[str], code: int, words: str) -> None:
    """Unknown id, wrong key, server down, usage errors: one line on stderr, and the exit code of its kind."""
    result = invoke(*args)
    assert result.exit_code == code
    assert words in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert server.api_key not in result.stderr


def test_forbidden_transition_and_unwanted_end(server: LiveServer) -> None:
    """A forbidden resume exits 1 with the server's words; waiting for paused on a job that fails exits 1."""
    job_id = running_job(server)
    refused = invoke("resume", job_id)
    assert refused.exit_code == 1
    assert "cannot be resumed" in refused.stderr
    threading.Timer(0.2, server.store.fail, args=(job_id,)).start()
    ended = invoke("wait", job_id, "--until", "paused", "--poll-interval", "0.05")
    assert ended.exit_code == 1
    assert "ended 'failed'" in ended.stderr


def test_missing_key_without_a_terminal_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key anywhere and no terminal to ask on: exit 2, naming the variables."""
    for name in ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    result = invoke("status", "ftjob-abc")
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.stderr


def test_key_prompt_is_not_echoed(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal without a key, the key is asked for and not echoed."""
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setattr("ftjobs._cli_common._interactive", lambda: True)
    result = CliRunner().invoke(main, ["list"], input=server.api_key + "\n")
    assert result.exit_code == 0, result.output
    assert "API key" in result.output
    assert server.api_key not in result.output


def test_verbose_shows_the_exchange_without_the_key(server: LiveServer) -> None:
    """`--verbose` logs the request and the answer, with the key redacted."""
    job_id = running_job(server)
    result = invoke("status", job_id, "--verbose")
    assert f"GET {server.base_url}/fine_tuning/jobs/{job_id}" in result.stderr
    assert "-> 200" in result.stderr
    assert "<redacted>" in result.stderr
    assert server.api_key not in result.stderr
