"""Calendar files (``.ics``) of the offers and networks, for the Wegweiser and ``calendar``.

Each offer with a rule (``Offer.schedule``) becomes one file with the rule as a series
(``RRULE``), timed when the offer has times (``start_time``/``end_time``, or the one
span of its times in words such as ``16–18 Uhr``) and all-day otherwise; it starts on
the offer's first day (or the build day) and ends with its last day (``UNTIL``). Each
network with a meeting rule becomes one file with its series, cancelled and moved
meetings included. Everything goes through :func:`~kommunale_integration.to_ics`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import quote

from .._errors import InvalidValueError, MissingExtraError
from .._io import add_file, atomic_directory
from .._model import Concept, Offer
from .._schedule import MeetingSchedule, _import_icalendar, time_windows, to_ics

__all__ = ["calendar_filename", "calendar_files", "offer_times", "write_calendars"]


def calendar_filename(kind: str, item_id: str) -> str:
    """The path of a calendar file within the site (``kalender/angebot-<id>.ics``)."""
    return f"kalender/{kind}-{quote(item_id, safe='')}.ics"


def offer_times(offer: Offer) -> tuple[time | None, time | None]:
    """The times of day of an offer: its own, else the one span its note names."""
    if offer.start_time is not None:
        return offer.start_time, offer.end_time
    windows = time_windows(offer.schedule_note)
    if len(windows) != 1:
        return None, None
    start, end = windows[0]
    if end >= 24 * 60:
        return time(start // 60, start % 60), None
    return time(start // 60, start % 60), time(end // 60, end % 60)


def _until(rule: str, last: date | None) -> str:
    upper = rule.upper()
    if last is None or "UNTIL=" in upper or "COUNT=" in upper:
        return rule
    return f"{rule};UNTIL={last:%Y%m%d}"


@functools.lru_cache(maxsize=4096)
def _series(rule: str, first: date) -> MeetingSchedule:
    """The rule from *first* (checked once: thousands of offers share a few rules)."""
    return MeetingSchedule(rrule=rule, dtstart=first)


def _offer_file(offer: Offer, *, today: date, dtstamp: datetime, uid_domain: str) -> bytes | None:
    if not offer.schedule:
        return None
    start, end = offer_times(offer)
    first = max(offer.valid_from or today, today)
    if offer.valid_to is not None and offer.valid_to < first:
        return None
    try:
        schedule = _series(_until(offer.schedule, offer.valid_to), first)
        where = offer.venue
        location = None
        if where is not None:
            place = " ".join(x for x in (where.postal_code, where.city) if x)
            location = ", ".join(x for x in (where.name, where.street, place) if x) or None
        return to_ics(
            schedule,
            network_id=f"angebot-{offer.id}",
            summary=offer.name,
            description=offer.description,
            location=location,
            series=True,
            dtstamp=dtstamp,
            uid_domain=uid_domain,
            start_time=start,
            end_time=end,
        )
    except InvalidValueError:
        return None  # an invalid rule is a validation finding, not a calendar


def calendar_files(
    concept: Concept, *, today: date, dtstamp: datetime, uid_domain: str = "kommunale-integration"
) -> dict[str, bytes]:
    """``{path: .ics bytes}`` for every current offer with a rule and every network with one.

    Empty when the optional ``icalendar`` package is missing (the pages then link no
    calendar).
    """
    files: dict[str, bytes] = {}
    try:
        for offer in concept.offers:
            data = _offer_file(offer, today=today, dtstamp=dtstamp, uid_domain=uid_domain)
            if data is not None:
                add_file(files, calendar_filename("angebot", offer.id), data)
        for network in concept.networks:
            if network.schedule is None:
                continue
            data = to_ics(
                network.schedule,
                network_id=network.id,
                summary=network.name,
                description=network.description,
                series=True,
                dtstamp=dtstamp,
                uid_domain=uid_domain,
            )
            add_file(files, calendar_filename("netzwerk", network.id), data)
    except MissingExtraError:
        return {}
    return files


def write_calendars(
    concept: Concept,
    output_dir: str | os.PathLike[str],
    *,
    today: date,
    dtstamp: datetime,
    uid_domain: str = "kommunale-integration",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> list[Path]:
    """Write the calendar files into *output_dir* (replaced as a whole); return their paths.

    Raises:
        MissingExtraError: ``icalendar`` is not installed.
    """
    _import_icalendar()  # a clear MissingExtraError instead of an empty folder
    files = calendar_files(concept, today=today, dtstamp=dtstamp, uid_domain=uid_domain)
    target = Path(output_dir)
    written: list[Path] = []
    with atomic_directory(target, writer="write_calendars", inputs=inputs) as tmp:
        for name, data in files.items():
            plain = name.removeprefix("kalender/")
            (tmp / plain).write_bytes(data)
            written.append(target / plain)
    return written
