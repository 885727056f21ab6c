"""The dispatchers' attention list: every request or booking of their service that a change
put at risk, with what happened, since when, and what resolves it.

Nothing is stored for it: each item is read from the state itself, so an item leaves the
list the moment what put it there is resolved (someone is booked, the request is
cancelled, the person is reinstated or replaced).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Date, and_, bindparam, case, func, literal, select, text
from sqlalchemy.orm import joinedload

from ...core.database import UTCDateTime
from ...extensions import db
from ...register.models import (
    Certificate,
    CertificateStatus,
    CertificateStatusChange,
    Person,
    QualificationTier,
    Tier,
)
from ...register.services.search import certificate_status_is
from ..models import (
    AWAITING_STATUSES,
    OPEN_CONDITION,
    Booking,
    BookingStatus,
    FlagReason,
    InterpretingRequest,
    RequestStatus,
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
               # Said again as the open requests' partial index says it, so that the
               # database walks the open requests alone and not the service's history.
               text(f"requests.{OPEN_CONDITION}"),
               InterpretingRequest.status.in_(AWAITING_STATUSES),
               InterpretingRequest.flag.is_not(None))
        .options(joinedload(InterpretingRequest.organisation))
        .order_by(InterpretingRequest.due_at)).all()
    return [Attention(r, r.flag.value, r.flagged_at, "book") for r in requests
            if r.flag != FlagReason.NO_SERVICE]


def _booked_at_risk(service_id: int, now: datetime) -> list[Attention]:
    """Future bookings whose person may no longer do the work: deactivated, or no longer
    holding the tier they were booked at on the booking's day (a certificate suspended,
    revoked or run out); read in one statement, whatever the number of bookings."""
    rows = db.session.execute(_at_risk_statement(), {"service": service_id, "now": now})
    found = []
    for booking, risk, tier_now, since in rows.unique().all():
        details = ((("since", since),) if risk.startswith("certificate_") else
                   (("booked", Tier(booking.tier)), ("now", Tier(tier_now)))
                   if risk == "tier_lost" else ())
        when = booking.person.updated_at if risk == "person_inactive" else None
        found.append(Attention(booking.request, risk, when, "reassign", booking, details))
    return found


@cache
def _at_risk_statement():
    """Built once: the tier on the booking's day comes from the register's kept facts (a
    range of ``qualification_tiers``), the rest from a few lookups for the few at risk."""
    # The booking's day in UTC: near enough for work that happens in the daytime.
    day = func.coalesce(Booking.deadline_on, func.date(Booking.starts_at, type_=Date))
    tier_then = QualificationTier.tier
    lost = and_(Booking.qualification_id.is_not(None), tier_then > Booking.tier)

    def decided(status):
        return select(Certificate.id).where(
            Certificate.qualification_id == Booking.qualification_id,
            certificate_status_is(status, day)).exists()

    what = case((Person.active.is_(False), literal("person_inactive")),
                (and_(lost, decided(CertificateStatus.SUSPENDED)),
                 literal("certificate_suspended")),
                (and_(lost, decided(CertificateStatus.REVOKED)),
                 literal("certificate_revoked")),
                (lost, literal("tier_lost")), else_=None)
    decision = (select(func.max(CertificateStatusChange.effective_on))
                .join(Certificate, CertificateStatusChange.certificate_id == Certificate.id)
                .where(Certificate.qualification_id == Booking.qualification_id,
                       CertificateStatusChange.effective_on <= day,
                       CertificateStatusChange.status.in_(WITHDRAWN_STATUSES))
                .scalar_subquery())
    return (
        select(Booking, what, tier_then, decision)
        .join(InterpretingRequest, Booking.request_id == InterpretingRequest.id)
        .join(Person, Booking.person_id == Person.id)
        .outerjoin(QualificationTier, and_(
            QualificationTier.qualification_id == Booking.qualification_id,
            QualificationTier.starts_on <= day, QualificationTier.ends_on >= day))
        .where(InterpretingRequest.service_id == bindparam("service"),
               # A confirmed booking's request is open: read through the open requests'
               # partial index, not through the service's whole history.
               text(f"requests.{OPEN_CONDITION}"),
               # Said too so that only the booked ones (status read from that index) are
               # looked up in the bookings, not every open request.
               InterpretingRequest.status == RequestStatus.BOOKED,
               Booking.status == BookingStatus.CONFIRMED,
               InterpretingRequest.due_at > bindparam("now", type_=UTCDateTime()),
               what.is_not(None))
        # The person's name is all the list shows: none of their sets (regions, ...).
        .options(joinedload(Booking.person).lazyload("*"),
                 joinedload(Booking.request).joinedload(InterpretingRequest.organisation))
        .order_by(InterpretingRequest.due_at))


def attention_list(service_id: int, now: datetime) -> list[Attention]:
    """What the service's dispatchers must look at, soonest first."""
    items = _flagged(service_id) + _booked_at_risk(service_id, now)
    return sorted(items, key=lambda item: (item.request.due_at, item.request.id))
