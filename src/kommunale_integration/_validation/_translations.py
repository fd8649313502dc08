"""Offers lacking translations into the languages the concept publishes in.

A concept declares the languages besides German in which its Wegweiser is published
(``Concept.languages``, e.g. ``[ar, uk, ti]``). An offer lacks a translation into one of
them when a text it has in German — its name, description, access conditions
(``eligibility.note``), times in words or cost note — has no text in that language
(:class:`~kommunale_integration.Translation`). The Wegweiser then shows the German text
with a marker; ``missing-translation`` names the offer, the languages and the texts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from .._errors import Finding, Severity
from .._languages import language_name
from .._model import Offer
from ._base import BuiltinRule, ValidationContext, subject

__all__ = ["TranslationRule", "missing_translations"]

#: The German texts of an offer and the field of its Translation that carries them.
_TEXTS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("description", "description"),
    ("eligibility", "eligibility"),
    ("schedule_note", "schedule_note"),
    ("cost_note", "cost_note"),
)


def _german(offer: Offer, field: str) -> str | None:
    if field == "eligibility":
        return offer.eligibility.note
    value: str | None = getattr(offer, field)
    return value


def missing_translations(offer: Offer, languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """``{language: fields without a translation}`` of *offer* for *languages*.

    German (``de``) is the language of the data and never missing.
    """
    missing: dict[str, tuple[str, ...]] = {}
    for lang in languages:
        if lang == "de":
            continue
        text = offer.translation(lang)
        fields = tuple(
            field for field, target in _TEXTS if _german(offer, field) and not getattr(text, target)
        )
        if fields:
            missing[lang] = fields
    return missing


_FIELD_NAMES = {
    "de": {
        "name": "Name",
        "description": "Beschreibung",
        "eligibility": "Zugang",
        "schedule_note": "Zeiten",
        "cost_note": "Kostenhinweis",
    },
    "en": {
        "name": "name",
        "description": "description",
        "eligibility": "access conditions",
        "schedule_note": "times",
        "cost_note": "cost note",
    },
}


class TranslationRule(BuiltinRule):
    """Offers have their texts in every language of ``Concept.languages``."""

    name: ClassVar[str] = "translations"
    codes: ClassVar[Mapping[str, Severity]] = {"missing-translation": Severity.WARNING}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        languages = context.concept.languages
        if not languages:
            return
        names = _FIELD_NAMES["en" if context.lang == "en" else "de"]
        for index, offer in enumerate(context.concept.offers):
            missing = missing_translations(offer, languages)
            if not missing:
                continue
            parts = [
                f"{language_name(lang, context.lang)} ({', '.join(names[f] for f in fields)})"
                for lang, fields in missing.items()
            ]
            yield self.emit(
                context,
                "missing-translation",
                f"offers[{index}].translations",
                subject=subject(context, "offers", index),
                missing="; ".join(parts),
            )
