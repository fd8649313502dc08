"""The rules of the derived figures, each pinned on a hand-made table (:mod:`._engine.derived`).

Which target applies, which baseline, how many trend periods, which way a neutral
indicator's target lies: a mutation run of ``derived.py`` changed each of these rules
without breaking a test. Each test here names the rule it pins.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kommunale_integration import (
    Baseline,
    Concept,
    DerivedFigure,
    ForecastStatus,
    IndicatorTable,
    IndicatorValue,
    ObservationStatus,
    ReportPeriod,
    Target,
    comparison_periods,
    derive,
)

KREIS = "05558"


def _table(values: dict[str, int | None]) -> IndicatorTable:
    """Indicator ``x`` of the Kreis: period → value (``None``: suppressed)."""
    return IndicatorTable(
        IndicatorValue(
            indicator="x",
            period=ReportPeriod.parse(period),
            territory=KREIS,
            value=None if value is None else Decimal(value),
            status=ObservationStatus.SUPPRESSED if value is None else ObservationStatus.OK,
        )
        for period, value in values.items()
    )


YEARS = _table({str(year): 10 + year - 2018 for year in range(2018, 2026)})


def _target(period: str, value: int) -> Target:
    return Target(
        indicator="x", territory=KREIS, period=ReportPeriod.parse(period), value=Decimal(value)
    )


def _baseline(period: str, value: int) -> Baseline:
    return Baseline(
        indicator="x", territory=KREIS, period=ReportPeriod.parse(period), value=Decimal(value)
    )


def _figure(
    table: IndicatorTable,
    period: str,
    targets: list[Target] = [],  # noqa: B006 - never changed
    baselines: list[Baseline] = [],  # noqa: B006 - never changed
    **options: int,
) -> DerivedFigure:
    concept = Concept(id="k", title="K", territory=KREIS, targets=targets, baselines=baselines)
    (figure,) = derive(table, concept, period, **options)
    return figure


# --------------------------------------------------------------------------- trend


def test_the_default_trend_is_the_last_five_periods() -> None:
    assert [p for p, _ in _figure(YEARS, "2025").trend] == ["2021", "2022", "2023", "2024", "2025"]
    assert [str(p) for p in comparison_periods("2025")] == ["2021", "2022", "2023", "2024", "2025"]


def test_a_trend_of_n_periods_ends_with_the_report_period() -> None:
    assert _figure(YEARS, "2025", trend=2).trend == (("2024", Decimal(16)), ("2025", Decimal(17)))
    assert _figure(YEARS, "2025", trend=1).trend == (("2025", Decimal(17)),)
    assert _figure(YEARS, "2025", trend=0).trend == ()


@pytest.mark.parametrize("trend", [0, 1, 2])
def test_comparison_periods_always_include_the_previous_period(trend: int) -> None:
    assert [str(p) for p in comparison_periods("2025", trend)] == ["2024", "2025"]


def test_comparison_periods_of_a_quarter_reach_back_a_year() -> None:
    found = [str(p) for p in comparison_periods("2025-Q3")]
    assert found == ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    # the previous quarter even with a trend of one period
    found = [str(p) for p in comparison_periods("2025-Q3", 1)]
    assert found == ["2024-Q3", "2025-Q2", "2025-Q3"]


# --------------------------------------------------------------------------- targets


def test_the_target_of_the_report_period_wins_over_a_later_one() -> None:
    figure = _figure(YEARS, "2025", [_target("2026", 40), _target("2025", 20)])
    assert (figure.target, str(figure.target_period)) == (20, "2025")
    assert figure.attainment == Decimal("85.0")  # 17 of 20
    assert figure.attainment_note is None


def test_without_a_target_for_the_period_the_nearest_later_one_applies() -> None:
    figure = _figure(YEARS, "2025", [_target("2028", 40), _target("2026", 30), _target("2024", 5)])
    assert (figure.target, str(figure.target_period)) == (30, "2026")


def test_a_later_target_of_the_same_kind_wins_over_an_earlier_one_of_another_kind() -> None:
    figure = _figure(YEARS, "2025", [_target("2026-Q1", 18), _target("2027", 30)])
    assert (figure.target, str(figure.target_period)) == (30, "2027")


def test_a_target_of_another_kind_ending_with_the_period_applies_without_attainment() -> None:
    quarters = _table({"2025-Q3": 4, "2025-Q4": 5})
    figure = _figure(quarters, "2025-Q4", [_target("2025", 20)])
    assert (figure.target, str(figure.target_period)) == (20, "2025")
    assert figure.attainment is None
    assert figure.attainment_note == "other-period-kind"


# --------------------------------------------------------------------------- baselines


def test_a_baseline_of_the_report_period_itself_applies() -> None:
    figure = _figure(YEARS, "2025", [_target("2027", 27)], [_baseline("2025", 17)])
    assert (figure.baseline, str(figure.baseline_period)) == (17, "2025")
    assert figure.attainment == Decimal("0.0")  # no progress yet from 17 towards 27


def test_the_latest_baseline_up_to_the_period_applies_and_a_later_one_does_not() -> None:
    figure = _figure(
        YEARS,
        "2024",
        [_target("2027", 26)],
        [_baseline("2020", 12), _baseline("2022", 14), _baseline("2025", 17)],
    )
    assert (figure.baseline, str(figure.baseline_period)) == (14, "2022")
    assert figure.attainment == Decimal("16.7")  # (16 − 14) ÷ (26 − 14)


@pytest.mark.parametrize(
    ("attainment", "below"),
    [(None, False), (Decimal("-0.1"), True), (Decimal(0), False), (Decimal("0.1"), False)],
)
def test_below_baseline_means_a_negative_attainment(
    attainment: Decimal | None, below: bool
) -> None:
    figure = DerivedFigure(
        indicator="x",
        territory=KREIS,
        period=ReportPeriod.parse("2025"),
        value=Decimal(1),
        status=ObservationStatus.OK,
        attainment=attainment,
    )
    assert figure.below_baseline is below


# --------------------------------------------------------------------------- direction


def test_a_neutral_target_equal_to_the_start_counts_rising_values_as_progress() -> None:
    """No direction: the target lies above the start when it is at least the start, so
    values rising past it reach it (not: miss it)."""
    figure = _figure(YEARS, "2025", [_target("2027", 13)], [_baseline("2021", 13)])
    assert figure.forecast is not None
    assert figure.forecast.status is ForecastStatus.ON_TRACK
    falling = _table({str(year): 30 - year + 2018 for year in range(2018, 2026)})
    figure = _figure(falling, "2025", [_target("2027", 27)], [_baseline("2021", 27)])
    assert figure.forecast is not None
    assert figure.forecast.status is ForecastStatus.OFF_TRACK
