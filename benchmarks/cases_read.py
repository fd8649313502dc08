"""Benchmark: read a synthetic case-management export of 1,000,000 cases.

Generates (once, into a temporary folder, never into the repository) an export in the
canonical format with 1,000,000 cases and about 3,000,000 events across 400
municipalities in 40 districts, then reads it with ``read_cases`` in a fresh process
and prints the wall time, the throughput and the peak memory (maximum resident set
size) of that process.

Run: ``.venv/bin/python benchmarks/cases_read.py [--cases N] [--dir DIR]``
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

EVENT_TYPES = (
    "language_course_started",
    "language_course_completed",
    "integration_course_completed",
    "vocational_training_started",
    "employment_started",
    "school_enrolled",
    "counselling_session",
)
EVENT_WEIGHTS = (14, 9, 6, 5, 7, 4, 55)
LEGAL_BASES = ("AsylbLG", "SGB II", "SGB XII", "AufenthG", "other")
FIRST = date(2019, 1, 1).toordinal()
LAST = date(2025, 12, 31).toordinal()


def municipalities() -> list[str]:
    """400 municipality keys in 40 districts (5-digit prefixes)."""
    return [f"05{500 + d:03d}{m:03d}" for d in range(1, 41) for m in range(1, 11)]


def default_dir() -> Path:
    return Path(tempfile.gettempdir()) / "kommunale-integration-bench"


def generate(folder: Path, n_cases: int = 1_000_000, seed: int = 2025) -> tuple[Path, Path]:
    """Write ``cases.csv`` and ``events.csv`` (about 3 events per case) into *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    cases_path = folder / f"cases-{n_cases}.csv"
    events_path = folder / f"events-{n_cases}.csv"
    if cases_path.exists() and events_path.exists():
        return cases_path, events_path
    rng = random.Random(seed)
    munis = municipalities()
    weights = [rng.uniform(0.2, 3.0) for _ in munis]
    iso = {d: date.fromordinal(d).isoformat() for d in range(FIRST, LAST + 400)}
    tmp_cases = cases_path.with_suffix(".tmp")
    tmp_events = events_path.with_suffix(".tmp")
    with (
        tmp_cases.open("w", newline="", encoding="utf-8") as cf,
        tmp_events.open("w", newline="", encoding="utf-8") as ef,
    ):
        cw = csv.writer(cf, lineterminator="\n")
        ew = csv.writer(ef, lineterminator="\n")
        cw.writerow(
            ("case_id", "municipality", "opened", "closed", "legal_basis", "sex", "birth_year")
        )
        ew.writerow(("case_id", "event", "date", "detail"))
        mun_of = rng.choices(munis, weights, k=n_cases)
        sexes = rng.choices(("f", "m", "d", "unknown"), (46, 50, 1, 3), k=n_cases)
        bases = rng.choices(LEGAL_BASES, (25, 45, 5, 20, 5), k=n_cases)
        for i in range(n_cases):
            opened = rng.randint(FIRST, LAST)
            closed = opened + int(rng.expovariate(1 / 500)) if rng.random() < 0.6 else None
            if closed is not None and closed > LAST:
                closed = None
            case_id = f"K{i:07d}-{rng.randrange(1000):03d}"
            cw.writerow(
                (
                    case_id,
                    mun_of[i],
                    iso[opened],
                    iso[closed] if closed is not None else "",
                    bases[i],
                    sexes[i],
                    rng.randint(1950, 2020),
                )
            )
            end = closed if closed is not None else LAST
            for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 6))):
                kind = rng.choices(EVENT_TYPES, EVENT_WEIGHTS)[0]
                ew.writerow((case_id, kind, iso[rng.randint(opened, end)], ""))
    os.replace(tmp_cases, cases_path)
    os.replace(tmp_events, events_path)
    return cases_path, events_path


def _child(cases: str, events: str) -> None:
    import resource

    from kommunale_integration import read_cases

    start = time.perf_counter()
    data = read_cases(cases, events)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_events = sum(data.event_counts.values())
    print(f"cases: {len(data):,}  events: {n_events:,}")
    print(f"read time: {seconds:.2f} s  ({(len(data) + n_events) / seconds:,.0f} rows/s)")
    print(f"peak memory (max RSS of the process): {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    start = time.perf_counter()
    cases, events = generate(args.dir, args.cases)
    print(f"export: {cases} / {events} ({time.perf_counter() - start:.1f} s to prepare)")
    print(
        f"sizes: {cases.stat().st_size / 2**20:.0f} MiB + {events.stat().st_size / 2**20:.0f} MiB"
    )
    subprocess.run([sys.executable, __file__, "--child", str(cases), str(events)], check=True)


if __name__ == "__main__":
    main()
