"""The invoice pages and documents: a dispatcher runs a month and downloads what it issued
(PDF, UBL valid for Peppol, the month's zip with its journal), credits an invoice; who sees
which invoice and which costs; billing data refused with a clear message; the job."""

import io
import zipfile
from datetime import date, time
from decimal import Decimal as D

from peppol import check_rules, validate_xsd

from interpreter_register.billing.exports import services as exports
from interpreter_register.billing.exports.models import MonthExport
from interpreter_register.billing.invoicing import documents, run
from interpreter_register.billing.invoicing.models import Invoice
from interpreter_register.billing.invoicing.peppol import LocalAccessPoint
from interpreter_register.core.time import brussels_to_utc
from interpreter_register.extensions import db
from interpreter_register.jobs import runner
from tests.billing.conftest import EXEMPTION, settled_sheet, tariff

MARCH = date(2026, 3, 1)


def assert_valid_peppol(xml: bytes) -> None:
    valid, errors = validate_xsd(xml)
    assert valid, errors
    fatal = [str(f) for f in check_rules(xml, currency_tolerance=D("0"))
             if f.severity == "fatal"]
    assert fatal == []


def _issued(world, exemption=None):
    tariff(world.service, date(2026, 1, 1), exemption=exemption)
    settled_sheet(world, date(2026, 3, 3), minutes=80, km=12)
    settled_sheet(world, date(2026, 3, 4), minutes=20, requester=world.requester)
    plan = run.bill_month(world.dispatcher, world.service, MARCH, today=date(2026, 4, 1))
    db.session.commit()
    return plan.invoices[0]


def test_issued_invoices_and_credit_notes_are_valid_peppol(billing, app_ctx):
    invoice = _issued(billing)
    assert_valid_peppol(documents.invoice_xml(invoice))
    note = run.credit(billing.dispatcher, invoice, "Wrong duration",
                      sheet_ids=[invoice.sheet_ids[0]], today=date(2026, 4, 9))
    xml = documents.invoice_xml(note)
    assert b"<CreditNote" in xml and invoice.number.encode() in xml
    assert_valid_peppol(xml)


def test_an_exempt_invoice_is_valid_peppol_too(billing, app_ctx):
    assert_valid_peppol(documents.invoice_xml(_issued(billing, exemption=EXEMPTION)))


def test_a_dispatcher_previews_runs_and_downloads_the_month(billing, client_for):
    tariff(billing.service, date(2026, 1, 1))
    settled_sheet(billing, date(2026, 3, 3), minutes=80, km=12)
    browser = client_for(billing.dispatcher)
    page = browser.get("/invoices?month=2026-03").get_data(as_text=True)
    assert "OCMW Gent" in page and "De facturen van" in page   # the preview, in Dutch
    response = browser.post("/invoices/run?month=2026-03", data={"confirmed": "yes"})
    assert response.status_code == 302
    invoice = db.session.scalar(db.select(Invoice))
    # 60.00 + 2 × 15.00 + 12 × 0.43 = 95.16, and 21 % VAT.
    assert invoice.number.endswith("/00001") and invoice.total == D("115.14")
    page = browser.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    # Worded in the organisation's language (Dutch), whoever reads it.
    assert "Tolken Arabisch" in page and "de eerste 60 minuten (minimum)" in page
    pdf = browser.get(f"/invoices/{invoice.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xml = browser.get(f"/invoices/{invoice.id}/xml")
    assert_valid_peppol(xml.data)
    browser.post("/invoices/export?month=2026-03", data={})
    db.session.commit()
    assert exports.advance() == 1
    export = db.session.scalar(db.select(MonthExport))
    db.session.commit()
    archive = zipfile.ZipFile(io.BytesIO(browser.get(f"/exports/{export.id}/download").data))
    name = invoice.number.replace("/", "-")
    assert sorted(archive.namelist()) == sorted([f"invoice-{name}.pdf", f"invoice-{name}.xml",
                                                 "journal-2026-03.csv"])
    journal = archive.read("journal-2026-03.csv").decode("utf-8-sig").splitlines()
    assert journal[1].split(";")[-4:] == ["95.16", "19.98", "115.14", "EUR"]
    # Run again: nothing more.
    browser.post("/invoices/run?month=2026-03", data={"confirmed": "yes"})
    assert db.session.scalar(db.select(db.func.count(Invoice.id))) == 1


def test_a_credit_note_needs_its_reason(billing, client_for):
    invoice = _issued(billing)
    browser = client_for(billing.dispatcher)
    page = browser.post(f"/invoices/{invoice.id}/credit", data={"reason": ""})
    assert page.status_code == 200 and "is-invalid" in page.get_data(as_text=True)
    response = browser.post(f"/invoices/{invoice.id}/credit", data={"reason": "Duplicate"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Invoice.id))) == 2


def test_who_sees_which_invoice_and_which_costs(billing, client_for):
    invoice = _issued(billing)
    url = f"/invoices/{invoice.id}/pdf"
    assert client_for(billing.other_dispatcher).get(url).status_code == 404
    assert client_for(billing.other_contact_person).get(url).status_code == 404
    assert client_for(billing.requester).get(url).status_code == 404   # a plain requester
    assert client_for(billing.contact_person).get(f"/invoices/{invoice.id}").status_code == 200
    whole = client_for(billing.contact_person).get("/organisation/costs?month=2026-03")
    text = whole.get_data(as_text=True)
    # Lotte's 80 minutes (90.00 + 12 km 5.16) and Jan's 20 (the minimum, 60.00).
    assert "Lotte De Smet" in text and "Jan Colleague" in text and "155,16" in text
    own = client_for(billing.requester).get("/organisation/costs?month=2026-03")
    text = own.get_data(as_text=True)
    assert "Jan Colleague" in text and "Lotte De Smet" not in text and "60,00" in text
    assert invoice.number not in text
    other = client_for(billing.other_contact_person).get("/organisation/costs?month=2026-03")
    assert "Lotte De Smet" not in other.get_data(as_text=True)


def test_billing_data_with_a_wrong_enterprise_number_is_refused(billing, client_for):
    browser = client_for(billing.contact_person)
    page = browser.post("/organisation/billing", data={
        "billing_street": "Onderbergen 86", "billing_postcode": "9000",
        "billing_city": "Gent", "enterprise_number": "0207.437.469",
        "reference_rule": "none", "invoice_language": ""})
    # In the contact person's language (Dutch): the check digits, named.
    assert "modulo 97" in page.get_data(as_text=True) and "is-invalid" in page.get_data(
        as_text=True)
    browser.post("/organisation/billing", data={
        "billing_street": "Onderbergen 86", "billing_postcode": "9000",
        "billing_city": "Gent", "enterprise_number": "BE 0207.437.468",
        "reference_rule": "month", "invoice_language": "fr"})
    organisation = db.session.get(type(billing.organisation), billing.organisation.id)
    db.session.refresh(organisation)
    assert organisation.enterprise_number == "0207437468"
    assert organisation.peppol_endpoint == ("0208", "0207437468")
    assert organisation.invoice_locale == "fr"


def test_peppol_sending_through_the_configured_access_point(billing, app, client_for):
    invoice = _issued(billing)
    browser = client_for(billing.dispatcher)
    browser.post(f"/invoices/{invoice.id}/send", data={})
    db.session.refresh(invoice)
    assert not invoice.is_sent    # nothing configured: the XML is downloaded instead
    fake = LocalAccessPoint(refuse={"0208:0207437468"})
    app.config["PEPPOL_ACCESS_POINT"] = "local"
    app.extensions["peppol_local"] = fake
    try:
        browser.post(f"/invoices/{invoice.id}/send", data={})
        db.session.refresh(invoice)
        # Refused: recorded on the invoice, which stays issued, to send again.
        assert not invoice.is_sent and invoice.send_result == "refused: unknown receiver"
        fake.refuse.clear()
        browser.post(f"/invoices/{invoice.id}/send", data={})
    finally:
        app.config.pop("PEPPOL_ACCESS_POINT")
        app.extensions.pop("peppol_local")
    db.session.refresh(invoice)
    assert invoice.is_sent and invoice.send_result == "local-1"
    assert fake.sent[0][1] == ("0208", "0207437468")
    assert_valid_peppol(fake.sent[0][0])


def test_the_job_bills_the_previous_month_on_the_first(billing, app_ctx):
    tariff(billing.service, date(2026, 1, 1))
    settled_sheet(billing, date(2026, 3, 3))
    db.session.commit()
    done = runner.run("invoices", brussels_to_utc(date(2026, 4, 1), time(6)))
    assert done.outcome == "succeeded"
    assert done.counts["invoices_issued"] == 1 and done.counts["services_billed"] == 1
    again = runner.run("invoices", brussels_to_utc(date(2026, 4, 1), time(7)))
    assert "invoices_issued" not in again.counts and "services_billed" not in again.counts


def test_revenue_per_language_organisation_and_month_in_the_service_figures(billing, app_ctx):
    from interpreter_register.reports.figures import revenue
    from interpreter_register.reports.periods import Period
    invoice = _issued(billing)          # 95.16 for Lotte's sheet, 60.00 for Jan's
    run.credit(billing.dispatcher, invoice, "Duplicate", sheet_ids=[invoice.sheet_ids[1]],
               today=date(2026, 4, 9))  # Jan's credited
    db.session.commit()
    money = revenue(Period("year", date(2026, 1, 1), date(2026, 12, 31)), billing.service.id)
    assert [(lang.code, amount) for lang, amount in money.by_language] == [("ar", D("95.16"))]
    assert money.by_organisation == [("OCMW Gent", D("95.16"))]
    assert dict(money.by_month)[MARCH] == D("95.16") and money.total == D("95.16")
    other = revenue(Period("year", date(2026, 1, 1), date(2026, 12, 31)),
                    billing.other_service.id)
    assert other.total == D("0.00")
