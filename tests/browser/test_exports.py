"""A month's zip in a real Chromium, in Dutch and in French: the dispatcher asks for it on
the invoices page, the background worker beside the server builds it, the page shows it
ready, and the dispatcher downloads it."""

import zipfile
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from interpreter_register.billing.invoicing import run
from interpreter_register.core.time import today_in_brussels
from tests.billing.conftest import ready_to_bill, settled_sheet, tariff
from tests.fixtures.world import build_world

from .test_foundation import log_in, serious_violations, switch_to

WORDS = {"nl": {"ask": "De zip van de maand aanvragen", "queued": "in de wachtrij",
                "ready": "Klaar", "download": "downloaden"},
         "fr": {"ask": "Demander le zip du mois", "queued": "en attente",
                "ready": "Prêt", "download": "Télécharger"}}


def seed(live_server):
    def build():
        world = build_world()
        ready_to_bill(world)
        month = run.previous_month(today_in_brussels())
        tariff(world.service, month - timedelta(days=400))
        settled_sheet(world, month + timedelta(days=2), minutes=80, km=12)
        run.bill_month(world.dispatcher, world.service, month)
        return world
    return live_server.seed(build)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_dispatcher_asks_for_the_month_s_zip_and_downloads_it(browser, live_server,
                                                                   language):
    world = seed(live_server)
    words = WORDS[language]
    month = f"{run.previous_month(today_in_brussels()):%Y-%m}"
    page = browser.new_page()
    log_in(page, live_server, world.dispatcher.email)
    switch_to(page, language)
    page.goto(f"{live_server.url}/invoices?month={month}")
    page.get_by_role("button", name=words["ask"]).click()
    expect(page.get_by_role("status").first).to_contain_text(words["queued"])
    # The worker beside the server builds it; the page looks again by itself.
    link = page.get_by_role("link", name=f"invoices-{month}.zip")
    expect(link).to_be_visible()
    expect(page.locator(".export-ready .badge")).to_have_text(words["ready"])
    expect(link).to_contain_text(words["download"])
    assert serious_violations(page) == []
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"invoices-{month}.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
    assert sorted(names)[-1] == f"journal-{month}.csv"
    assert sum(name.endswith(".pdf") for name in names) == 1
