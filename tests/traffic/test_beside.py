"""Reading a big traffic file in a second process (`ftjobs.traffic._beside`): the same exchanges in the same
order as reading it here, the same `Unreadable`, and no child left behind, even when the check stops early.

Each case runs in a fresh interpreter: the reader forks only from a process with one thread, and a pytest
worker has more."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ftjobs.traffic._proxy import log_line
from ftjobs.traffic._records import read_traffic
from tests.traffic.conftest import DATA

PROGRAM = """
import os, sys
from pathlib import Path
from ftjobs.traffic._beside import read_beside
from ftjobs.traffic._records import Unreadable, read_traffic

path, stop = Path(sys.argv[1]), int(sys.argv[2])

def identity(record):
    return (record, os.getpid())

def outcome(records):
    got = []
    try:
        for item in records:
            got.append(item)
            if stop and len(got) == stop:
                break
    except Unreadable as error:
        return got, str(error)
    return got, None

here, here_error = outcome((record, os.getpid()) for record in read_traffic(path))
beside = read_beside(path, identity, beside_from=0)
there, there_error = outcome(beside)
beside.close()
assert [record for record, _ in there] == [record for record, _ in here][: len(there)], "not the same records"
assert there_error == here_error, (there_error, here_error)
readers = {pid for _, pid in there}
assert not there or readers != {os.getpid()}, "read in this process"
try:
    os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    pass  # no child at all: every reader was reaped
else:
    raise AssertionError("a child is left")
print(len(there), there_error is not None)
"""


def run(path: Path, stop: int = 0) -> str:
    done = subprocess.run(  # noqa: S603 - our own program, on our own file
        [sys.executable, "-c", PROGRAM, str(path), str(stop)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("name", ["mitmproxy-reference.har", "vcrpy-reference.yaml"])
def test_a_file_read_beside_gives_the_same_exchanges(name: str) -> None:
    """A HAR and a cassette read in the child: every exchange, in order, equal to reading them here."""
    count, failed = run(DATA / name).split()
    assert int(count) > 10
    assert failed == "False"


def test_an_exchange_log_read_beside_gives_the_same_exchanges(tmp_path: Path) -> None:
    """The NDJSON log, written from the committed HAR, read in the child as here."""
    log = tmp_path / "log.ndjson"
    log.write_text(
        "".join(json.dumps(log_line(r)) + "\n" for r in read_traffic(DATA / "mitmproxy-reference.har")),
        encoding="utf-8",
    )
    assert run(log).split()[1] == "False"


def test_a_truncated_file_read_beside_is_the_same_unreadable(tmp_path: Path) -> None:
    """What the child finds unreadable is raised here with the same one-line reason."""
    broken = tmp_path / "broken.har"
    broken.write_bytes((DATA / "mitmproxy-reference.har").read_bytes()[:5000])
    assert run(broken).split() == ["0", "True"]


def test_stopping_early_leaves_no_child(tmp_path: Path) -> None:
    """A check that stops after two exchanges ends the child and reaps it."""
    assert run(DATA / "mitmproxy-reference.har", stop=2).split() == ["2", "False"]
