"""The command line: load errors exit with 2 and one sentence per problem; convert."""

from __future__ import annotations

from pathlib import Path

import pytest

import kommunale_integration as ki
from kommunale_integration._cli import main

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

MAIN = """\
id: kreis-test
title: Testkonzept
territory: "05558"
territories:
  - {ags: "05558012", name: Coesfeld, kind: town}
actors:
  - {id: kreis, name: Kreis Coesfeld}
"""


def test_broken_tables_exit_2_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # the German messages, word for word
    source = tmp_path / "k"
    source.mkdir()
    (source / "konzept.yaml").write_text(MAIN, encoding="utf-8")
    (source / "akteure.csv").write_bytes(
        "Name;Gemeinden;Gegründet\nCaritas;Coesfled;31.02.2016\n".encode("cp1252")
    )
    (source / "angebote.csv").write_text('Name;Träger\nKurs;kreis\nTreff;"kre', encoding="utf-8")
    assert main(["convert", str(source), str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines == [
        'Fehler: akteure.csv, Zeile 2, Spalte "Gemeinden": "Coesfled" ist keine bekannte Gemeinde',
        'Fehler: akteure.csv, Zeile 2, Spalte "Gegründet": "31.02.2016" ist kein gültiges Datum '
        "(erwartet z. B. 31.12.2016 oder 2016-12-31)",
        "Fehler: angebote.csv, Zeile 3: Datei endet mitten in einem Wert "
        "(Anführungszeichen nicht geschlossen)",
    ]
    assert not (tmp_path / "out.yaml").exists()


def test_invalid_yaml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "k.yaml").write_text("id: [\n", encoding="utf-8")
    assert main(["convert", str(tmp_path / "k.yaml"), str(tmp_path / "k.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: k.yaml, row ")
    assert "Traceback" not in err


def test_convert_folder_to_yaml_and_back_to_excel_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "k"
    source.mkdir()
    (source / "konzept.yaml").write_text(MAIN, encoding="utf-8")
    (source / "angebote.csv").write_text("Name;Träger;Kosten\nKurs;Kreis Coesfeld;1,50\n")
    assert main(["convert", str(source), str(tmp_path / "all.yaml")]) == 0
    assert "all.yaml" in capsys.readouterr().out
    single = ki.load_concept(tmp_path / "all.yaml")
    assert single == ki.load_concept(source)
    assert (
        main(["convert", str(tmp_path / "all.yaml"), str(tmp_path / "x"), "--tables", "xlsx"]) == 0
    )
    assert (tmp_path / "x" / "angebote.xlsx").is_file()
    assert ki.load_concept(tmp_path / "x") == single


def test_convert_refuses_to_overwrite_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.yaml").write_text(MAIN, encoding="utf-8")
    assert main(["convert", str(tmp_path / "k.yaml"), str(tmp_path / "k.yaml")]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert (tmp_path / "k.yaml").read_text(encoding="utf-8") == MAIN
