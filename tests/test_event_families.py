"""Counts of overlapping events (``_engine/_families.py``): which counts form a family,
the patterns a case can make among them, and the cases of each pattern.

The cases of each pattern are checked against a brute-force count, one case at a
time, straight from the definition (a case is in the counts whose events it has in
the period), without the engine's counter, buckets or inclusion–exclusion.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunale_integration import CaseCount, CaseCountKind, CaseData, CaseFilter
from kommunale_integration._engine import compute
from kommunale_integration._engine._families import (
    event_families,
    over_time,
    pattern_counts,
    patterns,
)

AGS = ["05558004", "05558008", "05566012"]
EVENTS = ("a", "b", "c", "d")


def events(*names: str, filters: tuple[CaseFilter, ...] = ()) -> CaseCount:
    return CaseCount(count=CaseCountKind.EVENTS, events=names, filters=filters)


def test_a_family_is_a_connected_group_of_overlapping_sets_with_the_same_filters() -> None:
    placements, employment, training = events("e", "t"), events("e"), events("t")
    others = [events("x"), CaseCount(count=CaseCountKind.ACTIVE)]
    # employment and training share no event, but both share one with placements
    found = event_families([training, *others, employment, placements])
    assert found == [(employment, placements, training)]
    assert event_families([placements, employment, training]) == found  # any order
    # disjoint sets are no family; one count is none
    assert event_families([employment, training]) == []
    assert event_families([placements]) == []
    # a count given twice is one count
    assert event_families([employment, employment]) == []
    # two families side by side, sorted
    assert event_families([events("x", "y"), events("y"), employment, placements]) == [
        (employment, placements),
        (events("x", "y"), events("y")),
    ]


def test_counts_with_different_filters_are_not_one_family() -> None:
    women = (CaseFilter(attribute="legal_basis", values=("SGB II",)),)
    men = (CaseFilter(attribute="legal_basis", values=("AsylbLG",)),)
    assert event_families([events("e", "t", filters=women), events("e", filters=men)]) == []
    assert event_families([events("e", "t", filters=women), events("e")]) == []
    # the same filters, written otherwise (the order of filters and values, one
    # attribute twice: a case must pass both), are the same definition
    both = (
        CaseFilter(attribute="sex", values=("f", "m")),
        CaseFilter(attribute="legal_basis", values=("SGB II",)),
    )
    same = (
        CaseFilter(attribute="legal_basis", values=("SGB II", "AsylbLG")),
        CaseFilter(attribute="sex", values=("m", "f")),
        CaseFilter(attribute="legal_basis", values=("SGB II",)),
    )
    assert len(event_families([events("e", "t", filters=both), events("e", filters=same)])) == 1


def test_the_patterns_are_those_a_case_can_make() -> None:
    # placements (e or t), employment (e), training (t): employment alone is no pattern
    assert patterns([["e", "t"], ["e"], ["t"]]) == (
        frozenset({0, 1}),  # employment only: placements and employment
        frozenset({0, 2}),  # training only
        frozenset({0, 1, 2}),  # both
    )
    assert patterns([["a", "b"], ["b", "c"]]) == (
        frozenset({0}),
        frozenset({1}),
        frozenset({0, 1}),
    )
    # three single events and their union: every combination of the three with it
    found = patterns([["a", "b", "c"], ["a"], ["b"], ["c"]])
    assert len(found) == 7
    assert all(0 in pattern for pattern in found)


def brute_force(
    data: CaseData, rows: list[dict[str, Any]], ev: list[dict[str, Any]], layout: Any, sets: Any
) -> dict[frozenset[int], list[int]]:
    """Per pattern, the cases in each cell of *layout*, one case at a time."""
    found: dict[frozenset[int], list[int]] = {}
    had: dict[str, list[tuple[str, date]]] = {}
    for event in ev:
        had.setdefault(event["case_id"], []).append((event["event"], event["date"]))
    cells = layout.cell_list()
    position = {cell: i for i, cell in enumerate(cells)}
    tally: Counter[tuple[frozenset[int], int]] = Counter()
    for row in rows:
        for p, period in enumerate(layout.periods):
            kinds = {
                e for e, day in had.get(row["case_id"], []) if period.start <= day <= period.end
            }
            pattern = frozenset(i for i, own in enumerate(sets) if kinds & set(own))
            if not pattern:
                continue
            for territory in layout.chains[row["municipality"]]:
                for combo in layout.combos:
                    if combo[0] in ("_T", row["sex"]):
                        tally[(pattern, position[(p, territory, combo)])] += 1
    for (pattern, i), n in tally.items():
        found.setdefault(pattern, [0] * len(cells))[i] += n
    return found


def exports(seed: int, n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    rows, ev = [], []
    for i in range(n):
        opened = date(2025, 1, 1).toordinal() + rng.randrange(300)
        rows.append(
            {
                "case_id": f"c{i}",
                "municipality": rng.choice(AGS),
                "opened": date.fromordinal(opened),
                "sex": rng.choice("fm"),
            }
        )
        for _ in range(rng.randrange(4)):
            day = date.fromordinal(date(2025, 1, 1).toordinal() + rng.randrange(365))
            ev.append({"case_id": f"c{i}", "event": rng.choice(EVENTS), "date": day})
    return rows, ev


def family_values(
    data: CaseData, sets: list[tuple[str, ...]]
) -> tuple[Any, list[Any], tuple[frozenset[int], ...]]:
    """The layout (2025 with quarters and months by sex), and the engine's values of
    the family's counts and patterns (:meth:`compute._Counts._job`)."""
    periods = compute.expand_periods(["2025"], include_subperiods=True)
    layout = compute._Layout(
        periods, data.dimensions["municipality"][1], None, compute._dimensions(["sex"], data)
    )
    counts = compute._Counts(data, layout, ["sex"])
    family = tuple(events(*own) for own in sets)
    counts.family.update(dict.fromkeys(family, family))
    raws, found = counts._job(family)
    return layout, raws, found


@pytest.mark.parametrize("numpy", [True, False])
@pytest.mark.parametrize(
    "sets",
    [
        [("a", "b"), ("a",), ("b",)],
        [("a", "b"), ("b", "c"), ("c", "d")],
        [("a", "b", "c"), ("a",), ("b",), ("c",)],
        [("a", "b"), ("a", "b", "c")],
    ],
)
def test_the_cases_of_each_pattern_are_those_of_a_brute_force_count(
    monkeypatch: pytest.MonkeyPatch, numpy: bool, sets: list[tuple[str, ...]]
) -> None:
    monkeypatch.setattr(compute, "_NUMPY", numpy)
    rows, ev = exports(11, 150)
    data = CaseData.from_records(rows, ev)
    layout, raws, found = family_values(data, sets)
    expected = brute_force(data, rows, ev, layout, sets)
    k = len(sets)
    assert set(expected) <= set(found)  # every pattern the data make is a pattern
    for pattern, values in zip(found, raws[k:], strict=True):
        assert values == expected.get(pattern, [0] * len(values)), sorted(pattern)
    # and each count is the sum of its patterns
    for i in range(k):
        mine = [v for p, v in zip(found, raws[k:], strict=True) if i in p]
        assert raws[i] == [sum(col) for col in zip(*mine, strict=True)]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(0, 40),
    sets=st.lists(
        st.sets(st.sampled_from(EVENTS), min_size=1).map(lambda s: tuple(sorted(s))),
        min_size=2,
        max_size=4,
        unique=True,
    ),
)
def test_pattern_counts_hold_for_any_cases_and_sets(
    seed: int, n: int, sets: list[tuple[str, ...]]
) -> None:
    rows, ev = exports(seed, n)
    data = CaseData.from_records(rows, ev)
    layout, raws, found = family_values(data, sets)
    expected = brute_force(data, rows, ev, layout, sets)
    for pattern, values in zip(found, raws[len(sets) :], strict=True):
        assert values == expected.get(pattern, [0] * len(values))


def test_cases_of_a_pattern_no_case_can_make_are_an_internal_error() -> None:
    """The check of :func:`pattern_counts` on what the counter gives: a counter that
    counts a case of employment without placements is refused."""
    sets = [("e", "t"), ("e",)]
    found = patterns(sets)
    good = {("e", "t"): [3], ("e",): [2], ("t",): [1]}
    assert pattern_counts(sets, found, lambda e: good[e]) == [[1], [2]]
    broken = {("e", "t"): [3], ("e",): [4], ("t",): [1]}  # employment above placements
    with pytest.raises(RuntimeError, match="do not add up"):
        pattern_counts(sets, found, lambda e: broken[e])


def test_the_sets_of_patterns_bounded_over_time_are_those_no_count_bounds() -> None:
    """Placements (e or t), employment, training: the cases with both in a month are
    at most those with both in the year (up: "both" alone); the cases with
    employment alone in the year at most the sum over the months of those with
    employment alone (down: each single event's pattern alone). The patterns
    containing employment alone are employment's (its own relation over time), and
    those within "both" are all of placements': left out."""
    found = patterns([["e", "t"], ["e"], ["t"]])
    assert over_time(found, 3) == ([frozenset({2})], [frozenset({0}), frozenset({1})])
    # three single events beside their union: sums of patterns that no count is
    found = patterns([["a", "b", "c"], ["a"], ["b"], ["c"]])
    up, down = over_time(found, 4)
    both = found.index(frozenset({0, 1, 2}))  # a and b, not c
    assert frozenset(q for q, p in enumerate(found) if p >= found[both]) in up
    assert frozenset(q for q, p in enumerate(found) if p <= found[both]) in down
    # (up: the three pairs and all three; down: each event alone and the three pairs)
    assert sorted(map(len, up)) == [1, 2, 2, 2]
    assert sorted(map(len, down)) == [1, 1, 1, 3, 3, 3]
    # a or b, and a, b or c: the cases with c alone in the year had c alone in some
    # month (the union less a or b: no count); nothing up (the patterns containing
    # "c alone" are those of the union, those containing "a or b" those of a or b)
    assert over_time(patterns([["a", "b"], ["a", "b", "c"]]), 2) == ([], [frozenset({0})])


@pytest.mark.parametrize(
    "sets", [[("a", "b"), ("a",), ("b",)], [("a", "b", "c"), ("a",), ("b",), ("c",)]]
)
def test_the_family_table_holds_in_the_true_table_with_its_relations_over_time(
    sets: list[tuple[str, ...]],
) -> None:
    """Every relation of the one table of a family holds between the true values:
    the counts' sums over territories and sexes, their distinct-count relations over
    time, each count (and each sum of patterns) the sum of its patterns, every series
    adding up over territories and sexes, and the patterns' one-sided relations over
    time (:func:`over_time`). A case of employment in January and of training in
    April is of the pattern "employment" in the first quarter, "training" in the
    second and "both" in the year: no relation of the patterns over time is exact.
    Every relation the attacker knows of the patterns over time is there: for each
    pattern *A* and each period with its sub-periods of one kind, the sum of the
    patterns containing *A* (up) and of those within *A* (down) — a count's own
    relation where they are its patterns."""
    rows, ev = exports(3, 120)
    rows.append({"case_id": "x", "municipality": AGS[0], "opened": date(2025, 1, 1), "sex": "f"})
    ev += [
        {"case_id": "x", "event": "a", "date": date(2025, 1, 15)},
        {"case_id": "x", "event": "b", "date": date(2025, 4, 15)},
    ]
    data = CaseData.from_records(rows, ev)
    layout, raws, found = family_values(data, sets)
    k, size = len(sets), len(layout.cell_list())
    keys, values, groups, dimensions, unknown = compute._family_table(
        layout, raws[:k], found, raws[k:]
    )
    assert unknown == k * size
    assert len(keys) == len(values) == len(set(keys))
    true = dict(zip(keys, values, strict=True))
    for total, parts, exact in groups:
        shown = [true[p] for p in parts]
        if exact:
            assert true[total] == sum(shown), (total, parts)
        else:
            assert max(shown) <= true[total] <= sum(shown), (total, parts)
    # the case x: employment only in Q1, training only in Q2, both in the year
    period = {str(p): i for i, p in enumerate(layout.periods)}
    both = found.index(frozenset({0, 1, 2}))  # (a, b and their union; k = 4: not c)
    assert true[((k + both, period["2025"]), AGS[0], ("f",))] >= 1
    # no exact relation ties a series at a period to the same series at its
    # sub-periods (only the sums over sub-periods, heads (j, period, split), are
    # exact sums of sub-periods)
    for total, parts, exact in groups:
        if exact and len(total[0]) == 2:
            assert {p[0][1] for p in parts} <= {total[0][1]}, (total, parts)
    # the relations over time of the table, at each territory and combination: each
    # set of patterns that the attacker bounds over time is a count's or bounded here
    up, down = over_time(found, k)
    assert up
    assert down
    own = [frozenset(q for q, p in enumerate(found) if j in p) for j in range(k)]
    for a in found:
        assert frozenset(q for q, b in enumerate(found) if b >= a) in (*own, *up)
        assert frozenset(q for q, b in enumerate(found) if b <= a) in (*own, *down)
    # the series of each set: its pattern, or the sum series with its true values
    n = len(keys) // size  # (at least: the sums over sub-periods come after)
    holder = {}
    for s in (*up, *down):
        mine = [sum(values[(k + q) * size + i] for q in s) for i in range(size)]
        holder[s] = (
            k + min(s)
            if len(s) == 1
            else next(
                j for j in range(k + len(found), n) if values[j * size : (j + 1) * size] == mine
            )
        )
    relations = {(total, tuple(parts), exact) for total, parts, exact in groups}
    # the year with its months is implied by the year with its quarters and each
    # quarter with its months (one-sided relations chain): left out
    splits = compute._unchained(layout._subperiods())
    assert len(splits) == len(layout._subperiods()) - 1 == 5
    assert all(len(subs) < 12 for _, subs in splits)
    for m, (p, subs) in enumerate(splits):
        for t, combo in itertools.product(layout.territories, layout.combos):
            for s in up:
                whole = ((holder[s], p), t, combo)
                parts = (*(((holder[s], x), t, combo) for x in subs), whole)
                assert (whole, parts, False) in relations
            for s in down:
                summed = ((holder[s], p, m), t, combo)
                parts = tuple(((holder[s], x), t, combo) for x in subs)
                assert (summed, parts, True) in relations
                assert (summed, (((holder[s], p), t, combo), summed), False) in relations
    # the dimensions: the relations of the period coordinate, in the product
    heads = {key[0] for key in keys}
    (periods, *rest) = dimensions
    assert all(t in heads and set(p) <= heads for t, p, _ in periods)
    assert {(key[0], key[1], key[2]) for key in keys} == {
        (h, t, c) for h in heads for t in layout.territories for c in layout.combos
    }
    # each count the sum of the patterns it is in, at each period
    within = {(t, tuple(ps)) for t, ps, exact in periods if exact}
    for p in range(len(layout.periods)):
        for j in range(k):
            mine = tuple((k + q, p) for q, pattern in enumerate(found) if j in pattern)
            assert ((j, p), mine) in within
    assert rest == layout.dimensions(True)[1:]


def test_a_split_that_a_chain_of_splits_implies_is_left_out() -> None:
    """A year (0) with its halves (1, 2) and its quarters (3 to 6), each half with
    its quarters: the year with its quarters is implied (one-sided relations chain
    through the halves); without the second half's split it is not."""
    splits = [(0, [1, 2]), (0, [3, 4, 5, 6]), (1, [3, 4]), (2, [5, 6])]
    assert compute._unchained(splits) == [(0, [1, 2]), (1, [3, 4]), (2, [5, 6])]
    assert compute._unchained(splits[:3]) == splits[:3]
