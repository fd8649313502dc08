"""Signals that end a run, held back while a step must not be cut in half.

``SIGINT`` (Ctrl-C), ``SIGTERM`` (``kill``, a service manager) and ``SIGHUP`` (the
terminal or SSH session closed) end a command. The command line turns each into an
exception (exit codes 130, 143 and 129), so that every temporary file is removed and
the command says which outputs were written. Two kinds of step must not be cut:

* a rename that puts an output in place (:mod:`._io`): the signal waits until it is
  done;
* a long solve of the linear-programming library (HiGHS) in the disclosure control: a
  Python handler cannot run while the solver's C++ code runs, so the signal is only
  noted, the solver is asked to stop at its next iteration, and the signal is handled
  right after (:func:`held` with ``python_handlers_only``).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Final

__all__ = ["ENDING", "held"]

#: The signals that end a command, where the platform has them.
ENDING: Final[tuple[signal.Signals, ...]] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def held(*, python_handlers_only: bool = False) -> Iterator[list[int] | None]:
    """Hold the signals of :data:`ENDING` back while the block runs; deliver them after it.

    Yields the list the signals that arrived are appended to (a solver's callback looks
    at it to stop early), or ``None`` when nothing is held: outside the main thread
    (where Python cannot set handlers), or with *python_handlers_only* when no ending
    signal has a Python handler (a signal left at its default ends the process at once,
    also inside C++ code; an ignored one stays ignored). Each signal that arrived is
    delivered once, in the order of arrival, after the old handlers are back.
    """
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    kinds = [kind for kind in ENDING if _holdable(signal.getsignal(kind), python_handlers_only)]
    if not kinds:
        yield None
        return
    arrived: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        arrived.append(signum)

    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}
    try:
        for kind in kinds:
            previous[kind] = signal.signal(kind, remember)
        yield arrived
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)
        for signum in dict.fromkeys(arrived):
            signal.raise_signal(signum)


def _holdable(handler: object, python_handlers_only: bool) -> bool:
    """Whether a signal with *handler* is held: not when it is ignored, nor when its
    handler was set outside Python (``None``: it could not be put back)."""
    if handler is None or handler is signal.SIG_IGN:
        return False
    return callable(handler) or not python_handlers_only
