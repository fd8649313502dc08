"""Meeting schedules of networks (Sitzungsrhythmus) and their iCalendar export.

A network (Netzwerk, Gremium) meets on a regular rule, written as an RFC 5545
``RRULE`` value such as ``FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2`` ("every second
Tuesday of every third month"; RFC 5545 has no quarterly frequency). Rules are expanded
with :func:`dateutil.rrule.rrulestr`. Meetings are planned by **date**: there are no
times and no time zones.

The export to ``.ics`` needs the optional extra ``ics``
(``pip install 'kommunale-integration[ics]'``), imported only when it is used.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import pathlib
import re
from collections.abc import Iterable
from typing import Any, Final

import attrs
from dateutil import rrule as _rrule

from ._errors import InvalidValueError, MissingExtraError, foreign_text, shown
from ._i18n import Counted, Translatable, tr
from ._periods import ReportPeriod

__all__ = [
    "MeetingSchedule",
    "MissingExtraError",
    "MovedMeeting",
    "PlannedMeetingStatus",
    "meeting_status",
    "parse_rrule",
    "planned_meetings",
    "rule_dates",
    "time_windows",
    "to_ics",
    "write_ics",
]

_SUB_DAILY: Final = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_TIME_PARTS: Final = frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"})
#: The largest integer RFC 5545 allows in a recurrence rule (a signed 32-bit value).
_RFC5545_MAX: Final = 2**31 - 1
#: The numbers a rule part may hold (RFC 5545, section 3.3.10): its lowest and highest
#: absolute value and whether it may be negative. ``INTERVAL=0`` would never advance
#: (dateutil loops forever on it); a ``BYMONTHDAY=40`` never occurs.
_NUMBER_PARTS: Final = {
    "INTERVAL": (1, _RFC5545_MAX, False),
    "COUNT": (1, _RFC5545_MAX, False),
    "BYSETPOS": (1, 366, True),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
}
_NUMBER: Final = re.compile(r"[+-]?\d{1,12}")
_WEEKDAY: Final = re.compile(r"([+-]?\d{1,12})?(MO|TU|WE|TH|FR|SA|SU)")
_PRODID: Final = "-//kommunale-integration//Netzwerksitzungen//DE"


def _check_date(field: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidValueError(
            field, "expected a date (without time), got {found}", found=shown(value)
        )
    return value


def _validate_date(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _check_date(attribute.name, value)


@attrs.frozen(kw_only=True)
class MovedMeeting:
    """A meeting moved from its planned date to another day (verlegte Sitzung).

    Attributes:
        original: The date the rule planned (must be a date of the rule).
        new: The day the meeting takes place instead.

    .. versionadded:: 0.1.0
    """

    original: dt.date = attrs.field(validator=_validate_date)
    new: dt.date = attrs.field(validator=_validate_date)


def _normalise_rrule(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(
            "rrule", "expected an RFC 5545 RRULE string, got {found}", found=shown(value)
        )
    text = value.strip()
    if text[:6].upper() == "RRULE:":
        text = text[6:].strip()
    return text


def _to_dates(value: Iterable[dt.date]) -> tuple[dt.date, ...]:
    dates = tuple(value)
    for day in dates:
        _check_date("exdates", day)
    return tuple(sorted(set(dates)))


def _to_moves(value: Iterable[MovedMeeting]) -> tuple[MovedMeeting, ...]:
    moves = tuple(value)
    for move in moves:
        if not isinstance(move, MovedMeeting):
            raise InvalidValueError(
                "moved", "expected MovedMeeting values, got {found}", found=shown(move)
            )
    return tuple(sorted(moves, key=lambda m: (m.original, m.new)))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


@attrs.frozen(kw_only=True)
class MeetingSchedule:
    """The meeting rule of a network (Sitzungsrhythmus, Terminregel).

    Attributes:
        rrule: An RFC 5545 ``RRULE`` value, e.g. ``FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2``
            (a leading ``RRULE:`` is removed). Frequencies finer than ``DAILY`` and
            ``BYHOUR``/``BYMINUTE``/``BYSECOND`` are refused (meetings are planned by
            date); ``UNTIL`` must be a date such as ``20261231``.
        dtstart: The first day the rule counts from (Beginn). Intervals are counted from
            here: with ``INTERVAL=3`` and ``dtstart`` in January the rule meets in
            January, April, July and October.
        exdates: Cancelled meetings (ausgefallene Sitzungen); each must be a date of the
            rule. Stored sorted and without duplicates.
        moved: Meetings moved to another day (:class:`MovedMeeting`); each original
            must be a date of the rule and not also cancelled. Stored sorted.

    Raises:
        InvalidValueError: A field is invalid; the message names the field and the rule.

    .. versionadded:: 0.1.0
    """

    rrule: str = attrs.field(converter=_normalise_rrule)
    dtstart: dt.date = attrs.field(validator=_validate_date)
    exdates: tuple[dt.date, ...] = attrs.field(default=(), converter=_to_dates)
    moved: tuple[MovedMeeting, ...] = attrs.field(default=(), converter=_to_moves)

    def __attrs_post_init__(self) -> None:
        rule = self._rule()
        for day in self.exdates:
            if not _occurs(rule, day):
                raise InvalidValueError(
                    "exdates",
                    "{day} is not a meeting date of rule {rule}",
                    day=day.isoformat(),
                    rule=shown(self.rrule),
                )
        originals: set[dt.date] = set()
        for move in self.moved:
            if move.original in originals:
                raise InvalidValueError(
                    "moved", "the meeting of {day} is moved twice", day=move.original.isoformat()
                )
            originals.add(move.original)
            if move.original in self.exdates:
                raise InvalidValueError(
                    "moved",
                    "the meeting of {day} is both cancelled and moved",
                    day=move.original.isoformat(),
                )
            if not _occurs(rule, move.original):
                raise InvalidValueError(
                    "moved",
                    "{day} is not a meeting date of rule {rule}",
                    day=move.original.isoformat(),
                    rule=shown(self.rrule),
                )

    def _rule(self) -> _rrule.rrule:
        """The parsed rule; raises :class:`InvalidValueError` naming ``rrule``."""
        return parse_rrule(self.rrule, self.dtstart)


def parse_rrule(text: str, dtstart: dt.date) -> _rrule.rrule:
    """Parse an RFC 5545 ``RRULE`` value of a date-based rule (Terminregel).

    The one parser of recurrence rules: network meeting rules and offer schedules both
    go through it. Frequencies finer than ``DAILY`` and ``BYHOUR``/``BYMINUTE``/
    ``BYSECOND`` are refused (rules give days; times of an offer go into its
    ``schedule_note``); ``UNTIL`` must be a date. A leading ``RRULE:`` is removed.

    Raises:
        InvalidValueError: naming ``rrule`` and saying what is wrong.

    .. versionadded:: 0.1.0
    """
    text = _normalise_rrule(text)

    def invalid(problem: str, **values: Any) -> InvalidValueError:
        return InvalidValueError(
            "rrule",
            "{rule} is not a valid RFC 5545 recurrence rule: {problem}",
            rule=shown(text),
            problem=Translatable(problem, **values),
        )

    if not text or "\n" in text or "\r" in text or ":" in text:
        raise invalid(
            "expected a single RRULE value such as FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 (the "
            "start goes into dtstart)"
        )
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, _, value = part.partition("=")
        parts[name.strip().upper()] = value.strip().upper()
    freq = parts.get("FREQ")
    if freq is None:
        raise invalid("FREQ is required (e.g. FREQ=MONTHLY)")
    if freq in _SUB_DAILY:
        raise invalid("FREQ={freq} is finer than DAILY", freq=freq)
    if _TIME_PARTS & parts.keys():
        raise invalid("the rule gives days only, without times of day")
    if "T" in parts.get("UNTIL", ""):
        raise invalid("UNTIL must be a date like 20261231")
    problem = _number_problem(parts)
    if problem is not None:
        raise InvalidValueError(
            "rrule",
            "{rule} is not a valid RFC 5545 recurrence rule: {problem}",
            rule=shown(text),
            problem=problem,
        )
    try:
        rule = _rrule.rrulestr(text, dtstart=_midnight(dtstart))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise InvalidValueError(
            "rrule",
            "{rule} is not a valid RFC 5545 recurrence rule: {problem}",
            rule=shown(text),
            problem=foreign_text(exc),  # dateutil's own words, quoted
        ) from None
    if not isinstance(rule, _rrule.rrule):  # pragma: no cover - excluded by the checks above
        raise invalid("expected a single RRULE")
    return rule


def _number_problem(parts: dict[str, str]) -> Translatable | None:
    """What is wrong with the numbers of a rule's *parts* (RFC 5545 ranges), if anything."""
    for name, (lowest, highest, signed) in _NUMBER_PARTS.items():
        for item in parts[name].split(",") if name in parts else ():
            number = int(item) if _NUMBER.fullmatch(item) else 0
            if lowest <= abs(number) <= highest and (number > 0 or signed):
                continue
            if signed:
                return Translatable(
                    "{part} must be a whole number from {lowest} to {highest} or from "
                    "-{highest} to -{lowest}",
                    part=name,
                    lowest=lowest,
                    highest=highest,
                )
            return Translatable(
                "{part} must be a whole number from {lowest} to {highest}",
                part=name,
                lowest=lowest,
                highest=highest,
            )
    return _frequency_problem(parts) or _weekday_problem(parts)


#: The parts RFC 5545 allows only with some frequencies (section 3.3.10).
_ONLY_WITH: Final = {
    "BYWEEKNO": ("YEARLY",),
    "BYYEARDAY": ("YEARLY",),
    "BYMONTHDAY": ("DAILY", "MONTHLY", "YEARLY"),
}
#: The most days the set of one interval holds (rules give days, never times).
_SET_SIZE: Final = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}


def _frequency_problem(parts: dict[str, str]) -> Translatable | None:
    """A part that RFC 5545 does not allow with the rule's frequency, or a ``BYSETPOS``
    beyond the days of one interval, if any: such a rule never occurs, and dateutil
    then searches up to the year 9999 for every expansion (``FREQ=DAILY;BYSETPOS=366``
    took 5 s each time)."""
    freq = parts["FREQ"]
    for name, allowed in _ONLY_WITH.items():
        if name in parts and freq not in allowed:
            return Translatable(
                "{part} cannot be used with FREQ={freq} (RFC 5545)", part=name, freq=freq
            )
    size = _SET_SIZE.get(freq, 366)
    for item in parts["BYSETPOS"].split(",") if "BYSETPOS" in parts else ():
        if abs(int(item)) > size:  # a whole number: checked by _number_problem
            return Translatable(
                "BYSETPOS={position} never matches: one interval of FREQ={freq} holds at "
                "most {size}",
                position=item,
                freq=freq,
                size=Counted("{n} day", "{n} days", size),
            )
    return None


def _weekday_problem(parts: dict[str, str]) -> Translatable | None:
    """What is wrong with the weekdays of ``BYDAY`` (``MO``, ``2TU``, ``-1FR``), if anything."""
    most = {"MONTHLY": 5, "YEARLY": 53}.get(parts["FREQ"], 0) if "BYWEEKNO" not in parts else 0
    for item in parts["BYDAY"].split(",") if "BYDAY" in parts else ():
        day = _WEEKDAY.fullmatch(item)
        if day is None:
            return Translatable("BYDAY must list weekdays like MO,TU or 2TU,-1FR")
        if day.group(1) is not None and not 1 <= abs(int(day.group(1))) <= most:
            return Translatable(
                "{day}: a numbered weekday needs FREQ=MONTHLY (numbers 1 to 5, or -1 to -5) "
                "or FREQ=YEARLY without BYWEEKNO (1 to 53, or -1 to -53)",
                day=item,
            )
    return None


def rule_dates(text: str, dtstart: dt.date, first: dt.date, last: dt.date) -> list[dt.date]:
    """The days of the rule *text* (counted from *dtstart*) from *first* to *last*.

    Raises:
        InvalidValueError: *text* is not a valid rule (see :func:`parse_rrule`).

    .. versionadded:: 0.1.0
    """
    if last < first:
        return []
    rule = parse_rrule(text, dtstart)
    return [o.date() for o in rule.between(_midnight(first), _midnight(last), inc=True)]


#: ``9–12 Uhr``, ``8:30-12:45``, ``16.00 bis 18.00 Uhr``, ``10-12h``: a span of the day.
_SPAN = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[:.](\d{2}))?\s*(?:Uhr\s*)?(?:–|—|-|bis)\s*"
    r"(\d{1,2})(?:[:.](\d{2}))?(?![\d:.])\s*(Uhr|h\b)?",
    re.IGNORECASE,
)


def time_windows(note: str | None) -> tuple[tuple[int, int], ...]:
    """The spans of the day named in an offer's times in words (``schedule_note``).

    Recognised: ``16–18 Uhr``, ``8:30–12:45 Uhr``, ``16.00 bis 18.00 Uhr``,
    ``10-12h`` and ``14:00-16:00`` (a span counts when it ends with ``Uhr`` or ``h``
    or both ends have minutes, so ``Klasse 5-10`` is no time). Each span is returned
    as minutes after midnight ``(start, end)`` (``24`` as an end is 1440). Spans that
    do not end after they start are ignored; several spans are all returned, sorted and
    without duplicates; none when the note names no time.

    Example:
        >>> time_windows("donnerstags 16–18 Uhr")
        ((960, 1080),)

    .. versionadded:: 0.1.0
    """
    if not note:
        return ()
    found: set[tuple[int, int]] = set()
    for match in _SPAN.finditer(note):
        h1, m1, h2, m2, unit = match.groups()
        if unit is None and (m1 is None or m2 is None):
            continue
        start = _minutes(int(h1), int(m1 or 0))
        end = _minutes(int(h2), int(m2 or 0))
        if start is not None and end is not None and start < end:
            found.add((start, end))
    return tuple(sorted(found))


def _minutes(hour: int, minute: int) -> int | None:
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return None
    return hour * 60 + minute


def _occurs(rule: _rrule.rrule, day: dt.date) -> bool:
    return bool(rule.between(_midnight(day), _midnight(day), inc=True))


def _planned(
    schedule: MeetingSchedule, first: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """``(date, original date)`` of the meetings taking place from ``first`` to ``last``."""
    rule = schedule._rule()
    skipped = set(schedule.exdates) | {move.original for move in schedule.moved}
    meetings = {
        occurrence.date(): occurrence.date()
        for occurrence in rule.between(_midnight(first), _midnight(last), inc=True)
        if occurrence.date() not in skipped
    }
    for move in schedule.moved:
        if first <= move.new <= last:
            meetings.setdefault(move.new, move.original)
    return sorted(meetings.items())


def planned_meetings(schedule: MeetingSchedule, period: ReportPeriod) -> list[dt.date]:
    """The planned meetings (geplante Sitzungen) of ``schedule`` within ``period``.

    The dates of the rule within the period, without cancelled meetings, with moved
    meetings on their new day (a meeting moved out of the period is not listed, one
    moved into it is). Several meetings on one day count once. Sorted.

    .. versionadded:: 0.1.0
    """
    return [day for day, _original in _planned(schedule, period.start, period.end)]


@attrs.frozen(kw_only=True)
class PlannedMeetingStatus:
    """Whether a planned meeting took place (Status einer geplanten Sitzung).

    Attributes:
        planned: The planned date.
        recorded: The date of the recorded meeting matched to it, or ``None``.
        overdue: Planned before ``today`` and not recorded (überfällig).

    .. versionadded:: 0.1.0
    """

    planned: dt.date
    recorded: dt.date | None
    overdue: bool

    @property
    def held(self) -> bool:
        """Whether a recorded meeting was matched (stattgefunden)."""
        return self.recorded is not None


def _clamped(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def meeting_status(
    schedule: MeetingSchedule,
    recorded: Iterable[dt.date],
    period: ReportPeriod,
    today: dt.date,
    *,
    tolerance_days: int = 7,
) -> list[PlannedMeetingStatus]:
    """Match recorded meetings (Sitzungsprotokolle) to the planned meetings of ``period``.

    A recorded meeting matches a planned one on the same date or up to
    ``tolerance_days`` (default 7) before or after it, since meetings are often held a
    few days off the rule without being formally moved. Every recorded meeting matches
    at most one planned meeting and vice versa; the closest pairs are matched first
    (exact dates before near ones, earlier planned dates first on ties). Planned
    meetings just outside the period take part in the matching, so a recorded meeting
    is not claimed by a planned meeting of the period when it is closer to one outside.

    Args:
        schedule: The network's rule.
        recorded: Dates of the recorded meetings (``Meeting.date``), in any order.
        period: The period whose planned meetings are reported.
        today: The reference day; planned meetings before it without a match are
            overdue. Passed explicitly so results are reproducible.
        tolerance_days: Maximum distance in days between a planned and a recorded date.

    Returns:
        One :class:`PlannedMeetingStatus` per planned meeting of the period, by date.

    .. versionadded:: 0.1.0
    """
    if isinstance(tolerance_days, bool) or not isinstance(tolerance_days, int):
        raise InvalidValueError(
            "tolerance_days", "expected an int, got {found}", found=shown(tolerance_days)
        )
    if tolerance_days < 0:
        raise InvalidValueError(
            "tolerance_days", "must not be negative, got {found}", found=tolerance_days
        )
    _check_date("today", today)
    window_first = _clamped(period.start, -2 * tolerance_days)
    window_last = _clamped(period.end, 2 * tolerance_days)
    planned = [day for day, _ in _planned(schedule, window_first, window_last)]
    records = sorted(
        day
        for day in (_check_date("recorded", value) for value in recorded)
        if _clamped(window_first, -tolerance_days) <= day <= _clamped(window_last, tolerance_days)
    )
    pairs = sorted(
        (abs((record - plan).days), plan, record, index)
        for plan in planned
        for index, record in enumerate(records)
        if abs((record - plan).days) <= tolerance_days
    )
    matched: dict[dt.date, dt.date] = {}
    used: set[int] = set()
    for _distance, plan, record, index in pairs:
        if plan in matched or index in used:
            continue
        matched[plan] = record
        used.add(index)
    return [
        PlannedMeetingStatus(
            planned=plan,
            recorded=matched.get(plan),
            overdue=plan not in matched and plan < today,
        )
        for plan in planned
        if plan in period
    ]


# --------------------------------------------------------------------------- iCalendar


def _import_icalendar() -> Any:
    try:
        import icalendar
    except ImportError as exc:
        raise MissingExtraError(
            tr(
                "exporting meetings as iCalendar (.ics) needs the optional package "
                "'icalendar'; install it with: pip install 'kommunale-integration[ics]'"
            )
        ) from exc
    return icalendar


def to_ics(
    schedule: MeetingSchedule,
    period: ReportPeriod | None = None,
    *,
    network_id: str,
    summary: str,
    description: str | None = None,
    location: str | None = None,
    series: bool = False,
    include_cancelled: bool = False,
    dtstamp: dt.datetime | None = None,
    uid_domain: str = "kommunale-integration",
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    timezone: str = "Europe/Berlin",
) -> bytes:
    """Export a network's meetings as an iCalendar file (Kalenderdatei, RFC 5545).

    Two forms:

    * ``series=False`` (default): one all-day ``VEVENT`` per planned meeting in
      ``period`` (see :func:`planned_meetings`). The ``UID`` is
      ``{network_id}-{YYYYMMDD}@{uid_domain}`` of the date the rule planned, so a
      moved meeting keeps its ``UID`` and calendar programs update it on re-import.
      With ``include_cancelled=True`` cancelled meetings of the period are exported
      with ``STATUS:CANCELLED`` so that an earlier import is corrected.
    * ``series=True``: the rule itself, one ``VEVENT`` with ``RRULE`` (``UID``
      ``{network_id}-series@{uid_domain}``), starting on the rule's first meeting,
      with the cancelled meetings as ``EXDATE`` and one overriding ``VEVENT`` with
      ``RECURRENCE-ID`` per moved meeting. ``period`` must then be ``None``.

    ``DTSTART``/``DTEND`` are ``DATE`` values (all-day events, no time zones), unless
    ``start_time`` is given (an offer from 16:00 to 18:00): then they are times of day
    in ``timezone`` (with its ``VTIMEZONE``); without ``end_time`` an event lasts an hour.

    Args:
        schedule: The meeting rule.
        period: The period whose meetings are listed (required unless ``series``).
        network_id: The network's id; part of every ``UID``.
        summary: Event title (``SUMMARY``), e.g. the network's name.
        description: Optional ``DESCRIPTION``.
        location: Optional ``LOCATION``.
        series: Export the rule instead of the single meetings.
        include_cancelled: Also export cancelled meetings (only without ``series``).
        dtstamp: ``DTSTAMP`` of the events, an aware datetime; default now (UTC). Pass
            a fixed value for reproducible files.
        uid_domain: Right-hand side of the ``UID``; use your own domain.
        start_time: Time of day the events begin (timed instead of all-day events).
        end_time: Time of day they end (after ``start_time``).
        timezone: IANA time zone of the times (default ``Europe/Berlin``).

    Returns:
        The ``VCALENDAR`` as bytes (UTF-8, CRLF line ends).

    Raises:
        MissingExtraError: ``icalendar`` is not installed.
        InvalidValueError: Inconsistent arguments.

    .. versionadded:: 0.1.0
    """
    icalendar = _import_icalendar()
    dtstamp, zone = _ics_arguments(
        network_id=network_id,
        period=period,
        series=series,
        dtstamp=dtstamp,
        start_time=start_time,
        end_time=end_time,
        timezone=timezone,
    )
    # Line breaks and control characters would end a content line and start a new
    # property or component (an injected VEVENT). icalendar only guards some values, and
    # only with an assert that python -O removes: clean every value here.
    texts = _IcsTexts(
        network_id=_one_line(network_id),
        summary=_one_line(summary),
        description=_multi_line(description) if description else None,
        location=_one_line(location) if location else None,
    )
    form = _IcsForm(
        schedule=schedule,
        period=period,
        series=series,
        include_cancelled=include_cancelled,
        dtstamp=dtstamp,
        uid_domain=_one_line(uid_domain),
        start_time=start_time,
        end_time=end_time,
        zone=zone,
        description=bool(texts.description),
        location=bool(texts.location),
    )
    if _MARK_CHARACTERS.isdisjoint("".join((*texts.all(), form.uid_domain))):
        template = _ics_template(form)
        if template is not None:
            return template.fill(icalendar, texts)
    calendar = _ics_calendar(icalendar, form, texts)  # without a template: built for itself
    if zone is not None:
        calendar.add_missing_timezones()
    return _checked(calendar)


@attrs.frozen(kw_only=True)
class _IcsTexts:
    """The free texts of a :func:`to_ics` export, cleaned."""

    network_id: str
    summary: str
    description: str | None
    location: str | None

    def all(self) -> tuple[str, str, str, str]:
        """The four texts (an absent one empty)."""
        return self.network_id, self.summary, self.description or "", self.location or ""


#: Placeholders (private-use characters) for the free texts in a calendar template.
#: Each is followed by ``;,``, which shows how icalendar writes the property: escaped
#: like TEXT (``\;\,``, ``SUMMARY``) or as it is (``X-WR-CALNAME``).
_MARKS: Final = _IcsTexts(
    network_id="\ue000;,", summary="\ue001;,", description="\ue002;,", location="\ue003;,"
)
_MARK_CHARACTERS: Final = frozenset("\ue000\ue001\ue002\ue003")


@attrs.frozen(kw_only=True)
class _IcsForm:
    """Everything of a :func:`to_ics` export except its free texts (cleaned)."""

    schedule: MeetingSchedule
    period: ReportPeriod | None
    series: bool
    include_cancelled: bool
    dtstamp: dt.datetime
    uid_domain: str
    start_time: dt.time | None
    end_time: dt.time | None
    zone: Any
    description: bool
    location: bool


def _ics_calendar(icalendar: Any, form: _IcsForm, texts: _IcsTexts) -> Any:
    """The ``VCALENDAR`` of *form* with *texts*, without its ``VTIMEZONE``."""
    schedule, start_time = form.schedule, form.start_time
    calendar = icalendar.Calendar()
    for name, value in (*_CALENDAR_HEADER, ("x-wr-calname", texts.summary)):
        calendar.add(name, value)
    make = _Events(
        icalendar=icalendar,
        network_id=texts.network_id,
        uid_domain=form.uid_domain,
        summary=texts.summary,
        description=texts.description if form.description else None,
        location=texts.location if form.location else None,
        dtstamp=form.dtstamp,
        start_time=start_time,
        end_time=form.end_time,
        zone=form.zone,
    )
    when, event, uid_of = make.when, make.event, make.uid_of
    if form.series:
        rule = schedule._rule()
        first = rule.after(_midnight(schedule.dtstart), inc=True)
        if first is not None:
            uid = f"{texts.network_id}-series@{form.uid_domain}"
            main = event(uid, first.date())
            main.add("rrule", icalendar.vRecur.from_ical(schedule.rrule))
            if schedule.exdates:
                main.add("exdate", [when(day, start_time) for day in schedule.exdates])
            calendar.add_component(main)
            for move in schedule.moved:
                override = event(uid, move.new)
                override.add("recurrence-id", when(move.original, start_time))
                calendar.add_component(override)
    else:
        period = form.period
        assert period is not None
        for day, original in _planned(schedule, period.start, period.end):
            calendar.add_component(event(uid_of(original), day))
        for day in schedule.exdates if form.include_cancelled else ():
            if day in period:
                cancelled = event(uid_of(day), day)
                cancelled.add("status", "CANCELLED")
                calendar.add_component(cancelled)
    return calendar


@attrs.frozen
class _IcsTemplate:
    """A calendar with placeholders for its free texts: its content lines, each either
    finished (bytes, folded) or holding a placeholder (unfolded text)."""

    lines: tuple[bytes | str, ...]
    events: int

    def fill(self, icalendar: Any, texts: _IcsTexts) -> bytes:
        """The calendar with *texts*, escaped and folded as icalendar writes them."""
        values: list[tuple[str, str]] = []
        for mark, value in zip(_MARKS.all(), texts.all(), strict=True):
            values.append((_escaped(mark), icalendar.vText(value).to_ical().decode()))
            values.append((mark, value))
        out: list[bytes] = []
        for line in self.lines:
            if isinstance(line, bytes):
                out.append(line)
                continue
            filled = line
            for mark, value in values:
                filled = filled.replace(mark, value)
            data = filled.encode("utf-8")
            # RFC 5545 folds lines of 75 octets; icalendar's folding costs more than the
            # rest of the file, and a shorter line comes out unchanged
            out.append(
                data if len(data) < _SHORT else icalendar.parser.Contentline(filled).to_ical()
            )
        data = b"\r\n".join(out)
        lines = data.split(b"\r\n")
        if lines.count(b"BEGIN:VEVENT") != self.events or lines.count(b"BEGIN:VCALENDAR") != 1:
            raise InvalidValueError("summary", "a value would break the structure of the calendar")
        return data


#: Lines shorter than this (in octets) are never folded.
_SHORT: Final = 70


def _escaped(mark: str) -> str:
    """How a placeholder of :data:`_MARKS` looks in a TEXT value."""
    return mark.replace(";", "\\;").replace(",", "\\,")


@functools.lru_cache(maxsize=1024)
def _ics_template(form: _IcsForm) -> _IcsTemplate | None:
    """The calendar of *form* with placeholders (one per form: a Wegweiser exports
    thousands of offers that differ only in their texts); ``None`` if a placeholder
    comes out in a form other than TEXT or verbatim."""
    icalendar = _import_icalendar()
    calendar = _ics_calendar(icalendar, form, _MARKS)
    data = _checked(calendar)
    events = sum(1 for c in calendar.walk() if c.name == "VEVENT")
    text = data.decode("utf-8").replace("\r\n ", "")  # unfolded
    lines: list[bytes | str] = []

    def add(piece: bytes | str) -> None:
        if isinstance(piece, bytes) and lines and isinstance(lines[-1], bytes):
            lines[-1] += b"\r\n" + piece  # finished lines in one piece: filled faster
        else:
            lines.append(piece)

    zone = form.zone
    for line in text.split("\r\n"):
        if zone is not None and line.startswith("BEGIN:") and line != "BEGIN:VCALENDAR":
            # where add_missing_timezones() puts it: before the first component
            if timezone := _vtimezone(icalendar, zone):
                add(timezone)
            zone = None
        if _MARK_CHARACTERS.isdisjoint(line):
            add(icalendar.parser.Contentline(line).to_ical())
            continue
        rest = line
        for mark in _MARKS.all():
            rest = rest.replace(_escaped(mark), "").replace(mark, "")
        if not _MARK_CHARACTERS.isdisjoint(rest):
            return None
        add(line)
    return _IcsTemplate(lines=tuple(lines), events=events)


@functools.cache
def _vtimezone(icalendar: Any, zone: Any) -> bytes:
    """The ``VTIMEZONE`` of *zone* as icalendar adds it (folded, without the last line end)."""
    probe = icalendar.Calendar()
    event = icalendar.Event()
    event.add("dtstart", dt.datetime(2000, 1, 1, tzinfo=zone))
    probe.add_component(event)
    probe.add_missing_timezones()
    found = b"".join(c.to_ical() for c in probe.subcomponents if c.name == "VTIMEZONE")
    return found.removesuffix(b"\r\n")


@attrs.frozen(kw_only=True)
class _Events:
    """Makes the ``VEVENT`` components of one :func:`to_ics` export (values cleaned)."""

    icalendar: Any
    network_id: str
    uid_domain: str
    summary: str
    description: str | None
    location: str | None
    dtstamp: dt.datetime
    start_time: dt.time | None
    end_time: dt.time | None
    zone: Any

    def when(self, day: dt.date, at: dt.time | None) -> dt.date | dt.datetime:
        """The day (all-day events) or the day at *at* in the time zone."""
        return day if at is None else dt.datetime.combine(day, at, tzinfo=self.zone)

    def event(self, uid: str, start: dt.date) -> Any:
        """One event on *start*."""
        component = self.icalendar.Event()
        component.add("uid", uid)
        component.add("dtstamp", self.dtstamp)
        if self.start_time is None:
            component.add("dtstart", start)
            component.add("dtend", start + dt.timedelta(days=1))
        else:
            begin = self.when(start, self.start_time)
            end = self.when(start, self.end_time) if self.end_time else None
            component.add("dtstart", begin)
            component.add("dtend", end or begin + dt.timedelta(hours=1))
        component.add("summary", self.summary)
        if self.description:
            component.add("description", self.description)
        if self.location:
            component.add("location", self.location)
        return component

    def uid_of(self, day: dt.date) -> str:
        """The ``UID`` of the meeting the rule planned on *day*."""
        return f"{self.network_id}-{day:%Y%m%d}@{self.uid_domain}"


_CALENDAR_HEADER: Final = (
    ("prodid", _PRODID),
    ("version", "2.0"),
    ("calscale", "GREGORIAN"),
    ("method", "PUBLISH"),
)


def _ics_arguments(
    *,
    network_id: str,
    period: ReportPeriod | None,
    series: bool,
    dtstamp: dt.datetime | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    timezone: str,
) -> tuple[dt.datetime, Any]:
    """Check the arguments of :func:`to_ics`; return the ``DTSTAMP`` and the time zone
    of timed events (``None`` for all-day events)."""
    if not network_id or not network_id.strip():
        raise InvalidValueError("network_id", "must not be empty")
    if series and period is not None:
        raise InvalidValueError("period", "a series export contains the whole rule; omit period")
    if not series and period is None:
        raise InvalidValueError("period", "needed to list single meetings (or use series=True)")
    if dtstamp is None:
        dtstamp = dt.datetime.now(dt.UTC)
    elif dtstamp.tzinfo is None:
        raise InvalidValueError("dtstamp", "must be an aware datetime (e.g. in UTC)")
    if end_time is not None and (start_time is None or end_time <= start_time):
        raise InvalidValueError("end_time", "needs a start_time before it")
    if start_time is None:
        return dtstamp, None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return dtstamp, ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(
            "timezone", "unknown time zone {found}", found=shown(timezone)
        ) from None


_BREAKS: Final = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS: Final = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")


def _one_line(text: str) -> str:
    """*text* for a one-line iCalendar value: line breaks become spaces, controls go."""
    return _CONTROLS.sub("", _BREAKS.sub(" ", text))


def _multi_line(text: str) -> str:
    """*text* for a TEXT value: line breaks become LF (escaped as ``\\n``), controls go."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", text))


def _checked(calendar: Any) -> bytes:
    """The calendar as bytes, after checking that no value opened a component of its own."""
    data = bytes(calendar.to_ical())
    lines = data.split(b"\r\n")
    expected = sum(1 for c in calendar.walk() if c.name == "VEVENT")
    if lines.count(b"BEGIN:VEVENT") != expected or lines.count(b"BEGIN:VCALENDAR") != 1:
        raise InvalidValueError("summary", "a value would break the structure of the calendar")
    return data


def write_ics(
    schedule: MeetingSchedule,
    path: str | os.PathLike[str],
    period: ReportPeriod | None = None,
    *,
    network_id: str,
    summary: str,
    description: str | None = None,
    location: str | None = None,
    series: bool = False,
    include_cancelled: bool = False,
    dtstamp: dt.datetime | None = None,
    uid_domain: str = "kommunale-integration",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> pathlib.Path:
    """Write :func:`to_ics` to ``path`` (Kalenderdatei speichern) and return the path.

    .. versionadded:: 0.1.0
    """
    data = to_ics(
        schedule,
        period,
        network_id=network_id,
        summary=summary,
        description=description,
        location=location,
        series=series,
        include_cancelled=include_cancelled,
        dtstamp=dtstamp,
        uid_domain=uid_domain,
    )
    # atomically, and never over an input: a concept's konzept.yaml or tables are
    # refused even when *inputs* does not name them
    from ._io import atomic_write

    return atomic_write(path, data, inputs=inputs)
