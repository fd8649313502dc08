"""Fuzzing the table readers: any CSV or XLSX gives model objects or a LoadError.

CSV in every dialect (``,`` ``;`` tab; UTF-8, UTF-8 with BOM, Windows-1252), arbitrary
bytes, mutated and truncated valid tables; XLSX as damaged ZIP bytes and as valid
workbooks full of hostile cell values. Never another exception, never a hang: inputs
are small, and the huge ones (a zip bomb, a very long line, many columns) are refused
or read within the loaders' limits.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki

_FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
KINDS = [k.value for k in ki.TableKind]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kreis_coesfeld"
TERRITORIES = (ki.Territory(ags="05558012", name="Coesfeld", kind=ki.TerritoryKind.TOWN),)


def outcome(path: Path, kind: str, **kwargs: Any) -> tuple[Any, ...] | ki.LoadError:
    """Read *path*; the result must be a tuple of model objects or a LoadError with findings."""
    failure: ki.LoadError | None = None
    try:
        items = ki.read_table(path, kind, territories=TERRITORIES, **kwargs)
    except ki.LoadError as error:
        failure = error
    if failure is None:
        assert isinstance(items, tuple)
        return items
    assert failure.findings
    for finding in failure.findings:
        assert finding.code in ki.LOAD_FINDING_CODES, finding.code
        assert finding.message
        assert isinstance(finding.severity, ki.Severity)
    assert any(f.severity is ki.Severity.ERROR for f in failure.findings)
    return failure


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tables")


# --------------------------------------------------------------------------- CSV

HEADERS = sorted({c.header for cols in ki.TABLE_COLUMNS.values() for c in cols})
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "31.12.2016",
            "2016-02-30",
            "1.234,56",
            "1,234.56",
            "-0",
            "1e400",
            "NaN",
            "=1+2",
            "'=1+2",
            "ja",
            "x",
            "[",
            '{"a": [1, {"b": null}]}',
            "[" * 200,
            "2016-12-31 laufend: x\n2017-01-01 zzz",
            "\ufeff",
            "\x00",
            '"',
            "05558012",
            "Coesfeld",
            "all",
        ]
    ),
)


@st.composite
def csv_tables(draw: st.DrawFn) -> tuple[bytes, str]:
    kind = draw(st.sampled_from(KINDS))
    own = [c.header for c in ki.TABLE_COLUMNS[ki.TableKind(kind)]]
    header = draw(st.lists(st.sampled_from(own + HEADERS + ["", "Extra"]), min_size=1, max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=6))
    quote = draw(st.booleans())

    def cell(text: str) -> str:
        if quote or any(c in text for c in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(delimiter.join(cell(c) for c in row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace"), kind


@_FUZZ
@given(csv_tables())
def test_generated_csv_in_every_dialect(tmp: Path, table: tuple[bytes, str]) -> None:
    data, kind = table
    outcome(write(tmp, "t.csv", data), kind)


@_FUZZ
@given(st.binary(max_size=600), st.sampled_from(KINDS), st.sampled_from([".csv", ".tsv", ".txt"]))
def test_arbitrary_bytes_as_csv(tmp: Path, data: bytes, kind: str, suffix: str) -> None:
    outcome(write(tmp, f"t{suffix}", data), kind)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """*data* with a few random edits: flip, delete, insert, duplicate, truncate."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 5))):
        if not out:
            break
        kind = draw(st.sampled_from(["flip", "delete", "insert", "copy", "cut", "special"]))
        at = draw(st.integers(0, len(out) - 1))
        if kind == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 16))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "copy":
            end = min(len(out), at + draw(st.integers(1, 200)))
            out[at:at] = out[at:end]
        elif kind == "cut":
            del out[at:]
        else:
            out[at:at] = draw(st.sampled_from([b'"', b";", b",", b"\t", b"\r", b"\n", b"\xff"]))
    return bytes(out)


EXAMPLE_TABLES = {
    "akteure.csv": "actors",
    "angebote.csv": "offers",
    "kontakte.csv": "contacts",
}


@_FUZZ
@given(st.data(), st.sampled_from(sorted(EXAMPLE_TABLES)))
def test_mutated_example_tables(tmp: Path, data: st.DataObject, name: str) -> None:
    original = (EXAMPLE / name).read_bytes()
    damaged = data.draw(mutated(original[:4000]))
    actors = None
    if name != "akteure.csv":
        actors = ki.read_table(EXAMPLE / "akteure.csv", "actors", territories=TERRITORIES)
    outcome(write(tmp, name, damaged), EXAMPLE_TABLES[name], actors=actors)


@_FUZZ
@given(st.integers(0, 5000), st.sampled_from(sorted(EXAMPLE_TABLES)))
def test_truncated_example_tables(tmp: Path, cut: int, name: str) -> None:
    original = (EXAMPLE / name).read_bytes()
    result = outcome(write(tmp, name, original[:cut]), EXAMPLE_TABLES[name])
    if isinstance(result, ki.LoadError) and original[:cut].count(b'"') % 2:
        codes = {f.code for f in result.findings}
        # cut inside a quoted cell, or inside a multi-byte character
        expected = {"truncated-file", "invalid-encoding"}
        assert codes & {*expected, "missing-value", "invalid-value", "unknown-reference"}


def test_very_long_line_and_many_columns(tmp: Path) -> None:
    long_cell = b"ID;Name;Beschreibung\na;A;" + b"x" * 3_000_000 + b"\n"
    result = outcome(write(tmp, "long.csv", long_cell), "actors")
    assert isinstance(result, ki.LoadError)
    wide = b";".join([b"ID", b"Name", *(b"c%d" % i for i in range(2_000))])
    row = b";".join([b"a", b"A", *(b"v" for _ in range(2_000))])
    result = outcome(write(tmp, "wide.csv", wide + b"\n" + row + b"\n"), "actors")
    assert isinstance(result, tuple)
    assert len(result) == 1
    # a 4 MB line of 2 million empty columns is refused at once, not read column by column
    no_newline = b"ID;Name\n" + b"a;" * 2_000_000
    result = outcome(write(tmp, "noline.csv", no_newline), "actors")
    assert isinstance(result, ki.LoadError)
    assert "16384" in str(result) or "16.384" in str(result)


def test_row_and_size_limits(tmp: Path) -> None:
    many = b"ID;Name\n" + b"".join(b"a%d;A\n" % i for i in range(2000))
    result = outcome(write(tmp, "many.csv", many), "actors", options=ki.LoadOptions(max_rows=100))
    assert isinstance(result, ki.LoadError)
    assert result.findings[0].code == "too-many-rows"
    result = outcome(
        write(tmp, "big.csv", many), "actors", options=ki.LoadOptions(max_file_bytes=99)
    )
    assert isinstance(result, ki.LoadError)
    assert result.findings[0].code == "file-too-large"


# --------------------------------------------------------------------------- XLSX


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    actors = ki.read_table(EXAMPLE / "akteure.csv", "actors", territories=TERRITORIES)
    folder = Path(tmp_path_factory.mktemp("workbook"))
    return ki.write_table(actors[:5], folder / "akteure.xlsx", "actors").read_bytes()


@_FUZZ
@given(st.data())
def test_mutated_workbook_bytes(tmp: Path, workbook: bytes, data: st.DataObject) -> None:
    outcome(write(tmp, "akteure.xlsx", data.draw(mutated(workbook))), "actors")


@_FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_xlsx(tmp: Path, data: bytes) -> None:
    outcome(write(tmp, "t.xlsx", b"PK\x03\x04" + data), "actors")
    outcome(write(tmp, "u.xlsx", data), "offers")


@st.composite
def zip_members(draw: st.DrawFn) -> bytes:
    """A ZIP with workbook-like member names whose contents are fuzzed XML or bytes."""
    buffer = io.BytesIO()
    names = ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
             "xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/sharedStrings.xml"]  # fmt: skip
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=6)):
            content = draw(
                st.one_of(
                    st.binary(max_size=100),
                    st.sampled_from(
                        [
                            b"<?xml version='1.0'?><x/>",
                            b"<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'>"
                            b"<!ENTITY b '&a;&a;&a;&a;'>]><x>&b;</x>",
                            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
                            b"<worksheet><sheetData><row><c t='s'><v>99</v></c></row>"
                            b"</sheetData></worksheet>",
                        ]
                    ),
                )
            )
            archive.writestr(name, content)
    return buffer.getvalue()


@_FUZZ
@given(zip_members())
def test_workbook_like_archives(tmp: Path, data: bytes) -> None:
    result = outcome(write(tmp, "z.xlsx", data), "actors")
    assert "root:" not in str(result)  # no external entity was resolved


HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.times().map(lambda t: t.replace(tzinfo=None)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.sampled_from(["=1+2", '=HYPERLINK("http://x")', "@SUM(A1)", "-1", "'=x", "#REF!"]),
)


@_FUZZ
@given(
    st.lists(st.sampled_from([*HEADERS, "", "Extra"]), min_size=1, max_size=6),
    st.lists(st.lists(HOSTILE_VALUES, max_size=7), max_size=5),
    st.integers(0, 3),
)
def test_valid_workbooks_with_hostile_cells(
    tmp: Path, header: list[str], rows: list[list[Any]], blank_rows: int
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for _ in range(blank_rows):
        sheet.append([None])
    sheet.append(header)
    for row in rows:
        sheet.append([v.isoformat() if isinstance(v, time) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    for kind in ("actors", "observations", "measures"):
        outcome(write(tmp, "h.xlsx", buffer.getvalue()), kind)


def test_zip_bomb_with_huge_declared_size_is_refused(tmp: Path) -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(300):
            entry.write(b"\0" * 1_000_000)
    data = buffer.getvalue()
    assert len(data) < 1_000_000
    result = outcome(write(tmp, "bomb.xlsx", data), "actors")
    assert isinstance(result, ki.LoadError)
    assert [f.code for f in result.findings] == ["file-too-large"]
