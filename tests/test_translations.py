"""Translated texts of offers: the ``missing-translation`` finding."""

from __future__ import annotations

import attrs
import pytest

import kommunale_integration as ki
from kommunale_integration._validation._translations import missing_translations
from test_report_data import TODAY, sample_concept

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")


def _offer(**changes: object) -> ki.Offer:
    base = ki.Offer(id="treff", name="Treff", actor="vhs", description="Gespräche")
    return attrs.evolve(base, **changes)


def test_missing_texts_per_language() -> None:
    offer = _offer(
        eligibility=ki.Eligibility(note="mit Termin"),
        translations={"uk": ki.Translation(name="Зустріч", description="Розмови")},
    )
    assert missing_translations(offer, ("uk", "ar", "de")) == {
        "uk": ("eligibility",),
        "ar": ("name", "description", "eligibility"),
    }
    complete = attrs.evolve(
        offer,
        translations={
            "uk": ki.Translation(name="Зустріч", description="Розмови", eligibility="за записом")
        },
    )
    assert missing_translations(complete, ("uk",)) == {}
    # A text the offer does not have in German needs no translation.
    assert missing_translations(_offer(description=None), ("ar",)) == {"ar": ("name",)}


def _findings(concept: ki.Concept, lang: str = "de") -> list[ki.Finding]:
    report = ki.validate(concept, "konzept", today=TODAY, lang=lang)
    return [f for f in report.findings if f.code == "missing-translation"]


def test_finding_names_offer_languages_and_texts() -> None:
    concept = sample_concept()
    assert _findings(concept) == []  # no languages declared: nothing to report
    declared = concept.evolve(languages=("ar", "uk"))
    found = _findings(declared)
    assert len(found) == len(concept.offers)
    first = next(f for f in found if "sprachcafe-ascheberg" in f.message)
    assert first.severity is ki.Severity.WARNING
    assert "Arabisch (Name, Zeiten)" in first.message
    assert "Ukrainisch (Name, Zeiten)" in first.message
    english = next(f for f in _findings(declared, "en") if "sprachcafe" in f.message)
    assert "Arabic (name, times)" in english.message


def test_translated_offer_is_not_reported() -> None:
    concept = sample_concept()
    offers = tuple(
        attrs.evolve(o, translations={"uk": ki.Translation(name="X", schedule_note="Y")})
        if o.id == "sprachcafe-ascheberg"
        else o
        for o in concept.offers
    )
    found = _findings(concept.evolve(offers=offers, languages=("uk",)))
    assert not any("sprachcafe-ascheberg" in f.message for f in found)
    assert len(found) == len(concept.offers) - 1


def test_concept_languages_are_codes() -> None:
    with pytest.raises(ki.InvalidValueError, match="language codes"):
        sample_concept().evolve(languages=("Arabisch",))
    with pytest.raises(ki.InvalidValueError, match="only once"):
        sample_concept().evolve(languages=("ar", "ar"))
