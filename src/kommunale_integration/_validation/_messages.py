"""Message templates of the built-in findings, in German and English, in one table.

A template is keyed by the finding code, or by ``code/variant`` where one code has more
than one wording. Placeholders are filled with :meth:`str.format`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import Severity

__all__ = ["LABELS", "MESSAGES", "SEVERITY_LABELS", "label", "quote", "render", "templates"]

#: key -> (German, English)
MESSAGES: Mapping[str, tuple[str, str]] = {
    # structure and references
    "duplicate-id": (
        "{subject}: Die Kennung „{id}“ ist bereits bei {first} vergeben.",
        "{subject}: the id “{id}” is already used by {first}.",
    ),
    "unknown-reference": (
        "{subject}: {kind} „{ref}“ gibt es im Konzept nicht.",
        "{subject}: there is no {kind} “{ref}” in the concept.",
    ),
    "territory-unknown-ags": (
        "Den AGS {ags} gibt es im Gemeindeverzeichnis (Gebietsstand {stand}) nicht.",
        "the AGS {ags} does not exist in the Gemeindeverzeichnis (Gebietsstand {stand}).",
    ),
    "territory-name-mismatch": (
        "Gebiet „{name}“: {ags} ist {official} – gemeint: {meant}?",
        "territory “{name}”: {ags} is {official} – did you mean {meant}?",
    ),
    "territory-name-mismatch/no-guess": (
        "Gebiet „{name}“: {ags} ist {official}; der Name passt nicht zum AGS.",
        "territory “{name}”: {ags} is {official}; the name does not fit the AGS.",
    ),
    "parent-cycle": (
        "{subject}: Die übergeordneten Einträge bilden einen Kreis ({cycle}).",
        "{subject}: the parents form a cycle ({cycle}).",
    ),
    # dates
    "measure-outside-validity": (
        "{subject}: Der Zeitrahmen ({timeframe}) liegt nicht innerhalb der Geltungsdauer "
        "des Konzepts ({validity}).",
        "{subject}: the timeframe ({timeframe}) is not within the concept's validity ({validity}).",
    ),
    "meeting-outside-network": (
        "{subject}: Die Sitzung am {date} liegt außerhalb der Bestehenszeit des Netzwerks "
        "„{network}“ ({existence}).",
        "{subject}: the meeting on {date} lies outside the existence of the network "
        "“{network}” ({existence}).",
    ),
    "status-history-order": (
        "{subject}: Der Statusverlauf ist nicht zeitlich geordnet: der Eintrag vom {later} "
        "steht vor dem vom {earlier}.",
        "{subject}: the status history is not in time order: the entry of {later} comes "
        "before the one of {earlier}.",
    ),
    "status-history-order/same-day": (
        "{subject}: Der Statusverlauf nennt für den {date} zwei verschiedene Status "
        "({first} und {second}).",
        "{subject}: the status history gives two different states for {date} "
        "({first} and {second}).",
    ),
    # numbers
    "percentage-out-of-range": (
        "{subject}: Der Anteil {value} % liegt nicht zwischen 0 und 100.",
        "{subject}: the percentage {value} % is not between 0 and 100.",
    ),
    "numerator-exceeds-denominator": (
        "{subject}: Der Zähler ({numerator}) ist größer als der Nenner ({denominator}), "
        "obwohl die Kennzahl „{indicator}“ ein Anteil ist.",
        "{subject}: the numerator ({numerator}) is larger than the denominator "
        "({denominator}) although the indicator “{indicator}” is a proportion.",
    ),
    "negative-count": (
        "{subject}: Der Wert {value} ist negativ, die Kennzahl „{indicator}“ ist aber eine Anzahl.",
        "{subject}: the value {value} is negative but the indicator “{indicator}” is a count.",
    ),
    "value-mismatch": (
        "{subject}: Der Wert {value} passt nicht zu Zähler und Nenner "
        "({numerator} / {denominator} × {scale} = {expected}).",
        "{subject}: the value {value} does not match numerator and denominator "
        "({numerator} / {denominator} × {scale} = {expected}).",
    ),
    "duplicate-target": (
        "{subject}: Für diese Kennzahl, dieses Gebiet und diesen Zeitraum gibt es bereits "
        "einen Zielwert.",
        "{subject}: there is already a target for this indicator, territory and period.",
    ),
    "duplicate-target/baseline": (
        "{subject}: Für diese Kennzahl, dieses Gebiet und diesen Zeitraum gibt es bereits "
        "einen Ausgangswert.",
        "{subject}: there is already a baseline for this indicator, territory and period.",
    ),
    "duplicate-observation": (
        "{subject}: Für diese Kennzahl, dieses Gebiet, diesen Zeitraum und diese "
        "Aufgliederung gibt es bereits einen Wert.",
        "{subject}: there is already a value for this indicator, territory, period and breakdown.",
    ),
    "target-outside-validity": (
        "{subject}: Der Zeitraum {period} liegt außerhalb der Geltungsdauer des Konzepts "
        "({validity}).",
        "{subject}: the period {period} lies outside the concept's validity ({validity}).",
    ),
    # currency
    "stale-entry": (
        "{subject}: zuletzt am {date} überprüft, vor mehr als {months} Monaten.",
        "{subject}: last verified on {date}, more than {months} months ago.",
    ),
    "unverified-entry": (
        "{subject}: Es ist nicht angegeben, wann der Eintrag zuletzt überprüft wurde.",
        "{subject}: there is no date of the last verification.",
    ),
    # values the model stores as text
    "invalid-schedule": (
        "{subject}: „{value}“ ist keine Terminregel nach RFC 5545 (z. B. "
        "FREQ=WEEKLY;BYDAY=TU für dienstags); Uhrzeiten gehören in die Zeiten in Worten.",
        "{subject}: “{value}” is not an RFC 5545 recurrence rule (e.g. "
        "FREQ=WEEKLY;BYDAY=TU for Tuesdays); times of day go into the times in words.",
    ),
    "invalid-language": (
        "{subject}: „{value}“ ist kein Sprachcode nach ISO 639 / BCP 47 (z. B. de, ar, uk).",
        "{subject}: “{value}” is not an ISO 639 / BCP 47 language code (e.g. de, ar, uk).",
    ),
    "missing-translation": (
        "{subject}: Übersetzung fehlt für {missing}; der Wegweiser zeigt dort den deutschen Text.",
        "{subject}: no translation into {missing}; the Wegweiser shows the German text there.",
    ),
    "invalid-language/hint": (
        "{subject}: „{value}“ ist kein Sprachcode nach ISO 639 / BCP 47; gemeint ist wohl "
        "„{tag}“ ({name}).",
        "{subject}: “{value}” is not an ISO 639 / BCP 47 language code; “{tag}” ({name}) "
        "is probably meant.",
    ),
    "unknown-category": (
        "{subject}: Die Kategorie „{value}“ steht nicht im Katalog der Akteurskategorien.",
        "{subject}: the category “{value}” is not in the catalogue of actor categories.",
    ),
    "unknown-category/hint": (
        "{subject}: Die Kategorie „{value}“ steht nicht im Katalog der Akteurskategorien; "
        "gemeint ist wohl „{close}“.",
        "{subject}: the category “{value}” is not in the catalogue of actor categories; "
        "“{close}” is probably meant.",
    ),
    "unknown-target-group": (
        "{subject}: Die Zielgruppe „{value}“ steht nicht im Katalog der Zielgruppen.",
        "{subject}: the target group “{value}” is not in the catalogue of target groups.",
    ),
    "unknown-target-group/hint": (
        "{subject}: Die Zielgruppe „{value}“ steht nicht im Katalog der Zielgruppen; "
        "gemeint ist wohl „{close}“.",
        "{subject}: the target group “{value}” is not in the catalogue of target groups; "
        "“{close}” is probably meant.",
    ),
    "invalid-expression": (
        "{subject}: Der Ausdruck „{expression}“ ist nicht erlaubt: erlaubt sind Namen von "
        "Datenelementen, Zahlen, + - * / und Klammern.",
        "{subject}: the expression “{expression}” is not allowed: use names of data "
        "elements, numbers, + - * / and parentheses.",
    ),
    "unknown-data-element": (
        "{subject}: Der Ausdruck „{expression}“ verwendet das Datenelement {element}, für "
        "das es im Konzept keine Werte gibt.",
        "{subject}: the expression “{expression}” uses the data element {element}, which "
        "has no values in the concept.",
    ),
    # accepted findings
    "accepted-finding-unused": (
        "Der am {date} akzeptierte Befund {accepted_code} zu „{subject}“ passt zu keiner "
        "Warnung und keinem Hinweis dieser Prüfung (Fehler lassen sich nicht akzeptieren).",
        "The finding {accepted_code} about “{subject}” accepted on {date} matches no "
        "warning or info of this run (errors cannot be accepted).",
    ),
    # duplicate structures and coverage
    "duplicate-structure": (
        "Mögliche Doppelstruktur: Angebot „{offer_a}“ ({actor_a}) und Angebot „{offer_b}“ "
        "({actor_b}) im Handlungsfeld {fields}, für {groups}, {places}, zur selben Zeit: "
        "{weekdays} {hours} Uhr ({days} gemeinsame Tage im Zeitraum {period}, zuerst am "
        "{first}).",
        "Possible duplicate structure: offer “{offer_a}” ({actor_a}) and offer “{offer_b}” "
        "({actor_b}) in the field of action {fields}, for {groups}, {places}, at the "
        "same time: {weekdays} {hours} ({days} common days in the period {period}, first "
        "on {first}).",
    ),
    "duplicate-structure-unconfirmed": (
        "Vielleicht eine Doppelstruktur: Angebot „{offer_a}“ ({actor_a}) und Angebot "
        "„{offer_b}“ ({actor_b}) im Handlungsfeld {fields}, für {groups}, {places}; ob sie "
        "zur selben Zeit stattfinden, ist unbekannt: für {missing} ist keine Terminregel "
        "angegeben.",
        "Perhaps a duplicate structure: offer “{offer_a}” ({actor_a}) and offer “{offer_b}” "
        "({actor_b}) in the field of action {fields}, for {groups}, {places}; whether they "
        "take place at the same time is unknown: {missing} has no schedule (RRULE).",
    ),
    "duplicate-structure-unconfirmed/days": (
        "Vielleicht eine Doppelstruktur: Angebot „{offer_a}“ ({actor_a}) und Angebot "
        "„{offer_b}“ ({actor_b}) im Handlungsfeld {fields}, für {groups}, {places}, an "
        "denselben Tagen: {weekdays} ({days} gemeinsame Tage im Zeitraum {period}); ob "
        "sich die Uhrzeiten überschneiden, ist unbekannt: für {missing} sind keine "
        "Uhrzeiten angegeben.",
        "Perhaps a duplicate structure: offer “{offer_a}” ({actor_a}) and offer “{offer_b}” "
        "({actor_b}) in the field of action {fields}, for {groups}, {places}, on the same "
        "days: {weekdays} ({days} common days in the period {period}); whether the hours "
        "overlap is unknown: {missing} gives no hours.",
    ),
    "coverage-gap": (
        "{town} ({ags}): kein aktuelles Angebot im Handlungsfeld „{field}“.",
        "{town} ({ags}): no current offer in the field of action “{field}”.",
    ),
    # completeness
    "incomplete-period": (
        "Kennzahl „{indicator}“: Für {territory} fehlt im Zeitraum {period} ein Wert oder "
        "eine Begründung.",
        "indicator “{indicator}”: there is no value or reason for {territory} in the "
        "period {period}.",
    ),
    "incomplete-period/no-reason": (
        "Kennzahl „{indicator}“: Der Wert für {territory} im Zeitraum {period} ist als "
        "fehlend markiert, aber ohne Begründung.",
        "indicator “{indicator}”: the value for {territory} in the period {period} is "
        "marked missing but gives no reason.",
    ),
    "incomplete-period/parts-only": (
        "Kennzahl „{indicator}“: Für {territory} gibt es nur Werte für Teile des Zeitraums "
        "{period}, aber keinen Wert für {period} selbst. Geben Sie ihn an oder legen Sie mit "
        "„over_time“ (sum, last, mean) fest, wie sich die Teilwerte zusammenfassen.",
        "indicator “{indicator}”: {territory} has values for parts of the period {period} "
        "only, but none for {period} itself. Enter it, or declare with “over_time” (sum, "
        "last, mean) how the parts combine.",
    ),
    "incomplete-period/parts-gap": (
        "Kennzahl „{indicator}“: Für {territory} fehlt ein Teilwert (Quartal oder Monat), "
        "aus dem sich der Wert für {period} zusammensetzt.",
        "indicator “{indicator}”: {territory} lacks a value for a part (quarter or month) "
        "that the value for {period} is combined from.",
    ),
    # contacts
    "offer-unreachable": (
        "{subject}: Weder das Angebot noch sein Träger nennt Telefon, E-Mail oder Anschrift.",
        "{subject}: neither the offer nor its provider gives a phone number, e-mail or "
        "postal address.",
    ),
    # steering
    "measure-without-responsible": (
        "{subject}: Es ist kein federführender Akteur angegeben.",
        "{subject}: no responsible actor is given.",
    ),
    "measure-without-timeframe": (
        "{subject}: Es ist kein Zeitrahmen angegeben.",
        "{subject}: no timeframe is given.",
    ),
    "measure-without-indicator": (
        "{subject}: Es ist keine Kennzahl angegeben, an der die Maßnahme gemessen wird.",
        "{subject}: no indicator is given to measure it.",
    ),
}

#: collection -> (German singular, English singular)
LABELS: Mapping[str, tuple[str, str]] = {
    "concept": ("Konzept", "concept"),
    "territories": ("Gebiet", "territory"),
    "decisions": ("Beschluss", "decision"),
    "fields": ("Handlungsfeld", "field of action"),
    "goals": ("Ziel", "goal"),
    "measures": ("Maßnahme", "measure"),
    "actors": ("Akteur", "actor"),
    "offers": ("Angebot", "offer"),
    "funding": ("Förderung", "funding"),
    "indicators": ("Kennzahl", "indicator"),
    "targets": ("Zielwert", "target"),
    "baselines": ("Ausgangswert", "baseline"),
    "observations": ("Kennzahlwert", "value"),
    "networks": ("Netzwerk", "network"),
    "meetings": ("Sitzung", "meeting"),
    "legal_bases": ("Rechtsgrundlage", "legal basis"),
}

SEVERITY_LABELS: Mapping[Severity, tuple[str, str]] = {
    Severity.ERROR: ("Fehler", "error"),
    Severity.WARNING: ("Warnung", "warning"),
    Severity.INFO: ("Hinweis", "info"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def label(collection: str, lang: str) -> str:
    """Return the singular label of *collection* (``Angebot`` / ``offer``)."""
    return _pick(LABELS[collection], lang)


def quote(text: str, lang: str) -> str:
    """Quote *text* the German (``„…“``) or English (``“…”``) way."""
    return f"„{text}“" if lang != "en" else f"“{text}”"


def templates(lang: str) -> dict[str, str]:
    """Return every message template in *lang* (``de`` or ``en``), keyed like :data:`MESSAGES`."""
    return {key: _pick(pair, lang) for key, pair in MESSAGES.items()}


def render(key: str, lang: str, params: Mapping[str, Any]) -> str:
    """Fill the template *key* in *lang* (``de`` or ``en``) with *params*."""
    return _pick(MESSAGES[key], lang).format(**params)
