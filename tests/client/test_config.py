"""Configuration: credentials from arguments or the environment, Azure, headers, timeouts, your own httpx client."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import ftjobs
from tests.client.conftest import BASE, KEY, Recorder, job_response


def sent_by(client: ftjobs.Client, recorder: Recorder) -> httpx.Request:
    client.fine_tuning.jobs.retrieve("ftjob-abc123")
    return recorder.requests[-1]


def test_openai_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`OPENAI_API_KEY` and `OPENAI_BASE_URL` configure a bearer client."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://proxy.test/v1/")
    recorder = Recorder(job_response())
    client = ftjobs.Client(http_client=httpx.Client(transport=recorder.transport()))
    request = sent_by(client, recorder)
    assert str(request.url) == "https://proxy.test/v1/fine_tuning/jobs/ftjob-abc123"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert "api-key" not in request.headers


def test_default_base_url_is_openai() -> None:
    """Without a base URL the client talks to OpenAI."""
    assert ftjobs.Client(api_key=KEY).base_url == "https://api.openai.com/v1/"


def test_azure_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`AZURE_OPENAI_API_KEY` + `AZURE_OPENAI_ENDPOINT` give `{endpoint}/openai/v1` and the `api-key` header."""
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/")
    recorder = Recorder(job_response())
    client = ftjobs.Client(api_version="preview", http_client=httpx.Client(transport=recorder.transport()))
    request = sent_by(client, recorder)
    assert (
        str(request.url) == "https://res.openai.azure.com/openai/v1/fine_tuning/jobs/ftjob-abc123?api-version=preview"
    )
    assert request.headers["api-key"] == KEY
    assert "authorization" not in request.headers


def test_openai_key_wins_over_azure_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """With both in the environment, `OPENAI_API_KEY` decides: OpenAI, bearer."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com")
    assert ftjobs.Client().base_url == "https://api.openai.com/v1/"


def test_azure_token_provider_is_asked_for_every_attempt() -> None:
    """An Entra ID token provider is called once per attempt, retries included, and sent as a bearer."""
    tokens = iter(["t1", "t2", "t3"])
    recorder = Recorder(httpx.Response(503), job_response())
    client = ftjobs.Client(
        azure_endpoint="https://res.openai.azure.com",
        azure_ad_token_provider=lambda: next(tokens),
        http_client=httpx.Client(transport=recorder.transport()),
    )
    client.fine_tuning.jobs.retrieve("ftjob-abc123")
    assert [r.headers["authorization"] for r in recorder.requests] == ["Bearer t1", "Bearer t2"]


async def _token() -> str:
    return "async-token"


def test_async_token_provider() -> None:
    """`AsyncClient` awaits an async token provider."""
    import asyncio

    recorder = Recorder(job_response())

    async def main() -> None:
        async with ftjobs.AsyncClient(
            azure_endpoint="https://res.openai.azure.com",
            azure_ad_token_provider=_token,
            http_client=httpx.AsyncClient(transport=recorder.transport()),
        ) as client:
            await client.fine_tuning.jobs.retrieve("ftjob-abc123")

    asyncio.run(main())
    assert recorder.requests[0].headers["authorization"] == "Bearer async-token"


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({}, ["OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"]),
        ({"azure_endpoint": "https://res.openai.azure.com"}, ["AZURE_OPENAI_API_KEY", "azure_ad_token_provider"]),
    ],
)
def test_missing_credentials_name_the_variables(kwargs: dict[str, Any], names: list[str]) -> None:
    """No credentials anywhere: a `MissingCredentialsError` that names where to put them."""
    with pytest.raises(ftjobs.MissingCredentialsError) as missing:
        ftjobs.Client(**kwargs)
    assert all(name in str(missing.value) for name in names)


def test_headers_user_agent_and_default_headers() -> None:
    """Every request carries `User-Agent: ftjobs/<version>`, JSON accept, and the default headers."""
    recorder = Recorder(job_response())
    client = ftjobs.Client(
        api_key=KEY,
        base_url=BASE,
        default_headers={"OpenAI-Organization": "org-1"},
        http_client=httpx.Client(transport=recorder.transport()),
    )
    request = sent_by(client, recorder)
    assert request.headers["user-agent"] == f"ftjobs/{ftjobs.__version__}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["openai-organization"] == "org-1"


def test_default_timeout_is_finite() -> None:
    """The client's own HTTP client has a finite timeout: 600 s to read, 5 s to connect."""
    client = ftjobs.Client(api_key=KEY)
    timeout = client._http.timeout
    assert (timeout.read, timeout.connect) == (600.0, 5.0)


def test_context_managers_close_own_clients_only() -> None:
    """`with` closes a client ftjobs made or a `DefaultHttpxClient` handed to it, and leaves a caller's own
    httpx client open."""
    with ftjobs.Client(api_key=KEY) as owned:
        inner = owned._http
    assert inner.is_closed
    mine = httpx.Client()
    with ftjobs.Client(api_key=KEY, http_client=mine):
        pass
    assert not mine.is_closed
    mine.close()
    handed = ftjobs.DefaultHttpxClient()  # made to be handed over, as the SDK's README shows: closed with it
    with ftjobs.Client(api_key=KEY, http_client=handed):
        pass
    assert handed.is_closed


def test_negative_max_retries_is_refused() -> None:
    """`max_retries` below zero is a configuration error."""
    with pytest.raises(ValueError, match="max_retries"):
        ftjobs.Client(api_key=KEY, max_retries=-1)


def test_requests_carry_the_http_clients_timeouts() -> None:
    """Each request carries the timeouts of the HTTP client that sends it."""
    seen: list[dict[str, float | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return job_response()

    http = httpx.Client(transport=httpx.MockTransport(answer), timeout=httpx.Timeout(7.0, connect=2.0))
    ftjobs.Client(api_key=KEY, base_url=BASE, http_client=http).fine_tuning.jobs.retrieve("ftjob-abc123")
    assert seen == [{"connect": 2.0, "read": 7.0, "write": 7.0, "pool": 7.0}]


def test_an_http_clients_own_base_url_and_cookies_are_respected() -> None:
    """A caller's httpx client with cookies still sends them (the request is built the way httpx builds it)."""
    recorder = Recorder(job_response())
    http = httpx.Client(transport=recorder.transport(), cookies={"session": "abc"}, headers={"x-team": "search"})
    ftjobs.Client(api_key=KEY, base_url=BASE, http_client=http).fine_tuning.jobs.retrieve("ftjob-abc123")
    sent = recorder.requests[0]
    assert sent.headers["cookie"] == "session=abc"
    assert sent.headers["x-team"] == "search"
    assert str(sent.url) == f"{BASE}/fine_tuning/jobs/ftjob-abc123"
