"""The exchange log: ftjobs' client and command line record their own traffic, redacted, a line per exchange."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import ftjobs
from ftjobs.contract import Outcome
from ftjobs.testing import contract_server
from ftjobs.traffic import check_traffic
from tests.conftest import invoke


@pytest.fixture
def server() -> Iterator[tuple[str, str]]:
    with contract_server() as (base_url, key):
        yield base_url, key


@pytest.fixture
def stop_recording() -> Iterator[None]:
    yield
    ftjobs.record_exchanges(None)


@pytest.mark.usefixtures("stop_recording")
def test_the_client_records_each_exchange_as_it_ends(server: tuple[str, str], tmp_path: Path) -> None:
    """`ftjobs.record_exchanges(FILE)`: a whole line is in the file as soon as each call returns; no key in it;
    the log checks as conforming, with --sole-client."""
    base_url, key = server
    log = tmp_path / "exchanges.ndjson"
    ftjobs.record_exchanges(log)
    client = ftjobs.OpenAI(base_url=base_url, api_key=key)
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc123")
    assert len(log.read_bytes().splitlines()) == 1  # flushed when the exchange ended
    client.fine_tuning.jobs.retrieve(job.id)
    with pytest.raises(ftjobs.BadRequestError):
        client.fine_tuning.jobs.resume(job.id)  # not paused: refused, and recorded all the same
    client.fine_tuning.jobs.cancel(job.id)
    client.fine_tuning.jobs.list(limit=1)
    client.close()
    lines = log.read_bytes().splitlines()
    assert len(lines) == 5
    entries = [json.loads(line) for line in lines]
    assert [entry["response"]["status"] for entry in entries] == [200, 200, 400, 200, 200]
    assert key.encode() not in log.read_bytes()
    assert ["authorization", "<redacted>"] in entries[0]["request"]["headers"]
    report = check_traffic([log], sole_client=True, report_dir=tmp_path / "reports")
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    assert report.checked == 5


def test_a_body_quoting_the_key_is_redacted_in_the_log(tmp_path: Path) -> None:
    """A server that echoes the key in an answer: the log holds `<redacted>` in its place."""
    import httpx

    from ftjobs._record import log_entry

    key = "sk-proj-echoed-secret-123"
    request = httpx.Request(
        "GET", "https://example.test/v1/fine_tuning/jobs/x", headers={"Authorization": f"Bearer {key}"}
    )
    response = httpx.Response(401, json={"error": {"message": f"Incorrect API key provided: {key}"}}, request=request)
    line = json.dumps(log_entry(request, response, None))
    assert key not in line
    assert "Incorrect API key provided: <redacted>" in line


@pytest.mark.usefixtures("stop_recording")
def test_the_command_line_records_with_record(
    server: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ftjobs --record FILE list` writes the command's exchanges; the key is not in the file."""
    base_url, key = server
    monkeypatch.setenv("OPENAI_API_KEY", key)
    log = tmp_path / "cli.ndjson"
    result = invoke("--record", str(log), "list", "--base-url", base_url)
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in log.read_bytes().splitlines()]
    assert len(entries) >= 1
    assert all("/fine_tuning/jobs" in entry["request"]["url"] for entry in entries)
    assert key.encode() not in log.read_bytes()
