"""The report folder: JUnit for the semantic properties, a JSON and a Markdown summary, and redaction of all.

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
from pathlib import Path
from typing import TYPE_CHECKING

from ftjobs.contract._common import Redactor

if TYPE_CHECKING:
    from ftjobs.contract._runner import ContractReport

# What a run writes into the report folder; emptied of an earlier run's first.
OWN_FILES = (
    "junit.xml",
    "semantics-junit.xml",
    "schemathesis.json",
    "schemathesis-output.txt",
    "schemathesis.toml",
    "contract-summary.json",
    "contract-summary.md",
)
SCHEMATHESIS_CACHE = "schemathesis-cache"
LOCK = ".ftjobs-contract.lock"  # held while a run writes the folder; the system drops it when the process ends
MARK = {"passed": "✓", "failed": "✗", "skipped": "-"}


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
    cache = directory / SCHEMATHESIS_CACHE
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
    results = list(report.properties)
    suite = ET.Element("testsuite", name="ftjobs-contract-semantics", tests=str(len(results)))
    suite.set("time", f"{report.seconds:.3f}")
    suite.set("failures", str(sum(1 for result in results if result.status == "failed")))
    suite.set("skipped", str(sum(1 for result in results if result.status == "skipped")))
    for result in results:
        case = ET.SubElement(suite, "testcase", classname="semantics", name=result.name, time=f"{result.seconds:.3f}")
        if result.status == "skipped":
            ET.SubElement(case, "skipped", message=result.skipped or "not reached")
        for finding in result.findings:
            failure = ET.SubElement(case, "failure", message=finding.message)
            failure.text = finding.describe()
    ET.ElementTree(suite).write(path, encoding="unicode", xml_declaration=True)


def redact_folder(directory: Path, redact: Redactor) -> None:
    """Redact every text file the run left in the folder (reports, crash files, schemathesis' own)."""
    candidates = [directory / name for name in OWN_FILES]
    cache = directory / SCHEMATHESIS_CACHE
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
