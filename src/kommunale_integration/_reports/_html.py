"""HTML rendering of the Jahresbericht: one self-contained, accessible page."""

from __future__ import annotations

import os

from markupsafe import Markup

from ._charts import has_chart, trend_svg
from ._context import Figure, ReportContext
from ._format import Formatter
from ._templates import environment, render

__all__ = ["render_report_html"]


def render_report_html(
    ctx: ReportContext, fmt: Formatter, *, templates: str | os.PathLike[str] | None = None
) -> str:
    """Render *ctx* with ``report.html.j2`` (inline CSS and SVG, no external request)."""
    env = environment("html", fmt, templates)

    def chart(figure: Figure, chart_id: str) -> Markup:
        if not has_chart(figure):
            return Markup("")
        return Markup(trend_svg(figure, fmt, chart_id=chart_id))  # noqa: S704 - our own SVG

    running = f"{ctx.vorlage.subject}"
    return render(env, "report.html.j2", ctx=ctx, chart=chart, running_header=running)
