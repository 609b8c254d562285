"""A pause whose first attempt succeeded but whose answer was lost returns the job, not the refusal of the retry.

The rule: a pause (resume, cancel) that is refused with 400/409 after an earlier attempt of the same call
may have reached the server (a read timeout, a dropped connection, a 5xx), and whose job now shows the
status the call leads to (`paused`/`pausing`; `queued`/`running`/`resuming`; `cancelled`), returns that job.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import ftjobs
from tests.client.conftest import KEY, Recorder, error_response, example, job_response

REFUSED = error_response(400, "Job is paused; it cannot be paused.", code="invalid_job_status")


def with_status(status: str) -> dict[str, Any]:
    job = example("JobPaused")
    job["status"] = status
    return job


@pytest.mark.parametrize(
    ("action", "first", "now"),
    [
        ("pause", httpx.ReadTimeout("answer lost"), "paused"),
        ("pause", httpx.RemoteProtocolError("connection dropped"), "pausing"),
        ("pause", httpx.Response(502), "paused"),
        ("resume", httpx.ReadError("reset"), "queued"),
        ("resume", httpx.Response(504), "running"),
        ("cancel", httpx.ReadTimeout("answer lost"), "cancelled"),
    ],
)
def test_refused_retry_after_ambiguous_attempt_returns_the_job(action: str, first: Any, now: str) -> None:
    """Ambiguous first attempt, refused retry, job in the target status: the job is returned."""
    recorder = Recorder(first, REFUSED, job_response(with_status(now)))
    job = getattr(recorder.client().fine_tuning.jobs, action)("ftjob-abc123")
    assert job.status == now
    assert [r.method for r in recorder.requests] == ["POST", "POST", "GET"]


def test_refusal_after_unsent_attempt_is_raised() -> None:
    """A first attempt that never reached the server (connect error) cannot have paused: the refusal stands."""
    recorder = Recorder(httpx.ConnectError("refused"), REFUSED, job_response(with_status("paused")))
    with pytest.raises(ftjobs.BadRequestError):
        recorder.client().fine_tuning.jobs.pause("ftjob-abc123")
    assert [r.method for r in recorder.requests] == ["POST", "POST"]


def test_refusal_on_first_attempt_is_raised() -> None:
    """Without an earlier attempt, a refusal is the answer."""
    recorder = Recorder(REFUSED, job_response(with_status("paused")))
    with pytest.raises(ftjobs.BadRequestError):
        recorder.client().fine_tuning.jobs.pause("ftjob-abc123")
    assert len(recorder.requests) == 1


def test_refusal_when_job_is_elsewhere_is_raised() -> None:
    """When the job is not in the target status (someone else changed it), the refusal is raised."""
    recorder = Recorder(httpx.ReadTimeout("lost"), REFUSED, job_response(with_status("cancelled")))
    with pytest.raises(ftjobs.BadRequestError):
        recorder.client().fine_tuning.jobs.pause("ftjob-abc123")
    assert [r.method for r in recorder.requests] == ["POST", "POST", "GET"]


def test_lost_pause_against_the_reference_server() -> None:
    """End to end: the server pauses the job, the answer is dropped, the retry is refused, the client returns it."""
    from ftjobs.testing import JobStore, ManualClock, Timings, create_app

    clock = ManualClock()
    store = JobStore(clock=clock, timings=Timings(validating_files=1, queued=1, running=100))
    job_id = store.create({"model": "m", "training_file": "f"})["id"]
    clock.advance(3)
    app = httpx.ASGITransport(app=create_app(store, api_keys=[KEY]))
    dropped = [False]

    async def flaky(request: httpx.Request) -> httpx.Response:
        response = await app.handle_async_request(request)
        if request.url.path.endswith("/pause") and not dropped[0]:
            dropped[0] = True
            raise httpx.ReadError("connection reset after the server answered")
        return response

    import asyncio

    async def main() -> ftjobs.FineTuningJob:
        async with ftjobs.AsyncClient(
            api_key=KEY,
            base_url="http://reference/v1",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(flaky)),
        ) as client:
            return await client.fine_tuning.jobs.pause(job_id)

    job = asyncio.run(main())
    assert (job.id, job.status, dropped[0]) == (job_id, "paused", True)
