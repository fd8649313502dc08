"""Direct identifiers in a case export: refused by header and by value (Direktidentifikatoren).

A case-management export may carry columns that name a person: a first name, a date of
birth, a phone number. Such a column must never become a breakdown of published
figures, nor be kept in memory. Two checks keep them out; :mod:`._cases` calls each in
exactly one place:

* :func:`identifier_header` looks at the **original** header of every column, before
  any column mapping is applied (so ``mapping={"Vorname": "legal_basis"}`` cannot turn
  first names into legal-basis labels). The header is normalised (:func:`normalise`):
  Unicode NFKC (full-width letters), case folding, look-alike Cyrillic and Greek letters
  replaced by their Latin twins, umlauts spelled out, accents and zero-width characters
  dropped, punctuation and spacing removed. The result is compared with the vocabulary
  :data:`IDENTIFIER_VOCABULARY` (German and English).
* :func:`breakdown_problem` looks at the distinct values of every column that can
  become a breakdown (``legal_basis`` and every further column kept): a column with
  more than :data:`MAX_CATEGORIES` values, or with a value shaped like a phone number,
  an e-mail address, a date, an IBAN or an identifier, is refused.

Both return a short reason; the caller reports it naming the column, never a value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from ._i18n import N_

__all__ = [
    "HARMLESS_HEADERS",
    "IDENTIFIER_VOCABULARY",
    "MAX_CATEGORIES",
    "breakdown_problem",
    "identifier_header",
    "normalise",
]

MAX_CATEGORIES: Final = 50
"""A breakdown column may have at most this many different values (besides empty).

More categories mean small cells and values that single out a person (a free-text
column, a nationality list, a team member's name); group the values first.
"""

# Capital look-alikes, replaced before case folding (a capital Greek nu is an N, its
# small form a v).
_CAPITALS: Final = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "У": "Y",
        "Х": "X",
        "І": "I",
        "Ј": "J",
        "Ѕ": "S",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
    }
)

# Look-alike letters (after case folding) that spell a Latin word in another script.
_CONFUSABLES: Final = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "з": "3",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "п": "n",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "һ": "h",
        "ӏ": "l",
        "ԛ": "q",
        "ԝ": "w",
        "ь": "b",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "μ": "m",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "σ": "o",
        "ς": "c",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ζ": "z",
        # Latin look-alikes that NFKC keeps
        "ı": "i",
        "ɑ": "a",
        "ɡ": "g",
        "ℓ": "l",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ß": "ss",
    }
)
# umlauts spelled out, as a German export writes them without umlauts
_UMLAUTS: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})

IDENTIFIER_VOCABULARY: Final[dict[str, frozenset[str]]] = {
    # Each family: normalised stems. A stem matches when the whole normalised header
    # contains it (``klientenname`` contains ``name``), except for the short stems in
    # _WORD_ONLY, which only match as a whole word of the header (``Tel.``, ``geb.``).
    "name": frozenset(
        {
            "name",
            "namen",
            "firstname",
            "lastname",
            "surname",
            "forename",
            "givenname",
            "fullname",
            "nachnam",
            "vornam",
            "klient",
            "client",
            "person",
            "kunde",
            "customer",
            "patient",
            "teilnehmer",
            "participant",
            "unterschrift",
            "signature",
        }
    ),
    "birth": frozenset(
        {
            "geburtsdatum",
            "geburtstag",
            "geburtsort",
            "gebdatum",
            "gebdat",
            "gebtag",
            "gebort",
            "geboren",
            "geb",
            "birthday",
            "birthdate",
            "birthplace",
            "dateofbirth",
            "placeofbirth",
            "dob",
            "bday",
        }
    ),
    "address": frozenset(
        {
            "adresse",
            "adress",
            "anschrift",
            "address",
            "strasse",
            "str",
            "street",
            "hausnummer",
            "hausnr",
            "hnr",
            "postleitzahl",
            "plz",
            "zip",
            "zipcode",
            "postcode",
            "postalcode",
            "wohnort",
            "wohnung",
            "residence",
        }
    ),
    "phone": frozenset(
        {
            "telefon",
            "telephon",
            "tel",
            "telnr",
            "telno",
            "phone",
            "handy",
            "mobil",
            "mobile",
            "mobilnr",
            "mobilnummer",
            "mobiltel",
            "rufnummer",
            "festnetz",
            "fax",
            "faxnummer",
            "faxnr",
            "telefax",
            "cell",
            "cellphone",
            "whatsapp",
        }
    ),
    "email": frozenset({"email", "mail", "mails", "emailadresse", "mailadr", "mailaddr"}),
    "number": frozenset(
        {
            "sozialversicherung",
            "versicherungsnummer",
            "versichertennummer",
            "svnummer",
            "svnr",
            "sv",
            "rvnr",
            "kvnr",
            "steuerid",
            "steueridentifikation",
            "steuernummer",
            "steuernr",
            "taxid",
            "tin",
            "ssn",
            "socialsecurity",
            "nationalinsurance",
            "iban",
            "bic",
            "konto",
            "kontonummer",
            "kontonr",
            "account",
            "accountnumber",
            "bankverbindung",
            "kreditkarte",
            "creditcard",
            "kundennummer",
            "kundennr",
            "personalnummer",
            "bgnummer",
            "bgnr",
            "bedarfsgemeinschaftsnummer",
        }
    ),
    "document": frozenset(
        {
            "aktenzeichen",
            "az",
            "geschaeftszeichen",
            "vorgangsnummer",
            "fallakte",
            "passnummer",
            "passnr",
            "reisepass",
            "passport",
            "ausweis",
            "idcard",
            "identitycard",
            "azrnummer",
            "azr",
            "aufenthaltstitelnummer",
            "foto",
            "photo",
            "ipadresse",
            "ipaddress",
        }
    ),
}
"""The vocabulary of direct identifiers, by family, in normalised form (see :func:`normalise`).

A header is an identifier when its normalised text contains a stem of a family (names
of persons and clients, birth dates and places, addresses and postcodes, phone and fax
numbers, e-mail, social-security, tax, account and customer numbers, file references
such as *Aktenzeichen*, passport and ID numbers, photos), unless the header is one of
:data:`HARMLESS_HEADERS`. Short stems (``tel``, ``geb``, ``str``, ``az``, ``sv`` …)
only count as a whole word of the header.
"""

# Stems so short that they occur inside harmless words (Gebiet, Strukturen, Kurs):
# they count only as a whole word of the header.
_WORD_ONLY: Final = frozenset(
    {
        "geb",
        "dob",
        "bday",
        "str",
        "hnr",
        "plz",
        "zip",
        "tel",
        "fax",
        "cell",
        "mobil",
        "mobile",
        "mail",
        "mails",
        "sv",
        "svnr",
        "rvnr",
        "kvnr",
        "tin",
        "ssn",
        "bic",
        "az",
        "azr",
        "konto",
        "account",
        "person",
        "kunde",
        "client",
        "klient",
        "patient",
        "foto",
        "photo",
        "wohnung",
    }
)

HARMLESS_HEADERS: Final = frozenset(
    {
        # place and organisation names are not persons
        "gemeindename",
        "gemeindenamen",
        "ortsname",
        "ortname",
        "kreisname",
        "stadtname",
        "landname",
        "landesname",
        "staatsname",
        "bezirksname",
        "traegername",
        "traeger",
        "angebotsname",
        "kursname",
        "massnahmenname",
        "massnahmename",
        "programmname",
        "projektname",
        "einrichtungsname",
        "behoerdenname",
        "dienststellenname",
        "teamname",
        "municipalityname",
        "placename",
        "countryname",
        "programname",
        "providername",
        "eventname",
        "ereignisname",
        # a year of birth is the canonical, coarse column birth_year
        "birthyear",
        "yearofbirth",
        "geburtsjahr",
        "gebjahr",
        "jahrgang",
        # counts and groups of persons are aggregates, not persons
        "personenzahl",
        "personenanzahl",
        "anzahlpersonen",
        "personengruppe",
        "kundengruppe",
        "klientengruppe",
        "teilnehmerzahl",
        "teilnehmeranzahl",
        "anzahlteilnehmer",
        "personsinhousehold",
    }
)
"""Headers that contain a stem of :data:`IDENTIFIER_VOCABULARY` but are not identifiers."""

_STEMS: Final = frozenset(s for family in IDENTIFIER_VOCABULARY.values() for s in family)
_LONG_STEMS: Final = tuple(sorted(_STEMS - _WORD_ONLY, key=len, reverse=True))
# camelCase boundaries: TelNr -> Tel Nr, firstName -> first Name
_CAMEL = re.compile(r"(?<=[a-zäöüß])(?=[A-ZÄÖÜ])")


def normalise(text: str, *, umlauts: bool = True) -> str:
    """Return *text* reduced to lower-case Latin letters and digits (word breaks as spaces).

    NFKC (full-width ``Ｎａｍｅ`` → ``name``), look-alike letters of other scripts
    (Cyrillic ``а``, Greek ``Ν``) → Latin, case folding (``ß`` → ``ss``), ``ä``/``ö``/``ü``
    → ``ae``/``oe``/``ue`` (with *umlauts*; otherwise, like every other accent,
    dropped); every other character (punctuation, spaces, zero-width characters,
    underscores) becomes a word break.

    >>> normalise("Geb.-Datum")
    'geb datum'
    >>> normalise("Ｎаme"), normalise("Trägername", umlauts=False)
    ('name', 'tragername')
    """
    text = unicodedata.normalize("NFKC", text)
    text = _CAMEL.sub(" ", text).translate(_CAPITALS)
    text = text.casefold().translate(_CONFUSABLES)
    if umlauts:
        text = text.translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_CONFUSABLES)
    return " ".join(re.findall(r"[a-z0-9]+", text, flags=re.ASCII))


def identifier_header(header: str) -> str | None:
    """Return the identifier family a column *header* belongs to, or ``None``.

    >>> identifier_header("Handynummer"), identifier_header("Gemeindename")
    ('phone', None)
    """
    variants = []
    for umlauts in (True, False):
        words = [
            "".join(c for c in w if not c.isdigit())
            for w in normalise(header, umlauts=umlauts).split()
        ]
        joined = "".join(words)
        if joined in HARMLESS_HEADERS:
            return None
        variants.append((joined, words))
    for joined, words in variants:
        for family, stems in IDENTIFIER_VOCABULARY.items():
            if joined in stems or any(w in stems for w in words if w):
                return family
        for stem in _LONG_STEMS:
            if stem in joined:
                return next(f for f, stems in IDENTIFIER_VOCABULARY.items() if stem in stems)
    return None


# --------------------------------------------------------------------------- values

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_DATE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T].*)?|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})(?: .*)?"
)
_PHONE = re.compile(r"(?:\+|00)?[\d\s()/.\-]{6,}")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_DIGIT = re.compile(r"\d")

VALUE_SHAPES: Final = ("e-mail address", "date", "IBAN", "phone number", "identifier")
"""What :func:`breakdown_problem` recognises in a value, in the order it checks."""


#: Why a value of each shape keeps a column from being a breakdown (``messages`` ids).
_SHAPE_MESSAGES: Final = {
    "e-mail address": N_("a value looks like an e-mail address"),
    "date": N_("a value looks like a date"),
    "IBAN": N_("a value looks like an IBAN"),
    "phone number": N_("a value looks like a phone number"),
    "identifier": N_("a value looks like an identifier"),
}


def value_shape(value: str) -> str | None:
    """Return what *value* looks like (one of :data:`VALUE_SHAPES`), or ``None``.

    >>> value_shape("SGB II"), value_shape("+49 2541 18-0"), value_shape("TEL_000123")
    (None, 'phone number', 'identifier')
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if _EMAIL.search(text):
        return "e-mail address"
    if _DATE.fullmatch(text):
        return "date"
    compact = re.sub(r"[\s\-_.]", "", text).upper()
    if _IBAN.fullmatch(compact):
        return "IBAN"
    digits = len(_DIGIT.findall(text))
    if digits >= 6 and _PHONE.fullmatch(text):
        return "phone number"
    # a long run of digits, or one token mixing letters with several digits (P3fa9c1d)
    if digits >= 5 or (" " not in text and digits >= 3 and len(text) >= 6):
        return "identifier"
    return None


def breakdown_problem(values: Iterable[str]) -> str | None:
    """Why the distinct *values* of a column must not become a breakdown, or ``None``.

    The reason names the rule (too many categories, or the shape of a value), never a
    value.

    >>> breakdown_problem(["SGB II", "AsylbLG"]) is None
    True
    >>> breakdown_problem(["A", "kim@example.org"])  # in the current language
    'ein Wert sieht wie eine E-Mail-Adresse aus'
    """
    from ._i18n import format_number, tr

    distinct = {v for v in values if v.strip() and v != "unknown"}
    if len(distinct) > MAX_CATEGORIES:
        return tr(
            "it has {count} different values, more than {limit}",
            count=format_number(len(distinct)),
            limit=MAX_CATEGORIES,
        )
    for value in distinct:
        shape = value_shape(value)
        if shape is not None:
            return tr(_SHAPE_MESSAGES[shape])
    return None
