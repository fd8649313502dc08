"""Texts and formats of the Wegweiser in the newcomers' languages.

The interface texts come from the gettext domain ``wegweiser``
(``locale/<lang>/LC_MESSAGES/wegweiser.po``, read through :mod:`kommunale_integration._i18n`;
message ids are English). Numbers, money, dates, times, weekday names, lists and
language names come from Babel's CLDR data for the page language, and the writing
direction (``rtl`` for Arabic and Persian) from CLDR's character order.

Labels of the default catalogues (fields of action, target groups, actor categories) are
translated through the same domain with their English label as message id; German and
English use the catalogue itself. A text that has no translation is shown in German
with a visible marker (:class:`Text`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any, Final

import attrs
from markupsafe import Markup, escape

from .._catalogues import CatalogueEntry, shipped_catalogue
from .._i18n import Translations, available_languages, room_for, translations

__all__ = [
    "WEGWEISER_LANGUAGES",
    "Text",
    "WegweiserText",
    "rule_days",
    "wegweiser_languages",
]

#: The interface languages shipped with the package, in the order of the switcher.
WEGWEISER_LANGUAGES: Final = ("de", "en", "ar", "fa", "uk", "ru", "tr", "ti")

_DOMAIN: Final = "wegweiser"
_SOURCE: Final = "de"  # the language the data is written in
_DAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_EMPTY: Final = Markup("")

#: Weekly days as adverbs ("donnerstags"); CLDR has no such form.
_ON_DAYS: Final = (
    "on Mondays",
    "on Tuesdays",
    "on Wednesdays",
    "on Thursdays",
    "on Fridays",
    "on Saturdays",
    "on Sundays",
)
_MONTHLY: Final = {
    1: "on the first {weekday} of the month",
    2: "on the second {weekday} of the month",
    3: "on the third {weekday} of the month",
    4: "on the fourth {weekday} of the month",
    -1: "on the last {weekday} of the month",
}
#: Legal bases (Rechtskreise) in plain words.
_LEGAL_PLAIN: Final = {
    "AsylbLG": "for people who receive benefits under the Asylum Seekers' Benefits Act",
    "SGB II": "for people who receive citizen's benefit (Bürgergeld) from the Jobcenter",
    "SGB III": "for people registered with the employment agency (Agentur für Arbeit)",
    "SGB VIII": "for children, young people and families (child and youth services)",
    "SGB XII": "for people who receive social assistance (Sozialhilfe)",
    "AufenthG": "depends on your residence permit (Residence Act)",
}


def wegweiser_languages() -> tuple[str, ...]:
    """The languages the Wegweiser can be built in: the shipped ones and any other
    language with a ``wegweiser.po`` catalogue, German first."""
    found = set(available_languages(_DOMAIN)) | set(WEGWEISER_LANGUAGES)
    ordered = [code for code in WEGWEISER_LANGUAGES if code in found]
    return (*ordered, *sorted(found - set(ordered)))


@attrs.frozen
class Text:
    """A content text on a page: in the page language, or the German original.

    ``missing`` is true when the page language has no translation and ``value`` is
    the German text; the page then marks it as German.
    """

    value: str
    missing: bool = False

    def __str__(self) -> str:
        return self.value


@functools.lru_cache(maxsize=1 << 16)
def _german(text: str) -> Text:
    """*text* as German (made once: a directory shows it in every language)."""
    return Text(text)


@functools.lru_cache(maxsize=1 << 16)
def _marked(text: str) -> Text:
    """*text* as German in a page of another language."""
    return Text(text, missing=True)


_catalogue = shipped_catalogue


@functools.cache
def _entry(catalogue: str, code: str) -> CatalogueEntry | None:
    """The entry of *code* (looked up once: a directory asks for it thousands of times)."""
    return _catalogue(catalogue).get(code)


class WegweiserText:
    """Texts and formats for one page language.

    Args:
        lang: An ISO 639 code; the interface texts come from its ``wegweiser``
            catalogue (English message ids when there is none).
    """

    def __init__(self, lang: str) -> None:
        from babel import Locale, UnknownLocaleError

        self.lang = lang
        try:
            self.locale = Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            self.locale = Locale.parse("en")
        self.dir = "rtl" if self.locale.character_order == "right-to-left" else "ltr"
        self._catalog: Translations = translations(lang, _DOMAIN)
        self.untranslated_note = self.t("(in German)")
        self._note_html = Markup('<span class="untranslated">{0}</span>').format(
            self.untranslated_note
        )
        # A directory formats the same few dates, lists and amounts thousands of times.
        self._dates: dict[date, str] = {}
        self._lists: dict[tuple[str, ...], str] = {}
        self._shown: dict[str, Markup] = {}  # German texts shown with the marker
        self._shown_lists: dict[tuple[Text | str, ...], Markup] = {}

    # ------------------------------------------------------------------ texts

    def t(self, message: str, **values: Any) -> str:
        """The interface text *message* (English id) in the page language."""
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def nt(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The plural form for *n* (``{n}`` is filled in, formatted)."""
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def content(self, german: str, translated: str | None) -> Text:
        """A content text: the translation, German for German pages, else German marked."""
        if self.lang == _SOURCE:
            return _german(german)
        if translated:
            return Text(translated)
        return _marked(german)

    def show(self, text: Text | str | None) -> Markup:
        """HTML for a content text: a German fallback is marked and carries ``lang="de"``."""
        if text is None:
            return _EMPTY
        if not isinstance(text, Text):
            return escape(text)
        if text.missing:
            found = self._shown.get(text.value)
            if found is None:
                # both parts escaped (Markup.format is slow for thousands of texts)
                found = self._shown[text.value] = Markup(  # noqa: S704
                    f'<span lang="de" dir="ltr">{escape(text.value)}</span> {self._note_html}'
                )
            return found
        return escape(text.value)

    def show_list(self, texts: Sequence[Text | str]) -> Markup:
        """HTML for several content texts, comma-separated (``Kinder, Familien``)."""
        key = tuple(texts)
        found = self._shown_lists.get(key)
        if found is None:
            found = self._shown_lists[key] = Markup(", ").join(self.show(t) for t in key)
        return found

    def label(self, catalogue: str, code: str) -> Text:
        """The label of *code* in a default catalogue, translated (German marked if not)."""
        entry = _entry(catalogue, code)
        if entry is None:
            return self.content(code, None) if self.lang != "en" else Text(code)
        if self.lang == _SOURCE:
            return Text(entry.de)
        if self.lang == "en":
            return Text(entry.en)
        if self._catalog.has(entry.en):
            return Text(self._catalog.gettext(entry.en))
        return Text(entry.de, missing=True)

    def legal_basis(self, code: str) -> str:
        """A legal basis in plain words, with its code (``AsylbLG``)."""
        plain = _LEGAL_PLAIN.get(code)
        return f"{self.t(plain)} ({code})" if plain else code

    def language(self, code: str) -> str:
        """The name of a language in the page language (``ar`` → ``Arabisch``)."""
        from .._languages import language_name

        return language_name(code, self.lang)

    def autonym(self, code: str) -> str:
        """The name of a language in itself (``ar`` → ``العربية``)."""
        from babel import Locale, UnknownLocaleError

        try:
            name = Locale.parse(code).get_display_name(code)
        except (UnknownLocaleError, ValueError):
            return code
        return name or code

    def join(self, items: Sequence[str]) -> str:
        """``a, b und c`` in the page language."""
        from babel.lists import format_list

        if not items:
            return ""
        key = tuple(items)
        found = self._lists.get(key)
        if found is None:
            found = self._lists[key] = format_list(list(items), locale=self.locale)
        return found

    # ------------------------------------------------------------------ numbers

    def number(self, value: int | Decimal) -> str:
        """A number in the page language."""
        from babel.numbers import format_decimal

        with room_for(value):
            text: str = format_decimal(value, locale=self.locale)
        return text

    def money(self, value: Decimal) -> str:
        """An amount in euros in the page language."""
        from babel.numbers import format_currency

        with room_for(value):
            text: str = format_currency(value, "EUR", locale=self.locale)
        return text

    def date(self, value: date) -> str:
        """A date in the page language (CLDR medium format)."""
        found = self._dates.get(value)
        if found is None:
            from babel.dates import format_date

            found = self._dates[value] = format_date(value, "medium", locale=self.locale)
        return found

    def times(self, start: time, end: time | None) -> str:
        """``16–18 Uhr`` or ``09:30–12:00 Uhr`` (CLDR interval formats)."""
        from babel.dates import format_interval, format_time

        if end is None:
            text: str = format_time(start, "short", locale=self.locale)
            return text
        if not start.minute and not end.minute:
            hours: str = format_interval(start, end, "H", locale=self.locale)
            if any(char.isalpha() for char in hours):  # "16–18 Uhr", "16–18 год"
                return re.sub(r"(?<!\d)0(\d)(?!\d)", r"\1", hours)  # 9–11 Uhr, not 09–11
        text = format_interval(start, end, "Hm", locale=self.locale)
        return text

    # ------------------------------------------------------------------ schedules

    def weekday(self, code: str) -> str:
        """The name of a weekday (``TH`` → ``Donnerstag``)."""
        names: dict[int, str] = self.locale.days["stand-alone"]["wide"]
        return names[_DAYS.index(code)]

    def schedule(self, rule: str | None, start: time | None, end: time | None) -> str | None:
        """A weekly or monthly RRULE and its times in words, or ``None`` if it cannot be said.

        ``FREQ=WEEKLY;BYDAY=TH`` with 16:00–18:00 is ``donnerstags 16–18 Uhr``;
        ``FREQ=MONTHLY;BYDAY=FR;BYSETPOS=1`` is ``jeden ersten Freitag im Monat``.
        """
        days = self._rule_words(rule) if rule else None
        if days is None:
            return None
        if start is None:
            return days
        return self.t("{days} {time}", days=days, time=self.times(start, end))

    def _rule_words(self, rule: str) -> str | None:
        parts = _rule_parts(rule)
        if parts is None:
            return None
        freq, interval, days, position = parts
        if freq == "DAILY" and interval == 1 and not days:
            return self.t("daily")
        if freq == "WEEKLY" and days and position is None:
            words = self.join([self.t(_ON_DAYS[_DAYS.index(d)]) for d in days])
            if interval == 1:
                return words
            if interval == 2:
                return self.t("every other week: {days}", days=words)
            return None
        if freq == "MONTHLY" and interval == 1 and len(days) == 1 and position in _MONTHLY:
            return self.t(_MONTHLY[position], weekday=self.weekday(days[0]))
        return None


def _rule_parts(rule: str) -> tuple[str, int, tuple[str, ...], int | None] | None:
    """``(FREQ, INTERVAL, BYDAY days, position)`` of a simple rule, else ``None``.

    A position comes from ``BYSETPOS`` or a prefixed day (``BYDAY=1FR``, ``-1FR``).
    """
    values: dict[str, str] = {}
    for part in rule.strip().removeprefix("RRULE:").split(";"):
        name, _, value = part.partition("=")
        values[name.strip().upper()] = value.strip().upper()
    known = {"FREQ", "INTERVAL", "BYDAY", "BYSETPOS", "WKST", "UNTIL", "COUNT"}
    if set(values) - known or "FREQ" not in values:
        return None
    try:
        interval = int(values.get("INTERVAL", "1"))
        position = int(values["BYSETPOS"]) if "BYSETPOS" in values else None
    except ValueError:
        return None
    days: list[str] = []
    for item in filter(None, values.get("BYDAY", "").split(",")):
        day, prefix = item[-2:], item[:-2]
        if day not in _DAYS:
            return None
        if prefix:
            try:
                number = int(prefix)
            except ValueError:
                return None
            if position not in (None, number):
                return None
            position = number
        days.append(day)
    ordered = tuple(d for d in _DAYS if d in days)
    return values["FREQ"], interval, ordered, position


def rule_days(rule: str | None) -> tuple[str, ...]:
    """The weekdays (``MO`` … ``SU``) on which a rule takes place, for the day filter.

    Daily rules give every day; rules that do not name days give none.
    """
    if not rule:
        return ()
    parts = _rule_parts(rule)
    if parts is None:
        return ()
    freq, _interval, days, _position = parts
    if freq == "DAILY" and not days:
        return _DAYS
    return days
