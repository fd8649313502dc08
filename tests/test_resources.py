"""Resources: wide or huge case exports, floods of findings and huge values are bounded."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

import kommunale_integration as ki
from kommunale_integration._errors import (
    FINDINGS_PER_KIND,
    MAX_MESSAGE,
    MAX_QUOTED,
    Finding,
    Location,
    Severity,
    cap_findings,
    clip,
    shown,
)

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

HEADER = "case_id,municipality,opened,closed,legal_basis,sex,birth_year"
ROW = "A1,05558012,2024-01-01,,SGB II,f,1990"


class _Pipe(io.RawIOBase):
    """A stream that cannot seek (like a pipe)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


# --------------------------------------------------------------------------- case exports


@pytest.mark.parametrize("extra", [0, 1])
def test_case_header_column_limit_boundary(extra: int) -> None:
    options = ki.CaseReadOptions(max_columns=9)
    header = HEADER + ",team,gruppe" + ",noch" * extra
    data = f"{header}\n{ROW},A,B{',x' * extra}\n".encode()
    if extra:
        with pytest.raises(ki.LoadError) as info:
            ki.read_cases(io.BytesIO(data), options=options)
        assert [f.code for f in info.value.findings] == ["too-many-columns"]
    else:
        assert len(ki.read_cases(io.BytesIO(data), options=options)) == 1


def test_a_million_columns_are_refused_at_once() -> None:
    header = HEADER + "".join(f",c{i}" for i in range(1_000_000))
    started = time.perf_counter()
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(f"{header}\n".encode()))
    assert [f.code for f in info.value.findings] == ["too-many-columns"]
    assert time.perf_counter() - started < 60  # an upper bound on a loaded machine


@pytest.mark.parametrize("kind", ["path", "stream", "pipe"])
@pytest.mark.parametrize("over", [0, 1])
def test_case_file_size_limit_boundary(tmp_path: Path, kind: str, over: int) -> None:
    data = f"{HEADER}\n{ROW}\n".encode()
    options = ki.CaseReadOptions(max_file_bytes=len(data) - over)
    source: object
    if kind == "path":
        source = tmp_path / "cases.csv"
        source.write_bytes(data)  # type: ignore[attr-defined]
    elif kind == "stream":
        source = io.BytesIO(data)
    else:
        source = io.BufferedReader(_Pipe(data))
    if over:
        with pytest.raises(ki.LoadError) as info:
            ki.read_cases(source, options=options)  # type: ignore[arg-type]
        assert [f.code for f in info.value.findings] == ["file-too-large"]
    else:
        assert len(ki.read_cases(source, options=options)) == 1  # type: ignore[arg-type]


def test_events_file_size_limit(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("case_id,event,date,detail\n" + "A1,x,2024-02-01,\n" * 100, encoding="utf-8")
    options = ki.CaseReadOptions(max_file_bytes=200)
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(cases, events, options=options)
    assert {f.location.file for f in info.value.findings} == {str(events)}


# --------------------------------------------------------------------------- findings


def _finding(path: str, code: str = "invalid-value") -> Finding:
    return Finding(
        code=code, severity=Severity.ERROR, message="m", location=Location(file="k", path=path)
    )


def test_findings_are_capped_per_code_and_place_with_a_count() -> None:
    flood = [_finding(f"history[{i}]") for i in range(1_000)]
    other = [_finding("actors[0].id", "invalid-id"), _finding("history[3]", "other-code")]
    capped = cap_findings([*flood, *other])
    assert len(capped) == FINDINGS_PER_KIND + 2 + 1
    assert capped[:FINDINGS_PER_KIND] == flood[:FINDINGS_PER_KIND]
    summary = capped[-1]
    assert summary.message == f"… and {1_000 - FINDINGS_PER_KIND:,} more like this"
    assert (summary.code, summary.location.path) == ("invalid-value", "history[]")
    # exactly at the cap nothing is summarised
    assert cap_findings(flood[:FINDINGS_PER_KIND]) == flood[:FINDINGS_PER_KIND]
    assert len(cap_findings(flood[: FINDINGS_PER_KIND + 1])) == FINDINGS_PER_KIND + 1


def test_a_huge_text_where_a_list_belongs_is_one_finding(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    measure = {"id": "m", "title": "M", "field": "f", "history": "x" * 1_000_000}
    (folder / "konzept.json").write_text(
        json.dumps({"id": "k", "title": "K", "territory": "05558", "measures": [measure]}),
        encoding="utf-8",
    )
    started = time.perf_counter()
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(folder)
    assert time.perf_counter() - started < 30  # was 82 s and 4.5 GB
    history = [f for f in info.value.findings if (f.location.path or "").endswith("history")]
    assert len(history) == 1
    assert "expected a list" in history[0].message
    assert len(history[0].message) < MAX_QUOTED + 100


def test_quoted_values_are_shortened_everywhere() -> None:
    with pytest.raises(ki.InvalidValueError) as info:
        ki.Actor(id="a" * 1_000_000, name="A")
    assert len(str(info.value)) < MAX_QUOTED + 200
    finding = Finding(code="x", severity=Severity.ERROR, message="y" * 1_000_000)
    assert len(finding.message) == MAX_MESSAGE
    assert clip("abc", 3) == "abc"
    assert clip("abcd", 3) == "a…d"
    assert len(shown("z" * 10_000)) <= MAX_QUOTED


def test_findings_of_different_rows_are_all_kept() -> None:
    rows = [
        Finding(
            code="invalid-date",
            severity=Severity.ERROR,
            message="m",
            location=Location(file="akteure.csv", row=n, column="Beginn"),
        )
        for n in range(2, 100)
    ]
    assert cap_findings(rows) == rows
