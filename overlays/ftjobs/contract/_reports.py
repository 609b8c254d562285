"""A run's report (`ContractReport`) and its renderings: the console summary, Markdown, JSON, JUnit; the folder.

Every file this run writes (schemathesis' included) is redacted before the run ends, so a key that a server
quoted back appears in none of them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ftjobs.contract._common import (
    CONSOLE_LIMIT,
    ST_CACHE,
    ST_CONFIG,
    ST_JSON,
    ST_JUNIT,
    ST_OUTPUT,
    Exchange,
    Outcome,
    PropertyResult,
    Redactor,
)
from ftjobs.contract._options import ContractOptions, target_of
from ftjobs.contract._schemathesis import SchemathesisResult

# What a run writes into the report folder; emptied of an earlier run's first.
OWN_FILES = (
    ST_JUNIT,
    "semantics-junit.xml",
    ST_JSON,
    ST_OUTPUT,
    ST_CONFIG,
    "contract-summary.json",
    "contract-summary.md",
    "traffic.har",
)
LOCK = ".ftjobs-contract.lock"  # held while a run writes the folder; the system drops it when the process ends
MARK = {"passed": "✓", "failed": "✗", "skipped": "-"}


@dataclass
class ContractReport:
    """The outcome, why, every semantic property, what schemathesis found, and where the reports are."""

    options: ContractOptions
    base_url: str
    outcome: Outcome
    reason: str | None
    properties: list[PropertyResult]
    schemathesis: SchemathesisResult | None
    seconds: float
    warnings: list[str] = field(default_factory=list)
    left_running: list[str] = field(default_factory=list)
    blocker: Exchange | None = None  # the exchange that made the run stop
    redact: Redactor = field(default_factory=lambda: Redactor([]), repr=False)  # applied to every rendering
    ran: bool = True  # False: the preflight stopped the run, nothing was tested
    interrupted: bool = False  # Ctrl-C stopped the run (the command exits 130)
    created: list[str] = field(default_factory=list)  # the jobs this run made (all cancelled unless left_running)
    touched_pause_job: bool = False  # the scenarios paused the --pause-job job (and resumed it unless left_paused)
    left_paused: str | None = None  # the --pause-job job, when it could not be resumed

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else int(self.outcome)

    @property
    def target(self) -> str:
        return target_of(self.options)

    @property
    def mode(self) -> str:
        kind = "safe" if self.options.safe else "full"
        return kind + (f" run, pausing {self.options.pause_job}" if self.options.pause_job else " run")

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.CONFORMS

    @property
    def cases(self) -> int | None:
        return None if self.schemathesis is None else self.schemathesis.cases

    @property
    def broken(self) -> set[str]:
        """Every reason the server failed: schemathesis' failure titles and the names of failed properties."""
        titles = set(self.schemathesis.failures) if self.schemathesis else set()
        return titles | {result.name for result in self.properties if result.status == "failed"}

    def summary(self, limit: int | None = CONSOLE_LIMIT) -> str:
        """The console summary: a line per property, each ✗ with its curl line; bodies cut to `limit`.

        When the preflight stopped the run, only the reason: nothing ran, so no property, report or seed is named.
        """
        options = self.options
        lines = [f"ftjobs contract suite against {self.target} (seed {options.seed}, {self.mode})"]
        if self.ran:
            lines.append(
                f"schema, status codes, content types, headers, auth and data checks (schemathesis): {self._st()}"
            )
            lines.append("semantics:")
            for result in self.properties:
                note = f" (skipped: {result.skipped or 'not reached'})" if result.status == "skipped" else ""
                lines.append(f"  {MARK[result.status]} {result.name}: {result.says}{note}")
                lines += ["    " + line for finding in result.findings for line in finding.describe(limit).splitlines()]
        lines += [f"warning: {warning}" for warning in self.warnings]
        if self.left_running:
            lines.append("LEFT RUNNING (cancel them yourself): " + ", ".join(self.left_running))
        lines.append(f"reports: {options.report_dir}/ ({', '.join(written(options.report_dir))})")
        if self.ran:
            lines.append(f"reproduce: run again with --seed {options.seed} against the same server")
        if self.reason:
            lines.append(f"reason: {self.reason}")
            if self.blocker is not None:
                lines += self.blocker.describe(limit).splitlines()
        lines.append(f"{self.outcome.verdict} (exit {self.exit_code}; {self.seconds:.1f} s)")
        return self.redact("\n".join(lines))

    def _st(self) -> str:
        if self.schemathesis is None:
            return "not run"
        if self.schemathesis.ok:
            return f"passed ({self.schemathesis.cases} cases)"
        if not self.schemathesis.failures:
            return f"did not finish: {self.schemathesis.incomplete}"
        found = "FAILED: " + "; ".join(sorted(set(self.schemathesis.failures))) + " (details above and in the reports)"
        return found + (
            f"; it did not finish either: {self.schemathesis.incomplete}" if self.schemathesis.incomplete else ""
        )

    def markdown(self) -> str:
        """A table of properties for a CI step summary; each ✗ with its curl line."""
        lines = [
            f"### ftjobs contract: {self.outcome.verdict}",
            "",
            f"Server {self.target}, {self.mode}, seed {self.options.seed}, {self.seconds:.1f} s. "
            f"Schemathesis: {self._st()}.",
            "",
        ]
        if self.reason:
            lines += [f"**Reason:** {self.reason}", ""]
        lines += ["| property | result | says |", "|---|---|---|"]
        for result in self.properties:
            shown = {"passed": "✓", "failed": "✗", "skipped": f"skipped: {result.skipped or 'not reached'}"}
            lines.append(f"| `{result.name}` | {shown[result.status]} | {result.says} |")
        failures = [finding for result in self.properties for finding in result.findings]
        if failures:
            lines += ["", "#### Failures", ""]
            for finding in failures:
                lines += [f"- **{finding.prop}**: {finding.message}"]
                if finding.exchange is not None:
                    lines += ["", "  ```", *("  " + line for line in finding.exchange.describe().splitlines()), "  ```"]
        lines += [f"- warning: {warning}" for warning in self.warnings]
        return self.redact("\n".join(lines) + "\n")


@contextlib.contextmanager
def claimed(directory: Path) -> Iterator[None]:
    """The folder, emptied of an earlier run's files, for this run alone; `ValueError` when another run holds it."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            raise ValueError(
                f"another ftjobs contract run ({holder}) is writing to {directory}: wait for it, or give this run "
                "its own --report-dir"
            ) from None
        lock.truncate(0)
        lock.write(f"pid {os.getpid()}")
        lock.flush()
        try:
            prepare(directory)
            yield
        finally:
            lock.truncate(0)
            fcntl.flock(lock, fcntl.LOCK_UN)


def written(directory: Path) -> list[str]:
    """The report files present in the folder, in `OWN_FILES` order."""
    return [name for name in OWN_FILES if (directory / name).is_file()]


def prepare(directory: Path) -> None:
    """Create the folder, and remove what an earlier run left in it (only files a run writes)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in (*OWN_FILES, ".warnings.jsonl", ".created.jsonl"):  # and scratch files of earlier versions
        (directory / name).unlink(missing_ok=True)
    cache = directory / ST_CACHE
    if cache.is_dir():
        for path in sorted(cache.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        cache.rmdir()


def write(report: ContractReport, redact: Redactor) -> None:
    directory = report.options.report_dir
    _semantics_junit(report, directory / "semantics-junit.xml")
    (directory / "contract-summary.json").write_text(json.dumps(summary(report), indent=2) + "\n", encoding="utf-8")
    markdown = report.markdown()
    (directory / "contract-summary.md").write_text(markdown, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as file:
            file.write(redact(markdown) + "\n")
    redact_folder(directory, redact)


def summary(report: ContractReport) -> dict[str, object]:
    return {
        "base_url": report.base_url,
        "target": report.target,
        "mode": report.mode,
        "outcome": report.outcome.name.lower(),
        "exit_code": report.exit_code,
        "interrupted": report.interrupted,
        "reason": report.reason,
        "seed": report.options.seed,
        "safe": report.options.safe,
        "pause_job": report.options.pause_job,
        "schemathesis": None
        if report.schemathesis is None
        else {
            "exit_code": report.schemathesis.exit_code,
            "cases": report.schemathesis.cases,
            "failures": report.schemathesis.failures,
        },
        "cases": None if report.schemathesis is None else report.schemathesis.cases,
        "warnings": report.warnings,
        "seconds": round(report.seconds, 2),
        "created": report.created,
        "left_running": report.left_running,
        "properties": {
            result.name: {
                "status": result.status,
                "says": result.says,
                "skipped": result.skipped,
                "findings": [
                    {"message": report.redact(f.message), "exchange": report.redact(f.describe())}
                    for f in result.findings
                ],
            }
            for result in report.properties
        },
    }


def _semantics_junit(report: ContractReport, path: Path) -> None:
    semantics_junit(list(report.properties), report.seconds, path)


def semantics_junit(results: list[PropertyResult], seconds: float, path: Path, name: str = "semantics") -> None:
    """The properties as a JUnit file: a test case each, failed with its findings or skipped with the reason."""
    suite = ET.Element("testsuite", name=f"ftjobs-contract-{name}", tests=str(len(results)))
    suite.set("time", f"{seconds:.3f}")
    suite.set("failures", str(sum(1 for result in results if result.status == "failed")))
    suite.set("skipped", str(sum(1 for result in results if result.status == "skipped")))
    for result in results:
        case = ET.SubElement(suite, "testcase", classname=name, name=result.name, time=f"{result.seconds:.3f}")
        if result.status == "skipped":
            ET.SubElement(case, "skipped", message=result.skipped or "not reached")
        for finding in result.findings:
            failure = ET.SubElement(case, "failure", message=finding.message)
            failure.text = finding.describe()
    ET.ElementTree(suite).write(path, encoding="unicode", xml_declaration=True)


def redact_folder(directory: Path, redact: Redactor) -> None:
    """Redact every text file the run left in the folder (reports, crash files, schemathesis' own)."""
    candidates = [directory / name for name in OWN_FILES]
    cache = directory / ST_CACHE
    if cache.is_dir():
        candidates += [path for path in cache.rglob("*") if path.is_file()]
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        cleaned = redact(text)
        if cleaned != text:
            path.write_text(cleaned, encoding="utf-8")
