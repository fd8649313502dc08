"""Benchmark: the demo pipeline on the bundled Kreis Coesfeld example, step by step.

Target: ``kommunale-integration demo`` finishes within 10 seconds on the project's
machines (it is the first thing a new user runs), and ``init`` within 1 second. The
script times each step of the demo — loading the example folder (YAML plus CSV tables),
validation, reading the synthetic case export (3 600 cases, about 17 000 events),
computing the Kennzahlen, the HTML and Markdown reports and the actor directory — and
the whole command, plus ``init`` of a new town, and prints the peak memory of the run.

Usage: python benchmarks/demo.py [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kommunale_integration as ki
from kommunale_integration._cli import main

TARGET_DEMO_S = 10.0
TARGET_INIT_S = 1.0


def _best(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main_(repeat: int) -> int:
    """Run the benchmark and print the figures; return 1 when a target is missed."""
    folder = ki.example_path("kreis_coesfeld")
    rows: list[tuple[str, float]] = []
    t, concept = _best(repeat, lambda: ki.load_concept(folder))
    rows.append(("load_concept (konzept.yaml + 3 CSV tables)", t))
    t, _ = _best(repeat, lambda: ki.validate(concept, "konzept"))
    rows.append(("validate (profile konzept)", t))
    t, cases = _best(repeat, lambda: ki.read_cases(folder / "cases.csv", folder / "events.csv"))
    rows.append(("read_cases (3 600 cases, ~17 000 events)", t))
    t, _ = _best(repeat, lambda: ki.compute_indicators(concept, cases, periods=["2024", "2025"]))
    rows.append(("compute_indicators (2 years, 8 indicators)", t))
    t, _ = _best(repeat, lambda: ki.build_report(concept, "2025", format="html", cases=cases))
    rows.append(("build_report html", t))
    t, _ = _best(repeat, lambda: ki.build_report(concept, "2025", format="md", cases=cases))
    rows.append(("build_report md", t))
    with tempfile.TemporaryDirectory() as tmp:
        t, _ = _best(repeat, lambda: ki.build_directory(concept, Path(tmp) / "site"))
        rows.append(("build_directory", t))

        def demo() -> int:
            with contextlib.redirect_stdout(io.StringIO()):
                return main(["demo", "--output", str(Path(tmp) / "demo")])

        demo_s, code = _best(repeat, demo)
        assert code == 0
        # Memory in a separate run: tracing slows Python down several times.
        tracemalloc.start()
        demo()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        counter = iter(range(10**6))

        def init() -> Path:
            return ki.init_concept(
                Path(tmp) / f"town-{next(counter)}", name="Musterstadt", ags="09999001"
            )

        init_s, _ = _best(repeat, init)

    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:8.1f} ms")
    print(f"{'demo command (all steps, writing files)':<{width}}  {demo_s * 1000:8.1f} ms")
    print(f"{'init_concept':<{width}}  {init_s * 1000:8.1f} ms")
    print(f"peak memory of the demo: {peak / 1e6:.1f} MB")
    ok = demo_s <= TARGET_DEMO_S and init_s <= TARGET_INIT_S
    print(
        f"targets: demo ≤ {TARGET_DEMO_S:.0f} s, init ≤ {TARGET_INIT_S:.0f} s — "
        f"{'met' if ok else 'MISSED'} (best of {repeat})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    raise SystemExit(main_(parser.parse_args().repeat))
