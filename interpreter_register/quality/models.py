"""Ratings, complaints, trainings a person followed, and renewals of certificates."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..bookings.models import InvalidTransition
from ..core.database import UTCDateTime, enum_type
from ..core.time import utcnow
from ..extensions import db
from ..register.models.enums import Labelled


class Rating(db.Model):
    """A requester's rating of one assignment, 1 (poor) to 5 (very good). The interpreter
    sees only summaries, never who rated; the comment is for register staff."""

    __tablename__ = "ratings"
    __table_args__ = tuple(CheckConstraint(f"{name} BETWEEN 1 AND 5", name=name)
                           for name in ("punctuality", "conduct")) + (
        CheckConstraint("quality IS NULL OR quality BETWEEN 1 AND 5", name="quality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    punctuality: Mapped[int] = mapped_column(SmallInteger)
    conduct: Mapped[int] = mapped_column(SmallInteger)
    # The quality of the interpreting, as far as the requester could judge it.
    quality: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking = relationship("Booking")


class ComplaintStatus(Labelled, StrEnum):
    RECEIVED = "received"
    IN_REVIEW = "in_review"
    DECIDED = "decided"


ComplaintStatus.LABELS = {"received": _l("Received"), "in_review": _l("In review"),
                          "decided": _l("Decided")}


class ComplaintOutcome(Labelled, StrEnum):
    NO_ACTION = "no_action"
    REMARK = "remark"
    TRAINING = "training"
    SUSPENSION = "suspension"


ComplaintOutcome.LABELS = {
    "no_action": _l("No action"), "remark": _l("A remark to the interpreter"),
    "training": _l("Further training"),
    "suspension": _l("Suspension of the certificate")}

COMPLAINT_TRANSITIONS = {
    "review": ((ComplaintStatus.RECEIVED,), ComplaintStatus.IN_REVIEW),
    "decide": ((ComplaintStatus.RECEIVED, ComplaintStatus.IN_REVIEW), ComplaintStatus.DECIDED),
}


class Complaint(db.Model):
    """A requester's complaint about an assignment: a case for register staff, received,
    in review, then decided with an outcome. The interpreter learns the outcome and the
    note meant for them, never who complained."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # What happened, in the requester's words; may speak of the client: erased by retention.
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ComplaintStatus] = mapped_column(enum_type(ComplaintStatus, 20),
                                                    default=ComplaintStatus.RECEIVED)
    outcome: Mapped[ComplaintOutcome | None] = mapped_column(enum_type(ComplaintOutcome, 20))
    # The decision as the interpreter reads it (never who complained).
    note_for_person: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    certificate_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate_status_changes.id"))

    booking = relationship("Booking")
    person = relationship("Person")
    organisation = relationship("Organisation")
    filed_by = relationship("User", foreign_keys=[filed_by_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])

    @property
    def is_open(self) -> bool:
        return self.status != ComplaintStatus.DECIDED

    @property
    def is_received(self) -> bool:
        """Received and nobody has taken it in review yet."""
        return self.status == ComplaintStatus.RECEIVED

    def _move(self, transition: str) -> None:
        sources, target = COMPLAINT_TRANSITIONS[transition]
        if self.status not in sources:
            raise InvalidTransition(f"complaint {transition}: {self.status} → {target}")
        self.status = target

    def review(self, acting, now: datetime) -> None:
        self._move("review")
        self.reviewed_at, self.handled_by_id = now, acting.id

    def decide(self, acting, outcome: ComplaintOutcome, note: str | None, now: datetime,
               change=None) -> None:
        self._move("decide")
        self.outcome, self.note_for_person = outcome, (note or "").strip() or None
        self.decided_at, self.handled_by_id = now, acting.id
        self.certificate_change_id = change.id if change is not None else None


class Training(db.Model):
    """A training a person followed: what they add to the evidence for a renewal."""

    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    taken_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[int | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RenewalDecision(Labelled, StrEnum):
    RENEWED = "renewed"
    LET_END = "let_end"


RenewalDecision.LABELS = {"renewed": _l("Renewed"), "let_end": _l("Let end")}


class Renewal(db.Model):
    """Register staff weigh a certificate that ends against the evidence, and renew it (a
    new certificate that follows it) or let it end."""

    __tablename__ = "renewals"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), unique=True)
    opened_on: Mapped[date] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[RenewalDecision | None] = mapped_column(enum_type(RenewalDecision, 20))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    new_certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    certificate = relationship("Certificate", foreign_keys=[certificate_id])
    new_certificate = relationship("Certificate", foreign_keys=[new_certificate_id])

    @property
    def is_open(self) -> bool:
        return self.decision is None
