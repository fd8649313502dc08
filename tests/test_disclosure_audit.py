"""The exact audit of disclosure control against an independent attacker.

The audit (``_engine/_protection.py``) computes the feasibility interval of every
suppressed cell with few linear programs: bounds propagated through the relations, a
ray for the cells without an upper bound, linear programs that push many cells at
once, and single programs only for the cells still open. Each shortcut is a proof, so
the intervals must equal those of the plain attacker of ``test_disclosure.py``, which
solves two ``scipy.optimize.linprog`` programs per cell over the dense relations.
"""

from __future__ import annotations

import collections
import itertools
import math
import sys
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunale_integration import CaseData, DisclosureControl, compute_indicators, read_cases
from kommunale_integration._engine import _protection, disclosure, protect
from test_disclosure import LOWER, Relation, attack, exports, tables

ROOT = Path(__file__).resolve().parent.parent


def same(ours: tuple[float, float], theirs: tuple[float, float]) -> bool:
    return all(
        (math.isinf(a) and math.isinf(b)) or abs(a - b) < 1e-6
        for a, b in zip(ours, theirs, strict=True)
    )


@st.composite
def releases(draw: st.DrawFn) -> tuple[dict[Any, int], list[Relation], set[Any]]:
    """A release like one of ``indicators``: territory (``all``, districts,
    municipalities) × breakdown (``_T`` and its values) × period (a year and its
    quarters; sums for new cases, ``max ≤ year ≤ sum`` for distinct counts), true
    counts consistent with every relation, and a random set of suppressed cells."""
    districts = [f"d{d}" for d in range(draw(st.integers(1, 2)))]
    towns = {d: [f"{d}m{m}" for m in range(draw(st.integers(1, 3)))] for d in districts}
    values_of = ["_T", *(f"v{k}" for k in range(draw(st.integers(1, 3))))]
    quarters = [f"Q{q}" for q in range(draw(st.integers(2, 3)))]
    additive = draw(st.booleans())
    small = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 6, 9])
    values: dict[Any, int] = {}
    for town, v in itertools.product(itertools.chain(*towns.values()), values_of[1:]):
        counts = [draw(small) for _ in quarters]
        for q, n in zip(quarters, counts, strict=True):
            values[(q, town, v)] = n
        year = sum(counts) if additive else draw(st.integers(max(counts), sum(counts)))
        values[("Y", town, v)] = year
    periods = ["Y", *quarters]
    for p, d in itertools.product(periods, districts):  # sums over territories and values
        for v in values_of[1:]:
            values[(p, d, v)] = sum(values[(p, t, v)] for t in towns[d])
    for p in periods:
        for v in values_of[1:]:
            values[(p, "all", v)] = sum(values[(p, d, v)] for d in districts)
        for t in ["all", *districts, *itertools.chain(*towns.values())]:
            values[(p, t, "_T")] = sum(values[(p, t, v)] for v in values_of[1:])
    relations: list[Relation] = []
    for p, v in itertools.product(periods, values_of):
        relations.append(((p, "all", v), [(p, d, v) for d in districts], True))
        relations += [((p, d, v), [(p, t, v) for t in towns[d]], True) for d in districts]
    for p, t in {(c[0], c[1]) for c in values}:
        relations.append(((p, t, "_T"), [(p, t, v) for v in values_of[1:]], True))
    for t, v in {(c[1], c[2]) for c in values}:
        relations.append((("Y", t, v), [(q, t, v) for q in quarters], additive))
    share = draw(st.sampled_from([0.3, 0.6, 0.9]))
    flags = draw(st.lists(st.floats(0, 1), min_size=len(values), max_size=len(values)))
    hidden = {c for c, f in zip(sorted(values, key=repr), flags, strict=True) if f < share}
    return values, relations, hidden


@given(releases())
def test_the_audit_equals_the_attacker(release: tuple[dict[Any, int], list[Relation], set[Any]]):
    values, relations, hidden = release
    counts: collections.Counter[str] = collections.Counter()
    ours = _protection.audit(values, relations, hidden, lower=LOWER, counts=counts)
    known = {c: float(v) for c, v in values.items() if c not in hidden}
    theirs = attack(known, hidden, relations)
    assert set(ours) == hidden  # no block left out
    for cell in hidden:
        assert same(ours[cell], theirs[cell]), (cell, values[cell], ours[cell], theirs[cell])
    blocks = _protection._blocks(relations, hidden)
    assert counts["blocks"] == sum(1 for _, own in blocks if own)
    # the propagated bounds are outer bounds: every shortcut starts from a proof
    for cells, own in blocks:
        low, high = _protection._bounds(values, own, cells, LOWER)
        for i, cell in enumerate(cells):
            assert low[i] <= theirs[cell][0] + 1e-6
            assert high[i] >= theirs[cell][1] - 1e-6


@given(tables(), st.data())
def test_the_audit_equals_the_attacker_on_overlapping_sums(
    table: tuple[dict[Any, int], list[Relation]], data: st.DataObject
) -> None:
    """Random sums over overlapping groups of cells, random cells suppressed: bounds
    that propagation cannot reach (three sums pin three cells)."""
    values, relations = table
    hidden = set(data.draw(st.sets(st.sampled_from(sorted(values, key=repr)), min_size=1)))
    ours = _protection.audit(values, relations, hidden, lower=LOWER)
    known = {c: float(v) for c, v in values.items() if c not in hidden}
    theirs = attack(known, hidden, relations)
    assert set(ours) == hidden
    for cell in hidden:
        assert same(ours[cell], theirs[cell]), (cell, values[cell], ours[cell], theirs[cell])


def test_three_sums_pin_three_cells() -> None:
    """a + b = 3, a + c = 3, b + c = 2: a = 2, b = c = 1, which propagating the sums
    one at a time does not see (1 ≤ a ≤ 3, b ≤ 2): single linear programs decide."""
    values = {"s": 3, "t": 3, "u": 2, "a": 2, "b": 1, "c": 1}
    relations: list[Relation] = [("s", ["a", "b"], True), ("t", ["a", "c"], True)]
    relations.append(("u", ["b", "c"], True))
    cells = ["a", "b", "c"]
    low, high = _protection._bounds(values, relations, cells, 0)
    assert (low, high) == ([1.0, 0.0, 0.0], [3.0, 2.0, 2.0])
    found = _protection.audit(values, relations, set(cells), lower=0)
    assert found == {"a": (2.0, 2.0), "b": (1.0, 1.0), "c": (1.0, 1.0)}


def test_a_cell_that_only_the_linear_program_bounds() -> None:
    """``b`` and ``c`` have no propagated upper bound, but t = a + b and a = t + c
    give b + c = 0: the ray of all four cells fails, and the single programs find
    ``t`` and ``a`` unbounded and ``b`` and ``c`` fixed at 0."""
    values = {"t": 5, "a": 5, "b": 0, "c": 0}
    relations: list[Relation] = [("t", ["a", "b"], True), ("a", ["t", "c"], True)]
    cells = sorted(values)
    _low, high = _protection._bounds(values, relations, cells, 0)
    assert all(math.isinf(h) for h in high)
    assert not _protection._ray(relations, cells, [0, 1, 2, 3])
    assert _protection._ray(relations, cells, [0, 3])  # a and t rise together
    counts: collections.Counter[str] = collections.Counter()
    found = _protection.audit(values, relations, set(values), lower=0, counts=counts)
    assert found == {"t": (0.0, math.inf), "a": (0.0, math.inf), "b": (0, 0), "c": (0, 0)}
    assert counts["max"] == 4
    assert counts["unbounded"] == 0


def test_unbounded_cells_are_proved_by_one_ray() -> None:
    """Nothing published above them: the whole hierarchy can grow."""
    values = {"all": 6, "x": 1, "y": 5, "x1": 1, "x2": 0}
    relations: list[Relation] = [("all", ["x", "y"], True), ("x", ["x1", "x2"], False)]
    counts: collections.Counter[str] = collections.Counter()
    found = _protection.audit(values, relations, set(values), lower=0, counts=counts)
    assert all(math.isinf(high) for _, high in found.values())
    assert counts["unbounded"] == 5
    assert counts["max"] == 0


def test_the_audit_says_which_cells_are_exposed() -> None:
    """``AuditCell.exposed`` (counted in the notice of ``indicators --audit``): a cell
    that the release pins down is exposed, primary or secondary, and so is a primary
    cell whose largest value stays below the required value; one that reaches it is
    not, nor is a secondary cell with any room."""
    data = CaseData.from_records(
        [
            {"case_id": f"{town}-{i}", "municipality": town, "opened": "2025-01-01"}
            for town, n in (("05558004", 2), ("05558008", 5))
            for i in range(n)
        ]
    )
    options: dict[str, Any] = {"periods": ["2025"], "indicators": ["active_cases"], "audit": True}
    bare = compute_indicators(cases=data, disclosure=DisclosureControl(secondary=False), **options)
    (pinned,) = bare.audit  # the Kreis's 7 less the other town's 5
    assert (pinned.value, pinned.primary, pinned.low, pinned.high) == (2, True, 2.0, 2.0)
    assert pinned.exposed
    cells = {c.territory: c for c in compute_indicators(cases=data, **options).audit}
    primary, secondary = cells["05558004"], cells["05558008"]
    assert (primary.primary, primary.low, primary.high, primary.required) == (True, 0.0, 7.0, 3)
    assert (secondary.primary, secondary.low, secondary.high) == (False, 0.0, 7.0)
    assert not primary.exposed
    assert not secondary.exposed
    assert not attrs.evolve(primary, high=3.0).exposed  # it can reach the threshold
    assert attrs.evolve(primary, high=2.0).exposed  # "fewer than 3 people"
    assert attrs.evolve(secondary, low=5.0, high=5.0).exposed  # a secondary cell pinned


@given(releases())
def test_protect_audits_every_block_when_asked(
    release: tuple[dict[Any, int], list[Relation], set[Any]],
) -> None:
    """With the size limit lowered to 1, every block of two or more cells is too
    large for the default audit; ``exact_audit=True`` still audits all of them."""
    values, relations, _ = release
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(disclosure, "AUDIT_LIMIT", 1)
        default = protect(values, relations, DisclosureControl())
        full = protect(values, relations, DisclosureControl(), exact_audit=True)
    assert full.suppressed == default.suppressed
    assert full.exact
    hidden = set(full.suppressed)
    known = {c: float(v) for c, v in values.items() if c not in hidden}
    theirs = attack(known, hidden, relations)
    assert set(full.intervals) == hidden
    for cell in hidden:
        assert same(full.intervals[cell], theirs[cell])
    large = any(len(cells) > 1 for cells, _ in _protection._blocks(relations, hidden))
    assert default.exact is not large


@given(releases())
def test_without_the_audit_the_witnesses_give_the_intervals(
    release: tuple[dict[Any, int], list[Relation], set[Any]],
) -> None:
    """``audit=False`` solves no linear program where secondary suppression found
    witnesses: the same cells are suppressed, and the intervals are the witnesses'
    inner bounds (``exact`` false), within the exact intervals and meeting the
    requirement; without secondary suppression (no witnesses) the audit runs all
    the same."""
    values, relations, _ = release
    full = protect(values, relations, DisclosureControl(), exact_audit=True)
    calls: list[Any] = []
    original = _protection.audit

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_protection, "audit", counted)
        quick = protect(values, relations, DisclosureControl(), audit=False)
        alone = protect(values, relations, DisclosureControl(secondary=False), audit=False)
    # without secondary suppression there are no witnesses: the audit runs
    assert len(calls) == (1 if full.primary else 0)
    assert alone.exact
    assert set(alone.intervals) == set(full.primary)
    assert quick.suppressed == full.suppressed
    assert quick.published == full.published
    assert set(quick.intervals) == set(full.suppressed)
    assert quick.exact == (not full.primary)
    assert not quick.exposed(DisclosureControl().required)
    for cell, (low, high) in quick.intervals.items():
        assert full.intervals[cell][0] - 1e-6 <= low <= values[cell] <= high
        assert high <= full.intervals[cell][1] + 1e-6


@pytest.fixture(scope="module")
def synthetic_20000(tmp_path_factory: pytest.TempPathFactory) -> CaseData:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from cases_read import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    cases, events = generate(tmp_path_factory.mktemp("synthetic"), 20_000, seed=2025)
    return read_cases(cases, events)


def test_the_audit_of_a_large_release_is_exact(synthetic_20000: CaseData) -> None:
    """New cases 2025 with quarters and months by sex on 20,000 cases in 400
    municipalities: one block of about 11,000 suppressed cells, which the default
    run leaves to the witnesses (``exact`` false) and ``audit=True`` audits exactly."""
    import kommunale_integration._engine.compute as engine

    protections: list[Any] = []
    inputs: list[Any] = []
    original = engine.protect

    def keep(*args: Any, **kwargs: Any) -> Any:
        inputs.append(args)
        protections.append(original(*args, **kwargs))
        return protections[-1]

    def run(audit: bool) -> Any:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(engine, "protect", keep)
            return compute_indicators(
                cases=synthetic_20000,
                periods=["2025"],
                by=("sex",),
                include_subperiods=True,
                indicators=["new_cases"],
                audit=audit,
            )

    plain = run(False)
    table = run(True)
    default, exact = protections
    assert not default.exact
    assert exact.exact
    assert default.suppressed == exact.suppressed
    assert [r.value for r in plain.rows] == [r.value for r in table.rows]
    assert len(table.audit) == len(exact.suppressed) > 8_000
    assert all(cell.exact for cell in table.audit)
    assert not [cell for cell in table.audit if cell.exposed]
    # the witnesses' inner bounds lie within the exact intervals
    for cell, (low, high) in default.intervals.items():
        assert exact.intervals[cell][0] <= low + 1e-6
        assert high <= exact.intervals[cell][1] + 1e-6
    # a few cells against the attacker: the primary cell with the smallest largest
    # value, the cell with the largest smallest value, the widest finite interval
    values, groups = inputs[1][0], _protection.normalise(inputs[1][1])
    bounded = {c: i for c, i in exact.intervals.items() if not math.isinf(i[1])}
    chosen = {
        min(exact.primary, key=lambda c: (exact.intervals[c][1], repr(c))),
        max(bounded, key=lambda c: (bounded[c][0], repr(c))),
        max(bounded, key=lambda c: (bounded[c][1] - bounded[c][0], repr(c))),
    }
    hidden = set(exact.suppressed)
    known = {c: float(v) for c, v in values.items() if c not in hidden}
    theirs = attack(known, hidden, groups, only=sorted(chosen, key=repr))
    for cell in chosen:
        assert same(exact.intervals[cell], theirs[cell])


def test_the_rows_of_a_relation() -> None:
    """The constraints of a relation over the suppressed cells (the published ones
    taken at their value): a sum gives one equality; a distinct count the sum as an
    upper bound and each part as a lower bound of the total; a coefficient that
    cancels (a total among its own parts) is left out, and a row without a
    suppressed cell is none."""
    inf = math.inf
    values = {"T": 9, "a": 4, "b": 3, "c": 5}
    rows = _protection._rows
    assert list(rows(("T", ["a", "b", "c"], True), {"a": 0, "c": 1}, values)) == [
        ({0: -1.0, 1: -1.0}, -6.0, -6.0)
    ]
    assert list(rows(("T", ["a", "b"], False), {"T": 0, "b": 1}, values)) == [
        ({0: 1.0, 1: -1.0}, -inf, 4.0),
        ({0: 1.0}, 4.0, inf),
        ({0: 1.0, 1: -1.0}, 0.0, inf),
    ]
    assert list(rows(("T", ["a", "b"], False), {"a": 0}, values)) == [
        ({0: -1.0}, -inf, -6.0),
        ({0: -1.0}, -9.0, inf),
    ]
    assert list(rows(("T", ["T", "a"], True), {"T": 0, "a": 1}, values)) == [({1: -1.0}, 0.0, 0.0)]
    assert list(rows(("T", ["T", "a"], False), {"T": 0}, values)) == [({0: 1.0}, 4.0, inf)]
    assert list(rows(("T", ["a", "b"], True), {}, values)) == []


@settings(max_examples=12, deadline=None)
@given(data=exports(), mode=st.sampled_from(["suppress", "round"]), audit=st.booleans())
def test_a_count_protected_by_position_is_the_protection_of_its_cells(
    data: CaseData, mode: str, audit: bool
) -> None:
    """What the engine keeps of a protected count (by the positions of its cells, as
    a worker sends it back) is the :class:`Protection` of its cells: the published
    values, the intervals of the suppressed cells in table order, the primary ones."""
    import kommunale_integration._engine.compute as engine

    protections: list[Any] = []
    counts: list[Any] = []
    protect_cells, protect_count = engine.protect, engine._protect_count
    protect_pair = engine._protect_pair

    def keep(*args: Any, **kwargs: Any) -> Any:
        protections.append(protect_cells(*args, **kwargs))
        return protections[-1]

    def count(layout: Any, *args: Any) -> Any:
        counts.append((layout, protect_count(layout, *args), None))
        return counts[-1][1]

    def pair(layout: Any, *args: Any) -> Any:
        # new and active cases, protected as one table: its cells of each kind
        both = protect_pair(layout, *args)
        counts.append((layout, both[0], "new"))
        protections.append(protections[-1])
        counts.append((layout, both[1], "active"))
        return both

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "protect", keep)
        patch.setattr(engine, "_protect_count", count)
        patch.setattr(engine, "_protect_pair", pair)
        compute_indicators(
            cases=data,
            periods=["2025-Q1"],
            by=("sex",),
            include_subperiods=True,
            disclosure=DisclosureControl(mode=mode),  # type: ignore[arg-type]
            audit=audit,
        )
    assert len(counts) == len(protections) > 0
    for (layout, kept, kind), protection in zip(counts, protections, strict=True):
        cells = layout.cell_list()
        if kind is not None:
            cells = [((kind, p), t, combo) for p, t, combo in cells]
        assert kept.published == [protection.published[c] for c in cells]
        assert list(kept.intervals.items()) == [
            (i, protection.intervals[c]) for i, c in enumerate(cells) if c in protection.intervals
        ]
        assert kept.primary == {i for i, c in enumerate(cells) if c in protection.primary}
        rounded = [c in protection.rounded_cells for c in cells] if protection.rounded else None
        assert kept.rounded == rounded


def _reference_blocks(relations: list[Relation], hidden: set[Any]) -> list[set[Any]]:
    """The blocks of linked suppressed cells, searched breadth first cell by cell."""
    blocks: list[set[Any]] = []
    seen: set[Any] = set()
    for start in sorted(hidden, key=repr):
        if start in seen:
            continue
        block, queue = {start}, [start]
        while queue:
            cell = queue.pop()
            for total, parts, _ in relations:
                members = {total, *parts}
                if cell in members:
                    fresh = (members & hidden) - block
                    block |= fresh
                    queue.extend(fresh)
        seen |= block
        blocks.append(block)
    return blocks


@given(releases(), st.data())
def test_one_computation_of_the_blocks_for_the_audit_and_the_partners(
    release: tuple[dict[Any, int], list[Relation], set[Any]], data: st.DataObject
) -> None:
    """``_linked`` is the one computation of the blocks of linked suppressed cells: the
    audit's (``_blocks``, by cell) and the partner step's (``_Search.explain``, by
    position, some cells of the relations outside the positions) are the blocks of a
    breadth-first search, and each relation belongs to the block of its suppressed
    cells."""
    values, relations, hidden = release
    expected = sorted(map(sorted, _reference_blocks(relations, hidden)), key=repr)
    found = _protection._blocks(relations, hidden)
    assert sorted((cells for cells, _ in found), key=repr) == expected
    for cells, own in found:
        assert own == [r for r in relations if not {r[0], *r[1]}.isdisjoint(cells)]
    # by position: a random part of the cells has none (never suppressed), the
    # others are positions in a random order
    cells = sorted(values, key=repr)
    outside = set(data.draw(st.sets(st.sampled_from(cells))) - hidden)
    inside = data.draw(st.permutations([c for c in cells if c not in outside]))
    column = {c: i for i, c in enumerate(inside)}
    shut = np.array([c in hidden for c in inside], dtype=bool)
    members = _protection._members(relations, inside, column)
    label, first, related = _protection._linked(*members, shut)
    by_label: dict[int, set[Any]] = collections.defaultdict(set)
    for i, c in enumerate(inside):
        if shut[i]:
            by_label[int(label[i])].add(c)
    assert sorted(map(sorted, by_label.values()), key=repr) == expected
    members = {c for r in relations for c in (r[0], *r[1])}
    assert related.tolist() == [c in members for c in inside]
    for r, (total, parts, _) in enumerate(relations):
        linked = [c for c in (total, *parts) if c in hidden]
        assert first[r] == (column[linked[0]] if linked else -1)
