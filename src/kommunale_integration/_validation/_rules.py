"""The built-in validation rules, one small class per concern.

Each rule declares the codes it can emit (with their default severity) and yields
findings located by a path such as ``offers[3].actor``; the concept turns the path into
file, row and column when the loader recorded them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Final

from .._analysis import (
    Overlap,
    coverage_gaps,
    fields_without_offer,
    find_duplicate_structures,
    stale_entries,
)
from .._catalogues import load_catalogue
from .._engine.temporal import Value, combine_over_time
from .._errors import Finding, Severity
from .._i18n import format_number, ntr
from .._model import (
    ID_COLLECTIONS,
    CaseCount,
    Indicator,
    ObservationStatus,
    OverTime,
    duplicate_positions,
)
from .._parse import repair_ags
from .._periods import ReportPeriod
from .._territories import place_name
from ._accepted import AcceptanceRule
from ._base import BuiltinRule, ValidationContext, subject, territory_label, territory_name
from ._messages import label, quote
from ._stored import CatalogueRule, ExpressionRule, LanguageRule, ScheduleRule, data_elements
from ._territories import NEIGHBOUR_REFERENCES, TerritoryRule
from ._translations import TranslationRule

__all__ = [
    "BUILTIN_RULES",
    "CompletenessRule",
    "ContactRule",
    "CoverageRule",
    "CurrencyRule",
    "DateRule",
    "DuplicateStructureRule",
    "IdentifierRule",
    "NameLengthRule",
    "NumberRule",
    "ParentCycleRule",
    "ReferenceRule",
    "SteeringRule",
    "TerritoryRule",
    "declared_codes",
]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# --------------------------------------------------------------------------- structure


class IdentifierRule(BuiltinRule):
    """Every id is unique within its collection (``duplicate-id``).

    A territory's AGS may occur more than once when the versions do not overlap in time.
    """

    name: ClassVar[str] = "identifiers"
    codes: ClassVar[Mapping[str, Severity]] = {"duplicate-id": ERROR}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        for collection in ID_COLLECTIONS:
            key = "ags" if collection == "territories" else "id"
            items = getattr(context.concept, collection)
            for index, earlier in duplicate_positions(items, key):
                item, value, seen = items[index], getattr(items[index], key), earlier
                if collection == "territories":
                    # Versions of one AGS may follow each other (a merger in which the
                    # town kept its AGS); only versions that overlap in time clash.
                    clash = [j for j in range(index) if items[j].ags == value]
                    clash = [j for j in clash if items[j].overlaps(item)]
                    seen = clash[0] if clash else index
                if seen != index:
                    yield self.emit(
                        context,
                        "duplicate-id",
                        f"{collection}[{index}].{key}",
                        subject=subject(context, collection, index),
                        id=value,
                        first=f"{collection}[{seen}]",
                    )


#: (collection, attribute, target collection); tuple attributes are checked per item.
_REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("territories", "parent", "territories"),
    ("actors", "parent", "actors"),
    ("actors", "territories", "territories"),
    ("actors", "fields", "fields"),
    ("offers", "actor", "actors"),
    ("offers", "fields", "fields"),
    ("offers", "territories", "territories"),
    ("goals", "field", "fields"),
    ("goals", "parent", "goals"),
    ("goals", "indicators", "indicators"),
    ("goals", "territories", "territories"),
    ("measures", "field", "fields"),
    ("measures", "goals", "goals"),
    ("measures", "responsible", "actors"),
    ("measures", "partners", "actors"),
    ("measures", "territories", "territories"),
    ("measures", "funding", "funding"),
    ("measures", "indicators", "indicators"),
    ("funding", "recipient", "actors"),
    ("indicators", "fields", "fields"),
    ("targets", "indicator", "indicators"),
    ("targets", "territory", "territories"),
    ("baselines", "indicator", "indicators"),
    ("baselines", "territory", "territories"),
    # A value is one of an indicator or of a data element that an expression uses.
    ("observations", "indicator", "values"),
    ("observations", "territory", "territories"),
    ("networks", "coordinator", "actors"),
    ("networks", "members", "actors"),
    ("networks", "territories", "territories"),
    ("meetings", "network", "networks"),
    ("meetings", "participants", "actors"),
)

_NEIGHBOURS = frozenset(NEIGHBOUR_REFERENCES)

#: The territory code of indicator values and targets for "the whole concept".
_TOTAL_TERRITORY = "all"


class ReferenceRule(BuiltinRule):
    """Every reference to an actor, field, goal, indicator, territory … resolves.

    Territory references are only checked when the concept lists territories. When the
    concept lists no Handlungsfelder, field codes are checked against the default
    catalogue of fields.
    """

    name: ClassVar[str] = "references"
    codes: ClassVar[Mapping[str, Severity]] = {"unknown-reference": ERROR}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        concept = context.concept
        known = {name: concept.ids(name) for name in ID_COLLECTIONS}
        if not concept.fields:
            known["fields"] = load_catalogue("fields").codes
        check_territories = bool(concept.territories)
        known["territories"] = known["territories"] | {_TOTAL_TERRITORY}
        known["values"] = known["indicators"] | data_elements(context)

        def bad(target: str, ref: str | None, source: tuple[str, str] = ("", "")) -> bool:
            if ref is None or (target == "territories" and not check_territories):
                return False
            if target == "territories" and source in _NEIGHBOURS and ref.isdigit():
                return False  # any German AGS: the territory rule checks it exists
            return ref not in known[target]

        def finding(collection: str, index: int, path: str, target: str, ref: str) -> Finding:
            # An AGS written as a number lost its leading zero (4012000 for 04012000).
            meant, repaired = repair_ags(ref) if target == "territories" else (ref, False)
            lost_zero = repaired and meant in known["territories"]
            # "Sprache" for the code "sprache": a title or a name written where the code goes
            cased = [k for k in sorted(known[target]) if k.casefold() == ref.casefold()]
            key = "unknown-reference/lost-zero" if lost_zero else None
            if cased and not lost_zero:
                meant, key = cased[0], "unknown-reference/case"
            return self.emit(
                context,
                "unknown-reference",
                path,
                key=key,
                subject=subject(context, collection, index),
                kind=label("indicators" if target == "values" else target, context.lang),
                ref=ref,
                meant=meant,
            )

        if concept.adopted is not None and concept.adopted not in known["decisions"]:
            yield self._concept_finding(context, "adopted", "decisions", concept.adopted)
        if bad("territories", concept.territory):
            yield self._concept_finding(context, "territory", "territories", concept.territory)
        for collection, attribute, target in _REFERENCES:
            for index, item in enumerate(getattr(concept, collection)):
                value = getattr(item, attribute)
                source = (collection, attribute)
                if isinstance(value, tuple):
                    for position, ref in enumerate(value):
                        if bad(target, ref, source):
                            path = f"{collection}[{index}].{attribute}[{position}]"
                            yield finding(collection, index, path, target, ref)
                elif bad(target, value, source):
                    path = f"{collection}[{index}].{attribute}"
                    yield finding(collection, index, path, target, value)
        # A venue's municipality is an AGS of digits (the model checks it): the territory
        # rule checks that it exists, as for the neighbours above.
        for index, actor in enumerate(concept.actors):
            for position, staff in enumerate(actor.staff):
                if staff.funding is not None and bad("funding", staff.funding):
                    path = f"actors[{index}].staff[{position}].funding"
                    yield finding("actors", index, path, "funding", staff.funding)

    def _concept_finding(
        self, context: ValidationContext, attribute: str, target: str, ref: str
    ) -> Finding:
        return self.emit(
            context,
            "unknown-reference",
            attribute,
            subject=label("concept", context.lang).capitalize(),
            kind=label(target, context.lang),
            ref=ref,
        )


class ParentCycleRule(BuiltinRule):
    """Parent organisations (and parent goals) do not form a cycle (``parent-cycle``)."""

    name: ClassVar[str] = "parent-cycles"
    codes: ClassVar[Mapping[str, Severity]] = {"parent-cycle": ERROR}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        for collection in ("actors", "goals"):
            items: Sequence[Any] = getattr(context.concept, collection)
            parent = {item.id: item.parent for item in reversed(items)}
            done: set[str] = set()
            for item in items:
                cycle = self._cycle_from(item.id, parent, done)
                if cycle is None:
                    continue
                # Report each cycle once, at its member that comes first in the concept.
                positions = {member: context.position(collection, member) or 0 for member in cycle}
                head = min(cycle, key=positions.__getitem__)
                turn = cycle.index(head)
                ordered = cycle[turn:] + cycle[:turn]
                yield self.emit(
                    context,
                    "parent-cycle",
                    f"{collection}[{positions[head]}].parent",
                    subject=subject(context, collection, positions[head]),
                    cycle=" → ".join([*ordered, head]),
                )

    @staticmethod
    def _cycle_from(
        start: str, parent: Mapping[str, str | None], done: set[str]
    ) -> list[str] | None:
        """Return the cycle reached from *start*, once; ``None`` if none or reported."""
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done:
            if node in on_path:
                done.update(path)
                return path[path.index(node) :]
            path.append(node)
            on_path.add(node)
            node = parent.get(node)
        done.update(path)
        return None


# --------------------------------------------------------------------------- dates


class DateRule(BuiltinRule):
    """Dates fit together across objects.

    Start before end inside one object is already guaranteed by the model (a load
    error ``invalid-value``); this rule checks measures against the concept's validity,
    meetings against their network's existence and the order of status histories.
    """

    name: ClassVar[str] = "dates"
    codes: ClassVar[Mapping[str, Severity]] = {
        "measure-outside-validity": WARNING,
        "meeting-outside-network": ERROR,
        "status-history-order": WARNING,
    }

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        concept = context.concept
        first, last = concept.valid_from, concept.valid_to
        validity = context.format_span(first, last)
        for index, measure in enumerate(concept.measures):
            frame = measure.timeframe
            if frame is not None and (first is not None or last is not None):
                ends = [d for d in (frame.start, frame.end) if d is not None]
                if any((first and d < first) or (last and d > last) for d in ends):
                    yield self.emit(
                        context,
                        "measure-outside-validity",
                        f"measures[{index}].timeframe",
                        subject=subject(context, "measures", index),
                        timeframe=context.format_span(frame.start, frame.end),
                        validity=validity,
                    )
            yield from self._history(context, index)
        for index, meeting in enumerate(concept.meetings):
            network = concept.network(meeting.network)
            if network is None:
                continue
            if (network.founded is not None and meeting.date < network.founded) or (
                network.dissolved is not None and meeting.date > network.dissolved
            ):
                yield self.emit(
                    context,
                    "meeting-outside-network",
                    f"meetings[{index}].date",
                    subject=subject(context, "meetings", index),
                    date=context.format_date(meeting.date),
                    network=network.name,
                    existence=context.format_span(network.founded, network.dissolved),
                )

    def _history(self, context: ValidationContext, index: int) -> Iterator[Finding]:
        history = context.concept.measures[index].history
        for position in range(1, len(history)):
            before, entry = history[position - 1], history[position]
            path = f"measures[{index}].history[{position}]"
            if entry.date < before.date:
                yield self.emit(
                    context,
                    "status-history-order",
                    path,
                    subject=subject(context, "measures", index),
                    later=context.format_date(before.date),
                    earlier=context.format_date(entry.date),
                )
            elif entry.date == before.date and entry.status is not before.status:
                yield self.emit(
                    context,
                    "status-history-order",
                    path,
                    key="status-history-order/same-day",
                    subject=subject(context, "measures", index),
                    date=context.format_date(entry.date),
                    first=before.status.value,
                    second=entry.status.value,
                )


# --------------------------------------------------------------------------- numbers

_DATA_ELEMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def is_count(indicator: Indicator) -> bool:
    """Whether *indicator* is a count: no denominator and a case count or one data element."""
    if indicator.denominator is not None:
        return False
    numerator = indicator.numerator
    if numerator is None:
        return False  # entered by hand: a count or any other figure
    if isinstance(numerator, CaseCount):
        return True
    text = numerator.strip()
    return bool(text) and set(text) <= _DATA_ELEMENT_CHARS and not text[0].isdigit()


def is_percentage(indicator: Indicator) -> bool:
    """Whether *indicator* is a share in per cent (scale 100 and a proportion)."""
    return indicator.scale == 100 and indicator.proportion


def _number(value: Decimal, lang: str) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return text.replace(".", ",") if lang != "en" else text


class NumberRule(BuiltinRule):
    """Values, targets and baselines are plausible numbers.

    Percentages lie within 0–100, a proportion's numerator does not exceed its
    denominator, counts are not negative, a rate matches its numerator and denominator,
    and there is at most one value, target or baseline per cell.
    """

    name: ClassVar[str] = "numbers"
    codes: ClassVar[Mapping[str, Severity]] = {
        "percentage-out-of-range": ERROR,
        "numerator-exceeds-denominator": ERROR,
        "negative-count": ERROR,
        "value-mismatch": WARNING,
        "duplicate-observation": ERROR,
        "duplicate-target": ERROR,
        "target-outside-validity": WARNING,
    }

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        concept = context.concept
        seen: dict[tuple[Any, ...], int] = {}
        for index, obs in enumerate(concept.observations):
            key = (obs.indicator, obs.period, obs.territory, obs.disaggregation)
            if seen.setdefault(key, index) != index:
                yield self._at(context, "duplicate-observation", "observations", index, "")
            indicator = concept.indicator(obs.indicator)
            if indicator is None:
                continue
            if obs.value is not None:
                yield from self._value(context, "observations", index, indicator, obs.value)
            if (
                indicator.proportion
                and obs.numerator is not None
                and obs.denominator is not None
                and obs.numerator > obs.denominator
            ):
                yield self._at(
                    context,
                    "numerator-exceeds-denominator",
                    "observations",
                    index,
                    ".numerator",
                    numerator=_number(obs.numerator, context.lang),
                    denominator=_number(obs.denominator, context.lang),
                    indicator=indicator.id,
                )
            elif (
                indicator.is_rate
                and obs.value is not None
                and obs.numerator is not None
                and obs.denominator
                and obs.status in (ObservationStatus.OK, ObservationStatus.PROVISIONAL)
            ):
                expected = obs.numerator / obs.denominator * indicator.scale
                exponent = obs.value.as_tuple().exponent
                tolerance = Decimal(1).scaleb(int(exponent)) / 2
                if abs(obs.value - expected) > tolerance:
                    yield self._at(
                        context,
                        "value-mismatch",
                        "observations",
                        index,
                        ".value",
                        value=_number(obs.value, context.lang),
                        numerator=_number(obs.numerator, context.lang),
                        denominator=_number(obs.denominator, context.lang),
                        scale=indicator.scale,
                        expected=_number(round(expected, 2), context.lang),
                    )
        for collection in ("targets", "baselines"):
            seen = {}
            items = getattr(concept, collection)
            for index, item in enumerate(items):
                if seen.setdefault((item.indicator, item.territory, item.period), index) != index:
                    yield self._at(
                        context,
                        "duplicate-target",
                        collection,
                        index,
                        "",
                        key=None if collection == "targets" else "duplicate-target/baseline",
                    )
                indicator = concept.indicator(item.indicator)
                if indicator is not None:
                    yield from self._value(context, collection, index, indicator, item.value)
        first, last = concept.valid_from, concept.valid_to
        for index, target in enumerate(concept.targets):
            period = target.period
            if (first is not None and period.end < first) or (
                last is not None and period.start > last
            ):
                yield self._at(
                    context,
                    "target-outside-validity",
                    "targets",
                    index,
                    ".period",
                    period=str(period),
                    validity=context.format_span(first, last),
                )

    def _value(
        self,
        context: ValidationContext,
        collection: str,
        index: int,
        indicator: Indicator,
        value: Decimal,
    ) -> Iterator[Finding]:
        if is_percentage(indicator) and not 0 <= value <= 100:
            yield self._at(
                context,
                "percentage-out-of-range",
                collection,
                index,
                ".value",
                value=_number(value, context.lang),
            )
        elif value < 0 and is_count(indicator):
            yield self._at(
                context,
                "negative-count",
                collection,
                index,
                ".value",
                value=_number(value, context.lang),
                indicator=indicator.id,
            )

    def _at(
        self,
        context: ValidationContext,
        code: str,
        collection: str,
        index: int,
        suffix: str,
        *,
        key: str | None = None,
        **params: Any,
    ) -> Finding:
        return self.emit(
            context,
            code,
            f"{collection}[{index}]{suffix}",
            key=key,
            subject=subject(context, collection, index),
            **params,
        )


# --------------------------------------------------------------------------- currency


class CurrencyRule(BuiltinRule):
    """Actors and offers were verified within the last N months (default 12).

    Offers that have ended are left out (see :func:`~kommunale_integration.stale_entries`).
    """

    name: ClassVar[str] = "currency"
    codes: ClassVar[Mapping[str, Severity]] = {"stale-entry": WARNING, "unverified-entry": INFO}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        for entry in stale_entries(context.concept, context.today, context.stale_months):
            index = context.position(entry.collection, entry.id)
            assert index is not None  # the ids come from the concept itself
            path = f"{entry.collection}[{index}].last_verified"
            name = subject(context, entry.collection, index)
            if entry.last_verified is None:
                yield self.emit(context, "unverified-entry", path, subject=name)
            else:
                yield self.emit(
                    context,
                    "stale-entry",
                    path,
                    subject=name,
                    date=context.format_date(entry.last_verified),
                    ago=ntr(
                        "more than {n} month ago",
                        "more than {n} months ago",
                        context.stale_months,
                        lang=context.lang,
                    ),
                )


# --------------------------------------------------------------------------- offers


def _listing(items: Sequence[str], lang: str, limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    if rest > 0:
        shown += f" und {rest} weitere" if lang != "en" else f" and {rest} more"
    return shown


_WEEKDAYS = (
    ("montags", "Mondays"),
    ("dienstags", "Tuesdays"),
    ("mittwochs", "Wednesdays"),
    ("donnerstags", "Thursdays"),
    ("freitags", "Fridays"),
    ("samstags", "Saturdays"),
    ("sonntags", "Sundays"),
)


def weekday_text(weekdays: Sequence[int], lang: str) -> str:
    """``montags, donnerstags`` / ``Mondays, Thursdays``; a run of three or more days
    as ``montags bis freitags`` / ``Mondays to Fridays``."""
    pick = 1 if lang == "en" else 0
    names = [_WEEKDAYS[day][pick] for day in weekdays]
    if len(weekdays) >= 3 and list(weekdays) == list(range(weekdays[0], weekdays[-1] + 1)):
        return f"{names[0]} {'to' if lang == 'en' else 'bis'} {names[-1]}"
    return ", ".join(names)


def hours_text(spans: Sequence[tuple[int, int]]) -> str:
    """``16:00–18:00`` for spans of the day given in minutes after midnight."""
    return ", ".join(
        f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}" for start, end in spans
    )


def duplicate_period(context: ValidationContext) -> ReportPeriod:
    """The period the duplicate check looks at: the report period, else the current year."""
    return context.period or ReportPeriod.year(context.today.year)


class DuplicateStructureRule(BuiltinRule):
    """Offers of different actors that overlap (Doppelstrukturen).

    ``duplicate-structure`` when days and hours are known to overlap;
    ``duplicate-structure-unconfirmed`` (lower severity) when a schedule or the hours of
    an offer are missing. See :func:`~kommunale_integration.find_duplicate_structures`
    for the criteria; the period is the report period, else the current calendar year.
    """

    name: ClassVar[str] = "duplicate-structures"
    codes: ClassVar[Mapping[str, Severity]] = {
        "duplicate-structure": WARNING,
        "duplicate-structure-unconfirmed": INFO,
    }

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        concept, lang = context.concept, context.lang
        period = duplicate_period(context)
        # Look-up tables once: there can be many thousands of pairs.
        titles = {f.id: quote(f.title, lang) for f in reversed(concept.fields)}
        actors = {a.id: a.name for a in reversed(concept.actors)}
        towns = {t.ags: t.name for t in reversed(concept.territories)}
        target_groups = load_catalogue("target_groups")
        if lang == "en":
            everyone, whole = "all target groups", "in the whole territory"
        else:
            everyone, whole = "alle Zielgruppen", "im ganzen Gebiet"
        field_text: dict[tuple[str, ...], str] = {}
        group_text: dict[tuple[str, ...], str] = {}
        place_text: dict[tuple[str, ...], str] = {}
        period_text = period.label(lang)
        for dup in find_duplicate_structures(concept, period=period):
            fields = field_text.get(dup.fields)
            if fields is None:
                # "im Handlungsfeld „A“" but "in den Handlungsfeldern „A“, „B“"
                fields = ntr(
                    "in the field of action {fields}",
                    "in the fields of action {fields}",
                    len(dup.fields),
                    lang=lang,
                    fields=", ".join(titles.get(code) or quote(code, lang) for code in dup.fields),
                )
                field_text[dup.fields] = fields
            groups = group_text.get(dup.target_groups)
            if groups is None:
                listed = ", ".join(target_groups.label(code, lang) for code in dup.target_groups)
                groups = everyone
                if listed:
                    groups = ntr(
                        "target group {groups}",
                        "target groups {groups}",
                        len(dup.target_groups),
                        lang=lang,
                        groups=listed,
                    )
                group_text[dup.target_groups] = groups
            places = place_text.get(dup.territories)
            if places is None:
                # A place outside the concept by its name and Kreis, never its AGS.
                names = [towns.get(ags) or place_name(ags) for ags in dup.territories]
                places = f"in {_listing(names, lang)}" if names else whole
                place_text[dup.territories] = places
            confirmed = dup.overlap is Overlap.TIMES
            code = "duplicate-structure" if confirmed else "duplicate-structure-unconfirmed"
            key = code if dup.overlap is not Overlap.DAYS else f"{code}/days"
            and_word = " and " if lang == "en" else " und "
            yield Finding(
                code=code,
                severity=self.codes[code],
                message=context.message(
                    key,
                    offer_a=dup.offer_a,
                    offer_b=dup.offer_b,
                    actor_a=actors.get(dup.actor_a, dup.actor_a),
                    actor_b=actors.get(dup.actor_b, dup.actor_b),
                    fields=fields,
                    groups=groups,
                    places=places,
                    weekdays=weekday_text(dup.weekdays, lang),
                    hours=hours_text(dup.hours),
                    days=ntr("{n} common day", "{n} common days", dup.days, lang=lang),
                    period=period_text,
                    first=context.format_date(dup.first_day),
                    missing=and_word.join(
                        f"{label('offers', lang)} {quote(offer, lang)}" for offer in dup.missing
                    ),
                ),
                location=context.locate(f"offers[{context.position('offers', dup.offer_b)}]"),
                subject=f"{dup.offer_a}+{dup.offer_b}",
            )


class CoverageRule(BuiltinRule):
    """Each Stadt or Gemeinde has a current offer in each Handlungsfeld (``coverage-gap``);
    a field in which none of two or more has one is one finding at the field, about
    ``<concept territory>/<field>``.

    See :func:`~kommunale_integration.coverage_gaps`; "current" means valid on the
    context's ``today``.
    """

    name: ClassVar[str] = "coverage"
    codes: ClassVar[Mapping[str, Severity]] = {"coverage-gap": INFO}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        concept = context.concept
        gaps = coverage_gaps(concept, on=context.today)
        everywhere = fields_without_offer(concept, gaps, on=context.today)
        towns = len(concept.municipalities(on=context.today))
        for code in everywhere:  # said once, not for each municipality
            field = concept.field(code)
            yield self.emit(
                context,
                "coverage-gap",
                f"fields[{context.position('fields', code)}]",
                key="coverage-gap/everywhere",
                about=f"{concept.territory}/{code}",
                field=field.title if field is not None else code,
                count=towns,
            )
        for gap in gaps:
            if gap.field in everywhere:
                continue
            field = concept.field(gap.field)
            yield self.emit(
                context,
                "coverage-gap",
                f"territories[{context.position('territories', gap.municipality)}]",
                about=f"{gap.municipality}/{gap.field}",
                town=territory_name(concept, gap.municipality),
                ags=gap.municipality,
                field=field.title if field is not None else gap.field,
            )


class ContactRule(BuiltinRule):
    """Every offer can be reached by phone, e-mail or postal address (``offer-unreachable``).

    The offer's own contacts and venue count, and so do those of its actor (Träger).
    """

    name: ClassVar[str] = "contacts"
    codes: ClassVar[Mapping[str, Severity]] = {"offer-unreachable": WARNING}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        concept = context.concept
        for index, offer in enumerate(concept.offers):
            if self._reachable(offer):
                continue
            actor = concept.actor(offer.actor)
            if actor is not None and self._reachable(actor):
                continue
            yield self.emit(
                context,
                "offer-unreachable",
                f"offers[{index}].contacts",
                subject=subject(context, "offers", index),
            )

    @staticmethod
    def _reachable(item: Any) -> bool:
        if any(c.phone or c.email for c in item.contacts):
            return True
        return item.venue is not None and bool(item.venue.is_address)


class NameLengthRule(BuiltinRule):
    """A name or title fits a line of the report's tables (``overlong-name``).

    The names of actors, offers, networks, Handlungsfelder and Kennzahlen, the titles of
    measures and the programmes of funding are shown in table cells and lists of the
    Jahresbericht and the Wegweiser; a longer one is most likely a description in the
    wrong column (a CSV cell may hold 131,072 characters, a YAML text any number).
    """

    name: ClassVar[str] = "name-length"
    codes: ClassVar[Mapping[str, Severity]] = {"overlong-name": WARNING}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        for collection, attribute in NAMED:
            for index, item in enumerate(getattr(context.concept, collection)):
                text: str = getattr(item, attribute)
                if len(text) > NAME_LIMIT:
                    yield self.emit(
                        context,
                        "overlong-name",
                        f"{collection}[{index}].{attribute}",
                        subject=subject(context, collection, index),
                        length=format_number(len(text), lang=context.lang),
                        limit=NAME_LIMIT,
                    )


#: The longest name or title (:class:`NameLengthRule`): two lines of a wide column.
NAME_LIMIT: Final = 200

#: (collection, attribute) of the names and titles shown in one cell of a table.
NAMED: Final = (
    ("fields", "title"),
    ("measures", "title"),
    ("actors", "name"),
    ("offers", "name"),
    ("funding", "programme"),
    ("indicators", "name"),
    ("networks", "name"),
)


# --------------------------------------------------------------------------- completeness


class CompletenessRule(BuiltinRule):
    """For a report period, every indicator has a value or a reason for each territory.

    Runs only when ``validate`` is given a ``period``. The territories are the concept's
    own territory (values for ``all`` count for it) and its Städte und Gemeinden that
    exist during the period. A value counts when it lies within the period and has a
    value, is suppressed, or is marked missing with a reason in its note; so does a value
    the engine computed from the case export (``validate(..., cases=...)``).
    """

    name: ClassVar[str] = "completeness"
    codes: ClassVar[Mapping[str, Severity]] = {"incomplete-period": WARNING}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        period = context.period
        if period is None:
            return
        concept = context.concept
        places = [concept.territory] + [
            t.ags
            for t in concept.municipalities()
            if (t.valid_from is None or t.valid_from <= period.end)
            and (t.valid_to is None or t.valid_to >= period.start)
        ]
        present = {
            (indicator, concept.territory if place == _TOTAL_TERRITORY else place)
            for indicator, place in context.computed
        }
        unexplained: dict[tuple[str, str], int] = {}
        parts: dict[tuple[str, str, ReportPeriod], Value] = {}
        for index, obs in enumerate(concept.observations):
            place = concept.territory if obs.territory == _TOTAL_TERRITORY else obs.territory
            key = (obs.indicator, place)
            if obs.period != period:
                if obs.period in period and not obs.disaggregation:
                    parts.setdefault((*key, obs.period), (obs.value, obs.status))
                continue
            if obs.value is not None or obs.status is ObservationStatus.SUPPRESSED or obs.note:
                present.add(key)
            else:
                unexplained.setdefault(key, index)
        for position, indicator in enumerate(concept.indicators):
            for place in dict.fromkeys(places):
                key = (indicator.id, place)
                if key in present:
                    continue
                params = {
                    "indicator": indicator.id,
                    "territory": territory_label(concept, place),
                    "period": str(period),
                }
                combined = combine_over_time(
                    indicator.over_time,
                    period,
                    lambda part, k=key: parts.get((*k, part)),  # type: ignore[misc]
                )
                if combined is not None and (
                    combined[0] is not None or combined[1] is ObservationStatus.SUPPRESSED
                ):
                    continue  # the period's value follows from its parts
                has_parts = any(p[:2] == key for p in parts)
                if key in unexplained:
                    yield self.emit(
                        context,
                        "incomplete-period",
                        f"observations[{unexplained[key]}].note",
                        key="incomplete-period/no-reason",
                        **params,
                    )
                elif has_parts:
                    rule = indicator.over_time
                    yield self.emit(
                        context,
                        "incomplete-period",
                        f"indicators[{position}]",
                        key=f"incomplete-period/parts-{'only' if rule is OverTime.NONE else 'gap'}",
                        **params,
                    )
                else:
                    yield self.emit(
                        context, "incomplete-period", f"indicators[{position}]", **params
                    )


# --------------------------------------------------------------------------- steering


class SteeringRule(BuiltinRule):
    """Each measure names a responsible actor, a timeframe and an indicator.

    The 2026 motion of the Stadt Coesfeld asks for this; the Kreis concept of 2016
    deliberately leaves it open. The ``steuerung`` profile reports these codes as
    errors; the ``konzept`` profile switches them off.
    """

    name: ClassVar[str] = "steering"
    codes: ClassVar[Mapping[str, Severity]] = {
        "measure-without-responsible": ERROR,
        "measure-without-timeframe": ERROR,
        "measure-without-indicator": ERROR,
    }

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        for index, measure in enumerate(context.concept.measures):
            name = subject(context, "measures", index)
            if measure.responsible is None:
                yield self.emit(
                    context,
                    "measure-without-responsible",
                    f"measures[{index}].responsible",
                    subject=name,
                )
            frame = measure.timeframe
            if frame is None or (frame.start is None and frame.end is None):
                yield self.emit(
                    context,
                    "measure-without-timeframe",
                    f"measures[{index}].timeframe",
                    subject=name,
                )
            if not measure.indicators:
                yield self.emit(
                    context,
                    "measure-without-indicator",
                    f"measures[{index}].indicators",
                    subject=name,
                )


#: The built-in rules in the order they run.
BUILTIN_RULES: tuple[BuiltinRule, ...] = (
    IdentifierRule(),
    ReferenceRule(),
    ScheduleRule(),
    LanguageRule(),
    TranslationRule(),
    CatalogueRule(),
    ExpressionRule(),
    TerritoryRule(),
    ParentCycleRule(),
    DateRule(),
    NumberRule(),
    CurrencyRule(),
    DuplicateStructureRule(),
    CoverageRule(),
    CompletenessRule(),
    ContactRule(),
    NameLengthRule(),
    SteeringRule(),
    AcceptanceRule(),  # last: it sets the accepted findings of the others aside
)


def declared_codes(rules: Iterable[object]) -> dict[str, Severity]:
    """Return every code declared by *rules* with its default severity."""
    found: dict[str, Severity] = {}
    for rule in rules:
        found.update(getattr(rule, "codes", {}))
    return found
