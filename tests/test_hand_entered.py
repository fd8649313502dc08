"""A Kennzahl whose values are entered by hand needs no numerator (the plain case)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import kommunale_integration as ki

PLAIN = """\
id: wettringen
title: Integrationskonzept der Gemeinde Wettringen
territory: "05566096"
territories:
  - {ags: "05566096", name: Wettringen, kind: municipality, parent: "05566"}
indicators:
  - id: sprachcafe-besuche
    name: Besuche im Sprachcafé
    unit: Besuche
  - id: sprachcafe-quartale
    name: Besuche im Sprachcafé (Quartale)
    over_time: sum
observations:
  - {indicator: sprachcafe-besuche, period: "2026", territory: "05566096", value: "412"}
  - {indicator: sprachcafe-quartale, period: 2026-Q1, territory: "05566096", value: "100"}
  - {indicator: sprachcafe-quartale, period: 2026-Q2, territory: "05566096", value: "110"}
  - {indicator: sprachcafe-quartale, period: 2026-Q3, territory: "05566096", value: "90"}
  - {indicator: sprachcafe-quartale, period: 2026-Q4, territory: "05566096", value: "112"}
"""


def test_an_indicator_without_numerator_reports_the_values_entered(tmp_path: Path) -> None:
    (tmp_path / "konzept.yaml").write_text(PLAIN, encoding="utf-8")
    concept = ki.load_concept(tmp_path)
    indicator = concept.indicator("sprachcafe-besuche")
    assert indicator is not None
    assert indicator.numerator is None
    assert indicator.entered_by_hand
    report = ki.validate(concept, period="2026")
    assert report.ok, [str(f) for f in report.errors]
    assert "incomplete-period" not in report.codes()
    table = ki.compute_indicators(concept, periods=["2026"])
    assert table.get("sprachcafe-besuche", "2026", "05566096").value == Decimal(412)
    # Quarters entered by hand make up the year with over_time.
    assert table.get("sprachcafe-quartale", "2026", "05566096").value == Decimal(412)


def test_a_denominator_needs_a_numerator() -> None:
    with pytest.raises(ki.InvalidValueError, match="numerator"):
        ki.Indicator(id="x", name="X", denominator="population")


@pytest.mark.parametrize(
    ("lang", "said"), [("de", "keine Definition erfasst"), ("en", "no definition recorded")]
)
def test_a_kennzahl_without_definition_says_so_in_the_annex_of_every_format(
    tmp_path: Path, lang: str, said: str
) -> None:
    """The annex of definitions had an empty "Definition" cell for a Kennzahl entered
    by hand without one: every format (one outline) shows "–" with a short note."""
    import io

    import docx

    (tmp_path / "konzept.yaml").write_text(PLAIN, encoding="utf-8")
    concept = ki.load_concept(tmp_path)
    md = ki.build_report(concept, "2026", format="md", lang=lang)
    html = ki.build_report(concept, "2026", format="html", lang=lang)
    assert f"| Besuche im Sprachcafé | – ({said}) |" in md
    assert f"<td>– ({said})</td>" in html
    doc = docx.Document(io.BytesIO(ki.build_report(concept, "2026", format="docx", lang=lang)))
    annex = next(t for t in doc.tables if t.rows[0].cells[1].text == "Definition")
    cells = [row.cells[1].text for row in annex.rows[1:]]
    assert cells == [f"– ({said})"] * 2


COUNTS = """\
  - {id: aktiv, name: Begleitete Fälle, numerator: {count: active}, unit: Fälle}
  - {id: neu, name: Neue Fälle, numerator: {count: new}, unit: Fälle}
  - id: neu-sgb2
    name: Neue Fälle im SGB II
    numerator: {count: new, filters: [{attribute: legal_basis, values: [SGB II]}]}
"""


@pytest.mark.parametrize(
    ("lang", "active", "new", "said"),
    [
        (
            "de",
            "Fälle, die im Berichtszeitraum mindestens einen Tag offen waren.",
            "Fälle, die im Berichtszeitraum eröffnet wurden.",
            "keine Definition erfasst",
        ),
        (
            "en",
            "Cases open on at least one day of the report period.",
            "Cases opened in the report period.",
            "no definition recorded",
        ),
    ],
)
def test_a_plain_case_count_without_definition_has_the_standard_one_in_every_format(
    tmp_path: Path, lang: str, active: str, new: str, said: str
) -> None:
    """The Stadt's annex said "keine Definition erfasst" for "Begleitete Fälle (aktiv)",
    a count whose meaning the library itself fixes: a plain count of active or new
    cases is defined there in every format (one outline); a filtered count is not."""
    import io

    import docx

    text = PLAIN.replace("observations:", COUNTS + "observations:")
    (tmp_path / "konzept.yaml").write_text(text, encoding="utf-8")
    concept = ki.load_concept(tmp_path)
    md = ki.build_report(concept, "2026", format="md", lang=lang)
    html = ki.build_report(concept, "2026", format="html", lang=lang)
    doc = docx.Document(io.BytesIO(ki.build_report(concept, "2026", format="docx", lang=lang)))
    annex = next(t for t in doc.tables if t.rows[0].cells[1].text == "Definition")
    cells = {row.cells[0].text: row.cells[1].text for row in annex.rows[1:]}
    for name, definition in [
        ("Begleitete Fälle", active),
        ("Neue Fälle", new),
        ("Neue Fälle im SGB II", f"– ({said})"),
    ]:
        assert f"| {name} | {definition} |" in md
        assert cells[name] == definition
    assert f"<td>{active}</td>" in html


def test_the_report_shows_the_year_the_engine_makes_from_quarters(tmp_path: Path) -> None:
    """Four quarters entered by hand with ``over_time: sum`` make the year in
    ``compute_indicators``; the report (without a case export) showed the Kennzahl
    under "Kennzahlen ohne Werte im Berichtszeitraum" instead."""
    (tmp_path / "konzept.yaml").write_text(PLAIN, encoding="utf-8")
    concept = ki.load_concept(tmp_path)
    md = ki.build_report(concept, "2026", format="md")
    assert "| Besuche im Sprachcafé (Quartale) | 412 |" in md
    assert "ohne Werte" not in md
    # one quarter missing: no year is made up, and the report says so
    gap = PLAIN.replace(
        'period: 2026-Q3, territory: "05566096", value: "90"',
        'period: 2026-Q3, territory: "05566096", status: missing, note: offen',
    )
    (tmp_path / "konzept.yaml").write_text(gap, encoding="utf-8")
    md = ki.build_report(ki.load_concept(tmp_path), "2026", format="md")
    assert "| Besuche im Sprachcafé (Quartale) | 412 |" not in md
    assert "Besuche im Sprachcafé (Quartale)" in md
