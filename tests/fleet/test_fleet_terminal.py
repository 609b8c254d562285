"""On a terminal a fleet run asks before acting and shows a progress bar; "no" changes nothing."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_terminal import read_until
from tests.conftest import ENVIRONMENT
from tests.fleet.server import KEY, FleetServer, mixed_jobs, running


@pytest.fixture
def server() -> Iterator[tuple[FleetServer, dict[str, str]]]:
    fleet = FleetServer(mixed_jobs(60), latency=0.02)
    with running(fleet) as url:
        env = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT}
        env.update(OPENAI_BASE_URL=url, OPENAI_API_KEY=KEY, COLUMNS="120")
        env.pop("NO_COLOR", None)
        yield fleet, env


def _on_a_terminal(env: dict[str, str], cwd: Path, answer: bytes) -> tuple[int, str]:
    master, slave = pty.openpty()
    command = [str(Path(sys.executable).parent / "ftjobs"), "pause", "--all", "--status", "running"]
    with subprocess.Popen(  # noqa: S603 -- our console script
        command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True
    ) as process:
        os.close(slave)
        asked = read_until(master, process, 60, wanted=(b"[y/N]",))
        os.write(master, answer)
        rest = read_until(master, process, 120)
        process.wait(30)
    os.close(master)
    return process.returncode, (asked + rest).decode("utf-8", "replace")


def test_yes_on_a_terminal_acts_with_a_bar(server: tuple[FleetServer, dict[str, str]], tmp_path: Path) -> None:
    """The plan, then "pause these N jobs? [y/N]"; `y` pauses them behind a rich bar, then the summary."""
    fleet, env = server
    selected = {job_id for job_id, job in fleet.jobs.items() if job["status"] == "running"}
    code, screen = _on_a_terminal(env, tmp_path, b"y\n")
    assert code == 0, screen
    assert f"pause these {len(selected)} jobs? [y/N]" in screen
    assert "━" in screen  # rich's bar
    assert f"pause: {len(selected)} changed" in screen
    assert set(fleet.transitions) == selected
    assert list(tmp_path.glob("ftjobs-pause-*.jsonl"))  # the default journal, in the current folder


def test_no_on_a_terminal_changes_nothing(server: tuple[FleetServer, dict[str, str]], tmp_path: Path) -> None:
    """Anything but yes: exit 2, "not confirmed; nothing was changed", no request, no journal."""
    fleet, env = server
    code, screen = _on_a_terminal(env, tmp_path, b"\n")
    assert code == 2
    assert "not confirmed; nothing was changed" in screen
    assert fleet.actions == []
    assert not list(tmp_path.iterdir())
