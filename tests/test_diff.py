"""The Fortschreibung (revision diff) and the ``diff`` command."""

from __future__ import annotations

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
    assert [(a.attribute, a.before, a.after) for a in offer.attributes] == [("capacity", "–", "12")]
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
    for collection in ("actors", "offers", "goals", "measures", "indicators"):
        added = {c.id for c in diff.of(collection, "added")}
        removed = {c.id for c in diff.of(collection, "removed")}
        assert added == new.ids(collection) - old.ids(collection)
        assert removed == old.ids(collection) - new.ids(collection)
    assert ki.diff_concepts(new, new).empty


def test_outputs() -> None:
    diff = ki.diff_concepts(*_versions())
    text = diff.to_text()
    assert "  + Caritas <Coesfeld> (hinzugefügt)" in text
    assert "      capacity: – → 12" in text
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
