"""Ratings and complaints: what requesters report about an assignment, and how register
staff decide on a complaint (a suspension goes through the register's own certificate
status, with its audit entry, and the bookings follow)."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth.models import Role, User, recipient_of_user
from ..bookings.models import Booking
from ..core import settings
from ..core.mail import send_mail
from ..core.permissions import require
from ..core.rules import RuleError
from ..core.time import utcnow
from ..core.urls import external_url
from ..extensions import db
from ..register.models import CertificateStatus
from ..register.services import credentials
from . import settings as quality_settings
from .models import Complaint, ComplaintOutcome, Rating


def _require_requester_of(acting, booking: Booking) -> None:
    require(acting.requests_for(booking.request.organisation_id),
            "only the organisation's requesters report on its assignments")


def _score(value, field: str, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise RuleError(_l("Choose from 1 to 5."), field)
    return score


def rate(acting, booking: Booking, punctuality, conduct, quality=None,
         comment: str | None = None, now: datetime | None = None) -> Rating:
    """The requester rates an assignment once, after it took place."""
    _require_requester_of(acting, booking)
    if not booking.has_taken_place:
        raise RuleError(_l("An assignment is rated after it took place."))
    if db.session.scalar(select(Rating.id).where(Rating.booking_id == booking.id)):
        raise RuleError(_l("This assignment is already rated."))
    rating = Rating(booking_id=booking.id, person_id=booking.person_id,
                    punctuality=_score(punctuality, "punctuality"),
                    conduct=_score(conduct, "conduct"),
                    quality=_score(quality, "quality", optional=True),
                    comment=(comment or "").strip()[:2000] or None, rated_by_id=acting.id)
    db.session.add(rating)
    db.session.flush()
    return rating


def file_complaint(acting, booking: Booking, text: str,
                   now: datetime | None = None) -> Complaint:
    """A requester files a complaint about an assignment of their organisation; register
    staff are told (who and what stays on the case page)."""
    _require_requester_of(acting, booking)
    if not booking.is_live:
        raise RuleError(_l("A complaint is about an assignment that took place or is "
                           "booked."))
    text = (text or "").strip()
    if not text:
        raise RuleError(_l("Say what happened."), "text")
    complaint = Complaint(booking_id=booking.id, person_id=booking.person_id,
                          organisation_id=booking.request.organisation_id,
                          filed_by_id=acting.id, text=text[:5000])
    db.session.add(complaint)
    db.session.flush()
    for member in db.session.scalars(select(User).where(
            User.role == Role.REGISTER_STAFF, User.active.is_(True))):
        send_mail(recipient_of_user(member), "complaint",
                  _l("A complaint to handle: case %(number)d", number=complaint.id),
                  "emails/complaint.txt", complaint=complaint,
                  link=external_url("quality.complaint", complaint_id=complaint.id))
    return complaint


def review(acting, complaint: Complaint, now: datetime | None = None) -> None:
    require(acting.keeps_register, "register staff handle complaints")
    complaint.review(acting, now or utcnow())
    db.session.flush()


def decide(acting, complaint: Complaint, outcome: ComplaintOutcome, note: str | None,
           effective_on: date | None = None, now: datetime | None = None) -> None:
    """Decide a complaint. A suspension suspends the certificates of the pair the person
    was booked for, from ``effective_on``, through the register (audited); their open
    offers go and their bookings reach the dispatchers' attention list."""
    require(acting.keeps_register, "register staff handle complaints")
    if not complaint.is_open:
        raise RuleError(_l("This complaint is already decided."))
    change = None
    if outcome == ComplaintOutcome.SUSPENSION:
        change = _suspend(acting, complaint, effective_on)
    complaint.decide(acting, outcome, note, now or utcnow(), change)
    db.session.flush()
    person = complaint.person
    send_mail(person.mail_recipient, "complaint_decided",
              _l("A decision of the register concerning you"),
              "emails/complaint_decided.txt", complaint=complaint, person=person)


def _suspend(acting, complaint: Complaint, effective_on: date | None):
    if effective_on is None:
        raise RuleError(_l("Say from which day the suspension holds."), "effective_on")
    pair = complaint.booking.qualification
    certificates = [c for c in (pair.certificates if pair else [])
                    if c.status_on(effective_on) == CertificateStatus.VALID]
    if not certificates:
        raise RuleError(_l("The person holds no valid certificate for this pair on that "
                           "day: there is nothing to suspend."), "outcome")
    changes = [credentials.change_certificate_status(
        acting, certificate, CertificateStatus.SUSPENDED, effective_on,
        f"Complaint {complaint.id}") for certificate in certificates]
    return changes[0]


@dataclass(frozen=True)
class Summary:
    """A person's ratings in aggregate; shown to them only from a few ratings on."""

    count: int
    punctuality: float | None
    conduct: float | None
    quality: float | None

    @property
    def shown(self) -> bool:
        return self.count >= settings.value(quality_settings.RATINGS_FOR_SUMMARY.key)


def summary_of(person_id: int) -> Summary:
    count, punctuality, conduct, quality = db.session.execute(
        select(func.count(), func.avg(Rating.punctuality), func.avg(Rating.conduct),
               func.avg(Rating.quality)).where(Rating.person_id == person_id)).one()
    return Summary(count, *(round(float(v), 1) if v is not None else None
                            for v in (punctuality, conduct, quality)))


def decided_for(person_id: int) -> list[Complaint]:
    """The decisions that concern a person, newest first (never who complained)."""
    return db.session.scalars(select(Complaint).where(
        Complaint.person_id == person_id, Complaint.decided_at.is_not(None))
        .order_by(Complaint.decided_at.desc())).all()


def feedback_counts() -> dict[int, tuple[int, int]]:
    """(ratings, complaints) per person, for the register overview."""
    ratings = dict(db.session.execute(select(Rating.person_id, func.count())
                                      .group_by(Rating.person_id)).all())
    complaints = dict(db.session.execute(select(Complaint.person_id, func.count())
                                         .group_by(Complaint.person_id)).all())
    return {person: (ratings.get(person, 0), complaints.get(person, 0))
            for person in set(ratings) | set(complaints)}
