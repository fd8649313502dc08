"""``kommunale-integration demo [--output DIR]``: run everything on the bundled example.

The demo loads the Kreis Coesfeld example that ships with the library and writes its
results into one output folder (default ``build/demo``), printing every file it wrote.
The folder is built in a temporary sibling and swapped into place; a folder that
holds anything but an earlier demo is refused, so the demo can never delete your work.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .._io import MANIFEST as MARKER
from ._common import EXIT_FINDINGS, EXIT_OK

__all__ = ["DEMO_PERIOD", "MARKER", "register"]

DEMO_PERIOD = "2025"
"""The report period of the demo: the last complete year of the synthetic export."""


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="build the report and directory of the bundled Kreis Coesfeld example",
        description=(
            "Load the bundled example (Kreis Coesfeld, with a synthetic case export), "
            "check it and write its outputs into DIR."
        ),
    )
    parser.add_argument(
        "--output",
        metavar="DIR",
        type=Path,
        default=Path("build/demo"),
        help="output folder (default: build/demo); replaced when it holds an earlier demo",
    )
    parser.set_defaults(func=run)


def check_output(folder: Path) -> None:
    """Refuse an output folder that holds other files or the current folder.

    The demo replaces its output folder as a whole, so it must be new, empty or an
    earlier demo, and neither the current folder nor one of its parents.

    Raises:
        OutputError: naming the folder.
    """
    from .._errors import OutputError
    from .._io import check_replaceable

    here = Path.cwd().resolve()
    if folder.resolve() == here or folder.resolve() in here.parents:
        raise OutputError(
            f"{folder} is the current folder or contains it: choose a new folder such as "
            "build/demo with --output"
        )
    check_replaceable(folder, "demo")


def run(args: argparse.Namespace) -> int:
    """Handle ``demo``: load, validate, compute the Kennzahlen, build report and directory."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from .._cases import read_cases
    from .._examples import example_path
    from .._io import atomic_directory
    from .._loaders import load_concept
    from .._periods import ReportPeriod
    from .._reports import build_directory, build_report
    from .._reports._report import report_table
    from .._validation import validate

    output: Path = args.output
    check_output(output)
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    period = ReportPeriod.parse(DEMO_PERIOD)
    example = example_path("kreis_coesfeld")
    concept = load_concept(example)
    print(
        f"Beispiel geladen: {concept.title} ({len(concept.actors)} Akteure, "
        f"{len(concept.offers)} Angebote, {len(concept.measures)} Maßnahmen, "
        f"{len(concept.indicators)} Kennzahlen) aus {example}"
    )

    report = validate(concept, "konzept", today=today)
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in _SEVERITIES}
    print(
        f"Prüfung (Profil konzept): {'ohne Fehler' if report.ok else 'FEHLER'}; "
        f"{counts['error']} Fehler, {counts['warning']} Warnungen, {counts['info']} Hinweise"
    )

    cases = read_cases(example / "cases.csv", example / "events.csv")
    # one table for the report and the CSV: one pattern of suppressions per release
    table = report_table(concept, cases, period)
    print(
        f"Kennzahlen aus dem synthetischen Fallexport berechnet: {len(table)} Werte "
        "(Geheimhaltung: Werte 1 und 2 unterdrückt)"
    )

    files: dict[str, str] = {
        f"jahresbericht-{period}.html": build_report(
            concept, period, format="html", table=table, today=today
        ),
        f"jahresbericht-{period}.md": build_report(
            concept, period, format="md", table=table, today=today
        ),
        f"kennzahlen-{period}.csv": table.to_csv(),
        "pruefung.txt": report.to_text("de") + "\n",
    }
    with atomic_directory(output, writer="demo", inputs=[example]) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        build_directory(concept, tmp / "wegweiser", today=today, inputs=[example])
    for name in files:
        print(f"geschrieben: {output / name}")
    print(f"geschrieben: {output / 'wegweiser' / 'de' / 'index.html'} (Wegweiser, 8 Sprachen)")
    report_file = (output / f"jahresbericht-{period}.html").resolve()
    print(f"Im Browser öffnen: {report_file.as_uri()}")
    return EXIT_OK if report.ok else EXIT_FINDINGS


_SEVERITIES = ("error", "warning", "info")
