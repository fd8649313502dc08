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
