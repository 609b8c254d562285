"""The three outcomes: a verdict on the server only when something was tested, COULD_NOT_TEST otherwise,
always with the reason and every property reported."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ftjobs.contract import PROPERTIES, ContractOptions, Outcome, run_contract
from ftjobs.testing import JobStore, Timings, create_app, free_port, serve_app
from tests.contract.asgi import KEY, for_jobs, json_rewrite, rewriting

pytestmark = pytest.mark.usefixtures("embedded_only")


def _options(base_url: str, tmp_path: Path, **changes: object) -> ContractOptions:
    options = ContractOptions(
        base_url, KEY, max_examples=2, stateful_steps=2, poll_interval=0.05, still_seconds=0.3, report_dir=tmp_path
    )
    for name, value in changes.items():
        setattr(options, name, value)
    return options


def _every_property_reported(report_dir: Path, summary: str, *, on_the_console: bool = True) -> None:
    """Every property is in the JUnit report, and on the console unless the preflight stopped the run."""
    junit = (report_dir / "semantics-junit.xml").read_text()
    for name in PROPERTIES:
        assert (f"{name}:" in summary) is on_the_console
        assert f'name="{name}"' in junit


@contextmanager
def _silent_server() -> Iterator[int]:
    """A socket that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


def test_unreachable_server_could_not_test(tmp_path: Path) -> None:
    """Nothing listening: outcome 2 within seconds, the reason names the URL, every property is reported skipped."""
    started = time.monotonic()
    report = run_contract(_options(f"http://127.0.0.1:{free_port()}/v1", tmp_path), echo=lambda line: None)
    assert report.outcome is Outcome.COULD_NOT_TEST
    assert time.monotonic() - started < 10
    assert report.reason is not None
    assert "could not be reached" in report.reason
    assert "127.0.0.1" in report.reason
    assert all(result.status in ("skipped", "passed") for result in report.properties)
    summary = report.summary()
    _every_property_reported(tmp_path, summary, on_the_console=False)
    assert summary.count("could not be reached") == 1  # said once, not on a line per property
    assert "--seed" not in summary  # nothing ran: nothing to reproduce
    assert "schemathesis.json" not in summary  # not written, so not named
    assert "(semantics-junit.xml, contract-summary.json, contract-summary.md)" in summary


def test_unresponsive_server_could_not_test_within_the_request_timeout(tmp_path: Path) -> None:
    """A server that accepts and never answers ends the run with 2 after one request timeout, not minutes."""
    with _silent_server() as port:
        started = time.monotonic()
        report = run_contract(
            _options(f"http://127.0.0.1:{port}/v1", tmp_path, request_timeout=1.0), echo=lambda line: None
        )
    assert report.outcome is Outcome.COULD_NOT_TEST
    assert time.monotonic() - started < 10
    assert "accepted the connection but sent no answer within 1 s (--request-timeout)" in (report.reason or "")


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (401, b'{"error": {"message": "bad key"}}', "credentials were refused"),
        (403, b'{"error": {"message": "no access"}}', "credentials were refused"),
        (404, b'{"error": {"message": "Unknown path."}}', "/v1"),
        (500, b'{"error": {"message": "licence expired"}}', "licence expired"),
        (200, b"{}", "without a list of jobs"),
        (200, b"<html>hello</html>", "without a list of jobs"),
    ],
)
def test_preflight_names_why_nothing_can_be_tested(tmp_path: Path, status: int, body: bytes, words: str) -> None:
    """A list answer that is not a list, refused credentials, a wrong base URL or a server error: 2 and why."""

    def answer(scope: object, _status: int, headers: dict[str, str], _body: bytes) -> tuple[int, dict[str, str], bytes]:
        return status, {**headers, "content-type": "application/json"}, body

    with serve_app(rewriting(create_app(JobStore(), api_keys=[KEY]), answer)) as port:
        report = run_contract(_options(f"http://127.0.0.1:{port}/v1", tmp_path), echo=lambda line: None)
    assert report.outcome is Outcome.COULD_NOT_TEST
    assert words in (report.reason or "")
    assert report.schemathesis is None  # nothing ran after the preflight


def test_wrong_key_could_not_test(tmp_path: Path) -> None:
    """The correct server with a key it does not accept: 2, naming the credentials, not a verdict on the server."""
    with serve_app(create_app(JobStore(), api_keys=["sk-the-right-one"])) as port:
        report = run_contract(_options(f"http://127.0.0.1:{port}/v1", tmp_path), echo=lambda line: None)
    assert report.outcome is Outcome.COULD_NOT_TEST
    assert "credentials were refused" in (report.reason or "")


def test_unusable_options_are_a_usage_error(tmp_path: Path) -> None:
    """A base URL without a scheme, or one stateful step (which schemathesis refuses), is refused before any I/O."""
    with pytest.raises(ValueError, match="http"):
        run_contract(_options("127.0.0.1:8000/v1", tmp_path), echo=lambda line: None)
    with pytest.raises(ValueError, match="stateful"):
        run_contract(_options("http://127.0.0.1:1/v1", tmp_path, stateful_steps=1), echo=lambda line: None)


def test_schemathesis_refusing_its_arguments_could_not_test(tmp_path: Path) -> None:
    """An unknown check name makes schemathesis exit 2: the run could not test, it did not find a defect."""
    with serve_app(create_app(JobStore(), api_keys=[KEY])) as port:
        options = _options(f"http://127.0.0.1:{port}/v1", tmp_path, exclude_checks=["no_such_check"])
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.COULD_NOT_TEST
    assert "schemathesis could not run" in (report.reason or "")


def test_max_time_could_not_test(tmp_path: Path) -> None:
    """The overall bound reached in the middle of schemathesis: 2, and nothing left running."""
    store = JobStore()
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        options = _options(f"http://127.0.0.1:{port}/v1", tmp_path, max_time=6.0, max_examples=300)
        started = time.monotonic()
        report = run_contract(options, echo=lambda line: None)
        assert time.monotonic() - started < 30
    assert report.outcome is Outcome.COULD_NOT_TEST
    assert "--max-time" in (report.reason or "")
    assert report.created
    assert {job["status"] for job in store.list_jobs(limit=1000)[0]} <= {"cancelled", "failed", "succeeded"}


def test_jobs_that_never_start_could_not_test_and_other_properties_still_run(tmp_path: Path) -> None:
    """A job that never reaches running within the wait bound: 2 with the true elapsed time; probes still ran."""
    store = JobStore(timings=Timings(validating_files=1000.0, queued=1.0, running=10.0))
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        options = _options(f"http://127.0.0.1:{port}/v1", tmp_path, wait_timeout=1.0, phases=())
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.COULD_NOT_TEST
    status = {result.name: result for result in report.properties}
    assert status["unknown_id_404"].status == "passed"
    assert status["pause_before_running_refused"].status == "passed"
    assert status["pause_pauses"].status == "skipped"
    assert "within the wait bound of 1 s" in (status["pause_pauses"].skipped or "")
    assert "did not reach ['running'] within the wait bound of 1 s" in (report.reason or "")  # the true cause
    assert "precondition was lost" not in (report.reason or "")
    assert all(job["status"] == "cancelled" for job in store.list_jobs(limit=100)[0])


def test_a_failure_is_not_hidden_by_a_lost_precondition(tmp_path: Path) -> None:
    """Outcome 1 beats 2: a failed property makes the run DOES NOT CONFORM even if another was inconclusive."""

    def no_envelope(value: object) -> object:
        return {"detail": "nope"} if isinstance(value, dict) and "error" in value else value

    store = JobStore(timings=Timings(validating_files=1000.0, queued=1.0, running=10.0))
    app = rewriting(create_app(store, api_keys=[KEY]), json_rewrite(no_envelope))
    with serve_app(app) as port:
        options = _options(f"http://127.0.0.1:{port}/v1", tmp_path, wait_timeout=0.5, phases=())
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.DOES_NOT_CONFORM
    assert "unknown_id_404" in report.broken


def test_a_hung_request_stops_its_scenario_and_a_failure_still_decides(tmp_path: Path) -> None:
    """Like Prism: a broken JSON body is never answered, unknown ids get 200. The other scenarios still run, the
    hung one is skipped with the reason, and the failures make the outcome 1, not 2."""
    import asyncio

    from starlette.types import Receive, Scope, Send

    inner = rewriting(create_app(JobStore(), api_keys=[KEY]), _unknown_is_fine)

    async def hangs_on_broken_json(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"].endswith("/fine_tuning/jobs"):
            message = await receive()
            if message.get("body", b"").startswith(b'{"model": "gpt-4o-mini", "training_file": ') and not message.get(
                "body", b""
            ).endswith(b"}"):
                await asyncio.sleep(3)
            replay = [message]

            async def again() -> Any:
                return replay.pop() if replay else await receive()

            await inner(scope, again, send)
            return
        await inner(scope, receive, send)

    with serve_app(hangs_on_broken_json) as port:
        options = _options(f"http://127.0.0.1:{port}/v1", tmp_path, safe=True, phases=(), request_timeout=1.0)
        report = run_contract(options, echo=lambda line: None)
    status = {result.name: result for result in report.properties}
    assert report.outcome is Outcome.DOES_NOT_CONFORM, report.summary(None)
    assert status["unknown_id_404"].status == "failed"
    assert status["malformed_input_400"].status == "skipped"
    assert "no answer within 1 s (--request-timeout)" in (status["malformed_input_400"].skipped or "")
    assert status["list_limit_respected"].status == "passed"  # a later scenario still ran


def _unknown_is_fine(
    scope: object, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    return (200, headers, b"{}") if status == 404 else (status, headers, body)


def _gateway_breaks_some_operations(
    scope: Any, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Like Portkey's catch-all route: the list and every transition answer 500 outside the envelope, after the
    upstream has acted; retrieve, events and create work."""
    method, path = scope["method"], scope["path"]
    if (method == "GET" and path.endswith("/fine_tuning/jobs")) or (
        method == "POST" and path.endswith(("/pause", "/resume", "/cancel"))
    ):
        return 500, {"content-type": "application/json"}, b'{"status":"failure","message":"Something went wrong"}'
    return status, headers, body


def test_a_gateway_that_breaks_some_operations_does_not_conform(tmp_path: Path) -> None:
    """Some operations answering and others failing every time is a finding about those operations, not 2."""
    store = JobStore(timings=Timings(0.1, 0.1, 60.0))
    with serve_app(rewriting(create_app(store, api_keys=[KEY]), _gateway_breaks_some_operations)) as port:
        report = run_contract(_options(f"http://127.0.0.1:{port}/v1", tmp_path, phases=()), echo=lambda line: None)
    assert report.outcome is Outcome.DOES_NOT_CONFORM, report.summary(None)
    assert {"pause_pauses", "list_limit_respected"} <= report.broken
    pause = next(result for result in report.properties if result.name == "pause_pauses")
    assert "the pause acted behind the error" in pause.findings[0].message
    assert {job["status"] for job in store.list_jobs(limit=100)[0]} == {"cancelled"}  # cancel acted behind its 500


def test_an_empty_id_is_the_finding_and_no_path_is_built_from_it(tmp_path: Path) -> None:
    """Jobs answered with `"id": ""` (as Mockoon's): the create's answer fails, no request goes to `/jobs//…` or
    `/jobs/pause`, and no other route's answer is judged as an operation's."""

    def no_id(job: dict[str, Any]) -> None:
        job["id"] = ""

    seen: list[str] = []

    def record(scope: Any, status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        seen.append(scope["path"])
        return json_rewrite(for_jobs(no_id))(scope, status, headers, body)

    with serve_app(rewriting(create_app(JobStore(timings=Timings(0.1, 0.1, 60.0)), api_keys=[KEY]), record)) as port:
        options = _options(f"http://127.0.0.1:{port}/v1", tmp_path, max_examples=3)
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.DOES_NOT_CONFORM
    assert "create_reaches_running" in report.broken
    assert not [path for path in seen if "/jobs//" in path or path.endswith(("/jobs/", "/jobs/pause", "/jobs/events"))]
    assert any("cannot name a job" in warning for warning in report.warnings)
