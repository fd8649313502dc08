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
import os
import string
import unicodedata
from datetime import date
from importlib import resources
from pathlib import Path

from ._errors import KommunaleIntegrationError, OutputError
from ._model import Territory, TerritoryKind
from ._parse import slugify

__all__ = ["EXAMPLES", "KIND_ALIASES", "TEMPLATE_FILES", "example_path", "init_concept"]

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
            f"unknown example {name!r}; the bundled examples are {', '.join(EXAMPLES)}"
        )
    for folder in _candidates(name):
        if (folder / "konzept.yaml").is_file():
            return folder
    raise KommunaleIntegrationError(
        f"the example {name!r} is missing from this installation; reinstall "
        "kommunale-integration or use the examples/ folder of the source distribution"
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
        raise KommunaleIntegrationError(f"unknown kind {kind!r}; use one of {allowed}") from None


def _known(name: str) -> Territory:
    from ._catalogues import default_territories

    wanted = name.strip().lower()
    for territory in default_territories():
        if territory.name.lower() == wanted and len(territory.ags) in (5, 8):
            return territory
    raise KommunaleIntegrationError(
        f"the AGS of {name!r} is not known: give the Amtlicher Gemeindeschlüssel with "
        "--ags (8 digits for a Stadt or Gemeinde, 5 for a Kreis)"
    )


def _territory_lines(root: Territory) -> str:
    from ._catalogues import default_territories

    def line(t: Territory) -> str:
        parent = f', parent: "{t.parent}"' if t.parent else ""
        return f'  - {{ags: "{t.ags}", name: {_quoted(t.name)}, kind: {t.kind.value}{parent}}}\n'

    lines = [line(root)]
    if root.kind is TerritoryKind.DISTRICT:
        children = [t for t in default_territories() if t.parent == root.ags]
        lines += [line(t) for t in children]
        if not children:
            lines.append(
                "  # Ihre Städte und Gemeinden, je eine Zeile, zum Beispiel:\n"
                f'  # - {{ags: "{root.ags}004", name: Beispielgemeinde, kind: municipality, '
                f'parent: "{root.ags}"}}\n'
            )
    return "".join(lines)


def _template_text(name: str) -> str:
    return (
        resources.files("kommunale_integration")
        .joinpath("data", "template", name)
        .read_text(encoding="utf-8")
    )


def init_concept(
    path: str | os.PathLike[str],
    *,
    name: str,
    ags: str | None = None,
    kind: str | TerritoryKind | None = None,
    today: date | None = None,
) -> Path:
    """Create a new concept folder for a town from the commented template (Vorlage).

    The folder receives a ``konzept.yaml`` with comments that explain every part, the
    default Handlungsfelder and the six case-based Kennzahlen, and the empty tables
    ``akteure.csv``, ``angebote.csv``, ``kontakte.csv``, ``massnahmen.csv``,
    ``kennzahlwerte.csv`` and ``sitzungen.csv`` with their German headers. It loads,
    validates and builds a report straight away; then you fill it in.

    Args:
        path: The new folder. It must not exist or be empty.
        name: The name of the Stadt, Gemeinde or Kreis, e.g. ``Musterstadt``.
        ags: Its Amtlicher Gemeindeschlüssel: 8 digits for a Stadt or Gemeinde (no
            Kreis level is needed), 5 for a Kreis. Only for the territories the
            library knows (Kreis Coesfeld) may it be left out.
        kind: ``stadt``/``town``, ``gemeinde``/``municipality``,
            ``kreisfreie-stadt``/``city`` or ``kreis``/``district``; by default a
            5-digit AGS is a Kreis and an 8-digit AGS a Gemeinde.
        today: The date whose year the comments use for example commands.

    Returns:
        The folder written.

    Raises:
        OutputError: when *path* exists and is not an empty folder.
        KommunaleIntegrationError: for an unknown kind or name, or an AGS that does not
            fit the kind (the message says what is expected).

    .. versionadded:: 0.1.0
    """
    from ._io import atomic_directory, atomic_write

    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OutputError(
            f"{target} already exists and is not empty: choose a new folder for the concept"
        )
    clean = name.strip()
    if not clean:
        raise KommunaleIntegrationError("the name of the town must not be empty")
    if not _printable(clean):
        raise KommunaleIntegrationError(
            f"the name {clean!r} contains control characters or line breaks; "
            "give the name as it is written"
        )
    if ags:
        code = ags.strip()
        territory_kind = _kind(kind, code)
    else:
        known = _known(clean)
        code = known.ags
        territory_kind = known.kind if kind is None else _kind(kind, code)
    # Building the territory checks the AGS (digits, length for the kind).
    root = Territory(ags=code, name=clean, kind=territory_kind)
    bare = clean
    for prefix in _PREFIXES:
        bare = bare.removeprefix(prefix)
    title = f"Integrationskonzept {_GENITIVE.get(territory_kind, 'der Stadt')} {bare}"
    year = (today or date.today()).year  # noqa: DTZ011 - a calendar year, no time zone
    values = {
        "id": slugify(f"{territory_kind.value}-{bare}") or "konzept",
        "title": _quoted(title),
        "name": clean,
        "ags": code,
        "committee": _quoted("Ausschuss für Soziales und Integration"),
        "territories": _territory_lines(root),
        "folder": "".join(c if _printable(c) else "?" for c in (target.name or str(target))),
        "year": str(year),
    }
    texts = {file: _template_text(file) for file in TEMPLATE_FILES}
    texts["konzept.yaml"] = string.Template(texts["konzept.yaml"]).substitute(values)
    if target.is_dir():
        # An existing empty folder (perhaps the current one) stays in place: each file
        # is written atomically into it.
        for file, text in texts.items():
            atomic_write(target / file, text)
        return target
    with atomic_directory(target) as tmp:
        for file, text in texts.items():
            (tmp / file).write_text(text, encoding="utf-8")
    return target
