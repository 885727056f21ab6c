"""In a real Chromium: a dispatcher books, the interpreter copies their calendar address,
the feed has the event; after a cancellation it is CANCELLED with a higher SEQUENCE."""

import urllib.request

import vobject
from icalendar import Calendar
from playwright.sync_api import expect

from tests.fixtures.factories import create_request
from tests.fixtures.world import build_world

from .test_foundation import log_in, switch_to


def fetch_events(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our test server
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.read()
    events = Calendar.from_ical(body).walk("VEVENT")
    # A second, independent parser reads the same feed.
    assert [e.uid.value for e in vobject.readOne(body.decode()).contents["vevent"]] == [
        str(e["UID"]) for e in events]
    return events


def test_booking_reaches_the_interpreters_feed_and_its_cancellation_too(browser, live_server):
    def build():
        world = build_world()
        return world, create_request(world.contact_person)
    world, item = live_server.seed(build)

    def booked_here(events):
        """The feed's events but the world's own booking."""
        return [e for e in events if str(e["UID"]) != world.booking.uid]

    dispatcher = browser.new_page()
    log_in(dispatcher, live_server, world.dispatcher.email)
    dispatcher.goto(f"{live_server.url}/dispatch/requests/{item.id}")
    dispatcher.locator("main table").first.locator("tbody tr").first.get_by_role(
        "button", name="Boeken").click()
    expect(dispatcher.get_by_role("status").first).to_contain_text("Fatima Haddad")

    interpreter = browser.new_page()
    log_in(interpreter, live_server, world.interpreter.email)
    switch_to(interpreter, "fr")
    interpreter.get_by_role("link", name="Agenda", exact=True).click()
    interpreter.get_by_role("button", name="Créer mon adresse d’agenda").click()
    feed_url = interpreter.locator("#feed-url-person").input_value()
    assert feed_url.startswith("http://register.test/calendar/")
    local_url = feed_url.replace("http://register.test", live_server.url)
    expect(interpreter.get_by_role("link", name="S’abonner dans votre agenda")).to_have_attribute(
        "href", feed_url.replace("http://", "webcal://"))

    [event] = booked_here(fetch_events(local_url))
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    uid = str(event["UID"])

    dispatcher.goto(f"{live_server.url}/dispatch/requests/{item.id}/cancel")
    dispatcher.fill("#reason", "De cliënt is verhuisd")
    dispatcher.locator("main form").get_by_role("button", name="Aanvraag annuleren").click()
    [cancelled] = booked_here(fetch_events(local_url))
    assert str(cancelled["UID"]) == uid
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 1
    for page in (dispatcher, interpreter):
        page.close()
