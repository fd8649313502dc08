"""Attack: the informed attacker of issue 13 against whole releases of ``indicators``.

For every combination of the matrix it runs the command line as a user would
(``kommunale-integration indicators [CONCEPT] --period 2025 --cases … --events …
--by …``: the year with its quarters and months, disclosure control at its defaults)
writing the tidy CSV and a data package, runs it once more with ``--no-suppression``
for the true values, and then attacks what was published with the attacker of
``tests/release_attacker.py``: it reads only the published files (and the public
concept), derives every relation itself and decides for every suppressed cell by
linear programs (HiGHS through ``highspy``; given the true table, it looks for its
witness tables near it first, which settles the blocks of 345,000 cells of the
releases by ``sex,legal_basis`` in minutes). With a concept it also attacks the report's figures
(``report_context``: the Kennzahlen tables, trend charts and per-municipality tables).

The matrix:

* ``synthetic``: exports of ``--cases`` cases in 400 municipalities of 40 districts
  (``cases_read.py``), the default catalogue, one export per seed;
* ``kreis``: exports of ``--cases`` cases in the 11 municipalities of the Kreis
  Coesfeld example (its ``generate_synthetic_cases.py``), with its concept;
* ``examples``: the two bundled examples with their own exports and concepts;

each by ``sex``, ``legal_basis``, ``sex,legal_basis`` and ``age_group``.

Per line it prints the suppressed count cells, the cells the attacker fixes, the
primary cells it bounds below the threshold, the wall and CPU time of the protected
run of the command line (for the report: of ``report_context``) and of the attack,
and the load average of the machine. Timings on the shared development machine are
upper bounds. The protected run also writes the engine's audit (``--audit``, the
exact feasibility interval of every suppressed count, so its time includes the exact
audit; ``--no-audit`` leaves it out); a line notes any interval not marked exact
and, against the linear attacker, any difference between the cells the audit finds
fixed and those the attacker finds. The first line names the engine's commit.
Exit code 1 when anything is exposed, the formats disagree or the audit is off.

With ``--integer`` the attacker also uses that counts are whole numbers (mixed-integer
programs, ``scipy.optimize.milp``).

With ``--rule`` the attacker also knows the weakest rule of any engine
(``ENGINE_RULE`` of ``tests/release_attacker.py``): every block of linked suppressed
cells holds a primary cell, so a primary cell that no consistent table lifts to the
threshold beside another suppressed cell of its block at 1 to ``threshold − 1`` is 1
or 2. A column more counts the primary cells bounded below the threshold that way
alone (and a note any block without a primary cell in the true table).

With ``--round BASE`` the protected run rounds instead of suppressing (``indicators
--round BASE``, the report likewise; no audit) and the attacker takes every count for
rounded to that base ("rounding mode" of ``tests/release_attacker.py``, families,
new and active cases included); a line then counts the rounded 0s proved to be 1 or 2.

With ``--period P`` the runs publish *P* with its sub-periods instead of 2025 (a
quarter with its months, ``2025-Q2``; a budget year ``HJ2025`` with its quarters and
months, where ``--fiscal-year-start M`` gives every concept ``fiscal_year_start: M``;
the report is made for *P* as well).

With ``--overlapping`` every concept gets counts of overlapping events beside its
``placements`` (employment or training): ``employment_starts`` and ``training_starts``
(each event alone), where it has no count of that event yet — a family of counts
that the engine protects as one table and the attacker attacks as one
(``docs/data-protection.rst``, "Counts of overlapping events").

Run: ``.venv/bin/python benchmarks/attack_release.py [--cases 20000] [--seeds 2025,7,11]
[--sources synthetic,kreis,examples] [--by "sex;legal_basis;sex,legal_basis;age_group"]
[--integer] [--rule] [--no-audit] [--overlapping] [--round BASE] [--period P]
[--fiscal-year-start M]``
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def cli(*args: str) -> tuple[float, float]:
    """Run the command line; return its wall and CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kommunale_integration", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return time.perf_counter() - start, cpu


def timed(seconds: tuple[float, float]) -> str:
    """Wall / CPU time."""
    return f"{seconds[0]:.1f} / {seconds[1]:.1f} s"


def line(
    label: str,
    by: str,
    outcome: Any,
    run: tuple[float, float],
    attack: tuple[float, float],
    commit: str,
) -> str:
    """One row of the table (with the load average: the machine is shared, and the
    engine's *commit* when the protected run started: the worktree may move between
    lines, and during a long attack)."""
    exposed = len(outcome.rates) + len(outcome.rounded)
    ruled = f" {len(outcome.ruled)} |" if RULE else ""
    return (
        f"| {label} | {by} | {outcome.suppressed} | {len(outcome.fixed)} | "
        f"{len(outcome.below)} |{ruled} {timed(run)} | {timed(attack)} | "
        f"{os.getloadavg()[0]:.1f} | {commit} |"
        + (f" {exposed} rates or rounded cells exposed!" if exposed else "")
        + (
            f" {len(outcome.unexplained)} cells in blocks without a primary cell!"
            if outcome.unexplained
            else ""
        )
    )


RULE: list[bool] = []
"""Not empty with ``--rule``: the attacker knows ``ENGINE_RULE``."""


def with_overlapping(concept: Path, folder: Path) -> Path:
    """*concept* (a ``konzept.yaml`` or its folder) with ``employment_starts`` and
    ``training_starts`` beside its placements, where it has no count of that event
    alone: written to *folder* (the tests' ``_overlapping``)."""
    import yaml

    file = concept / "konzept.yaml" if concept.is_dir() else concept
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    indicators = data["indicators"]
    (placements,) = [i for i in indicators if i["id"] == "placements"]
    have = [
        sorted(set(i["numerator"].get("events", [])))
        for i in indicators
        if isinstance(i.get("numerator"), dict) and i.get("denominator") is None
    ]
    for name, event in (
        ("employment_starts", "employment_started"),
        ("training_starts", "vocational_training_started"),
    ):
        if [event] not in have:
            numerator = {"count": "events", "events": [event]}
            indicators.append({**placements, "id": name, "numerator": numerator})
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "konzept.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def with_fiscal_year(concept: Path, folder: Path, month: int) -> Path:
    """*concept* (a ``konzept.yaml`` or its folder) with ``fiscal_year_start: month``
    (a budget year ``HJ…`` starting in that month), written to *folder*."""
    import yaml

    file = concept / "konzept.yaml" if concept.is_dir() else concept
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["fiscal_year_start"] = month
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "konzept.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def exports(
    sources: list[str],
    n_cases: int,
    seeds: list[int],
    folder: Path,
    overlapping: bool = False,
    fiscal: int = 0,
) -> list[tuple[str, Path | None, Path, Path]]:
    """(label, concept, cases.csv, events.csv) of every export of the matrix (with
    *overlapping*, each concept :func:`with_overlapping`; with *fiscal*, each concept
    :func:`with_fiscal_year`)."""
    found = _exports(sources, n_cases, seeds, folder)
    if fiscal:
        found = [
            (
                f"{label} (budget year from month {fiscal})",
                with_fiscal_year(concept, folder / f"fiscal-{fiscal}" / _slug(label), fiscal),
                cases,
                events,
            )
            for label, concept, cases, events in found
            if concept is not None
        ]
    if not overlapping:
        return found
    return [
        (
            f"{label} + overlapping",
            with_overlapping(concept, folder / "overlapping" / _slug(label)),
            cases,
            events,
        )
        for label, concept, cases, events in found
        if concept is not None
    ]


def _slug(label: str) -> str:
    return re.sub(r"\W+", "-", label)


def _exports(
    sources: list[str], n_cases: int, seeds: list[int], folder: Path
) -> list[tuple[str, Path | None, Path, Path]]:
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


def indicators_args(
    concept: Path | None, cases: Path, events: Path, by: str, period: str = "2025"
) -> list[str]:
    """The arguments of ``indicators`` for one release of an export (concept optional)."""
    return [
        *([str(concept)] if concept else []),
        "--period",
        period,
        "--cases",
        str(cases),
        "--events",
        str(events),
        "--by",
        by,
    ]


def attack_indicators(
    label: str,
    concept: Path | None,
    cases: Path,
    events: Path,
    by: str,
    work: Path,
    integral: bool = False,
    audited: bool = True,
    rounding: int = 0,
    period: str = "2025",
) -> bool:
    base = indicators_args(concept, cases, events, by, period)
    out = work / "kennzahlen.csv"
    package = work / "paket"
    audit = work / "pruefung-intern.csv"
    commit = engine()
    run = cli(
        "indicators",
        *base,
        "--output",
        str(out),
        "--datapackage",
        str(package),
        *(["--audit", str(audit)] if audited else []),
        *(["--round", str(rounding)] if rounding else []),
    )
    cli("indicators", *base, "--no-suppression", "--output", str(work / "kennzahlen-intern.csv"))
    release = parse_csv(out.read_text(encoding="utf-8"))
    same = read_datapackage(package).cells == release.cells
    truth = parse_csv((work / "kennzahlen-intern.csv").read_text(encoding="utf-8"))
    start, cpu = time.perf_counter(), time.process_time()
    known = knowledge_of(concept, rounding)
    outcome = attack_release(release, known, truth, integral=integral, rule=bool(RULE))
    attack = (time.perf_counter() - start, time.process_time() - cpu)
    gaps = audit_gaps(audit, None if integral else outcome) if audited else ""
    print(
        line(label, by, outcome, run, attack, commit)
        + ("" if same else " data package differs from the CSV!")
        + (f" {gaps}!" if gaps else ""),
        flush=True,
    )
    return bool(outcome.exposed) or not same or bool(gaps)


def knowledge_of(concept: Path | None, rounding: int = 0) -> Any:
    """The attacker's knowledge of the concept; with *rounding* (``--round``) every
    count rounded to that base (or the concept's own larger one)."""
    known = knowledge_from_concept(concept)
    if not rounding:
        return known
    rounded = {
        name: max(rounding, known.rounded.get(name, 0))
        for name, kind in known.kinds.items()
        if kind != "rate"
    }
    return dataclasses.replace(known, rounded=rounded)


def engine() -> str:
    """The commit of the engine that ran (and whether its sources were changed)."""

    def git(*args: str) -> str:
        command = ["git", "-C", str(ROOT), *args]
        found = subprocess.run(command, check=False, capture_output=True, text=True)
        return found.stdout.strip() if found.returncode == 0 else "unknown"

    commit, changed = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "src")
    return commit + (" with uncommitted changes" if changed else "")


def audit_gaps(path: Path, outcome: Any) -> str:
    """What the engine's audit file (``--audit``) says against the attacker: every
    interval must be exact, and (against the linear attacker, *outcome*) the cells it
    finds fixed must be the attacker's."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    gaps = []
    inexact = sum(1 for row in rows if row["exact"] != "true")
    if inexact:
        gaps.append(f"{inexact} of {len(rows)} audit intervals not exact")
    fixed = sum(1 for row in rows if row["high"] and float(row["high"]) - float(row["low"]) < 1e-6)
    if outcome is not None and fixed != len(outcome.fixed):
        gaps.append(f"the audit fixes {fixed} cells, the attacker {len(outcome.fixed)}")
    return ", ".join(gaps)


IMPORTED: dict[str, str] = {}
"""The engine's commit when the report's engine was first imported into this process."""


def attack_report(
    label: str,
    concept: Path,
    cases: Path,
    events: Path,
    integral: bool = False,
    rounding: int = 0,
    period: str = "2025",
) -> bool:
    import kommunale_integration as ki

    commit = IMPORTED.setdefault("commit", engine())  # (the engine of this process)
    model = ki.load_concept(concept)
    data = ki.read_cases(cases, events)
    start, cpu = time.perf_counter(), time.process_time()
    control = ki.DisclosureControl(mode="round", base=rounding) if rounding else None
    context = ki.report_context(
        model, period, cases=data, **({"disclosure": control} if rounding else {})
    )
    run = (time.perf_counter() - start, time.process_time() - cpu)
    truth = report_release(ki.report_context(model, period, cases=data, disclosure=None))
    release = report_release(context)
    start, cpu = time.perf_counter(), time.process_time()
    outcome = attack_release(
        release, knowledge_of(concept, rounding), truth, integral=integral, rule=bool(RULE)
    )
    attack = (time.perf_counter() - start, time.process_time() - cpu)
    print(line(label, "report", outcome, run, attack, commit), flush=True)
    return bool(outcome.exposed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seeds", default="2025,7,11")
    parser.add_argument("--sources", default="synthetic,kreis,examples")
    parser.add_argument("--by", default=";".join(BREAKDOWNS))
    parser.add_argument("--no-report", action="store_true", help="skip the report's figures")
    parser.add_argument(
        "--integer", action="store_true", help="the attacker knows counts are whole numbers"
    )
    parser.add_argument(
        "--rule",
        action="store_true",
        help="the attacker also knows that every block of suppressed cells holds a primary",
    )
    parser.add_argument(
        "--no-audit",
        action="store_true",
        help="the protected run without the engine's exact audit (--audit)",
    )
    parser.add_argument(
        "--overlapping",
        action="store_true",
        help="add employment_starts and training_starts beside each concept's placements",
    )
    parser.add_argument(
        "--round",
        type=int,
        default=0,
        metavar="BASE",
        help="rounding mode (indicators --round BASE) instead of suppression; no audit",
    )
    parser.add_argument(
        "--period", default="2025", help="the period published with its sub-periods (2025)"
    )
    parser.add_argument(
        "--fiscal-year-start",
        type=int,
        default=0,
        metavar="M",
        help="give every concept fiscal_year_start: M (for --period HJ2025); synthetic left out",
    )
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "kommunale-integration-attack"
    )
    args = parser.parse_args()
    args.no_audit |= bool(args.round)  # (the audit needs suppression)
    seeds = [int(s) for s in args.seeds.split(",")]
    print(
        f"engine: {engine()}; protected runs {'without' if args.no_audit else 'with'} --audit; "
        f"period {args.period}"
    )
    if args.rule:
        RULE.append(True)
    print(
        "| export | breakdown | suppressed | fixed | primary below 3 "
        + ("| below 3 by the rule " if args.rule else "")
        + "| protected run (wall / CPU) | attack (wall / CPU) | load | engine |"
    )
    print("|---|---|--:|--:|--:|" + ("--:|" if args.rule else "") + "--:|--:|--:|---|")
    bad = False
    for label, concept, cases, events in exports(
        args.sources.split(","),
        args.cases,
        seeds,
        args.dir,
        args.overlapping,
        args.fiscal_year_start,
    ):
        for by in args.by.split(";"):
            # the outputs stay in --dir for a closer look
            name = f"{label} {by} {args.period}"
            work = args.dir / "releases" / re.sub(r"[^a-z0-9]+", "-", name.lower())
            work.mkdir(parents=True, exist_ok=True)
            bad |= attack_indicators(
                label,
                concept,
                cases,
                events,
                by,
                work,
                args.integer,
                not args.no_audit,
                args.round,
                args.period,
            )
        if concept is not None and not args.no_report:
            bad |= attack_report(
                label, concept, cases, events, args.integer, args.round, args.period
            )
    print("EXPOSED or inconsistent: see above" if bad else "nothing exposed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
