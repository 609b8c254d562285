"""Waiting for a status, and walking pages, sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import ftjobs
from tests.client.conftest import Recorder, example, job_response


def job_in(status: str, **extra: Any) -> dict[str, Any]:
    return example("JobQueued") | {"status": status, **extra}


def test_wait_until_paused_reports_each_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """`wait` polls until a wanted status, calling `on_update` once per status change."""
    sleeps: list[float] = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    recorder = Recorder(
        job_response(job_in("running")),
        job_response(job_in("running")),
        job_response(job_in("pausing")),
        job_response(job_in("paused")),
    )
    seen: list[str] = []
    job = recorder.client().fine_tuning.jobs.wait(
        "ftjob-abc123", until={"paused"}, poll_interval=0.25, on_update=lambda j: seen.append(str(j.status))
    )
    assert job.status == "paused"
    assert seen == ["running", "pausing", "paused"]
    assert sleeps == [0.25, 0.25, 0.25]


def test_wait_honours_poll_after_header(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server's `openai-poll-after-ms` sets the next poll's delay."""
    sleeps: list[float] = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    recorder = Recorder(
        httpx.Response(200, json=job_in("running"), headers={"openai-poll-after-ms": "1200"}),
        job_response(job_in("succeeded")),
    )
    recorder.client().fine_tuning.jobs.wait("ftjob-abc123", poll_interval=5)
    assert sleeps == [1.2]


def test_wait_stops_early_on_an_unwanted_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """A job that ends in a status not wanted raises JobEndedError carrying the job, without more polling."""
    monkeypatch.setattr("time.sleep", lambda _: None)
    error = {"code": "invalid_training_file", "message": "bad file", "param": "training_file"}
    recorder = Recorder(job_response(job_in("running")), job_response(job_in("failed", error=error)))
    with pytest.raises(ftjobs.JobEndedError, match="failed") as ended:
        recorder.client().fine_tuning.jobs.wait("ftjob-abc123", until="paused")
    assert ended.value.job is not None
    assert ended.value.job.status == "failed"
    assert len(recorder.requests) == 2


def test_wait_times_out() -> None:
    """Past `timeout` the wait raises JobWaitTimeout (also a TimeoutError) with the last job seen."""
    recorder = Recorder(job_response(job_in("running")), repeat_last=True)
    with pytest.raises(TimeoutError) as late:
        recorder.client().fine_tuning.jobs.wait("ftjob-abc123", until="paused", timeout=0.05, poll_interval=0.01)
    assert isinstance(late.value, ftjobs.JobWaitTimeout)
    assert late.value.job is not None
    assert late.value.job.status == "running"


def test_wait_needs_a_status() -> None:
    """`until=()` is a usage error."""
    with pytest.raises(ValueError, match="until"):
        Recorder(job_response()).client().fine_tuning.jobs.wait("ftjob-abc123", until=())


def pages(kind: str, ids: list[str], size: int) -> Recorder:
    """A fake API that pages `ids` by `after`/`limit`, as a real one would."""
    makers = {
        "job": lambda i: example("JobQueued") | {"id": i},
        "event": lambda i: {"object": "fine_tuning.job.event", "id": i, "created_at": 1, "level": "info", "message": i},
        "checkpoint": lambda i: {
            "object": "fine_tuning.job.checkpoint",
            "id": i,
            "created_at": 1,
            "fine_tuned_model_checkpoint": "ft:m:ckpt",
            "fine_tuning_job_id": "ftjob-abc123",
            "metrics": {},
            "step_number": 1,
        },
    }

    def answer(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        start = ids.index(after) + 1 if after else 0
        chunk = ids[start : start + size]
        return httpx.Response(
            200, json={"object": "list", "data": [makers[kind](i) for i in chunk], "has_more": start + size < len(ids)}
        )

    return Recorder(answer, repeat_last=True)


def test_list_walks_every_page() -> None:
    """Iterating `list()` follows `after` until `has_more` is false; the first page is what was asked."""
    ids = [f"ftjob-{n}" for n in range(7)]
    recorder = pages("job", ids, 3)
    first = recorder.client().fine_tuning.jobs.list(limit=3)
    assert [job.id for job in first.data] == ids[:3]
    assert [job.id for job in first] == ids
    assert [r.url.params.get("after") for r in recorder.requests] == [None, "ftjob-2", "ftjob-5"]
    assert [r.url.params.get("limit") for r in recorder.requests] == ["3", "3", "3"]


def test_events_and_checkpoints_paginate() -> None:
    """`list_events` and `checkpoints.list` walk pages the same way."""
    events = [f"ftevent-{n}" for n in range(5)]
    client = pages("event", events, 2).client()
    assert [e.id for e in client.fine_tuning.jobs.list_events("ftjob-abc123", limit=2)] == events
    checkpoints = [f"ftckpt_{n}" for n in range(3)]
    client = pages("checkpoint", checkpoints, 2).client()
    assert [c.id for c in client.fine_tuning.jobs.checkpoints.list("ftjob-abc123")] == checkpoints


def test_async_client_pages_and_transitions() -> None:
    """AsyncClient: awaiting a list gives a page, `async for` walks all; pause answers the job."""
    ids = [f"ftjob-{n}" for n in range(5)]

    async def main() -> tuple[list[str], list[str], str]:
        recorder = pages("job", ids, 2)
        async with recorder.async_client() as client:
            first = await client.fine_tuning.jobs.list(limit=2)
            every = [job.id async for job in client.fine_tuning.jobs.list(limit=2)]
        paused = Recorder(job_response(), repeat_last=True)
        async with paused.async_client() as client:
            job = await client.fine_tuning.jobs.pause("ftjob-abc123")
        return [job.id for job in first.data], every, str(job.status)

    first, every, status = asyncio.run(main())
    assert (first, every, status) == (ids[:2], ids, "paused")


def test_async_errors_and_retries() -> None:
    """AsyncClient retries a 503 then raises the typed error of a final 404."""

    async def main() -> None:
        recorder = Recorder(httpx.Response(503), httpx.Response(404, json={"error": {"message": "gone"}}))
        async with recorder.async_client() as client:
            with pytest.raises(ftjobs.NotFoundError, match="gone"):
                await client.fine_tuning.jobs.retrieve("ftjob-abc123")
        assert len(recorder.requests) == 2

    asyncio.run(main())
