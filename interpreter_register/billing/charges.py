"""Tariff rules: what one settled completion sheet costs, line by line, and the VAT on it."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from .money import AmountError, cents, parse_amount, vat_on

# The values of register.models.enums.Modality, repeated as text: importing the enum would
# pull the register's models (and the database) into this pure module.
TIMED_MODALITIES = ("on_site", "phone", "video")
WRITTEN = "written"

# Rate.unit -> (ChargeLine.unit, the unit's length in minutes; None: the service's own block).
RATE_UNITS = {"started_quarter": ("quarter", 15), "minute": ("minute", 1),
              "hour": ("hour", 60), "block": ("block", None)}

ZERO = Decimal(0)


class TariffError(ValueError):
    """A tariff that cannot price a sheet; `code` and `field` are for the web layer."""

    def __init__(self, code: str, field: str):
        super().__init__(code, field)
        self.code, self.field = code, field


class WorkError(ValueError):
    """A completion sheet that cannot be priced; `code` and `field` are for the web layer."""

    def __init__(self, code: str, field: str):
        super().__init__(code, field)
        self.code, self.field = code, field


@dataclass(frozen=True)
class Rate:
    """The price of timed interpreting in one modality."""

    unit: str                       # a key of RATE_UNITS
    unit_price: Decimal             # per started unit beyond the minimum
    minimum_minutes: int = 0        # e.g. 60: the first hour is billed whole
    minimum_charge: Decimal = ZERO  # the price of those minimum minutes
    unit_minutes: int | None = None  # required for "block"; must match the other units


@dataclass(frozen=True)
class Tariff:
    """A service's prices from one date; a change is a new Tariff, so issued invoices stand.

    The pay scale for interpreters (what they are paid) has the same shape, and charge_lines
    prices a sheet against either: the statement and the invoice follow the same rules.
    """

    on_site: Rate | None = None     # None: the service does not price this modality
    phone: Rate | None = None
    video: Rate | None = None
    per_word: Decimal | None = None
    per_page: Decimal | None = None
    translation_minimum: Decimal = ZERO
    per_km: Decimal | None = None
    late_cancellation_charge: Decimal | None = None
    late_cancellation_travel: bool = False  # the travel of a late cancellation is billed too
    vat_rate: Decimal | None = None         # e.g. Decimal("21"); None when exempt
    vat_exemption_reason: str | None = None  # the legal reason printed on an exempt invoice
    waiting_time_billed: bool = False       # waiting for the client counts as worked time


@dataclass(frozen=True)
class Work:
    """What a settled completion sheet says was done."""

    modality: str                   # on_site, phone, video or written
    worked_minutes: int = 0         # a no-show: the booked minutes
    waiting_minutes: int = 0
    km: Decimal = ZERO
    expenses: tuple[tuple[str, Decimal], ...] = ()  # (code, amount at cost), e.g. parking
    words: int | None = None
    pages: int | None = None
    no_show: bool = False           # the client did not come: billed as booked
    late_cancellation: bool = False


@dataclass(frozen=True)
class ChargeLine:
    """One priced line; `kind`, `unit` and `params` are codes the document layer words."""

    kind: str           # interpreting, translation, travel, expense, late_cancellation
    quantity: Decimal
    unit: str           # minute, quarter, hour, block, word, page, km, piece
    unit_price: Decimal
    amount: Decimal     # always cents(quantity * unit_price), as Peppol checks line by line
    params: tuple = ()  # e.g. (("minutes", 95),)


class VatSubtotal(NamedTuple):
    """The VAT of one category and rate (a UBL TaxSubtotal)."""

    category: str       # S standard, E exempt
    rate: Decimal
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    """The figures at the foot of an invoice."""

    net: Decimal        # the sum of the line amounts
    subtotals: tuple[VatSubtotal, ...]
    vat: Decimal
    total: Decimal      # net + vat: what is payable


def _price(value, field: str, required: bool = False) -> Decimal | None:
    if value is None:
        if required:
            raise TariffError("price_missing", field)
        return None
    try:
        return parse_amount(value)
    except AmountError as error:
        code = "price_negative" if error.code == "amount_negative" else "price_format"
        raise TariffError(code, field) from None


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _rate_unit(rate: Rate, name: str) -> tuple[str, int]:
    if rate.unit not in RATE_UNITS:
        raise TariffError("rate_unit", f"{name}.unit")
    unit, minutes = RATE_UNITS[rate.unit]
    given = minutes if rate.unit_minutes is None else rate.unit_minutes
    if not _is_count(given) or given <= 0 or given != (minutes or given):
        raise TariffError("rate_unit_minutes", f"{name}.unit_minutes")
    return unit, given


def check_tariff(tariff: Tariff) -> None:
    """Refuse a tariff with a negative, non-decimal or inconsistent price anywhere."""
    for name in TIMED_MODALITIES:
        rate = getattr(tariff, name)
        if rate is None:
            continue
        _rate_unit(rate, name)
        _price(rate.unit_price, f"{name}.unit_price", required=True)
        _price(rate.minimum_charge, f"{name}.minimum_charge", required=True)
        if not _is_count(rate.minimum_minutes) or rate.minimum_minutes < 0:
            raise TariffError("rate_minimum_minutes", f"{name}.minimum_minutes")
    for field in ("per_word", "per_page", "translation_minimum", "per_km",
                  "late_cancellation_charge"):
        _price(getattr(tariff, field), field)
    # A pay scale may leave VAT out (it depends on each interpreter's own VAT status); a
    # tariff that states it must state it right.
    if tariff.vat_rate is not None or tariff.vat_exemption_reason is not None:
        vat_category(tariff)


def vat_category(tariff: Tariff) -> tuple[str, Decimal]:
    """("S", rate) for a taxed tariff, ("E", 0) for an exempt one."""
    if tariff.vat_exemption_reason is not None and not tariff.vat_exemption_reason.strip():
        raise TariffError("vat_exemption_reason_missing", "vat_exemption_reason")
    if tariff.vat_exemption_reason:
        if tariff.vat_rate is not None:
            raise TariffError("vat_rate_and_exemption", "vat_rate")
        return "E", ZERO
    rate = _price(tariff.vat_rate, "vat_rate", required=True)
    if rate == 0:
        # A zero rate without a legal reason is category E without its mandatory BT-120.
        raise TariffError("vat_exemption_reason_missing", "vat_exemption_reason")
    return "S", rate


def _count(value, field: str) -> int:
    if not _is_count(value):
        raise WorkError("count_format", field)
    if value < 0:
        raise WorkError("count_negative", field)
    return value


def _amount(value, field: str) -> Decimal:
    try:
        return parse_amount(value)
    except AmountError as error:
        raise WorkError(error.code, field) from None


def check_work(work: Work) -> None:
    """Refuse a sheet that cannot be priced: unknown modality, negative time or distance."""
    if work.modality not in (*TIMED_MODALITIES, WRITTEN):
        raise WorkError("modality", "modality")
    _count(work.worked_minutes, "worked_minutes")
    _count(work.waiting_minutes, "waiting_minutes")
    _amount(work.km, "km")
    for label, amount in work.expenses:
        if not isinstance(label, str) or not label:
            raise WorkError("expense_label", "expenses")
        _amount(amount, "expenses")
    for field in ("words", "pages"):
        if getattr(work, field) is not None:
            _count(getattr(work, field), field)
    if work.no_show and work.late_cancellation:
        raise WorkError("no_show_and_late_cancellation", "late_cancellation")


def _line(kind: str, quantity, unit: str, unit_price: Decimal, params=()) -> ChargeLine:
    quantity = Decimal(quantity)
    # Rounded here, once per line: the document total is then the plain sum of the lines.
    return ChargeLine(kind, quantity, unit, unit_price, cents(quantity * unit_price),
                      tuple(params))


def _interpreting(work: Work, tariff: Tariff) -> list[ChargeLine]:
    rate = getattr(tariff, work.modality)
    if rate is None:
        raise TariffError("price_missing", work.modality)
    unit, unit_minutes = _rate_unit(rate, work.modality)
    waiting = work.waiting_minutes if tariff.waiting_time_billed else 0
    minutes = work.worked_minutes + waiting
    about = [("modality", work.modality), ("minutes", minutes)]
    if waiting:
        about.append(("waiting_minutes", waiting))
    if work.no_show:
        about.append(("no_show", True))
    minimum_charge = _price(rate.minimum_charge, "minimum_charge", required=True)
    has_minimum = rate.minimum_minutes > 0 or minimum_charge > 0
    lines = []
    if has_minimum:
        # The minimum is one line and the started units beyond it another, so that every
        # line is quantity x unit price, which Peppol checks on each line.
        lines.append(_line("interpreting", 1, "piece", minimum_charge,
                           [*about, ("minimum_minutes", rate.minimum_minutes)]))
    beyond = minutes - rate.minimum_minutes
    if beyond > 0 or not has_minimum:
        started_units = -(-max(beyond, 0) // unit_minutes)  # ceiling: a started unit counts
        params = ([("modality", work.modality), ("minutes_beyond_minimum", beyond)]
                  if has_minimum else about)
        unit_price = _price(rate.unit_price, "unit_price", required=True)
        lines.append(_line("interpreting", started_units, unit, unit_price,
                           [*params, ("unit_minutes", unit_minutes)]))
    return lines


def _translation(work: Work, tariff: Tariff) -> ChargeLine:
    # Words win when the sheet and the tariff both have them: the size a translator counts.
    if work.words is not None and tariff.per_word is not None:
        size, unit, price = work.words, "word", tariff.per_word
    elif work.pages is not None and tariff.per_page is not None:
        size, unit, price = work.pages, "page", tariff.per_page
    elif work.words is not None:
        raise TariffError("price_missing", "per_word")
    elif work.pages is not None:
        raise TariffError("price_missing", "per_page")
    else:
        raise WorkError("size_missing", "words")
    line = _line("translation", size, unit, _price(price, f"per_{unit}"), [(f"{unit}s", size)])
    minimum = cents(_price(tariff.translation_minimum, "translation_minimum") or ZERO)
    if line.amount < minimum:
        return _line("translation", 1, "piece", minimum,
                     [(f"{unit}s", size), ("below_minimum", True)])
    return line


def _travel(work: Work, tariff: Tariff) -> list[ChargeLine]:
    km = parse_amount(work.km)
    if km == 0:
        return []
    per_km = _price(tariff.per_km, "per_km", required=True)
    return [_line("travel", km, "km", per_km)]


def charge_lines(work: Work, tariff: Tariff) -> list[ChargeLine]:
    """The priced lines of one settled sheet under one tariff (or pay scale)."""
    check_tariff(tariff)
    check_work(work)
    if work.late_cancellation:
        charge = _price(tariff.late_cancellation_charge, "late_cancellation_charge",
                        required=True)
        lines = [_line("late_cancellation", 1, "piece", charge, [("modality", work.modality)])]
        return lines + (_travel(work, tariff) if tariff.late_cancellation_travel else [])
    if work.modality == WRITTEN:
        lines = [_translation(work, tariff)]
    else:
        lines = _interpreting(work, tariff)
    expenses = [_line("expense", 1, "piece", parse_amount(amount), [("expense", label)])
                for label, amount in work.expenses]
    return lines + _travel(work, tariff) + expenses


def vat_subtotals(items: Iterable[tuple[Decimal, str, Decimal]]) -> tuple[VatSubtotal, ...]:
    """Group (amount, category, rate) and compute the VAT once per group (BR-CO-17)."""
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for amount, category, rate in items:
        key = (category, Decimal(rate))
        groups[key] = groups.get(key, Decimal("0.00")) + parse_amount(amount)
    return tuple(VatSubtotal(category, rate, taxable, vat_on(taxable, rate))
                 for (category, rate), taxable in groups.items())


def vat_breakdown(amounts: Iterable[Decimal], tariff: Tariff) -> VatSubtotal:
    """The VAT subtotal of line amounts priced by one tariff."""
    category, rate = vat_category(tariff)
    subtotals = vat_subtotals((amount, category, rate) for amount in amounts)
    return subtotals[0] if subtotals else VatSubtotal(category, rate, Decimal("0.00"),
                                                      Decimal("0.00"))


def totals(priced: Iterable[tuple[Decimal, Tariff]]) -> Totals:
    """Net, VAT per category and total of (line amount, tariff that priced it) pairs."""
    # A month can straddle a tariff change; lines at the same category and rate share one
    # subtotal whichever tariff priced them.
    subtotals = vat_subtotals((amount, *vat_category(tariff)) for amount, tariff in priced)
    net = sum((s.taxable for s in subtotals), Decimal("0.00"))
    vat = sum((s.vat for s in subtotals), Decimal("0.00"))
    return Totals(net, subtotals, vat, net + vat)
