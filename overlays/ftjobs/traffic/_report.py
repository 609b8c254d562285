"""What a check of recorded traffic found, on the console and in the report folder (as an active run's names).

Every rendering goes through the redactor: the secrets the traffic carried (its credential headers, the key after
`Bearer `, secret query parameters) appear in none of them, even where a server quoted one back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ftjobs.contract._common import CONSOLE_LIMIT, Outcome, PropertyResult, Redactor
from ftjobs.contract._reports import MARK, claimed, semantics_junit

FILES = ("semantics-junit.xml", "contract-summary.json", "contract-summary.md")
NOTES_SHOWN = 10


@dataclass
class TrafficReport:
    """The outcome of a passive check, every rule's result, the notes, and where the reports are."""

    files: list[str]
    sole_client: bool
    base_url: str | None
    report_dir: Path
    outcome: Outcome
    reason: str | None
    properties: list[PropertyResult]
    notes: list[str]
    noted: int
    beyond: dict[str, int]  # findings per property beyond those kept
    exchanges: int  # read from the files
    checked: int  # fine-tuning exchanges among them
    dated: int  # of which on Azure's dated routes (state rules only)
    seconds: float
    redact: Redactor
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        return int(self.outcome)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.CONFORMS

    @property
    def broken(self) -> set[str]:
        return {result.name for result in self.properties if result.status == "failed"}

    def _heading(self) -> str:
        shown = ", ".join(self.files) or "the proxy's traffic"
        mode = "the recording is the sole client" if self.sole_client else "other clients may share these jobs"
        return (
            f"ftjobs contract: traffic from {shown}: {self.checked} fine-tuning exchanges checked of {self.exchanges} "
            f"read ({mode})"
        )

    def _line(self, result: PropertyResult) -> str:
        note = f" (skipped: {result.skipped or 'nothing in the traffic it applies to'})"
        more = self.beyond.get(result.name, 0)
        found = f" (and {more} more)" if more else ""
        return f"  {MARK[result.status]} {result.name}: {result.says}{note if result.status == 'skipped' else found}"

    def summary(self, limit: int | None = CONSOLE_LIMIT) -> str:
        lines = [self._heading()]
        if self.dated:
            lines.append(
                f"  {self.dated} exchanges on Azure's dated routes: judged by the dated dialect's fragment "
                "(openapi/azure_dated.yaml) and the same state rules"
            )
        if self.checked:
            lines.append("rules:")
            for result in self.properties:
                lines.append(self._line(result))
                lines += ["    " + line for finding in result.findings for line in finding.describe(limit).splitlines()]
        if self.noted:
            lines.append(f"notes ({self.noted}; not failures):")
            lines += [f"  - {note}" for note in self.notes[:NOTES_SHOWN]]
            if self.noted > NOTES_SHOWN:
                lines.append(f"  … {self.noted - NOTES_SHOWN} more in {self.report_dir / 'contract-summary.json'}")
        if self.reason:
            lines.append(f"reason: {self.reason}")
        lines.append(f"reports: {self.report_dir}/")
        lines.append(f"{self.outcome.verdict} (exit {self.exit_code}; {self.seconds:.1f} s)")
        return self.redact("\n".join(lines))

    def markdown(self) -> str:
        lines = [f"### ftjobs contract (traffic): {self.outcome.verdict}", "", self._heading() + ".", ""]
        if self.reason:
            lines += [f"**Reason:** {self.reason}", ""]
        lines += ["| rule | result | says |", "|---|---|---|"]
        for result in self.properties:
            shown = {"passed": "✓", "failed": "✗", "skipped": f"skipped: {result.skipped or 'did not apply'}"}
            lines.append(f"| `{result.name}` | {shown[result.status]} | {result.says} |")
        failures = [finding for result in self.properties for finding in result.findings]
        if failures:
            lines += ["", "#### Violations", ""]
            for finding in failures:
                lines += [f"- **{finding.prop}**: {finding.message}"]
                if finding.exchange is not None:
                    lines += ["", "  ```", *("  " + line for line in finding.exchange.describe().splitlines()), "  ```"]
        if self.notes:
            lines += ["", "#### Notes (not failures)", "", *(f"- {note}" for note in self.notes)]
        return self.redact("\n".join(lines) + "\n")

    def as_json(self) -> dict[str, object]:
        return {
            "mode": "traffic",
            "traffic": self.files,
            "sole_client": self.sole_client,
            "base_url": self.base_url,
            "outcome": self.outcome.name.lower(),
            "exit_code": self.exit_code,
            "reason": self.reason,
            "exchanges": self.exchanges,
            "checked": self.checked,
            "dated": self.dated,
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
            "noted": self.noted,
            "properties": {
                result.name: {
                    "status": result.status,
                    "says": result.says,
                    "skipped": result.skipped,
                    "more_findings": self.beyond.get(result.name, 0),
                    "findings": [{"message": f.message, "exchange": f.describe()} for f in result.findings],
                }
                for result in self.properties
            },
        }

    def write(self) -> None:
        """The three reports, redacted, into the report folder (an earlier run's replaced)."""
        directory = self.report_dir
        with claimed(directory):
            semantics_junit(self.properties, self.seconds, directory / "semantics-junit.xml", "traffic")
            junit = directory / "semantics-junit.xml"
            junit.write_text(self.redact(junit.read_text(encoding="utf-8")), encoding="utf-8")
            text = json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n"
            (directory / "contract-summary.json").write_text(self.redact(text), encoding="utf-8")
            (directory / "contract-summary.md").write_text(self.markdown(), encoding="utf-8")
