"""Derived figures (changes, attainment, trend) and the expression parser."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    Baseline,
    CaseData,
    Concept,
    Direction,
    ExpressionError,
    ForecastStatus,
    Indicator,
    IndicatorTable,
    IndicatorValue,
    ObservationStatus,
    ReportPeriod,
    Target,
    comparison_periods,
    compute_indicators,
    derive,
    parse_expression,
)
from kommunale_integration._engine import attainment


def case(i: int, opened: str, closed: str | None = None, mun: str = "05558004") -> dict[str, Any]:
    return {"case_id": str(i), "municipality": mun, "opened": opened, "closed": closed}


@pytest.fixture(scope="module")
def data() -> CaseData:
    cases = [case(i, "2023-01-01") for i in range(10)]  # 10 active from 2023 on
    cases += [case(100 + i, "2024-01-01", "2024-12-31") for i in range(5)]  # +5 in 2024
    cases += [case(200 + i, "2025-06-01") for i in range(20)]  # +20 in 2025
    cases += [case(300, "2025-06-01", mun="05558008")]  # a single case: suppressed
    # 05558012 is the smallest neighbour, so it is the complementary suppression (of
    # the new and the active cases of 2025 at once: they are one table, in which the
    # single case of 05558008 is new and active, and so are three of 05558012; those
    # three are closed within the year, so that its active cases of 2025 may be fewer
    # than 13 beside the cases still open on 1 January 2026, which the next year's
    # release tells)
    cases += [case(400 + i, "2023-01-01", mun="05558012") for i in range(10)]
    cases += [case(500 + i, "2025-06-01", "2025-12-31", mun="05558012") for i in range(3)]
    events = [
        {"case_id": str(i), "event": "employment_started", "date": "2025-07-01"}
        for i in range(200, 208)
    ]
    return CaseData.from_records(cases, events)


def concept(**kw: Any) -> Concept:
    return Concept(id="k", title="K", territory="05558", **kw)


def test_changes_targets_and_trend(data: CaseData) -> None:
    periods = comparison_periods("2025", trend=3)
    assert [str(p) for p in periods] == ["2023", "2024", "2025"]
    table = compute_indicators(cases=data, periods=periods)
    c = concept(
        targets=[
            Target(
                indicator="active_cases",
                territory="05558004",
                period=ReportPeriod.parse("2026"),
                value=Decimal(40),
            ),
            Target(
                indicator="placement_rate",
                territory="05558004",
                period=ReportPeriod.parse("2025"),
                value=Decimal(50),
            ),
        ],
        baselines=[
            Baseline(
                indicator="active_cases",
                territory="05558004",
                period=ReportPeriod.parse("2023"),
                value=Decimal(10),
            )
        ],
    )
    figures = {(f.indicator, f.territory): f for f in derive(table, c, "2025", trend=3)}
    active = figures[("active_cases", "05558004")]
    assert active.value == 30
    assert active.previous_value == 15
    assert active.change_abs == 15
    assert active.change_rel == Decimal("100.0")
    assert active.change_status is ObservationStatus.OK
    assert active.last_year_value == 15
    assert active.change_last_year_abs == 15
    # baseline 10, target 40 (for 2026), value 30: two thirds of the way
    assert active.target == 40
    assert active.target_period == ReportPeriod.parse("2026")
    assert active.baseline == 10
    assert active.change_baseline_abs == 20
    assert active.attainment == Decimal("66.7")
    assert active.trend == (("2023", Decimal(10)), ("2024", Decimal(15)), ("2025", Decimal(30)))
    rate = figures[("placement_rate", "05558004")]
    # 8 placements of 30 active cases
    assert rate.value == Decimal("26.7")
    assert rate.attainment == Decimal("53.4")
    # the single case of 05558008 is suppressed: so is every change built on it
    lonely = figures[("active_cases", "05558008")]
    assert lonely.value is None
    assert lonely.status is ObservationStatus.SUPPRESSED
    assert lonely.change_abs is None
    assert lonely.change_status is ObservationStatus.SUPPRESSED
    assert figures[("active_cases", "05558012")].status is ObservationStatus.SUPPRESSED
    assert figures[("active_cases", "05558")].value == 44


def test_missing_comparison_is_missing(data: CaseData) -> None:
    table = compute_indicators(cases=data, periods=["2025"])
    (figure,) = [
        f for f in derive(table, None, "2025", territories=["all"]) if f.indicator == "new_cases"
    ]
    assert figure.previous_value is None
    assert figure.change_status is ObservationStatus.MISSING
    assert figure.target is None
    assert figure.attainment is None


def test_attainment_rules() -> None:
    assert attainment(Decimal(30), Decimal(40)) == Decimal("75.0")
    assert attainment(Decimal(20), Decimal(10), direction=Direction.DOWN) == Decimal("50.0")
    assert attainment(Decimal(0), Decimal(10), direction=Direction.DOWN) is None
    # falling target with a baseline: 12 -> 10 reached 11: half way
    assert attainment(
        Decimal(11), Decimal(10), baseline=Decimal(12), direction=Direction.DOWN
    ) == Decimal("50.0")
    assert attainment(None, Decimal(1)) is None
    assert attainment(Decimal(1), Decimal(0)) is None


def series_table(
    values: dict[str, tuple[int, ObservationStatus]],
    *,
    definition: Indicator | None = None,
    by_sex: bool = False,
) -> IndicatorTable:
    """A hand-made table of one indicator ``k`` for 05558004, one cell per year."""
    rows = []
    for year, (value, status) in values.items():
        period = ReportPeriod.parse(year)
        rows.append(
            IndicatorValue(
                indicator="k",
                period=period,
                territory="05558004",
                dims=(("sex", "_T"),) if by_sex else (),
                value=Decimal(value),
                status=status,
            )
        )
        if by_sex:
            rows += [
                IndicatorValue(
                    indicator="k",
                    period=period,
                    territory="05558004",
                    dims=(("sex", sex),),
                    value=Decimal(value // 2),
                    status=status,
                )
                for sex in ("f", "m")
            ]
    return IndicatorTable(
        rows,
        dimensions=("sex",) if by_sex else (),
        indicators=[definition] if definition is not None else (),
    )


OK, PROVISIONAL = ObservationStatus.OK, ObservationStatus.PROVISIONAL


@pytest.mark.parametrize("statuses", [(OK, PROVISIONAL), (PROVISIONAL, OK)])
def test_a_change_carries_the_weaker_status(
    statuses: tuple[ObservationStatus, ObservationStatus],
) -> None:
    """A change from or to a provisional value (vorläufig) is provisional itself."""
    earlier, current = statuses
    table = series_table({"2024": (10, earlier), "2025": (12, current)})
    (figure,) = derive(table, None, "2025")
    assert figure.change_abs == 2
    assert figure.change_status is PROVISIONAL


def test_a_change_from_a_missing_value_is_missing() -> None:
    """A cell without a value (fehlt) gives no change, whichever side it is on."""
    for earlier, current in ((None, Decimal(12)), (Decimal(10), None)):
        rows = [
            IndicatorValue(
                indicator="k",
                period=ReportPeriod.parse(year),
                territory="05558004",
                value=value,
                status=OK if value is not None else ObservationStatus.MISSING,
            )
            for year, value in (("2024", earlier), ("2025", current))
        ]
        (figure,) = derive(IndicatorTable(rows), None, "2025")
        assert (figure.change_abs, figure.change_rel) == (None, None)
        assert figure.change_status is ObservationStatus.MISSING


def test_only_the_totals_get_derived_figures() -> None:
    """The derived figures are those of the total over every breakdown, one per territory."""
    table = series_table({"2024": (10, OK), "2025": (12, OK)}, by_sex=True)
    (figure,) = derive(table, None, "2025")
    assert (figure.value, figure.previous_value) == (Decimal(12), Decimal(10))


def falling(direction: Direction) -> Indicator:
    return Indicator(id="k", name="K", numerator="a", direction=direction)


def falling_concept(direction: Direction, *, baseline: int | None = None) -> Concept:
    """A target of 12 for 2027 for the series 30, 20, 10 (2023 to 2025)."""
    target = Target(
        indicator="k", territory="05558004", period=ReportPeriod.parse("2027"), value=Decimal(12)
    )
    baselines = []
    if baseline is not None:
        baselines.append(
            Baseline(
                indicator="k",
                territory="05558004",
                period=ReportPeriod.parse("2023"),
                value=Decimal(baseline),
            )
        )
    return concept(indicators=[falling(direction)], targets=[target], baselines=baselines)


FALLING = {"2023": (30, OK), "2024": (20, OK), "2025": (10, OK)}


@pytest.mark.parametrize(
    ("direction", "baseline"),
    [
        (Direction.DOWN, None),  # the indicator says lower is better
        (Direction.NEUTRAL, 30),  # the target lies below the baseline
        (Direction.NEUTRAL, None),  # ... below the earliest value of the trend
    ],
)
def test_a_falling_series_is_on_track_towards_a_lower_target(
    direction: Direction, baseline: int | None
) -> None:
    """Which way the target lies: the direction, else seen from the baseline, else from
    the earliest published value (here 30, while the value itself, 10, is below the
    target 12). Judged the other way, the falling series would be off track."""
    table = series_table(FALLING, definition=falling(direction))
    (figure,) = derive(table, falling_concept(direction, baseline=baseline), "2025", trend=3)
    assert figure.forecast is not None
    assert figure.forecast.status is ForecastStatus.ON_TRACK


def test_a_rising_direction_judges_the_same_series_off_track() -> None:
    table = series_table(FALLING, definition=falling(Direction.UP))
    (figure,) = derive(table, falling_concept(Direction.UP), "2025", trend=3)
    assert figure.forecast is not None
    assert figure.forecast.status is ForecastStatus.OFF_TRACK


def test_the_tables_definition_wins_and_the_concept_fills_in() -> None:
    """A table without definitions takes the direction from the concept's indicator; a
    table with one keeps its own (it is what was computed)."""
    table = series_table({"2025": (20, OK)})
    # lower is better: 12 of 20 reached -> 60 %
    down_target = attrs_evolve_target(falling_concept(Direction.DOWN), "2025")
    (figure,) = derive(table, down_target, "2025")
    assert figure.attainment == Decimal("60.0")
    (own,) = derive(
        series_table({"2025": (20, OK)}, definition=falling(Direction.UP)), down_target, "2025"
    )
    assert own.attainment == Decimal("166.7")


def attrs_evolve_target(c: Concept, period: str) -> Concept:
    """*c* with its target moved to *period* (attainment needs the same period kind)."""
    (target,) = c.targets
    return attrs.evolve(c, targets=(attrs.evolve(target, period=ReportPeriod.parse(period)),))


# --------------------------------------------------------------------------- expressions


def test_expression_parser() -> None:
    e = parse_expression("vhs_participants / population_foreign * 1000")
    assert e.names == ("vhs_participants", "population_foreign")
    assert e.has_division
    env = {"vhs_participants": Decimal(5), "population_foreign": Decimal(2000)}
    assert e.evaluate(env) == Decimal("2.5")
    assert parse_expression("(a + b) × 2 − -c").evaluate(
        {"a": Decimal(1), "b": Decimal(2), "c": Decimal(3)}
    ) == Decimal(9)
    assert parse_expression("a ÷ b").evaluate({"a": Decimal(1), "b": Decimal(0)}) is None
    assert not parse_expression("a + 2.5").has_division


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('x')",
        "a ** 2",
        "a.b",
        "a[0]",
        "f(a)",
        "a if b else c",
        "a // b",
        "a % b",
        "lambda: 1",
        "'text'",
        "True",
        "a +",
        "",
        "a < b",
        "+a",
        "(" * 300 + "a" + ")" * 300,
        "a" + " + a" * 400,
    ],
)
def test_expression_parser_refuses(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(text)


names = st.sampled_from(["a", "b", "c"])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> tuple[str, Any]:
    if depth > 3 or draw(st.booleans()):
        if draw(st.booleans()):
            n = draw(st.integers(0, 50))
            return str(n), Decimal(n)
        name = draw(names)
        return name, name
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    left = draw(expressions(depth + 1))
    right = draw(expressions(depth + 1))
    return f"({left[0]} {op} {right[0]})", (op, left[1], right[1])


def reference(tree: Any, env: dict[str, Decimal]) -> Decimal | None:
    if isinstance(tree, Decimal):
        return tree
    if isinstance(tree, str):
        return env[tree]
    op, left, right = tree
    a, b = reference(left, env), reference(right, env)
    if a is None or b is None:
        return None
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return None if b == 0 else a / b


@given(expressions(), st.dictionaries(names, st.integers(-20, 20).map(Decimal), min_size=3))
def test_expression_evaluation_matches_reference(
    expr: tuple[str, Any], env: dict[str, Decimal]
) -> None:
    text, tree = expr
    assert parse_expression(text).evaluate(env) == reference(tree, env)
