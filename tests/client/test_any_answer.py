"""Whatever a server answers — any status, headers, encoding, charset, size or nesting — a client call gives a
model or an ftjobs error; the command line one line on stderr and exit 1; the contract suite's readers a finding
or a reason, never an exception of their own."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any
from unittest import mock

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import ftjobs
from ftjobs._cli import main
from ftjobs._spec import load_spec
from ftjobs.contract._common import CouldNotTest, PropertyResult
from ftjobs.contract._guard import Guard, GuardedTransport
from ftjobs.contract._session import Session, Stop
from tests.client.conftest import KEY, Raw
from tests.strategies import valid

HEADER_NAMES = [
    "content-type",
    "content-encoding",
    "retry-after",
    "retry-after-ms",
    "x-should-retry",
    "location",
    "x-request-id",
    "openai-poll-after-ms",
    "apim-request-id",
]
HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=latin-1",
            "text/html; charset=klingon",
            "gzip",
            "br",
            "deflate",
            "0",
            "-1",
            "1e308",
            "nan",
            "true",
            "false",
            "/v1/fine_tuning/jobs/ftjob-abc123",
            "https://elsewhere.test/v1",
            "http://[::1",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


BODIES = st.one_of(
    valid("FineTuningJob").map(_json),
    valid("ErrorResponse").map(_json),
    valid("ListPaginatedFineTuningJobsResponse").map(_json),
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"[" * 100_000,
            b'{"a":' * 50_000,
            b"[" * 900 + b"]" * 900,
            b"\xff\xfe\xfd",
            b"<html><head><title>502 Bad Gateway</title></head></html>",
            b'{"error": "a string"}',
            b'{"error": {"message": 5}}',
            b'{"object": "list", "data": [1, 2], "has_more": "yes"}',
            b"x" * 1_000_000,
            gzip.compress(b'{"id": "ftjob-abc123"}'),
        ]
    ),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=20,
    ).map(_json),
)
ANSWERS = st.tuples(
    st.integers(min_value=200, max_value=599),
    st.dictionaries(st.sampled_from(HEADER_NAMES), HEADER_VALUES, max_size=4),
    BODIES,
)


def _job_at(created_at: int) -> dict[str, Any]:
    job: dict[str, Any] = json.loads(json.dumps(load_spec()["components"]["examples"]["JobPaused"]["value"]))
    return job | {"created_at": created_at}


def _response(answer: tuple[int, dict[str, str], bytes]) -> httpx.Response:
    status, headers, body = answer
    return httpx.Response(status, headers=headers, stream=Raw(body))


SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@SETTINGS
@given(
    answers=st.lists(ANSWERS, min_size=1, max_size=3),
    operation=st.sampled_from(["retrieve", "pause", "resume", "cancel", "create", "list", "events", "checkpoints"]),
)
def test_any_answer_gives_a_model_or_an_ftjobs_error(
    answers: list[tuple[int, dict[str, str], bytes]], operation: str
) -> None:
    """Only a result or an ftjobs error comes out of a call, whatever the server sends (up to three answers)."""
    script = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        return _response(script.pop(0) if len(script) > 1 else script[0])

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        jobs = ftjobs.Client(api_key=KEY, base_url="https://api.test/v1", max_retries=2, http_client=http)
        calls: dict[str, Callable[[], Any]] = {
            "retrieve": lambda: jobs.fine_tuning.jobs.retrieve("ftjob-abc123"),
            "pause": lambda: jobs.fine_tuning.jobs.pause("ftjob-abc123"),
            "resume": lambda: jobs.fine_tuning.jobs.resume("ftjob-abc123"),
            "cancel": lambda: jobs.fine_tuning.jobs.cancel("ftjob-abc123"),
            "create": lambda: jobs.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc123"),
            "list": lambda: jobs.fine_tuning.jobs.list(limit=2).data,
            "events": lambda: jobs.fine_tuning.jobs.list_events("ftjob-abc123").data,
            "checkpoints": lambda: jobs.fine_tuning.jobs.checkpoints.list("ftjob-abc123").data,
        }
        try:
            result = calls[operation]()
        except ftjobs.FtjobsError:
            return
    for item in result if isinstance(result, list) else [result]:
        text = json.dumps(item.to_dict())  # raises on anything but JSON's values (a sentinel, a date, a model)
        assert json.dumps(json.loads(text)) == text


@example(answer=(200, {"content-encoding": "gzip"}, b"not gzip"))  # found by this test: the CLI's hook read it
@example(answer=(200, {}, _json(_job_at(-62135596801))))  # found by a longer run: dates out of range
@example(answer=(200, {}, _json(_job_at(67768036191676800))))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answer=ANSWERS)
def test_any_answer_gives_the_command_line_one_line(answer: tuple[int, dict[str, str], bytes]) -> None:
    """`ftjobs status`: exit 0 with the job, or exit 1 with exactly one line on stderr; never a traceback."""
    original = httpx.Client.__init__

    def with_transport(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        kwargs["transport"] = httpx.MockTransport(lambda request: _response(answer))
        original(self, *args, **kwargs)

    with mock.patch.object(httpx.Client, "__init__", with_transport):
        result = CliRunner().invoke(
            main, ["status", "ftjob-abc123", "--base-url", "https://api.test/v1", "--api-key", KEY]
        )
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answer=ANSWERS, reader=st.sampled_from(["job", "refusal", "events", "wait"]))
def test_any_answer_gives_the_contract_readers_a_finding(
    answer: tuple[int, dict[str, str], bytes], reader: str
) -> None:
    """The suite's readers, behind the guard every answer passes, turn any answer into a finding, `Stop` or
    `CouldNotTest`: nothing else escapes."""
    guard = Guard("/v1")
    wire = httpx.MockTransport(lambda request: _response(answer))
    with httpx.Client(transport=GuardedTransport(guard, wire, trusted=True)) as http:
        auth = {"authorization": f"Bearer {KEY}"}
        session = Session("https://api.test/v1", auth, auth, http, guard, 0.0, 0.0, float("inf"))
        result = PropertyResult("p", "says")
        try:
            if reader == "job":
                session.read(result, "ftjob-abc123")
            elif reader == "refusal":
                exchange = session.call("POST", "/fine_tuning/jobs/ftjob-abc123/pause")
                session.expect_refusal(result, exchange, frozenset({400, 409}), "why")
            elif reader == "events":
                session.statuses_in_events("ftjob-abc123", "paused")
            else:
                session.wait_for(result, "ftjob-abc123", frozenset({"paused"}))
        except (Stop, CouldNotTest):
            pass
        except Exception as escaped:
            pytest.fail(f"{type(escaped).__name__} escaped the reader: {escaped}")
        for finding in result.findings:
            finding.describe()
