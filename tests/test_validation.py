"""Validation rules: each with a concept that triggers it and one that does not."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import (
    Actor,
    CaseCount,
    CaseCountKind,
    Concept,
    Contact,
    DateRange,
    Decision,
    FieldOfAction,
    Finding,
    Goal,
    Indicator,
    Location,
    Measure,
    MeasureStatus,
    Meeting,
    Network,
    Observation,
    ObservationStatus,
    Offer,
    OverTime,
    ReportPeriod,
    Severity,
    StatusChange,
    Target,
    Territory,
    TerritoryKind,
    Venue,
    using_language,
)
from kommunale_integration._validation import (
    BUILTIN_RULES,
    PROFILES,
    Profile,
    ValidationConfigError,
    ValidationContext,
    ValidationReport,
    all_codes,
    validate,
)
from kommunale_integration._validation._rules import _listing, hours_text, weekday_text
from kommunale_integration.testing import concepts

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

TODAY = date(2026, 6, 1)
KREIS = "05558"
BILLERBECK, DUELMEN = "05558008", "05558016"
Y2026 = ReportPeriod.parse("2026")


def _clean() -> Concept:
    """A small concept with no finding at all, even under the strict profile."""
    phone = Contact(role="Beratung", phone="+49 2541 123456")
    verified = date(2026, 3, 1)
    places = (KREIS, BILLERBECK, DUELMEN)
    return Concept(
        id="kreis-coesfeld",
        title="Integrationskonzept des Kreises Coesfeld",
        territory=KREIS,
        adopted="kt-2016",
        valid_from=date(2016, 1, 1),
        valid_to=date(2030, 12, 31),
        territories=(
            Territory(ags=KREIS, name="Kreis Coesfeld", kind=TerritoryKind.DISTRICT),
            Territory(ags=BILLERBECK, name="Billerbeck", kind=TerritoryKind.TOWN, parent=KREIS),
            Territory(ags=DUELMEN, name="Dülmen", kind=TerritoryKind.TOWN, parent=KREIS),
        ),
        decisions=(Decision(id="kt-2016", body="Kreistag", date=date(2016, 3, 16)),),
        fields=(
            FieldOfAction(id="sprache", title="Sprache"),
            FieldOfAction(id="arbeitsmarkt", title="Arbeitsmarkt"),
        ),
        actors=(
            Actor(id="kreis", name="Kreis Coesfeld", contacts=(phone,), last_verified=verified),
            Actor(
                id="vhs",
                name="VHS Coesfeld",
                parent="kreis",
                contacts=(phone,),
                last_verified=verified,
            ),
            Actor(id="jobcenter", name="Jobcenter", contacts=(phone,), last_verified=verified),
        ),
        offers=(
            Offer(
                id="sprachkurs",
                name="Sprachkurs",
                actor="vhs",
                fields=("sprache",),
                territories=(KREIS,),
                contacts=(Contact(role="Anmeldung", email="kurse@vhs.example.org"),),
                last_verified=verified,
            ),
            Offer(
                id="jobcafe",
                name="Jobcafé",
                actor="jobcenter",
                fields=("arbeitsmarkt",),
                venue=Venue(street="Markt 1", postal_code="48653", municipality=DUELMEN),
                territories=(BILLERBECK,),
                last_verified=verified,
            ),
        ),
        goals=(
            Goal(id="deutsch", field="sprache", text="Alle lernen Deutsch", indicators=("quote",)),
        ),
        measures=(
            Measure(
                id="kurse-ausbauen",
                title="Kurse ausbauen",
                field="sprache",
                goals=("deutsch",),
                responsible="vhs",
                partners=("kreis",),
                timeframe=DateRange(start=date(2017, 1, 1), end=date(2020, 12, 31)),
                indicators=("quote",),
                history=(
                    StatusChange(date=date(2016, 3, 16), status=MeasureStatus.RECOMMENDED),
                    StatusChange(date=date(2017, 1, 1), status=MeasureStatus.ONGOING),
                ),
            ),
        ),
        indicators=(
            Indicator(
                id="quote",
                name="Abschlussquote",
                numerator=CaseCount(
                    count=CaseCountKind.EVENTS, events=("language_course_completed",)
                ),
                denominator=CaseCount(
                    count=CaseCountKind.EVENTS, events=("language_course_started",)
                ),
                scale=100,
                proportion=True,
            ),
            Indicator(
                id="faelle", name="Aktive Fälle", numerator=CaseCount(count=CaseCountKind.ACTIVE)
            ),
        ),
        observations=(
            *(
                Observation(
                    indicator="quote",
                    period=Y2026,
                    territory=ags,
                    value=Decimal("50.0"),
                    numerator=Decimal(10),
                    denominator=Decimal(20),
                )
                for ags in places
            ),
            *(
                Observation(indicator="faelle", period=Y2026, territory=ags, value=Decimal(40))
                for ags in places
            ),
        ),
        targets=(
            Target(
                indicator="quote",
                territory=KREIS,
                period=ReportPeriod.parse("2030"),
                value=Decimal(70),
            ),
        ),
        networks=(
            Network(
                id="runder-tisch",
                name="Runder Tisch",
                coordinator="kreis",
                members=("vhs", "jobcenter"),
                founded=date(2016, 5, 1),
            ),
        ),
        meetings=(
            Meeting(
                id="rt-2026-1",
                network="runder-tisch",
                date=date(2026, 2, 3),
                participants=("vhs",),
            ),
        ),
    )


def _run(concept: Concept, profile: str | Profile = "steuerung", **kw: Any) -> ValidationReport:
    kw.setdefault("today", TODAY)
    kw.setdefault("period", Y2026)
    return validate(concept, profile, **kw)


def _replace(concept: Concept, collection: str, index: int, **changes: Any) -> Concept:
    items = list(getattr(concept, collection))
    items[index] = attrs.evolve(items[index], **changes)
    return concept.evolve(**{collection: tuple(items)})


def _only(report: ValidationReport, code: str) -> Finding:
    found = report.by_code(code)
    assert len(found) == 1, report.to_text()
    return found[0]


def test_clean_concept_has_no_findings() -> None:
    for profile in PROFILES:
        report = _run(_clean(), profile)
        assert report.findings == (), report.to_text()
        assert report.ok


# --------------------------------------------------------------------------- structure


def test_duplicate_id() -> None:
    clean = _clean()
    concept = clean.evolve(actors=(*clean.actors, Actor(id="vhs", name="Noch eine VHS")))
    finding = _only(_run(concept), "duplicate-id")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "actors[3].id"
    assert "actors[1]" in finding.message


@pytest.mark.parametrize(
    ("collection", "index", "changes", "path"),
    [
        ("offers", 0, {"actor": "drk"}, "offers[0].actor"),
        ("offers", 1, {"fields": ("arbeitsmarkt", "wohnen")}, "offers[1].fields[1]"),
        ("measures", 0, {"goals": ("deutsch", "frieden")}, "measures[0].goals[1]"),
        ("measures", 0, {"responsible": "caritas"}, "measures[0].responsible"),
        ("measures", 0, {"indicators": ("gibtsnicht",)}, "measures[0].indicators[0]"),
        ("goals", 0, {"field": "wohnen"}, "goals[0].field"),
        ("targets", 0, {"territory": "05558099"}, "targets[0].territory"),
        ("targets", 0, {"indicator": "gibtsnicht"}, "targets[0].indicator"),
        ("networks", 0, {"members": ("vhs", "drk")}, "networks[0].members[1]"),
        ("meetings", 0, {"participants": ("drk",)}, "meetings[0].participants[0]"),
        ("actors", 1, {"parent": "land"}, "actors[1].parent"),
    ],
)
def test_unknown_reference(collection: str, index: int, changes: dict[str, Any], path: str) -> None:
    concept = _replace(_clean(), collection, index, **changes)
    report = _run(concept, disabled={"coverage-gap", "incomplete-period"})
    finding = _only(report, "unknown-reference")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == path


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"territories": ("05558099",)}, "offers[1].territories[0]"),
        (
            {"venue": Venue(street="Weg 2", city="X", municipality="05558099")},
            "offers[1].venue.municipality",
        ),
    ],
)
def test_an_offer_may_name_any_german_territory_but_not_one_that_does_not_exist(
    changes: dict[str, Any], path: str
) -> None:
    concept = _replace(_clean(), "offers", 1, **changes)
    report = _run(concept, disabled={"coverage-gap", "incomplete-period"})
    assert "unknown-reference" not in report.codes()
    finding = _only(report, "territory-unknown-ags")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == path
    # A neighbour outside the concept (Rheine, Kreis Steinfurt) is fine.
    neighbour = {
        k: (
            ("05566076",)
            if k == "territories"
            else Venue(street="Weg 2", city="Rheine", municipality="05566076")
        )
        for k in changes
    }
    report = _run(
        _replace(_clean(), "offers", 1, **neighbour), disabled={"coverage-gap", "incomplete-period"}
    )
    assert report.findings == ()


def test_unknown_reference_of_the_concept_itself() -> None:
    report = _run(_clean().evolve(adopted="kt-1999"))
    assert _only(report, "unknown-reference").location.path == "adopted"


def test_an_ags_that_lost_its_leading_zero_is_named_so() -> None:
    """``territory: 5558008`` (a number in YAML, the zero gone) was "there is no
    territory 5558008 in the concept" (found by the hostile tester): the message says
    which AGS was meant and how to write it; the model's own check says it too."""
    concept = _replace(_clean(), "targets", 0, territory=BILLERBECK.removeprefix("0"))
    finding = _only(_run(concept), "unknown-reference")
    assert finding.location.path == "targets[0].territory"
    assert finding.message.endswith(
        "hat der AGS seine führende Null verloren? Schreiben Sie ihn in "
        'Anführungszeichen: "05558008".'
    )
    # a number that is no AGS of the concept even with its zero: the plain message
    concept = _replace(_clean(), "targets", 0, territory="5558999")
    finding = _only(_run(concept), "unknown-reference")
    assert finding.message.endswith("Gebiet „5558999“ gibt es im Konzept nicht.")
    with using_language("en"), pytest.raises(ki.InvalidValueError) as caught:
        Territory(ags="5558008", name="Billerbeck", kind=TerritoryKind.TOWN)
    assert 'lose its leading zero? Write it in quotes: "05558008"' in str(caught.value)


def test_the_concepts_territory_must_be_one_it_lists() -> None:
    """Kreis Steinfurt exists, but a concept listing territories must list its own."""
    report = _run(_clean().evolve(territory="05566"), disabled={"incomplete-period"})
    finding = _only(report, "unknown-reference")
    assert finding.location.path == "territory"
    assert finding.message == "Konzept: Gebiet „05566“ gibt es im Konzept nicht."


def test_only_a_territory_reference_may_have_lost_its_leading_zero() -> None:
    """An actor id that happens to be an AGS of the concept is an unknown actor, not an
    AGS that lost its zero."""
    report = _run(_replace(_clean(), "offers", 0, actor="05558008"))
    finding = _only(report, "unknown-reference")
    assert finding.message == "Angebot „sprachkurs“: Akteur „05558008“ gibt es im Konzept nicht."


def test_of_two_ids_in_other_capitals_the_first_in_order_is_meant() -> None:
    """Ids may differ only in capitals (``VHS`` and ``vhs``): the guess is the first in
    code-point order, the same on every run."""
    concept = _clean()
    concept = concept.evolve(actors=(*concept.actors, Actor(id="VHS", name="Volkshochschule")))
    report = _run(_replace(concept, "offers", 0, actor="Vhs"), disabled={"unverified-entry"})
    assert "gemeint ist wohl „VHS“" in _only(report, "unknown-reference").message


def test_territories_are_not_checked_when_the_concept_lists_none() -> None:
    concept = _clean().evolve(territories=())
    assert "unknown-reference" not in _run(concept).codes()


def test_fields_fall_back_to_the_default_catalogue() -> None:
    concept = _clean().evolve(fields=())
    assert "unknown-reference" not in _run(concept).codes()
    concept = _replace(concept, "offers", 0, fields=("quatsch",))
    assert _only(_run(concept), "unknown-reference").location.path == "offers[0].fields[0]"


def test_parent_cycle_reported_once_at_first_member() -> None:
    concept = _replace(_clean(), "actors", 0, parent="vhs")
    finding = _only(_run(concept), "parent-cycle")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "actors[0].parent"
    assert "kreis → vhs → kreis" in finding.message


def test_a_cycle_after_an_actor_without_one_starts_at_its_first_member() -> None:
    """The Kreis has no parent; the VHS and the Jobcenter are each other's parents. When
    the Kreis hangs below the Jobcenter, the cycle is reached from it, at the Jobcenter,
    and still told from the VHS (the member that comes first)."""
    concept = _replace(_clean(), "actors", 1, parent="jobcenter")
    concept = _replace(concept, "actors", 2, parent="vhs")
    finding = _only(_run(concept), "parent-cycle")
    assert finding.location.path == "actors[1].parent"
    assert "(vhs → jobcenter → vhs)" in finding.message
    reached = _replace(concept, "actors", 0, parent="jobcenter")
    finding = _only(_run(reached), "parent-cycle")
    assert finding.location.path == "actors[1].parent"
    assert "(vhs → jobcenter → vhs)" in finding.message


def test_self_parent_goal_is_a_cycle() -> None:
    concept = _replace(_clean(), "goals", 0, parent="deutsch")
    assert _only(_run(concept), "parent-cycle").location.path == "goals[0].parent"


def test_chain_without_cycle_is_fine() -> None:
    concept = _replace(_clean(), "actors", 2, parent="vhs")
    assert "parent-cycle" not in _run(concept).codes()


# --------------------------------------------------------------------------- dates


def test_measure_outside_validity() -> None:
    frame = DateRange(start=date(2028, 1, 1), end=date(2032, 12, 31))
    finding = _only(
        _run(_replace(_clean(), "measures", 0, timeframe=frame)), "measure-outside-validity"
    )
    assert finding.severity is Severity.WARNING
    assert finding.location.path == "measures[0].timeframe"
    assert "31.12.2032" in finding.message


def test_open_timeframe_inside_validity_is_fine() -> None:
    frame = DateRange(start=date(2020, 1, 1))
    assert (
        "measure-outside-validity"
        not in _run(_replace(_clean(), "measures", 0, timeframe=frame)).codes()
    )


def test_meeting_outside_network() -> None:
    concept = _replace(_clean(), "meetings", 0, date=date(2015, 12, 1))
    finding = _only(_run(concept), "meeting-outside-network")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "meetings[0].date"
    dissolved = _replace(_clean(), "networks", 0, dissolved=date(2025, 12, 31))
    assert _only(_run(dissolved), "meeting-outside-network").location.path == "meetings[0].date"
    # a meeting of an unknown network (an unknown reference) leaves the next checked
    lost = Meeting(id="x-2026", network="gibtsnicht", date=date(2026, 1, 5))
    both = concept.evolve(meetings=(lost, *concept.meetings))
    assert _only(_run(both), "meeting-outside-network").location.path == "meetings[1].date"


def test_status_history_out_of_order() -> None:
    history = (
        StatusChange(date=date(2017, 1, 1), status=MeasureStatus.ONGOING),
        StatusChange(date=date(2016, 3, 16), status=MeasureStatus.RECOMMENDED),
    )
    finding = _only(
        _run(_replace(_clean(), "measures", 0, history=history)), "status-history-order"
    )
    assert finding.severity is Severity.WARNING
    assert finding.location.path == "measures[0].history[1]"


def test_status_history_two_states_on_one_day() -> None:
    history = (
        StatusChange(date=date(2017, 1, 1), status=MeasureStatus.ONGOING),
        StatusChange(date=date(2017, 1, 1), status=MeasureStatus.PLANNED),
    )
    finding = _only(
        _run(_replace(_clean(), "measures", 0, history=history)), "status-history-order"
    )
    assert "zwei verschiedene Status" in finding.message


# --------------------------------------------------------------------------- numbers


def _obs(concept: Concept, index: int, **changes: Any) -> Concept:
    return _replace(concept, "observations", index, **changes)


def test_percentage_out_of_range() -> None:
    concept = _obs(_clean(), 1, value=Decimal("150"), numerator=None, denominator=None)
    finding = _only(_run(concept), "percentage-out-of-range")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "observations[1].value"
    assert "150 %" in finding.message


def test_a_target_or_baseline_is_checked_like_a_value() -> None:
    clean = _clean()
    target = attrs.evolve(clean.targets[0], value=Decimal(150))
    finding = _only(_run(clean.evolve(targets=(target,))), "percentage-out-of-range")
    assert finding.location.path == "targets[0].value"
    baseline = ki.Baseline(
        indicator="faelle", territory=KREIS, period=ReportPeriod.parse("2016"), value=Decimal(-3)
    )
    finding = _only(_run(clean.evolve(baselines=(baseline,))), "negative-count")
    assert finding.location.path == "baselines[0].value"


def test_a_value_of_an_unknown_indicator_leaves_the_next_values_checked() -> None:
    concept = _obs(_clean(), 1, value=Decimal("150"), numerator=None, denominator=None)
    stray = Observation(indicator="gibtsnicht", period=Y2026, territory=KREIS, value=Decimal(1))
    concept = concept.evolve(observations=(stray, *concept.observations))
    finding = _only(_run(concept), "percentage-out-of-range")
    assert finding.location.path == "observations[2].value"


def test_percentage_bounds_are_allowed() -> None:
    concept = _obs(_clean(), 0, value=Decimal(100), numerator=None, denominator=None)
    concept = _obs(concept, 1, value=Decimal(0), numerator=None, denominator=None)
    assert _run(concept).findings == ()


def test_numerator_exceeds_denominator() -> None:
    concept = _obs(
        _clean(),
        2,
        numerator=Decimal(30),
        denominator=Decimal(20),
        value=None,
        status=ObservationStatus.SUPPRESSED,
    )
    finding = _only(_run(concept), "numerator-exceeds-denominator")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "observations[2].numerator"


def test_numerator_may_exceed_denominator_when_not_a_proportion() -> None:
    clean = _clean()
    rate = attrs.evolve(clean.indicators[0], proportion=False)
    concept = clean.evolve(indicators=(rate, clean.indicators[1]))
    concept = _obs(concept, 2, numerator=Decimal(30), denominator=Decimal(20), value=Decimal(150))
    assert _run(concept).findings == ()


def test_value_mismatch() -> None:
    concept = _obs(_clean(), 0, value=Decimal("55.0"))
    finding = _only(_run(concept), "value-mismatch")
    assert finding.severity is Severity.WARNING
    assert finding.location.path == "observations[0].value"
    rounded = _obs(_clean(), 0, numerator=Decimal(1), denominator=Decimal(3), value=Decimal("33.3"))
    assert _run(rounded).findings == ()


def test_negative_count() -> None:
    concept = _obs(_clean(), 4, value=Decimal(-3))
    finding = _only(_run(concept), "negative-count")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "observations[4].value"


def test_negative_value_of_an_expression_is_allowed() -> None:
    clean = _clean()
    change = attrs.evolve(clean.indicators[1], numerator="arrivals - departures")
    concept = _obs(clean.evolve(indicators=(clean.indicators[0], change)), 4, value=Decimal(-3))
    # The data elements have no values here (unknown-data-element); no negative-count.
    assert _run(concept, disabled={"unknown-data-element"}).findings == ()


def test_duplicate_observation_and_target() -> None:
    clean = _clean()
    concept = clean.evolve(
        observations=(*clean.observations, clean.observations[0]),
        targets=(*clean.targets, clean.targets[0]),
    )
    report = _run(concept)
    assert _only(report, "duplicate-observation").location.path == "observations[6]"
    assert report.by_code("duplicate-observation")[0].severity is Severity.ERROR
    assert _only(report, "duplicate-target").location.path == "targets[1]"
    assert report.by_code("duplicate-target")[0].severity is Severity.ERROR


def test_target_outside_validity() -> None:
    target = _replace(_clean(), "targets", 0, period=ReportPeriod.parse("2035"))
    finding = _only(_run(target), "target-outside-validity")
    assert finding.severity is Severity.WARNING
    assert finding.location.path == "targets[0].period"


# --------------------------------------------------------------------------- currency


def test_stale_and_unverified_entries() -> None:
    concept = _replace(_clean(), "actors", 2, last_verified=date(2025, 5, 31))
    concept = _replace(concept, "offers", 0, last_verified=None)
    report = _run(concept)
    stale = _only(report, "stale-entry")
    assert stale.severity is Severity.WARNING
    assert stale.location.path == "actors[2].last_verified"
    assert "31.05.2025" in stale.message
    unverified = _only(report, "unverified-entry")
    assert unverified.location.path == "offers[0].last_verified"
    assert unverified.severity is Severity.WARNING  # steuerung
    lenient = _run(concept, "konzept")
    assert lenient.by_code("unverified-entry")[0].severity is Severity.INFO


def test_stale_months_is_configurable() -> None:
    concept = _replace(_clean(), "actors", 2, last_verified=date(2025, 5, 31))
    assert "stale-entry" not in _run(concept, stale_months=13).codes()
    # "vor mehr als 1 Monaten" until the eighteenth session: the plural form fits the number
    stale = _run(concept, stale_months=1).by_code("stale-entry")
    assert stale
    assert all(f.message.endswith(", vor mehr als 1 Monat.") for f in stale)
    with pytest.raises(ValidationConfigError, match="stale_months"):
        _run(concept, stale_months=-1)


# --------------------------------------------------------------------------- offers


def _sprachtreff(**changes: Any) -> Offer:
    return Offer(
        id="sprachtreff",
        name="Sprachtreff",
        actor="kreis",
        fields=("sprache",),
        territories=(DUELMEN,),
        contacts=(Contact(role="Treff", phone="+49 2594 1234"),),
        last_verified=date(2026, 1, 1),
        **changes,
    )


def test_duplicate_structure_names_both_offers_and_the_overlap() -> None:
    clean = _replace(
        _clean(),
        "offers",
        0,
        schedule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        schedule_note="montags bis freitags 8:30–12:45 Uhr",
    )
    extra = _sprachtreff(schedule="FREQ=WEEKLY;BYDAY=TH", schedule_note="donnerstags 12–14 Uhr")
    report = _run(clean.evolve(offers=(*clean.offers, extra)))
    finding = _only(report, "duplicate-structure")
    assert finding.severity is Severity.WARNING
    assert finding.location.path == "offers[2]"
    assert "„sprachkurs“" in finding.message
    assert "„sprachtreff“" in finding.message
    assert "VHS Coesfeld" in finding.message
    assert "in Dülmen" in finding.message
    assert "donnerstags 12:00–12:45 Uhr" in finding.message
    assert "53 gemeinsame Tage im Zeitraum 2026, zuerst am 01.01.2026" in finding.message
    english = _only(
        _run(clean.evolve(offers=(*clean.offers, extra)), lang="en"), "duplicate-structure"
    )
    assert "Thursdays 12:00–12:45 (53 common days in the period 2026" in english.message
    assert "unconfirmed" not in report.codes()
    # Afternoon instead of noon: the hours no longer meet, nothing is reported.
    later = _sprachtreff(schedule="FREQ=WEEKLY;BYDAY=TH", schedule_note="donnerstags 13–14 Uhr")
    assert not {"duplicate-structure", "duplicate-structure-unconfirmed"} & set(
        _run(clean.evolve(offers=(*clean.offers, later))).codes()
    )


def test_duplicate_structure_says_field_group_and_day_in_singular_or_plural() -> None:
    """Two shared Handlungsfelder read "im Handlungsfeld „Arbeitsmarkt“, „Sprache“": the
    numbers of fields, target groups and common days pick their form from the gettext
    catalogue (ngettext), in German and in English."""
    both = ("sprache", "arbeitsmarkt")
    clean = _replace(
        _clean(),
        "offers",
        0,
        fields=both,
        target_groups=("frauen",),
        schedule="FREQ=WEEKLY;BYDAY=TH",
        schedule_note="donnerstags 10–12 Uhr",
    )
    # 2026-01-01 is a Thursday: the offers meet on one day only.
    once = attrs.evolve(
        _sprachtreff(),
        fields=both,
        target_groups=("frauen",),
        schedule="FREQ=WEEKLY;BYDAY=TH",
        schedule_note="donnerstags 11–13 Uhr",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 1, 1),
    )
    concept = clean.evolve(offers=(*clean.offers, once))
    german = _only(_run(concept), "duplicate-structure").message
    assert "in den Handlungsfeldern „Arbeitsmarkt“, „Sprache“, für Zielgruppe Frauen," in german
    assert "(1 gemeinsamer Tag im Zeitraum 2026, zuerst am 01.01.2026)" in german
    english = _only(_run(concept, lang="en"), "duplicate-structure").message
    assert "in the fields of action “Arbeitsmarkt”, “Sprache”, for target group Women," in english
    assert "(1 common day in the period 2026, first on 2026-01-01)" in english
    # One field, two groups, every Thursday: the other forms.
    groups = ("frauen", "eltern")
    kurs = attrs.evolve(concept.offers[0], fields=("sprache",), target_groups=groups)
    treff = attrs.evolve(once, target_groups=groups, valid_to=None)
    one = concept.evolve(offers=(kurs, concept.offers[1], treff))
    german = _only(_run(one), "duplicate-structure").message
    assert "im Handlungsfeld „Sprache“, für Zielgruppen Eltern, Frauen," in german
    assert "(53 gemeinsame Tage im Zeitraum 2026" in german
    english = _only(_run(one, lang="en"), "duplicate-structure").message
    assert "in the field of action “Sprache”, for target groups Parents, Women," in english


def test_duplicate_structure_without_schedule_is_unconfirmed_and_lower() -> None:
    clean = _clean()
    report = _run(clean.evolve(offers=(*clean.offers, _sprachtreff())))
    assert "duplicate-structure" not in report.codes()
    finding = _only(report, "duplicate-structure-unconfirmed")
    assert finding.severity is Severity.INFO
    assert "keine Terminregel" in finding.message
    days = _sprachtreff(schedule="FREQ=WEEKLY;BYDAY=TH")
    with_days = _replace(clean, "offers", 0, schedule="FREQ=WEEKLY;BYDAY=TH,FR")
    finding = _only(
        _run(with_days.evolve(offers=(*with_days.offers, days))), "duplicate-structure-unconfirmed"
    )
    assert "an denselben Tagen: donnerstags (53 gemeinsame Tage" in finding.message
    assert "keine Uhrzeiten" in finding.message


def test_duplicate_structure_looks_at_the_report_period() -> None:
    clean = _clean()
    ended = _sprachtreff(valid_to=date(2020, 12, 31))
    concept = clean.evolve(offers=(*clean.offers, ended))
    assert "duplicate-structure-unconfirmed" not in _run(concept).codes()
    assert "duplicate-structure-unconfirmed" in _run(concept, period="2020").codes()
    # Without a period, the year of "today" counts.
    assert "duplicate-structure-unconfirmed" not in _run(concept, period=None).codes()


def test_coverage_gap() -> None:
    concept = _replace(_clean(), "offers", 1, territories=(BILLERBECK,), venue=None)
    concept = _replace(concept, "offers", 1, contacts=(Contact(role="Info", phone="+49 1 2345"),))
    finding = _only(_run(concept), "coverage-gap")
    assert finding.severity is Severity.INFO
    assert finding.location.path == "territories[2]"
    assert (
        finding.message
        == "Dülmen (05558016): kein aktuelles Angebot im Handlungsfeld „Arbeitsmarkt“."
    )


def test_a_field_without_an_offer_in_any_municipality_is_one_finding() -> None:
    """A Landkreis of 104 Gemeinden fresh from init got 832 hints, one per
    municipality and field. A field in which none of two or more municipalities has an
    offer is one finding at the field; accepted, it leaves the report too."""
    concept = _replace(_clean(), "offers", 1, territories=(BILLERBECK,), venue=None)
    concept = _replace(concept, "offers", 1, fields=("sprache",))
    report = _run(concept)
    finding = _only(report, "coverage-gap")
    assert finding.location.path == "fields[1]"
    assert finding.subject == "05558/arbeitsmarkt"
    assert finding.message == (
        "Handlungsfeld „Arbeitsmarkt“: in keiner der 2 Städte und Gemeinden ein aktuelles Angebot."
    )
    md = ki.build_report(concept, "2026", format="md", today=TODAY)
    assert "**In keiner Kommune ein Angebot:** Arbeitsmarkt" in md
    accepted = concept.evolve(
        accepted_findings=(
            ki.AcceptedFinding(
                code="coverage-gap",
                subject="05558/arbeitsmarkt",
                reason="Das Jobcenter berät im Kreishaus.",
                date=date(2026, 3, 1),
                by="Steuerungsgruppe",
            ),
        )
    )
    assert "coverage-gap" not in _run(accepted).codes()
    md = ki.build_report(accepted, "2026", format="md", today=TODAY)
    assert "In keiner Kommune" not in md
    assert "| Billerbeck | Arbeitsmarkt |" not in md  # nor in each row
    # With one municipality left, its gap is the finding, as before.
    one = concept.evolve(territories=concept.territories[:2])
    assert _only(_run(one), "coverage-gap").location.path == "territories[1]"


def test_offer_unreachable() -> None:
    concept = _replace(_clean(), "offers", 1, venue=Venue(name="Treff", municipality=DUELMEN))
    concept = _replace(concept, "actors", 2, contacts=(Contact(role="Info", web="https://x.de"),))
    finding = _only(_run(concept), "offer-unreachable")
    assert finding.severity is Severity.WARNING
    assert finding.location.path == "offers[1].contacts"


def test_offer_reachable_through_its_actor() -> None:
    concept = _replace(_clean(), "offers", 0, contacts=())
    assert "offer-unreachable" not in _run(concept).codes()


@pytest.mark.parametrize(
    ("collection", "attribute"),
    [("actors", "name"), ("offers", "name"), ("measures", "title"), ("indicators", "name")],
)
def test_a_name_longer_than_a_table_line_is_named(collection: str, attribute: str) -> None:
    """A name of 8,800 characters (a description in the name column) went into the
    report's tables without a word, and in print it ran off the page."""
    from kommunale_integration._validation._rules import NAME_LIMIT

    fits = _replace(_clean(), collection, 0, **{attribute: "x" * NAME_LIMIT})
    assert "overlong-name" not in _run(fits).codes()
    concept = _replace(_clean(), collection, 0, **{attribute: "Willkommen " * 800})
    finding = _only(_run(concept), "overlong-name")
    assert finding.severity is Severity.WARNING
    assert finding.location.path == f"{collection}[0].{attribute}"
    assert "der Name ist 8.800 Zeichen lang; ein Name in den Tabellen des Berichts hat " in (
        finding.message
    )


# --------------------------------------------------------------------------- completeness


def test_incomplete_period() -> None:
    clean = _clean()
    concept = clean.evolve(observations=clean.observations[:5])
    finding = _only(_run(concept), "incomplete-period")
    assert finding.severity is Severity.ERROR  # steuerung
    assert finding.location.path == "indicators[1]"
    assert "Dülmen (05558016)" in finding.message
    assert _only(_run(concept, "konzept"), "incomplete-period").severity is Severity.WARNING


def test_incomplete_period_names_a_territory_the_concept_does_not_list_by_its_ags_once() -> None:
    # (it read "no value or reason for 05566 (05566)")
    report = _run(_clean().evolve(territory="05566"), disabled={"unknown-reference"})
    messages = [f.message for f in report.by_code("incomplete-period")]
    assert any("Für 05566 fehlt" in m for m in messages), messages
    assert not any("05566 (05566)" in m for m in messages)


def test_missing_value_with_reason_counts_and_without_does_not() -> None:
    reason = _obs(_clean(), 5, value=None, status="missing", note="Daten liegen nicht vor")
    assert _run(reason).findings == ()
    silent = _obs(_clean(), 5, value=None, status="missing")
    finding = _only(_run(silent), "incomplete-period")
    assert finding.location.path == "observations[5].note"
    assert "ohne Begründung" in finding.message


def test_total_value_counts_for_the_concept_territory_and_no_period_no_check() -> None:
    concept = _obs(_clean(), 3, territory="all")
    assert _run(concept).findings == ()
    clean = _clean()
    assert "incomplete-period" not in _run(clean.evolve(observations=()), period=None).codes()


# --------------------------------------------------------------------------- profiles


def test_steering_codes_are_errors_in_steuerung_and_off_in_konzept() -> None:
    concept = _replace(_clean(), "measures", 0, responsible=None, timeframe=None, indicators=())
    strict = _run(concept, "steuerung")
    for code, path in [
        ("measure-without-responsible", "measures[0].responsible"),
        ("measure-without-timeframe", "measures[0].timeframe"),
        ("measure-without-indicator", "measures[0].indicators"),
    ]:
        finding = _only(strict, code)
        assert finding.severity is Severity.ERROR
        assert finding.location.path == path
    assert not strict.ok
    assert _run(concept, "konzept").findings == ()


def test_unknown_profile_and_language() -> None:
    with pytest.raises(ValidationConfigError, match="konzept, steuerung"):
        validate(_clean(), "gibtsnicht")
    with pytest.raises(ValidationConfigError, match="language"):
        validate(_clean(), lang="fr")


def test_custom_profile_changes_severities() -> None:
    concept = _replace(_clean(), "actors", 2, last_verified=date(2020, 1, 1))
    strict = Profile(name="streng", description="x", severities={"stale-entry": Severity.ERROR})
    report = _run(concept, strict)
    assert report.profile == "streng"
    assert _only(report, "stale-entry").severity is Severity.ERROR
    assert not report.ok
    assert len({strict, PROFILES["konzept"], PROFILES["steuerung"]}) == 3  # hashable


# --------------------------------------------------------------------------- one pass


def test_ten_problems_reported_in_one_run() -> None:
    clean = _clean()
    concept = clean.evolve(
        actors=(*clean.actors, Actor(id="vhs", name="Doppelt", last_verified=date(2026, 1, 1))),
    )
    concept = _replace(concept, "offers", 0, actor="drk")  # 1 unknown-reference
    concept = _replace(concept, "actors", 0, parent="vhs")  # 2 parent-cycle
    concept = _replace(  # 3 measure-outside-validity, 4 measure-without-responsible
        concept,
        "measures",
        0,
        timeframe=DateRange(start=date(2029, 1, 1), end=date(2031, 1, 1)),
        responsible=None,
    )
    concept = _replace(concept, "meetings", 0, date=date(2010, 1, 1))  # 5 meeting-outside
    concept = _obs(concept, 1, value=Decimal(120), numerator=None, denominator=None)  # 6
    concept = _obs(concept, 4, value=Decimal(-1))  # 7 negative-count
    concept = _replace(concept, "actors", 2, last_verified=date(2020, 1, 1), contacts=())  # 8
    concept = _replace(concept, "offers", 1, venue=None, territories=(BILLERBECK,))  # 9, 10
    report = _run(concept)
    expected = {
        "duplicate-id",
        "unknown-reference",
        "parent-cycle",
        "measure-outside-validity",
        "measure-without-responsible",
        "meeting-outside-network",
        "percentage-out-of-range",
        "negative-count",
        "stale-entry",
        "offer-unreachable",
        "coverage-gap",
    }
    assert expected <= report.codes(), report.to_text()
    assert len(expected) >= 10
    severities = [f.severity for f in report]
    assert severities == sorted(
        severities, key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index
    )


# --------------------------------------------------------------------------- user rules


def test_plain_callable_rule_and_disabling_its_code() -> None:
    def bus_stops(concept: Concept) -> Iterable[Finding]:
        for index, offer in enumerate(concept.offers):
            if offer.venue is None:
                yield Finding(
                    code="no-bus-stop",
                    severity=Severity.WARNING,
                    message=f"{offer.id}: keine Haltestelle",
                    location=concept.locate(f"offers[{index}].venue"),
                )

    report = _run(_clean(), rules=[bus_stops])
    assert _only(report, "no-bus-stop").location.path == "offers[0].venue"
    assert "no-bus-stop" not in _run(_clean(), rules=[bus_stops], disabled={"no-bus-stop"}).codes()


class _MeasureCountRule:
    name = "measure-count"
    codes: ClassVar[Mapping[str, Severity]] = {"too-few-measures": Severity.INFO}

    def __call__(self, context: ValidationContext) -> Iterable[Finding]:
        if len(context.concept.measures) < 2:
            yield Finding(
                code="too-few-measures",
                severity=Severity.INFO,
                message=f"{context.profile}: nur eine Maßnahme",
                location=context.locate("measures"),
            )


def test_rule_object_gets_the_context_and_declares_codes() -> None:
    report = _run(_clean(), rules=[_MeasureCountRule()])
    assert _only(report, "too-few-measures").message == "steuerung: nur eine Maßnahme"
    assert isinstance(_MeasureCountRule(), ki.Rule)
    # declared codes can be switched off; then the rule does not even run
    assert _run(_clean(), rules=[_MeasureCountRule()], disabled={"too-few-measures"}).ok


def test_disabling_an_unknown_code_is_refused_with_a_hint() -> None:
    with pytest.raises(ValidationConfigError, match="did you mean 'coverage-gap'"):
        _run(_clean(), disabled={"coverage-gaps"})


def test_plain_rule_returning_none_finds_nothing() -> None:
    def silent(concept: Concept) -> None:
        return None

    assert _run(_clean(), rules=[silent]).findings == ()


def test_failing_user_rule_is_a_clear_error_naming_it() -> None:
    def fragile(concept: Concept) -> Iterable[Finding]:
        yield from ()
        raise KeyError("measures")

    with (
        using_language("en"),
        pytest.raises(ValidationConfigError, match=r"fragile' failed: “KeyError"),
    ):
        _run(_clean(), rules=[fragile])
    with (
        using_language("de"),
        pytest.raises(ValidationConfigError, match=r"fragile' ist gescheitert: „KeyError"),
    ):
        _run(_clean(), rules=[fragile])


def test_rule_returning_garbage_is_a_clear_error() -> None:
    def broken(concept: Concept) -> Iterable[Any]:
        return ["kein Befund"]

    with pytest.raises(ValidationConfigError, match="not a Finding"):
        _run(_clean(), rules=[broken])
    with pytest.raises(ValidationConfigError, match="callable"):
        _run(_clean(), rules=["nope"])


def test_disabled_builtin_code_disappears() -> None:
    concept = _replace(_clean(), "offers", 1, venue=None, territories=(BILLERBECK,))
    assert "coverage-gap" in _run(concept).codes()
    assert "coverage-gap" not in _run(concept, disabled={"coverage-gap"}).codes()


# --------------------------------------------------------------------------- language


def test_english_messages() -> None:
    concept = _replace(_clean(), "offers", 0, actor="drk")
    finding = _only(_run(concept, lang="en"), "unknown-reference")
    assert finding.message == "Offer “sprachkurs”: there is no actor “drk” in the concept."


def test_every_builtin_code_has_both_languages_and_a_rule() -> None:
    from kommunale_integration._validation._messages import MESSAGES

    codes = all_codes()
    assert set(codes) == {key.split("/")[0] for key in MESSAGES}
    assert all(rule.codes for rule in BUILTIN_RULES)
    from kommunale_integration._i18n import tr

    for en in MESSAGES.values():
        assert tr(en, lang="de") != en  # the catalogue translates every template
        assert tr(en, lang="en") == en


def test_the_builtin_rules_keep_their_names_and_order() -> None:
    """A rule's ``name`` is public (:class:`~kommunale_integration.Rule`) and names it
    in its ``repr``; the rules run in this order, the acceptance of findings last."""
    assert [rule.name for rule in BUILTIN_RULES] == [
        "identifiers",
        "references",
        "schedules",
        "languages",
        "translations",
        "catalogue-codes",
        "expressions",
        "territories",
        "parent-cycles",
        "dates",
        "numbers",
        "currency",
        "duplicate-structures",
        "coverage",
        "completeness",
        "contacts",
        "name-length",
        "steering",
        "accepted-findings",
    ]
    assert repr(BUILTIN_RULES[0]) == "<rule identifiers: duplicate-id>"


# --------------------------------------------------------------------------- locations


def test_locations_use_recorded_sources() -> None:
    concept = _replace(_clean(), "offers", 1, actor="drk").with_sources(
        {"offers[1]": Location(file="angebote.csv", row=3)}
    )
    finding = _only(_run(concept), "unknown-reference")
    assert finding.location == Location(file="angebote.csv", row=3, path="offers[1].actor")


# --------------------------------------------------------------------------- properties


@given(concepts(), st.sampled_from(sorted(PROFILES)), st.sampled_from(["de", "en"]))
def test_validate_never_raises_and_report_is_consistent(
    concept: Concept, profile: str, lang: str
) -> None:
    report = validate(concept, profile, today=TODAY, period=Y2026, lang=lang, plugins=False)
    assert report.ok == (not report.errors)
    assert len(report.errors) + len(report.warnings) + len(report.infos) == len(report)
    assert set(report.codes()) <= set(all_codes())
    data = json.loads(report.to_json())
    assert data["ok"] is report.ok
    assert [f["code"] for f in data["findings"]] == [f.code for f in report]
    assert len(report.flatten()) == len(report)


@given(concepts(), st.sets(st.sampled_from(sorted(all_codes())), max_size=4))
def test_disabling_removes_exactly_those_codes(concept: Concept, off: set[str]) -> None:
    full = validate(concept, "steuerung", today=TODAY, period=Y2026, plugins=False)
    reduced = validate(concept, "steuerung", today=TODAY, period=Y2026, disabled=off, plugins=False)

    def about_switched_off(finding: Finding) -> bool:
        # An acceptance of a switched-off code is not reported as unused.
        if finding.code != "accepted-finding-unused":
            return False
        index = int(finding.location.path.removeprefix("accepted_findings[").rstrip("]"))
        return concept.accepted_findings[index].code in off

    assert reduced.findings == tuple(
        f for f in full if f.code not in off and not about_switched_off(f)
    )


# --------------------------------------------------------------------------- computed values


def test_validate_with_cases_counts_computed_values() -> None:
    from kommunale_integration import example_path, load_concept, read_cases

    folder = example_path("kreis_coesfeld")
    concept = load_concept(folder)
    cases = read_cases(folder / "cases.csv", folder / "events.csv")
    without = validate(concept, period="2025", today=TODAY)
    missing = {f.message.split("„")[1].split("“")[0] for f in without.by_code("incomplete-period")}
    case_based = {i.id for i in concept.indicators if isinstance(i.numerator, CaseCount)}
    assert case_based
    assert case_based <= missing
    report = validate(concept, period="2025", today=TODAY, cases=cases)
    assert report.by_code("incomplete-period") == ()
    # An indicator the case export cannot give is still reported.
    entered = Indicator(id="entered_by_hand", name="Von Hand", numerator="volunteers")
    more = concept.evolve(indicators=(*concept.indicators, entered))
    still = validate(more, period="2025", today=TODAY, cases=cases).by_code("incomplete-period")
    assert still
    assert all("„entered_by_hand“" in f.message for f in still)
    with pytest.raises(ValidationConfigError, match="period"):
        validate(concept, period=None, today=TODAY, cases=cases)


# --------------------------------------------------------------------------- rules pinned
# (a mutation run of _validation/_rules.py changed each of these without breaking a test)


def _versions(*spans: tuple[date | None, date | None]) -> Concept:
    """The clean concept with Billerbeck's AGS once more, as versions over *spans*."""
    clean = _clean()
    other = Territory(ags="05558012", name="Coesfeld", kind=TerritoryKind.TOWN, parent=KREIS)
    versions = [
        Territory(
            ags=BILLERBECK,
            name=f"Billerbeck ({n})",
            kind=TerritoryKind.TOWN,
            parent=KREIS,
            valid_from=start,
            valid_to=end,
        )
        for n, (start, end) in enumerate(spans)
    ]
    kreis, *towns = clean.territories
    return clean.evolve(territories=(kreis, other, *towns, *versions))


def test_versions_of_one_ags_that_follow_each_other_are_no_duplicate() -> None:
    concept = _versions((date(1975, 1, 1), date(2015, 12, 31)))
    # Billerbeck of the clean concept exists from always to always: they overlap
    assert "duplicate-id" in _run(concept).codes()
    concept = concept.evolve(
        territories=tuple(
            attrs.evolve(t, valid_from=date(2016, 1, 1)) if t.name == "Billerbeck" else t
            for t in concept.territories
        )
    )
    assert "duplicate-id" not in _run(concept).codes(), _run(concept).to_text()


def test_a_duplicate_ags_names_the_first_version_it_overlaps() -> None:
    concept = _versions((date(1975, 1, 1), date(2015, 12, 31)), (date(2010, 1, 1), None))
    concept = concept.evolve(
        territories=tuple(
            attrs.evolve(t, valid_from=date(2016, 1, 1)) if t.name == "Billerbeck" else t
            for t in concept.territories
        )
    )
    # territories: [0] Kreis, [1] Coesfeld, [2] Billerbeck from 2016, [3] Dülmen,
    # [4] Billerbeck 1975–2015, [5] Billerbeck from 2010 (overlaps [2] and [4])
    finding = _only(_run(concept), "duplicate-id")
    assert finding.location.path == "territories[5].ags"
    assert "territories[2]" in finding.message


def test_staff_without_a_grant_or_with_a_known_one_is_fine_and_an_unknown_grant_is_not() -> None:
    staff = ki.StaffPosition(role="Integrationsbeauftragte", fte=Decimal("1.0"))
    concept = _replace(_clean(), "actors", 0, staff=(staff,))
    assert "unknown-reference" not in _run(concept).codes(), _run(concept).to_text()
    unknown = attrs.evolve(staff, funding="kommunales-integrationsmanagement")
    finding = _only(_run(_replace(_clean(), "actors", 0, staff=(unknown,))), "unknown-reference")
    assert finding.location.path == "actors[0].staff[0].funding"
    # a grant the concept lists is fine
    grant = ki.Funding(
        id="kommunales-integrationsmanagement",
        programme="Kommunales Integrationsmanagement",
        provider="Land NRW",
        amount=Decimal(80_000),
    )
    known = _replace(_clean(), "actors", 0, staff=(unknown,)).evolve(funding=(grant,))
    assert "unknown-reference" not in _run(known).codes()


@pytest.mark.parametrize(
    ("start", "end", "outside"),
    [
        (date(2016, 1, 1), date(2030, 12, 31), False),  # exactly the validity
        (date(2015, 12, 31), date(2020, 12, 31), True),  # a day early
        (date(2020, 1, 1), date(2031, 1, 1), True),  # a day late
    ],
)
def test_a_measure_may_run_up_to_the_concepts_validity_to_the_day(
    start: date, end: date, outside: bool
) -> None:
    concept = _replace(_clean(), "measures", 0, timeframe=DateRange(start=start, end=end))
    assert ("measure-outside-validity" in _run(concept).codes()) is outside


@pytest.mark.parametrize(
    ("valid_from", "valid_to"), [(None, date(2030, 12, 31)), (date(2016, 1, 1), None)]
)
def test_a_concept_valid_on_one_side_only_still_bounds_its_measures(
    valid_from: date | None, valid_to: date | None
) -> None:
    frame = DateRange(start=date(2010, 1, 1), end=date(2040, 12, 31))
    concept = _replace(_clean(), "measures", 0, timeframe=frame)
    concept = concept.evolve(valid_from=valid_from, valid_to=valid_to)
    assert "measure-outside-validity" in _run(concept).codes()


def test_an_offer_reachable_itself_needs_no_reachable_actor() -> None:
    concept = _replace(_clean(), "actors", 1, contacts=())  # the VHS, Träger of the course
    assert "offer-unreachable" not in _run(concept).codes()
    unreachable = _replace(concept, "offers", 0, contacts=())
    assert _only(_run(unreachable), "offer-unreachable").location.path == "offers[0].contacts"


# numbers: the rules pinned at their edges (mutation run of _validation/_rules.py)


def _faelle(concept: Concept, **changes: Any) -> Concept:
    """*concept* with the count indicator ``faelle`` changed."""
    faelle = attrs.evolve(concept.indicators[1], **changes)
    return concept.evolve(indicators=(concept.indicators[0], faelle))


@pytest.mark.parametrize(
    ("changes", "count"),
    [
        ({}, True),  # a case count
        ({"numerator": "zugaenge"}, True),  # one data element
        ({"numerator": "q1_zugaenge"}, True),  # a digit inside a data element's name
        ({"numerator": "1zugaenge"}, False),  # not a name: it starts with a digit
        ({"numerator": None}, False),  # entered by hand: any figure
        ({"denominator": CaseCount(count=CaseCountKind.NEW), "scale": 1000}, False),  # a rate
    ],
)
def test_a_negative_value_is_an_error_of_counts_only(changes: dict[str, Any], count: bool) -> None:
    concept = _obs(_faelle(_clean(), **changes), 4, value=Decimal(-3))
    disabled = {"unknown-data-element", "invalid-expression"}
    report = _run(concept, disabled=disabled)
    assert bool(report.by_code("negative-count")) is count, report.to_text()


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (Decimal("-3.0"), "de", "-3 "),
        (Decimal("-2.5"), "de", "-2,5 "),
        (Decimal("-2.5"), "en", "-2.5 "),
    ],
)
def test_a_value_in_a_message_is_written_in_the_message_language(
    value: Decimal, lang: str, shown: str
) -> None:
    concept = _obs(_clean(), 4, value=value)
    finding = _only(_run(concept, lang=lang), "negative-count")
    assert shown in finding.message.replace("\u2212", "-")


def test_a_numerator_equal_to_its_denominator_is_a_whole() -> None:
    concept = _obs(_clean(), 2, numerator=Decimal(20), denominator=Decimal(20), value=Decimal(100))
    assert _run(concept).findings == ()


def test_a_zero_denominator_is_no_mismatch() -> None:
    concept = _obs(_clean(), 2, numerator=Decimal(0), denominator=Decimal(0), value=Decimal(0))
    assert not _run(concept).by_code("value-mismatch")


@pytest.mark.parametrize(
    ("value", "mismatch"),
    [
        ("13", False),  # 12.5 rounded half up: half a unit of the last digit is allowed
        ("12", False),  # and half down
        ("14", True),
        ("12.5", False),
        ("12.6", True),  # a tenth off where the value is given to tenths
        ("12.45", True),  # five hundredths off where the value is given to hundredths
    ],
)
def test_a_rate_matches_its_parts_to_half_a_unit_of_its_last_digit(
    value: str, mismatch: bool
) -> None:
    concept = _obs(_clean(), 2, numerator=Decimal(1), denominator=Decimal(8), value=Decimal(value))
    assert bool(_run(concept).by_code("value-mismatch")) is mismatch


def test_a_mismatch_names_the_expected_value_to_two_places() -> None:
    concept = _obs(_clean(), 0, numerator=Decimal(1), denominator=Decimal(3), value=Decimal("30"))
    assert "= 33,33)" in _only(_run(concept), "value-mismatch").message


def test_a_second_baseline_is_named_a_baseline() -> None:
    clean = _clean()
    target = clean.targets[0]
    baseline = ki.Baseline(
        indicator=target.indicator, territory=target.territory, period=Y2026, value=Decimal(40)
    )
    report = _run(clean.evolve(baselines=(baseline, baseline)))
    finding = _only(report, "duplicate-target")
    assert finding.location.path == "baselines[1]"
    assert "Ausgangswert" in finding.message
    assert "Zielwert" not in finding.message
    twice = _run(clean.evolve(targets=(target, target)))
    assert "Zielwert" in _only(twice, "duplicate-target").message


@pytest.mark.parametrize(
    ("period", "outside"),
    [
        ("2015", True),
        ("2015-12", True),
        ("2015-12-01/2015-12-31", True),
        ("2015-12-01/2016-01-01", False),  # ends on the first day of the validity
        ("2030-12-31/2031-01-31", False),  # starts on its last day
        ("2031-01-01/2031-01-31", True),
        ("2031", True),
    ],
)
def test_a_target_outside_the_validity_to_the_day(period: str, outside: bool) -> None:
    concept = _replace(_clean(), "targets", 0, period=ReportPeriod.parse(period))
    assert ("target-outside-validity" in _run(concept).codes()) is outside


# the wording of the duplicate-structure message (mutation run of _validation/_rules.py)


@pytest.mark.parametrize(
    ("weekdays", "lang", "text"),
    [
        ([0, 1, 2], "de", "montags bis mittwochs"),
        ([0, 1, 2], "en", "Mondays to Wednesdays"),
        ([1, 2, 3, 4], "de", "dienstags bis freitags"),
        ([0, 1], "de", "montags, dienstags"),  # two days are named, not spanned
        ([0, 1, 3], "de", "montags, dienstags, donnerstags"),  # not a run
        ([0, 2, 3], "en", "Mondays, Wednesdays, Thursdays"),
        ([5], "de", "samstags"),
    ],
)
def test_weekdays_are_named_or_spanned(weekdays: list[int], lang: str, text: str) -> None:
    assert weekday_text(weekdays, lang) == text


@pytest.mark.parametrize(
    ("count", "lang", "text"),
    [
        (5, "de", "a, b, c, d, e"),
        (6, "de", "a, b, c, d, e und 1 weitere"),
        (7, "en", "a, b, c, d, e and 2 more"),
    ],
)
def test_a_long_list_of_places_is_cut_after_five(count: int, lang: str, text: str) -> None:
    assert _listing(list("abcdefg")[:count], lang) == text


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (Decimal("100.5"), "percentage-out-of-range"),
        (Decimal("-0.5"), "percentage-out-of-range"),
        (Decimal(0), None),
    ],
)
def test_a_percentage_outside_0_to_100_by_a_fraction(value: Decimal, code: str | None) -> None:
    concept = _obs(_clean(), 1, value=value, numerator=None, denominator=None)
    assert _run(concept).codes() == ({code} if code else set())


def test_a_count_of_zero_is_no_negative_count() -> None:
    assert _run(_obs(_clean(), 4, value=Decimal(0))).findings == ()


def test_an_unconfirmed_duplicate_names_groups_places_days_and_what_is_missing() -> None:
    common: dict[str, Any] = {
        "target_groups": ("frauen", "eltern"),
        "territories": (DUELMEN, "05558004"),  # Ascheberg is not a territory of the concept
        "fields": ("sprache", "arbeitsmarkt"),
    }
    concept = _replace(_clean(), "offers", 0, schedule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", **common)
    other = attrs.evolve(_sprachtreff(schedule="FREQ=WEEKLY;BYDAY=MO,TU,WE"), **common)
    concept = concept.evolve(offers=(*concept.offers, other))
    german = _only(_run(concept), "duplicate-structure-unconfirmed").message
    assert "„Arbeitsmarkt“, „Sprache“, für Zielgruppen Eltern, Frauen," in german
    assert "in Ascheberg (Kreis Coesfeld), Dülmen, an denselben Tagen: montags bis mittwochs" in (
        german
    )
    assert german.endswith(
        "für Angebot „sprachkurs“ und Angebot „sprachtreff“ sind keine Uhrzeiten angegeben."
    )
    english = _only(_run(concept, lang="en"), "duplicate-structure-unconfirmed").message
    assert "for target groups Parents, Women, in Ascheberg (Kreis Coesfeld), Dülmen," in english
    assert "on the same days: Mondays to Wednesdays (156 common days" in english
    assert english.endswith("no hours are given for offer “sprachkurs” and offer “sprachtreff”.")
    # neither offer has a schedule: for both, the rule is missing
    bare = _clean().evolve(offers=(*_clean().offers, _sprachtreff()))
    english = _only(_run(bare, lang="en"), "duplicate-structure-unconfirmed").message
    assert english.endswith(
        "no schedule (RRULE) is given for offer “sprachkurs” and offer “sprachtreff”."
    )
    assert "for all target groups, in Dülmen;" in english


def test_hours_of_the_day_from_minutes() -> None:
    assert hours_text([(960, 1080)]) == "16:00–18:00"
    assert hours_text([(545, 765), (1439, 1439)]) == "09:05–12:45, 23:59–23:59"


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "counted"),
    [
        (None, date(2026, 1, 1), True),  # dissolved on the period's first day: still there
        (None, date(2025, 12, 31), False),
        (date(2026, 12, 31), None, True),  # founded on the period's last day
        (date(2027, 1, 1), None, False),
        (date(2025, 1, 1), date(2025, 12, 31), False),  # both bounds, before the period
    ],
)
def test_completeness_asks_for_the_municipalities_that_exist_in_the_period(
    valid_from: date | None, valid_to: date | None, counted: bool
) -> None:
    clean = _clean()
    territories = tuple(
        attrs.evolve(t, valid_from=valid_from, valid_to=valid_to) if t.ags == DUELMEN else t
        for t in clean.territories
    )
    observations = tuple(o for o in clean.observations if o.territory != DUELMEN)
    concept = clean.evolve(territories=territories, observations=observations)
    report = _run(concept, disabled={"coverage-gap"})
    missing = [f for f in report.by_code("incomplete-period") if "(05558016)" in f.message]
    assert bool(missing) is counted, report.to_text()


def _quarters_of_duelmen(changes: dict[int, dict[str, Any]] | None = None) -> Concept:
    """The clean concept with Dülmen's year of ``faelle`` (a count summed over time)
    given only as its four quarters (*changes*: quarter → fields changed)."""
    clean = _faelle(_clean(), over_time=OverTime.SUM, disaggregations=("sex",))
    kept = tuple(
        o for o in clean.observations if not (o.territory == DUELMEN and o.indicator == "faelle")
    )
    quarters = tuple(
        Observation(
            indicator="faelle",
            period=ReportPeriod.parse(f"2026-Q{q}"),
            territory=DUELMEN,
            **{"value": Decimal(10), **(changes or {}).get(q, {})},
        )
        for q in range(1, 5)
    )
    return clean.evolve(observations=(*kept, *quarters))


def test_a_year_summed_from_its_quarters_is_complete() -> None:
    assert "incomplete-period" not in _run(_quarters_of_duelmen()).codes()


def test_quarters_of_a_breakdown_do_not_make_the_year() -> None:
    by_sex = {q: {"disaggregation": (("sex", "f"),)} for q in range(1, 5)}
    finding = _only(_run(_quarters_of_duelmen(by_sex)), "incomplete-period")
    assert "(05558016)" in finding.message


def test_a_quarter_missing_with_a_reason_leaves_the_year_incomplete() -> None:
    gap = {3: {"value": None, "status": ObservationStatus.MISSING, "note": "nicht erhoben"}}
    finding = _only(_run(_quarters_of_duelmen(gap)), "incomplete-period")
    assert "(05558016)" in finding.message


@pytest.mark.parametrize(
    ("start", "end", "flagged"),
    [
        (None, date(2020, 12, 31), False),
        (date(2017, 1, 1), None, False),
        (None, None, True),
    ],
)
def test_a_timeframe_open_on_one_side_is_a_timeframe(
    start: date | None, end: date | None, flagged: bool
) -> None:
    frame = DateRange(start=start, end=end)
    concept = _replace(_clean(), "measures", 0, timeframe=frame)
    assert ("measure-without-timeframe" in _run(concept).codes()) is flagged


@pytest.mark.parametrize(
    ("founded", "dissolved", "outside"),
    [
        (date(2026, 2, 3), None, False),  # met on the day it was founded
        (date(2026, 2, 4), None, True),
        (date(2016, 5, 1), date(2026, 2, 3), False),  # met on the day it was dissolved
        (date(2016, 5, 1), date(2026, 2, 2), True),
    ],
)
def test_a_meeting_within_its_network_to_the_day(
    founded: date, dissolved: date | None, outside: bool
) -> None:
    concept = _replace(_clean(), "networks", 0, founded=founded, dissolved=dissolved)
    assert ("meeting-outside-network" in _run(concept).codes()) is outside
