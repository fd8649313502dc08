"""Rules of the engine that no other test broke when they were broken (mutation testing,
sixteenth session): each test here fails with the mutant it names and passes with the
rule as written."""

from __future__ import annotations

import pytest

from kommunale_integration import PeriodError, ReportPeriod
from kommunale_integration._engine import expand_periods
from kommunale_integration._engine.compute import age_years


def test_expand_periods_adds_sub_periods_only_when_asked() -> None:
    # mutant: ``include_subperiods: bool = True``
    assert expand_periods(["2025"]) == [ReportPeriod.parse("2025")]


def test_sub_periods_of_up_to_36_calendar_months_are_computed_not_more() -> None:
    # mutants: MAX_SUBPERIOD_MONTHS ± 1, ``months > …``, the months touched miscounted
    three_years = expand_periods(["2023-01-01/2025-12-31"], True)
    assert len([p for p in three_years if str(p).count("-") == 1 and "Q" not in str(p)]) == 36
    # 36 calendar months touched (not 36 months long) is no error; it does not split
    partial = ReportPeriod.parse("2023-01-15/2025-12-01")
    assert expand_periods([partial], True) == [partial]
    with pytest.raises(PeriodError, match="37"):
        expand_periods(["2023-01-01/2026-01-31"], True)
    with pytest.raises(PeriodError, match="37"):
        expand_periods(["2023-01-31/2026-01-01"], True)


def test_periods_that_share_only_a_day_take_one_age_year() -> None:
    # mutant: ``periods[p].start < ends[-1]`` (a period starting on the last day of
    # another would be aged apart: the one day's cases in two age groups)
    periods = [ReportPeriod.parse(p) for p in ["2024-06-01/2024-12-31", "2024-12-31/2025-06-30"]]
    assert age_years(periods) == [2025, 2025]
    # the day after is no overlap: each keeps its own year
    periods = [ReportPeriod.parse(p) for p in ["2024-06-01/2024-12-31", "2025-01-01/2025-06-30"]]
    assert age_years(periods) == [2024, 2025]


def test_a_group_of_overlapping_periods_keeps_its_latest_last_day() -> None:
    # mutants: the group's end compared or kept as the first group's (``ends[0]``), so
    # that 2024-03 inside 2024 shortens the group and 2024-06-01/2025-01-31 falls out
    periods = [ReportPeriod.parse(p) for p in ["2023", "2024", "2024-03", "2024-06-01/2025-01-31"]]
    assert age_years(periods) == [2023, 2025, 2025, 2025]
