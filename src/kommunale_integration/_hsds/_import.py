"""Import of Open Referral HSDS 3.0 data (JSON documents or the tabular package) into the model.

Both forms are first read into the same flat tables (entity -> id -> record): nested JSON
objects are flattened and linked to their parent through the HSDS foreign-key columns,
and a record met several times (the same phone inside an organization, a contact and a
location) is merged by its id. The tables are then mapped onto actors and offers.

Nothing is dropped: a value that has no place in the model is carried in the ``extras``
of the actor or offer it belongs to (the export writes it back into its own table and
field) and reported as an ``hsds-unmapped`` finding; a record that belongs to no actor
or offer is carried by the first one and reported as ``hsds-unplaced``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import attrs

from .. import _model as m
from .._errors import (
    Finding,
    LoadError,
    Location,
    Severity,
)
from .._i18n import tr
from .._io import StrPath
from .._parse import is_ags
from ._map import Known, Mapper
from ._read import read_tables

__all__ = ["ImportReport", "import_hsds", "read_tables"]


@attrs.frozen(kw_only=True)
class ImportReport:
    """What an HSDS import did (Importbericht): records read and every finding.

    Attributes:
        findings: :class:`~kommunale_integration.Finding` objects; ``hsds-unmapped``
            (info) names a value kept in ``extras`` because the model has no field for
            it, ``hsds-unplaced`` (warning) a record that belongs to no organization or
            service (carried by the first actor or offer, if there is one),
            ``hsds-conflict`` (warning) two different values for one field of the same
            record, ``hsds-unknown-document`` (warning) a JSON document that is not
            HSDS.
        counts: Number of distinct records read per HSDS entity (``organization``,
            ``service``, ``location``, ``contact``, ``phone``, ``schedule``,
            ``language`` …).

    .. versionadded:: 0.1.0
    """

    findings: tuple[Finding, ...] = ()
    counts: Mapping[str, int] = attrs.field(factory=dict)

    @property
    def unmapped(self) -> tuple[Finding, ...]:
        """The findings about values kept in ``extras`` (code ``hsds-unmapped``)."""
        return tuple(f for f in self.findings if f.code == "hsds-unmapped")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings of severity warning."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)


def import_hsds(path: StrPath, *, into: m.Concept | None = None) -> tuple[m.Concept, ImportReport]:
    """Import Open Referral HSDS 3.0 data as actors and offers (HSDS-Import).

    Args:
        path: A JSON document, a folder of JSON documents (searched recursively), a
            tabular data package (a folder with ``datapackage.json``, or that file) or
            the folder of an ``export_hsds(..., form="both")``.
        into: A concept to import into: its actors and offers are replaced by the
            imported ones, everything else (territory, goals, measures, Kennzahlen) is
            kept. Without it, a new concept ``hsds-import`` is made whose territory is
            the Kreis (or Land) most AGS in the data belong to (``00`` when the data
            names none), with that Kreis and its Städte und Gemeinden named in the data,
            as the Gemeindeverzeichnis names them (places outside it stay neighbours).

    Returns:
        The concept and an :class:`ImportReport`. HSDS has no goals, measures or
        indicators, so a new concept holds only actors, offers and territories.

    Raises:
        LoadError: when the data cannot be read, or a record cannot become an actor
            or offer (e.g. an organization without a name); it carries every finding.

    Example:
        >>> import tempfile
        >>> concept = ki.Concept(id="demo", title="Demo", territory="05558",
        ...                      actors=[ki.Actor(id="vhs", name="VHS", volunteer=True)])
        >>> folder = ki.export_hsds(concept, tempfile.mkdtemp() + "/hsds", form="json")
        >>> again, report = ki.import_hsds(folder, into=concept)
        >>> again.actors == concept.actors, report.counts["organization"]
        (True, 1)

    .. versionadded:: 0.1.0
    """
    tables, origin, findings = read_tables(path)
    mapper = Mapper(tables, origin, findings)
    actors = mapper.organizations()
    known = Known(actors=actors, offers=mapper.services(actors))
    owners = known.owners()
    owners.update(mapper.service_at_locations(known))
    owners.update(mapper.locations(known, owners))
    mapper.settle_service_at_locations(known)
    owners.update(mapper.contacts(known, owners))
    owners.update(mapper.loose_phones(known, owners))
    owners.update(mapper.schedules(known, owners))
    mapper.languages(known, owners)
    mapper.cost_options(known)
    mapper.other_tables(known, owners)
    built_actors = mapper.finish(known.actors, m.Actor, "organizations")
    offers = mapper.finish(known.offers, m.Offer, "services")
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise LoadError(findings)
    if into is not None:
        concept = into.evolve(actors=built_actors, offers=offers)
    else:
        concept = _new_concept(Path(path), built_actors, offers, mapper)
    counts = {entity: len(table) for entity, table in tables.items()}
    return concept, ImportReport(findings=tuple(mapper.findings), counts=counts)


def _new_concept(
    path: Path, actors: list[m.Actor], offers: list[m.Offer], mapper: Mapper
) -> m.Concept:
    from .._territories import territory_catalogue

    codes: list[str] = []
    items: list[m.Actor | m.Offer] = [*actors, *offers]
    for item in items:
        codes.extend(item.territories)
        if item.venue is not None and item.venue.municipality:
            codes.append(item.venue.municipality)
    codes = [c for c in codes if is_ags(c)]  # an attribute may hold anything ("FR…")
    districts = Counter(c[:5] for c in codes if len(c) == 8)
    lands = Counter(c[:2] for c in codes)
    if districts:
        territory = districts.most_common(1)[0][0]
    elif lands:
        territory = lands.most_common(1)[0][0]
    else:
        territory = "00"
        mapper.note(
            "hsds-territory-unknown",
            Severity.WARNING,
            tr(
                "the data names no territory (AGS); the concept's territory is '00' - import "
                "into your concept (into=… or --into) to set it"
            ),
            Location(file=str(path)),
        )
    # The Gemeindeverzeichnis names them; places outside the territory stay neighbours.
    book = territory_catalogue()
    wanted = {c for c in codes if c.startswith(territory)} | {territory}
    territories = [e.to_territory() for c in sorted(wanted) if (e := book.get(c)) is not None]
    return m.Concept(
        id="hsds-import",
        title=f"HSDS-Import {path.name}",
        territory=territory,
        territories=tuple(territories),
        actors=tuple(actors),
        offers=tuple(offers),
    )
