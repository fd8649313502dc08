"""kommunale_integration: a municipal Integrationskonzept as typed data.

The public API is re-exported here; implementation lives in private modules. Heavy
parts (the converter, loaders, the indicator engine and report builders) are imported
on first use, so ``import kommunale_integration`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    Finding,
    InvalidValueError,
    KommunaleIntegrationError,
    LoadError,
    Location,
    MissingExtraError,
    OutputError,
    Severity,
)
from ._model import (
    Abbreviation,
    Actor,
    Baseline,
    CaseCount,
    CaseCountKind,
    CaseFilter,
    Concept,
    Confidentiality,
    Contact,
    DateRange,
    Decision,
    DecisionResult,
    Direction,
    Eligibility,
    FieldOfAction,
    Funding,
    GlossaryTerm,
    Goal,
    GoalKind,
    Indicator,
    LegalBasis,
    Measure,
    MeasureStatus,
    Meeting,
    Network,
    Observation,
    ObservationStatus,
    Offer,
    StaffPosition,
    StatusChange,
    Target,
    Territory,
    TerritoryKind,
    Venue,
    Votes,
)
from ._periods import DueDateRule, PeriodError, PeriodKind, ReportPeriod, period_range
from ._schedule import (
    MeetingSchedule,
    MovedMeeting,
    PlannedMeetingStatus,
    meeting_status,
    planned_meetings,
    to_ics,
    write_ics,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._catalogues import (
        Catalogue,
        CatalogueEntry,
        default_territories,
        load_catalogue,
    )
    from ._converter import (
        dumps_json,
        dumps_yaml,
        loads_json,
        loads_yaml,
        make_converter,
        structure,
        unstructure,
    )
    from ._examples import example_path
    from ._loaders import (
        DEFAULT_TABLE_FILES,
        LOAD_FINDING_CODES,
        TABLE_COLUMNS,
        LinkedContact,
        LoadOptions,
        LoadResult,
        TableColumn,
        TableKind,
        load_concept,
        load_concept_with_findings,
        read_table,
        save_concept,
        write_table,
    )
    from ._schema import SCHEMA_TYPES, json_schema
    from ._reports import (
        ReportContext,
        TemplateError,
        Vorlage,
        build_report,
        report_context,
    )

# name -> private module that defines it; imported on first attribute access.
_LAZY: dict[str, str] = {
    "DEFAULT_TABLE_FILES": "._loaders",
    "LOAD_FINDING_CODES": "._loaders",
    "TABLE_COLUMNS": "._loaders",
    "LinkedContact": "._loaders",
    "LoadOptions": "._loaders",
    "LoadResult": "._loaders",
    "TableColumn": "._loaders",
    "TableKind": "._loaders",
    "load_concept": "._loaders",
    "load_concept_with_findings": "._loaders",
    "read_table": "._loaders",
    "save_concept": "._loaders",
    "write_table": "._loaders",
    "Catalogue": "._catalogues",
    "CatalogueEntry": "._catalogues",
    "default_territories": "._catalogues",
    "load_catalogue": "._catalogues",
    "dumps_json": "._converter",
    "dumps_yaml": "._converter",
    "loads_json": "._converter",
    "loads_yaml": "._converter",
    "make_converter": "._converter",
    "structure": "._converter",
    "unstructure": "._converter",
    "example_path": "._examples",
    "SCHEMA_TYPES": "._schema",
    "json_schema": "._schema",
    "ReportContext": "._reports",
    "TemplateError": "._reports",
    "Vorlage": "._reports",
    "build_report": "._reports",
    "report_context": "._reports",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DEFAULT_TABLE_FILES",
    "LOAD_FINDING_CODES",
    "TABLE_COLUMNS",
    "Abbreviation",
    "Actor",
    "Baseline",
    "CaseCount",
    "CaseCountKind",
    "CaseFilter",
    "Catalogue",
    "CatalogueEntry",
    "Concept",
    "Confidentiality",
    "Contact",
    "DateRange",
    "Decision",
    "DecisionResult",
    "Direction",
    "DueDateRule",
    "Eligibility",
    "FieldOfAction",
    "Finding",
    "Funding",
    "GlossaryTerm",
    "Goal",
    "GoalKind",
    "Indicator",
    "InvalidValueError",
    "KommunaleIntegrationError",
    "LegalBasis",
    "LinkedContact",
    "LoadError",
    "LoadOptions",
    "LoadResult",
    "Location",
    "Measure",
    "MeasureStatus",
    "Meeting",
    "MeetingSchedule",
    "MissingExtraError",
    "MovedMeeting",
    "Network",
    "Observation",
    "ObservationStatus",
    "Offer",
    "OutputError",
    "PeriodError",
    "PeriodKind",
    "PlannedMeetingStatus",
    "ReportContext",
    "ReportPeriod",
    "SCHEMA_TYPES",
    "Severity",
    "StaffPosition",
    "StatusChange",
    "TableColumn",
    "TableKind",
    "Target",
    "TemplateError",
    "Territory",
    "TerritoryKind",
    "Venue",
    "Vorlage",
    "Votes",
    "__version__",
    "build_report",
    "default_territories",
    "dumps_json",
    "dumps_yaml",
    "example_path",
    "json_schema",
    "load_catalogue",
    "load_concept",
    "load_concept_with_findings",
    "loads_json",
    "loads_yaml",
    "make_converter",
    "meeting_status",
    "period_range",
    "planned_meetings",
    "read_table",
    "report_context",
    "save_concept",
    "structure",
    "to_ics",
    "unstructure",
    "write_ics",
    "write_table",
]
