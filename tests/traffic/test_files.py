"""Traffic files as tools write them: the committed recordings of the reference server, files that cannot be read,
and the secrets a recording holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ftjobs.contract import Outcome
from ftjobs.traffic import _records as records
from ftjobs.traffic import check_traffic
from ftjobs.traffic._records import loads
from tests.conftest import invoke
from tests.contract.asgi import KEY
from tests.traffic.conftest import DATA

HAR = DATA / "mitmproxy-reference.har"
CASSETTE = DATA / "vcrpy-reference.yaml"


def test_the_committed_recordings_are_the_tools_own() -> None:
    """The HAR was written by mitmproxy and the cassette by vcrpy (scripts/record_traffic.py), not by hand."""
    har = json.loads(HAR.read_text(encoding="utf-8"))
    assert har["log"]["creator"]["name"] == "mitmproxy"
    assert len(har["log"]["entries"]) >= 30
    cassette = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))
    assert cassette["version"] == 1
    assert all("uri" in interaction["request"] for interaction in cassette["interactions"])


@pytest.mark.parametrize("path", [HAR, CASSETTE], ids=["mitmproxy HAR", "vcrpy cassette"])
@pytest.mark.parametrize("sole_client", [False, True], ids=["shared", "sole client"])
def test_recordings_of_the_reference_server_conform(path: Path, sole_client: bool, tmp_path: Path) -> None:
    """Every rule that applies passes; the state rules are judged with --sole-client."""
    report = check_traffic([path], sole_client=sole_client, report_dir=tmp_path)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    passed = {result.name for result in report.properties if result.status == "passed"}
    assert {"answers_keep_the_schema", "errors_in_envelope", "transitions_answer_their_status"} <= passed
    assert {"terminal_stays_terminal", "list_limit_respected", "requests_keep_the_fragment"} <= passed
    if sole_client:
        assert {"paused_stands_still", "refused_changes_nothing", "resume_of_running_refused"} <= passed
    summary = json.loads((tmp_path / "contract-summary.json").read_text(encoding="utf-8"))
    assert summary["outcome"] == "conforms"
    assert summary["checked"] == report.checked


def _unreadable(tmp_path: Path) -> dict[str, bytes]:
    har = HAR.read_bytes()
    other_api = json.loads(har)
    for entry in other_api["log"]["entries"]:
        entry["request"]["url"] = entry["request"]["url"].replace("/fine_tuning/jobs", "/chat/completions")
    return {
        "truncated HAR": har[: len(har) // 2],
        "truncated cassette": CASSETTE.read_bytes()[:5000] + b"\n  - {request: [",
        "empty HAR": json.dumps({"log": {"version": "1.2", "creator": {"name": "x"}, "entries": []}}).encode(),
        "HAR of another API": json.dumps(other_api).encode(),
        "binary file": bytes(range(256)) * 8,
        "empty file": b"",
        "JSON that is no HAR": b'{"hello": "world"}',
    }


@pytest.mark.parametrize(
    "kind",
    [
        "truncated HAR",
        "truncated cassette",
        "empty HAR",
        "HAR of another API",
        "binary file",
        "empty file",
        "JSON that is no HAR",
    ],
)
def test_a_file_that_cannot_be_checked_exits_2_in_one_line(kind: str, tmp_path: Path) -> None:
    """Exit 2 with one `reason:` line naming the file; no traceback."""
    path = tmp_path / "traffic.har"
    path.write_bytes(_unreadable(tmp_path)[kind])
    result = invoke("contract", "--traffic", str(path), "--report-dir", str(tmp_path / "reports"))
    assert result.exit_code == 2, result.output
    reasons = [line for line in result.output.splitlines() if line.startswith("reason:")]
    assert len(reasons) == 1
    assert "traffic" in reasons[0]
    assert "Traceback" not in result.output
    assert "COULD NOT TEST" in result.output


def test_secrets_of_the_traffic_appear_in_no_output(tmp_path: Path) -> None:
    """The key the recording holds (and a server quoted back in a broken answer) is in no report and not on
    the console; checked on the raw bytes."""
    har = json.loads(HAR.read_text(encoding="utf-8"))
    entry = har["log"]["entries"][0]  # the create: its answer now quotes the key and breaks the schema
    entry["request"]["headers"].append({"name": "x-portkey-api-key", "value": "pk-live-very-secret"})
    entry["response"]["content"]["text"] = json.dumps({"id": 7, "echo": f"Bearer {KEY}", "also": "pk-live-very-secret"})
    path = tmp_path / "with-secrets.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    assert KEY.encode() in path.read_bytes()
    reports = tmp_path / "reports"
    result = invoke("contract", "--traffic", str(path), "--report-dir", str(reports))
    assert result.exit_code == 1, result.output
    assert "answers_keep_the_schema" in result.output
    outputs = [result.output.encode(), *(file.read_bytes() for file in reports.iterdir() if file.is_file())]
    assert len(outputs) >= 4
    for raw in outputs:
        assert KEY.encode() not in raw
        assert b"pk-live-very-secret" not in raw
    assert b"<redacted>" in outputs[0]


def test_base_url_selects_the_servers_exchanges(tmp_path: Path) -> None:
    """With --base-url, only exchanges under it count: the recording's own base checks, another finds nothing."""
    origin = json.loads(HAR.read_text(encoding="utf-8"))["log"]["entries"][0]["request"]["url"].split("/v1/")[0]
    same = check_traffic([HAR], base_url=f"{origin}/v1", report_dir=tmp_path / "same")
    assert same.outcome is Outcome.CONFORMS
    assert same.checked == same.exchanges
    other = check_traffic([HAR], base_url=f"{origin}/openai/v1", report_dir=tmp_path / "other")
    assert other.outcome is Outcome.COULD_NOT_TEST
    assert other.checked == 0
    assert other.reason is not None
    assert "under" in other.reason


def test_azure_dated_routes_are_judged_by_the_dated_dialect(tmp_path: Path) -> None:
    """Exchanges on Azure's dated routes (`/openai/fine_tuning/...?api-version=2025-04-01-preview`) are judged by
    the dated fragment: v1's bodies moved there break it (a create answered 200, not 201; `validating_files` and
    `queued`, which the dated routes call `pending`), and the state rules apply as well."""
    text = HAR.read_text(encoding="utf-8").replace("/v1/fine_tuning/jobs", "/openai/fine_tuning/jobs")
    har = json.loads(text)
    for entry in har["log"]["entries"]:
        entry["request"]["url"] += ("&" if "?" in entry["request"]["url"] else "?") + "api-version=2025-04-01-preview"
    path = tmp_path / "dated.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    report = check_traffic([path], sole_client=True, report_dir=tmp_path / "dated")
    assert report.dated == report.checked > 0
    assert "answers_keep_the_schema" in report.broken, report.summary(None)
    findings = [f.message for r in report.properties if r.name == "answers_keep_the_schema" for f in r.findings]
    assert any("validating_files" in message or "queued" in message for message in findings), findings
    assert "terminal_stays_terminal" not in report.broken
    last = har["log"]["entries"][-1]  # the second job's read after its cancel: shown running again
    body = json.loads(last["response"]["content"]["text"])
    assert body["status"] == "cancelled"
    last["response"]["content"]["text"] = json.dumps(body | {"status": "running"})
    path.write_text(json.dumps(har), encoding="utf-8")
    again = check_traffic([path], report_dir=tmp_path / "again")
    assert "terminal_stays_terminal" in again.broken


@pytest.mark.parametrize(
    "text",
    [
        b'{"n": 123456789012345678901234567890}',  # past 64 bits
        b'{"x": NaN}',
        b'"\\ud800"',  # a lone surrogate
        '{"a": 1}'.encode("utf-16"),
        b"[" * 2000 + b"]" * 2000,  # deeper than jiter reads
        b'{"id": "ftjob-1", "status": "paused"}',
    ],
    ids=["big-int", "nan", "surrogate", "utf-16", "deep", "plain"],
)
def test_the_fast_reader_reads_as_the_standard_library(text: bytes) -> None:
    """jiter reads as the standard library does, and what it refuses the standard library reads (or refuses the same
    way), so that a verdict does not depend on whether jiter is installed."""
    try:
        expected: object = json.loads(text)
    except (ValueError, RecursionError) as error:
        with pytest.raises(type(error)):
            loads(text)
        return
    got = loads(text)
    assert json.dumps(got) == json.dumps(expected)


def test_the_verdicts_are_the_same_without_jiter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed recording, checked with the standard library's reader in place of jiter: the same outcome
    and the same properties."""
    path = DATA / "mitmproxy-reference.har"
    fast = check_traffic([path], sole_client=True, report_dir=tmp_path / "fast")
    monkeypatch.setattr(records, "_jiter", None)
    slow = check_traffic([path], sole_client=True, report_dir=tmp_path / "slow")
    assert (slow.outcome, slow.checked) == (fast.outcome, fast.checked)
    assert [(p.name, len(p.findings), p.checked) for p in slow.properties] == [
        (p.name, len(p.findings), p.checked) for p in fast.properties
    ]
