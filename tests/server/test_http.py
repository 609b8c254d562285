"""The reference server's HTTP behaviour: auth, both base URLs, validation, errors, pagination, failures."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from ftjobs.testing import JobStore, ManualClock, Timings, create_app, live_server
from tests.server.conftest import KEY, response_errors

TIMINGS = Timings(validating_files=1.0, queued=1.0, running=10.0)
JOB_ROUTES = [
    ("GET", "", "retrieveFineTuningJob"),
    ("POST", "/pause", "pauseFineTuningJob"),
    ("POST", "/resume", "resumeFineTuningJob"),
    ("POST", "/cancel", "cancelFineTuningJob"),
    ("GET", "/events", "listFineTuningEvents"),
    ("GET", "/checkpoints", "listFineTuningJobCheckpoints"),
]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store(clock: ManualClock) -> JobStore:
    return JobStore(clock=clock, timings=TIMINGS, failing_training_files={"file-bad": "Invalid file format."})


@pytest.fixture
def http(store: JobStore) -> Iterator[TestClient]:
    with TestClient(create_app(store, api_keys=[KEY]), base_url="http://reference/v1") as client:
        client.headers["Authorization"] = f"Bearer {KEY}"
        yield client


def create(http: TestClient, **extra: Any) -> dict[str, Any]:
    response = http.post("/fine_tuning/jobs", json={"model": "gpt-4o-mini", "training_file": "file-abc", **extra})
    assert response.status_code == 200, response.text
    assert response_errors("createFineTuningJob", response) == []
    job: dict[str, Any] = response.json()
    return job


def test_azure_base_url_and_api_key_header(store: JobStore) -> None:
    """The same server answers under `/openai/v1` with the `api-key` header."""
    with TestClient(create_app(store, api_keys=[KEY]), base_url="http://reference/openai/v1") as azure:
        response = azure.post(
            "/fine_tuning/jobs?api-version=v1",
            headers={"api-key": KEY},
            json={"model": "gpt-4o-mini", "training_file": "file-abc"},
        )
        assert response.status_code == 200
        assert azure.get(f"/fine_tuning/jobs/{response.json()['id']}", headers={"api-key": KEY}).status_code == 200


@pytest.mark.parametrize("action", ["pause", "resume"])
def test_the_dated_ga_version_has_no_pause_route(store: JobStore, action: str) -> None:
    """Under 2024-10-21 (whose spec has no pause or resume) the dated routes answer 404, as for a route that does
    not exist, and the job does not change; 2025-04-01-preview pauses it."""
    job = store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})
    with TestClient(create_app(store, api_keys=[KEY]), base_url="http://reference/openai") as http:
        path = f"/fine_tuning/jobs/{job['id']}/{action}"
        refused = http.post(path + "?api-version=2024-10-21", headers={"api-key": KEY})
        assert (refused.status_code, refused.json()["error"]["message"]) == (404, "Resource not found")
        assert store.retrieve(job["id"])["status"] == job["status"]
        cancelled = http.post(f"/fine_tuning/jobs/{job['id']}/cancel?api-version=2024-10-21", headers={"api-key": KEY})
        assert cancelled.status_code == 200


def test_azure_routes_take_training_type_and_openais_refuse_it(store: JobStore) -> None:
    """`trainingType` (Azure's deployment type, which Azure asks for) is taken under `/openai`; under `/v1` it
    is an unrecognised argument, as OpenAI answers."""
    body = {"model": "gpt-4o-mini", "training_file": "file-abc", "trainingType": "Standard"}
    with TestClient(create_app(store, api_keys=[KEY]), base_url="http://reference") as http:
        azure = http.post("/openai/v1/fine_tuning/jobs", headers={"api-key": KEY}, json=body)
        assert azure.status_code == 200
        assert response_errors("createFineTuningJob", azure) == []
        openai = http.post("/v1/fine_tuning/jobs", headers={"authorization": f"Bearer {KEY}"}, json=body)
        assert (openai.status_code, openai.json()["error"]["param"]) == (400, "trainingType")


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/openai/fine_tuning/jobs?api-version=2024-10-21", 200, None),
        ("/openai/fine_tuning/jobs?api-version=2025-04-01-preview", 200, None),
        ("/openai/fine_tuning/jobs", 400, "missing_api_version"),
        ("/openai/fine_tuning/jobs?api-version=v1", 400, "unsupported_api_version"),
        ("/openai/fine_tuning/jobs?api-version=2024-13", 400, "unsupported_api_version"),
        ("/openai/v1/fine_tuning/jobs?api-version=2024-10-21", 400, None),
        ("/openai/v1/fine_tuning/jobs", 200, None),
    ],
)
def test_azure_dated_routes_require_a_dated_api_version(
    store: JobStore, path: str, status: int, code: str | None
) -> None:
    """Azure's dated data plane (`/openai/...`) requires a dated `api-version`; the v1 API takes none or v1/preview."""
    with TestClient(create_app(store, api_keys=[KEY]), base_url="http://reference") as azure:
        response = azure.get(path, headers={"api-key": KEY})
    assert response.status_code == status, response.text
    if status != 200 and path.startswith("/openai/fine_tuning"):  # Azure's dated envelope: `target`, `code` always
        assert response.json()["error"]["target"] == "api-version"
        assert response.json()["error"]["code"] == "invalidPayload"
        opening = {"missing_api_version": "Missing required", "unsupported_api_version": "Unsupported api-version"}
        assert response.json()["error"]["message"].startswith(opening[str(code)])
    elif status != 200:
        assert response.json()["error"]["param"] == "api-version"
        assert response.json()["error"]["code"] == code


def test_the_dated_routes_share_the_store(store: JobStore) -> None:
    """A job created on the dated routes is the same job under `/v1` and `/openai/v1`; unknown ids answer 404."""
    with TestClient(create_app(store, api_keys=[KEY]), base_url="http://reference") as azure:
        made = azure.post(
            "/openai/fine_tuning/jobs?api-version=2024-10-21",
            headers={"api-key": KEY},
            json={"model": "gpt-4o-mini", "training_file": "file-abc"},
        ).json()
        for prefix in ("/v1", "/openai/v1"):
            shown = azure.get(f"{prefix}/fine_tuning/jobs/{made['id']}", headers={"api-key": KEY}).json()
            assert (shown["id"], shown["status"], made["status"]) == (made["id"], "validating_files", "pending")
            assert shown["created_at"] == made["created_at"]
        missing = azure.get("/openai/fine_tuning/jobs/ftjob-x%2Fy?api-version=2024-10-21", headers={"api-key": KEY})
        assert missing.status_code == 404
        assert missing.json()["error"] == {
            "code": "notFound",
            "message": "Fine-tuning job 'ftjob-x/y' not found.",
            "target": "fine_tuning_job_id",
        }


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "missing_api_key"),
        ({"Authorization": "Bearer wrong"}, "invalid_api_key"),
        ({"Authorization": f"Basic {KEY}"}, "missing_api_key"),
        ({"Authorization": "Bearer "}, "missing_api_key"),
        ({"api-key": "wrong"}, "invalid_api_key"),
        ({"api-key": KEY[:-1]}, "invalid_api_key"),
    ],
)
def test_bad_credentials_answer_401_envelope(store: JobStore, headers: dict[str, str], code: str) -> None:
    """Missing, wrong or malformed credentials answer 401 with the envelope, on every operation."""
    with TestClient(create_app(store, api_keys=[KEY]), base_url="http://reference/v1") as anonymous:
        for method, suffix, operation in [
            ("GET", "", "listPaginatedFineTuningJobs"),
            ("POST", "", "createFineTuningJob"),
        ]:
            response = anonymous.request(method, "/fine_tuning/jobs" + suffix, headers=headers, json={})
            assert response.status_code == 401
            assert response.json()["error"]["code"] == code
            assert response_errors(operation, response) == []
        for method, suffix, operation in JOB_ROUTES:
            response = anonymous.request(method, "/fine_tuning/jobs/ftjob-any" + suffix, headers=headers)
            assert response.status_code == 401
            assert response_errors(operation, response) == []
        assert KEY not in response.text


@pytest.mark.parametrize(("method", "suffix", "operation"), JOB_ROUTES)
@pytest.mark.parametrize(
    "job_id", ["ftjob-unknown", "x" * 300, "%E2%9C%93", "a%20b", "..", "%3F", "%23", "a%2Fb", "%2F%2E%2E%2F"]
)
def test_unknown_ids_answer_404_envelope(
    http: TestClient, method: str, suffix: str, operation: str, job_id: str
) -> None:
    """An unknown, absurdly long or oddly encoded id (an encoded `/` too) answers the same 404 job envelope."""
    response = http.request(method, f"/fine_tuning/jobs/{job_id}{suffix}")
    assert response.status_code == 404
    assert response.json()["error"]["message"]
    if job_id != "..":
        assert response.json()["error"]["code"] == "fine_tune_not_found"
    if job_id != "..":  # `..` is normalised away by the client: the request names another path
        assert response_errors(operation, response) == []


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b"{not json", "application/json", "not valid JSON"),
        (b"", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "not of type"),
        (b'"text"', "application/json", "not of type"),
        (b'{"model": "m", "training_file": "f", "seed": NaN}', "application/json", "not valid JSON"),
        (b'{"model": 5, "training_file": "f"}', "application/json", "not of type"),
        (b'{"training_file": "f"}', "application/json", "required"),
        (b'{"model": "m", "training_file": "f", "bogus": 1}', "application/json", "Unrecognized request argument"),
        (b'{"model": "m", "training_file": "f", "seed": 1.5}', "application/json", "'/seed'"),
        (b'{"model": "m", "training_file": "f", "suffix": ""}', "application/json", "/suffix"),
        (b'{"model": "m", "training_file": "f", "method": {"type": "magic"}}', "application/json", "/method"),
        (b"model=m", "application/x-www-form-urlencoded", "Content-Type"),
        (b"\xff\xfe", "application/json", "not valid JSON"),
        (b"[" * 100_000, "application/json", "not valid JSON"),
        (b'{"model": "' + b"m" * (1 << 20) + b'", "training_file": "f"}', "application/json", "exceeds"),
    ],
)
def test_bad_create_bodies_answer_400_envelope(http: TestClient, body: bytes, content_type: str, fragment: str) -> None:
    """Malformed JSON, wrong types, unknown or missing fields, other media types, huge bodies: 400, never 500."""
    response = http.post("/fine_tuning/jobs", content=body, headers={"content-type": content_type})
    assert response.status_code == 400
    assert fragment in response.json()["error"]["message"]
    assert response_errors("createFineTuningJob", response) == []


def test_more_integrations_than_a_job_shows_answer_400(http: TestClient) -> None:
    """A create with more integrations than a job may show is refused with the envelope; the most is accepted."""
    wandb = {"type": "wandb", "wandb": {"project": "p"}}
    body = {"model": "gpt-4o-mini", "training_file": "file-abc", "integrations": [wandb] * 6}
    refused = http.post("/fine_tuning/jobs", json=body)
    assert (refused.status_code, refused.json()["error"]["param"]) == (400, "integrations")
    assert response_errors("createFineTuningJob", refused) == []
    accepted = http.post("/fine_tuning/jobs", json=body | {"integrations": [wandb] * 5})
    assert accepted.status_code == 200
    assert response_errors("createFineTuningJob", accepted) == []


def test_integral_floats_are_integers(http: TestClient) -> None:
    """`5.0` where the fragment says integer is accepted, and answered as `5`."""
    job = create(http, seed=5.0, method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2.0}}})
    assert json.dumps(job["seed"]) == "5"
    assert json.dumps(job["hyperparameters"]["n_epochs"]) == "2"
    assert http.get("/fine_tuning/jobs?limit=1.0").status_code == 200


@pytest.mark.parametrize("query", ["limit=0", "limit=-1", "limit=abc", "limit=1.5", "limit=inf", "api-version=v2"])
def test_bad_query_parameters_answer_400(http: TestClient, query: str) -> None:
    """Out-of-range or malformed query parameters answer 400 with the envelope."""
    response = http.get(f"/fine_tuning/jobs?{query}")
    assert response.status_code == 400
    assert response_errors("listPaginatedFineTuningJobs", response) == []


def test_unknown_path_and_method(http: TestClient) -> None:
    """An unknown path answers 404 and a wrong method 405, both in the envelope."""
    assert http.get("/fine_tuning/nothing").json()["error"]["message"] == "Unknown path."
    response = http.delete("/fine_tuning/jobs")
    assert response.status_code == 405
    assert "error" in response.json()
    assert "GET" in response.headers["allow"]


def test_list_paginates_newest_first(http: TestClient) -> None:
    """`after`/`limit` walk every job exactly once, newest first; an unknown cursor gives an empty page."""
    created = [create(http)["id"] for _ in range(5)]
    seen: list[str] = []
    after: str | None = None
    while True:
        params = {"limit": "2", **({"after": after} if after else {})}
        page = http.get("/fine_tuning/jobs", params=params).json()
        seen += [job["id"] for job in page["data"]]
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    assert seen == list(reversed(created))
    assert http.get("/fine_tuning/jobs", params={"after": "ftjob-gone"}).json() == {
        "object": "list",
        "data": [],
        "has_more": False,
    }


def test_job_lifecycle_evolves_believably(http: TestClient, clock: ManualClock) -> None:
    """Estimated finish while running, checkpoints an epoch, tokens and model at the end; a pause stops time."""
    job_id = create(http)["id"]
    clock.advance(2.0)
    running = http.get(f"/fine_tuning/jobs/{job_id}").json()
    assert running["status"] == "running"
    assert running["estimated_finish"] == int(clock.now() + 10)
    assert running["hyperparameters"]["n_epochs"] == 3
    clock.advance(4.0)
    assert len(http.get(f"/fine_tuning/jobs/{job_id}/checkpoints").json()["data"]) == 1
    assert http.post(f"/fine_tuning/jobs/{job_id}/pause").json()["estimated_finish"] is None
    clock.advance(1000.0)
    assert http.get(f"/fine_tuning/jobs/{job_id}").json()["status"] == "paused"
    assert http.post(f"/fine_tuning/jobs/{job_id}/resume").json()["status"] == "queued"
    clock.advance(1.0 + 6.0)
    done = http.get(f"/fine_tuning/jobs/{job_id}")
    assert response_errors("retrieveFineTuningJob", done) == []
    assert done.json()["status"] == "succeeded"
    assert done.json()["trained_tokens"] > 0
    assert done.json()["fine_tuned_model"].startswith("ft:gpt-4o-mini:")
    checkpoints = http.get(f"/fine_tuning/jobs/{job_id}/checkpoints")
    assert response_errors("listFineTuningJobCheckpoints", checkpoints) == []
    assert [c["step_number"] for c in checkpoints.json()["data"]] == [30, 20, 10]
    events = http.get(f"/fine_tuning/jobs/{job_id}/events", params={"limit": "100"})
    assert response_errors("listFineTuningEvents", events) == []
    statuses = [e["data"]["status"] for e in reversed(events.json()["data"]) if "status" in e["data"]]
    assert statuses == ["validating_files", "queued", "running", "paused", "queued", "running", "succeeded"]


def test_failing_training_file_and_forced_failure(http: TestClient, store: JobStore, clock: ManualClock) -> None:
    """A job on a failing training file fails after validation with its error; `store.fail` fails any job."""
    bad = create(http, training_file="file-bad")["id"]
    clock.advance(1.0)
    failed = http.get(f"/fine_tuning/jobs/{bad}").json()
    assert failed["status"] == "failed"
    assert failed["error"] == {
        "code": "invalid_training_file",
        "message": "Invalid file format.",
        "param": "training_file",
    }
    other = create(http)["id"]
    store.fail(other, code="quota", message="Out of quota.")
    response = http.post(f"/fine_tuning/jobs/{other}/cancel")
    assert response.status_code == 400
    assert "failed" in response.json()["error"]["message"]


def test_concurrent_transitions_keep_one_story() -> None:
    """Threads pausing, resuming and cancelling one job over loopback leave a legal status and a log that agrees."""
    store = JobStore(timings=Timings(validating_files=0.0, queued=0.0, running=3600.0))
    with live_server(store) as server:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        job_id = httpx.post(
            f"{server.base_url}/fine_tuning/jobs", json={"model": "m", "training_file": "f"}, headers=headers
        ).json()["id"]
        outcomes: list[tuple[str, int, str | None]] = []
        lock = threading.Lock()

        def hammer(operation: str) -> None:
            with httpx.Client(base_url=server.base_url, headers=headers) as client:
                for _ in range(15):
                    response = client.post(f"/fine_tuning/jobs/{job_id}/{operation}")
                    status = response.json().get("status") if response.status_code == 200 else None
                    with lock:
                        outcomes.append((operation, response.status_code, status))

        threads = [
            threading.Thread(target=hammer, args=(op,)) for op in ["pause", "resume", "pause", "resume", "cancel"]
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        final = store.retrieve(job_id)["status"]
        events, _ = store.list_events(job_id, limit=10_000)
    assert final == "cancelled"
    assert {code for _, code, _ in outcomes} <= {200, 400}
    told = [e["data"]["status"] for e in reversed(events) if "status" in e["data"]]
    assert told[:3] == ["validating_files", "queued", "running"]
    # Each successful call wrote exactly one status event, and the log's order is one the state machine allows.
    answered = {"pause": "paused", "resume": "queued", "cancel": "cancelled"}
    for operation, target in answered.items():
        succeeded = sum(1 for op, code, _ in outcomes if op == operation and code == 200)
        assert told[3:].count(target) == succeeded, operation
    assert all(status == answered[op] for op, code, status in outcomes if code == 200)
    legal_next = {
        "running": {"paused", "cancelled"},
        "paused": {"queued", "cancelled"},
        "queued": {"running", "cancelled"},
    }
    for before, after in itertools.pairwise(told[2:]):
        assert after in legal_next[before], (before, after)


def test_list_filters_by_metadata_as_openai_documents_it(http: TestClient) -> None:
    """`metadata[k]=v` keeps the jobs holding every pair (an empty value included), `metadata=null` those
    without metadata; a cursor goes on from its job though the filter leaves it out; the two forms together, or
    `metadata=` anything but null, are a 400 in the envelope."""
    search = create(http, metadata={"team": "search", "run": "a"})["id"]
    ranking = create(http, metadata={"team": "ranking", "run": ""})["id"]
    bare = create(http)["id"]
    search_b = create(http, metadata={"team": "search", "run": "b"})["id"]

    def ids(query: str) -> list[str]:
        response = http.get(f"/fine_tuning/jobs?{query}")
        assert response.status_code == 200, response.text
        assert response_errors("listPaginatedFineTuningJobs", response) == []
        return [job["id"] for job in response.json()["data"]]

    assert ids("metadata[team]=search") == [search_b, search]
    assert ids("metadata[team]=search&metadata[run]=a") == [search]
    assert ids("metadata[run]=") == [ranking]
    assert ids("metadata=null") == [bare]
    assert ids("") == [search_b, bare, ranking, search]
    assert ids(f"metadata[team]=search&after={bare}") == [search]  # `bare` is not kept, yet a cursor
    page = http.get("/fine_tuning/jobs?metadata[team]=search&limit=1").json()
    assert (page["has_more"], [job["id"] for job in page["data"]]) == (True, [search_b])
    for query in ("metadata=null&metadata[team]=search", "metadata=everything"):
        refused = http.get(f"/fine_tuning/jobs?{query}")
        assert refused.status_code == 400
        assert refused.json()["error"]["param"] == "metadata"
