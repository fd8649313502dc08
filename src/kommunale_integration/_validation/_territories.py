"""Validation against the Gemeindeverzeichnis: every AGS exists, and names fit their AGS.

The concept's own territories are checked against the national territory catalogue
(:func:`~kommunale_integration.territory_catalogue`, or the town's own catalogue given to
:func:`~kommunale_integration.validate`): an AGS that does not exist is an error, a name
that is not a spelling of the official name a warning that names the official unit and,
where the name exists elsewhere, the AGS that was probably meant.

References to territories outside the concept (an offer in the neighbouring town, a
venue in Rheine) are allowed when the AGS exists: such neighbours are shown with their
name and Kreis and create no coverage gaps of their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar

from .._errors import Finding, Severity
from .._i18n import format_number
from .._territories import stadtstaat_bezirk
from ._base import BuiltinRule, ValidationContext

if TYPE_CHECKING:
    from .._territories import TerritoryCatalogue

__all__ = ["NEIGHBOUR_REFERENCES", "TerritoryRule"]

#: (collection, attribute) whose AGS may name any German territory, not only the concept's.
NEIGHBOUR_REFERENCES: tuple[tuple[str, str], ...] = (
    ("territories", "parent"),
    ("territories", "predecessors"),
    ("territories", "successors"),
    ("actors", "territories"),
    ("offers", "territories"),
    ("goals", "territories"),
    ("measures", "territories"),
    ("networks", "territories"),
)


def _catalogue(context: ValidationContext) -> TerritoryCatalogue:
    if context.catalogue is not None:
        return context.catalogue
    from .._territories import territory_catalogue

    return territory_catalogue()


def _refs(context: ValidationContext) -> Iterator[tuple[str, str]]:
    """Every (path, AGS) of the concept that may point outside it."""
    concept = context.concept
    for collection, attribute in NEIGHBOUR_REFERENCES:
        for index, item in enumerate(getattr(concept, collection)):
            value = getattr(item, attribute)
            if isinstance(value, tuple):
                for position, ref in enumerate(value):
                    yield f"{collection}[{index}].{attribute}[{position}]", ref
            elif value is not None:
                yield f"{collection}[{index}].{attribute}", value
    for collection in ("actors", "offers"):
        for index, item in enumerate(getattr(concept, collection)):
            venue = item.venue
            if venue is not None and venue.municipality is not None:
                yield f"{collection}[{index}].venue.municipality", venue.municipality


class TerritoryRule(BuiltinRule):
    """Every AGS exists in the Gemeindeverzeichnis and every name fits its AGS.

    ``territory-unknown-ags`` (error): an AGS of the concept's territories, or one that
    an actor, offer, venue, goal, measure or network names, exists neither in the
    concept nor in the catalogue. A territory version that ended before the catalogue's
    Gebietsstand (or begins after it) is not looked up: the catalogue cannot know it.

    ``territory-name-mismatch`` (warning): the name given for an AGS is none of the
    spellings of its official name (``Coesfeld, Stadt``, ``Coesfeld``, ``Stadt
    Coesfeld``); the message names the official unit and the AGS probably meant.

    ``territory-unincorporated`` (error): the concept's own territory is a
    gemeindefreies Gebiet (a forest, a lake, a military training area): it has no
    council and no Integrationskonzept; its Kreis is responsible for it (``init``
    refuses such a territory; this finds a hand-written one).

    ``territory-bezirk-population`` (warning): a Bezirk of Berlin or Hamburg (the
    city's AGS under the Bezirk's name) without its own population, so that figures
    per inhabitant would divide by the whole city's (or, when the catalogue gives the
    city none either, be missing).
    """

    name: ClassVar[str] = "territories"
    codes: ClassVar[Mapping[str, Severity]] = {
        "territory-unknown-ags": Severity.ERROR,
        "territory-name-mismatch": Severity.WARNING,
        "territory-unincorporated": Severity.ERROR,
        "territory-bezirk-population": Severity.WARNING,
    }

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        concept = context.concept
        book = _catalogue(context)
        stand = book.gebietsstand
        own = {t.ags for t in concept.territories}
        for index, territory in enumerate(concept.territories):
            if not territory.valid_on(stand):
                continue  # a version the catalogue cannot know
            entry = book.get(territory.ags)
            path = f"territories[{index}]"
            if entry is None:
                yield self._unknown(context, f"{path}.ags", territory.ags, book)
            elif not book.matches(territory.ags, territory.name):
                yield self._mismatch(context, f"{path}.name", territory.ags, territory.name, book)
            elif territory.population is None and stadtstaat_bezirk(territory.name):
                # A town's own catalogue may give the city no population either.
                known = entry.population
                figure = (
                    {} if known is None else {"population": format_number(known, lang=context.lang)}
                )
                yield self.emit(
                    context,
                    "territory-bezirk-population",
                    f"{path}.population",
                    key=None if figure else "territory-bezirk-population/unknown",
                    name=territory.name,
                    city=entry.short_name,
                    **figure,
                )
        if concept.territory not in own and concept.territory not in book:
            yield self._unknown(context, "territory", concept.territory, book)
        entry = book.get(concept.territory)
        if entry is not None and entry.unincorporated:
            kreis = book.get(concept.territory[:5])
            yield self.emit(
                context,
                "territory-unincorporated",
                "territory",
                place=book.describe(concept.territory),
                designation=entry.designation,
                kreis=kreis.display_name if kreis is not None else concept.territory[:5],
                kreis_ags=concept.territory[:5],
            )
        for path, ref in _refs(context):
            if ref not in own and ref not in book and ref.isdigit():
                yield self._unknown(context, path, ref, book)

    def _unknown(
        self, context: ValidationContext, path: str, ags: str, book: TerritoryCatalogue
    ) -> Finding:
        return self.emit(
            context,
            "territory-unknown-ags",
            path,
            ags=ags,
            stand=context.format_date(book.gebietsstand),
        )

    def _mismatch(
        self, context: ValidationContext, path: str, ags: str, name: str, book: TerritoryCatalogue
    ) -> Finding:
        entry = book.get(ags)
        assert entry is not None
        meant = [e for e in book.suggest(name, near=ags) if e.ags != ags][:3]
        if meant:
            guesses = ", ".join(f"{e.short_name} {e.ags}" for e in meant)
            return self.emit(
                context,
                "territory-name-mismatch",
                path,
                ags=ags,
                official=entry.name,
                name=name,
                meant=guesses,
            )
        return self.emit(
            context,
            "territory-name-mismatch",
            path,
            key="territory-name-mismatch/no-guess",
            ags=ags,
            official=entry.name,
            name=name,
        )
