"""Benchmark: the national territory catalogue (issue 17).

Targets:

* loading the whole Gemeindeverzeichnis (11,450 units) from the package data, in a
  fresh interpreter, takes at most 0.3 s — the load itself and the load plus the name
  index that ``find`` builds on first use are timed separately;
* validating a concept with all 396 Städte und Gemeinden of Nordrhein-Westfalen (the
  Land as territory, every municipality with its official name) and 5,000 offers takes
  at most 1 s (the territory rule looks up every AGS and name).

The offers are spread with a fixed seed: one Handlungsfeld each, a venue in one of the
396 municipalities (a tenth in a neighbouring Land: Lower Saxony), serving that
municipality. The catalogue load is not part of the validation time (it is loaded
once per process); the validation uses the CPU time of the median of several runs.

Timings are upper bounds on a shared machine (2 cores, eight engineers).

Usage: python benchmarks/territories.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import date

import kommunale_integration as ki

LOAD_TARGET = 0.3
VALIDATE_TARGET = 1.0
FIELDS = ["sprache", "beratung", "bildung", "arbeitsmarkt", "teilhabe", "wohnen"]

_LOAD = """
import time
t0 = time.perf_counter()
from kommunale_integration._territories import territory_catalogue
book = territory_catalogue()
t1 = time.perf_counter()
book.find("Wettringen")
t2 = time.perf_counter()
print(t1 - t0, t2 - t0)
"""


def load_times(runs: int) -> tuple[float, float]:
    """Median (load, load + name index) seconds in fresh interpreters (package imported)."""
    loads, indexed = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", "import kommunale_integration\n" + _LOAD],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        loads.append(float(out[0]))
        indexed.append(float(out[1]))
    return statistics.median(loads), statistics.median(indexed)


def nrw_concept(offers: int = 5000, seed: int = 17) -> ki.Concept:
    """All NRW municipalities and *offers* offers with venues among them (and next door)."""
    rng = random.Random(seed)
    book = ki.territory_catalogue()
    towns = [e.to_territory() for e in book.municipalities("05")]
    kreise = [e.to_territory() for e in book.entries if len(e.ags) == 5 and e.ags[:2] == "05"]
    neighbours = [e.ags for e in book.municipalities("03")]
    actors = [ki.Actor(id=f"a{i}", name=f"Träger {i}") for i in range(500)]
    items = []
    for i in range(offers):
        town = rng.choice(towns).ags
        place = rng.choice(neighbours) if rng.random() < 0.1 else town
        items.append(
            ki.Offer(
                id=f"o{i}",
                name=f"Angebot {i}",
                actor=f"a{i % 500}",
                fields=[rng.choice(FIELDS)],
                territories=[town],
                venue=ki.Venue(city="Ort", municipality=place),
                last_verified=date(2026, 1, 1),
            )
        )
    return ki.Concept(
        id="nrw",
        title="Nordrhein-Westfalen",
        territory="05",
        territories=[
            ki.Territory(ags="05", name="Nordrhein-Westfalen", kind="state"),
            *kreise,
            *towns,
        ],
        fields=[ki.FieldOfAction(id=f, title=f) for f in FIELDS],
        actors=actors,
        offers=items,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    load, indexed = load_times(args.runs)
    print(f"catalogue load: median {load:.3f} s; with name index {indexed:.3f} s")
    concept = nrw_concept()
    ki.territory_catalogue()  # loaded once per process, as in any real run
    from kommunale_integration._validation import BUILTIN_RULES

    rule = next(r for r in BUILTIN_RULES if r.name == "territories")
    walls, cpus, rule_cpus = [], [], []
    report = None
    for _ in range(args.runs):
        w0, c0 = time.perf_counter(), time.process_time()
        report = ki.validate(concept, today=date(2026, 6, 1), plugins=False)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        c1 = time.process_time()
        context = ki.ValidationContext(concept=concept, profile="konzept", today=date(2026, 6, 1))
        list(rule(context))
        rule_cpus.append(time.process_time() - c1)
    assert report is not None
    municipalities = len(concept.municipalities())
    print(
        f"validate {municipalities} municipalities, {len(concept.offers)} offers: "
        f"wall median {statistics.median(walls):.3f} s, CPU median {statistics.median(cpus):.3f} s "
        f"(territory rule alone: CPU {statistics.median(rule_cpus):.3f} s); "
        f"{len(report.findings)} findings, errors: {len(report.errors)}"
    )
    ok = (
        load <= LOAD_TARGET
        and indexed <= LOAD_TARGET
        and statistics.median(cpus) <= VALIDATE_TARGET
    )
    print("OK" if ok else "SLOWER THAN THE TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
