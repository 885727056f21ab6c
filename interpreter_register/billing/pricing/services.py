"""Keeping a service's price lists: a new one from a later date, a future one changed or
removed. One in force is never changed (it may have priced an issued invoice or a
statement): a change is a new price list from a later date."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...core.i18n import format_day
from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import today_in_brussels
from ...extensions import db
from ..charges import TIMED_MODALITIES, Rate, Tariff, TariffError, check_tariff
from ..models import PriceList, PriceListKind, PriceListRate, keeps_prices_of, price_list_on

# What the columns hold (billing.models.PRICE and the VAT rate's Numeric(5, 2)).
PRICE_PLACES, PRICE_LIMIT = 4, Decimal("1000000")
VAT_PLACES, VAT_LIMIT = 2, Decimal("100")
PRICE_FIELDS = ("per_word", "per_page", "translation_minimum", "per_km",
                "late_cancellation_charge")


@dataclass
class RateInput:
    """One modality's line of the form; ``unit`` None: the modality is not priced."""

    unit: str | None = None
    unit_price: str | None = None
    minimum_minutes: int | None = None
    minimum_charge: str | None = None
    unit_minutes: int | None = None


@dataclass
class PriceListInput:
    """What the form says, as typed (prices as text: the checks below word what is wrong)."""

    valid_from: date | None = None
    rates: dict[str, RateInput] = field(default_factory=dict)
    per_word: str | None = None
    per_page: str | None = None
    translation_minimum: str | None = None
    per_km: str | None = None
    late_cancellation_charge: str | None = None
    late_cancellation_travel: bool = False
    waiting_time_billed: bool = False
    vat_rate: str | None = None
    vat_exemption_reason: str | None = None


def _messages() -> dict:
    """billing.charges' TariffError codes, worded for the person who typed the price."""
    return {
        "price_missing": _("Give a price here."),
        "price_negative": _("A price cannot be negative."),
        "price_format": _("Write an amount, such as 12.50 or 12,50."),
        "rate_unit": _("Choose one of the units in the list."),
        "rate_unit_minutes": _("A block needs its length in whole minutes (more than 0); "
                               "the other units have their own length: leave it empty."),
        "rate_minimum_minutes": _("The minimum is a whole number of minutes, 0 or more."),
        "vat_exemption_reason_missing": _("Give the legal reason of the exemption (a rate of "
                                          "0 % needs one), or a VAT rate above 0."),
        "vat_rate_and_exemption": _("Give either a VAT rate or the reason of an exemption, "
                                    "not both."),
    }


def field_name(tariff_field: str) -> str:
    """The form field of a Tariff's field: "on_site.unit_price" -> "on_site_unit_price"."""
    return tariff_field.replace(".", "_")


def in_force_and_others(service_id: int, today: date | None = None) -> dict:
    """A service's price lists per kind, newest first, and the one in force of each."""
    today = today or today_in_brussels()
    lists = db.session.scalars(
        select(PriceList).where(PriceList.service_id == service_id)
        .order_by(PriceList.valid_from.desc())).all()
    found = {}
    for kind in PriceListKind:
        of_kind = [p for p in lists if p.kind == kind]
        current = next((p for p in of_kind if p.has_started(today)), None)
        found[kind] = (current, of_kind)
    return found


def prefill(service_id: int, kind: PriceListKind, today: date | None = None):
    """The price list a new one starts from: the one in force (None: an empty form)."""
    return price_list_on(service_id, kind, today or today_in_brussels())


def _amount(text: str | None, name: str, places: int, limit: Decimal, problems: list):
    """A typed amount as a Decimal; what check_tariff cannot see (too many decimals for
    the column, too large) is refused here."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip().replace(",", ".")
    try:
        amount = Decimal(text)
    except ArithmeticError:
        return text  # check_tariff words it (price_format)
    if amount.is_finite() and amount >= 0:
        if amount >= limit:
            problems.append((_("This amount is too large."), name))
        elif -amount.as_tuple().exponent > places:
            problems.append((_("Use at most %(places)d decimals.", places=places), name))
    return text


def _tariff(kind: PriceListKind, data: PriceListInput, problems: list) -> Tariff:
    rates = {}
    for modality in TIMED_MODALITIES:
        typed = data.rates.get(modality) or RateInput()
        if not typed.unit:
            continue
        rates[modality] = Rate(
            unit=typed.unit,
            unit_price=_amount(typed.unit_price, f"{modality}_unit_price", PRICE_PLACES,
                               PRICE_LIMIT, problems),
            minimum_minutes=typed.minimum_minutes or 0,
            minimum_charge=_amount(typed.minimum_charge, f"{modality}_minimum_charge",
                                   PRICE_PLACES, PRICE_LIMIT, problems) or Decimal(0),
            unit_minutes=typed.unit_minutes)
    prices = {name: _amount(getattr(data, name), name, PRICE_PLACES, PRICE_LIMIT, problems)
              for name in PRICE_FIELDS}
    is_tariff = kind == PriceListKind.TARIFF
    vat_rate = (_amount(data.vat_rate, "vat_rate", VAT_PLACES, VAT_LIMIT, problems)
                if is_tariff else None)
    reason = (data.vat_exemption_reason or "").strip() or None if is_tariff else None
    return Tariff(**rates, **{k: v for k, v in prices.items() if k != "translation_minimum"},
                  translation_minimum=prices["translation_minimum"] or Decimal(0),
                  late_cancellation_travel=bool(data.late_cancellation_travel),
                  waiting_time_billed=bool(data.waiting_time_billed),
                  vat_rate=vat_rate, vat_exemption_reason=reason)


def _checked(price_list_id: int | None, service_id: int, kind: PriceListKind,
             data: PriceListInput, today: date) -> Tariff:
    """The tariff the form describes, or a RuleError naming every field that is wrong."""
    problems = []
    if data.valid_from is None:
        problems.append((_("Give the date it applies from."), "valid_from"))
    elif data.valid_from <= today:
        problems.append((_("A new price list starts after today (from %(day)s at the "
                           "earliest): what was priced before keeps its prices.",
                           day=format_day(date.fromordinal(today.toordinal() + 1))),
                         "valid_from"))
    elif db.session.scalar(select(PriceList.id).where(
            PriceList.service_id == service_id, PriceList.kind == kind,
            PriceList.valid_from == data.valid_from, PriceList.id != (price_list_id or 0))):
        problems.append((_("There is already one from %(day)s: change that one, or choose "
                           "another date.", day=format_day(data.valid_from)), "valid_from"))
    tariff = _tariff(kind, data, problems)
    messages = _messages()
    # check_tariff stops at the first problem; asking each part alone finds them all.
    parts = [Tariff(**{m: getattr(tariff, m)}) for m in TIMED_MODALITIES]
    parts += [Tariff(**{name: getattr(tariff, name)}) for name in PRICE_FIELDS]
    parts.append(Tariff(vat_rate=tariff.vat_rate,
                        vat_exemption_reason=tariff.vat_exemption_reason))
    for part in parts:
        try:
            check_tariff(part)
        except TariffError as error:
            problems.append((messages.get(error.code, messages["price_format"]),
                             field_name(error.field)))
    if (kind == PriceListKind.TARIFF and tariff.vat_rate is None
            and tariff.vat_exemption_reason is None):
        problems.append((_("A tariff states its VAT: a rate, or the legal reason of the "
                           "exemption."), "vat_rate"))
    first = {}  # one message per field: the first found
    for message, name in problems:
        first.setdefault(name, message)
    error = RuleError.all_of((message, name) for name, message in first.items())
    if error:
        raise error
    return tariff


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _fill(price_list: PriceList, tariff: Tariff, valid_from: date, acting) -> None:
    price_list.valid_from = valid_from
    for name in PRICE_FIELDS:
        setattr(price_list, name, _decimal(getattr(tariff, name)))
    price_list.late_cancellation_travel = tariff.late_cancellation_travel
    price_list.waiting_time_billed = tariff.waiting_time_billed
    price_list.vat_rate = _decimal(tariff.vat_rate)
    price_list.vat_exemption_reason = tariff.vat_exemption_reason
    price_list.rates = [
        PriceListRate(modality=m, unit=rate.unit, unit_price=_decimal(rate.unit_price),
                      minimum_minutes=rate.minimum_minutes,
                      minimum_charge=_decimal(rate.minimum_charge),
                      unit_minutes=rate.unit_minutes)
        for m in TIMED_MODALITIES if (rate := getattr(tariff, m)) is not None]
    price_list.created_by_id = getattr(acting, "id", None)


def _flush(price_list: PriceList) -> None:
    """Two people saving the same date at once: the database's unique key decides."""
    try:
        with db.session.begin_nested():
            db.session.add(price_list)
            db.session.flush()
    except IntegrityError:
        raise RuleError(_("There is already one from %(day)s: change that one, or choose "
                          "another date.", day=format_day(price_list.valid_from)),
                        "valid_from") from None


def create(acting, service, kind: PriceListKind, data: PriceListInput,
           today: date | None = None) -> PriceList:
    """A new tariff or pay scale of ``service`` from a date after today."""
    require(keeps_prices_of(acting, service.id), "only the service keeps its prices")
    today = today or today_in_brussels()
    tariff = _checked(None, service.id, kind, data, today)
    price_list = PriceList(service_id=service.id, kind=kind)
    _fill(price_list, tariff, data.valid_from, acting)
    _flush(price_list)
    return price_list


def _not_started(price_list: PriceList, today: date) -> None:
    if price_list.has_started(today):
        raise RuleError(_("This price list is in force since %(day)s and stays as it is: "
                          "make a new one from a later date.",
                          day=format_day(price_list.valid_from)))


def change(acting, price_list: PriceList, data: PriceListInput,
           today: date | None = None) -> PriceList:
    """Change a price list that is not in force yet (its date too, to a later one)."""
    require(price_list.can_be_kept_by(acting), "only the service keeps its prices")
    today = today or today_in_brussels()
    _not_started(price_list, today)
    tariff = _checked(price_list.id, price_list.service_id, price_list.kind, data, today)
    price_list.rates.clear()
    db.session.flush()  # the old rates go before the new ones take their modality
    _fill(price_list, tariff, data.valid_from, acting)
    _flush(price_list)
    return price_list


def remove(acting, price_list: PriceList, today: date | None = None) -> None:
    """Remove a price list that is not in force yet."""
    require(price_list.can_be_kept_by(acting), "only the service keeps its prices")
    _not_started(price_list, today or today_in_brussels())
    db.session.delete(price_list)
    db.session.flush()
