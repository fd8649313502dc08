"""The Jahresbericht: content, formatting, safety and outputs (HTML, Markdown, DOCX)."""

from __future__ import annotations

import io
import itertools
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import html5lib  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import testing
from kommunale_integration._engine import attainment
from kommunale_integration._reports._format import Formatter
from test_report_data import ASCHEBERG, BILLERBECK, KREIS, TODAY, sample_concept

GOLDEN = Path(__file__).parent / "golden"


def parse_html(text: str) -> object:
    """Parse *text* as HTML5 with html5lib's strict parser (raises on any parse error)."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def assert_self_contained(text: str) -> None:
    """No script from elsewhere, no stylesheet link, no external url(), no web font."""
    assert not re.search(r"<script[^>]*\ssrc=", text)
    assert not re.search(r"<link\b", text)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text)
    assert "@font-face" not in text
    assert not re.search(r"\ssrc=\"https?:", text)
    assert "Content-Security-Policy" in text


# --------------------------------------------------------------------------- formatting


class TestFormatter:
    def test_german_numbers_money_dates_periods(self) -> None:
        fmt = Formatter("de")
        assert fmt.number(Decimal("1234.5"), 1) == "1.234,5"
        assert fmt.number(Decimal("1234.5")) == "1.234,5"
        assert fmt.number(Decimal(1234)) == "1.234"
        assert fmt.money(Decimal(170000)) == "170.000,00\u00a0€"
        assert fmt.date(date(2016, 12, 31)) == "31.12.2016"
        assert fmt.period(ki.ReportPeriod.parse("2026-Q1")) == "1. Quartal 2026"

    def test_english(self) -> None:
        fmt = Formatter("en")
        assert fmt.number(Decimal("1234.5"), 1) == "1,234.5"
        assert fmt.date(date(2016, 12, 31)) == "31\u00a0December\u00a02016"
        assert fmt.period(ki.ReportPeriod.parse("2026-Q1")) == "Q1 2026"
        assert fmt.t("report") == "Annual report"

    def test_rounds_half_up(self) -> None:
        fmt = Formatter("de")
        assert fmt.number(Decimal("12.25"), 1) == "12,3"
        assert fmt.number(Decimal("-3.25"), 1) == "-3,3"
        assert fmt.signed(Decimal("-3.25"), 1) == "−3,3"
        assert fmt.signed(Decimal("0.01"), 1) == "±0,0"
        assert fmt.signed(Decimal(2), 0) == "+2"

    def test_cells_show_status_symbols(self) -> None:
        fmt = Formatter("de")
        assert fmt.cell(Decimal(2), "suppressed", 0) == "*"
        assert fmt.cell(None, "missing", 0) == "–"
        assert fmt.cell(Decimal(17), "provisional", 0) == "17\u00a0p"
        assert fmt.cell(Decimal(15), "rounded", 0) == "15\u00a0r"
        assert ("*", fmt.symbol_legend()[0][1]) == fmt.symbol_legend()[0]

    def test_unknown_text_key_fails_loudly(self) -> None:
        with pytest.raises(KeyError, match="no report text"):
            Formatter("de").t("no-such-key")

    def test_unknown_language(self) -> None:
        with pytest.raises(ki.InvalidValueError):
            Formatter("fr")

    @given(
        value=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, allow_nan=False)),
        status=st.sampled_from(list(ki.ObservationStatus)),
        decimals=st.integers(min_value=0, max_value=2),
        lang=st.sampled_from(["de", "en"]),
    )
    def test_suppressed_cells_never_show_a_value(
        self, value: Decimal | None, status: ki.ObservationStatus, decimals: int, lang: str
    ) -> None:
        text = Formatter(lang).cell(value, status, decimals)
        if status is ki.ObservationStatus.SUPPRESSED:
            assert text == "*"
        elif value is None or status is ki.ObservationStatus.MISSING:
            assert text == "–"
        else:
            assert any(ch.isdigit() for ch in text)

    @given(st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False))
    def test_german_number_parses_back(self, value: Decimal) -> None:
        from babel.numbers import parse_decimal

        text = Formatter("de").number(value, 2)
        assert parse_decimal(text, locale="de_DE") == value.quantize(
            Decimal("0.01"), "ROUND_HALF_UP"
        )


# --------------------------------------------------------------------------- content


class TestContext:
    def test_figures_change_target_attainment(self) -> None:
        ctx = ki.report_context(sample_concept(), "2025", today=TODAY)
        sprache, arbeit = ctx.fields
        (kurs,) = sprache.figures
        assert kurs.current is not None
        assert kurs.current.value == Decimal(1234)
        assert kurs.change_abs == Decimal(134)
        assert kurs.target == Decimal(1200)
        assert kurs.attainment == Decimal("102.8")  # 1234 / 1200, no baseline
        assert [str(p.period) for p in kurs.series] == ["2023", "2024", "2025"]
        towns = {ags: point.status for ags, _, point in kurs.by_municipality}
        assert towns[ASCHEBERG] == "suppressed"
        assert towns[BILLERBECK] == "provisional"
        (quote,) = arbeit.figures
        # With a baseline of 10 and a target of 20 (for 2026), 14.5 is 45 % of the way.
        assert quote.attainment == Decimal("45.0")
        assert quote.baseline == Decimal(10)
        assert str(quote.target_period) == "2026"

    def test_attainment_rules(self) -> None:
        up, down = ki.Direction.UP, ki.Direction.DOWN
        assert attainment(Decimal(50), Decimal(100), direction=up) == Decimal(50)
        assert attainment(Decimal(50), Decimal(25), direction=down) == Decimal(50)
        assert attainment(None, Decimal(25), direction=down) is None
        assert attainment(Decimal(0), Decimal(25), direction=down) is None

    def test_table_rows_replace_observations(self) -> None:
        class Row:
            def __init__(self, value: str, status: str = "ok", dims: object = ()) -> None:
                self.indicator, self.period, self.territory = "kursstarts", "2025", KREIS
                self.value, self.status, self.dims = Decimal(value), status, dims

        table = [Row("2000"), Row("7", dims={"sex": "f"})]
        ctx = ki.report_context(sample_concept(), "2025", today=TODAY, table=table)
        (kurs,) = ctx.fields[0].figures
        assert kurs.current is not None
        assert kurs.current.value == Decimal(2000)

    def test_suppressed_value_is_never_used(self) -> None:
        concept = sample_concept()
        hidden = ki.Observation(
            indicator="kursstarts",
            period=ki.ReportPeriod.parse("2025"),
            territory=KREIS,
            value=Decimal(2),
            status=ki.ObservationStatus.SUPPRESSED,
        )
        others = tuple(
            o
            for o in concept.observations
            if not (o.territory == KREIS and str(o.period) == "2025")
        )
        ctx = ki.report_context(concept.evolve(observations=(*others, hidden)), "2025", today=TODAY)
        (kurs,) = ctx.fields[0].figures
        assert kurs.change_abs is None
        assert kurs.attainment is None
        text = ki.build_report(
            concept.evolve(observations=(*others, hidden)), "2025", format="md", today=TODAY
        )
        row = next(line for line in text.splitlines() if line.startswith("| Sprachkursbeginne"))
        assert "| \\* |" in row

    def test_new_and_changed_without_predecessor(self) -> None:
        actors = ki.report_context(sample_concept(), "2025", today=TODAY).actors
        assert [e.id for e in actors.new] == ["sprachcafe-ascheberg"]
        # Without a predecessor being verified is no change; verified entries are counted.
        assert actors.changed == ()
        assert actors.verified == 3
        assert actors.compared_with is None
        assert {e.id for e in actors.stale} == {"drk", "evil"}

    def test_changed_by_recorded_change_date(self) -> None:
        concept = sample_concept()
        offers = (
            attrs.evolve(concept.offers[1], last_changed=date(2025, 6, 1)),  # in 2025
            attrs.evolve(concept.offers[2], last_changed=date(2026, 1, 2)),  # after it
            # new in 2025 and changed in 2025: listed as new only
            attrs.evolve(concept.offers[0], last_changed=date(2025, 3, 1)),
        )
        actors = ki.report_context(concept.evolve(offers=offers), "2025", today=TODAY).actors
        assert [e.id for e in actors.changed] == ["integrationskurs"]
        assert [e.id for e in actors.new] == ["sprachcafe-ascheberg"]

    def test_stale_is_judged_at_the_end_of_the_period(self) -> None:
        # The DRK was last verified on 30.06.2023: stale at the end of 2024 and of 2025,
        # not at the end of the first half of 2024, whatever day the report is built.
        for when, stale in (("2024-H1", False), ("2024", True), ("2025", True)):
            ctx = ki.report_context(sample_concept(), when, today=date(2030, 1, 1))
            assert ("drk" in {e.id for e in ctx.actors.stale}) is stale, when

    def test_new_changed_removed_with_predecessor(self) -> None:
        new = sample_concept()
        old = new.evolve(
            version="1",
            actors=new.actors[:2],
            offers=(
                attrs.evolve(new.offers[0], name="Sprachcafé"),
                ki.Offer(id="weg", name="Entfallenes Angebot", actor="vhs"),
            ),
        )
        actors = ki.report_context(new, "2025", today=TODAY, previous=old).actors
        assert actors.compared_with == "1"
        assert {e.id for e in actors.new} == {"evil", "integrationskurs", "sprachtreff-coesfeld"}
        assert [e.id for e in actors.changed] == ["sprachcafe-ascheberg"]
        assert [e.id for e in actors.removed] == ["weg"]

    def test_networks_only_meetings_in_period(self) -> None:
        ctx = ki.report_context(sample_concept(), "2025", today=TODAY)
        (network,) = ctx.networks
        assert [m.date for m in network.meetings] == [date(2025, 3, 12)]
        assert network.participants == 23

    def test_vorlage_defaults_and_override(self) -> None:
        ctx = ki.report_context(sample_concept(), "2025", today=TODAY)
        assert ctx.vorlage.subject == (
            "Jahresbericht 2025 zum Integrationskonzept des Kreises Coesfeld"
        )
        assert ctx.vorlage.body == "Ausschuss für Integration"
        assert ctx.vorlage.resolution == "Der Bericht wird zur Kenntnis genommen."
        custom = ki.Vorlage(document_number="SV-10-0123", subject="Bericht KIM")
        ctx = ki.report_context(sample_concept(), "2025", today=TODAY, vorlage=custom)
        assert ctx.vorlage.document_number == "SV-10-0123"
        assert ctx.vorlage.subject == "Bericht KIM"


# --------------------------------------------------------------------------- HTML


@pytest.fixture(scope="module")
def html() -> str:
    return str(ki.build_report(sample_concept(), "2025", today=TODAY))


class TestHtml:
    def test_parses_as_html5_and_is_self_contained(self, html: str) -> None:
        parse_html(html)
        assert_self_contained(html)
        assert '<html lang="de">' in html
        assert "<script" not in html

    def test_user_text_is_escaped(self, html: str) -> None:
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Initiative" in html

    def test_headings_in_order_and_one_h1(self, html: str) -> None:
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
        assert levels.count(1) == 1
        assert levels[0] == 1
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1

    def test_tables_have_captions_and_scoped_headers(self, html: str) -> None:
        tables = re.findall(r"<table>(.*?)</table>", html, re.S)
        assert len(tables) > 10
        for table in tables:
            assert table.lstrip().startswith("<caption>")
            assert "<th>" not in table
            assert "<th " in table

    def test_charts_are_accessible_svg_without_script(self, html: str) -> None:
        svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
        assert len(svgs) == 2
        for svg in svgs:
            assert 'role="img"' in svg
            assert "<title id=" in svg
            assert "<desc id=" in svg
            assert "http" not in svg
        assert "2023: 980; 2024: 1.100; 2025: 1.234" in html

    def test_german_formatting_and_suppression_legend(self, html: str) -> None:
        assert "1.234" in html
        assert "+134\u00a0(+12,2\u00a0%)" in html
        assert "Zeichenerklärung" in html
        assert ">*</td>" in html  # the suppressed Ascheberg cell

    def test_print_stylesheet_with_running_header(self, html: str) -> None:
        assert "@media print" in html
        assert "@top-left" in html
        # No forced break before every heading: only after "Auf einen Blick".
        assert "break-before: page" not in html
        assert html.count('class="break-after"') == 1
        assert "thead { display: table-header-group; break-after: avoid; }" in html

    def test_links_only_for_safe_schemes(self) -> None:
        from kommunale_integration._reports._templates import safe_link

        assert str(safe_link("https://a.example/", "A")) == '<a href="https://a.example/">A</a>'
        assert str(safe_link("javascript:alert(1)", "B")) == "B"
        assert str(safe_link("mailto:x@y.de", "<i>")) == '<a href="mailto:x@y.de">&lt;i&gt;</a>'

    def test_internal_banner_without_disclosure_control(self) -> None:
        html = str(ki.build_report(sample_concept(), "2025", today=TODAY, disclosure=None))
        assert "INTERN – nicht zur Veröffentlichung" in html
        md = str(
            ki.build_report(sample_concept(), "2025", format="md", disclosure=None, today=TODAY)
        )
        assert md.startswith("> **INTERN – nicht zur Veröffentlichung**")
        normal = str(ki.build_report(sample_concept(), "2025", format="md", today=TODAY))
        assert "INTERN" not in normal

    def test_english(self) -> None:
        html = str(ki.build_report(sample_concept(), "2025", lang="en", today=TODAY))
        parse_html(html)
        assert '<html lang="en">' in html
        assert "Annual report 2025 on the" in html
        assert "1,234" in html


# --------------------------------------------------------------------------- templates, output


class TestTemplatesAndOutput:
    def test_town_overrides_a_template(self, tmp_path: Path) -> None:
        (tmp_path / "report.md.j2").write_text("Eigener Bericht: {{ ctx.vorlage.subject }}\n")
        text = ki.build_report(
            sample_concept(), "2025", format="md", templates=tmp_path, today=TODAY
        )
        assert (
            text
            == "Eigener Bericht: Jahresbericht 2025 zum Integrationskonzept des Kreises Coesfeld\n"
        )

    def test_missing_value_fails_loudly(self, tmp_path: Path) -> None:
        (tmp_path / "report.md.j2").write_text("{{ ctx.vorlage.no_such_field }}\n")
        with pytest.raises(ki.TemplateError, match="no_such_field"):
            ki.build_report(sample_concept(), "2025", format="md", templates=tmp_path, today=TODAY)

    def test_missing_template_folder(self, tmp_path: Path) -> None:
        with pytest.raises(ki.TemplateError, match="gibt es nicht"):
            ki.build_report(sample_concept(), "2025", templates=tmp_path / "nope", today=TODAY)

    def test_output_written_atomically_and_kept_on_failure(self, tmp_path: Path) -> None:
        out = tmp_path / "bericht.html"
        html = ki.build_report(sample_concept(), "2025", output=out, today=TODAY)
        assert out.read_text(encoding="utf-8") == html
        broken = tmp_path / "tpl"
        broken.mkdir()
        (broken / "report.html.j2").write_text("{{ undefined_name }}")
        with pytest.raises(ki.TemplateError):
            ki.build_report(sample_concept(), "2025", output=out, templates=broken, today=TODAY)
        assert out.read_text(encoding="utf-8") == html
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bericht.html", "tpl"]

    def test_unknown_format(self) -> None:
        with pytest.raises(ki.InvalidValueError, match="format"):
            ki.build_report(sample_concept(), "2025", format="pdf", today=TODAY)  # type: ignore[call-overload]

    def test_inputs_are_not_modified(self) -> None:
        concept = sample_concept()
        before = ki.unstructure(concept)
        ki.build_report(concept, "2025", format="md", today=TODAY)
        assert ki.unstructure(concept) == before


# --------------------------------------------------------------------------- golden files


def _docx_skeleton(data: bytes) -> str:
    """The text of a DOCX in document order: headings, paragraphs, table rows, pictures."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(data))
    picture_tag = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    lines: list[str] = []
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p"):
            style = element.find(qn("w:pPr"))
            name = ""
            if style is not None and style.find(qn("w:pStyle")) is not None:
                name = style.find(qn("w:pStyle")).get(qn("w:val"))
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            for picture in element.iter(picture_tag):
                lines.append(f"[picture: {picture.get('descr')}]")
            if text:
                lines.append(f"{name}: {text}" if name else text)
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                cells = [
                    "".join(t.text or "" for t in c.iter(qn("w:t")))
                    + "".join(f" [picture: {p.get('descr')}]" for p in c.iter(picture_tag))
                    for c in row.iter(qn("w:tc"))
                ]
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("name", "fmt", "lang"),
    [
        ("report_de.md", "md", "de"),
        ("report_en.md", "md", "en"),
        ("report_de.html", "html", "de"),
        ("report_de.docx.txt", "docx", "de"),
    ],
)
def test_golden(name: str, fmt: str, lang: str) -> None:
    data = ki.build_report(sample_concept(), "2025", format=fmt, lang=lang, today=TODAY)  # type: ignore[call-overload]
    text = _docx_skeleton(data) if isinstance(data, bytes) else data
    text = text.replace(ki.__version__, "VERSION")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_markdown_tables_are_well_formed() -> None:
    text = str(ki.build_report(sample_concept(), "2025", format="md", today=TODAY))
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.fullmatch(r"\|(?:-{3}|-{2}:)(?:\|(?:-{3}|-{2}:))*\|", line):
            columns = line.count("|")
            header = lines[number - 1]
            assert header.startswith("| ")
            assert header.count("|") - header.count("\\|") == columns
            for row in lines[number + 1 :]:
                if not row.startswith("|"):
                    break
                assert row.count("|") - row.count("\\|") == columns, row


# --------------------------------------------------------------------------- DOCX


def test_docx_has_headings_tables_and_charts() -> None:
    import docx

    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY)
    assert isinstance(data, bytes)
    doc = docx.Document(io.BytesIO(data))
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert headings[:4] == [
        "1 Auf einen Blick",
        "2 Sachverhalt",
        "3 Handlungsfelder",
        "3.1 Sprache",
    ]
    assert "A6 Zeichenerklärung" in headings
    assert "6 Akteure und Angebote" in headings
    first_rows = [[c.text for c in table.rows[0].cells] for table in doc.tables]
    assert ["Kennzahl", "Wert", "Vorperiode", "Veränderung", "Zielwert", "Zielerreichung"] in (
        first_rows
    )
    cells = {c.text for table in doc.tables for row in table.rows for c in row.cells}
    assert "1.234" in cells
    assert "*" in cells
    assert "17\u00a0p" in cells
    assert len(doc.inline_shapes) == 2


@pytest.mark.parametrize(
    ("lang", "period", "caption"),
    [
        ("de", "2025", "Kennzahlen: Sprache (Kreis Coesfeld, 2025; Vorperiode 2024)"),
        ("en", "2025", "Indicators: Sprache (Kreis Coesfeld, 2025; previous period 2024)"),
        # without a value of 2022 the column shows "–" and the caption names no period
        ("de", "2023", "Kennzahlen: Sprache (Kreis Coesfeld, 2023)**"),
    ],
)
def test_a_table_of_kennzahlen_says_which_period_is_the_previous(
    lang: str, period: str, caption: str
) -> None:
    """The column "Vorperiode" said "0" without saying of which period (a council member
    reading the Bremerhaven report for 2026): the caption names it beside the period of
    the values."""
    text = ki.build_report(sample_concept(), period, format="md", today=TODAY, lang=lang)
    assert isinstance(text, str)
    assert caption in text


def test_docx_internal_banner() -> None:
    import docx

    data = ki.build_report(sample_concept(), "2025", format="docx", today=TODAY, disclosure=None)
    assert isinstance(data, bytes)
    doc = docx.Document(io.BytesIO(data))
    assert doc.paragraphs[0].text.startswith("INTERN – nicht zur Veröffentlichung")


# --------------------------------------------------------------------------- properties


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(concept=testing.concepts(), lang=st.sampled_from(["de", "en"]))
def test_any_valid_concept_gives_valid_html_and_markdown(concept: ki.Concept, lang: str) -> None:
    period = ki.ReportPeriod.parse("2025")
    html = str(ki.build_report(concept, period, lang=lang, today=TODAY))
    parse_html(html)
    assert_self_contained(html)
    md = str(ki.build_report(concept, period, format="md", lang=lang, today=TODAY))
    assert md.startswith("# ")
    # a name with "<" appears only escaped: the raw name occurs no more often than in
    # the report of the same concept with that name spelled without markup characters
    # (a name such as "<" or "<s" occurs in the report's own tags)
    for actor in concept.actors:
        if "<" in actor.name:
            plain = attrs.evolve(
                concept,
                actors=tuple(
                    attrs.evolve(a, name=a.name.replace("<", "_")) if a is actor else a
                    for a in concept.actors
                ),
            )
            baseline = str(ki.build_report(plain, period, lang=lang, today=TODAY))
            assert html.count(actor.name) == baseline.count(actor.name)


# --------------------------------------------------------------------------- case data


def _cases() -> ki.CaseData:
    cases = [
        {
            "case_id": f"fall-{i}",
            "municipality": "05558012",
            "opened": date(2024, 3, 1),
            "legal_basis": "AsylbLG",
            "sex": "f",
            "birth_year": 1990,
        }
        for i in range(12)
    ]
    events = [
        {"case_id": f"fall-{i}", "event": "language_course_started", "date": date(2025, 4, 1)}
        for i in range(7)
    ]
    events.append({"case_id": "fall-1", "event": "employment_started", "date": date(2025, 5, 1)})
    return ki.CaseData.from_records(cases, events)


def test_case_data_goes_through_the_engine_with_disclosure_control() -> None:
    ctx = ki.report_context(sample_concept(), "2025", cases=_cases(), today=TODAY)
    kurs, quote = ctx.fields[0].figures[0], ctx.fields[1].figures[0]
    assert kurs.current is not None
    assert kurs.current.value == Decimal(7)
    # One placement is a count of 1: suppressed, and so is the rate built on it.
    assert quote.current is not None
    assert quote.current.status == ki.ObservationStatus.SUPPRESSED
    # The trend starts with the export (March 2024); 2023 keeps the concept's value.
    assert [str(p.period) for p in kurs.series] == ["2023", "2024", "2025"]
    assert kurs.series[0].value == Decimal(980)
    md = ki.build_report(sample_concept(), "2025", format="md", cases=_cases(), today=TODAY)
    assert "fall-" not in md
    assert "| Vermittlungsquote (%) | \\* |" in md
    assert "INTERN" not in md


def test_case_data_without_disclosure_control_is_internal() -> None:
    md = ki.build_report(
        sample_concept(), "2025", format="md", cases=_cases(), disclosure=None, today=TODAY
    )
    assert "INTERN – nicht zur Veröffentlichung" in md
    assert "| Vermittlungsquote (%) | 8,3 |" in md
