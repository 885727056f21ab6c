"""The daily work in a real Chromium: a social worker asks (in French), a dispatcher
matches and offers (in Dutch), the interpreter accepts (in German), the social worker sees
the booking; and a late cancellation shows as late."""

import re

from playwright.sync_api import expect

from interpreter_register.core.regions import Province
from interpreter_register.organisations.models import CancellationRule
from tests.fixtures.factories import (
    PASSWORD,
    create_booking,
    create_interpreter,
    create_request,
    future_day,
)
from tests.fixtures.world import build_world

from .test_foundation import log_in, serious_violations, switch_to


def seed(live_server):
    def build():
        world = build_world()
        create_interpreter("Karim", "Antwerpen", postcode="2000", regions={Province.ANTWERP})
        return world
    return live_server.seed(build)


def test_request_offer_accept_booked_in_three_languages(browser, live_server):
    world = seed(live_server)
    day = future_day()

    social_worker = browser.new_page()
    log_in(social_worker, live_server, world.contact_person.email)
    switch_to(social_worker, "fr")
    social_worker.get_by_role("link", name="Nouvelle demande").click()
    social_worker.select_option("#language", "ar")
    social_worker.check("input[name=modality][value=on_site]")
    social_worker.select_option("#domain", "medical")
    social_worker.fill("#day", day.isoformat())
    social_worker.fill("#starts", "10:00")
    social_worker.fill("#ends", "11:30")
    social_worker.fill("#address", "Kouter 1")
    social_worker.fill("#postcode", "9000")
    social_worker.fill("#municipality", "Gent")
    social_worker.fill("#case_reference", "GNT-2027-001")
    social_worker.get_by_role("button", name="Envoyer la demande").click()
    expect(social_worker.get_by_role("heading", level=1)).to_contain_text("Demande")
    expect(social_worker.locator("main")).to_contain_text("Soumise")
    request_url = social_worker.url

    dispatcher = browser.new_page()
    log_in(dispatcher, live_server, world.dispatcher.email)
    dispatcher.get_by_role("link", name="Wachtrij", exact=True).click()
    # Soonest first: the request just made, before the world's own (four weeks ahead).
    dispatcher.locator("main table a").first.click()
    ranked = dispatcher.locator("main table").first
    expect(ranked.locator("tbody tr").first).to_contain_text("Fatima Haddad")
    expect(ranked).to_contain_text("Woont in dezelfde gemeente")
    expect(dispatcher.locator("main")).to_contain_text("Bedient Oost-Vlaanderen niet")
    assert serious_violations(dispatcher) == []
    dispatcher.check(f"#offer-{world.fatima.id}")
    dispatcher.locator("button[form=offer-form]").click()
    expect(dispatcher.get_by_role("status").first).to_contain_text("1 persoon")

    interpreter_page = browser.new_page()
    log_in(interpreter_page, live_server, world.interpreter.email)
    switch_to(interpreter_page, "de")
    interpreter_page.get_by_role("link", name="Angebote und Buchungen", exact=True).click()
    # The medical request just made (the world's offer is for social welfare).
    interpreter_page.locator("article").filter(has_text="Medizinisch").get_by_role(
        "button", name="Annehmen").click()
    expect(interpreter_page.get_by_role("status").first).to_contain_text("gebucht")

    social_worker.goto(request_url)
    expect(social_worker.locator("main")).to_contain_text("Réservée")
    expect(social_worker.locator("main")).to_contain_text("Fatima Haddad")
    for page in (social_worker, dispatcher, interpreter_page):
        page.close()


def test_a_late_cancellation_is_announced_and_flagged(page, live_server):
    def build():
        world = build_world()
        # Two weeks of working hours: any booking in the next days is cancelled late.
        world.service.cancellation_rule = CancellationRule.WORKING_HOURS
        world.service.cancellation_hours = 336
        item = create_request(world.contact_person, day=future_day(weeks=1))
        create_booking(item, world.fatima)
        return world, item
    world, item = live_server.seed(build)
    log_in(page, live_server, world.contact_person.email)
    page.goto(f"{live_server.url}/requests/{item.id}")
    page.get_by_role("link", name="Aanvraag annuleren").click()
    expect(page.get_by_role("alert")).to_contain_text("Deze annulering is laat.")
    page.fill("#reason", "De afspraak is verplaatst")
    page.locator("main form").get_by_role("button", name="Aanvraag annuleren").click()
    expect(page.get_by_role("status").first).to_contain_text("laat")
    expect(page.locator("main")).to_contain_text("Late annulering")
    switch_to(page, "fr")
    page.goto(f"{live_server.url}/requests")
    expect(page.locator("main table")).to_contain_text("Annulation tardive")
    assert re.search(r"/requests$", page.url)
    assert PASSWORD


def test_a_withdrawal_is_rebooked_and_every_calendar_follows(browser, live_server):
    """The interpreter withdraws (in German); the dispatcher sees it on the attention list
    (in Dutch) and books someone else; the requester's calendar feed (in French) shows one
    event, which names the new interpreter."""
    from icalendar import Calendar

    from interpreter_register.bookings.services import booking as booking_service
    from interpreter_register.calendar.models import FeedScope
    from interpreter_register.calendar.services import create_feed

    def build():
        world = build_world()
        item = create_request(world.contact_person, day=future_day(weeks=2))
        made = booking_service.book(world.dispatcher, item, world.fatima.id)
        world.contact_person.locale = "fr"
        feed = create_feed(world.contact_person, FeedScope.OWN)
        return world, item, made, feed.token
    world, item, made, token = live_server.seed(build)

    interpreter = browser.new_page()
    log_in(interpreter, live_server, world.interpreter.email)
    switch_to(interpreter, "de")
    interpreter.goto(f"{live_server.url}/portal/bookings/{made.id}")
    withdrawal = interpreter.locator("section").filter(has_text="Ich kann nicht mehr kommen")
    withdrawal.get_by_label("Krankheit").check()
    withdrawal.get_by_role("button", name="Mich von dieser Buchung zurückziehen").click()
    expect(interpreter.get_by_role("status").first).to_contain_text("zurückgezogen")

    dispatcher = browser.new_page()
    log_in(dispatcher, live_server, world.dispatcher.email)
    dispatcher.get_by_role("link", name="Wachtrij", exact=True).click()
    attention = dispatcher.locator("section").filter(has_text="Vraagt uw aandacht")
    expect(attention).to_contain_text("De tolk heeft zich teruggetrokken: boek iemand anders")
    assert serious_violations(dispatcher) == []
    attention.get_by_role("link", name="Iemand boeken").first.click()
    expect(dispatcher.locator("main")).to_contain_text("Fatima Haddad heeft zich teruggetrokken")
    ranked = dispatcher.locator("main table").first
    ranked.locator("tr").filter(has_text="Omar Mansour").get_by_role(
        "button", name="Boeken").click()
    expect(dispatcher.get_by_role("status").first).to_contain_text("Omar Mansour")
    dispatcher.get_by_role("link", name="Wachtrij", exact=True).click()
    expect(dispatcher.locator("section").filter(has_text="Vraagt uw aandacht")).to_contain_text(
        "Niets vraagt uw aandacht")

    feed = interpreter.request.get(f"{live_server.url}/calendar/{token}.ics")
    assert feed.status == 200
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    # One event for the request (and the world's own booked request, four weeks ahead).
    assert sorted(str(e["UID"]) for e in events) == sorted(
        [item.calendar_uid, world.booking.request.calendar_uid])
    [event] = [e for e in events if str(e["UID"]) == item.calendar_uid]
    assert event["STATUS"] == "CONFIRMED"
    assert "Omar Mansour" in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]).startswith("Interprétariat")
    for page in (interpreter, dispatcher):
        page.close()
