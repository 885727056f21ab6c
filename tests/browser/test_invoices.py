"""Invoices in a real Chromium: the dispatcher previews last month in French, issues it,
opens the invoice and downloads its PDF; the contact person reads the month's costs in
German and finds the invoice there."""

from datetime import timedelta

from playwright.sync_api import expect

from interpreter_register.billing.invoicing.run import previous_month
from interpreter_register.core.time import today_in_brussels
from tests.billing.conftest import ready_to_bill, settled_sheet, tariff
from tests.fixtures.world import build_world

from .test_foundation import log_in, serious_violations, switch_to


def seed(live_server):
    def build():
        world = build_world()
        ready_to_bill(world)
        month = previous_month(today_in_brussels())
        tariff(world.service, month - timedelta(days=400))
        settled_sheet(world, month + timedelta(days=2), minutes=80, km=12)
        return world
    return live_server.seed(build)


def test_the_dispatcher_issues_the_month_in_french_the_contact_reads_costs_in_german(
        browser, live_server):
    world = seed(live_server)
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, world.dispatcher.email)
    switch_to(page, "fr")
    page.goto(f"{live_server.url}/invoices")
    expect(page.get_by_role("heading", name="À facturer")).to_be_visible()
    expect(page.get_by_role("cell", name="OCMW Gent")).to_be_visible()
    page.get_by_role("button", name="Émettre les factures").click()
    expect(page.get_by_text("1 factures émises.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name=f"{today_in_brussels().year}/00001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Facture")
    # The lines in the organisation's language (Dutch), whoever reads them.
    expect(page.get_by_text("de eerste 60 minuten (minimum)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith("00001.pdf")

    contact = browser.new_page()
    log_in(contact, live_server, world.contact_person.email)
    switch_to(contact, "de")
    contact.goto(f"{live_server.url}/organisation/costs")
    expect(contact.get_by_role("heading", level=1)).to_contain_text("Kosten")
    expect(contact.get_by_role("cell", name="Lotte De Smet")).to_be_visible()
    expect(contact.get_by_text("Rechnung 20")).to_be_visible()
    assert serious_violations(contact) == []
