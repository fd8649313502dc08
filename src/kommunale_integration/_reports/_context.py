"""The report view model: everything the Jahresbericht shows, as plain data.

:func:`build_context` turns a concept, a period, indicator values and the analyses into
a :class:`ReportContext`. It does no formatting (the outline in ``_outline.py`` does that
once for every output format) and no I/O.

Indicator values come from the concept's own :class:`~kommunale_integration.Observation`
entries and, when given, from an indicator table (rows with ``indicator``, ``period``,
``territory``, ``dims``, ``value`` and ``status`` as computed by the indicator engine);
table rows win over observations for the same cell. Only totals are shown (no
disaggregation, or every dimension ``_T``).

Every derived figure (change, target, baseline, attainment, forecast) comes from the
engine's :func:`~kommunale_integration.derive`, the one computation of derived figures:
the collected values become an :class:`~kommunale_integration.IndicatorTable` and
:func:`derive` runs on it.

Rules where the data leaves a choice:

* **Main field** of a Kennzahl: the first field the indicator names, else the first
  field whose goals or measures refer to it. It is shown there once; other fields
  refer to it.
* **New and changed entries**: with a predecessor concept, entries added or changed
  compared with it; without one, offers whose ``valid_from`` (actors: ``founded``) lies
  in the period count as new and entries whose recorded change date (``last_changed``)
  lies in it as changed. Being verified (``last_verified``) is no change; the report
  counts verified entries apart.
* **Stale entries** (zu prüfen): not verified within the twelve months before the end
  of the period.
* **Funding** of the period: grants whose period overlaps the report period; grants
  without a period are listed apart and not summed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .._analysis import (
    CoverageGap,
    Overlap,
    coverage_gaps,
    fields_without_offer,
    find_duplicate_structures,
    offers_outside,
    stale_entries,
)
from .._engine.derived import DerivedFigure, derive
from .._engine.forecasting import Forecast
from .._engine.table import IndicatorTable, IndicatorValue, is_total
from .._engine.temporal import Value, combine_over_time
from .._model import (
    Abbreviation,
    Concept,
    DateRange,
    DecisionResult,
    GlossaryTerm,
    Indicator,
    LegalBasis,
    MeasureStatus,
    ObservationStatus,
    OverTime,
    Votes,
)
from .._periods import PeriodError, ReportPeriod
from .._schedule import meeting_status
from .._territories import place_name
from .._validation._accepted import ReviewedFinding, normalise_subject

__all__ = [
    "ActorsSection",
    "DecisionView",
    "EntryChange",
    "FieldSection",
    "Figure",
    "FinanceSection",
    "FundingView",
    "GoalView",
    "MeasureView",
    "MeetingView",
    "NetworkView",
    "OutsideView",
    "PlacesView",
    "ReportContext",
    "StaffView",
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
    "Jahresbericht {period} zum {concept title}", the body the concept's ``committee``,
    the meeting date the concept's ``meeting_date`` and the resolution "Der Bericht wird
    zur Kenntnis genommen."

    Attributes:
        subject: Betreff.
        document_number: Drucksachen-/Vorlagennummer, e.g. ``SV-10-0123``.
        body: Beratungsfolge: the receiving body (Ausschuss).
        resolution: Beschlussvorschlag.
        meeting_date: Sitzungstermin.

    .. versionadded:: 0.1.0
    """

    subject: str | None = None
    document_number: str | None = None
    body: str | None = None
    resolution: str | None = None
    meeting_date: date | None = None


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
    """An indicator's figures for one territory in the report period (Kennzahlwert).

    Every derived number is the engine's :class:`~kommunale_integration.DerivedFigure`
    (``derived``); the properties only read it.
    """

    indicator: Indicator
    territory: str
    territory_name: str
    decimals: int
    field: str | None
    derived: DerivedFigure
    current: Point | None
    previous: Point | None
    series: tuple[Point, ...]
    by_municipality: tuple[tuple[str, str, Point], ...] = ()

    @property
    def change_abs(self) -> Decimal | None:
        """Change to the previous period (percentage points for rates)."""
        return self.derived.change_abs

    @property
    def change_rel(self) -> Decimal | None:
        """Change to the previous period in per cent."""
        return self.derived.change_rel

    @property
    def target(self) -> Decimal | None:
        """The target that applies (see :func:`~kommunale_integration.derive`)."""
        return self.derived.target

    @property
    def target_period(self) -> ReportPeriod | None:
        """The period of the target."""
        return self.derived.target_period

    @property
    def chart_target(self) -> Decimal | None:
        """The target a chart of this period kind may draw (none of another kind: a
        quarterly series is never drawn against an annual target)."""
        if self.derived.attainment_note == "other-period-kind":
            return None
        return self.derived.target

    @property
    def baseline(self) -> Decimal | None:
        """The baseline (Ausgangswert)."""
        return self.derived.baseline

    @property
    def attainment(self) -> Decimal | None:
        """Target attainment in per cent (``None`` when not comparable)."""
        return self.derived.attainment

    @property
    def forecast(self) -> Forecast | None:
        """The forecast towards the target."""
        return self.derived.forecast

    @property
    def has_data(self) -> bool:
        """Whether there is anything to show: a value (even a suppressed one) or a target."""
        known = [p for p in (*self.series, self.current) if p is not None]
        return self.target is not None or any(
            p.status is not ObservationStatus.MISSING for p in known
        )

    @property
    def percentage_points(self) -> bool:
        """Whether changes are percentage points (a rate per 100)."""
        return self.indicator.is_rate and self.indicator.scale == 100


@attrs.frozen(kw_only=True)
class GoalView:
    """A goal with its kind."""

    id: str
    text: str
    kind: Any
    indicators: tuple[str, ...] = ()
    """The Kennzahlen measuring the goal: its own, else those of its measures."""


@attrs.frozen(kw_only=True)
class DecisionView:
    """A Beschluss up to the end of the period, with its vote."""

    id: str
    body: str
    date: date
    result: DecisionResult
    document_number: str | None
    votes: Votes | None
    adopts_concept: bool
    """Whether it is the decision that adopted the concept (``Concept.adopted``)."""
    in_period: bool
    text: str | None = None
    """The wording of the resolution (Beschlusstext)."""


@attrs.frozen(kw_only=True)
class MeasureView:
    """A measure with its status at the end of the period."""

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
    indicators: tuple[str, ...] = ()
    funding: tuple[str, ...] = ()
    status_since: date | None = None
    """The day the status at the end of the period was set."""


@attrs.frozen(kw_only=True)
class FieldSection:
    """One Handlungsfeld: goals, measures, its Kennzahlen and references to others."""

    id: str
    title: str
    description: str | None
    goals: tuple[GoalView, ...]
    measures: tuple[MeasureView, ...]
    figures: tuple[Figure, ...]
    references: tuple[Figure, ...] = ()
    """Kennzahlen shown in another field (their main field)."""

    @property
    def empty(self) -> bool:
        """Whether the field has nothing to report (no goals, measures or Kennzahlen)."""
        return not (self.goals or self.measures or self.figures or self.references)


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
    planned: int | None = None
    """Meetings planned by the network's rule in the period (``None`` without a rule)."""
    planned_held: int = 0
    """How many of the planned meetings were held (matched to a recorded meeting)."""

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
class OutsideView:
    """An offer held outside the concept's territory ("außerhalb"), for the report."""

    offer: str
    """The offer's name."""
    place: str
    """Where it is held, with its Kreis: ``Rheine (Kreis Steinfurt)``."""
    serves: tuple[str, ...]
    """Names of the concept's Städte und Gemeinden it counts for (its service area)."""


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
    """(municipality name, field titles without an offer), without the fields of
    :attr:`gaps_everywhere`; only the municipalities with another gap."""
    verified: int = 0
    """Entries verified in the period (reported instead of changes without a predecessor)."""
    outside: tuple[OutsideView, ...] = ()
    """Offers held outside the territory ("außerhalb"), current at the end of the period."""
    gaps_everywhere: tuple[str, ...] = ()
    """Titles of the fields in which no municipality of the concept (two or more) has a
    current offer: said once, not in each municipality's row."""


@attrs.frozen(kw_only=True)
class FundingView:
    """A grant in the report period."""

    programme: str
    provider: str
    amount: Decimal
    per_year: bool
    recipient: str | None
    measures: tuple[str, ...]
    start: date | None = None
    end: date | None = None


@attrs.frozen(kw_only=True)
class StaffView:
    """A staff position (Personalstelle) of an actor."""

    actor: str
    role: str
    fte: Decimal
    seconded: bool
    funding: str | None
    note: str | None


@attrs.frozen(kw_only=True)
class PlacesView:
    """The places (Plätze) of a measure that ran in the report period."""

    measure: str
    places: int
    status: MeasureStatus
    """Its status at the end of the period (``abgeschlossen`` when it ended in it)."""


@attrs.frozen(kw_only=True)
class FinanceSection:
    """Finanzen und Personal: funding of the period, staff positions and the places of
    the measures that ran in the period."""

    funding: tuple[FundingView, ...]
    undated: tuple[FundingView, ...]
    staff: tuple[StaffView, ...]
    places: tuple[PlacesView, ...] = ()

    @property
    def total(self) -> Decimal:
        """Sum of the funding of the period (grants without a period not included)."""
        return sum((f.amount for f in self.funding), Decimal(0))

    @property
    def fte(self) -> Decimal:
        """Sum of the full-time equivalents."""
        return sum((s.fte for s in self.staff), Decimal(0))

    @property
    def fte_seconded(self) -> Decimal:
        """Full-time equivalents of seconded staff (abgeordnet)."""
        return sum((s.fte for s in self.staff if s.seconded), Decimal(0))

    @property
    def places_total(self) -> int:
        """Sum of the places of the measures that ran in the period."""
        return sum(p.places for p in self.places)

    @property
    def empty(self) -> bool:
        """Whether there is no funding, staff or places to report."""
        return not (self.funding or self.undated or self.staff or self.places)


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
    finances: FinanceSection
    measures: tuple[MeasureView, ...] = ()
    without_values: tuple[Indicator, ...] = ()
    """Kennzahlen with neither a value nor a target (named once, not tabled)."""
    accepted: tuple[ReviewedFinding, ...] = ()
    """Findings the concept accepts (left out of the main text, listed in the annex)."""
    decisions: tuple[DecisionView, ...] = ()
    """The decisions dated up to the end of the period, oldest first."""
    unplaced: tuple[Figure, ...] = ()
    """Kennzahlen with a value or a target that no field, goal or measure names (shown
    after the fields, never dropped)."""
    cases_from: date | None = None
    """The day of the first case the report counts (of the concept's territory), when it
    counts a case export: no case-based value exists for a period that ends before it.

    .. versionadded:: 0.2.0
    """

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Every Kennzahl shown, once, in the order of the fields, then the unplaced."""
        return (*(f for field in self.fields for f in field.figures), *self.unplaced)

    @property
    def targeted(self) -> tuple[Figure, ...]:
        """The Kennzahlen with a target."""
        return tuple(f for f in self.figures if f.target is not None)


# --------------------------------------------------------------------------- values

Key = tuple[str, str, ReportPeriod]


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
            if not is_total(dims):
                continue
            period = row.period
            if isinstance(period, str):
                period = ReportPeriod.parse(period)
            status = ObservationStatus(str(getattr(row, "status", "ok")))
            values[(str(row.indicator), str(row.territory), period)] = Point(
                period=period, value=_decimal(row.value), status=status
            )
    return values


def combine_entered(
    concept: Concept, values: dict[Key, Point], periods: Iterable[ReportPeriod]
) -> None:
    """Add to *values* the figure of each of *periods* that an indicator's ``over_time``
    rule makes from values of its sub-periods (four quarters entered by hand make the
    year), where the period has none of its own: the rule of the engine
    (:func:`~kommunale_integration._engine.temporal.combine_over_time`), so that the
    report shows what ``compute_indicators`` computes.
    """
    wanted = list(periods)
    for indicator in concept.indicators:
        if indicator.over_time is OverTime.NONE:
            continue
        code = indicator.id
        places = {where for (c, where, _) in values if c == code}
        for where in sorted(places):
            for when in wanted:
                if (code, where, when) in values:
                    continue

                def lookup(
                    part: ReportPeriod, code: str = code, where: str = where
                ) -> Value | None:
                    point = values.get((code, where, part))
                    return None if point is None else (point.value, point.status)

                combined = combine_over_time(indicator.over_time, when, lookup)
                if combined is not None:
                    values[(code, where, when)] = Point(
                        period=when, value=combined[0], status=combined[1]
                    )


def value_table(
    concept: Concept, values: Mapping[Key, Point], period: ReportPeriod, territory: str
) -> IndicatorTable:
    """The collected values as an :class:`IndicatorTable` for :func:`derive`.

    A value that may not be published (suppressed, missing) has no value in the table;
    the home territory gets a ``missing`` cell for the report period where it has none,
    so that every Kennzahl gets its derived figures (target, forecast) all the same.
    """
    rows = [
        IndicatorValue(
            indicator=code, period=when, territory=where, value=point.published, status=point.status
        )
        for (code, where, when), point in values.items()
    ]
    for indicator in concept.indicators:
        if (indicator.id, territory, period) not in values:
            rows.append(
                IndicatorValue(
                    indicator=indicator.id,
                    period=period,
                    territory=territory,
                    status=ObservationStatus.MISSING,
                )
            )
    return IndicatorTable(rows, indicators=concept.indicators)


def _shift(period: ReportPeriod, steps: int) -> ReportPeriod | None:
    try:
        return period.shift(steps)
    except PeriodError:
        return None


def _decimals(indicator: Indicator) -> int:
    return 1 if indicator.is_rate or indicator.scale != 1 else 0


def _figure(
    concept: Concept,
    derived: DerivedFigure,
    *,
    indicator: Indicator,
    field: str | None,
    values: Mapping[Key, Point],
    names: Mapping[str, str],
) -> Figure:
    territory, period = derived.territory, derived.period
    previous_period = _shift(period, -1)
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
        field=field,
        derived=derived,
        current=values.get((indicator.id, territory, period)),
        previous=values.get((indicator.id, territory, previous_period))
        if previous_period
        else None,
        series=series,
        by_municipality=towns,
    )


def _field_indicators(concept: Concept, field: str) -> list[str]:
    codes: list[str] = [i.id for i in concept.indicators if field in i.fields]
    for goal in concept.goals:
        if goal.field == field:
            codes.extend(goal.indicators)
    for measure in concept.measures:
        if measure.field == field:
            codes.extend(measure.indicators)
    return [code for code in dict.fromkeys(codes) if concept.indicator(code) is not None]


def main_fields(concept: Concept) -> dict[str, str]:
    """Indicator code → the field it is shown in (see the module notes)."""
    found: dict[str, str] = {}
    known = {f.id for f in concept.fields}
    for indicator in concept.indicators:
        first = next((f for f in indicator.fields if f in known), None)
        if first is not None:
            found[indicator.id] = first
    for field in concept.fields:
        for code in _field_indicators(concept, field.id):
            found.setdefault(code, field.id)
    return found


# --------------------------------------------------------------------------- actors


def _name(concept: Concept, collection: str, id: str) -> str:
    item = concept.get(collection, id)
    if item is None:
        return id
    return str(getattr(item, "name", None) or getattr(item, "title", None) or id)


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


def _changes(
    concept: Concept, period: ReportPeriod, previous: Concept | None
) -> tuple[list[EntryChange], list[EntryChange], list[EntryChange], int]:
    new: list[EntryChange] = []
    changed: list[EntryChange] = []
    removed: list[EntryChange] = []
    verified = 0
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
            continue
        for item in items:
            start = item.valid_from if collection == "offers" else item.founded
            if start is not None and start in period:
                new.append(_entry(concept, collection, item))
            elif item.last_changed is not None and item.last_changed in period:
                changed.append(_entry(concept, collection, item))
            if item.last_verified is not None and item.last_verified in period:
                verified += 1
    return new, changed, removed, verified


def _actors_section(
    concept: Concept,
    period: ReportPeriod,
    previous: Concept | None,
    names: Mapping[str, str],
    shown: Callable[[str, str], bool],
) -> ActorsSection:
    new, changed, removed, verified = _changes(concept, period, previous)
    stale = tuple(
        _entry(concept, s.collection, concept.get(s.collection, s.id))
        for s in stale_entries(concept, period.end)
        if shown("stale-entry" if s.last_verified else "unverified-entry", s.id)
    )
    duplicates = tuple(
        DuplicateView(
            offer_a=_name(concept, "offers", d.offer_a),
            offer_b=_name(concept, "offers", d.offer_b),
            actor_a=_name(concept, "actors", d.actor_a),
            actor_b=_name(concept, "actors", d.actor_b),
            fields=tuple(_field_title(concept, f) for f in d.fields),
            territories=tuple(names.get(t) or place_name(t) for t in d.territories),
        )
        for d in find_duplicate_structures(concept, period=period)
        if shown(
            "duplicate-structure"
            if d.overlap is Overlap.TIMES
            else "duplicate-structure-unconfirmed",
            f"{d.offer_a}+{d.offer_b}",
        )
    )
    by_town: dict[str, list[str]] = defaultdict(list)
    for gap in coverage_gaps(concept, on=period.end):
        if not shown("coverage-gap", f"{gap.municipality}/{gap.field}"):
            continue
        by_town[gap.municipality].append(gap.field)
    shown_gaps = [CoverageGap(municipality=a, field=f) for a, fs in by_town.items() for f in fs]
    # A field without an offer anywhere is one statement (validation's one finding)
    lacking = fields_without_offer(concept, shown_gaps, on=period.end)
    everywhere = [f for f in lacking if shown("coverage-gap", f"{concept.territory}/{f}")]
    gaps = tuple(
        (names.get(ags, ags), tuple(_field_title(concept, f) for f in rest))
        for ags, fields in by_town.items()
        if (rest := [f for f in fields if f not in lacking])
    )
    outside = tuple(
        OutsideView(
            offer=_name(concept, "offers", o.offer),
            place=place_name(o.municipality),
            serves=tuple(names.get(ags, ags) for ags in o.serves),
        )
        for o in offers_outside(concept, on=period.end)
    )
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
        verified=verified,
        outside=outside,
        gaps_everywhere=tuple(_field_title(concept, f) for f in everywhere),
    )


def _field_title(concept: Concept, code: str) -> str:
    field = concept.field(code)
    return field.title if field is not None else code


# --------------------------------------------------------------------------- money, staff


def _finances(concept: Concept, period: ReportPeriod) -> FinanceSection:
    span = DateRange(start=period.start, end=period.end)
    linked: dict[str, list[str]] = defaultdict(list)
    for measure in concept.measures:
        for grant_id in measure.funding:
            linked[grant_id].append(measure.title)
    dated: list[FundingView] = []
    undated: list[FundingView] = []
    for grant in concept.funding:
        view = FundingView(
            programme=grant.programme,
            provider=grant.provider,
            amount=grant.amount,
            per_year=grant.per_year,
            recipient=_name(concept, "actors", grant.recipient) if grant.recipient else None,
            measures=tuple(linked.get(grant.id, ())),
            start=grant.period.start if grant.period else None,
            end=grant.period.end if grant.period else None,
        )
        if grant.period is None:
            undated.append(view)
        elif grant.period.overlaps(span):
            dated.append(view)
    programmes = {g.id: g.programme for g in concept.funding}
    staff = tuple(
        StaffView(
            actor=actor.name,
            role=position.role,
            fte=position.fte,
            seconded=position.seconded,
            funding=programmes.get(position.funding, position.funding)
            if position.funding
            else None,
            note=position.note,
        )
        for actor in concept.actors
        for position in actor.staff
    )
    # The places a measure provides count where it ran in the period: "laufend" at its
    # start or set in it (100 course places of Early Intervention NRW+ were in the
    # concept and in no report). A recommended or planned measure provides none yet.
    places = tuple(
        PlacesView(
            measure=measure.title,
            places=measure.capacity,
            status=measure.status_on(period.end) or MeasureStatus.ONGOING,
        )
        for measure in concept.measures
        if measure.capacity
        and (
            measure.status_on(period.start) == MeasureStatus.ONGOING
            or any(c.date in period and c.status == MeasureStatus.ONGOING for c in measure.history)
        )
    )
    return FinanceSection(funding=tuple(dated), undated=tuple(undated), staff=staff, places=places)


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
        planned: int | None = None
        held = 0
        if network.schedule is not None:
            dates = [m.date for m in concept.meetings if m.network == network.id]
            status = meeting_status(network.schedule, dates, period, period.end)
            planned, held = len(status), sum(1 for s in status if s.held)
        if not meetings and not planned:
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
                planned=planned,
                planned_held=held,
            )
        )
    # Meetings of networks the concept does not list are still activities of the year.
    views.extend(
        NetworkView(id=network_id, name=network_id, kind="", coordinator=None, meetings=tuple(m))
        for network_id, m in by_network.items()
    )
    return tuple(views)


# --------------------------------------------------------------------------- context


def territory_names(concept: Concept) -> dict[str, str]:
    """AGS → name for every territory of the concept."""
    return {t.ags: t.name for t in concept.territories}


def _decisions(concept: Concept, period: ReportPeriod) -> tuple[DecisionView, ...]:
    """The decisions up to the end of *period*, oldest first."""
    return tuple(
        DecisionView(
            id=d.id,
            body=d.body,
            date=d.date,
            result=d.result,
            document_number=d.document_number,
            votes=d.votes,
            adopts_concept=d.id == concept.adopted,
            in_period=d.date in period,
            text=d.text,
        )
        for d in sorted(concept.decisions, key=lambda d: d.date)
        if d.date <= period.end
    )


def _measures(
    concept: Concept, period: ReportPeriod, names: Mapping[str, str]
) -> tuple[MeasureView, ...]:
    return tuple(
        MeasureView(
            id=m.id,
            title=m.title,
            status=m.status_on(period.end) or MeasureStatus.RECOMMENDED,
            status_changed=any(c.date in period for c in m.history),
            status_since=max((c.date for c in m.history if c.date <= period.end), default=None),
            responsible=_name(concept, "actors", m.responsible) if m.responsible else None,
            start=m.timeframe.start if m.timeframe else None,
            end=m.timeframe.end if m.timeframe else None,
            territories=tuple(names.get(t, t) for t in m.territories),
            goals=m.goals,
            expected_result=m.expected_result,
            indicators=m.indicators,
            funding=m.funding,
        )
        for m in concept.measures
    )


def _goal(concept: Concept, goal: Any) -> GoalView:
    """A goal with its Kennzahlen: those it names; when it names none, those of the
    measures serving it."""
    own = tuple(goal.indicators)
    served = (c for m in concept.measures if goal.id in m.goals for c in m.indicators)
    return GoalView(
        id=goal.id,
        text=goal.text,
        kind=goal.kind,
        indicators=own or tuple(dict.fromkeys(served)),
    )


def _fields(
    concept: Concept,
    figures: Mapping[str, Figure],
    measures: tuple[MeasureView, ...],
    home_of: Mapping[str, str],
) -> tuple[FieldSection, ...]:
    by_field: dict[str, list[MeasureView]] = defaultdict(list)
    for model, view in zip(concept.measures, measures, strict=True):
        by_field[model.field].append(view)
    sections = []
    for field in concept.fields:
        codes = [
            c for c in _field_indicators(concept, field.id) if c in figures and figures[c].has_data
        ]
        sections.append(
            FieldSection(
                id=field.id,
                title=field.title,
                description=field.description,
                goals=tuple(_goal(concept, g) for g in concept.goals if g.field == field.id),
                measures=tuple(by_field.get(field.id, ())),
                figures=tuple(figures[c] for c in codes if home_of.get(c) == field.id),
                references=tuple(figures[c] for c in codes if home_of.get(c) != field.id),
            )
        )
    return tuple(sections)


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
    accepted: tuple[ReviewedFinding, ...] = (),
    disabled: frozenset[str] = frozenset(),
    cases_from: date | None = None,
) -> ReportContext:
    """Build the :class:`ReportContext` of the Jahresbericht for *period*.

    Args:
        concept: The concept.
        period: The report period.
        table: Indicator values from the engine (optional; see the module notes).
        previous: The predecessor concept, for new/changed/removed entries.
        today: The day the report is built (printed in its footer).
        vorlage: The council-paper header; missing parts come from the concept.
        internal: ``True`` when built without disclosure control (shows a banner).
        default_subject: The subject used when *vorlage* has none.
        default_resolution: The resolution used when *vorlage* has none.
        accepted: Findings the concept accepts (from ``validate``): left out of the
            main text, listed in the annex.
        disabled: Finding codes left out of the report.
        cases_from: The day of the first case counted from a case export.
    """
    names = territory_names(concept)
    values = collect_values(concept, table)
    combine_entered(
        concept, values, (p for step in range(TREND_PERIODS) if (p := _shift(period, -step)))
    )
    given = vorlage or Vorlage()
    decision = concept.get("decisions", concept.adopted) if concept.adopted else None
    header = Vorlage(
        subject=given.subject or default_subject,
        document_number=given.document_number,
        body=given.body or concept.committee or (decision.body if decision else None),
        resolution=given.resolution or default_resolution,
        meeting_date=given.meeting_date or concept.meeting_date,
    )
    home = concept.territory
    home_of = main_fields(concept)
    derived = derive(
        value_table(concept, values, period, home),
        concept,
        period,
        territories=[home],
        trend=TREND_PERIODS,
    )
    figures = {
        d.indicator: _figure(
            concept,
            d,
            indicator=indicator,
            field=home_of.get(d.indicator),
            values=values,
            names=names,
        )
        for d in derived
        if (indicator := concept.indicator(d.indicator)) is not None
    }
    measures = _measures(concept, period, names)
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
        fields=_fields(concept, figures, measures, home_of),
        networks=_networks(concept, period),
        actors=_actors_section(concept, period, previous, names, _shown(accepted, disabled)),
        outlook=concept.outlook,
        indicators=concept.indicators,
        glossary=tuple(sorted(concept.glossary, key=lambda g: g.term.casefold())),
        abbreviations=tuple(sorted(concept.abbreviations, key=lambda a: a.short.casefold())),
        finances=_finances(concept, period),
        measures=measures,
        without_values=tuple(f.indicator for f in figures.values() if not f.has_data),
        accepted=accepted,
        decisions=_decisions(concept, period),
        unplaced=tuple(f for c, f in figures.items() if c not in home_of and f.has_data),
        cases_from=cases_from,
    )


def _shown(
    accepted: tuple[ReviewedFinding, ...], disabled: frozenset[str]
) -> Callable[[str, str], bool]:
    """Whether the finding *code* about *subject* belongs in the main text."""
    hidden = {
        (item.finding.code, normalise_subject(item.finding.subject or "")) for item in accepted
    }

    def shown(code: str, subject: str) -> bool:
        return code not in disabled and (code, normalise_subject(subject)) not in hidden

    return shown
