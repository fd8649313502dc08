"""Report builders: Jahresbericht, Akteursverzeichnis, Handlungsplan and Fortschreibung.

The public names are re-exported from :mod:`kommunale_integration`.
"""

from __future__ import annotations

from ._context import ReportContext, Vorlage
from ._directory import DirectorySite, build_directory, directory_site
from ._report import DEFAULT_DISCLOSURE, build_report, report_context
from ._templates import TemplateError

__all__ = [
    "DEFAULT_DISCLOSURE",
    "DirectorySite",
    "ReportContext",
    "TemplateError",
    "Vorlage",
    "build_directory",
    "build_report",
    "directory_site",
    "report_context",
]
