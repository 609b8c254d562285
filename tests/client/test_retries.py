"""Retries: what is retried, how often, how long the server may make us wait."""

from __future__ import annotations

import email.utils
import ssl

import httpx
import pytest
import stamina
from stamina.instrumentation import RetryDetails, RetryHookFactory, set_on_retry_hooks

import ftjobs
from ftjobs._retry import retry_after
from tests.client.conftest import Recorder, error_response, job_response


@pytest.mark.parametrize(
    "first",
    [
        httpx.Response(408),
        httpx.Response(429),
        httpx.Response(500),
        httpx.Response(502),
        httpx.Response(503),
        httpx.Response(529),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("closed"),
        httpx.Response(400, headers={"x-should-retry": "true"}),
    ],
)
def test_transient_failures_are_retried(first: httpx.Response | Exception) -> None:
    """408, 429, 5xx, connection errors, timeouts and `x-should-retry: true` get another attempt."""
    recorder = Recorder(first, job_response())
    assert recorder.client().fine_tuning.jobs.retrieve("ftjob-abc123").status == "paused"
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    "answer",
    [
        error_response(400),
        error_response(401),
        error_response(403),
        error_response(404),
        error_response(422),
        httpx.Response(503, headers={"x-should-retry": "false"}),
    ],
)
def test_final_answers_are_not_retried(answer: httpx.Response) -> None:
    """4xx (but 408/409/429) and `x-should-retry: false` are answered at once."""
    recorder = Recorder(answer, job_response())
    with pytest.raises(ftjobs.APIStatusError):
        recorder.client().fine_tuning.jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == 1


def test_409_is_retried_on_reads_but_not_on_transitions() -> None:
    """409 is a lock conflict on a read (retried), a forbidden transition on pause (not retried)."""
    reads = Recorder(error_response(409), job_response())
    assert reads.client().fine_tuning.jobs.retrieve("ftjob-abc123").id == "ftjob-abc123"
    assert len(reads.requests) == 2
    pauses = Recorder(error_response(409, "not running"), job_response())
    with pytest.raises(ftjobs.ConflictError):
        pauses.client().fine_tuning.jobs.pause("ftjob-abc123")
    assert len(pauses.requests) == 1


@pytest.mark.parametrize(("max_retries", "attempts"), [(0, 1), (1, 2), (2, 3), (5, 6)])
def test_max_retries_bounds_attempts_then_raises_typed(max_retries: int, attempts: int) -> None:
    """After `max_retries` retries the last answer's typed error is raised (default 2 retries: 3 attempts)."""
    recorder = Recorder(error_response(503, "overloaded"), repeat_last=True)
    with pytest.raises(ftjobs.InternalServerError, match="overloaded"):
        recorder.client(max_retries=max_retries).fine_tuning.jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == attempts


def test_retries_exhausted_on_timeouts_raise_timeout_error() -> None:
    """Timeouts on every attempt end in APITimeoutError."""
    recorder = Recorder(httpx.ReadTimeout("slow"), repeat_last=True)
    with pytest.raises(ftjobs.APITimeoutError):
        recorder.client().fine_tuning.jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == 3


NOW = 1_760_000_000.0


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "0"}, 0.0),
        ({"retry-after-ms": "250", "retry-after": "30"}, 0.25),
        ({"retry-after-ms": "nonsense", "retry-after": "3"}, 3.0),
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "60"}, 60.0),
        ({"retry-after": "120"}, 120.0),
        ({"retry-after": "121"}, None),
        ({"retry-after": "-1"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": email.utils.formatdate(NOW + 10, usegmt=True)}, 10.0),
        ({"retry-after": email.utils.formatdate(NOW - 10, usegmt=True)}, None),
        ({"retry-after": email.utils.formatdate(NOW + 3600, usegmt=True)}, None),
        ({"retry-after": "Wed, 99 Foo 2026 nonsense"}, None),
        ({}, None),
    ],
)
def test_retry_after_table(headers: dict[str, str], wait: float | None) -> None:
    """`retry-after-ms`, then `retry-after` as seconds or an HTTP date, honoured from 0 to 120 s (the SDK's bound)."""
    assert retry_after(httpx.Headers(headers), now=NOW) == wait


@pytest.mark.parametrize(
    "headers", [{"retry-after": "121"}, {"retry-after-ms": "600000"}, {"retry-after": "1e999"}], ids=str
)
def test_a_wait_longer_than_two_minutes_is_not_retried(headers: dict[str, str]) -> None:
    """A 429 asking for more than 120 s is raised at once, as the SDK does: the caller decides, not a sleep."""
    recorder = Recorder(httpx.Response(429, headers=headers), job_response())
    with pytest.raises(ftjobs.RateLimitError):
        recorder.client().fine_tuning.jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == 1


def test_backoff_uses_the_servers_wait() -> None:
    """The scheduled wait before a retry is the server's `retry-after-ms`; without one, stamina's backoff."""
    scheduled: list[float] = []

    def record(details: RetryDetails) -> None:
        scheduled.append(details.wait_for)

    set_on_retry_hooks([RetryHookFactory(lambda: record)])
    try:
        with stamina.set_testing(False):
            recorder = Recorder(
                httpx.Response(429, headers={"retry-after-ms": "20"}), httpx.Response(503), job_response()
            )
            client = recorder.client()
            client.fine_tuning.jobs.retrieve("ftjob-abc123")
    finally:
        set_on_retry_hooks(None)
    assert scheduled[0] == pytest.approx(0.02)
    assert 1.0 <= scheduled[1] <= 1.25  # stamina: 0.5 s doubled for the second retry, plus jitter


@pytest.mark.parametrize(
    "failure", [ssl.SSLError(1, "handshake failed"), ConnectionResetError("reset"), EOFError("cut")], ids=repr
)
def test_a_transport_failing_outside_httpx_is_a_connection_error_and_retried(failure: Exception) -> None:
    """A transport that raises below httpx (`ssl.SSLError`, a reset, an EOF) is retried, then the call fails
    with `APIConnectionError` (the SDK's promise), never the raw exception, though it is the error's `__cause__`
    (as in the SDK); a retry that answers succeeds."""
    recorder = Recorder(failure, repeat_last=True)
    with pytest.raises(ftjobs.APIConnectionError, match=type(failure).__name__) as failed:
        recorder.client().fine_tuning.jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == 3
    assert failed.value.__cause__ is failure
    assert Recorder(failure, job_response()).client().fine_tuning.jobs.retrieve("ftjob-abc123").id


def test_a_bug_in_a_transport_is_not_disguised_as_a_connection_error() -> None:
    """A programming error raised by a transport (a TypeError) comes through as it is, unretried."""
    recorder = Recorder(TypeError("a bug"), repeat_last=True)
    with pytest.raises(TypeError, match="a bug"):
        recorder.client().fine_tuning.jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == 1
