"""The demo's invoices: every service and organisation has its billing data, and last
month's settled sheets are invoiced by the same run the dispatchers' button and the
monthly job use; TVGent's dispatcher credited one sheet (a credit note), so that a
newcomer sees an issued month, its documents and a correction, and asked for the month's
zip (ready to download on the invoices page)."""

from datetime import date

from sqlalchemy import select
from stdnum import iban as stdnum_iban

from ..auth.models import Role, User
from ..billing.exports import services as exports
from ..billing.exports.models import ExportKind
from ..billing.invoicing import run
from ..extensions import db
from ..organisations.models import InterpretingService, Organisation, ReferenceRule


def _enterprise_number(n: int) -> str:
    """A made-up KBO/BCE number with right check digits (eight digits, then mod 97)."""
    base = 2_000_000 + n * 1_234_567 % 17_000_000
    return f"{base:08d}{97 - base % 97:02d}"


def _iban(n: int) -> str:
    """A made-up Belgian account with right check digits (bank, account, mod 97)."""
    digits = 539_007_547_0 + n * 7_919
    account = f"{digits:010d}{digits % 97 or 97:02d}"
    return "BE" + stdnum_iban.calc_check_digits("BE00" + account) + account


def seed_billing_data() -> None:
    services = db.session.scalars(select(InterpretingService).order_by(
        InterpretingService.id)).all()
    for n, service in enumerate(services, start=1):
        first = service.areas[0].first_postcode if service.areas else 1000
        service.billing_street, service.billing_postcode = "Dienstenlaan 1", str(first)
        service.billing_city = "—"
        service.enterprise_number, service.iban = _enterprise_number(n), _iban(n)
        service.billing_city = {9000: "Gent", 1000: "Brussel", 1300: "Wavre", 4700: "Eupen",
                                1500: "Halle", 2000: "Antwerpen", 8000: "Brugge",
                                3500: "Hasselt"}.get(first, "Brussel")
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.id)).all()
    for n, organisation in enumerate(organisations, start=101):
        organisation.billing_street = "Facturatiedienst, Hoofdstraat 1"
        organisation.billing_postcode = organisation.postcode
        organisation.billing_city = organisation.municipality
        organisation.enterprise_number = _enterprise_number(n)
    # UZ Gent asks for its purchase-order number per month (its contact person gives it).
    uz = next((o for o in organisations if o.name == "UZ Gent"), None)
    if uz is not None:
        uz.reference_rule = ReferenceRule.MONTH
    db.session.flush()


def seed_invoices(today: date) -> None:
    """Last month invoiced at every service; one credit note at TVGent."""
    period = run.previous_month(today)
    for service in run.services_to_bill():
        run.bill_month(None, service, period, today=today)
    dispatcher = db.session.scalar(select(User).where(User.email == "dispatcher@example.org",
                                                      User.role == Role.DISPATCHER))
    if dispatcher is None:
        return
    issued = [invoice for invoice in run.issued_invoices(dispatcher.service_id, period)
              if not invoice.is_credit_note]
    if issued:
        invoice = issued[0]
        run.credit(dispatcher, invoice, "Wachttijd dubbel aangerekend; zie de gecorrigeerde "
                   "fiche.", sheet_ids=invoice.sheet_ids[:1], today=today)
        # The month's zip, made as the worker makes it: ready on the invoices page.
        exports.build_here(exports.ask(dispatcher, dispatcher.service_id, ExportKind.INVOICES,
                                       period, dispatcher.locale or "nl"))
