"""``kommunale-integration plan PATH``: the Handlungsplan (action plan)."""

from __future__ import annotations

import argparse
from typing import Any

from .._i18n import tr
from ._common import (
    EXIT_OK,
    add_format_option,
    add_lang_option,
    add_output_option,
    add_templates_option,
    emit,
    inputs_of,
    load_concept_path,
)

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``plan`` sub-command."""
    parser = subparsers.add_parser(
        "plan",
        help=tr("build the action plan (Handlungsplan): measures by field and status"),
        description=tr(
            "Build the action plan with the measures by field of action and status, for "
            "the whole area or one municipality."
        ),
    )
    parser.add_argument(
        "path", metavar="PATH", help=tr("the concept (folder or YAML/JSON/TOML file)")
    )
    add_format_option(parser, ("html", "md"), "html")
    parser.add_argument("--municipality", metavar="AGS", help=tr("only measures that apply there"))
    add_output_option(parser)
    add_lang_option(parser)
    add_templates_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the plan; return the exit code."""
    from .._reports import build_action_plan

    text = build_action_plan(
        load_concept_path(args.path),
        format=args.format,
        municipality=args.municipality,
        lang=args.lang,
        templates=args.templates,
    )
    emit(text, args.output, inputs=inputs_of(args, args.path))
    return EXIT_OK
