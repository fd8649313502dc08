"""``kommunale-integration directory`` and ``calendar``: the Wegweiser site and its .ics files."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._i18n import ntr, tr
from ._common import (
    EXIT_OK,
    add_output_option,
    add_templates_option,
    inputs_of,
    load_concept_path,
)

__all__ = ["register", "run", "run_calendar"]


def _language(value: str) -> str:
    from .._i18n import normalise_language

    code = normalise_language(value)
    if not code.isalpha() or not 2 <= len(code) <= 3:
        raise argparse.ArgumentTypeError(
            tr("expected a language code such as de, ar, uk; got {found}", found=repr(value))
        )
    return code


def register(subparsers: Any) -> None:
    """Add the ``directory`` and ``calendar`` sub-commands."""
    parser = subparsers.add_parser(
        "directory",
        help=tr("build the Wegweiser (actor and offer directory) as a static site"),
        description=tr(
            "Build a self-contained static site of all current offers and their actors, "
            "one folder per language (de, en, ar, fa, uk, ru, tr, ti), filterable by "
            "municipality, field of action, target group, language, weekday, age and cost, "
            "with calendar files. The folder is replaced only when the new site is complete."
        ),
    )
    parser.add_argument(
        "path", metavar="PATH", help=tr("the concept (folder or YAML/JSON/TOML file)")
    )
    add_output_option(parser, folder=True, required=True)
    parser.add_argument(
        "--lang",
        action="append",
        type=_language,
        metavar="LANG",
        help=tr("build this language (repeatable; default: every interface language)"),
    )
    add_templates_option(parser)
    parser.set_defaults(func=run)

    calendar = subparsers.add_parser(
        "calendar",
        help=tr("write an .ics calendar file per offer and per network"),
        description=tr(
            "Write one iCalendar file per current offer with a schedule rule "
            "(angebot-<id>.ics) and per network with a meeting rule (netzwerk-<id>.ics) "
            "into a folder, replaced only when complete. Needs the extra 'ics'."
        ),
    )
    calendar.add_argument(
        "path", metavar="PATH", help=tr("the concept (folder or YAML/JSON/TOML file)")
    )
    add_output_option(calendar, folder=True, required=True)
    calendar.add_argument(
        "--uid-domain", default="kommunale-integration", help=tr("domain part of the event UIDs")
    )
    calendar.set_defaults(func=run_calendar)


def run(args: argparse.Namespace) -> int:
    """Build the site; return the exit code."""
    from .._reports import build_directory

    concept = load_concept_path(args.path)
    target = build_directory(
        concept,
        args.output,
        languages=args.lang,
        templates=args.templates,
        inputs=inputs_of(args, args.path),
    )
    print(tr("directory written to {path}", path=target / "index.html"), file=sys.stderr)
    return EXIT_OK


def run_calendar(args: argparse.Namespace) -> int:
    """Write the calendar files; return the exit code."""
    from datetime import UTC, datetime

    from .._reports._calendar import write_calendars

    concept = load_concept_path(args.path)
    now = datetime.now(UTC)
    written = write_calendars(
        concept,
        args.output,
        today=now.date(),
        dtstamp=now.replace(microsecond=0),
        uid_domain=args.uid_domain,
        inputs=(args.path,),
    )
    print(
        ntr(
            "{n} calendar file written to {path}",
            "{n} calendar files written to {path}",
            len(written),
            path=args.output,
        ),
        file=sys.stderr,
    )
    return EXIT_OK
