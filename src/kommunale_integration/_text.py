"""Reading text files: the one place for encodings, YAML, JSON and TOML.

Every reader of the library (the concept loader, the tables, catalogues, the indicator
catalogue, the HSDS import) goes through these functions, so that every file gets the
same treatment:

* **Encoding** (:func:`decode`): UTF-8 with or without BOM, else Windows-1252. A file that
  holds well-formed UTF-8 sequences *and* invalid bytes is broken UTF-8 (not
  Windows-1252); a byte that Windows-1252 does not define is an error too.
* **Files** (:func:`read_file`): only regular files are read, within a size limit; a FIFO,
  a device or a symbolic link loop is refused (reading a FIFO would wait forever).
* **YAML** (:func:`parse_yaml`) is read with the rules of YAML 1.2 (core schema): only
  ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off``, ``j`` stay text), no
  sexagesimal numbers (``1:30`` stays text), no implicit dates (``2016-12-31`` is text,
  which the model reads as a date where it expects one). A number written where the
  model expects text keeps the text as written (``version: 1.10`` is ``"1.10"``, not
  ``"1.1"``; ``0x1F`` stays ``"0x1F"``). Only the safe constructors are used.
* **Duplicate keys** in a YAML or JSON mapping are an error (``duplicate-key``): the last
  one would silently win. (TOML refuses them itself.)
* **Integers of more than 4,300 digits** are an error, not a crash.
* **Characters no output can hold** (:func:`unsafe_character`): control characters other
  than tab, line feed and carriage return, lone surrogates and the non-characters U+FFFE
  and U+FFFF are an ``invalid-character`` error at the place where they were read, so
  that no writer (DOCX, XLSX, HTML, JSON) fails later; so is a direction control left
  open (a right-to-left override that turns every text after it around).
* Nesting deeper than :data:`MAX_DEPTH` is ``too-deeply-nested``.

The parsers raise :class:`~kommunale_integration.LoadError` carrying every finding.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import stat
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs

from ._errors import (
    Finding,
    LoadError,
    Location,
    Severity,
    clip,
    foreign_text,
    os_error_text,
    shown,
)
from ._i18n import N_, tr

__all__ = [
    "MAX_DEPTH",
    "UTF16_MESSAGE",
    "EncodingProblem",
    "FileProblem",
    "character_problem",
    "check_csv_arguments",
    "check_text",
    "decode",
    "is_direction_control",
    "is_workbook",
    "line_of",
    "parse_json",
    "parse_structured",
    "parse_toml",
    "parse_yaml",
    "read_file",
    "unsafe_character",
    "yaml_too_deep",
]

#: Deepest nesting of collections read; a concept needs a handful of levels.
MAX_DEPTH = 1000
#: Most digits of an integer in a structured file (Python's own limit for ``int()``).
MAX_INT_DIGITS = 4300


# --------------------------------------------------------------------------- encodings


class EncodingProblem(ValueError):
    """Bytes that are neither UTF-8 nor Windows-1252.

    Attributes:
        key: ``invalid-encoding`` (a byte Windows-1252 does not define),
            ``mixed-encoding`` (UTF-8 with invalid bytes) or ``utf-16`` (a UTF-16 file).
        byte: The first bad byte.
        offset: Its offset in the file.
        row: Its line (1-based).
    """

    def __init__(self, key: str, data: bytes, offset: int) -> None:
        super().__init__(key)
        self.key = key
        self.byte = data[offset]
        self.offset = offset
        self.row = data.count(b"\n", 0, offset) + 1


# A well-formed UTF-8 multi-byte sequence (2 to 4 bytes).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


#: What every reader says of a UTF-16 file (:func:`detect_encoding`; the message of the
#: ``utf-16`` problem of the loaders and of the case reader alike).
UTF16_MESSAGE: Final = N_("file is UTF-16 (as Excel saves “Unicode Text”); save it as “CSV UTF-8”")


def is_workbook(data: bytes) -> bool:
    """Whether *data* begins as a spreadsheet's workbook rather than text: an ``.xlsx``
    (a ZIP archive) or an old ``.xls`` (an OLE compound file), given where a CSV file
    was expected.

    >>> is_workbook(b"PK\\x03\\x04..."), is_workbook(b"ID;Name")
    (True, False)
    """
    return data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def detect_encoding(data: bytes, *, final: bool = True) -> str:
    """The encoding of a text file: ``utf-8-sig``, ``utf-8`` or ``cp1252`` (the one rule).

    A file is UTF-8 (``utf-8-sig`` with a byte order mark) when it decodes as UTF-8 or
    holds a well-formed UTF-8 sequence at all (then its invalid bytes are an error, not
    Windows-1252); otherwise it is Windows-1252. With ``final=False`` *data* is the
    beginning of a file (a sequence cut off at its end is no error), as a streaming
    reader sniffs it.

    A byte order mark of UTF-16 (Excel's "Unicode-Text", a tab-separated UTF-16
    file), or UTF-16 without one (every second byte of its beginning zero), gives
    ``utf-16``: no reader accepts it, each says to save the file as UTF-8.

    >>> detect_encoding("Müller".encode()), detect_encoding("Müller".encode("cp1252"))
    ('utf-8', 'cp1252')
    >>> detect_encoding("ID\tName".encode("utf-16"))
    'utf-16'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _bomless_utf16(data):
        return "utf-16"
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=final)
    except UnicodeDecodeError:
        if not _UTF8_SEQUENCE.search(body):
            return "cp1252"
    return "utf-8-sig" if bom else "utf-8"


def _bomless_utf16(data: bytes) -> bool:
    """Whether *data* begins as UTF-16 without a byte order mark (``iconv -t utf-16le``,
    some exporters): in its first characters every second byte is zero, the others not.
    Read as UTF-8 such a file showed a header of "c a s e _ i d" with NUL bytes.

    >>> _bomless_utf16("case_id".encode("utf-16-le")), _bomless_utf16(b"case_id")
    (True, False)
    """
    sample = data[:64]
    if len(sample) < 4:
        return False
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    for zeros, chars in ((odd, even), (even, odd)):
        if not zeros.strip(b"\0") and b"\0" not in chars:
            return True
    return False


def decode(data: bytes) -> str:
    """Decode a text file in the encoding :func:`detect_encoding` names.

    Raises:
        EncodingProblem: for broken UTF-8 or a byte Windows-1252 does not define.
    """
    encoding = detect_encoding(data)
    if encoding == "utf-16":
        raise EncodingProblem("utf-16", data, 0)
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("cp1252" if encoding == "cp1252" else "utf-8")
    except UnicodeDecodeError as exc:
        key = "invalid-encoding" if encoding == "cp1252" else "mixed-encoding"
        raise EncodingProblem(key, data, start + exc.start) from None


#: Encodings a CSV export may be read with: ASCII-compatible text encodings only (a
#: UTF-16 file would never split into rows at ASCII delimiters).
CSV_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "iso8859-1", "iso8859-15")


def check_csv_arguments(encoding: str | None, delimiter: str | None) -> None:
    """Refuse an *encoding* or *delimiter* argument a CSV reader cannot work with.

    Raises:
        ValueError: naming what was given and what is accepted: an encoding Python
            does not know, one that is not an ASCII-compatible text encoding (UTF-16,
            ``rot13``), or a delimiter that is not a single character other than a quote,
            a line break, a letter or a digit.
    """
    import codecs

    if encoding is not None:
        accepted = "utf-8, utf-8-sig, cp1252, latin-1"
        if not isinstance(encoding, str):
            raise ValueError(
                tr(
                    "encoding must be text ({accepted}), got {found}",
                    accepted=accepted,
                    found=type(encoding).__name__,
                )
            )
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise ValueError(
                tr(
                    "unknown encoding {found}; use {accepted}",
                    found=shown(encoding[:40]),
                    accepted=accepted,
                )
            ) from None
        if name not in CSV_ENCODINGS:
            raise ValueError(
                tr(
                    "a CSV export cannot be read as {found}; save it as UTF-8 or use {accepted}",
                    found=shown(encoding[:40]),
                    accepted=accepted,
                )
            )
    if delimiter is not None and (
        not isinstance(delimiter, str)
        or len(delimiter) != 1
        or delimiter in "\"'\r\n"
        or delimiter.isalnum()
    ):
        raise ValueError(
            tr(
                "delimiter must be one character such as ';', ',' or a tab, got {found}",
                found=shown(delimiter)[:40],
            )
        )


# --------------------------------------------------------------------------- files


class FileProblem(OSError):
    """A file that cannot be read.

    Attributes:
        key: ``missing-file``, ``not-a-file`` (a folder, FIFO, device or socket),
            ``symlink-loop``, ``file-too-large`` or ``unreadable-file``.
        size: The size of a file that is too large.
    """

    def __init__(self, key: str, problem: str = "", size: int = 0) -> None:
        super().__init__(problem or key)
        self.key = key
        self.problem = problem
        self.size = size


def read_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """Read a regular file of at most *max_bytes* bytes.

    Raises:
        FileProblem: for a missing file, anything that is not a regular file (a FIFO
            would block the reader forever, a device never ends), a symbolic link loop,
            a file over the limit or an error of the operating system.
    """
    file = Path(path)
    try:
        info = file.stat()
    except FileNotFoundError:
        raise FileProblem("symlink-loop" if _is_link(file) else "missing-file") from None
    except (OSError, ValueError) as exc:  # ELOOP, a name too long, a NUL character
        key = "symlink-loop" if _is_link(file) else "unreadable-file"
        raise FileProblem(key, os_error_text(exc, where=False)) from None
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem("not-a-file", _file_kind(info.st_mode))
    if info.st_size > max_bytes:
        raise FileProblem("file-too-large", size=info.st_size)
    try:
        with open(file, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FileProblem("unreadable-file", os_error_text(exc, where=False)) from None
    if len(data) > max_bytes:  # it grew while we looked
        raise FileProblem("file-too-large", size=len(data))
    return data


def _is_link(file: Path) -> bool:
    try:
        return file.is_symlink()
    except (OSError, ValueError):
        return False


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return tr("folder")
    if stat.S_ISFIFO(mode):
        return tr("FIFO (named pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return tr("device")
    return tr("special file")


# --------------------------------------------------------------------------- characters

# Characters that XML 1.0 (DOCX, XLSX, HTML) cannot hold and UTF-8 cannot encode.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# Explicit direction controls (UAX #9): embeddings and overrides end with U+202C,
# isolates with U+2069.
_OPENERS: Final = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c",
                   "\u202e": "\u202c", "\u2066": "\u2069", "\u2067": "\u2069",
                   "\u2068": "\u2069"}  # fmt: skip
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")


def unsafe_character(text: str) -> int | None:
    """The index of the first character no output can hold, or ``None``.

    These are control characters other than tab, line feed and carriage return, lone
    surrogates (``"\\ud800"`` in JSON) and the non-characters U+FFFE and U+FFFF, and an
    explicit direction control that the text does not close again
    (:func:`is_direction_control`).
    """
    match = _UNSAFE.search(text)
    if match:
        return match.start()
    return _unclosed_direction(text) if _DIRECTION.search(text) else None


def is_direction_control(char: str) -> bool:
    """Whether *char* is an explicit direction control (U+202A–U+202E, U+2066–U+2069).

    Left open (a right-to-left override U+202E without its U+202C), such a character
    turns the text after it around wherever the text is shown — in a report, a page of
    the Wegweiser, a message in a terminal (``Kosten: 0 €`` shown as ``€ 0 :netsoK``;
    "Trojan Source"). Arabic, Persian or Tigrinya text needs no such character; a
    closed pair is kept.
    """
    return bool(_DIRECTION.fullmatch(char))


def _unclosed_direction(text: str) -> int | None:
    """The index of a direction control left open, or closing nothing, else ``None``."""
    open_: list[tuple[int, str]] = []
    for match in _DIRECTION.finditer(text):
        char = match.group()
        if char in _OPENERS:
            open_.append((match.start(), _OPENERS[char]))
        elif open_ and open_[-1][1] == char:
            open_.pop()
        else:
            return match.start()
    return open_[0][0] if open_ else None


def character_problem(text: str) -> str | None:
    """What is wrong with the characters of *text* (:func:`unsafe_character`), or ``None``.

    The one message for it, naming the character by its code point, never showing it.
    """
    index = unsafe_character(text)
    if index is None:
        return None
    if is_direction_control(text[index]):
        return tr(
            "the text holds the character {char}, which turns the text after it around "
            "wherever it is shown, and does not close it; remove it",
            char=character_name(text[index]),
        )
    return tr(
        "the text holds the character {char}, which no output format can hold; remove it",
        char=character_name(text[index]),
    )


def character_name(char: str) -> str:
    """``U+0001`` for a character (never the character itself)."""
    return f"U+{ord(char):04X}"


def check_text(
    data: Any, *, file: str | None = None, lines: dict[str, int] | None = None
) -> list[Finding]:
    """Findings for every text (key or value) in *data* that no output can hold.

    Containers reached twice (YAML aliases) are checked once.
    """
    findings = []
    for path, text in _strings(data):
        problem = character_problem(text)
        if problem is not None:
            findings.append(_finding("invalid-character", problem, file, path, lines=lines))
    return findings


def _strings(data: Any) -> Iterator[tuple[str, str]]:
    """Every string in *data* with its path (iteratively: data may be nested deeply)."""
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict | list):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, dict):
                for key, item in value.items():
                    sub = f"{path}.{key}" if path else str(key)
                    if isinstance(key, str):
                        yield sub, key
                    stack.append((sub, item))
            else:
                stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))


def _finding(
    code: str,
    message: str,
    file: str | None,
    path: str | None = None,
    *,
    lines: dict[str, int] | None = None,
    row: int | None = None,
) -> Finding:
    if row is None and path and lines:
        row = line_of(path, lines)
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=message,
        location=Location(file=file, row=row, path=path or None),
    )


def line_of(path: str, lines: Mapping[str, int]) -> int | None:
    """The line of *path* in a YAML file, or of its nearest parent."""
    key = path
    while key:
        if key in lines:
            return lines[key]
        cut = max(key.rfind("."), key.rfind("["))
        key = key[:cut] if cut > 0 else ""
    return None


def _too_deep(file: str | None) -> LoadError:
    return LoadError([_finding("too-deeply-nested", tr("the document is nested too deeply"), file)])


# --------------------------------------------------------------------------- JSON


class _HugeInteger(ValueError):
    pass


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _HugeInteger(text[:20])
    return int(text)


class _NotJson:
    """``NaN``, ``Infinity`` or ``-Infinity`` where a value stands: Python's :mod:`json`
    reads them, JSON (RFC 8259) has none of them; kept as this mark until its path is
    known."""

    __slots__ = ("word",)

    def __init__(self, word: str) -> None:
        self.word = word


def _not_json(data: Any) -> Iterator[tuple[str, str, bool]]:
    """The path and text of every :class:`_NotJson` in *data* (``False``) and of every
    number too large for a float (``True``: ``1e400``, which Python reads as infinity),
    in the order of the document (iteratively: data may be nested deeply)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _NotJson):
            yield path, value.word, False
        elif isinstance(value, float) and not math.isfinite(value):
            yield path, getattr(value, "yaml_text", repr(value)), True
        elif isinstance(value, dict):
            items = [(f"{path}.{key}" if path else str(key), v) for key, v in value.items()]
            stack.extend(reversed(items))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{i}]", item) for i, item in enumerate(value)]))


def parse_json(text: str, *, file: str | None = None, json_path: bool = False) -> Any:
    """Parse JSON *text* into plain data.

    *json_path*: findings name their place as a JSONPath from the document's root
    (``$.services[0].id``, the HSDS import) instead of a model path (``actors[0].name``).

    Raises:
        LoadError: ``invalid-json`` with line and column, ``duplicate-key``,
            ``too-deeply-nested``, ``invalid-number`` (more than 4,300 digits, or
            ``NaN``/``Infinity``, which JSON does not have) or ``invalid-character``.

    .. versionchanged:: 0.2.0 ``NaN``, ``Infinity`` and ``-Infinity`` are refused
       (they were read as floats); *json_path*.
    """
    from ._yaml12 import YamlFloat

    duplicates: list[str] = []

    def number(text: str) -> float:
        # A number with a fraction or an exponent keeps the text it was written as (as
        # in YAML), so that the converter reads 1e400 and 1.10 as written, not as inf
        # and 1.1.
        result = YamlFloat(text)
        result.yaml_text = text
        return result

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(
            text,
            object_pairs_hook=pairs,
            parse_int=_json_int,
            parse_float=number,
            parse_constant=_NotJson,
        )
    except RecursionError:
        raise _too_deep(file) from None
    except _HugeInteger:
        raise LoadError([_huge_integer(file, text)]) from None
    except json.JSONDecodeError as exc:
        message = tr(
            "invalid JSON: {problem} (column {column})",
            problem=foreign_text(exc.msg),
            column=exc.colno,
        )
        raise LoadError([_finding("invalid-json", message, file, row=exc.lineno)]) from None
    findings = [_duplicate(key, file) for key in duplicates]
    findings += [
        _finding(
            "invalid-number",
            tr(
                "the number {found} is too large to be read: a JSON reader takes it for infinity",
                found=clip(word, 40),
            )
            if huge
            else tr(
                "expected a number, a text in quotes, true, false or null, got {found}: "
                "JSON has no {found} (RFC 8259); write null where there is no value",
                found=word,
            ),
            file,
            path,
        )
        for path, word, huge in _not_json(data)
    ]
    findings += check_text(data, file=file)
    if json_path:
        findings = [_rooted(finding) for finding in findings]
    if findings:
        raise LoadError(findings)
    return data


def _rooted(finding: Finding) -> Finding:
    """*finding* with its path as a JSONPath: ``services[0].id`` → ``$.services[0].id``."""
    path = finding.location.path
    if not path:
        return finding
    rooted = "$" + (path if path.startswith("[") else f".{path}")
    return attrs.evolve(finding, location=attrs.evolve(finding.location, path=rooted))


def _huge_integer(file: str | None, text: str) -> Finding:
    match = re.search(rf"\d{{{MAX_INT_DIGITS + 1}}}", text)
    row = text.count("\n", 0, match.start()) + 1 if match else None
    message = tr("a number has more than {limit} digits", limit=MAX_INT_DIGITS)
    return _finding("invalid-number", message, file, row=row)


def _duplicate(key: str, file: str | None, row: int | None = None, path: str = "") -> Finding:
    shown = key if len(key) <= 60 else key[:59] + "…"
    message = tr('the key "{key}" appears twice in the same mapping; only one may stay', key=shown)
    return _finding("duplicate-key", message, file, path or None, row=row)


# --------------------------------------------------------------------------- TOML


def parse_toml(text: str, *, file: str | None = None) -> Any:
    """Parse TOML *text* into plain data (TOML itself refuses duplicate keys).

    Raises:
        LoadError: ``invalid-toml`` with its line, ``too-deeply-nested``,
            ``invalid-number`` or ``invalid-character``.
    """
    import tomllib

    try:
        data = tomllib.loads(text, parse_float=Decimal)  # 1e40 exactly, 1.10 as written
    except RecursionError:
        raise _too_deep(file) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        row = int(match.group(1)) if match else None
        message = tr("invalid TOML: {problem}", problem=foreign_text(exc))
        raise LoadError([_finding("invalid-toml", message, file, row=row)]) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise LoadError([_huge_integer(file, text)]) from None
    findings = check_text(data, file=file)
    if findings:
        raise LoadError(findings)
    return data


# --------------------------------------------------------------------------- YAML


def yaml_too_deep(text: str) -> bool:
    """Whether YAML *text* nests collections deeper than :data:`MAX_DEPTH`.

    libyaml's C loader composes nested collections recursively in C: tens of thousands
    of levels (``[[[[…``, ``- - - …``) overflow the C stack and kill the process instead
    of raising an exception. The depth is bounded by the number of brackets plus the
    longest line; only when that bound is large are the parser's events counted (which
    stops as soon as the limit is passed).
    """
    longest = max(map(len, text.splitlines()), default=0)
    if text.count("[") + text.count("{") + longest < MAX_DEPTH:
        return False
    import yaml

    depth = 0
    starts = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, starts):
                depth += 1
                if depth > MAX_DEPTH:
                    return True
            elif isinstance(event, ends):
                depth -= 1
    except yaml.YAMLError:
        return False  # the load itself reports the syntax error with its line
    return False


def parse_yaml(text: str, *, file: str | None = None, lines: dict[str, int] | None = None) -> Any:
    """Parse YAML *text* into plain data with YAML 1.2 rules and safe constructors only.

    Args:
        text: The YAML text.
        file: The file name for the findings.
        lines: If given, filled with the 1-based line of every mapping value and list
            item (``actors[2].name`` → 14).

    Raises:
        LoadError: ``invalid-yaml`` with its line, ``duplicate-key``,
            ``too-deeply-nested``, ``invalid-number`` or ``invalid-character``.
    """
    import yaml

    from ._yaml12 import Loader, YamlHugeIntegerError

    if yaml_too_deep(text):
        raise _too_deep(file)
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except RecursionError:
        raise _too_deep(file) from None
    except YamlHugeIntegerError as exc:
        message = tr("a number has more than {limit} digits", limit=MAX_INT_DIGITS)
        raise LoadError([_finding("invalid-number", message, file, row=exc.line)]) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses (NUL, another control character): said as every such
        # character is, with its line; PyYAML gives no line, only the position.
        line = text.count("\n", 0, exc.position) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        message = tr(
            "the text holds the character {char}, which no output format can hold; remove it",
            char=character_name(char[:1] or "\x00"),
        )
        raise LoadError([_finding("invalid-character", message, file, row=line)]) from None
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None and problem == "found character that cannot start any token":
            # LibYAML leaves out the character that PyYAML names (a tab that indents)
            rows = text.replace("\r\n", "\n").split("\n")
            source = rows[mark.line] if 0 <= mark.line < len(rows) else ""
            char = source[mark.column : mark.column + 1]
            if char:
                problem = f"found character {char!r} that cannot start any token"
        message = tr("invalid YAML: {problem}", problem=foreign_text(problem))
        raise LoadError([_finding("invalid-yaml", message, file, row=row)]) from None
    finally:
        loader.dispose()
    out = {} if lines is None else lines
    if node is not None:
        _yaml_lines(node, "", out)
    findings = [_duplicate(key, file, row) for key, row in loader.duplicates]
    findings += check_text(data, file=file, lines=out)
    if findings:
        raise LoadError(findings)
    return data


def _yaml_lines(node: Any, path: str, out: dict[str, int]) -> None:
    """Record the 1-based line of every mapping value and list item below *node*.

    A node reached again through an alias is not walked again: aliases of aliases
    (a "billion laughs" file) would otherwise take forever.
    """
    import yaml

    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(node, path)]
    while stack:
        current, where = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode):
                    sub = f"{where}.{key_node.value}" if where else str(key_node.value)
                    out.setdefault(sub, key_node.start_mark.line + 1)
                    stack.append((value_node, sub))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                sub = f"{where}[{index}]"
                out.setdefault(sub, item.start_mark.line + 1)
                stack.append((item, sub))


# --------------------------------------------------------------------------- by suffix


def parse_structured(
    text: str, suffix: str, *, file: str | None = None, lines: dict[str, int] | None = None
) -> Any:
    """Parse *text* as YAML (``.yaml``/``.yml``), JSON (``.json``) or TOML (``.toml``)."""
    suffix = suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return parse_yaml(text, file=file, lines=lines)
    if suffix == ".json":
        return parse_json(text, file=file)
    if suffix == ".toml":
        return parse_toml(text, file=file)
    raise ValueError(tr("no structured format for {suffix}", suffix=shown(suffix)))
