"""A series for one interpreter: a dispatcher books or offers every date a person can take;
the dates they cannot take stay in the queue, flagged; a person accepts a whole series
or some of its dates.

Every date goes through the ordinary services (``booking.book_ranked``, ``send_offers``,
``accept_offer``, ``decline_offer``), each inside a savepoint so that a date the rules
refuse leaves the others as they are; the mails about them go out as one per party
(``signals.series_change``).
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import utcnow
from ...extensions import db
from ...register.models import Person
from .. import signals
from ..models import InterpretingRequest, Offer, OfferStatus, RequestSeries
from .booking import OfferAnswer, accept_offer, book_ranked, decline_offer, send_offers
from .series import awaiting


def _dates_for(acting, series: RequestSeries, now: datetime) -> list[InterpretingRequest]:
    require(series.can_be_handled_by(acting), "only the series' dispatchers")
    found = [r for r in awaiting(series, now) if r.can_be_handled_by(acting)]
    if not found:
        raise RuleError(_l("No date of this series waits for a booking."))
    return found


def _person(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        raise RuleError(_l("There is no such person in the register."))
    return person


def _each(requests, act) -> tuple[list, list]:
    """Run ``act`` for each date in a savepoint: (what it gave, the dates it refused)."""
    done, left = [], []
    for request in requests:
        try:
            with db.session.begin_nested():
                done.append(act(request))
        except RuleError:
            left.append(request)
    return done, left


def _leave_flagged(acting, left, person: Person, now) -> None:
    for request in left:
        db.session.refresh(request)
        if request.is_awaiting_booking:
            request.left_by_series(acting, person.full_name, now)
    db.session.flush()


def book_series(acting, series: RequestSeries, person_id: int,
                now: datetime | None = None) -> tuple[list, list]:
    """Book one person for every date of the series they can take; the others stay in
    the queue, flagged. Returns (the bookings, the dates left)."""
    now = now or utcnow()
    requests = _dates_for(acting, series, now)
    person = _person(person_id)
    with signals.series_change(series, "booked", acting):
        booked, left = _each(requests, lambda r: book_ranked(acting, r, person_id, now))
        if not booked:
            raise RuleError(_l("%(name)s cannot take any date of this series.",
                               name=person.full_name))
        for made in booked:
            signals.booking_confirmed.send(made)
        _leave_flagged(acting, left, person, now)
    return booked, left


def offer_series(acting, series: RequestSeries, person_id: int,
                 now: datetime | None = None) -> tuple[list, list]:
    """Offer one person every date of the series they can take, to accept all or some;
    the others stay in the queue, flagged. Returns (the offers, the dates left)."""
    now = now or utcnow()
    requests = _dates_for(acting, series, now)
    person = _person(person_id)

    def offer(request):
        # A date already offered to them stays offered as it is.
        already = next((o for o in request.open_offers if o.person_id == person_id), None)
        return already or send_offers(acting, request, person_ids=[person_id], now=now)[0]
    with signals.series_change(series, "offered", acting):
        offered, left = _each(requests, offer)
        if not offered:
            raise RuleError(_l("%(name)s cannot take any date of this series.",
                               name=person.full_name))
        _leave_flagged(acting, left, person, now)
    return offered, left


def open_series_offers(person_id: int, series: RequestSeries, now: datetime) -> list[Offer]:
    """The person's offers of the series still waiting for an answer, in date order."""
    return db.session.scalars(
        select(Offer).join(InterpretingRequest, Offer.request_id == InterpretingRequest.id)
        .where(Offer.person_id == person_id, Offer.status == OfferStatus.OPEN,
               Offer.expires_at > now, InterpretingRequest.series_id == series.id)
        .order_by(InterpretingRequest.due_at)).all()


def answer_series(acting, person_id: int, series: RequestSeries, accept: set[int],
                  reason: str | None = None, now: datetime | None = None):
    """The person accepts the offers of ``accept`` (their ids) and declines the others of
    the series. ``acting`` is their account, or None for the signed link in the mail.
    Returns (the bookings made, the offers that could no longer be taken with why)."""
    now = now or utcnow()
    if acting is not None:
        require(acting.is_person(person_id), "only the person offered answers")
    offers = open_series_offers(person_id, series, now)
    if not offers:
        raise OfferAnswer(_l("No offer of this series waits for your answer."))
    booked, missed = [], []
    with signals.series_change(series, "answered", acting):
        for offer in offers:
            if offer.id not in accept:
                decline_offer(acting, offer, reason, now)
                continue
            try:
                with db.session.begin_nested():
                    booked.append(accept_offer(acting, offer, now))
            except RuleError as error:
                missed.append((offer, error.message))
    return booked, missed
