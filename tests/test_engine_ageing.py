"""One age year per reporting period ("Stichjahr", issue 13, fifteenth session).

An age group is the age reached in a year (the export has only the year of birth).
The periods of one release that overlap, directly or through others — a year with its
quarters and months, a school or budget year with its months — take one year: that
of the latest last day among them (``compute.age_years``). So a school year's
September counts a case in the group the school year does, the engine's relations
between a period and its sub-periods are those of any other breakdown, and they hold
in the true table. Periods that overlap none of the others keep their own year (2024
and 2025, each with its quarters and months); between them only the cases open on
the day one ends and the next begins link the two ages (``compute._open_starts``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    CaseCount,
    CaseCountKind,
    CaseData,
    CaseFilter,
    Indicator,
    compute_indicators,
)
from kommunale_integration._engine import compute
from kommunale_integration._periods import ReportPeriod, fiscal_year_start

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


Table = tuple[list[Any], list[int], list[Any], int]


def joint(
    data: CaseData,
    periods: list[str],
    by: list[str],
    fiscal: int,
    subperiods: bool,
    shown: list[str] | None = None,
) -> tuple[compute._Layout, compute._Counts, list[Sequence[int]]]:
    """The layout of *periods* (with their sub-periods when *subperiods*) by *by*,
    its counts, and the values of the one table of new and active cases."""
    with fiscal_year_start(fiscal):
        expanded = compute.expand_periods(periods, subperiods)
    layout = compute._Layout(
        expanded,
        data.dimensions["municipality"][1],
        None,
        compute._dimensions(by, data),
        shown=shown,
    )
    counts = compute._Counts(data, layout, by)
    both = (CaseCount(count=CaseCountKind.NEW), CaseCount(count=CaseCountKind.ACTIVE))
    raws, _ = counts._job(both)
    return layout, counts, raws


def tables(
    data: CaseData,
    periods: list[str],
    by: list[str],
    fiscal: int,
    subperiods: bool,
    shown: list[str] | None = None,
) -> list[Table]:
    """The engine's tables of new and active cases (one table), of a count of events
    alone and of a family of overlapping events, each as its cells, their true values,
    its relations, and where the cells never published begin. *shown*: the published
    breakdowns (the others hidden, as for a count filtered on them)."""
    layout, counts, raws = joint(data, periods, by, fiscal, subperiods, shown)
    found: list[Table] = []
    found.append((*compute._joint_table(layout, *raws)[:3], 2 * len(raws[0])))
    alone = CaseCount(count=CaseCountKind.EVENTS, events=("a",))
    raws, _ = counts._job((alone,))
    cells = layout.cell_list()
    found.append((list(cells), list(raws[0]), list(layout.groups(False)), len(cells)))
    family = (
        CaseCount(count=CaseCountKind.EVENTS, events=("a", "b")),
        alone,
        CaseCount(count=CaseCountKind.EVENTS, events=("b",)),
    )
    counts.family.update(dict.fromkeys(family, family))
    raws, patterns = counts._job(family)
    table = compute._family_table(layout, raws[:3], patterns, raws[3:])
    found.append((*table[:3], 3 * len(cells)))
    return found


def broken(table: Table) -> list[Any]:
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


TOPS = ["2024", "2025", "2025-H2", "2025-Q4", "2026-Q1", "SJ2024/25", "SJ2025/26", "HJ2025"]
"""Periods of a release: years, a half year, quarters, school and budget years."""


@st.composite
def releases(draw: st.DrawFn) -> tuple[list[str], list[str], list[str] | None, int, bool]:
    """A release: one to three periods (consecutive years, a school or budget year,
    overlapping ones), by age group alone, with sex, or with the age group hidden
    (a count filtered on it), a budget year from January, April or July, with or
    without the sub-periods."""
    periods = draw(st.lists(st.sampled_from(TOPS), min_size=1, max_size=3, unique=True))
    by, shown = draw(
        st.sampled_from(
            [(["age_group"], None), (["sex", "age_group"], None), (["sex", "age_group"], ["sex"])]
        )
    )
    return periods, by, shown, draw(st.sampled_from([1, 4, 7])), draw(st.booleans())


@given(release=releases(), seed=st.integers(0, 10_000))
def test_every_relation_of_the_engine_holds_in_the_true_table(
    release: tuple[list[str], list[str], list[str] | None, int, bool], seed: int
) -> None:
    """Random exports of cases born near the borders of the age groups and random
    releases by age group: every relation of the engine's tables (new and active
    cases, a count of events, a family of overlapping events) holds between the true
    values, and no cell that it adds is negative."""
    periods, by, shown, fiscal, subperiods = release
    data = export(seed, 60)
    for table in tables(data, periods, by, fiscal, subperiods, shown):
        assert broken(table) == []


CASES = [(["SJ2025/26"], 1), (["HJ2025"], 4), (["HJ2025"], 7), (["2024-07-01/2025-06-30"], 1)]


@pytest.mark.parametrize(("periods", "fiscal"), CASES)
def test_a_year_apart_for_its_sub_periods_breaks_the_true_table(
    periods: list[str], fiscal: int
) -> None:
    """The rule matters: with each period aged in the year of its own last day (the
    engine before the fifteenth session), a school year or a budget year from April
    or July and its months of the year before, or a span of days across a new year
    and its quarters and months break relations of the true table that the rule
    keeps."""
    data = export(3, 200)
    assert all(broken(t) == [] for t in tables(data, periods, ["age_group"], fiscal, True))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compute, "age_years", lambda ps: [p.end.year for p in ps])
        alone = tables(data, periods, ["age_group"], fiscal, True)[1]  # (a count of events)
    assert broken(alone)


def test_the_cases_open_after_a_year_are_aged_in_the_next() -> None:
    """2024 and 2025 with their quarters and months by age group: each year aged in
    its own, so the cases open on 1 January 2025 (aged in 2025) are not among the
    active cases of an age group of December 2024. Each year is a span of its own
    (``_Layout.edges``), tied to the other as to a release before or after it: the
    cases still open after 2024 (aged in 2024) and the cap of those open when 2025
    begins are cells the attacker is taken to know; the table stays a product.
    Taking the open cells of 2025 for active cases of every age group of 2024
    breaks a relation of the true table."""
    data = export(5, 200)
    layout, _, raws = joint(data, ["2024", "2025"], ["age_group"], 1, True)
    assert sorted(set(layout.age_years)) == [2024, 2025]
    begins, ends = layout.edges()
    assert [str(layout.periods[q]) for q in begins] == ["2024", "2025"]
    assert [str(layout.periods[q]) for q in ends] == ["2024", "2025"]
    keys, values, groups, dimensions, unknown, known = compute._joint_table(layout, *raws)
    assert broken((keys, values, groups, unknown)) == []
    assert dimensions
    assert {k[0] for k in known} == {("cap", q) for q in begins} | {("next", q) for q in ends}
    original = compute._open_starts

    def across(layout: compute._Layout) -> Any:
        at, layout.age_at = layout.age_at, None  # (as if no cell held an age group)
        try:
            return original(layout)
        finally:
            layout.age_at = at

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compute, "_open_starts", across)
        table = compute._joint_table(layout, *raws)
    assert broken((*table[:3], unknown))


def test_the_cases_open_where_a_release_begins_are_capped() -> None:
    """A budget year from April with its quarters and months by age group begins on
    1 April with one cell of cases open (the budget year, its first quarter and
    April aged in 2026): the release before bounds it from above (consecutive
    releases, ``docs/data-protection.rst``), so it has a cap known to the attacker,
    at most which it stays; the cases still open after 31 March 2026 are known as
    well. Every relation holds in the true table, and the table is a product."""
    data = export(3, 200)
    layout, _, raws = joint(data, ["HJ2025"], ["age_group"], 4, True)
    assert set(layout.age_years) == {2026}
    keys, values, groups, dimensions, unknown, known = compute._joint_table(layout, *raws)
    assert broken((keys, values, groups, unknown)) == []
    assert dimensions
    begin = layout.periods[layout.edges()[0][0]].start
    opens = {k[0] for k in keys if k[0][0] == "open" and layout.periods[k[0][1]].start == begin}
    assert len(opens) == 1
    given_heads = {k[0] for k in known}
    assert {("cap", q) for _, q in opens} | {("next", layout.edges()[1][0])} == given_heads
    capping = {(total[0], parts[0][0]) for total, parts, exact in groups if not exact}
    assert {(("cap", q), ("open", q)) for _, q in opens} <= capping


def test_the_periods_that_overlap_take_the_year_of_the_last_day_among_them() -> None:
    """The rule itself: a school year and its months (2026), a budget year from
    April with its quarters and months (2026), a half year and a quarter across it
    (the year of the quarter's end), two years one after the other (each its own)."""

    def years(periods: list[str], fiscal: int = 1) -> list[int]:
        with fiscal_year_start(fiscal):
            return compute.age_years([ReportPeriod.parse(p) for p in periods])

    assert years(["SJ2025/26", "2025-09", "2026-07"]) == [2026, 2026, 2026]
    assert years(["HJ2025", "2025-Q2", "2025-04"], 4) == [2026, 2026, 2026]
    assert years(["2025-H2", "2025-12-01/2026-01-31", "2026-03"]) == [2026, 2026, 2026]
    assert years(["2024", "2024-12", "2025", "2025-01"]) == [2024, 2024, 2025, 2025]
    assert years(["2025-05", "SJ2025/26", "2024"]) == [2025, 2026, 2024]


def one_case(opened: date, born: int) -> CaseData:
    """One case, opened on *opened* and still open, born in *born*."""
    row = {"case_id": "c1", "municipality": AGS[0], "opened": opened, "sex": "f"}
    return CaseData.from_records([{**row, "birth_year": born}])


NEW = Indicator(id="new", name="new", numerator=CaseCount(count=CaseCountKind.NEW))
ACTIVE = Indicator(id="active", name="active", numerator=CaseCount(count=CaseCountKind.ACTIVE))
YOUNG = Indicator(
    id="young",
    name="young",
    numerator=CaseCount(
        count=CaseCountKind.ACTIVE,
        filters=(CaseFilter(attribute="age_group", values=("18-26",)),),
    ),
)


def values(data: CaseData, periods: list[str], by: list[str]) -> dict[tuple[str, ...], Any]:
    """The true values of ``all`` by indicator, period and breakdown values."""
    table = compute_indicators(
        cases=data,
        periods=periods,
        by=by,
        include_subperiods=True,
        disclosure=None,
        indicators=[NEW, ACTIVE, YOUNG],
    )
    return {
        (row.indicator, str(row.period), *(v for _, v in row.dims)): row.value
        for row in table.rows
        if row.territory == "all"
    }


def test_a_school_years_september_counts_a_case_in_the_school_years_group() -> None:
    """A case born in 2008, opened in September 2025 and still open: 18 in 2026, the
    year of the school year ``SJ2025/26``, so ``18-26`` in the school year and in its
    September (aged in 2025 it would be 17, ``0-17``, in September: the engine before
    the fifteenth session), also for a count filtered on ``18-26``."""
    data = one_case(date(2025, 9, 10), 2008)
    found = values(data, ["SJ2025/26"], ["age_group"])
    for period in ("SJ2025/26", "2025-09", "2025-12", "2026-07"):
        assert found[("new", period, "0-17")] == 0
        assert found[("active", period, "18-26")] == 1
        assert found[("active", period, "0-17")] == 0
    assert found[("new", "2025-09", "18-26")] == 1
    alone = values(data, ["SJ2025/26"], [])
    assert alone[("young", "2025-09")] == alone[("young", "SJ2025/26")] == 1


def test_two_years_one_after_the_other_are_each_aged_in_their_own() -> None:
    """A case born in 2007, opened in September 2024 and still open, published for
    2024 and 2025 with their quarters and months: each year is aged in its own,
    ``0-17`` in 2024 and its December, ``18-26`` in 2025 and its January."""
    found = values(one_case(date(2024, 9, 10), 2007), ["2024", "2025"], ["age_group"])
    for period, group in [("2024", "0-17"), ("2024-12", "0-17")]:
        assert (found[("active", period, group)], found[("young", period, "_T")]) == (1, 0)
    for period, group in [("2025", "18-26"), ("2025-01", "18-26")]:
        assert (found[("active", period, group)], found[("young", period, "_T")]) == (1, 1)
