"""What the openai SDK's own tests (`make sdk-tests`) found missing, held here on ftjobs' own transport: the
SDK's custom requests (`client.get/post(path, cast_to=…)`), its constructor keywords, headers replaced by name
whatever their case, pure maps read as dicts, numbers as floats, extra fields as attributes, and the transport's
own exception as an `APIConnectionError`'s cause."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import httpx
import pytest

import ftjobs
from tests.client.conftest import KEY, Recorder, example, job_response


def test_custom_requests_cast_as_asked() -> None:
    """`client.delete/post/get(path, cast_to=…)` send to the path under the base URL with the client's key, and answer
    as `cast_to` asks: the response, a dict (refused when the JSON is another shape), the text of a body that is not
    JSON."""
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
    """A custom request's error answer is the typed error; `options={"max_retries": 0}` sends it once."""
    recorder = Recorder(httpx.Response(500, json={"error": {"message": "boom"}}), repeat_last=True)
    client = recorder.client(max_retries=3)
    with pytest.raises(ftjobs.InternalServerError, match="boom"):
        client.get("/fine_tuning/jobs/ftjob-1", cast_to=object, options={"max_retries": 0})
    assert len(recorder.requests) == 1


def test_async_custom_request() -> None:
    """The async client's `post(path, cast_to=object)` answers the JSON."""
    recorder = Recorder(httpx.Response(200, json={"ok": 1}))

    async def run() -> object:
        async with recorder.async_client() as client:
            return await client.post("/fine_tuning/jobs/ftjob-1/x", cast_to=object)

    assert asyncio.run(run()) == {"ok": 1}


def test_the_sdks_constructor_keywords() -> None:
    """`admin_api_key` is kept (never sent, never in a repr) and copied; `_strict_response_validation=True` is
    `strict=True`."""
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
    """An `extra_headers` entry replaces the default header of that name in any case: one `Authorization` is sent."""
    recorder = Recorder(job_response())
    client = recorder.client(default_headers={"authorization": "Bearer from-default"})
    client.fine_tuning.jobs.retrieve("ftjob-abc123", extra_headers={name: "Bearer from-call"})
    assert recorder.requests[0].headers.get_list("authorization") == ["Bearer from-call"]


def test_metadata_is_a_dict_metrics_are_floats_and_extra_fields_read() -> None:
    """`job.metadata` is a plain dict (and dumps as one), a field no spec names reads as an attribute, an unknown one
    is an AttributeError, and checkpoint metrics sent as integers read as floats."""
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


def test_the_sdks_messages_for_misused_arguments() -> None:
    """The SDK's words for an `http_client` of the wrong kind and for `default_headers` with `set_default_headers`."""
    with pytest.raises(TypeError, match="Invalid `http_client` argument"):
        ftjobs.Client(api_key=KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    client = ftjobs.Client(api_key=KEY)
    with pytest.raises(ValueError, match="`default_headers` and `set_default_headers` arguments are mutually"):
        client.copy(default_headers={"a": "1"}, set_default_headers={"b": "2"})


def test_omitting_the_credential_header_sends_no_credentials() -> None:
    """`extra_headers={"AUTHORIZATION": Omit()}` sends the request with no Authorization at all (not the key)."""
    recorder = Recorder(job_response())
    client = recorder.client()
    client.fine_tuning.jobs.retrieve("ftjob-abc123", extra_headers={"AUTHORIZATION": ftjobs.Omit()})
    assert "authorization" not in recorder.requests[0].headers


def test_a_custom_request_may_refuse_redirects() -> None:
    """`options={"follow_redirects": False}` answers a redirect as an APIStatusError of its status instead of following
    it."""
    moved = httpx.Response(302, headers={"location": "https://api.test/v1/elsewhere"})
    recorder = Recorder(moved, httpx.Response(200, json={"followed": True}))
    client = recorder.client(max_retries=0)
    with pytest.raises(ftjobs.APIStatusError) as raised:
        client.post("/fine_tuning/jobs/x", cast_to=httpx.Response, options={"follow_redirects": False})
    assert raised.value.status_code == 302
    assert client.get("/fine_tuning/jobs/x", cast_to=object) == {"followed": True}  # by default: within the origin


def test_an_applications_own_os_error_is_raised_as_it_is_and_not_retried() -> None:
    """A bare OSError raised by the caller's own transport is the application's failure: raised as it is, sent once."""
    failure = OSError("local failure")
    recorder = Recorder(failure)
    client = recorder.client(max_retries=2)
    with pytest.raises(OSError, match="local failure") as raised:
        client.fine_tuning.jobs.retrieve("ftjob-abc123")
    assert raised.value is failure
    assert len(recorder.requests) == 1


def test_a_client_is_closed_after_its_with_block_even_without_a_request() -> None:
    """`is_closed()` is true after the `with` block, even when no request made a connection pool."""
    with ftjobs.Client(api_key=KEY) as client:
        assert not client.is_closed()
    assert client.is_closed()


def test_base_url_reads_as_the_sdks_url_with_its_trailing_slash() -> None:
    """`client.base_url` is an httpx.URL ending in `/`, as the SDK's, through the setter too, and paths join without a
    double slash."""
    recorder = Recorder(job_response(), repeat_last=True)
    client = recorder.client(base_url="https://api.test/v1")
    assert isinstance(client.base_url, httpx.URL)
    assert client.base_url == "https://api.test/v1/"
    client.base_url = "https://other.test/v1/"
    assert client.base_url == "https://other.test/v1/"
    client.fine_tuning.jobs.retrieve("ftjob-1")
    assert str(recorder.requests[0].url) == "https://other.test/v1/fine_tuning/jobs/ftjob-1"  # no double slash


def test_copy_takes_every_constructor_keyword() -> None:
    """`copy()` takes `azure_endpoint` (on the routes of the copy's version) and `strict`, refuses it beside
    `base_url`, and has every keyword the constructor has."""
    client = ftjobs.AzureOpenAI(
        api_key=KEY, azure_endpoint="https://one.openai.azure.com", api_version="2025-04-01-preview"
    )
    copied = client.copy(azure_endpoint="https://two.openai.azure.com", strict=True)
    assert copied.base_url == "https://two.openai.azure.com/openai/"  # the dated routes of the copy's version
    assert copied.strict is True
    assert client.base_url == "https://one.openai.azure.com/openai/"
    with pytest.raises(ValueError, match="mutually exclusive"):
        client.copy(base_url="https://x.test/v1", azure_endpoint="https://two.openai.azure.com")
    init = set(inspect.signature(ftjobs.OpenAI).parameters) - {"_strict_response_validation"}
    assert init <= set(inspect.signature(client.copy).parameters)
