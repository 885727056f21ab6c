"""Sending again: an integrator whose system was down sends one failed delivery again, or
every failed one since a day (after being told how many). It is the same event with the
same webhook-id, so their system can drop what it already has; the log says it was a
resend and by whom. Refused, with a message, for a disabled subscription, a delivery that
arrived (its body is erased), a day to come, or a day with nothing failed."""

from datetime import timedelta

import pytest
import time_machine
from standardwebhooks.webhooks import Webhook

from interpreter_register.core.time import today_in_brussels, utcnow
from interpreter_register.extensions import db
from interpreter_register.webhooks import services
from interpreter_register.webhooks.delivery import deliver_pending
from interpreter_register.webhooks.events import queue_test_event
from tests.fixtures.reading import load

from .conftest import queued, subscribe


@pytest.fixture
def failed_once(app, monkeypatch):
    """Every delivery is given up after its first failed attempt."""
    monkeypatch.setitem(app.config, "WEBHOOKS_MAX_ATTEMPTS", 1)


def _failed_test_event(world, receiver):
    """A subscription whose endpoint was down: its test event failed. The endpoint is then
    back (the subscription now points at a path of the receiver that answers)."""
    subscription, secret = subscribe(world.contact_person, receiver.url("/failing"),
                                     organisation=world.organisation)
    services.send_test(world.contact_person, subscription)
    db.session.commit()
    assert deliver_pending() == 0
    [delivery] = queued(subscription_id=subscription.id)
    assert delivery.is_failed
    subscription.url = receiver.url("/hook")
    db.session.commit()
    return subscription, secret, delivery


def test_a_failed_delivery_is_sent_again_with_the_same_webhook_id(
        world, client_for, receiver, failed_once):
    subscription, secret, delivery = _failed_test_event(world, receiver)
    first_id = receiver.at("/failing")[0].headers["webhook-id"]
    client = client_for(world.contact_person)
    page = client.get(f"/webhooks/{subscription.id}", headers={"Accept-Language": "nl"})
    assert "Opnieuw versturen" in page.text
    assert f"/deliveries/{delivery.id}/resend" in page.text

    answer = client.post(f"/webhooks/{subscription.id}/deliveries/{delivery.id}/resend",
                         headers={"Accept-Language": "nl"}, follow_redirects=True)
    assert "opnieuw verstuurd" in answer.text
    assert deliver_pending() == 1
    [got] = receiver.at("/hook")
    assert got.headers["webhook-id"] == first_id, "the receiver can drop a repeat"
    assert Webhook(secret).verify(got.body, got.headers)["type"] == "webhook.test"
    assert receiver.at("/failing")[0].body == got.body, "the same event, not a new one"

    delivery = load(delivery)
    assert delivery.is_delivered and delivery.resent_by_id == world.contact_person.id
    first, second = delivery.attempt_log
    assert not first.is_resend and (second.is_resend, second.status_code) == (True, 204)
    page = client.get(f"/webhooks/{subscription.id}", headers={"Accept-Language": "fr"})
    assert "renvoyé par Lotte De Smet" in page.text
    assert "Livré" in page.text
    assert len(queued(subscription_id=subscription.id)) == 1, "no new delivery was made"


def _given_up(subscription):
    """A test event of the subscription, given up (committed)."""
    delivery = queue_test_event(subscription)
    delivery.failed_at = utcnow()
    db.session.commit()
    return delivery


def test_only_who_manages_the_subscription_may_send_its_deliveries_again(
        world, client_for, loopback):
    """A plain requester is refused; another organisation's contact person is told it does
    not exist; a delivery cannot be reached through another subscription's address."""
    mine, _ = subscribe(world.contact_person, "http://127.0.0.1:9/x",
                        organisation=world.organisation)
    theirs, _ = subscribe(world.other_contact_person, "http://127.0.0.1:9/y",
                          organisation=world.other_organisation)
    delivery, their_delivery = _given_up(mine), _given_up(theirs)
    resend = "/webhooks/{}/deliveries/{}/resend".format
    assert client_for(world.requester).post(resend(mine.id, delivery.id)).status_code == 403
    assert client_for(world.other_contact_person).post(
        resend(mine.id, delivery.id)).status_code == 404
    client = client_for(world.contact_person)
    assert client.post(resend(mine.id, their_delivery.id)).status_code == 404
    assert client.post(resend(theirs.id, their_delivery.id)).status_code == 404
    for untouched in (delivery, their_delivery):
        assert load(untouched).is_failed and load(untouched).resent_at is None


def test_resending_is_refused_for_a_disabled_subscription_and_a_delivered_message(
        world, client_for, receiver, failed_once):
    subscription, _, failed = _failed_test_event(world, receiver)
    services.send_test(world.contact_person, subscription)
    db.session.commit()
    assert deliver_pending() == 1
    delivered = queued(subscription_id=subscription.id)[-1]
    client = client_for(world.contact_person)
    page = client.post(f"/webhooks/{subscription.id}/deliveries/{delivered.id}/resend",
                       headers={"Accept-Language": "fr"}, follow_redirects=True)
    assert "ne peut plus être envoyé" in page.text
    assert load(delivered).resent_at is None

    services.disable(world.contact_person, subscription)
    db.session.commit()
    page = client.get(f"/webhooks/{subscription.id}")
    assert f"/deliveries/{failed.id}/resend" not in page.text, \
        "a disabled subscription offers no resend"
    page = client.post(f"/webhooks/{subscription.id}/deliveries/{failed.id}/resend",
                       headers={"Accept-Language": "nl"}, follow_redirects=True)
    assert "Schakel het abonnement eerst in" in page.text
    page = client.post(f"/webhooks/{subscription.id}/resend-failed",
                       data={"since": today_in_brussels().isoformat(), "confirmed": "yes"},
                       headers={"Accept-Language": "de"}, follow_redirects=True)
    assert "Aktivieren Sie zuerst das Abonnement" in page.text
    assert load(failed).is_failed and load(failed).resent_at is None


def test_all_failed_since_a_day_are_sent_again_after_a_confirmation(
        world, client_for, receiver, failed_once):
    subscription, _ = subscribe(world.contact_person, receiver.url("/failing"),
                                organisation=world.organisation)
    with time_machine.travel(utcnow() - timedelta(days=10)):
        old = queue_test_event(subscription)
        db.session.commit()
    recent = [queue_test_event(subscription) for _ in range(2)]
    db.session.commit()
    deliver_pending()
    assert all(load(d).is_failed for d in (old, *recent))
    client = client_for(world.contact_person)
    since = (today_in_brussels() - timedelta(days=5)).isoformat()

    page = client.post(f"/webhooks/{subscription.id}/resend-failed", data={"since": since},
                       headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    assert "De 2 mislukte berichten sinds" in page.text
    assert all(load(d).is_failed for d in recent), "nothing is sent before the confirmation"

    subscription.url = receiver.url("/hook")
    db.session.commit()
    page = client.post(f"/webhooks/{subscription.id}/resend-failed",
                       data={"since": since, "confirmed": "yes"},
                       headers={"Accept-Language": "nl"}, follow_redirects=True)
    assert "2 berichten worden opnieuw verstuurd" in page.text
    assert deliver_pending() == 2
    assert {got.headers["webhook-id"] for got in receiver.at("/hook")} == \
        {d.message_id for d in recent}
    assert load(old).is_failed and load(old).resent_at is None, "before the day: left alone"


@pytest.mark.parametrize(("since", "message"), [
    ("", "Geef de dag"),
    ("morgen", "Geef de dag"),
    ("tomorrow", "moet nog komen"),
    ("today", "Sinds die dag is er geen bericht mislukt"),
])
def test_resending_all_refuses_a_bad_day_with_a_message(world, client_for, loopback,
                                                        since, message):
    subscription, _ = subscribe(world.contact_person, "http://127.0.0.1:9/x",
                                organisation=world.organisation)
    days = {"today": 0, "tomorrow": 1}
    if since in days:
        since = (today_in_brussels() + timedelta(days=days[since])).isoformat()
    page = client_for(world.contact_person).post(
        f"/webhooks/{subscription.id}/resend-failed", data={"since": since, "confirmed": "yes"},
        headers={"Accept-Language": "nl"}, follow_redirects=True)
    assert page.status_code == 200 and message in page.text
