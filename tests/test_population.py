"""Population as a denominator: the catalogue's figures, overridable by the concept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import kommunale_integration as ki

WETTRINGEN, RHEINE = "05566096", "05566076"


def _concept(*towns: ki.Territory, **kw: object) -> ki.Concept:
    return ki.Concept(
        id="k",
        title="Kreis",
        territory="05566",
        territories=[ki.Territory(ags="05566", name="Kreis Steinfurt", kind="district"), *towns],
        **kw,
    )


def _towns(**populations: int) -> list[ki.Territory]:
    names = {WETTRINGEN: "Wettringen", RHEINE: "Rheine"}
    return [
        ki.Territory(
            ags=ags,
            name=names[ags],
            kind="municipality",
            parent="05566",
            population=populations.get(names[ags]),
            population_date=date(2025, 12, 31) if names[ags] in populations else None,
        )
        for ags in (WETTRINGEN, RHEINE)
    ]


def test_population_comes_from_the_catalogue_with_its_reference_date() -> None:
    concept = _concept(*_towns())
    figure = ki.population_of(concept, WETTRINGEN)
    assert figure == ki.Population(
        ags=WETTRINGEN, value=8261, reference_date=date(2019, 12, 31), source="catalogue"
    )
    # A Kreis is the sum of its municipalities in the concept.
    kreis = ki.population_of(concept, "05566")
    assert kreis == ki.Population(
        ags="05566", value=8261 + 76218, reference_date=date(2019, 12, 31), source="catalogue"
    )
    assert ki.population_of(concept, "05566999") is None


def test_the_concept_overrides_the_catalogue() -> None:
    concept = _concept(*_towns(Wettringen=8400))
    figure = ki.population_of(concept, WETTRINGEN)
    assert figure is not None
    assert (figure.value, figure.reference_date, figure.source) == (
        8400,
        date(2025, 12, 31),
        "concept",
    )
    kreis = ki.population_of(concept, "05566")
    assert kreis is not None
    # Two reference dates: the sum has none; one figure of the concept makes it the concept's.
    assert (kreis.value, kreis.reference_date, kreis.source) == (8400 + 76218, None, "concept")


def test_new_cases_per_1000_inhabitants(tmp_path: object) -> None:
    indicator = ki.Indicator(
        id="new_per_1000",
        name="Neue Fälle je 1.000 Einwohner",
        numerator=ki.CaseCount(count="new"),
        denominator="population",
        scale=1000,
    )
    concept = _concept(*_towns(Wettringen=8000), indicators=[indicator])
    rows = ["case_id,municipality,opened,closed,legal_basis,sex,birth_year"]
    rows += [f"C{i},{WETTRINGEN},2026-02-0{i % 9 + 1},,AsylbLG,f,1990" for i in range(20)]
    rows += [f"R{i},{RHEINE},2026-03-0{i % 9 + 1},,AsylbLG,m,1990" for i in range(10)]
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "cases.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "events.csv").write_text("case_id,event,date,detail\n", encoding="utf-8")
    cases = ki.read_cases(folder / "cases.csv", folder / "events.csv")
    table = ki.compute_indicators(concept, cases, periods=["2026"])
    wettringen = table.get("new_per_1000", "2026", WETTRINGEN)
    assert wettringen.value == Decimal("2.5")  # 20 per 8,000 (the concept's own figure)
    assert wettringen.denominator == Decimal(8000)
    rheine = table.get("new_per_1000", "2026", RHEINE)
    assert rheine.value == (Decimal(10) * 1000 / Decimal(76218)).quantize(Decimal("0.1"))
    kreis = table.get("new_per_1000", "2026", "05566")
    assert kreis.denominator == Decimal(8000 + 76218)


def test_population_is_a_known_data_element_for_validation() -> None:
    indicator = ki.Indicator(
        id="per_1000", name="Je 1.000", numerator="vhs_participants", denominator="population"
    )
    concept = _concept(*_towns(), indicators=[indicator])
    unknown = [f for f in ki.validate(concept).findings if f.code == "unknown-data-element"]
    assert ["vhs_participants" in f.message for f in unknown] == [True]


def test_a_sum_with_a_figure_missing_or_of_nothing_is_none() -> None:
    book = ki.TerritoryCatalogue(
        gebietsstand=date(2024, 12, 31),
        population_date=date(2024, 12, 31),
        source="test",
        entries=(
            ki.OfficialTerritory(ags="05566", name="Steinfurt", textkennzeichen="43"),
            ki.OfficialTerritory(ags="05570", name="Warendorf", textkennzeichen="43"),
            ki.OfficialTerritory(ags=WETTRINGEN, name="Wettringen", population=8261),
            ki.OfficialTerritory(ags=RHEINE, name="Rheine, Stadt", textkennzeichen="63"),
        ),
    )
    assert ki.population_of(None, WETTRINGEN, book) is not None
    assert ki.population_of(None, "05566", book) is None  # Rheine has no figure
    assert ki.population_of(None, "05570", book) is None  # no Gemeinde at all
