"""What the command-line tests share: a reference server the environment points at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from ftjobs.testing import Clock, JobStore, LiveServer, Timings, live_server
from tests.conftest import ENVIRONMENT


@contextmanager
def environment_server(
    monkeypatch: pytest.MonkeyPatch, timings: Timings, clock: Clock | None = None
) -> Iterator[LiveServer]:
    """A live reference server with `timings` (on `clock`, the wall clock if none); OPENAI_API_KEY and
    OPENAI_BASE_URL point at it, nothing else is set."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    with live_server(JobStore(timings=timings, clock=clock)) as live:
        monkeypatch.setenv("OPENAI_API_KEY", live.api_key)
        monkeypatch.setenv("OPENAI_BASE_URL", live.base_url)
        yield live
