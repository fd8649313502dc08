"""Benchmark: building the report and the directory for a large concept (issue 7).

The concept is the one of ``validate_large.py`` (400 Städte und Gemeinden in 32 Kreise,
10,000 offers, 2,000 actors, 2,000 measures; built with a fixed seed, not timed),
extended to 40 indicators with values for the five years 2022–2026 for every
municipality and the Land (5 % missing, 2 % suppressed), and a target per indicator.

Timed, each as the median of several runs:

* ``build_report(..., format="html")`` – the Jahresbericht with 40 trend charts and
  40 tables of 400 municipalities;
* ``build_report(..., format="md")``;
* ``build_directory(...)`` – index plus 2,000 actor pages, written to a temporary
  folder.

Also printed: output sizes and the peak resident memory of the process.

Usage: python benchmarks/reports_large.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate_large import TODAY, build

import kommunale_integration as ki

PERIOD = "2026"


def extend(concept: ki.Concept, seed: int = 7) -> ki.Concept:
    """40 indicators with five years of values per territory and one target each."""
    rnd = random.Random(seed)
    extra = [
        ki.Indicator(id=f"kennzahl-{k}", name=f"Kennzahl {k}", numerator=f"element_{k}")
        for k in range(30, 40)
    ]
    indicators = (*concept.indicators, *extra)
    fields = [f.id for f in concept.fields]
    indicators = tuple(
        ki.Indicator(
            id=i.id,
            name=i.name,
            numerator=i.numerator,
            denominator=i.denominator,
            scale=i.scale,
            proportion=i.proportion,
            fields=(fields[n % len(fields)],),
            unit="%" if i.denominator else "Personen",
        )
        for n, i in enumerate(indicators)
    )
    places = [concept.territory, *(t.ags for t in concept.municipalities())]
    observations = []
    for indicator in indicators:
        for year in range(2022, 2027):
            period = ki.ReportPeriod.year(year)
            for ags in places:
                roll = rnd.random()
                if roll < 0.05:
                    continue
                status = ki.ObservationStatus.SUPPRESSED if roll < 0.07 else ki.ObservationStatus.OK
                value = Decimal(rnd.randint(3, 500)) if status is ki.ObservationStatus.OK else None
                observations.append(
                    ki.Observation(
                        indicator=indicator.id,
                        period=period,
                        territory=ags,
                        value=value,
                        status=status,
                    )
                )
    targets = tuple(
        ki.Target(
            indicator=i.id,
            territory=concept.territory,
            period=ki.ReportPeriod.parse("2027"),
            value=Decimal(400),
        )
        for i in indicators
    )
    return concept.evolve(indicators=indicators, observations=tuple(observations), targets=targets)


def timed(label: str, runs: int, func: Callable[[], object]) -> object:
    times = []
    result: object = None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    print(f"{label}: median {statistics.median(times):.2f} s, best {min(times):.2f} s")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    concept = extend(build())
    print(
        f"concept: {len(concept.municipalities())} municipalities, {len(concept.offers)} offers, "
        f"{len(concept.actors)} actors, {len(concept.indicators)} indicators, "
        f"{len(concept.observations)} values (built in {time.perf_counter() - started:.1f} s)"
    )
    html = timed(
        "build_report html",
        args.runs,
        lambda: ki.build_report(concept, PERIOD, today=TODAY),
    )
    md = timed(
        "build_report md  ",
        args.runs,
        lambda: ki.build_report(concept, PERIOD, format="md", today=TODAY),
    )
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "wegweiser"
        timed(
            "build_directory  ",
            args.runs,
            lambda: ki.build_directory(concept, site, today=TODAY),
        )
        pages = list(site.rglob("*.html"))
        size = sum(p.stat().st_size for p in pages)
    assert isinstance(html, str)
    assert isinstance(md, str)
    print(
        f"sizes: report html {len(html.encode()) / 1e6:.1f} MB, "
        f"md {len(md.encode()) / 1e6:.1f} MB; "
        f"directory {len(pages)} pages, {size / 1e6:.1f} MB"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
