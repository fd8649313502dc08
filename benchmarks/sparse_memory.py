"""Benchmark: the peak memory of a sparse protected release.

The synthetic export of ``cases_read.py`` at 20,000 cases (seed 2025, the export of
``attack_release.py``'s ``synthetic`` source; 400 municipalities in 40 districts),
released by the command line for 2025 with its quarters and months ``--by
sex,legal_basis`` at the default disclosure control: a table of 224,910 cells per
count, most of them empty, so that nearly every cell with a case is a primary cell and
the witnesses of secondary suppression move a large share of the table. Its peak is
that of the process protecting the table of new and active cases (the largest), in
the cover, the pruning pass and the explanation of :mod:`._engine._protection`.

Each run is a fresh ``kommunale-integration indicators`` process, started by a small
Python process of its own that reports ``getrusage(RUSAGE_CHILDREN)`` once the command
has ended: the peak is the maximum resident set size of the largest process of the
run (the command or one of its worker processes, ``--workers``), the CPU time that of
all of them (user + system). Printed per run with the 1-minute load average as it
started; the machine may be shared: compare the same command before and after a
change, runs alternating.

Measured (twentieth session, load 7–10, two workers, with ``/usr/bin/time -v`` on the
same command): 1.31 GB and 66 s of CPU before the witnesses were kept as arrays, 1.04 GB
and 57 s after.

Run: ``.venv/bin/python benchmarks/sparse_memory.py [--cases 20000] [--by
sex,legal_basis] [--workers N] [--runs R] [--dir DIR] [--keep FILE]`` (``--keep``:
the release of the last run, to compare with ``cmp``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from attack_release import indicators_args
from cases_read import default_dir, generate

_MEASURED = """
import json, resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([usage.ru_maxrss, usage.ru_utime + usage.ru_stime]))
"""
"""The process that runs the command and reports its peak (KiB) and CPU seconds."""


def measure(
    cases: Path, events: Path, by: str, workers: int | None, output: Path
) -> tuple[float, float]:
    """The peak memory (MB) and the CPU seconds of one release."""
    command = [
        sys.executable,
        "-m",
        "kommunale_integration",
        "indicators",
        *indicators_args(None, cases, events, by),
        *(["--workers", str(workers)] if workers else []),
        "--output",
        str(output),
    ]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *command], check=True, capture_output=True, text=True
    )
    peak_kib, cpu = json.loads(done.stdout)
    return peak_kib * 1024 / 1e6, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--by", default="sex,legal_basis")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    cases, events = generate(args.dir / "synthetic-2025", args.cases, seed=2025)
    with tempfile.TemporaryDirectory() as tmp:
        output = args.keep or Path(tmp) / "kennzahlen.csv"
        for run in range(args.runs):
            load = os.getloadavg()[0]
            peak, cpu = measure(cases, events, args.by, args.workers, output)
            print(
                f"run {run + 1}: {args.cases:,} cases by {args.by}: "
                f"peak {peak:,.0f} MB, CPU {cpu:.1f} s (load {load:.1f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
