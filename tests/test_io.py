"""Atomic outputs: a failed write leaves the previous output intact."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kommunale_integration import OutputError
from kommunale_integration._io import atomic_directory, atomic_write


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
    with atomic_directory(site) as tmp:
        (tmp / "index.html").write_text("v1", encoding="utf-8")
    assert (site / "index.html").read_text(encoding="utf-8") == "v1"

    def failing_build() -> None:
        with atomic_directory(site) as tmp:
            (tmp / "index.html").write_text("v2-half", encoding="utf-8")
            raise RuntimeError("builder failed")

    with pytest.raises(RuntimeError):
        failing_build()
    assert (site / "index.html").read_text(encoding="utf-8") == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    with atomic_directory(site) as tmp:
        (tmp / "index.html").write_text("v2", encoding="utf-8")
    assert (site / "index.html").read_text(encoding="utf-8") == "v2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_atomic_directory_refuses_to_swallow_inputs(tmp_path: Path) -> None:
    inputs = tmp_path / "konzept"
    inputs.mkdir()
    with pytest.raises(OutputError), atomic_directory(tmp_path, inputs=[inputs]):
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


def test_new_folders_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with atomic_directory(tmp_path / "site") as tmp:
            (tmp / "index.html").write_text("x", encoding="utf-8")
        assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755
    finally:
        os.umask(umask)
