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


def _reload_until(page, condition, seconds=60):
    """Reload the page until ``condition()`` holds, up to a limit (the worker settles an
    attempt after the receiver answered, so the log may lag behind the receiver)."""
    deadline = clock.monotonic() + seconds
    page.reload()
    while not condition():
        assert clock.monotonic() < deadline, "the worker did not settle in time"
        clock.sleep(0.2)
        page.reload()


def _subscribe_in_dutch(browser, live_server, user, url, *events):
    """A new page where ``user`` (Dutch) subscribed ``url`` to the events so labelled."""
    page = browser.new_page()
    log_in(page, live_server, user.email)
    page.get_by_role("link", name="Webhooks", exact=True).click()
    page.get_by_label("Adres van uw systeem (https)").fill(url)
    for event in events:
        page.get_by_label(event).check()
    page.get_by_role("button", name="Abonneren").click()
    return page


def test_a_contact_person_subscribes_and_a_test_event_arrives_signed(browser, live_server):
    live_server.app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
    world = live_server.seed(build_world)
    receiver = Receiver().start()
    try:
        page = _subscribe_in_dutch(browser, live_server, world.contact_person,
                                   receiver.url("/planning"), "Een tolk is geboekt",
                                   "Een aanvraag of haar boeking wordt geannuleerd")
        secret = page.get_by_test_id("new-webhook-secret").inner_text()
        assert secret.startswith("whsec_")
        assert serious_violations(page) == []

        page.get_by_role("link", name=receiver.url("/planning")).click()
        page.get_by_role("button", name="Testgebeurtenis versturen").click()
        expect(page.get_by_role("status").first).to_contain_text("onderweg")
        _wait_for(lambda: receiver.received)
        [got] = receiver.received
        assert Webhook(secret).verify(got.body, got.headers)["type"] == "webhook.test"
        # The worker settles the attempt after the receiver answered: reload until the
        # log shows it.
        _reload_until(page, lambda: "HTTP 204" in page.get_by_test_id("delivery-log")
                      .inner_text())
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


def test_a_failed_delivery_is_sent_again_in_dutch_and_all_failed_ones_in_french(
        browser, live_server):
    """The receiving system is down (its path answers 500) and every delivery is given up
    after one attempt: a Dutch contact person sends one message again from the log; then,
    in French, every failed one since a day, after the page says how many. The receiver
    gets the same webhook-id each time, and the log says who sent it again."""
    live_server.app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
    live_server.app.config["WEBHOOKS_MAX_ATTEMPTS"] = 1
    world = live_server.seed(build_world)
    receiver = Receiver().start()
    try:
        page = _subscribe_in_dutch(browser, live_server, world.contact_person,
                                   receiver.url("/failing"), "Een tolk is geboekt")
        page.get_by_role("link", name=receiver.url("/failing")).click()
        page.get_by_role("button", name="Testgebeurtenis versturen").click()
        _wait_for(lambda: receiver.received)
        log = page.get_by_test_id("delivery-log")

        def failed_once_more(count):
            # Given up again: the log offers "send again" once the attempt is settled.
            _reload_until(page, lambda: len(receiver.received) == count and "Mislukt" in
                          log.inner_text() and "Wacht" not in log.inner_text())

        failed_once_more(1)
        expect(log).to_contain_text("Mislukt")
        log.get_by_role("button", name="Opnieuw versturen").click()
        expect(page.get_by_role("status").first).to_contain_text("opnieuw verstuurd")
        _wait_for(lambda: len(receiver.received) == 2)
        first, second = receiver.received
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        failed_once_more(2)
        expect(log).to_contain_text("opnieuw verstuurd door Lotte De Smet")
        assert serious_violations(page) == []

        switch_to(page, "fr")
        page.get_by_role("button", name="Renvoyer les envois échoués").click()
        expect(page.locator("h1")).to_contain_text("Renvoyer l’envoi échoué depuis le")
        assert len(receiver.received) == 2, "nothing is sent before the confirmation"
        page.get_by_role("button", name="Renvoyer", exact=True).click()
        expect(page.get_by_role("status").first).to_contain_text(
            "1 envoi est programmé à nouveau.")
        _wait_for(lambda: len(receiver.received) == 3)
        assert receiver.received[2].headers["webhook-id"] == first.headers["webhook-id"]
        page.close()
    finally:
        receiver.stop()
