"""Reading pseudonymised case-management exports (Fallmanagement-Daten, KIM).

The canonical format is a **contract** (``DESIGN.md`` §4): two CSV files,

* ``cases.csv``: ``case_id,municipality,opened,closed,legal_basis,sex,birth_year``
  (further columns become optional dimensions), and
* ``events.csv``: ``case_id,event,date,detail``,

in UTF-8 or Windows-1252, separated by commas or semicolons, with ISO or German dates.

The reader streams both files with the standard :mod:`csv` module and keeps the data in
compact columns (:class:`array.array` and :class:`bytearray`): dates are day ordinals,
municipalities, sexes, legal bases and further columns small integer codes, events one
pair of arrays (case number, day) per event type. Case pseudonyms are replaced by dense
case numbers while the events are joined and are then dropped: a :class:`CaseData`
holds no identifier at all, and no message of this module ever quotes one (a finding
names the row, never the case). Nor does a message quote the text of a wrong cell: in a
row whose cells are out of order, that text could be the case id.
"""

from __future__ import annotations

import csv
import functools
import gc
import io
import itertools
import logging
import operator
import os
import re
import stat
from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import IO, Any, Final, ParamSpec, TypeVar, cast

import attrs

from ._errors import Finding, LoadError, Location, Severity, foreign_text, os_error_text, shown
from ._i18n import N_, Translatable, format_number, ntr, tr
from ._identifiers import breakdown_problem, identifier_header, value_shape
from ._parse import ParseError, date_fields, parse_ags
from ._text import UTF16_MESSAGE, check_csv_arguments, detect_encoding, is_workbook

__all__ = [
    "CASE_COLUMNS",
    "EVENT_COLUMNS",
    "CaseData",
    "CaseReadOptions",
    "read_cases",
]

CASE_COLUMNS: Final = (
    "case_id",
    "municipality",
    "opened",
    "closed",
    "legal_basis",
    "sex",
    "birth_year",
)
"""Columns of ``cases.csv`` in the canonical format."""

EVENT_COLUMNS: Final = ("case_id", "event", "date", "detail")
"""Columns of ``events.csv`` in the canonical format."""

_REQUIRED_CASE: Final = ("case_id", "municipality", "opened")
_REQUIRED_EVENT: Final = ("case_id", "event", "date")

log = logging.getLogger("kommunale_integration")

#: Value of ``closed`` for a case that is still open (greater than every real day).
OPEN: Final = 2**31 - 1

#: The plausible dates of a case export (``opened``, ``closed``, an event's ``date``):
#: from this day (no case of today's integration work was opened before; an earlier
#: date is a date of birth in the wrong column or a typo) …
EARLIEST_DAY: Final = date(1950, 1, 1)
#: … to one year after the day of reading (a course may be entered before it starts; a
#: later date is a typo or a placeholder such as 31.12.9999 for "still open").
FUTURE_DAYS: Final = 366


def plausible_days(today: date | None = None) -> tuple[int, int]:
    """The first and last plausible day ordinal of a case-export date, read on *today*
    (default: the current date). The one rule of both readers: the exact reader's
    :meth:`_Reader.day` refuses a date outside, and the columnar reader leaves such a
    date to it."""
    last = (today or date.today()).toordinal() + FUTURE_DAYS  # noqa: DTZ011 - a calendar day
    return EARLIEST_DAY.toordinal(), last


#: The plausible years of birth of a case export (``birth_year``): from this year (no one
#: born before is alive; an earlier year is a typo, ``0001`` or a placeholder) …
EARLIEST_BIRTH_YEAR: Final = 1900


def plausible_birth_years(today: date | None = None) -> tuple[int, int]:
    """The first and last plausible year of birth, read on *today* (default: the current
    date): from :data:`EARLIEST_BIRTH_YEAR` to the year of reading (a child born this
    year; a later year is a typo or a placeholder such as ``9999``). The rule of
    :func:`plausible_days` for years of birth, checked by :meth:`_Reader.birth`, the one
    conversion of both readers."""
    return EARLIEST_BIRTH_YEAR, (today or date.today()).year  # noqa: DTZ011 - a calendar day


SEXES: Final = ("f", "m", "d", "unknown")
_SEX_ALIASES: Final = {
    "f": "f",
    "w": "f",
    "weiblich": "f",
    "female": "f",
    "m": "m",
    "männlich": "m",
    "maennlich": "m",
    "male": "m",
    "d": "d",
    "divers": "d",
    "x": "d",
    "unknown": "unknown",
    "u": "unknown",
    "unbekannt": "unknown",
    "k.a.": "unknown",
    "": "unknown",
}

_P = ParamSpec("_P")
_R = TypeVar("_R")

_YEAR = re.compile(r"\d{4}", re.ASCII)
_CHUNK = 8192


@attrs.frozen(kw_only=True)
class CaseReadOptions:
    """Options of :func:`read_cases` (Leseoptionen).

    Attributes:
        max_findings: Stop collecting findings after this many (a summary finding
            says how many more rows were affected); the load still fails.
        dimensions: Names of the further ``cases.csv`` columns to keep as
            dimensions; ``None`` keeps all of them.
        max_columns: Most columns in a header (an Excel worksheet holds 16,384); a
            wider file is refused before a row is read.
        max_file_bytes: Largest file read, in bytes (default 1 GB, enough for some
            ten million events); a larger one is refused before it is read.
        fast: Read files with the columnar reader when the extra ``fast`` (pyarrow,
            numpy) is installed; it gives the same result as the exact reader, which
            reads the files whenever the columnar one cannot (streams, quoted fields,
            any problem: every finding comes from the exact reader). ``False`` always
            uses the exact reader.

    .. versionadded:: 0.1.0
    """

    max_findings: int = 1000
    dimensions: tuple[str, ...] | None = None
    max_columns: int = 16_384
    max_file_bytes: int = 1_000_000_000
    fast: bool = True


@attrs.define(eq=False)
class _Dim:
    """One coded case attribute: a code per case and the labels of the codes."""

    codes: array[int]
    labels: list[str]
    index: dict[str, int] = attrs.field(factory=dict)

    def code(self, label: str) -> int:
        found = self.index.get(label)
        if found is None:
            found = self.index[label] = len(self.labels)
            self.labels.append(label)
            if found == 65536 and self.codes.typecode == "H":
                self.codes = array("I", self.codes)  # more labels than 2-byte codes hold
        return found


@attrs.define(eq=False, repr=False)
class CaseData:
    """Case-management data in compact columns, without identifiers (Falldaten).

    Built by :func:`read_cases` (or :meth:`from_records` for small data in code).
    Case *i* (0-based) has its values at position *i* of every case column. Dates are
    ordinals (:meth:`datetime.date.toordinal`); a case without ``closed`` has
    ``OPEN`` (2³¹ − 1). Events are three parallel columns: the event type (a code into
    ``event_names``), the case number and the day. A :class:`CaseData` contains no
    case pseudonyms.

    Attributes:
        opened: Opening day of each case.
        closed: Closing day of each case, ``OPEN`` while open.
        birth_year: Year of birth, 0 when unknown.
        event_names: The event types; ``event_kind`` holds indices into this list.
        event_kind: Event type of each event.
        event_case: Case number of each event.
        event_day: Day of each event.

    .. versionadded:: 0.1.0
    """

    opened: Sequence[int]
    closed: Sequence[int]
    birth_year: Sequence[int]
    _dims: dict[str, Any]
    event_names: list[str]
    event_kind: Sequence[int]
    event_case: Sequence[int]
    event_day: Sequence[int]

    def __len__(self) -> int:
        return len(self.opened)

    def __repr__(self) -> str:
        return (
            f"<CaseData {len(self):,} cases, {len(self.event_kind):,} events, "
            f"{len(self._dims['municipality'].labels)} municipalities>"
        )

    @property
    def dimensions(self) -> dict[str, tuple[Sequence[int], list[str]]]:
        """Each coded attribute as ``(codes per case, labels of the codes)``.

        Attributes are ``municipality``, ``sex``, ``legal_basis`` and every further
        column of ``cases.csv`` that was kept.
        """
        return {name: (d.codes, d.labels) for name, d in self._dims.items()}

    @property
    def dimension_names(self) -> tuple[str, ...]:
        """The coded attributes besides ``municipality`` (usable in ``by=``)."""
        return tuple(n for n in self._dims if n != "municipality")

    @property
    def municipalities(self) -> tuple[str, ...]:
        """The AGS of all municipalities that have cases, sorted."""
        return tuple(sorted(self._dims["municipality"].labels))

    @property
    def event_counts(self) -> dict[str, int]:
        """Number of events per event type."""
        counts = [0] * len(self.event_names)
        for kind in self.event_kind:
            counts[kind] += 1
        return {name: n for name, n in zip(self.event_names, counts, strict=True) if n}

    def events_of(self, names: Iterable[str]) -> tuple[Iterable[int], Iterable[int]]:
        """Case numbers and days of the events whose type is one of *names*."""
        wanted = set(names)
        table = bytes(int(name in wanted) for name in self.event_names)
        if not any(table):
            return (), ()
        if all(table):
            return self.event_case, self.event_day
        selected = bytes(map(table.__getitem__, self.event_kind))
        return (
            itertools.compress(self.event_case, selected),
            itertools.compress(self.event_day, selected),
        )

    def within(self, municipalities: Iterable[str]) -> CaseData:
        """Return the cases of the *municipalities* (AGS) with their events.

        The others, their municipalities and their events are left out; the codes of
        the other attributes stay as they are. ``self`` when nothing is left out.

        .. versionadded:: 0.2.0
        """
        mun = self._dims["municipality"]
        wanted = set(municipalities)
        labels = [label for label in mun.labels if label in wanted]
        if len(labels) == len(mun.labels):
            return self
        kept = bytes(int(label in wanted) for label in mun.labels)
        mask = bytes(map(kept.__getitem__, mun.codes))
        # the new code of each kept municipality, the new number of each kept case
        recode = {code: new for new, code in enumerate(i for i, k in enumerate(kept) if k)}
        number = array("i", itertools.accumulate(mask, initial=0))

        def keep(column: Sequence[int], which: bytes = mask) -> array[int]:
            code = column.typecode if isinstance(column, array) else "i"
            return array(code, itertools.compress(column, which))

        dims = {name: _Dim(keep(d.codes), list(d.labels)) for name, d in self._dims.items()}
        dims["municipality"] = _Dim(
            array(mun.codes.typecode, map(recode.__getitem__, keep(mun.codes))), labels
        )
        events = bytes(map(mask.__getitem__, self.event_case))
        return CaseData(
            keep(self.opened),
            keep(self.closed),
            keep(self.birth_year),
            dims,
            list(self.event_names),
            keep(self.event_kind, events),
            array("i", map(number.__getitem__, keep(self.event_case, events))),
            keep(self.event_day, events),
        )

    @property
    def events(self) -> dict[str, tuple[Sequence[int], Sequence[int]]]:
        """For each event type, its case numbers and days as two parallel arrays."""
        result: dict[str, tuple[Sequence[int], Sequence[int]]] = {}
        for name in self.event_names:
            cases, days = self.events_of([name])
            pair = (array("i", cases), array("i", days))
            if pair[0]:
                result[name] = pair
        return result

    @classmethod
    def empty(cls, extra: Iterable[str] = ()) -> CaseData:
        """Return case data without any case.

        .. versionadded:: 0.1.0
        """
        dims = {
            name: _Dim(array("H"), []) for name in ("municipality", "sex", "legal_basis", *extra)
        }
        return cls(array("i"), array("i"), array("H"), dims, [], array("H"), array("i"), array("i"))

    @classmethod
    def from_records(
        cls,
        cases: Iterable[Mapping[str, Any]],
        events: Iterable[Mapping[str, Any]] = (),
    ) -> CaseData:
        """Build case data from mappings with the canonical column names.

        Meant for tests and small data built in code. Dates may be :class:`date`
        objects or text; ``closed`` may be missing or ``None``. The same checks as in
        :func:`read_cases` apply and a :class:`LoadError` lists every problem.

        .. versionadded:: 0.1.0
        """
        case_rows = list(cases)
        header: list[str] = list(CASE_COLUMNS)
        for row in case_rows:
            header.extend(k for k in row if k not in header)
        event_header = list(EVENT_COLUMNS)

        def text(value: Any) -> str:
            if value is None:
                return ""
            if isinstance(value, date):
                return value.isoformat()
            return str(value)

        case_lines = [header, *([text(r.get(k)) for k in header] for r in case_rows)]
        event_lines = [event_header, *([text(r.get(k)) for k in event_header] for r in events)]
        reader = _Reader(None, CaseReadOptions())
        reader.read_case_rows(iter(case_lines), "cases")
        if reader.cases_usable:
            reader.read_event_rows(iter(event_lines), "events")
        return reader.finish()


# --------------------------------------------------------------------------- reading


_FAMILIES: Final = {
    "name": N_("a name"),
    "birth": N_("a date or place of birth"),
    "address": N_("an address"),
    "phone": N_("a phone number"),
    "email": N_("an e-mail address"),
    "number": N_("a social-security, tax, account or customer number"),
    "document": N_("a file reference, ID document or photo"),
}


def _refusal(column: str, family: str, mapped: str, header: str) -> str:
    """The message of a refused identifier *column* (normalised *header*); *mapped*: the
    column the mapping names it for, and then how to keep its values (a newcomer's
    ``Wohnort (AGS)``, mapped to ``municipality``, was told to remove the column)."""
    if mapped == header:
        return tr(
            "the column {column} looks like a direct identifier ({kind}); such "
            "columns are refused and their values are never read: remove the "
            "column from the export",
            column=column,
            kind=tr(_FAMILIES[family]),
        )
    return tr(
        "the column {column} looks like a direct identifier ({kind}); such "
        "columns are refused and their values are never read, also when the "
        'mapping makes them the column "{name}": if it holds no data of a '
        "person, give it another header in the export and map that one; "
        "otherwise remove the column from the export",
        column=column,
        kind=tr(_FAMILIES[family]),
        name=mapped,
    )


class _Invalid(Translatable, ValueError):
    """A cell that is not a value of its column (the message translated when shown)."""


def _name_instead_of_ags(text: str) -> _Invalid | None:
    """The finding for a ``municipality`` cell that holds a place name instead of an AGS.

    The export's contract is the AGS; a name is not looked up (namesakes such as the
    many Neustadts, and a Stadt named like its Kreis, would be counted in the wrong
    place without anybody noticing). The message names the AGS to write instead when
    the cell is exactly the name of one Gemeinde of the Gemeindeverzeichnis, or says
    how to find it when several share the name. It shows the official name, never the
    cell (``None`` for a cell that is no such name: the plain message is used).
    """
    found = _place_name_message(text)
    # A new exception each time: a raised one holds its traceback (and the reader's
    # buffers with it), so it must never be kept in a cache.
    return None if found is None else _Invalid(found[0], **found[1])


@functools.lru_cache(maxsize=256)
def _place_name_message(text: str) -> tuple[str, dict[str, str]] | None:
    """The message id and values of :func:`_name_instead_of_ags` (cached per cell text)."""
    if not text or not any(c.isalpha() for c in text):
        return None
    from ._territories import stadtstaat_bezirk, territory_catalogue

    book = territory_catalogue()
    found, exact = book.lookup(text)
    towns = [e for e in found if len(e.ags) == 8]
    if not exact and (bezirk := stadtstaat_bezirk(text)):
        return N_(
            "expected an 8-digit AGS (Gemeindeschlüssel), not a place name: {place} is a "
            "Bezirk of {city}, whose cases have the city's AGS {ags}"
        ), {
            "place": bezirk[1],
            "city": book.require(bezirk[0]).short_name,
            "ags": bezirk[0],
        }
    if not exact:
        return None
    if not towns:  # a Kreis: the cases need the Gemeinde
        return N_(
            "expected the 8-digit AGS (Gemeindeschlüssel) of a Stadt or Gemeinde, not the "
            "name of a Kreis ({place}, AGS {ags})"
        ), {"place": found[0].display_name, "ags": found[0].ags}
    if len(towns) == 1:
        town = towns[0]
        around = book.describe(town.ags).partition(", ")[2]  # Kreis, Land
        return N_(
            "expected an 8-digit AGS (Gemeindeschlüssel), not a place name: {place} has "
            "the AGS {ags}"
        ), {
            "place": f"{town.short_name} ({around})" if around else town.short_name,
            "ags": town.ags,
        }
    return N_(
        "expected an 8-digit AGS (Gemeindeschlüssel), not a place name: {count} "
        "Gemeinden are called {name}; 'kommunale-integration territories find {name}' "
        "lists their AGS"
    ), {"count": str(len(towns)), "name": towns[0].short_name}


def _looks_like_data(cell: str) -> bool:
    """Whether a header cell is rather a value (a digit, an e-mail, a date …)."""
    return any(c.isdigit() for c in cell) or value_shape(cell) is not None


def _normalise_header(text: str) -> str:
    return text.strip().lstrip("\ufeff").strip().lower()


#: The columns a mapping can make a header of the events file (``case_id`` also of the
#: cases file); every other column is one of the cases file.
_EVENT_ONLY: Final = frozenset(EVENT_COLUMNS) - {"case_id"}


@attrs.frozen
class MappingFile:
    """A mapping read from a YAML file (``--mapping``): header → column, and the line of
    each header, so that a finding about a line can name it."""

    file: str
    columns: Mapping[str, str]
    lines: Mapping[str, int]


def read_mapping(path: str | os.PathLike[str]) -> MappingFile:
    """Read the mapping of an export's headers to the canonical columns from the YAML file
    *path*: one line ``header: column`` per header (``Fallnummer: case_id``). The one
    reader of such files (``read_cases(mapping=path)``, ``--mapping FILE``).

    Raises:
        LoadError: the file cannot be read or is no YAML, or lines that are not
            ``header: column`` — each with its line and what was expected.
    """
    from ._loaders._common import read_text_file
    from ._text import parse_yaml

    file = os.fspath(path)
    text = read_text_file(file)
    lines: dict[str, int] = {}
    data = parse_yaml(text, file=file, lines=lines)
    example = "Fallnummer: case_id"
    if not isinstance(data, dict) or not data:
        message = tr(
            "expected one line 'header: column' per header of the export, e.g. '{example}'",
            example=example,
        )
        raise LoadError([_mapping_finding(message, file, None)])
    rows = text.splitlines()
    # The headers as written, with their lines: the first entries of *lines* are the
    # keys of the top-level mapping in their order (1e400 as a key is the float inf).
    written_lines = [line for _, line in itertools.islice(lines.items(), len(data))]
    findings: list[Finding] = []
    numbered: dict[str, int] = {}
    for (key, value), line in zip(data.items(), written_lines, strict=True):
        numbered[str(key)] = line
        written = rows[line - 1].strip() if 0 < line <= len(rows) else f"{key}: {value}"
        if not isinstance(key, str) or not key.strip():
            message = tr(
                "expected a header of the export before the colon, got {found}: a header "
                "of digits or of true, false or null is written in quotes, e.g. "
                "'\"2024\": birth_year'",
                found=shown(written),
            )
        elif not isinstance(value, str) or not value.strip():
            message = tr(
                "expected the name of a column after the colon ({columns}, or the name of "
                "a further column of the cases), got {found}: write 'header: column', "
                "e.g. '{example}'",
                columns=", ".join(dict.fromkeys((*CASE_COLUMNS, *EVENT_COLUMNS))),
                found=shown(written),
                example=example,
            )
        else:
            continue
        findings.append(_mapping_finding(message, file, line))
    if findings:
        raise LoadError(findings)
    return MappingFile(file=file, columns=dict(data), lines=numbered)


def _mapping_finding(message: str, file: str, line: int | None) -> Finding:
    return Finding(
        code="invalid-value",
        severity=Severity.ERROR,
        message=message,
        location=Location(file=file, row=line),
    )


class _KeyClash(Exception):
    """Internal: two case rows share a key; the read is repeated with exact keys."""


def _identity(text: str) -> str:
    return text


# 60 bits keep a Python int at 32 bytes (a full 64-bit hash takes 40).
_HASH_MASK: Final = (1 << 60) - 1


def _short_hash(text: str) -> int:
    return hash(text) & _HASH_MASK


def _short_hashes(texts: Iterable[str]) -> Iterator[int]:
    return map(operator.and_, map(hash, texts), itertools.repeat(_HASH_MASK))


class _Reader:
    """Collects the columns and the findings of one :func:`read_cases` call."""

    def __init__(
        self,
        mapping: Mapping[str, str] | MappingFile | None,
        options: CaseReadOptions,
        *,
        exact: bool = False,
    ) -> None:
        #: the mapping's file and lines, where it was read from a file
        self.mapping_file = mapping if isinstance(mapping, MappingFile) else None
        columns = mapping.columns if isinstance(mapping, MappingFile) else mapping or {}
        self.mapping = {_normalise_header(k): v for k, v in columns.items()}
        #: normalised header → the header as the mapping writes it
        self.mapping_headers = {_normalise_header(k): k for k in columns}
        #: "cases"/"events" → (file, its headers), for each file whose headers were read
        self.headers_read: dict[str, tuple[str, list[str]]] = {}
        #: (file, canonical column) → the header the file has, where a mapping renamed
        #: it: a finding names the column as the user sees it ("Gemeinde")
        self.headers: dict[tuple[str, str], str] = {}
        self.options = options
        self.findings: list[Finding] = []
        self.dropped = 0
        self.opened = array("i")
        self.closed = array("i")
        self.birth_year = array("H")
        self.dims: dict[str, _Dim] = {
            "municipality": _Dim(array("H"), []),
            "sex": _Dim(array("H"), []),
            "legal_basis": _Dim(array("H"), []),
        }
        for sex in SEXES:
            self.dims["sex"].code(sex)
        # Case pseudonym -> case number. By default the key is the pseudonym's 64-bit
        # hash (SipHash, randomly keyed per process), which needs a fraction of the
        # memory of the text; a hash shared by two different cases is detected and the
        # read is repeated with the text as key (``exact``).
        self.exact = exact
        self.key: Callable[[str], Hashable] = _identity if exact else _short_hash
        self.ids: dict[Hashable, int] = {}
        self.event_index: dict[str, int] = {}
        self.event_names: list[str] = []
        self.event_kind = array("H")
        self.event_case = array("i")
        self.event_day = array("i")
        self._dates: dict[str, int] = {}
        #: the first and last day a date of the export may have (:func:`plausible_days`)
        self.plausible = plausible_days()
        #: the first and last year of birth of the export (:func:`plausible_birth_years`)
        self.plausible_births = plausible_birth_years()
        self._years: dict[str, int] = {"": 0}
        self._sex_code: dict[str, int] | None = None
        self._raw: dict[str, dict[str, int]] = {}
        self.cases_usable = False
        self.case_file = "cases"

    # ----------------------------------------------------------------- findings

    def add(self, code: str, message: str, file: str, row: int | None, column: str | None) -> None:
        if len(self.findings) >= self.options.max_findings:
            self.dropped += 1
            return
        self.findings.append(
            Finding(
                code=code,
                severity=Severity.ERROR,
                message=message,
                location=Location(
                    file=file,
                    row=row,
                    column=self.headers.get((file, column), column) if column else column,
                ),
            )
        )

    # ----------------------------------------------------------------- values

    def day(self, text: str) -> int:
        """Day ordinal of an ISO or German date; raises ValueError, also for a date
        outside the plausible days (:func:`plausible_days`)."""
        found = self._dates.get(text)
        if found is not None:
            return found
        fields = date_fields(text.strip())
        if fields is None:
            # The cell's text is not quoted: it might be a case id in the wrong column.
            raise _Invalid("expected a date like 2025-03-31 or 31.03.2025")
        year, month, day = fields
        try:
            result = date(year, month, day).toordinal()
        except ValueError:
            # not quoted either: the cell could be a date of birth or a case id
            raise _Invalid("the date does not exist in the calendar") from None
        first, last = self.plausible
        if not first <= result <= last:
            # not quoted: a date of birth in the wrong column is personal data
            raise _Invalid(
                "expected a date from {first} to {last} (one year ahead): an earlier or "
                "later date is rather a date of birth, a typo or a placeholder such as "
                "31.12.9999 (leave 'closed' empty while the case is open)",
                first=date.fromordinal(first).isoformat(),
                last=date.fromordinal(last).isoformat(),
            )
        if len(self._dates) < 2_000_000:
            self._dates[text] = result
        return result

    # ----------------------------------------------------------------- headers

    def columns(
        self, header: list[str], file: str, required: tuple[str, ...], known: tuple[str, ...]
    ) -> dict[str, int] | None:
        positions: dict[str, int] = {}
        ok = True
        if len(header) > self.options.max_columns:
            self.add(
                "too-many-columns",
                tr(
                    "the header has {count} columns, more than {limit}: is it the right file?",
                    count=format_number(len(header)),
                    limit=format_number(self.options.max_columns),
                ),
                file,
                1,
                None,
            )
            return None
        # Without a header row, the first row of data (with its case id) stands in the
        # header's place: a header cell is only quoted when the row does not look like data.
        quotable = not any(_looks_like_data(cell) for cell in header)

        def label(index: int, raw: str) -> str:
            if quotable:
                return f'"{raw.strip()}"'
            return tr("{number} (counted from the left)", number=index + 1)

        renamed: dict[str, str] = {}  # a column the mapping gave another name
        refused: set[str] = set()  # the columns the mapping names refused headers for
        for index, raw in enumerate(header):
            name = _normalise_header(raw)
            mapped = _normalise_header(self.mapping.get(name, name))
            if mapped != name and quotable:
                self.headers[(file, mapped)] = raw.strip()
                renamed[name] = mapped
            name = mapped
            if not name:
                continue
            # the original header decides, before any mapping: a mapping cannot turn an
            # identifier column into a dimension or a canonical column
            family = identifier_header(raw)
            if family is not None:
                if mapped != _normalise_header(raw):
                    refused.add(mapped)
                message = _refusal(label(index, raw), family, mapped, _normalise_header(raw))
                self.add(
                    "direct-identifier",
                    message,
                    file,
                    1,
                    raw.strip() if quotable else None,
                )
                ok = False
                continue
            if name in positions:
                first = header[positions[name]]
                if _normalise_header(raw) == _normalise_header(first):
                    message = tr("the column {column} appears twice", column=label(index, raw))
                else:  # two headers that the mapping makes one column ("Fall", "Nr")
                    message = tr(
                        "the columns {first} and {column} both stand for the column {name} "
                        "(by the mapping or as its name): map only one of them to it",
                        first=label(positions[name], first),
                        column=label(index, raw),
                        name=name,
                    )
                self.add("duplicate-column", message, file, 1, name if quotable else None)
                ok = False
                continue
            positions[name] = index
        names = [h.strip() for h in header if h.strip()]
        found = ", ".join(names)
        if quotable:  # (a row of data is never quoted: it holds a case's pseudonym)
            self.headers_read["events" if known is EVENT_COLUMNS else "cases"] = (file, names)
        if not quotable:
            found = tr(
                "{count}, not shown because the first row looks like data: is the header row "
                "missing?",
                count=len(header),
            )
        # the first missing column says how to read other headers (once, not per column)
        hint = quotable and not self.mapping
        for name in required:
            # a column whose header was refused is said missing by its refusal, once
            if name not in positions and name not in refused:
                message = tr(
                    'the required column "{name}" is missing (columns found: {found})',
                    name=name,
                    found=found,
                )
                if hint:
                    message += tr(
                        "; an export with other headers is read with a mapping of its "
                        "headers (mapping=… in Python, --mapping FILE on the command line)"
                    )
                    hint = False
                elif name in renamed:  # "case_id: name" in the mapping
                    message += tr(
                        '; the mapping makes the column "{name}" the column "{mapped}"',
                        name=name,
                        mapped=renamed[name] or "",
                    )
                self.add(
                    "missing-column",
                    message,
                    file,
                    1,
                    name,
                )
                ok = False
        return positions if ok else None

    # ----------------------------------------------------------------- cases

    def read_case_rows(self, rows: Iterator[list[str]], file: str) -> None:
        """Read ``cases.csv`` rows (header first) in chunks.

        Each chunk is first checked and converted column by column (C-level ``map`` over
        cached conversions); a chunk with any problem is read again row by row to
        locate every problem exactly.
        """
        try:
            header = next(rows)
        except StopIteration:
            self.add(
                "empty-file", tr("the file is empty (a header row is required)"), file, None, None
            )
            return
        self.case_file = file
        pos = self.columns(header, file, _REQUIRED_CASE, CASE_COLUMNS)
        if pos is None:
            return
        self.cases_usable = True
        extra = self.extra_columns(pos)
        self._raw["legal_basis"] = {}
        for name in extra:
            self.dims[name] = _Dim(array("H"), [])
            self._raw[name] = {}
        width = len(header)
        row_no = 1
        for chunk in iter(lambda: list(itertools.islice(rows, _CHUNK)), []):
            if not self._fast_cases(chunk, pos, extra, width):
                self._slow_cases(chunk, pos, extra, width, file=file, row_no=row_no)
            row_no += len(chunk)

    def _coded(self, dim: _Dim, raw: dict[str, int], column: tuple[str, ...]) -> list[int]:
        for text in set(column).difference(raw):
            raw[text] = dim.code(text.strip() or "unknown")
        return list(map(raw.__getitem__, column))

    def _days(self, column: Sequence[str], *, blank: int | None = None) -> list[int] | None:
        """The day ordinals of a date column of a chunk; ``None`` when a cell is no date
        (the chunk is then read row by row, which reports the cell). *blank* is the day
        of an empty cell (``OPEN`` for ``closed``); without it an empty cell is no date."""
        dates = self._dates
        for text in set(column).difference(dates):
            if text or blank is None:
                try:
                    self.day(text)
                except ValueError:
                    return None
        if blank is not None:
            dates[""] = blank
        try:
            days = list(map(dates.get, column))
        finally:
            if blank is not None:
                del dates[""]
        return None if None in days else cast(list[int], days)

    def _fast_cases(
        self, chunk: list[list[str]], pos: dict[str, int], extra: list[str], width: int
    ) -> bool:
        if set(map(len, chunk)) != {width}:
            return False
        columns = list(zip(*chunk, strict=True))
        n = len(chunk)
        id_col = columns[pos["case_id"]]
        ids = self.ids
        if not all(id_col) or len(set(id_col)) != n:
            return False
        keys = id_col if self.exact else list(_short_hashes(id_col))
        if not ids.keys().isdisjoint(keys) or (not self.exact and len(set(keys)) != n):
            if self.exact:
                return False
            raise _KeyClash  # a repeated case id or (very rarely) a shared hash
        mun = self.dims["municipality"]
        mun_col = columns[pos["municipality"]]
        for ags in set(mun_col).difference(mun.index):
            try:
                if self.municipality(ags) != ags:
                    return False
            except ValueError:
                return False
            mun.code(ags)
        opened = self._days(columns[pos["opened"]])
        if opened is None:
            return False
        if "closed" in pos:
            closed = self._days(columns[pos["closed"]], blank=OPEN)
            if closed is None or any(map(operator.lt, closed, opened)):
                return False
        else:
            closed = [OPEN] * n
        sex_dim = self.dims["sex"]
        if "sex" in pos:
            sex_code = self._sex_codes(sex_dim)
            sexes = list(map(sex_code.get, columns[pos["sex"]]))
            if None in sexes:
                return False
        else:
            sexes = [sex_dim.index["unknown"]] * n
        years = self._years
        if "birth_year" in pos:
            birth_col = columns[pos["birth_year"]]
            for text in set(birth_col).difference(years):
                try:
                    years[text] = self.birth(text)
                except ValueError:
                    return False
            births = list(map(years.__getitem__, birth_col))
        else:
            births = [0] * n
        legal = self.dims["legal_basis"]
        if "legal_basis" in pos:
            legal_codes = self._coded(legal, self._raw["legal_basis"], columns[pos["legal_basis"]])
        else:
            legal_codes = [legal.code("unknown")] * n
        extra_codes = [
            (self.dims[name], self._coded(self.dims[name], self._raw[name], columns[pos[name]]))
            for name in extra
        ]
        # everything is valid: append the chunk
        start = len(self.opened)
        ids.update(zip(keys, range(start, start + n), strict=True))
        self.opened.extend(opened)
        self.closed.extend(closed)
        self.birth_year.extend(births)
        mun.codes.extend(map(mun.index.__getitem__, mun_col))
        sex_dim.codes.extend(sexes)  # type: ignore[arg-type]
        legal.codes.extend(legal_codes)
        for dim, codes in extra_codes:
            dim.codes.extend(codes)
        return True

    def _sex_codes(self, sex_dim: _Dim) -> dict[str, int]:
        found = self._sex_code
        if found is None:
            found = self._sex_code = {
                alias: sex_dim.index[value] for alias, value in _SEX_ALIASES.items()
            }
        return found

    def _slow_cases(
        self,
        chunk: list[list[str]],
        pos: dict[str, int],
        extra: list[str],
        width: int,
        *,
        file: str,
        row_no: int,
    ) -> None:
        i_id = pos["case_id"]
        i_legal = pos.get("legal_basis")
        checks = [
            (column, pos[column], convert)
            for column, convert in self.case_values().items()
            if column in pos
        ]
        extra_pos = [(self.dims[name], pos[name]) for name in extra]
        ids = self.ids
        mun, sex_dim = self.dims["municipality"], self.dims["sex"]
        unknown_sex = sex_dim.index["unknown"]
        for row in chunk:
            row_no += 1
            if len(row) != width:
                self._wrong_width(row, width, file, row_no)
                continue
            bad = False
            case_id = row[i_id].strip()
            if not case_id:
                self.add("missing-value", tr("the case id is empty"), file, row_no, "case_id")
                bad = True
            elif self.key(case_id) in ids:
                if not self.exact:
                    raise _KeyClash
                self.add(
                    "duplicate-case",
                    tr("the case id of this row already appeared in an earlier row"),
                    file,
                    row_no,
                    "case_id",
                )
                bad = True
            values: dict[str, Any] = {}
            for column, index, convert in checks:
                try:
                    values[column] = convert(row[index])
                except ValueError as exc:
                    code = "invalid-date" if column in ("opened", "closed") else "invalid-value"
                    self.add(code, str(exc), file, row_no, column)
                    bad = True
                    continue
                if column == "closed" and values[column] < values.get("opened", 0):
                    self.add(
                        "invalid-value",
                        tr("the case is closed before it was opened"),
                        file,
                        row_no,
                        "closed",
                    )
                    bad = True
            if bad:
                continue
            ids[self.key(case_id)] = len(self.opened)
            self.opened.append(values["opened"])
            self.closed.append(values.get("closed", OPEN))
            self.birth_year.append(values.get("birth_year", 0))
            mun.codes.append(mun.code(values["municipality"]))
            sex_dim.codes.append(values.get("sex", unknown_sex))
            legal = self.dims["legal_basis"]
            legal.codes.append(legal.code(self.label(row[i_legal] if i_legal is not None else "")))
            for dim, index in extra_pos:
                dim.codes.append(dim.code(self.label(row[index])))

    def _wrong_width(self, row: list[str], width: int, file: str, row_no: int) -> None:
        if not row or row == [""] * len(row):
            return  # blank line
        self.add(
            "wrong-field-count",
            ntr(
                "the row has {n} field, the header has {width} (a truncated file or a "
                "stray separator)",
                "the row has {n} fields, the header has {width} (a truncated file or a "
                "stray separator)",
                len(row),
                width=width,
            ),
            file,
            row_no,
            None,
        )

    # ----------------------------------------------------------------- values
    # One conversion per kind of cell, shared by every reading path (also the
    # columnar one in ``_cases_fast``); each raises ValueError with the message.

    def case_values(self) -> dict[str, Callable[[str], Any]]:
        """The checked columns of ``cases.csv`` (in the order of their findings)."""
        return {
            "municipality": self.municipality,
            "opened": self.day,
            "closed": self.closing_day,
            "sex": self.sex,
            "birth_year": self.birth,
        }

    @staticmethod
    def municipality(text: str) -> str:
        """The AGS of a ``municipality`` cell."""
        try:  # (its messages never show the cell: this is a case file)
            return parse_ags(text, lengths=(8,), repair=False)
        except ParseError as error:
            if error.key == "invalid-ags":
                raise _name_instead_of_ags(text.strip()) or error from None
            raise  # (a leading zero lost?)

    def closing_day(self, text: str) -> int:
        """Day of a ``closed`` cell, ``OPEN`` when it is blank."""
        return self.day(text) if text.strip() else OPEN

    def sex(self, text: str) -> int:
        """Code of a ``sex`` cell."""
        codes = self._sex_codes(self.dims["sex"])
        found = codes.get(text)
        if found is None:
            found = codes.get(text.strip().lower())
        if found is None:
            raise _Invalid("expected a sex of f, m, d or unknown")
        return found

    def birth(self, text: str) -> int:
        """Year of a ``birth_year`` cell, 0 when it is blank; raises ValueError, also for
        a year outside the plausible years (:func:`plausible_birth_years`)."""
        value = text.strip()
        if not value:
            return 0
        if not _YEAR.fullmatch(value):
            raise _Invalid("expected a year of birth of 4 digits")
        year = int(value)
        first, last = self.plausible_births
        if not first <= year <= last:
            # not quoted: a year of birth is personal data
            raise _Invalid(
                "expected a year of birth from {first} to {last}: an earlier or later year "
                "is rather a typo or a placeholder such as 0000 or 9999 (leave the cell "
                "empty when the year is unknown)",
                first=str(first),
                last=str(last),
            )
        return year

    @staticmethod
    def label(text: str) -> str:
        """Label of a ``legal_basis`` or further-column cell."""
        return text.strip() or "unknown"

    @staticmethod
    def event_name(text: str) -> str:
        """Name of an ``event`` cell."""
        name = text.strip()
        if not name:
            raise _Invalid("the event is empty")
        return name

    def extra_columns(self, pos: Mapping[str, int]) -> list[str]:
        """The further ``cases.csv`` columns kept as dimensions."""
        keep = self.options.dimensions
        return [name for name in pos if name not in CASE_COLUMNS and (keep is None or name in keep)]

    # ----------------------------------------------------------------- events

    def read_event_rows(self, rows: Iterator[list[str]], file: str) -> None:
        """Read ``events.csv`` rows (header first) in chunks, like the cases."""
        try:
            header = next(rows)
        except StopIteration:
            self.add(
                "empty-file", tr("the file is empty (a header row is required)"), file, None, None
            )
            return
        pos = self.columns(header, file, _REQUIRED_EVENT, EVENT_COLUMNS)
        if pos is None:
            return
        width = len(header)
        row_no = 1
        for chunk in iter(lambda: list(itertools.islice(rows, _CHUNK)), []):
            if not self._fast_events(chunk, pos, width):
                self._slow_events(chunk, pos, width, file, row_no)
            row_no += len(chunk)

    def _event_code(self, name: str) -> int:
        code = self.event_index.get(name)
        if code is None:
            code = self.event_index[name] = len(self.event_names)
            self.event_names.append(name)
        return code

    def _fast_events(self, chunk: list[list[str]], pos: dict[str, int], width: int) -> bool:
        if set(map(len, chunk)) != {width}:
            return False
        columns = list(zip(*chunk, strict=True))
        id_col = columns[pos["case_id"]]
        cases = list(map(self.ids.get, id_col if self.exact else _short_hashes(id_col)))
        if None in cases:
            return False
        days = self._days(columns[pos["date"]])
        if days is None:
            return False
        kind_col = columns[pos["event"]]
        for name in set(kind_col).difference(self.event_index):
            if not name or name != name.strip() or len(self.event_names) >= 65535:
                return False
            self._event_code(name)
        self.event_kind.extend(map(self.event_index.__getitem__, kind_col))
        self.event_case.extend(cases)  # type: ignore[arg-type]
        self.event_day.extend(days)
        return True

    def _slow_events(
        self, chunk: list[list[str]], pos: dict[str, int], width: int, file: str, row_no: int
    ) -> None:
        i_id, i_event, i_date = pos["case_id"], pos["event"], pos["date"]
        ids = self.ids
        for row in chunk:
            row_no += 1
            if len(row) != width:
                self._wrong_width(row, width, file, row_no)
                continue
            case = ids.get(self.key(row[i_id]))
            if case is None:
                case = ids.get(self.key(row[i_id].strip()))
                if case is None:
                    self.add(
                        "unknown-case",
                        tr(
                            "the event refers to a case id that is not in the cases file (or "
                            "whose row there has errors)"
                        ),
                        file,
                        row_no,
                        "case_id",
                    )
                    continue
            try:
                name = self.event_name(row[i_event])
            except ValueError as exc:
                self.add("missing-value", str(exc), file, row_no, "event")
                continue
            if name not in self.event_index and len(self.event_names) >= 65535:
                self.add(
                    "invalid-value",
                    tr("more than 65535 different event types"),
                    file,
                    row_no,
                    "event",
                )
                continue
            try:
                when = self.day(row[i_date])
            except ValueError as exc:
                self.add("invalid-date", str(exc), file, row_no, "date")
                continue
            self.event_kind.append(self._event_code(name))
            self.event_case.append(case)
            self.event_day.append(when)

    def check_breakdowns(self) -> None:
        """Refuse every column that could become a breakdown but would single out persons."""
        for name, dim in self.dims.items():
            if name in ("municipality", "sex"):  # checked codes, not free text
                continue
            problem = breakdown_problem(dim.labels)
            if problem is not None:
                message = (
                    N_(
                        'the column "{name}" cannot be a breakdown: {problem}, so it could '
                        "single out a person; group its values in the export"
                    )
                    if name == "legal_basis"
                    else N_(
                        'the column "{name}" cannot be a breakdown: {problem}, so it could '
                        "single out a person; group its values in the export, or leave it out "
                        "with CaseReadOptions(dimensions=...)"
                    )
                )
                self.add(
                    "unsafe-breakdown",
                    tr(message, name=name, problem=problem),
                    self.case_file,
                    None,
                    name,
                )

    def unused_mapping(self) -> list[Finding]:
        """A warning for each line of the mapping whose header no file of the export has.

        A warning, not an error: one mapping file may serve the exports of several towns
        or years, whose systems name some columns differently. A line is judged only
        when every file whose column it names was read (a line for ``event`` is not
        judged without the events).
        """
        if not self.mapping or not self.headers_read:
            return []
        present = {_normalise_header(h) for _, names in self.headers_read.values() for h in names}
        found = "; ".join(
            f"{file}: {', '.join(names)}" for file, names in self.headers_read.values()
        )
        source = self.mapping_file
        warnings: list[Finding] = []
        for name, column in self.mapping.items():
            target = _normalise_header(column)
            files = {"cases", "events"} if target == "case_id" else set()
            files.add("events" if target in _EVENT_ONLY else "cases")
            if name in present or not files <= self.headers_read.keys():
                continue
            header = self.mapping_headers[name]
            warnings.append(
                Finding(
                    code="unused-mapping",
                    severity=Severity.WARNING,
                    message=tr(
                        'the mapping names the header "{header}" (for the column {column}), '
                        "which no file of the export has, so it is not used; a mapping "
                        "shared by several exports may name the headers of another, else "
                        "check its spelling (headers found: {found})",
                        header=header,
                        column=column,
                        found=found,
                    ),
                    location=Location(
                        file=source.file if source else None,
                        row=source.lines.get(str(header)) if source else None,
                    ),
                )
            )
        return warnings

    def finish(self) -> CaseData:
        self.check_breakdowns()
        unused = self.unused_mapping()
        if self.findings:
            findings = list(self.findings) + unused
            if self.dropped:
                findings.append(
                    Finding(
                        code="too-many-findings",
                        severity=Severity.ERROR,
                        message=ntr(
                            "{n} further problem was not listed",
                            "{n} further problems were not listed",
                            self.dropped,
                        ),
                    )
                )
            raise LoadError(findings)
        for warning in unused:
            log.warning("%s", warning)
        self.ids.clear()  # drop the pseudonyms as soon as the events are joined
        self._dates.clear()
        for dim in self.dims.values():
            dim.index = {}
        self._years.clear()
        return CaseData(
            self.opened,
            self.closed,
            self.birth_year,
            self.dims,
            self.event_names,
            self.event_kind,
            self.event_case,
            self.event_day,
        )


# --------------------------------------------------------------------------- files

Source = str | os.PathLike[str] | IO[bytes]


def _open(source: Source) -> tuple[IO[bytes], str, bool]:
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), os.fspath(source), True
    name = getattr(source, "name", None)
    return source, os.path.basename(name) if isinstance(name, str) else "<stream>", False


#: A device given as a file of the export.
_DEVICE: Final = N_("this is a device (such as /dev/zero), not a file of the export")


def _is_device(handle: IO[bytes]) -> bool:
    """Whether the opened *handle* is a character or block device."""
    mode = os.fstat(handle.fileno()).st_mode
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


_WORKBOOK: Final = N_(
    "the file is an Excel workbook (or a ZIP archive), not a CSV file: save the export "
    "in Excel as “CSV UTF-8 (comma delimited)”"
)

#: How much of a file the encoding and delimiter are sniffed from.
_HEAD_BYTES = 65536


def _sniff(head: bytes, encoding: str | None, delimiter: str | None) -> tuple[str, str]:
    if encoding is None:
        encoding = detect_encoding(head, final=len(head) < _HEAD_BYTES)
    if delimiter is None:
        first = head.split(b"\n", 1)[0]
        counts = {d: first.count(d.encode()) for d in (";", ",", "\t")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    return encoding, delimiter


def _decode_error_row(handle: IO[bytes], encoding: str) -> int:
    """Row (line) number of the first line that cannot be decoded."""
    handle.seek(0)
    for number, line in enumerate(handle, start=1):
        try:
            line.decode(encoding.replace("-sig", ""))
        except UnicodeDecodeError:
            return number
    return 0


def _read_file(
    reader: _Reader,
    source: Source,
    kind: str,
    encoding: str | None,
    delimiter: str | None,
) -> None:
    try:
        handle, file, close = _open(source)
    except OSError as exc:
        reader.add(
            "unreadable-file",
            tr("the file cannot be opened: {problem}", problem=os_error_text(exc, where=False)),
            os.fspath(source) if isinstance(source, str | os.PathLike) else "<stream>",
            None,
            None,
        )
        return
    try:
        if close and _is_device(handle):
            # /dev/zero would be read for ever (its size is 0, its end never comes); a
            # pipe (an export unpacked on the fly) is read, up to the size limit.
            reader.add("unreadable-file", tr(_DEVICE), file, None, None)
            return
        limit = reader.options.max_file_bytes
        head = handle.read(_HEAD_BYTES)
        rest = b""
        try:
            size = handle.seek(0, io.SEEK_END)
            handle.seek(0)
            seekable = True
        except (OSError, io.UnsupportedOperation):
            seekable = False
            rest = handle.read(max(0, limit + 1 - len(head)))
            size = len(head) + len(rest)
        if size > limit:
            reader.findings.append(_too_large(file, limit))
            return
        if is_workbook(head):
            # an .xlsx (a ZIP archive) or an old .xls given as the case export: "not
            # valid UTF-8" told the newcomer nothing
            reader.add("unreadable-file", tr(_WORKBOOK), file, None, None)
            return
        enc, sep = _sniff(head, encoding, delimiter)
        if enc == "utf-16":
            reader.add("invalid-encoding", tr(UTF16_MESSAGE), file, 1, None)
            return
        raw: IO[bytes] = handle if seekable else io.BytesIO(head + rest)
        text = io.TextIOWrapper(raw, encoding=enc, errors="strict", newline="")
        rows = csv.reader(text, delimiter=sep, strict=True)
        read = reader.read_case_rows if kind == "cases" else reader.read_event_rows
        try:
            read(rows, file)
        except UnicodeDecodeError:
            row = _decode_error_row(raw, enc)
            reader.add(
                "invalid-encoding",
                tr(
                    "the file is not valid {encoding}: save it as UTF-8 or Windows-1252, or "
                    "pass encoding=",
                    encoding=enc.upper().replace("-SIG", ""),
                ),
                file,
                row or None,
                None,
            )
        except csv.Error as exc:
            reader.add(
                "invalid-csv",
                tr(
                    "the file is not valid CSV ({problem}); is it truncated?",
                    problem=foreign_text(exc),
                ),
                file,
                rows.line_num or None,
                None,
            )
        finally:
            text.detach()
    finally:
        if close:
            handle.close()


def read_cases(
    cases: Source,
    events: Source | None = None,
    *,
    mapping: Mapping[str, str] | str | os.PathLike[str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    options: CaseReadOptions | None = None,
) -> CaseData:
    """Read a case-management export (Fallmanagement-Export) in the canonical format.

    Both files are streamed; memory grows with the number of cases and events in
    compact arrays, not with Python objects per row. The case pseudonyms are only kept
    while the events are joined to their cases and are never part of the result or of a
    message.

    Args:
        cases: ``cases.csv`` as a path or a binary file object.
        events: ``events.csv`` as a path or a binary file object; ``None`` for none.
        mapping: Header of the export → canonical column name, for exports with other
            headers, e.g. ``{"Fallnummer": "case_id", "Gemeinde": "municipality"}``, or
            the path of a YAML file with one line ``header: column`` per header (what
            ``--mapping`` names; its findings name the line). Headers are compared
            without case and surrounding spaces. A header of the mapping that no file
            of the export has is logged as a warning (``unused-mapping``, with the
            headers found): one mapping may serve several exports.
        encoding: ``None`` detects UTF-8 (with or without BOM) or Windows-1252.
        delimiter: ``None`` detects comma, semicolon or tab from the header row.
        options: :class:`CaseReadOptions`.

    Returns:
        The :class:`CaseData`.

    Raises:
        LoadError: with a finding (file, row, column) for every problem: a missing
            required column, a column that looks like a direct identifier (refused
            before any value is read), a bad date, text in a number column, an unknown
            case id in the events, a truncated file or undecodable text.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 *mapping* may be the path of a YAML file; a header of the
       mapping that the export lacks is warned of.
    """
    check_csv_arguments(encoding, delimiter)
    options = options or CaseReadOptions()
    columns = read_mapping(mapping) if isinstance(mapping, str | os.PathLike) else mapping
    large = [
        _too_large(os.fspath(s), options.max_file_bytes)
        for s in (cases, events)
        if isinstance(s, str | os.PathLike) and _size(s) > options.max_file_bytes
    ]
    if large:
        raise LoadError(large)
    if (
        options.fast
        and isinstance(cases, str | os.PathLike)
        and (events is None or isinstance(events, str | os.PathLike))
    ):
        from . import _cases_fast

        if _cases_fast.available():
            data = _cases_fast.read_fast(
                cases,
                events,
                mapping=columns,
                encoding=encoding,
                delimiter=delimiter,
                options=options,
            )
            if data is not None:
                return data
    cases = _rewindable(cases, options.max_file_bytes)
    # The reader creates many short-lived row lists and no reference cycles: the cyclic
    # garbage collector would only slow it down (by about a third).
    with paused_gc():
        for exact in (False, True):
            reader = _Reader(columns, options, exact=exact)
            try:
                _read_file(reader, cases, "cases", encoding, delimiter)
            except _KeyClash:
                # A repeated case id or two ids with the same hash: read again with the
                # ids themselves as keys, which tells the two apart exactly.
                if not isinstance(cases, str | os.PathLike):
                    cases.seek(0)
                continue
            if reader.cases_usable and events is not None:
                # Events are joined to the cases read; without usable cases every event
                # row would only repeat that its case is unknown.
                _read_file(reader, events, "events", encoding, delimiter)
            break
    return reader.finish()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector, for code that makes many objects and no
    reference cycles: each collection would look at all of them again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def without_gc(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """*function* with the cyclic garbage collector paused while it runs
    (:func:`paused_gc`)."""

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with paused_gc():
            return function(*args, **kwargs)

    return paused


def _size(path: str | os.PathLike[str]) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # reported when the file is opened


def _too_large(file: str, limit: int) -> Finding:
    return Finding(
        code="file-too-large",
        severity=Severity.ERROR,
        message=tr(
            "the file has more than {limit} bytes (CaseReadOptions.max_file_bytes)",
            limit=format_number(limit),
        ),
        location=Location(file=file),
    )


def _rewindable(source: Source, limit: int) -> Source:
    """A source that can be read twice (streams that cannot seek are buffered).

    At most one byte more than *limit* is buffered: enough to tell that it is too large.
    """
    if isinstance(source, str | os.PathLike):
        return source
    try:
        source.seek(source.tell())
    except (OSError, AttributeError, io.UnsupportedOperation):
        return io.BytesIO(source.read(limit + 1))
    return source
