"""What the committee asked for, read as a council member reads the Jahresbericht: the
decisions with their votes, the success forecast per goal, suppressed cells explained in
plain German where they appear, German plurals, no raw codes, and a DOCX whose notes do
not look like headings. Each test fails when its rule is broken."""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, time
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from test_report_data import COESFELD, KREIS, TODAY, _obs, sample_concept

FORMATS = ("html", "md", "docx")


def _text(data: str | bytes) -> str:
    """The visible text of a report in any format (DOCX: paragraphs and table cells)."""
    if isinstance(data, str):
        # HTML: drop the tags; Markdown: drop the escapes of *.
        return re.sub(r"<[^>]+>", "", data).replace("**", "").replace("\\*", "*")
    import docx

    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
    return "\n".join(parts)


def _reports(concept: ki.Concept, period: str = "2025", **kwargs: Any) -> dict[str, str]:
    return {
        fmt: _text(ki.build_report(concept, period, format=fmt, today=TODAY, **kwargs))  # type: ignore[call-overload]
        for fmt in FORMATS
    }


def _decision(id: str, day: date, **kwargs: Any) -> ki.Decision:
    return ki.Decision(id=id, body=kwargs.pop("body", "Kreistag"), date=day, **kwargs)


# --------------------------------------------------------------------------- decisions


def test_decisions_with_their_votes_in_every_format() -> None:
    concept = sample_concept(
        adopted="kt-2024",
        decisions=[
            _decision(
                "kt-2024",
                date(2024, 11, 28),
                document_number="SV-10-0117",
                votes=ki.Votes(yes=27, no=3, abstain=1, recused=2),
            ),
            _decision(
                "ia-2025",
                date(2025, 6, 4),
                body="Integrationsausschuss",
                result=ki.DecisionResult.NOTED,
            ),
            # After the end of the period: not part of the report on 2025.
            _decision("kt-2026", date(2026, 2, 1), votes=ki.Votes(yes=40)),
        ],
    )
    for fmt, text in _reports(concept).items():
        assert "Beschlüsse bis 31.12.2025" in text, fmt
        # each count with its word (no-break space): a column breaks after a comma
        assert "27\u00a0Ja, 3\u00a0Nein, 1\u00a0Enthaltung, 2\u00a0befangen" in text, fmt
        assert "beschlossen (Beschluss über das Konzept)" in text, fmt
        assert "SV-10-0117" in text, fmt
        assert "zur Kenntnis genommen" in text, fmt
        assert "nicht erfasst" in text, fmt  # the committee's vote was not recorded
        assert "01.02.2026" not in text, fmt
        assert "40 Ja" not in text, fmt


def test_what_was_decided_in_the_period_is_quoted() -> None:
    concept = sample_concept(
        decisions=[
            _decision("alt", date(2016, 12, 14), text="Das Konzept wird verabschiedet."),
            _decision(
                "neu",
                date(2025, 6, 4),
                body="Integrationsausschuss",
                text="Der Wegweiser wird in acht Sprachen veröffentlicht.",
            ),
        ]
    )
    for fmt, text in _reports(concept).items():
        section = text.split("Beschlüsse bis 31.12.2025")[1].split("Handlungsfelder")[0]
        assert "Im Berichtszeitraum beschlossen:" in section, fmt
        assert (
            "04.06.2025, Integrationsausschuss: Der Wegweiser wird in acht Sprachen veröffentlicht."
            in section
        ), fmt
        # An earlier decision keeps only its row: the report stays short.
        assert "Das Konzept wird verabschiedet." not in section, fmt
    quiet = sample_concept(decisions=[_decision("alt", date(2016, 12, 14), text="Alt.")])
    assert "Im Berichtszeitraum beschlossen" not in ki.build_report(
        quiet, "2025", format="md", today=TODAY
    )


def test_decisions_in_english() -> None:
    concept = sample_concept(
        adopted="kt",
        decisions=[_decision("kt", date(2024, 11, 28), votes=ki.Votes(yes=27, no=3, abstain=2))],
    )
    md = ki.build_report(concept, "2025", format="md", today=TODAY, lang="en")
    # an English date is one word in a narrow column: "23" / "September" / "2015" no more
    assert "**Decisions up to 31\u00a0December\u00a02025**" in md
    assert (
        "| 28\u00a0November\u00a02024 | Kreistag | – | adopted (decision on the concept) "
        "| 27\u00a0yes, 3\u00a0no, 2\u00a0abstentions |"
    ) in md


def test_decisions_section_is_numbered_in_one_outline() -> None:
    concept = sample_concept(decisions=[_decision("kt", date(2016, 12, 14))])
    md = ki.build_report(concept, "2025", format="md", today=TODAY)
    assert "## 3 Beschlüsse" in md  # after Auf einen Blick and Sachverhalt
    assert "## 3 Beschlüsse" not in ki.build_report(
        sample_concept(), "2025", format="md", today=TODAY
    )
    html = ki.build_report(concept, "2025", today=TODAY)
    assert '<section id="beschluesse">' in html
    assert "<h2>3 Beschlüsse</h2>" in html


def test_many_decisions_keep_the_main_text_short() -> None:
    old = [_decision(f"alt-{year}", date(year, 3, 1)) for year in range(2015, 2022)]
    concept = sample_concept(
        adopted="alt-2016",
        decisions=[*old, _decision("neu", date(2025, 5, 5), votes=ki.Votes(yes=9))],
    )
    md = ki.build_report(concept, "2025", format="md", today=TODAY)
    main, annex = md.split("## Anhang")
    # The main part: the adopting decision and the one of the period.
    assert "01.03.2016" in main
    assert "05.05.2025" in main
    assert "01.03.2015" not in main
    assert "Alle 8 Beschlüsse bis zum Ende des Berichtszeitraums stehen im Anhang." in main
    # The annex: all eight.
    assert all(f"01.03.{year}" in annex for year in range(2015, 2022))
    assert "05.05.2025" in annex


def test_six_decisions_stay_in_the_main_text() -> None:
    decisions = [_decision(f"b-{year}", date(year, 3, 1)) for year in range(2015, 2021)]
    md = ki.build_report(sample_concept(decisions=decisions), "2025", format="md", today=TODAY)
    main, annex = md.split("## Anhang")
    assert all(f"01.03.{year}" in main for year in range(2015, 2021))
    assert "01.03.2015" not in annex


# --------------------------------------------------------------------------- forecast per goal


def test_forecast_is_given_per_goal() -> None:
    md = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    forecast = md.split("## 4 Erfolgsprognose")[1].split("\n## ")[0]
    goal_sprache = forecast.index("**Wirkungsziel: Alle Neuzugewanderten erreichen")
    goal_arbeit = forecast.index("**Handlungsziel: Mehr Geflüchtete nehmen")
    courses = forecast.index("Sprachkursbeginne: Der Zielwert 2025 (1.200) ist erreicht")
    rate = forecast.index("Vermittlungsquote: Keine Prognose")
    # Each Kennzahl's forecast stands under the goal it measures, with the goal's measures.
    assert goal_sprache < courses < goal_arbeit < rate
    assert "- **Sprachcafés in allen Kommunen:** laufend" in forecast[goal_sprache:goal_arbeit]
    assert "- **Jobcoaching für junge Geflüchtete:** empfohlen" in forecast[goal_arbeit:]


def test_a_goal_shows_only_the_kennzahlen_it_names() -> None:
    """Early Intervention NRW+ serves the language and the work goal of the Kreis and is
    measured by placements; the language goal names its own Kennzahlen, so the placement
    forecast belongs to the work goal only."""
    kreis = ki.load_concept(ki.example_path("kreis_coesfeld"))
    folder = ki.example_path("kreis_coesfeld")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    md = ki.build_report(kreis, "2025", format="md", cases=cases, today=date(2026, 3, 2))
    forecast = md.split("Erfolgsprognose\n")[1].split("\n## ")[0]
    sprache = forecast.split("**Wirkungsziel: Neuzugewanderte erwerben")[1].split("**Wirkungsziel")[
        0
    ]
    assert "Abgeschlossene Sprachkurse: Bei gleichbleibender Entwicklung" in sprache
    assert "Vermittlungen in Arbeit oder Ausbildung: Bei gleichbleibender" not in sprache
    assert forecast.count("Vermittlungen in Arbeit oder Ausbildung: Bei gleichbleibender") == 1


def _goals_without_forecast() -> ki.Concept:
    """The sample concept with a Leitziel above its two goals, a goal without a Kennzahl
    and one whose Kennzahl has no target."""
    concept = sample_concept()
    counted = ki.Indicator(id="beratungen", name="Beratene Personen", numerator="beratungen")
    goals = [
        ki.Goal(
            id="leitziel", field="sprache", kind=ki.GoalKind.GUIDING, text="Teilhabe für alle."
        ),
        *(attrs.evolve(g, parent="leitziel") for g in concept.goals),
        ki.Goal(id="z-cafe", field="sprache", text="In jeder Kommune gibt es ein Sprachcafé."),
        ki.Goal(
            id="z-beratung",
            field="arbeitsmarkt",
            text="Alle werden beraten.",
            indicators=("beratungen",),
        ),
    ]
    return concept.evolve(goals=goals, indicators=[*concept.indicators, counted])


def _forecast_section(outline: Any) -> Any:
    return next(s for s in outline.sections if s.id == "erfolgsprognose")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_goal_is_in_the_forecast_with_its_forecast_or_the_reason_for_none(lang: str) -> None:
    """A council member asked "mit welcher Erfolgsprognose": a goal without a Kennzahl
    with a target was left out of the section, without a word. Now every goal stands
    there, its heading followed by a forecast or the sentence why there is none."""
    from kommunale_integration._reports._format import Formatter, plain
    from kommunale_integration._reports._outline import Paragraph, build_outline

    concept = _goals_without_forecast()
    ctx = ki.report_context(concept, "2025", today=TODAY)
    blocks = _forecast_section(build_outline(ctx, Formatter(lang))).blocks
    heads = [i for i, b in enumerate(blocks) if getattr(b, "style", None) == "lead"]
    texts = [plain(blocks[i].text) for i in heads]
    assert sorted(texts) == sorted(g.text for g in concept.goals)
    for i in heads:  # the next block says the forecast or why there is none
        said = blocks[i + 1]
        assert isinstance(said, Paragraph), said
        assert said.style == "body", said
    reasons = {plain(blocks[i].text): blocks[i + 1].text for i in heads}
    if lang == "en":
        assert reasons["In jeder Kommune gibt es ein Sprachcafé."] == (
            "No forecast – no indicator is assigned to the goal."
        )
        return
    assert reasons["Teilhabe für alle."] == (
        "Keine eigene Prognose – dem Ziel ist keine Kennzahl zugeordnet; "
        "es wird über 2 untergeordnete Ziele verfolgt."
    )
    assert reasons["In jeder Kommune gibt es ein Sprachcafé."] == (
        "Keine Prognose – dem Ziel ist keine Kennzahl zugeordnet."
    )
    assert reasons["Alle werden beraten."] == (
        "Keine Prognose – kein Zielwert festgelegt für: Beratene Personen."
    )
    assert reasons[concept.goals[1].text].startswith("Sprachkursbeginne: Der Zielwert 2025")


def test_the_goals_without_forecast_say_why_in_html_and_docx() -> None:
    """The reasons reach the printed report and the DOCX (one outline for both), each
    after its goal and before the next goal."""
    concept = _goals_without_forecast()
    for fmt in ("html", "docx"):
        text = _text(ki.build_report(concept, "2025", format=fmt, today=TODAY))  # type: ignore[call-overload]
        assert "4 Erfolgsprognose\n" in text, fmt
        section = text.rsplit("4 Erfolgsprognose\n", 1)[1].split("5 Netzwerkarbeit")[0]
        for goal, reason in (
            ("Teilhabe für alle.", "Keine eigene Prognose – dem Ziel ist keine Kennzahl"),
            ("In jeder Kommune gibt es ein Sprachcafé.", "Keine Prognose – dem Ziel ist keine"),
            ("Alle werden beraten.", "Keine Prognose – kein Zielwert festgelegt für: Beratene"),
        ):
            after = section.split(goal, 1)[1]
            assert reason in after.split("ziel:", 1)[0], (fmt, goal)


def test_a_goal_without_a_forecast_lists_its_measures_only_with_an_expected_result() -> None:
    """The section stays short: a goal without a forecast names its measures only where
    one says what it is expected to bring (the rest stand in the field's table)."""
    concept = _goals_without_forecast()
    cafe = ki.Measure(id="m-cafe", title="Sprachcafé-Netz", field="sprache", goals=("z-cafe",))
    for expected, listed in ((None, False), ("Ein Sprachcafé je Kommune", True)):
        measures = [*concept.measures, attrs.evolve(cafe, expected_result=expected)]
        md = ki.build_report(concept.evolve(measures=measures), "2025", format="md", today=TODAY)
        forecast = md.split("## 4 Erfolgsprognose")[1].split("\n## ")[0]
        goal = forecast.split("In jeder Kommune gibt es ein Sprachcafé.")[1].split("ziel:")[0]
        assert ("- **Sprachcafé-Netz:** empfohlen" in goal) is listed, expected
        assert "Keine Prognose – dem Ziel ist keine Kennzahl zugeordnet." in goal


def test_a_goal_with_a_forecast_names_its_kennzahlen_without_one() -> None:
    concept = _goals_without_forecast()
    goals = [
        attrs.evolve(g, indicators=(*g.indicators, "beratungen")) if g.id == "z-sprache" else g
        for g in concept.goals
    ]
    md = ki.build_report(concept.evolve(goals=goals), "2025", format="md", today=TODAY)
    sprache = md.split("Alle Neuzugewanderten erreichen")[-1].split("ziel:")[0]
    assert "Sprachkursbeginne: Der Zielwert 2025" in sprache
    assert "_Ohne Zielwert, daher ohne Prognose: Beratene Personen._" in sprache


def test_a_kennzahl_with_a_target_but_no_goal_still_gets_its_forecast() -> None:
    concept = sample_concept()
    concept = concept.evolve(goals=[g for g in concept.goals if g.id != "z-arbeit"])
    md = ki.build_report(concept, "2025", format="md", today=TODAY)
    forecast = md.split("## 4 Erfolgsprognose")[1].split("\n## ")[0]
    rest = forecast.split("**Kennzahlen ohne Ziel**")[1]
    assert "Vermittlungsquote: Keine Prognose" in rest
    # Named by no field, goal or measure, it is still tabled (never dropped).
    fields = md.split("## 3 Handlungsfelder")[1].split("## 4 ")[0]
    assert "### 3.3 Weitere Kennzahlen" in fields
    assert "| Vermittlungsquote (%) | 14,5 | 12,3 |" in fields


# --------------------------------------------------------------------------- suppressed cells


def _suppressed_kursstarts(
    year: str, status: str = "suppressed", value: str | None = None
) -> ki.Concept:
    """The sample concept with the Kreis's Sprachkursbeginne of *year* suppressed (or
    with another *status* and *value*)."""
    concept = sample_concept()
    observations = [
        o
        for o in concept.observations
        if not (o.indicator == "kursstarts" and o.territory == KREIS and str(o.period) == year)
    ]
    observations.append(_obs("kursstarts", year, KREIS, value, status))
    return concept.evolve(observations=observations)


def test_a_suppressed_value_is_explained_under_its_table() -> None:
    for fmt, text in _reports(_suppressed_kursstarts("2025")).items():
        section = text.split("Kennzahlen: Sprache")[1]
        note = "* nicht veröffentlicht: Sprachkursbeginne. Fallzahlen von 1 oder 2"
        assert note in section, fmt
        assert "damit niemand erkannt werden kann (statistische Geheimhaltung)" in section, fmt
    # No suppressed cell, no such note in the fields (the annex table has its own).
    md = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    assert "nicht veröffentlicht: Sprachkursbeginne" not in md


def test_a_suppressed_previous_period_is_named_as_such() -> None:
    """The value of 2025 is shown, only 2024 is ``*``: the note names 2024's cell, so
    that it does not seem to withhold the value beside it."""
    concept = _suppressed_kursstarts("2024")
    for fmt, text in _reports(concept).items():
        section = text.split("Kennzahlen: Sprache")[1]
        assert "* nicht veröffentlicht: Sprachkursbeginne (Vorperiode 2024). " in section, fmt
    md = ki.build_report(concept, "2025", format="md", today=TODAY, lang="en")
    assert "\\* not published: Sprachkursbeginne (previous period 2024). " in md


def test_provisional_and_rounded_values_are_explained_under_their_table() -> None:
    """ "17 p" stood on the first page of the Stadt report with its meaning only in the
    annex: the note under a table (and under the one of "Auf einen Blick") says which
    Kennzahl is provisional or rounded, as it says which is suppressed."""
    provisional = _suppressed_kursstarts("2025", "provisional", "1234")
    for fmt, text in _reports(provisional).items():
        note = "p vorläufig: Sprachkursbeginne (der Wert kann sich noch ändern)."
        assert note in _glance(text), fmt
        assert note in text.split("Kennzahlen: Sprache")[1], fmt
    rounded = _suppressed_kursstarts("2024", "rounded", "1100")
    for fmt, text in _reports(rounded).items():
        section = text.split("Kennzahlen: Sprache")[1]
        assert "r gerundet: Sprachkursbeginne (Vorperiode 2024)." in section, fmt
        assert "gerundet" not in _glance(text), fmt  # the glance shows no previous period
    en = ki.build_report(provisional, "2025", format="md", today=TODAY, lang="en")
    assert "p provisional: Sprachkursbeginne (the value may still change)." in en
    # Both marks in one table: one note, "*" first.
    both = _suppressed_kursstarts("2024").evolve(
        observations=[
            *_suppressed_kursstarts("2024").observations,
            _obs("vermittlungsquote", "2025", KREIS, "14.5", "provisional"),
        ]
    )
    md = ki.build_report(both, "2025", format="md", today=TODAY)
    assert "vorläufig: Vermittlungsquote" in md
    md = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    assert "vorläufig:" not in md.split("## 4")[0]  # Billerbeck's 17 p is in the annex


def test_suppressed_cells_in_the_municipality_table_are_explained() -> None:
    md = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    annex = md.split("Kennzahlen nach Kommunen (2025)")[1].split("\n### ")[0]
    assert "| Ascheberg | \\* |" in annex
    assert "_\\* nicht veröffentlicht: Fallzahlen von 1 oder 2" in annex
    # Without the suppressed Ascheberg cell, the note goes.
    concept = sample_concept()
    kept = [o for o in concept.observations if o.territory != "05558004"]
    md = ki.build_report(concept.evolve(observations=kept), "2025", format="md", today=TODAY)
    annex = md.split("Kennzahlen nach Kommunen (2025)")[1].split("\n### ")[0]
    assert "nicht veröffentlicht" not in annex


# --------------------------------------------------------------------------- German


def test_counts_of_one_are_singular() -> None:
    concept = sample_concept()
    one = concept.evolve(actors=concept.actors[:1], offers=concept.offers[1:2])
    md = ki.build_report(one, "2025", format="md", today=TODAY)
    assert "1 Akteur mit 1 Angebot." in md
    assert "1 Akteure" not in md
    assert "1 Angeboten" not in md
    many = ki.build_report(concept, "2025", format="md", today=TODAY)
    assert "3 Akteure mit 3 Angeboten." in many
    en = ki.build_report(one, "2025", format="md", today=TODAY, lang="en")
    assert "1 actor with 1 offer." in en
    # Meetings and grants at a glance are counted in words, not as "Sitzungen: 1".
    assert "- **Netzwerkarbeit:** 1 Sitzung in 1 Netzwerk\n" in md
    assert "- **Networks:** 1 meeting in 1 network\n" in en
    grant = ki.Funding(
        id="g",
        programme="KOMM-AN",
        provider="Land",
        amount=Decimal("1000"),
        period=ki.ReportPeriod.parse("2025"),
    )
    granted = one.evolve(funding=[grant])
    md = ki.build_report(granted, "2025", format="md", today=TODAY)
    assert "- **Förderung:** 1.000\u00a0€ aus 1 Förderung\n" in md
    two = ki.build_report(
        granted.evolve(funding=[grant, attrs.evolve(grant, id="h")]),
        "2025",
        format="md",
        today=TODAY,
    )
    assert "- **Förderung:** 2.000\u00a0€ aus 2 Förderungen\n" in two
    # One gap: Billerbeck has no language offer; every town has the Kreis-wide job offer.
    job = ki.Offer(id="job", name="Jobcoaching", actor="vhs", fields=("arbeitsmarkt",))
    gap = concept.evolve(offers=[concept.offers[0], concept.offers[2], job])
    md = ki.build_report(gap, "2025", format="md", today=TODAY)
    assert "1 Kommune mit Lücken" in md
    assert "1 Kommunen" not in md
    assert "| Billerbeck | Sprache |" in md


def test_a_measure_in_the_forecast_reads_as_one_sentence_in_both_languages() -> None:
    concept = sample_concept()
    cafe = next(m for m in concept.measures if m.title.startswith("Sprachcafés"))
    cafe = attrs.evolve(cafe, indicators=("kursstarts",), expected_result="200 Teilnehmende")
    concept = concept.evolve(measures=[cafe if m.id == cafe.id else m for m in concept.measures])
    de = ki.build_report(concept, "2025", format="md", today=TODAY)
    en = ki.build_report(concept, "2025", format="md", today=TODAY, lang="en")
    line = "- **Sprachcafés in allen Kommunen:** laufend; erwartetes Ergebnis: 200 Teilnehmende; "
    assert line + "Kennzahlen: Sprachkursbeginne (●\u00a0auf Kurs)\n" in de
    line = "- **Sprachcafés in allen Kommunen:** ongoing; expected result: 200 Teilnehmende; "
    assert line + "indicators: Sprachkursbeginne (●\u00a0on track)\n" in en


def test_the_glance_legend_explains_a_missing_forecast_only_when_there_is_one() -> None:
    concept = sample_concept()  # Vermittlungsquote: 2 values, no forecast ("–")
    de = ki.build_report(concept, "2025", format="md", today=TODAY)
    en = ki.build_report(concept, "2025", format="md", today=TODAY, lang="en")
    assert "| Vermittlungsquote (%) | 14,5 | 20,0\u00a0(2026) | – |" in de
    assert (
        "○\u00a0nicht auf Kurs, –\u00a0keine (der Grund steht unter „Erfolgsprognose“); Methode"
        in de
    )
    assert (
        "○\u00a0off track, –\u00a0none (the reason is given under “Success forecast”); method" in en
    )
    # Only the Kennzahl with a forecast keeps its target: no "–", no such words.
    kept = [t for t in concept.targets if t.indicator == "kursstarts"]
    de = ki.build_report(concept.evolve(targets=kept), "2025", format="md", today=TODAY)
    assert "○\u00a0nicht auf Kurs; Methode im Anhang." in de
    assert "–\u00a0keine" not in de


def test_what_new_means_is_said_only_beside_new_entries() -> None:
    concept = sample_concept()  # one new offer (Sprachcafé Ascheberg)
    md = ki.build_report(concept, "2025", format="md", today=TODAY)
    assert "3 Akteure mit 3 Angeboten. Als neu gilt ein Eintrag, dessen Beginn" in md
    assert "- **Neu (1):** Sprachcafé Ascheberg\n" in md
    old = concept.evolve(
        actors=[attrs.evolve(a, founded=None, last_changed=None) for a in concept.actors],
        offers=[attrs.evolve(o, valid_from=None, last_changed=None) for o in concept.offers],
    )
    md = ki.build_report(old, "2025", format="md", today=TODAY)
    assert "3 Akteure mit 3 Angeboten. Kein Eintrag ist im Berichtszeitraum neu oder " in md
    assert "Als neu gilt" not in md
    assert "**Neu" not in md


def test_per_cent_is_written_as_each_language_writes_it() -> None:
    de = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    en = ki.build_report(sample_concept(), "2025", format="md", today=TODAY, lang="en")
    assert "| +134\u00a0(+12,2\u00a0%) | 1.200\u00a0(2025) | 103\u00a0% |" in de
    assert "| +134\u00a0(+12.2%) | 1,200\u00a0(2025) | 103% |" in en
    assert "= 1.234 ÷ 1.200 = 103\u00a0% (Zielwert 2025;" in de
    assert "= 1,234 ÷ 1,200 = 103% (target 2025;" in en
    assert not re.search(r"\d %", en)


def test_forecast_refusal_with_one_value_is_singular() -> None:
    concept = sample_concept()
    kept = [o for o in concept.observations if str(o.period) != "2024"]
    md = ki.build_report(concept.evolve(observations=kept), "2025", format="md", today=TODAY)
    assert "Vermittlungsquote: Keine Prognose – nur 1 veröffentlichter Wert" in md
    assert "1 veröffentlichte Werte" not in md


def test_forecast_refusal_without_any_value_says_none_not_zero() -> None:
    concept = sample_concept()
    kept = [o for o in concept.observations if o.indicator != "vermittlungsquote"]
    md = ki.build_report(concept.evolve(observations=kept), "2025", format="md", today=TODAY)
    assert "Vermittlungsquote: Keine Prognose – noch kein veröffentlichter Wert, mindestens" in md
    assert "nur 0" not in md
    en = ki.build_report(
        concept.evolve(observations=kept), "2025", format="md", today=TODAY, lang="en"
    )
    assert "Vermittlungsquote: no forecast – no published value yet, at least 3" in en


def test_a_unit_the_name_already_says_is_not_repeated() -> None:
    """'Aktive Fälle (Fälle)' says 'Fälle' twice; 'Sprachkursbeginne (Fälle)' does not."""
    concept = sample_concept()
    renamed = [
        attrs.evolve(i, name="Begonnene Fälle") if i.id == "kursstarts" else i
        for i in concept.indicators
    ]
    for fmt, text in _reports(concept.evolve(indicators=renamed)).items():
        assert "Begonnene Fälle (Fälle)" not in text, fmt
        assert "Begonnene Fälle" in text.split("Kennzahlen: Sprache")[1], fmt
        assert "Begonnene Fälle" in text.split("Kennzahlendefinitionen")[-1], fmt
    md = ki.build_report(concept, "2025", format="md", today=TODAY)
    assert "| Sprachkursbeginne (Fälle) | 1.234 |" in md


def test_the_network_table_headers_are_capitalised_in_both_languages() -> None:
    de = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    en = ki.build_report(sample_concept(), "2025", format="md", today=TODAY, lang="en")
    assert "| Netzwerk | Sitzungen | Teilnahmen | Themen und Ergebnisse |" in de
    assert "| Network | Meetings | Attendance | Topics and results |" in en


def test_the_network_table_says_held_of_planned_and_what_attendance_counts() -> None:
    """One column "6 von 6" instead of a bare "Geplant" (which left the topics a narrow
    column in DOCX); a note says that attendance adds up the meetings' participants."""
    concept = ki.load_concept(ki.example_path("kreis_coesfeld"))
    de = ki.build_report(concept, "2025", format="md")
    en = ki.build_report(concept, "2025", format="md", lang="en")
    assert "| Vorbereitungsgruppe Integrationskonzept | 6 von 6 | 59 | Jahresplanung" in de
    assert "| Vorbereitungsgruppe Integrationskonzept | 6 of 6 | 59 | Jahresplanung" in en
    assert "(wer an drei Sitzungen teilnahm, zählt dreimal)" in de
    assert "(a person at three meetings counts three times)" in en


def test_the_docx_network_table_gives_the_topics_the_room() -> None:
    """The DOCX column widths make the table short: the long topics get the room that
    is left, not a share like the short network names (measured: 6.8 cm, was 4.5 cm)."""
    import docx

    concept = ki.load_concept(ki.example_path("kreis_coesfeld"))
    doc = docx.Document(io.BytesIO(ki.build_report(concept, "2025", format="docx")))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Netzwerk")
    widths = [c.width.cm for c in table.rows[0].cells]
    assert widths[-1] == max(widths)
    assert widths[-1] > 1.4 * widths[0]


def test_the_docx_vote_breaks_after_a_comma_never_inside_a_count() -> None:
    """The "Abstimmung" column of the Kreis report is too narrow for "9 Ja, 0 Nein, 0
    Enthaltungen" beside "Integrationsausschuss" (16.5 cm): it breaks after a comma,
    and its width holds the widest count with its word (was "… 0" / "Enthaltungen")."""
    import docx

    from kommunale_integration._reports._docx import _PAD_CM, _text_cm

    concept = ki.load_concept(ki.example_path("kreis_coesfeld"))
    doc = docx.Document(io.BytesIO(ki.build_report(concept, "2025", format="docx")))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Abstimmung")
    votes = [row.cells[-1] for row in table.rows if "Ja" in row.cells[-1].text]
    assert [c.text for c in votes] == ["9\u00a0Ja, 0\u00a0Nein, 0\u00a0Enthaltungen"]
    assert votes[0].width.cm >= _text_cm("0\u00a0Enthaltungen") + _PAD_CM


def test_a_forecast_symbol_never_stands_alone_at_a_line_end() -> None:
    """The symbol and its word are joined by a no-break space in every format (in a
    narrow column or at the end of a printed line "○" stayed behind alone)."""
    for fmt, text in _reports(sample_concept()).items():
        assert "●\u00a0auf Kurs" in text, fmt
        # (the annex's table of symbols has the symbol in a cell of its own)
        assert re.search(r"[●◐○] (?!\|)", text) is None, fmt


def test_status_changed_in_the_period_names_its_day() -> None:
    md = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    assert "| Sprachcafés in allen Kommunen | laufend (seit 01.05.2025) |" in md
    assert "Statuswechsel" not in md


def test_no_raw_codes_in_the_kreis_report() -> None:
    kreis = ki.load_concept(ki.example_path("kreis_coesfeld"))
    folder = ki.example_path("kreis_coesfeld")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    md = ki.build_report(kreis, "2025", format="md", cases=cases, today=date(2026, 3, 2))
    assert "(lokal)" not in md
    assert "KIM-Case-Management (synthetischer Export); eigene Definition" in md
    for raw in ("None", "nan", "hf_", "adopted", "recommended", "on-track", "Status change"):
        assert not re.search(rf"\b{re.escape(raw)}\b", md), raw


def test_an_origin_other_than_local_is_named() -> None:
    concept = sample_concept()
    indicators = [
        attrs.evolve(i, origin="IntMK") if i.id == "kursstarts" else i for i in concept.indicators
    ]
    md = ki.build_report(concept.evolve(indicators=indicators), "2025", format="md", today=TODAY)
    assert "| Fallmanagement KIM; Definition: IntMK |" in md


# --------------------------------------------------------------------------- DOCX


def test_docx_notes_are_small_grey_paragraphs_not_captions() -> None:
    import docx

    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    doc = docx.Document(io.BytesIO(data))
    by_text = {p.text: p for p in doc.paragraphs}
    legend = next(p for t, p in by_text.items() if t.startswith("Prognose: ●\u00a0auf Kurs"))
    formula = next(p for t, p in by_text.items() if "Zielerreichung = Wert ÷ Zielwert" in t)
    for note in (legend, formula):
        assert note.style.name == "Report Note"
        assert note.style.font.bold is False
        assert note.style.font.size is not None
        assert note.style.font.size.pt < 10
        assert not any(run.bold for run in note.runs)
    # Table captions keep the caption style.
    assert by_text["Kennzahlen mit Zielwert (2025)"].style.name == "Caption"


def _bold(paragraph: Any, run: Any) -> bool:
    """Whether *run* prints bold: set on the run, by its character style or by its
    paragraph's style (or a style that one is based on)."""
    if run.bold is not None:
        return bool(run.bold)
    if run.style is not None and run.style.font.bold is not None:
        return bool(run.style.font.bold)
    return bool(_styled(paragraph, lambda style: style.font.bold))


def _styled(paragraph: Any, get: Any) -> Any:
    """A paragraph's property as it prints: its own, else its style's or a base's."""
    style = paragraph.style
    while style is not None:
        if (value := get(style)) is not None:
            return value
        style = style.base_style
    return None


def _keeps_with_next(paragraph: Any) -> bool:
    own = paragraph.paragraph_format.keep_with_next
    if own is not None:
        return bool(own)
    return bool(_styled(paragraph, lambda style: style.paragraph_format.keep_with_next))


def test_docx_vorlage_has_no_empty_header_row() -> None:
    import docx

    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    doc = docx.Document(io.BytesIO(data))
    vorlage = doc.tables[0]
    assert [c.text for c in vorlage.rows[0].cells] == [
        "Betreff",
        "Jahresbericht 2025 zum Integrationskonzept des Kreises Coesfeld",
    ]
    assert all(
        _bold(cell.paragraphs[0], run)
        for cell in (row.cells[0] for row in vorlage.rows)
        for run in cell.paragraphs[0].runs
    )


def test_docx_row_headers_are_bold_as_in_html() -> None:
    """The first cell of a row is its header (a Kennzahl, "Summe"): bold, as the HTML's
    ``<th scope="row">``; the other cells are not."""
    import docx

    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    tables = docx.Document(io.BytesIO(data)).tables[1:]
    assert len(tables) >= 5
    for table in tables:
        for row in table.rows[1:]:
            first, *rest = row.cells
            assert all(_bold(first.paragraphs[0], run) for run in first.paragraphs[0].runs)
            assert not any(
                _bold(cell.paragraphs[0], run) for cell in rest for run in cell.paragraphs[0].runs
            )


@pytest.mark.parametrize("amount", ["1234.56", "170000"])
def test_money_is_german_in_every_format(amount: str) -> None:
    funding = ki.Funding(
        id="f",
        programme="Landesförderung",
        provider="Land",
        amount=Decimal(amount),
        period=ki.DateRange(start=date(2025, 1, 1), end=date(2025, 12, 31)),
    )
    concept = sample_concept(funding=[funding])
    shown = {"1234.56": "1.234,56\u00a0€", "170000": "170.000\u00a0€"}[amount]
    for fmt, text in _reports(concept).items():
        assert shown in text, fmt
    assert COESFELD  # the sample's towns are what the tests above name


def test_a_duplicate_outside_the_concept_is_named_not_coded() -> None:
    """Two offers at the same time in a neighbouring town: the report and the finding
    name the place ("Münster"), never its AGS."""
    concept = sample_concept()
    twins = [
        ki.Offer(
            id=f"cafe-{n}",
            name=f"Sprachcafé {n}",
            actor=actor,
            fields=("sprache",),
            territories=("05515000",),
            schedule="FREQ=WEEKLY;BYDAY=WE",
            start_time=time(16, 0),
            end_time=time(18, 0),
        )
        for n, actor in (("a", "vhs"), ("b", "drk"))
    ]
    concept = concept.evolve(offers=(*concept.offers, *twins))
    md = ki.build_report(concept, "2025", format="md", today=TODAY)
    row = next(line for line in md.splitlines() if line.startswith("| Sprachcafé a"))
    assert row.endswith("| Sprache | Münster |")
    messages = [f.message for f in ki.validate(concept).findings if f.code == "duplicate-structure"]
    assert messages
    assert all("in Münster" in m and "05515000" not in m for m in messages)


def test_docx_captions_and_goal_lines_keep_with_what_follows() -> None:
    import docx

    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    doc = docx.Document(io.BytesIO(data))
    captions = [p for p in doc.paragraphs if p.style.name == "Caption" and p.text]
    assert captions
    assert all(_keeps_with_next(p) for p in captions)
    # A caption is set off from a table just above it.
    assert all(
        _styled(p, lambda style: style.paragraph_format.space_before).pt >= 6 for p in captions
    )
    goal = next(
        p
        for p in doc.paragraphs
        if p.text.startswith("Wirkungsziel: Alle") and p.style.name != "List Bullet"
    )
    assert _keeps_with_next(goal)


def test_every_chart_has_a_readable_scale_and_whole_legend() -> None:
    """Printed half the text wide, a chart keeps a scale of round marks (pygal's major
    labels alone left "0" only) and its legend names in full (no "Abgeschlossene Sp…")."""
    kreis = ki.load_concept(ki.example_path("kreis_coesfeld"))
    folder = ki.example_path("kreis_coesfeld")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    html = ki.build_report(kreis, "2025", cases=cases, today=date(2026, 3, 2))
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) >= 8
    for svg in charts:
        axis = svg.split('class="axis y', 1)[1].split('class="axis x', 1)[0]
        marks = re.findall(r"<text[^>]*>([^<]*)</text>", axis)
        assert 3 <= len(marks) <= 7, marks
        assert float(marks[0].replace(",", ".")) == 0
        assert "…" not in svg
        # The canvas is small, so its 13-unit labels print at about 8 pt at half width.
        assert 'viewBox="0 0 400 220"' in svg


def test_a_chart_legend_ends_inside_the_picture_in_html_and_docx() -> None:
    """The Stadt's chart printed "In Arbeit oder Ausbildung vermittelte Zugewan" in its
    legend, cut off by the picture's edge: a name too long for the legend is "Wert" there,
    in the SVG and the DOCX's PNG alike; the caption under the chart names it."""
    from kommunale_integration._reports._charts import LEGEND_CHARS, trend_plot
    from kommunale_integration._reports._format import Formatter

    folder = ki.example_path("stadt_coesfeld")
    stadt = ki.load_concept(folder)
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    html = ki.build_report(stadt, "2025", cases=cases, today=date(2026, 3, 2))
    legends = []
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        if 'class="legends"' not in svg:
            continue
        left = int(re.search(r'translate\((\d+), \d+\)" class="legends"', svg).group(1))
        for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg.split('class="legends"')[1]):
            # 13 units a letter, at most about 7 wide, after the 17 of the colour box
            assert left + 17 + 7 * len(text) <= 400, text
            legends.append(text)
    assert "Wert" in legends
    assert "Vermittlungsquote" in legends
    assert "Entwicklung von „In Arbeit oder Ausbildung vermittelte Zugewanderte" in html
    context = ki.report_context(stadt, "2025", cases=cases, today=date(2026, 3, 2))
    figure = next(
        f
        for section in context.fields
        for f in section.figures
        if f.chart_target is not None and len(f.indicator.name) > LEGEND_CHARS
    )
    [axes] = trend_plot(figure, Formatter("de")).axes
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["Wert", "Zielwert"]


@pytest.mark.parametrize(
    ("top", "whole", "marks"),
    [
        (358, False, [0, 100, 200, 300, 400]),
        (12.5, False, [0, 5, 10, 15]),
        (8.5, False, [0, 2, 4, 6, 8, 10]),
        (0.4, False, [0, 0.1, 0.2, 0.3, 0.4]),
        (0.4, True, [0, 1]),
        (2, True, [0, 1, 2]),
        (2030, True, [0, 500, 1000, 1500, 2000, 2500]),
    ],
)
def test_y_ticks_are_round_and_cover_the_top(top: float, whole: bool, marks: list[float]) -> None:
    from kommunale_integration._reports._charts import y_ticks

    assert y_ticks(top, whole=whole) == marks


@given(st.floats(min_value=1e-6, max_value=1e12), st.booleans())
def test_y_ticks_property(top: float, whole: bool) -> None:
    from kommunale_integration._reports._charts import y_ticks

    marks = y_ticks(top, whole=whole)
    assert marks[0] == 0
    assert marks[-1] >= top * (1 - 1e-9)
    assert 2 <= len(marks) <= 7
    steps = {round(b - a, 9) for a, b in itertools.pairwise(marks)}
    assert len(steps) == 1
    if whole:
        assert all(m == int(m) for m in marks)


def test_the_abbreviations_explain_vza_when_the_report_shows_posts() -> None:
    """The staff table is headed "VZÄ": the annex explains it (unless the concept does),
    and a report without posts does not list it."""
    kreis = ki.load_concept(ki.example_path("kreis_coesfeld"))
    de = ki.build_report(kreis, "2025", format="md")
    en = ki.build_report(kreis, "2025", format="md", lang="en")
    annex = de.split("Abkürzungen\n")[-1]
    assert "| VZÄ | Vollzeitäquivalent (eine Stelle mit voller Arbeitszeit) |" in annex
    shorts = [line.split(" | ")[0][2:] for line in annex.split("\n\n")[1].splitlines()[2:]]
    assert shorts == sorted(shorts, key=str.casefold)  # in its place, not appended
    assert "| FTE | full-time equivalent (one post at full hours) |" in en
    own = ki.Abbreviation(short="VZÄ", long="Vollzeitäquivalent")
    kreis = kreis.evolve(abbreviations=[*kreis.abbreviations, own])
    de = ki.build_report(kreis, "2025", format="md")
    assert de.count("| VZÄ | Vollzeit") == 1
    assert "| VZÄ | Vollzeitäquivalent |" in de
    assert "VZÄ" not in ki.build_report(sample_concept(), "2025", format="md", today=TODAY)


def test_a_chart_names_the_unit_of_its_values() -> None:
    """The charts' axes have no unit: the title carries it, as the tables do."""
    for fmt, text in _reports(sample_concept()).items():
        assert "Entwicklung von „Vermittlungsquote (%)“ (Kreis Coesfeld)" in text, fmt


def test_the_municipality_table_names_the_units() -> None:
    """Its headers carry the units, as the tables of the fields do ("Vermittlungsquote"
    stood above 11,0 and 7,0 without its %)."""
    kreis = ki.load_concept(ki.example_path("kreis_coesfeld"))
    folder = ki.example_path("kreis_coesfeld")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    md = ki.build_report(kreis, "2025", format="md", cases=cases)
    annex = md.split("Kennzahlen nach Kommunen\n", 1)[1].split("\n### ")[0]  # every part
    assert "| Vermittlungsquote (%) |" in annex
    assert "| Vermittlungen in Arbeit oder Ausbildung (Personen) |" in annex


def test_a_lead_in_never_ends_a_page() -> None:
    """ "Maßnahmen:" before its list stood alone at the foot of page 5 of the DOCX: it
    keeps with the list (DOCX) and may not be followed by a page break (print CSS)."""
    import docx

    concept = ki.load_concept(ki.example_path("kreis_coesfeld"))
    doc = docx.Document(io.BytesIO(ki.build_report(concept, "2025", format="docx")))
    lead_ins = [p for p in doc.paragraphs if p.text == "Maßnahmen:"]
    assert lead_ins
    assert all(p.paragraph_format.keep_with_next for p in lead_ins)
    html = ki.build_report(concept, "2025")
    assert '<p class="intro">Maßnahmen:</p>' in html
    assert "p.lead, p.intro, ul.intro { break-after: avoid; }" in html


# --------------------------------------------------------------------------- first page


def _glance(text: str) -> str:
    """The "Auf einen Blick" of a report's text: from its heading to the next section."""
    glance = text.rsplit("1 Auf einen Blick", 1)[1]  # the heading, not the HTML's contents
    glance = re.split(r"\n#* ?2 (?:Sachverhalt|Beschlüsse|Handlungsfelder)", glance)[0]
    return re.sub(r"[ \n]+", " ", glance.replace("**", ""))  # no-break spaces stay


def test_the_vorlage_is_dated_in_every_format() -> None:
    """A Vorlage carries its date: the committee's paper had none before the colophon on
    its last page ("Erstellt am …")."""
    import docx

    html = str(ki.build_report(sample_concept(), "2025", today=TODAY))
    assert "<dt>Datum</dt><dd>02.03.2026</dd>" in html
    md = str(ki.build_report(sample_concept(), "2025", format="md", today=TODAY))
    assert "| Drucksache | noch nicht vergeben |\n| Datum | 02.03.2026 |\n" in md
    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    rows = [[c.text for c in row.cells] for row in docx.Document(io.BytesIO(data)).tables[0].rows]
    assert ["Datum", "02.03.2026"] in rows
    en = str(ki.build_report(sample_concept(), "2025", format="md", today=TODAY, lang="en"))
    assert "| Date | 2\u00a0March\u00a02026 |" in en


def _decided(*decisions: ki.Decision, adopted: str | None = None) -> ki.Concept:
    return sample_concept(adopted=adopted, decisions=list(decisions))


def test_the_glance_names_the_decisions_with_their_votes() -> None:
    """What the committee decided stands on the first page: the decisions of the period
    with their votes, else the one on the concept (the Kreis report showed the
    committee's 9 to 0 on page 2 only)."""
    adopting = _decision(
        "kt-2024",
        date(2024, 11, 28),
        votes=ki.Votes(yes=27, no=3, abstain=1, recused=2),
    )
    noted = _decision(
        "ia-2025", date(2025, 6, 4), body="Integrationsausschuss", result=ki.DecisionResult.NOTED
    )
    concept = _decided(adopting, noted, adopted="kt-2024")
    for fmt, text in _reports(concept).items():
        glance = _glance(text)
        assert (
            "Beschlüsse: 1 im Berichtszeitraum – Integrationsausschuss am 04.06.2025: "
            "zur Kenntnis genommen (Abstimmung: nicht erfasst)"
        ) in glance, fmt
    for fmt, text in _reports(concept, "2024").items():
        glance = _glance(text)
        assert (
            "Kreistag am 28.11.2024: beschlossen (Beschluss über das Konzept; Abstimmung: "
            "27\u00a0Ja, 3\u00a0Nein, 1\u00a0Enthaltung, 2\u00a0befangen)"
        ) in glance, fmt
    # No decision in the period: the one on the concept, with its vote.
    earlier = _decided(adopting, adopted="kt-2024")
    glance = _glance(_reports(earlier)["md"])
    assert (
        "Beschlüsse: im Berichtszeitraum keine; Beschluss über das Konzept – Kreistag am "
        "28.11.2024: beschlossen (Abstimmung: 27\u00a0Ja"
    ) in glance
    en = ki.build_report(earlier, "2025", format="md", today=TODAY, lang="en")
    assert (
        "**Decisions:** none in the report period; decision on the concept – Kreistag on "
        "28\u00a0November\u00a02024: adopted (vote: 27\u00a0yes"
    ) in en
    # Many in the period: counted, the section lists them; none at all: no line.
    many = _decided(*(_decision(f"d{n}", date(2025, n, 1)) for n in range(1, 5)))
    assert "Beschlüsse: 4 im Berichtszeitraum (einzeln unter „Beschlüsse“)" in _glance(
        _reports(many)["md"]
    )
    assert "Beschlüsse:" not in _glance(_reports(sample_concept())["md"])


def _with_places(*measures: ki.Measure) -> ki.Concept:
    concept = sample_concept()
    return concept.evolve(measures=(*concept.measures, *measures))


def test_the_places_of_the_measures_of_the_period_are_counted() -> None:
    """The places a measure provides are what it costs besides money and posts (the
    Kreis concept's 100 course places of Early Intervention NRW+ were in no report):
    counted at a glance and listed under Finanzen und Personal, for the measures that
    ran in the period."""

    def measure(id: str, capacity: int, *history: tuple[date, ki.MeasureStatus]) -> ki.Measure:
        return ki.Measure(
            id=id,
            title=f"Maßnahme {id}",
            field="sprache",
            capacity=capacity,
            history=tuple(ki.StatusChange(date=d, status=s) for d, s in history),
        )

    ongoing = ki.MeasureStatus.ONGOING
    concept = _with_places(
        measure("laeuft", 100, (date(2024, 1, 1), ongoing)),
        measure(
            "endete",
            20,
            (date(2025, 2, 1), ongoing),
            (date(2025, 9, 30), ki.MeasureStatus.COMPLETED),
        ),
        # not counted: recommended or planned (no places yet), ended before the period
        measure("empfohlen", 50),
        measure("geplant", 30, (date(2025, 10, 1), ki.MeasureStatus.PLANNED)),
        measure(
            "vorbei",
            40,
            (date(2023, 1, 1), ongoing),
            (date(2024, 6, 30), ki.MeasureStatus.COMPLETED),
        ),
    )
    for fmt, text in _reports(concept).items():
        # what it counts: the places of measures (not of offers) that ran in the period
        assert "Plätze in Maßnahmen: 120 in 2 Maßnahmen, die im Berichtszeitraum liefen" in _glance(
            text
        ), fmt
        assert "Plätze der Maßnahmen im Berichtszeitraum 2025" in text, fmt
    md = _reports(concept)["md"]
    assert "| Maßnahme laeuft | laufend | 100 |" in md
    assert "| Maßnahme endete | abgeschlossen | 20 |" in md
    assert "| Summe |  | 120 |" in md
    for absent in ("empfohlen", "geplant", "vorbei"):
        assert f"| Maßnahme {absent} |" not in md.split("Plätze der Maßnahmen")[1]
    en = ki.build_report(concept, "2025", format="md", today=TODAY, lang="en")
    assert "- **Places in measures:** 120 in 2 measures that ran in the report period\n" in en
    # Places alone make the section: a town without money or posts still shows them.
    one = _with_places(measure("laeuft", 1, (date(2024, 1, 1), ongoing)))
    md = ki.build_report(one, "2025", format="md", today=TODAY)
    assert "- **Plätze in Maßnahmen:** 1 in 1 Maßnahme, die im Berichtszeitraum lief\n" in md
    assert re.search(r"## \d+ Finanzen und Personal\n", md)
    assert "Plätze in Maßnahmen:" not in _glance(_reports(sample_concept())["md"])


def test_docx_text_is_formatted_by_styles_not_run_by_run() -> None:
    """Word users change the look of every table or label in one place: the tables'
    9 pt and their bold headers, the bold labels ("Maßnahmen:") and lead lines were set
    on each run. Every run of the body carries only its language; a cell has the style
    "Table Text" or, as the header of its row or column, "Table Heading"; a label the
    character style "Strong"."""
    import docx
    from docx.oxml.ns import qn

    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    doc = docx.Document(io.BytesIO(data))
    body = doc.element.body
    for run in body.iter(qn("w:rPr")):
        if run.getparent().tag != qn("w:r"):
            continue  # a paragraph mark's properties
        direct = {child.tag.split("}")[1] for child in run} - {"lang", "rStyle"}
        assert not direct, (direct, run.getparent().xpath("string(.)"))
    cells = [
        cell.paragraphs[0]
        for table in doc.tables
        if table.style.name == "Table Grid"  # not the charts' grid
        for row in table.rows
        for cell in row.cells
    ]
    assert {p.style.name for p in cells} == {"Table Text", "Table Heading"}
    assert doc.styles["Table Text"].font.size.pt == 9
    labels = [r for p in doc.paragraphs for r in p.runs if r.text == "Maßnahmen: "]
    assert labels
    assert all(r.style.name == "Strong" for r in labels)
