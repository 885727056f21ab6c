"""An issued invoice as documents: its lines worded in its language, the PDF, the UBL
(Peppol BIS Billing 3.0, through billing.ubl), and a month's invoices as one zip with a
CSV journal for the accounting system."""

import csv
import io
import zipfile
from datetime import date

from flask import render_template
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from ...core.i18n import locale_for
from ...register.models import Modality
from ...sheets.models import ExpenseKind
from ..money import amount_text
from ..ubl import UNIT_CODES, DocumentLine, InvoiceDocument, Party, to_ubl
from .models import Invoice, InvoiceLine

UNITS = {"minute": _l("minutes"), "quarter": _l("quarters of an hour"),
         "hour": _l("hours"), "block": _l("blocks"), "word": _l("words"),
         "page": _l("pages"), "km": _l("km"), "piece": _l("pieces")}


def line_name(line: InvoiceLine, language: str) -> str:
    """What a line is, in the current locale (call inside force_locale)."""
    params = line.params or {}
    what = line.request.language.name(language) if line.request else line.language_code
    modality = str(Modality.IN_SENTENCE.get(line.modality, line.modality))
    if line.kind == "interpreting" and line.unit == "piece":
        text = gettext("Interpreting %(language)s %(modality)s: the first %(minutes)d "
                       "minutes (minimum)", language=what, modality=modality,
                       minutes=params.get("minimum_minutes", 0))
    elif line.kind == "interpreting" and "minutes_beyond_minimum" in params:
        text = gettext("Interpreting %(language)s %(modality)s: %(minutes)d minutes beyond "
                       "the minimum, per started unit of %(unit)d minutes", language=what,
                       modality=modality, minutes=params["minutes_beyond_minimum"],
                       unit=params.get("unit_minutes", 15))
    elif line.kind == "interpreting":
        text = gettext("Interpreting %(language)s %(modality)s: %(minutes)d minutes",
                       language=what, modality=modality, minutes=params.get("minutes", 0))
    elif line.kind == "translation":
        size = params.get("words") or params.get("pages") or 0
        text = (ngettext("Translation into or from %(language)s: %(num)d word",
                         "Translation into or from %(language)s: %(num)d words", size,
                         language=what) if "words" in params else
                ngettext("Translation into or from %(language)s: %(num)d page",
                         "Translation into or from %(language)s: %(num)d pages", size,
                         language=what))
        if params.get("below_minimum"):
            text += " " + gettext("(the minimum charge)")
    elif line.kind == "travel":
        text = gettext("Travel, there and back")
    elif line.kind == "expense":
        kind = params.get("expense")
        text = (str(ExpenseKind(kind).label) if kind in set(ExpenseKind)
                else gettext("Expenses"))
    elif line.kind == "late_cancellation":
        text = gettext("Late cancellation (%(modality)s)", modality=modality)
    else:
        text = line.kind
    if params.get("no_show"):
        text += " " + gettext("(the client did not show: billed as booked)")
    return text


def unit_label(line: InvoiceLine) -> str:
    return str(UNITS.get(line.unit, line.unit))


def document_name(invoice: Invoice, extension: str) -> str:
    kind = "credit-note" if invoice.is_credit_note else "invoice"
    return f"{kind}-{invoice.number.replace('/', '-')}.{extension}"


def _party(data: dict) -> Party:
    endpoint = tuple(data["endpoint"]) if data.get("endpoint") else None
    number = data.get("enterprise_number")
    return Party(name=data["name"], street=data.get("street"), postcode=data.get("postcode"),
                 city=data.get("city"), enterprise_number=number, endpoint=endpoint,
                 email=data.get("email"))


def ubl_document(invoice: Invoice) -> InvoiceDocument:
    with force_locale(locale_for(invoice.language)):
        lines = tuple(DocumentLine(
            str(line.position), f"{line_name(line, invoice.language)} "
            f"({line.request.number})", line.quantity, UNIT_CODES[line.unit],
            line.unit_price, line.amount, line.vat_category, line.vat_rate,
            line.service_date) for line in invoice.lines)
        terms = (gettext("Payable within %(days)d days with the structured reference "
                         "%(reference)s.", days=(invoice.due_date - invoice.issue_date).days,
                         reference=invoice.payment_reference)
                 if not invoice.is_credit_note else
                 gettext("Credit note for invoice %(number)s: %(reason)s",
                         number=invoice.corrects.number, reason=invoice.reason))
    seller = invoice.seller
    return InvoiceDocument(
        number=invoice.number, issue_date=invoice.issue_date,
        seller=Party(name=seller["name"], street=seller.get("street"),
                     postcode=seller.get("postcode"), city=seller.get("city"),
                     enterprise_number=seller.get("enterprise_number"),
                     vat_number=seller.get("enterprise_number"), email=seller.get("email")),
        buyer=_party(invoice.buyer), lines=lines,
        due_date=None if invoice.is_credit_note else invoice.due_date,
        order_reference=invoice.order_reference,
        payment_reference=None if invoice.is_credit_note else invoice.payment_reference,
        iban=seller.get("iban"), payment_terms=terms,
        vat_exemption_reason=invoice.vat_exemption_reason,
        credit_note_for=((invoice.corrects.number, invoice.corrects.issue_date)
                         if invoice.is_credit_note else None))


def invoice_xml(invoice: Invoice) -> bytes:
    return to_ubl(ubl_document(invoice))


def invoice_pdf(invoice: Invoice) -> bytes:
    from ...sheets.pdf import render_pdf
    language = invoice.language
    with force_locale(locale_for(language)):
        rows = [(line, line_name(line, language), unit_label(line)) for line in invoice.lines]
        html = render_template("invoicing/pdf.html", invoice=invoice, rows=rows, ui=language)
    return render_pdf(html)


JOURNAL_HEADER = ("number", "kind", "corrects", "issue_date", "due_date", "period",
                  "organisation", "enterprise_number", "order_reference",
                  "payment_reference", "vat_category", "vat_rate", "taxable", "vat", "total",
                  "currency")


def journal_csv(invoices) -> bytes:
    """One row per invoice and VAT category (credit notes negative), for the ledger."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(JOURNAL_HEADER)
    for invoice in invoices:
        sign = "-" if invoice.is_credit_note else ""
        for category, rate, taxable, vat in invoice.vat_rows():
            writer.writerow((
                invoice.number, invoice.kind.value,
                invoice.corrects.number if invoice.corrects else "",
                invoice.issue_date.isoformat(), invoice.due_date.isoformat(),
                invoice.period.strftime("%Y-%m"), invoice.buyer["name"],
                invoice.buyer.get("enterprise_number") or "", invoice.order_reference or "",
                invoice.payment_reference, category, amount_text(rate),
                sign + amount_text(taxable), sign + amount_text(vat),
                sign + amount_text(taxable + vat), "EUR"))
    return out.getvalue().encode("utf-8-sig")


def month_zip(invoices, period: date) -> bytes:
    """Every document of the month (PDF and XML) and the journal, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            archive.writestr(document_name(invoice, "pdf"), invoice_pdf(invoice))
            archive.writestr(document_name(invoice, "xml"), invoice_xml(invoice))
        archive.writestr(f"journal-{period:%Y-%m}.csv", journal_csv(invoices))
    return buffer.getvalue()
