"""``kommunale-integration import hsds DIR --output PATH [--into CONCEPT]``.

Imports Open Referral HSDS 3.0 data (JSON documents or the tabular data package) as
actors and offers and writes a concept file. The summary and every warning go to
stderr; values without a place in the model are kept in the ``extras`` of their actor
or offer (listed with ``-v``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from .._i18n import ntr, tr
from ._common import EXIT_OK, not_stdout

__all__ = ["register"]

log = logging.getLogger("kommunale_integration")


def register(subparsers: Any) -> None:
    """Add the ``import`` sub-command (with the source ``hsds``)."""
    parser = subparsers.add_parser(
        "import",
        help=tr("import data from an open standard (hsds: Open Referral HSDS)"),
        description=tr("Import data in an open standard format into a concept."),
    )
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    hsds = sources.add_parser(
        "hsds",
        help=tr("actors and offers from Open Referral HSDS 3.0"),
        description=tr(
            "Import organizations and services from Open Referral HSDS 3.0 (a folder of "
            "JSON documents, a JSON file, or a tabular data package with datapackage.json) "
            "as actors and offers, and write the concept to PATH (YAML or JSON by suffix; "
            "any other path is a concept folder with everything in konzept.yaml)."
        ),
    )
    hsds.add_argument("dir", metavar="DIR", help=tr("HSDS folder or file"))
    hsds.add_argument(
        "--output",
        type=not_stdout,
        required=True,
        metavar="PATH",
        help=tr("concept file to write"),
    )
    hsds.add_argument(
        "--into",
        metavar="CONCEPT",
        help=tr("concept whose actors and offers are replaced (everything else is kept)"),
    )
    hsds.set_defaults(func=run_hsds)


def run_hsds(args: argparse.Namespace) -> int:
    """Import the HSDS data and write the concept; return the exit code."""
    from .. import load_concept, save_concept
    from .._errors import Severity
    from .._hsds import import_hsds
    from ._common import say

    into = load_concept(args.into) if args.into else None
    concept, report = import_hsds(args.dir, into=into)
    inputs = [args.dir, *([args.into] if args.into else [])]
    save_concept(concept, args.output, tables=None, inputs=inputs)
    for finding in report.findings:
        if finding.severity is Severity.WARNING:
            say("warning", finding)
        elif finding.code == "hsds-form-chosen":  # which form was read: always said
            say("notice", finding)
        else:
            log.info("%s", finding)
    print(
        tr(
            "imported {actors} and {offers}; {unmapped} kept as extras; {warnings}",
            actors=ntr("{n} actor", "{n} actors", len(concept.actors)),
            offers=ntr("{n} offer", "{n} offers", len(concept.offers)),
            unmapped=ntr(
                "{n} value without a place in the model",
                "{n} values without a place in the model",
                len(report.unmapped),
            ),
            warnings=ntr("{n} warning", "{n} warnings", len(report.warnings)),
        ),
        file=sys.stderr,
    )
    return EXIT_OK
