"""One place for text-to-value rules (_parse): the rules, their boundaries, and that every
entry point (main file, CSV table, XLSX table, HSDS import) reads the same text the same way.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import _parse as p
from kommunale_integration._hsds._export import _cell as hsds_cell
from kommunale_integration._i18n import using_language

# These tests read the English message ids; German is checked in test_messages.py.
pytestmark = pytest.mark.usefixtures("english_messages")

# --------------------------------------------------------------------------- helpers


def _actors_csv(header: str, cell: str, delimiter: str = ";") -> bytes:
    quoted = '"' + cell.replace('"', '""') + '"'
    return f"Name{delimiter}{header}\r\nCaritas{delimiter}{quoted}\r\n".encode()


def _read_actor_csv(header: str, cell: str, delimiter: str = ";") -> ki.Actor:
    (actor,) = ki.read_table(
        io.BytesIO(_actors_csv(header, cell, delimiter)), "actors", name="akteure.csv"
    )
    assert isinstance(actor, ki.Actor)
    return actor


def _xlsx(rows: list[list[Any]], *, date_format: bool = False) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if date_format:
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, int | float):
                    cell.number_format = "DD.MM.YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _findings(data: bytes, name: str, kind: str = "actors") -> list[ki.Finding]:
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(io.BytesIO(data), kind, name=name)
    return list(info.value.findings)


# --------------------------------------------------------------------------- booleans

BOOL_WORDS = sorted(p.TRUE_WORDS | p.FALSE_WORDS)


@pytest.mark.parametrize("word", BOOL_WORDS)
def test_one_boolean_vocabulary_in_tables_and_main_files(word: str) -> None:
    expected = word in p.TRUE_WORDS
    for text in (word, word.upper(), f" {word.title()} "):
        assert p.parse_bool(text) is expected
        assert _read_actor_csv("Ehrenamtlich", text).volunteer is expected
        yaml_text = f"id: a\nname: A\nvolunteer: {json.dumps(text)}\n"
        assert ki.loads_yaml(yaml_text, ki.Actor).volunteer is expected


@pytest.mark.parametrize("text", ["", " ", "jein", "2", "ok", "wahrscheinlich", "nö"])
def test_other_texts_are_no_booleans(text: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_bool(text)
    assert info.value.key == "invalid-bool"
    with pytest.raises(ki.LoadError):
        ki.loads_yaml(f"id: a\nname: A\nvolunteer: {json.dumps(text)}\n", ki.Actor)


def test_j_means_yes_in_akteure_csv_and_in_konzept_yaml() -> None:
    assert _read_actor_csv("Ehrenamtlich", "j").volunteer is True
    assert ki.loads_yaml("id: a\nname: A\nvolunteer: j\n", ki.Actor).volunteer is True


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "german", "expected"),
    [
        ("1234,56", None, Decimal("1234.56")),
        ("1.234,56", None, Decimal("1234.56")),
        ("1.234,56", True, Decimal("1234.56")),
        ("1.234", True, Decimal("1234")),
        ("1.234", None, Decimal("1.234")),
        ("0.001", None, Decimal("0.001")),
        ("1234.56", False, Decimal("1234.56")),
        ("12,5", None, Decimal("12.5")),
        ("1,2345", None, Decimal("1.2345")),
        ("1,23", None, Decimal("1.23")),
        ("1,234", True, Decimal("1.234")),
        ("-3,5", None, Decimal("-3.5")),
        ("1 099,98 €", None, Decimal("1099.98")),
        ("1\u00a0099,98", None, Decimal("1099.98")),
    ],
)
def test_numbers(text: str, german: bool | None, expected: Decimal) -> None:
    assert p.parse_decimal(text, german=german) == expected


@pytest.mark.parametrize(
    ("text", "german", "key"),
    [
        ("1,234", None, "ambiguous-number"),
        ("-1,000", None, "ambiguous-number"),
        ("1,5", False, "invalid-number"),
        ("1,234.56", False, "invalid-number"),
        ("1.234,56", False, "invalid-number"),
        ("1.2.3", None, "invalid-number"),
        ("NaN", None, "invalid-number"),
        ("Infinity", None, "invalid-number"),
        ("-inf", None, "invalid-number"),
        ("zwölf", None, "invalid-number"),
        ("", None, "invalid-number"),
        ("9" * 5000, None, "too-many-digits"),
    ],
)
def test_numbers_refused(text: str, german: bool | None, key: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_decimal(text, german=german)
    assert info.value.key == key


@pytest.mark.parametrize("text", ["QWERTZ-123", "TEL_000123", "1,234", "9" * 5000])
def test_parse_messages_quote_no_input(text: str) -> None:
    """A value of a case export must never end up in a message."""
    for parse in (p.parse_decimal, p.parse_int, p.parse_date, p.parse_bool, p.parse_ags):
        with pytest.raises(p.ParseError) as info:
            parse(text)
        assert text not in str(info.value)


def test_1234_in_a_comma_separated_table_is_a_finding_not_1_234() -> None:
    data = b'Name,Kosten,Tr\xc3\xa4ger\r\nKurs,"1,234",a\r\n'
    findings = _findings(data, "angebote.csv", "offers")
    assert [f.code for f in findings] == ["invalid-number"]
    assert findings[0].location.column == "Kosten"
    assert findings[0].location.row == 2
    assert "ambiguous" in findings[0].message  # the module runs in English
    # with the notation chosen, the value is what the notation says: 1,234 in German
    # has three decimal places, one more than an amount in EUR (cents)
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(
            io.BytesIO(data),
            "offers",
            name="angebote.csv",
            options=ki.LoadOptions(decimal_comma=True),
        )
    assert "at most two decimal places" in info.value.findings[0].message
    (offer,) = ki.read_table(
        io.BytesIO(data.replace(b"1,234", b"1,23")),
        "offers",
        name="angebote.csv",
        options=ki.LoadOptions(decimal_comma=True),
    )
    assert offer.cost == Decimal("1.23")
    # a semicolon file is German: 1,23 is a decimal there, 1.234 a thousand and more
    for text, cost in (("1,23", "1.23"), ("1.234", "1234"), ("170.000 €", "170000")):
        (offer,) = ki.read_table(
            io.BytesIO(f"Name;Kosten;Träger\r\nKurs;{text};a\r\n".encode()),
            "offers",
            name="angebote.csv",
        )
        assert offer.cost == Decimal(cost)


def test_1234_in_a_main_file_is_a_finding_too() -> None:
    with pytest.raises(ki.LoadError) as info:
        ki.loads_yaml('id: k\nname: K\nactor: a\ncost: "1,234"\n', ki.Offer)
    assert "ambiguous" in info.value.findings[0].message


@pytest.mark.parametrize(
    ("text", "expected"), [("42", 42), (" -3 ", -3), ("1.000", 1000), ("12.345.678", 12345678)]
)
def test_whole_numbers(text: str, expected: int) -> None:
    assert p.parse_int(text) == expected


@pytest.mark.parametrize("text", ["1,5", "1.5", "4.2e1", "x", "1.00", "1" * 4301])
def test_whole_numbers_refused(text: str) -> None:
    with pytest.raises(p.ParseError):
        p.parse_int(text)


def test_a_huge_integer_cell_is_a_finding() -> None:
    data = ("Titel;Handlungsfeld;Plätze\r\nKurs;sprache;" + "9" * 5000 + "\r\n").encode()
    (finding,) = _findings(data, "massnahmen.csv", "measures")
    assert finding.code == "invalid-number"
    assert finding.location.column == "Plätze"
    assert "4300" in finding.message
    assert len(finding.message) < 300


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (Decimal("0"), True),
        (Decimal("0.00"), True),
        (Decimal("0.01"), True),
        (Decimal("-0.01"), False),
        (Decimal("NaN"), False),
        (Decimal("Infinity"), False),
        (Decimal("170000.00"), True),
        (Decimal("999999999999.99"), True),
        (Decimal("1000000000000"), False),  # one trillion (MONEY_LIMIT)
        (Decimal("1E+400"), False),
        (Decimal("0.009"), False),  # a third decimal place
    ],
)
def test_money_boundary(value: Decimal, ok: bool) -> None:
    """The model's money validator and the parser agree at the boundary."""
    if ok:
        assert p.parse_money(str(value)) == value
        assert ki.Offer(id="o", name="O", actor="a", cost=value).cost == value
    else:
        with pytest.raises(p.ParseError):
            p.parse_money(str(value))
        with pytest.raises(ki.InvalidValueError):
            ki.Offer(id="o", name="O", actor="a", cost=value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1e400", "without an exponent"),
        ("1.5e3", "without an exponent"),
        ("2E2 €", "without an exponent"),
        ("170.000 €", "ambiguous"),  # was 170 €: German thousands, or English decimals?
        ("1.500", "ambiguous"),
        ("1234.567", "at most two decimal places"),
        ("12,3456", "at most two decimal places"),
        ("1000000000000", "below one trillion"),
        ("-0,01", "not negative"),
        ("1,234", "ambiguous"),  # parse_decimal's own rule still holds
    ],
)
def test_money_text_is_plain_with_cents_and_bounded(text: str, problem: str) -> None:
    """An amount is written in plain notation with at most two decimal places, below a
    trillion: ``funding: amount: 1e400`` loaded as ``Decimal('1E+400')``, and
    ``170.000 €`` (the seeds' Festbetrag) as 170 €."""
    with pytest.raises(p.ParseError) as info:
        p.parse_money(text)
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("text", "german", "amount"),
    [
        ("170.000,00 €", None, "170000.00"),
        ("170000", None, "170000"),
        ("170000.5", None, "170000.5"),
        (".5", None, "0.5"),
        ("170.000 €", True, "170000"),  # German notation chosen: thousands
        ("1.234.567,89", True, "1234567.89"),
        ("999999999999,99", None, "999999999999.99"),
        ("12.50", False, "12.50"),
        ("12.500", False, "12.500"),  # trailing zeros: still cents
        ("1.000,000", None, "1000.000"),
    ],
)
def test_money_in_plain_notation_is_read(text: str, german: bool | None, amount: str) -> None:
    assert p.parse_money(text, german=german) == Decimal(amount)


@pytest.mark.parametrize(
    ("yaml_value", "problem"),
    [
        ("1e400", "without an exponent"),
        ('"1e400"', "without an exponent"),
        ("170.000", "ambiguous"),
        ('"170.000 €"', "ambiguous"),
        ("12.3456", "at most two decimal places"),
        ("99999999999999", "below one trillion"),
    ],
)
def test_a_funding_amount_is_refused_with_file_line_and_field(
    tmp_path: Path, yaml_value: str, problem: str
) -> None:
    source = tmp_path / "konzept.yaml"
    source.write_text(
        "id: k\ntitle: K\nterritory: '05558012'\n"
        "funding:\n  - id: f\n    programme: P\n    provider: Land NRW\n"
        f"    amount: {yaml_value}\n",
        encoding="utf-8",
    )
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(source)
    (finding,) = info.value.findings
    assert (finding.location.file, finding.location.row) == ("konzept.yaml", 8)
    assert finding.location.path == "funding[0].amount"
    assert problem in finding.message
    assert yaml_value.strip('"') in finding.message.rpartition(", got ")[2]  # as written


def test_an_offer_cost_is_refused_with_row_and_column_in_the_language_asked() -> None:
    """The table's message and the money rule's part of it in one language (the rule's
    part was shown in the language of the run)."""
    data = b"Name,Kosten,Tr\xc3\xa4ger\r\nKurs,1e400,a\r\n"
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(io.BytesIO(data), "offers", name="angebote.csv")
    (finding,) = info.value.findings
    assert (finding.code, finding.location.row, finding.location.column) == (
        "invalid-number",
        2,
        "Kosten",
    )
    assert finding.message == (
        '"1e400" is not an amount in EUR: expected an amount in EUR without an exponent, '
        "like 1234,56 or 1.234,56"
    )
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(
            io.BytesIO(data), "offers", name="angebote.csv", options=ki.LoadOptions(lang="de")
        )
    assert info.value.findings[0].message == (
        '"1e400" ist kein Betrag in EUR: erwartet einen Betrag in EUR ohne Exponent, wie '
        "1234,56 oder 1.234,56"
    )


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.12.2016", date(2016, 12, 31)),
        ("1.2.2016", date(2016, 2, 1)),
        ("2016-12-31", date(2016, 12, 31)),
        ("29.02.2024", date(2024, 2, 29)),
        (" 2024-02-29 ", date(2024, 2, 29)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert p.parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["32.12.2016", "31.13.2016", "29.02.2023", "2023-02-29", "2016-1-1", "31.12.16", ""]
)
def test_dates_refused(text: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_date(text)
    assert info.value.key == "invalid-date"


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (60, date(1900, 3, 1)),  # Excel's 29 February 1900, which did not exist
        (61, date(1900, 3, 1)),
        (62, date(1900, 3, 2)),
        (45000, date(2023, 3, 15)),
        (45000.0, date(2023, 3, 15)),
        (p.MAX_EXCEL_SERIAL, date(9999, 12, 31)),
    ],
)
def test_excel_serials(serial: float, expected: date) -> None:
    assert p.excel_serial_date(serial) == expected
    assert p.parse_date(serial, serials=True) == expected


@pytest.mark.parametrize(
    ("serial", "key"),
    [
        (0, "negative-serial"),
        (-1, "negative-serial"),
        (0.5, "negative-serial"),
        (45000.5, "invalid-date"),
        (p.MAX_EXCEL_SERIAL + 1, "invalid-date"),
    ],
)
def test_excel_serials_refused(serial: float, key: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_date(serial, serials=True)
    assert info.value.key == key


def test_numbers_are_no_dates_outside_spreadsheets() -> None:
    with pytest.raises(p.ParseError):
        p.parse_date(45000)


def test_workbook_dates_before_1900_are_negative_serials() -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_date(datetime(1899, 12, 29), serials=True)
    assert info.value.key == "negative-serial"
    with pytest.raises(p.ParseError):
        p.parse_date(time(0, 0), serials=True)
    assert p.parse_date(datetime(1900, 1, 1), serials=True) == date(1900, 1, 1)


@pytest.mark.parametrize("serial", [-1, 0])
def test_negative_date_serial_in_a_workbook_is_a_finding(serial: int) -> None:
    data = _xlsx([["Name", "Gegründet"], ["Caritas", serial]], date_format=True)
    (finding,) = _findings(data, "akteure.xlsx")
    assert finding.code == "invalid-date"
    assert finding.location.column == "Gegründet"
    assert finding.location.row == 2
    assert "Excel" in finding.message


def test_a_plain_serial_number_in_a_workbook_date_column_is_a_date() -> None:
    data = _xlsx([["Name", "Gegründet"], ["Caritas", 45000]])
    (actor,) = ki.read_table(io.BytesIO(data), "actors", name="akteure.xlsx")
    assert actor.founded == date(2023, 3, 15)


# --------------------------------------------------------------------------- AGS


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("0555801", False),  # 7 digits
        ("05558012", True),  # 8 digits: Gemeinde
        ("055580120", False),  # 9 digits
        ("05558", True),  # 5 digits: Kreis
        ("0555", False),
        ("055580", False),
        ("05", True),
        ("055", True),
        ("", False),
        ("0555801a", False),
        ("٠٥٥٥٨٠١٢", False),  # Arabic-Indic digits are digits, but no AGS
    ],
)
def test_ags_lengths(text: str, ok: bool) -> None:
    assert p.is_ags(text) is ok
    if ok:
        assert ki.Territory(ags=text, name="X", kind=_kind(len(text))).ags == text
    else:
        with pytest.raises(ki.InvalidValueError):
            ki.Territory(ags=text, name="X", kind=ki.TerritoryKind.MUNICIPALITY)


def _kind(length: int) -> ki.TerritoryKind:
    return {
        2: ki.TerritoryKind.STATE,
        3: ki.TerritoryKind.REGION,
        5: ki.TerritoryKind.DISTRICT,
        8: ki.TerritoryKind.MUNICIPALITY,
    }[length]


@pytest.mark.parametrize(
    ("kind", "length", "ok"),
    [
        (ki.TerritoryKind.MUNICIPALITY, 7, False),
        (ki.TerritoryKind.MUNICIPALITY, 8, True),
        (ki.TerritoryKind.MUNICIPALITY, 9, False),
        (ki.TerritoryKind.MUNICIPALITY, 5, False),
        (ki.TerritoryKind.DISTRICT, 4, False),
        (ki.TerritoryKind.DISTRICT, 5, True),
        (ki.TerritoryKind.DISTRICT, 6, False),
        (ki.TerritoryKind.DISTRICT, 8, False),
    ],
)
def test_a_gemeinde_needs_eight_digits_and_a_kreis_five(
    kind: ki.TerritoryKind, length: int, ok: bool
) -> None:
    ags = "05558012345"[:length]
    if ok:
        assert ki.Territory(ags=ags, name="X", kind=kind).ags == ags
    else:
        with pytest.raises(ki.InvalidValueError):
            ki.Territory(ags=ags, name="X", kind=kind)


@pytest.mark.parametrize(
    ("value", "expected", "repaired"),
    [
        (5558012, "05558012", True),
        ("5558012", "05558012", True),
        (5558012.0, "05558012", True),
        (5558, "05558", True),
        (5, "05", True),
        ("05558012", "05558012", False),
        (12, "12", False),  # a Land key (Brandenburg) is no Regierungsbezirk without zero
        ("555801", "555801", False),
    ],
)
def test_repair_ags(value: Any, expected: str, repaired: bool) -> None:
    assert p.repair_ags(value) == (expected, repaired)


def test_parse_ags_checks_the_lengths_asked_for() -> None:
    assert p.parse_ags("5558") == "05558"
    assert p.parse_ags(5558, lengths=(5, 8)) == "05558"
    with pytest.raises(p.ParseError) as info:
        p.parse_ags("05558", lengths=(8,))
    assert info.value.key == "invalid-ags"
    assert p.ags_level("05558") == "Kreis"
    assert p.ags_level("05558012") == "Gemeinde"
    assert p.ags_level("0555801") is None


# every length of each set the library asks for, and the lengths it refuses
_AGS_OF_LENGTH = {2: "05", 3: "055", 5: "05558", 8: "05558012", 6: "055580", 9: "055580123"}


@pytest.mark.parametrize("lengths", sorted(p.AGS_EXPECTED))
@pytest.mark.parametrize("length", sorted(_AGS_OF_LENGTH))
def test_parse_ags_takes_exactly_the_lengths_asked_for_with_their_message(
    lengths: tuple[int, ...], length: int
) -> None:
    text = _AGS_OF_LENGTH[length]
    if length in lengths:
        assert p.parse_ags(text, lengths=lengths) == text
        assert p.parse_ags(text, lengths=lengths, repair=False) == text
        return
    with pytest.raises(p.ParseError) as info:
        p.parse_ags(text, lengths=lengths)
    assert (info.value.key, info.value.message_id) == ("invalid-ags", p.AGS_EXPECTED[lengths])
    assert info.value.values == {}  # (never the value: a case export's cells stay out)


def test_the_ags_messages_name_the_lengths_of_their_set() -> None:
    names = {2: "2 (Land)", 3: "3 (Regierungsbezirk)", 5: "5", 8: "8"}
    for lengths, message in p.AGS_EXPECTED.items():
        for length, name in names.items():
            assert (name in message) is (length in lengths), (lengths, name)


@pytest.mark.parametrize(
    ("value", "lengths", "meant"),
    [("5558012", (8,), "05558012"), (5558, (5, 8), "05558"), (" 5 ", (2, 3, 5, 8), "05")],
)
def test_parse_ags_without_repair_refuses_a_key_that_lost_its_zero(
    value: Any, lengths: tuple[int, ...], meant: str
) -> None:
    assert p.parse_ags(value, lengths=lengths) == meant  # repaired by default
    with pytest.raises(p.ParseError) as info:
        p.parse_ags(value, lengths=lengths, repair=False)
    assert (info.value.key, info.value.message_id) == (
        "ags-lost-zero",
        "{problem} (a leading zero lost?)",
    )
    assert info.value.values["problem"].message_id == p.AGS_EXPECTED[lengths]
    with using_language("en"):
        assert str(info.value) == f"{p.AGS_EXPECTED[lengths]} (a leading zero lost?)"


@pytest.mark.parametrize(
    ("value", "lengths"),
    [("5558", (8,)), ("555801", (2, 3, 5, 8)), ("5", (5, 8))],
)
def test_a_key_one_digit_short_of_a_length_not_asked_for_gets_no_hint(
    value: str, lengths: tuple[int, ...]
) -> None:
    # 5558 is a Kreis key without its zero: where only a Gemeinde is asked for, no hint
    with pytest.raises(p.ParseError) as info:
        p.parse_ags(value, lengths=lengths, repair=False)
    assert (info.value.key, info.value.message_id) == ("invalid-ags", p.AGS_EXPECTED[lengths])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0555801a", p.AGS_EXPECTED[2, 3, 5, 8]),
        (" ", p.AGS_EXPECTED[2, 3, 5, 8]),
        # Arabic-Indic and full-width digits: eight digits, but not the digits of an AGS
        ("\u0660\u0665\u0665\u0665\u0668\u0660\u0661\u0662", p.AGS_DIGITS),
        ("\uff10\uff15\uff15\uff15\uff18", p.AGS_DIGITS),
    ],
)
def test_an_ags_of_other_characters_says_what_is_expected(value: str, expected: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_ags(value)
    assert (info.value.key, info.value.message_id) == ("invalid-ags", expected)


def test_a_lost_leading_zero_is_repaired_with_an_info_finding_in_csv_and_xlsx(
    tmp_path: Path,
) -> None:
    csv_file = tmp_path / "akteure.csv"
    csv_file.write_text("Name;Gemeinden;Standortgemeinde\r\nCaritas;5558012;5558016\r\n")
    xlsx_file = tmp_path / "akteure.xlsx"
    xlsx_file.write_bytes(
        _xlsx([["Name", "Gemeinden", "Standortgemeinde"], ["Caritas", 5558012, 5558016]])
    )
    for table in (csv_file, xlsx_file):
        folder = tmp_path / table.suffix[1:]
        folder.mkdir()
        (folder / table.name).write_bytes(table.read_bytes())
        (folder / "konzept.yaml").write_text(
            "id: k\ntitle: K\nterritory: '05558'\n", encoding="utf-8"
        )
        result = ki.load_concept_with_findings(folder)
        (actor,) = result.concept.actors
        assert actor.territories == ("05558012",)
        assert actor.venue is not None
        assert actor.venue.municipality == "05558016"
        infos = [f for f in result.findings if f.code == "ags-repaired"]
        assert [f.location.column for f in infos] == ["Gemeinden", "Standortgemeinde"]
        assert all(f.severity is ki.Severity.INFO and f.location.row == 2 for f in infos)


# --------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Caritas Coesfeld e.V.", "caritas-coesfeld-e-v"),
        ("Städtische Büchereien", "staedtische-buechereien"),
        ("  DRK / Kreisverband  ", "drk-kreisverband"),
        ("Café Ümit", "cafe-uemit"),
        ("…", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert p.slugify(name) == slug


def test_one_slug_from_a_name_in_tables_and_hsds_import(tmp_path: Path) -> None:
    name = "Caritas Coesfeld e.V."
    (actor,) = ki.read_table(
        io.BytesIO(f"Name\r\n{name}\r\n".encode()), "actors", name="akteure.csv"
    )
    document = tmp_path / "organization.json"
    document.write_text(
        json.dumps(
            {
                "id": "5d1a5b7e-1b2c-4c3d-8e4f-000000000001",
                "name": name,
                "description": "Beratung",
                "services": [],
            }
        ),
        encoding="utf-8",
    )
    imported, _ = ki.import_hsds(document)
    (organisation,) = imported.actors
    assert actor.id == organisation.id == p.slugify(name) == "caritas-coesfeld-e-v"


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_slugs_are_valid_ids(name: str) -> None:
    slug = p.slugify(name)
    assert len(slug) <= p.SLUG_LENGTH
    if slug:
        ki.Actor(id=slug, name="x")  # the model's slug validator accepts it
    assert p.slugify(slug) == slug  # idempotent


# --------------------------------------------------------------------------- formula guard

DANGEROUS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",
    "\u00a0=1",
    "\u200b=1",
    "\ufeff=1",
    "\n=1",
    "\r\n=1",
    "\uff1d1+1",  # full-width =
    "\uff0b1",
    "\u3000=1",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_starts_are_neutralised(text: str) -> None:
    assert p.is_formula_like(text)
    assert p.neutralise(text) == "'" + text
    assert p.unneutralise(p.neutralise(text)) == text


@pytest.mark.parametrize("text", ["Text", "'quoted", "1+1", "a=b", "", "   ", "E-Mail"])
def test_harmless_texts_are_kept(text: str) -> None:
    assert not p.is_formula_like(text)
    assert p.neutralise(text) == text
    assert p.unneutralise(text) == text


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("'=+-@ \t\r\n\u00a0\u200b\ufeff\uff1dab1"), max_size=8))
def test_neutralise_round_trips_and_leaves_no_formula(text: str) -> None:
    written = p.neutralise(text)
    assert p.unneutralise(written) == text
    assert not p.is_formula_like(written)


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_writer_guards_every_variant(tmp_path: Path, text: str) -> None:
    """CSV and XLSX tables, the HSDS CSV export: the cell starts with ' and reads back."""
    name = f"Verein {text}"  # name cells must not be blank; the text goes in the description
    actor = ki.Actor(id="a", name=name, description=text + " Ende")
    for file in ("t.csv", "t.xlsx"):
        target = tmp_path / file
        ki.write_table([actor], target, "actors", delimiter=",")
        if file.endswith(".csv"):
            raw = target.read_bytes().decode("utf-8")
            assert "'" + text.replace('"', '""') in raw
        else:
            openpyxl = pytest.importorskip("openpyxl")
            sheet = openpyxl.load_workbook(target).worksheets[0]
            cells = [c.value for row in sheet.iter_rows() for c in row]
            assert "'" + text + " Ende" in cells
            types = {c.data_type for row in sheet.iter_rows() for c in row}
            assert "f" not in types
        (back,) = ki.read_table(target, "actors")
        assert back.description == text + " Ende"
    assert hsds_cell("organization", "description", text) == "'" + text
    assert hsds_cell("phone", "number", "+49 2541 18-0") == "+49 2541 18-0"
    assert hsds_cell("phone", "number", "+=1") == "'+=1"


# Digits other than 0–9 (Python's ``\d``, ``int()`` and ``Decimal()`` take them) are no
# digits of a number, a date, a time or an AGS: each kind of value is read the same way
# by every loader, and a key such as an AGS must have one spelling.
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("digits", [_ARABIC_INDIC, _FULLWIDTH], ids=["arabic-indic", "fullwidth"])
@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (p.parse_int, "42"),
        (p.parse_int, "1.000"),
        (p.parse_decimal, "12,5"),
        (p.parse_decimal, "1.234,56"),
        (p.parse_decimal, "0.001"),
        (p.parse_money, "170000,00"),
        (p.parse_date, "31.12.2016"),
        (p.parse_date, "2016-12-31"),
        (p.parse_time, "18:30"),
        (p.parse_ags, "05558012"),
    ],
)
def test_only_ascii_digits_are_digits(parse: Any, text: str, digits: dict[int, str]) -> None:
    parse(text)  # the ASCII spelling is read
    with pytest.raises(p.ParseError):
        parse(text.translate(digits))


def test_date_fields_reads_both_forms_and_nothing_else() -> None:
    assert p.date_fields("31.12.2016") == p.date_fields("2016-12-31") == (2016, 12, 31)
    assert p.date_fields("1.2.2016") == (2016, 2, 1)
    assert p.date_fields("30.02.2016") == (2016, 2, 30)  # the calendar is checked by the caller
    for text in ("2016-1-31", "2016-12-31 ", "31.12.16", "2016/12/31", "", "١.٢.٢٠١٦"):
        assert p.date_fields(text) is None, text


# The boundaries of each rule of this module, each on both sides.


@pytest.mark.parametrize(
    ("value", "expected"), [(0, False), (1, True), (True, True), (False, False)]
)
def test_yes_no_from_numbers(value: Any, expected: bool) -> None:
    assert p.parse_bool(value) is expected


@pytest.mark.parametrize("value", [2, -1, 10, 0.0, 1.0, Decimal(1)])
def test_other_numbers_are_no_yes_no_value(value: Any) -> None:
    with pytest.raises(p.ParseError):
        p.parse_bool(value)


@pytest.mark.parametrize("parse", [p.parse_int, p.parse_decimal])
def test_the_longest_number_read(parse: Any) -> None:
    """4,300 digits: Python's own limit for ``int(text)``."""
    assert parse("9" * 4300) == int("9" * 4300)
    with pytest.raises(p.ParseError) as info:
        parse("9" * 4301)
    assert info.value.key == "too-many-digits"


def test_german_notation_asked_for() -> None:
    assert p.parse_decimal("1.234,5", german=True) == Decimal("1234.5")
    assert p.parse_decimal("1,5", german=True) == Decimal("1.5")
    assert p.parse_decimal("1.5", german=True) == Decimal("1.5")  # no group of three
    for text in ("1,2.5", "1.23,4", "12.34,5"):  # a point and a comma, not grouped
        with pytest.raises(p.ParseError):
            p.parse_decimal(text, german=True)


def test_whole_numbers_from_decimals() -> None:
    assert p.parse_int(Decimal("4")) == 4
    assert p.parse_int(Decimal("4.000")) == 4
    for value in (Decimal("4.5"), Decimal("NaN"), Decimal("Infinity"), 4.5):
        with pytest.raises(p.ParseError):
            p.parse_int(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0:00", time(0, 0)), ("23:59", time(23, 59)), ("9.30 Uhr", time(9, 30))],
)
def test_times_at_the_ends_of_the_day(text: str, expected: time) -> None:
    assert p.parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "23:60", "24:60", "25:00", "12:61"])
def test_times_beyond_the_day(text: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_time(text)
    assert str(info.value) == "not a valid time of day"


def test_a_yes_no_value_is_no_time() -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_time(True)
    assert "quotes" not in str(info.value)
    with pytest.raises(p.ParseError) as info:
        p.parse_time(960)  # YAML 1.1's reading of an unquoted 16:00
    assert "quotes" in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", ("05", True)),
        (5, ("05", True)),
        ("5558", ("05558", True)),
        (5558012, ("05558012", True)),
        ("05", ("05", False)),  # a Land key: never repaired to three digits
        ("055", ("055", False)),
        ("055580", ("055580", False)),  # six digits: no AGS, left as it is
        ("55580120", ("55580120", False)),
        ("123456789", ("123456789", False)),
    ],
)
def test_only_keys_one_digit_short_get_their_zero_back(
    value: Any, expected: tuple[str, bool]
) -> None:
    assert p.repair_ags(value) == expected


def test_slugs_are_cut_at_64_characters() -> None:
    assert p.slugify("a" * 64) == "a" * 64
    assert p.slugify("a" * 65) == "a" * 64
    assert p.slugify("a" * 63 + " b") == "a" * 63  # no "-" left at the cut


@pytest.mark.parametrize("space", [chr(c) for c in range(0x2000, 0x2010)] + ["\u2060", "\ufeff"])
def test_a_formula_behind_any_invisible_space_is_found(space: str) -> None:
    assert p.is_formula_like(space + "=1")
    assert p.neutralise(space * 2 + "=1") == "'" + space * 2 + "=1"


@pytest.mark.parametrize("first", ["\u2010", "\u2011", "a"])
def test_a_visible_character_before_the_formula_start_hides_none(first: str) -> None:
    assert not p.is_formula_like(first + "=1")


def test_thousands_groups_have_one_to_three_leading_digits() -> None:
    """A group separator stands after one to three digits: ``1234.567,5`` is not a
    German grouped number (refused, not read as 1234567.5), and ``1234,567`` is not
    an English grouped one (so not ambiguous: a German decimal comma)."""
    assert p.parse_decimal("1.234.567,5") == Decimal("1234567.5")
    with pytest.raises(p.ParseError):
        p.parse_decimal("1234.567,5")
    assert p.parse_decimal("1234,567") == Decimal("1234.567")
    with pytest.raises(p.ParseError):
        p.parse_decimal("234,567")  # three digits before the comma: ambiguous


# The rules as the module documentation writes them (the tests above take the
# vocabularies from the module, so a word changed there broke none of them).


def test_the_yes_no_words_are_those_documented() -> None:
    true_words = ["ja", "j", "x", "wahr", "true", "yes", "y", "1"]
    false_words = ["nein", "n", "falsch", "false", "no", "0"]
    assert [p.parse_bool(w) for w in true_words] == [True] * len(true_words)
    assert [p.parse_bool(w) for w in false_words] == [False] * len(false_words)
    assert set(true_words) | set(false_words) == p.TRUE_WORDS | p.FALSE_WORDS


def test_the_refusal_of_a_yes_no_value_lists_words_that_are_read() -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_bool("jein")
    listed = str(info.value).partition("(")[2].rstrip(")").split(", ")
    assert len(listed) == 7
    assert sorted(p.parse_bool(w) for w in listed) == [False] * 3 + [True] * 4


def test_a_group_separator_follows_at_least_one_digit() -> None:
    """``.234,5`` and ``.000`` are no grouped numbers; ``,234`` is no English thousands
    group (nothing stands before it), so not ambiguous: German 0.234."""
    with pytest.raises(p.ParseError):
        p.parse_decimal(".234,5")
    with pytest.raises(p.ParseError):
        p.parse_decimal(".234,5", german=True)
    assert p.parse_decimal(",234") == Decimal("0.234")
    with pytest.raises(p.ParseError):
        p.parse_int(".000")


def test_a_whole_number_has_german_groups_of_one_to_three_leading_digits() -> None:
    assert p.parse_int("100.000") == 100000
    assert p.parse_int("1.000.000") == 1000000
    for text in ("1000.000", "1.00", "1.0000"):
        with pytest.raises(p.ParseError):
            p.parse_int(text)


def test_the_most_digits_before_and_after_the_point() -> None:
    """4,300 digits before the point (``1e4299`` has 4,300) and 4,300 after it."""
    assert p.parse_decimal("1e4299") == Decimal("1e4299")
    assert p.parse_decimal("1e-4300") == Decimal("1e-4300")
    for text in ("1e4300", "1e-4301", "-1e4300"):
        with pytest.raises(p.ParseError) as info:
            p.parse_decimal(text)
        assert info.value.key == "too-many-digits"


def test_an_amount_with_a_point_before_three_digits_and_none_before_is_no_thousand() -> None:
    """``.500`` is half a euro in either notation (no digit stands before the point, so
    it is no German thousands group): not ambiguous like ``1.500``."""
    assert p.parse_money(".500") == Decimal("0.5")
    with pytest.raises(p.ParseError) as info:
        p.parse_money("1.500")
    assert info.value.key == "ambiguous-number"


@pytest.mark.parametrize(
    "text", [".12.2016", "031.12.2016", "1..2016", "31.012.2016", "123.1.2016"]
)
def test_a_german_date_has_one_or_two_digits_of_day_and_month(text: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_date(text)
    assert info.value.key == "invalid-date"
    assert p.date_fields(text) is None


@pytest.mark.parametrize("text", ["2016-12-31T10:00", "2016-12-31 10:00", "2016-12-31t00:00:00"])
def test_a_date_with_a_time_of_day_is_refused_for_its_time(text: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_date(text)
    assert str(info.value) == "expected a date without time (of day)"


def test_a_time_of_day_is_no_date_and_no_serial_outside_a_workbook() -> None:
    """openpyxl's midnight without a day is the serial 0 only in a workbook."""
    with pytest.raises(p.ParseError) as info:
        p.parse_date(time(0, 0))
    assert info.value.key == "invalid-date"


@pytest.mark.parametrize("text", [":30", "009:30", "9:3", "9:300", "16 Uhr"])
def test_a_time_has_one_or_two_digits_of_hours_and_two_of_minutes(text: str) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_time(text)
    assert info.value.key == "invalid-time"


@pytest.mark.parametrize(
    "value",
    [time(9, 30, tzinfo=UTC), time(9, 30, 15), time(9, 30, 0, 5)],
    ids=["zone", "seconds", "microseconds"],
)
def test_a_time_object_has_hours_and_minutes_only(value: time) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_time(value)
    assert str(info.value) == "expected hours and minutes only"
    assert p.parse_time(value.replace(tzinfo=None, second=0, microsecond=0)) == time(9, 30)


def test_an_identifier_has_at_most_128_characters() -> None:
    assert ki.Actor(id="a" * 128, name="x").id == "a" * 128
    assert p.is_slug("a" * 128)
    with pytest.raises(ki.InvalidValueError):
        ki.Actor(id="a" * 129, name="x")
    assert not p.is_slug("a" * 129)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-1.234,5", Decimal("-1234.5")),  # a sign before German groups
        ("1.5e-3", Decimal("0.0015")),  # an exponent with a sign
        ("1E3", Decimal("1E+3")),  # a capital E
        ("5.", Decimal("5")),  # a point without decimals
        ("1234,", Decimal("1234")),  # a comma without decimals
        ("1\u202f099,98", Decimal("1099.98")),  # a narrow no-break space
        ("12,50 EUR", Decimal("12.50")),
        ("\t12,5\n", Decimal("12.5")),  # a tab and a line break around it
        (0.1, Decimal("0.1")),  # a float as written, not its binary value
    ],
)
def test_number_notations_read(value: Any, expected: Decimal) -> None:
    assert p.parse_decimal(value) == expected
    assert str(p.parse_decimal(value)) == str(expected)


def test_a_plus_sign_before_a_whole_number_is_read() -> None:
    assert p.parse_int("+5") == 5


@pytest.mark.parametrize("value", [float("inf"), float("nan"), Decimal("NaN"), Decimal("-Inf")])
def test_an_infinite_number_given_as_a_number_is_refused(value: Any) -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_decimal(value)
    assert info.value.key == "invalid-number"


def test_two_thousands_commas_are_not_the_ambiguous_shape() -> None:
    """Only ``1,234`` (one comma before three digits) is ambiguous: ``1,234,567`` is
    no German number, so it is refused as invalid, not as ambiguous."""
    with pytest.raises(p.ParseError) as info:
        p.parse_decimal("1,234,567")
    assert info.value.key == "invalid-number"


def test_a_yes_no_value_is_no_lost_leading_zero() -> None:
    assert p.repair_ags(True) == ("True", False)
    assert p.is_slug("drk-coesfeld")
    assert not p.is_slug(5)
    assert not p.is_slug(None)


def test_digits_stay_in_a_slug() -> None:
    assert p.slugify("Integrationsrat 2019-2023") == "integrationsrat-2019-2023"
    # a dash beyond ASCII separates too (it was dropped: "20192023")
    assert p.slugify("Integrationsrat 2019–2023") == "integrationsrat-2019-2023"
    assert p.slugify("Jugend·Migrationsdienst") == "jugend-migrationsdienst"


@pytest.mark.parametrize("number", ["+90 212 555 12 34", "+0251 18-0"])
def test_a_phone_number_beginning_with_any_digit_keeps_its_plus(number: str) -> None:
    assert p.neutralise(number, keep_phone_numbers=True) == number
    assert p.neutralise(number) == "'" + number


@pytest.mark.parametrize(
    "text", ["#NV", " #div/0! ", "#BEZUG!", "#N/A", "Err:502", "Err:509", "\tText", "\rText"]
)
def test_a_spreadsheet_error_and_a_leading_tab_or_return_are_guarded(text: str) -> None:
    assert p.is_formula_like(text)
    assert p.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Err:50", "Err:5020", "Err:50a", "#NVX", "Text\t"])
def test_other_texts_like_errors_are_kept(text: str) -> None:
    assert not p.is_formula_like(text)


def test_the_edges_of_dates_times_and_keys() -> None:
    """An ISO date has two digits of day; a time may stand in spaces and before
    "Uhr" after any space; only ASCII digits lose a leading zero, also in spaces, and
    a number with a fraction is no key."""
    with pytest.raises(p.ParseError):
        p.parse_date("2016-12-1")
    assert p.parse_time(" 9:30 ") == p.parse_time("16.00  Uhr").replace(hour=9, minute=30)
    assert p.repair_ags("\u0665\u0665\u0665\u0668\u0660\u0661\u0662") == (
        "\u0665\u0665\u0665\u0668\u0660\u0661\u0662",
        False,
    )
    assert p.repair_ags(" 5558012 ") == ("05558012", True)
    assert p.repair_ags(5558012.5) == ("5558012.5", False)


def test_the_edges_of_slugs_and_identifiers() -> None:
    assert p.slugify("Köln Ärzte Übersetzer") == "koeln-aerzte-uebersetzer"
    assert all(p.is_slug(s) for s in ("DRK-Coesfeld", "e.V", "a_b", "1"))
    assert not any(p.is_slug(s) for s in (".x", "-x", "_x", "a b"))


@pytest.mark.parametrize("text", ["\uff0d1", "\uff20SUMME(A1)"])  # full-width - and @
def test_the_full_width_minus_and_at_start_a_formula(text: str) -> None:
    assert p.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["+-1", "+ 1", "+1=1"])
def test_only_a_phone_number_keeps_its_plus(text: str) -> None:
    assert p.neutralise(text, keep_phone_numbers=True) == "'" + text


def test_only_a_workbook_limits_dates_to_1900_on() -> None:
    """A Verein founded in 1850 is a date in a main file; in a workbook a day before
    1900 comes from a negative serial. A time of day other than midnight is no date."""
    assert p.parse_date(datetime(1850, 5, 1)) == date(1850, 5, 1)
    with pytest.raises(p.ParseError) as info:
        p.parse_date(time(9, 30), serials=True)
    assert info.value.key == "invalid-date"


def test_a_number_text_longer_than_the_most_digits_is_refused_even_as_zero() -> None:
    with pytest.raises(p.ParseError) as info:
        p.parse_decimal("0" * 4301)
    assert info.value.key == "too-many-digits"
