"""What Azure OpenAI asks of a client beyond OpenAI's API: the dated dialect, the dated versions without pause,
and `trainingType`.

- Azure's dated routes (`{endpoint}/openai/fine_tuning/…?api-version=2025-04-01-preview`) answer in their own
  dialect (`openapi/azure_dated.yaml`: `pending`, `resuming`, event level `warning`, `organisation_id`, fewer
  required fields): answers there are judged by that fragment, so that a dated answer reads without deviations.

- Azure's dated GA version 2024-10-21 has no pause or resume route (its spec lists none; 2025-04-01-preview
  and the v1 API have both): a pause or resume configured for it is refused before anything is sent, saying
  which version to use instead.
- Azure refuses a create without `trainingType` with a message about the base model ("does not support
  fine-tuning"), which misleads; Azure's own sample sends `extra_body={"trainingType": "Standard"}`
  (azure-sdk-for-python, `sample_finetuning_supervised_job.py`). A refused create to Azure that sent none gets
  a note saying so.
"""

from __future__ import annotations

from collections.abc import Mapping

from ftjobs._config import DATED_VERSION, Settings
from ftjobs._exceptions import FtjobsError
from ftjobs._spec import DATED, V1, Dialect

# Dated versions whose specs have no pause or resume route.
NO_PAUSE_VERSIONS = frozenset({"2024-10-21"})
TRAINING_TYPE_NOTE = (
    "Azure refuses creates that send no `trainingType`, often saying the model does not support fine-tuning: "
    'pass extra_body={"trainingType": "Standard"} (or "GlobalStandard", "Developer"), as Azure\'s own samples do '
    "(command line: ftjobs create --training-type Standard)."
)


class UnsupportedByVersionError(FtjobsError):
    """The configured Azure `api_version` has no route for this call; nothing was sent."""


def is_azure(settings: Settings) -> bool:
    """Whether the client talks to Azure's routes (`…/openai/v1` or the dated `…/openai`)."""
    return settings.base_url.endswith(("/openai", "/openai/v1"))


def dialect_of(settings: Settings) -> Dialect:
    """The dialect the configured routes answer in: Azure's dated one under `…/openai` with a dated version."""
    version = settings.query.get("api-version")
    dated = settings.base_url.endswith("/openai") and isinstance(version, str) and DATED_VERSION.fullmatch(version)
    return DATED if dated else V1


def check_route(settings: Settings, action: str) -> None:
    """Raise `UnsupportedByVersionError` when the configured dated version has no `action` route."""
    version = settings.query.get("api-version")
    dated_routes = settings.base_url.endswith("/openai")  # NO_PAUSE_VERSIONS are dated versions
    if dated_routes and action in ("pause", "resume") and version in NO_PAUSE_VERSIONS:
        raise UnsupportedByVersionError(
            f"Azure api-version {version} has no {action} route (its spec lists none): use "
            f"api_version='2025-04-01-preview', or the v1 API (api_version='v1' or none); nothing was sent"
        )


def needs_training_type(settings: Settings, sent: Mapping[str, object]) -> bool:
    """Whether a refused create is one that Azure may have refused for sending no `trainingType`."""
    return is_azure(settings) and "trainingType" not in sent
