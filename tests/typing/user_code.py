"""Typical user code, type-checked by `mypy --strict` (make lint) and never run.

If a change to ftjobs' annotations breaks code like this, lint fails.
"""

from __future__ import annotations

import asyncio
from typing import Any, assert_type

import ftjobs
from ftjobs import FineTuningJob, FineTuningJobEvent, FineTuningJobStatus


def pause_and_wait(client: ftjobs.Client, job_id: str) -> FineTuningJob:
    job = client.fine_tuning.jobs.pause(job_id)
    assert_type(job, FineTuningJob)
    assert_type(job.status, FineTuningJobStatus)
    if job.status == "pausing":
        job = client.fine_tuning.jobs.wait(job.id, until={"paused"}, timeout=120, poll_interval=2)
    return job


def report(client: ftjobs.Client, job_id: str) -> list[str]:
    lines: list[str] = []
    for event in client.fine_tuning.jobs.list_events(job_id, limit=50):
        assert_type(event, FineTuningJobEvent)
        lines.append(f"{event.created_at} {event.level} {event.message}")
    for checkpoint in client.fine_tuning.jobs.checkpoints.list(job_id):
        lines.append(f"{checkpoint.step_number}: {checkpoint.fine_tuned_model_checkpoint}")
    return lines


def handle_errors(client: ftjobs.Client, job_id: str) -> str:
    try:
        client.fine_tuning.jobs.resume(job_id)
    except ftjobs.BadRequestError as refused:
        code: str | None = refused.code
        return f"refused ({code}), request {refused.request_id}"
    except ftjobs.NotFoundError as missing:
        status: int = missing.status_code
        return f"no such job ({status})"
    except ftjobs.APIConnectionError:
        return "no answer"
    except ftjobs.APIResponseValidationError as odd:
        return "; ".join(str(deviation) for deviation in odd.deviations)
    return "resumed"


def deviations_of(job: FineTuningJob) -> list[str]:
    return [f"{d.path}: {d.message}" for d in ftjobs.deviations(job)]


def azure() -> ftjobs.Client:
    return ftjobs.Client(
        azure_endpoint="https://my-resource.openai.azure.com",
        azure_ad_token_provider=lambda: "token",
        api_version="preview",
        max_retries=5,
        timeout=30.0,
        strict=True,
    )


async def pause_many(client: ftjobs.AsyncClient, job_ids: list[str]) -> list[FineTuningJob]:
    jobs = await asyncio.gather(*(client.fine_tuning.jobs.pause(job_id) for job_id in job_ids))
    every = [job async for job in client.fine_tuning.jobs.list(limit=100)]
    first_page = await client.fine_tuning.jobs.list(limit=10)
    assert_type(first_page.data, list[FineTuningJob])
    return [*jobs, *every]


# -- the openai SDK's surface (issue 11): code written for `openai`, with the import swapped ------------------


def sdk_shaped(client: ftjobs.OpenAI, job_id: str) -> dict[str, Any]:
    job = client.fine_tuning.jobs.pause(fine_tuning_job_id=job_id, extra_headers={"X-Trace": "1"}, timeout=10)
    assert_type(job, FineTuningJob)
    dumped: dict[str, Any] = job.model_dump(exclude_unset=True, exclude_none=True, mode="json")
    text: str = job.model_dump_json(indent=2)
    also: str = job.to_json()
    as_dict: dict[str, Any] = job.to_dict()
    pairs = dict(job)
    kind: str = job.object
    raw = client.fine_tuning.jobs.with_raw_response.retrieve(job_id)
    assert_type(raw, ftjobs.APIResponse[FineTuningJob])
    status: int = raw.status_code
    parsed = raw.parse()
    assert_type(parsed, FineTuningJob)
    page = client.fine_tuning.jobs.list(limit=2, metadata={"team": "search"}, extra_query={"tenant": "t"})
    while page.has_next_page():
        info = page.next_page_info()
        if info is not None:
            after: str = info.params["after"]
            del after
        page = page.get_next_page()
    events = client.fine_tuning.jobs.list_events(job_id, limit=5)
    event_type: str | None = events.data[0].type if events.data else None
    quick = client.with_options(max_retries=0, timeout=5.0)
    assert_type(quick, ftjobs.OpenAI)
    try:
        quick.fine_tuning.jobs.cancel(job_id, extra_body={"reason": "budget"})
    except ftjobs.APIStatusError as error:
        body: object | None = error.body
        del body
    return {
        "dump": dumped,
        "text": text + also,
        "dict": as_dict,
        "pairs": pairs,
        "kind": kind,
        "status": status,
        "event": event_type,
        "page": page.model_dump(),
    }


def azure_dated() -> ftjobs.AzureOpenAI:
    return ftjobs.AzureOpenAI(
        azure_endpoint="https://my-resource.openai.azure.com",
        api_key="key",
        api_version="2024-10-21",
        organization="org-1",
        project="proj-1",
        default_query={"x": "1"},
    )


async def sdk_shaped_async(client: ftjobs.AsyncAzureOpenAI, job_id: str) -> list[str]:
    raw = await client.fine_tuning.jobs.with_raw_response.pause(job_id)
    assert_type(raw, ftjobs.APIResponse[FineTuningJob])
    page = await client.fine_tuning.jobs.checkpoints.list(fine_tuning_job_id=job_id)
    ids = [checkpoint.id for checkpoint in page.data]
    if page.has_next_page():
        following = await page.get_next_page()
        ids += [checkpoint.id async for checkpoint in following]
    return ids
