"""The pages: a contact person manages their organisation's webhooks, a dispatcher their
service's, an administrator any; nobody sees another's; the secret is shown once; bad
addresses are refused with a message next to the field, in the user's language."""

import socket

import pytest

from interpreter_register.webhooks.delivery import deliver_pending
from interpreter_register.webhooks.models import WebhookSubscription
from tests.fixtures.reading import load

from .conftest import ALL_EVENTS, queued, subscribe


def _form(url, events=("booking.confirmed",)):
    return {"url": url, "description": "Planning", "events": list(events)}


def test_a_contact_person_subscribes_and_sees_the_secret_once(world, client_for, receiver):
    client = client_for(world.contact_person)
    page = client.post(f"/organisations/{world.organisation.id}/webhooks",
                       data=_form(receiver.url(), ALL_EVENTS))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    subscription = load(WebhookSubscription, url=receiver.url())
    assert subscription.organisation_id == world.organisation.id
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in page.text
    again = client.get(f"/organisations/{world.organisation.id}/webhooks")
    assert receiver.url() in again.text and subscription.secret not in again.text


def test_send_a_test_event_and_read_the_log(world, client_for, receiver):
    subscription, _ = subscribe(world.contact_person, receiver.url(),
                                organisation=world.organisation)
    client = client_for(world.contact_person)
    answer = client.post(f"/webhooks/{subscription.id}/test")
    assert answer.status_code == 302
    assert deliver_pending() == 1
    assert receiver.received[0].json["type"] == "webhook.test"
    page = client.get(f"/webhooks/{subscription.id}", headers={"Accept-Language": "fr"})
    assert "webhook.test" in page.text and "HTTP 204" in page.text
    assert "Livré" in page.text


def test_rotate_shows_the_new_secret_once(world, client_for, loopback):
    subscription, old = subscribe(world.contact_person, "http://127.0.0.1:9/x",
                                  organisation=world.organisation)
    page = client_for(world.contact_person).post(f"/webhooks/{subscription.id}/rotate")
    subscription = load(subscription)
    assert subscription.secret != old and subscription.secret in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_disable_enable_and_delete(world, client_for, loopback):
    subscription, _ = subscribe(world.contact_person, "http://127.0.0.1:9/x",
                                organisation=world.organisation)
    client = client_for(world.contact_person)
    client.post(f"/webhooks/{subscription.id}/disable")
    assert not load(subscription).is_active
    client.post(f"/webhooks/{subscription.id}/enable")
    assert load(subscription).is_active
    client.post(f"/webhooks/{subscription.id}/test")
    client.post(f"/webhooks/{subscription.id}/delete", data={"confirmed": "yes"})
    assert load(WebhookSubscription, subscription.id) is None
    assert queued() == [], "its deliveries went with it"


def test_a_dispatcher_manages_their_services_webhooks(world, client_for, loopback):
    client = client_for(world.dispatcher)
    client.post(f"/services/{world.service.id}/webhooks", data=_form("http://127.0.0.1:9/d"))
    subscription = load(WebhookSubscription, url="http://127.0.0.1:9/d")
    assert subscription.service_id == world.service.id
    assert client.get(f"/webhooks/{subscription.id}").status_code == 200
    assert client.get(f"/services/{world.other_service.id}/webhooks").status_code == 404
    other = client_for(world.other_dispatcher)
    assert other.get(f"/webhooks/{subscription.id}").status_code == 404
    assert other.post(f"/webhooks/{subscription.id}/delete",
                      data={"confirmed": "yes"}).status_code == 404
    assert client_for(world.contact_person).get(
        f"/webhooks/{subscription.id}").status_code == 404
    assert client_for(world.admin).get(f"/webhooks/{subscription.id}").status_code == 200


def test_nobody_sees_another_organisations_webhooks(world, client_for, loopback):
    subscription, _ = subscribe(world.contact_person, "http://127.0.0.1:9/x",
                                organisation=world.organisation)
    other = client_for(world.other_contact_person)
    assert other.get(f"/webhooks/{subscription.id}").status_code == 404
    assert other.post(f"/webhooks/{subscription.id}/rotate").status_code == 404
    assert other.get(f"/organisations/{world.organisation.id}/webhooks").status_code == 404
    # A plain requester of the organisation: the pages are for its contact persons.
    assert client_for(world.requester).get(f"/webhooks/{subscription.id}").status_code == 403
    assert client_for(world.dispatcher).get(f"/webhooks/{subscription.id}").status_code == 404
    page = client_for(world.contact_person).get(
        f"/organisations/{world.organisation.id}/webhooks")
    assert "127.0.0.1:9/x" in page.text


@pytest.mark.parametrize(("url", "language", "message"), [
    ("http://example.org/hook", "nl", "Alleen https-adressen"),
    ("https://127.0.0.1/hook", "fr", "réseau privé"),
    ("https://10.1.2.3/hook", "de", "privates Netz"),
    ("https://169.254.169.254/latest", "nl", "privé netwerk"),
    ("https://[::1]/hook", "nl", "privé netwerk"),
    ("https://user:pw@93.184.215.14/hook", "nl", "gebruikersnaam"),
    ("ftp://93.184.215.14/x", "nl", "https://"),
    ("https://intranet.invalid/hook", "fr", "introuvable"),
    ("https://93.184.215.14:notaport/", "nl", "geen webadres"),
])
def test_addresses_outside_the_public_internet_are_refused(world, client_for, url,
                                                           language, message):
    client = client_for(world.contact_person)
    page = client.post(f"/organisations/{world.organisation.id}/webhooks",
                       data=_form(url), headers={"Accept-Language": language})
    assert page.status_code == 200
    assert message in page.text
    assert load(WebhookSubscription, url=url) is None


def test_a_name_that_resolves_into_a_private_network_is_refused(world, client_for,
                                                                monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.20", 443))])
    page = client_for(world.contact_person).post(
        f"/organisations/{world.organisation.id}/webhooks",
        data=_form("https://hooks.example.org/in"))
    assert "privé netwerk" in page.text
    assert load(WebhookSubscription, url="https://hooks.example.org/in") is None


def test_a_public_https_address_is_accepted_and_events_are_required(world, client_for):
    client = client_for(world.contact_person)
    page = client.post(f"/organisations/{world.organisation.id}/webhooks",
                       data=_form("https://93.184.215.14/hook", events=()))
    assert "Kies minstens één gebeurtenis" in page.text
    client.post(f"/organisations/{world.organisation.id}/webhooks",
                data=_form("https://93.184.215.14/hook"))
    made = load(WebhookSubscription, url="https://93.184.215.14/hook")
    assert [e.value for e in made.events] == ["booking.confirmed"]
