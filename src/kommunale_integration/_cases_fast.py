"""The columnar reader of case exports (pyarrow and numpy, the extra ``fast``).

:func:`~kommunale_integration.read_cases` tries this reader first when pyarrow and numpy
are installed. pyarrow parses the CSV files in parallel in C++; every column but the
case pseudonym is dictionary-coded while it is read, so each *distinct* text of a column
(a date, an AGS, a sex) is converted once, by the same conversion functions that the
exact reader of :mod:`._cases` uses for every cell. The events are joined to their cases
with a hash lookup in C++; the pseudonyms are dropped right after it.

The reader only accepts what it is sure to read exactly like the exact reader: files
without any double quote (quoting rules differ between CSV parsers), in UTF-8 or
Windows-1252, whose every cell is valid. On anything else (a bad row, an unknown case,
a duplicate case id, a header problem) it gives up and the exact reader reads the files
again from the start, so that every finding, with its file, row and column, is the
exact reader's own. The property tests in ``tests/test_cases_fast.py`` compare the two.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from array import array
from collections.abc import Callable, Mapping
from typing import Any

from ._cases import (
    _REQUIRED_CASE,
    _REQUIRED_EVENT,
    CASE_COLUMNS,
    EVENT_COLUMNS,
    CaseData,
    CaseReadOptions,
    _Dim,
    _Reader,
    _sniff,
)

__all__ = ["available", "read_fast"]

_ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8", "cp1252": "cp1252"}
_SCAN_CHUNK = 1 << 24


class _GiveUp(Exception):
    """Internal: the exact reader has to read the files."""


def available() -> bool:
    """Whether pyarrow and numpy can be imported."""
    try:
        import numpy  # noqa: F401
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


def read_fast(
    cases: str | os.PathLike[str],
    events: str | os.PathLike[str] | None,
    *,
    mapping: Mapping[str, str] | None,
    encoding: str | None,
    delimiter: str | None,
    options: CaseReadOptions,
) -> CaseData | None:
    """Read the export with pyarrow; ``None`` when the exact reader has to read it."""
    import pyarrow as pa

    reader = _Reader(mapping, options, exact=True)
    try:
        case_ids = _read_cases(reader, os.fspath(cases), encoding, delimiter)
        event_ids = None
        if events is not None:
            event_ids = _read_events(reader, os.fspath(events), encoding, delimiter)
        _join(reader, case_ids, event_ids)
    except (_GiveUp, OSError, UnicodeError, pa.ArrowException):
        # a file it cannot open, text it cannot decode, a row it cannot parse (wrong
        # number of fields): the exact reader finds out what it is and where
        return None
    return reader.finish()


# --------------------------------------------------------------------------- files


def _scan(path: str, encoding: str | None, delimiter: str | None) -> tuple[str, str, list[str]]:
    """Encoding, delimiter and header of a file that this reader can read exactly.

    The whole file is decoded once (also the columns that are not read, as the exact
    reader would) and must not contain a double quote.
    """
    with open(path, "rb") as handle:
        head = handle.read(65536)
        enc, sep = _sniff(head, encoding, delimiter)
        try:
            name = codecs.lookup(enc).name
        except LookupError:
            raise _GiveUp from None
        if name not in _ENCODINGS or len(sep) != 1 or sep in '\r\n"':
            raise _GiveUp
        ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
        if not ends:
            raise _GiveUp
        text = head[: min(ends)].decode(name)  # raises UnicodeDecodeError
        header = next(csv.reader(io.StringIO(text), delimiter=sep, strict=True), [])
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(name)()
        for chunk in iter(lambda: handle.read(_SCAN_CHUNK), b""):
            if b'"' in chunk:
                raise _GiveUp
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    return _ENCODINGS[name], sep, header


def _table(path: str, encoding: str, sep: str, width: int, columns: Mapping[str, int]) -> Any:
    """The named columns of the file (without the header row) as a pyarrow table."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    coded = pa.dictionary(pa.int32(), pa.string())
    include = {name: f"c{index}" for name, index in columns.items()}
    types = {raw: pa.string() if name == "case_id" else coded for name, raw in include.items()}
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(
            column_names=[f"c{i}" for i in range(width)],
            skip_rows=1,
            encoding=encoding,
            block_size=1 << 23,
        ),
        parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=False),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(types),
            column_types=types,
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
        memory_pool=_pool(),
    ).rename_columns(list(include))


def _pool() -> Any:
    """jemalloc gives memory back to the system at once (mimalloc keeps it)."""
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, AttributeError):  # pragma: no cover - build without it
        return pa.default_memory_pool()
    return pool


# --------------------------------------------------------------------------- values


def _texts(column: Any) -> tuple[Any, list[str]]:
    """The row codes (numpy) and distinct texts of a dictionary-coded column.

    pyarrow codes the texts of each block in the order they first appear, and unifying
    the blocks' dictionaries appends new texts in block order: text *i* first appears
    before text *i + 1*, as in the exact reader.
    """
    import numpy as np

    column = column.unify_dictionaries()
    if column.num_chunks == 0:
        return np.zeros(0, np.int32), []
    codes = np.concatenate([chunk.indices.to_numpy() for chunk in column.chunks])
    return codes, column.chunk(0).dictionary.to_pylist()


def _converted(column: Any, convert: Callable[[str], Any], dtype: str) -> Any:
    """Each row's value of *convert* applied to its text (once per distinct text)."""
    import numpy as np

    codes, texts = _texts(column)
    try:
        table = np.array([convert(t) for t in texts], dtype=dtype)
    except ValueError:
        raise _GiveUp from None
    return table[codes] if len(texts) else np.zeros(len(codes), dtype)


def _coded(dim: _Dim, column: Any, label: Callable[[str], str]) -> array[int]:
    """The codes of a dimension in the order its labels first appear."""
    import numpy as np

    codes, texts = _texts(column)
    try:
        table = np.array([dim.code(label(t)) for t in texts], dtype=np.uint32)
    except ValueError:
        raise _GiveUp from None
    values = table[codes] if len(texts) else np.zeros(len(codes), np.uint32)
    return _array("H" if len(dim.labels) <= 65536 else "I", values)


def _array(typecode: str, values: Any) -> array[int]:
    result = array(typecode)
    result.frombytes(values.astype(f"={typecode}", copy=False).tobytes())
    return result


# --------------------------------------------------------------------------- cases


def _positions(reader: _Reader, path: str, header: list[str], kind: str) -> dict[str, int]:
    required, known = (
        (_REQUIRED_CASE, CASE_COLUMNS) if kind == "cases" else (_REQUIRED_EVENT, EVENT_COLUMNS)
    )
    pos = reader.columns(header, path, required, known)
    if pos is None or reader.findings:
        raise _GiveUp
    return pos


def _read_cases(reader: _Reader, path: str, encoding: str | None, delimiter: str | None) -> Any:
    import numpy as np
    import pyarrow.compute as pc

    enc, sep, header = _scan(path, encoding, delimiter)
    pos = _positions(reader, path, header, "cases")
    extra = reader.extra_columns(pos)
    wanted = [c for c in CASE_COLUMNS if c in pos] + extra
    table = _table(path, enc, sep, len(header), {c: pos[c] for c in wanted})
    n = table.num_rows
    ids = table["case_id"]
    # the exact reader strips the id and refuses an empty or repeated one
    if n and (pc.min(pc.binary_length(ids)).as_py() == 0 or not _clean_edges(ids)):
        raise _GiveUp
    values = reader.case_values()
    opened = _converted(table["opened"], values["opened"], "int32")
    if "closed" in pos:
        closed = _converted(table["closed"], values["closed"], "int32")
        if bool((closed < opened).any()):
            raise _GiveUp
    else:
        closed = np.full(n, 2**31 - 1, np.int32)
    if "sex" in pos:
        sex = _converted(table["sex"], values["sex"], "uint16")
    else:
        sex = np.full(n, reader.dims["sex"].index["unknown"], np.uint16)
    if "birth_year" in pos:
        birth = _converted(table["birth_year"], values["birth_year"], "uint16")
    else:
        birth = np.zeros(n, np.uint16)
    # every value is valid: fill the reader's columns
    reader.cases_usable = True
    reader.opened = _array("i", opened)
    reader.closed = _array("i", closed)
    reader.birth_year = _array("H", birth)
    reader.dims["sex"].codes = _array("H", sex)
    reader.dims["municipality"].codes = _coded(
        reader.dims["municipality"], table["municipality"], values["municipality"]
    )
    for name in ("legal_basis", *extra):
        dim = reader.dims.setdefault(name, _Dim(array("H"), []))
        if name in pos:
            dim.codes = _coded(dim, table[name], reader.label)
        else:
            dim.codes = _array("H", np.full(n, dim.code("unknown"), np.uint16))
    return ids


def _clean_edges(ids: Any) -> bool:
    """Whether no id starts or ends with a character that ``str.strip`` removes."""
    import pyarrow.compute as pc

    for edge in (
        pc.utf8_slice_codeunits(ids, 0, 1),
        pc.utf8_slice_codeunits(ids, -1),
    ):
        if any(c.strip() != c for c in pc.unique(edge).to_pylist()):
            return False
    return True


# --------------------------------------------------------------------------- events


def _read_events(reader: _Reader, path: str, encoding: str | None, delimiter: str | None) -> Any:
    """Read the events but their cases; return the case pseudonyms of the events."""
    import numpy as np

    enc, sep, header = _scan(path, encoding, delimiter)
    pos = _positions(reader, path, header, "events")
    table = _table(path, enc, sep, len(header), {c: pos[c] for c in _REQUIRED_EVENT})
    codes, texts = _texts(table["event"])
    try:
        kinds = np.array([reader._event_code(reader.event_name(t)) for t in texts], np.uint32)
    except ValueError:
        raise _GiveUp from None
    if len(reader.event_names) > 65535:
        raise _GiveUp
    reader.event_kind = _array("H", kinds[codes] if len(texts) else np.zeros(0, np.uint16))
    reader.event_day = _array("i", _converted(table["date"], reader.day, "int32"))
    return table["case_id"]


def _join(reader: _Reader, case_ids: Any, event_ids: Any) -> None:
    """Check that the case ids are unique and find the case of each event.

    One hash lookup in C++ over the ids of the cases and then those of the events: a
    case id is unique when it is found at its own position.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(case_ids)
    chunks = case_ids.chunks + (event_ids.chunks if event_ids is not None else [])
    found = pc.index_in(
        pa.chunked_array(chunks, type=pa.string()), value_set=case_ids, memory_pool=_pool()
    )
    del chunks, case_ids, event_ids  # the last pseudonyms
    if found.null_count:
        raise _GiveUp  # an unknown case (or one with surrounding spaces)
    numbers = np.concatenate([c.to_numpy() for c in found.chunks]) if found.num_chunks else None
    del found
    if numbers is None:
        return
    if not np.array_equal(numbers[:n], np.arange(n, dtype=numbers.dtype)):
        raise _GiveUp  # a repeated case id
    reader.event_case = _array("i", numbers[n:])
