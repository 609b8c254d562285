"""The README's marked Python snippets run, in order, against the reference server."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from ftjobs.testing import JobStore, Timings, live_server
from tests.conftest import ROOT

MARK = "<!-- runs in tests/test_readme.py -->"


def snippets() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(re.escape(MARK) + r"\n```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_has_runnable_snippets() -> None:
    """The README marks its client and server examples as runnable (so this test covers them)."""
    assert len(snippets()) >= 7


def test_readme_snippets_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Every marked snippet runs without error, each on its own against a fresh, empty reference server that the
    environment points at (as README tells a reader to set it up)."""
    real_sleep = time.sleep
    monkeypatch.setattr(time, "sleep", lambda seconds: real_sleep(min(seconds, 0.02)))
    for code in snippets():
        store = JobStore(timings=Timings(validating_files=0.0, queued=0.0, running=3.0))
        with live_server(store) as server:
            monkeypatch.setenv("OPENAI_API_KEY", server.api_key)
            monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
            monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.azure_endpoint)
            monkeypatch.setenv("AZURE_OPENAI_API_KEY", server.api_key)
            monkeypatch.setenv("ENTRA_TOKEN", server.api_key)
            namespace: dict[str, Any] = {"__name__": "readme"}  # each snippet on its own, as a reader copies it
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 -- our own README
            fixture_example = namespace.pop("test_my_pause_logic", None)
            if fixture_example is not None:
                fixture_example(server)
    printed = capsys.readouterr().out
    assert " paused" in printed
    assert "404 fine_tune_not_found req_" in printed
    assert "invalid_job_status" in printed
    assert "200 application/json " in printed  # the swapped-import example's raw answer
