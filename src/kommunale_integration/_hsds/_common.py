"""What export and import of Open Referral HSDS 3.0 share: identifiers, taxonomies, nesting.

Identifiers: HSDS wants UUIDs, the model uses slugs. Every HSDS id written is a UUID
version 5 derived from the slug (or from the owner's id and a role) in the fixed
namespace :data:`NAMESPACE`, so an export is reproducible byte for byte. The slugs
themselves travel in ``attribute`` rows of the project taxonomy (:data:`KI_TAXONOMY`).
"""

from __future__ import annotations

import uuid
from typing import Any, Final

__all__ = [
    "CHILDREN",
    "FIELD_TAXONOMY",
    "KI_TAXONOMY",
    "LAND_NAMES",
    "LANGUAGE_NAMES",
    "NAMESPACE",
    "PARENTS",
    "TARGET_GROUP_TAXONOMY",
    "Record",
    "Tables",
    "hsds_uuid",
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


def children_of(entity: str) -> tuple[tuple[str, str, str], ...]:
    """Return the nested arrays of *entity* (every entity has attributes and metadata)."""
    return CHILDREN.get(entity, (_ATTRS, _META))


def hsds_uuid(*parts: str) -> str:
    """Return the deterministic UUID (version 5) for *parts* in :data:`NAMESPACE`."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))
