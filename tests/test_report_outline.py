"""The Jahresbericht answers the committee: one outline, derive() figures, money and posts,
forecasts, no empty sections, and a DOCX that goes out unchanged (tests read the XML)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import testing
from kommunale_integration._i18n import using_language
from kommunale_integration._reports._format import Formatter
from kommunale_integration._reports._outline import (
    Paragraph,
    Section,
    Table,
    build_outline,
    indicator_label,
)
from test_report_data import TODAY, sample_concept

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TODAY_KREIS = date(2026, 3, 2)


@pytest.fixture(scope="module")
def kreis() -> ki.Concept:
    return ki.load_concept(ki.example_path("kreis_coesfeld"))


@pytest.fixture(scope="module")
def kreis_cases() -> Any:
    folder = ki.example_path("kreis_coesfeld")
    return ki.read_cases(folder / "cases.csv", folder / "events.csv")


@pytest.fixture(scope="module")
def kreis_reports(kreis: ki.Concept, kreis_cases: Any) -> dict[str, Any]:
    return {
        fmt: ki.build_report(kreis, "2025", format=fmt, cases=kreis_cases, today=TODAY_KREIS)  # type: ignore[call-overload]
        for fmt in ("html", "md", "docx")
    }


def _walk(sections: tuple[Section, ...]) -> list[Section]:
    found: list[Section] = []
    for section in sections:
        found.append(section)
        found.extend(_walk(section.children))
    return found


def _docx_headings(data: bytes) -> list[str]:
    import docx

    doc = docx.Document(io.BytesIO(data))
    return [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]


def _docx_text(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


# --------------------------------------------------------------------------- one outline


def test_three_formats_walk_one_outline(
    kreis_reports: dict[str, Any], kreis: ki.Concept, kreis_cases: Any
) -> None:
    ctx = ki.report_context(kreis, "2025", cases=kreis_cases, today=TODAY_KREIS)
    headings = [s.heading for s in _walk(build_outline(ctx, Formatter("de")).sections)]
    html, md, docx = kreis_reports["html"], kreis_reports["md"], kreis_reports["docx"]
    html_headings = [re.sub("<[^>]+>", "", h) for h in re.findall(r"<h[2-4]>(.*?)</h[2-4]>", html)]
    assert html_headings[1:] == headings  # the first h2 is the table of contents
    md_headings = [line.lstrip("#").strip() for line in md.splitlines() if line.startswith("##")]
    assert md_headings == headings
    assert _docx_headings(docx) == headings
    # The table columns are the same too: the Kennzahlen table in every format.
    columns = ["Kennzahl", "Wert", "Vorperiode", "Veränderung", "Zielwert", "Zielerreichung"]
    assert "| " + " | ".join(columns) + " |" in md
    num = ' class="num"'
    cells = [f'<th scope="col"{num if i else ""}>{c}</th>' for i, c in enumerate(columns)]
    assert "".join(cells) in html


def test_a_sections_short_opening_paragraph_keeps_with_what_follows() -> None:
    """A heading never ends a page with only its first paragraph (the Erfolgsprognose's
    did): a short opening paragraph followed by more is an ``intro`` (kept whole with the
    next block in print and in the DOCX); a long one of the town's own may break."""
    from kommunale_integration._reports._outline import OPENING_LIMIT

    def opening(text: str) -> str:
        concept = sample_concept()
        concept = concept.evolve(starting_point=f"{text}\n\nSeitdem wird berichtet.")
        ctx = ki.report_context(concept, "2025", today=TODAY)
        [section] = [
            s for s in build_outline(ctx, Formatter("de")).sections if s.id == "sachverhalt"
        ]
        first = section.blocks[0]
        assert isinstance(first, Paragraph)
        return first.style

    assert opening("Der Kreis hat 2016 sein Konzept beschlossen.") == "intro"
    assert opening("x" * OPENING_LIMIT) == "intro"
    assert opening("x" * (OPENING_LIMIT + 1)) == "body"
    ctx = ki.report_context(sample_concept(), "2025", today=TODAY)
    [forecast] = [
        s for s in build_outline(ctx, Formatter("en")).sections if s.id == "erfolgsprognose"
    ]
    assert [getattr(b, "style", None) for b in forecast.blocks[:2]] == ["intro", "lead"]


def test_adding_an_annex_is_one_spec() -> None:
    from kommunale_integration._reports._outline import Body, Paragraph, SectionSpec

    def accepted(ctx: ki.ReportContext, fmt: Formatter) -> Body:
        return Body(blocks=(Paragraph(text="Begründet zurückgestellt: 2 Befunde."),))

    ctx = ki.report_context(sample_concept(), "2025", today=TODAY)
    extra = SectionSpec(id="befunde", title_key="method", build=accepted)
    outline = build_outline(ctx, Formatter("de"), extra=[extra])
    annex = outline.sections[-1]
    assert annex.children[-1].id == "befunde"
    assert annex.children[-1].number == f"A{len(annex.children)}"


def _assert_no_empty_sections(outline: Any) -> None:
    for section in _walk(outline.sections):
        assert section.blocks or section.children, section.heading


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(concept=testing.concepts(), lang=st.sampled_from(["de", "en"]))
def test_no_section_is_ever_empty(concept: ki.Concept, lang: str) -> None:
    ctx = ki.report_context(concept, "2025", today=TODAY, lang=lang)
    _assert_no_empty_sections(build_outline(ctx, Formatter(lang)))


# --------------------------------------------------------------------------- derive()


def _independent_table(concept: ki.Concept, cases: Any, period: str) -> ki.IndicatorTable:
    """Observations overridden by the engine's values, built here without the report."""
    engine = ki.compute_indicators(concept, cases, periods=ki.comparison_periods(period))
    rows = {(r.indicator, str(r.period), r.territory): r for r in engine.rows if r.is_total}
    for obs in concept.observations:
        key = (obs.indicator, str(obs.period), obs.territory)
        if obs.disaggregation or key in rows:
            continue
        published = obs.status not in (
            ki.ObservationStatus.SUPPRESSED,
            ki.ObservationStatus.MISSING,
        )
        rows[key] = ki.IndicatorValue(
            indicator=obs.indicator,
            period=obs.period,
            territory=obs.territory,
            value=obs.value if published else None,
            status=obs.status,
        )
    return ki.IndicatorTable(rows.values(), indicators=concept.indicators)


@pytest.mark.parametrize(
    ("example", "period"),
    [("kreis_coesfeld", "2025"), ("kreis_coesfeld", "2025-Q3"), ("stadt_coesfeld", "2026")],
)
def test_report_equals_derive_on_every_cell(example: str, period: str) -> None:
    folder = ki.example_path(example)
    concept = ki.load_concept(folder)
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    expected = {
        d.indicator: d
        for d in ki.derive(
            _independent_table(concept, cases, period),
            concept,
            period,
            territories=[concept.territory],
        )
    }
    ctx = ki.report_context(concept, period, cases=cases, today=TODAY_KREIS)
    assert ctx.figures
    for figure in ctx.figures:
        d = expected[figure.indicator.id]
        got = figure.derived
        for name in (
            "value",
            "change_abs",
            "change_rel",
            "target",
            "target_period",
            "attainment",
            "baseline",
            "forecast",
        ):
            assert getattr(got, name) == getattr(d, name), (figure.indicator.id, name)
    # And the printed cells are those numbers.
    fmt = Formatter("de")
    md = ki.build_report(concept, period, format="md", cases=cases, today=TODAY_KREIS)
    for figure in ctx.figures:
        d = expected[figure.indicator.id]
        label = indicator_label(figure.indicator)
        fields = md.split(" Handlungsfelder\n", 1)[1]  # not the glance's row of the name
        row = next(line for line in fields.splitlines() if line.startswith(f"| {label} |"))
        cell = row.split(" | ")[-1].rstrip(" |")
        if d.attainment is None:
            assert cell == "–"
        elif d.attainment < 0:
            assert cell == "unter Ausgangswert"
        else:
            assert cell == f"{fmt.number(d.attainment, 0)}\u00a0%"


def test_quarter_report_has_no_attainment_against_annual_targets(
    kreis: ki.Concept, kreis_cases: Any
) -> None:
    md = ki.build_report(kreis, "2025-Q3", format="md", cases=kreis_cases, today=TODAY_KREIS)
    ctx = ki.report_context(kreis, "2025-Q3", cases=kreis_cases, today=TODAY_KREIS)
    targeted = ctx.targeted
    assert len(targeted) == 3
    for figure in targeted:
        assert figure.attainment is None
        assert figure.derived.attainment_note == "other-period-kind"
        assert figure.forecast is not None
        assert figure.forecast.refusal == "other-period-kind"
        assert (
            f"{figure.indicator.name}: Der Zielwert gilt für 2026; "
            "3. Quartal 2025 wird daran nicht gemessen" in md
        )
    # Nor does a chart draw the annual target over quarterly values.
    assert "Zielwert 220" not in md
    assert "kein Zielwert" in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and "(2026)" in line]
    assert rows
    for row in rows:
        assert not re.search(r"-?\d+ % \|$", row), row


def test_a_figure_and_its_unit_never_part(kreis_reports: dict[str, Any]) -> None:
    """The DOCX printed "−19 (−5,3" with "%)" alone on the line below, then "−19" with
    "(−5,3 %)" below it beside "+7 (+3,6 %)" on one line: a change and its relative
    change are one figure, a number and its unit (``%``, ``Pp.``) one, a target and its
    period one, and a forecast's range one phrase ("(Spanne 168 bis" / "237)"), bound by
    no-break spaces in every format alike (the one place is :class:`Formatter`)."""
    with zipfile.ZipFile(io.BytesIO(kreis_reports["docx"])) as archive:
        docx = archive.read("word/document.xml").decode("utf-8")
    texts = {"html": kreis_reports["html"], "md": kreis_reports["md"], "docx": docx}
    for name, text in texts.items():
        assert "−19\u00a0(−5,3\u00a0%)" in text, name
        assert "−1,9\u00a0Pp." in text, name
        assert "220\u00a0(2026)" in text, name
        assert "erwartet 186 (Spanne\u00a0168\u00a0bis\u00a0237)" in text, name
        assert not re.search(r"\d %|\d Pp\.|\d \([+−]", text), name
    fmt = Formatter("en")
    assert fmt.change(Decimal("2.3"), None, 1, percentage_points=True) == "+2.3\u00a0pp"
    assert fmt.change(Decimal(-19), Decimal("-5.3"), 0) == "−19\u00a0(−5.3%)"


def test_below_baseline_and_percentage_points(kreis_reports: dict[str, Any]) -> None:
    md = kreis_reports["md"]
    fields = md.split("## 4 ")[1]  # the row of its field, not the one of "Auf einen Blick"
    row = next(line for line in fields.splitlines() if line.startswith("| Vermittlungsquote (%)"))
    assert "−1,9\u00a0Pp." in row
    assert row.endswith("| unter Ausgangswert |")
    assert "-150" not in md
    assert "Der Wert 8,5 liegt unter dem Ausgangswert 10,6 (2023)" in md
    # Baseline and formula beside every attainment.
    assert "(199 − 186) ÷ (220 − 186) = 38\u00a0%" in md


# --------------------------------------------------------------------------- content


def test_money_and_posts_in_every_format(kreis_reports: dict[str, Any]) -> None:
    texts = {
        "html": kreis_reports["html"],
        "md": kreis_reports["md"],
        "docx": _docx_text(kreis_reports["docx"]),
    }
    for name, text in texts.items():
        for amount in ("170.000\u00a0€", "18.000\u00a0€", "20.000\u00a0€"):
            assert amount in text, (name, amount)
        assert "5,5" in text, name
        assert "Lehrkraft (abgeordnet)" in text, name
        assert "davon 2,0 abgeordnet" in text, name
    md = texts["md"]
    # The seconded teacher's post names no funding: said, not an empty cell.
    teacher = "| Lehrkraft (abgeordnet) | Kommunales Integrationszentrum Kreis Coesfeld |"
    assert f"{teacher} nicht benannt | 2,0 |" in md
    # 18.000 € and 20.000 € have no period: listed, not summed into 2025.
    assert "| Summe |  |  | 170.000\u00a0€ |" in md
    assert "Ohne Zeitraumangabe, nicht in der Summe: Ehrenamt in der Flüchtlingshilfe" in md


@pytest.mark.parametrize(
    ("expected", "low", "high", "decimals", "de", "en"),
    [
        # The Kreis example: "erwartet 206 (Spanne 205 bis 206)" promised a precision
        # the trend does not have.
        ("205.8", "205.2", "206.3", 0, "erwartet etwa 206", "expected about 206"),
        ("206", "206", "206", 0, "erwartet etwa 206", "expected about 206"),
        ("7.04", "6.96", "7.14", 1, "erwartet etwa 7,0", "expected about 7.0"),
        (
            "186",
            "168",
            "237",
            0,
            "erwartet 186 (Spanne 168 bis 237)",
            "expected 186 (range 168 to 237)",
        ),
        # two units apart as printed: a range
        (
            "205",
            "204.4",
            "206.5",
            0,
            "erwartet 205 (Spanne 204 bis 207)",
            "expected 205 (range 204 to 207)",
        ),
        (
            "7.5",
            "7.0",
            "8.7",
            1,
            "erwartet 7,5 (Spanne 7,0 bis 8,7)",
            "expected 7.5 (range 7.0 to 8.7)",
        ),
    ],
)
def test_a_forecast_range_is_said_once_and_collapses_to_about(
    expected: str, low: str, high: str, decimals: int, de: str, en: str
) -> None:
    values = (Decimal(expected), Decimal(low), Decimal(high), decimals)
    # The range is one phrase: no line ends inside it ("(Spanne 168 bis" / "237)").
    assert Formatter("de").forecast_range(*values) == _glue_range(de)
    assert Formatter("en").forecast_range(*values) == _glue_range(en)


def _glue_range(text: str) -> str:
    """*text* with the spaces inside its bracket no-break spaces."""
    return re.sub(r"\(.*\)", lambda m: m.group().replace(" ", "\u00a0"), text)


def test_the_kreis_forecast_says_about_not_a_range_of_one(kreis_reports: dict[str, Any]) -> None:
    for text in (kreis_reports["md"], kreis_reports["html"]):
        assert "verfehlt: erwartet etwa 206." in text
        assert "Spanne 205 bis 206" not in text
        assert "erwartet 186 (Spanne\u00a0168\u00a0bis\u00a0237)" in text


def test_every_targeted_kennzahl_has_a_forecast_sentence(
    kreis_reports: dict[str, Any], kreis: ki.Concept, kreis_cases: Any
) -> None:
    md = kreis_reports["md"]
    ctx = ki.report_context(kreis, "2025", cases=kreis_cases, today=TODAY_KREIS)
    assert len(ctx.targeted) == 3
    for figure in ctx.targeted:
        assert re.search(
            rf"{re.escape(figure.indicator.name)}: Bei gleichbleibender Entwicklung wird "
            r"der Zielwert 2026 \(.*?\) voraussichtlich .*(\(Spanne\u00a0\d|erwartet etwa \d)",
            md,
        )
    glance = md.split("## 2 ")[0]
    # With their units, as in the fields' tables: "8,5" alone said nothing.
    assert (
        "| Abgeschlossene Sprachkurse (Personen) | 199 | 220\u00a0(2026) | ○\u00a0nicht auf Kurs |"
        in glance
    )
    assert "| Vermittlungsquote (%) | 8,5 | 12,0\u00a0(2026) |" in glance
    # The forecast says first what it rests on.
    forecast = md.split("## 5 Erfolgsprognose\n\n")[1]
    assert forecast.startswith(
        "Die Prognose schreibt den Trend der veröffentlichten Werte von 2023 bis 2025 bis "
        "zum Zielzeitraum fort"
    )
    assert "nicht, ob eine Maßnahme wirkt. Methode im Anhang." in forecast.split("\n")[0]
    assert "16 Sitzungen in 5 Netzwerken; 16 geplant" in glance
    assert "10 empfohlen, 1 laufend" in glance


def test_concise_by_construction(kreis_reports: dict[str, Any]) -> None:
    md = kreis_reports["md"]
    assert (
        "Ohne Ziele, Maßnahmen und Kennzahlen: Rechtliches und Aufenthalt, Wohnen, Gesundheit."
        in md
    )
    assert "keine Maßnahmen erfasst" not in md
    assert "keine Kennzahlen erfasst" not in md
    # "Begonnene Sprachkurse" is shown once, in Sprache; Arbeitsmarkt refers to it.
    assert md.count("| Begonnene Sprachkurse (Personen) | 339 |") == 1
    assert "Siehe auch Begonnene Sprachkurse (im Handlungsfeld Sprache)." in md
    # Per-municipality values only in the annex.
    annex = md.split("## Anhang")[1]
    assert md.count("| Dülmen |") == annex.count("| Dülmen |")


def test_a_town_without_money_or_targets_gets_a_short_report(tmp_path: Any) -> None:
    folder = ki.init_concept(tmp_path / "musterstadt", name="Olfen", ags="05558036")
    concept = ki.load_concept(folder)
    assert not concept.funding
    assert not concept.targets
    ctx = ki.report_context(concept, "2025", today=TODAY)
    outline = build_outline(ctx, Formatter("de"))
    _assert_no_empty_sections(outline)
    titles = [s.title for s in outline.sections]
    assert "Finanzen und Personal" not in titles
    assert "Erfolgsprognose" not in titles
    md = ki.build_report(concept, "2025", format="md", today=TODAY)
    assert "€" not in md
    assert "erfasst." not in md
    assert len(md.split()) < 600


def test_vorlage_sections_from_the_concept() -> None:
    concept = sample_concept(
        facts="Der Ausschuss hat den Bericht erbeten.",
        alternatives="Keine.",
        impacts="Keine zusätzlichen Kosten.",
        competence="Der Ausschuss nimmt Kenntnis.",
        meeting_date=date(2026, 3, 18),
    )
    md = ki.build_report(concept, "2025", format="md", today=TODAY)
    assert "| Sitzung | 18.03.2026 |" in md
    for heading, text in (
        ("Sachverhalt", "Der Ausschuss hat den Bericht erbeten."),
        ("Alternativen", "Keine."),
        ("Zuständigkeit", "Der Ausschuss nimmt Kenntnis."),
    ):
        assert re.search(rf"## \d+ {heading}\n\n{re.escape(text)}", md), heading
    assert "Keine zusätzlichen Kosten." in md
    # Round trip through the converter keeps them.
    assert ki.structure(ki.unstructure(concept), ki.Concept) == concept
    # Not given: no section.
    plain = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    assert "Alternativen" not in plain
    assert "Zuständigkeit" not in plain


# --------------------------------------------------------------------------- DOCX XML


@pytest.fixture(scope="module")
def docx_parts() -> dict[str, str]:
    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY, disclosure=None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if name.endswith(".xml") or name.endswith(".rels")
        }


def test_docx_page_is_a4_with_german_margins(docx_parts: dict[str, str]) -> None:
    body = docx_parts["word/document.xml"]
    size = re.search(r"<w:pgSz [^>]*>", body)
    assert size is not None
    assert 'w:w="11906"' in size.group(0)
    assert 'w:h="16838"' in size.group(0)
    margins = re.search(r"<w:pgMar [^>]*>", body)
    assert margins is not None
    assert 'w:left="1417"' in margins.group(0)  # 2,5 cm


def test_docx_language_in_styles_and_runs(docx_parts: dict[str, str]) -> None:
    styles, body = docx_parts["word/styles.xml"], docx_parts["word/document.xml"]
    assert 'w:lang w:val="de-DE"' in styles
    assert "en-US" not in styles
    assert "en-US" not in body
    runs = re.findall(r"<w:r>.*?</w:r>|<w:r .*?</w:r>", body, re.S)
    assert runs
    assert all('w:lang w:val="de-DE"' in run for run in runs if "<w:t" in run)
    assert "<dc:language>de-DE</dc:language>" in docx_parts["docProps/core.xml"]


# --------------------------------------------------------------------------- language of parts


class _Languages(HTMLParser):
    """Every text of an HTML page with the language of its element (``lang`` inherited)."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        lang = dict(attributes).get("lang") or (self.stack[-1] if self.stack else "")
        self.stack.append(lang)

    def handle_startendtag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append((data.strip(), self.stack[-1] if self.stack else ""))


def _text_languages(html: str) -> dict[str, set[str]]:
    parser = _Languages()
    parser.feed(html)
    found: dict[str, set[str]] = {}
    for text, lang in parser.texts:
        found.setdefault(text, set()).add(lang)
    return found


def test_english_html_marks_the_concepts_texts_as_german() -> None:
    """WCAG 3.1.2: in the English report a measure's title, a field's title and a goal
    stand in an element of ``lang="de"`` (a screen reader read them with English
    pronunciation); the report's own English text does not."""
    html = ki.build_report(sample_concept(), "2025", format="html", lang="en", today=TODAY)
    assert '<html lang="en">' in html
    languages = _text_languages(html)
    assert languages["Sprachcafés in allen Kommunen"] == {"de"}  # a measure (table cell)
    assert languages["Sprache"] == {"de"}  # a field's title (heading, contents)
    assert languages["Measure"] == {"en"}  # the report's own column heading
    assert languages["Status"] == {"en"}
    assert "en" in languages["Fields of action"]
    assert "de" not in languages["Fields of action"]
    # The concept's title in the report's own subject (h1), not the words around it.
    assert languages["Integrationskonzept des Kreises Coesfeld"] == {"de"}
    assert languages["Annual report 2025 on the"] == {"en"}
    # Not in an attribute (the table's aria-label), the <title> or the print header's
    # CSS string: no markup there, the text as it is.
    assert not re.search(r'="[^"]*<span', html)
    title = "Annual report 2025 on the Integrationskonzept des Kreises Coesfeld"
    assert f"<title>{title}</title>" in html
    assert f'content: "{title}"' in html
    assert "\ue000" not in html
    assert "\ue001" not in html
    # A chart's accessible name, the <title> of its SVG, marks the Kennzahl's name (it
    # was the only text of the concept left unmarked); its <desc> is values only.
    titles = re.findall(r'<title id="svg-chart-[^"]*">(.*?)</title>', html)
    assert titles
    assert all(re.fullmatch(r'Trend of “<span lang="de">[^<]+</span>” \(.+\)', t) for t in titles)
    assert languages["Vermittlungsquote (%)"] == {"de"}


def test_german_html_has_no_lang_attributes_in_its_body() -> None:
    html = ki.build_report(sample_concept(), "2025", format="html", today=TODAY)
    assert '<html lang="de">' in html
    body = html.split("<body", 1)[1]
    assert ' lang="' not in body


def test_english_markdown_drops_the_marks() -> None:
    md = ki.build_report(sample_concept(), "2025", format="md", lang="en", today=TODAY)
    assert "| Sprachcafés in allen Kommunen |" in md
    assert "\ue000" not in md
    assert "\ue001" not in md


def test_english_docx_marks_the_concepts_texts_as_german() -> None:
    """The runs of a measure's title are ``de-DE`` in the English DOCX (whose default
    is ``en-GB``); those of an English heading are not."""
    data = ki.build_report(sample_concept(), "2025", format="docx", lang="en", today=TODAY)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        styles = archive.read("word/styles.xml").decode("utf-8")
    assert 'w:lang w:val="en-GB"' in styles
    assert "de-DE" not in styles
    runs = re.findall(r"<w:r>.*?</w:r>|<w:r .*?</w:r>", body, re.S)

    def languages(text: str) -> set[str]:
        """The languages of the runs whose text holds *text*."""
        found = {
            lang
            for run in runs
            if text in "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", run))
            for lang in re.findall(r'<w:lang w:val="([^"]+)"', run)
        }
        assert found, text
        return found

    assert languages("Sprachcafés in allen Kommunen") == {"de-DE"}  # a table cell
    assert languages("Jobcoaching für junge Geflüchtete") == {"de-DE"}
    assert languages("Arbeitsmarktintegration") == {"de-DE"}  # a field's title
    assert languages("Fields of action") == {"en-GB"}  # the report's own heading
    assert languages("Measure") == {"en-GB"}
    assert "\ue000" not in body


def test_docx_page_numbers_and_running_header(docx_parts: dict[str, str]) -> None:
    footers = [v for k, v in docx_parts.items() if k.startswith("word/footer")]
    headers = [v for k, v in docx_parts.items() if k.startswith("word/header")]
    assert any("PAGE" in f and 'w:fldCharType="begin"' in f for f in footers)
    assert any("NUMPAGES" in f for f in footers)
    header = "".join(headers)
    assert "INTERN – nicht zur Veröffentlichung" in header
    assert "Jahresbericht 2025 zum Integrationskonzept des Kreises Coesfeld" in header


def test_docx_without_internal_mark_when_protected() -> None:
    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        headers = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("word/header")
        )
    assert "INTERN" not in headers
    assert "Jahresbericht 2025" in headers


def test_docx_alt_text_on_every_picture(docx_parts: dict[str, str]) -> None:
    body = docx_parts["word/document.xml"]
    pictures = re.findall(r"<wp:docPr [^>]*>", body)
    assert len(pictures) == 2
    for picture in pictures:
        descr = re.search(r'descr="([^"]+)"', picture)
        assert descr is not None
        assert "Liniendiagramm der Werte" in descr.group(1)
        assert re.search(r'title="Entwicklung von', picture)


def test_docx_core_properties_from_the_concept(docx_parts: dict[str, str]) -> None:
    core = docx_parts["docProps/core.xml"]
    everything = "".join(docx_parts.values())
    assert "python-docx" not in everything
    assert (
        "<dc:title>Jahresbericht 2025 zum Integrationskonzept des Kreises Coesfeld</dc:title>"
        in core
    )
    assert "<dc:creator>Kreis Coesfeld</dc:creator>" in core
    created = re.search(r"<dcterms:created[^>]*>([^<]+)<", core)
    assert created is not None
    when = datetime.fromisoformat(created.group(1).replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - when).total_seconds()) < 600
    assert "2013" not in core


def test_docx_numbers_right_aligned_and_widths_from_content(docx_parts: dict[str, str]) -> None:
    import docx

    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    doc = docx.Document(io.BytesIO(data))
    table = next(
        t for t in doc.tables if t.rows[0].cells[0].text == "Kennzahl" and len(t.columns) == 6
    )
    row = table.rows[1]
    assert row.cells[1].text == "1.234"
    assert row.cells[1].paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    assert row.cells[0].paragraphs[0].alignment is None
    widths = [c.width for c in row.cells]
    assert len(set(widths)) > 1  # not equal widths
    assert widths[0] == max(widths)  # the names need the room
    # No column is narrower than its longest word ("Vorperiode" must not break).
    for index, header in enumerate(["Kennzahl", "Wert", "Vorperiode", "Veränderung"]):
        assert widths[index] / 360000 >= len(header) * 0.17, header
    # The header row repeats on every page.
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None


# --------------------------------------------------------------------------- catalogue


def test_german_catalogue_translates_every_report_text() -> None:
    import string

    from kommunale_integration._i18n import translations
    from kommunale_integration._reports._format import MESSAGES, PLURAL_MESSAGES, REPORT_DOMAIN

    german = translations("de", REPORT_DOMAIN)
    fields = string.Formatter()

    def placeholders(text: str) -> set[str]:
        return {f for _, f, _, _ in fields.parse(text) if f}

    for key, message in MESSAGES.items():
        assert german.has(message), key
        text = german.gettext(message)
        assert text != message or message in {"Status", "Definition", "Name"}, key
        assert placeholders(text) == placeholders(message), key
    # The texts with a number have both German forms, each with the placeholders of the
    # English ids, ``{count}`` among them.
    for key, (singular, plural) in PLURAL_MESSAGES.items():
        assert german.has_plural(singular, plural), key
        assert "count" in placeholders(singular), key
        assert placeholders(singular) == placeholders(plural), key
        one, two = german.ngettext(singular, plural, 1), german.ngettext(singular, plural, 2)
        assert one not in {singular, plural}, key
        assert two not in {singular, plural, one}, key
        assert placeholders(one) == placeholders(two) == placeholders(singular), key
    # Every German text comes from the catalogue: no English id is left in the report.
    md = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    for english in ("Annual report", "At a glance", "Success forecast", "Fields of action"):
        assert english not in md


def test_docx_widths_keep_header_words_whole_when_a_figure_column_holds_words() -> None:
    from kommunale_integration._reports._docx import (
        _BOLD,
        _PAD_CM,
        _hyphenated,
        _text_cm,
        _widths,
        _word_cm,
    )
    from kommunale_integration._reports._outline import Column, Table

    table = Table(
        caption="Kennzahlen",
        columns=(
            Column(header="Kennzahl"),
            Column(header="Wert", numeric=True),
            Column(header="Vorperiode", numeric=True),
            Column(header="Veränderung", numeric=True),
            Column(header="Zielwert", numeric=True),
            Column(header="Zielerreichung", numeric=True),
        ),
        rows=(
            (
                "Vermittlungen in Arbeit oder Ausbildung (Personen)",
                "173",
                "195",
                "−22 (−11,3 %)",
                "200 (2026)",
                "48 %",
            ),
            (
                "Quote der Vermittlungen (%)",
                "8,5",
                "10,4",
                "−1,9 Pp.",
                "12,0 (2026)",
                "unter Ausgangswert",
            ),
        ),
    )
    widths, size = _widths(table)
    assert size == 9
    for column, width in zip(table.columns, widths, strict=True):
        # a header word breaks only where _HYPHENATION lets it (Ziel-/erreichung)
        piece = max(_word_cm(_hyphenated(w)) for w in column.header.split())
        assert width >= piece * _BOLD + _PAD_CM - 1e-9, column.header
    # a figure stays whole; only its bracket may go below it
    assert widths[3] >= _text_cm("(−11,3 %)") + _PAD_CM - 1e-9
    assert widths[4] >= _text_cm("(2026)") + _PAD_CM - 1e-9
    assert widths[5] >= _text_cm("Ausgangswert") + _PAD_CM - 1e-9


def test_a_column_of_dashes_gets_no_room_to_unbreak_its_header(
    kreis_reports: dict[str, Any],
) -> None:
    """The decisions of the Kreis have no Drucksache: the column of "–" was 2.3 cm wide,
    only so that its header stood on one line. A header line counts whole: the column
    keeps the width of "Druck-" and the room goes where it saves lines (Ergebnis)."""
    import docx

    from kommunale_integration._reports._docx import _BOLD, _PAD_CM, _word_cm

    doc = docx.Document(io.BytesIO(kreis_reports["docx"]))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Datum")
    headers = [cell.text for cell in table.rows[0].cells]
    column = headers.index("Drucksache")
    assert {row.cells[column].text for row in table.rows[1:]} == {"–"}
    width = table.rows[0].cells[column].width.cm
    assert width <= _word_cm("Druck") * _BOLD + 0.12 * _BOLD + _PAD_CM + 0.05, width
    result = headers.index("Ergebnis")
    # "beschlossen (Beschluss über das Konzept)" in two lines, not three (4.15 cm since
    # the width model gives "m" and "r" their width; LibreOffice prints two lines)
    assert table.rows[0].cells[result].width.cm >= 4.15


def test_every_chart_names_its_unit_on_the_value_axis(
    kreis_reports: dict[str, Any], kreis: ki.Concept, kreis_cases: Any
) -> None:
    """A printed chart with "300" on its axis said nothing until the caption was read:
    the unit of the Kennzahl is the title of the value axis, in the SVG of the HTML
    and in the PNG of the DOCX alike."""
    from kommunale_integration._reports._charts import has_chart, trend_plot

    svgs = re.findall(r"<svg.*?</svg>", kreis_reports["html"], re.S)
    assert svgs
    for svg in svgs:
        axis = re.search(r'<text[^>]*class="title"[^>]*transform="rotate\(-90[^>]*>([^<]+)<', svg)
        assert axis is not None, svg[:300]
        assert axis.group(1) in {"Personen", "Fälle", "%"}
    ctx = ki.report_context(kreis, "2025", cases=kreis_cases, today=TODAY_KREIS)
    charted = [f for f in ctx.figures if has_chart(f)]
    assert charted
    for figure in charted:
        [axes] = trend_plot(figure, Formatter("de")).axes
        assert axes.get_ylabel() == figure.indicator.unit, figure.indicator.id
    # Without a unit, no axis title (and the SVG none either).
    bare = attrs.evolve(charted[0], indicator=attrs.evolve(charted[0].indicator, unit=None))
    assert trend_plot(bare, Formatter("de")).axes[0].get_ylabel() == ""


def _placements_chart(kreis: ki.Concept, kreis_cases: Any, name: str, unit: str) -> Any:
    ctx = ki.report_context(kreis, "2025", cases=kreis_cases, today=TODAY_KREIS)
    figure = next(f for f in ctx.targeted if f.indicator.id == "placements")
    return attrs.evolve(figure, indicator=attrs.evolve(figure.indicator, name=name, unit=unit))


def test_a_chart_draws_every_letter_or_leaves_the_text_to_its_caption(
    kreis: ki.Concept,
    kreis_cases: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A Kennzahl named in Tigrinya printed as boxes in the PNG of the DOCX, with a
    matplotlib warning per letter on stderr: a text no installed font can draw is left
    out of the picture (the legend says "Wert", the axis has no title; the caption, text
    of the DOCX, names both), with one warning each; a letter DejaVu Sans lacks is taken
    from an installed font that has it (matplotlib's own DejaVu Serif has "⤀")."""
    from kommunale_integration._reports import _charts

    fonts = dict(_charts._installed_fonts())
    assert "DejaVu Serif" in fonts  # shipped with matplotlib
    figure = _placements_chart(kreis, kreis_cases, "Abschlüsse ⤀ Arbeit", "Pers. ⤁")
    assert _charts.png_fonts(["Abschlüsse ⤀ Arbeit"])[1] == []
    [axes] = _charts.trend_plot(figure, Formatter("de")).axes  # warnings are errors
    assert axes.get_legend().get_texts()[0].get_text() == "Abschlüsse ⤀ Arbeit"
    assert axes.get_ylabel() == "Pers. ⤁"
    assert _charts.trend_png(figure, Formatter("de")).startswith(b"\x89PNG")
    assert not caplog.records
    # On a computer with no Ethiopic font (the test pretends to be one):
    only = {"DejaVu Sans": fonts["DejaVu Sans"], "DejaVu Serif": fonts["DejaVu Serif"]}
    monkeypatch.setattr(_charts, "_installed_fonts", lambda: tuple(only.items()))
    tigrinya = _placements_chart(kreis, kreis_cases, "ዝተዛዘሙ ኮርሳት ቋንቋ", "ሰባት")
    assert _charts.png_fonts(["ዝተዛዘሙ ኮርሳት ቋንቋ", "Zielwert"])[1] == ["ዝተዛዘሙ ኮርሳት ቋንቋ"]
    with using_language("de"):
        [axes] = _charts.trend_plot(tigrinya, Formatter("de")).axes
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["Wert", "Zielwert"]
    assert axes.get_ylabel() == ""
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    said = "keine Schriftart auf diesem Rechner hat alle Zeichen von 'ዝተዛዘሙ ኮርሳት ቋንቋ'"
    assert said in messages[0]
    assert "'ሰባት'" in messages[1]
    assert "Bildunterschrift" in messages[1]
    assert "fonts-noto-core" in messages[1]


def test_the_docx_gives_a_date_of_ones_the_width_of_its_digits() -> None:
    """A newcomer's decision of 27.11.2025 printed "27.11.202" over "5": the width of a
    text counted "1" as narrow as the letter "l", but every digit is as wide as the
    others. The date column is at least as wide as ten digits and two stops print
    (1.8 cm at 9 pt, and the cell's margins)."""
    import docx

    from kommunale_integration._reports._docx import _text_cm

    assert _text_cm("27.11.2025") == _text_cm("27.00.2025")
    folder = ki.example_path("stadt_coesfeld")
    concept = ki.load_concept(folder)
    late = attrs.evolve(concept.decisions[0], date=date(2025, 11, 27), document_number=None)
    concept = concept.evolve(decisions=(late, *concept.decisions[1:]))
    data = ki.build_report(concept, "2025", format="docx", today=TODAY_KREIS)
    doc = docx.Document(io.BytesIO(data))
    [table] = [t for t in doc.tables if t.rows[0].cells[0].text == "Datum"]
    assert table.rows[1].cells[0].text == "27.11.2025"
    assert table.rows[0].cells[0].width.cm >= 2.2


def test_a_short_docx_table_keeps_on_one_page(kreis_reports: dict[str, Any]) -> None:
    """Every row of a table of at most four rows but the last keeps with the next (the
    Kreis report printed a two-row table across two pages); a longer table keeps its
    header with its first row and its last row with the one before."""
    import docx

    doc = docx.Document(io.BytesIO(kreis_reports["docx"]))

    def kept(row: Any) -> bool:
        flags = {p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs}
        assert len(flags) == 1, flags
        return bool(flags.pop())

    headed = [t for t in doc.tables if "tblHeader" in t.rows[0]._tr.xml]  # not the Vorlage
    short = [t for t in headed if len(t.rows) <= 1 + 4]
    long = [t for t in headed if len(t.rows) > 1 + 4]
    assert short
    assert long
    # (The last row keeps with a note under the table: see the test of the goals.)
    for table in short:
        assert [kept(row) for row in table.rows][:-1] == [True] * (len(table.rows) - 1)
    for table in long:
        assert [kept(row) for row in table.rows][:3] == [True, False, False]
        # its last row (a Summe) keeps with the one before: never alone on a page
        assert kept(table.rows[-2]), [c.text for c in table.rows[-1].cells]


@pytest.mark.parametrize("example", ["kreis_coesfeld", "stadt_coesfeld"])
def test_the_examples_explain_every_abbreviation_they_print(example: str) -> None:
    """A council member reads "Land NRW" in the Sachverhalt and the funding table of
    both examples: every word of capitals the report prints is in its list of
    abbreviations ("SGB II" as one; the source line's "GV-ISys" is spelt out beside it)."""
    folder = ki.example_path(example)
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    md = ki.build_report(ki.load_concept(folder), "2025", format="md", cases=cases)
    body, annex = md.split("Abkürzungen |", 1)[0], md.split("| Abkürzung | Bedeutung |")[1]
    explained = set(re.findall(r"^\| ([^|]+?) \|", annex, re.MULTILINE))
    used = set(re.findall(r"\b[A-ZÄÖÜ]{2,}\b", body.replace("SGB II", "SGB_II")))
    assert used - explained - {"GV"} == set()


def test_a_report_of_a_running_period_says_so_first(kreis: ki.Concept, kreis_cases: Any) -> None:
    """A newcomer built the report for 2026 on 1 December 2026: it compared eleven
    months with the whole of 2025 and said "Der Zielwert 2026 (60) ist nicht erreicht",
    without a word that the year was not over. "Auf einen Blick" now opens with it; a
    report built after the end of its period does not."""
    early = ki.build_report(kreis, "2025", format="md", cases=kreis_cases, today=date(2025, 12, 1))
    glance = early.split("## 1 Auf einen Blick")[1].lstrip()
    assert glance.startswith(
        "**Der Berichtszeitraum 2025 ist noch nicht abgeschlossen: der Bericht wurde am "
        "01.12.2025 erstellt, vor seinem Ende (31.12.2025). Seine Werte sind vorläufig;"
    )
    english = ki.build_report(
        kreis, "2025-Q4", format="md", cases=kreis_cases, today=date(2025, 12, 31), lang="en"
    )
    day = "31\u00a0December\u00a02025"
    assert f"**The report period Q4 2025 is not over: the report was built on {day}" in english
    after = ki.build_report(kreis, "2025", format="md", cases=kreis_cases, today=date(2026, 1, 1))
    assert "noch nicht abgeschlossen" not in after


def test_no_two_docx_tables_touch(kreis_reports: dict[str, Any]) -> None:
    """Two tables with nothing between them are one table to Word and LibreOffice: the
    charts' grid right under a Kennzahlen table without a note was drawn over the
    table's last row (Stadt example, "Rechtliches"). A small paragraph parts them."""
    import docx

    folder = ki.example_path("stadt_coesfeld")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    stadt = ki.build_report(ki.load_concept(folder), "2025", format="docx", cases=cases)
    for data in (kreis_reports["docx"], stadt):
        body = docx.Document(io.BytesIO(data)).element.body
        kinds = [child.tag.rsplit("}", 1)[1] for child in body]
        assert kinds.count("tbl") > 10
        assert "tbl tbl" not in " ".join(kinds)


def test_the_goals_of_a_field_stay_with_its_tables(kreis_reports: dict[str, Any]) -> None:
    """The Stadt report ended a page with "3.2 (Aus-)Bildung" and its goal, its tables
    overleaf: the goals of a Handlungsfeld with tables keep with what follows, in the
    DOCX (keep with next) and in print (``ul.intro``: no page break after it)."""
    import docx

    doc = docx.Document(io.BytesIO(kreis_reports["docx"]))
    goals = [
        p
        for p in doc.paragraphs
        if p.style.name == "List Bullet" and p.text.startswith(("Wirkungsziel:", "Leitziel:"))
    ]
    assert len(goals) >= 4
    assert all(p.paragraph_format.keep_with_next for p in goals)
    facts = [p for p in doc.paragraphs if p.text.startswith("Maßnahmen: 10 empfohlen")]
    assert [p.paragraph_format.keep_with_next for p in facts] == [False]
    # The field's description introduces them too (keeping the goals alone with the
    # tables left "4.4 Arbeitsmarktintegration" and its description at a page's foot).
    [description] = [p for p in doc.paragraphs if p.text.startswith("Beratung, Anerkennung")]
    assert description.paragraph_format.keep_with_next
    # A table's note stays with its last row; a table without a note keeps nothing.
    tables = {t.rows[1].cells[0].text: t for t in doc.tables if len(t.rows) > 1}
    noted = tables["Vermittlungen in Arbeit oder Ausbildung (Personen)"].rows[-1]
    assert all(p.paragraph_format.keep_with_next for c in noted.cells for p in c.paragraphs)
    plain = tables["Early Intervention NRW+"].rows[-1]
    assert not any(p.paragraph_format.keep_with_next for c in plain.cells for p in c.paragraphs)
    assert '<ul class="intro">\n<li><strong>Handlungsziel:</strong>' in kreis_reports["html"]
    assert re.search(r"ul\.intro[^{]*\{ break-after: avoid; \}", kreis_reports["html"])


def test_the_docx_kennzahl_tables_give_the_names_the_room() -> None:
    """The headers of the number columns break at their hyphenation point, so the
    Kennzahl names get the room (Kreis report: at least 4.75 cm, three lines at most,
    where the whole header words left 4.4-4.7 cm and four lines; a change is one figure,
    "−22 (−11,3 %)", so its column is wider than when its bracket could go below it);
    Word shows the hyphen only where a header breaks."""
    import docx

    from kommunale_integration._reports._docx import _TEXT_WIDTH_CM

    folder = ki.example_path("kreis_coesfeld")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    data = ki.build_report(ki.load_concept(folder), "2025", format="docx", cases=cases)
    doc = docx.Document(io.BytesIO(data))
    tables = [t for t in doc.tables if [c.text for c in t.rows[0].cells][2:3] == ["Vorperiode"]]
    assert len(tables) >= 4
    for table in tables:
        widths = [c.width.cm for c in table.rows[0].cells]
        assert widths[0] == max(widths)
        assert widths[0] >= 4.75, widths
        assert abs(sum(widths) - _TEXT_WIDTH_CM) < 0.01
        header = table.rows[0].cells[2]._tc.xml
        assert header.count("<w:softHyphen/>") == 1  # Vor-/periode


# --------------------------------------------------------------------------- außerhalb

RHEINE, WETTRINGEN = "05566076", "05566096"


def _wettringen_with_neighbour_offers(tmp_path: Any, extra: int = 0) -> ki.Concept:
    """Wettringen with offers held in Rheine: one for Wettringen, one for Rheine only."""
    concept = ki.load_concept(ki.init_concept(tmp_path / "w", name="Wettringen", ags=WETTRINGEN))
    actor = ki.Actor(id="vhs", name="VHS Rheine", category="education", last_verified=TODAY)
    rheine = ki.Venue(city="Rheine", municipality=RHEINE)
    offers = [
        ki.Offer(
            id="integrationskurs",
            name="Integrationskurs Rheine",
            actor="vhs",
            fields=("sprache",),
            territories=(WETTRINGEN,),
            venue=rheine,
        ),
        ki.Offer(
            id="jobcafe", name="Jobcafé Rheine", actor="vhs", fields=("arbeitsmarkt",), venue=rheine
        ),
    ]
    offers += [
        ki.Offer(id=f"kurs-{i}", name=f"Kurs {i}", actor="vhs", fields=("sprache",), venue=rheine)
        for i in range(extra)
    ]
    # Verified lately: not listed again among the entries to be checked.
    offers = [attrs.evolve(o, last_verified=TODAY) for o in offers]
    return concept.evolve(actors=(actor,), offers=tuple(offers))


def _texts(concept: ki.Concept, lang: str = "de") -> dict[str, str]:
    reports = {
        fmt: ki.build_report(concept, "2026", format=fmt, lang=lang, today=TODAY)  # type: ignore[call-overload]
        for fmt in ("html", "md", "docx")
    }
    reports["docx"] = _docx_text(reports["docx"])
    return reports


def test_offers_outside_the_territory_in_every_format(tmp_path: Any) -> None:
    """Item 5 of issue 17: offers in the neighbouring town are "außerhalb" in the report."""
    concept = _wettringen_with_neighbour_offers(tmp_path)
    gaps = {(g.municipality, g.field) for g in ki.coverage_gaps(concept, on=date(2026, 12, 31))}
    # The course in Rheine serves Wettringen; the Jobcafé serves Rheine only: a gap remains.
    assert (WETTRINGEN, "sprache") not in gaps
    assert (WETTRINGEN, "arbeitsmarkt") in gaps
    assert not any(ags == RHEINE for ags, _ in gaps)
    for fmt, text in _texts(concept).items():
        assert "Angebote außerhalb des Gebiets" in text, fmt
        assert "Rheine (Kreis Steinfurt)" in text, fmt
        assert "keine Kommune des Konzepts" in text, fmt
        assert "und ergeben keine eigenen Versorgungslücken" in text, fmt
    md = _texts(concept)["md"]
    assert "| Integrationskurs Rheine | Rheine (Kreis Steinfurt) | Wettringen |" in md
    assert "| Jobcafé Rheine | Rheine (Kreis Steinfurt) | keine Kommune des Konzepts |" in md
    body = md.split("## Anhang", 1)[0]
    assert "| Integrationskurs Rheine |" in body  # few: in the section, not the annex
    english = _texts(concept, "en")
    for fmt, text in english.items():
        assert "Offers outside the territory" in text, fmt
        assert "no municipality of the concept" in text, fmt
    assert "| Offer | Held in | Counts for |" in english["md"]


def test_many_offers_outside_go_to_the_annex(tmp_path: Any) -> None:
    concept = _wettringen_with_neighbour_offers(tmp_path, extra=5)  # 7 offers > LIST_LIMIT 6
    for fmt, text in _texts(concept).items():
        # The table follows the annex heading "Akteure und Angebote: Listen" (the last
        # occurrence: the HTML table of contents names it too).
        annex = text.rsplit("Akteure und Angebote: Listen", 1)[1]
        assert "Kurs 4" in annex, fmt
        assert text.count("Kurs 4") == 1, fmt
        assert "Angebote außerhalb des Gebiets" in text.rsplit("Akteure und Angebote: Listen")[0]
    body, annex = _texts(concept)["md"].split("## Anhang", 1)
    assert "**Angebote außerhalb des Gebiets:** 7 (Liste im Anhang)" in body
    assert "| Kurs 4 | Rheine (Kreis Steinfurt) | keine Kommune des Konzepts |" in annex
    six = _wettringen_with_neighbour_offers(tmp_path / "six", extra=4)  # exactly 6: no annex
    body, annex = _texts(six)["md"].split("## Anhang", 1)
    assert "| Kurs 3 |" in body
    assert "Kurs 3" not in annex


def test_colophon_names_the_gebietsstand_the_concept_records(tmp_path: Any) -> None:
    concept = _wettringen_with_neighbour_offers(tmp_path)
    newer = concept.evolve(gebietsstand=date(2024, 12, 31))
    for fmt, text in _texts(newer).items():
        assert "Gemeindeverzeichnis, Gebietsstand 31.12.2024: © Statistisches Bundesamt" in text, (
            fmt
        )
    # Without one recorded: the shipped catalogue's.
    unrecorded = _texts(concept.evolve(gebietsstand=None))["md"]
    assert "Gebietsstand 31.12.2020: ©" in unrecorded
    # The English report says it in English; the attribution stays as Destatis words it.
    english = ki.build_report(newer, "2026", format="md", lang="en")
    assert (
        "Gemeindeverzeichnis (municipality directory), territorial status 31 December 2024: "
        "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys "
        "(dl-de/by-2-0)"
    ) in english
    assert "Gebietsstand" not in english


def test_docx_widths_keep_figure_columns_when_words_overfill_the_line() -> None:
    """When the longest words of all columns exceed the line even at the smallest size,
    the columns of numbers keep their width ("VZÄ", "Teilnehmende" do not break) and the
    text columns give way."""
    from kommunale_integration._reports._docx import (
        _BOLD,
        _PAD_CM,
        _TEXT_WIDTH_CM,
        CELL_PT,
        COMPACT_PT,
        _text_cm,
        _widths,
    )
    from kommunale_integration._reports._outline import Column, Table

    table = Table(
        caption="Personalstellen",
        columns=(
            Column(header="Funktion"),
            Column(header="Akteur"),
            Column(header="Finanzierung"),
            Column(header="Teilnehmende", numeric=True),
            Column(header="VZÄ", numeric=True),
        ),
        rows=(
            (
                "Sozialarbeit/Sozialwissenschaft/Integrationsmanagement",
                "Integrationszentrumsverwaltung",
                "Integrationszentrenförderprogramm",
                "95",
                "2,0",
            ),
        ),
    )
    widths, size = _widths(table)
    assert size == min(COMPACT_PT)
    scale = size / CELL_PT
    assert abs(sum(widths) - _TEXT_WIDTH_CM) < 1e-9
    assert widths[3] >= _text_cm("Teilnehmende") * _BOLD * scale + _PAD_CM - 1e-9
    assert widths[4] >= _text_cm("VZÄ") * _BOLD * scale + _PAD_CM - 1e-9
    assert _text_cm("VZÄ") > _text_cm("vza")  # capitals are wider than the average


@pytest.mark.parametrize(
    "font", ["DejaVuSerif-Bold", "DejaVuSans-Bold", "DejaVuSerif", "DejaVuSans"]
)
def test_the_width_model_holds_every_municipality_name_in_libreoffices_fonts(font: str) -> None:
    """A column as wide as the model's width of its longest word holds that word where
    LibreOffice sets the report with substitute fonts (DejaVu Serif for Word's Cambria,
    DejaVu Sans for Calibri, where Caladea and Carlito are missing): every word of the
    name of every German municipality (the bundled Gemeindeverzeichnis), bold as in a
    first column or plain, at 9 pt, inside Word's cell margins. The model had "m", "M",
    "W" as wide as any capital and "r", "t" as narrow as "i": "Murrhardt" needed 0.08 cm
    more than its column would have had."""
    import matplotlib
    from PIL import ImageFont

    from kommunale_integration._reports._docx import _BOLD, _PAD_CM, _word_cm
    from kommunale_integration._territories import territory_catalogue

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"{font}.ttf"
    face = ImageFont.truetype(str(path), 900)  # 9 pt in hundredths
    margins = 2 * 108 / 1440 * 2.54  # Table Grid: 108 twips left and right
    bold = _BOLD if "Bold" in font else 1.0
    words = {
        word
        for place in territory_catalogue().municipalities()
        for word in re.split(r"(?<=-)|\s+", place.short_name)  # a line may break after "-"
        if word
    }
    assert len(words) > 10_000
    short = sorted(
        word
        for word in words
        if _word_cm(word) * bold + _PAD_CM < face.getlength(word) / 100 / 72 * 2.54 + margins
    )
    assert not short, short[:10]


def _tables(outline: Any) -> list[Table]:
    return [b for s in _walk(outline.sections) for b in s.blocks if isinstance(b, Table)]


@pytest.mark.parametrize("example", ["kreis_coesfeld", "stadt_coesfeld"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_docx_every_longest_word_fits_its_column(example: str, lang: str) -> None:
    """Every column of every table of the examples is at least as wide as its longest
    word (or figure) by the width model, at the size the table's text is set in: annex
    A2 of the Kreis report gave "Lüdinghausen" 2.7 cm of the 3.1 cm it needs, and
    LibreOffice printed "Lüdinghause" over "n". There the table is set smaller instead."""
    from kommunale_integration._reports._docx import (
        _PAD_CM,
        _TEXT_WIDTH_CM,
        CELL_PT,
        _column_texts,
        _unbroken,
        _widths,
    )

    folder = ki.example_path(example)
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    ctx = ki.report_context(ki.load_concept(folder), "2025", cases=cases, today=TODAY_KREIS)
    sizes = []
    for table in _tables(build_outline(ctx, Formatter(lang))):
        widths, size = _widths(table)
        sizes.append(size)
        assert abs(sum(widths) - _TEXT_WIDTH_CM) < 1e-9, table.caption
        unbroken = _unbroken(table, _column_texts(table))
        for column, width, word in zip(table.columns, widths, unbroken, strict=True):
            assert width >= word * size / CELL_PT + _PAD_CM - 1e-9, (table.caption, column)
    if example == "kreis_coesfeld":  # the first table of A2 needs the smaller size
        assert min(sizes) == 8.5
        assert CELL_PT in sizes


def test_docx_sets_a_table_smaller_where_its_words_do_not_fit() -> None:
    """The table of A2 with "Lüdinghausen" in the DOCX: its cells in the styles of its
    size, its first column as wide as the name in bold at that size; a Word user changes
    "Table Text 8.5 pt" in one place."""
    import docx

    from kommunale_integration._reports._docx import _BOLD, _PAD_CM, CELL_PT, _text_cm

    folder = ki.example_path("kreis_coesfeld")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    data = ki.build_report(
        ki.load_concept(folder), "2025", format="docx", cases=cases, today=TODAY_KREIS
    )
    doc = docx.Document(io.BytesIO(data))
    [table, _] = [
        t for t in doc.tables if t.rows[0].cells[0].text == "Kommune" and len(t.columns) == 5
    ]
    styles = {c.paragraphs[0].style.name for row in table.rows for c in row.cells}
    assert styles == {"Table Text 8.5 pt", "Table Heading 8.5 pt"}
    assert doc.styles["Table Text 8.5 pt"].font.size.pt == 8.5
    assert doc.styles["Table Heading 8.5 pt"].base_style.name == "Table Heading"  # bold
    [row] = [r for r in table.rows if r.cells[0].text == "Lüdinghausen"]
    need = _text_cm("Lüdinghausen") * _BOLD * 8.5 / CELL_PT + _PAD_CM
    assert row.cells[0].width.cm >= need - 0.01


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("de", 0, "0 Akteure"),
        ("de", 1, "1 Akteur"),
        ("de", 2, "2 Akteure"),
        ("de", 1234, "1.234 Akteure"),
        ("en", 1, "1 actor"),
        ("en", 2, "2 actors"),
        ("en", 1234, "1,234 actors"),
    ],
)
def test_texts_with_a_number_take_the_catalogues_plural_form(
    lang: str, count: int, expected: str
) -> None:
    from kommunale_integration._reports._format import Formatter

    assert Formatter(lang).tn("n_actors", count) == expected


def test_a_text_with_a_number_that_does_not_exist_is_an_error() -> None:
    from kommunale_integration._reports._format import Formatter

    with pytest.raises(KeyError, match="n_rivers"):
        Formatter("de").tn("n_rivers", 2)


def test_the_trend_starts_with_the_concepts_own_first_case(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An export with a neighbour's older cases drew the Stadt's trend from years in
    which the Stadt had no case yet (zeros that only meant "no data yet"): the trend
    starts with the first case the report counts, and the cases left out are said once."""
    concept = ki.load_concept(ki.example_path("stadt_coesfeld"))
    own = [
        {"case_id": f"c{i}", "municipality": "05558012", "opened": f"2024-0{i}-01", "sex": "f"}
        for i in range(1, 7)
    ]
    neighbour = [{"case_id": "n1", "municipality": "05558016", "opened": "2022-02-01"}]
    events = [
        {"case_id": f"c{i}", "event": "employment_started", "date": "2025-05-01"}
        for i in range(1, 5)
    ]
    data = ki.CaseData.from_records([*own, *neighbour], events)
    with caplog.at_level("WARNING", logger="kommunale_integration"):
        md = ki.build_report(concept, "2025", cases=data, format="md", today=TODAY_KREIS)
    [line] = [x for x in md.splitlines() if "Liniendiagramm" in x and "Vermittlungsquote" in x]
    assert "Werte 2024: " in line
    assert "2023:" not in line
    assert "2022:" not in line
    warnings = [r.getMessage() for r in caplog.records if "nicht gezählt" in r.getMessage()]
    assert len(warnings) == 1
    assert "Dülmen (05558016)" in warnings[0]


def test_a_previous_period_before_the_export_says_why_it_has_no_values() -> None:
    """Cottbus's first report showed "–" in every row of "Vorperiode" and "Veränderung"
    and no word why: its export begins in February 2025. The table now says so, in
    every format (one outline); a table with values of the previous period does not."""
    concept = ki.load_concept(ki.example_path("stadt_coesfeld"))
    data = ki.CaseData.from_records(
        [
            {"case_id": f"c{i}", "municipality": "05558012", "opened": f"2025-0{i}-01"}
            for i in range(3, 9)
        ]
    )
    note = "Vorperiode (2024): keine Werte (–); der hier gezählte Fallexport beginnt am 01.03.2025."
    md = ki.build_report(concept, "2025", cases=data, format="md", today=TODAY_KREIS)
    assert f"_{note}_" in md
    html = ki.build_report(concept, "2025", cases=data, today=TODAY_KREIS)
    assert f'<p class="note">{note}</p>' in html
    assert note in _docx_text(
        ki.build_report(concept, "2025", cases=data, format="docx", today=TODAY_KREIS)
    )
    english = ki.build_report(
        concept, "2025", cases=data, format="md", lang="en", today=TODAY_KREIS
    )
    assert "Previous period (2024): no values (–); the case export counted here begins on " in (
        english
    )
    folder = ki.example_path("stadt_coesfeld")
    whole = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    assert "Fallexport beginnt" not in ki.build_report(
        concept, "2025", cases=whole, format="md", today=TODAY_KREIS
    )


def test_a_field_without_an_offer_anywhere_is_said_once_not_in_every_row(
    kreis: ki.Concept, kreis_cases: Any
) -> None:
    """A Landkreis of 104 Gemeinden (Trier-Saarburg, fresh from init) got an annex of
    104 rows each listing the same eight Handlungsfelder. A field in which no
    municipality of the concept has an offer is named once; each row keeps the
    municipality's other gaps, and a municipality with no other gap has no row."""
    no_health = kreis.evolve(offers=tuple(o for o in kreis.offers if "gesundheit" not in o.fields))
    texts = {
        fmt: ki.build_report(no_health, "2025", format=fmt, cases=kreis_cases, today=TODAY_KREIS)  # type: ignore[call-overload]
        for fmt in ("html", "md", "docx")
    }
    texts["docx"] = _docx_text(texts["docx"])
    for fmt, text in texts.items():
        assert "In keiner Kommune ein Angebot" in text, fmt
        assert "Keine Kommune des Konzepts hat ein aktuelles Angebot in: Gesundheit." in text, fmt
    body, annex = texts["md"].split("## Anhang", 1)
    assert "**In keiner Kommune ein Angebot:** Gesundheit" in body
    assert "**Versorgungslücken nach Kommunen:** 8 Kommunen mit Lücken" in body
    assert (
        "Keine Kommune des Konzepts hat ein aktuelles Angebot in: Gesundheit. Die Liste "
        "nennt die übrigen Lücken jeder Kommune." in annex
    )
    gaps = annex.split("Versorgungslücken nach Kommunen", 1)[1].split("###", 1)[0]
    assert "| Ascheberg | Gesellschaftliche Teilhabe |" in gaps
    assert "| Coesfeld |" not in gaps  # its only gap is the one of every municipality
    assert gaps.count("Gesundheit") == 0
    # Without a gap elsewhere: the sentence alone, no table.
    no_teilhabe = no_health.evolve(
        offers=tuple(o for o in no_health.offers if "teilhabe" not in o.fields)
    )
    md = ki.build_report(no_teilhabe, "2025", format="md", cases=kreis_cases, today=TODAY_KREIS)
    body, annex = md.split("## Anhang", 1)
    assert "**In keiner Kommune ein Angebot:** Gesundheit, Gesellschaftliche Teilhabe" in body
    assert "Versorgungslücken nach Kommunen" not in md
    assert "Keine Kommune des Konzepts" not in md  # said once, in the section
    # Without actors and offers there is no section: the annex says it.
    empty = no_teilhabe.evolve(offers=(), actors=(), networks=(), measures=(), funding=())
    md = ki.build_report(empty, "2025", format="md", today=TODAY_KREIS)
    assert "Keine Kommune des Konzepts hat ein aktuelles Angebot in: Frühkindliche" in md
    # The example itself, with a gap in some municipalities only, is unchanged.
    md = ki.build_report(kreis, "2025", format="md", cases=kreis_cases, today=TODAY_KREIS)
    assert "In keiner Kommune" not in md
    assert "| Ascheberg | Gesellschaftliche Teilhabe |" in md


def test_a_chart_says_which_periods_it_has_no_point_for(tmp_path: Any) -> None:
    """A small town's printed report drew "Neu aufgenommene Fälle" from 2023 on, with
    2022 on the axis and no point above it: the value was suppressed, its "*" stood
    only in the text alternative, and the table above (2025: 3) had no note. The
    caption under the chart names the periods without a point and why, in every
    format; a chart that draws every value has no such line."""
    folder = ki.example_path("stadt_coesfeld")
    lines = (folder / "cases.csv").read_text(encoding="utf-8").splitlines()[:15]
    ids = {line.split(",")[0] for line in lines[1:]}
    events = (folder / "events.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "c.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    kept = [events[0], *(e for e in events[1:] if e.split(",")[0] in ids)]
    (tmp_path / "e.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    cases = ki.read_cases(tmp_path / "c.csv", tmp_path / "e.csv")
    concept = ki.load_concept(folder)
    said = "Ohne Punkt: 2022 (* nicht veröffentlicht, statistische Geheimhaltung)."
    for fmt in ("html", "md", "docx"):
        data = ki.build_report(concept, "2025", format=fmt, cases=cases, today=TODAY_KREIS)  # type: ignore[call-overload]
        text = _docx_text(data) if fmt == "docx" else data.replace("\\*", "*")
        assert said in text, fmt
        assert "Ohne Punkt: 2024, 2025 (* nicht veröffentlicht" in text, fmt
    html = ki.build_report(concept, "2025", format="html", cases=cases, today=TODAY_KREIS)
    # "Beratene Personen" (entered by hand, every year published) is drawn whole
    caption = html.split("Entwicklung von „Beratene Personen“", 2)[2].split("</figcaption>")[0]
    assert "Ohne Punkt" not in caption
    english = ki.build_report(
        concept, "2025", format="md", lang="en", cases=cases, today=TODAY_KREIS
    )
    assert "No point for 2022 (\\* not published, statistical confidentiality)." in english


def test_a_docx_chart_keeps_with_its_table_and_its_caption(
    kreis_reports: dict[str, Any],
) -> None:
    """The Kreis DOCX printed the Kennzahlen of "(Aus-)Bildung und Schule" at the foot
    of page 2 and their chart overleaf: everything between a table's last row and the
    grid of its charts (the notes, the small paragraph parting the two tables) keeps
    with the next; a chart's picture and its caption are in a row that never splits.
    The picture itself does not keep with the next: that kept every row of charts with
    the next and the last with the next section's heading, goals and first table, and
    LibreOffice left page 3 of the Kreis report half empty (test_report_print.py)."""
    import docx
    from docx.oxml.ns import qn

    body = docx.Document(io.BytesIO(kreis_reports["docx"])).element.body
    children = list(body)
    grids = [c for c in children if c.tag == qn("w:tbl") and c.findall(".//" + qn("w:drawing"))]
    assert len(grids) >= 4

    def kept(paragraph: Any) -> bool:
        keep = paragraph.find(f"{qn('w:pPr')}/{qn('w:keepNext')}")
        return keep is not None and keep.get(qn("w:val")) in (None, "1", "true")

    for grid in grids:
        before = children[: children.index(grid)]
        table = max(i for i, c in enumerate(before) if c.tag == qn("w:tbl"))
        between = before[table + 1 :]
        assert between, "a paragraph parts the charts from the table"
        assert all(kept(p) for p in between)
        last_row = before[table].findall(qn("w:tr"))[-1]
        assert all(kept(p) for p in last_row.iter(qn("w:p")))
        for row in grid.findall(qn("w:tr")):
            assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
            for cell in row.findall(qn("w:tc")):  # (an odd chart leaves a cell empty)
                picture, *captions = cell.findall(qn("w:p"))
                assert not kept(picture)
                assert bool(captions) == bool(picture.findall(".//" + qn("w:drawing")))


def _legend(md: str) -> list[str]:
    """The marks in the Zeichenerklärung of a Markdown report (``[]`` without one)."""
    if "| Zeichen | Bedeutung |" not in md:
        return []
    table = md.split("| Zeichen | Bedeutung |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    return [row.split(" | ", 1)[0].removeprefix("| ") for row in table.splitlines()]


def test_the_legend_lists_only_the_marks_the_report_prints(kreis_reports: dict[str, Any]) -> None:
    """The Zeichenerklärung listed "r" (gerundet) and "p" (vorläufig) in every report,
    also where no table showed either: the Kreis report prints "–", "◐", "○" and "Pp."
    (its note under "Auf einen Blick" names the whole scale of the forecast, "●" too,
    but no Kennzahl is on track) and no "*" in 2025."""
    assert _legend(kreis_reports["md"]) == ["–", "◐", "○", "Pp."]
    # The sample concept: Billerbeck's 17 p, Ascheberg's *, one forecast on track.
    sample = ki.build_report(sample_concept(), "2025", format="md", today=TODAY)
    assert _legend(sample) == [r"\*", "p", "–", "●", "Pp."]
    # A rounded value gets its "r"; the same value provisional its "p" only.
    for status, marks in (("rounded", ["r", "–"]), ("provisional", ["p", "–"])):
        concept = sample_concept(
            observations=[
                o if o.territory != "05558008" else attrs.evolve(o, status=status)
                for o in sample_concept().observations
                if o.status is not ki.ObservationStatus.SUPPRESSED
            ],
            targets=[],
        )
        md = ki.build_report(concept, "2025", format="md", today=TODAY)
        assert _legend(md)[:2] == marks, status
        assert "●" not in _legend(md)
    # Marks only in a note (the scale of the forecast) or none at all: no legend.
    bare = ki.build_report(
        sample_concept(observations=[], targets=[], indicators=[]), "2025", format="md", today=TODAY
    )
    assert "Zeichenerklärung" not in bare
