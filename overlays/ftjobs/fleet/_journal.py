"""The journal of a fleet operation: one JSON line per job per step, flushed as it is written.

A line says which job, which action, and what happened: `sending` (written before the request leaves, so a run
killed between sending and answering still tells that it may have acted), then one of `changed`, `skipped`,
`failed`. Every line also names the run that wrote it and the server it talked to (no credentials, no query).
Lines are only ever appended; a run killed while writing leaves at most a cut last line, which is ignored.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx

from ftjobs._exceptions import FtjobsError

RESULTS = frozenset({"sending", "changed", "skipped", "failed"})
ACTIONS = frozenset({"pause", "resume", "cancel"})


class JournalError(FtjobsError):
    """The journal cannot be read or written, or belongs to another server."""


def server_of(base_url: str) -> str:
    """The base URL as the journal names it: no user, password or query."""
    url = httpx.URL(base_url)
    return str(url.copy_with(username=None, password=None, query=None, fragment=None))


@dataclass
class Journal:
    """An append-only JSONL journal: what earlier runs did (`lines`), and this run's lines as they happen."""

    path: Path
    server: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    _file: IO[str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, path: str | os.PathLike[str], base_url: str) -> Journal:
        """Read the journal at `path` (a missing file is an empty journal) for a run against `base_url`.

        Raises `JournalError` when a line (other than a cut last one) is not a journal line, or when the journal
        records another server's jobs.
        """
        where = Path(path)
        server = server_of(base_url)
        journal = cls(where, server)
        try:
            text = where.read_text(encoding="utf-8") if where.exists() else ""
        except (OSError, UnicodeDecodeError) as error:
            raise JournalError(
                f"cannot read the journal {where}: {getattr(error, 'strerror', None) or error}"
            ) from None
        rows = text.split("\n")
        for number, row in enumerate(rows, start=1):
            if not row.strip():
                continue
            last = number == len(rows) and not text.endswith("\n")
            try:
                line = json.loads(row)
            except ValueError:
                if last:
                    continue  # cut short by a run that was killed while writing it
                raise JournalError(f"{where} line {number} is not JSON: not a journal ftjobs wrote") from None
            if not _is_line(line):
                raise JournalError(f"{where} line {number} is not a journal line ftjobs wrote")
            if line["server"] != server:
                raise JournalError(
                    f"{where} records jobs of {line['server']}; this command talks to {server}: "
                    f"use that server, or another journal"
                )
            journal.lines.append(line)
        return journal

    def last(self, action: str) -> dict[str, str]:
        """For each job whose last line is for `action`: that line's result (a job paused, then resumed, has
        no pause result: pausing it again is a new change)."""
        latest = {line["id"]: line for line in self.lines}
        return {job_id: line["result"] for job_id, line in latest.items() if line["action"] == action}

    def paused_here(self) -> list[str]:
        """Jobs this journal records as paused (by a run of it) and not resumed or cancelled by one since."""
        held: dict[str, None] = {}
        for line in self.lines:
            if line["result"] != "changed":
                continue
            if line["action"] == "pause":
                held[line["id"]] = None
            else:
                held.pop(line["id"], None)
        return list(held)

    def write(self, action: str, job_id: str, result: str, **details: Any) -> None:
        """Append one line and flush it to the operating system (it survives the process being killed).

        Only a line `open` reads back can be written: anything else would make the journal unreadable."""
        if action not in ACTIONS or result not in RESULTS:
            raise ValueError(f"not a journal step: {action} {result}")
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "run": self.run,
            "server": self.server,
            "action": action,
            "id": job_id,
            "result": result,
            **{name: value for name, value in details.items() if value is not None},
        }
        text = json.dumps(line, ensure_ascii=False) + "\n"
        with self._lock:
            try:
                if self._file is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._file = self.path.open("a", encoding="utf-8")
                self._file.write(text)
                self._file.flush()
            except OSError as error:
                raise JournalError(f"cannot write the journal {self.path}: {error.strerror or error}") from None
            self.lines.append(line)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def _is_line(line: object) -> bool:
    return (
        isinstance(line, dict)
        and all(isinstance(line.get(name), str) for name in ("run", "server", "action", "id", "result"))
        and line["action"] in ACTIONS
        and line["result"] in RESULTS
    )
