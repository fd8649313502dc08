"""Bad input never escapes as anything but a LoadError (property tests on random files)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki

TERRITORIES = (ki.Territory(ags="05558012", name="Coesfeld", kind=ki.TerritoryKind.TOWN),)

_CELLS = st.sampled_from(
    [
        "", " ", "x", "Coesfeld", "Coesfled", "05558012", "5558012", "all", "ja", "nein",
        "31.12.2016", "31.02.2016", "2016-12-31", "2016", "2026-Q5", "1.234,56", "-1", "1e999",
        "NaN", "zwölf", '"', '""', "'=1+2", "=1+2", "[", "[{}]", '[{"role": "x", "fte": "y"}]',
        '{"a": 1}', "a;b", "a,b", "a\nb", "2016-12-31 laufend: x", "laufend", "geheim", "*",
        "https://example.org", "ki@example.org", "+49 2541 1", "\x00", "\t", "Ä" * 3,
    ]
)  # fmt: skip
_HEADERS = st.lists(
    st.sampled_from(
        [c.header for cols in ki.TABLE_COLUMNS.values() for c in cols] + ["", "x", "ID", "sex"]
    ),
    min_size=1,
    max_size=8,
)


def _outcome(load: Callable[[], Any]) -> tuple[Any, tuple[ki.Finding, ...]]:
    """Run *load*; return its result, or the findings of the LoadError it raised."""
    try:
        return load(), ()
    except ki.LoadError as error:
        return None, error.findings


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(_HEADERS)
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    rows = draw(st.lists(st.lists(_CELLS, max_size=len(header) + 1), max_size=5))
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", '"']))
    encoding = draw(st.sampled_from(["utf-8", "cp1252"]))
    return text.encode(encoding, "replace")


@pytest.mark.parametrize("kind", list(ki.TableKind))
def test_random_tables_load_or_raise_load_error(
    tmp_path_factory: pytest.TempPathFactory, kind: ki.TableKind
) -> None:
    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(csv_files() | st.binary(max_size=200))
    def check(data: bytes) -> None:
        path = tmp_path_factory.mktemp("fuzz") / "t.csv"
        path.write_bytes(data)
        items, findings = _outcome(lambda: ki.read_table(path, kind, territories=TERRITORIES))
        if items is None:
            assert any(f.severity is ki.Severity.ERROR for f in findings)
            assert all(f.location.file == "t.csv" for f in findings)
        else:
            assert isinstance(items, tuple)

    check()


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab:-[]{}\"' \n#&*!|>%@`05.,")), max_size=60)
    | st.binary(max_size=60).map(lambda b: b.decode("latin-1"))
)
def test_random_main_files_load_or_raise_load_error(text: str) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    for name in ("k.yaml", "k.json", "k.toml"):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        concept, findings = _outcome(lambda: ki.load_concept(path))  # noqa: B023
        assert isinstance(concept, ki.Concept) or findings


_KEYS = st.sampled_from(
    ["id", "title", "territory", "territories", "actors", "offers", "measures", "tables",
     "columns", "valid_from", "name", "ags", "kind", "actor", "field", "history", "x"]
)  # fmt: skip
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _CELLS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=8))
def test_random_structured_concepts_load_or_raise_load_error(data: dict[str, Any]) -> None:
    import json
    import tempfile

    path = Path(tempfile.mkdtemp()) / "k.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    concept, findings = _outcome(lambda: ki.load_concept(path))
    assert isinstance(concept, ki.Concept) or findings


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=3000))
def test_damaged_workbooks_raise_load_error(noise: bytes, cut: int) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    ki.write_table([ki.Actor(id="a", name="Ä")], folder / "ok.xlsx", "actors")
    good = (folder / "ok.xlsx").read_bytes()
    for data in (noise, good[:cut] + noise, good[:cut] + noise + good[cut + len(noise) :]):
        (folder / "t.xlsx").write_bytes(data)
        items, findings = _outcome(lambda: ki.read_table(folder / "t.xlsx", "actors"))
        assert isinstance(items, tuple) or findings
