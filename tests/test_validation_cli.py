"""``kommunale-integration validate``: formats, profiles, exit codes, load errors."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kommunale_integration import (
    Actor,
    Concept,
    Contact,
    FieldOfAction,
    Measure,
    Offer,
    Territory,
    TerritoryKind,
    dumps_yaml,
    save_concept,
)
from kommunale_integration._cli import main

RECENT = date.today()  # noqa: DTZ011 - the command compares with today


def _concept(**changes: object) -> Concept:
    phone = (Contact(role="Büro", phone="+49 2541 123456"),)
    concept = Concept(
        id="kreis-coesfeld",
        title="Integrationskonzept",
        territory="05558",
        territories=(Territory(ags="05558", name="Kreis Coesfeld", kind=TerritoryKind.DISTRICT),),
        fields=(FieldOfAction(id="sprache", title="Sprache"),),
        actors=(Actor(id="vhs", name="VHS", contacts=phone, last_verified=RECENT),),
        offers=(
            Offer(
                id="sprachkurs",
                name="Sprachkurs",
                actor="vhs",
                fields=("sprache",),
                last_verified=RECENT,
            ),
        ),
        measures=(Measure(id="kurse", title="Mehr Kurse", field="sprache"),),
    )
    return concept.evolve(**changes)


def _write(tmp_path: Path, concept: Concept, name: str = "konzept.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dumps_yaml(concept), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_concept_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(_write(tmp_path, _concept())))
    assert code == 0
    assert out.strip() == "0 Fehler, 0 Warnungen, 0 Hinweise."
    assert err == ""


def test_errors_exit_1_with_text_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    concept = _concept(offers=(Offer(id="kurs", name="Kurs", actor="drk", last_verified=RECENT),))
    code, out, _ = _run(capsys, str(_write(tmp_path, concept)))
    assert code == 1
    assert "Akteur „drk“ gibt es im Konzept nicht. [unknown-reference]" in out
    assert "offers[0].actor" in out


def test_json_is_exactly_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    concept = _concept(offers=(Offer(id="kurs", name="Kurs", actor="drk", last_verified=RECENT),))
    code, out, _ = _run(capsys, str(_write(tmp_path, concept)), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"ok", "findings"}
    assert data["ok"] is False
    for finding in data["findings"]:
        # Extended, not renamed: validation findings also name their subject.
        assert set(finding) == {"code", "severity", "message", "location", "subject"}
        assert set(finding["location"]) == {"file", "row", "column", "path"}
    assert data["findings"][0]["subject"] == "kurs"
    assert data["findings"][0]["code"] == "unknown-reference"
    assert data["findings"][0]["severity"] == "error"


def test_steuerung_profile_requires_responsible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(_write(tmp_path, _concept()))
    code, out, _ = _run(capsys, path, "--profile", "steuerung", "--format", "json")
    assert code == 1
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert codes == {
        "measure-without-responsible",
        "measure-without-timeframe",
        "measure-without-indicator",
    }


def test_disable_period_and_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_write(tmp_path, _concept()))
    code, out, _ = _run(
        capsys,
        path,
        "--profile",
        "steuerung",
        "--disable",
        "measure-without-responsible",
        "--disable",
        "measure-without-timeframe",
        "--lang",
        "en",
    )
    assert code == 1
    assert out.startswith("Error: ")
    assert "measures[0].indicators: Measure “kurse”: no indicator is given" in out
    assert "responsible" not in out
    assert out.strip().endswith("1 error, 0 warnings, 0 infos.")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--profile", "gibtsnicht"], "unbekanntes Prüfprofil 'gibtsnicht'"),
        (["--disable", "coverage-gaps"], "gemeint: 'coverage-gap'"),
        (["--period", "2026-Q5"], "2026-Q5"),
    ],
)
def test_wrong_usage_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    code, out, err = _run(capsys, str(_write(tmp_path, _concept())), *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
    assert out == ""


def test_unusable_input_is_reported_in_the_same_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "konzept.yaml"
    broken.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    code, out, err = _run(capsys, str(broken), "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data["ok"] is False
    assert data["findings"][0]["code"] == "invalid-yaml"
    assert data["findings"][0]["location"]["file"] == "konzept.yaml"
    code, out, err = _run(capsys, str(tmp_path / "fehlt.yaml"))
    assert code == 2
    assert out == ""
    assert "[unreadable-file]" in err
    assert "Traceback" not in err


def test_table_findings_carry_file_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = date(2020, 1, 1)
    concept = _concept(
        actors=(
            Actor(id="vhs", name="VHS", last_verified=RECENT),
            Actor(id="drk", name="DRK", last_verified=stale),
        ),
    )
    folder = save_concept(concept, tmp_path / "konzept")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    code, out, _ = _run(capsys, str(folder), "--format", "json")
    assert code == 0
    (finding,) = [f for f in json.loads(out)["findings"] if f["code"] == "stale-entry"]
    assert finding["location"]["file"] == "akteure.csv"
    assert finding["location"]["row"] == 3
    assert finding["location"]["column"] == "Zuletzt geprüft"
    assert finding["location"]["path"] == "actors[1].last_verified"
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert after == before  # the input is never modified


def test_console_script_exit_code(tmp_path: Path) -> None:
    concept = _concept(offers=(Offer(id="kurs", name="Kurs", actor="drk", last_verified=RECENT),))
    result = subprocess.run(
        [sys.executable, "-m", "kommunale_integration", "validate", str(_write(tmp_path, concept))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "[unknown-reference]" in result.stdout


def test_load_warnings_join_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = save_concept(_concept(), tmp_path / "konzept")
    table = folder / "akteure.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ";Lieblingsfarbe", *(line + ";blau" for line in lines[1:])]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = _run(capsys, str(folder), "--format", "json")
    assert code == 0
    (finding,) = json.loads(out)["findings"]
    assert finding["code"] == "unknown-column"
    assert finding["severity"] == "warning"
    assert finding["location"]["file"] == "akteure.csv"


def test_load_errors_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, str(tmp_path / "missing.yaml"), "--lang", "en")
    assert code == 2
    assert err.startswith("Error: missing.yaml: ")
    assert err.strip().endswith("1 error, 0 warnings, 0 infos.")


# --------------------------------------------------------------------------- --cases/--events

_KREIS = Path(__file__).parent.parent / "examples" / "kreis_coesfeld"


def test_cases_and_events_let_the_completeness_check_see_computed_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = [str(_KREIS), "--period", "2025", "--format", "json"]
    _code, out, _err = _run(capsys, *base)
    without = [f for f in json.loads(out)["findings"] if f["code"] == "incomplete-period"]
    assert len(without) > 6  # the case-based Kennzahlen are missing without the export
    cases, events = str(_KREIS / "cases.csv"), str(_KREIS / "events.csv")
    _code, out, _err = _run(capsys, *base, "--cases", cases, "--events", events)
    found = [f["code"] for f in json.loads(out)["findings"]]
    assert "incomplete-period" not in found


def test_cases_without_events_or_period_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cases = str(_KREIS / "cases.csv")
    code, _out, err = _run(capsys, str(_KREIS), "--period", "2025", "--cases", cases)
    assert code == 2
    assert "--events" in err
    events = str(_KREIS / "events.csv")
    code, _out, err = _run(capsys, str(_KREIS), "--cases", cases, "--events", events)
    assert code == 2
    assert "--period" in err


def test_unreadable_case_export_is_a_load_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "cases.csv"
    bad.write_text("nothing;useful\n1;2\n", encoding="utf-8")
    code, _out, err = _run(
        capsys,
        str(_KREIS),
        "--period",
        "2025",
        "--cases",
        str(bad),
        "--events",
        str(_KREIS / "events.csv"),
    )
    assert code == 2
    assert "cases.csv" in err
    assert "Traceback" not in err
