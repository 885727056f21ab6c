"""Signed links in mails, for people who answer or work without logging in.

An offer's link opens the offer until it is answered or expires. A booking's link opens
the booking with everything the person needs (address, number to call, notes) and lets
them withdraw; it names the booking's calendar UID too, so it is void once the booking
ended early (cancelled, given to someone else, withdrawn). Both are signed with the
application's secret; neither grants anything else.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from ..core.urls import external_url
from ..extensions import db
from .models import Booking


def _offer_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="offer-answer")


def offer_link(offer) -> str:
    """A signed link to answer an offer without logging in (the page says when it expired)."""
    return external_url("portal.answer_offer", token=_offer_serializer().dumps({"offer": offer.id}))


def offer_id_from(token: str) -> int | None:
    """The offer a link was signed for, or None for a link that was not signed by us."""
    try:
        data = _offer_serializer().loads(token)
    except BadSignature:
        return None
    offer_id = data.get("offer") if isinstance(data, dict) else None
    return offer_id if isinstance(offer_id, int) else None


def _series_offer_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="series-offer-answer")


def series_offer_link(person_id: int, series_id: int) -> str:
    """A signed link to answer a person's offers of a series at once, without logging in
    (the page shows those still open)."""
    return external_url("portal.answer_series_offer", token=_series_offer_serializer().dumps(
        {"person": person_id, "series": series_id}))


def series_offer_claim_from(token: str) -> tuple[int, int] | None:
    """(person id, series id) a link was signed for, or None if not signed by us."""
    try:
        data = _series_offer_serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(
            isinstance(data.get(key), int) for key in ("person", "series")):
        return None
    return data["person"], data["series"]


def _booking_serializer() -> URLSafeSerializer:
    # Not timed: the same booking always gets the same link, so that the calendar event
    # that carries it does not change with every feed; the booking's state decides.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="booking-access")


def booking_token(booking) -> str:
    return _booking_serializer().dumps({"booking": booking.id, "uid": booking.uid})


def booking_link(booking) -> str:
    """A signed link to a booking's own page, for a person without an account."""
    return external_url("portal.booking_by_link", token=booking_token(booking))


def booking_of_token(token: str) -> Booking | None:
    """The booking a link was signed for, while it is still that booking (its calendar UID
    matches), or None: a link not signed by us, or for a booking that no longer exists."""
    claim = booking_claim_from(token)
    found = db.session.get(Booking, claim[0]) if claim else None
    return found if found is not None and found.uid == claim[1] else None


def booking_claim_from(token: str) -> tuple[int, str] | None:
    """(booking id, calendar UID) a link was signed for, or None if not signed by us."""
    try:
        data = _booking_serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("booking"), int):
        return None
    return data["booking"], str(data.get("uid"))
