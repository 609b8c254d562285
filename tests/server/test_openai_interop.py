"""The official `openai` SDK drives the reference server over loopback: OpenAI-style, Azure v1 and Azure dated."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest

from ftjobs.testing import JobStore, LiveServer, Timings, live_server


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    store = JobStore(timings=Timings(validating_files=0.05, queued=0.05, running=30.0))
    with live_server(store) as live:
        yield live


def openai_style(server: LiveServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)


def azure_style(server: LiveServer) -> openai.OpenAI:
    # Azure v1: `{endpoint}/openai/v1` with the resource key in the `api-key` header. The SDK insists on
    # a bearer too; the placeholder is not a valid key, so only the `api-key` header can authenticate.
    return openai.OpenAI(
        base_url=server.azure_base_url,
        api_key="placeholder",
        default_headers={"api-key": server.api_key},
        max_retries=0,
    )


def azure_dated(server: LiveServer, api_version: str = "2025-04-01-preview") -> openai.OpenAI:
    # The SDK's AzureOpenAI: `{endpoint}/openai/...?api-version=<date>` with the key in `api-key`; the dated
    # version with pause and resume (the GA 2024-10-21 has neither route).
    return openai.AzureOpenAI(
        azure_endpoint=server.azure_endpoint, api_key=server.api_key, api_version=api_version, max_retries=0
    )


STYLES = [
    pytest.param(openai_style, id="openai-style"),
    pytest.param(azure_style, id="azure-style"),
    pytest.param(azure_dated, id="azure-dated"),
]


def wait_for(client: openai.OpenAI, job_id: str, status: str) -> None:
    deadline = time.monotonic() + 10
    while client.fine_tuning.jobs.retrieve(job_id).status != status:
        assert time.monotonic() < deadline, f"job never reached {status}"
        time.sleep(0.02)


@pytest.mark.parametrize("style", STYLES)
def test_official_sdk_lifecycle(server: LiveServer, style: Callable[[LiveServer], openai.OpenAI]) -> None:
    """create, retrieve, list, pause, resume, cancel, events, checkpoints: all succeed, following the state machine
    (on the dated routes in the dated dialect: `pending`, `resuming`, Azure's error codes)."""
    with style(server) as client:
        sdk_lifecycle(client, dated=style is azure_dated)


def sdk_lifecycle(client: openai.OpenAI, *, dated: bool = False) -> None:
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc", seed=7)
    assert job.status == ("pending" if dated else "validating_files")
    assert client.fine_tuning.jobs.retrieve(job.id).id == job.id
    wait_for(client, job.id, "running")
    paused = client.fine_tuning.jobs.pause(job.id)
    assert (paused.id, paused.status) == (job.id, "paused")
    with pytest.raises(openai.BadRequestError) as refused:
        client.fine_tuning.jobs.pause(job.id)
    assert refused.value.code == ("unexpectedEntityState" if dated else "invalid_job_status")
    resumed = client.fine_tuning.jobs.resume(job.id)
    assert resumed.status == ("resuming" if dated else "queued")
    wait_for(client, job.id, "running")
    client.fine_tuning.jobs.pause(job.id)
    assert client.fine_tuning.jobs.cancel(job.id).status == "cancelled"
    listed = [j.id for j in client.fine_tuning.jobs.list(limit=1)]
    assert job.id in listed
    assert len(listed) == len(set(listed))
    messages = [event.message for event in client.fine_tuning.jobs.list_events(job.id)]
    assert "Fine-tuning job paused" in messages
    assert messages[0] == "Fine-tuning job cancelled"
    checkpoints = client.fine_tuning.jobs.checkpoints.list(job.id)
    assert all(c.fine_tuning_job_id == job.id for c in checkpoints)


def test_the_sdk_under_the_ga_dated_version_finds_no_pause_route(server: LiveServer) -> None:
    """The SDK's `AzureOpenAI(api_version="2024-10-21")` creates and cancels, but its pause meets a 404: that
    version has no pause route (and ftjobs says so before sending)."""
    with azure_dated(server, "2024-10-21") as client:
        job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        wait_for(client, job.id, "running")
        with pytest.raises(openai.NotFoundError):
            client.fine_tuning.jobs.pause(job.id)
        assert client.fine_tuning.jobs.cancel(job.id).status == "cancelled"


@pytest.mark.parametrize("style", STYLES)
def test_official_sdk_errors(server: LiveServer, style: Callable[[LiveServer], openai.OpenAI]) -> None:
    """An unknown id raises NotFoundError, a wrong key AuthenticationError, a forbidden resume BadRequestError."""
    with style(server) as client:
        sdk_errors(client, server)


def sdk_errors(client: openai.OpenAI, server: LiveServer) -> None:
    with pytest.raises(openai.NotFoundError):
        client.fine_tuning.jobs.pause("ftjob-does-not-exist")
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
    with pytest.raises(openai.BadRequestError):
        client.fine_tuning.jobs.resume(job.id)
    with (
        openai.OpenAI(base_url=server.base_url, api_key="sk-wrong", max_retries=0) as wrong,
        pytest.raises(openai.AuthenticationError),
    ):
        wrong.fine_tuning.jobs.retrieve(job.id)
    with (
        openai.OpenAI(
            base_url=server.azure_base_url, api_key=server.api_key, default_headers={"api-key": "wrong"}, max_retries=0
        ) as wrong_azure,
        pytest.raises(openai.AuthenticationError),
    ):
        wrong_azure.fine_tuning.jobs.list()


def openai_shaped_workflow(client: Any, server: LiveServer) -> list[str]:
    """Code written for the official SDK's fine-tuning jobs, used unchanged with either client."""
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc", seed=3)
    while client.fine_tuning.jobs.retrieve(job.id).status != "running":
        time.sleep(0.02)
    seen = [client.fine_tuning.jobs.pause(job.id).status]
    seen.append(client.fine_tuning.jobs.retrieve(job.id).status)
    seen.append(client.fine_tuning.jobs.resume(job.id).status)
    seen.append(client.fine_tuning.jobs.cancel(job.id).status)
    seen.append(str(job.id in [j.id for j in client.fine_tuning.jobs.list(limit=2)]))
    seen.append(client.fine_tuning.jobs.list_events(job.id, limit=1).data[0].message)
    seen.append(str(len(list(client.fine_tuning.jobs.checkpoints.list(job.id)))))
    return [str(status) for status in seen]


def test_code_for_the_sdk_works_after_swapping_the_import(server: LiveServer) -> None:
    """The same fine-tuning code gives the same results with `openai.OpenAI` and `ftjobs.Client`."""
    import ftjobs

    with openai.OpenAI(base_url=server.base_url, api_key=server.api_key) as sdk:
        theirs = openai_shaped_workflow(sdk, server)
    with ftjobs.Client(base_url=server.base_url, api_key=server.api_key) as ours:
        mine = openai_shaped_workflow(ours, server)
    assert mine == theirs == ["paused", "paused", "queued", "cancelled", "True", "Fine-tuning job cancelled", "0"]
