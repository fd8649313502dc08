"""Rules of the engine that no other test broke when they were broken (mutation testing,
sixteenth and seventeenth sessions): each test here fails with the mutant it names and
passes with the rule as written."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from kommunale_integration import (
    CaseCount,
    CaseCountKind,
    CaseData,
    CaseFilter,
    Confidentiality,
    DisclosureControl,
    Indicator,
    KommunaleIntegrationError,
    ObservationStatus,
    PeriodError,
    ReportPeriod,
    compute_indicators,
)
from kommunale_integration._engine import compute, expand_periods
from kommunale_integration._engine.compute import age_years
from release_attacker import attack_release, knowledge_from_concept, parse_csv


def test_expand_periods_adds_sub_periods_only_when_asked() -> None:
    # mutant: ``include_subperiods: bool = True``
    assert expand_periods(["2025"]) == [ReportPeriod.parse("2025")]


def test_sub_periods_of_up_to_36_calendar_months_are_computed_not_more() -> None:
    # mutants: MAX_SUBPERIOD_MONTHS ± 1, ``months > …``, the months touched miscounted
    three_years = expand_periods(["2023-01-01/2025-12-31"], True)
    assert len([p for p in three_years if str(p).count("-") == 1 and "Q" not in str(p)]) == 36
    # 36 calendar months touched (not 36 months long) is no error; it does not split
    partial = ReportPeriod.parse("2023-01-15/2025-12-01")
    assert expand_periods([partial], True) == [partial]
    with pytest.raises(PeriodError, match="37"):
        expand_periods(["2023-01-01/2026-01-31"], True)
    with pytest.raises(PeriodError, match="37"):
        expand_periods(["2023-01-31/2026-01-01"], True)


def test_periods_that_share_only_a_day_take_one_age_year() -> None:
    # mutant: ``periods[p].start < ends[-1]`` (a period starting on the last day of
    # another would be aged apart: the one day's cases in two age groups)
    periods = [ReportPeriod.parse(p) for p in ["2024-06-01/2024-12-31", "2024-12-31/2025-06-30"]]
    assert age_years(periods) == [2025, 2025]
    # the day after is no overlap: each keeps its own year
    periods = [ReportPeriod.parse(p) for p in ["2024-06-01/2024-12-31", "2025-01-01/2025-06-30"]]
    assert age_years(periods) == [2024, 2025]


def test_a_group_of_overlapping_periods_keeps_its_latest_last_day() -> None:
    # mutants: the group's end compared or kept as the first group's (``ends[0]``), so
    # that 2024-03 inside 2024 shortens the group and 2024-06-01/2025-01-31 falls out
    periods = [ReportPeriod.parse(p) for p in ["2023", "2024", "2024-03", "2024-06-01/2025-01-31"]]
    assert age_years(periods) == [2023, 2025, 2025, 2025]


@pytest.fixture(params=[True, False], ids=["numpy", "pure"])
def counter(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Each test with this fixture runs with the numpy counter and the pure-Python one."""
    monkeypatch.setattr(compute, "_NUMPY", request.param)
    return bool(request.param)


def one_case_born_2007() -> CaseData:
    return CaseData.from_records(
        [
            {
                "case_id": "a",
                "municipality": "05558004",
                "opened": "2024-03-01",
                "sex": "f",
                "birth_year": "2007",
            },
        ],
        [{"case_id": "a", "event": "language_course_started", "date": "2025-02-01"}],
    )


def test_two_age_years_in_one_run_age_each_year_apart(counter: bool) -> None:
    # mutant: the leaves by age group cached for one year only (``key = year if
    # "age_group" not in self.by``): 2025 counted with 2024's age groups
    table = compute_indicators(
        cases=one_case_born_2007(),
        periods=["2024", "2025"],
        by=["age_group"],
        indicators=["active_cases"],
        disclosure=None,
    )
    assert table.get("active_cases", "2024", "all", age_group="0-17").value == 1
    assert table.get("active_cases", "2024", "all", age_group="18-26").value == 0
    assert table.get("active_cases", "2025", "all", age_group="0-17").value == 0
    assert table.get("active_cases", "2025", "all", age_group="18-26").value == 1


@pytest.mark.parametrize("attribute", ["municipality", "nationality"])
def test_a_filter_on_no_attribute_of_the_cases_is_refused(counter: bool, attribute: str) -> None:
    # mutant: ``found is None and name == "municipality"`` (a filter on the territory,
    # or on a column the export lacks, got through)
    spec = CaseCount(
        count=CaseCountKind.ACTIVE, filters=(CaseFilter(attribute=attribute, values=("x",)),)
    )
    indicator = Indicator(id="filtered", name="Gefiltert", numerator=spec)
    with pytest.raises(KommunaleIntegrationError, match=attribute):
        compute_indicators(
            cases=one_case_born_2007(), periods=["2025"], indicators=[indicator], disclosure=None
        )


@pytest.mark.parametrize("fast", [True, False], ids=["numpy", "pure"])
def test_a_counter_filtering_on_the_age_group_ages_each_year_apart(fast: bool) -> None:
    # mutant: ``uses_age`` false with only a filter on the age group (no breakdown by
    # it): 2024 and 2025 counted in one batch with 2024's age groups. (The engine
    # makes such a filter a hidden breakdown; the counter must not rely on it.)
    from kommunale_integration._engine._fastcount import ArrayCounter

    data = one_case_born_2007()
    periods = [ReportPeriod.parse("2024"), ReportPeriod.parse("2025")]
    layout = compute._Layout(periods, data.dimensions["municipality"][1], None, [])
    spec = CaseCount(
        count=CaseCountKind.ACTIVE, filters=(CaseFilter(attribute="age_group", values=("0-17",)),)
    )
    counter = (ArrayCounter if fast else compute._CaseCounter)(data, layout, [])
    values = dict(zip(layout.cell_list(), counter.cells(spec, {0: 2024, 1: 2025}), strict=True))
    assert values[(0, "all", ())] == 1
    assert values[(1, "all", ())] == 0


def test_the_control_of_a_count_is_the_strictest_of_its_rules() -> None:
    """``_control_for``: the largest threshold; rounding where any rule rounds, to the
    largest base; a base below the threshold becomes 10 up to a threshold of 10, and
    above it the counts are suppressed; the margin is kept; no stricter rule, the
    run's own control."""
    control = compute._control_for
    run = DisclosureControl()
    assert control([Confidentiality()], None) is None
    assert control([Confidentiality()], run) is run
    assert control([], run) is run
    found = control([Confidentiality(threshold=5), Confidentiality(threshold=4)], run)
    assert (found.threshold, found.mode) == (5, "suppress")
    found = control([Confidentiality(rounding=5), Confidentiality(rounding=10)], run)
    assert (found.threshold, found.mode, found.base) == (3, "round", 10)
    found = control([Confidentiality(rounding=5)], run)
    assert (found.mode, found.base) == ("round", 5)
    # a base of 5 hides less than a threshold of 6 … 10: rounded to 10 instead
    for threshold in (6, 10):
        found = control([Confidentiality(threshold=threshold), Confidentiality(rounding=5)], run)
        assert (found.threshold, found.mode, found.base) == (threshold, "round", 10)
    found = control([Confidentiality(threshold=5), Confidentiality(rounding=5)], run)
    assert (found.threshold, found.mode, found.base) == (5, "round", 5)
    # above 10 no base hides enough: suppressed, with the run's base
    found = control([Confidentiality(threshold=11), Confidentiality(rounding=10)], run)
    assert (found.threshold, found.mode, found.base) == (11, "suppress", run.base)
    rounding_run = DisclosureControl(mode="round", base=5)
    found = control([Confidentiality(threshold=7)], rounding_run)
    assert (found.threshold, found.mode, found.base) == (7, "round", 10)
    assert control([Confidentiality(threshold=4)], DisclosureControl(margin=1)).margin == 1


@pytest.mark.parametrize("fast", [True, False], ids=["numpy", "pure"])
def test_the_cases_open_on_a_day_are_the_cells_of_one_period(fast: bool) -> None:
    # mutant: the slice of the period's cells ``p * n : (p + 2) * n`` (with a period
    # after it, open_at gave the cells of two periods)
    from kommunale_integration._engine._fastcount import ArrayCounter

    data = one_case_born_2007()
    periods = [ReportPeriod.parse("2024"), ReportPeriod.parse("2025")]
    layout = compute._Layout(periods, data.dimensions["municipality"][1], None, [])
    counter = (ArrayCounter if fast else compute._CaseCounter)(data, layout, [])
    day = ReportPeriod.parse("2025").start.toordinal()
    found = counter.open_at(CaseCount(count=CaseCountKind.ACTIVE), 0, day, 2025)
    # all, the Kreis, the Gemeinde: one cell each, the case open on 1 January 2025
    assert found == [1, 1, 1]


# --------------------------------------------------------------------------- seventeenth
# session: the table's layout and its relations (compute.py 170–420)


def cases_in(counts: dict[str, int], opened: str = "2025-03-01") -> CaseData:
    """*n* cases per municipality, all opened on *opened*."""
    records = [
        {
            "case_id": f"{ags}-{i}",
            "municipality": ags,
            "opened": opened,
            "sex": "f",
            "birth_year": "1990",
        }
        for ags, n in counts.items()
        for i in range(n)
    ]
    return CaseData.from_records(records, [])


def test_a_suppressed_district_is_not_all_less_the_other_districts() -> None:
    # mutant: only chains longer than two give children (``len(chain) > 2``): the
    # districts were not parts of ``all``, whose 11 less the other district's 10
    # published the suppressed district's 1
    table = compute_indicators(
        cases=cases_in({"05558004": 1, "05566008": 5, "05566012": 5}),
        periods=["2025"],
        indicators=["new_cases"],
    )
    value = {t: table.get("new_cases", "2025", t).value for t in ("all", "05558", "05566")}  # type: ignore[union-attr]
    assert value["05558"] is None
    # all = 05558 + 05566: a second of the three is suppressed
    assert value["all"] is None or value["05566"] is None


def layout_of(periods: list[str], *, by_age: bool = False) -> compute._Layout:
    dims = [("age_group", ["0-17", "18-26"])] if by_age else []
    return compute._Layout([ReportPeriod.parse(p) for p in periods], ["05558004"], None, dims)


def test_the_periods_begin_and_end_as_a_whole_where_no_day_is_left_out() -> None:
    # mutants: ``start < spans[-1][1] + 1`` and the day after miscounted (± 1): the
    # spans of days are where the attacker is taken to know the releases before and
    # after (the cases open there); years one after the other are one span, a day
    # left out makes two
    assert layout_of(["2025-Q2", "2025-04", "2025-05", "2025-06"]).edges() == ([0], [0])
    assert layout_of(["2024", "2025"]).edges() == ([0], [1])
    assert layout_of(["2025-02", "2025-01"]).edges() == ([1], [0])
    assert layout_of(["2025-Q1", "2025-Q3"]).edges() == ([0, 1], [0, 1])
    # a period inside the span keeps the span's end (mutants: the end of the first
    # span, or another field of the span, taken for the last span's)
    assert layout_of(["2025", "2025-03"]).edges() == ([0], [0])
    assert layout_of(["2024-Q1", "2025", "2025-03"]).edges() == ([0, 1], [0, 1])
    assert layout_of(["2025-01-01/2025-01-30", "2025-02-01/2025-02-28"]).edges() == ([0, 1], [0, 1])
    assert layout_of(["2025-01-01/2025-01-30", "2025-01-31/2025-02-28"]).edges() == ([0], [1])
    # by age group each year is aged apart: two spans
    assert layout_of(["2024", "2025"], by_age=True).edges() == ([0, 1], [0, 1])
    assert layout_of(["2025", "2025-Q4"], by_age=True).edges() == ([0], [0])


PRODUCT_RELEASES = {
    "districts": {("05566012", "f"): 2, ("05566008", "f"): 1},
    "sexes": {
        ("05558004", "f"): 1,
        ("05558004", "m"): 5,
        ("05558008", "f"): 4,
        ("05558008", "m"): 6,
        ("05566008", "f"): 2,
        ("05566008", "m"): 7,
    },
}


@pytest.mark.parametrize("release", list(PRODUCT_RELEASES))
def test_the_product_search_protects_a_release_with_the_layout_s_dimensions(
    monkeypatch: pytest.MonkeyPatch, release: str
) -> None:
    # mutants: the territories' or a breakdown's relations given to the product
    # search as inequalities (``exact`` False): its witnesses moved a municipality
    # without its district or a sex without ``_T``, and the release failed (not a
    # consistent table)
    from kommunale_integration._engine import disclosure

    monkeypatch.setattr(disclosure, "PRODUCT_CELLS", 0)  # (small tables too)
    records = [
        {"case_id": f"{ags}-{sex}-{i}", "municipality": ags, "opened": "2025-03-01", "sex": sex}
        for (ags, sex), n in PRODUCT_RELEASES[release].items()
        for i in range(n)
    ]
    table = compute_indicators(
        cases=CaseData.from_records(records, []),
        periods=["2025"],
        by=["sex"],
        indicators=["new_cases"],
    )
    # the 1 is suppressed
    ags = "05566008" if release == "districts" else "05558004"
    assert table.get("new_cases", "2025", ags, sex="f").value is None  # type: ignore[union-attr]


def test_the_layout_is_the_product_of_its_dimensions() -> None:
    # mutants: a coordinate of a cell taken twice or from elsewhere (``(cell[1],
    # cell[1], …)``): the cells are no product, and the large tables that the
    # product search protects in its memory and time fell back on the search
    # cell by cell
    from kommunale_integration._engine._hypercube import Cube

    periods = expand_periods(["2025-Q1"], True)
    layout = compute._Layout(
        periods, ["05558004", "05558008", "05566008"], None, [("sex", ["f", "m"])]
    )
    cells = layout.cell_list()
    cube = Cube(dict.fromkeys(cells, 0), layout.dimensions(True), layout.coordinates, 0)
    assert cube.shape == (4, 6, 3)
    assert cube.size == len(cells)


def opened_in(counts: dict[tuple[str, str], int]) -> CaseData:
    """*n* cases per (municipality, month), each opened on the month's 10th."""
    records = [
        {"case_id": f"{ags}-{month}-{i}", "municipality": ags, "opened": f"{month}-10"}
        for (ags, month), n in counts.items()
        for i in range(n)
    ]
    return CaseData.from_records(records, [])


def test_two_periods_of_the_same_days_publish_the_same_cells() -> None:
    # the bug (seventeenth session): a period of one sub-period of another kind was
    # in no relation (``len(subs) < 2``). January, suppressed in the quarter's
    # months, was published as the interval of its days (all 4, the Kreis 4), and
    # Q1 10 − January 4 − February 5 gave March 1 in 05558004
    counts = {
        ("05558004", "2025-02"): 2,
        ("05558004", "2025-03"): 1,
        ("05558008", "2025-01"): 3,
        ("05558008", "2025-02"): 2,
        ("05558012", "2025-01"): 1,
        ("05558012", "2025-02"): 1,
    }
    interval = "2025-01-01/2025-01-31"
    table = compute_indicators(
        cases=opened_in(counts),
        periods=["2025-Q1", interval],
        include_subperiods=True,
        indicators=["new_cases"],
    )
    for territory in table.territories:
        month = table.get("new_cases", "2025-01", territory)
        days = table.get("new_cases", interval, territory)
        assert month is not None
        assert days is not None
        assert (month.value, month.status) == (days.value, days.status), territory
    march = table.get("new_cases", "2025-03", "05558004")
    assert march is not None
    assert march.value is None


def test_a_suppressed_half_year_is_not_the_year_less_the_other_half() -> None:
    # mutants: a period split in two parts left out of the relations (``len(subs) <=
    # 2``): the year's 6 less the second half's 5 published the first half's 1
    counts = {
        ("05558004", "2025-03"): 1,
        ("05558004", "2025-09"): 5,
        ("05558008", "2025-03"): 5,
        ("05558008", "2025-09"): 5,
    }
    table = compute_indicators(
        cases=opened_in(counts),
        periods=["2025", "2025-H1", "2025-H2"],
        indicators=["new_cases"],
    )
    periods = ("2025", "2025-H1", "2025-H2")
    value = {p: table.get("new_cases", p, "05558004").value for p in periods}  # type: ignore[union-attr]
    assert value["2025-H1"] is None
    # 2025 = H1 + H2: a second of the three is suppressed
    assert value["2025"] is None or value["2025-H2"] is None


@pytest.mark.parametrize("count", ["new_cases", "active_cases"])
def test_the_relations_within_a_period_are_sums_for_every_count(count: str) -> None:
    # mutants: the relations within a period (territories, breakdowns) given to the
    # protection as those of distinct counts over time (``… else False`` in groups;
    # the territories' marked as over time, for the active cases): all's 4 less the
    # other district's 3 published the 1 of 05558
    pairs = [("05558008", "m"), ("05566008", "f"), ("05566012", "f"), ("05566012", "m")]
    records = [
        {"case_id": f"c{i}", "municipality": ags, "opened": "2025-03-01", "sex": sex}
        for i, (ags, sex) in enumerate(pairs)
    ]
    table = compute_indicators(
        cases=CaseData.from_records(records, []),
        periods=["2025"],
        by=["sex"],
        indicators=[count],
    )
    value = {t: table.get(count, "2025", t).value for t in ("all", "05558", "05566")}  # type: ignore[union-attr]
    assert value["05558"] is None
    # all = 05558 + 05566: a second of the three is suppressed
    assert value["all"] is None or value["05566"] is None


def test_a_worker_reuses_a_layout_it_received_only_when_it_is_the_same() -> None:
    # mutant: ``known.__getstate__() != …``: a worker protected the tables of a new
    # computation with the cells and relations of the last one it received
    import pickle

    first, second = layout_of(["2024"]), layout_of(["2025", "2025-Q1"])
    received = pickle.loads(pickle.dumps(first))
    assert received.periods == first.periods
    other = pickle.loads(pickle.dumps(second))
    assert other.periods == second.periods
    assert len(other.cell_list()) == len(second.cell_list())
    # the same layout again: the one received, with the cells it made
    assert pickle.loads(pickle.dumps(second)) is other


def attacked(cases: CaseData, indicators: list[str]) -> list[Any]:
    """The cells the independent attacker (``tests/release_attacker.py``) fixes or
    bounds below the threshold in the release of *indicators* for 2025 by sex."""
    options: dict[str, Any] = {"periods": ["2025"], "by": ["sex"], "indicators": indicators}
    safe = compute_indicators(cases=cases, **options)
    true = compute_indicators(cases=cases, disclosure=None, **options)
    outcome = attack_release(
        parse_csv(safe.to_csv()), knowledge_from_concept(None), parse_csv(true.to_csv())
    )
    return list(outcome.exposed)


def test_a_breakdown_of_the_active_cases_adds_up() -> None:
    # mutant: the breakdowns' relations marked as over time in relation_positions
    # (``…, True``): for the active cases (a distinct count) they became ``max(parts)
    # ≤ total ≤ sum(parts)``, under which a lone suppressed 1 beside its published
    # ``_T`` 6 and ``m`` 5 seemed to lie anywhere from 1 to 6
    records = [
        {"case_id": f"{sex}{i}", "municipality": "05558004", "opened": "2025-03-01", "sex": sex}
        for sex, n in (("f", 1), ("m", 5))
        for i in range(n)
    ]
    cases = CaseData.from_records(records, [])
    table = compute_indicators(
        cases=cases, periods=["2025"], by=["sex"], indicators=["active_cases"]
    )
    assert table.get("active_cases", "2025", "05558004", sex="f").value is None  # type: ignore[union-attr]
    assert attacked(cases, ["active_cases"]) == []


def test_the_joint_table_of_new_and_active_cases_adds_up_in_every_municipality() -> None:
    # mutant: ``at = (base - t) * n_c`` in relation_positions. The relations of the
    # layout are the same set in another order (the cells of period p, territory t
    # wrap round to those of p − 1, n_t − t), but the joint table of new and active
    # cases (_joint_table) holds more cells than the layout: there the negative
    # positions of the first period wrapped round onto other cells (never published,
    # or new cases), the breakdowns of the last period's territories after the first
    # were lost, and Billerbeck's active cases _T 4 and m 3 were published beside a
    # suppressed f (1)
    rows = [
        ("a1", "05558004", "2024-10-29", None, "m"),
        ("a2", "05558004", "2024-11-08", "2025-02-07", "m"),
        ("b1", "05558008", "2024-10-30", None, "m"),
        ("b2", "05558008", "2024-12-12", None, "m"),
        ("b3", "05558008", "2025-02-14", None, "m"),
        ("b4", "05558008", "2025-11-29", None, "f"),
    ]
    records = [
        {"case_id": c, "municipality": ags, "opened": opened, "closed": closed, "sex": sex}
        for c, ags, opened, closed, sex in rows
    ]
    cases = CaseData.from_records(records, [])
    table = compute_indicators(
        cases=cases, periods=["2025"], by=["sex"], indicators=["new_cases", "active_cases"]
    )
    assert table.get("active_cases", "2025", "05558008", sex="f").value is None  # type: ignore[union-attr]
    assert attacked(cases, ["new_cases", "active_cases"]) == []


def test_cells_never_published_do_not_count_towards_the_product_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # mutant: ``len(values) + len(never) > PRODUCT_CELLS`` in protect: the joint
    # table of new and active cases (50 published cells, 75 of cases open at its
    # start, end and cap) went to the product search, which suppresses more than
    # linear programs do on small tables (here 23 cells, not 19)
    from kommunale_integration._engine import disclosure

    rng = random.Random(2)
    records = []
    for i in range(20):
        opened = date(2025, 1, 1) + timedelta(days=rng.randint(-200, 364))
        closed = None if rng.random() < 0.5 else opened + timedelta(days=rng.randint(0, 300))
        ags = rng.choice(["05558004", "05558008", "05558012"])
        sex = rng.choice("fm")
        records.append(
            {
                "case_id": f"c{i}",
                "municipality": ags,
                "opened": opened,
                "closed": closed,
                "sex": sex,
            }
        )
    cases = CaseData.from_records(records, [])

    def suppressed() -> tuple[int, set[tuple[str, str, str]]]:
        table = compute_indicators(
            cases=cases, periods=["2025"], by=["sex"], indicators=["new_cases", "active_cases"]
        )
        hidden = {
            (r.indicator, r.territory, r.dim("sex"))
            for r in table.rows
            if r.status is ObservationStatus.SUPPRESSED
        }
        return len(table.rows), hidden

    published, by_programs = suppressed()
    assert published == 50
    monkeypatch.setattr(disclosure, "PRODUCT_CELLS", published)  # (the published table's size)
    assert suppressed()[1] == by_programs
    monkeypatch.setattr(disclosure, "PRODUCT_CELLS", published - 1)  # (one cell more)
    assert suppressed()[1] != by_programs
