"""What Azure asks beyond OpenAI's API: the dated version without pause, and `trainingType` on creates."""

from __future__ import annotations

import httpx
import pytest

import ftjobs
from ftjobs._cli_common import one_line
from tests.client.conftest import KEY, Recorder, error_response, job_response


def azure(recorder: Recorder, api_version: str) -> ftjobs.AzureOpenAI:
    http = httpx.Client(transport=recorder.transport())
    return ftjobs.AzureOpenAI(azure_endpoint="https://res.test", api_key=KEY, api_version=api_version, http_client=http)


@pytest.mark.parametrize("action", ["pause", "resume"])
def test_a_dated_version_without_the_route_refuses_before_sending(action: str) -> None:
    """Azure's 2024-10-21 has no pause or resume route: the call says which version to use and sends nothing."""
    recorder = Recorder(job_response())
    jobs = azure(recorder, "2024-10-21").fine_tuning.jobs
    with pytest.raises(ftjobs.UnsupportedByVersionError, match="2025-04-01-preview") as refused:
        getattr(jobs, action)("ftjob-1")
    assert isinstance(refused.value, ftjobs.OpenAIError)
    assert recorder.requests == []


def test_the_version_with_pause_and_other_calls_are_sent() -> None:
    """2025-04-01-preview pauses; under 2024-10-21 the calls it has (retrieve, cancel) go out as usual."""
    recorder = Recorder(job_response(), repeat_last=True)
    azure(recorder, "2025-04-01-preview").fine_tuning.jobs.pause("ftjob-1")
    dated = azure(recorder, "2024-10-21").fine_tuning.jobs
    dated.retrieve("ftjob-1")
    dated.cancel("ftjob-1")
    assert [request.url.path for request in recorder.requests] == [
        "/openai/fine_tuning/jobs/ftjob-1/pause",
        "/openai/fine_tuning/jobs/ftjob-1",
        "/openai/fine_tuning/jobs/ftjob-1/cancel",
    ]


MISLEADING = "The base model does not support fine-tuning."


def test_a_refused_azure_create_without_training_type_says_what_to_send() -> None:
    """Azure's misleading refusal of a create that sent no `trainingType` carries a note naming it; the CLI's
    line shows the note."""
    recorder = Recorder(error_response(400, MISLEADING))
    with pytest.raises(ftjobs.BadRequestError) as refused:
        azure(recorder, "v1").fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-1")
    notes = getattr(refused.value, "__notes__", [])
    assert any('"trainingType": "Standard"' in note for note in notes)
    assert "trainingType" in one_line(refused.value, None)


@pytest.mark.parametrize("azure_endpoint", [True, False], ids=["azure-with-training-type", "openai"])
def test_no_training_type_note_where_it_cannot_be_the_reason(azure_endpoint: bool) -> None:
    """A create that sent `trainingType`, or one to OpenAI, is refused without that note."""
    recorder = Recorder(error_response(400, MISLEADING))
    jobs = azure(recorder, "v1").fine_tuning.jobs if azure_endpoint else recorder.client(max_retries=0).fine_tuning.jobs
    extra = {"trainingType": "Standard"} if azure_endpoint else None
    with pytest.raises(ftjobs.BadRequestError) as refused:
        jobs.create(model="gpt-4o-mini", training_file="file-1", extra_body=extra)
    assert not any("trainingType" in note for note in getattr(refused.value, "__notes__", []))


def test_an_azure_copy_takes_the_sdks_azure_keywords() -> None:
    """`copy(api_version=…)` moves between the dated routes and `/openai/v1`; `azure_ad_token` and
    `azure_ad_token_provider` replace the key (as the SDK's `AzureOpenAI.copy`); two credentials are refused."""
    recorder = Recorder(job_response(), repeat_last=True)
    client = azure(recorder, "v1")
    client.copy(api_version="2025-04-01-preview").fine_tuning.jobs.retrieve("ftjob-1")
    client.copy(api_version="2025-04-01-preview").copy(api_version="preview").fine_tuning.jobs.retrieve("ftjob-1")
    entra = KEY + "-entra"
    client.copy(azure_ad_token=entra).fine_tuning.jobs.retrieve("ftjob-1")
    client.copy(azure_ad_token_provider=lambda: "provided-token").fine_tuning.jobs.retrieve("ftjob-1")
    dated, back, token, provided = recorder.requests
    assert str(dated.url) == "https://res.test/openai/fine_tuning/jobs/ftjob-1?api-version=2025-04-01-preview"
    assert str(back.url) == "https://res.test/openai/v1/fine_tuning/jobs/ftjob-1?api-version=preview"
    assert (token.headers["authorization"], "api-key" in token.headers) == (f"Bearer {entra}", False)
    assert provided.headers["authorization"] == "Bearer provided-token"
    with pytest.raises(ValueError, match="only one of"):
        client.copy(api_key="k2", azure_ad_token=entra)
