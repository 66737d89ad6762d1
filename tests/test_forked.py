"""Work run in a forked child comes back as its result or its exception, and what the child
allocated goes with it."""

from __future__ import annotations

import os
import signal

import pytest

from klantspiegel.forked import ChildDied, run_forked
from klantspiegel.render import PdfTimeout


class NotPicklable(Exception):
    def __init__(self, handle: object) -> None:
        super().__init__("a handle")
        self.handle = handle

    def __reduce__(self) -> object:
        raise TypeError("cannot pickle")


def private_bytes() -> int:
    with open("/proc/self/smaps_rollup") as rollup:
        return 1024 * sum(
            int(line.split()[1])
            for line in rollup
            if line.startswith(("Private_Dirty:", "Private_Clean:"))
        )


def test_the_result_comes_back() -> None:
    assert run_forked(lambda: {"pages": 12, "child": os.getpid()})["pages"] == 12


def test_the_work_runs_in_another_process() -> None:
    assert run_forked(os.getpid) != os.getpid()


def test_an_exception_comes_back_as_itself() -> None:
    def late() -> None:
        raise PdfTimeout("took longer than 300 s")

    with pytest.raises(PdfTimeout, match="took longer than 300 s"):
        run_forked(late)


def test_an_exception_that_cannot_travel_comes_back_by_name_and_text() -> None:
    def fails() -> None:
        raise NotPicklable(object())

    with pytest.raises(RuntimeError, match="NotPicklable: a handle"):
        run_forked(fails)


def test_a_child_killed_on_the_way_is_an_error_that_says_so() -> None:
    with pytest.raises(ChildDied, match="killed by SIGKILL"):
        run_forked(lambda: os.kill(os.getpid(), signal.SIGKILL))


KEPT: list[bytes] = []  # what a library keeps after its work is done


def keep_200_megabytes() -> int:
    KEPT.append(b"x" * (200 << 20))
    return len(KEPT[-1])


def test_what_the_child_keeps_is_not_left_in_the_parent() -> None:
    before = private_bytes()
    assert run_forked(keep_200_megabytes) == 200 << 20
    assert KEPT == []
    assert private_bytes() - before < 50 << 20
