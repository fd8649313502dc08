"""``kommunale-integration diff OLD NEW``: the Fortschreibung between two versions."""

from __future__ import annotations

import argparse
from typing import Any

from .._i18n import tr
from ._common import (
    EXIT_OK,
    add_format_option,
    add_lang_option,
    add_output_option,
    emit,
    load_concept_paths,
)

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``diff`` sub-command."""
    parser = subparsers.add_parser(
        "diff",
        help=tr("show what changed between two versions of a concept (Fortschreibung)"),
        description=tr(
            "Compare two versions of a concept: every collection (actors, offers, goals, "
            "measures with status changes, indicators, targets, decisions, territories, "
            "glossary, meetings …) and the concept's own settings (title, adoption, "
            "validity …), in German sentences (English with --lang en); says when NEW does "
            "not name OLD as its predecessor."
        ),
    )
    parser.add_argument("old", metavar="OLD", help=tr("the earlier concept (folder or file)"))
    parser.add_argument("new", metavar="NEW", help=tr("the revised concept (folder or file)"))
    add_format_option(parser, ("text", "md", "html"), "text")
    add_output_option(parser)
    add_lang_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compare the two concepts; return the exit code (0, also when they differ)."""
    from .._reports import diff_concepts

    old, new = load_concept_paths(args.old, args.new)
    diff = diff_concepts(old, new, lang=args.lang)
    render = {"text": diff.to_text, "md": diff.to_markdown, "html": diff.to_html}[args.format]
    emit(render(args.lang), args.output, inputs=(args.old, args.new))
    return EXIT_OK
