"""Accepted findings: a reviewed warning or hint leaves the findings, with its reason."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import attrs
import pytest

from kommunale_integration import (
    AcceptedFinding,
    Concept,
    Contact,
    Offer,
    Severity,
    dumps_yaml,
    load_concept,
    validate,
)
from kommunale_integration._cli import main
from kommunale_integration._validation._accepted import normalise_subject
from test_validation import DUELMEN, TODAY, Y2026, _clean

REVIEWED = date(2026, 10, 1)


def _twin(**changes: object) -> Offer:
    return attrs.evolve(
        Offer(
            id="sprachtreff",
            name="Sprachtreff",
            actor="kreis",
            fields=("sprache",),
            territories=(DUELMEN,),
            contacts=(Contact(role="Treff", phone="+49 2594 1234"),),
            last_verified=date(2026, 1, 1),
        ),
        **changes,
    )


def _with_duplicate(*accepted: AcceptedFinding) -> Concept:
    clean = _clean()
    return clean.evolve(offers=(*clean.offers, _twin()), accepted_findings=accepted)


def _accept(code: str, subject: str) -> AcceptedFinding:
    return AcceptedFinding(
        code=code,
        subject=subject,
        reason="Zwei Stadtteile, gewollt.",
        date=REVIEWED,
        by="Steuerungsgruppe",
    )


def test_finding_names_its_subject() -> None:
    report = validate(_with_duplicate(), "steuerung", today=TODAY, period=Y2026)
    (finding,) = report.by_code("duplicate-structure-unconfirmed")
    assert finding.subject == "sprachkurs+sprachtreff"
    assert json.loads(report.to_json())["findings"][0]["subject"] == "sprachkurs+sprachtreff"


@pytest.mark.parametrize("subject", ["sprachkurs+sprachtreff", "sprachtreff + sprachkurs"])
def test_accepted_finding_leaves_the_findings(subject: str) -> None:
    concept = _with_duplicate(_accept("duplicate-structure-unconfirmed", subject))
    report = validate(concept, "steuerung", today=TODAY, period=Y2026)
    assert report.findings == ()
    (item,) = report.accepted
    assert item.finding.code == "duplicate-structure-unconfirmed"
    assert item.acceptance.reason == "Zwei Stadtteile, gewollt."
    text = report.to_text()
    assert text.splitlines()[0].startswith("Akzeptiert: offers[2]: Vielleicht eine Doppelstruktur")
    assert (
        "Begründung: Zwei Stadtteile, gewollt. (geprüft am 01.10.2026 von Steuerungsgruppe)" in text
    )
    assert text.endswith("0 Fehler, 0 Warnungen, 0 Hinweise, 1 akzeptiert.")
    assert report.to_text("en").endswith("0 errors, 0 warnings, 0 infos, 1 accepted.")
    data = json.loads(report.to_json())
    assert data["accepted"][0]["acceptance"] == {
        "reason": "Zwei Stadtteile, gewollt.",
        "date": "2026-10-01",
        "by": "Steuerungsgruppe",
    }


def test_acceptance_of_another_code_or_subject_does_not_match() -> None:
    for record in (
        _accept("duplicate-structure", "sprachkurs+sprachtreff"),
        _accept("duplicate-structure-unconfirmed", "sprachkurs+jobcafe"),
    ):
        report = validate(_with_duplicate(record), "steuerung", today=TODAY, period=Y2026)
        assert "duplicate-structure-unconfirmed" in report.codes()
        (unused,) = report.by_code("accepted-finding-unused")
        assert unused.severity is Severity.INFO
        assert unused.location.path == "accepted_findings[0]"
        assert report.accepted == ()


def test_errors_cannot_be_accepted() -> None:
    clean = _clean()
    broken = clean.evolve(
        offers=(*clean.offers, _twin(actor="nobody")),
        accepted_findings=(_accept("unknown-reference", "sprachtreff"),),
    )
    report = validate(broken, "steuerung", today=TODAY, period=Y2026)
    assert "unknown-reference" in report.codes()
    assert not report.ok
    assert "accepted-finding-unused" in report.codes()


def test_unused_acceptance_of_a_switched_off_code_is_not_reported() -> None:
    concept = _clean().evolve(accepted_findings=(_accept("coverage-gap", "05558004"),))
    report = validate(concept, today=TODAY, period=Y2026, disabled={"coverage-gap"})
    assert "accepted-finding-unused" not in report.codes()


def test_normalise_subject() -> None:
    assert normalise_subject(" b + a ") == "a+b"
    assert normalise_subject("vhs") == "vhs"


def test_accepted_findings_survive_save_and_load(tmp_path: Path) -> None:
    concept = _with_duplicate(_accept("duplicate-structure-unconfirmed", "sprachkurs+sprachtreff"))
    path = tmp_path / "konzept.yaml"
    path.write_text(dumps_yaml(concept), encoding="utf-8")
    assert load_concept(path).accepted_findings == concept.accepted_findings


def test_validate_command_shows_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    concept = _with_duplicate(_accept("duplicate-structure-unconfirmed", "sprachtreff+sprachkurs"))
    path = tmp_path / "konzept.yaml"
    path.write_text(dumps_yaml(concept), encoding="utf-8")
    main(["validate", str(path), "--period", "2026", "--profile", "steuerung"])
    out = capsys.readouterr().out
    assert "Akzeptiert: konzept.yaml" in out
    assert "1 akzeptiert." in out


# --------------------------------------------------------------------------- report


def _stadt() -> Concept:
    from kommunale_integration import example_path

    return load_concept(example_path("stadt_coesfeld"))


def _main_and_annex(text: str) -> tuple[str, str]:
    head, _, annex = text.partition("\n## Anhang")
    return head, annex


def test_report_moves_accepted_duplicate_to_the_annex() -> None:
    from kommunale_integration import build_report

    stadt = _stadt()
    day = date(2027, 1, 10)
    plain = build_report(stadt, "2026", format="md", today=day)
    main_text, annex = _main_and_annex(plain)
    assert "Sprachcafé" in main_text.split("Mögliche Doppelstrukturen")[-1]
    assert "akzeptierte Befunde" not in annex
    accepted = stadt.evolve(
        accepted_findings=(_accept("duplicate-structure", "fi-sprachcafe+drk-sprachtreff"),)
    )
    text = build_report(accepted, "2026", format="md", today=day)
    main_text, annex = _main_and_annex(text)
    assert "Mögliche Doppelstrukturen" not in main_text
    assert "Geprüfte und akzeptierte Befunde" in annex
    assert "Zwei Stadtteile, gewollt." in annex
    assert "01.10.2026, Steuerungsgruppe" in annex
    assert "„drk-sprachtreff“" in annex
    english = build_report(accepted, "2026", format="md", lang="en", today=day)
    assert "Reviewed and accepted findings" in english
    for fmt in ("html", "docx"):
        assert build_report(accepted, "2026", format=fmt, today=day)  # type: ignore[call-overload]


def test_report_disable_leaves_the_code_out() -> None:
    from kommunale_integration import ValidationConfigError, build_report

    stadt = _stadt()
    day = date(2027, 1, 10)
    text = build_report(stadt, "2026", format="md", today=day, disable=["duplicate-structure"])
    assert "Mögliche Doppelstrukturen" not in text
    assert "Geprüfte und akzeptierte Befunde" not in text
    with pytest.raises(ValidationConfigError, match="duplicate-structur"):
        build_report(stadt, "2026", format="md", today=day, disable=["duplicate-structur"])


def test_report_command_disable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kommunale_integration import example_path

    folder = str(example_path("stadt_coesfeld"))
    out = tmp_path / "bericht.md"
    args = ["report", folder, "--period", "2026", "--format", "md", "--output", str(out)]
    assert main([*args, "--disable", "duplicate-structure"]) == 0
    assert "Mögliche Doppelstrukturen" not in out.read_text(encoding="utf-8")
    assert main([*args, "--disable", "no-such-code"]) == 2
    assert "no-such-code" in capsys.readouterr().err
