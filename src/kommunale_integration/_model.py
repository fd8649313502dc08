"""The domain model: an Integrationskonzept as immutable, validated objects.

Every class is a frozen, slotted, keyword-only attrs class. Invariants are checked on
construction and a broken one raises :class:`~kommunale_integration.InvalidValueError`
naming the field. Identifiers are stable slugs chosen by the user (``drk-coesfeld``);
territories are identified by their AGS (Amtlicher Gemeindeschlüssel).

The model imports nothing from loaders, validation, the indicator engine, reports or the
command line.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

import attrs

from . import _validators as v
from ._errors import InvalidValueError, Location, shown
from ._periods import ReportPeriod
from ._schedule import MeetingSchedule

__all__ = [
    "Abbreviation",
    "AcceptedFinding",
    "Actor",
    "Baseline",
    "CaseCount",
    "CaseCountKind",
    "CaseFilter",
    "Concept",
    "Confidentiality",
    "Contact",
    "DateRange",
    "Decision",
    "DecisionResult",
    "Direction",
    "Eligibility",
    "FieldOfAction",
    "Funding",
    "GlossaryTerm",
    "Goal",
    "GoalKind",
    "Indicator",
    "LegalBasis",
    "Measure",
    "MeasureStatus",
    "Meeting",
    "Network",
    "Observation",
    "ObservationStatus",
    "Offer",
    "OverTime",
    "StaffPosition",
    "StatusChange",
    "Target",
    "Territory",
    "TerritoryKind",
    "Translation",
    "Venue",
    "Votes",
]


def _strs() -> Any:
    return attrs.field(factory=tuple, converter=v.to_tuple, validator=v.tuple_of(str))


def _items(kind: type) -> Any:
    return attrs.field(factory=tuple, converter=v.to_tuple, validator=v.tuple_of(kind))


def _opt_str() -> Any:
    return attrs.field(default=None, validator=v.optional_instance_of(str))


def _ags_list() -> Any:
    def each(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        for item in value:
            v.ags(inst, attribute, item)

    return attrs.field(factory=tuple, converter=v.to_tuple, validator=each)


def _opt_date() -> Any:
    return attrs.field(default=None, validator=v.optional_instance_of(date))


def _opt_money() -> Any:
    return attrs.field(default=None, validator=v.money)


def _opt_count() -> Any:
    return attrs.field(default=None, validator=v.count)


def _opt_age() -> Any:
    return attrs.field(default=None, validator=v.age)


def _enum(kind: type[enum.Enum], default: Any = attrs.NOTHING) -> Any:
    def convert(value: Any, field: attrs.Attribute[Any]) -> Any:
        if isinstance(value, kind):
            return value
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(repr(e.value) for e in kind)
            raise InvalidValueError(
                field.name,
                "expected one of {allowed}, got {found}",
                allowed=allowed,
                found=shown(value),
            ) from None

    return attrs.field(
        default=default,
        converter=attrs.Converter(convert, takes_field=True),
        validator=v.instance_of(kind),
    )


def _extras() -> Any:
    def unique(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        keys = [key for key, _ in value]
        if len(set(keys)) != len(keys):
            raise InvalidValueError(attribute.name, "every key may occur only once")

    def pairs(value: Any) -> tuple[tuple[str, str], ...]:
        return _sorted_pairs(value)  # defined below, beside Observation

    return attrs.field(factory=tuple, converter=pairs, validator=unique)


# --------------------------------------------------------------------------- basics


@attrs.frozen(kw_only=True)
class DateRange:
    """A span of dates, both ends inclusive and optional (Zeitraum).

    ``start`` or ``end`` may be missing: the Kreis concept deliberately names no
    deadlines for its measures.

    .. versionadded:: 0.1.0
    """

    start: date | None = _opt_date()
    end: date | None = _opt_date()

    def __attrs_post_init__(self) -> None:
        v.check_date_order(self.start, self.end, "start", "end")

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, other: DateRange) -> bool:
        """Return whether the two ranges share at least one day (open ends are unbounded)."""
        return (self.start is None or other.end is None or self.start <= other.end) and (
            other.start is None or self.end is None or other.start <= self.end
        )


class TerritoryKind(enum.StrEnum):
    """The kind of a Gebietskörperschaft.

    .. versionadded:: 0.1.0
    """

    STATE = "state"
    """Land (e.g. Nordrhein-Westfalen)."""
    REGION = "region"
    """Regierungsbezirk."""
    DISTRICT = "district"
    """Kreis (AGS of 5 digits)."""
    CITY = "city"
    """Kreisfreie Stadt."""
    TOWN = "town"
    """Kreisangehörige Stadt."""
    MUNICIPALITY = "municipality"
    """Gemeinde."""


@attrs.frozen(kw_only=True)
class Territory:
    """A Gebietskörperschaft: Land, Kreis, Stadt or Gemeinde.

    Attributes:
        ags: Amtlicher Gemeindeschlüssel, the territory's identifier: 8 digits for a
            Stadt or Gemeinde, 5 for a Kreis, 2 for a Land.
        name: Official name, e.g. ``Coesfeld``.
        kind: :class:`TerritoryKind`.
        parent: AGS of the territory it belongs to (a Gemeinde's Kreis), if any.
        valid_from: First day of existence in this form (boundary reforms).
        valid_to: Last day of existence in this form.
        predecessors: AGS of the territories this one took over (merged into it, or
            split from); one AGS may also be listed with several validity versions.
        successors: AGS of the territories that took this one over when it ended.
        population: Inhabitants, when the concept gives its own figure; otherwise the
            Gemeindeverzeichnis gives it.
        population_date: The reference day of ``population``.

    A territory may appear more than once with the same AGS when the versions do not
    overlap in time (a merger in which the town kept its AGS); :meth:`Concept.territory_of`
    and :meth:`Concept.municipalities` pick the version valid on a day.

    .. versionadded:: 0.1.0
    """

    ags: str = attrs.field(validator=v.ags)
    name: str = attrs.field(validator=v.non_empty)
    kind: TerritoryKind = _enum(TerritoryKind)
    parent: str | None = attrs.field(default=None, validator=v.ags)
    valid_from: date | None = _opt_date()
    valid_to: date | None = _opt_date()
    predecessors: tuple[str, ...] = _ags_list()
    successors: tuple[str, ...] = _ags_list()
    population: int | None = _opt_count()
    population_date: date | None = _opt_date()

    def __attrs_post_init__(self) -> None:
        v.check_date_order(self.valid_from, self.valid_to, "valid_from", "valid_to")
        expected = {
            TerritoryKind.STATE: (2,),
            TerritoryKind.REGION: (3,),
            TerritoryKind.DISTRICT: (5,),
        }.get(self.kind, (8,))
        if len(self.ags) not in expected:
            raise InvalidValueError(
                "ags",
                "a {kind} needs an AGS of {digits} digits, got {found}",
                kind=self.kind.value,
                digits=expected[0],
                found=shown(self.ags),
            )
        if self.parent is not None and (
            len(self.parent) >= len(self.ags) or not self.ags.startswith(self.parent)
        ):
            # A parent's AGS is a prefix of its children's AGS in the official key.
            raise InvalidValueError(
                "parent",
                "parent {parent} is not a prefix of AGS {ags}",
                parent=shown(self.parent),
                ags=shown(self.ags),
            )

    @property
    def id(self) -> str:
        """The identifier (the AGS)."""
        return self.ags

    @property
    def district(self) -> str | None:
        """The Kreis key (first five digits) of a municipality, else ``None``."""
        return self.ags[:5] if len(self.ags) == 8 else None

    def overlaps(self, other: Territory) -> bool:
        """Return whether the two versions exist at the same time (open ends unbounded)."""
        return DateRange(start=self.valid_from, end=self.valid_to).overlaps(
            DateRange(start=other.valid_from, end=other.valid_to)
        )

    def valid_on(self, day: date) -> bool:
        """Return whether the territory exists in this form on *day*."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


# --------------------------------------------------------------------------- decisions


class DecisionResult(enum.StrEnum):
    """The outcome of a Beschluss.

    .. versionadded:: 0.1.0
    """

    ADOPTED = "adopted"
    """beschlossen / angenommen."""
    ADOPTED_AMENDED = "adopted-amended"
    """geändert beschlossen."""
    REJECTED = "rejected"
    """abgelehnt."""
    NOTED = "noted"
    """zur Kenntnis genommen."""
    RECOMMENDED = "recommended"
    """empfohlen (a committee recommends to the council)."""
    DEFERRED = "deferred"
    """vertagt / verwiesen."""


@attrs.frozen(kw_only=True)
class Votes:
    """The vote on a Beschluss (Abstimmungsergebnis): Ja, Nein, Enthaltungen, Befangen.

    .. versionadded:: 0.1.0
    """

    yes: int = attrs.field(default=0, validator=v.count)
    no: int = attrs.field(default=0, validator=v.count)
    abstain: int = attrs.field(default=0, validator=v.count)
    recused: int = attrs.field(default=0, validator=v.count)

    @property
    def unanimous(self) -> bool:
        """Whether nobody voted no (einstimmig); abstentions allowed."""
        return self.yes > 0 and self.no == 0

    def __str__(self) -> str:
        return f"{self.yes}:{self.no}:{self.abstain}"


@attrs.frozen(kw_only=True)
class Decision:
    """A Beschluss of a political body (Kreistag, Rat, Ausschuss).

    Attributes:
        id: Slug.
        body: The deciding body, e.g. ``Kreistag`` or ``Integrationsausschuss``.
        date: Date of the session.
        document_number: Vorlage/Drucksache number, e.g. ``SV-9-0667``.
        votes: :class:`Votes`, if recorded.
        result: :class:`DecisionResult`.
        text: The wording of the resolution (Beschlusstext).
        illustrative: ``True`` when values (e.g. the date) were invented for an example.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    body: str = attrs.field(validator=v.non_empty)
    date: date = attrs.field(validator=v.instance_of(date))
    result: DecisionResult = _enum(DecisionResult, DecisionResult.ADOPTED)
    document_number: str | None = _opt_str()
    votes: Votes | None = attrs.field(default=None, validator=v.optional_instance_of(Votes))
    text: str | None = _opt_str()
    illustrative: bool = False


# --------------------------------------------------------------------------- actors


@attrs.frozen(kw_only=True)
class Contact:
    """An Ansprechpartner: a named person or, preferably in published data, a role.

    At least one of ``name`` and ``role`` is required.

    .. versionadded:: 0.1.0
    """

    name: str | None = _opt_str()
    role: str | None = _opt_str()
    phone: str | None = attrs.field(default=None, validator=v.phone)
    email: str | None = attrs.field(default=None, validator=v.email)
    web: str | None = attrs.field(default=None, validator=v.url)

    def __attrs_post_init__(self) -> None:
        if not (self.name or self.role):
            raise InvalidValueError("name", "a contact needs a name or a role")

    @property
    def reachable(self) -> bool:
        """Whether the contact has a phone number, an e-mail address or a web address."""
        return bool(self.phone or self.email or self.web)


@attrs.frozen(kw_only=True)
class Venue:
    """A place where an offer takes place (Ort / Anschrift).

    .. versionadded:: 0.1.0
    """

    name: str | None = _opt_str()
    street: str | None = _opt_str()
    postal_code: str | None = attrs.field(
        default=None,
        validator=v.postal_code,
    )
    city: str | None = _opt_str()
    municipality: str | None = attrs.field(default=None, validator=v.ags)

    @property
    def is_address(self) -> bool:
        """Whether it is a postal address someone can go to."""
        return bool(self.street and (self.postal_code or self.city))


@attrs.frozen(kw_only=True)
class StaffPosition:
    """A Personalstelle: a role with its full-time equivalent (Stellenanteil, VZÄ).

    ``seconded`` marks staff delegated from elsewhere (abgeordnete Lehrkräfte).

    .. versionadded:: 0.1.0
    """

    role: str = attrs.field(validator=v.non_empty)
    fte: Decimal = attrs.field(
        validator=attrs.validators.and_(v.instance_of(Decimal), v.non_negative)
    )
    funding: str | None = attrs.field(default=None, validator=v.slug)
    seconded: bool = False
    note: str | None = _opt_str()


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def _translation_pairs(value: Any) -> tuple[tuple[str, Translation], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    pairs = tuple(items)
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise InvalidValueError(
                "translations",
                "expected language code and Translation pairs, got {found}",
                found=shown(pair),
            )
    # An empty translation says nothing: it is dropped, so tables and files round-trip.
    kept = [pair for pair in pairs if pair[1] != Translation()]
    return tuple(sorted(kept, key=lambda pair: str(pair[0])))


def _translations_validator(allowed: frozenset[str]) -> Any:
    def check(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        seen: set[str] = set()
        for code, text in value:
            if not isinstance(code, str) or not _LANGUAGE_CODE.fullmatch(code):
                raise InvalidValueError(
                    attribute.name,
                    "expected an ISO 639 language code in lower case (ar, uk, ti …), got {found}",
                    found=shown(code),
                )
            if code in seen:
                raise InvalidValueError(
                    attribute.name, "language {code} occurs twice", code=shown(code)
                )
            seen.add(code)
            if not isinstance(text, Translation):
                raise InvalidValueError(
                    attribute.name, "expected a Translation for {code}", code=shown(code)
                )
            extra = [f.name for f in attrs.fields(Translation) if f.name not in allowed]
            wrong = [name for name in extra if getattr(text, name) is not None]
            if wrong:
                raise InvalidValueError(
                    attribute.name,
                    "{code}: {fields} cannot be translated here (only {allowed})",
                    code=code,
                    fields=", ".join(wrong),
                    allowed=", ".join(sorted(allowed)),
                )

    return check


def _check_language_codes(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    for code in value:
        if not isinstance(code, str) or not _LANGUAGE_CODE.fullmatch(code):
            raise InvalidValueError(
                attribute.name,
                "expected ISO 639 language codes in lower case (ar, uk, ti …), got {found}",
                found=shown(code),
            )
    if len(set(value)) != len(value):
        raise InvalidValueError(attribute.name, "every language may occur only once")


def _translations(*allowed: str) -> Any:
    return attrs.field(
        factory=tuple,
        converter=_translation_pairs,
        validator=_translations_validator(frozenset(allowed)),
    )


@attrs.frozen(kw_only=True)
class Translation:
    """The texts of an actor or offer in one more language (Übersetzung).

    Every text is optional; a text that is missing is shown in German with a marker.
    Actors use ``name``, ``description`` and ``responsibility``; offers use ``name``,
    ``description``, ``eligibility`` (the access conditions in words, the translation of
    ``Eligibility.note``), ``schedule_note`` and ``cost_note``.

    .. versionadded:: 0.1.0
    """

    name: str | None = _opt_str()
    description: str | None = _opt_str()
    responsibility: str | None = _opt_str()
    eligibility: str | None = _opt_str()
    schedule_note: str | None = _opt_str()
    cost_note: str | None = _opt_str()

    def __attrs_post_init__(self) -> None:
        for field in attrs.fields(Translation):
            text = getattr(self, field.name)
            if text is not None and not text.strip():
                raise InvalidValueError(field.name, "must not be empty (leave it out instead)")


_NO_TRANSLATION = Translation()


def _translation_of(translations: tuple[tuple[str, Translation], ...], lang: str) -> Translation:
    for code, text in translations:
        if code == lang:
            return text
    return _NO_TRANSLATION


@attrs.frozen(kw_only=True)
class Actor:
    """An Akteur or Träger: an organisation, authority or initiative in integration work.

    Attributes:
        id: Slug, e.g. ``drk-coesfeld``.
        name: Display name.
        category: Code from the actor-category catalogue (e.g. ``welfare``).
        parent: Id of the parent organisation (Dachverband, Behörde).
        volunteer: ``True`` for volunteer (ehrenamtlich) initiatives.
        territories: AGS of the territories served (Einzugsgebiet).
        fields: Codes of the Handlungsfelder worked in.
        target_groups: Codes of the target groups (Zielgruppen).
        contacts: :class:`Contact` entries.
        responsibility: Zuständigkeit, in words.
        staff: :class:`StaffPosition` entries.
        founded: Since when the actor exists (for "since the early 1990s", the 1st Jan).
        last_verified: When the entry was last checked (zuletzt geprüft).
        last_changed: When its content last changed (zuletzt geändert); the annual
            report counts it as changed in that period.
        illustrative: ``True`` when values were invented for an example.
        extras: Imported values without a place in the model, as sorted (key, value)
            pairs with unique keys (e.g. from an HSDS import); written as a mapping.
        translations: Name, description and responsibility in other languages, as
            sorted (language code, :class:`Translation`) pairs; written as a mapping
            ``{ar: {name: …, description: …}}``.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    name: str = attrs.field(validator=v.non_empty)
    category: str = attrs.field(default="other", validator=v.slug)
    parent: str | None = attrs.field(default=None, validator=v.slug)
    volunteer: bool = False
    territories: tuple[str, ...] = _strs()
    fields: tuple[str, ...] = _strs()
    target_groups: tuple[str, ...] = _strs()
    contacts: tuple[Contact, ...] = _items(Contact)
    venue: Venue | None = None
    web: str | None = attrs.field(default=None, validator=v.url)
    responsibility: str | None = _opt_str()
    description: str | None = _opt_str()
    staff: tuple[StaffPosition, ...] = _items(StaffPosition)
    founded: date | None = _opt_date()
    last_verified: date | None = _opt_date()
    last_changed: date | None = _opt_date()
    illustrative: bool = False
    extras: tuple[tuple[str, str], ...] = _extras()
    translations: tuple[tuple[str, Translation], ...] = _translations(
        "name", "description", "responsibility"
    )

    def translation(self, lang: str) -> Translation:
        """The :class:`Translation` into *lang* (an empty one when there is none)."""
        return _translation_of(self.translations, lang)

    @property
    def fte_total(self) -> Decimal:
        """Sum of the full-time equivalents of all staff positions."""
        return sum((s.fte for s in self.staff), Decimal(0))


@attrs.frozen(kw_only=True)
class Eligibility:
    """Who may use an offer (Zugangsvoraussetzungen).

    ``legal_bases`` are Rechtskreise (``AsylbLG``, ``SGB II`` …), ``residence_statuses``
    Aufenthaltsstatus codes; ages are inclusive.

    .. versionadded:: 0.1.0
    """

    legal_bases: tuple[str, ...] = _strs()
    residence_statuses: tuple[str, ...] = _strs()
    min_age: int | None = _opt_age()
    max_age: int | None = _opt_age()
    note: str | None = _opt_str()

    def __attrs_post_init__(self) -> None:
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            raise InvalidValueError(
                "max_age",
                "{max_age} is below min_age {min_age}",
                max_age=self.max_age,
                min_age=self.min_age,
            )


@attrs.frozen(kw_only=True)
class Offer:
    """An Angebot of an actor: a course, counselling, a meeting place …

    Attributes:
        id: Slug.
        name: Title of the offer.
        actor: Id of the providing :class:`Actor` (Träger).
        fields: Handlungsfeld codes.
        target_groups: Zielgruppen codes.
        eligibility: :class:`Eligibility`.
        languages: Languages offered, ISO 639-1 codes (``de``, ``ar``, ``uk`` …).
        venue: Where it takes place.
        territories: AGS of the territories served.
        schedule: Days as an RFC 5545 RRULE (``FREQ=WEEKLY;BYDAY=TU``), if regular.
        start_time: Time of day it begins (``16:00``), with ``schedule``.
        end_time: Time of day it ends (``18:00``); after ``start_time``.
        schedule_note: Times in words (``dienstags 10–12 Uhr``), for what the rule and
            the times cannot say; the Wegweiser writes the rule in words itself.
        cost: Price in EUR; ``Decimal(0)`` for free, ``None`` when unknown.
        capacity: Number of places (e.g. 100 course places).
        valid_from: First day offered.
        valid_to: Last day offered.
        last_verified: When the entry was last checked.
        last_changed: When its content last changed (zuletzt geändert).
        extras: Imported values without a place in the model (see :class:`Actor`).
        translations: Name, description, access conditions, schedule and cost notes in
            other languages (see :class:`Translation` and :class:`Actor`).

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    name: str = attrs.field(validator=v.non_empty)
    actor: str = attrs.field(validator=v.slug)
    fields: tuple[str, ...] = _strs()
    target_groups: tuple[str, ...] = _strs()
    eligibility: Eligibility = attrs.field(factory=Eligibility)
    languages: tuple[str, ...] = _strs()
    venue: Venue | None = None
    territories: tuple[str, ...] = _strs()
    schedule: str | None = _opt_str()
    start_time: time | None = attrs.field(default=None, validator=v.optional_instance_of(time))
    end_time: time | None = attrs.field(default=None, validator=v.optional_instance_of(time))
    schedule_note: str | None = _opt_str()
    cost: Decimal | None = _opt_money()
    cost_note: str | None = _opt_str()
    capacity: int | None = _opt_count()
    contacts: tuple[Contact, ...] = _items(Contact)
    web: str | None = attrs.field(default=None, validator=v.url)
    description: str | None = _opt_str()
    valid_from: date | None = _opt_date()
    valid_to: date | None = _opt_date()
    last_verified: date | None = _opt_date()
    last_changed: date | None = _opt_date()
    illustrative: bool = False
    extras: tuple[tuple[str, str], ...] = _extras()
    translations: tuple[tuple[str, Translation], ...] = _translations(
        "name", "description", "eligibility", "schedule_note", "cost_note"
    )

    def __attrs_post_init__(self) -> None:
        v.check_date_order(self.valid_from, self.valid_to, "valid_from", "valid_to")
        if (
            self.start_time is not None
            and self.end_time is not None
            and self.end_time <= self.start_time
        ):
            raise InvalidValueError(
                "end_time",
                "{end} is not after start_time {start}",
                end=f"{self.end_time:%H:%M}",
                start=f"{self.start_time:%H:%M}",
            )

    @property
    def validity(self) -> DateRange:
        """The validity as a :class:`DateRange`."""
        return DateRange(start=self.valid_from, end=self.valid_to)

    def translation(self, lang: str) -> Translation:
        """The :class:`Translation` into *lang* (an empty one when there is none)."""
        return _translation_of(self.translations, lang)


# --------------------------------------------------------------------------- goals, measures


@attrs.frozen(kw_only=True)
class FieldOfAction:
    """A Handlungsfeld, e.g. Sprache, Arbeitsmarkt, Wohnen.

    ``area`` groups fields, e.g. ``education`` (Integration durch Bildung) or
    ``cross-cutting`` (Integration als Querschnittsaufgabe).

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    title: str = attrs.field(validator=v.non_empty)
    description: str | None = _opt_str()
    area: str | None = attrs.field(default=None, validator=v.slug)


class GoalKind(enum.StrEnum):
    """Level of a Ziel.

    .. versionadded:: 0.1.0
    """

    GUIDING = "guiding"
    """Leitziel."""
    OUTCOME = "outcome"
    """Wirkungsziel."""
    ACTION = "action"
    """Handlungsziel."""


@attrs.frozen(kw_only=True)
class Goal:
    """A Ziel within a Handlungsfeld, measured by indicators.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    field: str = attrs.field(validator=v.slug)
    text: str = attrs.field(validator=v.non_empty)
    kind: GoalKind = _enum(GoalKind, GoalKind.ACTION)
    parent: str | None = attrs.field(default=None, validator=v.slug)
    indicators: tuple[str, ...] = _strs()
    territories: tuple[str, ...] = _strs()


class MeasureStatus(enum.StrEnum):
    """Implementation state of a Maßnahme.

    .. versionadded:: 0.1.0
    """

    RECOMMENDED = "recommended"
    """empfohlen."""
    PLANNED = "planned"
    """geplant."""
    ONGOING = "ongoing"
    """laufend."""
    COMPLETED = "completed"
    """abgeschlossen."""
    DISCONTINUED = "discontinued"
    """eingestellt."""


@attrs.frozen(kw_only=True)
class StatusChange:
    """One dated entry of a measure's status history (Statusverlauf).

    .. versionadded:: 0.1.0
    """

    date: date = attrs.field(validator=v.instance_of(date))
    status: MeasureStatus = _enum(MeasureStatus)
    note: str | None = _opt_str()


@attrs.frozen(kw_only=True)
class Measure:
    """A Maßnahme towards one or more goals.

    ``responsible`` is optional on purpose: the Kreis concept of 2016 names no
    responsibilities or deadlines; the ``steuerung`` validation profile requires them.

    Attributes:
        id: Slug.
        title: Short title.
        field: Handlungsfeld code.
        goals: Ids of the goals served.
        history: Dated :class:`StatusChange` entries, oldest first.
        responsible: Id of the responsible actor (federführend).
        partners: Ids of partner actors.
        territories: AGS where the measure applies.
        timeframe: :class:`DateRange` of implementation.
        funding: Ids of :class:`Funding` entries.
        indicators: Indicator codes that measure it.
        capacity: Number of places, if it provides any.
        expected_result: Erwartetes Ergebnis, in words.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    title: str = attrs.field(validator=v.non_empty)
    field: str = attrs.field(validator=v.slug)
    goals: tuple[str, ...] = _strs()
    description: str | None = _opt_str()
    history: tuple[StatusChange, ...] = _items(StatusChange)
    responsible: str | None = attrs.field(default=None, validator=v.slug)
    partners: tuple[str, ...] = _strs()
    territories: tuple[str, ...] = _strs()
    timeframe: DateRange | None = None
    funding: tuple[str, ...] = _strs()
    indicators: tuple[str, ...] = _strs()
    capacity: int | None = _opt_count()
    expected_result: str | None = _opt_str()
    illustrative: bool = False

    @property
    def status(self) -> MeasureStatus:
        """The latest status; ``recommended`` when the history is empty."""
        if not self.history:
            return MeasureStatus.RECOMMENDED
        return max(self.history, key=lambda c: c.date).status

    def status_on(self, day: date) -> MeasureStatus | None:
        """The status on *day*, or ``None`` before the first entry."""
        entries = [c for c in self.history if c.date <= day]
        return max(entries, key=lambda c: c.date).status if entries else None


@attrs.frozen(kw_only=True)
class Funding:
    """A Förderung: money from a programme for a purpose.

    Attributes:
        id: Slug.
        programme: Förderprogramm, e.g. ``Ehrenamt in der Flüchtlingshilfe``.
        provider: Fördergeber, e.g. ``Land NRW``, ``Bund``, ``ESF``.
        amount: Amount in EUR (``Decimal``, non-negative).
        per_year: ``True`` when ``amount`` is granted each year (Festbetrag p. a.).
        period: :class:`DateRange` of the grant.
        recipient: Id of the receiving actor.
        purpose: Verwendungszweck.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    programme: str = attrs.field(validator=v.non_empty)
    provider: str = attrs.field(validator=v.non_empty)
    amount: Decimal = attrs.field(validator=v.money)
    per_year: bool = False
    period: DateRange | None = None
    recipient: str | None = attrs.field(default=None, validator=v.slug)
    purpose: str | None = _opt_str()
    illustrative: bool = False


# --------------------------------------------------------------------------- indicators


class Direction(enum.StrEnum):
    """Which way an indicator should move (Polarität).

    .. versionadded:: 0.1.0
    """

    UP = "up"
    """höher ist besser."""
    DOWN = "down"
    """niedriger ist besser."""
    NEUTRAL = "neutral"
    """keine Wertung."""


class OverTime(enum.StrEnum):
    """How the values of an indicator entered per sub-period combine into a longer period
    (zeitliche Zusammenfassung), e.g. four quarterly values into the year.

    .. versionadded:: 0.2.0
    """

    NONE = "none"
    """*keine* — a longer period needs a value of its own (the default)."""
    SUM = "sum"
    """*Summe* — counts of events in the period (course participants, placements)."""
    LAST = "last"
    """*letzter Wert* — a stock on a reference date (places on 31 December)."""
    MEAN = "mean"
    """*Mittelwert* — an average level over the period (occupancy)."""


class CaseCountKind(enum.StrEnum):
    """What a case-based count counts (always distinct cases).

    .. versionadded:: 0.1.0
    """

    ACTIVE = "active"
    """Fälle, die im Zeitraum offen waren."""
    NEW = "new"
    """Fälle, die im Zeitraum eröffnet wurden."""
    EVENTS = "events"
    """Fälle mit mindestens einem der Ereignisse im Zeitraum."""


@attrs.frozen(kw_only=True)
class CaseFilter:
    """Restrict a case count to cases whose ``attribute`` has one of ``values``.

    ``attribute`` is a case column (``legal_basis``, ``sex`` …) or ``age_group``
    (values ``0-17``, ``18-26``, ``27-64``, ``65+``: age at the period end).

    .. versionadded:: 0.1.0
    """

    attribute: str = attrs.field(validator=v.slug)
    values: tuple[str, ...] = _strs()


@attrs.frozen(kw_only=True)
class CaseCount:
    """A count of distinct cases from the case-management export (Fallzahl).

    .. versionadded:: 0.1.0
    """

    count: CaseCountKind = _enum(CaseCountKind)
    events: tuple[str, ...] = _strs()
    filters: tuple[CaseFilter, ...] = _items(CaseFilter)

    def __attrs_post_init__(self) -> None:
        if self.count is CaseCountKind.EVENTS and not self.events:
            raise InvalidValueError("events", "a count of events needs at least one event")


@attrs.frozen(kw_only=True)
class Confidentiality:
    """Disclosure-control rule of an indicator (Geheimhaltung).

    ``threshold``: counts from 1 to ``threshold - 1`` are suppressed (default 3, i.e. 1
    and 2 are suppressed as the Bundesagentur für Arbeit does); ``rounding`` (5 or 10)
    rounds counts instead of suppressing them. Rounding protects only with a base of at
    least the threshold: with a larger threshold (the indicator's or the run's) the
    counts are rounded to multiples of 10, and above 10 suppressed instead.

    .. versionadded:: 0.1.0
    """

    threshold: int = attrs.field(default=3, validator=v.threshold)
    rounding: int | None = attrs.field(default=None, validator=v.one_of(5, 10, allow_none=True))


@attrs.frozen(kw_only=True)
class Indicator:
    """A Kennzahl: numerator, optional denominator and scale.

    Numerator and denominator are a :class:`CaseCount` or an expression over aggregated
    data elements (``vhs_participants / population_foreign``).

    Attributes:
        id: Code, e.g. ``placements`` or ``intmk-b2a``.
        name: Name for people.
        numerator: :class:`CaseCount` or expression text; left out (``None``) for a
            Kennzahl whose values are entered by hand (*Kennzahlwerte*, observations of
            this indicator), which are then reported as they are.
        denominator: Same, optional; it needs a numerator.
        scale: 1, 100 (per cent) or 1000 (per mille).
        unit: Unit for display (``Fälle``, ``%``).
        direction: :class:`Direction`.
        origin: Where the definition comes from: ``IntMK``, ``NRW``, ``BA``,
            ``Destatis`` or ``lokal``.
        proportion: ``True`` when the numerator is a subset of the denominator (so the
            numerator can never exceed it).
        over_time: :class:`OverTime`: how values entered per quarter or month combine
            into the year (or any longer period) when it has no value of its own. It
            applies to the observations of this indicator, i.e. to the data element of
            the same code.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``over_time``.
    """

    id: str = attrs.field(validator=v.slug)
    name: str = attrs.field(validator=v.non_empty)
    numerator: CaseCount | str | None = attrs.field(
        default=None, validator=v.optional_instance_of((CaseCount, str))
    )
    denominator: CaseCount | str | None = attrs.field(
        default=None, validator=v.optional_instance_of((CaseCount, str))
    )
    scale: int = attrs.field(default=1, validator=v.one_of(1, 100, 1000, 10000, 100000))
    definition: str | None = _opt_str()
    unit: str | None = _opt_str()
    direction: Direction = _enum(Direction, Direction.NEUTRAL)
    source: str | None = _opt_str()
    origin: str = attrs.field(default="lokal", validator=v.non_empty)
    fields: tuple[str, ...] = _strs()
    disaggregations: tuple[str, ...] = _strs()
    confidentiality: Confidentiality = attrs.field(factory=Confidentiality)
    reference_date: str | None = _opt_str()
    method_notes: str | None = _opt_str()
    proportion: bool = False
    over_time: OverTime = _enum(OverTime, OverTime.NONE)

    def __attrs_post_init__(self) -> None:
        if self.numerator is None and self.denominator is not None:
            raise InvalidValueError("numerator", "a Kennzahl with a denominator needs a numerator")

    @property
    def entered_by_hand(self) -> bool:
        """Whether the values are entered by hand (no numerator to compute)."""
        return self.numerator is None

    @property
    def is_rate(self) -> bool:
        """Whether the indicator has a denominator."""
        return self.denominator is not None


class ObservationStatus(enum.StrEnum):
    """Status flag of a value (SDMX-like).

    .. versionadded:: 0.1.0
    """

    OK = "ok"
    SUPPRESSED = "suppressed"
    """geheim gehalten (``*``)."""
    ROUNDED = "rounded"
    PROVISIONAL = "provisional"
    """vorläufig (``p``)."""
    MISSING = "missing"
    """fehlt (``–``), with a reason in ``note``."""


#: How bad a status is, from ``ok`` to ``suppressed``: a value combined from parts has the
#: worst status of its parts.
_STATUS_RANK: dict[ObservationStatus, int] = {
    ObservationStatus.OK: 0,
    ObservationStatus.ROUNDED: 1,
    ObservationStatus.PROVISIONAL: 2,
    ObservationStatus.MISSING: 3,
    ObservationStatus.SUPPRESSED: 4,
}


def duplicate_positions(items: Sequence[Any], key: str = "id") -> Iterator[tuple[int, int]]:
    """``(position, first)`` for every item whose *key* an earlier item has: the one
    rule of unique ids, for validation (``duplicate-id``) and for every output that
    names a record by its id.

    >>> list(duplicate_positions([Actor(id="a", name="A"), Actor(id="a", name="B")]))
    [(1, 0)]
    """
    first: dict[Any, int] = {}
    for position, item in enumerate(items):
        seen = first.setdefault(getattr(item, key), position)
        if seen != position:
            yield position, seen


def worst_status(*statuses: ObservationStatus) -> ObservationStatus:
    """The worst of *statuses* (``suppressed`` > ``missing`` > ``provisional`` > ``rounded``
    > ``ok``): the status of a value combined from parts with these statuses."""
    return max(statuses, key=_STATUS_RANK.__getitem__)


def _sorted_pairs(value: Any) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(val)) for k, val in items))


@attrs.frozen(kw_only=True)
class Observation:
    """A Kennzahlwert: one value of an indicator for a period, territory and breakdown.

    ``disaggregation`` holds (dimension, value) pairs, e.g. ``(("sex", "f"),)``; an
    empty tuple is the total. ``territory`` is an AGS or ``all``.

    .. versionadded:: 0.1.0
    """

    indicator: str = attrs.field(validator=v.slug)
    period: ReportPeriod = attrs.field(validator=v.instance_of(ReportPeriod))
    territory: str = attrs.field(validator=v.non_empty)
    value: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.and_(v.optional_instance_of(Decimal), v.figure)
    )
    disaggregation: tuple[tuple[str, str], ...] = attrs.field(
        factory=tuple, converter=_sorted_pairs
    )
    numerator: Decimal | None = attrs.field(default=None, validator=v.non_negative)
    denominator: Decimal | None = attrs.field(default=None, validator=v.non_negative)
    status: ObservationStatus = _enum(ObservationStatus, ObservationStatus.OK)
    note: str | None = _opt_str()
    illustrative: bool = False

    def __attrs_post_init__(self) -> None:
        if self.value is None and self.status in (ObservationStatus.OK, ObservationStatus.ROUNDED):
            raise InvalidValueError(
                "value", "a value is required when status is {status}", status=self.status
            )
        if self.value is not None and not self.value.is_finite():
            raise InvalidValueError(
                "value", "expected a finite number, got {found}", found=self.value
            )


@attrs.frozen(kw_only=True)
class Target:
    """A Zielwert: the value an indicator should reach in a period and territory.

    .. versionadded:: 0.1.0
    """

    indicator: str = attrs.field(validator=v.slug)
    territory: str = attrs.field(validator=v.non_empty)
    period: ReportPeriod = attrs.field(validator=v.instance_of(ReportPeriod))
    value: Decimal = attrs.field(validator=attrs.validators.and_(v.instance_of(Decimal), v.figure))
    note: str | None = _opt_str()
    illustrative: bool = False


@attrs.frozen(kw_only=True)
class Baseline:
    """An Ausgangswert: the value an indicator started from.

    .. versionadded:: 0.1.0
    """

    indicator: str = attrs.field(validator=v.slug)
    territory: str = attrs.field(validator=v.non_empty)
    period: ReportPeriod = attrs.field(validator=v.instance_of(ReportPeriod))
    value: Decimal = attrs.field(validator=attrs.validators.and_(v.instance_of(Decimal), v.figure))
    note: str | None = _opt_str()
    illustrative: bool = False


# --------------------------------------------------------------------------- networks


@attrs.frozen(kw_only=True)
class Network:
    """A Netzwerk or Gremium: Steuerungsgruppe, Runder Tisch, AG, Integrationskonferenz.

    Attributes:
        id: Slug.
        name: Name.
        kind: Code such as ``round-table``, ``steering-group``, ``working-group``,
            ``conference``.
        coordinator: Id of the coordinating actor.
        members: Ids of member actors.
        territories: AGS covered.
        schedule: The meeting rule (:class:`MeetingSchedule`), if it meets regularly.
        founded: Since when the network exists.
        dissolved: When the network ended.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    name: str = attrs.field(validator=v.non_empty)
    kind: str = attrs.field(default="working-group", validator=v.slug)
    coordinator: str | None = attrs.field(default=None, validator=v.slug)
    members: tuple[str, ...] = _strs()
    territories: tuple[str, ...] = _strs()
    schedule: MeetingSchedule | None = attrs.field(
        default=None,
        validator=v.optional_instance_of(MeetingSchedule),
    )
    description: str | None = _opt_str()
    founded: date | None = _opt_date()
    dissolved: date | None = _opt_date()

    def __attrs_post_init__(self) -> None:
        v.check_date_order(self.founded, self.dissolved, "founded", "dissolved")


@attrs.frozen(kw_only=True)
class Meeting:
    """A Sitzung or Treffen of a network: the material of the yearly activity report.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    network: str = attrs.field(validator=v.slug)
    date: date = attrs.field(validator=v.instance_of(date))
    participants: tuple[str, ...] = _strs()
    participant_count: int | None = _opt_count()
    topics: tuple[str, ...] = _strs()
    results: tuple[str, ...] = _strs()
    location: str | None = _opt_str()
    illustrative: bool = False

    @property
    def attendance(self) -> int:
        """The number of participants (the count if given, else the listed actors)."""
        return (
            self.participant_count if self.participant_count is not None else len(self.participants)
        )


# --------------------------------------------------------------------------- reference texts


@attrs.frozen(kw_only=True)
class GlossaryTerm:
    """A Glossar entry: a term and its explanation.

    .. versionadded:: 0.1.0
    """

    term: str = attrs.field(validator=v.non_empty)
    definition: str = attrs.field(validator=v.non_empty)
    see_also: tuple[str, ...] = _strs()


@attrs.frozen(kw_only=True)
class Abbreviation:
    """An Abkürzung and what it stands for.

    .. versionadded:: 0.1.0
    """

    short: str = attrs.field(validator=v.non_empty)
    long: str = attrs.field(validator=v.non_empty)


@attrs.frozen(kw_only=True)
class LegalBasis:
    """A Rechtsgrundlage: law, paragraph, title and a link.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=v.slug)
    law: str = attrs.field(validator=v.non_empty)
    title: str = attrs.field(validator=v.non_empty)
    paragraph: str | None = _opt_str()
    url: str | None = attrs.field(default=None, validator=v.url)
    summary: str | None = _opt_str()


@attrs.frozen(kw_only=True)
class AcceptedFinding:
    """A finding that was reviewed and accepted (geprüfter und akzeptierter Befund).

    A possible duplicate structure can be wanted (two language cafés for two
    neighbourhoods), a gap can be known and planned for. Recording the review keeps the
    finding out of the main text of the annual report; the report lists it in an annex
    with the reason, and ``validate`` shows it as accepted. Only warnings and hints can
    be accepted; an error stays an error.

    Attributes:
        code: The finding code, e.g. ``duplicate-structure``.
        subject: What the finding is about, as ``validate --format json`` gives it in
            ``subject``: the id of the item (``fi-sprachcafe``), the AGS of a
            territory, ``concept``, or for a pair of offers both ids joined by ``+``
            (``drk-sprachtreff+fi-sprachcafe``, in either order).
        reason: Why the finding is accepted (Begründung).
        date: When it was reviewed.
        by: Who reviewed it (a person or a body, e.g. ``Steuerungsgruppe``).

    .. versionadded:: 0.1.0
    """

    code: str = attrs.field(validator=v.slug)
    subject: str = attrs.field(validator=v.non_empty)
    reason: str = attrs.field(validator=v.non_empty)
    date: date = attrs.field(validator=v.instance_of(date))
    by: str = attrs.field(validator=v.non_empty)


# --------------------------------------------------------------------------- aggregate root

ID_COLLECTIONS = (
    # Collections of the Concept whose items have an id (territories: their AGS).
    "territories",
    "decisions",
    "fields",
    "goals",
    "measures",
    "actors",
    "offers",
    "funding",
    "indicators",
    "networks",
    "meetings",
    "legal_bases",
)


@attrs.frozen(kw_only=True)
class Concept:
    """The Integrationskonzept: the aggregate root holding everything else.

    Look-ups by id are available through :meth:`get` and the typed helpers
    (:meth:`actor`, :meth:`offer` …). ``predecessor`` names the version this one
    revises (Fortschreibung).

    Attributes:
        id: Slug of the concept, e.g. ``kreis-coesfeld``.
        title: Title, e.g. ``1. Integrationskonzept des Kreises Coesfeld``.
        territory: AGS of the territory the concept is for.
        version: Version label, e.g. ``2016`` or ``2.0``.
        adopted: Id of the :class:`Decision` adopting it.
        valid_from: First day of validity of this version.
        valid_to: Last day of validity of this version.
        predecessor: ``version`` of the concept this one revises.
        gebietsstand: The Gebietsstand of the Gemeindeverzeichnis the territories were
            taken from (``init`` records it).
        territory_catalogue: Path (relative to the concept folder) of the town's own
            territory catalogue, written by ``kommunale-integration territories
            update``; without it the catalogue shipped with the library is used.
        committee: The body that receives the annual report.
        starting_point: Ausgangslage (text for the report).
        outlook: Ausblick (text for the report).
        fiscal_year_start: Beginn des Haushaltsjahres: the month (1–12) in which the
            budget year starts; ``HJ2026`` in this concept (in its files, tables and on the
            command line) means the twelve months from that month of 2026. Default 1
            (the budget year is the calendar year). Every budget-year period of the
            concept's observations, targets and baselines must start in this month.
        facts: Sachverhalt of the council paper that carries the annual report.
        alternatives: Alternativen (section of the council paper).
        impacts: Auswirkungen / Zusammenhänge (Finanzen, Personal, IT) in words; the
            report adds the figures of the funding and staff positions.
        competence: Zuständigkeit für die Entscheidung (section of the council paper).
        meeting_date: Date of the committee meeting that receives the report.
        accepted_findings: Findings that were reviewed and accepted
            (:class:`AcceptedFinding`).
        languages: The languages besides German in which actors and offers are to be
            published (ISO 639 codes such as ``ar``, ``uk``, ``ti``); validation reports
            the offers that lack a translation into one of them.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``fiscal_year_start``; the council-paper sections ``facts``,
       ``alternatives``, ``impacts``, ``competence`` and ``meeting_date``;
       ``accepted_findings``.
    """

    id: str = attrs.field(validator=v.slug)
    title: str = attrs.field(validator=v.non_empty)
    territory: str = attrs.field(validator=v.ags)
    version: str = attrs.field(default="1", validator=v.non_empty)
    adopted: str | None = attrs.field(default=None, validator=v.slug)
    valid_from: date | None = _opt_date()
    valid_to: date | None = _opt_date()
    predecessor: str | None = _opt_str()
    gebietsstand: date | None = _opt_date()
    territory_catalogue: str | None = _opt_str()
    committee: str | None = _opt_str()
    summary: str | None = _opt_str()
    starting_point: str | None = _opt_str()
    outlook: str | None = _opt_str()
    fiscal_year_start: int = attrs.field(default=1, validator=v.month)
    facts: str | None = _opt_str()
    alternatives: str | None = _opt_str()
    impacts: str | None = _opt_str()
    competence: str | None = _opt_str()
    meeting_date: date | None = _opt_date()
    languages: tuple[str, ...] = attrs.field(
        factory=tuple, converter=v.to_tuple, validator=_check_language_codes
    )
    territories: tuple[Territory, ...] = _items(Territory)
    decisions: tuple[Decision, ...] = _items(Decision)
    fields: tuple[FieldOfAction, ...] = _items(FieldOfAction)
    goals: tuple[Goal, ...] = _items(Goal)
    measures: tuple[Measure, ...] = _items(Measure)
    actors: tuple[Actor, ...] = _items(Actor)
    offers: tuple[Offer, ...] = _items(Offer)
    funding: tuple[Funding, ...] = _items(Funding)
    indicators: tuple[Indicator, ...] = _items(Indicator)
    targets: tuple[Target, ...] = _items(Target)
    baselines: tuple[Baseline, ...] = _items(Baseline)
    observations: tuple[Observation, ...] = _items(Observation)
    networks: tuple[Network, ...] = _items(Network)
    meetings: tuple[Meeting, ...] = _items(Meeting)
    glossary: tuple[GlossaryTerm, ...] = _items(GlossaryTerm)
    abbreviations: tuple[Abbreviation, ...] = _items(Abbreviation)
    legal_bases: tuple[LegalBasis, ...] = _items(LegalBasis)
    accepted_findings: tuple[AcceptedFinding, ...] = _items(AcceptedFinding)
    _index: dict[str, dict[str, Any]] = attrs.field(
        init=False, repr=False, eq=False, hash=False, alias="_index"
    )
    _sources: Mapping[str, Location] = attrs.field(
        init=False, repr=False, eq=False, hash=False, alias="_sources"
    )

    def __attrs_post_init__(self) -> None:
        v.check_date_order(self.valid_from, self.valid_to, "valid_from", "valid_to")
        self._check_budget_years()
        index: dict[str, dict[str, Any]] = {}
        for name in ID_COLLECTIONS:
            table: dict[str, Any] = {}
            for item in getattr(self, name):
                # The first of duplicate ids wins; validation reports the duplicates.
                table.setdefault(item.id if name != "territories" else item.ags, item)
            index[name] = table
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_sources", {})

    def _check_budget_years(self) -> None:
        """Every ``HJ…`` period of the concept starts in :attr:`fiscal_year_start`.

        ``HJ2026`` is written without its start month, so a concept can only hold budget
        years of its own fiscal start; anything else would change on save and load.
        """
        for name in ("observations", "targets", "baselines"):
            for index, item in enumerate(getattr(self, name)):
                start = item.period.budget_start_month
                if start is not None and start != self.fiscal_year_start:
                    raise InvalidValueError(
                        f"{name}[{index}].period",
                        "the budget year {period} starts in month {start}, but the "
                        "concept's budget year (fiscal_year_start) starts in month {fiscal}",
                        period=item.period,
                        start=start,
                        fiscal=self.fiscal_year_start,
                    )

    def with_sources(self, sources: Mapping[str, Location]) -> Concept:
        """Return a copy that remembers where its parts were read from.

        Loaders call this with keys that are paths (``actors[3]`` or, for one cell,
        ``actors[3].territories``) and values that are :class:`Location` objects with
        file, row and column. :meth:`locate` uses them so that findings about table data
        name the file, row and column. Sources do not take part in equality.
        """
        copy = attrs.evolve(self)
        object.__setattr__(copy, "_sources", dict(sources))
        return copy

    @property
    def sources(self) -> Mapping[str, Location]:
        """The source locations recorded by the loader (see :meth:`with_sources`)."""
        return self._sources

    def locate(self, path: str) -> Location:
        """Return the best known :class:`Location` of *path* (e.g. ``offers[2].actor``).

        The longest recorded prefix of *path* gives file, row and column; the path
        itself is always kept. Without any record the location is the path alone.
        """
        key = path
        while key:
            found = self._sources.get(key)
            if found is not None:
                return Location(file=found.file, row=found.row, column=found.column, path=path)
            cut = max(key.rfind("."), key.rfind("["))
            key = key[:cut] if cut > 0 else ""
        return Location(path=path)

    def get(self, collection: str, id: str) -> Any:
        """Return the item *id* of *collection* (e.g. ``"actors"``), or ``None``."""
        try:
            return self._index[collection].get(id)
        except KeyError:
            raise KeyError(f"unknown collection {collection!r}") from None

    def ids(self, collection: str) -> frozenset[str]:
        """Return the ids of *collection*."""
        return frozenset(self._index[collection])

    def covers(self, ags: str) -> bool:
        """Whether *ags* is the concept's own territory or lies under it (its AGS
        begins with the concept's: a Kreis's concept covers its Städte und Gemeinden,
        not its Land, not a town of another Kreis that it lists beside its own).

        .. versionadded:: 0.1.0
        """
        return ags.startswith(self.territory)

    def territory_of(self, ags: str, on: date | None = None) -> Territory | None:
        """Return the :class:`Territory` with this AGS (the version valid *on* a day).

        Without *on* the first listed version is returned.
        """
        if on is None:
            return self._index["territories"].get(ags)
        return next((t for t in self.territories if t.ags == ags and t.valid_on(on)), None)

    def actor(self, id: str) -> Actor | None:
        """Return the :class:`Actor` *id*."""
        return self._index["actors"].get(id)

    def offer(self, id: str) -> Offer | None:
        """Return the :class:`Offer` *id*."""
        return self._index["offers"].get(id)

    def measure(self, id: str) -> Measure | None:
        """Return the :class:`Measure` *id*."""
        return self._index["measures"].get(id)

    def indicator(self, id: str) -> Indicator | None:
        """Return the :class:`Indicator` *id*."""
        return self._index["indicators"].get(id)

    def field(self, id: str) -> FieldOfAction | None:
        """Return the :class:`FieldOfAction` *id*."""
        return self._index["fields"].get(id)

    def network(self, id: str) -> Network | None:
        """Return the :class:`Network` *id*."""
        return self._index["networks"].get(id)

    def offers_of(self, actor_id: str) -> tuple[Offer, ...]:
        """Return the offers of the actor *actor_id*."""
        return tuple(o for o in self.offers if o.actor == actor_id)

    def municipalities(self, on: date | None = None) -> tuple[Territory, ...]:
        """Return the Städte und Gemeinden (8-digit AGS) of the concept, sorted by AGS.

        With *on*, only the versions valid on that day; without it, one entry per AGS
        (the first listed version).
        """
        if on is None:
            chosen: dict[str, Territory] = {}
            for t in self.territories:
                if len(t.ags) == 8:
                    chosen.setdefault(t.ags, t)
            return tuple(chosen[a] for a in sorted(chosen))
        return tuple(
            sorted(
                (t for t in self.territories if len(t.ags) == 8 and t.valid_on(on)),
                key=lambda t: t.ags,
            )
        )

    def children(self, ags: str, on: date | None = None) -> tuple[Territory, ...]:
        """Return the territories whose parent is *ags* (valid *on* a day, if given)."""
        return tuple(
            t for t in self.territories if t.parent == ags and (on is None or t.valid_on(on))
        )

    def versions(self, ags: str) -> tuple[Territory, ...]:
        """Return every validity version of the territory *ags*, ordered by start."""
        return tuple(
            sorted(
                (t for t in self.territories if t.ags == ags),
                key=lambda t: t.valid_from or date.min,
            )
        )

    def iter_items(self) -> Iterator[tuple[str, Any]]:
        """Yield ``(collection, item)`` for every identified item of the concept."""
        for name in ID_COLLECTIONS:
            for item in getattr(self, name):
                yield name, item

    def evolve(self, **changes: Any) -> Concept:
        """Return a copy with *changes* applied (a new revision or an edit)."""
        return attrs.evolve(self, **changes)
