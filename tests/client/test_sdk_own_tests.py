"""What the openai SDK's own tests (`make sdk-tests`) found missing, held here on ftjobs' own transport: the
SDK's custom requests (`client.get/post(path, cast_to=…)`), its constructor keywords, headers replaced by name
whatever their case, pure maps read as dicts, numbers as floats, extra fields as attributes, and the transport's
own exception as an `APIConnectionError`'s cause."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import httpx
import pytest

import ftjobs
from tests.client.conftest import KEY, Recorder, example, job_response


def test_custom_requests_cast_as_asked() -> None:
    recorder = Recorder(
        httpx.Response(200, json={"deleted": True}),
        httpx.Response(200, json={"deleted": True}),
        httpx.Response(200, json=[1]),
        httpx.Response(200, text="plain words"),
    )
    client = recorder.client(max_retries=0)
    raw = client.delete("/fine_tuning/jobs/ftjob-1", cast_to=httpx.Response, options={"params": {"x": "1"}})
    assert raw.status_code == 200
    assert raw.json() == {"deleted": True}
    assert client.post("/fine_tuning/jobs/ftjob-1/x", cast_to=dict, body={"a": 1}) == {"deleted": True}
    with pytest.raises(ftjobs.APIResponseValidationError, match="JSON list, not dict"):
        client.get("/fine_tuning/jobs/ftjob-1", cast_to=dict)
    assert client.get("/fine_tuning/jobs/ftjob-1", cast_to=object) == "plain words"  # not JSON: its text
    first, second = recorder.requests[:2]
    assert (first.method, first.url.path, first.url.params["x"]) == ("DELETE", "/v1/fine_tuning/jobs/ftjob-1", "1")
    assert second.content == b'{"a":1}'
    assert first.headers["authorization"] == f"Bearer {KEY}"


def test_custom_requests_raise_typed_errors_and_take_max_retries() -> None:
    recorder = Recorder(httpx.Response(500, json={"error": {"message": "boom"}}), repeat_last=True)
    client = recorder.client(max_retries=3)
    with pytest.raises(ftjobs.InternalServerError, match="boom"):
        client.get("/fine_tuning/jobs/ftjob-1", cast_to=object, options={"max_retries": 0})
    assert len(recorder.requests) == 1


def test_async_custom_request() -> None:
    recorder = Recorder(httpx.Response(200, json={"ok": 1}))

    async def run() -> object:
        async with recorder.async_client() as client:
            return await client.post("/fine_tuning/jobs/ftjob-1/x", cast_to=object)

    assert asyncio.run(run()) == {"ok": 1}


def test_the_sdks_constructor_keywords() -> None:
    recorder = Recorder(job_response({**example("JobQueued"), "seed": "not an integer"}))
    client = recorder.client(admin_api_key="sk-admin-secret", _strict_response_validation=True)
    assert client.admin_api_key == "sk-admin-secret"
    assert client.strict is True
    assert "sk-admin-secret" not in repr(client)
    with pytest.raises(ftjobs.APIResponseValidationError):  # strict, as `_strict_response_validation` asked
        client.fine_tuning.jobs.retrieve("ftjob-abc123")
    assert "sk-admin-secret" not in str(recorder.requests[0].headers)  # kept, never sent
    assert client.copy(admin_api_key="sk-other").admin_api_key == "sk-other"


@pytest.mark.parametrize("name", ["AUTHORIZATION", "authorization", "Authorization"])
def test_extra_headers_replace_by_name_whatever_the_case(name: str) -> None:
    recorder = Recorder(job_response())
    client = recorder.client(default_headers={"authorization": "Bearer from-default"})
    client.fine_tuning.jobs.retrieve("ftjob-abc123", extra_headers={name: "Bearer from-call"})
    assert recorder.requests[0].headers.get_list("authorization") == ["Bearer from-call"]


def test_metadata_is_a_dict_metrics_are_floats_and_extra_fields_read() -> None:
    job: dict[str, Any] = {**example("JobQueued"), "metadata": {"team": "a"}, "usage_metrics": {"n": 1}}
    checkpoint = {
        "object": "fine_tuning.job.checkpoint",
        "id": "ftckpt_1",
        "created_at": 1,
        "fine_tuned_model_checkpoint": "ft:gpt-4o-mini:org::ckpt-1",
        "fine_tuning_job_id": job["id"],
        "step_number": 3,
        "metrics": {"step": 3, "train_loss": 1},
    }
    page = {"object": "list", "data": [checkpoint], "has_more": False}
    recorder = Recorder(job_response(job), httpx.Response(200, json=page))
    client = recorder.client()
    read = client.fine_tuning.jobs.retrieve(job["id"])
    metadata: object = read.metadata
    assert type(metadata) is dict
    assert read.metadata == {"team": "a"}
    assert read.model_dump()["metadata"] == {"team": "a"}
    assert read.usage_metrics == {"n": 1}  # a field no spec names, read as the SDK reads extra fields
    with pytest.raises(AttributeError):
        read.no_such_field  # noqa: B018
    metrics = next(iter(client.fine_tuning.jobs.checkpoints.list(job["id"]))).metrics
    assert (type(metrics.step), metrics.step, metrics.train_loss) == (float, 3.0, 1.0)


def test_a_transport_exception_is_the_connection_errors_cause() -> None:
    failure = ssl.SSLError("synthetic")
    recorder = Recorder(failure)
    client = recorder.client(max_retries=0)
    with pytest.raises(ftjobs.APIConnectionError) as raised:
        client.fine_tuning.jobs.retrieve("ftjob-abc123")
    assert raised.value.__cause__ is failure


def test_the_sdks_messages_for_misused_arguments() -> None:
    with pytest.raises(TypeError, match="Invalid `http_client` argument"):
        ftjobs.Client(api_key=KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    client = ftjobs.Client(api_key=KEY)
    with pytest.raises(ValueError, match="`default_headers` and `set_default_headers` arguments are mutually"):
        client.copy(default_headers={"a": "1"}, set_default_headers={"b": "2"})
