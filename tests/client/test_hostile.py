"""Servers that misbehave the way real ones do: every failure typed, retries as promised (requests counted),
lost answers neither hidden nor doubled, credentials only where the user pointed them."""

from __future__ import annotations

import copy
import gzip
import time
from typing import Any

import httpx
import pytest

import ftjobs
from tests.client.conftest import KEY, Raw, Recorder, error_response, example, job_response


def calls(recorder: Recorder) -> list[str]:
    return [f"{request.method} {request.url.path.removeprefix('/v1')}" for request in recorder.requests]


# -- retries, counted at the client ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "requests"),
    [
        (httpx.Response(429, headers={"retry-after-ms": "0"}), 2),
        (httpx.Response(429, headers={"retry-after": "0"}), 2),
        (httpx.Response(503, headers={"retry-after": "0", "retry-after-ms": "0"}), 2),
        (httpx.Response(429, headers={"retry-after": "2"}), 2),
        (httpx.Response(429, headers={"retry-after": "3600"}), 1),  # longer than 120 s: not retried (the SDK's rule)
        (httpx.Response(429, headers={"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}), 2),  # a past date
        (httpx.Response(429, headers={"retry-after": "soon"}), 2),
        (httpx.Response(409), 2),  # retried on a read
        (httpx.Response(400, headers={"x-should-retry": "true"}), 2),
        (httpx.Response(503, headers={"x-should-retry": "false"}), 1),
        (httpx.Response(404), 1),
    ],
)
def test_each_documented_signal_gives_the_documented_attempts(first: httpx.Response, requests: int) -> None:
    """A wait of zero is an immediate retry, not a refusal to retry; each header and status behaves as README says."""
    recorder = Recorder(first, job_response())
    client = recorder.client()
    if requests == 1:
        with pytest.raises(ftjobs.APIStatusError):
            client.fine_tuning.jobs.retrieve("ftjob-abc123")
    else:
        assert client.fine_tuning.jobs.retrieve("ftjob-abc123").status == "paused"
    assert len(recorder.requests) == requests


def test_retries_stop_at_the_budget() -> None:
    """max_retries=2: three attempts, then the last answer's error."""
    recorder = Recorder(httpx.Response(429, headers={"retry-after-ms": "0"}), repeat_last=True)
    with pytest.raises(ftjobs.RateLimitError):
        recorder.client().fine_tuning.jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == 3


# -- bodies that cannot be read ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "body", "error"),
    [
        (200, {"content-encoding": "gzip"}, b"not gzip at all", ftjobs.APIResponseValidationError),
        (500, {"content-encoding": "gzip"}, b"not gzip at all", ftjobs.InternalServerError),
        (200, {"content-encoding": "br"}, b"\x00\x01\x02", ftjobs.APIResponseValidationError),
        (200, {"content-type": "application/json"}, b"[" * 100_000, ftjobs.APIResponseValidationError),
        (500, {"content-type": "application/json"}, b"[" * 100_000, ftjobs.InternalServerError),
        (400, {"content-type": "application/json"}, b'{"error": ' * 50_000, ftjobs.BadRequestError),
        (200, {"content-type": "application/json; charset=klingon"}, b"\xff\xfe{", ftjobs.APIResponseValidationError),
        (404, {"content-type": "text/html; charset=nope"}, b"<h1>\xff</h1>", ftjobs.NotFoundError),
    ],
)
def test_unreadable_bodies_are_typed(status: int, headers: dict[str, str], body: bytes, error: type[Exception]) -> None:
    """Bad compression, deep nesting, unknown charsets: the ftjobs error for the status, never httpx's or Python's."""
    recorder = Recorder(lambda request: httpx.Response(status, headers=headers, stream=Raw(body)))
    with pytest.raises(error):
        recorder.client(max_retries=0).fine_tuning.jobs.retrieve("ftjob-abc123")


def test_valid_gzip_is_read() -> None:
    """A body the server really compressed is decoded as usual."""
    compressed = gzip.compress(job_response().content)
    recorder = Recorder(httpx.Response(200, headers={"content-encoding": "gzip"}, content=compressed))
    assert recorder.client().fine_tuning.jobs.retrieve("ftjob-abc123").status == "paused"


# -- lost answers of pause, resume and cancel -----------------------------------------------------------


def running_job() -> dict[str, Any]:
    job = example("JobPaused")
    return job | {"status": "running"}


def test_refused_retry_whose_check_read_fails_raises_the_refusal_with_the_read_attached() -> None:
    """500, then 400, then a 503 on the one check read: the refusal is raised, the read's failure its cause."""
    recorder = Recorder(error_response(500), error_response(400, code="invalid_job_status"), error_response(503))
    with pytest.raises(ftjobs.BadRequestError) as raised:
        recorder.client().fine_tuning.jobs.pause("ftjob-abc123")
    assert calls(recorder) == [
        "POST /fine_tuning/jobs/ftjob-abc123/pause",
        "POST /fine_tuning/jobs/ftjob-abc123/pause",
        "GET /fine_tuning/jobs/ftjob-abc123",
    ]
    assert isinstance(raised.value.__cause__, ftjobs.InternalServerError)
    assert any("may have been paused" in note for note in raised.value.__notes__)


def test_refused_retry_whose_read_shows_the_target_returns_the_job() -> None:
    """500, then 400, then a read showing `paused`: the first attempt paused it; the job is returned."""
    recorder = Recorder(error_response(500), error_response(400), job_response())
    assert recorder.client().fine_tuning.jobs.pause("ftjob-abc123").status == "paused"
    assert len(recorder.requests) == 3


def test_refused_retry_whose_read_shows_another_status_raises_the_refusal() -> None:
    """500, then 400, then a read showing `running`: the pause did not happen; the refusal says so."""
    recorder = Recorder(error_response(500), error_response(400), job_response(running_job()))
    with pytest.raises(ftjobs.BadRequestError) as raised:
        recorder.client().fine_tuning.jobs.pause("ftjob-abc123")
    assert len(recorder.requests) == 3
    assert any("'running'" in note for note in raised.value.__notes__)


def test_no_check_read_beyond_the_budget() -> None:
    """500, 500, then 400 with max_retries=2: no attempt is left, so no read; the refusal says to check."""
    recorder = Recorder(error_response(500), error_response(500), error_response(400), job_response())
    with pytest.raises(ftjobs.BadRequestError) as raised:
        recorder.client().fine_tuning.jobs.pause("ftjob-abc123")
    assert len(recorder.requests) == 3
    assert any("No attempt was left" in note for note in raised.value.__notes__)


def test_a_refusal_after_an_unsent_attempt_is_not_second_guessed() -> None:
    """A connect error (never reached the server), then 400: the refusal stands, no read."""
    recorder = Recorder(httpx.ConnectError("refused"), error_response(400))
    with pytest.raises(ftjobs.BadRequestError):
        recorder.client().fine_tuning.jobs.pause("ftjob-abc123")
    assert len(recorder.requests) == 2


# -- create never doubles a job ------------------------------------------------------------------------------


def made_job(**fields: Any) -> dict[str, Any]:
    job = copy.deepcopy(example("JobPaused")) | {"status": "validating_files", "created_at": int(time.time())}
    return job | fields


def page(*jobs: dict[str, Any], has_more: bool = False) -> httpx.Response:
    return httpx.Response(200, json={"object": "list", "data": list(jobs), "has_more": has_more})


CREATE: dict[str, Any] = {"model": "gpt-4o-mini", "training_file": "file-abc123", "suffix": "mine", "seed": 7}


def create(recorder: Recorder, max_retries: int = 2) -> Any:
    return recorder.client(max_retries=max_retries).fine_tuning.jobs.create(**CREATE)


def test_lost_create_answer_returns_the_job_that_attempt_made() -> None:
    """A read timeout after the server made the job: the list finds it; no second create is sent."""
    mine = made_job(
        id="ftjob-mine",
        model="gpt-4o-mini-2024-07-18",
        training_file="file-abc123",
        seed=7,
        user_provided_suffix="mine",
    )
    other = made_job(id="ftjob-other", training_file="file-other")
    recorder = Recorder(httpx.ReadTimeout("lost"), page(other, mine))
    assert create(recorder).id == "ftjob-mine"
    assert calls(recorder) == ["POST /fine_tuning/jobs", "GET /fine_tuning/jobs"]


def test_lost_create_with_no_job_made_is_sent_again() -> None:
    """The list shows no job from that attempt: creating again is safe, and done."""
    old = made_job(id="ftjob-old", training_file="file-abc123", seed=7, created_at=int(time.time()) - 3600)
    recorder = Recorder(httpx.ReadTimeout("lost"), page(old), job_response(made_job(id="ftjob-new")))
    assert create(recorder).id == "ftjob-new"
    assert calls(recorder) == ["POST /fine_tuning/jobs", "GET /fine_tuning/jobs", "POST /fine_tuning/jobs"]


def test_lost_create_that_cannot_be_told_raises_outcome_unknown() -> None:
    """The list fails: the outcome is unknown, and said so; no second create."""
    recorder = Recorder(httpx.ReadTimeout("lost"), error_response(503))
    with pytest.raises(ftjobs.CreateOutcomeUnknownError) as raised:
        create(recorder)
    assert calls(recorder) == ["POST /fine_tuning/jobs", "GET /fine_tuning/jobs"]
    assert "file-abc123" in str(raised.value)
    assert "ftjobs list" in str(raised.value)


def test_lost_create_with_too_many_new_jobs_raises_outcome_unknown() -> None:
    """Every listed job is recent, none matches, and more exist: it cannot be told."""
    recent = [made_job(id=f"ftjob-{n}", training_file="file-x") for n in range(3)]
    recorder = Recorder(httpx.ReadTimeout("lost"), page(*recent, has_more=True))
    with pytest.raises(ftjobs.CreateOutcomeUnknownError):
        create(recorder)
    assert len(recorder.requests) == 2


def test_create_whose_last_attempt_is_lost_still_looks() -> None:
    """max_retries=0 and a 502: the one attempt may have made the job; the list finds it."""
    mine = made_job(id="ftjob-mine", training_file="file-abc123", seed=7)
    recorder = Recorder(error_response(502), page(mine))
    assert create(recorder, max_retries=0).id == "ftjob-mine"
    recorder = Recorder(httpx.ReadTimeout("lost"), page())
    with pytest.raises(ftjobs.APITimeoutError):
        create(recorder, max_retries=0)
    assert len(recorder.requests) == 2


def test_create_refused_before_reaching_the_server_is_simply_retried() -> None:
    """A connect error never reached the server: create again at once, no list."""
    recorder = Recorder(httpx.ConnectError("refused"), job_response(made_job(id="ftjob-new")))
    assert create(recorder).id == "ftjob-new"
    assert calls(recorder) == ["POST /fine_tuning/jobs", "POST /fine_tuning/jobs"]


def test_dropped_create_answer_on_the_reference_server_makes_one_job() -> None:
    """End to end: the reference server makes the job, its answer is dropped; the client returns that job."""
    from ftjobs.testing import JobStore, create_app

    store = JobStore()
    app_transport = httpx.ASGITransport(app=create_app(store, api_keys=[KEY]))

    class DropFirstCreateAnswer(httpx.AsyncBaseTransport):
        dropped = False

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await app_transport.handle_async_request(request)
            if request.method == "POST" and not self.dropped:
                self.dropped = True
                raise httpx.ReadTimeout("the answer was lost", request=request)
            return response

    import asyncio

    async def scenario() -> Any:
        async with ftjobs.AsyncClient(
            api_key=KEY,
            base_url="http://reference/v1",
            http_client=httpx.AsyncClient(transport=DropFirstCreateAnswer()),
        ) as client:
            return await client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc123")

    job = asyncio.run(scenario())
    assert len(store) == 1
    assert job.id == store.list_jobs()[0][0]["id"]


# -- credentials only where the user pointed them -------------------------------------------------------------

AZ = "https://res.openai.azure.com"
ROWS = [
    # (arguments, environment) -> (base URL, header that carries the key)
    ({"api_key": "k"}, {}, "https://api.openai.com/v1", "authorization"),
    ({}, {"OPENAI_API_KEY": "k"}, "https://api.openai.com/v1", "authorization"),
    ({"api_key": "k"}, {"AZURE_OPENAI_ENDPOINT": AZ}, AZ + "/openai/v1", "api-key"),
    ({}, {"AZURE_OPENAI_ENDPOINT": AZ, "AZURE_OPENAI_API_KEY": "k"}, AZ + "/openai/v1", "api-key"),
    (
        {"api_key": "k"},
        {"AZURE_OPENAI_ENDPOINT": AZ, "OPENAI_API_KEY": "o"},
        "https://api.openai.com/v1",
        "authorization",
    ),
    (
        {},
        {"AZURE_OPENAI_ENDPOINT": AZ, "OPENAI_API_KEY": "k", "AZURE_OPENAI_API_KEY": "a"},
        "https://api.openai.com/v1",
        "authorization",
    ),
    (
        {"api_key": "k"},
        {"AZURE_OPENAI_ENDPOINT": AZ, "OPENAI_BASE_URL": "https://gw.test/v1"},
        "https://gw.test/v1",
        "authorization",
    ),
    (
        {"api_key": "k", "base_url": "https://gw.test/v1"},
        {"AZURE_OPENAI_ENDPOINT": AZ},
        "https://gw.test/v1",
        "authorization",
    ),
    ({"api_key": "k", "azure_endpoint": AZ}, {"OPENAI_API_KEY": "o"}, AZ + "/openai/v1", "api-key"),
    ({"api_key": "k", "azure_endpoint": AZ, "base_url": AZ + "/openai/v1"}, {}, AZ + "/openai/v1", "api-key"),
    (
        {},
        {"AZURE_OPENAI_ENDPOINT": AZ, "AZURE_OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "https://gw.test/v1"},
        "https://gw.test/v1",
        None,
    ),  # OpenAI-style base URL named, but no OpenAI key: refused, not sent elsewhere
]


@pytest.mark.parametrize(("arguments", "environment", "url", "header"), ROWS)
def test_credentials_go_only_where_the_user_pointed_them(
    monkeypatch: pytest.MonkeyPatch,
    arguments: dict[str, str],
    environment: dict[str, str],
    url: str,
    header: str | None,
) -> None:
    """README's decision table, row by row: the host the user named wins; a key never goes to a host nobody named."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    recorder = Recorder(job_response())
    if header is None:
        with pytest.raises(ftjobs.MissingCredentialsError):
            ftjobs.Client(**arguments, http_client=httpx.Client(transport=recorder.transport()))  # type: ignore[arg-type]
        return
    client = ftjobs.Client(**arguments, http_client=httpx.Client(transport=recorder.transport()))  # type: ignore[arg-type]
    client.fine_tuning.jobs.retrieve("ftjob-abc123")
    (sent,) = recorder.requests
    assert str(sent.url).startswith(url + "/fine_tuning/jobs/")
    assert header in sent.headers
    assert {"authorization", "api-key"} - {header} <= {"authorization", "api-key"} - set(sent.headers)
