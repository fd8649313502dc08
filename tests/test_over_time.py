"""Hand-entered values over time: how quarters and months combine into the year.

The rule (``Indicator.over_time``) lives in one place (``_engine/temporal.py``); the
engine derives a longer period from it and validation uses it to tell whether a report
period has a value. The expected values here are computed by hand, not by the module.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration._engine.temporal import combine_over_time, tilings

OK = ki.ObservationStatus.OK
YEAR = ki.ReportPeriod.year(2026)
QUARTERS = [ki.ReportPeriod.quarter(2026, q) for q in range(1, 5)]
MONTHS = [ki.ReportPeriod.month(2026, m) for m in range(1, 13)]


def _lookup(values: dict[ki.ReportPeriod, object]):  # type: ignore[no-untyped-def]
    def find(part: ki.ReportPeriod):  # type: ignore[no-untyped-def]
        value = values.get(part)
        if value is None:
            return None
        if isinstance(value, tuple):
            return value
        return Decimal(str(value)), OK

    return find


def test_tilings_of_a_year_school_year_and_month() -> None:
    assert [len(t) for t in tilings(YEAR)] == [2, 4, 12]
    assert [len(t) for t in tilings(ki.ReportPeriod.parse("SJ2025/26"))] == [12]
    assert list(tilings(MONTHS[0])) == []


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("sum", Decimal(100)), ("mean", Decimal("25.0")), ("last", Decimal(40))],
)
def test_four_quarters_combine_into_the_year(rule: str, expected: Decimal) -> None:
    values = dict(zip(QUARTERS, [10, 20, 30, 40], strict=True))
    assert combine_over_time(ki.OverTime(rule), YEAR, _lookup(values)) == (expected, OK)


def test_none_never_combines() -> None:
    values = dict(zip(QUARTERS, [10, 20, 30, 40], strict=True))
    assert combine_over_time(ki.OverTime.NONE, YEAR, _lookup(values)) is None


def test_a_gap_means_no_sum_and_no_mean_but_last_needs_only_the_last_part() -> None:
    values = dict(zip(QUARTERS[:3], [10, 20, 30], strict=True))
    assert combine_over_time(ki.OverTime.SUM, YEAR, _lookup(values)) is None
    assert combine_over_time(ki.OverTime.MEAN, YEAR, _lookup(values)) is None
    assert combine_over_time(ki.OverTime.LAST, YEAR, _lookup(values)) is None
    values = {QUARTERS[3]: 7}
    assert combine_over_time(ki.OverTime.LAST, YEAR, _lookup(values)) == (Decimal(7), OK)


def test_months_serve_where_quarters_are_missing() -> None:
    values = dict(zip(MONTHS, range(1, 13), strict=True))
    assert combine_over_time(ki.OverTime.SUM, YEAR, _lookup(values)) == (Decimal(78), OK)


def test_a_suppressed_part_leaves_the_sum_unknown_with_its_status() -> None:
    values: dict[ki.ReportPeriod, object] = dict(zip(QUARTERS, [10, 20, 30, 40], strict=True))
    values[QUARTERS[1]] = (None, ki.ObservationStatus.SUPPRESSED)
    assert combine_over_time(ki.OverTime.SUM, YEAR, _lookup(values)) == (
        None,
        ki.ObservationStatus.SUPPRESSED,
    )


def test_the_worst_status_of_the_parts_wins() -> None:
    values: dict[ki.ReportPeriod, object] = dict(zip(QUARTERS, [1, 2, 3, 4], strict=True))
    values[QUARTERS[2]] = (Decimal(3), ki.ObservationStatus.PROVISIONAL)
    assert combine_over_time(ki.OverTime.SUM, YEAR, _lookup(values)) == (
        Decimal(10),
        ki.ObservationStatus.PROVISIONAL,
    )


@given(st.lists(st.integers(0, 10**6), min_size=4, max_size=4))
def test_quarter_values_combine_as_declared(values: list[int]) -> None:
    found = _lookup(dict(zip(QUARTERS, values, strict=True)))
    assert combine_over_time(ki.OverTime.SUM, YEAR, found) == (Decimal(sum(values)), OK)
    assert combine_over_time(ki.OverTime.LAST, YEAR, found) == (Decimal(values[-1]), OK)
    mean = combine_over_time(ki.OverTime.MEAN, YEAR, found)
    assert mean is not None
    assert mean[0] is not None
    assert abs(mean[0] - Decimal(sum(values)) / 4) <= Decimal("0.05")


# --------------------------------------------------------------------------- concept level


def _concept(rule: str, quarters: list[int | None]) -> ki.Concept:
    return ki.Concept(
        id="k",
        title="K",
        territory="05558012",
        territories=(ki.Territory(ags="05558012", name="Coesfeld", kind="town"),),
        indicators=(
            ki.Indicator(
                id="teilnahmen",
                name="Teilnahmen Sprachcafé",
                numerator="teilnahmen",
                over_time=ki.OverTime(rule),
            ),
        ),
        observations=tuple(
            ki.Observation(indicator="teilnahmen", period=q, territory="05558012", value=Decimal(v))
            for q, v in zip(QUARTERS, quarters, strict=True)
            if v is not None
        ),
    )


def _year_value(concept: ki.Concept) -> tuple[Decimal | None, str]:
    table = ki.compute_indicators(concept, periods=["2026"], include_subperiods=False)
    rows = [r for r in table.rows if r.period == YEAR and r.territory == "05558012"]
    assert len(rows) <= 1
    return (rows[0].value, str(rows[0].status)) if rows else (None, "missing")


def test_engine_derives_the_year_from_entered_quarters() -> None:
    assert _year_value(_concept("sum", [5, 6, 7, 8])) == (Decimal(26), "ok")
    assert _year_value(_concept("last", [5, 6, 7, 8])) == (Decimal(8), "ok")


def test_engine_without_a_rule_leaves_the_year_missing() -> None:
    value, status = _year_value(_concept("none", [5, 6, 7, 8]))
    assert value is None
    assert status == "missing"


def _completeness(concept: ki.Concept) -> list[ki.Finding]:
    report = ki.validate(concept, period="2026")
    return [f for f in report.findings if f.code == "incomplete-period"]


def test_validation_accepts_a_year_that_follows_from_its_quarters() -> None:
    assert _completeness(_concept("sum", [5, 6, 7, 8])) == []


def test_validation_flags_quarters_without_a_rule() -> None:
    findings = _completeness(_concept("none", [5, 6, 7, 8]))
    assert len(findings) == 1
    assert "nur Werte für Teile des Zeitraums" in findings[0].message
    assert "over_time" in findings[0].message


def test_validation_flags_a_missing_quarter() -> None:
    findings = _completeness(_concept("sum", [5, None, 7, 8]))
    assert len(findings) == 1
    assert "fehlt ein Teilwert" in findings[0].message


def test_validation_flags_a_year_without_any_value() -> None:
    findings = _completeness(_concept("sum", [None, None, None, None]))
    assert len(findings) == 1
    assert "fehlt im Zeitraum 2026 ein Wert" in findings[0].message


def test_over_time_round_trips_through_yaml() -> None:
    concept = _concept("mean", [1, 2, 3, 4])
    text = ki.dumps_yaml(concept)
    assert "over_time: mean" in text
    assert ki.loads_yaml(text, ki.Concept) == concept
