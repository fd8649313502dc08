"""DOCX rendering of the Jahresbericht (python-docx; the ``docx`` extra).

A short walk over the report outline (``_outline.py``): the same sections, tables and
charts as HTML and Markdown. The document is ready to send: A4 with German margins,
language ``de-DE`` (or ``en-GB``) in the styles and every run (in the English report
the concept's own texts in runs of ``de-DE``: :meth:`Formatter.own`), a running header with the
title (and the INTERN mark where it applies), page numbers as a field, real headings,
tables with a repeated header row, column widths from their content and numbers
right-aligned, charts as PNG with alt text, and core properties from the concept
(title, author, creation time) instead of the template's.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

from .._errors import require_extra
from ._charts import trend_png
from ._context import ReportContext
from ._format import OWN_OPEN, Formatter, lang_parts, plain
from ._outline import Block, Chart, Outline, Section, Table

__all__ = ["render_report_docx"]

#: Page margins in cm (DIN 5008 style: top, bottom, left, right).
MARGINS_CM = (2.0, 2.0, 2.5, 2.0)
_TEXT_WIDTH_CM = 21.0 - MARGINS_CM[2] - MARGINS_CM[3]
_LANGUAGES = {"de": "de-DE", "en": "en-GB"}


def _oxml(tag: str, **attributes: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _set_language(properties: Any, language: str) -> None:
    """Set ``<w:lang>`` in a ``<w:rPr>`` element (replacing one that is there)."""
    from docx.oxml.ns import qn

    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    properties.append(_oxml("w:lang", val=language, eastAsia=language, bidi="ar-SA"))


def _languages(doc: Any, language: str) -> None:
    """The language in the document defaults, every style and every run."""
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if run_defaults is not None:
        properties = run_defaults.find(qn("w:rPr"))
        if properties is None:
            properties = _oxml("w:rPr")
            run_defaults.append(properties)
        _set_language(properties, language)
    for style in doc.styles:
        element = style.element
        if element.get(qn("w:type")) in ("paragraph", "character", "table"):
            _set_language(element.get_or_add_rPr(), language)
    for run in doc.element.body.iter(qn("w:r")):
        properties = run.get_or_add_rPr()
        if properties.find(qn("w:lang")) is None:  # not a text of the concept (_text)
            _set_language(properties, language)


def _text(paragraph: Any, text: str, style: str | None = None) -> None:
    """Append *text* to *paragraph* as runs; a text of the concept marked by
    :meth:`Formatter.own` in a run of its language (``de-DE`` in the English report),
    so that a screen reader and the spelling check take it as German."""
    for piece, lang in lang_parts(text):
        run = paragraph.add_run(piece, style=style)
        if lang:
            _set_language(run._r.get_or_add_rPr(), _LANGUAGES[lang])


def _field(paragraph: Any, instruction: str) -> None:
    """Append a simple field (``PAGE``, ``NUMPAGES``) to *paragraph*."""
    run = paragraph.add_run()
    run._r.append(_oxml("w:fldChar", fldCharType="begin"))
    text = _oxml("w:instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run._r.append(_oxml("w:fldChar", fldCharType="separate"))
    run._r.append(_oxml("w:t"))
    run._r[-1].text = "1"
    run._r.append(_oxml("w:fldChar", fldCharType="end"))


#: The paragraph style of notes (formulas, legends, the colophon): small and grey like
#: the HTML ``p.note``, never the bold blue of a table caption.
NOTE_STYLE = "Report Note"
#: A lead line ("Im Berichtszeitraum beschlossen:", a goal): bold, kept with what follows.
LEAD_STYLE = "Report Lead"
#: The text of a table cell (:data:`CELL_PT`, no space after) and of its header cells
#: and row headers (bold, as the HTML's ``th``).
CELL_STYLE = "Table Text"
HEADER_CELL_STYLE = "Table Heading"
#: The size of a table's text in pt, and the smaller sizes of a table whose longest
#: words need more than the line at that size (the largest that fits, see
#: :func:`_widths`); each with its styles, "Table Text 8.5 pt" and "Table Heading 8.5 pt".
CELL_PT: Final = 9.0
COMPACT_PT: Final = (8.5, 8.0)


def _cell_styles(size: float) -> tuple[str, str]:
    """The styles of a table's cells and its headers with text of *size* pt."""
    if size == CELL_PT:
        return CELL_STYLE, HEADER_CELL_STYLE
    return f"{CELL_STYLE} {size:g} pt", f"{HEADER_CELL_STYLE} {size:g} pt"


#: The caption under a chart (no air above it, some below).
CHART_CAPTION_STYLE = "Chart Caption"
#: A bold label before a text ("Maßnahmen:", "Wirkungsziel:"): Word's character style.
LABEL_STYLE = "Strong"


def _report_styles(doc: Any) -> None:
    """The styles of the report's own paragraphs, so that its text carries no direct
    formatting: a town changes the size of every table's text or the look of every note
    in one place (the tables' 9 pt and the bold row headers were set run by run)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    def add(name: str, base: str) -> Any:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = True
        return style

    note = add(NOTE_STYLE, "Normal")
    note.font.size = Pt(8.5)
    note.font.bold = False
    note.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    note.paragraph_format.space_before = Pt(2)
    note.paragraph_format.space_after = Pt(4)
    lead = add(LEAD_STYLE, "Normal")
    lead.font.bold = True
    lead.paragraph_format.keep_with_next = True  # a goal or a lead-in stays whole with
    lead.paragraph_format.keep_together = True  # what follows
    cell = add(CELL_STYLE, "Normal")
    cell.font.size = Pt(CELL_PT)
    cell.paragraph_format.space_after = Pt(0)
    header = add(HEADER_CELL_STYLE, CELL_STYLE)
    header.font.bold = True
    for size in COMPACT_PT:
        compact, compact_header = _cell_styles(size)
        add(compact, CELL_STYLE).font.size = Pt(size)
        add(compact_header, HEADER_CELL_STYLE).font.size = Pt(size)
    caption = doc.styles["Caption"]
    caption.paragraph_format.space_before = Pt(8)  # air between a table and the next caption
    caption.paragraph_format.keep_with_next = True  # never alone at the foot of a page
    chart = add(CHART_CAPTION_STYLE, "Caption")
    chart.paragraph_format.space_before = Pt(0)
    chart.paragraph_format.space_after = Pt(6)
    chart.paragraph_format.keep_with_next = False
    doc.styles["Header"].font.size = Pt(8)


def _page_setup(doc: Any, outline: Outline, fmt: Formatter) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    top, bottom, left, right = MARGINS_CM
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    header = section.header.paragraphs[0]  # style "Header" (8 pt, see _report_styles)
    # INTERN in bold
    _text(header, outline.running_header, LABEL_STYLE if outline.banner is not None else None)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run(fmt.t("page") + " ")
    _field(footer, "PAGE")
    footer.add_run(" " + fmt.t("page_of") + " ")
    _field(footer, "NUMPAGES")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    doc.styles["Title"].font.size = Pt(18)
    for level, size in ((1, 14), (2, 12), (3, 11)):
        heading = doc.styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.paragraph_format.space_before = Pt(10 if level == 1 else 8)
    _report_styles(doc)


def _properties(doc: Any, outline: Outline, fmt: Formatter) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    core = doc.core_properties
    core.title = plain(outline.title)
    core.subject = outline.meta
    core.author = outline.author
    core.last_modified_by = outline.author
    core.created = now
    core.modified = now
    for printed in core._element.findall(
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastPrinted"
    ):
        core._element.remove(printed)
    core.revision = 1
    core.language = _LANGUAGES[fmt.lang]
    core.comments = ""
    core.keywords = ""
    core.category = fmt.t("report")


_CHAR_CM = 0.2  # average width of a character at CELL_PT (bold headers included)
_PAD_CM = 0.5  # cell margins and a little air
_BOLD = 1.1  # a bold header word is about a tenth wider


#: Where the compound words of the report's own headings may break, like TeX's
#: ``\hyphenation`` list: the soft hyphens are written into the DOCX, so a narrow
#: column of numbers breaks "Ziel-/erreichung" where Word would cut a word anywhere
#: ("Vorperio/de"). Without them the longest header word of each number column set its
#: width, and the Kennzahl names were squeezed to four lines. Other words keep whole.
_HYPHENATION: Final = {
    word.replace("-", ""): word.replace("-", "\u00ad")
    for word in (
        "Vor-periode",
        "Ver-änderung",
        "Ziel-wert",
        "Ziel-erreichung",
        "Ausgangs-wert",
        "Druck-sache",
        "Ab-stimmung",
    )
}
_SOFT_HYPHEN: Final = "\u00ad"
#: Where a cell's text may wrap: white space, but not a no-break space ("0 Enthaltungen").
_WORDS: Final = re.compile(r"[^\S\u00a0]+")


def _hyphenated(text: str) -> str:
    """*text* with the soft hyphens of :data:`_HYPHENATION`."""
    if not any(word in text for word in _HYPHENATION):
        return text
    return " ".join(_HYPHENATION.get(word, word) for word in text.split(" "))


def _write(cell: Any, text: str) -> None:
    """Set the text of a table cell; a soft hyphen becomes Word's optional hyphen
    (``w:softHyphen``: shown only where the word breaks), a text of the concept a run
    of its language (:func:`_text`)."""
    if _SOFT_HYPHEN not in text and OWN_OPEN not in text:
        cell.text = text
        return
    cell.text = ""
    for part, lang in lang_parts(text):
        run = cell.paragraphs[0].add_run()
        if lang:
            _set_language(run._r.get_or_add_rPr(), _LANGUAGES[lang])
        for index, piece in enumerate(part.split(_SOFT_HYPHEN)):
            if index:
                run._r.append(_oxml("w:softHyphen"))
            run._r.add_t(piece)


def _figure(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _word_cm(word: str) -> float:
    """The width of the widest piece of *word* between its soft hyphens (with the
    hyphen that a break shows)."""
    pieces = word.split(_SOFT_HYPHEN)
    return max(
        _text_cm(piece) + (0.12 if i < len(pieces) - 1 else 0.0) for i, piece in enumerate(pieces)
    )


def _text_cm(text: str) -> float:
    """The width of *text* at 9 pt in cm, by character class: capitals and wide letters
    ("VZÄ", "Teilnehmende") and the signs of a change ("+4 (+21,1 %)": its ")" went below
    it) need more than the average, the widest ("m", "M", "W", "%") more still, "t",
    "r" and brackets a little less, spaces (no-break ones too) and stops least. Every
    digit is as wide as the others, "1" too (unlike the letter "l"): "(+11.2%)" printed
    its ")" alone below it, a decision's date "27.11.202" over "5". Measured against
    DejaVu Serif and Sans, LibreOffice's substitutes for Word's fonts: no word of a
    German municipality's name is wider than the model gives it (and the cell's air)."""
    width = 0.0
    for ch in text:
        if ch in "mMW%":
            width += 0.28
        elif ch.isupper() or ch in "w—+−±":
            width += 0.26
        elif ch in "tr()":
            width += 0.14
        elif ch in " \u00a0.,;:!|'-/ilfjI":
            width += 0.12
        else:
            width += _CHAR_CM
    return width


class Layout(NamedTuple):
    """The columns of a DOCX table: their widths in cm and the size of its text in pt."""

    widths: list[float]
    size: float


def _column_texts(table: Table) -> list[list[str]]:
    """Each column's texts as set (plain, with the soft hyphens of
    :data:`_HYPHENATION`): its header first, then its rows."""
    return [
        [_hyphenated(plain(column.header)), *(_hyphenated(plain(row[index])) for row in table.rows)]
        for index, column in enumerate(table.columns)
    ]


def _unbroken(table: Table, columns: list[list[str]]) -> list[float]:
    """The width in cm at :data:`CELL_PT` of what must stand on one line in each column
    (*columns*: :func:`_column_texts`): its longest word (no "Vorperio/de"; a word of
    :data:`_HYPHENATION` its longest piece, bold in the header and the first column) or,
    in a column of numbers, its longest figure."""
    unbroken: list[float] = []
    for index, (column, texts) in enumerate(zip(table.columns, columns, strict=True)):
        # A figure never wraps: "−22 (−11,3 %)" is one (bound by the Formatter's no-break
        # spaces), and so is "220 (2026)" (a narrow column printed the year below the
        # target in one row and beside it in the next); words (a header, "unter
        # Ausgangswert") may, between words. Headers and the row headers are bold.
        unbroken.append(
            max(
                (
                    _text_cm(text)
                    if column.numeric and row and _figure(text)
                    else max((_word_cm(w) for w in _WORDS.split(text) if w), default=_CHAR_CM)
                    * (_BOLD if not row or index == 0 else 1.0)
                    for row, text in enumerate(texts)
                ),
                default=_CHAR_CM,
            )
        )
    return unbroken


def _widths(table: Table) -> Layout:
    """Column widths in cm from the content, and the size of the table's text.

    Every column gets at least the width of its longest word or figure
    (:func:`_unbroken`); the rest goes to the text columns by how long their texts are.
    When the longest words do not fit on the line side by side at :data:`CELL_PT`, the
    table's text is set at the largest of :data:`COMPACT_PT` at which they do (annex A2
    of the Kreis report broke "Lüdinghause/n" in its first column, squeezed by four
    columns of long Kennzahl names); only when they do not fit even at the smallest do
    the columns of numbers keep their width and the text columns share what is left.
    """
    columns = _column_texts(table)
    unbroken = _unbroken(table, columns)
    for size in (CELL_PT, *COMPACT_PT):
        scale = size / CELL_PT
        least = [max(u, _CHAR_CM) * scale + _PAD_CM for u in unbroken]
        if sum(least) < _TEXT_WIDTH_CM:
            break
    wish = []
    for index, texts in enumerate(columns):
        longest = max(map(len, texts), default=1)
        wish.append(max(least[index], min(longest, 80) * _CHAR_CM * scale + _PAD_CM))
    if sum(least) >= _TEXT_WIDTH_CM:
        fixed = sum(m for m, c in zip(least, table.columns, strict=True) if c.numeric)
        text = sum(least) - fixed
        if not text or fixed >= _TEXT_WIDTH_CM:
            return Layout([w * _TEXT_WIDTH_CM / sum(least) for w in least], size)
        share = (_TEXT_WIDTH_CM - fixed) / text
        widths = [m if c.numeric else m * share for m, c in zip(least, table.columns, strict=True)]
        return Layout(widths, size)
    if sum(wish) <= _TEXT_WIDTH_CM:
        # The spare room goes to the text columns; numbers need no more than they have.
        spare = _TEXT_WIDTH_CM - sum(wish)
        grow = [0.0 if c.numeric else w for w, c in zip(wish, table.columns, strict=True)]
        if not sum(grow):
            grow = wish
        return Layout([w + spare * g / sum(grow) for w, g in zip(wish, grow, strict=True)], size)
    return Layout(_share_room(table, least, wish, scale), size)


def _lines(text: str, room: float, scale: float = 1.0) -> int:
    """The lines *text* takes in *room* cm, broken at spaces and soft hyphens (a piece
    wider than the room takes a line of its own, as Word would cut it)."""
    lines, used = 1, 0.0
    for word in _WORDS.split(text):
        pieces = [p for p in word.split(_SOFT_HYPHEN) if p]
        for index, piece in enumerate(pieces):
            joined = index > 0  # the rest of a word after its hyphenation point
            size = (_text_cm(piece) + (0.12 if index < len(pieces) - 1 else 0.0)) * scale
            gap = 0.0 if joined or not used else _text_cm(" ") * scale
            if used and used + gap + size > room:
                lines, used = lines + 1, size
            else:
                used += gap + size
    return lines


#: The room left over is handed out in this many equal steps (see :func:`_share_room`).
_ROOM_STEPS = 48


def _share_room(
    table: Table, least: list[float], wish: list[float], scale: float = 1.0
) -> list[float]:
    """Widths from *least* with the rest of the line given where it makes the table
    shortest: step by step to the column whose widening saves the most lines, counted
    over every row (a row is as high as its tallest cell). A short name beside long
    topics ("Themen und Ergebnisse" of the network table) no longer gets half the room;
    no column grows beyond its *wish* while another still can. *scale*: the size of the
    table's text against :data:`CELL_PT`."""
    texts = [[plain(row[index]) for row in table.rows] for index in range(len(table.columns))]
    sizes = [[_text_cm(text) * scale for text in column] for column in texts]
    headers = [_hyphenated(plain(column.header)) for column in table.columns]

    rows: list[tuple[float, ...]] = list(zip(*sizes, strict=True))

    def height(widths: list[float]) -> float:
        # The header row in whole lines, as it breaks (at spaces and hyphenation
        # points): room that does not save a header line is no gain ("Druck-/sache"
        # over a column of "–" took 2.3 cm to stand on one line).
        total = float(
            max(_lines(h, w - _PAD_CM, _BOLD * scale) for h, w in zip(headers, widths, strict=True))
        )
        for row in rows:
            total += max(
                size / max(width - _PAD_CM, _CHAR_CM * scale)
                for size, width in zip(row, widths, strict=True)
            )
        return total

    widths = list(least)
    step = (_TEXT_WIDTH_CM - sum(least)) / _ROOM_STEPS
    for _ in range(_ROOM_STEPS):
        open_ = [i for i, w in enumerate(widths) if w + step <= wish[i] + 1e-9] or list(
            range(len(widths))
        )
        best = min(
            open_,
            key=lambda i: (
                height([w + step if j == i else w for j, w in enumerate(widths)]),
                -(wish[i] - widths[i]),
            ),
        )
        widths[best] += step
    return widths


def _table(doc: Any, table: Table, *, header: bool = True) -> None:
    """A table with its caption and a header row; without *header* (the Vorlage, a list
    of label and value) no header row. The first column, the rows' headers, is bold."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    # The caption stays on the page of its table (its style keeps it with the next).
    _text(doc.add_paragraph(style="Caption"), table.caption)
    grid = doc.add_table(rows=1 if header else 0, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    grid.autofit = False
    widths, size = _widths(table)
    plain_cell, heading = _cell_styles(size)
    if header:
        header_row = grid.rows[0]
        header_row._tr.get_or_add_trPr().append(_oxml("w:tblHeader", val="true"))
        for index, column in enumerate(table.columns):
            cell = header_row.cells[index]
            _write(cell, _hyphenated(column.header))
            cell.paragraphs[0].style = heading
    for row in table.rows:
        cells = grid.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _write(cell, _hyphenated(text))
            # the first cell is the row's header ("Summe", a Kennzahl), bold as in HTML
            cell.paragraphs[0].style = heading if index == 0 else plain_cell
    for index, width in enumerate(widths):
        grid.columns[index].width = Cm(width)
    # A short table stays on one page (Table.short): every row but the last keeps with
    # the next; a long one keeps its header with its first row and its last row (a
    # Summe) with the one before, never alone on a page.
    together = table.short
    last = len(grid.rows) - 1
    for position, row in enumerate(grid.rows):
        row._tr.get_or_add_trPr().append(_oxml("w:cantSplit", val="true"))
        keep = position < last and (together or (header and position == 0) or position == last - 1)
        for index, cell in enumerate(row.cells):
            cell.width = Cm(widths[index])
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = keep
                if table.columns[index].numeric:  # the column's layout, as its width
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _ends_with_table(doc: Any) -> bool:
    """Whether the last block of *doc*'s body is a table (before its section settings)."""
    blocks = [child for child in doc.element.body if not child.tag.endswith("}sectPr")]
    return bool(blocks) and blocks[-1].tag.endswith("}tbl")


def _charts(doc: Any, charts: list[Chart], fmt: Formatter) -> None:
    """Charts side by side, two per row (small multiples), each with alt text and caption."""
    from docx.shared import Cm, Pt

    if _ends_with_table(doc):
        # Two tables that touch are one table to Word and LibreOffice: the charts' grid
        # right under a Kennzahlen table (no note between them) was drawn over its last
        # row. A paragraph of 4 pt parts them.
        spacer = doc.add_paragraph().paragraph_format
        spacer.space_before = spacer.space_after = Pt(0)
        spacer.line_spacing = Pt(4)
        spacer.keep_with_next = True  # it parts the table from its charts, not them
    grid = doc.add_table(rows=0, cols=2)
    grid.autofit = False
    for column in grid.columns:
        column.width = Cm(_TEXT_WIDTH_CM / 2)
    for start in range(0, len(charts), 2):
        row = grid.add_row()
        # a chart and its caption on one page: the row never splits between them. No
        # keep-with-next on the pictures: it kept every row of charts with the next, the
        # last with the next section's heading, goals and first table, and left the Kreis
        # report's page 3 half empty; a further row may go overleaf, as in print.
        row._tr.get_or_add_trPr().append(_oxml("w:cantSplit", val="true"))
        cells = row.cells
        for cell, chart in zip(cells, charts[start : start + 2], strict=False):
            cell.width = Cm(_TEXT_WIDTH_CM / 2)
            picture = cell.paragraphs[0]
            run = picture.add_run()
            run.add_picture(io.BytesIO(trend_png(chart.figure, fmt)), width=Cm(7.9))
            properties = run._r.xpath(".//wp:docPr")[0]
            properties.set("descr", plain(chart.description))
            properties.set("title", plain(chart.title))
            caption = cell.add_paragraph(style=CHART_CAPTION_STYLE)
            _text(caption, chart.title)
            if chart.gaps:  # under the title, as the HTML's caption has it
                caption.add_run().add_break()
                _text(caption, chart.gaps)


def _block(doc: Any, block: Block) -> None:
    from docx.shared import Pt

    if block.kind == "paragraph":
        style = {"note": NOTE_STYLE, "lead": LEAD_STYLE}.get(block.style)
        paragraph = doc.add_paragraph(style=style)
        if block.label:
            _text(paragraph, block.label + " ", LABEL_STYLE)
        _text(paragraph, block.text)
        if block.style == "intro":  # a lead-in stays whole with what follows
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.keep_together = True
    elif block.kind == "items":
        for number, item in enumerate(block.items):
            paragraph = doc.add_paragraph(style="List Bullet")
            if number == 0:  # air between a table above and the list
                paragraph.paragraph_format.space_before = Pt(6)
            # The goals of a Handlungsfeld stay with its first table (the Stadt report
            # ended page 2 with "3.2 (Aus-)Bildung" and its goal, the tables overleaf).
            paragraph.paragraph_format.keep_with_next = block.intro
            if item.label:
                _text(paragraph, item.label + ": ", LABEL_STYLE)
            _text(paragraph, item.text + (f" ({item.url})" if item.url else ""))
    elif block.kind == "table":
        _table(doc, block)


def _keep_last_with_next(doc: Any) -> None:
    """The last block of *doc* stays on the page of what follows it: a table's last
    row, or else the last paragraph."""
    if _ends_with_table(doc):
        for cell in doc.tables[-1].rows[-1].cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    else:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True


def _section(doc: Any, section: Section, fmt: Formatter) -> None:
    _text(doc.add_heading(level=section.level), section.heading)
    charts: list[Chart] = []
    # Whether what was written last is a table or one of the notes under it: a table's
    # notes (what "*" means, how an attainment is computed) and its charts stay on the
    # page of its last row. The Stadt report began page 4 with the formula of a table
    # at the foot of page 3; the Kreis report printed the Kennzahlen of "(Aus-)Bildung
    # und Schule" at the foot of page 2 and their chart overleaf.
    under_table = False
    for block in (*section.blocks, None):
        if isinstance(block, Chart):
            charts.append(block)
            continue
        if charts:
            if under_table:
                _keep_last_with_next(doc)
            _charts(doc, charts, fmt)
            charts = []
            under_table = False  # a note after the charts is not the table's
        if block is not None:
            note = block.kind == "paragraph" and block.style == "note"
            if under_table and note:
                _keep_last_with_next(doc)
            _block(doc, block)
            under_table = block.kind == "table" or (under_table and note)
    for child in section.children:
        _section(doc, child, fmt)
    if section.break_after:
        doc.add_page_break()


def render_report_docx(ctx: ReportContext, fmt: Formatter, outline: Outline) -> bytes:
    """Render *outline* as a Word document; return its bytes."""
    require_extra("docx", "docx")
    import docx
    from docx.shared import RGBColor

    doc = docx.Document()
    _page_setup(doc, outline, fmt)
    if outline.banner is not None:
        run = doc.add_paragraph().add_run(" – ".join(outline.banner))
        run.bold = True
        run.font.color.rgb = RGBColor(0x8B, 0x00, 0x00)
    _text(doc.add_heading(level=0), outline.title)
    doc.add_paragraph(outline.meta)
    _table(doc, outline.vorlage, header=False)
    for section in outline.sections:
        _section(doc, section, fmt)
    doc.add_paragraph(outline.footer, style=NOTE_STYLE)
    _languages(doc, _LANGUAGES[fmt.lang])
    _properties(doc, outline, fmt)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
