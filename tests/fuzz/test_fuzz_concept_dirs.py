"""Fuzzing concept folders: hostile ``tables:`` paths, symlinks, mutated main files.

The outcome is always a concept or a LoadError with findings; a table outside the
folder is never read (its secret never appears anywhere).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "stadt_coesfeld"
SECRET = "GEHEIMNIS-4711"
_FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))


def check(path: Path) -> ki.Concept | ki.LoadError:
    failure: ki.LoadError | None = None
    try:
        concept = ki.load_concept(path)
    except ki.LoadError as error:
        failure = error
    if failure is None:
        assert isinstance(concept, ki.Concept)
        assert SECRET not in repr(concept)
        return concept
    assert failure.findings
    for finding in failure.findings:
        assert finding.code
        assert finding.message
    assert SECRET not in str(failure) + repr(failure.findings)
    return failure


@pytest.fixture(scope="module")
def area(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a secret table beside the concept folders."""
    root = tmp_path_factory.mktemp("area")
    (root / "geheim.csv").write_text(f"ID;Name\ngeheim;{SECRET}\n", encoding="utf-8")
    (root / "geheim.xlsx").write_bytes(b"PK\x03\x04" + SECRET.encode())
    return root


def fresh(area: Path, name: str) -> Path:
    folder = area / "konzepte" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


MAIN = {"id": "k", "title": "T", "territory": "05558012"}

hostile_paths = st.one_of(
    st.sampled_from(
        [
            "../../geheim.csv",
            "../../../geheim.csv",
            "/etc/passwd",
            "//etc/passwd",
            "..",
            ".",
            "",
            "~/geheim.csv",
            "link/geheim.csv",
            "akteure.csv/..",
            "akteure.csv\x00.txt",
            "C:\\Windows\\win.ini",
            "file:///etc/passwd",
            "../konzepte/../../geheim.xlsx",
            "a" * 300 + ".csv",
            "ordner",
        ]
    ),
    st.text(max_size=30),
    st.lists(st.sampled_from(["..", ".", "a", "link", "geheim.csv"]), max_size=6).map("/".join),
)
table_kinds = st.sampled_from([*(k.value for k in ki.TableKind), "akteure", "unbekannt", "", "1"])


@_FUZZ
@given(st.dictionaries(table_kinds, hostile_paths | st.integers() | st.none(), max_size=4))
def test_hostile_table_paths(area: Path, tables: dict[str, Any]) -> None:
    folder = fresh(area, "pfade")
    (folder / "ordner").mkdir()
    (folder / "link").symlink_to(area)
    (folder / "konzept.yaml").write_text(
        yaml.safe_dump({**MAIN, "tables": tables}, allow_unicode=True), encoding="utf-8"
    )
    check(folder)


@pytest.mark.parametrize(
    "path", ["../../geheim.csv", "link/geheim.csv", "/etc/passwd", "innen/../../../geheim.csv"]
)
def test_table_paths_outside_are_refused(area: Path, path: str) -> None:
    folder = fresh(area, "draussen")
    (folder / "innen").mkdir()
    (folder / "link").symlink_to(area)
    (folder / "konzept.yaml").write_text(
        yaml.safe_dump({**MAIN, "tables": {"actors": path}}), encoding="utf-8"
    )
    result = check(folder)
    assert isinstance(result, ki.LoadError)
    assert [f.code for f in result.findings] == ["path-outside-concept"]


@pytest.mark.parametrize("name", ["akteure.csv", "angebote.csv", "kontakte.xlsx"])
def test_symlinked_default_tables_outside_are_refused(area: Path, name: str) -> None:
    folder = fresh(area, "symlink")
    (folder / "konzept.yaml").write_text(yaml.safe_dump(MAIN), encoding="utf-8")
    (folder / name).symlink_to(area / ("geheim.xlsx" if name.endswith("xlsx") else "geheim.csv"))
    result = check(folder)
    assert isinstance(result, ki.LoadError)
    assert {f.code for f in result.findings} == {"path-outside-concept"}


def test_symlink_inside_the_folder_is_fine(area: Path) -> None:
    folder = fresh(area, "innen")
    (folder / "daten").mkdir()
    (folder / "daten" / "liste.csv").write_text("ID;Name\nvhs;VHS\n", encoding="utf-8")
    (folder / "akteure.csv").symlink_to(folder / "daten" / "liste.csv")
    (folder / "konzept.yaml").write_text(yaml.safe_dump(MAIN), encoding="utf-8")
    result = check(folder)
    assert isinstance(result, ki.Concept)
    assert [a.name for a in result.actors] == ["VHS"]


def test_symlink_loop_and_special_files(area: Path) -> None:
    folder = fresh(area, "schleife")
    (folder / "konzept.yaml").write_text(
        yaml.safe_dump({**MAIN, "tables": {"actors": "loop.csv", "offers": "fifo.csv"}}),
        encoding="utf-8",
    )
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    os.mkfifo(folder / "fifo.csv")
    result = check(folder)
    assert isinstance(result, ki.LoadError)


# --------------------------------------------------------------------------- main files


def _main_bytes(fmt: str) -> bytes:
    folder = EXAMPLE
    concept = ki.load_concept(folder)
    data = ki.unstructure(concept)
    for key in ("actors", "offers", "measures"):
        data[key] = data.get(key, [])[:3]
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1).encode()
    lines = [f'{k} = "{v}"' for k, v in data.items() if isinstance(v, str)]
    lines.append("[[territories]]")
    lines.append('ags = "05558012"\nname = "Coesfeld"\nkind = "town"')
    return "\n".join(lines).encode() + b"\n"


@pytest.fixture(scope="module")
def mains() -> dict[str, bytes]:
    return {fmt: _main_bytes(fmt) for fmt in ("yaml", "json", "toml")}


@_FUZZ
@given(st.sampled_from(["yaml", "json", "toml"]), st.data())
def test_mutated_main_files(
    area: Path, mains: dict[str, bytes], fmt: str, data: st.DataObject
) -> None:
    raw = bytearray(mains[fmt])
    for _ in range(data.draw(st.integers(1, 4))):
        if not raw:
            break
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert", "delete", "token"]))
        if action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at:]
        elif action == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del raw[at : at + data.draw(st.integers(1, 30))]
        else:
            raw[at:at] = data.draw(
                st.sampled_from(
                    [
                        b"\n- ",
                        b": ",
                        b"{",
                        b"[",
                        b'"',
                        b"&a ",
                        b"*a",
                        b"!!python/name:os.system ",
                        b"!!binary ",
                        b"\t",
                        b"\xef\xbb\xbf",
                        b"\n  tables: {actors: ../../x}\n",
                    ]
                )
            )
    folder = fresh(area, f"main-{fmt}")
    (folder / f"konzept.{fmt}").write_bytes(bytes(raw))
    check(folder)
    check(folder / f"konzept.{fmt}")


def test_yaml_alias_bomb_is_bounded(area: Path) -> None:
    """The billion-laughs of YAML: aliases to aliases (a finding or a concept, not a hang)."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    text = "id: k\ntitle: T\nterritory: '05558'\nsummary: x\nbomb:\n" + "\n".join(
        "  " + line for line in lines
    )
    folder = fresh(area, "bomb")
    (folder / "konzept.yaml").write_text(text, encoding="utf-8")
    result = check(folder)
    assert isinstance(result, ki.LoadError)
    assert any(f.code == "unknown-key" for f in result.findings)


def test_several_main_files_and_none(area: Path) -> None:
    folder = fresh(area, "mehrere")
    (folder / "konzept.yaml").write_text(yaml.safe_dump(MAIN), encoding="utf-8")
    (folder / "konzept.json").write_text(json.dumps(MAIN), encoding="utf-8")
    assert isinstance(check(folder), ki.LoadError)
    empty = fresh(area, "leer")
    assert isinstance(check(empty), ki.LoadError)
    (empty / "konzept.yaml").mkdir()
    assert isinstance(check(empty), ki.LoadError)


@pytest.mark.parametrize("key", ["summary", "title", "territories", "actors", "extras", "tables"])
def test_yaml_alias_bomb_in_a_known_key_gives_a_short_message(area: Path, key: str) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    text = "bomb:\n" + "".join(f"  {line}\n" for line in lines)
    text += f"id: k\ntitle: T\nterritory: '05558'\n{key}: *a8\n"
    folder = fresh(area, f"bomb-{key}")
    (folder / "konzept.yaml").write_text(text, encoding="utf-8")
    result = check(folder)
    assert isinstance(result, ki.LoadError)
    assert len(str(result)) + sum(len(str(f)) for f in result.findings) < 100_000
    failure: ki.LoadError | None = None
    try:
        ki.loads_yaml(text, ki.Concept)
    except ki.LoadError as error:
        failure = error
    assert failure is not None
    assert sum(len(str(f)) for f in failure.findings) < 100_000


DEEP = {
    "flow-sequence": "[" * 100_000 + "]" * 100_000,
    "flow-mapping": "{a: " * 100_000 + "}" * 100_000,
    "json": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("suffix", ["yaml", "json", "toml"])
@pytest.mark.parametrize("shape", sorted(DEEP))
def test_deeply_nested_main_files_are_refused(area: Path, suffix: str, shape: str) -> None:
    """libyaml's C loader would overflow the C stack (a segfault, not an exception)."""
    value = DEEP[shape]
    text = {"yaml": f"id: {value}\n", "json": f'{{"id": {value}}}', "toml": f"id = {value}\n"}
    folder = fresh(area, f"tief-{suffix}-{shape}")
    (folder / f"konzept.{suffix}").write_text(text[suffix], encoding="utf-8")
    result = check(folder)
    assert isinstance(result, ki.LoadError)


@pytest.mark.parametrize("shape", ["flow-sequence", "flow-mapping"])
def test_deeply_nested_yaml_everywhere(tmp_path: Path, shape: str) -> None:
    text = f"indicators: {DEEP[shape]}\n"
    with pytest.raises(ki.LoadError):
        ki.loads_yaml(text, ki.Concept)
    path = tmp_path / "katalog.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ki.LoadError):
        ki.load_indicators(path)
    path.write_text(f"entries: {DEEP[shape]}\n", encoding="utf-8")
    with pytest.raises(ki.LoadError):
        ki.load_catalogue("eigener", path)


def test_a_block_sequence_nested_deeply_is_refused(area: Path) -> None:
    folder = fresh(area, "tief-block")
    (folder / "konzept.yaml").write_text("id:\n" + "- " * 60_000 + "x\n", encoding="utf-8")
    assert isinstance(check(folder), ki.LoadError)


@pytest.mark.parametrize("day", ["2017-00-01", "2016-02-30", "0000-01-01", "2016-13-01"])
def test_unquoted_impossible_dates_in_yaml_are_findings(area: Path, day: str) -> None:
    """Found by atheris: PyYAML's date constructor raised ValueError, not a YAMLError.

    YAML is read with the rules of YAML 1.2 now (no implicit dates): the text is an
    invalid date where the model expects a date, and plain text where it expects text.
    """
    text = f"id: k\ntitle: T\nterritory: '05558'\nvalid_from: {day}\n"
    folder = fresh(area, f"datum-{day}")
    (folder / "konzept.yaml").write_text(text, encoding="utf-8")
    result = check(folder)
    assert isinstance(result, ki.LoadError)
    assert [(f.code, f.location.row) for f in result.findings] == [("invalid-value", 4)]
    with pytest.raises(ki.LoadError):
        ki.loads_yaml(text, ki.Concept)
    catalogue = folder / "katalog.yaml"
    catalogue.write_text(f"entries:\n  - code: x\n    de: {day}\n", encoding="utf-8")
    assert ki.load_catalogue("eigener", catalogue).label("x") == day
    catalogue.write_text(f"indicators:\n  - id: x\n    reference_date: {day}\n", encoding="utf-8")
    with pytest.raises(ki.LoadError):
        ki.load_indicators(catalogue)
