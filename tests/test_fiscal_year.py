"""The concept-level budget year (Haushaltsjahr) with a fiscal start month.

``HJ2026`` is written without its start month; the concept setting ``fiscal_year_start``
says which twelve months it means. These tests pin that the setting survives every
format, that loaders, the engine and the command line read ``HJ…`` with it, and that a
concept cannot hold budget years of another start month (they would change on save).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import kommunale_integration as ki
from kommunale_integration._cli import main
from kommunale_integration._periods import fiscal_year_start

# These tests read the English message ids; German is checked in test_messages.py.
pytestmark = pytest.mark.usefixtures("english_messages")

HJ_JULY = ki.ReportPeriod.budget_year(2026, start_month=7)


def _concept(month: int = 7) -> ki.Concept:
    period = ki.ReportPeriod.budget_year(2026, start_month=month)
    return ki.Concept(
        id="haushalt",
        title="Konzept mit Haushaltsjahr ab Juli",
        territory="05558012",
        fiscal_year_start=month,
        territories=(ki.Territory(ags="05558012", name="Coesfeld", kind="town"),),
        indicators=(ki.Indicator(id="teilnahmen", name="Teilnahmen", numerator="teilnahmen"),),
        observations=(
            ki.Observation(
                indicator="teilnahmen", period=period, territory="05558012", value=Decimal(12)
            ),
        ),
        targets=(
            ki.Target(
                indicator="teilnahmen", territory="05558012", period=period, value=Decimal(20)
            ),
        ),
        baselines=(
            ki.Baseline(
                indicator="teilnahmen", territory="05558012", period=period, value=Decimal(5)
            ),
        ),
    )


@pytest.mark.parametrize("layout", ["csv", "xlsx", "yaml-folder", "k.yaml", "k.json", "k.toml"])
def test_fiscal_start_survives_save_and_load_in_every_format(tmp_path: Path, layout: str) -> None:
    concept = _concept()
    if layout.startswith("k."):
        target = tmp_path / layout
        ki.save_concept(concept, target)
    else:
        target = tmp_path / "konzept"
        ki.save_concept(concept, target, tables=None if layout == "yaml-folder" else layout)
    loaded = ki.load_concept(target)
    assert loaded == concept
    assert loaded.fiscal_year_start == 7
    assert loaded.observations[0].period == HJ_JULY
    assert loaded.observations[0].period.start == date(2026, 7, 1)
    assert loaded.targets[0].period.end == date(2027, 6, 30)


def test_hj_in_a_table_is_read_with_the_concept_setting(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "konzept.yaml").write_text(
        "id: k\ntitle: K\nterritory: '05558012'\nfiscal_year_start: 4\n"
        "indicators:\n  - {id: teilnahmen, name: Teilnahmen, numerator: teilnahmen}\n",
        encoding="utf-8",
    )
    (folder / "kennzahlwerte.csv").write_text(
        "Kennzahl;Zeitraum;Gebiet;Wert\nteilnahmen;HJ2025;05558012;7\n", encoding="utf-8"
    )
    concept = ki.load_concept(folder)
    period = concept.observations[0].period
    assert (period.start, period.end) == (date(2025, 4, 1), date(2026, 3, 31))


def test_without_the_setting_hj_is_the_calendar_year(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text(
        "id: k\ntitle: K\nterritory: '05558012'\n"
        "targets:\n  - {indicator: x, territory: '05558012', period: HJ2026, value: '1'}\n",
        encoding="utf-8",
    )
    concept = ki.load_concept(path)
    assert concept.fiscal_year_start == 1
    assert concept.targets[0].period == ki.ReportPeriod.budget_year(2026)
    assert concept.targets[0].period.start == date(2026, 1, 1)


def test_a_budget_year_of_another_start_month_is_refused() -> None:
    with pytest.raises(ki.InvalidValueError, match=r"targets\[0\]\.period.*month 7.*month 1"):
        ki.Concept(
            id="k",
            title="K",
            territory="05558012",
            targets=(
                ki.Target(indicator="x", territory="05558012", period=HJ_JULY, value=Decimal(1)),
            ),
        )


@pytest.mark.parametrize("month", [0, 13, -1])
def test_fiscal_start_month_out_of_range_is_refused(month: int) -> None:
    with pytest.raises(ki.InvalidValueError, match="fiscal_year_start"):
        ki.Concept(id="k", title="K", territory="05558012", fiscal_year_start=month)


@pytest.mark.parametrize("month", [1, 12])
def test_fiscal_start_month_bounds_are_accepted(month: int) -> None:
    assert ki.Concept(id="k", title="K", territory="05558", fiscal_year_start=month)


def test_an_invalid_setting_in_a_file_is_a_load_finding(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text("id: k\ntitle: K\nterritory: '05558012'\nfiscal_year_start: 13\n", "utf-8")
    with pytest.raises(ki.LoadError) as caught:
        ki.load_concept(path)
    assert any("fiscal_year_start" in (f.location.path or "") for f in caught.value.findings)


def test_the_context_is_local_and_restored() -> None:
    with fiscal_year_start(10):
        assert ki.ReportPeriod.parse("HJ2026").start == date(2026, 10, 1)
        assert ki.ReportPeriod.parse("HJ2026", budget_start_month=1).start == date(2026, 1, 1)
        assert ki.ReportPeriod.containing(date(2026, 9, 30), "budget_year").start == date(
            2025, 10, 1
        )
    assert ki.ReportPeriod.parse("HJ2026").start == date(2026, 1, 1)
    with pytest.raises(ki.PeriodError), fiscal_year_start(13):
        pass


def test_engine_reads_a_budget_year_string_with_the_concept_setting() -> None:
    table = ki.compute_indicators(_concept(), periods=["HJ2026"], include_subperiods=False)
    values = {(r.indicator, r.period, r.territory): r.value for r in table.rows}
    assert values[("teilnahmen", HJ_JULY, "05558012")] == Decimal(12)


def test_cli_indicators_reads_period_with_the_concept_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "k.yaml"
    ki.save_concept(_concept(), path)
    assert main(["indicators", str(path), "--period", "HJ2026", "--only"]) == 0
    out = capsys.readouterr().out
    assert "teilnahmen,HJ2026,05558012" in out
    assert ",12," in out
