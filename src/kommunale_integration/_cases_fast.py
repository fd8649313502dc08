"""The columnar reader of case exports (pyarrow and numpy, the extra ``fast``).

:func:`~kommunale_integration.read_cases` tries this reader first when pyarrow and numpy
are installed. pyarrow parses the CSV files block by block in C++; every column but the
case pseudonym is dictionary-coded while it is read, so each *distinct* text of a block
(a date, an AGS, a sex) is converted once, by the same conversion functions that the
exact reader of :mod:`._cases` uses for every cell — except dates of the forms
``2025-03-31`` and ``31.03.2025``, which numpy converts all at once (any other date
text goes to the exact conversion; ``tests/test_cases_fast.py`` compares the two on
every calendar edge). Each block becomes compact numpy
columns at once, so memory grows with the number of cases, not with the files: only the
case pseudonyms are kept until the events are joined to them (through a 64-bit hash of
each pseudonym, sorted, and a byte-by-byte check of every match) and then dropped.

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
import stat
from array import array
from calendar import monthrange
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from functools import cache
from typing import Any

from ._cases import (
    _REQUIRED_CASE,
    _REQUIRED_EVENT,
    CASE_COLUMNS,
    EVENT_COLUMNS,
    OPEN,
    CaseData,
    CaseReadOptions,
    MappingFile,
    _Dim,
    _Reader,
    _sniff,
)

__all__ = ["available", "read_fast"]

_ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8", "cp1252": "cp1252"}
_SCAN_CHUNK = 1 << 20
_DECAY_MS = 100


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
    mapping: Mapping[str, str] | MappingFile | None,
    encoding: str | None,
    delimiter: str | None,
    options: CaseReadOptions,
) -> CaseData | None:
    """Read the export with pyarrow; ``None`` when the exact reader has to read it."""
    import pyarrow as pa

    reader = _Reader(mapping, options, exact=True)
    # Arrow's own buffers (read-ahead, parsing) come from its default pool: jemalloc
    # gives them back to the system at once, the default mimalloc keeps them
    previous = pa.default_memory_pool()
    pa.set_memory_pool(_pool())
    try:
        ids = _read_cases(reader, os.fspath(cases), encoding, delimiter)
        if events is not None:
            _read_events(reader, ids, os.fspath(events), encoding, delimiter)
        del ids  # the pseudonyms
        reader.check_breakdowns()
        if reader.findings:
            raise _GiveUp  # an unsafe breakdown: the exact reader reports it
    except (_GiveUp, OSError, UnicodeError, pa.ArrowException):
        # a file it cannot open, text it cannot decode, a row it cannot parse (wrong
        # number of fields): the exact reader finds out what it is and where
        return None
    finally:
        pa.set_memory_pool(previous)
    return reader.finish()


# --------------------------------------------------------------------------- files


def _scan(path: str, encoding: str | None, delimiter: str | None) -> tuple[str, str, list[str]]:
    """Encoding, delimiter and header of a file that this reader can read exactly.

    The whole file is decoded once (also the columns that are not read, as the exact
    reader would) and must not contain a double quote.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise _GiveUp  # a pipe or device can be read only once
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
        buffer = bytearray(_SCAN_CHUNK)  # one buffer for all chunks (no new memory each)
        while size := handle.readinto(buffer):
            chunk = buffer if size == len(buffer) else buffer[:size]
            if b'"' in chunk:
                raise _GiveUp
            # ASCII is valid text in both encodings: only other chunks are decoded, and
            # any chunk after one that ends inside a character
            if not chunk.isascii() or decoder.getstate()[0]:
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    return _ENCODINGS[name], sep, header


def _blocks(
    path: str, encoding: str, sep: str, width: int, columns: Mapping[str, int]
) -> Iterator[dict[str, Any]]:
    """The named columns of the file (without the header row), block by block."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    coded = pa.dictionary(pa.int32(), pa.string())
    raw = {f"c{index}": name for name, index in columns.items()}
    types = {key: pa.string() if name == "case_id" else coded for key, name in raw.items()}
    stream = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            column_names=[f"c{i}" for i in range(width)],
            skip_rows=1,
            encoding=encoding,
            # pyarrow holds some dozens of buffers of the block size while it reads:
            # 512 KiB blocks need ~15 MB less at 1M cases than 1 MiB ones, at the
            # same CPU time (smaller ones cost time per block)
            block_size=1 << 19,
        ),
        parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=False),
        convert_options=pacsv.ConvertOptions(
            # the scan has decoded the whole file (and pyarrow makes UTF-8 of
            # Windows-1252 text): every cell is valid UTF-8 already
            check_utf8=False,
            include_columns=list(types),
            column_types=types,
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
        memory_pool=_pool(),
    )
    for batch in stream:
        yield {raw[key]: batch.column(key) for key in batch.schema.names}


def _pool() -> Any:
    """jemalloc gives memory back to the system soon (mimalloc keeps it).

    Not at once: the pages freed with one block are those the next block needs, and
    getting them from the system anew costs a third more CPU time in the parser (at
    1M cases, 91,000 page faults instead of 12,000) for a few MB less at the peak.
    """
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(_DECAY_MS)
    except (NotImplementedError, AttributeError):  # pragma: no cover - build without it
        return pa.default_memory_pool()
    return pool


# --------------------------------------------------------------------------- values


def _codes(column: Any) -> Any:
    """The row codes of a dictionary-coded block, as numpy (a view, no copy)."""
    import numpy as np

    indices = column.indices
    return np.frombuffer(
        indices.buffers()[1], np.int32, count=len(indices), offset=indices.offset * 4
    )


class _Memo:
    """A conversion with the values of the texts it has seen (blocks share texts)."""

    def __init__(self, convert: Callable[[str], Any]) -> None:
        self.convert = convert
        self.seen: dict[str, Any] = {}

    def __call__(self, texts: list[str]) -> list[Any]:
        values = list(map(self.seen.get, texts))
        if None not in values:  # no conversion gives None: every text was seen
            return values
        for i, text in enumerate(texts):
            if values[i] is None:
                try:
                    values[i] = self.seen[text] = self.convert(text)
                except ValueError:
                    raise _GiveUp from None
        return values

    def values(self, texts: Any, dtype: str) -> Any:
        """The value of each text of a pyarrow string array, as numpy."""
        import numpy as np

        return np.array(self(texts.to_pylist()), dtype=dtype)


class _Days(_Memo):
    """Day ordinals of dates: ``2025-03-31`` and ``31.03.2025`` at once with numpy,
    any other text (``1.3.2025``, a blank, an invalid date, a date outside the
    reader's plausible days) by the reader's own conversion, which also decides what
    is invalid."""

    def __init__(self, convert: Callable[[str], Any], plausible: tuple[int, int]) -> None:
        super().__init__(convert)
        self.plausible = plausible

    def values(self, texts: Any, dtype: str) -> Any:
        import numpy as np

        starts, lengths, data = _bytes(texts)
        result = np.zeros(len(lengths), dtype)
        done = np.zeros(len(lengths), bool)
        ten = np.flatnonzero(lengths == 10)
        if len(ten):
            days, ok = _parse_days(data[starts[ten, None] + np.arange(10)])
            first, last = self.plausible
            done[ten] = ok & (days >= first) & (days <= last)
            result[ten] = days
        rest = np.flatnonzero(~done)
        if len(rest):
            # (through the bytes: pyarrow's ``take`` would import pandas)
            bounds = zip(starts[rest].tolist(), (starts + lengths)[rest].tolist(), strict=True)
            result[rest] = self([data[a:b].tobytes().decode() for a, b in bounds])
        return result


@cache
def _day_tables() -> tuple[Any, Any]:
    """Indexed by year × 16 + month: the ordinal of the day before the month's first
    and the month's length (0 for a month or year that does not exist)."""
    import numpy as np

    years = np.arange(1, 10000)
    before = years - 1
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    first = before * 365 + before // 4 - before // 100 + before // 400
    start = np.zeros(10000 * 16, np.int32)
    length = np.zeros(10000 * 16, np.int32)
    for month in range(1, 13):
        days_before = (date(2001, month, 1) - date(2001, 1, 1)).days
        start[years * 16 + month] = first + days_before + (leap & (month > 2))
        length[years * 16 + month] = monthrange(2001, month)[1] + (leap & (month == 2))
    return start, length


def _parse_days(rows: Any) -> tuple[Any, Any]:
    """The ordinal of each 10-byte date (``YYYY-MM-DD`` or ``DD.MM.YYYY``) and whether
    it is one: ASCII digits and separators, a date in the calendar."""
    import numpy as np

    start, length = _day_tables()
    digits = np.ascontiguousarray(rows.T) - np.uint8(48)  # one row per position
    digit = digits < 10
    dash, dot = np.uint8(ord("-") - 48 + 256), np.uint8(ord(".") - 48 + 256)
    iso = (digits[4] == dash) & (digits[7] == dash) & digit[2] & digit[5]
    german = (digits[2] == dot) & (digits[5] == dot) & digit[4] & digit[7]
    for i in (0, 1, 3, 6, 8, 9):  # digits in both forms
        iso &= digit[i]
        german &= digit[i]

    def number(*positions: int) -> Any:
        value = digits[positions[0]].astype(np.int32)
        for i in positions[1:]:
            value = value * 10 + digits[i]
        return value

    if bool(iso.all()):
        year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    else:
        year = np.where(iso, number(0, 1, 2, 3), number(6, 7, 8, 9))
        month = np.where(iso, number(5, 6), number(3, 4))
        day = np.where(iso, number(8, 9), number(0, 1))
    # year 0 and months 0 or 13-99 have length 0; rows of neither form look up key 0
    key = np.where(iso | german, year * 16 + np.minimum(month, 15), 0)
    return start[key] + day, (day >= 1) & (day <= length[key])


def _converted(column: Any, convert: _Memo, dtype: str) -> Any:
    """Each row's value of *convert* applied to its text (once per distinct text)."""
    import numpy as np

    codes = _codes(column)
    if not len(column.dictionary):
        return np.zeros(len(codes), dtype)
    return convert.values(column.dictionary, dtype)[codes]


def _coder(dim: _Dim, label: Callable[[str], str]) -> _Memo:
    """The code of each text's label in *dim* (labels coded in the order they first
    appear)."""
    return _Memo(lambda text: dim.code(label(text)))


# --------------------------------------------------------------------------- cases


def _positions(reader: _Reader, path: str, header: list[str], kind: str) -> dict[str, int]:
    required, known = (
        (_REQUIRED_CASE, CASE_COLUMNS) if kind == "cases" else (_REQUIRED_EVENT, EVENT_COLUMNS)
    )
    pos = reader.columns(header, path, required, known)
    if pos is None or reader.findings:
        raise _GiveUp
    return pos


def _read_cases(reader: _Reader, path: str, encoding: str | None, delimiter: str | None) -> _Ids:
    enc, sep, header = _scan(path, encoding, delimiter)
    pos = _positions(reader, path, header, "cases")
    extra = reader.extra_columns(pos)
    wanted = [c for c in CASE_COLUMNS if c in pos] + extra
    for name in ("legal_basis", *extra):
        reader.dims.setdefault(name, _Dim(array("H"), []))
    ids = _Ids()
    values = {name: _Memo(convert) for name, convert in reader.case_values().items()}
    values["opened"] = _Days(reader.day, reader.plausible)
    values["closed"] = _Days(reader.closing_day, reader.plausible)
    values["municipality"] = _coder(reader.dims["municipality"], reader.municipality)
    for name in ("legal_basis", *extra):
        values[name] = _coder(reader.dims[name], reader.label)
    targets = {
        "opened": reader.opened,
        "closed": reader.closed,
        "birth_year": reader.birth_year,
        "sex": reader.dims["sex"].codes,
    }
    for block in _blocks(path, enc, sep, len(header), {c: pos[c] for c in wanted}):
        ids.add(block.pop("case_id"))
        for name, column in _case_block(reader, block, extra, values).items():
            # a dimension's array turns from 2-byte to 4-byte codes past 65,536 labels
            _append(targets[name] if name in targets else reader.dims[name].codes, column)
    ids.index()
    reader.cases_usable = True
    return ids


def _case_block(
    reader: _Reader, block: dict[str, Any], extra: list[str], values: dict[str, _Memo]
) -> dict[str, Any]:
    """The compact columns of one block of cases (gives up on any invalid value)."""
    import numpy as np

    n = len(block["opened"])
    out = {"opened": _converted(block["opened"], values["opened"], "int32")}
    if "closed" in block:
        out["closed"] = _converted(block["closed"], values["closed"], "int32")
        if bool((out["closed"] < out["opened"]).any()):
            raise _GiveUp
    else:
        out["closed"] = np.full(n, OPEN, np.int32)
    if "sex" in block:
        out["sex"] = _converted(block["sex"], values["sex"], "uint16")
    else:
        out["sex"] = np.full(n, reader.dims["sex"].index["unknown"], np.uint16)
    if "birth_year" in block:
        out["birth_year"] = _converted(block["birth_year"], values["birth_year"], "uint16")
    else:
        out["birth_year"] = np.zeros(n, np.uint16)
    out["municipality"] = _converted(block["municipality"], values["municipality"], "uint32")
    for name in ("legal_basis", *extra):
        if name in block:
            out[name] = _converted(block[name], values[name], "uint32")
        else:
            out[name] = np.full(n, reader.dims[name].code("unknown"), np.uint32)
    return out


def _append(target: array[int], values: Any) -> None:
    """Append a block's numpy column to a compact column of the result."""
    target.frombytes(memoryview(values.astype(f"={target.typecode}", copy=False)).cast("B"))


def _clean_edges(ids: Any) -> bool:
    """Whether no id starts or ends with a character that ``str.strip`` removes."""
    import numpy as np

    starts, lengths, data = _bytes(ids)
    edges = np.concatenate([data[starts], data[starts + lengths - 1]])
    if not bool(_stripped()[edges].any()):
        return True  # ASCII at both ends, no space among them
    import pyarrow.compute as pc  # (only here: its import takes 25 ms)

    for edge in (
        pc.utf8_slice_codeunits(ids, 0, 1),
        pc.utf8_slice_codeunits(ids, -1),
    ):
        if any(c.strip() != c for c in pc.unique(edge).to_pylist()):
            return False
    return True


@cache
def _stripped() -> Any:
    """Per byte: whether an id starting or ending with it needs a closer look (an ASCII
    character that ``str.strip`` removes, or a byte of a non-ASCII character)."""
    import numpy as np

    table = np.array([chr(b).strip() == "" for b in range(256)])
    table[128:] = True
    return table


# --------------------------------------------------------------------------- join


def _bytes(ids: Any) -> tuple[Any, Any, Any]:
    """Start, length and the bytes of each text of a pyarrow string array (no copy)."""
    import numpy as np

    _, offsets, data = ids.buffers()
    ends = np.frombuffer(offsets, np.int32, count=len(ids) + 1, offset=ids.offset * 4)
    ends = ends.astype(np.int64)
    raw = np.frombuffer(data, np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
    return ends[:-1], np.diff(ends), raw


def _hash(starts: Any, lengths: Any, data: Any) -> Any:
    """A 64-bit FNV-1a hash of each text, computed one byte position at a time."""
    import numpy as np

    h = (lengths.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
    prime, last = np.uint64(0x100000001B3), len(data) - 1
    rows = _rows(starts, lengths, data)
    if rows is not None:  # texts of one width: the same hash, column by column
        for j in range(rows.shape[1]):
            h = (h ^ rows[:, j]) * prime
        return h
    for j in range(int(lengths.max(initial=0))):
        byte = data[np.minimum(starts + j, last)]
        h = np.where(lengths > j, (h ^ byte) * prime, h)
    return h


def _rows(starts: Any, lengths: Any, data: Any) -> Any:
    """The texts as rows of a matrix (a view) when all have one width, else ``None``."""
    if not len(lengths) or lengths[0] != lengths[-1] or bool((lengths != lengths[0]).any()):
        return None
    first, width = int(starts[0]), int(lengths[0])
    return data[first : first + width * len(lengths)].reshape(len(lengths), width)


class _Ids:
    """The case pseudonyms, kept only until the events are joined to their cases.

    Cases are found by the 64-bit hash of their pseudonym in a sorted array; every
    match is then checked byte by byte, so a shared hash can never join an event to the
    wrong case (two cases sharing a hash, like a repeated id, make the reader give up).
    """

    def __init__(self) -> None:
        self.text = bytearray()  # the pseudonyms one after another
        self.ends = array("q")  # where each one ends in ``text``
        self.hashes = array("Q")

    def add(self, ids: Any) -> None:
        starts, lengths, data = _bytes(ids)
        if not len(lengths):
            return
        if lengths.min() == 0 or not _clean_edges(ids):
            raise _GiveUp  # the exact reader strips ids and refuses empty ones
        _append(self.hashes, _hash(starts, lengths, data))
        first, base = int(starts[0]), len(self.text)
        self.text += memoryview(data[first : int(starts[-1] + lengths[-1])])
        _append(self.ends, starts + lengths - first + base)

    def index(self) -> None:
        import numpy as np

        hashes = np.frombuffer(self.hashes, np.uint64)
        # (equal hashes make the reader give up, so the order among them never counts)
        self.order = np.argsort(hashes).astype(np.int32)
        self.sorted = hashes[self.order]
        del hashes
        self.hashes = array("Q")
        if bool(np.any(self.sorted[1:] == self.sorted[:-1])):
            raise _GiveUp  # a repeated case id (or, very rarely, a shared hash)
        # the sorted hashes by their top bits: the cases of bucket b are those at
        # start[b]:start[b + 1], about two per bucket
        bits = max(max(len(self.sorted), 1).bit_length() - 1, 1)
        self.shift = np.uint64(64 - bits)
        buckets = (self.sorted >> self.shift).astype(np.int64)
        self.start = np.searchsorted(buckets, np.arange((1 << bits) + 1)).astype(np.int32)
        del buckets
        # where each pseudonym starts and ends in ``text``: case i at bounds[i]:bounds[i + 1]
        self.bounds = np.zeros(len(self.ends) + 1, np.int64)
        self.bounds[1:] = np.frombuffer(self.ends, np.int64)
        self.ends = array("q")
        self.data = np.frombuffer(self.text, np.uint8) if self.text else np.zeros(1, np.uint8)
        # pseudonyms of one width (the usual export): case i at width * i
        widths = np.diff(self.bounds)
        same = len(widths) and bool((widths == widths[0]).all())
        self.width = int(widths[0]) if same else 0

    def find(self, ids: Any) -> Any:
        """The case number of each id; gives up when one is not a case."""
        import numpy as np

        starts, lengths, data = _bytes(ids)
        wanted = _hash(starts, lengths, data)
        where = np.empty(len(wanted), np.int64)
        pending = np.arange(len(wanted))
        bucket = (wanted >> self.shift).astype(np.int64)
        at, stop, keys = self.start[bucket].astype(np.int64), self.start[bucket + 1], wanted
        while len(pending):
            if bool((at >= stop).any()):
                raise _GiveUp  # an unknown case (or one with surrounding spaces)
            hit = self.sorted[at] == keys
            where[pending[hit]] = at[hit]
            miss = ~hit
            pending, at, stop, keys = pending[miss], at[miss] + 1, stop[miss], keys[miss]
        numbers = self.order[where]
        # the hash names a candidate; the bytes decide
        rows = _rows(starts, lengths, data)
        if rows is not None and self.width and rows.shape[1] == self.width:  # one width
            mine = numbers.astype(np.int64) * self.width
            if not np.array_equal(self.data[mine[:, None] + np.arange(self.width)], rows):
                raise _GiveUp
            return numbers
        mine = self.bounds[numbers]
        if not np.array_equal(self.bounds[numbers + 1] - mine, lengths):
            raise _GiveUp
        if rows is not None:  # ids of one width: all their bytes at once
            if not np.array_equal(self.data[mine[:, None] + np.arange(rows.shape[1])], rows):
                raise _GiveUp
            return numbers
        last, their_last = len(self.data) - 1, len(data) - 1
        for j in range(int(lengths.max(initial=0))):
            same = self.data[np.minimum(mine + j, last)] == data[np.minimum(starts + j, their_last)]
            if not bool(np.all(same | (lengths <= j))):
                raise _GiveUp
        return numbers


# --------------------------------------------------------------------------- events


def _read_events(
    reader: _Reader, ids: _Ids, path: str, encoding: str | None, delimiter: str | None
) -> None:
    import numpy as np

    enc, sep, header = _scan(path, encoding, delimiter)
    pos = _positions(reader, path, header, "events")
    day = _Days(reader.day, reader.plausible)
    for block in _blocks(path, enc, sep, len(header), {c: pos[c] for c in _REQUIRED_EVENT}):
        cases = ids.find(block.pop("case_id"))
        codes, texts = _codes(block["event"]), block["event"].dictionary.to_pylist()
        try:
            table = np.array([reader._event_code(reader.event_name(t)) for t in texts], np.uint32)
        except ValueError:
            raise _GiveUp from None
        if len(reader.event_names) > 65535:
            raise _GiveUp
        _append(reader.event_kind, table[codes] if len(texts) else np.zeros(len(codes), np.uint32))
        _append(reader.event_case, cases)
        _append(reader.event_day, _converted(block["date"], day, "int32"))
