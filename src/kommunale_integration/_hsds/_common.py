"""What export and import of Open Referral HSDS 3.0 share: identifiers, taxonomies, nesting.

Identifiers: HSDS wants UUIDs, the model uses slugs. Every HSDS id written is a UUID
version 5 derived from the slug (or from the owner's id and a role) in the fixed
namespace :data:`NAMESPACE`, so an export is reproducible byte for byte. The slugs
themselves travel in ``attribute`` rows of the project taxonomy (:data:`KI_TAXONOMY`).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from .._errors import Finding, Location, Severity
from .._i18n import tr

__all__ = [
    "CHILDREN",
    "DERIVED",
    "FIELD_TAXONOMY",
    "ID_KEY",
    "KI_TAXONOMY",
    "LAND_NAMES",
    "LANGUAGE_NAMES",
    "LINK_COLUMNS",
    "NAMESPACE",
    "PARENTS",
    "RECORD_KEY",
    "SPELLINGS",
    "TARGET_GROUP_TAXONOMY",
    "Record",
    "Tables",
    "address_id",
    "at_id",
    "at_key",
    "clock_of",
    "clock_text",
    "contact_id",
    "cost_id",
    "currency_text",
    "decimal_of",
    "empty",
    "hsds_uuid",
    "join_path",
    "json_text",
    "language_id",
    "phone_id",
    "phone_text",
    "rrule_fields",
    "schedule_id",
    "shorten",
    "text_of",
    "unreadable",
    "venue_id",
    "with_path",
]

#: The fixed UUID namespace of this project: ``uuid5(NAMESPACE_URL, <project url>/hsds)``.
NAMESPACE: Final = uuid.UUID("e0498269-6373-52c6-a097-db7d5a200726")

#: Taxonomy of model attributes that HSDS lacks (slugs, category, volunteer flag …).
KI_TAXONOMY: Final = "kommunale-integration"
#: Taxonomy of the Handlungsfelder.
FIELD_TAXONOMY: Final = "kommunale-integration-handlungsfelder"
#: Taxonomy of the Zielgruppen.
TARGET_GROUP_TAXONOMY: Final = "kommunale-integration-zielgruppen"

TAXONOMY_DESCRIPTIONS: Final = {
    KI_TAXONOMY: (
        "Angaben des Modells kommunale-integration ohne eigenes HSDS-Feld "
        "(Kennungen, Kategorie, Ehrenamt, Einzugsgebiet …)."
    ),
    FIELD_TAXONOMY: "Handlungsfelder des Integrationskonzepts.",
    TARGET_GROUP_TAXONOMY: "Zielgruppen des Integrationskonzepts.",
}

#: Names of the project taxonomy's terms (code -> description).
KI_TERMS: Final = {
    "id": "Kennung (Slug) im Integrationskonzept",
    "actor": "Kennung des Trägers",
    "category": "Kategorie des Akteurs",
    "parent": "Kennung der Dachorganisation",
    "volunteer": "Ehrenamtliche Initiative",
    "territory": "AGS eines Gebiets im Einzugsgebiet",
    "responsibility": "Zuständigkeit",
    "staff": "Personalstelle (JSON)",
    "founded": "Gründungsdatum",
    "last_verified": "Zuletzt geprüft",
    "last_changed": "Zuletzt geändert",
    "illustrative": "Beispielwert",
    "legal_basis": "Rechtskreis (Zugangsvoraussetzung)",
    "residence_status": "Aufenthaltsstatus (Zugangsvoraussetzung)",
    "capacity": "Anzahl der Plätze",
    "web": "Webadresse des Kontakts",
    "municipality": "AGS der Gemeinde des Orts",
    "street": "Straße und Hausnummer (unvollständige Anschrift)",
    "postal_code": "Postleitzahl (unvollständige Anschrift)",
    "city": "Ort (unvollständige Anschrift)",
    "stand_in": "Ersatzwert für ein von HSDS verlangtes Feld (Beschreibung = Name)",
    "rrule": "Terminregel nach RFC 5545 (RRULE)",
    "extra": "Importierter Wert ohne Feld im Modell (JSON)",
    "translations": "Übersetzte Texte (JSON: Sprachcode -> Texte)",
}

#: Land names by the first two digits of the AGS (for ``address.state_province``).
LAND_NAMES: Final = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

#: German names of common languages by ISO 639-1 code (for ``language.name``).
LANGUAGE_NAMES: Final = {
    "ar": "Arabisch",
    "bg": "Bulgarisch",
    "ckb": "Sorani",
    "de": "Deutsch",
    "el": "Griechisch",
    "en": "Englisch",
    "es": "Spanisch",
    "fa": "Persisch",
    "fr": "Französisch",
    "hr": "Kroatisch",
    "it": "Italienisch",
    "ku": "Kurdisch",
    "pl": "Polnisch",
    "ps": "Paschtu",
    "pt": "Portugiesisch",
    "ro": "Rumänisch",
    "ru": "Russisch",
    "sq": "Albanisch",
    "sr": "Serbisch",
    "so": "Somali",
    "ti": "Tigrinya",
    "tr": "Türkisch",
    "uk": "Ukrainisch",
    "ur": "Urdu",
    "vi": "Vietnamesisch",
}

#: One HSDS record (a table row or a JSON object without its nested objects).
Record = dict[str, Any]
#: Records by entity name and id, in the order they were read or made.
Tables = dict[str, dict[str, Record]]

_ATTRS: Final = ("attributes", "attribute", "link_id")
_META: Final = ("metadata", "metadata", "resource_id")

#: Nested arrays: entity -> ((key, child entity, the child's column naming the parent), …).
CHILDREN: Final[dict[str, tuple[tuple[str, str, str], ...]]] = {
    "organization": (
        ("contacts", "contact", "organization_id"),
        ("phones", "phone", "organization_id"),
        ("locations", "location", "organization_id"),
        ("programs", "program", "organization_id"),
        ("organization_identifiers", "organization_identifier", "organization_id"),
        ("funding", "funding", "organization_id"),
        ("services", "service", "organization_id"),
        _ATTRS,
        _META,
    ),
    "service": (
        ("phones", "phone", "service_id"),
        ("schedules", "schedule", "service_id"),
        ("service_areas", "service_area", "service_id"),
        ("service_at_locations", "service_at_location", "service_id"),
        ("languages", "language", "service_id"),
        ("funding", "funding", "service_id"),
        ("cost_options", "cost_option", "service_id"),
        ("required_documents", "required_document", "service_id"),
        ("contacts", "contact", "service_id"),
        _ATTRS,
        _META,
    ),
    "service_at_location": (
        ("contacts", "contact", "service_at_location_id"),
        ("phones", "phone", "service_at_location_id"),
        ("schedules", "schedule", "service_at_location_id"),
        _ATTRS,
        _META,
    ),
    "location": (
        ("languages", "language", "location_id"),
        ("addresses", "address", "location_id"),
        ("contacts", "contact", "location_id"),
        ("accessibility", "accessibility", "location_id"),
        ("phones", "phone", "location_id"),
        ("schedules", "schedule", "location_id"),
        _ATTRS,
        _META,
    ),
    "contact": (("phones", "phone", "contact_id"), _ATTRS, _META),
    "phone": (("languages", "language", "phone_id"), _ATTRS, _META),
}

#: Nested single objects: entity -> ((key, entity of the object, this record's column), …).
PARENTS: Final[dict[str, tuple[tuple[str, str, str], ...]]] = {
    "service": (
        ("organization", "organization", "organization_id"),
        ("program", "program", "program_id"),
    ),
    "service_at_location": (
        ("location", "location", "location_id"),
        ("service", "service", "service_id"),
    ),
    "attribute": (("taxonomy_term", "taxonomy_term", "taxonomy_term_id"),),
    "taxonomy_term": (("taxonomy_detail", "taxonomy", "taxonomy_id"),),
}


#: The columns of a record that link it to another record.
LINK_COLUMNS: Final = (
    "organization_id",
    "service_id",
    "service_at_location_id",
    "location_id",
    "contact_id",
    "phone_id",
)


# ---------------------------------------------------------------------- carried data
#
# What the model cannot hold natively travels in the ``extras`` of an actor or offer
# and is written back by the export into its own table and field:
#
# * ``<entity>[<id>]`` -> a whole HSDS record (JSON), written back into its table;
# * ``<entity>[<id>].<field>`` -> one field of a record the export writes itself (a
#   phone's extension, a location's coordinates …), written back into that field;
# * ``<field>`` -> a field of the organization or service itself (``alternate_name`` …);
# * ``hsds-id:<derived id>`` -> the original id of a part (see the id functions below).

#: ``<entity>[<id>]`` and ``<entity>[<id>].<field>`` keys of carried data.
RECORD_KEY: Final = re.compile(r"([a-z_]+)\[([^\[\]]+)\](?:\.([a-z_]+))?")

#: Fields the export fills with a default of its own (the model does not hold them): a
#: carried value replaces the default.
DERIVED: Final = frozenset(
    {
        ("service", "status"),
        ("location", "location_type"),
        ("address", "state_province"),
        ("address", "country"),
        ("address", "address_type"),
        ("language", "name"),
        ("schedule", "dtstart"),
    }
)


def phone_text(value: Any) -> str | None:
    """A phone number as the model holds it: without surrounding quotes or blanks."""
    if empty(value):
        return None
    return text_of(value).strip().strip('"').strip("'").strip() or None


def clock_of(value: Any) -> time | None:
    """A time of day from HSDS (``16:00``, ``16:00:00``); ``None`` when it is none."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def clock_text(value: Any) -> str | None:
    """A time of day as the export writes it (``16:00:00``); ``None`` when it is none."""
    clock = clock_of(value)
    return None if clock is None else clock.isoformat()


def currency_text(value: Any) -> str | None:
    """A currency code as the model compares it (``EUR``)."""
    return None if empty(value) else text_of(value).upper()


#: Fields the model holds in a normalised spelling (a phone number without quotes,
#: ``10:00`` as ``10:00:00``, the currency ``eur`` as ``EUR``): the import carries the
#: original spelling, and the export writes it back while it still spells the model's
#: value.
SPELLINGS: Final = {
    ("phone", "number"): phone_text,
    ("schedule", "opens_at"): clock_text,
    ("schedule", "closes_at"): clock_text,
    ("cost_option", "currency"): currency_text,
}


def children_of(entity: str) -> tuple[tuple[str, str, str], ...]:
    """Return the nested arrays of *entity* (every entity has attributes and metadata)."""
    return CHILDREN.get(entity, (_ATTRS, _META))


def hsds_uuid(*parts: str) -> str:
    """Return the deterministic UUID (version 5) for *parts* in :data:`NAMESPACE`."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


_RRULE_PARTS: Final = {
    "FREQ": "freq",
    "INTERVAL": "interval",
    "COUNT": "count",
    "UNTIL": "until",
    "WKST": "wkst",
    "BYDAY": "byday",
    "BYWEEKNO": "byweekno",
    "BYMONTHDAY": "bymonthday",
    "BYYEARDAY": "byyearday",
}
_NUMBER_PARTS: Final = frozenset({"INTERVAL", "COUNT"})


def rrule_fields(rule: str | None) -> Record:
    """Split an RRULE into HSDS schedule fields; empty when HSDS cannot express it.

    HSDS knows only ``WEEKLY`` and ``MONTHLY`` and a subset of the rule parts; a rule
    using anything else is kept only as the ``rrule`` attribute.
    """
    if not rule:
        return {}
    parts: dict[str, str] = {}
    for item in rule.removeprefix("RRULE:").split(";"):
        key, sep, value = item.partition("=")
        if not sep:
            return {}
        parts[key.strip().upper()] = value.strip()
    if parts.get("FREQ") not in ("WEEKLY", "MONTHLY") or not set(parts) <= set(_RRULE_PARTS):
        return {}
    fields: Record = {}
    for key, value in parts.items():
        if key in _NUMBER_PARTS:
            if not value.isdigit():
                return {}
            fields[_RRULE_PARTS[key]] = int(value)
        elif key == "UNTIL":
            if not re.fullmatch(r"[0-9]{8}", value):
                return {}
            fields["until"] = f"{value[:4]}-{value[4:6]}-{value[6:]}"
        else:
            fields[_RRULE_PARTS[key]] = value
    return fields


def empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def text_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else json_text(value)


def json_text(value: Any) -> str:
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=json_default
    )


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):  # a number read from CSV: written as JSON reads it
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def join_path(path: str | None, key: str) -> str:
    return f"{path}.{key}" if path else key


def with_path(where: Location, path: str) -> Location:
    return Location(file=where.file, row=where.row, column=where.column, path=path)


def at_key(where: Location, key: str) -> Location:
    if where.row is not None:
        return Location(file=where.file, row=where.row, column=key, path=where.path)
    return with_path(where, join_path(where.path, key))


def unreadable(path: Path, why: str) -> Finding:
    return Finding(
        code="hsds-unreadable",
        severity=Severity.ERROR,
        message=tr("cannot read HSDS data from {path}: {problem}", path=path, problem=why),
        location=Location(file=str(path)),
    )


def decimal_of(value: Any) -> Decimal | None:
    if isinstance(value, bool) or empty(value):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


#: Longest foreign value quoted in a message of the import (ids, field values).
QUOTE_LIMIT: Final = 60


def shorten(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """*value* as text for a message, cut to *limit* characters (``…`` marks a cut).

    Messages of the import quote single ids and values of the foreign data, never a
    whole record, and never more than *limit* characters of one.
    """
    text = value if isinstance(value, str) else json_text(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------- ids of parts
#
# The export derives the id of every part of an actor or offer (its place, address,
# contacts, phones, languages, schedule, price, service-at-location) from the owner's id.
# These functions are the one place of that derivation: the export writes these ids, and
# the import compares a foreign record's id with the id the export would write, so that
# a foreign id can be kept (``ID_KEY``) and written back instead.

#: Extras key prefix: ``hsds-id:<id the export derives>`` holds the original HSDS id.
ID_KEY: Final = "hsds-id:"


def venue_id(owner_id: str) -> str:
    """The id of the ``location`` of an actor's or offer's venue."""
    return hsds_uuid(owner_id, "venue")


def address_id(location_id: str) -> str:
    """The id of the ``address`` of a venue's location."""
    return hsds_uuid(location_id, "address")


def contact_id(owner_id: str, n: int) -> str:
    """The id of the *n*-th ``contact`` of an actor or offer."""
    return hsds_uuid(owner_id, "contact", str(n))


def phone_id(contact: str) -> str:
    """The id of the ``phone`` of a contact."""
    return hsds_uuid(contact, "phone")


def language_id(service_id: str, n: int) -> str:
    """The id of the *n*-th ``language`` of an offer."""
    return hsds_uuid(service_id, "language", str(n))


def schedule_id(service_id: str) -> str:
    """The id of the ``schedule`` of an offer."""
    return hsds_uuid(service_id, "schedule")


def cost_id(service_id: str) -> str:
    """The id of the ``cost_option`` of an offer."""
    return hsds_uuid(service_id, "cost")


def at_id(service_id: str, location_id: str) -> str:
    """The id of the ``service_at_location`` of an offer and its venue."""
    return hsds_uuid(service_id, "at", location_id)
