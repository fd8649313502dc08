"""HTML rendering of the Jahresbericht: one self-contained, accessible page."""

from __future__ import annotations

import os

from markupsafe import Markup

from ._charts import trend_svg
from ._context import ReportContext
from ._format import Formatter
from ._outline import Chart, Outline
from ._templates import environment, render

__all__ = ["render_report_html"]


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

    return render(
        env,
        "report.html.j2",
        ctx=ctx,
        outline=outline,
        chart=chart,
        running_header=outline.running_header,
        # "Seite 2 von 12" as the DOCX has it (a bare "2" before)
        page_of=(fmt.t("page"), fmt.t("page_of")),
    )
