"""Nothing lost: no command overwrites an input, changes an input, or half-replaces an output.

Every command that writes files is run (1) with its output pointing at one of its inputs
(refused with exit code 2, the input unchanged byte for byte), (2) normally, with a hash
of every input file before and after, and (3) a second time with a failure injected in
the middle of writing (a disk error in ``os.fsync`` or ``os.replace``, a builder that
dies after writing part of a folder, an interrupt): the previous output is left exactly
as it was and no temporary file is left behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

import kommunale_integration as ki
from kommunale_integration import _io
from kommunale_integration._cli import main

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kreis_coesfeld"


@attrs.frozen
class Setup:
    """The inputs of a run in a temporary folder."""

    root: Path
    concept: Path  # a concept folder (copy of the example, with its case export)
    concept_file: Path  # the same concept as one YAML file
    cases: Path
    events: Path
    hsds: Path  # an HSDS export of the concept
    out: Path  # the folder for outputs


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vorlage")
    shutil.copytree(EXAMPLE, root / "konzept")
    concept = ki.load_concept(root / "konzept")
    ki.save_concept(concept, root / "konzept.yaml")
    ki.export_hsds(concept, root / "hsds", form="both")
    return root


@pytest.fixture
def setup(prepared: Path, tmp_path: Path) -> Setup:
    shutil.copytree(prepared, tmp_path / "in")
    root = tmp_path / "in"
    out = tmp_path / "out"
    out.mkdir()
    return Setup(
        root=root,
        concept=root / "konzept",
        concept_file=root / "konzept.yaml",
        cases=root / "konzept" / "cases.csv",
        events=root / "konzept" / "events.csv",
        hsds=root / "hsds",
        out=out,
    )


# Each command: the arguments writing to *target*, and the target's kind ("file"/"dir").
Command = Callable[[Setup, Path], list[Any]]
COMMANDS: dict[str, tuple[Command, str]] = {
    "report": (
        lambda s, t: [
            "report",
            s.concept,
            "--period",
            "2025",
            "--cases",
            s.cases,
            "--events",
            s.events,
            "--output",
            t,
        ],
        "file",
    ),
    "report-docx": (
        lambda s, t: [
            "report",
            s.concept_file,
            "--period",
            "2025",
            "--format",
            "docx",
            "--output",
            t,
        ],
        "file",
    ),
    "directory": (lambda s, t: ["directory", s.concept, "--output", t], "dir"),
    "plan": (lambda s, t: ["plan", s.concept_file, "--output", t], "file"),
    "diff": (
        lambda s, t: ["diff", s.concept, s.concept_file, "--format", "html", "--output", t],
        "file",
    ),
    "indicators": (
        lambda s, t: [
            "indicators",
            "--period",
            "2025",
            "--cases",
            s.cases,
            "--events",
            s.events,
            "--output",
            t,
        ],
        "file",
    ),
    "indicators-datapackage": (
        lambda s, t: [
            "indicators",
            s.concept,
            "--period",
            "2025",
            "--cases",
            s.cases,
            "--events",
            s.events,
            "--datapackage",
            t,
        ],
        "dir",
    ),
    "export-hsds": (lambda s, t: ["export", "hsds", s.concept, "--output", t], "dir"),
    "import-hsds": (lambda s, t: ["import", "hsds", s.hsds, "--output", t], "file"),
    "convert-file": (lambda s, t: ["convert", s.concept, t], "file"),
    "convert-folder": (lambda s, t: ["convert", s.concept_file, t], "dir"),
    "schema": (lambda s, t: ["schema", "Actor", "--output", t], "file"),
    "demo": (lambda s, t: ["demo", "--output", t], "dir"),
}

_SUFFIX = {
    "report": ".html",
    "report-docx": ".docx",
    "plan": ".html",
    "diff": ".html",
    "indicators": ".csv",
    "import-hsds": ".yaml",
    "convert-file": ".yaml",
    "schema": ".json",
}


def target_of(name: str, setup: Setup) -> Path:
    return setup.out / f"{name}{_SUFFIX.get(name, '')}"


def snapshot(*roots: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file (and every folder) below *roots*."""
    result: dict[str, str] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            key = f"{root.name}/{path.relative_to(root)}"
            if path.is_dir():
                result[key + "/"] = "dir"
            else:
                result[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def run(capsys: pytest.CaptureFixture[str], argv: list[Any]) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    _, err = capsys.readouterr()
    return code, err


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the demo refuses the current folder; run everything from an empty one
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")


# --------------------------------------------------------------------------- inputs unchanged


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_inputs_are_never_modified(
    setup: Setup, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    build, _ = COMMANDS[name]
    before = snapshot(setup.root, EXAMPLE)
    code, err = run(capsys, build(setup, target_of(name, setup)))
    assert code in (0, 1), err  # 1: the demo's validation found errors in the example
    assert target_of(name, setup).exists()
    assert snapshot(setup.root, EXAMPLE) == before


def test_init_writes_only_its_new_folder(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(setup.root, EXAMPLE)
    code, err = run(capsys, ["init", setup.out / "neu", "--name", "Billerbeck"])
    assert code == 0, err
    assert snapshot(setup.root, EXAMPLE) == before
    assert sorted(p.name for p in setup.out.iterdir()) == ["neu"]


# --------------------------------------------------------------------------- output = input

# command → the inputs its output may be pointed at
OVER_INPUT: dict[str, Callable[[Setup], list[Path]]] = {
    # besides the inputs themselves: files that the loader would read as part of the
    # concept folder, existing or not (sitzungen.csv, massnahmen.csv, konzept.json)
    "report": lambda s: [
        s.concept,
        s.cases,
        s.events,
        s.concept / "konzept.yaml",
        s.concept / "sitzungen.csv",
    ],
    "report-docx": lambda s: [s.concept_file],
    "directory": lambda s: [s.concept, s.root],
    "plan": lambda s: [s.concept_file, s.concept / "massnahmen.csv"],
    "diff": lambda s: [s.concept_file, s.concept / "akteure.csv"],
    "indicators": lambda s: [s.cases, s.events, s.concept / "kennzahlwerte.csv"],
    "indicators-datapackage": lambda s: [s.concept, s.root],
    "export-hsds": lambda s: [s.concept, s.root],
    "import-hsds": lambda s: [s.hsds, s.hsds / "tabular" / "datapackage.json"],
    "convert-file": lambda s: [s.concept / "konzept.yaml", s.concept / "konzept.json"],
    "convert-folder": lambda s: [s.concept_file, s.root],
    "demo": lambda s: [EXAMPLE, EXAMPLE.parent],
}


_PLACEHOLDER = Setup(*(Path(f"/{n}") for n in range(7)))


@pytest.mark.parametrize(
    ("name", "index"),
    [(name, i) for name in sorted(OVER_INPUT) for i in range(len(OVER_INPUT[name](_PLACEHOLDER)))],
)
def test_output_equal_to_an_input_is_refused(
    setup: Setup, capsys: pytest.CaptureFixture[str], name: str, index: int
) -> None:
    target = OVER_INPUT[name](setup)[index]
    build, _ = COMMANDS[name]
    before = snapshot(setup.root, EXAMPLE)
    code, err = run(capsys, build(setup, target))
    assert code == 2, err
    assert err.startswith("error: "), err
    assert "Traceback" not in err
    assert snapshot(setup.root, EXAMPLE) == before


@pytest.mark.parametrize("name", sorted(n for n, (_, kind) in COMMANDS.items() if kind == "dir"))
def test_a_folder_output_never_replaces_a_folder_with_other_files(
    setup: Setup, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    build, _ = COMMANDS[name]
    target = setup.out / "docs"
    (target / "sub").mkdir(parents=True)
    (target / "notizen.txt").write_text("meine Notizen", encoding="utf-8")
    (target / "bericht.docx").write_bytes(b"PK\x03\x04 mein Bericht")
    (target / "sub" / "haushalt.xlsx").write_bytes(b"PK\x03\x04 Haushalt")
    before = snapshot(setup.out)
    code, err = run(capsys, build(setup, target))
    assert code == 2, err
    assert err.startswith("error: "), err
    assert "nothing was changed" in err
    assert snapshot(setup.out) == before
    # an empty folder is fine, and so is the command's own earlier output
    shutil.rmtree(target)
    target.mkdir()
    assert run(capsys, build(setup, target))[0] in (0, 1)
    assert run(capsys, build(setup, target))[0] in (0, 1)
    # but not another command's output
    other = "directory" if name != "directory" else "export-hsds"
    code, err = run(capsys, COMMANDS[other][0](setup, target))
    assert code == 2, err


def test_init_refuses_an_existing_concept(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(setup.root)
    code, err = run(capsys, ["init", setup.concept, "--name", "Billerbeck"])
    assert code == 2
    assert "not empty" in err
    assert snapshot(setup.root) == before


# --------------------------------------------------------------------------- failures


class DiskError:
    """Replaces a function: fails on call number *when* (1-based), else passes."""

    def __init__(self, real: Callable[..., Any], when: int, error: BaseException) -> None:
        self.real, self.when, self.error, self.calls = real, when, error, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.when:
            raise self.error
        return self.real(*args, **kwargs)


# (module, function, call number, error). Every rename of the library goes through
# kommunale_integration._io._rename; a folder swap on Linux is one _exchange.
FAILURES = {
    "fsync": (os, "fsync", 1, OSError(5, "Input/output error")),
    # a folder is flushed file by file (fsync) or, when large, with one syncfs (_io.py)
    "flush": (_io, "_sync_tree", 1, OSError(5, "Input/output error")),
    "rename-first": (_io, "_rename", 1, OSError(28, "No space left on device")),
    "rename-second": (_io, "_rename", 2, OSError(28, "No space left on device")),
    "interrupt-first": (_io, "_rename", 1, KeyboardInterrupt()),
    "interrupt-second": (_io, "_rename", 2, KeyboardInterrupt()),
    "exchange": (_io, "_exchange", 1, OSError(5, "Input/output error")),
}


# A file is written by atomic_write (fsync, then one rename); a folder by
# atomic_directory (every file flushed, then one exchange, or - where the system cannot
# exchange - two renames: the old folder aside, the new one in).
APPLICABLE = {
    "file": ("fsync", "rename-first", "interrupt-first"),
    "dir": ("flush", "exchange"),
    "dir-two-renames": (
        "flush",
        "rename-first",
        "rename-second",
        "interrupt-first",
        "interrupt-second",
    ),
}


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for name in sorted(COMMANDS):
        kind = COMMANDS[name][1]
        for protocol in ("", "-two-renames") if kind == "dir" else ("",):
            cases += [(name, kind + protocol, f) for f in APPLICABLE[kind + protocol]]
    return cases


@pytest.mark.parametrize(("name", "protocol", "failure"), _cases())
def test_a_failure_while_writing_keeps_the_previous_output(
    setup: Setup,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    protocol: str,
    failure: str,
) -> None:
    build, _ = COMMANDS[name]
    target = target_of(name, setup)
    code, err = run(capsys, build(setup, target))
    assert code in (0, 1), err
    previous = snapshot(setup.out)
    inputs = snapshot(setup.root, EXAMPLE)
    module, function, when, error = FAILURES[failure]
    fake = DiskError(getattr(module, function), when, error)
    if protocol.endswith("two-renames"):
        monkeypatch.setattr(_io, "_renameat2", lambda: None)
    monkeypatch.setattr(module, function, fake)
    code, err = run(capsys, build(setup, target))
    monkeypatch.undo()
    assert fake.calls >= when, f"{name} no longer writes through the atomic helpers"
    assert code in (2, 130), err
    assert "Traceback" not in err
    if code == 130:
        assert "no output was changed" in err
    assert snapshot(setup.out) == previous
    assert snapshot(setup.root, EXAMPLE) == inputs


@pytest.mark.parametrize("name", ["directory", "export-hsds", "convert-folder", "demo"])
def test_a_builder_dying_halfway_keeps_the_previous_folder(
    setup: Setup,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    build, _ = COMMANDS[name]
    target = target_of(name, setup)
    assert run(capsys, build(setup, target))[0] in (0, 1)
    previous = snapshot(setup.out)
    writes = {"n": 0}
    real_text, real_bytes = Path.write_text, Path.write_bytes

    def counted(real: Callable[..., Any]) -> Callable[..., Any]:
        def write(self: Path, *args: Any, **kwargs: Any) -> Any:
            writes["n"] += 1
            if writes["n"] == 2:
                raise OSError(28, "No space left on device", str(self))
            return real(self, *args, **kwargs)

        return write

    monkeypatch.setattr(Path, "write_text", counted(real_text))
    monkeypatch.setattr(Path, "write_bytes", counted(real_bytes))
    # an unchanged page of a rebuilt Wegweiser is a hard link to the previous file
    monkeypatch.setattr(os, "link", counted(os.link))
    code, err = run(capsys, build(setup, target))
    monkeypatch.undo()
    assert writes["n"] >= 2, f"{name} writes its folder in another way now"
    assert code == 2, err
    assert "no space left on the device" in err  # errno 28, in the words of the catalogue
    assert snapshot(setup.out) == previous


def test_api_atomic_write_failure_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kommunale_integration._io import atomic_write

    target = tmp_path / "ausgabe" / "bericht.html"
    atomic_write(target, "alt")
    monkeypatch.setattr(os, "fsync", DiskError(os.fsync, 1, OSError(5, "EIO")))
    with pytest.raises(OSError, match="EIO"):
        atomic_write(target, "neu" * 100_000)
    assert target.read_text() == "alt"
    assert sorted(p.name for p in target.parent.iterdir()) == ["bericht.html"]


def test_api_builders_refuse_to_overwrite_inputs(setup: Setup) -> None:
    concept = ki.load_concept(setup.concept_file)
    before = snapshot(setup.root)
    table = ki.compute_indicators(
        concept, ki.read_cases(setup.cases, setup.events), periods=["2025"]
    )
    with pytest.raises(ki.OutputError):
        table.write(setup.cases, inputs=[setup.cases])
    with pytest.raises(ki.OutputError):
        table.write_datapackage(setup.concept, inputs=[setup.cases])
    with pytest.raises(ki.OutputError):
        ki.build_directory(concept, setup.root, inputs=[setup.concept_file])
    with pytest.raises(ki.OutputError):
        ki.export_hsds(concept, setup.concept, inputs=[setup.concept])
    with pytest.raises(ki.OutputError):
        ki.save_concept(concept, setup.concept_file, inputs=[setup.concept_file])
    with pytest.raises(ki.OutputError):
        ki.write_table(
            concept.actors, setup.concept / "akteure.csv", "actors", inputs=[setup.concept]
        )
    assert snapshot(setup.root) == before


@pytest.mark.parametrize("failure", ["rename-first", "interrupt-first"])
def test_a_failed_init_leaves_nothing_behind(
    setup: Setup,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:
    module, function, when, error = FAILURES[failure]
    fake = DiskError(getattr(module, function), when, error)
    monkeypatch.setattr(module, function, fake)
    code, err = run(capsys, ["init", setup.out / "neu", "--name", "Billerbeck"])
    monkeypatch.undo()
    assert fake.calls >= when
    assert code in (2, 130), err
    assert list(setup.out.iterdir()) == []
