"""Derived figures: changes, target attainment, baseline, trend and forecast.

:func:`derive` reads an :class:`IndicatorTable` (which must contain the compared
periods: compute it with :func:`comparison_periods`) and the concept's targets and
baselines, and returns one :class:`DerivedFigure` per indicator and territory for the
total over all dimensions. This is the one computation of derived figures: the
Jahresbericht shows exactly what :func:`derive` returns.

Rules where the data leaves a choice:

* **Target** (Zielwert) of a period: the target for exactly that period, else the
  nearest later target of the same period kind. A target of another kind (an annual
  target in a quarter report) is kept in ``target``/``target_period`` but gives no
  attainment and no forecast (``attainment_note = "other-period-kind"``): a quarter is
  never measured against a year.
* **Baseline** (Ausgangswert): the latest baseline that starts no later than the period.
* **Attainment**: see :func:`attainment`. A value below the baseline gives a negative
  attainment; ``below_baseline`` says so, and reports show it in words.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import attrs

from .._i18n import room_for
from .._model import Baseline, Concept, Direction, Indicator, ObservationStatus, Target
from .._periods import PeriodError, ReportPeriod
from .forecasting import Forecast, forecast
from .table import IndicatorTable, IndicatorValue

__all__ = ["DerivedFigure", "attainment", "comparison_periods", "derive"]

_ONE_DECIMAL = Decimal("0.1")
_HUNDRED = Decimal(100)


@attrs.frozen(kw_only=True)
class DerivedFigure:
    """An indicator value with its comparisons (abgeleitete Kennzahlen).

    Changes are ``None`` when either compared value is missing or suppressed; the
    ``change_status`` / ``change_last_year_status`` then say which (``suppressed``
    wins over ``missing``). Absolute changes of rates are percentage points, relative
    changes are per cent of the earlier value (rounded half up to one decimal; ``None``
    when the earlier value is 0).

    Attributes:
        indicator: Indicator code.
        territory: Territory key.
        period: The report period.
        value: The value in the period (``None`` if suppressed or missing).
        status: Its status.
        previous_value: Value of the previous period (Vorperiode).
        change_abs: ``value − previous_value``.
        change_rel: ``change_abs / previous_value × 100``.
        change_status: Status of the change to the previous period.
        last_year_value: Value of the same period a year earlier (Vorjahreszeitraum).
        change_last_year_abs: ``value − last_year_value``.
        change_last_year_rel: ``change_last_year_abs / last_year_value × 100``.
        change_last_year_status: Status of the change to the previous year.
        target: The target value (Zielwert) that applies, if any.
        target_period: The period of that target.
        attainment: Per cent of the target reached (Zielerreichung), direction-aware.
        attainment_note: Why there is no attainment although there is a target
            (``"other-period-kind"``), else ``None``.
        baseline: The baseline value (Ausgangswert), if any.
        baseline_period: The period of that baseline.
        change_baseline_abs: ``value − baseline`` (change since the baseline).
        trend: ``(period, value)`` for the last periods up to *period*, oldest first.
        forecast: The :class:`~kommunale_integration.Forecast` towards the target
            (``None`` without a target).

    .. versionadded:: 0.1.0
    """

    indicator: str
    territory: str
    period: ReportPeriod
    value: Decimal | None
    status: ObservationStatus
    previous_value: Decimal | None = None
    change_abs: Decimal | None = None
    change_rel: Decimal | None = None
    change_status: ObservationStatus = ObservationStatus.MISSING
    last_year_value: Decimal | None = None
    change_last_year_abs: Decimal | None = None
    change_last_year_rel: Decimal | None = None
    change_last_year_status: ObservationStatus = ObservationStatus.MISSING
    target: Decimal | None = None
    target_period: ReportPeriod | None = None
    attainment: Decimal | None = None
    attainment_note: str | None = None
    baseline: Decimal | None = None
    baseline_period: ReportPeriod | None = None
    change_baseline_abs: Decimal | None = None
    trend: tuple[tuple[str, Decimal | None], ...] = ()
    forecast: Forecast | None = None

    @property
    def below_baseline(self) -> bool:
        """Whether the value lies on the wrong side of the baseline (negative attainment)."""
        return self.attainment is not None and self.attainment < 0


def comparison_periods(period: ReportPeriod | str, trend: int = 5) -> list[ReportPeriod]:
    """The periods :func:`derive` compares *period* with: the *trend* periods up to it
    (which include the previous one) and the same period a year earlier.

    .. versionadded:: 0.1.0
    """
    current = ReportPeriod.parse(period) if isinstance(period, str) else period
    result: list[ReportPeriod] = []
    for back in range(max(trend, 2) - 1, -1, -1):
        try:
            result.append(current.shift(-back))
        except PeriodError:
            continue
    with contextlib.suppress(PeriodError):
        result.append(current.same_period_last_year())
    return sorted(set(result), key=lambda p: (p.start, p.end))


def _change(
    value: IndicatorValue | None, earlier: IndicatorValue | None
) -> tuple[Decimal | None, Decimal | None, ObservationStatus]:
    statuses = [c.status if c is not None else ObservationStatus.MISSING for c in (value, earlier)]
    if ObservationStatus.SUPPRESSED in statuses:
        return None, None, ObservationStatus.SUPPRESSED
    if value is None or earlier is None or value.value is None or earlier.value is None:
        return None, None, ObservationStatus.MISSING
    absolute = value.value - earlier.value
    relative = None if earlier.value == 0 else _one_decimal(absolute * _HUNDRED / earlier.value)
    status = (
        ObservationStatus.OK
        if all(s is ObservationStatus.OK for s in statuses)
        else max(statuses, key=lambda s: s is not ObservationStatus.OK)
    )
    return absolute, relative, status


def _target(
    targets: Iterable[Target], indicator: str, territory: str, period: ReportPeriod
) -> Target | None:
    """The target for *period*: exact, else the nearest later one of the same kind, else
    the nearest later one of another kind (which gives no attainment)."""
    own = [t for t in targets if t.indicator == indicator and t.territory == territory]
    exact = [t for t in own if t.period == period]
    if exact:
        return exact[0]
    ahead = sorted(
        (t for t in own if t.period.end >= period.end),
        key=lambda t: (t.period.kind != period.kind, t.period.end, t.period.start),
    )
    return ahead[0] if ahead else None


def _baseline(
    baselines: Iterable[Baseline], indicator: str, territory: str, period: ReportPeriod
) -> Baseline | None:
    own = [
        b
        for b in baselines
        if b.indicator == indicator and b.territory == territory and b.period.start <= period.start
    ]
    return max(own, key=lambda b: b.period.start) if own else None


def attainment(
    value: Decimal | None,
    target: Decimal | None,
    *,
    baseline: Decimal | None = None,
    direction: Direction = Direction.UP,
) -> Decimal | None:
    """Per cent of a target reached (Zielerreichungsgrad), rounded to one decimal.

    * With a baseline different from the target: progress from baseline to target,
      ``(value − baseline) / (target − baseline) × 100`` — this works for rising and
      falling targets alike.
    * Otherwise ``value / target × 100`` (direction ``up`` or ``neutral``) or
      ``target / value × 100`` (direction ``down``; ``None`` for a value of 0).

    ``None`` when the value or the target is missing or a division by zero would occur.

    .. versionadded:: 0.1.0
    """
    if value is None or target is None:
        return None
    if baseline is not None and target != baseline:
        result = (value - baseline) * _HUNDRED / (target - baseline)
    elif direction is Direction.DOWN:
        if value == 0:
            return None
        result = target * _HUNDRED / value
    else:
        if target == 0:
            return None
        result = value * _HUNDRED / target
    return _one_decimal(result)


def _one_decimal(number: Decimal) -> Decimal:
    """*number* rounded to one place, also when it has more digits than the context."""
    with room_for(number, 1):
        return number.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _higher_is_better(
    definition: Indicator | None, target: Decimal, reference: Decimal | None
) -> bool:
    """Which way the target lies: the indicator's direction, else from the reference."""
    direction = definition.direction if definition is not None else Direction.NEUTRAL
    if direction is Direction.UP:
        return True
    if direction is Direction.DOWN:
        return False
    return reference is None or target >= reference


def _figure(
    table: IndicatorTable,
    row: IndicatorValue,
    definition: Indicator | None,
    *,
    current: ReportPeriod,
    target: Target | None,
    base: Baseline | None,
    trend_periods: list[ReportPeriod],
) -> DerivedFigure:
    code, where = row.indicator, row.territory
    earlier = _cell(table, code, _step(current, -1), where)
    year_ago = _cell(table, code, _last_year(current), where)
    change_abs, change_rel, change_status = _change(row, earlier)
    ly_abs, ly_rel, ly_status = _change(row, year_ago)
    value = _published(row)
    series = [(p, _published(table.get(code, p, where))) for p in trend_periods]
    direction = definition.direction if definition is not None else Direction.NEUTRAL
    comparable = target is not None and target.period.kind == current.kind
    outlook = None
    if target is not None:
        # Which way the target lies, for a neutral indicator: seen from the baseline,
        # else from the earliest value of the trend.
        reference = base.value if base is not None else None
        if reference is None:
            reference = next((v for _, v in series if v is not None), value)
        outlook = forecast(
            series,
            current,
            target.value,
            target.period,
            higher_is_better=_higher_is_better(definition, target.value, reference),
        )
    return DerivedFigure(
        indicator=code,
        territory=where,
        period=current,
        value=value,
        status=row.status,
        previous_value=_published(earlier),
        change_abs=change_abs,
        change_rel=change_rel,
        change_status=change_status,
        last_year_value=_published(year_ago),
        change_last_year_abs=ly_abs,
        change_last_year_rel=ly_rel,
        change_last_year_status=ly_status,
        target=target.value if target is not None else None,
        target_period=target.period if target is not None else None,
        attainment=attainment(
            value,
            target.value if comparable and target is not None else None,
            baseline=base.value if base is not None else None,
            direction=direction,
        ),
        attainment_note=None if comparable or target is None else "other-period-kind",
        baseline=base.value if base is not None else None,
        baseline_period=base.period if base is not None else None,
        change_baseline_abs=(
            value - base.value if base is not None and value is not None else None
        ),
        trend=tuple((str(p), v) for p, v in series),
        forecast=outlook,
    )


def _published(cell: IndicatorValue | None) -> Decimal | None:
    """A cell's value as derived figures may use it: none where it is suppressed (a
    table built by hand may carry the true value of a suppressed cell)."""
    if cell is None or cell.status is ObservationStatus.SUPPRESSED:
        return None
    return cell.value


def _step(period: ReportPeriod, n: int) -> ReportPeriod | None:
    try:
        return period.shift(n)
    except PeriodError:
        return None


def _last_year(period: ReportPeriod) -> ReportPeriod | None:
    try:
        return period.same_period_last_year()
    except PeriodError:
        return None


def _cell(
    table: IndicatorTable, code: str, period: ReportPeriod | None, territory: str
) -> IndicatorValue | None:
    return table.get(code, period, territory) if period is not None else None


def derive(
    table: IndicatorTable,
    concept: Concept | None,
    period: ReportPeriod | str,
    *,
    territories: Iterable[str] | None = None,
    trend: int = 5,
) -> list[DerivedFigure]:
    """Derived figures for every indicator and territory of *table* in *period*.

    Only the totals over all dimensions are used. The table must contain the compared
    periods (see :func:`comparison_periods`); a period that is not in it counts as
    missing. Each figure with a target carries a :class:`Forecast` (see
    :func:`~kommunale_integration.forecast`).

    Args:
        table: The computed :class:`IndicatorTable`.
        concept: Supplies targets (Zielwerte), baselines (Ausgangswerte) and each
            indicator's direction; ``None`` for none.
        period: The report period.
        territories: Only these territory keys (default: all in the table).
        trend: Number of periods in ``DerivedFigure.trend``.

    .. versionadded:: 0.1.0
    """
    if isinstance(period, str):
        start = concept.fiscal_year_start if concept is not None else None
        period = ReportPeriod.parse(period, budget_start_month=start)
    current = period
    wanted = set(territories) if territories is not None else None
    targets = concept.targets if concept is not None else ()
    baselines = concept.baselines if concept is not None else ()
    trend_periods = [p for p in comparison_periods(current, trend) if p.kind == current.kind]
    trend_periods = [p for p in trend_periods if p <= current][-trend:] if trend > 0 else []
    figures: list[DerivedFigure] = []
    codes = [i.id for i in table.indicators] or list(dict.fromkeys(r.indicator for r in table))
    for code in codes:
        definition = table.indicator(code)
        if definition is None and concept is not None:
            definition = concept.indicator(code)
        for row in table.select(indicator=code, period=current, totals_only=True):
            if wanted is not None and row.territory not in wanted:
                continue
            figures.append(
                _figure(
                    table,
                    row,
                    definition,
                    current=current,
                    target=_target(targets, code, row.territory, current),
                    base=_baseline(baselines, code, row.territory, current),
                    trend_periods=trend_periods,
                )
            )
    return figures
