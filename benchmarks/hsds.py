"""Benchmark: HSDS export and import of a large directory of actors and offers.

Target: a Kreis-sized directory (500 actors, 2 000 offers; the Kreis Coesfeld example
has 30 and 38) exports in both forms and imports back within 10 seconds each on the
project's machines, and the round trip is exact. Builds a synthetic concept (no real
data), exports it with ``form="both"``, imports the JSON and the tabular form, and
prints the times, the output size and the peak memory of the import.

Usage: python benchmarks/hsds.py [--actors N] [--offers N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import kommunale_integration as ki

TARGET_S = 10.0


def synthetic_concept(n_actors: int, n_offers: int) -> ki.Concept:
    """A concept with every mapped part filled (synthetic names and numbers)."""
    actors = [
        ki.Actor(
            id=f"akteur-{i}",
            name=f"Akteur {i}",
            category="welfare",
            volunteer=i % 3 == 0,
            territories=(f"05558{i % 40:03d}",),
            fields=("sprache", "beratung"),
            target_groups=("gefluechtete",),
            contacts=(
                ki.Contact(role="Beratung", phone=f"+49 2541 {i:06d}", email=f"a{i}@example.org"),
            ),
            venue=ki.Venue(
                name="Büro",
                street=f"Weg {i}",
                postal_code="48653",
                city="Coesfeld",
                municipality="05558012",
            ),
            staff=(ki.StaffPosition(role="Beratung", fte=Decimal("0.5")),),
            last_verified=date(2026, 1, 1),
        )
        for i in range(n_actors)
    ]
    offers = [
        ki.Offer(
            id=f"angebot-{i}",
            name=f"Angebot {i}",
            actor=f"akteur-{i % max(n_actors, 1)}",
            fields=("sprache",),
            target_groups=("gefluechtete", "frauen"),
            eligibility=ki.Eligibility(legal_bases=("AsylbLG",), min_age=16),
            languages=("de", "ar", "uk"),
            venue=ki.Venue(name="Treff", street=f"Platz {i}", postal_code="48249", city="Dülmen"),
            schedule="FREQ=WEEKLY;BYDAY=TU",
            schedule_note="dienstags",
            cost=Decimal("12.50"),
            capacity=20,
            contacts=(ki.Contact(name=f"Person {i}", phone="+49 2594 000"),),
            valid_from=date(2026, 1, 1),
        )
        for i in range(n_offers)
    ]
    return ki.Concept(
        id="bench", title="Benchmark", territory="05558", actors=tuple(actors), offers=tuple(offers)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=500)
    parser.add_argument("--offers", type=int, default=2000)
    args = parser.parse_args()
    concept = synthetic_concept(args.actors, args.offers)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "hsds"
        start = time.perf_counter()
        ki.export_hsds(concept, out, form="both")
        export_s = time.perf_counter() - start
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"{args.actors} actors, {args.offers} offers")
        print(f"export (json + tabular): {export_s:6.2f} s, {size / 1e6:.1f} MB")
        ok = export_s < TARGET_S
        for form in ("json", "tabular"):
            start = time.perf_counter()
            again, report = ki.import_hsds(out / form, into=concept)
            import_s = time.perf_counter() - start
            exact = again == concept and not report.findings
            tracemalloc.start()  # a second run for the memory (tracing slows it down)
            ki.import_hsds(out / form, into=concept)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            ok = ok and import_s < TARGET_S and exact
            print(
                f"import ({form:7}):       {import_s:6.2f} s, peak {peak / 1e6:.0f} MB "
                f"(traced), round trip exact: {exact}"
            )
    print(f"target: each under {TARGET_S:.0f} s -> {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
