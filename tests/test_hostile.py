"""Hostile inputs found by the eighth session's hostile tester: each crashed a command
(exit code 70) or hung it; each now gives a finding or a correct output."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from helpers import run_cli
from kommunale_integration._i18n import format_number, room_for
from kommunale_integration._parse import MAX_DIGITS, ParseError, check_digits, parse_decimal

pytestmark = pytest.mark.usefixtures("english_messages")

EXAMPLE = Path(__file__).parent.parent / "examples" / "stadt_coesfeld"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example") / "konzept"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("cases.csv", "events.csv"))
    return root


def _copy(example: Path, tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "konzept"
    shutil.copytree(example, folder)
    text = (folder / file).read_text("utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new), "utf-8")
    return folder


# --------------------------------------------------------------------------- size of numbers


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        (f"1e{MAX_DIGITS - 1}", True),  # MAX_DIGITS digits before the point
        (f"1e{MAX_DIGITS}", False),  # one more: eight characters, 4,301 digits
        ("1e999999", False),
        (f"1e-{MAX_DIGITS}", True),
        (f"1e-{MAX_DIGITS + 1}", False),
        ("1e-999999999", False),
        ("0e-999999999", True),  # zero has no digits to print
    ],
)
def test_a_number_with_too_many_digits_is_refused_also_through_an_exponent(
    text: str, accepted: bool
) -> None:
    if accepted:
        assert parse_decimal(text) == Decimal(text)
        assert check_digits(Decimal(text)) == Decimal(text)
        return
    with pytest.raises(ParseError) as info:
        parse_decimal(text)
    assert info.value.key == "too-many-digits"
    with pytest.raises(ParseError):
        check_digits(Decimal(text))


@pytest.mark.parametrize("amount", ["1e4300", "1e-4301"])
def test_the_model_refuses_an_amount_no_report_can_print(amount: str) -> None:
    with pytest.raises(ki.InvalidValueError, match="more than 4300 digits"):
        ki.Funding(id="f", provider="Land NRW", programme="KOMM-AN", amount=Decimal(amount))
    with pytest.raises(ki.InvalidValueError, match="more than 4300 digits"):
        ki.Offer(id="o", name="O", actor="a", cost=Decimal(amount))


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**60), max_value=10**60),
    st.sampled_from([None, 0, 1, 2]),
    st.sampled_from(["de", "en"]),
)
def test_format_number_prints_every_number_with_its_digits(
    number: Decimal, decimals: int | None, lang: str
) -> None:
    text = format_number(number, decimals, lang=lang)
    group, point = (".", ",") if lang == "de" else (",", ".")
    whole, _, fraction = text.replace(group, "").partition(point)
    # the printed whole part is the number's, rounded half up at the last printed place
    places = len(fraction)
    assert decimals is None or places == decimals
    with room_for(number, places):
        expected = abs(number).quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    assert Decimal(whole.lstrip("-") + ("." + fraction if fraction else "")) == expected


def test_amounts_beyond_28_digits_are_printed_in_every_output(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Decimal's 28 digits made babel's rounding fail: directory and diff exited with 70
    big = "123456789012345678901234567890,55"
    folder = _copy(example, tmp_path, "angebote.csv", ";0;25;", f";{big};25;")
    code, _, err = run_cli(
        capsys, "directory", folder, "--output", tmp_path / "site", "--lang", "de"
    )
    assert code == 0, err
    page = (tmp_path / "site" / "de" / "akteure" / "vhs-coesfeld.html").read_text("utf-8")
    assert "123.456.789.012.345.678.901.234.567.890,55" in page
    code, out, err = run_cli(capsys, "diff", example, folder)
    assert code == 0, err
    assert "Kosten: 0 → 123.456.789.012.345.678.901.234.567.890,55" in out


@pytest.mark.parametrize("value", ["1e-30", "99999999999999999999999999999999", "1e4299"])
def test_extreme_indicator_values_give_a_report(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # a relative change or an attainment of more than 28 digits failed to round, and a
    # value beyond 10^308 made the chart's float infinite (exit code 70 each)
    folder = _copy(example, tmp_path, "konzept.yaml", 'value: "14"', f'value: "{value}"')
    text = (folder / "konzept.yaml").read_text("utf-8").replace('value: "70"', f'value: "{value}"')
    (folder / "konzept.yaml").write_text(text, "utf-8")
    for output in ("r.html", "r.docx"):
        code, _, err = run_cli(
            capsys, "report", folder, "--period", "2026", "--output", tmp_path / output
        )
        assert code == 0, err
        assert (tmp_path / output).stat().st_size > 0


def test_attainment_and_change_round_numbers_of_any_size() -> None:
    from kommunale_integration._engine.derived import attainment

    reached = attainment(Decimal("1e40"), Decimal("1e-10"))
    assert reached == Decimal("1e52")
    assert reached is not None
    assert reached.as_tuple().exponent == -1
    assert attainment(Decimal(7), Decimal(10)) == Decimal("70.0")
