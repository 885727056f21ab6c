"""UZ Gent's planning system subscribes to webhooks, with a delivery log to read: its
contact person (uzgent@example.org) finds it under Webhooks.

The address is of the reserved ``.example`` domain, so nothing real is ever called: the
row is written here rather than through ``webhooks.services.subscribe``, whose URL rule
(a host that resolves on the public internet) no reserved name passes. Events of the
running demo, and "Send a test event", are logged as failures to find that host, which is
what a mistyped address looks like.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..auth.models import User
from ..bookings.models import InterpretingRequest
from ..extensions import db
from ..webhooks.delivery import new_secret
from ..webhooks.events import new_message_id
from ..webhooks.models import (
    TEST_EVENT,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from ..webhooks.payloads import envelope

URL = "https://planning.uzgent.example/webhooks/tolken"


def _delivery(subscription, event_type: str, at: datetime, answers, given_up=False,
              body=None, resent_by=None) -> None:
    """A delivery made at ``at``, with one attempt per (status, error) in ``answers``, a
    minute, then two, apart; given up, then (``resent_by``) sent again a day later and
    delivered."""
    delivery = WebhookDelivery(subscription=subscription, event_type=event_type,
                               message_id=new_message_id(), created_at=at,
                               attempts=len(answers), next_attempt_at=at)
    db.session.add(delivery)
    moment = at
    for number, (status, error) in enumerate(answers):
        moment = at + timedelta(minutes=2 ** number - 1)
        db.session.add(WebhookAttempt(delivery=delivery, at=moment, status_code=status,
                                      error=error, milliseconds=180 + 40 * number))
    if resent_by is not None:
        moment = moment + timedelta(days=1)
        delivery.resent_at, delivery.resent_by_id = moment, resent_by.id
        db.session.add(WebhookAttempt(delivery=delivery, at=moment, status_code=204,
                                      milliseconds=150, is_resend=True,
                                      resent_by_id=resent_by.id))
        delivery.attempts = 1
    if given_up and resent_by is None:
        delivery.failed_at, delivery.payload = moment, body
    else:
        delivery.delivered_at = moment


def seed_webhooks(now: datetime) -> None:
    contact = db.session.scalar(select(User).where(User.email == "uzgent@example.org"))
    subscription = WebhookSubscription(
        organisation_id=contact.organisation_id, url=URL, description="Planning UZ Gent",
        secret=new_secret(), created_by_id=contact.id, created_at=now - timedelta(days=10))
    subscription.events = list(EventType)
    db.session.add(subscription)
    db.session.flush()
    requests = db.session.scalars(select(InterpretingRequest).where(
        InterpretingRequest.organisation_id == contact.organisation_id)
        .order_by(InterpretingRequest.id.desc()).limit(3)).all()
    for index, request in enumerate(reversed(requests)):
        at = now - timedelta(days=3 - index, hours=2)
        # The hospital's system was restarting the first time: answered 503, then took it.
        _delivery(subscription, EventType.REQUEST_CREATED.value, at,
                  [(503, None), (200, None)] if index == 0 else [(204, None)])
        if request.live_booking is not None:
            _delivery(subscription, EventType.BOOKING_CONFIRMED.value,
                      at + timedelta(hours=1), [(204, None)])
    # A test event sent while the planning system was down, given up after every attempt.
    at = now - timedelta(days=5)
    attempts = current_app.config["WEBHOOKS_MAX_ATTEMPTS"]
    _delivery(subscription, TEST_EVENT, at,
              [(None, "TimeoutError: timed out")] * attempts, given_up=True,
              body=envelope(TEST_EVENT, {"subscription_id": subscription.id}, at))
    # The same outage two days later: the contact person sent it again from the log once
    # the system was back (the log says "resent by").
    _delivery(subscription, TEST_EVENT, at + timedelta(days=2),
              [(None, "TimeoutError: timed out")] * attempts, given_up=True,
              resent_by=contact)
    db.session.flush()
