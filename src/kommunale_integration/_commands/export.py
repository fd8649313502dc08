"""``kommunale-integration export hsds PATH --output DIR [--form json|tabular|both]``.

Exports the actors and offers of a concept as Open Referral HSDS 3.0.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._i18n import ntr, tr
from ._common import EXIT_OK, add_output_option

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``export`` sub-command (with the target ``hsds``)."""
    parser = subparsers.add_parser(
        "export",
        help=tr("export data in an open standard (hsds: actors and offers as Open Referral HSDS)"),
        description=tr("Export data of a concept in an open standard format."),
    )
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    hsds = targets.add_parser(
        "hsds",
        help=tr("actors and offers as Open Referral HSDS 3.0"),
        description=tr(
            "Export the actors (organizations) and offers (services) of a concept as Open "
            "Referral HSDS 3.0: JSON documents and/or the tabular data package (CSV files "
            "and datapackage.json). With --form both (default) DIR gets json/ and tabular/."
        ),
    )
    hsds.add_argument("path", metavar="PATH", help=tr("concept folder or YAML/JSON/TOML file"))
    add_output_option(hsds, folder=True, required=True)
    hsds.add_argument(
        "--form",
        choices=("json", "tabular", "both"),
        default="both",
        help=tr("json documents, the tabular data package, or both (default)"),
    )
    hsds.set_defaults(func=run_hsds)


def run_hsds(args: argparse.Namespace) -> int:
    """Load the concept and write the HSDS export; return the exit code."""
    from .. import load_concept
    from .._hsds import export_hsds

    concept = load_concept(args.path)
    out = export_hsds(concept, args.output, form=args.form, inputs=[args.path])
    forms = {
        "json": tr("JSON documents"),
        "tabular": tr("tabular data package"),
        "both": tr("JSON documents and tabular data package"),
    }
    print(  # where the export went, like every command with --output (stderr)
        tr(
            "exported {actors} and {offers} as HSDS ({form}) to {path}",
            actors=ntr("{n} actor", "{n} actors", len(concept.actors)),
            offers=ntr("{n} offer", "{n} offers", len(concept.offers)),
            form=forms[args.form],
            path=out,
        ),
        file=sys.stderr,
    )
    return EXIT_OK
