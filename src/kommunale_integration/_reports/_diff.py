"""The Fortschreibung: what changed between two versions of a concept.

Items are matched by id (targets by indicator, territory and period). An item present
only in the new version is *added*, only in the old one *removed*; an item in both whose
attributes differ is *changed*, with one :class:`AttributeChange` per differing
attribute. Measures whose status differs are listed once more as status changes, since
that is what a committee asks about first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

import attrs

from .._io import atomic_write
from .._model import Concept, MeasureStatus, Target
from ._format import Formatter
from ._markdown import tidy_markdown
from ._templates import environment, render

__all__ = ["AttributeChange", "ConceptDiff", "ItemChange", "StatusChangeEntry", "diff_concepts"]

#: Collections compared, in the order they are reported.
COLLECTIONS: tuple[str, ...] = (
    "fields",
    "goals",
    "measures",
    "indicators",
    "actors",
    "offers",
    "networks",
    "funding",
    "legal_bases",
)

_COLLECTION_LABELS = {
    "de": {
        "fields": "Handlungsfelder",
        "goals": "Ziele",
        "measures": "Maßnahmen",
        "indicators": "Kennzahlen",
        "actors": "Akteure",
        "offers": "Angebote",
        "networks": "Netzwerke",
        "funding": "Förderungen",
        "legal_bases": "Rechtsgrundlagen",
        "targets": "Zielwerte",
    },
    "en": {
        "fields": "Fields of action",
        "goals": "Goals",
        "measures": "Measures",
        "indicators": "Indicators",
        "actors": "Actors",
        "offers": "Offers",
        "networks": "Networks",
        "funding": "Funding",
        "legal_bases": "Legal bases",
        "targets": "Targets",
    },
}


@attrs.frozen(kw_only=True)
class AttributeChange:
    """One attribute of an item with its old and new value (as text).

    .. versionadded:: 0.1.0
    """

    attribute: str
    before: str
    after: str


@attrs.frozen(kw_only=True)
class ItemChange:
    """An added, removed or changed item of a collection.

    Attributes:
        collection: ``actors``, ``offers``, ``goals``, ``measures``, ``targets`` …
        id: The item's id (for targets ``indicator/territory/period``).
        name: Its name or title.
        kind: ``added``, ``removed`` or ``changed``.
        attributes: For ``changed``: the attributes that differ.

    .. versionadded:: 0.1.0
    """

    collection: str
    id: str
    name: str
    kind: Literal["added", "removed", "changed"]
    attributes: tuple[AttributeChange, ...] = ()


@attrs.frozen(kw_only=True)
class StatusChangeEntry:
    """A measure whose status differs between the versions.

    .. versionadded:: 0.1.0
    """

    id: str
    title: str
    before: MeasureStatus
    after: MeasureStatus


def _text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | Decimal | int | str | bool):
        return str(value)
    if isinstance(value, tuple):
        return ", ".join(_text(v) for v in value) or "–"
    if attrs.has(type(value)):
        parts = [
            f"{a.name}={_text(getattr(value, a.name))}"
            for a in attrs.fields(type(value))
            if getattr(value, a.name) not in (None, (), False) and not a.name.startswith("_")
        ]
        return f"{type(value).__name__}({', '.join(parts)})"
    return str(value)


def _attribute_changes(old: Any, new: Any) -> tuple[AttributeChange, ...]:
    changes: list[AttributeChange] = []
    for field in attrs.fields(type(new)):
        if field.name.startswith("_"):
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if before != after:
            changes.append(
                AttributeChange(attribute=field.name, before=_text(before), after=_text(after))
            )
    return tuple(changes)


def _name(item: Any) -> str:
    if isinstance(item, Target):
        return _target_key(item)
    for attribute in ("name", "title", "programme", "text"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return value
    return str(item.id)


def _target_key(target: Target) -> str:
    return f"{target.indicator}/{target.territory}/{target.period}"


def _compare(
    collection: str, old: Iterable[Any], new: Iterable[Any], key: Any = None
) -> list[ItemChange]:
    key = key or (lambda item: item.id)
    before = {key(item): item for item in old}
    after = {key(item): item for item in new}
    found: list[ItemChange] = []
    for ident, item in after.items():
        previous = before.get(ident)
        if previous is None:
            found.append(
                ItemChange(collection=collection, id=ident, name=_name(item), kind="added")
            )
        elif previous != item:
            found.append(
                ItemChange(
                    collection=collection,
                    id=ident,
                    name=_name(item),
                    kind="changed",
                    attributes=_attribute_changes(previous, item),
                )
            )
    found.extend(
        ItemChange(collection=collection, id=ident, name=_name(item), kind="removed")
        for ident, item in before.items()
        if ident not in after
    )
    return found


@attrs.frozen(kw_only=True)
class ConceptDiff:
    """The changes between two versions of a concept (Fortschreibung).

    Render it with :meth:`to_text`, :meth:`to_markdown` or :meth:`to_html`.

    Attributes:
        old_version: The old concept's ``version``.
        new_version: The new concept's ``version``.
        old_title: The old concept's title.
        new_title: The new concept's title.
        changes: Added, removed and changed items, by collection.
        status_changes: Measures whose status differs.

    .. versionadded:: 0.1.0
    """

    old_version: str
    new_version: str
    old_title: str
    new_title: str
    changes: tuple[ItemChange, ...]
    status_changes: tuple[StatusChangeEntry, ...]

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not self.changes

    def of(self, collection: str, kind: str | None = None) -> tuple[ItemChange, ...]:
        """The changes of *collection*, optionally only of one *kind*."""
        return tuple(
            c for c in self.changes if c.collection == collection and kind in (None, c.kind)
        )

    def sections(self, lang: str = "de") -> list[tuple[str, str, tuple[ItemChange, ...]]]:
        """``(collection, label, changes)`` for every collection with changes."""
        labels = _COLLECTION_LABELS[Formatter(lang).lang]
        return [
            (name, labels[name], self.of(name))
            for name in (*COLLECTIONS, "targets")
            if self.of(name)
        ]

    def to_text(self, lang: str = "de") -> str:
        """Plain text, one line per change (for a terminal or an e-mail)."""
        fmt = Formatter(lang)
        lines = [fmt.t("diff_title", old=self.old_version, new=self.new_version), ""]
        if self.empty:
            lines.append(fmt.t("no_changes"))
        if self.status_changes:
            lines.append(fmt.t("status_change") + ":")
            lines.extend(
                f"  {s.title}: {fmt.status(s.before)} → {fmt.status(s.after)}"
                for s in self.status_changes
            )
            lines.append("")
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for _, label, changes in self.sections(fmt.lang):
            lines.append(f"{label}:")
            for change in changes:
                lines.append(f"  {marks[change.kind]} {change.name} ({fmt.t(change.kind)})")
                lines.extend(
                    f"      {a.attribute}: {a.before} → {a.after}" for a in change.attributes
                )
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def _render(self, kind: str, lang: str, templates: str | os.PathLike[str] | None) -> str:
        fmt = Formatter(lang)
        env = environment(kind, fmt, templates)
        title = fmt.t("diff_title", old=self.old_version, new=self.new_version)
        return render(
            env,
            f"diff.{kind}.j2",
            diff=self,
            sections=self.sections(fmt.lang),
            title=title,
            running_header=title,
        )

    def to_markdown(
        self, lang: str = "de", *, templates: str | os.PathLike[str] | None = None
    ) -> str:
        """Markdown with one table per collection."""
        return tidy_markdown(self._render("md", lang, templates))

    def to_html(self, lang: str = "de", *, templates: str | os.PathLike[str] | None = None) -> str:
        """One self-contained HTML page."""
        return self._render("html", lang, templates)

    def write(
        self,
        output: str | os.PathLike[str],
        *,
        format: Literal["text", "md", "html"] = "text",
        lang: str = "de",
    ) -> None:
        """Write the diff to *output* atomically in *format*."""
        renderers = {"text": self.to_text, "md": self.to_markdown, "html": self.to_html}
        atomic_write(output, renderers[format](lang))


def diff_concepts(old: Concept, new: Concept) -> ConceptDiff:
    """Compare two versions of a concept (Fortschreibung).

    Args:
        old: The earlier version.
        new: The revised version.

    Returns:
        The :class:`ConceptDiff`: added, removed and changed actors, offers, goals,
        measures (with status changes), indicators, targets and more.

    Example:
        >>> old = ki.Concept(id="k", title="Konzept", territory="05558", version="1")
        >>> new = old.evolve(version="2", actors=[ki.Actor(id="vhs", name="VHS")])
        >>> print(ki.diff_concepts(old, new).to_text(), end="")
        Fortschreibung: Änderungen von Version 1 zu Version 2
        <BLANKLINE>
        Akteure:
          + VHS (hinzugefügt)

    .. versionadded:: 0.1.0
    """
    changes: list[ItemChange] = []
    for collection in COLLECTIONS:
        changes.extend(_compare(collection, getattr(old, collection), getattr(new, collection)))
    changes.extend(_compare("targets", old.targets, new.targets, key=_target_key))
    status_changes = _status_changes(old.measures, new.measures)
    return ConceptDiff(
        old_version=old.version,
        new_version=new.version,
        old_title=old.title,
        new_title=new.title,
        changes=tuple(changes),
        status_changes=status_changes,
    )


def _status_changes(old: Sequence[Any], new: Sequence[Any]) -> tuple[StatusChangeEntry, ...]:
    before = {m.id: m for m in old}
    return tuple(
        StatusChangeEntry(id=m.id, title=m.title, before=before[m.id].status, after=m.status)
        for m in new
        if m.id in before and before[m.id].status != m.status
    )
