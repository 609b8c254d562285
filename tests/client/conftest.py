"""Helpers for client tests: a scripted fake API over `httpx.MockTransport`, and fragment-made bodies."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import stamina

import ftjobs
from ftjobs._spec import load_spec
from tests.conftest import ENVIRONMENT

KEY = "sk-client-test-0123456789"
BASE = "https://api.test/v1"
Handler = Callable[[httpx.Request], httpx.Response]


def example(name: str) -> dict[str, Any]:
    """A copy of one of the fragment's job examples."""
    value: dict[str, Any] = json.loads(json.dumps(load_spec()["components"]["examples"][name]["value"]))
    return value


def job_response(job: dict[str, Any] | None = None, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=job if job is not None else example("JobPaused"), headers=headers)


def error_response(status: int, message: str = "nope", code: str | None = None, **headers: str) -> httpx.Response:
    envelope = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
    return httpx.Response(status, json=envelope, headers=headers)


class Raw(httpx.SyncByteStream):
    """A body sent as is: httpx decodes it (`content-encoding`) only when the client reads it."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def __iter__(self) -> Any:
        yield self.raw


class Recorder:
    """A MockTransport that answers from a script (one callable or response per request) and keeps every request.

    A request past the script's end fails the test (`ScriptExhausted`), unless `repeat_last` makes the last step
    the answer to every request after it (a server that always answers the same).
    """

    def __init__(self, *script: httpx.Response | Handler | Exception, repeat_last: bool = False) -> None:
        self.script = list(script)
        self.repeat_last = repeat_last
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        # A snapshot: the client re-sends one request object, whose headers auth rewrites per attempt.
        self.requests.append(
            httpx.Request(request.method, request.url, headers=request.headers.copy(), content=request.read())
        )
        if not self.script:
            raise ScriptExhausted(f"request {len(self.requests)} ({request.method} {request.url.path}) is unscripted")
        step = self.script[0] if self.repeat_last and len(self.script) == 1 else self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            # The raw bytes as scripted, not `.content`, which would decode a `content-encoding` here.
            raw = b"".join(step.stream) if isinstance(step.stream, httpx.ByteStream) else step.content
            return httpx.Response(step.status_code, headers=step.headers, content=raw)
        return step(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def client(self, **settings: Any) -> ftjobs.Client:
        """A client whose every request this recorder answers (the test key and base URL unless `settings` say)."""
        settings = {"api_key": KEY, "base_url": BASE, **settings}
        return ftjobs.Client(**settings, http_client=httpx.Client(transport=self.transport()))

    def async_client(self, **settings: Any) -> ftjobs.AsyncClient:
        """The async client over this recorder (see `client`)."""
        settings = {"api_key": KEY, "base_url": BASE, **settings}
        return ftjobs.AsyncClient(**settings, http_client=httpx.AsyncClient(transport=self.transport()))


class ScriptExhausted(AssertionError):
    """The client sent a request the test did not script: more requests than the test expects."""


@pytest.fixture(autouse=True)
def no_backoff_waits() -> Iterator[None]:
    """Retries happen, but without sleeping (stamina's test mode keeps each client's attempt count)."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials leak in from the machine running the tests."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
