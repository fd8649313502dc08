"""Attack: the informed attacker of issue 13 against whole releases of ``indicators``.

For every combination of the matrix it runs the command line as a user would
(``kommunale-integration indicators [CONCEPT] --period 2025 --cases … --events …
--by …``: the year with its quarters and months, disclosure control at its defaults)
writing the tidy CSV and a data package, runs it once more with ``--no-suppression``
for the true values, and then attacks what was published with the attacker of
``tests/release_attacker.py``: it reads only the published files (and the public
concept), derives every relation itself and solves for every suppressed cell with
``scipy.optimize.linprog``. With a concept it also attacks the report's figures
(``report_context``: the Kennzahlen tables, trend charts and per-municipality tables).

The matrix:

* ``synthetic``: exports of ``--cases`` cases in 400 municipalities of 40 districts
  (``cases_read.py``), the default catalogue, one export per seed;
* ``kreis``: exports of ``--cases`` cases in the 11 municipalities of the Kreis
  Coesfeld example (its ``generate_synthetic_cases.py``), with its concept;
* ``examples``: the two bundled examples with their own exports and concepts;

each by ``sex``, ``legal_basis``, ``sex,legal_basis`` and ``age_group``.

Per line it prints the suppressed count cells, the cells the attacker fixes, the
primary cells it bounds below the threshold, the time of the protected run of the
command line and the time of the attack. Timings on the shared development machine
are upper bounds. Exit code 1 when anything is exposed or the formats disagree.

Run: ``.venv/bin/python benchmarks/attack_release.py [--cases 20000] [--seeds 2025,7,11]
[--sources synthetic,kreis,examples] [--by "sex;legal_basis;sex,legal_basis;age_group"]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from release_attacker import (  # noqa: E402
    attack_release,
    knowledge_from_concept,
    parse_csv,
    read_datapackage,
    report_release,
)

KREIS = ROOT / "examples" / "kreis_coesfeld"
STADT = ROOT / "examples" / "stadt_coesfeld"
BREAKDOWNS = ("sex", "legal_basis", "sex,legal_basis", "age_group")


def cli(*args: str) -> float:
    """Run the command line; return its wall time."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kommunale_integration", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return time.perf_counter() - start


def exports(
    sources: list[str], n_cases: int, seeds: list[int], folder: Path
) -> list[tuple[str, Path | None, Path, Path]]:
    """(label, concept, cases.csv, events.csv) of every export of the matrix."""
    from cases_read import generate

    found: list[tuple[str, Path | None, Path, Path]] = []
    for seed in seeds:
        if "synthetic" in sources:
            cases, events = generate(folder / f"synthetic-{seed}", n_cases, seed=seed)
            found.append((f"synthetic {n_cases:,} seed {seed}", None, cases, events))
        if "kreis" in sources:
            target = folder / f"kreis-{n_cases}-{seed}"
            if not (target / "cases.csv").exists():
                subprocess.run(
                    [
                        sys.executable,
                        str(KREIS / "generate_synthetic_cases.py"),
                        "--seed",
                        str(seed),
                        "--cases",
                        str(n_cases),
                        "--output",
                        str(target),
                    ],
                    check=True,
                )
            found.append(
                (
                    f"Kreis concept {n_cases:,} seed {seed}",
                    KREIS,
                    target / "cases.csv",
                    target / "events.csv",
                )
            )
    if "examples" in sources:
        for example in (KREIS, STADT):
            found.append(
                (f"example {example.name}", example, example / "cases.csv", example / "events.csv")
            )
    return found


def attack_indicators(
    label: str, concept: Path | None, cases: Path, events: Path, by: str, work: Path
) -> bool:
    base = [
        *([str(concept)] if concept else []),
        "--period",
        "2025",
        "--cases",
        str(cases),
        "--events",
        str(events),
        "--by",
        by,
    ]
    out = work / "kennzahlen.csv"
    package = work / "paket"
    seconds = cli("indicators", *base, "--output", str(out), "--datapackage", str(package))
    cli("indicators", *base, "--no-suppression", "--output", str(work / "kennzahlen-intern.csv"))
    release = parse_csv(out.read_text(encoding="utf-8"))
    same = read_datapackage(package).cells == release.cells
    truth = parse_csv((work / "kennzahlen-intern.csv").read_text(encoding="utf-8"))
    start = time.perf_counter()
    outcome = attack_release(release, knowledge_from_concept(concept), truth)
    took = time.perf_counter() - start
    print(
        f"| {label} | {by} | {outcome.suppressed} | {len(outcome.fixed)} | "
        f"{len(outcome.below)} | {seconds:.1f} s | {took:.1f} s |"
        + ("" if same else " data package differs from the CSV!"),
        flush=True,
    )
    return bool(outcome.exposed) or not same


def attack_report(label: str, concept: Path, cases: Path, events: Path) -> bool:
    import kommunale_integration as ki

    model = ki.load_concept(concept)
    data = ki.read_cases(cases, events)
    start = time.perf_counter()
    context = ki.report_context(model, "2025", cases=data)
    seconds = time.perf_counter() - start
    truth = report_release(ki.report_context(model, "2025", cases=data, disclosure=None))
    release = report_release(context)
    start = time.perf_counter()
    outcome = attack_release(release, knowledge_from_concept(concept), truth)
    took = time.perf_counter() - start
    print(
        f"| {label} | report | {outcome.suppressed} | {len(outcome.fixed)} | "
        f"{len(outcome.below)} | {seconds:.1f} s | {took:.1f} s |",
        flush=True,
    )
    return bool(outcome.exposed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seeds", default="2025,7,11")
    parser.add_argument("--sources", default="synthetic,kreis,examples")
    parser.add_argument("--by", default=";".join(BREAKDOWNS))
    parser.add_argument("--no-report", action="store_true", help="skip the report's figures")
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "kommunale-integration-attack"
    )
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    print("| export | breakdown | suppressed | fixed | primary below 3 | protected run | attack |")
    print("|---|---|--:|--:|--:|--:|--:|")
    bad = False
    for label, concept, cases, events in exports(
        args.sources.split(","), args.cases, seeds, args.dir
    ):
        for by in args.by.split(";"):
            with tempfile.TemporaryDirectory() as work:
                bad |= attack_indicators(label, concept, cases, events, by, Path(work))
        if concept is not None and not args.no_report:
            bad |= attack_report(label, concept, cases, events)
    print("EXPOSED or inconsistent: see above" if bad else "nothing exposed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
