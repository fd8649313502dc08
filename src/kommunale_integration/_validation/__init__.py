"""Validation: every finding about a concept in one pass (Prüfung).

:func:`validate` runs the built-in rules (and any user or plug-in rules) over a
:class:`~kommunale_integration.Concept` and returns a :class:`ValidationReport`. Each
finding has a stable kebab-case code documented in the finding catalogue.
"""

from __future__ import annotations

from ._accepted import ReviewedFinding
from ._base import Rule, ValidationConfigError, ValidationContext
from ._profiles import PROFILES, Profile
from ._report import ValidationReport
from ._rules import BUILTIN_RULES
from ._validate import ENTRY_POINT_GROUP, PlainRule, all_codes, plugin_rules, validate

__all__ = [
    "BUILTIN_RULES",
    "ENTRY_POINT_GROUP",
    "PROFILES",
    "PlainRule",
    "Profile",
    "ReviewedFinding",
    "Rule",
    "ValidationConfigError",
    "ValidationContext",
    "ValidationReport",
    "all_codes",
    "plugin_rules",
    "validate",
]
