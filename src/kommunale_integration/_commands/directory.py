"""``kommunale-integration directory PATH --output DIR``: the actor directory site."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``directory`` sub-command."""
    parser = subparsers.add_parser(
        "directory",
        help="build the actor directory (Akteursverzeichnis / Wegweiser) as a static site",
        description=(
            "Build a self-contained static site of all actors and offers, filterable by "
            "municipality, field of action, target group and language. The folder is "
            "replaced only when the new site is complete."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="the concept (folder or YAML/JSON/TOML file)")
    parser.add_argument("--output", required=True, metavar="DIR", help="folder of the site")
    parser.add_argument("--lang", choices=("de", "en"), default="de")
    parser.add_argument("--templates", metavar="DIR", help="folder with own Jinja2 templates")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the site; return the exit code."""
    from .._reports import build_directory
    from .._reports._cli_support import load_concept_path

    concept = load_concept_path(args.path)
    target = build_directory(
        concept, args.output, lang=args.lang, templates=args.templates, inputs=(args.path,)
    )
    print(f"directory written to {target / 'index.html'}", file=sys.stderr)
    return 0
