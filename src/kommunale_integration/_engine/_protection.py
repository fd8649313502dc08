"""Linear programming for disclosure control: the exact audit and secondary suppression.

Both work on a count table given as cell values and *relations*. A relation is
``(total, parts, exact)``: with ``exact`` the total is the sum of the parts (a
district and its municipalities, a ``_T`` cell and its values, a year and its months
for counts that add up over time); without it the total lies between the largest part
and the sum of the parts (distinct cases over sub-periods: a case active in two months
counts once in the year).

The **audit** takes the attacker's view: every published cell is known, every
suppressed cell is a variable that is at least ``lower`` (1 when zeros are never
suppressed), and every relation holds. For each suppressed cell it computes the
smallest and the largest value consistent with all of that — the feasibility interval
— by linear programming (HiGHS), one block of linked suppressed cells at a time.

**Secondary suppression** looks, for each primary cell ``p``, for a *witness*: a change
``y`` of the table that keeps every relation, leaves every published cell as it is,
keeps every suppressed cell at least ``lower`` and raises ``p`` to the required value.
The cells that the witness changes must be suppressed; among all witnesses the linear
program picks the one that changes the fewest published cells (already suppressed
cells are free). Once a witness exists, the attacker cannot rule out the raised value,
and suppressing more cells later only widens what he must consider possible. Every
cell in a witness changes in a consistent table, so no suppressed cell is fixed.

HiGHS (``highspy``) is imported lazily, on the first table that has a suppressed cell.
"""

from __future__ import annotations

import math
import os
import sys
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import chain
from typing import Any, Final, Protocol, cast

__all__ = ["Relation", "audit", "normalise", "witness_suppression"]

Relation = tuple[Any, Sequence[Any], bool]
"""``(total, parts, exact)``: see the module documentation."""

_TOL = 1e-6
PRUNE_BLOCK = 300
"""The pruning pass searches the whole block of a primary cell for a new witness when
the block has at most this many suppressed cells (else within two relations)."""
PRUNE_ROUNDS = 1
"""The pruning pass looks for a new witness by products
(:meth:`._hypercube.Cube.find`) in the first this many of its ``ROUNDS`` only, not
among all products: a secondary cell whose primary cells find none there stays
suppressed, which keeps every witness."""
PRUNE_FAILURES = 1
"""The pruning pass by products no longer asks a primary cell for a new witness once
it found none this many times: a candidate that needs one stays suppressed (on the
1M-case benchmark 28 in 29 of them fail anyway). The linear finder (small tables)
asks every time."""
PRUNE_CROWD = 4
"""The pruning pass by products does not try to publish again a secondary cell that
at least this many witnesses move: it stays suppressed, which keeps every witness.
Such a cell is published only when every primary cell that those witnesses raise
finds a new one, which is rare (on the 1M-case benchmark 1 in 60 of them), and
trying costs a third of the pass (there 146 more suppressed cells of 63,891,
0.4 s less CPU). The linear finder (small tables) tries every cell."""
ZERO_COST = 3.0
"""What suppressing a zero costs (a published cell costs 1 to 1.1, more the larger it
is): a suppressed zero needs a witness of its own that raises it to the threshold,
and that witness moves cells of its own. Priced as one cell, zeros were the cheapest
complements of all, and each brought a search and a witness more. On the 1M-case
benchmark (fourteenth session) 2,485 suppressed zeros needed a witness, now 1,224:
17,755 → 15,963 searches, 64,037 → 62,681 suppressed cells (−2.1 %); on the
one-period table of the loss figure the share of non-zero cells stays within 0.2
points. A zero is still taken where it is the cheapest complement even so."""
HEADLINE_COST = 10.0
"""What suppressing a *headline* cell costs (see :func:`_headlines`): the total of a
period at the top of every breakdown and of the territory hierarchy, the number a
reader looks for first ("language course starts in the district, first quarter").
Priced as any other cell, such a total was often the first complement of a primary
cell at the top (``unknown`` of the district) and, suppressed, free for every later
witness: on the Kreis example by sex 36 of them were suppressed (the first quarter's
87 among them), though witnesses without them exist. Priced at ten cells, a witness
takes one only where the way around it moves more than about ten published cells."""
EXPLAIN_TRIES = 8
""":meth:`_Search.explain` tries this many cells at a time to hold at 1 to
``threshold − 1`` beside a primary cell that no witness explains, the likeliest first,
and takes the cheapest witness of the first group that gives one (the next group only
when none of this one does: the likeliest may all be pinned by what the attacker
knows)."""
_INF = math.inf
_NO_KEYS: frozenset[int] = frozenset()
_BATCH = 1024
"""The search keeps its witnesses as arrays (:meth:`_Search._freeze`) each time this
many more are taken."""
_state = {"quiet": False}


def _highs() -> Any:
    """A HiGHS instance with its output switched off.

    HiGHS prints a banner to the C-level standard output when the first instance of
    a process is created; the command line writes CSV there, so the banner is sent to
    the null device.
    """
    import highspy

    make: Any = highspy.Highs
    try:
        # No standard output at all (``>&-``: Python's sys.stdout is None, the
        # descriptor closed): there is no banner to keep out of anything.
        saved = -1 if _state["quiet"] or sys.stdout is None else os.dup(1)
    except OSError:
        saved = -1
    if saved < 0:
        solver = make()
    else:
        sys.stdout.flush()
        try:
            with open(os.devnull, "w", encoding="utf-8") as null:
                os.dup2(null.fileno(), 1)
                solver = make()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _state["quiet"] = True
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("presolve", "off")
    return solver


#: HiGHS's callbacks that it calls at each iteration of a solve and that may stop it.
_INTERRUPTS: Final = ("cbSimplexInterrupt", "cbIpmInterrupt", "cbMipInterrupt")


def _run(solver: Any) -> None:
    """``solver.run()``, stopped within one iteration by ``SIGINT``, ``SIGTERM`` or ``SIGHUP``.

    A Python signal handler runs only between calls into HiGHS: an interrupt during one
    long solve (the exact audit of a large block) waited until the solve ended, seconds
    to minutes. While HiGHS runs, such signals are only noted
    (:func:`~kommunale_integration._signals.held`); HiGHS's interrupt callback stops
    the solve at its next iteration when one was noted, and the handler runs right
    after (the command line ends the run there). A handler that returns lets the solve
    go on from where it stopped. Where no ending signal has a Python handler (a worker
    process: they end at once, inside HiGHS too) the solver just runs.
    """
    from .._signals import held

    while True:
        with held(python_handlers_only=True) as arrived:
            callbacks: list[Any] = [getattr(solver, name, None) for name in _INTERRUPTS]
            if arrived is None or None in callbacks:  # (highspy < 1.8 has no callbacks)
                solver.run()
                return

            def stop(event: Any, noted: list[int] = arrived) -> None:
                event.interrupt(bool(noted))  # (the flag stays set: cleared each time)

            for callback in callbacks:
                callback.subscribe(stop)
            try:
                solver.run()
            finally:
                for callback in callbacks:
                    callback.unsubscribe(stop)
        if not arrived or not str(solver.getModelStatus()).endswith("kInterrupt"):
            return


def normalise(groups: Iterable[Sequence[Any]]) -> list[Relation]:
    """``(total, parts)`` or ``(total, parts, exact)`` → ``(total, parts, exact)``."""
    # (the engine's relations and their parts lists are kept, not copied: nothing
    # changes a relation)
    return [
        g
        if type(g) is tuple and len(g) == 3 and type(g[1]) is list and type(g[2]) is bool
        else (g[0], g[1] if type(g[1]) is list else list(g[1]), True if len(g) < 3 else bool(g[2]))
        for g in groups
    ]


def _inner(relations: Iterable[Relation]) -> set[Any]:
    """The parts of the exact relations with two or more parts: every cell (or value of
    a dimension) but the *headline* ones (:func:`_headlines`)."""
    inner: set[Any] = set()
    for _, parts, exact in relations:
        if exact and len(parts) > 1:
            inner.update(parts)
    return inner


def _headlines(values: Iterable[Any], relations: Sequence[Relation]) -> list[Any]:
    """The *headline* cells among *values*: those that are a part of no exact relation
    with two or more parts (:func:`_inner`) — the totals at the top of every
    breakdown and of the territory hierarchy (with the territories that are its only
    part: the district of a one-district release), for each period where counts do
    not add up over time (a distinct count's quarter), else for the whole period.
    Priced ``HEADLINE_COST`` as complements. (In a product, :func:`_headline_columns`.)"""
    inner = _inner(relations)
    return [c for c in values if c not in inner]


def _headline_columns(cube: Any) -> Any:
    """The columns of the headline cells of a product (:class:`._hypercube.Cube`), from
    its dimensions: every relation of the table is one of a dimension with the other
    coordinates fixed, so a cell is a part of an exact relation with two or more parts
    exactly where one of its coordinates is in its dimension (:func:`_inner` of each
    dimension's relations). The same cells as :func:`_headlines` over the table's
    relations, without a walk through all of them (0.09 s of the 2.5 s of CPU of the
    table of new and active cases at 1M cases). Where the dimensions do not describe
    the relations only the prices differ: every witness is still checked against
    every relation (:meth:`_Search.check`)."""
    import numpy as np

    top = np.ones(1, dtype=bool)
    for axis in cube.axes:  # (the cube's columns: the first dimension varies slowest)
        outside = np.ones(len(axis.values), dtype=bool)
        outside[sorted(_inner(axis.relations))] = False
        top = np.logical_and.outer(top, outside).ravel()
    return np.flatnonzero(top)


def _rows(
    relation: Relation, column: Mapping[Any, int], values: Mapping[Any, int]
) -> Iterable[tuple[dict[int, float], float, float]]:
    """The linear constraints of *relation* over the variables in *column*.

    Each is ``(coefficients, lower, upper)`` for ``lower ≤ Σ a·x ≤ upper``, with the
    cells outside *column* taken at their value in *values*.
    """
    total, parts, exact = relation
    get = column.get
    # the sum row: total − Σ parts (each coefficient added in the order of the terms;
    # one that cancels, a total among its own parts, is left out)
    coefs: dict[int, float] = {}
    constant = 0.0
    col = get(total)
    if col is None:
        constant += values[total]
    else:
        coefs[col] = 1.0
    for part in parts:
        col = get(part)
        if col is None:
            constant -= values[part]
        else:
            coefs[col] = coefs.get(col, 0.0) - 1.0
    if 0.0 in coefs.values():
        coefs = {c: a for c, a in coefs.items() if a}
    if exact:
        if coefs:
            yield coefs, -constant, -constant
        return
    # max(parts) ≤ total ≤ sum(parts)
    if coefs:
        yield coefs, -_INF, -constant
    # total − part ≥ 0 for each part
    at = get(total)
    for part in parts:
        col = get(part)
        if col is None:
            if at is not None:
                yield {at: 1.0}, float(values[part]), _INF
        elif at is None:
            yield {col: -1.0}, -float(values[total]), _INF
        elif col != at:
            yield {at: 1.0, col: -1.0}, 0.0, _INF


def _load(
    solver: Any, n: int, lower: Sequence[float], upper: Sequence[float], rows: list[Any]
) -> None:
    import numpy as np

    inf = solver.getInfinity()
    solver.addVars(n, np.array(lower, dtype=float), np.array([min(u, inf) for u in upper]))
    if not rows:
        return
    lows = np.array([max(lo, -inf) for _, lo, _ in rows], dtype=float)
    ups = np.array([min(up, inf) for _, _, up in rows], dtype=float)
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    for coefs, _, _ in rows:
        starts.append(len(index))
        for col in sorted(coefs):
            index.append(col)
            value.append(coefs[col])
    solver.addRows(
        len(rows),
        lows,
        ups,
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value, dtype=float),
    )


def _members(
    relations: Sequence[Relation], keys: Sequence[Any], index: Mapping[Any, int]
) -> tuple[Any, Any, Any]:
    """The cells of *relations* as positions among *keys* (*index*: each key's
    position; −1 for a cell that is none; :func:`._hypercube.places`): the totals,
    the parts of all relations one after the other, and where each relation's parts
    end."""
    import numpy as np

    from ._hypercube import by_identity, places

    n_rel = len(relations)
    by_id = by_identity(keys)
    totals = places(lambda: (r[0] for r in relations), n_rel, by_id, index)
    ends = np.cumsum(np.fromiter(map(len, (r[1] for r in relations)), np.int64, n_rel))
    n = int(ends[-1]) if n_rel else 0
    parts = places(lambda: chain.from_iterable(r[1] for r in relations), n, by_id, index)
    return totals, parts, ends


def _linked(totals: Any, parts: Any, ends: Any, hidden: Any) -> tuple[Any, Any, Any]:
    """The blocks of linked suppressed cells: two suppressed cells are linked when a
    relation holds both, and a block is what links together (through every suppressed
    cell, the cells never published too). The one computation of the audit's blocks
    (:func:`_blocks`) and of :meth:`_Search.explain`'s.

    The cells are positions ``0 … n − 1`` (*hidden*: a boolean array, the suppressed
    ones); the relations are given by the positions of their cells (−1 for a cell
    that is none), as :func:`_members` gives them. Returns, as arrays: each
    position's block (the smallest position in it; a published cell is a block of
    its own), each relation's first suppressed cell (its total, else its first part;
    −1 for none) and whether each position is in some relation."""
    import numpy as np

    n, n_rel = len(hidden), len(totals)
    related = np.zeros(n, dtype=bool)
    related[totals[totals >= 0]] = True
    related[parts[parts >= 0]] = True
    # the suppressed cells of each relation, its total first, then its parts in order
    # (the parts' relations from where each relation's parts end: no array of them all)
    shut = np.flatnonzero(totals >= 0)
    shut = shut[hidden[totals[shut]]]
    part = np.flatnonzero(parts >= 0)
    part = part[hidden[parts[part]]]
    rel = np.concatenate([shut, np.searchsorted(ends, part, side="right")])
    cell = np.concatenate([totals[shut], parts[part]])
    del shut, part
    order = np.argsort(rel, kind="stable")
    rel, cell = rel[order], cell[order]
    # each joined to the first of its relation
    starts = np.flatnonzero(np.r_[True, rel[1:] != rel[:-1]])[: len(rel)]
    head = np.repeat(cell[starts], np.diff(np.r_[starts, len(rel)]))
    first = np.full(n_rel, -1, dtype=np.int64)
    first[rel[starts]] = cell[starts]
    return _components(n, head, cell), first, related


def _blocks(
    relations: Sequence[Relation], hidden: Iterable[Hashable]
) -> list[tuple[list[Any], list[Relation]]]:
    """Split the suppressed cells into independent blocks (linked through relations,
    :func:`_linked`): each block's cells and the relations that hold one of them."""
    import numpy as np

    cells = list(dict.fromkeys(hidden))
    index = {c: i for i, c in enumerate(cells)}
    label, first, _ = _linked(*_members(relations, cells, index), np.ones(len(cells), dtype=bool))
    members: dict[int, list[Any]] = {}
    for cell, root in zip(cells, label.tolist(), strict=True):
        members.setdefault(root, []).append(cell)
    own: dict[int, list[Relation]] = {root: [] for root in members}
    touching = np.flatnonzero(first >= 0)
    for r, root in zip(touching.tolist(), label[first[touching]].tolist(), strict=True):
        own[root].append(relations[r])
    order = sorted(members, key=lambda root: min(repr(c) for c in members[root]))
    return [(sorted(members[root], key=repr), own[root]) for root in order]


def audit(
    values: Mapping[Any, int],
    relations: Sequence[Relation],
    hidden: Iterable[Hashable],
    *,
    lower: int = 1,
    limit: int | None = None,
    counts: Counter[str] | None = None,
) -> dict[Any, tuple[float, float]]:
    """The feasibility interval of every hidden cell (smallest, largest value).

    Exact: each bound is either proved by a linear program or both proved by the
    relations (bound propagation, a ray for an unbounded cell) and reached by a table
    that a linear program found (see :func:`_audit_block`).

    Args:
        values: The true value of every cell (only the published ones are used as
            known; the true values of hidden cells are never used as constraints).
        relations: Every relation of the release.
        hidden: The suppressed cells.
        lower: The attacker's lower bound of a suppressed cell (1 when zeros are never
            suppressed, else 0).
        limit: Leave out the blocks of more than *limit* suppressed cells (default: no
            limit).
        counts: Where given, the work done is added to it: ``blocks``, ``cells``,
            ``unbounded`` (cells proved unbounded by a ray), ``settled`` (bounds
            proved by propagation and reached without a linear program of their
            own), ``bulk``, ``max`` and ``min`` (linear programs).

    Returns:
        Cell → ``(low, high)``; ``high`` is ``inf`` when nothing bounds the cell.
    """
    result: dict[Any, tuple[float, float]] = {}
    for cells, own in _blocks(relations, hidden):
        if limit is None or len(cells) <= limit:
            result.update(_audit_block(values, own, cells, lower, counts))
    return result


def _audit_block(
    values: Mapping[Any, int],
    relations: Sequence[Relation],
    cells: list[Any],
    lower: int,
    counts: Counter[str] | None = None,
) -> dict[Any, tuple[float, float]]:
    """The exact feasibility intervals of one block, with as few linear programs as
    the proofs allow.

    1. Propagating the bounds through the relations gives an *outer* interval of
       every cell (each bound follows from the relations). The cells left without an
       upper bound are unbounded when one direction raises all of them at once and
       keeps every relation (:func:`_ray`, one linear program).
    2. Every table that a linear program finds is consistent with the release, so
       the values it gives a cell lie in the cell's interval. A cell's bound is exact
       as soon as such a table reaches its outer bound. A few linear programs that
       push all open cells at once (largest sum, smallest sum) settle most of them.
    3. Each cell still open gets its own linear program (largest, smallest value),
       neighbours one after the other, each from the previous optimal basis.
    """
    import numpy as np

    column = {c: i for i, c in enumerate(cells)}
    rows = [r for relation in relations for r in _rows(relation, column, values)]
    n = len(cells)
    if not rows:
        return dict.fromkeys(cells, (float(lower), _INF))
    low, high = _bounds(values, relations, cells, lower)
    free = [i for i in range(n) if math.isinf(high[i])]
    proved = not free or _ray(relations, cells, free)
    probe = _Probe(n, rows, lower, [float(values[c]) for c in cells])
    order = _order(relations, column)

    def open_high(i: int) -> bool:
        if math.isinf(high[i]):
            return not proved
        return bool(probe.high[i] < high[i] - _TOL)

    def open_low(i: int) -> bool:
        return bool(probe.low[i] > low[i] + _TOL)

    for sign, is_open in ((-1.0, open_high), (1.0, open_low)):
        # push all open cells at once while that settles a fifth of them
        todo = [i for i in order if is_open(i) and not math.isinf(high[i])]
        while todo:
            cost = np.zeros(n)
            cost[todo] = sign
            probe.solve(cost, "bulk")
            left = [i for i in todo if is_open(i)]
            if len(left) > 0.8 * len(todo):
                break
            todo = left
    settled = 0
    for i in order:
        if open_high(i):
            found = probe.solve(_unit(n, i, -1.0), "max")
            high[i] = _INF if found is None else min(high[i], float(found[i]))
        else:
            settled += 1
    for i in order:
        if open_low(i):
            found = probe.solve(_unit(n, i, 1.0), "min")
            low[i] = float(lower) if found is None else max(low[i], float(found[i]))
        else:
            settled += 1
    if counts is not None:
        counts.update(probe.lps)
        counts.update(blocks=1, cells=n, settled=settled, unbounded=len(free) if proved else 0)
    return {c: (_clean(low[i]), _clean(high[i])) for i, c in enumerate(cells)}


def _unit(n: int, col: int, sign: float) -> Any:
    import numpy as np

    cost = np.zeros(n)
    cost[col] = sign
    return cost


class _Probe:
    """One HiGHS instance over the columns of a block, and the smallest and the
    largest value each column took in the tables it found (all consistent with the
    release: the true table and every optimal solution)."""

    def __init__(self, n: int, rows: list[Any], lower: int, truth: list[float]) -> None:
        import numpy as np

        self.solver = _highs()
        _load(self.solver, n, [float(lower)] * n, [_INF] * n, rows)
        # the first program from scratch, presolved; then each from the last basis
        # (the primal simplex: a new objective keeps the basis feasible)
        self.solver.setOptionValue("presolve", "on")
        self.first = True
        self.low = np.array(truth, dtype=float)
        self.high = np.array(truth, dtype=float)
        self.index = np.arange(n, dtype=np.int32)
        self.lps: Counter[str] = Counter()

    def solve(self, cost: Any, kind: str) -> Any:
        """Minimise ``cost · x``: the optimal table, or ``None`` when unbounded."""
        import numpy as np

        solver = self.solver
        solver.changeColsCost(len(cost), self.index, cost)
        _run(solver)
        self.lps[kind] += 1
        name = str(solver.getModelStatus())
        if not name.endswith(("kOptimal", "kUnbounded")):
            solver.clearSolver()  # start afresh instead of from the last basis
            _run(solver)
            name = str(solver.getModelStatus())
        if self.first:
            self.first = False
            solver.setOptionValue("presolve", "off")
            solver.setOptionValue("simplex_strategy", 4)
        if name.endswith(("kUnbounded", "kUnboundedOrInfeasible")):
            return None
        if not name.endswith("kOptimal"):
            raise RuntimeError(f"the disclosure audit could not be solved ({name})")
        found = np.array(solver.getSolution().col_value, dtype=float)
        np.minimum(self.low, found, out=self.low)
        np.maximum(self.high, found, out=self.high)
        return found


def _bounds(
    values: Mapping[Any, int], relations: Sequence[Relation], cells: list[Any], lower: int
) -> tuple[list[float], list[float]]:
    """Outer bounds of the cells of a block: ``lower`` and ``inf`` tightened through
    the relations until nothing changes (at most 30 rounds). Each bound follows from
    the relations, so every feasible value lies within; all are whole numbers."""
    column = {c: i for i, c in enumerate(cells)}
    low = [float(lower)] * len(cells)
    high = [_INF] * len(cells)
    # (total's column or -1, its value, the parts' columns, Σ and max of the published parts)
    terms = []
    for total, parts, exact in relations:
        cols = [column[p] for p in parts if p in column]
        known = [values[p] for p in parts if p not in column]
        t = column.get(total, -1)
        terms.append(
            (t, 0 if t >= 0 else values[total], cols, sum(known), max(known, default=-_INF), exact)
        )
    for _ in range(30):
        changed = False
        for t, value, cols, constant, top, exact in terms:
            t_low, t_high = (low[t], high[t]) if t >= 0 else (value, value)
            sum_low = constant + sum(low[c] for c in cols)
            unbounded = sum(1 for c in cols if math.isinf(high[c]))
            sum_high = constant + sum(high[c] for c in cols if not math.isinf(high[c]))
            if t >= 0:  # the total: at most the sum of the parts, at least their sum or max
                up = sum_high if not unbounded else _INF
                down = sum_low if exact else max([top, *(low[c] for c in cols)])
                if up < high[t] - 0.5:
                    high[t], changed = up, True
                if down > low[t] + 0.5:
                    low[t], changed = down, True
            for c in cols:
                inf_c = math.isinf(high[c])
                if unbounded - inf_c == 0:  # total ≤ Σ parts: c ≥ total - Σ other parts
                    down = t_low - (sum_high - (0.0 if inf_c else high[c]))
                    if down > low[c] + 0.5:
                        low[c], changed = down, True
                up = t_high - (sum_low - low[c]) if exact else t_high
                if up < high[c] - 0.5:
                    high[c], changed = up, True
        if not changed:
            break
    return low, high


def _ray(relations: Sequence[Relation], cells: list[Any], free: list[int]) -> bool:
    """Whether a direction raises every cell of *free* by at least 1, leaves the other
    cells as they are and keeps every relation — then each of them is unbounded (one
    linear program; the direction is checked against every relation)."""
    import numpy as np

    chosen = [cells[i] for i in free]
    column = {c: i for i, c in enumerate(chosen)}
    still: Mapping[Any, int] = _Zero()
    rows = [r for relation in relations for r in _rows(relation, column, still)]
    solver = _highs()
    solver.setOptionValue("presolve", "on")
    _load(solver, len(chosen), [1.0] * len(chosen), [_INF] * len(chosen), rows)
    _run(solver)
    if not str(solver.getModelStatus()).endswith("kOptimal"):
        return False
    d = np.array(solver.getSolution().col_value, dtype=float)
    slack = _TOL * max(1.0, float(d.max(initial=1.0)))
    if (d < 1.0 - slack).any():
        return False
    for coefs, lo, up in rows:
        level = sum(a * d[col] for col, a in coefs.items())
        if level < lo - slack or level > up + slack:
            return False
    return True


class _Zero(dict[Any, int]):
    """Every cell 0: a direction leaves the cells outside it unchanged."""

    def __missing__(self, key: Any) -> int:
        return 0


def _order(relations: Sequence[Relation], column: Mapping[Any, int]) -> list[int]:
    """The columns of a block breadth first through its relations: neighbours follow
    each other, so that each linear program starts near the last optimum."""
    from collections import deque

    groups: list[list[int]] = []
    member: dict[int, list[int]] = {}
    for total, parts, _ in relations:
        cols = [column[c] for c in (total, *parts) if c in column]
        for col in cols:
            member.setdefault(col, []).append(len(groups))
        groups.append(cols)
    seen = [False] * len(column)
    used = [False] * len(groups)
    order: list[int] = []
    for start in range(len(column)):
        if seen[start]:
            continue
        seen[start] = True
        queue = deque([start])
        while queue:
            col = queue.popleft()
            order.append(col)
            for k in member.get(col, ()):
                if not used[k]:
                    used[k] = True
                    fresh = [c for c in groups[k] if not seen[c]]
                    for c in fresh:
                        seen[c] = True
                    queue.extend(fresh)
    return order


def _clean(x: float) -> float:
    if math.isinf(x):
        return x
    nearest = round(x)
    return float(nearest) if abs(x - nearest) < _TOL else x


def witness_suppression(
    values: Mapping[Any, int],
    relations: Sequence[Relation],
    primary: Mapping[Any, int],
    *,
    lower: int = 1,
    dimensions: Sequence[Sequence[Sequence[Any]]] | None = None,
    coordinates: Callable[[Any], Sequence[Any]] | None = None,
    free: AbstractSet[Any] = frozenset(),
    fixed: AbstractSet[Any] = frozenset(),
    threshold: int | None = None,
    lift: Mapping[Any, int] | None = None,
) -> tuple[set[Any], dict[Any, tuple[float, float]]]:
    """The cells to suppress (the primary cells included) so that every primary cell
    ``p`` can reach ``primary[p]`` in a table consistent with the release.

    Cells in *free* are never published (unknown to the attacker: the cases open at
    the start of a period, which tie new cases to active cases): they are suppressed
    from the start, cost nothing, and need no witness of their own. Cells in *fixed*
    are known to the attacker and never suppressed (the cases open where a release
    begins or ends, which other releases tell): no witness moves them.

    First, for each primary cell in turn (largest required rise first), the cheapest
    witness (see the module documentation) is looked for, and its changed cells join
    the suppressed ones, which are free for the following witnesses. A primary cell
    that an earlier witness already raises far enough needs none. Each cell costs
    about 1, a little more the larger it is, a zero ``ZERO_COST``; cells below
    *lower* (zeros, when the attacker knows that a suppressed cell is at least 1) are
    never suppressed.

    With *dimensions* (the table is a product, see :mod:`._hypercube`) a witness is
    the cheapest feasible product of one small balanced vector per dimension; a
    linear program near the cell only where no product is feasible. Without them a
    linear program finds the cheapest witness among the cells near the primary cell
    — the corners of the rectangles through it, then the cells within two relations,
    then all linked cells; a nearer search that fails for nine in ten cells is
    skipped for the rest of the table. Where no witness exists, the linked cells are
    suppressed.

    Then a pruning pass tries to publish each secondary cell again, largest first
    (with *dimensions*: each that fewer than ``PRUNE_CROWD`` witnesses move):
    the primary cells whose witnesses moved it look for new witnesses among the other
    suppressed cells (with *dimensions*: products of suppressed cells; else within
    two relations of them, or in their whole block when it has at most
    ``PRUNE_BLOCK`` suppressed cells); when all find one, the cell is published. At
    the end every suppressed cell moves in a surviving witness, so none is fixed.

    With *threshold*, last, every primary cell gets a witness that leaves another
    cell of its block of suppressed cells at 1 to ``threshold − 1``, where one
    exists (:meth:`_Search.explain`): an attacker who knows that every block holds a
    primary cell cannot tell it from the others.

    *lift*: cells at the threshold or above that are suppressed for themselves (the
    closed chains of :func:`.disclosure._alone`, each → the required value): each
    gets a witness that raises it by one, so that none is fixed, and suppressed
    zeros must reach the largest required value of *primary* and *lift*.

    Returns:
        The suppressed cells, and for each of them the smallest and the largest value
        it takes in the surviving witnesses and the true table (consistent tables): an
        inner bound of its feasibility interval.
    """
    required = [*primary.values(), *(lift or {}).values()]
    if lift:
        primary = {**{c: values[c] + 1 for c in lift}, **primary}
    if not primary:
        return set(), {}
    finder: _Finder | None = None
    if dimensions is not None:
        from ._hypercube import Cube, NotAProduct

        try:
            cube = Cube(values, dimensions, coordinates, lower)
        except NotAProduct:
            pass
        else:
            finder = _CubeFinder(cube, values, relations, primary, lower, fixed=fixed)
            search = _Search(
                values,
                finder,
                primary,
                column=cube.column,
                value=cube.value,
                free=free,
                fixed=fixed,
                headline=_headline_columns(cube),
            )
    if finder is None:
        system = _DeltaSystem(values, relations, primary, lower, fixed)
        finder = _LinearFinder(system)
        column = system.column
        headline = [column[c] for c in _headlines(values, relations) if c in column]
        search = _Search(values, finder, primary, column=column, free=free, headline=headline)
    search.zero_rise = float(max(required))  # (a lifted cell's own rise is one)
    search.cover()
    search.prune()
    if threshold is not None:
        search.explain(relations, threshold)
    finder.done()  # (before the check: it needs memory of its own)
    if free and isinstance(finder, _CubeFinder):
        finder.cube.drop_positions()  # (no other table has cells never published)
    search.done()
    search.check(relations, lower)
    return search.result()


class _Finder(Protocol):
    """How a search finds witnesses over the columns :attr:`cells` (implemented by
    :class:`_LinearFinder` and :class:`_CubeFinder`)."""

    cells: Sequence[Any]
    patience: int | None
    """How often a primary cell may find no new witness in the pruning pass before
    it is no longer asked (None: no limit)."""
    crowd: int | None
    """The pruning pass leaves suppressed, without a search, a secondary cell that at
    least this many witnesses move (None: it tries every cell)."""

    def find(self, target: int, rise: float, cost: Any) -> Mapping[int, float] | None:
        """The cheapest witness that raises *target* by *rise*, None if none."""
        ...

    def refind(
        self, target: int, rise: float, hidden: Any, cost: Any
    ) -> Mapping[int, float] | None:
        """A witness among the *hidden* columns only, None if none is found."""
        ...

    def linked(self, target: int) -> list[int]:
        """The columns linked to *target* (suppressed when no witness exists)."""
        ...

    def near(self, col: int) -> set[int]:
        """The columns next to *col* (their primary cells are re-witnessed first)."""
        ...

    def done(self) -> None:
        """Drop what the searches kept for the next ones (none follows)."""
        ...


class _LinearFinder(_Finder):
    """Witnesses by linear programming on neighbourhoods of growing size."""

    def __init__(self, system: _DeltaSystem) -> None:
        self.system = system
        self.cells = system.cells
        self.patience: int | None = None
        self.crowd: int | None = None
        self.tried: dict[int | None, tuple[int, int]] = {}

    def _worth(self, hops: int | None) -> bool:
        """Whether to search within *hops* relations first (the whole block: always):
        not when nine in ten of at least 20 searches there found nothing (in a
        table with three dimensions the corners of a rectangle are not enough)."""
        tries, found = self.tried.get(hops, (0, 0))
        return hops is None or tries < 20 or found * 10 >= tries

    def _record(self, hops: int | None, success: bool) -> None:
        tries, found = self.tried.get(hops, (0, 0))
        self.tried[hops] = (tries + 1, found + success)

    def find(
        self, target: int, rise: float, cost: Any, widest: int | None = None
    ) -> dict[int, float] | None:
        system = self.system
        for hops in (0, 2, None):
            if not self._worth(hops):
                continue
            near = system.corners(target) if hops == 0 else system.ball(target, hops)
            if hops is None and widest is not None and len(near) > widest:
                return None
            change = system.witness(near, target, rise, cost)
            self._record(hops, change is not None)
            if change is not None:
                return change
        return None

    def refind(self, target: int, rise: float, hidden: Any, cost: Any) -> dict[int, float] | None:
        system = self.system
        for hops in (0, 2, None):
            if not self._worth(hops) and hops == 0:
                continue
            ball = system.corners(target) if hops == 0 else system.ball(target, hops)
            near = ball[hidden[ball]]
            if hops is None and len(near) > PRUNE_BLOCK:
                return None  # too large to search in full for every candidate
            change = system.witness(near, target, rise, cost)
            if change is not None:
                return change
        return None

    def linked(self, target: int) -> list[int]:
        result: list[int] = self.system.ball(target, None).tolist()
        return result

    def near(self, col: int) -> set[int]:
        return set(self.system.corners(col).tolist())

    def done(self) -> None:
        pass  # (the system is the search's)


class _CubeFinder(_Finder):
    """Witnesses as products of balanced vectors (:mod:`._hypercube`); a linear
    program near the cell where no product is feasible."""

    def __init__(
        self,
        cube: Any,
        values: Mapping[Any, int],
        relations: Sequence[Relation],
        primary: Mapping[Any, int],
        lower: int,
        *,
        fixed: AbstractSet[Any] = frozenset(),
    ) -> None:
        self.cube = cube
        self.cells = cube.cells
        self.patience: int | None = PRUNE_FAILURES
        self.crowd: int | None = PRUNE_CROWD
        self._values, self._relations, self._lower = values, relations, lower
        self._primary, self._fixed = primary, fixed
        self._linear: tuple[_LinearFinder, Any, Any] | None = None
        self.fallbacks = 0

    def _lp(self) -> tuple[_LinearFinder, Any, Any]:
        """The linear finder over the linked cells, built on first need, with the
        maps between its columns and the cube's."""
        import numpy as np

        if self._linear is None:
            system = _DeltaSystem(
                self._values, self._relations, self._primary, self._lower, self._fixed
            )
            to_cube = np.array([self.cube.column[c] for c in system.cells], dtype=np.int64)
            to_lp = np.full(self.cube.size, -1, dtype=np.int64)
            to_lp[to_cube] = np.arange(len(to_cube))
            self._linear = (_LinearFinder(system), to_cube, to_lp)
        return self._linear

    def find(self, target: int, rise: float, cost: Any) -> Mapping[int, float] | None:
        found: Mapping[int, float] | None = self.cube.find(target, round(rise), cost)
        if found is not None:
            return found  # (whole numbers: the product's changes, as the cube gives them)
        self.fallbacks += 1
        linear, to_cube, to_lp = self._lp()
        col = int(to_lp[target])
        if col < 0:
            return None
        change = linear.find(col, rise, cost[to_cube], widest=PRUNE_BLOCK)
        if change is None:
            return None
        return {int(to_cube[c]): d for c, d in change.items()}

    def refind(
        self, target: int, rise: float, hidden: Any, cost: Any
    ) -> Mapping[int, float] | None:
        found: Mapping[int, float] | None = self.cube.find(
            target, round(rise), None, hidden, PRUNE_ROUNDS
        )
        return found

    def linked(self, target: int) -> list[int]:
        linear, to_cube, to_lp = self._lp()
        col = int(to_lp[target])
        if col < 0:
            return [target]
        return [int(to_cube[c]) for c in linear.linked(col)]

    def near(self, col: int) -> set[int]:
        return set()

    def done(self) -> None:
        self.cube.done()
        self._linear = None


class _Search:
    """The witnesses of the primary cells and the suppressed cells they move.

    Its bookkeeping, by column (a cell of the finder) and by witness (a key, counted
    up from 0 in the order the witnesses are taken). The lists by column and by key
    are read in every step of the pruning pass; lists (not dictionaries) keep those
    reads short:

    - ``witnesses``: key → its change (column → how far the witness moves the cell),
      for the last witnesses taken; the others are kept as arrays (:meth:`_freeze`,
      each ``_BATCH`` witnesses; all of them are :meth:`_changes`);
    - ``rise``: the columns that need a witness — the primary cells, and the zeros
      once suppressed — → how far a witness must raise them; ``order``: the order in
      which :meth:`cover` takes them (the largest rise first), ``rank``: each
      column's place in it (kept for a zero published again);
    - ``uses`` (list by column, made by :meth:`prune` and dropped after it): for each
      cell that the pruning pass may publish again, the keys of the witnesses that
      move it (it can be published again only when they are replaced); None for the
      other columns (primary, locked, never published, published), whose witnesses
      nobody asks for — sets for every moved cell, kept from the cover on, were 175 MB
      of the peak memory of the table of new and active cases at 20,000 synthetic
      cases by sex and legal basis (twentieth session);
    - ``covers`` (list by column): for a column of ``rise``, the keys of the
      witnesses that raise it far enough (None for the other columns);
      ``covered`` (list by key): those columns, each once (None once the witness is
      dropped) — the inverse of ``covers``: ``k in covers[p]`` exactly when ``p in
      covered[k]``;
    - ``hidden`` and ``cost`` (arrays by column): the suppressed cells, and the price
      of suppressing a cell (0 once suppressed); ``locked``: cells suppressed because
      no witness exists, never published again;
    - the pruning pass: ``failures`` (how often a primary cell found no new witness),
      ``exhausted`` (the cells no longer asked: their ``failures`` reached the
      finder's ``patience``) and ``spare`` (the last witness found for a cell and its
      columns as an array; still a witness while every one of them is suppressed).
    """

    def __init__(
        self,
        values: Mapping[Any, int],
        finder: _Finder,
        primary: Mapping[Any, int],
        *,
        column: Mapping[Any, int] | None = None,
        value: Any = None,
        free: AbstractSet[Any] = frozenset(),
        fixed: AbstractSet[Any] = frozenset(),
        headline: Sequence[int] | Any = (),
    ) -> None:
        """The search over the cells of *finder* (*column*: the column of each of
        them, *value*: their values as an array, when the finder has them; *free*:
        cells never published, *fixed*: cells never suppressed, see
        :func:`witness_suppression`; *headline*: the columns of the cells priced
        ``HEADLINE_COST``)."""
        import numpy as np

        self.values = values
        self.finder = finder
        cells = finder.cells
        # each cell's value, and its cost (per distinct value: the same numbers as
        # cell by cell)
        if value is None:
            value = np.fromiter(map(values.__getitem__, cells), np.int64, len(cells))
        scale = math.log1p(max(values.values())) or 1.0
        distinct, inverse = np.unique(value, return_inverse=True)
        cost_of = [1.0 + 0.1 * math.log1p(v) / scale if v else ZERO_COST for v in distinct.tolist()]
        self.base_cost = np.array(cost_of, dtype=float)[inverse.ravel()]
        self.value = value
        self.zero = (value == 0).tolist()
        self.hidden = np.zeros(len(cells), dtype=bool)
        if column is None:
            column = {c: i for i, c in enumerate(cells)}
        self.column: Mapping[Any, int] = column  # (dropped by done())
        top = np.asarray(headline, dtype=np.int64)
        self.base_cost[top] = np.maximum(self.base_cost[top], HEADLINE_COST)
        # a cell the attacker knows has no price: no witness moves it (the products
        # of the cube skip what costs infinitely much; the linear programs have no
        # column for it)
        self.base_cost[[column[c] for c in fixed if c in column]] = _INF
        self.cost = self.base_cost.copy()
        # the rise of each primary cell, in the order of *primary* (at once)
        cols = np.fromiter(map(column.__getitem__, primary), np.int64, len(primary))
        rises = np.fromiter(primary.values(), np.int64, len(primary)) - value[cols]
        rises = rises.astype(float)
        self.rise: dict[int, float] = dict(zip(cols.tolist(), rises.tolist(), strict=True))
        self.hidden[cols] = True  # as _hide, for all at once
        self.cost[cols] = 0.0
        # the cells never published: suppressed, free, never a zero that needs a witness
        self.free: set[int] = {column[c] for c in free if c in column}
        for col in self.free:
            self._hide(col)
            self.zero[col] = False
        # the largest rise first, then by column
        self.order: list[int] = cols[np.lexsort((cols, -rises))].tolist()
        self.primary = set(self.rise)
        # a suppressed zero must reach the required value too: else the attacker
        # could bound a suppressed cell below the threshold (he cannot tell it is 0)
        self.zero_rise = float(max(primary.values()))
        self.witnesses: dict[int, Mapping[int, float]] = {}
        self.next_key = 0
        self.covered: list[tuple[int, ...] | None] = []
        self.rank = {col: i for i, col in enumerate(self.order)}
        self.uses: list[set[int] | None] = []  # (made by prune)
        self.covers: list[set[int] | None] = [None] * len(cells)
        for col in self.rise:
            self.covers[col] = set()
        self._flat: tuple[Any, Any, Any] | None = None  # see _entries
        # (keys, owner, cols, delta, start, alive): see _freeze
        self._frozen: tuple[Any, Any, Any, Any, Any, Any] | None = None
        self.locked: set[int] = set()
        self.failures: Counter[int] = Counter()
        self.exhausted: set[int] = set()
        self.spare: dict[int, tuple[Mapping[int, float], Any]] = {}

    def _hide(self, col: int) -> None:
        self.hidden[col] = True
        self.cost[col] = 0.0

    def _add(self, change: Mapping[int, float]) -> None:
        """Take the witness *change*: its cells are suppressed, each with a set in
        ``uses`` records it there; a zero among them joins the cells that need a
        witness (in the order of the change); the cells it raises far enough record it
        in ``covers``."""
        key = self.next_key
        self.next_key += 1
        self.witnesses[key] = change
        self._flat = None
        if len(self.witnesses) >= _BATCH:
            self._freeze()
        uses, rise, zero, covers = self.uses, self.rise, self.zero, self.covers
        hidden, cost = self.hidden, self.cost
        covered: list[int] = []
        for col, delta in change.items():
            hidden[col] = True  # as _hide (cell by cell: cheaper than at once for a few)
            cost[col] = 0.0
            if uses:  # (while the pruning pass runs)
                users = uses[col]
                if users is not None:
                    users.add(key)
            need = rise.get(col)
            if need is None:
                if not zero[col]:
                    continue
                need = self._join(col)
            if delta >= need - _TOL:
                cast("set[int]", covers[col]).add(key)  # (a column of rise has its set)
                covered.append(col)
        self.covered.append(tuple(covered))  # (at its key: one entry per witness)

    def _join(self, col: int) -> float:
        """A suppressed zero joins the cells that need a witness (:meth:`cover`
        reaches it in its turn); its rise."""
        self.rise[col] = self.zero_rise
        self.covers[col] = set()
        self.rank[col] = len(self.rank)
        self.order.append(col)
        return self.zero_rise

    def _drop(self, key: int) -> None:
        """Drop the witness *key* from the bookkeeping."""
        self._flat = None
        uses, covers = self.uses, self.covers
        change = self.witnesses.pop(key, None)
        if change is None:  # (kept as arrays: dropped there)
            change = self._change(key)
            frozen = cast("tuple[Any, ...]", self._frozen)
            frozen[5][int(frozen[0].searchsorted(key))] = False
        if uses:  # (while the pruning pass runs)
            for col in change:
                users = uses[col]
                if users is not None:
                    users.discard(key)
        covered = cast("tuple[int, ...]", self.covered[key])
        self.covered[key] = None
        for col in covered:
            by = covers[col]  # (None for a zero published again)
            if by is not None:
                by.discard(key)

    def cover(self) -> None:
        """A witness for every primary cell that none raises far enough yet."""
        for target in self.order:
            if self.covers[target]:
                continue  # an earlier witness already raises it far enough
            change = self.finder.find(target, self.rise[target], self.cost)
            if change is None:  # no consistent table raises it: suppress the linked cells
                for col in self.finder.linked(target):
                    if self.values[self.finder.cells[col]] or col == target:
                        self._hide(col)
                        self.locked.add(col)
                continue
            self._add(change)

    def _users(self, candidates: Sequence[int]) -> list[set[int] | None]:
        """``uses``: for each of the *candidates* the keys of the surviving witnesses
        that move it (an empty set for none), None for every other column."""
        import numpy as np

        uses: list[set[int] | None] = [None] * len(self.finder.cells)
        for col in candidates:
            uses[col] = set()
        self._freeze()  # (the entries are then the arrays kept, not a copy)
        owner, cols, _ = self._entries()
        if not candidates or not len(cols):
            return uses
        asked = np.zeros(len(uses), dtype=bool)
        asked[candidates] = True
        key_of = self._keys().tolist()  # (one object per key, shared by the sets)
        wanted = np.flatnonzero(asked[cols])
        del asked
        sets = cast("list[set[int]]", uses)  # (a candidate's column has its set)
        for lo in range(0, len(wanted), _BATCH * 64):  # (a slice at a time: short lists)
            at = wanted[lo : lo + _BATCH * 64]
            for col, place in zip(cols[at].tolist(), owner[at].tolist(), strict=True):
                sets[col].add(key_of[place])
        return uses

    def prune(self) -> None:
        """Publish again every secondary cell that the witnesses can do without (of
        those that fewer than the finder's ``crowd`` witnesses move)."""
        import numpy as np

        primary, locked, free = self.primary, self.locked, self.free
        kept = [
            col
            for col in np.flatnonzero(self.hidden).tolist()
            if col not in primary and col not in locked and col not in free
        ]
        # the largest value first, then by column
        at = np.array(kept, dtype=np.int64)
        candidates: list[int] = at[np.lexsort((at, -self.value[at]))].tolist()
        uses = self.uses = self._users(candidates)
        hidden = self.hidden
        crowd = self.finder.crowd
        for col in candidates:
            lost = uses[col] or _NO_KEYS
            if crowd is not None and len(lost) >= crowd:
                continue  # moved by many witnesses: it stays suppressed
            hidden[col] = False
            found = self._rewitness(lost, col)
            if found is None:
                hidden[col] = True
                continue
            self.cost[col] = self.base_cost[col]
            if col in self.rise:  # a zero published again needs no witness
                del self.rise[col]
                self.covers[col] = None
            for key in sorted(lost):
                self._drop(key)
            for change in found:
                self._add(change)
        for col in candidates:  # a cell that no surviving witness moves is not needed
            if hidden[col] and not uses[col]:
                hidden[col] = False
        self.uses = []  # (nobody asks after the pruning pass)
        # the zeros published again leave the order (at once: not each in turn)
        rise = self.rise
        self.order = [col for col in self.order if col in rise]

    def explain(self, relations: Sequence[Relation], threshold: int) -> list[Any]:
        """Make every primary cell safe from an attacker who knows only that an engine
        suppresses nothing without a primary cell: that every *block* of suppressed
        cells (linked by relations in which two of them are suppressed, through the
        cells never published too) holds one. A primary cell is safe when a table
        consistent with the release raises it far enough while another suppressed
        cell of its block lies at 1 to ``threshold − 1``; else every table in which
        it reaches the threshold would have no primary cell in that block, and the
        attacker knows it is below. A surviving witness is such a table when it
        leaves another primary cell of the block alone (or in that range), or moves
        a cell of the block into it. For a primary cell without one, a witness is
        looked for with a cell of its block, or one that shares a relation with it,
        held in that range (:meth:`_DeltaSystem.witness` with a box); it joins the
        others, and the zeros it suppresses get witnesses of their own. Returns the
        primary cells that stay without one (a closed chain, a cell of no relation
        among them: nothing can be suppressed with it, and
        :func:`.disclosure._alone` suppresses it up to the required value instead).
        The cells lifted for themselves (*lift* of :func:`witness_suppression`, at
        the threshold or above) need no partner."""
        import numpy as np

        from ._hypercube import _Rows

        cells, hidden, value, free = self.finder.cells, self.hidden, self.value, self.free
        n = len(cells)
        # the blocks, by column (a cell that is no column is never suppressed): from
        # the rows of the certificate check (check() reads them next, and the counts
        # of one computation share them); a table with cells never published has
        # rows of its own, made by check() for the changed cells only, so its
        # relations are read here cell by cell (the rows of all of them, beside the
        # cube, raised the peak memory of the 1M-case benchmark by 44 MB)
        if free:
            members = _members(relations, cells, self.column)  # (*cells*: by column)
        else:
            table = _Rows.of(self.values, relations)
            to_column = np.full(len(table.keys), -1, dtype=np.int64)
            to_column[table.positions(cells)] = np.arange(n)
            count = np.bincount(table.rel_of, minlength=len(table.relations))
            members = (to_column[table.totals], to_column[table.parts], np.cumsum(count))
        label, _, related = _linked(*members, hidden)
        del members
        home = np.where(hidden, label, -1)  # by column: its block, -1 if published
        if free:
            home[list(free)] = -1  # (never published: no cell of a block)
        was_small = (home >= 0) & (value > 0) & (value < threshold)
        small = Counter(home[was_small].tolist())  # block → how many small cells
        # each surviving witness's change of the small cells, by block it moves
        self._freeze()
        owner, cols, delta = self._entries()
        keys = self._keys()
        moved = home[cols] >= 0
        now = (value[cols] + delta > 0) & (value[cols] + delta < threshold)
        change = now.astype(np.int64) - was_small[cols]
        moved &= change != 0
        # (witness, block) as one number: the witness's key times n + 1, plus the block
        pair = keys[owner[moved]] * (n + 1) + home[cols][moved]
        pairs, where = np.unique(pair, return_inverse=True)
        step = dict(zip(pairs.tolist(), np.bincount(where, change[moved]).tolist(), strict=True))
        covers = cast("list[set[int]]", self.covers)
        known = set(keys.tolist())  # (the witnesses taken later are not in *step*)

        def explains(p: int) -> bool:
            """Whether a witness that raises *p* far enough leaves a cell of its block
            (other than *p*, which it raises) at 1 to ``threshold − 1``: the block's
            small cells less those it moves out of that range, with those it moves
            into it."""
            block = int(home[p])
            for k in covers[p]:
                if k in known:
                    moves = step.get(k * (n + 1) + block, 0.0)
                else:
                    moves = sum(
                        int(bool(0 < value[q] + d < threshold)) - int(was_small[q])
                        for q, d in self._change(k).items()
                        if home[q] == block
                    )
                if small[block] + moves > 0:
                    return True
            return False

        # (a lifted cell, at the threshold or above, needs no partner)
        left = [p for p in sorted(self.primary) if value[p] < threshold and not explains(p)]
        unsafe = []
        for p in left:
            if explains(p):
                continue  # (a witness taken for another cell since)
            others = np.flatnonzero(home == home[p]).tolist()
            others.remove(p)
            if not related[p] or not self._explain(p, others, threshold):
                unsafe.append(cells[p])
        if len(left) > len(unsafe):
            self.cover()  # (the zeros suppressed on the way)
        return unsafe

    def _explain(self, p: int, others: Sequence[int], threshold: int) -> bool:
        """A witness for *p* that holds a cell of its block (*others*), or one that
        shares a relation with it, at 1 to ``threshold − 1`` (the cheapest of the
        first group of ``EXPLAIN_TRIES`` candidates that gives one); taken, True —
        else False."""
        import numpy as np

        finder = self.finder
        if isinstance(finder, _CubeFinder):
            linear, to_cube, to_lp = finder._lp()
        else:
            linear = cast("_LinearFinder", finder)
            to_cube = to_lp = None

        def lp(col: int) -> int:
            return col if to_lp is None else int(to_lp[col])

        system = linear.system
        target = lp(p)
        if target < 0:
            return False
        value, free = self.value, self.free
        whole = system.ball(target, None)
        if len(whole) > PRUNE_BLOCK:
            whole = system.ball(target, 2)  # (a cell further off is left out)
        cost = self.cost if to_cube is None else self.cost[to_cube]

        def cheapest(ball: Any) -> tuple[float, dict[int, float]] | None:
            """The cheapest witness that holds a candidate of *ball* (or of *others*)
            in range, of the first group of ``EXPLAIN_TRIES`` not tried yet that
            gives one."""
            nearby = [c for c in ball.tolist() if c != target]
            if to_cube is not None:
                nearby = [int(to_cube[c]) for c in nearby]
            candidates = list(dict.fromkeys([*others, *nearby]))
            candidates = [
                q for q in candidates if q not in free and q != p and lp(q) >= 0 and q not in tried
            ]
            # the likeliest first: the cells nearest to 1 … threshold − 1
            candidates.sort(key=lambda q: (abs(float(value[q]) - (threshold - 1)), q))
            best: tuple[float, dict[int, float]] | None = None
            # (by groups of EXPLAIN_TRIES, until one gives a witness: the likeliest
            # cells may all be pinned by what the attacker knows, and a partner further
            # down the list is a partner all the same)
            for start in range(0, len(candidates), EXPLAIN_TRIES):
                group = candidates[start : start + EXPLAIN_TRIES]
                for q in group:
                    col = lp(q)
                    near = np.union1d(whole, [col])
                    box = (col, 1.0 - float(value[q]), threshold - 1.0 - float(value[q]))
                    change = system.witness(near, target, self.rise[p], cost, box)
                    if change is None or not box[1] - _TOL <= change.get(col, 0.0) <= box[2] + _TOL:
                        continue
                    price = sum(float(cost[c]) for c in change)
                    if best is None or price < best[0]:
                        best = (price, change)
                tried.update(group)
                if best is not None:
                    break
            return best

        tried: set[int] = set()
        ball = system.ball(target, 1)
        best = cheapest(ball)
        if best is None and free:
            # a cell tied to *p* only through cells never published (the patterns of a
            # family: training starts beside placements) shares a relation with them
            # (looked up from the ball's side: *free* may hold most cells of the table)
            through = [
                c for c in ball.tolist() if (c if to_cube is None else int(to_cube[c])) in free
            ]
            if through:
                beyond = system.ball(np.array(through, dtype=np.int64), 1)
                best = cheapest(beyond)
        if best is None:
            return False
        change = best[1]
        if to_cube is not None:
            change = {int(to_cube[c]): d for c, d in change.items()}
        self._add(change)
        return True

    def _spare(self, target: int) -> Mapping[int, float] | None:
        """The last witness found for *target* in the pruning pass, while every cell it
        moves is still suppressed."""
        entry = self.spare.get(target)
        if entry is None or not self.hidden[entry[1]].all():
            return None
        return entry[0]

    def _hopeless(self, reached: set[int], lost: AbstractSet[int], near: set[int]) -> bool:
        """Whether :meth:`_rewitness` would end at its first primary cell without a
        search: one that is no longer asked (``exhausted``) and whose last witness is
        gone. Such cells come first in its order unless one of its cells is *near*;
        when every one of them has lost its witness, the first of them ends it,
        whichever it is (no sort needed). Its cells are those of *reached* (the cells
        that the witnesses *lost* raise far enough) that no other witness raises far
        enough; only the exhausted ones (and those *near*) are looked at here."""
        if self.finder.patience is None:
            return False
        covers = cast("list[set[int]]", self.covers)  # (*reached* lies in rise)
        if near and any(covers[p] <= lost for p in near & reached):
            return False
        spent = [p for p in reached & self.exhausted if covers[p] <= lost]
        return bool(spent) and all(self._spare(p) is None for p in spent)

    def _rewitness(self, lost: AbstractSet[int], col: int) -> list[Mapping[int, float]] | None:
        """New witnesses among the suppressed cells for the primary cells that only the
        witnesses *lost* (those that move the candidate *col*) raise far enough.

        The primary cells next to the candidate (the finder's ``near``) are asked
        first, then those whose search failed most often: they are the likeliest to
        fail. (So a cell that is no longer asked, its last witness gone, ends the
        search before any other is asked: :meth:`_hopeless` checks that before the
        cells are ordered.)
        """
        if not lost:
            return []
        near = self.finder.near(col)
        # the cells that the witnesses *lost* raise far enough; those that no other
        # witness raises far enough need a new one
        covered = cast("list[tuple[int, ...]]", self.covered)  # (*lost* are alive)
        reached = set(chain.from_iterable(map(covered.__getitem__, lost)))
        reached.discard(col)
        if self._hopeless(reached, lost, near):
            return None
        covers = cast("list[set[int]]", self.covers)
        failures, exhausted = self.failures, self.exhausted
        needy = {p for p in reached if covers[p] <= lost}
        rank = self.rank
        if near.isdisjoint(needy) and failures.keys().isdisjoint(needy):
            ordered = sorted(needy, key=rank.__getitem__)  # (the same order, at less cost)
        else:
            ordered = sorted(needy, key=lambda p: (p not in near, -failures.get(p, 0), rank[p]))
        found: list[Mapping[int, float]] = []
        for target in ordered:
            rise = self.rise[target]
            if found and any(change.get(target, 0.0) >= rise - _TOL for change in found):
                continue
            change = self._spare(target)
            if change is None:
                if target in exhausted:
                    return None  # not asked again: the candidate stays suppressed
                change = self.finder.refind(target, rise, self.hidden, self.base_cost)
                if change is None:
                    failures[target] += 1
                    patience = self.finder.patience
                    if patience is not None and failures[target] >= patience:
                        exhausted.add(target)
                    return None
                self.spare[target] = (change, _columns(change))
            found.append(change)
        return found

    def done(self) -> None:
        """Drop the bookkeeping of the cover and the pruning pass: :meth:`check` and
        :meth:`result` need only the witnesses and the suppressed cells."""
        self.uses, self.covers, self.covered = [], [], []
        self._freeze()
        self.spare.clear()
        self.column = {}  # (the cube's map of cells to columns: dropped with it)

    def check(self, relations: Sequence[Relation], lower: int) -> None:
        """Every surviving witness is a consistent table of whole numbers that moves
        only suppressed cells (the certificate of the result, also against an attacker
        who knows that counts are whole numbers); a broken one is an internal error."""
        import numpy as np

        from ._hypercube import verify_columns

        owner, cols, delta = self._entries()
        cells = self.finder.cells
        # (the rows of a table with cells never published, new and active cases
        # together, are not kept: no other table has its cells)
        broken = verify_columns(
            self.values,
            relations,
            cells,
            owner=owner,
            cols=cols,
            delta=delta,
            lower=lower,
            keep=not self.free,
        )
        fractional = bool((delta != np.round(delta)).any())
        if broken or fractional or not self.hidden[cols].all():
            raise RuntimeError(
                "disclosure control: a witness is not a consistent table of whole numbers "
                "(the dimensions do not describe the relations)"
            )

    def _entries(self) -> tuple[Any, Any, Any]:
        """The surviving witnesses as arrays, an entry per cell that one moves: the
        witness (its place among them by key), the column and the change. (Kept for
        :meth:`check` and :meth:`result` until a witness is taken or dropped.)"""
        import numpy as np

        if self._flat is None:
            changes = [self.witnesses[k] for k in sorted(self.witnesses)]
            sizes = [len(change) for change in changes]
            n = sum(sizes)
            owner = np.repeat(np.arange(len(changes), dtype=np.int64), sizes)
            cols = np.fromiter(chain.from_iterable(changes), np.int64, n)
            delta = np.fromiter(chain.from_iterable(c.values() for c in changes), float, n)
            if self._frozen is not None:  # (taken earlier: their keys are the smaller)
                _, old_owner, old_cols, old_delta, _, alive = self._frozen
                if not alive.all():  # (the places of the surviving ones among them)
                    kept = alive[old_owner]
                    place = np.cumsum(alive) - 1
                    old_owner, old_cols, old_delta = (
                        place[old_owner[kept]],
                        old_cols[kept],
                        old_delta[kept],
                    )
                if not changes:
                    owner, cols, delta = old_owner, old_cols, old_delta
                else:
                    owner = np.concatenate([old_owner, owner + int(alive.sum())])
                    cols = np.concatenate([old_cols, cols])
                    delta = np.concatenate([old_delta, delta])
            self._flat = (owner, cols, delta)
        return self._flat

    def _keys(self) -> Any:
        """The keys of the surviving witnesses, ascending (as an array: a witness's
        place among them is its ``owner`` in :meth:`_entries`)."""
        import numpy as np

        keys = np.array(sorted(self.witnesses), dtype=np.int64)
        if self._frozen is not None:
            keys = np.concatenate([self._frozen[0][self._frozen[5]], keys])
        return keys

    def _change(self, key: int) -> Mapping[int, float]:
        """The change of the surviving witness *key* (column → how far it moves the
        cell), a mapping also where it is kept as arrays."""
        found = self.witnesses.get(key)
        if found is not None:
            return found
        keys, _, cols, delta, start, alive = cast("tuple[Any, ...]", self._frozen)
        at = int(keys.searchsorted(key))
        if at == len(keys) or keys[at] != key or not alive[at]:
            raise KeyError(key)
        span = slice(int(start[at]), int(start[at + 1]))
        return dict(zip(cols[span].tolist(), delta[span].tolist(), strict=True))

    def _changes(self) -> dict[int, Mapping[int, float]]:
        """Every surviving witness by key, with its change (:meth:`_change`)."""
        return {key: self._change(key) for key in self._keys().tolist()}

    def _freeze(self) -> None:
        """Keep the surviving witnesses as the arrays of :meth:`_entries` with their
        keys, where each entry begins (``start``, by place) and whether it survives
        (``alive``, by place: :meth:`_drop` clears it), no longer as a mapping each:
        ``witnesses`` then holds those taken after, until they are ``_BATCH`` again.
        :meth:`explain`, :meth:`check` and :meth:`result` read them as arrays; the
        pruning pass asks for the change of one (:meth:`_change`) only to drop it. A
        mapping per witness, beside the arrays at the end, was 190 MB of the peak
        memory of the table of new and active cases at 20,000 synthetic cases by sex
        and legal basis (twentieth session); the arrays take 24 bytes per moved cell.
        """
        import numpy as np

        if not self.witnesses and (self._frozen is None or self._frozen[5].all()):
            return
        owner, cols, delta = self._entries()
        keys = self._keys()
        start = np.searchsorted(owner, np.arange(len(keys) + 1))
        self._frozen = (keys, owner, cols, delta, start, np.ones(len(keys), dtype=bool))
        self.witnesses = {}

    def result(self) -> tuple[set[Any], dict[Any, tuple[float, float]]]:
        """The suppressed cells and the values they take in the surviving witnesses."""
        import numpy as np

        cells = self.finder.cells
        low = self.value.astype(float)
        high = low.copy()
        _, cols, delta = self._entries()
        moved = low[cols] + delta
        np.minimum.at(low, cols, moved)
        np.maximum.at(high, cols, moved)
        at = np.flatnonzero(self.hidden).tolist()
        hidden = list(map(cells.__getitem__, at))
        seen = dict(zip(hidden, zip(low[at].tolist(), high[at].tolist(), strict=True), strict=True))
        return set(hidden), seen


def _components(n: int, a: Any, b: Any) -> Any:
    """The connected components of the graph of *n* nodes with the edges ``a[i]–b[i]``
    (arrays): for each node the smallest node of its component. Each round hooks the
    root of every edge's larger end under the smaller root, then follows the
    pointers to the roots. The one connected-components computation: of the blocks
    (:func:`_linked`) and of the closed chains (``disclosure._alone``)."""
    import numpy as np

    label = np.arange(n, dtype=np.int64)
    while True:
        la, lb = label[a], label[b]
        low = np.minimum(la, lb)
        hooked = label.copy()
        np.minimum.at(hooked, la, low)
        np.minimum.at(hooked, lb, low)
        while True:
            jumped = hooked[hooked]
            if np.array_equal(jumped, hooked):
                break
            hooked = jumped
        if np.array_equal(hooked, label):
            return label
        label = hooked


def _columns(change: Mapping[int, float]) -> Any:
    """The columns of a witness as an array (to index the arrays by column)."""
    import numpy as np

    return np.fromiter(change, np.intp, len(change))


class _DeltaSystem:
    """The constraints on a change ``y`` of the non-zero cells linked to the primary
    cells (as sparse arrays), from which each witness takes the rows near its cell.
    The cells of *fixed* (known to the attacker) are no columns: they do not change."""

    def __init__(
        self,
        values: Mapping[Any, int],
        relations: Sequence[Relation],
        primary: Iterable[Any],
        lower: int,
        fixed: AbstractSet[Any] = frozenset(),
    ) -> None:
        import numpy as np

        member_of: dict[Any, list[int]] = {}
        for index, (total, parts, _) in enumerate(relations):
            for cell in (total, *parts):
                member_of.setdefault(cell, []).append(index)
        # the non-zero cells linked to a primary cell, and (when the attacker's lower
        # bound allows them) the zeros next to those: a zero joins a witness only by
        # growing, beside a cell that shrinks; the search does not go on through it
        linked = {c for c in primary if values[c] > 0}
        stack = list(linked)
        while stack:
            for index in member_of.get(stack.pop(), ()):
                total, parts, _ = relations[index]
                for other in (total, *parts):
                    if other in linked or values[other] < lower or other in fixed:
                        continue
                    linked.add(other)
                    if values[other] > 0:
                        stack.append(other)
        self.cells = sorted(linked, key=repr)
        self.column = {c: i for i, c in enumerate(self.cells)}
        self.upper = np.array([float(values[c] - lower) for c in self.cells])
        rows_of: list[int] = []
        cols_of: list[int] = []
        coefs_of: list[float] = []
        lows: list[float] = []
        ups: list[float] = []
        member_rel: list[int] = []
        member_col: list[int] = []
        indices = sorted({i for c in self.cells for i in member_of.get(c, ())})
        for index in indices:
            relation = relations[index]
            for other in (relation[0], *relation[1]):
                col = self.column.get(other)
                if col is not None:
                    member_rel.append(index)
                    member_col.append(col)
            for coefs, lo, up in _delta_rows(relation, self.column, self.cells, values):
                row = len(lows)
                lows.append(lo)
                ups.append(up)
                for col, a in coefs.items():
                    rows_of.append(row)
                    cols_of.append(col)
                    coefs_of.append(a)
        self.row_of = np.array(rows_of, dtype=np.int64)
        self.col_of = np.array(cols_of, dtype=np.int64)
        self.coef_of = np.array(coefs_of, dtype=float)
        self.row_low = np.array(lows, dtype=float)
        self.row_up = np.array(ups, dtype=float)
        self.member_rel = np.array(member_rel, dtype=np.int64)
        self.member_col = np.array(member_col, dtype=np.int64)
        self.n_relations = len(relations)

    def ball(self, col: Any, hops: int | None) -> Any:
        """The columns within *hops* relations of *col* (a column or an array of
        columns; all linked: None)."""
        import numpy as np

        inside = np.zeros(len(self.cells), dtype=bool)
        inside[col] = True
        depth = 0
        while hops is None or depth < hops:
            depth += 1
            hit = np.zeros(self.n_relations, dtype=bool)
            hit[self.member_rel[inside[self.member_col]]] = True
            grown = inside.copy()
            grown[self.member_col[hit[self.member_rel]]] = True
            if grown.sum() == inside.sum():
                break
            inside = grown
        return np.flatnonzero(inside)

    def corners(self, col: int) -> Any:
        """The columns that share a relation with *col*, and those that share
        relations with two of them (the corners of the rectangles through *col*)."""
        import numpy as np

        hit = np.zeros(self.n_relations, dtype=bool)
        hit[self.member_rel[self.member_col == col]] = True
        inside = np.zeros(len(self.cells), dtype=bool)
        inside[self.member_col[hit[self.member_rel]]] = True
        inside[col] = True
        touching = np.zeros(self.n_relations, dtype=bool)
        touching[self.member_rel[inside[self.member_col]]] = True
        count = np.bincount(self.member_col[touching[self.member_rel]], minlength=len(self.cells))
        return np.flatnonzero(inside | (count >= 2))

    def witness(
        self,
        near: Any,
        target: int,
        rise: float,
        cost: Any,
        box: tuple[int, float, float] | None = None,
    ) -> dict[int, float] | None:
        """The cheapest change of the columns *near* (the others stay) that keeps every
        constraint and raises *target* by *rise*, in whole numbers; None when there is
        none.

        Counts are whole numbers and the attacker knows it, so a witness must be a
        table of whole numbers: a fractional one (the linear program's corner can be
        one where the relations are not a network — three-way tables, overlapping
        totals) would only show that a table of fractions reaches the required value,
        and an attacker solving over whole numbers could still bound the cell below
        the threshold or pin a cell that moves only by a fraction. A fractional
        solution is first scaled to whole numbers (the same cells move, further; kept
        when it is still a consistent table), else the program is solved again with
        every change a whole number (HiGHS's branch and bound).

        *box*: ``(column, lowest, highest)``, a column of *near* whose change must lie
        between the two (:meth:`_Search.explain`).
        """
        import numpy as np

        n = len(self.cells)
        k = len(near)
        local = np.full(n, -1, dtype=np.int64)
        local[near] = np.arange(k)
        keep = local[self.col_of] >= 0
        rows = np.unique(self.row_of[keep])
        row_local = np.full(len(self.row_low), -1, dtype=np.int64)
        row_local[rows] = np.arange(len(rows))
        r = row_local[self.row_of[keep]]
        c = local[self.col_of[keep]]
        a = self.coef_of[keep]
        order = np.argsort(r, kind="stable")
        r, c, a = r[order], c[order], a[order]
        # y = plus − minus in columns 2j and 2j+1
        index = np.empty(2 * len(c), dtype=np.int32)
        index[0::2] = 2 * c
        index[1::2] = 2 * c + 1
        value = np.empty(2 * len(a))
        value[0::2] = a
        value[1::2] = -a
        starts = (2 * np.searchsorted(r, np.arange(len(rows)))).astype(np.int32)
        solver = _highs()
        inf = solver.getInfinity()
        col_low = np.zeros(2 * k)
        col_up = np.empty(2 * k)
        col_up[0::2] = inf
        col_up[1::2] = self.upper[near]
        t = int(local[target])
        col_low[2 * t] = rise
        col_up[2 * t + 1] = 0.0
        if box is not None:  # lowest ≤ plus − minus ≤ highest
            j, lowest, highest = int(local[box[0]]), box[1], box[2]
            col_low[2 * j] = max(lowest, 0.0)
            col_up[2 * j] = max(highest, 0.0)
            col_low[2 * j + 1] = max(-highest, 0.0)
            col_up[2 * j + 1] = min(col_up[2 * j + 1], max(-lowest, 0.0))
        solver.addVars(2 * k, col_low, col_up)
        if len(rows):
            low = np.maximum(self.row_low[rows], -inf)
            up = np.minimum(self.row_up[rows], inf)
            solver.addRows(len(rows), low, up, len(index), starts, index, value)
        weights = np.repeat(cost[near], 2)
        solver.changeColsCost(2 * k, np.arange(2 * k, dtype=np.int32), weights)
        _run(solver)
        if not str(solver.getModelStatus()).endswith("kOptimal"):
            return None
        solution = np.asarray(solver.getSolution().col_value)
        delta = solution[0::2] - solution[1::2]
        if not _whole(delta):
            scaled = self._scaled(delta, near, rows, (r, c, a))
            if scaled is None:
                # the cells the fractional change moves with the suppressed cells
                # within one relation of them (taken only at the linear program's
                # cost: then nothing in *near* is cheaper), then every cell within one
                # relation of the moved ones, then all of *near*
                moved = np.abs(delta) > _TOL
                ring = np.isin(near, self.ball(near[moved], 1))
                first = moved | (ring & (cost[near] == 0))
                least = float(weights @ solution)
                delta = _integer_solution(
                    solver, (col_low, col_up, weights), [first, ring, None], least
                )
                if delta is None:
                    return None
            else:
                delta = scaled
        delta = np.round(delta)
        moved = np.flatnonzero(delta != 0)
        return {int(near[j]): float(delta[j]) for j in moved}

    def _scaled(self, delta: Any, near: Any, rows: Any, matrix: tuple[Any, Any, Any]) -> Any:
        """The smallest multiple ``m·delta`` (m ≤ ``_SCALES``) of whole numbers that
        still keeps every row and bound (the exact rows it keeps by linearity; an
        inequality or a cell's lower bound it may break), else None."""
        import numpy as np

        r, c, a = matrix
        for m in range(2, _SCALES + 1):
            step = m * delta
            if not _whole(step):
                continue
            step = np.round(step)
            if np.any(-step > self.upper[near]):
                return None  # a cell would fall below the lower bound, and more so later
            level = np.bincount(r, weights=a * step[c], minlength=len(rows))
            low, up = self.row_low[rows], self.row_up[rows]
            if np.any(level < low - _TOL) or np.any(level > up + _TOL):
                return None
            return step
        return None


_SCALES = 12
"""A fractional witness is scaled to whole numbers when a multiple of at most this
many does it (halves, thirds, quarters …)."""


def _whole(x: Any) -> bool:
    """Whether every entry of the array *x* is a whole number (to the solver's
    tolerance)."""
    import numpy as np

    return bool(np.all(np.abs(x - np.round(x)) <= _TOL))


def _integer_solution(
    solver: Any, columns: tuple[Any, Any, Any], stages: list[Any], least: float
) -> Any:
    """The loaded witness program solved again with its columns (``plus`` and
    ``minus`` of each cell; *columns*: their lower and upper bounds and their costs)
    whole numbers: the change ``plus − minus``, None when no change of whole numbers
    keeps every constraint.

    Each of *stages* says which cells may move (a mask; None: all); the first stage
    with a solution gives it — the first stage's only when it costs at most *least*
    (the linear program's optimum, a lower bound for every change of whole numbers:
    such a solution is the cheapest of all, and a stage of more cells cannot do
    better). Small programs first: a branch and bound over all of a large block can
    take seconds. In the last stage the first solution found is taken (the search for
    the cheapest one can take much longer).
    """
    import highspy
    import numpy as np

    col_low, col_up, weights = columns
    n = len(col_low)
    index = np.arange(n, dtype=np.int32)
    solver.changeColsIntegrality(n, index, np.full(n, highspy.HighsVarType.kInteger))
    solver.setOptionValue("presolve", "on")  # a third less time for the branch and bound
    found = None  # (the first stage's solution, dearer than *least*)
    for stage, free in enumerate(stages):
        if stage == len(stages) - 1:
            solver.setOptionValue("mip_max_improving_sols", 1)
        if stage == 1 and free is not None and np.array_equal(free, stages[0]):
            if found is None:
                continue  # (the same program: no solution again)
            return found[0::2] - found[1::2]
        up = col_up if free is None else np.where(np.repeat(free, 2), col_up, 0.0)
        solver.changeColsBounds(n, index, col_low, up)
        _run(solver)
        status = str(solver.getModelStatus())
        if status.endswith(("kOptimal", "kSolutionLimit")):
            solution = np.asarray(solver.getSolution().col_value)
            if stage == 0 and float(weights @ solution) > least + _TOL * max(1.0, abs(least)):
                found = solution
                continue
            return solution[0::2] - solution[1::2]
        if found is not None:
            break  # (the larger program failed, the smaller one had a solution)
    return None if found is None else found[0::2] - found[1::2]


def _delta_rows(
    relation: Relation, column: Mapping[Any, int], cells: Sequence[Any], values: Mapping[Any, int]
) -> Iterable[tuple[dict[int, float], float, float]]:
    """The constraints of *relation* on a change ``y`` of the cells in *column* (the
    others keep their value): ``x + y`` must satisfy the relation."""
    for coefs, lo, up in _rows(relation, column, values):
        shift = sum(a * values[cells[col]] for col, a in coefs.items())
        yield coefs, lo - shift, up - shift
