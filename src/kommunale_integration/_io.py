"""Safe output: atomic writes that never replace an input, nor anything the library did not write.

Every file the library writes goes through :func:`atomic_write`, every folder through
:func:`atomic_directory`. Both first call :func:`check_not_input`, the one check that
refuses an output that is an input of the run, or a file that :func:`load_concept`
would read from a concept folder (``konzept.yaml``, a table such as ``massnahmen.csv``,
a file named under ``tables:``) — also when the caller names no inputs.

* A file is written to a temporary file beside the target, flushed to disk and renamed
  over the target (one ``rename``, atomic).
* A folder is built in a temporary sibling, flushed (file by file; a folder of
  hundreds of files with one ``syncfs`` of its filesystem on Linux), marked with a
  small manifest (:data:`MANIFEST`: which writer wrote which files) and swapped into
  place. An existing folder is only replaced when it is empty or holds nothing but
  what the same writer wrote there before; anything else is refused. On Linux the swap
  is one ``renameat2(RENAME_EXCHANGE)`` call, so the old or the new folder is always
  in place.
  Elsewhere it takes two renames (old folder aside, new folder in); a run killed between
  them leaves the old folder under a temporary name, and the next write to the same
  target puts it back (rolls the half swap back) and removes stale temporaries of
  processes that no longer run.

While a swap or rename runs, ``SIGINT``, ``SIGTERM`` and ``SIGHUP`` are held back and
delivered right after it (:func:`._signals.held`), so an interrupt never leaves a half
state; :func:`outputs_written` tells the command line which outputs were completely
written before an interrupt.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import functools
import io
import itertools
import json
import os
import secrets
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from ._errors import OutputError
from ._i18n import tr
from ._signals import held

__all__ = [
    "MANIFEST",
    "InputFolder",
    "atomic_directory",
    "atomic_write",
    "check_not_input",
    "check_outputs",
    "check_replaceable",
    "csv_text",
    "outputs_written",
    "written_together",
]

StrPath = str | os.PathLike[str]

MANIFEST: Final = ".kommunale-integration-output"
"""Name of the manifest in every folder written by :func:`atomic_directory`.

A JSON object ``{"writer": …, "files": [relative paths]}``. Without a file suffix, so
that no loader takes it for data.
"""

# Suffixes of the files the loaders read from a folder input that is not a concept
# folder (an HSDS export).
_DATA_SUFFIXES: Final = frozenset(
    {".yaml", ".yml", ".json", ".toml", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}
)
# Temporaries: ".<target name>.ki-<role>-<pid>-<token>"; role new, old or tmp (a file).
_TEMP: Final = ".ki-"
_STALE_AFTER: Final = 24 * 3600  # where a process cannot be asked whether it still runs

_written: list[Path] = []
# Inside written_together(): what puts each prepared output in place, and what removes
# its temporary; None outside it.
_deferred: list[tuple[Callable[[], None], Callable[[], None]]] | None = None
# The temporary folders atomic_directory is building: an output inside one of them is
# part of that folder and written at once.
_building: list[Path] = []


# --------------------------------------------------------------------------- inputs


class InputFolder(os.PathLike[str]):
    """An input folder whose every file is read (a folder of templates, which may
    include one another): an output over any file in it is refused, whatever its
    suffix.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("path",)

    def __init__(self, path: StrPath) -> None:
        self.path = os.fspath(path)

    def __fspath__(self) -> str:
        return self.path

    def __str__(self) -> str:
        return self.path


def check_not_input(output: StrPath, inputs: Iterable[StrPath] = ()) -> None:
    """Refuse an *output* that is an input, holds one, or would be read as one.

    Refused are: one of *inputs*; a folder that contains one of them; a data file inside
    a folder input, and any file inside an :class:`InputFolder`; and — for every
    caller, with or without *inputs* — a file that
    :func:`~kommunale_integration.load_concept` reads from a concept folder above the
    output (the main file, a default table, a file named under ``tables:``), also
    when it does not exist yet.

    Raises:
        OutputError: naming the path.

    .. versionadded:: 0.1.0
    """
    out = _resolve(Path(output))
    for item in inputs:
        source = _resolve(Path(item))
        if out == source:
            raise OutputError(
                tr("refusing to overwrite the input {item}: choose another output", item=item)
            )
        if source.is_relative_to(out):
            raise OutputError(
                tr(
                    "refusing to write {output}: it holds the input {item}",
                    output=output,
                    item=item,
                )
            )
        # A folder input (a concept folder, an HSDS export) is read file by file: its
        # data files are inputs too, and every file of a folder of templates.
        inside = source.is_dir() and out.is_relative_to(source) and out.is_file()
        if inside and isinstance(item, InputFolder):
            raise OutputError(
                tr(
                    "refusing to overwrite {output}: every file of the input folder {item} "
                    "is read (a template); choose another output",
                    output=output,
                    item=item,
                )
            )
        if inside and out.suffix.lower() in _DATA_SUFFIXES:
            raise OutputError(
                tr(
                    "refusing to overwrite {output}: it is a data file of the input folder "
                    "{item}; choose another output",
                    output=output,
                    item=item,
                )
            )
    for folder in out.parents:
        if out in _concept_files(folder):
            raise OutputError(
                tr(
                    "refusing to write {output}: load_concept reads it as part of the concept "
                    "folder {folder}, so the concept would break; choose another output",
                    output=output,
                    folder=folder,
                )
            )


def check_outputs(
    files: Iterable[StrPath], folders: Iterable[StrPath] = (), inputs: Iterable[StrPath] = ()
) -> None:
    """Check the outputs of one run before any work: none is an input
    (:func:`check_not_input`), no two are the same, none lies inside an output
    folder, which is replaced as a whole, and no file's name names a folder
    (``k.csv/``, see :func:`atomic_write`).

    ``indicators --output a-intern.csv --audit a-intern.csv`` wrote the audit and then
    the table over it; ``--output p/x.csv --datapackage p`` put a file into the data
    package that made the next run refuse the folder; ``--output p --datapackage p``
    failed after writing the package.

    Raises:
        OutputError: naming both outputs; nothing was written.

    .. versionadded:: 0.1.0
    """
    files = list(files)
    for file in files:
        _refuse_folder_name(file)
    given = [(Path(p), False) for p in files] + [(Path(p), True) for p in folders]
    inputs = list(inputs)
    for path, _ in given:
        check_not_input(path, inputs)
    for (first, _), (second, folder) in itertools.permutations(given, 2):
        one, other = _resolve(first), _resolve(second)
        if one == other:
            raise OutputError(
                tr(
                    "{path} is named for two outputs of one run: give each its own name; "
                    "nothing was written",
                    path=second,
                )
            )
        if folder and one.is_relative_to(other):
            raise OutputError(
                tr(
                    "{path} lies inside the output folder {folder}, which is replaced as a "
                    "whole: write it beside the folder; nothing was written",
                    path=first,
                    folder=second,
                )
            )


def _concept_files(folder: Path) -> frozenset[Path]:
    if not any((folder / name).is_file() for name in _MAIN_NAMES):
        return frozenset()
    from ._loaders._concept import concept_input_files

    return frozenset(_resolve(p) for p in concept_input_files(folder))


_MAIN_NAMES: Final = ("konzept.yaml", "konzept.yml", "konzept.json", "konzept.toml")


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop
        return path.absolute()


# --------------------------------------------------------------------------- files


def _make_folder(folder: Path, output: str | os.PathLike[str]) -> None:
    """Create *folder* (and its parents) for the *output*.

    Raises:
        OutputError: a part of the way is a file, not a folder (``bericht.csv/x.html``):
            said so, not "a file of this name exists".
    """
    for part in (folder, *folder.parents):
        if part.exists() or part.is_symlink():
            if not part.is_dir():
                raise OutputError(
                    tr(
                        "{output} cannot be written: {part} is a file, not a folder",
                        output=output,
                        part=part,
                    )
                )
            break
    folder.mkdir(parents=True, exist_ok=True)


def atomic_write(
    path: StrPath,
    data: str | bytes,
    *,
    encoding: str = "utf-8",
    inputs: Iterable[StrPath] = (),
    edit: bool = False,
) -> Path:
    """Write *data* to *path* atomically; return the path.

    Args:
        path: The target file. Its folder is created if needed.
        data: Text (written with *encoding*) or bytes.
        encoding: Encoding for text.
        inputs: Paths of the run's inputs; writing over one of them is refused.
        edit: *path* is a file of a concept that the user explicitly asked to change
            in place (``territories update --concept``): the check that refuses
            writing over files :func:`~kommunale_integration.load_concept` reads is
            skipped for it; *inputs* are still refused.

    Raises:
        OutputError: when *path* is an input (see :func:`check_not_input`) or a folder,
            or its name ends with a path separator or ``.`` (``nb.html/``: a folder,
            which :class:`~pathlib.Path` would turn into the file ``nb.html``).

    .. versionadded:: 0.1.0
    """
    _refuse_folder_name(path)
    target = Path(path)
    if edit:
        if any(_resolve(Path(item)) == _resolve(target) for item in inputs):
            raise OutputError(
                tr("refusing to overwrite the input {path}: choose another output", path=path)
            )
    else:
        check_not_input(target, inputs)
    if target.is_dir():
        raise OutputError(tr("{path} is a folder: give a file name as output", path=path))
    payload = data.encode(encoding) if isinstance(data, str) else data
    if _write_stream(target, payload):
        return target
    final = _through_link(target)
    _refuse_protected(final, path)
    _make_folder(final.parent, path)
    _remove_stale(final)
    tmp_name = ""
    try:
        # a signal while the temporary is made waits until its name is known to the
        # clean-up below (else it stayed behind)
        with held():
            fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(final, "tmp"), dir=final.parent)
            handle = os.fdopen(fd, "wb")
        with handle:
            # mkstemp creates the file 0600; give it the mode a plain open() would have
            # (or keep the mode of the file it replaces): a published report stays readable
            os.chmod(tmp_name, _file_mode(final))
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        with held():
            put = functools.partial(_put, tmp_name, final, target)
            if not _defer(final, put, functools.partial(_unlink, tmp_name)):
                put()
    except BaseException as error:
        if tmp_name:
            with held(), contextlib.suppress(FileNotFoundError):  # a second Ctrl-C too
                os.unlink(tmp_name)
        _name_the_output(error, target)
        raise
    return target


def _refuse_folder_name(path: StrPath) -> None:
    """Refuse a file output whose name ends with a path separator or a dot
    (``--output nb.html/``): it names a folder, and :class:`~pathlib.Path` drops the
    separator — the file ``nb.html`` was written.

    Raises:
        OutputError: naming the output; nothing was written.
    """
    if os.path.basename(os.fspath(path)) in ("", ".", ".."):
        raise OutputError(
            tr(
                "{path} names a folder (it ends with a path separator or a dot); nothing "
                "was written: give a file name as output",
                path=path,
            )
        )


def _refuse_working_folder(target: Path, output: StrPath) -> None:
    """Refuse an output folder that is the working folder or holds it (``.``, ``..``, an
    empty ``--output ""`` from an unset shell variable): the folder is replaced as a
    whole, which either fails ("device busy") or leaves the shell in a removed folder.

    Raises:
        OutputError: naming the folder; nothing was written.
    """
    try:
        here = Path.cwd().resolve()
        inside = here.is_relative_to(target.resolve())
    except (OSError, RuntimeError):  # no working folder any more, a link loop
        return
    if inside:
        raise OutputError(
            tr(
                "{path} is the current folder or holds it, and an output folder is replaced "
                "as a whole; nothing was written: name a new folder (for example ./ausgabe)",
                path=str(output) or "''",
            )
        )


def _refuse_mount_point(target: Path, output: StrPath) -> None:
    """Refuse an output folder that is a mount point (a USB stick, a share of the web
    server): a folder is replaced as a whole, and a mount point cannot be moved — the
    swap failed after the whole build with "the file or device is busy".

    Raises:
        OutputError: naming the folder; nothing was written.
    """
    try:
        mounted = target.is_dir() and not target.is_symlink() and os.path.ismount(target)
    except OSError:
        return
    if mounted:
        raise OutputError(
            tr(
                "{path} is a mount point (a drive or a share), and an output folder is "
                "replaced as a whole; nothing was written: name a folder inside it (for "
                "example {example})",
                path=output,
                example=os.path.join(output, "ausgabe"),
            )
        )


def _refuse_protected(target: Path, output: StrPath) -> None:
    """Refuse an output that its owner has write-protected: a file without any write
    permission (a report marked read-only as sent to the council), or, on POSIX, such a
    folder as the output or as the nearest folder that exists on its way.

    The permission bits decide, not whether this process may write: a run as root (a
    server's job) would otherwise replace a file the user protected — a rename ignores
    the file's own permissions —, and Windows refuses it anyway. On Windows the
    read-only attribute of a folder only customises it, so folders are not checked there.

    Raises:
        OutputError: naming the protected file or folder; nothing was written.
    """
    try:
        mode = target.stat().st_mode
    except OSError:
        mode = 0
    folders = os.name == "posix"
    if (stat.S_ISREG(mode) or (folders and stat.S_ISDIR(mode))) and not mode & 0o222:
        raise OutputError(
            tr(
                "{path} is write-protected; nothing was written: remove the protection "
                "(chmod u+w, or clear 'read-only' in its properties) or choose another output",
                path=output,
            )
        )
    if not folders:
        return
    for folder in target.absolute().parents:  # the nearest one that exists
        try:
            mode = folder.stat().st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode) and not mode & 0o222:
            raise OutputError(
                tr(
                    "the folder {folder} is write-protected; nothing was written to {path}: "
                    "remove the protection (chmod u+w) or choose another output",
                    folder=folder,
                    path=output,
                )
            )
        return


def _name_the_output(error: BaseException, target: Path) -> None:
    """Let an error of the system that names no file (``os.write`` on a full disk: "no
    space left on the device") name the output it stopped; one that names a temporary
    names the output instead (the temporary is gone)."""
    if not isinstance(error, OSError) or error.errno is None:  # (not a system error)
        return
    if error.filename is None or _TEMP in os.fsdecode(error.filename):
        error.filename = os.fspath(target)


def _through_link(target: Path) -> Path:
    """The file to replace for the output *target*: the file a symbolic link leads to.

    The link is the user's (``bericht.html -> /srv/www/bericht.html``,
    ``/dev/stdout -> /proc/self/fd/1`` with the output redirected to a file): renaming
    over it would replace the link itself — as root also ``/dev/stdout``. A link that
    leads nowhere (or to itself) is refused: nothing was written.

    Raises:
        OutputError: a link that leads nowhere.
    """
    if not target.is_symlink():
        return target
    final = _resolve(target)
    if final.is_symlink() or not final.is_file():
        raise OutputError(
            tr(
                "{path} is a symbolic link that leads to no file; nothing was written",
                path=str(target),
            )
        )
    return final


def _write_stream(target: Path, payload: bytes) -> bool:
    """Write *payload* into *target* if it is (or links to) a stream; whether it was one.

    A character device or a named pipe (``/dev/null``, ``/dev/stdout``, a FIFO a
    program reads) is written into: renaming a file over it would replace the device or
    the pipe — as root, ``--output /dev/null`` would have left a regular file in
    ``/dev``. A block device or a socket is refused; anything else is a regular file (or
    nothing yet) and written atomically.

    Raises:
        OutputError: *target* is a block device or a socket.
    """
    try:
        mode = target.stat().st_mode
    except OSError:  # nothing there yet, or a link that leads nowhere
        return False
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise OutputError(
            tr(
                "{path} is a device or a socket, not a file; nothing was written",
                path=os.fspath(target),
            )
        )
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        return False
    fd = os.open(target, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "wb") as handle:
        opened = os.fstat(handle.fileno()).st_mode
        if not (stat.S_ISCHR(opened) or stat.S_ISFIFO(opened)):  # replaced meanwhile
            raise OutputError(
                tr(
                    "{path} changed while it was opened; nothing was written",
                    path=os.fspath(target),
                )
            )
        handle.write(payload)
        handle.flush()
    _written.append(target)
    return True


# --------------------------------------------------------------------------- CSV


def csv_text(
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
    line_end: str = "\n",
    guard: Collection[int] | None = None,
) -> str:
    """CSV text of *rows* (the header row first; read once, one at a time) with the
    formula guard.

    The one writer of the CSV outputs built from data (the indicator table, the audit
    of disclosure control): a text cell that a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return; :func:`~._parse.neutralise`) is
    prefixed with ``'`` — in the columns at the positions *guard*, or in every column.
    Numbers are written as they are.

    >>> csv_text([["gruppe", "value"], ["=HYPERLINK(1)", -1]])
    "gruppe,value\\n'=HYPERLINK(1),-1\\n"
    """
    from ._parse import neutralise

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    # each distinct text guarded once (a table of a million rows repeats a few dozen
    # dimension values: the guard took half the CPU time of writing it)
    guarded: dict[str, str] = {}
    for row in rows:
        writer.writerow(
            [
                (guarded.get(cell) or guarded.setdefault(cell, neutralise(cell)))
                if isinstance(cell, str) and (guard is None or i in guard)
                else cell
                for i, cell in enumerate(row)
            ]
        )
    return buffer.getvalue()


# --------------------------------------------------------------------------- folders


@contextlib.contextmanager
def atomic_directory(
    path: StrPath,
    *,
    writer: str,
    inputs: Iterable[StrPath] = (),
    own_files: Collection[str] | None = None,
) -> Iterator[Path]:
    """Build a whole output folder in a temporary sibling, then swap it into place.

    Usage::

        with atomic_directory("site", writer="build_directory") as tmp:
            (tmp / "index.html").write_text(...)

    If the block raises, the previous folder is left as it was and the temporary one is
    removed. Otherwise the new folder gets the manifest :data:`MANIFEST` and replaces
    the old one (see the module documentation for the swap).

    Args:
        path: The output folder.
        writer: Who writes it (e.g. ``"build_directory"``); an existing folder is only
            replaced when the same writer wrote it (see :func:`check_replaceable`).
        inputs: Paths of the run's inputs.
        own_files: For a folder that people keep editing (a concept folder): no
            manifest is written, and an existing folder is replaced only when it holds
            nothing but these names.

    Raises:
        OutputError: when *path* is an input, holds one, is a file, or holds anything the
            same writer did not write there.

    .. versionadded:: 0.1.0
    """
    target = Path(path)
    check_not_input(target, inputs)
    _refuse_working_folder(target, path)
    _refuse_mount_point(target, path)
    _refuse_protected(target, path)
    _make_folder(target.parent, path)
    _remove_stale(target)
    check_replaceable(target, writer, own_files=own_files)
    token = secrets.token_hex(4)
    tmp = target.parent / f"{_temp_prefix(target, 'new')}{token}"
    _building.append(tmp)
    try:
        with held():  # a signal here waits until the clean-up below knows the folder
            tmp.mkdir(mode=0o700)
        # give the new folder the mode of the folder it replaces, or the mode a plain
        # mkdir() would give, so that a published site stays readable
        tmp.chmod(_folder_mode(target))
        yield tmp
        files = _entries(tmp)
        _refuse_case_clashes(files)
        if own_files is None:
            _write_manifest(tmp, writer, files)
        _sync_tree(tmp)
    except BaseException as error:
        with held():  # removing thousands of files: a second Ctrl-C must not cut it short
            shutil.rmtree(tmp, ignore_errors=True)
        _name_the_output(error, target)
        raise
    finally:
        # outputs written inside the new folder are part of it, not outputs of their own
        _written[:] = [p for p in _written if not p.is_relative_to(tmp)]
        _building.remove(tmp)
    with held():
        deferred = _defer(
            target,
            lambda: _swap(tmp, target, token),
            lambda: shutil.rmtree(tmp, ignore_errors=True),
        )
    if not deferred:
        _swap(tmp, target, token)


@contextlib.contextmanager
def written_together() -> Iterator[None]:
    """Put the outputs written in the block in place together, at its end.

    Every :func:`atomic_write` and :func:`atomic_directory` in the block builds its
    temporary as always, but its final rename (or swap) waits for the end of the
    block, where all of them run one after another while ``SIGINT``, ``SIGTERM`` and
    ``SIGHUP`` are held back (:func:`._signals.held`): the outputs of one run that
    belong together (``indicators --output … --datapackage … --audit …``: one
    release, one pattern of suppressed cells) are either all the old ones or all the
    new ones. ``kill`` after the data package was renamed into place left a new
    package beside the previous release's table. An error or an interrupt in the
    block removes every temporary: nothing was changed. Only ``SIGKILL`` (or a crash
    of the system) between two renames leaves some outputs new and the others old.

    Nested blocks put their outputs in place with the outermost one; an output built
    inside a folder being built is part of that folder and not held back.

    .. versionadded:: 0.1.0
    """
    global _deferred  # noqa: PLW0603 - one run, one block
    if _deferred is not None:
        yield
        return
    pending: list[tuple[Callable[[], None], Callable[[], None]]] = []
    _deferred = pending
    try:
        yield
    except BaseException:
        _deferred = None
        with held():  # a second Ctrl-C must not cut the removal short
            for _, remove in pending:
                remove()
        raise
    _deferred = None
    with held():
        for index, (put, _) in enumerate(pending):
            try:
                put()
            except BaseException:
                for _, remove in pending[index:]:  # (the failed one's too)
                    remove()
                raise


def _defer(target: Path, put: Callable[[], None], remove: Callable[[], None]) -> bool:
    """Hold back *put* (and the clean-up *remove*) until the end of
    :func:`written_together`; whether it was held back (not outside the block, nor for
    a *target* inside a folder being built)."""
    if _deferred is None or any(
        _resolve(target).is_relative_to(_resolve(folder)) for folder in _building
    ):
        return False
    _deferred.append((put, remove))
    return True


def _put(tmp_name: str, final: Path, target: Path) -> None:
    """Rename the complete temporary *tmp_name* to *final* (the output *target*)."""
    try:
        _rename(tmp_name, final)
    except BaseException as error:
        _unlink(tmp_name)
        _name_the_output(error, target)
        raise
    _written.append(target)


def _unlink(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name)


def check_replaceable(
    path: StrPath, writer: str, *, own_files: Collection[str] | None = None
) -> None:
    """Refuse to replace the folder *path* unless it is new, empty or *writer*'s own.

    A folder is *writer*'s own when its :data:`MANIFEST` names *writer* and lists every
    file in it (or, with *own_files*, when it holds nothing but these names).

    Raises:
        OutputError: naming the folder and what is in the way.

    .. versionadded:: 0.1.0
    """
    target = Path(path)
    if target.is_symlink():
        raise OutputError(
            tr("{path} is a symbolic link: give the folder it points to as output", path=path)
        )
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputError(tr("{path} exists and is not a folder: choose another output", path=path))
    # Only the first few entries that are in the way are looked for: "--output /" or a
    # home folder walked a million files to count them (24 s) before refusing.
    present = _first(target, lambda _: True)
    if not present:
        return
    if own_files is not None:
        foreign = _first(target, lambda name: name not in own_files)
        if foreign:
            raise OutputError(
                tr(
                    "{path} is not empty and holds files that {writer} does not write "
                    "({files}): choose a new or empty folder, nothing was changed",
                    path=path,
                    writer=writer,
                    files=_some(foreign),
                )
            )
        return
    manifest = _read_manifest(target)
    if manifest is None:
        raise OutputError(
            tr(
                "{path} is not empty and was not written by kommunale-integration "
                "({files}): choose a new or empty folder, nothing was changed",
                path=path,
                files=_some(present),
            )
        )
    owner, listed = manifest
    if owner != writer:
        raise OutputError(
            tr(
                "{path} was written by {owner}, not by {writer}: choose another folder, "
                "nothing was changed",
                path=path,
                owner=owner,
                writer=writer,
            )
        )
    # a symbolic link is never the library's, also under a name it wrote (a link the
    # user put there in place of index.html, to a page of their own, is theirs)
    unknown = _first(
        target,
        lambda name: (name not in listed and name != MANIFEST) or os.path.islink(target / name),
    )
    if unknown:
        raise OutputError(
            tr(
                "{path} holds files that kommunale-integration did not write there "
                "({files}): move them away or choose another folder, nothing was changed",
                path=path,
                files=_some(unknown),
            )
        )


def _first(folder: Path, wanted: Callable[[str], bool], count: int = 4) -> list[str]:
    """The first *count* entries below *folder* that are *wanted* (the walk stops there)."""
    return list(itertools.islice(filter(wanted, _walk(folder)), count))


def _some(names: list[str]) -> str:
    """Three of *names* for a message, and "and more" when :func:`_first` found a fourth."""
    shown = sorted(names)[:3]
    return ", ".join(shown) + (tr(" and more") if len(names) > 3 else "")


def _walk(folder: Path) -> Iterator[str]:
    """Every file (and symbolic link) below *folder*, as relative POSIX paths, lazily."""
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder).as_posix()
        prefix = "" if base == "." else base + "/"  # one Path per folder, not per file
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in [*files, *links]:
            yield prefix + name


def _entries(folder: Path) -> set[str]:
    """Every file (and symbolic link) below *folder*, as relative POSIX paths."""
    return set(_walk(folder))


def add_file(files: dict[str, Any], name: str, content: Any) -> None:
    """Add *content* under *name* to the files of one output folder; refuse a name
    given twice.

    The builders name files after ids (``akteure/<id>.html``,
    ``kalender/angebot-<id>.ics``): two actors with one id would give one page, the
    second replacing the first, written without a word. (Names that differ only in
    case are refused when the folder is complete: :func:`atomic_directory`.)

    Raises:
        OutputError: naming the file.
    """
    if name in files:
        raise OutputError(
            tr(
                "two files would be named {name}: the id it is named after occurs twice "
                "(validate reports it as duplicate-id); nothing was written",
                name=name,
            )
        )
    files[name] = content


def _refuse_case_clashes(files: Iterable[str]) -> None:
    """Refuse a folder with two files whose names differ only in upper and lower case.

    They are two files here, but one on Windows and macOS (and on the web servers and
    shares there): a Wegweiser of the actors ``drk`` and ``DRK`` published there would
    show one actor's page for both.

    Raises:
        OutputError: naming the two files.
    """
    seen: dict[str, str] = {}
    for name in sorted(files):
        other = seen.setdefault(name.casefold(), name)
        if other != name:
            raise OutputError(
                tr(
                    "{first} and {second} differ only in upper and lower case: on Windows "
                    "and macOS one would replace the other; give the ids they are named "
                    "after more than a difference of case; nothing was written",
                    first=other,
                    second=name,
                )
            )


def _write_manifest(folder: Path, writer: str, entries: set[str]) -> None:
    files = sorted(entries - {MANIFEST})
    text = json.dumps({"writer": writer, "files": files}, ensure_ascii=False, indent=1)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")


def _read_manifest(folder: Path) -> tuple[str, set[str]] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        writer, files = data["writer"], data["files"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not isinstance(writer, str) or not all(isinstance(f, str) for f in files):
        return None
    return writer, set(files)


def _swap(tmp: Path, target: Path, token: str) -> None:
    """Put the complete folder *tmp* in the place of *target*."""
    old: Path | None = None
    with held():
        try:
            if not target.exists():
                _rename(tmp, target)
            elif _exchange(tmp, target):
                old = tmp  # after the exchange, tmp's name holds the old folder
            else:
                # two renames; a run killed between them is rolled back by the next one
                old = target.parent / f"{_temp_prefix(target, 'old')}{token}"
                _rename(target, old)
                try:
                    _rename(tmp, target)
                except BaseException:
                    _rename(old, target)
                    raise
            _written.append(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            if old is not None and old.exists() and target.exists():
                shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- renames


def _rename(source: StrPath, target: StrPath) -> None:
    """``os.replace``; the one place every rename of this module goes through."""
    os.replace(source, target)


_RENAME_EXCHANGE: Final = 2
_AT_FDCWD: Final = -100


def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # no glibc 2.28 (or musl)
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes.append(ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); ``False`` where not supported."""
    function = _renameat2()
    if function is None:
        return False
    import ctypes

    result = function(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # the file system cannot exchange
    raise OSError(code, os.strerror(code), str(second))


# --------------------------------------------------------------------------- temporaries


def _temp_prefix(target: Path, role: str) -> str:
    return f".{_stem(target.name)}{_TEMP}{role}-{os.getpid()}-"


#: Bytes of an output's name that the names of its temporaries keep: a file name may
#: have 255 bytes, and a temporary adds about 25 (``.`` and ``.ki-tmp-<pid>-<token>``).
_NAME_ROOM: Final = 200


def _stem(name: str) -> str:
    """The part of the temporaries' names that stands for the output *name*: the name
    itself, or for a long one its first bytes and a digest of all of it (an output
    named with 240 bytes, which the file system allows, was refused as "too long")."""
    raw = os.fsencode(name)
    if len(raw) <= _NAME_ROOM:
        return name
    import hashlib

    digest = hashlib.sha256(raw).hexdigest()[:12]
    return os.fsdecode(raw[: _NAME_ROOM - len(digest) - 1]) + "~" + digest


def _remove_stale(target: Path) -> None:
    """Finish what a killed run left beside *target*: roll back a half swap, remove temporaries.

    Only temporaries named after *target* whose process no longer runs are touched.
    """
    prefix = f".{_stem(target.name)}{_TEMP}"
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix)]
    except OSError:
        return
    for name in sorted(names, key=lambda n: not n[len(prefix) :].startswith("old-")):
        role, _, rest = name[len(prefix) :].partition("-")
        pid = rest.partition("-")[0]
        stale = target.parent / name
        if role not in ("new", "old", "tmp") or not pid.isdigit() or _running(int(pid), stale):
            continue
        if role == "old" and not target.exists() and not target.is_symlink():
            _rename(stale, target)  # roll back: the old output returns to its place
            continue
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                stale.unlink()


def _running(pid: int, path: Path) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        try:
            return time.time() - path.lstat().st_mtime < _STALE_AFTER
        except OSError:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it runs, under another user
        return True
    return True


# --------------------------------------------------------------------------- signals


def outputs_written() -> tuple[Path, ...]:
    """The outputs completely written (renamed into place) by this process so far."""
    return tuple(_written)


def forget_outputs() -> None:
    """Start a new count for :func:`outputs_written` (the command line does at its start)."""
    _written.clear()


# --------------------------------------------------------------------------- helpers


#: From this many files on, a folder is flushed with one ``syncfs`` (Linux) instead of one
#: ``fsync`` per file: 16,000 files (a Wegweiser in eight languages) took 50 s of
#: ``fsync`` calls on a shared disk and take 0.2 s with ``syncfs``. Below it ``fsync``
#: is cheaper, as ``syncfs`` also flushes what other programs wrote to the filesystem.
_SYNCFS_FROM: Final = 200


def _sync_tree(root: Path) -> None:
    """Flush every file below *root* to disk, so that the swap never exposes empty files."""
    paths = [os.path.join(folder, name) for folder, _dirs, files in os.walk(root) for name in files]
    if len(paths) >= _SYNCFS_FROM and _syncfs(root):
        return
    for path in paths:
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def _syncfs(root: Path) -> bool:
    """Flush the filesystem that holds *root* with ``syncfs(2)`` and wait for it.

    Returns ``False`` where there is no ``syncfs`` (not Linux, or not allowed in a
    sandbox); the caller then flushes file by file. A disk error raises :class:`OSError`.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(root, os.O_RDONLY)
    try:
        if call(fd) == 0:
            return True
        code = ctypes.get_errno()
    finally:
        os.close(fd)
    if code in (errno.ENOSYS, errno.EPERM, errno.EACCES):
        return False
    raise OSError(code, os.strerror(code), str(root))


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _file_mode(target: Path) -> int:
    """The permission bits for a new version of the file *target*: those of the file it
    replaces, without set-user-ID, set-group-ID and sticky bits (a program that runs
    with its owner's rights is not what this library writes; the system clears these
    bits when a file is written to as well)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def _folder_mode(target: Path) -> int:
    """The permission bits for a new version of the folder *target*."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o777 & ~_umask()
