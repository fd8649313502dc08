"""``kommunale-integration report PATH --period P``: the annual report (Jahresbericht)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from .._i18n import tr
from ._common import (
    EXIT_OK,
    add_case_options,
    add_format_option,
    add_lang_option,
    add_output_option,
    add_templates_option,
    add_workers_option,
    case_files,
    emit,
    inputs_of,
    load_concept_paths,
    read_case_export,
)

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``report`` sub-command."""
    parser = subparsers.add_parser(
        "report",
        help=tr("build the annual report (Jahresbericht) as HTML, Markdown or DOCX"),
        description=tr(
            "Build the annual report for the committee: Vorlage header, goals, measures, "
            "Kennzahlen with charts, network activities, actors and offers, annexes. "
            "Without --output, HTML and Markdown go to stdout."
        ),
    )
    parser.add_argument(
        "path", metavar="PATH", help=tr("the concept (folder or YAML/JSON/TOML file)")
    )
    parser.add_argument("--period", required=True, metavar="P", help=tr("report period, e.g. 2025"))
    add_format_option(parser, ("html", "md", "docx"), "html")
    add_output_option(parser)
    add_lang_option(parser)
    add_case_options(parser)
    parser.add_argument(
        "--no-suppression",
        action="store_true",
        help=tr("no disclosure control (the report is marked INTERN)"),
    )
    parser.add_argument(
        "--previous", metavar="PATH", help=tr("predecessor concept to compare with")
    )
    parser.add_argument(
        "--document-number", metavar="NR", help=tr("number of the Vorlage, e.g. SV-10-0123")
    )
    parser.add_argument("--subject", metavar="TEXT", help=tr("subject (Betreff) of the Vorlage"))
    parser.add_argument(
        "--meeting-date",
        metavar="DATE",
        help=tr("date of the committee meeting, e.g. 18.03.2026 (default: the concept's)"),
    )
    add_templates_option(parser)
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="CODE",
        help=tr(
            "leave a finding code out of the report (repeatable), e.g. "
            "--disable duplicate-structure-unconfirmed"
        ),
    )
    add_workers_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the report; return the exit code."""
    from .._periods import ReportPeriod
    from .._reports import DEFAULT_DISCLOSURE, Vorlage, build_report

    case_files(args)  # --cases and --events together, before the concept is loaded
    period = ReportPeriod.parse(args.period)
    concept, *earlier = load_concept_paths(args.path, *([args.previous] if args.previous else []))
    period = ReportPeriod.parse(args.period, budget_start_month=concept.fiscal_year_start)
    previous = earlier[0] if earlier else None
    cases = read_case_export(args, concept=concept)
    inputs = inputs_of(args, args.path, args.previous)
    data = build_report(
        concept,
        period,
        format=args.format,
        lang=args.lang,
        cases=cases,
        previous=previous,
        templates=args.templates,
        disclosure=None if args.no_suppression else DEFAULT_DISCLOSURE,
        vorlage=Vorlage(
            subject=args.subject,
            document_number=args.document_number,
            meeting_date=_meeting_date(args.meeting_date),
        ),
        disable=args.disable,
        workers=args.workers,
    )
    emit(data, args.output, inputs=inputs)
    return EXIT_OK


def _meeting_date(text: str | None) -> date | None:
    """The ``--meeting-date`` value as a date (ISO or German), or ``None``."""
    from .._errors import KommunaleIntegrationError, shown
    from .._i18n import tr
    from .._parse import ParseError, parse_date

    if text is None:
        return None
    try:
        return parse_date(text)
    except ParseError as error:
        raise KommunaleIntegrationError(
            tr("invalid --meeting-date {found}: {problem}", found=shown(text), problem=error)
        ) from None
