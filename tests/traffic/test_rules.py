"""The rules on hand-made sequences, for cases no server variant produces: each could give a false verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ftjobs.contract import Outcome
from ftjobs.traffic import Recorded, TrafficReport, check_traffic
from ftjobs.traffic._proxy import log_line

BASE = "https://api.example.test/v1/fine_tuning/jobs"
JOB = {
    "id": "ftjob-1",
    "object": "fine_tuning.job",
    "created_at": 1,
    "model": "gpt-4o-mini-2024-07-18",
    "organization_id": "org-1",
    "result_files": [],
    "status": "running",
    "training_file": "file-1",
    "seed": 1,
    "fine_tuned_model": None,
    "finished_at": None,
    "hyperparameters": {"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"},
    "trained_tokens": None,
    "validation_file": None,
    "error": None,
}


def exchange(
    method: str, path: str, status: int, body: Any, started: float, ended: float, content_type: str = "application/json"
) -> Recorded:
    return Recorded(
        "x", method, BASE + path, [("authorization", "Bearer sk-x")], b"", status,
        [("content-type", content_type)], json.dumps(body).encode(), None, started, ended,
    )  # fmt: skip


def check(tmp_path: Path, *records: Recorded, sole_client: bool = True) -> TrafficReport:
    log = tmp_path / "log.ndjson"
    log.write_text("".join(json.dumps(log_line(record)) + "\n" for record in records), encoding="utf-8")
    return check_traffic([log], sole_client=sole_client, report_dir=tmp_path / "reports")


def test_a_second_resume_answered_200_is_no_violation(tmp_path: Path) -> None:
    """Resume, then resume again while it is queued: a server may answer the second 200, as a second pause."""
    report = check(
        tmp_path,
        exchange("GET", "/ftjob-1", 200, JOB | {"status": "paused"}, 0, 1),
        exchange("POST", "/ftjob-1/resume", 200, JOB | {"status": "queued"}, 2, 3),
        exchange("GET", "/ftjob-1", 200, JOB | {"status": "queued"}, 4, 5),
        exchange("POST", "/ftjob-1/resume", 200, JOB | {"status": "queued"}, 6, 7),
    )
    assert report.outcome is Outcome.CONFORMS, report.summary(None)


def test_a_resume_of_a_running_job_accepted_is_one(tmp_path: Path) -> None:
    """The same resume, of a job last shown running with no pause since: the rule fires (it can fail)."""
    report = check(
        tmp_path,
        exchange("GET", "/ftjob-1", 200, JOB, 0, 1),
        exchange("POST", "/ftjob-1/resume", 200, JOB | {"status": "queued"}, 2, 3),
    )
    assert report.broken == {"resume_of_running_refused"}


def test_overlapping_exchanges_are_not_compared(tmp_path: Path) -> None:
    """A read that began before the cancel's answer ended may show the job as it was: no verdict; one that began
    after it does break `terminal_stays_terminal`."""
    cancelled = exchange("POST", "/ftjob-1/cancel", 200, JOB | {"status": "cancelled"}, 0, 2)
    overlapping = check(tmp_path, cancelled, exchange("GET", "/ftjob-1", 200, JOB, 1, 3))
    assert overlapping.outcome is Outcome.CONFORMS, overlapping.summary(None)
    later = check(tmp_path, cancelled, exchange("GET", "/ftjob-1", 200, JOB, 3, 4), sole_client=False)
    assert later.broken == {"terminal_stays_terminal"}


def test_an_undocumented_status_code_is_a_violation_and_a_gateway_answer_a_note(tmp_path: Path) -> None:
    """A 422 is not in the fragment (a violation); a 503 from a gateway is not judged (a note)."""
    envelope = {"error": {"message": "no", "type": "invalid_request_error", "param": None, "code": None}}
    report = check(
        tmp_path,
        exchange("POST", "/ftjob-1/pause", 422, envelope, 0, 1),
        exchange("GET", "/ftjob-1", 503, "<html>busy</html>", 2, 3, "text/html"),
        sole_client=False,
    )
    assert report.broken == {"status_code_documented"}
    assert any("503" in note for note in report.notes)


def test_a_job_moving_back_without_a_resume_is_one_for_a_sole_client(tmp_path: Path) -> None:
    """Running, then queued with no resume recorded between: `no_going_back` breaks for a sole client; without
    `--sole-client` another client's pause and resume could explain it, so it is a note."""
    records = (
        exchange("GET", "/ftjob-1", 200, JOB, 0, 1),
        exchange("GET", "/ftjob-1", 200, JOB | {"status": "queued"}, 2, 3),
    )
    sole = check(tmp_path, *records)
    assert sole.broken == {"no_going_back"}
    shared = check(tmp_path, *records, sole_client=False)
    assert shared.outcome is Outcome.CONFORMS, shared.summary(None)
    assert any("went back from running" in note for note in shared.notes)


def test_a_request_that_breaks_the_fragment_is_one_whatever_the_server_answers(tmp_path: Path) -> None:
    """A create without `model` and a list with `limit=ten`, each refused as it should be: the server keeps the
    contract, the client that sent them does not (`requests_keep_the_fragment`)."""
    envelope = {"error": {"message": "no", "type": "invalid_request_error", "param": "model", "code": None}}
    create = exchange("POST", "", 400, envelope, 0, 1)
    create = Recorded(
        create.place, create.method, create.url, [*create.request_headers, ("content-type", "application/json")],
        json.dumps({"training_file": "file-1"}).encode(), create.status, create.response_headers,
        create.response_body, None, create.started, create.ended,
    )  # fmt: skip
    listed = exchange("GET", "?limit=ten", 400, envelope | {"error": envelope["error"] | {"param": "limit"}}, 2, 3)
    report = check(tmp_path, create, listed, sole_client=False)
    assert report.broken == {"requests_keep_the_fragment"}, report.summary(None)
    (result,) = (result for result in report.properties if result.name == "requests_keep_the_fragment")
    found = " ".join(finding.message for finding in result.findings)
    assert "model" in found
    assert "limit" in found, found
