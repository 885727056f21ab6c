"""Deliveries leave from the background worker after the change committed, signed the
Standard Webhooks way; a failing receiver is tried again with backoff and then given up,
without holding back the others; each attempt is logged without a body."""

import json
from datetime import timedelta

import time_machine
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from interpreter_register.bookings.services.requests import create_request as make_request
from interpreter_register.bookings.services.requests import details_of
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from interpreter_register.webhooks import services
from interpreter_register.webhooks.delivery import deliver_pending
from tests.fixtures.factories import create_request
from tests.fixtures.reading import load

from .conftest import queued, subscribe


def test_a_delivery_is_signed_and_carries_no_client_data(app_ctx, world, receiver):
    subscription, secret = subscribe(world.contact_person, receiver.url("/hook"),
                                     organisation=world.organisation)
    request = create_request(world.contact_person)   # with a case reference and notes
    assert receiver.received == [], "nothing leaves before the worker sends it"

    assert deliver_pending() == 1
    [got] = receiver.received
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "request.created"
    assert payload["data"]["request"]["id"] == request.id
    assert payload["data"]["request"]["language"] == "ar"
    assert payload["data"]["request"]["starts_at"].endswith("Z")
    assert "CASE-1" not in got.body and "Secret note" not in got.body
    assert "Onderstraat" not in got.body
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["content-type"] == "application/json"

    # Another secret does not verify it: the signature is really over this body.
    other = services.rotate_secret(world.contact_person, load(subscription))
    db.session.rollback()
    try:
        Webhook(other).verify(got.body, got.headers)
    except WebhookVerificationError:
        pass
    else:
        raise AssertionError("a signature that any secret verifies")

    [delivery] = queued(subscription_id=subscription.id)
    assert delivery.delivered_at is not None and delivery.payload is None, \
        "the body is not kept once it was delivered"
    [attempt] = delivery.attempt_log
    assert (attempt.status_code, attempt.error) == (204, None)
    assert deliver_pending() == 0, "delivered once"


def test_a_failing_receiver_is_retried_then_given_up_while_another_is_delivered(
        app, app_ctx, world, receiver, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_MAX_ATTEMPTS", 3)
    failing, _ = subscribe(world.contact_person, receiver.url("/failing"),
                           organisation=world.organisation)
    working, secret = subscribe(world.dispatcher, receiver.url("/working"),
                                service=world.service)
    with time_machine.travel(utcnow(), tick=False) as moment:
        create_request(world.contact_person)
        create_request(world.contact_person)
        assert deliver_pending() == 2, "the failures hold back neither request's delivery"
        assert len(receiver.at("/working")) == 2
        for got in receiver.at("/working"):
            Webhook(secret).verify(got.body, got.headers)
        first, second = queued(subscription_id=failing.id)
        assert (first.attempts, first.failed_at) == (1, None)
        assert first.next_attempt_at == utcnow() + timedelta(minutes=1)
        assert deliver_pending() == 0 and len(receiver.at("/failing")) == 2, "not due yet"

        moment.shift(timedelta(minutes=1))
        deliver_pending()
        assert load(first).next_attempt_at == utcnow() + timedelta(minutes=2), "backoff doubles"
        moment.shift(timedelta(minutes=2))
        deliver_pending()
        first = load(first)
        assert first.attempts == 3 and first.failed_at == utcnow()
        assert [a.status_code for a in first.attempt_log] == [500, 500, 500]
        ids = {got.headers["webhook-id"] for got in receiver.at("/failing")}
        assert len(ids) == 2, "each attempt of one delivery carries the same webhook-id"
        moment.shift(timedelta(days=1))
        assert deliver_pending() == 0 and len(receiver.at("/failing")) == 6, "failed is failed"
        assert first.payload is not None, "a failed delivery keeps what it would have sent"


def test_nothing_is_queued_or_sent_for_a_rolled_back_change(app_ctx, world, receiver):
    subscribe(world.contact_person, receiver.url(), organisation=world.organisation)
    details = details_of(create_request(world.contact_person))
    deliver_pending()
    receiver.received.clear()
    make_request(world.contact_person, details)
    assert len(queued()) == 2, "queued in the change's own transaction"
    db.session.rollback()
    assert len(queued()) == 1
    assert deliver_pending() == 0 and receiver.received == []


def test_after_a_rotation_both_secrets_verify_for_a_day(app_ctx, world, receiver):
    subscription, old = subscribe(world.contact_person, receiver.url(),
                                  organisation=world.organisation)
    new = services.rotate_secret(world.contact_person, subscription)
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as moment:
        services.send_test(world.contact_person, subscription)
        db.session.commit()
        deliver_pending()
        [got] = receiver.received
        assert Webhook(new).verify(got.body, got.headers)["type"] == "webhook.test"
        assert Webhook(old).verify(got.body, got.headers)["type"] == "webhook.test"
        assert len(got.headers["webhook-signature"].split()) == 2
        moment.shift(timedelta(hours=25))
        services.send_test(world.contact_person, subscription)
        db.session.commit()
        deliver_pending()
        later = receiver.received[1]
        assert later.headers["webhook-signature"].count("v1,") == 1
        Webhook(new).verify(later.body, later.headers)


def test_a_disabled_subscription_gets_nothing_until_enabled(app_ctx, world, receiver):
    subscription, _ = subscribe(world.contact_person, receiver.url(),
                                organisation=world.organisation)
    services.send_test(world.contact_person, subscription)
    services.disable(world.contact_person, subscription)
    db.session.commit()
    create_request(world.contact_person)
    assert deliver_pending() == 0 and receiver.received == []
    assert len(queued()) == 1, "only the test sent before it was disabled waits"
    services.enable(world.contact_person, subscription)
    db.session.commit()
    assert deliver_pending() == 1
    assert receiver.received[0].json["type"] == "webhook.test"


def test_a_redirect_is_not_followed_and_counts_as_a_failure(app_ctx, world, receiver):
    subscribe(world.contact_person, receiver.url("/moved"), organisation=world.organisation)
    create_request(world.contact_person)
    assert deliver_pending() == 0
    assert [r.path for r in receiver.received] == ["/moved"]
    [delivery] = queued()
    assert delivery.attempt_log[0].status_code == 302 and delivery.delivered_at is None


def test_an_address_that_leads_inside_is_refused_at_delivery_too(app, app_ctx, world,
                                                                 receiver, monkeypatch):
    """The URL was allowed when it was saved (here: loopback for the tests); a host may
    point elsewhere later, so each delivery checks again, and nothing is sent."""
    subscribe(world.contact_person, receiver.url(), organisation=world.organisation)
    create_request(world.contact_person)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_LOOPBACK", False)
    assert deliver_pending() == 0 and receiver.received == []
    [delivery] = queued()
    [attempt] = delivery.attempt_log
    assert attempt.status_code is None and "https" in attempt.error


def test_a_receiver_that_is_down_is_logged_with_the_error(app_ctx, world, receiver):
    subscription, _ = subscribe(world.contact_person, receiver.url(),
                                organisation=world.organisation)
    receiver.server.shutdown()
    receiver.server.server_close()
    services.send_test(world.contact_person, subscription)
    db.session.commit()
    assert deliver_pending() == 0
    [delivery] = queued()
    assert "Connection" in delivery.attempt_log[0].error or "refused" in \
        delivery.attempt_log[0].error
    json.loads(delivery.payload)


def test_the_background_worker_sends_them_beside_the_mail(app_ctx, world, receiver):
    from interpreter_register.core import worker
    subscribe(world.contact_person, receiver.url(), organisation=world.organisation)
    create_request(world.contact_person)
    assert "webhooks" in worker.TASKS
    worker.run_round()
    assert [r.json["type"] for r in receiver.received] == ["request.created"]


def test_settled_deliveries_are_forgotten_after_the_keeping_time(app_ctx, world, receiver):
    subscription, _ = subscribe(world.contact_person, receiver.url(),
                                organisation=world.organisation)
    with time_machine.travel(utcnow() - timedelta(days=31), tick=False):
        services.send_test(world.contact_person, subscription)
        db.session.commit()
        assert deliver_pending() == 1
    services.send_test(world.contact_person, subscription)
    db.session.commit()
    assert deliver_pending() == 1
    [kept] = queued()
    assert kept.delivered_at > utcnow() - timedelta(minutes=5)
    assert len(kept.attempt_log) == 1
