"""How values entered per sub-period combine over time (zeitliche Zusammenfassung).

One place for the rule, used by the indicator engine (to derive a year from its quarters
or months) and by validation (to tell whether a report period has a value). An
indicator declares the rule with :attr:`~kommunale_integration.Indicator.over_time`:

* ``sum`` — the sum of the parts (counts of events in the period);
* ``last`` — the value of the last part (a stock on a reference date);
* ``mean`` — the mean of the parts, rounded half up to one decimal;
* ``none`` — no combination: the period needs a value of its own.

A period is combined from the first tiling that works, trying half years, quarters and
months in this order (a school year has only months). ``sum`` and ``mean`` need every
part; ``last`` needs the last part. A part may itself be combined from its own parts
(a quarter from three months). The status of a combined value is the worst status of
the parts used; a part without a usable value (suppressed, or missing) leaves the whole
value unknown, with the worst status of the parts (a sum with a gap is not a sum).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from .._model import ObservationStatus, OverTime, worst_status
from .._periods import PeriodError, PeriodKind, ReportPeriod

__all__ = ["Lookup", "Value", "combine_over_time", "tilings"]

#: A value with its status, or ``None`` when there is nothing for the period at all.
Value = tuple[Decimal | None, ObservationStatus]
#: Finds the value of one part (which may itself be combined).
Lookup = Callable[[ReportPeriod], Value | None]

_PART_KINDS = (PeriodKind.HALF_YEAR, PeriodKind.QUARTER, PeriodKind.MONTH)
_ONE_DECIMAL = Decimal("0.1")


def tilings(period: ReportPeriod) -> Iterator[list[ReportPeriod]]:
    """The ways *period* splits into shorter regular periods, coarsest first.

    >>> from kommunale_integration import ReportPeriod
    >>> [len(parts) for parts in tilings(ReportPeriod.parse("2026"))]
    [2, 4, 12]
    >>> [len(parts) for parts in tilings(ReportPeriod.parse("2026-05"))]
    []
    """
    for kind in _PART_KINDS:
        if kind is period.kind:
            continue
        try:
            parts = period.split(kind)
        except PeriodError:
            continue
        if len(parts) > 1:
            yield parts


def combine_over_time(rule: OverTime, period: ReportPeriod, lookup: Lookup) -> Value | None:
    """The value of *period* combined from its parts by *rule*, or ``None``.

    Args:
        rule: How the parts combine.
        period: The longer period (a year, a half year, a quarter …).
        lookup: Gives the value of a part, or ``None`` when the part has none.

    Returns:
        ``(value, status)``; the value is ``None`` (status ``missing`` or
        ``suppressed``) when a part that is needed has no usable value. ``None`` when
        *rule* is ``none`` or no tiling of *period* has the parts the rule needs.
    """
    if rule is OverTime.NONE:
        return None
    for parts in tilings(period):
        if rule is OverTime.LAST:
            last = lookup(parts[-1])
            if last is not None:
                return last
            continue
        found = [lookup(part) for part in parts]
        present = [item for item in found if item is not None]
        if len(present) < len(parts):
            continue
        status = worst_status(*(s for _, s in present))
        values = [v for v, _ in present]
        if any(v is None for v in values):
            return None, worst_status(status, ObservationStatus.MISSING)
        total = sum((v for v in values if v is not None), Decimal(0))
        if rule is OverTime.SUM:
            return total, status
        mean = (total / len(values)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
        return mean, status
    return None
