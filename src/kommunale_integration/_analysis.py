"""Analyses of a concept's actors and offers, as data.

These functions answer the questions the Kreis asks of its overview of actors and
offers, and return plain frozen records so that validation (as findings) and the annual
report (as tables) can use the same answers:

* :func:`find_duplicate_structures` — Doppelstrukturen: offers of different actors in
  the same Handlungsfeld for the same people in the same place at the same time;
* :func:`coverage_gaps` — Versorgungslücken: a Stadt or Gemeinde with no current offer
  in a Handlungsfeld (the gemeindescharfe view);
* :func:`stale_entries` — entries not verified for a number of months (the overview is
  to be "regularly updated").
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import attrs
from dateutil.relativedelta import relativedelta

from ._errors import InvalidValueError
from ._model import Concept, Eligibility, Offer
from ._periods import ReportPeriod
from ._schedule import rule_dates, time_windows

__all__ = [
    "CoverageGap",
    "DuplicateStructure",
    "OutsideOffer",
    "Overlap",
    "StaleEntry",
    "coverage_gaps",
    "find_duplicate_structures",
    "offers_outside",
    "stale_entries",
]


class Overlap(enum.StrEnum):
    """How far two offers are known to take place at the same time (Zeitüberschneidung).

    .. versionadded:: 0.1.0
    """

    TIMES = "times"
    """Both schedules and times are known and overlap (common days and hours)."""
    DAYS = "days"
    """The schedules share days, and the hours of at least one offer are not known."""
    UNKNOWN = "unknown"
    """At least one offer has no usable schedule, so the time cannot be compared."""


@attrs.frozen(kw_only=True)
class DuplicateStructure:
    """A possible Doppelstruktur: two offers of different actors that overlap.

    The offers share at least one Handlungsfeld, their target groups overlap (an offer
    without target groups is open to all), so do their eligibilities (Rechtskreise,
    residence statuses, ages), both are valid during the period looked at, their
    service areas overlap and their schedules do not exclude each other (see
    :func:`find_duplicate_structures`).

    Attributes:
        offer_a: Id of the offer that comes first in the concept.
        offer_b: Id of the other offer.
        actor_a: Id of the actor (Träger) of ``offer_a``.
        actor_b: Id of the actor of ``offer_b``.
        fields: Handlungsfeld codes the two offers have in common, sorted.
        target_groups: Target-group codes in common, sorted; empty when both offers are
            open to all target groups (no target groups, or the code ``alle``).
        territories: AGS of the Städte und Gemeinden served by both, sorted; empty when
            both serve the concept's whole territory.
        overlap: How the time overlap is known (:class:`Overlap`).
        weekdays: Weekdays of the common days (0 = Monday … 6 = Sunday), sorted;
            empty when the overlap is ``unknown``.
        days: Number of common days within the period (0 when ``unknown``).
        first_day: The first common day, or ``None``.
        hours: The common spans of the day as minutes after midnight ``(start, end)``;
            empty unless the overlap is ``times``.
        missing: Ids of the offers whose schedule (overlap ``unknown``) or hours
            (overlap ``days``) are not known; empty for ``times``.

    .. versionadded:: 0.1.0
    """

    offer_a: str
    offer_b: str
    actor_a: str
    actor_b: str
    fields: tuple[str, ...]
    target_groups: tuple[str, ...]
    territories: tuple[str, ...]
    overlap: Overlap = Overlap.UNKNOWN
    weekdays: tuple[int, ...] = ()
    days: int = 0
    first_day: date | None = None
    hours: tuple[tuple[int, int], ...] = ()
    missing: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class CoverageGap:
    """A Versorgungslücke: a Stadt or Gemeinde without an offer in a Handlungsfeld.

    Attributes:
        municipality: AGS (8 digits) of the Stadt or Gemeinde.
        field: Code of the Handlungsfeld.

    .. versionadded:: 0.1.0
    """

    municipality: str
    field: str


@attrs.frozen(kw_only=True)
class StaleEntry:
    """An actor or offer whose entry has not been verified recently (veraltet).

    Attributes:
        collection: ``"actors"`` or ``"offers"``.
        id: Id of the entry.
        last_verified: When it was last checked, ``None`` if never.

    .. versionadded:: 0.1.0
    """

    collection: str
    id: str
    last_verified: date | None


# --------------------------------------------------------------------------- territories

#: The target-group code meaning "everybody" in the default catalogue.
_ALL_GROUPS = "alle"


class _TerritoryResolver:
    """Expand an offer's territories to the municipalities (8-digit AGS) they cover.

    A Kreis or Land AGS covers every municipality of the concept that starts with it;
    the concept's own territory (or no territory at all) means "everywhere" (``None``).
    An AGS that is not a prefix of any known municipality stands for itself.
    """

    def __init__(self, concept: Concept) -> None:
        self._whole = concept.territory
        self._municipalities = tuple(t.ags for t in concept.municipalities())
        self._cache: dict[str, frozenset[str]] = {}
        self._expanded: dict[tuple[str, ...], frozenset[str] | None] = {}

    def expand(self, codes: tuple[str, ...]) -> frozenset[str] | None:
        try:
            return self._expanded[codes]
        except KeyError:
            pass
        result: set[str] = set()
        for code in codes:
            if code == self._whole or (len(code) < 8 and self._whole.startswith(code)):
                result.clear()
                break
            result |= self._one(code)
        expanded = frozenset(result) if result else None
        self._expanded[codes] = expanded
        return expanded

    def _one(self, code: str) -> frozenset[str]:
        cached = self._cache.get(code)
        if cached is None:
            if len(code) >= 8:
                cached = frozenset((code,))
            else:
                covered = frozenset(a for a in self._municipalities if a.startswith(code))
                cached = covered or frozenset((code,))
            self._cache[code] = cached
        return cached


def _common(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Intersect two sets where ``None`` means "all"; ``None`` if both are all."""
    if a is None:
        return b
    if b is None:
        return a
    return a & b


# --------------------------------------------------------------------------- duplicates


def _eligible_together(a: Eligibility, b: Eligibility) -> bool:
    """Whether somebody could be eligible for both offers (empty lists mean anybody)."""
    if a.legal_bases and b.legal_bases and set(a.legal_bases).isdisjoint(b.legal_bases):
        return False
    if (
        a.residence_statuses
        and b.residence_statuses
        and set(a.residence_statuses).isdisjoint(b.residence_statuses)
    ):
        return False
    low = max(a.min_age or 0, b.min_age or 0)
    highs = [age for age in (a.max_age, b.max_age) if age is not None]
    return not highs or low <= min(highs)


class _Times:
    """The days (within the period and the offer's validity) and hours of each offer."""

    def __init__(self, offers: tuple[Offer, ...], period: ReportPeriod) -> None:
        self._offers = offers
        self._period = period
        self._days: dict[int, frozenset[date] | None] = {}

    def days(self, index: int) -> frozenset[date] | None:
        """The days of the offer's rule in the period; ``None`` without a usable rule."""
        if index not in self._days:
            offer = self._offers[index]
            found: frozenset[date] | None = None
            if offer.schedule:
                first = max(self._period.start, offer.valid_from or date.min)
                last = min(self._period.end, offer.valid_to or date.max)
                try:
                    found = frozenset(
                        rule_dates(offer.schedule, offer.valid_from or first, first, last)
                    )
                except InvalidValueError:
                    found = None  # validation reports the rule (invalid-schedule)
            self._days[index] = found
        return self._days[index]

    def compare(
        self, first: int, second: int
    ) -> tuple[Overlap, frozenset[date], tuple[tuple[int, int], ...], tuple[str, ...]] | None:
        """The time overlap of two offers; ``None`` when their times exclude each other."""
        days_a, days_b = self.days(first), self.days(second)
        if (days_a is not None and not days_a) or (days_b is not None and not days_b):
            return None  # a rule without a day in the common time excludes any overlap
        if days_a is None or days_b is None:
            return Overlap.UNKNOWN, frozenset(), (), self._ids(first, days_a, second, days_b)
        common = days_a & days_b
        if not common:
            return None
        hours_a = _hours(self._offers[first])
        hours_b = _hours(self._offers[second])
        if not hours_a or not hours_b:
            return Overlap.DAYS, common, (), self._ids(first, hours_a, second, hours_b)
        hours = tuple(
            sorted(
                {
                    (max(a[0], b[0]), min(a[1], b[1]))
                    for a in hours_a
                    for b in hours_b
                    if max(a[0], b[0]) < min(a[1], b[1])
                }
            )
        )
        if not hours:
            return None
        return Overlap.TIMES, common, hours, ()

    def _ids(self, first: int, known_a: object, second: int, known_b: object) -> tuple[str, ...]:
        """The ids of the offers whose part of the timing is missing (falsy or ``None``)."""
        return tuple(
            self._offers[index].id
            for index, known in ((first, known_a), (second, known_b))
            if known is None or not known
        )


def _hours(offer: Offer) -> tuple[tuple[int, int], ...]:
    """The spans of the day of an offer: ``start_time``–``end_time``, else the times in
    words (``schedule_note``), as minutes after midnight."""
    if offer.start_time is not None and offer.end_time is not None:
        start, end = offer.start_time, offer.end_time
        return ((start.hour * 60 + start.minute, end.hour * 60 + end.minute),)
    return time_windows(offer.schedule_note)


def _service_area(resolver: _TerritoryResolver, offer: Offer) -> frozenset[str] | None:
    """The municipalities an offer serves: its territories, else its venue's town.

    ``None`` means the concept's whole territory (no territories and no venue town).
    """
    if offer.territories:
        return resolver.expand(offer.territories)
    if offer.venue is not None and offer.venue.municipality:
        return resolver.expand((offer.venue.municipality,))
    return None


def _candidate_pairs(
    offers: tuple[Offer, ...],
    indices: list[int],
    areas: dict[int, frozenset[str] | None],
    groups: dict[int, frozenset[str] | None],
) -> list[tuple[int, int]]:
    """Pairs (first < second) of offers that meet in a field × municipality cell.

    Offers are indexed by Handlungsfeld and municipality, so only offers that meet in an
    index cell are compared (fast for tens of thousands of offers). Within a cell only
    offers whose target groups can overlap are paired: the open ones with all, the
    others per group.
    """
    count = len(offers)
    by_field_everywhere: dict[str, list[int]] = defaultdict(list)
    by_field_local: dict[str, list[int]] = defaultdict(list)
    by_cell: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index in indices:
        covered = areas[index]
        for field in set(offers[index].fields):
            if covered is None:
                by_field_everywhere[field].append(index)
            else:
                by_field_local[field].append(index)
                for ags in covered:
                    by_cell[(field, ags)].append(index)

    # A candidate pair (first < second) is encoded as first * count + second.
    candidates: set[int] = set()

    def split(cell: list[int]) -> tuple[list[int], dict[str, list[int]]]:
        open_to_all: list[int] = []
        by_group: dict[str, list[int]] = defaultdict(list)
        for member in cell:
            tagged = groups[member]
            if tagged is None:
                open_to_all.append(member)
            else:
                for code in tagged:
                    by_group[code].append(member)
        return open_to_all, by_group

    def pairs_within(cell: list[int]) -> None:
        open_to_all, by_group = split(cell)
        for first in open_to_all:
            base = first * count
            candidates.update(
                base + second if first < second else second * count + first
                for second in cell
                if second != first
            )
        for members in by_group.values():
            for position in range(len(members) - 1):
                base = members[position] * count  # ascending: no swap needed
                candidates.update(base + second for second in members[position + 1 :])

    for cell in by_cell.values():
        if len(cell) > 1:
            pairs_within(cell)
    for field, everywhere in by_field_everywhere.items():
        pairs_within(everywhere)
        local = by_field_local.get(field, [])
        local_open, local_by_group = split(local)
        for first in everywhere:
            own = groups[first]
            partners: Iterable[int]
            if own is None:
                partners = local
            else:
                partners = local_open + [o for code in own for o in local_by_group.get(code, ())]
            base = first * count
            candidates.update(
                base + other if first < other else other * count + first for other in partners
            )
    return [(key // count, key % count) for key in sorted(candidates)]


def _current_year() -> ReportPeriod:
    return ReportPeriod.year(date.today().year)  # noqa: DTZ011 - a calendar day


def find_duplicate_structures(
    concept: Concept, *, period: ReportPeriod | str | None = None
) -> list[DuplicateStructure]:
    """Find possible Doppelstrukturen among the concept's offers.

    Two offers are reported when all of this holds:

    * they belong to different actors and share a Handlungsfeld;
    * their target groups overlap (none, or the code ``alle``, means everybody) and so
      do their eligibilities: Rechtskreise and residence statuses (empty means any)
      and age ranges;
    * both are valid at some common day of *period* (``valid_from``/``valid_to``);
    * their service areas share a Stadt or Gemeinde: the offer's territories (a Kreis
      stands for its towns), else the town of its venue, else the whole concept;
    * their schedules do not exclude each other: the RRULEs are expanded over the
      common days of the period and must share a day, and where both offers give
      their hours (``start_time`` and ``end_time``, else in ``schedule_note``:
      ``16–18 Uhr``) those must overlap too.

    The ``overlap`` of each :class:`DuplicateStructure` says how much of it is known:
    ``times`` (days and hours), ``days`` (common days, hours of one offer unknown) or
    ``unknown`` (an offer has no schedule). Both seed documents of the Kreis ask to avoid
    such parallel structures; a finding is a prompt to talk, not proof of waste.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        period: The period looked at (a :class:`ReportPeriod` or its notation); default
            the current calendar year.

    Returns:
        One :class:`DuplicateStructure` per pair, ordered by the position of the offers
        in the concept.

    .. versionadded:: 0.1.0
    """
    if period is None:
        period = _current_year()
    elif isinstance(period, str):
        period = ReportPeriod.parse(period)
    offers = concept.offers
    resolver = _TerritoryResolver(concept)
    indices = [
        index
        for index, offer in enumerate(offers)
        if (offer.valid_from is None or offer.valid_from <= period.end)
        and (offer.valid_to is None or offer.valid_to >= period.start)
    ]
    areas = {index: _service_area(resolver, offers[index]) for index in indices}
    groups: dict[int, frozenset[str] | None] = {}
    for index in indices:
        wanted = frozenset(offers[index].target_groups)
        groups[index] = None if not wanted or _ALL_GROUPS in wanted else wanted
    times = _Times(offers, period)
    found: list[DuplicateStructure] = []
    for first, second in _candidate_pairs(offers, indices, areas, groups):
        a, b = offers[first], offers[second]
        if a.actor == b.actor or not _eligible_together(a.eligibility, b.eligibility):
            continue
        groups_a, groups_b = groups[first], groups[second]
        if groups_a is not None and groups_b is not None and groups_a.isdisjoint(groups_b):
            continue
        start = max(a.valid_from or date.min, b.valid_from or date.min, period.start)
        end = min(a.valid_to or date.max, b.valid_to or date.max, period.end)
        if start > end:
            continue
        timing = times.compare(first, second)
        if timing is None:
            continue
        overlap, days, hours, missing = timing
        # The index pairs only offers that share a cell, so the places always overlap.
        common_groups = _common(groups_a, groups_b)
        common_places = _common(areas[first], areas[second])
        found.append(
            DuplicateStructure(
                offer_a=a.id,
                offer_b=b.id,
                actor_a=a.actor,
                actor_b=b.actor,
                fields=a.fields
                if a.fields == b.fields and len(a.fields) == 1
                else tuple(sorted(set(a.fields).intersection(b.fields))),
                target_groups=tuple(sorted(common_groups)) if common_groups else (),
                territories=tuple(sorted(common_places)) if common_places else (),
                overlap=overlap,
                weekdays=tuple(sorted({day.weekday() for day in days})),
                days=len(days),
                first_day=min(days) if days else None,
                hours=hours,
                missing=missing,
            )
        )
    return found


# --------------------------------------------------------------------------- coverage


def _current(offer: Offer, day: date) -> bool:
    return (offer.valid_from is None or offer.valid_from <= day) and (
        offer.valid_to is None or day <= offer.valid_to
    )


def coverage_gaps(concept: Concept, *, on: date | None = None) -> list[CoverageGap]:
    """Find the Städte und Gemeinden without a current offer in a Handlungsfeld.

    Every municipality of the concept (8-digit AGS, existing on *on*) is combined with
    every Handlungsfeld of the concept. The pair is a gap when no offer valid on *on*
    serves it: an offer serves a municipality when it names no territories (it serves
    all), names the municipality or a territory containing it (its Kreis), or takes
    place there (its venue's municipality).

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        on: The day that counts for "current" (default: today).

    Returns:
        :class:`CoverageGap` records ordered by AGS, then by the order of the fields in
        the concept.

    .. versionadded:: 0.1.0
    """
    day = date.today() if on is None else on  # noqa: DTZ011 - a calendar day, no time zone
    resolver = _TerritoryResolver(concept)
    field_codes = [f.id for f in concept.fields]
    everywhere: set[str] = set()
    served: set[tuple[str, str]] = set()
    for offer in concept.offers:
        if not _current(offer, day):
            continue
        covered = resolver.expand(offer.territories)
        venue = offer.venue.municipality if offer.venue is not None else None
        if not offer.territories and venue is not None and _outside(concept, venue):
            # Held in a neighbouring town and no service area given: it serves there
            # ("außerhalb"), not the concept's whole territory. One whose service area
            # names the whole territory serves it wherever it is held.
            covered = frozenset((venue,))
        places: set[str] = set() if covered is None else set(covered)
        if venue:
            places.add(venue)
        for field in offer.fields:
            if covered is None:
                everywhere.add(field)
            else:
                served.update((ags, field) for ags in places)
    return [
        CoverageGap(municipality=town.ags, field=field)
        for town in concept.municipalities(on=day)
        for field in field_codes
        if field not in everywhere and (town.ags, field) not in served
    ]


def fields_without_offer(
    concept: Concept, gaps: Iterable[CoverageGap], *, on: date | None = None
) -> list[str]:
    """The Handlungsfelder in which every Stadt and Gemeinde of the concept has a gap.

    One statement instead of one per municipality (a Landkreis of 104 Gemeinden fresh
    from ``init``: 104 gaps in each field). Empty for a concept of fewer than two
    municipalities, where the gap of the one is as short.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        gaps: Its gaps (from :func:`coverage_gaps`, perhaps without the accepted ones).
        on: The day whose municipalities count (default: today).

    Returns:
        Field codes in the order of the concept's fields.
    """
    day = date.today() if on is None else on  # noqa: DTZ011 - a calendar day, no time zone
    towns = {town.ags for town in concept.municipalities(on=day)}
    if len(towns) < 2:
        return []
    lacking: dict[str, set[str]] = defaultdict(set)
    for gap in gaps:
        lacking[gap.field].add(gap.municipality)
    return [f.id for f in concept.fields if towns <= lacking.get(f.id, set())]


def _outside(concept: Concept, ags: str) -> bool:
    """Whether *ags* lies outside the concept's territory (a neighbour)."""
    if concept.covers(ags) or concept.territory.startswith(ags):
        return False
    return concept.territory_of(ags) is None


@attrs.frozen(kw_only=True)
class OutsideOffer:
    """An offer held outside the concept's territory ("außerhalb"), e.g. in the next town.

    Attributes:
        offer: Id of the offer.
        municipality: AGS of the place where it is held.
        serves: AGS of the concept's Städte und Gemeinden it serves (its service
            area), empty when it names none inside.

    .. versionadded:: 0.1.0
    """

    offer: str
    municipality: str
    serves: tuple[str, ...]


def offers_outside(concept: Concept, *, on: date | None = None) -> list[OutsideOffer]:
    """The offers whose venue lies outside the concept's territory ("außerhalb").

    They count for coverage (:func:`coverage_gaps`) only where their service area
    (``territories``) names a Stadt or Gemeinde of the concept, and create no gaps of
    their own.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        on: Only offers current on this day (as :func:`coverage_gaps` counts them);
            default: every offer.

    .. versionadded:: 0.1.0
    """
    resolver = _TerritoryResolver(concept)
    own = {t.ags for t in concept.municipalities(on=on)}
    found = []
    for offer in concept.offers:
        venue = offer.venue.municipality if offer.venue is not None else None
        if venue is None or not _outside(concept, venue):
            continue
        if on is not None and not _current(offer, on):
            continue
        covered = resolver.expand(offer.territories) if offer.territories else frozenset()
        inside = sorted(own if covered is None else (covered & own))
        found.append(OutsideOffer(offer=offer.id, municipality=venue, serves=tuple(inside)))
    return found


# --------------------------------------------------------------------------- currency


def stale_entries(concept: Concept, today: date, months: int = 12) -> list[StaleEntry]:
    """Find actors and offers not verified for more than *months* months.

    An entry is stale when its ``last_verified`` date lies before the day *months*
    months before *today*, or when it was never verified. Offers that have ended
    (``valid_to`` before *today*) are no longer listed and are left out.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        today: The reference day.
        months: The allowed age in months (default 12: the Kreis wants its overview
            "regularly updated").

    Returns:
        :class:`StaleEntry` records, actors first, each in concept order.

    Raises:
        InvalidValueError: when *months* is negative.

    .. versionadded:: 0.1.0
    """
    if months < 0:
        raise InvalidValueError("months", "must not be negative, got {found}", found=months)
    try:
        cutoff = today - relativedelta(months=months)
    except (ValueError, OverflowError):  # before the year 1: no date lies before it
        cutoff = date.min
    found = [
        StaleEntry(collection="actors", id=a.id, last_verified=a.last_verified)
        for a in concept.actors
        if a.last_verified is None or a.last_verified < cutoff
    ]
    found.extend(
        StaleEntry(collection="offers", id=o.id, last_verified=o.last_verified)
        for o in concept.offers
        if (o.valid_to is None or o.valid_to >= today)
        and (o.last_verified is None or o.last_verified < cutoff)
    )
    return found
