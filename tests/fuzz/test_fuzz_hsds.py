"""Fuzzing the HSDS import: the official examples, mutated, give a concept or a LoadError
(and a concept that the export writes back).

The examples are read from ``../shared/interop/hsds-3.0/examples`` beside the
repository. JSON documents are mutated as data (a value replaced by any JSON value, a
key dropped) and as text (bytes flipped, cut, inserted); the tabular data package is
mutated file by file. Never another exception.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EXAMPLES = SHARED / "interop" / "hsds-3.0" / "examples"
JSON_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*.json")) if EXAMPLES.is_dir() else []
CSV_EXAMPLES = sorted(p.name for p in (EXAMPLES / "csv").glob("*.csv")) if JSON_EXAMPLES else []

pytestmark = pytest.mark.skipif(
    not JSON_EXAMPLES, reason=f"the official HSDS examples are not at {EXAMPLES}"
)

_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "2024-13-45", "FREQ=WEEKLY;BYDAY=XX", "05558012", "not-a-uuid"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def check(path: Path) -> None:
    """Import *path*: a concept and a report, or a LoadError with findings."""
    failure: ki.LoadError | None = None
    try:
        concept, report = ki.import_hsds(path)
    except ki.LoadError as error:
        failure = error
    if failure is None:
        assert isinstance(concept, ki.Concept)
        assert isinstance(report, ki.ImportReport)
        with tempfile.TemporaryDirectory() as tmp:  # what was carried is written back
            ki.export_hsds(concept, Path(tmp) / "out")
        return
    assert failure.findings
    for finding in failure.findings:
        assert finding.code
        assert finding.message


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _replace(data: Any, path: tuple[Any, ...], value: Any, drop: bool) -> Any:
    if not path:
        return value
    head, *rest = path
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    if not rest and drop:
        del copy[head]
    else:
        copy[head] = _replace(data[head], tuple(rest), value, drop)
    return copy


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[str, Any]:
    name = draw(st.sampled_from(JSON_EXAMPLES))
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        drop = bool(path) and draw(st.booleans())
        data = _replace(data, path, draw(json_values), drop)
    return name, data


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hsds")


@pytest.mark.parametrize("name", JSON_EXAMPLES)
def test_every_official_example_imports_or_is_refused(name: str) -> None:
    check(EXAMPLES / name)


def test_the_official_tabular_package(tmp: Path) -> None:
    check(EXAMPLES / "csv")


@_FUZZ
@given(mutated_documents())
def test_mutated_json_documents(tmp: Path, document: tuple[str, Any]) -> None:
    name, data = document
    path = tmp / name
    path.write_text(json.dumps(data), encoding="utf-8")
    check(path)


@_FUZZ
@given(st.sampled_from(JSON_EXAMPLES), st.data())
def test_damaged_json_text(tmp: Path, name: str, data: st.DataObject) -> None:
    raw = bytearray((EXAMPLES / name).read_bytes()[:6000])
    for _ in range(data.draw(st.integers(1, 4))):
        if not raw:
            break
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at:]
        elif action == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=6))
        else:
            del raw[at : at + data.draw(st.integers(1, 20))]
    path = tmp / f"damaged-{name}"
    path.write_bytes(bytes(raw))
    check(path)


@_FUZZ
@given(st.lists(json_values, max_size=4))
def test_arbitrary_json_documents(tmp: Path, documents: list[Any]) -> None:
    folder = tmp / "docs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for index, document in enumerate(documents):
        (folder / f"{index}.json").write_text(json.dumps(document), encoding="utf-8")
    if documents:
        check(folder)
        check(folder / "0.json")


@_FUZZ
@given(st.sampled_from(CSV_EXAMPLES), st.data())
def test_mutated_tabular_package(tmp: Path, name: str, data: st.DataObject) -> None:
    folder = tmp / "tabular"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(EXAMPLES / "csv", folder)
    for file in folder.iterdir():
        file.chmod(0o644)
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    row = data.draw(st.integers(0, max(0, len(lines) - 1)))
    action = data.draw(st.sampled_from(["cell", "drop-line", "header", "bytes", "truncate"]))
    if action == "cell" and lines:
        cells = lines[row].split(",")
        at = data.draw(st.integers(0, len(cells) - 1))
        cells[at] = data.draw(
            st.sampled_from(["", "x", '"', "2024-99-99", "-1", "=1+2", "true", "\u00e4" * 50])
        )
        lines[row] = ",".join(cells)
    elif action == "drop-line" and lines:
        del lines[row]
    elif action == "header" and lines:
        lines[0] = data.draw(st.sampled_from(["", "id", "id,id,id", "a,b,c,d,e,f,g"]))
    text = "\n".join(lines) + "\n"
    payload = text.encode("utf-8")
    if action == "bytes":
        payload = data.draw(st.binary(max_size=200))
    elif action == "truncate":
        payload = payload[: data.draw(st.integers(0, len(payload)))]
    (folder / name).write_bytes(payload)
    check(folder)


@_FUZZ
@given(json_values)
def test_mutated_datapackage_descriptor(tmp: Path, descriptor: Any) -> None:
    folder = tmp / "package"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(EXAMPLES / "csv", folder)
    for file in folder.iterdir():
        file.chmod(0o644)
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    check(folder)


@pytest.mark.parametrize("depth", [50, 500, 5000, 200_000])
def test_deeply_nested_documents(tmp: Path, depth: int) -> None:
    path = tmp / f"deep{depth}.json"
    nested = "[" * depth + "]" * depth
    path.write_text('{"id": "x", "name": "X", "services": ' + nested + "}", encoding="utf-8")
    check(path)
    path.write_text('{"id": "x", "name": "X", "x": ' + '{"a":' * depth + "1" + "}" * depth + "}")
    check(path)


def test_binary_csv_in_a_package(tmp: Path) -> None:
    folder = tmp / "binary"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(EXAMPLES / "csv", folder)
    for file in folder.iterdir():
        file.chmod(0o644)
    (folder / "organizations.csv").write_bytes(b"\x9d\x81\x00id,name\n")
    with pytest.raises(ki.LoadError) as info:
        ki.import_hsds(folder)
    assert "organizations.csv" in str(info.value)
    (folder / "organizations.csv").write_bytes(b'id,name\n"x\0y",\x00\n' + b"a" * 200_000 + b"\n")
    check(folder)
