"""Sphinx configuration for kommunale_integration."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kommunale_integration import __version__  # noqa: E402
from kommunale_integration._catalogues import catalogues_rst  # noqa: E402

# The page of catalogue codes is generated from the package data on every build.
(ROOT / "docs" / "catalogues.rst").write_text(catalogues_rst(), encoding="utf-8")

project = "kommunale_integration"
author = "kommunale_integration contributors"
copyright = "2026, kommunale_integration contributors"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
]

language = "en"
exclude_patterns = ["_build"]
templates_path: list[str] = []
html_theme = "alabaster"
html_static_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True

# The docs are built offline (municipal networks, CI without internet), so there is no
# intersphinx; references to the standard library and to dependencies stay plain text.
nitpick_ignore_regex = [
    (r"py:.*", r"(datetime|decimal|collections|typing|pathlib|enum|re|io|os)\..*"),
    (r"py:.*", r"(attrs|attr|cattrs|hypothesis|jinja2|babel|pygal|yaml|argparse)\..*"),
    (r"py:.*", r"(date|Decimal|Path|Any|Iterable|Iterator|Mapping|Sequence|Callable)"),
    (r"py:.*", r"(T|_T|TypeVar|StrEnum|Enum|Attribute|SearchStrategy|DrawFn)"),
    (r"py:.*", r"(BinaryIO|TextIO|IO|PathLike|StrPath|ValueError|TypeError|OSError)"),
    (r"py:.*", r"kommunale_integration\._.*"),
    (r"py:.*", r"pandas\..*|DataFrame"),
    (r"py:.*", r"m\..*"),
    (r"py:.*", r"ReportFormat"),  # Literal["html", "md", "docx"], described where it is used
    (r"py:.*", r"CellRow"),  # the engine's row tuples, a private argument of IndicatorTable
]

doctest_global_setup = """
import datetime
from decimal import Decimal
import kommunale_integration as ki
"""
