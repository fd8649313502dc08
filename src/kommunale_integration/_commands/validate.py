"""``kommunale-integration validate PATH [--format text|json] [--profile NAME] [--period P
[--cases FILE --events FILE]]``.

Exit codes: 0 no errors, 1 errors found, 2 input unusable or wrong usage. Load errors
are reported in the same format as validation findings.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .._i18n import tr
from ._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNUSABLE,
    UsageError,
    add_case_options,
    add_lang_option,
    case_files,
    read_case_export,
)

if TYPE_CHECKING:
    from .._errors import Finding
    from .._model import Concept
    from .._validation import ValidationReport

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``validate`` sub-command to *subparsers*."""
    parser = subparsers.add_parser(
        "validate",
        help=tr("check a concept and report every problem (exit 0 ok, 1 errors, 2 unusable)"),
        description=tr(
            "Check an Integrationskonzept and report everything that is wrong or "
            "doubtful in one pass. Exit code 0: no errors; 1: errors found; 2: the "
            "input cannot be loaded or the usage is wrong."
        ),
    )
    parser.add_argument("path", metavar="PATH", help=tr("concept folder or YAML/JSON/TOML file"))
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=tr("report format (default: text)"),
    )
    parser.add_argument(
        "--profile",
        default="konzept",
        metavar="NAME",
        help=tr("validation profile: konzept (lenient, default) or steuerung (strict)"),
    )
    parser.add_argument(
        "--period",
        metavar="P",
        help=tr("report period (e.g. 2026) whose indicator values must be complete"),
    )
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="CODE",
        help=tr("switch off a finding code (repeatable), e.g. --disable coverage-gap"),
    )
    add_lang_option(parser, document=False)
    add_case_options(
        parser,
        tr(
            "cases.csv of the case export (with --events) and --period: the case-based "
            "Kennzahlen are computed as in the report and count as present"
        ),
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Load, validate and print the report; return the exit code."""
    from .._errors import LoadError
    from .._i18n import tr
    from .._validation import ValidationReport, validate

    if case_files(args) and not args.period:
        raise UsageError(tr("--cases and --events need --period (the period to check)"))
    try:
        concept, load_findings = _load(args.path, args.lang)
        cases = read_case_export(args, concept=concept)
    except LoadError as error:
        _emit(ValidationReport.from_load_error(error), args, to_stderr=args.format == "text")
        return EXIT_UNUSABLE
    from .._territories import catalogue_for

    report = validate(
        concept,
        args.profile,
        disabled=args.disable,
        period=args.period,
        lang=args.lang,
        cases=cases,
        catalogue=catalogue_for(concept, args.path),
    )
    if load_findings:
        report = ValidationReport(
            findings=sorted(
                (*load_findings, *report.findings),
                key=lambda f: f.severity.rank,
            ),
            profile=report.profile,
        )
    _emit(report, args, to_stderr=False)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _load(path: str, lang: str) -> tuple[Concept, tuple[Finding, ...]]:
    """Load the concept at *path*; return it with the warnings of the load."""
    from .._loaders import LoadOptions, load_concept_with_findings

    result = load_concept_with_findings(path, options=LoadOptions(lang=lang))
    return result.concept, tuple(result.findings)


def _emit(report: ValidationReport, args: argparse.Namespace, *, to_stderr: bool) -> None:
    text = report.to_json() if args.format == "json" else report.to_text(args.lang)
    print(text, file=sys.stderr if to_stderr else sys.stdout)
