"""The HSDS 3.0 tables: names, files and fields (from the official tabular data package).

Field specs are ``(name, type, format, required, enum)`` as in the ``datapackage.json`` of
Open Referral HSDS 3.0 (openreferral/specification, branch 3.0), licensed CC BY-SA 4.0.
"""

from __future__ import annotations

from typing import Final

__all__ = ["HSDS_VERSION", "TABLES", "Field", "Table"]

HSDS_VERSION: Final = "3.0.0"

Field = tuple[str, str, str | None, bool, tuple[str, ...]]
Table = tuple[str, tuple[Field, ...]]

#: entity name -> (file name, fields), in the order of the official package.
TABLES: Final[dict[str, Table]] = {
    "organization": (
        "organizations.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("name", "string", None, True, ()),
            ("alternate_name", "string", None, False, ()),
            ("description", "string", None, True, ()),
            ("email", "string", "email", False, ()),
            ("website", "string", "uri", False, ()),
            ("tax_status", "string", None, False, ()),
            ("tax_id", "string", None, False, ()),
            ("year_incorporated", "number", None, False, ()),
            ("legal_status", "string", None, False, ()),
            ("logo", "string", None, False, ()),
            ("uri", "string", "uri", False, ()),
            ("parent_organization_id", "string", "uuid", False, ()),
        ),
    ),
    "program": (
        "programs.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("organization_id", "string", "uuid", True, ()),
            ("name", "string", None, True, ()),
            ("alternate_name", "string", None, False, ()),
            ("description", "string", None, True, ()),
        ),
    ),
    "service": (
        "services.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("organization_id", "string", "uuid", True, ()),
            ("program_id", "string", "uuid", False, ()),
            ("name", "string", None, True, ()),
            ("alternate_name", "string", None, False, ()),
            ("description", "string", None, False, ()),
            ("url", "string", "uri", False, ()),
            ("email", "string", "email", False, ()),
            (
                "status",
                "string",
                None,
                True,
                ("active", "inactive", "defunct", "temporarily closed"),
            ),
            ("interpretation_services", "string", None, False, ()),
            ("application_process", "string", None, False, ()),
            ("fees_description", "string", None, False, ()),
            ("wait_time", "string", None, False, ()),
            ("fees", "string", None, False, ()),
            ("accreditations", "string", None, False, ()),
            ("eligibility_description", "string", None, False, ()),
            ("minimum_age", "number", None, False, ()),
            ("maximum_age", "number", None, False, ()),
            ("assured_date", "date", None, False, ()),
            ("assurer_email", "string", "email", False, ()),
            ("licenses", "string", None, False, ()),
            ("alert", "string", None, False, ()),
            ("last_modified", "datetime", None, False, ()),
        ),
    ),
    "attribute": (
        "attributes.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("link_id", "string", "uuid", True, ()),
            ("taxonomy_term_id", "string", "uuid", True, ()),
            ("link_type", "string", None, False, ()),
            ("link_entity", "string", None, True, ()),
            ("value", "string", None, False, ()),
        ),
    ),
    "service_at_location": (
        "service_at_location.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("service_id", "string", "uuid", True, ()),
            ("location_id", "string", "uuid", True, ()),
            ("description", "string", None, False, ()),
        ),
    ),
    "location": (
        "locations.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("location_type", "string", None, True, ("physical", "postal", "virtual")),
            ("url", "string", "uri", False, ()),
            ("organization_id", "string", "uuid", False, ()),
            ("name", "string", None, False, ()),
            ("alternate_name", "string", None, False, ()),
            ("description", "string", None, False, ()),
            ("transportation", "string", None, False, ()),
            ("latitude", "number", None, False, ()),
            ("longitude", "number", None, False, ()),
            ("external_identifier", "string", None, False, ()),
            ("external_identifier_type", "string", None, False, ()),
        ),
    ),
    "phone": (
        "phones.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("location_id", "string", "uuid", False, ()),
            ("service_id", "string", "uuid", False, ()),
            ("organization_id", "string", "uuid", False, ()),
            ("contact_id", "string", "uuid", False, ()),
            ("service_at_location_id", "string", "uuid", False, ()),
            ("number", "string", None, True, ()),
            ("extension", "number", None, False, ()),
            ("type", "string", None, False, ()),
            ("description", "string", None, False, ()),
        ),
    ),
    "contact": (
        "contacts.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("organization_id", "string", "uuid", False, ()),
            ("service_id", "string", "uuid", False, ()),
            ("service_at_location_id", "string", "uuid", False, ()),
            ("location_id", "string", "uuid", False, ()),
            ("name", "string", None, False, ()),
            ("title", "string", None, False, ()),
            ("department", "string", None, False, ()),
            ("email", "string", "email", False, ()),
        ),
    ),
    "address": (
        "addresses.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("location_id", "string", "uuid", False, ()),
            ("attention", "string", None, False, ()),
            ("address_1", "string", None, True, ()),
            ("address_2", "string", None, False, ()),
            ("city", "string", None, True, ()),
            ("region", "string", None, False, ()),
            ("state_province", "string", None, True, ()),
            ("postal_code", "string", None, True, ()),
            ("country", "string", None, True, ()),
            ("address_type", "string", None, True, ("physical", "postal", "virtual")),
        ),
    ),
    "schedule": (
        "schedules.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("service_id", "string", "uuid", False, ()),
            ("location_id", "string", "uuid", False, ()),
            ("service_at_location_id", "string", "uuid", False, ()),
            ("valid_from", "date", None, False, ()),
            ("valid_to", "date", None, False, ()),
            ("dtstart", "date", None, False, ()),
            ("timezone", "number", None, False, ()),
            ("until", "date", None, False, ()),
            ("count", "number", None, False, ()),
            ("wkst", "string", None, False, ("MO", "TU", "WE", "TH", "FR", "SA", "SU")),
            ("freq", "string", None, False, ("WEEKLY", "MONTHLY")),
            ("interval", "number", None, False, ()),
            ("byday", "string", None, False, ()),
            ("byweekno", "string", None, False, ()),
            ("bymonthday", "string", None, False, ()),
            ("byyearday", "string", None, False, ()),
            ("description", "string", None, False, ()),
            ("opens_at", "time", None, False, ()),
            ("closes_at", "time", None, False, ()),
            ("schedule_link", "string", "uri", False, ()),
            ("attending_type", "string", None, False, ()),
            ("notes", "string", None, False, ()),
        ),
    ),
    "funding": (
        "funding.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("organization_id", "string", "uuid", False, ()),
            ("service_id", "string", "uuid", False, ()),
            ("source", "string", None, False, ()),
        ),
    ),
    "service_area": (
        "service_areas.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("service_id", "string", "uuid", False, ()),
            ("name", "string", None, False, ()),
            ("description", "string", None, False, ()),
            ("extent", "string", None, False, ()),
            ("extent_type", "string", None, False, ()),
            ("uri", "string", None, False, ()),
        ),
    ),
    "required_document": (
        "required_documents.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("service_id", "string", "uuid", False, ()),
            ("document", "string", None, False, ()),
            ("uri", "string", "uri", False, ()),
        ),
    ),
    "language": (
        "languages.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("service_id", "string", "uuid", False, ()),
            ("location_id", "string", "uuid", False, ()),
            ("phone_id", "string", "uuid", False, ()),
            ("name", "string", None, False, ()),
            ("code", "string", None, False, ()),
            ("note", "string", None, False, ()),
        ),
    ),
    "accessibility": (
        "accessibility.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("location_id", "string", "uuid", False, ()),
            ("description", "string", None, False, ()),
            ("details", "string", None, False, ()),
            ("url", "string", "uri", False, ()),
        ),
    ),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("code", "string", None, False, ()),
            ("name", "string", None, True, ()),
            ("description", "string", None, True, ()),
            ("parent_id", "string", "uuid", False, ()),
            ("taxonomy", "string", None, False, ()),
            ("language", "string", None, False, ()),
            ("taxonomy_id", "string", "uuid", False, ()),
            ("term_uri", "string", "uri", False, ()),
        ),
    ),
    "metadata": (
        "metadata.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("resource_id", "string", "uuid", True, ()),
            ("resource_type", "string", None, True, ()),
            ("last_action_date", "date", None, True, ()),
            ("last_action_type", "string", None, True, ()),
            ("field_name", "string", None, True, ()),
            ("previous_value", "string", None, True, ()),
            ("replacement_value", "string", None, True, ()),
            ("updated_by", "string", None, True, ()),
        ),
    ),
    "meta_table_description": (
        "meta_table_descriptions.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("name", "string", None, False, ()),
            ("language", "string", None, False, ()),
            ("character_set", "string", None, False, ()),
        ),
    ),
    "cost_option": (
        "cost_options.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("service_id", "string", "uuid", True, ()),
            ("valid_from", "date", None, False, ()),
            ("valid_to", "date", None, False, ()),
            ("option", "string", None, False, ()),
            ("currency", "string", None, False, ()),
            ("amount", "number", None, False, ()),
            ("amount_description", "string", None, False, ()),
        ),
    ),
    "organization_identifier": (
        "organization_identifiers.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("organization_id", "string", "uuid", True, ()),
            ("identifier_scheme", "string", None, False, ()),
            ("identifier_type", "string", None, True, ()),
            ("identifier", "string", None, True, ()),
        ),
    ),
    "taxonomy": (
        "taxonomies.csv",
        (
            ("id", "string", "uuid", True, ()),
            ("name", "string", None, True, ()),
            ("description", "string", None, True, ()),
            ("uri", "string", "uri", False, ()),
            ("version", "string", None, False, ()),
        ),
    ),
}
