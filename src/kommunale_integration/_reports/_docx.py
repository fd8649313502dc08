"""DOCX rendering of the Jahresbericht (python-docx; the ``docx`` extra).

Real Word headings (styles ``Title``, ``Heading 1`` …) and tables with a header row, so
that an administration can finish its Vorlage in Word; charts are PNG images drawn with
matplotlib. The text is the same as in the HTML and Markdown reports.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from .._errors import require_extra
from ._charts import chart_description, has_chart, trend_png
from ._context import ReportContext
from ._format import Formatter

__all__ = ["render_report_docx"]


def _table(doc: Any, caption: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    doc.add_paragraph(caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _repeat_header(row: Any) -> None:
    """Mark a table row as header row (repeated on every page, read as header)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _paragraphs(doc: Any, text: str | None) -> None:
    for paragraph in (text or "").split("\n\n"):
        if paragraph.strip():
            doc.add_paragraph(" ".join(paragraph.split()))


def render_report_docx(ctx: ReportContext, fmt: Formatter) -> bytes:
    """Render *ctx* as a Word document; return its bytes."""
    require_extra("docx", "docx")
    import docx
    from docx.shared import Cm, Pt, RGBColor

    t = fmt.t
    doc = docx.Document()
    doc.core_properties.title = ctx.vorlage.subject or ""
    doc.core_properties.language = fmt.locale.replace("_", "-")
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = ctx.vorlage.subject or ""
    header.runs[0].font.size = Pt(8)

    if ctx.internal:
        banner = doc.add_paragraph()
        run = banner.add_run(f"{t('internal_banner')} – {t('internal_note')}")
        run.bold = True
        run.font.color.rgb = RGBColor(0x8B, 0x00, 0x00)

    doc.add_heading(ctx.vorlage.subject or t("report"), level=0)
    _table(
        doc,
        t("vorlage"),
        [t("vorlage"), ""],
        [
            [t("subject"), ctx.vorlage.subject or ""],
            [t("document_number"), ctx.vorlage.document_number or t("not_assigned")],
            [t("body"), ctx.vorlage.body or t("not_named")],
            [t("resolution"), ctx.vorlage.resolution or ""],
        ],
    )

    doc.add_heading(f"1 {t('starting_point')}", level=1)
    _paragraphs(doc, ctx.starting_point)
    _paragraphs(doc, ctx.summary)
    if ctx.legal_bases:
        doc.add_heading(t("legal_bases"), level=2)
        for basis in ctx.legal_bases:
            text = f"{basis.law}{' ' + basis.paragraph if basis.paragraph else ''}: {basis.title}"
            if basis.url:
                text += f" ({basis.url})"
            if basis.summary:
                text += f" – {basis.summary}"
            doc.add_paragraph(text, style="List Bullet")

    doc.add_heading(f"2 {t('fields')}", level=1)
    for number, field in enumerate(ctx.fields, start=1):
        doc.add_heading(f"2.{number} {field.title}", level=2)
        _paragraphs(doc, field.description)
        doc.add_heading(t("goals"), level=3)
        if not field.goals:
            doc.add_paragraph(t("no_goals"))
        for goal in field.goals:
            doc.add_paragraph(f"{fmt.goal_kind(goal.kind)}: {goal.text}", style="List Bullet")
        doc.add_heading(t("measures"), level=3)
        if field.measures:
            _table(
                doc,
                f"{t('measures')}: {field.title}",
                [t("measure"), t("status"), t("responsible"), t("timeframe")],
                [
                    [
                        m.title,
                        fmt.status(m.status)
                        + (f" ({t('status_change')})" if m.status_changed else ""),
                        m.responsible or t("not_named"),
                        fmt.span(m.start, m.end),
                    ]
                    for m in field.measures
                ],
            )
        else:
            doc.add_paragraph(t("no_measures"))
        doc.add_heading(t("indicators"), level=3)
        if not field.figures:
            doc.add_paragraph(t("no_indicators"))
            continue
        missing = fmt.symbol("missing")
        _table(
            doc,
            f"{t('indicators')}: {field.title} ({ctx.territory_name}, {fmt.period(ctx.period)})",
            [t("indicator"), t("value"), t("previous"), t("change"), t("target"), t("attainment")],
            [
                [
                    f.indicator.name + (f" ({f.indicator.unit})" if f.indicator.unit else ""),
                    fmt.cell(f.current.value, f.current.status, f.decimals)
                    if f.current
                    else missing,
                    fmt.cell(f.previous.value, f.previous.status, f.decimals)
                    if f.previous
                    else missing,
                    fmt.signed(f.change_abs, f.decimals)
                    + (f" ({fmt.signed(f.change_rel, 1)} %)" if f.change_rel is not None else ""),
                    fmt.number(f.target, f.decimals),
                    fmt.number(f.attainment, 0),
                ]
                for f in field.figures
            ],
        )
        for f in field.figures:
            if has_chart(f):
                doc.add_picture(io.BytesIO(trend_png(f, fmt)), width=Cm(15))
                doc.add_paragraph(chart_description(f, fmt), style="Caption")
            if f.by_municipality:
                _table(
                    doc,
                    f"{f.indicator.name} {t('by_municipality')} ({fmt.period(ctx.period)})",
                    [t("municipality"), t("value")],
                    [
                        [name, fmt.cell(p.value, p.status, f.decimals)]
                        for _, name, p in f.by_municipality
                    ],
                )

    doc.add_heading(f"3 {t('networks')}", level=1)
    if not ctx.networks:
        doc.add_paragraph(t("no_meetings"))
    for network in ctx.networks:
        doc.add_heading(network.name, level=2)
        if network.coordinator:
            doc.add_paragraph(f"{t('coordinator')}: {network.coordinator}")
        _table(
            doc,
            f"{t('meetings')}: {network.name} ({fmt.period(ctx.period)})",
            [t("date"), t("participants"), t("topics"), t("results")],
            [
                [
                    fmt.date(m.date),
                    fmt.number(m.attendance, 0),
                    "; ".join(m.topics),
                    "; ".join(m.results),
                ]
                for m in network.meetings
            ],
        )

    actors = ctx.actors
    doc.add_heading(f"4 {t('actors_offers')}", level=1)
    rule = (
        t("rule_new_previous", version=actors.compared_with)
        if actors.compared_with
        else t("rule_new_period")
    )
    doc.add_paragraph(
        t(
            "summary_counts",
            actors=fmt.number(actors.actor_count, 0),
            offers=fmt.number(actors.offer_count, 0),
        )
        + " "
        + rule
    )
    for key, entries in (
        ("new_entries", actors.new),
        ("changed_entries", actors.changed),
        ("removed_entries", actors.removed),
    ):
        if entries:
            doc.add_heading(t(key), level=2)
            _table(
                doc,
                f"{t(key)}: {t('actors')} / {t('offers')}",
                [t("item"), t("kind"), t("actor")],
                [
                    [e.name, t("actor") if e.collection == "actors" else t("offer"), e.actor or ""]
                    for e in entries
                ],
            )
    if actors.stale:
        doc.add_heading(t("stale_entries"), level=2)
        _table(
            doc,
            t("stale_entries"),
            [t("item"), t("kind"), t("last_verified")],
            [
                [
                    e.name,
                    t("actor") if e.collection == "actors" else t("offer"),
                    fmt.date(e.last_verified) if e.last_verified else t("never_verified"),
                ]
                for e in actors.stale
            ],
        )
    if actors.duplicates:
        doc.add_heading(t("duplicates"), level=2)
        _table(
            doc,
            t("duplicates"),
            [f"{t('offer')} A", f"{t('offer')} B", t("fields"), t("territory")],
            [
                [
                    f"{d.offer_a} ({d.actor_a})",
                    f"{d.offer_b} ({d.actor_b})",
                    ", ".join(d.fields),
                    ", ".join(d.territories) if d.territories else t("whole_area"),
                ]
                for d in actors.duplicates
            ],
        )
    if actors.gaps:
        doc.add_heading(t("gaps"), level=2)
        _table(
            doc,
            t("gaps"),
            [t("municipality"), t("fields")],
            [[town, ", ".join(fields)] for town, fields in actors.gaps],
        )

    doc.add_heading(f"5 {t('outlook')}", level=1)
    if ctx.outlook:
        _paragraphs(doc, ctx.outlook)
    else:
        doc.add_paragraph(t("none"))

    doc.add_heading(t("annex"), level=1)
    doc.add_heading(t("indicator_definitions"), level=2)
    if ctx.indicators:
        _table(
            doc,
            t("indicator_definitions"),
            [t("indicator"), t("definition"), t("unit"), t("source")],
            [
                [
                    f"{i.name} ({i.id})",
                    " ".join(x for x in (i.definition, i.method_notes) if x),
                    i.unit or "",
                    f"{i.source or ''} ({i.origin})".strip(),
                ]
                for i in ctx.indicators
            ],
        )
    else:
        doc.add_paragraph(t("none"))
    if ctx.glossary:
        doc.add_heading(t("glossary"), level=2)
        _table(
            doc,
            t("glossary"),
            [t("term"), t("explanation")],
            [[g.term, g.definition] for g in ctx.glossary],
        )
    if ctx.abbreviations:
        doc.add_heading(t("abbreviations"), level=2)
        _table(
            doc,
            t("abbreviations"),
            [t("abbreviation"), t("long_form")],
            [[a.short, a.long] for a in ctx.abbreviations],
        )
    doc.add_heading(t("symbols"), level=2)
    _table(doc, t("symbols"), [t("symbol"), t("meaning")], fmt.symbol_legend())
    doc.add_paragraph(t("generated", date=fmt.date(ctx.today), version=_version()))

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _version() -> str:
    from .._version import __version__

    return __version__
