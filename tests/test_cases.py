"""Reading case-management exports: canonical format, variants and broken inputs."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    CaseData,
    CaseReadOptions,
    LoadError,
    compute_indicators,
    read_cases,
)
from kommunale_integration._cases import OPEN

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

CASES = """case_id,municipality,opened,closed,legal_basis,sex,birth_year
P-001,05558004,2024-01-15,,AsylbLG,f,1990
P-002,05558004,2025-03-01,2025-03-31,SGB II,m,2001
P-003,05558008,2025-12-31,,SGB II,f,2010
"""
EVENTS = """case_id,event,date,detail
P-001,language_course_started,2025-01-01,B1
P-002,employment_started,2025-03-31,
P-003,language_course_started,2025-12-31,A1
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def messages(error: LoadError) -> str:
    return "\n".join(str(f) for f in error.findings)


def test_canonical_export(tmp_path: Path) -> None:
    data = read_cases(write(tmp_path, "cases.csv", CASES), write(tmp_path, "events.csv", EVENTS))
    assert len(data) == 3
    assert data.municipalities == ("05558004", "05558008")
    assert list(data.opened) == [
        date(2024, 1, 15).toordinal(),
        date(2025, 3, 1).toordinal(),
        date(2025, 12, 31).toordinal(),
    ]
    assert list(data.closed) == [OPEN, date(2025, 3, 31).toordinal(), OPEN]
    assert list(data.birth_year) == [1990, 2001, 2010]
    assert data.event_counts == {"language_course_started": 2, "employment_started": 1}
    cases, days = data.events["language_course_started"]
    assert list(cases) == [0, 2]
    assert list(days) == [date(2025, 1, 1).toordinal(), date(2025, 12, 31).toordinal()]
    codes, labels = data.dimensions["legal_basis"]
    assert [labels[c] for c in codes] == ["AsylbLG", "SGB II", "SGB II"]
    codes, labels = data.dimensions["sex"]
    assert [labels[c] for c in codes] == ["f", "m", "f"]


def test_result_holds_no_pseudonym(tmp_path: Path) -> None:
    data = read_cases(write(tmp_path, "cases.csv", CASES), write(tmp_path, "events.csv", EVENTS))
    dump = repr(data) + repr(data.dimensions) + repr(data.events)
    assert "P-00" not in dump


def test_semicolon_windows_1252_german_dates(tmp_path: Path) -> None:
    text = (
        "case_id;municipality;opened;closed;legal_basis;sex;birth_year;Träger\n"
        "x1;05558004;15.01.2024;31.12.2025;AsylbLG;w;1990;Caritas Coesfeld\n"
        "x2;05558012;1.3.2025;;SGB II;M;;Diakonie Münsterland\n"
    )
    events = "case_id;event;date;detail\nx1;language_course_started;01.02.2025;Stufe Ä\n"
    data = read_cases(
        write(tmp_path, "c.csv", text, "cp1252"), write(tmp_path, "e.csv", events, "cp1252")
    )
    assert list(data.opened) == [date(2024, 1, 15).toordinal(), date(2025, 3, 1).toordinal()]
    assert list(data.closed) == [date(2025, 12, 31).toordinal(), OPEN]
    assert list(data.birth_year) == [1990, 0]
    sex_codes, sex_labels = data.dimensions["sex"]
    assert [sex_labels[c] for c in sex_codes] == ["f", "m"]
    codes, labels = data.dimensions["träger"]
    assert [labels[c] for c in codes] == ["Caritas Coesfeld", "Diakonie Münsterland"]
    assert data.dimension_names == ("sex", "legal_basis", "träger")


def test_utf8_with_bom_and_binary_streams() -> None:
    cases = io.BytesIO(b"\xef\xbb\xbf" + CASES.encode())
    events = io.BytesIO(EVENTS.encode())
    data = read_cases(cases, events)
    assert len(data) == 3


def test_mapping_of_other_headers(tmp_path: Path) -> None:
    text = (
        "Fallnummer;Gemeinde;Beginn;Ende;Rechtskreis;Geschlecht;Geburtsjahr\n"
        "7;05558004;2025-01-01;;SGB II;f;1999\n"
    )
    events = "Fallnummer;Ereignis;Datum;Info\n7;employment_started;2025-05-05;\n"
    mapping = {
        "Fallnummer": "case_id",
        "Gemeinde": "municipality",
        "Beginn": "opened",
        "Ende": "closed",
        "Rechtskreis": "legal_basis",
        "Geschlecht": "sex",
        "Geburtsjahr": "birth_year",
        "Ereignis": "event",
        "Datum": "date",
        "Info": "detail",
    }
    data = read_cases(
        write(tmp_path, "c.csv", text), write(tmp_path, "e.csv", events), mapping=mapping
    )
    assert len(data) == 1
    assert data.event_counts == {"employment_started": 1}


@pytest.mark.parametrize(
    "column", ["Name", "Vorname", "Geburtsdatum", "Adresse", "Telefon", "E-Mail", "first_name"]
)
def test_direct_identifier_column_is_refused(tmp_path: Path, column: str) -> None:
    text = f"case_id,municipality,opened,{column}\n1,05558004,2025-01-01,Secret Value\n"
    with pytest.raises(LoadError) as info:
        read_cases(write(tmp_path, "cases.csv", text), write(tmp_path, "e.csv", EVENTS))
    (finding,) = info.value.findings
    assert finding.code == "direct-identifier"
    assert finding.location.column == column
    assert finding.location.row == 1
    assert "never read" in finding.message
    assert "Secret Value" not in messages(info.value)


def test_broken_rows_give_findings_with_exact_locations(tmp_path: Path) -> None:
    text = (
        "case_id,municipality,opened,closed,legal_basis,sex,birth_year\n"
        "SECRET-1,05558004,2025-02-30,,SGB II,f,1990\n"  # row 2: bad date
        "SECRET-2,5558004,2025-01-01,,SGB II,f,1990\n"  # row 3: AGS not 8 digits
        "SECRET-3,05558004,2025-01-01,,SGB II,f,neunzehn\n"  # row 4: text in a number column
        "SECRET-4,05558004,2025-01-01,2024-01-01,SGB II,x?,1990\n"  # row 5: order + sex
        "SECRET-5,05558004,2025-01-01\n"  # row 6: truncated
        "SECRET-6,05558004,2025-01-01,,SGB II,f,1990\n"  # row 7: fine
        "SECRET-6,05558004,2025-01-01,,SGB II,f,1990\n"  # row 8: duplicate
    )
    events = (
        "case_id,event,date,detail\n"
        "SECRET-6,employment_started,01.13.2025,\n"  # row 2: bad date
        "SECRET-9,employment_started,2025-01-01,\n"  # row 3: unknown case
    )
    with pytest.raises(LoadError) as info:
        read_cases(write(tmp_path, "cases.csv", text), write(tmp_path, "events.csv", events))
    found = {
        (
            f.location.file.rsplit("/", 1)[-1] if f.location.file else None,
            f.location.row,
            f.location.column,
            f.code,
        )
        for f in info.value.findings
    }
    assert found == {
        ("cases.csv", 2, "opened", "invalid-date"),
        ("cases.csv", 3, "municipality", "invalid-value"),
        ("cases.csv", 4, "birth_year", "invalid-value"),
        ("cases.csv", 5, "closed", "invalid-value"),
        ("cases.csv", 5, "sex", "invalid-value"),
        ("cases.csv", 6, None, "wrong-field-count"),
        ("cases.csv", 8, "case_id", "duplicate-case"),
        ("events.csv", 2, "date", "invalid-date"),
        ("events.csv", 3, "case_id", "unknown-case"),
    }
    # case pseudonyms never appear in a message
    assert "SECRET" not in messages(info.value)
    assert "SECRET" not in str(info.value)


# Digits other than 0–9 (here Arabic-Indic and fullwidth) are no digits of an AGS, a date
# or a year of birth: Python's ``\d`` and ``int()`` would take them, and the AGS would
# become a second key beside the same municipality's ASCII one.
NOT_ASCII = {
    "municipality": "\u0660\u0665\u0665\u0665\u0668\u0660\u0660\u0664",  # ٠٥٥٥٨٠٠٤
    "opened": "\uff12\uff10\uff12\uff15-01-01",  # ２０２５-01-01
    "birth_year": "\u0661\u0669\u0669\u0660",  # ١٩٩٠
}


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("column", sorted(NOT_ASCII))
def test_digits_other_than_ascii_are_refused(tmp_path: Path, column: str, fast: bool) -> None:
    row = {
        "case_id": "P-9",
        "municipality": "05558004",
        "opened": "2025-01-01",
        "closed": "",
        "legal_basis": "SGB II",
        "sex": "f",
        "birth_year": "1990",
    }
    good = ",".join(row.values())
    row[column] = NOT_ASCII[column]
    text = ",".join(row) + "\n" + good.replace("P-9", "P-8") + "\n" + ",".join(row.values()) + "\n"
    with pytest.raises(LoadError) as info:
        read_cases(write(tmp_path, "cases.csv", text), options=CaseReadOptions(fast=fast))
    assert [(f.location.row, f.location.column) for f in info.value.findings] == [(3, column)]
    expected = "a date like" if column == "opened" else "AGS" if column == "municipality" else "4"
    assert expected in messages(info.value)


def test_seven_ascii_digits_are_an_ags_that_lost_its_zero(tmp_path: Path) -> None:
    text = "case_id,municipality,opened\nP-1,5558004,2025-01-01\nP-2,555800,2025-01-01\n"
    with pytest.raises(LoadError) as info:
        read_cases(write(tmp_path, "cases.csv", text))
    hints = ["leading zero" in f.message for f in info.value.findings]
    assert hints == [True, False]


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("start", [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_a_workbook_as_the_case_export_is_named_so(
    tmp_path: Path, fast: bool, start: bytes
) -> None:
    """``--cases faelle.xlsx`` (a workbook, or an old .xls) said "die Datei ist kein
    gültiges UTF-8" (found by the hostile tester, as a newcomer would do it): the
    export must be CSV, and the message says how to save it."""
    path = tmp_path / "faelle.xlsx"
    path.write_bytes(start + bytes(range(256)) * 8)
    with pytest.raises(LoadError) as info:
        read_cases(path, options=CaseReadOptions(fast=fast))
    [finding] = info.value.findings
    assert finding.location.file == str(path)
    assert "an Excel workbook (or a ZIP archive), not a CSV file" in finding.message
    assert "UTF-8 (comma delimited)" in finding.message


@pytest.mark.parametrize("fast", [False, True])
def test_a_place_name_instead_of_an_ags_is_refused_naming_the_ags(
    tmp_path: Path, fast: bool
) -> None:
    """A name is not looked up (namesakes would be counted in the wrong place): the
    finding names the AGS to write, or how to find it; a cell that is no official name
    gets the plain message, so no other text of the export is quoted."""
    cells = [
        "Dülmen", "Stadt Coesfeld", "Hausen", "Kreis Coesfeld", "SYN-0042", "Neustadt",
        "Neukölln",  # a Bezirk of Berlin: its cases have Berlin's AGS (found by a newcomer)
    ]  # fmt: skip
    rows = "".join(f"P-{i},{cell},2025-01-01\n" for i, cell in enumerate(cells))
    path = write(tmp_path, "cases.csv", "case_id,municipality,opened\n" + rows)
    with pytest.raises(LoadError) as info:
        read_cases(path, options=CaseReadOptions(fast=fast))
    found = [f.message.partition("Gemeindeschlüssel)")[2] for f in info.value.findings]
    assert found == [
        ", not a place name: Dülmen (Kreis Coesfeld, Nordrhein-Westfalen) has the AGS 05558016",
        ", not a place name: Coesfeld (Kreis Coesfeld, Nordrhein-Westfalen) has the AGS 05558012",
        ", not a place name: 5 Gemeinden are called Hausen; 'kommunale-integration "
        "territories find Hausen' lists their AGS",
        " of a Stadt or Gemeinde, not the name of a Kreis (Kreis Coesfeld, AGS 05558)",
        "",
        "",
        ", not a place name: Neukölln is a Bezirk of Berlin, whose cases have the city's "
        "AGS 11000000",
    ]
    assert "SYN" not in messages(info.value)


def test_events_before_the_case_was_opened_count(tmp_path: Path) -> None:
    """A course can start before the case is opened (the person comes to the case
    management later): such an event is kept and counted in the period of its date
    (documented in docs/data-protection.rst, "What is read")."""
    cases = "case_id,municipality,opened\nP-1,05558004,2025-06-01\n"
    events = "case_id,event,date\nP-1,language_course_started,2025-02-10\n"
    data = read_cases(write(tmp_path, "cases.csv", cases), write(tmp_path, "events.csv", events))
    table = compute_indicators(None, data, periods=["2025-Q1", "2025-Q2"], disclosure=None)
    assert table.get("language_course_starts", "2025-Q1", "05558004").value == 1
    assert table.get("active_cases", "2025-Q1", "05558004").value == 0
    assert table.get("language_course_starts", "2025-Q2", "05558004").value == 0


@pytest.mark.parametrize("fast", [False, True])
def test_an_implausible_date_is_refused_naming_file_row_and_column(
    tmp_path: Path, fast: bool
) -> None:
    """A date before 1950 (a date of birth in the wrong column, a typo) or more than a
    year ahead (a typo, 31.12.9999 for "still open") would count a case as active for
    decades or an event never: refused by both readers, with file, row and column and
    what was expected, in the language of the messages; the cell is not quoted."""
    from kommunale_integration._cases import plausible_days
    from kommunale_integration._i18n import using_language

    first, last = (date.fromordinal(day) for day in plausible_days())
    ahead = date.fromordinal(last.toordinal() + 1)
    cases = (
        "case_id,municipality,opened,closed\n"
        "P-1,05558004,2025-01-01,\n"
        f"P-2,05558004,{first:%d.%m.%Y},{last.isoformat()}\n"  # the edges are plausible
        "P-3,05558004,14.07.1899,\n"
        "P-4,05558004,2025-01-01,9999-12-31\n"
        f"P-5,05558004,{ahead.isoformat()},\n"
    )
    events = (
        "case_id,event,date\n"
        "P-1,language_course_started,2025-02-10\n"
        "P-1,employment_started,1949-12-31\n"
    )
    with pytest.raises(LoadError) as info:
        read_cases(
            write(tmp_path, "cases.csv", cases),
            write(tmp_path, "events.csv", events),
            options=CaseReadOptions(fast=fast),
        )
    where = [(f.code, f.location.row, f.location.column) for f in info.value.findings]
    assert where == [
        ("invalid-date", 4, "opened"),
        ("invalid-date", 5, "closed"),
        ("invalid-date", 6, "opened"),
        ("invalid-date", 3, "date"),
    ]
    assert {Path(f.location.file or "").name for f in info.value.findings} == {
        "cases.csv",
        "events.csv",
    }
    finding = info.value.findings[0]
    assert finding.message.startswith(f"expected a date from 1950-01-01 to {last.isoformat()}")
    assert "1899" not in messages(info.value)
    with using_language("de"), pytest.raises(LoadError) as german:
        read_cases(write(tmp_path, "cases.csv", cases), options=CaseReadOptions(fast=fast))
    assert german.value.findings[0].message.startswith("erwartet ein Datum vom 1950-01-01 bis")
    good = cases.replace("1899", "2019").replace("9999", "2025").replace(ahead.isoformat(), "")
    good = good.replace("P-5,05558004,,", "P-5,05558004,2025-05-05,")
    events = events.replace("1949", "2025")
    data = read_cases(
        write(tmp_path, "cases.csv", good),
        write(tmp_path, "events.csv", events),
        options=CaseReadOptions(fast=fast),
    )
    assert len(data) == 5


@pytest.mark.parametrize("fast", [False, True])
def test_an_implausible_year_of_birth_is_refused_naming_file_row_and_column(
    tmp_path: Path, fast: bool
) -> None:
    """``birth_year`` took any 4 digits (0001, 9999): a year before 1900 or after the year
    of reading is a typo or a placeholder and would put a person into an age group that
    does not exist. Refused like an implausible date, by both readers, with file, row and
    column; the cell is never quoted (a year of birth is personal data)."""
    from kommunale_integration._cases import plausible_birth_years
    from kommunale_integration._i18n import using_language

    first, last = plausible_birth_years()
    assert first == 1900
    assert last == date.today().year  # noqa: DTZ011 - a calendar day
    cases = (
        "case_id,municipality,opened,closed,birth_year\n"
        f"P-1,05558004,2025-01-01,,{first}\n"  # the edges are plausible
        f"P-2,05558004,2025-01-01,,{last}\n"
        "P-3,05558004,2025-01-01,,0001\n"
        "P-4,05558004,2025-01-01,,9999\n"
        "P-5,05558004,2025-01-01,,1899\n"
        f"P-6,05558004,2025-01-01,,{last + 1}\n"
        "P-7,05558004,2025-01-01,,\n"  # unknown
    )
    with pytest.raises(LoadError) as info:
        read_cases(write(tmp_path, "cases.csv", cases), options=CaseReadOptions(fast=fast))
    where = [
        (Path(f.location.file or "").name, f.code, f.location.row, f.location.column)
        for f in info.value.findings
    ]
    assert where == [("cases.csv", "invalid-value", row, "birth_year") for row in (4, 5, 6, 7)]
    text = messages(info.value)
    assert info.value.findings[0].message.startswith(
        f"expected a year of birth from 1900 to {last}"
    )
    for cell in ("0001", "1899", str(last + 1)):
        assert cell not in text
    with using_language("de"), pytest.raises(LoadError) as german:
        read_cases(write(tmp_path, "cases.csv", cases), options=CaseReadOptions(fast=fast))
    assert german.value.findings[0].message.startswith(
        f"erwartet ein Geburtsjahr von 1900 bis {last}"
    )
    good = "\n".join(cases.splitlines()[:3] + cases.splitlines()[-1:]) + "\n"
    data = read_cases(write(tmp_path, "cases.csv", good), options=CaseReadOptions(fast=fast))
    assert list(data.birth_year) == [first, last, 0]


def test_missing_required_column(tmp_path: Path) -> None:
    text = "case_id,opened\n1,2025-01-01\n"
    with pytest.raises(LoadError) as info:
        read_cases(write(tmp_path, "cases.csv", text), write(tmp_path, "events.csv", EVENTS))
    assert [(f.code, f.location.column) for f in info.value.findings] == [
        ("missing-column", "municipality")
    ]


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    rows = "".join(f"c{i},05558004,2025-01-01,,SGB II,f,1990\n" for i in range(5000))
    raw = (CASES.splitlines()[0] + "\n" + rows).encode() + b"bad\xff\xfe,05558004,2025-01-01,,,f,\n"
    path = tmp_path / "cases.csv"
    path.write_bytes(raw)
    with pytest.raises(LoadError) as info:
        read_cases(path, encoding="utf-8")
    (finding,) = info.value.findings
    assert finding.code == "invalid-encoding"
    assert finding.location.row == 5002


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_export_is_refused_saying_so(tmp_path: Path, fast: bool, encoding: str) -> None:
    """Excel's "Unicode-Text" is UTF-16 with a byte order mark: named as such (it was
    read as Windows-1252 and its header reported as "ÿþc\x00a\x00s…")."""
    text = CASES.replace(",", "\t")
    data = ("\ufeff" + text).encode(encoding) if encoding.endswith("be") else text.encode(encoding)
    path = write(tmp_path, "cases.csv", "")
    path.write_bytes(data)
    with pytest.raises(LoadError) as info:
        read_cases(path, options=CaseReadOptions(fast=fast))
    (finding,) = info.value.findings
    assert (finding.code, finding.location.row) == ("invalid-encoding", 1)
    assert "UTF-16" in finding.message
    assert "CSV UTF-8" in finding.message


def test_a_mixed_encoding_export_is_refused_as_the_loaders_refuse_it(tmp_path: Path) -> None:
    """One encoding rule (``_text.detect_encoding``): UTF-8 with a Windows-1252 byte is
    an error for the case reader as for every loader, never silently read as cp1252."""
    from kommunale_integration._text import EncodingProblem, decode

    raw = CASES.replace("P-001", "Pö-001").encode() + b"P-\xe45,05558004,2025-01-01,,,f,\n"
    with pytest.raises(EncodingProblem) as problem:
        decode(raw)
    assert problem.value.key == "mixed-encoding"
    path = tmp_path / "cases.csv"
    path.write_bytes(raw)
    with pytest.raises(LoadError) as info:
        read_cases(path)
    (finding,) = info.value.findings
    assert finding.code == "invalid-encoding"
    assert finding.location.row == raw.count(b"\n")


@given(st.text(max_size=40), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_sniffing_the_beginning_agrees_with_the_whole_file(text: str, encoding: str) -> None:
    """The streaming case reader sniffs the first bytes, the loaders read the whole file:
    both name the same encoding (a beginning that ends in a line, as a sniffed head of
    rows does), and text read back is the text written."""
    from kommunale_integration._text import decode, detect_encoding

    text += "\n"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    assert detect_encoding(data, final=False) == detect_encoding(data)
    if encoding != "cp1252" or text.isascii() or detect_encoding(data) == "cp1252":
        assert decode(data) == text


def test_unterminated_quote_is_reported(tmp_path: Path) -> None:
    text = CASES + 'P-009,05558004,"2025-01-01'
    with pytest.raises(LoadError) as info:
        read_cases(write(tmp_path, "cases.csv", text))
    assert [f.code for f in info.value.findings] == ["invalid-csv"]


def test_missing_file_is_a_finding(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        read_cases(tmp_path / "nope.csv")
    assert info.value.findings[0].code == "unreadable-file"


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        read_cases(write(tmp_path, "cases.csv", ""))
    assert info.value.findings[0].code == "empty-file"


def test_findings_are_capped(tmp_path: Path) -> None:
    rows = "".join(f"c{i},05558004,kaputt,,SGB II,f,1990\n" for i in range(50))
    with pytest.raises(LoadError) as info:
        read_cases(
            write(tmp_path, "cases.csv", CASES.splitlines()[0] + "\n" + rows),
            options=CaseReadOptions(max_findings=10),
        )
    assert len(info.value.findings) == 11
    assert info.value.findings[-1].code == "too-many-findings"
    assert "40" in info.value.findings[-1].message


def test_inputs_are_not_modified(tmp_path: Path) -> None:
    cases = write(tmp_path, "cases.csv", CASES)
    events = write(tmp_path, "events.csv", EVENTS)
    before = (cases.read_bytes(), events.read_bytes())
    read_cases(cases, events)
    assert (cases.read_bytes(), events.read_bytes()) == before


def test_from_records_matches_reader(tmp_path: Path) -> None:
    data = CaseData.from_records(
        [
            {"case_id": "a", "municipality": "05558004", "opened": date(2025, 1, 1)},
            {
                "case_id": "b",
                "municipality": "05558008",
                "opened": "2025-02-01",
                "closed": date(2025, 2, 2),
                "sex": "m",
            },
        ],
        [{"case_id": "b", "event": "employment_started", "date": date(2025, 2, 2)}],
    )
    assert len(data) == 2
    assert list(data.closed) == [OPEN, date(2025, 2, 2).toordinal()]
    assert data.event_counts == {"employment_started": 1}
    with pytest.raises(LoadError):
        CaseData.from_records([{"case_id": "a", "municipality": "x", "opened": "2025-01-01"}])


def test_shared_hash_falls_back_to_exact_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kommunale_integration._cases as cases_module

    # every pseudonym gets the same hash: the reader must notice and use the ids
    monkeypatch.setattr(cases_module, "hash", lambda text: 7, raising=False)
    data = read_cases(io.BytesIO(CASES.encode()), io.BytesIO(EVENTS.encode()))
    assert len(data) == 3
    cases, _ = data.events["employment_started"]
    assert list(cases) == [1]
    assert list(data.events["language_course_started"][0]) == [0, 2]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_not_read_for_ever() -> None:
    """``--cases /dev/zero`` ran until it was killed (its size is 0 and it never ends);
    a device is refused with a finding, in a child process so that a hang fails."""
    import subprocess
    import sys

    code = (
        "from kommunale_integration import LoadError, read_cases\n"
        "try:\n"
        "    read_cases('/dev/zero', '/dev/zero')\n"
        "except LoadError as error:\n"
        "    print([(f.code, f.location.file) for f in error.findings])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == str([("unreadable-file", "/dev/zero")])


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named(tmp_path: Path, fast: bool, codec: str) -> None:
    """UTF-16 without a byte order mark (``iconv -t utf-16le``) was read as UTF-8: the
    header "c a s e _ i d" with NUL bytes went into three messages of missing columns.
    Now the one message for UTF-16, as with a byte order mark."""
    cases = tmp_path / "cases.csv"
    cases.write_bytes(CASES.encode(codec))
    with pytest.raises(LoadError) as info:
        read_cases(cases, options=CaseReadOptions(fast=fast))
    [finding] = info.value.findings
    assert finding.code == "invalid-encoding"
    assert "UTF-16" in finding.message
    assert "\0" not in messages(info.value)


@pytest.mark.parametrize("fast", [False, True])
def test_two_headers_mapped_to_one_column_are_named_together(tmp_path: Path, fast: bool) -> None:
    """A mapping of "Fall" and "Nr" both to case_id said "the column "Nr" appears twice",
    of a file in which every header appears once."""
    cases = write(
        tmp_path,
        "cases.csv",
        "Fall,Nr,municipality,opened,closed\nA,B,05558004,2025-01-01,\n",
    )
    mapping = {"Fall": "case_id", "Nr": "case_id"}
    with pytest.raises(LoadError) as info:
        read_cases(cases, mapping=mapping, options=CaseReadOptions(fast=fast))
    [finding] = info.value.findings
    assert finding.code == "duplicate-column"
    assert finding.message.startswith(
        'the columns "Fall" and "Nr" both stand for the column case_id'
    )
    # a header that is really there twice keeps its own message
    twice = write(
        tmp_path, "twice.csv", "case_id,case_id,municipality,opened\nA,B,05558004,2025-01-01\n"
    )
    with pytest.raises(LoadError) as info:
        read_cases(twice, options=CaseReadOptions(fast=fast))
    assert info.value.findings[0].message == 'the column "case_id" appears twice'


@pytest.mark.parametrize("fast", [False, True])
def test_a_required_column_mapped_away_is_named_with_the_mapping(
    tmp_path: Path, fast: bool
) -> None:
    """A mapping "case_id: name" (the two sides swapped) was refused with "the required
    column "case_id" is missing (columns found: case_id, …)": the column it said was
    missing stood in the list of those found. The message says what the mapping did."""
    cases = write(tmp_path, "cases.csv", "case_id,municipality,opened\nA,05558004,2025-01-01\n")
    with pytest.raises(LoadError) as info:
        read_cases(cases, mapping={"case_id": "name"}, options=CaseReadOptions(fast=fast))
    [finding] = info.value.findings
    assert finding.code == "missing-column"
    assert finding.message.endswith('; the mapping makes the column "case_id" the column "name"')


# --------------------------------------------------------------------------- ends of the rules
# (pinned by a mutation run of _cases.py against this file, fifteenth session)


@pytest.mark.parametrize("fast", [False, True])
def test_a_case_closed_on_the_day_it_opened_is_read_one_closed_before_is_not(
    tmp_path: Path, fast: bool
) -> None:
    header = "case_id,municipality,opened,closed,legal_basis,sex,birth_year\n"
    same = write(tmp_path, "same.csv", header + "A,05558004,2025-03-01,2025-03-01,SGB II,f,1990\n")
    data = read_cases(same, options=CaseReadOptions(fast=fast))
    assert list(data.closed) == [date(2025, 3, 1).toordinal()]
    before = write(
        tmp_path, "before.csv", header + "A,05558004,2025-03-01,2025-02-28,SGB II,f,1990\n"
    )
    with pytest.raises(LoadError) as info:
        read_cases(before, options=CaseReadOptions(fast=fast))
    [finding] = info.value.findings
    assert (finding.code, finding.location.row, finding.location.column) == (
        "invalid-value",
        2,
        "closed",
    )
    assert "closed before it was opened" in finding.message


@pytest.mark.parametrize("fast", [False, True])
def test_a_case_without_a_birth_year_has_none(tmp_path: Path, fast: bool) -> None:
    header = "case_id,municipality,opened,closed,legal_basis,sex,birth_year\n"
    path = write(tmp_path, "cases.csv", header + "A,05558004,2025-03-01,,SGB II,f,\n")
    assert list(read_cases(path, options=CaseReadOptions(fast=fast)).birth_year) == [0]
    without = write(tmp_path, "without.csv", "case_id,municipality,opened\nA,05558004,2025-03-01\n")
    assert list(read_cases(without, options=CaseReadOptions(fast=fast)).birth_year) == [0]


@pytest.mark.parametrize("fast", [False, True])
def test_a_repeated_header_is_named_in_the_header_row_by_its_place(
    tmp_path: Path, fast: bool
) -> None:
    """Without a header row (the first row looks like data) a header is named by its
    place counted from the left, from 1; the finding is in row 1."""
    path = write(
        tmp_path, "cases.csv", "case_id,municipality,opened,opened\nA,05558004,2025-03-01,x\n"
    )
    with pytest.raises(LoadError) as info:
        read_cases(path, options=CaseReadOptions(fast=fast))
    [finding] = info.value.findings
    assert (finding.code, finding.location.row) == ("duplicate-column", 1)
    assert finding.message == 'the column "opened" appears twice'


@pytest.mark.parametrize("fast", [False, True])
def test_a_repeated_cell_of_a_missing_header_row_is_named_by_its_place_from_one(
    tmp_path: Path, fast: bool
) -> None:
    path = write(
        tmp_path, "cases.csv", "X1,05558004,2025-03-01,2025-03-01\nX2,05558004,2025-03-01,\n"
    )
    with pytest.raises(LoadError) as info:
        read_cases(path, options=CaseReadOptions(fast=fast))
    first = info.value.findings[0]
    assert (first.code, first.location.row, first.location.column) == ("duplicate-column", 1, None)
    assert first.message == "the column 4 (counted from the left) appears twice"
    assert "2025-03-01" not in messages(info.value)  # (a data row's cells are not quoted)


@pytest.mark.parametrize("fast", [False, True])
def test_row_by_row_a_same_day_close_is_read_and_a_missing_birth_year_is_none(
    tmp_path: Path, fast: bool
) -> None:
    """The same rules where a chunk of rows is read row by row (an AGS with a space
    before it sends it there)."""
    path = write(
        tmp_path,
        "cases.csv",
        "case_id,municipality,opened,closed\n"
        "A,05558004,2025-03-01,2025-03-01\n"
        "B, 05558004,2025-03-02,\n",
    )
    data = read_cases(path, options=CaseReadOptions(fast=fast))
    assert list(data.closed) == [date(2025, 3, 1).toordinal(), OPEN]
    assert list(data.birth_year) == [0, 0]
    assert data.municipalities == ("05558004",)


HEAD7 = "case_id,municipality,opened,closed,legal_basis,sex,birth_year\n"


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a case id twice in one chunk, or empty
        (
            "A,05558004,2025-03-01,,SGB II,f,1990\nA,05558004,2025-03-02,,SGB II,f,1990\n",
            [("duplicate-case", 3, "case_id")],
        ),
        (
            "A,05558004,2025-03-01,,SGB II,f,1990\n,05558004,2025-03-02,,SGB II,f,1990\n",
            [("missing-value", 3, "case_id")],
        ),
        # a sex, a birth year, a municipality, an opening day that is none
        (
            "A,05558004,2025-03-01,,SGB II,f,1990\nB,05558004,2025-03-02,,SGB II,q,1990\n",
            [("invalid-value", 3, "sex")],
        ),
        (
            "A,05558004,2025-03-01,,SGB II,f,1990\nB,05558004,2025-03-02,,SGB II,f,19x0\n",
            [("invalid-value", 3, "birth_year")],
        ),
        (
            "A,05558004,2025-03-01,,SGB II,f,1990\nB,0555800,2025-03-02,,SGB II,f,1990\n",
            [("invalid-value", 3, "municipality")],
        ),
        (
            "A,05558004,2025-03-01,,SGB II,f,1990\nB,05558004,2025-02-30,,SGB II,f,1990\n",
            [("invalid-date", 3, "opened")],
        ),
    ],
)
def test_every_rule_of_a_row_holds_in_a_chunk_of_rows(
    tmp_path: Path, fast: bool, rows: str, expected: list[tuple[str, int, str]]
) -> None:
    """A chunk of rows is read as columns at once and only row by row when a cell
    breaks a rule: each rule sends it there (the reader without pyarrow too)."""
    path = write(tmp_path, "cases.csv", HEAD7 + rows)
    with pytest.raises(LoadError) as info:
        read_cases(path, options=CaseReadOptions(fast=fast))
    found = [(f.code, f.location.row, f.location.column) for f in info.value.findings]
    assert found == expected


@pytest.mark.parametrize("fast", [False, True])
def test_a_chunk_without_sex_and_birth_year_columns_reads_unknown_and_none(
    tmp_path: Path, fast: bool
) -> None:
    path = write(
        tmp_path,
        "cases.csv",
        "case_id,municipality,opened\nA,05558004,2025-03-01\nB,05558004,2025-03-02\n",
    )
    data = read_cases(path, options=CaseReadOptions(fast=fast))
    codes, labels = data.dimensions["sex"]
    assert [labels[c] for c in codes] == ["unknown", "unknown"]
    codes, labels = data.dimensions["legal_basis"]
    assert [labels[c] for c in codes] == ["unknown", "unknown"]
    assert list(data.birth_year) == [0, 0]
    assert list(data.closed) == [OPEN, OPEN]


@pytest.mark.parametrize("fast", [False, True])
def test_a_chunk_keeps_its_legal_bases_and_an_empty_one_is_unknown(
    tmp_path: Path, fast: bool
) -> None:
    path = write(
        tmp_path,
        "cases.csv",
        HEAD7 + "A,05558004,2025-03-01,,SGB II,f,1990\nB,05558004,2025-03-02,, ,m,1991\n",
    )
    codes, labels = read_cases(path, options=CaseReadOptions(fast=fast)).dimensions["legal_basis"]
    assert [labels[c] for c in codes] == ["SGB II", "unknown"]


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize(
    ("cell", "hint"), [("5558004", True), ("555800412", False), ("555800A", False)]
)
def test_only_a_municipality_one_digit_short_is_asked_for_a_lost_zero(
    tmp_path: Path, fast: bool, cell: str, hint: bool
) -> None:
    path = write(tmp_path, "cases.csv", f"case_id,municipality,opened\nA,{cell},2025-03-01\n")
    with pytest.raises(LoadError) as info:
        read_cases(path, options=CaseReadOptions(fast=fast))
    [finding] = info.value.findings
    assert (finding.code, finding.location.row, finding.location.column) == (
        "invalid-value",
        2,
        "municipality",
    )
    assert "expected an 8-digit AGS" in finding.message
    assert ("a leading zero lost?" in finding.message) is hint


@pytest.mark.parametrize("fast", [False, True])
def test_an_event_name_is_read_without_the_spaces_around_it(tmp_path: Path, fast: bool) -> None:
    cases = write(tmp_path, "cases.csv", "case_id,municipality,opened\nA,05558004,2025-03-01\n")
    events = write(
        tmp_path,
        "events.csv",
        "case_id,event,date\n"
        "A,language_course_started,2025-03-02\n"
        "A, language_course_started ,2025-03-03\n",
    )
    data = read_cases(cases, events, options=CaseReadOptions(fast=fast))
    assert data.event_counts == {"language_course_started": 2}
    empty = write(
        tmp_path,
        "empty.csv",
        "case_id,event,date\nA,language_course_started,2025-03-02\nA, ,2025-03-03\n",
    )
    with pytest.raises(LoadError) as info:
        read_cases(cases, empty, options=CaseReadOptions(fast=fast))
    found = [(f.code, f.location.row, f.location.column) for f in info.value.findings]
    assert found == [("missing-value", 3, "event")]
    bare = write(tmp_path, "bare.csv", "case_id,event,date\nA,x,2025-03-02\nA,,2025-03-03\n")
    with pytest.raises(LoadError) as info:
        read_cases(cases, bare, options=CaseReadOptions(fast=fast))
    found = [(f.code, f.location.row, f.location.column) for f in info.value.findings]
    assert found == [("missing-value", 3, "event")]
