"""The indicator engine: hand-checked answers, a naive oracle, roll-up and outputs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    CaseCount,
    CaseCountKind,
    CaseData,
    CaseFilter,
    Concept,
    DisclosureControl,
    Indicator,
    LoadError,
    Observation,
    ObservationStatus,
    OutputError,
    ReportPeriod,
    Territory,
    TerritoryKind,
    compute_indicators,
    default_indicators,
)
from kommunale_integration._engine import IndicatorValue, age_group, expand_periods

# A small export whose answers were worked out by hand (see the comments).
CASES = [
    # A1: open since 2024, never closed
    {"case_id": "A1", "municipality": "05558004", "opened": "2024-01-15", "sex": "f",
     "legal_basis": "AsylbLG", "birth_year": "1990"},
    # A2: March 2025 only
    {"case_id": "A2", "municipality": "05558004", "opened": "2025-03-01",
     "closed": "2025-03-31", "sex": "m", "legal_basis": "SGB II", "birth_year": "2001"},
    # A3: opened on the last day of 2025
    {"case_id": "A3", "municipality": "05558008", "opened": "2025-12-31", "sex": "f",
     "legal_basis": "SGB II", "birth_year": "2010"},
    # A4: closed on the last day of 2024
    {"case_id": "A4", "municipality": "05558008", "opened": "2024-06-01",
     "closed": "2024-12-31", "sex": "m", "legal_basis": "AufenthG", "birth_year": "1960"},
    # A5: first half of 2025
    {"case_id": "A5", "municipality": "05558008", "opened": "2025-01-01",
     "closed": "2025-06-30", "sex": "m", "legal_basis": "SGB II", "birth_year": "1985"},
    # A6: another district (05566), whole of 2025
    {"case_id": "A6", "municipality": "05566008", "opened": "2023-05-05", "sex": "d",
     "legal_basis": "other", "birth_year": ""},
]  # fmt: skip
EVENTS = [
    {"case_id": "A1", "event": "language_course_started", "date": "2025-01-01"},
    {"case_id": "A1", "event": "language_course_started", "date": "2025-02-01"},
    {"case_id": "A1", "event": "language_course_completed", "date": "2025-06-30"},
    {"case_id": "A2", "event": "employment_started", "date": "2025-03-31"},
    {"case_id": "A5", "event": "vocational_training_started", "date": "2025-01-01"},
    {"case_id": "A5", "event": "employment_started", "date": "2025-04-01"},
    {"case_id": "A4", "event": "employment_started", "date": "2024-12-31"},
    {"case_id": "A6", "event": "counselling_session", "date": "2025-07-07"},
]


@pytest.fixture(scope="module")
def data() -> CaseData:
    return CaseData.from_records(CASES, EVENTS)


def value(table: Any, *args: Any, **dims: str) -> Decimal | None:
    cell: IndicatorValue | None = table.get(*args, **dims)
    assert cell is not None, (args, dims)
    return cell.value


def test_hand_checked_year(data: CaseData) -> None:
    t = compute_indicators(cases=data, periods=["2025"], disclosure=None, by=("sex",))
    # active 2025: A1, A2, A3, A5 in 05558; A6 in 05566 (A4 closed 2024-12-31)
    assert value(t, "active_cases", "2025", "all") == 5
    assert value(t, "active_cases", "2025", "05558") == 4
    assert value(t, "active_cases", "2025", "05566") == 1
    assert value(t, "active_cases", "2025", "05558004") == 2
    assert value(t, "active_cases", "2025", "05558008", sex="m") == 1
    assert value(t, "active_cases", "2025", "all", sex="d") == 1
    # new 2025: A2, A3, A5
    assert value(t, "new_cases", "2025", "all") == 3
    # A1 started twice but counts once
    assert value(t, "language_course_starts", "2025", "all") == 1
    assert value(t, "language_course_completions", "2025", "05558004", sex="f") == 1
    # placements 2025: A2 and A5 (A5 twice, once counted); A4's is in 2024
    assert value(t, "placements", "2025", "all") == 2
    assert value(t, "placement_rate", "2025", "05558") == Decimal("50.0")
    assert value(t, "placement_rate", "2025", "all") == Decimal("40.0")
    # no placements in 05566: rate 0 by definition
    assert value(t, "placement_rate", "2025", "05566") == Decimal("0.0")
    assert t.dimensions == ("sex",)
    assert t.internal


def test_hand_checked_subperiods(data: CaseData) -> None:
    t = compute_indicators(cases=data, periods=["2025"], include_subperiods=True, disclosure=None)
    assert len(t.periods) == 17
    # Q1: A1, A2, A5, A6 (A3 not yet)
    assert value(t, "active_cases", "2025-Q1", "all") == 4
    # Q3: A1, A6 (A5 closed on 30 June, the last day of Q2)
    assert value(t, "active_cases", "2025-Q3", "all") == 2
    assert value(t, "active_cases", "2025-06", "all") == 3
    # December: A1, A3 (opened on the last day), A6
    assert value(t, "active_cases", "2025-12", "all") == 3
    assert value(t, "new_cases", "2025-12", "all") == 1
    # A5 has placements in January and April: once per quarter, once in the year
    assert value(t, "placements", "2025-Q1", "all") == 2
    assert value(t, "placements", "2025-Q2", "all") == 1
    assert value(t, "placements", "2025-02", "all") == 0
    assert value(t, "language_course_starts", "2025-Q1", "all") == 1
    assert value(t, "language_course_starts", "2025-01", "all") == 1
    assert value(t, "language_course_starts", "2025-02", "all") == 1
    assert value(t, "placement_rate", "2025-03", "all") == Decimal("25.0")


def test_filters_and_age_groups(data: CaseData) -> None:
    asyl = Indicator(
        id="asyl-active",
        name="Aktive Fälle AsylbLG",
        numerator=CaseCount(
            count=CaseCountKind.ACTIVE,
            filters=(CaseFilter(attribute="legal_basis", values=("AsylbLG",)),),
        ),
    )
    adults = Indicator(
        id="adults-active",
        name="Aktive Fälle 18-64",
        numerator=CaseCount(
            count=CaseCountKind.ACTIVE,
            filters=(CaseFilter(attribute="age_group", values=("18-26", "27-64")),),
        ),
    )
    t = compute_indicators(cases=data, periods=["2025"], indicators=[asyl, adults], disclosure=None)
    assert value(t, "asyl-active", "2025", "all") == 1
    # ages at the end of 2025: A1 35, A2 24, A3 15, A5 40, A6 unknown
    assert value(t, "adults-active", "2025", "all") == 3
    by_age = compute_indicators(
        cases=data, periods=["2025"], indicators=["active_cases"], by=["age_group"],
        disclosure=None,
    )  # fmt: skip
    assert value(by_age, "active_cases", "2025", "all", age_group="0-17") == 1
    assert value(by_age, "active_cases", "2025", "all", age_group="unknown") == 1
    assert value(by_age, "active_cases", "2025", "all", age_group="27-64") == 2


def test_age_group_boundaries() -> None:
    assert [age_group(2025 - a, 2025) for a in (0, 17, 18, 26, 27, 64, 65)] == [
        "0-17", "0-17", "18-26", "18-26", "27-64", "27-64", "65+",
    ]  # fmt: skip
    assert age_group(0, 2025) == "unknown"


def test_unknown_dimension_is_a_clear_error(data: CaseData) -> None:
    from kommunale_integration import KommunaleIntegrationError

    with pytest.raises(KommunaleIntegrationError, match="nationality"):
        compute_indicators(cases=data, periods=["2025"], by=["nationality"])


def test_expand_periods() -> None:
    assert [str(p) for p in expand_periods(["2025-Q2"], True)] == [
        "2025-Q2", "2025-04", "2025-05", "2025-06",
    ]  # fmt: skip
    assert len(expand_periods(["2025"], True)) == 17
    assert len(expand_periods(["SJ2025/26"], True)) == 13
    assert [str(p) for p in expand_periods(["2025", "2025"], False)] == ["2025"]


def test_concept_hierarchy_is_used(data: CaseData) -> None:
    concept = Concept(
        id="k",
        title="Konzept",
        territory="05558",
        territories=(
            Territory(ags="05", name="NRW", kind=TerritoryKind.STATE),
            Territory(ags="05558", name="Kreis Coesfeld", kind=TerritoryKind.DISTRICT, parent="05"),
            Territory(ags="05558004", name="Billerbeck", kind=TerritoryKind.TOWN, parent="05558"),
            Territory(ags="05558012", name="Dülmen", kind=TerritoryKind.TOWN, parent="05558"),
        ),
    )
    t = compute_indicators(concept, data, periods=["2025"], disclosure=None)
    assert value(t, "active_cases", "2025", "05558") == 4
    # the Land above the Kreis's concept would repeat the Kreis's figure as NRW's: it is
    # never computed, and the Kreis adds up to all (nineteenth session)
    assert "05" not in t.territories
    # A6 in the Kreis Steinfurt lies outside the concept: not counted
    assert value(t, "active_cases", "2025", "all") == 4
    assert not {"05566", "05566008"} & set(t.territories)
    # a municipality of the concept without cases is reported with 0
    assert value(t, "active_cases", "2025", "05558012") == 0


def test_cases_outside_the_concept_are_not_counted(
    data: CaseData, caplog: pytest.LogCaptureFixture
) -> None:
    """A Stadt whose export holds the cases of its neighbours counts only its own: the
    neighbours' small counts made its own figure a secondary suppression, and its table
    published their figures and a Kreis total of some towns under the Kreis's name."""
    stadt = Concept(
        id="s",
        title="Stadt",
        territory="05558008",
        territories=(
            Territory(ags="05558", name="Kreis Coesfeld", kind=TerritoryKind.DISTRICT),
            Territory(ags="05558008", name="Billerbeck", kind=TerritoryKind.TOWN, parent="05558"),
        ),
    )
    with caplog.at_level("WARNING", logger="kommunale_integration"):
        t = compute_indicators(stadt, data, periods=["2025"], disclosure=None)
    # no Kreis row: it would be Billerbeck's own figure under the Kreis's AGS, read as
    # the Kreis's (nineteenth session)
    assert set(t.territories) == {"all", "05558008"}
    # active 2025 in 05558008: A3 and A5 (A4 closed 2024)
    for territory in ("05558008", "all"):
        assert value(t, "active_cases", "2025", territory) == 2
    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "3 von 6 Fällen" in warning
    assert "Ascheberg (05558004)" in warning
    assert "Emsdetten (05566008)" in warning
    # the events of the cases left out are left out with them; the others keep theirs
    events = compute_indicators(
        Concept(id="k", title="K", territory="05558004"), data, periods=["2025"], disclosure=None
    )
    whole = compute_indicators(None, data, periods=["2025"], disclosure=None)
    for indicator in ("language_course_starts", "language_course_completions", "placements"):
        assert value(events, indicator, "2025", "05558004") == value(
            whole, indicator, "2025", "05558004"
        )
    assert value(events, "language_course_starts", "2025", "all") == value(
        whole, "language_course_starts", "2025", "05558004"
    )
    # without a concept every case counts
    assert value(whole, "active_cases", "2025", "all") == 5


# --------------------------------------------------------------------------- oracle

MUNICIPALITIES = ("05558004", "05558008", "05558012", "05566008")
BOUNDARY_DAYS = [
    date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 1), date(2025, 6, 30),
    date(2025, 12, 31), date(2024, 12, 31), date(2026, 1, 1), date(2025, 2, 28),
    date(2025, 3, 1), date(2025, 9, 30), date(2025, 10, 1),
]  # fmt: skip
days = st.one_of(
    st.sampled_from(BOUNDARY_DAYS),
    st.dates(min_value=date(2024, 6, 1), max_value=date(2026, 6, 30)),
)


@st.composite
def exports(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    n = draw(st.integers(min_value=0, max_value=30))
    cases = []
    for i in range(n):
        opened = draw(days)
        choice = draw(st.sampled_from(["open", "span", "day"]))
        closed: date | None = None
        if choice == "span":
            closed = opened + timedelta(days=draw(st.integers(0, 400)))
        elif choice == "day":
            closed = max(draw(days), opened)
        cases.append(
            {
                "case_id": f"c{i}",
                "municipality": draw(st.sampled_from(MUNICIPALITIES)),
                "opened": opened,
                "closed": closed,
                "sex": draw(st.sampled_from(["f", "m", "d", "unknown"])),
                "legal_basis": draw(st.sampled_from(["SGB II", "AsylbLG"])),
                "birth_year": str(draw(st.integers(1940, 2024))),
            }
        )
    events = []
    if cases:
        for _ in range(draw(st.integers(0, 40))):
            events.append(
                {
                    "case_id": f"c{draw(st.integers(0, n - 1))}",
                    "event": draw(
                        st.sampled_from(
                            [
                                "language_course_started",
                                "language_course_completed",
                                "employment_started",
                                "vocational_training_started",
                            ]
                        )
                    ),
                    "date": draw(days),
                }
            )
    return cases, events


def naive(
    cases: list[dict[str, Any]],
    events: list[dict[str, Any]],
    indicator: str,
    period: ReportPeriod,
    territory: str,
    sex: str,
) -> int | Decimal | None:
    """Recompute one cell straight from the definitions in DESIGN §4."""

    def in_cell(case: dict[str, Any]) -> bool:
        where = territory == "all" or case["municipality"].startswith(territory)
        return where and (sex == "_T" or case["sex"] == sex)

    def active(case: dict[str, Any]) -> bool:
        return case["opened"] <= period.end and (
            case["closed"] is None or case["closed"] >= period.start
        )

    def with_event(names: set[str]) -> set[str]:
        return {
            e["case_id"]
            for e in events
            if e["event"] in names and period.start <= e["date"] <= period.end
        }

    chosen = [c for c in cases if in_cell(c)]
    placements = with_event({"employment_started", "vocational_training_started"})
    if indicator == "active_cases":
        return sum(1 for c in chosen if active(c))
    if indicator == "new_cases":
        return sum(1 for c in chosen if period.start <= c["opened"] <= period.end)
    if indicator == "language_course_starts":
        ids = with_event({"language_course_started"})
        return sum(1 for c in chosen if c["case_id"] in ids)
    if indicator == "language_course_completions":
        ids = with_event({"language_course_completed"})
        return sum(1 for c in chosen if c["case_id"] in ids)
    if indicator == "placements":
        return sum(1 for c in chosen if c["case_id"] in placements)
    assert indicator == "placement_rate"
    num = sum(1 for c in chosen if c["case_id"] in placements)
    den = sum(1 for c in chosen if active(c))
    if num == 0:
        return Decimal("0.0")
    if den == 0:
        return None
    return (Decimal(num) * 100 / den).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


def cells(table: Any) -> Iterator[Any]:
    yield from table.rows


@given(exports())
def test_engine_matches_naive_recomputation(export: tuple[list[Any], list[Any]]) -> None:
    cases, events = export
    data = CaseData.from_records(cases, events)
    table = compute_indicators(
        cases=data, periods=["2025"], include_subperiods=True, by=("sex",), disclosure=None
    )
    assert (
        len(table)
        == 6 * 17 * (len(data.municipalities) + len({m[:5] for m in data.municipalities}) + 1) * 5
    )
    for row in cells(table):
        expected = naive(cases, events, row.indicator, row.period, row.territory, row.dim("sex"))
        if expected is None:
            # a rate with placements but no active case (events outside the case's
            # open period): not computable
            assert row.indicator == "placement_rate"
            assert (row.value, row.status) == (None, ObservationStatus.MISSING)
            continue
        assert row.value == expected, (row, expected)
        assert row.status is ObservationStatus.OK


@given(exports())
def test_rollup_equals_direct_aggregation(export: tuple[list[Any], list[Any]]) -> None:
    """Summing municipalities gives the district computed directly (metamorphic)."""
    cases, events = export
    data = CaseData.from_records(cases, events)
    merged = [dict(c, municipality=c["municipality"][:5] + "000") for c in cases]
    direct = CaseData.from_records(merged, events)
    t1 = compute_indicators(cases=data, periods=["2025-Q2"], disclosure=None)
    t2 = compute_indicators(cases=direct, periods=["2025-Q2"], disclosure=None)
    for row in t2.rows:
        if len(row.territory) == 5 or row.territory == "all":
            assert t1.get(row.indicator, row.period, row.territory) == row


@given(exports(), st.sets(st.sampled_from(MUNICIPALITIES)))
def test_cases_within_municipalities_are_those_cases(
    export: tuple[list[Any], list[Any]], kept: set[str]
) -> None:
    """``CaseData.within`` gives what an export of only those cases gives: every cell,
    by sex, with the events renumbered (metamorphic)."""
    cases, events = export
    ids = {c["case_id"] for c in cases if c["municipality"] in kept}
    alone = CaseData.from_records(
        [c for c in cases if c["case_id"] in ids], [e for e in events if e["case_id"] in ids]
    )
    within = CaseData.from_records(cases, events).within(kept)
    assert within.municipalities == alone.municipalities
    t1 = compute_indicators(cases=within, periods=["2025"], by=("sex",), disclosure=None)
    t2 = compute_indicators(cases=alone, periods=["2025"], by=("sex",), disclosure=None)
    assert t1.rows == t2.rows


# --------------------------------------------------------------------------- expressions


def observation(code: str, territory: str, value: str, **kw: Any) -> Observation:
    return Observation(
        indicator=code,
        period=ReportPeriod.parse("2025"),
        territory=territory,
        value=Decimal(value),
        **kw,
    )


def aggregate_concept(**extra: Any) -> Concept:
    obs = [
        observation("naturalisations", "05558004", "12"),
        observation("naturalisations", "05558008", "8"),
        observation("foreigners_resident_8y_previous_year_end", "05558004", "600"),
        observation("foreigners_resident_8y_previous_year_end", "05558008", "200"),
        observation("foreigners_previous_year_end", "05558004", "1000"),
        observation("foreigners_previous_year_end", "05558008", "0"),
    ]
    return Concept(
        id="k",
        title="Konzept",
        territory="05558",
        observations=(*obs, *extra.pop("observations", [])),
        indicators=extra.pop(
            "indicators",
            [i for i in default_indicators() if i.id in {"intmk-b2a", "intmk-b2b"}],
        ),
        **extra,
    )


def test_aggregate_indicators_roll_up_by_summing() -> None:
    t = compute_indicators(aggregate_concept(), periods=["2025"])
    assert value(t, "intmk-b2a", "2025", "05558004") == Decimal("2.0")
    assert value(t, "intmk-b2a", "2025", "05558008") == Decimal("4.0")
    # (12 + 8) / (600 + 200) * 100 = 2.5 — not the mean of the rates (3.0)
    assert value(t, "intmk-b2a", "2025", "05558") == Decimal("2.5")
    assert value(t, "intmk-b2a", "2025", "all") == Decimal("2.5")
    # division by zero: missing
    cell = t.get("intmk-b2b", "2025", "05558008")
    assert cell is not None
    assert cell.value is None
    assert cell.status is ObservationStatus.MISSING
    assert value(t, "intmk-b2b", "2025", "05558") == Decimal("2.0")


def test_suppressed_data_element_propagates() -> None:
    concept = aggregate_concept(
        observations=[
            Observation(
                indicator="naturalisations",
                period=ReportPeriod.parse("2025"),
                territory="05558012",
                status=ObservationStatus.SUPPRESSED,
            ),
            observation("foreigners_resident_8y_previous_year_end", "05558012", "50"),
        ]
    )
    t = compute_indicators(concept, periods=["2025"])
    assert t.get("intmk-b2a", "2025", "05558012").status is ObservationStatus.SUPPRESSED  # type: ignore[union-attr]
    assert t.get("intmk-b2a", "2025", "05558").status is ObservationStatus.SUPPRESSED  # type: ignore[union-attr]


def test_unknown_data_element_is_a_load_error() -> None:
    bad = Indicator(id="x", name="X", numerator="naturalisations / populaton")
    concept = aggregate_concept()
    with pytest.raises(LoadError) as info:
        compute_indicators(concept, periods=["2025"], indicators=[bad])
    assert "populaton" in str(info.value)
    assert info.value.findings[0].code == "unknown-data-element"


def test_observations_of_indicators_pass_through() -> None:
    concept = aggregate_concept(
        observations=[
            observation("intmk-b2a", "05", "1.7", status=ObservationStatus.PROVISIONAL),
        ]
    )
    t = compute_indicators(concept, periods=["2025"])
    cell = t.get("intmk-b2a", "2025", "05")
    assert cell is not None
    assert cell.value == Decimal("1.7")
    assert cell.status is ObservationStatus.PROVISIONAL


def test_mixed_case_count_over_data_element(data: CaseData) -> None:
    per_1000 = Indicator(
        id="new-per-1000",
        name="Neue Fälle je 1000 Ausländer",
        numerator=CaseCount(count=CaseCountKind.NEW),
        denominator="foreigners_previous_year_end",
        scale=1000,
    )
    concept = aggregate_concept(indicators=[per_1000])
    t = compute_indicators(concept, data, periods=["2025"], disclosure=None)
    # 05558004: 1 new case (A2) per 1000 foreigners -> 1.0
    assert value(t, "new-per-1000", "2025", "05558004") == Decimal("1.0")


# --------------------------------------------------------------------------- outputs


def test_csv_and_json_outputs(data: CaseData, tmp_path: Path) -> None:
    t = compute_indicators(cases=data, periods=["2025"], by=("sex",))
    text = t.to_csv()
    lines = text.splitlines()
    assert lines[0] == "indicator,period,territory,sex,value,status"
    # the one diverse person among the five active cases: a primary cell (which
    # others go with it is the protection's choice, tests/test_disclosure*.py)
    assert "active_cases,2025,all,d,,suppressed" in lines
    assert "active_cases,2025,all,unknown,0,ok" in lines
    # 2 placements: suppressed, and so is the rate built on them
    assert "placements,2025,all,_T,,suppressed" in lines
    assert "placement_rate,2025,all,_T,,suppressed" in lines
    payload = json.loads(t.to_json())
    assert payload["internal"] is False
    # the JSON holds the CSV's rows: a suppressed value is null, a count an integer,
    # a rate a decimal
    header = lines[0].split(",")
    expected = []
    for line in lines[1:]:
        row: dict[str, Any] = dict(zip(header, line.split(","), strict=True))
        number = row["value"]
        row["value"] = None if not number else float(number) if "." in number else int(number)
        expected.append(row)
    assert payload["rows"] == expected
    assert {
        "indicator": "active_cases", "period": "2025", "territory": "all", "sex": "d",
        "value": None, "status": "suppressed",
    } in payload["rows"]  # fmt: skip
    out = t.write(tmp_path / "k.csv")
    assert out.read_text(encoding="utf-8") == text


def test_json_numbers_are_counts_as_integers_and_rates_with_one_decimal(
    data: CaseData,
) -> None:
    """A count is a JSON integer (``4``), a rate keeps its decimal (``50.0``, ``0.0``):
    a reader sees from the number alone which is which, as in the CSV."""
    t = compute_indicators(cases=data, periods=["2025"], disclosure=None)
    text = t.to_json()
    rows = {(r["indicator"], r["territory"]): r["value"] for r in json.loads(text)["rows"]}
    assert rows[("active_cases", "05558")] == 4
    assert type(rows[("active_cases", "05558")]) is int
    for territory, rate in [("05558", 50.0), ("all", 40.0), ("05566", 0.0)]:
        assert rows[("placement_rate", territory)] == rate
        assert type(rows[("placement_rate", territory)]) is float
    assert '"territory": "05558", "value": 4,' in text
    assert '"territory": "05566", "value": 0.0,' in text


def test_select_keeps_the_rows_matching_every_criterion(data: CaseData) -> None:
    """:meth:`IndicatorTable.select` filters by indicator, period, territory and
    totals, each on its own and together."""
    t = compute_indicators(cases=data, periods=["2025"], disclosure=None, by=("sex",))
    rows = t.select(territory="05566")
    assert rows
    assert {r.territory for r in rows} == {"05566"}
    assert len(rows) < len(t.rows)
    both = t.select(indicator="active_cases", territory="05558", totals_only=True)
    assert [(r.indicator, r.territory, r.dims, r.value) for r in both] == [
        ("active_cases", "05558", (("sex", "_T"),), 4)
    ]
    assert t.select(period="2024") == []


def test_internal_table_is_marked(data: CaseData, tmp_path: Path) -> None:
    t = compute_indicators(cases=data, periods=["2025"], disclosure=None)
    # CSV readers keep working: no comment line, exactly the contract columns
    assert t.render("csv").startswith("indicator,period,territory,value,status\n")
    assert json.loads(t.render("json"))["notice"].startswith("INTERN")
    assert t.write(tmp_path / "x.json", "json").read_text(encoding="utf-8").count("INTERN") == 1
    # the file name carries the mark of a CSV
    with pytest.raises(OutputError, match="intern"):
        t.write(tmp_path / "kennzahlen.csv")
    assert not (tmp_path / "kennzahlen.csv").exists()
    assert t.write(tmp_path / "kennzahlen-INTERN.csv").is_file()
    package = t.write_datapackage(tmp_path / "paket")
    assert sorted(p.name for p in package.iterdir()) == [
        ".kommunale-integration-output",  # the mark that the library wrote this folder
        "datapackage.json",
        "indicators-intern.csv",
    ]
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["internal"] is True
    assert descriptor["resources"][0]["path"] == "indicators-intern.csv"
    assert descriptor["title"].startswith("INTERN")


def test_datapackage(data: CaseData, tmp_path: Path) -> None:
    t = compute_indicators(cases=data, periods=["2025"], by=("sex",))
    descriptor = t.datapackage()
    resource = descriptor["resources"][0]
    names = [f["name"] for f in resource["schema"]["fields"]]
    assert names == ["indicator", "period", "territory", "sex", "value", "status"]
    assert all(f.get("description") for f in resource["schema"]["fields"])
    assert resource["schema"]["primaryKey"] == ["indicator", "period", "territory", "sex"]
    folder = t.write_datapackage(tmp_path / "pkg")
    assert (folder / "indicators.csv").read_text(encoding="utf-8") == t.to_csv()
    written = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert written == descriptor
    # every CSV row conforms to the declared schema
    import csv

    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    with (folder / "indicators.csv").open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            assert record["status"] in fields["status"]["constraints"]["enum"]
            if record["value"]:
                float(record["value"])


def test_to_dataframe(data: CaseData) -> None:
    pytest.importorskip("pandas")
    t = compute_indicators(cases=data, periods=["2025"], by=("sex",))
    frame = t.to_dataframe()
    assert list(frame.columns) == ["indicator", "period", "territory", "sex", "value", "status"]
    assert len(frame) == len(t)
    assert frame["value"].isna().sum() == sum(1 for r in t.rows if r.value is None)


def test_write_refuses_to_overwrite_an_input(tmp_path: Path, data: CaseData) -> None:
    from kommunale_integration import OutputError

    source = tmp_path / "cases.csv"
    source.write_text("x", encoding="utf-8")
    t = compute_indicators(cases=data, periods=["2025"])
    with pytest.raises(OutputError):
        t.write(source, inputs=[source])
    assert source.read_text(encoding="utf-8") == "x"


def test_default_catalogue() -> None:
    indicators = {i.id: i for i in default_indicators()}
    assert list(indicators)[:6] == [
        "active_cases", "new_cases", "language_course_starts",
        "language_course_completions", "placements", "placement_rate",
    ]  # fmt: skip
    assert indicators["intmk-b2a"].origin == "IntMK"
    assert indicators["intmk-b2a"].denominator == "foreigners_resident_8y_previous_year_end"
    assert indicators["intmk-b2b"].denominator == "foreigners_previous_year_end"
    # same name, different definitions: separate indicators
    assert indicators["intmk-b2a"].name != indicators["intmk-b2b"].name or (
        indicators["intmk-b2a"].denominator != indicators["intmk-b2b"].denominator
    )
    rate = indicators["placement_rate"]
    assert rate.scale == 100
    assert isinstance(rate.denominator, CaseCount)


def test_rounding_mode(data: CaseData) -> None:
    t = compute_indicators(
        cases=data, periods=["2025"], disclosure=DisclosureControl(mode="round", base=5)
    )
    # a total is the sum of its rounded parts (so that no relation narrows a rounded
    # 0 down to 1 or 2): every municipality has one or two active cases, rounded to 0,
    # and so do their districts and ``all``
    cell = t.get("active_cases", "2025", "all")
    assert cell is not None
    assert (cell.value, cell.status) == (Decimal(0), ObservationStatus.ROUNDED)
    cell = t.get("active_cases", "2025", "05558")
    assert cell is not None
    assert (cell.value, cell.status) == (Decimal(0), ObservationStatus.ROUNDED)
    # one case rounds to 0, and a true 0 is marked rounded as well: a 0 never tells
    # "nobody" from "one or two"
    cell = t.get("active_cases", "2025", "05566")
    assert cell is not None
    assert (cell.value, cell.status) == (Decimal(0), ObservationStatus.ROUNDED)
    cell = t.get("new_cases", "2025", "05566")
    assert cell is not None
    assert (cell.value, cell.status) == (Decimal(0), ObservationStatus.ROUNDED)
    # rates are computed from the rounded counts: 0 placements (rounded) -> 0
    rate = t.get("placement_rate", "2025", "all")
    assert rate is not None
    assert (rate.value, rate.status) == (Decimal("0.0"), ObservationStatus.ROUNDED)


def test_territory_filter_and_empty_data(data: CaseData) -> None:
    t = compute_indicators(
        cases=data, periods=["2025"], territories=["all", "05566"], disclosure=None
    )
    assert set(t.territories) == {"all", "05566"}
    empty = compute_indicators(cases=CaseData.empty(), periods=["2025"])
    assert [(r.territory, r.value) for r in empty.rows if r.indicator == "active_cases"] == [
        ("all", Decimal(0))
    ]


def test_two_breakdowns(data: CaseData) -> None:
    t = compute_indicators(cases=data, periods=["2025"], by=("sex", "legal_basis"), disclosure=None)
    assert t.dimensions == ("sex", "legal_basis")
    # A2 and A5
    assert value(t, "active_cases", "2025", "all", sex="m", legal_basis="SGB II") == 2
    assert value(t, "active_cases", "2025", "all", legal_basis="SGB II") == 3
    assert value(t, "active_cases", "2025", "all") == 5
    safe = compute_indicators(cases=data, periods=["2025"], by=("sex", "legal_basis"))
    assert all(r.value is None or r.value == 0 or r.value >= 3 for r in safe.rows
               if r.indicator != "placement_rate")  # fmt: skip


def test_load_indicators_reports_problems(tmp_path: Path) -> None:
    from kommunale_integration import load_indicators

    bad = tmp_path / "k.yaml"
    bad.write_text("indicators:\n  - id: x\n    name: X\n    scale: 7\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_indicators(bad)
    paths = {f.location.path for f in info.value.findings}
    assert any(p and p.startswith("indicators[0]") for p in paths)
    broken = tmp_path / "b.yaml"
    broken.write_text("indicators: [", encoding="utf-8")
    with pytest.raises(LoadError):
        load_indicators(broken)


def test_read_options_keep_only_named_dimensions(tmp_path: Path) -> None:
    from kommunale_integration import CaseReadOptions, read_cases

    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,municipality,opened,team,office\n1,05558004,2025-01-01,a,x\n", encoding="utf-8"
    )
    data = read_cases(path, options=CaseReadOptions(dimensions=("team",)))
    assert data.dimension_names == ("sex", "legal_basis", "team")
    t = compute_indicators(cases=data, periods=["2025"], by=["team"], disclosure=None)
    assert value(t, "active_cases", "2025", "all", team="a") == 1


def test_computed_values_win_over_observations(data: CaseData) -> None:
    def obs(period: str, value: int) -> Observation:
        return Observation(
            indicator="active_cases",
            period=ReportPeriod.parse(period),
            territory="all",
            value=Decimal(value),
            status=ObservationStatus.PROVISIONAL,
        )

    concept = Concept(
        id="k",
        title="K",
        territory="05558",
        indicators=default_indicators()[:1],
        observations=(obs("2025", 99), obs("2019", 42)),
    )
    t = compute_indicators(concept, data, periods=["2025", "2019"], disclosure=None)
    assert value(t, "active_cases", "2025", "all") == 4  # A6 lies outside 05558
    cell = t.get("active_cases", "2019", "all")
    assert cell is not None
    # 2019 is computed from the export as well (0 cases): computed wins
    assert cell.value == 0
    assert len([r for r in t.rows if r.territory == "all"]) == 2
