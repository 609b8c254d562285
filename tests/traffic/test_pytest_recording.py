"""README's CI example, as a user's project has it: a test marked `@pytest.mark.vcr`, run once under
pytest-recording against the `ftjobs_server` fixture, writes a cassette; `--traffic` checks it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import invoke

ROOT = Path(__file__).resolve().parents[2]
USER_TEST = """
import openai
import pytest

from tests.traffic.program import lifecycle


@pytest.mark.vcr
def test_a_job_paused_resumed_and_cancelled(ftjobs_server):
    client = openai.OpenAI(base_url=ftjobs_server.base_url, api_key=ftjobs_server.api_key, max_retries=0)
    lifecycle(client)
"""


def test_a_pytest_recording_cassette_checks(tmp_path: Path) -> None:
    """The cassette pytest-recording wrote conforms with --sole-client; its key is in the cassette (the user's
    file, as pytest-recording writes it) and in none of our reports."""
    (tmp_path / "test_user.py").write_text(USER_TEST, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "test_user.py", "--record-mode=once", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    cassette = tmp_path / "cassettes" / "test_user" / "test_a_job_paused_resumed_and_cancelled.yaml"
    assert cassette.is_file(), sorted(str(p) for p in tmp_path.rglob("*"))
    assert b"interactions:" in cassette.read_bytes()
    reports = tmp_path / "reports"
    result = invoke("contract", "--traffic", str(cassette), "--sole-client", "--report-dir", str(reports))
    assert result.exit_code == 0, result.output
    assert "CONFORMS" in result.output
    key = b"sk-ftjobs-test"
    assert key in cassette.read_bytes()
    assert all(key not in file.read_bytes() for file in reports.iterdir())
