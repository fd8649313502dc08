"""Default catalogues (Kataloge), shipped as package data and replaceable by users.

A catalogue is a list of codes with German and English labels: Handlungsfelder, actor
categories, Rechtskreise, target groups and status symbols. Every catalogue is a
default: a town with other fields of action loads its own file with
:func:`load_catalogue` (``path=...``) and passes it where a catalogue is accepted.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ._errors import Finding, LoadError, Location, Severity, shown
from ._i18n import N_, tr
from ._model import Territory

__all__ = [
    "CATALOGUE_NAMES",
    "CATALOGUE_USES",
    "Catalogue",
    "CatalogueEntry",
    "catalogues_rst",
    "catalogues_text",
    "default_territories",
    "load_catalogue",
]

CATALOGUE_NAMES = ("fields", "actor_categories", "legal_bases", "target_groups", "status_symbols")
"""Names of the catalogues shipped with the library."""


@attrs.frozen(kw_only=True)
class CatalogueEntry:
    """One code of a catalogue with its labels (and, for status symbols, a symbol).

    .. versionadded:: 0.1.0
    """

    code: str
    de: str
    en: str
    symbol: str | None = None

    def label(self, lang: str = "de") -> str:
        """The label in *lang* (``de`` or ``en``)."""
        return self.en if lang == "en" else self.de


@attrs.frozen(kw_only=True)
class Catalogue:
    """A named list of :class:`CatalogueEntry` (Katalog, Codeliste).

    .. versionadded:: 0.1.0
    """

    name: str
    entries: tuple[CatalogueEntry, ...]

    @property
    def codes(self) -> frozenset[str]:
        """All codes of the catalogue."""
        return frozenset(e.code for e in self.entries)

    def get(self, code: str) -> CatalogueEntry | None:
        """The entry for *code*, or ``None``."""
        return next((e for e in self.entries if e.code == code), None)

    def label(self, code: str, lang: str = "de") -> str:
        """The label of *code*, or the code itself when it is not in the catalogue."""
        entry = self.get(code)
        return entry.label(lang) if entry else code

    def code_of(self, text: str) -> str | None:
        """The code whose German or English label is *text* (or one of its parts
        between " / "), ignoring case and spacing: ``Behörde`` → ``authority``
        (label "Behörde / Verwaltung"), ``Geflüchtete`` → ``gefluechtete``; ``None``
        when no label is.

        .. versionadded:: 0.12.0
        """
        wanted = " ".join(text.casefold().split())
        for entry in self.entries:
            for label in (entry.de, entry.en):
                parts = [label, *label.split(" / ")]
                if any(" ".join(part.casefold().split()) == wanted for part in parts):
                    return entry.code
        return None

    def __contains__(self, code: object) -> bool:
        return any(e.code == code for e in self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@functools.cache
def shipped_catalogue(name: str) -> Catalogue:
    """The shipped catalogue *name*, read once per process (the one cache of it: a
    table of 10,000 actors named their category 10,000 times)."""
    return load_catalogue(name)


def read_catalogue_yaml(name: str, path: str | Path | None) -> tuple[Any, str]:
    """The data of a catalogue file and its name for messages: the shipped
    ``data/catalogues/<name>.yaml``, or the town's own file *path*.

    Raises:
        LoadError: the file cannot be read, or is no valid YAML.
    """
    from ._converter import parse_yaml

    if path is None:
        text = (
            resources.files("kommunale_integration")
            .joinpath("data", "catalogues", f"{name}.yaml")
            .read_text(encoding="utf-8")
        )
        return parse_yaml(text, file=f"{name}.yaml"), f"{name}.yaml"
    from ._loaders._common import read_text_file

    file = Path(path)
    text = read_text_file(file)
    return parse_yaml(text, file=str(file)), str(file)


_ENTRY_KEYS = frozenset({"code", "de", "en", "symbol"})


def _entry_problem(item: Any) -> str | None:
    """Why a catalogue entry is unusable, or ``None``.

    Labels must be plain text: in a YAML flow mapping an unquoted comma in a label
    (``{de: Fachkräfte (Schule, Kita)}``) silently cuts the label and makes the rest
    extra keys without values, which is refused here.
    """
    if not isinstance(item, dict) or not item.get("code") or "de" not in item:
        return tr("each entry needs 'code' and 'de'")
    unknown = sorted(str(key) for key in item if key not in _ENTRY_KEYS)
    if unknown:
        return tr(
            "unknown key(s) {keys}; a label containing a comma must be quoted",
            keys=", ".join(map(repr, unknown)),
        )
    for key in ("de", "en", "symbol"):
        if key in item and not isinstance(item[key], str):
            return tr(
                "{key} must be a plain text label, got {found}",
                key=repr(key),
                found=shown(item[key]),
            )
    return None


def load_catalogue(name: str, path: str | Path | None = None) -> Catalogue:
    """Load the shipped catalogue *name*, or a user's catalogue file at *path*.

    The file is YAML with ``entries: [{code, de, en}, ...]``.

    Raises:
        LoadError: when the file cannot be read or an entry lacks ``code``/``de``.

    .. versionadded:: 0.1.0
    """
    if path is None and name not in CATALOGUE_NAMES:
        raise ValueError(
            tr(
                "unknown catalogue {name}; the catalogues are {names}",
                name=shown(name),
                names=", ".join(CATALOGUE_NAMES),
            )
        )
    data, file = read_catalogue_yaml(name, path)
    raw = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise LoadError(
            [
                Finding(
                    code="invalid-catalogue",
                    severity=Severity.ERROR,
                    message=tr("expected a mapping with a list 'entries'"),
                    location=Location(file=file),
                )
            ]
        )
    entries, findings = [], []
    for i, item in enumerate(raw):
        problem = _entry_problem(item)
        if problem is not None:
            findings.append(
                Finding(
                    code="invalid-catalogue",
                    severity=Severity.ERROR,
                    message=problem,
                    location=Location(file=file, path=f"entries[{i}]"),
                )
            )
            continue
        entries.append(
            CatalogueEntry(
                code=str(item["code"]),
                de=str(item["de"]),
                en=str(item.get("en", item["de"])),
                symbol=item.get("symbol"),
            )
        )
    if findings:
        raise LoadError(findings)
    return Catalogue(name=str(data.get("name", name)), entries=tuple(entries))


def default_territories() -> tuple[Territory, ...]:
    """Kreis Coesfeld (05558), its 11 Städte und Gemeinden and the Land NRW.

    Taken from the national Gemeindeverzeichnis
    (:func:`~kommunale_integration.territory_catalogue`), the one source of territory
    names and kinds: the Land, the Kreis, then its Städte und Gemeinden by AGS.

    .. versionadded:: 0.1.0
    """
    from ._territories import territory_catalogue

    book = territory_catalogue()
    units = [book.require("05"), book.require("05558"), *book.municipalities("05558")]
    return tuple(unit.to_territory() for unit in units)


#: Catalogue name -> (German title, English title, where its codes are used).
CATALOGUE_USES: dict[str, tuple[str, str, str]] = {
    "fields": (
        "Handlungsfelder",
        "Fields of action",
        N_(
            "konzept.yaml ``fields:`` (when the concept lists none, these); columns "
            "*Handlungsfeld(er)* of akteure.csv, angebote.csv, massnahmen.csv"
        ),
    ),
    "actor_categories": (
        "Akteurskategorien",
        "Actor categories",
        N_("column *Kategorie* of akteure.csv (``category`` of an actor)"),
    ),
    "legal_bases": (
        "Rechtskreise",
        "Legal bases",
        N_(
            "column *Rechtskreise* of angebote.csv (``eligibility.legal_bases``), column "
            "``legal_basis`` of the case export"
        ),
    ),
    "target_groups": (
        "Zielgruppen",
        "Target groups",
        N_("column *Zielgruppen* of akteure.csv and angebote.csv (``target_groups``)"),
    ),
    "status_symbols": (
        "Zeichenerklärung",
        "Status symbols",
        N_(
            "column *Status* of kennzahlwerte.csv (``status`` of a value); the symbol is "
            "shown in reports"
        ),
    ),
}


def catalogues_text(names: tuple[str, ...] = CATALOGUE_NAMES, lang: str = "de") -> str:
    """The codes of the shipped catalogues as plain text (``kommunale-integration catalogues``).

    .. versionadded:: 0.1.0
    """
    lines: list[str] = []
    for name in names:
        catalogue = load_catalogue(name)
        de, en, used = CATALOGUE_USES[name]
        lines.append(f"{name}: {en if lang == 'en' else de}")
        lines.append(f"  ({tr(used, lang=lang).replace('*', '').replace('``', '')})")
        width = max(len(e.code) for e in catalogue.entries)
        for entry in catalogue.entries:
            symbol = f" [{entry.symbol}]" if entry.symbol else ""
            lines.append(f"  {entry.code.ljust(width)}  {entry.label(lang)}{symbol}")
        lines.append("")
    return "\n".join(lines)


def catalogues_rst() -> str:
    """The codes of the shipped catalogues as reStructuredText (the docs page ``catalogues``).

    .. versionadded:: 0.1.0
    """
    out = [
        ".. This page is generated from the package data by docs/conf.py; do not edit.",
        "",
        "Catalogues: the codes to use",
        "============================",
        "",
        "The codes of the catalogues shipped with the library, generated from the package "
        "data (``kommunale_integration/data/catalogues/``). The command "
        "``kommunale-integration catalogues`` prints the same list. Every catalogue is a "
        "default: a town may use its own codes (:func:`~kommunale_integration.load_catalogue` "
        "with ``path=``).",
        "",
    ]
    for name in CATALOGUE_NAMES:
        catalogue = load_catalogue(name)
        de, en, used = CATALOGUE_USES[name]
        title = f"{en} (*{de}*, ``{name}``)"
        out += [title, "-" * len(title), "", f"Used in: {used}.", ""]
        out += [".. list-table::", "   :header-rows: 1", ""]
        out += ["   * - Code", "     - Deutsch", "     - English"]
        for entry in catalogue.entries:
            symbol = f" (``{entry.symbol}``)" if entry.symbol else ""
            out += [
                f"   * - ``{entry.code}``",
                f"     - {entry.de}{symbol}",
                f"     - {entry.en}",
            ]
        out.append("")
    return "\n".join(out)
