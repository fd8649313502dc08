"""The ``demo`` command and the bundled example (``example_path``)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import kommunale_integration as ki
from kommunale_integration import _examples
from kommunale_integration._cli import main
from kommunale_integration._commands.demo import DEMO_PERIOD, MARKER

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

ROOT = Path(__file__).resolve().parent.parent


def test_demo_writes_report_and_prints_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "demo"
    assert main(["demo", "--output", str(output)]) == 0
    out = capsys.readouterr().out
    html = output / f"jahresbericht-{DEMO_PERIOD}.html"
    markdown = output / f"jahresbericht-{DEMO_PERIOD}.md"
    for path in (html, markdown):
        assert path.is_file()
        assert str(path) in out
    text = html.read_text(encoding="utf-8")
    assert "Kreises Coesfeld" in text
    assert "Der Bericht wird zur Kenntnis genommen" in text
    assert "no errors" in out
    assert html.resolve().as_uri() in out
    # The Kennzahlen are computed from the synthetic case export.
    table = (output / f"kennzahlen-{DEMO_PERIOD}.csv").read_text(encoding="utf-8")
    assert table.startswith("indicator,period,territory,")
    assert f"placements,{DEMO_PERIOD},05558," in table
    assert "Vermittlungen in Arbeit oder Ausbildung" in text
    # The actor directory.
    directory = output / "wegweiser" / "de" / "index.html"
    assert directory.is_file()
    assert str(directory) in out
    assert "Flüchtlingsinitiative Coesfeld und Lette" in directory.read_text(encoding="utf-8")
    # Synthetic case ids never leave the case export.
    for path in output.rglob("*"):
        if path.is_file():
            assert "SYN-0" not in path.read_text(encoding="utf-8"), path.name
    # The README names everything the demo writes (pruefung.txt was not named).
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in output.iterdir():
        if not path.name.startswith("."):
            assert f"build/demo/{path.name}" in readme.replace("\n", " "), path.name


def test_demo_replaces_its_own_earlier_output(tmp_path: Path) -> None:
    output = tmp_path / "demo"
    assert main(["demo", "--output", str(output)]) == 0
    assert (output / MARKER).is_file()
    first = (output / MARKER).read_text(encoding="utf-8")
    assert main(["demo", "--output", str(output)]) == 0
    assert (output / MARKER).read_text(encoding="utf-8") == first
    # a file the demo did not write is never deleted: the folder is refused
    (output / "wegweiser" / "notiz.txt").write_text("mine", encoding="utf-8")
    assert main(["demo", "--output", str(output)]) == 2
    assert (output / "wegweiser" / "notiz.txt").read_text(encoding="utf-8") == "mine"


def test_demo_refuses_a_folder_with_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.txt").write_text("precious", encoding="utf-8")
    assert main(["demo", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err
    assert "Traceback" not in err
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


@pytest.mark.parametrize("where", [".", ".."])
def test_demo_refuses_the_current_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    inner = tmp_path / "empty"
    inner.mkdir()
    monkeypatch.chdir(inner)
    assert main(["demo", "--output", where]) == 2
    assert "current folder" in capsys.readouterr().err
    assert list(inner.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["empty"]


def test_demo_refuses_a_file_as_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    assert main(["demo", "--output", str(target)]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_demo_default_output_is_build_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    assert (tmp_path / "build" / "demo" / f"jahresbericht-{DEMO_PERIOD}.md").is_file()
    assert "build/demo" in capsys.readouterr().out


def test_demo_never_writes_into_the_example(tmp_path: Path) -> None:
    example = ki.example_path()
    before = {p.name: p.stat().st_mtime_ns for p in example.iterdir()}
    assert main(["demo", "--output", str(tmp_path / "out")]) == 0
    assert {p.name: p.stat().st_mtime_ns for p in example.iterdir()} == before


# --------------------------------------------------------------------------- example_path


def test_example_path_in_a_source_checkout_is_the_repository_folder() -> None:
    assert ki.example_path() == ROOT / "examples" / "kreis_coesfeld"
    assert (ki.example_path() / "konzept.yaml").is_file()


def test_example_path_prefers_the_bundled_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "data" / "examples" / "kreis_coesfeld"
    bundled.mkdir(parents=True)
    (bundled / "konzept.yaml").write_text("id: x\n", encoding="utf-8")
    monkeypatch.setattr(_examples, "_package_root", lambda: tmp_path)
    assert ki.example_path() == bundled


def test_example_path_unknown_name() -> None:
    with pytest.raises(ki.KommunaleIntegrationError, match="unknown example 'berlin'"):
        ki.example_path("berlin")


def test_example_path_missing_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_examples, "_candidates", lambda name: [tmp_path / name])
    with pytest.raises(ki.KommunaleIntegrationError, match="missing from this installation"):
        ki.example_path()


def test_the_wheel_carries_the_example_and_the_demo_runs_from_it(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    wheels = list(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))
    assert len(wheels) == 1
    site = tmp_path / "site"
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
        wheel.extractall(site)
    bundled = "kommunale_integration/data/examples/kreis_coesfeld/"
    for name in ("konzept.yaml", "cases.csv", "events.csv", "SYNTHETIC_DATA.md"):
        assert bundled + name in names
    env = {**os.environ, "PYTHONPATH": str(site)}
    script = (
        "import kommunale_integration as ki, sys\n"
        "print(ki.example_path())\n"
        "from kommunale_integration._cli import main\n"
        "sys.exit(main(['demo', '--output', sys.argv[1]]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(site / bundled.rstrip("/"))
    assert (tmp_path / "out" / f"jahresbericht-{DEMO_PERIOD}.html").is_file()


def test_both_examples_are_bundled() -> None:
    for name in ("kreis_coesfeld", "stadt_coesfeld"):
        assert (ki.example_path(name) / "konzept.yaml").is_file()
