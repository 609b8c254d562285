"""Running the contract suite: schemathesis over every operation, then the semantic scenarios, then a report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path

from ftjobs.contract._common import AUTH_ENV, KEY_ENV, PropertyResult
from ftjobs.contract._semantics import run_scenarios

PHASES = ("examples", "coverage", "fuzzing", "stateful")
TRANSITIONS = "^(pause|resume|cancel)FineTuningJob$"


@dataclass
class ContractOptions:
    """What to test (a server's base URL and key) and how hard."""

    base_url: str
    api_key: str
    auth: str = "bearer"  # or "api-key"
    safe: bool = False
    job_ids: list[str] = field(default_factory=list)
    model: str = "gpt-4o-mini"
    training_file: str = "file-ftjobs-contract"  # on a real server: an uploaded JSONL file the scenarios train on
    seed: int = 20261125
    max_examples: int = 15
    stateful_steps: int = 10
    phases: tuple[str, ...] = PHASES
    report_dir: Path = Path("reports")
    wait_timeout: float = 300.0
    poll_interval: float = 2.0
    request_timeout: float = 30.0


@dataclass
class ContractReport:
    """The outcome: schemathesis' verdict and output, every semantic property, and where the reports are."""

    options: ContractOptions
    base_url: str
    schemathesis_exit: int
    schemathesis_output: str
    properties: list[PropertyResult]
    cases: int | None
    seconds: float
    schemathesis_failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.schemathesis_exit == 0 and all(result.ok for result in self.properties)

    @property
    def broken(self) -> set[str]:
        """Every reason the run failed: schemathesis' failure titles and the names of broken properties."""
        return set(self.schemathesis_failures) | {result.name for result in self.properties if not result.ok}

    def summary(self) -> str:
        kind = "safe" if self.options.safe else "full"
        lines = [f"ftjobs contract suite against {self.base_url} (seed {self.options.seed}, {kind} run)"]
        verdict = "passed" if self.schemathesis_exit == 0 else f"FAILED (exit {self.schemathesis_exit}; details above)"
        lines.append(f"schema, status codes, content types, headers, auth and data checks (schemathesis): {verdict}")
        lines.append("semantics:")
        for result in self.properties:
            mark = "✓" if result.ok else "✗"
            lines.append(
                f"  {mark} {result.name}: {result.says}" + (f" (skipped: {result.skipped})" if result.skipped else "")
            )
            lines += ["    " + line for finding in result.findings for line in finding.describe().splitlines()]
        lines.append(f"reports: {self.options.report_dir}/ (junit.xml, semantics-junit.xml, contract-summary.json)")
        lines.append(f"reproduce: run again with --seed {self.options.seed} against the same server")
        lines.append(("CONFORMS" if self.ok else "DOES NOT CONFORM") + f" ({self.seconds:.1f} s)")
        return "\n".join(lines)


def run_contract(options: ContractOptions, *, echo: Callable[[str], None] = print) -> ContractReport:
    """Run the whole suite and write the reports; `echo` receives schemathesis' output as it comes."""
    if not options.api_key:
        raise ValueError("an API key is needed to test a server: --api-key, or OPENAI_API_KEY / AZURE_OPENAI_API_KEY")
    started = time.monotonic()
    options.report_dir.mkdir(parents=True, exist_ok=True)
    base_url = options.base_url.rstrip("/")
    exit_code, output = _schemathesis(options, base_url, options.api_key, echo)
    properties = run_scenarios(
        base_url,
        api_key=options.api_key,
        auth=options.auth,
        safe=options.safe,
        job_ids=options.job_ids,
        model=options.model,
        training_file=options.training_file,
        wait_timeout=options.wait_timeout,
        poll_interval=options.poll_interval,
        timeout=options.request_timeout,
    )
    properties.insert(0, _fragment_examples())
    cases, failures = _schemathesis_report(options.report_dir)
    report = ContractReport(
        options, base_url, exit_code, output, properties, cases, time.monotonic() - started, failures
    )
    _write_reports(report)
    return report


def _config(options: ContractOptions) -> str:
    scheme, field_name = ("ApiKeyAuth", "api_key") if options.auth == "api-key" else ("BearerAuth", "bearer")
    return f"""
[auth.openapi.{scheme}]
{field_name} = "${{{KEY_ENV}}}"

[phases.stateful]
max-steps = {options.stateful_steps}

# 400/409 is the right answer to a valid request that the job's status forbids.
[[operations]]
include-operation-id-regex = "{TRANSITIONS}"
[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
"""


def _schemathesis(
    options: ContractOptions, base_url: str, api_key: str, echo: Callable[[str], None]
) -> tuple[int, str]:
    phases = [p for p in options.phases if not (options.safe and p == "stateful")]
    with (
        tempfile.TemporaryDirectory(prefix="ftjobs-contract-") as tmp,
        as_file(files("ftjobs_api") / "openapi.json") as spec,
    ):
        config = Path(tmp) / "schemathesis.toml"
        config.write_text(_config(options), encoding="utf-8")
        command = [
            sys.executable,
            "-c",
            "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
            "--config-file",
            str(config),
            "run",
            str(spec),
            "--url",
            base_url,
            "--checks",
            "all",
            "--phases",
            ",".join(phases),
            "--max-examples",
            str(options.max_examples),
            "--seed",
            str(options.seed),
            "--workers",
            "1",
            "--request-timeout",
            str(options.request_timeout),
            "--report",
            "junit,json",
            "--report-dir",
            str(options.report_dir),
            "--report-junit-path",
            str(options.report_dir / "junit.xml"),
            "--report-json-path",
            str(options.report_dir / "schemathesis.json"),
            "--warnings",
            "off",
        ]
        if options.safe:
            command += ["--include-method", "GET"]
        env = {**os.environ, KEY_ENV: api_key, AUTH_ENV: options.auth, "SCHEMATHESIS_HOOKS": "ftjobs.contract._hooks"}
        env["NO_COLOR"] = "1"
        lines: list[str] = []
        with subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp
        ) as process:
            assert process.stdout is not None  # noqa: S101 -- stdout=PIPE
            for line in process.stdout:
                lines.append(line.rstrip("\n"))
                echo(line.rstrip("\n"))
        return process.returncode, "\n".join(lines).replace(api_key, "<redacted>")


def _fragment_examples() -> PropertyResult:
    from ftjobs._spec import load_spec
    from ftjobs.contract._common import Finding
    from ftjobs.contract._examples import example_errors

    result = PropertyResult("fragment_examples_valid", "every example in the fragment validates against its schema")
    result.findings = [Finding(result.name, problem) for problem in example_errors(load_spec())]
    return result


def _schemathesis_report(report_dir: Path) -> tuple[int | None, list[str]]:
    """How many test cases schemathesis generated, and the titles of its failures (from its JSON report)."""
    try:
        report = json.loads((report_dir / "schemathesis.json").read_text())
    except (OSError, ValueError):
        return None, []
    cases = report.get("test_cases", {}).get("generated")
    titles = [str(failure.get("title")) for failure in report.get("failures", []) if isinstance(failure, dict)]
    return (cases if isinstance(cases, int) else None), titles


def _write_reports(report: ContractReport) -> None:
    directory = report.options.report_dir
    suite = ET.Element("testsuite", name="ftjobs-contract-semantics", tests=str(len(report.properties)))
    suite.set("failures", str(sum(1 for result in report.properties if not result.ok)))
    for result in report.properties:
        case = ET.SubElement(suite, "testcase", classname="semantics", name=result.name)
        if result.skipped:
            ET.SubElement(case, "skipped", message=result.skipped)
        for finding in result.findings:
            failure = ET.SubElement(case, "failure", message=finding.message)
            failure.text = finding.describe()
    ET.ElementTree(suite).write(directory / "semantics-junit.xml", encoding="unicode", xml_declaration=True)
    summary = {
        "base_url": report.base_url,
        "seed": report.options.seed,
        "safe": report.options.safe,
        "ok": report.ok,
        "schemathesis_exit": report.schemathesis_exit,
        "cases": report.cases,
        "seconds": round(report.seconds, 2),
        "properties": {
            result.name: {"ok": result.ok, "findings": [f.message for f in result.findings]}
            for result in report.properties
        },
    }
    (directory / "contract-summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
