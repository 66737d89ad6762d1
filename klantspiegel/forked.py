"""Run one piece of work in a child process forked for it, and take its result back.

Rendering a PDF leaves a pool worker some megabytes larger each time (WeasyPrint and the
libraries below it keep what they allocated), so a worker that renders twenty-five PDFs
ends hundreds of megabytes above where it started. A child forked for each PDF takes all
of it away when it ends, and the worker stays the size it was.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ChildDied(RuntimeError):
    """The child ended without a result (killed, or out of memory)."""


def run_forked(work: Callable[[], T]) -> T:
    """work() run in a forked child: its return value, or the exception it raised.

    Only from a process with one thread (a pool worker): a fork copies no other thread, so
    a lock one of them held would stay locked in the child.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _exit_with(work, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise ChildDied(f"the process rendering it ended without a result ({_how(status)})")
    kind, value = pickle.loads(data)  # from our own child, so trusted
    if kind == "error":
        raise value
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
