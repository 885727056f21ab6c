"""Secret feed addresses that calendar clients subscribe to."""

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, enum_type
from ..core.time import utcnow
from ..extensions import db


class FeedOwner(StrEnum):
    PERSON = "person"              # an interpreter's own bookings
    ORGANISATION = "organisation"  # a requesting organisation's bookings
    SERVICE = "service"            # an interpreting service's bookings


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(db.Model):
    """A feed of bookings at ``/calendar/<token>.ics``; the token is the only key to it."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (Index("ix_calendar_feeds_owner", "owner", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    owner: Mapped[FeedOwner] = mapped_column(enum_type(FeedOwner, 20))
    owner_id: Mapped[int]
    # The language of the events' titles and descriptions.
    language: Mapped[str] = mapped_column(String(2), default="nl")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def active(self) -> bool:
        return self.revoked_at is None
