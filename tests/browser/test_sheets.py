"""After the assignment, in a real Chromium: the interpreter files the completion sheet in
German on a phone 390 px wide, with a photo of the parking ticket; the social worker
confirms it in French; a second sheet is disputed in French and settled by the dispatcher
in Dutch."""

from datetime import time, timedelta
from decimal import Decimal

from playwright.sync_api import expect

from interpreter_register.core.time import brussels_to_utc, today_in_brussels
from interpreter_register.extensions import db
from interpreter_register.sheets.services import filing
from interpreter_register.sheets.services.content import SheetDetails
from tests.fixtures.factories import create_booking, create_request, future_day
from tests.fixtures.world import build_world
from tests.sheets.conftest import PNG

from .test_foundation import log_in, serious_violations, switch_to


def _done(world, days_ago: int, start: time):
    """A booking of Fatima's for OCMW Gent, made ahead and then moved into the past (the
    services refuse to book the past): the work is over."""
    item = create_request(world.contact_person, day=future_day(), start=start,
                          end=time(start.hour + 1, 30))
    booking = create_booking(item, world.fatima)
    day = today_in_brussels() - timedelta(days=days_ago)
    starts = brussels_to_utc(day, start)
    item.starts_at = item.due_at = booking.starts_at = starts
    item.ends_at = booking.ends_at = starts + timedelta(minutes=90)
    db.session.flush()
    return booking


def seed(live_server):
    def build():
        world = build_world()
        world.first = _done(world, 2, time(10))
        world.second = _done(world, 3, time(14))
        world.second_sheet = filing.file_sheet(world.interpreter, world.second, SheetDetails(
            started=time(14), ended=time(15, 30), km=Decimal(20)))
        return world
    return live_server.seed(build)


def test_filed_on_a_phone_in_german_confirmed_in_french(browser, live_server):
    world = seed(live_server)

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_server, world.interpreter.email)
    switch_to(phone, "de")
    phone.goto(f"{live_server.url}/portal")
    done = phone.get_by_role("region", name="Arbeit getan: der Leistungsnachweis")
    done.get_by_role("listitem").filter(has_text="10:00").get_by_role(
        "link", name="Leistungsnachweis").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Leistungsnachweis")
    expect(phone.locator("#started")).to_have_value("10:00")
    expect(phone.locator("#km-suggestion")).to_contain_text("Schätzung nach den Postleitzahlen")
    phone.fill("#ended", "11:40")
    phone.fill("#waiting_minutes", "10")
    phone.fill("#km", "18,5")
    phone.select_option("#expenses-0-kind", "parking")
    phone.fill("#expenses-0-amount", "4,80")
    phone.set_input_files("#expenses-0-receipt", files=[
        {"name": "parkticket.png", "mimeType": "image/png", "buffer": PNG}])
    phone.fill("#remarks", "Parkhaus am Kouter")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scroll"
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Nachweis einreichen").click()
    expect(phone.get_by_role("status").first).to_contain_text("Der Nachweis ist eingereicht")
    main = phone.locator("main")
    expect(main).to_contain_text("Wartet auf Bestätigung")
    expect(main).to_contain_text("10:00–11:40 (100 Minuten)")
    expect(main.get_by_role("link", name="Beleg")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    social_worker = browser.new_page()
    log_in(social_worker, live_server, world.contact_person.email)
    switch_to(social_worker, "fr")
    social_worker.get_by_role("link", name="Fiches de prestation").click()
    to_confirm = social_worker.locator("#sheets-waiting")
    expect(to_confirm.locator(".sheet-item")).to_have_count(2)
    to_confirm.locator(".sheet-item").filter(has_text="10:00").get_by_role(
        "link", name="Ouvrir la fiche").click()
    expect(social_worker.locator("main")).to_contain_text("Parking : 4,80 €")
    expect(social_worker.locator("main")).not_to_contain_text("Parkhaus am Kouter")
    social_worker.get_by_role("button", name="Confirmer la fiche").click()
    expect(social_worker.get_by_role("status").first).to_contain_text(
        "la fiche est confirmée et clôturée")
    expect(social_worker.locator("main")).to_contain_text(
        f"Confirmée par {world.contact_person.name}")
    expect(social_worker.get_by_role("link", name="La fiche en PDF")).to_be_visible()
    for page in (phone, social_worker):
        page.close()


def test_a_disputed_sheet_is_settled_by_the_dispatcher_in_dutch(browser, live_server):
    world = seed(live_server)

    social_worker = browser.new_page()
    log_in(social_worker, live_server, world.contact_person.email)
    switch_to(social_worker, "fr")
    social_worker.goto(f"{live_server.url}/sheets/{world.second_sheet.id}")
    social_worker.get_by_role("link", name="Contester des lignes").click()
    social_worker.get_by_role("group", name="Kilomètres").get_by_label(
        "Cette ligne est inexacte").check()
    social_worker.get_by_role("group", name="Kilomètres").get_by_label("Pourquoi").fill(
        "L’interprète habite à Gent même.")
    social_worker.get_by_role("button", name="Envoyer la contestation").click()
    expect(social_worker.get_by_role("status").first).to_contain_text(
        "Votre contestation est envoyée")
    expect(social_worker.locator("main")).to_contain_text("Contestée")

    dispatcher = browser.new_page()
    log_in(dispatcher, live_server, world.dispatcher.email)
    expect(dispatcher.locator("main")).to_contain_text("1 betwist")
    dispatcher.get_by_role("link", name="Prestatiefiches").click()
    disputed = dispatcher.locator("#sheets-disputed")
    disputed.get_by_role("link", name="De fiche openen").click()
    expect(dispatcher.locator("main")).to_contain_text("L’interprète habite à Gent même.")
    dispatcher.fill("#note", "Nagevraagd: de tolk kwam van een vorige opdracht in Aalst.")
    dispatcher.get_by_role("button", name="Afhandelen zoals ingediend").click()
    expect(dispatcher.get_by_role("status").first).to_contain_text("De fiche is afgehandeld.")
    expect(dispatcher.locator("main")).to_contain_text("Afgehandeld door de tolkendienst")
    dispatcher.get_by_role("link", name="de aanvraag").click()
    expect(dispatcher.locator("main")).to_contain_text("Afgerond")
    expect(dispatcher.locator("main")).to_contain_text("De prestatiefiche werd betwist")
    expect(dispatcher.locator("main")).to_contain_text(
        "De dienst handelde de prestatiefiche af (versie 1)")
    for page in (social_worker, dispatcher):
        page.close()
