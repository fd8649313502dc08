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
* **check**: every witness checked against every relation of the table;

and the suppressed cells of the job. The last line: the CPU time of the jobs in all
and the load average (the machine may be shared: CPU seconds move less than wall
seconds with the load, but they move; the same command before and after a change,
back to back, compares). Protection jobs run in a worker process cost each worker its
imports on top (about 0.3 s) and its first table's set-up.

The phases are timed by wrapping the engine's internal functions
(``_engine._protection._Search``, ``_engine._hypercube.Cube.find``): a look inside for
whoever changes them, not an interface.

Run: ``.venv/bin/python benchmarks/protection_phases.py [--cases 1000000] [--dir DIR]``
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=default_dir())
    args = parser.parse_args()

    from kommunale_integration import CaseReadOptions, compute_indicators, read_cases
    from kommunale_integration._engine import _hypercube, _protection, compute

    phase: defaultdict[str, float] = defaultdict(float)
    searches: defaultdict[str, float] = defaultdict(float)
    where = ["other"]  # the phase the searches of the moment belong to

    for name in ("cover", "prune", "check"):
        original = getattr(_protection._Search, name)

        def run(self: Any, *a: Any, _name: str = name, _f: Any = original) -> Any:
            where[0] = _name
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
    jobs: list[tuple[str, float, dict[str, float], dict[str, float], int]] = []
    original_job = compute._protect_job

    def job(*a: Any, **k: Any) -> Any:
        phase.clear()
        searches.clear()
        where[0] = "other"
        start = time.process_time()
        result = original_job(*a, **k)
        seconds = time.process_time() - start
        hidden = sum(value is None for part in result for value in part.published)
        kind = "new and active cases" if len(a[1]) == 3 else "a count"
        jobs.append((kind, seconds, dict(phase), dict(searches), hidden))
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
        parts = {name: spent.get(name, 0.0) for name in ("cover", "prune", "check")}
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
