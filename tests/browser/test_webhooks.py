"""In a real Chromium: a contact person (Dutch) subscribes her organisation's system to
webhooks, copies the secret shown once, sends a test event and reads it in the delivery
log, and the receiver verifies the signature; a dispatcher (French) is told why an address
inside a private network is refused."""

import time as clock

from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook

from tests.fixtures.webhooks import Receiver
from tests.fixtures.world import build_world

from .test_foundation import log_in, serious_violations, switch_to


def _wait_for(condition, seconds=60):
    """The worker beside the server sends in the background: wait for it, up to a limit
    (never a fixed sleep that a loaded machine could outrun)."""
    deadline = clock.monotonic() + seconds
    while not condition():
        assert clock.monotonic() < deadline, "the worker did not deliver in time"
        clock.sleep(0.2)


def test_a_contact_person_subscribes_and_a_test_event_arrives_signed(browser, live_server):
    live_server.app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
    world = live_server.seed(build_world)
    receiver = Receiver().start()
    try:
        page = browser.new_page()
        log_in(page, live_server, world.contact_person.email)
        page.get_by_role("link", name="Webhooks", exact=True).click()
        page.get_by_label("Adres van uw systeem (https)").fill(receiver.url("/planning"))
        page.get_by_label("Een tolk is geboekt").check()
        page.get_by_label("Een aanvraag of haar boeking wordt geannuleerd").check()
        page.get_by_role("button", name="Abonneren").click()
        secret = page.get_by_test_id("new-webhook-secret").inner_text()
        assert secret.startswith("whsec_")
        assert serious_violations(page) == []

        page.get_by_role("link", name=receiver.url("/planning")).click()
        page.get_by_role("button", name="Testgebeurtenis versturen").click()
        expect(page.get_by_role("status").first).to_contain_text("onderweg")
        _wait_for(lambda: receiver.received)
        [got] = receiver.received
        assert Webhook(secret).verify(got.body, got.headers)["type"] == "webhook.test"
        page.reload()
        expect(page.get_by_test_id("delivery-log")).to_contain_text("HTTP 204")
        expect(page.get_by_test_id("delivery-log")).to_contain_text("Afgeleverd")
        page.close()

        dispatcher = browser.new_page()
        log_in(dispatcher, live_server, world.dispatcher.email)
        switch_to(dispatcher, "fr")
        dispatcher.get_by_role("link", name="Webhooks", exact=True).click()
        dispatcher.get_by_label("Adresse de votre système (https)").fill("https://10.0.0.8/h")
        dispatcher.get_by_label("Un interprète est réservé").check()
        dispatcher.get_by_role("button", name="S’abonner").click()
        expect(dispatcher.locator("#url-error")).to_contain_text("réseau privé")
        expect(dispatcher.locator("main")).to_contain_text("Pas encore de webhooks.")
        dispatcher.close()
    finally:
        receiver.stop()
