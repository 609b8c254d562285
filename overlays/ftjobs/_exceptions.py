"""Every error ftjobs raises, named as in the official `openai` SDK where it has one.

    FtjobsError
    ├── MissingCredentialsError          no key, token provider or environment variable found
    ├── APIError                         something went wrong talking to the API
    │   ├── APIStatusError               the server answered a status that is not 2xx
    │   │   ├── BadRequestError          400 (also: a transition the job's status forbids)
    │   │   ├── AuthenticationError      401
    │   │   ├── PermissionDeniedError    403
    │   │   ├── NotFoundError            404
    │   │   ├── ConflictError            409
    │   │   ├── UnprocessableEntityError 422
    │   │   ├── RateLimitError           429
    │   │   └── InternalServerError      500 and above (520 and 529 included)
    │   ├── APIConnectionError           no answer: connection refused, reset, DNS, protocol error
    │   │   └── APITimeoutError          no answer in time
    │   ├── APIResponseValidationError   a 2xx answer that cannot be read, or (strict=True) deviates
    │   └── CreateOutcomeUnknownError    a create may have made a job, and whether it did cannot be told
    └── JobWaitError                     `jobs.wait(...)` did not see a wanted status
        ├── JobEndedError                the job ended in a status that was not wanted
        └── JobWaitTimeout               the wait's timeout passed first

Status errors carry `status_code`, `request_id` (`x-request-id`, else Azure's `apim-request-id`), the error
envelope's `message`, `type`, `param` and `code` (each `None` where the body has none), and `body`: as in the SDK,
the inner error object when the body is the `{"error": {...}}` envelope, else the decoded body (JSON or text).
No error's text ever contains a credential.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from ftjobs._parse import Deviation
    from ftjobs_api.models import FineTuningJob


class FtjobsError(Exception):
    """The root of every ftjobs error (also by the openai SDK's name, `OpenAIError`)."""


OpenAIError = FtjobsError  # `except openai.OpenAIError` keeps working after the import swap


class MissingCredentialsError(FtjobsError):
    """No credentials were given or found in the environment."""


class APIError(FtjobsError):
    """An API call failed. `request` is the request (its credentials are never shown)."""

    message: str
    request: httpx.Request
    body: object | None
    status_code: int | None = None
    request_id: str | None = None
    type: str | None = None
    param: str | None = None
    code: str | None = None

    def __init__(self, message: str, request: httpx.Request, *, body: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIStatusError(APIError):
    """The server answered with a status that is not 2xx."""

    response: httpx.Response
    status_code: int
    # The message says nothing the answer said (`HTTP 500 Internal Server Error`: no message, no HTML title).
    _says_nothing: bool = False

    def __init__(self, message: str, *, response: httpx.Response, body: object | None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = request_id_of(response)
        envelope = body.get("error") if isinstance(body, dict) else None
        if isinstance(envelope, dict):
            self.body = envelope  # as the SDK: the inner error object (`e.body["message"]`)
            self.type = _text(envelope.get("type"))
            self.param = _text(envelope.get("param"))
            self.code = _text(envelope.get("code"))

    def __str__(self) -> str:
        """As the SDK's: `Error code: 400 - <the server's message>`; only the code when the answer held no
        message (an HTML page's title aside, the body stays in `.body`, out of every log line)."""
        where = f", request id {self.request_id}" if self.request_id else ""
        if self._says_nothing:
            return f"Error code: {self.status_code}{where}"
        return f"Error code: {self.status_code} - {self.message}{where}"


class BadRequestError(APIStatusError):
    """400: the request is malformed, or the job's status forbids this transition."""


class AuthenticationError(APIStatusError):
    """401: missing or wrong credentials."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials may not do this."""


class NotFoundError(APIStatusError):
    """404: no such job (or path)."""


class ConflictError(APIStatusError):
    """409: the job's status forbids the transition, or the job is locked by a concurrent change."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but cannot be processed."""


class RateLimitError(APIStatusError):
    """429: rate limited."""


class InternalServerError(APIStatusError):
    """500 or above: the server failed."""


class APIConnectionError(APIError):
    """No answer came: the connection failed."""

    def __init__(self, request: httpx.Request, *, message: str = "Connection error.") -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    """No answer came in time."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(request, message="Request timed out.")


class APIResponseValidationError(APIError):
    """A 2xx answer that cannot be read as the fragment says, or (with `strict=True`) deviates from it."""

    response: httpx.Response
    status_code: int
    deviations: tuple[Deviation, ...]

    def __init__(
        self, message: str, *, response: httpx.Response, body: object | None, deviations: Sequence[Deviation] = ()
    ) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = request_id_of(response)
        self.deviations = tuple(deviations)


class CreateOutcomeUnknownError(APIError):
    """A create attempt may have reached the server and failed, and the list of jobs could not tell whether it
    made a job. ftjobs does not create again (that could bill a second job): list your jobs to check."""

    def __init__(self, message: str, request: httpx.Request) -> None:
        super().__init__(message, request)


class JobWaitError(FtjobsError):
    """`jobs.wait(...)` stopped before the job reached a wanted status; `job` is the last one seen."""

    def __init__(self, message: str, job: FineTuningJob | None) -> None:
        super().__init__(message)
        self.job = job


class JobEndedError(JobWaitError):
    """The job reached a terminal status that was not wanted."""


class JobWaitTimeout(JobWaitError, TimeoutError):
    """The wait's timeout passed before the job reached a wanted status."""


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def request_id_of(response: httpx.Response) -> str | None:
    """OpenAI's `x-request-id`, else Azure's `apim-request-id`."""
    found = response.headers.get("x-request-id") or response.headers.get("apim-request-id")
    return str(found) if found else None


def status_error(response: httpx.Response) -> APIStatusError:
    """The typed error for a non-2xx answer, whatever its body: envelope, HTML, empty, broken or a bare array."""
    body = decode_body(response)
    envelope = body.get("error") if isinstance(body, dict) else None
    if isinstance(envelope, dict):
        message = _text(envelope.get("message"))
    else:
        message = envelope if isinstance(envelope, str) and envelope else None
    says_nothing = False
    if message is None:
        reason = response.reason_phrase or "unknown status"
        title = _title(body if isinstance(body, str) else _decoded(response)) if body is not None else ""
        message = f"HTTP {response.status_code} {reason}" + (f": {title}" if title else "")
        says_nothing = not title
    kind = STATUS_ERRORS.get(response.status_code)
    if kind is None:
        kind = InternalServerError if response.status_code >= 500 else APIStatusError
    error = kind(message, response=response, body=body)
    error._says_nothing = says_nothing
    return error


def decode_body(response: httpx.Response) -> Any:
    """The body as JSON when it is JSON, else as text (`None` when empty). Never raises."""
    content = response.content
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python can decode
        return _decoded(response)


def _title(text: str) -> str:
    """An HTML page's title (a gateway's `502 Bad Gateway`), else nothing: the rest of a body that is not the
    envelope may hold anything (a server echoing the request, credentials included), so it stays out of messages."""
    title = re.search(r"<title[^>]*>(.*?)</title>", text[:20_000], re.IGNORECASE | re.DOTALL)
    return " ".join(title.group(1).split())[:200] if title is not None else ""


def _decoded(response: httpx.Response) -> str:
    """The body as text, whatever its charset says."""
    try:
        return response.text
    except (LookupError, ValueError):  # an unknown or broken charset
        return response.content.decode("utf-8", "replace")


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)
