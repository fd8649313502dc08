"""Mapping pass of the HSDS import: flat tables → drafts of actors and offers.

:class:`Mapper` receives the tables and record locations of the reading pass
(:mod:`._read`) and maps them in passes (organizations, services, locations, contacts,
phones, schedules, languages, cost options, other tables) onto drafts of actors and
offers, which :meth:`Mapper.finish` turns into model objects. Nothing is dropped
silently: a value without a place in the model is kept in the ``extras`` of its actor or
offer and reported as ``hsds-unmapped``.
"""

from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal
from typing import Any, Final

import attrs

from .. import _model as m
from .._converter import parse_date, structure
from .._errors import (
    Finding,
    InvalidValueError,
    KommunaleIntegrationError,
    LoadError,
    Location,
    Severity,
)
from .._parse import parse_bool, slugify
from ._common import (
    FIELD_TAXONOMY,
    ID_KEY,
    KI_TAXONOMY,
    LAND_NAMES,
    LANGUAGE_NAMES,
    TARGET_GROUP_TAXONOMY,
    Record,
    Tables,
    address_id,
    at_id,
    at_key,
    contact_id,
    cost_id,
    decimal_of,
    empty,
    hsds_uuid,
    json_text,
    language_id,
    phone_id,
    rrule_fields,
    schedule_id,
    shorten,
    text_of,
    venue_id,
)

__all__ = ["Mapper"]

_RRULE_COLUMNS: Final = (
    ("freq", "FREQ"),
    ("interval", "INTERVAL"),
    ("count", "COUNT"),
    ("until", "UNTIL"),
    ("byday", "BYDAY"),
    ("byweekno", "BYWEEKNO"),
    ("bymonthday", "BYMONTHDAY"),
    ("byyearday", "BYYEARDAY"),
    ("wkst", "WKST"),
)


@attrs.define(eq=False)
class _Draft:
    """An actor or offer (or a contact) being assembled."""

    kind: str  # "actor", "offer" or "contact"
    record_id: str
    values: dict[str, Any]
    extras: dict[str, str]
    where: Location
    owner: _Draft | None = None  # of a contact: its actor or offer
    #: HSDS ids of the records that became parts of it (venue, contacts, languages …)
    ids: dict[str, Any] = attrs.field(factory=dict)
    #: the ``hsds-id:`` extras derived from :attr:`ids` when it is finished
    kept: dict[str, str] = attrs.field(factory=dict)


class Mapper:
    def __init__(
        self, tables: Tables, origin: dict[tuple[str, str], Location], findings: list[Finding]
    ) -> None:
        self.tables = tables
        self.origin = origin
        self.findings = findings
        self.actors: dict[str, _Draft] = {}
        self.offers: dict[str, _Draft] = {}
        self.owners: dict[tuple[str, str], list[_Draft]] = {}
        self.attributes: dict[str, list[Record]] = {}
        for record in self.rows("attribute"):
            link = record.get("link_id")
            if isinstance(link, str):
                self.attributes.setdefault(link, []).append(record)
        self.used_attributes: set[str] = set()
        self.slugs: dict[str, set[str]] = {"actor": set(), "offer": set()}
        self.claimed: set[str] = set()  # HSDS ids of parts already kept by an owner

    def rows(self, entity: str) -> list[Record]:
        return list(self.tables.get(entity, {}).values())

    def where(self, entity: str, record: Record, key: str | None = None) -> Location:
        base = self.origin.get((entity, str(record.get("id"))), Location())
        return at_key(base, key) if key else base

    def note(self, code: str, severity: Severity, message: str, location: Location) -> None:
        self.findings.append(
            Finding(code=code, severity=severity, message=message, location=location)
        )

    # -------------------------------------------------------------- extras

    def keep(self, draft: _Draft, key: str, value: Any, where: Location, why: str = "") -> None:
        """Keep *value* in the extras of *draft* (or of a contact's owner) and report it."""
        target = draft.owner if draft.owner is not None else draft
        text = value if isinstance(value, str) else json_text(value)
        if key in target.extras and target.extras[key] != text:
            n = 2
            while f"{key}#{n}" in target.extras:
                n += 1
            key = f"{key}#{n}"
        target.extras[key] = text
        reason = f" ({why})" if why else ""
        self.note(
            "hsds-unmapped",
            Severity.INFO,
            f"{shorten(key)!r} has no place in the model{reason}; kept in the extras of "
            f"{target.kind} {shorten(target.values.get('id'))!r}",
            where,
        )

    def keep_record(self, owners: list[_Draft], entity: str, record: Record) -> None:
        if not owners:
            self.note(
                "hsds-unplaced",
                Severity.WARNING,
                f"{entity} {shorten(record.get('id'))} belongs to no organization or service "
                "of the data and was not imported",
                self.where(entity, record),
            )
            return
        for owner in owners:
            self.keep(owner, f"{entity}[{record['id']}]", record, self.where(entity, record))

    def keep_rest(
        self, draft: _Draft, entity: str, record: Record, used: set[str], prefix: bool
    ) -> None:
        for key, value in record.items():
            if key in used or empty(value):
                continue
            name = f"{entity}[{record['id']}].{key}" if prefix else key
            self.keep(draft, name, value, self.where(entity, record, key))

    # -------------------------------------------------------------- ki attributes

    def ki_values(
        self, link_id: str
    ) -> tuple[dict[str, list[str]], list[str], list[str], list[Record]]:
        """Split the attributes of *link_id*: project values, fields, target groups, others."""
        own: dict[str, list[str]] = {}
        fields: list[str] = []
        groups: list[str] = []
        foreign: list[Record] = []
        for attribute in self.attributes.get(link_id, []):
            term = self.tables.get("taxonomy_term", {}).get(str(attribute.get("taxonomy_term_id")))
            taxonomy = _taxonomy_of(term, self.tables)
            code = str(term.get("code") or "") if term else ""
            value = attribute.get("value")
            if taxonomy == KI_TAXONOMY and code and isinstance(value, str):
                own.setdefault(code, []).append(value)
            elif taxonomy == FIELD_TAXONOMY and code:
                fields.append(code)
            elif taxonomy == TARGET_GROUP_TAXONOMY and code:
                groups.append(code)
            else:
                foreign.append(attribute)
                continue
            self.used_attributes.add(str(attribute["id"]))
        return own, fields, groups, foreign

    def keep_foreign_attributes(self, draft: _Draft, foreign: list[Record]) -> None:
        for attribute in foreign:
            term = self.tables.get("taxonomy_term", {}).get(str(attribute.get("taxonomy_term_id")))
            kept = dict(attribute)
            if term is not None:
                kept["taxonomy_term"] = term
            self.keep(
                draft, f"attribute[{attribute['id']}]", kept, self.where("attribute", attribute)
            )
            self.used_attributes.add(str(attribute["id"]))

    # -------------------------------------------------------------- entities

    def slug(self, kind: str, own: dict[str, list[str]], name: Any, fallback: str) -> str:
        taken = self.slugs[kind]
        for candidate in own.get("id", []):
            if candidate not in taken:
                taken.add(candidate)
                return candidate
        base = slugify(str(name or "")) or fallback
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        return slug

    def organizations(self) -> None:
        for record in self.rows("organization"):
            own, fields, groups, foreign = self.ki_values(str(record["id"]))
            slug = self.slug("actor", own, record.get("name"), "organisation")
            draft = _Draft(
                "actor", str(record["id"]), {"id": slug}, {}, self.where("organization", record)
            )
            self.actors[str(record["id"])] = draft
            self.owners[("organization", str(record["id"]))] = [draft]
            if record["id"] != hsds_uuid("actor", slug):
                draft.extras["id"] = str(record["id"])
            values = draft.values
            values["name"] = _str(record.get("name")) or ""
            values["description"] = _str(record.get("description"))
            if "description" in own.pop("stand_in", []) and values["description"] == values["name"]:
                values["description"] = None
            values["web"] = _str(record.get("website"))
            values["fields"] = tuple(fields)
            values["target_groups"] = tuple(groups)
            used = {
                "id",
                "name",
                "description",
                "website",
                "year_incorporated",
                "parent_organization_id",
            }
            self.own_actor_values(draft, own)
            if "founded" not in values and not empty(record.get("year_incorporated")):
                year = _int(record["year_incorporated"])
                if year is not None and 1 <= year <= 9999:
                    values["founded"] = date(year, 1, 1)
                else:
                    used.discard("year_incorporated")
            self.keep_rest(draft, "organization", record, used, prefix=False)
            self.keep_foreign_attributes(draft, foreign)
        for draft in self.actors.values():  # parents, once every organization is known
            record = self.tables["organization"][draft.record_id]
            parent = record.get("parent_organization_id")
            if "parent" in draft.values or empty(parent):
                continue
            if str(parent) in self.actors:
                draft.values["parent"] = self.actors[str(parent)].values["id"]
            else:
                self.keep(
                    draft,
                    "parent_organization_id",
                    parent,
                    self.where("organization", record, "parent_organization_id"),
                    "the parent organization is not in the data",
                )

    def own_actor_values(self, draft: _Draft, own: dict[str, list[str]]) -> None:
        values = draft.values
        for code, items in own.items():
            first = items[0]
            try:
                if code == "id":
                    continue
                if code in ("category", "parent", "responsibility"):
                    values[code] = first
                elif code in ("volunteer", "illustrative"):
                    values[code] = parse_bool(first)
                elif code == "translations":
                    values["translations"] = _translations(first)
                elif code == "territory":
                    values["territories"] = tuple(items)
                elif code == "staff":
                    values["staff"] = tuple(
                        structure(json.loads(item), m.StaffPosition) for item in items
                    )
                elif code in ("founded", "last_verified", "last_changed"):
                    values[code] = parse_date(first)
                elif code == "extra":
                    self.restore_extras(draft, items)
                else:
                    self.keep(
                        draft, f"attribute:{code}", items if len(items) > 1 else first, draft.where
                    )
            except (ValueError, LoadError, KommunaleIntegrationError):
                self.keep(
                    draft,
                    f"attribute:{code}",
                    items if len(items) > 1 else first,
                    draft.where,
                    "not readable",
                )

    def restore_extras(self, draft: _Draft, items: list[str]) -> None:
        for item in items:
            try:
                pair = json.loads(item)
                draft.extras[str(pair["key"])] = str(pair["value"])
            except (ValueError, KeyError, TypeError):
                self.keep(draft, "attribute:extra", item, draft.where, "not readable")

    def services(self) -> None:
        for record in self.rows("service"):
            own, fields, groups, foreign = self.ki_values(str(record["id"]))
            slug = self.slug("offer", own, record.get("name"), "angebot")
            draft = _Draft(
                "offer", str(record["id"]), {"id": slug}, {}, self.where("service", record)
            )
            self.offers[str(record["id"])] = draft
            self.owners[("service", str(record["id"]))] = [draft]
            if record["id"] != hsds_uuid("offer", slug):
                draft.extras["id"] = str(record["id"])
            values = draft.values
            org = self.actors.get(str(record.get("organization_id")))
            used = {"id", "name", "description", "url", "eligibility_description", "assured_date"}
            if own.get("actor"):
                values["actor"] = own["actor"][0]
                used.add("organization_id")
            elif org is not None:
                values["actor"] = org.values["id"]
                used.add("organization_id")
            else:
                values["actor"] = "unbekannt"
                self.note(
                    "hsds-no-organization",
                    Severity.WARNING,
                    f"service {shorten(record['id'])} names no organization of the data; its actor "
                    "is set to 'unbekannt'",
                    self.where("service", record, "organization_id"),
                )
            values["name"] = _str(record.get("name")) or ""
            values["description"] = _str(record.get("description"))
            values["web"] = _str(record.get("url"))
            if record.get("status") in ("active", None):
                used.add("status")
            eligibility: dict[str, Any] = {"note": _str(record.get("eligibility_description"))}
            for column, name in (("minimum_age", "min_age"), ("maximum_age", "max_age")):
                number = _int(record.get(column))
                if number is not None and number >= 0:
                    eligibility[name] = number
                    used.add(column)
            values["fields"] = tuple(fields)
            values["target_groups"] = tuple(groups)
            if not empty(record.get("assured_date")):
                try:
                    values["last_verified"] = parse_date(record["assured_date"])
                except ValueError:
                    used.discard("assured_date")
            for code, items in own.items():
                try:
                    if code in ("id", "actor"):
                        continue
                    if code == "territory":
                        values["territories"] = tuple(items)
                    elif code == "legal_basis":
                        eligibility["legal_bases"] = tuple(items)
                    elif code == "residence_status":
                        eligibility["residence_statuses"] = tuple(items)
                    elif code == "capacity":
                        values["capacity"] = int(items[0])
                    elif code == "last_changed":
                        values["last_changed"] = parse_date(items[0])
                    elif code == "illustrative":
                        values["illustrative"] = parse_bool(items[0])
                    elif code == "translations":
                        values["translations"] = _translations(items[0])
                    elif code == "extra":
                        self.restore_extras(draft, items)
                    else:
                        self.keep(draft, f"attribute:{code}", items, draft.where)
                except ValueError:
                    self.keep(draft, f"attribute:{code}", items, draft.where, "not readable")
            values["eligibility"] = self.build(m.Eligibility, eligibility, draft, "eligibility.")
            self.keep_rest(draft, "service", record, used, prefix=False)
            self.keep_foreign_attributes(draft, foreign)

    def service_at_locations(self) -> None:
        for record in self.rows("service_at_location"):
            offer = self.offers.get(str(record.get("service_id")))
            owners = [offer] if offer is not None else []
            self.owners[("service_at_location", str(record["id"]))] = owners
            location = str(record.get("location_id"))
            if offer is not None and location:
                self.owners.setdefault(("location", location), []).append(offer)
                offer.ids.setdefault("at", (str(record["id"]), location))
            for draft in owners:
                self.keep_rest(
                    draft, "service_at_location", record, {"id", "service_id", "location_id"}, True
                )
            if not owners:
                self.keep_record([], "service_at_location", record)

    def locations(self) -> None:
        addresses: dict[str, list[Record]] = {}
        for address in self.rows("address"):
            addresses.setdefault(str(address.get("location_id")), []).append(address)
        for record in self.rows("location"):
            location_id = str(record["id"])
            owners = list(self.owners.get(("location", location_id), []))
            org = self.actors.get(str(record.get("organization_id")))
            if org is not None and org not in owners:
                owners.insert(0, org)
            self.owners[("location", location_id)] = owners
            if not owners:
                self.keep_record([], "location", record)
                for address in addresses.get(location_id, []):
                    self.keep_record([], "address", address)
                continue
            own, _, _, foreign = self.ki_values(location_id)
            for draft in owners:
                if "venue" in draft.values:
                    self.keep(
                        draft,
                        f"location[{location_id}]",
                        record,
                        self.where("location", record),
                        "a second place",
                    )
                    for address in addresses.get(location_id, []):
                        self.keep(
                            draft,
                            f"address[{address['id']}]",
                            address,
                            self.where("address", address),
                        )
                    continue
                venue: dict[str, Any] = {"name": _str(record.get("name"))}
                used = {"id", "name", "organization_id"}
                if record.get("location_type") in ("physical", None):
                    used.add("location_type")
                for part in ("municipality", "street", "postal_code", "city"):
                    if own.get(part):
                        venue[part] = own[part][0]
                found = addresses.get(location_id, [])
                if found:
                    address = found[0]
                    venue["street"] = _str(address.get("address_1"))
                    venue["city"] = _str(address.get("city"))
                    venue["postal_code"] = _str(address.get("postal_code"))
                    a_used = {"id", "location_id", "address_1", "city", "postal_code"}
                    if _str(address.get("state_province")) in (None, *LAND_NAMES.values()):
                        a_used.add("state_province")  # implied by the postal code
                    if address.get("country") in ("DE", None):
                        a_used.add("country")
                    if address.get("address_type") in ("physical", None):
                        a_used.add("address_type")
                    self.keep_rest(draft, "address", address, a_used, prefix=True)
                    for other in found[1:]:
                        self.keep(
                            draft, f"address[{other['id']}]", other, self.where("address", other)
                        )
                draft.values["venue"] = self.build(m.Venue, venue, draft, "venue.")
                draft.ids["venue"] = location_id
                built = draft.values["venue"]
                if found and built is not None and built.is_address and built.municipality:
                    # the export writes an address only for a complete German one
                    draft.ids["address"] = str(found[0]["id"])
                self.keep_rest(draft, "location", record, used, prefix=True)
                self.keep_foreign_attributes(draft, foreign)
                for code, items in own.items():
                    if code not in ("municipality", "street", "postal_code", "city"):
                        self.keep(
                            draft, f"location[{location_id}].attribute:{code}", items, draft.where
                        )

    def contacts(self) -> None:
        phones: dict[str, list[Record]] = {}
        for phone in self.rows("phone"):
            phones.setdefault(str(phone.get("contact_id")), []).append(phone)
        for record in self.rows("contact"):
            contact_id = str(record["id"])
            owners = self.owners_by_links(record)
            self.owners[("contact", contact_id)] = owners
            if not owners:
                self.keep_record([], "contact", record)
                continue
            own, _, _, foreign = self.ki_values(contact_id)
            mine = phones.get(contact_id, [])
            for owner in owners:
                draft = _Draft("contact", contact_id, {}, {}, self.where("contact", record), owner)
                values = draft.values
                values["name"] = _str(record.get("name"))
                values["role"] = _str(record.get("title"))
                values["email"] = _str(record.get("email"))
                used = {
                    "id",
                    "name",
                    "title",
                    "email",
                    "organization_id",
                    "service_id",
                    "service_at_location_id",
                    "location_id",
                }
                if own.get("web"):
                    values["web"] = own["web"][0]
                if mine:
                    values["phone"] = _phone(mine[0].get("number"))
                    self.keep_rest(
                        draft,
                        "phone",
                        mine[0],
                        {
                            "id",
                            "number",
                            "contact_id",
                            "organization_id",
                            "service_id",
                            "service_at_location_id",
                            "location_id",
                        },
                        prefix=True,
                    )
                    for other in mine[1:]:
                        self.keep(
                            owner,
                            f"phone[{other['id']}]",
                            other,
                            self.where("phone", other),
                            "a second number",
                        )
                if not (values["name"] or values["role"]):
                    values["role"] = _str(record.get("department")) or "Kontakt"
                    if record.get("department"):
                        used.add("department")
                self.keep_rest(draft, "contact", record, used, prefix=True)
                self.keep_foreign_attributes(draft, foreign)
                contact = self.build(m.Contact, values, draft, f"contact[{contact_id}].")
                if contact is not None:
                    owner.values.setdefault("contacts", []).append(contact)
                    number = str(mine[0]["id"]) if mine else None
                    owner.ids.setdefault("contacts", []).append((contact_id, number))
            for phone in mine:
                self.owners[("phone", str(phone["id"]))] = owners

    def loose_phones(self) -> None:
        """Phones that belong to no contact become a contact with the role ``Telefon``."""
        for record in self.rows("phone"):
            if ("phone", str(record["id"])) in self.owners:
                continue
            owners = self.owners_by_links(record)
            self.owners[("phone", str(record["id"]))] = owners
            if not owners:
                self.keep_record([], "phone", record)
                continue
            for owner in owners:
                draft = _Draft(
                    "contact",
                    str(record["id"]),
                    {"role": "Telefon"},
                    {},
                    self.where("phone", record),
                    owner,
                )
                draft.values["phone"] = _phone(record.get("number"))
                self.keep_rest(
                    draft,
                    "phone",
                    record,
                    {
                        "id",
                        "number",
                        "organization_id",
                        "service_id",
                        "service_at_location_id",
                        "location_id",
                        "contact_id",
                    },
                    True,
                )
                contact = self.build(m.Contact, draft.values, draft, f"phone[{record['id']}].")
                if contact is not None:
                    owner.values.setdefault("contacts", []).append(contact)
                    owner.ids.setdefault("contacts", []).append((None, str(record["id"])))

    def owners_by_links(self, record: Record) -> list[_Draft]:
        owners: list[_Draft] = []
        for column, entity in (
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
            ("location_id", "location"),
        ):
            for draft in self.owners.get((entity, str(record.get(column))), []):
                if draft not in owners:
                    owners.append(draft)
            if owners and column != "organization_id":
                break
        return owners

    def schedules(self) -> None:
        for record in self.rows("schedule"):
            owners = [d for d in self.owners_by_links(record) if d.kind == "offer"]
            self.owners[("schedule", str(record["id"]))] = owners
            if not owners:
                self.keep_record(self.owners_by_links(record), "schedule", record)
                continue
            own, _, _, foreign = self.ki_values(str(record["id"]))
            for draft in owners:
                if "schedule" in draft.values or "schedule_note" in draft.values:
                    self.keep(
                        draft,
                        f"schedule[{record['id']}]",
                        record,
                        self.where("schedule", record),
                        "a second schedule",
                    )
                    continue
                used = {"id", "service_id", "service_at_location_id", "location_id", "description"}
                rule = own.get("rrule", [None])[0]
                if rule is not None:
                    used |= set(rrule_fields(rule))
                else:
                    rule, parts = self.rrule(draft, record)
                    used |= parts
                draft.values["schedule"] = rule
                draft.ids["schedule"] = str(record["id"])
                draft.values["schedule_note"] = _str(record.get("description"))
                for column, attribute in (("opens_at", "start_time"), ("closes_at", "end_time")):
                    clock = _clock(record.get(column))
                    if clock is not None:
                        draft.values[attribute] = clock
                        used.add(column)
                start_time, end_time = draft.values.get("start_time"), draft.values.get("end_time")
                if start_time and end_time and end_time <= start_time:
                    for column, attribute in (
                        ("opens_at", "start_time"),
                        ("closes_at", "end_time"),
                    ):
                        del draft.values[attribute]
                        used.discard(column)
                for column in ("valid_from", "valid_to"):
                    if empty(record.get(column)):
                        continue
                    try:
                        draft.values[column] = parse_date(record[column])
                        used.add(column)
                    except ValueError:
                        pass
                start, end = draft.values.get("valid_from"), draft.values.get("valid_to")
                if start and end and end < start:
                    del draft.values["valid_to"]
                    used.discard("valid_to")
                if start and text_of(record.get("dtstart")) == start.isoformat():
                    used.add("dtstart")  # the export counts the rule from the first day
                self.keep_rest(draft, "schedule", record, used, prefix=True)
                self.keep_foreign_attributes(draft, foreign)

    def rrule(self, draft: _Draft, record: Record) -> tuple[str | None, set[str]]:
        if empty(record.get("freq")):
            return None, set()
        parts: list[str] = []
        used: set[str] = set()
        for column, key in _RRULE_COLUMNS:
            value = record.get(column)
            if empty(value):
                continue
            if key == "COUNT" and not empty(record.get("until")):
                continue  # RFC 5545 forbids COUNT with UNTIL; COUNT stays in the extras
            text = text_of(value)
            if key in ("INTERVAL", "COUNT"):
                number = _int(value)
                if number is None:
                    continue
                text = str(number)
            if key == "UNTIL":
                try:
                    text = parse_date(value).strftime("%Y%m%d")
                except ValueError:
                    continue
            parts.append(f"{key}={text.replace(' ', '')}")
            used.add(column)
        rule = ";".join(parts)
        try:
            from dateutil.rrule import rrulestr

            rrulestr(rule, dtstart=_midnight(record.get("dtstart")))
        except (ValueError, TypeError):
            return None, set()
        return rule, used

    def languages(self) -> None:
        for record in self.rows("language"):
            offer = self.offers.get(str(record.get("service_id")))
            if offer is None:
                self.keep_record(
                    self.owners_by_links(record) or self.phone_owners(record), "language", record
                )
                continue
            code = _str(record.get("code")) or _str(record.get("name"))
            used = {"id", "code", "service_id", "location_id", "phone_id"}
            if code is None:
                self.keep_record([offer], "language", record)
                continue
            offer.values.setdefault("languages", []).append(code)
            offer.ids.setdefault("languages", []).append(str(record["id"]))
            if _str(record.get("name")) in (None, code, LANGUAGE_NAMES.get(code)):
                used.add("name")
            self.keep_rest(offer, "language", record, used, prefix=True)

    def phone_owners(self, record: Record) -> list[_Draft]:
        return self.owners.get(("phone", str(record.get("phone_id"))), [])

    def cost_options(self) -> None:
        for record in self.rows("cost_option"):
            offer = self.offers.get(str(record.get("service_id")))
            if offer is None:
                self.keep_record([], "cost_option", record)
                continue
            if "cost" in offer.values or "cost_note" in offer.values:
                self.keep(
                    offer,
                    f"cost_option[{record['id']}]",
                    record,
                    self.where("cost_option", record),
                    "a second price",
                )
                continue
            used = {"id", "service_id", "amount_description"}
            amount = decimal_of(record.get("amount"))
            currency = _str(record.get("currency"))
            if amount is not None and amount >= 0 and (currency or "EUR").upper() == "EUR":
                offer.values["cost"] = amount
                used |= {"amount", "currency"}
            offer.values["cost_note"] = _str(record.get("amount_description"))
            offer.ids["cost"] = str(record["id"])
            self.keep_rest(offer, "cost_option", record, used, prefix=True)

    def other_tables(self) -> None:
        done = {
            "organization",
            "service",
            "service_at_location",
            "location",
            "address",
            "contact",
            "phone",
            "schedule",
            "language",
            "cost_option",
            "attribute",
            "taxonomy",
            "taxonomy_term",
        }
        for entity, table in self.tables.items():
            if entity in done:
                continue
            for record in table.values():
                owners = self.owners_by_links(record)
                if not owners and entity == "metadata":
                    owners = self.owners_of_any(str(record.get("resource_id")))
                self.keep_record(owners, entity, record)
        for record in self.rows("attribute"):
            if str(record["id"]) in self.used_attributes:
                continue
            owners = self.owners_of_any(str(record.get("link_id")))
            self.keep_record(owners, "attribute", record)

    def owners_of_any(self, record_id: str) -> list[_Draft]:
        for (_entity, key), drafts in self.owners.items():
            if key == record_id and drafts:
                return drafts
        return []

    # -------------------------------------------------------------- building

    def build(self, cls: type[Any], values: dict[str, Any], draft: _Draft, prefix: str) -> Any:
        """Construct *cls*; a value the model refuses moves to the extras instead."""
        values = {k: v for k, v in values.items() if v is not None}
        while True:
            try:
                return cls(**values)
            except InvalidValueError as error:
                if error.field not in values or error.field in ("id", "actor"):
                    raise
                value = values.pop(error.field)
                reason = str(error).split(": ", 1)[-1]
                self.keep(draft, f"{prefix}{error.field}", _plain(value), draft.where, reason)
                if "extras" in values:
                    values["extras"] = (*draft.extras.items(), *draft.kept.items())

    def finish(self, drafts: dict[str, _Draft], cls: type[Any], path: str) -> list[Any]:
        built = []
        for draft in drafts.values():
            values = dict(draft.values)
            for key in ("contacts", "languages"):
                if key in values:
                    values[key] = tuple(values[key])
            draft.kept = _kept_ids(draft, self.claimed)
            values["extras"] = (*draft.extras.items(), *draft.kept.items())
            if not str(values.get("name") or "").strip():
                self.note(
                    "hsds-invalid",
                    Severity.ERROR,
                    f"the {path[:-1]} {draft.record_id} has no name",
                    at_key(draft.where, "name"),
                )
                continue
            try:
                built.append(self.build(cls, values, draft, ""))
            except InvalidValueError as error:
                self.note(
                    "hsds-invalid", Severity.ERROR, str(error), at_key(draft.where, error.field)
                )
        return built


def _phone(value: Any) -> str | None:
    text = _str(value)
    if text is None:
        return None
    return text.strip().strip('"').strip("'").strip()


def _str(value: Any) -> str | None:
    if empty(value):
        return None
    return text_of(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or empty(value):
        return None
    number = decimal_of(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        from .._converter import unstructure

        return unstructure(value)
    return value


def _midnight(value: Any) -> Any:
    from datetime import datetime

    try:
        day = parse_date(value) if not empty(value) else date(2000, 1, 1)
    except ValueError:
        day = date(2000, 1, 1)
    return datetime(day.year, day.month, day.day)


def _taxonomy_of(term: Record | None, tables: Tables) -> str | None:
    if term is None:
        return None
    taxonomy = tables.get("taxonomy", {}).get(str(term.get("taxonomy_id")))
    if taxonomy is not None and isinstance(taxonomy.get("name"), str):
        return str(taxonomy["name"])
    return _str(term.get("taxonomy"))


_TRANSLATIONS: Final = tuple[tuple[str, m.Translation], ...]


def _translations(text: str) -> tuple[tuple[str, m.Translation], ...]:
    """The translated texts written by the export (``translations`` attribute)."""
    try:
        result: tuple[tuple[str, m.Translation], ...] = structure(json.loads(text), _TRANSLATIONS)
    except (json.JSONDecodeError, LoadError) as exc:
        raise ValueError(str(exc)) from None
    return result


def _clock(value: Any) -> time | None:
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


def _kept_ids(draft: _Draft, claimed: set[str]) -> dict[str, str]:
    """``hsds-id:<derived id>`` -> original id, for the parts whose HSDS id differs from
    the one the export derives (see the id functions of :mod:`._common`).

    A part shared by several owners (one location of an organization and its service)
    keeps its id with the first owner only, as the export writes it (*claimed*)."""
    owner, ids = draft.record_id, draft.ids
    pairs: list[tuple[str, str]] = []
    if "venue" in ids:
        location = venue_id(owner)
        pairs.append((location, ids["venue"]))
        if "address" in ids:
            pairs.append((address_id(location), ids["address"]))
        at = ids.get("at")
        if at is not None and at[1] == ids["venue"]:
            pairs.append((at_id(owner, location), at[0]))
    for n, (contact, phone) in enumerate(ids.get("contacts", ())):
        derived = contact_id(owner, n)
        if contact is not None:
            pairs.append((derived, contact))
        if phone is not None:
            pairs.append((phone_id(derived), phone))
    for n, language in enumerate(ids.get("languages", ())):
        pairs.append((language_id(owner, n), language))
    if "schedule" in ids:
        pairs.append((schedule_id(owner), ids["schedule"]))
    if "cost" in ids:
        pairs.append((cost_id(owner), ids["cost"]))
    kept: dict[str, str] = {}
    for derived, original in pairs:
        if derived != original and original not in claimed:
            claimed.add(original)
            kept[ID_KEY + derived] = original
    return kept
