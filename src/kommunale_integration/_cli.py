"""The command line ``kommunale-integration``: a thin shell over the public API.

Exit codes (defined once, in :mod:`._commands._common`): 0 success, 1 the data has
errors (``validate``), 2 the input is unusable or the usage is wrong, 130 / 143 stopped
by ``SIGINT`` / ``SIGTERM``. Errors are printed to stderr as clear sentences with their
location, never as a traceback. An interrupt says truthfully which outputs were already
written completely; nothing is ever left half written.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from ._commands._common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_UNUSABLE,
    resolve_format,
    say,
)
from ._errors import KommunaleIntegrationError, LoadError
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
    """``SIGTERM`` arrived: handled like ``SIGINT`` (Ctrl-C)."""


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    def terminate(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except (ValueError, AttributeError, OSError):  # not the main thread, or no SIGTERM
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    return EXIT_TERMINATED if isinstance(error, _Terminated) else EXIT_INTERRUPTED


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
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
)


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
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = catalogue.gettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


def _version_text() -> str:
    """The version, with the Gebietsstand and attribution of the territory catalogue."""
    from ._territories import territory_attribution

    return f"%(prog)s {__version__}\n{territory_attribution()}"


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = _Parser(
        prog="kommunale-integration",
        description=(
            "Keep a municipal Integrationskonzept as data: validate it, compute its "
            "Kennzahlen and build the annual report (Jahresbericht)."
        ),
    )
    parser.add_argument("--version", action="version", version=_version_text())
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"kommunale_integration._commands.{name}")
        module.register(subparsers)
    return parser


def print_load_error(error: LoadError) -> None:
    """Print every finding of a :class:`LoadError` to stderr, one per line."""
    for finding in error.findings:
        say("error", finding)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    with using_language(_language_of(words)), _argparse_speaks(_language_of(words)):
        parser = build_parser()
        args = parser.parse_args(words)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_UNUSABLE
    lang = getattr(args, "lang", None)
    language = lang if isinstance(lang, str) else language_from_environment()
    default = getattr(args, "lang_default", None)
    if default is not None and args.lang is None:
        # Without --lang, messages follow the environment (LANG), while a document a
        # command writes (a report, a plan) stays German, whatever the server's locale.
        args.lang = language if default == "messages" else DEFAULT_LANGUAGE
    from ._io import forget_outputs

    forget_outputs()
    try:
        with using_language(language), _sigterm_as_interrupt():
            resolve_format(args)  # --format, else the suffix of --output
            return int(func(args))
    except LoadError as error:
        with using_language(language):
            print_load_error(error)
        return EXIT_UNUSABLE
    except KommunaleIntegrationError as error:
        with using_language(language):
            say("error", error)
        return EXIT_UNUSABLE
    except OSError as error:
        with using_language(language):
            where = f" ({error.filename})" if error.filename else ""
            say("error", f"{error.strerror or error}{where}")
        return EXIT_UNUSABLE
    except KeyboardInterrupt as error:
        with using_language(language):
            return _interrupted(error)
    except Exception as error:
        log.debug("internal error", exc_info=True)
        with using_language(language):
            message = tr(
                "internal error: {kind}: {error}. This is a bug in kommunale-integration; "
                "please report it (run with -v for details).",
                kind=type(error).__name__,
                error=error,
            )
        print(message, file=sys.stderr)
        return EXIT_INTERNAL
