"""Ctrl-C that always arrives.

Python raises KeyboardInterrupt at the next bytecode of the main thread; when that bytecode belongs to a
finalizer (a `__del__`, a weakref callback run by the garbage collector), the exception is printed as
"Exception ignored in: …" and dropped, and the program goes on as if nothing was pressed. Seen under load, in
waits and in contract runs. `ctrl_c_delivered()` delivers a press again until the code that catches it says so
(`CtrlC.acknowledge()`), or the block ends.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

AGAIN_AFTER = 0.3  # seconds a press may go unhandled before it is delivered again


class CtrlC:
    """The presses of Ctrl-C in a block, and how many of them the code has handled."""

    def __init__(self) -> None:
        self.pressed = 0
        self.handled = 0
        self.last = 0.0

    def acknowledge(self) -> None:
        """Every press so far has been caught: deliver none of them again."""
        self.handled = self.pressed

    def _press(self, signum: int, frame: object) -> None:
        self.pressed += 1
        self.last = time.monotonic()
        raise KeyboardInterrupt


@contextmanager
def ctrl_c_delivered() -> Iterator[CtrlC]:
    """In the block, a press of Ctrl-C not acknowledged within `AGAIN_AFTER` seconds is delivered again.

    Only in the main thread (where signals are handled); elsewhere the block runs as it is.
    """
    state = CtrlC()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    over = threading.Event()
    main = threading.get_ident()

    def deliver_again() -> None:
        while not over.wait(AGAIN_AFTER):
            if state.pressed > state.handled and time.monotonic() - state.last >= AGAIN_AFTER:
                signal.pthread_kill(main, signal.SIGINT)  # a real signal: it also ends a sleep in progress

    previous = signal.signal(signal.SIGINT, state._press)
    helper = threading.Thread(target=deliver_again, name="ftjobs-ctrl-c", daemon=True)
    helper.start()
    try:
        yield state
    finally:
        over.set()
        signal.signal(signal.SIGINT, previous)
