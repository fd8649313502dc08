"""``validate()``: run every rule over a concept and collect all findings in one report."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from datetime import date
from importlib import metadata
from typing import Any

import attrs

from .._errors import Finding, Severity, foreign_text, shown
from .._i18n import tr
from .._model import CaseCount, Concept, ObservationStatus
from .._periods import ReportPeriod
from .._territories import TerritoryCatalogue
from ._accepted import AcceptanceRule
from ._base import BuiltinRule, Rule, ValidationConfigError, ValidationContext
from ._profiles import PROFILES, Profile
from ._report import ValidationReport
from ._rules import BUILTIN_RULES, declared_codes

ACCEPTANCE = next(rule for rule in BUILTIN_RULES if isinstance(rule, AcceptanceRule))

__all__ = ["ENTRY_POINT_GROUP", "PlainRule", "all_codes", "plugin_rules", "validate"]

#: Entry-point group under which installed packages offer extra rules.
ENTRY_POINT_GROUP = "kommunale_integration.rules"

#: A user rule without declared codes: ``(concept) -> Iterable[Finding]`` (or ``None``).
PlainRule = Callable[[Concept], Iterable[Finding] | None]

_LANGUAGES = ("de", "en")


def all_codes() -> dict[str, Severity]:
    """Return every code of the built-in rules with its default severity.

    .. versionadded:: 0.1.0
    """
    return declared_codes(BUILTIN_RULES)


def plugin_rules() -> list[Rule | PlainRule]:
    """Load the rules offered by installed packages through the entry-point group.

    A package offers a rule in its ``pyproject.toml``::

        [project.entry-points."kommunale_integration.rules"]
        bus-stops = "my_kreis.rules:bus_stop_rule"

    The entry point names a rule object (see :class:`Rule`) or a plain callable
    ``(concept) -> Iterable[Finding]``.

    Raises:
        ValidationConfigError: when an entry point cannot be loaded or is not callable.

    .. versionadded:: 0.1.0
    """
    rules: list[Rule | PlainRule] = []
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = entry.load()
        except Exception as exc:
            raise ValidationConfigError(
                tr(
                    "the validation rule {name} ({value}) cannot be loaded: {problem}",
                    name=shown(entry.name),
                    value=entry.value,
                    problem=foreign_text(f"{type(exc).__name__}: {exc}"),
                )
            ) from exc
        if not callable(obj):
            raise ValidationConfigError(
                tr(
                    "the validation rule {name} ({value}) is not callable",
                    name=shown(entry.name),
                    value=entry.value,
                )
            )
        rules.append(obj)
    return rules


def _resolve_profile(profile: str | Profile) -> Profile:
    if isinstance(profile, Profile):
        return profile
    found = PROFILES.get(profile)
    if found is None:
        known = ", ".join(sorted(PROFILES))
        raise ValidationConfigError(
            tr(
                "unknown validation profile {name}; choose one of {known}",
                name=shown(profile),
                known=known,
            )
        )
    return found


def _check_disabled(disabled: frozenset[str], declared: Iterable[str], plain: bool) -> None:
    if plain:
        return  # plain callables do not declare their codes, so any code may be theirs
    known = set(declared)
    for code in sorted(disabled - known):
        close = difflib.get_close_matches(code, known, n=1)
        if close:
            raise ValidationConfigError(
                tr(
                    "unknown finding code {code} to switch off (did you mean {close}?)",
                    code=shown(code),
                    close=repr(close[0]),
                )
            )
        raise ValidationConfigError(
            tr("unknown finding code {code} to switch off", code=shown(code))
        )


def validate(
    concept: Concept,
    profile: str | Profile = "konzept",
    *,
    rules: Iterable[Rule | PlainRule] = (),
    disabled: Iterable[str] = (),
    period: ReportPeriod | str | None = None,
    today: date | None = None,
    stale_months: int = 12,
    lang: str = "de",
    plugins: bool = True,
    cases: Any = None,
    catalogue: TerritoryCatalogue | None = None,
) -> ValidationReport:
    """Check a concept and report everything that is wrong or doubtful (Prüfung).

    All rules run in one pass and every finding is collected: structure and references,
    dates, numbers, currency of actors and offers, duplicate structures, coverage gaps
    per Stadt or Gemeinde, completeness of a report period, and contacts. The finding
    catalogue in the documentation lists every code.

    Args:
        concept: The :class:`~kommunale_integration.Concept` to check.
        profile: ``"konzept"`` (lenient, default), ``"steuerung"`` (strict) or a
            :class:`Profile`.
        rules: Extra rules: :class:`Rule` objects, or plain callables
            ``(concept) -> Iterable[Finding]`` (returning ``None`` means no findings).
        disabled: Codes to switch off, e.g. ``{"coverage-gap"}``. A code that no rule
            declares is refused as a probable typo, unless a plain callable takes part
            (it cannot declare its codes).
        period: A report period (or its notation, ``"2026"``); when given, every
            indicator must have a value or a reason for it (``incomplete-period``).
        today: The reference day for currency and current offers (default: today).
        stale_months: Months after which an entry counts as stale (default 12).
        lang: Language of the messages: ``"de"`` (default) or ``"en"``.
        plugins: Whether to run rules installed through the entry-point group
            ``kommunale_integration.rules`` (default ``True``).
        cases: The case export (from :func:`~kommunale_integration.read_cases`); the
            indicator engine computes the case-based Kennzahlen of *period* from it, as
            the report does, and the completeness check counts those values. Needs
            *period*.
        catalogue: The territory catalogue AGS and names are checked against
            (default: the Gemeindeverzeichnis shipped with the library; a concept that
            names its own in ``territory_catalogue`` passes it here, see
            :func:`~kommunale_integration.catalogue_for`).

    Returns:
        A :class:`ValidationReport`; ``report.ok`` is ``True`` when there is no error.

    Raises:
        ValidationConfigError: for an unknown profile, language or code to switch off,
            a negative ``stale_months``, *cases* without *period*, or a user or plug-in
            rule that fails or returns something other than findings (the message names
            the rule).
        PeriodError: when *period* is text that is not a report period.

    Example:
        >>> concept = ki.Concept(
        ...     id="kreis-coesfeld", title="Integrationskonzept", territory="05558",
        ...     offers=[ki.Offer(id="sprachcafe", name="Sprachcafé", actor="vhs")],
        ... )
        >>> report = ki.validate(concept, today=datetime.date(2026, 6, 1))
        >>> report.ok
        False
        >>> sorted(report.codes())
        ['offer-unreachable', 'unknown-reference', 'unverified-entry']
        >>> print(report.errors[0].message)
        Angebot „sprachcafe“: Akteur „vhs“ gibt es im Konzept nicht.

    .. versionadded:: 0.1.0
    """
    chosen = _resolve_profile(profile)
    if lang not in _LANGUAGES:
        raise ValidationConfigError(
            tr("unknown language {found}; choose one of de, en", found=shown(lang))
        )
    if stale_months < 0:
        raise ValidationConfigError(
            tr("stale_months must not be negative, got {found}", found=stale_months)
        )
    if isinstance(period, str):
        period = ReportPeriod.parse(period, budget_start_month=concept.fiscal_year_start)
    computed: frozenset[tuple[str, str]] = frozenset()
    if cases is not None:
        if period is None:
            raise ValidationConfigError(tr("the case export needs a report period to check"))
        computed = _computed_cells(concept, cases, period)
    every: list[Rule | PlainRule] = [*BUILTIN_RULES]
    if plugins:
        every.extend(plugin_rules())
    every.extend(rules)
    for rule in every:
        if not callable(rule):
            raise ValidationConfigError(
                tr("a validation rule must be callable, got {found}", found=shown(rule))
            )
    switched_off = frozenset(disabled)
    declared = declared_codes(r for r in every if isinstance(r, Rule))
    _check_disabled(switched_off, declared, any(not isinstance(r, Rule) for r in every))

    def severity(code: str, default: Severity) -> Severity | None:
        if code in switched_off:
            return None
        return chosen.severity(code, default)

    context = ValidationContext(
        concept=concept,
        profile=chosen.name,
        today=date.today() if today is None else today,  # noqa: DTZ011 - a calendar day
        period=period,
        stale_months=stale_months,
        lang=lang,
        computed=computed,
        catalogue=catalogue,
    )
    collected = _run(every, context, severity)
    kept, reviewed = ACCEPTANCE.apply(context, collected, switched_off)
    kept.sort(key=lambda f: f.severity.rank)
    return ValidationReport(findings=kept, profile=chosen.name, accepted=reviewed)


def _run(
    every: list[Rule | PlainRule],
    context: ValidationContext,
    severity: Callable[[str, Severity], Severity | None],
) -> list[Finding]:
    """Run every rule and give each finding the severity the profile wants (or drop it)."""
    collected: list[Finding] = []
    for rule in every:
        if isinstance(rule, Rule) and all(
            severity(code, sev) is None for code, sev in rule.codes.items()
        ):
            continue  # every code of the rule is switched off: skip the work
        for finding in _findings_of(rule, context):
            wanted = severity(finding.code, finding.severity)
            if wanted is None:
                continue
            if wanted is not finding.severity:
                collected.append(attrs.evolve(finding, severity=wanted))
            else:
                collected.append(finding)
    return collected


def _computed_cells(
    concept: Concept, cases: Any, period: ReportPeriod
) -> frozenset[tuple[str, str]]:
    """The ``(indicator, territory)`` cells of *period* the engine computes from *cases*.

    Only the case-based indicators are computed (expressions over data elements come
    from the concept's own observations, which the completeness check reads anyway).
    A suppressed value counts as present, as it does for entered values.
    """
    from .._engine import compute_indicators

    chosen = [
        indicator
        for indicator in concept.indicators
        if isinstance(indicator.numerator, CaseCount)
        and (indicator.denominator is None or isinstance(indicator.denominator, CaseCount))
    ]
    if not chosen:
        return frozenset()
    table = compute_indicators(concept, cases, periods=[period], indicators=chosen)
    return frozenset(
        (row.indicator, row.territory)
        for row in table.rows
        if row.period == period
        and row.is_total
        and (row.value is not None or row.status is ObservationStatus.SUPPRESSED)
    )


def _findings_of(rule: Rule | PlainRule, context: ValidationContext) -> Iterable[Finding]:
    """Run *rule*; a failing user or plug-in rule becomes a clear error naming it."""
    if isinstance(rule, BuiltinRule):
        return rule(context)
    try:
        produced = rule(context) if isinstance(rule, Rule) else rule(context.concept)
        found = [] if produced is None else list(produced)
    except Exception as exc:
        raise ValidationConfigError(
            tr(
                "the validation rule {name} failed: {problem}",
                name=_rule_name(rule),
                problem=foreign_text(f"{type(exc).__name__}: {exc}"),
            )
        ) from exc
    for finding in found:
        if not isinstance(finding, Finding):
            raise ValidationConfigError(
                tr(
                    "the validation rule {name} returned {found}, not a Finding",
                    name=_rule_name(rule),
                    found=shown(finding),
                )
            )
    return found


def _rule_name(rule: object) -> str:
    name = getattr(rule, "name", None) or getattr(rule, "__qualname__", None)
    return repr(name) if name else repr(rule)
