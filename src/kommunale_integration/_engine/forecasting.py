"""Erfolgsprognose: will a Kennzahl reach its target if it keeps developing as before?

The method (documented for the committee in the report's annex and in ``docs/reports.rst``):

1. Take the published values of the last :data:`WINDOW` periods up to the report period
   (same period kind). Fewer than :data:`MIN_POINTS` values: no forecast, with the reason.
2. Fit a **Theil–Sen** trend: the slope is the median of the slopes between every pair of
   values, the intercept the median of ``value − slope × step``. Unlike a least-squares line,
   one outlying value does not decide the slope.
3. Project the trend to the target period. The **range** (Spanne) is the projection with
   the lower and the upper quartile of the pairwise slopes (each with its own median
   intercept); a perfectly linear series has a range of one value.
4. Compare with the target, in the direction in which the target lies:
   *on track* (auf Kurs) when the projection reaches it, *at risk* (gefährdet) when only
   the favourable end of the range does, *off track* (nicht auf Kurs) when not even that.

The arithmetic is exact (fractions); results are rounded only for display.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Final

import attrs

from .._periods import PeriodError, ReportPeriod

__all__ = [
    "MIN_POINTS",
    "WINDOW",
    "Forecast",
    "ForecastRefusal",
    "ForecastStatus",
    "forecast",
    "theil_sen",
]

#: How many periods up to the report period the trend is fitted on.
WINDOW: Final = 3
#: The fewest published values a forecast needs.
MIN_POINTS: Final = 3
#: How far ahead (in periods) a target may lie to be projected.
MAX_STEPS: Final = 40


class ForecastStatus(enum.StrEnum):
    """The outlook of a target (Prognosestatus).

    .. versionadded:: 0.2.0
    """

    ON_TRACK = "on-track"
    """auf Kurs – the projection reaches the target."""
    AT_RISK = "at-risk"
    """gefährdet – only the favourable end of the range reaches it."""
    OFF_TRACK = "off-track"
    """nicht auf Kurs – not even the favourable end of the range reaches it."""


class ForecastRefusal(enum.StrEnum):
    """Why no forecast was made (Grund).

    .. versionadded:: 0.2.0
    """

    TOO_FEW_POINTS = "too-few-points"
    """Fewer than three published values (``MIN_POINTS``) in the window."""
    OTHER_PERIOD_KIND = "other-period-kind"
    """The target is for another kind of period (an annual target, a quarter report)."""
    TARGET_PASSED = "target-passed"
    """The target period ended before the report period."""
    TOO_FAR = "too-far"
    """The target lies more than 40 periods (``MAX_STEPS``) ahead."""


@attrs.frozen(kw_only=True)
class Forecast:
    """A projection of a Kennzahl to its target period.

    Attributes:
        target: The target value.
        target_period: Its period.
        status: :class:`ForecastStatus`; ``None`` when refused.
        refusal: Why there is no forecast; ``None`` when there is one.
        expected: The projected value in the target period (the value itself when the
            target period is the report period).
        low: Lower end of the range.
        high: Upper end of the range.
        steps: Periods from the report period to the target period (0: same period).
        points: How many values the trend was fitted on.
        slope: Theil–Sen slope per period.

    .. versionadded:: 0.2.0
    """

    target: Decimal
    target_period: ReportPeriod
    status: ForecastStatus | None = None
    refusal: ForecastRefusal | None = None
    expected: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    steps: int = 0
    points: int = 0
    slope: Decimal | None = None


def _median(values: Sequence[Fraction]) -> Fraction:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _quantile(values: Sequence[Fraction], q: Fraction) -> Fraction:
    """The *q*-quantile with linear interpolation between order statistics."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = int(position)
    if below + 1 >= len(ordered):
        return ordered[-1]
    weight = position - below
    return ordered[below] + (ordered[below + 1] - ordered[below]) * weight


def _intercept(points: Sequence[tuple[int, Fraction]], slope: Fraction) -> Fraction:
    return _median([y - slope * x for x, y in points])


def theil_sen(
    points: Sequence[tuple[int, Decimal]],
) -> tuple[Fraction, Fraction, Fraction, Fraction, Fraction, Fraction]:
    """Fit a Theil–Sen line to ``(step, value)`` points (at least two distinct steps).

    Returns:
        ``(slope, intercept, low_slope, low_intercept, high_slope, high_intercept)``:
        the median line and the lines of the lower and upper quartile slopes.

    .. versionadded:: 0.2.0
    """
    exact = [(x, Fraction(y)) for x, y in points]
    slopes = [
        (y2 - y1) / (x2 - x1)
        for i, (x1, y1) in enumerate(exact)
        for x2, y2 in exact[i + 1 :]
        if x2 != x1
    ]
    if not slopes:
        raise ValueError("a trend needs at least two values at different steps")
    slope = _median(slopes)
    low = _quantile(slopes, Fraction(1, 4))
    high = _quantile(slopes, Fraction(3, 4))
    return (
        slope,
        _intercept(exact, slope),
        low,
        _intercept(exact, low),
        high,
        _intercept(exact, high),
    )


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _steps(current: ReportPeriod, target: ReportPeriod) -> int | None:
    """``n`` with ``current.shift(n) == target`` (0 … MAX_STEPS), else ``None``."""
    for n in range(MAX_STEPS + 1):
        try:
            if current.shift(n) == target:
                return n
        except PeriodError:
            return None
    return None


def forecast(
    series: Sequence[tuple[ReportPeriod, Decimal | None]],
    period: ReportPeriod,
    target: Decimal,
    target_period: ReportPeriod,
    *,
    higher_is_better: bool,
    window: int = WINDOW,
    min_points: int = MIN_POINTS,
) -> Forecast:
    """Project *series* to *target_period* and judge it against *target* (see module notes).

    Args:
        series: ``(period, value)`` of the periods up to *period*, oldest first; a value
            that is not published is ``None``.
        period: The report period (the last period of the series).
        target: The target value (Zielwert).
        target_period: The period of the target.
        higher_is_better: Whether the target lies above (``True``) or below the values.
        window: The trend is fitted on the last *window* periods.
        min_points: Fewer published values than this: refused.

    .. versionadded:: 0.2.0
    """
    base = Forecast(target=target, target_period=target_period)
    if target_period.kind != period.kind:
        return attrs.evolve(base, refusal=ForecastRefusal.OTHER_PERIOD_KIND)
    if target_period.end < period.end:
        return attrs.evolve(base, refusal=ForecastRefusal.TARGET_PASSED)
    steps = _steps(period, target_period)
    if steps is None:
        return attrs.evolve(base, refusal=ForecastRefusal.TOO_FAR)

    goal = Fraction(target)

    def reached(value: Fraction) -> bool:
        return value >= goal if higher_is_better else value <= goal

    recent = [(p, v) for p, v in series if p <= period][-window:]
    if steps == 0:
        current = next((v for p, v in recent if p == period), None)
        if current is None:
            return attrs.evolve(base, refusal=ForecastRefusal.TOO_FEW_POINTS)
        status = ForecastStatus.ON_TRACK if reached(Fraction(current)) else ForecastStatus.OFF_TRACK
        return attrs.evolve(base, status=status, expected=current, low=current, high=current)
    points = [
        (-back, v) for p, v in recent if v is not None and (back := _steps(p, period)) is not None
    ]
    if len(points) < max(min_points, 2):
        return attrs.evolve(base, refusal=ForecastRefusal.TOO_FEW_POINTS, points=len(points))
    slope, intercept, low_slope, low_icpt, high_slope, high_icpt = theil_sen(points)
    expected = intercept + slope * steps
    ends = (low_icpt + low_slope * steps, high_icpt + high_slope * steps, expected)
    low, high = min(ends), max(ends)
    favourable = high if higher_is_better else low
    if reached(expected):
        status = ForecastStatus.ON_TRACK
    elif reached(favourable):
        status = ForecastStatus.AT_RISK
    else:
        status = ForecastStatus.OFF_TRACK
    return attrs.evolve(
        base,
        status=status,
        expected=_decimal(expected),
        low=_decimal(low),
        high=_decimal(high),
        steps=steps,
        points=len(points),
        slope=_decimal(slope),
    )
