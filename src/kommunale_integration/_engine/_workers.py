"""Running independent pieces of the engine in worker processes (Arbeitsprozesse).

The disclosure control of each count table of a computation is independent of the
others, and on large tables (a Land: 400 municipalities, a year with its quarters and
months) each takes seconds of CPU. :func:`run_in_workers` runs such jobs in a pool of
worker processes, the last of them in the calling process if asked (the engine uses one
process per usable core, the calling process among them), and gives back their results
in the order of the jobs.

**Start method: spawn.** A worker is a fresh interpreter that imports what it needs.
``fork`` would be faster to start (about 0.2 s against 0.5 s for two workers), but the
parent may hold threads at that moment — pyarrow's CSV reader keeps a thread pool, and
HiGHS keeps one once it has solved in the parent — and a forked child inherits their
locks without the threads: it can hang for good. ``forkserver`` starts about as fast
as ``spawn`` once the imports are counted, but its workers are children of the fork
server, so the parent's ``getrusage(RUSAGE_CHILDREN)`` would not show their memory and
CPU time. ``spawn`` is also the default on Windows and macOS: one behaviour everywhere.
Like every ``multiprocessing`` user, a script that computes at its top level must do so
under ``if __name__ == "__main__":`` (a worker imports the script's main module); one
that does not gets a clear error, and ``workers=1`` computes without workers.

**Stopping.** An error in a job reaches the caller as the same exception. When the
caller is interrupted (Ctrl-C, or ``SIGTERM``, which the command line turns into an
interruption) or a job fails, the workers are ended at once and waited for: no worker
outlives the call. The workers ignore Ctrl-C themselves (a terminal sends it to every
process of the command): the parent alone decides, and ends them. A worker whose parent
was killed outright ends at once as well.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from .._errors import InvalidValueError, KommunaleIntegrationError, shown
from .._i18n import tr

__all__ = ["resolve_workers", "run_in_workers", "usable_cores", "workers_can_start"]

_R = TypeVar("_R")


def usable_cores() -> int:
    """The number of CPU cores this process may run on (its affinity where known)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_workers(workers: int | None) -> int:
    """The number of worker processes for *workers* (``None``: one per usable core).

    Raises:
        InvalidValueError: *workers* is not a whole number of at least 1.
    """
    if workers is None:
        return usable_cores()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidValueError(
            "workers", "expected a whole number ≥ 1, got {found}", found=shown(workers)
        )
    return workers


def workers_can_start() -> bool:
    """Whether this process may start workers, and they can import the main module,
    as ``spawn`` makes them do.

    Not in a daemonic process (a worker of a ``multiprocessing.Pool`` may have no
    children), nor when the main module names a file that does not exist (a script
    read from standard input, ``python - < script.py``, is ``<stdin>``). The caller
    then computes in its own process.
    """
    import multiprocessing
    from multiprocessing import process

    if multiprocessing.current_process().daemon:
        return False
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) is not None:
        return True  # imported by its name (python -m …)
    path = getattr(main, "__file__", None)
    if path is None:
        return True  # interactive, a notebook, python -c: nothing to import
    # spawn finds a relative path from the directory the program started in
    start = getattr(process, "ORIGINAL_DIR", None) or os.getcwd()
    return os.path.isfile(os.path.join(start, path))


def run_in_workers(
    function: Callable[..., _R],
    jobs: Iterable[tuple[Any, ...]],
    workers: int,
    *,
    here: int | Callable[[], int] = 0,
    preload: Sequence[str] = (),
) -> list[_R]:
    """``[function(*job) for job in jobs]``, computed in *workers* processes.

    *function* and the jobs' arguments must be picklable (a module-level function).
    The workers are started before *jobs* is asked for its first job, and each job
    is handed out as soon as *jobs* yields it: a generator can prepare the jobs
    while the workers start (≈ 0.25 s each, mostly imports) and prepare the next
    while the first are computed.

    The last *here* jobs are computed in the calling process, once every other job
    is handed out (it would only wait for the workers meanwhile): with more jobs
    than workers, the last — the shortest, when they come longest first — run
    beside the first instead of after them. *here* may be a function, asked once the
    first job is there (a generator that prepares all its jobs before the first knows
    then how long they take).

    Each worker imports the module of *function* and the modules *preload* names as
    it starts, while the caller prepares the jobs, not when its first job arrives
    (the library and numpy: about 0.3 s of CPU that would otherwise follow the
    preparation); one that cannot be imported is left to the job.

    Raises:
        KommunaleIntegrationError: a worker ended without a result (killed, out of
            memory, or a main module that computes when it is imported).
        Exception: whatever a job raised, as raised there.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    executor = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=((*_module_of(function), *preload),),
    )
    try:
        with _interrupts_blocked():  # the workers are born deaf to Ctrl-C
            for _ in range(workers):  # each task starts a worker: all before the jobs
                executor.submit(int)
        futures = []
        kept: deque[tuple[Any, ...]] = deque()  # the last *here* jobs: computed here
        count, ask = (here, None) if isinstance(here, int) else (0, here)
        for job in jobs:
            if ask is not None:  # (once, when the first job is there)
                count, ask = ask(), None
            kept.append(job)
            if len(kept) > count:
                futures.append(executor.submit(function, *kept.popleft()))
        mine = [function(*job) for job in kept]
        results = [future.result() for future in futures] + mine
    except BrokenProcessPool:
        _stop(executor)
        raise KommunaleIntegrationError(
            tr(
                "a worker process of the computation ended without a result (it was "
                "killed or ran out of memory, or a script computes at its top level "
                'without if __name__ == "__main__":); compute with one process: '
                "workers=1, on the command line --workers 1"
            )
        ) from None
    except BaseException:  # an error in a job, Ctrl-C, SIGTERM: no worker stays
        _stop(executor)
        raise
    executor.shutdown(wait=True)  # the workers are reaped: their usage is the parent's
    return results


def _module_of(function: Callable[..., Any]) -> tuple[str, ...]:
    """The module of *function* to import as a worker starts, where it names one (a
    method of a builtin object, ``"-".join``, names none)."""
    name = getattr(function, "__module__", None)
    return (name,) if isinstance(name, str) and name else ()


@contextmanager
def _interrupts_blocked() -> Iterator[None]:
    """Ctrl-C (``SIGINT``) blocked in this thread while it starts workers: a child
    inherits the blocked signal through ``fork`` and ``exec``, so a worker cannot be
    interrupted while it imports, before :func:`_start_worker` ignores Ctrl-C (a
    terminal sends it to every process of the command: a worker importing on a busy
    machine printed a traceback). A Ctrl-C meanwhile stays pending for this process and
    arrives when the block ends. (Not where the platform has no signal masks.)"""
    import signal

    block = getattr(signal, "pthread_sigmask", None)
    if block is None:  # pragma: no cover - not on POSIX
        yield
        return
    before = block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, before)


def _start_worker(modules: Sequence[str] = ()) -> None:
    """In a worker: ignore Ctrl-C, which the terminal sends to every process of the
    command (the parent, interrupted, ends the workers, and nothing prints a
    traceback); and end as soon as the parent has ended, even killed without a
    chance to end its workers (``SIGKILL``), instead of finishing the job first.
    Then import *modules* (:func:`run_in_workers`' *preload*)."""
    import contextlib
    import importlib
    import multiprocessing
    import signal
    import threading
    from multiprocessing.connection import wait

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - always started by a parent
        return

    def watch() -> None:
        wait([parent.sentinel])  # ready when the parent has ended
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    for name in modules:
        # (one that cannot be imported: the job imports what it needs, and says so)
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _stop(executor: Any) -> None:
    """End the workers of *executor* now and wait for them."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14
    if terminate is not None:  # pragma: no cover - Python ≥ 3.14
        terminate()
    else:
        # Python < 3.14 has no public way to end running workers: shutdown() waits
        # until each has finished its job (seconds on a large table)
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)
