"""Disclosure control: the attacker may use every published cell and every relation."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    CaseData,
    DisclosureControl,
    InvalidValueError,
    ObservationStatus,
    compute_indicators,
)
from kommunale_integration._engine import determined_cells, protect

COUNTS = (
    "active_cases",
    "new_cases",
    "language_course_starts",
    "language_course_completions",
    "placements",
)
MUNICIPALITIES = ("05558004", "05558008", "05558012", "05566008", "05566012")
EVENT_NAMES = ("language_course_started", "language_course_completed", "employment_started")


# --------------------------------------------------------------------------- attackers


def propagate(
    relations: Sequence[tuple[Hashable, Sequence[Hashable]]],
    known: dict[Hashable, int],
    hidden: set[Hashable],
) -> set[Hashable]:
    """Differencing: while a relation has exactly one unknown cell, solve for it."""
    known = dict(known)
    unknown = set(hidden)
    derived: set[Hashable] = set()
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            missing = [c for c in (total, *parts) if c in unknown]
            if len(missing) != 1:
                continue
            (cell,) = missing
            if cell == total:
                known[cell] = sum(known[p] for p in parts)
            else:
                known[cell] = known[total] - sum(known[p] for p in parts if p != cell)
            unknown.discard(cell)
            derived.add(cell)
            changed = True
    return derived


def solvable(
    relations: Sequence[tuple[Hashable, Sequence[Hashable]]], hidden: set[Hashable]
) -> set[Hashable]:
    """Exact linear algebra over the rationals: which hidden cells are fixed?"""
    # split into independent systems (cells linked through relations)
    parent: dict[Hashable, Hashable] = {c: c for c in hidden}

    def find(c: Hashable) -> Hashable:
        while parent[c] != c:
            c = parent[c]
        return c

    for total, parts in relations:
        linked = [c for c in (total, *parts) if c in hidden]
        for other in linked[1:]:
            parent[find(other)] = find(linked[0])
    components: dict[Hashable, set[Hashable]] = {}
    for c in hidden:
        components.setdefault(find(c), set()).add(c)
    fixed: set[Hashable] = set()
    for members in components.values():
        own = [r for r in relations if any(c in members for c in (r[0], *r[1]))]
        fixed |= _solve(own, members)
    return fixed


def _solve(
    relations: Sequence[tuple[Hashable, Sequence[Hashable]]], hidden: set[Hashable]
) -> set[Hashable]:
    cells = sorted(hidden, key=repr)
    index = {c: i for i, c in enumerate(cells)}
    rows: list[list[Fraction]] = []
    for total, parts in relations:
        row = [Fraction(0)] * len(cells)
        if total in index:
            row[index[total]] += 1
        for part in parts:
            if part in index:
                row[index[part]] -= 1
        if any(row):
            rows.append(row)
    # reduced row echelon form
    pivots: list[int] = []
    r = 0
    for col in range(len(cells)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][col]
        rows[r] = [x / lead for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(col)
        r += 1
    fixed = set()
    for i, col in enumerate(pivots):
        if sum(1 for x in rows[i] if x != 0) == 1:
            fixed.add(cells[col])
    return fixed


# --------------------------------------------------------------------------- tables


def relations_of(table: Any, indicator: str, with_time: bool) -> list[Any]:
    """Every linear relation between the cells of one count indicator in *table*."""
    rows = [r for r in table.rows if r.indicator == indicator]
    periods = {str(r.period): r.period for r in rows}
    territories = {r.territory for r in rows}
    sexes = sorted({r.dim("sex") for r in rows} - {"_T"})
    relations = []
    for p in periods:
        for sex in [*sexes, "_T"]:
            for parent in territories:
                if parent == "all":
                    kids = [t for t in territories if len(t) == 5]
                elif len(parent) == 5:
                    kids = [t for t in territories if len(t) == 8 and t.startswith(parent)]
                else:
                    continue
                relations.append(((p, parent, sex), [(p, k, sex) for k in kids]))
        for t in territories:
            relations.append(((p, t, "_T"), [(p, t, s) for s in sexes]))
    if with_time:
        for p, period in periods.items():
            for kind in ("quarter", "month"):
                try:
                    subs = [str(s) for s in period.split(kind)]
                except ValueError:
                    continue
                if len(subs) < 2 or any(s not in periods for s in subs):
                    continue
                for t in territories:
                    for sex in [*sexes, "_T"]:
                        relations.append(((p, t, sex), [(s, t, sex) for s in subs]))
    return relations


@st.composite
def exports(draw: st.DrawFn) -> CaseData:
    n = draw(st.integers(min_value=1, max_value=40))
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
        for _ in range(draw(st.integers(0, 30)))
    ]
    return CaseData.from_records(cases, events)


def check_table(data: CaseData, periods: list[str], subperiods: bool) -> None:
    true = compute_indicators(
        cases=data, periods=periods, by=("sex",), disclosure=None, include_subperiods=subperiods
    )
    safe = compute_indicators(
        cases=data, periods=periods, by=("sex",), include_subperiods=subperiods
    )
    assert len(true) == len(safe)
    for indicator in COUNTS:
        values = {
            (str(r.period), r.territory, r.dim("sex")): int(r.value)  # type: ignore[arg-type]
            for r in true.rows
            if r.indicator == indicator
        }
        published: dict[Hashable, int] = {}
        hidden: set[Hashable] = set()
        for r in safe.rows:
            if r.indicator != indicator:
                continue
            key = (str(r.period), r.territory, r.dim("sex"))
            if r.status is ObservationStatus.SUPPRESSED:
                assert r.value is None
                hidden.add(key)
            else:
                assert r.status is ObservationStatus.OK
                assert r.value == values[key]
                published[key] = int(r.value)
        # primary suppression: every 1 and 2 is hidden, zeros are published
        for key, v in values.items():
            if v in (1, 2):
                assert key in hidden, key
            if v == 0:
                assert key in published, key
        # differencing along every relation, including year = sum of quarters/months for
        # new cases (they add up over time) ...
        relations = relations_of(true, indicator, with_time=indicator == "new_cases")
        assert not propagate(relations, published, hidden), indicator
        # ... and any linear combination of the relations within a period
        within = relations_of(true, indicator, with_time=False)
        assert not solvable(within, hidden), indicator
    # a rate is suppressed when its numerator or denominator is
    for r in safe.rows:
        if r.indicator != "placement_rate":
            continue
        num = safe.get("placements", r.period, r.territory, sex=r.dim("sex"))
        den = safe.get("active_cases", r.period, r.territory, sex=r.dim("sex"))
        assert num is not None
        assert den is not None
        hidden_parts = ObservationStatus.SUPPRESSED in (num.status, den.status)
        assert (r.status is ObservationStatus.SUPPRESSED) == hidden_parts


@given(exports())
def test_no_suppressed_cell_can_be_recovered(data: CaseData) -> None:
    check_table(data, ["2025"], subperiods=False)


@given(exports())
def test_no_suppressed_cell_can_be_recovered_across_quarters(data: CaseData) -> None:
    check_table(data, ["2025-Q1", "2025-Q2"], subperiods=True)


# --------------------------------------------------------------------------- protect()


@st.composite
def grids(draw: st.DrawFn) -> tuple[dict[Any, int], list[Any]]:
    """A two-way table with row, column and grand totals and many small cells."""
    n_rows = draw(st.integers(2, 5))
    n_cols = draw(st.integers(2, 5))
    inner = {
        (i, j): draw(st.sampled_from([0, 1, 2, 3, 4, 5, 8, 20]))
        for i in range(n_rows)
        for j in range(n_cols)
    }
    values: dict[Any, int] = dict(inner)
    for i in range(n_rows):
        values[(i, "T")] = sum(inner[(i, j)] for j in range(n_cols))
    for j in range(n_cols):
        values[("T", j)] = sum(inner[(i, j)] for i in range(n_rows))
    values[("T", "T")] = sum(inner.values())
    groups: list[Any] = []
    for i in [*range(n_rows), "T"]:
        groups.append(((i, "T"), [(i, j) for j in range(n_cols)]))
    for j in [*range(n_cols), "T"]:
        groups.append((("T", j), [(i, j) for i in range(n_rows)]))
    return values, groups


@given(grids())
def test_protect_two_way_tables(grid: tuple[dict[Any, int], list[Any]]) -> None:
    values, groups = grid
    result = protect(values, groups, DisclosureControl())
    hidden = set(result.suppressed)
    assert all(values[c] > 0 for c in hidden)
    assert {c for c, v in values.items() if 0 < v < 3} <= hidden
    known = {c: v for c, v in values.items() if c not in hidden}
    assert not propagate(groups, known, hidden)
    assert not solvable(groups, hidden)


def test_determined_cells_finds_a_bridge() -> None:
    """Two hidden rectangles joined by one hidden cell: that cell is recoverable."""
    hidden: set[Hashable] = {
        (0, 0), (0, 1), (1, 0), (1, 1),  # rectangle A
        (2, 2), (2, 3), (3, 2), (3, 3),  # rectangle B
        (1, 2),  # the bridge
    }  # fmt: skip
    groups: list[tuple[Hashable, list[Hashable]]] = []
    for i in range(4):
        groups.append(((i, "T"), [(i, j) for j in range(4)]))
    for j in range(4):
        groups.append((("T", j), [(i, j) for i in range(4)]))
    assert determined_cells(groups, hidden) == {(1, 2)}
    assert solvable(groups, hidden) == {(1, 2)}


def test_single_hidden_cell_among_zeros_takes_its_total() -> None:
    values = {"total": 1, "a": 1, "b": 0, "c": 0}
    result = protect(values, [("total", ["a", "b", "c"])], DisclosureControl())
    assert result.suppressed == {"a", "total"}
    assert result.published["b"] == 0


def test_secondary_off_and_thresholds() -> None:
    values = {"total": 7, "a": 1, "b": 6}
    groups = [("total", ["a", "b"])]
    assert protect(values, groups, DisclosureControl(secondary=False)).suppressed == {"a"}
    assert protect(values, groups, DisclosureControl()).suppressed == {"a", "b"}
    assert protect(values, groups, DisclosureControl(threshold=0)).suppressed == frozenset()
    rounded = protect(values, groups, DisclosureControl(mode="round", base=5))
    assert rounded.published == {"total": 5, "a": 0, "b": 5}
    assert rounded.rounded


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"threshold": -1}, "threshold"), ({"mode": "blur"}, "mode"), ({"base": 3}, "base")],
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
    t = compute_indicators(cases=data, periods=["2025"], indicators=[strict, rounded])
    assert t.get("strict", "2025", "all").status is ObservationStatus.SUPPRESSED  # type: ignore[union-attr]
    cell = t.get("rounded", "2025", "all")
    assert cell is not None
    # 4 cases round to 0; the status says that the 0 is a rounded value
    assert cell.value == 0
    assert cell.status is ObservationStatus.ROUNDED


@st.composite
def cubes(draw: st.DrawFn) -> tuple[dict[Any, int], list[Any]]:
    """A three-way table with every margin (like territory × sex × legal basis)."""
    sizes = [draw(st.integers(2, 3)) for _ in range(3)]
    inner = {
        (i, j, k): draw(st.sampled_from([0, 0, 1, 2, 3, 6, 15]))
        for i in range(sizes[0])
        for j in range(sizes[1])
        for k in range(sizes[2])
    }
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
    groups: list[Any] = []
    for cell in values:
        for axis in range(3):
            if cell[axis] != "T":
                continue
            parts = [(*cell[:axis], x, *cell[axis + 1 :]) for x in range(sizes[axis])]
            groups.append((cell, parts))
    return values, groups


@given(cubes())
def test_protect_three_way_tables(cube: tuple[dict[Any, int], list[Any]]) -> None:
    values, groups = cube
    result = protect(values, groups, DisclosureControl())
    hidden = set(result.suppressed)
    assert {c for c, v in values.items() if 0 < v < 3} <= hidden
    assert all(values[c] > 0 for c in hidden)
    known = {c: v for c, v in values.items() if c not in hidden}
    assert not propagate(groups, known, hidden)
    assert not solvable(groups, hidden)
