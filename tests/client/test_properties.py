"""Property tests from the fragment: what the client reads, raises and sends, for generated data."""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftjobs
from tests.client.conftest import BASE, KEY, Recorder
from tests.strategies import valid, validator

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def client_answering(
    response: httpx.Response, recorder: list[httpx.Request] | None = None, *, strict: bool = False
) -> ftjobs.Client:
    script = Recorder(response)
    if recorder is not None:
        script.requests = recorder
    return ftjobs.Client(
        api_key=KEY, base_url=BASE, max_retries=0, strict=strict, http_client=httpx.Client(transport=script.transport())
    )


@SETTINGS
@given(body=valid("FineTuningJob", whole_floats=True), strict=st.booleans())
def test_every_valid_job_reads_back_whole(body: dict[str, Any], strict: bool) -> None:
    """For every schema-valid job answer, the model's `to_dict()` equals the body, with no deviation."""
    response = httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    job = client_answering(response, strict=strict).fine_tuning.jobs.pause("ftjob-abc123")
    assert job.to_dict() == body
    assert ftjobs.deviations(job) == ()
    assert type(job.created_at) is int


@SETTINGS
@given(
    body=valid("ListFineTuningJobEventsResponse", whole_floats=True),
)
def test_every_valid_event_page_reads_back_whole(body: dict[str, Any]) -> None:
    """For every schema-valid events page, each event's `to_dict()` equals the body's item."""
    body["has_more"] = False
    response = httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    events = list(client_answering(response).fine_tuning.jobs.list_events("ftjob-abc123"))
    assert [event.to_dict() for event in events] == body["data"]


@SETTINGS
@given(
    body=valid("ErrorResponse"),
    status=st.sampled_from([400, 401, 403, 404, 409, 422, 429, 500, 503, 520]),
)
def test_every_error_envelope_reaches_the_typed_error(body: dict[str, Any], status: int) -> None:
    """For every schema-valid error body and status, the typed error carries the envelope's fields and the body."""
    response = httpx.Response(status, content=json.dumps(body).encode())
    with pytest.raises(ftjobs.APIStatusError) as raised:
        client_answering(response).fine_tuning.jobs.retrieve("ftjob-abc123")
    error, envelope = raised.value, body["error"]
    assert error.status_code == status
    assert error.message == envelope["message"]
    assert (error.type, error.param, error.code) == (envelope.get("type"), envelope.get("param"), envelope.get("code"))
    assert error.body == envelope  # the inner error object, as the SDK gives it


@SETTINGS
@given(request=valid("CreateFineTuningJobRequest", whole_floats=True, closed=True))
def test_every_create_request_sent_validates(request: dict[str, Any]) -> None:
    """Whatever valid arguments `create` gets, the request sent validates against the fragment, with auth."""
    sent: list[httpx.Request] = []
    job = {"object": "fine_tuning.job"}  # the answer does not matter here
    client = client_answering(httpx.Response(200, json=job), sent)
    with contextlib.suppress(ftjobs.APIResponseValidationError):
        client.fine_tuning.jobs.create(**request)
    (made,) = sent
    assert (made.method, made.url.path) == ("POST", "/v1/fine_tuning/jobs")
    assert made.headers["authorization"] == f"Bearer {KEY}"
    assert made.headers["content-type"] == "application/json"
    payload = json.loads(made.content)
    assert validator("CreateFineTuningJobRequest").is_valid(payload)
    assert payload == request


@SETTINGS
@given(job_id=st.text(min_size=1, max_size=60), action=st.sampled_from(["pause", "resume", "cancel"]))
def test_every_job_id_is_sent_as_one_segment(job_id: str, action: str) -> None:
    """Any non-empty id reaches the server as exactly the path segment that decodes back to it."""
    sent: list[httpx.Request] = []
    client = client_answering(httpx.Response(404, json={"error": {"message": "no"}}), sent)
    with contextlib.suppress(ftjobs.NotFoundError):
        getattr(client.fine_tuning.jobs, action)(job_id)
    (made,) = sent
    segments = made.url.raw_path.decode("ascii").split("/")
    assert segments[:4] == ["", "v1", "fine_tuning", "jobs"]
    assert len(segments) == 6
    assert (unquote(segments[4]), segments[5]) == (job_id, action)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
MISSING = object()


def places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (object keys and array indexes)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=valid("FineTuningJob"), data=st.data())
def test_any_damage_to_a_job_still_reads(body: dict[str, Any], data: st.DataObject) -> None:
    """Replace or delete any value at any depth of a valid job: the answer still reads, writes back, and says why."""
    path = data.draw(st.sampled_from(places(body)))
    replacement = data.draw(JSON_VALUES | st.just(MISSING))
    holder: Any = body
    for step in path[:-1]:
        holder = holder[step]
    if replacement is MISSING and isinstance(holder, dict):
        del holder[path[-1]]
    else:
        holder[path[-1]] = None if replacement is MISSING else replacement
    response = httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    job = client_answering(response).fine_tuning.jobs.pause("ftjob-abc123")
    written = job.to_dict()
    assert isinstance(written, dict)
    assert bool(ftjobs.deviations(job)) == (not validator("FineTuningJob").is_valid(body))
