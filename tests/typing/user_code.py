"""Typical user code, type-checked by `mypy --strict` (make lint) and never run.

If a change to ftjobs' annotations breaks code like this, lint fails.
"""

from __future__ import annotations

import asyncio
from typing import assert_type

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
