"""Reports a CI can use: in the folder given (relative to where the run starts), replaced each run, every
property in each, a Markdown table (also in the step summary), replay commands that work as printed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ftjobs.contract import PROPERTIES, ContractOptions, Outcome, run_contract
from ftjobs.testing import JobStore, create_app, serve_app
from tests.contract.asgi import KEY, for_jobs, json_rewrite, rewriting

pytestmark = pytest.mark.usefixtures("embedded_only")


def _long_404(scope: object, status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
    if status == 404:
        return 200, headers, json.dumps({"detail": "x" * 5000}).encode()
    return status, headers, body


def _drop_seed(job: dict[str, object]) -> None:
    job.pop("seed", None)


def test_reports_land_in_a_relative_folder_and_replace_an_earlier_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reports` relative to the current folder holds every report, the stale ones of a past run gone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "step-summary.md"))
    folder = tmp_path / "out" / "reports"
    folder.mkdir(parents=True)
    (folder / "schemathesis.json").write_text('{"test_cases": {"generated": 1}, "failures": [{"title": "stale"}]}')
    (folder / "contract-summary.md").write_text("stale")
    with serve_app(create_app(JobStore(), api_keys=[KEY])) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1", KEY, safe=True, max_examples=2, report_dir=Path("out/reports")
        )
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    assert report.cases is not None
    assert report.cases > 20
    assert "stale" not in (folder / "schemathesis.json").read_text()
    for name in ("junit.xml", "semantics-junit.xml", "schemathesis.json", "contract-summary.json"):
        assert (folder / name).is_file(), name
    summary = json.loads((folder / "contract-summary.json").read_text())
    assert summary["outcome"] == "conforms"
    assert summary["cases"] == report.cases
    assert set(summary["properties"]) == set(PROPERTIES)
    junit = ET.parse(folder / "semantics-junit.xml").getroot()  # noqa: S314 -- a file this run wrote
    assert junit.get("tests") == str(len(PROPERTIES))
    assert int(junit.get("skipped") or 0) == sum(1 for p in summary["properties"].values() if p["status"] == "skipped")
    markdown = (folder / "contract-summary.md").read_text()
    assert markdown.startswith("### ftjobs contract: CONFORMS")
    assert all(f"`{name}`" in markdown for name in PROPERTIES)
    assert "safe mode" in markdown
    assert (tmp_path / "step-summary.md").read_text() == markdown + "\n"


def test_console_cuts_long_bodies_the_reports_keep_them_whole(tmp_path: Path) -> None:
    """A 5,000-character answer is cut on the console (every line short) and whole in the reports."""
    lines: list[str] = []
    with serve_app(rewriting(create_app(JobStore(), api_keys=[KEY]), _long_404)) as port:
        options = ContractOptions(f"http://127.0.0.1:{port}/v1", KEY, safe=True, max_examples=2, report_dir=tmp_path)
        report = run_contract(options, echo=lines.append)
    assert report.outcome is Outcome.DOES_NOT_CONFORM
    console = lines + report.summary().splitlines()
    assert max(map(len, console)) < 600
    assert any("more characters; whole in the reports" in line for line in console)
    assert "x" * 5000 in (tmp_path / "contract-summary.json").read_text()
    failed = [result for result in report.properties if result.status == "failed"]
    markdown = (tmp_path / "contract-summary.md").read_text()
    assert failed
    assert all(f"**{result.name}**" in markdown for result in failed)
    assert "curl -X GET" in markdown


def test_printed_replay_command_reproduces_the_failure(tmp_path: Path) -> None:
    """The `st replay` line schemathesis prints, as rewritten by the suite, replays the failing case."""
    lines: list[str] = []
    store = JobStore()
    with serve_app(rewriting(create_app(store, api_keys=[KEY]), json_rewrite(for_jobs(_drop_seed)))) as port:
        options = ContractOptions(f"http://127.0.0.1:{port}/v1", KEY, phases=("examples",), report_dir=tmp_path)
        report = run_contract(options, echo=lines.append)
        assert report.outcome is Outcome.DOES_NOT_CONFORM
        replays = [line for line in lines if " replay " in line]
        assert replays, "\n".join(lines)
        command = re.search(r"st --config-file (\S+) replay (\S+) --url (\S+)", replays[0])
        assert command is not None
        config, case_id, url = command.groups()
        assert url == options.base_url  # the server's, not the guard's loopback address
        assert any("(no replay command: this case changes a job" in line for line in lines)  # the cancel case
        assert Path(config).is_file()
        env = {**os.environ, "FTJOBS_CONTRACT_API_KEY": KEY, "SCHEMATHESIS_HOOKS": "ftjobs.contract._hooks"}
        replay = subprocess.run(  # noqa: S603 -- our interpreter, the printed command
            [sys.executable, "-m", "schemathesis.cli", "--config-file", config, "replay", case_id, "--url", url],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path.parent,
            timeout=60,
            check=False,
        )
    assert replay.returncode == 1, replay.stdout + replay.stderr
    assert "seed" in replay.stdout.lower() or "schema" in replay.stdout.lower()


def test_progress_names_each_phase_and_scenario(tmp_path: Path) -> None:
    """On a pipe, a line per phase and per scenario: nothing silent for long."""
    lines: list[str] = []
    with serve_app(create_app(JobStore(), api_keys=[KEY])) as port:
        options = ContractOptions(
            f"http://127.0.0.1:{port}/v1", KEY, phases=(), poll_interval=0.05, still_seconds=0.2, report_dir=tmp_path
        )
        run_contract(options, echo=lines.append)
    shown = "\n".join(lines)
    for title in ("preflight", "unknown ids", "lifecycle of a created job", "pause before running", "pagination"):
        assert title in shown
    junit = ET.parse(tmp_path / "semantics-junit.xml").getroot()  # noqa: S314 -- the file this run just wrote
    assert float(junit.get("time", "0")) > 0
    timed = {case.get("name"): float(case.get("time", "-1")) for case in junit.iter("testcase")}
    assert timed["pause_pauses"] > 0  # the lifecycle scenario's time
    assert min(timed.values()) >= 0
