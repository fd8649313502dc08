"""Validation of values the model stores as text: schedules, languages, catalogue codes,
indicator expressions and the data elements observations refer to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    Concept,
    ExpressionError,
    Indicator,
    Observation,
    Severity,
    parse_expression,
    validate,
)
from test_validation import TODAY, Y2026, _clean

DUELMEN = "05558016"  # as in test_validation


def _codes(concept: Concept, **kw: Any) -> list[str]:
    return [
        f.code for f in validate(concept, "steuerung", today=TODAY, period=Y2026, **kw).findings
    ]


def _one(concept: Concept, code: str, lang: str = "de") -> Any:
    report = validate(concept, "steuerung", today=TODAY, period=Y2026, lang=lang)
    found = report.by_code(code)
    assert len(found) == 1, report.to_text()
    return found[0]


def _with_offer(**changes: Any) -> Concept:
    concept = _clean()
    offers = list(concept.offers)
    offers[0] = attrs.evolve(offers[0], **changes)
    return concept.evolve(offers=tuple(offers))


def test_clean_concept_has_none_of_these_findings() -> None:
    assert _codes(_clean()) == []


# --------------------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    "rule",
    ["every tuesday", "FREQ=WEEKLY;BYDAY=XX", "BYDAY=TU", "FREQ=HOURLY", "FREQ=WEEKLY;BYHOUR=10"],
)
def test_schedule_that_is_no_rrule_is_an_error(rule: str) -> None:
    finding = _one(_with_offer(schedule=rule), "invalid-schedule")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "offers[0].schedule"
    assert f"„{rule}“ ist keine Terminregel nach RFC 5545" in finding.message


@pytest.mark.parametrize(
    "rule", ["FREQ=WEEKLY;BYDAY=TU", "RRULE:FREQ=MONTHLY;BYDAY=1MO", "FREQ=WEEKLY;UNTIL=20261231"]
)
def test_valid_rrule_passes(rule: str) -> None:
    assert "invalid-schedule" not in _codes(_with_offer(schedule=rule))


# --------------------------------------------------------------------------- languages


def test_language_written_as_a_name_is_repaired_with_a_hint() -> None:
    finding = _one(_with_offer(languages=("de", "deutsch")), "invalid-language")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "offers[0].languages[1]"
    assert finding.message == (
        "Angebot „sprachkurs“: „deutsch“ ist kein Sprachcode nach ISO 639 / BCP 47; "
        "gemeint ist wohl „de“ (Deutsch)."
    )
    english = _one(_with_offer(languages=("Arabic",)), "invalid-language", lang="en")
    assert english.message.endswith("“ar” (Arabic) is probably meant.")


def test_language_without_a_guess() -> None:
    finding = _one(_with_offer(languages=("xx",)), "invalid-language")
    assert "gemeint" not in finding.message


@pytest.mark.parametrize("tag", ["de", "ar", "uk", "fa", "ti", "ku", "sr-Latn", "pt-BR", "es-419"])
def test_language_tags_pass(tag: str) -> None:
    assert "invalid-language" not in _codes(_with_offer(languages=(tag,)))


@pytest.mark.parametrize("tag", ["d", "deu-", "de_DE", "de-Germany", "zz", "de-DE-x", "1de"])
def test_malformed_tags_are_errors(tag: str) -> None:
    assert "invalid-language" in _codes(_with_offer(languages=(tag,)))


# --------------------------------------------------------------------------- catalogues


def test_unknown_actor_category_and_target_group() -> None:
    concept = _clean()
    actors = list(concept.actors)
    actors[0] = attrs.evolve(actors[0], category="no-such-category")
    actors[1] = attrs.evolve(actors[1], category="welfre", target_groups=("frauen", "fraun"))
    concept = concept.evolve(actors=tuple(actors))
    report = validate(concept, "steuerung", today=TODAY, period=Y2026)
    categories = report.by_code("unknown-category")
    assert [f.location.path for f in categories] == ["actors[0].category", "actors[1].category"]
    assert categories[0].severity is Severity.WARNING
    assert "gemeint" not in categories[0].message
    assert categories[1].message.endswith("gemeint ist wohl „welfare“.")
    (group,) = report.by_code("unknown-target-group")
    assert group.location.path == "actors[1].target_groups[1]"
    assert group.message.endswith("gemeint ist wohl „frauen“.")
    assert "unknown-target-group" in _codes(_with_offer(target_groups=("nobody",)))


# --------------------------------------------------------------------------- expressions


def _with_indicator(numerator: str, denominator: str | None = None, **obs: str) -> Concept:
    concept = _clean()
    indicator = Indicator(
        id="quote-ausdruck", name="Ausdruck", numerator=numerator, denominator=denominator
    )
    values = tuple(
        Observation(indicator=name, period=Y2026, territory=ags, value=Decimal(value))
        for name, value in obs.items()
        for ags in (concept.territory, *(t.ags for t in concept.municipalities()))
    )
    return concept.evolve(
        indicators=(*concept.indicators, indicator),
        observations=(*concept.observations, *values),
    )


@pytest.mark.parametrize("text", ["x ** 2", "x // 2", "abs(x)", "x +", "x if x else 1", "'a'"])
def test_expression_the_engine_refuses_is_an_error(text: str) -> None:
    finding = _one(_with_indicator(text, x="1"), "invalid-expression")
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "indicators[2].numerator"
    with pytest.raises(ExpressionError):
        parse_expression(text)


def test_expression_with_an_unknown_data_element() -> None:
    concept = _with_indicator("vhs_participants", "population_foreign", vhs_participants="5")
    finding = _one(concept, "unknown-data-element")
    assert finding.location.path == "indicators[2].denominator"
    assert "„population_foreign“" in finding.message


def test_data_element_observations_are_valid_references() -> None:
    concept = _with_indicator(
        "vhs_participants / population_foreign * 1000",
        vhs_participants="5",
        population_foreign="2000",
    )
    codes = _codes(concept)
    assert "unknown-reference" not in codes
    assert "unknown-data-element" not in codes
    # An observation of a code that is neither an indicator nor a data element still is.
    stray = concept.evolve(
        observations=(
            *concept.observations,
            Observation(
                indicator="nobody_uses_this", period=Y2026, territory=DUELMEN, value=Decimal(1)
            ),
        )
    )
    assert _codes(stray).count("unknown-reference") == 1


@given(st.text(alphabet="ab12+-*/() .", max_size=12))
def test_rule_and_engine_agree_on_every_expression(text: str) -> None:
    try:
        parse_expression(text)
        engine_ok = True
    except ExpressionError:
        engine_ok = False
    if not text.strip():
        return  # an empty numerator is refused by the model already
    concept = _with_indicator(text, a="1", b="2")
    assert ("invalid-expression" not in _codes(concept)) is engine_ok


def test_offer_schedule_check_uses_the_same_parser_as_meetings() -> None:
    from kommunale_integration import MeetingSchedule
    from kommunale_integration._errors import InvalidValueError

    for rule in ("every tuesday", "FREQ=WEEKLY;BYHOUR=10", "FREQ=WEEKLY;BYDAY=TU"):
        try:
            MeetingSchedule(rrule=rule, dtstart=TODAY)
            meeting_ok = True
        except InvalidValueError:
            meeting_ok = False
        assert ("invalid-schedule" not in _codes(_with_offer(schedule=rule))) is meeting_ok


def test_languages_are_named_in_any_page_language_through_one_function() -> None:
    from kommunale_integration._languages import language_name
    from kommunale_integration._reports._format import Formatter
    from kommunale_integration._reports._wegweiser import WegweiserText

    assert language_name("ar", "de") == "Arabisch"
    assert language_name("ar", "en") == "Arabic"
    assert language_name("de", "uk") == "німецька"
    assert language_name("sr-Latn", "de") == "Serbisch"
    assert language_name("xx", "de") == "xx"
    assert Formatter("en").language("ti") == language_name("ti", "en")
    assert WegweiserText("tr").language("uk") == language_name("uk", "tr")
