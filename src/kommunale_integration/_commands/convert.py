"""``kommunale-integration convert SOURCE TARGET``: save a concept in another layout.

Reads a concept folder or a single YAML/JSON/TOML file and writes it as a single
``.yaml``/``.json`` file or as a concept folder with CSV or XLSX tables, e.g. to turn
the tables kept in Excel into one reviewable YAML file, or the other way round.
"""

from __future__ import annotations

import argparse
from typing import Any

from .._i18n import tr
from ._common import EXIT_OK

__all__ = ["register"]

_DELIMITERS = {";": ";", ",": ",", "tab": "\t", "\\t": "\t", "\t": "\t"}


def register(subparsers: Any) -> None:
    """Add the ``convert`` sub-command."""
    parser = subparsers.add_parser(
        "convert",
        help=tr("save a concept as one YAML/JSON file or as a folder with CSV/XLSX tables"),
        description=tr(
            "Load the concept SOURCE (a folder with konzept.yaml and tables, or a single "
            "YAML/JSON/TOML file) and save it as TARGET: a path ending in .yaml or .json "
            "is one file, any other path a concept folder with tables."
        ),
    )
    parser.add_argument("source", metavar="SOURCE", help=tr("concept folder or file"))
    parser.add_argument("target", metavar="TARGET", help=tr("file (.yaml, .json) or folder"))
    parser.add_argument(
        "--tables",
        choices=["csv", "xlsx", "none"],
        default="csv",
        help=tr("table format of a target folder (default csv; none: everything in konzept.yaml)"),
    )
    parser.add_argument(
        "--delimiter",
        choices=sorted(_DELIMITERS),
        default=";",
        help=tr("CSV delimiter (default ';' as German Excel expects)"),
    )
    parser.add_argument(
        "--encoding",
        choices=["utf-8", "utf-8-sig", "cp1252"],
        default="utf-8",
        help=tr("CSV encoding (default utf-8; utf-8-sig adds the BOM Excel looks for)"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load and save; return the exit code."""
    from .._loaders import load_concept, save_concept

    concept = load_concept(args.source)
    target = save_concept(
        concept,
        args.target,
        tables=None if args.tables == "none" else args.tables,
        delimiter=_DELIMITERS[args.delimiter],
        encoding=args.encoding,
        inputs=[args.source],
    )
    from .._i18n import tr

    print(tr("written: {path}", path=target))
    return EXIT_OK
