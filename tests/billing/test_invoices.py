"""The monthly run with known sheets and tariffs: every line, the VAT, the totals, the
quarter-hour boundaries, a tariff changing mid-month, and what is never billed twice."""

from datetime import date, time
from decimal import Decimal

import pytest

from interpreter_register.billing.identifiers import is_structured_reference
from interpreter_register.billing.invoicing import run
from interpreter_register.billing.invoicing.models import (
    BilledSheet,
    ImmutableInvoice,
    Invoice,
    InvoiceKind,
)
from interpreter_register.core.rules import RuleError
from interpreter_register.extensions import db
from interpreter_register.organisations.models import ReferenceRule
from interpreter_register.register.models import Modality
from tests.billing.conftest import EXEMPTION, settled_sheet, tariff

APRIL = date(2026, 4, 1)
MARCH = date(2026, 3, 1)
D = Decimal


def _lines(invoice):
    return [(line.service_date.day, line.kind, line.quantity, line.unit, line.unit_price,
             line.amount) for line in invoice.lines]


def test_a_month_billed_line_by_line_with_a_tariff_change_mid_month(billing, app_ctx):
    world = billing
    tariff(world.service, date(2026, 1, 1), hour="60.00")       # 15.00 a quarter
    tariff(world.service, date(2026, 3, 16), hour="64.00")      # 16.00 a quarter
    settled_sheet(world, date(2026, 3, 3), minutes=60, km=10)   # the minimum exactly
    settled_sheet(world, date(2026, 3, 5), minutes=61)          # one started quarter
    settled_sheet(world, date(2026, 3, 9), minutes=75)          # still one
    settled_sheet(world, date(2026, 3, 10), minutes=76)         # two
    settled_sheet(world, date(2026, 3, 12), minutes=37, modality=Modality.PHONE)
    settled_sheet(world, date(2026, 3, 20), minutes=90,         # the new tariff
                  expenses=[("parking", "4.80")])
    # Half past midnight on 1 April in Brussels (22:30 UTC on 31 March): April's.
    settled_sheet(world, date(2026, 4, 1), minutes=60, start=time(0, 30))
    settled_sheet(world, date(2026, 3, 25), minutes=60, requester=world.other_contact_person)
    settled_sheet(world, date(2026, 3, 26), minutes=60, billable=False)  # policy: not billed

    plan = run.bill_month(world.dispatcher, world.service, MARCH, today=APRIL)

    assert plan.not_billed == []
    liege, gent = plan.invoices    # by the organisations' names
    assert (liege.organisation, gent.organisation) == (world.other_organisation,
                                                       world.organisation)
    assert (liege.number, gent.number) == ("2026/00001", "2026/00002")
    assert _lines(gent) == [
        (3, "interpreting", 1, "piece", D("60.00"), D("60.00")),
        (3, "travel", 10, "km", D("0.43"), D("4.30")),
        (5, "interpreting", 1, "piece", D("60.00"), D("60.00")),
        (5, "interpreting", 1, "quarter", D("15.00"), D("15.00")),
        (9, "interpreting", 1, "piece", D("60.00"), D("60.00")),
        (9, "interpreting", 1, "quarter", D("15.00"), D("15.00")),
        (10, "interpreting", 1, "piece", D("60.00"), D("60.00")),
        (10, "interpreting", 2, "quarter", D("15.00"), D("30.00")),
        (12, "interpreting", 37, "minute", D("1.00"), D("37.00")),
        (20, "interpreting", 1, "piece", D("64.00"), D("64.00")),
        (20, "interpreting", 2, "quarter", D("16.00"), D("32.00")),
        (20, "expense", 1, "piece", D("4.80"), D("4.80")),
    ]
    assert gent.net == D("442.10") == sum(line.amount for line in gent.lines)
    assert gent.vat_rows() == [("S", D("21"), D("442.10"), D("92.84"))]   # 92.841
    assert (gent.vat, gent.total) == (D("92.84"), D("534.94"))
    assert (liege.net, liege.vat, liege.total) == (D("64.00"), D("13.44"), D("77.44"))
    assert gent.language == "nl" and liege.language == "fr"
    # Year, service and number in the ten digits, then the check digits.
    assert is_structured_reference(gent.payment_reference)
    assert gent.payment_reference.replace("/", "")[3:13] == f"26{world.service.id:03d}00002"
    assert gent.due_date == date(2026, 5, 1)
    assert gent.buyer["enterprise_number"] == "0207437468"


def test_an_exempt_tariff_bills_without_vat_and_says_why(billing, app_ctx):
    tariff(billing.service, date(2026, 1, 1), exemption=EXEMPTION)
    settled_sheet(billing, date(2026, 3, 3), minutes=100, km=D("12.5"))
    invoice, = run.bill_month(billing.dispatcher, billing.service, MARCH, today=APRIL).invoices
    assert _lines(invoice) == [(3, "interpreting", 1, "piece", D("60.00"), D("60.00")),
                               (3, "interpreting", 3, "quarter", D("15.00"), D("45.00")),
                               (3, "travel", D("12.5"), "km", D("0.43"), D("5.38"))]
    assert invoice.vat_rows() == [("E", D("0"), D("110.38"), D("0.00"))]
    assert (invoice.vat, invoice.total) == (D("0.00"), D("110.38"))
    assert invoice.vat_exemption_reason == EXEMPTION


def test_running_a_month_twice_bills_nothing_twice(billing, app_ctx):
    tariff(billing.service, date(2026, 1, 1))
    first = settled_sheet(billing, date(2026, 3, 3))
    assert len(run.bill_month(billing.dispatcher, billing.service, MARCH,
                              today=APRIL).invoices) == 1
    again = run.bill_month(billing.dispatcher, billing.service, MARCH, today=APRIL)
    assert again.invoices == [] and again.drafts == []
    # A sheet settled late is billed by the next run, on an invoice of its own.
    late = settled_sheet(billing, date(2026, 3, 30))
    third, = run.bill_month(billing.dispatcher, billing.service, MARCH, today=APRIL).invoices
    assert third.sheet_ids == [late.id] and third.number == "2026/00002"
    billed = db.session.scalars(db.select(BilledSheet.sheet_id)).all()
    assert sorted(billed) == sorted([first.id, late.id])


def test_sheets_that_cannot_be_priced_wait_with_their_reason(billing, app_ctx):
    tariff(billing.service, date(2026, 3, 1))
    bad = tariff(billing.service, date(2026, 3, 20))
    bad.rates[0].unit_price = D("-1")
    before = settled_sheet(billing, date(2026, 2, 27))
    negative = settled_sheet(billing, date(2026, 3, 21), minutes=90)
    fine = settled_sheet(billing, date(2026, 3, 2))
    billing.other_organisation.enterprise_number = None
    no_data = settled_sheet(billing, date(2026, 3, 3), requester=billing.other_contact_person)

    february = run.bill_month(billing.dispatcher, billing.service, date(2026, 2, 1),
                              today=APRIL)
    assert february.invoices == []   # no empty invoice
    assert [(n.sheet, n.reason) for n in february.not_billed] == [
        (before, "No tariff is in force on the day of the work.")]
    march = run.bill_month(billing.dispatcher, billing.service, MARCH, today=APRIL)
    assert [invoice.sheet_ids for invoice in march.invoices] == [[fine.id]]
    assert {(n.sheet, n.reason) for n in march.not_billed} == {
        (negative, "The tariff has a negative price."),
        (no_data, "The organisation's billing data is incomplete (billing address and "
                  "enterprise number or Peppol ID).")}


def test_a_reference_per_month_is_required_when_the_organisation_says_so(billing, app_ctx):
    from interpreter_register.billing.invoicing.models import MonthReference
    tariff(billing.service, date(2026, 1, 1))
    billing.organisation.reference_rule = ReferenceRule.MONTH
    sheet = settled_sheet(billing, date(2026, 3, 3))
    plan = run.bill_month(billing.dispatcher, billing.service, MARCH, today=APRIL)
    assert plan.invoices == [] and [n.sheet for n in plan.not_billed] == [sheet]
    db.session.add(MonthReference(organisation_id=billing.organisation.id, period=MARCH,
                                  reference="PO-2026-031"))
    invoice, = run.bill_month(billing.dispatcher, billing.service, MARCH,
                              today=APRIL).invoices
    assert invoice.order_reference == "PO-2026-031"


def test_only_a_month_that_is_over_and_only_the_services_dispatchers(billing, app_ctx):
    from interpreter_register.core.permissions import Forbidden
    tariff(billing.service, date(2026, 1, 1))
    with pytest.raises(RuleError, match="Only a month that is over"):
        run.bill_month(billing.dispatcher, billing.service, APRIL, today=date(2026, 4, 30))
    with pytest.raises(Forbidden):
        run.bill_month(billing.other_dispatcher, billing.service, MARCH, today=APRIL)
    billing.service.iban = None
    with pytest.raises(RuleError, match="billing data is incomplete"):
        run.bill_month(billing.dispatcher, billing.service, MARCH, today=APRIL)


def test_an_issued_invoice_cannot_change_a_credit_note_corrects_it(billing, app_ctx):
    tariff(billing.service, date(2026, 1, 1))
    one = settled_sheet(billing, date(2026, 3, 3), minutes=61)
    two = settled_sheet(billing, date(2026, 3, 4), km=5)
    run.bill_month(billing.dispatcher, billing.service, MARCH, today=APRIL)
    db.session.commit()
    invoice = db.session.scalar(db.select(Invoice).where(Invoice.number == "2026/00001"))
    invoice.net = D("1.00")
    with pytest.raises(ImmutableInvoice):
        db.session.flush()
    db.session.rollback()
    invoice = db.session.scalar(db.select(Invoice).where(Invoice.number == "2026/00001"))
    invoice.lines[0].amount = D("0.01")
    with pytest.raises(ImmutableInvoice):
        db.session.flush()
    db.session.rollback()
    invoice = db.session.scalar(db.select(Invoice).where(Invoice.number == "2026/00001"))

    with pytest.raises(RuleError, match="Say why"):
        run.credit(billing.dispatcher, invoice, "  ", today=date(2026, 4, 10))
    note = run.credit(billing.dispatcher, invoice, "Wrong duration", sheet_ids=[one.id],
                      today=date(2026, 4, 10))
    assert note.kind == InvoiceKind.CREDIT_NOTE and note.corrects == invoice
    assert note.number == "2026/00002"
    assert [(line.kind, line.amount) for line in note.lines] == [
        ("interpreting", D("60.00")), ("interpreting", D("15.00"))]
    assert (note.net, note.vat, note.total) == (D("75.00"), D("15.75"), D("90.75"))
    # The same sheet twice, or a sheet of another invoice: more than the invoice billed.
    with pytest.raises(RuleError, match="only credit what its invoice billed"):
        run.credit(billing.dispatcher, invoice, "Again", sheet_ids=[one.id])
    # The credited sheet is billed again by the month's next run; the other one is not.
    again, = run.bill_month(billing.dispatcher, billing.service, MARCH,
                            today=date(2026, 4, 11)).invoices
    assert again.sheet_ids == [one.id] and again.number == "2026/00003"
    run.credit(billing.dispatcher, invoice, "Cancelled", today=date(2026, 4, 12))
    with pytest.raises(RuleError, match="credited already"):
        run.credit(billing.dispatcher, invoice, "Again", today=date(2026, 4, 12))
    assert two.id in invoice.sheet_ids
