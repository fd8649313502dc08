"""The columnar reader (pyarrow) against the exact reader, on random exports.

Both readers get the same files: random dialects (comma or semicolon, UTF-8 with or
without BOM or Windows-1252, LF or CRLF, ISO or German dates), German headers behind a
mapping, columns in any order, further columns, and — in the dirty exports — bad rows
of every kind. They must give the same case data, or the same findings (code, message,
file, row, column). On clean exports the columnar reader must not give up, so that the
comparison is not between the exact reader and itself.
"""

from __future__ import annotations

import gc
import pickle
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunale_integration import CaseData, CaseReadOptions, LoadError, read_cases

pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

from kommunale_integration import _cases_fast

GERMAN = {
    "Fallnummer": "case_id",
    "Gemeinde": "municipality",
    "Beginn": "opened",
    "Ende": "closed",
    "Rechtskreis": "legal_basis",
    "Geschlecht": "sex",
    "Geburtsjahr": "birth_year",
    "Ereignis": "event",
    "Datum": "date",
}
CANONICAL = {v: v for v in GERMAN.values()}
AGS = ["05558004", "05558008", "05566012", "05570016"]
EVENTS = ["language_course_started", "employment_started", "Beratung Süd"]
FIRST = date(2024, 1, 1).toordinal()
LAST = date(2026, 6, 30).toordinal()


def date_text(draw: Any, day: int) -> str:
    d = date.fromordinal(day)
    style = draw(st.sampled_from(["iso", "de", "de-short"]))
    if style == "iso":
        return d.isoformat()
    if style == "de":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    return f"{d.day}.{d.month}.{d.year}"


def cell(draw: Any, clean: list[str], dirty: list[str], is_dirty: bool) -> str:
    if is_dirty and draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(dirty))
    return draw(st.sampled_from(clean))


@st.composite
def exports(draw: Any, dirty: bool) -> dict[str, Any]:
    n = draw(st.integers(0, 12))
    ids = draw(
        st.lists(st.from_regex(r"[A-Za-z0-9-]{1,7}", fullmatch=True), min_size=n, max_size=n)
    )
    ids = list(dict.fromkeys(ids))
    case_rows = []
    for case_id in ids:
        opened = draw(st.integers(FIRST, LAST))
        closed = ""
        if draw(st.booleans()):
            closed = date_text(draw, draw(st.integers(opened, LAST)))
        row = {
            "case_id": case_id,
            "municipality": cell(draw, AGS, ["5558004", " 05558004", "0555800x"], dirty),
            "opened": cell(draw, [date_text(draw, opened)], ["2025-02-30", "31/12/2025"], dirty),
            "closed": cell(draw, [closed], ["2023-01-01", "soon"], dirty),
            "legal_basis": draw(st.sampled_from(["AsylbLG", "SGB II", " SGB II ", ""])),
            "sex": cell(draw, ["f", "M", "w", "divers", " m", "", "unknown"], ["q"], dirty),
            "birth_year": cell(draw, ["", "1990", "2010"], ["90", "19x0", "0001", "9999"], dirty),
            "team": cell(draw, ["Nord", "Süd", " Süd", ""], ["kim@example.org"], dirty),
        }
        if dirty and draw(st.integers(0, 12)) == 0:
            row["case_id"] = draw(st.sampled_from(["", " " + case_id, ids[0]]))
        case_rows.append(row)
    event_rows = []
    for _ in range(draw(st.integers(0, 15))):
        if not ids:
            break
        event_rows.append(
            {
                "case_id": cell(draw, ids, ["nobody", " " + ids[0]], dirty),
                "event": cell(draw, EVENTS, ["", " employment_started"], dirty),
                "date": cell(draw, [date_text(draw, draw(st.integers(FIRST, LAST)))], ["x"], dirty),
                "detail": draw(st.sampled_from(["", "B1"])),
            }
        )
    return {
        "cases": case_rows,
        "events": event_rows,
        "delimiter": draw(st.sampled_from([",", ";"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "german": draw(st.booleans()),
        "order": draw(st.permutations(list(range(8)))),
        # a bad line: wrong number of fields, a blank line, a quoted field, an identifier
        "damage": draw(st.sampled_from(["fields", "blank", "quote", "identifier"]))
        if dirty and draw(st.booleans())
        else None,
    }


def write(folder: Path, export: dict[str, Any]) -> tuple[Path, Path, dict[str, str]]:
    names = GERMAN if export["german"] else CANONICAL
    rename = {canonical: header for header, canonical in names.items()}
    sep, newline = export["delimiter"], export["newline"]
    case_columns = [
        ["case_id", "municipality", "opened", "closed", "legal_basis", "sex", "birth_year", "team"][
            i
        ]
        for i in export["order"]
    ]
    lines = [sep.join(rename.get(c, c) for c in case_columns)]
    lines += [sep.join(row[c] for c in case_columns) for row in export["cases"]]
    damage = export["damage"]
    if damage == "fields" and len(lines) > 1:
        lines[1] += sep
    elif damage == "blank":
        lines.insert(len(lines) // 2 + 1, "")
    elif damage == "quote" and len(lines) > 1:
        lines[-1] = lines[-1].replace("Süd", '"Sü"d', 1) if "Süd" in lines[-1] else '""' + sep
    elif damage == "identifier":
        lines = [line + sep + ("Vorname" if i == 0 else "x") for i, line in enumerate(lines)]
    event_columns = ["case_id", "event", "date", "detail"]
    event_lines = [sep.join(rename.get(c, c) for c in event_columns)]
    event_lines += [sep.join(row[c] for c in event_columns) for row in export["events"]]
    encoding = export["encoding"]
    cases = folder / "cases.csv"
    events = folder / "events.csv"
    cases.write_bytes(newline.join([*lines, ""]).encode(encoding))
    events.write_bytes(newline.join([*event_lines, ""]).encode(encoding))
    return cases, events, GERMAN if export["german"] else {}


def canonical(data: CaseData) -> dict[str, Any]:
    """Everything a :class:`CaseData` says, independent of the order of its codes."""
    dims = {name: [labels[c] for c in codes] for name, (codes, labels) in data.dimensions.items()}
    events = sorted(
        (data.event_names[k], c, d)
        for k, c, d in zip(data.event_kind, data.event_case, data.event_day, strict=True)
    )
    return {
        "opened": list(data.opened),
        "closed": list(data.closed),
        "birth_year": list(data.birth_year),
        "dims": dims,
        "labels": {name: sorted(labels) for name, (_, labels) in data.dimensions.items()},
        "events": events,
        "event_counts": data.event_counts,
    }


def outcome(cases: Path, events: Path, mapping: dict[str, str], fast: bool) -> Any:
    try:
        data = read_cases(cases, events, mapping=mapping, options=CaseReadOptions(fast=fast))
    except LoadError as error:
        return [
            (f.code, f.message, f.location.file, f.location.row, f.location.column)
            for f in error.findings
        ]
    return canonical(data)


FAST = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@FAST
@given(exports(dirty=False))
def test_fast_reader_reads_clean_exports_like_the_exact_reader(
    tmp_path_factory: pytest.TempPathFactory, export: dict[str, Any]
) -> None:
    cases, events, mapping = write(tmp_path_factory.mktemp("x"), export)
    fast = _cases_fast.read_fast(
        cases, events, mapping=mapping, encoding=None, delimiter=None, options=CaseReadOptions()
    )
    assert fast is not None, "the columnar reader gave up on a clean export"
    assert canonical(fast) == outcome(cases, events, mapping, fast=False)
    assert outcome(cases, events, mapping, fast=True) == canonical(fast)


@FAST
@given(exports(dirty=True))
def test_fast_and_exact_readers_agree_on_dirty_exports(
    tmp_path_factory: pytest.TempPathFactory, export: dict[str, Any]
) -> None:
    """Same values or the same findings, with file, row and column."""
    cases, events, mapping = write(tmp_path_factory.mktemp("x"), export)
    assert outcome(cases, events, mapping, fast=True) == outcome(cases, events, mapping, fast=False)


def test_fast_reader_gives_up_on_each_kind_of_problem(tmp_path: Path) -> None:
    """Each problem sends the files to the exact reader (whose findings they get)."""
    header = "case_id,municipality,opened,closed,legal_basis,sex,birth_year\n"
    good = "a,05558004,2025-01-01,,SGB II,f,1990\n"
    event_header = "case_id,event,date,detail\n"
    bad_cases = {
        "repeated id": good + good,
        "empty id": good + ",05558004,2025-01-01,,SGB II,f,1990\n",
        "id with a space": " b,05558004,2025-01-01,,SGB II,f,1990\n",
        "7-digit AGS": "b,5558004,2025-01-01,,SGB II,f,1990\n",
        "bad date": "b,05558004,2025-02-30,,SGB II,f,1990\n",
        "closed before opened": "b,05558004,2025-02-03,2025-02-01,SGB II,f,1990\n",
        "bad sex": "b,05558004,2025-01-01,,SGB II,q,1990\n",
        "bad year": "b,05558004,2025-01-01,,SGB II,f,90\n",
        "too many fields": "b,05558004,2025-01-01,,SGB II,f,1990,\n",
        "quoted field": 'b,05558004,2025-01-01,,"SGB II",f,1990\n',
    }
    for problem, rows in bad_cases.items():
        path = tmp_path / "cases.csv"
        path.write_text(header + good + rows if problem != "repeated id" else header + rows)
        options = CaseReadOptions()
        found = _cases_fast.read_fast(
            path, None, mapping=None, encoding=None, delimiter=None, options=options
        )
        assert found is None, problem
    bad_events = {
        "unknown case": "b,employment_started,2025-01-01,\n",
        "empty event": "a,,2025-01-01,\n",
        "bad date": "a,employment_started,1.13.2025,\n",
        "too few fields": "a,employment_started\n",
    }
    (tmp_path / "cases.csv").write_text(header + good)
    for problem, rows in bad_events.items():
        path = tmp_path / "events.csv"
        path.write_text(event_header + rows)
        found = _cases_fast.read_fast(
            tmp_path / "cases.csv",
            path,
            mapping=None,
            encoding=None,
            delimiter=None,
            options=CaseReadOptions(),
        )
        assert found is None, problem
    # and with none of these problems it reads
    (tmp_path / "events.csv").write_text(event_header + "a,employment_started,01.02.2025,\n")
    data = _cases_fast.read_fast(
        tmp_path / "cases.csv",
        tmp_path / "events.csv",
        mapping=None,
        encoding=None,
        delimiter=None,
        options=CaseReadOptions(),
    )
    assert data is not None
    assert data.event_counts == {"employment_started": 1}


def test_fast_reader_drops_the_pseudonyms(tmp_path: Path) -> None:
    """No case id is referenced from the result or left among the live objects."""
    cases = tmp_path / "cases.csv"
    events = tmp_path / "events.csv"
    ids = [f"PSEUDO{i:05d}X" for i in range(300)]
    cases.write_text(
        "case_id,municipality,opened\n" + "".join(f"{i},05558004,2025-01-01\n" for i in ids)
    )
    events.write_text(
        "case_id,event,date\n" + "".join(f"{i},employment_started,2025-02-01\n" for i in ids)
    )
    data = _cases_fast.read_fast(
        cases, events, mapping=None, encoding=None, delimiter=None, options=CaseReadOptions()
    )
    assert data is not None
    gc.collect()
    dump = repr(data) + repr(data.dimensions) + repr(data.events)
    assert "PSEUDO" not in dump
    assert b"PSEUDO" not in pickle.dumps(data)
    pa = sys.modules["pyarrow"]
    # no Arrow buffer that the reader allocated is still alive
    assert pa.jemalloc_memory_pool().bytes_allocated() == 0


def test_streams_and_disabled_fast_reader_use_the_exact_reader(tmp_path: Path) -> None:
    import io

    text = b"case_id,municipality,opened\na,05558004,2025-01-01\n"
    data = read_cases(io.BytesIO(text))
    assert len(data) == 1
    path = tmp_path / "cases.csv"
    path.write_bytes(text)
    assert canonical(read_cases(path, options=CaseReadOptions(fast=False))) == canonical(data)


def test_the_join_finds_every_case_across_blocks() -> None:
    """Pseudonyms of several blocks, of every length, looked up in random order."""
    import numpy as np
    import pyarrow as pa

    names = [f"K{i}" * (1 + i % 3) for i in range(5000)]
    ids = _cases_fast._Ids()
    for first in range(0, len(names), 1700):  # blocks of different sizes
        ids.add(pa.array(names[first : first + 1700]))
    ids.index()
    order = np.random.default_rng(7).permutation(len(names))
    wanted = pa.array([names[i] for i in order]).slice(3)  # an offset into the buffers
    assert ids.find(wanted).tolist() == order[3:].tolist()
    with pytest.raises(_cases_fast._GiveUp):
        ids.find(pa.array(["K1", "K0K0K0"]))  # not a case


def test_the_join_of_pseudonyms_of_one_width() -> None:
    """Pseudonyms of one width (the usual export), in blocks of one and of mixed widths."""
    import numpy as np
    import pyarrow as pa

    names = [f"K{i:07d}-{i % 997:03d}" for i in range(3000)]
    ids = _cases_fast._Ids()
    ids.add(pa.array(names[:1000]))  # one width
    ids.add(pa.array(["x", *names[1000:]]))  # mixed widths
    ids.index()
    number = {name: i if i < 1000 else i + 1 for i, name in enumerate(names)}
    order = np.random.default_rng(3).permutation(len(names))
    wanted = pa.array([names[i] for i in order]).slice(5, 2000)  # one width
    assert ids.find(wanted).tolist() == [number[names[i]] for i in order[5:2005]]
    assert ids.find(pa.array([names[1500], "x", names[7]])).tolist() == [1501, 1000, 7]
    with pytest.raises(_cases_fast._GiveUp):
        ids.find(pa.array([names[7], "K", names[9]]))  # "K" is no case


def test_the_join_compares_bytes_not_only_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a hash that every pseudonym of a length shares, the bytes decide."""
    import numpy as np
    import pyarrow as pa

    monkeypatch.setattr(
        _cases_fast, "_hash", lambda starts, lengths, data: lengths.astype(np.uint64) << 40
    )
    ids = _cases_fast._Ids()
    ids.add(pa.array(["a", "bb", "ccc"]))
    ids.index()
    assert ids.find(pa.array(["ccc", "a", "bb"])).tolist() == [2, 0, 1]
    with pytest.raises(_cases_fast._GiveUp):
        ids.find(pa.array(["bx"]))  # the hash of "bb", other bytes
    with pytest.raises(_cases_fast._GiveUp):
        ids.find(pa.array(["a", "bx"]))  # the same among widths
    shared = _cases_fast._Ids()
    shared.add(pa.array(["a", "b"]))
    with pytest.raises(_cases_fast._GiveUp):
        shared.index()  # two cases share a hash: the exact reader reads the export
    # cases of one width (checked by position, not by their bounds)
    monkeypatch.setattr(
        _cases_fast,
        "_hash",
        lambda starts, lengths, data: (
            data[starts].astype(np.uint64) << 40 | lengths.astype(np.uint64)
        ),
    )
    same = _cases_fast._Ids()
    same.add(pa.array(["ab", "cd"]))
    same.add(pa.array(["ef"]))
    same.index()
    assert same.find(pa.array(["ef", "ab", "cd"])).tolist() == [2, 0, 1]
    for other in (["ax"], ["ab", "cx"], ["e"], ["efg"]):
        with pytest.raises(_cases_fast._GiveUp):
            same.find(pa.array(other))  # the hash of a case, other bytes or width
    # an empty id with the hash of a case among cases of mixed widths
    monkeypatch.setattr(
        _cases_fast, "_hash", lambda starts, lengths, data: lengths.astype(np.uint64) % 2
    )
    mixed = _cases_fast._Ids()
    mixed.add(pa.array(["ab", "c"]))
    mixed.index()
    assert mixed.find(pa.array(["c", "ab"])).tolist() == [1, 0]
    with pytest.raises(_cases_fast._GiveUp):
        mixed.find(pa.array([""]))


# ASCII digits and their neighbours, separators, a space, a digit that is not ASCII
DATE_ALPHABET = "0123456789/:-. x\u0663"
CALENDAR_EDGES = [
    "2024-02-29",
    "29.02.2024",
    "2023-02-29",
    "29.02.2023",
    "1900-02-29",
    "2000-02-29",
    "2024-03-31",
    "2024-03-32",
    "2024-04-31",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2025-13-01",
    "2025-00-10",
    "00.01.2025",
    "2025/01/01",
    "01-01-2025",
]
# each character of a date replaced by the characters just after "9" and before "0"
CALENDAR_EDGES += [
    text[:at] + other + text[at + 1 :]
    for text in ("2025-01-11", "11.01.2025")
    for at in range(10)
    for other in ":/"
]


@st.composite
def ten_character_dates(draw: Any) -> str:
    """Dates of 10 characters: valid ones in both forms, near misses, noise."""
    kind = draw(st.sampled_from(["iso", "de", "damaged", "fields", "noise"]))
    if kind in ("iso", "de", "damaged"):
        d = date.fromordinal(draw(st.integers(1, date.max.toordinal())))
        text = d.isoformat() if kind != "de" else f"{d.day:02d}.{d.month:02d}.{d.year:04d}"
        if kind == "damaged":  # one character replaced
            at = draw(st.integers(0, 9))
            text = text[:at] + draw(st.sampled_from(DATE_ALPHABET)) + text[at + 1 :]
        return text
    if kind == "fields":  # right shape, any numbers: month 00 or 13, day 00 or 31 of June
        year, month, day = (draw(st.integers(0, n)) for n in (9999, 99, 99))
        if draw(st.booleans()):
            return f"{year:04d}-{month:02d}-{day:02d}"
        return f"{day:02d}.{month:02d}.{year:04d}"
    return "".join(draw(st.lists(st.sampled_from(DATE_ALPHABET), min_size=10, max_size=10)))


@settings(deadline=None)
@given(st.lists(ten_character_dates(), min_size=1, max_size=40))
def test_dates_at_once_are_the_exact_readers_dates(texts: list[str]) -> None:
    """The vectorised dates: each one the reader accepts, with the reader's day; every
    other text is left to the reader's own conversion (which then reports it)."""
    import numpy as np

    from kommunale_integration._cases import _Reader

    reader = _Reader(None, CaseReadOptions())
    reader.plausible = (1, date.max.toordinal())  # the calendar here; plausibility below
    # every calendar edge each time; texts of other byte lengths are not parsed here
    texts = [t for t in CALENDAR_EDGES + texts if len(t.encode()) == 10]
    data = "".join(texts).encode()
    rows = np.frombuffer(data, np.uint8).reshape(len(texts), 10)
    days, ok = _cases_fast._parse_days(rows)
    for text, day, found in zip(texts, days.tolist(), ok.tolist(), strict=True):
        try:
            expected = reader.day(text)
        except ValueError:
            assert not found, text
            continue
        if found:
            assert day == expected, text
        else:  # only texts with surrounding spaces are left to the reader
            assert text != text.strip(), text


def test_dates_of_a_block_with_other_forms_and_blanks(tmp_path: Path) -> None:
    """Short German dates, blanks and both forms of 10 characters in one column."""
    import pyarrow as pa

    from kommunale_integration._cases import OPEN, _Reader

    reader = _Reader(None, CaseReadOptions())
    texts = ["2025-03-31", "1.3.2025", "", "29.02.2024", "01.03.2025", "2024-02-29"]
    days = _cases_fast._Days(reader.closing_day, reader.plausible).values(pa.array(texts), "int32")
    expected = [reader.closing_day(t) for t in texts]
    assert days.tolist() == expected
    assert expected[2] == OPEN
    with pytest.raises(_cases_fast._GiveUp):
        _cases_fast._Days(reader.day, reader.plausible).values(pa.array(["2025-02-29"]), "int32")


def test_ids_with_a_stripped_character_at_either_end_are_found() -> None:
    """Every ASCII character and some others, at the start, the end or inside an id:
    the check agrees with ``str.strip``."""
    import pyarrow as pa

    chars = [chr(c) for c in range(1, 128)] + ["\u0085", "\u00a0", "\u2003", "ä", "\u3000"]
    for char in chars:
        for text in (f"{char}K1", f"K1{char}", f"K{char}1"):
            assert _cases_fast._clean_edges(pa.array(["K0", text])) == (text == text.strip())


def test_reading_and_counting_do_not_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas (about 0.3 s) when it converts to or from numpy; the
    columnar reader and the counter use the buffers."""
    import subprocess

    cases = tmp_path / "cases.csv"
    events = tmp_path / "events.csv"
    cases.write_text(
        "case_id,municipality,opened,closed,sex\n"
        "a,05558004,2025-01-01,,f\nb,05558008,1.2.2025,31.12.2025,m\n"
    )
    events.write_text("case_id,event,date\na,employment_started,2025-02-01\n")
    script = (
        "import sys\n"
        "from kommunale_integration import read_cases, compute_indicators\n"
        "from kommunale_integration import _cases_fast\n"
        f"assert _cases_fast.read_fast({str(cases)!r}, {str(events)!r}, mapping=None, "
        "encoding=None, delimiter=None, options=__import__('kommunale_integration')."
        "CaseReadOptions()) is not None\n"
        f"data = read_cases({str(cases)!r}, {str(events)!r})\n"
        "table = compute_indicators(cases=data, periods=['2025'], by=['sex'], "
        "include_subperiods=True, disclosure=None)\n"
        "list(table.records())\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_the_scan_decodes_every_chunk_that_is_not_ascii(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ASCII chunks are not decoded, but a character cut by a chunk's end is finished
    by the next chunk, whatever it holds: a stray byte is found wherever it stands."""
    monkeypatch.setattr(_cases_fast, "_SCAN_CHUNK", 64)
    header = b"case_id,municipality,opened\n"
    path = tmp_path / "cases.csv"

    def scan(body: bytes) -> None:
        path.write_bytes(header + body)
        _cases_fast._scan(str(path), "utf-8", ",")

    filler = b"a" * (64 - len(header) - 1)
    scan(filler + "ä".encode() + b"b" * 100)  # a character across two chunks
    scan(b"b" * 200 + "Süd".encode())
    for body in (
        filler + b"\xc3" + b"b" * 64 + b"\xa4",  # a lead byte, an ASCII chunk, the rest
        filler + b"\xc3",  # a lead byte at the end
        b"b" * 130 + b"\xff" + b"b" * 10,  # a byte that is never UTF-8
    ):
        with pytest.raises(UnicodeDecodeError):
            scan(body)
    path.write_bytes(header + b"b" * 100 + b'"')
    with pytest.raises(_cases_fast._GiveUp):
        _cases_fast._scan(str(path), "utf-8", ",")
