"""Types for annotating code that uses kommunale_integration (Typen für Annotationen).

The public functions take these where a plain class would be too narrow: a report takes
an indicator table from the engine *or* any sequence of its rows, and a path may be text
or a :class:`os.PathLike`.

Example::

    from kommunale_integration.typing import IndicatorRows, StrPath

    def annual_report(concept_path: StrPath, table: IndicatorRows) -> str: ...

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from ._engine.table import IndicatorValue

__all__ = ["HasIndicatorRows", "IndicatorRows", "StrPath"]

#: A file system path, as text or as an :class:`os.PathLike`.
StrPath: TypeAlias = "str | os.PathLike[str]"


@runtime_checkable
class HasIndicatorRows(Protocol):
    """Anything with the rows of indicator values, such as an
    :class:`~kommunale_integration.IndicatorTable`."""

    @property
    def rows(self) -> Sequence[IndicatorValue]:
        """The indicator values (Kennzahlwerte)."""
        ...


#: What a report takes as its indicator values, a table from
#: :func:`~kommunale_integration.compute_indicators` (or anything with ``rows``) or the
#: rows themselves.
IndicatorRows: TypeAlias = "HasIndicatorRows | Sequence[IndicatorValue]"
