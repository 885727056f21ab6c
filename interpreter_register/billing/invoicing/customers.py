"""The billing data of organisations (kept by administrators and the organisation's
contact persons) and of services (the seller on their invoices, kept by administrators);
an organisation's reference for a month; sending an invoice over Peppol."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...core.permissions import require
from ...core.rules import RuleError
from ...extensions import db
from ...organisations.models import InterpretingService, Organisation, ReferenceRule
from ..identifiers import IdentifierError, enterprise_number, iban, parse_peppol_id
from .models import Invoice, MonthReference

IDENTIFIER_MESSAGES = {
    "enterprise_number_check": _l("This enterprise number does not exist: its last two "
                                  "digits do not match (modulo 97). Check it in the KBO/BCE."),
    "enterprise_number_format": _l("An enterprise number has ten digits, e.g. 0203.201.340."),
    "peppol_id_format": _l("A Peppol ID is a scheme and an identifier, e.g. 0208:0203201340."),
    "iban_check": _l("This IBAN's check digits do not match: check it."),
    "iban_format": _l("This is not an IBAN, e.g. BE68 5390 0754 7034."),
}


def may_keep_billing_data(user, organisation: Organisation) -> bool:
    return user.is_admin or (user.can_manage_colleagues()
                             and user.organisation_id == organisation.id)


@dataclass
class BillingDetails:
    street: str | None
    postcode: str | None
    city: str | None
    enterprise_number: str | None
    peppol_id: str | None
    reference_rule: ReferenceRule
    invoice_language: str | None


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


def _identifier(check, value: str | None, field: str) -> str | None:
    if not _clean(value):
        return None
    try:
        return check(value.strip())
    except IdentifierError as error:
        raise RuleError(IDENTIFIER_MESSAGES[error.code], field) from None


def save_billing_details(acting, organisation: Organisation,
                         details: BillingDetails) -> Organisation:
    require(may_keep_billing_data(acting, organisation),
            "administrators and the organisation's contact persons")
    number = _identifier(enterprise_number, details.enterprise_number, "enterprise_number")
    peppol = _identifier(parse_peppol_id, details.peppol_id, "peppol_id")
    organisation.billing_street = _clean(details.street)
    organisation.billing_postcode = _clean(details.postcode)
    organisation.billing_city = _clean(details.city)
    organisation.enterprise_number = number
    # The default (0208 and the enterprise number) is not stored: it follows the number.
    organisation.peppol_id = (f"{peppol[0]}:{peppol[1]}"
                              if peppol and peppol != ("0208", number) else None)
    organisation.reference_rule = details.reference_rule
    organisation.invoice_language = details.invoice_language or None
    db.session.flush()
    return organisation


@dataclass
class SellerDetails:
    street: str | None
    postcode: str | None
    city: str | None
    enterprise_number: str | None
    iban: str | None
    payment_days: int


def save_seller_details(acting, service: InterpretingService,
                        details: SellerDetails) -> InterpretingService:
    require(acting.is_admin, "administrators keep the services")
    service.enterprise_number = _identifier(enterprise_number, details.enterprise_number,
                                            "enterprise_number")
    service.iban = _identifier(iban, details.iban, "iban")
    service.billing_street = _clean(details.street)
    service.billing_postcode = _clean(details.postcode)
    service.billing_city = _clean(details.city)
    service.payment_days = details.payment_days
    db.session.flush()
    return service


def give_month_reference(acting, organisation: Organisation, period: date,
                         reference: str) -> MonthReference:
    """A contact person gives the organisation's reference for a month (until it is billed,
    it may change)."""
    require(acting.can_manage_colleagues() and acting.organisation_id == organisation.id,
            "the organisation's contact persons")
    reference = (reference or "").strip()
    if not reference:
        raise RuleError(_l("Give the reference number."), "reference")
    period = period.replace(day=1)
    billed = db.session.scalar(select(Invoice.id).where(
        Invoice.organisation_id == organisation.id, Invoice.period == period).limit(1))
    if billed is not None:
        raise RuleError(_l("This month is invoiced already: its reference stays as it was."),
                        "month")
    row = db.session.scalar(select(MonthReference).where(
        MonthReference.organisation_id == organisation.id, MonthReference.period == period))
    if row is None:
        row = MonthReference(organisation_id=organisation.id, period=period)
        db.session.add(row)
    row.reference, row.given_by_id = reference[:60], acting.id
    db.session.flush()
    return row


def send(acting, invoice: Invoice, access_point, document: bytes, now: datetime) -> bool:
    """Send one issued invoice to its organisation's Peppol access point; record how it
    went (sent, or the access point's refusal): True when it was accepted."""
    require(acting.dispatches_for(invoice.service_id), "the service's dispatchers")
    if access_point is None:
        raise RuleError(_l("No Peppol access point is configured: download the XML "
                           "instead."), None)
    if invoice.is_sent:
        raise RuleError(_l("This invoice was sent already."), None)
    receiver = tuple(invoice.buyer.get("endpoint") or ())
    if len(receiver) != 2:
        raise RuleError(_l("The organisation has no Peppol ID."), None)
    result = access_point.send(document, receiver)
    if not result.accepted:
        # Recorded on the invoice (it stays issued, to send again or to download).
        invoice.send_result = f"refused: {result.error or '?'}"[:200]
        db.session.flush()
        return False
    invoice.mark_sent(now, result.message_id or "")
    db.session.flush()
    return True
