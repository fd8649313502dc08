"""Counts of overlapping events: their families and the cases of each pattern.

``placements`` (cases with an event ``employment_started`` or
``vocational_training_started`` in the period) beside ``employment_starts`` (the first
event alone) and ``training_starts`` (the second) count overlapping sets of cases: a
case with an event of both sets is in both counts. Each count is the sum of the cases
of each *pattern* of counts it is in — the cases whose events in the period put them
in exactly this set of counts (employment only: placements and employment starts;
training only: placements and training starts; both: all three) —, which nobody
publishes. An attacker who knows the definitions (they are public) writes these
relations down (``employment ≤ placements ≤ employment + training``), so such counts
are protected as one table (:func:`~kommunale_integration._engine.compute._protect_family`),
as the new and the active cases of the same cases are.

A *family* is a connected group of counts of events (:data:`CaseCountKind.EVENTS`,
after :func:`~kommunale_integration._engine.compute.protected_count`) with the same
remaining definition (their filters) whose sets of events overlap without being
equal; :func:`event_families` finds them, :func:`patterns` lists the patterns a case
can make among the members, and :func:`pattern_counts` counts the cases of each from
counts of unions of events (the one counter of the engine counts those), exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

from .._model import CaseCount, CaseCountKind

__all__ = ["event_families", "over_time", "pattern_counts", "patterns"]


def _rest(spec: CaseCount) -> tuple[tuple[str, frozenset[str]], ...]:
    """The definition of a count of events without its events: its filters as the
    attacker reads them (a case must pass each; filters on one attribute meet; the
    order of filters and of their values means nothing)."""
    values: dict[str, frozenset[str]] = {}
    for item in spec.filters:
        given = frozenset(item.values)
        values[item.attribute] = values.get(item.attribute, given) & given
    return tuple(sorted(values.items(), key=lambda pair: pair[0]))


def _order(spec: CaseCount) -> tuple[tuple[str, ...], str]:
    return tuple(sorted(set(spec.events))), repr(spec.filters)


def event_families(specs: Iterable[CaseCount]) -> list[tuple[CaseCount, ...]]:
    """The families among the counts *specs*: each connected group (of at least two)
    of counts of events with the same filters whose sets of events share an event
    (placements beside employment starts and training starts: one family of three,
    although employment and training share none). Counts of the same set of events
    are the same count (:func:`~kommunale_integration._engine.compute.protected_count`
    sorts the events) and are given once. The members of a family and the families
    are sorted (by their events, then their filters): the same counts give the same
    families in any order."""
    groups: dict[tuple[tuple[str, frozenset[str]], ...], list[CaseCount]] = {}
    for spec in dict.fromkeys(specs):
        if spec.count is CaseCountKind.EVENTS:
            groups.setdefault(_rest(spec), []).append(spec)
    found: list[tuple[CaseCount, ...]] = []
    for members in groups.values():
        left = sorted(members, key=_order)
        while left:  # the connected groups of overlapping sets
            group, todo = [left[0]], [left[0]]
            while todo:
                one = set(todo.pop().events)
                for other in left:
                    if other not in group and one & set(other.events):
                        group.append(other)
                        todo.append(other)
            left = [spec for spec in left if spec not in group]
            if len(group) > 1:
                found.append(tuple(sorted(group, key=_order)))
    return sorted(found, key=lambda family: [_order(m) for m in family])


def patterns(sets: Sequence[Collection[str]]) -> tuple[frozenset[int], ...]:
    """The patterns a case's events in a period can make among the counts of one
    family (*sets*: each count's events): for each non-empty set of events a case may
    have, the counts (by position in *sets*) it is in. Only those: a pattern that no
    case can make (employment starts without placements) is no cell of the table.
    Sorted by size, then by members."""
    # an event puts a case in the counts of its own signature; several events in the
    # union of theirs: the patterns are the unions of the signatures
    signatures = {
        frozenset(i for i, own in enumerate(sets) if event in own)
        for event in set().union(*map(set, sets))
    }
    found = set(signatures)
    while True:
        more = {a | b for a in found for b in signatures} - found
        if not more:
            break
        found |= more
    return tuple(sorted(found, key=lambda pattern: (len(pattern), sorted(pattern))))


def over_time(
    patterns: Sequence[frozenset[int]], k: int
) -> tuple[list[frozenset[int]], list[frozenset[int]]]:
    """The sets of *patterns* (by position) whose cases the relations over time of a
    family of *k* counts bound, one-sided: ``(up, down)``.

    A case's pattern in a period is the union of its patterns in the sub-periods in
    which it has events. So for each pattern *A*: the cases whose pattern in a
    sub-period contains *A* are among those whose pattern in the period contains
    *A* (both events in March: both in the year) — *up*, the patterns containing
    *A*, a sub-period's at most the period's; and the cases whose pattern in the
    period lies within *A* had such a pattern in at least one sub-period
    (employment alone in the year: employment alone in some month) — *down*, the
    patterns within *A*, the period's at most the sum of the sub-periods'. Nothing
    exact: a case of employment in the first quarter and of training in the second
    has both in the year.

    A set that is the patterns of a count (those containing the pattern of one
    event alone; those within the pattern of all counts: the count of every event)
    is left out: the count's own relation over time, ``max(parts) ≤ total ≤
    sum(parts)``, says both. Each set once, in the order of *patterns*.
    """
    own = [frozenset(q for q, pattern in enumerate(patterns) if j in pattern) for j in range(k)]
    up: list[frozenset[int]] = []
    down: list[frozenset[int]] = []
    for a in patterns:
        above = frozenset(q for q, b in enumerate(patterns) if b >= a)
        below = frozenset(q for q, b in enumerate(patterns) if b <= a)
        if above not in own and above not in up:
            up.append(above)
        if below not in own and below not in down:
            down.append(below)
    return up, down


def pattern_counts(
    sets: Sequence[Collection[str]],
    found: Sequence[frozenset[int]],
    union: Callable[[tuple[str, ...]], Sequence[int]],
) -> list[list[int]]:
    """The cases of each pattern of *found* (:func:`patterns` of *sets*) in each cell,
    from *union*: for a sorted tuple of events, the number of cases with at least one
    of them in each cell's period (a count of events; the same cells each time).

    By inclusion–exclusion, exactly: the cases whose pattern lies within a set *X* of
    counts are those of the family less those with an event of a count outside *X*,
    ``g(X) = union(all events) − union(events of the counts outside X)``, and the
    cases of pattern *T* are ``Σ (−1)^|T − Y| g(Y)`` over the subsets *Y* of *T*
    (Möbius inversion over the subsets, in ``k·2^k`` steps for *k* counts). Each
    union is counted once.

    Raises:
        RuntimeError: a pattern that no case can make has cases, or a count is not
            the sum of its patterns — an internal error (the counter broken), never a
            release.
    """
    k = len(sets)
    full = (1 << k) - 1
    everything = tuple(sorted(set().union(*map(set, sets))))
    counted: dict[tuple[str, ...], Sequence[int]] = {}

    def count(events: tuple[str, ...]) -> Sequence[int]:
        value = counted.get(events)
        if value is None:
            value = counted[events] = union(events)
        return value

    total = count(everything)
    size = len(total)
    zero = [0] * size
    # g[X]: the cases of the family none of whose events is outside the counts of X
    table: list[list[int]] = []
    for x in range(full + 1):
        outside = tuple(sorted(set().union(*(set(sets[i]) for i in range(k) if not x >> i & 1))))
        other = count(outside) if outside else zero
        table.append([a - b for a, b in zip(total, other, strict=True)])
    for i in range(k):  # Möbius inversion: f[T] = Σ (−1)^|T − Y| g[Y]
        bit = 1 << i
        for x in range(full + 1):
            if x & bit:
                below = table[x ^ bit]
                table[x] = [a - b for a, b in zip(table[x], below, strict=True)]
    masks = [sum(1 << i for i in pattern) for pattern in found]
    possible = set(masks)
    if any(any(table[x]) for x in range(1, full + 1) if x not in possible) or any(
        v < 0 for x in masks for v in table[x]
    ):
        raise RuntimeError("the cases of the patterns of a family do not add up")
    result = [table[x] for x in masks]
    for i, own in enumerate(sets):
        members = [row for row, pattern in zip(result, found, strict=True) if i in pattern]
        if [sum(column) for column in zip(*members, strict=True)] != list(
            count(tuple(sorted(set(own))))
        ):
            raise RuntimeError("a count of a family is not the sum of its patterns")
    return result
