"""The dispatchers' attention list: every request or booking of their service that a change
put at risk, with what happened, since when, and what resolves it.

Nothing is stored for it: each item is read from the state itself, so an item leaves the
list the moment what put it there is resolved (someone is booked, the request is
cancelled, the person is reinstated or replaced).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ...register.models import (
    Certificate,
    CertificateStatus,
    Person,
    Qualification,
    RevisionTrack,
    Tier,
)
from ...register.policy import current_policy
from ..models import (
    AWAITING_STATUSES,
    Booking,
    BookingStatus,
    FlagReason,
    InterpretingRequest,
)

# Decisions that keep a person from the pair's work altogether.
WITHDRAWN_STATUSES = (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED)


@dataclass(frozen=True)
class Attention:
    """One item: the request, what happened (a code the page words), since when, and the
    action that resolves it ("book" someone, or "reassign" the booking)."""

    request: InterpretingRequest
    what: str
    since: datetime | None
    action: str
    booking: Booking | None = None
    details: tuple = ()


def _flagged(service_id: int) -> list[Attention]:
    requests = db.session.scalars(
        select(InterpretingRequest)
        .where(InterpretingRequest.service_id == service_id,
               InterpretingRequest.status.in_(AWAITING_STATUSES),
               InterpretingRequest.flag.is_not(None))
        .options(joinedload(InterpretingRequest.organisation))
        .order_by(InterpretingRequest.due_at)).all()
    return [Attention(r, r.flag.value, r.flagged_at, "book") for r in requests
            if r.flag != FlagReason.NO_SERVICE]


def _booked_at_risk(service_id: int, now: datetime) -> list[Attention]:
    """Future bookings whose person may no longer do the work: deactivated, or no longer
    holding the tier they were booked at (a certificate suspended, revoked or ended)."""
    bookings = db.session.scalars(
        select(Booking)
        .join(InterpretingRequest, Booking.request_id == InterpretingRequest.id)
        .where(InterpretingRequest.service_id == service_id,
               Booking.status == BookingStatus.CONFIRMED,
               InterpretingRequest.due_at > now)
        .options(joinedload(Booking.person), joinedload(Booking.request))
        .order_by(InterpretingRequest.due_at)).all()
    # The pairs they were booked for, with what decides their tier, in a few statements
    # whatever the number of bookings.
    pairs = {q.id: q for q in db.session.scalars(
        select(Qualification)
        .where(Qualification.id.in_({b.qualification_id for b in bookings} - {None}))
        .options(selectinload(Qualification.certificates)
                 .selectinload(Certificate.status_changes),
                 selectinload(Qualification.steps),
                 selectinload(Qualification.revision_track)
                 .selectinload(RevisionTrack.revisions)))}
    policy = current_policy()
    found = []
    for booking in bookings:
        risk = _risk(booking, booking.person, pairs.get(booking.qualification_id), policy)
        if risk is not None:
            what, since, details = risk
            found.append(Attention(booking.request, what, since, "reassign", booking, details))
    return found


def _risk(booking: Booking, person: Person, qualification: Qualification | None, policy):
    if not person.active:
        return "person_inactive", person.updated_at, ()
    if qualification is None:
        return None
    day = booking.request.day
    for certificate in qualification.certificates:
        change = certificate.current_change(day)
        if (change is not None and change.status in WITHDRAWN_STATUSES
                and not qualification.certified_on(day)):
            return f"certificate_{change.status.value}", change.changed_at, (
                ("since", change.effective_on),)
    tier = qualification.tier_on(day, policy)
    if tier > Tier(booking.tier):
        return "tier_lost", None, (("booked", Tier(booking.tier)), ("now", tier))
    return None


def attention_list(service_id: int, now: datetime) -> list[Attention]:
    """What the service's dispatchers must look at, soonest first."""
    items = _flagged(service_id) + _booked_at_risk(service_id, now)
    return sorted(items, key=lambda item: (item.request.due_at, item.request.id))
