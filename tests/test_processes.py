"""Tools started by tests leave nothing behind: their whole process group stops, children and grandchildren too,
on success, on failure and on interruption."""

from __future__ import annotations

import contextlib
import subprocess
import time
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.processes import group_alive, process_group

# A parent that starts children, one of which ignores SIGTERM: like npx and the node process it starts.
TREE = ["bash", "-c", "sleep 300 & (trap '' TERM; sleep 300) & wait"]


@pytest.mark.parametrize("ending", [None, RuntimeError, KeyboardInterrupt])
def test_the_whole_group_stops(ending: type[BaseException] | None) -> None:
    """Whatever ends the block, no process of the group is left running."""
    started: list[int] = []
    expected: Any = pytest.raises(ending) if ending is not None else contextlib.nullcontext()
    with expected, process_group(TREE, cwd=ROOT, output=subprocess.DEVNULL) as process:
        started.append(process.pid)
        time.sleep(0.3)
        assert group_alive(process.pid)
        if ending is not None:
            raise ending
    assert not group_alive(started[0])
