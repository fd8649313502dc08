"""The national territory catalogue: every Land, Kreis, Stadt and Gemeinde of Germany.

The catalogue is the official municipality directory of the Statistisches Bundesamt
(Destatis), the Gemeindeverzeichnis-Informationssystem GV-ISys, as package data:
``data/territories/gemeindeverzeichnis.tsv``, a compact tab-separated file derived from
the official "Auszug" by ``scripts/build_territories.py``. It is read on first use
(:func:`territory_catalogue`), so ``import kommunale_integration`` does not pay for it.

A town with a newer Gebietsstand reads the official file itself
(:func:`read_gemeindeverzeichnis`, the XLSX or CSV form of the "Auszug") and writes its
own catalogue (:func:`write_territory_catalogue`, command ``kommunale-integration
territories update``).

Licence of the data: Datenlizenz Deutschland – Namensnennung – Version 2.0
(dl-de/by-2-0); attribution: :data:`ATTRIBUTION`.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs

from ._errors import (
    Finding,
    KommunaleIntegrationError,
    LoadError,
    Location,
    Severity,
    clip,
    foreign_text,
    shown,
)
from ._i18n import format_date, ntr, tr
from ._model import Territory, TerritoryKind

__all__ = [
    "ATTRIBUTION",
    "LICENCE",
    "POPULATION",
    "OfficialTerritory",
    "Population",
    "TerritoryCatalogue",
    "load_territory_catalogue",
    "population_of",
    "read_gemeindeverzeichnis",
    "record_territory_catalogue",
    "territory_attribution",
    "territory_catalogue",
    "write_territory_catalogue",
]

ATTRIBUTION = "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys"
"""The attribution the licence requires wherever the data is shown."""

LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
"""The licence of the Gemeindeverzeichnis."""

_PACKAGE_FILE = ("data", "territories", "gemeindeverzeichnis.tsv")
_COLUMNS = ("ags", "textkennzeichen", "name", "population", "area_km2")

# Textkennzeichen of the GV-ISys (on Kreis rows 41-45, on Gemeinde rows 60-67).
_KREISFREI = frozenset({"41", "42"})
_CITY = frozenset({"61", "62"})
_TOWN = frozenset({"63", "67"})
_UNINCORPORATED = frozenset({"65", "66"})
_GROSSE_KREISSTADT = "67"  # Baden-Württemberg's write only "Stadt" after the name
#: The Länder whose Große Kreisstädte the Gemeindeverzeichnis gives as 63 (Stadt), not
#: 67: Sachsen (SächsGemO § 3 Abs. 2) and Thüringen (ThürKO § 6 Abs. 4). The bundled
#: file has 67 only in Baden-Württemberg (94 rows) and Bayern (29, "GKSt"); the 166
#: Städte of Sachsen and 115 of Thüringen are all "…, Stadt" of the kind 63.
_GROSSE_KREISSTADT_UNMARKED = frozenset({"14", "16"})
_PREFIXES = (
    ("stadt ", 8),
    ("gemeinde ", 8),
    ("markt ", 8),
    ("kreis ", 5),
    ("landkreis ", 5),
)


#: The abbreviated suffixes of official names (normalised) written out ("Große
#: Kreisstadt Dachau" for "Dachau, GKSt", "Markt Garmisch-Partenkirchen" for "…, M").
_TITLE_ABBREVIATIONS: Final = {
    "gkst": "Große Kreisstadt",
    "krst.": "Kreisstadt",
    "st": "Stadt",
    "m": "Markt",
}

#: The endings of the word that makes a suffix the designation of a Stadt or Gemeinde
#: ("Hansestadt", "Marktgemeinde", "Flecken"); a suffix without one is a by-name
#: ("Kurort", "Tor zur Eifel", "Fundort des Neanderthalers").
_DESIGNATION_ENDINGS: Final = ("stadt", "gemeinde", "markt", "flecken", "kirchspiel")

#: The designations that state what a Stadt or Gemeinde is (its status under the
#: Gemeindeordnung), as against an honorary one granted beside it ("Reformationsstadt",
#: "Barbarossastadt", "Universitätsstadt"): where the directory gives both, the status is
#: the designation ("Homberg (Efze), Reformationsstadt, Kreisstadt" is a Kreisstadt).
_STATUS_DESIGNATIONS: Final = frozenset(
    {
        "Stadt", "Kreisstadt", "Große Kreisstadt", "Gemeinde", "Markt", "Marktgemeinde",
        "Flecken", "Marktflecken", "Kirchspiel",
    }
)  # fmt: skip


#: Abbreviations of the Länder (ISO 3166-2 without "DE-", and NRW) -> Land AGS.
_LAND_ABBREVIATIONS = {
    "sh": "01",
    "hh": "02",
    "ni": "03",
    "hb": "04",
    "nw": "05",
    "nrw": "05",
    "he": "06",
    "rp": "07",
    "bw": "08",
    "by": "09",
    "sl": "10",
    "be": "11",
    "bb": "12",
    "mv": "13",
    "sn": "14",
    "st": "15",
    "th": "16",
}

_AROUND_PUNCTUATION = re.compile(r" ?([/(),.-]) ?")


#: "St." before a name is "Sankt": the official names have both ("St. Ingbert",
#: "Sankt Augustin"), and a user writes either.
_SAINT = re.compile(r"(?<!\w)st\. ?")


#: The Bezirke of the two Stadtstaaten that are one Gemeinde each (Berlin, Hamburg): no
#: Gemeinden, so not in the Gemeindeverzeichnis, but what an integration officer there
#: works for.
STADTSTAAT_BEZIRKE: Final = {
    "11000000": (
        "Mitte", "Friedrichshain-Kreuzberg", "Pankow", "Charlottenburg-Wilmersdorf",
        "Spandau", "Steglitz-Zehlendorf", "Tempelhof-Schöneberg", "Neukölln",
        "Treptow-Köpenick", "Marzahn-Hellersdorf", "Lichtenberg", "Reinickendorf",
    ),
    "02000000": (
        "Hamburg-Mitte", "Altona", "Eimsbüttel", "Hamburg-Nord", "Wandsbek", "Bergedorf",
        "Harburg",
    ),
}  # fmt: skip

#: How the name of a Gemeindeverband begins (Amt, Verbandsgemeinde, Samtgemeinde,
#: Verwaltungsgemeinschaft, Verwaltungsverband; as written and abbreviated).
_VERBAND = re.compile(
    r"(?:amt|verbandsgemeinde|vg|samtgemeinde|sg|verwaltungsgemeinschaft|vgem|vwg"
    r"|gemeindeverwaltungsverband|gvv|verwaltungsverband|vvg?)\.? (?P<rest>.+)"
)
_BEZIRK = re.compile(r"(?:stadtbezirk|bezirksamt|bezirk|ba)\.? (?P<rest>.+)")


def stadtstaat_bezirk(name: str) -> tuple[str, str] | None:
    """The AGS of the city and the official name of the Bezirk that *name* means, if it
    names a Bezirk of Berlin or Hamburg (``Neukölln``, ``Bezirk Altona``,
    ``Berlin-Spandau``, ``Hamburg-Nord``); else ``None``.

    >>> stadtstaat_bezirk("Bezirk Neukölln"), stadtstaat_bezirk("Nord")
    (('11000000', 'Neukölln'), ('02000000', 'Hamburg-Nord'))
    """
    wanted = _normal(name)
    if match := _BEZIRK.fullmatch(wanted):
        wanted = match["rest"]
    for city, bezirke in STADTSTAAT_BEZIRKE.items():
        town = "berlin" if city == "11000000" else "hamburg"
        for bezirk in bezirke:
            short = _normal(bezirk).removeprefix(f"{town}-")
            if wanted in {short, f"{town}-{short}", f"{town} {short}"}:
                return city, bezirk
    return None


def _not_a_unit(name: str, catalogue: TerritoryCatalogue) -> str | None:
    """Why *name* is not in the catalogue though it names an administrative unit: a
    Gemeindeverband (``Verbandsgemeinde Daun``, ``Amt Hüttener Berge``), with what to do
    instead — the look-up of its seat where a Gemeinde has the Verband's name (Daun),
    else the look-up of one of its Gemeinden; ``None`` for any other name."""
    if not _VERBAND.fullmatch(_normal(name)):
        return None
    rest = name.split(None, 1)[1].strip()
    exact, beginning = catalogue.candidates(rest)
    if exact or beginning:
        return tr(
            "'{name}' is a Gemeindeverband (Amt, Verbandsgemeinde, Samtgemeinde, "
            "Verwaltungsgemeinschaft): the library knows Länder, Kreise, Städte and "
            "Gemeinden, not yet Gemeindeverbände. Create the concept for one of its "
            "Gemeinden (territories find {rest}) or for its Kreis (see the documentation, "
            "Territories, Gemeindeverbände)",
            name=clip(name),
            rest=clip(rest),
        )
    return tr(
        "'{name}' is a Gemeindeverband (Amt, Verbandsgemeinde, Samtgemeinde, "
        "Verwaltungsgemeinschaft): the library knows Länder, Kreise, Städte and Gemeinden, "
        "not yet Gemeindeverbände. Create the concept for one of its Gemeinden "
        "(territories find NAME of the Gemeinde) or for its Kreis (see the documentation, "
        "Territories, Gemeindeverbände)",
        name=clip(name),
    )


#: Umlauts as a keyboard without them writes them (``Koeln``, ``Muenchen``); ``ß`` is
#: ``ss`` by case-folding already (``Weissenfels``).
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _written_out(suffix: str) -> str:
    """A suffix of an official name with its abbreviation written out (``GKSt`` →
    ``Große Kreisstadt``, ``Barbarossast.`` → ``Barbarossastadt``)."""
    text = suffix.strip()
    known = _TITLE_ABBREVIATIONS.get(_normal(text))
    if known is not None:
        return known
    return text[:-3] + "stadt" if text.endswith("st.") and " " not in text else text


def _designation_in(suffix: str) -> str | None:
    """The designation a suffix of an official name begins with, written out, without
    the by-name that may follow it: ``Hansestadt`` for ``Hansestadt an der Ruhr``,
    ``Stadt`` for ``Stadt der Burgmannshöfe`` and ``Stadt / Běła Woda``, ``Freie und
    Hansestadt``, ``Kreis- und Hochschulstadt``, ``Große Kreisstadt`` for ``GKSt``;
    ``None`` for a by-name alone (``Kurort``, ``Tor zur Eifel``).

    The designation ends with its first word that ends like one (``…stadt``,
    ``…gemeinde``, ``Markt``, ``…flecken``, ``Kirchspiel``); what follows is a by-name.
    """
    words = _written_out(suffix).split()
    if words and words[0] == "Die":  # "Die Mähdrescherstadt"
        words = words[1:]
    for n, word in enumerate(words, start=1):
        if word.casefold().replace(".", "").endswith(_DESIGNATION_ENDINGS):
            return " ".join(words[:n])
    return None


def _normal(text: str) -> str:
    """A name for comparison: case-folded, umlauts as ``ae``/``oe``/``ue`` and ``ß`` as
    ``ss`` (both spellings are one; decomposed umlauts composed first), single spaces,
    no spaces around punctuation, "St." as "Sankt"."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    folded = _SAINT.sub("sankt ", " ".join(folded.split())).strip()
    if " " in folded and not folded.isalnum():
        return _AROUND_PUNCTUATION.sub(r"\1", folded)
    return folded


@attrs.frozen(kw_only=True, slots=True)
class OfficialTerritory:
    """One unit of the Gemeindeverzeichnis: a Land, Regierungsbezirk, Kreis or Gemeinde.

    Attributes:
        ags: Amtlicher Gemeindeschlüssel: 2 digits (Land), 3 (Regierungsbezirk), 5
            (Kreis or kreisfreie Stadt as a Kreis) or 8 (Stadt or Gemeinde).
        name: The official name with its suffix, e.g. ``Coesfeld, Stadt``.
        textkennzeichen: The official kind code (``41`` kreisfreie Stadt, ``43``
            Kreis, ``63`` Stadt, ``64`` Gemeinde, ``66`` gemeindefreies Gebiet …);
            empty for Länder and Regierungsbezirke.
        population: Inhabitants on the catalogue's population date (``None`` where the
            file gives none).
        area_km2: Area in km².

    .. versionadded:: 0.1.0
    """

    ags: str
    name: str
    textkennzeichen: str = ""
    population: int | None = None
    area_km2: Decimal | None = None

    @property
    def short_name(self) -> str:
        """The name without its suffix (``Coesfeld`` for ``Coesfeld, Stadt``)."""
        return self.name.split(",", 1)[0].strip()

    @property
    def kind(self) -> TerritoryKind:
        """The model's :class:`~kommunale_integration.TerritoryKind`."""
        size = len(self.ags)
        if size == 2:
            return TerritoryKind.STATE
        if size == 3:
            return TerritoryKind.REGION
        if size == 5:
            return TerritoryKind.DISTRICT
        if self.textkennzeichen in _CITY:
            return TerritoryKind.CITY
        if self.textkennzeichen in _TOWN:
            return TerritoryKind.TOWN
        return TerritoryKind.MUNICIPALITY

    @property
    def kreisfrei(self) -> bool:
        """Whether this Kreis-level unit is a kreisfreie Stadt (Stadtkreis)."""
        return self.textkennzeichen in _KREISFREI

    @property
    def unincorporated(self) -> bool:
        """Whether it is a gemeindefreies Gebiet (mostly uninhabited forests and lakes)."""
        return self.textkennzeichen in _UNINCORPORATED

    @property
    def display_name(self) -> str:
        """The name a concept shows (``Coesfeld``, ``Kreis Coesfeld``, ``Landkreis Harburg``)."""
        short = self.short_name
        if len(self.ags) != 5 or self.kreisfrei:
            return short
        if "kreis" in short.casefold() or short.startswith(("Region", "Städteregion")):
            return short
        return f"Landkreis {short}" if self.textkennzeichen == "44" else f"Kreis {short}"

    @property
    def parent(self) -> str | None:
        """The AGS of the Kreis of a Gemeinde, the Land of a Kreis or Regierungsbezirk."""
        if len(self.ags) == 8:
            return self.ags[:5]
        if len(self.ags) in (3, 5):
            return self.ags[:2]
        return None

    def titled_names(self) -> frozenset[str]:
        """The spellings with the official suffix written before the name, as towns
        write themselves (normalised): ``Hansestadt Rostock`` for ``Rostock,
        Hansestadt``, ``Lutherstadt Wittenberg``, ``Große Kreisstadt Dachau`` for
        ``Dachau, GKSt``, and the designation alone before it where a by-name follows
        the designation (``Hansestadt Schwerte`` for ``Schwerte, Hansestadt an der
        Ruhr``); empty for a name without a suffix.

        .. versionadded:: 0.2.0
        """
        short = _normal(self.short_name)
        parts = self.name.split(",")[1:]
        titles = {_normal(_written_out(part)) for part in parts}
        titles |= {_normal(d) for d in map(_designation_in, parts) if d is not None}
        return frozenset(f"{title} {short}" for title in titles if title)

    @property
    def designation(self) -> str | None:
        """The official designation of a Stadt or Gemeinde, as the Gemeindeverzeichnis
        gives it after the name (written out): ``Hansestadt`` for ``Lüneburg,
        Hansestadt``, ``Große Kreisstadt`` for ``Dachau, GKSt``, ``Markt`` for ``…, M``,
        ``Universitätsstadt``; else its kind (``textkennzeichen``): ``Stadt``, ``Große
        Kreisstadt`` (67, also for ``Böblingen, Stadt``) or ``Gemeinde``. ``None`` for a
        Kreis, Land or Regierungsbezirk. (The Große Kreisstädte of Sachsen and Thüringen
        are 63 in the directory, so ``Stadt``: see :attr:`unmarked_grosse_kreisstadt`.)

        Of several designations, the first that states the status (``Stadt``,
        ``Kreisstadt``, ``Große Kreisstadt``, ``Markt``, ``Gemeinde`` …) is taken, not an
        honorary one beside it: ``Kreisstadt`` for ``Homberg (Efze), Reformationsstadt,
        Kreisstadt``. A by-name after the designation is left out (``Hansestadt`` for
        ``Schwerte, Hansestadt an der Ruhr``, ``Stadt`` for ``Horstmar, Stadt der
        Burgmannshöfe``); a suffix that is a by-name alone (``Kurort``, ``Tor zur Eifel``)
        is passed over. A gemeindefreies Gebiet (a forest, a lake, a military training
        area: no Gemeinde, no council) is ``gemeindefreies Gebiet``, or ``gemeindefreier
        Bezirk`` for the two inhabited ones (Lohheide, Osterheide).

        .. versionadded:: 0.2.0
        """
        if len(self.ags) != 8:
            return None
        if self.unincorporated:
            inhabited = self.textkennzeichen == "65"
            return "gemeindefreier Bezirk" if inhabited else "gemeindefreies Gebiet"
        found = [d for d in map(_designation_in, self.name.split(",")[1:]) if d is not None]
        designation = next((d for d in found if d in _STATUS_DESIGNATIONS), None)
        if designation in (None, "Stadt") and self.textkennzeichen == _GROSSE_KREISSTADT:
            return "Große Kreisstadt"  # "Böblingen, Stadt": its kind says more
        if designation is not None or found:
            return designation or found[0]
        return "Stadt" if self.kind in (TerritoryKind.TOWN, TerritoryKind.CITY) else "Gemeinde"

    @property
    def unmarked_grosse_kreisstadt(self) -> bool:
        """Whether the unit may be a Große Kreisstadt that the Gemeindeverzeichnis does
        not mark as one: a Stadt (63) of Sachsen or Thüringen whose designation is
        ``Stadt``. There the directory gives Große Kreisstädte as 63, like every other
        Stadt (``Pirna, Stadt``), so :attr:`designation` says ``Stadt``; the library does
        not guess which they are (``init`` says so, and the title can be changed in
        ``konzept.yaml``).

        .. versionadded:: 0.1.0
        """
        return (
            self.textkennzeichen == "63"
            and self.ags[:2] in _GROSSE_KREISSTADT_UNMARKED
            and self.designation == "Stadt"
        )

    def language_names(self) -> frozenset[str]:
        """Each language's name of a bilingual official name (normalised), which the
        Gemeindeverzeichnis writes German / Sorbian: ``Bautzen`` and ``Budyšin`` for
        ``Bautzen / Budyšin``, ``Lübben (Spreewald)`` and ``Lubin (Błota)``; empty for
        any other name. (A slash without spaces is part of one name — ``Lahr/Schwarzwald``,
        ``Cottbus/Chóśebuz`` — whose beginning finds it.)

        .. versionadded:: 0.2.0
        """
        parts = self.short_name.split(" / ")
        if len(parts) < 2:
            return frozenset()
        return frozenset(_normal(part) for part in parts if part.strip())

    def names(self) -> frozenset[str]:
        """Every spelling that names this unit (normalised): official, short, display,
        with the official suffix before the name (:attr:`titled_names`), each language's
        name of a bilingual one (:attr:`language_names`), with ``Stadt``, ``Gemeinde``
        or ``Markt`` before it."""
        short = _normal(self.short_name)
        full = _normal(self.name) if "," in self.name else short
        if len(self.ags) == 8:
            bare = (short, *self.language_names())
            prefixed = [full, *bare]
            prefixed += [
                f"{kind} {name}" for name in bare for kind in ("stadt", "gemeinde", "markt")
            ]
            return frozenset(prefixed) | self.titled_names()
        return frozenset(
            (full, short, _normal(self.display_name), f"kreis {short}", f"landkreis {short}")
        )

    def to_territory(self) -> Territory:
        """The model's :class:`~kommunale_integration.Territory` for this unit."""
        return Territory(
            ags=self.ags,
            name=self.display_name,
            kind=self.kind,
            parent=self.parent,
        )


@attrs.frozen(kw_only=True)
class TerritoryCatalogue:
    """The Gemeindeverzeichnis of one Gebietsstand, indexed by AGS and by name.

    Attributes:
        gebietsstand: The day whose boundaries the catalogue describes.
        population_date: The reference day of the population figures.
        source: Where the catalogue came from (the official file's name).
        entries: The units, ordered by AGS.

    .. versionadded:: 0.1.0
    """

    gebietsstand: date
    population_date: date | None
    source: str
    entries: tuple[OfficialTerritory, ...]
    attribution: str = ATTRIBUTION
    licence: str = LICENCE
    _by_ags: dict[str, OfficialTerritory] = attrs.field(init=False, repr=False, eq=False)
    _by_name: dict[str, list[OfficialTerritory]] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_ags", {e.ags: e for e in self.entries})

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, ags: object) -> bool:
        return ags in self._by_ags

    def get(self, ags: str) -> OfficialTerritory | None:
        """The unit with this AGS, or ``None``."""
        return self._by_ags.get(ags)

    def require(self, ags: str) -> OfficialTerritory:
        """The unit with this AGS.

        Raises:
            KommunaleIntegrationError: the AGS does not exist at this Gebietsstand (the
                one message for it, with how to load a newer catalogue).
        """
        entry = self.get(ags)
        if entry is None:
            raise KommunaleIntegrationError(
                tr(
                    "the AGS {ags} does not exist in the Gemeindeverzeichnis (Gebietsstand "
                    "{stand}); check it, or load the current official file with "
                    "'kommunale-integration territories update' and pass it with --catalogue",
                    ags=shown(ags),
                    stand=format_date(self.gebietsstand),
                )
            )
        return entry

    def municipalities(self, prefix: str = "") -> list[OfficialTerritory]:
        """The Städte und Gemeinden (8-digit AGS) whose AGS starts with *prefix*."""
        return [e for e in self.entries if len(e.ags) == 8 and e.ags.startswith(prefix)]

    def describe(self, ags: str) -> str:
        """``Wettringen (05566096), Kreis Steinfurt, Nordrhein-Westfalen``; the AGS if unknown."""
        entry = self.get(ags)
        if entry is None:
            return ags
        parts = [f"{entry.display_name} ({ags})"]
        for level in (5, 2):
            upper = self.get(ags[:level]) if len(ags) > level else None
            if upper is not None and not (level == 5 and upper.kreisfrei):
                parts.append(upper.display_name)
        return ", ".join(parts)

    def _name_index(self) -> dict[str, list[OfficialTerritory]]:
        index = self._by_name
        if not index:
            for entry in self.entries:
                size = len(entry.ags)
                if size not in (5, 8) or entry.textkennzeichen in _KREISFREI:
                    continue
                name = entry.name
                short = _normal(name.split(",", 1)[0])
                index.setdefault(short, []).append(entry)
                if "," in name:
                    index.setdefault(_normal(name), []).append(entry)
                    for titled in entry.titled_names() if size == 8 else ():
                        index.setdefault(titled, []).append(entry)
                for spoken in entry.language_names() if size == 8 else ():
                    index.setdefault(spoken, []).append(entry)
                if size == 5:
                    display = _normal(entry.display_name)
                    if display != short:
                        index.setdefault(display, []).append(entry)
        return index

    def find(self, name: str) -> list[OfficialTerritory]:
        """The Kreise, Städte and Gemeinden that *name* may mean: :meth:`candidates`,
        those carrying exactly that name first, then those whose names begin with it.

        ``Neustadt`` finds ``Neustadt an der Weinstraße`` and ``Neustadt a.d.Donau``;
        ``Weiden`` finds the Gemeinde Weiden (Landkreis Birkenfeld) and then ``Weiden
        i.d.OPf.``. A kreisfreie Stadt is found as its Gemeinde (8 digits).
        """
        exact, beginning = self.candidates(name)
        return exact + beginning

    def candidates(self, name: str) -> tuple[list[OfficialTerritory], list[OfficialTerritory]]:
        """The units called exactly *name*, and the Städte and Gemeinden whose names
        begin with *name* as a word; each list ordered by AGS.

        An exact spelling is ``Wettringen``, ``Coesfeld, Stadt``, ``Stadt Coesfeld``,
        ``Kreis Steinfurt``; where a Gemeinde and a Kreis share the name, only the
        Gemeinde is exact (say ``Kreis …`` for the Kreis). A name begins another as a
        word when a non-letter follows: ``Neustadt`` begins ``Neustadt (Hessen)`` but not
        ``Neustadtgödens``. Both lists are the candidates a name may mean: ``Weiden``
        is a village in Landkreis Birkenfeld and the beginning of ``Weiden i.d.OPf.``,
        ``Oldenburg`` a Landkreis and the beginning of ``Oldenburg (Oldb)``; whoever
        chooses for the user must weigh both (:func:`~kommunale_integration.choose_territory`).
        A name with ``Kreis``/``Landkreis`` before it has no beginnings (it asks for the
        Kreis).
        """
        wanted = _normal(name)
        if not wanted:
            return [], []
        index = self._name_index()
        exact = index.get(wanted, [])
        stem: str | None = wanted
        if exact:
            exact = [e for e in exact if len(e.ags) == 8] or exact
        else:
            for prefix, size in _PREFIXES:
                if wanted.startswith(prefix):
                    found = [e for e in index.get(wanted[len(prefix) :], []) if len(e.ags) == size]
                    if found:
                        exact, stem = found, wanted[len(prefix) :] if size == 8 else None
                        break
                    if size == 8:
                        # "Stadt Lahr": the Städte whose names begin with "Lahr"
                        stem = wanted[len(prefix) :]
                        break
        exact = sorted(exact, key=lambda e: e.ags)
        if stem is None:
            return exact, []
        pattern = re.compile(re.escape(stem) + r"(?![^\W\d_])")
        taken = {e.ags for e in exact}
        beginning = [
            e
            for e in self.entries
            if len(e.ags) == 8
            and e.ags not in taken
            and pattern.match(_normal(e.short_name)) is not None
        ]
        return exact, beginning

    def kreise_named(self, name: str) -> list[OfficialTerritory]:
        """The Kreise called exactly *name* where a Stadt or Gemeinde of that name is
        what :meth:`candidates` finds (``Görlitz``: Landkreis Görlitz, 14626), so that a
        look-up can say how to mean the Kreis.

        .. versionadded:: 0.2.0
        """
        wanted = _normal(name)
        if not any(len(e.ags) == 8 for e in self._name_index().get(wanted, [])):
            return []
        # "Görlitz", or a kind before it: "Landkreis Rostock", "Region Hannover"
        return [
            e
            for e in self.entries
            if len(e.ags) == 5
            and e.textkennzeichen not in _KREISFREI
            and wanted in (_normal(e.short_name), _normal(e.display_name).partition(" ")[2])
        ]

    def lookup(self, name: str) -> tuple[list[OfficialTerritory], bool]:
        """The units called exactly *name* and ``True``; without any, those whose names
        begin with it and ``False`` (``Neustadt`` → ``Neustadt an der Weinstraße`` …).

        For a name in data (a cell), where only an exact spelling is trusted; a choice
        for the user weighs both (:meth:`candidates`).
        """
        exact, beginning = self.candidates(name)
        return (exact, True) if exact else (beginning, False)

    def require_name(self, name: str) -> tuple[list[OfficialTerritory], list[OfficialTerritory]]:
        """Like :meth:`candidates`, for a name that must name something.

        Raises:
            KommunaleIntegrationError: no Kreis, Stadt or Gemeinde has that name (the
                one message for it, with what to check).
        """
        exact, beginning = self.candidates(name)
        if not exact and not beginning and (bezirk := stadtstaat_bezirk(name)):
            return [self.require(bezirk[0])], []
        if not exact and not beginning and (why := _not_a_unit(name, self)):
            raise KommunaleIntegrationError(why)
        if not exact and not beginning:
            message = tr(
                "there is no Kreis, Stadt or Gemeinde '{name}' in the "
                "Gemeindeverzeichnis (Gebietsstand {stand}): check the spelling or "
                "give the Amtlicher Gemeindeschlüssel with --ags (8 digits for a Stadt "
                "or Gemeinde, 5 for a Kreis)",
                name=clip(name),
                stand=format_date(self.gebietsstand),
            )
            if within := self.containing(name):
                message += tr(
                    "; names with it: {names}",
                    names="; ".join(self.describe(e.ags) for e in within[:5]),
                )
            elif near := self.similar(name):
                message += tr(
                    "; similar names: {names}",
                    names="; ".join(self.describe(e.ags) for e in near),
                )
            raise KommunaleIntegrationError(message)
        return exact, beginning

    def similar(self, name: str, limit: int = 5) -> list[OfficialTerritory]:
        """The Kreise, Städte and Gemeinden whose spellings are close to *name*, closest
        first: a typing error or another way of writing the name (``Munchen``,
        ``Halle/Saale``, ``Frankfurt a.M.``, ``Landau i.d.Pfalz``); at most *limit*.

        .. versionadded:: 0.2.0
        """
        wanted = _normal(name)
        if len(wanted) < 3:
            return []
        index = self._name_index()
        found: dict[str, OfficialTerritory] = {}
        for key in difflib.get_close_matches(wanted, index, n=3 * limit, cutoff=0.75):
            for entry in index[key]:
                found.setdefault(entry.ags, entry)
        return list(found.values())[:limit]

    def containing(self, name: str) -> list[OfficialTerritory]:
        """The Städte and Gemeinden whose names have *name* as a word further on
        (``Indersdorf`` → ``Markt Indersdorf``), by population, largest first."""
        wanted = _normal(name)
        if len(wanted) < 3:
            return []
        word = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")
        found = {
            e.ags: e
            for key, entries in self._name_index().items()
            if word.search(key)
            for e in entries
            if len(e.ags) == 8
        }
        return sorted(found.values(), key=lambda e: (-(e.population or 0), e.ags))

    def within(
        self,
        units: Iterable[OfficialTerritory],
        *,
        kreis: str | None = None,
        land: str | None = None,
    ) -> list[OfficialTerritory]:
        """The *units* that lie in the Kreis *kreis* and in the Land *land* (see :meth:`areas`).

        Raises:
            KommunaleIntegrationError: *kreis* or *land* names no Kreis or Land.
        """
        found = list(units)
        for text, size in ((kreis, 5), (land, 2)):
            if text is None:
                continue
            areas = self.areas(text, size)
            if not areas and size == 5:
                raise KommunaleIntegrationError(
                    tr("there is no Kreis '{kreis}' in the Gemeindeverzeichnis", kreis=clip(text))
                )
            if not areas:
                raise KommunaleIntegrationError(
                    tr("there is no Land '{land}' in the Gemeindeverzeichnis", land=clip(text))
                )
            codes = tuple(a.ags for a in areas)
            found = [e for e in found if e.ags.startswith(codes)]
        return found

    def areas(self, text: str, size: int) -> list[OfficialTerritory]:
        """The Kreise (*size* 5) or Länder (*size* 2) that *text* names, ordered by AGS.

        *text* is an AGS of that size (a lost leading zero is added: ``9`` is Bayern)
        or a name: ``Steinfurt``, ``Kreis Steinfurt``, ``Landkreis Ansbach`` (the name
        ``Ansbach`` means both the Landkreis and the kreisfreie Stadt), ``Bayern``; a
        Land also by its abbreviation (``BY``, ``NRW``, ``DE-BY``).
        """
        clean = text.strip()
        if clean.isascii() and clean.isdigit() and len(clean) <= size:
            entry = self.get(clean.zfill(size))
            return [entry] if entry is not None else []
        wanted = _normal(clean)
        if size == 2:
            code = _LAND_ABBREVIATIONS.get(wanted.removeprefix("de-"))
            if code is not None:
                entry = self.get(code)
                return [entry] if entry is not None else []
        return [e for e in self.entries if len(e.ags) == size and wanted in e.names()]

    def matches(self, ags: str, name: str) -> bool:
        """Whether *name* is a spelling of the unit *ags* (official, short, with prefix),
        or a Bezirk of the Stadtstaat *ags* (Neukölln for Berlin: see
        ``stadtstaat_bezirk``)."""
        entry = self.get(ags)
        if entry is None:
            return False
        return _normal(name) in entry.names() or (stadtstaat_bezirk(name) or ("",))[0] == ags

    def suggest(self, name: str, near: str = "") -> list[OfficialTerritory]:
        """The units *name* may mean, those sharing the longest AGS prefix with *near* first.

        Used for "did you mean": a Gemeinde named Wettringen next to the AGS 05566088
        (Kreis Steinfurt) is the one in Kreis Steinfurt, not the one in Bavaria.
        """
        found = self.find(name)
        for level in (5, 2):
            close = [e for e in found if near and e.ags.startswith(near[:level])]
            if close:
                return close
        return found


# --------------------------------------------------------------------------- package data


@functools.cache
def territory_catalogue() -> TerritoryCatalogue:
    """The national territory catalogue shipped with the library (read once, then cached).

    .. versionadded:: 0.1.0
    """
    text = resources.files("kommunale_integration").joinpath(*_PACKAGE_FILE).read_text("utf-8")
    return _parse_catalogue(text, "/".join(_PACKAGE_FILE))


def package_header() -> dict[str, str]:
    """The metadata lines of the shipped catalogue (Gebietsstand …), without reading it all."""
    meta: dict[str, str] = {}
    with (
        resources.files("kommunale_integration")
        .joinpath(*_PACKAGE_FILE)
        .open("r", encoding="utf-8") as handle
    ):
        for line in handle:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].rstrip("\n").partition("\t")
            meta[key] = value
    return meta


def load_territory_catalogue(path: str | Path) -> TerritoryCatalogue:
    """Read a catalogue written by :func:`write_territory_catalogue`.

    Raises:
        LoadError: when the file cannot be read or is not such a catalogue (the
            finding names file and row).

    .. versionadded:: 0.1.0
    """
    from ._loaders._common import read_text_file

    try:
        text = read_text_file(path)
    except LoadError as error:  # the reader's findings, under the code of catalogues
        findings = [attrs.evolve(f, code="invalid-territory-catalogue") for f in error.findings]
        raise LoadError(findings) from None
    return _parse_catalogue(text, str(path))


def _read(file: Path) -> bytes:
    """The bytes of *file*, read by the one file reader of the loaders."""
    from ._loaders._common import Collector, LoadOptions, read_bytes

    collector = Collector(LoadOptions())
    data = read_bytes(file, str(file), collector)
    if data is None:
        raise LoadError(collector.findings)
    return data


def _finding(file: str, row: int | None, message: str, column: str | None = None) -> Finding:
    return Finding(
        code="invalid-territory-catalogue",
        severity=Severity.ERROR,
        message=message,
        location=Location(file=file, row=row, column=column),
    )


def _parse_catalogue(text: str, display: str) -> TerritoryCatalogue:
    meta: dict[str, str] = {}
    entries: list[OfficialTerritory] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            key, _, value = line[1:].partition("\t")
            meta[key] = value
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != _COLUMNS:
                header = "|".join(_COLUMNS)
                raise LoadError(
                    [_finding(display, number, tr("expected the header {header}", header=header))]
                )
            header_seen = True
            continue
        if len(cells) != len(_COLUMNS) or not cells[0].isdigit():
            message = tr("expected {n} tab-separated cells", n=len(_COLUMNS))
            raise LoadError([_finding(display, number, message)])
        ags, code, name, people, area = cells
        entries.append(
            OfficialTerritory(
                ags=ags,
                name=name,
                textkennzeichen=code,
                population=int(people) if people else None,
                area_km2=Decimal(area) if area else None,
            )
        )
    try:
        stand = date.fromisoformat(meta.get("gebietsstand", ""))
        people_date = meta.get("bevoelkerungsstand")
        population_date = date.fromisoformat(people_date) if people_date else None
    except ValueError:
        raise LoadError(
            [
                _finding(
                    display,
                    None,
                    tr(
                        "the lines #gebietsstand and #bevoelkerungsstand need dates like 2024-12-31"
                    ),
                )
            ]
        ) from None
    return TerritoryCatalogue(
        gebietsstand=stand,
        population_date=population_date,
        source=meta.get("quelle", display),
        entries=tuple(entries),
    )


def format_territory_catalogue(catalogue: TerritoryCatalogue) -> str:
    """The compact text form of *catalogue* (what :func:`load_territory_catalogue` reads)."""
    out = io.StringIO()
    out.write(f"#gebietsstand\t{catalogue.gebietsstand.isoformat()}\n")
    if catalogue.population_date is not None:
        out.write(f"#bevoelkerungsstand\t{catalogue.population_date.isoformat()}\n")
    out.write(f"#quelle\t{catalogue.source}\n")
    out.write(f"#namensnennung\t{catalogue.attribution}\n")
    out.write(f"#lizenz\t{catalogue.licence}\n")
    out.write("\t".join(_COLUMNS) + "\n")
    for e in catalogue.entries:
        people = "" if e.population is None else str(e.population)
        area = "" if e.area_km2 is None else str(e.area_km2)
        out.write(f"{e.ags}\t{e.textkennzeichen}\t{e.name}\t{people}\t{area}\n")
    return out.getvalue()


def write_territory_catalogue(catalogue: TerritoryCatalogue, path: str | Path) -> Path:
    """Write *catalogue* atomically in the compact form; return the path.

    .. versionadded:: 0.1.0
    """
    from ._io import atomic_write

    return atomic_write(path, format_territory_catalogue(catalogue))


# --------------------------------------------------------------------------- concept setting


def record_territory_catalogue(
    concept: str | Path, catalogue_file: str | Path, catalogue: TerritoryCatalogue
) -> dict[str, tuple[str | None, str]]:
    """Record in a concept's ``konzept.yaml`` which Gebietsstand it is built on.

    Sets ``gebietsstand`` to the catalogue's Gebietsstand and ``territory_catalogue`` to
    *catalogue_file* (relative to the concept folder where it lies inside it), so that
    ``validate`` and ``report`` check the territories against it. Only those two lines
    change: every comment, the order and the formatting of the rest stay as they were
    (a missing key is added after ``territory:``). The file is parsed before and after
    the edit and written atomically only when nothing else differs.

    The command ``kommunale-integration territories update FILE --output PATH --concept
    DIR`` calls it.

    Args:
        concept: The concept folder, or its ``konzept.yaml``.
        catalogue_file: Where the catalogue was written
            (:func:`write_territory_catalogue`).
        catalogue: The catalogue written there.

    Returns:
        ``{key: (old value or None, new value)}`` for the keys that changed.

    Raises:
        KommunaleIntegrationError: when there is no ``konzept.yaml`` (a JSON or TOML
            main file is not edited), or a key cannot be changed on its line (a value
            over several lines); the file is then left as it was.

    .. versionadded:: 0.1.0
    """
    from ._io import atomic_write
    from ._loaders._common import Collector, LoadOptions, read_bytes
    from ._text import parse_yaml

    main = _main_yaml(Path(concept))
    collector = Collector(LoadOptions())
    data = read_bytes(main, str(main), collector)
    if data is None:
        raise LoadError(collector.findings)
    folder = main.parent.resolve()
    target = Path(catalogue_file).resolve()
    where = target.relative_to(folder).as_posix() if target.is_relative_to(folder) else str(target)
    wanted = {"gebietsstand": catalogue.gebietsstand.isoformat(), "territory_catalogue": where}
    refusal = KommunaleIntegrationError(
        tr(
            "{file}: gebietsstand and territory_catalogue cannot be set here without "
            "changing more; set them by hand: gebietsstand: {stand}, "
            "territory_catalogue: {catalogue}",
            file=str(main),
            stand=wanted["gebietsstand"],
            catalogue=where,
        )
    )
    try:
        text = data.decode("utf-8")  # line ends as they are (CRLF stays)
    except UnicodeDecodeError:
        raise refusal from None
    before = parse_yaml(text.removeprefix("\ufeff"), file=main.name)
    edited = text
    for key, value in wanted.items():
        edited = _set_top_level(edited, key, value)
    try:
        after = parse_yaml(edited.removeprefix("\ufeff"), file=main.name)
    except LoadError:
        after = None  # e.g. a key now twice
    if not isinstance(before, dict) or after != {**before, **wanted}:
        raise refusal
    changes = {
        key: (None if before.get(key) is None else str(before[key]), value)
        for key, value in wanted.items()
        if before.get(key) != value
    }
    if changes:
        atomic_write(main, edited, edit=True)
    return changes


def _main_yaml(concept: Path) -> Path:
    if concept.is_dir():
        for name in ("konzept.yaml", "konzept.yml"):
            if (concept / name).is_file():
                return concept / name
    elif concept.suffix.lower() in {".yaml", ".yml"} and concept.is_file():
        return concept
    raise KommunaleIntegrationError(
        tr(
            "{path} is no concept folder with a konzept.yaml (a konzept.json or "
            "konzept.toml is not edited; set gebietsstand and territory_catalogue by hand)",
            path=str(concept),
        )
    )


def _set_top_level(text: str, key: str, value: str) -> str:
    """*text* with the top-level *key* set to the plain scalar *value* on its own line.

    The value is written double-quoted where YAML would read it otherwise; a comment
    after the old value stays. A missing key is added after the ``gebietsstand:`` or
    else the ``territory:`` line (or at the end).
    """
    plain = re.fullmatch(r"[\w./-]+", value) is not None and value[0] not in "-."
    scalar = value if plain else json.dumps(value)
    lines = text.splitlines(keepends=True)
    pattern = re.compile(
        rf"^{re.escape(key)}[ \t]*:(?P<space>[ \t]*)(?P<value>[^#\r\n]*?)"
        r"(?P<rest>[ \t]+#[^\r\n]*)?(?P<end>\r?\n?)$"
    )
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if match is None:
            continue
        old = match.group("value")
        if not old or old[0] in "|>":
            break  # a value on the following lines: not edited here
        space = match.group("space") or " "
        rest = match.group("rest") or ""
        if rest:
            # Keep the comment in its column where the new value leaves room.
            width = len(old) + len(rest) - len(rest.lstrip(" \t"))
            rest = " " * max(1, width - len(scalar)) + rest.lstrip(" \t")
        lines[index] = f"{key}:{space}{scalar}{rest}{match.group('end')}"
        return "".join(lines)
    else:
        newline = "\r\n" if text.endswith("\r\n") else "\n"
        new = f"{key}: {scalar}{newline}"
        anchors = [i for i, line in enumerate(lines) if re.match(r"territory[ \t]*:", line)]
        anchors += [i for i, line in enumerate(lines) if re.match(r"gebietsstand[ \t]*:", line)]
        anchor = anchors[-1] if anchors else None
        if anchor is None:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += newline
            lines.append(new)
        else:
            lines.insert(anchor + 1, new)
        return "".join(lines)
    return text  # unchanged: the caller's check reports it


# --------------------------------------------------------------------------- official file

#: Satzart codes kept: Land, Regierungsbezirk, Kreis, Gemeinde (not Region 30, Verband 50).
_KEPT = {"10": 2, "20": 3, "40": 5, "60": 8}
_WIDTHS = (("land", 2, 2), ("rb", 3, 1), ("kreis", 4, 2), ("gemeinde", 6, 3))
_HEADERS = (
    "satzart",
    "textkennzeichen",
    "land",
    "rb",
    "kreis",
    "vb",
    "gemeinde",
    "gemeindename",
    "flaeche",
    "bevoelkerung",
)
_STAND = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _rows(data: bytes, display: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """Every row of every worksheet (XLSX) or of the CSV file, numbered from 1."""
    from ._loaders._common import Collector, LoadOptions, decode_text

    collector = Collector(LoadOptions())
    if data.startswith(b"PK\x03\x04"):
        from ._loaders._formats import xlsx_rows

        yield from xlsx_rows(data, display, collector, every_sheet=True)
        if collector.error_count():
            raise LoadError(collector.findings)
        return
    text = decode_text(data, display, collector)
    if text is None:
        raise LoadError(collector.findings)
    from ._loaders._formats import detect_delimiter

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        message = tr("malformed CSV: {problem}", problem=foreign_text(exc))
        raise LoadError([_finding(display, reader.line_num, message)]) from None


def _number(text: str, display: str, row: int, column: str) -> Decimal | None:
    from ._converter import parse_decimal

    if not text:
        return None
    try:
        # Print format: "90 164" (spaces group thousands), "53.02" (decimal point).
        number = parse_decimal(text, german=False)
    except ValueError as exc:
        raise LoadError([_finding(display, row, str(exc), column)]) from None
    if number < 0:  # an inhabitant count or an area
        message = tr("must not be negative, got {found}", found=number)
        raise LoadError([_finding(display, row, message, column)])
    return number


def _official_row(cells: Sequence[Any], display: str, row: int) -> OfficialTerritory | None:
    texts = [_cell_text(c) for c in cells] + [""] * max(0, len(_HEADERS) - len(cells))
    size = _KEPT.get(texts[0])
    if size is None:
        return None
    parts: list[str] = []
    for column, index, width in _WIDTHS:
        if len("".join(parts)) >= size:
            break
        value = texts[index]
        if value.isdigit() and len(value) < width:
            value = value.zfill(width)  # a code Excel turned into a number
        if not (value.isascii() and value.isdigit() and len(value) == width):
            raise LoadError(
                [
                    _finding(
                        display,
                        row,
                        ntr(
                            "expected {n} digit for {column}",
                            "expected {n} digits for {column}",
                            width,
                            column=column,
                        ),
                        column,
                    )
                ]
            )
        parts.append(value)
    name = texts[7]
    problem = _name_problem(name)
    if problem:
        raise LoadError([_finding(display, row, problem, "gemeindename")])
    people = _number(texts[9], display, row, "bevoelkerung")
    return OfficialTerritory(
        ags="".join(parts),
        name=name,
        textkennzeichen=texts[1],
        population=int(people) if people is not None else None,
        area_km2=_number(texts[8], display, row, "flaeche"),
    )


def _name_problem(name: str) -> str | None:
    """What makes *name* unfit for the catalogue and the concepts made from it, if anything.

    A tab or a line break broke the catalogue file (``territories update`` wrote one
    that it could not read back); a character no output can hold made ``init`` write a
    ``konzept.yaml`` that does not load.
    """
    from ._text import character_problem

    if not name:
        return tr("the name is empty")
    if any(c in name for c in "\t\r\n"):
        return tr("the name holds a tab or a line break; a name is one line")
    return character_problem(name)


def read_gemeindeverzeichnis(
    path: str | Path,
    *,
    gebietsstand: date | None = None,
    population_date: date | None = None,
) -> TerritoryCatalogue:
    """Read the official GV-ISys "Auszug" of Destatis (XLSX as published, or as CSV).

    Rows are recognised by their Satzart in the first column (10 Land, 20
    Regierungsbezirk, 40 Kreis, 60 Gemeinde; Regionen and Gemeindeverbände are not
    kept), so title rows, multi-line headers and explanatory sheets are skipped. The
    columns are those of the official file: Satzart, Textkennzeichen, Land, RB, Kreis,
    VB, Gemeinde, Name, Fläche, Bevölkerung … Numbers formatted for print (``90 164``)
    are read; a code that lost its leading zero in Excel (Land ``5``) is padded.

    Args:
        path: The ``.xlsx`` or ``.csv`` file.
        gebietsstand: The Gebietsstand; by default taken from the title rows of the
            XLSX ("… am 31.12.2020"). A CSV without title rows needs it.
        population_date: Reference day of the population figures, if known.

    Raises:
        LoadError: for an unreadable file, a malformed row (file, row and column are
            named) or an unknown Gebietsstand.

    .. versionadded:: 0.1.0
    """
    file = Path(path)
    display = str(file)
    data = _read(file)
    entries: dict[str, OfficialTerritory] = {}
    found_stand: date | None = None
    for row, cells in _rows(data, display):
        entry = _official_row(cells, display, row) if cells else None
        if entry is None:
            if found_stand is None and not entries:
                found_stand = _stand_in(cells)
            continue
        if entries.setdefault(entry.ags, entry) is not entry:
            message = tr("the AGS {ags} occurs twice", ags=entry.ags)
            raise LoadError([_finding(display, row, message)])
    if not entries:
        raise LoadError(
            [
                _finding(
                    display,
                    None,
                    tr(
                        "no rows of the Gemeindeverzeichnis found: the first column must hold "
                        "the Satzart (10, 20, 40, 60) as in the official GV-ISys file"
                    ),
                )
            ]
        )
    stand = gebietsstand or found_stand
    if stand is None:
        raise LoadError(
            [
                _finding(
                    display,
                    None,
                    tr("the file does not say its Gebietsstand; give it (e.g. 2024-12-31)"),
                )
            ]
        )
    return TerritoryCatalogue(
        gebietsstand=stand,
        population_date=population_date,
        source=file.name,
        entries=tuple(sorted(entries.values(), key=lambda e: e.ags)),
    )


def _stand_in(cells: Iterable[Any]) -> date | None:
    """The date of a title row such as "Gebietsstand: 31.12.2020" or "… am 31.12.2020"."""
    for cell in cells:
        text = _cell_text(cell)
        match = _STAND.search(text) if ("Gebietsstand" in text or " am " in text) else None
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def territory_attribution(
    catalogue: TerritoryCatalogue | None = None,
    *,
    gebietsstand: date | None = None,
    lang: str | None = None,
) -> str:
    """The colophon line the licence asks for: source, Gebietsstand and licence.

    ``Gemeindeverzeichnis, Gebietsstand 31.12.2020: © Statistisches Bundesamt (Destatis),
    Gemeindeverzeichnis-Informationssystem GV-ISys (dl-de/by-2-0)``. Reports and
    directories that show names or figures from the catalogue print it in their
    colophon; without *catalogue* it describes the shipped one and reads only the header
    of the package data.

    Args:
        catalogue: The catalogue used (default: the shipped one).
        gebietsstand: The Gebietsstand to name instead of the catalogue's: a report
            names the one its concept records (``gebietsstand:`` in ``konzept.yaml``).
        lang: The language of the words around the attribution (``de``, ``en``;
            default: the language of messages, German outside the command line). The
            attribution itself stays as Destatis words it:

    >>> import kommunale_integration as ki
    >>> ki.territory_attribution(lang="en").split(": ©")[0]
    'Gemeindeverzeichnis (municipality directory), territorial status 31 December 2020'

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 *lang*.
    """
    if catalogue is None:
        stand = gebietsstand or date.fromisoformat(package_header()["gebietsstand"])
        attribution = ATTRIBUTION
    else:
        stand, attribution = gebietsstand or catalogue.gebietsstand, catalogue.attribution
    return tr(
        "Gemeindeverzeichnis (municipality directory), territorial status {date}: "
        "{attribution} (dl-de/by-2-0)",
        lang=lang,
        date=format_date(stand, lang=lang),
        attribution=attribution,
    )


def catalogue_for(concept: Any, folder: str | Path | None = None) -> TerritoryCatalogue:
    """The catalogue to check a concept against: its ``territory_catalogue`` or the shipped one.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        folder: The concept folder; a relative ``territory_catalogue`` is read from it.

    Raises:
        LoadError: when the named catalogue cannot be read.

    .. versionadded:: 0.1.0
    """
    named = getattr(concept, "territory_catalogue", None)
    if not named:
        return territory_catalogue()
    path = Path(named)
    if not path.is_absolute() and folder is not None:
        base = Path(folder)
        path = (base if base.is_dir() else base.parent) / path
    return load_territory_catalogue(path)


def place_name(ags: str, catalogue: TerritoryCatalogue | None = None) -> str:
    """A territory outside the concept for people: ``Rheine (Kreis Steinfurt)``.

    A Stadt or Gemeinde is named with its Kreis (a kreisfreie Stadt alone), a Kreis or
    Land by its name; an AGS the catalogue does not know is returned unchanged.

    .. versionadded:: 0.1.0
    """
    book = catalogue or territory_catalogue()
    entry = book.get(ags)
    if entry is None:
        return ags
    kreis = book.get(ags[:5]) if len(ags) == 8 else None
    if kreis is None or kreis.kreisfrei:
        return entry.display_name
    return f"{entry.display_name} ({kreis.display_name})"


# --------------------------------------------------------------------------- population


@attrs.frozen(kw_only=True)
class Population:
    """The number of inhabitants of a territory, with its reference day and source.

    Attributes:
        ags: The territory.
        value: Inhabitants.
        reference_date: The day the figure refers to (``None`` when parts differ).
        source: ``"concept"`` when the concept gave the figure (or a part of a sum),
            ``"catalogue"`` when it comes from the Gemeindeverzeichnis.

    .. versionadded:: 0.1.0
    """

    ags: str
    value: int
    reference_date: date | None
    source: str


#: The data element that expressions and indicators use for the population.
POPULATION = "population"


def population_of(
    concept: Any, ags: str, catalogue: TerritoryCatalogue | None = None
) -> Population | None:
    """The population of *ags*: the concept's own figure, else the catalogue's.

    A Stadt or Gemeinde has the figure the concept gives it (``population`` and
    ``population_date`` of its territory) or, without one, the catalogue's (with the
    catalogue's population date). A Kreis or Land is the sum of its Städte und
    Gemeinden — those the concept lists under it, else all of the catalogue. ``None``
    when a figure is missing.

    .. versionadded:: 0.1.0
    """
    book = catalogue or territory_catalogue()
    if len(ags) == 8:
        own = concept.territory_of(ags) if concept is not None else None
        if own is not None and own.population is not None:
            return Population(
                ags=ags, value=own.population, reference_date=own.population_date, source="concept"
            )
        entry = book.get(ags)
        if entry is None or entry.population is None:
            return None
        return Population(
            ags=ags,
            value=entry.population,
            reference_date=book.population_date,
            source="catalogue",
        )
    listed = [t.ags for t in concept.municipalities() if t.ags.startswith(ags)] if concept else []
    towns = listed or [e.ags for e in book.municipalities(ags)]
    parts = [population_of(concept, town, book) for town in towns]
    if not parts or any(p is None for p in parts):
        return None
    present = [p for p in parts if p is not None]
    dates = {p.reference_date for p in present}
    return Population(
        ags=ags,
        value=sum(p.value for p in present),
        reference_date=dates.pop() if len(dates) == 1 else None,
        source="concept" if any(p.source == "concept" for p in present) else "catalogue",
    )
