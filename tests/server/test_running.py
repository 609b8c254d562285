"""The ways to run the reference server: the `ftjobs serve` command and the `ftjobs_server` pytest fixture."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import ftjobs
from ftjobs.testing import LiveServer


def test_ftjobs_serve_prints_urls_serves_and_stops_on_ctrl_c() -> None:
    """`ftjobs serve --port 0` prints both base URLs, answers on them, and stops cleanly on SIGINT."""
    command = [
        str(Path(sys.executable).parent / "ftjobs"),
        "serve",
        "--port",
        "0",
        "--api-key",
        "sk-cli",
        "--step-seconds",
        "0.01",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        urls = dict(re.findall(r"(OpenAI|Azure)-style base URL:\s+(\S+)", "".join(lines)))
        assert "sk-cli" not in "".join(lines)
        for base_url in urls.values():
            created = httpx.post(
                f"{base_url}/fine_tuning/jobs",
                json={"model": "gpt-4o-mini", "training_file": "file-abc"},
                headers={"Authorization": "Bearer sk-cli"},
            )
            assert created.status_code == 200
        assert sorted(urls) == ["Azure", "OpenAI"]
        time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert out.strip().endswith("stopped")


def test_pytest_fixture_serves_on_loopback(ftjobs_server: LiveServer) -> None:
    """The `ftjobs_server` fixture (installed with ftjobs) yields a running server with fast timings."""
    assert ftjobs_server.base_url.startswith("http://127.0.0.1:")
    headers = {"api-key": ftjobs_server.api_key}
    job = httpx.post(
        f"{ftjobs_server.azure_base_url}/fine_tuning/jobs", json={"model": "m", "training_file": "f"}, headers=headers
    ).json()
    deadline = time.monotonic() + 5
    while ftjobs_server.store.retrieve(job["id"])["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    paused = httpx.post(f"{ftjobs_server.base_url}/fine_tuning/jobs/{job['id']}/pause", headers=headers)
    assert paused.json()["status"] == "paused"


def test_ftjobs_client_pauses_waits_and_resumes(ftjobs_client: ftjobs.Client, ftjobs_server: LiveServer) -> None:
    """The ftjobs client drives the server over loopback: create, wait running, pause, wait paused, resume."""
    jobs = ftjobs_client.fine_tuning.jobs
    job = jobs.create(model="gpt-4o-mini", training_file="file-abc")
    jobs.wait(job.id, until="running", timeout=10, poll_interval=0.01)
    assert jobs.pause(job.id).status == "paused"
    paused = jobs.wait(job.id, until={"paused"}, timeout=10, poll_interval=0.01)
    assert paused.status == "paused"
    with pytest.raises(ftjobs.BadRequestError, match="cannot be paused"):
        jobs.pause(job.id)
    assert jobs.resume(job.id).status == "queued"
    done = jobs.wait(job.id, until="succeeded", timeout=10, poll_interval=0.01)
    assert done.fine_tuned_model
    assert ftjobs.deviations(done) == ()
    assert [c.step_number for c in jobs.checkpoints.list(job.id)] == [30, 20, 10]
