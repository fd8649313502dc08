"""The Handlungsplan (action plan) and the ``plan`` command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest

import kommunale_integration as ki
from kommunale_integration._cli import main
from test_report import assert_self_contained, parse_html
from test_report_data import ASCHEBERG, COESFELD, KREIS, TODAY, sample_concept


def _concept() -> ki.Concept:
    concept = sample_concept()
    local = ki.Measure(
        id="m-coesfeld",
        title="Begegnungscafé <Coesfeld> | Innenstadt",
        field="sprache",
        territories=(COESFELD,),
        history=(ki.StatusChange(date=date(2024, 1, 1), status=ki.MeasureStatus.COMPLETED),),
    )
    kreis = ki.Measure(
        id="m-kreis", title="Kreisweite Lotsen", field="sprache", territories=(KREIS,)
    )
    return concept.evolve(measures=(*concept.measures, local, kreis))


def test_grouped_by_field_and_status() -> None:
    plan = ki.action_plan(_concept(), today=TODAY)
    assert [f.id for f in plan.fields] == ["sprache", "arbeitsmarkt"]
    sprache = plan.fields[0]
    assert [(str(s), [m.id for m in ms]) for s, ms in sprache.groups] == [
        ("ongoing", ["m-sprachcafe"]),
        ("recommended", ["m-kreis"]),
        ("completed", ["m-coesfeld"]),
    ]
    assert dict(plan.counts) == {
        ki.MeasureStatus.ONGOING: 1,
        ki.MeasureStatus.RECOMMENDED: 2,
        ki.MeasureStatus.COMPLETED: 1,
    }


def test_per_municipality() -> None:
    plan = ki.action_plan(_concept(), municipality=ASCHEBERG, today=TODAY)
    ids = {m.id for f in plan.fields for _, ms in f.groups for m in ms}
    # Whole-area and Kreis measures apply in Ascheberg; the Coesfeld one does not.
    assert ids == {"m-sprachcafe", "m-jobcoach", "m-kreis"}
    assert plan.title == "Handlungsplan für Ascheberg"


def test_status_on_a_day() -> None:
    plan = ki.action_plan(_concept(), on=date(2024, 6, 1), today=TODAY)
    sprache = dict(plan.fields[0].groups)
    assert [m.id for m in sprache[ki.MeasureStatus.PLANNED]] == ["m-sprachcafe"]


def test_unknown_municipality() -> None:
    with pytest.raises(ki.InvalidValueError, match="05999999"):
        ki.action_plan(_concept(), municipality="05999999")


def test_html_is_valid_and_escaped() -> None:
    html = ki.build_action_plan(_concept(), today=TODAY)
    parse_html(html)
    assert_self_contained(html)
    assert "Begegnungscafé &lt;Coesfeld&gt; | Innenstadt" in html


def test_markdown() -> None:
    md = ki.build_action_plan(_concept(), format="md", municipality=COESFELD, today=TODAY)
    assert md.startswith("# Handlungsplan für Coesfeld\n")
    assert "| Begegnungscafé &lt;Coesfeld&gt; \\| Innenstadt | nicht benannt |" in md
    assert "### abgeschlossen" in md
    english = ki.build_action_plan(_concept(), format="md", lang="en", today=TODAY)
    assert english.startswith("# Action plan\n")


def test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "konzept.yaml"
    path.write_text(ki.dumps_yaml(_concept()), encoding="utf-8")
    assert main(["plan", str(path), "--format", "md", "--municipality", ASCHEBERG]) == 0
    assert capsys.readouterr().out.startswith("# Handlungsplan für Ascheberg")
    out = tmp_path / "plan.html"
    assert main(["plan", str(path), "--output", str(out)]) == 0
    parse_html(out.read_text(encoding="utf-8"))
    assert main(["plan", str(path), "--municipality", "123"]) == 2
    assert "municipality" in capsys.readouterr().err


def test_markdown_golden() -> None:
    import os

    text = ki.build_action_plan(_concept(), format="md", today=TODAY).replace(
        ki.__version__, "VERSION"
    )
    golden = Path(__file__).parent / "golden" / "plan_de.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_partners_are_named_as_partners() -> None:
    """A second actor under the lead is labelled, not left for the reader to guess."""
    concept = _concept()
    measures = [
        attrs.evolve(m, partners=("drk",)) if m.id == "m-sprachcafe" else m
        for m in concept.measures
    ]
    concept = concept.evolve(measures=measures)
    md = ki.build_action_plan(concept, format="md", today=TODAY)
    assert "| VHS Coesfeld (Partner: DRK Kreisverband) |" in md
    html = ki.build_action_plan(concept, format="html", today=TODAY)
    assert '<span class="note">Partner: DRK Kreisverband</span>' in html
    en = ki.build_action_plan(concept, format="md", today=TODAY, lang="en")
    assert "| VHS Coesfeld (Partners: DRK Kreisverband) |" in en
