"""The validation report: all findings of one run, as data, text and JSON."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from .._errors import Finding, LoadError, Severity
from .._i18n import format_date, ntr, tr
from .._io import atomic_write
from ._accepted import ReviewedFinding
from ._messages import severity_label

__all__ = ["ValidationReport"]


def _to_findings(value: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(value)


def _to_reviewed(value: Iterable[ReviewedFinding]) -> tuple[ReviewedFinding, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ValidationReport:
    """The result of :func:`~kommunale_integration.validate` (Prüfbericht).

    Validation never stops at the first problem: the report holds every finding, errors
    first, then warnings, then hints, each group in the order the rules found them.

    Attributes:
        findings: Every :class:`~kommunale_integration.Finding` of the run that was not
            accepted.
        profile: Name of the profile used, ``None`` for a report made from a load error.
        accepted: The warnings and hints the concept accepts (``accepted_findings``),
            each with its :class:`~kommunale_integration.AcceptedFinding`; they do not
            count as findings.

    Example:
        >>> report = ki.ValidationReport(findings=[
        ...     ki.Finding(code="coverage-gap", severity=ki.Severity.INFO,
        ...                message="Rosendahl (05558036): kein aktuelles Angebot.",
        ...                location=ki.Location(path="territories[9]")),
        ... ])
        >>> report.ok
        True
        >>> print(report.to_text())
        Hinweis: territories[9]: Rosendahl (05558036): kein aktuelles Angebot. [coverage-gap]
        0 Fehler, 0 Warnungen, 1 Hinweis.

    .. versionadded:: 0.1.0
    """

    findings: tuple[Finding, ...] = attrs.field(factory=tuple, converter=_to_findings)
    profile: str | None = None
    accepted: tuple[ReviewedFinding, ...] = attrs.field(factory=tuple, converter=_to_reviewed)

    @classmethod
    def from_load_error(cls, error: LoadError) -> ValidationReport:
        """Return a report holding the findings of a :class:`~kommunale_integration.LoadError`.

        Input that cannot be loaded is reported in the same format as validation
        findings, so that a tool reading the JSON needs only one format.
        """
        ordered = sorted(error.findings, key=lambda f: f.severity.rank)
        return cls(findings=ordered)

    @property
    def ok(self) -> bool:
        """``True`` when there is no error (warnings and hints are allowed)."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity error (Fehler)."""
        return self._of(Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings of severity warning (Warnungen)."""
        return self._of(Severity.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        """The findings of severity info (Hinweise)."""
        return self._of(Severity.INFO)

    def _of(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is severity)

    def codes(self) -> frozenset[str]:
        """Return the distinct finding codes of the report."""
        return frozenset(f.code for f in self.findings)

    def count(self) -> Counter[str]:
        """Return how often each code occurs."""
        return Counter(f.code for f in self.findings)

    def by_code(self, code: str) -> tuple[Finding, ...]:
        """Return the findings with *code*."""
        return tuple(f for f in self.findings if f.code == code)

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def flatten(self) -> list[dict[str, Any]]:
        """Return one flat row per finding (for a table, CSV or a DataFrame).

        Each row has the keys ``code``, ``severity``, ``message``, ``file``, ``row``,
        ``column`` and ``path``; missing parts of a location are ``None``.
        """
        return [
            {
                "code": f.code,
                "severity": str(f.severity),
                "message": f.message,
                "file": f.location.file,
                "row": f.location.row,
                "column": f.location.column,
                "path": f.location.path,
            }
            for f in self.findings
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as the JSON object of the ``validate`` contract.

        When findings were accepted, ``accepted`` lists them: each finding's object with
        ``acceptance`` (``reason``, ``date``, ``by``).
        """
        found: dict[str, Any] = {"ok": self.ok, "findings": [f.to_dict() for f in self.findings]}
        if self.accepted:
            found["accepted"] = [
                {
                    **item.finding.to_dict(),
                    "acceptance": {
                        "reason": item.acceptance.reason,
                        "date": item.acceptance.date.isoformat(),
                        "by": item.acceptance.by,
                    },
                }
                for item in self.accepted
            ]
        return found

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the report as JSON text.

        The shape is the command-line contract: ``{"ok": bool, "findings": [{"code",
        "severity", "message", "location": {"file", "row", "column", "path"}}]}``.
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def write_json(
        self, path: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str]] = ()
    ) -> Path:
        """Write :meth:`to_json` to *path* atomically and return the path.

        Raises:
            OutputError: when *path* is one of *inputs*.
        """
        return atomic_write(path, self.to_json() + "\n", inputs=inputs)

    def to_text(self, lang: str = "de") -> str:
        """Return the report as text: one line per finding and a summary line.

        Each line reads ``Severity: location: message [code]`` (runs of white space,
        line breaks included, become one space); *lang* (``de`` or
        ``en``) chooses the words for severities and locations. Messages keep the
        language they were made in (see the ``lang`` argument of ``validate``).
        """
        lines = []
        for f in self.findings:
            severity = severity_label(f.severity, lang).capitalize()
            where = f.location.describe(lang)
            prefix = f"{severity}: {where}: " if where else f"{severity}: "
            # One line per finding, whatever line breaks a message or file name holds.
            lines.append(" ".join(f"{prefix}{f.message} [{f.code}]".split()))
        for item in self.accepted:
            f, why = item.finding, item.acceptance
            where = f.location.describe(lang)
            day = format_date(why.date, lang=lang) if lang == "de" else why.date.isoformat()
            note = tr(
                "reason: {reason} (reviewed on {day} by {by})",
                lang=lang,
                reason=why.reason,
                day=day,
                by=why.by,
            )
            accepted = tr("Accepted", lang=lang)
            prefix = f"{accepted}: {where}: " if where else f"{accepted}: "
            lines.append(" ".join(f"{prefix}{f.message} [{f.code}] – {note}".split()))
        lines.append(self._summary(lang))
        return "\n".join(lines)

    def _summary(self, lang: str) -> str:
        e, w, i = len(self.errors), len(self.warnings), len(self.infos)
        parts = [
            ntr("{n} error", "{n} errors", e, lang=lang),
            ntr("{n} warning", "{n} warnings", w, lang=lang),
            ntr("{n} info", "{n} infos", i, lang=lang),
        ]
        if self.accepted:
            parts.append(tr("{n} accepted", lang=lang, n=len(self.accepted)))
        return ", ".join(parts) + "."
