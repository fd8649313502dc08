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
)
from ._errors import KommunaleIntegrationError, LoadError
from ._i18n import language_from_environment, using_language
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
        print(
            f"interrupted: these outputs were written completely before: {names}; "
            "nothing else was changed",
            file=sys.stderr,
        )
    else:
        print("interrupted; no output was changed", file=sys.stderr)
    return EXIT_TERMINATED if isinstance(error, _Terminated) else EXIT_INTERRUPTED


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE)


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
        print(f"error: {finding}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
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
    from ._io import forget_outputs

    forget_outputs()
    try:
        with using_language(language), _sigterm_as_interrupt():
            return int(func(args))
    except LoadError as error:
        print_load_error(error)
        return EXIT_UNUSABLE
    except KommunaleIntegrationError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        print(f"error: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt as error:
        return _interrupted(error)
    except Exception as error:
        log.debug("internal error", exc_info=True)
        print(
            f"internal error: {type(error).__name__}: {error}. This is a bug in "
            "kommunale-integration; please report it (run with -v for details).",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
