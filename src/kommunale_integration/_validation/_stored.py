"""Rules for values the model stores as plain text: schedules, languages, catalogue
codes and indicator expressions.

The model keeps these values as strings so that a concept with a mistake still loads;
these rules say what is wrong with them, in one pass with everything else:

* ``invalid-schedule`` — an offer's ``schedule`` is not an RFC 5545 RRULE (checked with
  the one rule parser of :mod:`kommunale_integration._schedule`; network meeting rules
  are checked when they are read);
* ``invalid-language`` — a language is not an ISO 639 / BCP 47 tag; a language written as
  a name (``deutsch``) gets the code as a hint;
* ``unknown-category`` and ``unknown-target-group`` — codes that are not in the actor
  category or target group catalogue;
* ``invalid-expression`` and ``unknown-data-element`` — an indicator expression the
  engine refuses, or one that uses a data element without values.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import ClassVar

from .._catalogues import Catalogue, shipped_catalogue
from .._errors import Finding, InvalidValueError, Severity
from .._languages import is_language_tag, language_name, suggest_language_tag
from .._schedule import parse_rrule
from ._base import BuiltinRule, ValidationContext, subject
from ._messages import quote

__all__ = ["CatalogueRule", "ExpressionRule", "LanguageRule", "ScheduleRule", "data_elements"]

ERROR, WARNING = Severity.ERROR, Severity.WARNING


class ScheduleRule(BuiltinRule):
    """An offer's schedule is a valid RFC 5545 RRULE (``invalid-schedule``)."""

    name: ClassVar[str] = "schedules"
    codes: ClassVar[Mapping[str, Severity]] = {"invalid-schedule": ERROR}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        for index, offer in enumerate(context.concept.offers):
            if not offer.schedule:
                continue
            try:
                parse_rrule(offer.schedule, offer.valid_from or context.today)
            except InvalidValueError:
                yield self.emit(
                    context,
                    "invalid-schedule",
                    f"offers[{index}].schedule",
                    subject=subject(context, "offers", index),
                    value=offer.schedule,
                )


class LanguageRule(BuiltinRule):
    """Languages are ISO 639 / BCP 47 tags (``invalid-language``), with a repair hint."""

    name: ClassVar[str] = "languages"
    codes: ClassVar[Mapping[str, Severity]] = {"invalid-language": ERROR}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        lang = context.lang
        for index, offer in enumerate(context.concept.offers):
            for position, value in enumerate(offer.languages):
                if is_language_tag(value):
                    continue
                code = suggest_language_tag(value)
                yield self.emit(
                    context,
                    "invalid-language",
                    f"offers[{index}].languages[{position}]",
                    key="invalid-language/hint" if code else None,
                    subject=subject(context, "offers", index),
                    value=value,
                    tag=code or "",
                    name=language_name(code, lang) if code else "",
                )


def _close(value: str, known: frozenset[str]) -> str:
    found = difflib.get_close_matches(value, sorted(known), n=1)
    return found[0] if found else ""


class CatalogueRule(BuiltinRule):
    """Actor categories and target groups are codes of the catalogues in use.

    The catalogues are the shipped ones (``actor_categories``, ``target_groups``); a
    code outside them is shown as it is in reports and directories, without a label.
    """

    name: ClassVar[str] = "catalogue-codes"
    codes: ClassVar[Mapping[str, Severity]] = {
        "unknown-category": WARNING,
        "unknown-target-group": WARNING,
    }

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        concept = context.concept
        categories = shipped_catalogue("actor_categories")
        groups = shipped_catalogue("target_groups")
        for index, actor in enumerate(concept.actors):
            if actor.category not in categories:
                yield self._unknown(
                    context,
                    "unknown-category",
                    at=("actors", index, ".category"),
                    value=actor.category,
                    known=categories,
                )
        for collection in ("actors", "offers"):
            for index, item in enumerate(getattr(concept, collection)):
                for position, code in enumerate(item.target_groups):
                    if code not in groups:
                        yield self._unknown(
                            context,
                            "unknown-target-group",
                            at=(collection, index, f".target_groups[{position}]"),
                            value=code,
                            known=groups,
                        )

    def _unknown(
        self,
        context: ValidationContext,
        code: str,
        *,
        at: tuple[str, int, str],
        value: str,
        known: Catalogue,
    ) -> Finding:
        collection, index, suffix = at
        # The German name a newcomer writes ("Wohlfahrtsverband") means its code.
        close = known.code_of(value) or _close(value, known.codes)
        return self.emit(
            context,
            code,
            f"{collection}[{index}]{suffix}",
            key=f"{code}/hint" if close else None,
            subject=subject(context, collection, index),
            value=value,
            close=close,
        )


def data_elements(context: ValidationContext) -> frozenset[str]:
    """The names the indicator expressions of the concept use (Datenelemente)."""
    from .._engine.expressions import ExpressionError, parse_expression

    names: set[str] = set()
    for indicator in context.concept.indicators:
        for term in (indicator.numerator, indicator.denominator):
            if isinstance(term, str):
                try:
                    names.update(parse_expression(term).names)
                except ExpressionError:
                    continue
    return frozenset(names)


class ExpressionRule(BuiltinRule):
    """Indicator expressions parse with the engine's parser and name known data elements.

    ``invalid-expression``: anything but names, numbers, ``+ - * /``, unary minus and
    parentheses (``x ** 2``), or a syntax error. ``unknown-data-element``: a name without
    values (observations) in the concept, which the engine refuses to compute.
    """

    name: ClassVar[str] = "expressions"
    codes: ClassVar[Mapping[str, Severity]] = {
        "invalid-expression": ERROR,
        "unknown-data-element": WARNING,
    }

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        from .._engine.expressions import ExpressionError, parse_expression
        from .._territories import POPULATION

        concept = context.concept
        # The population comes from the Gemeindeverzeichnis (or the concept's figures).
        with_values = {obs.indicator for obs in concept.observations} | {POPULATION}
        for index, indicator in enumerate(concept.indicators):
            for part in ("numerator", "denominator"):
                term = getattr(indicator, part)
                if not isinstance(term, str):
                    continue
                path = f"indicators[{index}].{part}"
                try:
                    expression = parse_expression(term)
                except ExpressionError:
                    yield self.emit(
                        context,
                        "invalid-expression",
                        path,
                        subject=subject(context, "indicators", index),
                        expression=term,
                    )
                    continue
                for name in expression.names:
                    if name not in with_values:
                        yield self.emit(
                            context,
                            "unknown-data-element",
                            path,
                            subject=subject(context, "indicators", index),
                            expression=term,
                            element=quote(name, context.lang),
                        )
