"""UBL invoices and credit notes: valid against the UBL 2.1 schema and the Peppol BIS Billing 3.0
rules (offline, peppol-ubl-validate), and read back to the figures they were built from."""

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from peppol import check_rules, validate_xsd

from interpreter_register.billing.charges import Rate, Tariff, Work, charge_lines
from interpreter_register.billing.identifiers import structured_reference
from interpreter_register.billing.ubl import (
    CUSTOMIZATION_ID,
    PROFILE_ID,
    DocumentError,
    DocumentLine,
    InvoiceDocument,
    Party,
    document_line,
    to_ubl,
)

NS = {"inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
      "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}

TARIFF = Tariff(on_site=Rate(unit="started_quarter", unit_price=D("11.25"), minimum_minutes=60,
                             minimum_charge=D("45.00")),
                phone=Rate(unit="minute", unit_price=D("0.75")),
                per_word=D("0.12"), translation_minimum=D("25.00"), per_km=D("0.4269"),
                vat_rate=D("21"))
EXEMPT = replace(TARIFF, vat_rate=None, vat_exemption_reason="Vrijgesteld van btw, art. 44 W.BTW")
SELLER = Party("Sociaal Tolk- en Vertaalbureau Gent", "Kortrijksesteenweg 1", "9000", "Gent",
               enterprise_number="0203.201.340", vat_number="BE0203201340",
               email="facturatie@example.be")
BUYER = Party("OCMW Gent", "Onderbergen 86", "9000", "Gent", enterprise_number="0207451227")
MARCH = date(2026, 3, 12)


def lines_for(tariff):
    """Two sheets of March: 95 minutes on site with travel and parking, a phone call."""
    charges = (charge_lines(Work("on_site", 95, km=D("23.4"), expenses=(("parking", D("4.50")),)),
                            tariff)
               + charge_lines(Work("phone", 37), tariff))
    names = ["Tolken ter plaatse, eerste uur", "Tolken ter plaatse, 3 begonnen kwartieren",
             "Verplaatsing 23,4 km", "Parkeren", "Telefonisch tolken, 37 minuten"]
    return tuple(document_line(str(n), name, charge, tariff, MARCH)
                 for n, (name, charge) in enumerate(zip(names, charges, strict=True), start=1))


INVOICE = InvoiceDocument(
    number="2026-000042", issue_date=date(2026, 4, 1), due_date=date(2026, 5, 1),
    seller=SELLER, buyer=BUYER, lines=lines_for(TARIFF),
    payment_reference=structured_reference(2026000042), iban="BE71 0961 2345 6769",
    note="Tolkopdrachten maart 2026")
CREDIT_NOTE = replace(INVOICE, number="2026-C-000003", issue_date=date(2026, 4, 8),
                      lines=INVOICE.lines[4:], payment_reference=None, due_date=None,
                      payment_terms="Verrekend met factuur 2026-000042",
                      credit_note_for=("2026-000042", date(2026, 4, 1)))


def parse(xml: bytes):
    return ET.fromstring(xml)  # noqa: S314 (our own output, not input from outside)


def text(root, path):
    return root.findtext(path, namespaces=NS)


def assert_valid(xml: bytes):
    valid, errors = validate_xsd(xml)
    assert valid, errors
    # Zero tolerance: the validator's default lets totals be a cent off.
    fatal = [str(f) for f in check_rules(xml, currency_tolerance=D("0"))
             if f.severity == "fatal"]
    assert fatal == []


def test_the_validator_is_not_blind():
    xml = to_ubl(INVOICE)
    wrong_total = xml.replace(b"<cbc:LineExtensionAmount currencyID=\"EUR\">45.00<",
                              b"<cbc:LineExtensionAmount currencyID=\"EUR\">46.00<", 1)
    assert wrong_total != xml
    assert any(f.rule_id == "BR-CO-10" for f in check_rules(wrong_total))
    out_of_order = xml.replace(b"<cbc:ProfileID>", b"<cbc:ProfileIDx>", 1).replace(
        b"</cbc:ProfileID>", b"</cbc:ProfileIDx>", 1)
    assert not validate_xsd(out_of_order)[0]


def test_invoice_is_valid_peppol_and_reads_back_to_its_figures():
    xml = to_ubl(INVOICE)
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert_valid(xml)
    root = parse(xml)
    assert root.tag == f"{{{NS['inv']}}}Invoice"
    assert text(root, "cbc:CustomizationID") == CUSTOMIZATION_ID
    assert text(root, "cbc:ProfileID") == PROFILE_ID
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert (text(root, "cbc:ID"), text(root, "cbc:IssueDate"), text(root, "cbc:DueDate")) == (
        "2026-000042", "2026-04-01", "2026-05-01")
    # No reference from the organisation: the invoice number stands in (Peppol R003).
    assert text(root, "cbc:BuyerReference") == "2026-000042"
    amounts = [D(e.text) for e in root.findall("cac:InvoiceLine/cbc:LineExtensionAmount", NS)]
    assert amounts == [D("45.00"), D("33.75"), D("9.99"), D("4.50"), D("27.75")]
    total = "cac:LegalMonetaryTotal/cbc:"
    assert D(text(root, total + "LineExtensionAmount")) == sum(amounts) == D("120.99")
    assert D(text(root, total + "TaxExclusiveAmount")) == D("120.99")
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "25.41"   # 120.99 x 21% = 25.4079
    subtotal = root.find("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert (text(subtotal, "cbc:TaxableAmount"), text(subtotal, "cbc:TaxAmount"),
            text(subtotal, "cac:TaxCategory/cbc:ID"),
            text(subtotal, "cac:TaxCategory/cbc:Percent")) == ("120.99", "25.41", "S", "21")
    assert text(root, total + "TaxInclusiveAmount") == text(root, total + "PayableAmount") \
        == "146.40"
    assert {e.get("currencyID") for e in root.iter() if "Amount" in e.tag} == {"EUR"}
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "30"
    # 2026000042 mod 97 = 36
    assert text(root, "cac:PaymentMeans/cbc:PaymentID") == "+++202/6000/04236+++"
    assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "BE71096123456769"
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    endpoint = seller.find("cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == ("0208", "0203201340")
    assert text(seller, "cac:PartyTaxScheme/cbc:CompanyID") == "BE0203201340"
    assert text(seller, "cac:PartyLegalEntity/cbc:CompanyID") == "0203201340"
    buyer_endpoint = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (buyer_endpoint.get("schemeID"), buyer_endpoint.text) == ("0208", "0207451227")
    first, third = root.findall("cac:InvoiceLine", NS)[0:3:2]
    assert first.find("cbc:InvoicedQuantity", NS).get("unitCode") == "C62"
    assert third.find("cbc:InvoicedQuantity", NS).get("unitCode") == "KMT"
    assert (text(third, "cbc:InvoicedQuantity"), text(third, "cac:Price/cbc:PriceAmount")) == (
        "23.4", "0.4269")
    assert text(first, "cac:InvoicePeriod/cbc:StartDate") == "2026-03-12"


def test_credit_note_refers_to_its_invoice_and_is_valid():
    xml = to_ubl(CREDIT_NOTE)
    assert_valid(xml)
    root = parse(xml)
    assert root.tag == f"{{{NS['cn']}}}CreditNote"
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    assert root.find("cbc:DueDate", NS) is None   # not in the CreditNote schema
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/"
    assert (text(root, reference + "cbc:ID"), text(root, reference + "cbc:IssueDate")) == (
        "2026-000042", "2026-04-01")
    assert root.find("cac:InvoiceLine", NS) is None
    line = root.find("cac:CreditNoteLine", NS)
    assert (text(line, "cbc:CreditedQuantity"), text(line, "cbc:LineExtensionAmount")) == (
        "37", "27.75")
    # A credit note is positive amounts on a credit note, not a negative invoice.
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "33.58"  # 27.75 + 5.83
    assert text(root, "cac:PaymentTerms/cbc:Note") == "Verrekend met factuur 2026-000042"


def test_an_exempt_invoice_carries_category_e_and_its_legal_reason():
    document = replace(INVOICE, lines=lines_for(EXEMPT),
                       vat_exemption_reason=EXEMPT.vat_exemption_reason)
    xml = to_ubl(document)
    assert_valid(xml)
    root = parse(xml)
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert (text(category, "cbc:ID"), text(category, "cbc:Percent"),
            text(category, "cbc:TaxExemptionReason")) == (
        "E", "0", "Vrijgesteld van btw, art. 44 W.BTW")
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "0.00"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "120.99"
    assert {e.text for e in root.findall(".//cac:ClassifiedTaxCategory/cbc:ID", NS)} == {"E"}


def test_two_vat_categories_give_two_subtotals():
    document = replace(INVOICE, lines=INVOICE.lines[:2] + lines_for(EXEMPT)[4:],
                       vat_exemption_reason=EXEMPT.vat_exemption_reason)
    xml = to_ubl(document)
    assert_valid(xml)
    subtotals = parse(xml).findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert [(text(s, "cac:TaxCategory/cbc:ID"), text(s, "cbc:TaxableAmount"),
             text(s, "cbc:TaxAmount")) for s in subtotals] == [
        ("S", "78.75", "16.54"), ("E", "27.75", "0.00")]


def test_the_organisations_references_are_used_when_given():
    with_order = parse(to_ubl(replace(INVOICE, order_reference="PO-2026-118")))
    assert text(with_order, "cac:OrderReference/cbc:ID") == "PO-2026-118"
    assert with_order.find("cbc:BuyerReference", NS) is None
    with_reference = to_ubl(replace(INVOICE, buyer_reference="KP 4410/DIENST"))
    assert_valid(with_reference)
    assert text(parse(with_reference), "cbc:BuyerReference") == "KP 4410/DIENST"


@pytest.mark.parametrize(("change", "code"), [
    ({"lines": ()}, "no_lines"),
    ({"lines": lines_for(EXEMPT)}, "vat_exemption_reason_missing"),
    ({"seller": replace(SELLER, vat_number=None)}, "seller_vat_number_missing"),
    ({"due_date": None}, "payment_terms_missing"),
    ({"payment_reference": "+++202/6000/04237+++"}, "payment_reference_format"),
    ({"iban": None}, "iban_missing"),
    ({"buyer": replace(BUYER, enterprise_number=None)}, "endpoint_missing"),
    ({"lines": (DocumentLine("1", "Tolken", D("3"), "C62", D("11.25"), D("33.76"), "S",
                             D("21")),)}, "line_amount"),
    ({"lines": (DocumentLine("1", "Tolken", D("1"), "C62", D("-5"), D("-5.00"), "S",
                             D("21")),)}, "amount_negative"),
    ({"lines": (DocumentLine("1", "Tolken", D("1"), "C62", D("5"), D("5.00"), "S",
                             D("0")),)}, "line_vat"),
])
def test_a_document_peppol_would_refuse_is_not_written(change, code):
    with pytest.raises(DocumentError) as caught:
        to_ubl(replace(INVOICE, **change))
    assert caught.value.code == code


def test_a_credit_note_needs_its_payment_terms_as_text():
    with pytest.raises(DocumentError) as caught:
        to_ubl(replace(CREDIT_NOTE, payment_terms=None, due_date=date(2026, 5, 1)))
    assert caught.value.code == "payment_terms_missing"
