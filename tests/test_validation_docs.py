"""The finding catalogue (docs/findings.rst) documents every code, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from kommunale_integration._loaders import LOAD_FINDING_CODES
from kommunale_integration._validation import all_codes

CATALOGUE = Path(__file__).resolve().parent.parent / "docs" / "findings.rst"
_ROW = re.compile(r"^   \* - ``([a-z0-9-]+)``$", re.MULTILINE)

#: Load codes produced outside the loaders' table (by the converter and catalogues).
_OTHER_LOAD_CODES = {"too-deeply-nested", "invalid-catalogue", "invalid-territory-catalogue"}


def _documented() -> list[str]:
    return _ROW.findall(CATALOGUE.read_text(encoding="utf-8"))


def test_every_validation_code_is_documented_with_its_severities() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    documented = set(_documented())
    for code, severity in all_codes().items():
        assert code in documented, code
        row = text[text.index(f"   * - ``{code}``") :]
        assert row.split("\n")[1].strip().startswith("- "), code
        assert str(severity) in row.split("\n")[1], code


def test_every_load_code_is_documented() -> None:
    missing = (set(LOAD_FINDING_CODES) | _OTHER_LOAD_CODES) - set(_documented())
    assert not missing


def test_catalogue_documents_no_unknown_code_and_each_once() -> None:
    documented = _documented()
    known = set(all_codes()) | set(LOAD_FINDING_CODES) | _OTHER_LOAD_CODES
    assert set(documented) <= known
    assert len(documented) == len(set(documented))
