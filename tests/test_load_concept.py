"""load_concept: single files (YAML, JSON, TOML) and concept folders with tables."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import kommunale_integration as ki
from helpers import MAIN_YAML


def _folder(tmp_path: Path, **tables: str | bytes) -> Path:
    (tmp_path / "konzept.yaml").write_text(MAIN_YAML, encoding="utf-8")
    for name, content in tables.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (tmp_path / name.replace("_", ".")).write_bytes(data)
    return tmp_path


def test_single_yaml_json_and_toml_files_load_equal(tmp_path: Path) -> None:
    (tmp_path / "k.yaml").write_text(MAIN_YAML, encoding="utf-8")
    from_yaml = ki.load_concept(tmp_path / "k.yaml")
    (tmp_path / "k.json").write_text(json.dumps(ki.unstructure(from_yaml)), encoding="utf-8")
    toml = (
        'id = "kreis-test"\ntitle = "Testkonzept"\nterritory = "05558"\n'
        '[[territories]]\nags = "05558"\nname = "Kreis Coesfeld"\nkind = "district"\n'
        '[[territories]]\nags = "05558012"\nname = "Coesfeld"\nkind = "town"\nparent = "05558"\n'
        '[[territories]]\nags = "05558016"\nname = "Dülmen"\nkind = "town"\nparent = "05558"\n'
        '[[actors]]\nid = "kreis"\nname = "Kreis Coesfeld"\n'
    )
    (tmp_path / "k.toml").write_text(toml, encoding="utf-8")
    assert ki.load_concept(tmp_path / "k.json") == from_yaml
    assert ki.load_concept(tmp_path / "k.toml") == from_yaml
    assert from_yaml.actor("kreis") is not None
    assert [t.name for t in from_yaml.territories][2] == "Dülmen"


def test_folder_with_windows_1252_semicolon_table(tmp_path: Path) -> None:
    offers = (
        "ID;Name;Träger;Gemeinden;Kosten;Gültig ab\r\n"
        "kurs;Sprachkurs für Mütter;Kreis Coesfeld;Coesfeld, DÜLMEN;1.234,50;31.12.2016\r\n"
        ";;;;;\r\n"
    ).encode("cp1252")
    actors = " Name ; Gemeinden ;\nDRK Dülmen;Dülmen;\n\n"
    folder = _folder(tmp_path, angebote_csv=offers, akteure_csv=actors)
    concept = ki.load_concept(folder)
    offer = concept.offer("kurs")
    assert offer is not None
    assert offer.name == "Sprachkurs für Mütter"
    assert offer.actor == "kreis"  # Träger given by name
    assert offer.territories == ("05558012", "05558016")
    assert offer.cost == Decimal("1234.50")
    assert offer.valid_from == date(2016, 12, 31)
    assert [a.id for a in concept.actors] == ["kreis", "drk-duelmen"]
    assert concept.actor("drk-duelmen").territories == ("05558016",)  # type: ignore[union-attr]
    where = concept.locate("offers[0].cost")
    assert (where.file, where.row, where.column) == ("angebote.csv", 2, "Kosten")
    assert concept.locate("actors[1]").row == 2


def test_contacts_table_attaches_to_actors_and_offers(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        angebote_csv="ID,Name,Träger\nkurs,Kurs,kreis\n",
        kontakte_csv=(
            "Akteur,Angebot,Ansprechpartner,Funktion,Telefon,E-Mail\n"
            "kreis,,,Kommunales Integrationszentrum,+49 2541 18-0,ki@kreis-coesfeld.de\n"
            ",kurs,Frau Beispiel,,,\n"
        ),
    )
    concept = ki.load_concept(folder)
    actor = concept.actor("kreis")
    offer = concept.offer("kurs")
    assert actor is not None
    assert offer is not None
    assert actor.contacts[0].role == "Kommunales Integrationszentrum"
    assert actor.contacts[0].email == "ki@kreis-coesfeld.de"
    assert offer.contacts[0].name == "Frau Beispiel"
    assert concept.locate("offers[0].contacts[0]").file == "kontakte.csv"


def test_tables_and_columns_keys_of_the_main_file(tmp_path: Path) -> None:
    main = (
        MAIN_YAML
        + "tables:\n  actors: daten/Akteure 2026.csv\ncolumns:\n  actors:\n    Einrichtung: name\n"
    )
    (tmp_path / "konzept.yaml").write_text(main, encoding="utf-8")
    (tmp_path / "daten").mkdir()
    (tmp_path / "daten" / "Akteure 2026.csv").write_text(
        "Einrichtung;Ehrenamtlich\nHelferkreis Nottuln;x\n", encoding="utf-8"
    )
    concept = ki.load_concept(tmp_path)
    actor = concept.actor("helferkreis-nottuln")
    assert actor is not None
    assert actor.volunteer is True
    assert concept.locate("actors[1].name").file == "daten/Akteure 2026.csv"


def test_table_kinds_by_german_file_names(tmp_path: Path) -> None:
    main = MAIN_YAML + "tables:\n  angebote: Kurse.csv\ncolumns:\n  angebote:\n    Kurs: Name\n"
    (tmp_path / "konzept.yaml").write_text(main, encoding="utf-8")
    (tmp_path / "Kurse.csv").write_text("Kurs;Träger\nDeutsch A1;kreis\n", encoding="utf-8")
    concept = ki.load_concept(tmp_path)
    assert [o.id for o in concept.offers] == ["deutsch-a1"]
    assert ki.TableKind("Akteure") is ki.TableKind.ACTORS
    assert ki.TableKind("maßnahmen") is ki.TableKind.MEASURES
    options = ki.LoadOptions(columns={"akteure": {"Einrichtung": "name"}})
    (tmp_path / "akteure.csv").write_text("Einrichtung\nDRK\n", encoding="utf-8")
    assert ki.load_concept(tmp_path, options=options).actor("drk") is not None


def test_unknown_table_kinds_are_refused() -> None:
    with ki.using_language("en"), pytest.raises(ValueError, match="no table kind"):
        ki.LoadOptions(columns={"people": {"A": "name"}})
    with pytest.raises(ValueError, match="keine Tabellenart"):
        ki.LoadOptions(columns={"people": {"A": "name"}})
    with pytest.raises(ValueError, match="people"):
        ki.TableKind("people")
