"""Renewal from evidence: register staff weigh a certificate that ends against what the
product knows of the person's work in its pair (assignments, revision verdicts, ratings,
complaint decisions) and what the person adds (trainings), then renew it or let it end."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..bookings.models import Booking, BookingStatus
from ..core import settings
from ..core.permissions import require
from ..core.rules import RuleError
from ..extensions import db
from ..register.models import Certificate, Revision, RevisionTrack
from ..register.services import credentials
from ..sheets.models import CompletionSheet, SheetStatus
from . import settings as quality_settings
from .models import Complaint, Rating, Renewal, RenewalDecision, Training


def _horizon(today: date) -> date:
    return today + relativedelta(months=settings.value(quality_settings.RENEWAL_MONTHS.key))


def _followed():
    """Certificates a later one already renews."""
    return select(Certificate.follows_id).where(Certificate.follows_id.is_not(None))


def due(today: date) -> tuple[list[Certificate], list[Certificate]]:
    """(due, overdue): certificates ending within the setting's months, and those that
    ended in the last year, with no decision yet and no certificate renewing them."""
    decided = select(Renewal.certificate_id).where(Renewal.decision.is_not(None))
    undecided = and_(Certificate.id.not_in(decided), Certificate.id.not_in(_followed()))
    ending = db.session.scalars(select(Certificate).where(
        undecided, Certificate.valid_until >= today,
        Certificate.valid_until <= _horizon(today)).order_by(Certificate.valid_until)).all()
    ended = db.session.scalars(select(Certificate).where(
        undecided, Certificate.valid_until < today,
        Certificate.valid_until >= today - relativedelta(years=1))
        .order_by(Certificate.valid_until)).all()
    return ending, ended


def open_renewal(acting, certificate: Certificate, today: date) -> Renewal:
    require(acting.keeps_register, "register staff renew certificates")
    existing = db.session.scalar(select(Renewal).where(
        Renewal.certificate_id == certificate.id))
    if existing is not None:
        return existing
    if certificate.valid_until > _horizon(today):
        raise RuleError(_l("This certificate does not end soon enough to be renewed yet."))
    renewal = Renewal(certificate_id=certificate.id, opened_on=today, opened_by_id=acting.id)
    db.session.add(renewal)
    db.session.flush()
    return renewal


@dataclass
class Evidence:
    """What speaks for or against renewing, since the certificate was issued."""

    assignments: int = 0
    hours: float = 0.0
    verdicts: Counter = field(default_factory=Counter)
    ratings: int = 0
    averages: tuple = (None, None, None)
    complaints: list = field(default_factory=list)
    trainings: list = field(default_factory=list)


def _settled_sheets(bookings) -> dict:
    """The settled completion sheet of each booking, by booking id: what actually happened."""
    return {sheet.booking_id: sheet for sheet in db.session.scalars(
        select(CompletionSheet).where(CompletionSheet.booking_id.in_([b.id for b in bookings]),
                                      CompletionSheet.status == SheetStatus.SETTLED))}


def _hours_worked(booking, settled: dict) -> float:
    """The hours its settled sheet says were worked; the booked hours where no sheet says
    (work completed before sheets existed)."""
    sheet = settled.get(booking.id)
    if sheet is not None and sheet.current is not None:
        return sheet.current.worked_minutes / 60
    if booking.starts_at and booking.ends_at:
        return (booking.ends_at - booking.starts_at).total_seconds() / 3600
    return 0.0


def evidence(certificate: Certificate) -> Evidence:
    qualification = certificate.qualification
    since = certificate.issued_on
    found = Evidence()
    bookings = db.session.scalars(select(Booking).where(
        Booking.qualification_id == qualification.id,
        Booking.status == BookingStatus.COMPLETED)).all()
    done = [b for b in bookings if b.request.day >= since]
    found.assignments = len(done)
    settled = _settled_sheets(done)
    found.hours = round(sum(_hours_worked(b, settled) for b in done), 1)
    found.verdicts = Counter(v for (v,) in db.session.execute(
        select(Revision.verdict).join(RevisionTrack, Revision.track_id == RevisionTrack.id)
        .where(RevisionTrack.qualification_id == qualification.id,
               Revision.revised_on >= since)))
    of_pair = select(Booking.id).where(Booking.qualification_id == qualification.id)
    count, punctuality, conduct, quality = db.session.execute(
        select(func.count(), func.avg(Rating.punctuality), func.avg(Rating.conduct),
               func.avg(Rating.quality)).where(Rating.booking_id.in_(of_pair))).one()
    found.ratings = count
    found.averages = tuple(round(float(v), 1) if v is not None else None
                           for v in (punctuality, conduct, quality))
    found.complaints = db.session.scalars(select(Complaint).where(
        Complaint.booking_id.in_(of_pair)).order_by(Complaint.created_at)).all()
    found.trainings = db.session.scalars(select(Training).where(
        Training.person_id == qualification.person_id, Training.taken_on >= since)
        .order_by(Training.taken_on)).all()
    return found


def add_training(acting, person, title: str, taken_on: date, hours: int | None = None,
                 today: date | None = None) -> Training:
    """The person (or register staff for them) records a training they followed."""
    require(person.can_be_kept_by(acting), "only the person or register staff")
    if not (title or "").strip():
        raise RuleError(_l("Name the training."), "title")
    if today is not None and taken_on > today:
        raise RuleError(_l("A training is recorded once it was followed."), "taken_on")
    if hours is not None and not 0 < hours <= 1000:
        raise RuleError(_l("Give the hours from 1 to 1000."), "hours")
    training = Training(person_id=person.id, title=title.strip()[:200], taken_on=taken_on,
                        hours=hours, added_by_id=acting.id)
    db.session.add(training)
    db.session.flush()
    return training


def renew(acting, renewal: Renewal, number: str, issued_on: date,
          valid_until: date | None = None, today: date | None = None) -> Certificate:
    """A new certificate that follows the one renewed (audited as issued)."""
    require(acting.keeps_register, "register staff renew certificates")
    if not renewal.is_open:
        raise RuleError(_l("This renewal is already decided."))
    new = credentials.issue_certificate(acting, renewal.certificate.qualification, number,
                                        issued_on, valid_until, follows=renewal.certificate)
    renewal.decision, renewal.decided_by_id = RenewalDecision.RENEWED, acting.id
    renewal.decided_on, renewal.new_certificate_id = today or issued_on, new.id
    db.session.flush()
    return new


def let_end(acting, renewal: Renewal, note: str | None, today: date) -> None:
    require(acting.keeps_register, "register staff renew certificates")
    if not renewal.is_open:
        raise RuleError(_l("This renewal is already decided."))
    if not (note or "").strip():
        raise RuleError(_l("Say why the certificate is not renewed."), "note")
    renewal.decision, renewal.decided_by_id = RenewalDecision.LET_END, acting.id
    renewal.decided_on, renewal.note = today, note.strip()[:500]
    db.session.flush()


def trainings_of(person_id: int) -> list[Training]:
    return db.session.scalars(select(Training).where(Training.person_id == person_id)
                              .order_by(Training.taken_on.desc())).all()
