"""Generate the SYNTHETIC case-management export of the Kreis Coesfeld example.

Nothing in the output describes a real person: every case is drawn from a seeded
pseudo-random generator (Python standard library only), and every ``case_id`` has the
form ``SYN-000123`` so that it can never be mistaken for a real pseudonym.

The output follows the canonical case export of the library (DESIGN §4):

* ``cases.csv``:  ``case_id,municipality,opened,closed,legal_basis,sex,birth_year``
* ``events.csv``: ``case_id,event,date,detail``

Run it from the repository root; the same seed always gives byte-identical files::

    python examples/kreis_coesfeld/generate_synthetic_cases.py
    python examples/kreis_coesfeld/generate_synthetic_cases.py \\
        --only 05558012 --output examples/stadt_coesfeld

``--only`` keeps the cases of one municipality (the Stadt example uses the Coesfeld
subset of the very same synthetic Kreis population).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

SEED = 5558
EXPORT_DATE = date(2026, 10, 31)
"""The day of the (synthetic) export: nothing happens after it."""
FIRST_OPENED = date(2022, 1, 1)
CASES = 3600

# Municipalities of Kreis Coesfeld with a weight roughly proportional to population.
MUNICIPALITIES: dict[str, int] = {
    "05558004": 15,  # Ascheberg
    "05558008": 12,  # Billerbeck
    "05558012": 37,  # Coesfeld
    "05558016": 47,  # Dülmen
    "05558020": 12,  # Havixbeck
    "05558024": 25,  # Lüdinghausen
    "05558028": 10,  # Nordkirchen
    "05558032": 20,  # Nottuln
    "05558036": 13,  # Olfen
    "05558040": 11,  # Rosendahl
    "05558044": 21,  # Senden
}
LEGAL_BASES = {"AsylbLG": 35, "SGB II": 40, "AufenthG": 14, "SGB XII": 3, "other": 8}
SEXES = {"m": 520, "f": 452, "d": 3, "unknown": 25}
# Age groups at opening: (youngest, oldest, weight).
AGES = [(0, 5, 9), (6, 17, 17), (18, 26, 21), (27, 64, 50), (65, 80, 3)]
LEVELS = ["A1", "A2", "B1", "B1", "B2"]

CASE_COLUMNS = ["case_id", "municipality", "opened", "closed", "legal_basis", "sex", "birth_year"]
EVENT_COLUMNS = ["case_id", "event", "date", "detail"]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _after(rng: random.Random, start: date, low: int, high: int) -> date:
    return start + timedelta(days=rng.randint(low, high))


def generate(seed: int = SEED, cases: int = CASES) -> tuple[list[list[str]], list[list[str]]]:
    """Return the rows of ``cases.csv`` and ``events.csv`` (without headers)."""
    # Reproducible test data, not secrets: a seeded pseudo-random generator is right here.
    rng = random.Random(seed)  # noqa: S311
    span = (EXPORT_DATE - FIRST_OPENED).days
    case_rows: list[list[str]] = []
    event_rows: list[list[str]] = []
    for number in range(1, cases + 1):
        case_id = f"SYN-{number:06d}"
        municipality = _pick(rng, MUNICIPALITIES)
        opened = FIRST_OPENED + timedelta(days=rng.randint(0, span))
        legal_basis = _pick(rng, LEGAL_BASES)
        sex = _pick(rng, SEXES)
        low, high, _ = rng.choices(AGES, weights=[a[2] for a in AGES])[0]
        age = rng.randint(low, high)
        birth_year = opened.year - age
        closed: date | None = _after(rng, opened, 120, 1100)
        if closed is not None and closed > EXPORT_DATE:
            closed = None
        last = closed or EXPORT_DATE

        events: list[tuple[str, date, str]] = []

        def add(
            event: str,
            day: date,
            detail: str = "",
            last: date = last,
            events: list[tuple[str, date, str]] = events,
        ) -> bool:
            """Record *event* unless it would lie after the case's last day."""
            if day > last:
                return False
            events.append((event, day, detail))
            return True

        for _ in range(rng.randint(1, 8)):
            add("counselling_session", _after(rng, opened, 0, 400))
        if 6 <= age <= 17 and rng.random() < 0.85:
            add("school_enrolled", _after(rng, opened, 7, 90))
        if age >= 16 and rng.random() < 0.62:
            start = _after(rng, opened, 14, 200)
            if add("language_course_started", start, rng.choice(LEVELS[:3])) and (
                rng.random() < 0.68
            ):
                level = rng.choice(LEVELS)
                done = _after(rng, start, 150, 330)
                if add("language_course_completed", done, level) and rng.random() < 0.45:
                    add("integration_course_completed", done, f"DTZ {level}")
        if 16 <= age <= 26 and rng.random() < 0.22:
            add("vocational_training_started", _after(rng, opened, 180, 720))
        if 18 <= age <= 64 and rng.random() < 0.45:
            add("employment_started", _after(rng, opened, 120, 720))

        case_rows.append(
            [
                case_id,
                municipality,
                opened.isoformat(),
                closed.isoformat() if closed else "",
                legal_basis,
                sex,
                str(birth_year),
            ]
        )
        for event, day, detail in sorted(events, key=lambda e: (e[1], e[0])):
            event_rows.append([case_id, event, day.isoformat(), detail])
    return case_rows, event_rows


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    """Write ``cases.csv`` and ``events.csv`` into the output folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cases", type=int, default=CASES)
    parser.add_argument("--only", metavar="AGS", help="keep the cases of this municipality")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    case_rows, event_rows = generate(args.seed, args.cases)
    if args.only:
        case_rows = [row for row in case_rows if row[1] == args.only]
        kept = {row[0] for row in case_rows}
        event_rows = [row for row in event_rows if row[0] in kept]
    _write_atomic(args.output / "cases.csv", _csv(CASE_COLUMNS, case_rows))
    _write_atomic(args.output / "events.csv", _csv(EVENT_COLUMNS, event_rows))
    print(f"wrote {len(case_rows)} synthetic cases and {len(event_rows)} events to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
