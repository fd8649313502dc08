"""Language-dependent formatting for the reports (Babel): numbers, money, dates, labels.

German (``de``, locale ``de_DE``) is the default: ``1.234,5``, ``170.000,00 €`` (with a
non-breaking space), ``31.12.2016``, ``1. Quartal 2026``. English (``en``, locale
``en_GB``) is available on request. Numbers are rounded half up (as statistical offices
publish them) before Babel formats them.

Every text of the report frame (headings, column titles, labels) comes from
:data:`TEXTS`; asking for a key that does not exist raises :class:`KeyError`, so a
template never prints an empty label.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .._catalogues import Catalogue, load_catalogue
from .._errors import InvalidValueError
from .._model import GoalKind, MeasureStatus, ObservationStatus
from .._periods import ReportPeriod

__all__ = ["TEXTS", "Formatter", "normalise_lang"]

_LOCALES = {"de": "de_DE", "en": "en_GB"}
_Day = date  # ``date`` is shadowed by the method of the same name inside Formatter

#: The texts of the report frame in German and English.
TEXTS: Mapping[str, Mapping[str, str]] = {
    "de": {
        "report": "Jahresbericht",
        "vorlage": "Vorlage",
        "subject": "Betreff",
        "document_number": "Drucksache",
        "body": "Beratungsfolge",
        "resolution": "Beschlussvorschlag",
        "default_resolution": "Der Bericht wird zur Kenntnis genommen.",
        "default_subject": "Jahresbericht {period} zum {title}",
        "not_assigned": "noch nicht vergeben",
        "internal_banner": "INTERN – nicht zur Veröffentlichung",
        "internal_note": (
            "Dieser Bericht wurde ohne statistische Geheimhaltung erstellt und kann "
            "Kleinstwerte enthalten."
        ),
        "contents": "Inhalt",
        "starting_point": "Ausgangslage und Rechtsgrundlagen",
        "legal_bases": "Rechtsgrundlagen",
        "fields": "Handlungsfelder",
        "goals": "Ziele",
        "measures": "Maßnahmen",
        "measure": "Maßnahme",
        "status": "Status",
        "responsible": "Federführung",
        "timeframe": "Zeitraum",
        "not_named": "nicht benannt",
        "from": "ab",
        "until": "bis",
        "coordinator": "Koordination",
        "indicators": "Kennzahlen",
        "indicator": "Kennzahl",
        "value": "Wert",
        "previous": "Vorperiode",
        "change": "Veränderung",
        "change_rel": "Veränderung in %",
        "target": "Zielwert",
        "attainment": "Zielerreichung in %",
        "baseline": "Ausgangswert",
        "territory": "Gebiet",
        "municipality": "Kommune",
        "by_municipality": "nach Kommunen",
        "trend": "Entwicklung",
        "chart_trend": "Entwicklung von „{name}“ ({territory})",
        "chart_desc": "Liniendiagramm der Werte {values}; Zielwert {target}.",
        "chart_desc_no_target": "Liniendiagramm der Werte {values}; kein Zielwert.",
        "period": "Zeitraum",
        "no_goals": "Für dieses Handlungsfeld sind keine Ziele erfasst.",
        "no_measures": "Für dieses Handlungsfeld sind keine Maßnahmen erfasst.",
        "no_indicators": "Für dieses Handlungsfeld sind keine Kennzahlen erfasst.",
        "networks": "Netzwerkarbeit",
        "network": "Netzwerk",
        "meetings": "Sitzungen",
        "date": "Datum",
        "participants": "Teilnehmende",
        "topics": "Themen",
        "results": "Ergebnisse",
        "no_meetings": "Im Berichtszeitraum sind keine Sitzungen erfasst.",
        "actors_offers": "Akteure und Angebote",
        "actors": "Akteure",
        "actor": "Akteur",
        "offers": "Angebote",
        "offer": "Angebot",
        "new_entries": "Neu",
        "changed_entries": "Geändert",
        "removed_entries": "Entfallen",
        "stale_entries": "Zu prüfende Einträge",
        "last_verified": "zuletzt geprüft",
        "never_verified": "nie geprüft",
        "kind": "Art",
        "duplicates": "Mögliche Doppelstrukturen",
        "gaps": "Versorgungslücken nach Kommunen",
        "field": "Handlungsfeld",
        "target_groups": "Zielgruppen",
        "languages": "Sprachen",
        "none": "keine",
        "rule_new_previous": "Vergleich mit der Vorversion {version} des Konzepts.",
        "rule_new_period": (
            "Als neu gilt ein Eintrag, dessen Beginn (Angebot: gültig ab; Akteur: "
            "gegründet) im Berichtszeitraum liegt; als geändert ein Eintrag, der im "
            "Berichtszeitraum geprüft wurde."
        ),
        "summary_counts": "{actors} Akteure mit {offers} Angeboten.",
        "outlook": "Ausblick",
        "annex": "Anhang",
        "indicator_definitions": "Kennzahlendefinitionen",
        "definition": "Definition",
        "unit": "Einheit",
        "source": "Quelle",
        "origin": "Herkunft",
        "glossary": "Glossar",
        "abbreviations": "Abkürzungen",
        "symbols": "Zeichenerklärung",
        "symbol": "Zeichen",
        "meaning": "Bedeutung",
        "term": "Begriff",
        "explanation": "Erläuterung",
        "abbreviation": "Abkürzung",
        "long_form": "Bedeutung",
        "generated": "Erstellt am {date} mit kommunale-integration {version}.",
        "directory": "Wegweiser",
        "directory_title": "Wegweiser Integration: Akteure und Angebote",
        "filter": "Filtern",
        "search": "Suche",
        "all": "alle",
        "reset": "Zurücksetzen",
        "shown": "Einträge angezeigt",
        "contact": "Kontakt",
        "phone": "Telefon",
        "email": "E-Mail",
        "web": "Internet",
        "address": "Anschrift",
        "schedule": "Zeiten",
        "cost": "Kosten",
        "free": "kostenlos",
        "capacity": "Plätze",
        "description": "Beschreibung",
        "back_to_index": "Zurück zur Übersicht",
        "served": "Einzugsgebiet",
        "whole_area": "gesamtes Gebiet",
        "action_plan": "Handlungsplan",
        "goals_served": "Ziele",
        "expected_result": "Erwartetes Ergebnis",
        "for_municipality": "für {name}",
        "diff_title": "Fortschreibung: Änderungen von Version {old} zu Version {new}",
        "added": "hinzugefügt",
        "removed": "entfernt",
        "changed": "geändert",
        "no_changes": "Keine Änderungen.",
        "status_change": "Statuswechsel",
        "targets": "Zielwerte",
        "before": "vorher",
        "after": "nachher",
        "goal": "Ziel",
        "attribute": "Merkmal",
        "item": "Eintrag",
        "collection": "Bereich",
        "change_kind": "Änderung",
        "details": "Einzelheiten",
    },
    "en": {
        "report": "Annual report",
        "vorlage": "Council paper",
        "subject": "Subject",
        "document_number": "Document number",
        "body": "Committee",
        "resolution": "Proposed resolution",
        "default_resolution": "The committee takes note of the report.",
        "default_subject": "Annual report {period} on the {title}",
        "not_assigned": "not yet assigned",
        "internal_banner": "INTERNAL – not for publication",
        "internal_note": (
            "This report was built without statistical disclosure control and may contain "
            "very small counts."
        ),
        "contents": "Contents",
        "starting_point": "Starting point and legal bases",
        "legal_bases": "Legal bases",
        "fields": "Fields of action",
        "goals": "Goals",
        "measures": "Measures",
        "measure": "Measure",
        "status": "Status",
        "responsible": "Lead",
        "timeframe": "Timeframe",
        "not_named": "not named",
        "from": "from",
        "until": "until",
        "coordinator": "Coordination",
        "indicators": "Indicators",
        "indicator": "Indicator",
        "value": "Value",
        "previous": "Previous period",
        "change": "Change",
        "change_rel": "Change in %",
        "target": "Target",
        "attainment": "Target attainment in %",
        "baseline": "Baseline",
        "territory": "Area",
        "municipality": "Municipality",
        "by_municipality": "by municipality",
        "trend": "Trend",
        "chart_trend": "Trend of “{name}” ({territory})",
        "chart_desc": "Line chart of the values {values}; target {target}.",
        "chart_desc_no_target": "Line chart of the values {values}; no target.",
        "period": "Period",
        "no_goals": "No goals are recorded for this field of action.",
        "no_measures": "No measures are recorded for this field of action.",
        "no_indicators": "No indicators are recorded for this field of action.",
        "networks": "Networks",
        "network": "Network",
        "meetings": "Meetings",
        "date": "Date",
        "participants": "Participants",
        "topics": "Topics",
        "results": "Results",
        "no_meetings": "No meetings are recorded for the report period.",
        "actors_offers": "Actors and offers",
        "actors": "Actors",
        "actor": "Actor",
        "offers": "Offers",
        "offer": "Offer",
        "new_entries": "New",
        "changed_entries": "Changed",
        "removed_entries": "Removed",
        "stale_entries": "Entries to be checked",
        "last_verified": "last verified",
        "never_verified": "never verified",
        "kind": "Kind",
        "duplicates": "Possible duplicate structures",
        "gaps": "Gaps in provision by municipality",
        "field": "Field of action",
        "target_groups": "Target groups",
        "languages": "Languages",
        "none": "none",
        "rule_new_previous": "Compared with the previous version {version} of the concept.",
        "rule_new_period": (
            "An entry counts as new when its start (offer: valid from; actor: founded) "
            "lies in the report period, and as changed when it was verified in the "
            "report period."
        ),
        "summary_counts": "{actors} actors with {offers} offers.",
        "outlook": "Outlook",
        "annex": "Annex",
        "indicator_definitions": "Indicator definitions",
        "definition": "Definition",
        "unit": "Unit",
        "source": "Source",
        "origin": "Origin",
        "glossary": "Glossary",
        "abbreviations": "Abbreviations",
        "symbols": "Symbols",
        "symbol": "Symbol",
        "meaning": "Meaning",
        "term": "Term",
        "explanation": "Explanation",
        "abbreviation": "Abbreviation",
        "long_form": "Meaning",
        "generated": "Built on {date} with kommunale-integration {version}.",
        "directory": "Directory",
        "directory_title": "Integration directory: actors and offers",
        "filter": "Filter",
        "search": "Search",
        "all": "all",
        "reset": "Reset",
        "shown": "entries shown",
        "contact": "Contact",
        "phone": "Phone",
        "email": "E-mail",
        "web": "Web",
        "address": "Address",
        "schedule": "Times",
        "cost": "Cost",
        "free": "free of charge",
        "capacity": "Places",
        "description": "Description",
        "back_to_index": "Back to the overview",
        "served": "Area served",
        "whole_area": "whole area",
        "action_plan": "Action plan",
        "goals_served": "Goals",
        "expected_result": "Expected result",
        "for_municipality": "for {name}",
        "diff_title": "Revision: changes from version {old} to version {new}",
        "added": "added",
        "removed": "removed",
        "changed": "changed",
        "no_changes": "No changes.",
        "status_change": "Status change",
        "targets": "Targets",
        "before": "before",
        "after": "after",
        "goal": "Goal",
        "attribute": "Attribute",
        "item": "Entry",
        "collection": "Section",
        "change_kind": "Change",
        "details": "Details",
    },
}

_STATUS_LABELS = {
    "de": {
        MeasureStatus.RECOMMENDED: "empfohlen",
        MeasureStatus.PLANNED: "geplant",
        MeasureStatus.ONGOING: "laufend",
        MeasureStatus.COMPLETED: "abgeschlossen",
        MeasureStatus.DISCONTINUED: "eingestellt",
    },
    "en": {
        MeasureStatus.RECOMMENDED: "recommended",
        MeasureStatus.PLANNED: "planned",
        MeasureStatus.ONGOING: "ongoing",
        MeasureStatus.COMPLETED: "completed",
        MeasureStatus.DISCONTINUED: "discontinued",
    },
}

_GOAL_KINDS = {
    "de": {
        GoalKind.GUIDING: "Leitziel",
        GoalKind.OUTCOME: "Wirkungsziel",
        GoalKind.ACTION: "Handlungsziel",
    },
    "en": {
        GoalKind.GUIDING: "Guiding goal",
        GoalKind.OUTCOME: "Outcome goal",
        GoalKind.ACTION: "Action goal",
    },
}


def normalise_lang(lang: str) -> str:
    """Return ``"de"`` or ``"en"`` for *lang* (``de_DE``, ``en-GB`` … accepted).

    Raises:
        InvalidValueError: for any other language.
    """
    language = str(lang).replace("-", "_").split("_", 1)[0].lower()
    if language not in _LOCALES:
        raise InvalidValueError("lang", f"expected 'de' or 'en', got {lang!r}")
    return language


@functools.cache
def _catalogue(name: str) -> Catalogue:
    return load_catalogue(name)


class Formatter:
    """Formats values for one language; used by every template and builder.

    Args:
        lang: ``"de"`` (default) or ``"en"``.
    """

    def __init__(self, lang: str = "de") -> None:
        self.lang = normalise_lang(lang)
        self.locale = _LOCALES[self.lang]
        self._texts = TEXTS[self.lang]
        self._babel_locale: Any = None

    @property
    def _babel(self) -> Any:
        # One parsed Babel locale per formatter: parsing it for every number is slow.
        if self._babel_locale is None:
            from babel import Locale

            self._babel_locale = Locale.parse(self.locale)
        return self._babel_locale

    def t(self, key: str, **values: Any) -> str:
        """Return the frame text *key*, with ``{placeholders}`` filled from *values*.

        Raises:
            KeyError: when *key* is unknown (a template must never print nothing).
        """
        try:
            text = self._texts[key]
        except KeyError:
            raise KeyError(f"no report text {key!r} for language {self.lang!r}") from None
        return text.format(**values) if values else text

    # ----------------------------------------------------------------- numbers

    def number(self, value: Decimal | int | None, decimals: int | None = None) -> str:
        """Format *value* with *decimals* places (default: as many as needed, at most 2).

        ``None`` becomes the symbol for a missing value (``–``).
        """
        from babel.numbers import format_decimal

        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        number = Decimal(value)
        if decimals is None:
            normal = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
            decimals = max(0, -int(normal.as_tuple().exponent))
        quantum = Decimal(1).scaleb(-decimals)
        rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        text: str = format_decimal(rounded, format=pattern, locale=self._babel)
        return text

    def signed(self, value: Decimal | None, decimals: int | None = None) -> str:
        """Format a change with its sign (``+12,5``, ``−3``, ``±0``)."""
        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        text = self.number(abs(value), decimals)
        if text.strip("0,.") == "":
            return "±" + text
        return ("+" if value > 0 else "−") + text

    def money(self, value: Decimal | None) -> str:
        """Format an amount in EUR, e.g. ``170.000,00 €`` (with a non-breaking space)."""
        from babel.numbers import format_currency

        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        text: str = format_currency(value, "EUR", locale=self._babel)
        return text

    # ----------------------------------------------------------------- dates

    def date(self, value: date | None) -> str:
        """Format a date: ``31.12.2016`` (de) or ``31 December 2016`` (en)."""
        from babel.dates import format_date

        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        text: str = format_date(
            value, format="dd.MM.y" if self.lang == "de" else "d MMMM y", locale=self._babel
        )
        return text

    def span(self, start: _Day | None, end: _Day | None) -> str:
        """A timeframe: ``01.05.2025 – 31.12.2026``, ``ab 01.05.2025``, ``bis …``.

        Without both ends it is the text for "not named" (``nicht benannt``).
        """
        if start and end:
            return f"{self.date(start)} – {self.date(end)}"
        if start:
            return f"{self.t('from')} {self.date(start)}"
        if end:
            return f"{self.t('until')} {self.date(end)}"
        return self.t("not_named")

    def period(self, value: ReportPeriod) -> str:
        """The label of a report period, e.g. ``1. Quartal 2026``."""
        return value.label(self.lang)

    # ----------------------------------------------------------------- cells

    def symbol(self, status: ObservationStatus | str) -> str:
        """The symbol of a value status (``*`` suppressed, ``–`` missing …)."""
        entry = _catalogue("status_symbols").get(str(status))
        return (entry.symbol or "") if entry is not None else ""

    def cell(self, value: Decimal | None, status: ObservationStatus | str, decimals: int) -> str:
        """Format a published value with its status.

        Suppressed values show only their symbol (``*``) whatever *value* holds;
        missing ones ``–``; provisional and rounded values carry the symbol after the
        number (``12,5 p``).
        """
        status = ObservationStatus(str(status))
        if status is ObservationStatus.SUPPRESSED:
            return self.symbol(status)
        if value is None or status is ObservationStatus.MISSING:
            return self.symbol(ObservationStatus.MISSING)
        text = self.number(value, decimals)
        if status in (ObservationStatus.PROVISIONAL, ObservationStatus.ROUNDED):
            text += "\u00a0" + self.symbol(status)
        return text

    def symbol_legend(self) -> list[tuple[str, str]]:
        """``(symbol, meaning)`` for every status that has a symbol."""
        return [
            (entry.symbol, entry.label(self.lang))
            for entry in _catalogue("status_symbols").entries
            if entry.symbol
        ]

    # ----------------------------------------------------------------- labels

    def status(self, status: MeasureStatus) -> str:
        """The label of a measure status (``laufend``)."""
        return _STATUS_LABELS[self.lang][MeasureStatus(status)]

    def goal_kind(self, kind: GoalKind) -> str:
        """The label of a goal kind (``Handlungsziel``)."""
        return _GOAL_KINDS[self.lang][GoalKind(kind)]

    def target_group(self, code: str) -> str:
        """The label of a target-group code (from the default catalogue)."""
        return _catalogue("target_groups").label(code, self.lang)

    def field_code(self, code: str) -> str:
        """The label of a field code from the default catalogue (fallback for reports)."""
        return _catalogue("fields").label(code, self.lang)

    def language(self, code: str) -> str:
        """The name of a language code in the report language (``ar`` → ``Arabisch``)."""
        names: Mapping[str, str] = self._babel.languages
        return names.get(code, code)
