"""Prices and statements in a real Chromium: a dispatcher makes next month's tariff (in
Dutch), an interpreter opens last month's statement and its PDF (in French)."""

from datetime import date, time

from playwright.sync_api import expect

from interpreter_register.billing.models import PriceListKind
from interpreter_register.billing.statements.services import month_key, previous_month
from interpreter_register.core.time import today_in_brussels
from tests.billing.test_price_list_pages import _stored, next_month
from tests.billing.test_statements import pay_scale, settled
from tests.fixtures.world import build_world

from .test_foundation import log_in, serious_violations, switch_to


def seed(live_server):
    def build():
        world = build_world()
        last_month = previous_month(today_in_brussels().replace(day=1))
        _stored(world.service, PriceListKind.TARIFF, date(last_month.year - 1, 1, 1))
        pay_scale(world.service, date(last_month.year - 1, 1, 1), "38.00")
        settled(world, last_month.replace(day=10), start=time(10), km="20",
                expenses=[("parking", "5.00")])
        world.last_month = last_month
        return world
    return live_server.seed(build)


def test_a_dispatcher_makes_next_month_s_tariff_and_an_interpreter_reads_a_statement(
        browser, live_server):
    world = seed(live_server)

    dispatcher = browser.new_page()
    log_in(dispatcher, live_server, world.dispatcher.email)
    dispatcher.get_by_role("link", name="Prijzen", exact=True).click()
    expect(dispatcher.get_by_role("heading", level=1)).to_contain_text(
        "Tarieven en vergoedingsschalen")
    dispatcher.get_by_role("link", name="Nieuw tarief vanaf een datum").click()
    # Prefilled from the tariff in force, from the first of next month.
    expect(dispatcher.locator("#valid_from")).to_have_value(next_month().isoformat())
    expect(dispatcher.locator("#on_site_unit_price")).to_have_value("15")
    dispatcher.fill("#on_site_unit_price", "-16")
    dispatcher.get_by_role("button", name="Opslaan").click()
    expect(dispatcher.locator("#on_site_unit_price-error")).to_contain_text(
        "Een prijs kan niet negatief zijn.")
    assert serious_violations(dispatcher) == []
    dispatcher.fill("#on_site_unit_price", "16,25")
    dispatcher.get_by_role("button", name="Opslaan").click()
    expect(dispatcher.get_by_role("status").first).to_contain_text("is bewaard")
    planned = dispatcher.locator("#prices-tariff tr.price-list-row").first
    expect(planned).to_contain_text("Gepland")
    expect(planned.get_by_role("link", name="Wijzigen")).to_be_visible()
    assert serious_violations(dispatcher) == []

    interpreter = browser.new_page()
    log_in(interpreter, live_server, world.interpreter.email)
    switch_to(interpreter, "fr")
    interpreter.get_by_role("link", name="Décomptes", exact=True).click()
    main = interpreter.locator("main")
    expect(main.locator("tr.statement-line")).to_have_count(1)
    # 90 minutes on site: 38,00 + 2 quarters of 9,50; 20 km at 0,4269; parking at cost.
    expect(main.locator("tr.statement-total")).to_contain_text("70,54")
    expect(main).to_contain_text("1:30")
    assert serious_violations(interpreter) == []
    link = main.get_by_role("link", name="Télécharger en PDF")
    answer = interpreter.request.get(live_server.url + link.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")
    assert month_key(world.last_month) in link.get_attribute("href")
