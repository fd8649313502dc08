"""The model's small validators, each rule pinned on its own (:mod:`._validators`).

Each test breaks when one rule of a validator is weakened: ``None`` accepted where a
value is required, any value accepted where ``None`` is allowed, ``True`` taken for
the number 1, a month 0.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

import kommunale_integration as ki
from kommunale_integration import InvalidValueError
from kommunale_integration import _parse as p
from kommunale_integration import _validators as v


@attrs.frozen
class _Holder:
    count: int = attrs.field(validator=v.instance_of(int))
    note: str | None = attrs.field(default=None, validator=v.optional_instance_of(str))
    amount: int | Decimal | None = attrs.field(default=None, validator=v.non_negative)
    flag: bool = attrs.field(default=False, validator=v.instance_of(bool))
    colour: str = attrs.field(default="red", validator=v.one_of("red", "green"))
    level: int | None = attrs.field(default=None, validator=v.one_of(1, 2, allow_none=True))
    people: int | None = attrs.field(default=None, validator=v.count)
    years: int | None = attrs.field(default=None, validator=v.age)
    value: Decimal | None = attrs.field(default=None, validator=v.figure)


def test_valid_values_pass() -> None:
    held = _Holder(count=3, note="x", amount=Decimal("2.5"), flag=True, colour="green", level=2)
    assert (held.count, held.note, held.amount, held.flag, held.level) == (3, "x", 2.5, True, 2)
    assert _Holder(count=0, note=None, amount=None, level=None).level is None


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        # a required field refuses None
        ("count", None, "expected {kind}, got {found}"),
        ("colour", None, "expected one of {allowed}, got {found}"),
        # a field that allows None still checks every other value
        ("note", 5, "expected {kind}, got {found}"),
        ("level", 3, "expected one of {allowed}, got {found}"),
        # True and False are no numbers, though Python counts them as 1 and 0
        ("count", True, "expected {kind}, got {found}"),
        ("level", True, "expected one of {allowed}, got {found}"),
        ("amount", True, "expected a number, got {kind}"),
        ("amount", "5", "expected a number, got {kind}"),
        ("amount", -1, "expected a number that is not negative"),
        ("amount", Decimal("NaN"), "expected a finite number"),
        ("amount", Decimal("1e15"), "expected a number below 10^15 in magnitude"),
        ("amount", Decimal("1e-4301"), "a number has more than {limit} digits"),
        ("people", -1, "expected a whole number from 0 to {limit}"),
        ("people", 10**9, "expected a whole number from 0 to {limit}"),
        ("people", 5.0, "expected a whole number from 0 to {limit}"),
        ("people", Decimal(5), "expected a whole number from 0 to {limit}"),
        ("people", True, "expected a whole number from 0 to {limit}"),
        ("years", 131, "expected a whole number from 0 to {limit}"),
        ("value", Decimal("-1e15"), "expected a number below 10^15 in magnitude"),
        ("value", Decimal("-Infinity"), "expected a finite number"),
    ],
)
def test_each_validator_refuses_what_its_rule_excludes(
    field: str, value: Any, expected: str
) -> None:
    arguments: dict[str, Any] = {"count": 1, field: value}
    with pytest.raises(InvalidValueError) as caught:
        _Holder(**arguments)
    error = caught.value
    problem = error.values.get("problem")
    if problem is not None:  # a rule of _parse, named in "{problem}, got {found}"
        assert error.message_id == "{problem}, got {found}"
        assert (error.field, problem.message_id) == (field, expected)
    else:
        assert (error.field, error.message_id) == (field, expected)


def test_the_number_rules_accept_their_bounds() -> None:
    """A count reaches MAX_COUNT, an age MAX_AGE, a figure stays just below 10^15 (also
    negative, where a value may be)."""
    held = _Holder(
        count=1,
        amount=Decimal("999999999999999.9"),
        people=v.MAX_COUNT,
        years=v.MAX_AGE,
        value=Decimal("-999999999999999"),
    )
    assert (held.people, held.years) == (999_999_999, 130)
    assert _Holder(count=1, amount=Decimal(0), people=0, years=0).people == 0


def test_a_bool_field_takes_bools_only() -> None:
    assert _Holder(count=1, flag=False).flag is False
    with pytest.raises(InvalidValueError) as caught:
        _Holder(count=1, flag=1)  # type: ignore[arg-type]
    assert caught.value.values["kind"] == "bool"


@pytest.mark.parametrize("month", [1, 7, 12])
def test_a_fiscal_year_starts_in_a_calendar_month(month: int) -> None:
    concept = ki.Concept(id="k", title="K", territory="05558", fiscal_year_start=month)
    assert concept.fiscal_year_start == month


@pytest.mark.parametrize("month", [0, 13, -1, True])
def test_a_fiscal_year_start_outside_1_to_12_is_refused(month: Any) -> None:
    with pytest.raises(InvalidValueError) as caught:
        ki.Concept(id="k", title="K", territory="05558", fiscal_year_start=month)
    assert caught.value.field == "fiscal_year_start"


@attrs.frozen
class _Contact:
    phone: str | None = attrs.field(default=None, validator=v.phone)
    url: str | None = attrs.field(default=None, validator=v.url)
    ags: str | None = attrs.field(default=None, validator=v.ags)
    either: int | str = attrs.field(default=0, validator=v.instance_of((int, str)))


def _refusal(**values: Any) -> InvalidValueError:
    with pytest.raises(InvalidValueError) as caught:
        _Contact(**values)
    return caught.value


@pytest.mark.parametrize(
    "number",
    ["02541 18-0", "0251", "+49 (2541) 18/0", "0" * 32, "1.2.3.4", "+90 212 555 12 34"],
)
def test_a_phone_number_may_begin_with_0_and_has_4_to_32_characters(number: str) -> None:
    assert _Contact(phone=number).phone == number


@pytest.mark.parametrize("number", ["025", "0" * 33, "-0251", "0251-", "0251 a", "++49 251"])
def test_a_phone_number_too_short_too_long_or_of_other_characters_is_refused(
    number: str,
) -> None:
    assert _refusal(phone=number).field == "phone"


def test_a_url_keeps_its_query_and_refuses_markup_and_spaces() -> None:
    address = "https://example.org/angebote?ort=coesfeld&sprache=ar"
    assert _Contact(url=address).url == address
    for bad in ("https://example.org/<script>", "https://example.org/a b", "ftp://example.org"):
        assert _refusal(url=bad).field == "url"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a letter: no AGS of any length; non-ASCII digits (Arabic-Indic) are no digits of one
        ("0555801a", p.AGS_EXPECTED[2, 3, 5, 8]),
        ("\u0660\u0665\u0665\u0665\u0668\u0660\u0661\u0662", p.AGS_DIGITS),
        # the key with spaces around it, or a number: the key itself is asked for
        (" 05558012", p.AGS_DIGITS),
        (5558012, p.AGS_DIGITS),
        # digits of the wrong length: 8, 5, 3 or 2 (the message of parse_ags)
        ("055580", p.AGS_EXPECTED[2, 3, 5, 8]),
    ],
)
def test_an_ags_names_what_is_wrong_with_it(value: Any, expected: str) -> None:
    refusal = _refusal(ags=value)
    assert refusal.message_id == "{problem}, got {found}"
    assert (refusal.values["problem"].message_id, refusal.values["found"]) == (
        expected,
        repr(value),
    )


def test_an_ags_one_digit_short_is_refused_by_the_model_naming_the_key() -> None:
    # the loaders repair 5558012 and say so; the model asks for the key itself
    refusal = _refusal(ags="5558012")
    assert refusal.values["problem"].message_id == p.AGS_EXPECTED[2, 3, 5, 8]
    assert refusal.values["meant"] == "05558012"
    assert str(refusal) == (  # (German by default)
        "ags: erwartet einen AGS mit 8 Ziffern (Gemeinde), 5 (Kreis), 3 (Regierungsbezirk) "
        "oder 2 (Land), erhalten: '5558012'; hat er seine führende Null verloren? Schreiben "
        'Sie ihn in Anführungszeichen: "05558012"'
    )


def test_a_field_of_two_types_names_both() -> None:
    refused = _refusal(either=1.5)
    assert refused.values["kind"] == "int or str"
    assert _Contact(either="x").either == "x"


def test_a_number_given_as_text_is_quoted_in_the_refusal() -> None:
    """A count or a figure written as text (``"5"``) is quoted as text in the message,
    so that the reader sees why 5 was refused; a number is shown as written."""
    for field in ("people", "value"):
        refused = _holder_refusal(**{field: "5"})
        assert refused.values["found"] == "'5'"
    assert _holder_refusal(people=True).values["found"] == "True"
    assert _holder_refusal(people=-1).values["found"] == "-1"
    assert _holder_refusal(value=Decimal("1E+400")).values["found"] == "1E+400"


def _holder_refusal(**values: Any) -> InvalidValueError:
    with pytest.raises(InvalidValueError) as caught:
        _Holder(count=1, **values)
    return caught.value


@pytest.mark.parametrize(
    ("validator", "text"),
    [
        (v.ags, "<AGS of 2, 3, 5 or 8 digits>"),
        (v.count, "<whole number from 0 to 999999999>"),
        (v.age, "<whole number from 0 to 130>"),
        (v.figure, "<number below 10^15>"),
        (v.non_negative, "<non-negative number below 10^15>"),
        (v.money, "<Decimal EUR: not negative, cents, below 10^12>"),
        (v.slug, "<matches an identifier>"),
        (v.month, f"<one of {tuple(range(1, 13))!r}>"),
    ],
)
def test_each_validator_names_its_rule_in_its_repr(validator: object, text: str) -> None:
    assert repr(validator) == text


def test_a_span_may_begin_and_end_on_one_day() -> None:
    """Both ends are inclusive: a one-day event is a span; an end before it is not."""
    day = date(2025, 3, 1)
    assert ki.DateRange(start=day, end=day).end == day
    with pytest.raises(InvalidValueError) as caught:
        ki.DateRange(start=day, end=day - timedelta(days=1))
    assert caught.value.field == "end"
