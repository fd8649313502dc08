"""The command line shell: help, version, exit codes, python -m."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kommunale_integration import __version__
from kommunale_integration._cli import main

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

ROOT = Path(__file__).resolve().parent.parent


def test_help_lists_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "kommunale-integration" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert __version__ in capsys.readouterr().out


def test_wrong_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "error" in err


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kommunale_integration", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert __version__ in result.stdout


EXAMPLE = "examples/kreis_coesfeld"


@pytest.mark.parametrize(
    "argv",
    [
        ["report", EXAMPLE, "--period", "2025", "--format", "md"],
        ["plan", EXAMPLE, "--format", "md"],
        ["diff", EXAMPLE, EXAMPLE, "--format", "md"],
        ["schema", "Actor"],
        ["indicators", EXAMPLE, "--period", "2025", "--only"],
    ],
    ids=lambda argv: argv[0],
)
def test_output_dash_is_standard_output(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--output -`` writes to stdout like no ``--output`` (the convention of cat, tar,
    curl), never a file named ``-``; and nothing says 'written: -'."""
    monkeypatch.chdir(tmp_path)
    argv = [str(ROOT / a) if a == EXAMPLE else a for a in argv]
    assert main(argv) == 0
    plain = capsys.readouterr()
    assert main([*argv, "--output", "-"]) == 0
    dashed = capsys.readouterr()
    assert not (tmp_path / "-").exists()
    assert dashed.out == plain.out != ""
    assert "written" not in dashed.err


def test_output_dash_keeps_binary_off_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    argv = ["report", str(ROOT / EXAMPLE), "--period", "2025", "--format", "docx"]
    assert main([*argv, "--output", "-"]) == 2
    assert "terminal" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["directory", EXAMPLE],
        ["export", "hsds", EXAMPLE],
        ["demo"],
        ["import", "hsds", EXAMPLE],
        ["territories", "update", "auszug.xlsx"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_output_dash_is_refused_where_stdout_cannot_be(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A folder (or a file another command reads back) cannot go to stdout: ``-`` is
    refused in one sentence (exit 2), not taken as a folder named ``-``."""
    monkeypatch.chdir(tmp_path)
    argv = [str(ROOT / a) if a == EXAMPLE else a for a in argv]
    with pytest.raises(SystemExit) as info:
        main([*argv, "--output", "-"])
    assert info.value.code == 2
    assert "cannot go to standard output" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[Any]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                yield (*prefix, name), command
                yield from _commands(command, (*prefix, name))


def test_lang_may_follow_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """``indicators … --lang en`` (and ``init``, ``territories find``) was a usage
    error while ``validate … --lang en`` worked; the language option now follows any
    command, and one given before the command stays in force."""
    from kommunale_integration._cli import build_parser

    missing = [c for c, p in _commands(build_parser()) if "--lang" not in p._option_string_actions]
    assert missing == []
    assert main(["territories", "find", "Görlitz", "--lang", "en"]) == 0
    assert "notice: Kreis of the same name: Landkreis Görlitz" in capsys.readouterr().err
    assert main(["--lang", "en", "indicators", "--period", "2026-13"]) == 2
    assert capsys.readouterr().err.startswith("error: nothing to compute")
    assert main(["indicators", "--period", "2026-13", "--lang", "en"]) == 2
    assert capsys.readouterr().err.startswith("error: nothing to compute")
