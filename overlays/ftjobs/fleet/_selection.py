"""Which jobs a fleet operation is for: the filters, each applied by ftjobs itself (whatever the server does with
list filters), and the statuses each action takes by default."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from ftjobs._statuses import TERMINAL

Action = Literal["pause", "resume", "cancel"]
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")  # a dated snapshot of a model alias: gpt-4o-mini-2024-07-18


def default_statuses(action: str) -> frozenset[str]:
    """Running for pause, paused for resume, every status that has not ended for cancel."""
    from ftjobs._spec import known_statuses

    return {
        "pause": frozenset({"running"}),
        "resume": frozenset({"paused"}),
        "cancel": frozenset(known_statuses()) - TERMINAL,
    }[action]


def parse_time(value: str) -> float:
    """Unix seconds, or an ISO 8601 date or time (UTC unless it says otherwise); `ValueError` otherwise."""
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected an ISO 8601 date or time, or Unix seconds, got {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True)
class Selection:
    """Which jobs an operation is for. Every filter is applied here, whatever the server does with list filters."""

    statuses: frozenset[str] = frozenset()  # empty: the action's default (`default_statuses`)
    model: str | None = None  # the base model, or its dated snapshot
    suffix: str | None = None  # the job's `user_provided_suffix`, or the suffix in `fine_tuned_model`
    metadata: Mapping[str, str] = field(default_factory=dict)  # every pair must match
    created_after: float | None = None  # Unix seconds, exclusive
    created_before: float | None = None  # Unix seconds, exclusive

    def for_action(self, action: str) -> Selection:
        """This selection with the action's default statuses filled in."""
        if self.statuses:
            return self
        return Selection(
            default_statuses(action),
            self.model,
            self.suffix,
            dict(self.metadata),
            self.created_after,
            self.created_before,
        )

    def matches(self, job: Mapping[str, Any]) -> bool:
        """Whether a job (as the server sent it) is selected."""
        if job.get("status") not in self.statuses:
            return False
        model = job.get("model")
        if self.model is not None and not (
            model == self.model or (isinstance(model, str) and _DATED.sub("", model) == self.model)
        ):
            return False
        if self.suffix is not None and self.suffix not in _suffixes(job):
            return False
        metadata = job.get("metadata")
        if self.metadata and not (
            isinstance(metadata, dict) and all(metadata.get(key) == value for key, value in self.metadata.items())
        ):
            return False
        created = job.get("created_at")
        if self.created_after is None and self.created_before is None:
            return True
        if not isinstance(created, int | float) or isinstance(created, bool):
            return False  # a job without a creation time matches no time filter
        after = self.created_after if self.created_after is not None else float("-inf")
        before = self.created_before if self.created_before is not None else float("inf")
        return after < created < before


def _suffixes(job: Mapping[str, Any]) -> set[str]:
    """The suffixes a job carries: `user_provided_suffix`, and the one inside `fine_tuned_model` — OpenAI's
    `ft:BASE:ORG:SUFFIX:ID` and Azure's `BASE.ft-HEX-SUFFIX`."""
    found = {job["user_provided_suffix"]} if isinstance(job.get("user_provided_suffix"), str) else set()
    name = job.get("fine_tuned_model")
    if isinstance(name, str):
        parts = name.split(":")
        if len(parts) >= 5 and parts[0] == "ft":
            found.add(parts[3])
        azure = re.search(r"\.ft-[0-9a-f]+-(.+)$", name)
        if azure:
            found.add(azure.group(1))
    return found
