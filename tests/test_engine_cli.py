"""The ``indicators`` sub-command (contract of DESIGN §8)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import kommunale_integration as ki
from helpers import run_cli
from kommunale_integration._cli import main

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

CASES = """case_id;municipality;opened;closed;legal_basis;sex;birth_year
{rows}"""
EVENTS = "case_id;event;date;detail\n{rows}"


@pytest.fixture
def export(tmp_path: Path) -> tuple[Path, Path]:
    rows = []
    for i in range(40):
        mun = "05558004" if i < 25 else "05558008"
        sex = "f" if i % 2 else "m"
        rows.append(f"ID{i};{mun};01.0{1 + i % 9}.2025;;SGB II;{sex};1990")
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES.format(rows="\n".join(rows)) + "\n", encoding="cp1252")
    events = tmp_path / "events.csv"
    event_rows = [f"ID{i};employment_started;15.10.2025;" for i in range(0, 40, 3)]
    events.write_text(EVENTS.format(rows="\n".join(event_rows)) + "\n", encoding="cp1252")
    return cases, events


run = run_cli


def test_year_with_quarters_and_months(
    capsys: pytest.CaptureFixture[str], export: tuple[Path, Path]
) -> None:
    cases, events = export
    code, out, err = run(
        capsys, "indicators", "--period", "2025", "--cases", str(cases), "--events", str(events)
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["indicator", "period", "territory", "value", "status"]
    assert {r["period"] for r in rows} == {
        "2025",
        *(f"2025-Q{q}" for q in range(1, 5)),
        *(f"2025-{m:02d}" for m in range(1, 13)),
    }
    assert {r["territory"] for r in rows} == {"all", "05558", "05558004", "05558008"}
    total = next(
        r
        for r in rows
        if (r["indicator"], r["period"], r["territory"]) == ("active_cases", "2025", "all")
    )
    assert (total["value"], total["status"]) == ("40", "ok")
    assert "ID" not in out + err


def test_only_by_and_json_output_file(
    capsys: pytest.CaptureFixture[str], export: tuple[Path, Path], tmp_path: Path
) -> None:
    cases, events = export
    target = tmp_path / "out" / "k.json"
    code, out, err = run(
        capsys, "indicators", "--period", "2025", "--only", "--cases", str(cases),
        "--events", str(events), "--by", "sex,legal_basis", "--format", "json",
        "--output", str(target),
    )  # fmt: skip
    assert (code, out) == (0, "")
    assert f"written: {target}\n" in err  # where the table went, on stderr
    payload = json.loads(target.read_text(encoding="utf-8"))
    assert payload["columns"] == [
        "indicator", "period", "territory", "sex", "legal_basis", "value", "status",
    ]  # fmt: skip
    assert {r["period"] for r in payload["rows"]} == {"2025"}
    assert payload["internal"] is False
    placements = [
        r for r in payload["rows"]
        if r["indicator"] == "placements" and r["territory"] == "all" and r["legal_basis"] == "_T"
    ]  # fmt: skip
    assert {r["sex"]: r["value"] for r in placements}["_T"] == 14


def test_no_suppression_is_marked(
    capsys: pytest.CaptureFixture[str], export: tuple[Path, Path], tmp_path: Path
) -> None:
    cases, events = export
    plain = tmp_path / "k.csv"
    code, _, err = run(
        capsys, "indicators", "--period", "2025-Q1", "--cases", str(cases), "--events",
        str(events), "--no-suppression", "--output", str(plain),
    )  # fmt: skip
    assert code == 2
    assert "intern" in err
    assert not plain.exists()
    target = tmp_path / "k-intern.csv"
    package = tmp_path / "paket"
    code, _, err = run(
        capsys, "indicators", "--period", "2025-Q1", "--cases", str(cases), "--events",
        str(events), "--no-suppression", "--output", str(target), "--datapackage", str(package),
    )  # fmt: skip
    assert code == 0
    assert "internal use only" in err
    assert f"written: {package / 'datapackage.json'}\nwritten: {target}\n" in err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("indicator,period,territory,value,status\n")
    assert "suppressed" not in text
    assert (package / "indicators-intern.csv").read_text(encoding="utf-8") == text
    assert json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["internal"]


def test_threshold_below_an_indicators_minimum_is_explained(
    capsys: pytest.CaptureFixture[str], export: tuple[Path, Path]
) -> None:
    cases, events = export
    code, _, err = run(
        capsys, "indicators", "--period", "2025", "--only", "--cases", str(cases),
        "--events", str(events), "--threshold", "2",
    )  # fmt: skip
    assert code == 0
    assert "--threshold 2 does not apply to active_cases (3)" in err
    code, _, err = run(
        capsys, "indicators", "--period", "2025", "--only", "--cases", str(cases),
        "--events", str(events), "--threshold", "4",
    )  # fmt: skip
    assert code == 0
    assert "--threshold" not in err


def test_datapackage_option(
    capsys: pytest.CaptureFixture[str], export: tuple[Path, Path], tmp_path: Path
) -> None:
    cases, events = export
    code, _, err = run(
        capsys, "indicators", "--period", "2025", "--only", "--cases", str(cases), "--events",
        str(events), "--datapackage", str(tmp_path / "pkg"),
    )  # fmt: skip
    assert code == 0, err
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["resources"][0]["path"] == "indicators.csv"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["indicators", "--period", "2025"], "nothing to compute"),
        (["indicators", "--period", "2025", "--cases", "x.csv"], "belong together"),
        (["indicators", "--period", "2025-Q9", "--cases", "{c}", "--events", "{e}"], "2025-Q9"),
        (["indicators", "--period", "2025", "--cases", "{c}", "--events", "{e}",
          "--by", "nationality"], "nationality"),
        (["indicators", "--period", "2025", "--cases", "{c}", "--events", "{c}"],
         "required column"),
        (["indicators", "--period", "2025", "--cases", "{c}", "--events", "{e}",
          "--output", "{c}"], "overwrite"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str],
    export: tuple[Path, Path],
    argv: list[str],
    message: str,
) -> None:
    cases, events = export
    argv = [a.format(c=cases, e=events) for a in argv]
    before = cases.read_bytes()
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert "ID1" not in err
    assert cases.read_bytes() == before


def test_missing_period_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["indicators"])
    assert info.value.code == 2


def test_concept_without_cases_says_what_is_left_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    concept = tmp_path / "konzept.yaml"
    concept.write_text(
        "id: k\ntitle: K\nterritory: '05558'\n"
        "indicators:\n  - {id: active_cases, name: Aktiv, numerator: {count: active}}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "indicators", str(concept), "--period", "2025", "--only")
    assert code == 0, err
    assert out == "indicator,period,territory,value,status\n"
    assert "active_cases count cases" in err


def test_json_file_name_gives_json_without_format(
    capsys: pytest.CaptureFixture[str], export: tuple[Path, Path], tmp_path: Path
) -> None:
    """The suffix of --output chooses the format when --format is left out."""
    cases, events = export
    base = ["indicators", "--period", "2025", "--only", "--cases", str(cases), "--events",
            str(events)]  # fmt: skip
    code, _, _ = run(capsys, *base, "--output", str(tmp_path / "k.json"))
    assert code == 0
    assert json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))["rows"]
    code, _, err = run(capsys, *base, "--output", str(tmp_path / "k.csv"), "--format", "json")
    assert code == 2
    assert "does not fit the file name" in err
    assert not (tmp_path / "k.csv").exists()


def test_events_named_otherwise_are_named_not_counted_as_zero_in_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case management that writes "Sprachkurs begonnen" for
    ``language_course_started`` gave 0 course starts without a word (found following the
    tutorial for Stadt Lörrach): the missing and the uncounted events are named."""
    from kommunale_integration._engine.compute import unmatched_events

    cases = tmp_path / "cases.csv"
    cases.write_text(
        "case_id,municipality,opened,closed\nA,08336050,2026-01-05,\nB,08336050,2026-01-06,\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "case_id,event,date\nA,Sprachkurs begonnen,2026-02-01\nB,Sprachkurs begonnen,2026-02-02\n"
        "B,employment_started,2026-03-01\n",
        encoding="utf-8",
    )
    args = ["indicators", "--period", "2026", "--only", "--cases", str(cases)]
    assert main([*args, "--events", str(events), "--output", str(tmp_path / "k.csv")]) == 0
    err = capsys.readouterr().err
    assert "language_course_started" in err
    assert "'Sprachkurs begonnen' (2)" in err
    assert "employment_started" not in err.split("no Kennzahl")[1]  # it is counted
    data = ki.read_cases(cases, events)
    missing, other = unmatched_events(ki.default_indicators(), data)
    assert "language_course_started" in missing
    assert other == {"Sprachkurs begonnen": 2}
    # With the events named as the Kennzahlen count them: not a word.
    events.write_text(
        events.read_text("utf-8").replace("Sprachkurs begonnen", "language_course_started"), "utf-8"
    )
    assert main([*args, "--events", str(events), "--output", str(tmp_path / "k.csv")]) == 0
    assert "of which the case export has none" not in capsys.readouterr().err
