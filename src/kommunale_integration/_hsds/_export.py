"""Export of actors and offers to Open Referral HSDS 3.0 (JSON documents and tabular package).

Mapping (model -> HSDS):

* :class:`~kommunale_integration.Actor` -> ``organization`` (name, description, website,
  ``year_incorporated`` from ``founded``, ``parent_organization_id``) with its contacts
  (``contact`` + ``phone``) and its venue (``location`` + ``address``);
* :class:`~kommunale_integration.Offer` -> ``service`` (name, description, url,
  ``eligibility_description``, ``minimum_age``/``maximum_age``, ``assured_date`` from
  ``last_verified``) with ``language`` rows, a ``schedule`` (RRULE parts, times in words
  as description, validity as ``valid_from``/``valid_to``), a ``cost_option`` (EUR),
  contacts and its venue as ``location`` linked through ``service_at_location``;
* Handlungsfelder and Zielgruppen -> ``taxonomy_term`` rows of two project taxonomies,
  linked to organizations and services through ``attribute`` rows;
* everything HSDS has no field for (slugs, category, volunteer flag, territories, staff,
  legal bases, capacity, the exact RRULE, imported extras …) -> ``attribute`` rows of the
  project taxonomy ``kommunale-integration``, so that an import restores the objects;
* data an import carried (see :mod:`._common`) -> back into its own table and field:
  whole records into their tables, fields into their records, original ids instead of
  the derived ones (:meth:`_Builder.keep_ids`, :meth:`_Builder.write_back`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from .. import _model as m
from .._converter import unstructure
from .._errors import KommunaleIntegrationError, OutputError
from .._i18n import tr
from .._io import StrPath, atomic_directory
from .._parse import neutralise
from ._common import (
    DERIVED,
    FIELD_TAXONOMY,
    ID_KEY,
    KI_TAXONOMY,
    KI_TERMS,
    LAND_NAMES,
    LANGUAGE_NAMES,
    LINK_COLUMNS,
    PARENTS,
    RECORD_KEY,
    SPELLINGS,
    TARGET_GROUP_TAXONOMY,
    TAXONOMY_DESCRIPTIONS,
    Record,
    Tables,
    address_id,
    at_id,
    children_of,
    contact_id,
    cost_id,
    decimal_of,
    hsds_uuid,
    language_id,
    phone_id,
    rrule_fields,
    schedule_id,
    text_of,
    venue_id,
)
from ._spec import HSDS_VERSION, TABLES, Field

__all__ = ["EXPORT_TABLES", "concept_tables", "export_hsds", "hsds_id"]

Form = Literal["json", "tabular", "both"]

#: The tables an export writes (always, header-only when empty), in package order.
EXPORT_TABLES: Final = (
    "organization",
    "service",
    "attribute",
    "service_at_location",
    "location",
    "phone",
    "contact",
    "address",
    "schedule",
    "language",
    "taxonomy_term",
    "cost_option",
    "taxonomy",
)

_KEEP_SIGN_COLUMNS: Final = frozenset({("phone", "number")})


def hsds_id(kind: str, slug: str, extras: Iterable[tuple[str, str]] = ()) -> str:
    """Return the HSDS id of an actor or offer: an imported UUID kept in extras, else UUIDv5."""
    for key, value in extras:
        if key == "id" and _is_uuid(value):
            return value
    return hsds_uuid(kind, slug)


def _is_uuid(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", text))


class _Builder:
    def __init__(self, concept: m.Concept) -> None:
        self.concept = concept
        self.tables: Tables = {name: {} for name in EXPORT_TABLES}
        self.actor_ids = {a.id: hsds_id("actor", a.id, a.extras) for a in concept.actors}
        self.exported_ids = set(self.actor_ids.values()) | {
            hsds_id("offer", o.id, o.extras) for o in concept.offers
        }
        self._labels: dict[str, dict[str, tuple[str, str | None]]] = {}
        #: derived id -> HSDS id kept by an import (extras ``hsds-id:…``)
        self.renames: dict[str, str] = {}
        #: carried data: (entity and id of the actor's or offer's record, key, value)
        self.carried: list[tuple[str, str, str, str]] = []
        #: carried fields of parts: (entity, id) -> field -> value
        self.carried_fields: dict[tuple[str, str], dict[str, str]] = {}

    # ------------------------------------------------------------------ helpers

    def keep_ids(self) -> None:
        """Write the kept HSDS ids of imported parts instead of the derived ones.

        Parts of several actors and offers that were one HSDS record (a location of an
        organization and of its service) become that one record again, when they agree
        in every field both have; a part that no longer agrees keeps its derived id. An
        id is never taken over from a record of another kind of part.
        """
        taken = {record_id for table in self.tables.values() for record_id in table}
        renames = {d: o for d, o in self.renames.items() if d in taken and o not in taken}
        for table in self.tables.values():  # first: which parts disagree
            first: dict[str, Record] = {}
            for record_id, record in table.items():
                target = renames.get(record_id)
                if target is None:
                    continue
                renamed = _renamed(record, renames)
                if target not in first:
                    first[target] = renamed
                elif not _agree(first[target], renamed):
                    del renames[record_id]
        if not renames:
            return
        for entity, table in self.tables.items():
            merged: dict[str, Record] = {}
            for record in table.values():
                renamed = _renamed(record, renames)
                existing = merged.get(renamed["id"])
                if existing is None:
                    merged[renamed["id"]] = renamed
                else:
                    for key, value in renamed.items():
                        existing.setdefault(key, value)
            self.tables[entity] = merged
        seen: set[tuple[Any, ...]] = set()
        for attribute_id, attribute in list(self.tables["attribute"].items()):
            same = tuple(attribute.get(k) for k in ("link_id", "taxonomy_term_id", "value"))
            if same in seen:  # the same project value of a part written once
                del self.tables["attribute"][attribute_id]
            seen.add(same)

    def add(self, entity: str, record: Record) -> Record:
        clean = {k: v for k, v in record.items() if v is not None}
        self.tables[entity][clean["id"]] = clean
        return clean

    def taxonomy(self, name: str) -> str:
        tax_id = hsds_uuid("taxonomy", name)
        if tax_id not in self.tables["taxonomy"]:
            self.add(
                "taxonomy",
                {
                    "id": tax_id,
                    "name": name,
                    "description": TAXONOMY_DESCRIPTIONS[name],
                    "version": "1",
                },
            )
        return tax_id

    def term(self, taxonomy: str, code: str) -> str:
        term_id = hsds_uuid("term", taxonomy, code)
        if term_id not in self.tables["taxonomy_term"]:
            name, description = self.label(taxonomy, code)
            self.add(
                "taxonomy_term",
                {
                    "id": term_id,
                    "code": code,
                    "name": name,
                    "description": description or name,
                    "taxonomy": taxonomy,
                    "taxonomy_id": self.taxonomy(taxonomy),
                    "language": "de",
                },
            )
        return term_id

    def label(self, taxonomy: str, code: str) -> tuple[str, str | None]:
        if taxonomy == KI_TAXONOMY:
            return code, KI_TERMS[code]
        if taxonomy not in self._labels:
            labels: dict[str, tuple[str, str | None]] = {}
            catalogue = "fields" if taxonomy == FIELD_TAXONOMY else "target_groups"
            try:
                from .._catalogues import load_catalogue

                for entry in load_catalogue(catalogue).entries:
                    labels[entry.code] = (entry.de, None)
            except KommunaleIntegrationError:  # pragma: no cover - shipped catalogue
                pass
            if taxonomy == FIELD_TAXONOMY:
                for item in self.concept.fields:
                    labels[item.id] = (item.title, item.description)
            self._labels[taxonomy] = labels
        return self._labels[taxonomy].get(code, (code, None))

    def attribute(  # noqa: PLR0917 - one row's parts
        self, entity: str, link_id: str, taxonomy: str, code: str, value: str | None, n: int
    ) -> None:
        link_type = {
            FIELD_TAXONOMY: "field_of_action",
            TARGET_GROUP_TAXONOMY: "target_group",
        }.get(taxonomy, KI_TAXONOMY)
        self.add(
            "attribute",
            {
                "id": hsds_uuid(link_id, "attribute", taxonomy, code, str(n)),
                "link_id": link_id,
                "taxonomy_term_id": self.term(taxonomy, code),
                "link_type": link_type,
                "link_entity": entity,
                "value": value,
            },
        )

    def ki(self, entity: str, link_id: str, code: str, values: Iterable[str | None]) -> None:
        for n, value in enumerate(values):
            if value is not None:
                self.attribute(entity, link_id, KI_TAXONOMY, code, value, n)

    def terms(self, entity: str, link_id: str, taxonomy: str, codes: Iterable[str]) -> None:
        for n, code in enumerate(codes):
            self.attribute(entity, link_id, taxonomy, code, code, n)

    def extras(self, entity: str, record: Record, extras: Iterable[tuple[str, str]]) -> None:
        """Note the carried data of an actor or offer; :meth:`write_back` writes it."""
        for key, value in extras:
            if key.startswith(ID_KEY):
                self.renames.setdefault(key.removeprefix(ID_KEY), value)
            elif not (key == "id" and record["id"] == value):
                self.carried.append((entity, record["id"], key, value))
                match = RECORD_KEY.fullmatch(key)
                if match is not None and match.group(3) is not None:
                    fields = self.carried_fields.setdefault((match[1], match[2]), {})
                    fields.setdefault(match.group(3), value)

    def write_back(self) -> None:
        """Write carried data back into its own table and field (see :mod:`._common`).

        Whole records go into their table, fields into the record with their id, fields
        of the organization or service into it. A value that has no such place (the
        record is gone, the value does not fit the column, or the model now holds
        another value there) stays with its actor or offer as an ``extra`` attribute,
        so that an import restores it all the same.
        """
        carried = sorted(self.carried, key=_carried_order)
        rest: dict[tuple[str, str], list[str]] = {}
        for entity, owner_id, key, value in carried:
            match = RECORD_KEY.fullmatch(key)
            if match is None:
                placed = self.put_field(entity, owner_id, key, value)
            elif match.group(3) is None:
                owner = self.tables[entity][owner_id]
                placed = self.put_record(match.group(1), match.group(2), value, (entity, owner))
            else:
                placed = self.put_field(match.group(1), match.group(2), match.group(3), value)
            if not placed:
                item = json.dumps({"key": key, "value": value}, ensure_ascii=False)
                rest.setdefault((entity, owner_id), []).append(item)
        for (entity, owner_id), items in rest.items():
            self.ki(entity, owner_id, "extra", items)

    def put_field(self, entity: str, record_id: str, field: str, value: str) -> bool:
        """Write a carried *value* into *field* of a record; whether it found its place."""
        record = self.tables.get(entity, {}).get(record_id)
        column = {f[0]: f for f in TABLES.get(entity, ("", ()))[1]}.get(field)
        if record is None or column is None or field == "id":
            return False
        cell = _cell_value(value, column)
        if cell is None:
            return False
        current = record.get(field)
        spelling = SPELLINGS.get((entity, field))
        if (
            current is None
            or (entity, field) in DERIVED
            or (spelling is not None and spelling(value) == _text(current))
        ):
            record[field] = cell
            return True
        return _text(current) == _text(cell)

    def put_record(
        self, entity: str, record_id: str, value: str, owner: tuple[str, Record]
    ) -> bool:
        """Write a carried whole record back into its table, if it is a valid HSDS row;
        into a record of the export with its id, field by field.

        A record nested in a JSON document may lack a link the tabular form requires
        (the ``program`` of a service names no organization): it is taken from the
        organization or service that carries the record (*owner*).
        """
        try:
            record = json.loads(value)
        except ValueError:
            return False
        if entity not in TABLES or not isinstance(record, dict) or record.get("id") != record_id:
            return False
        fields = TABLES[entity][1]
        known = {f[0]: f for f in fields}
        if not set(record) <= set(known):
            return False
        if record_id in self.tables.get(entity, {}):
            return all(
                self.put_field(entity, record_id, key, _text(cell))
                for key, cell in record.items()
                if cell is not None and key != "id"
            )
        for name, kind, _fmt, required, _enum in fields:
            cell = record.get(name)
            if (cell is None or cell == "") and required and name in LINK_COLUMNS:
                cell = record[name] = _link_of(name, *owner)
            if cell is None or cell == "":
                if required:
                    return False
            elif isinstance(cell, bool) or not isinstance(cell, str | int | float):
                return False
            elif kind == "number":
                if not isinstance(cell, int | float):
                    return False
            else:  # a number in a text column (an identifier) is written as text
                record[name] = _cell_value(_text(cell), known[name])
                if record[name] is None:
                    return False
        self.tables.setdefault(entity, {})[record_id] = record
        return True

    # ------------------------------------------------------------------ parts

    def contacts(self, owner_column: str, owner_id: str, contacts: Iterable[m.Contact]) -> None:
        for n, item in enumerate(contacts):
            contact = contact_id(owner_id, n)
            self.add(
                "contact",
                {
                    "id": contact,
                    owner_column: owner_id,
                    "name": item.name,
                    "title": item.role,
                    "email": item.email,
                },
            )
            if item.phone:
                self.add(
                    "phone",
                    {
                        "id": phone_id(contact),
                        "contact_id": contact,
                        "number": item.phone,
                    },
                )
            self.ki("contact", contact, "web", [item.web])

    def venue(self, owner_id: str, venue: m.Venue, organization_id: str | None) -> str:
        location_id = venue_id(owner_id)
        self.add(
            "location",
            {
                "id": location_id,
                "location_type": "physical",
                "organization_id": organization_id,
                "name": venue.name,
            },
        )
        land = LAND_NAMES.get((venue.municipality or self.concept.territory)[:2])
        derived = address_id(location_id)
        carried = self.carried_fields.get(("address", self.renames.get(derived, derived)), {})
        land = land or carried.get("state_province")  # an imported address outside Germany
        if venue.street and venue.postal_code and venue.city and land:
            self.add(
                "address",
                {
                    "id": derived,
                    "location_id": location_id,
                    "address_1": venue.street,
                    "city": venue.city,
                    "state_province": land,
                    "postal_code": venue.postal_code,
                    "country": "DE",
                    "address_type": "physical",
                },
            )
        else:  # HSDS requires every part of an address; a partial one stays with the model
            self.ki("location", location_id, "street", [venue.street])
            self.ki("location", location_id, "postal_code", [venue.postal_code])
            self.ki("location", location_id, "city", [venue.city])
        self.ki("location", location_id, "municipality", [venue.municipality])
        return location_id

    # ------------------------------------------------------------------ entities

    def organization_of(self, offer: m.Offer) -> str:
        """The organization id of an offer: its actor's; for an actor not in the concept
        the organization id the import carried (the organization was not in the data),
        else one derived from the actor's slug."""
        if offer.actor in self.actor_ids:
            return self.actor_ids[offer.actor]
        carried = dict(offer.extras).get("organization_id", "")
        return carried if _is_uuid(carried) else hsds_uuid("actor", offer.actor)

    def actor(self, actor: m.Actor) -> None:
        org_id = self.actor_ids[actor.id]
        parent_id = self.actor_ids.get(actor.parent) if actor.parent else None
        record = self.add(
            "organization",
            {
                "id": org_id,
                "name": actor.name,
                # HSDS requires a description; the name stands in and is marked as such.
                "description": actor.description or actor.name,
                "website": actor.web,
                "year_incorporated": actor.founded.year if actor.founded else None,
                "parent_organization_id": parent_id,
            },
        )
        self.ki("organization", org_id, "id", [actor.id])
        self.ki("organization", org_id, "stand_in", [None if actor.description else "description"])
        self.ki("organization", org_id, "category", [actor.category])
        self.ki("organization", org_id, "parent", [actor.parent])
        self.ki("organization", org_id, "volunteer", ["true" if actor.volunteer else None])
        self.ki("organization", org_id, "territory", actor.territories)
        self.terms("organization", org_id, FIELD_TAXONOMY, actor.fields)
        self.terms("organization", org_id, TARGET_GROUP_TAXONOMY, actor.target_groups)
        self.ki("organization", org_id, "responsibility", [actor.responsibility])
        self.ki("organization", org_id, "staff", [_json(unstructure(s)) for s in actor.staff])
        self.ki("organization", org_id, "founded", [_iso(actor.founded)])
        self.ki("organization", org_id, "last_verified", [_iso(actor.last_verified)])
        self.ki("organization", org_id, "last_changed", [_iso(actor.last_changed)])
        self.ki("organization", org_id, "illustrative", ["true" if actor.illustrative else None])
        self.ki("organization", org_id, "translations", [_translations(actor.translations)])
        self.extras("organization", record, actor.extras)
        self.contacts("organization_id", org_id, actor.contacts)
        if actor.venue is not None:
            self.venue(org_id, actor.venue, org_id)

    def offer(self, offer: m.Offer) -> None:
        svc_id = hsds_id("offer", offer.id, offer.extras)
        elig = offer.eligibility
        record = self.add(
            "service",
            {
                "id": svc_id,
                "organization_id": self.organization_of(offer),
                "name": offer.name,
                "description": offer.description,
                "url": offer.web,
                "status": "active",
                "eligibility_description": elig.note,
                "minimum_age": elig.min_age,
                "maximum_age": elig.max_age,
                "assured_date": _iso(offer.last_verified),
            },
        )
        self.ki("service", svc_id, "id", [offer.id])
        self.ki("service", svc_id, "actor", [offer.actor])
        self.ki("service", svc_id, "territory", offer.territories)
        self.terms("service", svc_id, FIELD_TAXONOMY, offer.fields)
        self.terms("service", svc_id, TARGET_GROUP_TAXONOMY, offer.target_groups)
        self.ki("service", svc_id, "legal_basis", elig.legal_bases)
        self.ki("service", svc_id, "residence_status", elig.residence_statuses)
        self.ki("service", svc_id, "capacity", [_opt_str(offer.capacity)])
        self.ki("service", svc_id, "last_changed", [_iso(offer.last_changed)])
        self.ki("service", svc_id, "illustrative", ["true" if offer.illustrative else None])
        self.ki("service", svc_id, "translations", [_translations(offer.translations)])
        self.extras("service", record, offer.extras)
        for n, code in enumerate(offer.languages):
            self.add(
                "language",
                {
                    "id": language_id(svc_id, n),
                    "service_id": svc_id,
                    "name": LANGUAGE_NAMES.get(code, code),
                    "code": code,
                },
            )
        timed = offer.start_time is not None or offer.end_time is not None
        if offer.schedule or offer.schedule_note or offer.valid_from or offer.valid_to or timed:
            schedule = schedule_id(svc_id)
            parts = rrule_fields(offer.schedule)
            if parts and offer.valid_from:
                # HSDS needs dtstart to count an interval from; the offer starts then.
                parts["dtstart"] = _iso(offer.valid_from)
            self.add(
                "schedule",
                {
                    "id": schedule,
                    "service_id": svc_id,
                    "valid_from": _iso(offer.valid_from),
                    "valid_to": _iso(offer.valid_to),
                    "description": offer.schedule_note,
                    "opens_at": _clock(offer.start_time),
                    "closes_at": _clock(offer.end_time),
                    **parts,
                },
            )
            self.ki("schedule", schedule, "rrule", [offer.schedule])
        if offer.cost is not None or offer.cost_note:
            self.add(
                "cost_option",
                {
                    "id": cost_id(svc_id),
                    "service_id": svc_id,
                    "currency": "EUR" if offer.cost is not None else None,
                    "amount": offer.cost,
                    "amount_description": offer.cost_note,
                },
            )
        self.contacts("service_id", svc_id, offer.contacts)
        if offer.venue is not None:
            location_id = self.venue(svc_id, offer.venue, None)
            self.add(
                "service_at_location",
                {
                    "id": at_id(svc_id, location_id),
                    "service_id": svc_id,
                    "location_id": location_id,
                },
            )


def concept_tables(concept: m.Concept) -> Tables:
    """Return the HSDS tables (entity -> id -> record) for the concept's actors and offers."""
    builder = _Builder(concept)
    for actor in concept.actors:
        builder.actor(actor)
    for offer in concept.offers:
        builder.offer(offer)
    builder.keep_ids()
    builder.write_back()
    return builder.tables


# ---------------------------------------------------------------------- writing


def export_hsds(
    concept: m.Concept, output_dir: StrPath, *, form: Form = "both", inputs: Iterable[StrPath] = ()
) -> Path:
    """Export the actors and offers of *concept* as Open Referral HSDS 3.0 (HSDS-Export).

    Args:
        concept: The concept; only its actors and offers (with Handlungsfelder and
            Zielgruppen as taxonomy terms) are exported.
        output_dir: The folder to write. It is built in a temporary sibling and then
            swapped into place, so a failure leaves an earlier export untouched.
        form: ``"json"`` writes one JSON document per organization, service, taxonomy
            and taxonomy term (``organizations/0001-<id>.json`` …); ``"tabular"`` writes the
            tabular data package (CSV files and ``datapackage.json``); ``"both"`` writes
            the two side by side in ``json/`` and ``tabular/``.
        inputs: Paths of the run's inputs; writing over one of them is refused.

    Returns:
        The output folder.

    Raises:
        KommunaleIntegrationError: for an unknown *form*.
        OutputError: when the output would replace an input.

    Example:
        >>> import tempfile
        >>> concept = ki.Concept(
        ...     id="demo", title="Demo", territory="05558",
        ...     actors=[ki.Actor(id="vhs", name="VHS")],
        ...     offers=[ki.Offer(id="kurs", name="Deutschkurs", actor="vhs", languages=["de"])],
        ... )
        >>> out = ki.export_hsds(concept, tempfile.mkdtemp() + "/hsds", form="tabular")
        >>> (out / "datapackage.json").is_file(), (out / "services.csv").is_file()
        (True, True)

    .. versionadded:: 0.1.0
    """
    if form not in ("json", "tabular", "both"):
        raise KommunaleIntegrationError(
            tr("unknown HSDS form {form}; use json, tabular or both", form=repr(form))
        )
    for collection in ("actors", "offers"):
        for position, first in m.duplicate_positions(getattr(concept, collection)):
            # one HSDS id per actor or offer id: the second would replace the first
            raise OutputError(
                tr(
                    "{item} has the id {id} of {first}: HSDS would get one record for both "
                    "(validate reports it as duplicate-id); nothing was written",
                    item=f"{collection}[{position}]",
                    id=repr(getattr(concept, collection)[position].id),
                    first=f"{collection}[{first}]",
                )
            )
    tables = concept_tables(concept)
    with atomic_directory(output_dir, writer="export_hsds", inputs=inputs) as tmp:
        if form == "json":
            write_json(tables, tmp)
        elif form == "tabular":
            write_tabular(tables, tmp)
        else:
            write_json(tables, tmp / "json")
            write_tabular(tables, tmp / "tabular")
    return Path(output_dir)


#: The JSON document of the records no other document reaches (tabular form).
UNLINKED: Final = "unlinked.json"

#: JSON documents: folder -> entity, in writing order.
DOCUMENTS: Final = (
    ("organizations", "organization"),
    ("services", "service"),
    ("taxonomies", "taxonomy"),
    ("taxonomy_terms", "taxonomy_term"),
)
# Nested objects not repeated inside a document (each has its own document).
_NOT_NESTED: Final = frozenset(
    {
        ("organization", "services"),
        ("service", "organization"),
        ("service_at_location", "service"),
    }
)


class _Links:
    """Rows by the value of one of their columns, built once per (entity, column)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self._index: dict[tuple[str, str], dict[Any, list[Record]]] = {}
        #: (entity, id) of every record nested into a document so far
        self.seen: set[tuple[str, str]] = set()

    def rows(self, entity: str, column: str, value: Any) -> list[Record]:
        key = (entity, column)
        index = self._index.get(key)
        if index is None:
            index = {}
            for row in self.tables.get(entity, {}).values():
                if column in row:
                    index.setdefault(row[column], []).append(row)
            self._index[key] = index
        return index.get(value, [])


def nest(
    tables: Tables,
    entity: str,
    record: Record,
    parent_column: str | None = None,
    links: _Links | None = None,
) -> Record:
    """Return *record* as an HSDS JSON object with its children nested (for export)."""
    links = links or _Links(tables)
    links.seen.add((entity, record["id"]))
    doc = {k: _json_value(v) for k, v in record.items() if k != parent_column}
    for key, child, column in children_of(entity):
        if (entity, key) in _NOT_NESTED:
            continue
        items = [
            nest(tables, child, row, column, links)
            for row in links.rows(child, column, record["id"])
        ]
        if items:
            doc[key] = items
    for key, target, column in PARENTS.get(entity, ()):
        if (entity, key) in _NOT_NESTED or column not in record:
            continue
        found = tables.get(target, {}).get(record[column])
        if found is not None:
            doc[key] = nest(tables, target, found, None, links)
    return doc


def write_json(tables: Tables, folder: Path) -> None:
    """Write one JSON document per organization, service, taxonomy and taxonomy term."""
    links = _Links(tables)
    for name, entity in DOCUMENTS:
        (folder / name).mkdir(parents=True, exist_ok=True)  # present even when empty
        records = tables.get(entity, {})
        width = max(4, len(str(len(records))))
        for n, (record_id, record) in enumerate(records.items(), start=1):
            # Numbered so that reading the folder in name order keeps the concept's order.
            path = folder / name / f"{n:0{width}d}-{record_id}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            doc = nest(tables, entity, record, None, links)
            text = json.dumps(doc, ensure_ascii=False, indent=2)
            path.write_text(text + "\n", encoding="utf-8")
    # Records no document reaches (a metadata row of a resource that is not in the
    # data, a table description) go into one document of the form of the official
    # ``tabular.json``: file name of the table -> its rows.
    unlinked = {
        TABLES[entity][0]: [{k: _json_value(v) for k, v in r.items()} for r in rows]
        for entity, table in tables.items()
        if (rows := [r for i, r in table.items() if (entity, i) not in links.seen])
    }
    if unlinked:
        text = json.dumps(unlinked, ensure_ascii=False, indent=2)
        (folder / UNLINKED).write_text(text + "\n", encoding="utf-8")


def write_tabular(tables: Tables, folder: Path) -> None:
    """Write the CSV files and ``datapackage.json`` of the HSDS tabular data package."""
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    extra = [name for name in TABLES if name not in EXPORT_TABLES and tables.get(name)]
    for entity in (*EXPORT_TABLES, *extra):
        file_name, fields = TABLES[entity]
        columns = [f[0] for f in fields]
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for record in tables.get(entity, {}).values():
            writer.writerow([_cell(entity, c, record.get(c)) for c in columns])
        (folder / file_name).write_text(buffer.getvalue(), encoding="utf-8", newline="")
        resources.append(
            {
                "name": entity,
                "path": file_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {
                    "primaryKey": "id",
                    "fields": [_field_schema(f) for f in fields],
                },
            }
        )
    package = {
        "name": "kommunale-integration-hsds",
        "title": "Akteure und Angebote (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "homepage": "http://docs.openreferral.org",
        "resources": resources,
    }
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def _field_schema(field: tuple[str, str, str | None, bool, tuple[str, ...]]) -> dict[str, Any]:
    name, kind, fmt, required, enum = field
    schema: dict[str, Any] = {"name": name, "type": kind}
    if fmt:
        schema["format"] = fmt
    constraints: dict[str, Any] = {"required": required}
    if enum:
        constraints["enum"] = list(enum)
    schema["constraints"] = constraints
    return schema


def _cell(entity: str, column: str, value: Any) -> str:
    """Format a CSV cell; text starting like a formula gets a leading apostrophe.

    Spreadsheets run cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
    return as formulas. Phone numbers keep their ``+`` (they are never formulas and
    must stay valid numbers); the import strips the apostrophe again. Text that already
    starts with apostrophes before such a character gets one more, so that it reads
    back unchanged.
    """
    if value is None:
        return ""
    text = str(value) if not isinstance(value, bool) else str(value).lower()
    if isinstance(value, str):
        return neutralise(text, keep_phone_numbers=(entity, column) in _KEEP_SIGN_COLUMNS)
    return text


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _cell_value(value: str, column: Field) -> Any:
    """A carried text as the value of an HSDS *column*; ``None`` when it does not fit."""
    _, kind, fmt, _, enum = column
    if not value:
        return None
    if kind == "number":
        return decimal_of(value)
    checks: dict[str, Any] = {
        "date": date.fromisoformat,
        "datetime": lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")),
        "time": time.fromisoformat,
    }
    try:
        if kind in checks:
            checks[kind](value)
    except ValueError:
        return None
    fits = (
        (not enum or value in enum)
        and (fmt != "uuid" or _is_uuid(value))
        and (fmt != "email" or bool(re.fullmatch(r"[^@\s]+@[^@\s]+", value)))
        and (fmt != "uri" or bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+", value)))
    )
    return value if fits else None


def _text(value: Any) -> str:
    return text_of(_json_value(value))


def _renamed(record: Record, renames: dict[str, str]) -> Record:
    return {k: renames.get(v, v) if isinstance(v, str) else v for k, v in record.items()}


def _agree(one: Record, other: Record) -> bool:
    """Whether two records hold the same value in every field both have."""
    return all(_text(one[k]) == _text(other[k]) for k in one.keys() & other.keys() if k != "id")


def _link_of(column: str, entity: str, record: Record) -> Any:
    """The value of the link *column* for a record carried by *record* (an
    organization or service): its own id or its own link of that name."""
    return record["id"] if column == f"{entity}_id" else record.get(column)


def _carried_order(item: tuple[str, str, str, str]) -> int:
    """Whole records first, then fields of parts, then fields of actors and offers."""
    match = RECORD_KEY.fullmatch(item[2])
    return 2 if match is None else 1 if match.group(3) else 0


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _iso(day: Any) -> str | None:
    return None if day is None else str(day.isoformat())


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _translations(pairs: tuple[tuple[str, m.Translation], ...]) -> str | None:
    """The translated texts as one JSON object (language code -> texts), or ``None``."""
    if not pairs:
        return None
    return _json({code: unstructure(texts) for code, texts in pairs})


def _clock(value: time | None) -> str | None:
    """A time of day as HSDS writes it (``16:00:00``)."""
    return None if value is None else value.isoformat()
