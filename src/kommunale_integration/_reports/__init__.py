"""Report builders: Jahresbericht, Akteursverzeichnis, Handlungsplan and Fortschreibung.

The public names are re-exported from :mod:`kommunale_integration`.
"""

from __future__ import annotations

from ._context import ReportContext, Vorlage
from ._diff import AttributeChange, ConceptDiff, ItemChange, StatusChangeEntry, diff_concepts
from ._directory import DirectorySite, build_directory, directory_site
from ._plan import ActionPlan, action_plan, build_action_plan
from ._report import DEFAULT_DISCLOSURE, build_report, report_context
from ._templates import TemplateError

__all__ = [
    "DEFAULT_DISCLOSURE",
    "ActionPlan",
    "AttributeChange",
    "ConceptDiff",
    "DirectorySite",
    "ItemChange",
    "ReportContext",
    "StatusChangeEntry",
    "TemplateError",
    "Vorlage",
    "action_plan",
    "build_action_plan",
    "build_directory",
    "build_report",
    "diff_concepts",
    "directory_site",
    "report_context",
]
