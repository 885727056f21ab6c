"""Mails about requests, offers and bookings, each in its recipient's language.

Subjects and bodies say what, when and where in general terms (language pair, day,
municipality); never the case reference or the notes, which only logged-in people see.
Booking mails carry the booking as an iTIP invitation or cancellation (RFC 6047), so
that it lands in, moves in, or leaves the recipient's calendar.
"""

from flask import current_app, render_template
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
# Which of a user's mail preferences a kind of mail obeys.
PREFERENCE = {"offer": "mail_offers", "booked": "mail_bookings", "cancelled": "mail_bookings",
              "rescheduled": "mail_bookings"}


def _wants(user, kind: str) -> bool:
    return user is None or bool(getattr(user, PREFERENCE[kind], True))


def recipient_of(person) -> tuple[str | None, str | None, object]:
    """Where and in which language to write to a person of the register, and their account."""
    account = person.account
    if account is not None and account.active:
        return account.email, account.locale, account
    return person.email, None, None


def _send(address, language, kind, request, account=None, booking=None, audience=None,
          method=None, **context) -> None:
    """Render one mail in the recipient's language (else the request's working language)."""
    if not address or not _wants(account, kind):
        return
    from ..calendar.events import booking_ics

    ui = language or request.working_language
    with force_locale(locale_for(ui)):
        what = f"{request.kind.label} {request.language.name(ui)}"
        subject = str(SUBJECTS[kind]) % {"what": what, "day": format_date(request.day)}
        body = render_template(f"emails/{kind}.txt", request=request, ui=ui, booking=booking,
                               **context)
        calendar = ((method, booking_ics(booking, audience, ui, method=method))
                    if method else None)
        queue_mail(address, subject, body, kind=kind, calendar=calendar)


def offer_link(offer) -> str:
    """A signed link to answer an offer without logging in, valid until it expires."""
    token = offer_serializer().dumps({"offer": offer.id})
    return external_url("portal.answer_offer", token=token)


def offer_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="offer-answer")


def offer_sent(offer) -> None:
    address, language, account = recipient_of(offer.person)
    _send(address, language, "offer", offer.request, account, offer=offer,
          link=offer_link(offer))


def _to_both(kind: str, booking, method: str, person=True, requester=True) -> None:
    request = booking.request
    if person:
        address, language, account = recipient_of(booking.person)
        _send(address, language, kind, request, account, booking, "person", method,
              for_person=True)
    user = request.requester
    if requester and user.active:
        _send(user.email, user.locale, kind, request, user, booking, "requester", method,
              for_person=False)


def booked(booking) -> None:
    _to_both("booked", booking, "REQUEST")


def rescheduled(booking) -> None:
    _to_both("rescheduled", booking, "REQUEST")


def cancelled(request, booking, by_requester: bool) -> None:
    """A booked request: both get the cancellation, so that it leaves both calendars (also
    the requester's own, when they cancelled it). An unbooked one: only a requester who
    did not cancel it themselves is told."""
    if booking is not None:
        _to_both("cancelled", booking, "CANCEL")
    elif not by_requester and request.requester.active:
        _send(request.requester.email, request.requester.locale, "cancelled", request,
              request.requester, for_person=False)


def released(booking) -> None:
    """The person no longer has this booking (reassigned, or moved to a time they cannot)."""
    _to_both("cancelled", booking, "CANCEL", requester=False)
