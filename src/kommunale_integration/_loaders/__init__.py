"""Loaders and writers: concept folders, YAML/JSON/TOML files, CSV and XLSX tables.

The public names are re-exported from :mod:`kommunale_integration`.
"""

from __future__ import annotations

from ._common import LOAD_FINDING_CODES, LoadOptions
from ._concept import (
    DEFAULT_TABLE_FILES,
    LoadResult,
    load_concept,
    load_concept_with_findings,
    read_table,
    save_concept,
    write_table,
)
from ._tables import TABLE_COLUMNS, LinkedContact, TableColumn, TableKind

__all__ = [
    "DEFAULT_TABLE_FILES",
    "LOAD_FINDING_CODES",
    "TABLE_COLUMNS",
    "LinkedContact",
    "LoadOptions",
    "LoadResult",
    "TableColumn",
    "TableKind",
    "load_concept",
    "load_concept_with_findings",
    "read_table",
    "save_concept",
    "write_table",
]
