"""What every sub-command shares: exit codes, options, loading inputs and writing outputs.

Exit codes (the contract of ``DESIGN.md``): :data:`EXIT_OK` 0 success,
:data:`EXIT_FINDINGS` 1 the data has errors, :data:`EXIT_UNUSABLE` 2 the input is
unusable or the usage is wrong, :data:`EXIT_INTERRUPTED` 130 / :data:`EXIT_TERMINATED`
143 / :data:`EXIT_HUNG_UP` 129 stopped by ``SIGINT`` / ``SIGTERM`` / ``SIGHUP`` (the
terminal or SSH session closed), :data:`EXIT_BROKEN_PIPE` 141 the program reading the
standard output stopped reading (``… | head``; silent, as a command killed by
``SIGPIPE``), :data:`EXIT_INTERNAL` 70 a bug.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._errors import KommunaleIntegrationError, Severity
from .._i18n import N_, tr

if TYPE_CHECKING:
    from .._cases import CaseData
    from .._model import Concept

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_FINDINGS",
    "EXIT_HUNG_UP",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_UNUSABLE",
    "UsageError",
    "add_case_options",
    "add_format_option",
    "add_lang_option",
    "add_output_option",
    "add_templates_option",
    "add_workers_option",
    "case_files",
    "emit",
    "inputs_of",
    "load_concept_path",
    "not_stdout",
    "not_stdout_path",
    "output_file",
    "read_case_export",
    "resolve_format",
    "say",
    "say_written",
]

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_UNUSABLE: Final = 2
EXIT_INTERNAL: Final = 70
EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143
EXIT_HUNG_UP: Final = 129
EXIT_BROKEN_PIPE: Final = 141


class UsageError(KommunaleIntegrationError):
    """The options of a command do not fit together (exit code 2)."""


#: The prefixes of the lines a command prints to stderr.
_PREFIXES: Final = {
    "error": N_("error: {message}"),
    "warning": N_("warning: {message}"),
    "notice": N_("notice: {message}"),
}


#: The kind of line of a finding's severity.
_KIND_OF: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def say(kind: str | Severity, message: object) -> None:
    """Print *message* to stderr behind the prefix of *kind* (``error``, ``warning``,
    ``notice``, or a finding's :class:`Severity`) in the current language: the one way a
    command reports to people — a warning or a note goes to stderr whatever the
    command, also where its result is printed to stdout (``init``, ``validate``)."""
    if isinstance(kind, Severity):
        kind = _KIND_OF[kind]
    print(tr(_PREFIXES[kind], message=message), file=sys.stderr)


def say_written(path: str | Path) -> None:
    """Say on stderr where an output went (``geschrieben: bericht.docx``), with the
    path as the user gave it: stdout is kept for the data a command writes without
    ``--output``, and a user who gave ``--output`` learns what was written."""
    print(tr("written: {path}", path=path), file=sys.stderr)


# --------------------------------------------------------------------------- options


#: The ``--output`` that means standard output (the convention of ``cat``, ``tar``, ``curl``).
STDOUT: Final = "-"


def output_file(output: str | None) -> str | None:
    """The file an ``--output`` names, or ``None`` for standard output: no ``--output``
    or ``--output -`` (a file named ``-`` is written as ``--output ./-``)."""
    return None if not output or output == STDOUT else output


def output_name(text: str) -> str:
    """The value of an ``--output``: an empty one (``--output "$OUT"`` with ``OUT``
    unset) is refused, not taken as standard output or as the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            tr("the name is empty (an unset shell variable?): name a file or folder")
        )
    return text


def not_stdout(text: str) -> str:
    """The value of an ``--output`` that cannot be standard output (a folder, a file
    that another command reads back): ``-`` is refused, not taken as a name."""
    output_name(text)
    if text == STDOUT:
        raise argparse.ArgumentTypeError(
            tr("this output cannot go to standard output: name a file or folder (./- for '-')")
        )
    return text


def not_stdout_path(text: str) -> Path:
    """:func:`not_stdout` for an option whose value is a :class:`~pathlib.Path`."""
    return Path(not_stdout(text))


def add_output_option(
    parser: argparse.ArgumentParser, *, folder: bool = False, required: bool = False
) -> None:
    """Add ``--output FILE`` (or ``--output DIR`` for a *folder*). ``--output -`` is
    standard output (:func:`output_file`); a *folder* or a *required* file refuses it."""
    if folder:
        help_text = tr(
            "output folder; an existing one is replaced only when it is empty or was "
            "written by the same command"
        )
    elif required:
        help_text = tr("write to FILE")
    else:
        help_text = tr("write to FILE instead of stdout ('-': stdout)")
    parser.add_argument(
        "--output",
        required=required,
        type=not_stdout if folder or required else output_name,
        metavar="DIR" if folder else "FILE",
        help=help_text,
    )


#: The output format that the suffix of an ``--output`` file name stands for.
_SUFFIX_FORMATS: Final = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
}

#: Suffixes of formats no command writes: a file named so would get another format.
_FOREIGN_SUFFIXES: Final = frozenset(
    {".pdf", ".doc", ".odt", ".rtf", ".xls", ".ods", ".pptx", ".xml"}
)


def add_format_option(
    parser: argparse.ArgumentParser, choices: tuple[str, ...], default: str
) -> None:
    """Add ``--format``. Without it the format follows the suffix of ``--output``
    (``bericht.docx`` → DOCX), else it is *default*; see :func:`resolve_format`."""
    parser.add_argument(
        "--format",
        choices=choices,
        default=None,
        help=tr(
            "output format (default: from the suffix of --output, else {default})",
            default=default,
        ),
    )
    parser.set_defaults(format_default=default, format_choices=choices)


def resolve_format(args: argparse.Namespace) -> None:
    """Set ``args.format`` for a command with :func:`add_format_option`.

    Raises:
        UsageError: ``--format`` contradicts the suffix of ``--output`` (a file named
            ``bericht.docx`` must not receive HTML).
    """
    default = getattr(args, "format_default", None)
    if default is None:
        return
    output = output_file(getattr(args, "output", None))
    suffix = Path(output).suffix.lower() if output else ""
    implied = _SUFFIX_FORMATS.get(suffix)
    if suffix in _FOREIGN_SUFFIXES or (implied is not None and implied not in args.format_choices):
        # bericht.pdf received HTML: a file of a format the command cannot write
        choices = ", ".join(f".{c}" for c in args.format_choices if c != "text")
        message = tr(
            "{name}: this command does not write {suffix} files, it writes {choices}; "
            "choose a name with one of these",
            name=output,
            suffix=suffix,
            choices=choices,
        )
        if suffix == ".pdf" and "html" in args.format_choices:
            message += tr(
                " (for a PDF, open the HTML report in a browser and print it as PDF, or "
                "export the DOCX from Word or LibreOffice)"
            )
        raise UsageError(message)
    if implied not in args.format_choices:
        implied = None
    if args.format is None:
        args.format = implied or default
    elif implied is not None and implied != args.format:
        raise UsageError(
            tr(
                "--format {format} does not fit the file name {name}: a {suffix} file "
                "holds {implied}; leave --format out or choose a matching name",
                format=args.format,
                name=output,
                suffix=suffix,
                implied=implied,
            )
        )


def add_lang_option(parser: argparse.ArgumentParser, *, document: bool = True) -> None:
    """Add ``--lang de|en``: the language of what the command writes and of its messages.

    Without it the messages follow the environment (``LANG``); a *document* (a report,
    a plan) stays German whatever the server's locale, while a command whose output is
    a list of findings or labels (``document=False``) speaks like its messages.
    """
    parser.add_argument(
        "--lang",
        choices=("de", "en"),
        help=tr(
            "language of the output and the messages (default: de for documents; "
            "messages follow LANG)"
        ),
    )
    parser.set_defaults(lang_default="de" if document else "messages")


def add_templates_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--templates DIR``."""
    parser.add_argument("--templates", metavar="DIR", help=tr("folder with own Jinja2 templates"))


def add_case_options(parser: argparse.ArgumentParser, cases_help: str | None = None) -> None:
    """Add ``--cases FILE``, ``--events FILE`` (checked by :func:`case_files`) and
    ``--mapping FILE`` (the ``mapping`` of :func:`~kommunale_integration.read_cases`).

    *cases_help* replaces the help of ``--cases`` (a translated text).
    """
    parser.add_argument(
        "--cases",
        metavar="FILE",
        help=cases_help or tr("cases.csv of the case export (with --events)"),
    )
    parser.add_argument(
        "--events", metavar="FILE", help=tr("events.csv of the case export (with --cases)")
    )
    parser.add_argument(
        "--mapping",
        metavar="FILE",
        help=tr(
            "for an export with other headers: a YAML file with one line 'header: column' "
            "per header, e.g. 'Fallnummer: case_id'"
        ),
    )


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N`` (``compute_indicators(workers=N)``; default ``None``)."""
    parser.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help=tr(
            "processes that protect the counts at the same time (default: one per CPU "
            "core; 1: no further process); used for large tables only, the result is "
            "the same"
        ),
    )


def _workers(text: str) -> int:
    """The value of ``--workers``: a whole number of at least 1 (the engine's rule)."""
    from .._engine._workers import resolve_workers
    from .._errors import InvalidValueError

    number: int | str
    try:
        number = int(text)
    except ValueError:
        number = text  # resolve_workers says what it expected
    try:
        return resolve_workers(number)  # type: ignore[arg-type]
    except InvalidValueError as error:
        raise argparse.ArgumentTypeError(error.message) from None


# --------------------------------------------------------------------------- inputs


def case_files(args: argparse.Namespace) -> tuple[str, str] | None:
    """The case export ``(cases, events)`` of *args*, or ``None`` when none is given.

    Raises:
        UsageError: only one of ``--cases`` and ``--events`` is given.
    """
    cases, events = getattr(args, "cases", None), getattr(args, "events", None)
    if bool(cases) != bool(events):
        raise UsageError(tr("--cases and --events belong together: give both files of the export"))
    if getattr(args, "mapping", None) and not cases:
        raise UsageError(
            tr("--mapping names the headers of a case export: give --cases and --events")
        )
    return (cases, events) if cases and events else None


def inputs_of(args: argparse.Namespace, *given: str | Path | None) -> list[str | os.PathLike[str]]:
    """Every input of a run, which no output may overwrite: *given* (what the command
    reads itself: the concept, ``--previous``), the case export with its
    ``--mapping``, and the folder of ``--templates`` — each file in it, as a template
    may include any other (:class:`~._io.InputFolder`). The one list of the inputs that
    options of several commands name: ``indicators --mapping m.yaml --output m.yaml``
    overwrote the mapping, ``report --templates t --output t/report.html.j2`` a template.
    """
    from .._io import InputFolder

    found: list[str | os.PathLike[str]] = [p for p in given if p]
    found += [p for p in (*(case_files(args) or ()), getattr(args, "mapping", None)) if p]
    templates = getattr(args, "templates", None)
    if templates:
        found.append(InputFolder(templates))
    return found


def read_case_export(
    args: argparse.Namespace, *, concept: Concept | None = None, by: Iterable[str] = ()
) -> CaseData | None:
    """Read the case export of *args* (``None`` without one).

    Only the further columns that a breakdown in *by* or a filter of the concept's
    indicators needs are read (data minimisation): a column nobody asked for is never
    read, so it cannot be published by mistake.
    """
    files = case_files(args)
    if files is None:
        return None
    from .._cases import CaseReadOptions, read_cases

    needed = set(by) | _filter_attributes(concept)
    return read_cases(  # a --mapping file is read (with its lines) by read_cases
        *files,
        mapping=getattr(args, "mapping", None) or None,
        options=CaseReadOptions(dimensions=tuple(sorted(needed))),
    )


def _filter_attributes(concept: Concept | None) -> set[str]:
    if concept is None:
        return set()
    from .._model import CaseCount

    found: set[str] = set()
    for indicator in concept.indicators:
        for part in (indicator.numerator, indicator.denominator):
            if isinstance(part, CaseCount):
                found.update(f.attribute for f in part.filters)
    return found


def load_concept_path(path: str) -> Any:
    """Load the concept at *path* with the public ``load_concept``."""
    package = importlib.import_module("kommunale_integration")
    return package.load_concept(path)


def load_concept_paths(*paths: str) -> list[Any]:
    """Load several concepts (``diff OLD NEW``, ``report --previous``) and report the
    problems of all of them at once, each file named with its folder: two folders
    hold an ``akteure.csv`` each, and only the first concept's problems were shown.

    Raises:
        LoadError: with the findings of every concept that could not be loaded.
    """
    import attrs

    from .._errors import LoadError

    concepts: list[Any] = []
    findings: list[Any] = []
    for path in paths:
        try:
            concepts.append(load_concept_path(path))
        except LoadError as error:
            folder = Path(path)
            for found in error.findings:
                file = found.location.file
                if folder.is_dir() and file and not Path(file).is_absolute():
                    location = attrs.evolve(found.location, file=str(folder / file))
                    found = attrs.evolve(found, location=location)  # noqa: PLW2901
                findings.append(found)
    if findings:
        raise LoadError(findings)
    return concepts


# --------------------------------------------------------------------------- outputs


def emit(
    data: str | bytes, output: str | None, *, inputs: Sequence[str | os.PathLike[str]] = ()
) -> None:
    """Write *data* atomically to *output* (never over an input), or to stdout when
    *output* is ``None`` or ``-`` (:func:`output_file`); bytes never go to a terminal."""
    from .._io import atomic_write

    file = output_file(output)
    if file is not None:
        atomic_write(file, data, inputs=inputs)
        say_written(file)
        return
    if sys.stdout is None:  # started with standard output closed (``>&-``)
        raise UsageError(
            tr("there is no standard output to write to (it is closed): use --output FILE")
        )
    if isinstance(data, bytes):
        if sys.stdout.isatty():
            raise UsageError(
                tr("refusing to write a binary DOCX file to the terminal: use --output FILE")
            )
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    sys.stdout.write(data)
