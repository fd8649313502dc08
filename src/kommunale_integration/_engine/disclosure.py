"""Statistical disclosure control (statistische Geheimhaltung) for count tables.

A count table is a mapping of cells to non-negative integers together with its
*relations*: groups ``(total, parts)`` where the total equals the sum of the parts
(a district and its municipalities, a ``_T`` cell and its dimension values, a year and
its quarters for additive counts). Protection works in three steps:

1. **Primary suppression**: counts from 1 to ``threshold - 1`` are suppressed; zeros
   stay published.
2. **Secondary suppression**: while some relation has exactly one suppressed cell,
   the smallest non-zero published cell of that relation is suppressed as well (parts
   before the total; a suppressed cell among zeros therefore takes its total with it).
3. **Audit**: the system of all relations is solved exactly (modular Gaussian
   elimination) for the suppressed cells; a suppressed cell whose value is still
   uniquely determined by the published cells (for example through a chain of
   relations) gets one more complementary suppression, and steps 2–3 repeat.

In rounding mode every non-zero count is rounded to a multiple of the base instead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypeVar

import attrs

from .._errors import InvalidValueError

__all__ = ["DisclosureControl", "Protection", "determined_cells", "protect"]

Cell = TypeVar("Cell", bound=Hashable)

_PRIME = (1 << 61) - 1


def _check_threshold(_inst: object, _attr: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidValueError("threshold", f"expected a whole number ≥ 0, got {value!r}")


def _check_mode(_inst: object, _attr: attrs.Attribute[str], value: str) -> None:
    if value not in ("suppress", "round"):
        raise InvalidValueError("mode", f"expected 'suppress' or 'round', got {value!r}")


def _check_base(_inst: object, _attr: attrs.Attribute[int], value: int) -> None:
    if value not in (5, 10):
        raise InvalidValueError("base", f"expected 5 or 10, got {value!r}")


@attrs.frozen(kw_only=True)
class DisclosureControl:
    """The disclosure-control policy of a computation (Geheimhaltungsregel).

    On by default in :func:`compute_indicators`; pass ``disclosure=None`` only for
    internal use (the result is then marked *internal* in every output).

    Attributes:
        threshold: Counts from 1 to ``threshold - 1`` are suppressed (default 3: 1 and
            2 are suppressed, as the Bundesagentur für Arbeit does); zeros stay.
        mode: ``"suppress"`` (default) or ``"round"`` (round every count to a multiple
            of ``base`` instead of suppressing).
        base: The rounding base, 5 or 10.
        secondary: Apply secondary suppression (default ``True``). Without it a
            suppressed cell can often be recovered from totals; turn it off only for
            tables that are never published with their totals.

    An indicator's own :class:`Confidentiality` can make the rule stricter: the larger
    threshold applies, and an indicator with ``rounding`` is rounded.

    .. versionadded:: 0.1.0
    """

    threshold: int = attrs.field(default=3, validator=_check_threshold)
    mode: Literal["suppress", "round"] = attrs.field(default="suppress", validator=_check_mode)
    base: int = attrs.field(default=5, validator=_check_base)
    secondary: bool = True


@attrs.frozen
class Protection:
    """Result of :func:`protect`: the suppressed cells and the published values."""

    suppressed: frozenset[Any]
    rounded: bool
    published: Mapping[Any, int | None]
    rounded_cells: frozenset[Any] = frozenset()
    """In rounding mode: the cells whose true value is not zero (status ``rounded``)."""


def round_to(value: int, base: int) -> int:
    """Round *value* to the nearest multiple of *base* (halves up)."""
    return int((Decimal(value) / base).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * base


def protect(
    values: Mapping[Cell, int],
    groups: Sequence[tuple[Cell, Sequence[Cell]]],
    control: DisclosureControl,
    *,
    audited: int | None = None,
) -> Protection:
    """Apply *control* to a count table with the relations *groups*.

    Args:
        values: Every cell of the table with its true count.
        groups: Relations ``(total, parts)``: ``values[total] == sum(values[parts])``.
        control: The policy.
        audited: Only the first *audited* relations take part in the exact audit
            (default: all); every relation takes part in secondary suppression.

    Returns:
        A :class:`Protection` with the suppressed cells and the published value of
        every cell (``None`` where suppressed).

    .. versionadded:: 0.1.0
    """
    if control.mode == "round":
        published: dict[Any, int | None] = {c: round_to(v, control.base) for c, v in values.items()}
        nonzero = frozenset(c for c, v in values.items() if v)
        return Protection(frozenset(), True, published, nonzero)
    threshold = control.threshold
    suppressed: set[Cell] = {c for c, v in values.items() if 0 < v < threshold}
    if suppressed and control.secondary:
        _secondary(values, groups, suppressed, len(groups) if audited is None else audited)
    published = {c: (None if c in suppressed else v) for c, v in values.items()}
    return Protection(frozenset(suppressed), False, published)


def _secondary(
    values: Mapping[Cell, int],
    groups: Sequence[tuple[Cell, Sequence[Cell]]],
    suppressed: set[Cell],
    audited: int,
) -> None:
    member_of: dict[Cell, list[int]] = {}
    for index, (total, parts) in enumerate(groups):
        member_of.setdefault(total, []).append(index)
        for part in parts:
            member_of.setdefault(part, []).append(index)

    def candidate(index: int) -> Cell | None:
        total, parts = groups[index]
        best: tuple[int, int, str] | None = None
        chosen: Cell | None = None
        for cell in (*parts, total):
            if cell in suppressed:
                continue
            value = values[cell]
            if value <= 0:
                continue
            key = (value, int(cell == total), repr(cell))
            if best is None or key < best:
                best, chosen = key, cell
        return chosen

    def nearest_candidate(cell: Cell) -> Cell | None:
        """The smallest complement in the relations of *cell*, or — when all of them
        are exhausted — in the relations of the hidden cells linked to it, nearest
        first."""
        seen = {cell}
        frontier = [cell]
        while frontier:
            groups_here = {g for c in frontier for g in member_of.get(c, ())}
            options = [c for g in groups_here if (c := candidate(g)) is not None]
            if options:
                return min(options, key=lambda c: (values[c], repr(c)))
            frontier = []
            for g in sorted(groups_here):
                total, parts = groups[g]
                for c in (total, *parts):
                    if c in suppressed and c not in seen:
                        seen.add(c)
                        frontier.append(c)
        return None

    queue: deque[int] = deque(sorted({g for c in suppressed for g in member_of.get(c, ())}))
    dirty: set[Cell] = set(suppressed)
    while True:
        while queue:
            index = queue.popleft()
            total, parts = groups[index]
            hidden = sum(1 for c in (total, *parts) if c in suppressed)
            if hidden != 1:
                continue
            extra = candidate(index)
            if extra is None:
                continue
            suppressed.add(extra)
            dirty.add(extra)
            queue.extend(member_of.get(extra, ()))
        leaks = determined_cells(groups, suppressed, member_of, seeds=dirty, audited=audited)
        dirty = set()
        added = False
        for cell in sorted(leaks, key=repr):
            extra = nearest_candidate(cell)
            if extra is not None and extra not in suppressed:
                suppressed.add(extra)
                dirty.add(extra)
                queue.extend(member_of.get(extra, ()))
                added = True
        if not added:
            return


def determined_cells(
    groups: Sequence[tuple[Cell, Sequence[Cell]]],
    hidden: set[Cell] | frozenset[Cell],
    member_of: Mapping[Cell, Sequence[int]] | None = None,
    *,
    seeds: Iterable[Cell] | None = None,
    audited: int | None = None,
) -> set[Cell]:
    """The hidden cells whose value follows from the published cells and *groups*.

    Each relation ``total = sum(parts)`` is a linear equation; the published cells are
    known. A hidden cell is *determined* when every solution of the equations gives it
    the same value — then it can be recovered by differencing, however long the chain.
    Solved exactly by Gauss–Jordan elimination modulo a 61-bit prime per connected
    component (a spurious result can only over-report, never miss a determined cell,
    except with negligible probability).

    Args:
        groups: The relations ``(total, parts)``.
        hidden: The suppressed cells.
        member_of: Cell → indices of its relations (built when not given).
        seeds: Only examine the components that contain one of these cells.
        audited: Only the first *audited* relations are used.

    .. versionadded:: 0.1.0
    """
    limit = len(groups) if audited is None else audited
    if member_of is None:
        built: dict[Cell, list[int]] = {}
        for index, (total, parts) in enumerate(groups):
            for cell in (total, *parts):
                built.setdefault(cell, []).append(index)
        member_of = built
    if seeds is None:
        chosen: set[Cell] = set(hidden)
    else:
        # the components of the seeds: hidden cells linked through relations
        chosen = {c for c in seeds if c in hidden}
        stack = list(chosen)
        while stack:
            cell = stack.pop()
            for index in member_of.get(cell, ()):
                if index >= limit:
                    continue
                total, parts = groups[index]
                for other in (total, *parts):
                    if other in hidden and other not in chosen:
                        chosen.add(other)
                        stack.append(other)
    variables = {c: i for i, c in enumerate(sorted(chosen, key=repr))}
    cells = list(variables)
    equations: list[dict[int, int]] = []
    seen: set[int] = set()
    for cell in cells:
        for index in member_of.get(cell, ()):
            if index in seen or index >= limit:
                continue
            seen.add(index)
            total, parts = groups[index]
            row: dict[int, int] = {}
            if total in variables:
                row[variables[total]] = 1
            for part in parts:
                if part in variables:
                    var = variables[part]
                    row[var] = (row.get(var, 0) - 1) % _PRIME
                    if row[var] == 0:
                        del row[var]
            if row:
                equations.append(row)
    # connected components of variables through equations
    parent = list(range(len(cells)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in equations:
        head, *tail = row
        for var in tail:
            a, b = find(head), find(var)
            if a != b:
                parent[a] = b
    by_component: dict[int, list[dict[int, int]]] = {}
    for row in equations:
        by_component.setdefault(find(next(iter(row))), []).append(row)
    result: set[Cell] = set()
    for rows in by_component.values():
        for var in _determined(rows):
            result.add(cells[var])
    return result


def _determined(rows: list[dict[int, int]]) -> list[int]:
    """Variables fixed by the equations *rows* (coefficients mod the prime)."""
    pivots: dict[int, dict[int, int]] = {}  # pivot variable -> fully reduced row
    occurs: dict[int, set[int]] = {}  # variable -> pivot variables whose rows contain it
    p = _PRIME
    for original in rows:
        row = dict(original)
        for var in [v for v in row if v in pivots]:
            factor = row.get(var)
            if not factor:
                continue
            for v, coef in pivots[var].items():
                new = (row.get(v, 0) - factor * coef) % p
                if new:
                    row[v] = new
                else:
                    row.pop(v, None)
        if not row:
            continue
        pivot = min(row, key=lambda v: (len(occurs.get(v, ())), v))
        lead = row[pivot]
        if lead != 1:
            inverse = 1 if lead == 1 else (p - 1 if lead == p - 1 else pow(lead, p - 2, p))
            row = {v: (c * inverse) % p for v, c in row.items()}
        # eliminate the new pivot from the existing rows (Gauss–Jordan)
        for other in list(occurs.get(pivot, ())):
            target = pivots[other]
            factor = target.get(pivot)
            if not factor:
                continue
            for v, coef in row.items():
                new = (target.get(v, 0) - factor * coef) % p
                if new:
                    if v not in target:
                        occurs.setdefault(v, set()).add(other)
                    target[v] = new
                elif v in target:
                    del target[v]
                    occurs.get(v, set()).discard(other)
        pivots[pivot] = row
        for v in row:
            occurs.setdefault(v, set()).add(pivot)
    return [var for var, row in pivots.items() if len(row) == 1]
