"""Translations delivered by someone not certified for the pair wait for a revisor of the
register's revision protocol; this is where bookings meet that protocol."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...core.permissions import require
from ...core.rules import RuleError
from ...extensions import db
from ...register.models import QualificationKind, Revision
from ..models import Booking


def mark_delivered(acting, booking: Booking, day) -> None:
    """The translator says the translation is delivered; one needing a revision then waits
    for a revisor on the register staff's list."""
    require(booking.can_be_delivered_by(acting), "only the translator marks it delivered")
    if not booking.is_translation or not booking.is_live:
        raise RuleError(_l("Only a booked translation can be delivered."))
    if booking.delivered_on is not None:
        raise RuleError(_l("This translation is already marked as delivered."))
    booking.deliver(day)
    booking.request.record(acting, "delivered")
    db.session.flush()


def awaiting_revision(person_id: int | None = None) -> list[Booking]:
    """Delivered translations by someone not certified for the pair, not yet revised."""
    revised = select(Revision.booking_id).where(Revision.booking_id.is_not(None))
    statement = (select(Booking).where(Booking.revision_needed.is_(True),
                                       Booking.delivered_on.is_not(None),
                                       Booking.id.not_in(revised))
                 .order_by(Booking.delivered_on))
    if person_id is not None:
        statement = statement.where(Booking.person_id == person_id)
    return db.session.scalars(statement).all()


def translation_pair(booking: Booking):
    """The translator's qualification the booked translation was done under."""
    request = booking.request
    return next((q for q in booking.person.qualifications
                 if q.kind == QualificationKind.TRANSLATION
                 and q.language_code == request.language_code
                 and q.working_language == request.working_language
                 and q.direction == request.direction), None)
