"""Results serialise as the openai SDK's do, from what the server sent: jobs, events, checkpoints and pages."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import ftjobs
from tests.client.conftest import BASE, KEY, Recorder, example, job_response


def read_job(body: dict[str, Any]) -> ftjobs.FineTuningJob:
    http = httpx.Client(transport=Recorder(job_response(body)).transport())
    with ftjobs.OpenAI(api_key=KEY, base_url=BASE, http_client=http, max_retries=0) as client:
        job = client.fine_tuning.jobs.retrieve("ftjob-1")
    http.close()
    return job


def test_to_dict_is_what_the_server_sent() -> None:
    """`to_dict`, `model_dump(exclude_unset=True)` and `to_json` give back what the server sent (indented by 2)."""
    sent = example("JobPaused")
    job = read_job(json.loads(json.dumps(sent)))
    assert job.to_dict() == sent
    assert job.model_dump(exclude_unset=True) == sent
    assert json.loads(job.to_json()) == sent
    assert job.to_json().startswith("{\n  ")  # the SDK's to_json indents by 2
    assert json.loads(job.model_dump_json()) == job.model_dump()
    assert "\n" not in job.model_dump_json()
    assert job.model_dump_json(indent=4).startswith('{\n    "')


def test_model_dump_lists_every_declared_field_and_extras() -> None:
    """`model_dump()` names every field the contract declares (missing ones as None) and keeps unknown ones."""
    sent = example("JobPaused")
    for optional in ("integrations", "estimated_finish", "method", "metadata", "user_provided_suffix"):
        sent.pop(optional, None)
    sent["x_vendor"] = {"shard": 3}
    dumped = read_job(sent).model_dump()
    for optional in ("integrations", "estimated_finish", "method", "metadata", "user_provided_suffix"):
        assert dumped[optional] is None
    assert dumped["x_vendor"] == {"shard": 3}
    assert list(dumped)[-1] == "x_vendor"  # declared fields first, as pydantic writes them
    assert "integrations" not in read_job(sent).model_dump(exclude_unset=True)
    none_free = read_job(sent).model_dump(exclude_none=True)
    assert None not in none_free.values()
    assert "fine_tuned_model" not in none_free  # null in the answer, so left out


def test_dict_and_iteration_give_fields_by_their_json_names() -> None:
    """`dict(job)` and iterating a job give wire names (`object`, not `object_`) in the contract's order."""
    job = read_job(example("JobPaused"))
    as_dict = dict(job)
    assert as_dict["object"] == "fine_tuning.job" == job.object
    assert "object_" not in as_dict
    assert [name for name, _ in job][:3] == ["id", "created_at", "error"]
    assert as_dict["status"] == "paused"


def test_repr_reads_like_the_sdks() -> None:
    """`repr(job)` reads like the SDK's: wire names, no generator internals."""
    job = read_job(example("JobPaused"))
    shown = repr(job)
    assert shown.startswith(f"FineTuningJob(id={job.id!r}, created_at={job.created_at!r}, error=None,")
    assert "object='fine_tuning.job'" in shown
    assert "object_=" not in shown
    assert "additional_properties" not in shown.split("hyperparameters=")[0]


def test_include_and_exclude() -> None:
    """`model_dump(include=…)` and `exclude=…` choose fields by their wire names."""
    job = read_job(example("JobPaused"))
    assert job.model_dump(include={"id", "status"}) == {"id": job.id, "status": "paused"}
    assert "status" not in job.model_dump(exclude={"status"})


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "warming_up"), ("seed", "not-a-number"), ("hyperparameters", "opaque"), ("trained_tokens", -5)],
)
def test_a_value_kept_through_a_deviation_serialises_as_sent(field: str, value: Any) -> None:
    """A value the contract does not allow is kept as sent (and reported as a deviation), and dumped as sent."""
    sent = example("JobPaused")
    sent[field] = value
    job = read_job(sent)
    assert ftjobs.deviations(job)
    assert job.to_dict()[field] == value
    assert job.model_dump()[field] == value
    assert json.loads(job.model_dump_json())[field] == value


def test_a_missing_required_field_is_unset_not_null_when_only_the_sent_fields_are_asked() -> None:
    """A required field the server left out is absent from `to_dict()` and None in `model_dump()`."""
    sent = example("JobPaused")
    del sent["training_file"]
    job = read_job(sent)
    assert "training_file" not in job.to_dict()
    assert job.model_dump()["training_file"] is None


def test_events_checkpoints_and_pages_serialise() -> None:
    """Events, checkpoints and the pages holding them dump as the server sent them."""
    events = {
        "object": "list",
        "has_more": False,
        "data": [
            {
                "object": "fine_tuning.job.event",
                "id": "ftevent-1",
                "created_at": 1,
                "level": "info",
                "message": "Step 1",
                "type": "metrics",
                "data": {"step": 1, "train_loss": 0.5},
            }
        ],
    }
    http = httpx.Client(transport=Recorder(httpx.Response(200, json=events)).transport())
    with ftjobs.OpenAI(api_key=KEY, base_url=BASE, http_client=http, max_retries=0) as client:
        page = client.fine_tuning.jobs.list_events("ftjob-1")
    http.close()
    assert page.to_dict() == events | {"data": events["data"]}
    assert page.model_dump()["object"] == "list" == page.object
    event = page.data[0]
    assert event.type == "metrics"
    assert dict(event)["data"] == {"step": 1, "train_loss": 0.5}  # a plain dict, as in the SDK
    assert json.loads(page.model_dump_json()) == page.model_dump()
