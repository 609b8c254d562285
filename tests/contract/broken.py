"""Deliberately broken variants of the reference server, one defect each, for proving the suite's checks.

Defects of behaviour are JobStore subclasses; defects of the HTTP surface are ASGI wrappers that rewrite
requests or answers of the correct server.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Scope

from ftjobs.testing import JobStore, Timings, TransitionForbidden, create_app
from tests.contract.asgi import (
    KEY,
    TIMINGS,
    Variant,
    app_variant,
    for_jobs,
    json_rewrite,
    requests_rewritten,
    rewriting,
    store_variant,
)

SHORT_TRAINING = Timings(validating_files=0.2, queued=0.2, running=0.9)


# -- defects of behaviour ------------------------------------------------------------------------------


class PauseChangesNothing(JobStore):
    """Pause answers `paused` but leaves the job running."""

    def pause(self, job_id: str) -> dict[str, Any]:
        job = self.retrieve(job_id)
        if job["status"] != "running":
            raise TransitionForbidden(job_id, "pause", job["status"])
        return job | {"status": "paused"}


class ResumeWhileRunning(JobStore):
    """Resume of a running job is answered as if it were paused."""

    def resume(self, job_id: str) -> dict[str, Any]:
        job = self.retrieve(job_id)
        if job["status"] == "running":
            return job | {"status": "queued"}
        return super().resume(job_id)


class CancelRefusesPaused(JobStore):
    """Cancel of a paused job is refused."""

    def cancel(self, job_id: str) -> dict[str, Any]:
        if self.retrieve(job_id)["status"] == "paused":
            raise TransitionForbidden(job_id, "cancel", "paused")
        return super().cancel(job_id)


class RefusesButPauses(JobStore):
    """Pause of a job that is not running is refused, yet the job ends up paused."""

    def pause(self, job_id: str) -> dict[str, Any]:
        job = self.retrieve(job_id)
        if job["status"] in ("validating_files", "queued"):
            with self._lock:
                self._records[job_id].job["status"] = "paused"
            raise TransitionForbidden(job_id, "pause", job["status"])
        return super().pause(job_id)


class PausesJobsNotYetRunning(JobStore):
    """Pause of a job still validating or queued is accepted: the job is paused before it ever ran."""

    def pause(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            record = self._current(job_id)
            if record.job["status"] in ("validating_files", "queued"):
                self._set_status(record, "paused", self.clock.now(), "Fine-tuning job paused")
                return dict(record.job)
        return super().pause(job_id)


def _events_say_nothing(value: Any) -> Any:
    """Events without `data`, as OpenAI's and Azure's message events are (`"data": null`)."""
    for event in value.get("data", []) if isinstance(value, dict) else []:
        if isinstance(event, dict) and event.get("object") == "fine_tuning.job.event":
            event["data"] = None
    return value


def _malformed_is_422(
    scope: Scope, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if status == 400 and scope["method"] == "POST" and scope["path"].endswith("/fine_tuning/jobs"):
        return 422, headers, body
    return status, headers, body


class PauseAnswersAnotherJob(JobStore):
    """Pause answers some other job (an id mix-up)."""

    def pause(self, job_id: str) -> dict[str, Any]:
        job = super().pause(job_id)
        return job | {"id": job_id + "-other"}


class PausedKeepsTraining(JobStore):
    """A paused job is labelled paused but trains on, and succeeds when it would have."""

    def _advance(self, record: Any, now: float) -> None:
        if record.job["status"] == "paused" and now >= self._finish_time(record):
            record.trained = self.timings.running
            self._finish(record, "succeeded", self._finish_time(record))
            return
        super()._advance(record, now)


class ResumeAnswersSucceeded(JobStore):
    """Resume resumes the job, but answers it `succeeded`."""

    def resume(self, job_id: str) -> dict[str, Any]:
        return super().resume(job_id) | {"status": "succeeded"}


class CancelNotPersisted(JobStore):
    """Cancel of a job in `unpersisted` (paused) answers `cancelled` and changes nothing."""

    unpersisted = "paused"

    def cancel(self, job_id: str) -> dict[str, Any]:
        job = self.retrieve(job_id)
        if job["status"] == self.unpersisted:
            return job | {"status": "cancelled"}
        return super().cancel(job_id)


class CancelOfRunningNotPersisted(CancelNotPersisted):
    """The same for a running job (what a version without pause tests)."""

    unpersisted = "running"


def _query_without(name: str, path_end: str) -> Any:
    """A request rewrite that drops query parameter `name` on paths ending in `path_end`."""

    def change(scope: Scope) -> Scope:
        if not scope["path"].endswith(path_end):
            return scope
        kept = [part for part in scope["query_string"].split(b"&") if not part.startswith(name.encode() + b"=")]
        return dict(scope, query_string=b"&".join(kept))

    return change


def _no_more(value: Any) -> Any:
    if isinstance(value, dict) and "has_more" in value:
        value["has_more"] = False
    return value


# -- the variants --------------------------------------------------------------------------------------


def _drop_seed(job: dict[str, Any]) -> None:
    job.pop("seed", None)


def _shout_status(job: dict[str, Any]) -> None:
    job["status"] = str(job["status"]).upper()


def _as_text(scope: Scope, status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
    return status, headers | {"content-type": "text/plain"}, body


def _add_valid_key(scope: Scope) -> Scope:
    names = {name.lower() for name, _ in scope["headers"]}
    if b"authorization" not in names and b"api-key" not in names:
        scope = dict(scope, headers=[*scope["headers"], (b"authorization", f"Bearer {KEY}".encode())])
    return scope


def _any_key_is_right(scope: Scope) -> Scope:
    headers = [(n, f"Bearer {KEY}".encode() if n.lower() == b"authorization" else v) for n, v in scope["headers"]]
    return dict(scope, headers=headers)


def _crash_on_odd_ids(
    scope: Scope, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    path: str = scope["path"]
    segments = path.split("/")
    if len(segments) > 4 and (not segments[4].isascii() or len(segments[4]) > 40):
        return 500, {"content-type": "text/plain"}, b"Internal Server Error"
    return status, headers, body


def _unknown_is_fine(
    scope: Scope, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if status == 404:
        return 200, headers, b"{}"
    return status, headers, body


def _not_an_envelope(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("error"), dict):
        return {"detail": value["error"].get("message")}
    return value


def _forbidden_crashes(
    scope: Scope, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if status == 400 and b"invalid_job_status" in body:
        return 500, headers, body
    return status, headers, body


def _dated_create_answers_200(
    scope: Scope, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Azure's dated create answered as v1's: 200, no `Location`."""
    if status == 201:
        headers.pop("location", None)
        return 200, headers, body
    return status, headers, body


def _v1_envelope(value: Any) -> Any:
    """Dated errors in v1's envelope: `code` null, `type` and `param` instead of `target`."""
    if isinstance(value, dict) and isinstance(value.get("error"), dict):
        error = value["error"]
        return {
            "error": {"message": error.get("message"), "type": "invalid_request_error", "param": None, "code": None}
        }
    return value


def _queued(job: dict[str, Any]) -> None:
    """v1's `queued` on the dated routes, which say `pending`."""
    if job.get("status") == "pending":
        job["status"] = "queued"


SCHEMA = "Response violates schema"
DATED = (("api_version", "2025-04-01-preview"),)  # the run sends it, the variant is served on Azure's dated routes
# Defects of behaviour only the scenarios can see: schemathesis is left out of their runs, to save time.
SCENARIOS_ONLY = (("phases", ()),)
BROKEN = [
    Variant(
        "dated create answers 200",
        app_variant(lambda a: rewriting(a, _dated_create_answers_200)),
        frozenset({"create_reaches_running", SCHEMA}),
        options=DATED,
    ),
    Variant(
        "dated errors in v1's envelope",
        app_variant(lambda a: rewriting(a, json_rewrite(_v1_envelope))),
        frozenset({"unknown_id_404", "malformed_input_400", SCHEMA}),
        options=DATED,
    ),
    Variant(
        "dated job answers v1's queued",
        app_variant(lambda a: rewriting(a, json_rewrite(for_jobs(_queued)))),
        frozenset({"create_reaches_running", SCHEMA}),
        options=DATED,
    ),
    Variant(
        "missing required field",
        app_variant(lambda a: rewriting(a, json_rewrite(for_jobs(_drop_seed)))),
        frozenset({SCHEMA}),
    ),
    Variant(
        "status outside the enum",
        app_variant(lambda a: rewriting(a, json_rewrite(for_jobs(_shout_status)))),
        frozenset({SCHEMA}),
    ),
    Variant(
        "text/plain answers", app_variant(lambda a: rewriting(a, _as_text)), frozenset({"Undocumented Content-Type"})
    ),
    Variant(
        "no credentials needed",
        app_variant(lambda a: requests_rewritten(a, _add_valid_key)),
        frozenset({"missing_credentials_401"}),
    ),
    Variant(
        "any key accepted",
        app_variant(lambda a: requests_rewritten(a, _any_key_is_right)),
        frozenset({"wrong_credentials_401"}),
    ),
    Variant(
        "crash on odd ids",
        app_variant(lambda a: rewriting(a, _crash_on_odd_ids)),
        frozenset({"Server error", "unknown_id_404"}),
    ),
    Variant(
        "unknown id answers 200", app_variant(lambda a: rewriting(a, _unknown_is_fine)), frozenset({"unknown_id_404"})
    ),
    Variant(
        "errors outside the envelope",
        app_variant(lambda a: rewriting(a, json_rewrite(_not_an_envelope))),
        frozenset({SCHEMA}),
    ),
    Variant(
        "forbidden transition crashes",
        app_variant(lambda a: rewriting(a, _forbidden_crashes)),
        frozenset({"Server error"}),
    ),
    Variant(
        "pause changes nothing", store_variant(PauseChangesNothing), frozenset({"pause_pauses"}), options=SCENARIOS_ONLY
    ),
    Variant(
        "resume of a running job accepted",
        store_variant(ResumeWhileRunning),
        frozenset({"resume_of_running_refused"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "cancel refuses paused jobs",
        store_variant(CancelRefusesPaused),
        frozenset({"cancel_from_paused"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "refused pause pauses anyway",
        store_variant(RefusesButPauses),
        frozenset({"pause_before_running_refused"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "pauses jobs not yet running, events say nothing",
        lambda: rewriting(
            create_app(PausesJobsNotYetRunning(timings=TIMINGS), api_keys=[KEY]), json_rewrite(_events_say_nothing)
        ),
        frozenset({"pause_before_running_refused"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "malformed input answers 422",
        app_variant(lambda a: rewriting(a, _malformed_is_422)),
        frozenset({"malformed_input_400", "Undocumented HTTP status code"}),
    ),
    Variant(
        "pause answers another job",
        store_variant(PauseAnswersAnotherJob),
        frozenset({"Custom check failed: `job_answer_names_the_path_id`", "pause_pauses"}),
    ),
    Variant(
        "limit ignored on the list of jobs",
        app_variant(lambda a: requests_rewritten(a, _query_without("limit", "/fine_tuning/jobs"))),
        frozenset({"list_limit_respected"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "has_more always false",
        app_variant(lambda a: rewriting(a, json_rewrite(_no_more))),
        frozenset({"list_has_more"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "after ignored on events",
        app_variant(lambda a: requests_rewritten(a, _query_without("after", "/events"))),
        frozenset({"list_after_continues"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "a paused job trains on",
        store_variant(PausedKeepsTraining, SHORT_TRAINING),
        frozenset({"paused_stands_still"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "resume answers succeeded",
        store_variant(ResumeAnswersSucceeded),
        frozenset({"resume_not_terminal"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "cancel not persisted",
        store_variant(CancelNotPersisted),
        frozenset({"cancel_persisted"}),
        options=SCENARIOS_ONLY,
    ),
    Variant(
        "dated GA 2024-10-21: cancel of a running job not persisted",
        store_variant(CancelOfRunningNotPersisted),
        frozenset({"cancel_persisted"}),
        options=(("api_version", "2024-10-21"), *SCENARIOS_ONLY),
    ),
]
