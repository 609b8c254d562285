"""Tools that tests start run in their own process group, stopped whole on every way out.

`npx` does not pass a terminate signal on to the node process it starts: terminating `npx` alone left Prism
running after `make test`. Signalling the group reaches every child.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO


@contextmanager
def process_group(
    command: Sequence[str], *, cwd: Path, output: IO[str] | int, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """Start `command` as the leader of a new process group; on exit (success, failure, Ctrl-C) stop the group:
    SIGTERM, then SIGKILL for whatever is left after two seconds."""
    process = subprocess.Popen(  # noqa: S603 -- the tests' own commands
        list(command), cwd=cwd, stdout=output, stderr=subprocess.STDOUT, text=True, start_new_session=True, env=env
    )
    try:
        yield process
    finally:
        stop_group(process.pid)
        with suppress(subprocess.TimeoutExpired):
            process.wait(5)


def stop_group(pgid: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    for _ in range(20):  # two seconds to go on their own
        if not group_alive(pgid):
            return
        with suppress(ChildProcessError):
            os.waitpid(-pgid, os.WNOHANG)
        time.sleep(0.1)
    with suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    for _ in range(50):  # SIGKILL is delivered asynchronously
        if not group_alive(pgid):
            return
        time.sleep(0.05)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (zombies do not count)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False
