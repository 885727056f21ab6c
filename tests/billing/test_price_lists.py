"""Price lists as stored: the one in force on a day, and the prices it gives billing.charges."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from interpreter_register.billing.charges import Work, charge_lines
from interpreter_register.billing.models import (
    PriceList,
    PriceListKind,
    PriceListRate,
    price_list_on,
)
from interpreter_register.extensions import db


def _tariff(service, valid_from, hour_price, kind=PriceListKind.TARIFF):
    price_list = PriceList(
        service=service, kind=kind, valid_from=valid_from, per_km=Decimal("0.43"),
        vat_rate=Decimal("21") if kind == PriceListKind.TARIFF else None,
        rates=[PriceListRate(modality="on_site", unit="started_quarter",
                             unit_price=Decimal(hour_price) / 4, minimum_minutes=60,
                             minimum_charge=Decimal(hour_price))])
    db.session.add(price_list)
    db.session.flush()
    return price_list


def test_the_price_list_in_force_is_the_latest_that_started(world):
    january = _tariff(world.service, date(2026, 1, 1), "60")
    march = _tariff(world.service, date(2026, 3, 1), "64")
    _tariff(world.service, date(2026, 1, 1), "40", kind=PriceListKind.PAY_SCALE)

    assert price_list_on(world.service.id, PriceListKind.TARIFF, date(2025, 12, 31)) is None
    assert price_list_on(world.service.id, PriceListKind.TARIFF, date(2026, 2, 28)) == january
    assert price_list_on(world.service.id, PriceListKind.TARIFF, date(2026, 3, 1)) == march
    # Another service's prices never apply.
    assert price_list_on(world.other_service.id, PriceListKind.TARIFF, date(2026, 3, 1)) is None


def test_a_stored_price_list_prices_a_sheet_like_the_plain_tariff(world):
    price_list = _tariff(world.service, date(2026, 1, 1), "60")
    lines = charge_lines(Work(modality="on_site", worked_minutes=80, km=Decimal("12")),
                         price_list.as_tariff())
    # The first hour whole, then two started quarters (20 minutes), then 12 km.
    assert [line.amount for line in lines] == [Decimal("60.00"), Decimal("30.00"),
                                               Decimal("5.16")]


def test_two_price_lists_cannot_start_the_same_day(world):
    _tariff(world.service, date(2026, 1, 1), "60")
    with pytest.raises(IntegrityError), db.session.begin_nested():
        _tariff(world.service, date(2026, 1, 1), "62")
