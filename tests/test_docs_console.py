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
