"""The numpy counter against the pure-Python counter and an independent reference.

The reference below recomputes every cell straight from the definitions (DESIGN §4,
docs/indicators.rst), one case at a time, without any of the engine's buckets, prefix
sums, bit masks or roll-ups. Random case data, breakdowns (sex, legal basis, age group,
a further column), filters, periods across two years and the default indicators plus
filtered ones; both counters must give every cell the reference's value.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kommunale_integration import (
    CaseCount,
    CaseCountKind,
    CaseData,
    CaseFilter,
    Concept,
    Indicator,
    KommunaleIntegrationError,
    Observation,
    ObservationStatus,
    ReportPeriod,
    compute_indicators,
)
from kommunale_integration._engine import compute
from kommunale_integration._engine.catalogue import default_indicators
from kommunale_integration._engine.table import IndicatorTable

pytest.importorskip("numpy")

AGS = ["05558004", "05558008", "05566012"]
FIRST = date(2023, 6, 1).toordinal()
LAST = date(2026, 3, 31).toordinal()
EVENT_NAMES = ["language_course_started", "employment_started", "vocational_training_started"]

YOUNG = CaseFilter(attribute="age_group", values=("0-17", "18-26"))
FILTERED = [
    Indicator(
        id="asyl_new",
        name="Neue Fälle AsylbLG",
        numerator=CaseCount(
            count=CaseCountKind.NEW,
            filters=(CaseFilter(attribute="legal_basis", values=("AsylbLG",)),),
        ),
    ),
    Indicator(
        id="young_courses",
        name="Sprachkurse junger Menschen je 100 aktive",
        numerator=CaseCount(
            count=CaseCountKind.EVENTS, events=("language_course_started",), filters=(YOUNG,)
        ),
        denominator=CaseCount(count=CaseCountKind.ACTIVE, filters=(YOUNG,)),
        scale=100,
    ),
]


@st.composite
def case_data(draw: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    cases = []
    for i in range(draw(st.integers(0, 14))):
        opened = draw(st.integers(FIRST, LAST))
        closed = draw(st.none() | st.integers(opened, LAST + 30))
        cases.append(
            {
                "case_id": f"c{i}",
                "municipality": draw(st.sampled_from(AGS)),
                "opened": date.fromordinal(opened),
                "closed": None if closed is None else date.fromordinal(closed),
                "legal_basis": draw(st.sampled_from(["AsylbLG", "SGB II", ""])),
                "sex": draw(st.sampled_from(["f", "m", "d", "unknown"])),
                "birth_year": draw(st.sampled_from(["", "1950", "1998", "2007", "2008", "2020"])),
                "team": draw(st.sampled_from(["Nord", "Süd", ""])),
            }
        )
    events = []
    for _ in range(draw(st.integers(0, 25))):
        if not cases:
            break
        events.append(
            {
                "case_id": draw(st.sampled_from(cases))["case_id"],
                "event": draw(st.sampled_from(EVENT_NAMES)),
                "date": date.fromordinal(draw(st.integers(FIRST, LAST))),
            }
        )
    return cases, events


# --------------------------------------------------------------------------- reference


def age_group(birth: str, year: int) -> str:
    if not birth:
        return "unknown"
    age = year - int(birth)
    for limit, label in ((17, "0-17"), (26, "18-26"), (64, "27-64")):
        if age <= limit:
            return label
    return "65+"


def reference_age_years(periods: list[ReportPeriod]) -> dict[ReportPeriod, int]:
    """The age year of each of the periods of one release (``docs/indicators.rst``):
    the year of the latest last day among the periods linked to it by overlapping."""
    found: dict[ReportPeriod, int] = {}
    for period in periods:
        linked = {period}
        while more := {
            q for q in periods if q not in linked and any(q.overlaps(r) for r in linked)
        }:
            linked |= more
        found[period] = max(q.end for q in linked).year
    return found


def reference_count(
    cases: list[dict[str, Any]],
    events: list[dict[str, Any]],
    spec: CaseCount,
    period: ReportPeriod,
    territory: str,
    dims: dict[str, str],
    age_year: int | None = None,
) -> int:
    """The count of *spec* in a cell, each case aged in *age_year* (by default the
    year of the period's last day)."""
    start, end = period.start, period.end
    with_event = {
        e["case_id"] for e in events if e["event"] in spec.events and start <= e["date"] <= end
    }
    n = 0
    for case in cases:
        if territory != "all" and not case["municipality"].startswith(territory):
            continue
        attributes = {
            "sex": case["sex"],
            "legal_basis": case["legal_basis"] or "unknown",
            "team": case["team"] or "unknown",
            "age_group": age_group(case["birth_year"], age_year or end.year),
        }
        if any(value != "_T" and attributes[name] != value for name, value in dims.items()):
            continue
        if any(attributes[f.attribute] not in f.values for f in spec.filters):
            continue
        if spec.count == "active":
            counted = case["opened"] <= end and (case["closed"] is None or case["closed"] >= start)
        elif spec.count == "new":
            counted = start <= case["opened"] <= end
        else:
            counted = case["case_id"] in with_event
        n += counted
    return n


def reference_value(num: int, den: int | None, scale: int) -> Decimal | None:
    if den is None:
        return Decimal(num)
    if num == 0:
        return Decimal("0.0")
    if den == 0:
        return None
    return (Decimal(num) * scale / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- properties


@given(
    case_data(),
    st.lists(st.sampled_from(["sex", "legal_basis", "age_group", "team"]), max_size=2, unique=True),
    st.sampled_from([["2025"], ["2024-Q4", "2025-03", "2024-11-15/2025-02-10"], ["SJ2024/25"]]),
)
def test_both_counters_match_the_reference(
    export: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    by: list[str],
    periods: list[str],
) -> None:
    cases, events = export
    # an empty export has no further columns, so a breakdown by one is refused (tested apart)
    assume(cases or "team" not in by)
    data = CaseData.from_records(cases, events)
    chosen = [*[i for i in default_indicators() if isinstance(i.numerator, CaseCount)], *FILTERED]
    tables = []
    for fast in (True, False):
        compute._NUMPY = fast
        try:
            tables.append(
                compute_indicators(
                    cases=data,
                    periods=periods,
                    by=by,
                    include_subperiods=True,
                    disclosure=None,
                    indicators=chosen,
                )
            )
        finally:
            compute._NUMPY = True
    fast_table, exact_table = tables
    assert fast_table.rows == exact_table.rows
    definitions = {i.id: i for i in chosen}
    years = reference_age_years(compute.expand_periods(periods, include_subperiods=True))
    for row in fast_table.rows:
        indicator = definitions[row.indicator]
        cell = (row.period, row.territory, dict(row.dims), years[row.period])
        num = reference_count(cases, events, indicator.numerator, *cell)
        den = None
        if indicator.denominator is not None:
            den = reference_count(cases, events, indicator.denominator, *cell)
        expected = reference_value(num, den, indicator.scale)
        assert row.value == expected, (row, num, den)
        assert row.status is (
            ObservationStatus.MISSING if expected is None else ObservationStatus.OK
        )


@given(
    case_data(),
    st.lists(st.sampled_from(["sex", "legal_basis", "age_group"]), max_size=2, unique=True),
    st.integers(FIRST, LAST),
    st.booleans(),
)
def test_both_counters_count_the_cases_open_when_a_day_begins(
    export: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    by: list[str],
    day: int,
    young: bool,
) -> None:
    """The cases still open the day after a release ends (``_Counts._closing``, known
    to the attacker of the next release): opened before the day and not closed before
    it, per territory and combination, aged in the day's year — the active cases of
    that one day less its new cases, by the reference; both counters alike."""
    from kommunale_integration._engine._fastcount import ArrayCounter

    cases, events = export
    data = CaseData.from_records(cases, events)
    spec = CaseCount(count=CaseCountKind.ACTIVE, filters=(YOUNG,) if young else ())
    periods = [ReportPeriod.parse("2025")]
    layout = compute._Layout(
        periods, data.dimensions["municipality"][1], None, compute._dimensions(by, data)
    )
    year = date.fromordinal(day).year
    found = [
        counter(data, layout, by).open_at(spec, 0, day, year)
        for counter in (compute._CaseCounter, ArrayCounter)
    ]
    assert found[0] == found[1]
    one_day = ReportPeriod.parse(f"{date.fromordinal(day)}/{date.fromordinal(day)}")
    names = [name for name, _ in layout.dims]
    for (_, territory, combo), value in zip(layout.cell_list(), found[0], strict=True):
        dims = dict(zip(names, combo, strict=True))
        active = reference_count(cases, events, spec, one_day, territory, dims)
        new = attrs.evolve(spec, count=CaseCountKind.NEW)
        assert value == active - reference_count(cases, events, new, one_day, territory, dims)


@given(case_data(), st.lists(st.sampled_from(["sex", "age_group"]), max_size=2, unique=True))
def test_engine_rows_come_in_table_order(
    export: tuple[list[dict[str, Any]], list[dict[str, Any]]], by: list[str]
) -> None:
    """The engine skips the table's sort: its order must be the sorted order."""
    data = CaseData.from_records(*export)
    table = compute_indicators(
        cases=data, periods=["2025", "HJ2025"], by=by, include_subperiods=True, disclosure=None
    )
    resorted = IndicatorTable(
        list(reversed(table.rows)), dimensions=table.dimensions, indicators=table.indicators
    )
    assert resorted.rows == table.rows


@given(
    case_data(),
    st.lists(st.sampled_from(["sex", "age_group"]), max_size=2, unique=True),
    st.booleans(),
)
def test_the_records_of_the_engines_cells_are_those_of_its_rows(
    export: tuple[list[dict[str, Any]], list[dict[str, Any]]], by: list[str], protected: bool
) -> None:
    """The engine's table writes its records and CSV from its cells before it makes its
    rows: the same texts as a table made of those rows."""
    data = CaseData.from_records(*export)
    options: dict[str, Any] = {} if protected else {"disclosure": None}
    table = compute_indicators(
        cases=data, periods=["2025"], by=by, include_subperiods=True, **options
    )
    assert table._rows is None  # nothing has asked for the rows yet
    size, records, text = len(table), list(table.records()), table.to_csv()
    assert table._rows is None
    rows = table.rows
    assert len(rows) == size
    again = IndicatorTable(
        rows, dimensions=table.dimensions, indicators=table.indicators, internal=not protected
    )
    assert list(again.records()) == records
    assert again.to_csv() == text
    # each field in its place: a rate's numerator and denominator are the counts
    value = {(r.indicator, str(r.period), r.territory, r.dims): r.value for r in rows}
    for r in rows:
        if r.indicator == "placement_rate" and r.status is ObservationStatus.OK:
            cell = (str(r.period), r.territory, r.dims)
            assert r.numerator == value[("placements", *cell)]
            assert r.denominator == value[("active_cases", *cell)]


# --------------------------------------------------------------------------- one rule


def test_one_rule_for_counts_and_expressions_at_zero_over_zero() -> None:
    """A rate with numerator 0 is 0 — also when the denominator is 0 — for case counts
    and for expressions alike; with a numerator but a zero denominator it is missing."""
    data = CaseData.from_records(
        [{"case_id": "a", "municipality": "05558004", "opened": "2026-01-05"}]
    )
    counts = compute_indicators(cases=data, periods=["2025"], disclosure=None)
    cell = counts.get("placement_rate", "2025", "05558004")
    assert cell is not None
    assert (cell.value, cell.status) == (Decimal("0.0"), ObservationStatus.OK)
    assert (cell.numerator, cell.denominator) == (Decimal(0), Decimal(0))

    def obs(code: str, value: str) -> Observation:
        return Observation(
            indicator=code,
            period=ReportPeriod.parse("2025"),
            territory="05558004",
            value=Decimal(value),
        )

    concept = Concept(
        id="k",
        title="K",
        territory="05558",
        observations=[obs("a", "0"), obs("b", "0"), obs("c", "3")],
        indicators=[
            Indicator(id="zero", name="0/0", numerator="a", denominator="b", scale=100),
            Indicator(id="div", name="3/0", numerator="c", denominator="b", scale=100),
        ],
    )
    table = compute_indicators(concept, periods=["2025"], disclosure=None)
    zero = table.get("zero", "2025", "05558004")
    div = table.get("div", "2025", "05558004")
    assert zero is not None
    assert div is not None
    assert (zero.value, zero.status) == (Decimal("0.0"), ObservationStatus.OK)
    assert (div.value, div.status) == (None, ObservationStatus.MISSING)


def test_cell_value_rule() -> None:
    ok, sup = ObservationStatus.OK, ObservationStatus.SUPPRESSED
    prov, miss = ObservationStatus.PROVISIONAL, ObservationStatus.MISSING
    rnd = ObservationStatus.ROUNDED
    value = compute.cell_value
    d = Decimal
    assert value((d(3), ok), None) == (d(3), ok, None, None)
    assert value((d(10), ok), None, quantize=True) == (d("10.0"), ok, None, None)
    assert value((None, prov), None) == (None, miss, None, None)
    assert value((d(1), ok), (d(3), ok), scale=100) == (d("33.3"), ok, d(1), d(3))
    assert value((d(1), ok), (d(8), ok), scale=100) == (d("12.5"), ok, d(1), d(8))
    assert value((d(1), ok), (d(800), ok), scale=100) == (d("0.1"), ok, d(1), d(800))
    assert value((d(0), ok), (d(0), ok), scale=100) == (d("0.0"), ok, d(0), d(0))
    assert value((d(2), ok), (d(0), ok), scale=100) == (None, miss, d(2), d(0))
    assert value((d(2), sup), (d(5), ok)) == (None, sup, None, None)
    assert value((d(2), ok), (None, sup)) == (None, sup, None, None)
    assert value((d(5), rnd), (d(10), prov), scale=100) == (d("50.0"), prov, d(5), d(10))
    assert value((d(5), rnd), (d(10), ok), scale=100) == (d("50.0"), rnd, d(5), d(10))
    assert value((d(5), ok), (None, miss), scale=100) == (None, miss, d(5), None)


def test_a_breakdown_by_a_column_the_export_lacks_is_refused() -> None:
    data = CaseData.from_records([], [])
    with pytest.raises(KommunaleIntegrationError, match="team"):
        compute_indicators(cases=data, periods=["2025"], by=["team"], disclosure=None)


def test_the_engine_pauses_the_garbage_collector_and_restores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Paused while the rows are made; as it was afterwards, also after an error."""
    import gc

    seen: list[bool] = []
    real = compute._indicator_rows

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(compute, "_indicator_rows", spy)
    data = CaseData.from_records(
        [{"case_id": "a", "municipality": AGS[0], "opened": date(2025, 1, 1), "sex": "f"}], []
    )
    assert gc.isenabled()
    compute_indicators(cases=data, periods=["2025"], disclosure=None)
    assert seen
    assert not any(seen)
    assert gc.isenabled()
    with pytest.raises(KommunaleIntegrationError):
        compute_indicators(cases=data, periods=["2025"], by=["team"], disclosure=None)
    assert gc.isenabled()
    gc.disable()
    try:
        compute_indicators(cases=data, periods=["2025"], disclosure=None)
        assert not gc.isenabled()  # left off, as it was
    finally:
        gc.enable()
