"""Atomic outputs: a failed write leaves the previous output intact."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DEFAULT_SIGINT
from kommunale_integration import OutputError, _io
from kommunale_integration._io import MANIFEST, atomic_directory, atomic_write

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")


def test_atomic_write_replaces_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out" / "bericht.html"
    atomic_write(target, "alt")
    assert target.read_text(encoding="utf-8") == "alt"
    atomic_write(target, "neu äöü")
    assert target.read_text(encoding="utf-8") == "neu äöü"
    assert [p.name for p in target.parent.iterdir()] == ["bericht.html"]


def test_failure_in_the_middle_keeps_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bericht.md"
    atomic_write(target, "previous")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, "half")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["bericht.md"], "no temporary file left"


def test_output_equal_to_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "akteure.csv"
    source.write_text("Name\nDRK\n", encoding="utf-8")
    with pytest.raises(OutputError, match="input"):
        atomic_write(source, "x", inputs=[source])
    assert source.read_text(encoding="utf-8") == "Name\nDRK\n"


def test_atomic_directory_swaps_or_keeps(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with atomic_directory(site, writer="test") as tmp:
        (tmp / "index.html").write_text("v1", encoding="utf-8")
    assert (site / "index.html").read_text(encoding="utf-8") == "v1"

    def failing_build() -> None:
        with atomic_directory(site, writer="test") as tmp:
            (tmp / "index.html").write_text("v2-half", encoding="utf-8")
            raise RuntimeError("builder failed")

    with pytest.raises(RuntimeError):
        failing_build()
    assert (site / "index.html").read_text(encoding="utf-8") == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    with atomic_directory(site, writer="test") as tmp:
        (tmp / "index.html").write_text("v2", encoding="utf-8")
    assert (site / "index.html").read_text(encoding="utf-8") == "v2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _flush_calls(
    monkeypatch: pytest.MonkeyPatch, syncfs_result: bool | None = None
) -> dict[str, int]:
    """Count the fsync and syncfs calls of the folder flush (syncfs real unless given)."""
    calls = {"fsync": 0, "syncfs": 0}
    real_fsync, real_syncfs = os.fsync, _io._syncfs

    def fsync(fd: int) -> None:
        calls["fsync"] += 1
        real_fsync(fd)

    def syncfs(root: Path) -> bool:
        calls["syncfs"] += 1
        return real_syncfs(root) if syncfs_result is None else syncfs_result

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(_io, "_syncfs", syncfs)
    return calls


def _folder_of(target: Path, files: int) -> None:
    with atomic_directory(target, writer="test") as tmp:
        for n in range(files):
            (tmp / f"{n}.html").write_text(str(n), encoding="utf-8")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux only")
def test_a_large_folder_is_flushed_with_one_syncfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _flush_calls(monkeypatch)
    # The manifest is one file more: one below the threshold, fsync file by file.
    _folder_of(tmp_path / "small", _io._SYNCFS_FROM - 2)
    assert calls == {"fsync": _io._SYNCFS_FROM - 1, "syncfs": 0}
    calls.update(fsync=0)
    _folder_of(tmp_path / "large", _io._SYNCFS_FROM - 1)
    assert calls == {"fsync": 0, "syncfs": 1}
    assert len(list((tmp_path / "large").iterdir())) == _io._SYNCFS_FROM


def test_without_syncfs_every_file_is_flushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _flush_calls(monkeypatch, syncfs_result=False)
    _folder_of(tmp_path / "site", _io._SYNCFS_FROM + 5)
    assert calls == {"fsync": _io._SYNCFS_FROM + 6, "syncfs": 1}


@pytest.mark.parametrize(("files", "broken"), [(3, "fsync"), (_io._SYNCFS_FROM, "_syncfs")])
def test_a_disk_error_in_the_flush_keeps_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: int, broken: str
) -> None:
    site = tmp_path / "site"
    _folder_of(site, 3)

    def disk_error(arg: object) -> bool:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os if broken == "fsync" else _io, broken, disk_error)
    with pytest.raises(OSError, match="Input/output error"):
        _folder_of(site, files)
    assert sorted(p.name for p in site.iterdir()) == [MANIFEST, "0.html", "1.html", "2.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux only")
@pytest.mark.parametrize(("code", "fallback"), [(1, True), (38, True), (5, False)])
def test_syncfs_refused_falls_back_and_a_disk_error_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, fallback: bool
) -> None:
    import ctypes

    class Libc:
        def syncfs(self, fd: int) -> int:
            ctypes.set_errno(code)
            return -1

    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: Libc())
    if fallback:  # EPERM, ENOSYS (a sandbox): flush file by file instead
        assert _io._syncfs(tmp_path) is False
    else:
        with pytest.raises(OSError, match="Input/output error") as error:
            _io._syncfs(tmp_path)
        assert error.value.errno == code


def test_atomic_directory_refuses_to_swallow_inputs(tmp_path: Path) -> None:
    inputs = tmp_path / "konzept"
    inputs.mkdir()
    with pytest.raises(OutputError), atomic_directory(tmp_path, writer="test", inputs=[inputs]):
        pass


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        target = atomic_write(tmp_path / "bericht.html", "x")
        assert target.stat().st_mode & 0o777 == 0o644
        target.chmod(0o640)
        atomic_write(target, "y")
        assert target.stat().st_mode & 0o777 == 0o640, "the replaced file's mode is kept"
    finally:
        os.umask(umask)


@pytest.mark.skipif(os.name != "posix", reason="set-user-ID and set-group-ID bits")
def test_a_replaced_file_does_not_keep_set_id_bits(tmp_path: Path) -> None:
    # the new version of a file that ran with its owner's rights carried them over:
    # a report, a table is no program (the system clears them on a write, too)
    target = atomic_write(tmp_path / "kennzahlen.csv", "a")
    target.chmod(0o7750)
    atomic_write(target, "b")
    assert target.stat().st_mode & 0o7777 == 0o750, "the permission bits are kept"


@pytest.mark.parametrize("end", [os.sep, os.sep + ".", os.sep * 2])
def test_a_file_name_that_names_a_folder_is_refused(tmp_path: Path, end: str) -> None:
    # --output nb.html/ wrote the file nb.html: Path drops the separator. A file output
    # whose name ends like a folder's is refused, before any work where a command checks
    # its outputs first, and by every writer of a single file
    from helpers import small_concept
    from kommunale_integration import save_concept, write_table

    for name in ("nb.html", "konzept.yaml", "akteure.csv"):
        with pytest.raises(OutputError, match=r"names a folder .*nothing was written"):
            _io.check_outputs([str(tmp_path / name) + end])
    with pytest.raises(OutputError, match="names a folder"):
        atomic_write(str(tmp_path / "nb.html") + end, "x")
    with pytest.raises(OutputError, match="names a folder"):
        save_concept(small_concept(), str(tmp_path / "konzept.yaml") + end)
    with pytest.raises(OutputError, match="names a folder"):
        write_table([], str(tmp_path / "akteure.csv") + end, "actors")
    assert list(tmp_path.iterdir()) == []
    save_concept(small_concept(), str(tmp_path / "konzept") + end)  # a concept folder
    assert (tmp_path / "konzept" / "konzept.yaml").is_file()


def test_new_folders_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with atomic_directory(tmp_path / "site", writer="test") as tmp:
            (tmp / "index.html").write_text("x", encoding="utf-8")
        assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755
    finally:
        os.umask(umask)


def test_a_write_protected_file_is_not_replaced(tmp_path: Path) -> None:
    """A report the user marked read-only (as sent to the council) was replaced
    silently on Linux: a rename ignores the file's own permissions (Windows refuses). It
    is refused by its permission bits, so also when the run is root's (CI, a server's
    job), where a check of access rights would let it through."""
    target = atomic_write(tmp_path / "bericht.html", "sent to the council")
    target.chmod(0o444)
    try:
        with pytest.raises(OutputError, match="write-protected; nothing was written"):
            atomic_write(target, "new")
        assert target.read_text(encoding="utf-8") == "sent to the council"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bericht.html"]
        target.chmod(0o644)
        atomic_write(target, "new")  # protection removed: written
        assert target.read_text(encoding="utf-8") == "new"
    finally:
        target.chmod(0o644)


@pytest.mark.skipif(os.name != "posix", reason="a folder's read-only flag customises it on Windows")
def test_a_write_protected_folder_is_not_written_into(tmp_path: Path) -> None:
    """``chmod 555 out``: a non-root run got "keine Berechtigung", a root run wrote into
    it. Both are refused, naming the folder, for a file, a folder output and a folder
    further down (created by nobody); the protected output folder itself likewise."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "alt.html").write_text("keep", encoding="utf-8")
    site = tmp_path / "site"
    with atomic_directory(site, writer="test") as tmp:
        (tmp / "index.html").write_text("old", encoding="utf-8")
    out.chmod(0o555)
    site.chmod(0o555)
    try:
        for write in (
            lambda: atomic_write(out / "bericht.html", "x"),
            lambda: atomic_write(out / "neu" / "tief" / "bericht.html", "x"),
        ):
            with pytest.raises(OutputError, match=f"the folder {out} is write-protected"):
                write()
        protected = pytest.raises(OutputError, match=f"the folder {out} is write-protected")
        with protected, atomic_directory(out / "hsds", writer="test"):
            pass
        protected = pytest.raises(OutputError, match="site is write-protected")
        with protected, atomic_directory(site, writer="test") as tmp:
            (tmp / "index.html").write_text("new", encoding="utf-8")
    finally:
        out.chmod(0o755)
        site.chmod(0o755)
    assert sorted(p.name for p in out.iterdir()) == ["alt.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


# --------------------------------------------------------------------------- folders


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(target: Path, version: str, writer: str = "test") -> None:
    with atomic_directory(target, writer=writer) as tmp:
        (tmp / "version.txt").write_text(version, encoding="utf-8")
        (tmp / "sub").mkdir()
        (tmp / "sub" / "a.txt").write_text(version, encoding="utf-8")


def test_a_folder_with_foreign_files_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "docs"
    (target / "sub").mkdir(parents=True)
    (target / "notizen.txt").write_text("mine", encoding="utf-8")
    (target / "sub" / "haushalt.xlsx").write_text("mine", encoding="utf-8")
    before = _tree(target)
    with pytest.raises(OutputError, match="not empty"):
        _build(target, "v1")
    assert _tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"], "no temporary left"


def test_an_empty_folder_and_the_own_folder_are_replaced(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.mkdir()
    _build(target, "v1")
    assert _tree(target)["version.txt"] == "v1"
    manifest = (target / MANIFEST).read_text(encoding="utf-8")
    assert '"sub/a.txt"' in manifest
    _build(target, "v2")
    assert _tree(target)["version.txt"] == "v2"
    # a file added by hand afterwards is not the writer's: refused, kept
    (target / "sub" / "eigene.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"sub/eigene\.txt"):
        _build(target, "v3")
    assert _tree(target)["sub/eigene.txt"] == "mine"
    assert _tree(target)["version.txt"] == "v2"


def test_a_folder_of_another_writer_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    _build(target, "v1", writer="build_directory")
    with pytest.raises(OutputError, match="written by build_directory, not by export_hsds"):
        _build(target, "v2", writer="export_hsds")
    assert _tree(target)["version.txt"] == "v1"


def test_a_forged_or_broken_manifest_does_not_open_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "precious.docx").write_text("mine", encoding="utf-8")
    for text in ("{", '{"writer": "test"}', '{"writer": "test", "files": [1]}', "[]"):
        (target / MANIFEST).write_text(text, encoding="utf-8")
        with pytest.raises(OutputError):
            _build(target, "v1")
    (target / MANIFEST).write_text('{"writer": "test", "files": []}', encoding="utf-8")
    with pytest.raises(OutputError, match=r"precious\.docx"):
        _build(target, "v1")
    assert (target / "precious.docx").read_text(encoding="utf-8") == "mine"


def test_a_symbolic_link_as_output_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(OutputError, match="symbolic link"):
        _build(tmp_path / "link", "v1")


@pytest.mark.parametrize("output", [".", "..", "", "../site"])
def test_the_working_folder_or_one_holding_it_is_no_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    """``directory --output .`` (or ``--output "$OUT"`` with OUT unset) tried to swap
    the working folder and failed with "device or resource busy"; ``--output ../site``
    from inside ``site`` swapped it away under the shell. Each is refused before anything
    is written; the folder and what it holds stay."""
    site = tmp_path / "site"
    _build(site, "v1")
    monkeypatch.chdir(site)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(OutputError, match="is the current folder or holds it"):
        _build(Path(output), "v2")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert (site / "version.txt").read_text(encoding="utf-8") == "v1"
    # A new folder inside it is fine.
    _build(Path("neu"), "v2")
    assert (site / "neu" / "version.txt").read_text(encoding="utf-8") == "v2"


# --------------------------------------------------------------------------- inputs


def _concept_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "konzept.yaml").write_text(
        "id: k\ntitle: K\nterritory: '05558'\ntables:\n  offers: daten/kurse.csv\n",
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize(
    "name",
    [
        "konzept.yaml",
        "konzept.json",
        "konzept.toml",
        "akteure.csv",
        "massnahmen.csv",
        "sitzungen.xlsx",
        "kennzahlwerte.csv",
        "daten/kurse.csv",
    ],
)
def test_no_output_where_the_loader_reads_the_concept(tmp_path: Path, name: str) -> None:
    folder = _concept_folder(tmp_path / "K")
    before = _tree(folder)
    with pytest.raises(OutputError, match="load_concept reads it"):
        atomic_write(folder / name, "x")  # no inputs named: the check finds the concept
    with pytest.raises(OutputError):
        _build(folder / name, "v1")
    assert _tree(folder) == before


def test_other_outputs_inside_a_concept_folder_are_allowed(tmp_path: Path) -> None:
    folder = _concept_folder(tmp_path / "K")
    atomic_write(folder / "bericht.html", "ok")
    atomic_write(folder / "export" / "akteure.csv", "ok")  # not read: not a concept folder
    assert (folder / "bericht.html").read_text(encoding="utf-8") == "ok"


def test_write_ics_is_atomic_and_refuses_the_concept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("icalendar")
    import datetime as dt

    from kommunale_integration import MeetingSchedule, ReportPeriod, write_ics

    schedule = MeetingSchedule(rrule="FREQ=MONTHLY;INTERVAL=3", dtstart=dt.date(2026, 1, 15))
    folder = _concept_folder(tmp_path / "K")
    before = _tree(folder)
    period = ReportPeriod.parse("2026")
    with pytest.raises(OutputError):
        write_ics(schedule, folder / "konzept.yaml", period, network_id="ag", summary="AG")
    assert _tree(folder) == before
    target = tmp_path / "ag.ics"
    write_ics(schedule, target, period, network_id="ag", summary="alt")
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "EIO")))
    with pytest.raises(OSError, match="EIO"):
        write_ics(schedule, target, period, network_id="ag", summary="neu")
    assert b"SUMMARY:alt" in target.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["K", "ag.ics"]


_ICS_INJECTION = """
import datetime as dt
from kommunale_integration import MeetingSchedule, ReportPeriod, to_ics
schedule = MeetingSchedule(rrule="FREQ=MONTHLY;INTERVAL=3", dtstart=dt.date(2026, 1, 15))
evil = "AG\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\r\\nSUMMARY:Fake\\nX\\rY\\x0bZ\\u2028W"
data = to_ics(schedule, ReportPeriod.parse("2026"), network_id="ag\\r\\nX:1", summary=evil,
              location=evil, description=evil, uid_domain="d\\nX:2",
              dtstamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
lines = data.split(b"\\r\\n")
assert lines.count(b"BEGIN:VEVENT") == 4, lines
assert not any(line.startswith((b"SUMMARY:Fake", b"X:", b"END:VCALENDAR")) for line in lines[:-2])
assert not any(b"\\r" in line or b"\\n" in line or b"\\x0b" in line for line in lines)
print("ok")
"""


@pytest.mark.parametrize("optimise", [[], ["-O"]])
def test_ics_values_cannot_inject_lines_even_without_asserts(optimise: list[str]) -> None:
    pytest.importorskip("icalendar")
    result = subprocess.run(
        [sys.executable, *optimise, "-c", _ICS_INJECTION],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --------------------------------------------------------------------------- killed runs

_KILLER = """
import os, signal, sys
from pathlib import Path
from kommunale_integration import _io

target, version, kill_at, protocol, how = sys.argv[1:]
kill_at = int(kill_at)
events = 0

def step():
    global events
    events += 1
    if events == kill_at:
        os.kill(os.getpid(), getattr(signal, how))

def hooked(real):
    def call(*args, **kwargs):
        step()                      # before the rename
        result = real(*args, **kwargs)
        step()                      # after it
        return result
    return call

_io._rename = hooked(_io._rename)
_io._exchange = hooked(_io._exchange)
if protocol == "two-renames":
    _io._renameat2 = lambda: None
with _io.atomic_directory(target, writer="test") as tmp:
    (tmp / "version.txt").write_text(version, encoding="utf-8")
    (tmp / "sub").mkdir()
    (tmp / "sub" / "a.txt").write_text(version, encoding="utf-8")
print(events)
"""


def _run_killer(
    target: Path, version: str, kill_at: int, protocol: str, how: str = "SIGKILL"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            DEFAULT_SIGINT + _KILLER,
            str(target),
            version,
            str(kill_at),
            protocol,
            how,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("protocol", ["exchange", "two-renames"])
@pytest.mark.parametrize("existing", [True, False])
def test_sigkill_at_every_rename_leaves_old_or_new_and_the_next_run_clean(
    tmp_path: Path, protocol: str, existing: bool
) -> None:
    if protocol == "exchange" and _io._renameat2() is None:
        pytest.skip("renameat2 is Linux only; the two-rename protocol is tested everywhere")
    target = tmp_path / "site"
    if existing:
        _build(target, "old")
    clean = _run_killer(target, "probe", 0, protocol)
    assert clean.returncode == 0, clean.stderr
    events = int(clean.stdout)
    # a new folder: one rename; over an old one: one exchange, or (after the exchange
    # was found unsupported) two renames
    assert events == (6 if existing and protocol == "two-renames" else 2)
    for kill_at in range(1, events + 1):
        shutil.rmtree(target)
        if existing:
            _build(target, "old")
        killed = _run_killer(target, "new", kill_at, protocol)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        if existing and not target.exists():
            # only the two-rename protocol has a moment without the folder: between the
            # renames; the next run rolls it back (below)
            assert protocol == "two-renames"
            assert kill_at in (4, 5)  # after the first rename, before the second
        elif existing or target.exists():
            tree = _tree(target)
            assert tree["version.txt"] in {"old", "new"}, (kill_at, tree)
            assert tree["sub/a.txt"] == tree["version.txt"], "a whole folder, never a mix"
        # the next run finishes the work: no temporaries, the new output in place
        _build(target, "next")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], kill_at
        assert _tree(target)["version.txt"] == "next"


def test_a_half_swap_is_rolled_back_by_the_next_run(tmp_path: Path) -> None:
    target = tmp_path / "site"
    _build(target, "old")
    killed = _run_killer(target, "new", 4, "two-renames")  # after the old moved aside
    assert killed.returncode == -signal.SIGKILL
    assert not target.exists()
    stale = [p.name for p in tmp_path.iterdir()]
    assert len(stale) == 2, stale  # the old folder aside, the complete new one
    # any write to the same target first puts the old folder back
    with pytest.raises(RuntimeError), atomic_directory(target, writer="test"):
        raise RuntimeError("the next build fails")
    assert _tree(target)["version.txt"] == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_temporaries_of_a_running_process_are_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "site"
    other = tmp_path / f".site.ki-new-{os.getppid()}-abcd"
    other.mkdir()
    _build(target, "v1")
    assert other.exists(), "the parent process still runs: its temporary stays"


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_a_signal_during_the_swap_is_delivered_after_it(tmp_path: Path, how: str) -> None:
    target = tmp_path / "site"
    _build(target, "old")
    # the signal arrives right before the exchange: it waits until the swap is done
    result = _run_killer(target, "new", 1, "exchange", how)
    assert result.returncode == -getattr(signal, how) or result.returncode == 1, result.stderr
    assert _tree(target)["version.txt"] == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "the old folder is gone"


_CLI_SIGNAL = """
import os, signal, sys
from kommunale_integration import _io
from kommunale_integration._cli import main

where, how, concept, output = sys.argv[1:]
name = "_exchange" if where == "swap" else "_write_manifest"
real = getattr(_io, name)

def signalled(*args, **kwargs):
    os.kill(os.getpid(), getattr(signal, how))
    return real(*args, **kwargs)

setattr(_io, name, signalled)
sys.exit(main(["directory", concept, "--output", output, "--lang", "de"]))
"""


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("where", ["build", "swap"])
def test_the_command_line_says_truthfully_what_an_interrupt_left(
    tmp_path: Path, how: str, where: str
) -> None:
    import kommunale_integration as ki

    concept = tmp_path / "k.yaml"
    small = ki.Concept(id="k", title="K", territory="05558", actors=(ki.Actor(id="a", name="A"),))
    concept.write_text(ki.dumps_yaml(small), encoding="utf-8")
    output = tmp_path / "site"
    first = subprocess.run(
        [sys.executable, "-m", "kommunale_integration", "directory", str(concept), "--output",
         str(output), "--lang", "de"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    (output / "index.html").write_text("old", encoding="utf-8")
    manifest = (output / MANIFEST).read_text(encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", DEFAULT_SIGINT + _CLI_SIGNAL, where, how, str(concept), str(output)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    assert result.returncode == (143 if how == "SIGTERM" else 130), result.stderr
    index = (output / "index.html").read_text(encoding="utf-8")
    if where == "build":
        assert "no output was changed" in result.stderr
        assert index == "old"
        assert (output / MANIFEST).read_text(encoding="utf-8") == manifest
    else:
        assert f"written completely before: {output}" in result.stderr
        assert index != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.yaml", "site"]


def test_a_file_on_the_way_to_the_output_is_named(tmp_path: Path) -> None:
    """``--output bericht.csv/x.html`` where bericht.csv is a file: the message says
    that it is a file (it said "a file or folder of this name already exists")."""
    blocker = tmp_path / "bericht.csv"
    blocker.write_bytes(b"keep")
    for target in (blocker / "x.html", blocker / "sub" / "x.html"):
        with pytest.raises(OutputError, match=r"bericht\.csv is a file, not a folder"):
            atomic_write(target, "x")
    with (
        pytest.raises(OutputError, match=r"bericht\.csv is a file, not a folder"),
        atomic_directory(blocker / "site", writer="test"),
    ):
        pass
    assert blocker.read_bytes() == b"keep"
    assert atomic_write(tmp_path / "neu" / "unter" / "x.html", "x").read_text() == "x"


# --------------------------------------------------------------------------- one release


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text("utf-8") if p.is_file() else "/"
        for p in sorted(folder.rglob("*"))
    }


def _old_release(tmp_path: Path) -> None:
    atomic_write(tmp_path / "table.csv", "old")
    with atomic_directory(tmp_path / "paket", writer="t") as new:
        (new / "data.csv").write_text("old", "utf-8")


def test_outputs_written_together_are_put_in_place_at_the_end(tmp_path: Path) -> None:
    _old_release(tmp_path)
    _io.forget_outputs()
    with _io.written_together():
        atomic_write(tmp_path / "table.csv", "new")
        with atomic_directory(tmp_path / "paket", writer="t") as new:
            (new / "data.csv").write_text("new", "utf-8")
            atomic_write(new / "inside.txt", "new")  # part of the folder: at once
            assert (new / "inside.txt").read_text("utf-8") == "new"
        # nothing is in place before the end of the block
        assert (tmp_path / "table.csv").read_text("utf-8") == "old"
        assert (tmp_path / "paket" / "data.csv").read_text("utf-8") == "old"
        assert _io.outputs_written() == ()
    assert (tmp_path / "table.csv").read_text("utf-8") == "new"
    assert (tmp_path / "paket" / "data.csv").read_text("utf-8") == "new"
    assert (tmp_path / "paket" / "inside.txt").read_text("utf-8") == "new"
    assert set(_io.outputs_written()) == {tmp_path / "table.csv", tmp_path / "paket"}
    assert not [p for p in tmp_path.iterdir() if ".ki-" in p.name]


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_an_error_in_a_release_changes_nothing_and_leaves_no_temporary(
    tmp_path: Path, error: type[BaseException]
) -> None:
    _old_release(tmp_path)
    before = _tree(tmp_path)

    def release() -> None:
        with _io.written_together():
            atomic_write(tmp_path / "table.csv", "new")
            with atomic_directory(tmp_path / "paket", writer="t") as new:
                (new / "data.csv").write_text("new", "utf-8")
            atomic_write(tmp_path / "more.csv", "new")
            raise error

    with pytest.raises(error):
        release()
    assert _tree(tmp_path) == before


def test_a_failed_rename_in_a_release_removes_the_temporaries_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_release(tmp_path)
    real = _io._swap

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_io, "_swap", full)

    def release() -> None:
        with _io.written_together():
            with atomic_directory(tmp_path / "paket", writer="t") as new:
                (new / "data.csv").write_text("new", "utf-8")
            atomic_write(tmp_path / "table.csv", "new")

    with pytest.raises(OSError, match="No space left"):
        release()
    monkeypatch.setattr(_io, "_swap", real)
    assert (tmp_path / "table.csv").read_text("utf-8") == "old"
    assert not [p for p in tmp_path.iterdir() if ".ki-" in p.name]
