"""The command line ``kommunale-integration``: a thin shell over the public API.

Exit codes (defined once, in :mod:`._commands._common`): 0 success, 1 the data has
errors (``validate``), 2 the input is unusable or the usage is wrong, 130 / 143 / 129
stopped by ``SIGINT`` / ``SIGTERM`` / ``SIGHUP``. Errors are printed to stderr as clear
sentences with their location, never as a traceback. An interrupt says truthfully
which outputs were already written completely; nothing is ever left half written.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Final

from ._commands._common import (
    EXIT_BROKEN_PIPE,
    EXIT_HUNG_UP,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_UNUSABLE,
    resolve_format,
    say,
)
from ._errors import KommunaleIntegrationError, LoadError, os_error_text
from ._i18n import DEFAULT_LANGUAGE, N_, language_from_environment, tr, using_language
from ._version import __version__

__all__ = ["main"]

log = logging.getLogger("kommunale_integration")

#: Sub-command modules in the order they appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "schema",
    "export",
    "importcmd",
    "report",
    "demo",
    "validate",
    "indicators",
    "directory",
    "plan",
    "diff",
    "init",
    "territories",
    "catalogues",
    "convert",
)


class _Terminated(KeyboardInterrupt):
    """``SIGTERM`` or ``SIGHUP`` arrived: handled like ``SIGINT`` (Ctrl-C)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """``SIGTERM`` and ``SIGHUP`` (the terminal or SSH session closed) raise
    :class:`_Terminated` while the block runs, so that temporaries are removed and the
    command says what it wrote. A ``SIGHUP`` that is ignored (``nohup``) stays ignored."""

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise _Terminated(signum)

    previous = {}
    try:
        for name in ("SIGTERM", "SIGHUP"):
            kind = getattr(signal, name, None)
            if kind is None or (name == "SIGHUP" and signal.getsignal(kind) is signal.SIG_IGN):
                continue
            previous[kind] = signal.signal(kind, terminate)
    except (ValueError, OSError):  # not the main thread
        pass
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)


def _interrupted(error: KeyboardInterrupt) -> int:
    from ._io import outputs_written

    written = outputs_written()
    if written:
        names = ", ".join(str(p) for p in written)
        message = tr(
            "interrupted: these outputs were written completely before: {names}; nothing "
            "else was changed",
            names=names,
        )
    else:
        message = tr("interrupted; no output was changed")
    print(message, file=sys.stderr)
    if not isinstance(error, _Terminated):
        return EXIT_INTERRUPTED
    return EXIT_HUNG_UP if error.signum == getattr(signal, "SIGHUP", None) else EXIT_TERMINATED


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(tr("{prog}: error: {message}", prog=self.prog, message=message), file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE)


#: The texts of :mod:`argparse` a usage error or the usage line is made of: translated
#: through the ``messages`` catalogue while the arguments are parsed.
ARGPARSE_MESSAGES: tuple[str, ...] = (
    N_("usage: "),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
)

#: The plural texts of :mod:`argparse` (``ngettext``) a user can meet.
ARGPARSE_PLURALS: tuple[tuple[str, str], ...] = (("expected %s argument", "expected %s arguments"),)

#: The prefix of a log line (``-v``) of each level.
_LOG_PREFIXES: Final = {
    logging.DEBUG: N_("debug: {message}"),
    logging.INFO: N_("info: {message}"),
    logging.WARNING: N_("warning: {message}"),
    logging.ERROR: N_("error: {message}"),
}


class _LogFormatter(logging.Formatter):
    """Log lines in the language of the run, through the catalogue.

    The level is a translated prefix (``Hinweis:`` …); the message of a log call of the
    package is already translated where it is made. A line logged by another library
    keeps its own (English) words, but only as a quoted detail of a German sentence.
    """

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if not record.name.startswith(log.name):
            message = tr("{library} reports: “{detail}”", library=record.name, detail=message)
        level = max((n for n in _LOG_PREFIXES if n <= record.levelno), default=logging.DEBUG)
        text = tr(_LOG_PREFIXES[level], message=message)
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


@contextmanager
def _logging_to_stderr(verbose: bool) -> Iterator[None]:
    """Show warnings (with *verbose* also progress and details) on stderr while a
    command runs, in the language of the run; afterwards logging is as it was."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter())
    root = logging.getLogger()
    before = root.level, log.level, log.propagate
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING)
    log.propagate = False
    root.addHandler(handler)
    log.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        log.removeHandler(handler)
        root.setLevel(before[0])
        log.setLevel(before[1])
        log.propagate = before[2]


def _language_of(argv: Sequence[str]) -> str:
    """The language of a command line before it is parsed: ``--lang``, else LANG."""
    for index, word in enumerate(argv):
        value = word.partition("=")[2] if word.startswith("--lang=") else None
        if word == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        if value in ("de", "en"):
            return value
    return language_from_environment()


@contextmanager
def _argparse_speaks(language: str) -> Iterator[None]:
    """Let :mod:`argparse` say its usage errors in *language* (through the catalogue)."""
    from ._i18n import translations

    catalogue = translations(language, "messages")
    original = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = catalogue.gettext  # type: ignore[attr-defined]
    argparse.ngettext = catalogue.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = original  # type: ignore[attr-defined]


class _Version(argparse.Action):
    """``--version``: the version, with the Gebietsstand and attribution of the territory
    catalogue as the licence asks (printed as it is, not wrapped like a help text)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings, dest, nargs=0, help=tr("show program's version number and exit")
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from ._territories import territory_attribution

        print(f"{parser.prog} {__version__}\n{territory_attribution()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = _Parser(
        prog="kommunale-integration",
        description=tr(
            "Keep a municipal Integrationskonzept as data: validate it, compute its "
            "Kennzahlen and build the annual report (Jahresbericht)."
        ),
    )
    parser.add_argument("--version", action=_Version, default=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help=tr("log progress to stderr"))
    parser.add_argument(
        "--lang",
        choices=("de", "en"),
        dest="main_lang",
        help=tr(
            "language of the messages and of this help (default: from LANG); "
            "for a command with its own --lang also the language of its output"
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"kommunale_integration._commands.{name}")
        module.register(subparsers)
    _lang_everywhere(parser)
    return parser


def _lang_everywhere(parser: argparse.ArgumentParser) -> None:
    """Give every command without a ``--lang`` of its own the one of the messages, so
    that ``--lang`` may stand after the command too (``indicators … --lang en`` was a
    usage error while ``validate … --lang en`` worked). Not set unless given: the
    ``--lang`` before the command stays in force."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for command in action.choices.values():
            if "--lang" not in command._option_string_actions:
                command.add_argument(
                    "--lang",
                    choices=("de", "en"),
                    dest="main_lang",
                    default=argparse.SUPPRESS,
                    help=tr("language of the messages (default: from LANG)"),
                )
            _lang_everywhere(command)


def print_load_error(error: LoadError) -> None:
    """Print every finding of a :class:`LoadError` to stderr, one per line: the errors
    first, then the warnings and notes, each behind the prefix of its severity (an
    import that failed on one organisation without a name printed its 90 notes on
    values kept as extras as errors, and the one error last)."""
    for finding in sorted(error.findings, key=lambda f: f.severity.rank):
        say(finding.severity, finding)


def main(argv: Sequence[str] | None = None, *, mask: Iterable[int] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code.

    *mask*: the signal mask to put back first thing inside the handling of interrupts
    (the program's entry, :mod:`_kommunale_integration_cli`, blocks the ending signals
    while the library is imported: one that came meanwhile is delivered here).
    """
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        from ._io import forget_outputs

        forget_outputs()
        code = _main(words)
        if argv is None:
            _end_quietly()
    except KeyboardInterrupt as error:  # before the command (its options), or after it
        if argv is None:
            _end_quietly()
        with using_language(_language_of(words)):
            code = _interrupted(error)
    return code


def _main(words: list[str]) -> int:
    """Parse *words* and run the command."""
    # --lang is found before parsing, so that the help and the usage errors speak it
    with using_language(_language_of(words)), _argparse_speaks(_language_of(words)):
        parser = build_parser()
        args = parser.parse_args(words)
        func = getattr(args, "func", None)
        if func is None:
            parser.print_help()
            return EXIT_UNUSABLE
    lang = getattr(args, "lang", None)  # a list for directory: the languages of the site
    lang = lang if isinstance(lang, str) else args.main_lang
    language = lang or language_from_environment()
    default = getattr(args, "lang_default", None)
    if default is not None and args.lang is None:
        # Without --lang, messages follow the environment (LANG), while a document a
        # command writes (a report, a plan) stays German, whatever the server's locale.
        args.lang = args.main_lang or (language if default == "messages" else DEFAULT_LANGUAGE)
    with using_language(language), _logging_to_stderr(args.verbose):
        code = _run(func, args)
    return EXIT_BROKEN_PIPE if _reader_gone() else code


def _end_quietly() -> None:
    """Let a Ctrl-C that comes after the command end the program as the signal does,
    without Python's ``KeyboardInterrupt`` and its traceback, which it printed from
    wherever the interpreter then was (the end of the logging, the functions run at
    exit). Everything is written and said by then; the shell shows 130, as after
    ``SIGTERM`` (143), which is no longer handled either. Only for the program itself
    (``main()`` without arguments): a caller of ``main([…])`` keeps its handler."""
    with contextlib.suppress(ValueError):  # (not the main thread)
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def _reader_gone(*, after: BrokenPipeError | None = None) -> bool:
    """Whether the program reading the standard output has stopped reading (``… | head``):
    the rest of the output cannot be flushed, or, *after* a broken pipe, the standard
    output is a pipe without a reader. Then the standard output is pointed at the null
    device, so that Python's own flush at exit does not print a traceback either. A
    broken pipe to an output file (a named pipe given as ``--output``) is not this: it is
    an error of that file."""
    stream = sys.stdout
    try:
        fd = stream.fileno()  # sys.stdout may be None: AttributeError
        stream.flush()
        broken = after is not None and _pipe_without_reader(fd)
    except BrokenPipeError:
        broken = True
    except (AttributeError, OSError, ValueError):  # closed or no real file
        return False
    if broken:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    return broken


def _pipe_without_reader(fd: int) -> bool:
    """Whether *fd* is a pipe whose reading end is closed (``poll`` says ``POLLERR``);
    ``False`` where there is no ``poll`` (Windows)."""
    import select

    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(event & select.POLLERR for _, event in poller.poll(0))


def _place(error: BaseException) -> str:
    """Where in the library *error* was raised: the last frame of its traceback in
    this package (file below the package, line, function), else the last frame."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f"{_PACKAGE}{os.sep}" in f.filename] or frames
    if not ours:
        return "?"
    frame = ours[-1]
    name = frame.filename.rpartition(f"{_PACKAGE}{os.sep}")[2] or frame.filename
    return f"{name}:{frame.lineno} ({frame.name})"


def _frames(error: BaseException) -> str:
    """The traceback of *error* and of the errors it arose from, for ``-v``: every
    frame (file, line, function, the line of code) and the kind of each error, but
    not their messages, which may quote a value of the input (a case id, a cell)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not e for e in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    lines: list[str] = []
    for item in reversed(chain):
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line}")
        kind = type(item)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message not shown)")
    return "\n".join(lines)


#: The directory of the package's modules (how :func:`_place` finds its frames).
_PACKAGE = "kommunale_integration"


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run the command *func*; an error becomes a message and an exit code."""
    try:
        with _sigterm_as_interrupt():
            resolve_format(args)  # --format, else the suffix of --output
            return int(func(args))
    except LoadError as error:
        print_load_error(error)
        return EXIT_UNUSABLE
    except KommunaleIntegrationError as error:
        say("error", error)
        return EXIT_UNUSABLE
    except OSError as error:
        if isinstance(error, BrokenPipeError) and _reader_gone(after=error):
            return EXIT_BROKEN_PIPE  # silent, as a program killed by SIGPIPE
        say("error", os_error_text(error))
        return EXIT_UNUSABLE
    except KeyboardInterrupt as error:
        return _interrupted(error)
    except MemoryError:  # the machine's limit, not a bug: say so, exit 2 (not 70)
        say(
            "error",
            tr(
                "not enough memory for this run; nothing was written: choose a shorter "
                "period, fewer breakdowns or --workers 1, or use a machine with more memory"
            ),
        )
        return EXIT_UNUSABLE
    except Exception as error:
        # Python's words of an unexpected error may quote a value that was being
        # processed — a cell of a case export —, so neither the message nor the
        # details (-v) show them: the kind of error and where in the code it
        # happened, which is what a report of the bug needs.
        log.debug("%s:\n%s", tr("internal error"), _frames(error))
        message = tr(
            "internal error: {kind} in {place}. This is a bug in kommunale-integration; "
            "please report it (run with -v for details).",
            kind=type(error).__name__,
            place=_place(error),
        )
        print(message, file=sys.stderr)
        return EXIT_INTERNAL
