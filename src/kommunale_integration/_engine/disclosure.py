"""Statistical disclosure control (statistische Geheimhaltung) for count tables.

A count table is a mapping of cells to non-negative integers together with its
*relations* ``(total, parts)`` or ``(total, parts, exact)``: with ``exact`` (the
default) the total is the sum of the parts (a district and its municipalities, a
``_T`` cell and its dimension values, a year and its months for counts that add up
over time); otherwise ``max(parts) ≤ total ≤ sum(parts)`` (distinct cases over
sub-periods).

The attacker knows every published cell, every relation, that no count is negative
and the library's rules — among them that a zero may be suppressed as a secondary
cell, so a suppressed cell is only known to be at least 0. The **requirement**: no
suppressed cell is fixed (its smallest and largest feasible value differ), and the
largest feasible value of every primary cell (1 to ``threshold − 1``) and of every
suppressed zero reaches ``threshold + margin``.

1. **Primary suppression**: counts from 1 to ``threshold − 1``; a zero is never
   primary.
2. **Secondary suppression**: for each primary cell the cheapest set of further
   cells (zeros among them where they are cheapest) whose suppression lets it reach
   the required value in a table consistent with the release — found by linear
   programming (:mod:`._protection`), or on large tables with *dimensions* as a
   product of small balanced changes, one per coordinate (:mod:`._hypercube`) —,
   then a pruning pass that publishes again every secondary cell that is not
   needed, and a last step that gives every primary cell a table in which it
   reaches the required value beside another suppressed cell of 1 to
   ``threshold − 1`` of its block (an attacker who knows that nothing is suppressed
   without a primary cell cannot tell it from the others); a closed chain (cells
   tied only by relations of a single part, a cell of no relation among them) is
   suppressed from 1 to the required value. Every witness is checked against every
   relation.
3. **Audit**: the feasibility interval of every suppressed cell, by linear
   programming over all relations (:attr:`Protection.intervals`).

In rounding mode nothing is suppressed: every cell that is not the total of a sum is
rounded to the nearest multiple of the base — or, where a distinct-count inequality
needs it, to the multiple above its count —, and every total is the sum of its rounded
parts, so that the published table keeps every relation (see :func:`_round`).
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypeVar

import attrs

from .._errors import InvalidValueError, shown
from .._validators import check_threshold

__all__ = ["AuditCell", "DisclosureControl", "Protection", "protect"]

Cell = TypeVar("Cell", bound=Hashable)


def _check_threshold(_inst: object, _attr: attrs.Attribute[int], value: int) -> None:
    check_threshold(value)  # the model's one rule (a bound, so that counts stay 64-bit)


def _check_mode(_inst: object, _attr: attrs.Attribute[str], value: str) -> None:
    if value not in ("suppress", "round"):
        raise InvalidValueError(
            "mode", "expected 'suppress' or 'round', got {found}", found=shown(value)
        )


def _check_margin(_inst: object, _attr: attrs.Attribute[int], value: int) -> None:
    check_threshold(value, "margin")  # (the same bound: threshold + margin is a count)


def _check_base(_inst: object, _attr: attrs.Attribute[int], value: int) -> None:
    if value not in (5, 10):
        raise InvalidValueError("base", "expected 5 or 10, got {found}", found=shown(value))


@attrs.frozen(kw_only=True)
class DisclosureControl:
    """The disclosure-control policy of a computation (Geheimhaltungsregel).

    On by default in :func:`compute_indicators`; pass ``disclosure=None`` only for
    internal use (the result is then marked *internal* in every output).

    Attributes:
        threshold: Counts from 1 to ``threshold - 1`` are suppressed (default 3: 1 and
            2 are suppressed, as the Bundesagentur für Arbeit does); a zero is
            never suppressed for itself, only as a secondary cell.
        mode: ``"suppress"`` (default) or ``"round"`` (round the counts to multiples
            of ``base`` instead of suppressing: to the nearest one, or to the one
            above the count where a period of a distinct count would otherwise be
            above the sum of its sub-periods or below one of them; a total is the
            sum of its rounded parts).
        base: The rounding base, 5 or 10, at least ``threshold`` in rounding mode (a
            published 5 must not tell "fewer than the threshold").
        secondary: Apply secondary suppression (default ``True``). Without it a
            suppressed cell can often be recovered from totals; turn it off only for
            tables that are never published with their totals.
        margin: The protection level above the threshold (Tau-Argus's upper
            protection level): the largest value of a primary cell that the published
            table allows must reach ``threshold + margin`` (default 0: an attacker
            cannot conclude "fewer than *threshold* people").

    An indicator's own :class:`Confidentiality` can make the rule stricter: the larger
    threshold applies, and an indicator with ``rounding`` is rounded.

    .. versionadded:: 0.1.0
    """

    threshold: int = attrs.field(default=3, validator=_check_threshold)
    mode: Literal["suppress", "round"] = attrs.field(default="suppress", validator=_check_mode)
    base: int = attrs.field(default=5, validator=_check_base)
    secondary: bool = True
    margin: int = attrs.field(default=0, validator=_check_margin)

    def __attrs_post_init__(self) -> None:
        if self.mode == "round" and self.base < self.threshold:
            # a published multiple of the base would tell "fewer than the threshold"
            raise InvalidValueError(
                "base",
                "rounding to multiples of {base} does not protect counts below the "
                "threshold {threshold}: the base must be at least the threshold",
                base=self.base,
                threshold=self.threshold,
            )

    @property
    def required(self) -> int:
        """The value that the largest feasible value of a primary cell must reach."""
        return self.threshold + self.margin


@attrs.frozen
class Protection:
    """Result of :func:`protect`: the suppressed cells, the published values and the
    audit.

    Attributes:
        suppressed: Every suppressed cell (primary and secondary).
        rounded: Whether the table was rounded instead.
        published: Cell → published value (``None`` where suppressed).
        rounded_cells: In rounding mode: every cell (status ``rounded``, a true 0
            included, so that a 0 does not tell "nobody" from "one or two").
        primary: The primary suppressed cells (1 to ``threshold − 1``).
        intervals: The audit: for every suppressed cell the smallest and the largest
            value consistent with everything published (``inf`` when unbounded).
        exact: Whether every interval is exact. Always with ``protect(...,
            exact_audit=True)``; otherwise, in blocks of more than ``AUDIT_LIMIT``
            (2,000) linked suppressed cells (and in every block with
            ``audit=False``), the intervals are the values the cells take in the
            consistent tables found by secondary suppression (checked against every
            relation): the true interval contains them, so a requirement they meet
            holds.
    """

    suppressed: frozenset[Any]
    rounded: bool
    published: Mapping[Any, int | None]
    rounded_cells: frozenset[Any] = frozenset()
    primary: frozenset[Any] = frozenset()
    intervals: Mapping[Any, tuple[float, float]] = attrs.field(factory=dict)
    exact: bool = True

    def exposed(self, required: int) -> list[Any]:
        """The suppressed cells that break the requirement: fixed, or primary with a
        largest feasible value below *required* (empty for a protected table)."""
        result = []
        for cell, (low, high) in self.intervals.items():
            if high - low < 1e-6 or (cell in self.primary and high < required - 1e-6):
                result.append(cell)
        return sorted(result, key=repr)


def is_primary(count: int, threshold: int) -> bool:
    """Whether primary suppression hides *count*: 1 to ``threshold − 1`` (a zero never)."""
    return 0 < count < threshold


def round_to(value: int, base: int) -> int:
    """Round *value* to the nearest multiple of *base* (halves up)."""
    return int((Decimal(value) / base).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * base


def protect(
    values: Mapping[Cell, int],
    groups: Sequence[tuple[Cell, Sequence[Cell]] | tuple[Cell, Sequence[Cell], bool]],
    control: DisclosureControl,
    *,
    dimensions: Sequence[Sequence[Sequence[Any]]] | None = None,
    coordinates: Callable[[Cell], Sequence[Any]] | None = None,
    exact_audit: bool = False,
    audit: bool = True,
    free: Collection[Cell] = (),
    known: Collection[Cell] = (),
) -> Protection:
    """Apply *control* to a count table with the relations *groups*.

    Args:
        values: Every cell of the table with its true count.
        groups: Relations ``(total, parts)`` (the total is the sum of the parts) or
            ``(total, parts, exact)`` (with ``exact`` false:
            ``max(parts) ≤ total ≤ sum(parts)``).
        control: The policy.
        dimensions: Optional, for a table that is a product (every cell a tuple of
            coordinates, every combination present, every relation among the values
            of one coordinate with the others fixed): for each coordinate the
            relations among its values, in the form of *groups* (for a table of
            territory × sex: the districts with their municipalities, and
            ``("_T", ["f", "m"])``). Secondary suppression then searches products of
            small balanced changes, one per coordinate, which is much faster on
            large tables (periods with their quarters and months); without it, on
            tables of at most ``PRODUCT_CELLS`` (4,000) cells, or when the cells are
            not such a product, it uses linear programs.
        coordinates: The coordinates of a cell (default: the cell itself, a tuple).
        exact_audit: Audit every block of linked suppressed cells exactly. By
            default only blocks of up to ``AUDIT_LIMIT`` cells are (a year with its
            quarters and months can form one block of 10,000 cells and more, whose
            exact audit takes seconds to a minute); the larger ones keep the
            witnesses' intervals, and
            :attr:`Protection.exact <kommunale_integration.Protection>` says which.
        audit: Run the audit by linear programming at all. With ``False`` the
            intervals are those of the witnesses of secondary suppression (inner
            bounds, ``exact`` false) wherever there are witnesses: they certify the
            protection on their own, and the audit only measures it —
            :func:`compute_indicators` skips it when no audit is kept. Where there
            are none (no secondary cell was needed, or ``secondary`` is off) the
            audit runs anyway.
        free: Cells of *values* that are never published, whatever their value:
            unknown to the attacker, never primary, suppressed from the start at no
            cost, without a witness or an interval of their own (they tie tables
            together: the cases open at the start of a period, between the new and
            the active cases of :func:`compute_indicators`). Only with
            suppression.
        known: Cells of *values* that are never published either, but that the
            attacker is taken to know, from other releases: never primary, never
            suppressed: constants of the witnesses and of the audit, with their
            values in ``Protection.published`` for the caller to leave out
            (the cases open where the periods of a release begin and end, which
            the releases of the periods before and after tell:
            :func:`compute_indicators`). Only with suppression.

    Returns:
        A :class:`Protection` with the suppressed cells, the published value of every
        cell (``None`` where suppressed) and the audit's intervals.

    Raises:
        RuntimeError: In rounding mode, when raising rounded cells cannot keep
            every relation: the counts break their own relations, or (only where
            the relations are no product of coordinates, unlike those of
            :func:`compute_indicators`) no cell can be raised to keep a relation
            among totals. An internal error, never a release.

    .. versionadded:: 0.1.0
    """
    if control.mode == "round":
        return _round(values, groups, control.base)
    from ._protection import audit as audit_lp
    from ._protection import normalise, witness_suppression

    threshold = control.threshold
    unknown, given = frozenset(free), frozenset(known)
    never = unknown | given  # (never primary, and not counted in the table's size)
    primary = {c for c, v in values.items() if is_primary(v, threshold) and c not in never}
    relations = normalise(groups)
    hidden: set[Any] = set(primary)
    witnessed: dict[Any, tuple[float, float]] = {}
    # closed chains at the threshold or above: a witness each, but a cell of no relation
    alone, chained = _alone(values, relations, control, unknown, given)
    if (primary or chained) and control.secondary:
        hidden, witnessed = witness_suppression(
            values,
            relations,
            dict.fromkeys(primary, control.required),
            lower=_LOWER,
            # (the size of the published table: cells never published do not count)
            dimensions=dimensions if len(values) - len(never) > PRODUCT_CELLS else None,
            coordinates=coordinates,
            free=unknown,
            fixed=given,
            threshold=threshold,
            lift=dict.fromkeys(chained, control.required),
        )
    hidden |= unknown | alone
    intervals: dict[Any, tuple[float, float]] = {}
    if hidden - unknown and (audit or not witnessed):
        limit = AUDIT_LIMIT if witnessed and not exact_audit else None
        intervals = audit_lp(values, relations, hidden, lower=_LOWER, limit=limit)
    for cell in unknown:
        intervals.pop(cell, None)
    exact = len(intervals) == len(hidden) - len(unknown)
    for cell in hidden - unknown:
        if cell not in intervals:  # (a cell of no relation has no witness: unbounded)
            intervals[cell] = witnessed.get(cell, (float(_LOWER), math.inf))
    published: dict[Cell, int | None] = dict(values)  # in the order of the cells
    published.update(dict.fromkeys(hidden))
    return Protection(
        frozenset(hidden - unknown),
        False,
        published,
        primary=frozenset(primary),
        intervals=intervals,
        exact=exact,
    )


def _alone(
    values: Mapping[Cell, int],
    relations: Sequence[tuple[Any, Sequence[Any], bool]],
    control: DisclosureControl,
    free: Collection[Cell],
    known: Collection[Cell],
) -> tuple[set[Cell], set[Cell]]:
    """The cells of *closed chains* from ``threshold`` to *required*, suppressed beside
    the primary cells of such chains: those of no relation, and those of a relation.

    A *chain* is a set of cells tied by relations of a single part (a total equal to
    its only part: a Kreis of one Stadt, ``all`` of one Kreis, a count equal to the one
    pattern of events it is in), so every cell of it holds the same value; a cell of
    no relation is a chain of its own. A chain is *closed* when no cell of it that is
    ever published lies in a relation of two or more parts (cells never published,
    *free*, may: the patterns of a family), and none is known to the attacker
    (*known*). An engine suppresses nothing without a primary cell, so a block of
    suppressed cells holds one; a closed chain has no cell beside it that could be 1
    or 2 while it reaches the threshold (no second value among its published cells).
    Were only its 1s and 2s suppressed, its ``*`` would say "1 or 2" to anyone who
    knows that much, and no complementary cell can change it. So such a chain is
    suppressed up to the required value (default: the threshold, 3) — its ``*`` says
    "1 to 3", and the largest value it allows reaches the threshold. Only with
    secondary suppression."""
    threshold, required = control.threshold, control.required
    if threshold < 2 or not control.secondary:
        return set(), set()  # (nothing is primary, or nothing but the primary cells hidden)
    import numpy as np

    from ._protection import _components

    tied: dict[Any, int] = {}  # the cells of relations of a single part, numbered
    ends: list[int] = []  # each such relation's two cells, one after the other
    crowded: set[Any] = set()  # the cells of relations of two or more parts
    for total, parts, _ in relations:
        if len(parts) == 1:
            ends.append(tied.setdefault(total, len(tied)))
            ends.append(tied.setdefault(parts[0], len(tied)))
        else:
            crowded.add(total)
            crowded.update(parts)
    crowded.difference_update(free)  # (a cell never published may be in one)
    pairs = np.array(ends, dtype=np.int64)
    chain_of = _components(len(tied), pairs[0::2], pairs[1::2]).tolist()  # each cell's chain
    shut = {chain_of[i] for c, i in tied.items() if c in crowded or c in known}  # not closed
    chains = [
        c
        for c, v in values.items()
        if threshold <= v <= required
        and c not in crowded
        and c not in known
        and c not in free
        and (c not in tied or chain_of[tied[c]] not in shut)
    ]
    return {c for c in chains if c not in tied}, {c for c in chains if c in tied}


def _round(values: Mapping[Cell, int], groups: Sequence[Sequence[Any]], base: int) -> Protection:
    """Rounding mode: every cell that is the sum of others (the total of an exact
    relation) is published as the sum of its published parts; every other cell is
    rounded to the nearest multiple of *base* (halves up), or to the multiple above
    its count where a distinct-count relation needs it (:func:`_raise_where_needed`
    among the rounded cells; :func:`_raise_below` for a relation among totals, which
    in a product table follows from those among the cells).

    The published table then keeps every relation, the sums and the distinct-count
    inequalities ``max(parts) ≤ total ≤ sum(parts)``: it is itself a table that the
    attacker must consider possible, so a published 0 may be 0, and a cell published
    as a multiple of the base (at least the threshold by default) may be that many.
    Rounding totals on their own would break this (parts 2 and 2 rounded to 0, their
    total 4 to 5: both parts hold 1 or 2), and so would rounding a half year and its
    quarters each to the nearest multiple (3 active cases → 5, two quarters of 2 → 0
    and 0: a half year is at most the sum of its quarters, so each holds 1 or 2). Every
    cell is marked ``rounded``, a true 0 included: were zeros marked apart, a 0 with
    the status ``rounded`` would say "one or two people".

    Raises:
        RuntimeError: When raising cells cannot keep every relation (see
            :func:`protect`): an internal error, never a release.
    """
    sums: dict[Any, Sequence[Any]] = {}
    bounds: list[tuple[Any, Sequence[Any]]] = []  # max(parts) ≤ total ≤ sum(parts)
    for group in groups:
        if len(group) < 3 or group[2]:
            sums.setdefault(group[0], group[1])
        else:
            bounds.append((group[0], group[1]))
    rounded = {c: round_to(v, base) for c, v in values.items() if c not in sums}
    among = [(t, parts) for t, parts in bounds if t in rounded and all(p in rounded for p in parts)]
    while True:
        _raise_where_needed(values, rounded, among, base)
        published = _add_up(values, rounded, sums)
        # among totals the relations follow from those among cells where the table is
        # a product (period × territory × breakdowns); elsewhere raise a cell below
        for total, parts in bounds:
            shown = [published[p] for p in parts]
            if not max(shown, default=0) <= published[total] <= sum(shown):
                _raise_below(values, rounded, sums, (total, parts), published=published, base=base)
                break
        else:
            return Protection(frozenset(), True, dict(published), frozenset(values))


def _add_up(
    values: Mapping[Any, int], rounded: Mapping[Any, int], sums: Mapping[Any, Sequence[Any]]
) -> dict[Any, int]:
    """Every cell's published value: rounded, or the sum of its published parts."""
    published = dict(rounded)

    def value(cell: Any) -> int:
        found = published.get(cell)
        if found is None:
            found = published[cell] = sum(map(value, sums[cell]))
        return found

    for cell in values:
        value(cell)
    return published


def _raise_below(
    values: Mapping[Any, int],
    rounded: dict[Any, int],
    sums: Mapping[Any, Sequence[Any]],
    relation: tuple[Any, Sequence[Any]],
    *,
    published: Mapping[Any, int],
    base: int,
) -> None:
    """Raise one rounded cell below a broken relation among totals: a cell that counts
    more often on the side that is too small (the total when a part is above it, the
    parts when the total is above their sum), the one with the largest remainder."""
    memo: dict[Any, Counter[Any]] = {}

    def cells_of(cell: Any) -> Counter[Any]:
        if cell not in sums:
            return Counter({cell: 1})
        found = memo.get(cell)
        if found is None:
            found = memo[cell] = Counter()
            for part in sums[cell]:
                found.update(cells_of(part))
        return found

    total, parts = relation
    above = [p for p in parts if published[p] > published[total]]
    if above:
        more, less = cells_of(total), cells_of(above[0])
    else:
        more, less = Counter(), cells_of(total)
        for part in parts:
            more.update(cells_of(part))
    candidates = [c for c in more if more[c] > less[c] and rounded[c] < values[c]]
    if not candidates:
        raise RuntimeError(f"rounding cannot keep the relation of {total!r} and {parts!r}")
    rounded[max(candidates, key=lambda c: values[c] - rounded[c])] += base


def _raise_where_needed(
    values: Mapping[Any, int],
    rounded: dict[Any, int],
    relations: Sequence[tuple[Any, Sequence[Any]]],
    base: int,
) -> None:
    """Raise rounded cells (in place) until every relation ``max(parts) ≤ total ≤
    sum(parts)`` among them holds, each cell at most once: from its nearest multiple
    of *base* below its count to the multiple above (as controlled rounding rounds a
    cell to one of its two neighbouring multiples).

    A relation whose total exceeds the sum of its parts raises the part with the
    largest remainder (the one closest to being rounded up; the first of them on a
    tie); a part above its total raises the total. Rounding up every count keeps
    every relation (``max(parts) ≤ total ≤ sum(parts)`` between the true counts
    carries over to the multiples above them), so a broken relation always has a cell
    left to raise, and the loop ends, each cell being raised once at most. The order
    is that of *relations*: the same table and relations give the same result.
    """
    touching: dict[Any, list[int]] = {}
    for r, (total, parts) in enumerate(relations):
        for cell in (total, *parts):
            touching.setdefault(cell, []).append(r)
    queue = deque(range(len(relations)))
    waiting = set(queue)

    def lift(cell: Any) -> None:
        if rounded[cell] >= values[cell]:  # already at (or above) its count
            raise RuntimeError(f"the count of {cell!r} breaks its own relations")
        rounded[cell] += base
        for r in touching[cell]:
            if r not in waiting:
                waiting.add(r)
                queue.append(r)

    while queue:
        r = queue.popleft()
        waiting.discard(r)
        total, parts = relations[r]
        if any(rounded[p] > rounded[total] for p in parts):
            lift(total)
        while rounded[total] > sum(rounded[p] for p in parts):
            # (without parts the total itself, which then breaks its relation)
            lift(max(parts, key=lambda p: values[p] - rounded[p], default=total))


PRODUCT_CELLS = 4_000
"""Tables with *dimensions* and more cells than this are protected by the product
search; smaller ones by linear programs, which suppress fewer cells (on the table of
issue 13, one year by municipality × sex, 1,764 cells: 43.9–47.3 % of the non-zero
cells against 48.5–51.4 % by products, ``benchmarks/disclosure.py``) and are fast
there."""

AUDIT_LIMIT = 2_000
"""Without ``exact_audit``, blocks of linked suppressed cells up to this size get the
exact audit; larger ones the intervals of the witnesses (inner bounds). On the
one-period table of issue 13 (blocks of up to 500 cells) the exact audit takes about
0.05 s; a block of 10,000 cells of a year with its quarters and months 5–30 s, at
1,000,000 cases about a minute (``docs/data-protection.rst``, "Audit")."""


_LOWER = 0
"""The attacker's lower bound of a suppressed cell: 0, because a zero may be suppressed
as a secondary cell (secondary suppression uses zeros where they are cheapest)."""


@attrs.frozen(kw_only=True)
class AuditCell:
    """One suppressed count with its true value and its feasibility interval
    (Prüfprotokoll der Geheimhaltung) — **internal**: it holds the true value.

    Kept in :attr:`IndicatorTable.audit` when :func:`compute_indicators` is called
    with ``audit=True``; the command line writes it with ``indicators --audit FILE``.

    Attributes:
        indicator: Indicator code.
        period: The period.
        territory: Territory key.
        dims: ``(dimension, value)`` pairs (``_T`` for a total).
        value: The true count.
        primary: Whether it is a primary cell (1 to ``threshold − 1``); else secondary.
        low: The smallest value consistent with everything published.
        high: The largest value consistent with everything published (``inf`` when
            nothing bounds it).
        exact: Whether the interval is the exact audit's (else the inner bound of
            the witnesses, see :attr:`Protection.exact`).
        required: The value that the largest feasible value of a primary cell must
            reach (:attr:`DisclosureControl.required`).

    .. versionadded:: 0.1.0
    """

    indicator: str
    period: Any
    territory: str
    dims: tuple[tuple[str, str], ...]
    value: int
    primary: bool
    low: float
    high: float
    exact: bool
    required: int

    @property
    def exposed(self) -> bool:
        """Whether the cell breaks the requirement: fixed, or primary with a largest
        feasible value below :attr:`required`."""
        return self.high - self.low < 1e-6 or (self.primary and self.high < self.required - 1e-6)
