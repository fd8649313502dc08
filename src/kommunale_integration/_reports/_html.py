"""HTML rendering of the Jahresbericht: one self-contained, accessible page."""

from __future__ import annotations

import os
import re
from typing import Final

from markupsafe import Markup

from ._charts import trend_svg
from ._context import ReportContext
from ._format import OWN_OPEN, Formatter, lang_parts, plain
from ._outline import Chart, Outline
from ._templates import environment, render

__all__ = ["mark_languages", "render_report_html"]

_TAGS: Final = re.compile(r"(<[^>]*>)")
_NAME: Final = re.compile(r"<(/?)([A-Za-z][\w-]*)")
#: Elements whose text is not markup (a ``<span>`` in a ``<title>`` is printed as text).
_RAW: Final = frozenset({"title", "textarea", "style", "script"})


def mark_languages(html: str) -> str:
    """*html* with every text of the concept marked by :meth:`Formatter.own` in an
    element of its language (``<span lang="de">Sprachkurse</span>`` in the English
    report: WCAG 3.1.2); in a tag (an ``aria-label``) and in the page's ``<title>`` the
    marks are dropped. The ``<title>`` of a chart's SVG (its accessible name) takes
    HTML, so the Kennzahl's name in it is marked too (it was not: the English report
    named the chart in English pronunciation). Done on the whole page, so a town's own
    template gets it too."""
    if OWN_OPEN not in html:  # the German report (Formatter.own marks nothing)
        return html
    out: list[str] = []
    raw: str | None = None
    svg = 0  # how deep inside <svg> elements: their <title> holds HTML, not raw text
    for piece in _TAGS.split(html):
        if piece.startswith("<"):
            out.append(plain(piece))
            tag = _NAME.match(piece)
            name = tag.group(2).lower() if tag else ""
            if name == "svg" and tag and not piece.endswith("/>"):
                svg += -1 if tag.group(1) else 1
            if raw is None and tag and not tag.group(1) and name in _RAW and not svg:
                raw = name
            elif raw is not None and tag and tag.group(1) and name == raw:
                raw = None
        elif raw is not None:
            out.append(plain(piece))
        else:
            out.extend(
                f'<span lang="{lang}">{text}</span>' if lang else text
                for text, lang in lang_parts(piece)
            )
    return "".join(out)


def render_report_html(
    ctx: ReportContext,
    fmt: Formatter,
    outline: Outline,
    *,
    templates: str | os.PathLike[str] | None = None,
) -> str:
    """Render *outline* with ``report.html.j2`` (inline CSS and SVG, no external request)."""
    env = environment("html", fmt, templates)

    def chart(block: Chart) -> Markup:
        svg = trend_svg(block.figure, fmt, chart_id="svg-" + block.chart_id)
        return Markup(svg)  # noqa: S704 - our own SVG, every text in it escaped

    return mark_languages(
        render(
            env,
            "report.html.j2",
            ctx=ctx,
            outline=outline,
            chart=chart,
            running_header=outline.running_header,
            # "Seite 2 von 12" as the DOCX has it (a bare "2" before)
            page_of=(fmt.t("page"), fmt.t("page_of")),
        )
    )
