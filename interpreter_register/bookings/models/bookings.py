"""Offers to interpreters, and the bookings that come of them."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.database import UTCDateTime, enum_type
from ...core.time import utcnow
from ...extensions import db
from ...register.models import Tier
from ...register.models.enums import Labelled


class BookingStatus(Labelled, StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


BookingStatus.LABELS = {"confirmed": _l("Confirmed"), "cancelled": _l("Cancelled"),
                        "completed": _l("Completed")}


def _new_uid() -> str:
    return f"{uuid.uuid4().hex}@interpreter-register"


class Booking(db.Model):
    """A person booked for a request.

    Two live bookings of one person never overlap: the booking service checks it inside a
    lock, and on PostgreSQL an exclusion constraint (in the migration) makes a double
    booking impossible even between concurrent transactions.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_bookings_person_time", "person_id", "starts_at"),
        # Recent workload in matching counts a person's bookings confirmed lately.
        Index("ix_bookings_person_confirmed", "person_id", "confirmed_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    # For interpreting; a translation has a deadline instead.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_on: Mapped[date | None] = mapped_column(Date)
    # Where it happens, to tell whether travel time is needed between two bookings.
    on_site: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str | None] = mapped_column(String(210))
    status: Mapped[BookingStatus] = mapped_column(enum_type(BookingStatus, 20),
                                                  default=BookingStatus.CONFIRMED)
    tier: Mapped[int]
    # A translation by someone not certified for the pair needs a revisor afterwards.
    revision_needed: Mapped[bool] = mapped_column(default=False)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    # The calendar event's identity: stable for the booking's life.
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=_new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When anything a calendar shows last changed: feeds' ETag and LAST-MODIFIED.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_late: Mapped[bool | None]
    # Markers of the scheduled jobs, so that running one twice does nothing twice: the
    # start a reminder was sent for (a new start gets a new reminder), and when register
    # staff were last told the translation still waits for a revision.
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_chased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request = relationship("InterpretingRequest", back_populates="bookings")
    person = relationship("Person")

    def __repr__(self) -> str:
        return f"<Booking {self.id} person={self.person_id} {self.status}>"

    @property
    def is_live(self) -> bool:
        return self.status != BookingStatus.CANCELLED

    @property
    def tier_enum(self) -> Tier:
        return Tier(self.tier)

    def cancel(self, late: bool) -> None:
        self.status = BookingStatus.CANCELLED
        self.cancelled_at = utcnow()
        self.cancelled_late = late
        self.sequence += 1


class OfferStatus(Labelled, StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


OfferStatus.LABELS = {"open": _l("Open"), "accepted": _l("Accepted"),
                      "declined": _l("Declined"), "withdrawn": _l("Withdrawn"),
                      "expired": _l("Expired")}


class Offer(db.Model):
    """A request offered to one person, who may accept or decline until it expires."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_person_status", "person_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    wave: Mapped[int] = mapped_column(default=1)
    tier: Mapped[int]
    status: Mapped[OfferStatus] = mapped_column(enum_type(OfferStatus, 20),
                                                default=OfferStatus.OPEN)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(String(300))

    request = relationship("InterpretingRequest", back_populates="offers")
    person = relationship("Person")

    def __repr__(self) -> str:
        return f"<Offer {self.id} person={self.person_id} {self.status}>"

    def is_open_at(self, moment: datetime) -> bool:
        return self.status == OfferStatus.OPEN and moment < self.expires_at

    def close(self, status: OfferStatus, moment: datetime | None = None) -> None:
        self.status = status
        self.answered_at = moment or utcnow()
