"""Tests for report periods (Berichtszeiträume) and due dates."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kommunale_integration._errors import InvalidValueError, KommunaleIntegrationError
from kommunale_integration._periods import (
    DueDateRule,
    PeriodError,
    PeriodKind,
    ReportPeriod,
    period_range,
)

# These tests read the English message ids; German is checked in test_messages.py.
pytestmark = pytest.mark.usefixtures("english_messages")

D = dt.date
ONE_DAY = dt.timedelta(days=1)
REGULAR_KINDS = [kind for kind in PeriodKind if kind is not PeriodKind.INTERVAL]
# Kinds whose periods tile the time line without gaps (weeks are handled separately).
MONTH_KINDS = [
    PeriodKind.YEAR,
    PeriodKind.HALF_YEAR,
    PeriodKind.QUARTER,
    PeriodKind.MONTH,
    PeriodKind.SCHOOL_YEAR,
    PeriodKind.BUDGET_YEAR,
]


def weeks_in(year: int) -> int:
    """ISO weeks of ``year``, computed independently of the library: 53 exactly when
    the year starts on a Thursday, or is a leap year starting on a Wednesday."""
    jan1 = D(year, 1, 1).weekday()
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 53 if jan1 == 3 or (leap and jan1 == 2) else 52


def month_end(year: int, month: int) -> D:
    return D(year + month // 12, month % 12 + 1, 1) - ONE_DAY


years = st.integers(1900, 2200)
dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@st.composite
def weeks(draw: st.DrawFn) -> ReportPeriod:
    year = draw(years)
    return ReportPeriod.week(year, draw(st.integers(1, weeks_in(year))))


@st.composite
def intervals(draw: st.DrawFn) -> ReportPeriod:
    if draw(st.booleans()):  # any days
        start = draw(dates)
        return ReportPeriod.interval(start, start + dt.timedelta(days=draw(st.integers(0, 1500))))
    # month-aligned: first day of a month to the last day of a later month
    year, month = draw(years), draw(st.integers(1, 12))
    months = draw(st.integers(1, 40))
    last = month - 1 + months - 1
    return ReportPeriod.interval(D(year, month, 1), month_end(year + last // 12, last % 12 + 1))


STRATEGIES: dict[PeriodKind, st.SearchStrategy[ReportPeriod]] = {
    PeriodKind.YEAR: st.builds(ReportPeriod.year, years),
    PeriodKind.HALF_YEAR: st.builds(ReportPeriod.half_year, years, st.integers(1, 2)),
    PeriodKind.QUARTER: st.builds(ReportPeriod.quarter, years, st.integers(1, 4)),
    PeriodKind.MONTH: st.builds(ReportPeriod.month, years, st.integers(1, 12)),
    PeriodKind.WEEK: weeks(),
    PeriodKind.SCHOOL_YEAR: st.builds(ReportPeriod.school_year, years),
    PeriodKind.BUDGET_YEAR: st.builds(ReportPeriod.budget_year, years, st.integers(1, 12)),
    PeriodKind.INTERVAL: intervals(),
}
periods = st.one_of(*STRATEGIES.values())
kinds = st.sampled_from(list(PeriodKind))


@st.composite
def two_of_a_kind(draw: st.DrawFn) -> tuple[ReportPeriod, ReportPeriod]:
    strategy = STRATEGIES[draw(kinds)]
    return draw(strategy), draw(strategy)


def parse_back(period: ReportPeriod) -> ReportPeriod:
    return ReportPeriod.parse(str(period), budget_start_month=period.budget_start_month or 1)


def assert_tiles(parts: list[ReportPeriod], whole: ReportPeriod) -> None:
    assert parts, "a split is never empty"
    assert parts[0].start == whole.start
    assert parts[-1].end == whole.end
    for before, after in itertools.pairwise(parts):
        assert after.start == before.end + ONE_DAY  # no gap, no overlap
    assert sum(part.days for part in parts) == whole.days


# --------------------------------------------------------------------------- notation


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026", PeriodKind.YEAR, D(2026, 1, 1), D(2026, 12, 31)),
        ("2026-H1", PeriodKind.HALF_YEAR, D(2026, 1, 1), D(2026, 6, 30)),
        ("2026-H2", PeriodKind.HALF_YEAR, D(2026, 7, 1), D(2026, 12, 31)),
        ("2026-Q3", PeriodKind.QUARTER, D(2026, 7, 1), D(2026, 9, 30)),
        ("2026-05", PeriodKind.MONTH, D(2026, 5, 1), D(2026, 5, 31)),
        ("2026-W07", PeriodKind.WEEK, D(2026, 2, 9), D(2026, 2, 15)),
        ("SJ2025/26", PeriodKind.SCHOOL_YEAR, D(2025, 8, 1), D(2026, 7, 31)),
        ("HJ2026", PeriodKind.BUDGET_YEAR, D(2026, 1, 1), D(2026, 12, 31)),
        ("2025-01-01/2026-12-31", PeriodKind.INTERVAL, D(2025, 1, 1), D(2026, 12, 31)),
        ("2026-03-05/2026-03-05", PeriodKind.INTERVAL, D(2026, 3, 5), D(2026, 3, 5)),
    ],
)
def test_parse_contract_notation(text: str, kind: PeriodKind, start: D, end: D) -> None:
    period = ReportPeriod.parse(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert str(period) == text


def test_surrounding_whitespace_is_ignored() -> None:
    assert ReportPeriod.parse(" 2026-Q1\n") == ReportPeriod.quarter(2026, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-Q5", "quarter"),
        ("2026-Q0", "quarter"),
        ("2026-H3", "half"),
        ("2026-13", "month"),
        ("2026-00", "month"),
        ("2026-W00", "week"),
        ("2026-W54", "week"),
        ("2025-W53", "no week 53"),
        ("SJ2025/27", "ends in 26"),
        ("SJ2025/2026", "expected one of"),
        ("2026-12-31/2026-01-01", "ends before it starts"),
        ("2026-02-30/2026-03-31", "not a calendar date"),
        ("0000", "year"),
        ("HJ26", "expected one of"),
        ("26", "expected one of"),
        ("2026-5", "expected one of"),
        ("2026-q3", "expected one of"),
        ("2026-Q3 ", None),  # valid: surrounding whitespace
        ("", "expected one of"),
        ("２０２６", "expected one of"),  # full-width digits are not the notation
        ("2026-01-01/P1Y", "expected one of"),
        ("2026-01-01--2026-12-31", "expected one of"),
    ],
)
def test_invalid_text_raises_error_naming_the_text(text: str, reason: str | None) -> None:
    if reason is None:
        ReportPeriod.parse(text)
        return
    with pytest.raises(PeriodError) as info:
        ReportPeriod.parse(text)
    message = str(info.value)
    assert repr(text) in message
    assert reason in message
    assert info.value.text == text
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, KommunaleIntegrationError)


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        ReportPeriod.parse(2026)  # type: ignore[arg-type]


@given(periods)
def test_parse_str_round_trip(period: ReportPeriod) -> None:
    assert parse_back(period) == period
    assert str(parse_back(period)) == str(period)


@given(
    st.sampled_from(REGULAR_KINDS),
    st.dates(min_value=D(1, 1, 1), max_value=D(9998, 7, 31)),
)
def test_round_trip_over_the_whole_calendar(kind: PeriodKind, day: D) -> None:
    if kind is PeriodKind.SCHOOL_YEAR and day < D(1, 8, 1):
        # its school year began in August of the year 0, before the calendar's first day
        with pytest.raises(PeriodError, match="outside the supported years"):
            ReportPeriod.containing(day, kind)
        return
    period = ReportPeriod.containing(day, kind)
    assert ReportPeriod.parse(str(period)) == period


@pytest.mark.parametrize("kind", REGULAR_KINDS)
def test_the_first_days_of_the_calendar(kind: PeriodKind) -> None:
    """Only a school year (from August) would begin before 1 January of the year 1."""
    for day in (D(1, 1, 1), D(1, 7, 31), D(1, 8, 1)):
        if kind is PeriodKind.SCHOOL_YEAR and day < D(1, 8, 1):
            with pytest.raises(PeriodError, match="outside the supported years"):
                ReportPeriod.containing(day, kind)
            continue
        period = ReportPeriod.containing(day, kind)
        assert period.start <= day <= period.end
        assert ReportPeriod.parse(str(period)) == period


def test_years_below_1000_have_four_digits() -> None:
    assert str(ReportPeriod.month(999, 1)) == "0999-01"
    assert str(ReportPeriod.school_year(999)) == "SJ0999/00"
    assert ReportPeriod.parse("0999-01") == ReportPeriod.month(999, 1)


@given(periods)
def test_repr_evaluates_to_the_period(period: ReportPeriod) -> None:
    assert eval(repr(period), {"ReportPeriod": ReportPeriod}) == period


# --------------------------------------------------------------------------- budget years


def test_budget_year_with_fiscal_start_month() -> None:
    fiscal = ReportPeriod.budget_year(2026, start_month=7)
    assert (fiscal.start, fiscal.end) == (D(2026, 7, 1), D(2027, 6, 30))
    assert str(fiscal) == "HJ2026"
    assert fiscal.budget_start_month == 7
    assert fiscal != ReportPeriod.parse("HJ2026")  # the start month is part of equality
    assert fiscal == ReportPeriod.parse("HJ2026", budget_start_month=7)
    assert ReportPeriod.parse("HJ2026") == ReportPeriod.budget_year(2026)
    assert ReportPeriod.parse("HJ2026").budget_start_month == 1
    assert ReportPeriod.year(2026).budget_start_month is None
    assert fiscal.next() == ReportPeriod.budget_year(2027, start_month=7)
    assert ReportPeriod.containing(D(2027, 3, 1), "budget_year", budget_start_month=7) == fiscal
    assert [str(p) for p in fiscal.split("half_year")] == ["2026-H2", "2027-H1"]
    assert len(fiscal.split(PeriodKind.QUARTER)) == 4
    with pytest.raises(PeriodError, match="cannot be split"):
        ReportPeriod.budget_year(2026, start_month=4).split("half_year")
    with pytest.raises(PeriodError, match="start_month"):
        ReportPeriod.budget_year(2026, start_month=13)


# --------------------------------------------------------------------------- containment


@given(dates, st.sampled_from(REGULAR_KINDS), st.integers(1, 12))
def test_containing_contains_the_date(day: D, kind: PeriodKind, start_month: int) -> None:
    period = ReportPeriod.containing(day, kind, budget_start_month=start_month)
    assert day in period
    assert period.kind is kind
    assert period.start <= day <= period.end
    if kind is PeriodKind.BUDGET_YEAR:
        assert period.start.month == start_month


def test_containing_rejects_intervals_and_datetimes() -> None:
    with pytest.raises(PeriodError, match="interval"):
        ReportPeriod.containing(D(2026, 1, 1), PeriodKind.INTERVAL)
    with pytest.raises(TypeError, match="datetime"):
        ReportPeriod.containing(dt.datetime(2026, 1, 1, 12), PeriodKind.MONTH)
    with pytest.raises(PeriodError, match="unknown period kind"):
        ReportPeriod.containing(D(2026, 1, 1), "decade")


@given(periods, dates)
def test_date_in_period(period: ReportPeriod, day: D) -> None:
    assert (day in period) == (period.start <= day <= period.end)
    assert period.start in period
    assert period.end in period
    assert period.start - ONE_DAY not in period
    assert period.end + ONE_DAY not in period


@given(periods, periods)
def test_period_in_period_and_overlap(a: ReportPeriod, b: ReportPeriod) -> None:
    assert a in a
    assert (b in a) == (a.start <= b.start and b.end <= a.end)
    assert a.overlaps(b) == b.overlaps(a)
    latest_start = max(a.start, b.start)  # the first shared day, if there is one
    assert a.overlaps(b) == (latest_start in a and latest_start in b)
    if b in a:
        assert a.overlaps(b)
    assert not a.overlaps(a.next())
    assert not a.overlaps(a.previous())


def test_contains_rejects_datetimes_and_other_types() -> None:
    year = ReportPeriod.year(2026)
    with pytest.raises(TypeError, match="datetime"):
        _ = dt.datetime(2026, 5, 1, 12) in year
    with pytest.raises(TypeError):
        _ = "2026-05" in year


# --------------------------------------------------------------------------- arithmetic


@given(periods)
def test_next_starts_the_day_after_the_end(period: ReportPeriod) -> None:
    assert period.next().start == period.end + ONE_DAY
    assert period.previous().end == period.start - ONE_DAY
    assert period.next().kind is period.kind


@given(periods)
def test_next_and_previous_are_inverse(period: ReportPeriod) -> None:
    assert period.next().previous() == period
    assert period.previous().next() == period


@given(periods, st.integers(-300, 300))
def test_shift_is_anchored_and_additive(period: ReportPeriod, n: int) -> None:
    shifted = period.shift(n)
    assert shifted.kind is period.kind
    assert shifted.shift(-n) == period
    assert period.shift(n).shift(1) == period.shift(n + 1)
    if period.kind is PeriodKind.BUDGET_YEAR:
        assert shifted.start.month == period.start.month


@given(st.integers(1900, 2200), st.integers(1, 12), st.integers(-600, 600))
def test_month_shift_always_ends_on_a_month_end(year: int, month: int, n: int) -> None:
    shifted = ReportPeriod.month(year, month).shift(n)
    index = year * 12 + month - 1 + n
    target_year, target_month0 = divmod(index, 12)
    assert shifted.start == D(target_year, target_month0 + 1, 1)
    assert shifted.end == month_end(target_year, target_month0 + 1)


def test_month_aligned_interval_moves_by_whole_months() -> None:
    january = ReportPeriod.parse("2026-01-01/2026-01-31")
    assert str(january.shift(1)) == "2026-02-01/2026-02-28"
    assert str(january.shift(2)) == "2026-03-01/2026-03-31"  # not clipped to the 28th
    work_priorities = ReportPeriod.parse("2025-01-01/2026-12-31")
    assert str(work_priorities.next()) == "2027-01-01/2028-12-31"
    assert str(work_priorities.previous()) == "2023-01-01/2024-12-31"


def test_other_intervals_move_by_their_length_in_days() -> None:
    ten_days = ReportPeriod.parse("2026-02-25/2026-03-06")
    assert ten_days.days == 10
    assert str(ten_days.next()) == "2026-03-07/2026-03-16"
    assert str(ReportPeriod.parse("2026-01-31/2026-01-31").next()) == "2026-02-01/2026-02-01"


@given(periods)
def test_days(period: ReportPeriod) -> None:
    assert period.days == (period.end - period.start).days + 1
    assert period.days >= 1


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2024", 366),
        ("2026", 365),
        ("2100", 365),
        ("2000", 366),
        ("2024-02", 29),
        ("2023-02", 28),
        ("2100-02", 28),
        ("2000-02", 29),
        ("2026-Q1", 90),
        ("2024-Q1", 91),
        ("2026-H2", 184),
        ("2026-W07", 7),
        ("SJ2023/24", 366),
        ("SJ2024/25", 365),
        ("2025-01-01/2026-12-31", 730),
    ],
)
def test_number_of_days(text: str, days: int) -> None:
    assert ReportPeriod.parse(text).days == days


@given(periods)
def test_same_period_last_year(period: ReportPeriod) -> None:
    earlier = period.same_period_last_year()
    assert earlier.kind is period.kind
    assert earlier.end < period.start or period.days > 360
    if period.kind in MONTH_KINDS:
        assert earlier.start == D(period.start.year - 1, period.start.month, 1)
        assert earlier.days in (period.days - 1, period.days, period.days + 1)
        assert earlier.start.month == period.start.month
    if period.kind is PeriodKind.WEEK:
        iso, earlier_iso = period.start.isocalendar(), earlier.start.isocalendar()
        assert earlier_iso.year == iso.year - 1
        assert earlier_iso.week == min(iso.week, weeks_in(iso.year - 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026", "2025"),
        ("2026-H1", "2025-H1"),
        ("2026-Q3", "2025-Q3"),
        ("2026-05", "2025-05"),
        ("2026-W07", "2025-W07"),
        ("2026-W53", "2025-W52"),  # 2025 has no week 53
        ("2021-W01", "2020-W01"),
        ("SJ2025/26", "SJ2024/25"),
        ("HJ2026", "HJ2025"),
        ("2025-01-01/2026-12-31", "2024-01-01/2025-12-31"),
        ("2024-03-01/2025-02-28", "2023-03-01/2024-02-29"),  # month-aligned keeps month ends
        ("2024-02-29/2024-03-10", "2023-02-28/2023-03-10"),  # 29 February clips to the 28th
    ],
)
def test_same_period_last_year_examples(text: str, expected: str) -> None:
    assert str(ReportPeriod.parse(text).same_period_last_year()) == expected


# --------------------------------------------------------------------------- ordering and hashing


@given(two_of_a_kind())
def test_ordering_is_consistent_with_start_dates(pair: tuple[ReportPeriod, ReportPeriod]) -> None:
    a, b = pair
    assert (a < b) == ((a.start, a.end) < (b.start, b.end))
    assert (a <= b) == ((a < b) or a == b)
    assert (a > b) == (b < a)
    assert (a >= b) == (b <= a)
    if a.kind is not PeriodKind.INTERVAL and a.budget_start_month == b.budget_start_month:
        assert (a < b) == (a.start < b.start)
        assert (a == b) == (a.start == b.start)


@given(st.lists(STRATEGIES[PeriodKind.QUARTER], min_size=2, max_size=8))
def test_sorting_orders_by_start(quarters: list[ReportPeriod]) -> None:
    assert [p.start for p in sorted(quarters)] == sorted(p.start for p in quarters)


def test_comparing_different_kinds_raises_type_error() -> None:
    with pytest.raises(TypeError, match="same kind"):
        _ = ReportPeriod.year(2026) < ReportPeriod.quarter(2026, 1)
    with pytest.raises(TypeError, match="same kind"):
        _ = ReportPeriod.year(2026) >= ReportPeriod.parse("2026-01-01/2026-12-31")
    with pytest.raises(TypeError):
        _ = ReportPeriod.year(2026) < D(2026, 1, 1)  # type: ignore[operator]


def test_equality_distinguishes_kinds_with_the_same_days() -> None:
    year = ReportPeriod.year(2026)
    for other in (ReportPeriod.budget_year(2026), ReportPeriod.parse("2026-01-01/2026-12-31")):
        assert (other.start, other.end) == (year.start, year.end)
        assert other != year
    assert year != "2026"  # type: ignore[comparison-overlap]


@given(periods)
def test_hashing(period: ReportPeriod) -> None:
    twin = parse_back(period)
    assert twin == period
    assert hash(twin) == hash(period)
    assert len({period, twin, period.next()}) == 2


def test_periods_are_immutable() -> None:
    year = ReportPeriod.year(2026)
    with pytest.raises(AttributeError):
        year.start = D(2027, 1, 1)  # type: ignore[misc]


# --------------------------------------------------------------------------- split


TILING = [
    (PeriodKind.YEAR, PeriodKind.YEAR, 1),
    (PeriodKind.YEAR, PeriodKind.HALF_YEAR, 2),
    (PeriodKind.YEAR, PeriodKind.QUARTER, 4),
    (PeriodKind.YEAR, PeriodKind.MONTH, 12),
    (PeriodKind.YEAR, PeriodKind.BUDGET_YEAR, 1),
    (PeriodKind.HALF_YEAR, PeriodKind.QUARTER, 2),
    (PeriodKind.HALF_YEAR, PeriodKind.MONTH, 6),
    (PeriodKind.QUARTER, PeriodKind.MONTH, 3),
    (PeriodKind.MONTH, PeriodKind.MONTH, 1),
    (PeriodKind.SCHOOL_YEAR, PeriodKind.MONTH, 12),
    (PeriodKind.SCHOOL_YEAR, PeriodKind.SCHOOL_YEAR, 1),
]


@pytest.mark.parametrize(("parent", "child", "count"), TILING)
@given(data=st.data())
def test_split_tiles_the_period(
    parent: PeriodKind, child: PeriodKind, count: int, data: st.DataObject
) -> None:
    period = data.draw(STRATEGIES[parent])
    parts = period.split(child)
    assert len(parts) == count
    assert all(part.kind is child for part in parts)
    assert all(part in period for part in parts)
    assert_tiles(parts, period)


@given(periods, st.sampled_from(MONTH_KINDS))
def test_split_either_tiles_or_refuses(period: ReportPeriod, child: PeriodKind) -> None:
    first = ReportPeriod.containing(period.start, child)
    last = ReportPeriod.containing(period.end, child)
    if first.start == period.start and last.end == period.end:
        parts = period.split(child)
        assert_tiles(parts, period)
        assert all(part.kind is child for part in parts)
    else:
        with pytest.raises(PeriodError, match="cannot be split"):
            period.split(child)


@given(intervals())
def test_month_aligned_intervals_split_into_months(interval: ReportPeriod) -> None:
    assume(interval.start.day == 1 and (interval.end + ONE_DAY).day == 1)
    assert_tiles(interval.split(PeriodKind.MONTH), interval)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SJ2025/26", "quarter"),
        ("SJ2025/26", "year"),
        ("2026-05", "year"),
        ("2026-Q1", "half_year"),
        ("2026-01-15/2026-03-31", "month"),
    ],
)
def test_split_that_does_not_tile_raises(text: str, kind: str) -> None:
    with pytest.raises(PeriodError, match="cannot be split"):
        ReportPeriod.parse(text).split(kind)


def test_split_into_intervals_raises() -> None:
    with pytest.raises(PeriodError, match="intervals"):
        ReportPeriod.year(2026).split(PeriodKind.INTERVAL)


@given(periods)
def test_split_into_weeks_takes_the_weeks_whose_thursday_lies_in_the_period(
    period: ReportPeriod,
) -> None:
    parts = period.split(PeriodKind.WEEK)
    thursdays = [
        period.start + dt.timedelta(days=i)
        for i in range(period.days)
        if (period.start + dt.timedelta(days=i)).weekday() == 3
    ]
    assert [week.start + dt.timedelta(days=3) for week in parts] == thursdays
    for before, after in itertools.pairwise(parts):
        assert after.start == before.end + ONE_DAY


@given(years)
def test_weeks_of_a_year_are_its_iso_weeks_and_months_share_them_out(year: int) -> None:
    calendar_year = ReportPeriod.year(year)
    weeks_of_year = calendar_year.split("week")
    assert len(weeks_of_year) == weeks_in(year)
    assert str(weeks_of_year[0]) == f"{year}-W01"
    assert str(weeks_of_year[-1]) == f"{year}-W{weeks_in(year)}"
    by_month = [week for month in calendar_year.split("month") for week in month.split("week")]
    assert by_month == weeks_of_year


# --------------------------------------------------------------------------- period_range


@given(two_of_a_kind())
def test_period_range(pair: tuple[ReportPeriod, ReportPeriod]) -> None:
    a, b = pair
    assume(a.kind is not PeriodKind.INTERVAL)
    assume(a.budget_start_month == b.budget_start_month)
    result = period_range(a, b)
    if b < a:
        assert result == []
        return
    assert result[0] == a
    assert result[-1] == b
    for before, after in itertools.pairwise(result):
        assert after == before.next()


def test_period_range_examples() -> None:
    months = period_range(ReportPeriod.parse("2025-11"), ReportPeriod.parse("2026-02"))
    assert [str(m) for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    first = ReportPeriod.parse("2021-01-01/2022-12-31")
    last = ReportPeriod.parse("2025-01-01/2026-12-31")
    assert [str(p) for p in period_range(first, last)] == [
        "2021-01-01/2022-12-31",
        "2023-01-01/2024-12-31",
        "2025-01-01/2026-12-31",
    ]
    with pytest.raises(PeriodError, match="not reached"):
        period_range(first, ReportPeriod.parse("2024-01-01/2025-12-31"))
    with pytest.raises(PeriodError, match="one kind"):
        period_range(ReportPeriod.year(2025), ReportPeriod.quarter(2026, 1))
    with pytest.raises(PeriodError, match="one kind"):
        period_range(ReportPeriod.budget_year(2025), ReportPeriod.budget_year(2026, 7))


# --------------------------------------------------------------------------- edge cases


def test_29_february() -> None:
    leap_day = D(2024, 2, 29)
    assert ReportPeriod.containing(leap_day, "month") == ReportPeriod.parse("2024-02")
    assert ReportPeriod.containing(leap_day, "quarter") == ReportPeriod.parse("2024-Q1")
    assert ReportPeriod.containing(leap_day, "week") == ReportPeriod.parse("2024-W09")
    assert ReportPeriod.containing(leap_day, "school_year") == ReportPeriod.parse("SJ2023/24")
    assert ReportPeriod.parse("2024-02").end == leap_day
    assert ReportPeriod.parse("2024-01").next().end == leap_day
    assert ReportPeriod.parse("2024-02").same_period_last_year().end == D(2023, 2, 28)
    assert ReportPeriod.parse("2023-02").same_period_last_year().end == D(2022, 2, 28)
    assert ReportPeriod.parse("2025-02").shift(-12).end == leap_day
    assert ReportPeriod.parse("2024-02-29/2024-02-29").days == 1
    with pytest.raises(PeriodError, match="not a calendar date"):
        ReportPeriod.parse("2023-02-29/2023-03-01")


def test_iso_week_53() -> None:
    week = ReportPeriod.parse("2020-W53")
    assert (week.start, week.end) == (D(2020, 12, 28), D(2021, 1, 3))
    assert ReportPeriod.containing(D(2021, 1, 1), "week") == week
    assert D(2021, 1, 3) in week
    assert str(week.next()) == "2021-W01"
    assert str(ReportPeriod.parse("2021-W01").previous()) == "2020-W53"
    assert str(ReportPeriod.parse("2026-W53").next()) == "2027-W01"
    assert ReportPeriod.week(2026, 53).end == D(2027, 1, 3)
    assert str(ReportPeriod.containing(D(2024, 12, 30), "week")) == "2025-W01"
    assert str(ReportPeriod.containing(D(2027, 1, 1), "week")) == "2026-W53"
    with pytest.raises(PeriodError, match="no week 53"):
        ReportPeriod.week(2025, 53)
    assert [weeks_in(y) for y in (2015, 2020, 2021, 2026, 2032)] == [53, 53, 52, 53, 53]


def test_school_years_span_two_calendar_years() -> None:
    school_year = ReportPeriod.parse("SJ2025/26")
    assert school_year == ReportPeriod.school_year(2025)
    assert D(2025, 12, 31) in school_year
    assert D(2026, 1, 1) in school_year
    assert ReportPeriod.containing(D(2025, 7, 31), "school_year") == ReportPeriod.school_year(2024)
    assert ReportPeriod.containing(D(2025, 8, 1), "school_year") == school_year
    months = school_year.split("month")
    assert (str(months[0]), str(months[-1])) == ("2025-08", "2026-07")
    assert not school_year.overlaps(ReportPeriod.school_year(2026))
    assert school_year.overlaps(ReportPeriod.year(2026))
    assert str(ReportPeriod.parse("SJ1999/00").next()) == "SJ2000/01"
    assert str(ReportPeriod.school_year(2099)) == "SJ2099/00"


def test_limits_of_the_calendar() -> None:
    assert str(ReportPeriod.year(9999)) == "9999"
    with pytest.raises(PeriodError, match="1–9999"):
        ReportPeriod.year(9999).next()
    with pytest.raises(PeriodError, match="1–9999"):
        ReportPeriod.year(1).previous()
    with pytest.raises(PeriodError, match="1–9999"):
        ReportPeriod.containing(D(9999, 12, 31), "week")
    with pytest.raises(PeriodError, match="SJ9999/00"):
        ReportPeriod.parse("SJ9999/00")
    with pytest.raises(PeriodError, match="1–9999"):
        ReportPeriod.parse("9999-12-01/9999-12-31").next()


def test_constructor_checks_the_bounds_of_the_kind() -> None:
    ok = ReportPeriod(kind=PeriodKind.MONTH, start=D(2026, 1, 1), end=D(2026, 1, 31))
    assert ok == ReportPeriod.month(2026, 1)
    with pytest.raises(PeriodError, match="not a month period"):
        ReportPeriod(kind=PeriodKind.MONTH, start=D(2026, 1, 1), end=D(2026, 1, 30))
    with pytest.raises(PeriodError, match="not a calendar week period"):
        ReportPeriod(kind=PeriodKind.WEEK, start=D(2026, 1, 6), end=D(2026, 1, 12))
    with pytest.raises(PeriodError, match="before it starts"):
        ReportPeriod.interval(D(2026, 1, 2), D(2026, 1, 1))
    with pytest.raises(TypeError, match="datetime"):
        ReportPeriod.interval(dt.datetime(2026, 1, 1), D(2026, 1, 2))
    with pytest.raises(TypeError, match="PeriodKind"):
        ReportPeriod(kind="month", start=D(2026, 1, 1), end=D(2026, 1, 31))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int"):
        ReportPeriod.quarter(2026, "3")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("text", "german", "english"),
    [
        ("2026", "2026", "2026"),
        ("2026-H1", "1. Halbjahr 2026", "1st half 2026"),
        ("2026-H2", "2. Halbjahr 2026", "2nd half 2026"),
        ("2026-Q1", "1. Quartal 2026", "Q1 2026"),
        ("2026-Q2", "2. Quartal 2026", "Q2 2026"),
        ("2026-Q3", "3. Quartal 2026", "Q3 2026"),
        ("2026-Q4", "4. Quartal 2026", "Q4 2026"),
        ("2026-05", "Mai 2026", "May 2026"),
        ("2026-03", "März 2026", "March 2026"),
        ("2026-W07", "KW 7/2026", "Week 7, 2026"),
        ("SJ2025/26", "Schuljahr 2025/26", "School year 2025/26"),
        ("HJ2026", "Haushaltsjahr 2026", "Budget year 2026"),
        ("2025-01-01/2026-12-31", "01.01.2025–31.12.2026", "2025-01-01 – 2026-12-31"),
    ],
)
def test_labels(text: str, german: str, english: str) -> None:
    period = ReportPeriod.parse(text)
    assert str(period) == text
    assert period.label() == german
    assert period.label("de_DE") == german
    assert period.label("en") == english
    assert period.label("en-GB") == english


def test_label_of_a_fiscal_budget_year_and_unknown_language() -> None:
    fiscal = ReportPeriod.budget_year(2026, start_month=7)
    assert fiscal.label() == "Haushaltsjahr 2026/27"
    assert fiscal.label("en") == "Budget year 2026/27"
    with pytest.raises(InvalidValueError, match="lang"):
        fiscal.label("fr")


# --------------------------------------------------------------------------- due dates


@pytest.mark.parametrize(
    ("rule", "text", "due"),
    [
        # annual report three months after the year ends
        (DueDateRule(months=3), "2026", D(2027, 3, 31)),
        (DueDateRule.after_end(months=3), "2026", D(2027, 3, 31)),
        # month ends stay month ends (relativedelta from the day after the end)
        (DueDateRule(months=1), "2026-Q3", D(2026, 10, 31)),
        (DueDateRule(months=1), "2026-01", D(2026, 2, 28)),
        (DueDateRule(months=1), "2024-01", D(2024, 2, 29)),
        (DueDateRule(months=-1), "2026-Q1", D(2026, 2, 28)),
        (DueDateRule(months=6), "SJ2025/26", D(2027, 1, 31)),
        (DueDateRule(days=15), "2026-Q2", D(2026, 7, 15)),
        (DueDateRule(), "2026-05", D(2026, 5, 31)),
        # last Friday of the quarter
        (DueDateRule(weekday=4), "2026-Q1", D(2026, 3, 27)),
        (DueDateRule.last_weekday("FR"), "2026-Q2", D(2026, 6, 26)),
        (DueDateRule.last_weekday("FR"), "2026-Q3", D(2026, 9, 25)),
        (DueDateRule.last_weekday("FR"), "2026-Q4", D(2026, 12, 25)),
        (DueDateRule.last_weekday("FR"), "2026-07", D(2026, 7, 31)),  # a Friday itself
        (DueDateRule.last_weekday("MO", months=1), "2026-Q1", D(2026, 4, 27)),
        (DueDateRule(months=1), "2026-01-15/2026-02-14", D(2026, 3, 14)),
    ],
)
def test_due_dates(rule: DueDateRule, text: str, due: D) -> None:
    assert rule.due(ReportPeriod.parse(text)) == due


@given(periods, st.integers(-24, 24), st.integers(-60, 60), st.none() | st.integers(0, 6))
def test_due_date_properties(
    period: ReportPeriod, months: int, days: int, weekday: int | None
) -> None:
    rule = DueDateRule(months=months, days=days, weekday=weekday)
    without_weekday = DueDateRule(months=months, days=days).due(period)
    due = rule.due(period)
    if weekday is None:
        assert due == without_weekday
    else:
        assert due.weekday() == weekday
        assert dt.timedelta(0) <= without_weekday - due < dt.timedelta(days=7)
    if months == 0:
        assert without_weekday == period.end + dt.timedelta(days=days)
    if period.kind in MONTH_KINDS and months != 0 and days == 0:
        assert (without_weekday + ONE_DAY).day == 1  # a month end


def test_due_date_rule_validation() -> None:
    with pytest.raises(InvalidValueError, match="weekday"):
        DueDateRule(weekday=7)
    with pytest.raises(InvalidValueError, match="weekday"):
        DueDateRule.last_weekday("XX")
    with pytest.raises(InvalidValueError, match="months"):
        DueDateRule(months=1.5)  # type: ignore[arg-type]
    assert DueDateRule.last_weekday("friday") == DueDateRule(weekday=4)
    with pytest.raises(PeriodError, match="1–9999"):
        DueDateRule(months=1).due(ReportPeriod.year(9999))
