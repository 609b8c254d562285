"""What real servers send that the contract does not: read without failing, reported, refused when strict."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import ftjobs
from tests.client.conftest import Recorder, example


def read(body: Any, *, strict: bool = False, **headers: str) -> ftjobs.FineTuningJob:
    response = httpx.Response(
        200, content=json.dumps(body).encode(), headers={"content-type": "application/json", **headers}
    )
    recorder = Recorder(response)
    client = recorder.client(strict=strict)
    return client.fine_tuning.jobs.pause("ftjob-abc123")


SEED_EXAMPLE = {  # OpenAI's own pause example, as published
    "object": "fine_tuning.job",
    "id": "ftjob-abc123",
    "model": "gpt-4o-mini-2024-07-18",
    "created_at": 1721764800,
    "fine_tuned_model": None,
    "organization_id": "org-123",
    "result_files": [],
    "status": "paused",
    "validation_file": "file-abc123",
    "training_file": "file-abc123",
}


def test_seed_pause_example_reads_with_five_deviations(caplog: pytest.LogCaptureFixture) -> None:
    """Upstream's pause example (five required fields missing) reads as paused; the missing ones read None."""
    job = read(SEED_EXAMPLE)
    assert (job.id, job.status) == ("ftjob-abc123", "paused")
    # The annotations describe the contract; these fields deviate, and read as None.
    missing: list[object] = [job.error, job.finished_at, job.hyperparameters, job.seed, job.trained_tokens]
    assert missing == [None] * 5
    found = ftjobs.deviations(job)
    assert sorted(d.path for d in found) == ["/error", "/finished_at", "/hyperparameters", "/seed", "/trained_tokens"]
    assert all(d.message == "required field is missing" for d in found)
    assert "deviates from the contract" in caplog.text


def test_azure_nulls_are_read_as_sent() -> None:
    """Azure's `organization_id: null`, `result_files: null` and `method: null` are in the contract (deviation
    30) and read as sent; a field no spec names is kept too, and none of it is a deviation."""
    body = example("JobPaused") | {
        "organization_id": None,
        "result_files": None,
        "method": None,
        "usage_metrics": {"tokens": 3},
    }
    job = read(body)
    assert [job.organization_id, job.result_files, job.method] == [None, None, None]
    assert job["usage_metrics"] == {"tokens": 3}
    assert job.to_dict() == body
    assert ftjobs.deviations(job) == ()


def test_unknown_status_is_readable() -> None:
    """A status the fragment does not know is kept: `job.status` reads it."""
    job = read(example("JobPaused") | {"status": "compacting"})
    assert str(job.status) == "compacting"
    assert [d.path for d in ftjobs.deviations(job)] == ["/status"]


def test_known_azure_statuses_are_not_deviations() -> None:
    """`pending`, `pausing` and `resuming` are in the contract (see openapi/README.md)."""
    for status in ("pending", "pausing", "resuming"):
        job = read(example("JobPaused") | {"status": status})
        assert job.status == status
        assert ftjobs.deviations(job) == ()


def test_integral_floats_become_integers() -> None:
    """`5.0` where the fragment says integer reads as the int 5, everywhere in the job; and is no deviation."""
    body = example("JobPaused") | {"created_at": 1721764800.0, "seed": 42.0, "hyperparameters": {"n_epochs": 3.0}}
    job = read(body)
    assert isinstance(job.created_at, int)
    assert isinstance(job.seed, int)
    assert job.hyperparameters is not None
    assert isinstance(job.hyperparameters.n_epochs, int)
    assert ftjobs.deviations(job) == ()


def test_mistyped_nested_values_are_kept() -> None:
    """A wrong type deep inside is kept where it was, and named by its path."""
    body = example("JobPaused") | {"hyperparameters": {"batch_size": "huge", "n_epochs": 2}, "method": "supervised"}
    job = read(body)
    assert job.hyperparameters is not None
    assert str(job.hyperparameters.batch_size) == "huge"
    assert str(job.method) == "supervised"
    assert job.to_dict()["method"] == "supervised"
    assert {d.path for d in ftjobs.deviations(job)} == {"/hyperparameters/batch_size", "/method"}


def test_strict_names_every_deviation() -> None:
    """With strict=True the same answer raises APIResponseValidationError listing each deviation."""
    with pytest.raises(ftjobs.APIResponseValidationError) as refused:
        read(SEED_EXAMPLE | {"status": "compacting"}, strict=True, **{"x-request-id": "req_9"})
    paths = sorted(d.path for d in refused.value.deviations)
    assert paths == ["/error", "/finished_at", "/hyperparameters", "/seed", "/status", "/trained_tokens"]
    assert all(path in str(refused.value) for path in paths)
    assert (refused.value.status_code, refused.value.request_id) == (200, "req_9")


def test_strict_accepts_conforming_answers() -> None:
    """strict=True reads a conforming answer normally."""
    assert read(example("JobPaused"), strict=True).status == "paused"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>maintenance</html>", headers={"content-type": "text/html"}),
        httpx.Response(200),
        httpx.Response(200, content=b'{"id": "ftjob-', headers={"content-type": "application/json"}),
        httpx.Response(200, json=[1, 2]),
        httpx.Response(200, json="paused"),
        httpx.Response(200, json=None),
    ],
)
def test_unreadable_success_bodies(response: httpx.Response) -> None:
    """A 2xx that is not a JSON object raises APIResponseValidationError, strict or not."""
    recorder = Recorder(response)
    client = recorder.client()
    with pytest.raises(ftjobs.APIResponseValidationError):
        client.fine_tuning.jobs.pause("ftjob-abc123")


def test_deviations_leave_with_their_model() -> None:
    """The record of a model's deviations goes when the model does."""
    from ftjobs._parse import _DEVIATIONS

    before = len(_DEVIATIONS)
    job = read(SEED_EXAMPLE)
    assert len(_DEVIATIONS) == before + 1
    del job
    assert len(_DEVIATIONS) == before


def test_list_items_carry_their_own_deviations() -> None:
    """In a page, each job reads and reports on its own."""
    page = {"object": "list", "data": [example("JobQueued"), SEED_EXAMPLE], "has_more": False}
    recorder = Recorder(httpx.Response(200, json=page))
    client = recorder.client()
    jobs = list(client.fine_tuning.jobs.list())
    assert [len(ftjobs.deviations(job)) for job in jobs] == [0, 5]
    assert ftjobs.deviations(jobs[1])[0].path.startswith("/data/1/")
