"""Peak summed PSS of this process and its descendants, sampled in a background thread.

PSS (proportional set size) splits each shared page between the processes that map it, so
the sum over a parent and its forked workers is the memory they really use together; summed
RSS counts the copy-on-write pages they share once per process. Linux only
(``/proc/<pid>/smaps_rollup``); elsewhere the peak stays 0.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += _children(p)
    return pids


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PssSampler:
    """``with PssSampler() as s: ...``; then ``s.peak_mb``."""

    def __init__(self, every: float = 0.5) -> None:
        self.every = every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.every):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(me)))

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024
