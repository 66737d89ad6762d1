"""What a command costs, over its whole process tree: wall time, CPU time and peak memory.

Memory is summed PSS (each shared page split among the processes sharing it): summed RSS
counts a page shared by the build and its forked pool workers once per process, so it
overstates what the tree takes from the machine; PSS adds up to the real total.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    """One run of a command: wall seconds, CPU seconds and peak PSS bytes of its process tree."""

    wall: float
    cpu: float
    peak_pss: int = 0  # measured only when asked: sampling takes some CPU itself


def timed(command: list[str], cwd: Path | None = None, memory: bool = False) -> Timing:
    """Run command to its end; its wall time and the CPU time of it and all it waited for."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        sampler = PeakMemory(process.pid)
        with sampler if memory else contextlib.nullcontext():
            # wait4 rather than Popen.wait: it also gives the tree's rusage, children included
            _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{command[0]} failed: {errors.read().decode(errors='replace')}")
    return Timing(wall, usage.ru_utime + usage.ru_stime, sampler.peak)


class PeakMemory:
    """Samples the summed PSS of `root` and every process below it, every `interval` seconds."""

    def __init__(self, root: int | None = None, interval: float = 0.025) -> None:
        self.root = os.getpid() if root is None else root
        self.peak = 0
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, tree_pss(self.root))
            if self._stop.wait(self._interval):
                return


def tree_pss(root: int) -> int:
    """Bytes of PSS in `root` and every process below it (0 for one that has just ended)."""
    return sum(process_pss(pid) for pid in descendants(root))


def descendants(root: int) -> list[int]:
    """`root` and every process below it, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # the command name may hold spaces and brackets: the fields follow its last ')'
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def process_pss(pid: int) -> int:
    """Bytes of PSS of one process (its `Pss:` line in /proc/PID/smaps_rollup)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0
