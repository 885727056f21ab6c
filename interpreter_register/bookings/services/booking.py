"""Booking a person: directly, or by offers (at once or in waves by tier); accepting,
declining, expiring. A person is never booked twice."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import utcnow
from ...extensions import db
from ...register.models import Person, Qualification, QualificationKind, Tier
from .. import signals
from ..matching.engine import match, place_key, problems_for
from ..matching.explain import exclusion_text
from ..matching.settings import current_policy
from ..models import Booking, InterpretingRequest, Offer, OfferStatus, RequestStatus


def require_dispatcher(acting, request: InterpretingRequest) -> None:
    require(request.can_be_handled_by(acting), "only the service's dispatchers handle this")


def lock_person(person_id: int) -> None:
    """Serialise everything that books this person. PostgreSQL: a row lock. SQLite: every
    request that changes data already holds the database's write lock from its first
    statement (``core.database.writes_first``)."""
    db.session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


def _create_booking(acting, request: InterpretingRequest, person_id: int, tier: Tier,
                    qualification_id: int | None, now, action: str) -> Booking:
    """Insert the booking; the database refuses an overlap that slipped past the check."""
    certified = tier == Tier.CERTIFIED
    on_site = request.modality.value == "on_site"
    # By id, not by relationship: the booking must reach the session inside the savepoint.
    booking = Booking(
        request_id=request.id, person_id=person_id, starts_at=request.starts_at,
        ends_at=request.ends_at, deadline_on=request.deadline_on, on_site=on_site,
        place=place_key(request) if on_site else None, tier=int(tier),
        qualification_id=qualification_id, confirmed_at=now,
        confirmed_by_id=getattr(acting, "id", None),
        revision_needed=request.kind == QualificationKind.TRANSLATION and not certified)
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError as error:
        raise RuleError(_l("This person is already booked at that time.")) from error
    db.session.expire(request, ["bookings"])
    request.book(acting, booking, now, action)
    db.session.flush()
    return booking


def book(acting, request: InterpretingRequest, person_id: int, now=None) -> Booking:
    """A dispatcher books one person directly: only someone the matching ranks."""
    booking = book_ranked(acting, request, person_id, now or utcnow())
    signals.booking_confirmed.send(booking)
    return booking


def book_ranked(acting, request: InterpretingRequest, person_id: int, now) -> Booking:
    """Book a person the matching ranks for the request (the signal is the caller's)."""
    require_dispatcher(acting, request)
    lock_person(person_id)
    db.session.refresh(request)
    if request.is_booked:
        raise RuleError(_l("This request is already booked."))
    if not request.is_open:
        raise RuleError(_l("This request is no longer open."))
    result = match(request)
    ranked = {r.candidate.person_id: r for r in result.ranked}
    if person_id not in ranked:
        reasons = next((r for c, r in result.excluded if c.person_id == person_id),
                       None) or problems_for(request, person_id)
        raise RuleError(_l("This person cannot take the request: %(why)s",
                           why="; ".join(exclusion_text(r) for r in reasons) or "—"))
    candidate = ranked[person_id].candidate
    return _create_booking(acting, request, person_id, candidate.tier,
                           candidate.qualification_id, now, "booked")


def new_offer(acting, request: InterpretingRequest, person_id: int, tier, wave: int, now,
              policy) -> Offer:
    """An offer to one person, open for the policy's hours (never past the start)."""
    expires = now + timedelta(hours=policy.offer_hours)
    if request.starts_at is not None:
        expires = min(expires, request.starts_at)
    offer = Offer(request=request, person_id=person_id, wave=wave, tier=int(tier), sent_at=now,
                  expires_at=expires, sent_by_id=getattr(acting, "id", None))
    db.session.add(offer)
    return offer


def _send(acting, request, chosen, now, policy, in_waves=None) -> list[Offer]:
    wave = request.open_wave(acting, len(chosen), in_waves)
    offers = [new_offer(acting, request, r.candidate.person_id, r.candidate.tier, wave, now,
                        policy) for r in chosen]
    db.session.flush()
    for offer in offers:
        signals.offer_sent.send(offer)
    return offers


def send_offers(acting, request: InterpretingRequest, person_ids=None, waves: bool = False,
                now=None) -> list[Offer]:
    """Offer the request to chosen people, to the top K, or (waves) to the top K of the best
    tier first, the next tier later if nobody accepts."""
    now = now or utcnow()
    require_dispatcher(acting, request)
    if not request.is_awaiting_booking:
        raise RuleError(_l("Offers are sent only for a request that is not booked yet."))
    policy = current_policy()
    result = match(request, policy)
    already = {o.person_id for o in request.open_offers}
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
    return _send(acting, request, chosen, now, policy, in_waves=waves and not person_ids)


def next_wave(request: InterpretingRequest, now=None, acting=None) -> list[Offer]:
    """Send the next wave (the next tier) when the last one went unanswered long enough, or
    at once when a dispatcher asks; flag the request when there is no tier left."""
    now = now or utcnow()
    policy = current_policy()
    if not request.sends_waves:
        return []
    if acting is not None:
        require_dispatcher(acting, request)
    last = max((o.sent_at for o in request.offers), default=None)
    if acting is None and last is not None and now < last + timedelta(
            minutes=policy.wave_minutes):
        return []
    offered = frozenset(o.person_id for o in request.offers)
    ranked = match(request, policy, leave_out=offered).ranked
    best = min((r.candidate.tier for r in ranked), default=None)
    if best is None:
        # Nobody left to ask: once the last offers are answered or expired, the
        # dispatchers must act (not while offers of earlier waves are still open).
        if not request.open_offers:
            request.waves_exhausted(now)
        return []
    return _send(acting, request, [r for r in ranked if r.candidate.tier == best][:policy.top_k],
                 now, policy)


class OfferAnswer(RuleError):
    """An offer that can no longer be answered; the message says why, kindly."""


NO_LONGER_AVAILABLE = _l("Thank you, but this offer is no longer available: the request "
                         "has been given to someone else or no longer needs an interpreter.")


def _check_answerable(offer: Offer, now) -> None:
    if offer.status == OfferStatus.WITHDRAWN or (
            offer.is_open and offer.request.status != RequestStatus.OFFERED):
        raise OfferAnswer(NO_LONGER_AVAILABLE)
    if offer.status == OfferStatus.EXPIRED or (offer.is_open and now >= offer.expires_at):
        raise OfferAnswer(_l("This offer has expired."))
    if not offer.is_open:
        raise OfferAnswer(_l("You have already answered this offer."))


def accept_offer(acting, offer: Offer, now=None) -> Booking:
    """The first to accept gets the booking; the other offers are withdrawn.

    ``acting`` is the person's account, or None for the signed link in the offer mail
    (the link stands for the person it was sent to)."""
    now = now or utcnow()
    if acting is not None:
        require(offer.can_be_answered_by(acting), "only the person offered answers")
    lock_person(offer.person_id)
    db.session.refresh(offer)
    db.session.refresh(offer.request)
    _check_answerable(offer, now)
    request = offer.request
    problems = problems_for(request, offer.person_id)
    # What is between the organisation or the register and the service is never told to
    # the person: a bar, a suspension or a deactivation reads as "no longer available".
    if any(p.code in PRIVATE_EXCLUSIONS for p in problems):
        raise OfferAnswer(NO_LONGER_AVAILABLE)
    if problems:
        raise OfferAnswer(_l("You cannot take this request now: %(why)s",
                             why="; ".join(exclusion_text(p) for p in problems)))
    booking = _create_booking(acting, request, offer.person_id, Tier(offer.tier),
                              _qualification_of(request, offer.person_id), now, "accepted")
    signals.booking_confirmed.send(booking)
    return booking


# Exclusions the person is not told about (the service sees them in the matching panel).
PRIVATE_EXCLUSIONS = frozenset({"barred", "inactive", "certificate_suspended",
                                "certificate_revoked"})


def _qualification_of(request: InterpretingRequest, person_id: int) -> int | None:
    """The person's qualification for the request's pair (which made them eligible)."""
    return db.session.scalar(select(Qualification.id).where(
        Qualification.person_id == person_id,
        Qualification.language_code == request.language_code,
        Qualification.working_language == request.working_language,
        Qualification.kind == request.kind, Qualification.direction == request.direction))


def decline_offer(acting, offer: Offer, reason: str | None = None, now=None) -> None:
    now = now or utcnow()
    if acting is not None:
        require(offer.can_be_answered_by(acting), "only the person offered answers")
    _check_answerable(offer, now)
    offer.decline(reason, now)
    offer.request.record(acting, "declined", person=offer.person.full_name)
    if not offer.request.uses_waves:
        offer.request.offers_unanswered(acting, now)
    db.session.flush()


def expire_offers(now=None) -> int:
    """Close the offers past their time; requests left without any go back, flagged."""
    now = now or utcnow()
    stale = db.session.scalars(select(Offer).where(Offer.status == OfferStatus.OPEN,
                                                   Offer.expires_at <= now)).all()
    for offer in stale:
        offer.expire(now)
    for request in {offer.request for offer in stale}:
        if not request.uses_waves:
            request.offers_unanswered(None, now)
    db.session.flush()
    return len(stale)


def withdraw_offers(offers, now=None) -> int:
    """Take back open offers a person may no longer take (a bar, a suspension, a
    deactivation); each person learns only that the offer is no longer available.
    Requests left without an open offer go back to their dispatchers, flagged."""
    now = now or utcnow()
    withdrawn = [offer for offer in offers if offer.is_open]
    for offer in withdrawn:
        offer.withdraw(now)
        offer.request.record(None, "offer_withdrawn", person=offer.person.full_name)
    for request in {offer.request for offer in withdrawn}:
        request.offers_unanswered(None, now)
    db.session.flush()
    for offer in withdrawn:
        signals.offer_withdrawn.send(offer)
    return len(withdrawn)


def open_offers_of(person_id: int, organisation_id: int | None = None, pair=None) -> list[Offer]:
    """A person's open offers, for one organisation's requests or one language pair (a
    qualification) only when given."""
    statement = (select(Offer).join(InterpretingRequest, Offer.request_id == InterpretingRequest.id)
                 .where(Offer.person_id == person_id, Offer.status == OfferStatus.OPEN))
    if organisation_id is not None:
        statement = statement.where(InterpretingRequest.organisation_id == organisation_id)
    if pair is not None:
        statement = statement.where(
            InterpretingRequest.language_code == pair.language_code,
            InterpretingRequest.working_language == pair.working_language,
            InterpretingRequest.direction == pair.direction,
            InterpretingRequest.modality.in_(pair.kind.modalities))
    return db.session.scalars(statement).all()
