"""Deliberately broken variants of the reference server, one defect each, for proving the suite's checks.

Defects of behaviour are JobStore subclasses; defects of the HTTP surface are ASGI wrappers that rewrite
requests or answers of the correct server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ftjobs.testing import JobStore, Timings, TransitionForbidden, create_app

KEY = "sk-ftjobs-variant"
TIMINGS = Timings(validating_files=0.2, queued=0.2, running=120.0)
Rewrite = Callable[[Scope, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


def rewriting(app: ASGIApp, rewrite: Rewrite) -> ASGIApp:
    """Wrap `app` so that every answer passes through `rewrite(scope, status, headers, body)`."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
            status, headers, body = rewrite(scope, start["status"], headers, b"".join(chunks))
            headers["content-length"] = str(len(body))
            raw = [(k.encode(), v.encode()) for k, v in headers.items()]
            await send({"type": "http.response.start", "status": status, "headers": raw})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped


def requests_rewritten(app: ASGIApp, change: Callable[[Scope], Scope]) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        await app(change(scope) if scope["type"] == "http" else scope, receive, send)

    return wrapped


def json_rewrite(change: Callable[[Any], Any]) -> Rewrite:
    def rewrite(scope: Scope, status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            value = json.loads(body)
        except ValueError:
            return status, headers, body
        return status, headers, json.dumps(change(value)).encode()

    return rewrite


def for_jobs(change: Callable[[dict[str, Any]], None]) -> Callable[[Any], Any]:
    """Apply `change` to every job object in a body (a job, or a page of jobs)."""

    def apply(value: Any) -> Any:
        items = value.get("data", [value]) if isinstance(value, dict) else []
        for item in items:
            if isinstance(item, dict) and item.get("object") == "fine_tuning.job":
                change(item)
        return value

    return apply


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


class PauseAnswersAnotherJob(JobStore):
    """Pause answers some other job (an id mix-up)."""

    def pause(self, job_id: str) -> dict[str, Any]:
        job = super().pause(job_id)
        return job | {"id": job_id + "-other"}


# -- the variants --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A broken server and the reasons the suite must give for failing it (any one of them is enough)."""

    name: str
    build: Callable[[], ASGIApp]
    reasons: frozenset[str]


def store_variant(store: type[JobStore]) -> Callable[[], ASGIApp]:
    return lambda: create_app(store(timings=TIMINGS), api_keys=[KEY])


def app_variant(wrap: Callable[[ASGIApp], ASGIApp]) -> Callable[[], ASGIApp]:
    return lambda: wrap(create_app(JobStore(timings=TIMINGS), api_keys=[KEY]))


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


SCHEMA = "Response violates schema"
VARIANTS = [
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
    Variant("crash on odd ids", app_variant(lambda a: rewriting(a, _crash_on_odd_ids)), frozenset({"Server error"})),
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
    Variant("pause changes nothing", store_variant(PauseChangesNothing), frozenset({"pause_pauses"})),
    Variant(
        "resume of a running job accepted", store_variant(ResumeWhileRunning), frozenset({"resume_of_running_refused"})
    ),
    Variant("cancel refuses paused jobs", store_variant(CancelRefusesPaused), frozenset({"cancel_from_paused"})),
    Variant(
        "refused pause pauses anyway", store_variant(RefusesButPauses), frozenset({"pause_before_running_refused"})
    ),
    Variant(
        "pause answers another job",
        store_variant(PauseAnswersAnotherJob),
        frozenset({"Custom check failed: `job_answer_names_the_path_id`", "pause_pauses"}),
    ),
]
