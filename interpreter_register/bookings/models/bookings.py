"""Offers to interpreters, and the bookings that come of them."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.database import UTCDateTime, enum_type
from ...core.time import to_brussels, utcnow
from ...extensions import db
from ...register.models import Tier
from ...register.models.enums import Labelled


class BookingStatus(Labelled, StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


BookingStatus.LABELS = {"confirmed": _l("Confirmed"), "cancelled": _l("Cancelled"),
                        "completed": _l("Completed")}

class WithdrawalReason(Labelled, StrEnum):
    """Why a person withdrew from a booking; it stays with the service."""

    ILLNESS = "illness"
    EMERGENCY = "emergency"
    LEAVE = "leave"
    OTHER = "other"


WithdrawalReason.LABELS = {"illness": _l("Illness"), "emergency": _l("Emergency"),
                           "leave": _l("Leave"), "other": _l("Other reason")}

# Every change of a booking's status: where it may start, where it leads (as for requests).
BOOKING_TRANSITIONS = {
    "cancel": ((BookingStatus.CONFIRMED,), BookingStatus.CANCELLED),
    "complete": ((BookingStatus.CONFIRMED,), BookingStatus.COMPLETED),
}


class InvalidTransition(Exception):
    """A change of status that makes no sense from where a request, booking or offer
    stands: a bug in the caller, never a user's mistake (those are ``RuleError``s)."""


def new_uid() -> str:
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
        # A dispatcher's search by interpreter: the requests of a person's bookings, read
        # from the index alone (their bookings lie far apart in the table).
        Index("ix_bookings_person_request", "person_id", "request_id"),
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
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When anything a calendar shows last changed: feeds' ETag and LAST-MODIFIED.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_late: Mapped[bool | None]
    # Why the person no longer has it when it ended before its time: "cancelled" (the
    # request was), "unassigned" (given to someone else), "released" (a new time they
    # cannot keep), "asked_again", "withdrawn" (by the person). The note is the
    # interpreter's word to the service on a withdrawal; no client data.
    ended_reason: Mapped[str | None] = mapped_column(String(20))
    withdrawal_reason: Mapped[WithdrawalReason | None] = mapped_column(
        enum_type(WithdrawalReason, 20))
    withdrawal_note: Mapped[str | None] = mapped_column(String(300))
    # The pair that made the person eligible when booked (its tier is ``tier``): the
    # attention list compares it with what they hold on the day.
    qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualifications.id"))
    # Markers of the scheduled jobs, so that running one twice does nothing twice: the
    # start a reminder was sent for (a new start gets a new reminder), and when register
    # staff were last told the translation still waits for a revision.
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_chased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request = relationship("InterpretingRequest", back_populates="bookings")
    person = relationship("Person")
    qualification = relationship("Qualification")

    def __repr__(self) -> str:
        return f"<Booking {self.id} person={self.person_id} {self.status}>"

    @property
    def is_live(self) -> bool:
        return self.status != BookingStatus.CANCELLED

    @property
    def is_confirmed(self) -> bool:
        return self.status == BookingStatus.CONFIRMED

    @property
    def is_cancelled(self) -> bool:
        return self.status == BookingStatus.CANCELLED

    @property
    def is_translation(self) -> bool:
        return self.deadline_on is not None

    @property
    def has_taken_place(self) -> bool:
        """Live, and its end (or a translation's deadline day) is past."""
        if not self.is_live:
            return False
        if self.ends_at is not None:
            return self.ends_at <= utcnow()
        return self.deadline_on is not None and self.deadline_on <= utcnow().date()

    @property
    def tier_enum(self) -> Tier:
        return Tier(self.tier)

    @property
    def booked_minutes(self) -> int | None:
        """How long it is booked for (interpreting), as it stands now (after any move)."""
        if self.starts_at is None or self.ends_at is None:
            return None
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def work_is_over(self, now: datetime | None = None) -> bool:
        """The work is done, by the clock: its end has passed, or a translation is
        delivered or its deadline day is past. From then on only its completion sheet
        says what happened (``sheets``); nothing moves, reassigns or cancels it."""
        now = now or utcnow()
        if self.is_translation:
            return self.delivered_on is not None or self.deadline_on < to_brussels(now).date()
        return self.ends_at <= now

    # --- who sees it, and how -----------------------------------------------------------

    def audience_for(self, user) -> str | None:
        """How a user sees the booking ("person", "requester", "service"), or None when
        they may not see it at all."""
        if user.is_person(self.person_id):
            return "person"
        if user.requests_for(self.request.organisation_id):
            return "requester"
        if user.dispatches_for(self.request.service_id):
            return "service"
        return None

    def can_be_seen_by(self, user) -> bool:
        return self.audience_for(user) is not None

    def can_be_withdrawn_by(self, user) -> bool:
        """Only the booked person withdraws (logged in, or by their booking's link)."""
        return user.is_person(self.person_id)

    def can_be_delivered_by(self, user) -> bool:
        """Only the translator marks their translation delivered."""
        return user.is_person(self.person_id)

    # --- the lifecycle: the only code that changes ``status`` -------------------------

    def _move(self, transition: str) -> None:
        sources, target = BOOKING_TRANSITIONS[transition]
        if self.status not in sources:
            raise InvalidTransition(f"booking {transition}: {self.status} → {target}")
        self.status = target

    def cancel(self, late: bool, now: datetime | None = None,
               reason: str = "cancelled") -> None:
        """The request is cancelled: late or not, by the service's policy."""
        self._move("cancel")
        self.cancelled_at = now or utcnow()
        self.cancelled_late = late
        self.ended_reason = reason
        self.sequence += 1

    def release(self, reason: str, now: datetime | None = None,
                withdrawal: tuple[str, str | None] | None = None) -> None:
        """The person no longer has it (someone else does, a new time they cannot keep, or
        they withdrew: ``withdrawal`` is then their reason code and note); it leaves their
        calendar; never a late cancellation."""
        self.cancel(False, now, reason)
        if withdrawal is not None:
            self.withdrawal_reason = withdrawal[0]
            self.withdrawal_note = (withdrawal[1] or "").strip()[:300] or None

    def move(self, starts_at: datetime, ends_at: datetime, place: str | None) -> None:
        """A new time (and place); calendars must see the change."""
        self.starts_at, self.ends_at, self.place = starts_at, ends_at, place
        self.sequence += 1

    def complete(self) -> None:
        """Its completion sheet is settled (never by the clock alone)."""
        self._move("complete")

    def deliver(self, day: date) -> None:
        """The translator delivered the translation on ``day``."""
        if not self.is_translation or not self.is_live:
            raise InvalidTransition("only a live translation is delivered")
        self.delivered_on = day


class OfferStatus(Labelled, StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


OfferStatus.LABELS = {"open": _l("Open"), "accepted": _l("Accepted"),
                      "declined": _l("Declined"), "withdrawn": _l("Withdrawn"),
                      "expired": _l("Expired")}
# An offer is answered or closed once, while it is open; after that it stays as it is.
OFFER_TRANSITIONS = {
    "accept": ((OfferStatus.OPEN,), OfferStatus.ACCEPTED),
    "decline": ((OfferStatus.OPEN,), OfferStatus.DECLINED),
    "withdraw": ((OfferStatus.OPEN,), OfferStatus.WITHDRAWN),
    "expire": ((OfferStatus.OPEN,), OfferStatus.EXPIRED),
}


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

    @property
    def is_open(self) -> bool:
        return self.status == OfferStatus.OPEN

    @property
    def was_withdrawn(self) -> bool:
        """Someone else was booked, or the request no longer needs anyone."""
        return self.status == OfferStatus.WITHDRAWN

    def is_open_at(self, moment: datetime) -> bool:
        return self.is_open and moment < self.expires_at

    def can_be_answered_by(self, user) -> bool:
        """The person it was offered to (logged in; the signed link stands for them too)."""
        return user.is_person(self.person_id)

    def _close(self, transition: str, moment: datetime | None) -> None:
        sources, target = OFFER_TRANSITIONS[transition]
        if self.status not in sources:
            raise InvalidTransition(f"offer {transition}: {self.status} → {target}")
        self.status = target
        self.answered_at = moment or utcnow()

    def accept(self, now: datetime | None = None) -> None:
        self._close("accept", now)

    def decline(self, reason: str | None, now: datetime | None = None) -> None:
        self._close("decline", now)
        self.decline_reason = (reason or "").strip()[:300] or None

    def withdraw(self, now: datetime | None = None) -> None:
        """Someone else was booked, or the request no longer needs anyone."""
        self._close("withdraw", now)

    def expire(self, now: datetime | None = None) -> None:
        self._close("expire", now)
