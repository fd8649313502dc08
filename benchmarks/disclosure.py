"""Benchmark: disclosure control — information loss, audit and time, paired with Tau-Argus.

The table of issue 13: new cases 2025 by municipality × sex (400 municipalities in 40
districts, their districts and ``all``; sexes and ``_T``) from the synthetic export of
``cases_read.py`` with 20,000 cases. In one run it

1. protects the table with the engine (primary, secondary, audit) and reports the
   time (CPU and wall, with the machine's load), the share of non-zero cells
   suppressed, the zeros suppressed (counted apart: the rule lets secondary
   suppression use zeros) and the audit (fixed cells, primary cells whose largest
   feasible value stays below the threshold), for each seed of ``--seeds``;
2. when ``pytauargus`` is installed (it is not a dependency: ``pip install
   pytauargus``), protects the same table with Tau-Argus's modular method and, with
   ``--optimal`` (minutes per table), its optimal method told the same requirement
   (every cell at least 0, upper protection level ``3 − value``), and audits their
   patterns with the same attacker (lower bound 0, as Tau-Argus assumes);
3. with ``--release``, protects whole releases (year, quarters and months; by sex, by
   legal basis, by both, by age group) of several synthetic exports and audits every
   count indicator with an attacker that derives the relations from the tidy output.

Timings on the shared development machine are upper bounds.

Run: ``.venv/bin/python benchmarks/disclosure.py [--cases N] [--seeds 2025,7,11]
[--optimal] [--release]``
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_read import default_dir, generate

THRESHOLD = 3
LOWER = 0
"""The attacker's lower bound of a suppressed cell (zeros may be secondary cells)."""


def one_period_table(cases: Path, events: Path) -> tuple[dict[Any, int], list[Any]]:
    from kommunale_integration import compute_indicators, read_cases

    data = read_cases(cases, events)
    table = compute_indicators(
        cases=data, periods=["2025"], by=("sex",), disclosure=None, indicators=["new_cases"]
    )
    values = {(r.territory, r.dim("sex")): int(r.value or 0) for r in table.rows}
    territories = sorted({t for t, _ in values})
    sexes = sorted({s for _, s in values} - {"_T"})
    relations: list[Any] = []
    for sex in [*sexes, "_T"]:
        relations.append((("all", sex), [(d, sex) for d in territories if len(d) == 5], True))
        for d in territories:
            if len(d) == 5:
                kids = [(m, sex) for m in territories if len(m) == 8 and m.startswith(d)]
                relations.append(((d, sex), kids, True))
    for t in territories:
        relations.append(((t, "_T"), [(t, s) for s in sexes], True))
    return values, relations


def judge(values: dict[Any, int], relations: list[Any], hidden: set[Any]) -> tuple[int, int]:
    """(fixed cells, primary cells bounded below the threshold) by the LP audit."""
    from kommunale_integration._engine._protection import audit

    intervals = audit(values, relations, hidden, lower=LOWER)
    fixed = sum(1 for low, high in intervals.values() if high - low < 1e-6)
    low = sum(
        1
        for cell, (_, high) in intervals.items()
        if 0 < values[cell] < THRESHOLD and high < THRESHOLD - 1e-6
    )
    return fixed, low


def loss(values: dict[Any, int], hidden: set[Any]) -> str:
    """Non-zero cells suppressed (count and share) and zeros suppressed."""
    nonzero = sum(1 for v in values.values() if v)
    lost = sum(1 for c in hidden if values[c])
    return (
        f"{lost:4d} of {nonzero} non-zero cells suppressed = {lost / nonzero:.1%}, "
        f"zeros suppressed: {len(hidden) - lost}"
    )


def dimensions(values: dict[Any, int], relations: list[Any]) -> list[list[Any]]:
    """The table as a product: territory relations and the sexes with ``_T``."""
    sexes = sorted({s for _, s in values} - {"_T"})
    territory = [(t[0], [p[0] for p in parts], True) for t, parts, _ in relations if t[1] == "_T"]
    territory = [r for r in territory if r[1] and r[1][0] != r[0]]
    return [territory, [("_T", sexes, True)]]


def engine(values: dict[Any, int], relations: list[Any], product: bool) -> set[Any]:
    """Protect the table by linear programs, or (*product*) by the product search,
    which the engine uses for tables of more than ``PRODUCT_CELLS`` cells only."""
    from kommunale_integration import DisclosureControl, protect
    from kommunale_integration._engine import disclosure

    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    dims = dimensions(values, relations) if product else None
    smallest = disclosure.PRODUCT_CELLS
    disclosure.PRODUCT_CELLS = 0 if product else smallest
    try:
        result = protect(values, relations, DisclosureControl(), dimensions=dims)
    finally:
        disclosure.PRODUCT_CELLS = smallest
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    label = "engine (product):" if product else "engine (LP):     "
    print(
        f"{label} {loss(values, set(result.suppressed))} "
        f"({len(result.primary)} primary); protection + audit {cpu:.2f} s CPU, "
        f"{seconds:.2f} s wall (load {load:.1f} on {os.cpu_count()} cores); "
        f"audit exact: {result.exact}; exposed by its own audit: "
        f"{len(result.exposed(THRESHOLD))}"
    )
    return set(result.suppressed)


def tau_argus(cases: Path, values: dict[Any, int], relations: list[Any], optimal: bool) -> None:
    try:
        from pytauargus import engine as tau_engine
        from pytauargus import protect as tau_protect
    except ImportError:
        print("Tau-Argus: pytauargus is not installed (pip install pytauargus); skipped")
        return
    municipality, sex = [], []
    with cases.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["opened"].startswith("2025"):
                municipality.append(row["municipality"])
                sex.append(row["sex"])
    micro = {"ags": municipality, "sex": sex, "n": [1] * len(sex)}
    original_suppress = tau_engine.Engine.suppress
    original_bounds = tau_engine.Engine._table_cell_bounds

    def suppress(self: Any, cmd: Any) -> Any:
        # our requirement: the upper protection level of a primary cell is 3 − value
        tab = cmd.tab_no - 1
        size, _ = self._tau.get_total_table_size(tab)
        for i in range(size):
            lpl, upl = self._tau.get_table_cell_protection_levels(tab, i)
            if lpl > 0 or upl > 0:
                value = self._tau.get_table_cell_value(tab, i)
                self._tau.set_table_cell_protection_levels(tab, i, 0.0, THRESHOLD - value)
        return original_suppress(self, cmd)

    def bounds(self: Any, tab: int) -> tuple[float, float]:
        return (float(LOWER), original_bounds(self, tab)[1])

    methods = [("Tau-Argus modular", "MOD(1,5,1,1,1)", False)]
    if optimal:
        methods.append(("Tau-Argus optimal", "OPT(1,5)", True))
    for label, method, told in methods:
        if told:
            tau_engine.Engine.suppress = suppress  # type: ignore[method-assign]
            tau_engine.Engine._table_cell_bounds = bounds  # type: ignore[method-assign]
        # Tau-Argus writes its logs into the working folder: keep them out of the tree
        with tempfile.TemporaryDirectory() as work, contextlib.chdir(work):
            start = time.perf_counter()
            result = tau_protect(
                micro,
                tables=[["ags", "sex"]],
                response="n",
                safety_rules=f"FREQ({THRESHOLD},30)",
                suppress=method,
                hrc={"ags": "5 3"},
                workdir=work,
            )
            seconds = time.perf_counter() - start
            frame = result.tables[0].dataframe()
        tau_engine.Engine.suppress = original_suppress  # type: ignore[method-assign]
        tau_engine.Engine._table_cell_bounds = original_bounds  # type: ignore[method-assign]
        hidden = set()
        for raw_ags, raw_sex, status in zip(frame.ags, frame.sex, frame.status, strict=True):
            ags, sx = raw_ags.strip(), raw_sex.strip()
            key = ("all" if ags == "Total" else ags, "_T" if sx == "Total" else sx)
            if status in ("U", "M", "D"):
                hidden.add(key)
        fixed, low = judge(values, relations, hidden)
        note = "told the requirement" if told else "its own protection levels"
        print(
            f"{label}: {loss(values, hidden)} ({note}, {seconds:.1f} s); "
            f"our attacker finds {fixed} fixed cells and {low} primary cells below "
            f"{THRESHOLD}"
        )


def releases(folder: Path, n_cases: int, seeds: list[int]) -> None:
    """Protect whole releases and audit them with the test suite's attacker."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from kommunale_integration import compute_indicators, read_cases
    from test_disclosure import COUNTS, exposed, relations_of

    for seed in seeds:
        cases, events = generate(folder / f"seed{seed}", n_cases, seed=seed)
        data = read_cases(cases, events)
        for by in (("sex",), ("legal_basis",), ("sex", "legal_basis"), ("age_group",)):
            start = time.perf_counter()
            safe = compute_indicators(cases=data, periods=["2025"], by=by, include_subperiods=True)
            seconds = time.perf_counter() - start
            true = compute_indicators(
                cases=data, periods=["2025"], by=by, include_subperiods=True, disclosure=None
            )
            bad = 0
            hidden_total = 0
            for indicator in COUNTS:
                rows = [r for r in true.rows if r.indicator == indicator]
                truth = {
                    (str(r.period), r.territory, tuple(r.dim(d) for d in by)): int(r.value or 0)
                    for r in rows
                }
                hidden = {
                    (str(r.period), r.territory, tuple(r.dim(d) for d in by))
                    for r in safe.rows
                    if r.indicator == indicator and str(r.status) == "suppressed"
                }
                hidden_total += len(hidden)
                relations = relations_of(rows, by, additive=indicator == "new_cases")
                bad += len(exposed(truth, hidden, relations))
            print(
                f"release seed {seed} by {','.join(by)}: {seconds:.1f} s, "
                f"{hidden_total} suppressed count cells, exposed: {bad}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--seeds", default="2025,7,11")
    parser.add_argument("--optimal", action="store_true", help="also Tau-Argus optimal")
    parser.add_argument("--release", action="store_true")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    for seed in seeds:
        cases, events = generate(args.dir / f"seed{seed}", args.cases, seed=seed)
        print(f"export: {args.cases:,} cases, seed {seed} ({cases})")
        values, relations = one_period_table(cases, events)
        for product in (False, True):
            hidden = engine(values, relations, product)
            fixed, low = judge(values, relations, hidden)
            print(f"engine, audited again: {fixed} fixed cells, {low} primary cells below 3")
        tau_argus(cases, values, relations, args.optimal)
    if args.release:
        releases(args.dir, args.cases, seeds)


if __name__ == "__main__":
    main()
