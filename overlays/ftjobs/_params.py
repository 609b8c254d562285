"""A call's parameters as the wire wants them: the create body, list queries, the request-option types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ftjobs._config import NotGiven, Omit

if TYPE_CHECKING:
    from ftjobs_api.models import FineTuneMethod, FineTuningIntegration, Hyperparameters

Headers = Mapping[str, "str | Omit"] | None  # an `Omit()` value removes the header
Query = Mapping[str, object] | None
Body = Mapping[str, object] | None


def create_body(
    model: str,
    training_file: str,
    hyperparameters: Hyperparameters | Mapping[str, Any] | NotGiven,
    integrations: Iterable[FineTuningIntegration | Mapping[str, Any]] | NotGiven | None,
    metadata: Mapping[str, str] | NotGiven | None,
    method: FineTuneMethod | Mapping[str, Any] | NotGiven,
    seed: int | NotGiven | None,
    suffix: str | NotGiven | None,
    validation_file: str | NotGiven | None,
) -> dict[str, Any]:
    """The create request's body: what was given, generated models written out as plain JSON."""

    def plain(value: Any) -> Any:
        return value.to_dict() if hasattr(value, "to_dict") else value

    body: dict[str, Any] = {"model": model, "training_file": training_file}
    optional = {
        "hyperparameters": plain(hyperparameters),
        "integrations": integrations
        if integrations is None or isinstance(integrations, NotGiven)
        else [plain(item) for item in integrations],
        "metadata": metadata if metadata is None or isinstance(metadata, NotGiven) else dict(metadata),
        "method": plain(method),
        "seed": seed,
        "suffix": suffix,
        "validation_file": validation_file,
    }
    body.update({name: value for name, value in optional.items() if not isinstance(value, NotGiven)})
    return body


def page_params(after: str | NotGiven | None, limit: int | NotGiven | None) -> dict[str, Any]:
    """A list call's cursor and page size as query parameters; `None` (left out) when not given."""
    return {
        name: None if isinstance(value, NotGiven) else value for name, value in (("after", after), ("limit", limit))
    }


def list_params(after: str | NotGiven | None, limit: int | NotGiven | None, metadata: Any) -> dict[str, Any]:
    """The job list's query: the page's, and the SDK's metadata filter (`metadata[key]=value`)."""
    params = page_params(after, limit)
    if isinstance(metadata, Mapping):
        params.update({f"metadata[{key}]": value for key, value in metadata.items()})
    return params
