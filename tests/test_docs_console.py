"""What the documentation shows a command print is what it prints (German, the default)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kommunale_integration as ki
from helpers import run_cli, set_locale
from kommunale_integration._i18n import using_language

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _first_console_block(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    block = text.split(".. code-block:: console", 1)[1].split("\n\n")[1]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_wegweiser_page_shows_what_the_command_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    command, *shown = _first_console_block("wegweiser.rst")
    argv = command.removeprefix("$ kommunale-integration ").split()
    assert argv[1] == "examples/kreis_coesfeld"
    argv[1] = str(ki.example_path("kreis_coesfeld"))
    set_locale(monkeypatch, "de_DE.UTF-8")
    monkeypatch.chdir(tmp_path)
    with using_language("de"):
        code, out, err = run_cli(capsys, *argv)
    assert code == 0
    assert [line for line in (out + err).splitlines() if line] == shown


def test_the_tutorial_installs_as_the_readme_does() -> None:
    """The tutorial's install steps are the README's set-up command, one per line, in
    its order (the tutorial lacked the README's ``pip install -U "pip>=25.1"``)."""
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    setup = readme.split("```sh\n", 1)[1].split("\n```", 1)[0]
    steps = [step.strip() for step in setup.split(" && ")]
    assert steps[0] == "python3 -m venv .venv", steps
    install = [step for step in steps if step.startswith(("python3 -m venv", ".venv/bin/python"))]
    assert len(install) == 3, steps
    tutorial = (DOCS / "tutorial.rst").read_text(encoding="utf-8")
    block = tutorial.split("1. Install\n", 1)[1].split(".. code-block:: text", 1)[1]
    lines = [line.strip() for line in block.split("\n\n")[1].splitlines()]
    assert lines[2 : 2 + len(install)] == install, lines
