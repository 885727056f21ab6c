"""Changes after booking: moving a request to another time or place, and giving it to
someone else. Whoever is booked keeps a booking only while they can still take it."""

from flask_babel import lazy_gettext as _l

from ...core.rules import RuleError
from ...core.time import utcnow
from ...extensions import db
from .. import signals
from ..matching.engine import place_key, problems_for
from ..matching.settings import current_policy
from ..models import Booking, FlagReason, InterpretingRequest
from .booking import book_ranked, lock_person, new_offer, require_dispatcher
from .requests import RequestDetails, check_details


def _refuse_after_the_work(request: InterpretingRequest, now) -> None:
    """Once the booked work is done, its completion sheet tells what happened; the booking
    itself no longer changes."""
    if request.work_is_over(now):
        raise RuleError(_l("This booking has ended: its completion sheet says what "
                           "happened."))


def reschedule(acting, request: InterpretingRequest, starts_at, ends_at, address=None,
               postcode=None, municipality=None, now=None) -> None:
    """A dispatcher moves a request; a booked person keeps it if they still can, is asked
    again when the new time is only outside their availability, and is released
    otherwise."""
    now = now or utcnow()
    require_dispatcher(acting, request)
    if not request.is_open or request.is_translation:
        raise RuleError(_l("Only an open interpreting request can be moved."))
    _refuse_after_the_work(request, now)
    on_site = request.modality.value == "on_site"
    # The same checks as a new request.
    check_details(RequestDetails(
        language_code=request.language_code, working_language=request.working_language,
        modality=request.modality, domain=request.domain, starts_at=starts_at, ends_at=ends_at,
        address=address if on_site else None, postcode=postcode if on_site else None,
        municipality=municipality if on_site else None, phone_number=request.phone_number,
        video_link=request.video_link), now)
    move(acting, request, starts_at, ends_at, address, postcode, municipality, now)


def move(actor, request: InterpretingRequest, starts_at, ends_at, address, postcode,
         municipality, now) -> None:
    """Move an open interpreting request whose new time and place were checked (by a
    dispatcher's move or a requester's change), and tell whoever it concerns."""
    on_site = request.modality.value == "on_site"
    request.reschedule(actor, starts_at, ends_at,
                       (address.strip(), postcode, municipality.strip()) if on_site else None)
    booking = request.live_booking
    if booking is None:
        db.session.flush()
        signals.request_moved.send(request)
        return
    lock_person(booking.person_id)
    problems = problems_for(request, booking.person_id)
    if not problems:
        booking.move(starts_at, ends_at, place_key(request) if on_site else None)
        db.session.flush()
        signals.booking_moved.send(booking)
        return
    # The person cannot keep the new time: their booking ends where their calendar has
    # it, at the old time (a cancellation at the new time would look like another one).
    if all(p.code == "unavailable" for p in problems):
        request.ask_again(actor, booking, now)
        offer = new_offer(actor, request, booking.person_id, booking.tier, request.wave, now,
                          current_policy())
        db.session.flush()
        signals.booking_released.send(booking)
        signals.offer_sent.send(offer)
    else:
        request.release(actor, booking, now, "released", FlagReason.RELEASED)
        db.session.flush()
        signals.booking_released.send(booking)


def reassign(acting, request: InterpretingRequest, person_id: int, now=None) -> Booking:
    """Give a booked request to someone else: the first booking ends (not late)."""
    now = now or utcnow()
    require_dispatcher(acting, request)
    current = request.live_booking
    if current is None:
        raise RuleError(_l("This request has no booking to reassign."))
    _refuse_after_the_work(request, now)
    if current.person_id == person_id:
        raise RuleError(_l("This person is already booked for it."))
    request.release(acting, current, now, "unassigned")
    db.session.flush()
    booking = book_ranked(acting, request, person_id, now)
    signals.booking_reassigned.send(booking, previous=current)
    return booking
