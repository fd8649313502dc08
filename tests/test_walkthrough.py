"""What an integration officer of a town other than Coesfeld met, following the README
and the tutorial with tables of their own (Stadt Pirna, Sachsen, twentieth session):
each message now says what to do."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import kommunale_integration as ki
from helpers import run_cli

_ACTORS = (
    "Name;Kategorie;Ehrenamtlich;Gemeinden;Handlungsfelder;Zielgruppen\n"
    "Stadtverwaltung Pirna;Behörde;nein;Pirna;beratung;Geflüchtete\n"
    "Volkshochschule Pirna;Bildungsträger;nein;Pirna;sprache;Neuzugewanderte\n"
    "Willkommensbündnis Pirna e.V.;Ehrenamtliche Initiative;ja;Pirna;Teilhabe;Geflüchtete\n"
)
_OFFERS = (
    "Name;Träger;Handlungsfelder;Sprachen;Gemeinden;Kosten\n"
    "Integrationskurs;Volkshochschule Pirna;sprache;de;Pirna;0\n"
    "Sprachcafé;volkshochschule-pirna;teilhabe;de, ar;Pirna;0\n"
    "Beratung;Stadtverwaltung Pirna;beratung;de;Pirna;0\n"
)


@pytest.fixture(scope="module")
def pirna(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = ki.init_concept(tmp_path_factory.mktemp("walk") / "pirna", ags="14628270")
    (folder / "akteure.csv").write_text(_ACTORS, encoding="cp1252")
    (folder / "angebote.csv").write_text(_OFFERS, encoding="cp1252")
    return folder


def test_a_reference_to_an_actor_whose_row_failed_names_that_row(
    pirna: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The offer's Träger "Volkshochschule Pirna" was "not a known actor (neither id
    nor name)" — though it stands in akteure.csv, whose row was refused for its
    category: by name and by the id made from the name, the reference names that row."""
    code, _, err = run_cli(capsys, "validate", pirna)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("Fehler")]
    assert lines[0].startswith('Fehler: akteure.csv, Zeile 3, Spalte "Kategorie": „Bildungs')
    refused = (
        "ist der Akteur aus akteure.csv, Zeile 3, der nicht gelesen werden konnte: bitte "
        "den dort gemeldeten Fehler beheben"
    )
    assert f'angebote.csv, Zeile 2, Spalte "Träger": "Volkshochschule Pirna" {refused}' in err
    assert f'angebote.csv, Zeile 3, Spalte "Träger": "volkshochschule-pirna" {refused}' in err
    assert "kein bekannter Akteur" not in err
    assert len(lines) == 3


def test_a_code_written_with_a_capital_names_the_code(
    pirna: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Teilhabe" for the Handlungsfeld "teilhabe" (titled "Gesellschaftliche
    Teilhabe") was "Handlungsfeld „Teilhabe“ gibt es im Konzept nicht" and no more; a
    German name of a category that looks like a code ("Bildungseinrichtung", listed by
    the refusal) is that category."""
    text = (pirna / "akteure.csv").read_text(encoding="cp1252")
    (pirna / "akteure.csv").write_text(
        text.replace("Bildungsträger", "Bildungseinrichtung"), encoding="cp1252"
    )
    code, out, _ = run_cli(capsys, "validate", pirna)
    assert code == 1
    (line,) = [line for line in out.splitlines() if line.startswith("Fehler")]
    assert line == (
        'Fehler: akteure.csv, Zeile 4, Spalte "Handlungsfelder", actors[2].fields[0]: '
        "Akteur „willkommensbuendnis-pirna-e-v“: Handlungsfeld „Teilhabe“ gibt es im "
        "Konzept nicht; gemeint ist wohl „teilhabe“ (ein Code wird in seiner eigenen "
        "Groß- und Kleinschreibung geschrieben). [unknown-reference]"
    )
    concept = ki.load_concept(pirna)
    assert [a.category for a in concept.actors] == [
        "authority",
        "education",
        "volunteer-initiative",
    ]
    (pirna / "akteure.csv").write_text(text, encoding="cp1252")


@pytest.mark.parametrize(
    "text",
    [
        'Name;Beschreibung\n"A";"Zeile eins\nZeile zwei\n"Kurs";x\n',  # across lines
        'Name,Beschreibung\nA,"ein "Zitat" hier"\n',
    ],
)
def test_a_quotation_mark_not_doubled_says_what_to_do(text: str) -> None:
    """A quote inside a value in quotes was "CSV-Datei ist fehlerhaft: „';' expected
    after '"'“" (Python's words): now the row where the value begins and the remedy."""
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(io.BytesIO(text.encode()), "actors", name="a.csv")
    (finding,) = info.value.findings
    assert (finding.code, finding.location.file, finding.location.row) == (
        "unreadable-file",
        "a.csv",
        2,
    )
    assert finding.message.endswith('bitte das Zeichen verdoppeln ("") oder entfernen')


def test_an_unknown_key_is_named_as_the_file_writes_it(tmp_path: Path) -> None:
    """YAML's ``~:`` was the unknown key "None" (Python's word for null)."""
    source = tmp_path / "konzept.yaml"
    source.write_text(
        'id: k\ntitle: K\nterritory: "05558012"\n~: x\ntrue: y\n1.50: z\n', encoding="utf-8"
    )
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(source)
    (finding,) = info.value.findings
    assert finding.code == "unknown-key"
    assert "Schlüssel 1.50, null, true (bitte" in finding.message
