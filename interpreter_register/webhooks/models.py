"""Webhook subscriptions, the deliveries queued for them, and each attempt at one."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime
from ..core.time import utcnow
from ..extensions import db


class EventType(StrEnum):
    """What a system may be told; the value is the payload's ``type``."""
    REQUEST_CREATED = "request.created"
    BOOKING_CONFIRMED = "booking.confirmed"
    BOOKING_CHANGED = "booking.changed"
    BOOKING_CANCELLED = "booking.cancelled"
    REQUEST_UNFILLED = "request.unfilled"
    SHEET_TO_CONFIRM = "sheet.to_confirm"

    @property
    def label(self):
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventType.REQUEST_CREATED: _l("A request is created"),
    EventType.BOOKING_CONFIRMED: _l("An interpreter is booked"),
    EventType.BOOKING_CHANGED: _l("A booking changes (time, place or interpreter)"),
    EventType.BOOKING_CANCELLED: _l("A request or its booking is cancelled"),
    EventType.REQUEST_UNFILLED: _l("No interpreter was found"),
    EventType.SHEET_TO_CONFIRM: _l("A completion sheet waits for confirmation"),
}
# The event "send a test event" sends; nobody subscribes to it.
TEST_EVENT = "webhook.test"

PENDING = "delivered_at IS NULL AND failed_at IS NULL"


class WebhookSubscription(db.Model):
    """An https address of an organisation's (or a service's) system, and the events it
    wants. The secret signs every delivery; HMAC needs it in clear, so it is kept, and
    shown only once, when it is made."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (
        CheckConstraint("(organisation_id IS NULL) <> (service_id IS NULL)",
                        name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("interpreting_services.id"),
                                                   index=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(String(100))
    # The event types, separated by spaces.
    events_text: Mapped[str] = mapped_column("events", String(300))
    secret: Mapped[str] = mapped_column(String(100))
    # After a rotation the previous secret signs too, for a day, so that the receiving
    # system can change its secret without losing a delivery.
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    service = relationship("InterpretingService")
    created_by = relationship("User")
    deliveries = relationship("WebhookDelivery", back_populates="subscription",
                              cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<WebhookSubscription {self.id} {self.url}>"

    @property
    def events(self) -> list[EventType]:
        return [EventType(name) for name in self.events_text.split()]

    @events.setter
    def events(self, chosen) -> None:
        self.events_text = " ".join(EventType(name).value for name in chosen)

    def wants(self, event: EventType) -> bool:
        return self.is_active and event.value in self.events_text.split()

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def owner(self):
        return self.organisation or self.service

    def secrets(self, now: datetime) -> list[str]:
        """The secrets a delivery is signed with now: the current one, and the previous
        one for a day after a rotation."""
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            return [self.secret, self.previous_secret]
        return [self.secret]

    def can_be_managed_by(self, user) -> bool:
        """Administrators; the contact persons of its organisation; the dispatchers of its
        service."""
        if user.is_admin:
            return True
        if self.organisation_id is not None:
            return user.can_manage_colleagues() and user.requests_for(self.organisation_id)
        return user.dispatches_for(self.service_id)

    def can_be_seen_by(self, user) -> bool:
        """Whoever belongs to its owner sees it exists (a plain requester is refused the
        page, not told it is missing)."""
        return user.is_admin or user.requests_for(self.organisation_id) or \
            user.dispatches_for(self.service_id)


class WebhookDelivery(db.Model):
    """One event for one subscription: queued in the transaction of the change, sent by the
    background worker, tried again with backoff, given up after the last attempt. The
    payload is kept while it may still be sent (a retry sends the same body), and erased
    once it was delivered."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "next_attempt_at",
              sqlite_where=text(PENDING), postgresql_where=text(PENDING)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    # The webhook-id header: the same on every attempt, so a receiver can drop a repeat.
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    payload: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When and by whom it was last asked to be sent again (its attempts since then are a
    # resend's series).
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))

    subscription = relationship("WebhookSubscription", back_populates="deliveries")
    resent_by = relationship("User")
    attempt_log = relationship("WebhookAttempt", back_populates="delivery",
                               order_by="WebhookAttempt.id",
                               cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None

    @property
    def is_failed(self) -> bool:
        return self.failed_at is not None

    @property
    def can_be_resent(self) -> bool:
        """Its body is still kept: a delivered one's was erased when it arrived."""
        return self.payload is not None


class WebhookAttempt(db.Model):
    """How one attempt went: the receiver's status code, or the error; never a body."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))
    milliseconds: Mapped[int] = mapped_column(default=0)
    # Set when the attempt belongs to a series someone asked for again: by whom.
    resent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))
    is_resend: Mapped[bool] = mapped_column(default=False)

    delivery = relationship("WebhookDelivery", back_populates="attempt_log")
    resent_by = relationship("User")

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
