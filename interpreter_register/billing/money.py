"""Money as Decimal: parsing that refuses what cannot be a price, and rounding to the cent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class AmountError(ValueError):
    """An amount that cannot be money; `code` is for the web layer to translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def cents(value) -> Decimal:
    """Round to the cent, half up (0.005 -> 0.01), the way invoices and VAT are rounded."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(value) -> Decimal:
    """Read a price or amount from a Decimal, int or text; refuse negative, NaN and infinity."""
    # A float has already lost the cents (0.1 is not 0.1): refuse it instead of guessing.
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise AmountError("amount_format")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise AmountError("amount_format") from None
    if not amount.is_finite():
        raise AmountError("amount_not_finite")
    if amount < 0:
        raise AmountError("amount_negative")
    return amount.copy_abs()  # "-0" passes the check above; keep it from printing as -0


def vat_on(taxable: Decimal, rate: Decimal) -> Decimal:
    """VAT on a category's taxable amount, rounded once (EN 16931 rule BR-CO-17)."""
    # Rounding per category and not per line is what the rule checks: per-line rounding can
    # differ by a cent and the access point rejects the invoice.
    return cents(taxable * rate / 100)


def amount_text(amount: Decimal) -> str:
    """Two decimals, as UBL amounts and CSV journals write them."""
    return f"{cents(amount):.2f}"
