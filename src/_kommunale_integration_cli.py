"""The program ``kommunale-integration`` (its console script) up to the command line.

Importing the library and its command line takes a noticeable moment (0.2–0.9 s on a
busy machine), and until the command line's own handling of interrupts is in place,
Python turns a Ctrl-C into a ``KeyboardInterrupt`` with a traceback. This module lies
outside the package, so that running it imports nothing of the library: it blocks
``SIGINT``, ``SIGTERM`` and ``SIGHUP`` (:func:`signal.pthread_sigmask`), imports the
command line and hands it the signal mask of before, which the command line puts back
as its first step inside its handling of interrupts. A signal that came during the
import is then delivered as if it came just then: Ctrl-C says that no output was
changed (exit code 130), ``SIGTERM`` and ``SIGHUP`` end the program as they do.

Only Python's own start (the moments before this module runs) is not covered. Where
signals cannot be blocked (Windows), the command line is imported as it is.
"""

try:  # the C module: the module signal imports enum and more first (14 ms of exposure)
    import _signal as signal  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # (an interpreter without it)
    import signal

__all__ = ["main"]

#: The signals that end a command, where the platform has them (the same as
#: ``kommunale_integration._signals.ENDING``, which cannot be imported yet).
_ENDING: tuple[int, ...] = tuple(
    getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)
)


def main() -> int:
    """Run the command line with ``sys.argv``; return its exit code."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        from kommunale_integration._cli import main as command_line

        return command_line()
    before: set[int] = signal.pthread_sigmask(signal.SIG_BLOCK, _ENDING)
    try:
        from kommunale_integration._cli import main as command_line
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        raise
    return command_line(mask=before)
