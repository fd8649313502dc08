"""Every range a period constructor checks, pinned at both ends (:mod:`._periods`).

A mutation run of ``_periods.py`` moved these bounds by one (a half year 0, a week 54,
a budget year starting in month 13, the school year 9999/10000) without breaking a
test. Each case here gives the last value accepted and the first one refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kommunale_integration import PeriodError, PeriodKind, ReportPeriod, fiscal_year_start

R = ReportPeriod

#: (name, constructor of one int, smallest accepted, largest accepted)
BOUNDS: list[tuple[str, Callable[[int], Any], int, int]] = [
    ("year", R.year, dt.MINYEAR, dt.MAXYEAR),
    ("half of a year", lambda half: R.half_year(2025, half), 1, 2),
    ("year of a half", lambda year: R.half_year(year, 1), dt.MINYEAR, dt.MAXYEAR),
    ("quarter", lambda quarter: R.quarter(2025, quarter), 1, 4),
    ("year of a quarter", lambda year: R.quarter(year, 1), dt.MINYEAR, dt.MAXYEAR),
    ("month", lambda month: R.month(2025, month), 1, 12),
    ("year of a month", lambda year: R.month(year, 1), dt.MINYEAR, dt.MAXYEAR),
    ("week of a long ISO year", lambda week: R.week(2026, week), 1, 53),
    ("week of a short ISO year", lambda week: R.week(2025, week), 1, 52),
    ("school year", R.school_year, dt.MINYEAR, dt.MAXYEAR - 1),
    ("budget year from January", lambda year: R.budget_year(year, 1), dt.MINYEAR, dt.MAXYEAR),
    ("budget year from July", lambda year: R.budget_year(year, 7), dt.MINYEAR, dt.MAXYEAR - 1),
    ("budget year's first month", lambda month: R.budget_year(2025, month), 1, 12),
    (
        "budget start of containing()",
        lambda month: R.containing(dt.date(2025, 5, 1), "budget_year", budget_start_month=month),
        1,
        12,
    ),
    (
        "budget start of parse()",
        lambda month: R.parse("HJ2025", budget_start_month=month),
        1,
        12,
    ),
]


def _fiscal(month: int) -> ReportPeriod:
    with fiscal_year_start(month):
        return R.parse("HJ2025")


BOUNDS.append(("fiscal_year_start()", _fiscal, 1, 12))


@pytest.mark.parametrize(
    ("make", "low", "high"), [b[1:] for b in BOUNDS], ids=[b[0] for b in BOUNDS]
)
def test_a_range_accepts_its_ends_and_refuses_one_beyond(
    make: Callable[[int], Any], low: int, high: int
) -> None:
    make(low)
    make(high)
    for beyond in (low - 1, high + 1):
        with pytest.raises(PeriodError):
            make(beyond)


@pytest.mark.parametrize(
    ("make", "low"), [(b[1], b[2]) for b in BOUNDS], ids=[b[0] for b in BOUNDS]
)
def test_true_is_not_the_number_one(make: Callable[[Any], Any], low: int) -> None:
    with pytest.raises(TypeError):
        make(True)


def test_a_budget_year_from_july_runs_into_the_next_calendar_year() -> None:
    period = R.budget_year(2025, 7)
    assert (period.start, period.end) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    assert R.containing(dt.date(2026, 6, 30), "budget_year", budget_start_month=7) == period
    assert R.containing(dt.date(2026, 7, 1), "budget_year", budget_start_month=7) != period


def test_a_week_starts_on_its_monday() -> None:
    period = R.week(2026, 7)
    assert (period.start, period.end) == (dt.date(2026, 2, 9), dt.date(2026, 2, 15))
    assert period.start.isoweekday() == 1


# --------------------------------------------------------------------------- more rules


def test_periods_sharing_one_day_overlap_and_neighbours_do_not() -> None:
    first_half = R.half_year(2025, 1)
    assert first_half.overlaps(R.interval(dt.date(2025, 6, 30), dt.date(2025, 7, 31)))
    new_year = R.interval(dt.date(2024, 12, 1), dt.date(2025, 1, 1))
    assert new_year.overlaps(first_half)
    assert first_half.overlaps(new_year)
    assert not first_half.overlaps(R.half_year(2025, 2))
    assert not R.half_year(2025, 2).overlaps(first_half)


def test_shift_takes_a_whole_number_of_periods_only() -> None:
    assert R.parse("2025-Q4").shift(1) == R.parse("2026-Q1")
    with pytest.raises(TypeError):
        R.parse("2025-Q4").shift(True)


@pytest.mark.parametrize(("start_month", "text"), [(1, "ReportPeriod.parse('HJ2025')"), (2, None)])
def test_the_repr_of_a_budget_year_gives_it_back(start_month: int, text: str | None) -> None:
    period = R.budget_year(2025, start_month)
    expected = text or f"ReportPeriod.budget_year(2025, start_month={start_month})"
    assert repr(period) == expected
    assert eval(repr(period), {"ReportPeriod": R}) == period


def test_a_span_that_is_no_quarter_names_the_quarter_starting_then() -> None:
    with pytest.raises(PeriodError) as caught:
        R(kind=PeriodKind.QUARTER, start=dt.date(2025, 4, 1), end=dt.date(2025, 7, 31))
    assert caught.value.values["first"] == "2025-04-01"
    assert caught.value.values["last"] == "2025-06-30"


@pytest.mark.parametrize("month", [0, 13])
def test_fiscal_year_start_refuses_a_month_before_anything_is_parsed(month: int) -> None:
    with pytest.raises(PeriodError), fiscal_year_start(month):
        pass


def test_a_budget_year_starts_in_january_unless_told_otherwise() -> None:
    assert R.budget_year(2025) == R.parse("HJ2025")
    assert R.budget_year(2025).start == dt.date(2025, 1, 1)
