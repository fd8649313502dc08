"""The examples that ship with the library, and the template for a new concept.

The canonical copy of each example lives in the repository's ``examples/`` folder,
where towns can read and copy it. The wheel carries the same files under
``kommunale_integration/data/examples/`` (a hatch ``force-include`` mapping, so that the
repository holds only one copy). An editable or source install has no such folder and
falls back to the repository's ``examples/``.

:func:`init_concept` fills the commented template in ``data/template/`` for another
town: a ``konzept.yaml`` and empty tables with German headers that validate and build a
report straight away.
"""

from __future__ import annotations

import json
import logging
import os
import string
import unicodedata
from collections.abc import Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from ._errors import KommunaleIntegrationError, OutputError, clip, shown
from ._i18n import tr
from ._model import Territory, TerritoryKind
from ._parse import ParseError, parse_ags, slugify

if TYPE_CHECKING:
    from ._territories import OfficialTerritory, TerritoryCatalogue

__all__ = [
    "DOMINANCE",
    "EXAMPLES",
    "KIND_ALIASES",
    "TEMPLATE_FILES",
    "AmbiguousTerritoryError",
    "TerritoryChoice",
    "candidate_line",
    "choose_territory",
    "example_path",
    "find_territory",
    "init_concept",
]

log = logging.getLogger("kommunale_integration")

EXAMPLES = ("kreis_coesfeld", "stadt_coesfeld")
"""Names of the bundled examples."""


def _package_root() -> Path:
    """The installed package folder (``…/site-packages/kommunale_integration``)."""
    return Path(str(resources.files("kommunale_integration")))


def _candidates(name: str) -> list[Path]:
    bundled = _package_root() / "data" / "examples" / name
    repository = Path(__file__).resolve().parent.parent.parent / "examples" / name
    return [bundled, repository]


def example_path(name: str = "kreis_coesfeld") -> Path:
    """Return the folder of a bundled example concept (Beispielkonzept).

    Args:
        name: ``kreis_coesfeld`` (the Kreis concept of 2016 with its synthetic case
            export) or ``stadt_coesfeld`` (the city concept, strict ``steuerung``
            profile).

    Returns:
        The folder holding ``konzept.yaml`` and the example's tables. Read it, copy
        it — never write into it.

    Raises:
        KommunaleIntegrationError: for an unknown name, or when the installation
            lacks the example files.

    .. versionadded:: 0.1.0
    """
    if name not in EXAMPLES:
        raise KommunaleIntegrationError(
            tr(
                "unknown example {name}; the bundled examples are {examples}",
                name=shown(name),
                examples=", ".join(EXAMPLES),
            )
        )
    for folder in _candidates(name):
        if (folder / "konzept.yaml").is_file():
            return folder
    raise KommunaleIntegrationError(
        tr(
            "the example {name} is missing from this installation; reinstall "
            "kommunale-integration or use the examples/ folder of the source distribution",
            name=shown(name),
        )
    )


# --------------------------------------------------------------------------- template

TEMPLATE_FILES = (
    "konzept.yaml",
    "akteure.csv",
    "angebote.csv",
    "kontakte.csv",
    "massnahmen.csv",
    "kennzahlwerte.csv",
    "sitzungen.csv",
)
"""The files :func:`init_concept` writes."""

KIND_ALIASES: dict[str, TerritoryKind] = {
    "kreis": TerritoryKind.DISTRICT,
    "stadt": TerritoryKind.TOWN,
    "gemeinde": TerritoryKind.MUNICIPALITY,
    "kreisfreie-stadt": TerritoryKind.CITY,
    "district": TerritoryKind.DISTRICT,
    "town": TerritoryKind.TOWN,
    "municipality": TerritoryKind.MUNICIPALITY,
    "city": TerritoryKind.CITY,
}
"""Accepted spellings of the kind of territory (German or the model's values)."""

_GENITIVE = {
    TerritoryKind.DISTRICT: "des Kreises",
    TerritoryKind.TOWN: "der Stadt",
    TerritoryKind.CITY: "der Stadt",
    TerritoryKind.MUNICIPALITY: "der Gemeinde",
}
_PREFIXES = ("Kreis ", "Stadt ", "Gemeinde ")
#: The kinds of Kreis a name starts with, and their genitive (feminine ones with "der").
_DISTRICT_GENITIVE = (
    ("Kreis ", "des Kreises "),
    ("Landkreis ", "des Landkreises "),
    ("Region ", "der Region "),
    ("Städteregion ", "der Städteregion "),
    ("Regionalverband ", "des Regionalverbands "),
)


def _district_genitive(name: str) -> str:
    """The genitive of a Kreis's official name, for the title of its concept.

    >>> _district_genitive("Kreis Coesfeld"), _district_genitive("Landkreis Fürstenfeldbruck")
    ('des Kreises Coesfeld', 'des Landkreises Fürstenfeldbruck')
    >>> _district_genitive("Burgenlandkreis"), _district_genitive("Rhein-Kreis Neuss")
    ('des Burgenlandkreises', 'des Rhein-Kreises Neuss')
    >>> _district_genitive("Märkischer Kreis"), _district_genitive("Region Hannover")
    ('des Märkischen Kreises', 'der Region Hannover')
    """
    for prefix, genitive in _DISTRICT_GENITIVE:
        if name.startswith(prefix):
            return genitive + name.removeprefix(prefix)
    first, space, rest = name.partition(" ")
    if first.lower().endswith("kreis"):  # Burgenlandkreis, Eifelkreis Bitburg-Prüm
        return f"des {first}es{space}{rest}"
    if rest == "Kreis" and first.endswith("er"):  # Märkischer, Rheinisch-Bergischer Kreis
        return f"des {first[:-2]}en Kreises"
    return f"des Kreises {name}"


def _designation_genitive(designation: str) -> str:
    """The genitive of the official designation of a Stadt or Gemeinde
    (:attr:`~._territories.OfficialTerritory.designation`), for the title of its concept.

    >>> _designation_genitive("Hansestadt"), _designation_genitive("Große Kreisstadt")
    ('der Hansestadt', 'der Großen Kreisstadt')
    >>> _designation_genitive("Markt"), _designation_genitive("Flecken")
    ('des Marktes', 'des Fleckens')
    >>> _designation_genitive("Freie und Hansestadt"), _designation_genitive("Gemeinde")
    ('der Freien und Hansestadt', 'der Gemeinde')
    """
    *before, last = designation.split()
    if last.casefold().endswith("markt"):
        return " ".join(["des", *before, f"{last}es"])
    if last.casefold().endswith(("flecken", "kirchspiel")):
        return " ".join(["des", *before, f"{last}s"])
    # …stadt, …gemeinde: an adjective before it in the weak genitive (Große → Großen)
    declined = (f"{w}n" if w[:1].isupper() and w.endswith("e") else w for w in before)
    return " ".join(["der", *declined, last])


def _town_genitive(official: OfficialTerritory, kind: TerritoryKind, *, chosen: bool) -> str:
    """``der Hansestadt`` for Lüneburg: the designation in the Gemeindeverzeichnis
    (``Lüneburg, Hansestadt``), not a guessed "der Stadt"; a kind *chosen* by the user
    (``--kind``) is theirs."""
    designation = None if chosen else official.designation
    return _designation_genitive(designation) if designation else _GENITIVE.get(kind, "der Stadt")


_UNPRINTABLE = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Unicode categories that YAML cannot carry in a comment (controls, line separators …)."""


def _printable(text: str) -> bool:
    return not any(unicodedata.category(char) in _UNPRINTABLE for char in text)


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _kind(kind: str | TerritoryKind | None, ags: str) -> TerritoryKind:
    if kind is None:
        return TerritoryKind.DISTRICT if len(ags) == 5 else TerritoryKind.MUNICIPALITY
    if isinstance(kind, TerritoryKind):
        return kind
    try:
        return KIND_ALIASES[kind.strip().lower()]
    except KeyError:
        allowed = ", ".join(KIND_ALIASES)
        raise KommunaleIntegrationError(
            tr("unknown kind {kind}; use one of {allowed}", kind=shown(kind), allowed=allowed)
        ) from None


class AmbiguousTerritoryError(KommunaleIntegrationError):
    """A name matches several Kreise, Städte or Gemeinden; ``candidates`` lists them.

    .. versionadded:: 0.1.0
    """

    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        from ._i18n import tr

        lines = "\n".join(f"  {line}" for line in candidates)
        super().__init__(
            tr(
                "'{name}' may mean {count} territories of the Gemeindeverzeichnis (by "
                "their name or its beginning); choose one with --ags, or narrow the "
                "choice with --kreis or --land:",
                name=name,
                count=len(candidates),
            )
            + f"\n{lines}"
        )
        self.candidates = tuple(candidates)


DOMINANCE: Final = 5
"""How much larger the territory a name is taken to mean must be than its namesakes.

Several Städte and Gemeinden share a name (two are called Wettringen). When one of
those carrying exactly that name has at least ``DOMINANCE`` times as many inhabitants as
every other one (Wettringen in Kreis Steinfurt: 8,261; in Landkreis Ansbach: 1,007), the
name means it; :func:`init_concept` takes it and warns, naming the others. Names found
only as the beginning of longer names (``Neustadt`` → ``Neustadt an der Weinstraße``)
are never resolved this way.
"""


@attrs.frozen(kw_only=True)
class TerritoryChoice:
    """The territory a name was taken to mean, and the namesakes it was preferred to.

    Attributes:
        name: The name that was looked up.
        chosen: The unit of the Gemeindeverzeichnis taken.
        others: Units of the same name not taken because *chosen* has at least
            :data:`DOMINANCE` times their population; empty when the name (with the
            Kreis or Land given) means one unit only.

    .. versionadded:: 0.1.0
    """

    name: str
    chosen: OfficialTerritory
    others: tuple[OfficialTerritory, ...] = ()

    def warning(self, catalogue: TerritoryCatalogue) -> str | None:
        """The warning to show when namesakes were passed over (``None`` otherwise).

        It names the unit taken with its Kreis, Land and population, and every other
        one with the ``--ags`` that chooses it.
        """
        from ._i18n import tr

        if not self.others:
            return None
        lines = "\n".join(f"  {candidate_line(e, catalogue)}" for e in self.others)
        return (
            tr(
                "'{name}' may mean {count} territories; taken: {chosen} ({people}), "
                "which has at least {factor} times as many inhabitants as each of the "
                "others. If you mean another one, delete the folder and run init again "
                "with its AGS (or with --kreis or --land):",
                name=clip(self.name),
                count=len(self.others) + 1,
                chosen=catalogue.describe(self.chosen.ags),
                people=_inhabitants(self.chosen.population),
                factor=DOMINANCE,
            )
            + f"\n{lines}"
        )


def _inhabitants(count: int | None) -> str:
    from ._i18n import format_number, ntr, tr

    if count is None:
        return tr("population unknown")
    return ntr("{count} inhabitant", "{count} inhabitants", count, count=format_number(count))


def candidate_line(entry: OfficialTerritory, catalogue: TerritoryCatalogue) -> str:
    """``--ags 09571222  Wettringen (09571222), Landkreis Ansbach, Bayern (1.007 Einwohner)``;
    a Kreis with the sum of its Städte und Gemeinden (the catalogue gives none of its own)."""
    from ._territories import population_of

    described = catalogue.describe(entry.ags)
    people = entry.population
    if people is None and len(entry.ags) == 5:
        summed = population_of(None, entry.ags, catalogue)
        people = summed.value if summed is not None else None
    return f"--ags {entry.ags}  {described} ({_inhabitants(people)})"


def _dominant(found: Sequence[OfficialTerritory]) -> OfficialTerritory | None:
    """The unit with at least :data:`DOMINANCE` times the population of each other one."""
    ranked = sorted(found, key=lambda e: e.population or 0, reverse=True)
    first = ranked[0].population or 0
    if first > 0 and all(first >= DOMINANCE * (e.population or 0) for e in ranked[1:]):
        return ranked[0]
    return None


def named_within(
    book: TerritoryCatalogue,
    name: str,
    named: list[OfficialTerritory],
    *,
    kreis: str | None,
    land: str | None,
) -> list[OfficialTerritory]:
    """The territories *named* by *name* that lie in *kreis* and *land*; none of them
    is refused with the list of all (``init`` and ``territories find`` alike: the look-up
    printed nothing, with exit code 0).

    Raises:
        KommunaleIntegrationError: none lies there, or *kreis* or *land* names nothing.
    """
    found = book.within(named, kreis=kreis, land=land)
    if named and not found:
        lines = "\n".join(f"  {candidate_line(e, book)}" for e in named)
        raise KommunaleIntegrationError(
            tr(
                "none of the territories called '{name}' lies in the Kreis or Land "
                "given with --kreis or --land; they are:",
                name=clip(name),
            )
            + f"\n{lines}"
        )
    return found


def choose_territory(
    name: str,
    catalogue: TerritoryCatalogue | None = None,
    *,
    kreis: str | None = None,
    land: str | None = None,
) -> TerritoryChoice:
    """The Kreis, Stadt or Gemeinde of the Gemeindeverzeichnis that *name* means.

    The units *name* may mean (:meth:`TerritoryCatalogue.candidates`: those called
    exactly *name* and the Städte and Gemeinden whose names begin with it) are narrowed
    to those in *kreis* and *land* when given (an AGS or a name: ``Landkreis Ansbach``,
    ``09571``, ``Bayern``, ``BY``). One left is the choice. Of several, one that carries
    exactly the name and has at least :data:`DOMINANCE` times the population of each of
    the others (those beginning with the name included: ``Weiden`` lists the village
    and ``Weiden i.d.OPf.``) is taken; the ``others`` of the :class:`TerritoryChoice`
    then list the others.

    Raises:
        AmbiguousTerritoryError: when several remain and none dominates (the
            candidates with Kreis, Land and population).
        KommunaleIntegrationError: when none matches, or *kreis* or *land* names
            no Kreis or Land.

    .. versionadded:: 0.1.0
    """
    from ._territories import territory_catalogue

    book = catalogue or territory_catalogue()
    exact, beginning = book.require_name(name)
    found = named_within(book, name, exact + beginning, kreis=kreis, land=land)
    # A gemeindefreies Gebiet has no concept: never chosen, never among the candidates
    # ("Königslutter" is the Stadt Königslutter am Elm, not the forest of that name).
    councils = [e for e in found if not e.unincorporated]
    if not councils:
        raise no_council(found[0], book)
    found = councils
    if len(found) == 1:
        return TerritoryChoice(name=name, chosen=found[0])
    # Only a unit carrying exactly the name may win by size, and it must outweigh the
    # units whose names merely begin with it too ("Weiden" is a village in Landkreis
    # Birkenfeld and the beginning of "Weiden i.d.OPf.": both are listed).
    chosen = _dominant(found)
    if chosen is not None and chosen not in exact:
        chosen = None
    if chosen is None:
        raise AmbiguousTerritoryError(clip(name), [candidate_line(e, book) for e in found])
    return TerritoryChoice(
        name=name, chosen=chosen, others=tuple(e for e in found if e is not chosen)
    )


def find_territory(
    name: str,
    catalogue: TerritoryCatalogue | None = None,
    *,
    kreis: str | None = None,
    land: str | None = None,
) -> OfficialTerritory:
    """The Kreis, Stadt or Gemeinde of the Gemeindeverzeichnis called *name*.

    The unit :func:`choose_territory` takes (a namesake with at least
    :data:`DOMINANCE` times the population of every other one wins).

    Raises:
        AmbiguousTerritoryError: when several match and none dominates (the
            candidates with Kreis and Land).
        KommunaleIntegrationError: when none matches.

    .. versionadded:: 0.1.0
    """
    return choose_territory(name, catalogue, kreis=kreis, land=land).chosen


def no_council(
    entry: OfficialTerritory, catalogue: TerritoryCatalogue
) -> KommunaleIntegrationError:
    """The refusal of a gemeindefreies Gebiet as the territory of a concept: it has no
    council and no Integrationskonzept; its Kreis is responsible for it."""
    kreis = catalogue.get(entry.ags[:5])
    return KommunaleIntegrationError(
        tr(
            "{place} is a {designation}, an area without a Gemeinde of its own (a forest, "
            "a lake, a military training area), without a council and without an "
            "Integrationskonzept of its own; the Kreis is responsible for it. Create the "
            "concept of the Kreis ({kreis}: init FOLDER --ags {kreis_ags}) or of a "
            "neighbouring Gemeinde",
            place=catalogue.describe(entry.ags),
            designation=entry.designation,
            kreis=kreis.display_name if kreis is not None else entry.ags[:5],
            kreis_ags=entry.ags[:5],
        )
    )


def _official(ags: str, catalogue: TerritoryCatalogue) -> OfficialTerritory:
    entry = catalogue.require(ags)
    if entry.unincorporated:
        raise no_council(entry, catalogue)
    if len(ags) == 5 and entry.kreisfrei:
        raise KommunaleIntegrationError(
            tr(
                "{ags} is the kreisfreie Stadt {name}: its concept uses the AGS {ags}000 (the "
                "Stadt), not the Kreis key",
                ags=ags,
                name=entry.short_name,
            )
        )
    return entry


def _resolve(
    book: TerritoryCatalogue, clean: str, ags: str | None, kreis: str | None, land: str | None
) -> OfficialTerritory:
    """The unit a new concept is for: by its AGS, else by its name."""
    from ._i18n import tr

    if ags:
        # A key that lost its leading zero (5566096) is repaired, as in every loader.
        try:
            code = parse_ags(ags, lengths=(5, 8))
        except ParseError as error:
            raise KommunaleIntegrationError(
                # what the user typed, not "00" for "0"
                tr("{problem}, got {found}", problem=error, found=shown(ags.strip()))
            ) from None
        official = _official(code, book)
        if book.within([official], kreis=kreis, land=land) != [official]:
            raise KommunaleIntegrationError(
                tr(
                    "{place} does not lie in the Kreis or Land given with --kreis or --land",
                    place=book.describe(code),
                )
            )
    elif clean:
        choice = choose_territory(clean, book, kreis=kreis, land=land)
        official = choice.chosen
        warning = choice.warning(book)
        if warning is not None:
            log.warning("%s", warning)
    else:
        raise KommunaleIntegrationError(tr("give the name of the town or its AGS"))
    return official


def _bezirk_of(code: str, name: str) -> str | None:
    """The official name of the Bezirk of Berlin or Hamburg that *name* means, when *code*
    is that city's AGS; then a warning says what the concept of a Bezirk must add."""
    from ._territories import stadtstaat_bezirk

    found = stadtstaat_bezirk(name) if name else None
    if found is None or found[0] != code:
        return None
    log.warning(
        "%s",
        tr(
            "{bezirk} is a Bezirk of {city}: the Gemeindeverzeichnis knows the city only, so "
            "the concept has the city's AGS {ags} under the Bezirk's name, and so has the "
            "case export (municipality). Enter the Bezirk's inhabitants in konzept.yaml "
            "(territories: population, population_date): figures per inhabitant would "
            "otherwise use the whole city's",
            bezirk=found[1],
            city="Berlin" if code == "11000000" else "Hamburg",
            ags=code,
        ),
    )
    return found[1]


def _line(t: Territory) -> str:
    parent = f', parent: "{t.parent}"' if t.parent else ""
    return f'  - {{ags: "{t.ags}", name: {_quoted(t.name)}, kind: {t.kind.value}{parent}}}\n'


def _territory_lines(root: Territory, catalogue: TerritoryCatalogue) -> str:
    lines = [_line(root)]
    if root.kind is TerritoryKind.DISTRICT:
        # Uninhabited gemeindefreie Gebiete (forests, lakes) need no offers.
        children = [
            e.to_territory()
            for e in catalogue.municipalities(root.ags)
            if not (e.unincorporated and not e.population)
        ]
        lines += [_line(t) for t in children]
    return "".join(lines)


def _template_text(name: str) -> str:
    return (
        resources.files("kommunale_integration")
        .joinpath("data", "template", name)
        .read_text(encoding="utf-8")
    )


def _left_by_init(target: Path) -> bool:
    """Whether the folder *target* holds nothing but tables an interrupted ``init`` wrote
    into it (as the template has them, without ``konzept.yaml``, which is written last):
    a second ``init`` may go on there, as nothing of anyone else's is in the way."""
    tables = set(TEMPLATE_FILES) - {"konzept.yaml"}
    try:
        entries = list(target.iterdir())
        return all(
            entry.name in tables
            and entry.is_file()
            and not entry.is_symlink()
            and entry.read_bytes() == _template_text(entry.name).encode("utf-8")
            for entry in entries
        )
    except OSError:
        return False


def _checked_name(target: Path, name: str | None) -> str:
    """The stripped *name* for a new concept in *target*, both checked first."""
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not _left_by_init(target))
    ):
        raise OutputError(
            tr(
                "{target} already exists and is not empty: choose a new folder for the concept",
                target=target,
            )
        )
    clean = (name or "").strip()
    if name is not None and not clean:
        raise KommunaleIntegrationError(tr("the name of the town must not be empty"))
    from ._text import unsafe_character

    # (also a direction control left open: the loader refuses the concept it gives)
    if not _printable(clean) or unsafe_character(clean) is not None:
        raise KommunaleIntegrationError(
            tr(
                "the name {name} contains control characters or line breaks; give the name as "
                "it is written",
                name=shown(clean),
            )
        )
    return clean


def init_concept(
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    ags: str | None = None,
    kind: str | TerritoryKind | None = None,
    today: date | None = None,
    catalogue: TerritoryCatalogue | None = None,
    kreis: str | None = None,
    land: str | None = None,
) -> Path:
    """Create a new concept folder for a town from the commented template (Vorlage).

    The folder receives a ``konzept.yaml`` with comments that explain every part, the
    default Handlungsfelder and the six case-based Kennzahlen, and the empty tables
    ``akteure.csv``, ``angebote.csv``, ``kontakte.csv``, ``massnahmen.csv``,
    ``kennzahlwerte.csv`` and ``sitzungen.csv`` with their German headers. It loads,
    validates and builds a report straight away; then you fill it in.

    Args:
        path: The new folder. It must not exist or be empty.
        name: The name of the Stadt, Gemeinde or Kreis, e.g. ``Wettringen``. Without
            *ags* it is looked up in the Gemeindeverzeichnis (``Wettringen``, ``Stadt
            Coesfeld``, ``Kreis Steinfurt``) with :func:`choose_territory`: where
            several units share the name and one has at least :data:`DOMINANCE` times
            the population of each other one, that one is taken and a warning naming
            the others is logged; with *ags* it may be left out (the official name is
            used) or given in the town's own spelling.
        ags: Its Amtlicher Gemeindeschlüssel: 8 digits for a Stadt or Gemeinde, 5 for
            a Kreis (the concept then lists all its Städte und Gemeinden). It must exist
            in the catalogue.
        kind: ``stadt``/``town``, ``gemeinde``/``municipality``,
            ``kreisfreie-stadt``/``city`` or ``kreis``/``district``; by default the
            kind of the Gemeindeverzeichnis (the suffix ", Stadt" makes a Stadt).
        today: The date whose year the comments use for example commands.
        catalogue: The territory catalogue to look names and AGS up in (default: the
            Gemeindeverzeichnis shipped with the library).
        kreis: Look *name* up only in this Kreis (its AGS or name, e.g. ``Landkreis
            Ansbach``); with *ags*, the AGS must lie in it.
        land: Look *name* up only in this Land (``Bayern``, ``BY``, ``09``); with
            *ags*, the AGS must lie in it.

    Returns:
        The folder written.

    Raises:
        OutputError: when *path* exists and is not an empty folder.
        AmbiguousTerritoryError: when *name* means several territories and none
            dominates (the message lists them with Kreis, Land and population).
        KommunaleIntegrationError: for an unknown kind or name, an AGS that does not
            exist or does not fit the kind (the message says what is expected).

    .. versionadded:: 0.1.0
    """
    from ._io import atomic_directory, atomic_write

    target = Path(path)
    clean = _checked_name(target, name)
    from ._territories import territory_catalogue

    book = catalogue or territory_catalogue()
    official = _resolve(book, clean, ags, kreis, land)
    code = official.ags
    territory_kind = official.kind if kind is None else _kind(kind, code)
    # A name looked up means the official unit; one given beside the AGS is kept
    # unless it is a spelling of the official name. A Bezirk of Berlin or Hamburg is
    # the city's AGS under the Bezirk's name.
    bezirk = _bezirk_of(code, clean)
    own_name = bool(ags) and clean and not book.matches(code, clean)
    # Building the territory checks the AGS (digits, length for the kind).
    root = Territory(
        ags=code,
        name=bezirk or (clean if own_name else official.display_name),
        kind=territory_kind,
        parent=official.parent
        if len(code) == 8 and official.kind is not TerritoryKind.CITY
        else None,
    )
    clean = root.name
    bare = clean
    for prefix in _PREFIXES:
        bare = bare.removeprefix(prefix)
    if bezirk:
        title = f"Integrationskonzept des Bezirks {bezirk}"
    elif territory_kind is TerritoryKind.DISTRICT:
        title = f"Integrationskonzept {_district_genitive(clean)}"
    else:
        genitive = _town_genitive(official, territory_kind, chosen=kind is not None)
        title = f"Integrationskonzept {genitive} {bare}"
    year = (today or date.today()).year  # noqa: DTZ011 - a calendar year, no time zone
    values = {
        "id": slugify(f"{territory_kind.value}-{bare}") or "konzept",
        "title": _quoted(title),
        "name": clean,
        "ags": code,
        "place": "".join(c if _printable(c) else "?" for c in book.describe(code)),
        "committee": _quoted("Ausschuss für Soziales und Integration"),
        "territories": _territory_lines(root, book),
        "gebietsstand": book.gebietsstand.isoformat(),
        "folder": "".join(c if _printable(c) else "?" for c in (target.name or str(target))),
        "year": str(year),
    }
    texts = {file: _template_text(file) for file in TEMPLATE_FILES}
    texts["konzept.yaml"] = string.Template(texts["konzept.yaml"]).substitute(values)
    if target.is_dir():
        # An existing empty folder (perhaps the current one) stays in place: each file
        # is written atomically into it, konzept.yaml last (once it exists, the folder
        # is a concept and its tables are inputs that no output may overwrite).
        for file, text in sorted(texts.items(), key=lambda item: item[0] == "konzept.yaml"):
            atomic_write(target / file, text)
        return target
    with atomic_directory(target, writer="init_concept", own_files=()) as tmp:
        for file, text in texts.items():
            (tmp / file).write_text(text, encoding="utf-8")
    return target
