"""Disclosure control on tables with a product structure (the hypercube search of
``_engine/_hypercube.py``): periods with sub-periods (sums for new cases, the
distinct-count inequalities otherwise), a territory hierarchy and a breakdown with its
total. Checked against the independent attacker of ``test_disclosure.py`` (plain
``scipy.optimize.linprog`` over the relations of the table)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunale_integration import DisclosureControl, protect
from kommunale_integration._engine import _hypercube, _protection, disclosure
from kommunale_integration._engine._hypercube import Cube, _vectors, verify
from kommunale_integration._engine._protection import ZERO_COST
from test_disclosure import THRESHOLD, check_release, exports, exposed

Relation = tuple[Hashable, Sequence[Hashable], bool]
MONTHS = ("m1", "m2", "m3", "m4")
PERIODS = ("Y", "H1", "H2", *MONTHS)
PERIOD_MONTHS = {"Y": MONTHS, "H1": MONTHS[:2], "H2": MONTHS[2:], **{m: (m,) for m in MONTHS}}


@contextmanager
def product_search() -> Iterator[None]:
    """Every table with dimensions goes to the product search (small ones too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(disclosure, "PRODUCT_CELLS", 0)
        yield


def time_relations(additive: bool) -> list[Relation]:
    return [
        ("Y", ["H1", "H2"], additive),
        ("Y", list(MONTHS), additive),
        ("H1", list(MONTHS[:2]), additive),
        ("H2", list(MONTHS[2:]), additive),
    ]


def expand(dimensions: Sequence[Sequence[Relation]], axes: Sequence[Sequence[Any]]) -> list[Any]:
    """Every relation of the table: each relation of one coordinate, the others fixed."""
    relations: list[Relation] = []
    for a, own in enumerate(dimensions):
        others = [axes[i] for i in range(len(axes)) if i != a]
        for total, parts, exact in own:
            for rest in itertools.product(*others):

                def cell(value: Any, rest: tuple[Any, ...] = rest, a: int = a) -> Any:
                    return (*rest[:a], value, *rest[a:])

                relations.append((cell(total), [cell(p) for p in parts], exact))
    return relations


def territory_trees(most: int) -> st.SearchStrategy[dict[str, list[str]]]:
    """One or two districts with 1 to *most* municipalities each (``D0`` → ``D0M0`` …)."""
    return st.lists(st.integers(1, most), min_size=1, max_size=2).map(
        lambda sizes: {f"D{d}": [f"D{d}M{m}" for m in range(n)] for d, n in enumerate(sizes)}
    )


@st.composite
def product_tables(
    draw: st.DrawFn, additive: bool | None = None, fewest: int = 0, most: int = 40
) -> tuple[dict[Any, int], list[Relation], list[Any]]:
    """Period × territory × sex from *fewest* to *most* random cases: a case is in one
    month (new cases, sums over time) or active in some months (distinct cases: a
    period counts it once); *additive* chooses, else either."""
    if additive is None:
        additive = draw(st.booleans())
    districts = draw(territory_trees(3))
    municipalities = [m for kids in districts.values() for m in kids]
    sexes = ["f", "m", "d"][: draw(st.integers(2, 3))]
    month_sets = (
        st.sampled_from(MONTHS).map(lambda m: {m})
        if additive
        else st.sets(st.sampled_from(MONTHS), min_size=1, max_size=4)
    )
    cases = draw(
        st.lists(
            st.tuples(st.sampled_from(municipalities), st.sampled_from(sexes), month_sets),
            min_size=fewest,
            max_size=most,
        )
    )
    territories = ["all", *districts, *municipalities]
    axes = [list(PERIODS), territories, [*sexes, "_T"]]

    def inside(muni: str, territory: str) -> bool:
        return territory in ("all", muni) or muni.startswith(territory + "M")

    values = {
        (p, t, s): sum(
            1
            for muni, sex, months in cases
            if inside(muni, t) and s in ("_T", sex) and months & set(PERIOD_MONTHS[p])
        )
        for p, t, s in itertools.product(*axes)
    }
    dimensions: list[Any] = [
        time_relations(additive),
        [("all", list(districts), True), *((d, kids, True) for d, kids in districts.items())],
        [("_T", sexes, True)],
    ]
    return values, expand(dimensions, axes), dimensions


@settings(max_examples=25)
@given(product_tables())
def test_product_tables_resist_the_attacker(
    table: tuple[dict[Any, int], list[Relation], list[Any]],
) -> None:
    values, relations, dimensions = table
    with product_search():
        result = protect(values, relations, DisclosureControl(), dimensions=dimensions)
        again = protect(values, relations, DisclosureControl(), dimensions=dimensions)
    assert again.suppressed == result.suppressed  # determinism
    hidden = set(result.suppressed)
    assert {c for c, v in values.items() if 0 < v < THRESHOLD} == set(result.primary)
    assert set(result.primary) <= hidden
    if not result.primary:
        assert not hidden  # a zero only ever as a secondary cell
    assert not exposed(values, hidden, relations)
    assert result.exposed(THRESHOLD) == []
    for cell, (low, high) in result.intervals.items():
        assert low - 1e-6 <= values[cell] <= high + 1e-6


@settings(max_examples=25)
@given(product_tables(), st.data())
def test_a_search_of_fewer_rounds_finds_the_same_witness_or_none(
    table: tuple[dict[Any, int], list[Relation], list[Any]], data: st.DataObject
) -> None:
    """The pruning pass searches only the first rounds of products
    (``PRUNE_ROUNDS``): what such a search returns is the witness that the full search
    returns (the rounds are the same), or None — never a product that the full search
    would not choose, never an inconsistent table; and it stops after its rounds."""
    import numpy as np

    values, relations, dimensions = table
    cube = Cube(values, dimensions, None, 0)
    target = data.draw(st.integers(0, cube.size - 1))
    rise = data.draw(st.integers(1, 3))
    allowed = np.array(data.draw(st.lists(st.booleans(), min_size=cube.size, max_size=cube.size)))
    cost = np.array(
        data.draw(
            st.lists(st.sampled_from([0.0, 1.0, 1.5]), min_size=cube.size, max_size=cube.size)
        )
    )
    calls: list[int] = []
    best = Cube._best
    with pytest.MonkeyPatch.context() as patch:
        # tiny rounds, so that they leave products out on these small tables
        patch.setattr(_hypercube, "ROUNDS", (4, 16, 64))

        def counted(self: Cube, *args: Any) -> Any:
            calls.append(1)
            return best(self, *args)

        patch.setattr(Cube, "_best", counted)
        full = cube.find(target, rise, cost, allowed)
        for rounds in (1, 2):
            calls.clear()
            short = cube.find(target, rise, cost, allowed, rounds)
            assert len(calls) <= rounds
            assert short is None or short == full
            if short is not None:
                change = {cube.cells[c]: float(d) for c, d in short.items()}
                assert verify(values, relations, [change], 0) == []
                assert all(allowed[c] for c in short)
    # no costs (every cell free): the smallest product, as with costs of zero
    for only in (allowed, None):
        free = cube.find(target, rise, None, only)
        assert free == cube.find(target, rise, np.zeros(cube.size), only)
    # what a cube keeps between the searches for one cell holds for its rise only
    for other in (1, 2, 3):
        fresh = Cube(values, dimensions, None, 0).find(target, other, cost)
        assert cube.find(target, other, cost) == fresh


def _cheapest_product(
    cube: Cube, target: int, chosen: list[Any], rise: int, cost: Any, allowed: Any
) -> tuple[float, int, dict[int, int]] | None:
    """What :meth:`Cube._best` must return, product by product in plain Python: the
    change of each product of the *chosen* vectors (cells in the order of their
    entries), its feasibility on the whole changed table (every cell it moves at
    least the lower bound, every inequality of every dimension kept), its price summed cell
    by cell; the least (price, size, position)."""
    import numpy as np

    coords = cube.coordinates(target)
    columns = []
    for a, (_, sel) in enumerate(chosen):
        idx, sgn = cube.axes[a].vectors(coords[a])[:2]
        columns.append(
            [
                [(int(i), int(g)) for i, g in zip(idx[:, v], sgn[:, v], strict=True) if g]
                for v in sel
            ]
        )
    best: tuple[float, int, int, dict[int, int]] | None = None
    counts = [len(sel) for _, sel in chosen]
    for position, combo in enumerate(itertools.product(*(range(n) for n in counts))):
        change: dict[int, int] = {}
        entries = [columns[a][j] for a, j in enumerate(combo)]
        for cell in itertools.product(*entries):
            sign = math.prod(g for _, g in cell)
            flat = sum(cube.strides[a] * i for a, (i, _) in enumerate(cell))
            change[flat] = rise * sign
        table = cube.value.copy()
        for flat, delta in change.items():
            table[flat] += delta
        if any(table[c] < cube.lower for c in change):  # (the cells it does not move stay)
            continue
        if allowed is not None and not all(allowed[c] for c in change):
            continue
        dense = table.reshape(cube.shape)
        if any(
            (np.tensordot(axis.rows, np.moveaxis(dense, a, 0), axes=(1, 0)) < 0).any()
            for a, axis in enumerate(cube.axes)
            if len(axis.rows)
        ):
            continue
        price = 0.0
        if cost is not None:
            for c in change:
                price += float(cost[c])
            if not math.isfinite(price):
                continue
        key = (price, len(change), position, change)
        if best is None or key[:3] < best[:3]:
            best = key
    return None if best is None else (best[0], best[1], best[3])


def _permuted_cube(
    table: tuple[dict[Any, int], list[Relation], list[Any]], data: st.DataObject
) -> Cube:
    """The cube of *table* with its dimensions in a drawn order (the dimension of the
    inequalities, time, anywhere) and a drawn lower bound."""
    values, _, dimensions = table
    order = data.draw(st.permutations(range(3)))
    values = {tuple(cell[i] for i in order): v for cell, v in values.items()}
    return Cube(values, [dimensions[i] for i in order], None, data.draw(st.integers(0, 1)))


def _costs_and_allowed(data: st.DataObject, size: int, forbidden: int) -> tuple[Any, Any]:
    """Drawn costs per cell (or None: all free), some of them infinite, and allowed
    cells (or None: all allowed), about one in *forbidden* not allowed."""
    import numpy as np

    prices = st.sampled_from([0.0, 1.0, 1.5, 1.5, math.inf])
    cost = data.draw(st.none() | st.lists(prices, min_size=size, max_size=size))
    mostly = st.sampled_from([True] * (forbidden - 1) + [False])
    allowed = data.draw(st.none() | st.lists(mostly, min_size=size, max_size=size))
    return (
        None if cost is None else np.array(cost),
        None if allowed is None else np.array(allowed),
    )


@settings(max_examples=80, deadline=None)
@given(product_tables(False, 60, 120) | product_tables(True, 60, 120), st.data())
def test_the_cheapest_product_is_the_one_checked_in_full(
    table: tuple[dict[Any, int], list[Relation], list[Any]], data: st.DataObject
) -> None:
    """:meth:`Cube._best` checks the bounds through a table per rise, the
    inequalities only where a vector changes them and only for the cheapest
    products, the cells of the other dimensions' vectors from the products' own
    arrays: it returns the product that checking every product on the whole changed
    table returns, for any vectors in any order, costs, allowed cells, and with the
    dimension of the inequalities (time) in any place."""
    import numpy as np

    cube = _permuted_cube(table, data)
    for _ in range(4):
        target = data.draw(st.integers(0, cube.size - 1))
        rise = data.draw(st.integers(1, 3))
        chosen = []
        for a, c in enumerate(cube.coordinates(target)):
            line = cube._line(a, c)
            n = line.offset.shape[1]
            sel = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5, unique=True))
            chosen.append((line, np.array(sel, dtype=np.int64)))
        # (a product moves many cells: fewer forbidden than for one vector)
        cost, allowed = _costs_and_allowed(data, cube.size, 5)
        expected = _cheapest_product(cube, target, chosen, rise, cost, allowed)
        assert cube._best(target, chosen, rise, cost, allowed) == expected
        # the bounds checked in full (as when a cell could not even rise) agree
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Cube, "_sink", lambda self, rise: None)
            assert cube._best(target, chosen, rise, cost, allowed) == expected


def _vectors_ranked(
    cube: Cube, target: int, rise: int, cost: Any, allowed: Any
) -> list[list[int]] | None:
    """What :meth:`Cube._ranked` must return, vector by vector in plain Python: each
    vector of each dimension through *target* changes the cells of its own line;
    kept when every cell it moves stays at least the lower bound and is allowed,
    every inequality of its dimension at the target's other coordinates holds, and
    its price (summed cell by cell) is finite; the kept ones by price, in order."""
    import numpy as np

    coords = cube.coordinates(target)
    result = []
    for a, c in enumerate(coords):
        idx, sgn = cube.axes[a].vectors(c)[:2]
        kept = []
        for v in range(idx.shape[1]):
            moved = [(int(i), int(g)) for i, g in zip(idx[:, v], sgn[:, v], strict=True) if g]
            cells = [(target + cube.strides[a] * (i - c), rise * g) for i, g in moved]
            if any(cube.value[x] + d < cube.lower for x, d in cells):
                continue
            if allowed is not None and not all(allowed[x] for x, _ in cells):
                continue
            if len(cube.axes[a].rows):
                line = cube.value.reshape(cube.shape).copy()
                for x, d in cells:
                    line[np.unravel_index(x, cube.shape)] += d
                at = tuple(coords[i] for i in range(len(coords)) if i != a)
                slack = np.tensordot(cube.axes[a].rows, np.moveaxis(line, a, 0), axes=(1, 0))
                if (slack[(slice(None), *at)] < 0).any():
                    continue
            price = 0.0
            for x, _ in cells:
                price += 0.0 if cost is None else float(cost[x])
            if math.isfinite(price):
                kept.append((price, v))
        if not kept:
            return None
        result.append([v for _, v in sorted(kept, key=lambda pv: pv[0])])
    return result


@settings(max_examples=40, deadline=None)
@given(product_tables(False, 10, 60) | product_tables(True, 10, 60), st.data())
def test_the_vectors_are_ranked_line_by_line(
    table: tuple[dict[Any, int], list[Relation], list[Any]], data: st.DataObject
) -> None:
    """:meth:`Cube._ranked` tries the vectors of all dimensions side by side (one
    array of lines), keeps what it can per cell and rise: the vectors and their
    order are those of trying each vector's line on its own, for any place of the
    dimension of the inequalities."""

    cube = _permuted_cube(table, data)
    for _ in range(12):
        target = data.draw(st.integers(0, cube.size - 1))
        rise = data.draw(st.integers(1, 3))
        cost, allowed = _costs_and_allowed(data, cube.size, 4)
        expected = _vectors_ranked(cube, target, rise, cost, allowed)
        found = cube._ranked(target, rise, cost, allowed)
        assert (None if found is None else [r.tolist() for r in found[1]]) == expected
        # the bounds checked in full (as when a cell could not even rise) agree
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Cube, "_sink", lambda self, rise: None)
            patch.setattr(cube, "_static", {})
            found = cube._ranked(target, rise, cost, allowed)
        assert (None if found is None else [r.tolist() for r in found[1]]) == expected


@settings(max_examples=40, deadline=None)
@given(product_tables(), st.data())
def test_the_headline_cells_of_a_product_come_from_its_dimensions(
    table: tuple[dict[Any, int], list[Relation], list[Any]], data: st.DataObject
) -> None:
    """The headline cells that a product search prices ``HEADLINE_COST`` (from each
    dimension's relations, :func:`_protection._headline_columns`) are those of the
    rule over every relation of the table (:func:`_protection._headlines`), for any
    order of the dimensions."""
    values, relations, dimensions = table
    order = data.draw(st.permutations(range(3)))
    values = {tuple(cell[i] for i in order): v for cell, v in values.items()}
    relations = [
        (tuple(t[i] for i in order), [tuple(p[i] for i in order) for p in parts], exact)
        for t, parts, exact in relations
    ]
    cube = Cube(values, [dimensions[i] for i in order], None, 1)
    expected = sorted(cube.column[c] for c in _protection._headlines(values, relations))
    assert _protection._headline_columns(cube).tolist() == expected
    assert expected  # (the top of every breakdown at the year, at least)


@settings(max_examples=4)
@given(exports())
def test_releases_protected_by_products_resist_the_attacker(data: Any) -> None:
    """The dimensions that the engine derives from its layout (periods with quarters
    and months, territories, breakdowns) describe its relations: the product search
    protects whole releases."""
    with product_search():
        check_release(data, ["2025-Q1", "2025-Q2"], subperiods=True, by=("sex",))


def test_distinct_counts_keep_their_inequalities() -> None:
    """A month of a distinct count may grow alone while its period has room; here the
    cheapest such change would push the sum of the months of the other sex below its
    period (9 of 10): the slack of that inequality must be checked off the line of
    the primary cell too."""
    months = {  # (f, m) per month; a quarter Q of three months, distinct counts
        "M1": (1, 3),
        "M2": (3, 3),
        "M3": (0, 4),
    }
    quarter = (3, 9)
    values: dict[Any, int] = {}
    for period, pair in [*months.items(), ("Q", quarter)]:
        values[(period, "f")], values[(period, "m")] = pair
        values[(period, "_T")] = sum(pair)
    dimensions: list[Any] = [[("Q", list(months), False)], [("_T", ["f", "m"], True)]]
    axes = [["Q", *months], ["f", "m", "_T"]]
    relations = expand(dimensions, axes)
    with product_search():
        result = protect(values, relations, DisclosureControl(), dimensions=dimensions)
    hidden = set(result.suppressed)
    assert ("M1", "f") in hidden
    assert not exposed(values, hidden, relations)


def test_dimensions_that_miss_a_relation_are_caught() -> None:
    """Every witness is checked against every relation: dimensions that leave out the
    districts (so that a change moves a municipality without its district) fail
    loudly instead of publishing an unchecked pattern."""
    values: dict[Any, int] = {}
    for t, (f, m) in {"A": (1, 5), "B": (4, 6)}.items():
        values[(t, "f")], values[(t, "m")], values[(t, "_T")] = f, m, f + m
    values[("D", "f")], values[("D", "m")] = 5, 11
    values[("D", "_T")] = 16
    full: list[Any] = [[("D", ["A", "B"], True)], [("_T", ["f", "m"], True)]]
    relations = expand(full, [["D", "A", "B"], ["f", "m", "_T"]])
    with product_search():
        protect(values, relations, DisclosureControl(), dimensions=full)
        with pytest.raises(RuntimeError, match="not a consistent table"):
            protect(values, relations, DisclosureControl(), dimensions=[[], full[1]])


def test_verify_finds_a_broken_witness() -> None:
    values = {"t": 5, "a": 2, "b": 3}
    relations: list[Relation] = [("t", ["a", "b"], True)]
    good = {"a": 1.0, "b": -1.0}
    unbalanced = {"a": 1.0}
    negative = {"a": -3.0, "t": -3.0}
    assert verify(values, relations, [good, unbalanced, negative], 0) == [1, 2]
    loose: list[Relation] = [("t", ["a", "b"], False)]  # max(a, b) ≤ t ≤ a + b
    assert verify(values, loose, [{"a": 1.0}, {"a": 4.0}, {"t": 1.0}], 0) == [1, 2]


def _consistent(
    values: dict[str, int], relations: Sequence[Relation], change: dict[str, float], lower: int
) -> bool:
    """The reference: whether ``values + change`` keeps every relation and bound."""
    x = {c: v + change.get(c, 0.0) for c, v in values.items()}
    if any(x[c] < lower for c in change):
        return False
    for total, parts, exact in relations:
        whole = sum(x[p] for p in parts)
        if exact and x[total] != whole:
            return False
        if not exact and not max(x[p] for p in parts) <= x[total] <= whole:
            return False
    return True


# changes that keep the relations below (a witness of the search is a sum of such
# moves), and single steps that may break them
_MOVES = (
    {"a": 1.0, "b": -1.0},
    {"c": 1.0, "d": -1.0},
    {"a": 1.0, "t": 1.0, "y": 1.0},
    {"c": 1.0, "u": 1.0},
    {"t": 1.0, "a": 1.0, "u": -1.0, "c": -1.0},
)


@st.composite
def _witness(draw: st.DrawFn) -> dict[str, float]:
    change: dict[str, float] = {}
    for move in draw(st.lists(st.sampled_from(_MOVES), min_size=1, max_size=4)):
        step = draw(st.integers(-2, 2))
        for cell, sign in move.items():
            change[cell] = change.get(cell, 0.0) + step * sign
    if draw(st.booleans()):
        cell = draw(st.sampled_from(["t", "a", "b", "u", "c", "d", "y"]))
        change[cell] = change.get(cell, 0.0) + draw(st.integers(-2, 2))
    order = draw(st.permutations(sorted(change)))
    return {cell: change[cell] for cell in order if change[cell]} or {"a": 1.0, "b": -1.0}


@settings(max_examples=150, deadline=None)
@given(changes=st.lists(_witness(), min_size=1, max_size=12), chunk=st.integers(1, 40))
def test_verify_in_chunks_finds_exactly_the_broken_witnesses(
    changes: list[dict[str, float]], chunk: int
) -> None:
    """However the witnesses are split into chunks, ``verify`` names exactly those
    that break a relation or a bound."""
    from kommunale_integration._engine import _hypercube

    values = {"t": 5, "a": 2, "b": 3, "u": 4, "c": 1, "d": 3, "y": 6}
    relations: list[Relation] = [
        ("t", ["a", "b"], True),
        ("u", ["c", "d"], True),
        ("y", ["t", "u"], False),
    ]
    expected = [i for i, ch in enumerate(changes) if not _consistent(values, relations, ch, 0)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_hypercube, "_VERIFY_CHUNK", chunk)
        assert verify(values, relations, changes, 0) == expected


def _keeps_touched_rows(
    values: dict[str, int], relations: Sequence[Relation], change: dict[str, float], lower: int
) -> bool:
    """The reference, written out: ``values + change`` keeps the bound in every changed
    cell and every row of a relation that a changed cell is in (the sum row, where
    the cell's coefficient does not cancel; ``total ≥ part`` for a distinct count,
    where the total or that part changed). The true table may itself break a
    relation: a row that no changed cell is in is not checked."""
    x = {c: v + change.get(c, 0.0) for c, v in values.items()}
    if any(x[c] < lower for c in change):
        return False
    for total, parts, exact in relations:
        coef = {total: 1}
        for p in parts:
            coef[p] = coef.get(p, 0) - 1
        if any(coef.get(c, 0) for c in change):
            level = sum(a * x[c] for c, a in coef.items())
            if (exact and level != 0) or (not exact and level > 0):
                return False
        if not exact:
            for p in parts:
                if p != total and (p in change or total in change) and x[total] < x[p]:
                    return False
    return True


_CELLS = ("a", "b", "c", "d", "e", "f")


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(0, 5), min_size=len(_CELLS), max_size=len(_CELLS)),
    relations=st.lists(
        st.tuples(
            st.sampled_from(_CELLS),
            st.lists(st.sampled_from(_CELLS), min_size=1, max_size=4),  # repeats, the total
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    ),
    changes=st.lists(
        st.dictionaries(st.sampled_from(_CELLS), st.integers(-2, 2).map(float), min_size=1),
        min_size=1,
        max_size=6,
    ),
    lower=st.integers(0, 1),
    chunk=st.integers(1, 40),
)
def test_verify_matches_the_rows_written_out(
    values: list[int],
    relations: list[Relation],
    changes: list[dict[str, float]],
    lower: int,
    chunk: int,
) -> None:
    """On random relations (a total among its own parts, a part twice, tables that
    break their relations), ``verify`` names exactly the witnesses that break a row
    that they touch or a bound."""
    from kommunale_integration._engine import _hypercube

    table = dict(zip(_CELLS, values, strict=True))
    expected = [
        i
        for i, change in enumerate(changes)
        if not _keeps_touched_rows(table, relations, change, lower)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_hypercube, "_VERIFY_CHUNK", chunk)
        assert verify(table, relations, changes, lower) == expected
        # again (the rows of the table are kept): the same answer
        assert verify(table, relations, changes, lower) == expected


@settings(max_examples=100, deadline=None)
@given(
    relations=st.lists(
        st.tuples(
            st.sampled_from(_CELLS),
            st.lists(st.sampled_from(_CELLS), min_size=1, max_size=4),
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_verify_rows_are_those_of_the_linear_programs(relations: list[Relation]) -> None:
    """The rows that ``verify`` checks (as arrays) are those that the audit and the
    linear witnesses load (``_protection._rows``, every cell a variable)."""
    from kommunale_integration._engine._hypercube import _Rows
    from kommunale_integration._engine._protection import _rows

    values = dict.fromkeys(_CELLS, 1)
    column = {c: i for i, c in enumerate(_CELLS)}
    expected = sorted(
        (sorted(coefs.items()), lo, up)
        for relation in relations
        for coefs, lo, up in _rows(relation, column, values)
    )
    table = _Rows(list(_CELLS), relations)
    coefs_of: dict[int, dict[int, float]] = {}
    for cell in range(len(_CELLS)):
        for k in range(table.sum_start[cell], table.sum_start[cell + 1]):
            coefs_of.setdefault(int(table.sum_row[k]), {})[cell] = float(table.sum_coef[k])
    found = sorted(
        (sorted(coefs.items()), float(table.low[r]), 0.0) for r, coefs in coefs_of.items()
    )
    # the rows total − part ≥ 0, as their relation, by part and by total lists them
    for rel in range(len(relations)):
        for k in range(table.rel_start[rel], table.rel_start[rel + 1]):
            total, part = int(table.own_total[k]), int(table.own_part[k])
            assert table.own_rel[k] == rel
            assert k in table.by_part[table.part_start[part] : table.part_start[part + 1]]
            assert rel in table.total_rel[table.total_start[total] : table.total_start[total + 1]]
            found.append((sorted({total: 1.0, part: -1.0}.items()), 0.0, math.inf))
    found.sort()
    assert found == expected


def test_verify_reads_relations_changed_since_the_last_table() -> None:
    """The rows of the last tables are kept, but only for cells and relations equal to
    those given: a parts list changed in place, or another exactness, is read anew."""
    values = {"t": 5, "a": 2, "b": 3, "c": 0}
    parts = ["a", "b"]
    relations: list[Relation] = [("t", parts, True)]
    move = {"a": 1.0, "b": -1.0}
    assert verify(values, relations, [move], 0) == []
    parts.append("c")  # t = a + b + c still holds; the move now touches c's row too
    assert verify(values, relations, [move, {"c": 1.0}], 0) == [1]
    parts[:] = ["a"]  # t = a is broken by the true table: every witness touching it
    assert verify(values, relations, [move], 0) == [0]
    loose: list[Relation] = [("t", ["a", "b"], False)]
    assert verify(values, loose, [{"a": 3.0, "b": -3.0}], 0) == []  # b = 0 = the bound
    assert verify(values, loose, [{"a": 3.0, "b": -3.0}], 1) == [0]  # b = 0 below 1
    assert verify(values, loose, [{"a": 2.0, "b": -2.0}], 0) == []  # max(4, 1) ≤ 5 ≤ 5
    assert verify(values, loose, [{"a": 4.0, "b": -2.0}], 0) == [0]  # a = 6 > t
    # the same cells and relations, another exactness (the sum rows are shared)
    exact: list[Relation] = [("t", ["a", "b"], True)]
    for _ in range(2):
        assert verify(values, exact, [{"a": 1.0}], 0) == [0]  # 5 ≠ 3 + 3
        assert verify(values, loose, [{"a": 1.0}], 0) == []  # max(3, 3) ≤ 5 ≤ 3 + 3


def test_verify_finds_a_relation_s_cells_by_equality_too() -> None:
    """The rows find the cells of the relations by the identity of the table's own
    key objects where a relation names those (every table of the engine does), and by
    equality where it names an equal cell of its own, a copy: the same certificate."""

    def cell(name: str) -> tuple[str, int]:
        return (name, 1)  # (a new object at each call)

    keys = {name: cell(name) for name in "tab"}
    values = {keys["t"]: 5, keys["a"]: 2, keys["b"]: 3}
    own: list[Relation] = [(keys["t"], [keys["a"], keys["b"]], True)]
    copies: list[Relation] = [(cell("t"), [keys["a"], cell("b")], True)]
    assert copies[0][0] == keys["t"]
    assert copies[0][0] is not keys["t"]
    balanced = {keys["a"]: 1.0, keys["t"]: 1.0}
    unbalanced = {keys["b"]: 1.0}
    for relations in (own, copies, own):
        _hypercube.forget()  # (no rows kept: each made anew from these relations)
        assert verify(values, relations, [balanced, unbalanced], 0) == [1]
        assert verify(values, relations, [unbalanced, balanced, {keys["t"]: -1.0}], 0) == [0, 2]


@given(
    n=st.integers(0, 12),
    picks=st.lists(st.tuples(st.integers(0, 14), st.sampled_from(["same", "copy"])), max_size=30),
)
def test_cells_are_found_by_identity_and_by_equality(n: int, picks: list[tuple[int, str]]) -> None:
    """``places`` (the one look-up of cells among a table's keys: the rows of the
    certificate, the blocks of the audit and of the partners) finds a cell that is
    the object of a key by its identity, one equal to a key (a copy) by equality,
    and gives −1 for a cell that is none of them — what a look-up by equality gives."""
    import numpy as np

    def cell(i: int) -> tuple[str, tuple[int, str]]:
        return ("c", (i, "x"))  # (a new object at each call)

    keys = [cell(i) for i in range(n)]
    index = {c: i for i, c in enumerate(keys)}
    cells = [keys[i] if kind == "same" and i < n else cell(i) for i, kind in picks]
    found = _hypercube.places(lambda: iter(cells), len(cells), _hypercube.by_identity(keys), index)
    assert found.dtype == np.int64
    assert found.tolist() == [index.get(c, -1) for c in cells]


def test_verify_keeps_no_rows_of_a_table_it_is_told_no_other_shares() -> None:
    """``verify_columns(..., keep=False)`` (the one table of new and active cases,
    whose cells no other table has) reads the relations as they are (those of the
    changed cells only), keeps no rows for the next table and leaves those kept as
    they were; its verdicts are those of the rows it would keep."""
    import numpy as np

    from kommunale_integration._engine._hypercube import _Rows, verify_columns

    values = {"t": 5, "a": 2, "b": 3, "c": 0, "u": 1, "v": 2}
    relations: list[Relation] = [
        ("t", ["a", "b", "c"], True),
        ("t", ["a", "t"], False),
        ("u", ["v"], True),  # (broken by the true table, but moved by no witness)
    ]
    # witnesses: a ↔ b (keeps both relations), c alone (breaks the sum), a by 4 (above t)
    witnesses = {
        "owner": np.array([0, 0, 1, 2]),
        "cols": np.array([0, 1, 2, 0]),
        "delta": np.array([1.0, -1.0, 1.0, 4.0]),
        "lower": 0,
    }
    assert verify({"x": 1, "y": 1}, [("x", ["y"], True)], [{"y": 0.0}], 0) == []
    before = list(_Rows._last)
    assert verify_columns(values, relations, ["a", "b", "c"], keep=False, **witnesses) == [1, 2]
    assert _Rows._last == before  # (the other table's rows, still kept)
    assert verify_columns(values, relations, ["a", "b", "c"], **witnesses) == [1, 2]
    assert _Rows._last[0].keys == list(values)


def balanced(vector: Sequence[tuple[int, int]], relations: Sequence[Any]) -> bool:
    moved = dict(vector)
    return all(
        moved.get(total, 0) == sum(moved.get(p, 0) for p in parts)
        for total, parts, exact in relations
        if exact
    )


def test_vectors_of_a_hierarchy() -> None:
    """all (0) → districts 1, 2 → municipalities 3, 4 (of 1) and 5 (of 2)."""
    relations = [(0, [1, 2], True), (1, [3, 4], True), (2, [5], True)]
    found = _vectors(6, relations, 3)
    assert all(balanced(v, relations) for v in found)
    assert all(dict(v)[3] == 1 for v in found)
    assert ((3, 1), (4, -1)) in found  # siblings
    assert ((0, 1), (1, 1), (3, 1)) in found  # the chain up to the root
    assert ((1, 1), (2, -1), (3, 1), (5, -1)) in found  # cousins
    assert ((1, 1), (3, 1)) not in found  # a chain that stops below the root


def test_vectors_of_periods() -> None:
    """Y (0) = H1 (1) + H2 (2) = m1..m4 (3..6); H1 = m1 + m2, H2 = m3 + m4."""
    relations = [(0, [1, 2], True), (0, [3, 4, 5, 6], True), (1, [3, 4], True), (2, [5, 6], True)]
    found = _vectors(7, relations, 3)
    assert all(balanced(v, relations) for v in found)
    assert ((0, 1), (1, 1), (3, 1)) in found  # month, half year, year
    assert ((3, 1), (4, -1)) in found  # two months of one half year
    assert ((1, 1), (2, -1), (3, 1), (5, -1)) in found  # across half years
    assert ((3, 1), (5, -1)) not in found  # breaks both half years
    # distinct counts: a month may move alone (its slack is checked on the table)
    loose = [(t, p, False) for t, p, _ in relations]
    assert ((3, 1),) in _vectors(7, loose, 3)


def _plain_vectors(
    n: int, relations: Sequence[Relation], start: int, support: int, loose_limit: int, rising: bool
) -> list[tuple[tuple[int, int], ...]]:
    """The rule of :func:`_vectors` written out plainly (each state a sorted tuple of
    pairs, its gap recomputed from the relations): from ``+start`` the first broken
    exact relation (else the first broken inequality) is mended by its total with the
    opposite sign of its gap or by a part with the same sign, by a value not yet
    moved (with *rising*: never with −1); a state that breaks no exact relation is
    taken when it breaks no inequality or moves at most *loose_limit* values."""

    def gaps(state: tuple[tuple[int, int], ...]) -> dict[int, int]:
        moved = dict(state)
        found = {}
        for index, (total, parts, _) in enumerate(relations):
            gap = moved.get(total, 0) - sum(moved.get(p, 0) for p in parts)
            if gap:
                found[index] = gap
        return found

    first = ((start, 1),)
    found, seen, todo = [], {first}, [first]
    while todo:
        state = todo.pop()
        gap = gaps(state)
        broken_exact = [i for i in gap if relations[i][2]]
        broken_loose = [i for i in gap if not relations[i][2]]
        if not broken_exact and (not broken_loose or len(state) <= loose_limit):
            found.append(state)
        broken = broken_exact or broken_loose
        if not broken or len(state) >= support:
            continue
        mend = min(broken)
        total, parts, _ = relations[mend]
        step = 1 if gap[mend] > 0 else -1
        for value, sign in [(total, -step), *((p, step) for p in parts)]:
            if value in dict(state) or (rising and sign < 0):
                continue
            child = tuple(sorted((*state, (value, sign))))
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return sorted(found, key=lambda vector: (len(vector), vector))


@st.composite
def _relation_sets(draw: st.DrawFn) -> tuple[int, list[Relation]]:
    """A few values and relations among them: totals with parts, some exact, some
    inequalities, a total among its own parts now and then (distinct counts)."""
    n = draw(st.integers(3, 9))
    relations: list[Relation] = []
    for _ in range(draw(st.integers(1, 5))):
        total = draw(st.integers(0, n - 1))
        parts = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True))
        exact = draw(st.booleans())
        if exact:
            parts = [p for p in parts if p != total] or [(total + 1) % n]
        relations.append((total, parts, exact))
    return n, relations


@settings(max_examples=300, deadline=None)
@given(
    _relation_sets(),
    st.data(),
    st.sampled_from([(4, 2, False), *_hypercube.WIDER]),
)
def test_vectors_follow_the_plain_rule(
    case: tuple[int, list[Relation]], data: st.DataObject, limits: tuple[int, int, bool]
) -> None:
    """The vectors of a dimension (:func:`_vectors`, each state a bit pattern, the
    relations' menders prepared once per dimension) are exactly those of the plain
    rule, in the same order, for every value and the limits of ``WIDER``."""
    n, relations = case
    start = data.draw(st.integers(0, n - 1))
    assert _vectors(n, relations, start, *limits) == _plain_vectors(n, relations, start, *limits)


def _raises_only(vector: Any, relations: Sequence[Relation]) -> bool:
    """Whether the change *vector* (value → change) raises values only and keeps
    every relation in any table: every sum balanced, and of a distinct count
    (``max(parts) ≤ total ≤ sum(parts)``) no side that must stay above another
    falls behind it."""
    moved = {v: d for v, d in vector.items() if d}
    if any(d < 0 for d in moved.values()):
        return False
    for total, parts, exact in relations:
        rise = moved.get(total, 0)
        rises = [moved.get(p, 0) for p in parts]
        if exact and rise != sum(rises):
            return False
        if not exact and (sum(rises) < rise or any(r > rise for r in rises)):
            return False
    return True


@pytest.mark.parametrize("period", ["2025", "2025-Q2", "SJ2024/25"])
def test_every_period_of_new_and_active_cases_has_a_vector_of_a_case_more(period: str) -> None:
    """In the one table of new and active cases (``_joint_table``) every value of the
    period dimension has a vector that raises values only and lowers no inequality —
    a case more, opened and closed in that period: a product of such vectors (with
    the territories' and the breakdowns', which have one) is a witness in any
    table, so no primary cell (new or active) is left without one. The vectors of at most
    ``SUPPORT`` values do not always hold one: June's active cases rise with the
    cases open on 1 June alone, which needs cases closed in May (at 1M cases a
    primary cell without them had no witness, and its whole block of 94,000 cells
    was suppressed)."""
    import numpy as np

    from kommunale_integration._engine._hypercube import _Axis
    from kommunale_integration._engine.compute import _joint_table, _Layout, expand_periods

    layout = _Layout(expand_periods([period], True), ["05558004"], None, [])
    zeros = [0] * len(layout.cell_list())
    closing = [0] * (len(layout.territories) * len(layout.combos))
    _, _, _, dimensions, _, _ = _joint_table(layout, zeros, zeros, closing)
    relations = [(t, list(p), e) for t, p, e in dimensions[0]]
    values = sorted({v for t, p, _ in relations for v in (t, *p)}, key=repr)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_hypercube, "_VECTORS", {})
        axis = _Axis(values, relations)
        for v in range(len(values)):
            if values[v][0] in ("open", "cap", "next"):
                continue  # (never published: never a primary cell)
            idx, sgn, sizes, _, _ = axis.vectors(v)
            vectors = [
                {
                    values[i]: s
                    for i, s in zip(idx[:, j].tolist(), sgn[:, j].tolist(), strict=True)
                    if s
                }
                for j in range(len(sizes))
            ]
            assert any(_raises_only(vector, relations) for vector in vectors), values[v]
            assert np.all(sizes <= _hypercube.WIDER[-1][0])


@pytest.mark.parametrize(
    "sets",
    [
        [("employment_started",), ("employment_started", "language_course_started")],
        [("a", "b"), ("a",), ("b",)],
        [("a", "b"), ("b", "c")],
    ],
)
def test_every_period_of_a_family_over_a_year_has_a_vector_of_a_case_more(
    sets: list[tuple[str, ...]],
) -> None:
    """In the one table of a family of overlapping counts (``_family_table``) over a
    year with its quarters and months, every value of the period coordinate (a
    count, a pattern or a sum of patterns at a period) has a vector that raises
    values only and lowers no inequality: a case more. A case more of a pattern
    moves each series it is in at the month, its quarter and the year — nine values
    for employment starts beside a count that holds them, twelve for placements
    with employment and training —, more than the widest vectors that
    ``_hypercube._vectors`` builds (``WIDER``); ``_hypercube._case_more`` builds it
    (without it the product search found no witness for such a cell and
    suppressed its block, zeros that no witness moved among them: fixed)."""
    import numpy as np

    from kommunale_integration._engine._families import patterns
    from kommunale_integration._engine._hypercube import _Axis
    from kommunale_integration._engine.compute import _family_table, _Layout, expand_periods

    layout = _Layout(expand_periods(["2025"], True), ["05558004"], None, [])
    found = patterns(sets)
    zeros = [0] * len(layout.cell_list())
    table = _family_table(layout, [zeros] * len(sets), found, [zeros] * len(found))
    relations = [(t, list(p), e) for t, p, e in table[3][0]]
    values = sorted({v for t, p, _ in relations for v in (t, *p)}, key=repr)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_hypercube, "_VECTORS", {})
        axis = _Axis(values, relations)
        for v in range(len(values)):
            assert any(_raises_only(x, relations) for x in _axis_vectors(axis, v)), values[v]
        widest = max(int(np.max(axis.vectors(v)[2])) for v in range(len(values)))
        assert widest > _hypercube.WIDER[-1][0]  # (beyond the vectors of _vectors)
        patch.setattr(_hypercube, "_VECTORS", {})
        patch.setattr(_hypercube, "_case_more", lambda *args: None)
        axis = _Axis(values, relations)
        assert not all(
            any(_raises_only(x, relations) for x in _axis_vectors(axis, v))
            for v in range(len(values))
        )


def _axis_vectors(axis: Any, value: int) -> list[dict[Any, int]]:
    """The vectors of *axis* through *value* (``_Axis.vectors``), each as a mapping
    of the axis's values to their changes."""
    idx, sgn, sizes, _, _ = axis.vectors(value)
    return [
        {
            axis.values[i]: s
            for i, s in zip(idx[:, j].tolist(), sgn[:, j].tolist(), strict=True)
            if s
        }
        for j in range(len(sizes))
    ]


def test_a_case_more_raises_the_totals_and_one_part_of_each_risen_total() -> None:
    """``_case_more``: a value raises the total of each relation it is a part of, a
    risen total one of its parts (the first that leads to a vector), and a sum never
    two of its parts; None when no such vector exists."""
    from kommunale_integration._engine._hypercube import _case_more, _membership

    # Y (0) = Q1 (1) + Q2 (2) = m1..m4 (3..6), distinct counts; placements (7) ≥ Y
    relations: list[tuple[int, list[int], bool]] = [
        (0, [1, 2], False),
        (0, [3, 4, 5, 6], False),
        (1, [3, 4], False),
        (2, [5, 6], False),
        (7, [0], False),
    ]
    member = _membership(relations)
    assert _case_more(relations, 5, member) == ((0, 1), (2, 1), (5, 1), (7, 1))
    assert _case_more(relations, 0, member) == ((0, 1), (1, 1), (3, 1), (7, 1))
    # a total that is among its own parts (``up(sub) ≤ up(period)``) needs no other
    assert _case_more([(0, [1, 0], False)], 0, _membership([(0, [1, 0], False)])) == ((0, 1),)
    # 0 = 1 + 2 and 0 = 3, 3 = 1: from 2, the total 0, then 3, then 1: two parts of 0
    dead: list[tuple[int, list[int], bool]] = [(0, [1, 2], True), (0, [3], True), (3, [1], True)]
    assert _case_more(dead, 2, _membership(dead)) is None
    assert _case_more(dead, 1, _membership(dead)) == ((0, 1), (1, 1), (3, 1))


def test_new_and_active_cases_have_one_open_cell_per_start_and_no_closed_cell() -> None:
    """The one table of new and active cases: the new and the active cells, and the
    cases open when a period starts once per day on which periods start (a year, its
    first quarter and January share theirs), never published. The cases closed in a
    period are no cell: the attacker's ``active(P) = open(next) + closed(P)`` with an
    unknown ``closed(P) ≥ 0`` in no other relation says no more than that the cases
    open at the next start are among P's active cases, a relation of the table. The
    cases open on 1 January, where the release begins, are at most a cell known to
    the attacker (the release of the year before bounds them), and those still open
    on 1 January 2026, where it ends, are a known cell (the release of the next
    year tells them); the cases open at the starts in between are unknown."""
    from kommunale_integration._engine.compute import _joint_table, _Layout, expand_periods

    layout = _Layout(expand_periods(["2025"], True), ["05558004", "05558008"], None, [])
    cells = layout.cell_list()
    rest = len(layout.territories) * len(layout.combos)
    new = [1] * len(cells)
    active = [5] * len(cells)
    closing = [3] * rest
    keys, values, relations, _, unknown, known = _joint_table(layout, new, active, closing)
    assert len(keys) == len(set(keys)) == len(values) == 2 * len(cells) + 14 * rest
    assert unknown == 2 * len(cells)
    kinds = ["open"] * (12 * rest) + ["cap"] * rest + ["next"] * rest
    assert [k[0][0] for k in keys[unknown:]] == kinds
    assert values[unknown:] == [4] * (13 * rest) + [3] * rest
    assert known == keys[-2 * rest :]
    n = len(cells)

    def start(cell: Any) -> Any:
        """The open cell of the relation active = new + open of *cell*."""
        i = cells.index(cell)
        (found,) = [p[1] for t, p, e in relations if t == keys[n + i] and p[0] == keys[i]]
        return found

    year, quarter, january, march, april = ((p, "05558004", ()) for p in (0, 1, 5, 7, 8))
    assert start(year) is start(quarter) is start(january)
    assert start(april) is not start(january)
    # the cases open on 1 April are among March's active cases, and the first quarter's
    for ended in (march, quarter):
        active = keys[n + cells.index(ended)]
        assert (active, [start(april), active], False) in relations
    assert not any(p[0] is start(january) and not e and t[0][0] != "cap" for t, p, e in relations)
    # where the release begins and ends: the cases open on 1 January at most the
    # known cap, and those still open on 1 January 2026 (known) among the active
    # cases of the year, December and the fourth quarter
    for r in range(rest):
        cap = keys[-2 * rest + r]
        assert (cap, [start((0, *cells[r][1:])), cap], False) in relations
    after = {p[0] for t, p, e in relations if not e and p[0][0][0] == "next"}
    assert after == set(keys[-rest:])
    ending = [p for p, period in enumerate(layout.periods) if str(period) in ("2025", "2025-Q4")]
    ending += [p for p, period in enumerate(layout.periods) if str(period) == "2025-12"]
    for p in ending:
        active = keys[n + cells.index((p, "05558004", ()))]
        assert (
            active,
            [keys[-rest + cells.index((0, "05558004", ()))], active],
            False,
        ) in relations


class _ScriptedFinder:
    """A finder whose witnesses are given in advance (changes of the columns, not
    tables: only the bookkeeping of the pruning pass is under test), and which records
    the primary cells it is asked to find a new witness for."""

    def __init__(self, cells: Sequence[str], first: dict[str, dict[str, float]]) -> None:
        self.cells = list(cells)
        self.col = {c: i for i, c in enumerate(self.cells)}
        self.first = {self.col[t]: self._cols(w) for t, w in first.items()}
        self.again: dict[int, list[dict[int, float] | None]] = {}
        self.asked: list[str] = []
        self.patience: int | None = None
        self.crowd: int | None = None

    def _cols(self, change: dict[str, float]) -> dict[int, float]:
        return {self.col[c]: d for c, d in change.items()}

    def then(self, target: str, *changes: dict[str, float] | None) -> None:
        """The answers to the next searches for *target*, in turn."""
        self.again[self.col[target]] = [None if c is None else self._cols(c) for c in changes]

    def find(self, target: int, rise: float, cost: Any) -> dict[int, float] | None:
        return self.first[target]

    def refind(self, target: int, rise: float, hidden: Any, cost: Any) -> dict[int, float] | None:
        self.asked.append(self.cells[target])
        change = self.again[target].pop(0)
        assert change is None or all(hidden[c] for c in change), "a published cell"
        return change

    def linked(self, target: int) -> list[int]:
        return [target]

    def near(self, col: int) -> set[int]:
        return set()


def _prune(finder: _ScriptedFinder, values: dict[str, int]) -> Any:
    from kommunale_integration._engine._protection import _Search

    primary = {c: THRESHOLD for c, v in values.items() if v < THRESHOLD}
    search = _Search(values, finder, primary)
    search.cover()
    search.prune()
    hidden = {finder.cells[c] for c in range(len(finder.cells)) if search.hidden[c]}
    moved = {finder.cells[c] for change in search._changes().values() for c in change}
    assert moved <= hidden  # every surviving witness moves suppressed cells only
    return hidden


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.integers(0, 40), min_size=2, max_size=8), data=st.data())
def test_a_search_starts_and_ends_as_cell_by_cell(values: list[int], data: Any) -> None:
    """The costs, the primary cells' order, the suppressed cells and the values they
    take in the witnesses (computed at once) are those computed cell by cell."""
    import numpy as np

    from kommunale_integration._engine._protection import _Search

    cells = [f"c{i}" for i in range(len(values))]
    table = dict(zip(cells, values, strict=True))
    primary = {c: THRESHOLD for c, v in table.items() if 0 < v < THRESHOLD}
    primary = primary or {cells[0]: table[cells[0]] + 1}
    finder = _ScriptedFinder(cells, {})
    search = _Search(table, finder, primary)
    scale = math.log1p(max(values)) or 1.0
    assert search.base_cost.tolist() == [
        1.0 + 0.1 * math.log1p(v) / scale if v else ZERO_COST for v in values
    ]
    assert search.zero == [v == 0 for v in values]
    rise = {cells.index(c): float(need - table[c]) for c, need in primary.items()}
    assert search.rise == rise
    assert search.order == sorted(rise, key=lambda col: (-rise[col], col))
    assert [bool(h) for h in search.hidden] == [col in rise for col in range(len(cells))]
    column = {c: i for i, c in enumerate(cells)}
    given = _Search(table, finder, primary, column=column, value=np.array(values))
    assert (given.rise, given.order) == (search.rise, search.order)
    assert given.base_cost.tolist() == search.base_cost.tolist()
    changes = data.draw(
        st.lists(
            st.dictionaries(
                st.integers(0, len(cells) - 1),
                st.integers(-3, 3).filter(bool).map(float),
                min_size=1,
            ),
            max_size=5,
        )
    )
    hidden_at = search.hidden.tolist()
    for change in changes[:-1]:
        search._add(change)
    search.result()  # (the witnesses' entries are kept until the next one is taken)
    for change in changes[-1:]:
        search._add(change)
    # a suppressed cell is free for the next witness; the others keep their cost
    free = [h or any(col in change for change in changes) for col, h in enumerate(hidden_at)]
    assert search.cost.tolist() == [
        0.0 if f else c for f, c in zip(free, search.base_cost.tolist(), strict=True)
    ]
    seen = {cells[col]: [float(values[col])] for col in rise}
    for change in changes:
        for col, delta in change.items():
            seen.setdefault(cells[col], [float(values[col])]).append(values[col] + delta)
    hidden, intervals = search.result()
    assert hidden == set(seen)
    assert intervals == {c: (min(v), max(v)) for c, v in seen.items()}


def test_cubes_of_the_same_cells_with_other_coordinates() -> None:
    """The positions of a table's cells are kept for the next table with the same
    cells and coordinates only; each cube holds its own values."""
    from kommunale_integration._engine._hypercube import NotAProduct

    cells = [(a, b) for a in "xy" for b in "uvw"]
    values = {c: i for i, c in enumerate(cells)}

    def swap(cell: tuple[str, str]) -> tuple[str, str]:
        return cell[1], cell[0]

    one = Cube(values, [[], []], None, 0)
    swapped = Cube(values, [[], []], swap, 0)
    again = Cube({c: 2 * v for c, v in values.items()}, [[], []], None, 0)
    assert (one.shape, swapped.shape, again.shape) == ((2, 3), (3, 2), (2, 3))
    for cube, factor in ((one, 1), (swapped, 1), (again, 2)):
        assert sorted(cube.column.values()) == list(range(6))
        for cell in cells:
            assert cube.cells[cube.column[cell]] == cell
            assert cube.value[cube.column[cell]] == factor * values[cell]
    assert swapped.cells[1] == ("y", "u")  # (u, x), (u, y), (v, x) …
    with pytest.raises(NotAProduct):
        Cube({c: v for c, v in values.items() if c != cells[0]}, [[], []], None, 0)


def test_pruning_asks_the_cell_that_failed_first_and_not_a_stale_witness() -> None:
    """A primary cell whose search for a new witness failed is asked first the next
    time (it is the likeliest to fail again); a witness found for a candidate that
    stayed suppressed is reused only while every cell it moves is still suppressed."""
    values = {"p1": 1, "p2": 1, "a": 9, "x": 8, "b": 7}
    finder = _ScriptedFinder(
        list(values),
        {"p1": {"p1": 2, "a": -2, "b": -2}, "p2": {"p2": 2, "a": -2, "x": -2}},
    )
    # a: p1 finds one (moving x), p2 none — a stays; x: p2 finds one — x is published;
    # b: p2 (failed before) first, then p1, whose witness from a moves x: asked again
    finder.then("p1", {"p1": 2, "x": -2}, {"p1": 2, "a": -2})
    finder.then("p2", None, {"p2": 2, "b": -2}, {"p2": 2, "a": -2})
    assert _prune(finder, values) == {"p1", "p2", "a"}
    assert finder.asked == ["p1", "p2", "p2", "p2", "p1"]


def test_pruning_reuses_a_witness_whose_cells_are_still_suppressed() -> None:
    """The witness that p1 found while a was tried moves only c, which stays
    suppressed: when d is tried, p1 takes it again without a new search."""
    values = {"p1": 1, "p2": 1, "p3": 1, "a": 9, "c": 8, "d": 5}
    finder = _ScriptedFinder(
        list(values),
        {"p1": {"p1": 2, "a": -2, "d": -2}, "p2": {"p2": 2, "a": -2}, "p3": {"p3": 2, "c": -2}},
    )
    finder.then("p1", {"p1": 2, "c": -2})
    finder.then("p2", None)
    finder.then("p3", None)
    assert _prune(finder, values) == {"p1", "p2", "p3", "a", "c"}
    assert finder.asked == ["p1", "p2", "p3"]


@pytest.mark.parametrize("patience", [None, 2])
def test_pruning_gives_up_on_a_cell_that_found_no_witness_twice(patience: int | None) -> None:
    """With a patience of 2, the third candidate that needs p1, after two failed
    searches, stays suppressed without a search (though one would succeed); without
    a limit (the linear finder) p1 is asked again and c is published."""
    values = {"p1": 1, "a": 9, "b": 8, "c": 7}
    finder = _ScriptedFinder(list(values), {"p1": {"p1": 2, "a": -2, "b": -2, "c": -2}})
    finder.patience = patience
    finder.then("p1", None, None, {"p1": 2, "a": -2, "b": -2})
    if patience is None:
        assert _prune(finder, values) == {"p1", "a", "b"}
        assert finder.asked == ["p1", "p1", "p1"]
    else:
        assert _prune(finder, values) == {"p1", "a", "b", "c"}
        assert finder.asked == ["p1", "p1"]


@pytest.mark.parametrize("crowd", [None, 2, 3])
def test_pruning_leaves_a_cell_that_many_witnesses_move(crowd: int | None) -> None:
    """With a crowd of 2, a, which the witnesses of p1 and p2 both move, stays
    suppressed without a search (though both would find a new one), and b and c,
    which one witness moves each, are tried; with 3 or without a limit (the linear
    finder) a is tried too, and published."""
    values = {"p1": 1, "p2": 1, "a": 9, "b": 8, "c": 7}
    finder = _ScriptedFinder(
        list(values), {"p1": {"p1": 2, "a": -2, "b": -2}, "p2": {"p2": 2, "a": -2, "c": -2}}
    )
    finder.crowd = crowd
    if crowd == 2:
        # b: p1 finds none; c: p2 finds none — everything stays
        finder.then("p1", None)
        finder.then("p2", None)
        assert _prune(finder, values) == {"p1", "p2", "a", "b", "c"}
        assert finder.asked == ["p1", "p2"]
    else:
        # a: both find one (moving b and c) — published; b and c: p1 finds none
        finder.then("p1", {"p1": 2, "b": -2, "c": -2}, None, None)
        finder.then("p2", {"p2": 2, "c": -2})
        assert _prune(finder, values) == {"p1", "p2", "b", "c"}
        assert finder.asked == ["p1", "p2", "p1", "p1"]


def test_pruning_takes_the_last_witness_of_a_cell_no_longer_asked() -> None:
    """A primary cell that is no longer asked (p, after its failed search at c)
    still lends its last witness while every cell it moves is suppressed: at d, p
    and q are both no longer asked, p's witness (moving p, q and c) raises q too,
    and d is published — the search does not end because q lost its own."""
    values = {"p": 1, "q": 1, "r": 1, "a": 9, "b": 8, "c": 7, "d": 6}
    finder = _ScriptedFinder(
        list(values),
        {
            "p": {"p": 2, "a": -2, "c": -2, "d": -2},
            "q": {"q": 2, "a": -2, "b": -2, "d": -2},
            "r": {"r": 2, "a": -2},
        },
    )
    finder.patience = 1
    # a: p finds one (raising q too), r none; b: q none; c: p none (its witness moves c)
    finder.then("p", {"p": 2, "q": 2, "c": -1}, None)
    finder.then("q", None)
    finder.then("r", None)
    assert _prune(finder, values) == {"p", "q", "r", "a", "c"}
    assert finder.asked == ["p", "r", "q", "p"]


def test_a_cell_no_longer_asked_ends_the_search_only_when_it_needs_a_witness() -> None:
    """p, no longer asked after its failed search at a, is also raised far enough by
    q's witness, which stays when b is tried: p needs no new witness there, so b is
    published (only q, whose sole witness moves b, needs one)."""
    values = {"p": 1, "q": 1, "a": 9, "b": 7}
    finder = _ScriptedFinder(
        list(values),
        {"p": {"p": 2, "a": -2}, "q": {"q": 2, "p": 2, "a": -1, "b": -1}},
    )
    finder.patience = 1
    # a: both witnesses move a, p is asked first and finds none — a stays;
    # b: only q's witness moves b; p keeps its own witness (moving a)
    finder.then("p", None)
    finder.then("q", {"q": 2, "a": -2})
    assert _prune(finder, values) == {"p", "q", "a"}
    assert finder.asked == ["p", "q"]


def test_the_finders_patience() -> None:
    """The product finder gives up on a primary cell after ``PRUNE_FAILURES`` (1)
    failed search and does not try to publish a cell that ``PRUNE_CROWD`` (4)
    witnesses move; the linear finder (small tables, where every secondary cell
    that can be published is) does neither."""
    from kommunale_integration._engine import _protection

    values = {("a", "f"): 1, ("a", "m"): 4, ("a", "_T"): 5}
    dimensions: list[Any] = [[], [("_T", ["f", "m"], True)]]
    relations = _protection.normalise([(("a", "_T"), [("a", "f"), ("a", "m")])])
    cube = Cube(values, dimensions, None, 0)
    product = _protection._CubeFinder(cube, values, relations, {("a", "f"): 3}, 0)
    system = _protection._DeltaSystem(values, relations, {("a", "f"): 3}, 0)
    assert _protection.PRUNE_FAILURES == 1
    assert product.patience == 1
    assert _protection._LinearFinder(system).patience is None
    assert _protection.PRUNE_CROWD == 4
    assert product.crowd == 4
    assert _protection._LinearFinder(system).crowd is None


@settings(max_examples=30)
@given(territory_trees(4), st.booleans())
def test_the_vectors_of_a_twin_are_those_of_the_search(
    districts: dict[str, list[str]], additive: bool
) -> None:
    """The vectors of a value in the same relations as one already searched (a
    municipality beside another, a month beside another) are taken from it with the
    two swapped: the same vectors, in the same order, as the search gives."""

    from kommunale_integration._engine._hypercube import _Axis

    territories = ["all", *districts, *(m for kids in districts.values() for m in kids)]
    territory = [("all", list(districts), True), *((d, k, True) for d, k in districts.items())]
    for values, relations in [(territories, territory), (list(PERIODS), time_relations(additive))]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_hypercube, "_VECTORS", {})
            axis = _Axis(values, relations)
            shared = [axis.vectors(v) for v in range(len(values))]
        _as_searched(values, relations, shared)


def _as_searched(values: list[Any], relations: list[Relation], shared: list[Any]) -> None:
    """Each value's vectors as an axis of its own searches them (*shared*: those of
    one axis that took them from a twin where it could)."""
    import numpy as np

    from kommunale_integration._engine._hypercube import _Axis

    for v in range(len(values)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_hypercube, "_VECTORS", {})
            alone = _Axis(values, relations).vectors(v)
        assert all(np.array_equal(a, b) for a, b in zip(shared[v], alone, strict=True))


@settings(max_examples=40)
@given(
    st.lists(st.integers(1, 3), min_size=2, max_size=5),
    st.integers(0, 2),
    st.randoms(use_true_random=False),
)
def test_the_vectors_of_a_twin_district_are_those_of_the_search(
    sizes: list[int], loose_leaves: int, rng: Any
) -> None:
    """A district maps to another with as many municipalities (the two swapped, and
    their municipalities in order): its vectors are those of the search, in the same
    order, whatever the order of the values and of the relations (which decides the
    relation the search mends first). Municipalities directly under the top are in no
    district's place."""

    from kommunale_integration._engine._hypercube import _Axis

    districts = {f"D{d}": [f"D{d}M{m}" for m in range(n)] for d, n in enumerate(sizes)}
    top = [*districts, *(f"L{i}" for i in range(loose_leaves))]
    values = ["all", *top, *(m for kids in districts.values() for m in kids)]
    relations: list[Relation] = [("all", top, True), *((d, k, True) for d, k in districts.items())]
    rng.shuffle(values)
    rng.shuffle(relations)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_hypercube, "_VECTORS", {})
        axis = _Axis(values, relations)
        assert sorted(axis.values[v] for v in axis.own) == sorted(districts)
        for v in rng.sample(range(len(values)), len(values)):
            axis.vectors(v)  # in a random order: any district may be searched first
        shared = [axis.vectors(v) for v in range(len(values))]
    _as_searched(values, relations, shared)


class _PoolFinder:
    """A finder whose answers depend only on what it is asked and on the suppressed
    cells: for a primary cell, the first change of its pool that moves suppressed
    cells only (None when there is none); the cells next to a cell are fixed."""

    def __init__(
        self,
        n: int,
        first: dict[int, dict[int, float]],
        pools: dict[int, list[dict[int, float]]],
        near: dict[int, set[int]],
        patience: int | None,
        crowd: int | None = None,
    ) -> None:
        self.cells = [f"c{i}" for i in range(n)]
        self.first, self.pools, self._near = first, pools, near
        self.patience = patience
        self.crowd = crowd
        self.asked: list[int] = []

    def find(self, target: int, rise: float, cost: Any) -> dict[int, float] | None:
        return self.first.get(target)  # (none for a zero: it stays suppressed alone)

    def refind(self, target: int, rise: float, hidden: Any, cost: Any) -> dict[int, float] | None:
        self.asked.append(target)
        pool = self.pools.get(target, [])
        return next((c for c in pool if all(hidden[k] for k in c)), None)

    def linked(self, target: int) -> list[int]:
        return [target]

    def near(self, col: int) -> set[int]:
        return self._near.get(col, set())


@st.composite
def _pool_searches(draw: st.DrawFn, zeros: bool = False) -> tuple[dict[str, int], _PoolFinder]:
    """A table and a finder with pools of witnesses; with *zeros* the table has
    zeros too (a witness raises them, so they join the cells that need one)."""
    n = draw(st.integers(3, 9))
    choice = [0, 1, 2, 5, 7, 9] if zeros else [1, 2, 5, 7, 9]
    values = draw(st.lists(st.sampled_from(choice), min_size=n, max_size=n))
    primary = [i for i, v in enumerate(values) if 0 < v < THRESHOLD]
    if not primary:
        values[0], primary = 1, [0]
    deltas = st.sampled_from([-2.0, -1.0, 1.0, 2.0, 3.0])

    def change(target: int) -> dict[int, float]:
        # other primary cells often (a witness raising two of them), a few others
        others = draw(st.sets(st.sampled_from(primary), max_size=3))
        others |= draw(st.sets(st.integers(0, n - 1), max_size=3))
        moved = {c: draw(deltas) for c in sorted(others - {target})}
        # a zero only grows (by 1 to 3: it may reach the threshold)
        moved = {c: abs(d) if values[c] == 0 else d for c, d in moved.items()}
        return {target: float(THRESHOLD - values[target]), **moved}

    first = {p: change(p) for p in primary}
    pools = {p: [change(p) for _ in range(draw(st.integers(0, 3)))] for p in primary}
    near = {c: draw(st.sets(st.sampled_from(primary), max_size=2)) for c in range(n)}
    patience = draw(st.sampled_from([None, 1, 2]))
    crowd = draw(st.sampled_from([None, 1, 2, 3]))
    finder = _PoolFinder(n, first, pools, near, patience, crowd)
    return {f"c{i}": v for i, v in enumerate(values)}, finder


@settings(max_examples=200)
@given(_pool_searches())
def test_pruning_without_the_hopeless_shortcut_ends_the_same(
    search: tuple[dict[str, int], _PoolFinder],
) -> None:
    """The pruning pass skips the ordering of the primary cells when the first of
    them would end the search anyway (:meth:`_Search._hopeless`): with the shortcut
    off, the same cells are asked, in the same order, and the same cells stay
    suppressed, with the same witnesses."""
    import copy

    from kommunale_integration._engine._protection import _Search

    values, finder = search
    primary = {c: THRESHOLD for c, v in values.items() if 0 < v < THRESHOLD}
    outcomes = []
    for shortcut in (True, False):
        mine = copy.deepcopy(finder)
        with pytest.MonkeyPatch.context() as patch:
            if not shortcut:
                patch.setattr(_Search, "_hopeless", lambda self, *given: False)
            result = _Search(values, mine, primary)
            result.cover()
            result.prune()
        outcomes.append((result.hidden.tolist(), result._changes(), mine.asked, result.failures))
    assert outcomes[0] == outcomes[1]


def _recomputed_search(
    values: dict[str, int], finder: _PoolFinder, primary: dict[str, int]
) -> dict[str, Any]:
    """The search's cover and pruning pass with nothing kept between the steps: which
    witnesses raise a cell far enough, which move a cell and which cells need a new
    witness are recomputed from the witnesses every time (the engine keeps them up to
    date instead: ``uses``, ``covers``, ``covered``, ``exhausted``, …)."""
    from collections import Counter

    tol = 1e-6
    cells = finder.cells
    value = [values[c] for c in cells]
    rise = {cells.index(c): float(need - values[c]) for c, need in primary.items()}
    hidden = [col in rise for col in range(len(cells))]
    order = sorted(rise, key=lambda col: (-rise[col], col))
    witnesses: dict[int, dict[int, float]] = {}
    keys = itertools.count()
    locked: set[int] = set()

    def covering(p: int) -> set[int]:
        return {k for k, w in witnesses.items() if w.get(p, 0.0) >= rise[p] - tol}

    def add(change: dict[int, float]) -> None:
        witnesses[next(keys)] = change
        for col in change:
            hidden[col] = True
            if value[col] == 0 and col not in rise:
                rise[col] = float(max(primary.values()))
                order.append(col)

    for target in order:  # (the zeros that join are reached in their turn)
        if covering(target):
            continue
        found = finder.find(target, rise[target], None)
        if found is None:
            for col in finder.linked(target):
                if value[col] or col == target:
                    hidden[col] = True
                    locked.add(col)
        else:
            add(found)
    rank = {col: i for i, col in enumerate(order)}
    failures: Counter[int] = Counter()
    spare: dict[int, dict[int, float]] = {}
    candidates = [
        col
        for col in range(len(cells))
        if hidden[col] and col not in locked and cells[col] not in primary
    ]
    candidates.sort(key=lambda col: (-value[col], col))
    for col in candidates:
        lost = {k for k, w in witnesses.items() if col in w}
        if finder.crowd is not None and len(lost) >= finder.crowd:
            continue  # moved by as many witnesses as the finder's crowd: not tried
        needy = [p for p in rise if p != col and covering(p) and covering(p) <= lost]
        hidden[col] = False
        near = finder.near(col)
        found_all: list[dict[int, float]] | None = []
        for target in sorted(needy, key=lambda p: (p not in near, -failures[p], rank[p])):
            assert found_all is not None
            if any(w.get(target, 0.0) >= rise[target] - tol for w in found_all):
                continue
            change = spare.get(target)
            if change is not None and not all(hidden[c] for c in change):
                change = None
            if change is None:
                if finder.patience is not None and failures[target] >= finder.patience:
                    found_all = None
                    break
                change = finder.refind(target, rise[target], hidden, None)
                if change is None:
                    failures[target] += 1
                    found_all = None
                    break
                spare[target] = change
            found_all.append(change)
        if found_all is None:
            hidden[col] = True
            continue
        rise.pop(col, None)
        for k in lost:
            del witnesses[k]
        for change in found_all:
            add(change)
    for col in candidates:
        if hidden[col] and not any(col in w for w in witnesses.values()):
            hidden[col] = False
    return {
        "hidden": hidden,
        "witnesses": witnesses,
        "failures": failures,
        "rise": rise,
        "order": [col for col in order if col in rise],
        "asked": finder.asked,
        "covers": {p: covering(p) for p in rise},
        "covered": {
            k: {p for p in rise if w.get(p, 0.0) >= rise[p] - tol} for k, w in witnesses.items()
        },
        "exhausted": {
            p for p, n in failures.items() if finder.patience is not None and n >= finder.patience
        },
    }


@settings(max_examples=300)
@given(st.one_of(_pool_searches(), _pool_searches(zeros=True)), st.sampled_from([1, 2, 3, 1024]))
def test_the_bookkeeping_of_the_search_is_what_the_witnesses_say(
    search: tuple[dict[str, int], _PoolFinder], batch: int
) -> None:
    """The search keeps, witness by witness, the cells each moves (``uses``, for the
    cells the pruning pass tries to publish again, as it asks), the cells each raises
    far enough (``covered``, and its inverse ``covers``) and the cells no
    longer asked (``exhausted``), and finds the cells that need a new witness by
    counting on them: it ends exactly as a search that recomputes all of that from
    the witnesses at every step (the same cells asked in the same order, the same
    cells suppressed, the same witnesses), and what it keeps is what the surviving
    witnesses say. The values the suppressed cells take in the witnesses (computed
    from arrays kept between the certificate and the result) follow each witness
    taken or dropped. All of that also where the witnesses are kept as arrays every
    *batch* witnesses (``_BATCH``: 1,024 in the engine)."""
    import copy

    from kommunale_integration._engine import _protection
    from kommunale_integration._engine._protection import _Search

    values, finder = search
    primary = {c: THRESHOLD for c, v in values.items() if 0 < v < THRESHOLD}
    expected = _recomputed_search(values, copy.deepcopy(finder), primary)
    search_ = _Search(values, finder, primary)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_protection, "_BATCH", batch)
        search_.cover()
        search_.result()  # (the witnesses' entries, kept until one is taken or dropped)
        # each cell the pruning pass tries to publish again knows the witnesses that move
        # it (``uses``, made for those cells alone as the pass begins, and kept up to date)
        rewitness = search_._rewitness

        def checked(lost: Any, col: int) -> Any:
            moving = {k for k, change in search_._changes().items() if col in change}
            assert set(lost) == moving
            return rewitness(lost, col)

        search_._rewitness = checked  # type: ignore[method-assign]
        search_.prune()
        assert search_.uses == []  # (dropped after the pass)
        outcome = _outcome(search_)
        covered = {k: cols for k, cols in enumerate(search_.covered) if cols is not None}
        duplicates = [k for k, cols in covered.items() if len(cols) != len(set(cols))]
        assert duplicates == []  # a witness lists a cell it covers once
        assert {
            "hidden": search_.hidden.tolist(),
            "witnesses": search_._changes(),
            "failures": search_.failures,
            "rise": search_.rise,
            "order": search_.order,
            "asked": finder.asked,
            "covers": {p: keys for p, keys in enumerate(search_.covers) if keys is not None},
            "covered": {k: set(cols) for k, cols in covered.items()},
            "exhausted": search_.exhausted,
        } == expected
        assert search_.result() == outcome
        if search_._changes():  # and without the first witness (taken first, dropped now)
            search_._drop(min(search_._changes()))
            assert search_.result() == _outcome(search_)


def _outcome(search: Any) -> tuple[set[Any], dict[Any, tuple[float, float]]]:
    """The suppressed cells and the values they take in the witnesses of *search*."""
    cells, values = search.finder.cells, search.values
    seen = {cells[col]: [values[cells[col]]] for col, h in enumerate(search.hidden) if h}
    for change in search._changes().values():
        for col, delta in change.items():
            seen[cells[col]].append(values[cells[col]] + delta)
    return set(seen), {c: (min(v), max(v)) for c, v in seen.items()}


@settings(max_examples=200)
@given(st.one_of(_pool_searches(), _pool_searches(zeros=True)), st.sampled_from([1, 2, 1024]))
def test_the_witnesses_kept_as_arrays_are_the_witnesses(
    search: tuple[dict[str, int], _PoolFinder], batch: int
) -> None:
    """After the pruning pass the search keeps its witnesses as arrays (``_freeze``,
    for the peak memory) and takes further ones as mappings: the entries that the
    explanation, the certificate and the result read are those of all the witnesses
    as mappings, in the order of their keys, with those taken after — also once
    those are kept as arrays in turn (every *batch* witnesses: ``_BATCH``)."""
    from kommunale_integration._engine import _protection
    from kommunale_integration._engine._protection import _Search

    values, finder = search
    primary = {c: THRESHOLD for c, v in values.items() if 0 < v < THRESHOLD}
    search_ = _Search(values, finder, primary)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_protection, "_BATCH", batch)
        search_.cover()
        search_.prune()
    witnesses = search_._changes()

    def entries() -> list[tuple[int, int, float]]:
        keys = search_._keys().tolist()
        owner, cols, delta = search_._entries()
        return [
            (keys[o], c, d)
            for o, c, d in zip(owner.tolist(), cols.tolist(), delta.tolist(), strict=True)
        ]

    def expected() -> list[tuple[int, int, float]]:
        return [(k, c, d) for k in sorted(witnesses) for c, d in witnesses[k].items()]

    result = search_.result()
    search_._freeze()
    assert search_.witnesses == {}
    assert entries() == expected()
    assert search_.result() == result
    for change in list(witnesses.values())[:2]:  # (taken again, after the freeze)
        search_._add(change)
        witnesses[search_.next_key - 1] = change
    assert entries() == expected()
    search_._freeze()
    assert entries() == expected()
