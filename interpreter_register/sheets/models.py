"""Completion sheets (prestatiefiche, fiche de prestation, Leistungsnachweis): what actually
happened at an assignment, filed by the interpreter, confirmed by the requester or settled
by the service, never edited once settled.

A sheet belongs to one booking. Its content lives in **versions**: the first is the one
filed; a correction (by the service, with its reason) is a new version, and earlier ones
stay readable. The sheet's ``status`` changes only through the methods below, each checked
against ``SHEET_TRANSITIONS``, and each step goes into the request's history.

What billing reads (issue 17): the settled version (``settled_version``) and its
``work_fields()``; the sheet's ``billable`` and ``payable`` say whether the organisation is
billed and the interpreter paid (a late cancellation follows the service's policy).
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..bookings.models import InvalidTransition
from ..core.database import UTCDateTime, enum_type
from ..core.time import utcnow
from ..extensions import db
from ..register.models.enums import Labelled


class SheetStatus(Labelled, StrEnum):
    AWAITED = "awaited"     # the work is over; nobody has filed the sheet yet
    FILED = "filed"         # waiting for the requester's answer
    DISPUTED = "disputed"   # the requester disputed lines; the service settles
    SETTLED = "settled"     # final: billing reads it; a correction is a new version


SheetStatus.LABELS = {"awaited": _l("Not filed yet"), "filed": _l("Waiting for confirmation"),
                      "disputed": _l("Disputed"), "settled": _l("Settled")}


class SettledHow(Labelled, StrEnum):
    CONFIRMED = "confirmed"     # the requester confirmed it
    DEEMED = "deemed"           # no answer by the deadline: counts as confirmed
    SERVICE = "service"         # a dispatcher settled it (after a dispute, or on their own)
    POLICY = "policy"           # a late cancellation: the service's policy made it


SettledHow.LABELS = {"confirmed": _l("Confirmed by the organisation"),
                     "deemed": _l("No answer by the deadline: counts as confirmed"),
                     "service": _l("Settled by the interpreting service"),
                     "policy": _l("Late cancellation under the service's policy")}


class FiledAs(Labelled, StrEnum):
    INTERPRETER = "interpreter"
    SERVICE = "service"
    POLICY = "policy"


FiledAs.LABELS = {"interpreter": _l("the interpreter"), "service": _l("the service"),
                  "policy": _l("the cancellation policy")}


class ExpenseKind(Labelled, StrEnum):
    PUBLIC_TRANSPORT = "public_transport"
    PARKING = "parking"


ExpenseKind.LABELS = {"public_transport": _l("Public transport"), "parking": _l("Parking")}


class SheetLine(Labelled, StrEnum):
    """The lines of a sheet a requester may dispute, each on its own, with a reason."""

    TIMES = "times"             # the actual start and end, or the minutes (remote)
    WAITING = "waiting"
    NO_SHOW = "no_show"
    KM = "km"
    EXPENSES = "expenses"
    SIZE = "size"               # a translation's words or pages
    DELIVERED_ON = "delivered_on"


SheetLine.LABELS = {"times": _l("Actual time"), "waiting": _l("Waiting time"),
                    "no_show": _l("The client did not show"), "km": _l("Kilometres"),
                    "expenses": _l("Expenses"), "size": _l("Size of the translation"),
                    "delivered_on": _l("Delivery date")}

# Every change of a sheet's status: where it may start, where it leads.
SHEET_TRANSITIONS = {
    "file": ((SheetStatus.AWAITED,), SheetStatus.FILED),
    "confirm": ((SheetStatus.FILED,), SheetStatus.SETTLED),
    "deem_confirmed": ((SheetStatus.FILED,), SheetStatus.SETTLED),
    "dispute": ((SheetStatus.FILED,), SheetStatus.DISPUTED),
    "settle": ((SheetStatus.FILED, SheetStatus.DISPUTED), SheetStatus.SETTLED),
    "correct": ((SheetStatus.SETTLED,), SheetStatus.SETTLED),
    "settle_by_policy": ((SheetStatus.AWAITED,), SheetStatus.SETTLED),
}


class CompletionSheet(db.Model):
    """The sheet of one booking: where it stands, its deadline, its reminders."""

    __tablename__ = "completion_sheets"
    __table_args__ = (Index("ix_completion_sheets_service_status", "service_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    # The service that settles it (the request's, when the sheet was made).
    service_id: Mapped[int | None] = mapped_column(ForeignKey("interpreting_services.id"))
    status: Mapped[SheetStatus] = mapped_column(enum_type(SheetStatus, 20),
                                                default=SheetStatus.AWAITED)
    late_cancellation: Mapped[bool] = mapped_column(default=False)
    # Whether the organisation is billed and the interpreter paid for it (always, but for
    # a late cancellation, which follows the service's policy at the time).
    billable: Mapped[bool] = mapped_column(default=True)
    payable: Mapped[bool] = mapped_column(default=True)
    # The current version's number (0 while nothing is filed).
    version: Mapped[int] = mapped_column(default=0)
    # When the interpreter was asked (the end of the work) and when the requester's answer
    # is due (the end of the n-th working day after filing).
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirm_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The scheduler's marker: the last reminder (to the interpreter while awaited, to the
    # requester while filed) and how many went out at this status.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    booking = relationship("Booking")
    request = relationship("InterpretingRequest")
    service = relationship("InterpretingService")
    versions = relationship("SheetVersion", back_populates="sheet",
                            order_by="SheetVersion.number", cascade="all, delete-orphan")

    def __init__(self, **values):
        # Where a new sheet stands before it is flushed (column defaults come only then).
        super().__init__(**{"status": SheetStatus.AWAITED, "version": 0, "reminders": 0,
                            "late_cancellation": False, "billable": True, "payable": True,
                            **values})

    def __repr__(self) -> str:
        return f"<CompletionSheet {self.id} booking={self.booking_id} {self.status}>"

    # --- where it stands ---------------------------------------------------------------

    @property
    def current(self) -> "SheetVersion | None":
        return self.versions[-1] if self.versions else None

    @property
    def is_awaited(self) -> bool:
        return self.status == SheetStatus.AWAITED

    @property
    def is_filed(self) -> bool:
        """Filed and waiting for the requester's answer."""
        return self.status == SheetStatus.FILED

    @property
    def is_disputed(self) -> bool:
        return self.status == SheetStatus.DISPUTED

    @property
    def is_settled(self) -> bool:
        return self.status == SheetStatus.SETTLED

    @property
    def settled_version(self) -> "SheetVersion | None":
        """The version billing reads: the current one, once settled."""
        return self.current if self.is_settled else None

    def open_disputes(self) -> list["SheetDispute"]:
        """The lines disputed on the current version (none once it is settled)."""
        version = self.current
        return list(version.disputes) if version is not None and self.is_disputed else []

    # --- who may do what ---------------------------------------------------------------

    def can_be_seen_by(self, user) -> bool:
        """The booked interpreter, the requester's organisation and the service only."""
        return self.booking.audience_for(user) is not None

    def can_be_filed_by(self, user) -> bool:
        """The booked interpreter (logged in; their booking's link stands for them too),
        or a dispatcher of the service."""
        return user.is_person(self.booking.person_id) or self.can_be_settled_by(user)

    def can_be_answered_by(self, user) -> bool:
        """Requesters of the organisation confirm or dispute it."""
        return user.requests_for(self.request.organisation_id)

    def can_be_settled_by(self, user) -> bool:
        return user.dispatches_for(self.service_id)

    # --- the lifecycle: the only code that changes ``status`` -------------------------

    def _move(self, transition: str) -> None:
        sources, target = SHEET_TRANSITIONS[transition]
        if self.status not in sources:
            raise InvalidTransition(f"sheet {transition}: {self.status} → {target}")
        self.status = target

    def _add(self, version: "SheetVersion") -> None:
        self.version += 1
        version.number = self.version
        self.versions.append(version)
        self.reminded_at, self.reminders = None, 0

    def _complete_booking(self, actor) -> None:
        """Settled: the booking and its request are completed (no calendar changes: a
        completed booking stays in every calendar as it was)."""
        booking = self.booking
        if booking.is_confirmed:
            booking.complete()
        if booking.request.is_booked and booking.request.live_booking is booking:
            booking.request.complete(actor)

    def file(self, actor, version: "SheetVersion", confirm_by: datetime) -> None:
        """The first version is filed (by the interpreter, or the service for them): the
        requester has until ``confirm_by`` to answer."""
        self._move("file")
        self._add(version)
        self.confirm_by = confirm_by
        self.request.record(actor, "sheet_filed", version=version.number,
                            by=version.filed_as.value)

    def confirm(self, actor, now: datetime) -> None:
        self._move("confirm")
        self.current.answer(actor, "confirmed", now)
        self.current.settle(actor, SettledHow.CONFIRMED, now)
        self.request.record(actor, "sheet_confirmed", version=self.version)
        self._complete_booking(actor)

    def deem_confirmed(self, now: datetime) -> None:
        """No answer by the deadline (when the policy lets silence count)."""
        self._move("deem_confirmed")
        self.current.settle(None, SettledHow.DEEMED, now)
        self.request.record(None, "sheet_deemed_confirmed", version=self.version)
        self._complete_booking(None)

    def dispute(self, actor, disputes: list["SheetDispute"], now: datetime) -> None:
        """The requester disputes lines of the current version, each with its reason; the
        service settles."""
        self._move("dispute")
        self.current.answer(actor, "disputed", now)
        self.current.disputes.extend(disputes)
        self.request.record(actor, "sheet_disputed", version=self.version,
                            lines=[d.line.value for d in disputes])

    def settle(self, actor, now: datetime, correction: "SheetVersion | None" = None,
               note: str | None = None) -> None:
        """The service settles it: as filed, or as corrected (a new version)."""
        self._move("settle")
        if correction is not None:
            self._add(correction)
        self.current.settle(actor, SettledHow.SERVICE, now, note)
        self.request.record(actor, "sheet_settled", version=self.version,
                            corrected=correction is not None)
        self._complete_booking(actor)

    def correct(self, actor, correction: "SheetVersion", now: datetime) -> None:
        """A settled sheet is never edited: the correction is a new version, settled by the
        service, with its reason; the earlier ones stay as they were."""
        self._move("correct")
        self._add(correction)
        correction.settle(actor, SettledHow.SERVICE, now)
        self.request.record(actor, "sheet_corrected", version=self.version)

    def settle_by_policy(self, version: "SheetVersion", now: datetime) -> None:
        """A late cancellation the service's policy bills or pays: made and settled at once
        with the policy's minimum."""
        self._move("settle_by_policy")
        self._add(version)
        version.settle(None, SettledHow.POLICY, now)
        self.request.record(None, "sheet_late_cancellation", version=self.version)


class SheetVersion(db.Model):
    """What one version of a sheet says happened; never changed once it is settled (a
    correction is the next version)."""

    __tablename__ = "sheet_versions"
    __table_args__ = (
        UniqueConstraint("sheet_id", "number", name="sheet_number"),
        CheckConstraint("worked_minutes >= 0", name="worked_minutes"),
        CheckConstraint("waiting_minutes >= 0", name="waiting_minutes"),
        CheckConstraint("km >= 0", name="km"),
        CheckConstraint("ended_at IS NULL OR ended_at > started_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("completion_sheets.id"), index=True)
    number: Mapped[int]
    filed_as: Mapped[FiledAs] = mapped_column(enum_type(FiledAs, 20))
    # None: the interpreter by their booking's link, or the policy.
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why the service filed or corrected it, or why it runs over the booked time.
    reason: Mapped[str | None] = mapped_column(String(500))
    # On site: the actual start and end (UTC); remote: only the minutes.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time billed and paid: actual, or the booked time for a no-show, or the
    # policy's minimum for a late cancellation.
    worked_minutes: Mapped[int] = mapped_column(default=0)
    booked_minutes: Mapped[int | None]
    waiting_minutes: Mapped[int] = mapped_column(default=0)
    no_show: Mapped[bool] = mapped_column(default=False)
    km: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal("0"))
    km_suggested: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    words: Mapped[int | None]
    pages: Mapped[int | None]
    delivered_on: Mapped[date | None] = mapped_column(Date)
    # For the service only (the form says: no client data); erased by retention.
    remarks: Mapped[str | None] = mapped_column(Text)
    # The requester's answer to this version.
    answer_value: Mapped[str | None] = mapped_column("answer", String(10))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Settled: when, by whom (None: the deadline or the policy), how, and the service's note.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    settled_how: Mapped[SettledHow | None] = mapped_column(enum_type(SettledHow, 20))
    settlement_note: Mapped[str | None] = mapped_column(String(500))

    sheet = relationship("CompletionSheet", back_populates="versions")
    filed_by = relationship("User", foreign_keys=[filed_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    settled_by = relationship("User", foreign_keys=[settled_by_id])
    expenses = relationship("SheetExpense", back_populates="version",
                            order_by="SheetExpense.id", cascade="all, delete-orphan")
    disputes = relationship("SheetDispute", back_populates="version",
                            order_by="SheetDispute.id", cascade="all, delete-orphan")

    def __init__(self, **values):
        super().__init__(**{"worked_minutes": 0, "waiting_minutes": 0, "no_show": False,
                            "km": Decimal("0"), **values})

    def __repr__(self) -> str:
        return f"<SheetVersion {self.sheet_id}.{self.number}>"

    @property
    def is_settled(self) -> bool:
        return self.settled_at is not None

    @property
    def expenses_total(self) -> Decimal:
        return sum((e.amount for e in self.expenses), Decimal("0.00"))

    def answer(self, actor, value: str, now: datetime) -> None:
        self.answer_value, self.answered_at = value, now
        self.answered_by_id = getattr(actor, "id", None)

    def settle(self, actor, how: SettledHow, now: datetime, note: str | None = None) -> None:
        if self.is_settled:
            raise InvalidTransition("a settled version stays as it is")
        self.settled_at, self.settled_how = now, how
        self.settled_by_id = getattr(actor, "id", None)
        self.settlement_note = (note or "").strip()[:500] or None

    def work_fields(self) -> dict:
        """What billing prices (billing.charges.Work's fields), from this version."""
        request = self.sheet.request
        return {"modality": request.modality.value, "worked_minutes": self.worked_minutes,
                "waiting_minutes": self.waiting_minutes, "km": self.km,
                "expenses": tuple((e.kind.value, e.amount) for e in self.expenses),
                "words": self.words, "pages": self.pages, "no_show": self.no_show,
                "late_cancellation": self.sheet.late_cancellation}


class SheetExpense(db.Model):
    """A cost at cost price (public transport, parking), with the receipt's upload."""

    __tablename__ = "sheet_expenses"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sheet_versions.id"), index=True)
    kind: Mapped[ExpenseKind] = mapped_column(enum_type(ExpenseKind, 20))
    amount: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    # The receipt (core.uploads); None once retention erased it. A correction's copy of a
    # line shares the receipt of the line it copies.
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"), index=True)

    version = relationship("SheetVersion", back_populates="expenses")
    receipt = relationship("Upload")


class SheetDispute(db.Model):
    """One line of a version the requester disputed, and why (kept; erased by retention)."""

    __tablename__ = "sheet_disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sheet_versions.id"), index=True)
    line: Mapped[SheetLine] = mapped_column(enum_type(SheetLine, 20))
    reason: Mapped[str | None] = mapped_column(String(500))

    version = relationship("SheetVersion", back_populates="disputes")
