"""Hygiene: ids, secrets in reprs, errors and logs, and redirects that would carry a key away."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

import ftjobs
from tests.client.conftest import BASE, KEY, Recorder, error_response, example, job_response


@pytest.mark.parametrize("call", ["retrieve", "pause", "resume", "cancel", "list_events"])
def test_empty_id_fails_before_any_io(call: str) -> None:
    """An empty job id raises ValueError and sends nothing."""
    recorder = Recorder(job_response())
    client = recorder.client()
    with pytest.raises(ValueError, match="non-empty"):
        getattr(client.fine_tuning.jobs, call)("")
    with pytest.raises(ValueError, match="non-empty"):
        client.fine_tuning.jobs.checkpoints.list("")
    assert recorder.requests == []


@pytest.mark.parametrize("job_id", ["a/b", "../x", "..", ".", "a?b=c", "a#frag", "a b", "tâche-✓", "%2F", "a;b"])
def test_odd_ids_stay_one_path_segment(job_id: str) -> None:
    """Slashes, dots, `?`, `#`, spaces, `%` and non-ASCII never change the request's path."""
    recorder = Recorder(job_response())
    recorder.client().fine_tuning.jobs.pause(job_id)
    raw = recorder.requests[0].url.raw_path.decode("ascii")
    prefix, _, rest = raw.partition("/v1/fine_tuning/jobs/")
    assert prefix == ""
    segment, _, action = rest.partition("/")
    assert (unquote(segment), action) == (job_id, "pause")
    assert recorder.requests[0].url.query == b""


def test_non_string_id_is_a_type_error() -> None:
    """A job id that is not a string raises TypeError before any I/O."""
    recorder = Recorder(job_response())
    with pytest.raises(TypeError):
        recorder.client().fine_tuning.jobs.pause(123)  # type: ignore[arg-type]
    assert recorder.requests == []


def test_key_never_in_repr_str_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    """The key appears in no repr, no error text and no log line, even at DEBUG."""
    caplog.set_level(logging.DEBUG, logger="ftjobs")
    recorder = Recorder(error_response(401, "Incorrect API key provided: sk-cli*****789."))
    client = recorder.client()
    with pytest.raises(ftjobs.AuthenticationError) as failed:
        client.fine_tuning.jobs.pause("ftjob-abc123")
    texts = [repr(client), str(client), repr(client._settings.auth), str(failed.value), repr(failed.value)]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records  # the request was logged
    assert all(KEY not in text for text in texts)
    assert "<redacted>" in " ".join(texts)


def test_debug_log_never_holds_a_body(caplog: pytest.LogCaptureFixture) -> None:
    """At DEBUG each exchange is logged with its status and size, never its body: a server may echo a secret."""
    caplog.set_level(logging.DEBUG, logger="ftjobs")
    echoed = "sk-echoed-by-the-server-4711"
    recorder = Recorder(job_response(example("JobPaused") | {"suffix_note": echoed}))
    recorder.client().fine_tuning.jobs.pause("ftjob-abc123")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "POST https://api.test/v1/fine_tuning/jobs/ftjob-abc123/pause -> 200" in logged
    assert echoed not in logged


@pytest.mark.parametrize("header", ["authorization", "api-key"])
def test_redirect_to_another_origin_is_not_followed(header: str) -> None:
    """A redirect to another origin is refused: nothing (no key, bearer or api-key) goes there."""
    recorder = Recorder(httpx.Response(307, headers={"location": "https://evil.test/steal"}))
    kwargs: dict[str, Any] = {"azure_endpoint": "https://res.test"} if header == "api-key" else {"base_url": BASE}
    client = ftjobs.Client(api_key=KEY, http_client=httpx.Client(transport=recorder.transport()), **kwargs)
    with pytest.raises(ftjobs.APIStatusError, match="not followed") as refused:
        client.fine_tuning.jobs.pause("ftjob-abc123")
    assert refused.value.status_code == 307
    assert [r.url.host for r in recorder.requests] == [recorder.requests[0].url.host]
    assert recorder.requests[0].headers[header]


def test_redirect_within_the_origin_is_followed() -> None:
    """A same-origin redirect is followed, with the credentials."""
    recorder = Recorder(
        httpx.Response(308, headers={"location": f"{BASE}/fine_tuning/jobs/ftjob-abc123/pause"}), job_response()
    )
    job = recorder.client().fine_tuning.jobs.pause("ftjob-abc")
    assert job.status == "paused"
    assert [r.headers["authorization"] for r in recorder.requests] == [f"Bearer {KEY}"] * 2
