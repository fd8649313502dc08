"""Findings, locations and the exceptions of the library.

Everything that can go wrong with user data is described by a :class:`Finding`
(Befund): a stable kebab-case ``code``, a :class:`Severity`, a human message and a
:class:`Location`. Exceptions are only raised for unusable input, and even then they
carry the findings (see :class:`LoadError`).
"""

from __future__ import annotations

import enum
import errno
import re
import reprlib
from collections.abc import Iterable
from typing import Any, Final

import attrs

from ._i18n import N_, Translatable, tr

__all__ = [
    "Finding",
    "InvalidValueError",
    "KommunaleIntegrationError",
    "LoadError",
    "Location",
    "MissingExtraError",
    "OutputError",
    "Severity",
    "cap_findings",
    "clip",
    "foreign_text",
    "os_error_text",
    "shown",
]

MAX_QUOTED: Final = 200
"""Longest value quoted in a message (characters); longer ones are shortened (… in the middle)."""

MAX_MESSAGE: Final = 2000
"""Longest message of a finding; a longer one is shortened the same way."""

FINDINGS_PER_KIND: Final = 10
"""Findings of one code at one place (list indices aside) listed before a count of the rest."""

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = MAX_QUOTED
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 10
_REPR.maxlevel = 3


def clip(text: str, limit: int = MAX_QUOTED) -> str:
    """*text*, shortened to *limit* characters with ``…`` in the middle when longer.

    >>> clip("x" * 1_000_000, 9)
    'xxxx…xxxx'
    """
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return f"{text[:head]}…{text[len(text) - (limit - 1 - head) :]}"


def shown(value: Any) -> str:
    """*value* as quoted in a message: its ``repr``, shortened (the one helper for it).

    A YAML alias bomb or a value of a million characters never turns into a message of
    megabytes.

    >>> shown("drk")
    "'drk'"
    """
    return clip(_REPR.repr(value))


def _message(text: object) -> str:
    """A finding's message, never longer than :data:`MAX_MESSAGE`."""
    return clip(str(text), MAX_MESSAGE)


class Severity(enum.StrEnum):
    """How serious a finding is (Schweregrad).

    .. versionadded:: 0.1.0
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """The place of findings of this severity in lists — errors (0), warnings (1), hints (2).

        >>> sorted(ki.Severity, key=lambda s: s.rank)[0]
        <Severity.ERROR: 'error'>
        """
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER: Final = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@attrs.frozen(kw_only=True)
class Location:
    """Where a finding was made (Fundstelle).

    Table data is located by ``file``, 1-based ``row`` (the header is row 1, as in a
    spreadsheet) and ``column`` (the header text); structured data by ``path`` such as
    ``measures[3].timeframe.end``.

    .. versionadded:: 0.1.0
    """

    file: str | None = None
    row: int | None = None
    column: str | None = None
    path: str | None = None

    def describe(self, lang: str | None = None) -> str:
        """Return the location as one readable phrase, e.g. ``akteure.csv, Zeile 14``.

        *lang* ``None`` is the current language (German unless another is chosen).
        """
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(tr("row {row}", lang=lang, row=self.row))
        if self.column:
            parts.append(tr('column "{column}"', lang=lang, column=self.column))
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return the location as the JSON object of the ``validate`` contract."""
        return {"file": self.file, "row": self.row, "column": self.column, "path": self.path}

    def __str__(self) -> str:
        return self.describe()


@attrs.frozen(kw_only=True)
class Finding:
    """One problem or hint about the data (Befund).

    Attributes:
        code: Stable kebab-case code, e.g. ``unknown-reference``; documented in the
            finding catalogue.
        severity: :class:`Severity`.
        message: A complete sentence for people.
        location: Where the problem is.
        subject: What the finding is about, stable across edits of the files: the id of
            the item (``fi-sprachcafe``), a territory's AGS, ``concept``, or two offer
            ids joined by ``+`` for a pair; ``None`` when there is none (load
            findings). An :class:`~kommunale_integration.AcceptedFinding` names it.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``subject``.
    """

    code: str
    severity: Severity
    message: str = attrs.field(converter=_message)
    location: Location = attrs.field(factory=Location)
    subject: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as the JSON object of the ``validate`` contract.

        ``subject`` is present only when the finding has one.
        """
        found: dict[str, Any] = {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "location": self.location.to_dict(),
        }
        if self.subject is not None:
            found["subject"] = self.subject
        return found

    def __str__(self) -> str:
        where = self.location.describe()
        return f"{where}: {self.message}" if where else self.message


class KommunaleIntegrationError(Exception):
    """Base class of every exception raised deliberately by this library.

    .. versionadded:: 0.1.0
    """


class InvalidValueError(Translatable, KommunaleIntegrationError, ValueError):
    """A model object was constructed with a value that breaks an invariant.

    The message names the field, what was expected and what was found. It is a
    ``messages`` id with values (:class:`~kommunale_integration._i18n.Translatable`),
    translated when shown: ``str(error)`` is ``"field: message"`` in the current language.

    Attributes:
        field: The field (or path) whose value is wrong.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 The message is translated (German by default).
    """

    def __init__(self, field: str, message: str, /, **values: Any) -> None:
        super().__init__(message, **values)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class LoadError(KommunaleIntegrationError, ValueError):
    """Input could not be turned into a model; carries *all* findings of the load.

    .. versionadded:: 0.1.0
    """

    def __init__(self, findings: Iterable[Finding], summary: str | None = None) -> None:
        self.findings: tuple[Finding, ...] = tuple(cap_findings(findings))
        if summary is None:
            errors = [f for f in self.findings if f.severity is Severity.ERROR]
            first = str(errors[0]) if errors else tr("unknown problem")
            more = len(errors) - 1
            summary = tr("{first} (and {count} more)", first=first, count=more) if more else first
        super().__init__(summary)


_INDEX = re.compile(r"\[\d+\]")


def cap_findings(findings: Iterable[Finding], per_kind: int = FINDINGS_PER_KIND) -> list[Finding]:
    """Keep the first *per_kind* findings of each code and place, then one count of the rest.

    The place is the file, row, column and path with list indices left out
    (``history[7]`` and ``history[8]`` are one place): ten findings show the problem, a
    million would only fill the memory. The count keeps the severity and code of the
    findings it stands for.

    .. versionadded:: 0.2.0
    """
    kept: list[Finding] = []
    counts: dict[tuple[Any, ...], int] = {}
    last: dict[tuple[Any, ...], Finding] = {}
    for finding in findings:
        where = finding.location
        path = _INDEX.sub("[]", where.path) if where.path else None
        key = (finding.code, where.file, where.row, where.column, path)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= per_kind:
            kept.append(finding)
        last[key] = finding
    for key, count in counts.items():
        if count > per_kind:
            first = last[key]
            kept.append(
                Finding(
                    code=first.code,
                    severity=first.severity,
                    message=tr("… and {count} more like this", count=count - per_kind),
                    location=Location(file=key[1], row=key[2], column=key[3], path=key[4]),
                )
            )
    return kept


class MissingExtraError(KommunaleIntegrationError, ImportError):
    """An optional dependency (extra) needed for a feature is not installed.

    The message names the ``pip install`` command that installs it.

    .. versionadded:: 0.1.0
    """


def require_extra(module: str, extra: str) -> object:
    """Import *module* or raise :class:`MissingExtraError` naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            tr(
                "this feature needs the optional package {module}: "
                "pip install 'kommunale-integration[{extra}]'",
                module=repr(module),
                extra=extra,
            )
        ) from None


class OutputError(KommunaleIntegrationError, OSError):
    """An output could not be written safely (e.g. it would overwrite an input).

    .. versionadded:: 0.1.0
    """


#: What the common errors of the operating system mean, in the words of the messages
#: (the system's own ``strerror`` is English whatever the language of the run).
_OS_ERRORS: Final = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EISDIR: N_("is a folder, not a file"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EEXIST: N_("a file or folder of this name already exists"),
    errno.ENOTEMPTY: N_("the folder is not empty"),
    errno.ENOSPC: N_("no space left on the device"),
    errno.EDQUOT: N_("disk quota exceeded"),
    errno.EROFS: N_("the file system is read-only"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.ELOOP: N_("too many levels of symbolic links (a loop)"),
    errno.EBUSY: N_("the file or device is busy"),
    errno.EIO: N_("input/output error of the device"),
    errno.EMFILE: N_("too many open files"),
    errno.EXDEV: N_("the path lies on another file system"),
}


def os_error_text(error: BaseException, *, where: bool = True) -> str:
    """An error of the operating system as a sentence in the language of the run.

    The common errors (:data:`errno.ENOENT`, :data:`errno.EACCES` …) are translated; any
    other keeps the system's English text, quoted, inside a sentence of the catalogue.
    With *where*, the file (and the second file of a rename) follow in brackets.

    >>> from kommunale_integration._i18n import using_language
    >>> with using_language("de"):
    ...     os_error_text(PermissionError(13, "Permission denied", "/srv/bericht.html"))
    'keine Berechtigung (/srv/bericht.html)'
    """
    code = getattr(error, "errno", None)
    known = _OS_ERRORS.get(code) if isinstance(code, int) else None
    if known is not None:
        text = tr(known)
    else:
        detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
        text = tr("error of the operating system: “{detail}”", detail=clip(str(detail)))
    files = [getattr(error, "filename", None), getattr(error, "filename2", None)]
    names = [str(f) for f in files if f is not None and str(f)]
    if where and names:
        text += f" ({', '.join(names)})"
    return text


#: The words of other libraries that users meet most (the parsers of YAML, JSON, TOML,
#: CSV, dates and Python expressions; zip archives), as message ids: the start of the
#: library's English text decides.
_FOREIGN: Final = (
    # YAML (PyYAML)
    (
        "mapping values are not allowed",
        N_("a colon where no key can start (a value with ': ' needs quotes)"),
    ),
    (
        "found character '\\t' that cannot start any token",
        N_("a tab character: YAML indents with spaces only"),
    ),
    ("found a tab character", N_("a tab character: YAML indents with spaces only")),
    (
        "that cannot start any token",
        N_("a character that cannot begin a value (a text beginning with @ or ` needs quotes)"),
    ),
    ("could not find expected ':'", N_("a ':' is missing after a key")),
    ("did not find expected key", N_("a key is missing here (check the indentation)")),
    ("did not find expected ',' or ']'", N_("a ',' or ']' is missing (an unclosed list?)")),
    (
        "did not find expected ',' or '}'",
        N_("a ',' or a closing brace is missing (an unclosed mapping?)"),
    ),
    ("did not find expected node content", N_("a value is missing here")),
    ("found unexpected end of stream", N_("the file ends too early (an unclosed quote?)")),
    ("found undefined alias", N_("an alias (*name) without its anchor (&name)")),
    ("expected <block end>, but found", N_("the indentation does not fit")),
    ("found unknown escape character", N_("an unknown escape sequence after a backslash")),
    # JSON
    (
        "Expecting property name enclosed in double quotes",
        N_("a key in double quotes is expected (a comma too many?)"),
    ),
    ("Expecting ',' delimiter", N_("a ',' is missing")),
    ("Expecting ':' delimiter", N_("a ':' is missing")),
    ("Expecting value", N_("a value is missing")),
    ("Extra data", N_("more text after the end of the data")),
    ("Unterminated string", N_("a text without its closing quote")),
    ("Invalid control character", N_("a control character inside a text")),
    ("Invalid \\escape", N_("an unknown escape sequence after a backslash")),
    # TOML (tomllib)
    ("Illegal character", N_("a character that is not allowed here")),
    ("Invalid value", N_("an invalid value")),
    ("Invalid statement", N_("a line that is no key = value")),
    ("Expected '=' after a key in a key/value pair", N_("a '=' is missing after a key")),
    ("Cannot overwrite a value", N_("a key is given twice")),
    ("Cannot declare", N_("a table or key is given twice")),
    ("Unclosed array", N_("a list without its closing ']'")),
    # CSV
    ("new-line character seen in unquoted field", N_("a line break inside a cell without quotes")),
    (
        "field larger than field limit",
        N_("a cell is longer than 131,072 characters, the most a CSV cell may hold"),
    ),
    ("line contains NUL", N_("a line holds a NUL character")),
    ("unexpected end of data", N_("the file ends inside a quoted cell")),
    # dates, Python expressions, zip archives (XLSX)
    ("day is out of range for month", N_("the day does not exist in that month")),
    ("month must be in 1..12", N_("the month must lie between 1 and 12")),
    ("Invalid isoformat string", N_("not a date like 2026-12-31")),
    ("invalid syntax", N_("the formula is not well-formed")),
    ("unexpected EOF while parsing", N_("the formula ends too early")),
    ("was never closed", N_("a bracket is not closed")),
    ("unmatched", N_("a bracket is closed that was never opened")),
    ("File is not a zip file", N_("the file is no zip archive (an XLSX workbook is one)")),
    # Jinja2 (own report templates)
    ("Unexpected end of template", N_("the template ends inside a block (a missing end tag?)")),
    ("Encountered unknown tag", N_("an unknown tag (a misspelt block name?)")),
)


def foreign_text(problem: object) -> str:
    """What another library (a parser, the operating system) said, as a message shows it.

    Its words are English whatever the language of the run: the texts users meet most
    are translated (:data:`_FOREIGN`, errors of the operating system by
    :func:`os_error_text`); any other text is quoted as the library wrote it, so a
    German message carries it only as a quoted detail.

    >>> from kommunale_integration._i18n import using_language
    >>> with using_language("de"):
    ...     foreign_text("did not find expected ',' or ']'"), foreign_text("odd thing")
    ("ein ',' oder ']' fehlt (eine nicht geschlossene Liste?)", '„odd thing“')
    """
    if isinstance(problem, OSError) and isinstance(getattr(problem, "errno", None), int):
        return os_error_text(problem, where=False)
    if isinstance(problem, Translatable | KommunaleIntegrationError):
        return str(problem)  # our own words, in the language of the run
    text = " ".join(str(problem).split()) or type(problem).__name__
    for start, message in _FOREIGN:
        if start in text:
            return tr(message)
    return tr("“{detail}”", detail=clip(text))
