"""Check recorded traffic: read the files, pick the fine-tuning exchanges, hold them to the rules, report.

`check_traffic` is what `ftjobs contract --traffic` runs; `Passive` is the same check fed one exchange at a
time (the proxy feeds it as exchanges pass).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path
from urllib.parse import urlsplit

from ftjobs._record import is_secret, secret_values
from ftjobs.contract._common import Outcome, Redactor
from ftjobs.traffic._beside import read_beside
from ftjobs.traffic._records import Recorded, Unreadable
from ftjobs.traffic._report import TrafficReport
from ftjobs.traffic._routes import match
from ftjobs.traffic._rules import Checker

_RECORD_VALUES = attrgetter(*(part.name for part in fields(Recorded)))  # a record as a tuple, in field order


@dataclass
class Passive:
    """The check, fed one exchange at a time (`feed`); `report()` whenever it is asked."""

    sole_client: bool = False
    base_url: str | None = None
    report_dir: Path = Path("contract-reports")
    files: list[str] = field(default_factory=list)
    on_violation: Callable[[str], None] | None = None
    checker: Checker = field(init=False)
    base: tuple[str | None, str | None] = field(init=False, default=(None, None))  # path and origin to match under
    secrets: set[str] = field(default_factory=set)
    _secret_headers: set[tuple[tuple[str, str], ...]] = field(default_factory=set)
    read: int = 0
    other: int = 0
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.checker = Checker(self.sole_client, on_violation=self._told)
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            origin = f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else None
            self.base = (parts.path.rstrip("/"), origin)

    def feed(self, record: Recorded) -> None:
        self.read += 1
        self._learn_secrets(record)
        call = match(record.method, record.url, *self.base)
        if call is None:
            self.other += 1
            return
        self.checker.check(record, call)

    def _learn_secrets(self, record: Recorded) -> None:
        """The credential values `record` carries, kept for redaction (headers, the query, an echoing answer)."""
        secret = tuple([pair for pair in record.request_headers if is_secret(pair[0])])
        if secret not in self._secret_headers:  # the same credentials on every exchange: found once
            self._secret_headers.add(secret)
            self.secrets.update(secret_values(list(secret)))
        if "?" in record.url:
            self.secrets.update(secret_values([], record.url))
        answer = [pair for pair in record.response_headers if is_secret(pair[0])]
        if answer:
            self.secrets.update(secret_values(answer))

    def _told(self, line: str) -> None:
        if self.on_violation is not None:
            self.on_violation(self.redactor()(line))

    def redactor(self) -> Redactor:
        return Redactor(self.secrets)

    def report(self, unreadable: str | None = None, *, interrupted: bool = False) -> TrafficReport:
        checker = self.checker
        if unreadable is not None:
            outcome, reason = Outcome.COULD_NOT_TEST, unreadable
        elif checker.checked == 0:
            outcome = Outcome.COULD_NOT_TEST
            where = f" under {self.base_url}" if self.base_url else ""
            reason = f"no fine-tuning exchanges{where} in the traffic ({self.read} exchanges of other APIs or paths)"
        elif checker.failures:
            outcome, reason = Outcome.DOES_NOT_CONFORM, None
        else:
            outcome, reason = Outcome.CONFORMS, None
        return TrafficReport(
            files=self.files,
            sole_client=self.sole_client,
            base_url=self.base_url,
            report_dir=self.report_dir,
            outcome=outcome,
            reason=reason,
            properties=list(checker.properties.values()),
            notes=checker.notes,
            noted=checker.noted,
            beyond=checker.counts,
            exchanges=self.read,
            checked=checker.checked,
            dated=checker.dated,
            seconds=time.monotonic() - self.started,
            redact=self.redactor(),
            interrupted=interrupted,
        )


def check_traffic(
    paths: Iterable[Path],
    *,
    sole_client: bool = False,
    base_url: str | None = None,
    report_dir: Path = Path("contract-reports"),
    write: bool = True,
) -> TrafficReport:
    """Check every exchange the files hold, in order (as one recording); the report, written to `report_dir`."""
    paths = list(paths)
    passive = Passive(sole_client, base_url, report_dir, files=[str(path) for path in paths])
    unreadable = None
    try:
        for path in paths:
            # A big file is read in a second process while this one checks; its records come over as tuples
            # (pickle takes about half as long for them as for the dataclass, and the reader is the slower side).
            for values in read_beside(path, _RECORD_VALUES):
                passive.feed(Recorded(*values))
    except Unreadable as error:
        unreadable = str(error)
    report = passive.report(unreadable)
    if write:
        report.write()
    return report
