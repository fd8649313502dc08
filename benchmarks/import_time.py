"""Benchmark: how long ``import kommunale_integration`` takes in a fresh interpreter.

Target (issue 2): under 150 ms on the project's machines. Runs the import in fresh
subprocesses with ``python -X importtime`` and reports the median of the cumulative
time of the top-level package, plus the five slowest modules of the last run.

Usage: python benchmarks/import_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

TARGET_MS = 150.0


def one_run() -> tuple[float, list[tuple[float, str]]]:
    """Import the package once in a fresh interpreter; return (ms, slowest modules)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import kommunale_integration"],
        capture_output=True,
        text=True,
        check=True,
    )
    total = None
    modules: list[tuple[float, str]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if not parts[1].isdigit():
            continue
        cumulative_us, name = int(parts[1]), parts[2]
        modules.append((cumulative_us / 1000, name))
        if name == "kommunale_integration":
            total = cumulative_us / 1000
    if total is None:
        raise SystemExit("kommunale_integration did not appear in the -X importtime output")
    top_level = [m for m in modules if not m[1].startswith(" ")]
    return total, sorted(top_level, reverse=True)[:6]


def main() -> int:
    """Run the benchmark and print the figures; exit 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times = []
    slowest: list[tuple[float, str]] = []
    for _ in range(args.runs):
        ms, slowest = one_run()
        times.append(ms)
    median = statistics.median(times)
    print(f"import kommunale_integration: median {median:.1f} ms over {args.runs} runs")
    print(f"  min {min(times):.1f} ms, max {max(times):.1f} ms, target < {TARGET_MS:.0f} ms")
    print("  slowest top-level imports (cumulative, last run):")
    for ms, name in slowest:
        print(f"    {ms:8.1f} ms  {name}")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
