"""Attack: an attacker who runs the engine on every table consistent with a release.

The engine is public and deterministic. An attacker who knows it can protect every
table consistent with a release himself and keep those that come out with the
published pattern; on small tables this tells which cells are primary
(``docs/data-protection.rst``, "Limits and advice", an attacker who runs the engine).

The tables: three municipalities by sex with their totals (``m1``–``m3`` and the
Kreis ``K``; ``f``, ``m`` and ``_T``), each inner cell drawn from
``[0, 1, 1, 2, 2, 3, 4, 5, 6]`` with ``random.Random(seed)`` for the seeds 0 to
``--tables − 1``, protected by :func:`protect` at the defaults. For each table the
attacker tries every table with the published cells and whole numbers from 0 to
``--largest`` in the suppressed inner cells (the totals follow), and a primary cell is
*bounded* when no surviving table puts it at the threshold or above. Three attackers,
one line each:

* ``engine``: a table survives when the engine gives it the published pattern;
* ``keyed``: the engine with a secret key (the proposal of the fifteenth session):
  the price of every cell multiplied by ``1 + NOISE · u``, ``u`` in [0, 1) from a
  keyed BLAKE2b hash of the cell, a random key for the release; the attacker knows
  the method but not the key, and a table survives when any of ``--keys`` keys he
  draws gives the published pattern (the engine has no key: this script puts the
  noise into its prices itself, ``--noise`` one or more levels);
* ``any engine``: a table survives when one of its suppressed cells is 1 or 2 — all
  that is left of the engine's rules when any choice of complementary cells is
  allowed: an engine suppresses nothing in a table without a cell of 1 or 2 (for
  the engine's patterns, and under each level of noise for the keyed engine's);
* ``rule, programs``: the same rule decided by mixed-integer programs, without a
  bound on the hidden cells (``ENGINE_RULE`` of ``tests/release_attacker.py``, per
  block of linked suppressed cells: the attacker of ``benchmarks/attack_release.py
  --rule``), in the engine's patterns.

Run: ``.venv/bin/python benchmarks/engine_attacker.py [--tables 40] [--largest 7]
[--keys 30] [--noise 0.3,1,3]``
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import kommunale_integration as ki
from kommunale_integration._engine import _protection
from kommunale_integration._engine.disclosure import Protection, protect

ROWS = ("m1", "m2", "m3")
COLUMNS = ("f", "m")
GROUPS: list[Any] = [(("K", c), [(r, c) for r in ROWS]) for c in (*COLUMNS, "_T")]
GROUPS += [((r, "_T"), [(r, c) for c in COLUMNS]) for r in (*ROWS, "K")]
CONTROL = ki.DisclosureControl()


def table(inner: Mapping[Any, int]) -> dict[Any, int]:
    """The whole table from its inner cells."""
    values = dict(inner)
    for c in COLUMNS:
        values[("K", c)] = sum(values[(r, c)] for r in ROWS)
    for r in (*ROWS, "K"):
        values[(r, "_T")] = sum(values[(r, c)] for c in COLUMNS)
    return values


def drawn(seed: int) -> dict[Any, int]:
    """The inner cells of the table of *seed*."""
    rng = random.Random(seed)
    return {(r, c): rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6]) for r in ROWS for c in COLUMNS}


_KEY: list[bytes] = []  # the key of the next protection (empty: the engine as it is)
_NOISE: list[float] = [0.0]


def _keyed_prices() -> None:
    """Multiply the engine's price of every cell by ``1 + NOISE · u`` (``u`` from the
    keyed hash of the cell) whenever a key is set."""
    import numpy as np

    original = _protection._Search.__init__

    def init(self: Any, values: Any, finder: Any, primary: Any, **options: Any) -> None:
        original(self, values, finder, primary, **options)
        if not _KEY:
            return
        digests = b"".join(
            hashlib.blake2b(repr(c).encode(), digest_size=8, key=_KEY[0]).digest()
            for c in finder.cells
        )
        factor = 1.0 + _NOISE[0] * (np.frombuffer(digests, dtype="<u8") / 2.0**64)
        self.base_cost = self.base_cost * factor
        self.cost = self.cost * factor  # (0 stays 0 for the cells already suppressed)

    _protection._Search.__init__ = init  # type: ignore[method-assign]


def protected(values: Mapping[Any, int], key: bytes | None = None) -> Protection:
    """The engine's protection of *values*, with the prices of *key* (None: none)."""
    _KEY.clear()
    if key is not None:
        _KEY.append(key)
    return protect(values, GROUPS, CONTROL, audit=False)


def candidates(inner: Mapping[Any, int], release: Protection, largest: int) -> Iterator[dict]:
    """Every table with the published cells of *release* and whole numbers from 0 to
    *largest* in its suppressed inner cells."""
    hidden = sorted(c for c in release.suppressed if "K" not in c and "_T" not in c)
    shown = [(c, v) for c, v in release.published.items() if v is not None]
    for values in itertools.product(range(largest + 1), repeat=len(hidden)):
        candidate = table({**inner, **dict(zip(hidden, values, strict=True))})
        if all(candidate[c] == v for c, v in shown):
            yield candidate


def bounded(
    inner: Mapping[Any, int],
    release: Protection,
    largest: int,
    survives: Callable[[Mapping[Any, int]], bool],
) -> tuple[int, int]:
    """The primary cells of *release* and those that no surviving table lifts to the
    threshold."""
    truth = table(inner)
    primary = {c for c in release.suppressed if 0 < truth[c] < CONTROL.threshold}
    left = set(primary)
    for candidate in candidates(inner, release, largest):
        lifted = {c for c in left if candidate[c] >= CONTROL.threshold}
        if lifted and survives(candidate):
            left -= lifted
            if not left:
                break
    return len(primary), len(left)


def ruled(inner: Mapping[Any, int], release: Protection) -> tuple[int, int]:
    """The primary cells of *release* and those that the test attacker's
    ``ENGINE_RULE`` bounds below the threshold (over whole numbers)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from release_attacker import attack_suppression

    truth = table(inner)
    found = [(total, parts, True) for total, parts in GROUPS]
    cells = {
        c: (None, "suppressed") if c in release.suppressed else (float(v), "ok")
        for c, v in truth.items()
    }
    true = {c: float(v) for c, v in truth.items()}
    verdicts = attack_suppression(
        cells, found, CONTROL.threshold, 0.0, integral=True, table=true, rule=True
    )
    primary = [c for c in release.suppressed if 0 < truth[c] < CONTROL.threshold]
    return len(primary), sum(verdicts[c].ruled or verdicts[c].below for c in primary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=40)
    parser.add_argument("--largest", type=int, default=7)
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument("--noise", default="0.3,1,3")
    args = parser.parse_args()
    _keyed_prices()
    seeds = range(args.tables)
    print(f"load {os.getloadavg()[0]:.1f}; {args.tables} tables, cells 0 to {args.largest}")

    def line(name: str, results: list[tuple[int, int]], start: float) -> None:
        primary, left = sum(p for p, _ in results), sum(b for _, b in results)
        print(
            f"{name:<22} {left:4d} of {primary} primary cells bounded below "
            f"{CONTROL.threshold}  ({time.process_time() - start:.0f} s CPU, "
            f"load {os.getloadavg()[0]:.1f})",
            flush=True,
        )

    start = time.process_time()
    plain = {seed: protected(table(drawn(seed))) for seed in seeds}
    results = [
        bounded(
            drawn(seed),
            plain[seed],
            args.largest,
            lambda t, s=seed: protected(t).suppressed == plain[s].suppressed,
        )
        for seed in seeds
    ]
    line("engine", results, start)
    start = time.process_time()
    results = [
        bounded(
            drawn(seed),
            plain[seed],
            args.largest,
            lambda t, s=seed: any(0 < t[c] < CONTROL.threshold for c in plain[s].suppressed),
        )
        for seed in seeds
    ]
    line("any engine", results, start)
    start = time.process_time()
    line("rule, programs", [ruled(drawn(seed), plain[seed]) for seed in seeds], start)
    for noise in (float(x) for x in args.noise.split(",")):
        _NOISE[0] = noise
        start = time.process_time()
        results, anyhow, aside = [], [], 0.0
        for seed in seeds:
            rng = random.Random(f"keys {seed}")
            release = protected(table(drawn(seed)), rng.randbytes(16))
            keys = [rng.randbytes(16) for _ in range(args.keys)]
            results.append(
                bounded(
                    drawn(seed),
                    release,
                    args.largest,
                    lambda t, r=release, ks=keys: any(
                        protected(t, k).suppressed == r.suppressed for k in ks
                    ),
                )
            )
            spent = time.process_time()
            anyhow.append(
                bounded(
                    drawn(seed),
                    release,
                    args.largest,
                    lambda t, r=release: any(0 < t[c] < CONTROL.threshold for c in r.suppressed),
                )
            )
            aside += time.process_time() - spent
        line(f"keyed, noise {noise:g}", results, start + aside)
        line("  (any engine)", anyhow, time.process_time() - aside)


if __name__ == "__main__":
    main()
