"""Time limits on work that can run away (pathological Markdown, a huge PDF)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def time_limit(seconds: float, expired: Callable[[], Exception]) -> Iterator[None]:
    """Raise `expired()` when the block runs longer than `seconds`.

    It uses SIGALRM, so it only works in a process's main thread; elsewhere (the preview
    server's build thread) the block runs without a limit. Limits nest: an outer limit that
    ends sooner stays in charge, and one that ends later is re-armed afterwards. Native code
    (nh3, WeasyPrint's C parts) is interrupted only when it returns to Python, so what it is
    given must be bounded too.

    The exception can land inside library code that catches every error (WeasyPrint logs and
    goes on when loading an image fails): it is raised again every RETRY seconds until it
    leaves the block, and a block that swallowed it and ended, or turned it into another
    error, still ends in `expired()`.
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return
    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
    if 0 < outer_left <= seconds:
        yield
        return
    fired = ended = False

    def expire(_signum: int, _frame: object) -> None:
        nonlocal fired
        if ended:
            return
        fired = True
        signal.setitimer(signal.ITIMER_REAL, RETRY)  # again, should the work swallow it
        raise expired()

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except Exception as error:
        if fired and type(error) is not type(limit := expired()):
            raise limit from error
        raise
    finally:
        ended = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
    if fired:
        raise expired()


RETRY = 0.05  # seconds between raising a limit's exception again (see time_limit)
