"""Loading and saving whole concepts and single tables.

A concept is a single YAML/JSON/TOML file (exactly what ``unstructure(concept)``
produces) or a folder with a main file ``konzept.yaml`` and optional tables next to it
(see docs/formats.rst). A load returns a complete model or raises one
:class:`~kommunale_integration.LoadError` carrying every finding.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import attrs

from .. import _model as m
from .._converter import dumps_json, dumps_yaml, fiscal_start_of, structure, unstructure
from .._errors import Finding, LoadError, Location, OutputError, Severity, shown
from .._i18n import tr, using_language
from .._io import atomic_directory, atomic_write, check_replaceable
from .._periods import fiscal_year_start
from .._text import line_of, parse_structured
from ._common import Collector, LoadOptions, decode_text, read_bytes
from ._formats import csv_bytes, read_csv_rows, read_xlsx_rows, xlsx_bytes
from ._tables import (
    DecodedRow,
    LinkedContact,
    Resolver,
    TableKind,
    decode_rows,
    encode_rows,
)

if TYPE_CHECKING:
    from .._territories import TerritoryCatalogue

__all__ = [
    "DEFAULT_TABLE_FILES",
    "LoadResult",
    "load_concept",
    "load_concept_with_findings",
    "read_table",
    "save_concept",
    "write_table",
]

log = logging.getLogger("kommunale_integration")

StrPath = str | os.PathLike[str]

#: Main file names of a concept folder, in the order they are looked for.
MAIN_FILES = ("konzept.yaml", "konzept.yml", "konzept.json", "konzept.toml")

#: The default table file of each table kind in a concept folder (``.csv`` or ``.xlsx``).
#:
#: .. versionadded:: 0.1.0
DEFAULT_TABLE_FILES: Mapping[TableKind, str] = {
    TableKind.ACTORS: "akteure",
    TableKind.OFFERS: "angebote",
    TableKind.CONTACTS: "kontakte",
    TableKind.MEASURES: "massnahmen",
    TableKind.OBSERVATIONS: "kennzahlwerte",
    TableKind.MEETINGS: "sitzungen",
}

# table kind -> concept collection (contacts are attached to actors and offers)
_COLLECTION: Mapping[TableKind, str] = {
    TableKind.ACTORS: "actors",
    TableKind.OFFERS: "offers",
    TableKind.MEASURES: "measures",
    TableKind.OBSERVATIONS: "observations",
    TableKind.MEETINGS: "meetings",
}

# reading order: actors before offers (Träger by name), both before contacts
_ORDER = (
    TableKind.ACTORS,
    TableKind.OFFERS,
    TableKind.CONTACTS,
    TableKind.MEASURES,
    TableKind.OBSERVATIONS,
    TableKind.MEETINGS,
)
_TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
_MAIN_SUFFIXES = {".yaml", ".yml", ".json", ".toml"}


@attrs.frozen(kw_only=True)
class LoadResult:
    """A loaded concept with the warnings of the load (Ladeergebnis).

    Warnings are e.g. ignored unknown columns.

    .. versionadded:: 0.1.0
    """

    concept: m.Concept
    findings: tuple[Finding, ...] = ()


def load_concept(path: StrPath, *, options: LoadOptions | None = None) -> m.Concept:
    """Load an Integrationskonzept from a folder or a single YAML/JSON/TOML file (Konzept laden).

    A folder holds a main file ``konzept.yaml`` (or ``.yml``, ``.json``, ``.toml``) and
    optionally the tables ``akteure``, ``angebote``, ``kontakte``, ``massnahmen``,
    ``kennzahlwerte`` and ``sitzungen`` as ``.csv`` or ``.xlsx`` (see
    :doc:`formats`). Items from tables are appended to the collections of the main
    file. Warnings (such as an ignored unknown column) are logged; use
    :func:`load_concept_with_findings` to receive them.

    Args:
        path: The concept folder or file.
        options: Limits and settings (:class:`LoadOptions`).

    Returns:
        The complete :class:`~kommunale_integration.Concept`, with the source
        locations of its table items (:meth:`~kommunale_integration.Concept.locate`).

    Raises:
        LoadError: with *every* finding (file, row, column, path) when anything is
            wrong; nothing half-loaded is returned.

    .. versionadded:: 0.1.0
    """
    result = load_concept_with_findings(path, options=options)
    for finding in result.findings:
        log.warning("%s", finding)
    return result.concept


def load_concept_with_findings(path: StrPath, *, options: LoadOptions | None = None) -> LoadResult:
    """Like :func:`load_concept`, but also return the warnings of the load.

    .. versionadded:: 0.1.0
    """
    collector = Collector(options or LoadOptions())
    with using_language(collector.options.lang):
        concept = _load(Path(path), collector)
    collector.raise_if_errors()
    assert concept is not None  # no errors means a concept was built
    return LoadResult(concept=concept, findings=tuple(collector.findings))


def _load(path: Path, collector: Collector) -> m.Concept | None:
    if path.is_dir():
        mains = [path / name for name in MAIN_FILES if (path / name).is_file()]
        if not mains:
            collector.add("unreadable-file", "no-main-file", file=str(path))
            return None
        if len(mains) > 1:
            collector.add(
                "unreadable-file",
                "ambiguous-file",
                file=str(path),
                found=", ".join(p.name for p in mains),
            )
            return None
        main, base, discover = mains[0], path, True
    else:
        if path.exists() and path.suffix.lower() not in _MAIN_SUFFIXES:
            collector.add("unreadable-file", "unknown-format", file=path.name)
            return None
        main, base, discover = path, path.parent, False
    display = main.name
    lines: dict[str, int] = {}
    raw = _read_structured(main, display, collector, lines)
    if raw is None:
        return None
    tables = _table_paths(raw.pop("tables", None), base, display, discover, collector)
    mappings = _column_mappings(raw.pop("columns", None), display, collector)
    # ``HJ2026`` in the tables means the concept's own budget year, like in the main file.
    with fiscal_year_start(fiscal_start_of(raw)):
        return _load_parts(
            raw, tables, mappings, lines=lines, display=display, collector=collector, base=base
        )


def _load_parts(
    raw: dict[str, Any],
    tables: Mapping[TableKind, tuple[Path, str]],
    mappings: Mapping[TableKind, Mapping[str, str]],
    *,
    lines: dict[str, int],
    display: str,
    collector: Collector,
    base: Path,
) -> m.Concept | None:

    concept: m.Concept | None = None
    try:
        concept = structure(raw, m.Concept, file=display)
    except LoadError as error:
        collector.extend([_with_line(f, lines) for f in error.findings])
    resolver = Resolver.build(_lenient_territories(raw.get("territories")))
    named = raw.get("territory_catalogue")
    if isinstance(named, str) and named.strip():
        resolver.catalogue = _named_catalogue(base / named, collector)
    for item in _items(raw.get("actors")):
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            resolver.add_actor(item["id"], str(item.get("name") or item["id"]))
    for item in _items(raw.get("fields")):
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            resolver.add_field(item["id"], str(item.get("title") or item["id"]))
    for item in _items(raw.get("networks")):
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            resolver.add_network(item["id"], str(item.get("name") or item["id"]))
    if resolver.actor_ids is None:
        resolver.actor_ids = set()  # an offer's Träger must name an actor of the concept

    decoded: dict[TableKind, list[DecodedRow]] = {}
    displays: dict[TableKind, str] = {}
    for kind in _ORDER:
        if kind not in tables:
            continue
        table_path, table_display = tables[kind]
        displays[kind] = table_display
        mapping = {**_option_columns(collector.options, kind), **mappings.get(kind, {})}
        rows = _read_rows(table_path, table_display, collector)
        if rows is None:
            if kind is TableKind.ACTORS:
                # unreadable (its error is reported): the other tables' references to
                # actors cannot be checked, and are not each called unknown
                resolver.actor_ids = None
            continue
        headless = _missing_columns(collector, table_display)
        items = decode_rows(kind, rows, collector, resolver, mapping=mapping)
        if _missing_columns(collector, table_display) > headless:
            # a required column is missing (reported): like an unreadable table, its
            # items are unknown, and references to them are not each called unknown
            if kind is TableKind.ACTORS:
                resolver.actor_ids = None
            continue
        decoded[kind] = items
        if kind is TableKind.ACTORS:
            for row in decoded[kind]:
                resolver.add_actor(row.item.id, row.item.name)
    if concept is None:
        return None
    sources = {path: Location(file=display, row=row) for path, row in lines.items()}
    unreadable = frozenset(kind for kind in tables if kind not in decoded)
    return _assemble(concept, decoded, displays, collector, sources, unreadable=unreadable)


def _missing_columns(collector: Collector, display: str) -> int:
    """How many ``missing-column`` findings *collector* holds for the table *display*."""
    return sum(
        1 for f in collector.findings if f.code == "missing-column" and f.location.file == display
    )


def _named_catalogue(path: Path, collector: Collector) -> Callable[[], TerritoryCatalogue | None]:
    """Read the concept's own territory catalogue on first need, once.

    Table cells name towns outside the concept by name; they are looked up in the
    catalogue the concept names, as validation does. A catalogue that cannot be read
    is reported once (its findings) and names nothing.
    """

    @functools.cache
    def read() -> TerritoryCatalogue | None:
        from .._territories import load_territory_catalogue

        try:
            return load_territory_catalogue(path)
        except LoadError as error:
            collector.extend(list(error.findings))
            return None

    return read


def _assemble(
    concept: m.Concept,
    decoded: Mapping[TableKind, list[DecodedRow]],
    displays: Mapping[TableKind, str],
    collector: Collector,
    sources: dict[str, Location],
    *,
    unreadable: frozenset[TableKind] = frozenset(),
) -> m.Concept | None:
    """The concept with the rows of its tables; *unreadable*: the tables that could not
    be read (their error is reported), whose items a contact cannot be checked against."""
    changes: dict[str, list[Any]] = {}
    for kind, collection in _COLLECTION.items():
        items = list(getattr(concept, collection))
        for row in decoded.get(kind, ()):
            index = len(items)
            items.append(row.item)
            _record(sources, f"{collection}[{index}]", displays[kind], row)
        changes[collection] = items

    contacts: dict[tuple[str, str], list[tuple[m.Contact, DecodedRow]]] = {}
    known = {
        "actors": {a.id for a in changes["actors"]},
        "offers": {o.id for o in changes["offers"]},
    }
    for row in decoded.get(TableKind.CONTACTS, ()):
        linked: LinkedContact = row.item
        collection, owner, key = (
            ("actors", linked.actor, "actor") if linked.actor else ("offers", linked.offer, "offer")
        )
        assert owner is not None
        owners = TableKind.ACTORS if collection == "actors" else TableKind.OFFERS
        if owner not in known[collection] and owners not in unreadable:
            collector.add(
                "unknown-reference",
                f"unknown-owner-{collection}",
                file=displays[TableKind.CONTACTS],
                row=row.row,
                column=row.columns.get(key),
                found=owner,
            )
            continue
        contacts.setdefault((collection, owner), []).append((linked.contact, row))
    if collector.has_errors:
        return None
    for collection in ("actors", "offers"):
        items = changes[collection]
        for index, item in enumerate(items):
            extra = contacts.pop((collection, item.id), None)
            if not extra:
                continue
            start = len(item.contacts)
            items[index] = attrs.evolve(item, contacts=item.contacts + tuple(c for c, _ in extra))
            for offset, (_, row) in enumerate(extra):
                _record(
                    sources,
                    f"{collection}[{index}].contacts[{start + offset}]",
                    displays[TableKind.CONTACTS],
                    row,
                )
    try:
        result = concept.evolve(**changes)
    except Exception as exc:  # an invariant of the whole concept (none today)
        collector.add("invalid-value", "unreadable-file", problem=str(exc))
        return None
    return result.with_sources(sources)


def _record(sources: dict[str, Location], prefix: str, file: str, row: DecodedRow) -> None:
    sources[prefix] = Location(file=file, row=row.row)
    for key, header in row.columns.items():
        attribute = "history" if key in {"status", "status_since"} else key
        where = f"{prefix}.{attribute}"
        if where not in sources:
            sources[where] = Location(file=file, row=row.row, column=header)
        top = f"{prefix}.{attribute.split('.')[0]}"
        sources.setdefault(top, Location(file=file, row=row.row, column=header))


def _items(raw: Any) -> list[Any]:
    """The items of a collection of the main file, or none when it is not a list."""
    return raw if isinstance(raw, list) else []


def _lenient_territories(raw: Any) -> list[m.Territory]:
    result = []
    for item in _items(raw):
        try:
            result.append(structure(item, m.Territory))
        except LoadError:
            continue  # reported with the concept's findings
    return result


def _with_line(finding: Finding, lines: Mapping[str, int]) -> Finding:
    """Add the YAML line of the finding's path (or of its nearest parent)."""
    row = line_of(finding.location.path or "", lines)
    if row is None:
        return finding
    return attrs.evolve(finding, location=attrs.evolve(finding.location, row=row))


def _read_structured(
    path: Path, display: str, collector: Collector, lines: dict[str, int] | None = None
) -> dict[str, Any] | None:
    data = read_bytes(path, display, collector)
    if data is None:
        return None
    text = decode_text(data, display, collector)
    if text is None:
        return None
    try:
        parsed = parse_structured(text, path.suffix, file=display, lines=lines)
    except LoadError as error:
        collector.extend(list(error.findings))
        return None
    if not isinstance(parsed, dict):
        collector.add("invalid-value", "not-a-mapping", file=display)
        return None
    return parsed


def _table_paths(
    raw: Any, base: Path, display: str, discover: bool, collector: Collector
) -> dict[TableKind, tuple[Path, str]]:
    result: dict[TableKind, tuple[Path, str]] = {}
    if discover:
        for kind, stem in DEFAULT_TABLE_FILES.items():
            # Anything of the name counts (a FIFO, a device, a link to nowhere): the
            # reader then says why it cannot be read instead of ignoring it silently.
            found = [
                base / f"{stem}{s}"
                for s in (".csv", ".xlsx")
                if os.path.lexists(base / f"{stem}{s}")
            ]
            if len(found) > 1:
                collector.add(
                    "unreadable-file",
                    "ambiguous-file",
                    file=found[0].name,
                    found=", ".join(p.name for p in found),
                )
            elif found and _resolvable(found[0]) and not _inside(found[0], base):
                # a symbolic link that leads out of the concept folder
                collector.add("path-outside-concept", file=found[0].name, found=found[0].name)
            elif found:
                result[kind] = (found[0], found[0].name)
    if raw is None:
        if discover:
            _ignored_tables(base, result, collector)
        return result
    allowed = ", ".join(k.value for k in TableKind)
    if not isinstance(raw, Mapping):
        collector.add(
            "invalid-value",
            "invalid-tables",
            file=display,
            path="tables",
            key="tables",
            what="a file path",
            allowed=allowed,
        )
        return result
    root = base.resolve()
    for name, value in raw.items():
        table_kind = _kind(name)
        if table_kind is None or not isinstance(value, str):
            collector.add(
                "invalid-value",
                "invalid-tables",
                file=display,
                path=f"tables.{name}",
                key="tables",
                what="a file path",
                allowed=allowed,
            )
            continue
        relative = Path(value)
        try:
            target = (base / relative).resolve()
        except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL character
            collector.add(
                "unreadable-file", file=display, path=f"tables.{name}", problem=repr(value)
            )
            continue
        if relative.is_absolute() or not target.is_relative_to(root):
            collector.add("path-outside-concept", file=display, path=f"tables.{name}", found=value)
            continue
        result[table_kind] = (base / relative, relative.as_posix())
    if discover:
        _ignored_tables(base, result, collector)
    return result


#: The endings of spreadsheets and text tables, read or not (``.xls``, ``.ods``).
_SPREADSHEETS: Final = frozenset({".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"})

#: The spreadsheet formats that no loader reads (a new name does not make them readable).
_NOT_READ: Final = frozenset({".xls", ".ods"})


def _ignored_tables(
    base: Path, read: Mapping[TableKind, tuple[Path, str]], collector: Collector
) -> None:
    """Warn of a spreadsheet in the folder that is named like a table but not read.

    ``Akteure.xlsx`` (a capital, as Windows shows it), ``akteure.xls`` (old Excel) or
    ``akteursliste.xlsx`` left the concept without actors and validation said nothing.
    A file named under ``tables:`` is read and not warned of.
    """
    taken = {path.name for path, _display in read.values()}
    stems = {
        stem: stem.removesuffix("n").removesuffix("e") for stem in DEFAULT_TABLE_FILES.values()
    }
    try:
        names = sorted(entry.name for entry in os.scandir(base))
    except OSError:
        return
    for name in names:
        path = Path(name)
        if name in taken or path.suffix.lower() not in _SPREADSHEETS:
            continue
        folded = path.stem.casefold()
        meant = next((stem for stem, start in stems.items() if folded.startswith(start)), None)
        if meant is None or name in (f"{meant}.csv", f"{meant}.xlsx"):
            continue
        # a name with a control character (a terminal's escape) or undecodable bytes is
        # shown escaped
        shown_name = name if name.isprintable() else shown(name)
        suffix = path.suffix.lower()
        if suffix in _NOT_READ:
            # renamed, an .ods or .xls is still no .xlsx: it must be saved as one
            collector.add(
                "ignored-file",
                "ignored-file-format",
                file=shown_name,
                severity=Severity.WARNING,
                table=meant,
                suffix=suffix,
            )
        else:
            collector.add("ignored-file", file=shown_name, severity=Severity.WARNING, table=meant)


def _resolvable(path: Path) -> bool:
    """Whether the symbolic links of *path* lead to something (no loop, no dead end)."""
    try:
        path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return True


def _inside(path: Path, folder: Path) -> bool:
    """Whether *path* (with its symlinks followed) lies in *folder*; False for a loop."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _concept_names() -> set[str]:
    """The names save_concept writes in a concept folder (and so may replace)."""
    names = set(MAIN_FILES)
    for stem in DEFAULT_TABLE_FILES.values():
        names |= {f"{stem}.csv", f"{stem}.xlsx"}
    return names


def concept_input_files(folder: StrPath) -> frozenset[Path]:
    """The files :func:`load_concept` reads from the concept *folder*, or would read once created.

    The main files, both forms of every default table and every file named under
    ``tables:`` in a main file; empty when *folder* has no main file. Used by the output
    check (:func:`~kommunale_integration._io.check_not_input`), so that no output
    breaks a concept.
    """
    base = Path(folder)
    mains = [base / name for name in MAIN_FILES if (base / name).is_file()]
    if not mains:
        return frozenset()
    files = {base / name for name in MAIN_FILES}
    files |= {base / f"{stem}{s}" for stem in DEFAULT_TABLE_FILES.values() for s in _TABLE_SUFFIXES}
    collector = Collector(LoadOptions())
    for main in mains:
        raw = _read_structured(main, main.name, collector)
        if raw is not None:
            tables = _table_paths(raw.get("tables"), base, main.name, False, collector)
            files |= {path for path, _display in tables.values()}
    return frozenset(files)


def _option_columns(options: LoadOptions, kind: TableKind) -> dict[str, str]:
    """The column mappings of *options* for *kind* (keys may be German file names)."""
    result: dict[str, str] = {}
    for name, mapping in options.columns.items():
        if _kind(name) is kind:
            result.update(mapping)
    return result


def _kind(name: object) -> TableKind | None:
    if not isinstance(name, str):
        return None
    try:
        return TableKind(name)
    except ValueError:
        return None


def _column_mappings(
    raw: Any, display: str, collector: Collector
) -> dict[TableKind, dict[str, str]]:
    if raw is None:
        return {}
    allowed = ", ".join(k.value for k in TableKind)
    result: dict[TableKind, dict[str, str]] = {}
    items = raw.items() if isinstance(raw, Mapping) else [("columns", raw)]
    for name, value in items:
        kind = _kind(name)
        if (
            kind is None
            or not isinstance(value, Mapping)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        ):
            collector.add(
                "invalid-value",
                "invalid-tables",
                file=display,
                path=f"columns.{name}",
                key="columns",
                what="a mapping of header to column",
                allowed=allowed,
            )
            continue
        result[kind] = dict(value)
    return result


def _read_rows(path: Path, display: str, collector: Collector) -> Any:
    fmt = _TABLE_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        collector.add("unreadable-file", "unknown-format", file=display)
        return None
    data = read_bytes(path, display, collector)
    if data is None:
        return None
    if fmt == "xlsx":
        return read_xlsx_rows(data, display, collector)
    return read_csv_rows(data, display, collector)


def _read_stream(stream: BinaryIO, name: str | None, collector: Collector) -> Any:
    limit = collector.options.max_file_bytes
    data = stream.read(limit + 1)
    if not isinstance(data, bytes):
        raise TypeError(tr("read_table needs a binary file object (opened with 'rb')"))
    if name is None:
        given = getattr(stream, "name", None)
        name = Path(given).name if isinstance(given, str) and given else None
    if name is None:
        name = "upload.xlsx" if data.startswith(b"PK\x03\x04") else "upload.csv"
    fmt = _TABLE_SUFFIXES.get(Path(name).suffix.lower())
    if fmt is None:
        collector.add("unreadable-file", "unknown-format", file=name)
        return None
    if len(data) > limit:
        collector.add("file-too-large", "stream-too-large", file=name, limit=limit)
        return None
    if fmt == "xlsx":
        return read_xlsx_rows(data, name, collector)
    return read_csv_rows(data, name, collector)


# --------------------------------------------------------------------------- single tables


def read_table(
    path: StrPath | BinaryIO,
    kind: TableKind | str,
    *,
    name: str | None = None,
    options: LoadOptions | None = None,
    territories: Iterable[m.Territory] = (),
    actors: Iterable[m.Actor] | None = None,
    fields: Iterable[m.FieldOfAction] = (),
    columns: Mapping[str, str] | None = None,
    networks: Iterable[m.Network] = (),
) -> tuple[Any, ...]:
    """Read one table (CSV or XLSX) of *kind* into model objects (Tabelle einlesen).

    Args:
        path: A ``.csv`` file (UTF-8 or Windows-1252; ``,``, ``;`` or tab) or an
            ``.xlsx`` workbook (first sheet; needs the extra ``excel``); or a binary
            file object such as an upload in a web application.
        name: The file name for a file object (its suffix decides the format; the
            name appears in the findings). Default: the object's ``name``, else
            ``upload.csv`` (``upload.xlsx`` when the data is a ZIP archive).
        kind: The :class:`TableKind` (``actors``, ``offers``, ``contacts``,
            ``measures``, ``observations``, ``meetings``).
        options: Limits and settings (:class:`LoadOptions`).
        territories: Territories whose names may stand for their AGS in territory
            cells (``Coesfeld`` → ``05558012``).
        actors: Known actors: an offer's ``Träger`` must then name one of them by id
            or name. ``None`` keeps the cell as an id without checking it.
        fields: Handlungsfelder whose titles may stand for their codes
            (``Sprache und Bildung`` → ``sprache``); other values are kept as codes.
        columns: Extra header mappings, e.g. ``{"Einrichtung": "name"}``.
        networks: Networks whose names may stand for their ids in the column
            ``Netzwerk`` of meetings (``Runder Tisch Integration`` → ``runder-tisch``).

    Returns:
        The rows as model objects (:class:`LinkedContact` for contacts), in file order.

    Raises:
        LoadError: with every finding (file, row, column) when anything is wrong.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.12.0 *networks*.
    """
    table_kind = TableKind(kind)
    opts = options or LoadOptions()
    collector = Collector(opts)
    with using_language(opts.lang):
        if isinstance(path, str | os.PathLike):
            source = Path(path)
            rows = _read_rows(source, source.name, collector)
        else:
            rows = _read_stream(path, name, collector)
        decoded: list[DecodedRow] = []
        if rows is not None:
            resolver = Resolver.build(territories, actors)
            for field in fields:
                resolver.add_field(field.id, field.title)
            for network in networks:
                resolver.add_network(network.id, network.name)
            mapping = {**_option_columns(opts, table_kind), **(columns or {})}
            decoded = decode_rows(table_kind, rows, collector, resolver, mapping=mapping)
    collector.raise_if_errors()
    for finding in collector.findings:
        log.warning("%s", finding)
    return tuple(row.item for row in decoded)


def _table_file_bytes(
    items: Sequence[Any],
    kind: TableKind,
    fmt: str,
    delimiter: str,
    encoding: str,
    *,
    file: str = "",
) -> bytes:
    """The bytes of the table *file*; a cell that cannot be written names *file* too."""
    try:
        if fmt == "xlsx":
            header, rows = encode_rows(kind, items, german=False, typed=True)
            return xlsx_bytes(header, rows, title=DEFAULT_TABLE_FILES[kind])
        header, rows = encode_rows(kind, items, german=delimiter == ";", typed=False)
        return csv_bytes(header, rows, delimiter=delimiter, encoding=encoding)
    except OutputError as error:  # "row 24, column 'Name': …" of which file?
        raise OutputError(f"{file}, {error}" if file else str(error)) from None


def write_table(
    items: Iterable[Any],
    path: StrPath,
    kind: TableKind | str,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    inputs: Iterable[StrPath] = (),
) -> Path:
    """Write model objects as one table (Tabelle schreiben), atomically.

    :func:`read_table` reads it back equal.

    CSV with ``;`` is written the way German Excel expects it: decimal comma and dates
    like ``31.12.2016``; with ``,`` or tab numbers and dates are ISO. A path ending in
    ``.xlsx`` writes a workbook with typed cells (extra ``excel``). Text cells starting
    with ``=``, ``+``, ``-``, ``@``, tab or carriage return are prefixed with ``'``
    against formula injection (removed again on reading).

    Args:
        items: Objects of the table's type (:class:`LinkedContact` for contacts).
        path: Target ``.csv`` or ``.xlsx`` file.
        kind: The :class:`TableKind`.
        delimiter: ``;`` (default), ``,`` or a tab.
        encoding: ``utf-8`` (default), ``utf-8-sig`` (with BOM) or ``cp1252``
            (Windows-1252).
        inputs: Paths that must not be overwritten.

    Returns:
        The path written.

    Raises:
        OutputError: when the target is an input or a text cannot be encoded.

    .. versionadded:: 0.1.0
    """
    table_kind = TableKind(kind)
    target = Path(path)
    fmt = "xlsx" if target.suffix.lower() in {".xlsx", ".xlsm"} else "csv"
    payload = _table_file_bytes(list(items), table_kind, fmt, delimiter, encoding, file=str(path))
    return atomic_write(path, payload, inputs=inputs)


# --------------------------------------------------------------------------- whole concepts


def save_concept(
    concept: m.Concept,
    path: StrPath,
    *,
    tables: str | None = "csv",
    delimiter: str = ";",
    encoding: str = "utf-8",
    inputs: Iterable[StrPath] = (),
) -> Path:
    """Save a concept (Konzept speichern) so that :func:`load_concept` reads it back equal.

    Writing is atomic.

    A *path* ending in ``.yaml``, ``.yml``, ``.json`` or ``.toml`` writes a single
    file. Any other path is a concept folder: ``konzept.yaml`` plus (unless *tables* is
    ``None``) the tables ``akteure``, ``angebote``, ``kontakte``, ``massnahmen``,
    ``kennzahlwerte`` and ``sitzungen`` for the collections that have items. The
    folder is built beside the target and swapped into place; an existing folder is
    only replaced when it holds nothing but concept files (the names ``save_concept``
    writes).

    Args:
        concept: The concept.
        path: Target file or folder.
        tables: ``"csv"`` (default), ``"xlsx"`` or ``None`` (everything in
            ``konzept.yaml``).
        delimiter: CSV delimiter (``;`` default, ``,`` or tab).
        encoding: CSV encoding: ``utf-8`` (default), ``utf-8-sig`` or ``cp1252``.
        inputs: Paths that must not be overwritten.

    Returns:
        The path written.

    Raises:
        OutputError: when the target is an input, holds other files, or a text cannot
            be encoded.

    .. versionadded:: 0.1.0
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return atomic_write(path, dumps_yaml(concept), inputs=inputs)
    if suffix == ".json":
        return atomic_write(path, dumps_json(concept) + "\n", inputs=inputs)
    if suffix == ".toml":
        import tomli_w

        return atomic_write(path, tomli_w.dumps(unstructure(concept)), inputs=inputs)
    if tables not in {"csv", "xlsx", None}:
        raise ValueError(
            tr("tables must be 'csv', 'xlsx' or None, got {found}", found=shown(tables))
        )
    own = _concept_names()
    check_replaceable(target, "save_concept", own_files=own)  # before the work
    files: dict[str, bytes] = {}
    data = unstructure(concept)
    if tables is not None:
        contacts: list[LinkedContact] = []
        for kind, collection in _COLLECTION.items():
            items = list(getattr(concept, collection))
            if not items:
                continue
            if kind in {TableKind.ACTORS, TableKind.OFFERS}:
                owner = "actor" if kind is TableKind.ACTORS else "offer"
                for item in items:
                    contacts += [
                        LinkedContact(contact=c, **{owner: item.id}) for c in item.contacts
                    ]
                items = [attrs.evolve(item, contacts=()) for item in items]
            data.pop(collection, None)
            name = f"{DEFAULT_TABLE_FILES[kind]}.{tables}"
            files[name] = _table_file_bytes(items, kind, tables, delimiter, encoding, file=name)
        if contacts:
            name = f"{DEFAULT_TABLE_FILES[TableKind.CONTACTS]}.{tables}"
            files[name] = _table_file_bytes(
                contacts, TableKind.CONTACTS, tables, delimiter, encoding, file=name
            )
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    main = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)
    with atomic_directory(target, writer="save_concept", inputs=inputs, own_files=own) as tmp:
        (tmp / "konzept.yaml").write_text(main, encoding="utf-8")
        for name, payload in files.items():
            (tmp / name).write_bytes(payload)
    return target
