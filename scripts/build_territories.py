"""Build the national territory catalogue shipped with the library from the official file.

The catalogue (``src/kommunale_integration/data/territories/gemeindeverzeichnis.tsv``)
is derived from the Destatis GV-ISys "Auszug" (XLSX as published, or its CSV form) with
the library's own reader, so the next Gebietsstand is one command::

    python scripts/build_territories.py AuszugGV4QAktuell.csv \\
        --gebietsstand 2020-12-31 --population-date 2019-12-31

The file shipped now was built from ``AuszugGV4QAktuell.csv`` (4th quarter 2020,
Gebietsstand 31.12.2020); its population figures are those of 31.12.2019 (they add up to
83,166,711, the population of Germany on that day). Data licence: dl-de/by-2-0,
"© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys".
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from kommunale_integration._errors import LoadError
from kommunale_integration._territories import read_gemeindeverzeichnis, write_territory_catalogue

TARGET = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "kommunale_integration"
    / "data"
    / "territories"
    / "gemeindeverzeichnis.tsv"
)


def main(argv: list[str] | None = None) -> int:
    """Read the official file and write the package's catalogue."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="the official GV-ISys Auszug (.xlsx or .csv)")
    parser.add_argument("--gebietsstand", type=date.fromisoformat, help="e.g. 2020-12-31")
    parser.add_argument("--population-date", type=date.fromisoformat, help="e.g. 2019-12-31")
    parser.add_argument("--output", type=Path, default=TARGET, help=f"default: {TARGET}")
    args = parser.parse_args(argv)
    try:
        catalogue = read_gemeindeverzeichnis(
            args.file, gebietsstand=args.gebietsstand, population_date=args.population_date
        )
    except LoadError as error:
        for finding in error.findings:
            print(f"error: {finding}", file=sys.stderr)
        return 2
    write_territory_catalogue(catalogue, args.output)
    towns = sum(1 for e in catalogue.entries if len(e.ags) == 8)
    print(f"{args.output}: {len(catalogue)} units, {towns} Städte und Gemeinden")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
