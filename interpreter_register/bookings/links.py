"""Signed links in mails, for people who answer without logging in."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..core.urls import external_url


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
