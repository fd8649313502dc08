"""The rule protocol, the validation context and the base class of the built-in rules."""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs

from .._errors import Finding, KommunaleIntegrationError, Location, Severity
from .._model import Concept
from .._periods import ReportPeriod
from .._territories import TerritoryCatalogue
from ._messages import label, quote, templates

__all__ = [
    "BuiltinRule",
    "Rule",
    "ValidationConfigError",
    "ValidationContext",
    "subject",
    "subject_key",
    "territory_name",
]

_HEAD = re.compile(r"([a-z_]+)\[(\d+)\]")


def subject_key(concept: Concept, path: str) -> str:
    """What the item at *path* is, independent of its position in the files.

    ``offers[3].languages[1]`` → the offer's id; a territory → its AGS; a value, target
    or baseline → ``indicator/territory/period``; a path outside the collections
    (``adopted``) → ``concept``.
    """
    match = _HEAD.match(path)
    items = getattr(concept, match[1], None) if match else None
    if match is None or not isinstance(items, tuple) or int(match[2]) >= len(items):
        return "concept"
    item = items[int(match[2])]
    for name in ("id", "ags", "term", "short"):
        value = getattr(item, name, None)
        if isinstance(value, str):
            return value
    if match[1] in ("targets", "baselines", "observations"):
        return f"{item.indicator}/{item.territory}/{item.period}"
    return f"{match[1]}[{match[2]}]"


class ValidationConfigError(KommunaleIntegrationError, ValueError):
    """Validation was set up wrongly: an unknown profile or code, or a broken rule.

    .. versionadded:: 0.1.0
    """


@runtime_checkable
class Rule(Protocol):
    """A validation rule (Prüfregel): a callable that declares the codes it can emit.

    Any object with these attributes is a rule; the built-in rules are small classes.
    A plain callable ``(concept) -> Iterable[Finding]`` is accepted by
    :func:`~kommunale_integration.validate` as well, but cannot declare its codes.

    Attributes:
        name: Short name of the rule, e.g. ``references``.
        codes: The finding codes the rule can emit, with their default severity.

    .. versionadded:: 0.1.0
    """

    @property
    def name(self) -> str:
        """Short name of the rule."""
        ...

    @property
    def codes(self) -> Mapping[str, Severity]:
        """The codes the rule can emit, with their default severity."""
        ...

    def __call__(self, context: ValidationContext) -> Iterable[Finding]:
        """Yield the findings of this rule for ``context.concept``."""
        ...


@attrs.define(kw_only=True)
class ValidationContext:
    """Everything a rule may look at during one validation run (Prüfkontext).

    Attributes:
        concept: The :class:`~kommunale_integration.Concept` being validated.
        profile: Name of the validation profile (``konzept`` or ``steuerung``).
        today: The reference day for currency and "current" offers.
        period: The report period for the completeness check, if any.
        stale_months: Months after which an unverified entry is stale (default 12).
        lang: Language of the messages, ``de`` or ``en``.
        computed: ``(indicator, territory)`` cells of the period that the indicator
            engine computed from the case export (territory ``all`` or an AGS); the
            completeness check counts them as present.
        catalogue: The territory catalogue to check AGS against (``None``: the
            Gemeindeverzeichnis shipped with the library).

    .. versionadded:: 0.1.0
    """

    concept: Concept
    profile: str
    today: date
    period: ReportPeriod | None = None
    stale_months: int = 12
    lang: str = "de"
    computed: frozenset[tuple[str, str]] = frozenset()
    catalogue: TerritoryCatalogue | None = None
    _positions: dict[str, dict[str, int]] = attrs.field(factory=dict, alias="_positions")
    _templates: Mapping[str, str] = attrs.field(init=False, alias="_templates")

    def __attrs_post_init__(self) -> None:
        self._templates = templates(self.lang)

    def position(self, collection: str, id: str) -> int | None:
        """Return the index of the first item *id* in *collection*, or ``None``."""
        table = self._positions.get(collection)
        if table is None:
            table = {}
            for index, item in enumerate(getattr(self.concept, collection)):
                table.setdefault(item.ags if collection == "territories" else item.id, index)
            self._positions[collection] = table
        return table.get(id)

    def locate(self, path: str) -> Location:
        """Return the location of *path* (file, row and column when the loader knew them)."""
        if not self.concept.sources:
            return Location(path=path)  # nothing recorded: skip the prefix search
        return self.concept.locate(path)

    def message(self, key: str, **params: Any) -> str:
        """Render the message template *key* in the context's language."""
        return self._templates[key].format_map(params)

    def message_template(self, key: str) -> str:
        """Return the message template *key* in the context's language."""
        return self._templates[key]

    def format_date(self, day: date | None) -> str:
        """Format a date for a message (``31.12.2026`` in German, ISO in English)."""
        if day is None:
            return "offen" if self.lang == "de" else "open"
        return day.strftime("%d.%m.%Y") if self.lang == "de" else day.isoformat()

    def format_span(self, start: date | None, end: date | None) -> str:
        """Format a span of dates for a message."""
        return f"{self.format_date(start)} – {self.format_date(end)}"


class BuiltinRule(abc.ABC):
    """Base class of the built-in rules: emits findings from the message table.

    Subclasses set :attr:`name` and :attr:`codes` and implement :meth:`check`.
    """

    name: ClassVar[str] = ""
    codes: ClassVar[Mapping[str, Severity]] = {}

    def __call__(self, context: ValidationContext) -> Iterable[Finding]:
        return self.check(context)

    @abc.abstractmethod
    def check(self, context: ValidationContext) -> Iterable[Finding]:
        """Yield the findings for ``context.concept``."""

    def emit(
        self,
        context: ValidationContext,
        code: str,
        path: str,
        *,
        key: str | None = None,
        about: str | None = None,
        **params: Any,
    ) -> Finding:
        """Build a finding with *code* at *path*; the message comes from the table.

        The finding's subject is *about*, or else what :func:`subject_key` makes of
        *path*.
        """
        return Finding(
            code=code,
            severity=self.codes[code],
            message=context.message(key or code, **params),
            location=context.locate(path),
            subject=about or subject_key(context.concept, path),
        )

    def __repr__(self) -> str:
        return f"<rule {self.name}: {', '.join(self.codes)}>"


def subject(context: ValidationContext, collection: str, index: int) -> str:
    """Name an item for the start of a message: ``Angebot „sprachcafe“``."""
    item = getattr(context.concept, collection)[index]
    lang = context.lang
    word = label(collection, lang)
    word = word[0].upper() + word[1:]
    if collection == "territories":
        return f"{word} {quote(item.name, lang)} ({item.ags})"
    if collection in ("targets", "baselines", "observations"):
        return f"{word} {quote(item.indicator, lang)} ({item.territory}, {item.period})"
    return f"{word} {quote(item.id, lang)}"


def territory_name(concept: Concept, ags: str) -> str:
    """The name of a territory, or its AGS when it is unknown."""
    found = concept.territory_of(ags)
    return found.name if found is not None else ags


def territory_label(concept: Concept, ags: str) -> str:
    """A territory's name with its AGS (``Billerbeck (05558008)``), or its AGS alone
    when the concept does not list it (not ``05566 (05566)``)."""
    found = concept.territory_of(ags)
    return f"{found.name} ({ags})" if found is not None else ags
