"""Mapping pass of the HSDS import: flat tables → drafts of actors and offers.

:class:`Mapper` receives the tables and record locations of the reading pass
(:mod:`._read`). Its passes (organizations, services, service-at-locations, locations,
contacts, phones, schedules, languages, cost options, other tables) each take what
earlier passes found as arguments and return what they found: the drafts of actors
and offers (:class:`Known`) and which drafts own which HSDS record (:data:`Owners`).
:meth:`Mapper.finish` turns the drafts into model objects.

Nothing is dropped: a value without a place in the model is carried in the ``extras``
of its actor or offer (see :mod:`._common` for the keys) and reported as
``hsds-unmapped``; the export writes it back into its own table and field.
"""

from __future__ import annotations

import json
from datetime import date
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
from .._i18n import tr
from .._parse import parse_bool, slugify
from ._common import (
    FIELD_TAXONOMY,
    ID_KEY,
    KI_TAXONOMY,
    LAND_NAMES,
    LANGUAGE_NAMES,
    SPELLINGS,
    TARGET_GROUP_TAXONOMY,
    Record,
    Tables,
    address_id,
    at_id,
    at_key,
    clock_of,
    contact_id,
    cost_id,
    currency_text,
    decimal_of,
    empty,
    hsds_uuid,
    json_text,
    language_id,
    phone_id,
    phone_text,
    rrule_fields,
    schedule_id,
    shorten,
    text_of,
    venue_id,
)

__all__ = ["Known", "Mapper", "Owners"]

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

#: Taxonomies the export writes itself (their terms are not carried).
_OWN_TAXONOMIES: Final = frozenset({KI_TAXONOMY, FIELD_TAXONOMY, TARGET_GROUP_TAXONOMY})


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

    @property
    def target(self) -> _Draft:
        """The actor or offer whose extras hold what this draft carries."""
        return self.owner if self.owner is not None else self


#: Which drafts own an HSDS record: (entity, id) -> drafts.
Owners = dict[tuple[str, str], list["_Draft"]]


@attrs.frozen
class Known:
    """The actors and offers of the data, by HSDS id (the result of the first passes)."""

    actors: dict[str, _Draft]
    offers: dict[str, _Draft]

    @property
    def fallback(self) -> _Draft | None:
        """The draft that carries records belonging to no actor or offer: the first one."""
        for drafts in (self.actors, self.offers):
            for draft in drafts.values():
                return draft
        return None

    def owners(self) -> Owners:
        """The owners of the organizations and services themselves."""
        found: Owners = {("organization", k): [d] for k, d in self.actors.items()}
        found.update({("service", k): [d] for k, d in self.offers.items()})
        return found


class Mapper:
    """The passes of the mapping; holds only the tables read and the findings made."""

    def __init__(
        self, tables: Tables, origin: dict[tuple[str, str], Location], findings: list[Finding]
    ) -> None:
        self.tables = tables
        self.origin = origin
        self.findings = findings
        self.attributes: dict[str, list[Record]] = {}
        for record in self.rows("attribute"):
            link = record.get("link_id")
            if isinstance(link, str):
                self.attributes.setdefault(link, []).append(record)

    def rows(self, entity: str) -> list[Record]:
        return list(self.tables.get(entity, {}).values())

    def where(self, entity: str, record: Record, key: str | None = None) -> Location:
        base = self.origin.get((entity, str(record.get("id"))), Location())
        return at_key(base, key) if key else base

    def note(self, code: str, severity: Severity, message: str, location: Location) -> None:
        self.findings.append(
            Finding(code=code, severity=severity, message=message, location=location)
        )

    # -------------------------------------------------------------- carried data

    def keep(self, draft: _Draft, key: str, value: Any, where: Location, why: str = "") -> None:
        """Carry *value* in the extras of *draft* (or of a contact's owner) and report it."""
        target = draft.target
        text = value if isinstance(value, str) else json_text(value)
        if target.extras.get(key) == text:
            return  # carried already (a record shared by several parts)
        if key in target.extras:
            n = 2
            while f"{key}#{n}" in target.extras:
                n += 1
            key = f"{key}#{n}"
        target.extras[key] = text
        values = {
            "key": repr(shorten(key)),
            "kind": _kind_name(target.kind),
            "id": repr(shorten(target.values.get("id"))),
        }
        message = (
            tr(
                "{key} has no place in the model ({reason}); kept in the extras of {kind} {id}",
                reason=why,
                **values,
            )
            if why
            else tr("{key} has no place in the model; kept in the extras of {kind} {id}", **values)
        )
        self.note("hsds-unmapped", Severity.INFO, message, where)

    def carry(self, draft: _Draft, entity: str, record: Record, why: str = "") -> None:
        """Carry a whole *record*; an attribute brings its taxonomy term, a term its
        taxonomy and parent terms, so that the export writes the taxonomy back whole.

        The chain of parent terms is followed without recursion (a long or circular
        chain in foreign data is just as safe)."""
        pending = [(entity, record, why)]
        while pending:
            entity, record, why = pending.pop()
            key = f"{entity}[{record['id']}]"
            if key in draft.target.extras:
                continue
            self.keep(draft, key, record, self.where(entity, record), why)
            for column, target in _CARRIED_LINKS.get(entity, ()):
                linked = self.tables.get(target, {}).get(str(record.get(column)))
                if linked is not None and not _own_taxonomy(target, linked, self.tables):
                    pending.append((target, linked, ""))

    def keep_record(
        self, known: Known, owners: list[_Draft], entity: str, record: Record, why: str = ""
    ) -> None:
        """Carry *record* whole with its *owners*; without owners with the first actor
        or offer of the data (reported as ``hsds-unplaced``)."""
        if not owners:
            fallback = known.fallback
            message = (
                tr(
                    "{entity} {id} belongs to no organization or service of the data; it is "
                    "carried unchanged by {kind} {owner}",
                    entity=entity,
                    id=shorten(record.get("id")),
                    kind=_kind_name(fallback.kind),
                    owner=repr(shorten(fallback.values.get("id"))),
                )
                if fallback is not None
                else tr(
                    "{entity} {id} belongs to no organization or service of the data and was "
                    "not imported",
                    entity=entity,
                    id=shorten(record.get("id")),
                )
            )
            self.note("hsds-unplaced", Severity.WARNING, message, self.where(entity, record))
            owners = [fallback] if fallback is not None else []
        for owner in owners:
            self.carry(owner, entity, record, why)

    def keep_rest(
        self, draft: _Draft, entity: str, record: Record, used: set[str], prefix: bool
    ) -> None:
        """Carry the fields of *record* that are not *used* (held by the model)."""
        for key, value in record.items():
            if key in used or empty(value):
                continue
            name = f"{entity}[{record['id']}].{key}" if prefix else key
            self.keep(draft, name, value, self.where(entity, record, key))

    def keep_spelling(self, draft: _Draft, entity: str, record: Record, key: str) -> None:
        """Carry the original spelling of a field the model holds normalised."""
        value = record.get(key)
        normalise = SPELLINGS[(entity, key)]
        if isinstance(value, str) and normalise(value) is not None and normalise(value) != value:
            self.keep(draft, f"{entity}[{record['id']}].{key}", value, self.where(entity, record))

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
        return own, fields, groups, foreign

    def keep_foreign_attributes(self, draft: _Draft, foreign: list[Record]) -> None:
        for attribute in foreign:
            self.carry(draft, "attribute", attribute)

    # -------------------------------------------------------------- entities

    def organizations(self) -> dict[str, _Draft]:
        """Pass 1: every organization becomes an actor draft (by HSDS id)."""
        actors: dict[str, _Draft] = {}
        taken: set[str] = set()
        for record in self.rows("organization"):
            own, fields, groups, foreign = self.ki_values(str(record["id"]))
            slug = _slug(own, record.get("name"), "organisation", taken)
            draft = _Draft(
                "actor", str(record["id"]), {"id": slug}, {}, self.where("organization", record)
            )
            actors[str(record["id"])] = draft
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
        for draft in actors.values():  # parents, once every organization is known
            record = self.tables["organization"][draft.record_id]
            parent = record.get("parent_organization_id")
            if "parent" in draft.values or empty(parent):
                continue
            if str(parent) in actors:
                draft.values["parent"] = actors[str(parent)].values["id"]
            else:
                self.keep(
                    draft,
                    "parent_organization_id",
                    parent,
                    self.where("organization", record, "parent_organization_id"),
                    tr("the parent organization is not in the data"),
                )
        return actors

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
                    tr("not readable"),
                )

    def restore_extras(self, draft: _Draft, items: list[str]) -> None:
        for item in items:
            try:
                pair = json.loads(item)
                draft.extras[str(pair["key"])] = str(pair["value"])
            except (ValueError, KeyError, TypeError):
                self.keep(draft, "attribute:extra", item, draft.where, tr("not readable"))

    def services(self, actors: dict[str, _Draft]) -> dict[str, _Draft]:
        """Pass 2: every service becomes an offer draft (by HSDS id) of its actor."""
        offers: dict[str, _Draft] = {}
        taken: set[str] = set()
        for record in self.rows("service"):
            own, fields, groups, foreign = self.ki_values(str(record["id"]))
            slug = _slug(own, record.get("name"), "angebot", taken)
            draft = _Draft(
                "offer", str(record["id"]), {"id": slug}, {}, self.where("service", record)
            )
            offers[str(record["id"])] = draft
            if record["id"] != hsds_uuid("offer", slug):
                draft.extras["id"] = str(record["id"])
            values = draft.values
            org = actors.get(str(record.get("organization_id")))
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
                    tr(
                        "service {id} names no organization of the data; its actor is set to "
                        "'unbekannt'",
                        id=shorten(record["id"]),
                    ),
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
                    self.keep(draft, f"attribute:{code}", items, draft.where, tr("not readable"))
            values["eligibility"] = self.build(m.Eligibility, eligibility, draft, "eligibility.")
            self.keep_rest(draft, "service", record, used, prefix=False)
            self.keep_foreign_attributes(draft, foreign)
        return offers

    def service_at_locations(self, known: Known) -> Owners:
        """Pass 3: a service at a location makes the location a place of the offer."""
        found: Owners = {}
        for record in self.rows("service_at_location"):
            offer = known.offers.get(str(record.get("service_id")))
            owners = [offer] if offer is not None else []
            found[("service_at_location", str(record["id"]))] = owners
            location = str(record.get("location_id"))
            if offer is not None:
                if offer not in found.setdefault(("location", location), []):
                    found[("location", location)].append(offer)
                offer.ids.setdefault("ats", []).append(record)
            else:
                self.keep_record(known, [], "service_at_location", record)
        return found

    def settle_service_at_locations(self, known: Known) -> None:
        """After pass 4: the service-at-location of an offer's venue keeps its id (and
        carries its other fields); any other one is carried whole."""
        for offer in known.offers.values():
            for record in offer.ids.pop("ats", []):
                venue = offer.ids.get("venue")
                if "at" not in offer.ids and str(record.get("location_id")) == venue:
                    offer.ids["at"] = (str(record["id"]), venue)
                    used = {"id", "service_id", "location_id"}
                    self.keep_rest(offer, "service_at_location", record, used, True)
                else:
                    self.carry(offer, "service_at_location", record, "not at the offer's venue")

    def locations(self, known: Known, owners: Owners) -> Owners:
        """Pass 4: a location becomes the venue of its organization's actor and of the
        offers at it; its first address gives the venue's street, postal code and city."""
        addresses: dict[str, list[Record]] = {}
        for address in self.rows("address"):
            addresses.setdefault(str(address.get("location_id")), []).append(address)
        found: Owners = {}
        for record in self.rows("location"):
            location_id = str(record["id"])
            mine = list(owners.get(("location", location_id), []))
            org = known.actors.get(str(record.get("organization_id")))
            if org is not None and org not in mine:
                mine.insert(0, org)
            found[("location", location_id)] = mine
            if not mine:
                self.keep_record(known, [], "location", record)
                for address in addresses.get(location_id, []):
                    self.keep_record(known, [], "address", address)
                continue
            own, _, _, foreign = self.ki_values(location_id)
            for draft in mine:
                if "venue" in draft.values:
                    self.carry(draft, "location", record, tr("a second place"))
                    for address in addresses.get(location_id, []):
                        self.carry(draft, "address", address)
                    continue
                self.venue(draft, record, own, addresses.get(location_id, []))
                self.keep_foreign_attributes(draft, foreign)
                for code, items in own.items():
                    if code not in ("municipality", "street", "postal_code", "city"):
                        self.keep(
                            draft, f"location[{location_id}].attribute:{code}", items, draft.where
                        )
        return found

    def venue(
        self, draft: _Draft, record: Record, own: dict[str, list[str]], found: list[Record]
    ) -> None:
        """The venue of *draft* from a location, its project attributes and addresses.

        An address the export would write back the same (its street, postal code and
        city are the venue's) keeps its id and carries the rest of its fields; any
        other address is carried whole.
        """
        venue: dict[str, Any] = {"name": _str(record.get("name"))}
        used = {"id", "name"} | _own_links(draft, record)
        if record.get("location_type") in ("physical", None):
            used.add("location_type")
        for part in ("municipality", "street", "postal_code", "city"):
            if own.get(part):
                venue[part] = own[part][0]
        address = found[0] if found else None
        if address is not None:
            venue["street"] = _str(address.get("address_1"))
            venue["city"] = _str(address.get("city"))
            venue["postal_code"] = _str(address.get("postal_code"))
        quiet = _Draft(draft.kind, draft.record_id, draft.values, {}, draft.where)
        built = self.build(m.Venue, venue, quiet, "venue.")
        if address is not None and built is not None and _writes_back(address, built):
            draft.ids["address"] = str(address["id"])
            a_used = {"id", "location_id", "address_1", "city", "postal_code"}
            # The export derives the Land from the AGS of the place (else of the concept).
            lands = (
                [LAND_NAMES.get(built.municipality[:2])]
                if built.municipality
                else LAND_NAMES.values()
            )
            if _str(address.get("state_province")) in (None, *lands):
                a_used.add("state_province")
            if address.get("country") in ("DE", None):
                a_used.add("country")
            if address.get("address_type") in ("physical", None):
                a_used.add("address_type")
            self.keep_rest(draft, "address", address, a_used, prefix=True)
        elif address is not None:
            self.carry(draft, "address", address, tr("the export cannot write it from the venue"))
        for key, value in quiet.extras.items():  # values the model refused
            if address is None or key.removeprefix("venue.") not in (
                "street",
                "city",
                "postal_code",
            ):
                self.keep(draft, key, value, draft.where, tr("refused by the model"))
        for other in found[1:]:
            self.carry(draft, "address", other, tr("a second address"))
        draft.values["venue"] = built
        draft.ids["venue"] = str(record["id"])
        self.keep_rest(draft, "location", record, used, prefix=True)

    def contacts(self, known: Known, owners: Owners) -> Owners:
        """Pass 5: contacts (with their first phone) become contacts of their owners."""
        phones: dict[str, list[Record]] = {}
        for phone in self.rows("phone"):
            phones.setdefault(str(phone.get("contact_id")), []).append(phone)
        found: Owners = {}
        for record in self.rows("contact"):
            contact_id = str(record["id"])
            mine = _owners_by_links(record, owners)
            found[("contact", contact_id)] = mine
            if not mine:
                self.keep_record(known, [], "contact", record)
                continue
            own, _, _, foreign = self.ki_values(contact_id)
            numbers = phones.get(contact_id, [])
            for owner in mine:
                draft = _Draft("contact", contact_id, {}, {}, self.where("contact", record), owner)
                values = draft.values
                values["name"] = _str(record.get("name"))
                values["role"] = _str(record.get("title"))
                values["email"] = _str(record.get("email"))
                used = {"id", "name", "title", "email"} | _own_links(owner, record)
                if own.get("web"):
                    values["web"] = own["web"][0]
                first = numbers[0] if numbers and _number(numbers[0]) else None
                if first is not None:
                    values["phone"] = _number(first)
                    self.keep_phone(draft, first, {"contact_id"})
                for other in numbers:
                    if other is not first:
                        self.carry(owner, "phone", other, tr("a second or refused number"))
                if not (values["name"] or values["role"]):
                    values["role"] = _str(record.get("department")) or "Kontakt"
                    if record.get("department"):
                        used.add("department")
                self.keep_rest(draft, "contact", record, used, prefix=True)
                self.keep_foreign_attributes(draft, foreign)
                contact = self.build(m.Contact, values, draft, f"contact[{contact_id}].")
                if contact is not None:
                    owner.values.setdefault("contacts", []).append(contact)
                    number = str(first["id"]) if first is not None else None
                    owner.ids.setdefault("contacts", []).append((contact_id, number))
            for phone in numbers:
                found[("phone", str(phone["id"]))] = mine
        return found

    def keep_phone(self, draft: _Draft, record: Record, used: set[str]) -> None:
        """Carry what the model does not hold of a phone that became a contact's number."""
        self.keep_spelling(draft, "phone", record, "number")
        self.keep_rest(draft, "phone", record, {"id", "number", *used}, True)

    def loose_phones(self, known: Known, owners: Owners) -> Owners:
        """Pass 6: phones of no contact become a contact with the role ``Telefon``."""
        found: Owners = {}
        for record in self.rows("phone"):
            if ("phone", str(record["id"])) in owners:
                continue
            mine = _owners_by_links(record, owners)
            found[("phone", str(record["id"]))] = mine
            if not mine or _number(record) is None:
                why = "the model refuses its number" if mine else ""
                self.keep_record(known, mine, "phone", record, why)
                continue
            for owner in mine:
                draft = _Draft(
                    "contact",
                    str(record["id"]),
                    {"role": "Telefon"},
                    {},
                    self.where("phone", record),
                    owner,
                )
                draft.values["phone"] = _number(record)
                self.keep_phone(draft, record, set())
                contact = self.build(m.Contact, draft.values, draft, f"phone[{record['id']}].")
                if contact is not None:
                    owner.values.setdefault("contacts", []).append(contact)
                    owner.ids.setdefault("contacts", []).append((None, str(record["id"])))
        return found

    def schedules(self, known: Known, owners: Owners) -> Owners:
        """Pass 7: the first schedule of an offer gives its rule, times and validity."""
        found: Owners = {}
        for record in self.rows("schedule"):
            mine = [d for d in _owners_by_links(record, owners) if d.kind == "offer"]
            found[("schedule", str(record["id"]))] = mine
            if not mine:
                self.keep_record(known, _owners_by_links(record, owners), "schedule", record)
                continue
            own, _, _, foreign = self.ki_values(str(record["id"]))
            for draft in mine:
                if "schedule" in draft.values or "schedule_note" in draft.values:
                    self.carry(draft, "schedule", record, tr("a second schedule"))
                    continue
                self.schedule(draft, record, own)
                self.keep_foreign_attributes(draft, foreign)
        return found

    def schedule(self, draft: _Draft, record: Record, own: dict[str, list[str]]) -> None:
        used = {"id", "description"} | _own_links(draft, record)
        rule = own.get("rrule", [None])[0]
        if rule is not None:
            used |= set(rrule_fields(rule))
        else:
            rule, parts = self.rrule(record)
            used |= parts
        values: dict[str, Any] = {
            "schedule": rule,
            "schedule_note": _str(record.get("description")),
        }
        for column, attribute in (("opens_at", "start_time"), ("closes_at", "end_time")):
            clock = clock_of(record.get(column))
            if clock is not None:
                values[attribute] = clock
                used.add(column)
        start_time, end_time = values.get("start_time"), values.get("end_time")
        if start_time and end_time and end_time <= start_time:
            for column, attribute in (("opens_at", "start_time"), ("closes_at", "end_time")):
                del values[attribute]
                used.discard(column)
        for column in ("valid_from", "valid_to"):
            if empty(record.get(column)):
                continue
            try:
                values[column] = parse_date(record[column])
                used.add(column)
            except ValueError:
                pass
        start, end = values.get("valid_from"), values.get("valid_to")
        if start and end and end < start:
            del values["valid_to"]
            used.discard("valid_to")
        if start and text_of(record.get("dtstart")) == start.isoformat():
            used.add("dtstart")  # the export counts the rule from the first day
        if not any(v is not None for v in values.values()):
            self.carry(draft, "schedule", record, tr("the model holds none of its values"))
            return
        draft.values.update(values)
        draft.ids["schedule"] = str(record["id"])
        for column in ("opens_at", "closes_at"):
            if column in used:
                self.keep_spelling(draft, "schedule", record, column)
        self.keep_rest(draft, "schedule", record, used, prefix=True)

    def rrule(self, record: Record) -> tuple[str | None, set[str]]:
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

    def languages(self, known: Known, owners: Owners) -> None:
        """Pass 8: languages of a service become the offer's language codes."""
        for record in self.rows("language"):
            offer = known.offers.get(str(record.get("service_id")))
            if offer is None:
                mine = _owners_by_links(record, owners)
                phone = owners.get(("phone", str(record.get("phone_id"))), [])
                self.keep_record(known, mine or phone, "language", record)
                continue
            code = _str(record.get("code")) or _str(record.get("name"))
            if code is None:
                self.carry(offer, "language", record, tr("it names no language"))
                continue
            used = {"id", "code", "service_id"}
            offer.values.setdefault("languages", []).append(code)
            offer.ids.setdefault("languages", []).append(str(record["id"]))
            if _str(record.get("name")) in (None, code, LANGUAGE_NAMES.get(code)):
                used.add("name")
            self.keep_rest(offer, "language", record, used, prefix=True)

    def cost_options(self, known: Known) -> None:
        """Pass 9: the first cost option of an offer gives its price in EUR and note."""
        for record in self.rows("cost_option"):
            offer = known.offers.get(str(record.get("service_id")))
            if offer is None:
                self.keep_record(known, [], "cost_option", record)
                continue
            if "cost" in offer.values or "cost_note" in offer.values:
                self.carry(offer, "cost_option", record, tr("a second price"))
                continue
            used = {"id", "service_id", "amount_description"}
            amount = decimal_of(record.get("amount"))
            currency = _str(record.get("currency"))
            note = _str(record.get("amount_description"))
            if amount is not None and amount >= 0 and currency_text(currency) in (None, "EUR"):
                offer.values["cost"] = amount
                used |= {"amount", "currency"}
                self.keep_spelling(offer, "cost_option", record, "currency")
            elif note is None:
                self.carry(offer, "cost_option", record, tr("the model holds none of its values"))
                continue
            offer.values["cost_note"] = note
            offer.ids["cost"] = str(record["id"])
            self.keep_rest(offer, "cost_option", record, used, prefix=True)

    def other_tables(self, known: Known, owners: Owners) -> None:
        """Pass 10: records of tables the model has no place for are carried whole by
        the actors and offers they belong to; attributes of records no pass mapped and
        foreign taxonomies no carried attribute uses likewise."""
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
                mine = _owners_by_links(record, owners)
                if not mine and entity == "metadata":
                    mine = _owners_of_any(str(record.get("resource_id")), owners)
                self.keep_record(known, mine, entity, record)
        mapped = {
            key for (entity, key), drafts in owners.items() if drafts and entity in _KI_LINKED
        }
        for record in self.rows("attribute"):
            if str(record.get("link_id")) in mapped:
                continue  # read by ki_values: project values, or carried as foreign
            mine = _owners_of_any(str(record.get("link_id")), owners)
            self.keep_record(known, mine, "attribute", record)
        carried = {
            key
            for draft in (*known.actors.values(), *known.offers.values())
            for key in draft.extras
        }
        for entity in ("taxonomy_term", "taxonomy"):
            for record in self.rows(entity):
                if f"{entity}[{record['id']}]" in carried:
                    continue
                if _own_taxonomy(entity, record, self.tables):
                    continue
                if known.fallback is None:
                    self.keep_record(known, [], entity, record)
                else:
                    self.carry(
                        known.fallback, entity, record, tr("no attribute of the data uses it")
                    )

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
        """The model objects of *drafts*; a draft the model refuses is an error finding."""
        built = []
        for draft in drafts.values():
            values = dict(draft.values)
            for key in ("contacts", "languages"):
                if key in values:
                    values[key] = tuple(values[key])
            draft.kept = _kept_ids(draft)
            values["extras"] = (*draft.extras.items(), *draft.kept.items())
            if not str(values.get("name") or "").strip():
                self.note(
                    "hsds-invalid",
                    Severity.ERROR,
                    tr(
                        "the {kind} {id} has no name",
                        kind=_kind_name(path[:-1]),
                        id=shorten(draft.record_id),  # as every message of the import
                    ),
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


#: Records a carried record brings along: entity -> ((its column, entity linked), …).
_CARRIED_LINKS: Final = {
    "attribute": (("taxonomy_term_id", "taxonomy_term"),),
    "taxonomy_term": (("taxonomy_id", "taxonomy"), ("parent_id", "taxonomy_term")),
}

#: Entities whose records' attributes the passes read (:meth:`Mapper.ki_values`).
_KI_LINKED: Final = frozenset({"organization", "service", "location", "contact", "schedule"})


def _slug(own: dict[str, list[str]], name: Any, fallback: str, taken: set[str]) -> str:
    """A slug for an actor or offer not in *taken* (the project id, else from the name)."""
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


def _owners_by_links(record: Record, owners: Owners) -> list[_Draft]:
    """The drafts owning the record a link column of *record* points at: its
    organization's, and those of the first other link that has owners."""
    found: list[_Draft] = []
    for column, entity in (
        ("organization_id", "organization"),
        ("service_id", "service"),
        ("service_at_location_id", "service_at_location"),
        ("location_id", "location"),
    ):
        for draft in owners.get((entity, str(record.get(column))), []):
            if draft not in found:
                found.append(draft)
        if found and column != "organization_id":
            break
    return found


def _number(phone: Record) -> str | None:
    """The number of a *phone* as the model holds it; ``None`` when it refuses it."""
    number = phone_text(phone.get("number"))
    try:
        return m.Contact(role="Telefon", phone=number).phone if number else None
    except InvalidValueError:
        return None


def _owners_of_any(record_id: str, owners: Owners) -> list[_Draft]:
    for (_entity, key), drafts in owners.items():
        if key == record_id and drafts:
            return drafts
    return []


def _own_links(draft: _Draft, record: Record) -> set[str]:
    """The link columns of *record* the export writes itself for *draft*: the one
    naming its organization or service. Every other link is carried."""
    column = {"actor": "organization_id", "offer": "service_id"}.get(draft.target.kind)
    if column is not None and str(record.get(column)) == draft.target.record_id:
        return {column}
    return set()


def _writes_back(address: Record, venue: m.Venue) -> bool:
    """Whether the export writes *address* from *venue* with the same street, city and
    postal code (it writes an address only when all three are known)."""
    return all(
        value is not None and _str(address.get(column)) == value
        for column, value in (
            ("address_1", venue.street),
            ("city", venue.city),
            ("postal_code", venue.postal_code),
        )
    )


def _own_taxonomy(entity: str, record: Record, tables: Tables) -> bool:
    """Whether *record* (a taxonomy or term) belongs to a taxonomy the export writes."""
    name = record.get("name") if entity == "taxonomy" else _taxonomy_of(record, tables)
    return isinstance(name, str) and name in _OWN_TAXONOMIES


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


def _kept_ids(draft: _Draft) -> dict[str, str]:
    """``hsds-id:<derived id>`` -> original id, for the parts whose HSDS id differs from
    the one the export derives (see the id functions of :mod:`._common`).

    A part shared by several owners (one location of an organization and its service)
    keeps its id with each of them; the export writes it once."""
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
    return {ID_KEY + derived: original for derived, original in pairs if derived != original}


def _kind_name(kind: str) -> str:
    """The name of a draft's *kind* (``actor``, ``offer``, ``contact``) or of an HSDS
    record (``organization``, ``service``) in the language of the run (Akteur, Dienst)."""
    names = {
        "actor": tr("actor"),
        "offer": tr("offer"),
        "contact": tr("contact"),
        "organization": tr("organization"),
        "service": tr("service"),
    }
    return names.get(kind, kind)
