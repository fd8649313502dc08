"""The default indicator catalogue (Kennzahlenkatalog), shipped as package data."""

from __future__ import annotations

import functools
from pathlib import Path

from .._errors import Finding, LoadError, Location, Severity
from .._i18n import tr
from .._model import Indicator

__all__ = ["default_indicators", "load_indicators"]


def load_indicators(path: str | Path | None = None) -> tuple[Indicator, ...]:
    """Load an indicator catalogue (YAML with ``indicators: [...]``).

    Args:
        path: A catalogue file; ``None`` loads the shipped default catalogue.

    Raises:
        LoadError: with a finding per problem (path such as ``indicators[3].scale``).

    .. versionadded:: 0.1.0
    """

    from .._catalogues import read_catalogue_yaml
    from .._converter import structure

    data, file = read_catalogue_yaml("indicators", path)
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise LoadError(
            [
                Finding(
                    code="invalid-catalogue",
                    severity=Severity.ERROR,
                    message=tr("expected a mapping with a list 'indicators'"),
                    location=Location(file=file),
                )
            ]
        )
    return tuple(structure(data["indicators"], list[Indicator], file=file, path="indicators"))


@functools.cache
def default_indicators() -> tuple[Indicator, ...]:
    """The default indicators (Standard-Kennzahlen) of the library.

    The six case-based indicators of the contract (``active_cases``, ``new_cases``,
    ``language_course_starts``, ``language_course_completions``, ``placements``,
    ``placement_rate``) and publicly defined aggregate-based indicators with their
    origin and exact definition (IntMK Integrationsmonitoring der Länder: B2a, B2b,
    E1a, E1b, E4).

    .. versionadded:: 0.1.0
    """
    return load_indicators()
