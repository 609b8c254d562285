"""Reading a big traffic file in a second process while this one checks it: the machine's second core.

Reading (the JSON or YAML parse and the records built from it) costs about as much as checking, and the check
must see the exchanges in order, one process at a time. So a forked child reads the file and sends the records
over a pipe in batches, in order, while the parent checks those already sent. The records are the ones
`read_traffic` yields, unchanged; what the child finds unreadable is raised here as the same `Unreadable`.

Only where it is safe and worth it: a platform with `fork`, a process with no other thread (a fork copies only
the calling thread, and a lock another thread held would stay locked in the child), and a file of at least
`BESIDE_FROM` bytes. Otherwise, and whenever the child cannot be started, the file is read here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from ftjobs.traffic._records import Recorded, Unreadable, read_traffic

T = TypeVar("T")

BESIDE_FROM = 4_000_000  # bytes: below, a second process costs more than it saves
BATCH = 256  # records per message


def read_beside(path: Path, prepare: Callable[[Recorded], T], *, beside_from: int = BESIDE_FROM) -> Iterator[T]:
    """`prepare` of every exchange the file holds, in the file's order: read and prepared in a forked child when
    that is safe and worth it (`prepare` then keeps its state in the child: it must need no other)."""
    if not _worth_a_child(path, beside_from):
        yield from map(prepare, read_traffic(path))
        return
    try:
        readable, writable = os.pipe()
        child = os.fork()
    except OSError:
        yield from map(prepare, read_traffic(path))
        return
    if child == 0:  # pragma: no cover - runs in the child, which leaves through os._exit
        os.close(readable)
        _read_in_child(path, prepare, writable)
    os.close(writable)
    try:
        yield from _received(path, readable)
    finally:
        _stop(child)


def _worth_a_child(path: Path, beside_from: int) -> bool:
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        return path.stat().st_size >= beside_from
    except OSError:
        return False  # read_traffic says why it cannot be opened


def _read_in_child(path: Path, prepare: Callable[[Recorded], T], writable: int) -> None:  # pragma: no cover
    code = 0
    try:
        with os.fdopen(writable, "wb") as out:
            batch: list[T] = []
            try:
                for record in read_traffic(path):
                    batch.append(prepare(record))
                    if len(batch) == BATCH:
                        pickle.dump(("records", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                        batch = []
                pickle.dump(("records", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(("end", None), out)
            except Unreadable as error:
                pickle.dump(("records", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(("unreadable", str(error)), out)
    except BrokenPipeError:
        code = 0  # the parent stopped reading: nothing more to do
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _received(path: Path, readable: int) -> Iterator[T]:
    with os.fdopen(readable, "rb") as incoming:
        while True:
            try:
                kind, value = pickle.load(incoming)  # noqa: S301 - our own child's records, over our own pipe
            except EOFError:
                raise Unreadable(f"{path}: the process reading it stopped before the end") from None
            if kind == "records":
                yield from value
            elif kind == "unreadable":
                raise Unreadable(value)
            else:
                return


def _stop(child: int) -> None:
    """The child, ended and reaped (it is told to stop when the check ended before the file did)."""
    done, _ = os.waitpid(child, os.WNOHANG)
    if done == 0:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGTERM)
        os.waitpid(child, 0)
