"""``kommunale-integration indicators [PATH] --period P [--cases F --events F] …``.

Computes the Kennzahlen as the tidy table of ``DESIGN.md`` §6 (contract §8). Without a
concept PATH the default case-based indicators are computed and districts are derived
from the AGS. Disclosure control is on; ``--no-suppression`` is for internal use only
and marks the output.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .._i18n import ntr, tr
from ._common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    UsageError,
    add_case_options,
    add_format_option,
    add_output_option,
    add_workers_option,
    case_files,
    emit,
    inputs_of,
    not_stdout,
    output_file,
    read_case_export,
    say,
    say_written,
)

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``indicators`` sub-command to *subparsers*."""
    parser = subparsers.add_parser(
        "indicators",
        help=tr("compute the Kennzahlen (tidy CSV or JSON, disclosure control on)"),
        description=tr(
            "Compute the indicators (Kennzahlen) of a concept, or the default case-based "
            "indicators of a case-management export, per period, territory and "
            "breakdown. Small counts are suppressed (1 and 2 by default) together with "
            "every cell from which they could be recovered."
        ),
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        help=tr("concept folder or file (default: the default indicator catalogue)"),
    )
    parser.add_argument(
        "--period",
        required=True,
        metavar="P",
        help=tr("report period, e.g. 2025 (with its quarters and months), 2025-Q3, SJ2025/26"),
    )
    parser.add_argument(
        "--only",
        action="store_true",
        help=tr("compute only the given period, not its quarters and months"),
    )
    add_case_options(parser)
    parser.add_argument(
        "--by",
        default="",
        metavar="DIM,…",
        help=tr(
            "breakdowns, comma-separated: sex, legal_basis, age_group or a further "
            "column of cases.csv (the territory is always included)"
        ),
    )
    parser.add_argument(
        "--no-suppression",
        action="store_true",
        help=tr(
            "switch disclosure control off — INTERNAL USE ONLY; the output is marked "
            "(a CSV --output must have 'intern' in its name)"
        ),
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=3,
        metavar="N",
        help=tr(
            "suppress counts from 1 to N-1 (default 3; an indicator's own, stricter "
            "minimum wins, and the command says so)"
        ),
    )
    parser.add_argument(
        "--round",
        type=int,
        choices=(5, 10),
        dest="rounding",
        help=tr("round counts to multiples of 5 or 10 instead of suppressing them"),
    )
    # xlsx: for spreadsheets in any language (a German Excel opens the comma-separated
    # CSV with its decimal points as one column).
    add_format_option(parser, ("csv", "json", "xlsx"), "csv")
    add_output_option(parser)
    parser.add_argument(
        "--datapackage",
        metavar="DIR",
        type=not_stdout,  # a folder: "-" made a folder named "-"
        help=tr("also write indicators.csv and datapackage.json (Frictionless) into DIR"),
    )
    parser.add_argument(
        "--audit",
        metavar="FILE",
        help=tr(
            "also write the audit of disclosure control to FILE (CSV): every suppressed "
            "count with its true value and the smallest and largest value that the release "
            "allows — INTERNAL USE ONLY, the name must contain 'intern'"
        ),
    )
    add_workers_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``indicators``."""
    from .._engine import DisclosureControl, compute_indicators
    from .._periods import ReportPeriod

    if not args.path and not case_files(args):
        raise UsageError(
            tr("nothing to compute: give a concept PATH or a case export with --cases and --events")
        )
    output = output_file(args.output)  # None: stdout (no --output, or --output -)
    if args.format == "xlsx":
        if not output:
            raise UsageError(tr("--format xlsx writes a workbook: name its file with --output"))
        from .._errors import require_extra

        require_extra("openpyxl", "excel")  # before any work
    if args.threshold < 0:
        say("error", tr("--threshold must be 0 or more"))
        return EXIT_UNUSABLE
    if args.no_suppression and output and args.format != "json":
        from .._engine.table import check_internal_name

        check_internal_name(output)  # before any work
    if args.audit:
        _check_audit(args)
    from .._io import check_outputs

    outputs = [p for p in (output, args.audit) if p]
    folders = [args.datapackage] if args.datapackage else []
    check_outputs(outputs, folders, inputs_of(args, args.path))  # before any work
    period = ReportPeriod.parse(args.period)
    by = [part.strip() for part in args.by.split(",") if part.strip()]
    concept = None
    if args.path:
        from .. import load_concept

        concept = load_concept(args.path)
        period = ReportPeriod.parse(args.period, budget_start_month=concept.fiscal_year_start)
    cases = read_case_export(args, concept=concept, by=by)
    if concept is not None and cases is None:
        from .._model import CaseCount

        skipped = [
            i.id
            for i in concept.indicators
            if isinstance(i.numerator, CaseCount) or isinstance(i.denominator, CaseCount)
        ]
        if skipped:
            say(
                "notice",
                tr(
                    "{indicators} count cases and are left out: give the case export with "
                    "--cases and --events",
                    indicators=", ".join(skipped),
                ),
            )
    if args.no_suppression:
        disclosure = None
        say(
            "notice",
            tr(
                "disclosure control is OFF (--no-suppression): the result is for internal use "
                "only and must not be published"
            ),
        )
    else:
        disclosure = DisclosureControl(
            threshold=args.threshold,
            mode="round" if args.rounding else "suppress",
            base=args.rounding or 5,
        )
    table = compute_indicators(
        concept,
        cases,
        periods=[period],
        by=by,
        disclosure=disclosure,
        include_subperiods=not args.only,
        audit=bool(args.audit),
        workers=args.workers,
    )
    if disclosure is not None:
        _explain_threshold(table, disclosure)
    inputs = inputs_of(args, args.path)
    from .._io import written_together

    with written_together():  # one release: all old or all new, also after kill
        if args.datapackage:
            folder = table.write_datapackage(args.datapackage, inputs=inputs)
        if args.audit:
            _write_audit(table, args.audit, inputs)
        if output:
            table.write(output, args.format, inputs=inputs)
    if args.datapackage:
        say_written(folder / "datapackage.json")
    if args.audit:
        _say_audit(table, args.audit)
    if output:
        say_written(output)
    else:
        emit(table.render(args.format) + ("\n" if args.format == "json" else ""), None)
    return EXIT_OK


def _explain_threshold(table: Any, disclosure: Any) -> None:
    """Say when an indicator's own minimum overrides a lower ``--threshold`` (also
    for the counts it shares with other indicators: one count, one rule)."""
    from .._engine.compute import count_thresholds

    threshold = disclosure.threshold
    levels = count_thresholds(table.indicators, disclosure, table.dimensions)
    stricter = [
        f"{i.id} ({levels.get(i.id, i.confidentiality.threshold)})"
        for i in table.indicators
        if levels.get(i.id, i.confidentiality.threshold) > threshold
    ]
    if stricter:
        say(
            "notice",
            tr(
                "--threshold {threshold} does not apply to {indicators}: an indicator's own "
                "minimum is stricter and wins",
                threshold=threshold,
                indicators=", ".join(stricter),
            ),
        )


def _check_audit(args: argparse.Namespace) -> None:
    """``--audit`` needs suppression, and its file name must say that it is internal."""
    from .._engine.table import check_internal_name
    from .._errors import OutputError
    from .._i18n import tr

    if args.no_suppression or args.rounding:
        raise UsageError(
            tr("--audit lists the suppressed cells: it cannot be combined with {option}").format(
                option="--no-suppression" if args.no_suppression else "--round"
            )
        )
    try:
        check_internal_name(args.audit)  # before any work
    except OutputError:
        raise UsageError(
            tr(
                "{name}: the audit holds the true values of the suppressed cells (internal "
                "use only); its file name must say so, e.g. audit-intern.csv"
            ).format(name=Path(args.audit).name)
        ) from None


def _write_audit(table: Any, path: str, inputs: list[str | os.PathLike[str]]) -> None:
    """Write the audit (one row per suppressed count)."""
    import math

    from .._io import atomic_write, csv_text

    head = ["indicator", "period", "territory", *table.dimensions]
    rows: list[list[object]] = [[*head, "value", "protection", "low", "high", "exact"]]
    for cell in table.audit:
        rows.append(
            [
                cell.indicator,
                str(cell.period),
                cell.territory,
                *(v for _, v in cell.dims),  # values of the case export: formula guard
                cell.value,
                "primary" if cell.primary else "secondary",
                _figure(cell.low),
                "" if math.isinf(cell.high) else _figure(cell.high),
                "true" if cell.exact else "false",
            ]
        )
    atomic_write(path, csv_text(rows), inputs=inputs)


def _say_audit(table: Any, path: str) -> None:
    """Say what the audit written to *path* holds."""
    primary = [c for c in table.audit if c.primary]
    exposed = [c for c in table.audit if c.exposed]
    print(
        ntr(
            "notice: {path} holds the true values of {n} suppressed cell ({primary} "
            "primary) with the smallest and largest value that the release allows: "
            "internal use only, do not publish; cells an attacker could pin down or "
            "bound below the threshold: {exposed}",
            "notice: {path} holds the true values of {n} suppressed cells ({primary} "
            "primary) with the smallest and largest value that the release allows: "
            "internal use only, do not publish; cells an attacker could pin down or "
            "bound below the threshold: {exposed}",
            len(table.audit),
            path=path,
            primary=len(primary),
            exposed=len(exposed),
        ),
        file=sys.stderr,
    )


def _figure(value: float) -> str:
    """A bound as written in the audit: whole numbers without decimals."""
    return str(int(value)) if value == int(value) else f"{value:.3f}"
