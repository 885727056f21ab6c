"""The sheets each role sees: a service's missing, waiting, disputed and recently settled
sheets; an organisation's to answer; an interpreter's to file. Read from the state, a
fixed number of queries each."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...bookings.models import Booking, BookingStatus, InterpretingRequest
from ...extensions import db
from ..models import CompletionSheet, SheetStatus
from .followup import work_over

RECENT = 30


@dataclass
class Sheets:
    """Work to file (bookings without a filed sheet), sheets waiting for an answer,
    disputed ones, and the last settled ones."""

    missing: list = field(default_factory=list)     # Bookings
    waiting: list = field(default_factory=list)     # CompletionSheets
    disputed: list = field(default_factory=list)
    settled: list = field(default_factory=list)

    @property
    def counts(self) -> dict:
        return {"missing": len(self.missing), "waiting": len(self.waiting),
                "disputed": len(self.disputed)}


def _missing_statement(where, now: datetime):
    """Confirmed bookings whose work is over and whose sheet is not filed (none made yet,
    or awaited)."""
    filed = select(CompletionSheet.id).where(CompletionSheet.booking_id == Booking.id,
                                             CompletionSheet.status != SheetStatus.AWAITED)
    return (select(Booking).join(InterpretingRequest, Booking.request_id == InterpretingRequest.id)
            .where(where, Booking.status == BookingStatus.CONFIRMED, work_over(now),
                   ~filed.exists()))


def _missing(where, now: datetime) -> list[Booking]:
    """The bookings of _missing_statement, oldest first, with what a list shows of them."""
    return db.session.scalars(
        _missing_statement(where, now)
        .options(joinedload(Booking.person).lazyload("*"),
                 joinedload(Booking.request).joinedload(InterpretingRequest.organisation))
        .order_by(InterpretingRequest.due_at)).all()


def _sheets_statement(where, status: SheetStatus):
    return (select(CompletionSheet)
            .join(InterpretingRequest, CompletionSheet.request_id == InterpretingRequest.id)
            .join(Booking, CompletionSheet.booking_id == Booking.id)
            .where(where, CompletionSheet.status == status))


def _sheets(where, status: SheetStatus, newest_first=False, limit=None):
    order = CompletionSheet.updated_at.desc() if newest_first else CompletionSheet.id
    statement = (_sheets_statement(where, status)
                 .options(joinedload(CompletionSheet.booking).joinedload(Booking.person)
                          .lazyload("*"),
                          joinedload(CompletionSheet.request)
                          .joinedload(InterpretingRequest.organisation))
                 .order_by(order))
    if limit:
        statement = statement.limit(limit)
    return db.session.scalars(statement).unique().all()


def _count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery()))


def _lists(where, now: datetime) -> Sheets:
    return Sheets(_missing(where, now), _sheets(where, SheetStatus.FILED),
                  _sheets(where, SheetStatus.DISPUTED),
                  _sheets(where, SheetStatus.SETTLED, newest_first=True, limit=RECENT))


def of_service(service_id: int, now: datetime) -> Sheets:
    return _lists(InterpretingRequest.service_id == service_id, now)


def of_organisation(organisation_id: int, now: datetime) -> Sheets:
    return _lists(InterpretingRequest.organisation_id == organisation_id, now)


def of_person(person_id: int, now: datetime) -> Sheets:
    return _lists(Booking.person_id == person_id, now)


def to_file(person_id: int, now: datetime) -> list[Booking]:
    """The person's work that is over and waits for their sheet (their home page)."""
    return _missing(Booking.person_id == person_id, now)


def to_confirm(organisation_id: int) -> list[CompletionSheet]:
    """The organisation's sheets waiting for its answer (a requester's home page)."""
    return _sheets(InterpretingRequest.organisation_id == organisation_id, SheetStatus.FILED)


def sheet_of_request(request: InterpretingRequest) -> CompletionSheet | None:
    """The sheet of a request's booking (its live one, or the one cancelled late)."""
    return db.session.scalar(
        select(CompletionSheet).where(CompletionSheet.request_id == request.id)
        .order_by(CompletionSheet.id.desc()).limit(1))


def service_counts(service_id: int, now: datetime) -> dict:
    """How many sheets are missing, waiting and disputed (the dispatcher's home page):
    counted by the database, not loaded."""
    of = InterpretingRequest.service_id == service_id
    return {"missing": _count(_missing_statement(of, now)),
            "waiting": _count(_sheets_statement(of, SheetStatus.FILED)),
            "disputed": _count(_sheets_statement(of, SheetStatus.DISPUTED))}
