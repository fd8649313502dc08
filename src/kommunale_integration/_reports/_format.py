"""Language-dependent formatting for the reports (Babel): numbers, money, dates, labels.

German (``de``, locale ``de_DE``) is the default: ``1.234,5``, ``170.000,00 €`` (with a
non-breaking space), ``31.12.2016``, ``1. Quartal 2026``. English (``en``, locale
``en_GB``) is available on request. Numbers are rounded half up (as statistical offices
publish them) before Babel formats them.

Every text of the report frame (headings, column titles, labels, sentences) has a key
in :data:`MESSAGES` whose value is the English message id; German, the default, comes
from the gettext catalogue ``locale/de/LC_MESSAGES/report.po`` (read through
``kommunale_integration._i18n``), so a town corrects a wording by editing one text file.
Asking for a key that does not exist raises :class:`KeyError`, so a template never
prints an empty label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from .._catalogues import shipped_catalogue
from .._errors import InvalidValueError, shown
from .._i18n import BABEL_LOCALES as _LOCALES
from .._i18n import babel_locale, room_for
from .._model import GoalKind, MeasureStatus, ObservationStatus
from .._periods import ReportPeriod

__all__ = [
    "CONCEPT_LANG",
    "GLUE",
    "MESSAGES",
    "PLURAL_MESSAGES",
    "REPORT_DOMAIN",
    "Formatter",
    "glued",
    "lang_parts",
    "normalise_lang",
    "plain",
]

#: The gettext domain of the report texts.
REPORT_DOMAIN = "report"

#: Between a number and its unit or sign (``−5,3 %``, ``−1,9 Pp.``, ``12,5 p``,
#: ``170.000 €``): a no-break space, so that no column or printed line leaves the unit
#: alone (``%)`` on a line of its own under ``−19 (−5,3``). Every figure with a unit
#: the report prints is glued here, in :class:`Formatter`, for HTML, Markdown and DOCX.
GLUE: Final = "\u00a0"

#: In the text of a forecast's range: from the word before ``{low}`` to ``{high}`` and
#: the stop after it (``(Spanne {low} bis {high})``), in whatever words a language uses.
_RANGE: Final = re.compile(r"(?:\S+ )?\{low\}.*?\{high\}\S*")


def glued(text: str) -> str:
    """*text* as one unbroken phrase: every space a :data:`GLUE` (``Spanne 168 bis
    237``, ``23 September 2015``)."""
    return text.replace(" ", GLUE)


#: The language of a concept's own texts (the titles of its fields, goals and measures,
#: the names of its Kennzahlen and actors, its glossary …): German, as the model has it
#: (:attr:`Concept.languages <kommunale_integration.Concept.languages>` names the
#: languages *besides* German). A report in another language shows them as they are.
CONCEPT_LANG: Final = "de"

#: Around a text of the concept in a report of another language (:meth:`Formatter.own`):
#: the renderers mark it as :data:`CONCEPT_LANG` (HTML ``lang="de"``, DOCX ``w:lang``
#: ``de-DE``) so that a screen reader speaks it in German (WCAG 3.1.2), and drop the
#: marks where a format has no language markup (Markdown, attributes, file properties).
OWN_OPEN: Final = "\ue000"
OWN_CLOSE: Final = "\ue001"
_OWN: Final = re.compile(f"{OWN_OPEN}(.*?){OWN_CLOSE}", re.DOTALL)


def plain(text: str) -> str:
    """*text* without the marks of :meth:`Formatter.own`."""
    return text.replace(OWN_OPEN, "").replace(OWN_CLOSE, "")


def lang_parts(text: str) -> list[tuple[str, str | None]]:
    """*text* in pieces ``(piece, language)``: :data:`CONCEPT_LANG` for a text of the
    concept marked by :meth:`Formatter.own`, ``None`` for the report's own language.

    >>> lang_parts("Measures: \ue000Sprachkurse\ue001 (2)")
    [('Measures: ', None), ('Sprachkurse', 'de'), (' (2)', None)]
    """
    parts: list[tuple[str, str | None]] = []
    start = 0
    for match in _OWN.finditer(text):
        if match.start() > start:
            parts.append((plain(text[start : match.start()]), None))
        if match.group(1):
            parts.append((plain(match.group(1)), CONCEPT_LANG))
        start = match.end()
    if start < len(text):
        parts.append((plain(text[start:]), None))
    return parts


_Day = date  # ``date`` is shadowed by the method of the same name inside Formatter

#: The texts of the report frame: key → English message id. German (the default) comes
#: from the gettext catalogue ``locale/de/LC_MESSAGES/report.po`` through ``_i18n``.
MESSAGES: Mapping[str, str] = {
    "report": "Annual report",
    "pp": "pp",
    "pp_meaning": "percentage points (change of a rate)",
    "below_baseline": "below baseline",
    "note_other_kind": (
        "{name}: the target applies to {target_period}; {period} is not measured "
        "against it (no attainment, no forecast)."
    ),
    "note_below_baseline": (
        "{name}: the value {value} lies below the baseline {baseline} "
        "({baseline_period}); target {target} ({target_period})."
    ),
    "note_attainment_baseline": (
        "{name}: attainment = (value − baseline) ÷ (target − baseline) = "
        "({value} − {baseline}) ÷ ({target} − {baseline}) = {attainment} "
        "(baseline {baseline_period}, target {target_period})."
    ),
    "note_attainment": (
        "{name}: attainment = value ÷ target = {value} ÷ {target} = {attainment} "
        "(target {target_period}; no baseline recorded)."
    ),
    "note_attainment_down": (
        "{name}: attainment = target ÷ value = {target} ÷ {value} = {attainment} "
        "(lower is better; target {target_period}; no baseline recorded)."
    ),
    "percent": "{value}%",
    "forecast": "Forecast",
    "forecast_title": "Success forecast",
    "forecast_basis": (
        "The forecast continues the trend of the published values from {first} to {last} "
        "up to the target period (robust against a single outlier); the range shows how "
        "certain that is. It says where an indicator is heading if nothing changes, not "
        "whether a measure works. Method in the annex."
    ),
    "forecast_basis_general": (
        "The forecast continues the trend of the last published values up to the target "
        "period (robust against a single outlier); the range shows how certain that is. "
        "It says where an indicator is heading if nothing changes, not whether a measure "
        "works. Method in the annex."
    ),
    "forecast_on-track": "on track",
    "forecast_at-risk": "at risk",
    "forecast_off-track": "off track",
    "forecast_sentence_on-track": (
        "{name}: if the trend continues, the target for {target_period} ({target}) will "
        "probably be reached: {outlook}."
    ),
    "forecast_sentence_at-risk": (
        "{name}: if the trend continues, the target for {target_period} ({target}) will "
        "probably be narrowly missed: {outlook}; reachable only if things go well."
    ),
    "forecast_sentence_off-track": (
        "{name}: if the trend continues, the target for {target_period} ({target}) will "
        "probably be missed: {outlook}."
    ),
    "forecast_expected": "expected {expected} (range {low} to {high})",
    "forecast_expected_about": "expected about {expected}",
    "forecast_now_reached": (
        "{name}: the target for {target_period} ({target}) is reached ({expected})."
    ),
    "forecast_now_missed": (
        "{name}: the target for {target_period} ({target}) is not reached ({expected})."
    ),
    "forecast_refused_other-period-kind": (
        "{name}: no forecast – the target applies to {target_period}, the report covers {period}."
    ),
    "forecast_refused_target-passed": (
        "{name}: no forecast – the target period {target_period} is over."
    ),
    "forecast_refused_too-far": (
        "{name}: no forecast – the target period {target_period} lies too far ahead."
    ),
    "forecast_refused_no-points": (
        "{name}: no forecast – no published value yet, at least 3 are needed."
    ),
    "forecast_goal_partly": "Without a target, hence without a forecast: {names}.",
    "forecast_goal_no_indicator": "No forecast – no indicator is assigned to the goal.",
    "forecast_goal_no_target": "No forecast – no target is set for: {names}.",
    "forecast_legend": (
        "Forecast: ● on track, ◐ at risk (reachable only if things go well), ○ off track; "
        "method in the annex."
    ),
    "forecast_legend_none": (
        "Forecast: ● on track, ◐ at risk (reachable only if things go well), ○ off track, "
        "– none (the reason is given under “{section}”); method in the annex."
    ),
    "at_a_glance": "At a glance",
    "glance_indicators": "Indicators with a target ({period})",
    "period_running": (
        "The report period {period} is not over: the report was built on {today}, before "
        "its end ({end}). Its values are provisional; their changes, target attainment "
        "and forecasts compare a period not yet complete."
    ),
    "glance_planned": "; {planned} planned",
    "glance_staff": "{fte} full-time equivalents (FTE)",
    "glance_seconded": ", of which {fte} seconded",
    "glance_decision": "{body} on {date}: {result} ({notes})",
    "glance_vote": "vote: {votes}",
    "glance_decisions_period": "{count} in the report period – {decisions}",
    "glance_decisions_many": "{count} in the report period (listed under “Decisions”)",
    "glance_decisions_concept": "none in the report period; decision on the concept – {decision}",
    "glance_decisions_none": "none in the report period",
    "places_caption": "Places of the measures in the report period {period}",
    "funding": "Funding",
    "decisions": "Decisions",
    "decided_in_period": "Decided in the report period:",
    "decisions_caption": "Decisions up to {date}",
    "decisions_in_annex": (
        "All {count} decisions up to the end of the report period are listed in the annex."
    ),
    "deciding_body": "Body",
    "decision_result": "Result",
    "vote": "Vote",
    "votes_text": "{yes} yes, {no} no, {abstain}",
    "votes_recused": ", {count} excluded as biased",
    "votes_not_recorded": "not recorded",
    "adopts_concept": "decision on the concept",
    "result_adopted": "adopted",
    "result_adopted-amended": "adopted with amendments",
    "result_rejected": "rejected",
    "result_noted": "noted",
    "result_recommended": "recommended",
    "result_deferred": "deferred",
    "suppressed_note": (
        "* not published: {names}. Counts of 1 or 2, and values from which such a count "
        "could be worked out, are withheld so that no one can be recognised "
        "(statistical disclosure control)."
    ),
    "suppressed_previous": "{name} (previous period {period})",
    "figures_caption_previous": "{title} ({place}, {period}; previous period {previous})",
    "previous_before_export": (
        "Previous period ({previous}): no values (–); the case export counted here begins on {day}."
    ),
    "provisional_note": "{symbol} provisional: {names} (the value may still change).",
    "rounded_note": "{symbol} rounded: {names}.",
    "suppressed_note_cells": (
        "* not published: counts of 1 or 2, and values from which such a count could be "
        "worked out, are withheld so that no one can be recognised (statistical "
        "disclosure control)."
    ),
    "forecast_other": "Indicators without a goal",
    "other_indicators": "Further indicators",
    "goal_measures": "Measures:",
    "staff": "Staff",
    "see_also": "See also {names} (in the field of action {fields}).",
    "without_entries": "Without goals, measures or indicators: {fields}.",
    "without_values": (
        "Indicators without values in the report period: {names} (definitions in the annex)."
    ),
    "measure_indicators": "indicators:",
    "measure_expected": "expected result: {result}",
    "measures_expected": "Measures and their expected result:",
    "per_year": "per year",
    "total": "Total",
    "funding_caption": "Funding in the report period {period}",
    "programme": "Programme",
    "provider": "Provider",
    "used_for": "Measure / recipient",
    "amount": "Amount",
    "funding_undated": "Without a period, not in the total: {grants}.",
    "seconded": "seconded",
    "staff_caption": "Staff positions",
    "role": "Role",
    "financed_by": "Financed by",
    "fte": "FTE",
    "fte_long": "full-time equivalent (one post at full hours)",
    "seconded_note": "Seconded teachers and other seconded staff: {fte} FTE.",
    "meetings_caption": "Network meetings in the report period {period}",
    "held": "Meetings",
    "held_of_planned": "{held} of {planned}",
    "attendance": "Attendance",
    "meetings_note": (
        "Meetings: held; for a network with a meeting rule “held of planned”. "
        "Attendance: the participants of all its meetings added up (a person at three "
        "meetings counts three times)."
    ),
    "topics_results": "Topics and results",
    "count_in_annex": "{count} (list in the annex)",
    "verified_entries": "Verified in the report period",
    "by_municipality_title": "Indicators by municipality",
    "by_municipality_caption": "Indicators by municipality ({period})",
    "entry_lists": "Actors and offers: lists",
    "method": "Method",
    "method_values": (
        "Values: case-based indicators are computed from the pseudonymised case-management "
        "export with statistical disclosure control (values 1 and 2 and derivable values "
        "are not published). Changes of rates are percentage points (pp)."
    ),
    "method_attainment": (
        "Target attainment: with a baseline (value − baseline) ÷ (target − baseline), "
        "otherwise value ÷ target (lower is better: target ÷ value). A target for another "
        "kind of period (e.g. an annual target in a quarterly report) is not compared. A "
        "value below the baseline is named as such."
    ),
    "method_forecast": (
        "Success forecast: Theil–Sen trend over the last 3 periods (slope = median "
        "of the slopes between every two values, robust against outliers), projected to "
        "the target period. The range comes from the lower and upper quartile of these "
        "slopes; where its ends lie within one unit of the last place shown, the forecast "
        "says “about”. With fewer than 3 values there is no forecast. On track: the projection "
        "reaches the target; at risk: only the favourable end of the range does; off "
        "track: not even that."
    ),
    "method_entries": (
        "Actors and offers: new and changed compared with the previous version of the "
        "concept (without one: new by start, changed by the recorded change date in the "
        "report period); to be checked are entries not verified in the twelve months "
        "before the end of the report period."
    ),
    "facts": "Facts",
    "finances": "Finances and staff",
    "alternatives": "Alternatives",
    "competence": "Competence",
    "meeting_date": "Meeting",
    "page": "Page",
    "page_of": "of",
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
    "partners": "Partners",
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
    "attainment": "Target attainment",
    "baseline": "Baseline",
    "territory": "Area",
    "municipality": "Municipality",
    "by_municipality": "by municipality",
    "trend": "Trend",
    "chart_trend": "Trend of “{name}” ({territory})",
    "chart_desc": "Line chart of the values {values}; target {target}.",
    "chart_desc_no_target": "Line chart of the values {values}; no target.",
    "chart_gaps": "No point for {gaps}.",
    "chart_gap_suppressed": "{periods} (* not published, statistical confidentiality)",
    "chart_gap_missing": "{periods} (– no value)",
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
    "gaps_everywhere": "No offer in any municipality",
    "gaps_everywhere_note": "No municipality of the concept has a current offer in: {fields}.",
    "gaps_other_note": "The list names each municipality's other gaps.",
    "offers_outside": "Offers outside the territory",
    "held_in": "Held in",
    "counts_for": "Counts for",
    "counts_for_none": "no municipality of the concept",
    "outside_note": (
        "Offers held outside the territory count only for the municipalities their service "
        "area names, and create no gaps in provision of their own."
    ),
    "field": "Field of action",
    "target_groups": "Target groups",
    "languages": "Languages",
    "none": "none",
    "rule_new_previous": "Compared with the previous version {version} of the concept.",
    "rule_new_period": (
        "An entry counts as new when its start (offer: valid from; actor: founded) "
        "lies in the report period, and as changed when its recorded change date (last "
        "changed) does."
    ),
    "rule_new_none": "No entry is new or changed in the report period.",
    "summary_counts": "{actors} with {offers}.",
    "outlook": "Outlook",
    "annex": "Annex",
    "indicator_definitions": "Indicator definitions",
    "definition": "Definition",
    "definition_missing": "– (no definition recorded)",
    "definition_active": "Cases open on at least one day of the report period.",
    "definition_new": "Cases opened in the report period.",
    "unit": "Unit",
    "source": "Source",
    "origin_local": "own definition",
    "origin_named": "definition: {origin}",
    "origin": "Origin",
    "glossary": "Glossary",
    "abbreviations": "Abbreviations",
    "accepted_findings": "Reviewed and accepted findings",
    "accepted_note": "These findings of the validation were reviewed and deliberately "
    "accepted; they are therefore not in the main part.",
    "finding": "Finding",
    "reason": "Reason",
    "reviewed": "Reviewed",
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
    # the glance counts the places of measures only (an offer's places, often the same
    # course as a measure's, are not added): the label says so
    "glance_capacity": "Places in measures",
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
    "diff_note": "Note",
    "diff_other_concept": "The two versions belong to different concepts (“{old}” and “{new}”).",
    "diff_no_predecessor": "Version {new} names no predecessor; version {old} is expected.",
    "diff_wrong_predecessor": "Version {new} names version {predecessor} as its "
    "predecessor, but is compared with version {old}.",
    "status_change": "Status change",
    "since": "since",
    "targets": "Targets",
    "before": "before",
    "after": "after",
    "goal": "Goal",
    "attribute": "Attribute",
    "item": "Entry",
    "collection": "Section",
    "change_kind": "Kind of change",
    "details": "Details",
}

#: The texts of the report frame that name a number of things: key → the English
#: singular and plural message ids (``msgid``/``msgid_plural`` in ``report.po``); the
#: catalogue's plural rule (CLDR, :meth:`._i18n.Translations.ngettext`) picks the form.
#: ``{count}`` is the number, formatted.
PLURAL_MESSAGES: Mapping[str, tuple[str, str]] = {
    "forecast_refused_too-few-points": (
        "{name}: no forecast – only {count} published value, at least 3 are needed.",
        "{name}: no forecast – only {count} published values, at least 3 are needed.",
    ),
    "forecast_goal_below": (
        "No forecast of its own – no indicator is assigned to the goal; it is pursued "
        "through {count} goal below it.",
        "No forecast of its own – no indicator is assigned to the goal; it is pursued "
        "through {count} goals below it.",
    ),
    "n_abstentions": ("{count} abstention", "{count} abstentions"),
    "gaps_count": (
        "{count} municipality with gaps (list in the annex)",
        "{count} municipalities with gaps (list in the annex)",
    ),
    "n_actors": ("{count} actor", "{count} actors"),
    "glance_meetings": ("{count} meeting {networks}", "{count} meetings {networks}"),
    "glance_in_networks": ("in {count} network", "in {count} networks"),
    "glance_funding": ("{total} from {count} grant", "{total} from {count} grants"),
    "glance_places": (
        "{places} in {count} measure that ran in the report period",
        "{places} in {count} measures that ran in the report period",
    ),
    "n_offers": ("{count} offer", "{count} offers"),
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
        raise InvalidValueError("lang", "expected 'de' or 'en', got {found}", found=shown(lang))
    return language


_catalogue = shipped_catalogue


class Formatter:
    """Formats values for one language; used by every template and builder.

    Args:
        lang: ``"de"`` (default) or ``"en"``.
    """

    def __init__(self, lang: str = "de") -> None:
        self.lang = normalise_lang(lang)
        self.locale = _LOCALES[self.lang]
        from .._i18n import translations

        self._catalogue = translations(self.lang, REPORT_DOMAIN)

    @property
    def _babel(self) -> Any:
        return babel_locale(self.lang)

    def tn(self, key: str, count: int, **values: Any) -> str:
        """The frame text *key* of :data:`PLURAL_MESSAGES` in the plural form that fits
        *count* (``1 Kommune``, ``2 Kommunen``); ``{count}`` is filled in, formatted.

        Raises:
            KeyError: when *key* is unknown.
        """
        try:
            singular, plural = PLURAL_MESSAGES[key]
        except KeyError:
            raise KeyError(f"no report text {key!r} for language {self.lang!r}") from None
        text = self._catalogue.ngettext(singular, plural, count)
        return text.format(count=self.number(count, 0), **values)

    def own(self, text: str) -> str:
        """A text of the concept (a measure's title, a Kennzahl's name …), marked as
        :data:`CONCEPT_LANG` where the report is in another language: the English report
        shows "Sprachkurse" as it stands in the concept, and a screen reader is to read
        it as German. In a German report *text* is returned as it is."""
        if not text or self.lang == CONCEPT_LANG:
            return text
        return f"{OWN_OPEN}{plain(text)}{OWN_CLOSE}"

    def percent(self, number: str) -> str:
        """A formatted *number* with the per-cent sign as the language writes it:
        ``38 %`` (de, with a no-break space: :data:`GLUE`), ``38%`` (en)."""
        return glued(self.t("percent", value=number))

    def with_unit(self, number: str, unit: str) -> str:
        """A formatted *number* and its *unit*, bound by :data:`GLUE` (``−1,9 Pp.``)."""
        return f"{number}{GLUE}{unit}"

    def change(
        self,
        absolute: Decimal | None,
        relative: Decimal | None,
        decimals: int | None = None,
        *,
        percentage_points: bool = False,
    ) -> str:
        """A change with its sign: ``−19 (−5,3 %)``; of a rate in percentage points
        (``−1,9 Pp.``). One unbroken figure, bound by :data:`GLUE`: the council member
        reads the change and its relative change as one ("−19" with "(−5,3 %)" below it,
        beside "+7 (+3,6 %)" on one line in the next row, read as two figures)."""
        if absolute is None:
            return self.symbol(ObservationStatus.MISSING)
        text = self.signed(absolute, decimals)
        if percentage_points:
            return self.with_unit(text, self.t("pp"))
        if relative is not None:
            text += f"{GLUE}({self.percent(self.signed(relative, 1))})"
        return text

    def t(self, key: str, **values: Any) -> str:
        """Return the frame text *key*, with ``{placeholders}`` filled from *values*.

        Raises:
            KeyError: when *key* is unknown (a template must never print nothing).
        """
        try:
            message = MESSAGES[key]
        except KeyError:
            raise KeyError(f"no report text {key!r} for language {self.lang!r}") from None
        text = message if self.lang == "en" else self._catalogue.gettext(message)
        return text.format(**values) if values else text

    # ----------------------------------------------------------------- numbers

    def number(self, value: Decimal | int | None, decimals: int | None = None) -> str:
        """Format *value* with *decimals* places (default: as many as needed, at most 2).

        ``None`` becomes the symbol for a missing value (``–``).
        """
        from .._i18n import format_number

        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        return format_number(value, decimals, lang=self.lang)

    def signed(self, value: Decimal | None, decimals: int | None = None) -> str:
        """Format a change with its sign (``+12,5``, ``−3``, ``±0``)."""
        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        text = self.number(abs(value), decimals)
        if text.strip("0,.") == "":
            return "±" + text
        return ("+" if value > 0 else "−") + text

    def forecast_range(self, expected: Decimal, low: Decimal, high: Decimal, decimals: int) -> str:
        """What a forecast expects, as the report says it: ``erwartet 186 (Spanne 168
        bis 203)``; ``erwartet etwa 206`` when the ends of the range, rounded to the
        *decimals* printed, lie within one unit of the last place (``205`` and ``206``,
        ``7,0`` and ``7,1``): a range that narrow says nothing "etwa" does not, and
        "Spanne 205 bis 206" read as a promise of precision.
        """
        unit = Decimal(1).scaleb(-decimals)
        ends = [v.quantize(unit, rounding=ROUND_HALF_UP) for v in (low, high)]
        number = self.number(expected, decimals)
        if abs(ends[1] - ends[0]) <= unit:
            return self.t("forecast_expected_about", expected=number)
        # The range is one unbroken phrase from the word before its lower end to its
        # upper end ("Spanne 168 bis 237"): the DOCX printed "(Spanne 168 bis" / "237)".
        template = _RANGE.sub(lambda m: glued(m.group()), self.t("forecast_expected"))
        return template.format(
            expected=number, low=self.number(low, decimals), high=self.number(high, decimals)
        )

    def money(self, value: Decimal | None) -> str:
        """Format an amount in EUR, e.g. ``170.000,00 €`` (with a non-breaking space)."""
        from babel.numbers import format_currency

        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        with room_for(value):
            text: str = format_currency(value, "EUR", locale=self._babel)
        return text

    def money_short(self, value: Decimal | None) -> str:
        """An amount in whole euros when it has no cents: ``170.000 €`` (else with cents)."""
        from babel.numbers import format_currency

        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        if value != value.to_integral_value():
            return self.money(value)
        pattern = f"#,##0{GLUE}¤" if self.lang == "de" else "¤#,##0"
        with room_for(value):
            text: str = format_currency(
                value, "EUR", format=pattern, locale=self._babel, currency_digits=False
            )
        return text

    # ----------------------------------------------------------------- dates

    def date(self, value: date | None) -> str:
        """Format a date: ``31.12.2016`` (de) or ``31 December 2016`` (en, its parts
        bound by :data:`GLUE`: a narrow column printed "23" / "September" / "2015")."""
        from .._i18n import format_date

        if value is None:
            return self.symbol(ObservationStatus.MISSING)
        return glued(format_date(value, lang=self.lang))

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
            text = self.with_unit(text, self.symbol(status))
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
        from .._languages import language_name

        return language_name(code, self.lang)
