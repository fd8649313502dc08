"""One number rule per kind, wherever a number is read: counts, ages and figures.

A JSON ``1e400`` is Python's infinity, ``1e40`` a count of 10^40 places: each is refused
where it was read, with the file, the path (or row and column) and what was expected —
in JSON, YAML, TOML, the CSV tables and the HSDS import — never kept, never a traceback.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import kommunale_integration as ki
from kommunale_integration import _parse as p

pytestmark = pytest.mark.usefixtures("english_messages")

# Every number of a concept file that is no amount of money, with a value that is valid.
_FIELDS: dict[str, tuple[str, Any]] = {
    "population": ("territories[0].population", 11000),
    "votes": ("decisions[0].votes.yes", 27),
    "fte": ("actors[0].staff[0].fte", "1.5"),
    "min_age": ("offers[0].eligibility.min_age", 18),
    "max_age": ("offers[0].eligibility.max_age", 67),
    "offer_capacity": ("offers[0].capacity", 100),
    "measure_capacity": ("measures[0].capacity", 100),
    "target": ("targets[0].value", "12"),
    "baseline": ("baselines[0].value", "10"),
    "observation": ("observations[0].value", "7"),
    "numerator": ("observations[0].numerator", "7"),
    "participants": ("meetings[0].participant_count", 12),
}


def _concept(**numbers: Any) -> dict[str, Any]:
    """A small concept as plain data, with every number of :data:`_FIELDS`."""
    value = {name: numbers.get(name, good) for name, (_, good) in _FIELDS.items()}
    return {
        "id": "k",
        "title": "K",
        "territory": "05558012",
        "territories": [
            {
                "ags": "05558012",
                "name": "Coesfeld",
                "kind": "town",
                "population": value["population"],
            }
        ],
        "decisions": [
            {"id": "d", "body": "Rat", "date": "2016-12-14", "votes": {"yes": value["votes"]}},
        ],
        "actors": [
            {"id": "a", "name": "A", "staff": [{"role": "Beratung", "fte": value["fte"]}]},
        ],
        "offers": [
            {
                "id": "o",
                "name": "O",
                "actor": "a",
                "eligibility": {"min_age": value["min_age"], "max_age": value["max_age"]},
                "capacity": value["offer_capacity"],
            }
        ],
        "fields": [{"id": "bildung", "title": "Bildung"}],
        "measures": [
            {"id": "m", "title": "M", "field": "bildung", "capacity": value["measure_capacity"]}
        ],
        "indicators": [{"id": "x", "name": "X"}],
        "targets": [
            {"indicator": "x", "territory": "05558012", "period": "2026", "value": value["target"]}
        ],
        "baselines": [
            {
                "indicator": "x",
                "territory": "05558012",
                "period": "2023",
                "value": value["baseline"],
            }
        ],
        "observations": [
            {
                "indicator": "x",
                "territory": "05558012",
                "period": "2025",
                "value": value["observation"],
                "numerator": value["numerator"],
            }
        ],
        "networks": [{"id": "n", "name": "N", "kind": "steering_group"}],
        "meetings": [
            {
                "id": "s",
                "network": "n",
                "date": "2025-03-01",
                "participant_count": value["participants"],
            }
        ],
    }


def _json_with(name: str, written: str) -> str:
    """The concept as JSON text with the number of *name* written as *written*."""
    return json.dumps(_concept(**{name: "@@"})).replace('"@@"', written)


def _refusal(tmp_path: Path, name: str, text: str, suffix: str = ".json") -> ki.Finding:
    source = tmp_path / f"konzept{suffix}"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(source)
    (finding,) = info.value.findings
    assert finding.location.file == source.name
    assert finding.location.path == _FIELDS[name][0]
    return finding


def test_the_concept_of_these_tests_loads() -> None:
    concept = ki.loads_json(json.dumps(_concept()), ki.Concept)
    assert concept.offers[0].capacity == 100
    assert concept.targets[0].value == Decimal(12)


@pytest.mark.parametrize("name", list(_FIELDS))
@pytest.mark.parametrize("written", ["1e400", "-1e400"])
def test_a_json_number_too_large_for_a_float_is_refused_at_its_path(
    tmp_path: Path, name: str, written: str
) -> None:
    """``1e400`` was read as infinity; now it is named as written, at its path."""
    finding = _refusal(tmp_path, name, _json_with(name, written))
    assert finding.code == "invalid-number"
    assert f"{written} is too large to be read" in finding.message


_COUNTS = ["population", "votes", "offer_capacity", "measure_capacity", "participants"]
_FIGURES = ["fte", "target", "baseline", "observation", "numerator"]


@pytest.mark.parametrize("name", [*_COUNTS, "min_age", "max_age"])
@pytest.mark.parametrize("written", ["1e40", "1e2", "1.5", '"1e40"'])
def test_a_count_is_written_in_whole_digits(tmp_path: Path, name: str, written: str) -> None:
    """``1e40`` places were 10000000000000000303786028427003666890752 (a binary float);
    a count with an exponent or a fraction is refused, quoted as written."""
    finding = _refusal(tmp_path, name, _json_with(name, written))
    shown = written.strip('"')
    assert finding.message.endswith(f"expected a whole number, got '{shown}'")


@pytest.mark.parametrize("name", _COUNTS)
@pytest.mark.parametrize("written", ["1000000000", "-1", "1" + "0" * 400])
def test_a_count_lies_from_0_to_max_count(tmp_path: Path, name: str, written: str) -> None:
    finding = _refusal(tmp_path, name, _json_with(name, written))
    assert "expected a whole number from 0 to 999999999, got " in finding.message
    ok = ki.loads_json(_json_with(name, "999999999"), ki.Concept)
    assert ok is not None


@pytest.mark.parametrize("name", ["min_age", "max_age"])
def test_an_age_lies_from_0_to_max_age(tmp_path: Path, name: str) -> None:
    finding = _refusal(tmp_path, name, _json_with(name, "500"))
    assert finding.message.endswith("expected a whole number from 0 to 130, got 500")
    assert ki.loads_json(_json_with(name, "67.0"), ki.Concept) is not None  # a whole number


@pytest.mark.parametrize("name", _FIGURES)
@pytest.mark.parametrize("written", ["1e40", '"1e40"', "1e15", '"-1e15"'])
def test_a_figure_is_below_10_to_the_15(tmp_path: Path, name: str, written: str) -> None:
    finding = _refusal(tmp_path, name, _json_with(name, written))
    negative = written.startswith('"-') and name in ("fte", "numerator")
    problem = "that is not negative" if negative else "below 10^15 in magnitude"
    assert f"expected a number {problem}, got " in finding.message


@pytest.mark.parametrize("name", ["fte", "numerator"])
def test_a_full_time_equivalent_and_a_numerator_are_not_negative(tmp_path: Path, name: str) -> None:
    finding = _refusal(tmp_path, name, _json_with(name, "-0.5"))
    assert finding.message.endswith("expected a number that is not negative, got -0.5")


@pytest.mark.parametrize("name", ["target", "baseline", "observation"])
def test_a_value_may_be_negative_and_as_fine_as_written(name: str) -> None:
    concept = ki.loads_json(_json_with(name, "-12.50"), ki.Concept)
    values = [concept.targets[0].value, concept.baselines[0].value, concept.observations[0].value]
    assert Decimal("-12.50") in values
    assert str(Decimal("-12.50")) in {str(v) for v in values}  # not through a float


def test_yaml_and_toml_keep_the_same_rules(tmp_path: Path) -> None:
    """The same number rules for YAML (1e400 is .inf there too) and TOML."""
    yaml_text = ki.dumps_yaml(ki.loads_json(json.dumps(_concept()), ki.Concept))
    assert yaml_text.count("capacity: 100") == 2
    yaml_text = yaml_text.replace("capacity: 100", "capacity: 1e400")
    source = tmp_path / "konzept.yaml"
    source.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(source)
    paths = {f.location.path: f for f in info.value.findings}
    assert set(paths) == {"offers[0].capacity", "measures[0].capacity"}
    finding = paths["offers[0].capacity"]
    assert finding.location.row is not None
    assert finding.message.endswith("expected a whole number, got '1e400'")
    toml = 'id = "k"\ntitle = "K"\nterritory = "05558012"\n[[offers]]\nid = "o"\n'
    toml += 'name = "O"\nactor = "a"\ncapacity = 1e40\n'
    source = tmp_path / "konzept.toml"
    source.write_text(toml, encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(source)
    assert info.value.findings[0].location.path == "offers[0].capacity"
    assert "expected a whole number from 0 to 999999999" in info.value.findings[0].message


@pytest.mark.parametrize(
    ("kind", "header", "cell", "expected"),
    [
        ("offers", "Name;Träger;Plätze", "K;a;5000000000", "von 0 bis 999999999"),
        ("offers", "Name;Träger;Mindestalter", "K;a;200", "von 0 bis 130"),
        ("meetings", "Netzwerk;Datum;Anzahl", "n;2025-01-01;1e3", "keine ganze Zahl"),
        ("observations", "Kennzahl;Zeitraum;Gebiet;Wert", "x;2025;all;1e20", "unter 10^15"),
        ("actors", "Name;Stellen", 'A;"[{""role"":""x"",""fte"":1e400}]"', "zu groß"),
        ("actors", "Name;Stellen", 'A;"[{""role"":""x"",""fte"":1e20}]"', "unter 10^15"),
        # a JSON cell is read by the one JSON reader: these were a traceback and two
        # values kept silently
        ("actors", "Name;Stellen", 'A;"[{""role"":""x"",""fte"":' + "1" * 5000 + '}]"', "4300"),
        ("actors", "Name;Stellen", 'A;"[{""role"":""x"",""fte"":NaN}]"', "NaN"),
        ("actors", "Name;Stellen", 'A;"[{""role"":""x"",""fte"":1,""fte"":2}]"', "zweimal"),
    ],
)
def test_a_table_cell_names_row_column_and_the_rule(
    kind: str, header: str, cell: str, expected: str
) -> None:
    data = f"{header}\n{cell}\n".encode()
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(io.BytesIO(data), kind, name="t.csv", options=ki.LoadOptions(lang="de"))
    (finding,) = info.value.findings
    assert (finding.location.file, finding.location.row) == ("t.csv", 2)
    assert finding.location.column == header.rsplit(";", 1)[1]
    assert expected in finding.message


def test_a_hsds_number_too_large_is_refused_with_its_json_path(tmp_path: Path) -> None:
    folder = tmp_path / "hsds"
    (folder / "services").mkdir(parents=True)
    service = '{"id": "s1", "name": "Kurs", "status": "active", "minimum_age": 1e400}'
    (folder / "services" / "s1.json").write_text(service, encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.import_hsds(folder)
    (finding,) = info.value.findings
    assert (finding.location.path, finding.code) == ("$.minimum_age", "invalid-number")
    assert "1e400" in finding.message


@pytest.mark.parametrize(
    ("value", "limit", "ok"),
    [(0, p.MAX_COUNT, True), (p.MAX_COUNT, p.MAX_COUNT, True),
     (p.MAX_COUNT + 1, p.MAX_COUNT, False), (-1, p.MAX_COUNT, False),
     (131, p.MAX_AGE, False), (130, p.MAX_AGE, True),
     (True, p.MAX_COUNT, False), (5.0, p.MAX_COUNT, False), (Decimal(5), p.MAX_COUNT, False)],
)  # fmt: skip
def test_check_count(value: Any, limit: int, ok: bool) -> None:
    if ok:
        assert p.check_count(value, limit=limit) == value
    else:
        with pytest.raises(p.ParseError):
            p.check_count(value, limit=limit)


@pytest.mark.parametrize(
    ("value", "negative", "ok"),
    [(Decimal("999999999999999.99"), True, True), (Decimal("1e15"), True, False),
     (Decimal("-1e15"), True, False), (Decimal("-1"), True, True), (Decimal("-1"), False, False),
     (Decimal("NaN"), True, False), (Decimal("Infinity"), True, False), (7, False, True),
     (7.0, True, False), (True, True, False), (Decimal("1e-4301"), True, False)],
)  # fmt: skip
def test_check_figure(value: Any, negative: bool, ok: bool) -> None:
    if ok:
        assert p.check_figure(value, negative=negative) == Decimal(value)
    else:
        with pytest.raises(p.ParseError):
            p.check_figure(value, negative=negative)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("konzept.json", '{"id": "k", "title": "K", "territory": "05558012", "version": 1.10}'),
        ("konzept.toml", 'id = "k"\ntitle = "K"\nterritory = "05558012"\nversion = 1.10\n'),
    ],
)
def test_a_json_or_toml_number_keeps_the_text_it_was_written_as(
    tmp_path: Path, name: str, text: str
) -> None:
    """As in YAML, a number is read as written, not through a binary float: version 1.10
    stays "1.10" (it was "1.1"), and 1e40 is exactly 10^40."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    assert ki.load_concept(source).version == "1.10"
