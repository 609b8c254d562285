"""pytest fixtures for users' own tests, registered by installing ftjobs (entry point `pytest11`).

- `ftjobs_server`: a reference server on a loopback port, fresh for each test, with fast timings
  (a job runs after 0.1 s and trains for 0.5 s); its `store` lets a test inspect or fail jobs.

The server's dependencies load only when a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ftjobs.testing._live import LiveServer


@pytest.fixture
def ftjobs_server() -> Iterator[LiveServer]:
    """A live reference server on 127.0.0.1 (see `ftjobs.testing.LiveServer`)."""
    from ftjobs.testing import JobStore, Timings, live_server

    with live_server(JobStore(timings=Timings(validating_files=0.05, queued=0.05, running=0.5))) as server:
        yield server
