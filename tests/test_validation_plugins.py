"""Rules offered by installed packages through the ``kommunale_integration.rules`` group."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from kommunale_integration import Concept, Offer, using_language
from kommunale_integration._validation import ValidationConfigError, plugin_rules, validate

RULES_MODULE = """
from kommunale_integration import Finding, Severity

def no_venue(concept):
    for index, offer in enumerate(concept.offers):
        if offer.venue is None:
            yield Finding(code="plugin-no-venue", severity=Severity.ERROR,
                          message=f"{offer.id}: kein Ort",
                          location=concept.locate(f"offers[{index}].venue"))

not_callable = 42
"""


def _install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    """Make a tiny distribution with one entry point importable from *tmp_path*."""
    name = f"plugin_{abs(hash((str(tmp_path), target)))}"
    (tmp_path / f"{name}.py").write_text(RULES_MODULE, encoding="utf-8")
    info = tmp_path / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[kommunale_integration.rules]\nlocal-rule = {name}:{target}\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)


def _concept() -> Concept:
    return Concept(
        id="k",
        title="K",
        territory="05558",
        offers=(Offer(id="kurs", name="Kurs", actor="vhs"),),
    )


def test_entry_point_rule_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(tmp_path, monkeypatch, "no_venue")
    assert len(plugin_rules()) == 1
    report = validate(_concept(), today=date(2026, 1, 1))
    (finding,) = report.by_code("plugin-no-venue")
    assert finding.location.path == "offers[0].venue"
    without = validate(_concept(), today=date(2026, 1, 1), plugins=False)
    assert "plugin-no-venue" not in without.codes()


def test_broken_entry_point_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, monkeypatch, "does_not_exist")
    with (
        using_language("en"),
        pytest.raises(ValidationConfigError, match=r"'local-rule'.*cannot be loaded"),
    ):
        validate(_concept())
    # German by default; the words of Python are only a quoted detail
    with pytest.raises(ValidationConfigError, match=r"lässt sich nicht laden: „AttributeError"):
        validate(_concept())


def test_entry_point_that_is_not_callable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(tmp_path, monkeypatch, "not_callable")
    with using_language("en"), pytest.raises(ValidationConfigError, match="not callable"):
        validate(_concept())
    with pytest.raises(ValidationConfigError, match="nicht aufrufbar"):
        validate(_concept())
