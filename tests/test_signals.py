"""Signals while the command line writes: SIGTERM, SIGINT and SIGHUP end a command with
its exit code, leave every output old or new and no temporary; SIGKILL leaves at most a
temporary named after the output, which the next run removes.

The commands are stopped at many moments of their writing by ``tests/signal_harness.py``
(forked children of one process: milliseconds per run instead of a second)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import DEFAULT_SIGINT
from kommunale_integration._io import atomic_directory

pytestmark = [
    pytest.mark.usefixtures("english_messages"),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the harness forks (POSIX)"),
]

EXAMPLE = Path(__file__).parent.parent / "examples" / "stadt_coesfeld"
HARNESS = Path(__file__).parent / "signal_harness.py"


@pytest.fixture(scope="module")
def concepts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example (v1) and a second version of it with another title, actor name and
    offer name (v2)."""
    root = tmp_path_factory.mktemp("concepts")
    first, second = root / "v1", root / "v2"
    shutil.copytree(EXAMPLE, first)
    shutil.copytree(EXAMPLE, second)
    text = (second / "konzept.yaml").read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    (second / "konzept.yaml").write_text(text.replace(title, 'title: "Zweite Fassung"'), "utf-8")
    actors = (second / "akteure.csv").read_text("utf-8")
    assert ";DRK Coesfeld;" in actors
    (second / "akteure.csv").write_text(actors.replace(";DRK Coesfeld;", ";DRK Kreis;"), "utf-8")
    offers = (second / "angebote.csv").read_text("utf-8")
    assert ";Sprachtreff;" in offers
    (second / "angebote.csv").write_text(offers.replace(";Sprachtreff;", ";Sprachcafé;"), "utf-8")
    return first, second


@pytest.fixture
def outputs(tmp_path: Path) -> Iterator[Path]:
    """A folder for the outputs: in memory (``/dev/shm``) where there is one, as its
    ``fsync`` costs nothing (the rename protocol is the same); else in *tmp_path*."""
    memory = Path("/dev/shm")
    if memory.is_dir() and os.access(memory, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="ki-signals-", dir=memory))
        try:
            yield folder / "out"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path / "out"


def _harness(
    how: str,
    old: list[str] | None,
    new: list[str],
    outputs: Path,
    points: int,
    prelude: str = "",
    together: bool = False,
) -> dict:
    spec = {"signal": how, "old": old, "new": new, "outputs": str(outputs), "points": points,
            "prelude": prelude, "together": together}  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(HARNESS), json.dumps(spec)],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _commands(
    v1: Path, v2: Path, out: Path, case: Path
) -> dict[str, tuple[list[str] | None, list[str]]]:
    """Per command: the command line of the old outputs (None: none) and of the new ones."""
    cases = ["--cases", str(case / "cases.csv"), "--events", str(case / "events.csv")]
    indicators = ["indicators", str(v1), "--only", *cases, "--workers", "1",
                  "--output", str(out / "i.json"), "--datapackage", str(out / "paket"),
                  "--audit", str(out / "pruefprotokoll-intern.csv")]  # fmt: skip
    pairs = {
        "report-html": ["report", "{v}", "--period", "2025", "--output", str(out / "b.html")],
        "report-docx": ["report", "{v}", "--period", "2025", "--output", str(out / "b.docx")],
        "directory": ["directory", "{v}", "--output", str(out / "site")],
        "calendar": ["calendar", "{v}", "--output", str(out / "cal")],
        "export-hsds": ["export", "hsds", "{v}", "--output", str(out / "hsds")],
        "convert-folder": ["convert", "{v}", str(out / "konzept")],
        "convert-file": ["convert", "{v}", str(out / "k.yaml")],
        "diff": ["diff", str(v1), "{v}", "--output", str(out / "d.html")],
    }
    result: dict[str, tuple[list[str] | None, list[str]]] = {
        name: ([w.replace("{v}", str(v1)) for w in argv], [w.replace("{v}", str(v2)) for w in argv])
        for name, argv in pairs.items()
    }
    result["indicators"] = ([*indicators, "--period", "2024"], [*indicators, "--period", "2025"])
    result["init"] = (None, ["init", str(out / "neu"), "--ags", "05558012"])
    return result


COMMANDS = [
    "report-html", "report-docx", "directory", "calendar", "export-hsds", "convert-folder",
    "convert-file", "diff", "indicators", "init",
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_sigterm_at_any_moment_of_writing_leaves_old_or_new_and_no_temporary(
    concepts: tuple[Path, Path], outputs: Path, command: str
) -> None:
    old, new = _commands(*concepts, outputs, EXAMPLE)[command]
    found = _harness("SIGTERM", old, new, outputs, points=3)
    assert found["tried"] >= 6 or found["tried"] == found["moments"]
    assert found["broken"] == [], found


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_the_outputs_of_one_release_are_all_old_or_all_new_after_an_interrupt(
    concepts: tuple[Path, Path], outputs: Path, how: str
) -> None:
    # indicators --output --datapackage --audit is one release (one pattern of suppressed
    # cells): a SIGTERM after the data package was renamed into place left it beside the
    # previous release's table and audit (7 of 15 moments); now the three are put in
    # place together, with the signals held back between the renames
    old, new = _commands(*concepts, outputs, EXAMPLE)["indicators"]
    found = _harness(how, old, new, outputs, points=12, together=True)
    assert found["tried"] >= 12 or found["tried"] == found["moments"]
    assert found["broken"] == [], found


@pytest.mark.parametrize("how", ["SIGINT", "SIGHUP"])
@pytest.mark.parametrize("command", ["convert-file", "convert-folder"])
def test_ctrl_c_and_a_closed_terminal_end_a_command_as_cleanly(
    concepts: tuple[Path, Path], outputs: Path, command: str, how: str
) -> None:
    # SIGHUP (the terminal or SSH session closed) killed the command with a temporary
    # left beside the output; now it ends it like SIGTERM, with exit code 129
    old, new = _commands(*concepts, outputs, EXAMPLE)[command]
    found = _harness(how, old, new, outputs, points=3)
    assert found["broken"] == [], found


@pytest.mark.parametrize("command", ["report-html", "convert-folder"])
def test_sigkill_at_any_moment_leaves_only_named_temporaries_the_next_run_removes(
    concepts: tuple[Path, Path], outputs: Path, command: str
) -> None:
    old, new = _commands(*concepts, outputs, EXAMPLE)[command]
    found = _harness("SIGKILL", old, new, outputs, points=3)
    assert found["broken"] == [], found


def test_the_harness_catches_a_temporary_left_behind(
    concepts: tuple[Path, Path], outputs: Path
) -> None:
    """The harness itself can fail: with signals no longer held while ``atomic_write``
    makes its temporary (the state before this session's fix), a SIGTERM right after
    ``mkstemp`` created the file, before the clean-up knew its name, leaves it behind."""
    new = _commands(*concepts, outputs, EXAMPLE)["convert-file"][1]
    unheld = (
        "import contextlib\nfrom kommunale_integration import _io\n"
        "_io.held = lambda **_: contextlib.nullcontext([])\n"
    )
    found = _harness("SIGTERM", None, new, outputs, points=10_000, prelude=unheld)
    assert found["tried"] == found["moments"]
    assert any("temporaries left" in b["problem"] for b in found["broken"]), found


# --------------------------------------------------------------------------- in this process


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt in this process (also when the suite runs in the
    background, where SIGINT is ignored)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("ctrl_c")
def test_a_second_ctrl_c_does_not_cut_the_removal_of_the_new_folder_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # removing a large new folder after the first Ctrl-C takes a while; a second Ctrl-C
    # then stopped the removal and left the half folder behind
    real = shutil.rmtree

    def rmtree_meets_a_second_ctrl_c(path: Path, *args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        real(path, *args, **kwargs)  # type: ignore[arg-type]

    def build() -> None:
        with atomic_directory(tmp_path / "site", writer="t") as new:
            for number in range(50):
                (new / f"{number}.html").write_text("x", encoding="utf-8")
            raise KeyboardInterrupt  # the first Ctrl-C, while the folder is built

    monkeypatch.setattr(shutil, "rmtree", rmtree_meets_a_second_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        build()
    assert list(tmp_path.iterdir()) == []


#: A program that runs the command line as its entry point does (``main()`` reading
#: ``sys.argv``) and sends itself Ctrl-C before the command (while its options are
#: read) or after it: while its logging ends (``_reader_gone`` is the last step of
#: ``main``), or at exit.
LATE_CTRL_C = """
import atexit, os, signal, sys
from kommunale_integration import _cli
sys.argv = ["kommunale-integration", "--lang", "en", *sys.argv[2:]]
if sys.argv_when == "before the command":
    real_parser = _cli.build_parser
    def early():
        os.kill(os.getpid(), signal.SIGINT)
        return real_parser()
    _cli.build_parser = early
elif sys.argv_when == "after the command":
    real = _cli._reader_gone
    def late(**kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return real(**kwargs)
    _cli._reader_gone = late
else:
    atexit.register(os.kill, os.getpid(), signal.SIGINT)
sys.exit(_cli.main())
"""


@pytest.mark.parametrize(
    ("when", "code"), [("before the command", 130), ("after the command", 130), ("at exit", -2)]
)
def test_a_ctrl_c_just_before_or_after_the_command_prints_no_traceback(
    tmp_path: Path, when: str, code: int
) -> None:
    # Ctrl-C right after "written: b.html" printed Python's traceback of a
    # KeyboardInterrupt in the end of the logging, or in a function run at exit; and
    # while the options were read (the command modules imported), before the command
    program = DEFAULT_SIGINT + LATE_CTRL_C.replace("sys.argv_when", repr(when))
    argv = ["report", str(EXAMPLE), "--period", "2025", "--output", str(tmp_path / "b.html")]
    done = subprocess.run(
        [sys.executable, "-c", program, "-", *argv],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    assert "KeyboardInterrupt" not in done.stderr, done.stderr
    assert done.returncode == code, done.stderr
    assert (tmp_path / "b.html").is_file() is (when != "before the command")
    if when == "after the command":
        assert "these outputs were written completely before" in done.stderr
    if when == "before the command":
        assert "interrupted; no output was changed" in done.stderr


#: Put on ``PYTHONPATH`` as ``sitecustomize.py``: runs before the program, and sends the
#: process the signal ``KI_SIGNAL`` at the ``KI_AT``-th module import (an audit event)
#: from the first one of the library on; ``KI_AT=0`` prints how many there were.
SIGNAL_AT_IMPORT = """
import atexit, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # (a suite in the background)
count = 0
at = int(os.environ["KI_AT"])
def hook(event, args):
    global count
    if event != "import" or (not count and not str(args[0]).startswith("kommunale_integration")):
        return
    count += 1
    if count == at:
        os.kill(os.getpid(), int(os.environ["KI_SIGNAL"]))
sys.addaudithook(hook)
if not at:
    atexit.register(lambda: print(f"imports={count}", file=sys.stderr))
"""


def _program() -> str:
    """The program ``kommunale-integration`` as the installer writes it, from the entry
    point that ``pyproject.toml`` declares."""
    import tomllib

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    module, _, function = project["project"]["scripts"]["kommunale-integration"].partition(":")
    return f"import sys\nfrom {module} import {function}\nsys.exit({function}())\n"


def _start_with_signal(folder: Path, at: int, signum: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KI_AT": str(at), "KI_SIGNAL": str(signum)}
    env["PYTHONPATH"] = os.pathsep.join([str(folder), *sys.path])
    return subprocess.run(
        [sys.executable, "-c", _program(), "--lang", "en", "--version"],
        capture_output=True, text=True, check=False, timeout=300, env=env,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, -signal.SIGTERM)]
)
def test_a_signal_while_the_program_imports_the_library_prints_no_traceback(
    tmp_path: Path, signum: int, code: int
) -> None:
    # Ctrl-C in the first 0.3–0.9 s printed a KeyboardInterrupt traceback: the program
    # imported the library before anything handled it. Now the signal waits until the
    # command line handles it: "no output was changed", 130 (SIGTERM: ended by it)
    (tmp_path / "sitecustomize.py").write_text(SIGNAL_AT_IMPORT, encoding="utf-8")
    counted = _start_with_signal(tmp_path, 0, signum)
    assert counted.returncode == 0, counted.stderr
    total = int(counted.stderr.rpartition("imports=")[2])
    assert total > 100  # (the library, its command line and the command modules)
    moments = sorted({1, 2, *range(3, total + 1, max(1, total // (10 if code > 0 else 3)))})
    for at in moments:
        done = _start_with_signal(tmp_path, at, signum)
        assert "Traceback" not in done.stderr, (at, done.stderr)
        assert "KeyboardInterrupt" not in done.stderr, (at, done.stderr)
        assert done.returncode == code, (at, done.stderr)
        if signum == signal.SIGINT:
            assert "interrupted; no output was changed" in done.stderr, (at, done.stderr)


def test_the_program_blocks_the_signals_the_command_line_ends_on() -> None:
    # the entry cannot import the library's list of ending signals (it runs before the
    # library is imported): its own copy must not drift
    import _kommunale_integration_cli
    from kommunale_integration._signals import ENDING

    assert _kommunale_integration_cli._ENDING == ENDING


def test_python_m_runs_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kommunale_integration", "--lang", "en", "territories", "find",
         "Wettringen"], capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "05566096" in done.stdout


def test_an_ignored_sighup_stays_ignored_nohup() -> None:
    from kommunale_integration._cli import _sigterm_as_interrupt

    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with _sigterm_as_interrupt():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        with _sigterm_as_interrupt():
            assert callable(signal.getsignal(signal.SIGHUP))
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, before)


# --------------------------------------------------------------------------- a long solve


def _long_program() -> object:
    """A HiGHS instance with a random linear program of a few hundred iterations."""
    import highspy
    import numpy as np

    from kommunale_integration._engine._protection import _highs

    rng = np.random.default_rng(7)
    n = 400
    solver = _highs()
    solver.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
    starts, index, value = [0], [], []
    for _ in range(n):
        columns = np.sort(rng.choice(n, size=20, replace=False))
        index.extend(columns.tolist())
        value.extend(rng.random(20).tolist())
        starts.append(len(index))
    solver.addRows(
        n, np.full(n, -highspy.kHighsInf), rng.random(n) * 10 + 1, len(index),
        np.array(starts[:-1], dtype=np.int32), np.array(index, dtype=np.int32), np.array(value),
    )  # fmt: skip
    solver.changeColsCost(n, np.arange(n, dtype=np.int32), -rng.random(n))
    return solver


def _signal_at_iteration(solver: object, signum: int, iteration: int = 5) -> list[int]:
    """Send *signum* to this process at the solver's *iteration*; the iterations seen."""
    seen: list[int] = []

    def count(event: object) -> None:
        seen.append(1)
        if len(seen) == iteration:
            os.kill(os.getpid(), signum)

    solver.cbSimplexInterrupt.subscribe(count)  # type: ignore[attr-defined]
    return seen


@pytest.mark.usefixtures("ctrl_c")
def test_ctrl_c_stops_a_long_solve_at_its_next_iteration() -> None:
    # a Python handler runs only between calls into HiGHS: Ctrl-C or SIGTERM during
    # one long solve (the exact audit of a large block) waited until it ended
    from kommunale_integration._engine._protection import _run

    solver = _long_program()
    seen = _signal_at_iteration(solver, signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        _run(solver)
    assert str(solver.getModelStatus()).endswith("kInterrupt")  # type: ignore[attr-defined]
    assert len(seen) < 10
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # the solver is left without the interrupt callback
    assert all(not getattr(solver, name).callbacks for name in ("cbIpmInterrupt", "cbMipInterrupt"))


def test_a_handler_that_returns_lets_the_solve_finish() -> None:
    from kommunale_integration._engine._protection import _run

    calls: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))
    try:
        solver = _long_program()
        seen = _signal_at_iteration(solver, signal.SIGINT)
        _run(solver)
    finally:
        signal.signal(signal.SIGINT, before)
    assert calls == [signal.SIGINT]
    assert str(solver.getModelStatus()).endswith("kOptimal")  # type: ignore[attr-defined]
    assert len(seen) > 10


def test_a_worker_without_python_handlers_runs_the_solver_untouched() -> None:
    # a worker ignores Ctrl-C and dies at SIGTERM (the default, also inside HiGHS):
    # nothing is held, and a Ctrl-C does not interrupt its solve
    from kommunale_integration._engine._protection import _run

    saved = {
        kind: signal.getsignal(kind) for kind in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        solver = _long_program()
        _signal_at_iteration(solver, signal.SIGINT)
        _run(solver)
    finally:
        for kind, handler in saved.items():
            signal.signal(kind, handler)
    assert str(solver.getModelStatus()).endswith("kOptimal")  # type: ignore[attr-defined]
