"""The generated models read the fragment's own examples and write them back unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from ftjobs_api.models import (
    ErrorResponse,
    FineTuningJob,
    ListFineTuningJobCheckpointsResponse,
    ListFineTuningJobEventsResponse,
    ListPaginatedFineTuningJobsResponse,
)

from ftjobs._spec import resolve

JOB_EXAMPLES = ["JobPaused", "JobQueued", "JobCancelled", "JobValidatingFiles", "JobSucceeded"]


@pytest.mark.parametrize("name", JOB_EXAMPLES)
def test_job_example_round_trips(spec: dict[str, Any], name: str) -> None:
    """`FineTuningJob.from_dict(example).to_dict()` gives the example back."""
    value = resolve({"$ref": f"#/components/examples/{name}"}, spec)["value"]
    job = FineTuningJob.from_dict(value)
    assert job.to_dict() == value


def test_paused_job_reads_as_paused(spec: dict[str, Any]) -> None:
    """The seed's pause answer parses, with status `paused` (the upstream-generated client crashes here)."""
    value = resolve({"$ref": "#/components/examples/JobPaused"}, spec)["value"]
    job = FineTuningJob.from_dict(value)
    assert (job.id, job.status) == ("ftjob-abc123", "paused")


@pytest.mark.parametrize(
    ("path", "method", "model"),
    [
        ("/fine_tuning/jobs", "get", ListPaginatedFineTuningJobsResponse),
        ("/fine_tuning/jobs/{fine_tuning_job_id}/events", "get", ListFineTuningJobEventsResponse),
        ("/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", "get", ListFineTuningJobCheckpointsResponse),
    ],
)
def test_list_examples_round_trip(spec: dict[str, Any], path: str, method: str, model: Any) -> None:
    """Each list answer's example parses into its model and writes back unchanged."""
    content = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    value = resolve(content["examples"]["page"], spec)["value"]
    assert model.from_dict(value).to_dict() == value


@pytest.mark.parametrize("name", ["forbidden", "azure"])
def test_error_examples_round_trip(spec: dict[str, Any], name: str) -> None:
    """Both error envelopes, OpenAI's and Azure's, parse into ErrorResponse and write back unchanged."""
    response = spec["components"]["responses"]["InvalidTransition"]
    value = response["content"]["application/json"]["examples"][name]["value"]
    assert ErrorResponse.from_dict(value).to_dict() == value
