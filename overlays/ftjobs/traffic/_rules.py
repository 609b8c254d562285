"""The rules recorded traffic is held to: each exchange alone, and the sequence of what each job showed.

Without `sole_client`, only what no other client could explain is a violation; the state rules over the
sequence (which another client's pause, resume or cancel could explain) become notes. With it, the recording
is taken to hold every request made to these jobs, and they count.

Order: two observations are taken to be in the order they happened when the first's answer ended before the
second's request began; without timings (a cassette), in the file's order. Overlapping exchanges are never
compared, so concurrent requests give no verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ftjobs._statuses import REACHED, TERMINAL
from ftjobs.contract._common import Exchange, PropertyResult
from ftjobs.traffic._records import Recorded, loads
from ftjobs.traffic._routes import (
    PAGES,
    Call,
    answer_validator,
    documented,
    query_parameters,
    request_validator,
)

ANY, SOLE = "any", "sole"
TRAFFIC_PROPERTIES: dict[str, tuple[str, str]] = {
    "status_code_documented": ("every answer's status code is one the fragment documents for the operation", ANY),
    "content_type_json": ("every answer with a body is JSON (application/json)", ANY),
    "answers_keep_the_schema": ("every 2xx answer validates against the fragment's schema for it", ANY),
    "errors_in_envelope": ("every error answer is the fragment's error envelope", ANY),
    "answers_name_the_job": ("retrieve, pause, resume and cancel answer the path's job", ANY),
    "transitions_answer_their_status": (
        "a 200 to pause answers paused/pausing, to resume queued/running/resuming, to cancel cancelled",
        ANY,
    ),
    "terminal_stays_terminal": ("a job once shown succeeded, failed or cancelled never shows another status", ANY),
    "list_limit_respected": ("a page never holds more than `limit` items (jobs, events, checkpoints)", ANY),
    "list_after_continues": ("a page asked for `after` a cursor does not answer the cursor again", ANY),
    "requests_keep_the_fragment": ("every request the client sent keeps the fragment (body, query)", ANY),
    "paused_stands_still": (
        "a job shown paused shows no other status, and no more trained_tokens, until a resume or cancel",
        SOLE,
    ),
    "resume_of_running_refused": (
        "resume is not accepted for a job last shown not paused, with no pause since (it cannot pause on its own)",
        SOLE,
    ),
    "cancel_from_paused": (
        "cancel of a job last shown paused is not refused (a paused job cannot end on its own)",
        SOLE,
    ),
    "list_has_more": ("a first page of jobs as long as `limit` says has_more when more jobs were shown", SOLE),
    "refused_changes_nothing": ("a pause, resume or cancel answered 4xx does not bring the job where it leads", SOLE),
    "no_going_back": ("a job never moves back (to queued or validating) without a resume", SOLE),
}
# Answers no contract governs: a gateway in front of the server, or a permission answer the fragment leaves out.
NOT_JUDGED = frozenset({403, 502, 503, 504})
# How far a job has come; a resume may take it back to queued (through resuming), nothing else takes it back.
RANK = {"created": 0, "pending": 0, "validating_files": 0, "queued": 1, "resuming": 1, "running": 2, "pausing": 2}
RANK.update({"paused": 2, "succeeded": 3, "failed": 3, "cancelled": 3})
KEEP = 10  # findings kept per property; the rest are counted


@dataclass(slots=True)
class Seen:
    """What one job last showed, and from which exchange."""

    status: str
    trained_tokens: int | None
    index: int  # the exchange's number among the checked ones (the order without timings)
    place: str  # where in the file
    ended: float | None


@dataclass
class JobHistory:
    last: Seen | None = None
    terminal: Seen | None = None  # the first observation in a terminal status
    paused: Seen | None = None  # shown paused, with no resume or cancel since
    refused: tuple[str, Seen | None, str, float | None] | None = None  # transition refused, before it, where, when
    resumed_since: bool = False  # a resume was sent since `last` (it may legitimately answer queued)
    paused_since: bool = False  # a pause was sent since `last` (a resume may then be accepted)
    last_transition: str | None = None  # the latest pause, resume or cancel sent to the job


@dataclass
class Checker:
    """Feed it exchanges in the file's order (`check`); read the results when done (`results`)."""

    sole_client: bool
    properties: dict[str, PropertyResult] = field(default_factory=dict)
    jobs: dict[str, JobHistory] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    noted: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # property → findings beyond those kept
    failures: int = 0  # every violation, kept or only counted
    on_violation: Callable[[str], None] | None = None  # told of each violation as it is found
    checked: int = 0
    dated: int = 0
    shown_jobs: int = 0  # jobs an answer has shown
    _index: int = 0

    def __post_init__(self) -> None:
        for name, (says, applies) in TRAFFIC_PROPERTIES.items():
            self.properties[name] = PropertyResult(name, says)
            if applies == SOLE and not self.sole_client:
                self.properties[name].skip("needs --sole-client (another client could explain it); seen as notes")

    # -- the results ---------------------------------------------------------------------------

    def fail(self, prop: str, message: str, record: Recorded) -> None:
        result = self.properties[prop]
        if TRAFFIC_PROPERTIES[prop][1] == SOLE and not self.sole_client:
            self.note(f"{record.place}: {message} (another client could explain it: not a failure)")
            return
        self.failures += 1
        if self.on_violation is not None:
            self.on_violation(f"✗ {prop}: {record.place}: {message}")
        if len(result.findings) >= KEEP:
            self.counts[prop] = self.counts.get(prop, 0) + 1
            return
        result.fail(f"{record.place}: {message}", Exchange(*record.exchange_parts()))

    def passed(self, prop: str) -> None:
        self.properties[prop].checked = True

    def note(self, text: str) -> None:
        self.noted += 1
        if len(self.notes) < 50:
            self.notes.append(text)

    # -- one exchange ----------------------------------------------------------------------------

    def check(self, record: Recorded, call: Call) -> None:
        self._index += 1
        self.checked += 1
        if record.source is None or record.source == "scenario":
            self._request(record, call)
        if record.status is None:
            self.note(f"{record.place}: {record.method} {call.template} has no recorded answer")
            self._sent(call, record)
            return
        if call.dated:
            self.dated += 1  # judged by the dated dialect's fragment (openapi/azure_dated.yaml)
        if record.status in NOT_JUDGED:
            self.note(f"{record.place}: {record.status} from {call.template} (a gateway or permission answer)")
            self._sent(call, record)
            return
        else:
            body = self._answer(record, call)
        self._sent(call, record)
        if 200 <= record.status < 300 and isinstance(body, dict):
            self._observe_answer(record, call, body)

    def _request(self, record: Recorded, call: Call) -> None:
        method = record.method
        problems: list[str] = []
        for name, schema in query_parameters(call.template, method, call.dialect).items():
            if name in call.query and schema.get("type") == "integer":
                value = call.query[name]
                if not value.lstrip("-").isdigit():
                    problems.append(f"query `{name}={value}` is not an integer")
                elif ("minimum" in schema and int(value) < schema["minimum"]) or (
                    "maximum" in schema and int(value) > schema["maximum"]
                ):
                    problems.append(f"query `{name}={value}` is out of the fragment's bounds")
        validator = request_validator(call.template, method, call.dialect)
        if validator is not None:
            body = _json(record.request_body)
            if body is _NOT_JSON:
                problems.append("the body is not JSON")
            else:
                problems += [f"body {_path(e.instance_path)}: {e.message}" for e in validator.iter_errors(body)][:3]
        if problems:
            self.fail("requests_keep_the_fragment", f"{call.operation} request: " + "; ".join(problems), record)
        else:
            self.passed("requests_keep_the_fragment")

    def _answer(self, record: Recorded, call: Call) -> Any:
        """The per-exchange rules on the answer; its JSON body (or `_NOT_JSON`)."""
        status, method = record.status or 0, record.method
        if documented(call.template, method, status, call.dialect):
            self.passed("status_code_documented")
        else:
            self.fail("status_code_documented", f"{call.operation} answered {status}, not documented for it", record)
        if not record.response_body:
            return _NOT_JSON
        media = (record.header("content-type") or "").split(";")[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            self.fail(
                "content_type_json", f"{call.operation} answered {status} as {media or 'no content type'}", record
            )
            return _json(record.response_body)
        self.passed("content_type_json")
        body = _json(record.response_body)
        prop = "answers_keep_the_schema" if status < 300 else "errors_in_envelope"
        validator = answer_validator(call.template, method, status, call.dialect)
        if body is _NOT_JSON:
            self.fail(prop, f"{call.operation} answered {status} with a body that is not JSON", record)
        elif validator is not None:
            errors = list(validator.iter_errors(body)) if not validator.is_valid(body) else []
            if errors:
                shown = "; ".join(f"{_path(e.instance_path)}: {e.message}" for e in errors[:3])
                self.fail(prop, f"{call.operation} answer {status} breaks the fragment: {shown}"[:600], record)
            else:
                self.passed(prop)
        return body

    # -- what the exchange shows of jobs ---------------------------------------------------------

    def _sent(self, call: Call, record: Recorded) -> None:
        """What sending the request means for the job's history (before its answer is read)."""
        if call.job_id is None or call.transition is None:
            return
        history = self.jobs.setdefault(call.job_id, JobHistory())
        self._accepted_from(history, call, record, call.job_id)
        history.last_transition = call.transition
        if call.transition == "pause":
            history.paused_since = True
        if call.transition in ("resume", "cancel"):
            history.paused = None
            history.resumed_since = True
        history.refused = None
        if record.status is not None and 400 <= record.status < 500 and record.status not in (401, 404, 429):
            history.refused = (call.transition, history.last, record.place, record.ended)

    def _accepted_from(self, history: JobHistory, call: Call, record: Recorded, job_id: str) -> None:
        """The sole-client rules on a transition's answer, given the job's last observation."""
        last, status, transition = history.last, record.status or 0, call.transition
        if last is None or not self._after(last, record):
            return
        again = history.last_transition == "resume"  # a second resume may be answered 200, as a second pause is
        if transition == "resume" and status == 200 and not history.paused_since and not again:
            if last.status not in ("paused", "pausing"):
                message = (
                    f"resume of {job_id} accepted, yet it was last {last.status} ({last.place}) with no pause since"
                )
                self.fail("resume_of_running_refused", message, record)
            else:
                self.passed("resume_of_running_refused")
        if transition == "cancel" and last.status == "paused" and not history.resumed_since:
            if status in (400, 409) and _about_the_job(call, record):
                message = f"cancel of {job_id} refused ({status}), yet it was last paused ({last.place})"
                self.fail("cancel_from_paused", message, record)
            elif status == 200:
                self.passed("cancel_from_paused")

    def _observe_answer(self, record: Recorded, call: Call, body: dict[str, Any]) -> None:
        if call.operation in PAGES:
            self._page(record, call, body)
            return
        if call.operation == "createFineTuningJob" or call.job_id is None:
            self._observe(record, body)
            return
        shown = body.get("id")
        if shown != call.job_id:
            self.fail("answers_name_the_job", f"{call.operation} of {call.job_id} answered job {shown!r}", record)
            return
        self.passed("answers_name_the_job")
        if call.transition is not None and record.status == 200:
            status = body.get("status")
            if status in REACHED[call.transition]:
                self.passed("transitions_answer_their_status")
            else:
                allowed = "/".join(sorted(REACHED[call.transition]))
                message = f"{call.transition} of {call.job_id} answered 200 with status {status!r}, not {allowed}"
                self.fail("transitions_answer_their_status", message, record)
        self._observe(record, body, transition=call.transition)

    def _page(self, record: Recorded, call: Call, body: dict[str, Any]) -> None:
        data = body.get("data")
        if not isinstance(data, list):
            return
        default = query_parameters(call.template, "GET", call.dialect).get("limit", {}).get("default")
        limit_text = call.query.get("limit")
        limit = int(limit_text) if limit_text and limit_text.isdigit() else default
        if isinstance(limit, int):
            if len(data) > limit:
                message = f"{call.operation} with limit {limit} answered {len(data)} items"
                self.fail("list_limit_respected", message, record)
            else:
                self.passed("list_limit_respected")
        after = call.query.get("after")
        if after:
            ids = [item.get("id") for item in data if isinstance(item, dict)]
            if after in ids:
                self.fail("list_after_continues", f"{call.operation} after {after!r} answered {after!r} again", record)
            else:
                self.passed("list_after_continues")
        if call.operation == "listPaginatedFineTuningJobs":
            self._has_more(record, call, body, limit)
            for item in data:
                if isinstance(item, dict):
                    self._observe(record, item)

    def _has_more(self, record: Recorded, call: Call, body: dict[str, Any], limit: Any) -> None:
        data = body["data"]
        if "after" in call.query or not isinstance(limit, int) or len(data) != limit or limit == 0:
            return
        shown = {item.get("id") for item in data if isinstance(item, dict)}
        on_page = sum(1 for job_id in shown if isinstance(job_id, str) and self._was_shown(job_id))
        if body.get("has_more") is False and self.shown_jobs > on_page:
            other = next(j for j, h in self.jobs.items() if h.last is not None and j not in shown)
            message = f"a page of {limit} jobs says has_more false, yet {other} was shown before and is not on it"
            self.fail("list_has_more", message, record)
        elif body.get("has_more") is True:
            self.passed("list_has_more")

    def _was_shown(self, job_id: str) -> bool:
        history = self.jobs.get(job_id)
        return history is not None and history.last is not None

    def _observe(self, record: Recorded, job: dict[str, Any], transition: str | None = None) -> None:
        """A job as an answer showed it: the sequence rules."""
        job_id, status = job.get("id"), job.get("status")
        if not isinstance(job_id, str) or status not in RANK:  # a status outside the enum: the schema rule says so
            return
        tokens = job.get("trained_tokens")
        seen = Seen(status, tokens if isinstance(tokens, int) else None, self._index, record.place, record.ended)
        history = self.jobs.setdefault(job_id, JobHistory())
        self._terminal(history, seen, record, job_id)
        self._stands_still(history, seen, record, job_id)
        self._refused(history, seen, record, job_id, transition)
        self._backwards(history, seen, record, job_id, transition)
        if status == "paused" and history.paused is None:
            history.paused = seen
        if history.last is None:
            self.shown_jobs += 1
        history.last = seen
        if transition is None:
            history.resumed_since = history.paused_since = False

    def _after(self, earlier: Seen, record: Recorded) -> bool:
        """`record` began after `earlier`'s answer ended (without timings: it comes later in the file)."""
        if earlier.ended is None or record.started is None:
            return earlier.index < self._index
        return earlier.ended <= record.started

    def _terminal(self, history: JobHistory, seen: Seen, record: Recorded, job_id: str) -> None:
        first = history.terminal
        if first is None:
            if seen.status in TERMINAL:
                history.terminal = seen
            return
        if seen.status != first.status and self._after(first, record):
            message = f"{job_id} was {first.status} ({first.place}), then shown {seen.status}"
            self.fail("terminal_stays_terminal", message, record)
        else:
            self.passed("terminal_stays_terminal")

    def _stands_still(self, history: JobHistory, seen: Seen, record: Recorded, job_id: str) -> None:
        paused = history.paused
        if paused is None or not self._after(paused, record):
            return
        if seen.status != "paused":
            message = f"{job_id} was paused ({paused.place}), then {seen.status} with no resume or cancel"
            self.fail("paused_stands_still", message, record)
            history.paused = None
        elif paused.trained_tokens is not None and (seen.trained_tokens or 0) > paused.trained_tokens:
            message = (
                f"{job_id} is paused, yet trained_tokens grew from {paused.trained_tokens} "
                f"({paused.place}) to {seen.trained_tokens}"
            )
            self.fail("paused_stands_still", message, record)
            history.paused = None
        else:
            self.passed("paused_stands_still")

    def _refused(self, history: JobHistory, seen: Seen, record: Recorded, job_id: str, transition: str | None) -> None:
        if history.refused is None or transition is not None:
            return
        name, before, index, ended = history.refused
        history.refused = None
        if before is None or (ended is not None and record.started is not None and record.started < ended):
            return
        reached = REACHED[name]
        moved = seen.status in reached and before.status not in reached
        if name == "resume":
            moved = moved and before.status == "paused"
        if moved:
            message = f"{name} of {job_id} was refused ({index}), yet it went {before.status} → {seen.status}"
            self.fail("refused_changes_nothing", message, record)
        else:
            self.passed("refused_changes_nothing")

    def _backwards(
        self, history: JobHistory, seen: Seen, record: Recorded, job_id: str, transition: str | None
    ) -> None:
        last = history.last
        if last is None or last.status in TERMINAL or history.resumed_since or transition == "resume":
            return
        if not self._after(last, record):
            return
        if RANK.get(seen.status, 2) < RANK.get(last.status, 0):
            message = f"{job_id} went back from {last.status} ({last.place}) to {seen.status}"
            self.fail("no_going_back", message, record)
        else:
            self.passed("no_going_back")


_NOT_JSON: Any = object()
# An `api-version` a server may take: v1, preview, latest, or a dated version.
KNOWN_VERSION = re.compile(r"^(v1|preview|latest|\d{4}-\d{2}-\d{2}(-preview)?)$")


def _about_the_job(call: Call, record: Recorded) -> bool:
    """A refusal that can only be about the job's state: the request asked nothing else (no query but a known
    `api-version`), and the error names no other parameter. A refusal of a fuzzed parameter is not one."""
    if set(call.query) - {"api-version"} or not KNOWN_VERSION.match(call.query.get("api-version", "v1")):
        return False
    error = _json(record.response_body)
    error = error.get("error") if isinstance(error, dict) else None
    param = error.get("param") if isinstance(error, dict) else None
    return param in (None, "fine_tuning_job_id", "id")


def _json(content: bytes) -> Any:
    try:
        return loads(content)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _path(parts: Any) -> str:
    return "/" + "/".join(map(str, parts))
