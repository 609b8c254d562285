"""The openai SDK's surface on ftjobs, checked on the wire: names, configuration, request options, raw answers,
copies of a client, serialisation and pages (tests/client/test_sdk_programs.py runs whole programs)."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import pytest

import ftjobs
from ftjobs_api.models import FineTuningJob as GeneratedJob
from tests.client.conftest import BASE, KEY, Recorder, error_response, example, job_response


def page(items: list[dict[str, Any]], has_more: bool) -> httpx.Response:
    return httpx.Response(200, json={"object": "list", "data": items, "has_more": has_more})


def test_the_sdk_names_are_one_implementation() -> None:
    """The SDK's class names (`OpenAI`, `types.fine_tuning…`) are ftjobs' own classes, not copies."""
    assert ftjobs.OpenAI is ftjobs.Client
    assert ftjobs.AsyncOpenAI is ftjobs.AsyncClient
    assert issubclass(ftjobs.AzureOpenAI, ftjobs.Client)
    assert issubclass(ftjobs.AsyncAzureOpenAI, ftjobs.AsyncClient)
    from ftjobs.types.fine_tuning import FineTuningJob
    from ftjobs.types.fine_tuning.jobs import FineTuningJobCheckpoint

    assert FineTuningJob is ftjobs.FineTuningJob
    assert issubclass(FineTuningJob, GeneratedJob)
    assert FineTuningJobCheckpoint is ftjobs.FineTuningJobCheckpoint


@pytest.mark.parametrize("by_keyword", [True, False])
def test_every_method_takes_the_sdk_parameter_name(by_keyword: bool) -> None:
    """Every job method takes `fine_tuning_job_id`, by keyword or by position, and sends it in the path."""
    recorder = Recorder(
        lambda r: page([], False) if r.url.path.endswith(("events", "checkpoints")) else job_response(),
        repeat_last=True,
    )
    jobs = recorder.client(max_retries=0).fine_tuning.jobs
    calls = [jobs.retrieve, jobs.pause, jobs.resume, jobs.cancel, jobs.list_events, jobs.checkpoints.list]
    for call in calls:
        if by_keyword:
            call(fine_tuning_job_id="ftjob-k")  # type: ignore[operator]
        else:
            call("ftjob-k")  # type: ignore[operator]
    paths = [request.url.path for request in recorder.requests]
    assert paths == [
        "/v1/fine_tuning/jobs/ftjob-k",
        "/v1/fine_tuning/jobs/ftjob-k/pause",
        "/v1/fine_tuning/jobs/ftjob-k/resume",
        "/v1/fine_tuning/jobs/ftjob-k/cancel",
        "/v1/fine_tuning/jobs/ftjob-k/events",
        "/v1/fine_tuning/jobs/ftjob-k/checkpoints",
    ]


def test_request_options_reach_the_wire() -> None:
    """`extra_headers`, `extra_query` and `extra_body` are sent, over the client defaults; the raw marker is not."""
    recorder = Recorder(job_response())
    client = recorder.client(max_retries=0, default_headers={"X-Default": "d"}, default_query={"tenant": "t1"})
    client.fine_tuning.jobs.pause(
        "ftjob-o",
        extra_headers={"X-Trace": "abc", "X-Default": "overridden"},
        extra_query={"route": "eu"},
        extra_body={"reason": "budget"},
        timeout=3.5,
    )
    sent = recorder.requests[0]
    assert sent.headers["x-trace"] == "abc"
    assert sent.headers["x-default"] == "overridden"
    assert dict(sent.url.params) == {"tenant": "t1", "route": "eu"}
    assert json.loads(sent.content) == {"reason": "budget"}
    assert "X-Ftjobs-Raw-Response" not in sent.headers


def test_a_per_call_timeout_applies_to_that_call_only() -> None:
    """`timeout=` on one call bounds that call; the next one has the client's again; `None` means none."""
    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return job_response()

    client = Recorder(answer, repeat_last=True).client(max_retries=0, timeout=20.0)
    client.fine_tuning.jobs.retrieve("ftjob-t", timeout=1.5)
    client.fine_tuning.jobs.retrieve("ftjob-t")
    client.fine_tuning.jobs.retrieve("ftjob-t", timeout=None)
    assert [entry["read"] for entry in seen] == [1.5, 20.0, None]


def test_create_merges_extra_body_and_keeps_it_for_the_lost_answer_lookup() -> None:
    """A create's `extra_body` fields go out in the body, beside the named ones."""
    recorder = Recorder(job_response(example("JobQueued")))
    recorder.client(max_retries=0).fine_tuning.jobs.create(model="m", training_file="file-1", extra_body={"seed": 9})
    assert json.loads(recorder.requests[0].content) == {"model": "m", "training_file": "file-1", "seed": 9}


def test_list_sends_the_metadata_filter_as_the_sdk_does() -> None:
    """`list(metadata={k: v})` sends `metadata[k]=v`, as the SDK does."""
    recorder = Recorder(page([], False))
    recorder.client(max_retries=0).fine_tuning.jobs.list(limit=5, metadata={"team": "search"})
    assert str(recorder.requests[0].url) == f"{BASE}/fine_tuning/jobs?limit=5&metadata%5Bteam%5D=search"


def test_organization_and_project_headers_from_arguments_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Organization and project come from `OPENAI_ORG_ID`/`OPENAI_PROJECT_ID`; an argument wins over them."""
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    recorder = Recorder(job_response(), repeat_last=True)
    recorder.client(max_retries=0).fine_tuning.jobs.retrieve("ftjob-1")
    recorder.client(max_retries=0, organization="org-arg").fine_tuning.jobs.retrieve("ftjob-1")
    first, second = recorder.requests
    assert (first.headers["openai-organization"], first.headers["openai-project"]) == ("org-env", "proj-env")
    assert (second.headers["openai-organization"], second.headers["openai-project"]) == ("org-arg", "proj-env")


def test_no_organization_header_when_none_is_configured() -> None:
    """With neither argument nor variable, no organization or project header is sent."""
    recorder = Recorder(job_response(), repeat_last=True)
    recorder.client(max_retries=0).fine_tuning.jobs.retrieve("ftjob-1")
    assert "openai-organization" not in recorder.requests[0].headers
    assert "openai-project" not in recorder.requests[0].headers


@pytest.mark.parametrize(
    ("api_version", "url"),
    [
        ("2024-10-21", "https://res.test/openai/fine_tuning/jobs/ftjob-1/cancel?api-version=2024-10-21"),
        (
            "2025-04-01-preview",
            "https://res.test/openai/fine_tuning/jobs/ftjob-1/cancel?api-version=2025-04-01-preview",
        ),
        ("preview", "https://res.test/openai/v1/fine_tuning/jobs/ftjob-1/cancel?api-version=preview"),
        ("v1", "https://res.test/openai/v1/fine_tuning/jobs/ftjob-1/cancel?api-version=v1"),
        (None, "https://res.test/openai/v1/fine_tuning/jobs/ftjob-1/cancel"),
    ],
)
def test_azure_api_version_chooses_the_routes(api_version: str | None, url: str) -> None:
    """A dated `api_version` talks to Azure's dated routes, `v1`/`preview`/none to `/openai/v1`; the key goes as
    `api-key`."""
    recorder = Recorder(job_response())
    http = httpx.Client(transport=recorder.transport())
    with ftjobs.AzureOpenAI(
        azure_endpoint="https://res.test/", api_key=KEY, api_version=api_version, http_client=http
    ) as client:
        client.fine_tuning.jobs.cancel("ftjob-1")
    http.close()
    sent = recorder.requests[0]
    assert str(sent.url) == url
    assert sent.headers["api-key"] == KEY
    assert "authorization" not in sent.headers


def test_azure_reads_the_sdk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`AzureOpenAI()` reads the endpoint, an Entra ID token and the version from the SDK's variables."""
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://env.test")
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "entra-token")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    recorder = Recorder(job_response())
    http = httpx.Client(transport=recorder.transport())
    ftjobs.AzureOpenAI(http_client=http).fine_tuning.jobs.retrieve("ftjob-1")
    http.close()
    sent = recorder.requests[0]
    assert str(sent.url) == "https://env.test/openai/fine_tuning/jobs/ftjob-1?api-version=2024-10-21"
    assert sent.headers["authorization"] == "Bearer entra-token"


def test_azure_refuses_two_credentials_and_a_missing_endpoint() -> None:
    """Two credentials, no endpoint, or both `base_url` and `azure_endpoint` are refused before any request."""
    with pytest.raises(ValueError, match="only one of"):
        ftjobs.AzureOpenAI(azure_endpoint="https://res.test", api_key=KEY, azure_ad_token=KEY)
    with pytest.raises(ftjobs.MissingCredentialsError, match="endpoint"):
        ftjobs.AzureOpenAI(api_key=KEY, api_version="2024-10-21")
    with pytest.raises(ValueError, match="mutually exclusive"):
        ftjobs.AzureOpenAI(azure_endpoint="https://res.test", base_url="https://res.test/openai/v1", api_key=KEY)


def test_with_options_shares_the_pool_and_leaves_it_to_its_owner() -> None:
    """A copy shares its origin's pool and settings but for the changed ones; closing it closes nothing."""
    recorder = Recorder(job_response(), repeat_last=True)
    client = ftjobs.OpenAI(api_key=KEY, base_url=BASE, max_retries=2)
    client._http_client = httpx.Client(transport=recorder.transport())  # the owned pool, made testable
    copy = client.with_options(max_retries=0, timeout=9.0, default_headers={"X-Copy": "1"})
    assert copy._http is client._http
    assert (copy.max_retries, client.max_retries) == (0, 2)
    assert (copy.timeout, client.timeout) == (httpx.Timeout(9.0), httpx.Timeout(600.0, connect=5.0))
    assert client.with_options(timeout=None).timeout is None  # no timeout at all, as the SDK says it
    copy.fine_tuning.jobs.retrieve("ftjob-1")
    client.fine_tuning.jobs.retrieve("ftjob-1")
    assert [r.headers.get("x-copy") for r in recorder.requests] == ["1", None]
    copy.close()
    assert not client._http.is_closed  # closing a copy closes nothing
    client.close()
    assert client._http.is_closed


def test_with_options_replaces_the_key_in_the_same_scheme() -> None:
    """A copy's new key is sent in the header the old one used (`api-key` on Azure) and never shown."""
    recorder = Recorder(job_response())
    http = httpx.Client(transport=recorder.transport())
    azure = ftjobs.AzureOpenAI(azure_endpoint="https://res.test", api_key=KEY, http_client=http)
    azure.with_options(api_key="second-key").fine_tuning.jobs.retrieve("ftjob-1")
    http.close()
    assert recorder.requests[0].headers["api-key"] == "second-key"
    assert "second-key" not in repr(azure.with_options(api_key="second-key"))


def test_raw_responses_for_every_method() -> None:
    """Every method's raw twin answers the `APIResponse` (status, headers, request id) and parses once."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith(("events", "checkpoints", "/jobs")):
            return page([], False)
        return httpx.Response(200, json=example("JobPaused"), headers={"x-request-id": "req_raw"})

    raw = Recorder(answer, repeat_last=True).client(max_retries=0).fine_tuning.jobs.with_raw_response
    answers: list[ftjobs.APIResponse[Any]] = [
        raw.create(model="m", training_file="f"),
        raw.retrieve("ftjob-1"),
        raw.pause("ftjob-1"),
        raw.resume("ftjob-1"),
        raw.cancel("ftjob-1"),
        raw.list(),
        raw.list_events("ftjob-1"),
        raw.checkpoints.list("ftjob-1"),
    ]
    for answer_ in answers:
        assert isinstance(answer_, ftjobs.APIResponse)
        assert answer_.status_code == 200 == answer_.http_response.status_code
        assert answer_.headers["content-type"] == "application/json"
    paused = raw.pause("ftjob-1")
    assert paused.request_id == "req_raw"
    job = paused.parse()
    assert isinstance(job, ftjobs.FineTuningJob)
    assert job.status == "paused"
    assert paused.parse() is job  # read once
    assert isinstance(answers[5].parse(), ftjobs.SyncPage)


def test_raw_responses_still_raise_refusals() -> None:
    """A raw call to a refused request raises the typed error with its body, like the plain call."""
    raw = Recorder(error_response(404, "no such job")).client(max_retries=0).fine_tuning.jobs.with_raw_response
    with pytest.raises(ftjobs.NotFoundError) as refused:
        raw.pause("ftjob-gone")
    assert refused.value.body == {
        "message": "no such job",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def test_async_surface_raw_options_and_pages() -> None:
    """Async: an awaited list is a page with its cursor, the next page is fetched by it, raw calls take options."""
    second = dict(example("JobQueued"), id="ftjob-second")
    script = Recorder(
        page([example("JobPaused")], True),
        page([second], False),
        job_response(),
    )

    async def run() -> list[Any]:
        http = httpx.AsyncClient(transport=script.transport())
        async with ftjobs.AsyncOpenAI(api_key=KEY, base_url=BASE, http_client=http, max_retries=0) as client:
            first = await client.fine_tuning.jobs.list(limit=1)
            following = await first.get_next_page()
            raw = await client.fine_tuning.jobs.with_raw_response.pause(fine_tuning_job_id="ftjob-a", timeout=2)
            result = [first.next_page_info(), following.has_next_page(), raw.status_code, raw.parse().status]
        await http.aclose()
        return result

    info, more, status, paused = asyncio.run(run())
    assert info is not None
    assert dict(info.params) == {"after": example("JobPaused")["id"]}
    assert (more, status, paused) == (False, 200, "paused")
    assert script.requests[1].url.params["after"] == example("JobPaused")["id"]


def test_get_next_page_past_the_last_raises_as_the_sdk_does() -> None:
    """`get_next_page()` on the last page raises the SDK's `RuntimeError`."""
    last = Recorder(page([example("JobPaused")], False)).client(max_retries=0).fine_tuning.jobs.list()
    assert not last.has_next_page()
    with pytest.raises(RuntimeError, match="has_next_page"):
        last.get_next_page()


def test_a_callable_api_key_is_asked_on_every_attempt() -> None:
    """A callable `api_key` is asked for each attempt (a retry sends the new key); Azure refuses one."""
    keys = iter(["first-key", "second-key"])
    recorder = Recorder(error_response(503), job_response())
    http = httpx.Client(transport=recorder.transport())
    client = ftjobs.OpenAI(api_key=lambda: next(keys), base_url=BASE, http_client=http, max_retries=1)
    client.fine_tuning.jobs.retrieve("ftjob-1")
    http.close()
    assert [r.headers["authorization"] for r in recorder.requests] == ["Bearer first-key", "Bearer second-key"]
    with pytest.raises(TypeError, match="azure_ad_token_provider"):
        ftjobs.AzureOpenAI(azure_endpoint="https://res.test", api_key=lambda: KEY)


def test_raw_responses_from_fine_tuning_too() -> None:
    """`client.fine_tuning.with_raw_response.jobs…` answers the raw response too."""
    answer = Recorder(job_response()).client(max_retries=0).fine_tuning.with_raw_response.jobs.pause("ftjob-1")
    assert (answer.status_code, answer.parse().status) == (200, "paused")


@pytest.mark.parametrize("where", ["default_headers", "extra_headers"])
def test_an_authorization_header_given_wins_over_the_key(where: str) -> None:
    """An `Authorization` set through `default_headers` or `extra_headers` is sent instead of the api key, as the
    SDK does (gateways take their own token that way); without one, the key goes as usual."""
    recorder = Recorder(job_response(), repeat_last=True)
    given = {"Authorization": "Bearer gateway-token"}
    if where == "default_headers":
        recorder.client(default_headers=given).fine_tuning.jobs.retrieve("ftjob-1")
    else:
        recorder.client().fine_tuning.jobs.retrieve("ftjob-1", extra_headers=given)
    recorder.client().fine_tuning.jobs.retrieve("ftjob-1")
    assert [r.headers["authorization"] for r in recorder.requests] == ["Bearer gateway-token", f"Bearer {KEY}"]


def test_the_sdks_client_attributes() -> None:
    """`api_key`, `default_headers` and `is_closed()` read as the SDK's do (the key never in a repr)."""
    client = Recorder(job_response()).client(default_headers={"X-Team": "search"})
    assert client.api_key == KEY
    assert client.default_headers["X-Team"] == "search"
    assert not client.is_closed()
    client.fine_tuning.jobs.retrieve("ftjob-1")
    client.close()  # the recorder's pool belongs to the caller: closing the client leaves it open
    assert client.is_closed()  # as the SDK's: close() ran
    assert client._http_client is not None
    assert not client._http_client.is_closed
    owned = ftjobs.OpenAI(api_key=KEY, base_url=BASE)
    owned.fine_tuning  # noqa: B018 -- the pool is made on the first request, not here
    assert not owned.is_closed()
    owned._http_client = httpx.Client(transport=Recorder(job_response()).transport())
    owned.close()
    assert owned.is_closed()
    assert KEY not in repr(owned)


@pytest.mark.parametrize(
    ("value", "error"),
    [(None, TypeError), (2.5, TypeError), ("2", TypeError), (float("nan"), TypeError), (-1, ValueError)],
    ids=repr,
)
def test_max_retries_must_be_a_whole_number(value: object, error: type[Exception]) -> None:
    """`max_retries` of None, a float or a string is a TypeError and a negative one a ValueError, in the
    constructor and in `with_options`, as in the SDK."""
    with pytest.raises(error, match="max_retries"):
        ftjobs.OpenAI(api_key=KEY, max_retries=value)  # type: ignore[arg-type]
    with pytest.raises(error, match="max_retries"):
        ftjobs.OpenAI(api_key=KEY).with_options(max_retries=value)  # type: ignore[arg-type]


def test_an_http_client_of_the_other_kind_is_refused() -> None:
    """An `httpx.AsyncClient` given to the sync client (or the reverse) is a TypeError at construction."""
    with pytest.raises(TypeError, match=re.escape("httpx.Client")):
        ftjobs.OpenAI(api_key=KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=re.escape("httpx.AsyncClient")):
        ftjobs.AsyncOpenAI(api_key=KEY, http_client=httpx.Client())  # type: ignore[arg-type]


def test_raw_responses_from_the_client_itself() -> None:
    """`client.with_raw_response.fine_tuning.jobs…` answers raw responses too (as Portkey's SDK calls it)."""
    raw = Recorder(job_response()).client().with_raw_response.fine_tuning.jobs.pause("ftjob-1")
    assert (raw.status_code, raw.parse().status) == (200, "paused")


def test_the_empty_id_message_is_the_sdks() -> None:
    """An empty job id raises the SDK's ValueError message, word for word, before any request."""
    recorder = Recorder(job_response())
    with pytest.raises(
        ValueError, match=re.escape("Expected a non-empty value for `fine_tuning_job_id` but received ''")
    ):
        recorder.client().fine_tuning.jobs.pause("")
    assert recorder.requests == []


def test_raw_responses_count_retries_and_are_closed() -> None:
    """A raw answer says how many retries the call took (`retries_taken`) and that its connection is released."""
    recorder = Recorder(httpx.Response(503), httpx.Response(503), job_response())
    raw = recorder.client().fine_tuning.jobs.with_raw_response.retrieve("ftjob-1")
    assert (raw.retries_taken, raw.is_closed, len(recorder.requests)) == (2, True, 3)
    first = Recorder(job_response()).client().fine_tuning.jobs.with_raw_response.retrieve("ftjob-1")
    assert first.retries_taken == 0


def test_json_under_another_content_type_is_read_but_refused_when_strict(caplog: pytest.LogCaptureFixture) -> None:
    """A job sent as JSON under `text/plain` is read with a warning, as the SDK reads it; strict mode refuses it."""
    answer = httpx.Response(
        200, content=json.dumps(example("JobPaused")).encode(), headers={"content-type": "text/plain"}
    )
    job = Recorder(answer).client().fine_tuning.jobs.retrieve("ftjob-1")
    assert job.status == "paused"
    assert "JSON sent as text/plain" in caplog.text
    with pytest.raises(ftjobs.APIResponseValidationError, match="text/plain"):
        Recorder(answer).client(strict=True).fine_tuning.jobs.retrieve("ftjob-1")


def test_streaming_responses_as_the_sdk_reads_them() -> None:
    """`with_streaming_response` (on the client, `fine_tuning`, `jobs`, `checkpoints`): the request is made on
    entering; inside, headers, `parse()`, `read()`, `json()` and the iterators give the answer as sent."""
    body = json.dumps(example("JobPaused")).encode()
    recorder = Recorder(
        httpx.Response(200, content=body, headers={"content-type": "application/json"}), repeat_last=True
    )
    client = recorder.client()
    streamed = client.fine_tuning.jobs.with_streaming_response.pause("ftjob-1")
    assert recorder.requests == []  # nothing before the block
    with streamed as response:
        assert (response.status_code, response.headers["content-type"]) == (200, "application/json")
        assert response.parse().status == "paused"
        assert b"".join(response.iter_bytes(7)) == response.read() == body
        assert response.json() == json.loads(body)
        assert "".join(response.iter_text(5)) == response.text()
    assert len(recorder.requests) == 1
    with client.with_streaming_response.fine_tuning.jobs.retrieve("ftjob-1") as again:
        assert again.parse().id == example("JobPaused")["id"]
    assert recorder.requests[-1].url.path.endswith("/ftjob-1")


def test_async_streaming_responses() -> None:
    """The async client's streamed answers: `async with`, awaited `parse()`/`read()`, `async for` over bytes."""
    body = json.dumps(example("JobPaused")).encode()
    recorder = Recorder(
        httpx.Response(200, content=body, headers={"content-type": "application/json"}), repeat_last=True
    )

    async def main() -> tuple[str, bytes, bytes]:
        client = recorder.async_client()
        async with client, client.fine_tuning.jobs.with_streaming_response.pause("ftjob-1") as response:
            chunks = [chunk async for chunk in response.iter_bytes(9)]
            return str((await response.parse()).status), b"".join(chunks), await response.read()

    status, joined, read = asyncio.run(main())
    assert (status, joined, read) == ("paused", body, body)


def test_omit_removes_a_header_for_one_call() -> None:
    """`extra_headers={name: Omit()}` leaves that header out of the one call (the SDK's `Omit`), the next one
    sends it again."""
    recorder = Recorder(job_response(), repeat_last=True)
    client = recorder.client(organization="org-1", default_headers={"X-Team": "search"})
    client.fine_tuning.jobs.retrieve(
        "ftjob-1", extra_headers={"OpenAI-Organization": ftjobs.Omit(), "X-Team": ftjobs.omit}
    )
    client.fine_tuning.jobs.retrieve("ftjob-1")
    first, second = recorder.requests
    assert ("openai-organization" in first.headers, "x-team" in first.headers) == (False, False)
    assert (second.headers["openai-organization"], second.headers["x-team"]) == ("org-1", "search")


def test_base_url_can_be_set() -> None:
    """`client.base_url = …` points the client elsewhere (as the SDK allows); a copy made before keeps its own."""
    recorder = Recorder(job_response(), repeat_last=True)
    client = recorder.client()
    before = client.copy()
    client.base_url = "https://other.test/v1/"
    client.fine_tuning.jobs.retrieve("ftjob-1")
    before.fine_tuning.jobs.retrieve("ftjob-1")
    assert [str(r.url) for r in recorder.requests] == [
        "https://other.test/v1/fine_tuning/jobs/ftjob-1",
        f"{BASE}/fine_tuning/jobs/ftjob-1",
    ]


def test_nested_objects_read_dump_and_print_by_the_wire_names() -> None:
    """`job.method.type`, `job.integrations[0].type`: the generated `type_`, by the API's name; each nested
    object dumps and prints as the SDK's, and is still the generated class (composition, not a copy)."""
    from ftjobs_api.models import FineTuningJobIntegration

    body = example("JobPaused") | {
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}},
        "integrations": [{"type": "wandb", "wandb": {"project": "pause-study"}}],
    }
    # At run time: type checkers see the generated classes (`type_`), as README says.
    job: Any = Recorder(job_response(body)).client().fine_tuning.jobs.retrieve("ftjob-abc123")
    integration = job.integrations[0]
    assert (job.method.type, integration.type, integration.wandb.project) == ("supervised", "wandb", "pause-study")
    assert isinstance(job.integrations[0], FineTuningJobIntegration)
    assert integration.model_dump(exclude_none=True) == {"type": "wandb", "wandb": {"project": "pause-study"}}
    assert job.method.supervised.hyperparameters.to_dict()["n_epochs"] == 2
    assert re.fullmatch(
        r"FineTuningJobIntegration\(type='wandb', wandb=\w+\(project='pause-study'.*\)\)", repr(integration)
    )
    assert "type_" not in repr(job)
