"""Answers that went missing, decided once for the sync and the async client.

- `Attempts`: what the attempts of one call did — how many were sent out of the budget, and whether a failed one
  may have reached the server (so its effect may have happened).
- A refused retry of pause, resume or cancel is a lost success only when one read, within the call's budget,
  shows the transition's status (`refused_after_lost_answer`, `lost_answer_refusal`, `confirmed`); otherwise
  the refusal is raised, with what the read showed attached.
- A create whose attempt may have made a job is never silently sent again: the newest jobs are listed once and the
  one that attempt made is returned (`created_job`); when the list cannot tell, `CreateOutcomeUnknownError`.
- `undecodable`: an answer whose body cannot be decoded (a `content-encoding` it does not keep) becomes the same
  answer without a body, so that it is typed like any other.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ftjobs._exceptions import APIStatusError, status_error
from ftjobs._retry import ambiguous
from ftjobs._statuses import REACHED

if TYPE_CHECKING:
    from ftjobs._models import FineTuningJob as Model
    from ftjobs_api.models import FineTuningJob

logger = logging.getLogger("ftjobs")

Job = TypeVar("Job", bound="FineTuningJob")
# A call's answer: the HTTP response, and the job when a lost-answer rule found it instead of reading it.
Answer = tuple[httpx.Response, "Model | None"]
# A create's check before a retry: the listing and the job an earlier attempt made, or `None` (sync and async).
SyncLookup = Callable[[], "Answer | None"]
AsyncLookup = Callable[[], Awaitable["Answer | None"]]

# How far the server's clock may lag ours when matching a job to the create attempt that made it.
CLOCK_SKEW = 300.0
# How many of the newest jobs are listed to find the job a create attempt made.
CREATED_LOOKUP = 20
UNDECODABLE = "ftjobs.undecodable"


@dataclass
class Attempts:
    """The attempts of one call: `budget` in all (1 + max_retries), `sent` so far."""

    budget: int
    sent: int = 0
    maybe_reached: bool = False  # a failed attempt may have reached the server
    last_ambiguous: bool = False  # ... the most recent one

    def failed(self, failure: Exception) -> None:
        self.last_ambiguous = ambiguous(failure)
        self.maybe_reached = self.maybe_reached or self.last_ambiguous

    @property
    def left(self) -> int:
        return self.budget - self.sent


def undecodable(response: httpx.Response, error: httpx.DecodingError) -> httpx.Response:
    """`response` without its body, saying why: its status and headers still type the answer."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=b"",
        request=response.request,
        extensions={**response.extensions, UNDECODABLE: f"{type(error).__name__}: {error}"},
    )


def refused_after_lost_answer(attempts: Attempts, response: httpx.Response) -> bool:
    """A refusal that an earlier attempt may explain: it may have made the transition already."""
    return attempts.maybe_reached and response.status_code in (400, 409)


def reached(transition: str, job: FineTuningJob) -> bool:
    """A refused retry of a transition is a lost success when the job already shows where it takes it."""
    return job.status in REACHED[transition]


def lost_answer_refusal(response: httpx.Response, action: str, job_id: str, attempts: Attempts) -> APIStatusError:
    """The typed refusal of a retried transition, noting that an earlier attempt may have made it.

    Raised at once when no attempt is left for the read that would tell.
    """
    refusal = status_error(response)
    refusal.add_note(
        f"An earlier attempt to {action} job {job_id} failed in a way that may have reached the server, "
        f"so the job may have been {action}d already; {attempts.sent} of {attempts.budget} attempts were used."
    )
    if attempts.left <= 0:
        refusal.add_note(f"No attempt was left to check: retrieve job {job_id} to see its status.")
        raise refusal
    return refusal


def confirmed(refusal: APIStatusError, action: str, job: Model) -> Model:
    """The job when a read shows the transition's status (its answer was lost); else the refusal, raised."""
    if reached(action, job):
        logger.info("%s of %s: an earlier attempt succeeded; its answer was lost", action, job.id)
        return job
    refusal.add_note(f"A read shows the job {job.status!r}: the earlier attempt did not {action} it.")
    raise refusal


def created_job(jobs: Sequence[Job], has_more: bool, sent: Mapping[str, Any], since: float) -> Job | None:
    """The newest listed job that the create request `sent` (first attempted at `since`) made, if any.

    Raises `LookupError` when the list cannot tell: every listed job is recent enough and more exist.
    """
    earliest = since - CLOCK_SKEW
    for job in jobs:  # newest first
        if isinstance(job.created_at, int) and job.created_at < earliest:
            return None
        if _matches(job, sent):
            logger.info("create: an earlier attempt made job %s; its answer was lost", job.id)
            return job
    if has_more:
        raise LookupError(f"more than {len(jobs)} jobs were created since the first attempt")
    return None


def _matches(job: FineTuningJob, sent: Mapping[str, Any]) -> bool:
    raw = job.to_dict()
    model = raw.get("model")
    if not (model == sent["model"] or (isinstance(model, str) and model.startswith(sent["model"] + "-"))):
        return False  # a dated snapshot name (`gpt-4o-mini-2024-07-18`) matches its alias
    checks = {
        "training_file": "training_file",
        "validation_file": "validation_file",
        "seed": "seed",
        "metadata": "metadata",
        "suffix": "user_provided_suffix",
    }
    for field, answered in checks.items():
        if sent.get(field) is None or answered not in raw:
            continue  # not sent (the server chose), or not answered (nothing to compare)
        if raw[answered] != sent[field]:
            return False
    return True


def unknown_create_message(sent: Mapping[str, Any], since: float, why: str) -> str:
    when = datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"a create attempt may have made a job, and whether it did could not be told ({why}); ftjobs did not "
        f"create again, so as not to bill a second job. List your jobs (`ftjobs list`) for one on training file "
        f"{sent['training_file']!r} created after {when}, and create again only if there is none."
    )


def now() -> float:
    return time.time()
