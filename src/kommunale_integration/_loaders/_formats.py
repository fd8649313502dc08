"""Reading and writing the rows of CSV and XLSX files.

CSV: UTF-8 (with or without BOM) or Windows-1252, delimiter ``,``, ``;`` or tab
detected from the header line, blank rows ignored, a file ending inside a quoted cell
is reported as truncated. XLSX (extra ``excel``): the first visible worksheet (hidden
sheets before it are named in a ``hidden-sheet`` warning), read with
openpyxl in read-only mode after the ZIP directory has been checked for absurd sizes.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any, Final

from .._errors import OutputError, Severity, foreign_text, require_extra, shown
from .._i18n import tr
from .._text import is_workbook
from ._common import Collector, decode_text
from ._tables import TableRows

__all__ = [
    "csv_bytes",
    "detect_delimiter",
    "read_csv_rows",
    "read_xlsx_rows",
    "xlsx_bytes",
    "xlsx_rows",
]

_DELIMITERS = (";", ",", "\t")
_MAX_COLUMNS = 16_384  # the columns of an Excel worksheet (A to XFD)
_MAX_SHEET_ROWS = 1_048_576  # the rows of an Excel worksheet
_SINGLE_COLUMN = "\x1f"


def detect_delimiter(text: str) -> str:
    """Return the delimiter (``;``, ``,`` or tab) used most in the header line.

    Only the header decides (a comma inside a name in a data row must not). A header of
    a single column gives the ASCII unit separator, which splits nothing: the file is
    read as one column.
    """
    for line in text.splitlines():
        if line.strip():
            bare = re.sub(r'"[^"]*"', "", line)
            counts = {d: bare.count(d) for d in _DELIMITERS}
            best = max(_DELIMITERS, key=lambda d: counts[d])
            return best if counts[best] else _SINGLE_COLUMN
    return ","


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _blank(cells: Sequence[Any]) -> bool:
    return all(_empty(c) for c in cells)


def _trimmed(cells: Sequence[Any]) -> list[Any]:
    """The cells without the empty ones at the end (Excel pads rows to the used range)."""
    end = len(cells)
    while end and _empty(cells[end - 1]):
        end -= 1
    return list(cells[:end])


def read_csv_rows(data: bytes, display: str, collector: Collector) -> TableRows | None:
    """Read the rows of a CSV file; record findings and return None when unusable."""
    if is_workbook(data):  # akteure.xlsx saved as akteure.csv: "invalid UTF-8" said nothing
        collector.add("unreadable-file", "workbook-as-csv", file=display)
        return None
    text = decode_text(data, display, collector)
    if text is None:
        return None
    delimiter = detect_delimiter(text)
    options = collector.options
    german = options.decimal_comma
    if german is None and delimiter == ";":
        german = True
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list[Any]]] = []
    number = 0
    try:
        for record in reader:
            number += 1
            if len(record) > _MAX_COLUMNS:
                collector.add(
                    "too-many-rows",
                    "too-many-columns",
                    file=display,
                    row=number,
                    limit=_MAX_COLUMNS,
                )
                return None
            if _blank(record):
                continue
            if header is None:
                header, header_row = _trimmed(record), number
                continue
            if len(rows) >= options.max_rows:
                collector.add("too-many-rows", file=display, row=number, limit=options.max_rows)
                return None
            rows.append((number, _trimmed(record)))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            collector.add("truncated-file", file=display, row=number + 1)
        elif "expected after" in str(exc):  # "';' expected after '\"'": a quote not doubled
            collector.add("unreadable-file", "stray-quote", file=display, row=number + 1)
        else:
            collector.add(
                "unreadable-file",
                "malformed-csv",
                file=display,
                row=number + 1,
                problem=foreign_text(exc),
            )
        return None
    return TableRows(
        file=display, header=header or [], rows=rows, german=german, header_row=header_row
    )


#: The signature of an OLE2 compound file: an old Excel workbook (.xls, Excel 97-2003).
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: An OpenDocument spreadsheet (.ods) is a ZIP archive whose first entry, stored
#: uncompressed, is "mimetype" holding this text (OpenDocument 1.2, part 3, 3.3).
_ODS_MIMETYPE: Final = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
_ODS_MIMETYPE_END: Final = 30 + len(_ODS_MIMETYPE)


def check_zip(data: bytes, display: str, collector: Collector) -> bool:
    """Refuse a workbook whose ZIP directory promises an absurd unpacked size, and an old
    Excel (.xls) or OpenDocument (.ods) spreadsheet that carries the name of an .xlsx
    workbook, saying how to save it as one.

    Only the central directory is read; nothing is decompressed.
    """
    options = collector.options
    if data.startswith(_OLE2):
        collector.add("unreadable-file", "xls-as-xlsx", file=display)
        return False
    if data.startswith(b"PK\x03\x04") and _ODS_MIMETYPE in data[:_ODS_MIMETYPE_END]:
        collector.add("unreadable-file", "ods-as-xlsx", file=display)
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        if data.startswith(b"PK\x03\x04"):
            collector.add("truncated-file", "truncated-xlsx", file=display)
        else:
            collector.add(
                "unreadable-file", "invalid-xlsx", file=display, problem=foreign_text(exc)
            )
        return False
    total = sum(e.file_size for e in entries)
    if total > options.max_unpacked_bytes:
        collector.add(
            "file-too-large",
            "xlsx-too-large",
            file=display,
            size=total,
            limit=options.max_unpacked_bytes,
        )
        return False
    for entry in entries:
        if entry.file_size > 1_000_000:
            ratio = entry.file_size // max(entry.compress_size, 1)
            if ratio > options.max_compression_ratio:
                collector.add(
                    "file-too-large",
                    "xlsx-ratio",
                    file=display,
                    entry=entry.filename,
                    ratio=ratio,
                )
                return False
    return True


class UncachedFormula(str):
    """A cell of a workbook that holds a formula but no value computed for it (a file
    written by a program, never opened and saved in Excel or LibreOffice): openpyxl
    reads it as empty, and a required cell was "missing". The text is the formula."""

    __slots__ = ()


_CELL = re.compile(
    rb'<(?:\w+:)?c\s+r="([A-Z]{1,3})([0-9]+)"([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S
)
# A typed cell (t="str" for a formula whose result is empty text, as Excel and
# LibreOffice store =WENN(…;"";…)) has its value, even an empty one.
_TYPED = re.compile(rb'\st="')
_FORMULA = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?>(.*?)</(?:\w+:)?f>|<(?:\w+:)?f\s[^>]*/>", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def _uncached_formulas(data: bytes, sheet_path: str) -> dict[tuple[int, int], str]:
    """The cells of the worksheet *sheet_path* that hold a formula without a stored value:
    (row, column index from 0) → the formula (``=1+1``; empty for a shared one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(sheet_path)
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError):
        return {}
    if b"<f" not in xml and b":f" not in xml:
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in _CELL.finditer(xml):
        inner = match[4] or b""
        formula = _FORMULA.search(inner)
        if formula is None or _VALUE.search(inner) or _TYPED.search(match[3]):
            continue
        column = 0
        for letter in match[1].decode("ascii"):
            column = column * 26 + ord(letter) - ord("A") + 1
        text = (formula[1] or b"").decode("utf-8", "replace")
        found[int(match[2]), column - 1] = f"={text}" if text else ""
    return found


def _with_formulas(
    number: int, record: Sequence[Any], formulas: dict[tuple[int, int], str]
) -> Sequence[Any]:
    """*record* (row *number*) with its empty cells that hold an uncached formula marked."""
    if not formulas:
        return record
    return [
        UncachedFormula(formulas[number, index])
        if cell is None and (number, index) in formulas
        else cell
        for index, cell in enumerate(record)
    ]


def xlsx_rows(
    data: bytes, display: str, collector: Collector, *, every_sheet: bool = False
) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows of the first visible worksheet (or of every one), numbered from 1.

    The one reader of XLSX workbooks (tables and the Gemeindeverzeichnis). The ZIP
    directory is checked first (:func:`check_zip`); the size a sheet states is ignored (a
    ``<dimension ref="A1:XFD1048576"/>`` or one cell in the last row and column made
    openpyxl pad every row to 16,384 cells and yield a million padded rows: a few bytes
    that read for hours), and a row beyond the 1,048,576 rows of a worksheet ends the
    sheet with an error. A broken workbook — also one that breaks while its rows are
    read — is an ``unreadable-file`` error in *collector* and ends the rows; the caller
    looks at *collector* for errors.
    """
    if not check_zip(data, display, collector):
        return
    openpyxl: Any = require_extra("openpyxl", "excel")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it does not read (data validation, styles);
            # they do not matter for the values.
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if every_sheet:
                    sheets = list(workbook.worksheets)
                else:
                    first = _visible_sheet(workbook, display, collector)
                    sheets = [first] if first is not None else []
                for sheet in sheets:
                    sheet.reset_dimensions()
                    rows = sheet.iter_rows(values_only=True)
                    path = getattr(sheet, "_worksheet_path", None)
                    formulas = {} if every_sheet or not path else _uncached_formulas(data, path)
                    for number, record in enumerate(rows, start=1):
                        if number > _MAX_SHEET_ROWS:  # <row r="99999999999">
                            collector.add(
                                "too-many-rows",
                                "beyond-last-row",
                                file=display,
                                row=number,
                                limit=_MAX_SHEET_ROWS,
                            )
                            return
                        yield number, _with_formulas(number, record, formulas)
            finally:
                workbook.close()
    except Exception as exc:  # openpyxl raises many kinds of error for broken files
        collector.add(
            "unreadable-file",
            "invalid-xlsx",
            file=display,
            problem=foreign_text(f"{type(exc).__name__}: {exc}".rstrip(": ")),
        )


def read_xlsx_rows(data: bytes, display: str, collector: Collector) -> TableRows | None:
    """Read the rows of the first visible worksheet of an XLSX workbook."""
    options = collector.options
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list[Any]]] = []
    errors = collector.error_count()
    for number, record in xlsx_rows(data, display, collector):
        if _blank(record):
            continue
        if header is None:
            header = ["" if c is None else str(c) for c in _trimmed(record)]
            header_row = number
            continue
        if len(rows) >= options.max_rows:
            collector.add("too-many-rows", file=display, row=number, limit=options.max_rows)
            return None
        for index, cell in enumerate(record):
            if isinstance(cell, UncachedFormula):
                column = header[index] if index < len(header) and header[index] else None
                collector.add(
                    "invalid-value", "uncached-formula", file=display, row=number,
                    column=column, formula=shown(str(cell) or "…"),
                )  # fmt: skip
        rows.append((number, _trimmed(record)))
    if collector.error_count() > errors:
        return None
    return TableRows(
        file=display, header=header or [], rows=rows, german=None, header_row=header_row
    )


def _visible_sheet(workbook: Any, display: str, collector: Collector) -> Any:
    """The first visible worksheet; hidden ones before it are named in a warning.

    A workbook whose first sheet is hidden (an old version kept out of sight) would
    otherwise be read instead of the sheet its user sees.
    """
    hidden: list[str] = []
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") == "visible":
            if hidden:
                collector.add(
                    "hidden-sheet",
                    file=display,
                    sheets=", ".join(f'"{name}"' for name in hidden),
                    sheet=sheet.title,
                    severity=Severity.WARNING,
                )
            return sheet
        hidden.append(sheet.title)
    collector.add("unreadable-file", "no-visible-sheet", file=display)
    return None


def csv_bytes(
    header: Sequence[str], rows: Sequence[Sequence[Any]], *, delimiter: str, encoding: str
) -> bytes:
    """Return a CSV file (``\\r\\n`` line ends, as Excel writes them) as bytes.

    Raises:
        OutputError: when a cell cannot be written in *encoding* (e.g. Cyrillic text in
            Windows-1252), naming the row and column.
    """
    if delimiter not in _DELIMITERS:
        raise ValueError(
            tr(
                "delimiter must be one of ';', ',' or a tab, got {found}",
                found=shown(delimiter),
            )
        )
    codec = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252"}.get(
        encoding.lower().replace("_", "-").replace("windows-1252", "cp1252")
    )
    if codec is None:
        raise ValueError(
            tr("encoding must be utf-8, utf-8-sig or cp1252, got {found}", found=shown(encoding))
        )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row_index, row in enumerate(rows, start=2):
        cells = ["" if c is None else str(c) for c in row]
        for col_index, cell in enumerate(cells):
            if "\x00" in cell:
                raise OutputError(
                    tr(
                        "row {row}, column {column}: the text holds a NUL character, which "
                        "CSV readers refuse; remove it",
                        row=row_index,
                        column=shown(header[col_index]),
                    )
                )
        if codec == "cp1252":
            for col_index, cell in enumerate(cells):
                try:
                    cell.encode("cp1252")
                except UnicodeEncodeError as exc:
                    raise OutputError(
                        tr(
                            "row {row}, column {column}: {character} cannot be written in "
                            "Windows-1252; use encoding='utf-8'",
                            row=row_index,
                            column=shown(header[col_index]),
                            character=shown(cell[exc.start]),
                        )
                    ) from None
        writer.writerow(cells)
    return buffer.getvalue().encode(codec)


def _illegal(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\t\n\r" for c in text)


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str) -> bytes:
    """Return an XLSX workbook with one worksheet *title* as bytes."""
    openpyxl: Any = require_extra("openpyxl", "excel")
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row_index, row in enumerate(rows, start=2):
        try:
            sheet.append(list(row))
        except IllegalCharacterError:
            column = next(
                (
                    h
                    for h, c in zip(header, row, strict=False)
                    if isinstance(c, str) and _illegal(c)
                ),
                "?",
            )
            raise OutputError(
                tr(
                    "row {row}, column {column}: the text holds a control character that a "
                    "workbook cannot store; remove it or write CSV",
                    row=row_index,
                    column=shown(column),
                )
            ) from None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
