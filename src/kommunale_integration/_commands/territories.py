"""``kommunale-integration territories``: the Gemeindeverzeichnis inside the library.

``territories`` shows the Gebietsstand, the source and the attribution;
``territories find NAME`` lists the Kreise, Städte and Gemeinden of that name;
``territories show AGS`` one unit with its Städte und Gemeinden;
``territories update FILE --output PATH`` reads the official GV-ISys "Auszug" (XLSX or
CSV) and writes a catalogue a concept names in ``territory_catalogue``.
"""

from __future__ import annotations

import argparse
import shlex
from datetime import date
from pathlib import Path
from typing import Any

from .._i18n import tr
from ._common import EXIT_OK, not_stdout


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        from .._errors import shown
        from .._i18n import tr

        message = tr("expected a date like 2024-12-31, got {found}", found=shown(text))
        raise argparse.ArgumentTypeError(message) from None


def add_catalogue_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--catalogue FILE`` (a catalogue written by ``territories update``)."""
    parser.add_argument(
        "--catalogue",
        type=Path,
        metavar="FILE",
        help=tr("a territory catalogue written by 'territories update' (default: the shipped one)"),
    )


def chosen_catalogue(args: argparse.Namespace) -> Any:
    """The catalogue named by ``--catalogue``, else the shipped one."""
    from .._territories import load_territory_catalogue, territory_catalogue

    return load_territory_catalogue(args.catalogue) if args.catalogue else territory_catalogue()


def register(subparsers: Any) -> None:
    """Add the ``territories`` sub-command."""
    parser = subparsers.add_parser(
        "territories",
        help=tr("the Gemeindeverzeichnis: Gebietsstand, look-up by name or AGS, update"),
        description=tr(
            "Every Land, Kreis, Stadt and Gemeinde of Germany from the official "
            "Gemeindeverzeichnis of Destatis (GV-ISys). Without a sub-command: the "
            "Gebietsstand, the source and the attribution."
        ),
    )
    add_catalogue_option(parser)
    parser.set_defaults(func=_info)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    find = actions.add_parser("find", help=tr("list the Kreise, Städte and Gemeinden of a name"))
    find.add_argument("name", metavar="NAME")
    find.add_argument("--kreis", metavar="KREIS", help=tr("only in this Kreis (AGS or name)"))
    find.add_argument("--land", metavar="LAND", help=tr("only in this Land (AGS, name, BY, NRW)"))
    find.set_defaults(func=_find)
    show = actions.add_parser("show", help=tr("one Kreis, Stadt or Gemeinde by its AGS"))
    show.add_argument("ags", metavar="AGS")
    show.set_defaults(func=_show)
    update = actions.add_parser(
        "update",
        help=tr("read the official GV-ISys Auszug (XLSX or CSV) into a catalogue file"),
        description=tr(
            "Read the official Gemeindeverzeichnis 'Auszug' of Destatis (the XLSX as "
            "published, or its CSV form) and write a compact catalogue. With --concept "
            "DIR the concept records it: 'gebietsstand:' and 'territory_catalogue:' are "
            "set in DIR/konzept.yaml, every other line stays as it is."
        ),
    )
    update.add_argument("file", type=Path, metavar="FILE", help=tr("the official .xlsx or .csv"))
    update.add_argument(
        "--output",
        type=not_stdout,  # (a str: "cat.csv/" names a folder, which Path drops)
        required=True,
        metavar="PATH",
        help=tr("the catalogue to write"),
    )
    update.add_argument(
        "--gebietsstand",
        type=_iso_date,
        help=tr("the Gebietsstand (needed when the file does not say it, e.g. a CSV)"),
    )
    update.add_argument(
        "--population-date", type=_iso_date, help=tr("reference day of the population figures")
    )
    update.add_argument(
        "--concept",
        type=Path,
        metavar="DIR",
        help=tr(
            "record the new catalogue in this concept: set gebietsstand and "
            "territory_catalogue in its konzept.yaml (comments and order are kept)"
        ),
    )
    update.set_defaults(func=_update)


def _info(args: argparse.Namespace) -> int:
    from .._i18n import format_date, format_number, tr

    book = chosen_catalogue(args)
    towns = book.municipalities()
    print(
        tr(
            "Gemeindeverzeichnis, territorial status of {stand}",
            stand=format_date(book.gebietsstand),
        )
    )
    if book.population_date is not None:
        print(tr("Population figures as of {day}", day=format_date(book.population_date)))
    kreise = sum(1 for e in book.entries if len(e.ags) == 5)
    print(
        tr(
            "{towns} Städte and Gemeinden, {kreise} Kreise and kreisfreie Städte",
            towns=format_number(len(towns)),
            kreise=format_number(kreise),
        )
    )
    print(tr("Source: {source}", source=book.source))
    print(f"{book.attribution}")
    print(tr("Licence: {licence}", licence=book.licence))
    return EXIT_OK


def _find(args: argparse.Namespace) -> int:
    from .._examples import named_within
    from .._i18n import format_number, tr
    from .._parse import is_ags, repair_ags
    from .._territories import stadtstaat_bezirk
    from ._common import say

    book = chosen_catalogue(args)
    code = repair_ags(args.name)[0]
    if is_ags(code):
        # an AGS looked up like a name ("territories find 09178"): the unit it keys, not
        # "no such name … give the AGS with --ags", which find does not have
        exact, beginning = [book.require(code)], []
    else:
        exact, beginning = book.require_name(args.name)
    bezirk = stadtstaat_bezirk(args.name)
    if bezirk and [e.ags for e in exact + beginning] == [bezirk[0]]:
        say(
            "notice",
            tr(
                "{bezirk} is a Bezirk of the city below and has no AGS of its own; "
                "init DIR --name {name} creates the Bezirk's concept with the city's AGS",
                bezirk=bezirk[1],
                name=shlex.quote(bezirk[1]),
            ),
        )
    named = exact + beginning
    for entry in named_within(book, args.name, named, kreis=args.kreis, land=args.land):
        people = ""
        if entry.population:
            people = tr("{count} inh.", count=format_number(entry.population))
        print(f"{entry.ags}  {book.describe(entry.ags)}  {people}".rstrip())
    for kreis in book.within(book.kreise_named(args.name), kreis=args.kreis, land=args.land):
        say(
            "notice",
            tr(
                "Kreis of the same name: {kreis} ({ags}); 'territories show {ags}' lists "
                "its towns, 'init DIR --ags {ags}' creates its concept",
                kreis=kreis.display_name,
                ags=kreis.ags,
            ),
        )
    return EXIT_OK


def _kind_label(entry: Any) -> str:
    """The kind of an official unit in words of the language in use (``Gemeinde``,
    ``kreisfreie Stadt``), not the model's code (``municipality``, ``city``): a kreisfreie
    Stadt's row at the level of the Kreise is that city, not a Kreis."""
    if len(entry.ags) == 5 and entry.kreisfrei:
        return tr("district-free city (kreisfreie Stadt), at the level of the Kreise")
    if entry.unincorporated:
        return tr("unincorporated area (gemeindefreies Gebiet)")
    labels = {
        "state": tr("state (Land)"),
        "region": tr("administrative region (Regierungsbezirk)"),
        "district": tr("district (Kreis)"),
        "city": tr("district-free city (kreisfreie Stadt)"),
        "town": tr("town (Stadt)"),
        "municipality": tr("municipality (Gemeinde)"),
    }
    return labels[entry.kind.value]


def _show(args: argparse.Namespace) -> int:
    from .._i18n import format_date, format_number, tr

    book = chosen_catalogue(args)
    entry = book.require(args.ags.strip())
    print(book.describe(entry.ags))
    print(tr("official name: {name}; kind: {kind}", name=entry.name, kind=_kind_label(entry)))
    if entry.population is not None:
        people = format_number(entry.population)
        if book.population_date:
            day = format_date(book.population_date)
            print(tr("Inhabitants: {count} (as of {day})", count=people, day=day))
        else:
            print(tr("Inhabitants: {count}", count=people))
    if len(entry.ags) == 5:
        for town in book.municipalities(entry.ags):
            print(f"  {town.ags}  {town.name}")
    return EXIT_OK


def _update(args: argparse.Namespace) -> int:
    from .._i18n import format_date, format_number, tr
    from .._io import check_not_input, written_together
    from .._territories import (
        read_gemeindeverzeichnis,
        record_territory_catalogue,
        write_territory_catalogue,
    )

    check_not_input(args.output, [args.file])
    book = read_gemeindeverzeichnis(
        args.file, gebietsstand=args.gebietsstand, population_date=args.population_date
    )
    # the catalogue and the concept that names it: both new or both as they were
    with written_together():
        write_territory_catalogue(book, args.output)
        if args.concept is not None:
            changes = record_territory_catalogue(args.concept, args.output, book)
    print(
        tr(
            "written: {path} ({towns} Städte and Gemeinden, Gebietsstand {stand})",
            path=args.output,
            towns=format_number(len(book.municipalities())),
            stand=format_date(book.gebietsstand),
        )
    )
    if args.concept is None:
        print(tr("Enter in konzept.yaml (or run again with --concept DIR):"))
        print(f"  gebietsstand: {book.gebietsstand.isoformat()}")
        print(f"  territory_catalogue: {args.output}")
        return EXIT_OK
    for key, (old, new) in changes.items():
        print(tr("changed in the concept: {key}: {old} → {new}", key=key, old=old or "–", new=new))
    if not changes:
        print(tr("the concept already records this catalogue"))
    return EXIT_OK
