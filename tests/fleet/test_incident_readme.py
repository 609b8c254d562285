"""README's incident walk-through, run as written against the reference server, prints what README shows, line
for line, but for ids, times and the port (its jobs run at once and go on training for the whole walk-through)."""

from __future__ import annotations

import re
from pathlib import Path

from ftjobs.testing import Timings
from tests.cli.console import console_steps, normalised, run_console
from tests.servers import request_driven_server

VARIABLE = [
    (re.compile(r"ftjob-[A-Za-z0-9]+"), "ftjob-ID"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"), "DATE"),
    (re.compile(r'"time": "[^"]+"'), '"time": TIME'),
    (re.compile(r'"run": "[0-9a-f]+"'), '"run": RUN'),
    (re.compile(r"http://127\.0\.0\.1:\d+/v1"), "BASE_URL"),
]


def test_readme_incident_prints_what_readme_shows(tmp_path: Path) -> None:
    """Every command of the walk-through, run in one shell in order, prints README's lines (variable parts
    aside): the dry run, the refusal without --yes, the pause, its no-op re-run, the resume from the journal."""
    steps = console_steps("incident")
    assert any("--all" in command and "--dry-run" in command for command, _ in steps)
    assert any(command.startswith("ftjobs resume --journal") for command, _ in steps)
    with request_driven_server(1.0, Timings(validating_files=1.0, queued=1.0, running=100_000.0)) as server:
        printed = run_console(steps, server.base_url, tmp_path)
    for index, (command, shown) in enumerate(steps):
        assert normalised(printed.get(index, []), VARIABLE) == normalised(shown, VARIABLE), f"$ {command}"
