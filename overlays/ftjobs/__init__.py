"""ftjobs: a client for the fine-tuning jobs API of OpenAI and Azure OpenAI, centred on pausing a job.

    from ftjobs import OpenAI                     # or Client; AzureOpenAI for Azure's dated routes

    with OpenAI() as client:                      # OPENAI_API_KEY, or AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT
        job = client.fine_tuning.jobs.pause("ftjob-abc123")
        client.fine_tuning.jobs.wait(job.id, until={"paused"})

Code written for the openai SDK's `client.fine_tuning.jobs` runs after swapping the import (README says what
is covered). The models are the generated ones (`ftjobs_api.models`) with the SDK's serialisation added
(`ftjobs._models`); `deviations(model)` tells where the answer a model was read from departs from the contract.
The reference server lives in `ftjobs.testing` (extra `server`).
"""

from typing import TYPE_CHECKING, Any

from ftjobs._azure import UnsupportedByVersionError
from ftjobs._client import (
    NOT_GIVEN,
    AsyncAzureOpenAI,
    AsyncClient,
    AsyncOpenAI,
    AzureOpenAI,
    Client,
    DefaultAsyncHttpxClient,
    DefaultHttpxClient,
    NotGiven,
    Omit,
    OpenAI,
    omit,
)
from ftjobs._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CreateOutcomeUnknownError,
    FtjobsError,
    InternalServerError,
    JobEndedError,
    JobWaitError,
    JobWaitTimeout,
    MissingCredentialsError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ftjobs._pagination import AsyncCursorPage, AsyncPage, AsyncPaginator, PageInfo, SyncCursorPage, SyncPage
from ftjobs._parse import Deviation, deviations
from ftjobs._record import record_exchanges
from ftjobs._response import APIResponse
from ftjobs._version import __version__

if TYPE_CHECKING:
    from ftjobs._aiohttp import DefaultAioHttpClient
    from ftjobs._models import FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent
    from ftjobs_api.models import FineTuningJobStatus

# The models, re-exported on first use (PEP 562), so that `import ftjobs` does not load them all.
_LAZY = {
    "FineTuningJob": "ftjobs._models",
    "FineTuningJobCheckpoint": "ftjobs._models",
    "FineTuningJobEvent": "ftjobs._models",
    "FineTuningJobStatus": "ftjobs_api.models",
    "DefaultAioHttpClient": "ftjobs._aiohttp",  # aiohttp is slow to import: only when asked for
}
_MODELS = frozenset(_LAZY)

LegacyAPIResponse = APIResponse  # the openai SDK's name


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ftjobs' has no attribute {name!r}")


__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAzureOpenAI",
    "AsyncClient",
    "AsyncCursorPage",
    "AsyncOpenAI",
    "AsyncPage",
    "AsyncPaginator",
    "AuthenticationError",
    "AzureOpenAI",
    "BadRequestError",
    "Client",
    "ConflictError",
    "CreateOutcomeUnknownError",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "Deviation",
    "FineTuningJob",
    "FineTuningJobCheckpoint",
    "FineTuningJobEvent",
    "FineTuningJobStatus",
    "FtjobsError",
    "InternalServerError",
    "JobEndedError",
    "JobWaitError",
    "JobWaitTimeout",
    "LegacyAPIResponse",
    "MissingCredentialsError",
    "NotFoundError",
    "NotGiven",
    "Omit",
    "OpenAI",
    "OpenAIError",
    "PageInfo",
    "PermissionDeniedError",
    "RateLimitError",
    "SyncCursorPage",
    "SyncPage",
    "UnprocessableEntityError",
    "UnsupportedByVersionError",
    "__version__",
    "deviations",
    "omit",
    "record_exchanges",
]
