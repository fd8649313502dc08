"""Message templates of the built-in findings: English ids of the ``messages`` catalogue.

A template is keyed by the finding code, or by ``code/variant`` where one code has more
than one wording. Placeholders are filled with :meth:`str.format`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import Severity
from .._i18n import tr

__all__ = [
    "LABELS",
    "MESSAGES",
    "SEVERITY_LABELS",
    "label",
    "quote",
    "render",
    "severity_label",
    "templates",
]

#: key -> English message id of the ``messages`` catalogue (German in
#: locale/de/LC_MESSAGES/messages.po).
MESSAGES: Mapping[str, str] = {
    "duplicate-id": "{subject}: the id “{id}” is already used by {first}.",
    "unknown-reference": "{subject}: there is no {kind} “{ref}” in the concept.",
    "unknown-reference/case": (
        "{subject}: there is no {kind} “{ref}” in the concept; meant is probably “{meant}” "
        "(a code is written in its own capitals and small letters)."
    ),
    "unknown-reference/lost-zero": (
        "{subject}: there is no {kind} “{ref}” in the concept; did the AGS lose its "
        'leading zero? Write it in quotes: "{meant}".'
    ),
    "territory-unknown-ags": (
        "the AGS {ags} does not exist in the Gemeindeverzeichnis (Gebietsstand {stand})."
    ),
    "territory-name-mismatch": "territory “{name}”: {ags} is {official} – did you mean {meant}?",
    "territory-name-mismatch/no-guess": (
        "territory “{name}”: {ags} is {official}; the name does not fit the AGS."
    ),
    "territory-unincorporated": (
        "the concept's territory {place} is a {designation}, an area without a Gemeinde "
        "of its own, without a council and without an Integrationskonzept of its own; "
        "the Kreis is responsible for it: give the AGS of the Kreis ({kreis}: "
        "{kreis_ags}) or of a neighbouring Gemeinde."
    ),
    "territory-bezirk-population": (
        "territory “{name}”: a Bezirk of {city} without its own population; figures per "
        "inhabitant would use the whole city's ({population}): enter population and "
        "population_date."
    ),
    "territory-bezirk-population/unknown": (
        "territory “{name}”: a Bezirk of {city} without its own population, and the "
        "Gemeindeverzeichnis gives none for {city}: figures per inhabitant are missing; "
        "enter population and population_date."
    ),
    "parent-cycle": "{subject}: the parents form a cycle ({cycle}).",
    "measure-outside-validity": (
        "{subject}: the timeframe ({timeframe}) is not within the concept's validity ({validity})."
    ),
    "meeting-outside-network": (
        "{subject}: the meeting on {date} lies outside the existence of the network "
        "“{network}” ({existence})."
    ),
    "status-history-order": (
        "{subject}: the status history is not in time order: the entry of {later} comes "
        "before the one of {earlier}."
    ),
    "status-history-order/same-day": (
        "{subject}: the status history gives two different states for {date} ({first} and "
        "{second})."
    ),
    "percentage-out-of-range": "{subject}: the percentage {value} % is not between 0 and 100.",
    "numerator-exceeds-denominator": (
        "{subject}: the numerator ({numerator}) is larger than the denominator "
        "({denominator}) although the indicator “{indicator}” is a proportion."
    ),
    "negative-count": (
        "{subject}: the value {value} is negative but the indicator “{indicator}” is a count."
    ),
    "value-mismatch": (
        "{subject}: the value {value} does not match numerator and denominator ({numerator} "
        "/ {denominator} × {scale} = {expected})."
    ),
    "duplicate-target": (
        "{subject}: there is already a target for this indicator, territory and period."
    ),
    "duplicate-target/baseline": (
        "{subject}: there is already a baseline for this indicator, territory and period."
    ),
    "duplicate-observation": (
        "{subject}: there is already a value for this indicator, territory, period and breakdown."
    ),
    "target-outside-validity": (
        "{subject}: the period {period} lies outside the concept's validity ({validity})."
    ),
    "stale-entry": "{subject}: last verified on {date}, {ago}.",
    "unverified-entry": "{subject}: there is no date of the last verification.",
    "invalid-schedule": (
        "{subject}: “{value}” is not an RFC 5545 recurrence rule (e.g. FREQ=WEEKLY;BYDAY=TU "
        "for Tuesdays); times of day go into the times in words."
    ),
    "invalid-language": (
        "{subject}: “{value}” is not an ISO 639 / BCP 47 language code (e.g. de, ar, uk)."
    ),
    "missing-translation": (
        "{subject}: no translation into {missing}; the Wegweiser shows the German text there."
    ),
    "invalid-language/hint": (
        "{subject}: “{value}” is not an ISO 639 / BCP 47 language code; “{tag}” ({name}) is "
        "probably meant."
    ),
    "unknown-category": (
        "{subject}: the category “{value}” is not in the catalogue of actor categories."
    ),
    "unknown-category/hint": (
        "{subject}: the category “{value}” is not in the catalogue of actor categories; "
        "“{close}” is probably meant."
    ),
    "unknown-target-group": (
        "{subject}: the target group “{value}” is not in the catalogue of target groups."
    ),
    "unknown-target-group/hint": (
        "{subject}: the target group “{value}” is not in the catalogue of target groups; "
        "“{close}” is probably meant."
    ),
    "invalid-expression": (
        "{subject}: the expression “{expression}” is not allowed: use names of data "
        "elements, numbers, + - * / and parentheses."
    ),
    "unknown-data-element": (
        "{subject}: the expression “{expression}” uses the data element {element}, which has "
        "no values in the concept."
    ),
    "accepted-finding-unused": (
        "The finding {accepted_code} about “{subject}” accepted on {date} matches no warning "
        "or info of this run (errors cannot be accepted)."
    ),
    "duplicate-structure": (
        "Possible duplicate structure: offer “{offer_a}” ({actor_a}) and offer “{offer_b}” "
        "({actor_b}) {fields}, for {groups}, {places}, at the same time: {weekdays} {hours} "
        "({days} in the period {period}, first on {first})."
    ),
    "duplicate-structure-unconfirmed": (
        "Perhaps a duplicate structure: offer “{offer_a}” ({actor_a}) and offer “{offer_b}” "
        "({actor_b}) {fields}, for {groups}, {places}; whether they "
        "take place at the same time is unknown: no schedule (RRULE) is given for {missing}."
    ),
    "duplicate-structure-unconfirmed/days": (
        "Perhaps a duplicate structure: offer “{offer_a}” ({actor_a}) and offer “{offer_b}” "
        "({actor_b}) {fields}, for {groups}, {places}, on the same days: {weekdays} "
        "({days} in the period {period}); whether the hours overlap is unknown: no hours "
        "are given for {missing}."
    ),
    "coverage-gap": "{town} ({ags}): no current offer in the field of action “{field}”.",
    "coverage-gap/everywhere": (
        "field of action “{field}”: no current offer in any of the {count} municipalities."
    ),
    "incomplete-period": (
        "indicator “{indicator}”: there is no value or reason for {territory} in the period "
        "{period}."
    ),
    "incomplete-period/no-reason": (
        "indicator “{indicator}”: the value for {territory} in the period {period} is marked "
        "missing but gives no reason."
    ),
    "incomplete-period/parts-only": (
        "indicator “{indicator}”: {territory} has values for parts of the period {period} "
        "only, but none for {period} itself. Enter it, or declare with “over_time” (sum, "
        "last, mean) how the parts combine."
    ),
    "incomplete-period/parts-gap": (
        "indicator “{indicator}”: {territory} lacks a value for a part (quarter or month) "
        "that the value for {period} is combined from."
    ),
    "overlong-name": (
        "{subject}: the name is {length} characters long; a name in the report's tables "
        "has at most {limit}: is it a description in the wrong column?"
    ),
    "offer-unreachable": (
        "{subject}: neither the offer nor its provider gives a phone number, e-mail or "
        "postal address."
    ),
    "measure-without-responsible": "{subject}: no responsible actor is given.",
    "measure-without-timeframe": "{subject}: no timeframe is given.",
    "measure-without-indicator": "{subject}: no indicator is given to measure it.",
}

#: collection -> English singular (a message id; German in the catalogue)
LABELS: Mapping[str, str] = {
    "concept": "concept",
    "territories": "territory",
    "decisions": "decision",
    "fields": "field of action",
    "goals": "goal",
    "measures": "measure",
    "actors": "actor",
    "offers": "offer",
    "funding": "funding",
    "indicators": "indicator",
    "targets": "target",
    "baselines": "baseline",
    "observations": "value",
    "networks": "network",
    "meetings": "meeting",
    "legal_bases": "legal basis",
}

SEVERITY_LABELS: Mapping[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "info",
}


def label(collection: str, lang: str) -> str:
    """Return the singular label of *collection* (``Angebot`` / ``offer``)."""
    return tr(LABELS[collection], lang=lang)


def severity_label(severity: Severity, lang: str) -> str:
    """Return the word for *severity* (``Warnung`` / ``warning``)."""
    return tr(SEVERITY_LABELS[severity], lang=lang)


def quote(text: str, lang: str) -> str:
    """Quote *text* the German (``„…“``) or English (``“…”``) way."""
    return f"„{text}“" if lang != "en" else f"“{text}”"


def templates(lang: str) -> dict[str, str]:
    """Return every message template in *lang* (``de`` or ``en``), keyed like :data:`MESSAGES`."""
    return {key: tr(message, lang=lang) for key, message in MESSAGES.items()}


def render(key: str, lang: str, params: Mapping[str, Any]) -> str:
    """Fill the template *key* in *lang* (``de`` or ``en``) with *params*."""
    return tr(MESSAGES[key], lang=lang, **params)
