"""README's command-line session, run as written against the reference server (one-second steps, as
`make serve STEP_SECONDS=1`), prints what README shows, line for line, but for ids, times and elapsed seconds."""

from __future__ import annotations

import re
from pathlib import Path

from ftjobs.testing import Timings
from tests.cli.console import console_steps, normalised, run_console
from tests.servers import request_driven_server

# What differs between runs: job ids, request ids, dates, elapsed seconds, the job id's tail in model names.
VARIABLE = [
    (re.compile(r"ftjob-[A-Za-z0-9]+"), "ftjob-ID"),
    (re.compile(r"req_[0-9a-f]+"), "req_ID"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"), "DATE"),
    (re.compile(r"\(\d+\.\ds\)"), "(Ns)"),
    (re.compile(r":demo:[A-Za-z0-9]{8}:"), ":demo:TAIL:"),
]


def test_readme_session_prints_what_readme_shows(tmp_path: Path) -> None:
    """Every command of the session, run in one shell in order, prints README's lines (variable parts aside)."""
    steps = console_steps("session")
    assert steps[0][0].startswith("export OPENAI_BASE_URL=")
    assert any(command.startswith("JOB=$(ftjobs create") for command, _ in steps)
    # Each request moves the clock on half a step, as the session's 0.5 s polls would: the statuses it shows depend
    # on how many requests came before, not on how busy the machine is.
    with request_driven_server(0.5, Timings.from_step(1.0)) as server:
        printed = run_console(steps, server.base_url, tmp_path)
    for index, (command, shown) in enumerate(steps):
        assert normalised(printed.get(index, []), VARIABLE) == normalised(shown, VARIABLE), f"$ {command}"
