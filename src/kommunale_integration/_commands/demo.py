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

MARKER = ".kommunale-integration-demo"
"""File that marks a folder written by the demo (and so safe to replace)."""

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
    """Refuse an output folder that exists, is not empty and is not an earlier demo.

    Raises:
        OutputError: naming the folder.
    """
    from .._errors import OutputError

    if not folder.exists():
        return
    if not folder.is_dir():
        raise OutputError(f"{folder} exists and is not a folder: choose another --output")
    if any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise OutputError(
            f"{folder} is not empty and was not written by the demo: "
            "choose an empty or new folder with --output"
        )


def run(args: argparse.Namespace) -> int:
    """Handle ``demo``: load the example, validate it and write its outputs."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from .._converter import loads_yaml
    from .._examples import example_path
    from .._io import atomic_directory
    from .._model import Concept
    from .._reports import build_report
    from .._validation import validate

    output: Path = args.output
    check_output(output)
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    example = example_path("kreis_coesfeld")
    source = example / "konzept.yaml"
    concept = loads_yaml(source.read_text(encoding="utf-8"), Concept, file=str(source))
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

    files: dict[str, str] = {
        f"jahresbericht-{DEMO_PERIOD}.html": build_report(
            concept, DEMO_PERIOD, format="html", today=today
        ),
        f"jahresbericht-{DEMO_PERIOD}.md": build_report(
            concept, DEMO_PERIOD, format="md", today=today
        ),
        "pruefung.txt": "".join(f"{f.severity}: {f.code}: {f}\n" for f in report.findings),
    }
    with atomic_directory(output, inputs=[example]) as tmp:
        (tmp / MARKER).write_text(
            "Written by 'kommunale-integration demo'; replaced on the next run.\n",
            encoding="utf-8",
        )
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
    for name in files:
        print(f"geschrieben: {output / name}")
    return 0 if report.ok else 1


_SEVERITIES = ("error", "warning", "info")
