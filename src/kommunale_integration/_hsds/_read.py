"""Reading pass of the HSDS import: files (JSON documents or the tabular package) →
flat tables.

:func:`read_tables` reads every record into one table per entity (entity -> id ->
record): nested JSON objects are flattened and linked to their parent through the HSDS
foreign-key columns, and a record met several times is merged by its id. It returns the
tables, where each record came from and the findings of the reading; nothing else is
shared with the mapping pass (:mod:`._map`).

Files are only read inside the package: a resource path of ``datapackage.json`` must be
relative, without ``..``, and must not lead out of the package folder through a
symbolic link; every file is read within the loaders' size limit.
"""

from __future__ import annotations

import csv
import io
import math
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from .._converter import parse_json
from .._errors import (
    Finding,
    LoadError,
    Location,
    Severity,
    foreign_text,
)
from .._i18n import tr
from .._io import StrPath
from .._loaders._common import Collector, LoadOptions, decode_text, read_bytes
from .._parse import unneutralise
from ._common import (
    PARENTS,
    Record,
    Tables,
    at_key,
    children_of,
    decimal_of,
    empty,
    hsds_uuid,
    join_path,
    json_text,
    shorten,
    text_of,
    unreadable,
    with_path,
)
from ._spec import TABLES

__all__ = ["read_tables"]

_FILE_ENTITIES: Final = {spec[0]: name for name, spec in TABLES.items()}
_DOC_HINTS: Final = sorted(
    [(name, name) for name in TABLES]
    + [(spec[0].removesuffix(".csv"), name) for name, spec in TABLES.items()]
    + [("organizations", "organization"), ("services", "service"), ("taxonomies", "taxonomy")],
    key=lambda pair: -len(pair[0]),
)


class _Reader:
    def __init__(self, options: LoadOptions | None = None) -> None:
        self.options = options or LoadOptions()
        self.tables: Tables = {}
        self.origin: dict[tuple[str, str], Location] = {}
        self.findings: list[Finding] = []
        self.conflicts: set[tuple[str, str, str, str]] = set()

    def note(self, code: str, severity: Severity, message: str, location: Location) -> None:
        self.findings.append(
            Finding(code=code, severity=severity, message=message, location=location)
        )

    def merge(self, entity: str, record: Record, where: Location) -> None:
        record_id = record.get("id")
        if _finite_number(record_id):
            # HSDS wants a text (a UUID); a number is read as its text, as a number is
            # in every other text field, so that links written as numbers still match.
            number, record["id"] = record_id, text_of(record_id)
            record_id = record["id"]
            self.note(
                "hsds-id-not-text",
                Severity.WARNING,
                tr(
                    "expected a text in quotes as the id of the {entity} record (HSDS: a "
                    "UUID), got the number {number}; it was read as the text '{id}'",
                    entity=shorten(entity),
                    number=shorten(json_text(number)),
                    id=shorten(record_id),
                ),
                at_key(where, "id"),
            )
        elif not isinstance(record_id, str) or not record_id.strip():
            found = record_id
            record_id = hsds_uuid("missing-id", where.file or "", where.path or "", str(where.row))
            record["id"] = record_id
            if empty(found) or isinstance(found, str):
                self.note(
                    "hsds-missing-id",
                    Severity.WARNING,
                    tr(
                        "a {entity} record has no id; it was given the id {id}",
                        entity=shorten(entity),
                        id=record_id,
                    ),
                    where,
                )
            else:
                self.note(
                    "hsds-id-not-text",
                    Severity.WARNING,
                    tr(
                        "expected a text in quotes as the id of the {entity} record "
                        "(HSDS: a UUID), got {found}; it was given the id {id}",
                        entity=shorten(entity),
                        found=shorten(json_text(found)),
                        id=record_id,
                    ),
                    at_key(where, "id"),
                )
        table = self.tables.setdefault(entity, {})
        existing = table.get(record_id)
        if existing is None:
            table[record_id] = record
            self.origin[(entity, record_id)] = where
            return
        for key, value in record.items():
            old = existing.get(key)
            if empty(old):
                existing[key] = value
            elif not empty(value) and text_of(old) != text_of(value):
                conflict = (entity, record_id, key, text_of(value))
                if conflict in self.conflicts:
                    continue
                self.conflicts.add(conflict)
                self.note(
                    "hsds-conflict",
                    Severity.WARNING,
                    tr(
                        "{entity} {id} has two values for {key}: kept {kept}, not {other}",
                        entity=entity,
                        id=shorten(record_id),
                        key=repr(shorten(key)),
                        kept=repr(shorten(old)),
                        other=repr(shorten(value)),
                    ),
                    at_key(where, key),
                )

    def flatten(self, entity: str, obj: Any, where: Location, links: Record) -> str | None:
        if not isinstance(obj, dict):
            self.note(
                "hsds-not-an-object",
                Severity.WARNING,
                tr(
                    "expected a JSON object for a {entity}, got {found}; skipped",
                    entity=entity,
                    found=type(obj).__name__,
                ),
                where,
            )
            return None
        record: Record = {}
        nested = {key: (child, column) for key, child, column in children_of(entity)}
        parents = {key: (target, column) for key, target, column in PARENTS.get(entity, ())}
        later: list[tuple[str, str, Any, Location]] = []
        for key, value in obj.items():
            path = join_path(where.path, key)
            if key in nested and isinstance(value, list):
                child, column = nested[key]
                for i, item in enumerate(value):
                    later.append((child, column, item, with_path(where, f"{path}[{i}]")))
            elif key in parents and isinstance(value, dict):
                target, column = parents[key]
                parent_id = self.flatten(target, value, with_path(where, path), {})
                if parent_id is not None and empty(obj.get(column)):
                    record[column] = parent_id
            else:
                record[key] = value
        for column, value in links.items():
            if empty(record.get(column)):
                record[column] = value
        self.merge(entity, record, where)
        record_id = str(record["id"])
        for child, column, item, child_where in later:
            child_links: Record = {column: record_id}
            if child == "attribute":
                child_links["link_entity"] = entity
            elif child == "metadata":
                child_links["resource_type"] = entity
            self.flatten(child, item, child_where, child_links)
        return record_id

    # -------------------------------------------------------------- sources

    def read_bytes(self, file: Path) -> bytes:
        """The bytes of *file* within the loaders' size limit (``LoadOptions``)."""
        collector = Collector(options=self.options)
        data = read_bytes(file, str(file), collector)
        if data is None:
            raise LoadError(collector.findings)
        return data

    def read_text(self, file: Path) -> str:
        """The text of *file* through the loaders' one reader (size limit, encodings)."""
        collector = Collector(options=self.options)
        text = decode_text(self.read_bytes(file), str(file), collector)
        if text is None:
            raise LoadError(collector.findings)
        return text

    def read_json_file(self, path: Path) -> None:
        data = self.read_bytes(path)
        if data.startswith(b"PK\x03\x04"):  # was "invalid JSON: a value is missing"
            raise LoadError(
                [unreadable(path, tr("it is a ZIP archive: unpack it and give the folder"))]
            )
        self.read_document(parse_json(self.read_text(path), file=str(path), json_path=True), path)

    def read_document(self, data: Any, path: Path) -> None:
        where = Location(file=str(path), path="$")
        if isinstance(data, dict) and data and all(str(k).endswith(".csv") for k in data):
            for file_name, rows in data.items():  # the tabular form as JSON (tabular.json)
                entity = _FILE_ENTITIES.get(file_name, file_name.removesuffix(".csv"))
                for i, row in enumerate(rows if isinstance(rows, list) else []):
                    self.flatten(entity, row, with_path(where, f"$[{file_name!r}][{i}]"), {})
            return
        if isinstance(data, dict) and isinstance(data.get("contents"), list):
            entity = _entity_from_name(path) or None
            for i, item in enumerate(data["contents"]):
                kind = entity or _entity_from_keys(item)
                if kind is None:
                    self.unknown(path, f"$.contents[{i}]")
                else:
                    self.flatten(kind, item, with_path(where, f"$.contents[{i}]"), {})
            return
        kind = _entity_from_name(path) or _entity_from_keys(data)
        if kind is None:
            self.unknown(path, "$")
        else:
            self.flatten(kind, data, where, {})

    def unknown(self, path: Path, json_path: str) -> None:
        self.note(
            "hsds-unknown-document",
            Severity.WARNING,
            tr(
                "this JSON document is not an HSDS organization, service, location, "
                "service_at_location, taxonomy or taxonomy term; it was not imported"
            ),
            Location(file=str(path), path=json_path),
        )

    def read_tabular(self, folder: Path, package: Path) -> None:
        meta = parse_json(self.read_text(package), file=str(package), json_path=True)
        resources = meta.get("resources") if isinstance(meta, dict) else None
        if not isinstance(resources, list):
            raise LoadError([unreadable(package, tr("it has no list of resources"))])
        for resource in resources:
            if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
                continue
            file = confined(folder, resource["path"])
            if file is None:
                self.note(
                    "hsds-path-outside",
                    Severity.ERROR,
                    tr(
                        "a resource of the package points outside the package folder (an "
                        "absolute path, '..' or a symbolic link out of it); it was not read"
                    ),
                    Location(file=str(package), path=f"resources[{resources.index(resource)}]"),
                )
                continue
            entity = str(resource.get("name") or _FILE_ENTITIES.get(resource["path"], ""))
            if not file.is_file():
                self.note(
                    "hsds-missing-table",
                    Severity.WARNING,
                    tr(
                        "the package names the table {table} but the file is missing",
                        table=shorten(resource["path"]),
                    ),
                    Location(file=str(package)),
                )
                continue
            self.read_csv(entity, file)

    def read_csv(self, entity: str, file: Path) -> None:
        text = self.read_text(file)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        kinds = {f[0]: f[1] for f in TABLES.get(entity, ("", ()))[1]}
        try:
            for n, row in enumerate(reader, start=2):
                record = {
                    key: _typed(kinds.get(key), unneutralise(value))
                    for key, value in row.items()
                    if key is not None and value not in (None, "")
                }
                self.merge(entity, record, Location(file=str(file), row=n))
        except csv.Error as exc:
            raise LoadError(
                [unreadable(file, tr("it is not valid CSV ({problem})", problem=foreign_text(exc)))]
            ) from None


def confined(folder: Path, name: str | Path) -> Path | None:
    """*name* inside *folder*, or ``None`` when it would lead outside of it.

    Refused: an absolute path (also ``C:\\…`` and ``\\\\server\\…``), a ``..`` part, and
    a path that a symbolic link takes out of the folder.
    """
    text = str(name)
    if isinstance(name, str):
        if text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
            return None
        parts = text.replace("\\", "/").split("/")
        if ".." in parts:
            return None
        candidate = folder / text
    else:
        candidate = name
    try:
        root = folder.resolve(strict=True)
        target = candidate.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        return None
    if target != root and root not in target.parents:
        return None
    return candidate


def read_tables(
    path: StrPath, *, options: LoadOptions | None = None
) -> tuple[Tables, dict[tuple[str, str], Location], list[Finding]]:
    """Read HSDS data at *path* into flat tables (see :func:`import_hsds` for *path*).

    Only files inside the package folder are read, each within ``options.max_file_bytes``.
    """
    source = Path(path)
    reader = _Reader(options)
    if not source.exists():
        raise LoadError([unreadable(source, tr("it does not exist"))])
    if source.is_file():
        if source.name == "datapackage.json":
            reader.read_tabular(source.parent, source)
        else:
            reader.read_json_file(source)
    elif (source / "datapackage.json").is_file():
        reader.read_tabular(source, source / "datapackage.json")
    elif (source / "tabular" / "datapackage.json").is_file():
        reader.read_tabular(source / "tabular", source / "tabular" / "datapackage.json")
        if (source / "json").is_dir():
            # An export of both forms: one is read; a change made to the other only
            # (JSON documents edited by a directory platform) must not vanish unsaid.
            reader.note(
                "hsds-form-chosen",
                Severity.INFO,
                tr(
                    "the folder holds both forms of an export: the tabular data package "
                    "was read, the JSON documents were not (give {json} to read those)",
                    json=os.fspath(source / "json"),
                ),
                Location(file=os.fspath(source / "tabular" / "datapackage.json")),
            )
    else:
        found = sorted(p for p in source.rglob("*.json") if p.name != "datapackage.json")
        files = [p for p in found if confined(source, p) is not None and p.is_file()]
        for outside in (p for p in found if confined(source, p) is None):
            reader.note(
                "hsds-path-outside",
                Severity.ERROR,
                tr("a symbolic link leads out of the folder; the file it points to was not read"),
                Location(file=str(outside)),
            )
        if not files and (source / "json").is_dir():
            source = source / "json"  # an export of form "both" without the tabular part
        exported = any((source / name).is_dir() for name in ("organizations", "services"))
        if not files and not exported:
            raise LoadError([unreadable(source, tr("it holds no HSDS JSON documents"))])
        for file in files:
            reader.read_json_file(file)
    return reader.tables, reader.origin, reader.findings


def _entity_from_name(path: Path) -> str | None:
    for part in (path.stem, path.parent.name):
        name = part.lower().removesuffix("_full").removesuffix("_list")
        for hint, entity in _DOC_HINTS:
            if name == hint:
                return entity
    return None


def _entity_from_keys(obj: Any) -> str | None:
    if not isinstance(obj, dict) or "id" not in obj:
        return None
    keys = set(obj)
    if "location_type" in keys:
        return "location"
    if "status" in keys or "organization" in keys:
        return "service"
    if keys & {"service", "location", "service_id", "location_id"}:
        return "service_at_location"
    if keys & {"taxonomy_detail", "taxonomy_id", "parent_id", "term_uri", "code"}:
        return "taxonomy_term"
    if keys & {"services", "website", "year_incorporated", "locations", "organization_identifiers"}:
        return "organization"
    if keys <= {"id", "name", "description", "uri", "version", "metadata"}:
        return "taxonomy"
    return None


def _typed(kind: str | None, value: str) -> Any:
    """Read a CSV number as a JSON number would be read (other cells stay text)."""
    if kind != "number":
        return value
    number = decimal_of(value)
    return value if number is None else number


def _finite_number(value: Any) -> bool:
    """Whether *value* is a number of JSON (not ``true``/``false``) with a finite value."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return not isinstance(value, Decimal) or value.is_finite()
