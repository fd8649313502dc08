"""Benchmark: what disclosure control costs at each level of the territory hierarchy.

A council reader looks first at the top: the district's total, the total of every
municipality together (``all``). This benchmark runs the command line as a user would
(``kommunale-integration indicators [CONCEPT] --period 2025 --cases … --events … --by
…``: the year with its quarters and months, disclosure control at its defaults) and
once more with ``--no-suppression`` for the true values, and counts from the two CSV
files, for the count indicators (rates follow their counts and are left out), per
level of the territory hierarchy and for the ``_T`` cells and the other values of the
breakdowns apart:

* **published**: the cells published;
* **primary**: the suppressed cells whose true value lies between 1 and the
  threshold − 1 (3 − 1; the concept's own threshold where it sets one);
* **secondary**: the other suppressed cells (zeros among them);

and the share of the ``_T`` cells that are *not* primary that is published (a primary
``_T`` cell is lost whatever the method). The levels: ``all``; a *district* is a
territory that is the parent of another (the concept's ``parent``, else the first five
digits of an eight-digit AGS, as the attacker of ``tests/release_attacker.py`` reads
it; a territory above the concept's own, such as the Kreis example's Land, is never
computed, so the next one computed is the parent); a *municipality* is any other. The last
lines give the suppressed count cells in all, the protected run's wall and CPU time and
the load average (the machine is shared: timings are upper bounds).

The exports: ``synthetic`` (``--cases`` cases in 400 municipalities of 40 districts,
``cases_read.py``, one per seed of ``--seeds``), ``examples`` (the two bundled
examples with their concepts). The releases stay in ``--dir`` for a closer look.

Run: ``.venv/bin/python benchmarks/level_loss.py [--cases 20000] [--seeds 2025]
[--sources synthetic,examples] [--by sex] [--dir DIR]``
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from attack_release import (  # noqa: E402
    cli,
    engine,
    exports,
    indicators_args,
    knowledge_of,
    timed,
)

from release_attacker import parent_of, parse_csv  # noqa: E402

LEVELS = ("all", "district", "municipality")
TOTAL = "_T"


def level_of(territory: str, parents_of_others: set[str]) -> str:
    """``all``, ``district`` (the parent of another territory) or ``municipality``."""
    if territory == "all":
        return "all"
    return "district" if territory in parents_of_others else "municipality"


def count_levels(protected: Any, truth: Any, known: Any) -> Counter[tuple[str, str, str]]:
    """Per (level, ``_T`` or ``values``, published / primary / secondary): the count
    cells of *protected* (a release, ``release_attacker.parse_csv``) with the true
    values of *truth*."""
    territories = {key[2] for key in protected.cells}
    parents = {parent_of(t, known.parents, known.territory) for t in territories}
    parents.discard(None)
    parents.discard("all")
    level = {t: level_of(t, {p for p in parents if p is not None}) for t in territories}
    found: Counter[tuple[str, str, str]] = Counter()
    for key, (_, status) in protected.cells.items():
        indicator, _, territory, values = key
        if known.kinds.get(indicator, "rate") == "rate":
            continue
        part = TOTAL if all(v == TOTAL for v in values) else "values"
        if status != "suppressed":
            found[(level[territory], part, "published")] += 1
            continue
        true = truth.cells[key][0] or 0
        threshold = known.thresholds.get(indicator, known.threshold)
        kind = "primary" if 0 < true < threshold else "secondary"
        found[(level[territory], part, kind)] += 1
    return found


def table(found: Counter[tuple[str, str, str]]) -> list[str]:
    """The rows of the table (markdown)."""
    rows = [
        "| level | `_T` published / primary / secondary | `_T` published of non-primary "
        "| values published / primary / secondary |",
        "|---|--:|--:|--:|",
    ]
    for level in LEVELS:
        cells = []
        for part in (TOTAL, "values"):
            cells.append(
                " / ".join(
                    f"{found[(level, part, kind)]:,}"
                    for kind in ("published", "primary", "secondary")
                )
            )
        published = found[(level, TOTAL, "published")]
        free = published + found[(level, TOTAL, "secondary")]
        share = f"{100 * published / free:.1f} %" if free else "–"
        rows.append(f"| {level} | {cells[0]} | {share} | {cells[1]} |")
    return rows


def measure(
    label: str, concept: Path | None, cases: Path, events: Path, by: str, work: Path
) -> None:
    base = indicators_args(concept, cases, events, by)
    work.mkdir(parents=True, exist_ok=True)
    out, intern = work / "kennzahlen.csv", work / "kennzahlen-intern.csv"
    run = cli("indicators", *base, "--output", str(out))
    cli("indicators", *base, "--no-suppression", "--output", str(intern))
    known = knowledge_of(concept)
    found = count_levels(
        parse_csv(out.read_text(encoding="utf-8")),
        parse_csv(intern.read_text(encoding="utf-8")),
        known,
    )
    suppressed = sum(n for (_, _, kind), n in found.items() if kind != "published")
    print(f"\n{label}, by {by} (engine {engine()})\n")
    print("\n".join(table(found)))
    print(
        f"\nsuppressed count cells: {suppressed:,}; protected run {timed(run)} "
        f"(wall / CPU); load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seeds", default="2025")
    parser.add_argument("--sources", default="synthetic")
    parser.add_argument("--by", default="sex", help="breakdowns, ';' between releases")
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "kommunale-integration-levels"
    )
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    for label, concept, cases, events in exports(
        args.sources.split(","), args.cases, seeds, args.dir
    ):
        for by in args.by.split(";"):
            name = re.sub(r"[^a-z0-9]+", "-", f"{label} {by}".lower())
            measure(label, concept, cases, events, by, args.dir / "releases" / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
