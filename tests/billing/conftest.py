"""What the invoice tests share: a service and organisations ready to bill, a tariff, and
settled sheets of chosen figures written straight into the tables."""

from datetime import time, timedelta
from decimal import Decimal

import pytest

from interpreter_register.billing.models import PriceList, PriceListKind, PriceListRate
from interpreter_register.bookings.models import RequestStatus
from interpreter_register.core.time import brussels_to_utc, utcnow
from interpreter_register.extensions import db
from interpreter_register.register.models import Modality
from interpreter_register.sheets.models import (
    CompletionSheet,
    ExpenseKind,
    FiledAs,
    SettledHow,
    SheetExpense,
    SheetStatus,
    SheetVersion,
)
from tests.fixtures.factories import complete_past_request, create_past_request

EXEMPTION = "Art. 44, § 2, 2° WBTW / CTVA"


def tariff(service, valid_from, hour="60.00", minute="1.00", per_km="0.43", vat="21",
           exemption=None, **values):
    """On site: the first hour whole, then per started quarter; phone and video per minute."""
    hour = Decimal(hour)
    price_list = PriceList(
        service=service, kind=PriceListKind.TARIFF, valid_from=valid_from,
        per_km=Decimal(per_km), per_word=Decimal("0.10"), translation_minimum=Decimal("30"),
        late_cancellation_charge=hour, vat_rate=None if exemption else Decimal(vat),
        vat_exemption_reason=exemption,
        rates=[PriceListRate(modality="on_site", unit="started_quarter", unit_price=hour / 4,
                             minimum_minutes=60, minimum_charge=hour),
               PriceListRate(modality="phone", unit="minute", unit_price=Decimal(minute)),
               PriceListRate(modality="video", unit="minute", unit_price=Decimal(minute))],
        **values)
    db.session.add(price_list)
    db.session.flush()
    return price_list


def ready_to_bill(world):
    """Both organisations and the service with their billing data."""
    service = world.service
    service.billing_street, service.billing_postcode, service.billing_city = (
        "Sint-Pietersnieuwstraat 1", "9000", "Gent")
    service.enterprise_number, service.iban = "0203201340", "BE68539007547034"
    for organisation, number, street in (
            (world.organisation, "0207437468", "Onderbergen 86"),
            (world.other_organisation, "0216375102", "Place Saint-Jacques 13")):
        organisation.billing_street, organisation.enterprise_number = street, number
        organisation.billing_postcode = organisation.postcode
        organisation.billing_city = organisation.municipality
    db.session.flush()


@pytest.fixture
def billing(world):
    ready_to_bill(world)
    return world


def settled_sheet(world, day, minutes=60, modality=Modality.ON_SITE, km=0, waiting=0,
                  requester=None, expenses=(), no_show=False, start=time(10), words=None,
                  late_cancellation=False, billable=True):
    """A settled sheet of ``minutes`` worked on ``day`` (Brussels), version 1."""
    requester = requester or world.contact_person
    starts = brussels_to_utc(day, start)
    written = modality == Modality.WRITTEN
    item = create_past_request(
        requester, world.service, status=RequestStatus.COMPLETED, due=starts,
        modality=modality, starts_at=None if written else starts,
        ends_at=None if written else starts + timedelta(minutes=max(minutes, 15)),
        deadline_on=day if written else None, words=words)
    booking = complete_past_request(item, world.fatima)
    sheet = CompletionSheet(booking=booking, request=item, service_id=world.service.id,
                            status=SheetStatus.SETTLED, version=1, billable=billable,
                            late_cancellation=late_cancellation)
    sheet.versions.append(SheetVersion(
        number=1, filed_as=FiledAs.INTERPRETER, worked_minutes=minutes,
        waiting_minutes=waiting, km=Decimal(km), no_show=no_show, words=words,
        settled_at=utcnow(), settled_how=SettledHow.CONFIRMED,
        expenses=[SheetExpense(kind=ExpenseKind(kind), amount=Decimal(amount))
                  for kind, amount in expenses]))
    db.session.add(sheet)
    db.session.flush()
    return sheet
