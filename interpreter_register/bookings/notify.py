"""Mails about requests, offers and bookings, each in its recipient's language.

Subjects and bodies say what, when and where in general terms (language pair, day,
municipality); never the case reference or the notes, which only logged-in people see.
"""

from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from itsdangerous import URLSafeTimedSerializer

from ..core.i18n import locale_for
from ..core.outbox import queue_mail
from ..core.urls import external_url

SUBJECTS = {
    "offer": _l("Offer: %(what)s on %(day)s"),
    "booked": _l("Booked: %(what)s on %(day)s"),
    "cancelled": _l("Cancelled: %(what)s on %(day)s"),
    "rescheduled": _l("Changed: %(what)s on %(day)s"),
}


def recipient_of(person) -> tuple[str | None, str | None]:
    """Where and in which language to write to a person of the register."""
    account = person.account
    if account is not None and account.active:
        return account.email, account.locale
    return person.email, None


def _send(address: str | None, language: str | None, kind: str, request, **context) -> None:
    """Render one mail in the recipient's language (else the request's working language)."""
    if not address:
        return
    ui = language or request.working_language
    with force_locale(locale_for(ui)):
        what = f"{request.kind.label} {request.language.name(ui)}"
        subject = str(SUBJECTS[kind]) % {"what": what, "day": format_date(request.day)}
        body = render_template(f"emails/{kind}.txt", request=request, ui=ui, **context)
        queue_mail(address, subject, body, kind=kind)


def offer_link(offer) -> str:
    """A signed link to answer an offer without logging in, valid until it expires."""
    token = offer_serializer().dumps({"offer": offer.id})
    return external_url("portal.answer_offer", token=token)


def offer_serializer() -> URLSafeTimedSerializer:
    from flask import current_app
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="offer-answer")


def offer_sent(offer) -> None:
    address, language = recipient_of(offer.person)
    _send(address, language, "offer", offer.request, offer=offer, link=offer_link(offer))


def booked(booking) -> None:
    request = booking.request
    address, language = recipient_of(booking.person)
    _send(address, language, "booked", request, booking=booking, for_person=True)
    requester = request.requester
    if requester.active:
        _send(requester.email, requester.locale, "booked", request, booking=booking,
              for_person=False)


def cancelled(request, booking, by_requester: bool) -> None:
    if booking is not None:
        address, language = recipient_of(booking.person)
        _send(address, language, "cancelled", request, booking=booking, for_person=True)
    requester = request.requester
    if not by_requester and requester.active:
        _send(requester.email, requester.locale, "cancelled", request, booking=booking,
              for_person=False)


def rescheduled(booking) -> None:
    request = booking.request
    address, language = recipient_of(booking.person)
    _send(address, language, "rescheduled", request, booking=booking, for_person=True)
    requester = request.requester
    if requester.active:
        _send(requester.email, requester.locale, "rescheduled", request, booking=booking,
              for_person=False)


def released(booking) -> None:
    """The person no longer has this booking (reassigned, or moved to a time they cannot)."""
    address, language = recipient_of(booking.person)
    _send(address, language, "cancelled", booking.request, booking=booking, for_person=True)
