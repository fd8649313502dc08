"""``indicators --output kennzahlen.xlsx``: the Kennzahlen for a spreadsheet in any
language. A German Excel opens the tidy CSV (commas, decimal points) as one column; the
workbook has typed cells instead: numbers are numbers, the AGS keeps its zero."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from kommunale_integration._cli import main

openpyxl = pytest.importorskip("openpyxl")

CASES = """case_id,municipality,opened,closed,legal_basis,sex,birth_year,gruppe
SYN-1,05566096,2025-11-03,,AsylbLG,f,1990,=1+1
SYN-2,05566096,2026-01-12,,AsylbLG,m,1986,=1+1
SYN-3,05566096,2026-02-02,,SGB II,f,1979,=1+1
SYN-4,05566096,2026-02-16,2026-09-30,SGB II,m,2001,=1+1
SYN-5,05566096,2026-03-09,,AufenthG,f,1995,b
SYN-6,05566096,2026-04-20,,AsylbLG,m,2004,b
SYN-7,05566096,2026-05-04,,SGB II,d,1988,b
SYN-8,05566096,2026-06-15,,AufenthG,m,1972,b
SYN-9,05566096,2026-07-06,,AufenthG,f,1993,b
"""
EVENTS = """case_id,event,date,detail
SYN-1,language_course_started,2026-01-05,A1
SYN-2,language_course_started,2026-02-02,A1
SYN-3,language_course_started,2026-03-02,A2
SYN-5,language_course_started,2026-04-13,A1
SYN-1,language_course_completed,2026-07-10,B1
SYN-4,vocational_training_started,2026-08-01,
SYN-3,employment_started,2026-09-01,
SYN-8,employment_started,2026-10-01,
SYN-9,employment_started,2026-11-02,
"""


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    Path("cases.csv").write_text(CASES, encoding="utf-8")
    Path("events.csv").write_text(EVENTS, encoding="utf-8")
    files = ["--cases", "cases.csv", "--events", "events.csv"]
    return ["indicators", "--period", "2026", "--only", *files]


def _sheet(path: str) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Kennzahlen"]
    return list(book.active.iter_rows(values_only=True))


def test_the_workbook_holds_the_rows_of_the_csv_with_typed_cells(export: list[str]) -> None:
    assert main([*export, "--output", "k.csv"]) == 0
    assert main([*export, "--output", "k.xlsx"]) == 0  # the suffix chooses the format
    table = list(csv.reader(io.StringIO(Path("k.csv").read_text(encoding="utf-8"))))
    rows = _sheet("k.xlsx")
    assert len(rows) == len(table) == 19
    value = table[0].index("value")
    for text, cells in zip(table, rows, strict=True):
        for column, (shown, cell) in enumerate(zip(text, cells, strict=True)):
            if column == value and text is not table[0]:
                assert cell is None or isinstance(cell, (int, float))
                number = None if cell is None else Decimal(str(cell))
                assert number == (Decimal(shown) if shown else None)
            else:
                assert cell == shown
    by_key = {(r[0], r[2]): r for r in rows}
    assert by_key[("placement_rate", "05566096")][3] == 44.4  # a number, not '44.4'
    assert by_key[("active_cases", "05566096")][2] == "05566096"  # the zero is kept
    assert by_key[("language_course_completions", "05566096")][3:] == (None, "suppressed")


def test_a_dimension_value_is_never_a_formula(export: list[str]) -> None:
    assert main([*export, "--by", "gruppe", "--format", "xlsx", "--output", "k.xlsx"]) == 0
    book = openpyxl.load_workbook("k.xlsx")
    cells = [row[3] for row in book.active.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {"'=1+1", "b", "_T"}
    assert {c.data_type for c in cells} == {"s"}


def test_a_workbook_needs_a_file_and_an_internal_one_says_so(
    export: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*export, "--format", "xlsx"]) == 2
    assert "--output" in capsys.readouterr().err
    assert main([*export, "--no-suppression", "--output", "k.xlsx"]) == 2
    assert "ihr Dateiname muss das sagen, z. B. kennzahlen-intern.xlsx" in capsys.readouterr().err
    assert not Path("k.xlsx").exists()
    assert main([*export, "--no-suppression", "--output", "k-intern.xlsx"]) == 0
    rows = _sheet("k-intern.xlsx")
    assert ("language_course_completions", "2026", "05566096", 1, "ok") in rows
