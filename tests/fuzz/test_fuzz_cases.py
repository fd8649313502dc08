"""Fuzzing the case-export reader: any bytes give CaseData or a LoadError, never a case id.

The exports use distinctive random-looking pseudonyms; whatever the damage (flipped,
deleted, inserted bytes, truncation, shifted cells, other encodings), no finding and no
error text may contain one of them.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

_FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))

IDS = [f"ZQ{n:04d}X{(n * 7919) % 9973:04d}" for n in range(12)]
MUNICIPALITIES = ("05558004", "05558008", "05558012")
EVENTS = ("language_course_started", "employment_started", "counselling_session")


def valid_export(delimiter: str = ",") -> tuple[bytes, bytes]:
    cases = [
        delimiter.join(
            ["case_id", "municipality", "opened", "closed", "legal_basis", "sex", "birth_year"]
        )
    ]
    for number, case in enumerate(IDS):
        closed = "" if number % 3 else "30.06.2025"
        cases.append(
            delimiter.join(
                [
                    case,
                    MUNICIPALITIES[number % 3],
                    f"2024-0{1 + number % 9}-1{number % 9}",
                    closed,
                    "SGB II",
                    "fmd"[number % 3],
                    str(1970 + number),
                ]
            )
        )
    events = [delimiter.join(["case_id", "event", "date", "detail"])]
    for number, case in enumerate(IDS):
        events.append(delimiter.join([case, EVENTS[number % 3], "2025-03-01", "B1"]))
    return ("\n".join(cases) + "\n").encode(), ("\n".join(events) + "\n").encode()


def read(cases: bytes, events: bytes | None, **kwargs: Any) -> ki.CaseData | ki.LoadError:
    try:
        return ki.read_cases(
            io.BytesIO(cases), None if events is None else io.BytesIO(events), **kwargs
        )
    except ki.LoadError as error:
        return error


def check(outcome: ki.CaseData | ki.LoadError) -> None:
    if isinstance(outcome, ki.LoadError):
        assert outcome.findings
        texts = [str(outcome), *(str(f) for f in outcome.findings)]
        texts += [f.location.column or "" for f in outcome.findings]
        for finding in outcome.findings:
            assert finding.code
            assert finding.message
    else:
        assert isinstance(outcome, ki.CaseData)
        texts = [repr(outcome), repr(outcome.dimensions)]
    for text in texts:
        for case in IDS:
            assert case not in text, f"case id {case} revealed: {text[:200]!r}"


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """*data* with a few random edits: flip, delete, insert, duplicate or truncate."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        kind = draw(st.sampled_from(["flip", "delete", "insert", "copy", "cut", "delimiter"]))
        at = draw(st.integers(0, len(out) - 1))
        if kind == "flip":
            out[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 8))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "copy":
            end = min(len(out), at + draw(st.integers(1, 40)))
            out[at:at] = out[at:end]
        elif kind == "cut":
            del out[at:]
        else:
            out[at:at] = draw(st.sampled_from([b",", b";", b"\t", b'"', b"\n", b"\r"]))
    return bytes(out)


@_FUZZ
@given(st.binary(max_size=400), st.binary(max_size=400))
def test_arbitrary_bytes(cases: bytes, events: bytes) -> None:
    check(read(cases, events))


@_FUZZ
@given(st.data(), st.sampled_from([",", ";", "\t"]))
def test_mutated_exports_never_reveal_a_case_id(data: st.DataObject, delimiter: str) -> None:
    cases, events = valid_export(delimiter)
    target = data.draw(st.sampled_from(["cases", "events", "both"]))
    if target in {"cases", "both"}:
        cases = data.draw(mutated(cases))
    if target in {"events", "both"}:
        events = data.draw(mutated(events))
    check(read(cases, events))


@_FUZZ
@given(
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]),
    st.text(max_size=60),
    st.integers(0, 11),
)
def test_encodings_and_strange_text(encoding: str, text: str, row: int) -> None:
    cases, events = valid_export(";")
    lines = cases.decode().splitlines()
    cells = lines[row + 1].split(";")
    cells[4] = text.replace(";", " ").replace("\n", " ").replace("\r", " ").replace('"', "")
    lines[row + 1] = ";".join(cells)
    data = ("\n".join(lines) + "\n").encode(encoding, errors="replace")
    check(read(data, events))


@_FUZZ
@given(st.integers(0, 2000))
def test_truncated_exports(cut: int) -> None:
    cases, events = valid_export()
    check(read(cases[:cut], events))
    check(read(cases, events[:cut]))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_shifted_cells_never_reveal_a_case_id(data: st.DataObject) -> None:
    """A missing or extra delimiter moves a pseudonym into a column whose value is quoted."""
    cases, events = valid_export(",")
    lines = cases.decode().splitlines()
    row = data.draw(st.integers(1, len(lines) - 1))
    cells = lines[row].split(",")
    shift = data.draw(st.integers(1, 5))
    lines[row] = ",".join([""] * shift + cells)
    event_lines = events.decode().splitlines()
    erow = data.draw(st.integers(1, len(event_lines) - 1))
    event_lines[erow] = "," + event_lines[erow]
    outcome = read(("\n".join(lines) + "\n").encode(), ("\n".join(event_lines) + "\n").encode())
    assert isinstance(outcome, ki.LoadError)
    check(outcome)


def test_very_long_cell_and_many_columns() -> None:
    cases, events = valid_export()
    long_cell = cases.replace(b"SGB II", b"S" * 2_000_000, 1)
    check(read(long_cell, events))
    wide_header = cases.splitlines()[0] + b"," + b",".join(b"c%d" % i for i in range(20_000))
    wide = b"\n".join([wide_header, *cases.splitlines()[1:]]) + b"\n"
    check(read(wide, events))
    long_line = b"a" * 5_000_000
    check(read(long_line, None))


def test_export_without_header_row_reveals_no_case_id() -> None:
    cases, events = valid_export(";")
    headerless = b"\n".join(cases.splitlines()[1:]) + b"\n"
    outcome = read(headerless, b"\n".join(events.splitlines()[1:]) + b"\n")
    assert isinstance(outcome, ki.LoadError)
    assert {f.code for f in outcome.findings} == {"missing-column"}
    assert "header row" in str(outcome.findings[0])
    check(outcome)


def test_cells_in_the_wrong_order_reveal_no_case_id() -> None:
    cases, events = valid_export(",")
    lines = cases.decode().splitlines()
    for row in range(1, len(lines)):
        cells = lines[row].split(",")
        # the case id lands in every quoted column: municipality, dates, sex, birth year
        cells[1:3] = [cells[0], cells[0]]
        cells[5:7] = [cells[0], cells[0]]
        cells[0] = f"other{row}"
        lines[row] = ",".join(cells)
    outcome = read(("\n".join(lines) + "\n").encode(), events)
    assert isinstance(outcome, ki.LoadError)
    assert {f.location.column for f in outcome.findings} >= {"municipality", "opened", "sex"}
    check(outcome)
