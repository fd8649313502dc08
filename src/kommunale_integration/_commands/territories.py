"""``kommunale-integration territories``: the Gemeindeverzeichnis inside the library.

``territories`` shows the Gebietsstand, the source and the attribution;
``territories find NAME`` lists the Kreise, Städte and Gemeinden of that name;
``territories show AGS`` one unit with its Städte und Gemeinden;
``territories update FILE --output PATH`` reads the official GV-ISys "Auszug" (XLSX or
CSV) and writes a catalogue a concept names in ``territory_catalogue``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from .._errors import KommunaleIntegrationError


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2024-12-31, got {text!r}") from None


def add_catalogue_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--catalogue FILE`` (a catalogue written by ``territories update``)."""
    parser.add_argument(
        "--catalogue",
        type=Path,
        metavar="FILE",
        help="a territory catalogue written by 'territories update' (default: the shipped one)",
    )


def chosen_catalogue(args: argparse.Namespace) -> Any:
    """The catalogue named by ``--catalogue``, else the shipped one."""
    from .._territories import load_territory_catalogue, territory_catalogue

    return load_territory_catalogue(args.catalogue) if args.catalogue else territory_catalogue()


def register(subparsers: Any) -> None:
    """Add the ``territories`` sub-command."""
    parser = subparsers.add_parser(
        "territories",
        help="the Gemeindeverzeichnis: Gebietsstand, look-up by name or AGS, update",
        description=(
            "Every Land, Kreis, Stadt and Gemeinde of Germany from the official "
            "Gemeindeverzeichnis of Destatis (GV-ISys). Without a sub-command: the "
            "Gebietsstand, the source and the attribution."
        ),
    )
    add_catalogue_option(parser)
    parser.set_defaults(func=_info)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    find = actions.add_parser("find", help="list the Kreise, Städte and Gemeinden of a name")
    find.add_argument("name", metavar="NAME")
    find.set_defaults(func=_find)
    show = actions.add_parser("show", help="one Kreis, Stadt or Gemeinde by its AGS")
    show.add_argument("ags", metavar="AGS")
    show.set_defaults(func=_show)
    update = actions.add_parser(
        "update",
        help="read the official GV-ISys Auszug (XLSX or CSV) into a catalogue file",
        description=(
            "Read the official Gemeindeverzeichnis 'Auszug' of Destatis (the XLSX as "
            "published, or its CSV form) and write a compact catalogue. Name it in "
            "konzept.yaml with 'territory_catalogue: FILE' and set 'gebietsstand:'."
        ),
    )
    update.add_argument("file", type=Path, metavar="FILE", help="the official .xlsx or .csv")
    update.add_argument(
        "--output", type=Path, required=True, metavar="PATH", help="the catalogue to write"
    )
    update.add_argument(
        "--gebietsstand",
        type=_iso_date,
        help="the Gebietsstand (needed when the file does not say it, e.g. a CSV)",
    )
    update.add_argument(
        "--population-date", type=_iso_date, help="reference day of the population figures"
    )
    update.set_defaults(func=_update)


def _info(args: argparse.Namespace) -> int:
    book = chosen_catalogue(args)
    towns = book.municipalities()
    print(f"Gemeindeverzeichnis, Gebietsstand {book.gebietsstand:%d.%m.%Y}")
    if book.population_date is not None:
        print(f"Einwohnerzahlen: Stand {book.population_date:%d.%m.%Y}")
    kreise = sum(1 for e in book.entries if len(e.ags) == 5)
    print(f"{len(towns)} Städte und Gemeinden, {kreise} Kreise und kreisfreie Städte")
    print(f"Quelle: {book.source}")
    print(f"{book.attribution}")
    print(f"Lizenz: {book.licence}")
    return 0


def _find(args: argparse.Namespace) -> int:
    book = chosen_catalogue(args)
    found = book.find(args.name)
    if not found:
        raise KommunaleIntegrationError(
            f"there is no Kreis, Stadt or Gemeinde {args.name!r} in the Gemeindeverzeichnis"
        )
    for entry in found:
        people = f"{entry.population:,} Einw.".replace(",", ".") if entry.population else ""
        print(f"{entry.ags}  {book.describe(entry.ags)}  {people}".rstrip())
    return 0


def _show(args: argparse.Namespace) -> int:
    book = chosen_catalogue(args)
    entry = book.get(args.ags.strip())
    if entry is None:
        raise KommunaleIntegrationError(
            f"the AGS {args.ags!r} does not exist in the Gemeindeverzeichnis "
            f"(Gebietsstand {book.gebietsstand:%d.%m.%Y})"
        )
    print(book.describe(entry.ags))
    print(f"amtlicher Name: {entry.name}; Art: {entry.kind.value}")
    if entry.population is not None:
        stand = f" (Stand {book.population_date:%d.%m.%Y})" if book.population_date else ""
        print(f"Einwohner: {entry.population:,}{stand}".replace(",", "."))
    if len(entry.ags) == 5:
        for town in book.municipalities(entry.ags):
            print(f"  {town.ags}  {town.name}")
    return 0


def _update(args: argparse.Namespace) -> int:
    from .._io import check_not_input
    from .._territories import read_gemeindeverzeichnis, write_territory_catalogue

    check_not_input(args.output, [args.file])
    book = read_gemeindeverzeichnis(
        args.file, gebietsstand=args.gebietsstand, population_date=args.population_date
    )
    write_territory_catalogue(book, args.output)
    towns = len(book.municipalities())
    print(
        f"geschrieben: {args.output} ({towns} Städte und Gemeinden, Gebietsstand "
        f"{book.gebietsstand:%d.%m.%Y})"
    )
    print("In konzept.yaml eintragen:")
    print(f"  gebietsstand: {book.gebietsstand.isoformat()}")
    print(f"  territory_catalogue: {args.output}")
    return 0
