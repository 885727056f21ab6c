"""Interpreters' statements: exact figures from known sheets and pay scales (a change in the
middle of the month, a no-show, a late cancellation, expenses at cost, a sheet the pay scale
cannot price), and who may read them."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from interpreter_register.billing.models import PriceList, PriceListKind, PriceListRate
from interpreter_register.billing.statements import services
from interpreter_register.bookings.models import Booking, BookingStatus, RequestStatus
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.time import brussels_to_utc
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
from tests.fixtures.factories import create_past_request

MARCH = date(2026, 3, 1)


def pay_scale(service, valid_from, hour, per_km="0.4269", late="38.00", phone="0.65"):
    price_list = PriceList(
        service_id=service.id, kind=PriceListKind.PAY_SCALE, valid_from=valid_from,
        per_km=Decimal(per_km), per_word=Decimal("0.08"),
        translation_minimum=Decimal("25.00"),
        late_cancellation_charge=Decimal(late) if late else None,
        rates=[PriceListRate(modality="on_site", unit="started_quarter",
                             unit_price=Decimal(hour) / 4, minimum_minutes=60,
                             minimum_charge=Decimal(hour))]
        + ([PriceListRate(modality="phone", unit="minute", unit_price=Decimal(phone))]
           if phone else []))
    db.session.add(price_list)
    db.session.flush()
    return price_list


def settled(world, day, start=time(10), minutes=90, modality=Modality.ON_SITE, person=None,
            service=None, km="0", expenses=(), no_show=False, waiting=0, late=False,
            payable=True, worked=None, **version):
    """A settled sheet of work on ``day`` (Brussels), straight into the tables."""
    starts_at = brussels_to_utc(day, start)
    fields = {"modality": modality}
    if modality == Modality.WRITTEN:
        fields.update(starts_at=None, ends_at=None, deadline_on=day, postcode=None,
                      municipality=None, address=None)
    else:
        fields.update(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes))
    item = create_past_request(world.contact_person, service or world.service,
                               status=RequestStatus.COMPLETED, due=starts_at, **fields)
    booking = Booking(request=item, person=person or world.fatima, starts_at=item.starts_at,
                      ends_at=item.ends_at, deadline_on=item.deadline_on, tier=1,
                      status=BookingStatus.COMPLETED)
    moment = datetime(2026, 4, 2, 12, tzinfo=UTC)
    sheet = CompletionSheet(booking=booking, request=item, service_id=item.service_id,
                            status=SheetStatus.SETTLED, version=1, late_cancellation=late,
                            payable=payable)
    sheet.versions.append(SheetVersion(
        number=1, filed_as=FiledAs.INTERPRETER, filed_at=moment,
        worked_minutes=minutes if worked is None else worked, booked_minutes=minutes,
        waiting_minutes=waiting, no_show=no_show, km=Decimal(km), settled_at=moment,
        settled_how=SettledHow.CONFIRMED,
        expenses=[SheetExpense(kind=ExpenseKind(kind), amount=Decimal(amount))
                  for kind, amount in expenses], **version))
    db.session.add_all([booking, sheet])
    db.session.flush()
    return sheet


def amounts(line):
    return [(c.kind, c.quantity, c.unit_price, c.amount) for c in line.charges]


def test_every_line_and_total_with_a_pay_scale_change_in_the_month(world):
    pay_scale(world.service, date(2026, 1, 1), "38.00")
    pay_scale(world.service, date(2026, 3, 15), "40.00", per_km="0.4415")
    # Before the change: 90 minutes on site, 20 km, parking at cost.
    first = settled(world, date(2026, 3, 3), km="20", expenses=[("parking", "5.00")])
    # The client did not come: the booked 90 minutes count.
    no_show = settled(world, date(2026, 3, 6), km="20", no_show=True)
    # 25 minutes by telephone.
    phone = settled(world, date(2026, 3, 8), minutes=25, modality=Modality.PHONE)
    # On the day of the change: the new pay scale, 70 minutes, 10 km, waiting not paid.
    after = settled(world, date(2026, 3, 15), minutes=70, km="10", waiting=20)
    # A late cancellation the service pays: the charge only (travel not paid by this scale).
    # Its 60 minutes are the policy's, not hours worked.
    late = settled(world, date(2026, 3, 20), km="30", late=True, worked=60)
    # Not in March: the last day of February and the first of April, by Brussels time.
    settled(world, date(2026, 2, 28), start=time(23, 30), minutes=20)
    settled(world, date(2026, 4, 1), start=time(0, 15), minutes=20)
    # Not payable (the policy did not pay this late cancellation), or another's work.
    settled(world, date(2026, 3, 10), late=True, payable=False)
    settled(world, date(2026, 3, 10), person=world.omar)

    statement = services.statement(world.interpreter, world.service, world.fatima, MARCH)

    assert [line.sheet for line in statement.lines] == [first, no_show, phone, after, late]
    q, m = Decimal("9.5"), Decimal("10")
    assert amounts(statement.lines[0]) == [
        ("interpreting", 1, Decimal("38.00"), Decimal("38.00")),
        ("interpreting", 2, q, Decimal("19.00")),
        ("travel", 20, Decimal("0.4269"), Decimal("8.54")),
        ("expense", 1, Decimal("5.00"), Decimal("5.00"))]
    assert amounts(statement.lines[1]) == [
        ("interpreting", 1, Decimal("38.00"), Decimal("38.00")),
        ("interpreting", 2, q, Decimal("19.00")),
        ("travel", 20, Decimal("0.4269"), Decimal("8.54"))]
    assert amounts(statement.lines[2]) == [("interpreting", 25, Decimal("0.65"),
                                            Decimal("16.25"))]
    assert amounts(statement.lines[3]) == [
        ("interpreting", 1, Decimal("40.00"), Decimal("40.00")),
        ("interpreting", 1, m, Decimal("10.00")),
        ("travel", 10, Decimal("0.4415"), Decimal("4.42"))]
    assert amounts(statement.lines[4]) == [("late_cancellation", 1, Decimal("38.00"),
                                            Decimal("38.00"))]
    assert [line.pay_scale.valid_from.day for line in statement.lines] == [1, 1, 1, 15, 15]
    assert [line.total for line in statement.lines] == [
        Decimal("70.54"), Decimal("65.54"), Decimal("16.25"), Decimal("54.42"),
        Decimal("38.00")]
    assert statement.work == Decimal("38") + 19 + 38 + 19 + Decimal("16.25") + 50 + 38
    assert statement.travel == Decimal("8.54") + Decimal("8.54") + Decimal("4.42")
    assert statement.expenses == Decimal("5.00")
    assert statement.total == Decimal("244.75") == sum(line.total for line in statement.lines)
    assert statement.minutes == 90 + 90 + 25 + 70 + 0
    assert statement.km == 50  # the late cancellation's 30 km are not paid
    assert statement.unpriced == []


def test_a_sheet_the_pay_scale_cannot_price_is_listed_with_its_reason(app_ctx, world):
    pay_scale(world.service, date(2026, 3, 5), "38.00", phone=None, late=None)
    before = settled(world, date(2026, 3, 2))
    video = settled(world, date(2026, 3, 9), minutes=30, modality=Modality.PHONE)
    late = settled(world, date(2026, 3, 12), late=True, worked=0)
    fine = settled(world, date(2026, 3, 13))

    statement = services.statement(world.dispatcher, world.service, world.fatima, MARCH)

    assert [line.sheet for line in statement.lines] == [fine]
    assert [(u.sheet, u.reason) for u in statement.unpriced] == [
        (before, "No pay scale was in force on 2 Mar 2026."),
        (video, "The pay scale from 5 Mar 2026 has no price for this way of working "
                "(By telephone)."),
        (late, "The pay scale from 5 Mar 2026 has no price for a late cancellation.")]
    assert statement.total == Decimal("57.00")


def test_a_translation_counts_in_the_month_of_its_delivery(world):
    pay_scale(world.service, date(2026, 1, 1), "38.00")
    small = settled(world, date(2026, 3, 4), modality=Modality.WRITTEN, minutes=0,
                    words=200, delivered_on=date(2026, 3, 4))
    large = settled(world, date(2026, 3, 31), modality=Modality.WRITTEN, minutes=0,
                    words=1000, delivered_on=date(2026, 3, 30))
    settled(world, date(2026, 3, 31), modality=Modality.WRITTEN, minutes=0, words=300,
            delivered_on=date(2026, 4, 1))

    statement = services.statement(world.interpreter, world.service, world.fatima, MARCH)

    # 200 words at 0.08 is 16.00, below the minimum of 25.00; 1000 words make 80.00.
    assert [(line.sheet, line.total) for line in statement.lines] == [
        (small, Decimal("25.00")), (large, Decimal("80.00"))]


def test_the_service_sees_each_of_its_interpreters_and_no_one_else_s(world):
    pay_scale(world.service, date(2026, 1, 1), "38.00")
    pay_scale(world.other_service, date(2026, 1, 1), "50.00")
    settled(world, date(2026, 3, 3))
    settled(world, date(2026, 3, 4), person=world.omar, minutes=60)
    settled(world, date(2026, 3, 5), service=world.other_service)

    found = services.of_service(world.dispatcher, world.service.id, MARCH)
    assert [(s.person, s.total) for s in found] == [(world.fatima, Decimal("57.00")),
                                                     (world.omar, Decimal("38.00"))]
    # Fatima's own page: one statement per service she worked for.
    mine = services.of_person(world.interpreter, world.fatima.id, MARCH)
    assert [(s.service, s.total) for s in mine] == [(world.other_service, Decimal("75.00")),
                                                     (world.service, Decimal("57.00"))]
    for acting, call in ((world.other_interpreter, lambda a: services.statement(
            a, world.service, world.fatima, MARCH)),
            (world.other_dispatcher, lambda a: services.of_service(a, world.service.id, MARCH)),
            (world.contact_person, lambda a: services.statement(a, world.service,
                                                                world.fatima, MARCH)),
            (world.admin, lambda a: services.of_person(a, world.fatima.id, MARCH))):
        with pytest.raises(Forbidden):
            call(acting)


@pytest.fixture
def march(world):
    pay_scale(world.service, date(2026, 1, 1), "38.00")
    settled(world, date(2026, 3, 3), km="20", expenses=[("parking", "5.00")])
    settled(world, date(2026, 3, 4), person=world.omar, minutes=60)
    db.session.commit()


def test_the_interpreter_reads_only_their_own_statement(world, client_for, march):
    fatima = client_for(world.interpreter)
    page = fatima.get("/statements?month=2026-03").get_data(as_text=True)
    assert page.count('class="statement-line"') == 1
    assert "70,54 €" in page or "70.54 €" in page
    own = f"/statements/{world.service.id}/{world.fatima.id}/2026-03"
    assert fatima.get(own).status_code == 200
    omar = f"/statements/{world.service.id}/{world.omar.id}/2026-03"
    assert fatima.get(omar).status_code == 404
    assert fatima.get(omar + "/pdf").status_code == 404
    assert fatima.get(f"/statements/{world.service.id}/2026-03/all.csv").status_code == 403
    assert client_for(world.contact_person).get(own).status_code == 403
    assert client_for(world.other_dispatcher).get(own).status_code == 404
    for month in ("2026-13", "0000-05", "9999-12", "2026-3", "march"):
        assert fatima.get(f"/statements/{world.service.id}/{world.fatima.id}/{month}"
                          ).status_code == 404
    assert fatima.get("/statements?month=0000-01").status_code == 404


def test_the_statement_as_csv_and_the_month_for_payroll(world, client_for, march):
    world.dispatcher.locale = "en"
    db.session.commit()
    dispatcher = client_for(world.dispatcher)
    page = dispatcher.get("/statements?month=2026-03").get_data(as_text=True)
    assert page.count('class="statement-row"') == 2

    answer = dispatcher.get(f"/statements/{world.service.id}/2026-03/all.csv")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][0] == "Interpreter / translator"
    assert [(r[0], r[2], r[6], r[8], r[9], r[10], r[11], r[12]) for r in rows[1:]] == [
        # Amounts as the reader's locale writes them (English in Belgium: decimal comma).
        ("Fatima Haddad", "2026-03-03", "90", "20,00", "57,00", "8,54", "5,00", "70,54"),
        ("Omar Mansour", "2026-03-04", "60", "0,00", "38,00", "0,00", "0,00", "38,00")]

    # The zip of the PDFs is made in the background (tests/billing/test_exports.py): the
    # old link leads to the month's page, where it is asked for.
    bundle = dispatcher.get(f"/statements/{world.service.id}/2026-03/all.zip",
                            follow_redirects=True).get_data(as_text=True)
    assert "now made in the background" in bundle and "Ask for the zip of the month" in bundle


def test_the_pdf_is_in_the_interpreter_s_language(world, client_for, march, monkeypatch):
    printed = []
    monkeypatch.setattr("interpreter_register.sheets.pdf.render_pdf",
                        lambda html: printed.append(html) or b"%PDF-")
    world.interpreter.locale = "de"
    db.session.commit()
    url = f"/statements/{world.service.id}/{world.fatima.id}/2026-03/pdf"
    assert client_for(world.dispatcher).get(url).data == b"%PDF-"
    assert 'lang="de"' in printed[0] and "Gesamt" in printed[0]
