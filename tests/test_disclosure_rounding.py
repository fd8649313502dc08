"""Rounding mode (``DisclosureControl(mode="round")``) against an informed attacker.

The attacker here is written independently of the engine. It knows every published
value, every relation of the table (territories and breakdowns sum up; a period and its
sub-periods: a sum for counts that add up over time, ``max(parts) ≤ total ≤ sum(parts)``
for distinct counts) and the documented rule (``docs/data-protection.rst``, "Rounding"):
a total of a sum is the sum of its published parts, every other cell stands for the
counts of :func:`release_attacker.rounding_range` (the counts that round to it, and for a
distinct count also those the rule raises to it). With plain
:func:`scipy.optimize.linprog` it looks for a cell of true value 1 to ``threshold − 1``
whose feasible values exclude both 0 and the threshold ("1 or 2 people").
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from helpers import run_cli
from kommunale_integration import DisclosureControl, protect
from release_attacker import rounding_range
from test_disclosure import tables as random_tables
from test_disclosure_product import expand, territory_trees
from test_disclosure_release import STADT

Relation = tuple[Hashable, Sequence[Hashable], bool]
THRESHOLD = 3
TOL = 1e-6


# --------------------------------------------------------------------------- attacker


def broken(published: Mapping[Hashable, int | None], relations: Sequence[Relation]) -> list[Any]:
    """The relations that the published values break."""
    found = []
    for total, parts, exact in relations:
        shown = [published[p] or 0 for p in parts]
        value = published[total] or 0
        if (value != sum(shown)) if exact else not max(shown) <= value <= sum(shown):
            found.append((total, parts, exact))
    return found


def attack(
    published: Mapping[Hashable, int | None],
    truth: Mapping[Hashable, int],
    relations: Sequence[Relation],
    base: int,
    *,
    distinct: bool,
    totals_rounded: bool = False,
) -> dict[Hashable, tuple[float, float]]:
    """The cells of true value 1 to ``THRESHOLD − 1`` that the attacker bounds to
    ``[1, THRESHOLD − 1]``, with their interval. Checks on the way that the truth lies
    in the documented ranges (else the documentation would mislead the attacker).
    With *totals_rounded* a total is taken for a rounded cell too (a rule that rounds
    totals on their own)."""
    cells = sorted(published, key=repr)
    index = {c: i for i, c in enumerate(cells)}
    totals = set() if totals_rounded else {total for total, _, exact in relations if exact}
    bounds: list[tuple[float, float | None]] = []
    for c in cells:
        value = published[c]
        assert value is not None, c
        assert value % base == 0, (c, value)  # totals too: sums of multiples
        if c in totals:
            bounds.append((0.0, None))
        else:
            low, high = rounding_range(float(value), base, distinct=distinct)
            assert low <= truth[c] <= high, (c, truth[c], value)
            bounds.append((low, high))
    eq: list[np.ndarray] = []
    ub: list[np.ndarray] = []
    for total, parts, exact in relations:
        row = np.zeros(len(cells))
        row[index[total]] += 1.0
        for p in parts:
            row[index[p]] -= 1.0
        (eq if exact else ub).append(row)  # total − Σ parts (= or ≤) 0
        if not exact:
            for p in parts:
                row = np.zeros(len(cells))
                row[index[p]], row[index[total]] = 1.0, -1.0  # part ≤ total
                ub.append(row)

    def solve(objective: np.ndarray) -> np.ndarray:
        result = linprog(
            objective,
            A_ub=np.array(ub) if ub else None,
            b_ub=np.zeros(len(ub)) if ub else None,
            A_eq=np.array(eq) if eq else None,
            b_eq=np.zeros(len(eq)) if eq else None,
            bounds=bounds,
            method="highs",
        )
        assert result.status == 0, result.message  # the truth is feasible
        return np.asarray(result.x)

    small = [index[c] for c in cells if 0 < truth[c] < THRESHOLD]
    if not small:
        return {}
    # one table with as many of the small cells as low as possible settles most
    lowest = solve(np.isin(np.arange(len(cells)), small).astype(float))
    exposed: dict[Hashable, tuple[float, float]] = {}
    for i in small:
        if lowest[i] < 1 - TOL:
            continue
        objective = np.zeros(len(cells))
        objective[i] = 1.0
        low = solve(objective)[i]
        if low < 1 - TOL:
            continue
        high = solve(-objective)[i]
        if high < THRESHOLD - TOL:
            exposed[cells[i]] = (low, high)
    return exposed


# --------------------------------------------------------------------------- tables

MONTHS = ("m1", "m2", "m3", "m4", "m5", "m6")
PERIOD_MONTHS = {
    "Y": MONTHS,
    "H1": MONTHS[:3],
    "H2": MONTHS[3:],
    **{m: (m,) for m in MONTHS},
}


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[Any, int], list[Relation], bool]:
    """Period × territory × one or two breakdowns from random cases: a case is in one
    month (new cases: sums over time) or active in some months (distinct cases: a
    period counts it once, so a period lies between its largest sub-period and their
    sum). Periods: a year with its halves and months, halves with their months."""
    distinct = draw(st.booleans())
    districts = draw(territory_trees(2))
    municipalities = [m for kids in districts.values() for m in kids]
    sexes = ["f", "m", "d"][: draw(st.integers(2, 3))]
    statuses = ["a", "b"][: draw(st.integers(0, 2))]  # 0: one breakdown only
    months = (
        st.sets(st.sampled_from(MONTHS), min_size=1, max_size=6)
        if distinct
        else st.sampled_from(MONTHS).map(lambda m: {m})
    )
    cases = draw(
        st.lists(
            st.tuples(
                st.sampled_from(municipalities),
                st.sampled_from(sexes),
                st.sampled_from(statuses or ["-"]),
                months,
            ),
            max_size=30,
        )
    )
    territories = ["all", *districts, *municipalities]
    axes: list[list[str]] = [list(PERIOD_MONTHS), territories, [*sexes, "_T"]]
    if statuses:
        axes.append([*statuses, "_T"])

    def inside(muni: str, territory: str) -> bool:
        return territory in ("all", muni) or muni.startswith(territory + "M")

    values = {
        cell: sum(
            1
            for muni, sex, status, active in cases
            if inside(muni, cell[1])
            and cell[2] in ("_T", sex)
            and (not statuses or cell[3] in ("_T", status))
            and active & set(PERIOD_MONTHS[cell[0]])
        )
        for cell in itertools.product(*axes)
    }
    exact = not distinct
    dimensions: list[list[Relation]] = [
        [
            ("Y", ["H1", "H2"], exact),
            ("Y", list(MONTHS), exact),
            ("H1", list(MONTHS[:3]), exact),
            ("H2", list(MONTHS[3:]), exact),
        ],
        [("all", list(districts), True), *((d, kids, True) for d, kids in districts.items())],
        [("_T", sexes, True)],
    ]
    if statuses:
        dimensions.append([("_T", statuses, True)])
    return values, expand(dimensions, axes), distinct


@settings(max_examples=40)
@given(tables(), st.sampled_from([5, 10]))
def test_rounded_tables_keep_their_relations_and_resist_the_attacker(
    table: tuple[dict[Any, int], list[Relation], bool], base: int
) -> None:
    values, relations, distinct = table
    result = protect(values, relations, DisclosureControl(mode="round", base=base))
    assert result.rounded
    assert not result.suppressed
    assert result.rounded_cells == frozenset(values)  # a true 0 is marked too
    assert broken(result.published, relations) == []
    assert attack(result.published, values, relations, base, distinct=distinct) == {}
    # determinism: the same table, its cells listed in another order
    cells = list(values)
    random.Random(len(cells)).shuffle(cells)
    control = DisclosureControl(mode="round", base=base)
    assert protect({c: values[c] for c in cells}, relations, control) == result


# --------------------------------------------------------------------------- the rule


def test_a_half_year_and_its_quarters_keep_their_relation() -> None:
    """Three people active in a half year: one in February and March, one from
    January to May, one from April to June. Rounded to the nearest 5 the half year
    would be 5 and both quarters 0, which a half year's distinct count (at most the
    sum of its quarters) turns into "each quarter holds 1 or 2". The rule raises the
    first quarter (of two with the same remainder) to 5, and then February (of the
    quarter's months the first with the largest remainder, not January) so that the
    quarter is not above the sum of its months."""
    values = {"H1": 3, "Q1": 2, "Q2": 2, "01": 1, "02": 2, "03": 2, "04": 2, "05": 2, "06": 1}
    relations: list[Relation] = [
        ("H1", ["Q1", "Q2"], False),
        ("H1", ["01", "02", "03", "04", "05", "06"], False),
        ("Q1", ["01", "02", "03"], False),
        ("Q2", ["04", "05", "06"], False),
    ]
    result = protect(values, relations, DisclosureControl(mode="round", base=5))
    assert result.published == {
        "H1": 5, "Q1": 5, "Q2": 0, "01": 0, "02": 5, "03": 0, "04": 0, "05": 0, "06": 0
    }  # fmt: skip
    assert broken(result.published, relations) == []
    assert attack(result.published, values, relations, 5, distinct=True) == {}


def test_nearest_rounding_of_a_half_year_and_its_quarters_is_exposed() -> None:
    """The attacker is not blind: the same cells rounded each to the nearest multiple
    (the rule before, under which a 5 meant 3 to 7) break the relation, and the
    quarters are "1 or 2"."""
    values = {"H1": 3, "Q1": 2, "Q2": 2}
    relations: list[Relation] = [("H1", ["Q1", "Q2"], False)]
    nearest = {"H1": 5, "Q1": 0, "Q2": 0}
    assert broken(nearest, relations) == [("H1", ["Q1", "Q2"], False)]
    assert set(attack(nearest, values, relations, 5, distinct=False)) == {"Q1", "Q2"}


def test_a_total_is_the_sum_of_its_rounded_parts() -> None:
    """Parts of 2 and 2 round to 0 and 0; their total is published as 0, not as 4
    rounded on its own (5), which would prove both parts to hold 1 or 2."""
    values = {"t": 4, "a": 2, "b": 2}
    relations: list[Relation] = [("t", ["a", "b"], True)]
    result = protect(values, relations, DisclosureControl(mode="round", base=5))
    assert result.published == {"t": 0, "a": 0, "b": 0}
    alone = {"t": 5, "a": 0, "b": 0}  # the total rounded on its own
    assert broken(alone, relations) == [("t", ["a", "b"], True)]
    # the total would be a rounded cell (3 to 7): both parts are bounded to 1 or 2
    exposed = attack(alone, values, relations, 5, distinct=False, totals_rounded=True)
    assert set(exposed) == {"a", "b"}


def test_a_part_raised_above_its_total_raises_the_total() -> None:
    """A month shared by a school year and a calendar year: the school year (8 → 10)
    is above the sum of its months (7 → 5, 1 → 0), so the month with the larger
    remainder is raised to 10; it is then above its calendar year (7 → 5), which is
    raised to 10 too."""
    values = {"SJ": 8, "Y": 7, "m0": 0, "m1": 7, "m2": 1}
    relations: list[Relation] = [("SJ", ["m1", "m2"], False), ("Y", ["m0", "m1"], False)]
    result = protect(values, relations, DisclosureControl(mode="round", base=5))
    assert result.published == {"SJ": 10, "Y": 10, "m0": 0, "m1": 10, "m2": 0}
    assert broken(result.published, relations) == []


def test_a_relation_among_totals_that_is_no_product_raises_a_cell_below() -> None:
    """A total that is the sum of two cells and a distinct-count total of two others
    (no product of coordinates): the cells round to 0, 0, 5 and 0, so the total (0)
    is below its part (5); a cell under the total (the first of two with the same
    remainder) is raised."""
    values = {"t": 4, "a": 2, "b": 2, "c": 4, "d": 0}
    relations: list[Relation] = [("t", ["a", "b"], True), ("t", ["c", "d"], False)]
    result = protect(values, relations, DisclosureControl(mode="round", base=5))
    assert result.published == {"a": 5, "b": 0, "c": 5, "d": 0, "t": 5}
    assert attack(result.published, values, relations, 5, distinct=True) == {}


@settings(max_examples=40)
@given(random_tables())
def test_random_relations_are_kept_or_refused(
    table: tuple[dict[Any, int], list[Relation]],
) -> None:
    """Random tables whose relations are no product (totals over random groups of
    cells and of totals): the rounded table keeps every relation and resists the
    attacker; where raising cells cannot keep the relations among totals (a few in a
    hundred), the rule refuses with an internal error instead of publishing."""
    values, relations = table
    try:
        result = protect(values, relations, DisclosureControl(mode="round", base=5))
    except RuntimeError as error:
        refused = str(error)
    else:
        refused = ""
    if refused:
        assert "cannot keep the relation" in refused
        return
    assert broken(result.published, relations) == []
    assert attack(result.published, values, relations, 5, distinct=True) == {}


def test_base_ten_rounds_halves_up() -> None:
    values = {"t": 38, "a": 4, "b": 5, "c": 14, "d": 15, "e": 0}
    relations: list[Relation] = [("t", ["a", "b", "c", "d"], True)]
    result = protect(values, relations, DisclosureControl(mode="round", base=10))
    assert result.published == {"t": 40, "a": 0, "b": 10, "c": 10, "d": 20, "e": 0}
    for value, published in ((4, 0), (5, 10), (14, 10), (15, 20)):
        low, high = rounding_range(published, 10, distinct=False)
        assert low <= value <= high
        assert not low <= value - 1 <= high or not low <= value + 1 <= high


def test_counts_that_break_their_own_relations_are_an_internal_error() -> None:
    """Rounding relies on the relations holding among the true counts; a table that
    breaks them (a distinct total above the sum of its parts) is an internal error,
    never a release."""
    values = {"t": 13, "a": 1, "b": 1}
    with pytest.raises(RuntimeError, match="breaks its own relations"):
        protect(values, [("t", ["a", "b"], False)], DisclosureControl(mode="round"))
    # a part at its own multiple (5 of 5) is not raised above its count either
    values = {"t": 10, "a": 5, "b": 0}
    with pytest.raises(RuntimeError, match="breaks its own relations"):
        protect(values, [("t", ["a", "b"], False)], DisclosureControl(mode="round"))


def test_the_part_with_the_largest_remainder_is_raised() -> None:
    """A distinct total of 8 (rounded 10) above the sum of its rounded parts (6 → 5,
    2 → 0): the part closest to being rounded up is raised, 2 (2 short of 5), not the
    larger 6 (4 short of 10)."""
    values = {"t": 8, "a": 6, "b": 2}
    result = protect(values, [("t", ["a", "b"], False)], DisclosureControl(mode="round"))
    assert result.published == {"t": 10, "a": 5, "b": 5}


def test_below_a_total_the_cell_with_the_largest_remainder_is_raised() -> None:
    """A total that is the sum of 6 and 2 (published 5 + 0) and at least a distinct
    part of 8 (published 10): of the cells under the total the one closest to being
    rounded up is raised (2 → 5), not the larger one (6 → 10)."""
    values = {"t": 8, "a": 6, "b": 2, "c": 8, "d": 0}
    relations: list[Relation] = [("t", ["a", "b"], True), ("t", ["c", "d"], False)]
    result = protect(values, relations, DisclosureControl(mode="round"))
    assert result.published == {"a": 5, "b": 5, "c": 10, "d": 0, "t": 10}
    assert broken(result.published, relations) == []


def test_a_cell_on_both_sides_of_a_broken_relation_is_not_raised() -> None:
    """``t = a + b`` (2 + 3, published 0 + 5) must be at most ``u + x`` where
    ``u = a + c`` (2 + 2, published 0 + 0) and x = 1 (0): 5 > 0. Raising ``a`` would
    raise both sides; the rule raises ``c``, which only the small side counts, so that
    ``u`` is 5 and nothing else moves (raising ``a`` first ends at t = u = 10)."""
    values = {"t": 5, "u": 4, "a": 2, "b": 3, "c": 2, "x": 1}
    relations: list[Relation] = [
        ("t", ["a", "b"], True),
        ("u", ["a", "c"], True),
        ("t", ["u", "x"], False),
    ]
    result = protect(values, relations, DisclosureControl(mode="round"))
    assert result.published == {"t": 5, "u": 5, "a": 0, "b": 5, "c": 5, "x": 0}
    assert broken(result.published, relations) == []


def test_a_total_below_a_part_is_raised_beside_a_part_equal_to_it() -> None:
    """``t = a + b`` (2 + 1, published 0 + 0) is at least its distinct parts ``p``
    (another sum of ``a`` and ``b``, 0) and ``c`` (3 → 5). The part above the total
    is ``c``; ``p`` is equal to it, not above, and raising a cell of ``t`` that ``p``
    does not count is impossible — so ``a`` (the larger remainder) is raised, and
    the table is published rather than refused."""
    # mutant: ``published[p] >= published[total]`` in _raise_below (p taken for the
    # part above, and nothing under t that p does not count: an internal error)
    values = {"t": 3, "p": 3, "a": 2, "b": 1, "c": 3}
    relations: list[Relation] = [
        ("t", ["a", "b"], True),
        ("p", ["a", "b"], True),
        ("t", ["p", "c"], False),
    ]
    result = protect(values, relations, DisclosureControl(mode="round", base=5))
    assert result.published == {"t": 5, "p": 5, "a": 5, "b": 0, "c": 5}
    assert broken(result.published, relations) == []


def test_a_relation_is_checked_again_when_a_cell_of_it_is_raised() -> None:
    """``w`` (5 → 10) above the sum of ``u`` and ``m`` (3 and 2, both 0) raises
    ``u`` to 10, which is then above its only part ``l`` (3 → 0): that relation, kept
    before, is checked again and ``l`` is raised too. Left to the check among
    totals, ``t ≥ s = l + k`` (7 → 10 against 0) raised ``k`` first, and ``s`` (20)
    then rose above ``t`` (10) with nothing left to raise: the table was refused."""
    # mutant: ``if r in waiting`` in _raise_where_needed's lift (the relations of a
    # raised cell not queued again)
    values = {"t": 7, "s": 7, "k": 4, "l": 3, "u": 3, "m": 2, "w": 5}
    relations: list[Relation] = [
        ("t", ["s"], False),
        ("s", ["l", "k"], True),
        ("u", ["l"], False),
        ("w", ["u", "m"], False),
    ]
    result = protect(values, relations, DisclosureControl(mode="round", base=10))
    assert result.published == {"t": 10, "s": 10, "k": 0, "l": 10, "u": 10, "m": 0, "w": 10}
    assert broken(result.published, relations) == []


def test_a_distinct_total_of_no_parts_is_zero() -> None:
    """A relation ``max(parts) ≤ total ≤ sum(parts)`` without parts holds for a
    total of 0 (the largest of no parts is 0, as is their sum): kept, not refused."""
    # mutant: ``max(shown, default=1)`` in _round
    values = {"t": 0, "a": 4}
    result = protect(values, [("t", [], False)], DisclosureControl(mode="round", base=5))
    assert result.published == {"t": 0, "a": 5}


# ------------------------------------------------ the base must reach the threshold


@pytest.mark.parametrize(
    ("threshold", "base", "allowed"), [(5, 5, True), (6, 5, False), (10, 10, True), (11, 10, False)]
)
def test_rounding_needs_a_base_of_at_least_the_threshold(
    threshold: int, base: int, allowed: bool
) -> None:
    """A published multiple of the base below the threshold (a 5 with threshold 10)
    would tell "fewer than the threshold": refused; equal is allowed."""
    from kommunale_integration import InvalidValueError

    if allowed:
        assert DisclosureControl(threshold=threshold, mode="round", base=base).base == base
    else:
        with pytest.raises(InvalidValueError, match="base"):
            DisclosureControl(threshold=threshold, mode="round", base=base)
    # suppression does not round: any base is accepted there
    assert DisclosureControl(threshold=threshold, mode="suppress", base=5).threshold == threshold


@pytest.mark.parametrize(
    ("run", "rule", "expected"),
    [
        # (run threshold, mode, base, margin), (indicator threshold, rounding),
        # (threshold, mode, base, margin) of the indicator's control
        ((3, "suppress", 5, 2), (5, None), (5, "suppress", 5, 2)),
        ((3, "suppress", 5, 1), (3, 5), (3, "round", 5, 1)),
        ((3, "suppress", 5, 0), (7, 5), (7, "round", 10, 0)),
        ((3, "suppress", 5, 0), (12, 10), (12, "suppress", 5, 0)),
        ((3, "round", 5, 0), (7, None), (7, "round", 10, 0)),
        ((3, "round", 5, 0), (12, None), (12, "suppress", 5, 0)),
        ((4, "round", 5, 0), (3, None), (4, "round", 5, 0)),
    ],
)
def test_an_indicator_rule_makes_the_control_stricter_never_weaker(
    run: tuple[int, str, int, int], rule: tuple[int, int | None], expected: tuple[Any, ...]
) -> None:
    """The larger threshold wins, the margin of the run is kept, and rounding is only
    used with a base that reaches the threshold (else base 10, above 10 suppression)."""
    from kommunale_integration import CaseCount, CaseCountKind, Confidentiality, Indicator
    from kommunale_integration._engine.compute import count_controls

    threshold, mode, base, margin = run
    control = DisclosureControl(threshold=threshold, mode=mode, base=base, margin=margin)  # type: ignore[arg-type]
    indicator = Indicator(
        id="x",
        name="X",
        numerator=CaseCount(count=CaseCountKind.ACTIVE),
        confidentiality=Confidentiality(threshold=rule[0], rounding=rule[1]),
    )
    found = count_controls([indicator], control)[CaseCount(count=CaseCountKind.ACTIVE)]
    assert found is not None
    assert (found.threshold, found.mode, found.base, found.margin) == expected


def test_the_command_line_refuses_a_rounding_base_below_the_threshold(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(
        capsys,
        "indicators",
        STADT,
        "--period",
        "2025",
        "--threshold",
        "10",
        "--round",
        "5",
    )
    assert code == 2
    assert out == ""
    assert "mindestens die Schwelle" in err
