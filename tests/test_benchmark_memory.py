"""The memory figure of the benchmark's worker processes (``benchmarks/indicators_vs_pandas.py``).

Linux keeps a process's high-water mark across ``exec``: ``getrusage(RUSAGE_CHILDREN)``
reports a worker started by ``spawn`` at least as large as its parent was at that
moment. The benchmark therefore watches each worker's own ``VmHWM``; this test holds a
large parent and a small worker and requires the figure of the worker, not the parent's.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def _hold(megabytes: int) -> int:
    """In the worker: hold *megabytes* for a moment (touched, so resident)."""
    import time

    block = bytearray(megabytes * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    time.sleep(0.3)
    return len(block)


def test_the_workers_peak_is_their_own_not_the_parents() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from indicators_vs_pandas import _WorkerPeaks
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    parent = bytearray(400 * 1024 * 1024)  # the parent: 400 MB resident
    for i in range(0, len(parent), 4096):
        parent[i] = 1
    watch = _WorkerPeaks()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_hold, (60,)) == 60 * 1024 * 1024
    worker_mb = watch.stop()
    inherited = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6
    assert inherited > 400, "the parent's size, kept across exec"
    assert 60 < worker_mb < 200, worker_mb
    del parent
