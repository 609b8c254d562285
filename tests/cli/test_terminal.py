"""On a terminal, waiting shows a live status line (spinner, status, elapsed time); in a pipe, plain lines."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ftjobs.testing import JobStore, Timings, live_server


def read_until(master: int, process: subprocess.Popen[bytes], limit: float, wanted: tuple[bytes, ...] = ()) -> bytes:
    """What the terminal shows until every `wanted` piece appeared, the process ended, or `limit` passed."""
    seen = b""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and not (wanted and all(piece in seen for piece in wanted)):
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
        elif process.poll() is not None:
            break
    return seen


def test_live_status_line_on_a_terminal() -> None:
    """Under a pseudo-terminal, `ftjobs wait` draws a spinner line with the status and the seconds waited."""
    with live_server(JobStore(timings=Timings(validating_files=0.0, queued=0.0, running=600.0))) as server:
        job_id = str(server.store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"])
        env = {**os.environ, "OPENAI_API_KEY": server.api_key, "OPENAI_BASE_URL": server.base_url, "COLUMNS": "120"}
        env.pop("NO_COLOR", None)
        master, slave = pty.openpty()
        command = [
            str(Path(sys.executable).parent / "ftjobs"),
            "wait",
            job_id,
            "--until",
            "paused",
            "--poll-interval",
            "0.1",
        ]
        with subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env) as process:  # noqa: S603
            os.close(slave)
            waiting = f"{job_id}  running  waiting for paused".encode()
            early = read_until(master, process, 30, wanted=(waiting, b"1s"))
            server.store.pause(job_id)
            late = read_until(master, process, 30)
            process.wait(10)
        os.close(master)
    screen = (early + late).decode("utf-8", "replace")
    assert process.returncode == 0
    assert f"{job_id}  running  waiting for paused" in screen
    assert any(frame in screen for frame in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")  # rich's "dots" spinner
    assert "\r" in screen or "\x1b[" in screen  # the line is redrawn in place
    assert "1s" in screen  # the elapsed time moved on while waiting
    assert f"{job_id}  paused  after" in screen


def test_ctrl_c_while_waiting_clears_the_line_and_exits_130() -> None:
    """Ctrl-C on a terminal: the live line is cleared, one line says what was interrupted, exit 130."""
    with live_server(JobStore(timings=Timings(validating_files=0.0, queued=0.0, running=600.0))) as server:
        job_id = str(server.store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"])
        env = {**os.environ, "OPENAI_API_KEY": server.api_key, "OPENAI_BASE_URL": server.base_url, "COLUMNS": "120"}
        env.pop("NO_COLOR", None)
        master, slave = pty.openpty()
        command = [str(Path(sys.executable).parent / "ftjobs"), "wait", job_id, "--until", "paused"]
        with subprocess.Popen(  # noqa: S603 -- our console script
            command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        ) as process:
            os.close(slave)
            read_until(master, process, 30, wanted=(b"waiting for paused",))
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does to the terminal's foreground group
            after = read_until(master, process, 10)
            process.wait(10)
        os.close(master)
        status = server.store.retrieve(job_id)["status"]
    screen = after.decode("utf-8", "replace")
    assert process.returncode == 130
    assert f"ftjobs: interrupted wait of {job_id}; no job was changed" in screen
    assert "Aborted" not in screen
    assert "Traceback" not in screen
    assert "\x1b[2K" in screen or "\r" in screen  # the live line is erased before the message
    assert status == "running"


def test_ctrl_c_at_the_terminals_full_width_leaves_no_live_line(tmp_path: Path) -> None:
    """In tmux at 160 columns, Ctrl-C during a wait: the screen keeps no trace of the live line (it is not padded
    to the width, and `^C` is not echoed, so the clean-up erases the right row), then the one-line message."""
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.skip("tmux is not installed (apt-get install tmux)")
    socket = str(tmp_path / "tmux.socket")

    def screen() -> str:
        shown = subprocess.run(  # noqa: S603 -- tmux, our socket
            [tmux, "-S", socket, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True, check=False
        )
        return shown.stdout

    def until(text: str) -> str:
        deadline = time.monotonic() + 30
        while text not in (shown := screen()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return shown

    with live_server(JobStore(timings=Timings(validating_files=0.0, queued=0.0, running=600.0))) as server:
        job_id = str(server.store.create({"model": "gpt-4o-mini", "training_file": "file-abc"})["id"])
        ftjobs = Path(sys.executable).parent / "ftjobs"
        typed = f"{ftjobs} wait {job_id} --until paused"
        environment = [f"OPENAI_API_KEY={server.api_key}", f"OPENAI_BASE_URL={server.base_url}", "TERM=xterm"]
        environment.append("PS1=prompt> ")
        start = [tmux, "-S", socket, "new-session", "-d", "-s", "t", "-x", "160", "-y", "20"]
        subprocess.run([*start, "env", *environment, "bash", "--norc", "-i"], check=True)  # noqa: S603
        try:
            until("prompt>")  # a person's shell, which gives the command the terminal's foreground
            keys = [tmux, "-S", socket, "send-keys", "-t", "t"]
            subprocess.run([*keys, typed, "Enter"], check=True)  # noqa: S603
            assert "waiting for paused" in until("waiting for paused")
            subprocess.run([*keys, "C-c"], check=True)  # noqa: S603
            until("no job was changed")
            subprocess.run([*keys, "echo EXIT=$?", "Enter"], check=True)  # noqa: S603
            shown = until("EXIT=1")
        finally:
            subprocess.run([tmux, "-S", socket, "kill-server"], check=False)  # noqa: S603
    assert "EXIT=130" in shown, shown
    assert f"ftjobs: interrupted wait of {job_id}; no job was changed" in shown
    assert "waiting for paused" not in shown.replace(typed, "")
    assert "^C" not in shown
