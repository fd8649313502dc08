"""Benchmark: where the CPU time of disclosure control goes, table by table.

The workload of ``indicators_vs_pandas.py`` (``--cases`` synthetic cases in 400
municipalities, the year 2025 with its quarters and months, by sex, disclosure control
at its defaults), computed in one process (``workers=1``), so that every protection job
runs here one after another: the one table of new and active cases and one table per
other count. For each job it prints its CPU time and how it divides:

* **other**: everything else — the table, its relations and dimensions, the product
  structure (the cube, the headline cells, the search's bookkeeping), the result;
* **cover**: the first witness of every primary cell (and of every suppressed zero),
  with the number of product searches (``Cube.find``) and their CPU time;
* **prune**: the pass that tries to publish each secondary cell again, with its
  searches among the suppressed cells;
* **explain**: the witnesses that leave another suppressed cell of a primary cell's
  block below the threshold (:meth:`_Search.explain`);
* **check**: every witness checked against every relation of the table;

and the suppressed cells of the job. The last line: the CPU time of the jobs in all
and the load average (the machine may be shared: CPU seconds move less than wall
seconds with the load, but they move; the same command before and after a change,
back to back, compares). Protection jobs run in a worker process cost each worker its
imports on top (about 0.3 s) and its first table's set-up.

The phases are timed by wrapping the engine's internal functions
(``_engine._protection._Search``, ``_engine._hypercube.Cube.find``): a look inside for
whoever changes them, not an interface.

With ``--speculate``: how far the searches of the cover could run side by side in
batches (each batch searched at once with the costs at its start, the results taken in
order) and still give the same witnesses as one after the other. A search reads the
price of the cells of its vectors (:class:`~._hypercube._Star`) and of the products it
checks; its result stands when no witness taken since the batch began suppressed one of
those cells (costs only fall, to 0, when a cell is suppressed). Printed per job: the
share of the cover's searches whose result stands in batches of 4, 16 and 64
consecutive searches, and the primary cells (and suppressed zeros) that an earlier
witness covered (no search). The CPU times are not comparable with ``--speculate``
(the read cells are recorded).

Run: ``.venv/bin/python benchmarks/protection_phases.py [--cases 1000000] [--dir DIR]
[--speculate]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_read import default_dir, generate


def _timed(owner: Any, name: str, sink: Callable[[float], None]) -> None:
    """Wrap the function *name* of *owner* so that its CPU time goes to *sink*."""
    original = getattr(owner, name)

    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            sink(time.process_time() - start)

    setattr(owner, name, run)


class _Speculation:
    """The cells each search of the cover reads and the cells suppressed before it
    (``--speculate``), recorded by wrapping ``Cube.find``, ``Cube._best`` and
    ``_Star`` of *module* (:mod:`._hypercube`)."""

    def __init__(self, module: Any, where: list[str], running: list[Any]) -> None:
        import numpy as np

        self.log: list[tuple[set[int], set[int]]] = []  # (cells read, suppressed before)
        self.reading: set[int] | None = None
        self.hidden: Any = None  # the suppressed cells at the last search
        star, best, find = module._Star, module.Cube._best, module.Cube.find
        spec = self

        class Star(star):  # type: ignore[misc, valid-type]
            __slots__ = ()

            def __init__(self, *a: Any) -> None:
                super().__init__(*a)
                if spec.reading is not None:
                    spec.reading.update(self.cells.ravel().tolist())

        def best_read(cube: Any, target: int, chosen: Any, *a: Any) -> Any:
            if spec.reading is not None:
                flat = np.array([target])
                for line, sel in chosen:  # the cells of every product of *chosen*
                    offsets = line.offset.take(sel, axis=1).ravel()
                    flat = (flat[:, None] + offsets[None, :]).ravel()
                spec.reading.update(flat.tolist())
            return best(cube, target, chosen, *a)

        def find_read(cube: Any, *a: Any, **k: Any) -> Any:
            if where[0] != "cover":
                return find(cube, *a, **k)
            hidden = running[0].hidden
            before: set[int] = set()
            if spec.hidden is not None and spec.log:  # (suppressed since the last search)
                before = set(np.flatnonzero(hidden & ~spec.hidden).tolist())
            spec.hidden = hidden.copy()
            spec.reading = set()
            try:
                return find(cube, *a, **k)
            finally:
                spec.log.append((spec.reading, before))
                spec.reading = None

        module._Star, module.Cube._best, module.Cube.find = Star, best_read, find_read

    def summary(self) -> str:
        """The share of the searches whose result stands in batches of 4, 16, 64."""
        log = self.log
        shares: list[str] = []
        for size in (4, 16, 64):
            stands = 0
            for start in range(0, len(log), size):
                changed: set[int] = set()
                for i, (read, before) in enumerate(log[start : start + size]):
                    if i:
                        changed |= before
                    stands += not (read & changed)
            shares.append(f"{size}: {100 * stands / max(1, len(log)):.0f} %")
        self.hidden = None
        return f"{len(log):,} cover searches; results that stand in batches of " + ", ".join(shares)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--speculate", action="store_true")
    args = parser.parse_args()

    from kommunale_integration import CaseReadOptions, compute_indicators, read_cases
    from kommunale_integration._engine import _hypercube, _protection, compute

    phase: defaultdict[str, float] = defaultdict(float)
    searches: defaultdict[str, float] = defaultdict(float)
    where = ["other"]  # the phase the searches of the moment belong to
    running: list[Any] = [None]  # the search of the moment
    phases = ("cover", "prune", "explain", "check")

    for name in phases:
        original = getattr(_protection._Search, name)

        def run(self: Any, *a: Any, _name: str = name, _f: Any = original) -> Any:
            where[0] = _name
            running[0] = self
            start = time.process_time()
            try:
                return _f(self, *a)
            finally:
                phase[_name] += time.process_time() - start
                where[0] = "other"

        setattr(_protection._Search, name, run)

    def count_search(seconds: float) -> None:
        searches[where[0]] += 1
        searches[where[0] + " seconds"] += seconds

    _timed(_hypercube.Cube, "find", count_search)
    speculation = _Speculation(_hypercube, where, running) if args.speculate else None
    jobs: list[tuple[str, float, dict[str, float], dict[str, float], int]] = []
    original_job = compute._protect_job

    def job(*a: Any, **k: Any) -> Any:
        phase.clear()
        searches.clear()
        if speculation is not None:
            speculation.log.clear()
        where[0] = "other"
        start = time.process_time()
        result = original_job(*a, **k)
        seconds = time.process_time() - start
        hidden = sum(value is None for part in result for value in part.published)
        kind = "new and active cases" if len(a[1]) == 3 else "a count"
        jobs.append((kind, seconds, dict(phase), dict(searches), hidden))
        if speculation is not None:
            print(f"  {kind}: {speculation.summary()}")
        return result

    compute._protect_job = job
    cases, events = generate(args.dir, args.cases)
    largest = max(cases.stat().st_size, events.stat().st_size)
    options = CaseReadOptions(max_file_bytes=max(CaseReadOptions().max_file_bytes, largest))
    data = read_cases(cases, events, options=options)
    load = os.getloadavg()[0]
    compute_indicators(
        cases=data, periods=["2025"], by=("sex",), include_subperiods=True, workers=1
    )
    print(f"{args.cases:,} cases, year with quarters and months by sex; CPU seconds per job")
    total = 0.0
    for kind, seconds, spent, found, hidden in sorted(jobs, key=lambda j: -j[1]):
        total += seconds
        parts = {name: spent.get(name, 0.0) for name in phases}
        parts["other"] = seconds - sum(parts.values())
        print(f"  {kind:22s} {seconds:5.2f} s, {hidden:,} suppressed cells:")
        print(
            "    "
            + ", ".join(f"{name} {value:.2f}" for name, value in parts.items())
            + f"; searches: cover {found.get('cover', 0):,.0f}"
            + f" ({found.get('cover seconds', 0.0):.2f} s),"
            + f" prune {found.get('prune', 0):,.0f} ({found.get('prune seconds', 0.0):.2f} s)"
        )
    print(f"  all jobs {total:.2f} s CPU (load average {load:.1f} as they started)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
