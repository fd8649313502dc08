"""Message catalogues (gettext ``.po`` files, read with Babel) — one place for translations.

Every user-facing text that exists in more than one language comes from a gettext
catalogue: ``kommunale_integration/locale/<lang>/LC_MESSAGES/<domain>.po``. The message ids
are English (the gettext convention); German (``de``) is the default language of every
output, so the German catalogue must translate every message id. Domains separate the
texts of different audiences, e.g. ``messages`` (findings, load errors, CLI) and
``wegweiser`` (the interface of the actor directory in the newcomers' languages).

The ``.po`` files are read at run time with :func:`babel.messages.pofile.read_po` (Babel is a
core dependency), so no compile step is needed and a town can correct a translation by
editing one text file. Catalogues are loaded lazily, once per language and domain.

``_i18n`` is a bottom layer: it imports nothing of the package (Babel only when a
catalogue is first read), so every module may use it, the model included. An exception
of the model does not translate when it is raised: it carries the message id and its
values (:class:`Translatable`) and is translated when it is shown, in the language of
that moment (a caller catching it in an English block sees English).

A town adds or corrects a language by copying a ``.po`` file of another language, translating
the ``msgstr`` lines and putting it beside the others (or passing ``root=`` to
:func:`translations` for a folder of its own).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, getcontext, localcontext
from pathlib import Path
from typing import Any, Final

__all__ = [
    "BABEL_LOCALES",
    "DEFAULT_LANGUAGE",
    "N_",
    "Counted",
    "Translatable",
    "Translations",
    "available_languages",
    "babel_locale",
    "current_language",
    "format_date",
    "format_number",
    "language_from_environment",
    "normalise_language",
    "ntr",
    "room_for",
    "tr",
    "translations",
    "using_language",
]

#: The language of every output unless another is asked for.
DEFAULT_LANGUAGE: Final = "de"

#: The package folder that holds the catalogues.
_LOCALE_PACKAGE: Final = "kommunale_integration"
_LOCALE_DIR: Final = "locale"


class Translations(_gettext.NullTranslations):
    """A catalogue as a :class:`gettext.NullTranslations` (``gettext`` and ``ngettext``).

    A message without a translation (or with an empty ``msgstr``) falls back to the
    message id, as gettext does; :meth:`has` tells whether a translation exists.
    """

    def __init__(
        self,
        language: str,
        messages: Mapping[str, str],
        plurals: Mapping[tuple[str, str], tuple[str, ...]],
    ) -> None:
        super().__init__()
        self.language = language
        self._messages = dict(messages)
        self._plurals = dict(plurals)
        self._plural_index = _plural_function(language)

    def gettext(self, message: str) -> str:
        return self._messages.get(message) or message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._plurals.get((msgid1, msgid2))
        if forms:
            index = min(self._plural_index(n), len(forms) - 1)
            if forms[index]:
                return forms[index]
        return msgid1 if n == 1 else msgid2

    def has(self, message: str) -> bool:
        """Whether the catalogue holds a non-empty translation of ``message``."""
        return bool(self._messages.get(message))

    def has_plural(self, singular: str, plural: str) -> bool:
        """Whether the catalogue holds the plural forms of ``singular``/``plural``."""
        return any(self._plurals.get((singular, plural), ()))

    def message_ids(self) -> frozenset[str]:
        """The message ids the catalogue translates (non-empty translations only)."""
        return frozenset(k for k, v in self._messages.items() if v)


def _plural_function(language: str) -> Callable[[int], int]:
    """The CLDR plural rule of ``language`` as an index into the plural forms."""
    from babel import Locale
    from babel.core import UnknownLocaleError

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return lambda n: 0 if n == 1 else 1
    from babel.messages.plurals import get_plural

    rule = get_plural(locale)
    compiled: Callable[[int], int] = _gettext.c2py(rule.plural_expr)
    return compiled


def normalise_language(language: str | None) -> str:
    """``"de_DE.UTF-8"``, ``"de-DE"``, ``"DE"`` → ``"de"``; empty or ``C`` → the default.

    >>> normalise_language("en_GB.UTF-8")
    'en'
    >>> normalise_language(None)
    'de'
    """
    if not language:
        return DEFAULT_LANGUAGE
    text = language.strip().split(".", 1)[0].split("@", 1)[0]
    code = text.replace("-", "_").split("_", 1)[0].lower()
    if not code or code in {"c", "posix"}:
        return DEFAULT_LANGUAGE
    return code


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language of the environment (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``).

    Only languages with a ``messages`` catalogue count; anything else is the default.
    """
    env = os.environ if environ is None else environ
    known = available_languages("messages")
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if not value:
            continue
        for part in value.split(":"):
            code = normalise_language(part)
            if code in known:
                return code
        return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@functools.cache
def _default_root() -> Path:
    # Cached: tr() runs once per finding, and resources.files() costs ~0.1 ms each time
    # (validating 5,000 offers spent most of its time here). Imported here, not at
    # import time: importlib.resources loads zipfile and tempfile.
    from importlib import resources

    return Path(str(resources.files(_LOCALE_PACKAGE).joinpath(_LOCALE_DIR)))


def available_languages(domain: str = "messages", *, root: Path | None = None) -> tuple[str, ...]:
    """The languages that have a catalogue of ``domain``, sorted, English always included.

    English needs no catalogue (the message ids are English).
    """
    return _available(domain, root or _default_root())


@functools.cache
def _available(domain: str, root: Path) -> tuple[str, ...]:
    found = {"en"}
    if root.is_dir():
        for entry in root.iterdir():
            if (entry / "LC_MESSAGES" / f"{domain}.po").is_file():
                found.add(entry.name)
    return tuple(sorted(found))


def translations(
    language: str | None = None, domain: str = "messages", *, root: Path | None = None
) -> Translations:
    """The catalogue of ``domain`` in ``language`` (normalised; ``None`` is the default).

    A language without a catalogue gives an empty one, i.e. the English message ids.
    """
    return _load(normalise_language(language), domain, root or _default_root())


@functools.cache
def _load(language: str, domain: str, root: Path) -> Translations:
    path = root / language / "LC_MESSAGES" / f"{domain}.po"
    messages: dict[str, str] = {}
    plurals: dict[tuple[str, str], tuple[str, ...]] = {}
    if path.is_file():
        from babel.messages.pofile import read_po

        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=domain)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple | list):
                strings = message.string
                forms = tuple(strings) if isinstance(strings, tuple | list) else (strings,)
                plurals[(str(message.id[0]), str(message.id[1]))] = tuple(map(str, forms))
            else:
                messages[str(message.id)] = str(message.string or "")
    return Translations(language, messages, plurals)


# --------------------------------------------------------------------------- current language

_LANGUAGE: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kommunale_integration_language", default=None
)


def current_language() -> str:
    """The language of messages now: set by :func:`using_language`, else the default."""
    return _LANGUAGE.get() or DEFAULT_LANGUAGE


@contextlib.contextmanager
def using_language(language: str | None) -> Iterator[str]:
    """Make *language* the language of every message made or shown in the block.

    ``None`` keeps the language of the surrounding block. The command line sets the
    language of ``--lang`` (or of the environment) for the whole run; a load sets
    ``LoadOptions(lang=…)`` for its findings. Outside any block
    messages are German.

    >>> import kommunale_integration as ki
    >>> try:
    ...     ki.Contact(email="kaputt", role="Beratung")
    ... except ki.InvalidValueError as error:
    ...     with ki.using_language("en"):
    ...         print(error)
    ...     print(error)
    email: expected an e-mail address like 'name@example.org', got 'kaputt'
    email: erwartet eine E-Mail-Adresse wie 'name@example.org', erhalten: 'kaputt'

    .. versionadded:: 0.2.0
    """
    chosen = normalise_language(language) if language else current_language()
    token = _LANGUAGE.set(chosen)
    try:
        yield chosen
    finally:
        _LANGUAGE.reset(token)


def tr(message: str, /, *, lang: str | None = None, **values: Any) -> str:
    """Translate the English *message* (a ``messages`` id) and fill in *values*.

    The language is *lang*, else :func:`current_language`. *values* are filled in with
    :meth:`str.format` after translating, so the id keeps its ``{placeholders}``.

    >>> tr("file not found", lang="de")
    'Datei nicht gefunden'
    >>> tr("file not found", lang="en")
    'file not found'
    """
    text = translations(lang or current_language(), "messages").gettext(message)
    return text.format(**values) if values else text


def ntr(singular: str, plural: str, n: int, /, *, lang: str | None = None, **values: Any) -> str:
    """Like :func:`tr` for a message with a number: the plural form that fits *n*.

    *n* is filled in as ``{n}``.

    >>> ntr("{n} warning", "{n} warnings", 2, lang="de")
    '2 Warnungen'
    """
    text = translations(lang or current_language(), "messages").ngettext(singular, plural, n)
    return text.format(n=n, **values)


# --------------------------------------------------------------------------- numbers and dates

#: The Babel locale of each language numbers and dates are written in.
BABEL_LOCALES: Final = {"de": "de_DE", "en": "en_GB"}


def babel_locale(language: str | None = None) -> Any:
    """The parsed Babel locale of *language* (``de_DE``, ``en_GB``; others as CLDR has them)."""
    return _parsed_locale(normalise_language(language or current_language()))


@functools.cache
def _parsed_locale(code: str) -> Any:
    from babel import Locale

    return Locale.parse(BABEL_LOCALES.get(code, code))


def room_for(number: Decimal | int, decimals: int = 2) -> AbstractContextManager[Context]:
    """A decimal context in which *number* rounded to *decimals* places can be printed.

    Babel and :meth:`~decimal.Decimal.quantize` round in the current context, whose 28
    digits fail on an amount of 10^26 EUR (``InvalidOperation``). Every formatter of
    numbers and amounts rounds inside this context; the size of numbers is bounded when
    they are read (:func:`~kommunale_integration._parse.check_digits`).

    >>> with room_for(Decimal("1e30")):
    ...     Decimal("1e30").quantize(Decimal("0.01"))
    Decimal('1000000000000000000000000000000.00')
    """
    context = getcontext().copy()
    context.prec = max(context.prec, Decimal(number).adjusted() + 3 + max(decimals, 2))
    return localcontext(context)


def format_number(
    value: Decimal | int, decimals: int | None = None, *, lang: str | None = None
) -> str:
    """*value* with *decimals* places (default: as many as needed, at most 2), grouped.

    The one number formatter of reports and messages.

    >>> format_number(1234567, lang="de"), format_number(Decimal("2.5"), lang="en")
    ('1.234.567', '2.5')
    """
    from babel.numbers import format_decimal

    number = Decimal(value)
    with room_for(number, decimals or 2):
        if decimals is None:
            normal = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
            decimals = max(0, -int(normal.as_tuple().exponent))
        quantum = Decimal(1).scaleb(-decimals)
        rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        text: str = format_decimal(rounded, format=pattern, locale=babel_locale(lang))
    return text


def format_date(value: date, *, lang: str | None = None) -> str:
    """A day as written in *lang*: ``31.12.2016`` (de), ``31 December 2016`` (en).

    The one date formatter of reports and messages.

    >>> format_date(date(2016, 12, 31), lang="de"), format_date(date(2016, 12, 31), lang="en")
    ('31.12.2016', '31 December 2016')
    """
    from babel.dates import format_date as babel_format_date

    code = normalise_language(lang or current_language())
    pattern = "dd.MM.y" if code == "de" else "d MMMM y"
    text: str = babel_format_date(value, format=pattern, locale=babel_locale(code))
    return text


# --------------------------------------------------------------------------- deferred texts


def N_(message: str) -> str:
    """Mark *message* as a ``messages`` id that is translated later (``gettext_noop``).

    For ids kept in a table or an object until a message is made; the catalogue test
    finds them by this mark.
    """
    return message


class Counted:
    """A number with its words (``"{n} day"``, ``"{n} days"``), in the plural form that fits
    when shown: the :func:`ntr` of a value of :class:`Translatable`, which is translated
    only when its message is shown."""

    __slots__ = ("n", "plural", "singular")

    def __init__(self, singular: str, plural: str, n: int, /) -> None:
        self.singular, self.plural, self.n = singular, plural, n

    def __str__(self) -> str:
        return ntr(self.singular, self.plural, self.n)

    def __repr__(self) -> str:
        return f"Counted({self.singular!r}, {self.plural!r}, {self.n!r})"


class Translatable(Exception):
    """An exception whose text is a ``messages`` id and values, translated when shown.

    ``str(error)`` (and :attr:`message`) translate into the language current at that
    moment; a value that is itself :class:`Translatable` is translated with it.
    """

    def __init__(self, message: str, /, **values: Any) -> None:
        super().__init__(message)
        self.message_id = message
        self.values = values

    @property
    def message(self) -> str:
        """The message in the current language, its values filled in."""
        return tr(self.message_id, **self.values)

    def __str__(self) -> str:
        return self.message
