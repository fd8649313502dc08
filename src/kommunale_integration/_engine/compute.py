"""Computing indicators per period × territory × disaggregation.

Case-based counts are computed without one Python object per case: the engine maps
every day to a *bucket* between consecutive period boundaries and counts
``(cell, bucket)`` pairs with :class:`collections.Counter` over compact columns.

* ``active`` (open in P = [start, end]): ``opened ≤ end`` and (no ``closed`` or
  ``closed ≥ start``). As ``closed ≥ opened``, this equals
  ``#(opened ≤ end) − #(closed < start)``: two prefix sums over buckets.
* ``new``: ``start ≤ opened ≤ end``: a difference of prefix sums.
* ``events``: a case counts once if it has at least one of the events in P. Each case
  gets a bit mask of the buckets in which it has such an event; a period is a range
  of buckets, so the case counts for P when its mask meets P's mask.

Each case belongs to exactly one municipality and has one value per dimension, so the
distinct count of a district, of ``all`` or of a ``_T`` cell is the sum of the counts
of its municipalities or dimension values: every case is counted once at every level.
Rates are computed from the summed numerators and denominators, never averaged.
"""

from __future__ import annotations

import itertools
import logging
import operator
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from .._cases import OPEN, CaseData, without_gc
from .._errors import Finding, KommunaleIntegrationError, LoadError, Location, Severity, shown
from .._i18n import format_number, ntr, tr
from .._model import (
    CaseCount,
    CaseCountKind,
    CaseFilter,
    Concept,
    Confidentiality,
    Indicator,
    ObservationStatus,
    OverTime,
    Territory,
    worst_status,
)
from .._periods import PeriodError, PeriodKind, ReportPeriod, fiscal_year_start
from .._territories import POPULATION, population_of
from ._families import event_families, pattern_counts
from ._families import over_time as family_over_time
from ._families import patterns as family_patterns
from .disclosure import AuditCell, DisclosureControl, is_primary, protect
from .expressions import Expression, ExpressionError, element, parse_expression
from .table import TOTAL, CellRow, IndicatorTable
from .temporal import combine_over_time

__all__ = ["AGE_GROUPS", "age_group", "compute_indicators", "expand_periods"]

log = logging.getLogger("kommunale_integration")

AGE_GROUPS = ("0-17", "18-26", "27-64", "65+")
"""The values of the ``age_group`` attribute (plus ``unknown`` without a birth year)."""

_MAX_BOUNDARIES = 62
_ONE_DECIMAL = Decimal("0.1")

Cell = tuple[int, str, tuple[str, ...]]


def age_group(birth_year: int, year: int) -> str:
    """The age group of someone born in *birth_year* at the end of *year*.

    The age is ``year − birth_year`` (the age reached in that year; the export has no
    birth date). ``0-17``, ``18-26``, ``27-64`` or ``65+``; ``unknown`` for a birth
    year of 0 (not given).

    .. versionadded:: 0.1.0
    """
    if birth_year <= 0:
        return "unknown"
    age = year - birth_year
    if age <= 17:
        return "0-17"
    if age <= 26:
        return "18-26"
    if age <= 64:
        return "27-64"
    return "65+"


#: The longest period (in calendar months touched) that is split into quarters and months.
MAX_SUBPERIOD_MONTHS = 36


def expand_periods(
    periods: Iterable[ReportPeriod | str], include_subperiods: bool = False
) -> list[ReportPeriod]:
    """Parse *periods* and, with *include_subperiods*, add their quarters and months.

    A year gets its 4 quarters and 12 months, a half year its quarters and months, a
    quarter its months, a school year its months (it does not split into calendar
    quarters). Duplicates are dropped; the order is kept. A period of more than
    :data:`MAX_SUBPERIOD_MONTHS` months is not split.

    Raises:
        PeriodError: *include_subperiods* for a period of more than
            :data:`MAX_SUBPERIOD_MONTHS` months (``0001-01-01/9999-12-31`` asked for
            120,000 months and quarters, whose protection needed 381 GB).

    .. versionadded:: 0.1.0
    """
    result: list[ReportPeriod] = []
    for item in periods:
        period = ReportPeriod.parse(item) if isinstance(item, str) else item
        result.append(period)
        if not include_subperiods:
            continue
        months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
        if months >= MAX_SUBPERIOD_MONTHS:
            raise PeriodError(
                "{period} spans {months} months; quarters and months are computed for at "
                "most {limit}: compute the period alone (--only) or a shorter one",
                period=str(period),
                months=months + 1,
                limit=MAX_SUBPERIOD_MONTHS,
            )
        for kind in (PeriodKind.QUARTER, PeriodKind.MONTH):
            if kind == period.kind:
                continue
            try:
                result.extend(period.split(kind))
            except PeriodError:
                continue
    return list(dict.fromkeys(result))


def age_years(periods: Sequence[ReportPeriod]) -> list[int]:
    """The year whose end gives a case its age group in each of *periods* (one
    release): the year of the latest last day among the periods that overlap it,
    directly or through others (a year with its quarters and months, a school or
    budget year with its months, two periods starting on the same day). So a
    period and its sub-periods take one age year, and a person is in one age group
    throughout them; periods that overlap none of another group keep their own
    (2024 and 2025, each with its quarters and months: 2024 and 2025).

    >>> from kommunale_integration import ReportPeriod
    >>> age_years([ReportPeriod.parse(p) for p in ["SJ2025/26", "2025-09", "2024"]])
    [2026, 2026, 2024]
    """
    groups: list[list[int]] = []
    ends: list[date] = []  # the latest last day of each group
    for p in sorted(range(len(periods)), key=lambda p: periods[p].start):
        if groups and periods[p].start <= ends[-1]:
            groups[-1].append(p)
            ends[-1] = max(ends[-1], periods[p].end)
        else:
            groups.append([p])
            ends.append(periods[p].end)
    years = [0] * len(periods)
    for group, end in zip(groups, ends, strict=True):
        for p in group:
            years[p] = end.year
    return years


class _Layout:
    """The cells of a computation: periods × territories × dimension combinations."""

    def __init__(
        self,
        periods: list[ReportPeriod],
        municipalities: Sequence[str],
        concept: Concept | None,
        dims: list[tuple[str, list[str]]],
        extra_territories: Iterable[str] = (),
        *,
        shown: Sequence[str] | None = None,
    ) -> None:
        self.periods = periods
        # the year whose end gives a case its age group in each period
        self.age_years = age_years(periods)
        self.dims = dims
        names = [name for name, _ in dims]
        # where the combinations hold the age group (their cases depend on the year)
        self.age_at = names.index("age_group") if "age_group" in names else None
        # the published breakdowns in the order of the output (*shown*, ``--by``; all
        # of *dims* when None; the cells are in the order of
        # :func:`canonical_breakdowns`); the others are hidden, protected but not
        # published (only their totals are): see :func:`_hidden_breakdowns`
        self.shown = [names.index(n) for n in (names if shown is None else shown)]
        self.hidden = len(dims) - len(self.shown)
        self.chains: dict[str, tuple[str, ...]] = {"all": ("all",)}
        for ags in [*municipalities, *extra_territories]:
            self.chain(ags, concept)
        if concept is not None:
            for territory in concept.territories:
                if len(territory.ags) == 8:
                    self.chain(territory.ags, concept)
            # never computed (above_concept): each chain goes on at the next territory
            # computed, so that a total is still the sum of everything below it
            above = {t for t in self.chains if above_concept(concept, t)}
            self.chains = {
                t: tuple(x for x in chain if x not in above)
                for t, chain in self.chains.items()
                if t not in above
            }
        self.territories = sorted(self.chains, key=lambda t: (t != "all", len(t), t))
        self.children: dict[str, list[str]] = {}
        for ags, chain in self.chains.items():
            if len(chain) > 1:
                self.children.setdefault(chain[1], []).append(ags)
        for kids in self.children.values():
            kids.sort()
        labels = [[TOTAL, *values] for _, values in dims]
        self.combos: list[tuple[str, ...]] = list(itertools.product(*labels))
        self._cells: list[Cell] | None = None
        self._shape: list[tuple[Cell, list[Cell], bool]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # a worker process makes the cells and relations again (sent, they would
        # cost more than they take to build)
        return {**self.__dict__, "_cells": None, "_shape": None}

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        return _received_layout, (self.__getstate__(),)

    def chain(self, ags: str, concept: Concept | None) -> tuple[str, ...]:
        """The territory and its ancestors up to ``all``."""
        found = self.chains.get(ags)
        if found is not None:
            return found
        if ags == "all":
            result: tuple[str, ...] = ("all",)
        else:
            parent: str | None = None
            territory = concept.territory_of(ags) if concept is not None else None
            if territory is not None and territory.parent:
                parent = territory.parent
            elif len(ags) == 8:
                parent = ags[:5]
            result = (ags, *self.chain(parent or "all", concept))
        self.chains[ags] = result
        return result

    def cells(self) -> Iterable[Cell]:
        return iter(self.cell_list())

    def table_order(self, *, totals_only: bool) -> list[int]:
        """Positions in :meth:`cell_list` in the row order of :class:`IndicatorTable`
        (periods by start and longest first, combinations ``_T`` first, then by value)."""
        periods = sorted(
            range(len(self.periods)),
            key=lambda p: (
                self.periods[p].start,
                -self.periods[p].end.toordinal(),
                str(self.periods[p]),
            ),
        )
        n_t, n_c = len(self.territories), len(self.combos)
        shown = len(self.dims) - self.hidden
        order = [*self.shown, *range(shown, len(self.dims))]
        combos = (
            [0]
            if totals_only
            else sorted(
                (c for c in range(n_c) if all(v == TOTAL for v in self.combos[c][shown:])),
                key=lambda c: tuple((self.combos[c][i] != TOTAL, self.combos[c][i]) for i in order),
            )
        )
        return [(p * n_t + t) * n_c + c for p in periods for t in range(n_t) for c in combos]

    def cell_list(self) -> list[Cell]:
        """Every cell, periods first, then territories, then combinations."""
        if self._cells is None:
            self._cells = [
                (p, t, combo)
                for p in range(len(self.periods))
                for t in self.territories
                for combo in self.combos
            ]
        return self._cells

    def dimensions(self, additive_in_time: bool) -> list[list[tuple[Any, list[Any], bool]]]:
        """The relations of :meth:`groups` per coordinate of :meth:`coordinates`
        (period, territory, each breakdown): the table is their product."""
        periods: list[tuple[Any, list[Any], bool]] = []
        for total, subs in self._subperiods():
            periods.append((total, subs, additive_in_time))
        territories: list[tuple[Any, list[Any], bool]] = [
            (parent, list(kids), True) for parent, kids in self.children.items()
        ]
        breakdowns: list[list[tuple[Any, list[Any], bool]]] = [
            [(TOTAL, list(values), True)] if values else [] for _, values in self.dims
        ]
        return [periods, territories, *breakdowns]

    @staticmethod
    def coordinates(cell: Cell) -> tuple[Any, ...]:
        """The coordinates of a cell: period, territory, one value per breakdown."""
        return (cell[0], cell[1], *cell[2])

    def edges(self) -> tuple[list[int], list[int]]:
        """Where the periods begin and end as a whole: for each span of days that they
        cover (with no day left out) and, where the combinations hold the age group,
        age in one year (:func:`age_years`), the first period (in :attr:`periods`)
        that starts on its first day and the first that ends on its last. 2025-Q2
        with its months is one span, from the quarter to the quarter; 2024 and 2025
        are one as well, the first quarter and the third of a year are two — and by
        age group 2024 and 2025 are two: the cases open on 1 January 2025 are other
        cells of an age group for 2024 than for 2025, and each year's table ties to
        the other's as to a release before or after (:func:`_joint_table`)."""
        years = self.age_years if self.age_at is not None else [0] * len(self.periods)
        spans: list[list[int]] = []
        for start, end, year in sorted(
            (p.start.toordinal(), p.end.toordinal(), y)
            for p, y in zip(self.periods, years, strict=True)
        ):
            if spans and start <= spans[-1][1] + 1 and year == spans[-1][2]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end, year])
        starting: dict[int, int] = {}
        ending: dict[int, int] = {}
        for p, period in enumerate(self.periods):
            starting.setdefault(period.start.toordinal(), p)
            ending.setdefault(period.end.toordinal(), p)
        return [starting[a] for a, _, _ in spans], [ending[b] for _, b, _ in spans]

    def _subperiods(self) -> list[tuple[int, list[int]]]:
        """Each period with its sub-periods of one kind (positions in :attr:`periods`).

        Two periods of the same days under two names (``2025-01-01/2025-01-31`` and
        ``2025-01``, ``HJ2025`` and ``2025`` where the budget year is the calendar
        year) hold the same cells: the one is the other's one sub-period, once (not
        both ways round), or a cell suppressed under the one name was published
        under the other."""
        position = {period: p for p, period in enumerate(self.periods)}
        found: list[tuple[int, list[int]]] = []
        same: set[frozenset[int]] = set()
        for p, period in enumerate(self.periods):
            for kind in PeriodKind:
                if kind in (period.kind, PeriodKind.INTERVAL, PeriodKind.WEEK):
                    continue
                try:
                    subs = period.split(kind)
                except PeriodError:
                    continue
                if not subs or any(s not in position for s in subs):
                    continue
                if len(subs) == 1:
                    pair = frozenset((p, position[subs[0]]))
                    if pair in same:
                        continue
                    same.add(pair)
                found.append((p, [position[s] for s in subs]))
        return found

    def groups(self, additive_in_time: bool) -> list[tuple[Cell, list[Cell], bool]]:
        """Every relation ``(total, parts, exact)`` between the cells.

        Within each period the totals are sums (``exact``). Between a period and its
        sub-periods the total is their sum for counts that add up over time (new
        cases, *additive_in_time*); for distinct counts (a case active or with an
        event in two months counts once in the year) ``max(parts) ≤ total ≤
        sum(parts)``.

        The cells are those of :meth:`cell_list` (no copies) and the parts lists are
        shared by both kinds of count: a relation costs a tuple and its list once.
        """
        return [
            (total, parts, additive_in_time if over_time else True)
            for total, parts, over_time in self._relations()
        ]

    def _relations(self) -> list[tuple[Cell, list[Cell], bool]]:
        """The relations of :meth:`groups`, each with whether it is one over time."""
        if self._shape is None:
            cells = self.cell_list()
            self._shape = [
                (cells[total], [cells[x] for x in parts], over_time)
                for total, parts, over_time in self.relation_positions()
            ]
        return self._shape

    def relation_positions(self) -> Iterator[tuple[int, list[int], bool]]:
        """The relations of :meth:`groups` by the positions of their cells in
        :meth:`cell_list` (the one place they are built), each with whether it is one
        over time: within each period the territories and each breakdown, then each
        period with its sub-periods (aged in one year, :func:`age_years`)."""
        n_t, n_c = len(self.territories), len(self.combos)
        t_at = {t: i for i, t in enumerate(self.territories)}
        c_at = {c: i for i, c in enumerate(self.combos)}
        # per combination with a total at dimension i: the combinations of its values
        splits = [
            (c, [c_at[(*combo[:i], v, *combo[i + 1 :])] for v in values])
            for i, (_, values) in enumerate(self.dims)
            for c, combo in enumerate(self.combos)
            if combo[i] == TOTAL
        ]
        family = [(t_at[parent], [t_at[k] for k in kids]) for parent, kids in self.children.items()]
        for p in range(len(self.periods)):
            base = p * n_t
            for c in range(n_c):
                for parent, kids in family:
                    yield (base + parent) * n_c + c, [(base + k) * n_c + c for k in kids], False
            for c, parts in splits:
                for t in range(n_t):
                    at = (base + t) * n_c
                    yield at + c, [at + v for v in parts], False
        for p, subs in self._subperiods():
            for t in range(n_t):
                for c in range(n_c):
                    at = t * n_c + c
                    yield p * n_t * n_c + at, [s * n_t * n_c + at for s in subs], True


_RECEIVED: list[_Layout] = []
"""The last layout this process received from another (a worker process: its jobs)."""


def _received_layout(state: dict[str, Any]) -> _Layout:
    """A layout sent to this process (unpickled), or the equal one received last
    with its cells and relations: a worker makes them once for all the tables of a
    computation that it protects, not once per table (each job is sent with its own
    copy of the layout), and the protection finds what it kept for the last table
    with the same cells (:func:`~._hypercube.forget`) by identity, not cell by cell."""
    for known in _RECEIVED:
        if known.__getstate__() == {**state, "_cells": None, "_shape": None}:
            return known
    layout = _Layout.__new__(_Layout)
    layout.__dict__.update(state)
    _RECEIVED[:] = [layout]
    return layout


class _CaseCounter:
    """Counts of a :class:`CaseCount` per period and cell, from compact columns."""

    def __init__(self, cases: CaseData, layout: _Layout, by: Sequence[str]) -> None:
        self.cases = cases
        self.layout = layout
        self.by = list(by)
        self.dimensions = cases.dimensions
        self._leaf_cache: dict[int, tuple[Sequence[int], int]] = {}
        self._age_cache: dict[int, array[int]] = {}
        self._cum_cache: dict[tuple[Any, ...], dict[int, list[int]]] = {}
        mun_labels = self.dimensions["municipality"][1]
        self.mun_labels = list(mun_labels)

    # ----------------------------------------------------------------- attributes

    def _age_codes(self, year: int) -> array[int]:
        found = self._age_cache.get(year)
        if found is None:
            groups = [*AGE_GROUPS, "unknown"]
            table = [groups.index(age_group(b, year)) for b in range(10000)]
            found = array("B", map(table.__getitem__, self.cases.birth_year))
            self._age_cache[year] = found
        return found

    def _attribute(self, name: str, year: int) -> tuple[Sequence[int], list[str]]:
        if name == "age_group":
            return self._age_codes(year), [*AGE_GROUPS, "unknown"]
        found = self.dimensions.get(name)
        if found is None or name == "municipality":
            known = ", ".join(["age_group", *self.cases.dimension_names])
            raise KommunaleIntegrationError(
                tr(
                    "the case data has no attribute {name} (known: {known})",
                    name=shown(name),
                    known=known,
                )
            )
        return found[0], found[1]

    def leaves(self, year: int) -> tuple[Sequence[int], int]:
        """Per case its leaf number (municipality × dimension values) and the radix."""
        key = year if "age_group" in self.by else 0
        found = self._leaf_cache.get(key)
        if found is not None:
            return found
        codes: Sequence[int] = self.dimensions["municipality"][0]
        radix = 1
        for name in self.by:
            values, labels = self._attribute(name, year)
            width = max(len(labels), 1)
            codes = array(
                "I", map(operator.add, map(operator.mul, codes, itertools.repeat(width)), values)
            )
            radix *= width
        self._leaf_cache[key] = (codes, radix)
        return codes, radix

    def keep(self, filters: Sequence[CaseFilter], year: int) -> bytes | None:
        """Per case 1 when it passes every filter, or ``None`` without filters."""
        mask: bytes | None = None
        for item in filters:
            values, labels = self._attribute(item.attribute, year)
            wanted = set(item.values)
            table = bytes(int(label in wanted) for label in labels) + b"\0"
            current = bytes(map(table.__getitem__, values))
            mask = current if mask is None else bytes(map(operator.and_, mask, current))
        return mask

    # ----------------------------------------------------------------- counting

    def count(self, spec: CaseCount) -> dict[int, Counter[int]]:
        """Per period index the counts per leaf."""
        uses_age = any(f.attribute == "age_group" for f in spec.filters) or "age_group" in self.by
        periods, years = self.layout.periods, self.layout.age_years
        result: dict[int, Counter[int]] = {p: Counter() for p in range(len(periods))}
        for batch in _batches(periods, years if uses_age else None):
            self._count_batch(spec, batch, years[batch[0]], result)
        return result

    def _cumulative(
        self,
        column: str,
        bounds: list[int],
        year: int,
        filters: Sequence[CaseFilter],
        keep: bytes | None,
    ) -> dict[int, list[int]]:
        """Per leaf the number of cases whose *column* day lies in buckets 0..k (for k
        up to ``len(bounds) + 1``), cached for the counts that share it."""
        key = (column, tuple(bounds), year if "age_group" in self.by else 0, tuple(filters))
        found = self._cum_cache.get(key)
        if found is not None:
            return found
        top = len(bounds)
        width = top + 2
        days: Sequence[int] = getattr(self.cases, column)
        bucket = {d: bisect_right(bounds, d) for d in set(days)}
        bucket[OPEN] = top + 1
        leaves, _ = self.leaves(year)
        keys: Iterable[int] = map(
            operator.add,
            map(operator.mul, leaves, itertools.repeat(width)),
            map(bucket.__getitem__, days),
        )
        if keep is not None:
            keys = itertools.compress(keys, keep)
        table: dict[int, list[int]] = {}
        for code, n in Counter(keys).items():
            leaf, position = divmod(code, width)
            row = table.get(leaf)
            if row is None:
                row = table[leaf] = [0] * width
            row[position] += n
        for row in table.values():
            total = 0
            for i, n in enumerate(row):
                total += n
                row[i] = total
        self._cum_cache[key] = table
        return table

    def _count_batch(
        self, spec: CaseCount, batch: list[int], year: int, result: dict[int, Counter[int]]
    ) -> None:
        periods = self.layout.periods
        bounds = sorted(
            {periods[p].start.toordinal() for p in batch}
            | {periods[p].end.toordinal() + 1 for p in batch}
        )
        position = {b: i for i, b in enumerate(bounds)}
        ranges = {
            p: (position[periods[p].start.toordinal()], position[periods[p].end.toordinal() + 1])
            for p in batch
        }
        leaves, _ = self.leaves(year)
        keep = self.keep(spec.filters, year)
        cases = self.cases
        top = len(bounds)
        if spec.count in (CaseCountKind.ACTIVE, CaseCountKind.NEW):
            cum_open = self._cumulative("opened", bounds, year, spec.filters, keep)
            cum_closed: dict[int, list[int]] = {}
            if spec.count is CaseCountKind.ACTIVE:
                cum_closed = self._cumulative("closed", bounds, year, spec.filters, keep)
            zero = [0] * (top + 2)
            for p in batch:
                a, b = ranges[p]
                target = result[p]
                for leaf, cum in cum_open.items():
                    if spec.count is CaseCountKind.ACTIVE:
                        n = cum[b] - cum_closed.get(leaf, zero)[a]
                    else:
                        n = cum[b] - cum[a]
                    if n:
                        target[leaf] += n
            return
        # events: a bit mask of buckets per case
        masks = array("Q", bytes(8 * len(cases)))
        bit_of: dict[int, int] = {}
        case_numbers, event_days = cases.events_of(spec.events)
        if not isinstance(event_days, array):
            event_days = array("i", event_days)
            case_numbers = array("i", case_numbers)
        first, last = bounds[0], bounds[-1]
        for day in set(event_days):
            # days outside the batch's periods set no bit
            bit_of[day] = 1 << bisect_right(bounds, day) if first <= day < last else 0
        for case, day in zip(case_numbers, event_days, strict=False):
            masks[case] |= bit_of[day]
        period_mask = {
            p: ((1 << (b + 1)) - 1) ^ ((1 << (a + 1)) - 1) for p, (a, b) in ranges.items()
        }
        # only cases with an event in the batch's periods
        pairs: Iterable[tuple[int, int]] = itertools.compress(
            zip(leaves, masks, strict=False), masks
        )
        if keep is not None:
            selected = bytes(map(operator.and_, keep, map(bool, masks)))
            pairs = itertools.compress(zip(leaves, masks, strict=False), selected)
        hits: dict[int, list[int]] = {}
        for (leaf, mask), n in Counter(pairs).items():
            if not mask:
                continue
            found = hits.get(mask)
            if found is None:
                found = hits[mask] = [p for p, pm in period_mask.items() if mask & pm]
            for p in found:
                result[p][leaf] += n

    def cells(self, spec: CaseCount, year_of: dict[int, int]) -> list[int]:
        """The count of every cell (period × territory × dimension combination), in
        the order of :meth:`_Layout.cell_list`."""
        return list(self.roll_up(self.count(spec), year_of).values())

    def open_at(self, spec: CaseCount, p: int, day: int, year: int) -> list[int]:
        """The cases of *spec* (its filters) already open when the day *day* (an
        ordinal) begins — opened before it, not closed before it — per territory
        and combination, in the order of the cells of the period *p* (whose
        breakdowns, aged in *year*, they take)."""
        keep = self.keep(spec.filters, year)
        opened = self._cumulative("opened", [day], year, spec.filters, keep)
        closed = self._cumulative("closed", [day], year, spec.filters, keep)
        none = [0]
        leaves = Counter({leaf: cum[0] - closed.get(leaf, none)[0] for leaf, cum in opened.items()})
        values = self.roll_up({p: leaves}, {p: year})
        n_rest = len(self.layout.territories) * len(self.layout.combos)
        return [values[c] for c in self.layout.cell_list()[p * n_rest : (p + 1) * n_rest]]

    def roll_up(self, counts: dict[int, Counter[int]], year_of: dict[int, int]) -> dict[Cell, int]:
        """Sum leaf counts into every cell (territory chain × dimension totals)."""
        layout = self.layout
        values: dict[Cell, int] = dict.fromkeys(layout.cells(), 0)
        n_dims = len(self.by)
        subsets = [tuple(i for i in range(n_dims) if bits >> i & 1) for bits in range(1 << n_dims)]
        for p, leaf_counts in counts.items():
            _, radix = self.leaves(year_of[p])
            labels_by_dim = [self._attribute(name, year_of[p])[1] for name in self.by]
            widths = [max(len(lab), 1) for lab in labels_by_dim]
            variants_cache: dict[int, list[tuple[str, ...]]] = {}
            for leaf, n in leaf_counts.items():
                mun, combo = divmod(leaf, radix)
                variants = variants_cache.get(combo)
                if variants is None:
                    digits = []
                    rest = combo
                    for width in reversed(widths):
                        rest, digit = divmod(rest, width)
                        digits.append(digit)
                    digits.reverse()
                    base = [labels_by_dim[i][d] for i, d in enumerate(digits)]
                    variants = []
                    for subset in subsets:
                        variants.append(
                            tuple(TOTAL if i in subset else v for i, v in enumerate(base))
                        )
                    variants_cache[combo] = variants
                for territory in layout.chains[self.mun_labels[mun]]:
                    for combo_labels in variants:
                        values[(p, territory, combo_labels)] += n
        return values


def _batches(periods: list[ReportPeriod], years: Sequence[int] | None) -> list[list[int]]:
    """Group period indices so that each group has at most 62 distinct boundaries
    and, with *years* (each period's age year, :attr:`_Layout.age_years`), one year."""
    order = sorted(
        range(len(periods)),
        key=lambda p: (years[p] if years else periods[p].end.year, periods[p].start),
    )
    batches: list[list[int]] = []
    current: list[int] = []
    bounds: set[int] = set()
    year: int | None = None
    for p in order:
        period = periods[p]
        new = {period.start.toordinal(), period.end.toordinal() + 1}
        if current and (
            len(bounds | new) > _MAX_BOUNDARIES or (years is not None and years[p] != year)
        ):
            batches.append(current)
            current, bounds = [], set()
        current.append(p)
        bounds |= new
        year = years[p] if years is not None else None
    if current:
        batches.append(current)
    return batches


# --------------------------------------------------------------------------- values


def _rate(num: int | Decimal, den: int | Decimal, scale: int) -> Decimal | None:
    if num == 0:
        return Decimal("0.0")
    if den == 0:
        return None
    value = Decimal(num) * scale / Decimal(den)
    return value.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


class _Elements:
    """Aggregated data elements (Observations of the concept) with roll-up by summing."""

    def __init__(self, concept: Concept | None, layout: _Layout) -> None:
        self.layout = layout
        self.values: dict[
            tuple[str, ReportPeriod, str], tuple[Decimal | None, ObservationStatus]
        ] = {}
        self.codes: set[str] = set()
        self.concept = concept
        self.versions: dict[str, list[Territory]] = {}
        for version in concept.territories if concept is not None else ():
            self.versions.setdefault(version.ags, []).append(version)
        if concept is not None:
            # The population (Einwohner) of each Stadt or Gemeinde: the concept's own
            # figure or the Gemeindeverzeichnis'; observations named so override it.
            self.codes.add(POPULATION)
            for obs in concept.observations:
                if obs.disaggregation:
                    continue
                self.codes.add(obs.indicator)
                self.values[(obs.indicator, obs.period, obs.territory)] = (obs.value, obs.status)
        self._memo: dict[
            tuple[str, ReportPeriod, str], tuple[Decimal | None, ObservationStatus] | None
        ] = {}
        # A data element combines over time as the indicator of the same code declares.
        self.over_time = (
            {i.id: i.over_time for i in concept.indicators} if concept is not None else {}
        )

    def _exists(self, ags: str, period: ReportPeriod) -> bool:
        versions = self.versions.get(ags)
        if not versions:
            return True
        return any(
            (t.valid_from is None or t.valid_from <= period.end)
            and (t.valid_to is None or period.start <= t.valid_to)
            for t in versions
        )

    def get(
        self, code: str, period: ReportPeriod, territory: str
    ) -> tuple[Decimal | None, ObservationStatus] | None:
        key = (code, period, territory)
        if key in self.values:
            return self.values[key]
        if key in self._memo:
            return self._memo[key]
        if code == POPULATION and len(territory) == 8:
            found = population_of(self.concept, territory)
            self._memo[key] = (
                None if found is None else (Decimal(found.value), ObservationStatus.OK)
            )
            return self._memo[key]
        # Only the parts that exist in the period (territory versions: a Gemeinde
        # dissolved or founded by a boundary change) make up the sum.
        kids = [k for k in self.layout.children.get(territory, []) if self._exists(k, period)]
        rule = self.over_time.get(code, OverTime.NONE)
        result = combine_over_time(rule, period, lambda part: self.get(code, part, territory))
        if result is None and kids:
            parts = [self.get(code, period, kid) for kid in kids]
            if all(part is not None for part in parts):
                present = [part for part in parts if part is not None]
                status = worst_status(*(s for _, s in present))
                if any(v is None for v, _ in present):
                    result = (None, status)
                else:
                    result = (sum((v for v, _ in present if v is not None), Decimal(0)), status)
        self._memo[key] = result
        return result


def _parse(term: str, indicator: Indicator, known: set[str]) -> Expression:
    try:
        expression = parse_expression(term)
    except ExpressionError as exc:
        raise LoadError(
            [
                Finding(
                    code="invalid-expression",
                    severity=Severity.ERROR,
                    message=str(exc),
                    location=Location(path=f"indicators[{indicator.id}]"),
                )
            ]
        ) from None
    unknown = [n for n in expression.names if n not in known]
    if unknown:
        raise LoadError(
            [
                Finding(
                    code="unknown-data-element",
                    severity=Severity.ERROR,
                    message=tr(
                        "the expression {term} of indicator {indicator} uses the data element "
                        "{name}, which has no observations in the concept",
                        term=shown(term),
                        indicator=repr(indicator.id),
                        name=shown(name),
                    ),
                    location=Location(path=f"indicators[{indicator.id}]"),
                )
                for name in unknown
            ]
        )
    return expression


def _select_indicators(
    concept: Concept | None,
    cases: CaseData | None,
    indicators: Iterable[Indicator | str] | None,
) -> list[Indicator]:
    from .catalogue import default_indicators

    defaults = {i.id: i for i in default_indicators()}
    own = {i.id: i for i in concept.indicators} if concept is not None else {}
    if indicators is not None:
        chosen: list[Indicator] = []
        for item in indicators:
            if isinstance(item, Indicator):
                chosen.append(item)
                continue
            found = own.get(item) or defaults.get(item)
            if found is None:
                raise KommunaleIntegrationError(tr("unknown indicator {id}", id=shown(item)))
            chosen.append(found)
        return chosen
    if own:
        return list(own.values())
    if cases is not None:
        return [
            i
            for i in defaults.values()
            if isinstance(i.numerator, CaseCount)
            and (i.denominator is None or isinstance(i.denominator, CaseCount))
        ]
    return []


# The engine makes a tuple per cell and no reference cycles: the cyclic garbage
# collector would only look at them again and again (a third of its time at 1M cases).
@without_gc
def compute_indicators(
    concept: Concept | None = None,
    cases: CaseData | None = None,
    *,
    periods: Iterable[ReportPeriod | str],
    by: Sequence[str] = (),
    territories: Iterable[str] | None = None,
    disclosure: DisclosureControl | None = DisclosureControl(),  # noqa: B008 - frozen
    include_subperiods: bool = False,
    indicators: Iterable[Indicator | str] | None = None,
    audit: bool = False,
    workers: int | None = None,
) -> IndicatorTable:
    """Compute indicators per period × territory × disaggregation (Kennzahlen berechnen).

    Args:
        concept: The concept: its indicators (default: the six case-based indicators
            of the default catalogue), its territory hierarchy (default: districts from
            the first five digits of the AGS), and its observations (aggregated data
            elements for expressions; observations of the indicators themselves are
            passed through with their status).
        cases: Case data from :func:`read_cases` for case-based counts.
        periods: Report periods (objects or notation such as ``"2025"``).
        by: Dimensions to break down by: ``sex``, ``legal_basis``, ``age_group`` or a
            further column of ``cases.csv``. The territory is always included.
        territories: Keep only these territory keys in the result (``all``, districts,
            municipalities); all are computed, none above the concept's own.
        disclosure: The :class:`DisclosureControl`; ``None`` switches it off, for
            internal use only (the table is then marked ``internal``).
        include_subperiods: Add the quarters and months of each period.
        indicators: Indicators (definitions or codes) to compute instead of the
            default selection.
        audit: Keep the audit of disclosure control in ``IndicatorTable.audit``:
            every suppressed count of an indicator that is a case count, with its true
            value and its exact feasibility interval (every block of linked
            suppressed cells is audited by linear programming, which on a year with
            its quarters and months can take a minute). The audit is **internal**
            (it holds true values); the rows of the table stay protected.
        workers: Processes that protect the counts at the same time, this one among
            them (default ``None``: one per usable CPU core; ``1``: this one). Used
            when at least two counts are suppressed and their tables have at least
            ``POOL_CELLS`` (10,000) cells — a Land's export for a year with its
            quarters and months, not a Kreis's —; the result is the same with any
            number. A script that calls this at its top level must do so under
            ``if __name__ == "__main__":`` when workers may be used (each worker
            process imports the main module).

    Returns:
        The :class:`IndicatorTable`.

    Raises:
        LoadError: an expression is invalid or names an unknown data element.
        KommunaleIntegrationError: ``by`` or a filter names an unknown attribute, or
            a worker process ended without a result.
        InvalidValueError: *workers* is not a whole number of at least 1.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 *workers*; no territory above the concept's own.
    """
    from ._hypercube import forget as forget_tables
    from ._workers import resolve_workers

    processes = resolve_workers(workers)  # before any work
    with fiscal_year_start(concept.fiscal_year_start if concept is not None else 1):
        period_list = expand_periods(periods, include_subperiods)
    if concept is not None and cases is not None:
        cases = concept_cases(concept, cases)
    chosen = _select_indicators(concept, cases, indicators)
    if cases is not None:
        _warn_unmatched_events(chosen, cases)
    by = list(dict.fromkeys(by))
    hidden = _hidden_breakdowns(chosen, by, cases)
    # protected in one order whatever the order of *by*: one table, one pattern
    breakdowns = [*canonical_breakdowns(by), *hidden]
    dims = _dimensions(breakdowns, cases)
    municipalities = cases.dimensions["municipality"][1] if cases is not None else []
    extra: set[str] = set()
    if concept is not None:
        extra = {o.territory for o in concept.observations if o.territory != "all"}
    layout = _Layout(period_list, municipalities, concept, dims, sorted(extra), shown=by)
    counts = _Counts(cases, layout, breakdowns, audit=audit) if cases is not None else None
    elements = _Elements(concept, layout)
    dim_names = by  # the published breakdowns
    # Observations of the indicators themselves (e.g. published figures for years
    # before the export) fill the cells that are not computed; a computed value wins.
    observed_rows = _passed_through(concept, chosen, period_list, dim_names)
    computed: set[tuple[str, ReportPeriod, str, tuple[str, ...]]] = set()
    track = computed if observed_rows else None
    try:
        ready = _sides(chosen, counts, elements, disclosure, processes)
    finally:  # what the protection kept for the next table is of no use any more
        forget_tables()
    # the rows once every count is protected: no protection runs beside the rows
    rows: list[CellRow] = []
    heads: dict[bool, _Heads] = {}
    for indicator, sides in ready:
        rows += _indicator_rows(
            indicator, sides, layout, elements, dim_names, heads=heads, track=track
        )
    rows.extend(
        r for r in observed_rows if (r[0], r[1], r[2], tuple(v for _, v in r[3])) not in computed
    )
    keep = set(territories) if territories is not None else None
    if keep is not None:
        rows = [r for r in rows if r[2] in keep]
    audit_cells = (
        counts.audit(chosen, disclosure, dim_names, keep)
        if audit and counts is not None and disclosure is not None
        else []
    )
    return IndicatorTable(
        _cells=rows,
        dimensions=dim_names,
        indicators=chosen,
        internal=disclosure is None,
        audit=audit_cells,
        # the rows of each indicator come in table order (unless observations join)
        _ordered=not observed_rows and len({i.id for i in chosen}) == len(chosen),
    )


def above_concept(concept: Concept, territory: str) -> bool:
    """Whether *territory* is one of the hierarchy above the concept's own (the Kreis
    of a Stadt's or Gemeinde's concept, the Land of a Kreis's; the Kreis of a Stadt
    that the concept lists beside its own): such territories are never computed.

    They hold only the concept's cases, so their figures would repeat the concept's
    own under another AGS — the Stadt example published Coesfeld's 328 active cases
    as the Kreis Coesfeld's (``05558``), read as the Kreis's figure beside the Kreis's
    own release. Left out of the computation, they are no cells of the tables that
    disclosure control protects and audits either: a territory below one of them
    rolls up to the next one computed (Coesfeld straight to ``all``), the relation
    the attacker writes down from the release. (Kept as cells never published,
    ``free`` in :func:`~.disclosure.protect`, they would be unknowns that are sums
    of their parts: the same feasible tables, in a larger table.) ``all``, the
    concept's territory with everything under it and every Stadt or Gemeinde (eight
    digits) are computed.
    """
    return territory != "all" and len(territory) < 8 and not concept.covers(territory)


def outside_concept(concept: Concept, municipalities: Iterable[str]) -> list[str]:
    """The *municipalities* (AGS) that lie outside the concept's territory.

    Inside are the concept's own territory with everything under it (a Kreis's
    Städte und Gemeinden by their first five digits) and every Stadt or Gemeinde the
    concept lists; the neighbouring Kreis, or the other towns of the Kreis of a
    Stadt's concept, are outside.
    """
    listed = {t.ags for t in concept.municipalities()}
    return [ags for ags in municipalities if not concept.covers(ags) and ags not in listed]


def concept_cases(concept: Concept, cases: CaseData) -> CaseData:
    """The cases of the concept's territory, with a warning naming the others.

    A Stadt whose cases the Kreis manages gets the export of the whole Kreis: counted
    with it, its table would publish the other towns' figures and a Kreis total of
    some of them under the Kreis's name, and their small counts would suppress the
    Stadt's own figures (secondary suppression). Without a concept every case counts.
    """
    outside = outside_concept(concept, cases.municipalities)
    if not outside:
        return cases
    inside = cases.within(set(cases.municipalities) - set(outside))
    from .._territories import territory_catalogue

    book = territory_catalogue()

    def place(ags: str) -> str:
        found = book.get(ags)
        return f"{found.short_name} ({ags})" if found is not None else ags

    own = concept.territory_of(concept.territory)
    log.warning(
        "%s",
        ntr(
            "{count} of {total} cases of the case export is not counted: it belongs to "
            "{outside}, outside {territory}, the territory of the concept; add this "
            "municipality to the territories of konzept.yaml to count it, or compute "
            "the Kennzahlen of the whole export without the concept",
            "{count} of {total} cases of the case export are not counted: they belong to "
            "{outside}, outside {territory}, the territory of the concept; add these "
            "municipalities to the territories of konzept.yaml to count them, or compute "
            "the Kennzahlen of the whole export without the concept",
            len(cases) - len(inside),
            count=format_number(len(cases) - len(inside)),
            total=format_number(len(cases)),
            territory=f"{own.name} ({own.ags})" if own is not None else concept.territory,
            outside=", ".join(map(place, outside[:5])) + (", …" if len(outside) > 5 else ""),
        ),
    )
    return inside


def unmatched_events(
    indicators: Iterable[Indicator], cases: CaseData
) -> tuple[list[str], dict[str, int]]:
    """The events the *indicators* count that the export has none of, and the events
    of the export that no indicator counts (with their numbers of rows).

    Both non-empty is the sign of a case management that names its events otherwise
    ("Sprachkurs begonnen" for ``language_course_started``): every count of them is 0.
    """
    counted: set[str] = set()
    for indicator in indicators:
        for term in (indicator.numerator, indicator.denominator):
            if isinstance(term, CaseCount):
                counted.update(term.events)
    present = set(cases.event_names)
    missing = sorted(counted - present)
    if not missing or not present - counted:
        return missing, {}
    other = {n: k for n, k in cases.event_counts.items() if n not in counted}
    return missing, other


def _warn_unmatched_events(chosen: list[Indicator], cases: CaseData) -> None:
    missing, other = unmatched_events(chosen, cases)
    if not missing or not other:
        return
    log.warning(
        "%s",
        tr(
            "the Kennzahlen count the events {missing}, of which the case export has none, "
            "and no Kennzahl counts its events {other}: if your case management names them "
            "otherwise, rename them in events.csv or list them under events: of the Kennzahl "
            "(their counts are 0 until then)",
            missing=", ".join(missing),
            other=", ".join(
                f"{shown(name)} ({count})"
                for name, count in sorted(other.items(), key=lambda kv: -kv[1])[:10]
            ),
        ),
    )


def _sides(
    chosen: list[Indicator],
    counts: _Counts | None,
    elements: _Elements,
    disclosure: DisclosureControl | None,
    processes: int,
) -> _Sides:
    """Each indicator that can be computed with its numerator and denominator: the
    protected parts of a case count, an expression, or ``None``.

    Every case count is protected first, once, with the one control of
    :func:`count_controls`, in *processes* processes (this one and worker
    processes) when that pays (:meth:`_Counts.protect_all`).
    """
    controls = count_controls(chosen, disclosure, counts.by if counts is not None else ())
    if counts is not None:
        counts.join(controls)
        counts.protect_all(controls.items(), processes)
    ready: _Sides = []
    for indicator in chosen:
        numerator: CaseCount | str | Expression | None = indicator.numerator
        if numerator is None:
            # Entered by hand: the values are the data element of the same code (so
            # that quarters make up the year by its over_time rule and Kreise sum up).
            if indicator.id not in elements.codes:
                continue
            numerator = element(indicator.id)
        sides: list[list[Part] | Expression | None] = []
        for term in (numerator, indicator.denominator):
            if isinstance(term, Expression):
                sides.append(term)
            elif isinstance(term, CaseCount):
                if counts is None:
                    break
                sides.append(counts.parts(term, controls[protected_count(term, counts.by)]))
            else:
                sides.append(None if term is None else _parse(term, indicator, elements.codes))
        else:
            ready.append((indicator, sides))
            continue
        # no case data: only observations can be passed through
        log.info(
            "%s", tr("indicator {id} counts cases but no case data was given", id=indicator.id)
        )
    return ready


BREAKDOWN_ORDER = ("sex", "legal_basis", "age_group")
"""The order in which breakdowns are protected (:func:`canonical_breakdowns`): these
first, any other by name."""


def canonical_breakdowns(by: Sequence[str]) -> list[str]:
    """*by* in the one order in which its table is protected.

    The pattern of suppressions depends on the order of the cells, and ``--by
    legal_basis,sex`` publishes the same cells as ``--by sex,legal_basis``: protected
    in the order given, the two runs showed two patterns of one table (the Stadt
    example for 2025-Q2: 120 cells published in one and suppressed in the other;
    read together, 12 cells fixed and 54 primary cells below 3). Protected in this
    order, the order of ``by`` only orders the output's columns and rows.
    """
    rank = {name: i for i, name in enumerate(BREAKDOWN_ORDER)}
    return sorted(by, key=lambda name: (rank.get(name, len(rank)), name))


def _dimensions(by: list[str], cases: CaseData | None) -> list[tuple[str, list[str]]]:
    """Each breakdown with its values in table order (``sex`` as coded, others sorted)."""
    dims: list[tuple[str, list[str]]] = []
    for name in by:
        if name == "age_group":
            dims.append((name, [*AGE_GROUPS, "unknown"]))
        elif cases is not None and name in cases.dimension_names:
            labels = cases.dimensions[name][1]
            dims.append((name, sorted(labels) if name != "sex" else list(labels)))
        elif cases is None:
            dims.append((name, []))
        else:
            known = ", ".join(["age_group", *cases.dimension_names])
            raise KommunaleIntegrationError(
                tr(
                    "cannot break down by {name}: the case data has no such attribute "
                    "(known: {known})",
                    name=shown(name),
                    known=known,
                )
            )
    return dims


class _Counts:
    """Case counts per cell, each computed once and protected once per rule.

    A count's cells come as a list of (value, status) parts in the order of
    :meth:`_Layout.cell_list`; equal parts are one shared object.
    """

    def __init__(
        self, cases: CaseData, layout: _Layout, by: Sequence[str], *, audit: bool = False
    ) -> None:
        self.layout = layout
        self.by = list(by)
        self.counter = _counter(cases, layout, by)
        self.year_of = dict(enumerate(layout.age_years))
        # each count's values in the order of the cells (a dict of them only while it is
        # protected)
        self.raw: dict[CaseCount, list[int]] = {}
        self.done: dict[tuple[CaseCount, DisclosureControl | None], list[Part]] = {}
        # the audit needs each protection afterwards; without it none is kept
        self.keep_audit = audit
        self.protections: dict[tuple[CaseCount, DisclosureControl], _Protected] = {}
        # new and active cases of the same cases, protected as one table
        self.partner: dict[CaseCount, CaseCount] = {}
        # the counts of one family of overlapping events, protected as one table
        self.family: dict[CaseCount, tuple[CaseCount, ...]] = {}

    def join(self, controls: Mapping[CaseCount, DisclosureControl | None]) -> None:
        """Protect the new and the active cases of the same cases together
        (:func:`_protect_pair`), and the counts of each family of overlapping events
        (:func:`~._families.event_families`, :func:`_protect_family`), where they are
        suppressed with one control (:func:`count_controls` gives them one)."""
        for spec, control in controls.items():
            if spec.count is not CaseCountKind.NEW or control is None:
                continue
            partner = _partner(spec)
            if control.mode == "suppress" and controls.get(partner) == control:
                self.partner[spec], self.partner[partner] = partner, spec
        for family in event_families(controls):
            control = controls[family[0]]
            if (
                control is not None
                and control.mode == "suppress"
                and all(controls[member] == control for member in family)
            ):
                self.family.update(dict.fromkeys(family, family))

    def _together(self, spec: CaseCount) -> tuple[CaseCount, ...]:
        """*spec* alone, the new and the active cases protected with it, or the
        counts of its family of overlapping events."""
        family = self.family.get(spec)
        if family is not None:
            return family
        partner = self.partner.get(spec)
        if partner is None:
            return (spec,)
        return (spec, partner) if spec.count is CaseCountKind.NEW else (partner, spec)

    def _job(
        self, together: tuple[CaseCount, ...]
    ) -> tuple[list[Sequence[int]], tuple[frozenset[int], ...]]:
        """The values that :func:`_protect_job` protects for the counts *together*
        (:meth:`_together`), with the patterns of a family: the counts' values and,
        for a family, the cases of each pattern (:func:`~._families.pattern_counts`,
        from counts of unions of the members' events), each in the order of the
        cells."""
        raws: list[Sequence[int]] = [self._raw(spec) for spec in together]
        if together[0] not in self.family:
            if len(together) == 2:  # new and active cases: those still open at the ends
                raws.append(self._closing(together[1]))
            return raws, ()
        sets = [spec.events for spec in together]
        found = family_patterns(sets)
        base = together[0]
        values = pattern_counts(
            sets, found, lambda events: self._raw(attrs.evolve(base, events=events))
        )
        return [*raws, *values], found

    def parts(self, spec: CaseCount, control: DisclosureControl | None) -> list[Part]:
        found = self.done.get((spec, control))
        if found is not None:
            return found
        base = protected_count(spec, self.by)
        if base != spec and control is not None:
            # the cells of the one protected table (:func:`protected_count`)
            whole = self.parts(base, control)
            zero: Part = (
                Decimal(0),
                ObservationStatus.ROUNDED if control.mode == "round" else ObservationStatus.OK,
            )
            result = self.done[(spec, control)] = [
                _sum_of([whole[i] for i in sources], zero) for sources in self.sources(spec)
            ]
            return result
        raw = self._raw(spec)
        if control is None:
            result = self.done[(spec, control)] = _as_parts(raw, None)  # cells in layout order
            return result
        together = self._together(spec) if control.mode == "suppress" else (spec,)
        raws, patterns = self._job(together)
        protected = _protect_job(
            self.layout, raws, spec.count is CaseCountKind.NEW, control, self.keep_audit, patterns
        )
        for one, kept in zip(together, protected, strict=True):
            self._keep(one, control, kept)
        return self.done[(spec, control)]

    def protect_all(
        self, needed: Iterable[tuple[CaseCount, DisclosureControl | None]], workers: int
    ) -> None:
        """Protect the counts of *needed* in *workers* processes at once when it pays:
        this one and ``workers - 1`` worker processes (:func:`_pool_plan`).

        It pays when at least two counts are to be suppressed (rounding takes a
        fraction of a second) and their tables have at least :data:`POOL_CELLS` cells;
        otherwise :meth:`parts` protects each count in this process when it is asked
        for. The result is the same either way: every table — one count, the new
        and the active cases of the same cases, or a family of counts of overlapping
        events with the cases of its patterns (:meth:`_job`) — is protected by
        :func:`_protect_job`, with the same arguments.
        """
        from ._workers import run_in_workers, workers_can_start

        tasks: list[tuple[tuple[CaseCount, ...], DisclosureControl]] = list(
            dict.fromkeys(
                (self._together(spec), control)
                for spec, control in needed
                if control is not None
                and control.mode == "suppress"
                and (spec, control) not in self.done
            )
        )
        processes = min(workers, len(tasks))  # this one and processes - 1 workers
        layout = self.layout
        if (
            processes < 2
            or len(layout.periods) * len(layout.territories) * len(layout.combos) < POOL_CELLS
            or not workers_can_start()
        ):
            return

        # The longest first to the workers, the last to this process, so that all end
        # at about the same time (_pool_plan; counting the tables first costs a
        # fraction of a second at 1M cases, while the workers start: run_in_workers
        # starts them before it asks for the first job, and asks how many this process
        # protects after it).
        order: list[int] = []
        here = [0]

        def jobs() -> Iterator[tuple[Any, ...]]:
            made = [self._job(specs) for specs, _ in tasks]
            sizes = [
                (
                    sum(
                        is_primary(v, control.threshold)
                        for raw in raws[: len(specs)]  # (not the patterns)
                        for v in raw
                    ),
                    len(raws),
                )
                for (specs, control), (raws, _) in zip(tasks, made, strict=True)
            ]
            order[:], here[0] = _pool_plan(sizes, processes)
            for i in order:
                specs, control = tasks[i]
                additive = specs[0].count is CaseCountKind.NEW
                raws, found = made[i]
                yield layout, raws, additive, control, self.keep_audit, found

        # (the workers import what a protection needs while the tables are counted)
        preload = (f"{__package__}._protection", f"{__package__}._hypercube", "numpy")
        results = run_in_workers(
            _protect_job, jobs(), processes - 1, here=lambda: here[0], preload=preload
        )
        for i, protected in zip(order, results, strict=True):
            specs, control = tasks[i]
            for spec, result in zip(specs, protected, strict=True):
                self._keep(spec, control, result)

    def _closing(self, active: CaseCount) -> list[int]:
        """The cases of *active* still open the day after the periods end as a whole
        (:meth:`_Layout.edges`), for each end in turn, per territory and combination
        in the order of the cells (:func:`_joint_table`)."""
        periods = self.layout.periods
        found: list[int] = []
        for q in self.layout.edges()[1]:
            day = periods[q].end.toordinal() + 1
            found += self.counter.open_at(active, q, day, self.year_of[q])
        return found

    def _raw(self, spec: CaseCount) -> list[int]:
        """The values of the count *spec* in the order of the cells (computed once)."""
        raw = self.raw.get(spec)
        if raw is None:
            raw = self.raw[spec] = self.counter.cells(spec, self.year_of)
        return raw

    def sources(self, spec: CaseCount) -> list[list[int]]:
        """For each cell of *spec*, the positions of the cells of its protected count
        (:func:`protected_count`) that add up to it: one where a filtered breakdown
        shows a value of the filter, none where it shows another value (the cell is
        0), one per value of the filter where it shows the total."""
        layout = self.layout
        wanted: dict[int, set[str]] = {}
        for item in spec.filters:
            if item.attribute in self.by:
                i = self.by.index(item.attribute)
                wanted[i] = wanted.get(i, set(item.values)) & set(item.values)
        labels = [values for _, values in layout.dims]
        position = {cell: i for i, cell in enumerate(layout.cell_list())}
        found: list[list[int]] = []
        for period, territory, combo in layout.cell_list():
            choices = [
                (
                    [v for v in labels[i] if v in wanted[i]]
                    if i in wanted and value == TOTAL
                    else [value]
                    if i not in wanted or value in wanted[i]
                    else []
                )
                for i, value in enumerate(combo)
            ]
            found.append([position[(period, territory, c)] for c in itertools.product(*choices)])
        return found

    def _keep(
        self, spec: CaseCount, control: DisclosureControl, protected: _Protected
    ) -> list[Part]:
        """The parts of a protected count, kept (with the protection for the audit)."""
        if self.keep_audit:
            self.protections[(spec, control)] = protected
        result = self.done[(spec, control)] = _as_parts(protected.published, protected.rounded)
        return result

    def audit(
        self,
        indicators: Sequence[Indicator],
        disclosure: DisclosureControl,
        dim_names: Sequence[str],
        keep: set[str] | None,
    ) -> list[AuditCell]:
        """Every suppressed cell of the indicators that are case counts (no
        denominator), in table order, with its true value and interval.

        A count filtered to values of a breakdown shows cells of its protected count
        (:func:`protected_count`): a cell that is one of them has its interval; one
        that is the sum of several has the sum of their intervals (a bound that holds,
        not always exact: ``exact`` is then ``False``)."""
        layout = self.layout
        cells = layout.cell_list()
        order = layout.table_order(totals_only=False)
        result: list[AuditCell] = []
        controls = count_controls(indicators, disclosure, self.by)
        for indicator in indicators:
            spec = indicator.numerator
            if not isinstance(spec, CaseCount) or indicator.denominator is not None:
                continue
            base = protected_count(spec, self.by)
            control = controls[base]
            protection = self.protections.get((base, control)) if control else None
            if protection is None or control is None or protection.rounded is not None:
                continue  # rounded, or not computed
            raw = self.raw[base]
            intervals = protection.intervals
            sources = [[i] for i in range(len(cells))] if base == spec else self.sources(spec)
            for position in order:
                cell, parts = cells[position], sources[position]
                hidden = [i for i in parts if i in intervals]
                if not hidden or (keep is not None and cell[1] not in keep):
                    continue
                value = sum(raw[i] for i in parts)
                low = sum(intervals[i][0] if i in intervals else raw[i] for i in parts)
                high = sum(intervals[i][1] if i in intervals else raw[i] for i in parts)
                result.append(
                    AuditCell(
                        indicator=indicator.id,
                        period=layout.periods[cell[0]],
                        territory=cell[1],
                        dims=tuple(zip(dim_names, (cell[2][i] for i in layout.shown), strict=True)),
                        value=value,
                        primary=(
                            parts[0] in protection.primary
                            if len(parts) == 1
                            else is_primary(value, control.threshold)
                        ),
                        low=low,
                        high=high,
                        exact=protection.exact and len(parts) == 1,
                        required=control.required,
                    )
                )
        return result


@attrs.frozen
class _Protected:
    """A protected count table by the positions of its cells in
    :meth:`_Layout.cell_list` (what a worker process sends back).

    Attributes:
        published: The published value of each cell (``None`` where suppressed).
        rounded: In rounding mode, whether each cell is rounded; else ``None``.
        intervals: Position of each suppressed cell → its feasibility interval.
        primary: The positions of the primary suppressed cells.
        exact: ``Protection.exact`` (every interval exact).
    """

    published: list[int | None]
    rounded: list[bool] | None
    intervals: dict[int, tuple[float, float]]
    primary: frozenset[int]
    exact: bool


def _pool_plan(tables: Sequence[tuple[int, int]], processes: int) -> tuple[list[int], int]:
    """The order in which *processes* processes — this one and ``processes - 1``
    workers — protect *tables* (each as its primary cells and its lists of values):
    the longest first, ties in their order; and how many of the last this process
    protects itself (:func:`._workers.run_in_workers`' *here*), at least one left to
    the workers.

    A table's protection takes about as long as it has primary cells times the lists
    of values it holds (a count has one; the table of new and active cases three: the
    new, the active and the cases still open after the periods; a family its counts
    and the cases of its patterns): at 1M cases the table of new and active cases has
    about as many primary cells as each count of events and takes 2.3–3.4 times as
    long.

    The workers take the others in this order, each the next as it is free; this
    process takes as many of the last as make the longest share of work (a worker's
    or its own) shortest — where several do, the next longest, and so on, then the
    fewest. One process per core: none waits for the others while a core is free,
    and none shares a core (three processes on two cores slowed the longest table,
    which the run waits for). A table costs a little without primary cells too (its
    relations, its check): its work is counted as one primary cell more. At 1M cases
    on two cores a worker protects the table of new and active cases and this
    process the three counts of events — what a second worker did before, without
    its start (0.3–0.4 s of CPU, mostly imports, that the run waited for).
    """
    work = [(primary + 1) * lists for primary, lists in tables]
    order = sorted(range(len(work)), key=lambda i: -work[i])
    best: tuple[list[int], int] | None = None
    for here in range(len(order)):  # (at least one job for the workers)
        shares = [0] * (processes - 1)
        for i in order[: len(order) - here]:
            shares[shares.index(min(shares))] += work[i]
        shares.append(sum(work[i] for i in order[len(order) - here :]))
        ranked = sorted(shares, reverse=True)
        if best is None or ranked < best[0]:
            best = (ranked, here)
    return order, best[1] if best is not None else 0


def _protect_job(  # noqa: PLR0917 - the arguments of a worker's job, in order
    layout: _Layout,
    raws: Sequence[Sequence[int]],
    additive: bool,
    control: DisclosureControl,
    exact_audit: bool,
    patterns: Sequence[frozenset[int]] = (),
) -> tuple[_Protected, ...]:
    """Protect one count (*raws* holds its values), the new and the active cases of
    the same cases together (*raws*: both, in this order, then the cases open after
    the periods end as a whole; :func:`_protect_pair`), or
    the counts of a family of overlapping events together (*raws*: each count's
    values, then the cases of each of the *patterns*; :func:`_protect_family`): in
    this process or in a worker process, with the same result."""
    if patterns:
        k = len(raws) - len(patterns)
        return _protect_family(layout, raws[:k], raws[k:], patterns, control, exact_audit)
    if len(raws) == 3:
        return _protect_pair(layout, raws, control, exact_audit)
    return (_protect_count(layout, raws[0], additive, control, exact_audit),)


def _partner(spec: CaseCount) -> CaseCount:
    """The active cases of the same cases as the new cases *spec*."""
    return attrs.evolve(spec, count=CaseCountKind.ACTIVE)


@without_gc
def _protect_count(
    layout: _Layout,
    raw: Sequence[int],
    additive: bool,
    control: DisclosureControl,
    exact_audit: bool,
) -> _Protected:
    """Protect the count table *raw* (values in the order of the cells of *layout*).

    The one place a count is protected, in this process or in a worker process
    (:meth:`_Counts.protect_all`): both give the same result.
    """
    cells = layout.cell_list()
    # the relations and the cell → value mapping are built for this count and
    # dropped after it (the parts lists of the relations are the layout's)
    protection = protect(
        dict(zip(cells, raw, strict=True)),
        layout.groups(additive),
        control,
        dimensions=layout.dimensions(additive),
        coordinates=layout.coordinates,
        # audit=True: every block exactly; else no audit at all (the witnesses certify
        # the protection, and without an audit kept nobody reads the intervals)
        exact_audit=exact_audit,
        audit=exact_audit,
    )
    published = protection.published
    rounded = protection.rounded_cells if protection.rounded else None
    intervals = protection.intervals
    # by position: the published values (in the cells' order, as protect keeps them
    # when it suppresses), the suppressed cells' intervals, the primary ones among them
    shown = list(published.values()) if list(published) == cells else [published[c] for c in cells]
    hidden = [i for i, value in enumerate(shown) if value is None]
    return _Protected(
        published=shown,
        rounded=None if rounded is None else [c in rounded for c in cells],
        intervals={i: intervals[cells[i]] for i in hidden},
        primary=frozenset(i for i in hidden if cells[i] in protection.primary),
        exact=protection.exact,
    )


def _open_starts(layout: _Layout) -> tuple[list[int], dict[int, int], dict[int, int]]:
    """The cases open at the start of the periods, for :func:`_joint_table`: the first
    period of each day on which periods start (periods that start on one day have
    the same open cases, aged in one year: :func:`age_years`); per period the place
    of its open cells among those; and per period the place of the open cells of the
    day after it ends, where they are aged in its year (where the combinations hold
    the age group, 2025 after 2024 ages its open cells in 2025: 2024 then ends a
    span of :meth:`_Layout.edges`, and the cases still open after it are a cell of
    their own, ``"next"``)."""
    years = layout.age_years
    first: dict[int, int] = {}  # the day a period starts → the first period starting then
    for p, period in enumerate(layout.periods):
        first.setdefault(period.start.toordinal(), p)
    starts = list(first.values())
    opened_at = {
        p: starts.index(first[period.start.toordinal()]) for p, period in enumerate(layout.periods)
    }
    after: dict[int, int] = {}
    for p, period in enumerate(layout.periods):
        q = first.get(period.end.toordinal() + 1)
        if q is not None and (layout.age_at is None or years[q] == years[p]):
            after[p] = opened_at[q]
    return starts, opened_at, after


#: The kinds of cell of the one table of new and active cases (:func:`_joint_table`).
_JOINT_KINDS = ("new", "active", "open")


def _joint_table(
    layout: _Layout,
    new: Sequence[int],
    active: Sequence[int],
    closing: Sequence[int],
) -> tuple[list[Any], list[int], list[Any], list[list[Any]], int, list[Any]]:
    """The table of new and active cases of the same cases as one table
    (:func:`_protect_pair`): its cells and their values, its relations, its
    dimensions, where its cells never published begin, and those of them that the
    attacker is taken to know.

    A cell is ``((kind, period), territory, combination)``, each made once: the new
    cases (``"new"``), the active cases (``"active"``), both in the order of
    :meth:`_Layout.cell_list`, then the cases already open when a period starts
    (``"open"``), one per day on which periods start (periods that start on the same
    day have the same open cases: a year, its first quarter and January;
    :func:`_open_starts`), named after the first of those periods, then a cap of
    the cases open on each day on which the periods begin as a whole (``"cap"``,
    one per begin of :meth:`_Layout.edges`, with the open cells' values), then the
    cases still open the day after the periods end as a whole (``"next"``, one per
    end, named after the first period ending the day before; *closing*: their
    values, in this order).
    Besides the relations of each count
    (:meth:`_Layout.relation_positions`, for the open cases those within one
    period), every active cell is the sum of its new cases and of the cases open at
    its start, and the cases open at the start of the next period (where a period of
    the table starts the day after, or at the end) are among its active cases. That
    is the attacker's ``active(P) = open(next) + closed(P)`` with the unknown
    ``closed(P) ≥ 0`` left out (it is in no other relation): as a relation of
    distinct counts ``active(P) = open(next) ∪ active(P)``, the active cell among
    its own parts. By age group a period followed by one aged in another year (2024
    and 2025, :func:`age_years`) ends a span of :meth:`_Layout.edges`: the cases
    open after it are its ``"next"`` cells, aged in its year, and those open where
    the next year begins have their ``"cap"`` — each year's table is tied to the
    other's as to a release before or after it, by cells the attacker is taken to
    know. They imply what he writes down across the turn of the year without an age
    group (``active(2024) = open(1 January 2025) + closed(2024)``: the 2024 cells
    stay at least their ``next``, the 2025 open cells at most their cap, both the
    true value of the open cases in ``_T``), and the table stays a product.

    The attacker who reads the releases before and after knows the cases open
    where the periods begin (from above) and end (exactly): the caps and the cases
    open after the end are cells he knows (*known*), and the open cells where the
    periods begin are at most their caps (``open ≤ cap``, the cap among its own
    parts) — see :func:`_protect_pair`.
    """
    cells = layout.cell_list()
    size = len(cells)
    n_rest = len(layout.territories) * len(layout.combos)
    starts, opened_at, after = _open_starts(layout)
    begins, ends, last = _joint_edges(layout)
    keys: list[Any] = [((kind, p), t, combo) for kind in _JOINT_KINDS[:2] for p, t, combo in cells]
    values = [*new, *active]

    def at(q: int, table: Sequence[Any]) -> Sequence[Any]:
        return table[q * n_rest : (q + 1) * n_rest]

    # the cells never published, a block per head (made once, shared by its cells):
    # the cases open at each start day, their caps where the periods begin, those
    # still open after they end; the heads of each period in the order of their
    # relations within it (open, next, cap)
    def opening(q: int) -> list[int]:
        return [a - n for a, n in zip(at(q, active), at(q, new), strict=True)]

    sides: list[tuple[tuple[str, int], Sequence[int]]] = [(("open", q), opening(q)) for q in starts]
    sides += [(("cap", q), opening(q)) for q in begins]
    sides += [(("next", q), at(e, closing)) for e, q in enumerate(ends)]
    block: dict[Any, int] = {}
    for head, chunk in sides:
        block[head] = len(keys)
        keys += [(head, t, combo) for _, t, combo in at(head[1], cells)]
        values += chunk
    within: dict[int, list[Any]] = {}
    for kind in ("open", "next", "cap"):
        for head, _ in sides:
            if head[0] == kind:
                within.setdefault(head[1], []).append(head)
    known = keys[2 * size + len(starts) * n_rest :]

    def side(head: Any, i: int) -> Any:
        """The cell of *head* at the territory and combination of *i*."""
        return keys[block[head] + i % n_rest]

    groups: list[Any] = []
    for total, parts, over_time in layout.relation_positions():
        groups.append((keys[total], [keys[x] for x in parts], True))
        groups.append((keys[size + total], [keys[size + x] for x in parts], not over_time))
        for head in () if over_time else within.get(total // n_rest, ()):
            groups.append((side(head, total), [side(head, x) for x in parts], True))
    for q in begins:
        for i in range(q * n_rest, (q + 1) * n_rest):
            cap = side(("cap", q), i)
            groups.append((cap, [side(("open", q), i), cap], False))
    for i in range(size):
        p = i // n_rest
        groups.append((keys[size + i], [keys[i], side(("open", starts[opened_at[p]]), i)], True))
        if p in after:
            opens = side(("open", starts[after[p]]), i)
            groups.append((keys[size + i], [opens, keys[size + i]], False))
        if p in last:
            groups.append((keys[size + i], [side(("next", last[p]), i), keys[size + i]], False))
    periods = _joint_periods(layout, (starts, opened_at, after), last, begins)
    dimensions = [periods, *layout.dimensions(True)[1:]]
    return keys, values, groups, dimensions, 2 * size, known


def _joint_edges(layout: _Layout) -> tuple[list[int], list[int], dict[int, int]]:
    """Where the periods of :func:`_joint_table` begin and end as a whole
    (:meth:`_Layout.edges`): the first period starting at each begin (its open
    cells are capped: the release before bounds them from above, not from below,
    as its periods end the day before and the cases closed in them are unknown),
    the first period ending at each end, and each period that ends at an end with
    the first ending then."""
    begins, ends = layout.edges()
    end_of = {layout.periods[q].end: q for q in ends}
    last = {
        p: end_of[period.end] for p, period in enumerate(layout.periods) if period.end in end_of
    }
    return begins, ends, last


def _joint_periods(
    layout: _Layout,
    opening: tuple[Sequence[int], Mapping[int, int], Mapping[int, int]],
    last: Mapping[int, int],
    begins: Sequence[int],
) -> list[Any]:
    """The relations of :func:`_joint_table`'s heads, its period coordinate (the
    product search's first dimension): *opening* is ``starts, opened_at, after`` of
    :func:`_open_starts`, *last* and *begins* those of :func:`_joint_edges`."""
    starts, opened_at, after = opening
    periods: list[Any] = []
    for q in begins:
        periods.append((("cap", q), [("open", q), ("cap", q)], False))
    for p, subs in layout._subperiods():
        periods.append((("new", p), [("new", s) for s in subs], True))
        periods.append((("active", p), [("active", s) for s in subs], False))
    for p in range(len(layout.periods)):
        start = ("open", starts[opened_at[p]])
        periods.append((("active", p), [("new", p), start], True))
        if p in after:
            periods.append((("active", p), [("open", starts[after[p]]), ("active", p)], False))
        if p in last:
            periods.append((("active", p), [("next", last[p]), ("active", p)], False))
    return periods


@without_gc
def _protect_pair(
    layout: _Layout,
    raws: Sequence[Sequence[int]],
    control: DisclosureControl,
    exact_audit: bool,
) -> tuple[_Protected, _Protected]:
    """Protect the new cases and the active cases of the same cases (*raws*: their
    values in the order of the cells of *layout*, then those of the cases still open
    after the periods end as a whole, :func:`_joint_table`) as one table.

    A case open in a period was either open when the period started or opened in
    it, so the active cases of a period are its new cases plus the cases open at its
    start, which periods starting on the same day share: ``active(2025) −
    new(2025) = active(2025-Q1) − new(2025-Q1) = active(2025-01) − new(2025-01)``.
    An attacker who knows this (the definitions are public) pins cells that two
    tables protected one by one leave open: on the Kreis example by sex for 2025,
    221 of 719 suppressed cells, 201 primary cells bounded below 3. Here the cases
    open at each start are cells of the table that are never published
    (:func:`_joint_table`), and every witness keeps these relations.

    Those where the periods begin and end as a whole tie the release to the
    releases of the periods before and after, which share no cell with it: read
    together, the Stadt example's 2025-Q1 and 2025-Q2 with their months, each safe
    alone, gave 30 fixed cells and 15 primary cells below 3. The one before bounds
    the cases open at this start from above (at most its last month's active
    cases), the one after may tell those still open after this end exactly (its
    first period's active cases less its new cases). So every witness keeps the
    latter at their true value and the former at most theirs: with the true tables
    before and after it is a table of all of them that the attacker reading them
    together cannot exclude (``docs/data-protection.rst``, "New and active cases").
    """
    new, active, closing = raws
    keys, values, groups, dimensions, unknown, known = _joint_table(layout, new, active, closing)
    first, second = _protect_joint(
        layout, keys, values, groups, dimensions, unknown, 2, control, exact_audit, known
    )
    return first, second


def _family_table(
    layout: _Layout,
    counts: Sequence[Sequence[int]],
    patterns: Sequence[frozenset[int]],
    cases: Sequence[Sequence[int]],
) -> tuple[list[Any], list[int], list[Any], list[list[Any]], int]:
    """The counts of a family of overlapping events as one table
    (:func:`_protect_family`): its cells and their values, its relations, its
    dimensions, and where its cells never published begin.

    A cell is ``(head, territory, combination)``. The heads ``(j, period)``, each
    made once: for ``j`` below ``len(counts)`` the cells of the ``j``-th count
    (*counts*: their values), then those of each of the *patterns* (the counts a
    case's events in the period put it in; *cases*: their values), then sums of
    patterns that the relations over time need, all in the order of
    :meth:`_Layout.cell_list`; then the heads ``(j, period, n)``: the sum of the
    ``j``-th series over the sub-periods of the ``n``-th split of
    :func:`_unchained` (a year's quarters, a quarter's months; a year's months are
    implied by those).
    Every cell from the patterns on is never published.

    The relations:

    * each count keeps its own (:meth:`_Layout.relation_positions`: sums over
      territories and breakdowns, ``max(parts) ≤ total ≤ sum(parts)`` over time);
      every other series adds up over territories and breakdowns like them;
    * every cell of a count, and of a sum of patterns, is the sum of the cells of
      the patterns it is in, at the same period, territory and combination;
    * over time, one-sided (a case's pattern in a period is the union of its
      patterns in the sub-periods in which it has events, so a pattern of a
      sub-period says nothing exact about the period: employment in the first
      quarter and training in the second are both in the year): for each pattern
      *A* and each period with its sub-periods of one kind (those of
      :func:`_unchained`: a year's months only through its quarters), the cases whose pattern
      contains *A* in a sub-period are at most those whose pattern contains *A* in
      the period (both events in March: both in the year), and the cases whose
      pattern lies within *A* in the period are at most the sum of those in the
      sub-periods (employment alone in the year: employment alone in some month).
      The first is ``up(period) = up(sub) ∪ up(period)`` as a relation of
      distinct counts (the period among its own parts); the second ties the sum
      over the sub-periods (a head ``(j, period, n)``) to the period the same way.
      Where the patterns containing *A* (or within it) are those of a count, the
      count's own relations over time say it already.

    These are the attacker's relations (``tests/release_attacker.py``,
    ``pattern_time_relations``), exact in the true table; every witness keeps
    them.
    """
    cells = layout.cell_list()
    size, k = len(cells), len(counts)
    n_rest = len(layout.territories) * len(layout.combos)
    splits = _unchained(layout._subperiods())
    # the series by the patterns they add up: the counts, each pattern, then the
    # sums that the relations over time need
    own = [frozenset(q for q, pattern in enumerate(patterns) if j in pattern) for j in range(k)]
    holder: dict[frozenset[int], int] = {frozenset({q}): k + q for q in range(len(patterns))}
    for j, mine in enumerate(own):
        holder.setdefault(mine, j)
    up, down = family_over_time(patterns, k)
    sums = [s for s in dict.fromkeys([*up, *down]) if s not in holder]
    for s in sums:
        holder[s] = k + len(patterns) + sums.index(s)
    series = [*counts, *cases]
    series += [[sum(v) for v in zip(*(cases[q] for q in s), strict=True)] for s in sums]
    n = len(series)
    heads = [[(j, p) for p in range(len(layout.periods))] for j in range(n)]
    keys: list[Any] = [(heads[j][p], t, combo) for j in range(n) for p, t, combo in cells]
    values = [v for table in series for v in table]
    # the sums over the sub-periods of the sets *down*, after the series
    within = [holder[s] for s in down]
    split_at: dict[tuple[int, int], int] = {}  # (series, split) → its first cell's position
    for j in within:
        for m, (p, subs) in enumerate(splits):
            split_at[(j, m)] = len(keys)
            head = (j, p, m)
            keys += [(head, t, combo) for _, t, combo in cells[p * n_rest : (p + 1) * n_rest]]
            table = series[j]
            values += [sum(table[s * n_rest + r] for s in subs) for r in range(n_rest)]
    of_period: dict[int, list[int]] = {}
    for m, (p, _) in enumerate(splits):
        of_period.setdefault(p, []).append(m)
    groups: list[Any] = []
    for total, parts, over_time in layout.relation_positions():
        for j in range(k if over_time else n):
            at = j * size
            groups.append((keys[at + total], [keys[at + x] for x in parts], not over_time))
        if over_time:
            continue
        p = total // n_rest
        for j in within:
            for m in of_period.get(p, ()):
                at = split_at[(j, m)] - p * n_rest
                groups.append((keys[at + total], [keys[at + x] for x in parts], True))
    inside = [[k + q for q in sorted(s)] for s in (*own, *sums)]
    outer = [*range(k), *(holder[s] for s in sums)]
    for i in range(size):
        for j, parts_of in zip(outer, inside, strict=True):
            groups.append((keys[j * size + i], [keys[q * size + i] for q in parts_of], True))
    for m, (p, subs) in enumerate(splits):
        for r in range(n_rest):
            for j in (holder[s] for s in up):
                whole = keys[j * size + p * n_rest + r]
                groups.append(
                    (whole, [*(keys[j * size + s * n_rest + r] for s in subs), whole], False)
                )
            for j in within:
                summed = keys[split_at[(j, m)] + r]
                groups.append((summed, [keys[j * size + s * n_rest + r] for s in subs], True))
                groups.append((summed, [keys[j * size + p * n_rest + r], summed], False))
    series_of = (list(zip(outer, inside, strict=True)), [holder[s] for s in up], within)
    periods = _family_periods(layout, heads, k, splits, series_of)
    dimensions = [periods, *layout.dimensions(True)[1:]]
    return keys, values, groups, dimensions, k * size


def _family_periods(
    layout: _Layout,
    heads: Sequence[Sequence[Any]],
    k: int,
    splits: Sequence[tuple[int, Sequence[int]]],
    series_of: tuple[Sequence[tuple[int, Sequence[int]]], Sequence[int], Sequence[int]],
) -> list[Any]:
    """The relations of :func:`_family_table`'s heads, its period coordinate (the
    product search's first dimension): the counts' own over time, each series as the
    sum of its patterns in every period, and the one-sided relations over time of the
    series *series_of* names (``(series, its patterns)`` pairs, the sets bounded
    upwards, those bounded downwards)."""
    summed, ups, within = series_of
    periods: list[Any] = []
    for p, subs in layout._subperiods():
        periods += [(heads[j][p], [heads[j][s] for s in subs], False) for j in range(k)]
    for p in range(len(layout.periods)):
        periods += [(heads[j][p], [heads[q][p] for q in parts_of], True) for j, parts_of in summed]
    for m, (p, parts) in enumerate(splits):
        for j in ups:
            periods.append((heads[j][p], [*(heads[j][s] for s in parts), heads[j][p]], False))
        for j in within:
            periods.append(((j, p, m), [heads[j][s] for s in parts], True))
            periods.append(((j, p, m), [heads[j][p], (j, p, m)], False))
    return periods


def _unchained(splits: list[tuple[int, list[int]]]) -> list[tuple[int, list[int]]]:
    """The splits among *splits* (each a period with its sub-periods of one kind,
    :meth:`_Layout._subperiods`) that no chain of the others implies for the
    one-sided relations of :func:`_family_table`: a year split into its months is
    implied by the year's quarters and theirs (``up(month) ≤ up(quarter) ≤
    up(year)``; ``down(year) ≤ Σ down(quarters) ≤ Σ down(months)``). Left out,
    the table is smaller, and a witness's changes stay nearer their cell (on the
    Kreis example by sex a third less time)."""
    of: dict[int, list[list[int]]] = {}
    for p, subs in splits:
        of.setdefault(p, []).append(subs)

    def implied(p: int, subs: list[int]) -> bool:
        for mids in of[p]:
            if mids == subs:
                continue
            found = [
                next((m for m in of.get(mid, []) if set(m) <= set(subs)), None) for mid in mids
            ]
            if all(m is not None for m in found) and sorted(
                x for m in found if m is not None for x in m
            ) == sorted(subs):
                return True
        return False

    return [(p, subs) for p, subs in splits if not implied(p, subs)]


@without_gc
def _protect_family(  # noqa: PLR0917 - as _protect_job passes them
    layout: _Layout,
    counts: Sequence[Sequence[int]],
    cases: Sequence[Sequence[int]],
    patterns: Sequence[frozenset[int]],
    control: DisclosureControl,
    exact_audit: bool,
) -> tuple[_Protected, ...]:
    """Protect the counts of a family of overlapping events (*counts*: their values
    in the order of the cells of *layout*) as one table, with the cases of each of
    their *patterns* (*cases*) as cells that are never published
    (:func:`_family_table`).

    Placements (employment or training) beside employment starts and training
    starts: each of the two is at most placements, and placements at most their
    sum. An attacker who writes this down (the definitions are public) pins cells
    that tables protected one by one leave open: on the Kreis example by sex for
    2025 with its quarters and months, 276 of 3,132 suppressed cells fixed and 332
    primary cells bounded below 3. Every witness here is a table of the counts and
    of their patterns that keeps every relation, so that the attacker cannot
    exclude it — also those of the patterns over time (a case with both events in
    March has both in the year; one with employment alone in the year had it alone
    in some month): without them the same attacker fixed 15 and bounded 27 primary
    cells below 3 on that release (eleventh session).
    """
    keys, values, groups, dimensions, unknown = _family_table(layout, counts, patterns, cases)
    return _protect_joint(
        layout, keys, values, groups, dimensions, unknown, len(counts), control, exact_audit
    )


def _protect_joint(  # noqa: PLR0917 - the parts of one joint table
    layout: _Layout,
    keys: list[Any],
    values: list[int],
    groups: list[Any],
    dimensions: list[list[Any]],
    unknown: int,
    tables: int,
    control: DisclosureControl,
    exact_audit: bool,
    known: Sequence[Any] = (),
) -> tuple[_Protected, ...]:
    """Protect one joint table (:func:`_joint_table`, :func:`_family_table`): its
    cells *keys* with their *values*, *tables* published counts of the cells of
    *layout* each, one after the other, then the cells never published (from
    *unknown* on, ``free`` in :func:`protect`), except *known*, which the attacker
    is taken to know (``known`` there). The one place both are protected and split
    back into one :class:`_Protected` per count."""
    given = set(known)
    protection = protect(
        dict(zip(keys, values, strict=True)),
        groups,
        control,
        dimensions=dimensions,
        coordinates=layout.coordinates,
        exact_audit=exact_audit,
        audit=exact_audit,
        free=[k for k in keys[unknown:] if k not in given],
        known=given,
    )
    del groups
    size = len(layout.cell_list())
    published, intervals, primary = protection.published, protection.intervals, protection.primary
    # (protect keeps the published values in the order of the cells: read in order)
    ordered = list(published.values()) if list(published) == keys else None
    result = []
    for j in range(tables):
        start, end = j * size, (j + 1) * size
        part = keys[start:end]
        shown = ordered[start:end] if ordered is not None else [published[k] for k in part]
        hidden = [i for i, value in enumerate(shown) if value is None]
        result.append(
            _Protected(
                published=shown,
                rounded=None,
                intervals={i: intervals[part[i]] for i in hidden},
                primary=frozenset(i for i in hidden if part[i] in primary),
                exact=protection.exact,
            )
        )
    return tuple(result)


def _as_parts(values: Sequence[int | None], rounded: list[bool] | None) -> list[Part]:
    """The (value, status) part of each count; suppressed where the value is ``None``."""
    shared: dict[tuple[int | None, bool], Part] = {}
    result: list[Part] = []
    for i, value in enumerate(values):
        key = (value, rounded[i] if rounded is not None else False)
        part = shared.get(key)
        if part is None:
            if value is None:
                part = (None, ObservationStatus.SUPPRESSED)
            else:
                status = ObservationStatus.ROUNDED if key[1] else ObservationStatus.OK
                part = (Decimal(value), status)
            shared[key] = part
        result.append(part)
    return result


def _sum_of(parts: list[Part], zero: Part) -> Part:
    """The part of a cell that is the sum of *parts* (*zero* when there are none):
    suppressed when one of them is, else their sum with the worst status."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return zero
    if any(value is None for value, _ in parts):
        return (None, ObservationStatus.SUPPRESSED)
    total = sum((value for value, _ in parts if value is not None), Decimal(0))
    return (total, worst_status(*(status for _, status in parts)))


def _counter(cases: CaseData, layout: _Layout, by: Sequence[str]) -> _CaseCounter:
    """The numpy counter when numpy is installed (extra ``fast``), else the pure one."""
    if _NUMPY:
        try:
            from ._fastcount import ArrayCounter
        except ImportError:  # pragma: no cover - numpy missing
            pass
        else:
            return ArrayCounter(cases, layout, by)
    return _CaseCounter(cases, layout, by)


#: Whether to count with numpy when it is installed (the tests switch it off to compare).
_NUMPY = True

#: The number of cells from which the count tables of a computation are protected in
#: worker processes (:meth:`_Counts.protect_all`): a Land's year with its quarters and
#: months by sex (37,485 cells, seconds of CPU per table). A Kreis's tables (1,190
#: cells for that year by sex, about 10 s of CPU for seven; 280 cells for a quarter
#: with its months, 0.9 s) stay in the calling process: workers would shorten the
#: former on a free machine, but each worker imports the main module, so that a
#: script computing at its top level would need ``if __name__ == "__main__":``.
POOL_CELLS = 10_000

Part = tuple[Decimal | None, ObservationStatus]
_Sides = list[tuple[Indicator, list[list[Part] | Expression | None]]]


def _indicator_rows(
    indicator: Indicator,
    sides: list[list[Part] | Expression | None],
    layout: _Layout,
    elements: _Elements,
    dim_names: list[str],
    *,
    heads: dict[bool, _Heads],
    track: set[tuple[str, ReportPeriod, str, tuple[str, ...]]] | None,
) -> list[CellRow]:
    """The rows of one indicator: every cell for case counts, the totals otherwise.

    *heads* keeps the period, territory and dimensions of each row for the next
    indicator (they are the same for all).
    """
    cells = layout.cell_list()
    expressions = any(isinstance(side, Expression) for side in sides)
    # with an expression only the totals (combination 0, all ``_T``) have values
    positions = layout.table_order(totals_only=expressions)
    parts = [
        None if side is None else _parts(side, cells, positions, elements, layout) for side in sides
    ]
    nums, dens = parts
    assert nums is not None  # an indicator always has a numerator
    found = heads.get(expressions)
    if found is None:
        found = heads[expressions] = _heads(layout, dim_names, positions)
    periods, territories, dims, combos = found
    quantize = isinstance(sides[0], Expression) and sides[0].has_division
    code, scale = indicator.id, indicator.scale
    if not expressions:
        # Case counts: a part for every cell, and counts repeat (equal parts are one
        # object): each (numerator, denominator) pair is computed once.
        keys: list[Any] = (
            list(map(id, nums))
            if dens is None
            else list(zip(map(id, nums), map(id, dens), strict=True))
        )
        results = {
            key: cell_value(nums[i], None if dens is None else dens[i], scale=scale)  # type: ignore[arg-type]
            for key, i in dict(zip(keys, range(len(keys)), strict=True)).items()
        }
        values = list(map(results.__getitem__, keys))
        if track is not None:
            track.update(zip(itertools.repeat(code), periods, territories, combos, strict=False))
        return list(zip(itertools.repeat(code), periods, territories, dims, values, strict=False))
    rows: list[CellRow] = []
    for i in range(len(positions)):
        num, den = nums[i], None if dens is None else dens[i]
        if num is None or (dens is not None and den is None):
            continue  # a data element is not available for this cell
        result = cell_value(num, den, scale=scale, quantize=quantize)
        rows.append((code, periods[i], territories[i], dims[i], result))
        if track is not None:
            track.add((code, periods[i], territories[i], combos[i]))
    return rows


_Heads = tuple[
    list[ReportPeriod], list[str], list[tuple[tuple[str, str], ...]], list[tuple[str, ...]]
]


def _heads(layout: _Layout, dim_names: list[str], positions: list[int]) -> _Heads:
    """Period, territory, dimension pairs and dimension values of the cells at
    *positions*, as four columns."""
    cells = layout.cell_list()
    # the published breakdowns (without the hidden ones) in the order of the output
    values_of = {combo: tuple(combo[i] for i in layout.shown) for combo in layout.combos}
    dims_of = {
        combo: tuple(zip(dim_names, values, strict=True)) for combo, values in values_of.items()
    }
    chosen = [cells[i] for i in positions]
    return (
        [layout.periods[p] for p, _, _ in chosen],
        [territory for _, territory, _ in chosen],
        [dims_of[combo] for _, _, combo in chosen],
        [values_of[combo] for _, _, combo in chosen],
    )


def _parts(
    side: list[Part] | Expression,
    cells: list[Cell],
    positions: list[int],
    elements: _Elements,
    layout: _Layout,
) -> list[Part | None]:
    """A side's part in each cell at *positions* (``None``: a data element is missing)."""
    if isinstance(side, Expression):
        periods = layout.periods
        return [_evaluate(side, elements, periods[cells[i][0]], cells[i][1]) for i in positions]
    return [side[i] for i in positions]


def cell_value(
    num: Part, den: Part | None, *, scale: int = 1, quantize: bool = False
) -> tuple[Decimal | None, ObservationStatus, Decimal | None, Decimal | None]:
    """The one rule for a cell's value and status, for case counts and expressions alike.

    Returns the value, its status and, for a rate, the published numerator and
    denominator:

    * a suppressed numerator or denominator suppresses the value and hides both;
    * otherwise the status is the worst of the two (``missing`` > ``provisional`` >
      ``rounded`` > ``ok``), and a value that cannot be computed is ``missing``;
    * without a denominator the value is the numerator (rounded half up to one
      decimal with *quantize*, for an expression that divides);
    * a rate is numerator × *scale* / denominator, rounded half up to one decimal;
      it is 0 when the numerator is 0 (even when the denominator is 0, DESIGN §4) and
      missing when only the denominator is 0.

    .. versionadded:: 0.1.0
    """
    status = num[1] if den is None else worst_status(num[1], den[1])
    if status is ObservationStatus.SUPPRESSED:
        return None, status, None, None
    n = num[0]
    if den is None:
        if n is None:
            return None, worst_status(status, ObservationStatus.MISSING), None, None
        return (
            (n.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP) if quantize else n),
            status,
            None,
            None,
        )
    d = den[0]
    value = None if n is None or d is None else _rate(n, d, scale)
    if value is None:
        status = worst_status(status, ObservationStatus.MISSING)
    return value, status, n, d


def count_controls(
    indicators: Iterable[Indicator], disclosure: DisclosureControl | None, by: Sequence[str] = ()
) -> dict[CaseCount, DisclosureControl | None]:
    """The one control of each protected count (:func:`protected_count`) that
    *indicators* use, as numerator or denominator: the strictest rule of all of them
    (:func:`_control_for`).

    One count, one pattern: a rate publishes its numerator and denominator as well
    (numerator = rate × denominator / scale), so a count protected once for the
    rate (an own threshold of 5) and once for its own indicator (the default 3)
    would publish two patterns of one table — cells suppressed in one, given back
    by the other. The counts protected as one table share their rules as well: the
    new and the active cases of the same cases (:func:`_protect_pair`) and the
    counts of a family of overlapping events (:func:`_protect_family`).
    """
    rules: dict[CaseCount, list[Confidentiality]] = {}
    for indicator in indicators:
        for term in (indicator.numerator, indicator.denominator):
            if isinstance(term, CaseCount):
                rules.setdefault(protected_count(term, by), []).append(indicator.confidentiality)
    # the new and the active cases of the same cases are one table (_protect_pair):
    # one rule for both
    for spec in list(rules):
        if spec.count is CaseCountKind.NEW and _partner(spec) in rules:
            both = [*rules[spec], *rules[_partner(spec)]]
            rules[spec] = rules[_partner(spec)] = both
    # the counts of a family of overlapping events are one table (_protect_family):
    # one rule for all of them
    for family in event_families(rules):
        merged = [rule for member in family for rule in rules[member]]
        rules.update(dict.fromkeys(family, merged))
    return {spec: _control_for(found, disclosure) for spec, found in rules.items()}


def count_thresholds(
    indicators: Sequence[Indicator], disclosure: DisclosureControl, by: Sequence[str] = ()
) -> dict[str, int]:
    """The threshold with which the counts of each case-count indicator are
    protected (:func:`count_controls`): its own, or a stricter one of another
    indicator that shares a count with it."""
    controls = count_controls(indicators, disclosure, by)
    found: dict[str, int] = {}
    for indicator in indicators:
        for term in (indicator.numerator, indicator.denominator):
            if not isinstance(term, CaseCount):
                continue
            control = controls[protected_count(term, by)]
            if control is not None:
                found[indicator.id] = max(found.get(indicator.id, 0), control.threshold)
    return found


def _hidden_breakdowns(
    indicators: Sequence[Indicator], by: Sequence[str], cases: CaseData | None
) -> list[str]:
    """The attributes that counts of *indicators* filter on but the run does not
    break down by: the counts are protected as one table with them as further
    breakdowns, of which only the totals are published.

    Placements of women, of men and of the other values of ``sex``, published beside
    placements by legal basis, add up to placements — an equality across indicators
    that tables protected one by one do not know (on the Kreis example for a quarter
    with its months: 124 cells fixed, 223 primary cells bounded below 3). Broken
    down by ``sex`` as well, they are all made of the cells of the one table of
    placements (:func:`protected_count`).
    """
    if cases is None:
        return []
    known = {"age_group", *cases.dimension_names}
    found = {
        item.attribute
        for indicator in indicators
        for term in (indicator.numerator, indicator.denominator)
        if isinstance(term, CaseCount)
        for item in term.filters
        if item.attribute not in by and item.attribute in known
    }
    return sorted(found)


def protected_count(spec: CaseCount, by: Sequence[str]) -> CaseCount:
    """The count whose protected table gives *spec*'s cells: *spec* without its
    filters on a breakdown of the run.

    A count filtered to a value of a breakdown (placements of women, ``sex: [f]``,
    by sex) is a part of the unfiltered count's table: its cell of women is the
    unfiltered count's, its cells of men are 0 and its total is the sum over the
    filter's values. Protected as a table of its own it would have a second pattern
    of the same cells, and the filter, which the concept publishes, tells every
    reader that they are the same (on the Kreis example by sex for 2025: 51 primary
    cells bounded below 3). So its cells are taken from the unfiltered count's one
    pattern instead (:meth:`_Counts.parts`) and tell nothing that it does not.
    """
    events = tuple(sorted(set(spec.events))) if spec.count is CaseCountKind.EVENTS else ()
    filters = tuple(f for f in spec.filters if f.attribute not in by)
    if (events, filters) == (spec.events, spec.filters):
        return spec
    # the events are a set: counts of the same events in another order (or with an
    # event twice) count the same cases and are one table with one pattern
    return attrs.evolve(spec, events=events, filters=filters)


def _control_for(
    rules: Sequence[Confidentiality], disclosure: DisclosureControl | None
) -> DisclosureControl | None:
    """The control of a count: the stricter of *disclosure* and the indicators' own
    *rules* (the largest threshold; rounding where any of them rounds, to the largest
    base), keeping the margin.

    Rounding protects only with a base of at least the threshold: where the larger
    threshold exceeds the base, the base 10 is used, and above 10 the counts are
    suppressed instead of rounded.
    """
    if disclosure is None:
        return None
    threshold = max([disclosure.threshold, *(rule.threshold for rule in rules)])
    mode, base = disclosure.mode, disclosure.base
    rounding = [rule.rounding for rule in rules if rule.rounding is not None]
    if rounding:
        mode, base = "round", max(rounding)
    if mode == "round" and base < threshold:
        if threshold <= 10:
            base = 10
        else:
            mode, base = "suppress", disclosure.base
    if (threshold, mode, base) == (disclosure.threshold, disclosure.mode, disclosure.base):
        return disclosure
    return attrs.evolve(disclosure, threshold=threshold, mode=mode, base=base)


def _evaluate(
    expression: Expression, elements: _Elements, period: ReportPeriod, territory: str
) -> tuple[Decimal | None, ObservationStatus] | None:
    found: dict[str, Decimal] = {}
    statuses: list[ObservationStatus] = [ObservationStatus.OK]
    for name in expression.names:
        entry = elements.get(name, period, territory)
        if entry is None:
            return None
        value, status = entry
        statuses.append(status)
        if value is None:
            return None, worst_status(*statuses, ObservationStatus.MISSING)
        found[name] = value
    status = worst_status(*statuses)
    result = expression.evaluate(found)
    if result is None:
        return None, worst_status(status, ObservationStatus.MISSING)
    return result, status


def _passed_through(
    concept: Concept | None,
    chosen: list[Indicator],
    periods: list[ReportPeriod],
    dim_names: list[str],
) -> list[CellRow]:
    if concept is None:
        return []
    wanted = {i.id for i in chosen}
    period_set = set(periods)
    rows = []
    seen: set[tuple[str, ReportPeriod, str, tuple[str, ...]]] = set()
    for obs in concept.observations:
        if obs.indicator not in wanted or obs.period not in period_set:
            continue
        given = dict(obs.disaggregation)
        if set(given) - set(dim_names):
            continue
        combo = tuple(given.get(d, TOTAL) for d in dim_names)
        key = (obs.indicator, obs.period, obs.territory, combo)
        if key in seen:
            continue  # the first of duplicate observations wins; validation reports them
        seen.add(key)
        value = None if obs.status is ObservationStatus.SUPPRESSED else obs.value
        rows.append(
            (
                obs.indicator,
                obs.period,
                obs.territory,
                tuple(zip(dim_names, combo, strict=True)),
                (value, obs.status, obs.numerator, obs.denominator),
            )
        )
    return rows
