"""The findings of the HSDS import speak the language of the run: German by default,
English on request (``LANG``), like every other message (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import set_locale
from kommunale_integration._cli import main

GERMAN = "Warnung: o.json, $.services[0]: ein Datensatz service hat keine ID; er erhielt die ID "
ENGLISH = "warning: o.json, $.services[0]: a service record has no id; it was given the id "


@pytest.mark.parametrize(
    ("lang", "expected", "other"),
    [("de_DE.UTF-8", GERMAN, ENGLISH), ("en_GB.UTF-8", ENGLISH, GERMAN)],
)
def test_a_missing_id_is_reported_in_the_language_of_the_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    expected: str,
    other: str,
) -> None:
    set_locale(monkeypatch, lang)
    monkeypatch.chdir(tmp_path)
    organization = {"id": "o1", "name": "Verein", "services": [{"name": "Kurs"}]}
    Path("o.json").write_text(json.dumps(organization), encoding="utf-8")
    assert main(["import", "hsds", "o.json", "--output", "x.yaml"]) == 0
    err = capsys.readouterr().err
    assert expected in err, err
    assert other not in err
    assert ("keine ID" in err) is lang.startswith("de")


@pytest.mark.parametrize(
    ("lang", "summary"),
    [
        (
            "de_DE.UTF-8",
            "1 Akteur und 1 Angebot importiert; 1 Wert ohne Platz im Modell als Zusatzangaben "
            "(extras) behalten; 1 Warnung\n",
        ),
        (
            "en_GB.UTF-8",
            "imported 1 actor and 1 offer; 1 value without a place in the model kept as "
            "extras; 1 warning\n",
        ),
    ],
)
def test_the_summary_counts_in_the_singular_and_plural(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    summary: str,
) -> None:
    """Not "1 warnings" (seventeenth session's testers): every count of the summary has
    the plural form of the catalogue that fits it."""
    set_locale(monkeypatch, lang)
    monkeypatch.chdir(tmp_path)
    organization = {
        "id": "o1",
        "name": "Verein",
        "services": [{"id": "s1", "name": "Kurs", "x_raum": "5"}],
    }
    Path("o.json").write_text(json.dumps(organization), encoding="utf-8")
    assert main(["import", "hsds", "o.json", "--output", "x.yaml"]) == 0
    assert capsys.readouterr().err.endswith(summary)
    organization["services"] = [
        {"id": f"s{i}", "name": "Kurs", "x_raum": "5", "x_farbe": "rot"} for i in range(2)
    ]
    organization["x_notiz"] = "alt"
    Path("o.json").write_text(json.dumps(organization), encoding="utf-8")
    assert main(["import", "hsds", "o.json", "--output", "y.yaml"]) == 0
    many = capsys.readouterr().err.splitlines()[-1]
    assert many.startswith(
        ("1 Akteur und 2 Angebote importiert; 5 Werte ", "imported 1 actor and 2 offers; 5 values ")
    ), many


@pytest.mark.parametrize(
    ("lang", "expected", "other"),
    [
        (
            "de_DE.UTF-8",
            (
                "Fehler: o.json, $.services[0].name: Dienst s1 hat keinen Namen\n",
                "'x_farbe' hat keinen Platz im Modell; in den Extras von Akteur 'verein' "
                "aufbewahrt\n",
                "'x_raum' hat keinen Platz im Modell; in den Extras von Angebot 'angebot' "
                "aufbewahrt\n",
            ),
            ("actor", "offer", "service"),
        ),
        (
            "en_GB.UTF-8",
            (
                "error: o.json, $.services[0].name: the service s1 has no name\n",
                "'x_farbe' has no place in the model; kept in the extras of actor 'verein'\n",
                "'x_raum' has no place in the model; kept in the extras of offer 'angebot'\n",
            ),
            ("Akteur", "Angebot", "Dienst"),
        ),
    ],
)
def test_the_kind_of_a_record_is_named_in_the_language_of_the_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    expected: tuple[str, ...],
    other: tuple[str, ...],
) -> None:
    """Not "in den Extras von actor 'verein'": the kind is a word of the message."""
    set_locale(monkeypatch, lang)
    monkeypatch.chdir(tmp_path)
    organization = {
        "id": "o1",
        "name": "Verein",
        "x_farbe": "grün",
        "services": [{"id": "s1", "name": "", "x_raum": "5"}],
    }
    Path("o.json").write_text(json.dumps(organization), encoding="utf-8")
    main(["import", "hsds", "o.json", "--output", "x.yaml"])
    err = capsys.readouterr().err
    for line in expected:
        assert line in err, err
    for word in other:
        assert f" {word} " not in err, err


def test_an_id_of_megabytes_is_cut_in_the_message_of_a_nameless_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hostile id (1 MB) was quoted 2,000 characters long; the import quotes at most
    its usual few characters of any foreign value."""
    set_locale(monkeypatch, "de_DE.UTF-8")
    monkeypatch.chdir(tmp_path)
    organization = {"id": "o1", "name": "Verein", "services": [{"id": "s" * 1_000_000}]}
    Path("o.json").write_text(json.dumps(organization), encoding="utf-8")
    main(["import", "hsds", "o.json", "--output", "x.yaml"])
    line = next(x for x in capsys.readouterr().err.splitlines() if "hat keinen Namen" in x)
    assert len(line) < 200, len(line)
    assert "…" in line


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "de_DE.UTF-8",
            (
                "Fehler: o.json, $.id: erwartet eine Zahl, einen Text in Anführungszeichen, "
                "true, false oder null, erhalten: NaN; JSON kennt kein NaN (RFC 8259)",
                "Fehler: o.json, $.services[1].name: erwartet eine Zahl, einen Text in "
                "Anführungszeichen, true, false oder null, erhalten: -Infinity;",
            ),
        ),
        (
            "en_GB.UTF-8",
            (
                "error: o.json, $.id: expected a number, a text in quotes, true, false or "
                "null, got NaN: JSON has no NaN (RFC 8259); write null where there is no value",
                "error: o.json, $.services[1].name: expected a number, a text in quotes, "
                "true, false or null, got -Infinity:",
            ),
        ),
    ],
)
def test_nan_is_refused_with_its_json_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    expected: tuple[str, str],
) -> None:
    """``"id": NaN`` (Python's json reads it; JSON has no NaN) was taken for a missing id
    and the organisation got a new one: refused with the file and the JSONPath."""
    set_locale(monkeypatch, lang)
    monkeypatch.chdir(tmp_path)
    Path("o.json").write_text(
        '{"id": NaN, "name": "Verein", "services": '
        '[{"id": "s1", "name": "Kurs"}, {"id": "s2", "name": -Infinity}]}',
        encoding="utf-8",
    )
    assert main(["import", "hsds", "o.json", "--output", "x.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith(expected[0]), err
    assert err.splitlines()[1].startswith(expected[1]), err
    assert len(err.splitlines()) == 2
    assert not Path("x.yaml").exists()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "de_DE.UTF-8",
            "Warnung: organization.json, $.id: als ID des Datensatzes organization wurde "
            "ein Text in Anführungszeichen erwartet (HSDS: eine UUID), nicht die Zahl 5; "
            "sie wurde als Text '5' gelesen\n",
        ),
        (
            "en_GB.UTF-8",
            "warning: organization.json, $.id: expected a text in quotes as the id of the "
            "organization record (HSDS: a UUID), got the number 5; it was read as the text '5'\n",
        ),
    ],
)
def test_a_numeric_id_is_named_with_its_json_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    expected: str,
) -> None:
    set_locale(monkeypatch, lang)
    monkeypatch.chdir(tmp_path)
    Path("organization.json").write_text('{"id": 5, "name": "Verein"}', encoding="utf-8")
    assert main(["import", "hsds", "organization.json", "--output", "x.yaml"]) == 0
    assert expected in capsys.readouterr().err
