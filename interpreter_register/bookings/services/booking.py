"""Booking a person: directly, or by offers (at once or in waves by tier); accepting,
declining, expiring; rescheduling and reassigning. A person is never booked twice."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...core.rules import RuleError
from ...core.time import utcnow
from ...extensions import db
from ...matching.engine import match, place_key, problems_for
from ...matching.explain import exclusion_text
from ...matching.settings import current_policy
from ...register.models import Person, QualificationKind, Tier
from .. import notify
from ..models import (
    Booking,
    FlagReason,
    InterpretingRequest,
    Offer,
    OfferStatus,
    RequestStatus,
)
from .requests import record


def _require_dispatcher(acting, request: InterpretingRequest) -> None:
    if not request.can_be_handled_by(acting):
        raise PermissionError("only the service's dispatchers handle this request")


def _lock_person(person_id: int) -> None:
    """Serialise everything that books this person (PostgreSQL: a row lock; SQLite holds
    the write lock already, see ``serialised_writes``)."""
    db.session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


def _already_booked(request: InterpretingRequest) -> RuleError:
    return RuleError(_l("This request is already booked."))


def _create_booking(acting, request: InterpretingRequest, person_id: int, tier: Tier,
                    now) -> Booking:
    """Insert the booking; the database refuses an overlap that slipped past the check."""
    certified = tier == Tier.CERTIFIED
    # By id, not by relationship: the booking must reach the session inside the savepoint.
    booking = Booking(
        request_id=request.id, person_id=person_id, starts_at=request.starts_at,
        ends_at=request.ends_at, deadline_on=request.deadline_on,
        on_site=request.modality.value == "on_site",
        place=place_key(request) if request.modality.value == "on_site" else None,
        tier=int(tier), confirmed_at=now, confirmed_by_id=getattr(acting, "id", None),
        revision_needed=request.kind == QualificationKind.TRANSLATION and not certified)
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError as error:
        raise RuleError(_l("This person is already booked at that time.")) from error
    db.session.expire(request, ["bookings"])
    request.move_to(RequestStatus.BOOKED)
    request.booked_at, request.flag = now, None
    for offer in request.offers:
        if offer.status == OfferStatus.OPEN and offer.person_id != person_id:
            offer.close(OfferStatus.WITHDRAWN, now)
    return booking


def book(acting, request: InterpretingRequest, person_id: int, now=None) -> Booking:
    """A dispatcher books one person directly: only someone the matching ranks."""
    now = now or utcnow()
    _require_dispatcher(acting, request)
    _lock_person(person_id)
    db.session.refresh(request)
    if request.status == RequestStatus.BOOKED:
        raise _already_booked(request)
    if not request.is_open:
        raise RuleError(_l("This request is no longer open."))
    result = match(request)
    ranked = {r.candidate.person_id: r for r in result.ranked}
    if person_id not in ranked:
        reasons = next((r for c, r in result.excluded if c.person_id == person_id),
                       None) or problems_for(request, person_id)
        raise RuleError(_l("This person cannot take the request: %(why)s",
                           why="; ".join(exclusion_text(r) for r in reasons) or "—"))
    booking = _create_booking(acting, request, person_id, ranked[person_id].candidate.tier, now)
    for offer in request.offers:
        if offer.status == OfferStatus.OPEN and offer.person_id == person_id:
            offer.close(OfferStatus.ACCEPTED, now)
    db.session.flush()
    record(request, acting, "booked", person=booking.person.full_name, tier=booking.tier)
    notify.booked(booking)
    return booking


def _offer(acting, request, candidate, wave: int, now, policy) -> Offer:
    expires = now + timedelta(hours=policy.offer_hours)
    if request.starts_at is not None:
        expires = min(expires, request.starts_at)
    offer = Offer(request=request, person_id=candidate.person_id, wave=wave,
                  tier=int(candidate.tier), sent_at=now, expires_at=expires,
                  sent_by_id=getattr(acting, "id", None))
    db.session.add(offer)
    return offer


def send_offers(acting, request: InterpretingRequest, person_ids=None, waves: bool = False,
                now=None) -> list[Offer]:
    """Offer the request to chosen people, to the top K, or (waves) to the top K of the best
    tier first, the next tier later if nobody accepts."""
    now = now or utcnow()
    _require_dispatcher(acting, request)
    if request.status not in (RequestStatus.SUBMITTED, RequestStatus.OFFERED):
        raise RuleError(_l("Offers are sent only for a request that is not booked yet."))
    policy = current_policy()
    result = match(request, policy)
    already = {o.person_id for o in request.offers if o.status == OfferStatus.OPEN}
    ranked = [r for r in result.ranked if r.candidate.person_id not in already]
    if person_ids:
        wanted = set(person_ids)
        chosen = [r for r in ranked if r.candidate.person_id in wanted]
        if len(chosen) != len(wanted - already):
            raise RuleError(_l("Some of the people chosen cannot take this request any more; "
                               "look at the list again."))
    elif waves:
        best = min((r.candidate.tier for r in ranked), default=None)
        chosen = [r for r in ranked if r.candidate.tier == best][:policy.top_k]
    else:
        chosen = ranked[:policy.top_k]
    if not chosen:
        raise RuleError(_l("Nobody can be offered this request."))
    request.uses_waves = waves and not person_ids
    request.wave += 1
    offers = [_offer(acting, request, r.candidate, request.wave, now, policy) for r in chosen]
    if request.status == RequestStatus.SUBMITTED:
        request.move_to(RequestStatus.OFFERED)
    request.flag = None
    db.session.flush()
    record(request, acting, "offered", wave=request.wave, people=len(offers))
    for offer in offers:
        notify.offer_sent(offer)
    return offers


def next_wave(request: InterpretingRequest, now=None, acting=None) -> list[Offer]:
    """Send the next wave (the next tier) when the last one went unanswered long enough, or
    at once when a dispatcher asks; flag the request when there is no tier left."""
    now = now or utcnow()
    policy = current_policy()
    if not (request.uses_waves and request.status == RequestStatus.OFFERED):
        return []
    if acting is not None:
        _require_dispatcher(acting, request)
    last = max((o.sent_at for o in request.offers), default=None)
    if acting is None and last is not None and now < last + timedelta(
            minutes=policy.wave_minutes):
        return []
    offered = frozenset(o.person_id for o in request.offers)
    ranked = match(request, policy, leave_out=offered).ranked
    best = min((r.candidate.tier for r in ranked), default=None)
    if best is None:
        request.flag = FlagReason.WAVES_EXHAUSTED
        record(request, None, "waves_exhausted")
        return []
    request.wave += 1
    offers = [_offer(acting, request, r.candidate, request.wave, now, policy)
              for r in [r for r in ranked if r.candidate.tier == best][:policy.top_k]]
    db.session.flush()
    record(request, acting, "offered", wave=request.wave, people=len(offers))
    for offer in offers:
        notify.offer_sent(offer)
    return offers


def _settle_if_unanswered(request: InterpretingRequest, actor) -> None:
    """When no offer is open any more and nobody accepted, the request goes back to the
    dispatchers, flagged: it is never silently dropped."""
    if request.status != RequestStatus.OFFERED:
        return
    if any(o.status == OfferStatus.OPEN for o in request.offers):
        return
    request.move_to(RequestStatus.SUBMITTED)
    request.flag = FlagReason.NO_ONE_ACCEPTED
    record(request, actor, "no_one_accepted")


class OfferAnswer(RuleError):
    """An offer that can no longer be answered; the message says why, kindly."""


def _check_answerable(offer: Offer, now) -> None:
    if offer.status == OfferStatus.WITHDRAWN or (
            offer.status == OfferStatus.OPEN and offer.request.status != RequestStatus.OFFERED):
        raise OfferAnswer(_l("Thank you, but this request has been given to someone else "
                             "or no longer needs an interpreter."))
    if offer.status == OfferStatus.EXPIRED or (offer.status == OfferStatus.OPEN
                                               and now >= offer.expires_at):
        raise OfferAnswer(_l("This offer has expired."))
    if offer.status != OfferStatus.OPEN:
        raise OfferAnswer(_l("You have already answered this offer."))


def accept_offer(acting, offer: Offer, now=None) -> Booking:
    """The first to accept gets the booking; the other offers are withdrawn."""
    now = now or utcnow()
    _lock_person(offer.person_id)
    db.session.refresh(offer)
    db.session.refresh(offer.request)
    _check_answerable(offer, now)
    request = offer.request
    problems = problems_for(request, offer.person_id)
    if problems:
        raise OfferAnswer(_l("You cannot take this request now: %(why)s",
                             why="; ".join(exclusion_text(p) for p in problems)))
    tier = Tier(offer.tier)
    booking = _create_booking(acting, request, offer.person_id, tier, now)
    offer.close(OfferStatus.ACCEPTED, now)
    db.session.flush()
    record(request, acting, "accepted", person=booking.person.full_name, tier=booking.tier)
    notify.booked(booking)
    return booking


def decline_offer(acting, offer: Offer, reason: str | None = None, now=None) -> None:
    now = now or utcnow()
    _check_answerable(offer, now)
    offer.close(OfferStatus.DECLINED, now)
    offer.decline_reason = (reason or "").strip()[:300] or None
    record(offer.request, acting, "declined", person=offer.person.full_name)
    if not offer.request.uses_waves:
        _settle_if_unanswered(offer.request, acting)
    db.session.flush()


def expire_offers(now=None) -> int:
    """Close the offers past their time; requests left without any go back, flagged."""
    now = now or utcnow()
    stale = db.session.scalars(select(Offer).where(Offer.status == OfferStatus.OPEN,
                                                   Offer.expires_at <= now)).all()
    for offer in stale:
        offer.close(OfferStatus.EXPIRED, now)
    for request in {offer.request for offer in stale}:
        if not request.uses_waves:
            _settle_if_unanswered(request, None)
    db.session.flush()
    return len(stale)


def reschedule(acting, request: InterpretingRequest, starts_at, ends_at, address=None,
               postcode=None, municipality=None, now=None) -> None:
    """Move a request; a booked person keeps it if they still can, is asked again when the
    new time is only outside their availability, and is released otherwise."""
    from .requests import RequestDetails, _check  # the same checks as a new request

    now = now or utcnow()
    _require_dispatcher(acting, request)
    if not request.is_open or request.is_translation:
        raise RuleError(_l("Only an open interpreting request can be moved."))
    on_site = request.modality.value == "on_site"
    _check(RequestDetails(
        language_code=request.language_code, working_language=request.working_language,
        modality=request.modality, domain=request.domain, starts_at=starts_at, ends_at=ends_at,
        address=address if on_site else None, postcode=postcode if on_site else None,
        municipality=municipality if on_site else None, phone_number=request.phone_number,
        video_link=request.video_link), now)
    request.starts_at, request.ends_at, request.due_at = starts_at, ends_at, starts_at
    if on_site:
        request.address, request.postcode = address.strip(), postcode
        request.municipality = municipality.strip()
    record(request, acting, "rescheduled")
    booking = request.live_booking
    if booking is None:
        db.session.flush()
        return
    _lock_person(booking.person_id)
    problems = problems_for(request, booking.person_id)
    booking.starts_at, booking.ends_at = starts_at, ends_at
    booking.place = place_key(request) if on_site else None
    booking.sequence += 1
    if not problems:
        db.session.flush()
        notify.rescheduled(booking)
        return
    booking.cancel(late=False)
    if all(p.code == "unavailable" for p in problems):
        request.move_to(RequestStatus.OFFERED)
        request.flag = FlagReason.ASK_AGAIN
        policy = current_policy()
        offer = Offer(request=request, person_id=booking.person_id, wave=request.wave,
                      tier=booking.tier, sent_at=now, sent_by_id=acting.id,
                      expires_at=min(now + timedelta(hours=policy.offer_hours), starts_at))
        db.session.add(offer)
        db.session.flush()
        record(request, acting, "asked_again", person=booking.person.full_name)
        notify.offer_sent(offer)
    else:
        request.move_to(RequestStatus.SUBMITTED)
        request.flag = FlagReason.NO_ONE_ACCEPTED
        db.session.flush()
        record(request, acting, "released", person=booking.person.full_name)
        notify.released(booking)


def reassign(acting, request: InterpretingRequest, person_id: int, now=None) -> Booking:
    """Give a booked request to someone else: the first booking ends (not late)."""
    now = now or utcnow()
    _require_dispatcher(acting, request)
    current = request.live_booking
    if current is None:
        raise RuleError(_l("This request has no booking to reassign."))
    if current.person_id == person_id:
        raise RuleError(_l("This person is already booked for it."))
    current.cancel(late=False)
    request.move_to(RequestStatus.SUBMITTED)
    record(request, acting, "unassigned", person=current.person.full_name)
    db.session.flush()
    notify.released(current)
    return book(acting, request, person_id, now)



def mark_delivered(acting, booking: Booking, day) -> None:
    """The translator says the translation is delivered; one needing a revision then waits
    for a revisor on the register staff's list."""
    if acting.role != "interpreter" or acting.person_id != booking.person_id:
        raise PermissionError("only the translator marks their translation delivered")
    if booking.deadline_on is None or not booking.is_live:
        raise RuleError(_l("Only a booked translation can be delivered."))
    if booking.delivered_on is not None:
        raise RuleError(_l("This translation is already marked as delivered."))
    booking.delivered_on = day
    record(booking.request, acting, "delivered")
    db.session.flush()


def awaiting_revision(person_id: int | None = None):
    """Delivered translations by someone not certified for the pair, not yet revised."""
    from ...register.models import Revision
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
