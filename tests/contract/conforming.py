"""Conforming variants of the reference server: each makes a legitimate choice the contract allows, and the
suite must let every one of them pass (no false positive).
"""

from __future__ import annotations

from typing import Any, cast

from starlette.types import Scope

from ftjobs.testing import JobStore, Timings
from ftjobs.testing._app import ApiError
from ftjobs.testing._store import Status
from tests.contract.asgi import (
    Variant,
    app_variant,
    for_jobs,
    json_rewrite,
    requests_rewritten,
    rewriting,
    store_variant,
)

KNOWN_FILE = "file-ftjobs-known"
TRANSITIONAL_SECONDS = 0.3
AFTER = {"pending": "validating_files", "pausing": "paused", "resuming": "queued"}


class Transitional(JobStore):
    """`pending` before validation, `pausing` before `paused`, `resuming` before `queued` (as Azure reports)."""

    def create(self, request: Any) -> dict[str, Any]:
        job = super().create(request)
        with self._lock:
            self._records[job["id"]].job["status"] = "pending"
        return job | {"status": "pending"}

    def pause(self, job_id: str) -> dict[str, Any]:
        return self._passing(super().pause(job_id), "pausing")

    def resume(self, job_id: str) -> dict[str, Any]:
        return self._passing(super().resume(job_id), "resuming")

    def cancel(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            record = self._current(job_id)
            record.job["status"] = AFTER.get(record.job["status"], record.job["status"])
        return super().cancel(job_id)

    def _passing(self, job: dict[str, Any], status: str) -> dict[str, Any]:
        with self._lock:
            record = self._records[job["id"]]
            record.job["status"] = status
            record.since = self.clock.now()
        return job | {"status": status}

    def _advance(self, record: Any, now: float) -> None:
        status = record.job["status"]
        if status in AFTER and now >= record.since + TRANSITIONAL_SECONDS:
            following = cast("Status", AFTER[status])
            self._set_status(record, following, record.since + TRANSITIONAL_SECONDS, f"Job now {following}")
        super()._advance(record, now)


class PauseOfPausedAnswers200(JobStore):
    """Pause of a paused job answers it, unchanged."""

    def pause(self, job_id: str) -> dict[str, Any]:
        job = self.retrieve(job_id)
        return job if job["status"] == "paused" else super().pause(job_id)


class KnownFilesOnly(JobStore):
    """A create naming a training file the server does not have is refused with 400, as OpenAI does."""

    def create(self, request: Any) -> dict[str, Any]:
        if request["training_file"] != KNOWN_FILE:
            raise ApiError(400, f"File {request['training_file'][:40]!r} not found.", code="invalid_training_file")
        return super().create(request)


def _conflict(scope: Scope, status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
    return (409 if status == 400 and b"invalid_job_status" in body else status), headers, body


def _extra_fields_no_request_id(job: dict[str, Any]) -> None:
    job["ftjobs_extra"] = {"region": "somewhere", "tier": 2}
    job["user_provided_suffix"] = None


def _without_request_id(
    scope: Scope, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    headers.pop("x-request-id", None)
    return json_rewrite(for_jobs(_extra_fields_no_request_id))(scope, status, headers, body)


def _api_key_only(scope: Scope) -> Scope:
    return dict(scope, headers=[(n, v) for n, v in scope["headers"] if n.lower() != b"authorization"])


def _ignores_api_version(scope: Scope) -> Scope:
    kept = [part for part in scope["query_string"].split(b"&") if not part.startswith(b"api-version=")]
    return dict(scope, query_string=b"&".join(kept))


def _catch_all_allow(
    scope: Scope, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if status == 405:
        headers["allow"] = "POST, PATCH, GET, DELETE, PUT"
    return status, headers, body


# Choices of timing only the scenarios meet: schemathesis is left out of their runs, to save time.
SCENARIOS_ONLY = (("phases", ()),)
CONFORMING = [
    Variant(
        "trains for two seconds (0.2 s steps)", store_variant(JobStore, Timings.from_step(0.2)), options=SCENARIOS_ONLY
    ),
    Variant(
        "slow to start (2 s of validation, 2 s queued)",
        store_variant(JobStore, Timings(2.0, 2.0, 120.0)),
        options=SCENARIOS_ONLY,
    ),
    Variant("starts at once", store_variant(JobStore, Timings(0.0, 0.0, 120.0)), options=SCENARIOS_ONLY),
    Variant("pending, pausing and resuming", store_variant(Transitional)),
    Variant("refuses with 409", app_variant(lambda a: rewriting(a, _conflict))),
    Variant("pause of a paused job answers 200", store_variant(PauseOfPausedAnswers200)),
    Variant("extra fields, no x-request-id", app_variant(lambda a: rewriting(a, _without_request_id))),
    Variant(
        "api-key header only",
        app_variant(lambda a: requests_rewritten(a, _api_key_only)),
        options=(("auth", "api-key"),),
    ),
    Variant("refuses unknown training files", store_variant(KnownFilesOnly), options=(("training_file", KNOWN_FILE),)),
    Variant("ignores api-version", app_variant(lambda a: requests_rewritten(a, _ignores_api_version))),
    Variant("Allow lists extra methods", app_variant(lambda a: rewriting(a, _catch_all_allow))),
    Variant(
        "Azure's dated routes, 2025-04-01-preview",
        store_variant(JobStore),
        options=(("api_version", "2025-04-01-preview"),),
    ),
    Variant(
        "Azure's dated GA 2024-10-21, no pause route", store_variant(JobStore), options=(("api_version", "2024-10-21"),)
    ),
    Variant("Azure's v1 API, api-version preview", store_variant(JobStore), options=(("api_version", "preview"),)),
]
