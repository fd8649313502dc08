"""Benchmark: reading and writing large actor and observation tables.

Run with ``.venv/bin/python benchmarks/load_tables.py [ROWS]`` (default 50,000 rows); it
prints rows per second (untraced run) and peak memory (traced run) for CSV (``;``,
Windows-1252) and XLSX.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import kommunale_integration as ki


def _actors(n: int) -> list[ki.Actor]:
    return [
        ki.Actor(
            id=f"akteur-{i}",
            name=f"Beratungsstelle Nr. {i} für Zugewanderte",
            category="welfare",
            territories=("05558012", "05558016"),
            fields=("sprache", "arbeit"),
            venue=ki.Venue(street=f"Marktstraße {i % 200}", postal_code="48653", city="Coesfeld"),
            last_verified=date(2026, 1, 1 + i % 28),
        )
        for i in range(n)
    ]


def _observations(n: int) -> list[ki.Observation]:
    period = ki.ReportPeriod.parse("2026-Q1")
    return [
        ki.Observation(
            indicator="placements",
            period=period,
            territory="05558012",
            value=Decimal(i) / 4,
            disaggregation={"sex": "f" if i % 2 else "m", "age_group": str(i % 4)},
        )
        for i in range(n)
    ]


def _measure(label: str, rows: int, func: Callable[[], Any]) -> None:
    # time without tracing (tracemalloc slows Python code down several times) ...
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    # ... then the peak memory in a second, traced run
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label:<38} {rows:>8} rows  {seconds:7.2f} s  {rows / seconds:>9,.0f} rows/s"
        f"  peak {peak / 1e6:7.1f} MB"
    )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    folder = Path(tempfile.mkdtemp())
    actors, observations = _actors(rows), _observations(rows)
    csv_a, csv_o = folder / "akteure.csv", folder / "kennzahlwerte.csv"
    xlsx_rows = min(rows, 20_000)
    xlsx_a = folder / "akteure.xlsx"
    _measure(
        "write actors CSV (;, cp1252)",
        rows,
        lambda: ki.write_table(actors, csv_a, "actors", encoding="cp1252"),
    )
    _measure("read actors CSV (;, cp1252)", rows, lambda: ki.read_table(csv_a, "actors"))
    _measure(
        "write observations CSV (,)",
        rows,
        lambda: ki.write_table(observations, csv_o, "observations", delimiter=","),
    )
    _measure("read observations CSV (,)", rows, lambda: ki.read_table(csv_o, "observations"))
    _measure(
        "write actors XLSX", xlsx_rows, lambda: ki.write_table(actors[:xlsx_rows], xlsx_a, "actors")
    )
    _measure("read actors XLSX", xlsx_rows, lambda: ki.read_table(xlsx_a, "actors"))
    print(
        f"file sizes: {csv_a.stat().st_size / 1e6:.1f} MB CSV, "
        f"{xlsx_a.stat().st_size / 1e6:.1f} MB XLSX"
    )


if __name__ == "__main__":
    main()
