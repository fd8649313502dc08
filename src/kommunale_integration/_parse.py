"""Text to value: the one place that reads booleans, numbers, dates, money, AGS and slugs.

Every loader (main file, CSV and XLSX tables), the converter, the HSDS import and the
command line read values through these functions, so the same text gives the same value
wherever it is written. They raise :class:`ValueError` (with a translated message naming
what was expected; no input text is quoted, so that a cell of a case export never ends
up in a message) or :class:`ParseError`, a ``ValueError`` that also carries a stable
message key for the loaders' findings.

The rules, in one place:

* **Booleans** (:func:`parse_bool`): ``ja j x wahr true yes y 1`` are true,
  ``nein n falsch false no 0`` are false, compared without case and surrounding space.
  Nothing else is a boolean (an empty text is "not given", never false).
* **Numbers** (:func:`parse_decimal`, :func:`parse_int`): German (``1.234,56``) and
  English (``1234.56``) notation. With ``german=None`` (automatic) a decimal comma makes
  a number German, except the ambiguous shape ``1,234`` (one comma followed by exactly
  three digits, no point), which could be one thousand two hundred and thirty-four in
  English or 1.234 in German: it is refused with the key ``ambiguous-number`` (write
  ``1234``, ``1.234,0`` or set the notation). Spaces, non-breaking spaces and a trailing
  ``€`` are ignored. Infinity and NaN are refused; so are numbers with more than
  :data:`MAX_DIGITS` digits before or after the point, also when an exponent makes
  them so (``1e999999``, :func:`check_digits`).
* **Counts and figures**: a whole number of people, places, votes or inhabitants, and
  an age in years, is a count (:func:`check_count`): from 0 to :data:`MAX_COUNT` (an
  age to :data:`MAX_AGE`). An indicator's value, target or baseline, a numerator, a
  denominator and a full-time equivalent are figures (:func:`check_figure`): finite and
  below :data:`FIGURE_LIMIT` (10^15) in magnitude. ``1e40`` places, ``1e400`` (JSON's
  infinity) as a target or an age of 500 are slips, refused where the value is read.
* **Dates** (:func:`parse_date`): ISO ``2016-12-31`` or German ``31.12.2016``; a
  :class:`~datetime.date` as is; a datetime only at midnight. Spreadsheet cells may hold
  an Excel serial number (:func:`excel_serial_date`); a serial below 1 (which Excel
  shows as ``00.01.1900`` or as ``#####``) is an error, and so is a workbook date before
  1900-01-01 (openpyxl turns negative serials into such dates).
* **Money** (:func:`parse_money`, :func:`check_money`): a number (as above) in plain
  notation (no exponent) that is not negative, has at most two decimal places (cents)
  and is below :data:`MONEY_LIMIT` (one trillion). In automatic notation ``170.000 €``
  (a point before three digits, no comma) is refused as ambiguous.
* **AGS** (:func:`parse_ags`): the Amtlicher Gemeindeschlüssel, 8 digits for a Gemeinde,
  5 for a Kreis, 3 for a Regierungsbezirk and 2 for a Land (:data:`AGS_LENGTHS`). A key
  one digit short of a Gemeinde, Kreis or Land key (``5558012``) lost its leading zero in
  a spreadsheet; :func:`repair_ags` puts it back and says so (the loaders record an
  ``ags-repaired`` info finding).
* **Slugs** (:func:`slugify`): one id from a name everywhere (tables, HSDS import, new
  concepts): ``Caritas Coesfeld e.V.`` → ``caritas-coesfeld-e-v``.
* **Formula guard** (:func:`neutralise` / :func:`unneutralise`): a text that a
  spreadsheet would run as a formula gets a leading ``'`` when written, removed again
  when read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ._i18n import N_, Translatable

__all__ = [
    "AGS_LENGTHS",
    "FALSE_WORDS",
    "FIGURE_LIMIT",
    "MAX_AGE",
    "MAX_COUNT",
    "MAX_DIGITS",
    "MONEY_LIMIT",
    "TRUE_WORDS",
    "ParseError",
    "ags_level",
    "check_count",
    "check_digits",
    "check_figure",
    "check_money",
    "excel_serial_date",
    "is_ags",
    "is_formula_like",
    "is_slug",
    "neutralise",
    "parse_ags",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_money",
    "parse_time",
    "repair_ags",
    "slugify",
    "unneutralise",
]


class ParseError(Translatable, ValueError):
    """A text is not a value of the expected kind (its message translated when shown).

    Attributes:
        key: A stable key of the kind of problem (``invalid-number``,
            ``ambiguous-number``, ``invalid-date``, ``negative-serial``, ``invalid-bool``,
            ``invalid-ags``, ``ags-lost-zero``, ``too-many-digits``), used by the loaders
            to choose the message of their finding.
    """

    def __init__(self, key: str, message: str, /, **values: Any) -> None:
        super().__init__(message, **values)
        self.key = key


# --------------------------------------------------------------------------- booleans

#: Texts read as true (compared without case and surrounding space).
TRUE_WORDS: Final = frozenset({"ja", "j", "x", "wahr", "true", "yes", "y", "1"})
#: Texts read as false.
FALSE_WORDS: Final = frozenset({"nein", "n", "falsch", "false", "no", "0"})


def parse_bool(value: Any) -> bool:
    """Read a yes/no value: a bool, ``0``/``1`` or one of :data:`TRUE_WORDS`/:data:`FALSE_WORDS`.

    >>> parse_bool("J"), parse_bool(" nein "), parse_bool(1)
    (True, False, True)

    Raises:
        ParseError: ``invalid-bool`` for anything else (also for an empty text).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ParseError("invalid-bool", "expected a yes/no value (ja, nein, x, true, false, 1, 0)")


# --------------------------------------------------------------------------- numbers

#: Most digits of a whole number read (Python's own limit for ``int(text)`` is 4,300).
MAX_DIGITS: Final = 4300

_GERMAN_GROUPED = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", re.ASCII)
_ENGLISH_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+", re.ASCII)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_NUMBER_NOISE = str.maketrans("", "", " \u00a0\u202f")


def _number_text(value: str) -> str:
    return value.strip().translate(_NUMBER_NOISE).removesuffix("€").removesuffix("EUR")


def parse_decimal(value: Any, *, german: bool | None = None) -> Decimal:
    """Read a number: int, float, Decimal, or text in German or English notation.

    Args:
        value: The number or its text.
        german: ``True`` reads text as German (``1.234`` is one thousand two hundred and
            thirty-four), ``False`` as English (a comma is refused); ``None`` (default)
            reads a text with a decimal comma as German and refuses the ambiguous
            ``1,234`` (see the module documentation).

    >>> parse_decimal("1.234,5"), parse_decimal("0.001"), parse_decimal("12,5")
    (Decimal('1234.5'), Decimal('0.001'), Decimal('12.5'))

    Raises:
        ParseError: ``invalid-number``, ``ambiguous-number`` or ``too-many-digits``.
    """
    if isinstance(value, bool):
        raise ParseError("invalid-number", "expected a number, got a yes/no value")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        result = _decimal_from_text(_number_text(value), german)
    else:
        raise ParseError(
            "invalid-number", "expected a number, got {kind}", kind=type(value).__name__
        )
    if not result.is_finite():
        raise ParseError("invalid-number", "expected a finite number")
    return check_digits(result)


def check_digits(number: Decimal) -> Decimal:
    """*number* if it has at most :data:`MAX_DIGITS` digits before and after the point.

    The one bound on the size of a number, for text (``1e999999`` is eight characters
    but a million digits, which no report can print) and for a :class:`~decimal.Decimal`
    given to the model.

    >>> check_digits(Decimal("1e4299"))
    Decimal('1E+4299')

    Raises:
        ParseError: ``too-many-digits``.
    """
    if (
        number.is_finite()
        and number
        and (number.adjusted() >= MAX_DIGITS or int(number.as_tuple().exponent) < -MAX_DIGITS)
    ):
        raise ParseError(
            "too-many-digits", "a number has more than {limit} digits", limit=MAX_DIGITS
        )
    return number


def _decimal_from_text(text: str, german: bool | None) -> Decimal:
    if len(text) > MAX_DIGITS:
        raise ParseError(
            "too-many-digits", "a number has more than {limit} characters", limit=MAX_DIGITS
        )
    if german is None:
        if _ENGLISH_GROUPED.fullmatch(text) and text.count(",") == 1:
            raise ParseError(
                "ambiguous-number",
                "a comma before three digits is ambiguous (a thousands separator in "
                "English notation, a decimal comma in German): write the number without "
                "it, or choose the notation",
            )
        german = "," in text
    if german:
        if _GERMAN_GROUPED.fullmatch(text):
            text = text.replace(".", "")
        elif "." in text and "," in text:
            raise ParseError("invalid-number", "expected a number like 1234,56 or 1.234,56")
        text = text.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ParseError("invalid-number", "expected a number like 1234.56 or 1.234,56")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ParseError("invalid-number", "expected a number") from None


_INT_TEXT = re.compile(r"[+-]?\d+", re.ASCII)
_GERMAN_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+", re.ASCII)


def parse_int(value: Any) -> int:
    """Read a whole number: an int, an integral float, ``"42"`` or German ``"1.000"``.

    >>> parse_int("1.000"), parse_int(" -3 "), parse_int(4.0)
    (1000, -3, 4)

    Raises:
        ParseError: ``invalid-number`` or ``too-many-digits``.
    """
    if isinstance(value, bool):
        raise ParseError("invalid-number", "expected a whole number, got a yes/no value")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str):
        text = _number_text(value)
        if len(text) > MAX_DIGITS:
            raise ParseError(
                "too-many-digits", "a number has more than {limit} digits", limit=MAX_DIGITS
            )
        if _INT_TEXT.fullmatch(text):
            return int(text)
        if _GERMAN_THOUSANDS.fullmatch(text):  # 1.000 Plätze
            return int(text.replace(".", ""))
    raise ParseError("invalid-number", "expected a whole number")


#: The largest count: inhabitants, places, votes, participants (Germany has 84 million
#: inhabitants). A larger one is a slip (``1e40``, an AGS or a phone number in the
#: column), not a count.
MAX_COUNT: Final = 999_999_999
#: The highest age in years an offer can name as its minimum or maximum age.
MAX_AGE: Final = 130
#: Every figure (an indicator's value, target or baseline, a numerator, a denominator, a
#: full-time equivalent) is smaller than this (10^15) in magnitude: a larger one is a
#: slip (``1e400``, which JSON reads as infinity), not a Kennzahl.
FIGURE_LIMIT: Final = Decimal(10) ** 15


def check_count(value: object, *, limit: int = MAX_COUNT) -> int:
    """*value* if it is a whole number from 0 to *limit* (:data:`MAX_COUNT`; an age:
    :data:`MAX_AGE`).

    The one rule for counts, of the model's validators and so of every loader: a count
    is an :class:`int` (not a float, not a :class:`~decimal.Decimal`, not a bool).

    >>> check_count(100), check_count(67, limit=MAX_AGE)
    (100, 67)

    Raises:
        ParseError: ``invalid-number``.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise ParseError("invalid-number", "expected a whole number from 0 to {limit}", limit=limit)
    return value


def check_figure(value: object, *, negative: bool = True) -> Decimal:
    """*value* as a :class:`~decimal.Decimal` if it is a figure: a finite
    :class:`~decimal.Decimal` or :class:`int`, below :data:`FIGURE_LIMIT` in magnitude,
    with at most :data:`MAX_DIGITS` decimal places, and not negative unless *negative*.

    The one rule for the figures of the model (values, targets, baselines, numerators,
    denominators, full-time equivalents); money has its own (:func:`check_money`).

    >>> check_figure(Decimal("12.5")), check_figure(3, negative=False)
    (Decimal('12.5'), Decimal('3'))

    Raises:
        ParseError: ``invalid-number`` or ``too-many-digits``.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ParseError(
            "invalid-number", "expected a number, got {kind}", kind=type(value).__name__
        )
    number = Decimal(value)
    if not number.is_finite():
        raise ParseError("invalid-number", "expected a finite number")
    if number < 0 and not negative:
        raise ParseError("invalid-number", "expected a number that is not negative")
    if abs(number) >= FIGURE_LIMIT:
        raise ParseError("invalid-number", "expected a number below 10^15 in magnitude")
    return check_digits(number)


#: Every amount in EUR is below this (one trillion): a larger one is a slip (``1e400``,
#: a date or an IBAN in the amount column), not a grant or a price.
MONEY_LIMIT: Final = Decimal(10) ** 12

_CENT: Final = Decimal("0.01")

_THOUSANDS_POINT = re.compile(r"[+-]?\d{1,3}(\.\d{3})+", re.ASCII)


def parse_money(value: Any, *, german: bool | None = None) -> Decimal:
    """Read an amount in EUR: a number (:func:`parse_decimal`) in plain notation that
    :func:`check_money` accepts.

    A text has no exponent (``1e400``, ``1.5e3``). In automatic notation
    (*german* ``None``) a point before groups of three digits and no comma
    (``170.000 €``, ``1.500``) is refused as ambiguous: German thousands, or three
    decimal places in English (it was read as 170 €).

    >>> parse_money("1.099,98 €"), parse_money("170.000,00"), parse_money(12)
    (Decimal('1099.98'), Decimal('170000.00'), Decimal('12'))

    Raises:
        ParseError: ``invalid-number``, ``ambiguous-number`` or ``too-many-digits``.
    """
    if isinstance(value, str):
        text = _number_text(value)
        if "e" in text.casefold():
            raise ParseError(
                "invalid-number",
                "expected an amount in EUR without an exponent, like 1234,56 or 1.234,56",
            )
        if german is None and _THOUSANDS_POINT.fullmatch(text):
            raise ParseError(
                "ambiguous-number",
                "a point before three digits is ambiguous in an amount in EUR (a thousands "
                "separator in German, three decimal places in English): write 170000, "
                "170.000,00 or 170000.00",
            )
    return check_money(parse_decimal(value, german=german))


def check_money(amount: Decimal) -> Decimal:
    """*amount* if it is an amount in EUR: finite, not negative, at most two decimal
    places (cents: ``Decimal("0.001")`` is refused, ``Decimal("1.230")`` is 1.23 € and
    kept as written) and below
    :data:`MONEY_LIMIT`.

    The one rule for money, of :func:`parse_money` and of the model's validator.

    >>> check_money(Decimal("170000.00"))
    Decimal('170000.00')

    Raises:
        ParseError: ``invalid-number``.
    """
    if not amount.is_finite():
        raise ParseError("invalid-number", "expected a finite amount in EUR")
    if amount < 0:
        raise ParseError("invalid-number", "expected an amount in EUR that is not negative")
    if amount >= MONEY_LIMIT:
        raise ParseError("invalid-number", "expected an amount in EUR below one trillion (10^12)")
    if amount != amount.quantize(_CENT):  # (trailing zeros are no further places)
        raise ParseError(
            "invalid-number",
            "expected an amount in EUR with at most two decimal places (cents)",
        )
    return amount


# --------------------------------------------------------------------------- dates

_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ Tt]\d", re.ASCII)
_EXCEL_EPOCH: Final = date(1899, 12, 30)
#: The last serial Excel shows as a date (9999-12-31).
MAX_EXCEL_SERIAL: Final = 2_958_465
_FIRST_WORKBOOK_DAY: Final = date(1900, 1, 1)


def excel_serial_date(serial: float | int | Decimal) -> date:
    """The day of an Excel serial number (1900 date system): ``45000`` → 2023-03-15.

    Serials 1 to 60 follow Excel, which counts a 29 February 1900 that did not exist.

    Raises:
        ParseError: ``negative-serial`` for a serial below 1, ``invalid-date`` for a
            serial with a time of day or beyond 9999-12-31.
    """
    if isinstance(serial, bool):
        raise ParseError("invalid-date", "expected a date, got a yes/no value")
    if serial < 1:
        raise ParseError(
            "negative-serial", "an Excel date serial below 1 is no date (Excel shows #####)"
        )
    if serial != int(serial) or serial > MAX_EXCEL_SERIAL:
        raise ParseError("invalid-date", "expected a whole-day Excel date serial")
    days = int(serial)
    return _EXCEL_EPOCH + timedelta(days=days + 1 if days < 61 else days)


def parse_date(value: Any, *, serials: bool = False) -> date:
    """Read a date: ISO ``2016-12-31``, German ``31.12.2016`` or a date object.

    Args:
        value: The text or value.
        serials: Whether a number is an Excel serial (spreadsheet cells); elsewhere a
            number is no date.

    >>> parse_date("31.12.2016"), parse_date(45000, serials=True)
    (datetime.date(2016, 12, 31), datetime.date(2023, 3, 15))

    Raises:
        ParseError: ``invalid-date`` or ``negative-serial``.
    """
    if isinstance(value, datetime):
        if value.time() != time():
            raise ParseError("invalid-date", "expected a date without time (of day)")
        day = value.date()
        if serials and day < _FIRST_WORKBOOK_DAY:
            raise ParseError(
                "negative-serial", "a workbook date before 1900 comes from a negative serial"
            )
        return day
    if serials and isinstance(value, time) and value == time():
        # openpyxl reads the serial 0 of a date cell as midnight without a day
        raise ParseError("negative-serial", "an Excel date serial below 1 is no date")
    if isinstance(value, date):
        return value
    if serials and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return excel_serial_date(value)
    if isinstance(value, str):
        return _date_from_text(value.strip())
    raise ParseError("invalid-date", "expected a date like 2016-12-31 or 31.12.2016")


def date_fields(text: str) -> tuple[int, int, int] | None:
    """Year, month and day of a date written ISO (``2016-12-31``) or German
    (``31.12.2016``, also ``1.2.2016``), ASCII digits only; ``None`` for any other text.
    Whether the day exists in the calendar is not checked. (The one reading of a date's
    text: :func:`parse_date` and the case exports use it.)

    >>> date_fields("31.12.2016"), date_fields("2016-12-31"), date_fields("2016-1-31")
    ((2016, 12, 31), (2016, 12, 31), None)
    """
    german = _GERMAN_DATE.fullmatch(text)
    if german:
        day, month, year = (int(g) for g in german.groups())
        return year, month, day
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return year, month, day
    return None


def _date_from_text(text: str) -> date:
    fields = date_fields(text)
    if fields is not None:
        year, month, day = fields
    elif _ISO_DATE_TIME.match(text):
        raise ParseError("invalid-date", "expected a date without time (of day)")
    else:
        raise ParseError("invalid-date", "expected a date like 2016-12-31 or 31.12.2016")
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError("invalid-date", "not a valid calendar date") from None


_TIME: Final = re.compile(r"(\d{1,2})[:.](\d{2})(?:\s*Uhr)?", re.ASCII)


def parse_time(value: Any) -> time:
    """Parse a time of day: ``16:00``, ``9:30`` or ``16.00 Uhr`` (no seconds, no zone).

    YAML 1.1 reads an unquoted ``16:00`` as the number 960 (base 60); a number is refused
    with the advice to quote the time.

    >>> parse_time("9:30")
    datetime.time(9, 30)

    Raises:
        ParseError: code ``invalid-time``.
    """
    if isinstance(value, time):
        if value.tzinfo is not None or value.second or value.microsecond:
            raise ParseError("invalid-time", "expected hours and minutes only")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        raise ParseError(
            "invalid-time",
            'expected a time like "16:00" in quotes (YAML reads an unquoted 16:00 as a number)',
        )
    if isinstance(value, str):
        match = _TIME.fullmatch(value.strip())
        if match:
            hour, minute = int(match.group(1)), int(match.group(2))
            if hour < 24 and minute < 60:
                return time(hour, minute)
            raise ParseError("invalid-time", "not a valid time of day")
    raise ParseError("invalid-time", "expected a time like 16:00")


# --------------------------------------------------------------------------- AGS

#: The lengths of an Amtlicher Gemeindeschlüssel and what each names.
AGS_LENGTHS: Final[Mapping[int, str]] = {
    2: "Land",
    3: "Regierungsbezirk",
    5: "Kreis",
    8: "Gemeinde",
}
# The lengths of keys one digit short of a Land (2), Kreis (5) or Gemeinde (8) key: they
# lost their leading zero (05558012 → 5558012). A 2-digit key is never repaired to 3, as
# it is a valid Land key itself.
_REPAIRABLE: Final = frozenset(n - 1 for n in (2, 5, 8))


def is_ags(text: object) -> bool:
    """Whether *text* is an AGS: ASCII digits of a length in :data:`AGS_LENGTHS`."""
    return isinstance(text, str) and text.isascii() and text.isdigit() and len(text) in AGS_LENGTHS


def ags_level(text: str) -> str | None:
    """What an AGS names (``Gemeinde``, ``Kreis`` …), or ``None`` for no AGS."""
    return AGS_LENGTHS[len(text)] if is_ags(text) else None


def repair_ags(value: Any) -> tuple[str, bool]:
    """Return the AGS text of *value* and whether a lost leading zero was put back.

    A number or a text of digits one digit short of a Gemeinde (8), Kreis (5) or Land (2)
    key gets its ``0`` back: ``5558012`` → ``("05558012", True)``. Other values come back
    as their stripped text, unchanged.
    """
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) in _REPAIRABLE:
        return "0" + text, True
    return text, False


#: The message for a value that is no AGS of the lengths asked for, per set of lengths
#: the library asks for (:func:`parse_ags`; like every message of this module, it does
#: not quote the value: a case export's cells never end up in a message).
AGS_EXPECTED: Final[Mapping[tuple[int, ...], str]] = {
    (2, 3, 5, 8): N_(
        "expected an AGS of 8 digits (Gemeinde), 5 (Kreis), 3 (Regierungsbezirk) or 2 (Land)"
    ),
    (5, 8): N_("expected an AGS of 8 digits (Stadt or Gemeinde) or 5 digits (Kreis)"),
    (8,): N_("expected an 8-digit AGS (Gemeindeschlüssel)"),
}
#: The message for digits other than 0–9 (Arabic-Indic, full-width), and for the model's
#: values that are no text (a number in YAML) or have spaces around them.
AGS_DIGITS: Final = N_('expected an AGS as a text of the digits 0–9 (e.g. "05558012")')


def parse_ags(
    value: Any, *, lengths: tuple[int, ...] = tuple(AGS_LENGTHS), repair: bool = True
) -> str:
    """Read an AGS of one of *lengths* (a key of :data:`AGS_EXPECTED`; default: any).

    A key one digit short that lost its leading zero (:func:`repair_ags`) is repaired;
    with ``repair=False`` it is refused with its own key (a value of the model is the
    key itself; the loaders repair and say so).

    >>> parse_ags(5558012), parse_ags("05558", lengths=(5, 8))
    ('05558012', '05558')

    Raises:
        ParseError: ``invalid-ags`` naming the lengths expected (or, for other digits,
            that an AGS has only the digits 0–9), ``ags-lost-zero`` for a key one digit short of a
            length asked for when it is not repaired (its value ``problem``: the
            ``invalid-ags`` error).
    """
    text, repaired = repair_ags(value)
    if is_ags(text) and len(text) in lengths and (repair or not repaired):
        return text
    if text.isdigit() and not text.isascii():
        raise ParseError("invalid-ags", AGS_DIGITS)
    problem = ParseError("invalid-ags", AGS_EXPECTED[lengths])
    if repaired and len(text) in lengths:
        raise ParseError("ags-lost-zero", "{problem} (a leading zero lost?)", problem=problem)
    raise problem


# --------------------------------------------------------------------------- slugs

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
#: Longest slug made from a name.
SLUG_LENGTH: Final = 64


#: What an identifier (slug) may look like: letters, digits, ``.``, ``_`` and ``-``,
#: starting with a letter or digit, at most 128 characters.
SLUG_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def is_slug(text: object) -> bool:
    """Whether *text* can be an identifier (see :data:`SLUG_PATTERN`)."""
    return isinstance(text, str) and SLUG_PATTERN.fullmatch(text) is not None


def slugify(text: str) -> str:
    """Make an id from a name: ``Caritas Coesfeld e.V.`` → ``caritas-coesfeld-e-v``.

    Lower case, umlauts spelled out (``ä`` → ``ae``), other letters without accents,
    every run of other characters one ``-``, at most :data:`SLUG_LENGTH` characters. An
    empty result means the name has no letter or digit.

    >>> slugify("Caritas Coesfeld e.V."), slugify("Städtische Büchereien")
    ('caritas-coesfeld-e-v', 'staedtische-buechereien')
    """
    plain = text.casefold().translate(_UMLAUTS)
    # a dash, bullet or other sign beyond ASCII separates like "-" ("2019–2023" was
    # "20192023"); letters and digits lose only their accents
    plain = "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in plain)
    plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:SLUG_LENGTH].rstrip("-")


# --------------------------------------------------------------------------- formula guard

# Characters that start a formula in Excel or LibreOffice (the full-width forms too:
# East Asian input methods produce them and spreadsheets read them as the ASCII ones).
_FORMULA_STARTS: Final = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# Characters a spreadsheet skips before it looks for a formula start, or that hide one.
_INVISIBLE: Final = "".join(
    (" \t\r\n\u00a0\u202f\u205f\u3000\ufeff", *map(chr, range(0x2000, 0x2010)), "\u2060")
)
# A phone number (``+49 2541 18-0``): its ``+`` is no formula and is kept where asked.
_PHONE_NUMBER = re.compile(r"\+[0-9][0-9 ()/\-.]*")


#: What a spreadsheet shows for a formula that failed: the codes a workbook stores
#: (English whatever the language of Excel), German Excel's words for them in a CSV it
#: saved, and LibreOffice's ``Err:502``.
_SPREADSHEET_ERRORS: Final = frozenset(
    {
        "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#NV", "#BEZUG!", "#WERT!", "#ZAHL!", "#ÜBERLAUF!", "#KALK!",
    }
)  # fmt: skip
_LIBREOFFICE_ERROR = re.compile(r"Err:[0-9]{3}")


def is_spreadsheet_error(text: str) -> bool:
    """Whether *text* is a spreadsheet's error value (``#DIV/0!``, ``#NV``, ``Err:502``):
    a formula that failed, not a value; a spreadsheet also turns such a text into one.

    >>> is_spreadsheet_error("#NV"), is_spreadsheet_error(" #div/0! "), is_spreadsheet_error("#1")
    (True, True, False)
    """
    stripped = text.strip()
    return stripped.upper() in _SPREADSHEET_ERRORS or bool(_LIBREOFFICE_ERROR.fullmatch(stripped))


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could run *text* as a formula.

    True when it starts with a tab or carriage return, or when its first character after
    spaces, non-breaking and zero-width spaces, byte order marks and line breaks is
    ``=``, ``+``, ``-``, ``@`` or one of their full-width forms (``＝``); and for a
    spreadsheet's error value (:func:`is_spreadsheet_error`), which a spreadsheet turns
    into an error, not a text.
    """
    if text.startswith(("\t", "\r")) or is_spreadsheet_error(text):
        return True
    rest = text.lstrip(_INVISIBLE)
    return bool(rest) and rest[0] in _FORMULA_STARTS


def neutralise(text: str, *, keep_phone_numbers: bool = False) -> str:
    """Prefix ``'`` to a text that a spreadsheet would run as a formula.

    A text that already starts with ``'`` before such a start gets one more, so that
    :func:`unneutralise` gives every text back unchanged. With *keep_phone_numbers* a
    phone number such as ``+49 2541 18-0`` keeps its plain ``+``.

    >>> neutralise("=SUMME(A1)"), neutralise("\\u00a0=1"), neutralise("Text")
    ("'=SUMME(A1)", "'\\xa0=1", 'Text')
    """
    if keep_phone_numbers and _PHONE_NUMBER.fullmatch(text):
        return text
    if is_formula_like(text.lstrip("'")):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`: remove the ``'`` it would have added."""
    if text.startswith("'") and is_formula_like(text.lstrip("'")):
        return text[1:]
    return text
