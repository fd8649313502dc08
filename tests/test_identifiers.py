"""Direct identifiers in case exports: refused by header (before any mapping) and by value.

The adversary lists below are written by hand, independently of the vocabulary in
``_identifiers.py``: headers an export system or a colleague could really produce.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration._cli import main
from kommunale_integration._identifiers import (
    MAX_CATEGORIES,
    breakdown_problem,
    identifier_header,
    normalise,
    value_shape,
)

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

# --------------------------------------------------------------------------- adversary

NAMES = [
    "Name", "name", "NAME", "Vorname", "Vornamen", "Nachname", "Nachnamen", "Familienname",
    "Geburtsname", "Rufname", "Klientenname", "Klientinnenname", "Kundenname",
    "Name, Vorname", "Vor- und Nachname", "Vor-/Nachname", "first_name", "firstName",
    "FirstName", "last name", "lastname", "Surname", "given name", "full_name", "Full Name",
    "Klient", "Klient*in", "Person", "Teilnehmer", "Teilnehmer/in", "Unterschrift",
]  # fmt: skip
BIRTH = [
    "Geburtsdatum", "geburtsdatum", "Geb.-Datum", "Geb.Datum", "Geb. Datum", "Gebdatum",
    "Geb.", "geb", "geboren am", "Geboren", "Geburtstag", "Geburtsort", "Geb.-Ort",
    "Date of birth", "date_of_birth", "DateOfBirth", "DOB", "birthday", "Birthdate",
    "birth_date", "place of birth",
]  # fmt: skip
ADDRESS = [
    "Adresse", "Anschrift", "Wohnanschrift", "Wohnadresse", "Meldeadresse", "Postanschrift",
    "Straße", "Strasse", "Str.", "Str", "Straße und Hausnummer", "Hausnummer", "Hausnr.",
    "PLZ", "Postleitzahl", "Wohnort", "address", "Street", "street_address", "ZIP",
    "zip code", "postcode",
]  # fmt: skip
PHONE = [
    "Telefon", "Telefonnummer", "Tel.", "Tel", "TelNr", "Tel.-Nr.", "Tel-Nr", "Telephon",
    "Handy", "Handynummer", "Handy-Nr.", "Mobil", "Mobilnummer", "Mobiltelefon",
    "Mobil-Nr.", "Rufnummer", "Festnetz", "Fax", "Faxnummer", "phone", "Phone number",
    "phone_no", "mobile", "cell phone", "WhatsApp",
]  # fmt: skip
EMAIL = [
    "E-Mail", "EMail", "email", "eMail", "E-Mail-Adresse", "Mailadresse", "Mail-Adresse",
    "Mail", "e_mail", "Email address", "mail_address",
]  # fmt: skip
NUMBERS = [
    "SV-Nummer", "SVNr", "SV-Nr.", "Sozialversicherungsnummer", "Rentenversicherungsnummer",
    "Versicherungsnummer", "KV-Nr", "Steuer-ID", "Steuer-Identifikationsnummer",
    "Steuernummer", "TIN", "tax_id", "SSN", "social security number", "IBAN", "BIC",
    "Kontonummer", "Konto-Nr.", "Konto", "Bankverbindung", "account number",
    "Kundennummer", "Kunden-Nr", "BG-Nummer", "Bedarfsgemeinschaftsnummer",
    "Personalnummer",
]  # fmt: skip
DOCUMENTS = [
    "Aktenzeichen", "Az.", "AZ", "Geschäftszeichen", "Vorgangsnummer", "Passnummer",
    "Pass-Nr.", "Reisepass", "Ausweisnummer", "Personalausweis", "Ausweis-Nr",
    "passport number", "AZR-Nummer", "Foto",
]  # fmt: skip
DISGUISED = [
    "Nаme",  # Cyrillic a
    "Νame",  # Greek capital nu
    "Ｎａｍｅ",  # full width
    "N a m e",
    "N_A_M_E",
    "Na\u200bme",  # zero-width space
    "Name\u00a0",  # trailing NBSP
    " vorname ",
    "VORNAME",
    "Vоrnаme",  # Cyrillic o and a
    "Теlefon",  # Cyrillic Te
    "Е-Маil",  # Cyrillic E, M, a
    "Gеburtsdatum",  # Cyrillic e
    "Gebürtsdatum",  # a stray umlaut
    "Adrésse",
    "ＩＢＡＮ",
    "ＳＴＲ.",  # full-width abbreviation
    unicodedata.normalize("NFD", "Straße und Hausnr."),
    "Tel\ufe52",  # small full stop
    "TELEFON-NR.",
]
ADVERSARY = NAMES + BIRTH + ADDRESS + PHONE + EMAIL + NUMBERS + DOCUMENTS + DISGUISED

HARMLESS = [
    "case_id", "municipality", "opened", "closed", "legal_basis", "sex", "birth_year",
    "event", "date", "detail", "Fallnummer", "Fall-ID", "Gemeinde", "Gemeindename",
    "Gemeindeschlüssel", "AGS", "Eröffnet", "Beginn", "Ende", "Rechtskreis",
    "Rechtsgrundlage", "Geschlecht", "Geburtsjahr", "Geb.-Jahr", "Jahrgang",
    "Herkunft", "Herkunftsland", "Staatsangehörigkeit", "Aufenthaltsstatus",
    "Sprachniveau", "Team", "Altersgruppe", "Familienstand", "Haushaltsgröße",
    "Gebiet", "Strukturtyp", "Kurs", "Kursname", "Maßnahme", "Träger", "Trägername",
    "Ortsname", "Landkreis", "Bildungsstand", "Schulabschluss", "Berufserfahrung",
    "Ereignis", "Datum", "Anzahl Personen", "Teilnehmerzahl", "Mobilität",
    "Sitzung", "Status", "Quelle",
]  # fmt: skip


def test_the_adversary_list_is_large() -> None:
    assert len(ADVERSARY) >= 129
    assert len(set(ADVERSARY)) == len(ADVERSARY)


@pytest.mark.parametrize("header", ADVERSARY)
def test_identifier_headers_are_recognised(header: str) -> None:
    assert identifier_header(header) is not None, header


@pytest.mark.parametrize("header", HARMLESS)
def test_ordinary_headers_pass(header: str) -> None:
    assert identifier_header(header) is None, header


# --------------------------------------------------------------------------- properties

_LOOKALIKES = {"a": "аɑα", "e": "еε", "o": "оοσ", "p": "рρ", "c": "с", "i": "іι", "x": "хχ"}
_NOISE = st.sampled_from([" ", "-", "_", ".", "/", "\u200b", "\u00a0", "*", "\t"])


@st.composite
def disguised(draw: st.DrawFn, words: list[str]) -> str:
    """*words* with random case, look-alike letters, full width and noise between letters."""
    word = draw(st.sampled_from(words))
    out = []
    for letter in word:
        char = letter
        choice = draw(st.integers(0, 5))
        if choice == 0 and letter.lower() in _LOOKALIKES:
            char = draw(st.sampled_from(_LOOKALIKES[letter.lower()]))
        elif choice == 1 and letter.isascii() and letter.isalpha():
            char = chr(ord(letter) + 0xFEE0)  # full width
        elif choice == 2:
            char = letter.swapcase()
        out.append(char)
        if draw(st.integers(0, 6)) == 0:
            out.append(draw(_NOISE))
    return draw(_NOISE | st.just("")) + "".join(out) + draw(_NOISE | st.just(""))


_IDENTIFYING = ["Vorname", "Nachname", "Geburtsdatum", "Telefonnummer", "Emailadresse",
                "Handynummer", "Anschrift", "Aktenzeichen", "Kontonummer", "Rufnummer"]  # fmt: skip


@given(disguised(_IDENTIFYING))
def test_disguised_identifiers_are_recognised(header: str) -> None:
    assert identifier_header(header) is not None, ascii(header)


@given(disguised(["Herkunftsland", "Sprachniveau", "Aufenthaltsstatus", "Altersgruppe"]))
def test_disguised_ordinary_headers_pass(header: str) -> None:
    assert identifier_header(header) is None, ascii(header)


@given(st.text(max_size=40))
def test_normalise_is_idempotent_and_ascii(text: str) -> None:
    once = normalise(text)
    assert once.isascii()
    assert normalise(once) == once


# --------------------------------------------------------------------------- read_cases

HEADER = "case_id;municipality;opened;closed;legal_basis;sex;birth_year"


def _export(extra_header: str = "", extra: list[str] | None = None, rows: int = 12) -> bytes:
    lines = [HEADER + (f";{extra_header}" if extra_header else "")]
    for n in range(rows):
        cell = f";{extra[n % len(extra)]}" if extra else ""
        lines.append(f"Q{n:04d}xy;05558012;2024-0{1 + n % 9}-01;;SGB II;f;1990{cell}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("header", "family"),
    [
        # a stem inside a longer word: the longest stem decides ("emailadresse", not
        # "adresse"), and the family named is the stem's own
        ("privatemailadresse", "email"),
        ("kundenvorname", "name"),
        ("Mobilnummerfeld", "phone"),
        ("geburtsortname", "birth"),
    ],
)
def test_the_family_of_a_stem_inside_a_word(header: str, family: str) -> None:
    assert identifier_header(header) == family


@pytest.mark.parametrize("header", ["Handynummer", "Geb.-Datum", "Nаme", "Aktenzeichen"])
def test_read_cases_refuses_identifier_columns(header: str) -> None:
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(_export(header, ["+49 171 5550123"])))
    (finding,) = info.value.findings
    assert finding.code == "direct-identifier"
    assert finding.location.column == header
    assert "5550123" not in str(info.value)


@pytest.mark.parametrize(
    ("original", "target"),
    [
        ("Vorname", "legal_basis"),
        ("Geburtsdatum", "opened"),
        ("Telefon", "sex"),
        ("Adresse", "municipality"),
        ("Vorname", "herkunft"),
    ],
)
def test_a_mapping_cannot_launder_an_identifier(original: str, target: str) -> None:
    header = HEADER.replace(target, original) if target in HEADER else HEADER + f";{original}"
    lines = [
        header,
        "A1bcde;05558012;2024-01-01;;Erika;f;1990" + ("" if target in HEADER else ";x"),
    ]
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(("\n".join(lines) + "\n").encode()), mapping={original: target})
    assert "direct-identifier" in {f.code for f in info.value.findings}
    assert {f.code for f in info.value.findings} <= {"direct-identifier", "missing-column"}
    assert "Erika" not in str(info.value)


def test_a_refused_header_mapped_to_a_column_says_how_to_keep_its_values() -> None:
    """A newcomer's export named the municipality "Wohnort (AGS)" and mapped it to
    ``municipality``: the header was refused ("Wohnort", an address), the message said
    "remove the column from the export" — the one column the Kennzahlen need — and a
    second error said "municipality" was missing. Now one finding says how to keep the
    values: another header in the export, mapped. The refusal itself stays."""
    export = _export().decode().replace("municipality", "Wohnort (AGS)", 1).encode()
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(export), mapping={"Wohnort (AGS)": "municipality"})
    (finding,) = info.value.findings
    assert finding.code == "direct-identifier"
    assert finding.location.column == "Wohnort (AGS)"
    assert 'also when the mapping makes them the column "municipality"' in finding.message
    assert "give it another header in the export and map that one" in finding.message
    renamed = export.decode().replace("Wohnort (AGS)", "Gemeinde (AGS)", 1).encode()
    cases = ki.read_cases(io.BytesIO(renamed), mapping={"Gemeinde (AGS)": "municipality"})
    assert len(cases) == 12
    # A refused column without a mapping is still only to be removed.
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(_export("Wohnort", ["Coesfeld"])))
    (finding,) = info.value.findings
    assert finding.message.endswith("remove the column from the export")


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("kontakt", ["0171 5550123", "02541 18-0"]),
        ("ansprechpartner", ["erika@example.org", "a.b@example.org"]),
        ("eintrag", ["12.08.1964", "01.02.1970"]),
        ("eintrag", ["1964-08-12"]),
        ("bank", ["DE89 3704 0044 0532 0130 00"]),
        ("ref", ["TEL_000123", "X9Y8Z7"]),
        ("ref", ["4711081"]),
    ],
)
def test_breakdown_columns_with_identifying_values_are_refused(
    name: str, values: list[str]
) -> None:
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(_export(name, ["Beratung", *values])))
    (finding,) = info.value.findings
    assert finding.code == "unsafe-breakdown"
    assert finding.location.column == name
    text = str(info.value) + repr(info.value.findings)
    for value in values:
        assert value not in text


def test_breakdown_column_category_limit() -> None:
    at_limit = [f"Gruppe {chr(65 + n // 26)}{chr(65 + n % 26)}" for n in range(MAX_CATEGORIES)]
    data = ki.read_cases(io.BytesIO(_export("gruppe", at_limit, rows=MAX_CATEGORIES)))
    assert len(data.dimensions["gruppe"][1]) == MAX_CATEGORIES
    # empty cells and "unknown" are no categories of their own
    assert breakdown_problem([*at_limit, "", " ", "unknown"]) is None
    over = [*at_limit, "Gruppe ZZ"]
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(_export("gruppe", over, rows=len(over))))
    assert [f.code for f in info.value.findings] == ["unsafe-breakdown"]
    assert "Gruppe" not in info.value.findings[0].message
    # leaving the column out is the remedy the message names
    options = ki.CaseReadOptions(dimensions=())
    assert len(ki.read_cases(io.BytesIO(_export("gruppe", over, rows=51)), options=options)) == 51


def test_legal_basis_values_are_checked_too() -> None:
    body = _export().decode().replace("SGB II", "+49 2541 987654")
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(body.encode()))
    assert info.value.findings[0].location.column == "legal_basis"
    assert "987654" not in str(info.value)


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("SGB II", None),
        ("§ 16a AufenthG", None),
        ("B1", None),
        ("18-26", None),
        ("2024", None),
        ("Sprachkurs A2", None),
        ("kim@example.org", "e-mail address"),
        ("31.12.1999", "date"),
        ("1.1.99", "date"),
        ("2025-02-30", "date"),
        ("DE89370400440532013000", "IBAN"),
        ("+49 (0)2541 / 18-0", "phone number"),
        ("0171-5550123", "phone number"),
        ("P3fa9c1d", "identifier"),
        ("12345", "identifier"),
        # the boundaries of each shape (mutation run of _identifiers.py): one-digit
        # month and day, three digits where two are the most, six digits at least for
        # a phone number, an IBAN with letters after its check digits, six characters
        # at least for a mixed token
        ("2025-1-5", "date"),
        ("5.1.2025", "date"),
        ("2025-123-5", "phone number"),
        ("2025-12-123", "phone number"),
        ("123.12.2025", "phone number"),
        ("12.123.2025", "phone number"),
        ("123456", "phone number"),
        ("18 - 26", None),
        ("GB82 WEST 1234 5698 7654 32", "IBAN"),
        ("P3f9c1", "identifier"),
        ("P3f9c", None),
    ],
)
def test_value_shapes(value: str, shape: str | None) -> None:
    assert value_shape(value) == shape
    assert (breakdown_problem([value]) is None) is (shape is None)


# --------------------------------------------------------------------------- no cell quoted

SECRET = "QWERTZ"


def _messages(error: ki.LoadError) -> str:
    return str(error) + "".join(f"{f}{f.location.column}" for f in error.findings)


def test_header_less_file_quotes_no_cell() -> None:
    data = (
        f"{SECRET};05558012;2024-01-01;;SGB II;f;1990\nABCDEF;05558016;2024-02-01;;AsylbLG;m;1980\n"
    )
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(data.encode()))
    text = _messages(info.value)
    assert SECRET not in text
    assert "05558012" not in text
    assert "is the header row missing?" in text


def test_id_with_an_identifier_word_is_not_quoted() -> None:
    data = "TEL_000123;05558012;2024-01-01;;SGB II;f;1990\n"
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(data.encode()))
    assert "000123" not in _messages(info.value)
    assert "direct-identifier" in {f.code for f in info.value.findings}


def test_repeated_first_row_values_are_not_quoted() -> None:
    data = "ID4711;05558012;2024-01-01;2024-01-01;SGB II;f;ID4711\n"
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(data.encode()))
    text = _messages(info.value)
    assert "ID4711" not in text
    assert "2024-01-01" not in text
    assert "duplicate-column" in {f.code for f in info.value.findings}


def test_impossible_date_is_not_quoted() -> None:
    data = HEADER + "\nA1;05558012;2025-02-30;;SGB II;f;1990\n"
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(io.BytesIO(data.encode()))
    (finding,) = info.value.findings
    assert (finding.location.row, finding.location.column) == (2, "opened")
    assert "2025-02-30" not in _messages(info.value)


def test_command_line_prints_no_identifier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_bytes(_export("Mobilnummer", ["0171 5550123"]))
    events = tmp_path / "events.csv"
    events.write_text("case_id;event;date;detail\n", encoding="utf-8")
    code = main(["indicators", "--period", "2025", "--cases", str(cases), "--events", str(events)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Mobilnummer" in err
    assert "direct-identifier" not in out
    assert "5550123" not in out + err
