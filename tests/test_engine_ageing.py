"""The engine's relations over time of the cells of an age group (issue 13).

An age group is the age reached in the year of a period's last day, so a budget year
from April (``HJ2025``, aged in 2026) and its months of 2025 (aged in 2025) put a case
born in 1999 in other groups (27 and 26 years). The engine must not tie the group of
the budget year to the same group of its months; it ties them through the cases that
stay in their group and those that move on to the next (``compute._ageing``), and it
keeps the cases open at a start once per year of the age (``compute._open_starts``).
Every relation it protects with must hold in the true table.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import CaseCount, CaseCountKind, CaseData
from kommunale_integration._engine import compute
from kommunale_integration._periods import fiscal_year_start

AGS = ["05558004", "05558008", "05566012"]
EVENTS = ["a", "b"]


def export(seed: int, n: int) -> CaseData:
    """*n* cases opened from 2024 to 2026, born around the borders of the age groups
    (a case born in 2007 is 17 in 2024 and 18 in 2025), some without a birth year."""
    rng = random.Random(seed)
    rows, ev = [], []
    for i in range(n):
        opened = date(2024, 1, 1).toordinal() + rng.randrange(3 * 365 - 90)
        closed = opened + rng.randrange(400) if rng.random() < 0.5 else None
        born = rng.choice([0, 1960, 1961, 1998, 1999, 2000, 2007, 2008, 2009])
        row: dict[str, Any] = {
            "case_id": f"c{i}",
            "municipality": rng.choice(AGS),
            "opened": date.fromordinal(opened),
            "sex": rng.choice("fm"),
        }
        if closed is not None:
            row["closed"] = date.fromordinal(closed)
        if born:
            row["birth_year"] = born
        rows.append(row)
        for _ in range(rng.randrange(3)):
            day = date.fromordinal(opened + rng.randrange(400))
            ev.append({"case_id": f"c{i}", "event": rng.choice(EVENTS), "date": day})
    return CaseData.from_records(rows, ev)


def tables(
    data: CaseData, periods: list[str], by: list[str], fiscal: int, subperiods: bool
) -> list[tuple[list[Any], list[int], list[Any], int]]:
    """The engine's tables of new and active cases (one table), of a count of events
    alone and of a family of overlapping events, each as its cells, their true values,
    its relations, and where the cells never published begin."""
    with fiscal_year_start(fiscal):
        expanded = compute.expand_periods(periods, subperiods)
    layout = compute._Layout(
        expanded, data.dimensions["municipality"][1], None, compute._dimensions(by, data)
    )
    counts = compute._Counts(data, layout, by)
    new = CaseCount(count=CaseCountKind.NEW)
    active = CaseCount(count=CaseCountKind.ACTIVE)
    found = []
    raws, _, aged = counts._job((new, active))
    found.append((*compute._joint_table(layout, *raws, aged)[:3], 2 * len(raws[0])))
    alone = CaseCount(count=CaseCountKind.EVENTS, events=("a",))
    raws, _, aged = counts._job((alone,))
    cells = layout.cell_list()
    keys: list[Any] = list(cells)
    values, groups = list(raws[0]), list(layout.groups(False))
    compute._with_ageing(layout, (keys, values, groups), [("a", 0, raws[0], False)], aged)
    found.append((keys, values, groups, len(cells)))
    family = (
        CaseCount(count=CaseCountKind.EVENTS, events=("a", "b")),
        alone,
        CaseCount(count=CaseCountKind.EVENTS, events=("b",)),
    )
    counts.family.update(dict.fromkeys(family, family))
    raws, patterns, aged = counts._job(family)
    table = compute._family_table(layout, raws[:3], patterns, raws[3:], aged)
    found.append((*table[:3], 3 * len(cells)))
    return found


def broken(table: tuple[list[Any], list[int], list[Any], int]) -> list[Any]:
    """The relations of *table* that its true values break, and its negative cells."""
    keys, values, groups, _ = table
    assert len(keys) == len(values) == len(set(keys))
    true = dict(zip(keys, values, strict=True))
    found: list[Any] = [k for k, v in true.items() if v < 0]
    for total, parts, exact in groups:
        shown = [true[p] for p in parts]
        if exact and true[total] != sum(shown):
            found.append((total, parts))
        if not exact and not max(shown) <= true[total] <= sum(shown):
            found.append((total, parts))
    return found


CASES = [
    (["HJ2025"], ["age_group"], 4, True),
    (["HJ2025"], ["sex", "age_group"], 7, True),
    (["SJ2025/26"], ["age_group"], 1, True),
    (["2024", "2025", "2026"], ["age_group"], 1, False),
    (["2025"], ["sex", "age_group"], 1, True),
]


@pytest.mark.parametrize(("periods", "by", "fiscal", "subperiods"), CASES)
@given(seed=st.integers(0, 10_000))
def test_every_relation_of_an_age_group_over_time_holds_in_the_true_table(
    periods: list[str], by: list[str], fiscal: int, subperiods: bool, seed: int
) -> None:
    """Random exports of cases born near the borders of the age groups: a budget year
    from April or July, a school year (each with sub-periods aged a year before it)
    and three years one after the other (the cases open at each start aged in two
    years), by age group: every relation of the engine's tables holds between the
    true values, and no cell that it adds is negative."""
    data = export(seed, 60)
    for table in tables(data, periods, by, fiscal, subperiods):
        assert broken(table) == []


def test_the_months_of_a_budget_year_are_tied_to_it_through_the_cases_that_age() -> None:
    """The budget year from April has sub-periods aged a year before it, and the
    engine knows how their cases move on: its cells that are never published hold
    the cases that stay in a group and those that move on to the next, and a case
    moves from a group only to the next one — the other way round (from ``18-26``
    to ``0-17``), or with no ageing at all (the months' cells of a group summing to
    the budget year's), the true table breaks the relations."""
    data = export(3, 200)
    table = tables(data, ["HJ2025"], ["age_group"], 4, True)[0]
    assert broken(table) == []
    heads = {k[0][:2] for k in table[0][table[3] :] if len(k[0]) == 3}
    assert {("new", "stay"), ("new", "move"), ("active", "aged")} <= heads
    moving = [
        v for k, v in zip(table[0], table[1], strict=True) if k[0][1:2] == ("move",) and v > 0
    ]
    assert moving  # (cases move on: the relations without ageing would not hold)
    younger = {after: before for before, after in compute.NEXT_AGE_GROUP.items()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compute, "NEXT_AGE_GROUP", younger)
        assert broken(tables(data, ["HJ2025"], ["age_group"], 4, True)[0])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compute._Layout, "_apart", lambda *args: False)
        assert broken(tables(data, ["HJ2025"], ["age_group"], 4, True)[0])


def test_the_cases_open_at_a_start_are_a_cell_per_year_of_the_age() -> None:
    """Three years one after the other by age group: the cases open on 1 January
    2025 are of the age of 2024 among the active cases of 2024 and of the age of
    2025 for those of 2025. One cell of them for both (the engine before the
    fourteenth session) breaks a relation of the true table."""
    data = export(5, 200)
    assert broken(tables(data, ["2024", "2025", "2026"], ["age_group"], 1, False)[0]) == []
    original = compute._open_starts

    def one_per_day(layout: compute._Layout) -> Any:
        at, layout.age_at = layout.age_at, None  # (as if no cell held an age group)
        try:
            return original(layout)
        finally:
            layout.age_at = at

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compute, "_open_starts", one_per_day)
        found = tables(data, ["2024", "2025", "2026"], ["age_group"], 1, False)[0]
    assert broken(found)


def test_the_cases_open_where_a_release_begins_are_capped_in_each_year_of_the_age() -> None:
    """A budget year from April with its quarters and months by age group begins on
    1 April with cases open aged in 2026 (the budget year) and in 2025 (its first
    quarter and April): the release before bounds both from above (consecutive
    releases, ``docs/data-protection.rst``), so each has a cap known to the
    attacker, at most which it stays; the cases still open after 31 March 2026 are
    known as well. Every relation holds in the true table."""
    data = export(3, 200)
    with fiscal_year_start(4):
        expanded = compute.expand_periods(["HJ2025"], True)
    layout = compute._Layout(
        expanded, data.dimensions["municipality"][1], None, compute._dimensions(["age_group"], data)
    )
    counts = compute._Counts(data, layout, ["age_group"])
    both = (CaseCount(count=CaseCountKind.NEW), CaseCount(count=CaseCountKind.ACTIVE))
    raws, _, aged = counts._job(both)
    keys, values, groups, _, unknown, known = compute._joint_table(layout, *raws, aged)
    assert broken((keys, values, groups, unknown)) == []
    begin = layout.periods[layout.edges()[0][0]].start
    opens = {k[0] for k in keys if k[0][0] == "open" and layout.periods[k[0][1]].start == begin}
    assert len(opens) == 2  # (aged in 2026 and in 2025)
    given_heads = {k[0] for k in known}
    assert {("cap", q) for _, q in opens} | {("next", layout.edges()[1][0])} == given_heads
    capping = {(total[0], parts[0][0]) for total, parts, exact in groups if not exact}
    assert {(("cap", q), ("open", q)) for _, q in opens} <= capping
