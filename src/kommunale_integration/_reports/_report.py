"""``build_report``: the Jahresbericht in HTML, Markdown or DOCX."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, overload

from .._errors import InvalidValueError, shown
from .._io import atomic_write
from .._model import Concept
from .._periods import ReportPeriod
from ._context import ReportContext, Vorlage, build_context
from ._format import Formatter
from ._outline import build_outline, default_subject

if TYPE_CHECKING:
    from .._cases import CaseData
    from .._engine import DisclosureControl
    from ..typing import IndicatorRows

__all__ = ["DEFAULT_DISCLOSURE", "build_report", "report_context"]


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT_DISCLOSURE"


#: The default disclosure control (the engine's defaults: counts 1–2 suppressed).
DEFAULT_DISCLOSURE: Any = _Default()

ReportFormat = Literal["html", "md", "docx"]
_FORMATS = ("html", "md", "docx")


def _period(period: ReportPeriod | str, concept: Concept) -> ReportPeriod:
    if isinstance(period, ReportPeriod):
        return period
    return ReportPeriod.parse(str(period), budget_start_month=concept.fiscal_year_start)


def report_table(
    concept: Concept,
    cases: Any,
    period: ReportPeriod,
    disclosure: Any = DEFAULT_DISCLOSURE,
    *,
    workers: int | None = None,
) -> Any:
    """Compute the indicator table of the report for the trend periods from case data.

    Everything published with the report (the ``kennzahlen`` CSV of ``demo``) must come
    from this one table, so that one release shows one pattern of suppressions.
    """
    from .._cases import CaseData
    from .._engine import compute_indicators
    from .._engine.compute import concept_cases
    from ._context import TREND_PERIODS, _shift

    periods = [p for step in range(TREND_PERIODS) if (p := _shift(period, -step)) is not None]
    if isinstance(cases, CaseData):
        cases = concept_cases(concept, cases)  # the cases the report counts
    # Periods that end before the first case of the export would show zeros that only
    # mean "no data yet"; the trend starts with the export (the concept's part of it).
    opened = getattr(cases, "opened", None)
    if opened:
        first = date.fromordinal(min(opened))
        periods = [p for p in periods if p.end >= first or p == period]
    kwargs: dict[str, Any] = {"workers": workers}
    if disclosure is not DEFAULT_DISCLOSURE:
        kwargs["disclosure"] = disclosure
    return compute_indicators(concept, cases, periods=sorted(periods), **kwargs)


def report_context(
    concept: Concept,
    period: ReportPeriod | str,
    *,
    lang: str = "de",
    cases: CaseData | None = None,
    table: IndicatorRows | None = None,
    previous: Concept | None = None,
    today: date | None = None,
    disclosure: DisclosureControl | None = DEFAULT_DISCLOSURE,
    vorlage: Vorlage | None = None,
    disable: Iterable[str] = (),
    workers: int | None = None,
) -> ReportContext:
    """Return the unformatted content of the Jahresbericht (see :func:`build_report`).

    Useful to build an own output (a web page of the intranet, a JSON feed) from exactly
    the figures the report shows.

    .. versionadded:: 0.1.0
    """
    from .._validation import validate

    fmt = Formatter(lang)
    when = _period(period, concept)
    # The findings the report shows (duplicates, stale entries, gaps) are judged on the
    # last day of the period; accepted ones go to an annex, switched-off ones nowhere.
    review = validate(
        concept, period=when, today=when.end, disabled=disable, lang=lang, plugins=False
    )
    internal = disclosure is None or bool(getattr(table, "internal", False))
    cases_from: date | None = None
    if cases is not None:
        from .._engine.compute import concept_cases

        cases = concept_cases(concept, cases)  # the cases the report counts, said once
        cases_from = date.fromordinal(min(cases.opened)) if len(cases) else None
        computed = report_table(concept, cases, when, disclosure, workers=workers)
        internal = internal or bool(getattr(computed, "internal", False))
        table = computed if table is None else [*_rows(computed), *_rows(table)]
    return build_context(
        concept,
        when,
        table=table,
        previous=previous,
        today=today or date.today(),  # noqa: DTZ011 - a calendar day, no time zone
        vorlage=vorlage,
        internal=internal,
        default_subject=default_subject(fmt, when, concept.title),
        default_resolution=fmt.t("default_resolution"),
        accepted=review.accepted,
        disabled=frozenset(disable),
        cases_from=cases_from,
    )


def _rows(table: Any) -> list[Any]:
    return list(getattr(table, "rows", table))


@overload
def build_report(
    concept: Concept,
    period: ReportPeriod | str,
    *,
    format: Literal["html", "md"] = "html",
    output: str | os.PathLike[str] | None = None,
    lang: str = "de",
    cases: CaseData | None = None,
    table: IndicatorRows | None = None,
    previous: Concept | None = None,
    today: date | None = None,
    templates: str | os.PathLike[str] | None = None,
    disclosure: DisclosureControl | None = DEFAULT_DISCLOSURE,
    vorlage: Vorlage | None = None,
    disable: Iterable[str] = (),
    workers: int | None = None,
) -> str: ...


@overload
def build_report(
    concept: Concept,
    period: ReportPeriod | str,
    *,
    format: Literal["docx"],
    output: str | os.PathLike[str] | None = None,
    lang: str = "de",
    cases: CaseData | None = None,
    table: IndicatorRows | None = None,
    previous: Concept | None = None,
    today: date | None = None,
    templates: str | os.PathLike[str] | None = None,
    disclosure: DisclosureControl | None = DEFAULT_DISCLOSURE,
    vorlage: Vorlage | None = None,
    disable: Iterable[str] = (),
    workers: int | None = None,
) -> bytes: ...


def build_report(
    concept: Concept,
    period: ReportPeriod | str,
    *,
    format: ReportFormat = "html",
    output: str | os.PathLike[str] | None = None,
    lang: str = "de",
    cases: CaseData | None = None,
    table: IndicatorRows | None = None,
    previous: Concept | None = None,
    today: date | None = None,
    templates: str | os.PathLike[str] | None = None,
    disclosure: DisclosureControl | None = DEFAULT_DISCLOSURE,
    vorlage: Vorlage | None = None,
    disable: Iterable[str] = (),
    workers: int | None = None,
) -> str | bytes:
    """Build the annual report (Jahresbericht) of *concept* for *period*.

    The report follows the form of a council paper (Vorlage): subject, document number,
    receiving body and proposed resolution; then the starting point and legal bases,
    per Handlungsfeld the goals, measures with status and Kennzahlen with value, change,
    target attainment and a chart, the network activities of the period, actors and
    offers (new, changed, stale, duplicate structures, gaps per municipality), the
    outlook and the annexes (indicator definitions, glossary, abbreviations, symbols).

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        period: The report period (Berichtszeitraum), e.g. ``"2025"``.
        format: ``"html"`` (one self-contained file), ``"md"`` (Markdown) or ``"docx"``
            (Word; needs the ``docx`` extra).
        output: When given, the report is also written there, atomically.
        lang: ``"de"`` (default) or ``"en"``.
        cases: Case data from ``read_cases``; the indicator
            engine computes the case-based Kennzahlen from it.
        table: An indicator table (rows with ``indicator``, ``period``, ``territory``,
            ``dims``, ``value``, ``status``); its values replace the concept's own
            observations cell by cell.
        previous: The predecessor concept; new, changed and removed actors and offers
            are then found by comparing with it.
        today: The report date (default: today); stale entries are judged against it.
        templates: A folder with Jinja2 templates that override the built-in ones.
        disclosure: Disclosure control for values computed from *cases* (default: the
            engine's defaults). ``None`` switches it off; the report then carries the
            banner "INTERN – nicht zur Veröffentlichung".
        vorlage: The council-paper header (:class:`Vorlage`); missing parts come from
            the concept.
        disable: Finding codes to leave out of the report, e.g.
            ``{"duplicate-structure-unconfirmed"}`` (the same codes as
            :func:`~kommunale_integration.validate`; an unknown code is refused).
            Findings the concept accepts (``accepted_findings``) leave the main text
            anyway and are listed with their reason in the annex.
        workers: Processes that protect the counts computed from *cases* at the same
            time (see :func:`~kommunale_integration.compute_indicators`; default: one
            per usable CPU core, used for large tables only; ``1``: none).

    Returns:
        The report as ``str`` (HTML, Markdown) or ``bytes`` (DOCX).

    Raises:
        InvalidValueError: unknown format or language.
        TemplateError: a template is missing or uses an undefined value.
        MissingExtraError: DOCX without the ``docx`` extra.
        OutputError: *output* could not be written safely.
        ValidationConfigError: *disable* names an unknown finding code.

    Example:
        >>> concept = ki.Concept(id="k", title="Integrationskonzept", territory="05558")
        >>> md = ki.build_report(concept, "2025", format="md", today=datetime.date(2026, 1, 5))
        >>> md.splitlines()[0]
        '# Jahresbericht 2025 zum Integrationskonzept'

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 *workers*.
    """
    if format not in _FORMATS:
        raise InvalidValueError(
            "format",
            "expected one of {allowed}, got {found}",
            allowed=", ".join(_FORMATS),
            found=shown(format),
        )
    fmt = Formatter(lang)
    ctx = report_context(
        concept,
        period,
        lang=lang,
        cases=cases,
        table=table,
        previous=previous,
        today=today,
        disclosure=disclosure,
        vorlage=vorlage,
        disable=disable,
        workers=workers,
    )
    outline = build_outline(ctx, fmt)
    data: str | bytes
    if format == "html":
        from ._html import render_report_html

        data = render_report_html(ctx, fmt, outline, templates=templates)
    elif format == "md":
        from ._markdown import render_report_md

        data = render_report_md(ctx, fmt, outline, templates=templates)
    else:
        from ._docx import render_report_docx

        data = render_report_docx(ctx, fmt, outline)
    if output is not None:
        atomic_write(output, data)
    return data
