"""The report view model: everything the Jahresbericht shows, as plain data.

:func:`build_context` turns a concept, a period, indicator values and the analyses into
a :class:`ReportContext`. It does no formatting (the renderers do that per language and
output format) and no I/O, so it is easy to test and the HTML, Markdown and DOCX
renderers show exactly the same content.

Indicator values come from the concept's own :class:`~kommunale_integration.Observation`
entries and, when given, from an indicator table (rows with ``indicator``, ``period``,
``territory``, ``dims``, ``value`` and ``status`` as computed by the indicator engine);
table rows win over observations for the same cell. Only totals are shown (no
disaggregation, or every dimension ``_T``).

Rules where the data leaves a choice:

* **Target** of a period: the target for exactly that period and territory; else the one
  with the shortest period containing it; else the next later one.
* **Target attainment**: with a baseline *b* and target *t* (``t ≠ b``):
  ``(value − b) / (t − b) × 100``; without a baseline ``value / t × 100``, or
  ``t / value × 100`` when lower is better. Not computed when a value is not published.
* **New and changed entries**: with a predecessor concept, entries added or changed
  compared with it; without one, offers whose ``valid_from`` (actors: ``founded``) lies
  in the period count as new, and entries verified in the period as changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .._analysis import coverage_gaps, find_duplicate_structures, stale_entries
from .._model import (
    Abbreviation,
    Concept,
    Direction,
    GlossaryTerm,
    Indicator,
    LegalBasis,
    MeasureStatus,
    ObservationStatus,
)
from .._periods import PeriodError, ReportPeriod

__all__ = [
    "ActorsSection",
    "EntryChange",
    "FieldSection",
    "Figure",
    "GoalView",
    "MeasureView",
    "MeetingView",
    "NetworkView",
    "ReportContext",
    "Vorlage",
    "build_context",
    "collect_values",
]

#: How many periods a trend chart shows (the report period and the ones before).
TREND_PERIODS = 5


@attrs.frozen(kw_only=True)
class Vorlage:
    """The header of a council paper (Vorlage, Drucksache) that carries the report.

    Every field left ``None`` is filled from the concept: the subject becomes
    "Jahresbericht {period} zum {concept title}", the body the concept's ``committee``
    and the resolution "Der Bericht wird zur Kenntnis genommen."

    Attributes:
        subject: Betreff.
        document_number: Drucksachen-/Vorlagennummer, e.g. ``SV-10-0123``.
        body: Beratungsfolge: the receiving body (Ausschuss).
        resolution: Beschlussvorschlag.

    .. versionadded:: 0.1.0
    """

    subject: str | None = None
    document_number: str | None = None
    body: str | None = None
    resolution: str | None = None


@attrs.frozen(kw_only=True)
class Point:
    """One value of an indicator: period, value and status."""

    period: ReportPeriod
    value: Decimal | None
    status: ObservationStatus

    @property
    def published(self) -> Decimal | None:
        """The value if it may be shown and used for arithmetic, else ``None``."""
        if self.status in (ObservationStatus.SUPPRESSED, ObservationStatus.MISSING):
            return None
        return self.value


@attrs.frozen(kw_only=True)
class Figure:
    """An indicator's figures for one territory in the report period (Kennzahlwert)."""

    indicator: Indicator
    territory: str
    territory_name: str
    decimals: int
    current: Point | None
    previous: Point | None
    change_abs: Decimal | None
    change_rel: Decimal | None
    target: Decimal | None
    target_period: ReportPeriod | None
    baseline: Decimal | None
    attainment: Decimal | None
    series: tuple[Point, ...]
    by_municipality: tuple[tuple[str, str, Point], ...] = ()


@attrs.frozen(kw_only=True)
class GoalView:
    """A goal with its kind."""

    id: str
    text: str
    kind: Any


@attrs.frozen(kw_only=True)
class MeasureView:
    """A measure with its current status."""

    id: str
    title: str
    status: MeasureStatus
    status_changed: bool
    responsible: str | None
    start: date | None
    end: date | None
    territories: tuple[str, ...]
    goals: tuple[str, ...]
    expected_result: str | None


@attrs.frozen(kw_only=True)
class FieldSection:
    """One Handlungsfeld: goals, measures and indicator figures."""

    id: str
    title: str
    description: str | None
    goals: tuple[GoalView, ...]
    measures: tuple[MeasureView, ...]
    figures: tuple[Figure, ...]


@attrs.frozen(kw_only=True)
class MeetingView:
    """A meeting in the period."""

    date: date
    attendance: int
    topics: tuple[str, ...]
    results: tuple[str, ...]


@attrs.frozen(kw_only=True)
class NetworkView:
    """A network and its meetings in the period."""

    id: str
    name: str
    kind: str
    coordinator: str | None
    meetings: tuple[MeetingView, ...]

    @property
    def participants(self) -> int:
        """The sum of attendance over the meetings."""
        return sum(m.attendance for m in self.meetings)


@attrs.frozen(kw_only=True)
class EntryChange:
    """An actor or offer that is new, changed, removed or stale."""

    collection: str
    id: str
    name: str
    actor: str | None = None
    last_verified: date | None = None


@attrs.frozen(kw_only=True)
class DuplicateView:
    """A possible duplicate structure, with names."""

    offer_a: str
    offer_b: str
    actor_a: str
    actor_b: str
    fields: tuple[str, ...]
    territories: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ActorsSection:
    """Actors and offers: counts, new/changed/removed, stale, duplicates and gaps."""

    actor_count: int
    offer_count: int
    compared_with: str | None
    new: tuple[EntryChange, ...]
    changed: tuple[EntryChange, ...]
    removed: tuple[EntryChange, ...]
    stale: tuple[EntryChange, ...]
    duplicates: tuple[DuplicateView, ...]
    gaps: tuple[tuple[str, tuple[str, ...]], ...]
    """(municipality name, field titles without an offer)."""


@attrs.frozen(kw_only=True)
class ReportContext:
    """Everything the Jahresbericht shows, unformatted.

    .. versionadded:: 0.1.0
    """

    concept: Concept
    period: ReportPeriod
    today: date
    vorlage: Vorlage
    internal: bool
    territory_name: str
    starting_point: str | None
    summary: str | None
    legal_bases: tuple[LegalBasis, ...]
    fields: tuple[FieldSection, ...]
    networks: tuple[NetworkView, ...]
    actors: ActorsSection
    outlook: str | None
    indicators: tuple[Indicator, ...]
    glossary: tuple[GlossaryTerm, ...]
    abbreviations: tuple[Abbreviation, ...]


# --------------------------------------------------------------------------- values

Key = tuple[str, str, ReportPeriod]


def _is_total(dims: Any) -> bool:
    if not dims:
        return True
    items = dims.items() if isinstance(dims, Mapping) else dims
    return all(str(value) == "_T" for _, value in items)


def _rows(table: Any) -> Iterable[Any]:
    rows = getattr(table, "rows", table)
    return rows if rows is not None else ()


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def collect_values(concept: Concept, table: Any = None) -> dict[Key, Point]:
    """Collect the total values per (indicator, territory, period).

    The concept's observations come first; rows of *table* (any iterable of rows, or an
    object with ``.rows``) replace them cell by cell.
    """
    values: dict[Key, Point] = {}
    for obs in concept.observations:
        if obs.disaggregation:
            continue
        values[(obs.indicator, obs.territory, obs.period)] = Point(
            period=obs.period, value=obs.value, status=obs.status
        )
    if table is not None:
        for row in _rows(table):
            dims = getattr(row, "dims", None) or getattr(row, "disaggregation", None)
            if not _is_total(dims):
                continue
            period = row.period
            if isinstance(period, str):
                period = ReportPeriod.parse(period)
            status = ObservationStatus(str(getattr(row, "status", "ok")))
            values[(str(row.indicator), str(row.territory), period)] = Point(
                period=period, value=_decimal(row.value), status=status
            )
    return values


def _shift(period: ReportPeriod, steps: int) -> ReportPeriod | None:
    try:
        return period.shift(steps)
    except PeriodError:
        return None


def _decimals(indicator: Indicator) -> int:
    return 1 if indicator.is_rate or indicator.scale != 1 else 0


def _target_for(
    concept: Concept, indicator: str, territory: str, period: ReportPeriod
) -> tuple[Decimal | None, ReportPeriod | None]:
    targets = [t for t in concept.targets if t.indicator == indicator and t.territory == territory]
    exact = [t for t in targets if t.period == period]
    if exact:
        return exact[0].value, exact[0].period
    containing = sorted(
        (t for t in targets if period in t.period), key=lambda t: (t.period.days, t.period)
    )
    if containing:
        return containing[0].value, containing[0].period
    later = sorted((t for t in targets if t.period.start > period.end), key=lambda t: t.period)
    if later:
        return later[0].value, later[0].period
    return None, None


def _baseline_for(concept: Concept, indicator: str, territory: str) -> Decimal | None:
    baselines = sorted(
        (b for b in concept.baselines if b.indicator == indicator and b.territory == territory),
        key=lambda b: b.period,
    )
    return baselines[0].value if baselines else None


def attainment(
    value: Decimal | None,
    target: Decimal | None,
    baseline: Decimal | None,
    direction: Direction,
) -> Decimal | None:
    """Target attainment in per cent (see the module notes), or ``None``."""
    if value is None or target is None:
        return None
    if baseline is not None and target != baseline:
        return (value - baseline) / (target - baseline) * 100
    if direction is Direction.DOWN:
        return target / value * 100 if value else None
    return value / target * 100 if target else None


def _figure(
    concept: Concept,
    *,
    indicator: Indicator,
    territory: str,
    period: ReportPeriod,
    values: Mapping[Key, Point],
    names: Mapping[str, str],
) -> Figure:
    current = values.get((indicator.id, territory, period))
    previous_period = _shift(period, -1)
    previous = values.get((indicator.id, territory, previous_period)) if previous_period else None
    now = current.published if current else None
    before = previous.published if previous else None
    change_abs = now - before if now is not None and before is not None else None
    change_rel = change_abs / before * 100 if change_abs is not None and before else None
    target, target_period = _target_for(concept, indicator.id, territory, period)
    baseline = _baseline_for(concept, indicator.id, territory)
    earlier = [_shift(period, -step) for step in range(TREND_PERIODS - 1, -1, -1)]
    series = tuple(
        point
        for when in earlier
        if when is not None and (point := values.get((indicator.id, territory, when))) is not None
    )
    towns = tuple(
        (town.ags, town.name, point)
        for town in concept.municipalities()
        if town.ags != territory and (point := values.get((indicator.id, town.ags, period)))
    )
    return Figure(
        indicator=indicator,
        territory=territory,
        territory_name=names.get(territory, territory),
        decimals=_decimals(indicator),
        current=current,
        previous=previous,
        change_abs=change_abs,
        change_rel=change_rel,
        target=target,
        target_period=target_period,
        baseline=baseline,
        attainment=attainment(now, target, baseline, indicator.direction),
        series=series,
        by_municipality=towns,
    )


def _field_indicators(concept: Concept, field: str) -> list[Indicator]:
    codes: list[str] = [i.id for i in concept.indicators if field in i.fields]
    for goal in concept.goals:
        if goal.field == field:
            codes.extend(goal.indicators)
    for measure in concept.measures:
        if measure.field == field:
            codes.extend(measure.indicators)
    found: list[Indicator] = []
    for code in dict.fromkeys(codes):
        indicator = concept.indicator(code)
        if indicator is not None:
            found.append(indicator)
    return found


# --------------------------------------------------------------------------- actors


def _name(concept: Concept, collection: str, id: str) -> str:
    item = concept.get(collection, id)
    return str(item.name) if item is not None else id


def _entry(concept: Concept, collection: str, item: Any) -> EntryChange:
    actor = None
    if collection == "offers":
        actor = _name(concept, "actors", item.actor)
    return EntryChange(
        collection=collection,
        id=item.id,
        name=item.name,
        actor=actor,
        last_verified=item.last_verified,
    )


def _actors_section(
    concept: Concept,
    period: ReportPeriod,
    today: date,
    previous: Concept | None,
    names: Mapping[str, str],
) -> ActorsSection:
    new: list[EntryChange] = []
    changed: list[EntryChange] = []
    removed: list[EntryChange] = []
    for collection in ("actors", "offers"):
        items = getattr(concept, collection)
        if previous is not None:
            for item in items:
                old = previous.get(collection, item.id)
                if old is None:
                    new.append(_entry(concept, collection, item))
                elif old != item:
                    changed.append(_entry(concept, collection, item))
            current_ids = concept.ids(collection)
            removed.extend(
                _entry(previous, collection, item)
                for item in getattr(previous, collection)
                if item.id not in current_ids
            )
        else:
            for item in items:
                start = item.valid_from if collection == "offers" else item.founded
                if start is not None and start in period:
                    new.append(_entry(concept, collection, item))
                elif item.last_verified is not None and item.last_verified in period:
                    changed.append(_entry(concept, collection, item))
    stale = tuple(
        _entry(concept, s.collection, concept.get(s.collection, s.id))
        for s in stale_entries(concept, today)
    )
    duplicates = tuple(
        DuplicateView(
            offer_a=_name(concept, "offers", d.offer_a),
            offer_b=_name(concept, "offers", d.offer_b),
            actor_a=_name(concept, "actors", d.actor_a),
            actor_b=_name(concept, "actors", d.actor_b),
            fields=tuple(_field_title(concept, f) for f in d.fields),
            territories=tuple(names.get(t, t) for t in d.territories),
        )
        for d in find_duplicate_structures(concept, period=period)
    )
    by_town: dict[str, list[str]] = defaultdict(list)
    for gap in coverage_gaps(concept, on=min(period.end, today)):
        by_town[gap.municipality].append(_field_title(concept, gap.field))
    gaps = tuple((names.get(ags, ags), tuple(fields)) for ags, fields in by_town.items())
    return ActorsSection(
        actor_count=len(concept.actors),
        offer_count=len(concept.offers),
        compared_with=previous.version if previous is not None else None,
        new=tuple(new),
        changed=tuple(changed),
        removed=tuple(removed),
        stale=stale,
        duplicates=duplicates,
        gaps=gaps,
    )


def _field_title(concept: Concept, code: str) -> str:
    field = concept.field(code)
    return field.title if field is not None else code


# --------------------------------------------------------------------------- networks


def _networks(concept: Concept, period: ReportPeriod) -> tuple[NetworkView, ...]:
    by_network: dict[str, list[MeetingView]] = defaultdict(list)
    for meeting in sorted(concept.meetings, key=lambda m: m.date):
        if meeting.date in period:
            by_network[meeting.network].append(
                MeetingView(
                    date=meeting.date,
                    attendance=meeting.attendance,
                    topics=meeting.topics,
                    results=meeting.results,
                )
            )
    views: list[NetworkView] = []
    for network in concept.networks:
        meetings = by_network.pop(network.id, [])
        if not meetings:
            continue
        views.append(
            NetworkView(
                id=network.id,
                name=network.name,
                kind=network.kind,
                coordinator=(
                    _name(concept, "actors", network.coordinator) if network.coordinator else None
                ),
                meetings=tuple(meetings),
            )
        )
    # Meetings of networks the concept does not list are still activities of the year.
    for network_id, meetings in by_network.items():
        views.append(
            NetworkView(
                id=network_id,
                name=network_id,
                kind="",
                coordinator=None,
                meetings=tuple(meetings),
            )
        )
    return tuple(views)


# --------------------------------------------------------------------------- context


def territory_names(concept: Concept) -> dict[str, str]:
    """AGS → name for every territory of the concept."""
    return {t.ags: t.name for t in concept.territories}


def build_context(
    concept: Concept,
    period: ReportPeriod,
    *,
    table: Any = None,
    previous: Concept | None = None,
    today: date,
    vorlage: Vorlage | None = None,
    internal: bool = False,
    default_subject: str,
    default_resolution: str,
) -> ReportContext:
    """Build the :class:`ReportContext` of the Jahresbericht for *period*.

    Args:
        concept: The concept.
        period: The report period.
        table: Indicator values from the engine (optional; see the module notes).
        previous: The predecessor concept, for new/changed/removed entries.
        today: The day of the report (stale entries are judged against it).
        vorlage: The council-paper header; missing parts come from the concept.
        internal: ``True`` when built without disclosure control (shows a banner).
        default_subject: The subject used when *vorlage* has none.
        default_resolution: The resolution used when *vorlage* has none.
    """
    names = territory_names(concept)
    values = collect_values(concept, table)
    given = vorlage or Vorlage()
    decision = concept.get("decisions", concept.adopted) if concept.adopted else None
    header = Vorlage(
        subject=given.subject or default_subject,
        document_number=given.document_number,
        body=given.body or concept.committee or (decision.body if decision else None),
        resolution=given.resolution or default_resolution,
    )
    home = concept.territory
    fields: list[FieldSection] = []
    for field in concept.fields:
        goals = tuple(
            GoalView(id=g.id, text=g.text, kind=g.kind)
            for g in concept.goals
            if g.field == field.id
        )
        measures = tuple(
            MeasureView(
                id=m.id,
                title=m.title,
                status=m.status_on(period.end) or m.status,
                status_changed=any(c.date in period for c in m.history),
                responsible=_name(concept, "actors", m.responsible) if m.responsible else None,
                start=m.timeframe.start if m.timeframe else None,
                end=m.timeframe.end if m.timeframe else None,
                territories=tuple(names.get(t, t) for t in m.territories),
                goals=m.goals,
                expected_result=m.expected_result,
            )
            for m in concept.measures
            if m.field == field.id
        )
        figures = tuple(
            _figure(
                concept,
                indicator=indicator,
                territory=home,
                period=period,
                values=values,
                names=names,
            )
            for indicator in _field_indicators(concept, field.id)
        )
        fields.append(
            FieldSection(
                id=field.id,
                title=field.title,
                description=field.description,
                goals=goals,
                measures=measures,
                figures=figures,
            )
        )
    return ReportContext(
        concept=concept,
        period=period,
        today=today,
        vorlage=header,
        internal=internal,
        territory_name=names.get(home, home),
        starting_point=concept.starting_point,
        summary=concept.summary,
        legal_bases=concept.legal_bases,
        fields=tuple(fields),
        networks=_networks(concept, period),
        actors=_actors_section(concept, period, today, previous, names),
        outlook=concept.outlook,
        indicators=concept.indicators,
        glossary=tuple(sorted(concept.glossary, key=lambda g: g.term.casefold())),
        abbreviations=tuple(sorted(concept.abbreviations, key=lambda a: a.short.casefold())),
    )
