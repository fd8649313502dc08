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
from datetime import date, timedelta
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


def test_the_goals_compare_the_best_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The goal lines of the benchmark: each goal from the best run of each
    implementation, at the boundary met (protected exactly twice the unprotected run)
    and just above it not met."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from indicators_vs_pandas import _table
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))

    def run(seconds: float, peak: float = 100.0) -> dict[str, float]:
        return {"seconds": seconds, "cpu": seconds, "peak_mb": peak, "worker_mb": 0.0, "load": 0.0}

    def goals(protected: float) -> dict[str, bool]:
        figures = {
            "pandas": [run(7.0)],
            "duckdb": [run(3.0)],
            "library": [run(2.5), run(2.0)],  # the best run counts
            "library-protected": [run(protected), run(protected + 1.0, peak=301.0)],
        }
        _table(figures, 1_000_000)
        lines = capsys.readouterr().out.splitlines()
        found = {}
        for line in lines:
            if line.startswith("goal "):
                name, _, verdict = line[len("goal ") :].rpartition(": ")
                found[name.split(" (")[0]] = verdict == "met"
        return found

    at = goals(4.0)
    assert at["protected ≤ 2× unprotected"] is True
    assert at["unprotected ≤ 0.5× pandas"] is True  # 2.0 s against 7.0 s
    assert at["unprotected < DuckDB"] is True
    above = goals(4.01)  # (against the slower unprotected run, 2.5 s, it would be met)
    assert above["protected ≤ 2× unprotected"] is False
    assert above["protected ≤ 1.0× pandas"] is True
    assert above["library-protected peak ≤ 300 MB"] is False  # the second run's peak counts


def test_the_tau_argus_reference_codes_months_under_quarters_under_the_year() -> None:
    """The large table of ``benchmarks/disclosure.py --workload`` as Tau-Argus gets it:
    a month's code (hierarchy levels ``1 2``) reads back as its month, its first digit
    as its quarter, ``Total`` as the year, for every day of the year; and the table's
    relations split into one set per coordinate (its product)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from disclosure import _period_code, _period_of, dimensions
        from indicators_vs_pandas import periods
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    labels = periods()
    assert _period_of("Total") == labels[0][0] == "2025"
    for label, first, last in labels[1:]:
        day = date.fromisoformat(first)
        while day <= date.fromisoformat(last):
            code = _period_code(day.isoformat())
            assert label in (_period_of(code), _period_of(code[0])), (day, code)
            assert len(code) == 3
            day += timedelta(days=1)
    cells = [(p, s) for p in ("y", "a", "b") for s in ("_T", "f", "m")]
    relations = [(("y", s), [("a", s), ("b", s)], False) for s in ("_T", "f", "m")]
    relations += [((p, "_T"), [(p, "f"), (p, "m")], True) for p in ("y", "a", "b")]
    assert {c for r in relations for c in (r[0], *r[1])} == set(cells)
    assert dimensions(relations) == [[("y", ["a", "b"], False)], [("_T", ["f", "m"], True)]]
