"""Inputs that used to crash or change silently (issue 14, items 4 and 6): each gives a
clear finding at the place where it was read, never a traceback."""

from __future__ import annotations

from decimal import Decimal

import pytest

import kommunale_integration as ki
from kommunale_integration import ObservationStatus, ReportPeriod

# --------------------------------------------------------------------------- expressions


def _concept_with(numerator: str) -> ki.Concept:
    observation = ki.Observation(
        indicator="x", period=ReportPeriod.parse("2025"), territory="05558", value=Decimal(7)
    )
    return ki.Concept(id="k", title="K", territory="05558", observations=(observation,))


@pytest.mark.parametrize(
    "numerator", ["x * 1e999", "1e999 - 1e999", "x - 1e999", "x * 1" + "0" * 20, "-1e400 * x"]
)
def test_absurd_numbers_in_expressions_are_findings(numerator: str) -> None:
    indicator = ki.Indicator(id="i", name="I", numerator=numerator)
    with pytest.raises(ki.LoadError) as info:
        ki.compute_indicators(_concept_with(numerator), periods=["2025"], indicators=[indicator])
    (finding,) = info.value.findings
    assert finding.code == "invalid-expression"
    assert "10^15" in finding.message


def test_a_result_out_of_range_is_missing_not_infinity() -> None:
    indicator = ki.Indicator(id="i", name="I", numerator="x * 99999999999999 * 99999999999999")
    table = ki.compute_indicators(_concept_with(""), periods=["2025"], indicators=[indicator])
    cell = table.get("i", "2025", "05558")
    assert cell is not None
    assert cell.value is None
    assert cell.status is ObservationStatus.MISSING
    expression = ki.parse_expression("x * 999999999999999")
    assert expression.evaluate({"x": Decimal(10) ** 5}) is None
    assert expression.evaluate({"x": Decimal(1)}) == Decimal(999999999999999)
