"""Azure's dated dialect (`openapi/azure_dated.yaml`): Azure's own dated examples and live dated answers keep it,
and the client on the dated routes reads them without a deviation — where, judged by the v1 fragment, they deviate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from ftjobs import APIResponseValidationError, AzureOpenAI
from ftjobs._spec import DATED, schema_validator
from tests.conftest import ROOT

EXAMPLES = yaml.safe_load(
    (ROOT / "openapi" / "upstream" / "azure-dated-2025-04-01-preview_fine_tuning_examples.yaml").read_text("utf-8")
)
# Each example file → the dated fragment's schema of its answer (delete answers 204, no body).
SCHEMAS = {
    "get_finetuning_job.json": "FineTuningJob",
    "get_finetuning_jobs.json": "ListPaginatedFineTuningJobsResponse",
    "post_finetuning_job.json": "FineTuningJob",
    "pause_finetuning_job.json": "FineTuningJob",
    "resume_finetuning_job.json": "FineTuningJob",
    "cancel_finetuning_job.json": "FineTuningJob",
    "get_finetuning_job_events.json": "ListFineTuningJobEventsResponse",
    "get_finetuning_job_checkpoints.json": "ListFineTuningJobCheckpointsResponse",
}
REAL = json.loads((Path(__file__).parent / "real_answers" / "dated.json").read_text(encoding="utf-8"))


def _answer(name: str) -> tuple[str, Any]:
    status, answer = next(iter(EXAMPLES[name]["responses"].items()))
    return status, answer.get("body")


def test_every_example_answer_is_mapped() -> None:
    """Every example with a body is held against a schema below; the only one without is the delete's 204."""
    with_body = {name for name in EXAMPLES if _answer(name)[1] is not None}
    assert with_body == SCHEMAS.keys()
    assert _answer("delete_finetuning_job.json")[0] == "204"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_azures_dated_examples_keep_the_dated_fragment(name: str) -> None:
    """Azure's own example answers (2025-04-01-preview) validate against the dated fragment."""
    errors = [error.message for error in schema_validator(SCHEMAS[name], DATED).iter_errors(_answer(name)[1])]
    assert errors == []


def test_the_dated_create_answers_201_and_pause_and_resume_their_statuses() -> None:
    """The examples the dialect's rules rest on: create 201 (with `Location`), pause `paused`, resume `resuming`."""
    assert _answer("post_finetuning_job.json")[0] == "201"
    assert "location" in EXAMPLES["post_finetuning_job.json"]["responses"]["201"]["headers"]
    assert _answer("pause_finetuning_job.json")[1]["status"] == "paused"
    assert _answer("resume_finetuning_job.json")[1]["status"] == "resuming"


@pytest.mark.parametrize("record", REAL, ids=[record["schema"] for record in REAL])
def test_live_dated_answers_keep_the_dated_fragment(record: dict[str, Any]) -> None:
    """What Azure's dated routes answered live (Microsoft's tutorial) validates against the dated fragment."""
    errors = [error.message for error in schema_validator(record["schema"], DATED).iter_errors(record["answer"])]
    assert errors == [], record["source"]


def _client(body: Any, api_version: str, status: int = 200) -> AzureOpenAI:
    content = json.dumps(body).encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(status, content=content, headers={"content-type": "application/json"})
    )
    return AzureOpenAI(
        azure_endpoint="http://azure.test",
        api_key="k",
        api_version=api_version,
        strict=True,
        http_client=httpx.Client(transport=transport),
    )


@pytest.mark.parametrize(
    "name", ["pause_finetuning_job.json", "resume_finetuning_job.json", "post_finetuning_job.json"]
)
def test_the_strict_client_reads_dated_answers_on_the_dated_routes_only(name: str) -> None:
    """On the dated routes a strict client reads Azure's dated example as it is; on the v1 API the same body
    deviates (it leaves out fields v1 requires), so the dialect is what makes the difference."""
    body = _answer(name)[1]
    with _client(body, "2025-04-01-preview") as dated:
        job = dated.fine_tuning.jobs.retrieve("ft-72a2792ef7d24ba7b82c7fe4a37e379f")
    assert (job.id, job.status) == (body["id"], body["status"])
    with _client(body, "v1") as v1, pytest.raises(APIResponseValidationError) as refused:
        v1.fine_tuning.jobs.retrieve("ft-72a2792ef7d24ba7b82c7fe4a37e379f")
    assert "required field is missing" in str(refused.value)


def test_a_dated_event_says_warning_and_a_dated_job_may_say_created() -> None:
    """The dated dialect's own values: event level `warning` (v1 says `warn`) and status `created` are read
    without a deviation on the dated routes, and refused by a strict client on the v1 API."""
    page = {
        "object": "list",
        "has_more": False,
        "data": [
            {
                "object": "fine_tuning.job.event",
                "id": "e1",
                "created_at": 1,
                "level": "warning",
                "message": "Low data",
                "type": "message",
            }
        ],
    }
    with _client(page, "2025-04-01-preview") as dated:
        assert [event.level for event in dated.fine_tuning.jobs.list_events("ftjob-1")] == ["warning"]
    with _client(page, "v1") as v1, pytest.raises(APIResponseValidationError):
        list(v1.fine_tuning.jobs.list_events("ftjob-1"))
    job = dict(_answer("get_finetuning_job.json")[1], status="created")
    with _client(job, "2025-04-01-preview") as dated:
        assert str(dated.fine_tuning.jobs.retrieve(job["id"]).status) == "created"
