"""Markdown rendering of the Jahresbericht (pipe tables, as GitHub and GitLab show them)."""

from __future__ import annotations

import os
import re

from ._context import ReportContext
from ._format import Formatter, plain
from ._outline import Outline
from ._templates import environment, render

__all__ = ["render_report_md", "tidy_markdown"]

_BLANKS = re.compile(r"\n{3,}")


def tidy_markdown(text: str) -> str:
    """Collapse runs of blank lines and end with exactly one newline."""
    return _BLANKS.sub("\n\n", text).strip() + "\n"


def render_report_md(
    ctx: ReportContext,
    fmt: Formatter,
    outline: Outline,
    *,
    templates: str | os.PathLike[str] | None = None,
) -> str:
    """Render *outline* with ``report.md.j2`` (Markdown has no language markup: the
    marks of :meth:`Formatter.own` are dropped)."""
    env = environment("md", fmt, templates)
    return tidy_markdown(plain(render(env, "report.md.j2", ctx=ctx, outline=outline)))
