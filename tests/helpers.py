"""Helpers shared by the tests: a command-line runner and small concept builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kommunale_integration as ki
from kommunale_integration._cli import main

#: The main file of a small concept folder: Kreis Coesfeld with two towns and one actor.
MAIN_YAML = """\
id: kreis-test
title: Testkonzept
territory: "05558"
territories:
  - {ags: "05558", name: Kreis Coesfeld, kind: district}
  - {ags: "05558012", name: Coesfeld, kind: town, parent: "05558"}
  - {ags: "05558016", name: Dülmen, kind: town, parent: "05558"}
actors:
  - {id: kreis, name: Kreis Coesfeld}
"""


def set_locale(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """Make *lang* (e.g. ``de_DE.UTF-8``, ``C``) the locale of the environment: ``LANG``,
    with ``LANGUAGE``, ``LC_ALL`` and ``LC_MESSAGES`` removed (they would win)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: Any) -> tuple[int, str, str]:
    """Run the command line with *argv*; return the exit code, stdout and stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def concept_folder(folder: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """Write a concept folder: :data:`MAIN_YAML` as ``konzept.yaml`` plus *files*.

    A file named ``konzept.yaml`` (or another main file) in *files* replaces the default.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = dict(files or {})
    if not any(name.startswith("konzept.") for name in files):
        files["konzept.yaml"] = MAIN_YAML
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def small_concept(**changes: Any) -> ki.Concept:
    """The concept of :data:`MAIN_YAML`, with *changes* applied."""
    concept = ki.loads_yaml(MAIN_YAML, ki.Concept)
    return concept.evolve(**changes) if changes else concept


def load_findings(path: Path, **options: Any) -> list[ki.Finding]:
    """The findings of a load that must fail."""
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(path, options=ki.LoadOptions(**options) if options else None)
    return list(info.value.findings)


DEFAULT_SIGINT = "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
"""Put before the code of a child ``python -c``: Ctrl-C (SIGINT) raises
KeyboardInterrupt as usual, also when the test suite runs in the background, where
the shell makes children ignore it (and Python then leaves it ignored)."""
