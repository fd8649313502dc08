"""``kommunale-integration catalogues``: the codes of the shipped catalogues."""

from __future__ import annotations

import argparse
from typing import Any

from .._i18n import tr
from ._common import add_lang_option


def register(subparsers: Any) -> None:
    """Add the ``catalogues`` sub-command."""
    from .._catalogues import CATALOGUE_NAMES

    parser = subparsers.add_parser(
        "catalogues",
        help=tr("list the codes of Handlungsfelder, actor categories, Rechtskreise, target groups"),
        description=tr(
            "Print the codes of the catalogues shipped with the library, with their labels "
            "and where the codes are used: Handlungsfelder (fields), actor categories, "
            "Rechtskreise (legal_bases), target groups and status symbols."
        ),
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=tr("catalogues to list (default: all): {names}", names=", ".join(CATALOGUE_NAMES)),
    )
    add_lang_option(parser, document=False)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the catalogues."""
    from .._catalogues import CATALOGUE_NAMES, catalogues_text
    from .._errors import KommunaleIntegrationError, shown
    from .._i18n import tr
    from ._common import EXIT_OK

    unknown = [n for n in args.names if n not in CATALOGUE_NAMES]
    if unknown:
        raise KommunaleIntegrationError(
            tr(
                "unknown catalogue {name}; the catalogues are {names}",
                name=shown(unknown[0]),
                names=", ".join(CATALOGUE_NAMES),
            )
        )
    print(catalogues_text(tuple(args.names) or CATALOGUE_NAMES, lang=args.lang), end="")
    return EXIT_OK
