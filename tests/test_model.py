"""Invariants of the domain model: invalid constructions fail naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

import kommunale_integration as ki
from kommunale_integration import testing

# These tests read the English message ids; German is checked in test_messages.py.
pytestmark = pytest.mark.usefixtures("english_messages")

MODEL_TYPES = [cls for cls in testing.STRATEGIES if cls.__module__.startswith("kommunale")]


@pytest.mark.parametrize("cls", MODEL_TYPES, ids=lambda c: c.__name__)
def test_every_model_type_is_frozen_slotted_and_documented(cls: type) -> None:
    assert attrs.has(cls)
    assert "__slots__" in cls.__dict__
    assert cls.__doc__
    assert len(cls.__doc__.strip()) > 10
    assert getattr(ki, cls.__name__) is cls


def test_frozen_objects_refuse_assignment() -> None:
    actor = ki.Actor(id="drk-coesfeld", name="DRK Kreisverband Coesfeld")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        actor.name = "other"  # type: ignore[misc]


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        ki.Votes(9, 0, 0)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("build", "field", "text"),
    [
        (lambda: ki.Territory(ags="1234", name="X", kind="municipality"), "ags", "1234"),
        (lambda: ki.Territory(ags="0555801A", name="X", kind="municipality"), "ags", "0555801A"),
        (lambda: ki.Territory(ags="05558", name="X", kind="municipality"), "ags", "8 digits"),
        (
            lambda: ki.Territory(ags="05558012", name="X", kind="town", parent="05566"),
            "parent",
            "prefix",
        ),
        (
            lambda: ki.Funding(id="f", programme="P", provider="Bund", amount=Decimal("-1")),
            "amount",
            "not negative",
        ),
        (
            lambda: ki.Funding(id="f", programme="P", provider="Bund", amount=Decimal("NaN")),
            "amount",
            "finite amount",
        ),
        (
            lambda: ki.Funding(id="f", programme="P", provider="Bund", amount=Decimal("1E+400")),
            "amount",
            "below one trillion",
        ),
        (
            lambda: ki.Funding(id="f", programme="P", provider="Bund", amount=Decimal("0.001")),
            "amount",
            "at most two decimal places",
        ),
        (
            lambda: ki.Funding(id="f", programme="P", provider="Bund", amount=100),  # type: ignore[arg-type]
            "amount",
            "Decimal",
        ),
        (lambda: ki.DateRange(start=date(2017, 1, 1), end=date(2016, 1, 1)), "end", "before"),
        (
            lambda: ki.Offer(
                id="o", name="O", actor="a", valid_from=date(2020, 2, 1), valid_to=date(2020, 1, 1)
            ),
            "valid_to",
            "before",
        ),
        (lambda: ki.StaffPosition(role="Sozialarbeit", fte=Decimal("-0.5")), "fte", "negative"),
        (lambda: ki.Votes(yes=-1), "yes", "from 0 to 999999999, got -1"),
        (lambda: ki.Contact(role="Beratung", email="not-an-email"), "email", "e-mail"),
        (lambda: ki.Contact(role="Beratung", web="javascript:alert(1)"), "web", "URL"),
        (lambda: ki.Contact(role="Beratung", phone="call me"), "phone", "phone"),
        (ki.Contact, "name", "name or a role"),
        (lambda: ki.Actor(id="DRK Coesfeld!", name="DRK"), "id", "identifier"),
        (lambda: ki.Actor(id="drk", name="  "), "name", "empty"),
        (lambda: ki.Eligibility(min_age=18, max_age=10), "max_age", "below"),
        (lambda: ki.CaseCount(count="events"), "events", "at least one"),
        (
            lambda: ki.Observation(
                indicator="x", period=ki.ReportPeriod.parse("2026"), territory="all"
            ),
            "value",
            "required",
        ),
        (
            lambda: ki.Network(
                id="n", name="N", founded=date(2020, 1, 1), dissolved=date(2019, 1, 1)
            ),
            "dissolved",
            "before",
        ),
    ],
)
def test_invalid_construction_names_the_field(build, field: str, text: str) -> None:
    with pytest.raises(ki.InvalidValueError) as info:
        build()
    assert info.value.field == field
    assert text in str(info.value)
    assert isinstance(info.value, ValueError)


def test_an_amount_with_trailing_zeros_is_cents() -> None:
    """``Decimal("1.230")`` is 1.23 € (a third decimal place only when it is not 0), kept
    as written; ``Decimal("1.231")`` is refused."""
    funding = ki.Funding(id="f", programme="P", provider="Bund", amount=Decimal("1.230"))
    assert str(funding.amount) == "1.230"
    with pytest.raises(ki.InvalidValueError, match="amount"):
        ki.Funding(id="f", programme="P", provider="Bund", amount=Decimal("1.231"))


def test_measure_status_history() -> None:
    measure = ki.Measure(
        id="early-intervention",
        title="Early Intervention NRW+",
        field="arbeitsmarkt",
        history=(
            ki.StatusChange(date=date(2016, 3, 1), status="ongoing"),
            ki.StatusChange(date=date(2015, 11, 1), status="planned"),
        ),
    )
    assert measure.status is ki.MeasureStatus.ONGOING
    assert measure.status_on(date(2015, 12, 24)) is ki.MeasureStatus.PLANNED
    assert measure.status_on(date(2015, 1, 1)) is None
    assert ki.Measure(id="m", title="M", field="f").status is ki.MeasureStatus.RECOMMENDED


def test_staff_positions_of_the_ki() -> None:
    ki_actor = ki.Actor(
        id="ki-coesfeld",
        name="Kommunales Integrationszentrum Kreis Coesfeld",
        staff=(
            ki.StaffPosition(role="Sozialarbeit/Sozialwissenschaft", fte=Decimal(2)),
            ki.StaffPosition(role="Verwaltung", fte=Decimal(1)),
            ki.StaffPosition(role="Assistenz", fte=Decimal("0.5")),
            ki.StaffPosition(role="Lehrkraft", fte=Decimal(2), seconded=True),
        ),
    )
    assert ki_actor.fte_total == Decimal("5.5")


def test_votes() -> None:
    votes = ki.Votes(yes=9)
    assert votes.unanimous
    assert str(votes) == "9:0:0"
    assert not ki.Votes(yes=5, no=1).unanimous


def test_concept_lookups_and_revision() -> None:
    territories = ki.default_territories()
    concept = ki.Concept(
        id="kreis-coesfeld",
        title="Integrationskonzept",
        territory="05558",
        version="2016",
        territories=territories,
        actors=[ki.Actor(id="drk", name="DRK"), ki.Actor(id="caritas", name="Caritas")],
        offers=[ki.Offer(id="kurs", name="Sprachkurs", actor="drk")],
    )
    assert concept.actor("caritas").name == "Caritas"  # type: ignore[union-attr]
    assert concept.actor("missing") is None
    assert concept.get("offers", "kurs").actor == "drk"
    assert concept.offers_of("drk")[0].id == "kurs"
    assert len(concept.municipalities()) == 11
    assert {t.name for t in concept.children("05558")} >= {"Coesfeld", "Dülmen"}
    assert concept.territory_of("05558012").district == "05558"  # type: ignore[union-attr]
    # the concept's own territory and what lies under it; not its Land, not a neighbour
    assert concept.covers("05558")
    assert concept.covers("05558012")
    assert not concept.covers("05")
    assert not concept.covers("05554008")
    revised = concept.evolve(version="2026", predecessor="2016")
    assert revised.predecessor == concept.version
    assert revised.actor("drk") == concept.actor("drk")
    with pytest.raises(KeyError, match="unknown collection"):
        concept.get("people", "x")


def test_date_range_membership_and_overlap() -> None:
    a = ki.DateRange(start=date(2016, 1, 1), end=date(2016, 12, 31))
    assert date(2016, 2, 29) in a
    assert date(2017, 1, 1) not in a
    assert a.overlaps(ki.DateRange(start=date(2016, 12, 31)))
    assert not a.overlaps(ki.DateRange(end=date(2015, 12, 31)))
    assert ki.DateRange().overlaps(a)


def _model_objects(obj: object, found: dict[type, object]) -> None:
    if isinstance(obj, tuple | list):
        for item in obj:
            _model_objects(item, found)
    elif attrs.has(type(obj)) and type(obj).__module__.startswith("kommunale_integration"):
        found.setdefault(type(obj), obj)
        for field in attrs.fields(type(obj)):
            _model_objects(getattr(obj, field.name), found)


def _required_text_fields() -> list[tuple[object, str]]:
    import warnings

    from hypothesis.errors import NonInteractiveExampleWarning

    found: dict[type, object] = {ki.Concept: ki.Concept(id="k", title="T", territory="05558")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        for cls, strategy in testing.STRATEGIES.items():
            if cls is not ki.Concept:  # its parts are drawn on their own
                _model_objects(strategy.example(), found)
    return [
        (obj, field.name)
        for cls, obj in sorted(found.items(), key=lambda item: item[0].__name__)
        for field in attrs.fields(cls)
        if field.init and field.type in ("str", str)
    ]


REQUIRED_TEXT = _required_text_fields()


def test_every_required_text_field_is_covered() -> None:
    classes = {type(obj).__name__ for obj, _ in REQUIRED_TEXT}
    assert len(REQUIRED_TEXT) >= 22
    assert {"Actor", "Offer", "Territory", "Measure", "Goal"} <= classes


@pytest.mark.parametrize(
    ("obj", "name"), REQUIRED_TEXT, ids=[f"{type(o).__name__}.{n}" for o, n in REQUIRED_TEXT]
)
def test_required_text_fields_refuse_none(obj: object, name: str) -> None:
    with pytest.raises(ki.InvalidValueError) as info:
        attrs.evolve(obj, **{name: None})  # type: ignore[misc]
    assert info.value.field == name
