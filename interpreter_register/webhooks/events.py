"""The events: receivers of the lifecycle's signals that queue a delivery for every
subscription that wants it, in the transaction of the change, so that nothing is sent
for a change that is rolled back (the worker sends only committed rows).

Hooked signals: ``bookings.signals.request_created`` (request.created),
``booking_confirmed`` (booking.confirmed), ``booking_moved``, ``booking_reassigned`` and
``booking_released`` (booking.changed), ``request_cancelled`` (booking.cancelled),
``request_unfilled`` (request.unfilled), and ``sheets.signals.sheet_to_confirm``
(sheet.to_confirm). The request's organisation and its service are told, each through
its own subscriptions.
"""

import secrets

from sqlalchemy import or_, select

from ..bookings import signals
from ..extensions import db
from ..sheets import signals as sheet_signals
from .models import TEST_EVENT, EventType, WebhookDelivery, WebhookSubscription
from .payloads import booking_part, envelope, request_part, rfc3339, sheet_part


def new_message_id() -> str:
    return f"msg_{secrets.token_urlsafe(18)}"


def subscriptions_for(request) -> list[WebhookSubscription]:
    """The active subscriptions of the request's organisation and of its service."""
    owners = [WebhookSubscription.organisation_id == request.organisation_id]
    if request.service_id is not None:
        owners.append(WebhookSubscription.service_id == request.service_id)
    return db.session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.disabled_at.is_(None), or_(*owners))
        .order_by(WebhookSubscription.id)).all()


def queue_delivery(subscription: WebhookSubscription, event_type: str,
                   body: str) -> WebhookDelivery:
    delivery = WebhookDelivery(subscription=subscription, event_type=event_type,
                               message_id=new_message_id(), payload=body)
    db.session.add(delivery)
    return delivery


def announce(event: EventType, request, **data) -> list[WebhookDelivery]:
    """Queue ``event`` about ``request`` for every subscription that wants it."""
    wanting = [s for s in subscriptions_for(request) if s.wants(event)]
    if not wanting:
        return []
    body = envelope(event.value, {"request": request_part(request), **data})
    made = [queue_delivery(subscription, event.value, body) for subscription in wanting]
    db.session.flush()
    return made


def queue_test_event(subscription: WebhookSubscription) -> WebhookDelivery:
    """A delivery of the test event to one subscription, whatever events it wants."""
    body = envelope(TEST_EVENT, {"subscription_id": subscription.id})
    delivery = queue_delivery(subscription, TEST_EVENT, body)
    db.session.flush()
    return delivery


@signals.request_created.connect
def request_created(request, **_):
    announce(EventType.REQUEST_CREATED, request)


@signals.booking_confirmed.connect
def booking_confirmed(booking, **_):
    announce(EventType.BOOKING_CONFIRMED, booking.request, booking=booking_part(booking))


@signals.booking_moved.connect
def booking_moved(booking, **_):
    announce(EventType.BOOKING_CHANGED, booking.request, change="moved",
             booking=booking_part(booking))


@signals.booking_reassigned.connect
def booking_reassigned(booking, previous=None, **_):
    announce(EventType.BOOKING_CHANGED, booking.request, change="reassigned",
             booking=booking_part(booking),
             previous_booking_id=previous.id if previous is not None else None)


@signals.booking_released.connect
def booking_released(booking, **_):
    """The booked person no longer has it; the request waits for someone else."""
    announce(EventType.BOOKING_CHANGED, booking.request, change="released",
             booking=booking_part(booking))


@signals.request_cancelled.connect
def request_cancelled(request, booking=None, **_):
    """Sent whether or not someone was booked (``booking`` is null when nobody was)."""
    announce(EventType.BOOKING_CANCELLED, request, booking=booking_part(booking),
             cancelled_at=rfc3339(request.cancelled_at), cancelled_late=request.cancelled_late)


@signals.request_unfilled.connect
def request_unfilled(request, **_):
    announce(EventType.REQUEST_UNFILLED, request)


@sheet_signals.sheet_to_confirm.connect
def sheet_to_confirm(sheet, **_):
    announce(EventType.SHEET_TO_CONFIRM, sheet.request, booking=booking_part(sheet.booking),
             sheet=sheet_part(sheet))
