"""The national territory catalogue (Gemeindeverzeichnis), its reader and its rules."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration._cli import main
from kommunale_integration._territories import _designation_in, stadtstaat_bezirk

OFFICIAL = Path("/work/shared/data/gemeindeverzeichnis/AuszugGV4QAktuell.csv")
HEADER = (
    "satzart,textkennzeichen,land,rb,kreis,vb,gemeinde,gemeindename,flaeche,bevoelkerung,"
    "maennlich,weiblich,jekm2,postleitzahl,laengengrad,breitengrad,schluessel,bezeichnung,"
    "verstaedterungschluessel,verstaedterungbezeichnung"
)
# Rows as the official file has them: suffixes, print-formatted numbers, decimal commas.
ROWS = [
    "10,,05,,,,,Nordrhein-Westfalen,,,,,,,,,,,,",
    "20,,05,5,,,,Reg.-Bez. Münster,,,,,,,,,,,,",
    "40,43,05,5,66,,,Steinfurt,,,,,,,,,,,,",
    '50,50,05,5,66,0076,,"Rheine, Stadt",,,,,,,,,,,,',
    '60,63,05,5,66,0076,076,"Rheine, Stadt", 145.00, 76 218, 37 737, 38 481,  526,48431,'
    '"7,438651","52,279214",H03,Münsterland,02,mittlere Besiedlungsdichte',
    '60,64,05,5,66,0096,096,Wettringen, 57.69, 8 261, 4 129, 4 132,  143,48493,"7,319404",'
    '"52,209339",H03,Münsterland,02,mittlere Besiedlungsdichte',
    '60,66,05,5,66,9971,971,"Forst, gemeindefreies Gebiet", 9.94,  0,  0,  0,  0,,"7,7",'
    '"48,2",L12,Wald,03,gering besiedelt',
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\ufeff" + HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the shipped catalogue


def test_the_shipped_catalogue_holds_every_municipality() -> None:
    book = ki.territory_catalogue()
    assert book.gebietsstand == date(2020, 12, 31)
    assert book.population_date == date(2019, 12, 31)
    assert len(book.municipalities()) == 11004
    assert len(book.municipalities("05")) == 396
    # The population of the municipalities adds up to Germany's on 31.12.2019.
    assert sum(e.population or 0 for e in book.municipalities()) == 83_166_711
    wettringen = book.get("05566096")
    assert wettringen is not None
    assert (wettringen.name, wettringen.population) == ("Wettringen", 8261)
    assert wettringen.kind is ki.TerritoryKind.MUNICIPALITY
    rheine = book.get("05566076")
    assert rheine is not None
    assert rheine.kind is ki.TerritoryKind.TOWN
    assert (rheine.name, rheine.short_name) == ("Rheine, Stadt", "Rheine")
    assert book.get("05515000") is not None
    assert book.get("05515000").kind is ki.TerritoryKind.CITY
    assert "Destatis" in book.attribution
    assert "dl-de/by-2-0" in book.licence


@pytest.mark.skipif(not OFFICIAL.is_file(), reason="the official file is not on this machine")
def test_the_shipped_catalogue_is_what_the_build_script_makes_of_the_official_file(
    tmp_path: Path,
) -> None:
    built = ki.read_gemeindeverzeichnis(
        OFFICIAL, gebietsstand=date(2020, 12, 31), population_date=date(2019, 12, 31)
    )
    assert built.entries == ki.territory_catalogue().entries


def test_the_catalogue_survives_writing_and_reading(tmp_path: Path) -> None:
    book = ki.territory_catalogue()
    path = ki.write_territory_catalogue(book, tmp_path / "gv.tsv")
    again = ki.load_territory_catalogue(path)
    assert again.entries == book.entries
    assert (again.gebietsstand, again.population_date) == (book.gebietsstand, book.population_date)


# --------------------------------------------------------------------------- names


def test_names_with_and_without_suffix_and_prefix() -> None:
    book = ki.territory_catalogue()
    for name in ("Rheine", "rheine", "Rheine, Stadt", "Stadt Rheine", "  RHEINE "):
        assert [e.ags for e in book.find(name)] == ["05566076"], name
    # A Gemeinde and a Kreis share the name Steinfurt: the Gemeinde, unless "Kreis" is said.
    assert [e.ags for e in book.find("Steinfurt")] == ["05566084"]
    assert [e.ags for e in book.find("Kreis Steinfurt")] == ["05566"]
    assert [e.ags for e in book.find("Landkreis Harburg")] == ["03353"]
    # A kreisfreie Stadt is found as its Stadt, not as its Kreis key.
    exact, beginning = book.candidates("Münster")
    assert [e.ags for e in exact] == ["05515000", "09779187"]
    # Münster (Hessen) and Münster-Sarmsheim begin with the name: namesakes, listed after.
    assert [e.ags for e in beginning] == ["06432015", "07339038"]
    assert book.find("Münster") == exact + beginning
    assert book.find("Nirgendwo an der Nirgends") == []
    assert book.find("") == []


def test_sankt_and_st_are_one_and_a_name_further_on_is_offered() -> None:
    """A newcomer from Bavaria typed "St. Wolfgang" (officially "Sankt Wolfgang") and
    "Indersdorf" (officially "Markt Indersdorf") and was told that neither exists. "St."
    is "Sankt" both ways (the official names have both: "St. Ingbert"), and the message
    for a name nothing has names the towns that have it as a word further on."""
    book = ki.territory_catalogue()
    for name in ("St. Wolfgang", "St.Wolfgang", "Sankt Wolfgang", "sankt  wolfgang"):
        assert [e.ags for e in book.find(name)] == ["09177137"], name
    assert [e.ags for e in book.find("Sankt Ingbert")] == ["10045117"]
    assert [e.ags for e in book.find("St. Ingbert")] == ["10045117"]
    assert [e.ags for e in book.find("Ost")] == [e.ags for e in book.find("OST")]
    assert [e.ags for e in book.containing("Indersdorf")] == ["09174131"]
    with pytest.raises(ki.KommunaleIntegrationError) as caught:
        book.require_name("Indersdorf")
    assert "Markt Indersdorf (09174131), Landkreis Dachau, Bayern" in str(caught.value)
    with pytest.raises(ki.KommunaleIntegrationError) as caught:
        book.require_name("Nirgendwo an der Nirgends")
    assert "Namen, in denen" not in str(caught.value)


def test_umlauts_written_out_titles_before_the_name_and_near_misses() -> None:
    """A newcomer on a keyboard without umlauts typed "Koeln", "Muenchen" and
    "Neukoelln" and was told they do not exist, though "Weissenfels" (for Weißenfels)
    was found; the officer of the Hansestadt Rostock typed the name her town signs
    with. Umlauts written out are one with the umlauts (composed or decomposed), the
    official suffix before the name is a spelling of it, and a name nothing has offers
    the closest names."""
    book = ki.territory_catalogue()
    for name, ags in (
        ("Koeln", "05315000"),
        ("Köln", "05315000"),
        ("Ko\u0308ln", "05315000"),
        ("Muenchen", "09162000"),
        ("Muelheim an der Ruhr", "05117000"),
        ("Kuenzelsau", "08126046"),
        ("Uelzen", "03360025"),
        ("Hansestadt Rostock", "13003000"),
        ("Lutherstadt Wittenberg", "15091375"),
        ("Universitätsstadt Tübingen", "08416041"),
        ("Große Kreisstadt Bad Reichenhall", "09172114"),
        ("Grosse Kreisstadt Bad Reichenhall", "09172114"),
        ("Hansestadt Schwerte", "05978028"),  # "Schwerte, Hansestadt an der Ruhr"
    ):
        assert [e.ags for e in book.find(name)][:1] == [ags], name
        assert book.matches(ags, name), name
    assert stadtstaat_bezirk("Neukoelln") == ("11000000", "Neukölln")
    # The written-out umlauts make no two places one.
    assert [e.ags for e in book.find("Mühlheim an der Donau")] == ["08327036"]
    assert not book.matches("05117000", "Mühlheim an der Ruhr")
    for typed, meant in (
        ("Munchen", "München (09162000)"),
        ("Halle/Saale", "Halle (Saale) (15002000)"),
        ("Frankfurt a.M.", "Frankfurt am Main (06412000)"),
        ("Landau i.d.Pfalz", "Landau in der Pfalz (07313000)"),
        ("Wettringn", "Wettringen (05566096)"),
    ):
        with pytest.raises(ki.KommunaleIntegrationError) as caught:
            book.require_name(typed)
        assert f"ähnliche Namen: {meant}" in str(caught.value), typed
    assert book.similar("Nirgendwo an der Nirgends") == []
    assert main(["territories", "find", "Neukoelln"]) == 0
    assert main(["territories", "find", "Muenchen"]) == 0


@pytest.mark.parametrize(
    ("ags", "name", "designation"),
    [
        # a designation followed by a by-name: the by-name is left out
        ("05978028", "Schwerte, Hansestadt an der Ruhr", "Hansestadt"),
        ("05566024", "Horstmar, Stadt der Burgmannshöfe", "Stadt"),
        ("05374036", "Radevormwald, Stadt auf der Höhe", "Stadt"),
        ("14626600", "Weißwasser/O.L., Stadt / Běła Woda", "Stadt"),
        # designations of several words, abbreviated, or after an article
        ("02000000", "Hamburg, Freie und Hansestadt", "Freie und Hansestadt"),
        ("05958032", "Meschede, Kreis- und  Hochschulstadt", "Kreis- und Hochschulstadt"),
        ("05754016", "Harsewinkel, Die Mähdrescherstadt", "Mähdrescherstadt"),
        # an honorary designation beside the status: the status (Kreisstadt, Stadt)
        ("06435010", "Gelnhausen, Barbarossast., Krst.", "Kreisstadt"),
        ("06634009", "Homberg (Efze), Reformationsstadt, Kreisstadt", "Kreisstadt"),
        ("06635015", "Korbach, Hansestadt, Kreisstadt", "Kreisstadt"),
        ("13071142", "Stavenhagen, Reuterstadt, Stadt", "Stadt"),
        ("14522180", "Freiberg, Stadt, Universitätsstadt", "Stadt"),
        # Baden-Württemberg's Große Kreisstädte write "Stadt"; their kind (67) says more
        ("08115003", "Böblingen, Stadt", "Große Kreisstadt"),
        # one designation is the designation, honorary or not
        ("03355022", "Lüneburg, Hansestadt", "Hansestadt"),
        ("06611000", "Kassel, documenta-Stadt", "documenta-Stadt"),
        # a gemeindefreies Gebiet is no Gemeinde
        ("01053105", "Sachsenwald (Forstgutsbez.),gemfr.Geb.", "gemeindefreies Gebiet"),
        ("03351501", "Lohheide, gemfr. Bezirk", "gemeindefreier Bezirk"),
        ("09171133", "Tüßling, M", "Markt"),
        ("09172114", "Bad Reichenhall, GKSt", "Große Kreisstadt"),
        ("01054035", "Garding, Kirchspiel", "Kirchspiel"),
        ("03360006", "Ebstorf,Klosterflecken", "Klosterflecken"),
        # a by-name alone is passed over: the next suffix, else the kind
        ("14521440", "Oberwiesenthal, Kurort, Stadt", "Stadt"),
        ("05158004", "Erkrath, Fundort des Neanderthalers, Stadt", "Stadt"),
        ("05334024", "Roetgen, Tor zur Eifel", "Gemeinde"),
        ("05566080", "Saerbeck, NRW-Klimakommune", "Gemeinde"),
        ("03455021", "Wangerooge, Nordseebad", "Gemeinde"),
    ],
)
def test_the_designation_of_real_rows_of_the_gemeindeverzeichnis(
    ags: str, name: str, designation: str
) -> None:
    """ "Schwerte, Hansestadt an der Ruhr" was titled "der Stadt Schwerte": a designation
    followed by a by-name was taken for a by-name. One row of each kind of suffix after
    the comma in the directory."""
    entry = ki.territory_catalogue().require(ags)
    assert entry.name == name
    assert entry.designation == designation


def test_no_gemeindefreies_gebiet_of_the_directory_is_called_gemeinde() -> None:
    """The 210 gemeindefreie Gebiete of the directory (forests, lakes, two inhabited
    Bezirke) were titled "Gemeinde"; and of several designations the status is taken,
    never the honorary one beside it (Reformationsstadt, Loreleystadt)."""
    municipalities = ki.territory_catalogue().municipalities()
    unincorporated = [e for e in municipalities if e.textkennzeichen in {"65", "66"}]
    assert len(unincorporated) == 210
    assert {e.designation for e in unincorporated} == {
        "gemeindefreies Gebiet",
        "gemeindefreier Bezirk",
    }
    grosse = [e for e in municipalities if e.textkennzeichen == "67"]
    assert len(grosse) == 123
    assert {e.designation for e in grosse} == {"Große Kreisstadt"}
    several = {
        e.short_name: e.designation
        for e in municipalities
        if sum(_designation_in(p) is not None for p in e.name.split(",")[1:]) > 1
    }
    assert several == {
        "Gelnhausen": "Kreisstadt",
        "Homberg (Efze)": "Kreisstadt",
        "Korbach": "Kreisstadt",
        "Sankt Goarshausen": "Stadt",
        "Landstuhl": "Stadt",
        "Stavenhagen": "Stadt",
        "Freiberg": "Stadt",
        "Mittweida": "Stadt",
    }


@pytest.mark.parametrize(
    ("ags", "name", "unmarked"),
    [
        # Sachsen and Thüringen: every Stadt is 63, the Große Kreisstädte too
        ("14628270", "Pirna, Stadt", True),
        ("16070029", "Ilmenau, Stadt", True),
        ("14522180", "Freiberg, Stadt, Universitätsstadt", True),  # designation Stadt
        ("14521440", "Oberwiesenthal, Kurort, Stadt", True),
        ("14628080", "Dohna, Stadt", True),  # a small one too: the file cannot tell
        # marked where the directory marks them (67), or no Stadt at all
        ("08115003", "Böblingen, Stadt", False),
        ("09174115", "Dachau, GKSt", False),
        ("05558012", "Coesfeld, Stadt", False),  # NRW has no Große Kreisstadt
        ("14628040", "Bahretal", False),  # a Gemeinde (64) of Sachsen
        ("14612000", "Dresden, Stadt", False),  # kreisfrei (61)
    ],
)
def test_a_grosse_kreisstadt_the_directory_does_not_mark_is_named_as_possible(
    ags: str, name: str, unmarked: bool
) -> None:
    """Sachsen's Große Kreisstädte (Pirna …) were titled "der Stadt Pirna" without a word:
    the directory gives them Textkennzeichen 63, like every Stadt (67 only in
    Baden-Württemberg and Bayern). Their designation stays "Stadt" (the file does not
    say which they are); the unit says it may be one."""
    entry = ki.territory_catalogue().require(ags)
    assert entry.name == name
    assert entry.unmarked_grosse_kreisstadt is unmarked
    if unmarked:
        assert entry.designation == "Stadt"


def test_only_sachsen_and_thueringen_leave_their_grosse_kreisstaedte_unmarked() -> None:
    """Of the other kinds of the directory none leaves a status out the same way: 67 is
    Große Kreisstadt in Baden-Württemberg and Bayern only; in Sachsen and Thüringen
    there is no 67, and every one of their Städte (63) is named as possibly one."""
    municipalities = ki.territory_catalogue().municipalities()
    assert {e.ags[:2] for e in municipalities if e.textkennzeichen == "67"} == {"08", "09"}
    towns = [e for e in municipalities if e.textkennzeichen == "63" and e.ags[:2] in {"14", "16"}]
    assert len(towns) == 281
    assert sum(e.unmarked_grosse_kreisstadt for e in towns) == 281
    assert sum(e.unmarked_grosse_kreisstadt for e in municipalities) == 281


def test_every_suffix_of_the_directory_is_a_designation_or_a_known_by_name() -> None:
    """Each suffix after a comma of a Stadt or Gemeinde in the bundled directory begins
    with a designation (which ``designation`` takes, without what follows), or is one
    of these by-names. A suffix of a new kind fails here, to be looked at."""
    by_names = {"Kurort", "Nordseebad", "Tor zur Eifel", "NRW-Klimakommune"}
    by_names.add("Fundort des Neanderthalers")
    uninhabited = {"65", "66"}  # gemeindefreie Gebiete ("gemfr. Gebiet")
    found: set[str] = set()
    for entry in ki.territory_catalogue().municipalities():
        if entry.textkennzeichen in uninhabited:
            continue
        found.update(p.strip() for p in entry.name.split(",")[1:] if _designation_in(p) is None)
    assert found == by_names


def test_a_bilingual_name_is_found_by_each_language_and_a_prefix_keeps_beginnings() -> None:
    """The officer of the Stadt Bautzen (officially "Bautzen / Budyšin", German /
    Sorbian) typed "Bautzen" and init refused it as ambiguous with the Landkreis
    Bautzen; "Stadt Bautzen" did "not exist". Each language's name of a bilingual
    official name is a spelling of it, with "Stadt" before it too, and a prefix with
    no exact match still finds the Städte the rest begins (``Stadt Cottbus``)."""
    book = ki.territory_catalogue()
    for name, ags in (
        ("Bautzen", "14625020"),
        ("Stadt Bautzen", "14625020"),
        ("Budyšin", "14625020"),
        ("Hoyerswerda", "14625240"),
        ("Wojerecy", "14625240"),
        ("Lübben (Spreewald)", "12061316"),
        ("Lubin (Błota)", "12061316"),
    ):
        exact, _ = book.candidates(name)
        assert [e.ags for e in exact] == [ags], name
        assert book.matches(ags, name), name
    assert [e.ags for e in book.kreise_named("Bautzen")] == ["14625"]
    assert [e.ags for e in book.find("Kreis Bautzen")] == ["14625"]
    assert [e.ags for e in book.find("Stadt Cottbus")] == ["12052000"]
    assert [e.ags for e in book.find("Stadt Senftenberg")] == ["12066304"]
    # A slash without spaces is one name: "Lahr" is the Gemeinde Lahr, exactly.
    assert [e.ags for e in book.candidates("Lahr")[0]] == ["07140502", "07232072"]
    assert not book.matches("08317065", "Lahr")


def test_a_name_prefix_finds_every_town_it_begins() -> None:
    found = ki.territory_catalogue().find("Neustadt")
    assert len(found) == 17
    assert all(e.short_name.startswith("Neustadt") for e in found)
    # A word boundary is needed: "Neustadt" does not find "Neustadtgödens".
    assert all(not e.short_name[len("Neustadt") :][:1].isalpha() for e in found)


def test_describe_and_place_name() -> None:
    book = ki.territory_catalogue()
    assert (
        book.describe("05566096") == "Wettringen (05566096), Kreis Steinfurt, Nordrhein-Westfalen"
    )
    assert book.describe("05515000") == "Münster (05515000), Nordrhein-Westfalen"
    assert ki.place_name("05566076") == "Rheine (Kreis Steinfurt)"
    assert ki.place_name("05515000") == "Münster"
    assert ki.place_name("99999999") == "99999999"


@given(st.sampled_from(ki.territory_catalogue().municipalities()))
def test_every_municipality_is_found_by_its_own_names(entry: ki.OfficialTerritory) -> None:
    book = ki.territory_catalogue()
    assert entry in book.find(entry.name)
    assert book.matches(entry.ags, entry.name)
    assert book.matches(entry.ags, entry.short_name)
    assert entry.parent == entry.ags[:5]


# --------------------------------------------------------------------------- the official file


def test_reading_the_official_csv_handles_its_quirks(tmp_path: Path) -> None:
    book = ki.read_gemeindeverzeichnis(
        _write(tmp_path / "gv.csv", ROWS), gebietsstand=date(2024, 12, 31)
    )
    assert [e.ags for e in book.entries] == [
        "05",
        "055",
        "05566",
        "05566076",
        "05566096",
        "05566971",
    ]
    rheine = book.get("05566076")
    assert rheine is not None
    assert (rheine.population, str(rheine.area_km2)) == (76218, "145.00")
    forest = book.get("05566971")
    assert forest is not None
    assert forest.unincorporated
    assert forest.population == 0
    assert book.source == "gv.csv"


def test_codes_that_lost_their_leading_zero_in_excel_are_padded(tmp_path: Path) -> None:
    rows = ["60,64,5,5,66,96,96,Wettringen, 57.69, 8 261,,,,,,,,,,"]
    book = ki.read_gemeindeverzeichnis(
        _write(tmp_path / "gv.csv", rows), gebietsstand=date(2024, 1, 1)
    )
    assert [e.ags for e in book.entries] == ["05566096"]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("60,64,05,5,6x,0096,096,Wettringen,,,,,,,,,,,,", "kreis"),
        ("60,64,05,5,66,0096,0960,Wettringen,,,,,,,,,,,,", "gemeinde"),
        ("60,64,05,5,66,0096,096,,,,,,,,,,,,,", "gemeindename"),
        ("60,64,05,5,66,0096,096,Wettringen,,viele,,,,,,,,,,", "bevoelkerung"),
        ("60,64,05,5,66,0096,096,Wettringen,,-5,,,,,,,,,,", "bevoelkerung"),
        ("60,64,05,5,66,0096,096,Wettringen,-1.5,,,,,,,,,,,", "flaeche"),
        ("40,43,05,5,,,,Steinfurt,,,,,,,,,,,,", "kreis"),  # an empty code is not padded
    ],
)
def test_a_malformed_row_names_file_row_and_column(tmp_path: Path, row: str, column: str) -> None:
    path = _write(tmp_path / "gv.csv", [ROWS[0], row])
    with pytest.raises(ki.LoadError) as info:
        ki.read_gemeindeverzeichnis(path, gebietsstand=date(2024, 1, 1))
    [finding] = info.value.findings
    assert (finding.location.file, finding.location.row, finding.location.column) == (
        str(path),
        3,
        column,
    )


def test_a_file_without_rows_or_gebietsstand_is_refused(tmp_path: Path) -> None:
    with ki.using_language("en"), pytest.raises(ki.LoadError, match="no rows of the Gemeinde"):
        ki.read_gemeindeverzeichnis(_write(tmp_path / "a.csv", []), gebietsstand=date(2024, 1, 1))
    with pytest.raises(ki.LoadError, match="Gebietsstand"):
        ki.read_gemeindeverzeichnis(_write(tmp_path / "b.csv", ROWS))
    with pytest.raises(ki.LoadError, match="kommt doppelt vor"):
        ki.read_gemeindeverzeichnis(
            _write(tmp_path / "c.csv", [ROWS[4], ROWS[4]]), gebietsstand=date(2024, 1, 1)
        )


def test_the_official_xlsx_with_title_rows_and_several_sheets(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Deckblatt"
    book.active["A1"] = "Gemeindeverzeichnis-Informationssystem GV-ISys"
    sheet = book.create_sheet("Onlineprodukt_Gemeinden")
    sheet.append(
        ["Alle politisch selbständigen Gemeinden mit ausgewählten Merkmalen am 31.12.2024"]
    )
    sheet.append(["Satz-art", "Text-kenn-zeichen", "Amtlicher Regionalschlüssel (ARS)"])
    sheet.append([])
    for line in ROWS:
        cells = next(csv.reader(io.StringIO(line)))
        # Excel keeps the codes as text but the numbers as numbers.
        values: list[object] = [c or None for c in cells]
        if cells[0] == "60":
            values[8] = float(cells[8])
            values[9] = int(cells[9].replace(" ", ""))
        sheet.append(values)
    path = tmp_path / "auszug.xlsx"
    book.save(path)
    read = ki.read_gemeindeverzeichnis(path)
    assert read.gebietsstand == date(2024, 12, 31)
    assert read.get("05566096") is not None
    assert read.get("05566096").population == 8261


# --------------------------------------------------------------------------- validation


def _concept(*territories: ki.Territory, **kw: object) -> ki.Concept:
    return ki.Concept(
        id="k", title="K", territory=territories[0].ags, territories=territories, **kw
    )


def _codes(report: ki.ValidationReport, code: str) -> list[ki.Finding]:
    return [f for f in report.findings if f.code == code]


def test_an_ags_that_does_not_exist_is_an_error() -> None:
    concept = _concept(ki.Territory(ags="05566999", name="Nirgendwo", kind="municipality"))
    [error] = _codes(ki.validate(concept), "territory-unknown-ags")
    assert error.severity is ki.Severity.ERROR
    assert "05566999" in error.message
    assert "31.12.2020" in error.message


def test_a_name_that_does_not_fit_its_ags_is_a_warning_with_the_official_name() -> None:
    concept = _concept(ki.Territory(ags="05566088", name="Wettringen", kind="municipality"))
    [warning] = _codes(ki.validate(concept), "territory-name-mismatch")
    assert warning.severity is ki.Severity.WARNING
    assert warning.message == (
        "Gebiet „Wettringen“: 05566088 ist Tecklenburg, Stadt – gemeint: Wettringen 05566096?"
    )
    english = _codes(ki.validate(concept, lang="en"), "territory-name-mismatch")[0]
    assert "05566088 is Tecklenburg, Stadt – did you mean Wettringen 05566096?" in english.message
    fitting = _concept(ki.Territory(ags="05566076", name="Stadt Rheine", kind="town"))
    assert not _codes(ki.validate(fitting), "territory-name-mismatch")


def test_a_gemeindefreies_gebiet_as_the_concepts_territory_is_an_error() -> None:
    """init refuses a gemeindefreies Gebiet (a forest has no council and no concept);
    a concept written by hand with one passed validation."""
    forest = ki.Territory(ags="01053105", name="Sachsenwald", kind="municipality")
    [error] = _codes(ki.validate(_concept(forest)), "territory-unincorporated")
    assert error.severity is ki.Severity.ERROR
    assert error.location.path == "territory"
    assert "Sachsenwald" in error.message
    assert "ist ein gemeindefreies Gebiet" in error.message
    assert "(Kreis Herzogtum Lauenburg: 01053)" in error.message
    english = _codes(ki.validate(_concept(forest), lang="en"), "territory-unincorporated")
    assert "is a gemeindefreies Gebiet" in english[0].message
    # inside the Kreis's concept the forest is one of its territories, and fine
    kreis = ki.Territory(ags="01053", name="Herzogtum Lauenburg", kind="district")
    assert not _codes(ki.validate(_concept(kreis, forest)), "territory-unincorporated")


def test_the_concepts_own_territory_must_exist_in_the_concept_or_the_catalogue() -> None:
    """A concept may name a territory it does not list (Wettringen, in the catalogue);
    one known nowhere is an error at ``territory``."""
    unknown = ki.Concept(id="k", title="K", territory="05566999")
    [error] = _codes(ki.validate(unknown), "territory-unknown-ags")
    assert error.location.path == "territory"
    assert not _codes(
        ki.validate(ki.Concept(id="k", title="K", territory="05566096")), "territory-unknown-ags"
    )


def test_a_bezirk_without_population_names_the_citys() -> None:
    bezirk = ki.Territory(ags="11000000", name="Neukölln", kind="municipality")
    [warning] = _codes(ki.validate(_concept(bezirk), lang="en"), "territory-bezirk-population")
    assert warning.severity is ki.Severity.WARNING
    assert warning.location.path == "territories[0].population"
    assert "a Bezirk of Berlin" in warning.message
    berlin = ki.territory_catalogue().require("11000000")
    assert berlin.population  # (not 0: the city's own figure, not a stand-in)
    assert f"the whole city's ({berlin.population:,})" in warning.message
    counted = attrs.evolve(bezirk, population=330_000, population_date=date(2024, 12, 31))
    assert not _codes(ki.validate(_concept(counted)), "territory-bezirk-population")
    # the city itself, or a Gemeinde, takes its population from the catalogue
    for town in (
        ki.Territory(ags="11000000", name="Berlin", kind="municipality"),
        ki.Territory(ags="05566096", name="Wettringen", kind="municipality"),
    ):
        assert not _codes(ki.validate(_concept(town)), "territory-bezirk-population")


def test_a_bezirk_of_a_city_without_population_in_the_catalogue_gives_no_figure(
    tmp_path: Path,
) -> None:
    """A town's own catalogue may give Berlin no population: the Bezirk still needs its
    own, and the message names no figure of the city (it said "(0)")."""
    rows = [
        "10,,11,,,,,Berlin,,,,,,,,,,,,",
        '40,41,11,0,00,,,"Berlin, Stadt",,,,,,,,,,,,',
        '60,60,11,0,00,0000,000,"Berlin, Stadt",891.12,,,,,,,,,,,',
    ]
    book = ki.read_gemeindeverzeichnis(
        _write(tmp_path / "gv.csv", rows), gebietsstand=date(2020, 12, 31)
    )
    assert book.require("11000000").population is None
    bezirk = ki.Territory(ags="11000000", name="Neukölln", kind="municipality")
    [warning] = _codes(ki.validate(_concept(bezirk), catalogue=book), "territory-bezirk-population")
    assert warning.location.path == "territories[0].population"
    assert warning.message == (
        "Gebiet „Neukölln“: ein Bezirk von Berlin ohne eigene Einwohnerzahl, und das "
        "Gemeindeverzeichnis nennt keine für Berlin: Kennzahlen je Einwohner fehlen; bitte "
        "population und population_date eintragen."
    )
    english = ki.validate(_concept(bezirk), catalogue=book, lang="en")
    assert "the Gemeindeverzeichnis gives none for Berlin" in english.findings[0].message


def test_a_gemeindefreies_gebiet_whose_kreis_the_catalogue_lacks_names_the_kreis_by_its_ags(
    tmp_path: Path,
) -> None:
    """A town's own catalogue without the Kreis's row: the Kreis is its AGS, the first
    five digits of the area's."""
    rows = [row for row in ROWS if not row.startswith("40,")]
    book = ki.read_gemeindeverzeichnis(
        _write(tmp_path / "gv.csv", rows), gebietsstand=date(2020, 12, 31)
    )
    assert book.get("05566") is None
    forest = ki.Territory(ags="05566971", name="Forst", kind="municipality")
    [error] = _codes(ki.validate(_concept(forest), catalogue=book), "territory-unincorporated")
    assert "bitte den AGS des Kreises (05566: 05566) oder" in error.message


def test_a_territorys_parent_must_exist_in_the_concept_or_the_catalogue(tmp_path: Path) -> None:
    """A parent may be any German AGS, listed in the concept or not; one the catalogue
    lacks (a town's own catalogue without Kreis Steinfurt) is an error at the parent."""
    book = ki.read_gemeindeverzeichnis(
        _write(tmp_path / "gv.csv", [row for row in ROWS if not row.startswith("40,")]),
        gebietsstand=date(2020, 12, 31),
    )
    town = ki.Territory(ags="05566096", name="Wettringen", kind="municipality", parent="05566")
    assert not _codes(ki.validate(_concept(town)), "territory-unknown-ags")
    [error] = _codes(ki.validate(_concept(town), catalogue=book), "territory-unknown-ags")
    assert error.location.path == "territories[0].parent"
    assert "05566" in error.message


def test_a_version_the_catalogue_cannot_know_leaves_the_next_territories_checked() -> None:
    """A version that ended before the Gebietsstand is not looked up; the territories
    after it are."""
    old = ki.Territory(
        ags="05566999", name="Altgemeinde", kind="municipality", valid_to=date(2010, 12, 31)
    )
    assert not _codes(ki.validate(_concept(old)), "territory-unknown-ags")
    nowhere = ki.Territory(ags="05566998", name="Nirgendwo", kind="municipality")
    [error] = _codes(ki.validate(_concept(old, nowhere)), "territory-unknown-ags")
    assert error.location.path == "territories[1].ags"


def test_a_name_of_many_places_offers_the_three_likeliest() -> None:
    concept = _concept(ki.Territory(ags="05566088", name="Neustadt", kind="municipality"))
    [warning] = _codes(ki.validate(concept, lang="en"), "territory-name-mismatch")
    guesses = warning.message.partition("did you mean ")[2].rstrip("?").split(", ")
    assert len(guesses) == 3
    assert all(g.startswith("Neustadt") for g in guesses)


def test_a_name_known_nowhere_gets_no_guess() -> None:
    concept = _concept(ki.Territory(ags="05566088", name="Xyzdorf", kind="municipality"))
    [warning] = _codes(ki.validate(concept), "territory-name-mismatch")
    assert "gemeint" not in warning.message
    assert "Tecklenburg, Stadt" in warning.message


def test_a_version_outside_the_gebietsstand_is_not_looked_up() -> None:
    # A Gemeinde dissolved before the catalogue's Gebietsstand: the catalogue cannot know it.
    old = ki.Territory(ags="05566999", name="Alt", kind="municipality", valid_to=date(2010, 12, 31))
    concept = _concept(ki.Territory(ags="05566", name="Kreis Steinfurt", kind="district"), old)
    assert not _codes(ki.validate(concept), "territory-unknown-ags")


def test_neighbours_may_be_named_but_must_exist() -> None:
    venue = ki.Venue(city="Rheine", municipality="05566076")
    offers = [
        ki.Offer(id="kurs", name="Kurs", actor="vhs", venue=venue, territories=["05566096"]),
        ki.Offer(id="x", name="X", actor="vhs", territories=["05566998"]),
    ]
    concept = _concept(
        ki.Territory(ags="05566096", name="Wettringen", kind="municipality", parent="05566"),
        actors=[ki.Actor(id="vhs", name="VHS")],
        offers=offers,
    )
    report = ki.validate(concept)
    assert not _codes(report, "unknown-reference")
    [error] = _codes(report, "territory-unknown-ags")
    assert error.location.path == "offers[1].territories[0]"


def test_a_users_own_catalogue_is_used_for_validation(tmp_path: Path) -> None:
    # A Gemeinde that is newer than the shipped Gebietsstand.
    rows = [*ROWS, "60,64,05,5,66,0100,100,Neugemeinde,,,,,,,,,,,,"]
    own = ki.read_gemeindeverzeichnis(
        _write(tmp_path / "gv.csv", rows), gebietsstand=date(2025, 1, 1)
    )
    concept = _concept(ki.Territory(ags="05566100", name="Neugemeinde", kind="municipality"))
    assert _codes(ki.validate(concept), "territory-unknown-ags")
    assert not _codes(ki.validate(concept, catalogue=own), "territory-unknown-ags")


# --------------------------------------------------------------------------- command line


def test_cli_territories_shows_gebietsstand_and_attribution(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["territories"]) == 0
    out = capsys.readouterr().out
    assert "Gebietsstand 31.12.2020" in out
    assert "© Statistisches Bundesamt (Destatis)" in out
    assert "dl-de/by-2-0" in out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert "Gebietsstand 31.12.2020" in capsys.readouterr().out


def test_cli_find_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["territories", "find", "Wettringen"]) == 0
    out = capsys.readouterr().out
    assert (
        "05566096  Wettringen (05566096), Kreis Steinfurt, Nordrhein-Westfalen  8.261 Einw." in out
    )
    assert "09571222" in out
    # The Kreis or Land narrows the list, as for init.
    assert main(["territories", "find", "Wettringen", "--land", "BY"]) == 0
    assert capsys.readouterr().out.split()[0] == "09571222"
    assert main(["territories", "find", "Wettringen", "--kreis", "Steinfurt"]) == 0
    assert capsys.readouterr().out.split()[0] == "05566096"
    assert main(["territories", "find", "Xyzzy"]) == 2
    assert "„Xyzzy“ gibt es im Gemeindeverzeichnis (Gebietsstand 31.12.2020) nicht" in (
        capsys.readouterr().err
    )
    assert main(["territories", "show", "05566"]) == 0
    assert capsys.readouterr().out.count("\n  0556") == 24
    assert main(["territories", "show", "05566999"]) == 2
    assert "den AGS '05566999' gibt es im Gemeindeverzeichnis nicht" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("ags", "kind"),
    [
        ("04012", "kreisfreie Stadt (Kreisebene)"),
        ("04012000", "kreisfreie Stadt"),
        ("02000000", "kreisfreie Stadt"),
        ("05566", "Kreis"),
        ("05566096", "Gemeinde"),
        ("05558012", "Stadt"),
        ("01053105", "gemeindefreies Gebiet"),
        ("053", "Regierungsbezirk"),
        ("11", "Land"),
    ],
)
def test_show_names_the_kind_in_words(
    ags: str, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``territories show 04012`` said "Art: district" for Bremerhaven: the model's code,
    in English, and the wrong one for the row of a kreisfreie Stadt at the level of the
    Kreise (found by a newcomer from Bremerhaven)."""
    assert main(["territories", "show", ags]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith(f"; Art: {kind}")
    from kommunale_integration._commands.territories import _kind_label

    with ki.using_language("en"):
        english = _kind_label(ki.territory_catalogue().require(ags))
    assert english != kind
    assert f"({kind.partition(' (')[0]})" in english  # the German word beside the English


def test_cli_update_writes_the_users_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "gv.csv", ROWS)
    before = source.read_bytes()
    out = tmp_path / "mein-gv.tsv"
    args = [
        "territories",
        "update",
        str(source),
        "--output",
        str(out),
        "--gebietsstand",
        "2024-12-31",
    ]
    assert main(args) == 0
    assert "gebietsstand: 2024-12-31" in capsys.readouterr().out
    assert source.read_bytes() == before
    assert ki.load_territory_catalogue(out).get("05566096") is not None
    # init with that catalogue records it in the new konzept.yaml; validate uses it.
    folder = tmp_path / "w"
    assert main(["init", str(folder), "--ags", "05566096", "--catalogue", str(out)]) == 0
    text = (folder / "konzept.yaml").read_text(encoding="utf-8")
    assert "gebietsstand: 2024-12-31" in text
    assert f"\nterritory_catalogue: {out}\n" in text
    assert main(["validate", str(folder)]) == 0
    assert ki.catalogue_for(ki.load_concept(folder), folder).gebietsstand == date(2024, 12, 31)


def test_cli_update_without_gebietsstand_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "gv.csv", ROWS)
    assert main(["territories", "update", str(source), "--output", str(tmp_path / "o.tsv")]) == 2
    err = capsys.readouterr().err
    assert "Gebietsstand" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o.tsv").exists()


# --------------------------------------------------------------------------- versions

KREIS_ST = ki.Territory(ags="05566", name="Kreis Steinfurt", kind="district")
OLD = ki.Territory(
    ags="05566096",
    name="Wettringen",
    kind="municipality",
    parent="05566",
    valid_to=date(2023, 12, 31),
)
NEW = ki.Territory(
    ags="05566096",
    name="Wettringen",
    kind="municipality",
    parent="05566",
    valid_from=date(2024, 1, 1),
    predecessors=["05566092"],
)
GONE = ki.Territory(
    ags="05566092",
    name="Westerkappeln",
    kind="municipality",
    parent="05566",
    valid_to=date(2023, 12, 31),
    successors=["05566096"],
)


def test_versions_of_one_ags_are_picked_by_date() -> None:
    concept = _concept(KREIS_ST, NEW, GONE, OLD)
    assert concept.versions("05566096") == (OLD, NEW)
    assert concept.territory_of("05566096", on=date(2023, 6, 1)) is OLD
    assert concept.territory_of("05566096", on=date(2024, 6, 1)) is NEW
    assert concept.territory_of("05566092", on=date(2024, 6, 1)) is None
    assert [t.ags for t in concept.municipalities(on=date(2023, 6, 1))] == ["05566092", "05566096"]
    assert [t.ags for t in concept.municipalities(on=date(2024, 6, 1))] == ["05566096"]
    # Without a day: one entry per AGS.
    assert [t.ags for t in concept.municipalities()] == ["05566092", "05566096"]


def test_versions_may_repeat_an_ags_but_not_overlap() -> None:
    report = ki.validate(_concept(KREIS_ST, OLD, NEW, GONE))
    assert not _codes(report, "duplicate-id")
    assert not _codes(report, "territory-unknown-ags")
    overlapping = attrs.evolve(NEW, valid_from=date(2023, 12, 31))
    [clash] = _codes(ki.validate(_concept(KREIS_ST, OLD, overlapping)), "duplicate-id")
    assert clash.location.path == "territories[2].ags"


def test_successor_links_must_name_existing_territories() -> None:
    broken = attrs.evolve(GONE, successors=["05566999"])
    [error] = _codes(ki.validate(_concept(KREIS_ST, OLD, NEW, broken)), "territory-unknown-ags")
    assert error.location.path == "territories[3].successors[0]"
    with pytest.raises(ki.InvalidValueError, match="successors"):
        attrs.evolve(GONE, successors=["5566"])


def test_coverage_on_a_day_uses_the_territories_valid_then() -> None:
    concept = _concept(
        KREIS_ST, OLD, NEW, GONE, fields=[ki.FieldOfAction(id="sprache", title="Sprache")]
    )
    before = {g.municipality for g in ki.coverage_gaps(concept, on=date(2023, 6, 1))}
    after = {g.municipality for g in ki.coverage_gaps(concept, on=date(2024, 6, 1))}
    assert before == {"05566092", "05566096"}
    assert after == {"05566096"}


def test_roll_ups_use_the_versions_valid_in_the_period() -> None:
    # Westerkappeln (invented here) merged into Wettringen on 1 January 2024: from 2024
    # the Kreis is the sum of Wettringen alone, before of both.
    indicator = ki.Indicator(id="teilnahmen", name="Teilnahmen", numerator="teilnahmen_raw")

    def value(ags: str, year: str, number: int) -> ki.Observation:
        period = ki.ReportPeriod.parse(year)
        return ki.Observation(
            indicator="teilnahmen_raw", period=period, territory=ags, value=Decimal(number)
        )

    concept = _concept(
        KREIS_ST,
        OLD,
        NEW,
        GONE,
        indicators=[indicator],
        observations=[
            value("05566096", "2023", 7),
            value("05566092", "2023", 5),
            value("05566096", "2024", 13),
        ],
    )
    table = ki.compute_indicators(concept, periods=["2023", "2024"])
    assert table.get("teilnahmen", "2023", "05566").value == Decimal(12)
    # Without versions the dissolved Gemeinde's missing 2024 value would block the sum.
    assert table.get("teilnahmen", "2024", "05566").value == Decimal(13)


def test_the_attribution_line_names_source_gebietsstand_and_licence(tmp_path: Path) -> None:
    line = ki.territory_attribution()
    assert line == (
        "Gemeindeverzeichnis, Gebietsstand 31.12.2020: © Statistisches Bundesamt (Destatis), "
        "Gemeindeverzeichnis-Informationssystem GV-ISys (dl-de/by-2-0)"
    )
    own = ki.read_gemeindeverzeichnis(
        _write(tmp_path / "gv.csv", ROWS), gebietsstand=date(2024, 12, 31)
    )
    assert "Gebietsstand 31.12.2024" in ki.territory_attribution(own)


def test_hsds_import_names_the_territories_of_any_kreis(tmp_path: Path) -> None:
    """A new concept from HSDS data of Kreis Steinfurt, not only Kreis Coesfeld."""
    venue = ki.Venue(city="Rheine", municipality="05566076")
    concept = ki.Concept(
        id="s",
        title="S",
        territory="05566",
        actors=(
            ki.Actor(id="a", name="Caritas", territories=("05566096",)),
            ki.Actor(id="b", name="VHS", territories=("05566076",), venue=venue),
            # A neighbour in the next Kreis (Münster, kreisfreie Stadt) stays a neighbour.
            ki.Actor(id="c", name="Uni", venue=ki.Venue(city="Münster", municipality="05515000")),
        ),
    )
    folder = ki.export_hsds(concept, tmp_path / "hsds", form="json")
    imported, _ = ki.import_hsds(folder)
    assert imported.territory == "05566"
    assert [(t.ags, t.name, t.parent) for t in imported.territories] == [
        ("05566", "Kreis Steinfurt", "05"),
        ("05566076", "Rheine", "05566"),
        ("05566096", "Wettringen", "05566"),
    ]
    assert ki.validate(imported).ok


# --------------------------------------------------------------------------- the concept records it


def _update_args(source: Path, output: Path, *extra: str) -> list[str]:
    return ["territories", "update", str(source), "--output", str(output),
            "--gebietsstand", "2024-12-31", *extra]  # fmt: skip


def _without(lines: list[str], *keys: str) -> list[str]:
    return [line for line in lines if not line.startswith(tuple(f"{k}:" for k in keys))]


def test_update_records_the_gebietsstand_in_the_concept_keeping_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "gv.csv", ROWS)
    folder = tmp_path / "wettringen"
    ki.init_concept(folder, ags="05566096")
    main_file = folder / "konzept.yaml"
    old = main_file.read_text(encoding="utf-8").splitlines()
    assert main(_update_args(source, folder / "gv-2024.tsv", "--concept", str(folder))) == 0
    out = capsys.readouterr().out
    assert "im Konzept geändert: gebietsstand: 2020-12-31 → 2024-12-31" in out
    assert "im Konzept geändert: territory_catalogue: – → gv-2024.tsv" in out
    new = main_file.read_text(encoding="utf-8").splitlines()
    # Exactly one line changed and one added; comments and order of the rest kept.
    assert len(new) == len(old) + 1
    assert _without(new, "gebietsstand", "territory_catalogue") == _without(old, "gebietsstand")
    line = "gebietsstand: 2024-12-31          # Stand des Gemeindeverzeichnisses (Destatis)"
    assert new[new.index(line) + 1] == "territory_catalogue: gv-2024.tsv"
    concept = ki.load_concept(folder)
    assert (concept.gebietsstand, concept.territory_catalogue) == (
        date(2024, 12, 31),
        "gv-2024.tsv",
    )
    assert ki.catalogue_for(concept, folder).source == "gv.csv"
    # Again: nothing to change, the file is not rewritten.
    stamp = main_file.stat().st_mtime_ns
    assert main(_update_args(source, folder / "gv-2024.tsv", "--concept", str(folder))) == 0
    assert "verzeichnet dieses Verzeichnis bereits" in capsys.readouterr().out
    assert main_file.stat().st_mtime_ns == stamp


def test_update_without_concept_leaves_the_concept_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "gv.csv", ROWS)
    folder = tmp_path / "w"
    ki.init_concept(folder, ags="05566096")
    before = (folder / "konzept.yaml").read_bytes()
    assert main(_update_args(source, folder / "gv.tsv")) == 0
    assert "--concept" in capsys.readouterr().out
    assert (folder / "konzept.yaml").read_bytes() == before
    # The catalogue cannot be written over the concept's main file.
    assert main(_update_args(source, folder / "konzept.yaml")) == 2
    assert (folder / "konzept.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"id": "k", "title": "K", "territory": "05566096"}', "json"),
        ("id: k\ntitle: K\nterritory: '05566096'\ngebietsstand: >-\n  2020-12-31\n", "block"),
        ("id: k\ntitle: K\nterritory: '05566096'\n'gebietsstand': 2020-12-31\n", "quoted key"),
    ],
)
def test_update_refuses_to_edit_what_it_cannot_edit_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, reason: str
) -> None:
    source = _write(tmp_path / "gv.csv", ROWS)
    folder = tmp_path / "k"
    folder.mkdir()
    main_file = folder / ("konzept.json" if reason == "json" else "konzept.yaml")
    main_file.write_text(text, encoding="utf-8")
    assert main(_update_args(source, tmp_path / "gv.tsv", "--concept", str(folder))) == 2
    err = capsys.readouterr().err
    assert ("kein Konzeptordner" if reason == "json" else "tragen Sie sie selbst ein") in err
    assert "Traceback" not in err
    assert main_file.read_text(encoding="utf-8") == text


_COMMENT = st.from_regex(r"# [a-zäöü :]{0,20}", fullmatch=True)
_KEY = st.sampled_from(["id", "title", "version", "committee", "summary"])


@given(
    lines=st.lists(st.one_of(_COMMENT, _KEY), max_size=8, unique=True),
    stand=st.sampled_from(["", "gebietsstand: 2020-12-31", "gebietsstand: '2020-12-31'  # x"]),
    named=st.sampled_from(["", "territory_catalogue: alt.tsv", 'territory_catalogue: "a b.tsv"']),
    crlf=st.booleans(),
)
def test_recording_changes_only_its_two_keys(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], stand: str, named: str, crlf: bool
) -> None:
    """Whatever surrounds them, only the lines of the two keys change (CRLF kept)."""
    folder = tmp_path_factory.mktemp("k")
    body = [
        f"{line}: wert {i}" if not line.startswith("#") else line for i, line in enumerate(lines)
    ]
    old = ["territory: '05566096'", *[x for x in (stand, named) if x], *body]
    newline = "\r\n" if crlf else "\n"
    (folder / "konzept.yaml").write_bytes(newline.join(old).encode() + newline.encode())
    book = ki.load_territory_catalogue(_catalogue_file(folder))
    changes = ki.record_territory_catalogue(folder, folder / "cat dir" / "neu.tsv", book)
    data = (folder / "konzept.yaml").read_bytes().decode()
    assert data.count("\r\n") == (data.count("\n") if crlf else 0)
    new = data.splitlines()
    keys = ("gebietsstand", "territory_catalogue")
    assert _without(new, *keys) == _without(old, *keys)
    assert "gebietsstand: 2024-12-31" in "\n".join(new)
    assert 'territory_catalogue: "cat dir/neu.tsv"' in "\n".join(new)
    assert set(changes) == set(keys)


def _catalogue_file(folder: Path) -> Path:
    source = _write(folder / "gv.csv", ROWS)
    book = ki.read_gemeindeverzeichnis(source, gebietsstand=date(2024, 12, 31))
    return ki.write_territory_catalogue(book, folder / "cat.tsv")


def test_an_explicit_edit_still_refuses_to_overwrite_a_named_input(tmp_path: Path) -> None:
    from kommunale_integration._io import atomic_write

    target = tmp_path / "konzept.yaml"
    target.write_text("id: k\n", encoding="utf-8")
    with pytest.raises(ki.OutputError):
        atomic_write(target, "x", inputs=[target], edit=True)
    with pytest.raises(ki.OutputError):
        atomic_write(target, "x")  # a concept file, without edit
    atomic_write(target, "id: j\n", edit=True)
    assert target.read_text(encoding="utf-8") == "id: j\n"


# --------------------------------------------------------------------------- own catalogue, tables

NEUDORF = (
    '60,64,05,5,66,0097,097,Neudorf am See, 10.00, 1 000, 500, 500,  100,48493,"7,3","52,2",,,,'
)


def _offer_in(folder: Path, town: str) -> None:
    """One actor and one offer held in *town* (by name) in the concept's tables."""
    for table, row in (
        ("akteure.csv", {"ID": "vhs", "Name": "VHS", "Kategorie": "education"}),
        ("angebote.csv", {"ID": "kurs", "Name": "Kurs", "Träger": "vhs", "Standortgemeinde": town}),
    ):
        header = (folder / table).read_text(encoding="utf-8").splitlines()[0]
        cells = [row.get(column, "") for column in header.split(";")]
        (folder / table).write_text(header + "\n" + ";".join(cells) + "\n", encoding="utf-8")


def test_table_names_are_looked_up_in_the_concepts_own_catalogue(tmp_path: Path) -> None:
    """A town only the concept's newer catalogue knows is found by name in a table."""
    source = _write(tmp_path / "gv.csv", [*ROWS, NEUDORF])
    folder = tmp_path / "w"
    ki.init_concept(folder, ags="05566096")
    _offer_in(folder, "Neudorf am See")
    # The shipped catalogue does not know the name: an error naming file and row.
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(folder)
    [finding] = [f for f in info.value.findings if f.code == "unknown-territory"]
    assert finding.location is not None
    assert (finding.location.file, finding.location.row) == ("angebote.csv", 2)
    # Recorded in the concept, the newer catalogue resolves it.
    assert main(_update_args(source, folder / "gv.tsv", "--concept", str(folder))) == 0
    [offer] = ki.load_concept(folder).offers
    assert offer.venue is not None
    assert offer.venue.municipality == "05566097"


def test_a_named_catalogue_that_cannot_be_read_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    ki.init_concept(folder, ags="05566096")
    main_file = folder / "konzept.yaml"
    text = main_file.read_text(encoding="utf-8")
    old = "# territory_catalogue: gemeindeverzeichnis.tsv"
    main_file.write_text(text.replace(old, "territory_catalogue: x.tsv"), encoding="utf-8")
    _offer_in(folder, "Rheine")
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(folder)
    catalogue = [f for f in info.value.findings if f.code == "invalid-territory-catalogue"]
    assert len(catalogue) == 1
    assert catalogue[0].location is not None
    assert catalogue[0].location.file == str(folder / "x.tsv")


def test_update_refuses_a_konzept_yaml_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "gv.csv", ROWS)
    folder = tmp_path / "k"
    folder.mkdir()
    data = "id: k\ntitle: Gemeinde Wettringen – Soziales\nterritory: '05566096'\n".encode("cp1252")
    (folder / "konzept.yaml").write_bytes(data)
    assert main(_update_args(source, tmp_path / "gv.tsv", "--concept", str(folder))) == 2
    assert "tragen Sie sie selbst ein" in capsys.readouterr().err
    assert (folder / "konzept.yaml").read_bytes() == data


# --------------------------------------------------------------------------- names and look-ups


def test_a_bezirk_of_berlin_and_one_of_hamburg_are_told_apart() -> None:
    from kommunale_integration._territories import stadtstaat_bezirk

    assert stadtstaat_bezirk("Berlin-Spandau") == ("11000000", "Spandau")
    assert stadtstaat_bezirk("Nord") == ("02000000", "Hamburg-Nord")
    assert stadtstaat_bezirk("Hamburg Altona") == ("02000000", "Altona")
    assert stadtstaat_bezirk("Hamburg-Spandau") is None


def test_a_bezirk_is_its_stadtstaat_and_a_verband_is_refused_with_its_gemeinde() -> None:
    book = ki.territory_catalogue()
    assert book.require_name("Neukölln") == ([book.require("11000000")], [])
    with pytest.raises(ki.KommunaleIntegrationError) as caught:
        book.require_name("Verbandsgemeinde Bad Ems")
    # The Gemeinde of the Verband's name (two words), to look up instead.
    assert "ist ein Gemeindeverband" in str(caught.value)
    assert "(territories find Bad Ems)" in str(caught.value)


def test_a_name_not_found_lists_five_places_having_it_as_a_word() -> None:
    book = ki.territory_catalogue()
    assert len(book.containing("Main")) > 5
    with pytest.raises(ki.KommunaleIntegrationError) as caught:
        book.require_name("Main")
    assert len(re.findall(r"\(\d{8}\)", str(caught.value))) == 5


def test_containing_needs_three_letters_and_puts_the_largest_first() -> None:
    book = ki.territory_catalogue()
    assert book.containing("Au") == []
    ems = book.containing("Ems")  # three letters: Lingen (Ems), Bad Ems …
    assert [e.short_name for e in ems[:2]] == ["Lingen (Ems)", "Haren (Ems)"]
    people = [e.population or 0 for e in ems]
    assert people == sorted(people, reverse=True)
    assert [e.ags for e in ems] != sorted(e.ags for e in ems)


def test_spaces_around_punctuation_do_not_matter() -> None:
    from kommunale_integration._territories import _normal

    book = ki.territory_catalogue()
    assert [e.ags for e in book.find("Weiden i. d. OPf.")] == ["09363000"]
    assert [e.ags for e in book.find("Weiden i.d. OPf.")] == ["09363000"]
    # The spaces go, the punctuation stays: a hyphen is no full stop.
    assert _normal("Weiden i. d. OPf.") == "weiden i.d.opf."
    assert book.find("Weiden i-d-OPf.") == []


def test_kreis_names_of_their_own_kind_get_no_second_prefix() -> None:
    book = ki.territory_catalogue()
    shown = {ags: book.require(ags).display_name for ags in ("05162", "03241", "05334", "05566")}
    assert shown == {
        "05162": "Rhein-Kreis Neuss",
        "03241": "Region Hannover",
        "05334": "Städteregion Aachen",
        "05566": "Kreis Steinfurt",
    }
    # Found once, though its display name is its name.
    assert [e.ags for e in book.find("Region Hannover")] == ["03241"]


def test_the_parent_of_a_regierungsbezirk_is_its_land_and_a_land_has_none() -> None:
    book = ki.territory_catalogue()
    assert book.require("055").parent == "05"
    assert book.require("05").parent is None
    assert book.require("05566").parent == "05"
    assert book.require(WETTRINGEN_AGS).parent == "05566"


WETTRINGEN_AGS = "05566096"


def test_a_kreis_is_described_with_its_land_only() -> None:
    book = ki.territory_catalogue()
    assert book.describe("05566") == "Kreis Steinfurt (05566), Nordrhein-Westfalen"
    assert book.describe(WETTRINGEN_AGS) == (
        "Wettringen (05566096), Kreis Steinfurt, Nordrhein-Westfalen"
    )


def test_names_find_kreise_and_gemeinden_but_not_laender_or_a_stadtkreis_twice() -> None:
    book = ki.territory_catalogue()
    assert book.find("Nordrhein-Westfalen") == []
    assert book.find("Reg.-Bez. Münster") == []
    assert all(len(e.ags) == 8 for e in book.find("Münster"))


def test_a_kreis_asked_for_has_no_beginnings_a_gemeinde_asked_for_has() -> None:
    book = ki.territory_catalogue()
    assert book.candidates("Kreis Steinfurt") == ([book.require("05566")], [])
    exact, beginning = book.candidates("Gemeinde Weiden")
    assert [e.ags for e in exact] == ["07134091"]
    assert [e.ags for e in beginning] == ["09363000"]


def test_lookup_says_whether_what_it_found_is_exact() -> None:
    book = ki.territory_catalogue()
    assert book.lookup("Wettringen")[1] is True
    found, exact = book.lookup("Neustadt")
    assert found
    assert exact is False


def test_within_names_what_is_missing_kreis_or_land() -> None:
    book = ki.territory_catalogue()
    with pytest.raises(ki.KommunaleIntegrationError, match="Einen Kreis „Nirgendwo“"):
        book.within([], kreis="Nirgendwo")
    with pytest.raises(ki.KommunaleIntegrationError, match="Ein Land „Nirgendwo“"):
        book.within([], land="Nirgendwo")


def test_areas_by_full_ags_lost_zero_or_name() -> None:
    book = ki.territory_catalogue()
    assert book.areas("05566", 5) == [book.require("05566")]
    assert book.areas("05", 2) == [book.require("05")]
    assert book.areas("9", 2) == [book.require("09")]
    assert book.areas("99", 2) == []
    assert book.areas("Steinfurt", 5) == [book.require("05566")]


def test_an_unknown_ags_matches_no_name() -> None:
    book = ki.territory_catalogue()
    assert book.matches("05566096", "Wettringen")
    assert not book.matches("99999999", "Wettringen")


def test_suggest_prefers_the_kreis_then_the_land_of_the_neighbour() -> None:
    towns = ("05566011", "05562011", "05711011", "09162011")
    book = ki.TerritoryCatalogue(
        gebietsstand=date(2024, 12, 31),
        population_date=None,
        source="test",
        entries=tuple(
            ki.OfficialTerritory(ags=a, name="Neudorf", textkennzeichen="64") for a in towns
        ),
    )
    assert [e.ags for e in book.suggest("Neudorf", near="05566500")] == ["05566011"]
    in_land = ["05562011", "05566011", "05711011"]
    assert [e.ags for e in book.suggest("Neudorf", near="05558000")] == in_land
    assert len(book.suggest("Neudorf")) == 4


# --------------------------------------------------------------------------- reading files


def test_the_gebietsstand_is_a_date_in_a_title_row_naming_it(tmp_path: Path) -> None:
    def stand(title: str) -> date:
        path = tmp_path / "gv.csv"
        path.write_text(f"{title},,,\n{HEADER}\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
        return ki.read_gemeindeverzeichnis(path).gebietsstand

    # One-digit day and month; "Gebietsstand" without "am".
    assert stand("Gebietsstand: 1.1.2024") == date(2024, 1, 1)
    assert stand("Gemeinden am 30.6.2023") == date(2023, 6, 30)
    with pytest.raises(ki.LoadError, match="Gebietsstand"):
        stand("Erstellt 5.3.2025")  # a date, but not the Gebietsstand


def test_an_area_has_a_decimal_point(tmp_path: Path) -> None:
    rows = ["60,64,05,5,66,0096,096,Wettringen, 1.250, 8 261,,,,,,,,,,"]
    book = ki.read_gemeindeverzeichnis(
        _write(tmp_path / "gv.csv", rows), gebietsstand=date(2024, 1, 1)
    )
    assert book.require("05566096").area_km2 == Decimal("1.250")


def test_a_broken_catalogue_line_is_named_by_its_number(tmp_path: Path) -> None:
    path = _catalogue_file(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for bad in ("05566099\t64\tNeudorf", "Neudorf\t64\tNeudorf\t\t"):
        path.write_text("\n".join([*lines, bad]) + "\n", encoding="utf-8")
        with pytest.raises(ki.LoadError) as info:
            ki.load_territory_catalogue(path)
        [finding] = info.value.findings
        assert finding.location.row == len(lines) + 1


def test_a_relative_catalogue_without_a_folder_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import types

    _catalogue_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    concept = types.SimpleNamespace(territory_catalogue="cat.tsv")
    assert ki.catalogue_for(concept).gebietsstand == date(2024, 12, 31)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    absolute = types.SimpleNamespace(territory_catalogue=str(tmp_path / "cat.tsv"))
    assert ki.catalogue_for(absolute, elsewhere).gebietsstand == date(2024, 12, 31)


# --------------------------------------------------------------------------- konzept.yaml editor


def test_the_editor_quotes_what_yaml_would_read_as_no_string() -> None:
    import yaml

    from kommunale_integration._territories import _set_top_level

    for value in (".5", "-1", "gv-2024.tsv", "a b"):
        edited = _set_top_level("id: k\n", "territory_catalogue", value)
        assert yaml.safe_load(edited)["territory_catalogue"] == value
    assert _set_top_level("id: k\n", "territory_catalogue", "gv.tsv").endswith(
        "territory_catalogue: gv.tsv\n"
    )


def test_the_editor_leaves_a_value_on_the_following_lines_alone() -> None:
    from kommunale_integration._territories import _set_top_level

    for text in ("gebietsstand:\n  2019-12-31\n", "gebietsstand: >\n  2019-12-31\n"):
        assert _set_top_level(text, "gebietsstand", "2024-12-31") == text


def test_the_editor_keeps_spacing_and_a_comment_apart_from_a_longer_value() -> None:
    from kommunale_integration._territories import _set_top_level

    edit = _set_top_level
    assert edit("gebietsstand:   2019-12-31\n", "gebietsstand", "2024-12-31") == (
        "gebietsstand:   2024-12-31\n"
    )
    assert edit("gebietsstand: x # Stand\n", "gebietsstand", "2024-12-31") == (
        "gebietsstand: 2024-12-31 # Stand\n"
    )
    assert edit("gebietsstand: 2019-12-31    # Stand\n", "gebietsstand", "2024-1-1") == (
        "gebietsstand: 2024-1-1      # Stand\n"
    )


def test_the_editor_adds_a_key_at_the_end_on_a_line_of_its_own() -> None:
    from kommunale_integration._territories import _set_top_level

    added = "gebietsstand: 2024-12-31\n"
    assert _set_top_level("", "gebietsstand", "2024-12-31") == added
    assert _set_top_level("id: k", "gebietsstand", "2024-12-31") == "id: k\n" + added
    assert _set_top_level("id: k\ntitle: t", "gebietsstand", "2024-12-31") == (
        "id: k\ntitle: t\n" + added
    )
    assert _set_top_level("id: k\ntitle: t\n", "gebietsstand", "2024-12-31") == (
        "id: k\ntitle: t\n" + added
    )


def test_a_konzept_yaml_is_edited_by_its_path_a_json_one_is_not(tmp_path: Path) -> None:
    folder = tmp_path / "wettringen"
    ki.init_concept(folder, ags="05566096")
    catalogue = _catalogue_file(tmp_path)
    book = ki.load_territory_catalogue(catalogue)
    changes = ki.record_territory_catalogue(folder / "konzept.yaml", catalogue, book)
    assert changes["gebietsstand"] == ("2020-12-31", "2024-12-31")
    other = tmp_path / "konzept.json"
    other.write_text('{"id": "k"}', encoding="utf-8")
    with pytest.raises(ki.KommunaleIntegrationError, match="kein Konzeptordner"):
        ki.record_territory_catalogue(other, catalogue, book)
