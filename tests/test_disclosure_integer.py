"""Disclosure control against the attacker who knows that counts are whole numbers.

The linear-programming attacker (``tests/release_attacker.py``) reasons over tables of
real numbers. Counts are whole numbers, and an attacker who uses it (a mixed-integer
program: the same relations, every cell a whole number) can know more: a cell whose
largest value over real tables is 10/3 may be at most 2 over whole numbers, and a cell
that moves from 3 to 3.25 over real tables may be fixed at 3. The engine therefore
proves protection with witnesses of whole numbers (``_DeltaSystem.witness``), and its
certificate refuses a fractional one. These tests attack protected tables with the
integer mode of the independent attacker (:func:`release_attacker.attack_suppression`
with ``integral=True``, ``scipy.optimize.milp``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from kommunale_integration import DisclosureControl
from kommunale_integration._engine import _protection, protect
from release_attacker import Verdict, attack_suppression
from test_disclosure import cube_table, cubes, tables

THRESHOLD = 3
Relation = tuple[Hashable, Sequence[Hashable], bool]

# a (a primary 1) and b add up to s; d is a distinct count over b and s (between the
# larger and the sum); T adds a, b, s and d. With T published, 2·s + d = 10 and
# s ≤ d ≤ b + s, so a = s − b ≤ 10/3 over real numbers, but s ≤ 3 and a ≤ 2 over whole
# numbers (s = 3, d = 4 exactly).
VALUES = {"a": 1, "b": 2, "s": 3, "d": 4, "T": 10}
RELATIONS: list[Relation] = [
    ("s", ["a", "b"], True),
    ("d", ["b", "s"], False),
    ("T", ["a", "b", "s", "d"], True),
]


def attack(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    hidden: set[Hashable],
    *,
    integral: bool,
) -> dict[Any, Verdict]:
    """The attacker's verdict on every hidden cell (a suppressed cell is at least 0)."""
    cells = {
        c: (None, "suppressed") if c in hidden else (float(v), "published")
        for c, v in values.items()
    }
    found = [(t, list(p), e) for t, p, e in relations]
    return attack_suppression(cells, found, THRESHOLD, 0.0, integral=integral)


def exposed(
    values: Mapping[Hashable, int], relations: Sequence[Relation], hidden: set[Hashable]
) -> list[tuple[Hashable, Verdict]]:
    """The hidden cells the integer attacker fixes or bounds below the threshold (a
    primary cell or a suppressed zero: he cannot tell it from a 1 or a 2)."""
    verdicts = attack(values, relations, hidden, integral=True)
    for cell, verdict in verdicts.items():
        if verdict.fixed or verdict.below:  # the verdict is exact: the truth lies within
            assert verdict.low - 1e-6 <= values[cell] <= verdict.high + 1e-6, (cell, verdict)
    return [
        (cell, verdict)
        for cell, verdict in verdicts.items()
        if verdict.fixed or (verdict.below and values[cell] < THRESHOLD)
    ]


def test_whole_numbers_tell_the_attacker_more_than_real_numbers() -> None:
    """The suppression pattern a fractional witness would justify: over real numbers
    nothing is exposed, over whole numbers the primary cell is at most 2 and s and d
    are fixed (the attacker's integer mode is not blind)."""
    hidden = {"a", "b", "s", "d"}
    real = attack(VALUES, RELATIONS, hidden, integral=False)
    assert not any(v.fixed or v.below for v in real.values()), real
    assert real["a"].high >= THRESHOLD
    whole = attack(VALUES, RELATIONS, hidden, integral=True)
    assert (whole["a"].high, whole["a"].below, whole["a"].fixed) == (2.0, True, False)
    assert (whole["s"].low, whole["s"].high, whole["s"].fixed) == (3.0, 3.0, True)
    assert (whole["d"].low, whole["d"].high, whole["d"].fixed) == (4.0, 4.0, True)
    assert not whole["b"].fixed
    assert not whole["b"].below
    assert [c for c, _ in exposed(VALUES, RELATIONS, hidden)] == ["a", "d", "s"]


def test_the_engine_protects_against_whole_numbers() -> None:
    """Only a fractional table lifts a to 3 while T stays published: the engine finds
    no witness of whole numbers there and suppresses T as well."""
    result = protect(VALUES, RELATIONS, DisclosureControl())
    hidden = set(result.suppressed)
    assert "T" in hidden
    assert exposed(VALUES, RELATIONS, hidden) == []


def test_a_witness_is_a_table_of_whole_numbers() -> None:
    """The cheapest change over real numbers is fractional; the witness is whole."""
    system = _protection._DeltaSystem(VALUES, _protection.normalise(RELATIONS), {"a": 3}, 0)
    every = np.arange(len(system.cells))
    target = system.cells.index("a")
    change = system.witness(every, target, 2.0, np.ones(len(system.cells)))
    assert change is not None
    assert change[target] >= 2
    assert all(d == round(d) for d in change.values())
    table = {c: VALUES[c] + change.get(i, 0.0) for i, c in enumerate(system.cells)}
    assert table["s"] == table["a"] + table["b"]
    assert max(table["b"], table["s"]) <= table["d"] <= table["b"] + table["s"]
    assert table["T"] == table["a"] + table["b"] + table["s"] + table["d"]
    assert min(table.values()) >= 0
    # with T kept, only fractions lift a: no witness
    inner = every[[c != "T" for c in system.cells]]
    assert system.witness(inner, target, 2.0, np.ones(len(system.cells))) is None


def test_a_fractional_witness_is_scaled_to_whole_numbers() -> None:
    """``u = l0 + l1 + l2 + l3`` and ``v = l0 + l3 + u + l2`` (published) give
    ``v = 2·(l0 + l2 + l3) + l1``: over whole numbers l1 moves in steps of 2 only. The
    cheapest change over real numbers lifts l1 by 1 with l3 − ½ and u + ½; the witness
    moves the same cells twice as far."""
    values = {"l0": 0, "l1": 2, "l2": 3, "l3": 2, "u": 7, "v": 12}
    relations = _protection.normalise(
        [("u", ["l0", "l1", "l2", "l3"], True), ("v", ["l0", "l3", "u", "l2"], True)]
    )
    system = _protection._DeltaSystem(values, relations, {"l1": 3, "l3": 3}, 0)
    near = np.array([i for i, c in enumerate(system.cells) if c != "v"])
    target = system.cells.index("l1")
    cost = np.ones(len(system.cells))
    cost[system.cells.index("l2")] = 5.0  # l3 is the cheaper cell to lower
    change = system.witness(near, target, 1.0, cost)
    assert change is not None
    moved = {system.cells[i]: d for i, d in change.items()}
    assert moved == {"l1": 2.0, "l3": -1.0, "u": 1.0}


def test_the_certificate_refuses_a_fractional_witness() -> None:
    """A fractional change that keeps every relation is no certificate."""
    values = {"x": 1, "y": 2, "z": 3}
    relations = _protection.normalise([("z", ["x", "y"], True)])
    finder = _protection._LinearFinder(_protection._DeltaSystem(values, relations, {"x": 3}, 0))
    column = {c: i for i, c in enumerate(finder.cells)}
    search = _protection._Search(values, finder, {"x": 3})
    search._add({column["x"]: 2.0, column["y"]: -2.0})
    search.check(relations, 0)  # whole numbers: accepted
    search._add({column["x"]: 0.5, column["y"]: -0.5})
    with pytest.raises(RuntimeError, match="whole numbers"):
        search.check(relations, 0)


@settings(max_examples=25)
@given(tables())
def test_protected_random_tables_resist_the_integer_attacker(
    table: tuple[dict[Any, int], list[Relation]],
) -> None:
    values, relations = table
    result = protect(values, relations, DisclosureControl())
    assert exposed(values, relations, set(result.suppressed)) == []


@settings(max_examples=10)
@given(cubes())
def test_protected_three_way_tables_resist_the_integer_attacker(
    cube: tuple[dict[Any, int], list[Relation]],
) -> None:
    values, relations = cube
    result = protect(values, relations, DisclosureControl())
    assert exposed(values, relations, set(result.suppressed)) == []


# A three-way table (3 × 3 × 3 with every margin) where the linear program's
# cheapest change that lifts the primary 1 at (2, 0, 1) is fractional and cannot be
# scaled, and the cheapest change of whole numbers among the cells it moves and the
# suppressed cells within one relation of them costs more than the linear program's
# (8.62 against 7.44): the cheapest of the whole neighbourhood (7.49) runs through
# published cells next to the moved ones. Found by a random search over such tables.
CUBE = [
    [[4, 3, 2], [1, 4, 0], [2, 6, 1]],
    [[1, 0, 6], [6, 8, 3], [2, 4, 3]],
    [[8, 1, 5], [4, 1, 1], [1, 4, 6]],
]
CUBE_HIDDEN = [
    ("T", "T", 0), ("T", "T", 2), ("T", 2, 2), (0, "T", "T"), (0, "T", 0), (0, 1, 1),
    (0, 2, 0), (1, "T", 0), (1, "T", 2), (1, 1, "T"), (2, "T", 2), (2, 0, 0), (2, 0, 2),
    (2, 1, "T"), (2, 2, 0), (2, 2, 1),
]  # fmt: skip
CUBE_TARGET = (2, 0, 1)


def _cube_witness_problem() -> tuple[Any, Any, dict[Any, int], list[Relation]]:
    """The delta system of :data:`CUBE` (the attacker's lower bound 1) and the cost
    of each of its columns: a suppressed cell nothing, a published one 1 and a little
    more the larger it is."""
    values, relations = cube_table(
        (3, 3, 3), {(i, j, k): CUBE[i][j][k] for i in range(3) for j in range(3) for k in range(3)}
    )
    system = _protection._DeltaSystem(
        values, _protection.normalise(relations), {CUBE_TARGET: THRESHOLD}, 1
    )
    cost = np.array([1.0 + 0.01 * values[c] for c in system.cells])
    cost[[system.cells.index(c) for c in [*CUBE_HIDDEN, CUBE_TARGET]]] = 0.0
    return system, cost, values, relations


def _cheapest_whole_change(
    values: Mapping[Any, int],
    relations: Sequence[Relation],
    cost: Mapping[Any, float],
    target: Any,
    rise: float,
    lower: int,
) -> float:
    """The cost of the cheapest change of whole numbers of the cells of *cost* (the
    others stay) that keeps every (exact) relation and every cell at least *lower*
    and raises *target* by *rise* — a mixed-integer program of its own
    (``scipy.optimize.milp``), not the engine's."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    cells = list(cost)
    at = {c: i for i, c in enumerate(cells)}
    n = len(cells)  # y = plus − minus: columns i and n + i
    rows = []
    for total, parts, exact in relations:
        assert exact
        row = np.zeros(2 * n)
        for cell, sign in [(total, 1.0), *((p, -1.0) for p in parts)]:
            if cell in at:
                row[at[cell]] += sign
                row[n + at[cell]] -= sign
        rows.append(row)
    low = np.zeros(2 * n)
    high = np.array([np.inf] * n + [float(values[c] - lower) for c in cells])
    low[at[target]] = rise
    high[n + at[target]] = 0.0
    weights = np.array([cost[c] for c in cells] * 2)
    result = milp(
        weights,
        constraints=LinearConstraint(np.array(rows), 0.0, 0.0),
        integrality=np.ones(2 * n),
        bounds=Bounds(low, high),
    )
    assert result.success
    return float(result.fun)


def test_a_whole_witness_dearer_than_the_linear_program_is_not_taken_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The branch and bound over the cells the fractional change moves and the
    suppressed cells next to them gives a witness here, dearer than the linear
    program's optimum: nothing proves it the cheapest, so the program over every cell
    within one relation of the moved ones runs as well, and its witness — the
    cheapest change of whole numbers of the whole table, as an independent
    mixed-integer program finds it — is the one returned (taking the first one, the
    cover would have suppressed a cell more than needed)."""
    system, cost, values, relations = _cube_witness_problem()
    target = system.cells.index(CUBE_TARGET)
    runs: list[str] = []
    run = _protection._run

    def counted(solver: Any) -> None:
        run(solver)
        runs.append(str(solver.getModelStatus()).rsplit(".", 1)[-1])

    monkeypatch.setattr(_protection, "_run", counted)
    change = system.witness(np.arange(len(system.cells)), target, 2.0, cost)
    assert change is not None
    assert change[target] >= 2
    price = sum(float(cost[c]) * abs(d) for c, d in change.items())
    cheapest = _cheapest_whole_change(
        values, relations, dict(zip(system.cells, cost.tolist(), strict=True)), CUBE_TARGET, 2.0, 1
    )
    assert price == pytest.approx(cheapest)
    assert price == pytest.approx(7.49)
    # the linear program, the first branch and bound (a solution), the second
    assert runs == ["kOptimal", "kOptimal", "kOptimal"]


def test_the_first_branch_and_bound_moves_the_moved_cells_and_the_suppressed_ones_next_to_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first program of whole numbers lets move the cells the fractional change
    moves and the suppressed cells within one relation of them — no other published
    cell, no suppressed cell further away; the linear program's optimum is the price
    it must reach to be taken at once."""
    system, cost, _, _ = _cube_witness_problem()
    target = system.cells.index(CUBE_TARGET)
    seen: list[tuple[Any, list[Any], float, Any]] = []
    integer_solution = _protection._integer_solution

    def spy(solver: Any, columns: Any, stages: list[Any], least: float) -> Any:
        solution = np.asarray(solver.getSolution().col_value)  # (the linear program's)
        seen.append((solution[0::2] - solution[1::2], stages, least, columns[2]))
        return integer_solution(solver, columns, stages, least)

    monkeypatch.setattr(_protection, "_integer_solution", spy)
    every = np.arange(len(system.cells))
    assert system.witness(every, target, 2.0, cost) is not None
    ((delta, stages, least, weights),) = seen
    moved = np.abs(delta) > 1e-6
    assert not np.allclose(delta, np.round(delta))  # (fractional)
    nearby = np.zeros(len(every), dtype=bool)
    nearby[system.ball(every[moved], 1)] = True
    suppressed = cost == 0
    assert (suppressed & nearby & ~moved).any()  # (the first program has more cells)
    assert (~suppressed & nearby & ~moved).any()  # (and fewer than the second)
    np.testing.assert_array_equal(stages[0], moved | (suppressed & nearby))
    np.testing.assert_array_equal(stages[1], nearby)
    assert stages[2] is None
    assert least == pytest.approx(float(cost @ np.abs(delta)))  # (the price to reach)
    np.testing.assert_array_equal(weights, np.repeat(cost, 2))
