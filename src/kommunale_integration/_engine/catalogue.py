"""The default indicator catalogue (Kennzahlenkatalog), shipped as package data."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from .._errors import Finding, LoadError, Location, Severity
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
    import yaml

    from .._converter import structure

    if path is None:
        file = "indicators.yaml"
        text = (
            resources.files("kommunale_integration")
            .joinpath("data", "catalogues", file)
            .read_text(encoding="utf-8")
        )
    else:
        file = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError(
                [
                    Finding(
                        code="unreadable-file",
                        severity=Severity.ERROR,
                        message=f"the indicator catalogue cannot be read: {exc}",
                        location=Location(file=file),
                    )
                ]
            ) from None
    from .._converter import yaml_too_deep

    if yaml_too_deep(text):  # libyaml's C loader would overflow the C stack
        raise LoadError(
            [
                Finding(
                    code="invalid-yaml",
                    severity=Severity.ERROR,
                    message="invalid YAML: nested too deeply",
                    location=Location(file=file),
                )
            ]
        )
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date that does not exist
        mark = getattr(exc, "problem_mark", None)
        raise LoadError(
            [
                Finding(
                    code="invalid-yaml",
                    severity=Severity.ERROR,
                    message=f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
                    location=Location(file=file, row=mark.line + 1 if mark else None),
                )
            ]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise LoadError(
            [
                Finding(
                    code="invalid-catalogue",
                    severity=Severity.ERROR,
                    message="expected a mapping with a list 'indicators'",
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
