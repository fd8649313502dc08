"""``kommunale-integration schema TYPE [--output FILE]``: the JSON Schema of a model type."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._i18n import tr
from ._common import EXIT_OK, add_output_option, emit

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``schema`` sub-command."""
    parser = subparsers.add_parser(
        "schema",
        help=tr("print the JSON Schema of a model type (for form builders)"),
        description=tr(
            "Print the JSON Schema (draft 2020-12) of a model type such as Actor, Offer or "
            "Concept. Names are case-insensitive."
        ),
    )
    parser.add_argument("type", metavar="TYPE", help=tr("model type, e.g. Actor, offer, concept"))
    add_output_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the schema; return the exit code."""
    from .._schema import json_schema

    text = json.dumps(json_schema(args.type), ensure_ascii=False, indent=2) + "\n"
    emit(text, args.output)
    return EXIT_OK
