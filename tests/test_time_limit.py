"""A time limit stops the work it guards, even when the work catches every error it meets
(as WeasyPrint does while it loads an image), and leaves no alarm behind."""

from __future__ import annotations

import signal
import time
from contextlib import suppress

import pytest

from klantspiegel.limits import RETRY, time_limit


class Expired(Exception):
    pass


class Wrapped(Exception):
    """What a library makes of any error it meets."""


def busy(seconds: float) -> None:
    """Python work for `seconds` (a signal is handled between its steps)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def swallowing(seconds: float) -> None:
    """Work that catches every error, as library code that logs and goes on."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with suppress(Exception):
            busy(0.01)


def test_the_work_is_stopped_when_its_time_is_up():
    started = time.monotonic()
    with pytest.raises(Expired), time_limit(0.05, Expired):
        busy(5)
    assert time.monotonic() - started < 1


def test_work_that_swallows_the_limit_is_stopped_all_the_same():
    started = time.monotonic()
    with pytest.raises(Expired), time_limit(0.05, Expired):
        swallowing(0.2)  # a library that logs and goes on
        busy(5)  # a runaway after it
    assert time.monotonic() - started < 1


def test_work_that_swallowed_the_limit_and_ended_is_over_its_limit():
    with pytest.raises(Expired), time_limit(0.05, Expired):
        swallowing(0.05 + 3 * RETRY)


def test_a_limit_a_library_turned_into_its_own_error_is_reported_as_the_limit():
    def wrapping() -> None:
        try:
            busy(5)
        except Exception as error:
            raise Wrapped("image failed") from error

    with pytest.raises(Expired) as raised, time_limit(0.05, Expired):
        wrapping()
    assert isinstance(raised.value.__cause__, Wrapped)


def test_an_error_of_the_work_within_its_time_stays_that_error():
    with pytest.raises(Wrapped), time_limit(5, Expired):
        raise Wrapped("its own")


def test_no_alarm_is_left_behind():
    handler = signal.getsignal(signal.SIGALRM)
    with pytest.raises(Expired), time_limit(0.02, Expired):
        swallowing(0.2)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == handler
    busy(3 * RETRY)  # a stray retry would raise here
