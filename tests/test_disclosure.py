"""Disclosure control against an informed attacker.

The attacker here is written independently of the engine: from the tidy output alone
it derives every relation (territory hierarchy up to ``all``, every ``_T`` total of
every breakdown, sub-periods and their period — equality for new cases, which add up
over time, ``max(parts) ≤ total ≤ sum(parts)`` for the distinct counts), knows that no
count is negative and the library's rule on zeros — a zero may be suppressed as a
secondary cell, so a suppressed cell is known to be at least ``LOWER`` = 0 and no more
— and solves with ``scipy.optimize.linprog`` for the smallest and largest value of
every suppressed cell. The requirement: no suppressed cell is fixed, and every primary
cell (1 to threshold − 1) and every suppressed zero can reach the threshold.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from kommunale_integration import (
    CaseData,
    DisclosureControl,
    InvalidValueError,
    ObservationStatus,
    Protection,
    ReportPeriod,
    compute_indicators,
)
from kommunale_integration._engine import protect

COUNTS = (
    "active_cases",
    "new_cases",
    "language_course_starts",
    "language_course_completions",
    "placements",
)
MUNICIPALITIES = ("05558004", "05558008", "05558012", "05566008", "05566012")
EVENT_NAMES = ("language_course_started", "language_course_completed", "employment_started")
THRESHOLD = 3
LOWER = 0
"""The attacker's lower bound of a suppressed cell (documented rule: zeros may be
secondary cells)."""

Relation = tuple[Hashable, Sequence[Hashable], bool]


# --------------------------------------------------------------------------- attacker


def attack(
    known: dict[Hashable, float],
    hidden: set[Hashable],
    relations: Sequence[Relation],
    only: Sequence[Hashable] | None = None,
    *,
    integral: bool = False,
) -> dict[Hashable, tuple[float, float]]:
    """Smallest and largest value of every hidden cell (or of the cells *only*, which
    must then be bounded) consistent with *known*, the relations, and the rule that a
    suppressed cell is at least ``LOWER`` (plain linprog over sparse rows); with
    *integral* over tables of whole numbers (plain milp where linprog finds the end
    bounded: an integer program with rational data is unbounded exactly when its
    relaxation is)."""
    cells = sorted(hidden, key=repr)
    index = {c: i for i, c in enumerate(cells)}
    rows: dict[str, list[tuple[dict[int, float], float]]] = {"=": [], "<": []}

    def add(terms: list[tuple[Hashable, float]], kind: str) -> None:
        """Σ coef·cell (kind '=': = 0, '<': ≤ 0)."""
        row: dict[int, float] = {}
        constant = 0.0
        for cell, coef in terms:
            if cell in index:
                row[index[cell]] = row.get(index[cell], 0.0) + coef
            else:
                constant += coef * known[cell]
        if any(row.values()):
            rows[kind].append((row, -constant))

    for total, parts, exact in relations:
        if not any(c in index for c in (total, *parts)):
            continue
        terms = [(total, 1.0), *((p, -1.0) for p in parts)]
        if exact:
            add(terms, "=")
        else:
            add(terms, "<")  # total ≤ sum(parts)
            for part in parts:
                add([(part, 1.0), (total, -1.0)], "<")  # part ≤ total
    matrix = {}
    for kind, found in rows.items():
        places = [(i, j, a) for i, (row, _) in enumerate(found) for j, a in row.items()]
        if places:
            at, col, coef = zip(*places, strict=True)
            matrix[kind] = csr_array((coef, (at, col)), shape=(len(found), len(cells)))
    result: dict[Hashable, tuple[float, float]] = {}
    for cell in cells if only is None else only:
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(cells))
            c[index[cell]] = sign
            res = linprog(
                c,
                A_ub=matrix.get("<"),
                b_ub=np.array([b for _, b in rows["<"]]) if rows["<"] else None,
                A_eq=matrix.get("="),
                b_eq=np.array([b for _, b in rows["="]]) if rows["="] else None,
                bounds=(LOWER, None),
                method="highs",
                # presolve can call an unbounded LP infeasible; cells *only* are bounded
                options={"presolve": only is not None},
            )
            if res.status == 3:  # unbounded
                ends.append(float("inf"))
                continue
            assert res.status == 0, res.message
            if integral:
                constraints = [
                    LinearConstraint(matrix[kind], -np.inf if kind == "<" else b, b)
                    for kind in ("<", "=")
                    if kind in matrix
                    for b in [np.array([b for _, b in rows[kind]])]
                ]
                res = milp(
                    c,
                    integrality=np.ones(len(cells)),
                    bounds=Bounds(LOWER, np.inf),
                    constraints=constraints,
                    # (presolve off: scipy 1.17.1's HiGHS presolve gave a maximum of
                    # 18 for a cell that a table of whole numbers puts at 22)
                    options={"mip_rel_gap": 0.0, "presolve": False},
                )
                assert res.status == 0, res.message
            ends.append(sign * res.fun)
        result[cell] = (ends[0], ends[1])
    return result


def exposed(
    truth: dict[Hashable, int],
    hidden: set[Hashable],
    relations: Sequence[Relation],
    threshold: int = THRESHOLD,
) -> list[tuple[Hashable, tuple[float, float]]]:
    """The hidden cells the attacker pins down or bounds below the threshold."""
    known = {c: float(v) for c, v in truth.items() if c not in hidden}
    found = attack(known, hidden, relations)
    bad = []
    for cell, (low, high) in found.items():
        assert low - 1e-6 <= truth[cell] <= high + 1e-6, (cell, truth[cell], low, high)
        # below the threshold: a primary cell, or a suppressed zero (the attacker
        # cannot tell it from a 1 or 2)
        if high - low < 1e-6 or (truth[cell] < threshold and high < threshold - 1e-6):
            bad.append((cell, (low, high)))
    return bad


def relations_of(rows: list[Any], dims: Sequence[str], additive: bool) -> list[Relation]:
    """Every relation among the cells of one count indicator, from the tidy rows."""
    keys = {(str(r.period), r.territory, tuple(r.dim(d) for d in dims)) for r in rows}
    periods = {str(r.period): r.period for r in rows}
    territories = {k[1] for k in keys}
    combos = {k[2] for k in keys}
    values = {d: sorted({c[i] for c in combos} - {"_T"}) for i, d in enumerate(dims)}
    relations: list[Relation] = []
    for p in periods:
        for combo in combos:
            for parent in territories:
                if parent == "all":
                    kids = [t for t in territories if len(t) == 5]
                elif len(parent) == 5:
                    kids = [t for t in territories if len(t) == 8 and t.startswith(parent)]
                else:
                    continue
                relations.append(((p, parent, combo), [(p, k, combo) for k in kids], True))
            for i, d in enumerate(dims):
                if combo[i] != "_T":
                    continue
                parts = [(*combo[:i], v, *combo[i + 1 :]) for v in values[d]]
                for t in territories:
                    relations.append(((p, t, combo), [(p, t, c) for c in parts], True))
    for p, period in periods.items():
        for kind in ("quarter", "month"):
            try:
                subs = [str(s) for s in ReportPeriod.parse(str(period)).split(kind)]
            except ValueError:
                continue
            if len(subs) < 2 or any(s not in periods for s in subs):
                continue
            for t in territories:
                for combo in combos:
                    relations.append(((p, t, combo), [(s, t, combo) for s in subs], additive))
    return relations


# --------------------------------------------------------------------------- exports


@st.composite
def exports(draw: st.DrawFn) -> CaseData:
    n = draw(st.integers(min_value=1, max_value=25))
    day = st.dates(min_value=date(2024, 10, 1), max_value=date(2026, 3, 31))
    cases = []
    for i in range(n):
        opened = draw(day)
        span = draw(st.one_of(st.none(), st.integers(0, 300)))
        closed = None if span is None else opened + timedelta(days=span)
        cases.append(
            {
                "case_id": f"c{i}",
                "municipality": draw(st.sampled_from(MUNICIPALITIES)),
                "opened": opened,
                "closed": closed,
                "sex": draw(st.sampled_from(["f", "m", "d"])),
            }
        )
    events = [
        {
            "case_id": f"c{draw(st.integers(0, n - 1))}",
            "event": draw(st.sampled_from(EVENT_NAMES)),
            "date": draw(day),
        }
        for _ in range(draw(st.integers(0, 20)))
    ]
    return CaseData.from_records(cases, events)


def check_release(
    data: CaseData, periods: list[str], subperiods: bool, by: tuple[str, ...]
) -> None:
    true = compute_indicators(
        cases=data, periods=periods, by=by, disclosure=None, include_subperiods=subperiods
    )
    safe = compute_indicators(cases=data, periods=periods, by=by, include_subperiods=subperiods)
    assert len(true) == len(safe)

    # the primary cells of each count; new and active cases are one table, where a
    # zero of one may hide a primary cell of the other
    def key_of(r: Any) -> tuple[Any, ...]:
        return (r.indicator, str(r.period), r.territory, tuple(r.dim(d) for d in by))

    values = {key_of(r): r.value for r in true.rows}
    small = dict.fromkeys(COUNTS, False)
    for r in safe.rows:
        if r.indicator in small and r.status is ObservationStatus.SUPPRESSED:
            small[r.indicator] |= 0 < int(values[key_of(r)]) < THRESHOLD  # type: ignore[arg-type]
    if {"new_cases", "active_cases"} <= set(small):
        small["new_cases"] = small["active_cases"] = small["new_cases"] or small["active_cases"]
    for indicator in COUNTS:
        rows = [r for r in true.rows if r.indicator == indicator]
        truth = {
            (str(r.period), r.territory, tuple(r.dim(d) for d in by)): int(r.value)  # type: ignore[arg-type]
            for r in rows
        }
        hidden: set[Hashable] = set()
        for r in safe.rows:
            if r.indicator != indicator:
                continue
            key = (str(r.period), r.territory, tuple(r.dim(d) for d in by))
            if r.status is ObservationStatus.SUPPRESSED:
                assert r.value is None
                hidden.add(key)
            else:
                assert r.status is ObservationStatus.OK
                assert r.value == truth[key]
        for key, v in truth.items():
            if 0 < v < THRESHOLD:
                assert key in hidden, key  # primary suppression
            if v == 0 and key in hidden:  # a zero only ever as a secondary cell
                assert small[indicator], key
        relations = relations_of(rows, by, additive=indicator == "new_cases")
        assert not exposed(truth, hidden, relations), indicator
    # a rate is suppressed when its numerator or denominator is
    for r in safe.rows:
        if r.indicator != "placement_rate":
            continue
        dims = {d: r.dim(d) for d in by}
        num = safe.get("placements", r.period, r.territory, **dims)
        den = safe.get("active_cases", r.period, r.territory, **dims)
        assert num is not None
        assert den is not None
        hidden_parts = ObservationStatus.SUPPRESSED in (num.status, den.status)
        assert (r.status is ObservationStatus.SUPPRESSED) == hidden_parts


@settings(max_examples=15)
@given(exports())
def test_release_of_one_year_resists_the_attacker(data: CaseData) -> None:
    check_release(data, ["2025"], subperiods=False, by=("sex",))


@settings(max_examples=6)
@given(exports())
def test_release_with_quarters_and_months_resists_the_attacker(data: CaseData) -> None:
    check_release(data, ["2025-Q1", "2025-Q2"], subperiods=True, by=("sex",))


def test_three_months_in_a_quarter_are_not_revealed() -> None:
    """Issue 13: three cases opened in April, May and June; the quarter (3) was
    published and the three suppressed months were each exactly 1."""
    data = CaseData.from_records(
        [
            {"case_id": str(m), "municipality": "05558004", "opened": f"2025-0{m}-10"}
            for m in (4, 5, 6)
        ]
    )
    check_release(data, ["2025-Q2"], subperiods=True, by=())


# --------------------------------------------------------------------------- protect()


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[Any, int], list[Relation]]:
    """A random table: leaves with small counts, totals over random groups of cells
    (sums, or distinct-count totals between the largest part and the sum)."""
    n_leaves = draw(st.integers(2, 9))
    values: dict[Any, int] = {
        ("leaf", i): draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 8, 20])) for i in range(n_leaves)
    }
    relations: list[Relation] = []
    for j in range(draw(st.integers(1, 6))):
        pool = sorted(values, key=repr)
        parts = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=5, unique=True))
        exact = draw(st.booleans())
        top = sum(values[p] for p in parts)
        low = max(values[p] for p in parts)
        total = top if exact else draw(st.integers(low, top))
        values[("total", j)] = total
        relations.append((("total", j), parts, exact))
    return values, relations


@given(tables())
def test_protect_random_tables(table: tuple[dict[Any, int], list[Relation]]) -> None:
    values, relations = table
    result = protect(values, relations, DisclosureControl())
    hidden = set(result.suppressed)
    assert {c for c, v in values.items() if 0 < v < THRESHOLD} == set(result.primary)
    assert set(result.primary) <= hidden
    assert not exposed(values, hidden, relations)
    # the audit's intervals contain the truth and, when exact, agree with the attacker
    assert set(result.intervals) == hidden
    known = {c: float(v) for c, v in values.items() if c not in hidden}
    theirs = attack(known, hidden, relations)
    for cell, (low, high) in result.intervals.items():
        assert low - 1e-6 <= values[cell] <= high + 1e-6
        if result.exact:
            assert low == pytest.approx(theirs[cell][0], abs=1e-6)
            assert high == pytest.approx(theirs[cell][1], abs=1e-6)
    assert result.exposed(THRESHOLD) == []
    # determinism: the same table gives the same pattern
    assert protect(values, relations, DisclosureControl()).suppressed == result.suppressed


@st.composite
def cubes(draw: st.DrawFn) -> tuple[dict[Any, int], list[Relation]]:
    """A three-way table with every margin (like territory × sex × legal basis)."""
    sizes = [draw(st.integers(2, 3)) for _ in range(3)]
    inner = {
        (i, j, k): draw(st.sampled_from([0, 0, 1, 2, 3, 6, 15]))
        for i in range(sizes[0])
        for j in range(sizes[1])
        for k in range(sizes[2])
    }
    return cube_table(sizes, inner)


def cube_table(
    sizes: Sequence[int], inner: dict[tuple[int, int, int], int]
) -> tuple[dict[Any, int], list[Relation]]:
    """The three-way table of the inner cells *inner* with every margin (``"T"``)."""
    axes = [[*range(n), "T"] for n in sizes]
    values: dict[Any, int] = {}
    for i in axes[0]:
        for j in axes[1]:
            for k in axes[2]:
                values[(i, j, k)] = sum(
                    v
                    for (a, b, c), v in inner.items()
                    if i in ("T", a) and j in ("T", b) and k in ("T", c)
                )
    relations: list[Relation] = []
    for cell in values:
        for axis in range(3):
            if cell[axis] != "T":
                continue
            parts = [(*cell[:axis], x, *cell[axis + 1 :]) for x in range(sizes[axis])]
            relations.append((cell, parts, True))
    return values, relations


def test_a_partner_held_at_exactly_one_is_a_partner() -> None:
    """A 2 × 2 × 2 table whose only counts are a 1 and a 2 in one row: both primary,
    one block. The witness that holds the other primary cell at exactly 1 (the lowest
    value of the range 1 … threshold − 1) is a partner; taken for none, the engine
    published a pattern in which the attacker who knows that every block holds a
    primary cell bounds both below 3 (found by a mutant of the partner's range in
    ``_Search._explain``)."""
    inner = {(i, j, k): 0 for i in range(2) for j in range(2) for k in range(2)}
    inner[(1, 1, 0)], inner[(1, 1, 1)] = 1, 2
    values, relations = cube_table([2, 2, 2], inner)
    result = protect(values, relations, DisclosureControl())
    hidden = set(result.suppressed)
    assert {(1, 1, 0), (1, 1, 1)} <= hidden
    assert not exposed(values, hidden, relations)
    assert ruled(values, hidden, relations) == []


@pytest.mark.parametrize(("one", "five"), [("a", "c"), ("p", "a")])
def test_a_published_cell_beside_a_primary_cell_becomes_its_partner(one: str, five: str) -> None:
    """A distinct count (a year between its largest month and the sum) of 6 over
    months of 1 and 5: the 1 rises alone (no cell has to fall), so no witness for it
    suppresses anything else — and suppressed alone, the attacker who knows that
    every block holds a primary cell knows it is 1 or 2. The 5, published and in its
    relation, is its partner: the 1 at 4 with the 5 at exactly 2 (the highest value
    of the range 1 … threshold − 1). Whatever the cells are called: the primary cell
    first in the engine's order of cells (*one* = ``a``), or the partner (*five* =
    ``a``). (Found by mutants of ``_Search._explain``: the cells that share a
    relation with the primary cell left out of the candidates, the first cell taken
    for no cell as primary or as partner, the range's upper end made strict.)"""
    values = {one: 1, five: 5, "year": 6}
    relations: list[Relation] = [("year", [one, five], False)]
    result = protect(values, relations, DisclosureControl())
    hidden = set(result.suppressed)
    assert hidden == {one, five}
    assert not exposed(values, hidden, relations)
    assert ruled(values, hidden, relations) == []


def test_a_zero_taken_as_partner_gets_a_witness_of_its_own() -> None:
    """The 1 of a distinct count beside a zero and a 5: the partner found for it may
    be the zero (held at 1 while the 1 rises to 3); a suppressed zero must reach the
    threshold too, so it then gets a witness of its own — with ``audit=False`` the
    intervals are the witnesses', and every suppressed cell's reaches 3. (Found by a
    mutant of ``_Search._explain`` that reported a cell given a partner as one left
    without: the zeros suppressed on the way got no witness.)"""
    values = {"a": 1, "b": 0, "c": 5, "year": 6}
    relations: list[Relation] = [("year", ["a", "b", "c"], False)]
    result = protect(values, relations, DisclosureControl(), audit=False)
    hidden = set(result.suppressed)
    assert "a" in hidden
    assert len(hidden) == 2
    assert all(high >= THRESHOLD for _, high in result.intervals.values()), result.intervals
    assert not exposed(values, hidden, relations)
    assert ruled(values, hidden, relations) == []


def test_a_partner_lies_beyond_the_cells_never_published() -> None:
    """A family of events: training starts ``T`` (1) and employment starts ``E`` (3)
    are the patterns of events ``Pt + Pb`` and ``Pe + Pb``, placements ``L`` (4) all
    three; the patterns are never published. ``T``'s only neighbours are patterns,
    which are no partner (the attacker does not know them, so one at 1 or 2 tells him
    nothing): its partner lies beyond them, ``E`` at 2 or ``L``. (Found by mutants of
    ``_Search._explain``: a pattern taken as partner where a boolean of the candidates'
    filter was turned, the search beyond the patterns skipped or made over the
    published cells next to ``T``, or through nothing further than the patterns.)"""
    values = {"T": 1, "E": 3, "L": 4, "Pt": 1, "Pe": 3, "Pb": 0}
    relations: list[Relation] = [
        ("T", ["Pt", "Pb"], True),
        ("E", ["Pe", "Pb"], True),
        ("L", ["Pt", "Pe", "Pb"], True),
    ]
    patterns = {"Pt", "Pe", "Pb"}
    result = protect(values, relations, DisclosureControl(), free=patterns)
    hidden = set(result.suppressed)
    assert "T" in hidden
    assert hidden & {"E", "L"}
    assert not [c for c, _ in exposed(values, hidden | patterns, relations) if c in hidden]
    assert ruled(values, hidden, relations, unknown=patterns) == []


def test_a_partner_found_next_to_a_cell_is_kept_beside_cells_never_published() -> None:
    """``T`` (1) is the sum of two patterns of events, never published, and a month of
    a distinct count ``Y`` (6) beside ``Z`` (5). The partner next to it is ``Z`` (at 2
    while ``T`` is 4); beyond the patterns lies nothing that could be one. The search
    beyond them runs only where none is found next to the cell: run anyway, it lost
    ``Z`` and left ``T`` alone in its block, 1 or 2 to the attacker who knows that
    every block holds a primary cell (a mutant of ``_Search._explain``)."""
    values = {"T": 1, "Pt": 1, "Pb": 0, "Z": 5, "Y": 6}
    relations: list[Relation] = [("T", ["Pt", "Pb"], True), ("Y", ["T", "Z"], False)]
    patterns = {"Pt", "Pb"}
    result = protect(values, relations, DisclosureControl(), free=patterns)
    hidden = set(result.suppressed)
    assert hidden == {"T", "Z"}
    assert not [c for c, _ in exposed(values, hidden | patterns, relations) if c in hidden]
    assert ruled(values, hidden, relations, unknown=patterns) == []


def _beside_pinned_cells(
    partner: int, pinned: int, count: int = 8
) -> tuple[dict[Any, int], list[Relation], set[Any]]:
    """A distinct count ``year`` over the primary 1 ``a``, a cell ``p`` of
    *partner* and *count* cells of *pinned*, each the part of a sum whose total and
    other part the attacker knows (``known``): they cannot move, so none can be the
    1's partner; ``p`` can (the 1 at 3 or more with ``p`` at 1 or 2)."""
    values: dict[Any, int] = {"a": 1, "p": partner}
    relations: list[Relation] = []
    known: set[Any] = set()
    pins = [f"d{i}" for i in range(count)]
    for d in pins:
        values[d], values[f"K{d}"], values[f"w{d}"] = pinned, pinned + 7, 7
        known |= {f"K{d}", f"w{d}"}
        relations.append((f"K{d}", [d, f"w{d}"], True))
    values["year"] = sum(values[c] for c in ["a", "p", *pins])
    relations.append(("year", ["a", "p", *pins], False))
    return values, relations, known


@pytest.mark.parametrize(("partner", "pinned"), [(3, 0), (0, 5)])
def test_the_likeliest_partners_are_tried_first(partner: int, pinned: int) -> None:
    """The partner search tries the cells nearest to 1 … threshold − 1 first (eight
    of them, ``EXPLAIN_TRIES``): a 3 before zeros, a zero before 5s. Beside eight
    cells that cannot move, the one that can is among the eight tried, and becomes
    the 1's partner. (Found by mutants of the order of ``_Search._explain``: the
    constant ``threshold − 1`` changed, or the distance turned into a sum: the eight
    pinned cells came first and the 1 stayed alone in its block.)"""
    values, relations, known = _beside_pinned_cells(partner, pinned)
    result = protect(values, relations, DisclosureControl(), known=known)
    hidden = set(result.suppressed)
    assert hidden == {"a", "p"}
    assert not exposed(values, hidden, relations)
    assert ruled(values, hidden, relations) == []


def test_the_cells_next_to_a_primary_cell_are_tried_first() -> None:
    """The partner search tries the cells that share a relation with the primary cell
    (and those of its block) before any further off: the 5 beside the 1 of a distinct
    count is its partner, though eight zeros two relations away (parts, with the
    count, of a larger one; each pinned by cells the attacker knows) are likelier
    ones. (Found by a mutant of ``_Search._explain`` that searched within two
    relations at once: the eight zeros were tried, and the 1 stayed alone.)"""
    values: dict[Any, int] = {"a": 1, "c": 5, "year": 6, "all": 6}
    pins = [f"d{i}" for i in range(8)]
    relations: list[Relation] = [("year", ["a", "c"], False), ("all", ["year", *pins], False)]
    known: set[Any] = set()
    for d in pins:
        values[d], values[f"K{d}"], values[f"w{d}"] = 0, 7, 7
        known |= {f"K{d}", f"w{d}"}
        relations.append((f"K{d}", [d, f"w{d}"], True))
    result = protect(values, relations, DisclosureControl(), known=known)
    hidden = set(result.suppressed)
    assert hidden == {"a", "c"}
    assert not exposed(values, hidden, relations)
    assert ruled(values, hidden, relations) == []


def test_beyond_cells_never_published_the_cells_next_to_them_are_tried_first() -> None:
    """As in the family of events above (``E`` = 4 now), with ``L`` also a part, beside
    eight 3s that cells known to the attacker pin, of a larger distinct count: beyond
    the patterns the search tries the cells that share a relation with them, and
    ``E`` (at 2 while ``T`` is 3) is the partner, though the 3s further off are
    likelier ones. (Found by a mutant of ``_Search._explain`` that looked two
    relations beyond the patterns: the eight 3s were tried, and ``T`` stayed alone.)"""
    values: dict[Any, int] = {"T": 1, "E": 4, "L": 5, "Pt": 1, "Pe": 4, "Pb": 0, "all": 29}
    pins = [f"d{i}" for i in range(8)]
    relations: list[Relation] = [
        ("T", ["Pt", "Pb"], True),
        ("E", ["Pe", "Pb"], True),
        ("L", ["Pt", "Pe", "Pb"], True),
        ("all", ["L", *pins], False),
    ]
    known: set[Any] = set()
    for d in pins:
        values[d], values[f"K{d}"], values[f"w{d}"] = 3, 10, 7
        known |= {f"K{d}", f"w{d}"}
        relations.append((f"K{d}", [d, f"w{d}"], True))
    patterns = {"Pt", "Pe", "Pb"}
    result = protect(values, relations, DisclosureControl(), free=patterns, known=known)
    hidden = set(result.suppressed)
    assert hidden == {"T", "E"}
    assert not [c for c, _ in exposed(values, hidden | patterns, relations) if c in hidden]
    assert ruled(values, hidden, relations, unknown=patterns) == []


def test_a_partner_behind_eight_likelier_cells_is_found() -> None:
    """Eight zeros that the attacker's knowledge pins, and a 5 beside the 1: the zeros
    are likelier partners (nearer to 1 … threshold − 1), all eight fail, the 5 is never
    tried, and the 1 was suppressed alone — 1 or 2 to the attacker who knows that every
    block holds a primary cell. The search goes on past the first ``EXPLAIN_TRIES``
    until a group of them gives a witness."""
    values, relations, known = _beside_pinned_cells(5, 0)
    result = protect(values, relations, DisclosureControl(), known=known)
    hidden = set(result.suppressed)
    assert ruled(values, hidden, relations) == []


def test_a_partner_is_searched_within_two_relations_in_a_large_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 1 of a distinct count beside a 5 (as above), the 5 also a part of a sum
    ``u = c + v``, ``v`` of ``s = v + w``: the 5 falls to 2 only where ``u`` or ``v``
    moves too, two relations from the 1. In a block of more than ``PRUNE_BLOCK``
    linked cells the partner search looks within two relations of the primary cell
    (lowered here to 2: within one relation the 5 cannot move, and the 1 stayed alone
    in its block); in a block of exactly ``PRUNE_BLOCK`` cells it looks at all of them
    — with ``u`` known to the attacker, ``v`` must move and ``w`` or ``s`` with it,
    three relations away. (Found by mutants of ``_Search._explain``: one relation
    instead of two, and ``>=`` for ``>``.)"""
    from kommunale_integration._engine import _protection

    values = {"a": 1, "c": 5, "year": 6, "u": 12, "v": 7, "s": 14, "w": 7}
    relations: list[Relation] = [
        ("year", ["a", "c"], False),
        ("u", ["c", "v"], True),
        ("s", ["v", "w"], True),
    ]
    for block, known in ((2, set()), (6, {"u"})):  # (6: every linked cell but u)
        monkeypatch.setattr(_protection, "PRUNE_BLOCK", block)
        result = protect(values, relations, DisclosureControl(), known=known)
        hidden = set(result.suppressed)
        assert {"a", "c"} <= hidden
        assert not exposed(values, hidden, relations)
        assert ruled(values, hidden, relations) == []


@given(cubes())
def test_protect_three_way_tables(cube: tuple[dict[Any, int], list[Relation]]) -> None:
    values, relations = cube
    result = protect(values, relations, DisclosureControl())
    hidden = set(result.suppressed)
    assert {c for c, v in values.items() if 0 < v < THRESHOLD} <= hidden
    assert not exposed(values, hidden, relations)


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[dict[Any, int], list[Relation]]:
    """Territory × sex with districts and ``all`` (the table of issue 13, small), many
    small counts: secondary suppression and its pruning pass have work to do."""
    n_districts = draw(st.integers(1, 2))
    sexes = ["f", "m", "d"][: draw(st.integers(2, 3))]
    small = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 7, 12])
    kids = {
        f"D{d}": [f"D{d}M{m}" for m in range(draw(st.integers(2, 3)))] for d in range(n_districts)
    }
    values: dict[Any, int] = {}
    for munis in kids.values():
        for m in munis:
            for sex in sexes:
                values[(m, sex)] = draw(small)
    kids["all"] = sorted(k for k in kids if k != "all")
    relations: list[Relation] = []
    for parent in sorted(kids, key=lambda k: k == "all"):
        for sex in sexes:
            values[(parent, sex)] = sum(values[(k, sex)] for k in kids[parent])
            relations.append(((parent, sex), [(k, sex) for k in kids[parent]], True))
    for t in {t for t, _ in values}:
        values[(t, "_T")] = sum(values[(t, sex)] for sex in sexes)
        relations.append(((t, "_T"), [(t, sex) for sex in sexes], True))
    for parent, children in kids.items():
        relations.append(((parent, "_T"), [(k, "_T") for k in children], True))
    return values, relations


def ruled(
    values: dict[Any, int],
    hidden: set[Any],
    relations: list[Relation],
    unknown: Collection[Any] = (),
) -> list[Any]:
    """The primary cells that the attacker who knows that nothing is suppressed
    without a primary cell (``release_attacker.ENGINE_RULE``) bounds below 3, and
    the cells of blocks without a primary cell (*unknown*: cells never published,
    unknowns without a verdict of their own)."""
    from release_attacker import attack_suppression

    cells = {
        c: (None, "suppressed") if c in hidden or c in unknown else (float(v), "ok")
        for c, v in values.items()
    }
    found = [
        (t, list(ps), True if len(r) < 3 else bool(r[2])) for r in relations for t, ps in [r[:2]]
    ]
    truth = {c: float(v) for c, v in values.items()}
    verdicts = attack_suppression(
        cells, found, THRESHOLD, 0.0, table=truth, unknown=unknown, rule=True
    )
    return sorted((c for c, v in verdicts.items() if v.ruled or v.unexplained), key=repr)


@settings(max_examples=25)
@given(hierarchies())
def test_every_secondary_cell_is_needed(table: tuple[dict[Any, int], list[Relation]]) -> None:
    """The attacker finds nothing; and publishing any one secondary cell of the
    pruning pass again would let him find something (it leaves no unneeded cell).
    The partners of the last step (``_Search.explain``) come after it and are not
    pruned: a cell taken there may be needed only with another (a zero beside a
    zero), so the pattern is checked without that step, and with it against both
    attackers (``docs/data-protection.rst``, "A partner that may be small")."""
    from unittest import mock

    from kommunale_integration._engine import _protection

    values, relations = table
    result = protect(values, relations, DisclosureControl())
    hidden = set(result.suppressed)
    assert not exposed(values, hidden, relations)
    assert not ruled(values, hidden, relations)
    with mock.patch.object(_protection._Search, "explain", return_value=[]):
        pruned = set(protect(values, relations, DisclosureControl()).suppressed)
    assert pruned <= hidden
    for cell in sorted(pruned - set(result.primary), key=repr):
        assert exposed(values, pruned - {cell}, relations), cell


# --------------------------------------------------------------------------- the rules


def test_threshold_boundary() -> None:
    """A count equal to the threshold is published, one below is not (cells of no
    relation: without secondary suppression, which suppresses such a cell up to the
    threshold, ``test_a_cell_of_no_relation_is_suppressed_up_to_the_threshold``)."""
    values = {"a": 3, "b": 2, "c": 4, "d": 1, "e": 0}
    alone = DisclosureControl(secondary=False)
    result = protect(values, [], alone)
    assert result.suppressed == {"b", "d"} == result.primary
    assert result.published["a"] == 3
    assert protect(values, [], DisclosureControl()).primary == {"b", "d"}
    five = protect(values, [], DisclosureControl(threshold=5, secondary=False))
    assert five.suppressed == {"a", "b", "c", "d"}
    assert protect(values, [], DisclosureControl(threshold=0)).suppressed == frozenset()


def test_threshold_boundary_in_the_engine() -> None:
    """A count equal to the threshold is published, one below is not — beside a
    second municipality of the Kreis. Alone in its Kreis (one value with the Kreis and
    ``all``: a closed chain, ``docs/data-protection.rst``) the municipality's 3 is
    suppressed too, so that its ``*`` does not say "1 or 2"."""

    def table(n: int, others: int = 5) -> Any:
        cases = [("05558004", str(i)) for i in range(n)]
        cases += [("05558008", f"o{i}") for i in range(others)]
        data = CaseData.from_records(
            [{"case_id": c, "municipality": m, "opened": "2025-01-01"} for m, c in cases]
        )
        return compute_indicators(cases=data, periods=["2025"], indicators=["active_cases"])

    three = table(3).get("active_cases", "2025", "05558004")
    assert three is not None
    assert three.status is ObservationStatus.OK
    assert three.value == 3
    two = table(2).get("active_cases", "2025", "05558004")
    assert two is not None
    assert two.status is ObservationStatus.SUPPRESSED
    for n, status in ((3, ObservationStatus.SUPPRESSED), (4, ObservationStatus.OK)):
        alone = table(n, others=0).get("active_cases", "2025", "05558004")
        assert alone is not None
        assert alone.status is status


def test_a_cell_among_zeros_takes_its_total_with_it() -> None:
    """And a zero beside them: with the total alone, where ``a`` reached 3 the total
    would too and no suppressed cell would be 1 or 2 — so both are, to an attacker
    who knows that an engine suppresses nothing without a primary cell. With ``b``
    (0, priced as three cells) ``a`` at 3 has ``b`` at 1 beside it."""
    values = {"total": 1, "a": 1, "b": 0, "c": 0}
    result = protect(values, [("total", ["a", "b", "c"])], DisclosureControl())
    assert result.suppressed == {"a", "b", "total"}
    assert result.published["c"] == 0
    assert result.intervals["a"] == (0.0, float("inf"))


def test_a_zero_is_the_cheapest_complement() -> None:
    """Zeros may be secondary cells, and the engine uses them: raising ``a`` by 2
    is balanced by ``b`` and ``c`` and the zero ``d`` (which can only grow); without
    the zero, two totals would have to go, and with each a cell of each of its two
    further breakdowns — more than a zero costs with the witness it needs
    (``ZERO_COST``)."""
    values = {"a": 1, "b": 10, "c": 10, "d": 0, "r1": 11, "r2": 10, "k1": 11, "k2": 10, "t": 21}
    relations: list[Relation] = [
        ("r1", ["a", "b"], True),
        ("r2", ["c", "d"], True),
        ("k1", ["a", "c"], True),
        ("k2", ["b", "d"], True),
        ("t", ["r1", "r2"], True),
        ("t", ["k1", "k2"], True),
    ]
    for total in ("r1", "r2", "k1", "k2", "t"):
        for by in ("x", "y"):  # two further breakdowns of each total
            parts = [f"{total}{by}1", f"{total}{by}2"]
            values[parts[0]], values[parts[1]] = (
                values[total] - values[total] // 2,
                values[total] // 2,
            )
            relations.append((total, parts, True))
    result = protect(values, relations, DisclosureControl())
    assert result.suppressed == {"a", "b", "c", "d"}
    assert result.intervals["d"] == (0.0, 10.0)
    assert result.exposed(THRESHOLD) == []
    assert not exposed(values, set(result.suppressed), relations)


def test_a_zero_costs_more_than_a_published_cell() -> None:
    """A suppressed zero needs a witness of its own (``ZERO_COST``): where a zero and a
    cell of 5 balance the primary cell ``a`` equally well (``d`` and ``d2``, each
    under a column of 5), the 5 is suppressed and the zero stays published."""
    values = {
        "a": 1, "b": 5, "b2": 5, "c": 5, "d": 0, "d2": 5,
        "r1": 11, "r2": 10, "k1": 6, "k2": 5, "k3": 10, "t": 21,
    }  # fmt: skip
    relations: list[Relation] = [
        ("r1", ["a", "b", "b2"], True),
        ("r2", ["c", "d", "d2"], True),
        ("k1", ["a", "c"], True),
        ("k2", ["b", "d"], True),
        ("k3", ["b2", "d2"], True),
        ("t", ["r1", "r2"], True),
        ("t", ["k1", "k2", "k3"], True),
    ]
    result = protect(values, relations, DisclosureControl())
    assert result.suppressed == {"a", "b2", "c", "d2"}
    assert result.published["d"] == 0
    assert result.exposed(THRESHOLD) == []
    assert not exposed(values, set(result.suppressed), relations)


def test_a_headline_total_is_published_where_a_way_around_it_exists() -> None:
    """The total at the top of every breakdown (``HEADLINE_COST``) is suppressed only
    where no witness avoids it at a price of about ten cells: in a district of two
    municipalities by sex, the district's ``u`` (2) rises with ``A``'s (suppressed,
    as ``A``'s total) either through the district total alone or through three cells
    of ``B`` and the district (``m``, ``B``'s ``m`` and total). Priced as any cell,
    the district total was the complement — the number a reader looks for first; now
    the three cells are. (On products, ``dimensions``, the way around is no product
    and the total stays suppressed: the price works where products around it exist,
    as on the Kreis example.)"""
    from kommunale_integration._engine import _protection

    territories, sexes = ["all", "A", "B"], ["_T", "f", "m", "u"]
    values = {("A", "f"): 0, ("A", "m"): 0, ("A", "u"): 2}
    values |= {("B", "f"): 30, ("B", "m"): 30, ("B", "u"): 0}
    for t in territories[1:]:
        values[(t, "_T")] = sum(values[(t, s)] for s in sexes[1:])
    for s in sexes:
        values[("all", s)] = sum(values[(t, s)] for t in territories[1:])
    relations: list[Relation] = [
        (("all", s), [(t, s) for t in territories[1:]], True) for s in sexes
    ] + [((t, "_T"), [(t, s) for s in sexes[1:]], True) for t in territories]
    primary = {c: THRESHOLD for c, v in values.items() if 0 < v < THRESHOLD}
    hidden, _ = _protection.witness_suppression(values, relations, primary, lower=0)
    assert ("all", "_T") not in hidden
    assert len(hidden - set(primary)) == 3  # (not the district total: one cell)
    assert not exposed(values, hidden, relations)


def test_the_audit_finds_what_the_attacker_finds() -> None:
    """Without secondary suppression the audit reports the exposed cells."""
    values = {"total": 8, "a": 4, "b": 1, "c": 1, "d": 1, "e": 1, "u": 5, "v": 4, "w": 1}
    relations = [("total", ["a", "b", "c", "d", "e"]), ("u", ["v", "w"])]
    result = protect(values, relations, DisclosureControl(secondary=False))
    # Havixbeck (issue 13): 8 − 4 = 4 over four suppressed cells, each at least 0 —
    # each could be 4, but not 5; w = 5 − 4 is fixed
    assert result.intervals == {**dict.fromkeys("bcde", (0.0, 4.0)), "w": (1.0, 1.0)}
    assert result.exposed(THRESHOLD) == ["w"]
    two = protect({"t": 5, "a": 3, "b": 1, "c": 1}, [("t", ["a", "b", "c"])], DisclosureControl())
    assert two.exposed(THRESHOLD) == []
    alone = protect(
        {"t": 5, "a": 3, "b": 1, "c": 1},
        [("t", ["a", "b", "c"])],
        DisclosureControl(secondary=False),
    )
    assert alone.intervals == {"b": (0.0, 2.0), "c": (0.0, 2.0)}  # below the threshold
    assert alone.exposed(THRESHOLD) == ["b", "c"]
    protected = protect(values, relations, DisclosureControl())
    assert protected.exposed(THRESHOLD) == []
    assert "v" in protected.suppressed


def test_a_pinned_cell_is_exposed_whatever_its_value() -> None:
    """``Protection.exposed``: a suppressed cell whose smallest and largest value meet
    is exposed at every level — a secondary 5 as well as a primary 1 —, a primary cell
    also when its largest value stays below the level asked for."""
    values = {"t": 9, "a": 1, "b": 3, "c": 5}
    alone = protect(values, [("t", ["a", "b", "c"])], DisclosureControl(secondary=False))
    assert alone.intervals == {"a": (1.0, 1.0)}
    assert alone.exposed(1) == ["a"]  # pinned, though 1 reaches the level 1
    hand = Protection(
        suppressed=frozenset({"a", "b", "s"}),
        rounded=False,
        published={"a": None, "b": None, "s": None},
        primary=frozenset({"a", "b"}),
        intervals={"a": (0.0, 3.0), "b": (0.0, 2.0), "s": (5.0, 5.0)},
    )
    assert hand.exposed(3) == ["b", "s"]
    assert hand.exposed(4) == ["a", "b", "s"]


def test_margin_raises_the_protection_level() -> None:
    values = {"total": 12, "a": 1, "b": 3, "c": 8}
    relations = [("total", ["a", "b", "c"])]
    plain = protect(values, relations, DisclosureControl())
    assert plain.intervals["a"][1] >= 3
    wide = protect(values, relations, DisclosureControl(margin=5))
    assert wide.intervals["a"][1] >= 8
    assert DisclosureControl(margin=5).required == 8


def test_the_default_protection_level_is_the_threshold() -> None:
    """By default a primary cell must only be able to reach the threshold (margin 0):
    two suppressed cells of 2 and 2 that add up to 4 protect each other (one at 3,
    the other at 1); a margin of 1 (reaching 4) needs a third cell — with these two
    alone, one at 4 would leave the other at 0 and no cell of 1 or 2 beside it.
    (Two cells of 1 and 2 that add up to 3 do not protect each other: the one at 3
    leaves the other at 0, and an attacker who knows that an engine suppresses
    nothing without a primary cell knows both are 1 or 2.)"""
    values = {"t": 7, "a": 2, "b": 2, "c": 3}
    relations = [("t", ["a", "b", "c"])]
    assert DisclosureControl().required == THRESHOLD
    plain = protect(values, relations, DisclosureControl())
    assert plain.suppressed == {"a", "b"}
    assert plain.intervals == {"a": (0.0, 4.0), "b": (0.0, 4.0)}
    wider = protect(values, relations, DisclosureControl(margin=1))
    assert wider.suppressed == {"a", "b", "c"}
    three = {"t": 6, "a": 1, "b": 2, "c": 3}
    assert protect(three, relations, DisclosureControl()).suppressed == {"a", "b", "c"}


def test_without_the_audit_the_witnesses_are_the_intervals() -> None:
    """``audit=False``: the intervals of a protection with witnesses are theirs (inner
    bounds, not exact); without witnesses (no secondary suppression) the audit runs
    anyway, so every suppressed cell has its exact interval."""
    values = {"total": 12, "a": 1, "b": 3, "c": 8}
    relations = [("total", ["a", "b", "c"])]
    audited = protect(values, relations, DisclosureControl())
    quick = protect(values, relations, DisclosureControl(), audit=False)
    assert quick.suppressed == audited.suppressed
    assert audited.exact
    assert not quick.exact
    for cell in quick.suppressed:  # the witnesses' values lie within the exact interval
        low, high = quick.intervals[cell]
        assert audited.intervals[cell][0] <= low <= high <= audited.intervals[cell][1]
    alone = protect(values, relations, DisclosureControl(secondary=False), audit=False)
    assert alone.exact
    assert alone.intervals == {"a": (1.0, 1.0)}  # the audit ran: a = 12 − 3 − 8
    assert alone.exposed(THRESHOLD) == ["a"]


def test_products_are_searched_above_product_cells_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table of at most ``PRODUCT_CELLS`` cells is protected by linear programs, a
    larger one by products of its dimensions (when it is one)."""
    from kommunale_integration._engine import _protection, disclosure

    values = {
        (t, s): v
        for (t, s), v in zip(
            [(t, s) for t in ("k", "a", "b") for s in ("_T", "f", "m")],
            [7, 3, 4, 4, 1, 3, 3, 2, 1],
            strict=True,
        )
    }
    groups = [((t, "_T"), [(t, "f"), (t, "m")]) for t in ("k", "a", "b")]
    groups += [(("k", s), [("a", s), ("b", s)]) for s in ("_T", "f", "m")]
    dimensions = [[("k", ["a", "b"])], [("_T", ["f", "m"])]]
    seen: list[Any] = []
    real = _protection.witness_suppression

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["dimensions"])
        return real(*args, **kwargs)

    monkeypatch.setattr(_protection, "witness_suppression", spy)
    for limit, product in ((len(values), False), (len(values) - 1, True)):
        monkeypatch.setattr(disclosure, "PRODUCT_CELLS", limit)
        result = protect(values, groups, DisclosureControl(), dimensions=dimensions)
        assert (seen[-1] is not None) is product
        assert result.exposed(THRESHOLD) == []


def test_distinct_counts_over_time() -> None:
    """A year of distinct cases lies between its largest month and the sum."""
    values = {"year": 2, "m1": 1, "m2": 1, "m3": 0}
    relations: list[Relation] = [("year", ["m1", "m2", "m3"], False)]
    result = protect(values, relations, DisclosureControl())
    assert result.exposed(THRESHOLD) == []
    assert not exposed(values, set(result.suppressed), relations)


def test_rounding_mode() -> None:
    values = {"total": 7, "a": 1, "b": 6}
    rounded = protect(values, [("total", ["a", "b"])], DisclosureControl(mode="round", base=5))
    assert rounded.published == {"total": 5, "a": 0, "b": 5}
    assert rounded.rounded
    assert rounded.intervals == {}
    assert rounded.exact  # nothing suppressed, so no interval inexact
    assert protect(values, [], DisclosureControl(secondary=False)).suppressed == {"a"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"threshold": -1}, "threshold"),
        ({"mode": "blur"}, "mode"),
        ({"base": 3}, "base"),
        ({"margin": -1}, "margin"),
    ],
)
def test_disclosure_control_is_validated(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        DisclosureControl(**kwargs)


def test_indicator_confidentiality_makes_it_stricter() -> None:
    from kommunale_integration import CaseCount, CaseCountKind, Confidentiality, Indicator

    data = CaseData.from_records(
        [{"case_id": str(i), "municipality": "05558004", "opened": "2025-01-01"} for i in range(4)]
    )
    strict = Indicator(
        id="strict",
        name="Streng",
        numerator=CaseCount(count=CaseCountKind.ACTIVE),
        confidentiality=Confidentiality(threshold=5),
    )
    rounded = Indicator(
        id="rounded",
        name="Gerundet",
        numerator=CaseCount(count=CaseCountKind.ACTIVE),
        confidentiality=Confidentiality(rounding=10),
    )
    t = compute_indicators(cases=data, periods=["2025"], indicators=[strict])
    assert t.get("strict", "2025", "all").status is ObservationStatus.SUPPRESSED  # type: ignore[union-attr]
    t = compute_indicators(cases=data, periods=["2025"], indicators=[rounded])
    cell = t.get("rounded", "2025", "all")
    assert cell is not None
    # 4 cases round to 0; the status says that the 0 is a rounded value
    assert cell.value == 0
    assert cell.status is ObservationStatus.ROUNDED
    # one count, one pattern: published together, both show the count rounded (the
    # rule of the strictest — rounding to 10 hides what a threshold of 5 hides)
    t = compute_indicators(cases=data, periods=["2025"], indicators=[strict, rounded])
    for code in ("strict", "rounded"):
        both = t.get(code, "2025", "all")
        assert both is not None
        assert (both.value, both.status) == (0, ObservationStatus.ROUNDED)


def test_same_release_same_pattern() -> None:
    data = CaseData.from_records(
        [
            {
                "case_id": str(i),
                "municipality": MUNICIPALITIES[i % 5],
                "opened": f"2025-{1 + i % 12:02d}-0{1 + i % 7}",
                "sex": "fmd"[i % 3],
            }
            for i in range(24)
        ]
    )
    first = compute_indicators(cases=data, periods=["2025"], by=("sex",), include_subperiods=True)
    again = compute_indicators(cases=data, periods=["2025"], by=("sex",), include_subperiods=True)
    assert first.to_csv() == again.to_csv()


@settings(deadline=None, max_examples=30)
@example(  # 3 of AsylbLG, 1 of SGB II: the whole count hides the 3 with the 1
    cases=[("05558004", 0, "f", "AsylbLG")] * 3 + [("05558004", 0, "f", "SGB II")],
    wanted={"AsylbLG"},
    rounding=False,
)
@given(
    cases=st.lists(
        st.tuples(
            st.sampled_from(["05558004", "05558008", "05566008"]),
            st.integers(0, 300),
            st.sampled_from("fmd"),
            st.sampled_from(["AsylbLG", "SGB II", "AufenthG"]),
        ),
        min_size=1,
        max_size=40,
    ),
    wanted=st.sets(st.sampled_from(["AsylbLG", "SGB II", "AufenthG", "other"]), min_size=1),
    rounding=st.booleans(),
)
def test_a_count_filtered_to_values_of_a_breakdown_is_made_of_the_whole_counts_cells(
    cases: list[tuple[str, int, str, str]], wanted: set[str], rounding: bool
) -> None:
    """A count filtered to values of a breakdown (legal basis in *wanted*, by sex and
    legal basis) shows the cells of the unfiltered count: a cell of a wanted value is
    the unfiltered one, a cell of another value 0, a total over the legal basis the
    sum over the wanted values (suppressed when one of them is) — in the protected
    table and, counted on its own, in the internal one."""
    from kommunale_integration import CaseCount, CaseCountKind, CaseFilter, Indicator

    data = CaseData.from_records(
        [
            {
                "case_id": str(i),
                "municipality": ags,
                "opened": str(date(2025, 1, 1) + timedelta(days=day)),
                "sex": sex,
                "legal_basis": basis,
            }
            for i, (ags, day, sex, basis) in enumerate(cases)
        ]
    )
    whole = Indicator(id="whole", name="Alle", numerator=CaseCount(count=CaseCountKind.NEW))
    part = Indicator(
        id="part",
        name="Teil",
        numerator=CaseCount(
            count=CaseCountKind.NEW,
            filters=(CaseFilter(attribute="legal_basis", values=tuple(sorted(wanted))),),
        ),
    )
    control = DisclosureControl(mode="round", base=5) if rounding else DisclosureControl()
    for disclosure in (control, None):
        table = compute_indicators(
            cases=data,
            periods=["2025-Q1"],
            include_subperiods=True,
            by=["sex", "legal_basis"],
            indicators=[whole, part],
            disclosure=disclosure,
        )
        cells = {(r.indicator, str(r.period), r.territory, r.dims): r for r in table.rows}
        for (code, period, territory, dims), row in cells.items():
            if code != "part":
                continue
            basis = dict(dims)["legal_basis"]
            values = sorted(wanted & set(data.dimensions["legal_basis"][1]))
            sources = [basis] if basis in wanted else values if basis == "_T" else []
            parts = [
                cells[("whole", period, territory, (dims[0], ("legal_basis", v)))] for v in sources
            ]
            if any(p.value is None for p in parts):
                assert row.value is None
                assert row.status is ObservationStatus.SUPPRESSED
            else:
                assert row.value == sum(p.value for p in parts if p.value is not None)


def test_a_free_cell_is_never_published_and_balances_a_witness_at_no_cost() -> None:
    """``protect(..., free=...)``: a cell the attacker does not know (the cases open at
    a period's start, beside new and active cases) is suppressed from the start, is
    not listed as suppressed nor audited, and a witness may move it for nothing: the
    1 hides behind it, and its total stays published."""
    values = {"T": 10, "a": 1, "u": 9}
    groups = [("T", ["a", "u"])]
    control = DisclosureControl()
    protection = protect(values, groups, control, free=["u"])
    assert protection.suppressed == {"a"}
    assert protection.published == {"T": 10, "a": None, "u": None}
    assert set(protection.intervals) == {"a"}
    assert protection.intervals["a"] == (0, 10)
    assert protection.exact  # every suppressed cell audited; the free one is none
    assert protection.exposed(control.required) == []
    # a cell the attacker knows must itself be suppressed to hide the 1
    known = protect(values, groups, control)
    assert known.suppressed == {"a", "u"}
    # a free cell is never primary, whatever its value
    small = protect({"T": 11, "a": 9, "u": 2}, groups, control, free=["u"])
    assert small.suppressed == frozenset()
    assert small.primary == frozenset()


@pytest.mark.parametrize("products", [False, True])
def test_a_cell_the_attacker_knows_is_never_suppressed_nor_moved(
    monkeypatch: pytest.MonkeyPatch, products: bool
) -> None:
    """A cell of ``known`` (the cases open where a release ends, which the next release
    tells: ``compute._joint_table``) is a constant for the witnesses and the audit:
    never primary, never suppressed. Two municipalities by sex, the women of ``a``
    primary (1): the cheapest witness moves the rectangle with ``b``'s cells; with
    ``b``'s cells known it must move the totals instead, and the audit takes ``b``'s
    values as given. By linear programs and by products (``PRODUCT_CELLS`` lowered)."""
    from kommunale_integration._engine import disclosure

    inner = {("a", "f"): 1, ("a", "m"): 4, ("b", "f"): 5, ("b", "m"): 6}
    values = dict(inner)
    for s in ("f", "m"):
        values[("k", s)] = inner[("a", s)] + inner[("b", s)]
    for t in ("a", "b", "k"):
        values[(t, "_T")] = values[(t, "f")] + values[(t, "m")]
    groups = [((t, "_T"), [(t, "f"), (t, "m")]) for t in ("k", "a", "b")]
    groups += [(("k", s), [("a", s), ("b", s)]) for s in ("_T", "f", "m")]
    dimensions = [[("k", ["a", "b"])], [("_T", ["f", "m"])]]
    if products:
        monkeypatch.setattr(disclosure, "PRODUCT_CELLS", 0)
    known = {("b", "f"), ("b", "m"), ("b", "_T")}
    alone = protect(values, groups, DisclosureControl(), dimensions=dimensions)
    assert alone.suppressed & known
    given = protect(values, groups, DisclosureControl(), dimensions=dimensions, known=known)
    assert given.suppressed == {("a", "f"), ("a", "m"), ("k", "f"), ("k", "m")}
    assert all(given.published[c] == values[c] for c in known)
    assert given.exact
    assert given.exposed(THRESHOLD) == []
    assert given.intervals[("a", "f")] == (0.0, 5.0)  # a's men fall to 0 at most


@settings(deadline=None, max_examples=200)
@given(
    st.data(),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=2),
)
def test_closed_chains_are_the_chains_with_no_crowded_or_known_cell(
    data: st.DataObject, n: int, margin: int
) -> None:
    # the closed-chain rule (disclosure._alone) against a breadth-first search written
    # here: a chain is what relations of a single part tie together; it is closed when
    # no cell of it is in a relation of two or more parts (unless never published) and
    # none is known; its cells from the threshold to the required value are suppressed
    from kommunale_integration._engine.disclosure import _alone

    cells = list(range(n))
    values = {c: data.draw(st.integers(min_value=0, max_value=6)) for c in cells}
    some = st.lists(st.sampled_from(cells), unique=True)
    relations = [
        (total, parts, data.draw(st.booleans()))
        for total, parts in data.draw(
            st.lists(st.tuples(st.sampled_from(cells), some), max_size=10)
        )
        if parts and total not in parts
    ]
    free, known = set(data.draw(some)), set(data.draw(some))
    control = DisclosureControl(margin=margin)
    alone, chained = _alone(values, relations, control, free, known)

    tied = {c: set() for t, ps, _ in relations if len(ps) == 1 for c in (t, ps[0])}
    for t, ps, _ in relations:
        if len(ps) == 1:
            tied[t].add(ps[0])
            tied[ps[0]].add(t)
    crowded = {c for t, ps, _ in relations if len(ps) > 1 for c in (t, *ps)} - free

    def chain_of(c: int) -> set[int]:
        seen, todo = {c}, [c]
        while todo:
            for d in tied.get(todo.pop(), ()):
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        return seen

    expected = {
        c
        for c in cells
        if 3 <= values[c] <= 3 + margin and c not in free and not chain_of(c) & (crowded | known)
    }
    assert alone | chained == expected
    assert chained == expected & tied.keys()
    assert not alone & chained


def test_a_chain_through_a_cell_never_published_stays_closed() -> None:
    # a count (0) equal to the one pattern of events it is in (1), never published,
    # which is the total of two published cells: the chain has no second published
    # value, so its 3 is suppressed; were the pattern published, the chain is not closed
    from kommunale_integration._engine.disclosure import _alone

    values = {0: 3, 1: 3, 2: 1, 3: 2}
    relations = [(0, [1], True), (1, [2, 3], True)]
    assert _alone(values, relations, DisclosureControl(), {1}, ()) == (set(), {0})
    assert _alone(values, relations, DisclosureControl(), (), ()) == (set(), set())
