"""Stop a command of the command line at many moments of its writing, and look at what is left.

Run as a script (by ``tests/test_signals.py``) with one JSON argument::

    {"signal": "SIGTERM", "old": [argv…] | null, "new": [argv…], "outputs": "DIR",
     "points": 30, "prelude": "python code run first (to break the library on purpose)",
     "together": false}

The process imports the library once, then runs each command line in a forked child
(a fork costs milliseconds; a new interpreter would cost a second):

1. *old* (when given) writes the previous outputs; the tree of *outputs* is noted;
2. *new* runs once untouched; its tree is noted, and so is every file operation it makes
   from the moment it creates its first temporary (the writing phase);
3. for each chosen moment *k* of that phase, *outputs* is reset to the old tree and
   *new* runs again in a child that sends itself the signal at operation *k*: *before*
   an operation (an audit event: the operation has not happened) or right *after* it
   (the C function returned: the handler runs at the next line of Python).

It prints one JSON object: the number of moments and, for each one that broke a rule,
what it saw. The rules (written here, not taken from the library):

* a catchable signal: the exit code is 128 + the signal number (or 0 when the command
  had finished), every output is the old one or the new one, no temporary is left;
  with ``"together"`` (the outputs are one release) all of them are old or all new;
* ``SIGKILL``: every output under its real name is the old one or the new one; anything
  else is a temporary named ``.<output name>.ki-…``; the next run then leaves exactly
  the new tree.

This file imports nothing of the library before the first run, and nothing of its
write helpers at all.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import sys
import zipfile
from pathlib import Path
from typing import Any

#: Audit events of operations on files and folders (``sys.addaudithook``).
AUDITED = frozenset(
    {
        "open",
        "os.rename",
        "os.remove",
        "os.mkdir",
        "os.rmdir",
        "os.chmod",
        "os.truncate",
        "os.symlink",
        "os.listdir",
        "os.scandir",
        "shutil.rmtree",
        "shutil.copyfile",
        "tempfile.mkstemp",
        "tempfile.mkdtemp",
    }
)
#: C functions whose return is a moment (``sys.setprofile``'s ``c_return``).
RETURNING = frozenset(
    {"open", "replace", "rename", "mkdir", "unlink", "rmdir", "fsync", "close", "chmod",
     "write", "fdopen", "scandir", "listdir", "syncfs"}
)  # fmt: skip
TEMP_MARK = ".ki-"


def tree(root: Path) -> dict[str, Any]:
    """Every file (its content, see :func:`content`), link and folder below *root*."""
    found: dict[str, Any] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            found[rel + "/"] = "link " + os.readlink(path) if path.is_symlink() else "folder"
        for name in files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            found[rel] = "link " + os.readlink(path) if path.is_symlink() else content(path)
    return found


#: The time of writing, which two runs write differently (a DOCX's creation time, an
#: iCalendar DTSTAMP): left out when outputs are compared.
_CLOCK = re.compile(rb"\d{4}-?\d{2}-?\d{2}T\d{2}:?\d{2}:?\d{2}(?:\.\d+)?Z?")


def content(path: Path) -> Any:
    """The bytes of *path* with the time of writing left out; a ZIP file (DOCX) as its
    members. A file cut short is a ZIP file no more, or has other bytes."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return {name: _CLOCK.sub(b"T", archive.read(name)) for name in archive.namelist()}
        except (zipfile.BadZipFile, OSError, EOFError):
            return data
    return _CLOCK.sub(b"T", data)


def is_temporary(rel: str) -> bool:
    return any(part.startswith(".") and TEMP_MARK in part for part in rel.split("/"))


def _child(argv: list[str], kill_at: int, signum: int, counting: bool) -> dict[str, Any]:
    """Run the command line in this (forked) process; send *signum* at moment *kill_at*."""
    from kommunale_integration._cli import main

    state = {"writing": False, "moment": 0}
    moments: list[str] = []

    def moment(what: str) -> None:
        if not state["writing"]:
            return
        state["moment"] += 1
        if counting:
            moments.append(what)
        if state["moment"] == kill_at:
            os.kill(os.getpid(), signum)

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if event not in AUDITED:
            return
        # the writing phase starts at the first temporary (``tempfile.mkstemp`` is raised
        # before the file is made, so that its creation is a moment)
        if not state["writing"] and event in ("tempfile.mkstemp", "open", "os.mkdir"):
            path = args[0]
            if isinstance(path, (str, bytes, os.PathLike)) and TEMP_MARK in os.fsdecode(path):
                state["writing"] = True
                sys.setprofile(profile)  # from here on: a profile costs time
        moment("before " + event)

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "c_return" and getattr(arg, "__name__", None) in RETURNING:
            moment("after " + arg.__name__)

    sys.addaudithook(audit)
    try:
        code: Any = main(argv)
    except SystemExit as stop:
        code = stop.code
    finally:
        sys.setprofile(None)
    return {"code": code, "moments": moments}


def run(argv: list[str], kill_at: int = 0, signum: int = 0, counting: bool = False) -> Any:
    """Run *argv* in a forked child; its result, or ``{"signal": n}`` when it was killed."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            result = _child(argv, kill_at, signum, counting)
        except BaseException as error:
            result = {"code": "escaped " + type(error).__name__}
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return json.loads(b"".join(chunks))


def _chosen(count: int, points: int) -> list[int]:
    """About *points* moments of 1 … *count*: spread evenly, and the last four (the
    renames and the clean-up)."""
    spread = {1 + i * (count - 1) // max(1, points - 1) for i in range(points)}
    return sorted(m for m in spread | set(range(count - 3, count + 1)) if 1 <= m <= count)


def _reset(outputs: Path, copy: Path) -> None:
    """Put the copy of the old outputs back in place of *outputs*."""
    shutil.rmtree(outputs, ignore_errors=True)
    shutil.copytree(copy, outputs, symlinks=True)


def check(spec: dict[str, Any]) -> dict[str, Any]:
    signum = getattr(signal, spec["signal"])
    outputs = Path(spec["outputs"])
    old_argv, new_argv = spec["old"], spec["new"]
    import kommunale_integration._cli  # noqa: F401 - once, before the forks

    exec(spec.get("prelude", ""), {})  # a test of the harness breaks the library here

    shutil.rmtree(outputs, ignore_errors=True)
    outputs.mkdir(parents=True)
    if old_argv is not None:
        assert run(old_argv).get("code") == 0, "the old run failed"
    old = tree(outputs)
    copy = outputs.with_name(outputs.name + "-old")  # (no temporary: no ".ki-" in it)
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(outputs, copy, symlinks=True)
    clean = run(new_argv, counting=True)
    assert clean.get("code") == 0, ("the new run failed", clean)
    new = tree(outputs)
    assert new != old, "the new run changed nothing"
    moments = clean["moments"]
    broken = []
    for at in _chosen(len(moments), spec["points"]):
        _reset(outputs, copy)
        result = run(new_argv, at, signum)
        left = tree(outputs)
        kept = {rel: data for rel, data in left.items() if not is_temporary(rel)}
        temporaries = sorted(rel for rel in left if is_temporary(rel))
        problem = _judge(signum, result, kept, old, new, temporaries, spec.get("together", False))
        if signum == signal.SIGKILL and problem is None:
            again = run(new_argv)
            if again.get("code") != 0 or tree(outputs) != new:
                problem = "the next run did not clean up: " + repr(
                    sorted(set(tree(outputs)) ^ set(new))
                )
        if problem:
            broken.append({"at": at, "moment": moments[at - 1], "problem": problem})
    return {"moments": len(moments), "tried": len(_chosen(len(moments), spec["points"])),
            "broken": broken}  # fmt: skip


def _judge(
    signum: int,
    result: dict[str, Any],
    kept: dict[str, Any],
    old: Any,
    new: Any,
    temps: list[str],
    together: bool = False,
) -> str | None:
    if signum == signal.SIGKILL:
        if result != {"signal": signal.SIGKILL}:
            return f"not killed: {result}"
        if not _old_or_new(kept, old, new):
            return "a half output: " + repr(_difference(kept, old, new))
        return None
    code = result.get("code", result)
    if code not in (0, 128 + signum):
        return f"exit code {code}, expected {128 + signum}"
    if temps:
        return f"temporaries left: {temps[:3]}"
    if code == 0 and kept != new:
        return "exit 0 without the new output"
    if not _old_or_new(kept, old, new):
        return "a half output: " + repr(_difference(kept, old, new))
    if together and kept not in (old, new):
        return "the old and the new release side by side: " + repr(_difference(kept, old, new))
    return None


def _old_or_new(kept: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether each output (a top-level entry: a file, or a folder as a whole) is old or new."""
    tops = {rel.split("/")[0] for rel in [*kept, *old, *new]}
    for top in tops:
        part = {rel: data for rel, data in kept.items() if rel.split("/")[0] == top}
        if part not in (_part(old, top), _part(new, top)):
            return False
    return True


def _part(found: dict[str, Any], top: str) -> dict[str, Any]:
    return {rel: data for rel, data in found.items() if rel.split("/")[0] == top}


def _difference(kept: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return sorted(rel for rel in set(kept) | set(new) if kept.get(rel) != new.get(rel))[:4]


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(json.dumps(check(json.loads(sys.argv[1]))))
