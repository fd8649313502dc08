"""The finding catalogue (docs/findings.rst) documents every code, and no other."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kommunale_integration._loaders import LOAD_FINDING_CODES
from kommunale_integration._validation import all_codes

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "docs" / "findings.rst"
#: The HSDS import's codes are listed in its own table (docs/interop.rst).
HSDS_TABLE = ROOT / "docs" / "interop.rst"
_HSDS_ROW = re.compile(r"^``(hsds-[a-z0-9-]+)``\s", re.MULTILINE)
_CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)+")
#: Literals the scan below takes for codes that are none.
_NOT_CODES = {"recurrence-id"}  # an iCalendar property (icalendar's Event.add)
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


def _codes_in_source() -> set[str]:
    """Every finding code written in the library: a literal given as ``code=`` or as
    the first argument of a function whose first parameter ``code`` becomes a
    finding's code (``Collector.add``, the case reader's ``add``, the HSDS ``note``,
    ``_text._finding``)."""
    trees = [ast.parse(p.read_text("utf-8")) for p in (ROOT / "src").rglob("*.py")]
    helpers = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            names = [a.arg for a in node.args.posonlyargs + node.args.args]
            names = names[1:] if names[:1] == ["self"] else names
            passes = any(
                isinstance(k, ast.keyword)
                and k.arg == "code"
                and isinstance(k.value, ast.Name)
                and k.value.id == "code"
                for k in ast.walk(node)
            )
            if names[:1] == ["code"] and passes:
                helpers.add(node.name)
    found = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            values = [k.value for k in node.keywords if k.arg == "code"]
            func = node.func
            name = getattr(func, "attr", getattr(func, "id", None))
            if name in helpers and node.args:
                values.append(node.args[0])
            found |= {
                v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            }
    return {code for code in found if _CODE.fullmatch(code)} - _NOT_CODES


def test_every_code_in_the_source_is_documented() -> None:
    """Not only validation and load codes: the case reader's (``unused-mapping`` was
    documented in the how-to only) and the HSDS import's (in its own table)."""
    hsds = set(_HSDS_ROW.findall(HSDS_TABLE.read_text(encoding="utf-8")))
    codes = _codes_in_source()
    assert {"unused-mapping", "hsds-missing-id", "invalid-json"} <= codes  # the scan works
    missing = codes - set(_documented()) - hsds
    assert not missing


def test_catalogue_documents_no_unknown_code_and_each_once() -> None:
    documented = _documented()
    known = set(all_codes()) | set(LOAD_FINDING_CODES) | _OTHER_LOAD_CODES
    known |= _codes_in_source()
    assert set(documented) <= known
    assert len(documented) == len(set(documented))
