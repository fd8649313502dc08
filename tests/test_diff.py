"""The Fortschreibung (revision diff) and the ``diff`` command."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import kommunale_integration as ki
from kommunale_integration import testing
from kommunale_integration._cli import main
from test_report import assert_self_contained, parse_html
from test_report_data import KREIS, sample_concept


def _versions() -> tuple[ki.Concept, ki.Concept]:
    old = sample_concept(version="1")
    measures = list(old.measures)
    measures[1] = attrs.evolve(
        measures[1],
        history=(ki.StatusChange(date=date(2026, 1, 1), status=ki.MeasureStatus.ONGOING),),
    )
    new = old.evolve(
        version="2",
        actors=(*old.actors[:2], ki.Actor(id="caritas", name="Caritas <Coesfeld>")),
        offers=(attrs.evolve(old.offers[0], capacity=12), *old.offers[1:]),
        measures=tuple(measures),
        targets=(
            attrs.evolve(old.targets[0], value=Decimal(25)),
            ki.Target(
                indicator="kursstarts",
                territory=KREIS,
                period=ki.ReportPeriod.parse("2027"),
                value=Decimal(1500),
            ),
        ),
    )
    return old, new


def test_added_removed_changed() -> None:
    diff = ki.diff_concepts(*_versions())
    assert [c.id for c in diff.of("actors", "added")] == ["caritas"]
    assert [c.id for c in diff.of("actors", "removed")] == ["evil"]
    (offer,) = diff.of("offers", "changed")
    assert offer.id == "sprachcafe-ascheberg"
    assert [(a.attribute, a.label, a.before, a.after) for a in offer.attributes] == [
        ("capacity", "Plätze", "–", "12")
    ]
    (status,) = diff.status_changes
    assert (status.id, status.before, status.after) == (
        "m-jobcoach",
        ki.MeasureStatus.RECOMMENDED,
        ki.MeasureStatus.ONGOING,
    )
    targets = {(c.id, c.kind) for c in diff.of("targets")}
    assert targets == {
        ("vermittlungsquote/05558/2026", "changed"),
        ("kursstarts/05558/2027", "added"),
        ("kursstarts/05558/2025", "removed"),
    }


def test_same_concept_has_no_changes() -> None:
    concept = sample_concept()
    diff = ki.diff_concepts(concept, concept)
    assert diff.empty
    assert "Keine Änderungen." in diff.to_text()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=testing.concepts(), new=testing.concepts())
def test_diff_accounts_for_every_id(old: ki.Concept, new: ki.Concept) -> None:
    diff = ki.diff_concepts(old, new)
    for collection in ("actors", "offers", "goals", "measures", "indicators", "decisions"):
        added = {c.id for c in diff.of(collection, "added")}
        removed = {c.id for c in diff.of(collection, "removed")}
        assert added == new.ids(collection) - old.ids(collection)
        assert removed == old.ids(collection) - new.ids(collection)
    for collection in ("glossary", "abbreviations"):
        key = "term" if collection == "glossary" else "short"
        before = {getattr(i, key) for i in getattr(old, collection)}
        after = {getattr(i, key) for i in getattr(new, collection)}
        assert {c.id for c in diff.of(collection, "added")} == after - before
        assert {c.id for c in diff.of(collection, "removed")} == before - after
    assert ki.diff_concepts(new, new).empty
    _assert_no_internal_names(diff.to_text())


def test_outputs() -> None:
    diff = ki.diff_concepts(*_versions())
    text = diff.to_text()
    assert "  + Caritas <Coesfeld> (hinzugefügt)" in text
    assert "      Plätze: – → 12" in text
    assert "  Jobcoaching für junge Geflüchtete: empfohlen → laufend" in text
    md = diff.to_markdown()
    assert md.startswith("# Fortschreibung: Änderungen von Version 1 zu Version 2\n")
    assert "| Caritas &lt;Coesfeld&gt; (caritas) | hinzugefügt |  |" in md
    html = diff.to_html()
    parse_html(html)
    assert_self_contained(html)
    assert "Caritas &lt;Coesfeld&gt;" in html
    assert diff.to_text("en").startswith("Revision: changes from version 1 to version 2")


def test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _versions()
    old_path, new_path = tmp_path / "alt.yaml", tmp_path / "neu.yaml"
    old_path.write_text(ki.dumps_yaml(old), encoding="utf-8")
    new_path.write_text(ki.dumps_yaml(new), encoding="utf-8")
    assert main(["diff", str(old_path), str(new_path)]) == 0
    assert "Caritas <Coesfeld>" in capsys.readouterr().out
    out = tmp_path / "diff.html"
    assert (
        main(["diff", str(old_path), str(new_path), "--format", "html", "--output", str(out)]) == 0
    )
    parse_html(out.read_text(encoding="utf-8"))
    assert main(["diff", str(old_path), str(tmp_path / "fehlt.yaml")]) == 2
    assert "fehlt.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["txt", "md"])
def test_golden(kind: str) -> None:
    import os

    diff = ki.diff_concepts(*_versions())
    text = diff.to_text() if kind == "txt" else diff.to_markdown()
    golden = Path(__file__).parent / "golden" / f"diff_de.{kind}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


# ------------------------------------------------------------------ every field, for people

_REPR = re.compile(r"\b[A-Z][A-Za-z]+\(|\b[a-z]+_[a-z_]+\b|\w=\w")


def _assert_no_internal_names(text: str) -> None:
    """No Python repr (``StatusChange(``, ``a=b``) and no snake_case attribute name."""
    for line in text.splitlines():
        if line.startswith(("  +", "  -", "  ~")):
            continue  # names and ids of items are the user's own words
        label = line.strip().split(":", 1)[0]
        assert not _REPR.search(label), line
        assert label not in _ATTRIBUTE_NAMES or label in _SAME_IN_GERMAN, line


def _all_attribute_names() -> set[str]:
    import kommunale_integration._model as m
    from kommunale_integration import _schedule

    classes = [getattr(m, n) for n in m.__all__] + [
        _schedule.MeetingSchedule,
        _schedule.MovedMeeting,
    ]
    return {
        f.name
        for c in classes
        if attrs.has(c)
        for f in attrs.fields(c)
        if not f.name.startswith("_")
    }


_ATTRIBUTE_NAMES = _all_attribute_names()
_SAME_IN_GERMAN = {"status", "code"}


def test_every_attribute_of_the_model_has_a_label_in_both_languages() -> None:
    from kommunale_integration._reports._labels import ATTRIBUTE_LABELS, COLLECTION_LABELS

    assert set(ATTRIBUTE_LABELS) >= _ATTRIBUTE_NAMES
    for name, (german, english) in ATTRIBUTE_LABELS.items():
        assert german
        assert english
        assert german != name or name.lower() in _SAME_IN_GERMAN | {"ags"}, name
    from kommunale_integration._reports._diff import COLLECTIONS

    assert {*COLLECTIONS, "targets", "concept"} <= set(COLLECTION_LABELS)
    collections = {
        f.name
        for f in attrs.fields(ki.Concept)
        if str(f.type).startswith("tuple[") and not str(f.type).startswith("tuple[str")
    }
    assert collections <= {*COLLECTIONS, "targets"}


def test_glossary_decision_title_and_more_are_reported() -> None:
    old = sample_concept(version="1")
    new = old.evolve(
        version="2",
        predecessor="1",
        title="2. Integrationskonzept",
        valid_to=date(2031, 12, 31),
        glossary=(ki.GlossaryTerm(term="Clearing", definition="Erstberatung"),),
        abbreviations=(ki.Abbreviation(short="KI", long="Kommunales Integrationszentrum"),),
        decisions=(ki.Decision(id="kt-2027", body="Kreistag", date=date(2027, 3, 1)),),
        meetings=(),
        baselines=(),
    )
    diff = ki.diff_concepts(old, new)
    (own,) = diff.of("concept")
    labels = {a.label: (a.before, a.after) for a in own.attributes}
    assert labels["Titel"] == (old.title, "2. Integrationskonzept")
    assert labels["gültig bis"][1] == "31.12.2031"
    assert [c.id for c in diff.of("glossary", "added")] == ["Clearing"]
    assert [c.id for c in diff.of("decisions", "added")] == ["kt-2027"]
    text = diff.to_text()
    assert "Glossar:\n  + Clearing (hinzugefügt)" in text
    assert "Beschlüsse:" in text
    assert "Keine Änderungen." not in text
    _assert_no_internal_names(text)
    english = diff.to_text("en")
    assert "      title: " in english
    assert "Glossary:" in english
    # A changed glossary definition is a change of the term, with the definition.
    changed = new.evolve(glossary=(ki.GlossaryTerm(term="Clearing", definition="Erste Beratung"),))
    (term,) = ki.diff_concepts(new, changed).of("glossary", "changed")
    assert [(a.label, a.before, a.after) for a in term.attributes] == [
        ("Definition", "Erstberatung", "Erste Beratung")
    ]


def test_values_are_named_for_people() -> None:
    old = sample_concept(version="1")
    offer = attrs.evolve(old.offers[0], languages=("de",), target_groups=("frauen",))
    old = old.evolve(offers=(offer, *old.offers[1:]))
    new = old.evolve(
        version="2",
        offers=(
            attrs.evolve(offer, languages=("de", "ar", "uk"), target_groups=("frauen", "familien")),
            *old.offers[1:],
        ),
    )
    (change,) = ki.diff_concepts(old, new).of("offers", "changed")
    values = {a.label: (a.before, a.after) for a in change.attributes}
    assert values["Sprachen"] == ("Deutsch", "Deutsch, Arabisch, Ukrainisch")
    assert values["Zielgruppen"] == ("Frauen", "Frauen, Familien")
    english = ki.diff_concepts(old, new, lang="en").of("offers", "changed")[0]
    assert {a.label: a.after for a in english.attributes}["languages"] == (
        "German, Arabic, Ukrainian"
    )


def test_history_is_described_not_printed_as_repr() -> None:
    diff = ki.diff_concepts(*_versions())
    (measure,) = diff.of("measures", "changed")
    (history,) = measure.attributes
    assert history.label == "Statusverlauf"
    assert history.after == "(Datum: 01.01.2026; Status: laufend)"
    assert "StatusChange" not in diff.to_text()
    assert "StatusChange" not in diff.to_markdown()


def test_predecessor_is_checked() -> None:
    old = sample_concept(version="1")
    ok = old.evolve(version="2", predecessor="1")
    assert ki.diff_concepts(old, ok).notes == ()
    wrong = old.evolve(version="3", predecessor="2")
    (note,) = ki.diff_concepts(old, wrong).notes
    assert note == "Version 3 nennt als Vorgänger Version 2, verglichen wird aber mit Version 1."
    missing = old.evolve(version="2", predecessor=None)
    assert "nennt keine Vorgängerversion" in ki.diff_concepts(old, missing).notes[0]
    other = ok.evolve(id="stadt-coesfeld")
    text = ki.diff_concepts(old, other).to_text()
    assert "Hinweis: Die beiden Fassungen gehören zu verschiedenen Konzepten" in text
    assert "Note: Version 3 names version 2 as its predecessor" in ki.diff_concepts(
        old, wrong
    ).to_text("en")
    assert "Hinweis:" in ki.diff_concepts(old, wrong).to_markdown()
    assert "Hinweis:" in ki.diff_concepts(old, wrong).to_html()
