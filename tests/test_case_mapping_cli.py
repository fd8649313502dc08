"""``--mapping FILE``: a case export with its own headers (``Fallnummer``, ``Gemeinde``
…) on the command line, as ``read_cases(mapping=…)`` reads it in Python. Most towns'
case management is not KIM and does not write the canonical English headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunale_integration._cli import main

CANONICAL = (
    "case_id,municipality,opened,closed,legal_basis,sex,birth_year\n",
    "case_id,event,date,detail\n",
)
OWN = (
    "Fallnummer;Gemeinde;Beginn;Ende;Rechtskreis;Geschlecht;Geburtsjahr\n",
    "Fallnummer;Ereignis;Datum;Detail\n",
)
MAPPING = """\
Fallnummer: case_id
Gemeinde: municipality
Beginn: opened
Ende: closed
Rechtskreis: legal_basis
Geschlecht: sex
Geburtsjahr: birth_year
Ereignis: event
Datum: date
Detail: detail
"""
CASES = [f"SYN-{i},15084550,2026-0{1 + i % 6}-03,,AsylbLG,{'fm'[i % 2]},1990" for i in range(9)]
EVENTS = [f"SYN-{i},language_course_started,2026-07-0{1 + i % 5}," for i in range(5)]


def _export(folder: Path, headers: tuple[str, str], delimiter: str) -> list[str]:
    folder.mkdir()
    cases, events = folder / "cases.csv", folder / "events.csv"
    cases.write_text(headers[0] + "".join(f"{r}\n" for r in CASES).replace(",", delimiter))
    events.write_text(headers[1] + "".join(f"{r}\n" for r in EVENTS).replace(",", delimiter))
    return ["--cases", str(cases), "--events", str(events)]


@pytest.fixture
def own(tmp_path: Path) -> list[str]:
    (tmp_path / "spalten.yaml").write_text(MAPPING, encoding="utf-8")
    return _export(tmp_path / "own", OWN, ";")


def test_an_export_with_its_own_headers_gives_the_same_table(
    tmp_path: Path, own: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["indicators", "--period", "2026", "--only", "--by", "sex"]
    assert main([*command, *_export(tmp_path / "canonical", CANONICAL, ",")]) == 0
    canonical = capsys.readouterr().out
    assert "language_course_starts,2026,15084550,_T,5,ok" in canonical
    assert main([*command, *own, "--mapping", str(tmp_path / "spalten.yaml")]) == 0
    assert capsys.readouterr().out == canonical
    # Without the mapping the headers are missing columns, and the first says why.
    assert main([*command, *own]) == 2
    err = capsys.readouterr().err
    assert 'die Pflichtspalte "case_id" fehlt' in err
    assert err.count("--mapping DATEI auf der Befehlszeile") == 1  # once, not per column
    assert 'die Pflichtspalte "opened" fehlt (gefundene Spalten: ' in err


def test_the_report_reads_the_mapping_too(tmp_path: Path, own: list[str]) -> None:
    assert main(["init", str(tmp_path / "weissenfels"), "--ags", "15084550"]) == 0
    mapping = ["--mapping", str(tmp_path / "spalten.yaml")]
    out = tmp_path / "bericht.md"
    command = ["report", str(tmp_path / "weissenfels"), "--period", "2026", *own, *mapping]
    assert main([*command, "--output", str(out)]) == 0
    assert "| Begonnene Sprachkurse (Personen) | 5 |" in out.read_text(encoding="utf-8")


AFTER = "erwartet nach dem Doppelpunkt den Namen einer Spalte (case_id, municipality, opened"
BEFORE = "erwartet vor dem Doppelpunkt einen Spaltenkopf des Exports"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Fallnummer\n- case_id\n", "erwartet je Spaltenkopf des Exports eine Zeile"),
        ("", "erwartet je Spaltenkopf des Exports eine Zeile"),
        # each wrong line with its number, what it holds and what was expected
        ("Fallnummer: [case_id]\n", (f"Zeile 1: {AFTER}", "erhalten: 'Fallnummer: [case_id]'")),
        # an empty column name made the header vanish ("case_id is missing")
        ("Fallnummer: ''\n", f"Zeile 1: {AFTER}"),
        ("'': case_id\n", f"Zeile 1: {BEFORE}, erhalten: \"'': case_id\""),
        # 1e400 is a number (YAML's inf), not the name of a column or a header
        (
            "Fallnummer: case_id\nGemeinde: 1e400\n",
            (f"Zeile 2: {AFTER}", "erhalten: 'Gemeinde: 1e400'; bitte"),
        ),
        ("1e400: case_id\n", f"Zeile 1: {BEFORE}, erhalten: '1e400: case_id'; ein Spaltenkopf aus"),
        ("Fallnummer: case_id\n2024: birth_year\n", f"Zeile 2: {BEFORE}"),
        ("Fallnummer: case_id\nFallnummer: x\n", "Fallnummer"),
        ("Fallnummer: 'case_id\n", "YAML"),
    ],
)
def test_a_wrong_mapping_is_refused_with_its_file(
    tmp_path: Path,
    own: list[str],
    capsys: pytest.CaptureFixture[str],
    text: str,
    expected: str | tuple[str, ...],
) -> None:
    (tmp_path / "falsch.yaml").write_text(text, encoding="utf-8")
    command = ["indicators", "--period", "2026", *own, "--mapping", str(tmp_path / "falsch.yaml")]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "falsch.yaml" in err
    for part in (expected,) if isinstance(expected, str) else expected:
        assert part in err
    assert "Traceback" not in err


def test_a_mapping_needs_the_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "spalten.yaml").write_text(MAPPING, encoding="utf-8")
    command = ["indicators", "--period", "2026", "--mapping", str(tmp_path / "spalten.yaml")]
    assert main(command) == 2
    assert "--mapping benennt die Spaltenköpfe eines Fallexports" in capsys.readouterr().err
    assert main([*command[:-1], str(tmp_path / "fehlt.yaml"), "--cases", "c", "--events", "e"]) == 2


def test_a_finding_names_the_column_as_the_export_has_it(
    tmp_path: Path, own: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Not 'Spalte "municipality"': the file has no such column, it has "Gemeinde"."""
    cases = Path(own[1])
    cases.write_text(
        cases.read_text().replace("SYN-3;15084550;", "SYN-3;Weißenfels;"), encoding="utf-8"
    )
    mapping = ["--mapping", str(tmp_path / "spalten.yaml")]
    command = ["indicators", "--period", "2026", *own, *mapping]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert 'cases.csv, Zeile 5, Spalte "Gemeinde": erwartet einen 8-stelligen AGS' in err
    assert '"municipality"' not in err
    # the events of the refused case: named by the events file's own header
    assert 'events.csv, Zeile 5, Spalte "Fallnummer": das Ereignis verweist' in err


def test_a_header_of_the_mapping_that_the_export_lacks_is_a_warning(
    tmp_path: Path, own: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A mapping shared by several exports (the towns of a Kreis, two versions of a case
    management) names headers that one export lacks: a warning with the mapping's file,
    line and header and the headers found, not an error — and not silence either (a typo
    in "Geschlecht" dropped the breakdown by sex without a word)."""
    shared = tmp_path / "kreis.yaml"
    shared.write_text(MAPPING + "Staatsangehörigkeit: nationality\nGeschlechtt: sex\n")
    command = ["indicators", "--period", "2026", "--only", *own]
    assert main([*command, "--mapping", str(tmp_path / "spalten.yaml")]) == 0
    alone = capsys.readouterr()
    assert alone.err == ""
    assert main([*command, "--mapping", str(shared)]) == 0
    out, err = capsys.readouterr()
    assert out == alone.out
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(
        f'Warnung: {shared}, Zeile 11: die Zuordnung nennt den Spaltenkopf "Staatsangehörigkeit" '
        "(für die Spalte nationality), den keine Datei des Exports hat"
    )
    assert lines[1].startswith(
        f'Warnung: {shared}, Zeile 12: die Zuordnung nennt den Spaltenkopf "Geschlechtt"'
    )
    cases, events = own[1], own[3]
    assert lines[1].endswith(
        f"(gefundene Spaltenköpfe: {cases}: Fallnummer, Gemeinde, Beginn, Ende, Rechtskreis, "
        f"Geschlecht, Geburtsjahr; {events}: Fallnummer, Ereignis, Datum, Detail)"
    )


def test_a_line_is_judged_only_against_the_files_that_were_read(
    tmp_path: Path, own: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Without the events, the lines of their headers are not said unused; in Python the
    mapping of a dict is warned of without a file."""
    from kommunale_integration import read_cases

    mapping = dict(line.split(": ") for line in MAPPING.splitlines())
    with caplog.at_level("WARNING", logger="kommunale_integration"):
        read_cases(own[1], mapping=mapping)
        assert caplog.records == []
        read_cases(own[1], mapping={**mapping, "Nation": "nationality"})
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        'die Zuordnung nennt den Spaltenkopf "Nation"'
    ]
