"""What happens to requests as their time comes: an unbooked request that starts soon is
escalated, one whose start has passed is unfilled (with the reason). The scheduled jobs
call these.

A booking whose end has passed changes nothing here: it stays booked until its completion
sheet is settled (``sheets``), which completes it."""

from sqlalchemy import select

from ...extensions import db
from .. import signals
from ..matching.engine import match
from ..models import (
    AWAITING_STATUSES,
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
