"""Tables of actors, offers, contacts, measures, observations and meetings.

The German column headers of every table kind are defined once, in :data:`TABLE_COLUMNS`;
docs/formats.rst prints them from there. A row becomes plain data with the attribute
names of the model (``venue.street``) and is then structured by the library's
converter, so that the model never learns about column headers.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from .. import _model as m
from .._catalogues import shipped_catalogue
from .._converter import structure, unstructure
from .._errors import LoadError, OutputError, Severity, clip
from .._i18n import ntr
from .._parse import (
    ParseError,
    is_ags,
    is_slug,
    is_spreadsheet_error,
    neutralise,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_money,
    repair_ags,
    slugify,
    unneutralise,
)
from .._text import character_name, is_direction_control, parse_json, unsafe_character
from ._common import Collector

if TYPE_CHECKING:
    from .._territories import TerritoryCatalogue

__all__ = [
    "TABLE_COLUMNS",
    "LinkedContact",
    "Resolver",
    "TableColumn",
    "TableKind",
    "TableRows",
    "decode_rows",
    "encode_rows",
]


class TableKind(enum.StrEnum):
    """The kinds of table the loaders read and write (Tabellenart).

    Given as text, the German names of the default files are accepted too
    (``TableKind("akteure")`` is :attr:`ACTORS`).

    .. versionadded:: 0.1.0
    """

    ACTORS = "actors"
    """Akteure (``akteure.csv``)."""
    OFFERS = "offers"
    """Angebote (``angebote.csv``)."""
    CONTACTS = "contacts"
    """Kontakte (``kontakte.csv``), linked to an actor or an offer by id."""
    MEASURES = "measures"
    """Maßnahmen (``massnahmen.csv``)."""
    OBSERVATIONS = "observations"
    """Kennzahlwerte (``kennzahlwerte.csv``)."""
    MEETINGS = "meetings"
    """Sitzungen (``sitzungen.csv``)."""

    @classmethod
    def _missing_(cls, value: object) -> TableKind | None:
        # The German names of the default files work too: TableKind("akteure").
        if isinstance(value, str):
            return _GERMAN_KINDS.get(value.strip().casefold())
        return None


_GERMAN_KINDS = {
    "akteure": TableKind.ACTORS,
    "angebote": TableKind.OFFERS,
    "kontakte": TableKind.CONTACTS,
    "massnahmen": TableKind.MEASURES,
    "maßnahmen": TableKind.MEASURES,
    "kennzahlwerte": TableKind.OBSERVATIONS,
    "sitzungen": TableKind.MEETINGS,
}


@attrs.frozen(kw_only=True)
class LinkedContact:
    """A row of a contacts table: a :class:`~kommunale_integration.Contact` and its owner.

    Exactly one of ``actor`` and ``offer`` names the actor or offer (by id) the contact
    belongs to.

    .. versionadded:: 0.1.0
    """

    contact: m.Contact
    actor: str | None = None
    offer: str | None = None


@attrs.frozen(kw_only=True)
class TableColumn:
    """One column of a table kind.

    Attributes:
        key: Attribute path in the model (``name``, ``venue.street``) or a table-only
            key (``status``, ``status_since``).
        header: The German header written and read by default.
        codec: How a cell is read and written (``text``, ``code``, ``codes``,
            ``lines``, ``date``, ``start``, ``end`` (a date or a year), ``time``,
            ``decimal``, ``money`` (an amount in EUR), ``int``, ``bool``, ``territory``,
            ``field``, ``fields``,
            ``category``, ``target-groups`` (a code, or a label of its catalogue),
            ``network``, ``actor-ref``, ``actor-refs`` (an id or a name),
            ``territories``, ``postal``, ``json``,
            ``history``, ``measure-status``, ``observation-status``, ``actor``,
            ``period``).
        required: Whether the column and a value in every row are required.
        description: What the column holds, for the documentation.

    .. versionadded:: 0.1.0
    """

    key: str
    header: str
    codec: str
    required: bool = False
    description: str = ""


def _c(
    key: str, header: str, codec: str, description: str, *, required: bool = False
) -> TableColumn:
    return TableColumn(
        key=key, header=header, codec=codec, required=required, description=description
    )


_VENUE = (
    _c("venue.name", "Standort", "text", "Name des Orts (Einrichtung, Raum)"),
    _c("venue.street", "Straße", "text", "Straße und Hausnummer"),
    _c("venue.postal_code", "PLZ", "postal", "Postleitzahl (5 Ziffern)"),
    _c("venue.city", "Ort", "text", "Ort der Anschrift"),
    _c("venue.municipality", "Standortgemeinde", "territory", "AGS oder Name der Gemeinde"),
)

#: The columns of every table kind, in the order they are written.
#:
#: .. versionadded:: 0.1.0
TABLE_COLUMNS: Mapping[TableKind, tuple[TableColumn, ...]] = {
    TableKind.ACTORS: (
        _c("id", "ID", "code", "Kennung (Slug); leer: aus dem Namen gebildet"),
        _c("name", "Name", "text", "Name des Akteurs", required=True),
        _c("category", "Kategorie", "category", "Code oder Name der Akteurskategorie"),
        _c("parent", "Dachorganisation", "code", "ID der Dachorganisation"),
        _c("volunteer", "Ehrenamtlich", "bool", "ja/nein"),
        _c("territories", "Gemeinden", "territories", "AGS oder Namen, durch Komma getrennt"),
        _c("fields", "Handlungsfelder", "fields", "Codes oder Titel der Handlungsfelder"),
        _c("target_groups", "Zielgruppen", "target-groups", "Codes oder Namen der Zielgruppen"),
        _c("responsibility", "Zuständigkeit", "text", "Zuständigkeit in Worten"),
        _c("description", "Beschreibung", "text", "Beschreibung"),
        _c("web", "Web", "code", "Internetadresse (http/https)"),
        *_VENUE,
        _c("staff", "Stellen", "json", "Personalstellen als JSON-Liste"),
        _c("founded", "Gegründet", "date", "Gründungsdatum"),
        _c("last_verified", "Zuletzt geprüft", "date", "Datum der letzten Prüfung"),
        _c("last_changed", "Zuletzt geändert", "date", "Datum der letzten Änderung"),
        _c("illustrative", "Illustrativ", "bool", "ja: erfundene Beispieldaten"),
        _c("contacts", "Kontakte", "json", "Kontakte als JSON-Liste (oder kontakte.csv)"),
        _c("extras", "Weitere Angaben", "json", "übernommene Angaben als JSON-Objekt"),
    ),
    TableKind.OFFERS: (
        _c("id", "ID", "code", "Kennung (Slug); leer: aus dem Namen gebildet"),
        _c("name", "Name", "text", "Titel des Angebots", required=True),
        _c("actor", "Träger", "actor", "ID oder Name des Akteurs", required=True),
        _c("fields", "Handlungsfelder", "fields", "Codes oder Titel der Handlungsfelder"),
        _c("target_groups", "Zielgruppen", "target-groups", "Codes oder Namen der Zielgruppen"),
        _c("eligibility.legal_bases", "Rechtskreise", "codes", "z. B. AsylbLG, SGB II"),
        _c("eligibility.residence_statuses", "Aufenthaltsstatus", "codes", "Codes"),
        _c("eligibility.min_age", "Mindestalter", "int", "Jahre"),
        _c("eligibility.max_age", "Höchstalter", "int", "Jahre"),
        _c("eligibility.note", "Zugang", "text", "Zugangsvoraussetzungen in Worten"),
        _c("languages", "Sprachen", "codes", "ISO-639-1-Codes (de, ar, uk …)"),
        _c("territories", "Gemeinden", "territories", "AGS oder Namen, durch Komma getrennt"),
        *_VENUE,
        _c("schedule", "Termine", "code", "Regel nach RFC 5545 (FREQ=WEEKLY;BYDAY=TU)"),
        _c("start_time", "Beginn", "time", "Uhrzeit des Beginns (16:00)"),
        _c("end_time", "Ende", "time", "Uhrzeit des Endes (18:00)"),
        _c("schedule_note", "Zeiten", "text", "Zeiten in Worten"),
        _c("cost", "Kosten", "money", "Preis in EUR; 0 = kostenlos"),
        _c("cost_note", "Kostenhinweis", "text", "Kosten in Worten"),
        _c("capacity", "Plätze", "int", "Anzahl der Plätze"),
        _c("web", "Web", "code", "Internetadresse (http/https)"),
        _c("description", "Beschreibung", "text", "Beschreibung"),
        _c("valid_from", "Gültig ab", "date", "erster Tag des Angebots"),
        _c("valid_to", "Gültig bis", "date", "letzter Tag des Angebots"),
        _c("last_verified", "Zuletzt geprüft", "date", "Datum der letzten Prüfung"),
        _c("last_changed", "Zuletzt geändert", "date", "Datum der letzten Änderung"),
        _c("illustrative", "Illustrativ", "bool", "ja: erfundene Beispieldaten"),
        _c("contacts", "Kontakte", "json", "Kontakte als JSON-Liste (oder kontakte.csv)"),
        _c("extras", "Weitere Angaben", "json", "übernommene Angaben als JSON-Objekt"),
    ),
    TableKind.CONTACTS: (
        _c("actor", "Akteur", "code", "ID des Akteurs (oder Spalte Angebot)"),
        _c("offer", "Angebot", "code", "ID des Angebots (oder Spalte Akteur)"),
        _c("name", "Ansprechpartner", "text", "Name (oder Funktion)"),
        _c("role", "Funktion", "text", "Funktion oder Rolle"),
        _c("phone", "Telefon", "code", "Telefonnummer"),
        _c("email", "E-Mail", "code", "E-Mail-Adresse"),
        _c("web", "Web", "code", "Internetadresse (http/https)"),
    ),
    TableKind.MEASURES: (
        _c("id", "ID", "code", "Kennung (Slug); leer: aus dem Titel gebildet"),
        _c("title", "Titel", "text", "Kurztitel der Maßnahme", required=True),
        _c("field", "Handlungsfeld", "field", "Code oder Titel des Handlungsfelds", required=True),
        _c("goals", "Ziele", "codes", "IDs der Ziele"),
        _c("description", "Beschreibung", "text", "Beschreibung"),
        _c(
            "status",
            "Status",
            "measure-status",
            "empfohlen, geplant, laufend, abgeschlossen oder eingestellt",
        ),
        _c("status_since", "Status seit", "date", "Datum des Status"),
        _c("history", "Statusverlauf", "history", 'je Zeile "Datum Status: Notiz"'),
        _c("responsible", "Federführung", "actor-ref", "ID oder Name des Akteurs"),
        _c("partners", "Partner", "actor-refs", "IDs oder Namen der Partner"),
        _c("territories", "Gemeinden", "territories", "AGS oder Namen, durch Komma getrennt"),
        _c("timeframe.start", "Beginn", "start", "Beginn der Umsetzung (Datum oder Jahr)"),
        _c("timeframe.end", "Ende", "end", "Ende der Umsetzung (Datum oder Jahr)"),
        _c("funding", "Förderung", "codes", "IDs der Förderungen"),
        _c("indicators", "Kennzahlen", "codes", "IDs der Kennzahlen"),
        _c("capacity", "Plätze", "int", "Anzahl der Plätze"),
        _c("expected_result", "Erwartetes Ergebnis", "text", "in Worten"),
        _c("illustrative", "Illustrativ", "bool", "ja: erfundene Beispieldaten"),
    ),
    TableKind.OBSERVATIONS: (
        _c("indicator", "Kennzahl", "code", "ID der Kennzahl", required=True),
        _c("period", "Zeitraum", "period", "2026, 2026-Q1, SJ2025/26 …", required=True),
        _c("territory", "Gebiet", "territory-or-all", "AGS, Name oder all", required=True),
        _c("value", "Wert", "decimal", "der Wert"),
        _c("numerator", "Zähler", "decimal", "Zähler einer Quote"),
        _c("denominator", "Nenner", "decimal", "Nenner einer Quote"),
        _c("status", "Status", "observation-status", "ok, geheim, gerundet, vorläufig oder fehlt"),
        _c("note", "Hinweis", "text", "Hinweis, z. B. der Grund für einen fehlenden Wert"),
        _c("illustrative", "Illustrativ", "bool", "ja: erfundene Beispieldaten"),
    ),
    TableKind.MEETINGS: (
        _c("id", "ID", "code", "Kennung; leer: Netzwerk und Datum"),
        _c("network", "Netzwerk", "network", "ID oder Name des Netzwerks", required=True),
        _c("date", "Datum", "date", "Datum der Sitzung", required=True),
        _c("participants", "Teilnehmende", "actor-refs", "IDs oder Namen der Akteure"),
        _c("participant_count", "Anzahl", "int", "Zahl der Teilnehmenden"),
        _c("topics", "Themen", "lines", "ein Thema je Zeile"),
        _c("results", "Ergebnisse", "lines", "ein Ergebnis je Zeile"),
        _c("location", "Ort", "text", "Ort der Sitzung"),
        _c("illustrative", "Illustrativ", "bool", "ja: erfundene Beispieldaten"),
    ),
}

#: The columns that may also be given per language, as ``Beschreibung [ar]``: the key of
#: the column and the field of :class:`~kommunale_integration.Translation` it fills.
#:
#: .. versionadded:: 0.1.0
TRANSLATED_COLUMNS: Mapping[TableKind, Mapping[str, str]] = {
    TableKind.ACTORS: {
        "name": "name",
        "description": "description",
        "responsibility": "responsibility",
    },
    TableKind.OFFERS: {
        "name": "name",
        "description": "description",
        "eligibility.note": "eligibility",
        "schedule_note": "schedule_note",
        "cost_note": "cost_note",
    },
}

_LANGUAGE_HEADER = re.compile(r"^(?P<base>.+?)\s*\[\s*(?P<lang>[A-Za-z]{2,3})\s*\]$")


def translated_column(
    kind: TableKind, header: str, lookup: Mapping[str, TableColumn]
) -> TableColumn | None:
    """The column of a header such as ``Beschreibung [ar]``, or ``None``.

    The part before the brackets is any header of a translatable column (see
    :data:`TRANSLATED_COLUMNS`); the language code is read in lower case.
    """
    match = _LANGUAGE_HEADER.match(header)
    translated = TRANSLATED_COLUMNS.get(kind)
    if match is None or translated is None:
        return None
    base = lookup.get(normalise_header(match.group("base")))
    if base is None or base.key not in translated:
        return None
    lang = match.group("lang").lower()
    return TableColumn(
        key=f"translations.{lang}.{translated[base.key]}",
        header=f"{base.header} [{lang}]",
        codec="text",
        description=f"{base.description} ({lang})",
    )


_CLASSES: Mapping[TableKind, type] = {
    TableKind.ACTORS: m.Actor,
    TableKind.OFFERS: m.Offer,
    TableKind.CONTACTS: LinkedContact,
    TableKind.MEASURES: m.Measure,
    TableKind.OBSERVATIONS: m.Observation,
    TableKind.MEETINGS: m.Meeting,
}

_MEASURE_STATUS_LABELS = {
    "empfohlen": "recommended",
    "geplant": "planned",
    "laufend": "ongoing",
    "abgeschlossen": "completed",
    "eingestellt": "discontinued",
}
_OBSERVATION_STATUS_LABELS = {
    "geheim": "suppressed",
    "*": "suppressed",
    "gerundet": "rounded",
    "vorläufig": "provisional",
    "p": "provisional",
    "fehlt": "missing",
    "–": "missing",  # the en dash is the official symbol
    "-": "missing",
}


def normalise_header(text: str) -> str:
    """Headers match ignoring case, surrounding spaces and repeated inner spaces."""
    return " ".join(text.split()).casefold()


def header_lookup(
    kind: TableKind, mapping: Mapping[str, str] | None = None
) -> tuple[dict[str, TableColumn], list[tuple[str, str]]]:
    """Return normalised header → column for *kind*, and the user mappings that are wrong.

    German headers, the attribute keys (``venue.street``) and unambiguous attribute
    names (``street``) are accepted; *mapping* adds headers (``{"Einrichtung":
    "name"}``) whose target is a key or a German header.
    """
    columns = TABLE_COLUMNS[kind]
    lookup: dict[str, TableColumn] = {}
    leaves: dict[str, list[TableColumn]] = {}
    for col in columns:
        lookup[normalise_header(col.header)] = col
        leaves.setdefault(col.key.rsplit(".", 1)[-1], []).append(col)
    for col in columns:
        lookup.setdefault(normalise_header(col.key), col)
    for leaf, cols in leaves.items():
        if len(cols) == 1:
            lookup.setdefault(normalise_header(leaf), cols[0])
    wrong: list[tuple[str, str]] = []
    for header, target in (mapping or {}).items():
        mapped = lookup.get(normalise_header(target))
        if mapped is None:
            wrong.append((header, target))
        else:
            lookup[normalise_header(header)] = mapped
    return lookup, wrong


# --------------------------------------------------------------------------- reading


@attrs.define
class Resolver:
    """Resolves territory names and actor names of table cells (not public API)."""

    territory_names: dict[str, str] = attrs.field(factory=dict)
    actor_ids: set[str] | None = None
    actor_names: dict[str, str] = attrs.field(factory=dict)
    field_titles: dict[str, str] = attrs.field(factory=dict)
    field_ids: set[str] = attrs.field(factory=set)
    network_names: dict[str, str] = attrs.field(factory=dict)
    refused_actors: dict[str, tuple[str, int]] = attrs.field(factory=dict)
    """The file and row of every actor whose row could not be read, by its id and its
    name (normalised): a reference to it is no "unknown actor" but says where it is."""
    catalogue: Callable[[], TerritoryCatalogue | None] | None = None
    """Gives the Gemeindeverzeichnis for names of towns outside the concept: the one the
    concept names in ``territory_catalogue`` (``None`` when it cannot be read); without
    it the shipped one."""

    @classmethod
    def build(
        cls,
        territories: Iterable[m.Territory] = (),
        actors: Iterable[m.Actor] | None = None,
    ) -> Resolver:
        """Build a resolver from the concept's territories and (optionally) actors."""
        names: dict[str, str] = {}
        # A Kreis and its town may share a name (Coesfeld): the municipality wins, and
        # of territories renamed by a boundary reform the one still valid.
        ordered = sorted(territories, key=lambda t: (-len(t.ags), t.valid_to is not None))
        for territory in ordered:
            names.setdefault(normalise_header(territory.name), territory.ags)
        if actors is None:
            return cls(territory_names=names)
        resolver = cls(territory_names=names, actor_ids=set())
        for actor in actors:
            resolver.add_actor(actor.id, actor.name)
        return resolver

    def add_network(self, network_id: str, name: str) -> None:
        """Make the network *network_id* known by its *name* too."""
        self.network_names.setdefault(normalise_header(name), network_id)

    def network(self, text: str) -> str:
        """The id of a network given by id or by name ("Runder Tisch Integration
        Zittau", as a newcomer writes it in the column Netzwerk of sitzungen.csv); as
        with a Handlungsfeld, a text that can be an id is read as the id it is.

        Raises:
            CellError: a text that is neither an id nor the name of a network.
        """
        if is_slug(text):
            return text
        found = self.network_names.get(normalise_header(text))
        if found is None:
            raise CellError("unknown-reference", "unknown-network", found=text)
        return found

    def actor_ref(self, text: str, *, strict: bool = True) -> str:
        """The id of an actor given by id or by name where a measure or a meeting names
        one (Federführung, Partner, Teilnehmende: "Stadt Zittau – Sachgebiet Soziales");
        a text that can be an id is read as the id it is (validation names an unknown
        one). Not *strict* (partners, participants: anyone may take part), a text that
        is neither stays as it is.

        Raises:
            CellError: *strict*, a text that is neither an id nor the name of an actor.
        """
        if is_slug(text):
            return text
        found = self.actor_names.get(normalise_header(text))
        if found is None:
            if not strict:
                return text
            raise self.unknown_actor(text)
        return found

    def refuse_actor(self, values: Mapping[str, Any], file: str, row: int) -> None:
        """Remember the actor of a row of *file* that could not be read (its errors are
        reported), by the id and the name its cells give."""
        for key in ("id", "name"):
            value = values.get(key)
            if isinstance(value, str) and value.strip():
                self.refused_actors.setdefault(normalise_header(value), (file, row))
        name = values.get("name")
        if isinstance(name, str) and not values.get("id") and slugify(name):
            self.refused_actors.setdefault(normalise_header(slugify(name)), (file, row))

    def unknown_actor(self, text: str) -> CellError:
        """The error of a reference *text* to no actor of the concept; for an actor
        whose own row could not be read, it names that row."""
        refused = self.refused_actors.get(normalise_header(text))
        if refused is not None:
            return CellError(
                "unknown-reference", "refused-actor", found=text, table=refused[0], line=refused[1]
            )
        return CellError("unknown-reference", "unknown-actor", found=text)

    def add_field(self, field_id: str, title: str) -> None:
        """Make the Handlungsfeld *field_id* known by its *title* too."""
        self.field_ids.add(field_id)
        self.field_titles.setdefault(normalise_header(title), field_id)

    def field(self, text: str, notes: list[CellError] | None = None) -> str:
        """Return the code of a Handlungsfeld given by code or title (else *text*).

        A text that can be an id (``sprache``, ``H``) is always read as the code it is,
        even when no field has it: only a text an id cannot be (``Sprache und Bildung``)
        is looked up among the titles. So a dangling reference ``h`` written by
        :func:`save_concept` reads back as ``h``, not as the field titled ``H``. When
        such a text is the title of a field, a warning is appended to *notes*.
        """
        if text in self.field_ids:
            return text
        titled = self.field_titles.get(normalise_header(text))
        if not is_slug(text):
            return titled or text
        if titled is not None and notes is not None:
            notes.append(
                CellError(
                    "unknown-reference",
                    "field-title-as-code",
                    severity=Severity.WARNING,
                    found=text,
                    field=titled,
                )
            )
        return text

    def add_actor(self, actor_id: str, name: str) -> None:
        """Make *actor_id* known, also by its *name*."""
        if self.actor_ids is None:
            self.actor_ids = set()
        self.actor_ids.add(actor_id)
        self.actor_names.setdefault(normalise_header(name), actor_id)


class CellError(Exception):
    """A cell could not be read; carries the finding code and message values."""

    def __init__(
        self,
        code: str,
        key: str | None = None,
        *,
        severity: Severity = Severity.ERROR,
        **values: Any,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.key = key or code
        self.severity = severity  # of a note (a repair or a hint), not of a failure
        self.values = values


@attrs.frozen
class TableRows:
    """Raw rows of one table file: the header and the data rows with their row numbers."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    german: bool | None
    header_row: int = 1


@attrs.frozen
class DecodedRow:
    """One successfully read row, with where its cells came from."""

    item: Any
    row: int
    columns: Mapping[str, str]  # key → header as found in the file


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _as_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "ja" if raw else "nein"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime) and raw.time() == datetime.min.time():
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\r\n]", text) if part.strip()]


def _check_spreadsheet_error(text: str) -> None:
    """Refuse a cell that holds a spreadsheet's error value (``#DIV/0!``, ``#NV``): it
    was a formula that failed, not a value; as a name it reached the report."""
    if is_spreadsheet_error(text):
        raise CellError("invalid-value", "spreadsheet-error", found=text.strip())


def _check_characters(text: str) -> None:
    index = unsafe_character(text)
    if index is not None:
        key = "direction-character" if is_direction_control(text[index]) else None
        raise CellError("invalid-character", key, char=character_name(text[index]))


def _decode_int(raw: Any) -> int:
    try:
        return parse_int(raw)
    except ParseError as exc:
        key = "too-many-digits" if exc.key == "too-many-digits" else "invalid-integer"
        raise CellError("invalid-number", key, found=_shown(raw)) from None


def _decode_decimal(raw: Any, german: bool | None) -> Decimal:
    try:
        return parse_decimal(raw, german=german)
    except ParseError as exc:
        raise CellError("invalid-number", exc.key, found=_shown(raw)) from None


def _decode_money(raw: Any, german: bool | None) -> Decimal:
    try:
        return parse_money(raw, german=german)
    except ParseError as exc:
        raise CellError("invalid-number", "invalid-money", found=_shown(raw), problem=exc) from None


def _decode_date(raw: Any) -> date:
    try:
        return parse_date(raw, serials=True)
    except ParseError as exc:
        raise CellError("invalid-date", exc.key, found=_shown(raw)) from None


def _decode_bound(raw: Any, *, end: bool) -> date:
    """The first or last day of a timeframe: a date, or a year as a council paper
    writes it ("2026–2027": Beginn ``2026`` is 01.01.2026, Ende ``2027`` 31.12.2027).
    A year typed into a spreadsheet is the number 2026, not the day 2026 of Excel's
    count (18.07.1905)."""
    text = _as_text(raw).strip()
    if re.fullmatch(r"(19[5-9]\d|2[01]\d\d)", text):
        year = int(text)
        return date(year, 12, 31) if end else date(year, 1, 1)
    return _decode_date(raw)


def _decode_bool(raw: Any) -> bool:
    try:
        return parse_bool(raw.strip() if isinstance(raw, str) else raw)
    except ParseError:
        raise CellError("invalid-value", "invalid-bool", found=_shown(raw)) from None


def _shown(raw: Any) -> str:
    """A cell as quoted in a message (shortened; a workbook date as a date)."""
    text = raw.isoformat(sep=" ") if isinstance(raw, datetime) else _as_text(raw).strip()
    return clip(text, 60)


def _decode_choice(raw: Any, labels: Mapping[str, str], kind: type[enum.Enum]) -> str:
    text = _as_text(raw).strip()
    values = {str(e.value) for e in kind}
    low = text.casefold()
    if low in values:
        return low
    if low in labels:
        return labels[low]
    allowed = ", ".join(sorted(values | {k for k in labels if k.isalpha()}))
    raise CellError("invalid-value", "invalid-choice", found=text, allowed=allowed)


def _decode_territory(
    raw: Any, resolver: Resolver, notes: list[CellError], *, allow_all: bool = False
) -> str:
    text, repaired = repair_ags(raw)
    if is_ags(text):
        if repaired:
            notes.append(
                CellError(
                    "ags-repaired", severity=Severity.INFO, found=_as_text(raw).strip(), ags=text
                )
            )
        return text
    if allow_all and text.casefold() == "all":
        return "all"
    found = resolver.territory_names.get(normalise_header(text))
    if found is None:
        found = _national_name(text, resolver)
    if found is None:
        raise CellError("unknown-territory", found=text)
    return found


def _national_name(text: str, resolver: Resolver) -> str | None:
    """The AGS of a town outside the concept named *text* (a neighbour), if unambiguous.

    The Gemeindeverzeichnis is asked; of several towns of that name the ones in the
    concept's Kreis, then its Land, win (Wettringen next to Rheine is in Kreis Steinfurt).
    """
    from .._territories import territory_catalogue

    if not text.strip() or len(text) > 200:
        return None
    book = territory_catalogue() if resolver.catalogue is None else resolver.catalogue()
    if book is None:
        return None
    near = min(resolver.territory_names.values(), key=len, default="")
    found = book.suggest(text, near=near)
    return found[0].ags if len(found) == 1 else None


def _catalogue_code(text: str, name: str, *, strict: bool = False) -> str:
    """The code of catalogue *name* that *text* gives by code or by label.

    A code of the catalogue (``authority``, ``welfare``) is the code it is; any other
    text is looked up among the labels (``Behörde``, ``Geflüchtete``, and
    ``Wohlfahrtsverband`` or ``Bildungseinrichtung``, which look like codes: the German
    names the refusal below lists); a text that can be a code and is no label stays as
    it is (validation names an unknown code with the nearest one). Unlike a
    Handlungsfeld, whose codes a concept chooses, these catalogues are the library's.
    *strict*: a text that is neither is refused with the codes there are (an actor's
    category must be a code).
    """
    catalogue = shipped_catalogue(name)
    if text in catalogue:
        return text
    code = catalogue.code_of(text)
    if code is not None:
        return code
    if not strict or is_slug(text):
        return text
    raise CellError(
        "invalid-value",
        "unknown-category-label",
        found=text,
        codes=", ".join(f"{entry.code} ({entry.de})" for entry in catalogue.entries),
    )


def _decode_history(raw: Any) -> list[dict[str, Any]]:
    entries = []
    for line in _as_text(raw).splitlines():
        if not line.strip():
            continue
        match = re.fullmatch(r"\s*(\S+)\s+([^\s:]+)(?:: (.*))?", line, flags=re.DOTALL)
        if match is None:
            raise CellError("invalid-value", "invalid-history", found=line)
        day = _decode_date(match.group(1))
        status = _decode_choice(match.group(2), _MEASURE_STATUS_LABELS, m.MeasureStatus)
        entry: dict[str, Any] = {"date": day, "status": status}
        if match.group(3) is not None:
            entry["note"] = match.group(3)
        entries.append(entry)
    return entries


def decode_cell(
    col: TableColumn,
    raw: Any,
    german: bool | None,
    resolver: Resolver,
    notes: list[CellError] | None = None,
) -> Any:
    """Read one non-empty cell with the codec of *col*; raise :class:`CellError`.

    Repairs made on the way (a lost leading zero of an AGS) are appended to *notes*.
    """
    notes = [] if notes is None else notes
    if isinstance(raw, str):
        _check_characters(raw)
        _check_spreadsheet_error(raw)
        raw = unneutralise(raw)
    codec = col.codec
    if codec == "text":
        return _as_text(raw)
    if codec in {"code", "period"}:
        return _as_text(raw).strip()
    if codec == "actor":
        text = _as_text(raw).strip()
        if resolver.actor_ids is None or text in resolver.actor_ids:
            return text
        found = resolver.actor_names.get(normalise_header(text))
        if found is None:
            raise resolver.unknown_actor(text)
        return found
    if codec == "codes":
        return _split(_as_text(raw))
    if codec == "actor-ref":
        return resolver.actor_ref(_as_text(raw).strip())
    if codec == "actor-refs":
        return [resolver.actor_ref(part, strict=False) for part in _split(_as_text(raw))]
    if codec == "network":
        return resolver.network(_as_text(raw).strip())
    if codec == "category":
        return _catalogue_code(_as_text(raw).strip(), "actor_categories", strict=True)
    if codec == "target-groups":
        return [_catalogue_code(part, "target_groups") for part in _split(_as_text(raw))]
    if codec == "field":
        return resolver.field(_as_text(raw).strip(), notes)
    if codec == "fields":
        return [resolver.field(part, notes) for part in _split(_as_text(raw))]
    if codec == "lines":
        return [line for line in _as_text(raw).splitlines() if line.strip()]
    if codec == "date":
        return _decode_date(raw)
    if codec in {"start", "end"}:
        return _decode_bound(raw, end=codec == "end")
    if codec == "time":
        # read by the converter's one time parser (a spreadsheet may give a time)
        return raw if isinstance(raw, time) else _as_text(raw).strip()
    if codec == "decimal":
        return _decode_decimal(raw, german)
    if codec == "money":
        return _decode_money(raw, german)
    if codec == "int":
        return _decode_int(raw)
    if codec == "bool":
        return _decode_bool(raw)
    if codec == "postal":
        text = _as_text(raw).strip()
        if isinstance(raw, int) and not isinstance(raw, bool) and len(text) == 4:
            return "0" + text  # 01067 Dresden became 1067 in Excel
        return text
    if codec == "territory":
        return _decode_territory(raw, resolver, notes)
    if codec == "territory-or-all":
        return _decode_territory(raw, resolver, notes, allow_all=True)
    if codec == "territories":
        parts = [raw] if isinstance(raw, int | float) else _split(_as_text(raw))
        return [_decode_territory(part, resolver, notes) for part in parts]
    if codec == "json":
        # The one JSON reader (parse_json): a number of 5,000 digits, NaN, a duplicate
        # key or nesting too deep is a finding of the cell, not a traceback
        try:
            return parse_json(_as_text(raw))
        except LoadError as error:
            problem = error.findings[0].message
            raise CellError("invalid-value", "invalid-json-cell", problem=problem) from None
    if codec == "history":
        return _decode_history(raw)
    if codec == "measure-status":
        return _decode_choice(raw, _MEASURE_STATUS_LABELS, m.MeasureStatus)
    if codec == "observation-status":
        return _decode_choice(raw, _OBSERVATION_STATUS_LABELS, m.ObservationStatus)
    raise AssertionError(f"unknown codec {codec!r}")  # pragma: no cover - programming error


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    head, _, rest = key.partition(".")
    if rest:
        _set(data.setdefault(head, {}), rest, value)
    else:
        data[head] = value


def _missing_columns(kind: TableKind, found: Collection[str]) -> list[TableColumn]:
    """The required columns of a table of *kind* that the keys *found* lack."""
    missing = [c for c in TABLE_COLUMNS[kind] if c.required and c.key not in found]
    if kind is TableKind.CONTACTS and not {"actor", "offer"} & set(found):
        missing.append(TABLE_COLUMNS[kind][0])
    return missing


#: How far below the first row the column headers are looked for (a title, a date and
#: an empty row above them, as lists kept in Excel often begin).
_HEADER_SEARCH_ROWS: Final = 10


def _headers_further_down(
    kind: TableKind, table: TableRows, lookup: Mapping[str, TableColumn]
) -> int | None:
    """The row that holds the column headers when the first row holds none of the
    required ones (a title such as "Akteursliste, Stand 01.03.2026" above the
    headers): its number, else ``None``."""

    def keys(cells: Sequence[Any]) -> set[str]:
        found = (lookup.get(normalise_header(str(c).strip())) for c in cells if c is not None)
        return {col.key for col in found if col is not None}

    required = _missing_columns(kind, ())
    if len(_missing_columns(kind, keys(table.header))) < len(required):
        return None  # the first row names some required column: it is the header
    for number, cells in table.rows[:_HEADER_SEARCH_ROWS]:
        if not _missing_columns(kind, keys(cells)):
            return number
    return None


def _header_columns(
    kind: TableKind,
    table: TableRows,
    collector: Collector,
    mapping: Mapping[str, str] | None,
) -> tuple[dict[int, TableColumn], dict[int, str], dict[str, str]] | None:
    """Match the header of *table*: cell index → column, index → dimension (observations),
    key → header as found. ``None`` (with findings) when a required column is missing."""
    file = table.file
    lookup, wrong = header_lookup(kind, mapping)
    for header, target in wrong:
        collector.add(
            "invalid-value", "unknown-mapped-column", file=file, header=header, target=target
        )
    if (below := _headers_further_down(kind, table, lookup)) is not None:
        collector.add(
            "missing-column",
            "headers-further-down",
            file=file,
            row=table.header_row,
            found=below,
            first=table.header_row,
        )
        return None
    positions: dict[int, TableColumn] = {}
    dimensions: dict[int, str] = {}
    found_headers: dict[str, str] = {}
    width = max((len(cells) for _, cells in table.rows), default=0)
    headers = list(table.header) + [""] * max(0, width - len(table.header))
    for index, raw_header in enumerate(headers):
        header = raw_header.strip()
        if not header:
            if any(index < len(cells) and not _is_empty(cells[index]) for _, cells in table.rows):
                collector.add(
                    "unknown-column",
                    "unnamed-column",
                    file=file,
                    row=table.header_row,
                    index=index + 1,
                    severity=Severity.WARNING,
                )
            continue
        col = lookup.get(normalise_header(header)) or translated_column(kind, header, lookup)
        if col is None:
            if kind is TableKind.OBSERVATIONS:
                dimensions[index] = header
            else:
                # "Nаme" with a Cyrillic а looks like "Name": say which character it is
                foreign = next((c for c in header if ord(c) > 0x24F), None)
                collector.add(
                    "unknown-column",
                    None if foreign is None else "unknown-column-foreign",
                    file=file,
                    row=table.header_row,
                    column=header,
                    char=f"U+{ord(foreign):04X}" if foreign else "",
                    severity=Severity.WARNING,
                )
            continue
        if col.key in found_headers:
            collector.add(
                "invalid-value", "duplicate-column", file=file, row=table.header_row, column=header
            )
            continue
        positions[index] = col
        found_headers[col.key] = header
    missing = _missing_columns(kind, found_headers.keys())
    for col in missing:
        collector.add("missing-column", file=file, row=table.header_row, column=col.header)
    if missing:
        return None
    return positions, dimensions, found_headers


def decode_rows(
    kind: TableKind,
    table: TableRows,
    collector: Collector,
    resolver: Resolver,
    *,
    mapping: Mapping[str, str] | None = None,
) -> list[DecodedRow]:
    """Turn the raw rows of a table into model objects, collecting every problem."""
    file = table.file
    columns = _header_columns(kind, table, collector, mapping)
    if columns is None:
        return []
    positions, dimensions, found_headers = columns

    german = table.german
    result: list[DecodedRow] = []
    for row_number, cells in table.rows:
        values: dict[str, Any] = {}
        failed: set[str] = set()
        ok = True
        for index, col in positions.items():
            raw = cells[index] if index < len(cells) else None
            if _is_empty(raw):
                continue
            notes: list[CellError] = []
            try:
                values[col.key] = decode_cell(col, raw, german, resolver, notes)
            except CellError as err:
                ok = False
                failed.add(col.key)
                collector.add(
                    err.code,
                    err.key,
                    file=file,
                    row=row_number,
                    column=found_headers[col.key],
                    **err.values,
                )
            for note in notes:
                collector.add(
                    note.code,
                    note.key,
                    file=file,
                    row=row_number,
                    column=found_headers[col.key],
                    severity=note.severity,
                    **note.values,
                )
        for col in TABLE_COLUMNS[kind]:
            if (
                col.required
                and col.key in found_headers
                and col.key not in values
                and col.key not in failed
            ):
                ok = False
                collector.add(
                    "missing-value", file=file, row=row_number, column=found_headers[col.key]
                )
        if not ok:
            if kind is TableKind.ACTORS:
                resolver.refuse_actor(values, file, row_number)
            continue
        dims = {
            name: unneutralise(_as_text(cells[index])).strip()
            for index, name in dimensions.items()
            if index < len(cells) and not _is_empty(cells[index])
        }
        if not _dimensions_readable(dims, file, row_number, collector):
            continue
        item = _build(
            kind,
            values=values,
            dims=dims,
            file=file,
            row=row_number,
            headers=found_headers,
            collector=collector,
        )
        if item is not None:
            result.append(DecodedRow(item=item, row=row_number, columns=found_headers))
        elif kind is TableKind.ACTORS:
            resolver.refuse_actor(values, file, row_number)
    return result


def _dimensions_readable(
    dims: Mapping[str, str], file: str, row: int, collector: Collector
) -> bool:
    """Whether every dimension value can be written by every output (else a finding)."""
    ok = True
    for name, value in dims.items():
        try:
            _check_characters(value)
        except CellError as err:
            ok = False
            collector.add("invalid-value", err.key, file=file, row=row, column=name, **err.values)
    return ok


def _build(
    kind: TableKind,
    *,
    values: dict[str, Any],
    dims: dict[str, str],
    file: str,
    row: int,
    headers: Mapping[str, str],
    collector: Collector,
) -> Any:
    values = dict(values)
    if kind is TableKind.MEASURES:
        history = list(values.pop("history", []))
        status = values.pop("status", None)
        since = values.pop("status_since", None)
        if status is not None:
            if since is None:
                collector.add(
                    "missing-value",
                    "missing-status-date",
                    file=file,
                    row=row,
                    column=headers.get("status_since", "Status seit"),
                )
                return None
            history.append({"date": since, "status": status})
        if history:
            values["history"] = history
    if kind is TableKind.OBSERVATIONS and dims:
        values["disaggregation"] = dims
    if "id" in TABLE_COLUMNS[kind][0].key and "id" not in values:
        derived = _derive_id(kind, values)
        if not derived:
            collector.add("missing-value", file=file, row=row, column=headers.get("id", "ID"))
            return None
        values["id"] = derived
    data: dict[str, Any] = {}
    for key, value in values.items():
        _set(data, key, value)
    if kind is TableKind.CONTACTS:
        actor, offer = data.pop("actor", None), data.pop("offer", None)
        if (actor is None) == (offer is None):
            collector.add(
                "missing-value",
                "missing-owner",
                file=file,
                row=row,
                actor=headers.get("actor", "Akteur"),
                offer=headers.get("offer", "Angebot"),
            )
            return None
        contact = _structure(
            data, m.Contact, file=file, row=row, headers=headers, collector=collector
        )
        return None if contact is None else LinkedContact(contact=contact, actor=actor, offer=offer)
    return _structure(
        data, _CLASSES[kind], file=file, row=row, headers=headers, collector=collector
    )


def _derive_id(kind: TableKind, values: Mapping[str, Any]) -> str:
    if kind is TableKind.MEETINGS:
        day = values.get("date")
        network = values.get("network", "")
        return f"{network}-{day.isoformat()}" if isinstance(day, date) and network else ""
    return slugify(str(values.get("name") or values.get("title") or ""))


def _structure(
    data: dict[str, Any],
    cls: type,
    *,
    file: str,
    row: int,
    headers: Mapping[str, str],
    collector: Collector,
) -> Any:
    try:
        return structure(data, cls)
    except LoadError as error:
        for finding in error.findings:
            path = finding.location.path or ""
            column = _column_of(path, headers)
            collector.extend(
                [
                    attrs.evolve(
                        finding,
                        location=attrs.evolve(
                            finding.location, file=file, row=row, column=column, path=None
                        ),
                    )
                ]
            )
        return None


def _column_of(path: str, headers: Mapping[str, str]) -> str | None:
    if path.startswith("history"):
        return headers.get("history") or headers.get("status")
    best: str | None = None
    best_len = -1
    for key, header in headers.items():
        if (path == key or path.startswith((key + ".", key + "["))) and len(key) > best_len:
            best, best_len = header, len(key)
    if best is None:
        # a whole nested object failed (e.g. venue): name the first of its columns
        for key, header in headers.items():
            if path and key.startswith(path + "."):
                return header
    return best


# --------------------------------------------------------------------------- writing


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _format_date(day: date, german: bool, typed: bool) -> Any:
    if typed:
        return day
    return day.strftime("%d.%m.%Y") if german else day.isoformat()


def _format_decimal(value: Decimal, german: bool, typed: bool) -> Any:
    text = format(value, "f")
    if typed:
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else text
    return text.replace(".", ",") if german else text


def encode_cell(col: TableColumn, value: Any, *, german: bool, typed: bool) -> Any:
    """Write one value with the codec of *col*: text for CSV, typed values for XLSX."""
    codec = col.codec
    if value is None or value in ((), []):
        return None
    if codec in {"codes", "territories", "fields", "target-groups", "actor-refs"}:
        return neutralise(", ".join(value))
    if codec == "lines":
        return neutralise("\n".join(value))
    if codec in {"date", "start", "end"}:
        return _format_date(value, german, typed)
    if codec == "time":
        return value.strftime("%H:%M")
    if codec in {"decimal", "money"}:
        return _format_decimal(value, german, typed)
    if codec == "int":
        return value if typed else str(value)
    if codec == "bool":
        return "ja" if value else "nein"
    if codec == "json":
        plain = dict(value) if col.key == "extras" else unstructure(value)
        return neutralise(json.dumps(plain, ensure_ascii=False))
    if codec in {"measure-status", "observation-status", "period"}:
        return str(value)
    if codec == "history":
        lines = []
        for change in value:
            line = f"{_format_date(change.date, german, False)} {change.status.value}"
            if change.note is not None:
                line += f": {change.note}"
            lines.append(line)
        return neutralise("\n".join(lines))
    return neutralise(str(value))


def _row_values(kind: TableKind, item: Any) -> dict[str, Any]:
    if kind is TableKind.CONTACTS:
        values = {key: _get(item.contact, key) for key in ("name", "role", "phone", "email", "web")}
        values.update(actor=item.actor, offer=item.offer)
        return values
    values = {
        col.key: _get(item, col.key)
        for col in TABLE_COLUMNS[kind]
        if kind is not TableKind.MEASURES or col.key not in {"status", "status_since", "history"}
    }
    if kind is TableKind.MEASURES:
        history = item.history
        if len(history) == 1 and history[0].note is None:
            values["status"] = history[0].status
            values["status_since"] = history[0].date
        else:
            values["history"] = history
    return values


def encode_rows(
    kind: TableKind, items: Sequence[Any], *, german: bool, typed: bool
) -> tuple[list[str], list[list[Any]]]:
    """Return the header and the cell rows for *items* of table *kind*.

    Columns that are empty in every row are left out, except required ones.
    """
    cls = _CLASSES[kind]
    for item in items:
        if not isinstance(item, cls):
            raise TypeError(f"a {kind.value} table holds {cls.__name__} objects, got {item!r}")
    rows = [_row_values(kind, item) for item in items]
    defaults = _defaults(kind)
    columns = [
        col
        for col in TABLE_COLUMNS[kind]
        if col.required
        or (kind is TableKind.CONTACTS and col.key in {"actor", "offer"})
        or any(_worth_writing(r.get(col.key), defaults.get(col.key)) for r in rows)
    ]
    dims: list[str] = []
    if kind is TableKind.OBSERVATIONS:
        dims = sorted({k for item in items for k, _ in item.disaggregation})
        lookup, _ = header_lookup(kind)
        clash = [d for d in dims if normalise_header(d) in lookup]
        if clash:
            raise OutputError(
                ntr(
                    "the dimension {names} has the name of a column of the observations "
                    "table; rename the dimension",
                    "the dimensions {names} have the name of a column of the observations "
                    "table; rename the dimensions",
                    len(clash),
                    names=", ".join(clash),
                )
            )
    translated = _translation_columns(kind, items)
    for col, lang, field in translated:
        columns.append(col)
        for item, values in zip(items, rows, strict=True):
            values[col.key] = getattr(item.translation(lang), field)
    header = [col.header for col in columns] + dims
    cells: list[list[Any]] = []
    for item, values in zip(items, rows, strict=True):
        line = [
            encode_cell(col, values.get(col.key), german=german, typed=typed) for col in columns
        ]
        if dims:
            pairs = dict(item.disaggregation)
            line += [neutralise(pairs[d]) if d in pairs else None for d in dims]
        cells.append(line)
    return header, cells


def _translation_columns(
    kind: TableKind, items: Sequence[Any]
) -> list[tuple[TableColumn, str, str]]:
    """``(column, language, field)`` of every translated text some item has."""
    translated = TRANSLATED_COLUMNS.get(kind)
    if not translated:
        return []
    lookup, _ = header_lookup(kind)
    languages = sorted({code for item in items for code, _ in item.translations})
    found: list[tuple[TableColumn, str, str]] = []
    for lang in languages:
        for key, field in translated.items():
            if any(getattr(item.translation(lang), field) for item in items):
                base = next(c for c in TABLE_COLUMNS[kind] if c.key == key)
                col = translated_column(kind, f"{base.header} [{lang}]", lookup)
                assert col is not None  # built from a translatable header
                found.append((col, lang, field))
    return found


def _defaults(kind: TableKind) -> dict[str, Any]:
    cls = _CLASSES[kind]
    if cls is LinkedContact:
        return {}
    result: dict[str, Any] = {}
    for field in attrs.fields(cls):
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            continue
        if default is not attrs.NOTHING:
            result[field.name] = default
    return result


def _worth_writing(value: Any, default: Any) -> bool:
    if value is None or value in ((), []):
        return False
    return not (isinstance(value, bool) and value is False and default is False)
