"""Ctrl-C always arrives: a press that Python drops inside a finalizer is delivered again."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from ftjobs._interrupts import ctrl_c_delivered


def _press_ctrl_c() -> None:
    """What the terminal does on Ctrl-C: SIGINT to the main thread (it also ends a sleep in progress)."""
    main = threading.main_thread().ident
    assert main is not None
    signal.pthread_kill(main, signal.SIGINT)


class _SlowFinalizer:
    """An object whose finalizer is running when the press lands: Python prints "Exception ignored" and drops it."""

    def __del__(self) -> None:
        time.sleep(0.3)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_press_lost_in_a_finalizer_is_delivered_again() -> None:
    """The press lands in a `__del__` and is dropped; within a second it is delivered again, outside it."""
    started = time.monotonic()
    arrived = False
    with ctrl_c_delivered():
        try:
            doomed = _SlowFinalizer()
            threading.Timer(0.1, _press_ctrl_c).start()
            del doomed  # the finalizer sleeps; the press arrives in it
            time.sleep(5)  # a dropped press, never delivered again, would sleep all of this
        except KeyboardInterrupt:
            arrived = True
    assert arrived
    assert time.monotonic() - started < 3


def test_an_acknowledged_press_is_not_delivered_again() -> None:
    """Once the code that caught a press acknowledges it, nothing more arrives."""
    with ctrl_c_delivered() as ctrl_c:
        try:
            threading.Timer(0.05, _press_ctrl_c).start()
            time.sleep(5)
        except KeyboardInterrupt:
            ctrl_c.acknowledge()
        time.sleep(1.0)  # a redelivery would raise here
    assert ctrl_c.pressed == ctrl_c.handled == 1
