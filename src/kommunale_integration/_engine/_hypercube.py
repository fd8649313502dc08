"""Witnesses on tables with a product structure: the hypercube method, certified.

Most count tables of the library are products: every cell is a tuple of coordinates
(period, territory, one value per breakdown) and every relation is a relation among
the values of *one* coordinate with all the others fixed — the municipalities of a
district at one period and sex, the sexes of one territory and period, the months of
a year in one territory and sex. Such a table is described by its *dimensions*: for
each coordinate the relations among its values (:func:`protect`'s ``dimensions``).

A change of the table that keeps every equality is then easy to build: take, for each
coordinate, a small *balanced* vector ``e`` of its values (one that keeps the
coordinate's exact relations: ``+a −b`` for two siblings, ``+leaf +parent +…`` up to the
root, ``+month +quarter +year``, ``+M1 +Q1 −Q2 −M4``), and their tensor product
``d = e₁ ⊗ e₂ ⊗ …``. Every relation of the table is a relation of one coordinate with
the others fixed, so ``d`` keeps it. The inequalities of distinct counts over time
(``max(parts) ≤ total ≤ sum(parts)``) are not kept by construction: their slack in the
true table, which is linear in the step, is checked exactly, and vectors that leave an
inequality unbalanced are candidates too (a month of a distinct count may grow alone
while its quarter has room).

For a primary cell ``c`` that must rise by ``r``, the candidates are the products of
the vectors with ``+1`` at ``c``'s coordinates. A candidate is feasible when the table
``x + r·d`` keeps every inequality and no cell falls below the attacker's lower bound;
its cost is the cost of the cells it moves that are still published. The cheapest
feasible candidate (numpy, over all candidates at once) is the witness: a consistent
table in which ``c`` reaches the required value and every moved cell differs from its
true value — the certificate that the primary cell is protected and that no moved cell
is fixed (:func:`verify` checks every witness against every relation of the table).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import accumulate, chain, compress, repeat
from typing import Any, ClassVar

__all__ = ["Cube", "NotAProduct", "verify", "verify_columns"]

SUPPORT = 4
"""The largest number of values a vector of one dimension moves."""
LOOSE = 2
"""A vector that leaves an inequality unbalanced moves at most this many values."""
WIDER = ((SUPPORT, SUPPORT, False), (6, 6, False), (8, 8, True))
"""For a value without a vector within ``SUPPORT`` and ``LOOSE`` that only raises
values and lowers no inequality (:meth:`_Axis._safe`: a case more), the vectors
within these limits ``(support, loose, rising)`` (*rising*: only values that grow)
as well, all of them. The new and active cases of one table
(:func:`~kommunale_integration._engine.compute._joint_table`) tie a month to the
cases open at its start and to those open at the next start: a case opened in
March instead of April moves seven values (new and active in March and the
first quarter, new in April and the second quarter, open at April's start), and a
case more, opened and closed in July, six (new and active in July, its quarter and
the year) — the change that can always be taken, since nothing falls."""
ROUNDS = (2_400, 5_000, 200_000)
"""A search checks at most this many cells of candidates (candidates × cells each) in
its rounds, the candidates of the best-ranked vectors of each dimension; the next
round only when one found nothing. (On the five counts of the 1M-case benchmark a
first round of 2,400 cells suppresses 1.3 % fewer cells than one of 600 followed by
20,000, in less time.)"""


def by_identity(keys: Sequence[Any]) -> tuple[Any, Any]:
    """The identities of the objects of *keys*, sorted, and the position of each among
    *keys* (for :func:`places`): two arrays, 1.8 MB at the 112,000 cells of the table
    of new and active cases at 1M cases."""
    import numpy as np

    ids = np.fromiter(map(id, keys), np.uint64, len(keys))
    order = np.argsort(ids)
    return ids[order], order


def places(
    cells: Callable[[], Iterable[Any]],
    n: int,
    by_id: tuple[Any, Any],
    index: Mapping[Any, int],
) -> Any:
    """The positions among a table's keys of the *n* cells that *cells* gives (a
    fresh iterable each time it is called), as an array, −1 for a cell that is none.

    By identity where a cell is the object of a key (*by_id*: :func:`by_identity` of
    the keys; a table's relations and its finder's cells hold the objects of its own
    keys), found by a binary search among the sorted identities: a look-up in a
    mapping, by the cell or by its identity, cost about 0.5 µs at this size (bound
    by memory, not by instructions) — the 468,000 parts of the relations of the
    table of new and active cases at 1M cases 0.09 s of CPU against 0.24–0.30 s. The
    others by equality (*index*: each key's position): a cell equal to a key but not
    the key itself, or none."""
    import numpy as np

    ids, order = by_id
    wanted = np.fromiter(map(id, cells()), np.uint64, n)
    if len(ids):
        at = np.searchsorted(ids, wanted)
        np.minimum(at, len(ids) - 1, out=at)
        missing = ids.take(at) != wanted
        order.take(at, out=at)
    else:
        at, missing = np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
    del wanted
    if missing.any():
        others = compress(cells(), missing.tolist())
        at[missing] = np.fromiter(map(index.get, others, repeat(-1)), np.int64)
    return at


class NotAProduct(Exception):
    """The cells or the relations do not form the product that the dimensions
    describe (the generic search is used instead)."""


def _membership(
    relations: Sequence[tuple[int, Sequence[int], bool]],
) -> dict[int, list[tuple[int, int]]]:
    """For each value the relations it is in, as ``(relation index, +1)`` where it is
    the total and ``(relation index, −1)`` where it is a part."""
    member: dict[int, list[tuple[int, int]]] = {}
    for index, (total, parts, _) in enumerate(relations):
        member.setdefault(total, []).append((index, 1))
        for value in parts:
            member.setdefault(value, []).append((index, -1))
    return member


class _Plan:
    """What :func:`_vectors` needs of the relations of one dimension, made once for all
    of its values (values as indices below *n*): per value the relations it is in
    (:func:`_membership`), per relation whether it is exact and the values that mend
    it in each direction, and the bits that stand for a value in a vector."""

    __slots__ = ("exact", "member", "mend", "n")

    def __init__(
        self,
        n: int,
        relations: Sequence[tuple[int, Sequence[int], bool]],
        member: dict[int, list[tuple[int, int]]] | None = None,
    ) -> None:
        if member is None:
            member = _membership(relations)
        self.n = n
        self.exact = [bool(r[2]) for r in relations]
        self.member = [tuple(member.get(v, ())) for v in range(n)]
        # a relation that the vector leaves above 0 is mended by its total with −1
        # or a part with +1 (below 0: the opposite), each as (value, sign, the bit of
        # the value with that sign in a vector, the bit of the value)
        self.mend: list[tuple[tuple[tuple[int, int, int, int], ...], ...]] = []
        for total, parts, _ in relations:
            self.mend.append(
                tuple(
                    tuple(
                        (v, sign, 1 << (v if sign > 0 else n + v), 1 << v)
                        for v, sign in ((total, -step), *((p, step) for p in parts))
                    )
                    for step in (1, -1)
                )
            )


def _vectors(  # noqa: PLR0917 - the limits beside the value, as WIDER lists them
    n: int,
    relations: Sequence[tuple[int, Sequence[int], bool]],
    start: int,
    support: int = SUPPORT,
    loose_limit: int = LOOSE,
    rising: bool = False,
    *,
    member: dict[int, list[tuple[int, int]]] | None = None,
    plan: _Plan | None = None,
) -> list[tuple[tuple[int, int], ...]]:
    """The vectors of one dimension with ``+1`` at *start* that keep every exact
    relation of *relations* (values as indices below *n*) and move at most
    ``SUPPORT`` values; each as sorted ``(value, sign)`` pairs.

    From ``+start``, the first relation that the vector breaks is mended by one more
    value: a sibling with the opposite sign or the total with the same sign (a part
    with the total's sign when the total is broken). A vector that keeps every exact
    relation is taken; one that breaks only inequalities (distinct counts) is taken
    and also mended further, since its slack may or may not allow it. (Each state
    carries what it leaves unbalanced in each relation; a value added changes only
    the relations it is in.) *member*: :func:`_membership` of *relations*, where the
    caller has it; *plan*: the :class:`_Plan` of *relations*, where the caller has it
    (the axis, for all of its values).

    Each state is a whole number with a bit per value and sign (``+v``: bit ``v``,
    ``−v``: bit ``n + v``), reached once: the many orders of adding the same values
    cost no copies of its gap, and only the pairs of a vector taken are sorted.
    """
    if plan is None:
        plan = _Plan(n, relations, member)
    exact_rel, member_of, mend_of = plan.exact, plan.member, plan.mend
    first = 1 << start
    gap0: dict[int, int] = {}
    for index, coef in member_of[start]:
        gap0[index] = gap0.get(index, 0) + coef
    found: list[tuple[tuple[int, int], ...]] = []
    seen = {first}
    # (state, the values it moves as bits, its pairs in the order added, what it
    # leaves unbalanced)
    stack: list[tuple[int, int, tuple[tuple[int, int], ...], dict[int, int]]] = [
        (first, first, ((start, 1),), {i: g for i, g in gap0.items() if g})
    ]
    pop, push = stack.pop, stack.append
    while stack:
        key, present, pairs, gap = pop()
        exact = loose = None  # the first broken exact relation, the first loose one
        for index in gap:
            if exact_rel[index]:
                if exact is None or index < exact:
                    exact = index
            elif loose is None or index < loose:
                loose = index
        size = len(pairs)
        if exact is None and (loose is None or size <= loose_limit):
            found.append(tuple(sorted(pairs)))
        mend = exact if exact is not None else loose
        if mend is None or size >= support:
            continue
        for value, sign, bit, value_bit in mend_of[mend][0 if gap[mend] > 0 else 1]:
            if present & value_bit or (rising and sign < 0):
                continue
            child = key | bit
            if child not in seen:
                seen.add(child)
                grown = gap.copy()
                for index, coef in member_of[value]:
                    g = grown.get(index, 0) + sign * coef
                    if g:
                        grown[index] = g
                    else:
                        del grown[index]
                push((child, present | value_bit, (*pairs, (value, sign)), grown))
    found.sort(key=lambda vector: (len(vector), vector))
    return found


CASE_MORE_STATES = 2_000
""":func:`_case_more` gives up after this many sets of values (the families of the
library need a few dozen: a case more of a pattern moves every series it is in, at
the month, its quarter and the year)."""


def _closed(
    relations: Sequence[tuple[int, Sequence[int], bool]],
    member: Mapping[int, Sequence[tuple[int, int]]],
    state: frozenset[int],
) -> tuple[frozenset[int], Sequence[int]] | None:
    """*state* (values that rise by one) with the totals its values need (each total of
    a relation that one of them is a part of), and the parts of a risen total that
    none of whose parts rises (the fewest, where several have none): one of them must
    rise too, ``()`` when none is missing. None when a sum has two risen parts."""
    grown = True
    while grown:
        grown, choice = False, None
        for value in sorted(state):
            for index, _ in member.get(value, ()):
                total, parts, exact = relations[index]
                risen = sum(1 for p in parts if p in state and p != total)
                if risen and total not in state:
                    state, grown = state | {total}, True
                elif exact and risen > 1:
                    return None
                elif (
                    total in state
                    and not risen
                    and total not in parts
                    and (choice is None or len(parts) < len(choice))
                ):
                    choice = parts
    return state, choice or ()


def _case_more(
    relations: Sequence[tuple[int, Sequence[int], bool]],
    start: int,
    member: Mapping[int, Sequence[tuple[int, int]]],
) -> tuple[tuple[int, int], ...] | None:
    """The smallest vector through *start* that raises values only, each by one, and
    keeps every relation in any table (:meth:`_Axis._safe`): a case more, however many
    values it moves. None when there is none (or none within ``CASE_MORE_STATES``
    sets of values).

    A value that rises raises the total of each relation it is a part of (a case
    more in March is one more in the first quarter and the year; employment starts
    are placements); a total that rises needs one part that rises with it (a case
    more in the year is one in some quarter, of some pattern) — the only choices,
    tried smallest set first — and a sum cannot take two. :func:`_vectors` builds
    its vectors within ``SUPPORT`` values (``WIDER``: at most eight); a family of
    overlapping counts over a year with its quarters and months needs more: a
    pattern and each count it is in, at the month, its quarter and the year (nine
    values for a pattern of two counts). Without such a vector the product search
    had no change that is a witness in any table, and where none of the others had
    room it suppressed the block of linked cells, among them zeros that no witness
    moved: fixed (thirteenth session)."""
    first = _closed(relations, member, frozenset({start}))
    heap = [] if first is None else [(len(first[0]), sorted(first[0]), first)]
    seen = {first[0]} if first is not None else set()
    while heap and len(seen) <= CASE_MORE_STATES:
        _, _, (state, choice) = heapq.heappop(heap)
        if not choice:
            return tuple((value, 1) for value in sorted(state))
        for part in choice:
            child = _closed(relations, member, state | {part})
            if child is not None and child[0] not in seen:
                seen.add(child[0])
                heapq.heappush(heap, (len(child[0]), sorted(child[0]), child))
    return None


_VECTORS: dict[tuple[Any, ...], dict[int, tuple[Any, Any, Any, Any, Any]]] = {}
"""The vectors of each dimension by value, shared by the tables with the same
dimension (the counts of one computation)."""


def _swapped(found: tuple[Any, ...], perm: Any) -> tuple[Any, Any, Any]:
    """The vectors through a value (indices, signs, one row per vector; sizes) from
    those through its *twin* (:meth:`_Axis.vectors`, one column per vector), each
    value ``v`` taken to ``perm[v]`` (the two swapped, and with them their parts
    where they are totals): the same vectors in the same order as :func:`_vectors`
    gives them (the pairs of each by value, the vectors by size and then by their
    pairs)."""
    import numpy as np

    # (one row per vector, each row in one piece: the sorts along rows are faster)
    idx = np.ascontiguousarray(perm.take(found[0]).T)
    sgn, sizes = np.ascontiguousarray(found[1].T), found[2]
    key = np.where(sgn != 0, idx, np.iinfo(np.int64).max)  # the padding stays last
    order = np.argsort(key, axis=1, kind="stable")
    idx = np.take_along_axis(idx, order, axis=1)
    sgn = np.take_along_axis(sgn, order, axis=1)
    keys = [x for j in reversed(range(idx.shape[1])) for x in (sgn[:, j], idx[:, j])]
    rows = np.lexsort([*keys, sizes])
    return idx.take(rows, axis=0), sgn.take(rows, axis=0), sizes.take(rows)


class _Axis:
    """One dimension: its values, relations and vectors."""

    def __init__(self, values: list[Any], relations: Sequence[Sequence[Any]]) -> None:
        import numpy as np

        self.values = values
        index = {v: i for i, v in enumerate(values)}
        self.relations: list[tuple[int, list[int], bool]] = []
        for relation in relations:
            total, parts = relation[0], relation[1]
            exact = True if len(relation) < 3 else bool(relation[2])
            if total not in index or any(p not in index for p in parts):
                raise NotAProduct
            self.relations.append((index[total], [index[p] for p in parts], exact))
        # the rows of the inequalities: g·x ≥ 0 (sum of parts − total; total − part)
        rows: list[dict[int, int]] = []
        for total, parts, exact in self.relations:
            if exact:
                continue
            sum_row = dict.fromkeys(parts, 1)
            sum_row[total] = sum_row.get(total, 0) - 1
            rows.append(sum_row)
            for part in parts:
                rows.append({total: 1, part: -1} if part != total else {})
        self.rows = np.zeros((len(rows), len(values)), dtype=np.int64)
        for r, row in enumerate(rows):
            for col, a in row.items():
                self.rows[r, col] += a
        key = (len(values), tuple((t, tuple(p), e) for t, p, e in self.relations))
        if key not in _VECTORS and len(_VECTORS) >= 16:
            _VECTORS.clear()
        self._cache = _VECTORS.setdefault(key, {})
        # values in the same relations in the same role (the municipalities of one
        # district): swapping two of them maps every relation to itself, so the
        # vectors of one are those of the other with the two swapped
        member = self.member = _membership(self.relations)
        role = [tuple(sorted(member.get(v, ()))) for v in range(len(values))]
        self.role: list[tuple[Any, ...]] = list(role)
        # a district of municipalities (the total of one exact relation over values
        # in no other relation) maps to another with as many, in the same relations
        # otherwise, by swapping the two and their parts in order: their vectors too
        # (only where every relation is exact; checked by the tests)
        self.own: dict[int, int] = {}
        if all(exact for _, _, exact in self.relations):
            for r, (total, parts, _) in enumerate(self.relations):
                if sum(1 for _, sign in role[total] if sign > 0) == 1 and all(
                    role[p] == ((r, -1),) for p in parts
                ):
                    self.own[total] = r
                    rest = tuple(x for x in role[total] if x[0] != r)
                    self.role[total] = ("district", len(parts), rest)
        self._twin: dict[tuple[Any, ...], int] = {}
        self._plan: _Plan | None = None  # (made on the first value that needs it)

    def _perm(self, twin: int, value: int) -> Any:
        """The values mapped from *twin*'s vectors to *value*'s: the two swapped, and
        the parts of their own relations in order where they are districts."""
        import numpy as np

        perm = np.arange(len(self.values), dtype=np.int64)
        perm[twin], perm[value] = value, twin
        if value in self.own:
            mine = self.relations[self.own[twin]][1]
            theirs = self.relations[self.own[value]][1]
            perm[mine], perm[theirs] = theirs, mine
        return perm

    def _safe(self, vector: tuple[tuple[int, int], ...]) -> bool:
        """Whether *vector* only raises values and lowers no inequality: it keeps
        every relation in any table (a case more), so that a product of such vectors
        is always a witness."""
        if any(sign < 0 for _, sign in vector):
            return False
        return not len(self.rows) or bool(
            (self.rows[:, [i for i, _ in vector]].sum(axis=1) >= 0).all()
        )

    def vectors(self, value: int) -> tuple[Any, Any, Any, Any, Any]:
        """The vectors through *value*: indices and signs (padded with sign 0), their
        sizes, and per vector the inequality rows it changes with the change; one
        column per vector (the reductions over a vector's entries run along rows)."""
        import numpy as np

        found = self._cache.get(value)
        if found is not None:
            return found
        twin = self._twin.setdefault(self.role[value], value)
        if twin != value and twin in self._cache:
            idx, sgn, sizes = _swapped(self._cache[twin], self._perm(twin, value))
        else:
            plan = self._plan
            if plan is None:
                plan = self._plan = _Plan(len(self.values), self.relations, self.member)
            vectors = _vectors(len(self.values), self.relations, value, plan=plan)
            if not any(map(self._safe, vectors)):
                wider = {
                    v
                    for limits in WIDER
                    for v in _vectors(len(self.values), self.relations, value, *limits, plan=plan)
                }
                if not any(map(self._safe, wider)):
                    more = _case_more(self.relations, value, self.member)
                    if more is not None:
                        wider.add(more)
                vectors = sorted(wider, key=lambda vector: (len(vector), vector))
            # (none at all: the search falls back to a linear program)
            width = max((len(v) for v in vectors), default=1)
            padding = ((value, 0),) * width
            flat = chain.from_iterable(chain.from_iterable((v + padding)[:width] for v in vectors))
            pairs = np.fromiter(flat, dtype=np.int64, count=2 * width * len(vectors))
            pairs = pairs.reshape(len(vectors), width, 2)
            idx = np.ascontiguousarray(pairs[:, :, 0])
            sgn = np.ascontiguousarray(pairs[:, :, 1])
            sizes = np.fromiter(map(len, vectors), dtype=np.int64, count=len(vectors))
        if len(self.rows) and len(sizes):
            change = (self.rows[:, idx] * sgn[None, :, :]).sum(axis=2).T  # vectors × rows
            depth = max(1, int((change != 0).sum(axis=1).max()))
            row_idx = np.argsort(change == 0, axis=1, kind="stable")[:, :depth]
            row_chg = np.take_along_axis(change, row_idx, axis=1)
        else:
            row_idx = np.zeros((len(sizes), 0), dtype=np.int64)
            row_chg = np.zeros((len(sizes), 0), dtype=np.int64)
        found = (  # (the values' indices and the signs small: kept for every value)
            np.ascontiguousarray(idx.T, dtype=np.int32),
            np.ascontiguousarray(sgn.T, dtype=np.int8),
            sizes,
            np.ascontiguousarray(row_idx.T),
            np.ascontiguousarray(row_chg.T),
        )
        self._cache[value] = found
        return found


_Positions = tuple[list[list[Any]], Any, list[Any], dict[Any, int]]
_POSITIONS: list[tuple[int, Any, list[Any], _Positions]] = []
"""The positions of the cells of the last table (:func:`_positions`): the counts of
one computation share their cells."""


def _positions(
    cells: list[Any], k: int, coordinates: Callable[[Any], Sequence[Any]] | None
) -> _Positions:
    """The values of each of the *k* coordinates of *cells* (sorted by ``repr``), the
    flat position of each cell in the product of their sizes, the cells by position
    and each cell's position; :class:`NotAProduct` when the cells are not that
    product. Kept for the last cells and *coordinates* (compared in full)."""
    import numpy as np

    for found in _POSITIONS:
        if found[0] == k and found[1] == coordinates and found[2] == cells:
            return found[3]
    coords = [tuple(coordinates(c)) if coordinates else tuple(c) for c in cells]
    if any(len(c) != k for c in coords):
        raise NotAProduct
    axis_values = [sorted({c[i] for c in coords}, key=repr) for i in range(k)]
    shape = [len(v) for v in axis_values]
    if math.prod(shape) != len(cells):
        raise NotAProduct
    flat = np.zeros(len(cells), dtype=np.int64)
    for i, vals in enumerate(axis_values):
        index = {v: j for j, v in enumerate(vals)}
        flat += math.prod(shape[i + 1 :]) * np.array([index[c[i]] for c in coords], dtype=np.int64)
    # (as many positions as cells: distinct exactly when every position is taken, which
    # one pass tells, no sort)
    taken = np.zeros(len(cells), dtype=bool)
    taken[flat] = True
    if not taken.all():
        raise NotAProduct
    by_position: list[Any] = [None] * len(cells)
    for pos, cell in zip(flat.tolist(), cells, strict=True):
        by_position[pos] = cell
    column = dict(zip(cells, flat.tolist(), strict=True))
    result: _Positions = (axis_values, flat, by_position, column)
    _POSITIONS[:] = [(k, coordinates, cells, result)]
    return result


class Cube:
    """A count table with a product structure, as a dense array."""

    def __init__(
        self,
        values: Mapping[Any, int],
        dimensions: Sequence[Sequence[Sequence[Any]]],
        coordinates: Callable[[Any], Sequence[Any]] | None,
        lower: int,
    ) -> None:
        import numpy as np

        cells = list(values)
        k = len(dimensions)
        axis_values, flat, self.cells, self.column = _positions(cells, k, coordinates)
        self.axes = [_Axis(vals, dimensions[i]) for i, vals in enumerate(axis_values)]
        self.shape = tuple(len(v) for v in axis_values)
        self.size = len(cells)
        self.strides = [math.prod(self.shape[i + 1 :]) for i in range(k)]
        self._unravel = list(zip(self.strides, self.shape, strict=True))
        self.value = np.zeros(self.size, dtype=np.int64)
        self.value[flat] = np.fromiter(values.values(), np.int64, len(cells))
        self.lower = lower
        # the lines through each value of each dimension, made on first need
        self._lines: list[list[_Line | None]] = [[None] * n for n in self.shape]
        self._sinks: dict[int, Any] = {}
        self._static: dict[tuple[int, int], Any] = {}  # (cell, rise) → _alone
        dense = self.value.reshape(self.shape)
        # per dimension with inequalities: their slack in the true table, by the
        # flat index of the other coordinates
        self.slack: list[Any] = []
        self.other_strides: list[list[int]] = []
        for a, axis in enumerate(self.axes):
            rest = [self.shape[i] for i in range(k) if i != a]
            self.other_strides.append(
                [math.prod(rest[j + 1 :]) for j in range(len(rest))] if rest else []
            )
            if len(axis.rows):
                slack = np.tensordot(axis.rows, np.moveaxis(dense, a, 0), axes=(1, 0))
                self.slack.append(slack.reshape(len(axis.rows), -1))
            else:
                self.slack.append(None)

    def done(self) -> None:
        """Drop the vectors, bounds and rankings kept for the searches of this table."""
        self._lines = [[None] * n for n in self.shape]
        self._sinks.clear()
        self._static.clear()

    def drop_positions(self) -> None:
        """Drop the map of cells to columns (the searches are done), also where it is
        kept for the next table with the same cells (:func:`_positions`): for a table
        that no other has the cells of (8.5 MB on the one table of new and active
        cases at 1M cases, freed before its certificate is checked)."""
        if _POSITIONS and _POSITIONS[0][3][3] is self.column:
            _POSITIONS.clear()
        self.column = {}

    def coordinates(self, col: int) -> tuple[int, ...]:
        return tuple([(col // stride) % n for stride, n in self._unravel])

    def _line(self, a: int, value: int) -> _Line:
        """The vectors of dimension *a* through *value* (cached per cube)."""
        found = self._lines[a][value]
        if found is None:
            found = self._lines[a][value] = _Line(self, a, value)
        return found

    def _sink(self, rise: int) -> Any:
        """Per cell 0 where the cell cannot fall by *rise* (below the lower bound),
        else −1: a product breaks a bound exactly where its sign is below this (−1
        at a cell that cannot fall). None when some cell cannot even rise by *rise*
        (then the bounds are checked in full)."""
        sinks = self._sinks
        if rise not in sinks:
            import numpy as np

            if (self.value + rise < self.lower).any():
                sinks[rise] = None
            else:
                sinks[rise] = np.where(self.value - rise < self.lower, 0, -1).astype(np.int8)
        return sinks[rise]

    def _star(self, target: int, rise: int) -> _Star:
        """The lines through *target*, one per dimension, side by side."""
        coords = self.coordinates(target)
        lines = [
            known[c] or self._line(a, c)
            for a, (known, c) in enumerate(zip(self._lines, coords, strict=True))
        ]
        star = _Star(lines, target)
        alone = self._static.get((target, rise))
        if alone is None:
            alone = self._static[(target, rise)] = self._alone(star, coords, rise)
        star.alone = alone
        return star

    def _alone(self, star: _Star, coords: Sequence[int], rise: int) -> Any:
        """Whether each vector of the *star* keeps the bounds and the inequalities on
        its own line through the target (the product moves those cells too); it does
        not change between the searches for one cell and rise."""
        import numpy as np

        sink = self._sink(rise)
        if sink is not None:
            ok = np.logical_and.reduce(star.sign >= sink.take(star.cells), axis=0)
        else:
            shrunk = self.value.take(star.cells) + rise * star.sign.astype(self.value.dtype)
            ok = ~np.logical_or.reduce((shrunk < self.lower) & (star.sign != 0), axis=0)
        for a, line in enumerate(star.lines):
            if line.rows is not None:
                slack = self.slack[a].take(line.rows + self._rest(a, coords))
                # slack + rise·change ≥ 0, as slack ≥ −rise·change (whole numbers)
                ok[star.starts[a] : star.starts[a + 1]] &= np.logical_and.reduce(
                    slack >= line.fall(rise), axis=0
                )
        return ok

    def _ranked(
        self, target: int, rise: int, cost: Any, allowed: Any
    ) -> tuple[list[_Line], list[Any]] | None:
        """The lines through *target* and, per dimension, the positions of the
        vectors that keep the bounds and inequalities on their own line and move
        allowed cells only, cheapest line first (stable: equal prices stay in their
        order, smallest first); None when a dimension has none. (The vectors of all
        dimensions are tried side by side, as one :class:`_Star`.)"""
        import numpy as np

        star = self._star(target, rise)
        ok = star.alone
        # (``take``: a gather by an index array, several times faster than ``[]`` on
        # the small arrays of one search, as the reductions by their ufuncs are than
        # by the methods ``all`` and ``sum``, which call them through Python; the
        # entries that a vector does not move are the target's own cell, which a
        # search may move and which costs nothing — a primary cell —, so that they
        # need no mask then)
        if allowed is not None:
            if allowed[target]:
                ok = ok & np.logical_and.reduce(allowed.take(star.cells), axis=0)
            else:
                ok = ok & np.logical_and.reduce((star.sign == 0) | allowed.take(star.cells), axis=0)
        if cost is not None:
            if cost[target] == 0:
                price = np.add.reduce(cost.take(star.cells), axis=0)
            else:
                price = np.add.reduce(np.where(star.sign != 0, cost.take(star.cells), 0.0), axis=0)
            ok = ok & np.isfinite(price)
        keep = ok.nonzero()[0]  # (1-D: flatnonzero without its wrappers)
        # by dimension (the columns of each lie together, ascending), then by price,
        # stable: a sort of each dimension's columns, not one of all by two keys
        ranked: list[Any] = []
        low = 0
        for start, high in zip(star.starts, keep.searchsorted(star.ends).tolist(), strict=False):
            if high == low:
                return None  # no vector of this dimension
            part = keep[low:high]
            if cost is not None:
                part = part.take(price.take(part).argsort(kind="stable"))
            ranked.append(part - start if start else part)  # (the positions in the line)
            low = high
        return star.lines, ranked

    def find(
        self,
        target: int,
        rise: int,
        cost: Any,
        allowed: Any = None,
        rounds: int | None = None,
    ) -> dict[int, int] | None:
        """The cheapest feasible product through *target* that raises it by *rise*
        (*cost*: per cell, None when every cell is free; *allowed*: the cells it may
        move, default all); None if there is none.

        With *rounds* the search stops after the first *rounds* of ``ROUNDS``: None
        then only means that the products tried there are all infeasible.

        Each vector is first tried on its own, on the line through *target* (the
        product moves those cells too): a vector whose line is infeasible or moves a
        forbidden cell is dropped, the others are ranked by the cost of their line
        (then by size; the vectors of a dimension come smallest first). The products
        of the best ones per dimension (as many as the round allows, ``ROUNDS``) are
        then checked in full; if none is feasible and some were left out, more, and
        in the end all of them.
        """
        ranking = self._ranked(target, rise, cost, allowed)
        if ranking is None:
            return None
        lines, ranked = ranking
        counts = [len(r) for r in ranked]
        width = math.prod([line.offset.shape[0] for line in lines])
        for budget in ROUNDS[:rounds]:
            chosen = _halved(counts, budget // width)
            part = [(line, r[:n]) for line, r, n in zip(lines, ranked, chosen, strict=True)]
            found = self._best(target, part, rise, cost, allowed)
            if found is not None or chosen == counts:
                return None if found is None else found[2]
        if rounds is not None:
            return None
        # all of them, in slices of the dimension with the most vectors
        widest = counts.index(max(counts))
        step = max(1, ROUNDS[-1] * counts[widest] // (width * math.prod(counts)))
        best: tuple[float, int, dict[int, int]] | None = None
        for start in range(0, counts[widest], step):
            part = [
                (line, r[start : start + step] if a == widest else r)
                for a, (line, r) in enumerate(zip(lines, ranked, strict=True))
            ]
            found = self._best(target, part, rise, cost, allowed)
            if found is not None and (best is None or found[:2] < best[:2]):
                best = found
        return None if best is None else best[2]

    def _rest(self, a: int, coords: Sequence[int]) -> int:
        """The flat index of *coords* without dimension *a* (a column of ``slack[a]``)."""
        strides = self.other_strides[a]
        rest = 0
        j = 0
        for i, c in enumerate(coords):
            if i != a:
                rest += strides[j] * c
                j += 1
        return rest

    def _best(
        self, target: int, chosen: list[tuple[_Line, Any]], rise: int, cost: Any, allowed: Any
    ) -> tuple[float, int, dict[int, int]] | None:
        """The cheapest feasible product of the vectors *chosen* (per dimension its
        line and the positions of the chosen vectors among the line's) through
        *target*: its cost, size and change.

        The bounds of the cells and the costs are checked for all products at once,
        on arrays of cells × products (the entries of each dimension's vector, then
        the vectors, each in the order of the dimensions); the inequalities (more
        entries: every row that a vector changes) only for the cheapest products
        that pass, a few at a time, until one keeps them."""
        import numpy as np

        lines = [line for line, _ in chosen]
        picked = [sel for _, sel in chosen]
        loose = [a for a, line in enumerate(lines) if line.rows is not None]
        flat: Any = None
        sign: Any = None
        partial: tuple[Any, Any] | None = None  # the cells of all dimensions but the first
        for line, sel in reversed(chosen):
            if flat is None:
                flat, sign = line.offset.take(sel, axis=1) + target, line.sign.take(sel, axis=1)
            else:  # (as _outer, inline: the shapes once for both)
                partial = (flat, sign)
                head, (v, m) = line.offset.take(sel, axis=1), flat.shape
                shape = (head.shape[0] * v, head.shape[1] * m)
                flat = np.add(head[:, None, :, None], flat[None, :, None, :]).reshape(shape)
                head = line.sign.take(sel, axis=1)
                sign = np.multiply(head[:, None, :, None], sign[None, :, None, :]).reshape(shape)
        moved = sign != 0
        sink = self._sink(rise)
        if sink is not None:
            ok = np.logical_and.reduce(sign >= sink.take(flat), axis=0)
        else:
            shrunk = self.value.take(flat) + rise * sign.astype(np.int64)
            ok = ~np.logical_or.reduce((shrunk < self.lower) & moved, axis=0)
        if allowed is not None:
            ok &= np.logical_and.reduce(moved <= allowed.take(flat), axis=0)
        if cost is not None:
            price = np.add.reduce(np.where(moved, cost.take(flat), 0.0), axis=0)
            ok &= np.isfinite(price)
        candidates = ok.nonzero()[0]
        if not len(candidates):
            return None
        size = np.add.reduce(moved.take(candidates, axis=1), axis=0)
        if cost is None:  # the smallest first (stable: then by position)
            order = candidates.take(size.argsort(kind="stable"))
        else:
            order = candidates.take(np.lexsort((size, price.take(candidates))))
        others = [self._others(target, lines, picked, a, partial) for a in loose]
        start, step = 0, 8
        while True:
            part = order[start : start + step]
            if not len(part):
                return None
            if not others:
                pick = int(part[0])
                break
            passed = self._keeps_slack(lines, picked, others, part, rise).nonzero()[0]
            if len(passed):
                pick = int(part[passed[0]])
                break
            start, step = start + step, 8 * step
        # (the pick's column as lists: its few dozen entries read in Python, padding
        # skipped, cheaper than selecting the moved ones by numpy)
        signs = sign[:, pick].tolist()
        change = {
            cell: rise * s for cell, s in zip(flat[:, pick].tolist(), signs, strict=True) if s
        }
        total = 0.0 if cost is None else float(price[pick])
        return total, len(change), change

    def _others(
        self,
        target: int,
        lines: list[_Line],
        chosen: list[Any],
        a: int,
        partial: tuple[Any, Any] | None,
    ) -> tuple[int, Any, Any, int]:
        """For dimension *a*: the cells that the other dimensions' vectors of the
        products move with this one at the target's value (entries × their
        products), as columns of ``slack[a]``, their signs (*partial*: those of all
        dimensions but the first, from :meth:`_best`), and the number of products
        of the dimensions after *a* (a product's position divided by it is its place
        among those of the dimensions up to *a*)."""
        import numpy as np

        stride = self.strides[a]
        inner = math.prod([len(sel) for sel in chosen[a + 1 :]])
        if a == 0 and partial is not None:
            # (every cell of the others' vectors has the target's first coordinate:
            # its column of ``slack[0]`` is the cell without it)
            flat, sign = partial
            return a, flat - (target // stride) * stride, sign, inner
        flat, sign = np.full((1, 1), target), np.ones((1, 1), dtype=np.int64)
        for i in reversed(range(len(chosen))):
            if i != a:
                flat = _outer(np.add, lines[i].offset.take(chosen[i], axis=1), flat)
                sign = _outer(np.multiply, lines[i].sign.take(chosen[i], axis=1), sign)
        rest = (flat // (stride * self.shape[a])) * stride + flat % stride
        return a, rest, sign, inner

    def _keeps_slack(
        self,
        lines: list[_Line],
        chosen: list[Any],
        others: list[tuple[int, Any, Any, int]],
        picks: Any,
        rise: int,
    ) -> Any:
        """Whether each product *picks* (positions among the products of *chosen*)
        keeps every inequality: the rows that its vector of a dimension changes, at
        every cell of the other dimensions' vectors (*others*, :meth:`_others`),
        changed by the vector's change times the sign of the others there."""
        import numpy as np

        ok: Any = None
        for a, rest, sign, inner in others:
            at, column = np.divmod(picks, inner)  # column: the pick's product of the others
            if a:
                high, at = np.divmod(at, len(chosen[a]))
                column += high * inner
            vector = chosen[a].take(at)
            line = lines[a]
            at_rows = line.rows.take(vector, axis=1)[:, None, :] + rest.take(column, axis=1)
            slack = self.slack[a].take(at_rows)
            # slack + rise·change ≥ 0, as slack ≥ −rise·change (whole numbers)
            fall = line.fall(rise).take(vector, axis=1)[:, None, :] * sign.take(column, axis=1)
            kept = np.logical_and.reduce(slack >= fall, axis=(0, 1))
            ok = kept if ok is None else ok & kept
        return ok


def _outer(ufunc: Any, head: Any, tail: Any) -> Any:
    """*ufunc* of every column of *head* with every column of *tail* (entries ×
    vectors each): their entries by pairs, then their vectors by pairs, *head*'s
    first (the products' cells and the products in the order of the dimensions)."""
    (w, n), (v, m) = head.shape, tail.shape
    return ufunc(head[:, None, :, None], tail[None, :, None, :]).reshape(w * v, n * m)


def _halved(counts: list[int], most: int) -> list[int]:
    """How many of the best-ranked vectors of each dimension a round takes: the
    dimension with the most halved (rounding up; the first of equals) until their
    products are at most *most* (or one vector each)."""
    chosen = list(counts)
    while math.prod(chosen) > most and max(chosen) > 1:
        largest = chosen.index(max(chosen))
        chosen[largest] = (chosen[largest] + 1) // 2
    return chosen


class _Line:
    """The vectors of one dimension through one of its values (:meth:`_Axis.vectors`),
    one column per vector, one row per entry: the flat offsets of the cells they move
    from the cell they start at and their signs (0 for padding, also in the copies
    padded to ``SUPPORT`` rows for a :class:`_Star`); and for a dimension with
    inequalities the rows each changes (as positions in the flattened ``slack``)
    and by how much."""

    __slots__ = (
        "_falls",
        "change",
        "height",
        "n",
        "offset",
        "padded_offset",
        "padded_sign",
        "rows",
        "sign",
    )

    def __init__(self, cube: Cube, a: int, value: int) -> None:
        import numpy as np

        idx, sgn, _, row_idx, row_chg = cube.axes[a].vectors(value)
        # (positions in the cube, which has far fewer than 2³¹ cells: 32 bits)
        self.offset = (cube.strides[a] * (idx - value)).astype(np.int32)
        self.sign = sgn.astype(np.int8, copy=False)  # (±1, 0: small and fast)
        self.padded_offset, self.padded_sign = self.offset, self.sign
        self.n = idx.shape[1]  # (the number of vectors)
        self.height = max(idx.shape[0], SUPPORT)  # (the rows of the padded copies)
        if idx.shape[0] < SUPPORT:  # (zeros below: np.pad takes ten times as long)
            self.padded_offset = np.zeros((SUPPORT, self.n), dtype=self.offset.dtype)
            self.padded_offset[: idx.shape[0]] = self.offset
            self.padded_sign = np.zeros((SUPPORT, self.n), dtype=self.sign.dtype)
            self.padded_sign[: idx.shape[0]] = self.sign
        self.change = row_chg
        self._falls: dict[int, Any] = {}
        slack = cube.slack[a]
        self.rows: Any = None
        if slack is not None and row_idx.shape[0]:
            self.rows = row_idx * slack.shape[1]

    def fall(self, rise: int) -> Any:
        """``−rise`` times the change of each row: a vector keeps a row where its
        slack is at least this (kept per rise, which takes few values)."""
        found = self._falls.get(rise)
        if found is None:
            found = self._falls[rise] = self.change * -rise
        return found


class _Star:
    """The lines through one cell (*target*), one per dimension, side by side (one
    column per vector of each, in the order of the dimensions): the cells each
    vector moves, their signs, each column's dimension and position in it; and
    :attr:`alone` (:meth:`Cube._alone`).

    The signs are joined on first need (:attr:`sign`): a search whose cell is
    suppressed and whose :attr:`alone` is known reads only the cells."""

    __slots__ = ("_sign", "alone", "cells", "ends", "lines", "starts")

    def __init__(self, lines: list[_Line], target: int) -> None:
        import numpy as np

        self.lines = lines
        sizes = tuple([line.n for line in lines])
        splits = _SPLITS.get(sizes)
        if splits is None:
            if len(_SPLITS) >= 4096:
                _SPLITS.clear()
            starts = [0, *accumulate(sizes)]
            splits = _SPLITS[sizes] = (starts, np.array(starts[1:], dtype=np.int64))
        self.starts: list[int] = splits[0]
        self.ends: Any = splits[1]
        self._sign: Any = None
        if max([line.height for line in lines]) > SUPPORT:
            self._wide(target)
        else:
            cells = np.concatenate([line.padded_offset for line in lines], axis=1)
            cells += target  # (in place: no second array)
            self.cells = cells
        self.alone: Any = None

    def _wide(self, target: int) -> None:
        """The cells and signs where a line has WIDER vectors: all padded to as many
        rows (in place: padded copies of every line kept per width took 9 MB on the
        one table of new and active cases at 1M cases)."""
        import numpy as np

        width = max([line.height for line in self.lines])
        cells = np.zeros((width, self.starts[-1]), dtype=self.lines[0].padded_offset.dtype)
        sign = np.zeros((width, self.starts[-1]), dtype=self.lines[0].padded_sign.dtype)
        for line, start in zip(self.lines, self.starts, strict=False):
            offset = line.padded_offset
            cells[: offset.shape[0], start : start + offset.shape[1]] = offset
            sign[: offset.shape[0], start : start + offset.shape[1]] = line.padded_sign
        cells += target
        self.cells, self._sign = cells, sign

    @property
    def sign(self) -> Any:
        """The signs of the entries of :attr:`cells` (0 for padding)."""
        if self._sign is None:
            import numpy as np

            self._sign = np.concatenate([line.padded_sign for line in self.lines], axis=1)
        return self._sign


_SPLITS: dict[tuple[int, ...], tuple[list[int], Any]] = {}
"""Per number of vectors of each line of a star: where each dimension's columns
start, and where they end, as an array."""


_VERIFY_CHUNK = 1 << 16
"""About this many (witness, relation row) entries are checked at once by :func:`verify`."""


def verify(
    values: Mapping[Any, int],
    relations: Sequence[tuple[Any, Sequence[Any], bool]],
    changes: Sequence[Mapping[Hashable, float]],
    lower: int,
) -> list[int]:
    """The positions in *changes* whose table ``values + change`` breaks a relation or
    takes a cell below *lower* (empty when every witness is a consistent table).

    Integer changes are checked exactly (every sum is of whole numbers far below
    ``2⁵³``); a change from the linear program is checked to within ``1e-6``.
    (:func:`verify_columns` with the changes as arrays.)
    """
    import numpy as np

    cells = list(dict.fromkeys(chain.from_iterable(changes)))
    column = {c: i for i, c in enumerate(cells)}
    sizes = [len(change) for change in changes]
    n = sum(sizes)
    cols = np.fromiter((column[c] for change in changes for c in change), np.int64, n)
    delta = np.fromiter(chain.from_iterable(c.values() for c in changes), float, n)
    owner = np.repeat(np.arange(len(changes), dtype=np.int64), sizes)
    return verify_columns(
        values, relations, cells, owner=owner, cols=cols, delta=delta, lower=lower
    )


def verify_columns(
    values: Mapping[Any, int],
    relations: Sequence[tuple[Any, Sequence[Any], bool]],
    cells: Sequence[Any],
    *,
    owner: Any,
    cols: Any,
    delta: Any,
    lower: int,
    keep: bool = True,
) -> list[int]:
    """:func:`verify` for changes given as arrays: entry ``i`` changes the cell
    ``cells[cols[i]]`` by ``delta[i]`` in the witness ``owner[i]`` (ascending, the
    entries of a witness together, a cell at most once in each); the witnesses that
    break a relation or a bound, in ascending order.

    Every relation is read from *relations* and every value from *values* (the true
    table), through :class:`_Rows`: nothing is taken from how the witnesses were
    built. A row is checked in every witness that changes one of its cells. With
    *keep* false the rows are not kept for the next table (:meth:`_Rows.of`) and are
    made only for the relations of the changed cells (the others are checked in no
    witness).
    """
    import numpy as np

    if not len(cols):
        return []
    if not keep:
        # (the relations of no changed cell are checked in no witness: left out)
        moved = set(map(cells.__getitem__, np.unique(cols).tolist()))
        relations = [r for r in relations if r[0] in moved or not moved.isdisjoint(r[1])]
    table = _Rows.of(values, relations, keep=keep)
    x = np.fromiter(values.values(), float, len(table.keys))
    ids = table.positions(cells)[cols]  # the changed cells as positions in *values*
    if not keep:
        table.cell_id = {}  # (the rows are this table's alone: no more positions asked)
    bad = set(owner[x[ids] + delta < lower - 1e-6].tolist())
    sums, top = table.levels(x)
    changes = _Changes(owner, ids, delta, len(x))
    # a chunk of whole witnesses at a time: the arrays stay near _VERIFY_CHUNK entries
    size = sum(start[ids + 1] - start[ids] for start in table.starts())
    ends = np.cumsum(size)
    lo = 0
    while lo < len(ids):
        hi = int(np.searchsorted(ends, ends[lo] + _VERIFY_CHUNK, side="right"))
        hi = int(np.searchsorted(owner, owner[min(hi, len(ids) - 1)], side="right"))
        who, at, by = owner[lo:hi], ids[lo:hi], delta[lo:hi]
        lo = hi
        chunk = (who, at, by)
        bad.update(table.broken_sums(chunk, sums).tolist())
        bad.update(table.broken_parts(chunk, x, top, changes).tolist())
    return sorted(bad)


def _spans(start: Any, at: Any) -> tuple[Any, Any]:
    """For the ranges ``start[a] … start[a + 1]`` of each ``a`` in *at*, one after the
    other: the index in *at* and the position in the range's array of each entry."""
    import numpy as np

    counts = start[at + 1] - start[at]
    ends = np.cumsum(counts)
    n = int(ends[-1]) if len(ends) else 0
    entry = np.repeat(np.arange(len(at)), counts)
    return entry, np.arange(n) + np.repeat(start[at] - (ends - counts), counts)


class _Changes:
    """The change of any cell in any witness (0 where the witness leaves it)."""

    def __init__(self, owner: Any, ids: Any, delta: Any, n: int) -> None:
        import numpy as np

        key = owner * n + ids
        order = np.argsort(key)
        self.key, self.delta, self.n = key[order], delta[order], n

    def of(self, who: Any, cell: Any) -> Any:
        import numpy as np

        if not len(self.key):
            return np.zeros(len(cell))
        key = who * self.n + cell
        at = np.minimum(np.searchsorted(self.key, key), len(self.key) - 1)
        return np.where(self.key[at] == key, self.delta[at], 0.0)


class _Rows:
    """The relations of a table as linear rows over its cells (positions in its
    *values*), as arrays: those of :func:`._protection._rows` with every cell a
    variable.

    A *sum row* per relation, ``total − Σ parts`` (0; at most 0 for distinct counts),
    by cell: the rows each cell is in, with its coefficient (those of one cell in one
    row added up, one that cancels left out). For distinct counts a row ``total −
    part ≥ 0`` per part (none where the part is the total): the *own parts* of the
    relation, by relation, by part and, per cell, the relations it is the total of.

    The rows of the last two tables are kept (:meth:`of`): the counts of one
    computation share their cells and relations, which are compared in full before
    the rows are used again."""

    _last: ClassVar[list[_Rows]] = []
    relations: list[tuple[Any, Sequence[Any], bool]]
    cell_id: dict[Any, int]
    totals: Any
    parts: Any
    rel_of: Any
    sum_start: Any
    sum_row: Any
    sum_coef: Any

    def __init__(
        self,
        keys: list[Any],
        relations: Sequence[tuple[Any, Sequence[Any], bool]],
        like: _Rows | None = None,
        *,
        keep: bool = True,
    ) -> None:
        """The rows of *relations* over the cells *keys*; with *like*, the rows of
        the same cells and relations but for their exactness, whose sum rows are
        taken over. With *keep* false the relations are read, not copied (the rows
        are not kept to compare with the next table's)."""
        import numpy as np

        self.keys = keys
        self._positions: tuple[list[Any], Any] | None = None
        if like is not None:
            # (the copies of the parts are never changed: they are shared)
            self.relations = [
                (total, parts, bool(given[2]))
                for (total, parts, _), given in zip(like.relations, relations, strict=True)
            ]
            self.cell_id, self.totals, self.parts, self.rel_of = (
                like.cell_id,
                like.totals,
                like.parts,
                like.rel_of,
            )
            self.sum_start, self.sum_row, self.sum_coef = (
                like.sum_start,
                like.sum_row,
                like.sum_coef,
            )
        else:
            # a copy to compare with the next table's (the relations given may change
            # after); none for rows that are not kept
            self.relations = (
                [(total, list(parts), bool(exact)) for total, parts, exact in relations]
                if keep
                else list(relations)
            )
            self._sums()
        exact = np.fromiter((r[2] for r in self.relations), bool, len(self.relations))
        self._own(exact)

    def _sums(self) -> None:
        """The cells of the relations as positions, and the sum rows by cell."""
        import numpy as np

        self.cell_id = dict(zip(self.keys, range(len(self.keys)), strict=True))
        n, n_rel = len(self.keys), len(self.relations)
        by_id = self._by_id()
        self.totals = self._ids(lambda: (r[0] for r in self.relations), n_rel, by_id)
        lengths = np.fromiter(map(len, (r[1] for r in self.relations)), np.int64, n_rel)
        self.parts = self._ids(
            lambda: chain.from_iterable(r[1] for r in self.relations), int(lengths.sum()), by_id
        )
        del by_id
        self.rel_of = np.repeat(np.arange(n_rel, dtype=np.int64), lengths)
        # each (cell, row) once, its coefficients added up: sorted by cell, then row
        # (an argsort, not np.unique with its inverse: less memory at once)
        key = np.concatenate([self.totals, self.parts]) * max(1, n_rel)
        key += np.concatenate([np.arange(n_rel, dtype=np.int64), self.rel_of])
        order = np.argsort(key, kind="stable")
        key = key[order]
        coef = np.concatenate([np.ones(n_rel), -np.ones(len(self.parts))])[order]
        del order
        first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if len(key) else key
        keys_a = key[first]
        total_coef = np.add.reduceat(coef, first) if len(first) else coef
        del key, coef
        keep = total_coef != 0
        keys_a, self.sum_coef = keys_a[keep], total_coef[keep]
        self.sum_row = keys_a % max(1, n_rel)
        self.sum_start = np.searchsorted(keys_a // max(1, n_rel), np.arange(n + 1))

    def _own(self, exact: Any) -> None:
        """The bounds of the sum rows, and the own parts of the distinct counts: by
        relation, by part and by total."""
        import numpy as np

        n, n_rel = len(self.keys), len(self.relations)
        totals, parts, rel_of = self.totals, self.parts, self.rel_of
        self.low = np.where(exact, 0.0, -np.inf)
        own = ~exact[rel_of] & (parts != totals[rel_of])
        self.own_rel, self.own_part = rel_of[own], parts[own]
        self.own_total = totals[self.own_rel]
        self.rel_start = np.searchsorted(self.own_rel, np.arange(n_rel + 1))
        self.by_part = np.argsort(self.own_part, kind="stable")
        self.part_start = np.searchsorted(self.own_part[self.by_part], np.arange(n + 1))
        loose = np.flatnonzero(self.rel_start[1:] > self.rel_start[:-1])
        self.total_rel = loose[np.argsort(totals[loose], kind="stable")]
        self.total_start = np.searchsorted(totals[self.total_rel], np.arange(n + 1))

    @classmethod
    def of(
        cls,
        values: Mapping[Any, int],
        relations: Sequence[tuple[Any, Sequence[Any], bool]],
        *,
        keep: bool = True,
    ) -> _Rows:
        """The rows of the table *values* with *relations* (those kept when their
        cells and relations are equal to these; the sum rows of those kept when only
        the exactness differs: distinct counts and new cases have different
        relations over the same cells). With *keep* false they are made for this
        table alone: not compared with those kept, not kept."""
        keys = list(values)
        given = list(relations)
        if not keep:
            return cls(keys, given, keep=False)
        for found in cls._last:
            if found.keys == keys and found.relations == given:
                return found
        like = next((found for found in cls._last if found._like(keys, given)), None)
        made = cls(keys, given, like)
        cls._last[:] = [made, *cls._last[:1]]
        return made

    def _like(self, keys: list[Any], relations: list[tuple[Any, Sequence[Any], bool]]) -> bool:
        """Whether *keys* and *relations* are these cells and relations, but for the
        exactness of the relations."""
        return (
            self.keys == keys
            and len(self.relations) == len(relations)
            and all(
                mine[0] == given[0] and mine[1] == given[1]
                for mine, given in zip(self.relations, relations, strict=True)
            )
        )

    def positions(self, cells: Sequence[Any]) -> Any:
        """The position in the table of each of *cells* (kept for the same cells)."""
        import numpy as np

        if self._positions is None or self._positions[0] != cells:
            # (by equality: a map by identity here, beside the rows, would raise the
            # peak memory of the table of new and active cases by 4 MB)
            at = np.fromiter(map(self.cell_id.__getitem__, cells), np.int64, len(cells))
            self._positions = (list(cells), at)
        return self._positions[1]

    def _by_id(self) -> tuple[Any, Any]:
        """The keys by the identity of their objects (:func:`by_identity`; made when
        needed, not kept)."""
        return by_identity(self.keys)

    def _ids(self, cells: Callable[[], Iterable[Any]], n: int, by_id: tuple[Any, Any]) -> Any:
        """The positions of the *n* cells that *cells* gives (:func:`places`; each is
        one of the table's keys)."""
        at = places(cells, n, by_id, self.cell_id)
        if n and int(at.min()) < 0:
            raise KeyError("a cell of a relation is none of the table's")
        return at

    def starts(self) -> tuple[Any, Any, Any]:
        """The ranges by cell: its sum rows, its own-part rows, the relations it is
        the total of."""
        return self.sum_start, self.part_start, self.total_start

    def levels(self, x: Any) -> tuple[Any, Any]:
        """For the cell values *x*: each sum row's level, and the largest own part of
        each relation (``-inf`` without)."""
        import numpy as np

        n_rel = len(self.totals)
        sums = x[self.totals] - np.bincount(self.rel_of, weights=x[self.parts], minlength=n_rel)
        top = np.full(n_rel, -np.inf)
        have = np.flatnonzero(self.rel_start[1:] > self.rel_start[:-1])
        if len(have):
            top[have] = np.maximum.reduceat(x[self.own_part], self.rel_start[have])
        return sums, top

    def broken_sums(self, chunk: tuple[Any, Any, Any], sums: Any) -> Any:
        """The witnesses of *chunk* (witness, cell, change per entry) that break a
        sum row through one of their cells (*sums*: the rows' levels)."""
        import numpy as np

        who, at, by = chunk

        entry, span = _spans(self.sum_start, at)
        n_rel = max(1, len(self.totals))
        key = who[entry] * n_rel + self.sum_row[span]
        weights = self.sum_coef[span] * by[entry]
        order = np.argsort(key)
        key = key[order]
        new = np.empty(len(key), dtype=bool)  # the first entry of each (witness, row)
        new[:1] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        first = np.flatnonzero(new)
        keys = key[first]
        row = keys % n_rel
        level = np.add.reduceat(weights[order], first) + sums[row] if len(first) else sums[row]
        broken = (level < self.low[row] - 1e-6) | (level > 1e-6)
        return keys[broken] // n_rel

    def broken_parts(self, chunk: tuple[Any, Any, Any], x: Any, top: Any, changes: _Changes) -> Any:
        """The witnesses of *chunk* (witness, cell, change per entry) that break a
        row ``total − part ≥ 0`` of a distinct count in which one of their cells is
        the total or the part (*x*: the true values, *top*: the largest own part of
        each relation)."""
        import numpy as np

        who, at, by = chunk
        # the cell as a part: against its total in the same witness
        entry, span = _spans(self.part_start, at)
        own = self.by_part[span]
        total = self.own_total[own]
        level = x[total] + changes.of(who[entry], total) - x[at[entry]] - by[entry]
        broken = [who[entry][level < -1e-6]]
        # the cell as the total: below the largest part of its relation, each part
        # (with its change in the same witness) is checked
        entry, span = _spans(self.total_start, at)
        rel = self.total_rel[span]
        high = x[at[entry]] + by[entry]
        short = high < top[rel] - 1e-6
        if short.any():
            who_s, high_s = who[entry[short]], high[short]
            part_entry, part_span = _spans(self.rel_start, rel[short])
            part = self.own_part[part_span]
            level = high_s[part_entry] - x[part] - changes.of(who_s[part_entry], part)
            broken.append(who_s[part_entry][level < -1e-6])
        return np.concatenate(broken)


def forget() -> None:
    """Drop what is kept for the next table with the same cells (the vectors of each
    dimension, the cells' positions, the certificate's rows): about 25 MB at
    1,000,000 cases. Called when the tables of a computation are protected, so that
    a long-running process (a municipal web tool) keeps nothing of it."""
    _VECTORS.clear()
    _POSITIONS.clear()
    _SPLITS.clear()
    _Rows._last.clear()
