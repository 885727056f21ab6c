"""The monthly run: one invoice per organisation for a service's settled billable sheets
of one month, each line priced by the tariff in force on the sheet's day. Sheets that
cannot be priced are listed with the reason and wait; nothing is billed twice (the ledger
BilledSheet), and a second run of the same month bills only what the first could not.

Also credit notes: the reversal of an invoice's sheets, with the reason.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, insert, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from ...bookings.models import Booking, InterpretingRequest
from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import today_in_brussels, utcnow
from ...extensions import db
from ...organisations.models import InterpretingService, Organisation, ReferenceRule
from ...sheets.models import CompletionSheet, SheetStatus, SheetVersion
from ..charges import (
    ChargeLine,
    Tariff,
    TariffError,
    Work,
    WorkError,
    charge_lines,
    totals,
    vat_category,
    vat_subtotals,
)
from ..identifiers import IdentifierError, enterprise_number, iban, structured_reference
from ..models import PriceListKind, in_force, price_lists_of
from ..work_days import BOOKING, CURRENT_VERSION, in_month, load_versions, work_day
from .models import (
    BilledSheet,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    MonthReference,
)
from .numbering import invoice_number, lock_counter, next_sequence, reference_base, reserve

NO_TARIFF = _l("No tariff is in force on the day of the work.")
NO_BILLING_DATA = _l("The organisation's billing data is incomplete (billing address and "
                     "enterprise number or Peppol ID).")
NO_REFERENCE = _l("The organisation needs a reference number for this month and has not "
                  "given it yet.")
# billing.charges' codes, as a dispatcher reads them.
PRICING_ERRORS = {
    "price_missing": _l("The tariff has no price for this work."),
    "price_negative": _l("The tariff has a negative price."),
    "price_format": _l("The tariff has a price that is not an amount."),
    "vat_exemption_reason_missing": _l("The tariff states neither a VAT rate nor the legal "
                                       "reason for the exemption."),
    "vat_rate_and_exemption": _l("The tariff states both a VAT rate and an exemption."),
    "size_missing": _l("The sheet of a translation gives neither words nor pages."),
}
PRICING_ERROR = _l("The sheet cannot be priced (%(code)s).")


def pricing_error(code: str) -> str:
    message = PRICING_ERRORS.get(code)
    return str(message) if message else str(PRICING_ERROR) % {"code": code}


@dataclass
class PricedLine:
    sheet: CompletionSheet
    charge: ChargeLine
    tariff: Tariff
    day: date


@dataclass
class NotBilled:
    sheet: CompletionSheet
    reason: str


@dataclass
class Draft:
    """What one organisation's invoice will hold."""

    organisation: Organisation
    lines: list[PricedLine] = field(default_factory=list)
    reference: str | None = None

    @property
    def sheets(self) -> list[CompletionSheet]:
        return list(dict.fromkeys(line.sheet for line in self.lines))

    @property
    def totals(self):
        return totals((line.charge.amount, line.tariff) for line in self.lines)


@dataclass
class MonthPlan:
    service: InterpretingService
    period: date
    drafts: list[Draft] = field(default_factory=list)
    not_billed: list[NotBilled] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(today: date) -> date:
    return month_start(today) - relativedelta(months=1)


def _month_sheets(service_id: int, period: date) -> list[CompletionSheet]:
    """The settled billable sheets of the service's work in the month (``work_days``: the
    statements' month too), not billed yet; with their request, organisation, booking and
    versions, in a fixed number of queries however many there are."""
    billed = exists().where(BilledSheet.sheet_id == CompletionSheet.id,
                            BilledSheet.credit_note_id.is_(None))

    def of_month(statement):
        return (statement
                .join(InterpretingRequest, InterpretingRequest.id == CompletionSheet.request_id)
                .join(Booking, BOOKING).join(SheetVersion, CURRENT_VERSION)
                .where(CompletionSheet.service_id == service_id,
                       CompletionSheet.status == SheetStatus.SETTLED,
                       CompletionSheet.billable.is_(True), in_month(period), ~billed))

    sheets = db.session.scalars(
        of_month(select(CompletionSheet))
        .options(contains_eager(CompletionSheet.request)
                 .joinedload(InterpretingRequest.organisation),
                 contains_eager(CompletionSheet.booking))
        .order_by(InterpretingRequest.due_at, CompletionSheet.id)).all()
    load_versions(sheets)
    return sheets


def month_references(organisation_ids, period: date) -> dict[int, str]:
    """The references these organisations gave for the month, in one query."""
    return dict(db.session.execute(select(
        MonthReference.organisation_id, MonthReference.reference).where(
        MonthReference.organisation_id.in_(set(organisation_ids)),
        MonthReference.period == period)).all())


def plan_month(service: InterpretingService, period: date) -> MonthPlan:
    """What billing the month would issue now (the preview, and the run's first step)."""
    plan = MonthPlan(service, month_start(period))
    tariffs = price_lists_of(PriceListKind.TARIFF, [service.id])[service.id]
    drafts: dict[int, Draft] = {}
    sheets = _month_sheets(service.id, plan.period)
    as_tariff = {}     # price list id → its Tariff, once its VAT is checked
    references = month_references(
        (sheet.request.organisation_id for sheet in sheets
         if sheet.request.organisation.reference_rule == ReferenceRule.MONTH), plan.period)
    for sheet in sheets:
        request = sheet.request
        organisation = request.organisation
        if not organisation.has_billing_data:
            plan.not_billed.append(NotBilled(sheet, str(NO_BILLING_DATA)))
            continue
        reference = None
        if organisation.reference_rule == ReferenceRule.MONTH:
            reference = references.get(organisation.id)
            if not reference:
                plan.not_billed.append(NotBilled(sheet, str(NO_REFERENCE)))
                continue
        day = work_day(sheet, sheet.settled_version)
        price_list = in_force(tariffs, day)
        if price_list is None:
            plan.not_billed.append(NotBilled(sheet, str(NO_TARIFF)))
            continue
        try:
            tariff = as_tariff.get(price_list.id)
            if tariff is None:
                tariff = price_list.as_tariff()
                vat_category(tariff)  # a tariff without its VAT cannot be on an invoice
                as_tariff[price_list.id] = tariff
            charges = charge_lines(Work(**sheet.settled_version.work_fields()), tariff)
        except (TariffError, WorkError) as error:
            plan.not_billed.append(NotBilled(sheet, pricing_error(error.code)))
            continue
        draft = drafts.setdefault(organisation.id, Draft(organisation, reference=reference))
        draft.lines.extend(PricedLine(sheet, charge, tariff, day) for charge in charges)
    plan.drafts = sorted((d for d in drafts.values() if d.lines),
                         key=lambda d: d.organisation.name.lower())
    return plan


def seller_problem(service: InterpretingService) -> str | None:
    """Why the service cannot issue invoices yet (None: it can)."""
    try:
        if not (service.billing_street and service.billing_postcode and service.billing_city):
            raise IdentifierError("address")
        enterprise_number(service.enterprise_number or "")
        iban(service.iban or "")
    except IdentifierError:
        return str(_l("The service's own billing data is incomplete (address, enterprise "
                      "number and IBAN): an administrator completes it first."))
    return None


def seller_of(service: InterpretingService) -> dict:
    return {"name": service.name, "street": service.billing_street,
            "postcode": service.billing_postcode, "city": service.billing_city,
            "enterprise_number": service.enterprise_number, "iban": service.iban,
            "email": service.email}


def buyer_of(organisation: Organisation) -> dict:
    return {"name": organisation.name, "street": organisation.billing_street,
            "postcode": organisation.billing_postcode, "city": organisation.billing_city,
            "enterprise_number": organisation.enterprise_number,
            "endpoint": list(organisation.peppol_endpoint or ()) or None,
            "email": organisation.email}


def _vat_rows(subtotals) -> list:
    return [[s.category, str(s.rate), str(s.taxable), str(s.vat)] for s in subtotals]


def _document(acting, service: InterpretingService, organisation_id: int,
              kind: InvoiceKind, period: date, issue_date: date, sequence: int,
              **values) -> dict:
    """The columns of a document numbered ``sequence`` in the issue date's year."""
    year = issue_date.year
    return dict(
        service_id=service.id, organisation_id=organisation_id, kind=kind, year=year,
        sequence=sequence, number=invoice_number(year, sequence), issue_date=issue_date,
        period=period, payment_reference=structured_reference(
            reference_base(service.id, year, sequence)),
        created_by_id=getattr(acting, "id", None), created_at=utcnow(), **values)


def _new_document(acting, service: InterpretingService, organisation_id: int,
                  kind: InvoiceKind, period: date, issue_date: date, **values) -> Invoice:
    """A document with the next number of the year."""
    return Invoice(**_document(acting, service, organisation_id, kind, period, issue_date,
                               next_sequence(service.id, issue_date.year), **values))


def _line(invoice_id: int, position: int, sheet: CompletionSheet, day: date,
          charge: ChargeLine, tariff: Tariff) -> dict:
    request = sheet.request
    category, rate = vat_category(tariff)
    return dict(
        invoice_id=invoice_id, position=position, sheet_id=sheet.id,
        sheet_version=sheet.version, request_id=request.id,
        requester_id=request.requester_id, service_date=day,
        language_code=request.language_code, modality=request.modality.value,
        kind=charge.kind, params=dict(charge.params), quantity=charge.quantity,
        unit=charge.unit, unit_price=charge.unit_price, amount=charge.amount,
        vat_category=category, vat_rate=rate)


def _with_lines(invoices: list[Invoice], numbered) -> list[Invoice]:
    """``invoices`` (those ``numbered`` selects) with their lines, read in one query."""
    lines: dict[int, list[InvoiceLine]] = {invoice.id: [] for invoice in invoices}
    for line in db.session.scalars(select(InvoiceLine).join(Invoice).where(*numbered)
                                   .order_by(InvoiceLine.invoice_id, InvoiceLine.position)):
        lines[line.invoice_id].append(line)
    for invoice in invoices:
        set_committed_value(invoice, "lines", lines[invoice.id])
    return invoices


def _exemption(tariffs) -> str | None:
    reasons = list(dict.fromkeys(t.vat_exemption_reason.strip() for t in tariffs
                                 if t.vat_exemption_reason))
    return "; ".join(reasons)[:200] or None


def _check_month(period: date, today: date) -> date:
    period = month_start(period)
    if period >= month_start(today):
        raise RuleError(_l("Only a month that is over can be billed."), "month")
    return period


def bill_month(acting, service: InterpretingService, period: date,
               today: date | None = None) -> MonthPlan:
    """Issue the month's invoices of the service (acting None: the scheduled job)."""
    require(acting is None or acting.dispatches_for(service.id),
            "only the service's dispatchers bill its month")
    today = today or today_in_brussels()
    period = _check_month(period, today)
    problem = seller_problem(service)
    if problem:
        raise RuleError(problem, "month")
    # Held until the commit: a second run waits here, then sees what this one billed.
    lock_counter(service.id, today.year)
    plan = plan_month(service, period)
    if not plan.drafts:
        return plan
    # However many organisations and sheets, a fixed number of statements: the month's
    # numbers taken at once, in the drafts' order (by organisation name); the invoices
    # inserted in one go and read back, then their lines and the ledger (plain
    # executemany INSERTs), and the lines read back for the invoices returned.
    year, count = today.year, len(plan.drafts)
    first = reserve(service.id, year, count)
    seller = seller_of(service)
    db.session.execute(insert(Invoice.__table__), [_document(
        acting, service, draft.organisation.id, InvoiceKind.INVOICE, period, today, sequence,
        due_date=today + timedelta(days=service.payment_days or 30),
        language=draft.organisation.invoice_locale, order_reference=draft.reference,
        net=sums.net, vat=sums.vat, total=sums.total, vat_breakdown=_vat_rows(sums.subtotals),
        vat_exemption_reason=_exemption(line.tariff for line in draft.lines),
        seller=seller, buyer=buyer_of(draft.organisation), status=InvoiceStatus.ISSUED)
        for sequence, draft, sums in ((sequence, draft, draft.totals)
                                      for sequence, draft in enumerate(plan.drafts, first))])
    numbered = (Invoice.service_id == service.id, Invoice.year == year,
                Invoice.sequence >= first, Invoice.sequence < first + count)
    invoices = db.session.scalars(select(Invoice).where(*numbered)
                                  .order_by(Invoice.sequence)).all()
    db.session.execute(insert(InvoiceLine.__table__), [
        _line(invoice.id, n, line.sheet, line.day, line.charge, line.tariff)
        for invoice, draft in zip(invoices, plan.drafts, strict=True)
        for n, line in enumerate(draft.lines, start=1)])
    db.session.execute(insert(BilledSheet.__table__), [
        dict(sheet_id=sheet.id, invoice_id=invoice.id, credit_note_id=None)
        for invoice, draft in zip(invoices, plan.drafts, strict=True)
        for sheet in draft.sheets])
    plan.invoices = _with_lines(invoices, numbered)
    return plan


def open_sheet_ids(invoice: Invoice) -> set[int]:
    """The sheets of an invoice that no credit note reversed yet."""
    return set(db.session.scalars(select(BilledSheet.sheet_id).where(
        BilledSheet.invoice_id == invoice.id, BilledSheet.credit_note_id.is_(None))))


def credit(acting, invoice: Invoice, reason: str, sheet_ids=None,
           today: date | None = None) -> Invoice:
    """A credit note reversing the lines of some (or all) sheets of an invoice; those
    sheets can then be billed again (corrected) by the month's next run."""
    require(invoice.can_be_credited_by(acting), "only the service credits its invoices")
    reason = (reason or "").strip()
    if not reason:
        raise RuleError(_l("Say why the invoice is credited."), "reason")
    today = today or today_in_brussels()
    service = invoice.service
    lock_counter(service.id, today.year)
    still_open = open_sheet_ids(invoice)
    wanted = set(still_open if sheet_ids is None else sheet_ids)
    if not still_open:
        raise RuleError(_l("Everything on this invoice is credited already."), "sheets")
    if not wanted or not wanted <= still_open:
        raise RuleError(_l("A credit note can only credit what its invoice billed and no "
                           "credit note credited yet."), "sheets")
    lines = [line for line in invoice.lines if line.sheet_id in wanted]
    subtotals = vat_subtotals((line.amount, line.vat_category, line.vat_rate)
                              for line in lines)
    net = sum((s.taxable for s in subtotals), Decimal("0.00"))
    vat = sum((s.vat for s in subtotals), Decimal("0.00"))
    note = _new_document(
        acting, service, invoice.organisation_id, InvoiceKind.CREDIT_NOTE, invoice.period,
        today, due_date=today, language=invoice.language,
        order_reference=invoice.order_reference, net=net, vat=vat, total=net + vat,
        vat_breakdown=_vat_rows(subtotals), vat_exemption_reason=invoice.vat_exemption_reason,
        seller=invoice.seller, buyer=invoice.buyer, corrects_id=invoice.id,
        reason=reason[:500])
    note.lines = [InvoiceLine(
        position=n, sheet_id=line.sheet_id, sheet_version=line.sheet_version,
        request_id=line.request_id, requester_id=line.requester_id,
        service_date=line.service_date, language_code=line.language_code,
        modality=line.modality, kind=line.kind, params=dict(line.params),
        quantity=line.quantity, unit=line.unit, unit_price=line.unit_price,
        amount=line.amount, vat_category=line.vat_category, vat_rate=line.vat_rate)
        for n, line in enumerate(lines, start=1)]
    db.session.add(note)
    db.session.flush()
    for row in db.session.scalars(select(BilledSheet).where(
            BilledSheet.invoice_id == invoice.id, BilledSheet.credit_note_id.is_(None),
            BilledSheet.sheet_id.in_(wanted))):
        row.credit_note_id = note.id
    db.session.flush()
    return note


def services_to_bill() -> list[InterpretingService]:
    return db.session.scalars(select(InterpretingService).where(
        InterpretingService.active.is_(True)).order_by(InterpretingService.id)).all()


def monthly_counts(plan: MonthPlan) -> dict:
    return {"invoices_issued": len(plan.invoices), "sheets_not_billed": len(plan.not_billed)}



def issued_invoices(service_id: int, period: date) -> list[Invoice]:
    """A service's invoices and credit notes of a month, in number order."""
    return db.session.scalars(select(Invoice).where(
        Invoice.service_id == service_id, Invoice.period == period)
        .order_by(Invoice.year, Invoice.sequence)).all()
