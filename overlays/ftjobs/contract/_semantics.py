"""What pause must *do*: the contract's semantics, checked as scenarios against a live server.

Schemathesis checks the shape of every answer; these scenarios check behaviour: pause of a running job
pauses it (and a later read agrees), a forbidden transition is refused with the envelope and changes
nothing, resume runs the job on, cancel works from `paused`, every answer names the path's job, unknown ids
and bad credentials are refused. In safe mode only reads of the given jobs and negative probes run.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ftjobs._spec import schema_validator
from ftjobs.contract._common import Exchange, Finding, PropertyResult, credential_header, json_or_none

PAUSED = frozenset({"paused", "pausing"})
RESUMED = frozenset({"queued", "running", "resuming"})
REFUSALS = frozenset({400, 409})
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
JOB_OPERATIONS = [
    ("GET", ""),
    ("POST", "/pause"),
    ("POST", "/resume"),
    ("POST", "/cancel"),
    ("GET", "/events"),
    ("GET", "/checkpoints"),
]


def schema_errors(name: str, body: Any) -> list[str]:
    return [
        f"{'/' + '/'.join(map(str, e.instance_path))}: {e.message}" for e in schema_validator(name).iter_errors(body)
    ]


class Stop(Exception):
    """A scenario cannot go on (its finding is already recorded)."""


class StopAll(Stop):
    """No scenario can go on (its finding is already recorded)."""


@dataclass
class Scenario:
    """A live server, the credentials, and what has been found so far."""

    base_url: str
    headers: dict[str, str]
    http: httpx.Client
    wait_timeout: float
    poll_interval: float
    model: str = "gpt-4o-mini"
    training_file: str = "file-ftjobs-contract"
    results: list[PropertyResult] = field(default_factory=list)
    created: list[str] = field(default_factory=list)

    def prop(self, name: str, says: str) -> PropertyResult:
        result = PropertyResult(name, says)
        self.results.append(result)
        return result

    def call(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Exchange:
        request = self.http.build_request(
            method, self.base_url + path, headers=self.headers if headers is None else headers, **kwargs
        )
        try:
            response = self.http.send(request)
            response.read()
        except httpx.HTTPError as error:
            return Exchange(request, None, f"{type(error).__name__}: {error}")
        return Exchange(request, response)

    # -- answers -------------------------------------------------------------------------------

    def expect_json(self, result: PropertyResult, exchange: Exchange) -> bool:
        response = exchange.response
        if response is None:
            result.findings.append(Finding(result.name, "no answer", exchange))
            return False
        media = response.headers.get("content-type", "").split(";")[0].strip()
        if media != "application/json":
            result.findings.append(
                Finding(result.name, f"answered {media or 'no content type'}, not application/json", exchange)
            )
            return False
        return True

    def expect_job(self, result: PropertyResult, exchange: Exchange, job_id: str | None) -> dict[str, Any]:
        """A 200 answer with a job (that is the path's job, when an id is given); else a finding and Stop."""
        if not self.expect_json(result, exchange):
            raise Stop
        assert exchange.response is not None  # noqa: S101 -- expect_json checked it
        body = json_or_none(exchange.response)
        if exchange.response.status_code != 200:
            result.findings.append(
                Finding(result.name, f"expected 200 with the job, got {exchange.response.status_code}", exchange)
            )
            raise Stop
        problems = schema_errors("FineTuningJob", body)
        if problems:
            result.findings.append(
                Finding(result.name, "the job does not match the schema: " + "; ".join(problems[:5]), exchange)
            )
            raise Stop
        if job_id is not None and body["id"] != job_id:
            result.findings.append(
                Finding(result.name, f"asked about job {job_id!r}, answered job {body['id']!r}", exchange)
            )
            raise Stop
        job: dict[str, Any] = body
        return job

    def expect_refusal(self, result: PropertyResult, exchange: Exchange, statuses: frozenset[int], why: str) -> bool:
        """An answer with one of `statuses` and the error envelope; else a finding."""
        if not self.expect_json(result, exchange):
            return False
        assert exchange.response is not None  # noqa: S101 -- expect_json checked it
        status = exchange.response.status_code
        if status not in statuses:
            wanted = " or ".join(map(str, sorted(statuses)))
            result.findings.append(Finding(result.name, f"{why}: expected {wanted}, got {status}", exchange))
            return False
        problems = schema_errors("ErrorResponse", json_or_none(exchange.response))
        if problems:
            result.findings.append(
                Finding(result.name, "the error body is not the envelope: " + "; ".join(problems[:3]), exchange)
            )
            return False
        return True

    def status_of(self, result: PropertyResult, job_id: str) -> str:
        return str(self.expect_job(result, self.call("GET", f"/fine_tuning/jobs/{job_id}"), job_id)["status"])

    def wait_for(self, result: PropertyResult, job_id: str, wanted: frozenset[str]) -> str:
        deadline = time.monotonic() + self.wait_timeout
        while True:
            status = self.status_of(result, job_id)
            if status in wanted:
                return status
            if status in TERMINAL or time.monotonic() > deadline:
                result.findings.append(
                    Finding(
                        result.name,
                        f"job {job_id} never reached {sorted(wanted)} (last {status!r} after {self.wait_timeout:g} s)",
                    )
                )
                raise Stop
            time.sleep(self.poll_interval)

    def create(self, result: PropertyResult) -> str:
        body = {"model": self.model, "training_file": self.training_file, "suffix": "ftjobs-contract"}
        job = self.expect_job(result, self.call("POST", "/fine_tuning/jobs", json=body), None)
        self.created.append(job["id"])
        return str(job["id"])


def run_scenarios(
    base_url: str,
    *,
    api_key: str,
    auth: str,
    safe: bool,
    job_ids: list[str],
    wait_timeout: float,
    poll_interval: float,
    model: str = "gpt-4o-mini",
    training_file: str = "file-ftjobs-contract",
    timeout: float = 30.0,
) -> list[PropertyResult]:
    """Check every property that applies (safe mode: reads and negative probes only)."""
    name, value = credential_header(auth, api_key)
    with httpx.Client(timeout=timeout) as http:
        scenario = Scenario(
            base_url.rstrip("/"), {name: value}, http, wait_timeout, poll_interval, model, training_file
        )
        steps: list[Callable[[Scenario], None]] = [credentials_work, unknown_ids, bad_credentials, malformed_input]
        steps += [lambda s, ids=job_ids: reads_of(s, ids)]  # type: ignore[misc]
        if not safe:
            steps += [lifecycle, forbidden_from_queued]
        for step in steps:
            try:
                step(scenario)
            except StopAll:
                break
            except Stop:
                pass
        if not safe:
            cleanup(scenario)
        return scenario.results


def credentials_work(s: Scenario) -> None:
    """The configured credentials are accepted; otherwise nothing else can be tested."""
    result = s.prop("credentials_accepted", "the configured credentials are accepted (a list of jobs answers 200)")
    exchange = s.call("GET", "/fine_tuning/jobs", params={"limit": "1"})
    if exchange.response is None or exchange.response.status_code != 200:
        got = "no answer" if exchange.response is None else str(exchange.response.status_code)
        result.findings.append(
            Finding(result.name, f"expected 200, got {got}: the key or the base URL is wrong", exchange)
        )
        raise StopAll


def unknown_ids(s: Scenario) -> None:
    result = s.prop("unknown_id_404", "an unknown id answers 404 with the envelope on every job operation")
    unknown = "ftjob-ftjobs-contract-" + secrets.token_hex(8)
    for method, suffix in JOB_OPERATIONS:
        s.expect_refusal(
            result,
            s.call(method, f"/fine_tuning/jobs/{unknown}{suffix}"),
            frozenset({404}),
            f"{method} {suffix or 'retrieve'} of an unknown id",
        )


def bad_credentials(s: Scenario) -> None:
    missing = s.prop("missing_credentials_401", "a request without credentials answers 401 with the envelope")
    wrong = s.prop("wrong_credentials_401", "a request with a wrong key answers 401 with the envelope")
    header = next(iter(s.headers))
    wrong_value = "Bearer sk-ftjobs-contract-wrong" if header == "authorization" else "ftjobs-contract-wrong"
    probes: list[tuple[str, str, dict[str, str] | None]] = [
        ("GET", "/fine_tuning/jobs", None),
        ("POST", "/fine_tuning/jobs/ftjob-ftjobs-contract/pause", None),
    ]
    probes += [("POST", "/fine_tuning/jobs", {"model": "gpt-4o-mini", "training_file": "file-ftjobs-contract"})]
    for method, path, body in probes:
        s.expect_refusal(missing, s.call(method, path, headers={}, json=body), frozenset({401}), "no credentials")
        s.expect_refusal(
            wrong, s.call(method, path, headers={header: wrong_value}, json=body), frozenset({401}), "a wrong key"
        )


def malformed_input(s: Scenario) -> None:
    result = s.prop("malformed_input_400", "malformed input answers 400 with the envelope (and creates nothing)")
    probes: list[tuple[str, dict[str, Any]]] = [
        (
            "broken JSON",
            {
                "content": b'{"model": "gpt-4o-mini", "training_file": ',
                "headers": {**s.headers, "content-type": "application/json"},
            },
        ),
        ("a wrong type", {"json": {"model": 4, "training_file": "file-ftjobs-contract"}}),
        ("a missing required field", {"json": {"model": "gpt-4o-mini"}}),
        ("an unknown field", {"json": {"model": "gpt-4o-mini", "training_file": "f", "ftjobs_unknown": 1}}),
    ]
    for why, kwargs in probes:
        s.expect_refusal(result, s.call("POST", "/fine_tuning/jobs", **kwargs), frozenset({400, 422}), why)
    s.expect_refusal(
        result, s.call("GET", "/fine_tuning/jobs", params={"limit": "0"}), frozenset({400, 422}), "limit=0"
    )


def reads_of(s: Scenario, job_ids: list[str]) -> None:
    if not job_ids:
        return
    result = s.prop("reads_name_the_job", "retrieve answers the path's job; its events and checkpoints are lists")
    for job_id in job_ids:
        try:
            s.expect_job(result, s.call("GET", f"/fine_tuning/jobs/{job_id}"), job_id)
        except Stop:
            continue
        for suffix, schema in (
            ("/events", "ListFineTuningJobEventsResponse"),
            ("/checkpoints", "ListFineTuningJobCheckpointsResponse"),
        ):
            exchange = s.call("GET", f"/fine_tuning/jobs/{job_id}{suffix}")
            if s.expect_json(result, exchange) and exchange.response is not None:
                problems = schema_errors(schema, json_or_none(exchange.response))
                if exchange.response.status_code != 200 or problems:
                    result.findings.append(
                        Finding(result.name, f"{suffix[1:]} did not answer a valid list: {problems[:3]}", exchange)
                    )


def lifecycle(s: Scenario) -> None:
    """One job through running → paused → (refusals) → resumed → running → paused → cancelled → (refusals)."""
    start = s.prop("create_reaches_running", "a created job answers itself, then reaches running")
    job_id = s.create(start)
    s.wait_for(start, job_id, frozenset({"running"}))

    refused = s.prop(
        "resume_of_running_refused", "resume of a running job answers 400/409 with the envelope; the job keeps running"
    )
    if s.expect_refusal(
        refused, s.call("POST", f"/fine_tuning/jobs/{job_id}/resume"), REFUSALS, "resume of a running job"
    ):
        after = s.status_of(refused, job_id)
        if after not in ("running", "succeeded"):
            refused.findings.append(Finding(refused.name, f"the refused resume changed the job: now {after!r}"))

    pause = s.prop(
        "pause_pauses", "pause of a running job answers it paused (or pausing), and a later read shows it paused"
    )
    job = s.expect_job(pause, s.call("POST", f"/fine_tuning/jobs/{job_id}/pause"), job_id)
    if job["status"] not in PAUSED:
        pause.findings.append(Finding(pause.name, f"pause answered status {job['status']!r}, not paused"))
        raise Stop
    s.wait_for(pause, job_id, frozenset({"paused"}))
    time.sleep(s.poll_interval)
    if s.status_of(pause, job_id) != "paused":
        pause.findings.append(Finding(pause.name, "a paused job did not stay paused"))

    again = s.prop(
        "pause_of_paused", "pause of a paused job answers 200 with the job unchanged, or 400/409; it stays paused"
    )
    exchange = s.call("POST", f"/fine_tuning/jobs/{job_id}/pause")
    if exchange.response is not None and exchange.response.status_code == 200:
        if s.expect_job(again, exchange, job_id)["status"] != "paused":
            again.findings.append(Finding(again.name, "a second pause answered a status other than paused", exchange))
    else:
        s.expect_refusal(again, exchange, REFUSALS, "pause of a paused job")
    if s.status_of(again, job_id) != "paused":
        again.findings.append(Finding(again.name, "after a second pause the job is no longer paused"))

    resume = s.prop("resume_runs_on", "resume of a paused job answers queued or running, and the job runs again")
    job = s.expect_job(resume, s.call("POST", f"/fine_tuning/jobs/{job_id}/resume"), job_id)
    if job["status"] not in RESUMED:
        resume.findings.append(Finding(resume.name, f"resume answered status {job['status']!r}, not queued or running"))
        raise Stop
    s.wait_for(resume, job_id, frozenset({"running"}))

    cancel = s.prop("cancel_from_paused", "cancel of a paused job answers it cancelled, and a later read agrees")
    s.expect_job(cancel, s.call("POST", f"/fine_tuning/jobs/{job_id}/pause"), job_id)
    s.wait_for(cancel, job_id, frozenset({"paused"}))
    job = s.expect_job(cancel, s.call("POST", f"/fine_tuning/jobs/{job_id}/cancel"), job_id)
    if job["status"] != "cancelled" or s.status_of(cancel, job_id) != "cancelled":
        cancel.findings.append(Finding(cancel.name, f"cancel of a paused job left it {job['status']!r}"))
        raise Stop

    ended = s.prop(
        "ended_job_refuses",
        "pause, resume and cancel of a cancelled job answer 400/409 with the envelope; it stays cancelled",
    )
    for action in ("pause", "resume", "cancel"):
        s.expect_refusal(
            ended, s.call("POST", f"/fine_tuning/jobs/{job_id}/{action}"), REFUSALS, f"{action} of a cancelled job"
        )
    if s.status_of(ended, job_id) != "cancelled":
        ended.findings.append(Finding(ended.name, "a refused transition changed a cancelled job"))


def forbidden_from_queued(s: Scenario) -> None:
    """Pause of a job that has not started running is refused and changes nothing."""
    result = s.prop(
        "pause_before_running_refused", "pause of a job that is not yet running answers 400/409 and changes nothing"
    )
    job_id = s.create(result)
    before = s.status_of(result, job_id)
    if before == "running":
        result.skipped = "the job was running before it could be paused"
        return
    if s.expect_refusal(
        result, s.call("POST", f"/fine_tuning/jobs/{job_id}/pause"), REFUSALS, f"pause of a {before!r} job"
    ):
        after = s.status_of(result, job_id)
        if after in PAUSED:
            result.findings.append(Finding(result.name, f"the refused pause paused the job anyway (now {after!r})"))


def cleanup(s: Scenario) -> None:
    """Cancel what the scenarios created (best effort), so that a run on a real account stops spending."""
    for job_id in s.created:
        s.call("POST", f"/fine_tuning/jobs/{job_id}/cancel")
