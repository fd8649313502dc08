"""Language codes of offers (Sprachen): ISO 639 / BCP 47 tags and their names.

Offers list the languages they are held in as language tags: an ISO 639 code (``de``,
``ar``, ``uk``, ``prs``), optionally with a script and a region (``sr-Latn``,
``pt-BR``), as BCP 47 writes them. The names come from the Unicode CLDR data of Babel
(a core dependency), loaded on first use.

This module is the one place that decides whether a text is a language tag and what the
language is called; validation, the Fortschreibung and the reports use it.
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = ["is_language_tag", "language_name", "suggest_language_tag"]

_TAG: Final = re.compile(
    r"(?P<primary>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|\d{3}))?",
    re.IGNORECASE,
)


@functools.cache
def _names(lang: str) -> dict[str, str]:
    """ISO 639 code -> language name in *lang* (any CLDR locale; English if unknown)."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return {
        code: name for code, name in locale.languages.items() if re.fullmatch(r"[a-z]{2,3}", code)
    }


@functools.cache
def _by_name() -> dict[str, str]:
    """Lower-case German or English language name -> ISO 639 code."""
    found: dict[str, str] = {}
    for lang in ("en", "de"):
        for code, name in _names(lang).items():
            found.setdefault(name.casefold(), code)
    return found


def is_language_tag(text: str) -> bool:
    """Whether *text* is a language tag: a known ISO 639 code, optionally ``-Script`` and
    ``-REGION`` (``de``, ``ar``, ``sr-Latn``, ``pt-BR``, ``es-419``).

    Example:
        >>> is_language_tag("uk"), is_language_tag("deutsch"), is_language_tag("xx")
        (True, False, False)

    .. versionadded:: 0.1.0
    """
    match = _TAG.fullmatch(text)
    return match is not None and match["primary"].lower() in _names("en")


def suggest_language_tag(text: str) -> str | None:
    """The code meant by a language written as a name (``deutsch`` → ``de``), or ``None``.

    German and English names are recognised, in any case (``Arabisch``, ``english``).

    .. versionadded:: 0.1.0
    """
    key = text.strip().casefold()
    code = _by_name().get(key)
    if code is None and _TAG.fullmatch(key) and key.split("-")[0] in _names("en"):
        return key.split("-")[0]  # a known code in the wrong case or with a bad suffix
    return code


def language_name(tag: str, lang: str = "de") -> str:
    """The name of the language *tag* in *lang* (``de`` → ``Deutsch`` / ``German``).

    *lang* is any language of the CLDR (``uk``, ``ar`` …): the reports, the Fortschreibung,
    validation and the Wegweiser all name languages through this function.

    A tag with script or region is named by its language; an unknown tag is returned
    as it is.

    .. versionadded:: 0.1.0
    """
    match = _TAG.fullmatch(tag)
    if match is None:
        return tag
    return _names(lang).get(match["primary"].lower(), tag)
