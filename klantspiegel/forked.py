"""Run pieces of work each in a child process forked for it, and take their results back.

Rendering a PDF leaves a process some megabytes larger each time (WeasyPrint and the
libraries below it keep what they allocated), so a process that renders twenty-five PDFs
ends hundreds of megabytes above where it started. A child forked for each PDF takes all
of it away when it ends, and the build stays the size it was.

A fork copies no thread but the one that forks, so a lock another thread held stays locked
in the child: fork where no other thread holds a lock the work needs (the build's progress
bar only writes to the terminal, which a child does not).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import selectors
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from functools import partial
from typing import Any, TypeVar

K = TypeVar("K")
T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ChildDied(RuntimeError):
    """The child ended without a result (killed, or out of memory)."""


@contextmanager
def start_forked(work: Callable[[], T]) -> Iterator[Callable[[], T | BaseException]]:
    """Fork a child running work now. The function given waits for it, and gives its return
    value or the exception it raised (ChildDied when it ended without a result); a child not
    reaped when the block is left (an interrupted caller, even while it waits) is killed, and
    reaped."""
    read_end, pid = _fork(work)
    pipe = os.fdopen(read_end, "rb")
    reaped = False

    def result() -> T | BaseException:
        nonlocal reaped
        data = pipe.read()
        _, status = os.waitpid(pid, 0)
        reaped = True
        return _result(data, status)

    try:
        yield result
    finally:
        pipe.close()
        if not reaped:
            _end(pid)


def with_helpers(
    items: list[K],
    processes: int,
    do: Callable[[K], T],
    helper: Callable[[list[K]], Any],
    take: Callable[[Any], None],
) -> list[T]:
    """do(item) for each item, in order, with `processes - 1` helpers forked for it.

    Each helper runs helper() on a later slice of the items, while do() goes through the
    first slice here; take() is then given each helper's result, before do() reaches that
    helper's slice: work do() can reuse, such as a cache's new entries. A helper that fails
    gives take() nothing, and leaves its slice to do() alone.
    """
    if processes < 2 or len(items) < 2:
        return [do(item) for item in items]
    size = -(-len(items) // processes)  # rounded up
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    with ExitStack() as stack:
        helpers = [stack.enter_context(start_forked(partial(helper, s))) for s in slices[1:]]
        done = [do(item) for item in slices[0]]
        for result in (helped() for helped in helpers):
            if not isinstance(result, BaseException):
                take(result)
    return done + [do(item) for later in slices[1:] for item in later]


def run_each_forked(
    works: Iterable[tuple[K, Callable[[], T]]], at_once: int
) -> Iterator[tuple[K, T | BaseException]]:
    """Run each work in a child forked for it, at most `at_once` side by side; yield each
    one's key with its return value, or the exception it raised (ChildDied when the child
    ended without a result), in the order they end.

    A child's pipe is read while it runs, so a result larger than the pipe's buffer does
    not keep it waiting. The next child is forked once the caller has taken a result, so a
    caller that stops at one (a failure that ends the build) starts no other; children still
    running when it stops are killed.
    """
    waiting = iter(works)
    running: dict[int, tuple[K, int, bytearray]] = {}  # by the pipe's read end
    with selectors.DefaultSelector() as selector:

        def start_next() -> bool:
            for key, work in waiting:
                read_end, pid = _fork(work)
                running[read_end] = (key, pid, bytearray())
                selector.register(read_end, selectors.EVENT_READ)
                return True
            return False

        try:
            while len(running) < at_once and start_next():
                pass
            while running:
                for ready, _ in selector.select():
                    chunk = os.read(ready.fd, 1 << 16)
                    if chunk:
                        running[ready.fd][2].extend(chunk)
                        continue
                    selector.unregister(ready.fd)
                    os.close(ready.fd)
                    key, pid, data = running.pop(ready.fd)
                    _, status = os.waitpid(pid, 0)
                    yield key, _result(bytes(data), status)
                    start_next()  # after the caller took the result: it may stop here
        finally:
            for read_end, (_, pid, _) in running.items():
                os.close(read_end)
                _end(pid)


def _end(pid: int) -> None:
    """Kill a child that may still run, and reap it."""
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with suppress(ChildProcessError):  # reaped already: interrupted as its wait returned
        os.waitpid(pid, 0)


def _fork(work: Callable[[], object]) -> tuple[int, int]:
    """(the read end of its result's pipe, its pid) of a child running work."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _exit_with(work, write_end)
    os.close(write_end)
    return read_end, pid


def _result(data: bytes, status: int) -> Any:
    if not data:
        return ChildDied(f"the process rendering it ended without a result ({_how(status)})")
    _, value = pickle.loads(data)  # from our own child, so trusted
    return value


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, so a child of a killed build
    does not live on holding its pipes open (elsewhere: nothing)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _exit_with(work: Callable[[], object], write_end: int) -> None:
    status = 0
    try:
        die_with_parent()  # the parent's death signal is not inherited
        try:
            result: tuple[str, object] = ("ok", work())
        except BaseException as error:
            result = ("error", error)
        try:
            data = pickle.dumps(result)
        except Exception:  # an exception that does not pickle: keep its type's name and text
            raised = result[1]
            data = pickle.dumps(("error", RuntimeError(f"{type(raised).__name__}: {raised}")))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # no cleanup of the parent's state: it is the parent's


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
