"""``kommunale-integration plan PATH``: the Handlungsplan (action plan)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``plan`` sub-command."""
    parser = subparsers.add_parser(
        "plan",
        help="build the action plan (Handlungsplan): measures by field and status",
        description=(
            "Build the action plan with the measures by field of action and status, for "
            "the whole area or one municipality."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="the concept (folder or YAML/JSON/TOML file)")
    parser.add_argument("--format", choices=("html", "md"), default="html")
    parser.add_argument("--municipality", metavar="AGS", help="only measures that apply there")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--lang", choices=("de", "en"), default="de")
    parser.add_argument("--templates", metavar="DIR", help="folder with own Jinja2 templates")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the plan; return the exit code."""
    from .._reports import build_action_plan
    from .._reports._cli_support import emit, load_concept_path

    text = build_action_plan(
        load_concept_path(args.path),
        format=args.format,
        municipality=args.municipality,
        lang=args.lang,
        templates=args.templates,
    )
    emit(text, args.output, inputs=(args.path,))
    return 0
