"""Fuzzing the structured readers: any input gives a model or a LoadError, nothing else."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import testing

# JSON-like values, including the shapes a hand edit produces (wrong types, nesting).
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["2016-12-31", "31.12.2016", "2016-13-45", "1.234,56", "05558012", "ja"])
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


def _outcome(load: Any) -> None:
    failure: ki.LoadError | None = None
    try:
        result = load()
    except ki.LoadError as error:
        failure = error
    if failure is None:
        assert isinstance(result, ki.Concept)
        return
    assert failure.findings, "a LoadError always carries findings"
    for finding in failure.findings:
        assert finding.code
        assert finding.message


@given(st.text(max_size=300))
def test_arbitrary_yaml_text(text: str) -> None:
    _outcome(lambda: ki.loads_yaml(text, ki.Concept, file="k.yaml"))


@given(st.text(max_size=300))
def test_arbitrary_json_text(text: str) -> None:
    _outcome(lambda: ki.loads_json(text, ki.Concept, file="k.json"))


@given(_values)
def test_arbitrary_plain_data(data: Any) -> None:
    _outcome(lambda: ki.structure(data, ki.Concept))


def _mutate(data: Any, path: list[Any], replacement: Any) -> Any:
    if not path:
        return replacement
    head, *rest = path
    if isinstance(data, dict) and data:
        key = list(data)[head % len(data)]
        copy = dict(data)
        copy[key] = _mutate(data[key], rest, replacement)
        return copy
    if isinstance(data, list) and data:
        copy = list(data)
        index = head % len(copy)
        copy[index] = _mutate(copy[index], rest, replacement)
        return copy
    return replacement


@settings(max_examples=80)
@given(
    testing.concepts(),
    st.lists(st.integers(0, 50), max_size=5),
    _values,
)
def test_mutated_valid_concepts(concept: ki.Concept, path: list[int], replacement: Any) -> None:
    data = _mutate(ki.unstructure(concept), path, replacement)
    _outcome(lambda: ki.structure(data, ki.Concept))
    text = yaml.safe_dump(data, allow_unicode=True) if _yaml_safe(data) else None
    if text is not None:
        _outcome(lambda: ki.loads_yaml(text, ki.Concept))
    try:
        json_text = json.dumps(data)
    except ValueError:
        return
    _outcome(lambda: ki.loads_json(json_text, ki.Concept))


def _yaml_safe(data: Any) -> bool:
    try:
        yaml.safe_dump(data)
    except yaml.YAMLError:
        return False
    return True


def test_deeply_nested_yaml_is_a_finding_not_a_crash() -> None:
    text = "a: " + "[" * 5000 + "]" * 5000
    _outcome(lambda: ki.loads_yaml(text, ki.Concept))


def test_deeply_nested_json_is_a_finding_not_a_crash() -> None:
    text = "[" * 100000 + "]" * 100000
    _outcome(lambda: ki.loads_json(text, ki.Concept))
    try:
        ki.loads_json(text, ki.Concept, file="tief.json")
    except ki.LoadError as error:
        codes = [f.code for f in error.findings]
    assert codes == ["too-deeply-nested"]
