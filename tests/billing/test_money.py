"""Money: half-up rounding to the cent and amounts that refuse to be anything but money."""

from decimal import Decimal

import pytest

from interpreter_register.billing.money import AmountError, amount_text, cents, parse_amount, vat_on


@pytest.mark.parametrize(("value", "expected"), [
    ("0.005", "0.01"),      # half-even would give 0.00
    ("0.025", "0.03"),      # half-even would give 0.02
    ("2.675", "2.68"),
    ("9.98946", "9.99"),
    ("0.0049", "0.00"),
    ("12", "12.00"),
])
def test_cents_rounds_half_up(value, expected):
    assert cents(Decimal(value)) == Decimal(expected)
    assert str(cents(Decimal(value))) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("12.50", Decimal("12.50")), (" 3 ", Decimal("3")), (7, Decimal("7")),
    (Decimal("0.4269"), Decimal("0.4269")), ("-0", Decimal("0")),
])
def test_parse_amount_reads_text_int_and_decimal(value, expected):
    parsed = parse_amount(value)
    assert parsed == expected and isinstance(parsed, Decimal)
    assert not parsed.is_signed()


@pytest.mark.parametrize(("value", "code"), [
    ("-0.01", "amount_negative"), (Decimal("-5"), "amount_negative"),
    ("NaN", "amount_not_finite"), ("Infinity", "amount_not_finite"),
    (0.1, "amount_format"), (True, "amount_format"), ("12,50", "amount_format"),
    ("", "amount_format"), (None, "amount_format"),
])
def test_parse_amount_refuses_what_is_not_money(value, code):
    with pytest.raises(AmountError) as caught:
        parse_amount(value)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)


def test_vat_is_rounded_once_on_the_taxable_amount():
    assert vat_on(Decimal("93.24"), Decimal("21")) == Decimal("19.58")   # 19.5804
    assert vat_on(Decimal("0.09"), Decimal("21")) == Decimal("0.02")     # 0.0189
    assert vat_on(Decimal("100.00"), Decimal("0")) == Decimal("0.00")


def test_amount_text_has_two_decimals():
    assert amount_text(Decimal("45")) == "45.00"
    assert amount_text(Decimal("0.005")) == "0.01"
