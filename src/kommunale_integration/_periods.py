"""Report periods (Berichtszeiträume) and due dates (Fälligkeiten).

A :class:`ReportPeriod` is an inclusive span of calendar days of one
:class:`PeriodKind`. Its text form is a **contract** (see ``DESIGN.md`` §5)::

    2026                     calendar year (Kalenderjahr)
    2026-H1                  half year (Halbjahr)
    2026-Q3                  quarter (Quartal)
    2026-05                  month (Monat)
    2026-W07                 ISO 8601 week (Kalenderwoche)
    SJ2025/26                school year, 1 August – 31 July (Schuljahr)
    HJ2026                   budget year (Haushaltsjahr)
    2025-01-01/2026-12-31    any ISO 8601 interval of dates (Zeitraum)

All arithmetic is anchored: every period of a regular kind has an integer ordinal
(e.g. ``year * 12 + month - 1`` for months) and the n-th neighbour is computed from that
ordinal in one step, never by stepping repeatedly with ``relativedelta`` (which clips
month ends and would drift).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import enum
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, Final

import attrs
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from ._errors import InvalidValueError, KommunaleIntegrationError, foreign_text, shown
from ._i18n import N_, Translatable

__all__ = [
    "DueDateRule",
    "PeriodError",
    "PeriodKind",
    "ReportPeriod",
    "fiscal_year_start",
    "period_range",
]

#: The fiscal start month that ``HJ…`` means where no month is passed explicitly.
_FISCAL_START: ContextVar[int] = ContextVar("fiscal_year_start", default=1)


@contextlib.contextmanager
def fiscal_year_start(month: int) -> Iterator[None]:
    """Within this block, a budget year (``HJ2026``) starts in ``month`` (1–12).

    The concept setting ``Concept.fiscal_year_start`` (Beginn des Haushaltsjahres)
    applies it: the loaders and the converter read a concept's periods inside this block,
    so that ``HJ2026`` in a concept whose budget year starts in July is 1 July 2026 –
    30 June 2027. :meth:`ReportPeriod.parse`, :meth:`ReportPeriod.containing` and
    :meth:`ReportPeriod.split` use it when no ``budget_start_month`` is given.

    >>> from kommunale_integration import ReportPeriod, fiscal_year_start
    >>> with fiscal_year_start(7):
    ...     ReportPeriod.parse("HJ2026").start
    datetime.date(2026, 7, 1)
    >>> ReportPeriod.parse("HJ2026").start
    datetime.date(2026, 1, 1)

    Raises:
        PeriodError: ``month`` is not an integer from 1 to 12.

    .. versionadded:: 0.2.0
    """
    _check_int("fiscal_year_start", month, 1, 12)
    token = _FISCAL_START.set(month)
    try:
        yield
    finally:
        _FISCAL_START.reset(token)


def _budget_start(month: int | None) -> int:
    return _FISCAL_START.get() if month is None else month


class PeriodError(Translatable, KommunaleIntegrationError, ValueError):
    """A report period is invalid or an operation on it is impossible (Zeitraumfehler).

    Raised for text that is not in the period notation (the message names the text),
    for numbers out of range (``2026-Q5``), for intervals that end before they start,
    for splits that do not tile and for periods outside the years 1–9999.

    Attributes:
        text: The offending text, when the error comes from :meth:`ReportPeriod.parse`.

    .. versionadded:: 0.1.0
    """

    def __init__(self, message: str, /, *, text: str | None = None, **values: Any) -> None:
        super().__init__(message, **values)
        self.text = text


class PeriodKind(enum.StrEnum):
    """The kind of a report period (Art des Berichtszeitraums).

    .. versionadded:: 0.1.0
    """

    YEAR = "year"
    """Calendar year (Kalenderjahr), ``2026``."""
    HALF_YEAR = "half_year"
    """Half year (Halbjahr), ``2026-H1``."""
    QUARTER = "quarter"
    """Quarter (Quartal), ``2026-Q3``."""
    MONTH = "month"
    """Month (Monat), ``2026-05``."""
    WEEK = "week"
    """ISO 8601 week (Kalenderwoche), ``2026-W07``; Monday to Sunday."""
    SCHOOL_YEAR = "school_year"
    """School year (Schuljahr), 1 August – 31 July, ``SJ2025/26``."""
    BUDGET_YEAR = "budget_year"
    """Budget year (Haushaltsjahr), ``HJ2026``; twelve months from a fiscal start month."""
    INTERVAL = "interval"
    """Any interval of dates (Zeitraum), ``2025-01-01/2026-12-31``."""


_ONE_DAY: Final = dt.timedelta(days=1)

#: The name of each kind in messages (a ``messages`` id, translated when shown).
_KIND_NAMES: Final = {
    PeriodKind.YEAR: N_("calendar year"),
    PeriodKind.HALF_YEAR: N_("half year"),
    PeriodKind.QUARTER: N_("quarter"),
    PeriodKind.MONTH: N_("month"),
    PeriodKind.WEEK: N_("calendar week"),
    PeriodKind.SCHOOL_YEAR: N_("school year"),
    PeriodKind.BUDGET_YEAR: N_("budget year"),
    PeriodKind.INTERVAL: N_("interval"),
}


def _kind_name(kind: str) -> Translatable:
    """The name of *kind* in a message, in the language the message is shown in."""
    return Translatable(_KIND_NAMES[PeriodKind(kind)])


# Kinds that are made of whole calendar months: (months per period, months between
# the start of year 0 and the start of the first period of a year).
_MONTH_KINDS: Final[dict[PeriodKind, int]] = {
    PeriodKind.YEAR: 12,
    PeriodKind.HALF_YEAR: 6,
    PeriodKind.QUARTER: 3,
    PeriodKind.MONTH: 1,
    PeriodKind.SCHOOL_YEAR: 12,
    PeriodKind.BUDGET_YEAR: 12,
}
_SCHOOL_YEAR_START_MONTH: Final = 8

_MONTHS_DE: Final = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
_MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_Y = r"(?P<y>[0-9]{4})"
_PATTERNS: Final[tuple[tuple[PeriodKind, re.Pattern[str]], ...]] = (
    (PeriodKind.YEAR, re.compile(_Y)),
    (PeriodKind.HALF_YEAR, re.compile(_Y + r"-H(?P<n>[0-9])")),
    (PeriodKind.QUARTER, re.compile(_Y + r"-Q(?P<n>[0-9])")),
    (PeriodKind.MONTH, re.compile(_Y + r"-(?P<n>[0-9]{2})")),
    (PeriodKind.WEEK, re.compile(_Y + r"-W(?P<n>[0-9]{2})")),
    (PeriodKind.SCHOOL_YEAR, re.compile(r"SJ" + _Y + r"/(?P<n>[0-9]{2})")),
    (PeriodKind.BUDGET_YEAR, re.compile(r"HJ" + _Y)),
    (
        PeriodKind.INTERVAL,
        re.compile(r"(?P<a>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?P<b>[0-9]{4}-[0-9]{2}-[0-9]{2})"),
    ),
)


# --------------------------------------------------------------------------- helpers


def _month_index(d: dt.date) -> int:
    """Months since January of year 0 (so January 2026 is ``2026 * 12``)."""
    return d.year * 12 + d.month - 1


def _month_start(index: int) -> dt.date:
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, 1)


def _month_end(index: int) -> dt.date:
    year, month0 = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"year {year} is out of range")
    return dt.date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])


def _is_month_aligned(start: dt.date, end: dt.date) -> bool:
    """Whether ``start`` is the first and ``end`` the last day of a month."""
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


def _first_month(kind: PeriodKind, start_month: int) -> int:
    """Month (1–12) in which the periods of a whole-month kind start within a year."""
    if kind is PeriodKind.SCHOOL_YEAR:
        return _SCHOOL_YEAR_START_MONTH
    if kind is PeriodKind.BUDGET_YEAR:
        return start_month
    return 1


def _ordinal_of(kind: PeriodKind, day: dt.date, start_month: int = 1) -> int:
    """The ordinal of the period of ``kind`` that contains ``day``.

    Months-based kinds count periods since year 0; weeks count Mondays since 0001-01-01
    (which is a Monday).
    """
    if kind is PeriodKind.WEEK:
        return (day.toordinal() - 1) // 7
    length = _MONTH_KINDS[kind]
    offset = _first_month(kind, start_month) - 1
    return (_month_index(day) - offset) // length


def _bounds(kind: PeriodKind, ordinal: int, start_month: int = 1) -> tuple[dt.date, dt.date]:
    """First and last day of the period of ``kind`` with ``ordinal``.

    Raises:
        PeriodError: The period lies (partly) outside the years 1–9999.
    """
    try:
        if kind is PeriodKind.WEEK:
            monday = dt.date.fromordinal(ordinal * 7 + 1)
            return monday, monday + dt.timedelta(days=6)
        length = _MONTH_KINDS[kind]
        first = ordinal * length + _first_month(kind, start_month) - 1
        return _month_start(first), _month_end(first + length - 1)
    except (ValueError, OverflowError) as exc:
        raise PeriodError(
            "the {kind} would lie outside the supported years 1–9999", kind=_kind_name(kind)
        ) from exc


def _check_date(name: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date (not a datetime), got {value!r}")
    return value


#: The numbers of a period in messages (``messages`` ids): "der Monat muss zwischen 1 und
#: 12 liegen", not "month muss zwischen …".
_NUMBER_NAMES: Final = {
    "year": N_("the year"),
    "half": N_("the half of the year"),
    "quarter": N_("the quarter"),
    "month": N_("the month"),
    "week": N_("the week"),
    "fiscal_year_start": N_("the first month of the budget year (fiscal_year_start)"),
    "start_month": N_("the first month of the budget year (start_month)"),
    "budget_start_month": N_("the first month of the budget year (budget_start_month)"),
    "start_year": N_("the first year of the school year (start_year)"),
}


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if not low <= value <= high:
        raise PeriodError(
            "{name} must be between {low} and {high}, not {value}",
            name=Translatable(_NUMBER_NAMES[name]),
            low=low,
            high=high,
            value=value,
        )
    return value


def _to_kind(value: PeriodKind | str) -> PeriodKind:
    try:
        return PeriodKind(value)
    except ValueError:
        choices = ", ".join(PeriodKind)
        raise PeriodError(
            "unknown period kind {found}; expected one of {choices}",
            found=shown(value),
            choices=choices,
        ) from None


def _weeks_in_iso_year(year: int) -> int:
    """52 or 53: the ISO week number of 28 December, which always lies in the last week."""
    return dt.date(year, 12, 28).isocalendar().week


# --------------------------------------------------------------------------- ReportPeriod


def _validate_kind(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, PeriodKind):
        raise TypeError(f"kind must be a PeriodKind, got {value!r}")


def _validate_date(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _check_date(attribute.name, value)


@attrs.frozen(kw_only=True, repr=False)
class ReportPeriod:
    """A report period (Berichtszeitraum): an inclusive span of days of one kind.

    Create periods with :meth:`parse` or the named constructors (:meth:`year`,
    :meth:`quarter`, …); the plain constructor checks that ``start`` and ``end`` are
    exactly the bounds of a period of ``kind``.

    * ``str(period)`` gives the contract notation and :meth:`parse` reads it back.
    * ``date in period`` and ``other_period in period`` test containment.
    * ``<``, ``<=``, ``>``, ``>=`` order periods of the same kind by start (then end)
      date; comparing different kinds raises :class:`TypeError`. ``==`` and ``hash`` use
      kind, start and end, so ``2026`` and ``2026-01-01/2026-12-31`` are different.

    Budget years (Haushaltsjahre) are named after the calendar year they *start* in:
    ``ReportPeriod.budget_year(2026, start_month=7)`` is 1 July 2026 – 30 June 2027 and
    is written ``HJ2026`` like the calendar budget year; the start month is part of
    equality (it is ``start.month``). :meth:`parse` reads ``HJ2026`` as a calendar year
    unless ``budget_start_month`` is given.

    Attributes:
        kind: The :class:`PeriodKind`.
        start: First day (inclusive).
        end: Last day (inclusive).

    .. versionadded:: 0.1.0
    """

    kind: PeriodKind = attrs.field(validator=_validate_kind)
    start: dt.date = attrs.field(validator=_validate_date)
    end: dt.date = attrs.field(validator=_validate_date)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(
                "a report period cannot end ({end}) before it starts ({start})",
                end=self.end.isoformat(),
                start=self.start.isoformat(),
            )
        if self.kind is PeriodKind.INTERVAL:
            return
        start_month = self.start.month if self.kind is PeriodKind.BUDGET_YEAR else 1
        expected = _bounds(self.kind, _ordinal_of(self.kind, self.start, start_month), start_month)
        if expected != (self.start, self.end):
            raise PeriodError(
                "{start}–{end} is not a {kind} period (the {kind} starting then spans "
                "{first}–{last})",
                start=self.start.isoformat(),
                end=self.end.isoformat(),
                kind=_kind_name(self.kind),
                first=expected[0].isoformat(),
                last=expected[1].isoformat(),
            )

    # ----------------------------------------------------------------- constructors

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        """The calendar year (Kalenderjahr) ``year``, e.g. ``2026``.

        .. versionadded:: 0.1.0
        """
        _check_int("year", year, dt.MINYEAR, dt.MAXYEAR)
        return cls._regular(PeriodKind.YEAR, year)

    @classmethod
    def half_year(cls, year: int, half: int) -> ReportPeriod:
        """Half year (Halbjahr) ``half`` (1 or 2) of ``year``, e.g. ``2026-H1``.

        .. versionadded:: 0.1.0
        """
        _check_int("year", year, dt.MINYEAR, dt.MAXYEAR)
        _check_int("half", half, 1, 2)
        return cls._regular(PeriodKind.HALF_YEAR, year * 2 + half - 1)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> ReportPeriod:
        """Quarter (Quartal) ``quarter`` (1–4) of ``year``, e.g. ``2026-Q3``.

        .. versionadded:: 0.1.0
        """
        _check_int("year", year, dt.MINYEAR, dt.MAXYEAR)
        _check_int("quarter", quarter, 1, 4)
        return cls._regular(PeriodKind.QUARTER, year * 4 + quarter - 1)

    @classmethod
    def month(cls, year: int, month: int) -> ReportPeriod:
        """Month (Monat) ``month`` (1–12) of ``year``, e.g. ``2026-05``.

        .. versionadded:: 0.1.0
        """
        _check_int("year", year, dt.MINYEAR, dt.MAXYEAR)
        _check_int("month", month, 1, 12)
        return cls._regular(PeriodKind.MONTH, year * 12 + month - 1)

    @classmethod
    def week(cls, year: int, week: int) -> ReportPeriod:
        """ISO 8601 week (Kalenderwoche) ``week`` of the ISO year ``year``, e.g. ``2026-W07``.

        Week 1 is the week with the year's first Thursday; some years have a week 53.

        .. versionadded:: 0.1.0
        """
        _check_int("year", year, dt.MINYEAR, dt.MAXYEAR)
        _check_int("week", week, 1, 53)
        if week > _weeks_in_iso_year(year):
            raise PeriodError(
                "the ISO year {year} has no week {week} (it has 52 weeks)", year=year, week=week
            )
        try:
            monday = dt.date.fromisocalendar(year, week, 1)
        except ValueError as exc:  # only year 9999's last weeks overflow
            raise PeriodError(
                "week {week} of {year} lies outside the years 1–9999", week=week, year=year
            ) from exc
        return cls._regular(PeriodKind.WEEK, _ordinal_of(PeriodKind.WEEK, monday))

    @classmethod
    def school_year(cls, start_year: int) -> ReportPeriod:
        """The school year (Schuljahr) starting on 1 August of ``start_year``.

        ``ReportPeriod.school_year(2025)`` is ``SJ2025/26``, 1 Aug 2025 – 31 Jul 2026.

        .. versionadded:: 0.1.0
        """
        _check_int("start_year", start_year, dt.MINYEAR, dt.MAXYEAR - 1)
        return cls._regular(PeriodKind.SCHOOL_YEAR, start_year)

    @classmethod
    def budget_year(cls, year: int, start_month: int = 1) -> ReportPeriod:
        """The budget year (Haushaltsjahr) ``HJ{year}``.

        Args:
            year: The calendar year in which the budget year starts.
            start_month: The fiscal start month (1–12); 1 (the default) makes the budget
                year the calendar year. ``budget_year(2026, start_month=7)`` is
                1 July 2026 – 30 June 2027.

        .. versionadded:: 0.1.0
        """
        _check_int("start_month", start_month, 1, 12)
        _check_int("year", year, dt.MINYEAR, dt.MAXYEAR if start_month == 1 else dt.MAXYEAR - 1)
        return cls._regular(PeriodKind.BUDGET_YEAR, year, start_month)

    @classmethod
    def interval(cls, start: dt.date, end: dt.date) -> ReportPeriod:
        """Any interval of days (Zeitraum) from ``start`` to ``end``, both inclusive.

        Used e.g. for the two-year work-priority periods (Arbeitsschwerpunkte) of a
        Kommunales Integrationszentrum: ``2025-01-01/2026-12-31``.

        Raises:
            PeriodError: ``end`` is before ``start``.

        .. versionadded:: 0.1.0
        """
        return cls(kind=PeriodKind.INTERVAL, start=start, end=end)

    @classmethod
    def containing(
        cls, day: dt.date, kind: PeriodKind | str, *, budget_start_month: int | None = None
    ) -> ReportPeriod:
        """The period of ``kind`` that contains ``day``.

        Args:
            day: A date (not a datetime).
            kind: Any kind except :attr:`PeriodKind.INTERVAL`.
            budget_start_month: Fiscal start month for budget years; default: the one of
                the enclosing :func:`fiscal_year_start` block, else 1.

        Raises:
            PeriodError: ``kind`` is ``interval``, or the period leaves the years 1–9999.

        .. versionadded:: 0.1.0
        """
        _check_date("day", day)
        kind = _to_kind(kind)
        if kind is PeriodKind.INTERVAL:
            raise PeriodError("there is no natural interval containing a date; use interval()")
        budget_start_month = _budget_start(budget_start_month)
        _check_int("budget_start_month", budget_start_month, 1, 12)
        return cls._regular(kind, _ordinal_of(kind, day, budget_start_month), budget_start_month)

    @classmethod
    def parse(cls, text: str, *, budget_start_month: int | None = None) -> ReportPeriod:
        """Read a period from its notation (the inverse of ``str(period)``).

        Accepted forms (surrounding whitespace is ignored, nothing else is):
        ``2026``, ``2026-H1``, ``2026-Q3``, ``2026-05``, ``2026-W07``, ``SJ2025/26``,
        ``HJ2026``, ``2025-01-01/2026-12-31``.

        Args:
            text: The notation.
            budget_start_month: Fiscal start month used for ``HJ…``; default: the one of
                the enclosing :func:`fiscal_year_start` block, else 1 (calendar year).

        Raises:
            PeriodError: The text is not a valid period; the message names the text.
            TypeError: ``text`` is not a string.

        .. versionadded:: 0.1.0
        """
        if not isinstance(text, str):
            raise TypeError(f"a report period is parsed from a str, got {text!r}")
        stripped = text.strip()
        for kind, pattern in _PATTERNS:
            match = pattern.fullmatch(stripped)
            if match is None:
                continue
            try:
                return cls._from_match(kind, match, _budget_start(budget_start_month))
            except PeriodError as exc:
                raise PeriodError(
                    "invalid report period {found}: {problem}",
                    text=text,
                    found=shown(text),
                    problem=exc,
                ) from None
        raise PeriodError(
            "invalid report period {found}: expected one of 2026, 2026-H1, 2026-Q3, 2026-05, "
            "2026-W07, SJ2025/26, HJ2026 or 2025-01-01/2026-12-31",
            text=text,
            found=shown(text),
        )

    @classmethod
    def _from_match(
        cls, kind: PeriodKind, match: re.Match[str], budget_start_month: int
    ) -> ReportPeriod:
        if kind is PeriodKind.INTERVAL:
            try:
                start = dt.date.fromisoformat(match["a"])
                end = dt.date.fromisoformat(match["b"])
            except ValueError as exc:
                raise PeriodError(
                    "not a calendar date ({problem})", problem=foreign_text(exc)
                ) from None
            if end < start:
                raise PeriodError("the interval ends before it starts")
            return cls.interval(start, end)
        year = int(match["y"])
        if kind is PeriodKind.YEAR:
            return cls.year(year)
        if kind is PeriodKind.BUDGET_YEAR:
            return cls.budget_year(year, budget_start_month)
        number = int(match["n"])
        if kind is PeriodKind.SCHOOL_YEAR:
            if number != (year + 1) % 100:
                raise PeriodError(
                    "a school year starting in {year} ends in {end}, not {found}",
                    year=year,
                    end=f"{(year + 1) % 100:02d}",
                    found=f"{number:02d}",
                )
            return cls.school_year(year)
        if kind is PeriodKind.HALF_YEAR:
            return cls.half_year(year, number)
        if kind is PeriodKind.QUARTER:
            return cls.quarter(year, number)
        if kind is PeriodKind.MONTH:
            return cls.month(year, number)
        return cls.week(year, number)

    @classmethod
    def _regular(cls, kind: PeriodKind, ordinal: int, start_month: int = 1) -> ReportPeriod:
        start, end = _bounds(kind, ordinal, start_month)
        return cls(kind=kind, start=start, end=end)

    # ----------------------------------------------------------------- text

    def __str__(self) -> str:
        kind, start = self.kind, self.start
        if kind is PeriodKind.YEAR:
            return f"{start.year:04d}"
        if kind is PeriodKind.HALF_YEAR:
            return f"{start.year:04d}-H{(start.month - 1) // 6 + 1}"
        if kind is PeriodKind.QUARTER:
            return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
        if kind is PeriodKind.MONTH:
            return f"{start.year:04d}-{start.month:02d}"
        if kind is PeriodKind.WEEK:
            iso = start.isocalendar()
            return f"{iso.year:04d}-W{iso.week:02d}"
        if kind is PeriodKind.SCHOOL_YEAR:
            return f"SJ{start.year:04d}/{(start.year + 1) % 100:02d}"
        if kind is PeriodKind.BUDGET_YEAR:
            return f"HJ{start.year:04d}"
        return f"{start.isoformat()}/{self.end.isoformat()}"

    def __repr__(self) -> str:
        if self.kind is PeriodKind.BUDGET_YEAR and self.start.month != 1:
            return f"ReportPeriod.budget_year({self.start.year}, start_month={self.start.month})"
        return f"ReportPeriod.parse({str(self)!r})"

    def label(self, lang: str = "de") -> str:
        """A human label (Bezeichnung), e.g. ``1. Quartal 2026`` or ``Q1 2026``.

        Args:
            lang: ``"de"`` (default) or ``"en"``; region suffixes such as ``de_DE`` or
                ``en-GB`` are ignored.

        Raises:
            InvalidValueError: Unsupported language.

        .. versionadded:: 0.1.0
        """
        language = lang.replace("-", "_").split("_", 1)[0].lower()
        if language not in ("de", "en"):
            raise InvalidValueError("lang", "expected 'de' or 'en', got {found}", found=shown(lang))
        de = language == "de"
        kind, start, end = self.kind, self.start, self.end
        if kind is PeriodKind.YEAR:
            return f"{start.year}"
        if kind is PeriodKind.HALF_YEAR:
            half = (start.month - 1) // 6 + 1
            return (
                f"{half}. Halbjahr {start.year}" if de else f"{_ordinal_en(half)} half {start.year}"
            )
        if kind is PeriodKind.QUARTER:
            quarter = (start.month - 1) // 3 + 1
            return f"{quarter}. Quartal {start.year}" if de else f"Q{quarter} {start.year}"
        if kind is PeriodKind.MONTH:
            names = _MONTHS_DE if de else _MONTHS_EN
            return f"{names[start.month - 1]} {start.year}"
        if kind is PeriodKind.WEEK:
            iso = start.isocalendar()
            return f"KW {iso.week}/{iso.year}" if de else f"Week {iso.week}, {iso.year}"
        if kind is PeriodKind.SCHOOL_YEAR:
            years = f"{start.year}/{(start.year + 1) % 100:02d}"
            return f"Schuljahr {years}" if de else f"School year {years}"
        if kind is PeriodKind.BUDGET_YEAR:
            years = f"{start.year}"
            if start.month != 1:
                years += f"/{(start.year + 1) % 100:02d}"
            return f"Haushaltsjahr {years}" if de else f"Budget year {years}"
        if de:
            return f"{start:%d.%m.}{start.year:04d}–{end:%d.%m.}{end.year:04d}"
        return f"{start.isoformat()} – {end.isoformat()}"

    # ----------------------------------------------------------------- queries

    @property
    def days(self) -> int:
        """The number of days (Anzahl der Tage), counting start and end.

        .. versionadded:: 0.1.0
        """
        return (self.end - self.start).days + 1

    @property
    def budget_start_month(self) -> int | None:
        """The fiscal start month of a budget year, ``None`` for other kinds.

        .. versionadded:: 0.1.0
        """
        return self.start.month if self.kind is PeriodKind.BUDGET_YEAR else None

    def __contains__(self, item: object) -> bool:
        """``date in period`` or ``period in period`` (every day of it lies in this one)."""
        if isinstance(item, ReportPeriod):
            return self.start <= item.start and item.end <= self.end
        if isinstance(item, dt.datetime):
            raise TypeError(
                "report periods contain dates, not datetimes; use value.date() "
                "in the time zone that counts"
            )
        if isinstance(item, dt.date):
            return self.start <= item <= self.end
        raise TypeError(f"a report period contains dates and periods, not {item!r}")

    def overlaps(self, other: ReportPeriod) -> bool:
        """Whether this period and ``other`` share at least one day (überschneiden sich).

        .. versionadded:: 0.1.0
        """
        return self.start <= other.end and other.start <= self.end

    # ----------------------------------------------------------------- ordering

    def _order_key(
        self, other: object, op: str
    ) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None:
        """Sort keys of ``self`` and ``other``; ``None`` if ``other`` is no period."""
        if not isinstance(other, ReportPeriod):
            return None
        if other.kind is not self.kind:
            raise TypeError(
                f"'{op}' is only defined for periods of the same kind, "
                f"not {self.kind} {self} and {other.kind} {other}; compare .start instead"
            )
        return (self.start, self.end), (other.start, other.end)

    def __lt__(self, other: object) -> bool:
        keys = self._order_key(other, "<")
        return NotImplemented if keys is None else keys[0] < keys[1]

    def __le__(self, other: object) -> bool:
        keys = self._order_key(other, "<=")
        return NotImplemented if keys is None else keys[0] <= keys[1]

    def __gt__(self, other: object) -> bool:
        keys = self._order_key(other, ">")
        return NotImplemented if keys is None else keys[0] > keys[1]

    def __ge__(self, other: object) -> bool:
        keys = self._order_key(other, ">=")
        return NotImplemented if keys is None else keys[0] >= keys[1]

    # ----------------------------------------------------------------- arithmetic

    def _ordinal(self) -> int:
        return _ordinal_of(self.kind, self.start, self.start.month)

    def shift(self, n: int) -> ReportPeriod:
        """The period ``n`` steps later (negative: earlier) of the same kind.

        Computed in one step from this period's start, never by repeated stepping.
        An interval moves by its own length: by whole months when it starts on the
        first and ends on the last day of a month (``2025-01-01/2026-12-31`` →
        ``2027-01-01/2028-12-31``), otherwise by its number of days.

        Raises:
            PeriodError: The result would leave the years 1–9999.

        .. versionadded:: 0.1.0
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {n!r}")
        if self.kind is not PeriodKind.INTERVAL:
            start_month = self.start.month if self.kind is PeriodKind.BUDGET_YEAR else 1
            return self._regular(self.kind, self._ordinal() + n, start_month)
        try:
            if _is_month_aligned(self.start, self.end):
                months = _month_index(self.end) - _month_index(self.start) + 1
                first = _month_index(self.start) + n * months
                return self.interval(_month_start(first), _month_end(first + months - 1))
            offset = dt.timedelta(days=n * self.days)
            return self.interval(self.start + offset, self.end + offset)
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, PeriodError):
                raise
            raise PeriodError(
                "shifting {period} by {n} leaves the years 1–9999", period=self, n=n
            ) from exc

    def next(self) -> ReportPeriod:
        """The following period of the same kind (nächster Zeitraum); see :meth:`shift`.

        .. versionadded:: 0.1.0
        """
        return self.shift(1)

    def previous(self) -> ReportPeriod:
        """The preceding period of the same kind (Vorperiode); see :meth:`shift`.

        .. versionadded:: 0.1.0
        """
        return self.shift(-1)

    def same_period_last_year(self) -> ReportPeriod:
        """The corresponding period one year earlier (Vorjahreszeitraum).

        * Year, school year, budget year: the previous one.
        * Half year, quarter, month: the same number in the previous year.
        * ISO week: the same week number in the previous ISO year; week 53 maps to
          week 52 when the previous year has no week 53.
        * Interval: month-aligned intervals move back twelve months (so
          ``2024-03-01/2025-02-28`` becomes ``2023-03-01/2024-02-29``); other intervals
          move both dates back one year with ``relativedelta`` (29 February → 28
          February).

        .. versionadded:: 0.1.0
        """
        kind = self.kind
        if kind in _MONTH_KINDS:
            return self.shift(-(12 // _MONTH_KINDS[kind]))
        if kind is PeriodKind.WEEK:
            iso = self.start.isocalendar()
            if iso.year <= dt.MINYEAR:
                raise PeriodError("{period} has no week in the year before", period=self)
            return self.week(iso.year - 1, min(iso.week, _weeks_in_iso_year(iso.year - 1)))
        try:
            if _is_month_aligned(self.start, self.end):
                months = _month_index(self.end) - _month_index(self.start) + 1
                first = _month_index(self.start) - 12
                return self.interval(_month_start(first), _month_end(first + months - 1))
            year = relativedelta(years=1)
            return self.interval(self.start - year, self.end - year)
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, PeriodError):
                raise
            raise PeriodError(
                "{period} has no period a year earlier within 1–9999", period=self
            ) from exc

    def split(
        self, kind: PeriodKind | str, *, budget_start_month: int | None = None
    ) -> list[ReportPeriod]:
        """The sub-periods of ``kind`` that make up this period (Unterteilung).

        For every kind except weeks the sub-periods tile the period exactly: the first
        starts on ``start``, the last ends on ``end``, without gap or overlap. A
        split that does not tile raises :class:`PeriodError` (a school year splits into
        months, not quarters; a month does not split into years).

        Weeks never tile months or years exactly, so ``split("week")`` returns the ISO
        weeks whose **Thursday** lies in the period (the ISO 8601 rule that assigns a
        week to a year). The weeks of a year are then exactly the weeks of that ISO
        year, and splitting adjacent periods assigns every week to exactly one of them.

        Args:
            kind: The kind of the sub-periods (not ``interval``).
            budget_start_month: Fiscal start month when splitting into budget years;
                default: the one of the enclosing :func:`fiscal_year_start` block, else 1.

        .. versionadded:: 0.1.0
        """
        kind = _to_kind(kind)
        if kind is PeriodKind.INTERVAL:
            raise PeriodError("a period cannot be split into intervals; choose a regular kind")
        budget_start_month = _budget_start(budget_start_month)
        _check_int("budget_start_month", budget_start_month, 1, 12)
        if kind is PeriodKind.WEEK:
            thursday = 3
            # A week belongs to the period when its Thursday does.
            first = _ordinal_of(kind, self.start) + (self.start.weekday() > thursday)
            last = _ordinal_of(kind, self.end) - (self.end.weekday() < thursday)
        else:
            first = _ordinal_of(kind, self.start, budget_start_month)
            last = _ordinal_of(kind, self.end, budget_start_month)
            if (
                _bounds(kind, first, budget_start_month)[0] != self.start
                or _bounds(kind, last, budget_start_month)[1] != self.end
            ):
                raise PeriodError(
                    "{period} cannot be split into {kind} periods without remainder",
                    period=self,
                    kind=_kind_name(kind),
                )
        return [
            self._regular(kind, ordinal, budget_start_month) for ordinal in range(first, last + 1)
        ]


def _ordinal_en(n: int) -> str:
    return {1: "1st", 2: "2nd"}[n]


def period_range(first: ReportPeriod, last: ReportPeriod) -> list[ReportPeriod]:
    """All periods from ``first`` to ``last`` inclusive, like ``range`` for periods.

    Both must be of the same kind (budget years: with the same start month; intervals:
    ``last`` must be reached from ``first`` by :meth:`ReportPeriod.next`). An empty list
    is returned when ``last`` lies before ``first``.

    Raises:
        PeriodError: The periods are of different kinds or ``last`` is not reachable.

    .. versionadded:: 0.1.0
    """
    if first.kind is not last.kind or first.budget_start_month != last.budget_start_month:
        raise PeriodError(
            "period_range needs two periods of one kind, got {first} and {last}",
            first=repr(first),
            last=repr(last),
        )
    if last.start < first.start:
        return []
    if first.kind is not PeriodKind.INTERVAL:
        count = last._ordinal() - first._ordinal()
        return [first.shift(i) for i in range(count + 1)]
    result = [first]
    while result[-1].start < last.start:
        result.append(first.shift(len(result)))
    if result[-1] != last:
        raise PeriodError(
            "{last} is not reached from {first} in steps of its length", last=last, first=first
        )
    return result


# --------------------------------------------------------------------------- due dates

_WEEKDAY_CODES: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RD_WEEKDAYS: Final = (MO, TU, WE, TH, FR, SA, SU)


def _to_weekday(value: int | str | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    code = value.strip().upper()[:2]
    if code not in _WEEKDAY_CODES:
        raise InvalidValueError(
            "weekday", "expected 0–6 or one of MO…SU, got {found}", found=shown(value)
        )
    return _WEEKDAY_CODES.index(code)


def _validate_weekday(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise InvalidValueError(
            "weekday", "expected 0 (Monday) to 6 (Sunday), got {found}", found=shown(value)
        )


def _validate_offset(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError(
            attribute.name, "expected a whole number, got {found}", found=shown(value)
        )


@attrs.frozen(kw_only=True)
class DueDateRule:
    """When a report for a period is due (Fälligkeitsregel, Abgabefrist).

    The due date is computed in one step from the period's end:

    1. Months are counted from the day *after* the period ends, then one day is taken
       off, so a period that ends on a month end is due on a month end:
       ``months=3`` makes the report on ``2026`` due on 31 March 2027 and the one on
       ``2026-Q3`` due on 31 December 2026. Negative values count backwards.
    2. ``days`` are added (``days=15``: fifteen days after the end).
    3. If ``weekday`` is set, the date moves back to the last such weekday on or before
       it: ``DueDateRule(weekday=4)`` is *the last Friday of the period*,
       ``DueDateRule(months=1, weekday=4)`` the last Friday of the month after it.

    Attributes:
        months: Whole months after the period end (may be negative).
        days: Days after that (may be negative).
        weekday: ``None`` or 0 (Monday) … 6 (Sunday); codes ``"MO"`` … ``"SU"`` are
            accepted too.

    .. versionadded:: 0.1.0
    """

    months: int = attrs.field(default=0, validator=_validate_offset)
    days: int = attrs.field(default=0, validator=_validate_offset)
    weekday: int | None = attrs.field(
        default=None, converter=_to_weekday, validator=_validate_weekday
    )

    @classmethod
    def after_end(cls, *, months: int = 0, days: int = 0) -> DueDateRule:
        """Due ``months`` months and ``days`` days after the period ends.

        .. versionadded:: 0.1.0
        """
        return cls(months=months, days=days)

    @classmethod
    def last_weekday(cls, weekday: int | str, *, months: int = 0) -> DueDateRule:
        """Due on the last ``weekday`` of the period (or of the ``months``-th month after).

        .. versionadded:: 0.1.0
        """
        return cls(months=months, weekday=weekday)

    def due(self, period: ReportPeriod) -> dt.date:
        """The due date (Fälligkeitsdatum) of the report on ``period``.

        Raises:
            PeriodError: The date would leave the years 1–9999.

        .. versionadded:: 0.1.0
        """
        try:
            after = period.end + _ONE_DAY
            target = after + relativedelta(months=self.months, days=self.days - 1)
            if self.weekday is not None:
                target += relativedelta(weekday=_RD_WEEKDAYS[self.weekday](-1))
        except (ValueError, OverflowError) as exc:
            raise PeriodError(
                "the due date for {period} lies outside the years 1–9999", period=period
            ) from exc
        return target
