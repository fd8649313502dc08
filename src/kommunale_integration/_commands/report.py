"""``kommunale-integration report PATH --period P``: the annual report (Jahresbericht)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``report`` sub-command."""
    parser = subparsers.add_parser(
        "report",
        help="build the annual report (Jahresbericht) as HTML, Markdown or DOCX",
        description=(
            "Build the annual report for the committee: Vorlage header, goals, measures, "
            "Kennzahlen with charts, network activities, actors and offers, annexes. "
            "Without --output, HTML and Markdown go to stdout."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="the concept (folder or YAML/JSON/TOML file)")
    parser.add_argument("--period", required=True, metavar="P", help="report period, e.g. 2025")
    parser.add_argument("--format", choices=("html", "md", "docx"), default="html")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--lang", choices=("de", "en"), default="de")
    parser.add_argument("--cases", metavar="FILE", help="case export cases.csv (with --events)")
    parser.add_argument("--events", metavar="FILE", help="case export events.csv (with --cases)")
    parser.add_argument(
        "--no-suppression",
        action="store_true",
        help="no disclosure control (the report is marked INTERN)",
    )
    parser.add_argument("--previous", metavar="PATH", help="predecessor concept to compare with")
    parser.add_argument(
        "--document-number", metavar="NR", help="number of the Vorlage, e.g. SV-10-0123"
    )
    parser.add_argument("--subject", metavar="TEXT", help="subject (Betreff) of the Vorlage")
    parser.add_argument(
        "--meeting-date",
        metavar="DATE",
        help="date of the committee meeting, e.g. 18.03.2026 (default: the concept's)",
    )
    parser.add_argument("--templates", metavar="DIR", help="folder with own Jinja2 templates")
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="CODE",
        help="leave a finding code out of the report (repeatable), e.g. "
        "--disable duplicate-structure-unconfirmed",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the report; return the exit code."""
    from .._errors import KommunaleIntegrationError
    from .._periods import ReportPeriod
    from .._reports import DEFAULT_DISCLOSURE, Vorlage, build_report
    from .._reports._cli_support import emit, load_concept_path

    if bool(args.cases) != bool(args.events):
        raise KommunaleIntegrationError("--cases and --events must be given together")
    period = ReportPeriod.parse(args.period)
    concept = load_concept_path(args.path)
    period = ReportPeriod.parse(args.period, budget_start_month=concept.fiscal_year_start)
    previous = load_concept_path(args.previous) if args.previous else None
    cases = None
    inputs: tuple[str, ...] = (args.path,)
    if args.cases:
        from .._cases import read_cases

        cases = read_cases(args.cases, args.events)
        inputs += (args.cases, args.events)
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
    )
    emit(data, args.output, inputs=inputs)
    return 0


def _meeting_date(text: str | None) -> date | None:
    """The ``--meeting-date`` value as a date (ISO or German), or ``None``."""
    from .._errors import KommunaleIntegrationError
    from .._parse import ParseError, parse_date

    if text is None:
        return None
    try:
        return parse_date(text)
    except ParseError as error:
        raise KommunaleIntegrationError(f"--meeting-date {text!r}: {error}") from None
