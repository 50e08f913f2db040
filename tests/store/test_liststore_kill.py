"""A load killed with SIGKILL half-way leaves the previous version current and intact,
and the next open marks its version ``abandoned`` (a real subprocess writing a large
list, on both backends)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import func, select
from store_helpers import make_entity

from stopship.errors import NotFoundError
from stopship.store import ListStore
from stopship.store import tables as t

CHILD = textwrap.dedent("""
    import sys, time
    from stopship.model import Entity, Name
    from stopship.store import ListStore

    store = ListStore.open(url=sys.argv[1])

    def endless():
        n = 0
        while True:
            yield Entity("big", f"{n:09d}", "person", names=[Name(f"PERSON {n}")],
                         remarks="x" * 300)
            n += 1
            if n > 30000:
                time.sleep(0.001)  # never finishes: the parent kills it

    def progress(done):
        if done >= 20000:
            print("WRITING", done, flush=True)

    store.load("big", endless(), progress=progress)
""")


def test_sigkill_mid_load_keeps_previous_version(store: ListStore) -> None:
    before = [make_entity(f"{n:09d}", f"COMPANY {n}", list_id="big") for n in range(1000)]
    store.load("big", before)
    child = subprocess.Popen([sys.executable, "-c", CHILD, store.url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # blocks until the child has written 20,000 rows
        assert line.startswith("WRITING"), child.stderr.read() if child.stderr else line
        # the half-written version exists (numbered, loading) while the child runs
        deadline = time.monotonic() + 10
        while [v.status for v in store.versions("big")] != ["complete", "loading"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    store.close()
    reopened = ListStore.open(url=store.url)
    try:
        current = reopened.current_version("big")
        assert current is not None
        assert (current.version, current.status, current.entity_count) == (1, "complete", 1000)
        assert list(reopened.iter_entities("big")) == before
        half = reopened.versions("big")[1]
        assert (half.version, half.status, half.is_current) == (2, "abandoned", False)
        assert half.pid == child.pid and half.hostname
        assert f"pid {child.pid}" in (half.error or "") and "abandoned" in (half.error or "")
        with pytest.raises(NotFoundError):
            list(reopened.iter_entities("big", 2))
        with reopened.engine.connect() as conn:
            orphans = conn.execute(select(func.count()).select_from(t.entities).join(
                t.versions, t.versions.c.id == t.entities.c.version_id)
                .where(t.versions.c.version == 2)).scalar()
        assert orphans == 0
        # nothing is left locked: the next load works and becomes current
        result = reopened.load("big", before[:10], allow_shrink=True)
        assert (result.version, result.status) == (3, "created")
    finally:
        reopened.close()
