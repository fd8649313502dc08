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

from .._catalogues import Catalogue, shipped_catalogue
from .._io import atomic_write
from .._model import AcceptedFinding, Baseline, Concept, MeasureStatus, Observation, Target
from ._format import Formatter
from ._labels import attribute_label, collection_label
from ._markdown import tidy_markdown
from ._templates import environment, render

__all__ = ["AttributeChange", "ConceptDiff", "ItemChange", "StatusChangeEntry", "diff_concepts"]

#: Collections compared, in the order they are reported: every collection of the concept.
COLLECTIONS: tuple[str, ...] = (
    "territories",
    "decisions",
    "fields",
    "goals",
    "measures",
    "indicators",
    "actors",
    "offers",
    "networks",
    "meetings",
    "funding",
    "legal_bases",
    "baselines",
    "observations",
    "glossary",
    "abbreviations",
    "accepted_findings",
)

#: Attributes of the concept itself that are not compared as such (``version`` is in
#: the title; the collections are compared item by item).
_NOT_COMPARED = frozenset({"version", *COLLECTIONS, "targets"})


@attrs.frozen(kw_only=True)
class AttributeChange:
    """One attribute of an item with its old and new value (as text).

    Attributes:
        attribute: The attribute's name in the model (``capacity``).
        before: The old value as text for people (names, labels, dates).
        after: The new value as text.
        label: The attribute's name for people (``Plätze``) in the diff's language.

    .. versionadded:: 0.1.0
    """

    attribute: str
    before: str
    after: str
    label: str = ""


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


#: attribute name -> the collection whose ids it holds (names are shown instead)
_REFERS_TO: dict[str, str] = {
    "actor": "actors",
    "responsible": "actors",
    "partners": "actors",
    "members": "actors",
    "coordinator": "actors",
    "recipient": "actors",
    "participants": "actors",
    "field": "fields",
    "fields": "fields",
    "goals": "goals",
    "indicator": "indicators",
    "indicators": "indicators",
    "network": "networks",
    "funding": "funding",
    "adopted": "decisions",
    "territories": "territories",
    "territory": "territories",
    "municipality": "territories",
}


class _Describer:
    """Values as text for people: names instead of ids, labels instead of codes."""

    def __init__(self, old: Concept, new: Concept, fmt: Formatter) -> None:
        self.old, self.new, self.fmt = old, new, fmt
        self.lang = fmt.lang

    def _name_of(self, collection: str, ident: str) -> str:
        for concept in (self.new, self.old):
            item = concept.get(collection, ident)
            if item is not None:
                return _name(item)
        return ident

    def one(self, name: str, value: Any) -> str:
        fmt = self.fmt
        if value is None or value == ():
            return "–"
        if isinstance(value, bool):
            yes, no = ("yes", "no") if self.lang == "en" else ("ja", "nein")
            return yes if value else no
        if isinstance(value, MeasureStatus):
            return fmt.status(value)
        if isinstance(value, Enum):
            return str(value.value)
        if isinstance(value, date):
            return fmt.date(value)
        if isinstance(value, Decimal | int):
            return fmt.number(value)
        if isinstance(value, tuple):
            return ", ".join(self.one(name, item) for item in value) or "–"
        if isinstance(value, str):
            return self._code(name, value)
        if attrs.has(type(value)):
            parts = [
                f"{attribute_label(a.name, self.lang)}: {self.one(a.name, getattr(value, a.name))}"
                for a in attrs.fields(type(value))
                if getattr(value, a.name) not in (None, (), False) and not a.name.startswith("_")
            ]
            return "(" + "; ".join(parts) + ")" if len(parts) > 1 else "".join(parts)
        return str(value)

    def _code(self, name: str, value: str) -> str:
        target = _REFERS_TO.get(name)
        if target is not None:
            return self._name_of(target, value)
        if name == "target_groups":
            return self.fmt.target_group(value)
        if name == "languages":
            return self.fmt.language(value)
        if name == "category":
            return _actor_categories().label(value, self.lang)
        return value


def _actor_categories() -> Catalogue:
    return shipped_catalogue("actor_categories")


def _attribute_changes(old: Any, new: Any, describe: _Describer) -> tuple[AttributeChange, ...]:
    changes: list[AttributeChange] = []
    for field in attrs.fields(type(new)):
        if field.name.startswith("_") or (isinstance(new, Concept) and field.name in _NOT_COMPARED):
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if before != after:
            changes.append(
                AttributeChange(
                    attribute=field.name,
                    before=describe.one(field.name, before),
                    after=describe.one(field.name, after),
                    label=attribute_label(field.name, describe.lang),
                )
            )
    return tuple(changes)


def _name(item: Any) -> str:
    if isinstance(item, Target | Baseline | Observation):
        return _key(item)
    for attribute in ("name", "title", "programme", "text", "term", "short"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return value
    return _key(item)


def _key(item: Any) -> str:
    """The identity of an item across versions: its id, AGS, term …"""
    if isinstance(item, Target | Baseline):
        return f"{item.indicator}/{item.territory}/{item.period}"
    if isinstance(item, Observation):
        parts = [item.indicator, item.territory, str(item.period)]
        parts.extend(f"{dim}={value}" for dim, value in item.disaggregation)
        return "/".join(parts)
    if isinstance(item, AcceptedFinding):
        return f"{item.code}/{item.subject}"
    for attribute in ("id", "ags", "term", "short"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return value
    return repr(item)  # pragma: no cover - every collection's item has a key above


def _target_key(target: Target) -> str:
    return _key(target)


def _compare(
    collection: str, old: Iterable[Any], new: Iterable[Any], describe: _Describer
) -> list[ItemChange]:
    before = {_key(item): item for item in old}
    after = {_key(item): item for item in new}
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
                    attributes=_attribute_changes(previous, item, describe),
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
        changes: Added, removed and changed items, by collection; changes of the
            concept's own attributes (title, adoption, validity …) have the collection
            ``concept``.
        status_changes: Measures whose status differs.
        notes: Problems with the pair itself, as sentences: NEW does not name OLD as its
            predecessor, or the two belong to different concepts.
        lang: The language of the values and notes (``de`` or ``en``).

    .. versionadded:: 0.1.0
    """

    old_version: str
    new_version: str
    old_title: str
    new_title: str
    changes: tuple[ItemChange, ...]
    status_changes: tuple[StatusChangeEntry, ...]
    notes: tuple[str, ...] = ()
    lang: str = "de"
    _pair: tuple[Concept, Concept] | None = attrs.field(
        default=None, eq=False, repr=False, alias="_pair"
    )

    def in_language(self, lang: str) -> ConceptDiff:
        """The same diff with values and notes in *lang*."""
        if Formatter(lang).lang == self.lang or self._pair is None:
            return self
        return diff_concepts(*self._pair, lang=lang)

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
        lang = Formatter(lang).lang
        return [
            (name, collection_label(name, lang), self.of(name))
            for name in ("concept", *COLLECTIONS, "targets")
            if self.of(name)
        ]

    def to_text(self, lang: str = "de") -> str:
        """Plain text, one line per change (for a terminal or an e-mail)."""
        fmt = Formatter(lang)
        diff = self.in_language(fmt.lang)
        lines = [fmt.t("diff_title", old=diff.old_version, new=diff.new_version), ""]
        if diff.notes:
            lines.extend(f"{fmt.t('diff_note')}: {note}" for note in diff.notes)
            lines.append("")
        if diff.empty:
            lines.append(fmt.t("no_changes"))
        if diff.status_changes:
            lines.append(fmt.t("status_change") + ":")
            lines.extend(
                f"  {s.title}: {fmt.status(s.before)} → {fmt.status(s.after)}"
                for s in diff.status_changes
            )
            lines.append("")
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for _, label, changes in diff.sections(fmt.lang):
            lines.append(f"{label}:")
            for change in changes:
                lines.append(f"  {marks[change.kind]} {change.name} ({fmt.t(change.kind)})")
                lines.extend(
                    f"      {a.label or a.attribute}: {a.before} → {a.after}"
                    for a in change.attributes
                )
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def _render(self, kind: str, lang: str, templates: str | os.PathLike[str] | None) -> str:
        fmt = Formatter(lang)
        diff = self.in_language(fmt.lang)
        env = environment(kind, fmt, templates)
        title = fmt.t("diff_title", old=self.old_version, new=self.new_version)
        return render(
            env,
            f"diff.{kind}.j2",
            diff=diff,
            sections=diff.sections(fmt.lang),
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


def diff_concepts(old: Concept, new: Concept, *, lang: str = "de") -> ConceptDiff:
    """Compare two versions of a concept (Fortschreibung).

    Every collection of the concept is compared item by item (actors, offers, goals,
    measures, indicators, targets, baselines, values, decisions, territories, networks,
    meetings, funding, legal bases, glossary, abbreviations, accepted findings), and so
    are the concept's own attributes (title, adoption, validity, texts of the report …).
    Values are given as text for people: names instead of ids, catalogue labels and
    language names instead of codes, dates in the language's form.

    The diff also checks the pair itself: NEW should name OLD's ``version`` as its
    ``predecessor`` and both should have the same ``id``; otherwise the ``notes`` of
    the :class:`ConceptDiff` say so.

    Args:
        old: The earlier version.
        new: The revised version.
        lang: Language of the values and notes: ``de`` (default) or ``en``. The
            renderers give the diff in another language on request.

    Returns:
        The :class:`ConceptDiff`.

    Example:
        >>> old = ki.Concept(id="k", title="Konzept", territory="05558", version="1")
        >>> new = old.evolve(version="2", predecessor="1", actors=[ki.Actor(id="vhs", name="VHS")])
        >>> print(ki.diff_concepts(old, new).to_text(), end="")
        Fortschreibung: Änderungen von Version 1 zu Version 2
        <BLANKLINE>
        Konzept:
          ~ Konzept (geändert)
              Vorgängerversion: – → 1
        <BLANKLINE>
        Akteure:
          + VHS (hinzugefügt)

    .. versionadded:: 0.1.0
    """
    fmt = Formatter(lang)
    describe = _Describer(old, new, fmt)
    changes: list[ItemChange] = []
    own = _attribute_changes(old, new, describe)
    if own:
        changes.append(
            ItemChange(
                collection="concept", id=new.id, name=new.title, kind="changed", attributes=own
            )
        )
    for collection in COLLECTIONS:
        changes.extend(
            _compare(collection, getattr(old, collection), getattr(new, collection), describe)
        )
    changes.extend(_compare("targets", old.targets, new.targets, describe))
    notes: list[str] = []
    if new.id != old.id:
        notes.append(fmt.t("diff_other_concept", old=old.id, new=new.id))
    if new.predecessor is None:
        notes.append(fmt.t("diff_no_predecessor", new=new.version, old=old.version))
    elif new.predecessor != old.version:
        notes.append(
            fmt.t(
                "diff_wrong_predecessor",
                new=new.version,
                predecessor=new.predecessor,
                old=old.version,
            )
        )
    return ConceptDiff(
        old_version=old.version,
        new_version=new.version,
        old_title=old.title,
        new_title=new.title,
        changes=tuple(changes),
        status_changes=_status_changes(old.measures, new.measures),
        notes=tuple(notes),
        lang=fmt.lang,
        _pair=(old, new),
    )


def _status_changes(old: Sequence[Any], new: Sequence[Any]) -> tuple[StatusChangeEntry, ...]:
    before = {m.id: m for m in old}
    return tuple(
        StatusChangeEntry(id=m.id, title=m.title, before=before[m.id].status, after=m.status)
        for m in new
        if m.id in before and before[m.id].status != m.status
    )
