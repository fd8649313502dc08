"""Benchmark: the Kennzahlen engine against pandas and DuckDB, paired in one run.

Uses the synthetic export of ``cases_read.py`` (by default 1,000,000 cases, about
3,000,000 events, 400 municipalities in 40 districts; generated once into a temporary
folder, never into the repository) and computes the six default indicators for 2025,
its 4 quarters and its 12 months, by municipality, district and total, by sex and total
(224,910 cells at 1M cases), four ways:

* ``pandas``: ``pandas.read_csv``, the counted events joined to their cases once
  (``merge``), one boolean filter per period and ``groupby`` over categorical keys (the
  reference);
* ``duckdb``: one SQL query per count over the two CSV files (``GROUPING SETS``);
* ``library``: ``read_cases`` + ``compute_indicators(disclosure=None)`` (unprotected);
* ``library-protected``: the same with the default disclosure control (its count tables
  protected in one process per usable core, the calling process and worker processes:
  ``compute_indicators(workers=None)``);
* ``library-protected-serial`` (only when named with ``--only``): the same in one process
  (``workers=1``).

Each run is a fresh process (its wall time counts from before it imports its modules
until every cell is there as a row of texts, so lazy imports and the formatting of the
cells count; its peak memory is the maximum resident set size of that process and,
printed beside it, of the largest of its worker processes; its CPU time is that of all
its threads and of all its worker processes). The implementations take turns in every round, so that
they share the machine's load; the best of the rounds counts (``--runs``, default 3);
the 1-minute load average as each run starts is printed with it. The machine is shared:
wall times are upper bounds, and the CPU times (which hardly depend on the load; DuckDB
and pyarrow use more than one thread) are printed beside them. Every
cell of the library (unprotected) and of DuckDB must equal pandas's, and every cell
that the protected run publishes must equal it too; the script fails otherwise.

pandas and DuckDB are benchmark-only dependencies (dependency group ``bench``).

Run: ``.venv/bin/python benchmarks/indicators_vs_pandas.py [--cases N [N ...]] [--runs R]
[--only NAME ...] [--dir DIR]``. Several sizes (e.g. ``--cases 1000000 10000000
--runs 1``: every implementation paired at both sizes; the 10M export is 1.9 GB of CSV,
and pandas then needs about 10 GB of memory) also print how each implementation's time
grows with the size.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_read import default_dir, generate

PERIOD = "2025"
SEXES = ("f", "m", "d", "unknown")
COUNTS = {
    "language_course_starts": ("language_course_started",),
    "language_course_completions": ("language_course_completed",),
    "placements": ("employment_started", "vocational_training_started"),
}
IMPLEMENTATIONS = ("pandas", "duckdb", "library", "library-protected")
CHOICES = (*IMPLEMENTATIONS, "library-protected-serial")
GOALS_MB = 300

Row = tuple[str, str, str, str, str]


def periods() -> list[tuple[str, str, str]]:
    """(label, first day, last day) of the year, its quarters and its months."""
    year = int(PERIOD)
    result = [(PERIOD, f"{year}-01-01", f"{year}-12-31")]
    for q in range(4):
        last = calendar.monthrange(year, 3 * q + 3)[1]
        result.append(
            (f"{year}-Q{q + 1}", f"{year}-{3 * q + 1:02d}-01", f"{year}-{3 * q + 3:02d}-{last}")
        )
    for m in range(1, 13):
        last = calendar.monthrange(year, m)[1]
        result.append((f"{year}-{m:02d}", f"{year}-{m:02d}-01", f"{year}-{m:02d}-{last}"))
    return result


def rate(num: int, den: int) -> str:
    """The published placement rate (0 without placements, empty without active cases)."""
    if num == 0:
        return "0.0"
    if den == 0:
        return ""
    return str((Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def cells(
    counts: dict[str, dict[tuple[str, str, str], int]], territories: list[str]
) -> Iterator[Row]:
    """Every cell of the five counts and the rate, zeros included."""
    for label, _, _ in periods():
        for territory in territories:
            for sex in (*SEXES, "_T"):
                key = (label, territory, sex)
                for name in ("active_cases", "new_cases", *COUNTS):
                    yield (name, label, territory, sex, str(counts[name].get(key, 0)))
                num = counts["placements"].get(key, 0)
                den = counts["active_cases"].get(key, 0)
                yield ("placement_rate", label, territory, sex, rate(num, den))


# --------------------------------------------------------------------------- implementations


def run_library(
    cases: str, events: str, protected: bool, workers: int | None = None
) -> Iterator[Row]:
    from kommunale_integration import CaseReadOptions, compute_indicators, read_cases

    # files above the default limit of 1 GB (the events of 10M cases) need a higher
    # one, as they would for any user
    largest = max(Path(cases).stat().st_size, Path(events).stat().st_size)
    limit = max(CaseReadOptions().max_file_bytes, largest)
    data = read_cases(cases, events, options=CaseReadOptions(max_file_bytes=limit))
    options = {} if protected else {"disclosure": None}
    table = compute_indicators(
        cases=data,
        periods=[PERIOD],
        by=("sex",),
        include_subperiods=True,
        workers=workers,
        **options,
    )
    return (
        (r["indicator"], r["period"], r["territory"], r["sex"], r["value"]) for r in table.records()
    )


def run_pandas(cases: str, events: str) -> Iterator[Row]:
    import pandas as pd

    c = pd.read_csv(
        cases,
        dtype={"case_id": str, "municipality": str, "sex": str},
        usecols=["case_id", "municipality", "opened", "closed", "sex"],
        keep_default_na=False,
    )
    c["opened"] = pd.to_datetime(c["opened"], format="%Y-%m-%d")
    c["closed"] = pd.to_datetime(c["closed"].replace("", None), format="%Y-%m-%d")
    e = pd.read_csv(events, dtype=str, usecols=["case_id", "event", "date"], keep_default_na=False)
    e["date"] = pd.to_datetime(e["date"], format="%Y-%m-%d")
    # the grouping keys as categories (grouping by their codes, not by strings)
    c["district"] = c["municipality"].str[:5].astype("category")
    c["municipality"] = c["municipality"].astype("category")
    c["sex"] = c["sex"].astype("category")
    keys = ["municipality", "district", "sex"]
    # every counted event with its case's keys, joined once (not once per period)
    wanted = [event for names in COUNTS.values() for event in names]
    e = e[e["event"].isin(wanted)].merge(c[["case_id", *keys]], on="case_id")

    def grouped(sub: pd.DataFrame) -> pd.Series:
        by_mun = sub.groupby(["municipality", "sex"], observed=True).size()
        by_dis = sub.groupby(["district", "sex"], observed=True).size()
        by_all = sub.groupby("sex", observed=True).size()
        cells = pd.concat([by_mun, by_dis, pd.concat({"all": by_all})])
        totals = cells.groupby(level=0).sum()
        totals.index = pd.MultiIndex.from_arrays([totals.index, ["_T"] * len(totals)])
        return pd.concat([cells, totals])

    counts: dict[str, dict[tuple[str, str, str], int]] = {
        name: {} for name in ("active_cases", "new_cases", *COUNTS)
    }
    for label, first_text, last_text in periods():
        first, last = pd.Timestamp(first_text), pd.Timestamp(last_text)
        subsets = {
            "active_cases": c.loc[
                (c["opened"] <= last) & (c["closed"].isna() | (c["closed"] >= first)), keys
            ],
            "new_cases": c.loc[(c["opened"] >= first) & (c["opened"] <= last), keys],
        }
        in_period = e[(e["date"] >= first) & (e["date"] <= last)]
        for name, names in COUNTS.items():
            subsets[name] = in_period[in_period["event"].isin(names)].drop_duplicates("case_id")
        for name, subset in subsets.items():
            for (territory, sex), n in grouped(subset).items():
                counts[name][(label, str(territory), str(sex))] = int(n)
    municipalities = sorted(map(str, c["municipality"].cat.categories))
    districts = sorted(map(str, c["district"].cat.categories))
    return cells(counts, [*municipalities, *districts, "all"])


def run_duckdb(cases: str, events: str) -> Iterator[Row]:
    import duckdb

    db = duckdb.connect()
    db.execute(
        "CREATE TEMP TABLE periods (label VARCHAR, first DATE, last DATE);"
        "CREATE TEMP TABLE kinds (name VARCHAR, event VARCHAR);"
    )
    db.executemany("INSERT INTO periods VALUES (?, ?, ?)", periods())
    db.executemany(
        "INSERT INTO kinds VALUES (?, ?)",
        [(name, event) for name, names in COUNTS.items() for event in names],
    )
    db.execute(
        f"""CREATE TEMP TABLE c AS SELECT case_id, municipality AS mun,
            substr(municipality, 1, 5) AS dis, sex, opened, closed
        FROM read_csv('{cases}', header = true, dateformat = '%Y-%m-%d',
            columns = {{'case_id': 'VARCHAR', 'municipality': 'VARCHAR', 'opened': 'DATE',
            'closed': 'DATE', 'legal_basis': 'VARCHAR', 'sex': 'VARCHAR',
            'birth_year': 'INTEGER'}})"""
    )
    rollup = """GROUP BY GROUPING SETS ((name, label, mun, sex), (name, label, dis, sex),
        (name, label, sex), (name, label, mun), (name, label, dis), (name, label))"""
    select = """SELECT name, label, coalesce(mun, dis, 'all'), coalesce(sex, '_T'), {n}"""
    rows = db.execute(
        select.format(n="count(*)")
        + """ FROM (SELECT 'active_cases' AS name, p.label, c.mun, c.dis, c.sex FROM c
            JOIN periods p ON c.opened <= p.last AND (c.closed IS NULL OR c.closed >= p.first)
            UNION ALL SELECT 'new_cases', p.label, c.mun, c.dis, c.sex FROM c
            JOIN periods p ON c.opened BETWEEN p.first AND p.last) """
        + rollup
    ).fetchall()
    rows += db.execute(
        select.format(n="count(DISTINCT case_id)")
        + f""" FROM (SELECT k.name, p.label, e.case_id, c.mun, c.dis, c.sex
            FROM read_csv('{events}', header = true, dateformat = '%Y-%m-%d',
                columns = {{'case_id': 'VARCHAR', 'event': 'VARCHAR', 'date': 'DATE',
                'detail': 'VARCHAR'}}) e
            JOIN kinds k ON e.event = k.event
            JOIN periods p ON e.date BETWEEN p.first AND p.last
            JOIN c ON c.case_id = e.case_id) """
        + rollup
    ).fetchall()
    territories = [r[0] for r in db.execute("SELECT DISTINCT mun FROM c ORDER BY 1").fetchall()]
    territories += [*sorted({t[:5] for t in territories}), "all"]
    counts: dict[str, dict[tuple[str, str, str], int]] = {
        name: {} for name in ("active_cases", "new_cases", *COUNTS)
    }
    for name, label, territory, sex, n in rows:
        counts[name][(label, territory, sex)] = n
    return cells(counts, territories)


# --------------------------------------------------------------------------- scaling

PHASES = {
    # phase: (module, object, attribute) timed; nested phases count apart
    "read: scan files": ("kommunale_integration._cases_fast", None, "_scan"),
    "read: cases": ("kommunale_integration._cases_fast", None, "_read_cases"),
    "read: dates": ("kommunale_integration._cases_fast", "_Days", "values"),
    "read: pseudonym hashes": ("kommunale_integration._cases_fast", "_Ids", "add"),
    "read: pseudonym index": ("kommunale_integration._cases_fast", "_Ids", "index"),
    "read: events": ("kommunale_integration._cases_fast", None, "_read_events"),
    "read: join events to cases": ("kommunale_integration._cases_fast", "_Ids", "find"),
    "read: columns to CaseData": ("kommunale_integration._cases", "_Reader", "finish"),
    "count": ("kommunale_integration._engine._fastcount", "ArrayCounter", "cells"),
}


class _Clock:
    """CPU and wall time per phase, each phase without the phases it calls."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.stack = ["other"]
        self.mark = (time.process_time(), time.perf_counter())

    def switch(self, phase: str | None) -> None:
        """Charge the time since the last switch to the running phase; enter *phase*
        (``None``: leave the running one)."""
        cpu, wall = time.process_time(), time.perf_counter()
        top = self.stack[-1]
        self.cpu[top] = self.cpu.get(top, 0.0) + cpu - self.mark[0]
        self.wall[top] = self.wall.get(top, 0.0) + wall - self.mark[1]
        self.mark = (cpu, wall)
        if phase is None:
            self.stack.pop()
        else:
            self.stack.append(phase)

    def timed(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            self.switch(phase)
            try:
                return function(*args, **kwargs)
            finally:
                self.switch(None)

        return run

    def install(self) -> None:
        """Time the functions of :data:`PHASES` (the library's own, unchanged)."""
        import importlib

        for phase, (module_name, owner_name, name) in PHASES.items():
            module = importlib.import_module(module_name)
            owner = module if owner_name is None else getattr(module, owner_name)
            setattr(owner, name, self.timed(phase, getattr(owner, name)))


def _child_phases(cases: str, events: str, out: str) -> None:
    """One unprotected library run with the time of each phase (``--scaling``)."""
    clock = _Clock()
    start = time.perf_counter()
    from kommunale_integration import CaseReadOptions, compute_indicators, read_cases

    clock.install()
    largest = max(Path(cases).stat().st_size, Path(events).stat().st_size)
    limit = max(CaseReadOptions().max_file_bytes, largest)
    clock.switch("read: other")
    data = read_cases(cases, events, options=CaseReadOptions(max_file_bytes=limit))
    clock.switch(None)
    clock.switch("table (roll-up, protection off, rows)")
    table = compute_indicators(
        cases=data, periods=[PERIOD], by=("sex",), include_subperiods=True, disclosure=None
    )
    clock.switch(None)
    clock.switch("format rows as text")
    rows = [
        (r["indicator"], r["period"], r["territory"], r["sex"], r["value"]) for r in table.records()
    ]
    clock.switch(None)
    clock.switch("other")
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss * 1024 / 1e6,
                "cells": len(rows),
                "phases": clock.cpu,
                "phase_wall": clock.wall,
            }
        )
    )


def _run(arguments: list[str], kind: str, n: int) -> dict[str, Any]:
    """Run this script with *arguments* in a fresh process; its figures (JSON)."""
    done = subprocess.run(
        [sys.executable, __file__, *arguments], check=False, capture_output=True, text=True
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{kind} failed at {n:,} cases (exit {done.returncode})")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _scaling(folder: Path, sizes: list[int]) -> None:
    """The library's CPU time per phase and million cases at each size (``--scaling``)."""
    found: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            cases, events = generate(folder, n)
            load = os.getloadavg()
            found[n] = _run(["--phases", str(cases), str(events), f"{tmp}/{n}"], "library", n)
            found[n]["load"] = load
            print(
                f"{n:>11,} cases: {found[n]['seconds']:7.1f} s wall, CPU {found[n]['cpu']:7.1f} s, "
                f"peak {found[n]['peak_mb']:6,.0f} MB, {found[n]['cells']:,} cells "
                f"(load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})"
            )
    first = sizes[0]
    phases = [p for p in found[first]["phases"] if any(f["phases"].get(p) for f in found.values())]
    rows: list[tuple[str, list[float]]] = [
        (phase, [found[n]["phases"].get(phase, 0.0) for n in sizes]) for phase in phases
    ]
    rows.append(("all (process CPU)", [found[n]["cpu"] for n in sizes]))
    head = " | ".join(f"{n:,}" for n in sizes)
    print(
        "\nCPU seconds per million cases (linear growth: equal across a row; the table "
        "phases work per cell, and the cells do not grow with the cases)"
    )
    print(f"| phase | {head} | CPU s at {first:,} | CPU s at {sizes[-1]:,} |")
    print("|---|" + "---|" * (len(sizes) + 2))
    for phase, seconds in rows:
        per_million = " | ".join(
            f"{x / (n / 1e6):.3f}" for x, n in zip(seconds, sizes, strict=True)
        )
        print(f"| {phase} | {per_million} | {seconds[0]:.2f} | {seconds[-1]:.2f} |")
    peaks = " | ".join(f"{found[n]['peak_mb'] / (n / 1e6):.0f}" for n in sizes)
    print(f"| peak RSS, MB per million cases | {peaks} | | |")


RUNNERS: dict[str, Callable[[str, str], Iterator[Row]]] = {
    "pandas": run_pandas,
    "duckdb": run_duckdb,
    "library": lambda c, e: run_library(c, e, protected=False),
    "library-protected": lambda c, e: run_library(c, e, protected=True),
    "library-protected-serial": lambda c, e: run_library(c, e, protected=True, workers=1),
}


class _WorkerPeaks:
    """The largest peak resident size of the worker processes of this process.

    ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` cannot tell it: Linux keeps a process's
    high-water mark across ``exec``, so a worker started with ``spawn`` (fork, then
    exec of a fresh interpreter) reports at least the parent's size at that moment
    (a worker of a 915 MB parent "peaks" at 915 MB, one of a 500 MB parent that holds
    16 MB at 500 MB). Instead a thread reads each worker's own high-water mark
    (``VmHWM`` in ``/proc/PID/status``, counted from its ``exec``) every 20 ms while
    the workers run; it only grows, so a read after a worker's peak sees it.
    """

    def __init__(self) -> None:
        import threading

        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import multiprocessing

        while not self._done.wait(0.02):
            for child in multiprocessing.active_children():
                try:
                    with open(f"/proc/{child.pid}/status", encoding="ascii") as status:
                        for line in status:
                            if line.startswith("VmHWM:"):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except (OSError, ValueError):  # ended meanwhile
                    pass

    def stop(self) -> float:
        """Stop watching; the largest peak in MB (0 without workers)."""
        self._done.set()
        self._thread.join()
        return self.peak_kb * 1024 / 1e6


def _child(kind: str, cases: str, events: str, out: str) -> None:
    watch = _WorkerPeaks() if kind.startswith("library-protected") else None
    start = time.perf_counter()
    # timed until every cell is there as a row of texts (each runner yields its rows
    # lazily: the formatting of the cells counts for all alike); writing them out for
    # the comparison is not timed
    rows = list(RUNNERS[kind](cases, events))
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # the library's worker processes have ended (and been waited for) when it returns:
    # the CPU time of all, and the largest one's peak (watched while they ran)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss * 1024 / 1e6
    worker_mb = watch.stop() if watch is not None else 0.0
    # CPU time of all threads (DuckDB and pyarrow use more than one) and processes:
    # unlike wall time, it hardly depends on how busy the machine is
    cpu = usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime
    with open(out, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    figures = {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "worker_mb": worker_mb}
    print(json.dumps({**figures, "cells": len(rows)}))


# --------------------------------------------------------------------------- comparison


def _read(path: Path) -> dict[tuple[str, str, str, str], str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(a, b, c, d): value for a, b, c, d, value in csv.reader(handle)}


def _compare(kind: str, found: Path, reference: dict[tuple[str, str, str, str], str]) -> int:
    """The number of cells of *kind* that differ from pandas (published cells only when
    protected: a suppressed cell is empty)."""
    mine = _read(found)
    protected = kind.startswith("library-protected")
    wrong = 0 if set(mine) == set(reference) else 1
    if wrong:
        print(f"MISMATCH {kind}: {len(mine):,} cells, pandas {len(reference):,}")
    for key, value in reference.items():
        got = mine.get(key)
        if got == value or (protected and got == ""):
            continue
        wrong += 1
        if wrong <= 5:
            print("MISMATCH", kind, *key, repr(got), "pandas:", repr(value))
    return wrong


def _size(folder: Path, n: int, runs: int, only: list[str]) -> dict[str, list[dict[str, float]]]:
    start = time.perf_counter()
    cases, events = generate(folder, n)
    megabytes = (cases.stat().st_size + events.stat().st_size) / 1e6
    print(
        f"\nexport: {n:,} cases, {megabytes:,.0f} MB ({cases.name}, {events.name}; ready in "
        f"{time.perf_counter() - start:.0f} s)"
    )
    figures: dict[str, list[dict[str, float]]] = {kind: [] for kind in only}
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(runs):
            for kind in only:
                out = Path(tmp) / f"{kind}-{round_}.csv"
                load = os.getloadavg()[0]  # how busy the machine was as the run started
                arguments = ["--child", kind, str(cases), str(events), str(out)]
                figures[kind].append(_run(arguments, kind, n))
                figures[kind][-1]["load"] = load
                last = figures[kind][-1]
                print(
                    f"  round {round_ + 1} {kind:24s} {last['seconds']:7.2f} s "
                    f"(CPU {last['cpu']:6.1f} s) {last['peak_mb']:7,.0f} MB"
                    + (f", largest worker {last['worker_mb']:,.0f} MB" if last["worker_mb"] else "")
                    + f"  (load average {load:.1f})"
                )
        if "pandas" in only:
            reference = _read(Path(tmp) / "pandas-0.csv")
            for kind in only:
                if kind != "pandas":
                    failures += _compare(kind, Path(tmp) / f"{kind}-0.csv", reference)
            print(
                f"compared {len(reference):,} cells of each implementation with pandas: "
                f"{failures} differ"
            )
    _table(figures, n)
    if failures:
        raise SystemExit("an implementation disagrees with pandas")
    return figures


def _table(figures: dict[str, list[dict[str, float]]], n: int) -> None:
    best = {kind: min(f["seconds"] for f in runs) for kind, runs in figures.items()}
    cpu = {kind: min(f["cpu"] for f in runs) for kind, runs in figures.items()}
    print(
        "\n| implementation | best wall (s) | all runs (s) | vs pandas | best CPU (s) "
        "| CPU vs pandas | peak RSS (MB) | largest worker (MB) | load average at start |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, runs in figures.items():
        ratio = f"{best[kind] / best['pandas']:.2f}×" if "pandas" in best else "–"
        cpu_ratio = f"{cpu[kind] / cpu['pandas']:.2f}×" if "pandas" in cpu else "–"
        print(
            f"| {kind} | {best[kind]:.2f} | "
            + ", ".join(f"{f['seconds']:.2f}" for f in runs)
            + f" | {ratio} | {cpu[kind]:.2f} | {cpu_ratio} "
            + f"| {max(f['peak_mb'] for f in runs):,.0f} "
            + f"| {max(f['worker_mb'] for f in runs):,.0f} | "
            + ", ".join(f"{f['load']:.1f}" for f in runs)
            + " |"
        )
    goals: list[tuple[str, bool]] = []
    if n < 1_000_000:
        print("(the goals are set for 1,000,000 cases and more)")
        return
    if "library" in best and "pandas" in best:
        goals.append(("unprotected ≤ 0.5× pandas", best["library"] <= 0.5 * best["pandas"]))
    if "library" in best and "duckdb" in best:
        goals.append(("unprotected < DuckDB", best["library"] < best["duckdb"]))
    if "library-protected" in best and "pandas" in best:
        goals.append(("protected ≤ 1.0× pandas", best["library-protected"] <= best["pandas"]))
    if "library-protected" in best and "library" in best:  # issue 13
        factor = best["library-protected"] / best["library"]
        goals.append(
            (
                f"protected ≤ 2× unprotected ({factor:.2f}×)",
                best["library-protected"] <= 2 * best["library"],
            )
        )
    for kind in ("library", "library-protected", "library-protected-serial"):
        if kind in figures and n == 1_000_000:  # the memory goal is set for 1M cases
            # every process: the parent and the largest of its workers
            peak = max(max(f["peak_mb"], f["worker_mb"]) for f in figures[kind])
            goals.append((f"{kind} peak ≤ {GOALS_MB} MB", peak <= GOALS_MB))
    for goal, met in goals:
        print(f"goal {goal}: {'met' if met else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=CHOICES, default=IMPLEMENTATIONS)
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument(
        "--scaling",
        type=int,
        nargs="+",
        metavar="N",
        help="the library (unprotected) at these sizes: CPU time per phase and million cases",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--phases", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    if args.phases:
        _child_phases(*args.phases)
        return
    if args.scaling:
        _scaling(args.dir, args.scaling)
        return
    only = [kind for kind in CHOICES if kind in args.only]
    results = {n: _size(args.dir, n, args.runs, only) for n in args.cases}
    if len(results) > 1:
        first = args.cases[0]
        print(f"\ntime growth against {first:,} cases (best runs):")
        for n in args.cases[1:]:
            for kind in only:
                ratio = min(f["seconds"] for f in results[n][kind]) / min(
                    f["seconds"] for f in results[first][kind]
                )
                print(f"  {kind:18s} {n / first:5.0f}× the cases: {ratio:5.1f}× the time")


if __name__ == "__main__":
    main()
