"""``kommunale-integration init DIR``: a new concept for another town, from the template."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .._i18n import ntr, tr
from ._common import EXIT_OK, say


def register(subparsers: Any) -> None:
    """Add the ``init`` sub-command."""
    from .._examples import DOMINANCE, KIND_ALIASES
    from .territories import add_catalogue_option

    parser = subparsers.add_parser(
        "init",
        help=tr("create a new concept folder for your town from the commented template"),
        description=tr(
            "Create DIR with a commented konzept.yaml and empty tables (akteure.csv, "
            "angebote.csv, kontakte.csv, massnahmen.csv, kennzahlwerte.csv, "
            "sitzungen.csv) that validate and build a report straight away. "
            "DIR must not exist or be empty."
        ),
    )
    parser.add_argument("dir", metavar="DIR", type=Path, help=tr("the new concept folder"))
    parser.add_argument(
        "--name",
        help=tr(
            "name of the Stadt, Gemeinde or Kreis, looked up in the Gemeindeverzeichnis "
            "(e.g. Wettringen, 'Stadt Coesfeld', 'Kreis Steinfurt'); a name several "
            "places share means the one with at least {dominance} times the inhabitants of "
            "each other one (with a warning naming the others), else they are listed; "
            "default: the folder name, or the official name when --ags is given",
            dominance=DOMINANCE,
        ),
    )
    parser.add_argument(
        "--ags",
        help=tr(
            "Amtlicher Gemeindeschlüssel: 8 digits for a Stadt or Gemeinde, 5 for a Kreis "
            "(which brings all its Städte and Gemeinden)"
        ),
    )
    parser.add_argument(
        "--kind",
        choices=sorted(KIND_ALIASES),
        metavar="KIND",
        help=tr(
            "stadt, gemeinde, kreisfreie-stadt or kreis (also town, municipality, city, "
            "district); default: the kind in the Gemeindeverzeichnis"
        ),
    )
    parser.add_argument(
        "--kreis",
        metavar="KREIS",
        help=tr(
            "look the name up only in this Kreis: its AGS (5 digits) or name, e.g. "
            "'Landkreis Ansbach' (for a name several towns share)"
        ),
    )
    parser.add_argument(
        "--land",
        metavar="LAND",
        help=tr(
            "look the name up only in this Land: its AGS, name or abbreviation (Bayern, BY, 09)"
        ),
    )
    add_catalogue_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``init``: fill the template, check that the result loads, print next steps."""
    from .._examples import TEMPLATE_FILES, choose_territory, init_concept
    from .._i18n import tr
    from .._loaders import load_concept
    from .._parse import repair_ags
    from .._territories import record_territory_catalogue, stadtstaat_bezirk
    from .._validation import validate
    from .territories import chosen_catalogue

    folder: Path = args.dir
    if args.ags:
        code, repaired = repair_ags(args.ags)
        if repaired and len(code) in (5, 8):  # "0" is no AGS of a Kreis or Gemeinde
            say(
                "notice",
                tr(
                    "AGS {given} read as {ags} (leading zero added)",
                    given=args.ags.strip(),
                    ags=code,
                ),
            )
    name = args.name or (None if args.ags else folder.resolve().name)
    book = chosen_catalogue(args)
    ags = args.ags
    if not ags and name:
        # Chosen here so that the warning about namesakes is said once, not logged.
        choice = choose_territory(name, book, kreis=args.kreis, land=args.land)
        warning = choice.warning(book)
        if warning is not None:
            say("warning", warning)
        if len(choice.chosen.ags) == 8:
            for kreis in book.kreise_named(name):
                say(
                    "notice",
                    tr(
                        "Kreis of the same name: {kreis} ({ags}); for its concept, delete "
                        "the folder and run init again with --ags {ags}",
                        kreis=kreis.display_name,
                        ags=kreis.ags,
                    ),
                )
        # The official name of the unit chosen; a Bezirk of Berlin or Hamburg keeps its
        # own (the unit is the city).
        ags, name = choice.chosen.ags, (name if stadtstaat_bezirk(name) else None)
    init_concept(
        folder,
        name=name,
        ags=ags,
        kind=args.kind,
        catalogue=book,
        kreis=args.kreis,
        land=args.land,
    )
    if args.catalogue:
        # The new konzept.yaml (our own output) names the catalogue it was built on.
        record_territory_catalogue(folder, args.catalogue, book)
    concept = load_concept(folder)
    official = book.get(concept.territory)
    if official is not None and official.unmarked_grosse_kreisstadt and not args.kind:
        say(
            "notice",
            tr(
                "the Gemeindeverzeichnis does not mark the Große Kreisstädte of Sachsen and "
                "Thüringen (they are 'Stadt' there, like every other town): if {name} is one, "
                'write "der Großen Kreisstadt {name}" in the title in {file}',
                name=official.short_name,
                file=folder / "konzept.yaml",
            ),
        )
    print(tr("New concept created: {title}", title=concept.title))
    print(tr("Territory: {territory}", territory=book.describe(concept.territory)))
    towns = concept.municipalities()
    if len(concept.territory) == 5:
        print(ntr("with {n} town or municipality", "with {n} towns and municipalities", len(towns)))
    for finding in validate(concept, catalogue=book).findings:
        # a Bezirk's population: init_concept has warned with what to enter
        if finding.code.startswith("territory-") and finding.code != "territory-bezirk-population":
            say(finding.severity, finding.message)
    for file in TEMPLATE_FILES:
        print(tr("written: {path}", path=folder / file))
    print(tr("Next steps:"))
    print(tr("  1. fill in {path} and the tables", path=folder / "konzept.yaml"))
    print(f"  2. kommunale-integration validate {folder}")
    print(
        tr(
            "  3. kommunale-integration report {folder} --period YEAR --output report.html",
            folder=folder,
        )
    )
    return EXIT_OK
