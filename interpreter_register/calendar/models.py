"""Secret feed addresses that calendar clients subscribe to, and what each mailbox was last
sent of each event."""

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, enum_type
from ..core.time import utcnow
from ..extensions import db


class FeedScope(StrEnum):
    """Whose bookings a feed shows; each user chooses among those their role allows."""

    PERSON = "person"              # an interpreter's own bookings
    OWN = "own"                    # the requests a requester made
    ORGANISATION = "organisation"  # every request of the requester's organisation
    SERVICE = "service"            # every request of the dispatcher's service


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(db.Model):
    """A user's feed at ``/calendar/<token>.ics``; the token is the only key to it.

    It belongs to the user who made it and speaks their language of the moment; it stops
    (410 Gone) when they revoke it, make a new one, or are deactivated, and when their
    organisation or service is.
    """

    __tablename__ = "calendar_feeds"
    __table_args__ = (Index("ix_calendar_feeds_owner", "owner", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    owner: Mapped[FeedScope] = mapped_column(enum_type(FeedScope, 20))
    # The person, user, organisation or service the scope names.
    owner_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope(self) -> FeedScope:
        return self.owner


class CalendarDelivery(db.Model):
    """The state of one event a mailbox was last sent by iTIP mail (its SEQUENCE, and
    whether it was a cancellation). Replaying a party's mails must give their feed; this
    ledger is how the product knows what a party's calendar holds from its mail, so that
    a change sends each party exactly what changed for them, once."""

    __tablename__ = "calendar_deliveries"
    __table_args__ = (UniqueConstraint("address", "uid", name="uq_calendar_deliveries_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))
    uid: Mapped[str] = mapped_column(String(80))
    sequence: Mapped[int]
    cancelled: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
