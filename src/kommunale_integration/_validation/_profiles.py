"""Validation profiles: how strict a validation run is (Prüfprofile)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from .._errors import Severity

__all__ = ["PROFILES", "Profile"]


def _frozen_mapping(value: Mapping[str, Severity | None]) -> Mapping[str, Severity | None]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Profile:
    """A validation profile (Prüfprofil): a name and severity overrides per code.

    A profile changes how serious a finding is, or switches a code off with ``None``;
    codes it does not mention keep the severity their rule declares.

    Attributes:
        name: Name used on the command line (``--profile``).
        description: What the profile is for.
        severities: Code → severity, or ``None`` to switch the code off.

    Example:
        >>> strict = ki.Profile(
        ...     name="streng",
        ...     description="Alles, was unklar ist, ist ein Fehler.",
        ...     severities={"stale-entry": ki.Severity.ERROR},
        ... )
        >>> strict.severity("stale-entry", ki.Severity.WARNING)
        <Severity.ERROR: 'error'>

    .. versionadded:: 0.1.0
    """

    name: str
    description: str
    severities: Mapping[str, Severity | None] = attrs.field(
        factory=dict, converter=_frozen_mapping, hash=False
    )

    def severity(self, code: str, default: Severity) -> Severity | None:
        """Return the severity of *code* in this profile (``None``: switched off)."""
        return self.severities.get(code, default)


_STEERING_CODES = (
    "measure-without-responsible",
    "measure-without-timeframe",
    "measure-without-indicator",
)

#: The built-in profiles by name.
PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        "konzept": Profile(
            name="konzept",
            description=(
                "Lenient: checks a concept as adopted. Measures need no responsible "
                "actor, timeframe or indicator (the Kreis concept of 2016 deliberately "
                "names none)."
            ),
            severities=dict.fromkeys(_STEERING_CODES),
        ),
        "steuerung": Profile(
            name="steuerung",
            description=(
                "Strict: checks a concept used for steering. Each measure needs a "
                "responsible actor, a timeframe and at least one indicator (as the 2026 "
                "motion of the Stadt Coesfeld asks); missing values of a report period "
                "and entries never verified are reported more seriously."
            ),
            severities={
                **dict.fromkeys(_STEERING_CODES, Severity.ERROR),
                "incomplete-period": Severity.ERROR,
                "unverified-entry": Severity.WARNING,
            },
        ),
    }
)
