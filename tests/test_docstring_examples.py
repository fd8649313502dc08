"""Every example in a docstring of the package runs and prints what it shows.

The Sphinx doctest build runs the examples of the documented API; this runs those of
every module, the internal ones too (``_parse``, ``_periods`` …), with the globals of
``doctest_global_setup`` in docs/conf.py, so that an example is a test wherever it is.
"""

from __future__ import annotations

import datetime
import doctest
import importlib
import pkgutil
from decimal import Decimal

import pytest

import kommunale_integration as ki


def _modules() -> list[str]:
    names = [ki.__name__]
    for info in pkgutil.walk_packages(ki.__path__, prefix=f"{ki.__name__}."):
        if not info.name.endswith(".__main__"):  # (runs the command line when imported)
            names.append(info.name)
    return sorted(names)


def _examples() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: list[doctest.DocTest] = []
    for name in _modules():
        module = importlib.import_module(name)
        globs = {**vars(module), "ki": ki, "datetime": datetime, "Decimal": Decimal}
        for test in finder.find(module, globs=globs):
            if test.examples and test.name.startswith(name):
                found.append(test)
    return found


EXAMPLES = _examples()


def test_there_are_examples_in_the_internal_modules() -> None:
    names = {test.name.rsplit(".", 1)[0] for test in EXAMPLES}
    assert "kommunale_integration._parse" in names
    assert len(EXAMPLES) >= 30


@pytest.mark.parametrize("test", EXAMPLES, ids=[t.name for t in EXAMPLES])
def test_docstring_example(
    test: doctest.DocTest, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an example that writes files writes them here
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, clear_globs=False)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, (
        f"{result.failed} of {result.attempted} examples of {test.name} failed"
    )
