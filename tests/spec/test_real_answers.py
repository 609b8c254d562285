"""Answers the services really gave (kept with their sources in `real_answers/`) keep the contract, and the
strict client reads them without a deviation: the fragment must never fail what OpenAI or Azure send today."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from ftjobs import Client, deviations
from ftjobs._spec import schema_validator

HERE = Path(__file__).parent / "real_answers"
EVENT_PAGES = json.loads((HERE / "events_pages.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("record", EVENT_PAGES, ids=[record["service"] for record in EVENT_PAGES])
def test_real_events_pages_keep_the_contract(record: dict[str, Any]) -> None:
    """Message events answer `"data": null` (OpenAI's own example, a live Azure answer): the page validates."""
    answer = record["answer"]
    assert any(event["data"] is None for event in answer["data"])  # the case this record is kept for
    errors = [error.message for error in schema_validator("ListFineTuningJobEventsResponse").iter_errors(answer)]
    assert errors == [], record["source"]


@pytest.mark.parametrize("record", EVENT_PAGES, ids=[record["service"] for record in EVENT_PAGES])
def test_strict_client_reads_real_events_pages(record: dict[str, Any]) -> None:
    """The strict client reads each page as sent: `data` is `None` for message events, no deviation."""
    events = _read(record["answer"], "events", strict=True)
    assert [event.data is None for event in events] == [event["data"] is None for event in record["answer"]["data"]]
    assert all(not deviations(event) for event in events)


JOBS = json.loads((HERE / "jobs.json").read_text(encoding="utf-8"))


def _read(answer: Any, path: str, strict: bool = False) -> Any:
    """`answer` as the client reads it from a server: `path` is "job", "events" or "checkpoints"."""
    body = json.dumps(answer).encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"content-type": "application/json"})
    )
    with Client(
        api_key="sk-test", base_url="http://test/v1", strict=strict, http_client=httpx.Client(transport=transport)
    ) as client:
        if path == "job":
            return client.fine_tuning.jobs.retrieve("ftjob-1")
        if path == "checkpoints":
            return list(client.fine_tuning.jobs.checkpoints.list("ftjob-1").data)
        return list(client.fine_tuning.jobs.list_events("ftjob-1").data)


@pytest.mark.parametrize("record", JOBS, ids=[record["service"] for record in JOBS])
def test_real_jobs_keep_the_contract_but_for_what_is_open(record: dict[str, Any]) -> None:
    """A real job answer keeps the contract but for the places its record names as still open (with the reason):
    the client reads it and names exactly those as deviations, so that deciding them shows here."""
    job = _read(record["answer"], "job")
    assert job.id == record["answer"]["id"]
    assert sorted(d.path for d in deviations(job)) == sorted(record.get("open", [])), record["source"]
    valid = schema_validator("FineTuningJob").is_valid(record["answer"])
    assert valid is not bool(record.get("open"))


@pytest.mark.parametrize(
    ("n_epochs", "batch_size", "valid"),
    [(-1, -1, True), (3, -1, True), ("auto", None, True), (0, 8, False), (-2, 8, False), (51, 8, False), (3, 0, False)],
)
def test_a_job_answer_takes_azures_unresolved_minus_one_only(n_epochs: object, batch_size: object, valid: bool) -> None:
    """A job's answered hyperparameters take Azure's `-1` (deviation 31), and nothing else out of bounds; a
    create request still refuses `-1`."""
    job = dict(JOBS[0]["answer"], hyperparameters={"n_epochs": n_epochs, "batch_size": batch_size})
    assert schema_validator("FineTuningJob").is_valid(job) is valid
    request = {"model": "gpt-4o-mini", "training_file": "file-1", "hyperparameters": {"n_epochs": -1}}
    assert not schema_validator("CreateFineTuningJobRequest").is_valid(request)


CHECKPOINT_PAGES = json.loads((HERE / "checkpoints_pages.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("record", CHECKPOINT_PAGES, ids=[record["service"] for record in CHECKPOINT_PAGES])
def test_real_checkpoint_pages_keep_the_contract_and_read_strictly(record: dict[str, Any]) -> None:
    """A live checkpoints page (metrics' `step` sent as a float) validates, and the strict client reads each
    checkpoint with its step number and metrics as sent, no deviation."""
    answer = record["answer"]
    errors = [error.message for error in schema_validator("ListFineTuningJobCheckpointsResponse").iter_errors(answer)]
    assert errors == [], record["source"]
    checkpoints = _read(answer, "checkpoints", strict=True)
    sent = answer["data"]
    assert [(c.id, c.step_number, c.metrics.step) for c in checkpoints] == [
        (s["id"], s["step_number"], s["metrics"]["step"]) for s in sent
    ]
    assert all(not deviations(checkpoint) for checkpoint in checkpoints)
