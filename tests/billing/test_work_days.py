"""The invoice and the statement put a sheet in the same month and price it by the lists in
force on the same day (billing/work_days.py): the day the work was really done, not the
day first asked for."""

from datetime import date, time, timedelta
from decimal import Decimal

from interpreter_register.billing.invoicing.run import plan_month
from interpreter_register.billing.statements import services as statements
from interpreter_register.core.time import brussels_to_utc
from interpreter_register.register.models import Modality

from .conftest import ready_to_bill, tariff
from .test_statements import pay_scale, settled

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


def test_a_moved_booking_and_a_late_translation_count_where_the_work_was_done(world):
    ready_to_bill(world)
    tariff(world.service, date(2026, 1, 1), hour="60.00")
    tariff(world.service, APRIL, hour="80.00")
    pay_scale(world.service, date(2026, 1, 1), "38.00")
    pay_scale(world.service, APRIL, "40.00")
    # Asked for 31 March at 10:00; the booking was moved to 2 April, and done then.
    moved = settled(world, date(2026, 3, 31), minutes=60)
    moved.booking.starts_at = brussels_to_utc(date(2026, 4, 2), time(10))
    moved.booking.ends_at = moved.booking.starts_at + timedelta(hours=1)
    # Due on 31 March, delivered on 1 April.
    late = settled(world, date(2026, 3, 31), modality=Modality.WRITTEN, minutes=0,
                   words=1000, delivered_on=APRIL)

    assert plan_month(world.service, MARCH).drafts == []
    assert statements.statement(world.dispatcher, world.service, world.fatima,
                                MARCH).lines == []

    invoiced = {}
    for draft in plan_month(world.service, APRIL).drafts:
        for line in draft.lines:
            invoiced.setdefault(line.sheet, []).append(line)
    paid = {line.sheet: line for line in statements.statement(
        world.dispatcher, world.service, world.fatima, APRIL).lines}
    assert set(invoiced) == set(paid) == {moved, late}
    assert {sheet: {line.day for line in lines} for sheet, lines in invoiced.items()} == {
        sheet: {line.day} for sheet, line in paid.items()} == {
        moved: {date(2026, 4, 2)}, late: {APRIL}}
    # Priced by April's lists, on both sides.
    assert invoiced[moved][0].charge.unit_price == Decimal("80.00")
    assert paid[moved].pay_scale.valid_from == APRIL
    assert paid[moved].total == Decimal("40.00")
    assert sum(line.charge.amount for line in invoiced[late]) == Decimal("100.00")
