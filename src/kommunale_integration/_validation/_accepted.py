"""Accepted findings (akzeptierte Befunde): reviewed warnings and hints set aside.

A concept records in ``accepted_findings`` that a finding was reviewed: its code, its
subject (see :attr:`~kommunale_integration.Finding.subject`), the reason, the date and
who reviewed it. :func:`~kommunale_integration.validate` moves a matching warning or hint
out of the findings into :attr:`ValidationReport.accepted`; errors cannot be accepted.
An acceptance that matches nothing any more (the offers were merged, the id changed) is
reported as ``accepted-finding-unused``, so the list does not silently go stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar

import attrs

from .._errors import Finding, Severity
from .._model import AcceptedFinding
from ._base import BuiltinRule, ValidationContext

__all__ = ["AcceptanceRule", "ReviewedFinding", "normalise_subject"]


@attrs.frozen(kw_only=True)
class ReviewedFinding:
    """A finding together with the record that accepts it.

    .. versionadded:: 0.1.0
    """

    finding: Finding
    acceptance: AcceptedFinding


def normalise_subject(subject: str) -> str:
    """The subject in a canonical form: a pair ``a+b`` is the same as ``b+a``."""
    return "+".join(sorted(part.strip() for part in subject.split("+")))


class AcceptanceRule(BuiltinRule):
    """Sets accepted findings aside and reports acceptances that match nothing.

    It runs after every other rule (:meth:`apply`); on its own it finds nothing.
    """

    name: ClassVar[str] = "accepted-findings"
    codes: ClassVar[Mapping[str, Severity]] = {"accepted-finding-unused": Severity.INFO}

    def check(self, context: ValidationContext) -> Iterator[Finding]:
        return iter(())

    def apply(
        self,
        context: ValidationContext,
        findings: Iterable[Finding],
        switched_off: frozenset[str],
    ) -> tuple[list[Finding], list[ReviewedFinding]]:
        """Split *findings* into kept ones and accepted ones; add unused acceptances."""
        records = context.concept.accepted_findings
        wanted: dict[tuple[str, str], int] = {}
        for index, record in enumerate(records):
            wanted.setdefault((record.code, normalise_subject(record.subject)), index)
        kept: list[Finding] = []
        reviewed: list[ReviewedFinding] = []
        used: set[int] = set()
        for finding in findings:
            match: int | None = None
            if finding.subject is not None and finding.severity is not Severity.ERROR:
                match = wanted.get((finding.code, normalise_subject(finding.subject)))
            if match is None:
                kept.append(finding)
            else:
                used.add(match)
                reviewed.append(ReviewedFinding(finding=finding, acceptance=records[match]))
        if "accepted-finding-unused" not in switched_off:
            for position, record in enumerate(records):
                if position not in used and record.code not in switched_off:
                    kept.append(
                        self.emit(
                            context,
                            "accepted-finding-unused",
                            f"accepted_findings[{position}]",
                            accepted_code=record.code,
                            subject=record.subject,
                            date=context.format_date(record.date),
                        )
                    )
        return kept, reviewed
