"""A request for an interpreter or a translation, from a social worker's organisation."""

import json
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.database import UTCDateTime, enum_type
from ...core.time import to_brussels, utcnow
from ...extensions import db
from ...register.models import Direction, Domain, Gender, Modality, QualificationKind
from ...register.models.enums import Labelled


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

# The moves a request may make; anything else is a mistake the model refuses.
TRANSITIONS = {
    RequestStatus.SUBMITTED: {RequestStatus.OFFERED, RequestStatus.BOOKED,
                              RequestStatus.CANCELLED, RequestStatus.UNFILLED},
    # Back to submitted when every offer was declined, withdrawn or ran out.
    RequestStatus.OFFERED: {RequestStatus.SUBMITTED, RequestStatus.BOOKED,
                            RequestStatus.CANCELLED, RequestStatus.UNFILLED},
    # Offered again when a new time is not covered and the person is asked again.
    RequestStatus.BOOKED: {RequestStatus.OFFERED, RequestStatus.SUBMITTED,
                           RequestStatus.CANCELLED, RequestStatus.COMPLETED},
    RequestStatus.CANCELLED: set(),
    RequestStatus.UNFILLED: set(),
    RequestStatus.COMPLETED: set(),
}
OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.OFFERED, RequestStatus.BOOKED)
# The same, as SQL for the queue's partial index and the query that must use it: neither
# SQLite nor PostgreSQL uses a partial index for a condition with bound parameters.
OPEN_CONDITION = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))


class InvalidTransition(Exception):
    """A status change that makes no sense from the current status."""


class FlagReason(Labelled, StrEnum):
    NO_ONE_ACCEPTED = "no_one_accepted"
    WAVES_EXHAUSTED = "waves_exhausted"
    STARTS_SOON = "starts_soon"
    NO_SERVICE = "no_service"
    ASK_AGAIN = "ask_again"


FlagReason.LABELS = {
    "no_one_accepted": _l("No one accepted the offers"),
    "waves_exhausted": _l("Every wave of offers was sent; no one accepted"),
    "starts_soon": _l("Starts soon and is not booked"),
    "no_service": _l("No interpreting service serves this place"),
    "ask_again": _l("The new time is not covered: the interpreter is asked again"),
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
        # SQLite would take that one and walk the history first.
        Index("ix_requests_open_queue", "service_id", "due_at", "id",
              sqlite_where=text(OPEN_CONDITION), postgresql_where=text(OPEN_CONDITION)),
        Index("ix_requests_case", "organisation_id", "case_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
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

    organisation = relationship("Organisation")
    requester = relationship("User", foreign_keys=[requester_id])
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

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def move_to(self, status: RequestStatus) -> None:
        if status not in TRANSITIONS[self.status]:
            raise InvalidTransition(f"{self.status} → {status}")
        self.status = status

    def can_be_seen_by(self, user) -> bool:
        """Requesters see their organisation's requests; dispatchers their service's."""
        if user.role == "requester":
            return user.organisation_id == self.organisation_id
        if user.role == "dispatcher":
            return user.service_id == self.service_id
        return user.role in ("admin",)

    def can_be_handled_by(self, user) -> bool:
        """Only the dispatchers of the service it was routed to match and book it."""
        return user.role == "dispatcher" and user.service_id == self.service_id


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
