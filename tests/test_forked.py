"""Work run in a forked child comes back as its result or its exception, and what the child
allocated goes with it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from unittest.mock import ANY

import pytest

from klantspiegel.forked import ChildDied, run_each_forked, start_forked, with_helpers
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


def forked_result(work: Callable[[], object]) -> object:
    """What one work run in a child of its own gives back."""
    ((_, result),) = run_each_forked([("only", work)], at_once=1)
    return result


def test_the_result_comes_back() -> None:
    assert forked_result(lambda: {"pages": 12, "child": os.getpid()}) == {
        "pages": 12,
        "child": ANY,
    }


def test_the_work_runs_in_another_process() -> None:
    assert forked_result(os.getpid) != os.getpid()


def test_an_exception_comes_back_as_itself() -> None:
    def late() -> None:
        raise PdfTimeout("took longer than 300 s")

    result = forked_result(late)

    assert isinstance(result, PdfTimeout) and str(result) == "took longer than 300 s"


def test_an_exception_that_cannot_travel_comes_back_by_name_and_text() -> None:
    def fails() -> None:
        raise NotPicklable(object())

    result = forked_result(fails)

    assert isinstance(result, RuntimeError) and str(result) == "NotPicklable: a handle"


def test_a_child_killed_on_the_way_is_an_error_that_says_so() -> None:
    result = forked_result(lambda: os.kill(os.getpid(), signal.SIGKILL))

    assert isinstance(result, ChildDied) and "killed by SIGKILL" in str(result)


KEPT: list[bytes] = []  # what a library keeps after its work is done


def keep_200_megabytes() -> int:
    KEPT.append(b"x" * (200 << 20))
    return len(KEPT[-1])


def test_what_the_child_keeps_is_not_left_in_the_parent() -> None:
    before = private_bytes()
    assert forked_result(keep_200_megabytes) == 200 << 20
    assert KEPT == []
    assert private_bytes() - before < 50 << 20


def stamped(name: str, log: Path, seconds: float) -> Callable[[], str]:
    """Work that logs its start and end to log, one line each, and sleeps between."""

    def work() -> str:
        for event in ("start", "end"):
            if event == "end":
                time.sleep(seconds)
            with open(log, "a") as file:
                file.write(f"{event} {name}\n")
        return name

    return work


def most_at_once(log: Path) -> int:
    running = most = 0
    for line in log.read_text().splitlines():
        running += 1 if line.startswith("start") else -1
        most = max(most, running)
    return most


def test_each_work_comes_back_with_its_key_and_at_most_so_many_run_side_by_side(tmp_path):
    log = tmp_path / "log"
    works = [(n, stamped(f"w{n}", log, 0.2)) for n in range(5)]

    results = dict(run_each_forked(works, at_once=2))

    assert results == {n: f"w{n}" for n in range(5)}
    assert most_at_once(log) == 2


def test_results_come_in_the_order_the_children_end(tmp_path):
    log = tmp_path / "log"
    works = [("slow", stamped("slow", log, 0.6)), ("fast", stamped("fast", log, 0.05))]

    assert [key for key, _ in run_each_forked(works, at_once=2)] == ["fast", "slow"]


def test_a_result_larger_than_a_pipe_holds_comes_back_whole():
    big = [("big", lambda: "x" * (1 << 20)), ("small", lambda: "y")]

    results = dict(run_each_forked(big, at_once=2))

    assert results == {"big": "x" * (1 << 20), "small": "y"}


def test_a_failed_or_killed_child_is_its_exception_and_the_others_go_on():
    def fails() -> None:
        raise ValueError("no such page")

    works = [
        ("fails", fails),
        ("killed", lambda: os.kill(os.getpid(), signal.SIGKILL)),
        ("fine", lambda: "done"),
    ]

    results = dict(run_each_forked(works, at_once=2))

    assert isinstance(results["fails"], ValueError) and str(results["fails"]) == "no such page"
    assert isinstance(results["killed"], ChildDied) and "SIGKILL" in str(results["killed"])
    assert results["fine"] == "done"


def test_children_still_running_when_the_caller_stops_are_ended(tmp_path):
    pid_file = tmp_path / "slow.pid"

    def slow() -> None:
        pid_file.write_text(str(os.getpid()))
        time.sleep(30)

    results = run_each_forked([("slow", slow), ("fast", lambda: time.sleep(0.3))], at_once=2)

    key, _ = next(results)
    results.close()

    assert key == "fast"
    with pytest.raises(ProcessLookupError):  # killed, and waited for
        os.kill(int(pid_file.read_text()), 0)


def test_a_child_started_at_once_works_while_the_caller_does_and_gives_its_result_after():
    started = time.monotonic()
    with start_forked(lambda: (time.sleep(0.5), os.getpid())[1]) as result:
        returned_after = time.monotonic() - started
        time.sleep(0.5)  # the caller's own work, meanwhile
        child = result()

    assert returned_after < 0.4
    assert time.monotonic() - started < 0.9  # the two half seconds overlapped
    assert child != os.getpid()


def test_a_child_started_at_once_that_fails_gives_its_exception():
    def fails() -> None:
        raise ValueError("no such page")

    with start_forked(fails) as result:
        outcome = result()

    assert isinstance(outcome, ValueError) and str(outcome) == "no such page"


def test_a_child_started_at_once_is_ended_when_the_caller_is_interrupted(tmp_path):
    pid_file = tmp_path / "slow.pid"

    def slow() -> None:
        pid_file.write_text(str(os.getpid()))
        time.sleep(30)

    with pytest.raises(KeyboardInterrupt), start_forked(slow):
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
        raise KeyboardInterrupt

    with pytest.raises(ProcessLookupError):  # killed, and waited for: no zombie left
        os.kill(int(pid_file.read_text()), 0)


def test_a_child_started_at_once_is_ended_when_the_caller_is_interrupted_while_waiting(
    tmp_path,
):
    pid_file = tmp_path / "slow.pid"

    def slow() -> None:
        pid_file.write_text(str(os.getpid()))
        time.sleep(30)

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt), start_forked(slow) as result:
            signal.setitimer(signal.ITIMER_REAL, 0.5)  # Ctrl-C, half a second into the wait
            result()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    with pytest.raises(ProcessLookupError):  # killed, and waited for: no zombie left
        os.kill(int(pid_file.read_text()), 0)


def test_helpers_take_the_later_slices_and_the_results_keep_their_order():
    taken: list[list[int]] = []

    done = with_helpers(list(range(10)), 3, lambda n: n * 2, list, taken.append)

    assert done == [n * 2 for n in range(10)]
    assert taken == [[4, 5, 6, 7], [8, 9]]  # this process had 0-3


@pytest.mark.parametrize("items, processes", [([], 2), ([1], 2), ([1, 2, 3], 1), ([1, 2], 0)])
def test_no_helper_for_one_process_or_one_item(items, processes):
    taken: list[object] = []

    assert with_helpers(items, processes, str, list, taken.append) == [str(i) for i in items]
    assert taken == []


def test_a_helper_that_fails_gives_nothing_to_take():
    def broken(items: list[int]) -> list[int]:
        raise RuntimeError("broken")

    taken: list[object] = []
    assert with_helpers([1, 2, 3, 4], 2, str, broken, taken.append) == ["1", "2", "3", "4"]
    assert taken == []
