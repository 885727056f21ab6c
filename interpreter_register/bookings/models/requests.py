"""A request for an interpreter or a translation, from a social worker's organisation."""

import json
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.database import UTCDateTime, enum_type
from ...core.time import to_brussels, utcnow
from ...extensions import db
from ...register.models import Direction, Domain, Gender, Modality, QualificationKind
from ...register.models.enums import Labelled
from .bookings import InvalidTransition, new_uid


class RequestStatus(Labelled, StrEnum):
    SUBMITTED = "submitted"
    OFFERED = "offered"
    BOOKED = "booked"
    CANCELLED = "cancelled"
    UNFILLED = "unfilled"
    COMPLETED = "completed"


RequestStatus.LABELS = {"submitted": _l("Submitted"), "offered": _l("Offered"),
                        "booked": _l("Booked"), "cancelled": _l("Cancelled"),
                        "unfilled": _l("Unfilled"), "completed": _l("Completed")}

# Waiting for someone to be booked: offers may be sent, a person booked directly.
AWAITING_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.OFFERED)
OPEN_STATUSES = (*AWAITING_STATUSES, RequestStatus.BOOKED)

# Every change of a request's status, by name: the statuses it may start from and the one
# it leads to. The lifecycle methods of the same names are the only code that changes
# ``status``; anything else is a mistake the model refuses.
TRANSITIONS = {
    # Offers go out (a first wave, or the next one).
    "open_wave": (AWAITING_STATUSES, RequestStatus.OFFERED),
    "book": (AWAITING_STATUSES, RequestStatus.BOOKED),
    # Every offer was declined, withdrawn or ran out.
    "offers_unanswered": ((RequestStatus.OFFERED,), RequestStatus.SUBMITTED),
    # The booked person no longer has it: replaced, or a new time they cannot keep.
    "release": ((RequestStatus.BOOKED,), RequestStatus.SUBMITTED),
    # A new time outside the booked person's hours: they are asked again.
    "ask_again": ((RequestStatus.BOOKED,), RequestStatus.OFFERED),
    "cancel": (OPEN_STATUSES, RequestStatus.CANCELLED),
    "mark_unfilled": (AWAITING_STATUSES, RequestStatus.UNFILLED),
    "complete": ((RequestStatus.BOOKED,), RequestStatus.COMPLETED),
    # The requester changed what the open offers were about: they are taken back.
    "offers_void": ((RequestStatus.OFFERED,), RequestStatus.SUBMITTED),
}
# The same, as SQL for the queue's partial index and the query that must use it: neither
# SQLite nor PostgreSQL uses a partial index for a condition with bound parameters.
OPEN_CONDITION = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))


class FlagReason(Labelled, StrEnum):
    NO_ONE_ACCEPTED = "no_one_accepted"
    WAVES_EXHAUSTED = "waves_exhausted"
    STARTS_SOON = "starts_soon"
    NO_SERVICE = "no_service"
    ASK_AGAIN = "ask_again"
    WITHDRAWN = "withdrawn"
    RELEASED = "released"
    CHANGED = "changed"
    SERIES_REST = "series_rest"


FlagReason.LABELS = {
    "no_one_accepted": _l("No one accepted the offers"),
    "waves_exhausted": _l("Every wave of offers was sent; no one accepted"),
    "starts_soon": _l("Starts soon and is not booked"),
    "no_service": _l("No interpreting service serves this place"),
    "ask_again": _l("The new time is not covered: the interpreter is asked again"),
    "withdrawn": _l("The interpreter withdrew: book someone else"),
    "released": _l("The interpreter could not keep the new time: book someone else"),
    "changed": _l("The requester changed the request: the offers were taken back"),
    "series_rest": _l("The rest of its series went to an interpreter who cannot take this "
                      "date: book someone else"),
}


class UnfilledReason(Labelled, StrEnum):
    """Why a request ended unfilled: the shortage evidence the reports count."""

    NO_HOLDER = "no_holder"
    NO_ONE_AVAILABLE = "no_one_available"
    NO_ONE_ACCEPTED = "no_one_accepted"


UnfilledReason.LABELS = {"no_holder": _l("Nobody holds the language"),
                         "no_one_available": _l("Nobody was available"),
                         "no_one_accepted": _l("Nobody accepted")}


class InterpretingRequest(db.Model):
    """A request (aanvraag, demande, Anfrage) for interpreting or a written translation.

    ``case_reference`` and ``notes`` are client data: they never go into calendar events,
    mail subjects or logs.
    """

    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint("working_language IN ('nl', 'fr', 'de')", name="working_language"),
        CheckConstraint("(modality = 'written') = (deadline_on IS NOT NULL)",
                        name="translation_has_deadline"),
        CheckConstraint("modality = 'written' OR ends_at > starts_at", name="ends_after_start"),
        Index("ix_requests_queue", "service_id", "status", "due_at"),
        # The queue of open requests reads fifty of them in order, however long the
        # service's history. No full (service, date) index beside it: without statistics
        # SQLite would take that one and walk the history first. The status last: a
        # filter by status, and the attention list's booked requests, read it from the
        # index instead of each request's row.
        Index("ix_requests_open_queue", "service_id", "due_at", "id", "status",
              sqlite_where=text(OPEN_CONDITION), postgresql_where=text(OPEN_CONDITION)),
        Index("ix_requests_case", "organisation_id", "case_reference"),
        # A requester's list and search: their organisation's requests walked by date,
        # the other filters (and a dispatcher's service) read from the index as it goes.
        Index("ix_requests_organisation_due", "organisation_id", "due_at", "service_id",
              "status", "language_code"),
        # A dispatcher's search by dates, and by language: the service's requests walked
        # by date from now (or from the range's end), stopping at the page. A plain
        # (service, date) index: the queue's query still takes its partial index (a
        # test holds it to that), which names the open statuses.
        Index("ix_requests_service_due", "service_id", "due_at", "status", "language_code"),
        Index("ix_requests_service_language", "service_id", "language_code", "due_at"),
        # A dispatcher's search by case reference (kept in capitals: found however typed).
        Index("ix_requests_service_case", "service_id", "case_reference"),
        # One request per occurrence of a series.
        UniqueConstraint("series_id", "occurrence"),
        CheckConstraint("(series_id IS NULL) = (occurrence IS NULL)", name="occurrence_of_series"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The series it is an occurrence of, and which one (1 is the first).
    series_id: Mapped[int | None] = mapped_column(ForeignKey("request_series.id"), index=True)
    occurrence: Mapped[int | None]
    # The interpreting service it was routed to (None when no service serves the place).
    service_id: Mapped[int | None] = mapped_column(ForeignKey("interpreting_services.id"))
    language_code: Mapped[str] = mapped_column(ForeignKey("languages.code"), index=True)
    working_language: Mapped[str] = mapped_column(String(2))
    direction: Mapped[Direction] = mapped_column(enum_type(Direction, 20), default=Direction.BOTH)
    modality: Mapped[Modality] = mapped_column(enum_type(Modality, 20))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_on: Mapped[date | None] = mapped_column(Date)
    # When the work is due (the start, or the deadline's morning): the queue's order.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    words: Mapped[int | None]
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(4))
    municipality: Mapped[str | None] = mapped_column(String(100))
    phone_number: Mapped[str | None] = mapped_column(String(40))
    video_link: Mapped[str | None] = mapped_column(String(500))
    domain: Mapped[Domain] = mapped_column(enum_type(Domain, 30))
    case_reference: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    preferred_gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, 10))
    prefer_same_interpreter: Mapped[bool] = mapped_column(default=False)
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus, 20),
                                                  default=RequestStatus.SUBMITTED)
    flag: Mapped[FlagReason | None] = mapped_column(enum_type(FlagReason, 30))
    # Since when the flag stands (the dispatchers' attention list says so).
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unfilled_reason: Mapped[UnfilledReason | None] = mapped_column(enum_type(UnfilledReason, 30))
    # When its dispatchers were warned that it starts soon unbooked (the job's marker).
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uses_waves: Mapped[bool] = mapped_column(default=False)
    wave: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    cancelled_late: Mapped[bool | None]
    # The request as the requester's, the organisation's and the service's calendars show
    # it: one event for the request's whole life, whoever is booked (docs/calendar.md).
    calendar_uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    # When anything a calendar shows of it last changed: feeds' ETag and LAST-MODIFIED.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation = relationship("Organisation")
    requester = relationship("User", foreign_keys=[requester_id])
    series = relationship("RequestSeries", back_populates="requests")
    service = relationship("InterpretingService")
    language = relationship("Language", lazy="joined")
    bookings = relationship("Booking", back_populates="request", order_by="Booking.id")
    offers = relationship("Offer", back_populates="request", order_by="Offer.id")
    events = relationship("RequestEvent", back_populates="request",
                          order_by="(RequestEvent.at, RequestEvent.id)")

    def __repr__(self) -> str:
        return f"<InterpretingRequest {self.id} {self.status}>"

    @property
    def number(self) -> str:
        """A reference to speak about the request by (no client data in it)."""
        return f"{self.created_at.year}-{self.id:05d}"

    @property
    def kind(self) -> QualificationKind:
        if self.modality == Modality.WRITTEN:
            return QualificationKind.TRANSLATION
        return QualificationKind.INTERPRETING

    @property
    def is_translation(self) -> bool:
        return self.modality == Modality.WRITTEN

    @property
    def day(self) -> date:
        """The day the work is for: the interpreting day in Brussels, or the deadline."""
        return self.deadline_on if self.is_translation else to_brussels(self.starts_at).date()

    @property
    def live_booking(self):
        return next((b for b in self.bookings if b.is_live), None)

    # --- where it stands -----------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_awaiting_booking(self) -> bool:
        """Nobody booked yet: offers may go out, a person may be booked directly."""
        return self.status in AWAITING_STATUSES

    @property
    def is_booked(self) -> bool:
        return self.status == RequestStatus.BOOKED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RequestStatus.CANCELLED

    def work_is_over(self, now: datetime | None = None) -> bool:
        """Someone is booked and the work is done by the clock (its end passed, a
        translation delivered): it waits for its completion sheet, and stays booked until
        the sheet is settled."""
        booking = self.live_booking
        return self.is_booked and booking is not None and booking.work_is_over(now)

    @property
    def is_cancellable(self) -> bool:
        """Open, and the booked work not done yet (nor a translation delivered)."""
        return self.is_open and not self.work_is_over()

    @property
    def sends_waves(self) -> bool:
        """Offers go out tier by tier, and a next wave may still follow."""
        return self.uses_waves and self.status == RequestStatus.OFFERED

    @property
    def open_offers(self) -> list:
        return [offer for offer in self.offers if offer.is_open]

    # --- who may do what --------------------------------------------------------------

    def can_be_seen_by(self, user) -> bool:
        """Requesters see their organisation's requests; dispatchers their service's."""
        return (user.requests_for(self.organisation_id) or user.dispatches_for(self.service_id)
                or user.is_admin)

    def can_be_handled_by(self, user) -> bool:
        """Only the dispatchers of the service it was routed to match and book it."""
        return user.dispatches_for(self.service_id)

    def can_be_cancelled_by(self, user) -> bool:
        """Its organisation's requesters and its service's dispatchers."""
        return user.requests_for(self.organisation_id) or user.dispatches_for(self.service_id)

    def can_be_changed_by(self, user) -> bool:
        """Its organisation's requesters change what they asked (dispatchers move it)."""
        return user.requests_for(self.organisation_id)

    def has_begun(self, now: datetime) -> bool:
        """Its time came: the start, or a translation's deadline morning."""
        return self.due_at <= now

    def is_changeable(self, now: datetime) -> bool:
        """Open and not begun: what the requester asked may still change."""
        booking = self.live_booking
        return (self.is_open and not self.has_begun(now)
                and not (booking is not None and booking.delivered_on is not None))

    @property
    def is_in_series(self) -> bool:
        return self.series_id is not None

    # --- the lifecycle: the only code that changes ``status`` -------------------------

    def _allow(self, transition: str) -> RequestStatus:
        """The status ``transition`` leads to, or InvalidTransition from where the request
        stands (checked before anything else of the change is done)."""
        sources, target = TRANSITIONS[transition]
        if self.status not in sources:
            raise InvalidTransition(f"{transition}: {self.status} → {target}")
        return target

    def _move(self, transition: str) -> None:
        self.status = self._allow(transition)

    def record(self, actor, action: str, **details) -> "RequestEvent":
        """Keep the request's history: who did what, when (never client data in details)."""
        event = RequestEvent(request=self, actor_id=getattr(actor, "id", None), action=action,
                             details_json=json.dumps(details, default=str))
        db.session.add(event)
        return event

    def _flag(self, reason: FlagReason | None, now: datetime | None = None) -> None:
        """Put the request on (or, with None, take it off) its dispatchers' attention."""
        if reason != self.flag:
            self.flag, self.flagged_at = reason, (now or utcnow()) if reason else None

    def route_to(self, service, now: datetime | None = None) -> None:
        """The interpreting service that handles it; none serves the place: flagged."""
        self.service = service
        self._flag(None if service is not None else FlagReason.NO_SERVICE, now)

    # --- the request's calendar event (requester, organisation, service) --------------

    @property
    def has_calendar_event(self) -> bool:
        """Calendars show a request from its first booking on (docs/calendar.md)."""
        return bool(self.bookings)

    @property
    def calendar_status(self) -> str:
        """CONFIRMED while someone is booked; TENTATIVE while a replacement is sought;
        CANCELLED once it is cancelled or ended unfilled."""
        if self.live_booking is not None:
            return "CONFIRMED"
        if self.status in (RequestStatus.CANCELLED, RequestStatus.UNFILLED):
            return "CANCELLED"
        return "TENTATIVE"

    def _calendar_changed(self) -> None:
        """What the request's event shows changed: its SEQUENCE counts up (RFC 5545)."""
        if self.has_calendar_event:
            self.calendar_sequence += 1

    # --- the lifecycle: each change checks ``TRANSITIONS`` and keeps the history -------

    def open_wave(self, actor, people: int, in_waves: bool | None = None) -> int:
        """A wave of offers goes out to ``people``; returns the wave's number."""
        self._move("open_wave")
        if in_waves is not None:
            self.uses_waves = in_waves
        self.wave += 1
        self._flag(None)
        self.record(actor, "offered", wave=self.wave, people=people)
        return self.wave

    def waves_exhausted(self, now: datetime | None = None) -> None:
        """Every tier was offered and nobody accepted: back to the dispatchers, flagged."""
        self._move("offers_unanswered")
        self._flag(FlagReason.WAVES_EXHAUSTED, now)
        self.record(None, "waves_exhausted")

    def offers_unanswered(self, actor, now: datetime | None = None) -> bool:
        """When no offer is open any more and nobody accepted, back to the dispatchers,
        flagged: a request is never silently dropped. Returns whether it went back."""
        if self.status != RequestStatus.OFFERED or self.open_offers:
            return False
        self._move("offers_unanswered")
        self._flag(FlagReason.NO_ONE_ACCEPTED, now)
        self.record(actor, "no_one_accepted")
        return True

    def book(self, actor, booking, now: datetime, action: str = "booked") -> None:
        """``booking`` is made (directly, or by accepting an offer): the person's own offer
        is accepted, everyone else's withdrawn. After an earlier booking, the calendars
        see a new interpreter."""
        self._move("book")
        self.booked_at = now
        self._flag(None)
        for offer in self.open_offers:
            if offer.person_id == booking.person_id:
                offer.accept(now)
            else:
                offer.withdraw(now)
        if any(other is not booking for other in self.bookings):
            self.calendar_sequence += 1
        self.record(actor, action, person=booking.person.full_name, tier=booking.tier)

    def release(self, actor, booking, now: datetime, action: str,
                flag: FlagReason = FlagReason.RELEASED,
                withdrawal: tuple[str, str | None] | None = None) -> None:
        """The booked person no longer has it (replaced, withdrawn, or moved to a time they
        cannot keep): back to the queue, flagged; the calendars see a replacement sought."""
        self._move("release")
        booking.release(action, now, withdrawal)
        self._flag(flag, now)
        self._calendar_changed()
        details = {"reason": withdrawal[0]} if withdrawal else {}
        self.record(actor, action, person=booking.person.full_name, **details)

    def ask_again(self, actor, booking, now: datetime) -> None:
        """A new time outside the booked person's weekly hours: their booking ends and they
        are asked again by an offer."""
        self._move("ask_again")
        booking.release("asked_again", now)
        self._flag(FlagReason.ASK_AGAIN, now)
        self._calendar_changed()
        self.record(actor, "asked_again", person=booking.person.full_name)

    def reschedule(self, actor, starts_at: datetime, ends_at: datetime,
                   place: tuple[str, str, str] | None = None) -> None:
        """A new time (and, on site, a new place): (address, postcode, municipality)."""
        if not self.is_open:
            raise InvalidTransition(f"reschedule: {self.status}")
        self.starts_at, self.ends_at, self.due_at = starts_at, ends_at, starts_at
        if place is not None:
            self.address, self.postcode, self.municipality = place
        self._calendar_changed()
        self.record(actor, "rescheduled")

    def change(self, actor, fields: list[str], now: datetime, offers_void: bool = False,
               calendar: bool = False) -> list:
        """The requester changed ``fields`` (their names: never their values, which may be
        client data). When the open offers were about what changed (``offers_void``) they
        are taken back and the request goes back to its dispatchers, flagged; when its
        calendar event shows what changed (``calendar``) its SEQUENCE counts up. Returns
        the offers taken back."""
        if not self.is_open:
            raise InvalidTransition(f"change: {self.status}")
        withdrawn = []
        if offers_void and self.status == RequestStatus.OFFERED:
            self._allow("offers_void")
            withdrawn = self.open_offers
            for offer in withdrawn:
                offer.withdraw(now)
            self._move("offers_void")
            self._flag(FlagReason.CHANGED, now)
        if calendar:
            self._calendar_changed()
        self.record(actor, "edited", fields=fields)
        return withdrawn

    def left_by_series(self, actor, person_name: str, now: datetime) -> None:
        """The rest of its series went to a person who cannot take this occurrence: it
        stays in the queue, flagged for its dispatchers."""
        if not self.is_awaiting_booking:
            raise InvalidTransition(f"left_by_series: {self.status}")
        self._flag(FlagReason.SERIES_REST, now)
        self.record(actor, "series_rest", person=person_name)

    def cancel(self, actor, reason: str, late: bool, now: datetime) -> None:
        """Cancelled with its booking (late or not, by the service's policy); open offers
        are withdrawn."""
        self._allow("cancel")
        booking = self.live_booking
        if booking is not None:
            booking.cancel(late, now)
        for offer in self.open_offers:
            offer.withdraw(now)
        self._move("cancel")
        self.cancelled_at, self.cancel_reason, self.cancelled_late = now, reason, late
        self._flag(None)
        self._calendar_changed()
        self.record(actor, "cancelled", late=late)

    def mark_unfilled(self, reason: "UnfilledReason", now: datetime) -> None:
        """Its time came and nobody was booked: the shortage evidence, with the reason."""
        self._allow("mark_unfilled")
        for offer in self.open_offers:
            offer.expire(now)
        self._move("mark_unfilled")
        self.unfilled_reason = reason
        self._flag(None)
        self._calendar_changed()
        self.record(None, "unfilled", reason=reason.value)

    def escalate(self, now: datetime) -> None:
        """It starts soon and nobody is booked: flagged to its dispatchers, once."""
        self.escalated_at = now
        if self.flag is None:
            self._flag(FlagReason.STARTS_SOON, now)
        self.record(None, "escalated")

    def complete(self, actor=None) -> None:
        """Its booking's completion sheet is settled (calendars see no change)."""
        self._move("complete")
        self.record(actor, "completed")


class RequestEvent(db.Model):
    """What happened to a request, who did it and when (no client data in ``details``)."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    details_json: Mapped[str] = mapped_column("details", Text, default="{}")

    request = relationship("InterpretingRequest", back_populates="events")
    actor = relationship("User")

    @property
    def details(self) -> dict:
        return json.loads(self.details_json or "{}")
