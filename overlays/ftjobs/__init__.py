"""ftjobs: a client for the fine-tuning jobs API of OpenAI and Azure OpenAI v1, centred on pausing a job.

    from ftjobs import Client

    with Client() as client:                      # OPENAI_API_KEY, or AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT
        job = client.fine_tuning.jobs.pause("ftjob-abc123")
        client.fine_tuning.jobs.wait(job.id, until={"paused"})

The models are the generated ones (`ftjobs_api.models`); `deviations(model)` tells where the answer a model
was read from departs from the contract. The reference server lives in `ftjobs.testing` (extra `server`).
"""

from typing import TYPE_CHECKING, Any

from ftjobs._client import NOT_GIVEN, AsyncClient, Client, NotGiven
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
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ftjobs._pagination import AsyncPage, AsyncPaginator, SyncPage
from ftjobs._parse import Deviation, deviations
from ftjobs._version import __version__

if TYPE_CHECKING:
    from ftjobs_api.models import FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent, FineTuningJobStatus

# The generated models, re-exported on first use (PEP 562), so that `import ftjobs` does not load them all.
_MODELS = frozenset({"FineTuningJob", "FineTuningJobCheckpoint", "FineTuningJobEvent", "FineTuningJobStatus"})


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from ftjobs_api import models

        return getattr(models, name)
    raise AttributeError(f"module 'ftjobs' has no attribute {name!r}")


__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncPage",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "CreateOutcomeUnknownError",
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
    "MissingCredentialsError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "SyncPage",
    "UnprocessableEntityError",
    "__version__",
    "deviations",
]
