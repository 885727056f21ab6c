"""Mails about offers and bookings, each in its recipient's language.

Subjects and bodies say what, when and where in general terms (language pair, day,
municipality); never the case reference or the notes, which only logged-in people see.
Booking mails carry the booking as an iTIP invitation or cancellation (RFC 6047), so
that it lands in, moves in, or leaves the recipient's calendar.
"""

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..auth.models import recipient_of_user
from ..bookings import signals
from ..bookings.links import offer_link
from ..bookings.wording import request_summary
from ..calendar.events import booking_ics
from ..core.i18n import current_language
from ..core.mail import send_mail

SUBJECTS = {
    "offer": _l("Offer: %(what)s on %(day)s"),
    "booked": _l("Booked: %(what)s on %(day)s"),
    "cancelled": _l("Cancelled: %(what)s on %(day)s"),
    "rescheduled": _l("Changed: %(what)s on %(day)s"),
}
# Which of a user's mail preferences a kind of mail obeys.
PREFERENCE = {"offer": "mail_offers", "booked": "mail_bookings", "cancelled": "mail_bookings",
              "rescheduled": "mail_bookings"}


def _subject(kind: str, request):
    """The subject, made in the recipient's language when the mail is rendered."""
    return lambda: str(SUBJECTS[kind]) % {"what": request_summary(request, current_language()),
                                          "day": format_date(request.day)}


def _send(recipient, account, kind: str, request, booking=None, audience=None, method=None,
          **context) -> None:
    """One mail in the recipient's language (else the request's working language), unless
    their account asked for no mail of this kind."""
    if account is not None and not getattr(account, PREFERENCE[kind], True):
        return
    calendar = ((method, lambda ui: booking_ics(booking, audience, ui, method=method))
                if method else None)
    send_mail(recipient, kind, _subject(kind, request), f"emails/{kind}.txt",
              language=request.working_language, calendar=calendar, request=request,
              booking=booking, **context)


def _to_person(kind: str, booking, method: str) -> None:
    person = booking.person
    _send(person.mail_recipient, person.active_account, kind, booking.request, booking,
          "person", method, for_person=True)


def _to_requester(kind: str, request, booking=None, method=None) -> None:
    user = request.requester
    if user.active:
        _send(recipient_of_user(user), user, kind, request, booking, "requester", method,
              for_person=False)


@signals.offer_sent.connect
def offer_sent(offer, **_):
    person = offer.person
    _send(person.mail_recipient, person.active_account, "offer", offer.request, offer=offer,
          link=offer_link(offer))


@signals.booking_confirmed.connect
def booking_confirmed(booking, **_):
    _to_person("booked", booking, "REQUEST")
    _to_requester("booked", booking.request, booking, "REQUEST")


@signals.booking_moved.connect
def booking_moved(booking, **_):
    _to_person("rescheduled", booking, "REQUEST")
    _to_requester("rescheduled", booking.request, booking, "REQUEST")


@signals.booking_released.connect
def booking_released(booking, **_):
    """The person no longer has this booking (reassigned, or moved to a time they cannot)."""
    _to_person("cancelled", booking, "CANCEL")


@signals.request_cancelled.connect
def request_cancelled(request, booking=None, by_requester=False, **_):
    """A booked request: both get the cancellation, so that it leaves both calendars (also
    the requester's own, when they cancelled it). An unbooked one: only a requester who
    did not cancel it themselves is told."""
    if booking is not None:
        _to_person("cancelled", booking, "CANCEL")
        _to_requester("cancelled", request, booking, "CANCEL")
    elif not by_requester:
        _to_requester("cancelled", request)


@signals.request_escalated.connect
def request_escalated(request, **_):
    """Its dispatchers are told that it starts soon and nobody is booked."""
    if request.service is None:
        return
    for dispatcher in request.service.dispatchers:
        if dispatcher.active:
            send_mail(recipient_of_user(dispatcher), "escalation",
                      _l("Not booked yet, starts soon: request %(number)s",
                         number=request.number), "emails/escalation.txt", request=request)
