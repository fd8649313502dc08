"""The Erfolgsprognose: Theil–Sen trend, range, status and refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import ForecastRefusal, ForecastStatus, ReportPeriod, forecast
from kommunale_integration._engine.forecasting import theil_sen

P = ReportPeriod.parse


def _series(
    values: list[str | None], last: str = "2025"
) -> list[tuple[ReportPeriod, Decimal | None]]:
    end = P(last)
    return [
        (end.shift(i - len(values) + 1), None if v is None else Decimal(v))
        for i, v in enumerate(values)
    ]


decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


@given(
    intercept=decimals,
    slope=decimals,
    length=st.integers(min_value=3, max_value=8),
    steps=st.integers(min_value=0, max_value=10),
)
def test_a_perfect_linear_series_is_forecast_exactly(
    intercept: Decimal, slope: Decimal, length: int, steps: int
) -> None:
    end = P("2025")
    series = [(end.shift(-back), intercept + slope * -back) for back in range(length - 1, -1, -1)]
    target_period = end.shift(steps)
    result = forecast(series, end, Decimal(0), target_period, higher_is_better=True)
    expected = intercept + slope * steps
    assert result.refusal is None
    assert result.expected == expected
    # A perfect line leaves no doubt: the range is the single value.
    assert result.low == result.high == expected
    assert result.status is (ForecastStatus.ON_TRACK if expected >= 0 else ForecastStatus.OFF_TRACK)


@given(
    values=st.lists(st.one_of(st.none(), decimals), min_size=0, max_size=6),
)
def test_too_few_points_refuse(values: list[Decimal | None]) -> None:
    published = [v for v in values[-3:] if v is not None]
    end = P("2025")
    series = [(end.shift(i - len(values) + 1), v) for i, v in enumerate(values)]
    result = forecast(series, end, Decimal(100), P("2026"), higher_is_better=True)
    if len(published) < 3:
        assert result.refusal is ForecastRefusal.TOO_FEW_POINTS
        assert result.status is None
        assert result.expected is None
    else:
        assert result.refusal is None
        assert result.status is not None


@given(values=st.lists(decimals, min_size=3, max_size=6), steps=st.integers(1, 5))
def test_range_contains_the_projection(values: list[Decimal], steps: int) -> None:
    end = P("2025")
    result = forecast(
        _series([str(v) for v in values]), end, Decimal(0), end.shift(steps), higher_is_better=True
    )
    assert result.low is not None
    assert result.high is not None
    assert result.expected is not None
    assert result.low <= result.expected <= result.high


def test_only_the_last_three_periods_count() -> None:
    # 2022 was the first, partial year of an export: it must not lift the trend.
    result = forecast(
        _series(["22", "186", "192", "199"]),
        P("2025"),
        Decimal(220),
        P("2026"),
        higher_is_better=True,
    )
    assert result.points == 3
    assert result.expected == Decimal("205.5")
    assert result.status is ForecastStatus.OFF_TRACK


def test_theil_sen_resists_one_outlier_where_least_squares_does_not() -> None:
    values = ["100", "110", "120", "500", "140", "150"]
    end = P("2025")
    series = _series(values)
    result = forecast(series, end, Decimal(160), P("2026"), higher_is_better=True, window=6)
    # The median of the pairwise slopes is 10 per period despite the 500.
    assert result.slope == Decimal(10)
    assert result.expected == Decimal(160)


@pytest.mark.parametrize(
    ("values", "target", "higher", "status"),
    [
        (["100", "110", "120"], "130", True, ForecastStatus.ON_TRACK),
        (["100", "110", "120"], "131", True, ForecastStatus.OFF_TRACK),
        (["100", "130", "120"], "135", True, ForecastStatus.AT_RISK),
        (["120", "110", "100"], "90", False, ForecastStatus.ON_TRACK),
        (["120", "110", "100"], "89", False, ForecastStatus.OFF_TRACK),
    ],
)
def test_status_thresholds(
    values: list[str], target: str, higher: bool, status: ForecastStatus
) -> None:
    result = forecast(
        _series(values), P("2025"), Decimal(target), P("2026"), higher_is_better=higher
    )
    assert result.status is status


def test_at_risk_needs_the_favourable_end_of_the_range() -> None:
    # Slopes 30, 10, -10 (steps -2, -1, 0): median 10 → intercept 120, 130 in 2026;
    # upper quartile 20 → intercept 140, 160; lower quartile 0 → 120.
    result = forecast(
        _series(["100", "130", "120"]), P("2025"), Decimal(135), P("2026"), higher_is_better=True
    )
    assert result.expected == Decimal(130)
    assert result.high == Decimal(160)
    assert result.low == Decimal(120)


def test_target_of_another_period_kind_is_refused() -> None:
    series = _series(["10", "11", "12"], last="2025-Q3")
    result = forecast(series, P("2025-Q3"), Decimal(20), P("2026"), higher_is_better=True)
    assert result.refusal is ForecastRefusal.OTHER_PERIOD_KIND
    assert result.expected is None


def test_passed_and_far_targets_are_refused() -> None:
    series = _series(["10", "11", "12"])
    passed = forecast(series, P("2025"), Decimal(20), P("2024"), higher_is_better=True)
    assert passed.refusal is ForecastRefusal.TARGET_PASSED
    far = forecast(series, P("2025"), Decimal(20), P("2099"), higher_is_better=True)
    assert far.refusal is ForecastRefusal.TOO_FAR


def test_target_in_the_report_period_is_judged_on_the_value() -> None:
    series = _series(["980", "1100", "1234"])
    reached = forecast(series, P("2025"), Decimal(1200), P("2025"), higher_is_better=True)
    assert (reached.status, reached.expected, reached.steps) == (
        ForecastStatus.ON_TRACK,
        Decimal(1234),
        0,
    )
    missed = forecast(series, P("2025"), Decimal(1300), P("2025"), higher_is_better=True)
    assert missed.status is ForecastStatus.OFF_TRACK


def test_derive_forecasts_towards_the_target_direction() -> None:
    # A neutral indicator whose target lies above the start is judged upwards.
    concept = ki.Concept(
        id="k",
        title="K",
        territory="05558",
        indicators=[ki.Indicator(id="x", name="X", numerator="x")],
        targets=[ki.Target(indicator="x", territory="05558", period=P("2026"), value=Decimal(40))],
    )
    rows = [
        ki.IndicatorValue(indicator="x", period=P(year), territory="05558", value=Decimal(v))
        for year, v in (("2023", "10"), ("2024", "20"), ("2025", "30"))
    ]
    (figure,) = ki.derive(ki.IndicatorTable(rows, indicators=concept.indicators), concept, "2025")
    assert figure.forecast is not None
    assert figure.forecast.status is ForecastStatus.ON_TRACK
    assert figure.forecast.expected == Decimal(40)


# ------------------------------------------------------------------ rules pinned one by one
# (a mutation run of forecasting.py changed each of these without breaking a test)


def test_a_target_exactly_forty_periods_ahead_is_projected_and_one_more_is_not() -> None:
    series = _series(["10", "11", "12"])
    furthest = forecast(series, P("2025"), Decimal(50), P("2065"), higher_is_better=True)
    assert (furthest.refusal, furthest.steps, furthest.expected) == (None, 40, Decimal(52))
    beyond = forecast(series, P("2025"), Decimal(50), P("2066"), higher_is_better=True)
    assert beyond.refusal is ForecastRefusal.TOO_FAR


def test_a_refused_forecast_was_fitted_on_no_values() -> None:
    series = _series(["10", "11", "12"], last="2025-Q3")
    result = forecast(series, P("2025-Q3"), Decimal(20), P("2026"), higher_is_better=True)
    assert (result.points, result.steps, result.slope) == (0, 0, None)


def test_a_target_of_the_report_period_needs_only_the_reports_value() -> None:
    """No trend is fitted for the report period itself: one published value suffices."""
    series = _series([None, None, "7"])
    result = forecast(series, P("2025"), Decimal(5), P("2025"), higher_is_better=True)
    assert (result.status, result.expected, result.low, result.high) == (
        ForecastStatus.ON_TRACK,
        Decimal(7),
        Decimal(7),
        Decimal(7),
    )


@pytest.mark.parametrize("min_points", [0, 1])
def test_a_trend_needs_two_values_whatever_the_minimum_asked_for(min_points: int) -> None:
    series = _series([None, None, "7"])
    result = forecast(
        series, P("2025"), Decimal(9), P("2027"), higher_is_better=True, min_points=min_points
    )
    assert (result.refusal, result.points) == (ForecastRefusal.TOO_FEW_POINTS, 1)
    two = forecast(
        _series([None, "5", "7"]),
        P("2025"),
        Decimal(9),
        P("2027"),
        higher_is_better=True,
        min_points=min_points,
    )
    assert (two.refusal, two.points, two.expected) == (None, 2, Decimal(11))


def test_the_minimum_of_values_is_the_one_asked_for() -> None:
    series = _series([None, "5", "7"])
    result = forecast(series, P("2025"), Decimal(9), P("2027"), higher_is_better=True, min_points=2)
    assert (result.refusal, result.expected) == (None, Decimal(11))
    assert forecast(series, P("2025"), Decimal(9), P("2027"), higher_is_better=True).refusal is (
        ForecastRefusal.TOO_FEW_POINTS
    )


def test_theil_sen_of_two_values_is_their_line() -> None:
    assert theil_sen([(0, Decimal(0)), (2, Decimal(4))]) == (2, 0, 2, 0, 2, 0)


def test_theil_sen_takes_the_median_and_the_quartiles_of_the_pairwise_slopes() -> None:
    """Four values: six slopes 1, 1, 4/3, 3/2, 3/2, 2. The median of an even number is
    the mean of the middle two (17/12); the quartiles interpolate between order
    statistics (13/12 and 3/2)."""
    from fractions import Fraction

    points = [(0, Decimal(0)), (1, Decimal(1)), (2, Decimal(3)), (3, Decimal(4))]
    slope, _, low, _, high, _ = theil_sen(points)
    assert (slope, low, high) == (Fraction(17, 12), Fraction(13, 12), Fraction(3, 2))
