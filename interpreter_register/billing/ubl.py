"""UBL 2.1 invoices and credit notes following Peppol BIS Billing 3.0, built from plain data."""

# The standard library's ElementTree is enough to write UBL; lxml arrives only with the
# validator, a test dependency, so the app does not need it at run time.
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .charges import ChargeLine, Tariff, vat_category, vat_subtotals
from .identifiers import iban, is_structured_reference, peppol_participant_id, vat_number
from .money import AmountError, amount_text, cents, parse_amount

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
# Writers put these prefixes on every Peppol example; registering them is global but only
# names the two UBL namespaces, which nothing else in the app writes.
ET.register_namespace("cac", CAC)
ET.register_namespace("cbc", CBC)

INVOICE_TYPE = "380"       # UNTDID 1001: commercial invoice
CREDIT_NOTE_TYPE = "381"   # UNTDID 1001: credit note
CREDIT_TRANSFER = "30"     # UNTDID 4461: credit transfer, paid with the structured reference

# ChargeLine.unit -> UN/ECE Recommendation 20 (the Peppol unit code list). Rec 20 has no
# quarter of an hour (QAN is a quarter of a year) and no block of a service's own length, so
# those are counted as C62 "one" with a unit price per quarter or block and the line's name
# saying what one is. Words are D68 "number of words", pages ZP "page".
UNIT_CODES = {"minute": "MIN", "hour": "HUR", "quarter": "C62", "block": "C62",
              "word": "D68", "page": "ZP", "km": "KMT", "piece": "C62"}


class DocumentError(ValueError):
    """A document that would not pass Peppol; `code` and `field` are for the web layer."""

    def __init__(self, code: str, field: str):
        super().__init__(code, field)
        self.code, self.field = code, field


@dataclass(frozen=True)
class Party:
    """A seller or buyer as the document names them."""

    name: str
    street: str | None
    postcode: str | None
    city: str | None
    country: str = "BE"
    enterprise_number: str | None = None   # KBO/BCE digits: the legal registration (BT-30)
    vat_number: str | None = None          # e.g. BE0203201340 (BT-31)
    endpoint: tuple[str, str] | None = None  # (scheme, id); by default 0208 and the KBO number
    email: str | None = None


@dataclass(frozen=True)
class DocumentLine:
    """One line, its name already in the document's language."""

    id: str
    name: str
    quantity: Decimal
    unit_code: str          # UN/ECE Rec 20, see UNIT_CODES
    unit_price: Decimal
    net_amount: Decimal     # cents(quantity x unit_price)
    vat_category: str       # S or E
    vat_rate: Decimal
    service_date: date | None = None  # the sheet's date, as the line's period (BT-134/135)


@dataclass(frozen=True)
class InvoiceDocument:
    """An invoice, or a credit note when `credit_note_for` names the invoice it corrects."""

    number: str
    issue_date: date
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    due_date: date | None = None
    currency: str = "EUR"
    buyer_reference: str | None = None    # the organisation's own reference (BT-10)
    order_reference: str | None = None    # its purchase-order number (BT-13)
    payment_reference: str | None = None  # +++123/4567/89002+++
    iban: str | None = None               # the seller's account
    payment_terms: str | None = None      # e.g. "Payable within 30 days" (BT-20)
    note: str | None = None
    vat_exemption_reason: str | None = None   # the legal reason, for category E (BT-120)
    credit_note_for: tuple[str, date] | None = None  # (invoice number, its issue date)


def document_line(line_id: str, name: str, charge: ChargeLine, tariff: Tariff,
                  service_date: date | None = None) -> DocumentLine:
    """A document line from a priced line, with the VAT of the tariff that priced it."""
    category, rate = vat_category(tariff)
    return DocumentLine(line_id, name, charge.quantity, UNIT_CODES[charge.unit],
                        charge.unit_price, charge.amount, category, rate, service_date)


def _number(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")  # 21.00 -> "21", 12.50 -> "12.5"


def _sub(parent, name: str, text=None, **attributes):
    prefix, local = name.split(":")
    element = ET.SubElement(parent, f"{{{CAC if prefix == 'cac' else CBC}}}{local}",
                            attributes)
    if text is not None:
        element.text = str(text)
    return element


def _check_lines(document: InvoiceDocument) -> None:
    if not document.lines:
        raise DocumentError("no_lines", "lines")  # BR-16; and no empty invoice
    for index, line in enumerate(document.lines):
        field = f"lines[{index}]"
        try:
            quantity, price, amount = (parse_amount(v) for v in
                                       (line.quantity, line.unit_price, line.net_amount))
        except AmountError as error:
            raise DocumentError(error.code, field) from None
        # Peppol checks each line: net amount = quantity x price, to the cent (R120).
        if amount != cents(amount) or amount != cents(quantity * price):
            raise DocumentError("line_amount", field)
        if (line.vat_category, line.vat_rate > 0) not in (("S", True), ("E", False)):
            raise DocumentError("line_vat", field)
        if not line.name or not line.unit_code:
            raise DocumentError("line_name", field)
    if any(line.vat_category == "E" for line in document.lines) and not (
            document.vat_exemption_reason or "").strip():
        raise DocumentError("vat_exemption_reason_missing", "vat_exemption_reason")


def _party(parent, role: str, party: Party) -> None:
    element = _sub(_sub(parent, role), "cac:Party")
    if party.endpoint:
        scheme, identifier = party.endpoint
    elif party.enterprise_number:
        scheme, identifier = peppol_participant_id(party.enterprise_number)
    else:
        raise DocumentError("endpoint_missing", role)  # Peppol R010/R020: both are addressable
    _sub(element, "cbc:EndpointID", identifier, schemeID=scheme)
    _sub(_sub(element, "cac:PartyName"), "cbc:Name", party.name)
    address = _sub(element, "cac:PostalAddress")
    for name, value in (("cbc:StreetName", party.street), ("cbc:CityName", party.city),
                        ("cbc:PostalZone", party.postcode)):
        if value:  # Peppol R008: no empty elements
            _sub(address, name, value)
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", party.country)
    if party.vat_number:
        vat = vat_number(party.vat_number) if party.country == "BE" else party.vat_number
        tax_scheme = _sub(element, "cac:PartyTaxScheme")
        _sub(tax_scheme, "cbc:CompanyID", vat)
        _sub(_sub(tax_scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _sub(element, "cac:PartyLegalEntity")
    _sub(legal, "cbc:RegistrationName", party.name)
    if party.enterprise_number:
        _, digits = peppol_participant_id(party.enterprise_number)
        _sub(legal, "cbc:CompanyID", digits, schemeID="0208")
    if party.email:
        _sub(_sub(element, "cac:Contact"), "cbc:ElectronicMail", party.email)


def _payment(root, document: InvoiceDocument) -> None:
    if document.payment_reference:
        if not is_structured_reference(document.payment_reference):
            raise DocumentError("payment_reference_format", "payment_reference")
        if not document.iban:
            raise DocumentError("iban_missing", "iban")  # BR-61: a transfer needs the account
        means = _sub(root, "cac:PaymentMeans")
        _sub(means, "cbc:PaymentMeansCode", CREDIT_TRANSFER)
        _sub(means, "cbc:PaymentID", document.payment_reference.strip())
        _sub(_sub(means, "cac:PayeeFinancialAccount"), "cbc:ID", iban(document.iban))
    if document.payment_terms:
        _sub(_sub(root, "cac:PaymentTerms"), "cbc:Note", document.payment_terms)


def _tax_total(root, document: InvoiceDocument, currency: str):
    subtotals = vat_subtotals((line.net_amount, line.vat_category, line.vat_rate)
                              for line in document.lines)
    vat = sum((s.vat for s in subtotals), Decimal("0.00"))
    tax_total = _sub(root, "cac:TaxTotal")
    _sub(tax_total, "cbc:TaxAmount", amount_text(vat), currencyID=currency)
    for subtotal in subtotals:
        element = _sub(tax_total, "cac:TaxSubtotal")
        _sub(element, "cbc:TaxableAmount", amount_text(subtotal.taxable), currencyID=currency)
        _sub(element, "cbc:TaxAmount", amount_text(subtotal.vat), currencyID=currency)
        category = _sub(element, "cac:TaxCategory")
        _sub(category, "cbc:ID", subtotal.category)
        _sub(category, "cbc:Percent", _number(subtotal.rate))
        if subtotal.category == "E":
            _sub(category, "cbc:TaxExemptionReason", document.vat_exemption_reason.strip())
        _sub(_sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    return vat


def _line(root, line: DocumentLine, credit: bool, currency: str) -> None:
    element = _sub(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _sub(element, "cbc:ID", line.id)
    _sub(element, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
         _number(line.quantity), unitCode=line.unit_code)
    _sub(element, "cbc:LineExtensionAmount", amount_text(line.net_amount), currencyID=currency)
    if line.service_date:
        period = _sub(element, "cac:InvoicePeriod")
        _sub(period, "cbc:StartDate", line.service_date.isoformat())
        _sub(period, "cbc:EndDate", line.service_date.isoformat())
    item = _sub(element, "cac:Item")
    _sub(item, "cbc:Name", line.name)
    category = _sub(item, "cac:ClassifiedTaxCategory")
    _sub(category, "cbc:ID", line.vat_category)
    _sub(category, "cbc:Percent", _number(line.vat_rate))
    _sub(_sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    _sub(_sub(element, "cac:Price"), "cbc:PriceAmount", _number(line.unit_price),
         currencyID=currency)


def to_ubl(document: InvoiceDocument) -> bytes:
    """The document as UBL 2.1 XML (UTF-8), Invoice or CreditNote, in the schema's order."""
    _check_lines(document)
    credit = document.credit_note_for is not None
    if not document.seller.vat_number:
        # BR-S-02 / BR-E-02: a line in category S or E needs the seller's VAT identifier.
        raise DocumentError("seller_vat_number_missing", "seller.vat_number")
    # BR-CO-25 wants a due date or payment terms when something is payable. The CreditNote
    # schema has no DueDate and the official rule looks for that element, so a credit note
    # must carry its terms as text.
    if not document.payment_terms and (credit or not document.due_date):
        raise DocumentError("payment_terms_missing", "payment_terms")
    currency = document.currency
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    # The document's namespace as the default one, as in every Peppol example: ElementTree's
    # own default_namespace option refuses the unprefixed attributes UBL uses (currencyID).
    root = ET.Element("CreditNote" if credit else "Invoice", xmlns=namespace)
    _sub(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    _sub(root, "cbc:ProfileID", PROFILE_ID)
    _sub(root, "cbc:ID", document.number)
    _sub(root, "cbc:IssueDate", document.issue_date.isoformat())
    if document.due_date and not credit:
        _sub(root, "cbc:DueDate", document.due_date.isoformat())
    _sub(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode",
         CREDIT_NOTE_TYPE if credit else INVOICE_TYPE)
    if document.note:
        _sub(root, "cbc:Note", document.note)
    _sub(root, "cbc:DocumentCurrencyCode", currency)
    # Peppol R003 requires a buyer reference or an order reference. When the organisation
    # gave neither, the invoice number is a reference it can quote back and route on.
    buyer_reference = document.buyer_reference or (
        None if document.order_reference else document.number)
    if buyer_reference:
        _sub(root, "cbc:BuyerReference", buyer_reference)
    if document.order_reference:
        _sub(_sub(root, "cac:OrderReference"), "cbc:ID", document.order_reference)
    if credit:
        invoice_number, invoice_date = document.credit_note_for
        reference = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(reference, "cbc:ID", invoice_number)
        _sub(reference, "cbc:IssueDate", invoice_date.isoformat())
    _party(root, "cac:AccountingSupplierParty", document.seller)
    _party(root, "cac:AccountingCustomerParty", document.buyer)
    _payment(root, document)
    vat = _tax_total(root, document, currency)
    net = sum((line.net_amount for line in document.lines), Decimal("0.00"))
    monetary = _sub(root, "cac:LegalMonetaryTotal")
    for name, value in (("LineExtensionAmount", net), ("TaxExclusiveAmount", net),
                        ("TaxInclusiveAmount", net + vat), ("PayableAmount", net + vat)):
        _sub(monetary, f"cbc:{name}", amount_text(value), currencyID=currency)
    for line in document.lines:
        _line(root, line, credit, currency)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)
