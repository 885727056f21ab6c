"""Demo conversations and feedback: a message thread on a booked request, ratings and
complaints (one in review, one decided), a training, and renewals due."""

from datetime import date, timedelta

from sqlalchemy import select

from ..auth.models import Role, User
from ..bookings.models import Booking, BookingStatus, InterpretingRequest
from ..collaboration import services as messages
from ..extensions import db
from ..quality import feedback, renewals
from ..quality.models import ComplaintOutcome


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def seed_feedback(today: date) -> None:
    requester, dispatcher = _user("requester@example.org"), _user("dispatcher@example.org")
    staff = db.session.scalar(select(User).where(User.role == Role.REGISTER_STAFF))
    interpreter = _user("interpreter@example.org")
    # A conversation about the demo interpreter's next booking.
    upcoming = db.session.scalar(
        select(InterpretingRequest).where(InterpretingRequest.case_reference == "GNT-2026-0412"))
    if upcoming is not None:
        messages.post(requester, upcoming, "Het gesprek is op de tweede verdieping, lokaal 2.14. "
                                           "Vraag naar mij aan het onthaal.")
        messages.post(interpreter, upcoming, "Dank u, ik ben er tien minuten vroeger.")
        messages.post(dispatcher, upcoming, "Genoteerd. Bel ons als er iets verandert.")
    # Ratings of the past month's completed assignments; a complaint in review, another
    # decided with a remark for the interpreter.
    done = db.session.scalars(
        select(Booking).join(InterpretingRequest)
        .where(Booking.status == BookingStatus.COMPLETED,
               InterpretingRequest.organisation_id == requester.organisation_id)
        .order_by(Booking.starts_at.desc()).limit(6)).all()
    for number, booking in enumerate(done[:4]):
        feedback.rate(requester, booking, 5 - number % 2, 5, 4 if number % 3 else None)
    if len(done) >= 6:
        waiting = feedback.file_complaint(requester, done[4], "De tolk nam tijdens het "
                                                              "gesprek telefoons op.")
        feedback.review(staff, waiting)
        decided = feedback.file_complaint(requester, done[5], "Kwam twintig minuten te laat.")
        feedback.decide(staff, decided, ComplaintOutcome.REMARK,
                        "Plan uw verplaatsing met wat marge; "
                        "verwittig de dienst als u te laat komt.")
    renewals.add_training(interpreter, interpreter.person,
                          "Tolken in de geestelijke gezondheidszorg",
                          today - timedelta(days=40), 12, today)
    # The register staff's renewals: open the first one due, so its evidence shows.
    due, _overdue = renewals.due(today)
    if due:
        renewals.open_renewal(staff, due[0], today)
