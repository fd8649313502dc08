"""Rules of the engine that no other test broke when they were broken (mutation testing,
sixteenth session): each test here fails with the mutant it names and passes with the
rule as written."""

from __future__ import annotations

import pytest

from kommunale_integration import PeriodError, ReportPeriod
from kommunale_integration._engine import expand_periods


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
