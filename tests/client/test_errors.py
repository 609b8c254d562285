"""Every non-2xx answer, whatever its body, becomes the right typed error with what the answer said."""

from __future__ import annotations

import httpx
import pytest

import ftjobs
from tests.client.conftest import Recorder


def fail_with(response: httpx.Response) -> ftjobs.APIStatusError:
    recorder = Recorder(response)
    client = recorder.client(max_retries=0)
    with pytest.raises(ftjobs.APIStatusError) as raised:
        client.fine_tuning.jobs.pause("ftjob-abc123")
    return raised.value


ENVELOPE = {"error": {"message": "Job is queued.", "type": "invalid_request_error", "param": "id", "code": "bad"}}


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ftjobs.BadRequestError),
        (401, ftjobs.AuthenticationError),
        (403, ftjobs.PermissionDeniedError),
        (404, ftjobs.NotFoundError),
        (409, ftjobs.ConflictError),
        (422, ftjobs.UnprocessableEntityError),
        (429, ftjobs.RateLimitError),
        (500, ftjobs.InternalServerError),
        (503, ftjobs.InternalServerError),
        (520, ftjobs.InternalServerError),
        (529, ftjobs.InternalServerError),
        (418, ftjobs.APIStatusError),
    ],
)
def test_status_maps_to_error_class(status: int, kind: type[ftjobs.APIStatusError]) -> None:
    """Each status gets its openai-named class (statuses outside the IANA list included)."""
    error = fail_with(httpx.Response(status, json=ENVELOPE, headers={"x-request-id": "req_1"}))
    assert type(error) is kind
    assert isinstance(error, ftjobs.APIError)
    assert (error.status_code, error.request_id) == (status, "req_1")
    assert (error.message, error.type, error.param, error.code) == (
        "Job is queued.",
        "invalid_request_error",
        "id",
        "bad",
    )
    assert error.body == ENVELOPE["error"]  # the inner error object, as the SDK gives it


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (
            httpx.Response(
                502, text="<html><title>502 Bad Gateway</title></html>", headers={"content-type": "text/html"}
            ),
            "HTTP 502 Bad Gateway: 502 Bad Gateway",
        ),
        (httpx.Response(502, text="<html><body>sk-echoed</body></html>"), "HTTP 502 Bad Gateway"),
        (httpx.Response(500), "HTTP 500 Internal Server Error"),
        (httpx.Response(400, content=b'{"error": {"mess'), "HTTP 400 Bad Request"),
        (httpx.Response(400, json=[1, 2, 3]), "HTTP 400 Bad Request"),
        (httpx.Response(400, json={"detail": "nope"}), "HTTP 400 Bad Request"),
        (httpx.Response(400, json={"error": "plain words"}), "plain words"),
        (httpx.Response(400, json={"error": {"code": 5}}), "HTTP 400 Bad Request"),
        (httpx.Response(400, json={"error": {"message": 42}}), "42"),
        (httpx.Response(400, json=None), "HTTP 400 Bad Request"),
        (httpx.Response(529, content=b"\xff\xfe\x00"), "HTTP 529 "),
    ],
)
def test_malformed_error_bodies_still_give_typed_errors(response: httpx.Response, message: str) -> None:
    """HTML, empty, broken JSON, arrays, other shapes, odd types, bad bytes: a typed error with a readable message."""
    error = fail_with(response)
    assert error.status_code == response.status_code
    assert error.message.startswith(message)
    assert "sk-echoed" not in str(error)
    assert "sk-echoed" not in error.message  # a body that is not the envelope stays in .body


def test_azure_envelope_and_request_id() -> None:
    """Azure's envelope (`type: error`, `inner_error`) reads the same; `apim-request-id` is the request id."""
    body = {"error": {"message": "Paused already.", "type": "error", "code": "invalid_job_status", "inner_error": {}}}
    error = fail_with(httpx.Response(400, json=body, headers={"apim-request-id": "apim-7"}))
    assert (error.code, error.type, error.param, error.request_id) == ("invalid_job_status", "error", None, "apim-7")
    assert "apim-7" in str(error)


@pytest.mark.parametrize(
    ("raised", "kind"),
    [
        (httpx.ConnectError("refused"), ftjobs.APIConnectionError),
        (httpx.ReadError("reset"), ftjobs.APIConnectionError),
        (httpx.RemoteProtocolError("eof"), ftjobs.APIConnectionError),
        (httpx.ReadTimeout("slow"), ftjobs.APITimeoutError),
        (httpx.ConnectTimeout("slow"), ftjobs.APITimeoutError),
    ],
)
def test_network_faults(raised: Exception, kind: type[ftjobs.APIConnectionError]) -> None:
    """Connection failures and timeouts become APIConnectionError / APITimeoutError, with the request."""
    recorder = Recorder(raised)
    client = recorder.client(max_retries=0)
    with pytest.raises(kind) as failed:
        client.fine_tuning.jobs.retrieve("ftjob-abc123")
    assert failed.value.request.url.path.endswith("/ftjob-abc123")
    assert failed.value.status_code is None
    assert isinstance(failed.value.__cause__, httpx.TransportError)
