"""`jobs.wait`: the decisions of one wait, shared by the sync and the async loop (done, wait this long, or give up)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import httpx

from ftjobs._exceptions import JobEndedError, JobWaitTimeout
from ftjobs._response import Options
from ftjobs._statuses import TERMINAL

if TYPE_CHECKING:
    from ftjobs._models import FineTuningJob

logger = logging.getLogger("ftjobs")


def sleep(seconds: float) -> None:
    """`time.sleep`, looked up at each wait (so that a patched `time.sleep` is the one called)."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """`asyncio.sleep`, imported on the first wait: `import ftjobs` need not load asyncio."""
    import asyncio

    await asyncio.sleep(seconds)


class Waiter:
    """The decisions of `jobs.wait`, shared by the sync and async loops: done, wait this long, or give up."""

    def __init__(
        self,
        job_id: str,
        until: Iterable[str] | str,
        timeout: float,
        poll_interval: float,
        on_update: Callable[[FineTuningJob], object] | None,
        on_outage: Callable[[Exception | None], object] | None = None,
    ) -> None:
        self.wanted = frozenset([until] if isinstance(until, str) else until)
        if not self.wanted or not all(isinstance(status, str) and status for status in self.wanted):
            raise ValueError("until= needs at least one status")
        self.job_id, self.timeout, self.poll_interval, self.on_update = job_id, timeout, poll_interval, on_update
        self.deadline = time.monotonic() + timeout
        self.last: str | None = None
        self.on_outage = on_outage
        self.down: Exception | None = None  # the failure that started the current outage

    def poll_options(self, configured: httpx.Timeout) -> Options:
        """One poll's request options: the client's timeout, cut to what is left of the wait, so that a server
        that accepts connections and never answers cannot hold the wait past `timeout`."""
        left = max(0.05, self.deadline - time.monotonic())
        return Options(
            timeout=httpx.Timeout(
                connect=min(configured.connect or left, left),
                read=min(configured.read or left, left),
                write=min(configured.write or left, left),
                pool=min(configured.pool or left, left),
            )
        )

    def unreachable(self, error: Exception) -> float:
        """The server failed to answer (after the call's retries): the seconds until the next poll, or raise."""
        if self.down is None:
            self.down = error
            logger.warning("wait for %s: the server does not answer (%s); still waiting", self.job_id, error)
            if self.on_outage is not None:
                self.on_outage(error)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise JobWaitTimeout(
                f"job {self.job_id}: no answer from the server within the {self.timeout:g} s wait (--timeout)", None
            ) from error
        return min(self.poll_interval or 1.0, remaining)

    def reachable(self) -> None:
        if self.down is not None:
            self.down = None
            logger.warning("wait for %s: the server answers again", self.job_id)
            if self.on_outage is not None:
                self.on_outage(None)

    def observe(self, job: FineTuningJob, response: httpx.Response) -> float | None:
        """`None` when the job is in a wanted status; else the seconds until the next poll. Raises when done waiting."""
        if self.on_update is not None and job.status != self.last:
            self.on_update(job)
        self.last = job.status
        if job.status in self.wanted:
            return None
        if job.status in TERMINAL:
            wanted = " or ".join(sorted(self.wanted))
            raise JobEndedError(f"job {self.job_id} ended {job.status!r}, not {wanted}", job)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise JobWaitTimeout(f"job {self.job_id} still {job.status!r} after {self.timeout:g} s", job)
        return min(self._poll_after(response), remaining)

    def _poll_after(self, response: httpx.Response) -> float:
        raw = response.headers.get("openai-poll-after-ms")
        try:
            return max(0.0, float(raw) / 1000) if raw is not None else self.poll_interval
        except ValueError:
            return self.poll_interval
