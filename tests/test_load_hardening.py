"""Inputs that used to crash or change silently (issue 14, items 4 and 6): each gives a
clear finding at the place where it was read, never a traceback."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import kommunale_integration as ki
from helpers import MAIN_YAML, concept_folder, load_findings, run_cli
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


# --------------------------------------------------------------------------- duplicate keys


def test_duplicate_keys_in_yaml_are_findings_with_their_line(tmp_path: Path) -> None:
    text = MAIN_YAML + "actors:\n  - {id: zweiter, name: Zweiter}\n"
    folder = concept_folder(tmp_path / "k", {"konzept.yaml": text})
    (finding,) = load_findings(folder)
    assert finding.code == "duplicate-key"
    assert finding.location.row == text.splitlines().index("actors:", 9) + 1
    assert '"actors"' in finding.message
    with pytest.raises(ki.LoadError):
        ki.parse_yaml("a: 1\nb: {x: 1, x: 2}\n")


def test_duplicate_keys_in_json_are_findings(tmp_path: Path) -> None:
    text = '{"id": "k", "title": "T", "territory": "05558", "actors": [], "actors": []}'
    folder = concept_folder(tmp_path / "k", {"konzept.json": text})
    (finding,) = load_findings(folder)
    assert finding.code == "duplicate-key"
    assert finding.location.file == "konzept.json"
    with pytest.raises(ki.LoadError) as info:
        ki.parse_json('{"a": {"b": 1, "b": 2}}')
    assert info.value.findings[0].code == "duplicate-key"


def test_nan_and_infinity_are_no_json() -> None:
    """Python's json reads NaN and Infinity; JSON (RFC 8259) has neither: refused with
    the path, as a model path or (for the HSDS import) a JSONPath."""
    text = '{"a": [1, NaN], "b": {"c": Infinity}, "d": -Infinity}'
    with pytest.raises(ki.LoadError) as info:
        ki.parse_json(text, file="x.json")
    found = [(f.code, f.location.file, f.location.path) for f in info.value.findings]
    assert found == [
        ("invalid-number", "x.json", "a[1]"),
        ("invalid-number", "x.json", "b.c"),
        ("invalid-number", "x.json", "d"),
    ]
    with pytest.raises(ki.LoadError) as info:
        ki.parse_json(text, json_path=True)
    assert [f.location.path for f in info.value.findings] == ["$.a[1]", "$.b.c", "$.d"]
    assert ki.parse_json('{"a": "NaN", "b": 1e5}') == {"a": "NaN", "b": 1e5}


def test_merge_keys_are_no_duplicates() -> None:
    data = ki.parse_yaml("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n")
    assert data["item"] == {"x": 1, "y": 3}


# --------------------------------------------------------------------------- YAML 1.1


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1.10", "1.10"),
        ("1:30", "1:30"),
        ("0x1F", "0x1F"),
        ("017", "017"),
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("2016-12-31", "2016-12-31"),
        ("1e3", "1e3"),
        ("12", "12"),
    ],
)
def test_text_fields_keep_what_was_written(written: str, expected: str) -> None:
    actor = ki.loads_yaml(f"id: a\nname: {written}\ndescription: {written}\n", ki.Actor)
    assert actor.name == expected
    assert actor.description == expected


def test_yaml_12_rules_for_the_other_types() -> None:
    data = ki.parse_yaml("a: yes\nb: true\nc: 0x1F\nd: 0o17\ne: 1:30\nf: 2016-12-31\ng: ~\n")
    assert data == {
        "a": "yes",
        "b": True,
        "c": 31,
        "d": 15,
        "e": "1:30",
        "f": "2016-12-31",
        "g": None,
    }
    offer = ki.loads_yaml(
        "id: o\nname: O\nactor: a\ncapacity: 0x1F\ncost: 170000.10\nvalid_from: 2016-12-31\n",
        ki.Offer,
    )
    assert offer.capacity == 31
    assert type(offer.capacity) is int
    assert offer.cost == Decimal("170000.10")
    assert offer.valid_from == date(2016, 12, 31)
    # booleans: the one vocabulary of _parse, also for the YAML 1.1 words
    actor = ki.loads_yaml("id: a\nname: A\nvolunteer: yes\nillustrative: nein\n", ki.Actor)
    assert actor.volunteer is True
    assert actor.illustrative is False


# --------------------------------------------------------------------------- huge integers


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "konzept.json",
            '{"id": "k", "title": "T", "territory": "05558", "version": ' + "9" * 5000 + "}",
        ),
        (
            "konzept.toml",
            'id = "k"\ntitle = "T"\nterritory = "05558"\nversion = ' + "9" * 5000 + "\n",
        ),
        ("konzept.yaml", "id: k\ntitle: T\nterritory: '05558'\nversion: " + "9" * 5000 + "\n"),
    ],
)
def test_integers_of_more_than_4300_digits_are_findings(
    tmp_path: Path, name: str, text: str
) -> None:
    folder = concept_folder(tmp_path / "k", {name: text})
    (finding,) = load_findings(folder)
    assert finding.code == "invalid-number"
    assert finding.location.row in {1, 4}
    assert "4300" in finding.message
    assert len(str(finding)) < 300


# --------------------------------------------------------------------------- characters

BAD_CHARACTERS = ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\ufffe", "\ud800"]


@pytest.mark.parametrize("char", BAD_CHARACTERS)
def test_characters_no_output_can_hold_are_load_findings(tmp_path: Path, char: str) -> None:
    escaped = json.dumps(f"Titel {char}")  # \u escapes, also for a lone surrogate
    main = '{"id": "k", "title": ' + escaped + ', "territory": "05558"}'
    folder = concept_folder(tmp_path / "json", {"konzept.json": main})
    (finding,) = load_findings(folder)
    assert finding.code == "invalid-character"
    assert finding.location.path == "title"
    assert f"U+{ord(char):04X}" in finding.message
    # YAML: double-quoted escapes; the YAML reader itself refuses raw control characters
    yaml_text = MAIN_YAML.replace("title: Testkonzept", f"title: {escaped}")
    folder = concept_folder(tmp_path / "yaml", {"konzept.yaml": yaml_text})
    (finding,) = load_findings(folder)
    assert finding.code in {"invalid-character", "invalid-yaml"}
    assert finding.location.row == 2
    if char == "\ud800":  # cannot stand in a UTF-8 file
        return
    # Raw in a YAML file: the YAML reader refuses it without a line ("ungültiges YAML:
    # unacceptable character #x0000"); said like every such character, with its line.
    raw = MAIN_YAML.replace("title: Testkonzept", f'title: "Titel {char}"')
    folder = concept_folder(tmp_path / "raw", {"konzept.yaml": raw.encode("utf-8")})
    (finding,) = load_findings(folder)
    assert (finding.code, finding.location.row) == ("invalid-character", 2)
    assert f"U+{ord(char):04X}" in finding.message


@pytest.mark.parametrize("char", [c for c in BAD_CHARACTERS if c != "\ud800"])
def test_bad_characters_in_table_cells_are_findings_at_the_cell(tmp_path: Path, char: str) -> None:
    table = f"Name;Beschreibung\r\nCaritas;Text{char}Ende\r\n".encode()
    folder = concept_folder(tmp_path / "k", {"akteure.csv": table})
    findings = load_findings(folder)
    assert [(f.code, f.location.row, f.location.column) for f in findings] == [
        ("invalid-character", 2, "Beschreibung")
    ]


@pytest.mark.parametrize("char", ["\x01", "\x1f", "\x0b"])
def test_no_writer_sees_a_bad_character_from_a_concept_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], char: str
) -> None:
    """The DOCX report, HTML, Markdown, the directory and the exports all stop at the load."""
    table = f"Name;Beschreibung\r\nCaritas;Text{char}Ende\r\n".encode()
    folder = concept_folder(tmp_path / "k", {"akteure.csv": table})
    for argv in (
        ["report", folder, "--period", "2025", "--format", "docx", "--output", tmp_path / "b.docx"],
        ["report", folder, "--period", "2025", "--format", "md", "--output", tmp_path / "b.md"],
        ["directory", folder, "--output", tmp_path / "site"],
        ["export", "hsds", folder, "--output", tmp_path / "hsds"],
        ["convert", folder, tmp_path / "k.json"],
        ["validate", folder],
    ):
        code, _, err = run_cli(capsys, *argv)
        assert code in {1, 2}, (argv, err)
        assert "Traceback" not in err
        assert "U+" in err


# --------------------------------------------------------------------------- files


def test_a_hidden_first_sheet_is_not_read_silently(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "Alt"
    old.append(["Name"])
    old.append(["Verein von früher"])
    old.sheet_state = "hidden"
    new = workbook.create_sheet("Akteure")
    new.append(["Name"])
    new.append(["Caritas"])
    workbook.active = 1
    target = tmp_path / "akteure.xlsx"
    workbook.save(target)
    result = ki.load_concept_with_findings(concept_folder(tmp_path, {}))
    assert [a.name for a in result.concept.actors] == ["Kreis Coesfeld", "Caritas"]
    (warning,) = [f for f in result.findings if f.code == "hidden-sheet"]
    assert warning.severity is ki.Severity.WARNING
    assert '"Alt"' in warning.message
    assert '"Akteure"' in warning.message
    # a workbook with only hidden sheets (Excel refuses to save one; other tools do not)
    data = target.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    workbook_xml = re.sub(rb' state="\w+"', b"", parts["xl/workbook.xml"])
    parts["xl/workbook.xml"] = workbook_xml.replace(b"<sheet ", b'<sheet state="hidden" ')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    target.write_bytes(buffer.getvalue())
    findings = load_findings(tmp_path)
    assert [f.code for f in findings] == ["unreadable-file"]
    assert "sichtbar" in findings[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_default_table_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    folder = concept_folder(tmp_path / "k")
    os.mkfifo(folder / "akteure.csv")
    (finding,) = load_findings(folder)
    assert finding.code == "unreadable-file"
    assert finding.location.file == "akteure.csv"
    assert "FIFO" in finding.message


def test_a_symlink_loop_as_default_table_is_a_finding(tmp_path: Path) -> None:
    folder = concept_folder(tmp_path / "k")
    (folder / "angebote.csv").symlink_to("angebote.csv")
    (folder / "akteure.xlsx").symlink_to(folder / "nirgends.xlsx")
    findings = load_findings(folder)
    assert sorted((f.code, f.location.file) for f in findings) == [
        ("unreadable-file", "akteure.xlsx"),
        ("unreadable-file", "angebote.csv"),
    ]


def test_a_device_as_default_table_is_a_finding(tmp_path: Path) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    folder = concept_folder(tmp_path / "k")
    os.symlink("/dev/null", folder / "akteure.csv")
    (finding,) = load_findings(folder)
    # a link out of the folder is refused before anything is read
    assert finding.code in {"path-outside-concept", "unreadable-file"}
    (folder / "akteure.csv").unlink()
    (folder / "akteure.csv").mkdir()
    (finding,) = load_findings(folder)
    assert finding.code == "unreadable-file"
    assert "Ordner" in finding.message


# --------------------------------------------------------------------------- read_cases


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"encoding": "utf-16"}, "UTF-8"),
        ({"encoding": "utf-32"}, "UTF-8"),
        ({"encoding": "bogus"}, "unknown encoding"),
        ({"encoding": "rot13"}, "cannot be read as"),
        ({"delimiter": ""}, "one character"),
        ({"delimiter": "ab"}, "one character"),
        ({"delimiter": '"'}, "one character"),
        ({"delimiter": "\n"}, "one character"),
        ({"delimiter": "x"}, "one character"),
    ],
)
def test_read_cases_refuses_unusable_arguments_clearly(
    tmp_path: Path, arguments: dict[str, str], words: str
) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("case_id,municipality,opened\n1,05558012,2025-01-01\n", encoding="utf-8")
    for source in (cases, io.BytesIO(cases.read_bytes())):
        with ki.using_language("en"), pytest.raises(ValueError, match=words):
            ki.read_cases(source, **arguments)  # type: ignore[arg-type]
    # German by default, like every message
    with pytest.raises(ValueError, match=r"muss|Kodierung|lässt sich nicht"):
        ki.read_cases(cases, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "encoding", ["utf-8", "UTF8", "utf-8-sig", "cp1252", "windows-1252", "latin-1"]
)
def test_read_cases_accepts_the_usual_encodings(tmp_path: Path, encoding: str) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("case_id;municipality;opened\n1;05558012;2025-01-01\n", encoding="utf-8")
    data = ki.read_cases(cases, encoding=encoding, delimiter=";")
    assert len(data) == 1


# --------------------------------------------------------------------------- HSDS import


def _exported(tmp_path: Path) -> Path:
    actor = ki.Actor(id="vhs", name="VHS", territories=("05558012",))
    concept = ki.Concept(id="demo", title="Demo", territory="05558", actors=(actor,))
    return ki.export_hsds(concept, tmp_path / "out", form="json")


def test_hsds_import_with_a_foreign_territory_is_no_invalid_value_error(tmp_path: Path) -> None:
    folder = _exported(tmp_path)
    (document,) = (folder / "organizations").glob("*.json")
    document.write_text(document.read_text().replace("05558012", "FR123456"))
    concept, report = ki.import_hsds(folder)  # the attribute is kept, no AGS counts
    assert concept.territory == "00"
    assert concept.actors[0].territories == ("FR123456",)
    assert "hsds-territory-unknown" in {f.code for f in report.findings}


def test_a_deeply_nested_datapackage_is_a_load_error(tmp_path: Path) -> None:
    package = tmp_path / "datapackage.json"
    package.write_text('{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ki.LoadError) as info:
        ki.import_hsds(tmp_path)
    assert info.value.findings[0].code == "too-deeply-nested"
