"""Safe output: atomic writes that never replace an input or leave half a file.

Every file the library writes goes through :func:`atomic_write` (or
:func:`atomic_directory` for a set of files): the content is written to a temporary
file beside the target, flushed to disk, and only then renamed over the target. A
failure at any point leaves the previous output untouched and removes the temporary
file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ._errors import OutputError

__all__ = ["atomic_directory", "atomic_write", "check_not_input"]

StrPath = str | os.PathLike[str]

# Suffixes of the files the loaders read from a folder input.
_DATA_SUFFIXES = frozenset(
    {".yaml", ".yml", ".json", ".toml", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}
)


def check_not_input(output: StrPath, inputs: Iterable[StrPath]) -> None:
    """Refuse an *output* path that is one of the *inputs*.

    Raises:
        OutputError: naming the path.

    .. versionadded:: 0.1.0
    """
    out = Path(output).resolve()
    for item in inputs:
        source = Path(item).resolve()
        if out == source:
            raise OutputError(f"refusing to overwrite the input {item}: choose another output")
        # A folder input (a concept folder, an HSDS export) is read file by file: its
        # data files are inputs too.
        if (
            source.is_dir()
            and out.is_relative_to(source)
            and out.is_file()
            and out.suffix.lower() in _DATA_SUFFIXES
        ):
            raise OutputError(
                f"refusing to overwrite {output}: it is a data file of the input folder "
                f"{item}; choose another output"
            )


def atomic_write(
    path: StrPath,
    data: str | bytes,
    *,
    encoding: str = "utf-8",
    inputs: Iterable[StrPath] = (),
) -> Path:
    """Write *data* to *path* atomically; return the path.

    Args:
        path: The target file. Its folder is created if needed.
        data: Text (written with *encoding*) or bytes.
        encoding: Encoding for text.
        inputs: Paths of the run's inputs; writing over one of them is refused.

    Raises:
        OutputError: when *path* is an input.

    .. versionadded:: 0.1.0
    """
    target = Path(path)
    check_not_input(target, inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates the file 0600; give it the mode a plain open() would have (or
        # keep the mode of the file it replaces), so a published report stays readable.
        os.chmod(tmp_name, _file_mode(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return target


@contextlib.contextmanager
def atomic_directory(path: StrPath, *, inputs: Iterable[StrPath] = ()) -> Iterator[Path]:
    """Build a whole output folder in a temporary sibling, then swap it into place.

    Usage::

        with atomic_directory("site") as tmp:
            (tmp / "index.html").write_text(...)

    If the block raises, the previous folder is left as it was and the temporary one is
    removed. Otherwise the old folder is replaced by the new one.

    Raises:
        OutputError: when *path* is an input or an existing file.

    .. versionadded:: 0.1.0
    """
    target = Path(path)
    inputs = list(inputs)
    for item in inputs:
        src = Path(item).resolve()
        if target.resolve() == src or src.is_relative_to(target.resolve()):
            raise OutputError(f"refusing to write into {path}: it holds the input {item}")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{path} exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    # mkdtemp creates the folder 0700; give it the mode of the folder it replaces, or
    # the mode a plain mkdir() would give, so that a published site stays readable.
    tmp.chmod(_folder_mode(target))
    try:
        yield tmp
        _sync_tree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    try:
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            old.rmdir()
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        # moving the old folder aside or the new one in failed: put the old one back
        if old is not None and old.exists() and not target.exists():
            os.replace(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _sync_tree(root: Path) -> None:
    """Flush every file below *root* to disk, so that the swap never exposes empty files."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                os.fsync(handle.fileno())


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _file_mode(target: Path) -> int:
    """The permission bits for a new version of the file *target*."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _folder_mode(target: Path) -> int:
    """The permission bits for a new version of the folder *target*."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o777 & ~_umask()
