"""Vectorised case counts with numpy (the extra ``fast``).

The same method as the pure-Python counter of :mod:`.compute` (which runs without
numpy), in whole-array operations: every day is mapped to its *bucket* between the
sorted period boundaries (``searchsorted``); ``active`` and ``new`` are differences of
per-leaf prefix sums over the buckets (one ``bincount`` per date column, shared by every
period and every count that uses it); ``events`` sets one bit per bucket in a mask per
case (``bitwise_or.at``) and counts, per period, the cases whose mask meets the
period's buckets. The roll-up to districts, ``all`` and the ``_T`` totals sums the leaf
counts along array axes. ``tests/test_engine_fast.py`` compares both counters with an
independent reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._cases import OPEN, CaseData
from .._model import CaseCount, CaseCountKind, CaseFilter
from .compute import AGE_GROUPS, _batches, _CaseCounter, _Layout, age_group

__all__ = ["ArrayCounter"]

_AGE_LABELS = [*AGE_GROUPS, "unknown"]


def _np(values: Sequence[int]) -> Any:
    """A read-only numpy view of a compact column (no copy for :class:`array.array`)."""
    typecode = getattr(values, "typecode", None)
    if typecode is not None:
        return np.frombuffer(values, dtype=typecode)  # type: ignore[call-overload]
    return np.asarray(values)


class ArrayCounter(_CaseCounter):
    """Counts of a :class:`CaseCount` per cell, with numpy."""

    def __init__(self, cases: CaseData, layout: _Layout, by: Sequence[str]) -> None:
        super().__init__(cases, layout, by)
        self._arrays: dict[int, tuple[Any, int]] = {}
        self._cum: dict[tuple[Any, ...], Any] = {}
        self._birth = _np(cases.birth_year)

    def _codes(self, name: str, year: int) -> tuple[Any, list[str]]:
        if name == "age_group":
            table = np.array([_AGE_LABELS.index(age_group(b, year)) for b in range(10000)])
            return table.astype(np.uint8)[self._birth], _AGE_LABELS
        values, labels = self._attribute(name, year)
        return _np(values), labels

    def leaf_array(self, year: int) -> tuple[Any, int]:
        """Per case its leaf number (municipality × dimension values) and the radix."""
        key = year if "age_group" in self.by else 0
        found = self._arrays.get(key)
        if found is None:
            leaves = _np(self.dimensions["municipality"][0]).astype(np.int64)
            radix = 1
            for name in self.by:
                values, labels = self._codes(name, year)
                width = max(len(labels), 1)
                leaves = leaves * width + values
                radix *= width
            found = self._arrays[key] = (leaves, radix)
        return found

    def keep_array(self, filters: Sequence[CaseFilter], year: int) -> Any:
        """Per case ``True`` when it passes every filter, or ``None`` without filters."""
        mask = None
        for item in filters:
            values, labels = self._codes(item.attribute, year)
            wanted = set(item.values)
            table = np.array([label in wanted for label in labels] + [False])
            current = table[values]
            mask = current if mask is None else mask & current
        return mask

    # ----------------------------------------------------------------- counting

    def cells(self, spec: CaseCount, year_of: dict[int, int]) -> list[int]:
        """The count of every cell (period × territory × dimension combination), in
        the order of :meth:`_Layout.cell_list`."""
        periods, years = self.layout.periods, self.layout.age_years
        uses_age = any(f.attribute == "age_group" for f in spec.filters) or "age_group" in self.by
        n_leaves = len(self.mun_labels) * self.leaf_array(years[0] if periods else 0)[1]
        counts = np.zeros((len(periods), n_leaves), np.int64)
        for batch in _batches(periods, years if uses_age else None):
            year = years[batch[0]]
            bounds = sorted(
                {periods[p].start.toordinal() for p in batch}
                | {periods[p].end.toordinal() + 1 for p in batch}
            )
            position = {b: i for i, b in enumerate(bounds)}
            ranges = {
                p: (
                    position[periods[p].start.toordinal()],
                    position[periods[p].end.toordinal() + 1],
                )
                for p in batch
            }
            leaves, _ = self.leaf_array(year)
            keep = self.keep_array(spec.filters, year)
            if spec.count is CaseCountKind.EVENTS:
                self._events(spec, bounds, ranges, leaves=leaves, keep=keep, counts=counts)
                continue
            key = (tuple(bounds), year if "age_group" in self.by else 0, tuple(spec.filters))
            opened = self._prefix(
                "opened", key, bounds, leaves=leaves, keep=keep, n_leaves=n_leaves
            )
            closed = None
            if spec.count is CaseCountKind.ACTIVE:
                closed = self._prefix(
                    "closed", key, bounds, leaves=leaves, keep=keep, n_leaves=n_leaves
                )
            for p, (a, b) in ranges.items():
                counts[p] = opened[:, b] - (opened if closed is None else closed)[:, a]
        return self._roll_up_arrays(counts, year_of)

    def open_at(self, spec: CaseCount, p: int, day: int, year: int) -> list[int]:
        """The cases of *spec* (its filters) already open when the day *day* (an
        ordinal) begins, per territory and combination, in the order of the cells of
        the period *p* (:meth:`_CaseCounter.open_at`, with numpy)."""
        leaves, radix = self.leaf_array(year)
        n_leaves = len(self.mun_labels) * radix
        keep = self.keep_array(spec.filters, year)
        opened = _np(self.cases.opened) < day
        closed = _np(self.cases.closed) < day  # (never those still open: OPEN is large)
        if keep is not None:
            opened &= keep
            closed &= keep
        counts = np.zeros((len(self.layout.periods), n_leaves), np.int64)
        counts[p] = np.bincount(leaves[opened], minlength=n_leaves) - np.bincount(
            leaves[closed], minlength=n_leaves
        )
        values = self._roll_up_arrays(counts, {0: year})
        n_rest = len(self.layout.territories) * len(self.layout.combos)
        return values[p * n_rest : (p + 1) * n_rest]

    def _prefix(
        self,
        column: str,
        key: tuple[Any, ...],
        bounds: list[int],
        *,
        leaves: Any,
        keep: Any,
        n_leaves: int,
    ) -> Any:
        """Per leaf the number of cases whose *column* day lies in buckets 0..k."""
        found = self._cum.get((column, *key))
        if found is not None:
            return found
        days = _np(getattr(self.cases, column))
        width = len(bounds) + 2
        bucket = np.searchsorted(np.asarray(bounds), days, side="right")
        bucket[days == OPEN] = width - 1
        codes = leaves * width + bucket
        if keep is not None:
            codes = codes[keep]
        table = np.bincount(codes, minlength=n_leaves * width).reshape(n_leaves, width)
        found = self._cum[(column, *key)] = np.cumsum(table, axis=1)
        return found

    def _events(
        self,
        spec: CaseCount,
        bounds: list[int],
        ranges: dict[int, tuple[int, int]],
        *,
        leaves: Any,
        keep: Any,
        counts: Any,
    ) -> None:
        cases = self.cases
        wanted = set(spec.events)
        kinds = np.array([name in wanted for name in cases.event_names] + [False])
        selected = kinds[_np(cases.event_kind)]
        days = _np(cases.event_day)[selected]
        numbers = _np(cases.event_case)[selected]
        inside = (days >= bounds[0]) & (days < bounds[-1])
        buckets = np.searchsorted(np.asarray(bounds), days[inside], side="right")
        bits = np.left_shift(np.uint64(1), buckets.astype(np.uint64))
        masks = np.zeros(len(cases), np.uint64)
        np.bitwise_or.at(masks, numbers[inside], bits)
        chosen = masks != 0
        if keep is not None:
            chosen &= keep
        masks, leaves = masks[chosen], leaves[chosen]
        for p, (a, b) in ranges.items():
            period_mask = np.uint64(((1 << (b + 1)) - 1) ^ ((1 << (a + 1)) - 1))
            hit = (masks & period_mask) != 0
            counts[p] = np.bincount(leaves[hit], minlength=counts.shape[1])

    # ----------------------------------------------------------------- roll-up

    def _roll_up_arrays(self, counts: Any, year_of: dict[int, int]) -> list[int]:
        """Sum leaf counts into every cell (territory chain × dimension totals)."""
        layout = self.layout
        n_periods, n_mun = len(layout.periods), len(self.mun_labels)
        year = year_of.get(0, 0)
        widths = [max(len(self._attribute_labels(name, year)), 1) for name in self.by]
        values = counts.reshape(n_periods, n_mun, *widths)
        for i, (name, wanted) in enumerate(layout.dims):
            labels = self._attribute_labels(name, year)
            axis = 2 + i
            parts = np.take(values, [labels.index(v) for v in wanted], axis=axis)
            values = np.concatenate([values.sum(axis=axis, keepdims=True), parts], axis=axis)
        values = values.reshape(n_periods, n_mun, len(layout.combos)).transpose(1, 0, 2)
        index = {t: i for i, t in enumerate(layout.territories)}
        pairs = [(index[t], m) for m, ags in enumerate(self.mun_labels) for t in layout.chains[ags]]
        totals = np.zeros((len(layout.territories), n_periods, len(layout.combos)), np.int64)
        if pairs:
            targets, sources = zip(*pairs, strict=True)
            np.add.at(totals, np.array(targets), values[np.array(sources)])
        result: list[int] = totals.transpose(1, 0, 2).ravel().tolist()  # in cell order
        return result

    def _attribute_labels(self, name: str, year: int) -> list[str]:
        return _AGE_LABELS if name == "age_group" else self._attribute(name, year)[1]
