"""The Kreis example's Jahresbericht 2025 on paper: printed from Chromium and as DOCX
converted by LibreOffice, "Auf einen Blick" fits the first A4 page and the whole report at
most 12 A4 pages.

Needs Debian's ``chromium``, ``libreoffice-writer-nogui`` and ``poppler-utils``
(``pdfinfo``, ``pdftotext``); ``.ci/run`` installs them. Locally the tests are skipped
with a reason when one is missing; in CI (``CI`` set) a missing tool fails them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import kommunale_integration as ki

pytestmark = pytest.mark.browser

MAX_PAGES = 12


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail(f"{names[0]} is required for the print tests in CI but is not installed")
    pytest.skip(
        f"{names[0]} is not installed "
        "(apt-get install chromium libreoffice-writer-nogui poppler-utils)"
    )


def _docx_to_pdf(soffice: str, docx: Path, folder: Path) -> None:
    """Convert *docx* to PDF in *folder* with LibreOffice (its own profile there)."""
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )


def _print_to_pdf(chromium: str, page: str, pdf: Path, tmp_path: Path) -> None:
    """Print the HTML *page* (a ``file:`` URI) to *pdf* with headless Chromium."""
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page,
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )


def _print_at_every_height(chromium: str, html: str, fragment: str, tmp_path: Path) -> Path:
    """Print *fragment* of the report *html* once per page, after a gap growing by 4 mm
    from 0 to 256 mm (65 positions on an A4 page), in one run of Chromium."""
    main = html.index("<main>") + len("<main>")
    pages = "".join(
        f'<div style="break-before: page; height: {mm}mm"></div>{fragment}'
        for mm in range(0, 260, 4)
    )
    (tmp_path / "sweep.html").write_text(
        html[:main] + pages + html[html.index("</main>") :], encoding="utf-8"
    )
    pdf = tmp_path / "sweep.pdf"
    _print_to_pdf(chromium, (tmp_path / "sweep.html").as_uri(), pdf, tmp_path)
    return pdf


def _pdftotext(pdf: Path, page: int, mode: str) -> str:
    """The text of one *page* of *pdf* (``-layout``) or its words' boxes (``-bbox``)."""
    return subprocess.run(
        [_tool("pdftotext"), "-f", str(page), "-l", str(page), mode, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size is not None
    width, height = float(size.group(1)), float(size.group(2))
    assert abs(width - 595.3) < 2, info  # A4
    assert abs(height - 841.9) < 2, info
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    return [_pdftotext(pdf, n, "-layout") for n in range(1, count + 1)]


def _filled(pdf: Path) -> list[float]:
    """How full each page of *pdf* is: the foot of its lowest word of text, as a share
    of the A4 text area of the print stylesheet (2 cm margins; the running header and
    the page number stand in the margins)."""
    top, bottom = 56.7, 841.9 - 56.7
    count = len(_pages(pdf))
    shares = []
    for n in range(1, count + 1):
        xml = _pdftotext(pdf, n, "-bbox")
        feet = [
            float(foot)
            for head, foot in re.findall(r'<word [^>]*yMin="([\d.]+)"[^>]*yMax="([\d.]+)"', xml)
            if float(head) > top and float(foot) < bottom + 1
        ]
        shares.append((max(feet, default=top) - top) / (bottom - top))
    return shares


def _assert_no_page_left_a_third_empty(pdf: Path) -> None:
    """No page but the first ("Auf einen Blick", then a page break) and the last ends a
    third empty: the Kreis report's page 3 ended at 55 % (a table, its note and three
    charts, kept together, overleaf), the Stadt report's page 5 at 61 %."""
    shares = _filled(pdf)
    assert all(share >= 2 / 3 for share in shares[1:-1]), [round(s, 2) for s in shares]


@pytest.fixture(scope="module")
def kreis() -> dict[str, Any]:
    folder = ki.example_path("kreis_coesfeld")
    return {
        "concept": ki.load_concept(folder),
        "cases": ki.read_cases(folder / "cases.csv", folder / "events.csv"),
    }


def _assert_first_page_is_the_core(pages: list[str]) -> None:
    first = " ".join(pages[0].split())
    assert "1 Auf einen Blick" in first
    # The last lines of "Auf einen Blick" are on page 1; the next section is not.
    assert "30 Akteure mit 38 Angeboten." in first
    assert "Methode im Anhang." in first
    # What the committee asked: the date of the paper, what was decided, the places.
    assert "Datum 02.03.2026" in first
    assert "Beschlüsse: im Berichtszeitraum keine; Beschluss über das Konzept" in first
    assert "Plätze in Maßnahmen: 100 in 1 Maßnahme, die im Berichtszeitraum lief" in first
    assert "2 Sachverhalt" not in first
    assert "2 Sachverhalt" in " ".join(pages[1].split())


def _assert_no_unit_alone(pages: list[str]) -> None:
    """No "%)" stands at the start of a line or alone in a column (the DOCX printed
    "−19 (−5,3" and "%)" below it; a "%" alone is the title of a chart's value axis)."""
    for number, page in enumerate(pages, 1):
        alone = re.search(r"(^|\s{2})%\)", page, re.MULTILINE)
        assert alone is None, (number, page[max(alone.start() - 200, 0) : alone.end() + 50])


def _assert_figures_whole(pages: list[str]) -> None:
    """A change is one figure, a target with its period one, a forecast's range one
    phrase: the DOCX printed "−19" with "(−5,3 %)" below it (beside "+7 (+3,6 %)" on
    one line) and "(Spanne 168 bis" with "237)" on the next line."""
    text = "\n".join(pages)
    for whole in ("−19 (−5,3 %)", "−22 (−11,3 %)", "+12 (+11,2 %)", "(Spanne 168 bis 237)"):
        assert whole in text, whole
    assert "220 (2026)" in text


def _assert_no_header_alone(pages: list[str], html: str) -> None:
    """No page ends with the header row of a table (its rows overleaf): the Stadt
    report for 2026 ended page 3 with "Maßnahmen: Rechtliches" and the header of its one
    row, the row on page 4."""
    headers = {
        " ".join(re.sub(r"<[^>]+>", " ", head).split())
        for head in re.findall(r"<thead>(.*?)</thead>", html)
    }
    for number, page in enumerate(pages, 1):
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"Seite \d+ von \d+", line)]
        assert body[-1] not in headers, (number, page)


def test_printed_from_chromium(kreis: dict[str, Any], tmp_path: Path) -> None:
    chromium = _tool("chromium", "chromium-browser")
    html = tmp_path / "bericht.html"
    ki.build_report(
        kreis["concept"], "2025", cases=kreis["cases"], output=html, today=date(2026, 3, 2)
    )
    pdf = tmp_path / "bericht.pdf"
    _print_to_pdf(chromium, html.as_uri(), pdf, tmp_path)
    pages = _pages(pdf)
    assert len(pages) <= MAX_PAGES
    _assert_first_page_is_the_core(pages)
    _assert_no_unit_alone(pages)
    _assert_figures_whole(pages)
    _assert_no_header_alone(pages, html.read_text(encoding="utf-8"))
    _assert_no_page_left_a_third_empty(pdf)
    # The running header and page numbers of the print stylesheet ("Seite 2 von 12" as
    # in the DOCX; a bare "2" before).
    assert "Jahresbericht 2025 zum 1. Integrationskonzept des Kreises Coesfeld" in pages[1]
    assert f"Seite 2 von {len(pages)}" in pages[1]
    # No table's header row is left alone at the foot of a page: where a header first
    # appears, its first row is on the same page (the network table's header stood
    # alone at the end of page 7).
    for header, first_row in (
        ("Netzwerk Sitzungen Teilnahmen Themen und Ergebnisse", "Vorbereitungsgruppe"),
        ("Funktion Akteur Finanzierung VZÄ", "Sozialarbeit/Sozialwissenschaft"),
    ):
        page = next(p for p in pages if header in " ".join(p.split()))
        assert first_row in page, header


def test_the_stadt_report_printed_from_chromium(tmp_path: Path) -> None:
    """The Stadt example's report for its running year, as its README builds it: no
    table's header row ends a page (page 3 ended with the header of "Maßnahmen:
    Rechtliches", its one row on page 4)."""
    chromium = _tool("chromium", "chromium-browser")
    folder = ki.example_path("stadt_coesfeld")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    html = tmp_path / "stadt.html"
    ki.build_report(
        ki.load_concept(folder), "2026", cases=cases, output=html, today=date(2026, 12, 1)
    )
    pdf = tmp_path / "stadt.pdf"
    _print_to_pdf(chromium, html.as_uri(), pdf, tmp_path)
    pages = _pages(pdf)
    assert len(pages) <= MAX_PAGES
    _assert_no_header_alone(pages, html.read_text(encoding="utf-8"))
    _assert_no_page_left_a_third_empty(pdf)


def test_docx_converted_by_libreoffice(kreis: dict[str, Any], tmp_path: Path) -> None:
    soffice = _tool("soffice", "libreoffice")
    docx = tmp_path / "bericht.docx"
    ki.build_report(
        kreis["concept"],
        "2025",
        format="docx",
        cases=kreis["cases"],
        output=docx,
        today=date(2026, 3, 2),
    )
    _docx_to_pdf(soffice, docx, tmp_path)
    pages = _pages(tmp_path / "bericht.pdf")
    assert len(pages) <= MAX_PAGES
    # page 3 ended at 46 %: every row of charts kept with what followed it
    _assert_no_page_left_a_third_empty(tmp_path / "bericht.pdf")
    _assert_first_page_is_the_core(pages)
    _assert_no_unit_alone(pages)
    _assert_figures_whole(pages)
    assert f"Seite 2 von {len(pages)}" in pages[1]
    # A short table on one page: the header and "Begleitete Fälle (aktiv)" stood at the
    # foot of page 4, "Neu aufgenommene Fälle" alone under a repeated header on page 5.
    [page] = [p for p in pages if re.search(r"Begleitete Fälle \(aktiv\) +2\.030", p)]
    assert re.search(r"Neu aufgenommene Fälle +742", page)
    # A field's heading, description and goals on the page of its first table.
    [page] = [p for p in pages if "4.4 Arbeitsmarktintegration" in p]
    assert "Wirkungsziel: Mehr Geflüchtete mit Bleibeperspektive" in " ".join(page.split())
    assert "Maßnahmen: Arbeitsmarktintegration" in page
    # Column widths from the content: a header word breaks only at its hyphenation
    # point (Ziel-/erreichung), never inside a piece ("Vorperio/de").
    text = "\n".join(pages)
    for word in ("Vor-periode", "Ver-änderung", "Ziel-erreichung"):
        first, rest = word.split("-")
        assert first + rest in text or (f"{first}-" in text and f" {rest}" in text), word
    # The names of the municipalities stand whole in both tables of annex A2: the first,
    # with four long Kennzahl names, printed "Lüdinghause" over "n" (now set smaller).
    annex = text.split("A2 Kennzahlen nach Kommunen")[-1].split("A3 ")[0]
    for name in ("Ascheberg", "Lüdinghausen", "Nordkirchen", "Rosendahl"):
        assert len(re.findall(rf"^{name} +\d", annex, re.MULTILINE)) == 2, name


def test_english_docx_keeps_figures_and_dates_whole(kreis: dict[str, Any], tmp_path: Path) -> None:
    """The English DOCX printed "(+11.2%" with ")" alone below it (the width of a figure
    took "1" for a narrow letter) and the decisions' dates as "23" / "September" /
    "2015" in three lines."""
    soffice = _tool("soffice", "libreoffice")
    docx = tmp_path / "report.docx"
    ki.build_report(
        kreis["concept"],
        "2025",
        format="docx",
        cases=kreis["cases"],
        output=docx,
        today=date(2026, 3, 2),
        lang="en",
    )
    _docx_to_pdf(soffice, docx, tmp_path)
    pages = _pages(tmp_path / "report.pdf")
    text = "\n".join(pages)
    assert "(+11.2%)" in text
    assert not re.search(r"(^|\s{2})%?\)\s*$", text, re.MULTILINE)
    for day in ("23 September 2015", "16 November 2016", "14 December 2016"):
        assert day in text, day


def _section_html(html: str, section: str) -> str:
    start = html.index(f'<section id="{section}"')
    depth, position = 0, start
    for match in re.finditer(r"<(/?)section\b", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            position = start + match.end()
            break
    return html[start : html.index(">", position) + 1]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_section_heading_never_ends_a_page_with_only_its_first_paragraph(
    kreis: dict[str, Any], tmp_path: Path, lang: str
) -> None:
    """The Erfolgsprognose's heading and the paragraph on what the forecasts rest on
    stood at the foot of a page, its first goal on the next (Oppach, German; an English
    report likewise). The section is printed at every height of an A4 page, once per
    page, in one run of Chromium."""
    chromium = _tool("chromium", "chromium-browser")
    html = ki.build_report(
        kreis["concept"], "2025", cases=kreis["cases"], today=date(2026, 3, 2), lang=lang
    )
    section = _section_html(html, "erfolgsprognose")
    pdf = _print_at_every_height(chromium, html, section, tmp_path)
    heading = re.compile(r"\d+ (Erfolgsprognose|Success forecast)")
    goal = ("Leitziel:", "Wirkungsziel:", "Handlungsziel:")
    goal = ("Guiding goal:", "Outcome goal:", "Action goal:") if lang == "en" else goal
    seen = 0
    for number, page in enumerate(_pages(pdf), 1):
        lines = [line.strip() for line in page.splitlines()]
        at = next((i for i, line in enumerate(lines) if heading.fullmatch(line)), None)
        if at is not None:
            seen += 1
            assert any(line.startswith(goal) for line in lines[at:]), (number, page)
    assert seen == 65


def test_a_long_word_in_running_text_breaks_instead_of_leaving_the_page(
    kreis: dict[str, Any], tmp_path: Path
) -> None:
    """An offer's name of one long word ran off the printed page in the list of entries
    to check (only its first 16 of 300 repetitions were on the paper); in running text
    and lists a word now breaks at the margin. (Tables keep their columns: there a long
    word is what validation's ``overlong-name`` warns of.)"""
    chromium = _tool("chromium", "chromium-browser")
    concept = kreis["concept"].evolve(starting_point="Integrationskurs" * 60)
    html = tmp_path / "bericht.html"
    ki.build_report(concept, "2025", cases=kreis["cases"], output=html, today=date(2026, 3, 2))
    pdf = tmp_path / "bericht.pdf"
    _print_to_pdf(chromium, html.as_uri(), pdf, tmp_path)
    text = "".join("".join(page.split()) for page in _pages(pdf))
    assert "Integrationskurs" * 60 in text


def test_a_tables_note_is_printed_under_its_table(kreis: dict[str, Any], tmp_path: Path) -> None:
    """A table's note (how an attainment is computed, what "*" means) stays on the page
    of the table's last row in print, as in the DOCX: printed at every height of an A4
    page, the note never opens a page."""
    chromium = _tool("chromium", "chromium-browser")
    html = ki.build_report(kreis["concept"], "2025", cases=kreis["cases"], today=date(2026, 3, 2))
    note = html.index('<p class="note">Abgeschlossene Sprachkurse: Zielerreichung')
    start = html.rindex('<div class="table-wrap', 0, note)
    fragment = html[start : html.index("</p>", note) + len("</p>")]
    # the words of the last row's first cell before it may wrap ("(Personen)")
    last_row = " ".join(re.findall(r'<th scope="row">(.*?)</th>', fragment)[-1].split()[:2])
    pdf = _print_at_every_height(chromium, html, fragment, tmp_path)
    seen = 0
    for number, page in enumerate(_pages(pdf), 1):
        if "Abgeschlossene Sprachkurse: Zielerreichung" in page:
            seen += 1
            assert last_row in " ".join(page.split()), (number, page)
    assert seen == 65


def test_a_tables_last_row_is_never_alone_on_a_page(kreis: dict[str, Any], tmp_path: Path) -> None:
    """The Kreis report printed the staff table over two pages with only its "Summe"
    under the repeated header on the second: printed at every height of an A4 page, the
    page with the Summe has the row before it too."""
    chromium = _tool("chromium", "chromium-browser")
    html = ki.build_report(kreis["concept"], "2025", cases=kreis["cases"], today=date(2026, 3, 2))
    caption = html.index("<caption>Personalstellen")
    start = html.rindex('<div class="table-wrap', 0, caption)
    fragment = html[start : html.index("</div>", caption) + len("</div>")]
    pdf = _print_at_every_height(chromium, html, fragment, tmp_path)
    seen = 0
    for number, page in enumerate(_pages(pdf), 1):
        if re.search(r"^Summe +5,5$", page, re.MULTILINE):
            seen += 1
            assert "Lehrkraft (abgeordnet)" in page, (number, page)
    assert seen == 65


@pytest.mark.parametrize(
    ("field", "change", "kept", "apart"),
    [
        ("(Aus-)Bildung und Schule", "+12 (+11,2 %)", ["Schulaufnahmen"], []),
        (
            "Sprache",
            "−2 (−2,2 %)",
            ["Begonnene Sprachkurse", "Abgeschlossene Sprachkurse"],
            ["Abgeschlossene Integrationskurse"],
        ),
    ],
)
def test_a_chart_is_printed_with_its_table(
    kreis: dict[str, Any],
    tmp_path: Path,
    field: str,
    change: str,
    kept: list[str],
    apart: list[str],
) -> None:
    """The Kreis report printed the Kennzahlen of "(Aus-)Bildung und Schule" at the foot
    of a page and their chart overleaf. A table, its notes and its charts printed at
    every height of an A4 page: a page with a chart of the first row has the table's
    last row too (its change: the row's name is in the chart's title), and a chart's
    caption is on the page of its chart. A second row of charts may go overleaf
    ("Sprache": a note and three charts in two rows; kept all together they needed more
    than half a page and left page 3 of the report about 40 % empty)."""
    chromium = _tool("chromium", "chromium-browser")
    html = ki.build_report(kreis["concept"], "2025", cases=kreis["cases"], today=date(2026, 3, 2))
    caption = html.index(f"<caption>Kennzahlen: {field}")
    start = html.rindex('<div class="figures">', 0, caption)
    last = html.rindex('<figure class="chart"', 0, html.index("</section>", caption))
    end = html.index("</figure>", last) + len("</figure>")
    if html.startswith("\n</div>", end):
        end += len("\n</div>")
    fragment = html[start:end]
    assert fragment.count("<figure") == len(kept) + len(apart)
    assert fragment.count("<div") == fragment.count("</div>")
    pdf = _print_at_every_height(chromium, html, fragment, tmp_path)
    seen = 0
    for number, page in enumerate(_pages(pdf), 1):
        text = " ".join(page.split())
        if any(f"Entwicklung von „{title}" in text for title in kept):
            seen += 1
            assert change in text, (number, page)
        # every title on the page ends with its caption's place
        assert text.count("Entwicklung von") == text.count("“ (Kreis Coesfeld)"), page
    assert seen == 65


def test_a_long_word_in_a_table_cell_breaks_inside_its_cell(
    kreis: dict[str, Any], tmp_path: Path
) -> None:
    """A measure's title of one long word ran off the printed page and took the table's
    other columns ("Federführung", "Zeitraum") with it: a word longer than
    ``LONG_WORD`` breaks in its cell; the report's other cells are as before."""
    import attrs

    chromium = _tool("chromium", "chromium-browser")
    concept = kreis["concept"]
    first, *rest = concept.measures
    word = "Integrationskurs" * 8
    concept = concept.evolve(measures=(attrs.evolve(first, title=word), *rest))
    html = tmp_path / "bericht.html"
    ki.build_report(concept, "2025", cases=kreis["cases"], output=html, today=date(2026, 3, 2))
    pdf = tmp_path / "bericht.pdf"
    _print_to_pdf(chromium, html.as_uri(), pdf, tmp_path)
    [page] = [p for p in _pages(pdf) if "Maßnahmen: Arbeitsmarktintegration" in p]
    table = page[page.index("Maßnahmen: Arbeitsmarktintegration") :]
    header = table.splitlines()[1].split()
    assert header == ["Maßnahme", "Status", "Federführung", "Zeitraum"], table
    # the word in lines of its own cell, beside "laufend" and "nicht benannt"
    lines = table.splitlines()[2:]
    cell = lines[: next(i for i, line in enumerate(lines) if line.startswith("Integration "))]
    assert "".join(line.split()[0] for line in cell) == word, table
    plain = ki.build_report(kreis["concept"], "2025", cases=kreis["cases"], today=date(2026, 3, 2))
    assert 'class="long"' not in plain
