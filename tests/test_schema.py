"""JSON Schema of the model types: generated schemas accept what the library writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import testing
from kommunale_integration._cli import main
from kommunale_integration._schema import SCHEMA_TYPES, json_schema, schema_type

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

REPO = Path(__file__).resolve().parents[1]


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_every_model_type_has_a_strategy_and_a_valid_schema() -> None:
    assert set(SCHEMA_TYPES.values()) <= set(testing.STRATEGIES)
    for name in SCHEMA_TYPES:
        _validator(name)  # check_schema raises for an invalid schema


@pytest.mark.parametrize("name", sorted(SCHEMA_TYPES))
def test_written_objects_validate(name: str) -> None:
    validator = _validator(name)

    @settings(max_examples=20)
    @given(testing.STRATEGIES[SCHEMA_TYPES[name]])
    def check(obj: Any) -> None:
        data = ki.unstructure(obj)
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], errors
        # Without omitted defaults (nulls and empty lists written out) it validates too.
        full = ki.make_converter(omit_defaults=False).unstructure(obj)
        assert [e.message for e in validator.iter_errors(full)] == []

    check()


def test_schema_refuses_what_the_converter_refuses() -> None:
    validator = _validator("Actor")
    assert validator.is_valid({"id": "drk-coesfeld", "name": "DRK"})
    assert not validator.is_valid({"id": "drk coesfeld", "name": "DRK"})  # not a slug
    assert not validator.is_valid({"id": "drk", "name": "  "})  # blank name
    assert not validator.is_valid({"id": "drk", "name": "DRK", "colour": "red"})  # unknown key
    assert not validator.is_valid({"name": "DRK"})  # id is required
    offer = _validator("Offer")
    base = {"id": "kurs", "name": "Kurs", "actor": "vhs"}
    assert offer.is_valid({**base, "cost": "12.50"})
    assert not offer.is_valid({**base, "cost": 12.5})  # money is written as a string
    assert not offer.is_valid({**base, "cost": "-1"})
    # money: what the schema accepts, the converter reads (the schema writes the
    # canonical form: no German comma, no third decimal place even when it is 0)
    for cost in ["12.50", "12.500", "1234.500", "1234.501", "1e3", "170.000", "1" * 13, "0.5"]:
        if offer.is_valid({**base, "cost": cost}):
            ki.structure({**base, "cost": cost}, ki.Offer)
    assert not offer.is_valid({**base, "cost": "12.500"})  # 12.500 € or 12,500 €?
    assert not offer.is_valid({**base, "cost": "1e3"})
    assert not offer.is_valid({**base, "valid_from": "31.12.2016"})  # ISO dates only
    # counts and ages: the bounds of check_count, in the schema as in the converter
    for capacity, valid in [(0, True), (999_999_999, True), (10**9, False), (-1, False)]:
        assert offer.is_valid({**base, "capacity": capacity}) is valid, capacity
    eligibility = _validator("Eligibility")
    for age, valid in [(0, True), (130, True), (131, False), (-1, False)]:
        assert eligibility.is_valid({"min_age": age}) is valid, age
    measure = _validator("Measure")
    assert not measure.is_valid(
        {
            "id": "m",
            "title": "T",
            "field": "f",
            "history": [{"date": "2020-01-01", "status": "done"}],
        }
    )  # not an enum value


def test_schema_lists_required_fields_enums_and_descriptions() -> None:
    schema = json_schema(ki.Measure)
    assert schema["required"] == ["id", "title", "field"]
    status = schema["$defs"]["StatusChange"]["properties"]["status"]
    assert status["enum"] == [s.value for s in ki.MeasureStatus]
    assert "federführend" in schema["properties"]["responsible"]["description"]
    assert schema["properties"]["goals"] == {
        "description": "Ids of the goals served.",
        "type": "array",
        "items": {"type": "string"},
        "default": [],
    }
    indicator = json_schema("indicator")
    assert indicator["properties"]["scale"]["enum"] == [1, 100, 1000, 10000, 100000]
    # A Kennzahl entered by hand has no numerator: a case count, an expression or null.
    numerator = indicator["properties"]["numerator"]
    assert numerator["anyOf"][0]["anyOf"][0] == {"$ref": "#/$defs/CaseCount"}
    assert numerator["anyOf"][1] == {"type": "null"}
    assert "numerator" not in indicator["required"]


@pytest.mark.parametrize("name", ["Actor", "actor", "ACTOR", "field-of-action", "field_of_action"])
def test_type_names_are_case_insensitive(name: str) -> None:
    assert schema_type(name) in (ki.Actor, ki.FieldOfAction)


def test_unknown_type_is_a_clear_error() -> None:
    with pytest.raises(ki.KommunaleIntegrationError, match="unknown model type 'nope'"):
        json_schema("nope")
    with pytest.raises(ki.KommunaleIntegrationError, match="not a model type"):
        json_schema(dict)


@given(st.sampled_from(sorted(SCHEMA_TYPES)))
def test_schemas_are_json(name: str) -> None:
    schema = json_schema(name)
    assert json.loads(json.dumps(schema)) == schema


def test_cli_prints_and_writes_schema(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["schema", "offer"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema("Offer")
    target = tmp_path / "out" / "actor.schema.json"
    assert main(["schema", "Actor", "--output", str(target)]) == 0
    assert json.loads(target.read_text("utf-8")) == json_schema("Actor")


def test_cli_unknown_type_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown model type" in err
    assert "Traceback" not in err


def _example_concepts() -> list[Path]:
    return sorted((REPO / "examples").glob("*/konzept.yaml"))


@pytest.mark.skipif(not _example_concepts(), reason="no examples/*/konzept.yaml in this checkout")
@pytest.mark.parametrize("path", _example_concepts(), ids=lambda p: p.parent.name)
def test_example_concepts_validate(path: Path) -> None:
    import yaml

    data = yaml.safe_load(path.read_text("utf-8"))
    plain = json.loads(json.dumps(data, default=str))  # YAML dates -> ISO text
    errors = [f"{list(e.path)}: {e.message}" for e in _validator("concept").iter_errors(plain)]
    assert errors == []


@pytest.mark.skipif(not _example_concepts(), reason="no examples/*/konzept.yaml in this checkout")
@pytest.mark.parametrize("path", _example_concepts(), ids=lambda p: p.parent.name)
def test_loaded_examples_validate(path: Path) -> None:
    """The whole example (with the actors and offers from its tables) as the library writes it."""
    concept = ki.load_concept(path.parent)
    assert concept.actors  # the tables were read
    data = ki.unstructure(concept)
    errors = [f"{list(e.path)}: {e.message}" for e in _validator("concept").iter_errors(data)]
    assert errors == []


def test_every_model_class_has_a_schema() -> None:
    import attrs

    from kommunale_integration import _model

    classes = {getattr(_model, name) for name in _model.__all__}
    model_types = {c for c in classes if isinstance(c, type) and attrs.has(c)}
    assert model_types <= set(SCHEMA_TYPES.values())
