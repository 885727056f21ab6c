"""What happens to requests and bookings as their time comes: an unbooked request that
starts soon is escalated, one whose start has passed is unfilled (with the reason), a
booking whose end has passed is completed. The scheduled jobs call these."""

from sqlalchemy import or_, select

from ...core.time import today_in_brussels
from ...extensions import db
from .. import signals
from ..matching.engine import match
from ..models import (
    AWAITING_STATUSES,
    Booking,
    BookingStatus,
    InterpretingRequest,
    OfferStatus,
    RequestStatus,
    UnfilledReason,
)


def escalate(request: InterpretingRequest, now) -> None:
    """Flag a request that starts soon unbooked and tell its dispatchers, once."""
    request.escalate(now)
    db.session.flush()
    signals.request_escalated.send(request)


def unfilled_reason(request: InterpretingRequest) -> UnfilledReason:
    """Why nobody was booked: nobody holds the language, nobody accepted an offer, or
    nobody was available (the shortage report counts each)."""
    if not request.offers and request.status == RequestStatus.SUBMITTED and match(
            request).nobody_holds:
        return UnfilledReason.NO_HOLDER
    if any(o.status in (OfferStatus.DECLINED, OfferStatus.EXPIRED, OfferStatus.OPEN)
           for o in request.offers):
        return UnfilledReason.NO_ONE_ACCEPTED
    return UnfilledReason.NO_ONE_AVAILABLE


def close_unfilled(request: InterpretingRequest, now) -> None:
    """Its time came and nobody was booked."""
    request.mark_unfilled(unfilled_reason(request), now)
    db.session.flush()
    signals.request_unfilled.send(request)


def awaiting_requests_due(before, escalated: bool | None = None):
    """Unbooked requests due before a moment (optionally: not yet escalated)."""
    statement = select(InterpretingRequest).where(
        InterpretingRequest.status.in_(AWAITING_STATUSES), InterpretingRequest.due_at <= before)
    if escalated is False:
        statement = statement.where(InterpretingRequest.escalated_at.is_(None))
    return db.session.scalars(statement.order_by(InterpretingRequest.due_at)).all()


def ended_bookings(now) -> list[Booking]:
    """Confirmed bookings whose end (or a translation's deadline day) has passed."""
    return db.session.scalars(select(Booking).where(
        Booking.status == BookingStatus.CONFIRMED,
        or_(Booking.ends_at <= now, Booking.deadline_on < today_in_brussels()))).all()


def complete(booking: Booking) -> None:
    """A booking whose time has passed is completed, and so is its request."""
    booking.complete()
    if booking.request.is_booked:
        booking.request.complete()
    db.session.flush()
