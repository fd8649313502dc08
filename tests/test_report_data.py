"""A small but complete concept for the report tests (built in Python, not from examples/).

The values are invented for the tests; they are not figures of any real Kreis.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import kommunale_integration as ki

TODAY = date(2026, 3, 2)
KREIS = "05558"
ASCHEBERG = "05558004"
BILLERBECK = "05558008"
COESFELD = "05558012"
P = ki.ReportPeriod.parse


def _obs(
    indicator: str, period: str, territory: str, value: str | None, status: str = "ok"
) -> ki.Observation:
    return ki.Observation(
        indicator=indicator,
        period=P(period),
        territory=territory,
        value=None if value is None else Decimal(value),
        status=ki.ObservationStatus(status),
    )


def sample_concept(**changes: object) -> ki.Concept:
    """The test concept; *changes* are applied with ``Concept.evolve``."""
    territories = (
        ki.Territory(ags=KREIS, name="Kreis Coesfeld", kind=ki.TerritoryKind.DISTRICT),
        ki.Territory(
            ags=ASCHEBERG, name="Ascheberg", kind=ki.TerritoryKind.MUNICIPALITY, parent=KREIS
        ),
        ki.Territory(ags=BILLERBECK, name="Billerbeck", kind=ki.TerritoryKind.TOWN, parent=KREIS),
        ki.Territory(ags=COESFELD, name="Coesfeld", kind=ki.TerritoryKind.TOWN, parent=KREIS),
    )
    fields = (
        ki.FieldOfAction(id="sprache", title="Sprache", description="Deutsch lernen | sprechen."),
        ki.FieldOfAction(id="arbeitsmarkt", title="Arbeitsmarktintegration"),
    )
    goals = (
        ki.Goal(
            id="z-sprache",
            field="sprache",
            kind=ki.GoalKind.OUTCOME,
            text="Alle Neuzugewanderten erreichen ein Sprachniveau von mindestens B1.",
            indicators=("kursstarts",),
        ),
        ki.Goal(
            id="z-arbeit",
            field="arbeitsmarkt",
            text="Mehr Geflüchtete nehmen eine Ausbildung oder Arbeit auf.",
            indicators=("vermittlungsquote",),
        ),
    )
    measures = (
        ki.Measure(
            id="m-sprachcafe",
            title="Sprachcafés in allen Kommunen",
            field="sprache",
            goals=("z-sprache",),
            history=(
                ki.StatusChange(date=date(2024, 3, 1), status=ki.MeasureStatus.PLANNED),
                ki.StatusChange(date=date(2025, 5, 1), status=ki.MeasureStatus.ONGOING),
            ),
            responsible="vhs",
            timeframe=ki.DateRange(start=date(2025, 5, 1)),
        ),
        ki.Measure(
            id="m-jobcoach",
            title="Jobcoaching für junge Geflüchtete",
            field="arbeitsmarkt",
            goals=("z-arbeit",),
        ),
    )
    actors = (
        ki.Actor(
            id="vhs",
            name="VHS Coesfeld",
            category="education",
            territories=(KREIS,),
            fields=("sprache",),
            target_groups=("neuzugewanderte",),
            contacts=(
                ki.Contact(role="Fachbereich Deutsch", phone="+49 2541 12345", email="d@vhs.de"),
            ),
            web="https://vhs.example.org/",
            last_verified=date(2025, 11, 3),
        ),
        ki.Actor(
            id="drk",
            name="DRK Kreisverband",
            category="welfare",
            territories=(ASCHEBERG, BILLERBECK),
            fields=("arbeitsmarkt", "sprache"),
            target_groups=("gefluechtete",),
            founded=date(1990, 1, 1),
            last_verified=date(2023, 6, 30),
        ),
        ki.Actor(
            id="evil",
            name="<script>alert(1)</script> Initiative",
            volunteer=True,
            territories=(COESFELD,),
            fields=("sprache",),
            description="Markdown *sterne* | und <b>fett</b>",
        ),
    )
    offers = (
        ki.Offer(
            id="sprachcafe-ascheberg",
            name="Sprachcafé Ascheberg",
            actor="drk",
            fields=("sprache",),
            target_groups=("gefluechtete",),
            languages=("de", "ar"),
            territories=(ASCHEBERG,),
            venue=ki.Venue(street="Markt 1", postal_code="59387", city="Ascheberg"),
            schedule_note="dienstags 10–12 Uhr",
            cost=Decimal(0),
            valid_from=date(2025, 2, 1),
            last_verified=date(2025, 2, 1),
        ),
        ki.Offer(
            id="integrationskurs",
            name="Integrationskurs",
            actor="vhs",
            fields=("sprache",),
            target_groups=("neuzugewanderte",),
            languages=("de",),
            territories=(KREIS,),
            cost=Decimal("1234.5"),
            capacity=100,
            last_verified=date(2025, 9, 1),
        ),
        ki.Offer(
            id="sprachtreff-coesfeld",
            name="Sprachtreff Coesfeld",
            actor="evil",
            fields=("sprache",),
            languages=("uk",),
            territories=(COESFELD,),
            last_verified=date(2026, 1, 10),
        ),
    )
    indicators = (
        ki.Indicator(
            id="kursstarts",
            name="Sprachkursbeginne",
            numerator=ki.CaseCount(
                count=ki.CaseCountKind.EVENTS, events=("language_course_started",)
            ),
            unit="Fälle",
            direction=ki.Direction.UP,
            fields=("sprache",),
            definition="Fälle mit Beginn eines Sprachkurses im Zeitraum.",
            source="Fallmanagement KIM",
        ),
        ki.Indicator(
            id="vermittlungsquote",
            name="Vermittlungsquote",
            numerator=ki.CaseCount(
                count=ki.CaseCountKind.EVENTS,
                events=("employment_started", "vocational_training_started"),
            ),
            denominator=ki.CaseCount(count=ki.CaseCountKind.ACTIVE),
            scale=100,
            unit="%",
            direction=ki.Direction.UP,
            definition="Vermittlungen je 100 aktive Fälle.",
            origin="lokal",
        ),
    )
    observations = (
        _obs("kursstarts", "2023", KREIS, "980"),
        _obs("kursstarts", "2024", KREIS, "1100"),
        _obs("kursstarts", "2025", KREIS, "1234"),
        _obs("kursstarts", "2025", ASCHEBERG, None, "suppressed"),
        _obs("kursstarts", "2025", BILLERBECK, "17", "provisional"),
        _obs("kursstarts", "2025", COESFELD, "311"),
        _obs("vermittlungsquote", "2024", KREIS, "12.25"),
        _obs("vermittlungsquote", "2025", KREIS, "14.5"),
    )
    concept = ki.Concept(
        id="kreis-coesfeld",
        title="Integrationskonzept des Kreises Coesfeld",
        territory=KREIS,
        version="2",
        predecessor="1",
        committee="Ausschuss für Integration",
        starting_point="Der Kreis hat 2016 sein Konzept beschlossen.\n\nSeitdem wird berichtet.",
        outlook="2026 werden die Kennzahlen fortgeschrieben.",
        territories=territories,
        fields=fields,
        goals=goals,
        measures=measures,
        actors=actors,
        offers=offers,
        indicators=indicators,
        targets=(
            ki.Target(
                indicator="vermittlungsquote", territory=KREIS, period=P("2026"), value=Decimal(20)
            ),
            ki.Target(
                indicator="kursstarts", territory=KREIS, period=P("2025"), value=Decimal(1200)
            ),
        ),
        baselines=(
            ki.Baseline(
                indicator="vermittlungsquote", territory=KREIS, period=P("2023"), value=Decimal(10)
            ),
        ),
        observations=observations,
        networks=(
            ki.Network(id="runder-tisch", name="Runder Tisch Integration", coordinator="vhs"),
        ),
        meetings=(
            ki.Meeting(
                id="rt-1",
                network="runder-tisch",
                date=date(2025, 3, 12),
                participant_count=23,
                topics=("Sprachkurse", "Wohnen"),
                results=("AG Wohnen gegründet",),
            ),
            ki.Meeting(
                id="rt-0", network="runder-tisch", date=date(2024, 11, 1), participant_count=5
            ),
        ),
        glossary=(ki.GlossaryTerm(term="KIM", definition="Kommunales Integrationsmanagement"),),
        abbreviations=(ki.Abbreviation(short="VHS", long="Volkshochschule"),),
        legal_bases=(
            ki.LegalBasis(
                id="tiegm",
                law="TIEG NRW",
                paragraph="§ 9",
                title="Kommunales Integrationsmanagement",
                url="https://recht.nrw.de/",
            ),
        ),
    )
    return concept.evolve(**changes) if changes else concept
