"""Broken inputs: every problem is a finding with file, row and column, never a traceback."""

from __future__ import annotations

import importlib.util
import io
import os
import zipfile
from pathlib import Path

import pytest

import kommunale_integration as ki

MAIN = """\
id: kreis-test
title: Testkonzept
territory: "05558"
territories:
  - {ags: "05558012", name: Coesfeld, kind: town}
  - {ags: "05558016", name: Dülmen, kind: town}
actors:
  - {id: kreis, name: Kreis Coesfeld}
"""


def _load_findings(path: Path, **options: object) -> list[ki.Finding]:
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(path, options=ki.LoadOptions(**options))  # type: ignore[arg-type]
    return list(info.value.findings)


def _where(finding: ki.Finding) -> tuple[str | None, int | None, str | None]:
    return finding.location.file, finding.location.row, finding.location.column


def _folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    (tmp_path / "konzept.yaml").write_text(MAIN, encoding="utf-8")
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_all_problems_of_all_tables_are_reported_at_once(tmp_path: Path) -> None:
    actors = "ID;Name;Gemeinden;Gegründet\n" + "".join(
        f"a{i};Akteur {i};Coesfeld;01.01.2000\n" for i in range(11)
    )
    actors += "caritas;Caritas;Coesfled;31.02.2016\n"  # row 13
    offers = "Name;Träger;Plätze;Kosten\nKurs;Niemand;zwölf;12,50\nTreff;a1;12;gratis\n"
    folder = _folder(tmp_path, {"akteure.csv": actors, "angebote.csv": offers})
    findings = _load_findings(folder)
    got = {(f.code, _where(f)) for f in findings}
    assert got == {
        ("unknown-territory", ("akteure.csv", 13, "Gemeinden")),
        ("invalid-date", ("akteure.csv", 13, "Gegründet")),
        ("unknown-reference", ("angebote.csv", 2, "Träger")),
        ("invalid-number", ("angebote.csv", 2, "Plätze")),
        ("invalid-number", ("angebote.csv", 3, "Kosten")),
    }
    message = next(f for f in findings if f.code == "unknown-territory")
    assert str(message) == (
        'akteure.csv, Zeile 13, Spalte "Gemeinden": "Coesfled" ist keine bekannte Gemeinde'
    )


def test_english_messages_on_request(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"akteure.csv": "Name,Gemeinden\nCaritas,Coesfled\n"})
    (finding,) = _load_findings(folder, lang="en")
    assert finding.message == '"Coesfled" is not a known municipality'


def test_missing_required_column_is_one_finding(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"angebote.csv": "Name;Kosten\nKurs;0\nTreff;0\n"})
    (finding,) = _load_findings(folder)
    assert finding.code == "missing-column"
    assert _where(finding) == ("angebote.csv", 1, "Träger")


def test_unknown_column_is_only_a_warning(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"akteure.csv": "Name;Lieblingsfarbe\nCaritas;blau\n"})
    result = ki.load_concept_with_findings(folder)
    (warning,) = result.findings
    assert warning.severity is ki.Severity.WARNING
    assert (warning.code, _where(warning)) == (
        "unknown-column",
        ("akteure.csv", 1, "Lieblingsfarbe"),
    )
    assert result.concept.actor("caritas") is not None


def test_missing_value_in_required_cell(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"angebote.csv": "Name;Träger\nKurs;\n"})
    (finding,) = _load_findings(folder)
    assert (finding.code, _where(finding)) == ("missing-value", ("angebote.csv", 2, "Träger"))


def test_model_rule_broken_in_a_cell_names_the_column(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"kontakte.csv": "Akteur;Funktion;E-Mail\nkreis;KI;keine-adresse\n"})
    (finding,) = _load_findings(folder)
    assert (finding.code, _where(finding)) == ("invalid-value", ("kontakte.csv", 2, "E-Mail"))


def test_contact_for_unknown_owner(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"kontakte.csv": "Akteur;Funktion\nniemand;Beratung\n"})
    (finding,) = _load_findings(folder)
    assert (finding.code, _where(finding)) == ("unknown-reference", ("kontakte.csv", 2, "Akteur"))


def test_an_unreadable_table_of_actors_is_one_error_not_one_per_reference(
    tmp_path: Path,
) -> None:
    """A cell of 5 MB made akteure.csv unreadable, and then every offer's Träger and every
    contact's Akteur was also "kein bekannter Akteur" (found by the hostile tester): the
    references cannot be checked, so only the unreadable file is reported, with the
    limit it broke."""
    import csv

    folder = _folder(
        tmp_path,
        {
            "akteure.csv": "ID;Name\nvhs;VHS\ndrk;" + "x" * 200_000 + "\n",
            "angebote.csv": "Name;Träger\nKurs;vhs\nCafé;drk\n",
            "kontakte.csv": "Akteur;Funktion\nvhs;Beratung\n",
        },
    )
    (finding,) = _load_findings(folder)
    assert _where(finding) == ("akteure.csv", 3, None)
    limit = f"{csv.field_size_limit():,}".replace(",", ".")  # the reader's own limit
    assert f"eine Zelle ist länger als {limit} Zeichen" in finding.message
    # a contact of an offer, when angebote.csv cannot be read: likewise one error
    (tmp_path / "akteure.csv").write_text("ID;Name\nvhs;VHS\n", encoding="utf-8")
    (tmp_path / "angebote.csv").write_bytes(b'ID;Name;Tr\xc3\xa4ger\nk;"Kurs;vhs\n')
    (tmp_path / "kontakte.csv").write_text("Angebot;Funktion\nk;Beratung\n", encoding="utf-8")
    (finding,) = _load_findings(folder)
    assert finding.location.file == "angebote.csv"


def test_a_workbook_named_csv_is_called_a_workbook(tmp_path: Path) -> None:
    """akteure.xlsx saved under the name akteure.csv said "Datei ist ungültiges UTF-8
    (Byte 0xB5 an Position 10)" (found by the hostile tester); it is named a workbook,
    with the two ways out. As .xlsx it is read."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["ID", "Name"])
    book.active.append(["vhs", "VHS"])
    book.save(tmp_path / "akteure.csv")
    (finding,) = _load_findings(_folder(tmp_path, {}))
    assert (finding.code, _where(finding)) == ("unreadable-file", ("akteure.csv", None, None))
    assert "Excel-Arbeitsmappe, obwohl ihr Name CSV sagt" in finding.message
    (tmp_path / "akteure.csv").rename(tmp_path / "akteure.xlsx")
    assert "vhs" in {a.id for a in ki.load_concept(tmp_path).actors}


def test_a_key_with_a_foreign_letter_says_which(tmp_path: Path) -> None:
    """``tіtle`` with a Cyrillic і looks exactly like ``title``: "unbekannte(r) Schlüssel
    tіtle (bitte die Schreibweise prüfen)" showed nothing to correct (found by the
    hostile tester). The message names the character; a plain misspelling keeps the
    plain message."""
    (tmp_path / "konzept.yaml").write_text(
        MAIN.replace("title:", "t\u0456tle:").replace("actors:", "actorz:"), encoding="utf-8"
    )
    found = {f.code: f.message for f in _load_findings(tmp_path)}
    assert "U+0456 in t\u0456tle ist keiner" in found["unknown-key"]
    (tmp_path / "konzept.yaml").write_text(MAIN.replace("actors:", "actorz:"), encoding="utf-8")
    (finding,) = _load_findings(tmp_path)
    assert finding.message.endswith("Schlüssel actorz (bitte die Schreibweise prüfen)")


def test_a_header_with_a_foreign_letter_says_which_and_hides_no_references(
    tmp_path: Path,
) -> None:
    """``Nаme`` with a Cyrillic а in akteure.csv: "Pflichtspalte Name fehlt" beside a
    column that reads "Name", and every offer's Träger "kein bekannter Akteur" after it
    (found by the hostile tester). The unknown column names the character, and the
    table without its required column hides no references."""
    folder = _folder(
        tmp_path,
        {
            "akteure.csv": "ID;N\u0430me\nvhs;VHS\n",
            "angebote.csv": "Name;Träger\nKurs;vhs\n",
        },
    )
    findings = _load_findings(folder)
    assert sorted(f.code for f in findings) == ["missing-column", "unknown-column"]
    [unknown] = [f for f in findings if f.code == "unknown-column"]
    assert "das Zeichen U+0430, keinen lateinischen Buchstaben" in unknown.message


def test_truncated_csv(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"akteure.csv": 'Name;Beschreibung\nA;ok\nB;"ends in the mid'})
    (finding,) = _load_findings(folder)
    assert (finding.code, _where(finding)) == ("truncated-file", ("akteure.csv", 3, None))


def test_invalid_utf8_mixed_with_valid_utf8(tmp_path: Path) -> None:
    data = "Name\nDülmen\n".encode() + b"Caf\xe9 \xff\n"
    folder = _folder(tmp_path, {"akteure.csv": data})
    (finding,) = _load_findings(folder)
    assert finding.code == "invalid-encoding"
    assert _where(finding) == ("akteure.csv", 3, None)
    assert "0xE9" in finding.message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_table_is_named_as_such(tmp_path: Path, codec: str) -> None:
    """A table saved as Excel's "Unicode-Text" (UTF-16) is not read as Windows-1252;
    nor is one without a byte order mark (``utf-16-le``: read as UTF-8 before)."""
    folder = _folder(tmp_path, {"akteure.csv": "ID\tName\nvhs\tVHS\n".encode(codec)})
    (finding,) = _load_findings(folder)
    assert (finding.code, _where(finding)) == ("invalid-encoding", ("akteure.csv", 1, None))
    assert "UTF-16" in finding.message


def test_bytes_that_are_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"akteure.csv": b"Name\nA\x81B\n"})
    (finding,) = _load_findings(folder)
    assert finding.code == "invalid-encoding"
    assert _where(finding) == ("akteure.csv", 2, None)


def test_invalid_yaml_json_and_toml_name_the_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    (tmp_path / "b.json").write_text('{"id": "x",\n "title": }', encoding="utf-8")
    (tmp_path / "c.toml").write_text('id = "x"\ntitle = \n', encoding="utf-8")
    for name, code, row in (
        ("a.yaml", "invalid-yaml", 3),
        ("b.json", "invalid-json", 2),
        ("c.toml", "invalid-toml", 2),
    ):
        (finding,) = _load_findings(tmp_path / name)
        assert finding.code == code
        assert finding.location.file == name
        assert finding.location.row == row


def test_structured_errors_carry_paths(tmp_path: Path) -> None:
    text = (
        MAIN + "measures:\n  - {id: m1, title: T, field: sprache, timeframe: {start: 31.13.2016}}\n"
    )
    (tmp_path / "k.yaml").write_text(text + "unbekannt: 1\n", encoding="utf-8")
    findings = _load_findings(tmp_path / "k.yaml")
    assert {(f.code, f.location.file, f.location.path) for f in findings} == {
        ("invalid-value", "k.yaml", "measures[0].timeframe.start"),
        ("unknown-key", "k.yaml", None),
    }
    assert "unbekannt" in next(f for f in findings if f.code == "unknown-key").message


def test_table_path_must_stay_inside_the_concept(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    (tmp_path / "geheim.csv").write_text("Name\nX\n", encoding="utf-8")
    (folder / "konzept.yaml").write_text(
        MAIN + "tables:\n  actors: ../geheim.csv\n  offers: /etc/passwd\n", encoding="utf-8"
    )
    findings = _load_findings(folder)
    assert {(f.code, f.location.path) for f in findings} == {
        ("path-outside-concept", "tables.actors"),
        ("path-outside-concept", "tables.offers"),
    }


def test_missing_folder_file_and_main_file(tmp_path: Path) -> None:
    (finding,) = _load_findings(tmp_path / "nichts.yaml")
    assert finding.code == "unreadable-file"
    (finding,) = _load_findings(tmp_path)
    assert finding.code == "unreadable-file"
    assert "konzept.yaml" in finding.message


def test_file_size_and_row_limits(tmp_path: Path) -> None:
    rows = "".join(f"Akteur Nummer {i}\n" for i in range(20))
    folder = _folder(tmp_path, {"akteure.csv": "Name\n" + rows})
    (finding,) = _load_findings(folder, max_rows=10)
    assert (finding.code, _where(finding)) == ("too-many-rows", ("akteure.csv", 12, None))
    (finding,) = _load_findings(folder, max_file_bytes=len(MAIN.encode()) + 10)
    assert (finding.code, finding.location.file) == ("file-too-large", "akteure.csv")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_workbook_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = _zip({"xl/worksheets/sheet1.xml": b"\0" * 5_000_000})
    folder = _folder(tmp_path, {"akteure.xlsx": bomb})
    (finding,) = _load_findings(folder)
    assert finding.code == "file-too-large"
    assert "sheet1.xml" in finding.message
    (finding,) = _load_findings(folder, max_unpacked_bytes=1_000_000)
    assert finding.code == "file-too-large"


def test_truncated_and_fake_workbooks(tmp_path: Path) -> None:
    real = _zip({"a.xml": b"<a/>" * 1000})
    folder = _folder(tmp_path, {"akteure.xlsx": real[: len(real) // 2]})
    (finding,) = _load_findings(folder)
    assert (finding.code, finding.location.file) == ("truncated-file", "akteure.xlsx")
    (folder / "akteure.xlsx").write_bytes(b"Name;Gemeinden\n")
    (finding,) = _load_findings(folder)
    assert finding.code == "unreadable-file"
    (folder / "akteure.xlsx").write_bytes(real)  # a ZIP, but no workbook
    (finding,) = _load_findings(folder)
    assert finding.code == "unreadable-file"


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("Akteure.xlsx", "akteure"),  # as Windows shows it; Linux tells the cases apart
        ("akteure.XLSX", "akteure"),
        ("akteure.xls", "akteure"),  # old Excel
        ("akteursliste.xlsx", "akteure"),
        ("Maßnahmen 2026.csv", "massnahmen"),
        ("angebote.ods", "angebote"),
    ],
)
def test_a_spreadsheet_named_almost_like_a_table_is_named(
    tmp_path: Path, name: str, table: str
) -> None:
    """A newcomer's "akteursliste.xlsx" (or "Akteure.xlsx") in the concept folder left
    the concept without its actors, and validation said nothing."""
    folder = _folder(tmp_path, {name: b"ID;Name\ncaritas;Caritas\n", "cases.csv": "x\n"})
    result = ki.load_concept_with_findings(folder)
    [finding] = result.findings
    assert (finding.code, finding.severity, finding.location.file) == (
        "ignored-file",
        ki.Severity.WARNING,
        name,
    )
    assert f"aus {table}.csv oder {table}.xlsx gelesen" in finding.message
    # Renamed, an .xls or .ods is still no .xlsx: the advice is to save it as one.
    converted = name.lower().endswith((".xls", ".ods"))
    assert ("Datei um" in finding.message) is not converted
    assert (f"als {table}.xlsx (Excel-Arbeitsmappe) oder {table}.csv" in finding.message) is (
        converted
    )
    if table != "akteure":
        return
    # the right name is read, and so is a file named under tables:, without a warning
    (folder / name).rename(folder / "akteure.csv")
    assert [a.name for a in ki.load_concept_with_findings(folder).concept.actors][-1] == "Caritas"
    (folder / "akteure.csv").rename(folder / "akteursliste.csv")
    (folder / "konzept.yaml").write_text(
        MAIN + "tables: {actors: akteursliste.csv}\n", encoding="utf-8"
    )
    result = ki.load_concept_with_findings(folder)
    assert "ignored-file" not in {f.code for f in result.findings}
    assert [a.name for a in result.concept.actors][-1] == "Caritas"


def _ods() -> bytes:
    """The start of an OpenDocument spreadsheet: its first entry "mimetype", stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (_ods(), "OpenDocument-Tabelle (LibreOffice, .ods), keine Excel-Arbeitsmappe"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "alte Excel-Arbeitsmappe (.xls"),
    ],
)
def test_an_ods_or_xls_renamed_to_xlsx_is_told_to_be_saved_as_one(
    tmp_path: Path, data: bytes, said: str
) -> None:
    """An officer working with LibreOffice followed the advice to rename akteure.ods
    to akteure.xlsx, and was told in English that "[Content_Types].xml" was missing
    from the archive. The format is named with how to save the file as a workbook."""
    folder = _folder(tmp_path, {"akteure.xlsx": data})
    (finding,) = _load_findings(folder)
    assert (finding.code, finding.location.file) == ("unreadable-file", "akteure.xlsx")
    assert said in finding.message
    assert "Content_Types" not in finding.message
    assert "zip" not in finding.message.lower()


def _workbook(rows: list[list[str]]) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TITLED = [
    ["Akteursliste des Kreises, Stand 01.03.2026"],
    [],
    ["ID", "Name", "Kategorie"],
    ["caritas", "Caritas", "welfare"],
]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("akteure.xlsx", _workbook(TITLED) if importlib.util.find_spec("openpyxl") else b""),
        # as Excel saves it: every row padded to the width of the table
        ("akteure.csv", "\n".join(";".join([*r, "", ""][:3]) for r in TITLED).encode("utf-8")),
    ],
)
def test_a_title_above_the_column_headers_is_named_with_the_header_row(
    tmp_path: Path, name: str, data: bytes
) -> None:
    """A list kept in Excel began with its title ("Akteursliste …, Stand …") above the
    headers: the title was taken for the header row, and the load said "required column
    Name is missing" with a warning for each column without a header. One finding
    names the row the headers are in."""
    folder = _folder(tmp_path, {name: data})
    (finding,) = _load_findings(folder)
    assert (finding.code, finding.location.file, finding.location.row) == (
        "missing-column",
        name,
        1,
    )
    assert finding.message == (
        "die Spaltenköpfe stehen in Zeile 3, nicht in Zeile 1 (darüber ein Titel?): löschen "
        "Sie die Zeilen über den Spaltenköpfen"
    )
    # Without the title the table is read; a first row that names a required column
    # stays the header row (its missing columns named one by one).
    (folder / name).unlink()
    (folder / "akteure.csv").write_text("ID;Kategorie\ncaritas;welfare\n", encoding="utf-8")
    (finding,) = _load_findings(folder)
    assert finding.message == 'Pflichtspalte "Name" fehlt'


def test_an_ignored_file_with_a_hostile_name_is_shown_escaped(tmp_path: Path) -> None:
    """A file name with a terminal's escape sequence or undecodable bytes is named
    escaped, never written raw to the terminal."""
    folder = _folder(tmp_path, {"akteure\x1b[31m.csv": "ID;Name\n"})
    (folder / os.fsdecode(b"akteure\xff.csv")).write_bytes(b"ID;Name\n")
    files = sorted(f.location.file or "" for f in ki.load_concept_with_findings(folder).findings)
    assert files == ["'akteure\\udcff.csv'", "'akteure\\x1b[31m.csv'"]


def test_finding_codes_are_documented() -> None:
    assert set(ki.LOAD_FINDING_CODES) >= {
        "missing-column", "unknown-column", "invalid-date", "invalid-number",
        "unknown-reference", "unknown-territory", "invalid-encoding", "truncated-file",
        "file-too-large", "too-many-rows", "path-outside-concept", "unreadable-file",
        "invalid-yaml", "invalid-json", "invalid-toml", "unknown-key", "missing-value",
        "invalid-value",
    }  # fmt: skip


def test_yaml_findings_and_items_know_their_line(tmp_path: Path) -> None:
    text = MAIN + "measures:\n  - id: m1\n    title: T\n    field: sprache\n    capacity: viele\n"
    (tmp_path / "k.yaml").write_text(text, encoding="utf-8")
    (finding,) = _load_findings(tmp_path / "k.yaml")
    assert (finding.location.file, finding.location.row, finding.location.path) == (
        "k.yaml",
        13,
        "measures[0].capacity",
    )
    (tmp_path / "k.yaml").write_text(text.replace("viele", "12"), encoding="utf-8")
    concept = ki.load_concept(tmp_path / "k.yaml")
    assert concept.locate("measures[0]").row == 10
    assert concept.locate("actors[0].name").row == 8


def test_invalid_tables_and_columns_keys(tmp_path: Path) -> None:
    main = MAIN + "tables:\n  people: p.csv\n  actors: 12\ncolumns:\n  actors: [Name]\n"
    (tmp_path / "konzept.yaml").write_text(main, encoding="utf-8")
    findings = _load_findings(tmp_path)
    assert {(f.code, f.location.file, f.location.path) for f in findings} == {
        ("invalid-value", "konzept.yaml", "tables.people"),
        ("invalid-value", "konzept.yaml", "tables.actors"),
        ("invalid-value", "konzept.yaml", "columns.actors"),
    }
    assert "actors, offers, contacts" in findings[0].message


def test_row_limit_of_a_workbook(tmp_path: Path) -> None:
    actors = [ki.Actor(id=f"a{i}", name=f"Akteur {i}") for i in range(20)]
    ki.write_table(actors, tmp_path / "akteure.xlsx", "actors")
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(tmp_path / "akteure.xlsx", "actors", options=ki.LoadOptions(max_rows=10))
    (finding,) = info.value.findings
    assert (finding.code, _where(finding)) == ("too-many-rows", ("akteure.xlsx", 12, None))
    assert len(ki.read_table(tmp_path / "akteure.xlsx", "actors")) == 20
