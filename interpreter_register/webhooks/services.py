"""Subscribing, rotating the secret, disabling, deleting, and sending a test event."""

from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.permissions import require
from ..core.rules import RuleError
from ..core.time import FIRST_DAY, brussels_to_utc, to_brussels, utcnow
from ..extensions import db
from . import events
from .addresses import check_url
from .delivery import new_secret
from .models import EventType, WebhookDelivery, WebhookSubscription

# How long the previous secret still signs after a rotation.
ROTATION_OVERLAP = timedelta(hours=24)
# How many deliveries the log page shows.
LOG_LENGTH = 50


def subscribe(acting, url: str, chosen: list[str], description: str | None = None, *,
              organisation=None, service=None,
              now: datetime | None = None) -> tuple[WebhookSubscription, str]:
    """A new subscription of an organisation or a service; returns it with its secret
    (shown once)."""
    subscription = WebhookSubscription(
        organisation_id=organisation.id if organisation is not None else None,
        service_id=service.id if service is not None else None)
    require(subscription.can_be_managed_by(acting), "not allowed to subscribe for them")
    problems = []
    try:
        url = check_url(url)
    except RuleError as refused:
        problems.extend(refused.problems)
    known = {event.value for event in EventType}
    chosen = [name for name in (chosen or []) if name in known]
    if not chosen:
        problems.append((_l("Choose at least one event."), "events"))
    error = RuleError.all_of(problems)
    if error:
        raise error
    secret = new_secret()
    subscription.url = url
    subscription.events = chosen
    subscription.description = (description or "").strip()[:100] or None
    subscription.secret = secret
    subscription.created_by_id = acting.id
    subscription.created_at = now or utcnow()
    db.session.add(subscription)
    db.session.flush()
    return subscription, secret


def rotate_secret(acting, subscription: WebhookSubscription,
                  now: datetime | None = None) -> str:
    """A new secret, shown once; the old one still signs for a day beside it."""
    require(subscription.can_be_managed_by(acting), "not allowed to rotate this secret")
    now = now or utcnow()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = now + ROTATION_OVERLAP
    subscription.secret = new_secret()
    db.session.flush()
    return subscription.secret


def disable(acting, subscription: WebhookSubscription, now: datetime | None = None) -> None:
    """No more deliveries are queued; those waiting wait until it is enabled again."""
    require(subscription.can_be_managed_by(acting), "not allowed to disable this")
    if not subscription.is_active:
        raise RuleError(_l("This subscription is already disabled."))
    subscription.disabled_at = now or utcnow()
    db.session.flush()


def enable(acting, subscription: WebhookSubscription) -> None:
    require(subscription.can_be_managed_by(acting), "not allowed to enable this")
    if subscription.is_active:
        raise RuleError(_l("This subscription is already active."))
    subscription.disabled_at = None
    db.session.flush()


def delete(acting, subscription: WebhookSubscription) -> None:
    """The subscription, its deliveries and their log are gone."""
    require(subscription.can_be_managed_by(acting), "not allowed to delete this")
    db.session.delete(subscription)
    db.session.flush()


def send_test(acting, subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue the test event for this subscription; the worker sends it like any other."""
    require(subscription.can_be_managed_by(acting), "not allowed to test this")
    if not subscription.is_active:
        raise RuleError(_l("Enable the subscription first: a disabled one sends nothing."))
    return events.queue_test_event(subscription)


def _may_resend(acting, subscription: WebhookSubscription) -> None:
    require(subscription.can_be_managed_by(acting), "not allowed to resend for this")
    if not subscription.is_active:
        raise RuleError(_l("Enable the subscription first: a disabled one sends nothing, "
                           "so nothing can be sent again."))


def _queue_again(acting, delivery: WebhookDelivery, now: datetime) -> None:
    """A new series of attempts for the same event: same webhook-id and body, so that the
    receiver can drop it if it already has it (Standard Webhooks); its attempts are logged
    as a resend by ``acting``."""
    delivery.attempts = 0
    delivery.delivered_at = delivery.failed_at = None
    delivery.next_attempt_at = now
    delivery.resent_at, delivery.resent_by_id = now, acting.id


def resend(acting, delivery: WebhookDelivery, now: datetime | None = None) -> WebhookDelivery:
    """Send one delivery again (a failed one, or one still waiting: then now)."""
    _may_resend(acting, delivery.subscription)
    if not delivery.can_be_resent:
        raise RuleError(_l("This message arrived, and its content was erased then: it "
                           "cannot be sent again."))
    _queue_again(acting, delivery, now or utcnow())
    db.session.flush()
    return delivery


def _failed_since(subscription: WebhookSubscription, since: date):
    since = max(since, FIRST_DAY)    # a day in year 1 means "all of them"
    return (select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription.id,
                   WebhookDelivery.failed_at.is_not(None),
                   WebhookDelivery.payload.is_not(None),
                   WebhookDelivery.created_at >= brussels_to_utc(since, time()))
            .order_by(WebhookDelivery.id))


def failed_to_resend(acting, subscription: WebhookSubscription, since: date | None,
                     now: datetime | None = None) -> list[WebhookDelivery]:
    """The failed deliveries of the subscription queued since that day (in Brussels) that
    "send again" would take; a ``RuleError`` if there are none or it may not be done."""
    _may_resend(acting, subscription)
    if since is None:
        raise RuleError(_l("Give the day from which the failed deliveries are sent again."),
                        "since")
    if since > to_brussels(now or utcnow()).date():
        raise RuleError(_l("That day is still to come: choose today or a day before."),
                        "since")
    failed = db.session.scalars(_failed_since(subscription, since)).all()
    if not failed:
        raise RuleError(_l("No delivery failed since that day: there is nothing to send "
                           "again."), "since")
    return failed


def resend_failed(acting, subscription: WebhookSubscription, since: date | None,
                  now: datetime | None = None) -> int:
    """Send again every failed delivery of the subscription queued since that day; how
    many."""
    now = now or utcnow()
    failed = failed_to_resend(acting, subscription, since, now)
    for delivery in failed:
        _queue_again(acting, delivery, now)
    db.session.flush()
    return len(failed)


def subscriptions_of(organisation=None, service=None) -> list[WebhookSubscription]:
    owner = (WebhookSubscription.organisation_id == organisation.id if organisation is not None
             else WebhookSubscription.service_id == service.id)
    return db.session.scalars(select(WebhookSubscription).where(owner)
                              .order_by(WebhookSubscription.id)).all()


def delivery_log(subscription: WebhookSubscription, limit: int = LOG_LENGTH):
    """The latest deliveries, newest first, each with its attempts."""
    return db.session.scalars(select(WebhookDelivery)
                              .where(WebhookDelivery.subscription_id == subscription.id)
                              .order_by(WebhookDelivery.id.desc()).limit(limit)).all()
