"""The converter: round trips for every model type and collected errors with paths."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import testing

# These tests read the English message ids; German is checked in test_messages.py.
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.mark.parametrize("cls", list(testing.STRATEGIES), ids=lambda c: c.__name__)
def test_round_trip_every_type(cls: type) -> None:
    @given(testing.STRATEGIES[cls])
    def check(obj: Any) -> None:
        data = ki.unstructure(obj)
        assert ki.structure(data, cls) == obj
        assert ki.loads_json(ki.dumps_json(obj), cls) == obj
        assert ki.loads_yaml(ki.dumps_yaml(obj), cls) == obj

    check()


@given(st.from_type(ki.Offer))
def test_strategies_are_registered_with_hypothesis(offer: ki.Offer) -> None:
    assert isinstance(offer, ki.Offer)


def test_wire_format_decisions() -> None:
    obs = ki.Observation(
        indicator="placements",
        period=ki.ReportPeriod.parse("SJ2025/26"),
        territory="05558012",
        value=Decimal("12.5"),
        disaggregation={"sex": "f"},
    )
    data = ki.unstructure(obs)
    assert data == {
        "indicator": "placements",
        "period": "SJ2025/26",
        "territory": "05558012",
        "value": "12.5",
        "disaggregation": {"sex": "f"},
    }
    json.dumps(data)  # plain data only


def test_german_input_forms_are_accepted() -> None:
    funding = ki.structure(
        {
            "id": "zusammenkommen",
            "programme": "Zusammenkommen und Verstehen",
            "provider": "Land NRW",
            "amount": "20.000,00",
            "period": {"start": "01.01.2016", "end": "31.12.2016"},
            "per_year": "nein",
        },
        ki.Funding,
    )
    assert funding.amount == Decimal("20000")
    assert funding.period is not None
    assert funding.period.end is not None
    assert funding.period.end.isoformat() == "2016-12-31"
    assert funding.per_year is False


def test_all_errors_are_collected_with_paths() -> None:
    data = {
        "id": "k",
        "title": "K",
        "territory": "05558",
        "measures": [
            {"id": "m1", "title": "ok", "field": "sprache"},
            {"id": "m2", "title": "bad", "field": "sprache", "history": [{"date": "2016-13-01"}]},
            {
                "id": "m3",
                "title": "bad",
                "field": "sprache",
                "timeframe": {"start": "2017-01-01", "end": "2016-01-01"},
            },
        ],
        "actors": [{"id": "a", "nmae": "typo"}],
        "offers": [{"id": "o", "name": "O", "actor": "a", "cost": "free"}],
    }
    with pytest.raises(ki.LoadError) as info:
        ki.structure(data, ki.Concept, file="konzept.yaml")
    paths = {f.location.path: f for f in info.value.findings}
    assert all(f.location.file == "konzept.yaml" for f in info.value.findings)
    assert "measures[1].history[0].date" in paths
    assert "measures[1].history[0].status" in paths
    assert paths["measures[1].history[0].status"].code == "missing-value"
    assert "measures[2].timeframe.end" in paths
    assert paths["actors[0]"].code == "unknown-key"
    assert "nmae" in paths["actors[0]"].message
    assert "offers[0].cost" in paths
    assert "free" in paths["offers[0].cost"].message


def test_unknown_enum_value_lists_allowed_values() -> None:
    with pytest.raises(ki.LoadError) as info:
        ki.structure({"date": "2016-01-01", "status": "fertig"}, ki.StatusChange)
    (finding,) = info.value.findings
    assert finding.location.path == "status"
    assert "'completed'" in finding.message
    assert "fertig" in finding.message


def test_invalid_json_and_yaml_report_the_line() -> None:
    with pytest.raises(ki.LoadError) as info:
        ki.loads_json('{"id": "x",\n "name": }', ki.Actor, file="a.json")
    assert info.value.findings[0].location.row == 2
    assert info.value.findings[0].code == "invalid-json"
    with pytest.raises(ki.LoadError) as info:
        ki.loads_yaml("id: x\nname: [unclosed\n", ki.Actor, file="a.yaml")
    assert info.value.findings[0].code == "invalid-yaml"
    assert info.value.findings[0].location.file == "a.yaml"


def test_yaml_python_tags_are_refused() -> None:
    with pytest.raises(ki.LoadError) as info:
        ki.loads_yaml("!!python/object/apply:os.system ['echo hi']", ki.Actor)
    assert info.value.findings[0].code == "invalid-yaml"


def test_datetime_is_not_a_date() -> None:
    with pytest.raises(ki.LoadError) as info:
        ki.loads_yaml("date: 2016-01-01 10:00:00\nstatus: planned\n", ki.StatusChange)
    assert "without time" in info.value.findings[0].message


def test_yaml_dump_is_readable() -> None:
    text = ki.dumps_yaml(ki.Actor(id="vhs", name="VHS Coesfeld", fields=("sprache",)))
    assert yaml.safe_load(text) == {"id": "vhs", "name": "VHS Coesfeld", "fields": ["sprache"]}


def test_unquoted_yes_no_votes_from_yaml() -> None:
    text = "id: d\nbody: Kreistag\ndate: 2015-09-23\nvotes: {yes: 9, no: 0, abstain: 0}\n"
    decision = ki.loads_yaml(text, ki.Decision)
    assert decision.votes == ki.Votes(yes=9, no=0, abstain=0)


def test_non_text_unknown_keys_are_a_finding() -> None:
    with pytest.raises(ki.LoadError) as info:
        ki.loads_yaml("short: KI\nlong: Integrationszentrum\ntrue: 1\n", ki.Abbreviation)
    assert info.value.findings[0].code == "unknown-key"
    assert "key(s) true (" in info.value.findings[0].message  # as written, not True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "funding: empty; write [] for an empty list"),
        (" 5", "funding: expected a list, got 5"),
        (" true", "funding: expected a list, got True"),
    ],
)
def test_a_list_key_left_empty_says_what_to_write(value: str, message: str) -> None:
    """``funding:`` left empty once the template's commented example is removed: a
    finding that says what to write, not Python's "'NoneType' object is not iterable"."""
    text = f'id: k\ntitle: T\nterritory: "05558"\nfunding:{value}\n'
    with pytest.raises(ki.LoadError) as caught:
        ki.loads_yaml(text, ki.Concept)
    shown = [str(f) for f in caught.value.findings]
    assert any(s.endswith(message) for s in shown), shown
    assert not any("not iterable" in s for s in shown)


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ('"27:3:2"', ki.Votes(yes=27, no=3, abstain=2)),
        ("27:3:2:1", ki.Votes(yes=27, no=3, abstain=2, recused=1)),
        ("{yes: 9, no: 0, abstain: 0}", ki.Votes(yes=9)),
    ],
)
def test_votes_in_the_notation_they_are_printed_in(votes: str, expected: ki.Votes) -> None:
    """``str(Votes)`` writes ``27:3:2``; a council officer copies it from the minutes."""
    text = f"id: d\nbody: Rat\ndate: 2026-03-19\nvotes: {votes}\n"
    decision = ki.loads_yaml(text, ki.Decision)
    assert decision.votes == expected
    assert ki.loads_yaml(f'id: d\nbody: Rat\ndate: 2026-03-19\nvotes: "{expected}"\n', ki.Decision)


def _only_finding(text: str, cls: type[Any], path: str) -> ki.Finding:
    """The one finding of loading *text* as *cls*, at *path*."""
    with pytest.raises(ki.LoadError) as caught:
        ki.loads_yaml(text, cls)
    (finding,) = caught.value.findings
    assert finding.location.path == path
    return finding


@pytest.mark.parametrize("votes", ['"27:3"', "27", "[27, 3, 2]", '"27:3:2:1:0"', '"٢٧:3:2"'])
def test_votes_that_are_no_vote_say_how_to_write_one(votes: str) -> None:
    text = f"id: d\nbody: Rat\ndate: 2026-03-19\nvotes: {votes}\n"
    finding = _only_finding(text, ki.Decision, "votes")
    assert "expected the votes as yes:no:abstain (27:3:2) or {yes: 27" in finding.message
    assert "attribute" not in finding.message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"FREQ=WEEKLY"', "expected keys and values (key: value), got 'FREQ=WEEKLY'"),
        ("[1, 2]", "expected keys and values (key: value), got [1, 2]"),
    ],
)
def test_a_single_value_where_keys_belong_says_so(value: str, message: str) -> None:
    """A meeting rule written as the bare RRULE: not "'str' object has no attribute
    'keys'"."""
    text = f"id: n\nname: Netzwerk\nkind: round-table\nschedule: {value}\n"
    with pytest.raises(ki.LoadError) as caught:
        ki.loads_yaml(text, ki.Network)
    shown = [f.message for f in caught.value.findings]
    assert message in shown, shown


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2026", "2026-01-01", "2026-12-31"),
        ('"2026"', "2026-01-01", "2026-12-31"),
        ("2026-H2", "2026-07-01", "2026-12-31"),
        ("SJ2025/26", "2025-08-01", "2026-07-31"),
        ("2025-01-01/2026-12-31", "2025-01-01", "2026-12-31"),
        ("{start: 2026-01-01, end: 2027-12-31}", "2026-01-01", "2027-12-31"),
        ("{start: 2026-01-01}", "2026-01-01", None),
    ],
)
def test_a_grant_period_in_report_period_notation(period: str, start: str, end: str | None) -> None:
    """A grant for the year 2026 is written ``period: 2026``, as every report period."""
    text = f'id: f\nprogramme: P\nprovider: Land\namount: "100"\nperiod: {period}\n'
    grant = ki.loads_yaml(text, ki.Funding)
    assert grant.period == ki.DateRange(
        start=date.fromisoformat(start), end=date.fromisoformat(end) if end else None
    )
    # written back as a span, which reads again the same
    assert ki.loads_yaml(ki.dumps_yaml(grant), ki.Funding) == grant
    measure = ki.loads_yaml(f"id: m\ntitle: M\nfield: f\ntimeframe: {period}\n", ki.Measure)
    assert measure.timeframe == grant.period


@pytest.mark.parametrize("period", ['"2026-13"', "2026.5", "true", "[2026]", '"nächstes Jahr"'])
def test_a_period_that_is_none_says_how_to_write_one(period: str) -> None:
    text = f'id: f\nprogramme: P\nprovider: Land\namount: "100"\nperiod: {period}\n'
    finding = _only_finding(text, ki.Funding, "period")
    assert "expected a period as {start: 2026-01-01, end: 2026-12-31} or as a report" in (
        finding.message
    )
