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

from .._i18n import ntr, tr
from .._io import MANIFEST as MARKER
from ._common import EXIT_FINDINGS, EXIT_OK, not_stdout_path

__all__ = ["DEMO_PERIOD", "MARKER", "register"]

DEMO_PERIOD = "2025"
"""The report period of the demo: the last complete year of the synthetic export."""


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help=tr("build the report and directory of the bundled Kreis Coesfeld example"),
        description=tr(
            "Load the bundled example (Kreis Coesfeld, with a synthetic case export), "
            "check it and write its outputs into DIR."
        ),
    )
    parser.add_argument(
        "--output",
        metavar="DIR",
        type=not_stdout_path,
        default=Path("build/demo"),
        help=tr("output folder (default: build/demo); replaced when it holds an earlier demo"),
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
    from .._i18n import tr
    from .._io import check_replaceable

    here = Path.cwd().resolve()
    if folder.resolve() == here or folder.resolve() in here.parents:
        raise OutputError(
            tr(
                "{folder} is the current folder or contains it: choose a new folder such as "
                "build/demo with --output",
                folder=folder,
            )
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
        tr(
            "Example loaded: {title} ({actors}, {offers}, {measures}, {indicators}) from {folder}",
            title=concept.title,
            actors=ntr("{n} actor", "{n} actors", len(concept.actors)),
            offers=ntr("{n} offer", "{n} offers", len(concept.offers)),
            measures=ntr("{n} measure", "{n} measures", len(concept.measures)),
            indicators=ntr("{n} Kennzahl", "{n} Kennzahlen", len(concept.indicators)),
            folder=example,
        )
    )

    report = validate(concept, "konzept", today=today)
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in _SEVERITIES}
    print(
        tr(
            "Check (profile konzept): {verdict}; {errors}, {warnings}, {infos}",
            verdict=tr("no errors") if report.ok else tr("ERRORS"),
            errors=ntr("{n} error", "{n} errors", counts["error"]),
            warnings=ntr("{n} warning", "{n} warnings", counts["warning"]),
            infos=ntr("{n} info", "{n} infos", counts["info"]),
        )
    )

    cases = read_cases(example / "cases.csv", example / "events.csv")
    # one table for the report and the CSV: one pattern of suppressions per release
    table = report_table(concept, cases, period)
    print(
        ntr(
            "Kennzahlen computed from the synthetic case export: {n} value (disclosure "
            "control: values 1 and 2 suppressed)",
            "Kennzahlen computed from the synthetic case export: {n} values (disclosure "
            "control: values 1 and 2 suppressed)",
            len(table),
        )
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
        print(tr("written: {path}", path=output / name))
    site = output / "wegweiser" / "de" / "index.html"
    print(tr("written: {path} (Wegweiser, 8 languages)", path=site))
    report_file = (output / f"jahresbericht-{period}.html").resolve()
    print(tr("Open in the browser: {uri}", uri=report_file.as_uri()))
    return EXIT_OK if report.ok else EXIT_FINDINGS


_SEVERITIES = ("error", "warning", "info")
