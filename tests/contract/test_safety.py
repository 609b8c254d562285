"""Secrets and money: no key anywhere, even when the server quotes it back; every job the run created is
cancelled on every path; a `--pause-job` job is never left paused."""

from __future__ import annotations

import _thread
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ftjobs._auth import REDACTED
from ftjobs.contract import ContractOptions, Outcome, run_contract
from ftjobs.testing import JobStore, Timings, create_app, serve_app
from tests.contract.asgi import KEY, for_jobs, json_rewrite, requests_rewritten, rewriting

pytestmark = pytest.mark.usefixtures("embedded_only")
PROJECT = "proj_ftjobs_secret_header_value"


def _quote_credentials(
    scope: Any, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Every answer carries the request's credentials and headers back, in the body and a header."""
    sent = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
    quoted = " ".join(f"{name}={sent[name]}" for name in ("authorization", "api-key", "openai-project") if name in sent)
    if status == 401 or scope["path"].endswith("/pause"):  # a failing pause: its answer lands in the reports
        status, body = (
            (status if status == 401 else 500),
            ('{"error": {"message": "rejected: ' + quoted + '"}}').encode(),
        )
    return status, {**headers, "x-echo": quoted}, body.replace(b'"ftjobs-contract"', f'"{quoted}"'.encode())


def _files_text(directory: Path) -> bytes:
    return b"".join(path.read_bytes() for path in directory.rglob("*") if path.is_file())


@pytest.mark.parametrize("auth", ["bearer", "api-key"])
def test_key_quoted_back_appears_nowhere(tmp_path: Path, auth: str) -> None:
    """The raw console stream, the summary and every file in the report folder are free of the key and headers."""
    lines: list[str] = []
    app = rewriting(create_app(JobStore(timings=Timings(0.1, 0.1, 60.0)), api_keys=[KEY]), _quote_credentials)
    with serve_app(app) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1",
            KEY,
            auth=auth,
            headers=[("OpenAI-Project", PROJECT)],
            max_examples=3,
            stateful_steps=3,
            poll_interval=0.05,
            still_seconds=0.3,
            report_dir=tmp_path,
        )
        report = run_contract(options, echo=lines.append)
    stream = "\n".join(lines) + report.summary(None) + report.markdown()
    assert "rejected: " in stream  # the server did quote the credentials back …
    assert REDACTED in stream  # … and they were replaced
    assert REDACTED.encode() in _files_text(tmp_path)
    for secret in (KEY, PROJECT):
        assert secret not in stream
        assert secret.encode() not in _files_text(tmp_path)


def test_extra_headers_reach_the_server(tmp_path: Path) -> None:
    """`headers` go with every request of both parts (schemathesis and the scenarios)."""
    seen: list[str | None] = []

    def record(scope: Any, status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        sent = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        seen.append(sent.get("openai-project"))
        return status, headers, body

    with serve_app(rewriting(create_app(JobStore(), api_keys=[KEY]), record)) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1",
            KEY,
            headers=[("OpenAI-Project", PROJECT)],
            safe=True,
            max_examples=2,
            report_dir=tmp_path,
        )
        run_contract(options, echo=lambda line: None)
    assert len(seen) > 20
    assert seen.count(PROJECT) == len(seen)


def test_create_answer_failing_the_schema_is_still_cancelled(tmp_path: Path) -> None:
    """A created job whose answer breaks the schema is recorded before any check, and cancelled at the end."""
    store = JobStore(timings=Timings(0.1, 0.1, 60.0))

    def drop_seed(job: dict[str, Any]) -> None:
        job.pop("seed", None)

    with serve_app(rewriting(create_app(store, api_keys=[KEY]), json_rewrite(for_jobs(drop_seed)))) as port:
        options = ContractOptions(f"http://127.0.0.1:{port}/v1", KEY, phases=(), report_dir=tmp_path)
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.DOES_NOT_CONFORM
    jobs = store.list_jobs(limit=100)[0]
    assert jobs
    assert {job["status"] for job in jobs} == {"cancelled"}


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def test_safe_mode_sends_no_create_a_careless_server_could_act_on(tmp_path: Path) -> None:
    """Against a server that takes any key (and so would make a job of a wrong-key create), a safe run sends no
    create with a training file at all, and the server ends with no job."""
    store = JobStore(timings=Timings(0.1, 0.1, 60.0))
    creates: list[bytes] = []

    def any_key(scope: Any) -> Any:
        headers = [(n, f"Bearer {KEY}".encode() if n.lower() == b"authorization" else v) for n, v in scope["headers"]]
        return dict(scope, headers=headers)

    async def recorded(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"].endswith("/fine_tuning/jobs"):
            message = await receive()
            creates.append(message.get("body", b""))

            async def replay() -> Any:
                return message

            await app(scope, replay, send)
            return
        await app(scope, receive, send)

    app = requests_rewritten(create_app(store, api_keys=[KEY]), any_key)
    with serve_app(recorded) as port:
        options = ContractOptions(f"http://127.0.0.1:{port}/v1", KEY, safe=True, max_examples=2, report_dir=tmp_path)
        report = run_contract(options, echo=lambda line: None)
    assert "wrong_credentials_401" in report.broken  # the careless server is still found out (by its reads)
    assert creates  # the malformed ones were sent ...
    assert not [body for body in creates if "training_file" in _json_object(body)]  # ... none that could make a job
    assert store.list_jobs(limit=10)[0] == []


class _Interrupt:
    """An echo that presses Ctrl-C when a line containing `at` is shown (`times` times)."""

    def __init__(self, at: str, times: int = 1) -> None:
        self.at, self.times, self.lines = at, times, list[str]()

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if self.at in line and self.times:
            self.times -= 1
            raise KeyboardInterrupt


def _interrupted_at(line: str, tmp_path: Path) -> list[dict[str, Any]]:
    """A full run against the reference server, Ctrl-C pressed when `line` is shown; the server's jobs after it."""
    store = JobStore(timings=Timings(0.1, 0.1, 60.0))
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1",
            KEY,
            max_examples=2,
            stateful_steps=2,
            poll_interval=0.05,
            report_dir=tmp_path,
        )
        with pytest.raises(KeyboardInterrupt):
            run_contract(options, echo=_Interrupt(line))
    return store.list_jobs(limit=1000)[0]


def test_ctrl_c_cancels_every_created_job(tmp_path: Path) -> None:
    """Ctrl-C in the middle of the scenarios cancels every job the run made (schemathesis' too), then re-raises."""
    jobs = _interrupted_at("scenario: pause before running", tmp_path)
    assert len(jobs) > 2
    assert {job["status"] for job in jobs} <= {"cancelled", "failed", "succeeded"}
    assert "interrupted" in (tmp_path / "contract-summary.json").read_text()


def test_ctrl_c_during_schemathesis_cancels_what_it_created(tmp_path: Path) -> None:
    """Ctrl-C while schemathesis runs: its process group is stopped, and the jobs its creates made are cancelled."""
    jobs = _interrupted_at("Test cases:", tmp_path)
    assert len(jobs) > 10  # schemathesis' creates, and nothing of the scenarios yet
    assert {job["status"] for job in jobs} <= {"cancelled", "failed", "succeeded"}


def test_second_ctrl_c_aborts_the_clean_up_and_lists_what_was_left(tmp_path: Path) -> None:
    """A Ctrl-C during the clean-up stops it and names the jobs that may still be running."""
    store = JobStore(timings=Timings(0.1, 0.1, 60.0))
    interrupt = _Interrupt("scenario: pagination")
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1", KEY, phases=(), poll_interval=0.05, report_dir=tmp_path
        )

        def twice(line: str) -> None:
            if line.startswith("clean-up: cancelling"):
                raise KeyboardInterrupt
            interrupt(line)

        with pytest.raises(KeyboardInterrupt):
            run_contract(options, echo=twice)
    left = [job["id"] for job in store.list_jobs(limit=100)[0] if job["status"] not in ("cancelled",)]
    assert left
    summary = (tmp_path / "contract-summary.json").read_text()
    assert all(job_id in summary for job_id in left)


@pytest.fixture
def running_job() -> tuple[JobStore, str]:
    store = JobStore(timings=Timings(0.0, 0.0, 600.0))
    job_id = store.create({"model": "gpt-4o-mini", "training_file": "file-mine"})["id"]
    store.retrieve(job_id)  # brings it to running
    return store, job_id


def test_pause_job_tests_an_existing_job_and_leaves_it_running(
    tmp_path: Path, running_job: tuple[JobStore, str]
) -> None:
    """--pause-job with --safe: pause, stand still, second pause, resume; no job created, none cancelled."""
    store, job_id = running_job
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1",
            KEY,
            safe=True,
            pause_job=job_id,
            max_examples=2,
            poll_interval=0.05,
            still_seconds=0.3,
            report_dir=tmp_path,
        )
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    status = {result.name: result.status for result in report.properties}
    for name in ("pause_pauses", "paused_stands_still", "pause_of_paused", "resume_not_terminal", "resume_runs_on"):
        assert status[name] == "passed"
    assert status["cancel_from_paused"] == "skipped"
    assert len(store) == 1
    assert store.retrieve(job_id)["status"] == "running"


def test_pause_job_not_running_could_not_test(tmp_path: Path, running_job: tuple[JobStore, str]) -> None:
    """A --pause-job job that is not running: 2, naming its status; nothing changed."""
    store, job_id = running_job
    store.pause(job_id)
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        options = ContractOptions(f"http://127.0.0.1:{port}/v1", KEY, safe=True, pause_job=job_id, report_dir=tmp_path)
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.COULD_NOT_TEST
    assert "'paused'" in (report.reason or "")
    assert store.retrieve(job_id)["status"] == "paused"


def test_ctrl_c_while_paused_resumes_the_given_job(tmp_path: Path, running_job: tuple[JobStore, str]) -> None:
    """Ctrl-C while the given job stands paused: the clean-up resumes it before the interrupt goes on."""
    store, job_id = running_job

    def press_ctrl_c_once_paused() -> None:
        deadline = time.monotonic() + 10
        while store.retrieve(job_id)["status"] != "paused" and time.monotonic() < deadline:
            time.sleep(0.01)
        _thread.interrupt_main()

    with serve_app(create_app(store, api_keys=[KEY])) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1",
            KEY,
            safe=True,
            pause_job=job_id,
            phases=(),
            still_seconds=5.0,
            poll_interval=0.05,
            report_dir=tmp_path,
        )
        presser = threading.Thread(target=press_ctrl_c_once_paused)
        presser.start()
        with pytest.raises(KeyboardInterrupt):
            run_contract(options, echo=lambda line: None)
        presser.join()
    assert store.retrieve(job_id)["status"] == "running"


def _created_jobs_left_running(store: JobStore) -> list[str]:
    return [
        job["id"] for job in store.list_jobs(limit=1000)[0] if job["status"] not in ("cancelled", "failed", "succeeded")
    ]


def _hangs_on_malformed_creates(app: Any) -> Any:
    """Never answers a create whose body is not a JSON object naming a string model (it waits for the client to go)."""
    import json

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/fine_tuning/jobs"):
            await app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("model"), str):
            while (await receive())["type"] != "http.disconnect":
                pass
            return
        replay = [{"type": "http.request", "body": body, "more_body": False}]

        async def again() -> Any:
            return replay.pop() if replay else await receive()

        await app(scope, again, send)

    return wrapped


def test_schemathesis_network_errors_still_cancel_and_the_scenarios_still_run(tmp_path: Path) -> None:
    """Requests schemathesis never gets answered: it is stopped, every job made so far is cancelled, and the
    scenarios of the semantics still run to their own verdicts (one unanswered request skips only its own)."""
    store = JobStore(timings=Timings(0.1, 0.1, 60.0))
    with serve_app(_hangs_on_malformed_creates(create_app(store, api_keys=[KEY]))) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1",
            KEY,
            max_examples=5,
            stateful_steps=3,
            poll_interval=0.05,
            still_seconds=0.3,
            request_timeout=1.0,
            report_dir=tmp_path,
        )
        started = time.monotonic()
        report = run_contract(options, echo=lambda line: None)
        took = time.monotonic() - started
    assert report.outcome is Outcome.COULD_NOT_TEST, report.summary(None)
    assert report.schemathesis is not None
    assert "no answer within 1 s (--request-timeout)" in (report.schemathesis.incomplete or "")
    assert len(store) > 2
    assert _created_jobs_left_running(store) == []
    status = {result.name: result.status for result in report.properties}
    assert status["pause_pauses"] == status["cancel_from_paused"] == "passed"
    assert status["malformed_input_400"] == "skipped"
    assert took < 120


def test_schemathesis_crash_still_cancels_what_it_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """schemathesis killed (SIGKILL) in the middle of its run: every job its creates made is cancelled all the same."""
    from ftjobs.contract import _schemathesis

    real = _schemathesis.command

    def dies_after_a_while(*args: Any) -> list[str]:
        argv = real(*args)
        argv[2] = (
            "import os, signal, sys, threading; threading.Timer(4, os.kill, (os.getpid(), signal.SIGKILL)).start(); "
            + argv[2]
        )
        return argv

    monkeypatch.setattr(_schemathesis, "command", dies_after_a_while)
    store = JobStore(timings=Timings(0.1, 0.1, 60.0))
    with serve_app(create_app(store, api_keys=[KEY])) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1",
            KEY,
            max_examples=200,
            poll_interval=0.05,
            still_seconds=0.3,
            report_dir=tmp_path,
        )
        report = run_contract(options, echo=lambda line: None)
    assert report.schemathesis is not None
    assert report.schemathesis.exit_code == -9
    assert report.outcome is Outcome.COULD_NOT_TEST
    assert len(report.created) > 3
    assert _created_jobs_left_running(store) == []


def test_two_runs_in_one_folder_refuse_rather_than_empty_each_other(tmp_path: Path) -> None:
    """While a run holds the report folder, a second run there is refused at once, naming the folder."""
    from ftjobs.contract import _reports

    with _reports.claimed(tmp_path), pytest.raises(ValueError, match="another ftjobs contract run") as refused:
        run_contract(ContractOptions("http://127.0.0.1:9/v1", KEY, report_dir=tmp_path), echo=lambda line: None)
    assert str(tmp_path) in str(refused.value)
