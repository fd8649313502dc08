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
   pytauargus``), protects the same table with Tau-Argus's modular method, with its
   own protection levels and told the same requirement (every cell at least 0, upper
   protection level ``3 − value``), and with ``--optimal`` (minutes per table) its
   optimal method told it (``--tau`` chooses among ``modular``, ``modular-told`` and
   ``optimal-told``), and audits their patterns with the same attacker (lower bound
   0, as Tau-Argus assumes);
3. with ``--release``, protects whole releases (year, quarters and months; by sex, by
   legal basis, by both, by age group) of several synthetic exports and audits every
   count indicator with an attacker that derives the relations from the tidy output.

With ``--workload N`` it pairs them instead on the count tables of
``indicators_vs_pandas.py``'s workload (the export of N cases in ``--dir`` itself, by
default 1,000,000: 2025 with its quarters and months × 400 municipalities, 40 districts
and ``all`` × sex and ``_T``, 37,485 cells per count; ``--indicators``, default
``new_cases,language_course_starts``). For each table it reports the engine's protection
as ``compute_indicators`` runs it (product search, no audit) and Tau-Argus's methods (as
above), each with CPU and wall time and the suppressed share of non-zero cells, checks
that Tau-Argus's cells hold our values, and audits both patterns by the same LP attacker
over every relation (about a minute of CPU per pattern of new cases, in a child process
stopped after ``--audit-timeout`` seconds, default 900; ``--no-audit`` skips it).
Tau-Argus gets microdata: new cases, which add up over time, as one table municipality
(district, then municipality: AGS levels ``5 3``) × month (under its quarter under the
year: codes ``101``..``412``, levels ``1 2``) × sex; a count of cases with events does
not add up over time (a case with events in two months counts once in their quarter),
which Tau-Argus's hierarchies cannot state, so it gets one table municipality × sex per
period, protected apart, while the engine and the attacker know the relations between
the periods (``max(parts) ≤ total ≤ sum(parts)``). Each Tau-Argus method runs in a child
process stopped after ``--tau-timeout`` seconds (default 900; the modular method needs
about 5 minutes of CPU for the new cases of 1,000,000 cases); its CPU time is that
process's.

Timings on the shared development machine are upper bounds.

Run: ``.venv/bin/python benchmarks/disclosure.py [--cases N] [--seeds 2025,7,11]
[--optimal] [--release] [--tau METHOD ...] [--tau-timeout S]``, or ``.venv/bin/python
benchmarks/disclosure.py --workload 1000000 --dir /tmp/bench [--indicators A,B]
[--tau METHOD ...] [--optimal] [--no-audit] [--tau-timeout S] [--audit-timeout S]``
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_read import default_dir, generate
from indicators_vs_pandas import COUNTS, PERIOD, periods

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


def dimensions(relations: list[Any]) -> list[list[Any]]:
    """The table as a product: for each coordinate of the cells (tuples), the relations
    among its values with the other coordinates fixed (each once)."""
    found: list[dict[tuple[Any, tuple[Any, ...]], bool]] = [{} for _ in relations[0][0]]
    for total, parts, exact in relations:
        axis = next((i for i, x in enumerate(total) if x != parts[0][i]), None)
        if axis is not None:
            found[axis].setdefault((total[axis], tuple(p[axis] for p in parts)), exact)
    return [[(t, list(ps), exact) for (t, ps), exact in axis.items()] for axis in found]


def engine(
    values: dict[Any, int], relations: list[Any], product: bool, audit: bool = True
) -> set[Any]:
    """Protect the table by linear programs, or (*product*) by the product search,
    which the engine uses for tables of more than ``PRODUCT_CELLS`` cells only; without
    *audit* as ``compute_indicators`` does when no audit is kept (the witnesses of
    secondary suppression certify the pattern)."""
    from kommunale_integration import DisclosureControl, protect
    from kommunale_integration._engine import disclosure

    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    dims = dimensions(relations) if product else None
    smallest = disclosure.PRODUCT_CELLS
    disclosure.PRODUCT_CELLS = 0 if product else smallest
    try:
        result = protect(values, relations, DisclosureControl(), dimensions=dims, audit=audit)
    finally:
        disclosure.PRODUCT_CELLS = smallest
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    label = "engine (product):" if product else "engine (LP):     "
    audited = (
        f"protection + audit {cpu:.2f} s CPU"
        if audit
        else f"protection (no audit, as compute_indicators) {cpu:.2f} s CPU"
    )
    print(
        f"{label} {loss(values, set(result.suppressed))} "
        f"({len(result.primary)} primary); {audited}, "
        f"{seconds:.2f} s wall (load {load:.1f} on {os.cpu_count()} cores)"
        + (
            f"; audit exact: {result.exact}; exposed by its own audit: "
            f"{len(result.exposed(THRESHOLD))}"
            if audit
            else ""
        )
    )
    return set(result.suppressed)


def _told(tau_engine: Any) -> None:
    """Tell Tau-Argus our requirement (patches its engine in this process): the
    upper protection level of a primary cell is ``3 − value``, the lower bound 0."""
    original_suppress = tau_engine.Engine.suppress
    original_bounds = tau_engine.Engine._table_cell_bounds

    def suppress(self: Any, cmd: Any) -> Any:
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

    tau_engine.Engine.suppress = suppress
    tau_engine.Engine._table_cell_bounds = bounds


TauTable = tuple[dict[str, list[Any]], list[str], dict[str, str], Callable[..., Any]]
"""One table for Tau-Argus: microdata (a column per variable, ``n`` = 1 per record),
its explanatory variables, their hierarchies (``hrc`` of ``pytauargus.protect``) and
the key of our cell for a row's codes (``Total`` for a variable's total)."""


TAU_METHODS = {
    "modular": ("Tau-Argus modular", "MOD(1,5,1,1,1)", False),
    "modular-told": ("Tau-Argus modular", "MOD(1,5,1,1,1)", True),
    "optimal-told": ("Tau-Argus optimal", "OPT(1,5)", True),
}
"""Tau-Argus's methods: label, its batch command, whether told our requirement."""


def limited(function: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
    """Run ``function(*args)`` in a child process (forked: it shares this process's
    data) stopped after *timeout* seconds: its result with its CPU and wall seconds,
    or a text that says why there is none."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def run() -> None:
        start, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        send.send((result, time.process_time() - cpu, time.perf_counter() - start))

    child = context.Process(target=run)
    child.start()
    send.close()
    found = None
    with contextlib.suppress(EOFError):  # (the child failed: its error is shown)
        found = receive.recv() if receive.poll(timeout) else None
    child.kill()  # (this child only, by its process; it has sent its result)
    child.join()
    if found is not None:
        return found
    if child.exitcode == -9:
        return f"no result within {timeout:g} s (stopped)"
    return f"failed (exit code {child.exitcode})"


def attack(values: dict[Any, int], relations: list[Any], hidden: set[Any], timeout: float) -> None:
    """Print :func:`judge`'s verdict on *hidden*, computed in a child process stopped
    after *timeout* seconds."""
    found = limited(judge, (values, relations, hidden), timeout)
    if isinstance(found, str):
        print(f"  our attacker: {found} (--audit-timeout)")
        return
    (fixed, low), cpu, _ = found
    print(
        f"  our attacker finds {fixed} fixed cells and {low} primary cells below "
        f"{THRESHOLD} (audit {cpu:.1f} s CPU)"
    )


def _tau_cells(
    tables: list[TauTable], method: str, told: bool, folder: str
) -> dict[Any, tuple[int, str]]:
    """Protect *tables* with Tau-Argus (in a child process of :func:`limited`): each
    cell's value and status."""
    from pytauargus import engine as tau_engine
    from pytauargus import protect as tau_protect

    if told:
        _told(tau_engine)
    # Tau-Argus writes its files and logs into the working folder and temporary
    # folders: all into *folder*, which the parent removes even when it stops us
    tempfile.tempdir = folder
    cells: dict[Any, tuple[int, str]] = {}
    for micro, variables, hrc, key in tables:
        with tempfile.TemporaryDirectory() as work, contextlib.chdir(work):
            result = tau_protect(
                micro,
                tables=[variables],
                response="n",
                safety_rules=f"FREQ({THRESHOLD},30)",
                suppress=method,
                hrc=hrc,
                workdir=work,
            )
            for row in result.tables[0].rows:
                codes = [str(row[v]).strip() for v in variables]
                cells[key(*codes)] = (int(row["n"]), str(row["status"]))
    return cells


def tau_argus(
    tables: list[TauTable],
    values: dict[Any, int],
    relations: list[Any],
    methods: list[str],
    timeout: float,
    audit_timeout: float | None = None,
) -> None:
    """Protect *tables* with Tau-Argus's *methods* (of :data:`TAU_METHODS`), each in
    a child process stopped after *timeout* seconds; check that
    its cells are those of *values*, and audit its pattern with our attacker (in a
    child process stopped after *audit_timeout* seconds; ``None``: no audit)."""
    try:
        import pytauargus  # noqa: F401
    except ImportError:
        print("Tau-Argus: pytauargus is not installed (pip install pytauargus); skipped")
        return
    for name in methods:
        label, method, told = TAU_METHODS[name]
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as folder:
            found = limited(_tau_cells, (tables, method, told, folder), timeout)
        if isinstance(found, str):
            print(f"{label}: {found} (--tau-timeout); load {load:.1f} at the start")
            continue
        cells, cpu, seconds = found
        wrong = [c for c, (v, _) in cells.items() if values.get(c, 0) != v]
        wrong += [c for c, v in values.items() if v and c not in cells]
        if wrong:
            print(f"{label}: MISMATCH, {len(wrong)} cells differ from ours, e.g. {wrong[:3]}")
        hidden = {c for c, (_, status) in cells.items() if status in ("U", "M", "D")}
        note = "told the requirement" if told else "its own protection levels"
        print(
            f"{label}: {loss(values, hidden)} ({note}); {cpu:.2f} s CPU, "
            f"{seconds:.2f} s wall (load {load:.1f}) for {len(cells):,} cells"
        )
        if audit_timeout is not None:
            attack(values, relations, hidden, audit_timeout)


def one_period_tau(cases: Path) -> list[TauTable]:
    """The one-period table as Tau-Argus's microdata."""
    municipality, sex = [], []
    with cases.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["opened"].startswith("2025"):
                municipality.append(row["municipality"])
                sex.append(row["sex"])
    micro: dict[str, list[Any]] = {"ags": municipality, "sex": sex, "n": [1] * len(sex)}

    def key(ags: str, sx: str) -> tuple[str, str]:
        return ("all" if ags == "Total" else ags, "_T" if sx == "Total" else sx)

    return [(micro, ["ags", "sex"], {"ags": "5 3"}, key)]


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


# --------------------------------------------------------------------------- the 1M workload


def _period_code(day: str) -> str:
    """Tau-Argus's code of the month of an ISO date: its quarter's digit, then the
    month (``2025-05-14`` → ``205``), so that the hierarchy levels ``1 2`` put each
    month under its quarter under the year (the code ``Total``)."""
    month = int(day[5:7])
    return f"{(month - 1) // 3 + 1}{month:02d}"


def _period_of(code: str) -> str:
    """Our period of a period code of :func:`_period_code` (``Total``: the year)."""
    if code == "Total":
        return PERIOD
    return f"{PERIOD}-Q{code}" if len(code) == 1 else f"{PERIOD}-{code[1:]}"


def _cell(period: str, ags: str, sex: str) -> tuple[str, str, tuple[str]]:
    """Our cell of Tau-Argus's codes of a period, a territory and a sex."""
    return (period, "all" if ags == "Total" else ags, ("_T" if sex == "Total" else sex,))


def workload_table(data: Any, indicator: str) -> tuple[dict[Any, int], list[Any]]:
    """One count table of ``indicators_vs_pandas.py``'s workload: *indicator* for the
    year, its quarters and its months by territory and sex (cells ``(period,
    territory, (sex,))``), with the relations an attacker knows (the test suite's:
    sums within a period; over time sums for new cases, otherwise ``max(parts) ≤
    total ≤ sum(parts)``: a case with an event in two months counts once in their
    quarter)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from kommunale_integration import compute_indicators
    from test_disclosure import relations_of

    table = compute_indicators(
        cases=data,
        periods=[PERIOD],
        by=("sex",),
        include_subperiods=True,
        disclosure=None,
        indicators=[indicator],
    )
    rows = list(table.rows)
    values = {(str(r.period), r.territory, (r.dim("sex"),)): int(r.value or 0) for r in rows}
    return values, relations_of(rows, ("sex",), additive=indicator == "new_cases")


def workload_tau(cases: Path, events: Path, indicator: str) -> list[TauTable]:
    """The same table as microdata for Tau-Argus: for new cases (one record per case
    opened in the year, additive over time) one table of municipality (AGS: 5 digits
    of the district, then 3) × month (in quarter in year) × sex; for a count of cases
    with events, which does not add up over time, one table of municipality × sex per
    period (Tau-Argus's hierarchies are sums)."""
    with cases.open(encoding="utf-8", newline="") as handle:
        of_case = {
            r["case_id"]: (r["municipality"], r["sex"], r["opened"]) for r in csv.DictReader(handle)
        }
    if indicator == "new_cases":
        micro: dict[str, list[Any]] = {"ags": [], "period": [], "sex": []}
        for ags, sex, opened in of_case.values():
            if opened.startswith(PERIOD):
                micro["ags"].append(ags)
                micro["period"].append(_period_code(opened))
                micro["sex"].append(sex)
        micro["n"] = [1] * len(micro["ags"])

        def key(ags: str, period: str, sex: str) -> Any:
            return _cell(_period_of(period), ags, sex)

        return [(micro, ["ags", "period", "sex"], {"ags": "5 3", "period": "1 2"}, key)]
    wanted = set(COUNTS[indicator])
    months: dict[str, set[str]] = {}  # case → the months of its events
    with events.open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["event"] in wanted and r["date"].startswith(PERIOD):
                months.setdefault(r["case_id"], set()).add(_period_code(r["date"]))
    inside: dict[str, list[str]] = {label: [] for label, _, _ in periods()}
    for case, codes in months.items():  # each case once in each period of an event
        for label in {PERIOD, *(_period_of(c[0]) for c in codes), *map(_period_of, codes)}:
            inside[label].append(case)
    tables: list[TauTable] = []
    for label, ids in inside.items():
        micro = {
            "ags": [of_case[c][0] for c in ids],
            "sex": [of_case[c][1] for c in ids],
            "n": [1] * len(ids),
        }

        def one(ags: str, sex: str, label: str = label) -> Any:
            return _cell(label, ags, sex)

        tables.append((micro, ["ags", "sex"], {"ags": "5 3"}, one))
    return tables


def workload(folder: Path, n_cases: int, indicators: list[str], args: Any) -> None:
    """Pair the engine and Tau-Argus on count tables of the 1M workload."""
    from kommunale_integration import read_cases

    cases, events = generate(folder, n_cases)
    print(f"export: {n_cases:,} cases ({cases})")
    data = read_cases(cases, events)
    for indicator in indicators:
        values, relations = workload_table(data, indicator)
        primary = sum(1 for v in values.values() if 0 < v < THRESHOLD)
        print(f"\n{indicator}: {len(values):,} cells, {primary:,} primary")
        if indicator != "new_cases":
            year = values[(PERIOD, "all", ("_T",))]
            months = sum(values[(f"{PERIOD}-{m:02d}", "all", ("_T",))] for m in range(1, 13))
            print(f"  not additive over time: the year's total {year:,}, its months' {months:,}")
        hidden = engine(values, relations, product=True, audit=False)
        audit_timeout = args.audit_timeout if args.audit else None
        if audit_timeout is not None:
            attack(values, relations, hidden, audit_timeout)
        tables = workload_tau(cases, events, indicator)
        shape = "one table" if len(tables) == 1 else f"{len(tables)} tables, one per period"
        print(f"Tau-Argus gets {shape}: {' × '.join(tables[0][1])}")
        tau_argus(tables, values, relations, args.tau, args.tau_timeout, audit_timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--seeds", default="2025,7,11")
    parser.add_argument(
        "--optimal", action="store_true", help="also Tau-Argus optimal (--tau ... optimal-told)"
    )
    parser.add_argument(
        "--tau",
        nargs="+",
        choices=TAU_METHODS,
        default=["modular", "modular-told"],
        help="Tau-Argus's methods (told: our requirement)",
    )
    parser.add_argument("--release", action="store_true")
    parser.add_argument(
        "--workload",
        type=int,
        metavar="N",
        help="instead: count tables of indicators_vs_pandas.py's workload of N cases "
        "(export in --dir itself)",
    )
    parser.add_argument("--indicators", default="new_cases,language_course_starts")
    parser.add_argument(
        "--tau-timeout", type=float, default=900.0, help="seconds per Tau-Argus method"
    )
    parser.add_argument(
        "--audit-timeout", type=float, default=900.0, help="seconds per audit (--workload)"
    )
    parser.add_argument(
        "--no-audit", dest="audit", action="store_false", help="no LP audit (--workload)"
    )
    args = parser.parse_args()
    if args.optimal and "optimal-told" not in args.tau:
        args.tau.append("optimal-told")
    if args.workload:
        workload(args.dir, args.workload, args.indicators.split(","), args)
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    for seed in seeds:
        cases, events = generate(args.dir / f"seed{seed}", args.cases, seed=seed)
        print(f"export: {args.cases:,} cases, seed {seed} ({cases})")
        values, relations = one_period_table(cases, events)
        for product in (False, True):
            hidden = engine(values, relations, product)
            fixed, low = judge(values, relations, hidden)
            print(f"engine, audited again: {fixed} fixed cells, {low} primary cells below 3")
        tau_argus(
            one_period_tau(cases),
            values,
            relations,
            args.tau,
            args.tau_timeout,
            args.audit_timeout,
        )
    if args.release:
        releases(args.dir, args.cases, seeds)


if __name__ == "__main__":
    main()
