"""The result of the indicator engine: a tidy table of values with their status.

The table's columns are a **contract** (``DESIGN.md`` §6)::

    indicator,period,territory,<dimensions…>,value,status

A total over a dimension is written ``_T`` (SDMX convention), the grand total over all
territories is the territory ``all``, districts (Kreise) have 5-digit and municipalities
8-digit keys. Counts are written as integers, rates with one decimal (rounded half up);
a suppressed or missing value is empty and its ``status`` says why.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from .._errors import OutputError, require_extra
from .._i18n import tr
from .._io import atomic_directory, atomic_write
from .._model import Indicator, ObservationStatus
from .._periods import ReportPeriod

__all__ = [
    "INTERNAL_NOTICE",
    "TOTAL",
    "IndicatorTable",
    "IndicatorValue",
    "check_internal_name",
]

TOTAL: Final = "_T"
"""The code of a total over a dimension (SDMX convention)."""

INTERNAL_NOTICE: Final = "INTERN – nicht zur Veröffentlichung (ohne Geheimhaltung berechnet)"
"""Marker of a table computed without disclosure control (``--no-suppression``)."""

INTERNAL_CSV: Final = "indicators-intern.csv"
"""The name of the CSV inside the data package of a table without disclosure control."""


def check_internal_name(path: str | os.PathLike[str]) -> None:
    """Refuse a CSV file name for a table without disclosure control that does not say
    it is internal: CSV has no place for a notice that every reader keeps, so the name
    carries it (``kennzahlen-intern.csv``).

    Raises:
        OutputError: when the file name does not contain ``intern``.
    """
    name = Path(path).name
    if "intern" not in name.lower():
        suffix = Path(path).suffix.lower() if Path(path).suffix.lower() == ".xlsx" else ".csv"
        raise OutputError(
            tr(
                "{name}: the table was computed without disclosure control (internal use "
                "only); its file name must say so, e.g. {example}",
                name=name,
                example=f"kennzahlen-intern{suffix}",
            )
        )


_STATUS_DESCRIPTIONS: Final = {
    "ok": "Wert wie berechnet",
    "suppressed": "geheim gehalten (*): kleine Fallzahl oder Rückrechnung möglich",
    "rounded": "gerundet (Geheimhaltung durch Rundung)",
    "provisional": "vorläufig",
    "missing": "fehlt (nicht berechenbar, z. B. Division durch null)",
}


@attrs.frozen(kw_only=True)
class IndicatorValue:
    """One cell of an :class:`IndicatorTable` (Kennzahlwert).

    Attributes:
        indicator: Indicator code.
        period: The :class:`ReportPeriod`.
        territory: AGS (8 digits for a municipality, 5 for a district) or ``all``.
        dims: ``(dimension, value)`` pairs in the table's dimension order; ``_T`` is
            the total over a dimension.
        value: The published value, ``None`` when suppressed or missing.
        status: :class:`ObservationStatus`.
        numerator: The published numerator (``None`` when suppressed or not a rate).
        denominator: The published denominator (``None`` when suppressed or not a rate).

    .. versionadded:: 0.1.0
    """

    indicator: str
    period: ReportPeriod
    territory: str
    dims: tuple[tuple[str, str], ...] = ()
    value: Decimal | None = None
    status: ObservationStatus = ObservationStatus.OK
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    def dim(self, name: str) -> str:
        """The value of dimension *name* (``_T`` when the table has no such dimension)."""
        for key, value in self.dims:
            if key == name:
                return value
        return TOTAL

    @property
    def is_total(self) -> bool:
        """Whether the cell is the total over every dimension."""
        return is_total(self.dims)


def is_total(dims: Iterable[tuple[str, object]] | Mapping[str, object] | None) -> bool:
    """Whether dimension values (pairs or a mapping; none at all) are those of the
    total over every dimension: each is ``_T``. The one rule for the engine's rows and
    for the rows a report is given."""
    if not dims:
        return True
    pairs = dims.items() if isinstance(dims, Mapping) else dims
    return all(str(value) == TOTAL for _, value in pairs)


CellRow = tuple[
    str,
    ReportPeriod,
    str,
    tuple[tuple[str, str], ...],
    tuple[Decimal | None, ObservationStatus, Decimal | None, Decimal | None],
]
"""A row's fields as the engine makes them: indicator, period, territory, dimension
pairs and (value, status, numerator, denominator)."""


def _row(cell: CellRow) -> IndicatorValue:
    """The :class:`IndicatorValue` of an engine cell."""
    indicator, period, territory, dims, result = cell
    value, status, numerator, denominator = result
    return IndicatorValue(
        indicator=indicator,
        period=period,
        territory=territory,
        dims=dims,
        value=value,
        status=status,
        numerator=numerator,
        denominator=denominator,
    )


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value, "f")


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if value == value.to_integral_value() and value.as_tuple().exponent == 0:
        return int(value)
    return float(value)


class IndicatorTable:
    """The tidy table of indicator values (Kennzahlentabelle).

    Built by :func:`compute_indicators`. Rows are sorted by indicator (in the order of
    the indicator definitions), period, territory (``all`` first, then by key) and
    dimension values (``_T`` first).

    Attributes:
        rows: The :class:`IndicatorValue` rows.
        dimensions: The dimension names (the ``--by`` columns).
        indicators: The definitions of the indicators in the table.
        internal: ``True`` when the table was computed without disclosure control; it
            must not be published, and every output says so.
        audit: With ``compute_indicators(..., audit=True)``: every suppressed count
            with its true value and feasibility interval (``AuditCell``) — internal,
            never part of an output of the table itself.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        rows: Iterable[IndicatorValue] = (),
        *,
        dimensions: Sequence[str] = (),
        indicators: Sequence[Indicator] = (),
        internal: bool = False,
        audit: Iterable[Any] = (),
        _ordered: bool = False,
        _cells: Sequence[CellRow] | None = None,
    ) -> None:
        self.dimensions: tuple[str, ...] = tuple(dimensions)
        self.indicators: tuple[Indicator, ...] = tuple(indicators)
        self.internal = internal
        self.audit: tuple[Any, ...] = tuple(audit)
        self._index: dict[tuple[str, str, str, tuple[str, ...]], IndicatorValue] | None = None
        self._rows: tuple[IndicatorValue, ...] | None = None
        self._cells: Sequence[CellRow] | None = None
        if _cells is not None and _ordered:
            # the engine's cells in row order: their rows are made when first asked for
            # (the CSV and the records are written from the cells themselves)
            self._cells = _cells
            return
        materialised = list(rows) if _cells is None else [_row(cell) for cell in _cells]
        if _ordered:  # already in row order (the engine's rows): no need to sort
            self._rows = tuple(materialised)
            return
        order = {ind.id: i for i, ind in enumerate(self.indicators)}
        for row in materialised:
            if row.indicator not in order:
                order[row.indicator] = len(order)
        # Ranks by object identity: the rows share a few period objects, and hashing
        # a period is far slower than hashing its id.
        objects = {id(r.period): r.period for r in materialised}
        periods = sorted(set(objects.values()), key=lambda p: (p.start, -p.end.toordinal(), str(p)))
        rank_of = {p: i for i, p in enumerate(periods)}
        period_rank = {key: rank_of[p] for key, p in objects.items()}
        territories = sorted(
            {r.territory for r in materialised}, key=lambda t: (t != "all", len(t), t)
        )
        territory_rank = {t: i for i, t in enumerate(territories)}
        dims_rank = {
            d: i
            for i, d in enumerate(
                sorted(
                    {r.dims for r in materialised},
                    key=lambda d: tuple((v != TOTAL, v) for _, v in d),
                )
            )
        }
        materialised.sort(
            key=lambda r: (
                order[r.indicator],
                period_rank[id(r.period)],
                territory_rank[r.territory],
                dims_rank[r.dims],
            )
        )
        self._rows = tuple(materialised)

    @property
    def rows(self) -> tuple[IndicatorValue, ...]:
        """The :class:`IndicatorValue` rows, in row order."""
        if self._rows is None:
            self._rows = tuple(map(_row, self._cells or ()))
        return self._rows

    def _fields(self) -> Iterator[CellRow]:
        """Each row's fields, from the engine's cells or from the rows."""
        if self._rows is None and self._cells is not None:
            return iter(self._cells)
        return (
            (r.indicator, r.period, r.territory, r.dims, (r.value, r.status, None, None))
            for r in self.rows
        )

    def _lookup(self) -> dict[tuple[str, str, str, tuple[str, ...]], IndicatorValue]:
        if self._index is None:
            text = {p: str(p) for p in {r.period for r in self.rows}}
            self._index = {
                (r.indicator, text[r.period], r.territory, tuple(v for _, v in r.dims)): r
                for r in self.rows
            }
        return self._index

    @property
    def suppressed_internal(self) -> bool:
        """Alias of ``internal``: computed without disclosure control."""
        return self.internal

    def __len__(self) -> int:
        if self._rows is None and self._cells is not None:
            return len(self._cells)
        return len(self.rows)

    def __iter__(self) -> Iterator[IndicatorValue]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return (
            f"<IndicatorTable {len(self)} rows, dimensions={list(self.dimensions)}"
            f"{', internal' if self.internal else ''}>"
        )

    @property
    def periods(self) -> tuple[ReportPeriod, ...]:
        """The periods in the table, in row order."""
        return tuple(dict.fromkeys(r.period for r in self.rows))

    @property
    def territories(self) -> tuple[str, ...]:
        """The territory keys in the table, in row order."""
        return tuple(dict.fromkeys(r.territory for r in self.rows))

    def indicator(self, code: str) -> Indicator | None:
        """The definition of indicator *code*, if it is in the table."""
        return next((i for i in self.indicators if i.id == code), None)

    def get(
        self, indicator: str, period: ReportPeriod | str, territory: str = "all", **dims: str
    ) -> IndicatorValue | None:
        """The cell for *indicator*, *period*, *territory* and dimension values.

        Dimensions not given are the total ``_T``; unknown dimension names raise
        :class:`KeyError`.

        Example: ``table.get("active_cases", "2025", "05558", sex="f")``.
        """
        unknown = set(dims) - set(self.dimensions)
        if unknown:
            raise KeyError(f"the table has no dimension {', '.join(sorted(unknown))}")
        key = tuple(dims.get(d, TOTAL) for d in self.dimensions)
        return self._lookup().get((indicator, str(period), territory, key))

    def select(
        self,
        *,
        indicator: str | None = None,
        period: ReportPeriod | str | None = None,
        territory: str | None = None,
        totals_only: bool = False,
    ) -> list[IndicatorValue]:
        """The rows matching all given criteria (``totals_only``: only ``_T`` cells)."""
        text = None if period is None else str(period)
        return [
            r
            for r in self.rows
            if (indicator is None or r.indicator == indicator)
            and (text is None or str(r.period) == text)
            and (territory is None or r.territory == territory)
            and (not totals_only or r.is_total)
        ]

    # ----------------------------------------------------------------- output

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names of the tidy table."""
        return ("indicator", "period", "territory", *self.dimensions, "value", "status")

    def records(self) -> Iterator[dict[str, str]]:
        """Yield each row as a mapping of column name to text (as in the CSV)."""
        # by the period object's id (the rows share a few, and hashing one is slow);
        # the rows or cells keep them alive, so no id is reused meanwhile
        text: dict[int, str] = {}
        for indicator, period, territory, dims, (value, status, _, _) in self._fields():
            shown = text.get(id(period))
            if shown is None:
                shown = text[id(period)] = str(period)
            record = {"indicator": indicator, "period": shown, "territory": territory}
            record.update(dims)
            record["value"] = _number(value)
            record["status"] = str(status)
            yield record

    def to_csv(self, *, delimiter: str = ",") -> str:
        """The tidy table as CSV text (UTF-8, header row, ``\\n`` line ends).

        The CSV has exactly the contract columns; a table computed without disclosure
        control is marked by :meth:`write` and the command line, not in this text.
        Dimension names and values come from the case export: one that a spreadsheet
        would read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is
        prefixed with ``'``.
        """
        from .._io import csv_text

        dims = set(self.dimensions)
        guard = {i for i, column in enumerate(self.columns) if column in dims}
        # (the rows one at a time: as a list, 1.3 million rows of a sparse release
        # by two breakdowns held 240 MB beside the text)
        rows = (list(record.values()) for record in self.records())
        return csv_text(chain([self.columns], rows), delimiter=delimiter, guard=guard)

    def to_json(self, *, indent: int | None = None) -> str:
        """The table as JSON: ``{"columns", "internal", "rows": [{…}, …]}``.

        Values are numbers (counts integers, rates with one decimal) or ``null``. A
        table computed without disclosure control has ``"internal": true`` and a
        ``"notice"``.
        """
        data: dict[str, Any] = {"columns": list(self.columns), "internal": self.internal}
        if self.internal:
            data["notice"] = INTERNAL_NOTICE
        rows = []
        for r in self.rows:
            row: dict[str, Any] = {
                "indicator": r.indicator,
                "period": str(r.period),
                "territory": r.territory,
            }
            row.update(r.dims)
            row["value"] = _json_number(r.value)
            row["status"] = str(r.status)
            rows.append(row)
        data["rows"] = rows
        return json.dumps(data, ensure_ascii=False, indent=indent)

    def to_xlsx(self) -> bytes:
        """The tidy table as an Excel workbook (needs the ``excel`` extra): one sheet
        ``Kennzahlen`` with the columns and rows of :meth:`to_csv`.

        For a spreadsheet in any language: values are numbers (a German Excel shows
        ``37,5``), suppressed values empty cells, everything else text (the AGS
        ``05566096`` keeps its zero, ``2026-05`` stays a period). Dimension values that
        a spreadsheet would run as a formula are prefixed with ``'``, as in the CSV.

        .. versionadded:: 0.2.0
        """
        from .._loaders._formats import xlsx_bytes
        from .._parse import neutralise

        dims = set(self.dimensions)
        rows = [
            [
                (Decimal(text) if text else None)
                if column == "value"
                else neutralise(text)
                if column in dims
                else text
                for column, text in record.items()
            ]
            for record in self.records()
        ]
        return xlsx_bytes(self.columns, rows, title="Kennzahlen")

    def render(self, format: Literal["csv", "json"] = "csv") -> str:
        """The text :meth:`write` writes: CSV (exactly the contract columns, readable
        by every CSV reader) or JSON (with ``"internal"`` and a notice)."""
        if format == "json":
            return self.to_json()
        if format != "csv":
            raise ValueError(f"unknown format {format!r}; expected csv or json")
        return self.to_csv()

    def write(
        self,
        path: str | os.PathLike[str],
        format: Literal["csv", "json", "xlsx"] = "csv",
        *,
        inputs: Iterable[str | os.PathLike[str]] = (),
    ) -> Path:
        """Write the table atomically as CSV, JSON or an Excel workbook
        (:meth:`to_xlsx`); return the path.

        A table computed without disclosure control has ``"internal": true`` and a
        notice in JSON; as CSV or workbook its file name must say that it is internal
        (:func:`~kommunale_integration._engine.table.check_internal_name`).

        Raises:
            OutputError: when *path* is one of the *inputs*, or names the CSV or
                workbook of an internal table without ``intern``.

        .. versionchanged:: 0.2.0 ``format="xlsx"``.
        """
        if self.internal and format != "json":
            check_internal_name(path)
        data = self.to_xlsx() if format == "xlsx" else self.render(format)
        return atomic_write(path, data, inputs=inputs)

    # ----------------------------------------------------------------- open data

    def datapackage(self, *, name: str = "kennzahlen", path: str | None = None) -> dict[str, Any]:
        """A Frictionless Tabular Data Package descriptor for :meth:`to_csv`.

        The descriptor (``datapackage.json``) describes one resource, the tidy CSV at
        *path*, with a Table Schema: field types, German/English descriptions, the
        allowed ``status`` values, the primary key and ``""`` as missing value.

        .. versionadded:: 0.1.0
        """
        fields: list[dict[str, Any]] = [
            {
                "name": "indicator",
                "type": "string",
                "title": "Kennzahl",
                "description": "Code of the indicator (Kennzahl); see the indicator "
                "definitions in the resource description.",
                "constraints": {"required": True},
            },
            {
                "name": "period",
                "type": "string",
                "title": "Berichtszeitraum",
                "description": "Report period in the notation 2026, 2026-H1, 2026-Q3, "
                "2026-05, 2026-W07, SJ2025/26, HJ2026 or 2025-01-01/2026-12-31.",
                "constraints": {"required": True},
            },
            {
                "name": "territory",
                "type": "string",
                "title": "Gebiet",
                "description": "Amtlicher Gemeindeschlüssel (8 digits: Stadt/Gemeinde, "
                "5 digits: Kreis) or 'all' for the grand total.",
                "constraints": {"required": True, "pattern": "all|[0-9]{2,8}"},
            },
        ]
        for dim in self.dimensions:
            fields.append(
                {
                    "name": dim,
                    "type": "string",
                    "title": dim,
                    "description": f"Disaggregation by {dim}; '_T' is the total over all "
                    "values (SDMX convention).",
                    "constraints": {"required": True},
                }
            )
        fields.append(
            {
                "name": "value",
                "type": "number",
                "title": "Wert",
                "description": "Counts are whole numbers, rates have one decimal (rounded "
                "half up). Empty when suppressed or missing; see status.",
            }
        )
        fields.append(
            {
                "name": "status",
                "type": "string",
                "title": "Status",
                "description": "; ".join(f"{k}: {v}" for k, v in _STATUS_DESCRIPTIONS.items()),
                "constraints": {"required": True, "enum": [str(s) for s in ObservationStatus]},
            }
        )
        definitions = "; ".join(
            f"{i.id}: {i.name}" + (f" ({i.definition})" if i.definition else "")
            for i in self.indicators
        )
        if path is None:
            path = INTERNAL_CSV if self.internal else "indicators.csv"
        resource: dict[str, Any] = {
            "name": "indicators",
            "path": path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": "Kennzahlen",
            "description": definitions or "Indicator values.",
            "dialect": {"delimiter": ",", "header": True},
            "schema": {
                "fields": fields,
                "missingValues": [""],
                "primaryKey": ["indicator", "period", "territory", *self.dimensions],
            },
        }
        descriptor: dict[str, Any] = {
            "profile": "tabular-data-package",
            "name": name,
            "title": "Kennzahlen des Integrationskonzepts",
            "resources": [resource],
        }
        if self.internal:
            descriptor["name"] = f"{name}-intern"
            descriptor["title"] = f"{INTERNAL_NOTICE}: {descriptor['title']}"
            descriptor["description"] = INTERNAL_NOTICE
            descriptor["internal"] = True
            resource["title"] = f"INTERN: {resource['title']}"
        return descriptor

    def write_datapackage(
        self,
        directory: str | os.PathLike[str],
        *,
        name: str = "kennzahlen",
        inputs: Iterable[str | os.PathLike[str]] = (),
    ) -> Path:
        """Write ``indicators.csv`` and ``datapackage.json`` into *directory* atomically.

        The folder is built beside the target and swapped into place, so a reader never
        sees a half-written package. Returns the folder. A table computed without
        disclosure control writes ``indicators-intern.csv`` instead, and the
        descriptor's name, title and ``"internal": true`` say so.

        .. versionadded:: 0.1.0
        """
        with atomic_directory(
            directory, writer="IndicatorTable.write_datapackage", inputs=inputs
        ) as tmp:
            csv_name = INTERNAL_CSV if self.internal else "indicators.csv"
            (tmp / csv_name).write_text(self.to_csv(), encoding="utf-8")
            (tmp / "datapackage.json").write_text(
                json.dumps(self.datapackage(name=name), ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )
        return Path(directory)

    def to_dataframe(self) -> Any:
        """The table as a :class:`pandas.DataFrame` (needs the extra ``pandas``).

        Columns as in the CSV; ``period`` holds the period text, ``value`` is a float
        column (``NaN`` where suppressed or missing) and ``status`` a categorical.
        ``df.attrs["internal"]`` is ``True`` for a table without disclosure control.

        Raises:
            MissingExtraError: when pandas is not installed.

        .. versionadded:: 0.1.0
        """
        pd: Any = require_extra("pandas", "pandas")
        data: dict[str, list[Any]] = {c: [] for c in self.columns}
        for r in self.rows:
            data["indicator"].append(r.indicator)
            data["period"].append(str(r.period))
            data["territory"].append(r.territory)
            for key, value in r.dims:
                data[key].append(value)
            data["value"].append(None if r.value is None else float(r.value))
            data["status"].append(str(r.status))
        frame = pd.DataFrame(data)
        frame["value"] = frame["value"].astype("float64")
        frame["status"] = pd.Categorical(
            frame["status"], categories=[str(s) for s in ObservationStatus]
        )
        frame.attrs["internal"] = self.internal
        return frame
