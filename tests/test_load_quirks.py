"""Real-world quirks of files saved by Excel and edited by hand."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kommunale_integration as ki

TERRITORIES = (
    ki.Territory(ags="05558012", name="Coesfeld", kind=ki.TerritoryKind.TOWN),
    ki.Territory(ags="05558016", name="Dülmen", kind=ki.TerritoryKind.TOWN),
)


def test_windows_1252_semicolon_file_with_umlauts_and_german_dates(tmp_path: Path) -> None:
    text = (
        "ID;Titel;Handlungsfeld;Status;Status seit;Gemeinden;Beginn;Ende;Plätze;;\r\n"
        "m1;Sprachförderung für Mütter;sprache;laufend;01.08.2017;Dülmen;01.08.2017;"
        "31.12.2018;1.000;;\r\n"
        ";;;;;;;;;;\r\n"
        ";;;;;;;;;;\r\n"
    )
    path = tmp_path / "massnahmen.csv"
    path.write_bytes(text.encode("cp1252"))
    (measure,) = ki.read_table(path, "measures", territories=TERRITORIES)
    assert measure.title == "Sprachförderung für Mütter"
    assert measure.status is ki.MeasureStatus.ONGOING
    assert measure.history[0].date == date(2017, 8, 1)
    assert measure.territories == ("05558016",)
    assert measure.timeframe == ki.DateRange(start=date(2017, 8, 1), end=date(2018, 12, 31))
    assert measure.capacity == 1000


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_bom_and_header_spaces(tmp_path: Path, bom: bytes, delimiter: str) -> None:
    rows = [
        ["  Kennzahl ", " ZEITRAUM", "gebiet ", "Wert", "sex"],
        ["placements", "2026-Q1", "Coesfeld", "12", "f"],
        ["placements", "2026", "all", "1234", ""],
    ]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    path = tmp_path / "kennzahlwerte.csv"
    path.write_bytes(bom + text.encode("utf-8"))
    first, second = ki.read_table(path, "observations", territories=TERRITORIES)
    assert first.territory == "05558012"
    assert first.value == Decimal(12)
    assert first.disaggregation == (("sex", "f"),)
    assert str(first.period) == "2026-Q1"
    assert second.territory == "all"
    assert second.disaggregation == ()


def test_german_and_english_numbers(tmp_path: Path) -> None:
    path = tmp_path / "werte.csv"
    path.write_text(
        "Kennzahl;Zeitraum;Gebiet;Wert\nk;2026;all;1.234,56\nk;2026;all;0,5\nk;2026;all;1.234\n",
        encoding="utf-8",
    )
    values = [o.value for o in ki.read_table(path, "observations")]
    assert values == [Decimal("1234.56"), Decimal("0.5"), Decimal(1234)]
    path.write_text('Kennzahl,Zeitraum,Gebiet,Wert\nk,2026,all,1234.56\nk,2026,all,"0,5"\n')
    values = [o.value for o in ki.read_table(path, "observations")]
    assert values == [Decimal("1234.56"), Decimal("0.5")]


def test_xlsx_with_blank_trailing_rows_typed_cells_and_lost_zeros(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([" Name ", "Träger", "Gemeinden", "PLZ", "Gültig ab", "Kosten", "Plätze", None])
    sheet.append(["Sprachcafé", "Caritas Coesfeld", 5558012, 48653, datetime(2016, 12, 31),
                  12.5, 20.0, None])  # fmt: skip
    sheet.append(["Nähkurs", "caritas", "Dülmen, Coesfeld", "48249", "31.12.2016", 0, 8])
    sheet.append([None, None, None])
    sheet.append([])
    sheet.cell(row=7, column=1, value="")
    path = tmp_path / "angebote.xlsx"
    workbook.save(path)
    actors = [ki.Actor(id="caritas", name="Caritas Coesfeld")]
    first, second = ki.read_table(path, "offers", territories=TERRITORIES, actors=actors)
    assert first.name == "Sprachcafé"
    assert first.actor == "caritas"
    assert first.territories == ("05558012",)
    assert first.venue == ki.Venue(postal_code="48653")
    assert first.valid_from == date(2016, 12, 31)
    assert first.cost == Decimal("12.5")
    assert first.capacity == 20
    assert second.territories == ("05558016", "05558012")
    assert second.valid_from == date(2016, 12, 31)


def test_xlsx_errors_name_rows_and_columns(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Träger", "Gültig ab", "Kosten"])
    sheet.append(["Kurs", "a", datetime(2016, 1, 1, 14, 30), "viel"])
    path = tmp_path / "angebote.xlsx"
    workbook.save(path)
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(path, "offers")
    got = {
        (f.code, f.location.file, f.location.row, f.location.column) for f in info.value.findings
    }
    assert got == {
        ("invalid-date", "angebote.xlsx", 2, "Gültig ab"),
        ("invalid-number", "angebote.xlsx", 2, "Kosten"),
    }


def test_measure_status_history_cell(tmp_path: Path) -> None:
    path = tmp_path / "massnahmen.csv"
    path.write_text(
        'Titel,Handlungsfeld,Statusverlauf\nA,sprache,"2016-12-31 empfohlen\n'
        '01.08.2017 laufend: mit Förderung"\nB,sprache,"2017 läuft"\n',
        encoding="utf-8",
    )
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(path, "measures")
    (finding,) = info.value.findings
    assert (finding.location.row, finding.location.column) == (3, "Statusverlauf")
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n" + "\n".join(
        path.read_text(encoding="utf-8").splitlines()[1:3]) + "\n", encoding="utf-8")  # fmt: skip
    (measure,) = ki.read_table(path, "measures")
    assert measure.id == "a"
    assert [c.status.value for c in measure.history] == ["recommended", "ongoing"]
    assert measure.history[1].note == "mit Förderung"


def test_user_column_mapping_and_english_headers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Einrichtung,street,venue.city,Kreisweit\nDRK,Markt 1,Coesfeld,ja\n")
    (actor,) = ki.read_table(
        path, "actors", columns={"Einrichtung": "name", "Kreisweit": "Ehrenamtlich"}
    )
    assert actor.name == "DRK"
    assert actor.venue == ki.Venue(street="Markt 1", city="Coesfeld")
    assert actor.volunteer is True
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(path, "actors", columns={"Einrichtung": "gibt-es-nicht"})
    assert {f.code for f in info.value.findings} == {
        "invalid-value",  # the mapping names no column
        "unknown-column",  # so "Einrichtung" is unknown (a warning)
        "missing-column",  # and the required "Name" is missing
    }


def test_a_town_wins_over_its_kreis_of_the_same_name(tmp_path: Path) -> None:
    territories = (
        ki.Territory(ags="05558", name="Coesfeld", kind=ki.TerritoryKind.DISTRICT),
        *TERRITORIES,
    )
    path = tmp_path / "a.csv"
    path.write_text("Name;Gemeinden\nDRK;coesfeld\n", encoding="utf-8")
    (actor,) = ki.read_table(path, "actors", territories=territories)
    assert actor.territories == ("05558012",)


def test_dimension_named_like_a_column_is_refused_on_writing(tmp_path: Path) -> None:
    value = ki.Observation(
        indicator="k",
        period=ki.ReportPeriod.parse("2026"),
        territory="all",
        value=Decimal(1),
        disaggregation={"status": "x"},
    )
    with pytest.raises(ki.OutputError, match="status"):
        ki.write_table([value], tmp_path / "w.csv", "observations")
    assert not (tmp_path / "w.csv").exists()


def test_values_without_header_and_leading_blank_rows_are_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(";;\n;;\nName;;\nDRK;;\nCaritas;;Notiz\n", encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(path, "offers")
    got = {(f.code, f.location.row, f.location.column) for f in info.value.findings}
    assert got == {
        ("missing-column", 3, "Träger"),  # the header is the first row that is not blank
        ("unknown-column", 3, None),  # values in the third column, which has no header
    }
    path.write_text("\nName\nDRK\nMüller, Meier & Partner\n", encoding="utf-8")
    result = ki.read_table(path, "actors")  # one column: the comma is part of the name
    assert [a.name for a in result] == ["DRK", "Müller, Meier & Partner"]


def test_unnamed_column_with_values_is_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Name;\nDRK;\nCaritas;;Notiz\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="kommunale_integration"):
        assert len(ki.read_table(path, "actors")) == 2
    assert "Spalte 3 hat keine Überschrift" in caplog.text


def test_xlsx_used_range_padded_by_formatting_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Gemeinden"])
    sheet.append(["DRK", "Dülmen"])
    sheet.cell(row=1, column=60).font = Font(bold=True)  # formatted, but empty
    sheet.cell(row=40, column=2).font = Font(bold=True)
    path = tmp_path / "akteure.xlsx"
    workbook.save(path)
    with caplog.at_level("WARNING", logger="kommunale_integration"):
        (actor,) = ki.read_table(path, "actors", territories=TERRITORIES)
    assert actor.territories == ("05558016",)
    assert caplog.records == []


def test_handlungsfelder_by_code_or_title(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    fields = (
        ki.FieldOfAction(id="sprache", title="Sprache und Bildung"),
        ki.FieldOfAction(id="arbeit", title="Arbeit"),
        ki.FieldOfAction(id="wohnen", title="sprache"),  # a title that is another's code
    )
    path = tmp_path / "m.csv"
    path.write_text(
        "Titel;Handlungsfeld\nA;SPRACHE UND BILDUNG\nB;sprache\nC;arbeit\nD;unbekannt\n",
        encoding="utf-8",
    )
    measures = ki.read_table(path, "measures", fields=fields)
    assert [m.field for m in measures] == ["sprache", "sprache", "arbeit", "unbekannt"]
    path.write_text('Name;Handlungsfelder\nDRK;"arbeit, Sprache und Bildung"\n', encoding="utf-8")
    (actor,) = ki.read_table(path, "actors", fields=fields)
    assert actor.fields == ("arbeit", "sprache")
    # A title that looks like a code stays what it says (round trips of references to
    # fields that do not exist must be exact); a warning names the field's code.
    path.write_text('Name;Handlungsfelder\nDRK;"Arbeit, Sprache und Bildung"\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="kommunale_integration"):
        (actor,) = ki.read_table(path, "actors", fields=fields)
    assert actor.fields == ("Arbeit", "sprache")
    assert '"arbeit"' in caplog.text


def test_categories_and_target_groups_by_code_or_german_name(tmp_path: Path) -> None:
    """A newcomer writes "Behörde" and "Geflüchtete" (the names the catalogues print)
    where the codes go: "Behörde" was refused as "erwartet eine Kennung aus Buchstaben
    …", "Geflüchtete" kept as a code no catalogue has. A text a code cannot be is looked
    up among the labels (German or English, or a part of "Behörde / Verwaltung"); a
    category that is none is refused with the codes there are, file, row and column."""
    path = tmp_path / "akteure.csv"
    path.write_text(
        "Name;Kategorie;Zielgruppen\n"
        "Sozialamt;Behörde;Geflüchtete, neuzugewanderte\n"
        "Diakonie;Wohlfahrtsverband;Menschen mit Zuwanderungsgeschichte\n"
        "VHS;education;newly arrived migrants, Eigene Gruppe\n",
        encoding="utf-8",
    )
    actors = ki.read_table(path, "actors")
    # "Wohlfahrtsverband" could be a code, but the catalogue has none such: it is the
    # German name the refusal below lists ("welfare (Wohlfahrtsverband)"), and was kept
    # as a code that validation then called unknown.
    assert [a.category for a in actors] == ["authority", "welfare", "education"]
    assert [a.target_groups for a in actors] == [
        ("gefluechtete", "neuzugewanderte"),
        ("migrationsgeschichte",),
        ("neuzugewanderte", "Eigene Gruppe"),  # not a label: kept, validation names it
    ]
    concept = ki.Concept(
        id="t", title="T", territory="05558012", territories=TERRITORIES, actors=tuple(actors)
    )
    found = {f.code: f.message for f in ki.validate(concept).findings}
    assert "unknown-category" not in found
    assert "„Eigene Gruppe“" in found["unknown-target-group"]
    path.write_text(
        "Name;Kategorie;Zielgruppen\nVHS;Bildungseinrichtung;Neuzugewanderte, Familie\n",
        encoding="utf-8",
    )
    (actor,) = ki.read_table(path, "actors")
    assert (actor.category, actor.target_groups) == ("education", ("neuzugewanderte", "Familie"))
    path.write_text("Name;Kategorie\nVerein;Verein e.V.\n", encoding="utf-8")
    with pytest.raises(ki.LoadError) as caught:
        ki.read_table(path, "actors")
    [finding] = caught.value.findings
    assert (finding.location.row, finding.location.column) == (2, "Kategorie")
    assert "Verein e.V." in finding.message
    assert "authority (Behörde / Verwaltung)" in finding.message


def test_a_catalogue_is_read_once_for_a_whole_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each "Behörde" of a table looks its code up in the catalogue: the catalogue file
    is read once per process (``shipped_catalogue``), not once per cell."""
    from kommunale_integration import _catalogues

    reads: list[str] = []
    original = _catalogues.read_catalogue_yaml

    def counted(name: str, path: Any) -> Any:
        reads.append(name)
        return original(name, path)

    monkeypatch.setattr(_catalogues, "read_catalogue_yaml", counted)
    _catalogues.shipped_catalogue.cache_clear()
    path = tmp_path / "akteure.csv"
    rows = "".join(f"Amt {i};Behörde;Geflüchtete\n" for i in range(200))
    path.write_text("Name;Kategorie;Zielgruppen\n" + rows, encoding="utf-8")
    actors = ki.read_table(path, "actors")
    assert {(a.category, a.target_groups) for a in actors} == {("authority", ("gefluechtete",))}
    assert sorted(reads) == ["actor_categories", "target_groups"]


def test_a_meeting_names_its_network_by_id_or_name(tmp_path: Path) -> None:
    """A newcomer (Zittau) wrote the network's name in the column Netzwerk of
    sitzungen.csv and got "erwartet eine Kennung aus Buchstaben, Ziffern …": a name an
    id cannot be is looked up among the networks' names, in a concept folder and in
    ``read_table``; an id is read as the id it is."""
    from helpers import concept_folder

    network = "  - {id: runder-tisch, name: Runder Tisch Integration, kind: round-table}\n"
    main = (
        'id: t\ntitle: T\nterritory: "05558012"\n'
        "territories:\n"
        '  - {ags: "05558012", name: Coesfeld, kind: town}\n'
        f"networks:\n{network}"
    )
    table = (
        "ID;Netzwerk;Datum\n"
        "a;Runder Tisch Integration;08.01.2026\n"
        "b;runder-tisch;12.03.2026\n"
        ";RUNDER  TISCH integration;14.05.2026\n"
    )
    folder = concept_folder(tmp_path / "k", {"konzept.yaml": main, "sitzungen.csv": table})
    concept = ki.load_concept(folder)
    assert [m.network for m in concept.meetings] == ["runder-tisch"] * 3
    assert concept.meetings[2].id == "runder-tisch-2026-05-14"
    path = tmp_path / "sitzungen.csv"
    path.write_text(table, encoding="utf-8")
    meetings = ki.read_table(path, "meetings", networks=concept.networks)
    assert [m.network for m in meetings] == ["runder-tisch"] * 3
    path.write_text("Netzwerk;Datum\nRunder Tisch Dülmen;08.01.2026\n", encoding="utf-8")
    with pytest.raises(ki.LoadError) as caught:
        ki.read_table(path, "meetings", networks=concept.networks)
    [finding] = caught.value.findings
    assert (finding.location.row, finding.location.column) == (2, "Netzwerk")
    assert "„Runder Tisch Dülmen“ ist kein Netzwerk des Konzepts" in finding.message


def test_a_measure_runs_from_a_year_to_a_year(tmp_path: Path) -> None:
    """A council paper says "2026–2027": the newcomer from Zittau wrote Beginn ``2026``
    and Ende ``2027`` and got "'2026' ist kein gültiges Datum". A year is its first day
    as a beginning and its last as an end, in CSV and in a workbook (where 2026 is a
    number, not Excel's day 2026: 18.07.1905); a date stays a date."""
    path = tmp_path / "massnahmen.csv"
    path.write_text(
        "Titel;Handlungsfeld;Beginn;Ende\nA;sprache;2026;2027\nB;sprache;01.03.2026;2027\n",
        encoding="utf-8",
    )
    first, second = ki.read_table(path, "measures")
    assert first.timeframe == ki.DateRange(start=date(2026, 1, 1), end=date(2027, 12, 31))
    assert second.timeframe == ki.DateRange(start=date(2026, 3, 1), end=date(2027, 12, 31))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Titel", "Handlungsfeld", "Beginn", "Ende"])
    sheet.append(["A", "sprache", 2026, 2027])
    workbook = tmp_path / "massnahmen.xlsx"
    book.save(workbook)
    (measure,) = ki.read_table(workbook, "measures")
    assert measure.timeframe == first.timeframe
    # Read back as written: full dates.
    ki.write_table([first], tmp_path / "out.csv", "measures")
    assert ki.read_table(tmp_path / "out.csv", "measures")[0].timeframe == first.timeframe


def test_measures_and_meetings_name_actors_by_id_or_name(tmp_path: Path) -> None:
    """Where a measure names its Federführung and partners and a meeting its
    participants, an actor's name means its id, as for an offer's Träger (the newcomer
    from Zittau wrote the names); a participant who is no actor stays as written, a
    Federführung that is none is refused at its cell."""
    actors = [
        ki.Actor(id="stadt", name="Stadt Zittau – Sachgebiet Soziales", category="authority"),
        ki.Actor(id="diakonie", name="Diakonisches Werk Oberlausitz", category="welfare"),
    ]
    path = tmp_path / "massnahmen.csv"
    path.write_text(
        "Titel;Handlungsfeld;Federführung;Partner\n"
        "A;sprache;Stadt Zittau – Sachgebiet Soziales;diakonisches werk oberlausitz, stadt\n",
        encoding="utf-8",
    )
    (measure,) = ki.read_table(path, "measures", actors=actors)
    assert (measure.responsible, measure.partners) == ("stadt", ("diakonie", "stadt"))
    path = tmp_path / "sitzungen.csv"
    path.write_text(
        "Netzwerk;Datum;Teilnehmende\n"
        'rt;08.01.2026;"Diakonisches Werk Oberlausitz, stadt, Bürgermeister Müller"\n',
        encoding="utf-8",
    )
    (meeting,) = ki.read_table(path, "meetings", actors=actors)
    assert meeting.participants == ("diakonie", "stadt", "Bürgermeister Müller")
    path = tmp_path / "massnahmen.csv"
    path.write_text("Titel;Handlungsfeld;Federführung\nA;sprache;Amt 5\n", encoding="utf-8")
    with pytest.raises(ki.LoadError) as caught:
        ki.read_table(path, "measures", actors=actors)
    [finding] = caught.value.findings
    assert (finding.location.row, finding.location.column) == (2, "Federführung")


def test_spaces_around_a_phone_number_are_no_part_of_it(tmp_path: Path) -> None:
    """A space typed after a telephone number in Excel cannot be seen; the newcomer
    from Bremerhaven got "erwartet eine Telefonnummer …, erhalten: '+49 471 590-0 '".
    Like the e-mail and web address beside it, the number is read without the spaces
    around it. Free text (names, descriptions) keeps them: the model accepts them, and
    a table written by the library reads back as it was written."""
    path = tmp_path / "kontakte.csv"
    path.write_text(
        "Akteur;Funktion;Telefon;E-Mail\na; Beratung ; +49 471 590-0 ; beratung@example.org \n",
        encoding="utf-8",
    )
    (linked,) = ki.read_table(path, "contacts")
    assert linked.contact.phone == "+49 471 590-0"
    assert linked.contact.email == "beratung@example.org"
    assert linked.contact.role == " Beratung "
    ki.write_table([linked], tmp_path / "out.csv", "contacts")
    assert ki.read_table(tmp_path / "out.csv", "contacts") == (linked,)


@pytest.mark.parametrize("error", ["#DIV/0!", "#NV", "#BEZUG!", "#N/A", "Err:502"])
def test_a_spreadsheet_error_is_no_value(tmp_path: Path, error: str) -> None:
    """An actor whose name cell held a failed formula (``#DIV/0!`` in a workbook, ``#NV``
    in a CSV saved by German Excel) was read with that name and reached the report
    (found by the hostile tester): the cell is refused at its row and column. A name
    that is such a text itself is written with a ``'`` and reads back."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Name"])
    sheet.append(["a", error])  # openpyxl stores the codes as error cells
    sheet.append(["b", "Caritas"])
    workbook = tmp_path / "akteure.xlsx"
    book.save(workbook)
    csv_file = tmp_path / "akteure.csv"
    csv_file.write_text(f"ID;Name\na;{error}\nb;Caritas\n", encoding="utf-8")
    for path in (workbook, csv_file):
        with pytest.raises(ki.LoadError) as caught:
            ki.read_table(path, "actors")
        [finding] = caught.value.findings
        assert (finding.location.row, finding.location.column) == (2, "Name")
        assert f"Tabellenfehler {error} (eine Formel, die nicht aufging)" in finding.message
    actor = ki.Actor(id="a", name=error)
    for name in ("out.csv", "out.xlsx"):
        ki.write_table([actor], tmp_path / name, "actors")
        assert ki.read_table(tmp_path / name, "actors") == (actor,)


def test_a_formula_without_a_stored_value_is_named(tmp_path: Path) -> None:
    """A workbook written by a program (openpyxl, a web export) holds formulas without the
    values a spreadsheet stores when it saves: the cell was read as empty, "Pflichtwert
    in Spalte Name fehlt" (found by the hostile tester). The cell is named with its
    formula and what to do; a formula with a stored value is read as that value."""
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Name", "Beschreibung"])
    sheet.append(["a", '=CONCATENATE("V","HS")', "=B2"])
    sheet.append(["b", "Caritas", None])
    workbook = tmp_path / "akteure.xlsx"
    book.save(workbook)
    with pytest.raises(ki.LoadError) as caught:
        ki.read_table(workbook, "actors")
    found = [(f.location.row, f.location.column, f.message) for f in caught.value.findings]
    assert [(row, column) for row, column, _ in found] == [(2, "Name"), (2, "Beschreibung")]
    assert (
        'die Formel \'=CONCATENATE("V","HS")\', aber keinen dafür berechneten Wert' in (found[0][2])
    )
    # The same workbook as a spreadsheet saves it: each formula with its value.
    stored = tmp_path / "gespeichert.xlsx"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(stored, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(b"<v></v>", b"<v>VHS</v>", 1)
                content = content.replace(b"<v></v>", b"<v>VHS</v>", 1)
                content = content.replace(b'<c r="B2">', b'<c r="B2" t="str">')
                content = content.replace(b'<c r="C2">', b'<c r="C2" t="str">')
            target.writestr(item, content)
    first, _ = ki.read_table(stored, "actors")
    assert (first.name, first.description) == ("VHS", "VHS")
    # A formula whose result is empty text (=WENN(…;"";…)) is stored typed, with an
    # empty value: an empty cell, not a formula without its value.
    empty = tmp_path / "leer.xlsx"
    with zipfile.ZipFile(stored) as source, zipfile.ZipFile(empty, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(
                    b'<c r="C2" t="str"><f>B2</f><v>VHS</v>', b'<c r="C2" t="str"><f>B2</f><v></v>'
                )
            target.writestr(item, content)
    first, _ = ki.read_table(empty, "actors")
    assert (first.name, first.description) == ("VHS", None)


def test_read_table_from_uploaded_file_objects(tmp_path: Path) -> None:
    import io

    upload = io.BytesIO("Name;Gemeinden\nDRK;Dülmen\n".encode("cp1252"))
    (actor,) = ki.read_table(upload, "actors", territories=TERRITORIES)
    assert actor.territories == ("05558016",)
    ki.write_table([actor], tmp_path / "a.xlsx", "actors")
    with (tmp_path / "a.xlsx").open("rb") as handle:
        assert ki.read_table(handle, "actors") == (actor,)
    workbook = io.BytesIO((tmp_path / "a.xlsx").read_bytes())
    assert ki.read_table(workbook, "actors") == (actor,)  # a ZIP archive: a workbook
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(io.BytesIO(b"Name\nX\n" * 100), "actors", name="gross.csv",
                      options=ki.LoadOptions(max_file_bytes=50))  # fmt: skip
    (finding,) = info.value.findings
    assert (finding.code, finding.location.file) == ("file-too-large", "gross.csv")
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(io.BytesIO(b"x"), "actors", name="alt.xls")
    assert info.value.findings[0].code == "unreadable-file"
