"""ValidationReport: views, text, JSON, atomic writing and load errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    Finding,
    LoadError,
    Location,
    OutputError,
    Severity,
    ValidationReport,
)

ERROR = Finding(
    code="unknown-reference",
    severity=Severity.ERROR,
    message="Angebot „kurs“: Akteur „drk“ gibt es im Konzept nicht.",
    location=Location(file="angebote.csv", row=4, column="Träger", path="offers[2].actor"),
)
WARNING = Finding(
    code="stale-entry",
    severity=Severity.WARNING,
    message="Akteur „vhs“: zuletzt am 01.01.2024 überprüft, vor mehr als 12 Monaten.",
    location=Location(path="actors[0].last_verified"),
)
INFO = Finding(code="coverage-gap", severity=Severity.INFO, message="Olfen: keine Angebote.")


def test_views() -> None:
    report = ValidationReport(findings=[ERROR, WARNING, INFO], profile="konzept")
    assert not report.ok
    assert report.errors == (ERROR,)
    assert report.warnings == (WARNING,)
    assert report.infos == (INFO,)
    assert report.codes() == {"unknown-reference", "stale-entry", "coverage-gap"}
    assert report.count()["stale-entry"] == 1
    assert report.by_code("coverage-gap") == (INFO,)
    assert list(report) == [ERROR, WARNING, INFO]
    assert len(report) == 3
    assert ValidationReport(findings=[WARNING, INFO]).ok


def test_flatten_rows() -> None:
    rows = ValidationReport(findings=[ERROR, INFO]).flatten()
    assert rows[0] == {
        "code": "unknown-reference",
        "severity": "error",
        "message": ERROR.message,
        "file": "angebote.csv",
        "row": 4,
        "column": "Träger",
        "path": "offers[2].actor",
    }
    assert rows[1]["file"] is None
    assert rows[1]["path"] is None


def test_text_in_german_and_english() -> None:
    report = ValidationReport(findings=[ERROR, WARNING, INFO])
    german = report.to_text()
    assert german.splitlines()[0] == (
        'Fehler: angebote.csv, Zeile 4, Spalte "Träger", offers[2].actor: '
        "Angebot „kurs“: Akteur „drk“ gibt es im Konzept nicht. [unknown-reference]"
    )
    assert german.splitlines()[2] == "Hinweis: Olfen: keine Angebote. [coverage-gap]"
    assert german.splitlines()[-1] == "1 Fehler, 1 Warnung, 1 Hinweis."
    english = report.to_text("en")
    assert english.splitlines()[0].startswith('Error: angebote.csv, row 4, column "Träger"')
    assert english.splitlines()[-1] == "1 error, 1 warning, 1 info."
    assert ValidationReport().to_text() == "0 Fehler, 0 Warnungen, 0 Hinweise."


def test_json_contract() -> None:
    data = json.loads(ValidationReport(findings=[ERROR]).to_json())
    assert data == {
        "ok": False,
        "findings": [
            {
                "code": "unknown-reference",
                "severity": "error",
                "message": ERROR.message,
                "location": {
                    "file": "angebote.csv",
                    "row": 4,
                    "column": "Träger",
                    "path": "offers[2].actor",
                },
            }
        ],
    }


def test_write_json_is_atomic_and_refuses_inputs(tmp_path: Path) -> None:
    report = ValidationReport(findings=[WARNING])
    target = report.write_json(tmp_path / "out" / "befunde.json")
    assert json.loads(target.read_text(encoding="utf-8")) == report.to_dict()
    assert [p.name for p in target.parent.iterdir()] == ["befunde.json"]
    source = tmp_path / "konzept.yaml"
    source.write_text("id: x\n", encoding="utf-8")
    with pytest.raises(OutputError):
        report.write_json(source, inputs=[source])
    assert source.read_text(encoding="utf-8") == "id: x\n"


def test_from_load_error_orders_errors_first() -> None:
    error = LoadError([INFO, ERROR])
    report = ValidationReport.from_load_error(error)
    assert report.findings == (ERROR, INFO)
    assert report.profile is None
    assert not report.ok


def test_one_order_of_severities_for_loads_and_validation() -> None:
    """Errors, then warnings, then hints: one rank (``Severity.rank``) for both listings."""
    assert sorted(Severity, key=lambda s: s.rank) == [
        Severity.ERROR,
        Severity.WARNING,
        Severity.INFO,
    ]
    error = LoadError([INFO, WARNING, ERROR])
    assert ValidationReport.from_load_error(error).findings == (ERROR, WARNING, INFO)


_findings = st.builds(
    Finding,
    code=st.sampled_from(["a-b", "c-d", "e"]),
    severity=st.sampled_from(list(Severity)),
    message=st.text(min_size=1, max_size=20),
    location=st.builds(
        Location,
        file=st.none() | st.just("x.csv"),
        row=st.none() | st.integers(1, 9),
        path=st.none() | st.just("offers[0]"),
    ),
)


@given(st.lists(_findings, max_size=8))
def test_json_round_trip_and_partition(findings: list[Finding]) -> None:
    report = ValidationReport(findings=findings)
    data = json.loads(report.to_json())
    assert data["ok"] == report.ok == (not any(f.severity is Severity.ERROR for f in findings))
    assert [f["message"] for f in data["findings"]] == [f.message for f in findings]
    assert len(report.errors) + len(report.warnings) + len(report.infos) == len(findings)
    assert len(report.to_text().splitlines()) == len(findings) + 1
