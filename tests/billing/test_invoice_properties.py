"""Properties of the monthly run over random settled sheets: every invoice's totals are
the sum of its lines with the VAT per category, each line is what the tariff in force on
its day gives, and across runs (in any order, repeated) every billable sheet is billed
exactly once and no other."""

import itertools
from datetime import date, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter_register.auth.models import Role
from interpreter_register.billing.charges import Work, charge_lines, vat_subtotals
from interpreter_register.billing.invoicing import run
from interpreter_register.billing.invoicing.models import BilledSheet, Invoice
from interpreter_register.billing.models import PriceListKind, price_list_on
from interpreter_register.extensions import db
from interpreter_register.register.models import Modality
from tests.billing.conftest import ready_to_bill, settled_sheet, tariff
from tests.fixtures.factories import create_interpreter, create_service, create_user

_examples = itertools.count()


def example_world(world) -> SimpleNamespace:
    """A service and an interpreter of the example's own: the examples share the database
    (its rows stay until the test ends), never their sheets, numbers or bookings."""
    n = next(_examples)
    service = create_service(name=f"Tolkendienst eigenschap {n}")
    example = SimpleNamespace(**vars(world))
    example.service = service
    example.fatima = create_interpreter("Sara", f"Example{n}")
    example.dispatcher = create_user(Role.DISPATCHER, service=service)
    ready_to_bill(example)
    return example

SHEET = st.fixed_dictionaries({
    "day": st.integers(0, 60),                     # from 1 March, into April
    "minutes": st.integers(0, 480),
    "modality": st.sampled_from([Modality.ON_SITE, Modality.PHONE, Modality.VIDEO]),
    "km": st.decimals(0, 150, places=1),
    "other": st.booleans(),                        # the other organisation's
    "billable": st.booleans(),
})


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sheets=st.lists(SHEET, min_size=1, max_size=8),
       change=st.integers(1, 28), order=st.permutations([0, 1, 0, 1]))
def test_every_billable_sheet_billed_once_with_totals_from_its_lines(
        world, app_ctx, sheets, change, order):
    world = example_world(world)
    tariff(world.service, date(2026, 1, 1), hour="52.00", minute="0.90")
    tariff(world.service, date(2026, 3, change), hour="56.00", minute="0.95")
    made = []
    for n, spec in enumerate(sheets):
        # Each sheet on its own day and hour: one interpreter is never booked twice.
        day = date(2026, 3, 1) + timedelta(days=spec["day"])
        requester = world.other_contact_person if spec["other"] else world.contact_person
        made.append(settled_sheet(
            world, day, minutes=spec["minutes"], modality=spec["modality"],
            km=spec["km"] if spec["modality"] == Modality.ON_SITE else 0,
            requester=requester, billable=spec["billable"],
            start=time(6 + n)))
    months = [date(2026, 3, 1), date(2026, 4, 1)]
    for index in order:
        run.bill_month(world.dispatcher, world.service, months[index],
                       today=date(2026, 5, 2))
    billed = db.session.scalars(db.select(BilledSheet.sheet_id).join(
        Invoice, Invoice.id == BilledSheet.invoice_id)
        .where(Invoice.service_id == world.service.id)).all()
    assert sorted(billed) == sorted(s.id for s in made if s.billable)
    for invoice in db.session.scalars(db.select(Invoice).where(
            Invoice.service_id == world.service.id)):
        amounts = [line.amount for line in invoice.lines]
        assert invoice.net == sum(amounts, Decimal("0.00"))
        subtotals = vat_subtotals((line.amount, line.vat_category, line.vat_rate)
                                  for line in invoice.lines)
        assert invoice.vat == sum((s.vat for s in subtotals), Decimal("0.00"))
        assert invoice.total == invoice.net + invoice.vat
        for sheet_id in invoice.sheet_ids:
            sheet = next(s for s in made if s.id == sheet_id)
            price_list = price_list_on(world.service.id, PriceListKind.TARIFF,
                                       sheet.request.day)
            expected = [c.amount for c in charge_lines(
                Work(**sheet.settled_version.work_fields()), price_list.as_tariff())]
            assert [line.amount for line in invoice.lines
                    if line.sheet_id == sheet_id] == expected
            assert invoice.period == sheet.request.day.replace(day=1)
