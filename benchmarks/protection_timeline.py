"""Benchmark: the wall-time timeline of the protected run, process by process.

The workload of ``indicators_vs_pandas.py`` (``--cases`` synthetic cases in 400
municipalities, the year 2025 with its quarters and months, by sex, disclosure control
at its defaults, ``library-protected``: ``read_cases`` + ``compute_indicators`` +
``records()``), in the processes the library protects in (``--workers``, default one
per usable core: the calling process and workers). Every process writes what it does,
with the wall clock and its own CPU time, to one log; printed per process, from the
start of the run:

* the calling process: its imports, ``read_cases``, the counting of each protection
  job's tables (``_Counts._job``), the pool (``run_in_workers``: the workers' start,
  its own jobs, the wait for the workers' results), the rows of the indicators and
  their formatting (``records()``);
* each worker: from its start (``exec``) to its initializer, its imports (``preload``),
  and each job: the joint table of new and active cases built, the product structure
  (``Cube``), the phases of the search (``cover``, ``prune``, ``explain``, ``check``),
  the job as a whole, and its result pickled back (with its size).

Then the CPU seconds of the protection in each process, which move less with the
load than the wall clock (the machine may be shared): the jobs the calling process
protects itself, and each worker's start and jobs — on an idle machine with a core
per process the protection takes about the largest of these after the tables are
counted. The phases are timed by wrapping the engine's internal
functions: a look inside for whoever changes them, not an interface.

Run: ``.venv/bin/python benchmarks/protection_timeline.py [--cases 1000000]
[--workers N] [--dir DIR] [--out FILE]`` (``--out``: the rows as CSV, to compare two
versions with ``cmp``).
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_read import default_dir, generate

START = time.time()  # (before the library's imports: they count)

#: The log every process appends to (set by the calling process, inherited by the
#: workers through the environment: ``spawn`` passes it on).
LOG_VARIABLE = "KI_PROTECTION_TIMELINE"


def _emit(name: str, start: float, end: float, cpu: float) -> None:
    """One line of the log: process, phase, wall start and end, CPU seconds."""
    with open(os.environ[LOG_VARIABLE], "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\t{name}\t{start:.4f}\t{end:.4f}\t{cpu:.4f}\n")


def _timed(owner: Any, attribute: str, name: str) -> None:
    """Wrap *attribute* of *owner* so that each call is a line of the log."""
    original = getattr(owner, attribute)

    def run(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.time(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            _emit(name, start, time.time(), time.process_time() - cpu)

    setattr(owner, attribute, run)


def _time_protection() -> None:
    """Time the phases of a protection job (in a worker, or here with one worker)."""
    from kommunale_integration._engine import _hypercube, _protection, compute

    _timed(compute, "_joint_table", "  joint table built")
    _timed(_hypercube.Cube, "__init__", "  product structure (Cube)")
    for phase in ("cover", "prune", "explain", "check"):
        _timed(_protection._Search, phase, f"  {phase}")


def _started() -> float:
    """When this process was started (``exec``), on the wall clock (Linux)."""
    with open("/proc/self/stat", encoding="ascii") as handle:
        ticks = int(handle.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime", encoding="ascii") as handle:
        up = float(handle.read().split()[0])
    return time.time() - (up - ticks / os.sysconf("SC_CLK_TCK"))


def traced_start(modules: Sequence[str] = ()) -> None:
    """A worker's initializer: the library's, timed (it imports the *modules*)."""
    from kommunale_integration._engine import _workers

    start, cpu = time.time(), time.process_time()
    _emit("start (exec → initializer)", _started(), start, cpu)
    _ORIGINAL.get("start", _workers._start_worker)(modules)
    _emit("imports (preload)", start, time.time(), time.process_time() - cpu)
    _time_protection()


def traced_job(*args: Any) -> Any:
    """A protection job, timed, with the size of its pickled result."""
    from kommunale_integration._engine import compute

    job: Callable[..., Any] = _ORIGINAL.get("job", compute._protect_job)
    start, cpu = time.time(), time.process_time()
    result = job(*args)
    end = time.time()
    kind = "new and active cases" if len(args[1]) == 3 else "a count"
    hidden = sum(value is None for part in result for value in part.published)
    _emit(f"JOB {kind} ({hidden:,} suppressed)", start, end, time.process_time() - cpu)
    start = time.time()
    size = len(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    _emit(f"  result pickled ({size / 1e6:.1f} MB)", start, time.time(), 0.0)
    return result


#: The library's own functions, replaced in the calling process.
_ORIGINAL: dict[str, Callable[..., Any]] = {}


def run(cases: Path, events: Path, workers: int | None, out: Path | None) -> None:
    """The workload, every phase a line of the log."""
    from kommunale_integration import CaseReadOptions, compute_indicators, read_cases
    from kommunale_integration._engine import _fastcount, _workers, compute

    _emit("imports", START, time.time(), time.process_time())
    _ORIGINAL["job"], compute._protect_job = compute._protect_job, traced_job
    _ORIGINAL["start"], _workers._start_worker = _workers._start_worker, traced_start
    _timed(compute._Counts, "_job", "count a job's tables")
    _timed(_fastcount.ArrayCounter, "cells", "  count (cells)")
    _timed(_workers, "run_in_workers", "run_in_workers (pool: start, jobs, results)")
    _timed(compute, "_indicator_rows", "rows of an indicator")
    if workers == 1:
        _time_protection()
    largest = max(cases.stat().st_size, events.stat().st_size)
    options = CaseReadOptions(max_file_bytes=max(CaseReadOptions().max_file_bytes, largest))
    start, cpu = time.time(), time.process_time()
    data = read_cases(cases, events, options=options)
    _emit("read_cases", start, time.time(), time.process_time() - cpu)
    start, cpu = time.time(), time.process_time()
    table = compute_indicators(
        cases=data, periods=["2025"], by=("sex",), include_subperiods=True, workers=workers
    )
    _emit("compute_indicators", start, time.time(), time.process_time() - cpu)
    start, cpu = time.time(), time.process_time()
    rows = [
        (r["indicator"], r["period"], r["territory"], r["sex"], r["value"]) for r in table.records()
    ]
    _emit("records() as texts", start, time.time(), time.process_time() - cpu)
    _emit("RUN", START, time.time(), time.process_time())
    if out is not None:
        with out.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)


def report(log: Path, load: float) -> None:
    """The timeline of each process and the critical path in CPU seconds."""
    lines = [line.rstrip("\n").split("\t") for line in log.open(encoding="utf-8")]
    rows = [(pid, name, float(a), float(b), float(c)) for pid, name, a, b, c in lines]
    main = next(pid for pid, name, *_ in rows if name == "RUN")
    zero = START
    order = [main, *dict.fromkeys(pid for pid, *_ in rows if pid != main)]
    for number, pid in enumerate(order):
        mine = sorted((r for r in rows if r[0] == pid), key=lambda r: (r[2], -r[3]))
        print(f"{'calling process' if pid == main else f'worker {number}'} (pid {pid}):")
        for _, name, start, end, cpu in mine:
            print(
                f"  {start - zero:7.2f} → {end - zero:7.2f} s  "
                f"(wall {end - start:6.2f}, CPU {cpu:6.2f})  {name}"
            )
    whole = next(r for r in rows if r[1] == "RUN")
    print(f"run: wall {whole[3] - whole[2]:.2f} s (load average {load:.1f} as it started)")
    print("protection, CPU seconds per process (on an idle machine each has a core):")
    for number, pid in enumerate(order):
        jobs = [r[4] for r in rows if r[0] == pid and r[1].startswith("JOB")]
        if pid == main:
            if jobs:
                print("  calling process: " + " + ".join(f"job {cpu:.2f}" for cpu in jobs))
            continue
        start = sum(r[4] for r in rows if r[0] == pid and not r[1].startswith((" ", "JOB")))
        print(
            f"  worker {number}: {start + sum(jobs):.2f} = start {start:.2f}"
            + "".join(f" + job {cpu:.2f}" for cpu in jobs)
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    cases, events = generate(args.dir, args.cases)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "timeline.tsv"
        os.environ[LOG_VARIABLE] = str(log)
        run(cases, events, args.workers, args.out)
        report(log, load)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
