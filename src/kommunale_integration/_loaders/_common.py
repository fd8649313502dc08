"""Shared parts of the loaders: options, finding codes and messages, text decoding.

Every problem found while loading is collected by a :class:`Collector` as a
:class:`~kommunale_integration.Finding`; a load raises one
:class:`~kommunale_integration.LoadError` carrying all of them at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .._errors import Finding, LoadError, Location, Severity, shown
from .._i18n import current_language, tr
from .._text import UTF16_MESSAGE, EncodingProblem, FileProblem, decode, read_file

__all__ = ["LOAD_FINDING_CODES", "Collector", "LoadOptions", "decode_text", "read_text_file"]

#: Every finding code a load can produce, with what it means. The codes
#: ``unknown-key``, ``missing-value`` and ``invalid-value`` also come from the converter.
#:
#: .. versionadded:: 0.1.0
LOAD_FINDING_CODES: Mapping[str, str] = {
    "missing-column": "A required column is missing from a table (Pflichtspalte fehlt).",
    "unknown-column": "A table has a column the loader does not know; it is ignored (warning).",
    "invalid-date": "A cell does not hold a date like 31.12.2016 or 2016-12-31.",
    "invalid-number": "A cell does not hold a number like 1234,56 or 1.234,56.",
    "unknown-reference": "An id names nothing in the concept (e.g. an offer's Träger or a "
    "contact's Akteur).",
    "unknown-territory": "A territory cell holds neither an AGS nor the name of a territory "
    "of the concept or of exactly one Stadt or Gemeinde of the Gemeindeverzeichnis.",
    "ags-repaired": "A territory cell held an AGS without its leading zero (5558012); it "
    "was read as 05558012 (info).",
    "invalid-encoding": "A text file is neither UTF-8 nor Windows-1252 (or mixes them).",
    "truncated-file": "A file ends in the middle of a value (e.g. inside a quoted CSV cell).",
    "file-too-large": "A file is larger than the configured limit, or an XLSX workbook would "
    "unpack to an absurd size.",
    "too-many-rows": "A table has more rows than the configured limit.",
    "path-outside-concept": "A table path in ``tables:`` leaves the concept folder.",
    "ignored-file": "A spreadsheet in the concept folder is named like a table "
    "(Akteure.xlsx, akteure.xls, akteursliste.xlsx) but is not read (warning).",
    "unreadable-file": "A file is missing, not a file, or not in the format its name says.",
    "hidden-sheet": "The first worksheet of a workbook is hidden; the first visible one is "
    "read (warning).",
    "invalid-yaml": "A YAML file has a syntax error.",
    "duplicate-key": "A key appears twice in one mapping of a YAML or JSON file (the last "
    "would silently win).",
    "invalid-character": "A text holds a control character, a lone surrogate or U+FFFE, "
    "which no output format can hold.",
    "too-deeply-nested": "A structured file nests deeper than 1,000 levels.",
    "invalid-json": "A JSON file has a syntax error.",
    "invalid-toml": "A TOML file has a syntax error.",
    "unknown-key": "A structured file has a key the model does not know (check the spelling).",
    "missing-value": "A required value is missing.",
    "invalid-value": "A value breaks a rule of the model (e.g. an e-mail address without @).",
}

#: Finding messages of the loaders: code (or message key) -> English message id of the
#: ``messages`` catalogue (German in locale/de/LC_MESSAGES/messages.po).
_MESSAGES: dict[str, str] = {
    "missing-column": 'required column "{column}" is missing',
    "headers-further-down": (
        "the column headers are in row {found}, not in row {first} (a title above "
        "them?): delete the rows above the headers"
    ),
    "unknown-column": 'unknown column "{column}" is ignored',
    "unknown-column-foreign": (
        'unknown column "{column}" is ignored; it holds the character {char}, no Latin '
        "letter, though it may look like one"
    ),
    "unnamed-column": "column {index} has no header; its values are ignored",
    "duplicate-column": 'column "{column}" appears twice',
    "invalid-date": '"{found}" is not a valid date (expected e.g. 31.12.2016 or 2016-12-31)',
    "invalid-number": '"{found}" is not a number (expected e.g. 1234,56 or 1.234,56)',
    "ambiguous-number": (
        '"{found}" is ambiguous (a whole number in English notation, a decimal in German); '
        "write it without the comma or choose the notation (semicolon file, decimal_comma)"
    ),
    "too-many-digits": "number has more than 4300 digits",
    "invalid-money": '"{found}" is not an amount in EUR: {problem}',
    "negative-serial": (
        '"{found}" is no date: the workbook holds an Excel date serial below 1 (Excel shows #####)'
    ),
    "ags-repaired": (
        '"{found}" read as AGS {ags} (the leading zero a spreadsheet had dropped was put back)'
    ),
    "invalid-integer": '"{found}" is not a whole number',
    "invalid-bool": '"{found}" is not a yes/no value (expected ja, nein, x, true, false, 1 or 0)',
    "invalid-choice": '"{found}" is not one of {allowed}',
    "invalid-json-cell": "cell does not hold valid JSON: {problem}",
    "spreadsheet-error": (
        "the cell holds the spreadsheet error {found} (a formula that failed), not a "
        "value: correct the formula or enter the value"
    ),
    "invalid-history": '"{found}" is not a status entry (expected e.g. "2016-12-31 ongoing: note")',
    "missing-status-date": 'a status needs a date in the column "{column}"',
    "missing-value": 'required value in column "{column}" is missing',
    "missing-owner": 'a contact needs a value in "{actor}" or "{offer}"',
    "unknown-territory": '"{found}" is not a known municipality',
    "unknown-actor": '"{found}" is not a known actor (neither id nor name)',
    "refused-actor": (
        '"{found}" is the actor of {table}, row {line}, which could not be read: correct '
        "the error reported there"
    ),
    "unknown-network": '"{found}" is not a network of the concept (neither id nor name)',
    "field-title-as-code": (
        '"{found}" is read as the code it is, though it is the title of the field "{field}"; '
        "write the code (a title is only looked up when no code can look like it)"
    ),
    "unknown-category-label": (
        '"{found}" is no actor category; write one of the codes (or its German name): {codes}'
    ),
    "unknown-owner-actors": '"{found}" is not a known actor',
    "unknown-owner-offers": '"{found}" is not a known offer',
    "invalid-encoding": (
        "file is neither UTF-8 nor Windows-1252 (invalid byte 0x{byte:02X} at offset {offset})"
    ),
    "mixed-encoding": (
        "file is invalid UTF-8 (byte 0x{byte:02X} at offset {offset}); save it as UTF-8"
    ),
    "utf-16": UTF16_MESSAGE,
    "truncated-file": "file ends in the middle of a value (unclosed quote)",
    "truncated-xlsx": "file ends before the directory of its ZIP archive (a truncated workbook?)",
    "malformed-csv": "malformed CSV: {problem}",
    "stray-quote": (
        'a value in quotes that begins in this row holds a quotation mark (") that ends it '
        'early: write the mark twice ("") or remove it'
    ),
    "file-too-large": "file has {size} bytes, more than the limit of {limit} bytes",
    "stream-too-large": "file is larger than the limit of {limit} bytes",
    "xlsx-too-large": "workbook would unpack to {size} bytes (limit {limit}); it is not opened",
    "xlsx-ratio": (
        'workbook holds "{entry}" with an absurd compression ratio of {ratio}:1; it is not opened'
    ),
    "too-many-rows": "table has more than {limit} rows",
    "too-many-columns": (
        "row has more than {limit} columns (more than an Excel worksheet holds); is the "
        "delimiter right?"
    ),
    "beyond-last-row": "row lies beyond the last row of an Excel worksheet ({limit})",
    "path-outside-concept": 'path "{found}" lies outside the concept folder',
    "missing-file": "file not found",
    "hidden-sheet": (
        'the hidden worksheet(s) {sheets} are skipped; the first visible one, "{sheet}", is read'
    ),
    "no-visible-sheet": "the workbook has no visible worksheet",
    "invalid-character": (
        "the text holds the character {char}, which no output format can hold; remove it"
    ),
    "direction-character": (
        "the text holds the character {char}, which turns the text after it around wherever "
        "it is shown, and does not close it; remove it"
    ),
    "not-a-file": "not a file but a {kind}; only regular files are read",
    "symlink-loop": "a symbolic link that leads nowhere (a loop or a missing target)",
    "invalid-xlsx": "file is not a readable XLSX workbook ({problem})",
    "workbook-as-csv": (
        "file is an Excel workbook, though its name says CSV: give it the ending .xlsx "
        "(a table may be a workbook) or save it as CSV"
    ),
    "uncached-formula": (
        "the cell holds the formula {formula} but no value computed for it (the workbook "
        "was written by a program and never saved in a spreadsheet): open and save it in "
        "Excel or LibreOffice, or enter the value"
    ),
    "ods-as-xlsx": (
        "file is an OpenDocument spreadsheet (LibreOffice, .ods), not an Excel workbook: "
        "save it in LibreOffice as Excel 2007-365 (.xlsx) or as CSV"
    ),
    "xls-as-xlsx": (
        "file is an old Excel workbook (.xls, Excel 97-2003), not an .xlsx workbook: save "
        "it in Excel or LibreOffice as Excel workbook (.xlsx) or as CSV"
    ),
    "unreadable-file": "file cannot be read: {problem}",
    "ambiguous-file": "several files for the same purpose: {found}; keep only one",
    "ignored-file": (
        "this file is not read: the table is read from {table}.csv or {table}.xlsx, "
        "written so; rename the file, or name it under tables: in konzept.yaml"
    ),
    "ignored-file-format": (
        "this file is not read: the table is read from {table}.csv or {table}.xlsx, and "
        "{suffix} files are not read at all; save it as {table}.xlsx (Excel workbook) or "
        "{table}.csv in Excel or LibreOffice"
    ),
    "no-main-file": (
        "folder holds no main file konzept.yaml, konzept.yml, konzept.json or konzept.toml"
    ),
    "unknown-format": (
        "unknown file format (expected .yaml, .yml, .json, .toml, .csv or .xlsx; save old "
        ".xls files and LibreOffice .ods files as .xlsx in Excel or LibreOffice)"
    ),
    "invalid-yaml": "invalid YAML: {problem}",
    "invalid-json": "invalid JSON: {problem}",
    "invalid-toml": "invalid TOML: {problem}",
    "not-a-mapping": "the main file must hold a mapping (key: value)",
    "invalid-tables": '"{key}" must map a table kind to {what}; known table kinds: {allowed}',
    "unknown-mapped-column": (
        'mapping "{header}" → "{target}": "{target}" is not a column of this table'
    ),
}


def message(code: str, lang: str, **values: Any) -> str:
    """Return the message *code* in *lang* (``de`` or ``en``) filled with *values*."""
    return tr(_MESSAGES[code], lang=lang, **values)


def _table_kinds(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    from ._tables import TableKind

    for name in value:
        try:
            TableKind(name)
        except ValueError:
            allowed = ", ".join(k.value for k in TableKind)
            raise ValueError(
                tr(
                    "columns: {name} is no table kind (expected {allowed})",
                    name=shown(name),
                    allowed=allowed,
                )
            ) from None


@attrs.frozen(kw_only=True)
class LoadOptions:
    """Limits and settings of a load (Einstellungen zum Einlesen).

    Attributes:
        max_file_bytes: Largest file read, in bytes (default 50 MB).
        max_rows: Most data rows read from one table (default 1,000,000).
        max_unpacked_bytes: Largest total uncompressed size of an XLSX workbook
            (default 200 MB); checked in the ZIP directory before anything is unpacked.
        max_compression_ratio: Largest compression ratio of an XLSX entry bigger than
            1 MB (default 100:1; zip bombs have ratios of thousands).
        lang: Language of the finding messages: ``de`` (default) or ``en``.
        columns: Extra column mappings per table kind, e.g.
            ``{"actors": {"Einrichtung": "name"}}``; a header maps to an attribute
            (``name``, ``venue.street``) or a standard German header (``Name``).
            Mappings in the main file's ``columns:`` key are added to these.
        decimal_comma: How to read numbers in CSV files: ``True`` German
            (``1.234,56``), ``False`` English (``1,234.56`` is refused, ``1234.56``),
            ``None`` (default) German for semicolon files and automatic otherwise (a
            decimal comma makes a number German).

    .. versionadded:: 0.1.0
    """

    max_file_bytes: int = 50_000_000
    max_rows: int = 1_000_000
    max_unpacked_bytes: int = 200_000_000
    max_compression_ratio: int = 100
    lang: str = attrs.field(
        factory=lambda: "en" if current_language() == "en" else "de",
        validator=attrs.validators.in_(("de", "en")),
    )
    columns: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict, validator=_table_kinds)
    decimal_comma: bool | None = None


@attrs.define
class Collector:
    """Collects the findings of one load (not part of the public API)."""

    options: LoadOptions
    findings: list[Finding] = attrs.field(factory=list)

    def add(
        self,
        code: str,
        template: str | None = None,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        path: str | None = None,
        severity: Severity = Severity.ERROR,
        **values: Any,
    ) -> None:
        """Record a finding *code* whose message is *template* (default: *code*)."""
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message(template or code, self.options.lang, column=column, **values),
                location=Location(file=file, row=row, column=column, path=path),
            )
        )

    def extend(self, findings: list[Finding]) -> None:
        """Record findings made elsewhere (e.g. by the converter)."""
        self.findings.extend(findings)

    def error_count(self) -> int:
        """How many errors (not warnings or infos) were recorded so far."""
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def has_errors(self) -> bool:
        """Whether an error (not only warnings) was found."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def raise_if_errors(self) -> None:
        """Raise one :class:`LoadError` with every finding if there is an error."""
        if self.has_errors:
            raise LoadError(self.findings)


def read_bytes(path: Path, display: str, collector: Collector) -> bytes | None:
    """Read a file within the size limit; record a finding and return None on failure."""
    try:
        return read_file(path, collector.options.max_file_bytes)
    except FileProblem as problem:
        if problem.key == "file-too-large":
            limit = collector.options.max_file_bytes
            collector.add("file-too-large", file=display, size=problem.size, limit=limit)
        elif problem.key == "unreadable-file":
            collector.add("unreadable-file", file=display, problem=problem.problem)
        else:  # missing-file, not-a-file, symlink-loop
            collector.add("unreadable-file", problem.key, file=display, kind=problem.problem)
        return None


def decode_text(data: bytes, display: str, collector: Collector) -> str | None:
    """Decode a text file (see :func:`kommunale_integration._text.decode`).

    A file that is not UTF-8 nor Windows-1252 is an ``invalid-encoding`` finding with
    the row and the offset of the first bad byte.
    """
    try:
        return decode(data)
    except EncodingProblem as problem:
        collector.add(
            "invalid-encoding",
            problem.key,
            file=display,
            row=problem.row,
            byte=problem.byte,
            offset=problem.offset,
        )
        return None


def read_text_file(path: str | Path) -> str:
    """The text of a small file of the library's own kind (a catalogue file), read and
    decoded like every input, with the default limits.

    Raises:
        LoadError: the file is missing, unreadable, too large or no text (its finding
            names the file and, in the language of the run, what is wrong).
    """
    collector = Collector(LoadOptions())
    data = read_bytes(Path(path), str(path), collector)
    text = None if data is None else decode_text(data, str(path), collector)
    if text is None:
        raise LoadError(collector.findings)
    return text
