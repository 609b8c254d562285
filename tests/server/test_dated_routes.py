"""The reference server's third dialect: Azure's dated routes answer as the dated fragment says (201 and
`Location`, `pending` and `resuming`, Azure's error envelope), and every answer there keeps that fragment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from ftjobs._spec import DATED, schema_validator
from ftjobs.testing import JobStore, ManualClock, Timings, _dated, create_app
from tests.server.conftest import KEY

VERSION = {"api-version": "2025-04-01-preview"}
HEADERS = {"api-key": KEY}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def azure(clock: ManualClock) -> Iterator[TestClient]:
    store = JobStore(clock=clock, timings=Timings(validating_files=1.0, queued=1.0, running=60.0))
    with TestClient(create_app(store, api_keys=[KEY]), base_url="http://reference") as client:
        yield client


def _dated_job(answer: Any) -> dict[str, Any]:
    errors = [error.message for error in schema_validator("FineTuningJob", DATED).iter_errors(answer.json())]
    assert errors == [], answer.text
    job: dict[str, Any] = answer.json()
    return job


def _create(azure: TestClient, **fields: Any) -> Any:
    body = {"model": "gpt-4o-mini", "training_file": "file-abc", **fields}
    return azure.post("/openai/fine_tuning/jobs", params=VERSION, headers=HEADERS, json=body)


def test_create_answers_201_with_the_jobs_address(azure: TestClient) -> None:
    """Azure's dated create: 201, `Location` naming the job under the dated routes, the job `pending`, its
    hyperparameters not chosen yet as `-1`, and the dated field names beside the live ones."""
    answer = _create(azure, suffix="mine", trainingType="Standard")
    assert answer.status_code == 201
    job = _dated_job(answer)
    assert answer.headers["location"] == f"http://reference/openai/fine_tuning/jobs/{job['id']}"
    assert job["status"] == "pending"
    assert job["hyperparameters"] == {"batch_size": -1, "learning_rate_multiplier": None, "n_epochs": -1}
    assert (job["suffix"], job["organisation_id"]) == ("mine", job["organization_id"])
    assert "user_provided_suffix" not in job
    assert "metadata" not in job


def test_pause_and_resume_answer_the_dated_statuses(azure: TestClient, clock: ManualClock) -> None:
    """Running → pause answers `paused`; resume answers `resuming` (Azure's example) and reads show it `resuming`
    until it runs again; the v1 routes show the same job `queued` meanwhile."""
    job_id = _dated_job(_create(azure))["id"]
    path = f"/openai/fine_tuning/jobs/{job_id}"
    clock.advance(2.5)
    assert _dated_job(azure.get(path, params=VERSION, headers=HEADERS))["status"] == "running"
    assert _dated_job(azure.post(path + "/pause", params=VERSION, headers=HEADERS))["status"] == "paused"
    assert _dated_job(azure.post(path + "/resume", params=VERSION, headers=HEADERS))["status"] == "resuming"
    assert _dated_job(azure.get(path, params=VERSION, headers=HEADERS))["status"] == "resuming"
    assert azure.get(f"/v1/fine_tuning/jobs/{job_id}", headers=HEADERS).json()["status"] == "queued"
    clock.advance(1.5)
    assert _dated_job(azure.get(path, params=VERSION, headers=HEADERS))["status"] == "running"
    listed = azure.get("/openai/fine_tuning/jobs", params=VERSION, headers=HEADERS).json()
    assert schema_validator("ListPaginatedFineTuningJobsResponse", DATED).is_valid(listed)


@pytest.mark.parametrize(
    ("method", "suffix", "status", "code"),
    [
        ("GET", "/ftjob-nobody", 404, "notFound"),
        ("POST", "/{id}/resume", 400, "unexpectedEntityState"),
        ("POST", "/{id}/nowhere", 404, "404"),
    ],
)
def test_errors_are_azures_dated_envelope(azure: TestClient, method: str, suffix: str, status: int, code: str) -> None:
    """Refusals on the dated routes: `{"error": {"code", "message"[, "target"]}}`, `code` always a string."""
    job_id = _dated_job(_create(azure))["id"]
    answer = azure.request(
        method, "/openai/fine_tuning/jobs" + suffix.format(id=job_id), params=VERSION, headers=HEADERS
    )
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert schema_validator("ErrorResponse", DATED).is_valid(answer.json()), answer.text
    v1 = azure.request(method, "/v1/fine_tuning/jobs" + suffix.format(id=job_id), headers=HEADERS)
    assert "type" in v1.json()["error"]  # the v1 routes keep v1's envelope


def test_the_ga_version_has_no_pause_route(azure: TestClient) -> None:
    """Under 2024-10-21 pause and resume answer what Azure answers for a route it lacks; the job is unchanged."""
    job_id = _dated_job(_create(azure))["id"]
    ga = {"api-version": "2024-10-21"}
    for action in ("pause", "resume"):
        answer = azure.post(f"/openai/fine_tuning/jobs/{job_id}/{action}", params=ga, headers=HEADERS)
        assert (answer.status_code, answer.json()) == (404, {"error": {"code": "404", "message": "Resource not found"}})
    assert (
        _dated_job(azure.get(f"/openai/fine_tuning/jobs/{job_id}", params=ga, headers=HEADERS))["status"] == "pending"
    )


def test_a_suffix_over_forty_characters_is_refused_on_the_dated_routes_only(azure: TestClient) -> None:
    """The dated spec's prose allows 40 characters; v1 allows 64 (its schema)."""
    refused = _create(azure, suffix="s" * 41)
    assert (refused.status_code, refused.json()["error"]["target"]) == (400, "suffix")
    body = {"model": "gpt-4o-mini", "training_file": "file-abc", "suffix": "s" * 41}
    assert azure.post("/openai/v1/fine_tuning/jobs", headers=HEADERS, json=body).status_code == 200


def test_fields_of_v1_only_are_refused_on_the_dated_routes(azure: TestClient) -> None:
    """The dated create takes the dated request's fields (and `trainingType`); v1's `metadata` is refused."""
    refused = _create(azure, metadata={"team": "search"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalidPayload")


def test_a_warn_event_says_warning_on_the_dated_routes() -> None:
    """v1's level `warn` is the dated `warning`; other levels and events pass unchanged."""
    assert _dated.event({"level": "warn", "message": "m"}) == {"level": "warning", "message": "m"}
    assert _dated.event({"level": "info", "message": "m"}) == {"level": "info", "message": "m"}
