"""``kommunale-integration init DIR``: a new concept for another town, from the template."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``init`` sub-command."""
    from .._examples import KIND_ALIASES
    from .territories import add_catalogue_option

    parser = subparsers.add_parser(
        "init",
        help="create a new concept folder for your town from the commented template",
        description=(
            "Create DIR with a commented konzept.yaml and empty tables (akteure.csv, "
            "angebote.csv, kontakte.csv, massnahmen.csv, kennzahlwerte.csv, "
            "sitzungen.csv) that validate and build a report straight away. "
            "DIR must not exist or be empty."
        ),
    )
    parser.add_argument("dir", metavar="DIR", type=Path, help="the new concept folder")
    parser.add_argument(
        "--name",
        help=(
            "name of the Stadt, Gemeinde or Kreis, looked up in the Gemeindeverzeichnis "
            "(e.g. Wettringen, 'Stadt Coesfeld', 'Kreis Steinfurt'); default: the folder "
            "name, or the official name when --ags is given"
        ),
    )
    parser.add_argument(
        "--ags",
        help=(
            "Amtlicher Gemeindeschlüssel: 8 digits for a Stadt or Gemeinde, 5 for a Kreis "
            "(which brings all its Städte und Gemeinden)"
        ),
    )
    parser.add_argument(
        "--kind",
        choices=sorted(KIND_ALIASES),
        metavar="KIND",
        help=(
            "stadt, gemeinde, kreisfreie-stadt or kreis (also town, municipality, city, "
            "district); default: the kind in the Gemeindeverzeichnis"
        ),
    )
    add_catalogue_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``init``: fill the template, check that the result loads, print next steps."""
    from .._examples import TEMPLATE_FILES, init_concept
    from .._loaders import load_concept
    from .._parse import repair_ags
    from .._validation import validate
    from .territories import chosen_catalogue

    folder: Path = args.dir
    if args.ags:
        code, repaired = repair_ags(args.ags)
        if repaired:
            print(f"Hinweis: AGS {args.ags.strip()} als {code} gelesen (führende Null ergänzt)")
    name = args.name or (None if args.ags else folder.resolve().name)
    book = chosen_catalogue(args)
    init_concept(folder, name=name, ags=args.ags, kind=args.kind, catalogue=book)
    if args.catalogue:
        print(
            "Hinweis: tragen Sie in konzept.yaml 'territory_catalogue:' mit dem Pfad von "
            f"{args.catalogue} ein, damit validate und report dieses Verzeichnis verwenden."
        )
    concept = load_concept(folder)
    print(f"Neues Konzept angelegt: {concept.title}")
    print(f"Gebiet: {book.describe(concept.territory)}")
    towns = concept.municipalities()
    if len(concept.territory) == 5:
        print(f"mit {len(towns)} Städten und Gemeinden")
    for finding in validate(concept, catalogue=book).findings:
        if finding.code.startswith("territory-"):
            print(f"{finding.severity.name.lower()}: {finding.message}")
    for file in TEMPLATE_FILES:
        print(f"geschrieben: {folder / file}")
    print("Nächste Schritte:")
    print(f"  1. {folder / 'konzept.yaml'} und die Tabellen ausfüllen")
    print(f"  2. kommunale-integration validate {folder}")
    print(f"  3. kommunale-integration report {folder} --period JAHR --output bericht.html")
    return 0
